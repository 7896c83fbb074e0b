/*
 * config.c - INI file -> struct config, through inih.
 *
 * Every key is one row of the table `keys` below: its section and name,
 * how its value is written, its range, its default, whether a change needs
 * a restart, whose setting it is (the server's or a host's), and where it
 * is stored. The defaults, the parser, its errors and the restart check
 * all read that table, so a new key is one new row.
 *
 * A host's keys are read in two places: in [server] hostname, [tls] and
 * [capsule] for the one host of a file without [host "NAME"] sections,
 * and in each [host "NAME"] section.
 *
 * inih hands us one key at a time but not its line number, and it silently
 * splits lines longer than its buffer. So we feed it through our own line
 * reader (ini_parse_stream): the reader counts lines, so every error names
 * FILE:LINE, and it refuses an over-long line instead of letting it be cut.
 */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

/* How a value is written, and so how it is read and checked. */
enum key_type {
	KEY_INT,        /* a whole decimal number in [min, max] */
	KEY_SWITCH,     /* on | off */
	KEY_HOSTNAME,   /* letters, digits, '-', '.', ':'; stored lowercased */
	KEY_ADDRESSES,  /* numeric IPv4/IPv6 addresses, comma-separated */
	KEY_ALIASES,    /* host names and IP addresses, comma-separated */
	KEY_PATH,       /* resolved against the config file's folder */
	KEY_DIR,        /* a KEY_PATH that names an existing directory */
	KEY_INSIDE,     /* a relative folder with no ".." segment */
	KEY_LANG,       /* BCP 47 tags, comma-separated */
	KEY_USER,       /* a user name */
	KEY_LOG_LEVEL,  /* error | warn | info | debug */
	KEY_ACCESS_LOG, /* stderr | off | a KEY_PATH */
	KEY_DEFAULT,    /* on | off: this host is the one without SNI */
};

/* When a change to a key takes effect. */
enum key_apply {
	ON_RELOAD,      /* SIGHUP applies it */
	ON_RESTART,     /* fixed at start: listeners, sandbox, privilege drop */
};

/*
 * Whose setting a key is: a field of struct config, or of struct
 * config_host, and then where it may be written.
 */
enum key_scope {
	SERVER_WIDE,    /* the server's: listening, limits, logging */
	HOST_NAME,      /* the one host's name; a [host] is named by its header */
	HOST_OWN,       /* a [host] key; in its own section, the one host's,
	                   refused beside [host] sections */
	HOST_DEFAULT,   /* a [host] key; in its own section, the default of
	                   every host */
	HOST_ONLY,      /* a [host] key only */
};

/* One configuration key. */
struct key {
	const char *section;
	const char *name;
	enum key_type type;
	long min, max;          /* KEY_INT: the range; lists: the most items */
	const char *def;        /* the default, as the file would write it */
	const char *host_def;   /* HOST_OWN: a [host]'s default file in
	                           certs/NAME/, or NULL: the key is required */
	enum key_apply apply;
	enum key_scope scope;
	const char *what;       /* a bad value "V" is reported as: "V" is not WHAT */
	size_t offset, size;    /* the field in struct config or config_host */
	size_t count;           /* lists: offset of their int count */
};

#define CFG(f) offsetof(struct config, f), \
	sizeof(((struct config *)0)->f), 0
#define CFG_LIST(f, n) offsetof(struct config, f), \
	sizeof(((struct config *)0)->f), offsetof(struct config, n)
#define HOST(f) offsetof(struct config_host, f), \
	sizeof(((struct config_host *)0)->f), 0
#define HOST_LIST(f, n) offsetof(struct config_host, f), \
	sizeof(((struct config_host *)0)->f), offsetof(struct config_host, n)

/* What a missing required key of a [host] is. */
#define ROOT_ABOUT "the folder this capsule is served from"

/*
 * Every key of config.ini (kizuna.ini(5) describes each). The restart
 * check lists changed keys in this order. Only server-wide keys may be
 * ON_RESTART: a reload may add, remove or change hosts.
 */
static const struct key keys[] = {
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
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Everything the inih callbacks need while one file is read. */
struct parse_state {
	struct config *cfg;
	FILE *file;
	char dir[PATH_MAX];     /* the config file's directory; "": none */
	int lineno;             /* line most recently handed to inih */
	/* The host of [server] hostname, [tls] and [capsule]: the one host
	 * of a file without [host] sections, else the [capsule] defaults. */
	struct config_host base;
	int host;               /* index of the [host] being read, or -1 */
	/* Line each key was set on, 0 = not set: [0] in the plain sections,
	 * [1 + i] in the section of host i. */
	int seen[1 + CONFIG_MAX_HOSTS][NKEYS];
	int default_line;       /* of the "default = on" read, 0 = none yet */
	char err[512];          /* first error, without the FILE:LINE prefix */
	int errline;
};

static const char *level_names[] = {
	[CONFIG_LOG_ERROR] = "error",
	[CONFIG_LOG_WARN] = "warn",
	[CONFIG_LOG_INFO] = "info",
	[CONFIG_LOG_DEBUG] = "debug",
};

const char *
config_log_level_name(enum config_log_level level)
{
	return level_names[level];
}

static int
copy(char *dst, size_t dstsize, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsize)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/*
 * Records the first error only: later ones are often its consequences.
 * "[section] key: ...", or "[section]: ..." without a key. Returns -1, so
 * that a check can end with `return fail(...)`.
 */
static int __attribute__((format(printf, 5, 0)))
vfail(struct parse_state *st, int line, const char *section, const char *key,
    const char *fmt, va_list ap)
{
	int n;

	if (st->err[0] != '\0')
		return -1;
	if (key != NULL)
		n = snprintf(st->err, sizeof(st->err), "[%s] %s: ", section, key);
	else
		n = snprintf(st->err, sizeof(st->err), "[%s]: ", section);
	if (n < 0 || (size_t)n >= sizeof(st->err))
		n = 0;
	vsnprintf(st->err + n, sizeof(st->err) - n, fmt, ap);
	st->errline = line;
	return -1;
}

/* An error on the line being read. */
static int __attribute__((format(printf, 4, 5)))
fail(struct parse_state *st, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(st, st->lineno, section, key, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error on an earlier line (0: on none). */
static int __attribute__((format(printf, 5, 6)))
fail_line(struct parse_state *st, int line, const char *section,
    const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(st, line, section, key, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parses a whole decimal integer in [min, max]. Returns 0 or -1. */
static int
parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* A switch: exactly "on" or "off". Returns 0 or -1. */
static int
parse_switch(const char *s, int *out)
{
	if (strcmp(s, "on") == 0)
		*out = 1;
	else if (strcmp(s, "off") == 0)
		*out = 0;
	else
		return -1;
	return 0;
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
		return copy(dst, dstsize, value);
	n = snprintf(dst, dstsize, "%s/%s", st->dir, value);
	return (n < 0 || (size_t)n >= dstsize) ? -1 : 0;
}

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* [server] hostname, as it has always been read. */
static int
is_hostname(const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) > 253)
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalnum(c) && c != '-' && c != '.' && c != ':')
			return 0;
	}
	return 1;
}

/*
 * A name a [host] answers to (grammar):
 *   name = IPv6address / dns-name        ; RFC 4291 text form, inet_pton
 *   dns-name = 1*253( ALPHA / DIGIT / "-" / "." )   ; IPv4 is one too
 * and, where brackets are allowed, "[" IPv6address "]" as in a URL.
 * Writes it lowercased and without brackets to out (CONFIG_NAME_MAX
 * bytes). Returns 0 or -1.
 */
static int
parse_host_name(const char *s, int brackets, char *out)
{
	unsigned char bin[16];
	size_t n = strlen(s);
	const char *p;

	if (brackets && n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= CONFIG_NAME_MAX)
			return -1;
		memcpy(out, s + 1, n - 2);
		out[n - 2] = '\0';
		if (inet_pton(AF_INET6, out, bin) != 1)
			return -1;
	} else if (inet_pton(AF_INET6, s, bin) == 1) {
		copy(out, CONFIG_NAME_MAX, s);
	} else {
		if (n == 0 || n > 253)
			return -1;
		for (p = s; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.')
				return -1;
		copy(out, CONFIG_NAME_MAX, s);
	}
	lowercase(out);
	return 0;
}

/* BCP 47 tags are letters, digits and '-'; several are comma-separated. */
static int
is_lang(const char *s)
{
	const char *p;

	if (*s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalnum(c) && c != '-' && c != ',')
			return 0;
	}
	return 1;
}

/* The articles folder is named inside the root and may not leave it. */
static int
is_inside_path(const char *s)
{
	const char *seg = s;

	if (*s == '\0' || *s == '/')
		return 0;
	for (;;) {
		size_t n = strcspn(seg, "/");

		if ((n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (seg[n] == '\0')
			return 1;
		seg += n + 1;
	}
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* A key's field within obj: the struct config, or a struct config_host. */
static void *
field_of(const struct key *k, void *obj)
{
	return (char *)obj + k->offset;
}

/*
 * Whether two stored names name the same host: equal, or one IPv6
 * address written two ways ("::1", "0::1"), which a request matches
 * alike. An IPv4 address has one spelling: inet_pton refuses "01".
 */
static int
same_name(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (strcmp(a, b) == 0)
		return 1;
	if (inet_pton(AF_INET6, a, x) == 1)
		return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
	return 0;
}

/* The host that already answers to name (its name or an alias), or -1. */
static int
owner_of(const struct config *cfg, const char *name)
{
	int i, a;

	for (i = 0; i < cfg->nhosts; i++) {
		if (same_name(cfg->hosts[i].name, name))
			return i;
		for (a = 0; a < cfg->hosts[i].naliases; a++)
			if (same_name(cfg->hosts[i].aliases[a], name))
				return i;
	}
	return -1;
}

/* Checks one item of a list, and writes it as stored to out. */
static int
list_item(struct parse_state *st, const struct key *k, const char *section,
    const char *item, char *out, size_t outsize)
{
	const struct config_host *other;
	unsigned char bin[16];
	int i;

	if (k->type == KEY_ADDRESSES) {
		if ((inet_pton(AF_INET, item, bin) != 1 &&
		    inet_pton(AF_INET6, item, bin) != 1) ||
		    copy(out, outsize, item) == -1)
			return fail(st, section, k->name, "\"%s\" is not %s",
			    item, k->what);
		return 0;
	}
	if (parse_host_name(item, 1, out) == -1)
		return fail(st, section, k->name, "\"%s\" is not %s", item,
		    k->what);
	if ((i = owner_of(st->cfg, out)) != -1) {
		other = &st->cfg->hosts[i];
		return fail(st, section, k->name,
		    "\"%s\" is already a name of [host \"%s\"] (line %d)", out,
		    other->name, other->line);
	}
	return 0;
}

/* A comma-separated list into k->max fields of equal size, and a count. */
static int
set_list(struct parse_state *st, const struct key *k, void *obj,
    const char *section, const char *value)
{
	const char *one = k->type == KEY_ADDRESSES ? "address" : "alias";
	const char *many = k->type == KEY_ADDRESSES ? "addresses" : "aliases";
	char *items = field_of(k, obj);
	size_t each = k->size / (size_t)k->max;
	int *count = (int *)((char *)obj + k->count);
	char list[512], *item, *save = NULL;

	if (copy(list, sizeof(list), value) == -1)
		return fail(st, section, k->name, "list too long");
	*count = 0;
	for (item = strtok_r(list, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		char stored[CONFIG_NAME_MAX];

		item = trim(item);
		if (*item == '\0')
			continue;
		if (list_item(st, k, section, item, stored,
		    sizeof(stored)) == -1)
			return -1;
		if (*count == k->max)
			return fail(st, section, k->name, "more than %ld %s",
			    k->max, many);
		/* Counted as it is stored: a later item that repeats it is
		 * seen by owner_of. */
		copy(items + each * (size_t)*count, each, stored);
		(*count)++;
	}
	if (*count == 0)
		return fail(st, section, k->name, "no %s given", one);
	return 0;
}

/* "default = on" in [host] st->host: at most one host says so. */
static int
set_default(struct parse_state *st, const struct key *k, const char *section,
    const char *value)
{
	const struct config_host *other;
	int on;

	if (parse_switch(value, &on) == -1)
		return fail(st, section, k->name, "\"%s\" is not %s", value,
		    k->what);
	if (!on)
		return 0;
	if (st->default_line != 0) {
		other = &st->cfg->hosts[st->cfg->default_host];
		return fail(st, section, k->name,
		    "[host \"%s\"] is the default already (line %d)",
		    other->name, st->default_line);
	}
	st->default_line = st->lineno;
	st->cfg->default_host = st->host;
	return 0;
}

static int
set_log_level(enum config_log_level *level, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(value, level_names[i]) == 0) {
			*level = (enum config_log_level)i;
			return 0;
		}
	return -1;
}

/*
 * Checks value as k's type writes it and stores it in k's field of obj
 * (st->cfg, or a host); errors name [section] k. Returns 0, or -1 with
 * the error recorded.
 */
static int
set_value(struct parse_state *st, const struct key *k, void *obj,
    const char *section, const char *value)
{
	char *field = field_of(k, obj);
	int bad = 0;

	switch (k->type) {
	case KEY_INT:
		bad = parse_int(value, k->min, k->max, (int *)field) == -1;
		break;
	case KEY_SWITCH:
		bad = parse_switch(value, (int *)field) == -1;
		break;
	case KEY_HOSTNAME:
		bad = !is_hostname(value) || copy(field, k->size, value) == -1;
		if (!bad)
			lowercase(field);
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
		bad = !is_inside_path(value) ||
		    copy(field, k->size, value) == -1;
		break;
	case KEY_LANG:
		bad = !is_lang(value) || copy(field, k->size, value) == -1;
		break;
	case KEY_USER:
		bad = *value == '\0' || copy(field, k->size, value) == -1;
		break;
	case KEY_LOG_LEVEL:
		bad = set_log_level((enum config_log_level *)field, value) == -1;
		break;
	case KEY_ACCESS_LOG:
		if (strcmp(value, "stderr") == 0 || strcmp(value, "off") == 0)
			bad = copy(field, k->size, value) == -1;
		else
			bad = *value == '\0' ||
			    resolve_path(st, value, field, k->size) == -1;
		break;
	case KEY_DEFAULT:
		return set_default(st, k, section, value);
	}
	if (bad)
		return fail(st, section, k->name, "\"%s\" is not %s", value,
		    k->what);
	return 0;
}

/* A KEY_DIR must name a directory that exists now. */
static int
check_dir(struct parse_state *st, const struct key *k, void *obj,
    const char *section)
{
	const char *dir = field_of(k, obj);
	struct stat sb;

	if (stat(dir, &sb) == -1)
		return fail(st, section, k->name, "%s: %s", dir,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return fail(st, section, k->name, "%s is not a directory", dir);
	return 0;
}

/* Sets every key to its default, paths resolved as st->dir says; a
 * host's keys go to st->base. */
static int
apply_defaults(struct parse_state *st)
{
	const struct key *k;
	void *obj;

	for (k = keys; k < keys + NKEYS; k++) {
		if (k->def == NULL)
			continue;
		obj = k->scope == SERVER_WIDE ? (void *)st->cfg :
		    (void *)&st->base;
		if (set_value(st, k, obj, k->section, k->def) == -1)
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

/* The row of [section] name, outside [host] sections, or NULL. */
static const struct key *
find_key(const char *section, const char *name)
{
	const struct key *k;

	for (k = keys; k < keys + NKEYS; k++)
		if (k->scope != HOST_ONLY && strcmp(k->section, section) == 0 &&
		    strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* The row of name in a [host] section, or NULL. */
static const struct key *
find_host_key(const char *name)
{
	const struct key *k;

	for (k = keys; k < keys + NKEYS; k++)
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

	for (k = keys; k < keys + NKEYS; k++)
		if (k->scope != HOST_ONLY && strcmp(k->section, section) == 0)
			return 1;
	return 0;
}

/* Refuses a key of the one host in a file with [host] sections. */
static int
refuse_beside_hosts(struct parse_state *st, const struct key *k, int line)
{
	if (k->scope == HOST_NAME)
		return fail_line(st, line, k->section, k->name,
		    "with [host] sections, each host is named by its "
		    "section: move it into one");
	return fail_line(st, line, k->section, k->name,
	    "with [host] sections, each host has its own %s: move it into "
	    "its [host] section", k->name);
}

/* One "key = value" of one section. Returns 0 or -1. */
static int
read_key(struct parse_state *st, const char *section, const char *name,
    const char *value)
{
	struct config *cfg = st->cfg;
	char host_section[CONFIG_NAME_MAX + 8];
	const struct key *k;
	int *seen;
	void *obj;

	if (st->host >= 0) {
		snprintf(host_section, sizeof(host_section), "host \"%s\"",
		    cfg->hosts[st->host].name);
		section = host_section;
		if ((k = find_host_key(name)) == NULL)
			return fail(st, section, name, "unknown key");
		seen = st->seen[1 + st->host];
		obj = &cfg->hosts[st->host];
	} else {
		if ((k = find_key(section, name)) == NULL) {
			if (is_section(section))
				return fail(st, section, name, "unknown key");
			if (*section == '\0')
				return fail(st, "", name,
				    "key outside any section");
			return fail(st, section, name, "unknown section");
		}
		if (cfg->has_host_sections &&
		    (k->scope == HOST_NAME || k->scope == HOST_OWN))
			return refuse_beside_hosts(st, k, st->lineno);
		seen = st->seen[0];
		obj = k->scope == SERVER_WIDE ? (void *)cfg : (void *)&st->base;
	}
	if (seen[k - keys] != 0)
		return fail(st, section, name, "set twice");
	seen[k - keys] = st->lineno;
	if (set_value(st, k, obj, section, value) == -1)
		return -1;
	if (k->type == KEY_DIR)
		return check_dir(st, k, obj, section);
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

/*
 * The first [host] header: keys of the one host read before it are
 * refused, at the first of their lines.
 */
static int
refuse_earlier_host_keys(struct parse_state *st)
{
	const struct key *k, *first = NULL;

	for (k = keys; k < keys + NKEYS; k++)
		if ((k->scope == HOST_NAME || k->scope == HOST_OWN) &&
		    st->seen[0][k - keys] != 0 && (first == NULL ||
		    st->seen[0][k - keys] < st->seen[0][first - keys]))
			first = k;
	if (first == NULL)
		return 0;
	return refuse_beside_hosts(st, first, st->seen[0][first - keys]);
}

/*
 * A [host "NAME"] header; text is what lies between "[" and "]":
 *   host-header = "host" *( SP / HTAB ) DQUOTE name DQUOTE
 * (name as parse_host_name reads it, without brackets: inih ends a
 * section at the first "]"). Makes the host the one being read.
 */
static void
open_host(struct parse_state *st, const char *text)
{
	struct config *cfg = st->cfg;
	struct config_host *h;
	char quoted[CONFIG_NAME_MAX], name[CONFIG_NAME_MAX];
	const char *p = text + strlen("host"), *end;
	int other;

	p += strspn(p, " \t");
	if (*p != '"' || (end = strchr(p + 1, '"')) == NULL ||
	    end[1] != '\0' || (size_t)(end - p - 1) >= sizeof(quoted)) {
		fail(st, text, NULL, "a host section is written "
		    "[host \"NAME\"], NAME a host name or IP address "
		    "(without brackets)");
		return;
	}
	memcpy(quoted, p + 1, (size_t)(end - p - 1));
	quoted[end - p - 1] = '\0';
	if (parse_host_name(quoted, 0, name) == -1) {
		fail(st, text, NULL, "\"%s\" is not a host name or IP address",
		    quoted);
		return;
	}
	if (cfg->nhosts == CONFIG_MAX_HOSTS) {
		fail(st, text, NULL, "more than %d hosts", CONFIG_MAX_HOSTS);
		return;
	}
	if ((other = owner_of(cfg, name)) != -1) {
		fail(st, text, NULL,
		    "\"%s\" is already a name of [host \"%s\"] (line %d)", name,
		    cfg->hosts[other].name, cfg->hosts[other].line);
		return;
	}
	if (!cfg->has_host_sections) {
		cfg->has_host_sections = 1;
		if (refuse_earlier_host_keys(st) == -1)
			return;
	}
	h = &cfg->hosts[cfg->nhosts];
	memset(h, 0, sizeof(*h));
	copy(h->name, sizeof(h->name), name);
	h->line = st->lineno;
	st->host = cfg->nhosts++;
}

/* The section names for the "unknown section" error, in table order. */
static void
known_sections(char *dst, size_t size)
{
	const struct key *k;
	size_t n;

	dst[0] = '\0';
	for (k = keys; k < keys + NKEYS; k++) {
		if (k != keys && strcmp(k->section, k[-1].section) == 0)
			continue;
		n = strlen(dst);
		snprintf(dst + n, size - n, "%s%s%s", n > 0 ? ", " : "",
		    k->section, k->scope == HOST_ONLY ? " \"NAME\"" : "");
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
	if (strncmp(name, "host", 4) == 0 && strchr(" \t\"", name[4]) != NULL) {
		open_host(st, name);   /* strchr finds the NUL of "host" too */
		return;
	}
	if (is_section(name))
		return;
	known_sections(known, sizeof(known));
	fail(st, name, NULL, "unknown section (known: %s)", known);
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

static void
dir_of(const char *path, char *dir, size_t dirsize)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		copy(dir, dirsize, ".");
	else if (slash == path)
		copy(dir, dirsize, "/");
	else
		snprintf(dir, dirsize, "%.*s", (int)(slash - path), path);
}

/* The line a plain section's key was set on, 0 when it was not. */
static int
line_of(const struct parse_state *st, const char *section, const char *name)
{
	return st->seen[0][find_key(section, name) - keys];
}

/*
 * Host i of a file with [host] sections gets what it did not set: the
 * [capsule] defaults, its certificate in certs/NAME/. Its root it must
 * set.
 */
static int
finish_host(struct parse_state *st, int i)
{
	struct config_host *h = &st->cfg->hosts[i];
	char section[CONFIG_NAME_MAX + 8], path[PATH_MAX];
	const struct key *k;
	int n;

	snprintf(section, sizeof(section), "host \"%s\"", h->name);
	st->lineno = h->line;
	for (k = keys; k < keys + NKEYS; k++) {
		if ((k->scope != HOST_OWN && k->scope != HOST_DEFAULT) ||
		    st->seen[1 + i][k - keys] != 0)
			continue;
		if (k->scope == HOST_DEFAULT) {
			memcpy(field_of(k, h), field_of(k, &st->base), k->size);
			continue;
		}
		if (k->host_def == NULL)
			return fail(st, section, NULL, "no %s (%s)", k->name,
			    ROOT_ABOUT);
		n = snprintf(path, sizeof(path), "certs/%s/%s", h->name,
		    k->host_def);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    set_value(st, k, h, section, path) == -1)
			return fail(st, section, k->name,
			    "certs/%s/%s is not a usable path", h->name,
			    k->host_def);
	}
	return 0;
}

/* After the last line: every host complete, or the one host made. */
static int
finish_hosts(struct parse_state *st)
{
	struct config *cfg = st->cfg;
	const struct key *k;
	int i;

	if (cfg->has_host_sections) {
		/* default_host is set by "default = on", else 0: the first */
		for (i = 0; i < cfg->nhosts; i++)
			if (finish_host(st, i) == -1)
				return -1;
		return 0;
	}
	cfg->hosts[0] = st->base;
	cfg->nhosts = 1;
	cfg->default_host = 0;
	/* A default folder must exist too; it is on no line of the file. */
	st->lineno = 0;
	for (k = keys; k < keys + NKEYS; k++)
		if (k->type == KEY_DIR && st->seen[0][k - keys] == 0 &&
		    check_dir(st, k, &cfg->hosts[0], k->section) == -1)
			return -1;
	return 0;
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errsize)
{
	struct parse_state state, *st = &state;   /* about 26 KB */
	int rc;
	long ncpu;

	memset(st, 0, sizeof(*st));
	memset(cfg, 0, sizeof(*cfg));
	st->cfg = cfg;
	st->host = -1;
	if (copy(cfg->path, sizeof(cfg->path), path) == -1) {
		snprintf(err, errsize, "%s: path too long", path);
		return -1;
	}
	dir_of(path, st->dir, sizeof(st->dir));
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
	if (st->err[0] == '\0')
		finish_hosts(st);
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

/* Whether k holds the same value in a and b. */
static int
same_value(const struct key *k, const struct config *a,
    const struct config *b)
{
	const char *fa = (const char *)a + k->offset;
	const char *fb = (const char *)b + k->offset;
	const int *na, *nb;
	size_t i, each;

	switch (k->type) {
	case KEY_INT:
	case KEY_SWITCH:
		return *(const int *)fa == *(const int *)fb;
	case KEY_LOG_LEVEL:
		return *(const enum config_log_level *)fa ==
		    *(const enum config_log_level *)fb;
	case KEY_ADDRESSES:
	case KEY_ALIASES:
		na = (const int *)((const char *)a + k->count);
		nb = (const int *)((const char *)b + k->count);
		if (*na != *nb)
			return 0;
		each = k->size / (size_t)k->max;
		for (i = 0; i < (size_t)*na; i++)
			if (strcmp(fa + i * each, fb + i * each) != 0)
				return 0;
		return 1;
	case KEY_HOSTNAME:
	case KEY_PATH:
	case KEY_DIR:
	case KEY_INSIDE:
	case KEY_LANG:
	case KEY_USER:
	case KEY_ACCESS_LOG:
		return strcmp(fa, fb) == 0;
	case KEY_DEFAULT:
		return 1;   /* no field: cfg->default_host */
	}
	return 0;
}

int
config_restart_needed(const struct config *old, const struct config *new,
    char *what, size_t size)
{
	size_t i, len;
	int n = 0;

	what[0] = '\0';
	for (i = 0; i < NKEYS; i++) {
		/* A host's key is never ON_RESTART: its offset is not into
		 * struct config. */
		if (keys[i].apply != ON_RESTART ||
		    keys[i].scope != SERVER_WIDE ||
		    same_value(&keys[i], old, new))
			continue;
		n++;
		len = strlen(what);
		snprintf(what + len, size - len, "%s[%s] %s",
		    len > 0 ? ", " : "", keys[i].section, keys[i].name);
	}
	return n;
}
