/*
 * test_sni.c - sni.c: the host name in a ClientHello's server_name
 * extension (RFC 6066 section 3). Table-driven, the extension's bytes
 * written out; then names at the length bounds, built here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sni.h"

/* Bytes whose length sizeof knows (some hold NULs). */
#define S(s) (const unsigned char *)(s), sizeof(s) - 1

struct sni_case {
	const char *what;
	const unsigned char *ext;
	size_t len;
	int rc;
	const char *want;   /* 1: the name; -1: words of the reason */
};

static const struct sni_case cases[] = {
	/* What clients send. */
	{ "a name", S("\x00\x0c\x00\x00\x09" "a.example"), 1, "a.example" },
	{ "one letter", S("\x00\x04\x00\x00\x01" "a"), 1, "a" },
	{ "upper case, lowered", S("\x00\x0c\x00\x00\x09" "B.ExAmPlE"), 1,
	  "b.example" },
	{ "digits, hyphens, underscores",
	  S("\x00\x10\x00\x00\x0d" "x-1_y.example"), 1, "x-1_y.example" },
	{ "a trailing dot, kept", S("\x00\x0d\x00\x00\x0a" "a.example."),
	  1, "a.example." },

	/* Well formed, but no host name anyone serves: carried on without. */
	{ "a space", S("\x00\x0c\x00\x00\x09" "a example"), 0, "" },
	{ "a control byte", S("\x00\x0c\x00\x00\x09" "a\x1b" "example"), 0,
	  "" },
	{ "UTF-8 (a U-label, not its A-label)",
	  S("\x00\x0e\x00\x00\x0b" "\xe4\xbe\x8b.example"), 0, "" },
	{ "DEL", S("\x00\x04\x00\x00\x01" "\x7f"), 0, "" },

	/* Malformed: OpenSSL refuses these too. */
	{ "empty", S(""), -1, "length" },
	{ "one byte", S("\x00"), -1, "length" },
	{ "an empty list", S("\x00\x00"), -1, "host_name first" },
	{ "list longer than the extension",
	  S("\x00\x0d\x00\x00\x09" "a.example"), -1, "length" },
	{ "list shorter than the extension",
	  S("\x00\x0b\x00\x00\x09" "a.example"), -1, "length" },
	{ "list cut inside the name's length", S("\x00\x02\x00\x00"), -1,
	  "host_name first" },
	{ "another name type", S("\x00\x0c\x01\x00\x09" "a.example"), -1,
	  "host_name first" },
	{ "a name longer than the list",
	  S("\x00\x0c\x00\x00\x0a" "a.example"), -1, "filling" },
	{ "a name shorter than the list",
	  S("\x00\x0c\x00\x00\x08" "a.example"), -1, "filling" },
	{ "two names", S("\x00\x18\x00\x00\x09" "a.example"
	  "\x00\x00\x09" "b.example"), -1, "filling" },
	{ "an empty name", S("\x00\x03\x00\x00\x00"), -1, "empty" },
	{ "a NUL in the name", S("\x00\x0c\x00\x00\x09" "a\0example"), -1,
	  "NUL" },
};

static void
test_cases(void **state)
{
	char name[SNI_NAME_MAX + 1];
	const char *why;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sni_case *c = &cases[i];

		memset(name, 'x', sizeof(name));
		why = NULL;
		rc = sni_host_name(c->ext, c->len, name, sizeof(name), &why);
		if (rc != c->rc)
			fail_msg("%s: returned %d, not %d (%s)", c->what, rc,
			    c->rc, why != NULL ? why : "");
		if (rc == -1 && (why == NULL || strstr(why, c->want) == NULL))
			fail_msg("%s: refused as \"%s\", not with \"%s\"",
			    c->what, why != NULL ? why : "(nothing)", c->want);
		if (rc >= 0 && strcmp(name, c->want) != 0)
			fail_msg("%s: \"%s\", not \"%s\"", c->what, name,
			    c->want);
		if (rc == -1 && name[0] != '\0')
			fail_msg("%s: refused, yet name is \"%s\"", c->what,
			    name);
	}
}

/* The extension for a name of n letters into ext; returns its length. */
static size_t
extension_of(size_t n, unsigned char *ext)
{
	ext[0] = (unsigned char)((n + 3) >> 8);
	ext[1] = (unsigned char)(n + 3);
	ext[2] = 0;
	ext[3] = (unsigned char)(n >> 8);
	ext[4] = (unsigned char)n;
	memset(ext + 5, 'a', n);
	return n + 5;
}

/* 255 bytes are read; 256 are not; nor a name its buffer cannot hold. */
static void
test_bounds(void **state)
{
	unsigned char ext[5 + 300];
	char name[SNI_NAME_MAX + 1];
	const char *why;

	(void)state;
	assert_int_equal(sni_host_name(ext, extension_of(255, ext), name,
	    sizeof(name), &why), 1);
	assert_int_equal(strlen(name), 255);
	assert_int_equal(sni_host_name(ext, extension_of(256, ext), name,
	    sizeof(name), &why), -1);
	assert_non_null(strstr(why, "255"));
	assert_int_equal(sni_host_name(ext, extension_of(20, ext), name, 20,
	    &why), -1);
	assert_int_equal(sni_host_name(ext, extension_of(19, ext), name, 20,
	    &why), 1);
	assert_int_equal(strlen(name), 19);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
