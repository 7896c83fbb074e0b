/*
 * location.c - the [location] rules that apply to a request's path.
 */
#include "location.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

int
location_under(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0)
		return 0;
	/* "/docs" is a folder or a file, never the start of "/docsx". */
	return n > 0 && (prefix[n - 1] == '/' || path[n] == '\0' ||
	    path[n] == '/');
}

/* Whether loc is for every host, or for host. */
static int
for_host(const struct config_location *loc, const char *host)
{
	return loc->host[0] == '\0' ||
	    (host != NULL && strcmp(loc->host, host) == 0);
}

/* Whether a matching location a goes before b: longer, or as long and
 * of one host where b is of every host. */
static int
before(const struct config_location *a, const struct config_location *b)
{
	size_t na = strlen(a->prefix), nb = strlen(b->prefix);

	if (na != nb)
		return na > nb;
	return a->host[0] != '\0' && b->host[0] == '\0';
}

int
location_match(const struct config *cfg, const char *host, const char *path)
{
	const struct config_location *loc;
	int i, best = -1;

	for (i = 0; i < cfg->nlocations; i++) {
		loc = &cfg->locations[i];
		if (for_host(loc, host) && location_under(loc->prefix, path) &&
		    (best == -1 || before(loc, &cfg->locations[best])))
			best = i;
	}
	return best;
}

/* out->chain: every location that matches, the longest first. */
static void
collect(const struct config *cfg, const char *host, const char *path,
    struct location_rules *out)
{
	const struct config_location *loc;
	int i, j;

	for (i = 0; i < cfg->nlocations; i++) {
		loc = &cfg->locations[i];
		if (!for_host(loc, host) || !location_under(loc->prefix, path))
			continue;
		/* Insertion: a few locations at most match one path. */
		for (j = out->matched; j > 0 && before(loc, out->chain[j - 1]);
		    j--)
			out->chain[j] = out->chain[j - 1];
		out->chain[j] = loc;
		out->matched++;
	}
}

/*
 * Whether loc's redirect applies to path: a wildcard's to every path it
 * matches, another's to its prefix alone (a page moved). Below it, such
 * a redirect is not met, and a shorter location decides.
 */
static int
redirects(const struct config_location *loc, const char *path)
{
	return loc->redirect_status != 0 &&
	    (loc->redirect_wildcard || strcmp(path, loc->prefix) == 0);
}

int
location_resolve(const struct config *cfg, const char *host,
    const char *path, struct location_rules *out)
{
	const struct config_location *loc;
	int i, listing = -1;

	memset(out, 0, sizeof(*out));
	collect(cfg, host, path, out);
	/* Each key from the longest location that sets it. */
	for (i = 0; i < out->matched; i++) {
		loc = out->chain[i];
		if (listing == -1)
			listing = loc->listing;
		if (out->action == NULL && (loc->block != 0 ||
		    redirects(loc, path)))
			out->action = loc;
		if (out->lang == NULL && loc->lang[0] != '\0')
			out->lang = loc->lang;
		if (out->certificate == NULL && loc->require_certificate != -1)
			out->certificate = loc;
	}
	out->listing = listing == 1;
	if ((loc = out->action) != NULL) {
		out->block = loc->block;
		if (loc->redirect_status != 0) {
			out->redirect_status = loc->redirect_status;
			out->redirect = loc->redirect;
			out->redirect_wildcard = loc->redirect_wildcard;
			out->redirect_prefix = loc->prefix;
		}
	}
	if ((loc = out->certificate) != NULL &&
	    loc->require_certificate == 1) {
		out->require_certificate = 1;
		out->allow = loc->allow;
		out->nallow = loc->nallow;
	}
	if (out->matched == 0)
		return -1;
	return (int)(out->chain[0] - cfg->locations);
}

/* Whether ext ends name, after at least one other character. */
static int
ends_with(const char *name, size_t n, const char *ext)
{
	size_t e = strlen(ext);

	return e < n && strcasecmp(name + n - e, ext) == 0;
}

const char *
location_type(const struct location_rules *rules, const char *name)
{
	const struct config_location *loc;
	const char *slash = strrchr(name, '/');
	size_t n, best_len;
	int i, t, best;

	if (slash != NULL)
		name = slash + 1;
	n = strlen(name);
	for (i = 0; i < rules->matched; i++) {
		loc = rules->chain[i];
		best = -1;
		best_len = 0;
		for (t = 0; t < loc->ntypes; t++)
			if (ends_with(name, n, loc->types[t].ext) &&
			    strlen(loc->types[t].ext) > best_len) {
				best = t;
				best_len = strlen(loc->types[t].ext);
			}
		if (best != -1)
			return loc->types[best].type;
	}
	return NULL;
}
