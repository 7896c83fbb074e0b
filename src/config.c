/*
 * config.c - INI file -> struct config, through inih.
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

/* Everything the inih callbacks need while one file is read. */
struct parse_state {
	struct config *cfg;
	FILE *file;
	char dir[PATH_MAX];     /* the config file's directory */
	int lineno;             /* line most recently handed to inih */
	char seen[32][48];      /* "section.key" already set, to refuse repeats */
	int nseen;
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

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	copy(cfg->hostname, sizeof(cfg->hostname), "localhost");
	copy(cfg->addresses[0], sizeof(cfg->addresses[0]), "0.0.0.0");
	copy(cfg->addresses[1], sizeof(cfg->addresses[1]), "::");
	cfg->naddresses = 2;
	cfg->port = 1965;
	cfg->workers = 0;
	cfg->handshake_timeout = 5;
	cfg->timeout = 10;
	cfg->write_timeout = 10;
	cfg->min_rate = 16;
	cfg->max_connections = 10000;
	cfg->max_per_ip = 128;
	cfg->rate_limit = 0;
	cfg->rate_burst = 10;
	cfg->proxy_protocol = 0;
	copy(cfg->user, sizeof(cfg->user), "nobody");
	copy(cfg->cert, sizeof(cfg->cert), "certs/cert.pem");
	copy(cfg->key, sizeof(cfg->key), "certs/key.pem");
	copy(cfg->root, sizeof(cfg->root), "capsule");
	copy(cfg->articles, sizeof(cfg->articles), "articles");
	copy(cfg->lang, sizeof(cfg->lang), "ja");
	copy(cfg->access_log, sizeof(cfg->access_log), "stderr");
	cfg->log_level = CONFIG_LOG_INFO;
	cfg->log_ip = 1;
}

/* Records the first error only: later ones are often its consequences. */
static int
fail(struct parse_state *st, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st->err[0] != '\0')
		return 0;
	n = snprintf(st->err, sizeof(st->err), "[%s] %s: ", section, key);
	if (n < 0 || (size_t)n >= sizeof(st->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(st->err + n, sizeof(st->err) - n, fmt, ap);
	va_end(ap);
	st->errline = st->lineno;
	return 0;
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

/* Resolves a path from the file against the config file's directory. */
static int
resolve_path(const struct parse_state *st, const char *value, char *dst,
    size_t dstsize)
{
	int n;

	if (value[0] == '/')
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

static int
set_addresses(struct parse_state *st, const char *value)
{
	struct config *cfg = st->cfg;
	char list[512], *item, *save = NULL;
	unsigned char bin[16];

	if (copy(list, sizeof(list), value) == -1)
		return fail(st, "server", "address", "list too long");
	cfg->naddresses = 0;
	for (item = strtok_r(list, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		item = trim(item);
		if (*item == '\0')
			continue;
		if (inet_pton(AF_INET, item, bin) != 1 &&
		    inet_pton(AF_INET6, item, bin) != 1)
			return fail(st, "server", "address",
			    "\"%s\" is not a numeric IPv4 or IPv6 address",
			    item);
		if (cfg->naddresses == CONFIG_MAX_ADDRESSES)
			return fail(st, "server", "address",
			    "more than %d addresses", CONFIG_MAX_ADDRESSES);
		copy(cfg->addresses[cfg->naddresses++],
		    sizeof(cfg->addresses[0]), item);
	}
	if (cfg->naddresses == 0)
		return fail(st, "server", "address", "no address given");
	return 1;
}

static int
set_server(struct parse_state *st, const char *key, const char *value)
{
	struct config *cfg = st->cfg;
	char *p;

	if (strcmp(key, "hostname") == 0) {
		if (!is_hostname(value) ||
		    copy(cfg->hostname, sizeof(cfg->hostname), value) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a host name", value);
		for (p = cfg->hostname; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		return 1;
	}
	if (strcmp(key, "address") == 0)
		return set_addresses(st, value);
	if (strcmp(key, "port") == 0) {
		if (parse_int(value, 1, 65535, &cfg->port) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a port (1-65535)", value);
		return 1;
	}
	if (strcmp(key, "workers") == 0) {
		if (parse_int(value, 0, 256, &cfg->workers) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a number of workers (0-256, 0 = one per core)",
			    value);
		return 1;
	}
	if (strcmp(key, "timeout") == 0) {
		if (parse_int(value, 1, 3600, &cfg->timeout) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a number of seconds (1-3600)", value);
		return 1;
	}
	if (strcmp(key, "handshake_timeout") == 0) {
		if (parse_int(value, 1, 3600, &cfg->handshake_timeout) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a number of seconds (1-3600)", value);
		return 1;
	}
	if (strcmp(key, "write_timeout") == 0) {
		if (parse_int(value, 1, 3600, &cfg->write_timeout) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a number of seconds (1-3600)", value);
		return 1;
	}
	if (strcmp(key, "min_rate") == 0) {
		if (parse_int(value, 1, 1048576, &cfg->min_rate) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a rate in KiB/s (1-1048576)", value);
		return 1;
	}
	if (strcmp(key, "max_per_ip") == 0) {
		if (parse_int(value, 0, 1000000, &cfg->max_per_ip) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a connection count (0-1000000, "
			    "0 = no limit)", value);
		return 1;
	}
	if (strcmp(key, "rate_limit") == 0) {
		if (parse_int(value, 0, 1000000, &cfg->rate_limit) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a number of requests a minute "
			    "(0-1000000, 0 = no limit)", value);
		return 1;
	}
	if (strcmp(key, "rate_burst") == 0) {
		if (parse_int(value, 1, 1000000, &cfg->rate_burst) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a number of requests (1-1000000)",
			    value);
		return 1;
	}
	if (strcmp(key, "max_connections") == 0) {
		if (parse_int(value, 1, 1000000, &cfg->max_connections) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a connection count (1-1000000)",
			    value);
		return 1;
	}
	if (strcmp(key, "proxy_protocol") == 0) {
		if (parse_switch(value, &cfg->proxy_protocol) == -1)
			return fail(st, "server", key, "\"%s\" is not on or off",
			    value);
		return 1;
	}
	if (strcmp(key, "user") == 0) {
		if (*value == '\0' ||
		    copy(cfg->user, sizeof(cfg->user), value) == -1)
			return fail(st, "server", key,
			    "\"%s\" is not a user name", value);
		return 1;
	}
	return fail(st, "server", key, "unknown key");
}

static int
set_tls(struct parse_state *st, const char *key, const char *value)
{
	struct config *cfg = st->cfg;
	char *dst;
	size_t dstsize;

	if (strcmp(key, "cert") == 0) {
		dst = cfg->cert;
		dstsize = sizeof(cfg->cert);
	} else if (strcmp(key, "key") == 0) {
		dst = cfg->key;
		dstsize = sizeof(cfg->key);
	} else
		return fail(st, "tls", key, "unknown key");
	if (*value == '\0' || resolve_path(st, value, dst, dstsize) == -1)
		return fail(st, "tls", key, "\"%s\" is not a usable path", value);
	return 1;
}

static int
check_root(struct parse_state *st)
{
	struct stat sb;

	if (stat(st->cfg->root, &sb) == -1)
		return fail(st, "capsule", "root", "%s: %s", st->cfg->root,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return fail(st, "capsule", "root", "%s is not a directory",
		    st->cfg->root);
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

static int
set_capsule(struct parse_state *st, const char *key, const char *value)
{
	struct config *cfg = st->cfg;

	if (strcmp(key, "root") == 0) {
		if (*value == '\0' ||
		    resolve_path(st, value, cfg->root, sizeof(cfg->root)) == -1)
			return fail(st, "capsule", key,
			    "\"%s\" is not a usable path", value);
		return check_root(st);
	}
	if (strcmp(key, "articles") == 0) {
		if (!is_inside_path(value) ||
		    copy(cfg->articles, sizeof(cfg->articles), value) == -1)
			return fail(st, "capsule", key,
			    "\"%s\" is not a folder inside the root", value);
		return 1;
	}
	if (strcmp(key, "lang") == 0) {
		if (!is_lang(value) ||
		    copy(cfg->lang, sizeof(cfg->lang), value) == -1)
			return fail(st, "capsule", key,
			    "\"%s\" is not a BCP 47 language tag", value);
		return 1;
	}
	return fail(st, "capsule", key, "unknown key");
}

static int
set_log(struct parse_state *st, const char *key, const char *value)
{
	struct config *cfg = st->cfg;
	size_t i;

	if (strcmp(key, "access") == 0) {
		if (strcmp(value, "stderr") == 0 || strcmp(value, "off") == 0) {
			copy(cfg->access_log, sizeof(cfg->access_log), value);
			return 1;
		}
		if (*value == '\0' || resolve_path(st, value, cfg->access_log,
		    sizeof(cfg->access_log)) == -1)
			return fail(st, "log", key,
			    "\"%s\" is not stderr, off or a path", value);
		return 1;
	}
	if (strcmp(key, "level") == 0) {
		for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
			if (strcmp(value, level_names[i]) == 0) {
				cfg->log_level = (enum config_log_level)i;
				return 1;
			}
		return fail(st, "log", key,
		    "\"%s\" is not error, warn, info or debug", value);
	}
	if (strcmp(key, "log_ip") == 0) {
		if (parse_switch(value, &cfg->log_ip) == -1)
			return fail(st, "log", key, "\"%s\" is not on or off",
			    value);
		return 1;
	}
	return fail(st, "log", key, "unknown key");
}

/* inih callback: one "key = value" of one section. Nonzero is success. */
static int
on_key(void *user, const char *section, const char *key, const char *value)
{
	struct parse_state *st = user;
	char id[sizeof(st->seen[0])];
	int i, n;

	n = snprintf(id, sizeof(id), "%s.%s", section, key);
	if (n < 0 || (size_t)n >= sizeof(id))
		return fail(st, section, key, "unknown key");
	for (i = 0; i < st->nseen; i++)
		if (strcmp(st->seen[i], id) == 0)
			return fail(st, section, key, "set twice");
	if (st->nseen < (int)(sizeof(st->seen) / sizeof(st->seen[0])))
		copy(st->seen[st->nseen++], sizeof(st->seen[0]), id);

	if (strcmp(section, "server") == 0)
		return set_server(st, key, value);
	if (strcmp(section, "tls") == 0)
		return set_tls(st, key, value);
	if (strcmp(section, "capsule") == 0)
		return set_capsule(st, key, value);
	if (strcmp(section, "log") == 0)
		return set_log(st, key, value);
	if (*section == '\0')
		return fail(st, "", key, "key outside any section");
	return fail(st, section, key, "unknown section");
}

/*
 * inih reports a section only through the keys inside it, so an unknown
 * "[section]" with no keys would pass unnoticed: look at headers here.
 */
static void
check_section_line(struct parse_state *st, const char *line)
{
	static const char *known[] = { "server", "tls", "capsule", "log" };
	char name[64];
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
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(name, known[i]) == 0)
			return;
	if (st->err[0] == '\0') {
		snprintf(st->err, sizeof(st->err),
		    "[%s]: unknown section (known: server, tls, capsule, log)",
		    name);
		st->errline = st->lineno;
	}
}

/*
 * inih's line source (fgets contract). Counting here is what gives every
 * error its line number: with multi-line values off, inih calls on_key for
 * a line before it asks for the next one. A line that does not fit inih's
 * buffer ends the parse with an error rather than being split in two.
 */
static char *
read_line(char *buf, int size, void *user)
{
	struct parse_state *st = user;
	const char *why = NULL;
	int c, n = 0;

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

/* Makes the defaults' relative paths relative to the config file too. */
static int
resolve_defaults(struct parse_state *st)
{
	struct config *cfg = st->cfg;
	char tmp[PATH_MAX];

	copy(tmp, sizeof(tmp), cfg->cert);
	if (resolve_path(st, tmp, cfg->cert, sizeof(cfg->cert)) == -1)
		return -1;
	copy(tmp, sizeof(tmp), cfg->key);
	if (resolve_path(st, tmp, cfg->key, sizeof(cfg->key)) == -1)
		return -1;
	copy(tmp, sizeof(tmp), cfg->root);
	return resolve_path(st, tmp, cfg->root, sizeof(cfg->root));
}

static int
was_seen(const struct parse_state *st, const char *id)
{
	int i;

	for (i = 0; i < st->nseen; i++)
		if (strcmp(st->seen[i], id) == 0)
			return 1;
	return 0;
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errsize)
{
	struct parse_state st;
	int rc;
	long ncpu;

	memset(&st, 0, sizeof(st));
	config_defaults(cfg);
	st.cfg = cfg;
	if (copy(cfg->path, sizeof(cfg->path), path) == -1) {
		snprintf(err, errsize, "%s: path too long", path);
		return -1;
	}
	dir_of(path, st.dir, sizeof(st.dir));
	if (resolve_defaults(&st) == -1) {
		snprintf(err, errsize, "%s: directory path too long", path);
		return -1;
	}
	if ((st.file = fopen(path, "r")) == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A continuation line would silently glue itself onto a value. */
	ini_allow_multiline = false;
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
	if (st.err[0] == '\0' && !was_seen(&st, "capsule.root")) {
		st.lineno = 0;   /* the default is on no line of the file */
		check_root(&st);
	}
	if (st.err[0] != '\0') {
		if (st.errline > 0)
			snprintf(err, errsize, "%s:%d: %s", path, st.errline,
			    st.err);
		else
			snprintf(err, errsize, "%s: %s", path, st.err);
		return -1;
	}
	/* Unset, a stalled reader gets what a stalled sender gets. */
	if (!was_seen(&st, "server.write_timeout"))
		cfg->write_timeout = cfg->timeout;
	if (cfg->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->workers = ncpu > 0 ? (int)ncpu : 1;
	}
	return 0;
}
