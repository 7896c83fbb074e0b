/*
 * test_ticket_keys.c - ticket_keys.c: the ticket key file's text (a table
 * of files and what they give), and how long a key kizuna made is used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ticket_keys.h"

/* 160 digits: name 00..0f, AES 10..2f, HMAC 30..4f (byte i is i). */
#define K0 "000102030405060708090a0b0c0d0e0f" \
	   "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f" \
	   "303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f"
/* Another name, in capitals. */
#define K1 "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF" \
	   "101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F" \
	   "303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F"
#define K(c) c "0000000000000000000000000000000" \
	   "0000000000000000000000000000000000000000000000000000000000000000" \
	   "0000000000000000000000000000000000000000000000000000000000000000"

struct file_case {
	const char *what;
	const char *text;
	int rc;            /* keys, or -1 */
	int line;          /* the line at fault (-1: rc keys) */
	const char *want;  /* words of the message, when refused */
};

static const struct file_case cases[] = {
	{ "one key", K0 "\n", 1, 0, NULL },
	{ "one key, no final newline", K0, 1, 0, NULL },
	{ "CRLF, blanks around", "  " K0 " \r\n", 1, 0, NULL },
	{ "two keys, capitals", K0 "\n" K1 "\n", 2, 0, NULL },
	{ "comments and blank lines",
	  "# made 2026-11-30\n\n   # indented comment\n" K1 "\n\t\n" K0 "\n",
	  2, 0, NULL },
	{ "eight keys", K("1") "\n" K("2") "\n" K("3") "\n" K("4") "\n"
	  K("5") "\n" K("6") "\n" K("7") "\n" K("8") "\n", 8, 0, NULL },

	{ "empty file", "", -1, 0, "no ticket key" },
	{ "comments only", "# nothing yet\n\n", -1, 0, "no ticket key" },
	{ "too short", "# a\n\n0123456789ab\n", -1, 3,
	  "a ticket key is 160 hex digits (openssl rand -hex 80), this one "
	  "has 12" },
	{ "one digit too many", K0 "0\n", -1, 1, "this one has 161" },
	{ "a key of `openssl rand -hex 48`",
	  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	  "00112233445566778899aabbccddeeff\n", -1, 1, "this one has 96" },
	{ "not hex", K0 "\n" "x" K0 "\n", -1, 2, "character 1 is not" },
	{ "a space inside", "0011 2233\n", -1, 1, "character 5" },
	{ "a comment after the key", K0 " # old\n", -1, 1, "character 161" },
	{ "a NUL byte", "00\0" "11\n", -1, 1, "character 3" },
	{ "nine keys", K("1") "\n" K("2") "\n" K("3") "\n" K("4") "\n"
	  K("5") "\n" K("6") "\n" K("7") "\n" K("8") "\n# old\n" K("9") "\n",
	  -1, 10, "more than 8 ticket keys" },
	{ "the same name twice", K0 "\n\n" K0 "\n", -1, 3, "line 1's too" },
};

/* The text's length: up to its last byte, NULs included (sizeof - 1
 * would need each case's literal at hand). */
static size_t
text_len(const struct file_case *c)
{
	if (strcmp(c->what, "a NUL byte") == 0)
		return 6;
	return strlen(c->text);
}

static void
test_files(void **state)
{
	struct ticket_key keys[TICKET_MAX_KEYS];
	char err[256];
	size_t i;
	int line, rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct file_case *c = &cases[i];

		memset(keys, 0xaa, sizeof(keys));
		rc = ticket_keys_parse(c->text, text_len(c), keys,
		    TICKET_MAX_KEYS, &line, err, sizeof(err));
		if (rc != c->rc || line != c->line || (c->want != NULL &&
		    strstr(err, c->want) == NULL))
			fail_msg("%s: rc %d line %d \"%s\"", c->what, rc,
			    line, err);
	}
}

static void
test_key_bytes(void **state)
{
	struct ticket_key keys[2];
	char err[256];
	int line, i;

	(void)state;
	assert_int_equal(ticket_keys_parse(K0 "\n" K1, strlen(K0 "\n" K1),
	    keys, 2, &line, err, sizeof(err)), 2);
	for (i = 0; i < TICKET_NAME_SIZE; i++)
		assert_int_equal(keys[0].name[i], i);
	for (i = 0; i < TICKET_AES_SIZE; i++)
		assert_int_equal(keys[0].aes[i], TICKET_NAME_SIZE + i);
	for (i = 0; i < TICKET_HMAC_SIZE; i++)
		assert_int_equal(keys[0].hmac[i],
		    TICKET_NAME_SIZE + TICKET_AES_SIZE + i);
	assert_int_equal(keys[1].name[0], 0xf0);
	assert_int_equal(keys[1].name[15], 0xff);
}

/* Room for fewer keys than the file holds: refused, never cut. */
static void
test_room(void **state)
{
	struct ticket_key keys[1];
	char err[256];
	int line;

	(void)state;
	assert_int_equal(ticket_keys_parse(K0 "\n" K1, strlen(K0 "\n" K1),
	    keys, 1, &line, err, sizeof(err)), -1);
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "more than 1 ticket key"));
}

static void
test_age(void **state)
{
	const long long hour = 3600, interval = 6 * hour;

	(void)state;
	assert_int_equal(ticket_key_age(100, 100, interval), TICKET_SEALS);
	assert_int_equal(ticket_key_age(100, 100 + interval - 1, interval),
	    TICKET_SEALS);
	assert_int_equal(ticket_key_age(100, 100 + interval, interval),
	    TICKET_OPENS);
	assert_int_equal(ticket_key_age(100, 100 + 2 * interval - 1,
	    interval), TICKET_OPENS);
	assert_int_equal(ticket_key_age(100, 100 + 2 * interval, interval),
	    TICKET_EXPIRED);
	assert_int_equal(ticket_key_age(100, 100 + 30 * 24 * hour, interval),
	    TICKET_EXPIRED);
	/* Before it was made: as new. */
	assert_int_equal(ticket_key_age(100, 50, interval), TICKET_SEALS);
	/* The interval kizuna uses keeps tickets under a day. */
	assert_true(2LL * TICKET_ROTATION_SECONDS <= 24 * hour);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_key_bytes),
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
