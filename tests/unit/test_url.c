/*
 * test_url.c - table tests for url.c (links url.c only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

/* Length of a table input: explicit when it holds a NUL, else strlen. */
#define LEN(s, n) ((n) != 0 ? (size_t)(n) : strlen(s))

#define EXPECT_STR(name, got, want) do { \
	if (strcmp((got), (want)) != 0) \
		fail_msg("%s: %s is \"%s\", want \"%s\"", (name), #got, \
		    (got), (want)); \
} while (0)

#define EXPECT_INT(name, got, want) do { \
	if ((got) != (want)) \
		fail_msg("%s: %s is %d, want %d", (name), #got, (int)(got), \
		    (int)(want)); \
} while (0)

/* --- url_parse ---------------------------------------------------------- */

struct parse_case {
	const char *in;
	size_t len;         /* 0: strlen(in) */
	const char *err;    /* NULL: must succeed; else the expected reason */
	const char *scheme;
	int authority;
	int userinfo;
	const char *host;
	int port;
	const char *path;
	int has_query;
	const char *query;
	int fragment;
};

static const struct parse_case parse_cases[] = {
	{ "gemini://localhost/", 0, NULL, "gemini", 1, 0, "localhost", -1, "/", 0, "", 0 },
	{ "GEMINI://LocalHost/A", 0, NULL, "gemini", 1, 0, "localhost", -1, "/A", 0, "", 0 },
	{ "gemini://localhost", 0, NULL, "gemini", 1, 0, "localhost", -1, "", 0, "", 0 },
	{ "gemini://localhost:1965/a", 0, NULL, "gemini", 1, 0, "localhost", 1965, "/a", 0, "", 0 },
	{ "gemini://localhost:/a", 0, NULL, "gemini", 1, 0, "localhost", -1, "/a", 0, "", 0 },
	{ "gemini://localhost:0/", 0, NULL, "gemini", 1, 0, "localhost", 0, "/", 0, "", 0 },
	{ "gemini://localhost:65535", 0, NULL, "gemini", 1, 0, "localhost", 65535, "", 0, "", 0 },
	{ "gemini://localhost:65536/", 0, "bad port", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost:99999999999999999999/", 0, "bad port", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost:12a/", 0, "bad port", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost:-1/", 0, "bad port", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost:1:2/", 0, "bad port", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://user@localhost/", 0, NULL, "gemini", 1, 1, "localhost", -1, "/", 0, "", 0 },
	{ "gemini://a@b:c@Host:7/", 0, NULL, "gemini", 1, 1, "host", 7, "/", 0, "", 0 },
	{ "gemini://@/", 0, NULL, "gemini", 1, 1, "", -1, "/", 0, "", 0 },
	{ "gemini://[::1]/x", 0, NULL, "gemini", 1, 0, "::1", -1, "/x", 0, "", 0 },
	{ "gemini://[::1]:1965", 0, NULL, "gemini", 1, 0, "::1", 1965, "", 0, "", 0 },
	{ "gemini://[::FFFF:127.0.0.1]/", 0, NULL, "gemini", 1, 0, "::ffff:127.0.0.1", -1, "/", 0, "", 0 },
	{ "gemini://[::1/", 0, "unterminated IP literal", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://[]/", 0, "bad IP literal", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://[v1.x]/", 0, "bad IP literal", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://[::1]x/", 0, "junk after IP literal", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://ho[st/", 0, "bad host", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://127.0.0.1/", 0, NULL, "gemini", 1, 0, "127.0.0.1", -1, "/", 0, "", 0 },
	{ "gemini://localhost/a?b=c", 0, NULL, "gemini", 1, 0, "localhost", -1, "/a", 1, "b=c", 0 },
	{ "gemini://localhost/a?", 0, NULL, "gemini", 1, 0, "localhost", -1, "/a", 1, "", 0 },
	{ "gemini://localhost?q", 0, NULL, "gemini", 1, 0, "localhost", -1, "", 1, "q", 0 },
	{ "gemini://localhost/a?q?r/s", 0, NULL, "gemini", 1, 0, "localhost", -1, "/a", 1, "q?r/s", 0 },
	{ "gemini://localhost/a#frag", 0, NULL, "gemini", 1, 0, "localhost", -1, "/a", 0, "", 1 },
	{ "gemini://localhost/a?q#f?g", 0, NULL, "gemini", 1, 0, "localhost", -1, "/a", 1, "q", 1 },
	{ "gemini://localhost#", 0, NULL, "gemini", 1, 0, "localhost", -1, "", 0, "", 1 },
	{ "https://example.com/", 0, NULL, "https", 1, 0, "example.com", -1, "/", 0, "", 0 },
	{ "mailto:a@b", 0, NULL, "mailto", 0, 0, "", -1, "a@b", 0, "", 0 },
	{ "a+b-c.d:x", 0, NULL, "a+b-c.d", 0, 0, "", -1, "x", 0, "", 0 },
	{ "gemini:", 0, NULL, "gemini", 0, 0, "", -1, "", 0, "", 0 },
	{ "gemini:/a", 0, NULL, "gemini", 0, 0, "", -1, "/a", 0, "", 0 },
	{ "gemini:///a", 0, NULL, "gemini", 1, 0, "", -1, "/a", 0, "", 0 },
	{ "/foo", 0, NULL, "", 0, 0, "", -1, "/foo", 0, "", 0 },
	{ "//localhost/foo", 0, NULL, "", 1, 0, "localhost", -1, "/foo", 0, "", 0 },
	{ "1abc:foo", 0, NULL, "", 0, 0, "", -1, "1abc:foo", 0, "", 0 },
	{ ":foo", 0, NULL, "", 0, 0, "", -1, ":foo", 0, "", 0 },
	{ "a/b:c", 0, NULL, "", 0, 0, "", -1, "a/b:c", 0, "", 0 },
	{ "?a:b", 0, NULL, "", 0, 0, "", -1, "", 1, "a:b", 0 },
	{ "", 0, NULL, "", 0, 0, "", -1, "", 0, "", 0 },
	{ "gemini://localhost/\xe6\x97\xa5", 0, NULL, "gemini", 1, 0, "localhost", -1, "/\xe6\x97\xa5", 0, "", 0 },
	{ "gemini://localhost/%41%zz", 0, NULL, "gemini", 1, 0, "localhost", -1, "/%41%zz", 0, "", 0 },
	{ "gemini://localhost/a\0b", 22, "NUL byte in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost/a\x01", 0, "control character in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost/a\tb", 0, "control character in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost/a\nb", 0, "control character in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost/a\x7f", 0, "control character in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "gemini://localhost/a b", 0, "space in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ " gemini://localhost/", 0, "space in URL", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
	{ "abcdefghijabcdefghijabcdefghij1:x", 0, NULL, "abcdefghijabcdefghijabcdefghij1", 0, 0, "", -1, "x", 0, "", 0 },
	{ "abcdefghijabcdefghijabcdefghij12:x", 0, "scheme too long", NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0 },
};

static void
check_parse(const struct parse_case *c)
{
	struct url u;
	const char *err = NULL;
	int rv = url_parse(c->in, LEN(c->in, c->len), &u, &err);

	if (c->err != NULL) {
		EXPECT_INT(c->in, rv, -1);
		if (err == NULL)
			fail_msg("%s: no reason given", c->in);
		EXPECT_STR(c->in, err, c->err);
		return;
	}
	if (rv != 0)
		fail_msg("%s: failed with \"%s\"", c->in, err ? err : "?");
	EXPECT_STR(c->in, u.scheme, c->scheme);
	EXPECT_INT(c->in, u.has_authority, c->authority);
	EXPECT_INT(c->in, u.has_userinfo, c->userinfo);
	EXPECT_STR(c->in, u.host, c->host);
	EXPECT_INT(c->in, u.port, c->port);
	EXPECT_STR(c->in, u.path, c->path);
	EXPECT_INT(c->in, u.has_query, c->has_query);
	EXPECT_STR(c->in, u.query, c->query);
	EXPECT_INT(c->in, u.has_fragment, c->fragment);
}

static void
test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		check_parse(&parse_cases[i]);
}

/* Limits are computed, not typed: URL_MAX bytes pass, one more fails. */
static void
test_parse_limits(void **state)
{
	char buf[URL_MAX + 2];
	char host[300];
	struct url u;
	const char *err = NULL;
	const char *pre = "gemini://localhost/";
	size_t n = strlen(pre);

	(void)state;
	memcpy(buf, pre, n);
	memset(buf + n, 'a', sizeof(buf) - n);
	assert_int_equal(url_parse(buf, URL_MAX, &u, &err), 0);
	assert_int_equal(strlen(u.path), URL_MAX - strlen("gemini://localhost"));
	assert_int_equal(url_parse(buf, URL_MAX + 1, &u, &err), -1);
	assert_string_equal(err, "URL too long");

	/* A host of 255 bytes fits host[256]; 256 bytes is refused. */
	memcpy(buf, "gemini://", 9);
	memset(host, 'h', sizeof(host));
	memcpy(buf + 9, host, 255);
	buf[9 + 255] = '/';
	assert_int_equal(url_parse(buf, 9 + 255 + 1, &u, &err), 0);
	assert_int_equal(strlen(u.host), 255);
	memcpy(buf + 9, host, 256);
	buf[9 + 256] = '/';
	assert_int_equal(url_parse(buf, 9 + 256 + 1, &u, &err), -1);
	assert_string_equal(err, "host too long");
}

/* --- url_percent_decode --------------------------------------------------- */

struct decode_case {
	const char *in;
	size_t dstsize;   /* 0: a large buffer */
	const char *want; /* NULL: must fail */
};

static const struct decode_case decode_cases[] = {
	{ "", 0, "" },
	{ "abc", 0, "abc" },
	{ "%41%42", 0, "AB" },
	{ "%e6%97%a5", 0, "\xe6\x97\xa5" },
	{ "%E6%97%A5", 0, "\xe6\x97\xa5" },
	{ "/a%2fb%2F", 0, "/a/b/" },
	{ "%2e%2E", 0, ".." },
	{ "%25%32%35", 0, "%25" },
	{ "%ff", 0, "\xff" },
	{ "%", 0, NULL },
	{ "%4", 0, NULL },
	{ "100%", 0, NULL },
	{ "%zz", 0, NULL },
	{ "%4g", 0, NULL },
	{ "%g4", 0, NULL },
	{ "%%41", 0, NULL },
	{ "%00", 0, NULL },
	{ "a%00b", 0, NULL },
	{ "abcd", 4, NULL },
	{ "abcd", 5, "abcd" },
	{ "%41", 2, "A" },
	{ "%41%41", 2, NULL },
	{ "", 1, "" },
};

static void
test_decode_table(void **state)
{
	char dst[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct decode_case *c = &decode_cases[i];
		size_t size = c->dstsize != 0 ? c->dstsize : sizeof(dst);
		const char *err = NULL;
		int rv = url_percent_decode(c->in, dst, size, &err);

		if (c->want == NULL) {
			EXPECT_INT(c->in, rv, -1);
			if (err == NULL)
				fail_msg("%s: no reason given", c->in);
			continue;
		}
		if (rv != 0)
			fail_msg("%s: failed with \"%s\"", c->in, err ? err : "?");
		EXPECT_STR(c->in, dst, c->want);
	}
	/* No room even for the NUL. */
	{
		const char *err = NULL;

		assert_int_equal(url_percent_decode("", dst, 0, &err), -1);
	}
}

/* --- url_remove_dot_segments ---------------------------------------------- */

struct dot_case {
	const char *in;
	const char *want; /* NULL: must fail */
};

static const struct dot_case dot_cases[] = {
	{ "/", "/" },
	{ "/a/./b/../c", "/a/c" },
	{ "/a/..", "/" },
	{ "/a/../", "/" },
	{ "/a/b/..", "/a/" },
	{ "/a/b/c/./../../g", "/a/g" },
	{ "/.", "/" },
	{ "/./", "/" },
	{ "/./a", "/a" },
	{ "/a/.", "/a/" },
	{ "/a/./", "/a/" },
	{ "/a//b", "/a//b" },
	{ "//..", "/" },
	{ "/...", "/..." },
	{ "/.a/..b/b..", "/.a/..b/b.." },
	{ "/a/.../..", "/a/" },
	{ "/mid/content=5/../6", "/mid/6" },
	{ "/\xe6\x97\xa5/../\xe6\x9c\xac", "/\xe6\x9c\xac" },
	{ "/..", NULL },
	{ "/../", NULL },
	{ "/../a", NULL },
	{ "/a/../../b", NULL },
	{ "/a/b/../../..", NULL },
	{ "/./..", NULL },
	{ "a/b", NULL },
	{ "", NULL },
};

static void
test_dot_table(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dot_cases) / sizeof(dot_cases[0]); i++) {
		const struct dot_case *c = &dot_cases[i];
		const char *err = NULL;
		int rv;

		assert_true(strlen(c->in) < sizeof(buf));
		strcpy(buf, c->in);
		rv = url_remove_dot_segments(buf, &err);
		if (c->want == NULL) {
			EXPECT_INT(c->in, rv, -1);
			if (err == NULL)
				fail_msg("%s: no reason given", c->in);
			continue;
		}
		if (rv != 0)
			fail_msg("%s: failed with \"%s\"", c->in, err ? err : "?");
		EXPECT_STR(c->in, buf, c->want);
	}
}

static void
test_dot_climb_reason(void **state)
{
	char buf[] = "/a/../../b";
	const char *err = NULL;

	(void)state;
	assert_int_equal(url_remove_dot_segments(buf, &err), -1);
	assert_string_equal(err, "path climbs above the root");
}

/* --- url_encode_path ------------------------------------------------------ */

struct encode_case {
	const char *in;
	size_t dstsize;   /* 0: a large buffer */
	const char *want; /* NULL: must fail */
};

static const struct encode_case encode_cases[] = {
	{ "", 0, "" },
	{ "/a/b.gmi", 0, "/a/b.gmi" },
	{ "/-._~!$&'()*+,;=:@", 0, "/-._~!$&'()*+,;=:@" },
	{ "/a b", 0, "/a%20b" },
	{ "/?#%[]", 0, "/%3F%23%25%5B%5D" },
	{ "/\"<>\\^`{|}", 0, "/%22%3C%3E%5C%5E%60%7B%7C%7D" },
	{ "/\xe6\x97\xa5\xe6\x9c\xac", 0, "/%E6%97%A5%E6%9C%AC" },
	{ "\x01\x7f\xff", 0, "%01%7F%FF" },
	{ "abc", 3, NULL },
	{ "abc", 4, "abc" },
	{ "\xc3\xa9", 6, NULL },
	{ "\xc3\xa9", 7, "%C3%A9" },
	{ "", 0, "" },
};

static void
test_encode_table(void **state)
{
	char dst[128], back[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(encode_cases) / sizeof(encode_cases[0]); i++) {
		const struct encode_case *c = &encode_cases[i];
		size_t size = c->dstsize != 0 ? c->dstsize : sizeof(dst);
		const char *err = NULL;
		int rv = url_encode_path(c->in, dst, size);

		if (c->want == NULL) {
			EXPECT_INT(c->in, rv, -1);
			continue;
		}
		EXPECT_INT(c->in, rv, 0);
		EXPECT_STR(c->in, dst, c->want);
		/* Decoding what was encoded gives the path back. */
		EXPECT_INT(c->in, url_percent_decode(dst, back, sizeof(back),
		    &err), 0);
		EXPECT_STR(c->in, back, c->in);
	}
	assert_int_equal(url_encode_path("", dst, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_dot_table),
		cmocka_unit_test(test_dot_climb_reason),
		cmocka_unit_test(test_encode_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
