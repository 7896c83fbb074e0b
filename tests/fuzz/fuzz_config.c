/*
 * fuzz_config.c - libFuzzer target for config.c (and the inih under it),
 * its [host] and [location] rules, and location.c's matcher on what loads.
 *
 * The input is a config.ini as someone might write it. config_load reads
 * a file by name, so the input goes into an in-memory file (memfd) named
 * through /proc/self/fd/N: no disk, and the file's directory, against
 * which relative paths resolve, is /proc/self/fd. It either loads, and
 * every value is one config.h allows, or it is refused with a message that
 * names the file and, when it gives one, a line the input has. Built with
 * -fsanitize=fuzzer to fuzz, or with replay.c to run the corpus in `make
 * test`.
 */
#define _GNU_SOURCE /* memfd_create */
#include <sys/mman.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_check.h"
#include "location.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* Terminated within its array: a string field never runs off its end. */
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

/* The lines of data as a line count would give them: '\n's plus one. */
static long
count_lines(const uint8_t *data, size_t size)
{
	long n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

/*
 * A refusal: "PATH: reason" or "PATH:N: reason", terminated within err,
 * with N a line of the input.
 */
static void
check_error(const char *path, const char *err, size_t errsize, long lines)
{
	size_t plen = strlen(path);
	const char *p;
	long line = 0;

	CHECK(memchr(err, '\0', errsize) != NULL);
	CHECK(err[0] != '\0');
	CHECK(strncmp(err, path, plen) == 0 && err[plen] == ':');
	p = err + plen + 1;
	if (isdigit((unsigned char)*p)) {
		for (; isdigit((unsigned char)*p); p++) {
			line = line * 10 + (*p - '0');
			CHECK(line <= lines);
		}
		CHECK(*p == ':');
		p++;
		CHECK(line >= 1);
	}
	/* And a reason. */
	CHECK(p[0] == ' ' && p[1] != '\0');
}

/* Returns 1 when name[0..n) is word, blanks, then something quoted. */
static int
is_quoted_section(const uint8_t *name, size_t n, const char *word)
{
	size_t i = strlen(word);

	if (n < i || memcmp(name, word, i) != 0)
		return 0;
	while (i < n && (name[i] == ' ' || name[i] == '\t'))
		i++;
	return n - i >= 3 && name[i] == '"' && name[n - 1] == '"' &&
	    memchr(name + i + 1, '"', n - i - 2) == NULL;
}

/* Returns 1 when name[0..n) is a section config.c reads. */
static int
is_known_section(const uint8_t *name, size_t n)
{
	static const char *const known[] = { "server", "tls", "capsule", "log" };
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (n == strlen(known[k]) && memcmp(name, known[k], n) == 0)
			return 1;
	return is_quoted_section(name, n, "host") ||
	    is_quoted_section(name, n, "location");
}

/*
 * What inih reads as a section header: a line (up to a NUL byte, which
 * ends a C string) starting with '[' after any space and, on the first
 * line, after the UTF-8 byte order mark inih skips. Returns 1 when a line
 * names a section config.c does not know: a loaded file has none, even one
 * with no key under it.
 */
static int
has_unknown_section(const uint8_t *data, size_t size)
{
	size_t i = 0;

	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < size) {
		const uint8_t *eol = memchr(data + i, '\n', size - i);
		size_t end = eol != NULL ? (size_t)(eol - data) : size;
		const uint8_t *nul = memchr(data + i, '\0', end - i);
		size_t stop = nul != NULL ? (size_t)(nul - data) : end;
		const uint8_t *close;

		while (i < stop && isspace(data[i]))
			i++;
		if (i < stop && data[i] == '[') {
			close = memchr(data + i, ']', stop - i);
			if (close == NULL || !is_known_section(data + i + 1,
			    (size_t)(close - data) - i - 1))
				return 1;
		}
		i = end + 1;
	}
	return 0;
}

/* A path the loader resolved: absolute, as relative ones resolve here. */
static int
is_absolute(const char *s)
{
	return s[0] == '/';
}

/* Returns 1 when a segment of the relative path s is "..". */
static int
has_dotdot_segment(const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

/* A name a host answers to: non-empty, lowercased, no brackets. */
static void
check_name(const char *name, size_t size)
{
	const char *p;

	CHECK(memchr(name, '\0', size) != NULL && name[0] != '\0');
	for (p = name; *p != '\0'; p++)
		CHECK(!(*p >= 'A' && *p <= 'Z') && *p != '[' && *p != ']');
}

/* Every name and alias of all hosts once: two hosts never answer to the
 * same name. */
static void
check_names_unique(const struct config *cfg)
{
	const char *names[CONFIG_MAX_HOSTS * (1 + CONFIG_MAX_ALIASES)];
	int i, a, j, n = 0;

	for (i = 0; i < cfg->nhosts; i++) {
		names[n++] = cfg->hosts[i].name;
		for (a = 0; a < cfg->hosts[i].naliases; a++)
			names[n++] = cfg->hosts[i].aliases[a];
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			CHECK(strcmp(names[i], names[j]) != 0);
}

/* A loaded host: complete, its paths resolved. */
static void
check_host(const struct config_host *h)
{
	int a;

	check_name(h->name, sizeof(h->name));
	CHECK(h->naliases >= 0 && h->naliases <= CONFIG_MAX_ALIASES);
	for (a = 0; a < h->naliases; a++)
		check_name(h->aliases[a], sizeof(h->aliases[a]));
	CHECK(TERMINATED(h->cert) && is_absolute(h->cert));
	CHECK(TERMINATED(h->key) && is_absolute(h->key));
	CHECK(TERMINATED(h->root) && is_absolute(h->root));
	CHECK(TERMINATED(h->articles) && h->articles[0] != '\0' &&
	    h->articles[0] != '/');
	CHECK(!has_dotdot_segment(h->articles));
	CHECK(TERMINATED(h->lang) && h->lang[0] != '\0');
}

/* A prefix as config.h describes it. */
static void
check_prefix(const char *p)
{
	const char *q;
	size_t n;

	CHECK(p[0] == '/');
	for (q = p; *q != '\0'; q++)
		CHECK((unsigned char)*q >= 0x20 && *q != 0x7f && *q != '?' &&
		    *q != '#' && *q != '*');
	/* Its segments: none "." or "..", none empty but the last. */
	for (q = p + 1;; q += n + 1) {
		n = strcspn(q, "/");
		CHECK(!(n == 1 && q[0] == '.'));
		CHECK(!(n == 2 && q[0] == '.' && q[1] == '.'));
		if (q[n] == '\0')
			break;
		CHECK(n > 0);
	}
}

/* A loaded location: its values in their ranges, its host one of the
 * config's, its rules consistent. */
static void
check_location(const struct config *cfg, int i, long lines)
{
	const struct config_location *l = &cfg->locations[i];
	int h, t, u;

	CHECK(TERMINATED(l->host));
	if (l->host[0] != '\0') {
		for (h = 0; h < cfg->nhosts; h++)
			if (strcmp(cfg->hosts[h].name, l->host) == 0)
				break;
		CHECK(h < cfg->nhosts);
	}
	CHECK(TERMINATED(l->prefix));
	check_prefix(l->prefix);
	CHECK(l->line >= 1 && l->line <= lines);
	CHECK(i == 0 || l->line > cfg->locations[i - 1].line);
	CHECK(l->wildcard == 0 || l->wildcard == 1);
	CHECK(l->listing >= -1 && l->listing <= 1);
	CHECK(l->redirect_status == 0 || l->redirect_status == 30 ||
	    l->redirect_status == 31);
	CHECK(TERMINATED(l->redirect));
	if (l->redirect_status == 0)
		CHECK(l->redirect[0] == '\0' && l->redirect_wildcard == 0);
	else {
		CHECK((l->redirect[0] == '/' && l->redirect[1] != '/') ||
		    strncasecmp(l->redirect, "gemini://", 9) == 0);
		CHECK(strchr(l->redirect, ' ') == NULL &&
		    strchr(l->redirect, '#') == NULL &&
		    strchr(l->redirect, '?') == NULL);
		CHECK(l->redirect_wildcard == 0 || l->redirect_wildcard == 1);
		CHECK(!l->wildcard || l->redirect_wildcard);
		CHECK(l->block == 0);
	}
	CHECK(TERMINATED(l->lang));
	CHECK(l->ntypes >= 0 && l->ntypes <= CONFIG_MAX_TYPES);
	for (t = 0; t < l->ntypes; t++) {
		CHECK(TERMINATED(l->types[t].ext));
		CHECK(TERMINATED(l->types[t].type));
		CHECK(l->types[t].ext[0] == '.' && l->types[t].ext[1] != '\0');
		CHECK(strchr(l->types[t].type, '/') != NULL);
		for (u = 0; u < t; u++)
			CHECK(strcmp(l->types[u].ext, l->types[t].ext) != 0);
	}
	CHECK(l->require_certificate >= -1 && l->require_certificate <= 1);
	CHECK(l->nallow >= 0 && l->nallow <= CONFIG_MAX_ALLOW);
	CHECK(l->nallow == 0 || l->require_certificate == 1);
	for (t = 0; t < l->nallow; t++)
		for (u = 0; u < t; u++)
			CHECK(memcmp(l->allow[u], l->allow[t], 32) != 0);
	CHECK(l->block == 0 || l->block == 51 || l->block == 52);
	for (u = 0; u < i; u++)
		CHECK(strcmp(cfg->locations[u].host, l->host) != 0 ||
		    strcmp(cfg->locations[u].prefix, l->prefix) != 0);
}

/*
 * The matcher on a loaded config: a location is the best match for its
 * own prefix on its host (a location of every host may lose only to one
 * of the host's own, as long); a path target leads to no redirect on a
 * host the redirect is met on.
 */
static void
check_matcher(const struct config *cfg)
{
	const struct config_location *l;
	struct location_rules r, at;
	int i, h, m;

	for (i = 0; i < cfg->nlocations; i++) {
		l = &cfg->locations[i];
		for (h = 0; h < cfg->nhosts; h++) {
			if (l->host[0] != '\0' &&
			    strcmp(l->host, cfg->hosts[h].name) != 0)
				continue;
			m = location_resolve(cfg, cfg->hosts[h].name,
			    l->prefix, &at);
			CHECK(m >= 0 && m < cfg->nlocations);
			CHECK(at.matched >= 1 && at.chain[0] ==
			    &cfg->locations[m]);
			CHECK(location_match(cfg, cfg->hosts[h].name,
			    l->prefix) == m);
			CHECK(m == i || (l->host[0] == '\0' &&
			    strcmp(cfg->locations[m].prefix, l->prefix) == 0 &&
			    cfg->locations[m].host[0] != '\0'));
			/* (A target with escapes is checked decoded.) */
			if (at.action != l || l->redirect[0] != '/' ||
			    strchr(l->redirect, '%') != NULL)
				continue;
			location_resolve(cfg, cfg->hosts[h].name, l->redirect,
			    &r);
			CHECK(r.redirect_status == 0);
		}
	}
}

/* A loaded config: every value in the range config.h gives it. */
static void
check_config(const struct config *cfg, const char *path, long lines)
{
	unsigned char bin[16];
	int i;

	CHECK(TERMINATED(cfg->path) && strcmp(cfg->path, path) == 0);

	CHECK(cfg->nhosts >= 1 && cfg->nhosts <= CONFIG_MAX_HOSTS);
	CHECK(cfg->default_host >= 0 && cfg->default_host < cfg->nhosts);
	CHECK(cfg->has_host_sections || cfg->nhosts == 1);
	for (i = 0; i < cfg->nhosts; i++) {
		check_host(&cfg->hosts[i]);
		CHECK((cfg->hosts[i].line > 0) == cfg->has_host_sections);
	}
	check_names_unique(cfg);
	CHECK(cfg->nlocations >= 0 && cfg->nlocations <= CONFIG_MAX_LOCATIONS);
	for (i = 0; i < cfg->nlocations; i++)
		check_location(cfg, i, lines);
	check_matcher(cfg);
	CHECK(cfg->naddresses >= 1 &&
	    cfg->naddresses <= CONFIG_MAX_ADDRESSES);
	for (i = 0; i < CONFIG_MAX_ADDRESSES; i++)
		CHECK(TERMINATED(cfg->addresses[i]));
	for (i = 0; i < cfg->naddresses; i++)
		CHECK(inet_pton(AF_INET, cfg->addresses[i], bin) == 1 ||
		    inet_pton(AF_INET6, cfg->addresses[i], bin) == 1);
	CHECK(cfg->port >= 1 && cfg->port <= 65535);
	CHECK(cfg->workers >= 1);
	CHECK(cfg->handshake_timeout >= 1);
	CHECK(cfg->timeout >= 1);
	CHECK(cfg->write_timeout >= 1);
	CHECK(cfg->min_rate >= 1);
	CHECK(cfg->max_connections >= 1);
	CHECK(cfg->max_per_ip >= 0);
	CHECK(cfg->proxy_protocol == 0 || cfg->proxy_protocol == 1);
	CHECK(cfg->log_ip == 0 || cfg->log_ip == 1);
	CHECK(TERMINATED(cfg->user) && cfg->user[0] != '\0');

	CHECK(TERMINATED(cfg->access_log));
	CHECK(strcmp(cfg->access_log, "stderr") == 0 ||
	    strcmp(cfg->access_log, "off") == 0 ||
	    is_absolute(cfg->access_log));
	CHECK((unsigned)cfg->log_level <= LOG_LEVEL_DEBUG);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	char path[64], err[1024];
	size_t off = 0;
	ssize_t n;
	int fd, rv;

	/* A harness that cannot make its file must say so, not pass. */
	fd = memfd_create("fuzz_config", MFD_CLOEXEC);
	CHECK(fd != -1);
	while (off < size) {
		n = write(fd, data + off, size - off);
		CHECK(n > 0);
		off += (size_t)n;
	}
	rv = snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(rv > 0 && (size_t)rv < sizeof(path));

	/* No NUL planted: the message must bring its own. */
	memset(err, 'X', sizeof(err));
	rv = config_load(path, &cfg, err, sizeof(err));
	close(fd);

	CHECK(rv == 0 || rv == -1);
	if (rv == -1)
		check_error(path, err, sizeof(err), count_lines(data, size));
	else {
		check_config(&cfg, path, count_lines(data, size));
		CHECK(!has_unknown_section(data, size));
	}
	return 0;
}
