/*
 * config.c - INI file -> struct config, through inih.
 *
 * Every key is one row of the table `keys` below: its section and name,
 * how its value is written, its range, its default, whether a change needs
 * a restart, and where it is stored. The defaults, the parser, its errors
 * and the restart check all read that table, so a new key is one new row.
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
	KEY_PATH,       /* resolved against the config file's folder */
	KEY_DIR,        /* a KEY_PATH that names an existing directory */
	KEY_INSIDE,     /* a relative folder with no ".." segment */
	KEY_LANG,       /* BCP 47 tags, comma-separated */
	KEY_USER,       /* a user name */
	KEY_LOG_LEVEL,  /* error | warn | info | debug */
	KEY_ACCESS_LOG, /* stderr | off | a KEY_PATH */
};

/* When a change to a key takes effect. */
enum key_apply {
	ON_RELOAD,      /* SIGHUP applies it */
	ON_RESTART,     /* fixed at start: listeners, sandbox, privilege drop */
};

/* Whose setting a key is. */
enum key_scope {
	SERVER_WIDE,    /* the server's: listening, limits, logging */
	PER_HOST,       /* the capsule's: its name, certificate, folder, lang */
};

/* One configuration key. */
struct key {
	const char *section;
	const char *name;
	enum key_type type;
	long min, max;          /* KEY_INT: the range; KEY_ADDRESSES: max items */
	const char *def;        /* the default, as the file would write it */
	enum key_apply apply;
	enum key_scope scope;
	const char *what;       /* a bad value "V" is reported as: "V" is not WHAT */
	size_t offset, size;    /* the field in struct config */
	size_t count;           /* KEY_ADDRESSES: offset of its int count */
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f), 0
#define LIST(f, n) offsetof(struct config, f), \
	sizeof(((struct config *)0)->f), offsetof(struct config, n)

/*
 * Every key of config.ini (kizuna.ini(5) describes each). The restart
 * check lists changed keys in this order.
 */
static const struct key keys[] = {
	{ "server", "hostname", KEY_HOSTNAME, 0, 0, "localhost",
	  ON_RELOAD, PER_HOST, "a host name", FIELD(hostname) },
	{ "server", "address", KEY_ADDRESSES, 0, CONFIG_MAX_ADDRESSES,
	  "0.0.0.0, ::", ON_RESTART, SERVER_WIDE,
	  "a numeric IPv4 or IPv6 address", LIST(addresses, naddresses) },
	{ "server", "port", KEY_INT, 1, 65535, "1965",
	  ON_RESTART, SERVER_WIDE, "a port (1-65535)", FIELD(port) },
	{ "server", "workers", KEY_INT, 0, 256, "0", ON_RESTART, SERVER_WIDE,
	  "a number of workers (0-256, 0 = one per core)", FIELD(workers) },
	{ "server", "handshake_timeout", KEY_INT, 1, 3600, "5",
	  ON_RELOAD, SERVER_WIDE, "a number of seconds (1-3600)",
	  FIELD(handshake_timeout) },
	{ "server", "timeout", KEY_INT, 1, 3600, "10",
	  ON_RELOAD, SERVER_WIDE, "a number of seconds (1-3600)",
	  FIELD(timeout) },
	/* Unset, it follows timeout (config_load). */
	{ "server", "write_timeout", KEY_INT, 1, 3600, "10",
	  ON_RELOAD, SERVER_WIDE, "a number of seconds (1-3600)",
	  FIELD(write_timeout) },
	{ "server", "min_rate", KEY_INT, 1, 1048576, "16",
	  ON_RELOAD, SERVER_WIDE, "a rate in KiB/s (1-1048576)",
	  FIELD(min_rate) },
	{ "server", "max_connections", KEY_INT, 1, 1000000, "10000",
	  ON_RESTART, SERVER_WIDE, "a connection count (1-1000000)",
	  FIELD(max_connections) },
	{ "server", "max_per_ip", KEY_INT, 0, 1000000, "128",
	  ON_RELOAD, SERVER_WIDE,
	  "a connection count (0-1000000, 0 = no limit)", FIELD(max_per_ip) },
	{ "server", "rate_limit", KEY_INT, 0, 1000000, "0",
	  ON_RELOAD, SERVER_WIDE,
	  "a number of requests a minute (0-1000000, 0 = no limit)",
	  FIELD(rate_limit) },
	{ "server", "rate_burst", KEY_INT, 1, 1000000, "10",
	  ON_RELOAD, SERVER_WIDE, "a number of requests (1-1000000)",
	  FIELD(rate_burst) },
	{ "server", "proxy_protocol", KEY_SWITCH, 0, 0, "off",
	  ON_RELOAD, SERVER_WIDE, "on or off", FIELD(proxy_protocol) },
	{ "server", "user", KEY_USER, 0, 0, "nobody",
	  ON_RESTART, SERVER_WIDE, "a user name", FIELD(user) },

	{ "tls", "cert", KEY_PATH, 0, 0, "certs/cert.pem",
	  ON_RELOAD, PER_HOST, "a usable path", FIELD(cert) },
	{ "tls", "key", KEY_PATH, 0, 0, "certs/key.pem",
	  ON_RELOAD, PER_HOST, "a usable path", FIELD(key) },

	{ "capsule", "root", KEY_DIR, 0, 0, "capsule",
	  ON_RESTART, PER_HOST, "a usable path", FIELD(root) },
	{ "capsule", "articles", KEY_INSIDE, 0, 0, "articles",
	  ON_RELOAD, PER_HOST, "a folder inside the root", FIELD(articles) },
	{ "capsule", "lang", KEY_LANG, 0, 0, "ja",
	  ON_RELOAD, PER_HOST, "a BCP 47 language tag", FIELD(lang) },

	{ "log", "access", KEY_ACCESS_LOG, 0, 0, "stderr",
	  ON_RESTART, SERVER_WIDE, "stderr, off or a path", FIELD(access_log) },
	{ "log", "level", KEY_LOG_LEVEL, 0, 0, "info",
	  ON_RELOAD, SERVER_WIDE, "error, warn, info or debug",
	  FIELD(log_level) },
	{ "log", "log_ip", KEY_SWITCH, 0, 0, "on",
	  ON_RELOAD, SERVER_WIDE, "on or off", FIELD(log_ip) },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Everything the inih callbacks need while one file is read. */
struct parse_state {
	struct config *cfg;
	FILE *file;
	char dir[PATH_MAX];     /* the config file's directory; "": none */
	int lineno;             /* line most recently handed to inih */
	int seen[NKEYS];        /* line each key was set on, 0 = not set */
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

/* Records the first error only: later ones are often its consequences.
 * Returns -1, so that a check can end with `return fail(...)`. */
static int
fail(struct parse_state *st, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st->err[0] != '\0')
		return -1;
	n = snprintf(st->err, sizeof(st->err), "[%s] %s: ", section, key);
	if (n < 0 || (size_t)n >= sizeof(st->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(st->err + n, sizeof(st->err) - n, fmt, ap);
	va_end(ap);
	st->errline = st->lineno;
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

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
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

/* The field a key is stored in, within cfg. */
static void *
field_of(const struct key *k, struct config *cfg)
{
	return (char *)cfg + k->offset;
}

static const void *
const_field_of(const struct key *k, const struct config *cfg)
{
	return (const char *)cfg + k->offset;
}

/* A list is k->max fields of equal size, then an int count. */
static int
set_addresses(struct parse_state *st, const struct key *k, const char *value)
{
	char *addr = field_of(k, st->cfg);
	size_t each = k->size / (size_t)k->max;
	int *count = (int *)((char *)st->cfg + k->count);
	char list[512], *item, *save = NULL;
	unsigned char bin[16];

	if (copy(list, sizeof(list), value) == -1)
		return fail(st, k->section, k->name, "list too long");
	*count = 0;
	for (item = strtok_r(list, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		item = trim(item);
		if (*item == '\0')
			continue;
		if (inet_pton(AF_INET, item, bin) != 1 &&
		    inet_pton(AF_INET6, item, bin) != 1)
			return fail(st, k->section, k->name,
			    "\"%s\" is not %s", item, k->what);
		if (*count == k->max)
			return fail(st, k->section, k->name,
			    "more than %ld addresses", k->max);
		copy(addr + each * (size_t)*count, each, item);
		(*count)++;
	}
	if (*count == 0)
		return fail(st, k->section, k->name, "no address given");
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
 * Checks value as k's type writes it and stores it in st->cfg. Returns 0,
 * or -1 with the error recorded.
 */
static int
set_value(struct parse_state *st, const struct key *k, const char *value)
{
	char *field = field_of(k, st->cfg);
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
		return set_addresses(st, k, value);
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
	}
	if (bad)
		return fail(st, k->section, k->name, "\"%s\" is not %s", value,
		    k->what);
	return 0;
}

/* A KEY_DIR must name a directory that exists now. */
static int
check_dir(struct parse_state *st, const struct key *k)
{
	const char *dir = field_of(k, st->cfg);
	struct stat sb;

	if (stat(dir, &sb) == -1)
		return fail(st, k->section, k->name, "%s: %s", dir,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return fail(st, k->section, k->name, "%s is not a directory",
		    dir);
	return 0;
}

/* Sets every key to its default, paths resolved as st->dir says. */
static int
apply_defaults(struct parse_state *st)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (set_value(st, &keys[i], keys[i].def) == -1)
			return -1;
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
}

/* The row of [section] name, or NULL. */
static const struct key *
find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
is_section(const char *section)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return 1;
	return 0;
}

/* One "key = value" of one section. Returns 0 or -1. */
static int
read_key(struct parse_state *st, const char *section, const char *name,
    const char *value)
{
	const struct key *k = find_key(section, name);
	size_t i;

	if (k == NULL) {
		if (is_section(section))
			return fail(st, section, name, "unknown key");
		if (*section == '\0')
			return fail(st, "", name, "key outside any section");
		return fail(st, section, name, "unknown section");
	}
	i = (size_t)(k - keys);
	if (st->seen[i] != 0)
		return fail(st, section, name, "set twice");
	st->seen[i] = st->lineno;
	if (set_value(st, k, value) == -1)
		return -1;
	if (k->type == KEY_DIR)
		return check_dir(st, k);
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
 * inih reports a section only through the keys inside it, so an unknown
 * "[section]" with no keys would pass unnoticed: look at headers here.
 */
static void
check_section_line(struct parse_state *st, const char *line)
{
	char name[64], known[128] = "";
	const char *end;
	size_t i, n;

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
	if (is_section(name) || st->err[0] != '\0')
		return;
	/* The sections of the table, in its order, each once. */
	for (i = 0; i < NKEYS; i++)
		if (i == 0 || strcmp(keys[i].section, keys[i - 1].section) != 0) {
			n = strlen(known);
			snprintf(known + n, sizeof(known) - n, "%s%s",
			    n > 0 ? ", " : "", keys[i].section);
		}
	snprintf(st->err, sizeof(st->err), "[%s]: unknown section (known: %s)",
	    name, known);
	st->errline = st->lineno;
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

int
config_load(const char *path, struct config *cfg, char *err, size_t errsize)
{
	struct parse_state st;
	int rc;
	long ncpu;
	size_t i;

	memset(&st, 0, sizeof(st));
	memset(cfg, 0, sizeof(*cfg));
	st.cfg = cfg;
	if (copy(cfg->path, sizeof(cfg->path), path) == -1) {
		snprintf(err, errsize, "%s: path too long", path);
		return -1;
	}
	dir_of(path, st.dir, sizeof(st.dir));
	/* The defaults' relative paths are relative to the file too. */
	if (apply_defaults(&st) == -1) {
		snprintf(err, errsize, "%s: directory path too long", path);
		return -1;
	}
	if ((st.file = fopen(path, "r")) == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(read_line, &st, on_key, &st);
	fclose(st.file);

	if (st.err[0] == '\0' && rc > 0) {
		/* inih itself refused the line: no '=' or an unclosed '['. */
		snprintf(st.err, sizeof(st.err),
		    "not a [section] or key = value line");
		st.errline = rc;
	}
	if (st.err[0] == '\0' && rc < 0)
		snprintf(st.err, sizeof(st.err), "cannot be read");
	/* A default folder must exist too; it is on no line of the file. */
	st.lineno = 0;
	for (i = 0; i < NKEYS && st.err[0] == '\0'; i++)
		if (keys[i].type == KEY_DIR && st.seen[i] == 0)
			check_dir(&st, &keys[i]);
	if (st.err[0] != '\0') {
		if (st.errline > 0)
			snprintf(err, errsize, "%s:%d: %s", path, st.errline,
			    st.err);
		else
			snprintf(err, errsize, "%s: %s", path, st.err);
		return -1;
	}
	/* Unset, a stalled reader gets what a stalled sender gets. */
	if (st.seen[find_key("server", "write_timeout") - keys] == 0)
		cfg->write_timeout = cfg->timeout;
	if (cfg->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->workers = ncpu > 0 ? (int)ncpu : 1;
	}
	return 0;
}

/* Whether k holds the same value in a and b. */
static int
same_value(const struct key *k, const struct config *a,
    const struct config *b)
{
	const char *fa = const_field_of(k, a), *fb = const_field_of(k, b);
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
		if (keys[i].apply != ON_RESTART ||
		    same_value(&keys[i], old, new))
			continue;
		n++;
		len = strlen(what);
		snprintf(what + len, size - len, "%s[%s] %s",
		    len > 0 ? ", " : "", keys[i].section, keys[i].name);
	}
	return n;
}
