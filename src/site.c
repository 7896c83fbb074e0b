/*
 * site.c - the reloadable part of the server, shared and counted.
 */
#include "site.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"


/*
 * The host a site serves: for now the one for clients without SNI
 * (several hosts are served once SNI picks among them).
 */
static const struct config_host *
served(const struct config *cfg)
{
	return &cfg->hosts[cfg->default_host];
}

/* Returns 0, or -1 with errno set. */
static int
identify(const char *path, struct site_file_id *id)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return -1;
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	id->size = sb.st_size;
	id->mtime = sb.st_mtim;
	return 0;
}

static int
same_file(const struct site_file_id *a, const struct site_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * Whether prev's certificate and key can serve cfg: the same paths, and
 * files that did not change. A file the service user cannot even stat
 * (a root-only key directory) cannot have been read again either: it is
 * kept, and the log says so.
 */
static int
keep_certificate(struct site *site, const struct site *prev)
{
	const struct config_host *host = served(&site->cfg);
	struct site_file_id cert, key;
	int cert_ok, key_ok;

	if (prev == NULL || strcmp(host->cert, served(&prev->cfg)->cert) != 0 ||
	    strcmp(host->key, served(&prev->cfg)->key) != 0)
		return 0;
	cert_ok = identify(host->cert, &cert) == 0;
	key_ok = identify(host->key, &key) == 0;
	if (cert_ok && key_ok)
		return same_file(&cert, &prev->cert_id) &&
		    same_file(&key, &prev->key_id);
	if (errno != EACCES)
		return 0;   /* gone, say: loading it reports that */
	log_warn("cannot see whether %s or %s changed (%s): keeping the "
	    "certificate in use", host->cert, host->key,
	    strerror(errno));
	return 1;
}

static int
load_certificate(struct site *site, const struct site *prev, char *err,
    size_t errsize)
{
	const struct config_host *host = served(&site->cfg);

	if (keep_certificate(site, prev)) {
		if ((site->tls = tls_ctx_share(prev->tls)) == NULL) {
			snprintf(err, errsize, "out of memory");
			return -1;
		}
		site->cert_id = prev->cert_id;
		site->key_id = prev->key_id;
		memcpy(site->fingerprint, prev->fingerprint,
		    sizeof(site->fingerprint));
		return 0;
	}
	/* Identified first: a file replaced between the two steps is then
	 * seen as changed on the next reload, never missed. */
	if (identify(host->cert, &site->cert_id) == -1)
		memset(&site->cert_id, 0, sizeof(site->cert_id));
	if (identify(host->key, &site->key_id) == -1)
		memset(&site->key_id, 0, sizeof(site->key_id));
	site->tls = tls_ctx_new(host->cert, host->key, host->name,
	    site->fingerprint, err, errsize);
	return site->tls == NULL ? -1 : 0;
}

/*
 * The capsule's absolute URL, for the Atom feed: gemini://HOST[:PORT]/,
 * an IPv6 literal in brackets, the port left out when it is Gemini's.
 */
static void
capsule_url(const struct config *cfg, char *dst, size_t size)
{
	const char *name = served(cfg)->name;
	const char *lb = strchr(name, ':') != NULL ? "[" : "";
	char port[16] = "";

	if (cfg->port != 1965)
		snprintf(port, sizeof(port), ":%d", cfg->port);
	snprintf(dst, size, "gemini://%s%s%s%s/", lb, name,
	    lb[0] != '\0' ? "]" : "", port);
}

struct site *
site_new(const struct config *cfg, const struct site *prev, char *err,
    size_t errsize)
{
	const struct config_host *host;
	struct pages_options opt;
	char url[512];
	struct site *site;
	int same_folder;

	if ((site = calloc(1, sizeof(*site))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	atomic_init(&site->refs, 1);
	site->cfg = *cfg;
	host = served(&site->cfg);
	if (load_certificate(site, prev, err, errsize) == -1) {
		free(site);
		return NULL;
	}
	/* An article that cannot be read now keeps prev's pages, when
	 * prev read the same folder. */
	same_folder = prev != NULL &&
	    strcmp(served(&prev->cfg)->root, host->root) == 0 &&
	    strcmp(served(&prev->cfg)->articles, host->articles) == 0;
	capsule_url(&site->cfg, url, sizeof(url));
	memset(&opt, 0, sizeof(opt));
	opt.lang = host->lang;
	opt.url = url;
	opt.host = host->name;
	opt.prev = same_folder ? prev->pages : NULL;
	site->pages = pages_load_dir(host->root, host->articles, &opt);
	if (site->pages == NULL) {
		snprintf(err, errsize, "out of memory reading the articles");
		tls_ctx_free(site->tls);
		free(site);
		return NULL;
	}
	/* Several language tags must be quoted (gemtext specification). */
	snprintf(site->lang, sizeof(site->lang),
	    strchr(host->lang, ',') != NULL ? "\"%s\"" : "%s",
	    host->lang);
	site->policy.hostname = host->name;
	site->policy.port = site->cfg.port;
	site->content.pages = site->pages;
	site->content.hostname = host->name;
	site->content.lang = site->lang;
	return site;
}

struct site *
site_hold(struct site *site)
{
	atomic_fetch_add_explicit(&site->refs, 1, memory_order_relaxed);
	return site;
}

void
site_release(struct site *site)
{
	if (site == NULL ||
	    atomic_fetch_sub_explicit(&site->refs, 1, memory_order_acq_rel) != 1)
		return;
	pages_free(site->pages);
	tls_ctx_free(site->tls);
	free(site);
}
