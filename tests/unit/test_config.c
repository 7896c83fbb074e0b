/*
 * test_config.c - config.c: defaults, values, and errors naming FILE:LINE;
 * [host "NAME"] and [location "PREFIX"] sections and their rules; what
 * needs a restart; the value syntaxes of config_value.c.
 *
 * Each case writes a real file into a temporary directory (with folders
 * capsule, a and b next to it) and loads it, as the server would.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "config_value.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	static const char *const folders[] = { "capsule", "a", "b" };
	char folder[128];
	size_t i;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kizuna-test-config-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		snprintf(folder, sizeof(folder), "%s/%s", dir, folders[i]);
		if (mkdir(folder, 0755) == -1)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_config(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_defaults_from_empty_file(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512], want[256];

	(void)state;
	write_config("; nothing set\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.hosts[0].name, "localhost");
	assert_int_equal(cfg.port, 1965);
	assert_int_equal(cfg.naddresses, 2);
	assert_string_equal(cfg.addresses[0], "0.0.0.0");
	assert_string_equal(cfg.addresses[1], "::");
	assert_int_equal(cfg.timeout, 10);
	assert_int_equal(cfg.handshake_timeout, 5);
	assert_int_equal(cfg.write_timeout, 10);
	assert_int_equal(cfg.min_rate, 16);
	assert_int_equal(cfg.max_connections, 10000);
	assert_int_equal(cfg.max_per_ip, 128);
	assert_int_equal(cfg.rate_limit, 0);
	assert_int_equal(cfg.rate_burst, 10);
	assert_int_equal(cfg.proxy_protocol, 0);
	assert_int_equal(cfg.log_ip, 1);
	assert_true(cfg.workers >= 1);   /* 0 in the file = one per core */
	assert_string_equal(cfg.user, "nobody");
	assert_string_equal(cfg.hosts[0].lang, "ja");
	assert_string_equal(cfg.hosts[0].articles, "articles");
	assert_string_equal(cfg.access_log, "stderr");
	assert_int_equal(cfg.log_level, LOG_LEVEL_INFO);
	assert_string_equal(cfg.ticket_keys, "");
	/* Relative paths resolve against the config file's directory. */
	snprintf(want, sizeof(want), "%s/capsule", dir);
	assert_string_equal(cfg.hosts[0].root, want);
	snprintf(want, sizeof(want), "%s/certs/cert.pem", dir);
	assert_string_equal(cfg.hosts[0].cert, want);
	snprintf(want, sizeof(want), "%s/certs/key.pem", dir);
	assert_string_equal(cfg.hosts[0].key, want);
}

static void
test_write_timeout_follows_timeout_unless_set(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512];

	(void)state;
	write_config("[server]\ntimeout = 3\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.write_timeout, 3);
	write_config("[server]\ntimeout = 3\nwrite_timeout = 7\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.write_timeout, 7);
}

static void
test_values_are_read(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512], want[256];

	(void)state;
	write_config(
	    "[server]\n"
	    "hostname = Example.ORG\n"
	    "address = 127.0.0.1 , ::1\n"
	    "port = 1966\n"
	    "workers = 3\n"
	    "timeout = 7\n"
	    "handshake_timeout = 2\n"
	    "min_rate = 64\n"
	    "max_per_ip = 0\n"
	    "rate_limit = 30\n"
	    "rate_burst = 4\n"
	    "max_connections = 50\n"
	    "proxy_protocol = on\n"
	    "user = gemini\n"
	    "[tls]\n"
	    "cert = /etc/kizuna/c.pem\n"
	    "key = k.pem\n"
	    "[capsule]\n"
	    "root = capsule\n"
	    "articles = texts/ja\n"
	    "lang = ja,en\n"
	    "[log]\n"
	    "access = off\n"
	    "level = debug\n"
	    "log_ip = off\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.hosts[0].name, "example.org");
	assert_int_equal(cfg.naddresses, 2);
	assert_string_equal(cfg.addresses[0], "127.0.0.1");
	assert_string_equal(cfg.addresses[1], "::1");
	assert_int_equal(cfg.port, 1966);
	assert_int_equal(cfg.workers, 3);
	assert_int_equal(cfg.timeout, 7);
	assert_int_equal(cfg.handshake_timeout, 2);
	assert_int_equal(cfg.write_timeout, 7);
	assert_int_equal(cfg.min_rate, 64);
	assert_int_equal(cfg.max_per_ip, 0);
	assert_int_equal(cfg.rate_limit, 30);
	assert_int_equal(cfg.rate_burst, 4);
	assert_int_equal(cfg.max_connections, 50);
	assert_int_equal(cfg.proxy_protocol, 1);
	assert_string_equal(cfg.user, "gemini");
	assert_string_equal(cfg.hosts[0].cert, "/etc/kizuna/c.pem");
	snprintf(want, sizeof(want), "%s/k.pem", dir);
	assert_string_equal(cfg.hosts[0].key, want);
	assert_string_equal(cfg.hosts[0].articles, "texts/ja");
	assert_string_equal(cfg.hosts[0].lang, "ja,en");
	assert_string_equal(cfg.access_log, "off");
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(cfg.log_ip, 0);
}

/* The switches take on and off, and "off" really turns them off. */
static void
test_switches_on_and_off(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512];

	(void)state;
	write_config("[server]\nproxy_protocol = off\n[log]\nlog_ip = on\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.proxy_protocol, 0);
	assert_int_equal(cfg.log_ip, 1);
	write_config("[server]\nproxy_protocol = on\n[log]\nlog_ip = off\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.proxy_protocol, 1);
	assert_int_equal(cfg.log_ip, 0);
}

/* A bad file, the line its error must name, and words the message must hold. */
struct bad_case {
	const char *text;
	int line;
	const char *words;
};

static const struct bad_case bad_cases[] = {
	{ "[server]\nport = 70000\n", 2, "port" },
	{ "[server]\nport = 0\n", 2, "port" },
	{ "[server]\nport = 19x5\n", 2, "port" },
	{ "[server]\nport =\n", 2, "port" },
	{ "[server]\n\n; c\ntimeout = -1\n", 4, "timeout" },
	{ "[server]\ntimeout = 0\n", 2, "timeout" },
	{ "[server]\nworkers = -2\n", 2, "workers" },
	{ "[server]\nmax_connections = 0\n", 2, "max_connections" },
	{ "[server]\nhandshake_timeout = 0\n", 2, "handshake_timeout" },
	{ "[server]\nwrite_timeout = -5\n", 2, "write_timeout" },
	{ "[server]\nmin_rate = 0\n", 2, "min_rate" },
	{ "[server]\nmax_per_ip = -1\n", 2, "max_per_ip" },
	{ "[server]\nrate_limit = fast\n", 2, "rate_limit" },
	{ "[server]\n\nrate_burst = 0\n", 3, "rate_burst" },
	{ "[server]\naddress = example.org\n", 2, "address" },
	{ "[server]\naddress = ,\n", 2, "address" },
	{ "[server]\nhostname = bad host\n", 2, "hostname" },
	{ "[server]\nprot = 1965\n", 2, "prot" },
	{ "[server]\nport = 1965\nport = 1966\n", 3, "port" },
	{ "[srever]\nport = 1965\n", 1, "srever" },
	{ "[empty]\n", 1, "empty" },
	{ "port = 1965\n", 1, "port" },
	{ "[tls]\npassword = x\n", 2, "password" },
	{ "[capsule]\nroot = no-such-dir\n", 2, "root" },
	{ "[capsule]\narticles = ../outside\n", 2, "articles" },
	{ "[capsule]\narticles = /abs\n", 2, "articles" },
	{ "[capsule]\nlang = ja;en\n", 2, "lang" },
	{ "[log]\nlevel = loud\n", 2, "level" },
	{ "[log]\nrotate = daily\n", 2, "rotate" },
	{ "[server]\n\nproxy_protocol = yes\n", 3, "proxy_protocol" },
	{ "[server]\nproxy_protocol = On\n", 2, "proxy_protocol" },
	{ "[server]\nproxy_protocol =\n", 2, "proxy_protocol" },
	{ "[server]\nproxy_protocol = on\nproxy_protocol = off\n", 3,
	  "proxy_protocol" },
	{ "[log]\nlog_ip = 0\n", 2, "log_ip" },
	{ "[log]\n; privacy\nlog_ip = no\n", 3, "log_ip" },
	{ "[server]\nlog_ip = off\n", 2, "log_ip" },
	{ "[server]\nthis line has no equals sign\n", 2, "line" },
	{ "[server]\nport = 1965\n[tls\n", 3, "line" },
};

static void
test_bad_values_name_file_and_line(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512], where[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		write_config(bad_cases[i].text);
		if (config_load(path, &cfg, err, sizeof(err)) != -1)
			fail_msg("case %zu loaded: %s", i, bad_cases[i].text);
		snprintf(where, sizeof(where), "%s:%d: ", path,
		    bad_cases[i].line);
		if (strncmp(err, where, strlen(where)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"",
			    i, err, where);
		if (strstr(err, bad_cases[i].words) == NULL)
			fail_msg("case %zu: \"%s\" does not mention \"%s\"",
			    i, err, bad_cases[i].words);
	}
}

static void
test_over_long_line_is_refused_not_split(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char text[1024], err[512], where[160];

	(void)state;
	/* inih's buffer is 200 bytes: a longer value must not be cut. */
	snprintf(text, sizeof(text), "[server]\nhostname = %0300d\n", 0);
	write_config(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(where, sizeof(where), "%s:2: ", path);
	assert_memory_equal(err, where, strlen(where));
}

/* Found by fuzzing: a NUL used to hide the rest of its line from the
 * length check, and a BOM used to hide an unknown section. */
static void
test_nul_and_bom_cannot_hide_anything(void **state)
{
	static const char nul_text[] = "[capsule]\nroot = /\n; x\0yy\n"
	    "[server]\nport = 80\n";
	static struct config cfg;   /* large: not on the stack */
	char err[512], where[160];
	FILE *f;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(nul_text, 1, sizeof(nul_text) - 1, f);
	fclose(f);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(where, sizeof(where), "%s:3: ", path);
	assert_memory_equal(err, where, strlen(where));

	write_config("\xef\xbb\xbf[bogus]\n[capsule]\nroot = /\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bogus"));
}

/* inih reads an indented line as more of the value above it: config.c
 * takes the indent off first, so an indented key is a key of its own and
 * an indented word is refused, never glued onto the value before it. */
static void
test_indented_line_is_not_a_continuation(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512], where[160];

	(void)state;
	write_config("[server]\nhostname = a.example\n  port = 1966\n"
	    "\tuser = gemini\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.hosts[0].name, "a.example");
	assert_int_equal(cfg.port, 1966);
	assert_string_equal(cfg.user, "gemini");

	write_config("[capsule]\nlang = ja\n  en\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(where, sizeof(where), "%s:3: not a [section]", path);
	assert_memory_equal(err, where, strlen(where));
}

static void
test_missing_default_root_is_an_error(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512], capsule[160];

	(void)state;
	snprintf(capsule, sizeof(capsule), "%s/capsule", dir);
	rmdir(capsule);
	write_config("[server]\nport = 1965\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "root"));
	/* The default is on no line of the file: "FILE: ...", no ":LINE". */
	snprintf(capsule, sizeof(capsule), "%s: [capsule] root", path);
	assert_memory_equal(err, capsule, strlen(capsule));
	snprintf(capsule, sizeof(capsule), "%s/capsule", dir);
	mkdir(capsule, 0755);
}

static void
test_missing_file_is_an_error(void **state)
{
	static struct config cfg;   /* large: not on the stack */
	char err[512];

	(void)state;
	assert_int_equal(config_load("/nonexistent/kizuna.ini", &cfg, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/kizuna.ini"));
}

/* ---- [host "NAME"] sections ------------------------------------------- */

/* "DIR/rel", the absolute form of a path the config names relatively. */
static const char *
in_dir(const char *rel)
{
	static char buf[4][256];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, rel);
	return b;
}

/* A config without [host] sections is one host, as it always was. */
static void
test_no_host_sections_is_one_host(void **state)
{
	static struct config cfg;
	char err[512];

	(void)state;
	write_config("[server]\nhostname = Example.ORG\nport = 1966\n"
	    "user = gemini\n[capsule]\nroot = a\nlang = en\n"
	    "[log]\naccess = off\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nhosts, 1);
	assert_int_equal(cfg.default_host, 0);
	assert_int_equal(cfg.has_host_sections, 0);
	assert_int_equal(cfg.hosts[0].line, 0);
	assert_string_equal(cfg.hosts[0].name, "example.org");
	assert_int_equal(cfg.hosts[0].naliases, 0);
	assert_string_equal(cfg.hosts[0].root, in_dir("a"));
	assert_string_equal(cfg.hosts[0].articles, "articles");
	assert_string_equal(cfg.hosts[0].lang, "en");
	assert_string_equal(cfg.hosts[0].cert, in_dir("certs/cert.pem"));
	assert_string_equal(cfg.hosts[0].key, in_dir("certs/key.pem"));
	assert_int_equal(cfg.port_line, 3);
	assert_int_equal(cfg.user_line, 4);
	assert_int_equal(cfg.access_line, 9);

	write_config("; nothing set\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nhosts, 1);
	assert_int_equal(cfg.port_line, 0);
	assert_int_equal(cfg.user_line, 0);
	assert_int_equal(cfg.access_line, 0);
}

/* Two hosts: what each sets, and what each gets when it does not say. */
static void
test_two_hosts_keys_and_defaults(void **state)
{
	static struct config cfg;
	const struct config_host *a, *b;
	char err[512];

	(void)state;
	write_config(
	    "[server]\n"                        /* 1 */
	    "port = 1966\n"
	    "\n"
	    "[host \"A.Example\"]\n"            /* 4 */
	    "root = a\n"
	    "aliases = www.a.example\n"
	    "lang = fr\n"
	    "key = /etc/kizuna/a.key\n"
	    "\n"
	    "[host  \t\"b.example\"]\n"         /* 10 */
	    "root = b\n"
	    "cert = b.pem\n"
	    "articles = texts\n"
	    "\n"
	    "; the defaults of every host, read after them\n"
	    "[capsule]\n"
	    "lang = en\n"
	    "articles = posts\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.has_host_sections, 1);
	assert_int_equal(cfg.nhosts, 2);
	assert_int_equal(cfg.default_host, 0);   /* none says: the first */
	assert_int_equal(cfg.port, 1966);
	a = &cfg.hosts[0];
	b = &cfg.hosts[1];
	assert_string_equal(a->name, "a.example");
	assert_int_equal(a->line, 4);
	assert_int_equal(a->naliases, 1);
	assert_string_equal(a->aliases[0], "www.a.example");
	assert_string_equal(a->root, in_dir("a"));
	assert_string_equal(a->articles, "posts");
	assert_string_equal(a->lang, "fr");
	assert_string_equal(a->cert, in_dir("certs/a.example/cert.pem"));
	assert_string_equal(a->key, "/etc/kizuna/a.key");
	assert_string_equal(b->name, "b.example");
	assert_int_equal(b->line, 10);
	assert_int_equal(b->naliases, 0);
	assert_string_equal(b->root, in_dir("b"));
	assert_string_equal(b->articles, "texts");
	assert_string_equal(b->lang, "en");
	assert_string_equal(b->cert, in_dir("b.pem"));
	assert_string_equal(b->key, in_dir("certs/b.example/key.pem"));

	/* Without [capsule], the usual defaults. */
	write_config("[host \"a.example\"]\nroot = a\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nhosts, 1);
	assert_string_equal(cfg.hosts[0].articles, "articles");
	assert_string_equal(cfg.hosts[0].lang, "ja");
	assert_int_equal(cfg.hosts[0].line, 1);
}

/* [tls] ticket_keys: server-wide, a path resolved as any other, and
 * allowed beside [host] sections (whose hosts share the keys). */
static void
test_ticket_keys(void **state)
{
	static struct config cfg;
	char err[512];

	(void)state;
	write_config("[tls]\nticket_keys = tickets/keys\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.ticket_keys, in_dir("tickets/keys"));
	write_config("[tls]\nticket_keys = /etc/kizuna/tickets\n"
	    "[host \"a.example\"]\nroot = a\n[host \"b.example\"]\n"
	    "root = b\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nhosts, 2);
	assert_string_equal(cfg.ticket_keys, "/etc/kizuna/tickets");
	write_config("[host \"a.example\"]\nroot = a\n[tls]\n"
	    "ticket_keys = /k\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.ticket_keys, "/k");
	write_config("[tls]\nticket_keys =\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: [tls] ticket_keys: "));
}

/* The host for clients without SNI: the one that says so, else the first. */
static void
test_default_host(void **state)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "[host \"a\"]\nroot = a\n[host \"b\"]\nroot = b\n", 0 },
		{ "[host \"a\"]\nroot = a\n[host \"b\"]\nroot = b\n"
		  "default = on\n", 1 },
		{ "[host \"a\"]\nroot = a\ndefault = off\n[host \"b\"]\n"
		  "root = b\ndefault = off\n", 0 },
		{ "[host \"a\"]\nroot = a\ndefault = off\n[host \"b\"]\n"
		  "root = b\n[host \"c\"]\nroot = a\ndefault = on\n", 2 },
	};
	static struct config cfg;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_config(cases[i].text);
		if (config_load(path, &cfg, err, sizeof(err)) == -1)
			fail_msg("case %zu: %s", i, err);
		if (cfg.default_host != cases[i].want)
			fail_msg("case %zu: default host %d, not %d", i,
			    cfg.default_host, cases[i].want);
	}
}

/* Aliases as written, and as stored: lowercased, IPv6 without brackets. */
static void
test_aliases_are_stored_plain(void **state)
{
	static const struct {
		const char *written;
		const char *stored;
	} cases[] = {
		{ "WWW.Example.ORG", "www.example.org" },
		{ "192.0.2.1", "192.0.2.1" },
		{ "2001:DB8::1", "2001:db8::1" },
		{ "[2001:db8::2]", "2001:db8::2" },
		{ "[::FFFF:192.0.2.9]", "::ffff:192.0.2.9" },
		{ "gemini-1.example.", "gemini-1.example" },
		{ "localhost", "localhost" },
	};
	static struct config cfg;
	char text[1024], err[512];
	size_t i, n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text),
	    "[host \"example.org\"]\nroot = a\naliases =");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s %s",
		    i > 0 ? "," : "", cases[i].written);
	snprintf(text + n, sizeof(text) - n, "\n");
	write_config(text);
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.hosts[0].naliases,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(cfg.hosts[0].aliases[i], cases[i].stored);

	/* A host may be named by an IP address. */
	write_config("[host \"2001:DB8::7\"]\nroot = a\n"
	    "[host \"192.0.2.7\"]\nroot = b\naliases = [::1]\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_string_equal(cfg.hosts[0].name, "2001:db8::7");
	assert_string_equal(cfg.hosts[1].name, "192.0.2.7");
	assert_string_equal(cfg.hosts[1].aliases[0], "::1");
}

/* A bad file, the line its error must name, and the message after it. */
struct host_case {
	const char *text;
	int line;
	const char *message;
};

static const struct host_case host_cases[] = {
	/* Each host says where it is served from. */
	{ "[host \"a.example\"]\nroot = a\n\n[host \"b.example\"]\n"
	  "lang = en\n", 4,
	  "[host \"b.example\"]: no root (the folder this capsule is served "
	  "from)" },
	{ "[host \"a.example\"]\n[capsule]\nlang = en\n", 1,
	  "[host \"a.example\"]: no root (the folder this capsule is served "
	  "from)" },
	/* Every name and alias once, in all hosts. */
	{ "[host \"a.example\"]\nroot = a\n[host \"A.EXAMPLE\"]\nroot = b\n",
	  3, "[host \"A.EXAMPLE\"]: \"a.example\" is already a name of "
	  "[host \"a.example\"] (line 1)" },
	{ "[host \"a.example\"]\nroot = a\naliases = b.example\n"
	  "[host \"b.example\"]\nroot = b\n", 4,
	  "[host \"b.example\"]: \"b.example\" is already a name of "
	  "[host \"a.example\"] (line 1)" },
	{ "[host \"a.example\"]\nroot = a\n[host \"b.example\"]\nroot = b\n"
	  "aliases = www.b.example, A.example\n", 5,
	  "[host \"b.example\"] aliases: \"a.example\" is already a name of "
	  "[host \"a.example\"] (line 1)" },
	{ "[host \"a.example\"]\nroot = a\naliases = w.example, w.example\n",
	  3, "[host \"a.example\"] aliases: \"w.example\" is already a name of "
	  "[host \"a.example\"] (line 1)" },
	{ "[host \"a.example\"]\nroot = a\naliases = A.example.\n", 3,
	  "[host \"a.example\"] aliases: \"a.example\" is already a name of "
	  "[host \"a.example\"] (line 1)" },
	{ "[host \"a.example\"]\nroot = a\naliases = ::1\n"
	  "[host \"b.example\"]\nroot = b\naliases = [0:0::1]\n", 6,
	  "[host \"b.example\"] aliases: \"0:0::1\" is already a name of "
	  "[host \"a.example\"] (line 1)" },
	{ "[host \"a.example\"]\nroot = a\naliases = a1, a2, a3, a4, a5, a6, "
	  "a7, a8, a9\n", 3,
	  "[host \"a.example\"] aliases: more than 8 aliases" },
	{ "[host \"a.example\"]\nroot = a\naliases = ,\n", 3,
	  "[host \"a.example\"] aliases: no alias given" },
	{ "[host \"a.example\"]\nroot = a\naliases = a_b.example\n", 3,
	  "[host \"a.example\"] aliases: \"a_b.example\" is not a host name "
	  "or IP address" },
	{ "[host \"a.example\"]\nroot = a\naliases = [192.0.2.1]\n", 3,
	  "[host \"a.example\"] aliases: \"[192.0.2.1]\" is not a host name "
	  "or IP address" },
	/* At most one default. */
	{ "[host \"a.example\"]\nroot = a\ndefault = on\n[host \"b.example\"]\n"
	  "root = b\ndefault = on\n", 6,
	  "[host \"b.example\"] default: [host \"a.example\"] is the default "
	  "already (line 3)" },
	{ "[host \"a.example\"]\nroot = a\ndefault = yes\n", 3,
	  "[host \"a.example\"] default: \"yes\" is not on or off" },
	/* What each host has its own of is not the one host's any more,
	 * whether written before the first [host] or after. */
	{ "[server]\nhostname = example.org\n[host \"a.example\"]\nroot = a\n",
	  2, "[server] hostname: with [host] sections, each host is named by "
	  "its section: move it into one" },
	{ "[host \"a.example\"]\nroot = a\n[server]\nport = 1966\n"
	  "hostname = example.org\n", 5,
	  "[server] hostname: with [host] sections, each host is named by "
	  "its section: move it into one" },
	{ "[tls]\nkey = k.pem\ncert = c.pem\n[host \"a.example\"]\nroot = a\n",
	  2, "[tls] key: with [host] sections, each host has its own key: "
	  "move it into its [host] section" },
	{ "[host \"a.example\"]\nroot = a\n[tls]\ncert = c.pem\n", 4,
	  "[tls] cert: with [host] sections, each host has its own cert: "
	  "move it into its [host] section" },
	{ "[capsule]\nlang = en\nroot = capsule\n[host \"a.example\"]\n"
	  "root = a\n", 3,
	  "[capsule] root: with [host] sections, each host has its own root: "
	  "move it into its [host] section" },
	/* Headers. */
	{ "[host \"a b\"]\nroot = a\n", 1,
	  "[host \"a b\"]: \"a b\" is not a host name or IP address" },
	{ "[host \"\"]\nroot = a\n", 1,
	  "[host \"\"]: \"\" is not a host name or IP address" },
	{ "[host]\nroot = a\n", 1,
	  "[host]: a host section is written [host \"NAME\"], NAME a host "
	  "name or IP address (without brackets)" },
	{ "[host a.example]\nroot = a\n", 1,
	  "[host a.example]: a host section is written [host \"NAME\"], NAME "
	  "a host name or IP address (without brackets)" },
	{ "[host \"a.example\" ]\nroot = a\n", 1,
	  "[host \"a.example\" ]: a host section is written [host \"NAME\"], "
	  "NAME a host name or IP address (without brackets)" },
	{ "[host \"[::1]\"]\nroot = a\n", 1,
	  "[host \"[::1]: a host section is written [host \"NAME\"], NAME a "
	  "host name or IP address (without brackets)" },
	{ "[hosts]\n", 1,
	  "[hosts]: unknown section (known: server, tls, capsule, log, "
	  "host \"NAME\", location \"PREFIX\")" },
	/* A host's keys. */
	{ "[host \"a.example\"]\nroot = a\nport = 1966\n", 3,
	  "[host \"a.example\"] port: unknown key" },
	{ "[host \"a.example\"]\nroot = a\nhostname = a.example\n", 3,
	  "[host \"a.example\"] hostname: unknown key" },
	{ "[host \"a.example\"]\nroot = a\nlang = en\nlang = fr\n", 4,
	  "[host \"a.example\"] lang: set twice" },
	{ "[host \"a.example\"]\nroot = no-such-dir\n", 2, NULL },
	{ "[host \"a.example\"]\nroot = a\narticles = ../b\n", 3,
	  "[host \"a.example\"] articles: \"../b\" is not a folder inside the "
	  "root" },
	{ "[host \"a.example\"]\nroot = a\ncert =\n", 3,
	  "[host \"a.example\"] cert: \"\" is not a usable path" },
	{ "[server]\naliases = a.example\n", 2,
	  "[server] aliases: unknown key" },
	{ "[capsule]\ndefault = on\n", 2, "[capsule] default: unknown key" },
};

static void
test_host_errors_name_file_and_line(void **state)
{
	static struct config cfg;
	char err[512], want[768], nodir[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		write_config(host_cases[i].text);
		if (config_load(path, &cfg, err, sizeof(err)) != -1)
			fail_msg("case %zu loaded: %s", i, host_cases[i].text);
		if (host_cases[i].message != NULL)
			snprintf(want, sizeof(want), "%s:%d: %s", path,
			    host_cases[i].line, host_cases[i].message);
		else {
			snprintf(nodir, sizeof(nodir), "%s/no-such-dir", dir);
			snprintf(want, sizeof(want), "%s:%d: [host \"a.example\"] "
			    "root: %s: No such file or directory", path,
			    host_cases[i].line, nodir);
		}
		if (strcmp(err, want) != 0)
			fail_msg("case %zu:\n got \"%s\"\nwant \"%s\"", i, err,
			    want);
	}
}

/* At most CONFIG_MAX_HOSTS hosts: the next one is refused at its header. */
static void
test_too_many_hosts(void **state)
{
	static struct config cfg;
	static char text[8192];
	char err[512], want[256];
	size_t n = 0;
	int i;

	(void)state;
	for (i = 0; i < CONFIG_MAX_HOSTS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "[host \"h%d.example\"]\nroot = a\n", i);
	write_config(text);
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.nhosts, CONFIG_MAX_HOSTS);
	snprintf(text + n, sizeof(text) - n, "[host \"one-more.example\"]\n"
	    "root = a\n");
	write_config(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%d: [host \"one-more.example\"]: "
	    "more than %d hosts", path, 2 * CONFIG_MAX_HOSTS + 1,
	    CONFIG_MAX_HOSTS);
	assert_string_equal(err, want);
}

/* ---- values of [location] keys (config_value.c) ---------------------- */

static void
test_prefix_syntax(void **state)
{
	static const struct {
		const char *in;
		const char *why;   /* NULL: a prefix */
	} cases[] = {
		{ "/", NULL },
		{ "/docs", NULL },
		{ "/docs/", NULL },
		{ "/a/b c/", NULL },
		{ "/日記/", NULL },
		{ "/a.b/..c/...", NULL },
		{ "", "it must start with '/'" },
		{ "docs/", "it must start with '/'" },
		{ "/a/../b", "it has a \".\" or \"..\" segment" },
		{ "/a/..", "it has a \".\" or \"..\" segment" },
		{ "/./a", "it has a \".\" or \"..\" segment" },
		{ "/a//b", "it has \"//\"" },
		{ "//", "it has \"//\"" },
		{ "/a?b", "it has '?' or '#', which a request's path never has" },
		{ "/a#b", "it has '?' or '#', which a request's path never has" },
		{ "/a*", "'*' may only end it" },
		{ "/a*/b", "'*' may only end it" },
		{ "/a\tb", "it has a control character" },
		{ "/a\x7f", "it has a control character" },
	};
	const char *why;
	size_t i;
	int rv;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		rv = config_value_prefix(cases[i].in, &why);
		if (cases[i].why == NULL ? rv != 0 :
		    rv != -1 || strcmp(why, cases[i].why) != 0)
			fail_msg("case %zu \"%s\": %d \"%s\"", i, cases[i].in,
			    rv, why != NULL ? why : "");
	}
}

static void
test_absolute_path_syntax(void **state)
{
	static const struct {
		const char *cwd, *in, *out;   /* out NULL: does not fit */
	} cases[] = {
		{ "/srv", "c.ini", "/srv/c.ini" },
		{ "/srv", "./c.ini", "/srv/c.ini" },
		{ "/srv", "././conf/c.ini", "/srv/conf/c.ini" },
		{ "/srv/", "c.ini", "/srv/c.ini" },
		{ "/", "c.ini", "/c.ini" },
		{ "/srv", "/etc/c.ini", "/etc/c.ini" },
		/* Lexical only: ".." and symlinks are the kernel's to follow. */
		{ "/srv/a", "../b/c.ini", "/srv/a/../b/c.ini" },
		{ "/srv", ".hidden/c.ini", "/srv/.hidden/c.ini" },
		{ "/srv", "logs/access.log", "/srv/logs/access.log" },
		{ "/a-long-directory", "c.ini", "/a-long-directory/c.ini" },
		{ "/a-longer-directory", "c.ini", NULL },   /* 25 and its NUL */
	};
	char out[24];
	size_t i;
	int rv;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		rv = config_value_absolute(cases[i].cwd, cases[i].in, out,
		    sizeof(out));
		if (cases[i].out == NULL ? rv != -1 :
		    rv != 0 || strcmp(out, cases[i].out) != 0)
			fail_msg("case %zu \"%s\" in \"%s\": %d \"%.*s\"", i,
			    cases[i].in, cases[i].cwd, rv, (int)sizeof(out),
			    out);
	}
}

/*
 * Issue 15: with "-c c.ini" (a relative path) every path came out
 * relative too ("./logs/access.log"), and Landlock, given only absolute
 * folders, could not reopen the log. Every path is absolute once loaded.
 */
static void
test_relative_config_path_gives_absolute_paths(void **state)
{
	static struct config cfg;
	char err[512], cwd[512];

	(void)state;
	write_config("[log]\naccess = logs/access.log\n[capsule]\nroot = a\n");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(config_load("config.ini", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.path, in_dir("config.ini"));
	assert_string_equal(cfg.access_log, in_dir("logs/access.log"));
	assert_string_equal(cfg.hosts[0].root, in_dir("a"));
	assert_string_equal(cfg.hosts[0].cert, in_dir("certs/cert.pem"));
	assert_int_equal(config_load("./config.ini", &cfg, err, sizeof(err)),
	    0);
	assert_string_equal(cfg.access_log, in_dir("logs/access.log"));
	assert_int_equal(chdir(cwd), 0);
}

static void
test_extension_and_media_type_syntax(void **state)
{
	static const struct {
		const char *in, *ext, *type;   /* NULL: refused */
	} cases[] = {
		{ ".md", ".md", NULL },
		{ ".MD", ".md", NULL },
		{ ".tar.gz", ".tar.gz", NULL },
		{ ".c++", ".c++", NULL },
		{ ".a_b-c", ".a_b-c", NULL },
		{ "md", NULL, NULL },
		{ ".", NULL, NULL },
		{ "", NULL, NULL },
		{ ".m d", NULL, NULL },
		{ ".m/d", NULL, NULL },
		{ ".0123456789012345678901234567890", NULL, NULL },
		{ "text/markdown", NULL, "text/markdown" },
		{ "Text/Org", NULL, "text/org" },
		{ "application/vnd.api+json", NULL, "application/vnd.api+json" },
		{ "image/svg+xml", NULL, "image/svg+xml" },
		{ "text", NULL, NULL },
		{ "text/", NULL, NULL },
		{ "/markdown", NULL, NULL },
		{ "text/mark down", NULL, NULL },
		{ "text/a/b", NULL, NULL },
		{ "text/.md", NULL, NULL },
		{ "text/plain;charset=utf-8", NULL, NULL },
	};
	char out[128];
	size_t i;
	int rv;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rv = config_value_extension(cases[i].in, out, 32);
		if (cases[i].ext == NULL ? rv != -1 :
		    rv != 0 || strcmp(out, cases[i].ext) != 0)
			fail_msg("case %zu: extension \"%s\": %d", i,
			    cases[i].in, rv);
		rv = config_value_media_type(cases[i].in, out, sizeof(out));
		if (cases[i].type == NULL ? rv != -1 :
		    rv != 0 || strcmp(out, cases[i].type) != 0)
			fail_msg("case %zu: media type \"%s\": %d", i,
			    cases[i].in, rv);
	}
}

/* 32 bytes 00 11 ... ff 00 11 ... ff, as kizuna logs them and otherwise. */
#define FP_COLONS "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:" \
	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
#define FP_HEX "00112233445566778899aabbccddeeff" \
	"00112233445566778899aabbccddeeff"

static const unsigned char fp_bytes[32] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static void
test_fingerprint_syntax(void **state)
{
	static const struct {
		const char *in;
		int ok;
	} cases[] = {
		{ FP_COLONS, 1 },
		{ "SHA256:" FP_COLONS, 1 },
		{ "sha256:" FP_COLONS, 1 },
		{ "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		  "00:11:22:33:44:55:66:77:88:99:Aa:bB:cc:dd:ee:ff", 1 },
		{ FP_HEX, 1 },
		{ "SHA256:" FP_HEX, 1 },
		{ "", 0 },
		{ "SHA256:", 0 },
		{ "00:11", 0 },
		{ FP_COLONS ":00", 0 },
		{ FP_HEX "00", 0 },
		{ "0" FP_HEX, 0 },
		{ "SHA1:" FP_HEX, 0 },
		{ "g0112233445566778899aabbccddeeff"
		  "00112233445566778899aabbccddeeff", 0 },
		{ "00-11-22-33-44-55-66-77-88-99-AA-BB-CC-DD-EE-FF-"
		  "00-11-22-33-44-55-66-77-88-99-AA-BB-CC-DD-EE-FF", 0 },
		{ "0:011:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
		  "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", 0 },
		{ " " FP_HEX, 0 },
	};
	unsigned char out[32];
	size_t i;
	int rv;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 0x5a, sizeof(out));
		rv = config_value_fingerprint(cases[i].in, out);
		if (cases[i].ok ? rv != 0 ||
		    memcmp(out, fp_bytes, sizeof(out)) != 0 : rv != -1)
			fail_msg("case %zu \"%s\": %d", i, cases[i].in, rv);
	}
}

/* ---- [location "PREFIX"] sections -------------------------------------- */

#define FP2_HEX "ffeeddccbbaa99887766554433221100" \
	"ffeeddccbbaa99887766554433221100"

/* Every key, as written and as stored; what a location leaves unset. */
static void
test_locations_are_read(void **state)
{
	static struct config cfg;
	const struct config_location *l;
	char err[512];

	(void)state;
	write_config(
	    "[location \"/\"]\n"                             /* 1 */
	    "lang = en\n"
	    "\n"
	    "[location  \t\"/docs/\"]\n"                     /* 4 */
	    "listing = on\n"
	    "types = .md text/markdown, .ORG Text/Org\n"
	    "types = .tar.gz application/gzip\n"
	    "\n"
	    "[location \"/old/*\"]\n"                        /* 9 */
	    "redirect = 31 gemini://other.example:1966/new/\n"
	    "\n"
	    "[location \"/moved\"]\n"                        /* 12 */
	    "redirect = 30   /elsewhere/*\n"
	    "listing = off\n"
	    "\n"
	    "[location \"/private/\"]\n"                     /* 16 */
	    "require_certificate = on\n"
	    "allow = " FP_COLONS "\n"
	    "allow = sha256:" FP2_HEX "\n"
	    "\n"
	    "[location \"/gone\"]\n"                         /* 21 */
	    "block = 52\n"
	    "require_certificate = off\n"
	    "[location \"/empty/\"]\n"                       /* 24 */
	    "[server]\n"
	    "port = 1966\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.port, 1966);
	assert_int_equal(cfg.nlocations, 7);

	l = &cfg.locations[0];
	assert_string_equal(l->host, "");
	assert_string_equal(l->prefix, "/");
	assert_int_equal(l->line, 1);
	assert_int_equal(l->wildcard, 0);
	assert_string_equal(l->lang, "en");
	assert_int_equal(l->listing, -1);
	assert_int_equal(l->redirect_status, 0);
	assert_string_equal(l->redirect, "");
	assert_int_equal(l->redirect_wildcard, 0);
	assert_int_equal(l->ntypes, 0);
	assert_int_equal(l->require_certificate, -1);
	assert_int_equal(l->nallow, 0);
	assert_int_equal(l->block, 0);

	l = &cfg.locations[1];
	assert_string_equal(l->prefix, "/docs/");
	assert_int_equal(l->line, 4);
	assert_int_equal(l->listing, 1);
	assert_string_equal(l->lang, "");
	/* Lists add up over their lines. */
	assert_int_equal(l->ntypes, 3);
	assert_string_equal(l->types[0].ext, ".md");
	assert_string_equal(l->types[0].type, "text/markdown");
	assert_string_equal(l->types[1].ext, ".org");
	assert_string_equal(l->types[1].type, "text/org");
	assert_string_equal(l->types[2].ext, ".tar.gz");
	assert_string_equal(l->types[2].type, "application/gzip");

	/* A wildcard prefix appends the rest of the path to its target. */
	l = &cfg.locations[2];
	assert_string_equal(l->prefix, "/old/");
	assert_int_equal(l->line, 9);
	assert_int_equal(l->wildcard, 1);
	assert_int_equal(l->redirect_status, 31);
	assert_string_equal(l->redirect,
	    "gemini://other.example:1966/new/");
	assert_int_equal(l->redirect_wildcard, 1);

	/* So does a target written with '*'. */
	l = &cfg.locations[3];
	assert_string_equal(l->prefix, "/moved");
	assert_int_equal(l->wildcard, 0);
	assert_int_equal(l->redirect_status, 30);
	assert_string_equal(l->redirect, "/elsewhere/");
	assert_int_equal(l->redirect_wildcard, 1);
	assert_int_equal(l->listing, 0);

	l = &cfg.locations[4];
	assert_int_equal(l->require_certificate, 1);
	assert_int_equal(l->nallow, 2);
	assert_memory_equal(l->allow[0], fp_bytes, 32);
	assert_int_equal(l->allow[1][0], 0xff);
	assert_int_equal(l->allow[1][31], 0x00);

	l = &cfg.locations[5];
	assert_string_equal(l->prefix, "/gone");
	assert_int_equal(l->block, 52);
	assert_int_equal(l->require_certificate, 0);

	/* A location may set nothing. */
	l = &cfg.locations[6];
	assert_string_equal(l->prefix, "/empty/");
	assert_int_equal(l->line, 24);
	assert_int_equal(l->listing, -1);
	assert_int_equal(l->require_certificate, -1);

	/* None at all. */
	write_config("[server]\nport = 1966\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.nlocations, 0);
}

/* [location "HOST/PREFIX"]: the host is known by any of its names, its
 * section may come later, and is stored as the host's name. */
static void
test_locations_of_one_host(void **state)
{
	static struct config cfg;
	char err[512], want[512];

	(void)state;
	write_config(
	    "[location \"WWW.A.example/docs\"]\n"
	    "listing = on\n"
	    "[location \"a.example/docs\"]\n"   /* not the same: that is */
	    "lang = en\n"
	    "[location \"/docs\"]\n"
	    "[location \"2001:db8::1/x\"]\n"
	    "[host \"a.example\"]\n"
	    "root = a\n"
	    "aliases = www.a.example\n"
	    "[host \"b.example\"]\n"
	    "root = b\n"
	    "aliases = [2001:DB8:0::1]\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: [location "
	    "\"a.example/docs\"]: same host and prefix as [location "
	    "\"a.example/docs\"] (line 1)", path);
	assert_string_equal(err, want);

	write_config(
	    "[location \"WWW.A.example/docs\"]\n"
	    "listing = on\n"
	    "[location \"/docs\"]\n"
	    "[location \"2001:db8::1/x*\"]\n"
	    "[host \"a.example\"]\n"
	    "root = a\n"
	    "aliases = www.a.example\n"
	    "[host \"b.example\"]\n"
	    "root = b\n"
	    "aliases = [2001:DB8:0::1]\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.nlocations, 3);
	assert_string_equal(cfg.locations[0].host, "a.example");
	assert_string_equal(cfg.locations[0].prefix, "/docs");
	assert_string_equal(cfg.locations[1].host, "");
	assert_string_equal(cfg.locations[2].host, "b.example");
	assert_string_equal(cfg.locations[2].prefix, "/x");
	assert_int_equal(cfg.locations[2].wildcard, 1);

	/* Without [host] sections, the one host is [server] hostname's,
	 * wherever it is set. */
	write_config("[location \"Example.org/\"]\nlang = en\n"
	    "[server]\nhostname = example.ORG\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_string_equal(cfg.locations[0].host, "example.org");
	write_config("[location \"localhost/\"]\nlang = en\n");
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_string_equal(cfg.locations[0].host, "localhost");
}

/* Redirects that are no chain: to another server, to a blocked path, or
 * where a host's own location stands in the way. */
static void
test_redirects_that_do_not_chain(void **state)
{
	static const char *const texts[] = {
		"[location \"/old\"]\n"
		"redirect = 31 gemini://other.example/old\n"
		"[location \"/x\"]\nredirect = 31 gemini://other.example/x\n",
		"[location \"/old/*\"]\nredirect = 31 /new/\n"
		"[location \"/new/\"]\nblock = 51\n",
		"[location \"/old/*\"]\nredirect = 31 /new/\n"
		"[location \"/new/x/\"]\nredirect = 31 /other/\n",
		/* /old on a.example is blocked: the redirect never goes
		 * there, and so on to a.example's /new. */
		"[host \"a.example\"]\nroot = a\n[host \"b.example\"]\n"
		"root = b\n"
		"[location \"/old\"]\nredirect = 31 /new\n"
		"[location \"a.example/old\"]\nblock = 51\n"
		"[location \"a.example/new\"]\nredirect = 31 /newer\n",
		/* Not under its own prefix: /old is not /oldies. */
		"[location \"/old*\"]\nredirect = 31 /oldies/\n",
		"[location \"/a/b\"]\nredirect = 31 /a/\n",
		/* Without a wildcard, a redirect is its prefix's alone:
		 * /blog/2026/ and /new/x are not redirected. */
		"[location \"/blog\"]\nredirect = 31 /blog/2026/\n",
		"[location \"/new\"]\nredirect = 31 /newer\n"
		"[location \"/old\"]\nredirect = 31 /new/x\n",
	};
	static struct config cfg;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		write_config(texts[i]);
		if (config_load(path, &cfg, err, sizeof(err)) == -1)
			fail_msg("case %zu: %s", i, err);
	}
}

/* Lists over several lines: the one past the most is refused, at its
 * line. */
static void
test_location_lists_have_limits(void **state)
{
	static struct config cfg;
	static char text[8192];
	char err[512], want[512];
	size_t n;
	int i, j;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "[location \"/\"]\n"
	    "require_certificate = on\n");
	for (i = 0; i < CONFIG_MAX_ALLOW; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "allow = ");
		for (j = 0; j < 32; j++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "%02X", j == 0 ? i : j);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n");
	}
	write_config(text);
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.locations[0].nallow, CONFIG_MAX_ALLOW);
	assert_int_equal(cfg.locations[0].allow[31][0], 31);
	snprintf(text + n, sizeof(text) - n, "allow = " FP_HEX "\n");
	write_config(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%d: [location \"/\"] allow: more "
	    "than %d fingerprints", path, 3 + CONFIG_MAX_ALLOW,
	    CONFIG_MAX_ALLOW);
	assert_string_equal(err, want);

	n = (size_t)snprintf(text, sizeof(text), "[location \"/\"]\n");
	for (i = 0; i < CONFIG_MAX_TYPES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "types = .x%d text/x-%d\n", i, i);
	write_config(text);
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.locations[0].ntypes, CONFIG_MAX_TYPES);
	snprintf(text + n, sizeof(text) - n, "types = .y text/y, .z text/z\n");
	write_config(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%d: [location \"/\"] types: more "
	    "than %d types", path, 2 + CONFIG_MAX_TYPES, CONFIG_MAX_TYPES);
	assert_string_equal(err, want);

	n = 0;
	for (i = 0; i < CONFIG_MAX_LOCATIONS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "[location \"/l%d\"]\n", i);
	write_config(text);
	if (config_load(path, &cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(cfg.nlocations, CONFIG_MAX_LOCATIONS);
	snprintf(text + n, sizeof(text) - n, "[location \"/more\"]\n");
	write_config(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%d: [location \"/more\"]: more "
	    "than %d locations", path, CONFIG_MAX_LOCATIONS + 1,
	    CONFIG_MAX_LOCATIONS);
	assert_string_equal(err, want);
}

/* A bad file, the line its error must name, and the message after it. */
static const struct host_case location_cases[] = {
	/* Headers. */
	{ "[location]\n", 1,
	  "[location]: a location section is written [location \"PREFIX\"] "
	  "or [location \"HOST/PREFIX\"], PREFIX starting with '/'" },
	{ "[location /docs]\n", 1,
	  "[location /docs]: a location section is written "
	  "[location \"PREFIX\"] or [location \"HOST/PREFIX\"], PREFIX "
	  "starting with '/'" },
	{ "[location \"/a\"b\"]\n", 1,
	  "[location \"/a\"b\"]: a location section is written "
	  "[location \"PREFIX\"] or [location \"HOST/PREFIX\"], PREFIX "
	  "starting with '/'" },
	{ "[locations \"/\"]\n", 1,
	  "[locations \"/\"]: unknown section (known: server, tls, capsule, "
	  "log, host \"NAME\", location \"PREFIX\")" },
	{ "[location \"docs\"]\n", 1,
	  "[location \"docs\"]: \"docs\" is not a prefix: it must start "
	  "with '/' (or follow \"HOST\")" },
	{ "[location \"\"]\n", 1,
	  "[location \"\"]: \"\" is not a prefix: it must start with '/' "
	  "(or follow \"HOST\")" },
	{ "[server]\nport = 1966\n[location \"/a/../b\"]\n", 3,
	  "[location \"/a/../b\"]: \"/a/../b\" is not a prefix: it has a "
	  "\".\" or \"..\" segment" },
	{ "[location \"/a//b\"]\n", 1,
	  "[location \"/a//b\"]: \"/a//b\" is not a prefix: it has "
	  "\"//\"" },
	{ "[location \"/a?b\"]\n", 1,
	  "[location \"/a?b\"]: \"/a?b\" is not a prefix: it has '?' or "
	  "'#', which a request's path never has" },
	{ "[location \"/a*/b\"]\n", 1,
	  "[location \"/a*/b\"]: \"/a*/b\" is not a prefix: '*' may only "
	  "end it" },
	{ "[location \"/a**\"]\n", 1,
	  "[location \"/a**\"]: \"/a**\" is not a prefix: '*' may only "
	  "end it" },
	{ "[location \"*\"]\n", 1,
	  "[location \"*\"]: \"*\" is not a prefix: it must start with "
	  "'/' (or follow \"HOST\")" },
	{ "[location \"a_b.example/x\"]\n", 1,
	  "[location \"a_b.example/x\"]: \"a_b.example\" is not a host "
	  "name or IP address" },
	{ "[location \"/docs\"]\nlisting = on\n[location \"/docs\"]\n",
	  3, "[location \"/docs\"]: same prefix as [location \"/docs\"] "
	  "(line 1)" },
	{ "[location \"/docs\"]\n[location \"/docs*\"]\n", 2,
	  "[location \"/docs*\"]: same prefix as [location \"/docs\"] "
	  "(line 1)" },
	{ "[location \"localhost/docs\"]\n[location \"LocalHost/docs\"]\n",
	  2, "[location \"localhost/docs\"]: same host and prefix as "
	  "[location \"localhost/docs\"] (line 1)" },
	/* The host is one of this file's. */
	{ "[host \"a.example\"]\nroot = a\n[location \"b.example/x\"]\n"
	  "listing = on\n", 3,
	  "[location \"b.example/x\"]: \"b.example\" is not the name or an "
	  "alias of a [host]" },
	{ "[location \"b.example/x\"]\n[server]\nhostname = a.example\n", 1,
	  "[location \"b.example/x\"]: \"b.example\" is not [server] "
	  "hostname (\"a.example\")" },
	/* Keys. */
	{ "[location \"/x\"]\nindex = on\n", 2,
	  "[location \"/x\"] index: unknown key" },
	{ "[location \"/x\"]\nroot = a\n", 2,
	  "[location \"/x\"] root: unknown key" },
	{ "[location \"/x\"]\nlisting = yes\n", 2,
	  "[location \"/x\"] listing: \"yes\" is not on or off" },
	{ "[location \"/x\"]\nlisting = on\nlisting = off\n", 3,
	  "[location \"/x\"] listing: set twice" },
	{ "[location \"a.example/x*\"]\nlisting = on\nlisting = off\n"
	  "[host \"a.example\"]\nroot = a\n", 3,
	  "[location \"a.example/x*\"] listing: set twice" },
	{ "[location \"/x\"]\nlang = ja;en\n", 2,
	  "[location \"/x\"] lang: \"ja;en\" is not a BCP 47 language tag" },
	{ "[location \"/x\"]\nlang = \n", 2,
	  "[location \"/x\"] lang: \"\" is not a BCP 47 language tag" },
	{ "[location \"/x\"]\nblock = 53\n", 2,
	  "[location \"/x\"] block: \"53\" is not 51 or 52" },
	{ "[location \"/x\"]\nblock = 0\n", 2,
	  "[location \"/x\"] block: \"0\" is not 51 or 52" },
	{ "[location \"/x\"]\nrequire_certificate = 1\n", 2,
	  "[location \"/x\"] require_certificate: \"1\" is not on or off" },
	/* redirect */
	{ "[location \"/x\"]\nredirect = 32 /y\n", 2,
	  "[location \"/x\"] redirect: \"32 /y\" does not start with a "
	  "status, 30 or 31" },
	{ "[location \"/x\"]\nredirect = /y\n", 2,
	  "[location \"/x\"] redirect: \"/y\" does not start with a "
	  "status, 30 or 31" },
	{ "[location \"/x\"]\nredirect = 31\n", 2,
	  "[location \"/x\"] redirect: no target after the status: a "
	  "gemini:// URL or a path starting with '/'" },
	{ "[location \"/x\"]\nredirect = 31 y\n", 2,
	  "[location \"/x\"] redirect: \"y\": not a gemini:// URL with a "
	  "host, nor a path starting with '/'" },
	{ "[location \"/x\"]\nredirect = 31 https://example.org/\n", 2,
	  "[location \"/x\"] redirect: \"https://example.org/\": not a "
	  "gemini:// URL with a host, nor a path starting with '/'" },
	{ "[location \"/x\"]\nredirect = 31 //example.org/\n", 2,
	  "[location \"/x\"] redirect: \"//example.org/\": not a gemini:// "
	  "URL with a host, nor a path starting with '/'" },
	{ "[location \"/x\"]\nredirect = 31 gemini:///y\n", 2,
	  "[location \"/x\"] redirect: \"gemini:///y\": not a gemini:// "
	  "URL with a host, nor a path starting with '/'" },
	{ "[location \"/x\"]\nredirect = 31 gemini://u@example.org/\n", 2,
	  "[location \"/x\"] redirect: \"gemini://u@example.org/\": a "
	  "Gemini URL has no userinfo ('@')" },
	{ "[location \"/x\"]\nredirect = 31 gemini://example.org:70000/\n",
	  2, "[location \"/x\"] redirect: \"gemini://example.org:70000/\": "
	  "bad port" },
	{ "[location \"/x\"]\nredirect = 31 /y?q\n", 2,
	  "[location \"/x\"] redirect: \"/y?q\": a target has no query "
	  "('?') or fragment ('#')" },
	{ "[location \"/x\"]\nredirect = 31 /y#f\n", 2,
	  "[location \"/x\"] redirect: \"/y#f\": a target has no query "
	  "('?') or fragment ('#')" },
	{ "[location \"/x\"]\nredirect = 31 /y z\n", 2,
	  "[location \"/x\"] redirect: \"/y z\": space in URL" },
	{ "[location \"/x\"]\nredirect = 31 /a/../y\n", 2,
	  "[location \"/x\"] redirect: \"/a/../y\": its path has a \".\" "
	  "or \"..\" segment" },
	{ "[location \"/x\"]\nredirect = 31 /%2e%2E/y\n", 2,
	  "[location \"/x\"] redirect: \"/%2e%2E/y\": its path has a "
	  "\".\" or \"..\" segment" },
	{ "[location \"/x\"]\nredirect = 31 /%zz\n", 2, NULL },
	{ "[location \"/x\"]\nredirect = 31 /y\nredirect = 31 /z\n", 3,
	  "[location \"/x\"] redirect: set twice" },
	/* types */
	{ "[location \"/x\"]\ntypes = .md\n", 2,
	  "[location \"/x\"] types: \".md\" is not an extension and a type "
	  "(\".md text/markdown\")" },
	{ "[location \"/x\"]\ntypes = md text/markdown\n", 2,
	  "[location \"/x\"] types: \"md text/markdown\" is not an "
	  "extension and a type (\".md text/markdown\")" },
	{ "[location \"/x\"]\ntypes = .md text\n", 2,
	  "[location \"/x\"] types: \".md text\" is not an extension and a "
	  "type (\".md text/markdown\")" },
	{ "[location \"/x\"]\ntypes = .md text/markdown text/plain\n", 2,
	  "[location \"/x\"] types: \".md text/markdown text/plain\" is not "
	  "an extension and a type (\".md text/markdown\")" },
	{ "[location \"/x\"]\ntypes = .md text/markdown,, .MD text/plain\n",
	  2, "[location \"/x\"] types: \".md\" is given twice" },
	{ "[location \"/x\"]\ntypes = .md text/markdown\n"
	  "types = .md text/plain\n", 3,
	  "[location \"/x\"] types: \".md\" is given twice" },
	{ "[location \"/x\"]\ntypes = ,\n", 2,
	  "[location \"/x\"] types: nothing given: an extension and a type "
	  "(\".md text/markdown\") expected" },
	/* allow */
	{ "[location \"/x\"]\nrequire_certificate = on\nallow = xyz\n", 3,
	  "[location \"/x\"] allow: \"xyz\" is not a SHA-256 fingerprint" },
	{ "[location \"/x\"]\nrequire_certificate = on\nallow = " FP_HEX
	  ", 00:11\n", 3,
	  "[location \"/x\"] allow: \"00:11\" is not a SHA-256 "
	  "fingerprint" },
	{ "[location \"/x\"]\nrequire_certificate = on\nallow = " FP_HEX
	  "\nallow = SHA256:" FP_COLONS "\n", 4,
	  "[location \"/x\"] allow: \"SHA256:" FP_COLONS "\" is listed "
	  "twice" },
	{ "[location \"/x\"]\nallow =\n", 2,
	  "[location \"/x\"] allow: nothing given: a SHA-256 fingerprint "
	  "expected" },
	/* A location's rules together, at its header's line. */
	{ "[server]\nport = 1966\n[location \"/x\"]\nlisting = on\n"
	  "allow = " FP_HEX "\n", 3,
	  "[location \"/x\"]: allow needs require_certificate = on" },
	{ "[location \"/x\"]\nallow = " FP_HEX "\n"
	  "require_certificate = off\n", 1,
	  "[location \"/x\"]: allow needs require_certificate = on" },
	{ "[location \"/x\"]\nblock = 51\nredirect = 31 /y\n", 1,
	  "[location \"/x\"]: block and redirect both set: choose one" },
	/* Redirect chains. */
	{ "[location \"/old/*\"]\nredirect = 31 /new/\n\n"
	  "[location \"/new/\"]\nredirect = 31 /newer/\n", 1,
	  "[location \"/old/*\"]: redirect chains: /new/ is redirected by "
	  "[location \"/new/\"] (line 4)" },
	{ "[location \"/new*\"]\nredirect = 31 /newer/\n"
	  "[location \"/old\"]\nredirect = 30 /new/x\n", 3,
	  "[location \"/old\"]: redirect chains: /new/x is redirected by "
	  "[location \"/new*\"] (line 1)" },
	/* Below a redirected folder, a location without a redirect of its
	 * own is still redirected. */
	{ "[location \"/new/*\"]\nredirect = 31 /newer/\n"
	  "[location \"/new/keep/\"]\nlang = en\n"
	  "[location \"/old\"]\nredirect = 31 /new/keep/x\n", 5,
	  "[location \"/old\"]: redirect chains: /new/keep/x is redirected "
	  "by [location \"/new/*\"] (line 1)" },
	{ "[location \"/a\"]\nredirect = 31 /a\n", 1,
	  "[location \"/a\"]: redirect chains: /a is redirected by "
	  "[location \"/a\"] (line 1)" },
	{ "[location \"/a\"]\nredirect = 31 /a/b*\n", 1,
	  "[location \"/a\"]: redirect loops: /a/b is under this "
	  "location's own prefix /a" },
	{ "[location \"/a/\"]\nredirect = 31 /a/\n", 1,
	  "[location \"/a/\"]: redirect chains: /a/ is redirected by "
	  "[location \"/a/\"] (line 1)" },
	/* A URL naming this host (any name, any port) is a path of it. */
	{ "[server]\nhostname = a.example\n"
	  "[location \"/a\"]\nredirect = 31 gemini://A.EXAMPLE:1966/a\n",
	  3, "[location \"/a\"]: redirect chains: gemini://A.EXAMPLE:1966/a "
	  "is redirected by [location \"/a\"] (line 3)" },
	{ "[host \"a.example\"]\nroot = a\naliases = www.a.example\n"
	  "[host \"b.example\"]\nroot = b\n"
	  "[location \"b.example/old\"]\nredirect = 31 "
	  "gemini://www.a.example/new\n"
	  "[location \"a.example/new\"]\nredirect = 31 /newer\n", 6,
	  "[location \"b.example/old\"]: redirect chains: "
	  "gemini://www.a.example/new is redirected by "
	  "[location \"a.example/new\"] (line 8)" },
	/* A location of every host redirects on each host. */
	{ "[host \"a.example\"]\nroot = a\n[host \"b.example\"]\nroot = b\n"
	  "[location \"/old\"]\nredirect = 31 /new\n"
	  "[location \"b.example/new\"]\nredirect = 31 /newer\n", 5,
	  "[location \"/old\"]: redirect chains: /new is redirected by "
	  "[location \"b.example/new\"] (line 7)" },
	/* Percent-encoded, the target is the path a request would name. */
	{ "[location \"/日記/*\"]\nredirect = 31 /diary/\n"
	  "[location \"/old\"]\nredirect = 31 /%E6%97%A5%E8%A8%98/x\n", 3,
	  "[location \"/old\"]: redirect chains: /%E6%97%A5%E8%A8%98/x is "
	  "redirected by [location \"/日記/*\"] (line 1)" },
	/* A wildcard whose target is under its own prefix grows the path
	 * at each turn. */
	{ "[location \"/old/*\"]\nredirect = 31 /old/new/\n"
	  "[location \"/old/new/\"]\nlisting = on\n", 1,
	  "[location \"/old/*\"]: redirect loops: /old/new/ is under this "
	  "location's own prefix /old/" },
	{ "[location \"/old\"]\nredirect = 31 /old/new/*\n"
	  "[location \"/old/new/\"]\nlisting = on\n", 1,
	  "[location \"/old\"]: redirect loops: /old/new/ is under this "
	  "location's own prefix /old" },
};

static void
test_location_errors_name_file_and_line(void **state)
{
	static struct config cfg;
	char err[512], want[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(location_cases) / sizeof(location_cases[0]);
	    i++) {
		write_config(location_cases[i].text);
		if (config_load(path, &cfg, err, sizeof(err)) != -1)
			fail_msg("case %zu loaded: %s", i,
			    location_cases[i].text);
		if (location_cases[i].message != NULL)
			snprintf(want, sizeof(want), "%s:%d: %s", path,
			    location_cases[i].line, location_cases[i].message);
		else
			snprintf(want, sizeof(want), "%s:%d: [location "
			    "\"/x\"] redirect: \"/%%zz\": ", path,
			    location_cases[i].line);
		if (location_cases[i].message != NULL ?
		    strcmp(err, want) != 0 :
		    strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu:\n got \"%s\"\nwant \"%s\"", i, err,
			    want);
	}
}

/* What only a restart applies, by name, in the table's order. */
static void
test_restart_needed(void **state)
{
	static struct config old, new;
	static const struct {
		const char *text;
		int n;
		const char *what;
	} cases[] = {
		{ "[server]\ntimeout = 3\n[log]\nlevel = debug\n", 0, "" },
		{ "[server]\nport = 1966\n[log]\naccess = off\n", 2,
		  "[server] port, [log] access" },
		{ "[server]\naddress = ::, 0.0.0.0\n", 1, "[server] address" },
		{ "[server]\naddress = 0.0.0.0\n", 1, "[server] address" },
		{ "[server]\nworkers = 7\nmax_connections = 5\nuser = gemini\n",
		  3, "[server] workers, [server] max_connections, "
		  "[server] user" },
		/* Hosts may change on reload, roots included, and so may
		 * locations. */
		{ "[location \"/docs/\"]\nlisting = on\n[location \"/old\"]\n"
		  "redirect = 31 /new\n", 0, "" },
		{ "[capsule]\nroot = a\nlang = en\n[server]\n"
		  "hostname = example.org\n", 0, "" },
		{ "[host \"a.example\"]\nroot = a\n[host \"b.example\"]\n"
		  "root = b\n", 0, "" },
	};
	char err[512], what[256];
	size_t i;

	(void)state;
	write_config("[server]\nworkers = 2\n");
	if (config_load(path, &old, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];

		/* workers = 0 is one per core: keep the count fixed. */
		snprintf(text, sizeof(text), "%s%s", cases[i].text,
		    strstr(cases[i].text, "workers") != NULL ? "" :
		    "[server]\nworkers = 2\n");
		write_config(text);
		if (config_load(path, &new, err, sizeof(err)) == -1)
			fail_msg("case %zu: %s", i, err);
		if (config_restart_needed(&old, &new, what,
		    sizeof(what)) != cases[i].n ||
		    strcmp(what, cases[i].what) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, what,
			    cases[i].what);
	}
	/* Truncated to its size, never overrun. */
	write_config("[server]\nport = 1966\nworkers = 3\n");
	if (config_load(path, &new, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(config_restart_needed(&old, &new, what, 10), 2);
	assert_string_equal(what, "[server] ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_from_empty_file),
		cmocka_unit_test(test_values_are_read),
		cmocka_unit_test(test_write_timeout_follows_timeout_unless_set),
		cmocka_unit_test(test_switches_on_and_off),
		cmocka_unit_test(test_bad_values_name_file_and_line),
		cmocka_unit_test(test_over_long_line_is_refused_not_split),
		cmocka_unit_test(test_nul_and_bom_cannot_hide_anything),
		cmocka_unit_test(test_indented_line_is_not_a_continuation),
		cmocka_unit_test(test_missing_default_root_is_an_error),
		cmocka_unit_test(test_missing_file_is_an_error),
		cmocka_unit_test(test_no_host_sections_is_one_host),
		cmocka_unit_test(test_two_hosts_keys_and_defaults),
		cmocka_unit_test(test_default_host),
		cmocka_unit_test(test_aliases_are_stored_plain),
		cmocka_unit_test(test_host_errors_name_file_and_line),
		cmocka_unit_test(test_too_many_hosts),
		cmocka_unit_test(test_prefix_syntax),
		cmocka_unit_test(test_absolute_path_syntax),
		cmocka_unit_test(test_relative_config_path_gives_absolute_paths),
		cmocka_unit_test(test_extension_and_media_type_syntax),
		cmocka_unit_test(test_fingerprint_syntax),
		cmocka_unit_test(test_locations_are_read),
		cmocka_unit_test(test_locations_of_one_host),
		cmocka_unit_test(test_redirects_that_do_not_chain),
		cmocka_unit_test(test_location_lists_have_limits),
		cmocka_unit_test(test_location_errors_name_file_and_line),
		cmocka_unit_test(test_restart_needed),
		cmocka_unit_test(test_ticket_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
