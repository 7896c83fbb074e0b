/*
 * test_config.c - config.c: defaults, values, and errors naming FILE:LINE.
 *
 * Each case writes a real file into a temporary directory (with a capsule
 * folder next to it) and loads it, as the server would.
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

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	char capsule[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kizuna-test-config-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(capsule, sizeof(capsule), "%s/capsule", dir);
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	return mkdir(capsule, 0755);
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
	assert_int_equal(cfg.log_level, CONFIG_LOG_INFO);
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
	assert_int_equal(cfg.log_level, CONFIG_LOG_DEBUG);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
