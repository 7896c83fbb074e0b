/*
 * config.c - INI file -> struct config, through inih.
 *
 * Every key is one row of the table config_keys below: its section and
 * name, how its value is written, its range, its default, whether a
 * change needs a restart, whose setting it is (the server's or a host's),
 * and where it is stored. The defaults, the parser, its errors and the
 * restart check all read that table, so a new key is one new row. How
 * values are written is config_value.c's.
 *
 * A host's keys are read in two places: in [server] hostname, [tls] and
 * [capsule] for the one host of a file without [host "NAME"] sections,
 * and in each [host "NAME"] section, whose rules are config_hosts.c's.
 * [location "PREFIX"] sections, rules for the paths under a prefix, are
 * config_locations.c's.
 *
 * inih hands us one key at a time but not its line number, and it silently
 * splits lines longer than its buffer. So we feed it through our own line
 * reader (ini_parse_stream): the reader counts lines, so every error names
 * FILE:LINE, and it refuses an over-long line instead of letting it be cut.
 */
#define _GNU_SOURCE
#include "config_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "config_value.h"

#define CFG(f) offsetof(struct config, f), \
	sizeof(((struct config *)0)->f), 0
#define CFG_LIST(f, n) offsetof(struct config, f), \
	sizeof(((struct config *)0)->f), offsetof(struct config, n)
#define HOST(f) offsetof(struct config_host, f), \
	sizeof(((struct config_host *)0)->f), 0
#define HOST_LIST(f, n) offsetof(struct config_host, f), \
	sizeof(((struct config_host *)0)->f), offsetof(struct config_host, n)
#define LOC(f) offsetof(struct config_location, f), \
	sizeof(((struct config_location *)0)->f), 0
#define LOC_LIST(f, n) offsetof(struct config_location, f), \
	sizeof(((struct config_location *)0)->f), \
	offsetof(struct config_location, n)

/*
 * Every key of config.ini (kizuna.ini(5) describes each). The restart
 * check lists changed keys in this order. Only server-wide keys may be
 * ON_RESTART: a reload may add, remove or change hosts.
 */
const struct key config_keys[] = {
	{ "server", "hostname", KEY_HOSTNAME, 0, 0, "localhost", NULL,
	  ON_RELOAD, HOST_NAME, "a host name", HOST(name) },
	{ "server", "address", KEY_ADDRESSES, 0, CONFIG_MAX_ADDRESSES,
	  "0.0.0.0, ::", NULL, ON_RESTART, SERVER_WIDE,
	  "a numeric IPv4 or IPv6 address", CFG_LIST(addresses, naddresses) },
	{ "server", "port", KEY_INT, 1, 65535, "1965", NULL,
	  ON_RESTART, SERVER_WIDE, "a port (1-65535)", CFG(port) },
	{ "server", "workers", KEY_INT, 0, 256, "0", NULL,
	  ON_RESTART, SERVER_WIDE,
	  "a number of workers (0-256, 0 = one per core)", CFG(workers) },
	{ "server", "handshake_timeout", KEY_INT, 1, 3600, "5", NULL,
	  ON_RELOAD, SERVER_WIDE, "a number of seconds (1-3600)",
	  CFG(handshake_timeout) },
	{ "server", "timeout", KEY_INT, 1, 3600, "10", NULL,
	  ON_RELOAD, SERVER_WIDE, "a number of seconds (1-3600)",
	  CFG(timeout) },
	/* Unset, it follows timeout (config_load). */
	{ "server", "write_timeout", KEY_INT, 1, 3600, "10", NULL,
	  ON_RELOAD, SERVER_WIDE, "a number of seconds (1-3600)",
	  CFG(write_timeout) },
	{ "server", "min_rate", KEY_INT, 1, 1048576, "16", NULL,
	  ON_RELOAD, SERVER_WIDE, "a rate in KiB/s (1-1048576)",
	  CFG(min_rate) },
	{ "server", "max_connections", KEY_INT, 1, 1000000, "10000", NULL,
	  ON_RESTART, SERVER_WIDE, "a connection count (1-1000000)",
	  CFG(max_connections) },
	{ "server", "max_per_ip", KEY_INT, 0, 1000000, "128", NULL,
	  ON_RELOAD, SERVER_WIDE,
	  "a connection count (0-1000000, 0 = no limit)", CFG(max_per_ip) },
	{ "server", "rate_limit", KEY_INT, 0, 1000000, "0", NULL,
	  ON_RELOAD, SERVER_WIDE,
	  "a number of requests a minute (0-1000000, 0 = no limit)",
	  CFG(rate_limit) },
	{ "server", "rate_burst", KEY_INT, 1, 1000000, "10", NULL,
	  ON_RELOAD, SERVER_WIDE, "a number of requests (1-1000000)",
	  CFG(rate_burst) },
	{ "server", "proxy_protocol", KEY_SWITCH, 0, 0, "off", NULL,
	  ON_RELOAD, SERVER_WIDE, "on or off", CFG(proxy_protocol) },
	{ "server", "user", KEY_USER, 0, 0, "nobody", NULL,
	  ON_RESTART, SERVER_WIDE, "a user name", CFG(user) },

	{ "tls", "cert", KEY_PATH, 0, 0, "certs/cert.pem", "cert.pem",
	  ON_RELOAD, HOST_OWN, "a usable path", HOST(cert) },
	{ "tls", "key", KEY_PATH, 0, 0, "certs/key.pem", "key.pem",
	  ON_RELOAD, HOST_OWN, "a usable path", HOST(key) },
	/* No default: kizuna makes its own ticket keys. Server-wide, so
	 * allowed beside [host] sections: every host shares the keys. */
	{ "tls", "ticket_keys", KEY_PATH, 0, 0, NULL, NULL,
	  ON_RELOAD, SERVER_WIDE, "a usable path", CFG(ticket_keys) },

	{ "capsule", "root", KEY_DIR, 0, 0, "capsule", NULL,
	  ON_RELOAD, HOST_OWN, "a usable path", HOST(root) },
	{ "capsule", "articles", KEY_INSIDE, 0, 0, "articles", NULL,
	  ON_RELOAD, HOST_DEFAULT, "a folder inside the root", HOST(articles) },
	{ "capsule", "lang", KEY_LANG, 0, 0, "ja", NULL,
	  ON_RELOAD, HOST_DEFAULT, "a BCP 47 language tag", HOST(lang) },

	{ "log", "access", KEY_ACCESS_LOG, 0, 0, "stderr", NULL,
	  ON_RESTART, SERVER_WIDE, "stderr, off or a path", CFG(access_log) },
	{ "log", "level", KEY_LOG_LEVEL, 0, 0, "info", NULL,
	  ON_RELOAD, SERVER_WIDE, "error, warn, info or debug",
	  CFG(log_level) },
	{ "log", "log_ip", KEY_SWITCH, 0, 0, "on", NULL,
	  ON_RELOAD, SERVER_WIDE, "on or off", CFG(log_ip) },

	/* No default: a host has no aliases, and the first is the default. */
	{ "host", "aliases", KEY_ALIASES, 0, CONFIG_MAX_ALIASES, NULL, NULL,
	  ON_RELOAD, HOST_ONLY, "a host name or IP address",
	  HOST_LIST(aliases, naliases) },
	{ "host", "default", KEY_DEFAULT, 0, 0, NULL, NULL,
	  ON_RELOAD, HOST_ONLY, "on or off", 0, 0, 0 },

	/* No defaults: a key a location leaves unset is a shorter
	 * location's, or the host's (location.h). */
	{ "location", "listing", KEY_SWITCH, 0, 0, NULL, NULL,
	  ON_RELOAD, LOCATION, "on or off", LOC(listing) },
	{ "location", "redirect", KEY_REDIRECT, 30, 31, NULL, NULL,
	  ON_RELOAD, LOCATION, "a gemini:// URL or a path starting with '/'",
	  LOC(redirect) },
	{ "location", "lang", KEY_LANG, 0, 0, NULL, NULL,
	  ON_RELOAD, LOCATION, "a BCP 47 language tag", LOC(lang) },
	{ "location", "types", KEY_TYPES, 0, CONFIG_MAX_TYPES, NULL, NULL,
	  ON_RELOAD, LOCATION,
	  "an extension and a type (\".md text/markdown\")",
	  LOC_LIST(types, ntypes) },
	{ "location", "require_certificate", KEY_SWITCH, 0, 0, NULL, NULL,
	  ON_RELOAD, LOCATION, "on or off", LOC(require_certificate) },
	{ "location", "allow", KEY_FINGERPRINTS, 0, CONFIG_MAX_ALLOW, NULL,
	  NULL, ON_RELOAD, LOCATION, "a SHA-256 fingerprint",
	  LOC_LIST(allow, nallow) },
	{ "location", "block", KEY_INT, 51, 52, NULL, NULL,
	  ON_RELOAD, LOCATION, "51 or 52", LOC(block) },
};

_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) == CONFIG_NKEYS,
    "CONFIG_NKEYS counts the rows of config_keys");

/* config_fail's and config_fail_line's one body (config_internal.h). */
static int __attribute__((format(printf, 5, 0)))
vfail(struct parse_state *st, int line, const char *section, const char *key,
    const char *fmt, va_list ap)
{
	int n;

	if (st->err[0] != '\0')
		return -1;
	if (key != NULL)
		n = snprintf(st->err, sizeof(st->err), "[%s] %s: ", section,
		    key);
	else
		n = snprintf(st->err, sizeof(st->err), "[%s]: ", section);
	if (n < 0 || (size_t)n >= sizeof(st->err))
		n = 0;
	vsnprintf(st->err + n, sizeof(st->err) - n, fmt, ap);
	st->errline = line;
	return -1;
}

int
config_fail(struct parse_state *st, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(st, st->lineno, section, key, fmt, ap);
	va_end(ap);
	return -1;
}

int
config_fail_line(struct parse_state *st, int line, const char *section,
    const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(st, line, section, key, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Resolves a path from the file against the config file's directory;
 * with no directory (config_defaults), keeps it as written.
 */
static int
resolve_path(const struct parse_state *st, const char *value, char *dst,
    size_t dstsize)
{
	int n;

	if (value[0] == '/' || st->dir[0] == '\0')
		return config_value_copy(dst, dstsize, value);
	n = snprintf(dst, dstsize, "%s/%s", st->dir, value);
	return (n < 0 || (size_t)n >= dstsize) ? -1 : 0;
}

void *
config_field(const struct key *k, void *obj)
{
	return (char *)obj + k->offset;
}

/* Checks one item of a list, and writes it as stored to out. */
static int
list_item(struct parse_state *st, const struct key *k, const char *section,
    const char *item, char *out, size_t outsize)
{
	if (k->type == KEY_ALIASES)
		return config_hosts_alias(st, k, section, item, out);
	if (!config_value_is_address(item) ||
	    config_value_copy(out, outsize, item) == -1)
		return config_fail(st, section, k->name, "\"%s\" is not %s",
		    item, k->what);
	return 0;
}

/* A comma-separated list into k->max fields of equal size, and a count. */
static int
set_list(struct parse_state *st, const struct key *k, void *obj,
    const char *section, const char *value)
{
	const char *one = k->type == KEY_ADDRESSES ? "address" : "alias";
	const char *many = k->type == KEY_ADDRESSES ? "addresses" : "aliases";
	char *items = config_field(k, obj);
	size_t each = k->size / (size_t)k->max;
	int *count = (int *)((char *)obj + k->count);
	char list[512], *item, *save = NULL;

	if (config_value_copy(list, sizeof(list), value) == -1)
		return config_fail(st, section, k->name, "list too long");
	*count = 0;
	for (item = strtok_r(list, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		char stored[CONFIG_NAME_MAX];

		item = config_value_trim(item);
		if (*item == '\0')
			continue;
		if (list_item(st, k, section, item, stored,
		    sizeof(stored)) == -1)
			return -1;
		if (*count == k->max)
			return config_fail(st, section, k->name,
			    "more than %ld %s", k->max, many);
		/* Counted as it is stored: an alias repeated later in the
		 * list is a name the host already has. */
		config_value_copy(items + each * (size_t)*count, each, stored);
		(*count)++;
	}
	if (*count == 0)
		return config_fail(st, section, k->name, "no %s given", one);
	return 0;
}

/* [log] level's words, the names messages are written with (log.c). */
static const struct {
	const char *name;
	enum log_level level;
} log_levels[] = {
	{ "error", LOG_LEVEL_ERROR },
	{ "warn", LOG_LEVEL_WARN },
	{ "info", LOG_LEVEL_INFO },
	{ "debug", LOG_LEVEL_DEBUG },
};

static int
set_log_level(enum log_level *level, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcmp(value, log_levels[i].name) == 0) {
			*level = log_levels[i].level;
			return 0;
		}
	return -1;
}

int
config_set_value(struct parse_state *st, const struct key *k, void *obj,
    const char *section, const char *value)
{
	char *field = config_field(k, obj);
	int bad = 0;

	switch (k->type) {
	case KEY_INT:
		bad = config_value_int(value, k->min, k->max,
		    (int *)field) == -1;
		break;
	case KEY_SWITCH:
		bad = config_value_switch(value, (int *)field) == -1;
		break;
	case KEY_HOSTNAME:
		bad = config_value_hostname(value, field, k->size) == -1;
		break;
	case KEY_ADDRESSES:
	case KEY_ALIASES:
		return set_list(st, k, obj, section, value);
	case KEY_PATH:
	case KEY_DIR:
		bad = *value == '\0' ||
		    resolve_path(st, value, field, k->size) == -1;
		break;
	case KEY_INSIDE:
		bad = !config_value_is_inside(value) ||
		    config_value_copy(field, k->size, value) == -1;
		break;
	case KEY_LANG:
		bad = !config_value_is_lang(value) ||
		    config_value_copy(field, k->size, value) == -1;
		break;
	case KEY_USER:
		bad = *value == '\0' ||
		    config_value_copy(field, k->size, value) == -1;
		break;
	case KEY_LOG_LEVEL:
		bad = set_log_level((enum log_level *)field,
		    value) == -1;
		break;
	case KEY_ACCESS_LOG:
		if (strcmp(value, "stderr") == 0 || strcmp(value, "off") == 0)
			bad = config_value_copy(field, k->size, value) == -1;
		else
			bad = *value == '\0' ||
			    resolve_path(st, value, field, k->size) == -1;
		break;
	case KEY_DEFAULT:
		return config_hosts_default(st, k, section, value);
	case KEY_REDIRECT:
	case KEY_TYPES:
	case KEY_FINGERPRINTS:
		return config_locations_value(st, k, obj, section, value);
	}
	if (bad)
		return config_fail(st, section, k->name, "\"%s\" is not %s",
		    value, k->what);
	return 0;
}

int
config_check_dir(struct parse_state *st, const struct key *k, void *obj,
    const char *section)
{
	const char *dir = config_field(k, obj);
	struct stat sb;

	if (stat(dir, &sb) == -1)
		return config_fail(st, section, k->name, "%s: %s", dir,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return config_fail(st, section, k->name,
		    "%s is not a directory", dir);
	return 0;
}

/* Sets every key to its default, paths resolved as st->dir says; a
 * host's keys go to st->base. */
static int
apply_defaults(struct parse_state *st)
{
	const struct key *k;
	void *obj;

	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++) {
		if (k->def == NULL)
			continue;
		obj = k->scope == SERVER_WIDE ? (void *)st->cfg :
		    (void *)&st->base;
		if (config_set_value(st, k, obj, k->section, k->def) == -1)
			return -1;
	}
	return 0;
}

void
config_defaults(struct config *cfg)
{
	struct parse_state st;

	memset(cfg, 0, sizeof(*cfg));
	memset(&st, 0, sizeof(st));
	st.cfg = cfg;
	/* Cannot fail: without a directory no path grows, and every
	 * default fits its field (test_defaults_from_empty_file). */
	(void)apply_defaults(&st);
	cfg->hosts[0] = st.base;
	cfg->nhosts = 1;
}

/* Whether k is a key of a plain section ([server], [tls], ...). */
static int
is_plain(const struct key *k)
{
	return k->scope != HOST_ONLY && k->scope != LOCATION;
}

/* The row of [section] name, outside [host] and [location] sections, or
 * NULL. */
static const struct key *
find_key(const char *section, const char *name)
{
	const struct key *k;

	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++)
		if (is_plain(k) && strcmp(k->section, section) == 0 &&
		    strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* The row of name in a [location] section, or NULL. */
static const struct key *
find_location_key(const char *name)
{
	const struct key *k;

	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++)
		if (k->scope == LOCATION && strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* The row of name in a [host] section, or NULL. */
static const struct key *
find_host_key(const char *name)
{
	const struct key *k;

	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++)
		if ((k->scope == HOST_OWN || k->scope == HOST_DEFAULT ||
		    k->scope == HOST_ONLY) && strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* Whether [section] is one of the plain sections. */
static int
is_section(const char *section)
{
	const struct key *k;

	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++)
		if (is_plain(k) && strcmp(k->section, section) == 0)
			return 1;
	return 0;
}

/* One "key = value" of one section. Returns 0 or -1. */
static int
read_key(struct parse_state *st, const char *section, const char *name,
    const char *value)
{
	struct config *cfg = st->cfg;
	char host_section[CONFIG_NAME_MAX + 8];
	char location_section[LOCATION_SECTION_MAX];
	const struct key *k;
	int *seen;
	void *obj;

	if (st->location >= 0) {
		obj = &cfg->locations[st->location];
		config_locations_section(obj, location_section);
		section = location_section;
		if ((k = find_location_key(name)) == NULL)
			return config_fail(st, section, name, "unknown key");
		seen = st->location_seen[st->location];
	} else if (st->host >= 0) {
		snprintf(host_section, sizeof(host_section), "host \"%s\"",
		    cfg->hosts[st->host].name);
		section = host_section;
		if ((k = find_host_key(name)) == NULL)
			return config_fail(st, section, name, "unknown key");
		seen = st->seen[1 + st->host];
		obj = &cfg->hosts[st->host];
	} else {
		if ((k = find_key(section, name)) == NULL) {
			if (is_section(section))
				return config_fail(st, section, name,
				    "unknown key");
			if (*section == '\0')
				return config_fail(st, "", name,
				    "key outside any section");
			return config_fail(st, section, name,
			    "unknown section");
		}
		if (cfg->has_host_sections &&
		    (k->scope == HOST_NAME || k->scope == HOST_OWN))
			return config_hosts_refuse(st, k, st->lineno);
		seen = st->seen[0];
		obj = k->scope == SERVER_WIDE ? (void *)cfg : (void *)&st->base;
	}
	/* A location's lists may take several lines: they add up. */
	if (seen[k - config_keys] != 0 && k->type != KEY_TYPES &&
	    k->type != KEY_FINGERPRINTS)
		return config_fail(st, section, name, "set twice");
	if (seen[k - config_keys] == 0)
		seen[k - config_keys] = st->lineno;
	if (config_set_value(st, k, obj, section, value) == -1)
		return -1;
	if (k->type == KEY_DIR)
		return config_check_dir(st, k, obj, section);
	return 0;
}

/*
 * inih's callback, and the one place its convention (nonzero is success)
 * is spoken.
 */
static int
on_key(void *user, const char *section, const char *key, const char *value)
{
	return read_key(user, section, key, value) == 0;
}

/* The section names for the "unknown section" error, in table order. */
static void
known_sections(char *dst, size_t size)
{
	const struct key *k;
	size_t n;

	dst[0] = '\0';
	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++) {
		if (k != config_keys && strcmp(k->section, k[-1].section) == 0)
			continue;
		n = strlen(dst);
		snprintf(dst + n, size - n, "%s%s%s", n > 0 ? ", " : "",
		    k->section, k->scope == HOST_ONLY ? " \"NAME\"" :
		    k->scope == LOCATION ? " \"PREFIX\"" : "");
	}
}

/*
 * inih reports a section only through the keys inside it, so an unknown
 * "[section]" with no keys would pass unnoticed, and a [host] without a
 * key would not be a host: look at headers here. inih calls on_key for
 * each key before it asks for the next line, so the host opened here is
 * the one the following keys belong to.
 */
static void
check_section_line(struct parse_state *st, const char *line)
{
	char name[CONFIG_NAME_MAX], known[128];
	const char *end;
	size_t n;

	/* inih skips a UTF-8 BOM before the first line: so do we. */
	if (st->lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	while (isspace((unsigned char)*line))
		line++;
	if (*line != '[' || (end = strchr(line, ']')) == NULL)
		return;
	n = (size_t)(end - line - 1);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, line + 1, n);
	name[n] = '\0';
	st->host = -1;
	st->location = -1;
	/* (strchr finds the NUL of a bare "host" or "location" too) */
	if (strncmp(name, "host", 4) == 0 && strchr(" \t\"", name[4]) != NULL) {
		config_hosts_header(st, name);
		return;
	}
	if (strncmp(name, "location", 8) == 0 &&
	    strchr(" \t\"", name[8]) != NULL) {
		config_locations_header(st, name);
		return;
	}
	if (is_section(name))
		return;
	known_sections(known, sizeof(known));
	config_fail(st, name, NULL, "unknown section (known: %s)", known);
}

/*
 * inih's line source (fgets contract). Counting here is what gives every
 * error its line number: inih calls on_key for a line before it asks for
 * the next one. A line that does not fit inih's buffer ends the parse with
 * an error rather than being split in two.
 *
 * Leading blanks are removed before inih sees the line: inih reads an
 * indented line as the continuation of the value above it (when built
 * with multi-line values, as it is by default), which would silently glue
 * it onto that value. Stripped, an indented "key = value" is a key.
 */
static char *
read_line(char *buf, int size, void *user)
{
	struct parse_state *st = user;
	const char *why = NULL;
	int c, n = 0, blanks = 0;

	/* getc, not fgets: a NUL byte must not hide the rest of its line. */
	while (n < size - 1 && (c = getc(st->file)) != EOF) {
		if (c == '\0') {
			why = "a NUL byte is not text";
			break;
		}
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n == 0 && why == NULL)
		return NULL;
	buf[n] = '\0';
	st->lineno++;
	/* A full buffer without its newline, and more to come: cut. */
	if (why == NULL && n == size - 1 && buf[n - 1] != '\n' &&
	    (c = getc(st->file)) != EOF) {
		ungetc(c, st->file);
		why = "too long";
	}
	if (why != NULL) {
		if (st->err[0] == '\0') {
			if (strcmp(why, "too long") == 0)
				snprintf(st->err, sizeof(st->err),
				    "line longer than %d bytes", size - 2);
			else
				snprintf(st->err, sizeof(st->err), "%s", why);
			st->errline = st->lineno;
		}
		return NULL;
	}
	/* inih's own test for a blank (isspace), so that none is left. */
	while (blanks < n && isspace((unsigned char)buf[blanks]))
		blanks++;
	memmove(buf, buf + blanks, (size_t)(n - blanks) + 1);
	check_section_line(st, buf);
	return buf;
}

/* The folder of path, which is absolute (so it holds a '/'). */
static void
dir_of(const char *path, char *dir, size_t dirsize)
{
	const char *slash = strrchr(path, '/');

	snprintf(dir, dirsize, "%.*s", slash == path ? 1 : (int)(slash - path),
	    path);
}

/* The line a plain section's key was set on, 0 when it was not. */
static int
line_of(const struct parse_state *st, const char *section, const char *name)
{
	return st->seen[0][find_key(section, name) - config_keys];
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errsize)
{
	struct parse_state state, *st = &state;   /* about 35 KB */
	char cwd[PATH_MAX] = "";
	int rc;
	long ncpu;

	memset(st, 0, sizeof(*st));
	memset(cfg, 0, sizeof(*cfg));
	st->cfg = cfg;
	st->host = -1;
	st->location = -1;
	/* Every path absolute, resolved once: Landlock is given the folders
	 * they name (the access log's, reopened on SIGUSR1). Lexically, not
	 * realpath: names stay as written, a symlink is followed anew at
	 * each open, and a log's folder need not exist yet. */
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL) {
		snprintf(err, errsize, "%s: current directory: %s", path,
		    strerror(errno));
		return -1;
	}
	if (config_value_absolute(cwd, path, cfg->path, sizeof(cfg->path)) ==
	    -1) {
		snprintf(err, errsize, "%s: path too long", path);
		return -1;
	}
	dir_of(cfg->path, st->dir, sizeof(st->dir));
	/* The defaults' relative paths are relative to the file too. */
	if (apply_defaults(st) == -1) {
		snprintf(err, errsize, "%s: directory path too long", path);
		return -1;
	}
	if ((st->file = fopen(path, "r")) == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(read_line, st, on_key, st);
	fclose(st->file);

	if (st->err[0] == '\0' && rc > 0) {
		/* inih itself refused the line: no '=' or an unclosed '['. */
		snprintf(st->err, sizeof(st->err),
		    "not a [section] or key = value line");
		st->errline = rc;
	}
	if (st->err[0] == '\0' && rc < 0)
		snprintf(st->err, sizeof(st->err), "cannot be read");
	if (st->err[0] == '\0' && config_hosts_finish(st) == 0)
		config_locations_finish(st);
	if (st->err[0] != '\0') {
		if (st->errline > 0)
			snprintf(err, errsize, "%s:%d: %s", path, st->errline,
			    st->err);
		else
			snprintf(err, errsize, "%s: %s", path, st->err);
		return -1;
	}
	/* Unset, a stalled reader gets what a stalled sender gets. */
	if (line_of(st, "server", "write_timeout") == 0)
		cfg->write_timeout = cfg->timeout;
	if (cfg->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->workers = ncpu > 0 ? (int)ncpu : 1;
	}
	cfg->user_line = line_of(st, "server", "user");
	cfg->port_line = line_of(st, "server", "port");
	cfg->access_line = line_of(st, "log", "access");
	return 0;
}
