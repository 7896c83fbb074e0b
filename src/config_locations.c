/*
 * config_locations.c - the rules of [location "PREFIX"] sections: their
 * headers, the values only they take (redirect, types, allow), and, once
 * the file is read, what no single line shows: the host each names, each
 * (host, prefix) once, rules that agree, no redirect onto a redirect.
 *
 * Which location decides what for a path is location.c's; the checks
 * here ask it, so that they judge a redirect as a request would meet it.
 */
#include "config_internal.h"

#include <stdio.h>
#include <string.h>

#include "config_value.h"
#include "location.h"
#include "url.h"

void
config_locations_section(const struct config_location *loc, char *out)
{
	snprintf(out, LOCATION_SECTION_MAX, "location \"%s%s%s\"", loc->host,
	    loc->prefix, loc->wildcard ? "*" : "");
}

/* The location before index upto with loc's host and prefix, or -1. */
static int
same_as(const struct config *cfg, int upto, const struct config_location *loc)
{
	int i;

	for (i = 0; i < upto; i++)
		if (strcmp(cfg->locations[i].host, loc->host) == 0 &&
		    strcmp(cfg->locations[i].prefix, loc->prefix) == 0)
			return i;
	return -1;
}

/* Refuses location i, the same as an earlier one. Returns -1. */
static int
refuse_same(struct parse_state *st, int i, int other)
{
	const struct config_location *loc = &st->cfg->locations[i];
	char section[LOCATION_SECTION_MAX], first[LOCATION_SECTION_MAX];

	config_locations_section(loc, section);
	config_locations_section(&st->cfg->locations[other], first);
	return config_fail_line(st, loc->line, section, NULL,
	    "same %s as [%s] (line %d)",
	    loc->host[0] != '\0' ? "host and prefix" : "prefix", first,
	    st->cfg->locations[other].line);
}

/*
 * Grammar of the text between "[" and "]":
 *   location-header = "location" *( SP / HTAB ) DQUOTE where DQUOTE
 *   where           = [ name ] prefix [ "*" ]
 * name as config_value_name reads it, without brackets (inih ends a
 * section at the first "]"); prefix as config_value_prefix reads it. The
 * host is only checked for its form here: its [host] section may come
 * later in the file (config_locations_finish).
 */
void
config_locations_header(struct parse_state *st, const char *text)
{
	struct config *cfg = st->cfg;
	struct config_location *loc;
	char quoted[CONFIG_NAME_MAX + CONFIG_PATH_MAX];
	char host[CONFIG_NAME_MAX] = "", prefix[CONFIG_PATH_MAX];
	const char *p = text + strlen("location"), *end, *slash, *why;
	size_t n;
	int wildcard = 0, other;

	p += strspn(p, " \t");
	if (*p != '"' || (end = strchr(p + 1, '"')) == NULL ||
	    end[1] != '\0' || (size_t)(end - p - 1) >= sizeof(quoted)) {
		config_fail(st, text, NULL, "a location section is written "
		    "[location \"PREFIX\"] or [location \"HOST/PREFIX\"], "
		    "PREFIX starting with '/'");
		return;
	}
	memcpy(quoted, p + 1, (size_t)(end - p - 1));
	quoted[end - p - 1] = '\0';
	if ((slash = strchr(quoted, '/')) == NULL) {
		config_fail(st, text, NULL, "\"%s\" is not a prefix: it must "
		    "start with '/' (or follow \"HOST\")", quoted);
		return;
	}
	if (slash != quoted) {
		n = (size_t)(slash - quoted);
		quoted[n] = '\0';
		if (config_value_name(quoted, 0, host, sizeof(host)) == -1) {
			config_fail(st, text, NULL,
			    "\"%s\" is not a host name or IP address", quoted);
			return;
		}
		quoted[n] = '/';
	}
	if (config_value_copy(prefix, sizeof(prefix), slash) == -1) {
		config_fail(st, text, NULL, "prefix too long");
		return;
	}
	n = strlen(prefix);
	if (prefix[n - 1] == '*') {
		prefix[n - 1] = '\0';
		wildcard = 1;
	}
	if (config_value_prefix(prefix, &why) == -1) {
		config_fail(st, text, NULL, "\"%s\" is not a prefix: %s",
		    slash, why);
		return;
	}
	if (cfg->nlocations == CONFIG_MAX_LOCATIONS) {
		config_fail(st, text, NULL, "more than %d locations",
		    CONFIG_MAX_LOCATIONS);
		return;
	}
	loc = &cfg->locations[cfg->nlocations];
	memset(loc, 0, sizeof(*loc));
	config_value_copy(loc->host, sizeof(loc->host), host);
	config_value_copy(loc->prefix, sizeof(loc->prefix), prefix);
	loc->line = st->lineno;
	loc->wildcard = wildcard;
	loc->listing = -1;
	loc->require_certificate = -1;
	/* An alias is known for what it is once the hosts are complete:
	 * config_locations_finish looks again. */
	if ((other = same_as(cfg, cfg->nlocations, loc)) != -1) {
		refuse_same(st, cfg->nlocations, other);
		return;
	}
	st->location = cfg->nlocations++;
}

/*
 * A redirect's target, its final '*' removed:
 *   target = "gemini://" authority path-abempty / path-absolute
 * (RFC 3986), with no userinfo, query or fragment. Writes the host it
 * names to host ("" for a path, on the same host), and its path decoded
 * to path ("/" for none), as a request for it would reach location.c.
 * Returns 0, or -1 with *errstr set.
 */
static int
parse_target(const char *target, char *host, size_t hostsize, char *path,
    size_t pathsize, const char **errstr)
{
	struct url u;
	char tidy[URL_MAX + 1];

	if (url_parse(target, strlen(target), &u, errstr) == -1)
		return -1;
	if (u.scheme[0] == '\0' && !u.has_authority && u.path[0] == '/')
		host[0] = '\0';
	else if (strcmp(u.scheme, "gemini") == 0 && u.has_authority &&
	    u.host[0] != '\0') {
		if (u.has_userinfo) {
			*errstr = "a Gemini URL has no userinfo ('@')";
			return -1;
		}
		if (config_value_copy(host, hostsize, u.host) == -1) {
			*errstr = "host too long";
			return -1;
		}
	} else {
		*errstr = "not a gemini:// URL with a host, nor a path "
		    "starting with '/'";
		return -1;
	}
	if (u.has_query || u.has_fragment) {
		*errstr = "a target has no query ('?') or fragment ('#')";
		return -1;
	}
	if (url_percent_decode(u.path[0] != '\0' ? u.path : "/", path,
	    pathsize, errstr) == -1)
		return -1;
	/* A client tidies "." and ".." away before it asks: written so,
	 * the target is not the path it seems. */
	if (config_value_copy(tidy, sizeof(tidy), path) == -1 ||
	    url_remove_dot_segments(tidy, errstr) == -1 ||
	    strcmp(tidy, path) != 0) {
		*errstr = "its path has a \".\" or \"..\" segment";
		return -1;
	}
	return 0;
}

/* Grammar: redirect = ( "30" / "31" ) 1*( SP / HTAB ) target [ "*" ] */
static int
set_redirect(struct parse_state *st, const struct key *k,
    struct config_location *loc, const char *section, const char *value)
{
	char status[8], target[CONFIG_PATH_MAX], host[CONFIG_NAME_MAX];
	char path[URL_MAX + 1];
	const char *why;
	size_t n = strcspn(value, " \t");
	int star = 0;

	if (n >= sizeof(status))
		n = sizeof(status) - 1;
	memcpy(status, value, n);
	status[n] = '\0';
	if (config_value_int(status, k->min, k->max,
	    &loc->redirect_status) == -1)
		return config_fail(st, section, k->name, "\"%s\" does not "
		    "start with a status, 30 or 31", value);
	value += strcspn(value, " \t");
	value += strspn(value, " \t");
	if (*value == '\0')
		return config_fail(st, section, k->name,
		    "no target after the status: %s", k->what);
	if (config_value_copy(target, sizeof(target), value) == -1)
		return config_fail(st, section, k->name, "target too long");
	n = strlen(target);
	if (target[n - 1] == '*') {
		target[n - 1] = '\0';
		star = 1;
	}
	if (parse_target(target, host, sizeof(host), path, sizeof(path),
	    &why) == -1)
		return config_fail(st, section, k->name, "\"%s\": %s", value,
		    why);
	memcpy(loc->redirect, target, sizeof(target));
	loc->redirect_wildcard = star || loc->wildcard;
	return 0;
}

/* Grammar: types = type-item *( "," type-item ); a line adds its items.
 *          type-item = extension 1*( SP / HTAB ) media-type */
static int
add_type(struct parse_state *st, const struct key *k,
    struct config_location *loc, const char *section, char *item)
{
	struct config_type t;
	char *type = item + strcspn(item, " \t");
	int i;

	if (*type != '\0')
		*type++ = '\0';
	type += strspn(type, " \t");
	if (config_value_extension(item, t.ext, sizeof(t.ext)) == -1 ||
	    config_value_media_type(type, t.type, sizeof(t.type)) == -1) {
		if (*type != '\0')
			type[-1] = ' ';
		return config_fail(st, section, k->name, "\"%s\" is not %s",
		    item, k->what);
	}
	for (i = 0; i < loc->ntypes; i++)
		if (strcmp(loc->types[i].ext, t.ext) == 0)
			return config_fail(st, section, k->name,
			    "\"%s\" is given twice", t.ext);
	if (loc->ntypes == (int)k->max)
		return config_fail(st, section, k->name, "more than %ld types",
		    k->max);
	loc->types[loc->ntypes++] = t;
	return 0;
}

/* Grammar: allow = fingerprint *( "," fingerprint ); a line adds its
 * items. fingerprint as config_value_fingerprint reads it. */
static int
add_fingerprint(struct parse_state *st, const struct key *k,
    struct config_location *loc, const char *section, const char *item)
{
	unsigned char fp[32];
	int i;

	if (config_value_fingerprint(item, fp) == -1)
		return config_fail(st, section, k->name, "\"%s\" is not %s",
		    item, k->what);
	for (i = 0; i < loc->nallow; i++)
		if (memcmp(loc->allow[i], fp, sizeof(fp)) == 0)
			return config_fail(st, section, k->name,
			    "\"%s\" is listed twice", item);
	if (loc->nallow == (int)k->max)
		return config_fail(st, section, k->name,
		    "more than %ld fingerprints", k->max);
	memcpy(loc->allow[loc->nallow++], fp, sizeof(fp));
	return 0;
}

int
config_locations_value(struct parse_state *st, const struct key *k,
    struct config_location *loc, const char *section, const char *value)
{
	char list[512], *item, *save = NULL;
	int n = 0;

	if (k->type == KEY_REDIRECT)
		return set_redirect(st, k, loc, section, value);
	if (config_value_copy(list, sizeof(list), value) == -1)
		return config_fail(st, section, k->name, "list too long");
	for (item = strtok_r(list, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		item = config_value_trim(item);
		if (*item == '\0')
			continue;
		if ((k->type == KEY_TYPES ?
		    add_type(st, k, loc, section, item) :
		    add_fingerprint(st, k, loc, section, item)) == -1)
			return -1;
		n++;
	}
	if (n == 0)
		return config_fail(st, section, k->name, "nothing given: %s "
		    "expected", k->what);
	return 0;
}

/* A host-specific location's host, written as any of the host's names,
 * becomes that host's name. */
static int
find_host(struct parse_state *st, struct config_location *loc)
{
	const struct config *cfg = st->cfg;
	char section[LOCATION_SECTION_MAX];
	int h;

	if (loc->host[0] == '\0')
		return 0;
	if ((h = config_hosts_owner(cfg, loc->host)) != -1) {
		memcpy(loc->host, cfg->hosts[h].name, sizeof(loc->host));
		return 0;
	}
	config_locations_section(loc, section);
	if (cfg->has_host_sections)
		return config_fail_line(st, loc->line, section, NULL,
		    "\"%s\" is not the name or an alias of a [host]",
		    loc->host);
	return config_fail_line(st, loc->line, section, NULL,
	    "\"%s\" is not [server] hostname (\"%s\")", loc->host,
	    cfg->hosts[0].name);
}

/* Whether location i's redirect is what a request for its own prefix on
 * host h meets: a longer location, or one of host h's, may stand in its
 * way. */
static int
redirects_on(const struct config *cfg, int i, int h)
{
	struct location_rules r;

	location_resolve(cfg, cfg->hosts[h].name, cfg->locations[i].prefix,
	    &r);
	return r.action == &cfg->locations[i];
}

/*
 * A redirect must not lead to another (clients follow five at most, and
 * the specification asks for none): on host h, the target's path must not
 * meet a redirect, this one included.
 */
static int
check_chain_on(struct parse_state *st, int i, int h, const char *path)
{
	const struct config *cfg = st->cfg;
	const struct config_location *loc = &cfg->locations[i];
	char section[LOCATION_SECTION_MAX], other[LOCATION_SECTION_MAX];
	struct location_rules r;

	location_resolve(cfg, cfg->hosts[h].name, path, &r);
	if (r.redirect_status == 0)
		return 0;
	config_locations_section(loc, section);
	config_locations_section(r.action, other);
	return config_fail_line(st, loc->line, section, NULL,
	    "redirect chains: %s is redirected by [%s] (line %d)",
	    loc->redirect, other, r.action->line);
}

/*
 * Location i's redirect, on each host it applies to (a path target) or
 * on the host its URL names, when kizuna serves it (on any port): no
 * chain, and, for a wildcard, no target under its own prefix, which
 * would grow the path at each turn.
 */
static int
check_redirect(struct parse_state *st, int i)
{
	const struct config *cfg = st->cfg;
	const struct config_location *loc = &cfg->locations[i];
	char host[CONFIG_NAME_MAX], path[URL_MAX + 1];
	char section[LOCATION_SECTION_MAX];
	const char *why;
	int h, target;

	/* Checked as the line was read: cannot fail now. */
	if (parse_target(loc->redirect, host, sizeof(host), path,
	    sizeof(path), &why) == -1)
		return 0;
	target = host[0] == '\0' ? -1 : config_hosts_owner(cfg, host);
	if (host[0] != '\0' && target == -1)
		return 0;   /* another server's */
	for (h = 0; h < cfg->nhosts; h++) {
		if (target != -1 && h != target)
			continue;
		if (loc->redirect_wildcard && redirects_on(cfg, i, h) &&
		    location_under(loc->prefix, path)) {
			config_locations_section(loc, section);
			return config_fail_line(st, loc->line, section, NULL,
			    "redirect loops: %s is under this location's own "
			    "prefix %s", loc->redirect, loc->prefix);
		}
		if ((target != -1 || redirects_on(cfg, i, h)) &&
		    check_chain_on(st, i, h, path) == -1)
			return -1;
	}
	return 0;
}

/* What one location says that no line of it could check alone. */
static int
check_rules(struct parse_state *st, int i)
{
	const struct config_location *loc = &st->cfg->locations[i];
	char section[LOCATION_SECTION_MAX];

	config_locations_section(loc, section);
	if (loc->nallow > 0 && loc->require_certificate != 1)
		return config_fail_line(st, loc->line, section, NULL,
		    "allow needs require_certificate = on");
	if (loc->block != 0 && loc->redirect_status != 0)
		return config_fail_line(st, loc->line, section, NULL,
		    "block and redirect both set: choose one");
	return check_redirect(st, i);
}

int
config_locations_finish(struct parse_state *st)
{
	struct config *cfg = st->cfg;
	int i, other;

	/* Every host first: the rules of one location need all of them. */
	for (i = 0; i < cfg->nlocations; i++) {
		if (find_host(st, &cfg->locations[i]) == -1)
			return -1;
		if ((other = same_as(cfg, i, &cfg->locations[i])) != -1)
			return refuse_same(st, i, other);
	}
	for (i = 0; i < cfg->nlocations; i++)
		if (check_rules(st, i) == -1)
			return -1;
	return 0;
}
