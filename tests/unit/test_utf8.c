/*
 * test_utf8.c - table tests for utf8.c (links utf8.c only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

/* Length of a table input: explicit when it holds a NUL, else strlen. */
#define LEN(s, n) ((n) != 0 ? (size_t)(n) : strlen(s))

#define EXPECT_INT(name, got, want) do { \
	if ((got) != (want)) \
		fail_msg("%s: %s is %d, want %d", (name), #got, (int)(got), \
		    (int)(want)); \
} while (0)

/* --- utf8_is_valid ---------------------------------------------------------- */

struct utf8_case {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	int want;
};

static const struct utf8_case utf8_cases[] = {
	{ "empty", "", 0, 1 },
	{ "ascii", "gemini://localhost/", 0, 1 },
	{ "japanese", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, 1 },
	{ "emoji", "\xf0\x9f\x8c\xb8", 0, 1 },
	{ "NUL is a character", "a\0b", 3, 1 },
	{ "U+0080", "\xc2\x80", 0, 1 },
	{ "U+07FF", "\xdf\xbf", 0, 1 },
	{ "U+0800", "\xe0\xa0\x80", 0, 1 },
	{ "U+D7FF", "\xed\x9f\xbf", 0, 1 },
	{ "U+E000", "\xee\x80\x80", 0, 1 },
	{ "U+FFFF", "\xef\xbf\xbf", 0, 1 },
	{ "U+10000", "\xf0\x90\x80\x80", 0, 1 },
	{ "U+10FFFF", "\xf4\x8f\xbf\xbf", 0, 1 },
	{ "raw 0xff", "a\xff", 0, 0 },
	{ "raw 0xfe", "\xfe", 0, 0 },
	{ "lone continuation", "\x80", 0, 0 },
	{ "overlong C0 AF", "\xc0\xaf", 0, 0 },
	{ "overlong C1 BF", "\xc1\xbf", 0, 0 },
	{ "overlong E0 80 AF", "\xe0\x80\xaf", 0, 0 },
	{ "overlong E0 9F BF", "\xe0\x9f\xbf", 0, 0 },
	{ "overlong F0 8F BF BF", "\xf0\x8f\xbf\xbf", 0, 0 },
	{ "surrogate ED A0 80", "\xed\xa0\x80", 0, 0 },
	{ "surrogate ED BF BF", "\xed\xbf\xbf", 0, 0 },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 0, 0 },
	{ "F5 lead", "\xf5\x80\x80\x80", 0, 0 },
	{ "truncated 2 of 3", "\xe6\x97", 0, 0 },
	{ "truncated at end", "a\xc3", 0, 0 },
	{ "truncated 3 of 4", "\xf0\x9f\x8c", 0, 0 },
	{ "ASCII in place of continuation", "\xe6\x97" "a", 0, 0 },
	{ "lead in place of continuation", "\xc3\xc3\xa9", 0, 0 },
};

static void
test_utf8_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const struct utf8_case *c = &utf8_cases[i];

		EXPECT_INT(c->name, utf8_is_valid(c->in, LEN(c->in, c->len)),
		    c->want);
	}
	/* Only len bytes are looked at: a cut sequence is truncated. */
	assert_int_equal(utf8_is_valid("\xe6\x97\xa5", 2), 0);
	assert_int_equal(utf8_is_valid("\xff", 0), 1);
}

/* One character at a time, and which of them are controls (the log and
 * article names rely on both). */
static const struct char_case {
	const char *name;
	const char *in;
	size_t len;        /* bytes offered */
	size_t want_len;   /* 0: not a character */
	int want_control;
} char_cases[] = {
	{ "ASCII letter", "a", 1, 1, 0 },
	{ "NUL", "\0", 1, 1, 1 },
	{ "LF", "\n", 1, 1, 1 },
	{ "ESC", "\x1b", 1, 1, 1 },
	{ "DEL", "\x7f", 1, 1, 1 },
	{ "U+0080 (C1)", "\xc2\x80", 2, 2, 1 },
	{ "U+009B CSI (C1)", "\xc2\x9b", 2, 2, 1 },
	{ "U+00A0 is no control", "\xc2\xa0", 2, 2, 0 },
	{ "U+65E5 日", "\xe6\x97\xa5", 3, 3, 0 },
	{ "U+1F30F", "\xf0\x9f\x8c\x8f", 4, 4, 0 },
	{ "only the first of two", "ab", 2, 1, 0 },
	{ "stray continuation", "\x80", 1, 0, 0 },
	{ "latin-1 e-acute", "\xe9", 1, 0, 0 },
	{ "cut by len", "\xe6\x97\xa5", 2, 0, 0 },
	{ "nothing offered", "a", 0, 0, 0 },
};

static void
test_utf8_characters(void **state)
{
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(char_cases) / sizeof(char_cases[0]); i++) {
		const struct char_case *c = &char_cases[i];

		n = utf8_char_length(c->in, c->len);
		EXPECT_INT(c->name, (int)n, (int)c->want_len);
		if (n > 0)
			EXPECT_INT(c->name, utf8_is_control(c->in, n),
			    c->want_control);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_table),
		cmocka_unit_test(test_utf8_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
