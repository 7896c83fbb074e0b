/*
 * site.c - the reloadable part of the server, shared and counted.
 */
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct site *
site_new(const struct config *cfg, char *err, size_t errsize)
{
	struct site *site;

	if ((site = calloc(1, sizeof(*site))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	atomic_init(&site->refs, 1);
	site->cfg = *cfg;
	if ((site->tls = tls_ctx_new(site->cfg.cert, site->cfg.key,
	    site->fingerprint, err, errsize)) == NULL) {
		free(site);
		return NULL;
	}
	site->pages = pages_load_dir(site->cfg.root, site->cfg.articles,
	    site->cfg.lang);
	if (site->pages == NULL) {
		snprintf(err, errsize, "out of memory reading the articles");
		tls_ctx_free(site->tls);
		free(site);
		return NULL;
	}
	/* Several language tags must be quoted (gemtext specification). */
	snprintf(site->lang, sizeof(site->lang),
	    strchr(site->cfg.lang, ',') != NULL ? "\"%s\"" : "%s",
	    site->cfg.lang);
	site->policy.hostname = site->cfg.hostname;
	site->policy.port = site->cfg.port;
	site->content.pages = site->pages;
	site->content.hostname = site->cfg.hostname;
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

/* Appends name to what, comma-separated. */
static void
add_name(char *what, size_t size, const char *name)
{
	size_t len = strlen(what);

	snprintf(what + len, size - len, "%s%s", len > 0 ? ", " : "", name);
}

int
site_restart_needed(const struct config *old, const struct config *new,
    char *what, size_t size)
{
	int n = 0, i, same = old->naddresses == new->naddresses;

	what[0] = '\0';
	for (i = 0; same && i < old->naddresses; i++)
		same = strcmp(old->addresses[i], new->addresses[i]) == 0;
	if (!same && ++n)
		add_name(what, size, "[server] address");
	if (old->port != new->port && ++n)
		add_name(what, size, "[server] port");
	if (old->workers != new->workers && ++n)
		add_name(what, size, "[server] workers");
	if (old->max_connections != new->max_connections && ++n)
		add_name(what, size, "[server] max_connections");
	if (strcmp(old->user, new->user) != 0 && ++n)
		add_name(what, size, "[server] user");
	if (strcmp(old->root, new->root) != 0 && ++n)
		add_name(what, size, "[capsule] root");
	if (strcmp(old->access_log, new->access_log) != 0 && ++n)
		add_name(what, size, "[log] access");
	return n;
}
