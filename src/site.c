/*
 * site.c - the reloadable part of the server, shared and counted.
 */
#include "site.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "log.h"


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

/* Whether two hosts answer to the same names, aliases in the same order. */
static int
same_names(const struct config_host *a, const struct config_host *b)
{
	int i;

	if (strcmp(a->name, b->name) != 0 || a->naliases != b->naliases)
		return 0;
	for (i = 0; i < a->naliases; i++)
		if (strcmp(a->aliases[i], b->aliases[i]) != 0)
			return 0;
	return 1;
}

/*
 * Whether prev's certificate and key can serve host: the same paths, files
 * that did not change, and the same names to cover. A file the service
 * user cannot even stat (a root-only key directory) cannot have been read
 * again either: it is kept. That is said at debug level only: the start-up
 * log said it once (confine.c), and a reload or an article saved would
 * otherwise repeat it every time.
 */
static int
keep_certificate(const struct site_host *h, const struct site_host *prev)
{
	const struct config_host *host = h->cfg;
	struct site_file_id cert, key;
	int cert_ok, key_ok;

	if (prev == NULL || strcmp(host->cert, prev->cfg->cert) != 0 ||
	    strcmp(host->key, prev->cfg->key) != 0 ||
	    !same_names(host, prev->cfg))
		return 0;
	cert_ok = identify(host->cert, &cert) == 0;
	key_ok = identify(host->key, &key) == 0;
	if (cert_ok && key_ok)
		return same_file(&cert, &prev->cert_id) &&
		    same_file(&key, &prev->key_id);
	if (errno != EACCES)
		return 0;   /* gone, say: loading it reports that */
	log_debug("cannot see whether %s or %s changed (%s): keeping the "
	    "certificate in use", host->cert, host->key,
	    strerror(errno));
	return 1;
}

/* Whether the service user can read path (access(2) is not on the seccomp
 * allow-list; open is). */
static int
readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * cert_check for h's certificate (and key, unless NULL: a kept key may be
 * out of the service user's sight); the warning of a coming expiry is
 * logged when warn says so. Returns 0, or -1 with err set.
 */
static int
check_certificate(const struct site_host *h, const char *key, int warn,
    char *err, size_t errsize)
{
	struct cert_names names = { h->cfg->name, h->aliases,
	    (size_t)h->cfg->naliases };
	struct cert_status st;

	if (cert_check(h->cfg->cert, key, &names, time(NULL), &st, err,
	    errsize) == -1)
		return -1;
	if (warn && st.warning[0] != '\0')
		log_warn("%s", st.warning);
	return 0;
}

/*
 * The host's TLS context: prev's when it can serve (keep_certificate),
 * else loaded from the files. Either way the certificate is checked
 * (cert.h) against the host's names and the time now: a certificate that
 * expired while kizuna ran is refused by the next reload too.
 */
static int
load_certificate(struct site_host *h, const struct site_host *prev,
    char *err, size_t errsize)
{
	int cert_errno, key_errno;
	const struct config_host *host = h->cfg;

	if (keep_certificate(h, prev)) {
		if (readable(host->cert) &&
		    check_certificate(h, NULL, 0, err, errsize) == -1)
			return -1;
		if ((h->tls = tls_ctx_share(prev->tls)) == NULL) {
			snprintf(err, errsize, "out of memory");
			return -1;
		}
		h->cert_id = prev->cert_id;
		h->key_id = prev->key_id;
		memcpy(h->fingerprint, prev->fingerprint,
		    sizeof(h->fingerprint));
		return 0;
	}
	/* Identified first: a file replaced between the two steps is then
	 * seen as changed on the next reload, never missed. */
	cert_errno = identify(host->cert, &h->cert_id) == -1 ? errno : 0;
	key_errno = identify(host->key, &h->key_id) == -1 ? errno : 0;
	if (cert_errno != 0 && cert_errno != ENOENT) {
		snprintf(err, errsize, "host \"%s\": %s: %s%s", host->name,
		    host->cert, strerror(cert_errno), cert_errno == EACCES ?
		    " (a folder kizuna could not read when it started is read "
		    "after a restart)" : "");
		return -1;
	}
	if (cert_errno == ENOENT && key_errno == ENOENT) {
		/* Start-up makes them (cert_ensure) before any site; a reload
		 * runs confined, as the service user, and cannot. */
		snprintf(err, errsize, "host \"%s\": no certificate yet at %s: "
		    "a reload cannot make one (it runs confined, as the "
		    "service user): restart kizuna, which makes it, or put a "
		    "certificate and key there", host->name, host->cert);
		return -1;
	}
	if (cert_errno != 0)
		memset(&h->cert_id, 0, sizeof(h->cert_id));
	if (key_errno != 0)
		memset(&h->key_id, 0, sizeof(h->key_id));
	/* The check first: it names the host and says how to fix what it
	 * finds (a key of another certificate, say), which loading cannot. */
	if (check_certificate(h, host->key, 1, err, errsize) == -1)
		return -1;
	h->tls = tls_ctx_new(host->cert, host->key, host->name,
	    h->fingerprint, err, errsize);
	return h->tls == NULL ? -1 : 0;
}

void
site_url(const char *name, int port, char *dst, size_t size)
{
	const char *lb = strchr(name, ':') != NULL ? "[" : "";
	char port_text[16] = "";

	if (port != 1965)
		snprintf(port_text, sizeof(port_text), ":%d", port);
	snprintf(dst, size, "gemini://%s%s%s%s/", lb, name,
	    lb[0] != '\0' ? "]" : "", port_text);
}

/* prev's host of that name, or NULL. */
static const struct site_host *
prev_host(const struct site *prev, const char *name)
{
	int i;

	for (i = 0; prev != NULL && i < prev->nhosts; i++)
		if (strcmp(prev->hosts[i].cfg->name, name) == 0)
			return &prev->hosts[i];
	return NULL;
}

/*
 * The root, opened for reading: Landlock, set up at start, lets the
 * confined process read only the folders it knew then, and a reload that
 * names another one must say so rather than answer 51 for everything.
 */
static int
open_root(const struct config_host *host, char *err, size_t errsize)
{
	int fd = open(host->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		snprintf(err, errsize, "%s: %s%s", host->root, strerror(errno),
		    errno == EACCES ? " (a folder kizuna could not read when "
		    "it started is served after a restart)" : "");
	return fd;
}

/* Whether a location of this host (its own, or one for every host)
 * requires a client certificate. */
static int
asks_client_certificates(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nlocations; i++)
		if (cfg->locations[i].require_certificate == 1 &&
		    (cfg->locations[i].host[0] == '\0' ||
		    strcmp(cfg->locations[i].host, name) == 0))
			return 1;
	return 0;
}

/* Loads one host; on failure, err names what failed (not the host). */
static int
load_host(struct site *site, struct site_host *h, const struct site *prev,
    int live, char *err, size_t errsize)
{
	const struct config_host *host = h->cfg;
	const struct site_host *before = prev_host(prev, host->name);
	struct pages_options opt;
	char url[512];
	int i;

	for (i = 0; i < host->naliases; i++)
		h->aliases[i] = host->aliases[i];
	if (load_certificate(h, before, err, errsize) == -1)
		return -1;
	/* Only a host with a location that wants client certificates asks
	 * for one in its handshake (clients show a prompt when asked). */
	h->asks_certificates = asks_client_certificates(&site->cfg,
	    host->name);
	if (h->asks_certificates)
		tls_ctx_request_client_certificates(h->tls);
	if ((h->rootfd = open_root(host, err, errsize)) == -1)
		return -1;
	/* An article that cannot be read now keeps prev's pages, when
	 * prev read the same folder. */
	/* The port requests must name (under socket activation, the
	 * sockets'), so the feed's links lead where requests are served. */
	site_url(host->name, site->port, url, sizeof(url));
	memset(&opt, 0, sizeof(opt));
	opt.lang = host->lang;
	opt.url = url;
	opt.host = host->name;
	opt.once = live;
	opt.prev = before != NULL && strcmp(before->cfg->root,
	    host->root) == 0 && strcmp(before->cfg->articles,
	    host->articles) == 0 ? before->pages : NULL;
	h->pages = pages_load_dir(host->root, host->articles, &opt);
	if (h->pages == NULL) {
		snprintf(err, errsize, "out of memory reading the articles");
		return -1;
	}
	/* Several language tags must be quoted (gemtext specification). */
	snprintf(h->lang, sizeof(h->lang),
	    strchr(host->lang, ',') != NULL ? "\"%s\"" : "%s", host->lang);
	h->policy.hostname = host->name;
	h->policy.port = site->port;
	h->policy.aliases = h->aliases;
	h->policy.naliases = (size_t)host->naliases;
	h->content.pages = h->pages;
	h->content.hostname = host->name;
	h->content.lang = h->lang;
	h->content.rootfd = h->rootfd;
	return 0;
}

/* Frees what load_host made of h (some of it, after a failure). */
static void
unload_host(struct site_host *h)
{
	pages_free(h->pages);
	tls_ctx_free(h->tls);
	if (h->rootfd >= 0)
		close(h->rootfd);
}

struct site *
site_new(const struct config *cfg, int port, const struct site *prev,
    int live, char *err, size_t errsize)
{
	struct site *site;
	char why[1024];
	int i;

	if ((site = calloc(1, sizeof(*site))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	atomic_init(&site->refs, 1);
	site->cfg = *cfg;
	site->port = port;
	for (i = 0; i < site->cfg.nhosts; i++) {
		site->hosts[i].cfg = &site->cfg.hosts[i];
		site->hosts[i].rootfd = -1;
		site->nhosts = i + 1;
		if (load_host(site, &site->hosts[i], prev, live, why,
		    sizeof(why)) == -1) {
			/* Without host sections there is one host: the
			 * message stays as it always was. A certificate's
			 * check names its host itself (cert.h). */
			if (site->cfg.has_host_sections &&
			    strncmp(why, "host \"", 6) != 0)
				snprintf(err, errsize, "host \"%s\": %s",
				    site->cfg.hosts[i].name, why);
			else
				snprintf(err, errsize, "%s", why);
			site_release(site);
			return NULL;
		}
	}
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
	int i;

	if (site == NULL ||
	    atomic_fetch_sub_explicit(&site->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < site->nhosts; i++)
		unload_host(&site->hosts[i]);
	free(site);
}

int
site_host_named(const struct site *site, const char *name)
{
	int i;

	for (i = 0; i < site->nhosts; i++)
		if (request_names_host(&site->hosts[i].policy, name))
			return i;
	return -1;
}

size_t
site_articles(const struct site *site)
{
	size_t n = 0;
	int i;

	for (i = 0; i < site->nhosts; i++)
		n += pages_articles(site->hosts[i].pages);
	return n;
}

size_t
site_pages(const struct site *site)
{
	size_t n = 0;
	int i;

	for (i = 0; i < site->nhosts; i++)
		n += pages_count(site->hosts[i].pages);
	return n;
}

void
site_log_hosts(const struct site *site)
{
	const struct site_host *h;
	int i;

	for (i = 0; i < site->nhosts; i++) {
		h = &site->hosts[i];
		log_info("host %s%s: %s, articles: %zu in %s/%s, %zu page%s; "
		    "certificate SHA-256 fingerprint: %s", h->cfg->name,
		    i == site->cfg.default_host ? " (default)" : "",
		    h->cfg->root, pages_articles(h->pages), h->cfg->root,
		    h->cfg->articles, pages_count(h->pages),
		    pages_count(h->pages) == 1 ? "" : "s", h->fingerprint);
	}
}

int
site_host_for(const struct site *site, const char *servername,
    const struct sockaddr *local)
{
	char address[INET6_ADDRSTRLEN];
	const void *bytes = NULL;
	int i = -1;

	if (servername != NULL)
		i = site_host_named(site, servername);
	if (i < 0 && local != NULL && local->sa_family == AF_INET)
		bytes = &((const struct sockaddr_in *)local)->sin_addr;
	else if (i < 0 && local != NULL && local->sa_family == AF_INET6)
		bytes = &((const struct sockaddr_in6 *)local)->sin6_addr;
	if (bytes != NULL && inet_ntop(local->sa_family, bytes, address,
	    sizeof(address)) != NULL)
		i = site_host_named(site, address);
	return i >= 0 ? i : site->cfg.default_host;
}
