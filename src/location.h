/*
 * location.h - PURE: which [location] rules apply to a request.
 *
 * A location matches a path when the path starts with its prefix and,
 * unless the prefix ends in '/', the match ends at a '/' or at the end of
 * the path: "/docs" matches "/docs" and "/docs/x" but not "/docsx";
 * "/docs/" matches "/docs/x" but not "/docs". The longest prefix wins; at
 * equal length, a location of the request's host wins over one of every
 * host. What the winner leaves unset, the next shorter matching location
 * decides, and so on; what none sets is the host's (its lang) or off.
 *
 * Two pairs of keys are one rule each, decided whole by the longest
 * location that sets either part: redirect and block (what to answer
 * instead of the file), and require_certificate and allow (who may read).
 * So "require_certificate = on" without allow below a location with an
 * allow list lets any valid certificate in, "require_certificate = off"
 * opens a folder below a private one, a redirect below a blocked folder
 * applies, and "block" below a redirected one blocks.
 *
 * A redirect whose prefix or target was written with a final '*'
 * (redirect_wildcard) applies to every path its location matches, the
 * rest of the path after the prefix appended to the target; any other
 * applies to the path equal to its prefix alone (a page moved): below
 * it, the next shorter location's redirect or block applies, if any.
 *
 * No I/O, no allocation, no outside library: the configuration is read,
 * never changed.
 */
#ifndef KIZUNA_LOCATION_H
#define KIZUNA_LOCATION_H

#include "config.h"

/*
 * What applies to one path on one host. Every pointer points into the
 * struct config given to location_resolve, and lives as long as it does.
 */
struct location_rules {
	int matched;              /* locations that match, 0 to nlocations */
	/* they, the longest first: chain[0] is location_match's */
	const struct config_location *chain[CONFIG_MAX_LOCATIONS];
	int listing;              /* 1: list a folder without index.gmi */
	/* the location whose redirect or block applies, or NULL */
	const struct config_location *action;
	int redirect_status;      /* 0 (none), 30 or 31 */
	const char *redirect;     /* the target, or NULL (see config.h) */
	int redirect_wildcard;    /* 1: the path after redirect_prefix is
	                             appended to redirect; 0: the path is
	                             redirect_prefix itself */
	const char *redirect_prefix; /* action's prefix, or NULL */
	int block;                /* 0 (none), 51 or 52 */
	const char *lang;         /* BCP 47 tag(s), or NULL: the host's */
	/* the location whose require_certificate applies, or NULL */
	const struct config_location *certificate;
	int require_certificate;  /* 1: a client certificate is needed */
	/* the SHA-256 fingerprints let in: nallow of them; 0: any valid
	 * certificate (only when require_certificate) */
	const unsigned char (*allow)[32];
	int nallow;
};

/*
 * 1 when a location with this prefix (as stored: without its '*')
 * matches path, else 0.
 */
int location_under(const char *prefix, const char *path);

/*
 * The index in cfg->locations of the location that matches path on host
 * best, or -1 when none does. host is a host's name as stored
 * (cfg->hosts[].name; NULL: only the locations of every host count);
 * path is a request's path, percent-decoded and without dot segments
 * (struct request's), starting with '/'.
 */
int location_match(const struct config *cfg, const char *host,
    const char *path);

/*
 * Fills *out with the rules for path on host (both as for location_match).
 * Returns location_match's index, -1 when no location matches (and *out
 * then says: no listing, no redirect, no block, the host's lang, no
 * certificate asked for).
 */
int location_resolve(const struct config *cfg, const char *host,
    const char *path, struct location_rules *out);

/*
 * The type a location's types give a file named name (a path or a bare
 * name), or NULL when none does: the longest location with a type for it
 * decides; within one location, the longest extension that ends the name
 * (".tar.gz" before ".gz"). Extensions are compared without regard to
 * case, and match only after at least one other character (".md" is not
 * a type of a file named ".md"). Borrowed from the configuration.
 */
const char *location_type(const struct location_rules *rules,
    const char *name);

#endif
