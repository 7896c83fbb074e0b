/*
 * test_request.c - table tests for request.c (links request.c and url.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

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

static const struct request_policy ours = { .hostname = "localhost",
    .port = 1965 };

/* --- request_parse -------------------------------------------------------- */

struct parse_case {
	const char *line;
	size_t len;           /* 0: strlen(line) */
	const char *hostname; /* NULL: "localhost" */
	int status;           /* 0, 53 or 59 */
	const char *path;     /* on success */
	int has_query;
	const char *query;
	int port;
	const char *err;      /* when failing and not NULL: the exact reason */
};

#define JA "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" /* 日本語 */

static const struct parse_case parse_cases[] = {
	/* Served. */
	{ "gemini://localhost/", 0, NULL, 0, "/", 0, "", -1, NULL },
	{ "gemini://localhost", 0, NULL, 0, "/", 0, "", -1, NULL },
	{ "GEMINI://LocalHost/", 0, NULL, 0, "/", 0, "", -1, NULL },
	{ "Gemini://LOCALHOST/Foo", 0, NULL, 0, "/Foo", 0, "", -1, NULL },
	{ "gemini://localhost/", 0, "LocalHost", 0, "/", 0, "", -1, NULL },
	{ "gemini://localhost./", 0, NULL, 0, "/", 0, "", -1, NULL },
	{ "gemini://localhost:1965/", 0, NULL, 0, "/", 0, "", 1965, NULL },
	{ "gemini://localhost:1965", 0, NULL, 0, "/", 0, "", 1965, NULL },
	{ "gemini://localhost:/a", 0, NULL, 0, "/a", 0, "", -1, NULL },
	{ "gemini://[::1]/", 0, "::1", 0, "/", 0, "", -1, NULL },
	{ "gemini://[::1]:1965/x", 0, "::1", 0, "/x", 0, "", 1965, NULL },
	{ "gemini://[::1]", 0, "::1", 0, "/", 0, "", -1, NULL },
	{ "gemini://127.0.0.1/", 0, "127.0.0.1", 0, "/", 0, "", -1, NULL },
	{ "gemini://localhost/search?q=%E6%97%A5", 0, NULL, 0, "/search", 1, "q=%E6%97%A5", -1, NULL },
	{ "gemini://localhost/?", 0, NULL, 0, "/", 1, "", -1, NULL },
	{ "gemini://localhost?x", 0, NULL, 0, "/", 1, "x", -1, NULL },
	{ "gemini://localhost/a?../../etc", 0, NULL, 0, "/a", 1, "../../etc", -1, NULL },
	{ "gemini://localhost/%E6%97%A5%E6%9C%AC%E8%AA%9E", 0, NULL, 0, "/" JA, 0, "", -1, NULL },
	{ "gemini://localhost/%e6%97%a5%e6%9c%ac%e8%aa%9e/", 0, NULL, 0, "/" JA "/", 0, "", -1, NULL },
	{ "gemini://localhost/" JA, 0, NULL, 0, "/" JA, 0, "", -1, NULL },
	{ "gemini://localhost/a%20b", 0, NULL, 0, "/a b", 0, "", -1, NULL },
	{ "gemini://localhost/a%2fb", 0, NULL, 0, "/a/b", 0, "", -1, NULL },
	{ "gemini://localhost/a/./b/../c", 0, NULL, 0, "/a/c", 0, "", -1, NULL },
	{ "gemini://localhost/a/..", 0, NULL, 0, "/", 0, "", -1, NULL },
	{ "gemini://localhost/a/b/..", 0, NULL, 0, "/a/", 0, "", -1, NULL },
	{ "gemini://localhost/.", 0, NULL, 0, "/", 0, "", -1, NULL },
	{ "gemini://localhost/a/%2e%2e/b", 0, NULL, 0, "/b", 0, "", -1, NULL },
	{ "gemini://localhost/a/%2E/b", 0, NULL, 0, "/a/b", 0, "", -1, NULL },
	{ "gemini://localhost/a//b", 0, NULL, 0, "/a//b", 0, "", -1, NULL },
	{ "gemini://localhost/...", 0, NULL, 0, "/...", 0, "", -1, NULL },
	/* Proxy requests: 53. */
	{ "https://localhost/", 0, NULL, 53, NULL, 0, NULL, -1, "proxy request refused" },
	{ "HTTP://localhost/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gopher://localhost:70/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://example.com/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost.example/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhos/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost../", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://./", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://[::1]/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost:1966/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost:0/", 0, NULL, 53, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost:01965/", 0, NULL, 0, "/", 0, "", 1965, NULL },
	/* Malformed, relative or not allowed: 59. */
	{ "", 0, NULL, 59, NULL, 0, NULL, -1, "empty request" },
	{ "/foo", 0, NULL, 59, NULL, 0, NULL, -1, "relative URL" },
	{ "//localhost/foo", 0, NULL, 59, NULL, 0, NULL, -1, "relative URL" },
	{ "localhost/foo", 0, NULL, 59, NULL, 0, NULL, -1, "relative URL" },
	{ "gemini://user@localhost/", 0, NULL, 59, NULL, 0, NULL, -1, "userinfo not allowed" },
	{ "gemini://@localhost/", 0, NULL, 59, NULL, 0, NULL, -1, "userinfo not allowed" },
	{ "https://user@example.com/", 0, NULL, 59, NULL, 0, NULL, -1, "userinfo not allowed" },
	{ "gemini://localhost/#frag", 0, NULL, 59, NULL, 0, NULL, -1, "fragment not allowed" },
	{ "gemini://localhost/a#", 0, NULL, 59, NULL, 0, NULL, -1, "fragment not allowed" },
	{ "gemini://localhost/a?q#f", 0, NULL, 59, NULL, 0, NULL, -1, "fragment not allowed" },
	{ "gemini:", 0, NULL, 59, NULL, 0, NULL, -1, "missing host" },
	{ "gemini:/foo", 0, NULL, 59, NULL, 0, NULL, -1, "missing host" },
	{ "gemini:///foo", 0, NULL, 59, NULL, 0, NULL, -1, "missing host" },
	{ "gemini://:1965/", 0, NULL, 59, NULL, 0, NULL, -1, "missing host" },
	{ "gemini://localhost:99999/", 0, NULL, 59, NULL, 0, NULL, -1, "bad port" },
	{ "gemini://localhost:x/", 0, NULL, 59, NULL, 0, NULL, -1, "bad port" },
	{ "gemini://[::1/", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/\xff", 0, NULL, 59, NULL, 0, NULL, -1, "request is not valid UTF-8" },
	{ "gemini://localhost/\xc0\xaf", 0, NULL, 59, NULL, 0, NULL, -1, "request is not valid UTF-8" },
	{ "gemini://localhost/\xed\xa0\x80", 0, NULL, 59, NULL, 0, NULL, -1, "request is not valid UTF-8" },
	{ "gemini://localhost/\xe6\x97", 0, NULL, 59, NULL, 0, NULL, -1, "request is not valid UTF-8" },
	{ "gemini://localhost/a\0b", 22, NULL, 59, NULL, 0, NULL, -1, "NUL byte in URL" },
	{ "\0", 1, NULL, 59, NULL, 0, NULL, -1, "NUL byte in URL" },
	{ "gemini://localhost/a b", 0, NULL, 59, NULL, 0, NULL, -1, "space in URL" },
	{ "gemini://localhost/a\tb", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/a\nb", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/\r", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/a%00b", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/a%", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/a%4", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/a%zz", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/a%g0", 0, NULL, 59, NULL, 0, NULL, -1, NULL },
	{ "gemini://localhost/%ff", 0, NULL, 59, NULL, 0, NULL, -1, "path is not valid UTF-8" },
	{ "gemini://localhost/%c0%af", 0, NULL, 59, NULL, 0, NULL, -1, "path is not valid UTF-8" },
	{ "gemini://localhost/%ed%a0%80", 0, NULL, 59, NULL, 0, NULL, -1, "path is not valid UTF-8" },
	{ "gemini://localhost/a%0ab", 0, NULL, 59, NULL, 0, NULL, -1, "control character in path" },
	{ "gemini://localhost/a%0D%0A", 0, NULL, 59, NULL, 0, NULL, -1, "control character in path" },
	{ "gemini://localhost/a%7f", 0, NULL, 59, NULL, 0, NULL, -1, "control character in path" },
	/* Climbing above the root, however spelled: 59. */
	{ "gemini://localhost/..", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/../etc/passwd", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/a/../../b", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/%2e%2e/x", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/%2E%2E/x", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/.%2e/x", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/..%2f..%2fetc/passwd", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/a/%2e%2e/%2e%2e/x", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/a%2f..%2f..%2fx", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
	{ "gemini://localhost/%2e%2e", 0, NULL, 59, NULL, 0, NULL, -1, "path climbs above the root" },
};

static void
check_parse(const struct parse_case *c)
{
	struct request_policy pol = ours;
	struct request req;
	const char *err = NULL;
	int st;

	if (c->hostname != NULL)
		pol.hostname = c->hostname;
	st = request_parse(c->line, LEN(c->line, c->len), &pol, &req, &err);
	if (st != c->status)
		fail_msg("%s: status %d (%s), want %d", c->line, st,
		    err ? err : "no reason", c->status);
	if (st != 0) {
		if (err == NULL)
			fail_msg("%s: no reason given", c->line);
		if (c->err != NULL)
			EXPECT_STR(c->line, err, c->err);
		return;
	}
	EXPECT_STR(c->line, req.path, c->path);
	EXPECT_INT(c->line, req.has_query, c->has_query);
	EXPECT_STR(c->line, req.query, c->query);
	EXPECT_INT(c->line, req.port, c->port);
}

static void
test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		check_parse(&parse_cases[i]);
}

/* A host's aliases are its names too; an IP literal however written. */
static void
test_parse_aliases(void **state)
{
	static const char *const aliases[] = { "www.a.example", "127.0.0.2",
	    "2001:db8::1" };
	static const struct { const char *line; int status; } cases[] = {
		{ "gemini://a.example/", 0 },
		{ "gemini://www.a.example/", 0 },
		{ "gemini://WWW.A.Example./", 0 },
		{ "gemini://127.0.0.2/", 0 },
		{ "gemini://[2001:db8::1]/", 0 },
		{ "gemini://[2001:DB8:0:0::1]/", 0 },
		{ "gemini://[2001:db8::2]/", 53 },
		{ "gemini://127.0.0.3/", 53 },
		{ "gemini://b.example/", 53 },
		{ "gemini://a.example.example/", 53 },
		{ "gemini://www.a.example:1965/", 0 },
	};
	struct request_policy pol = { .hostname = "a.example", .port = 1965,
	    .aliases = aliases, .naliases = 3 };
	struct request req;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = NULL;
		if (request_parse(cases[i].line, strlen(cases[i].line), &pol,
		    &req, &err) != cases[i].status)
			fail_msg("%s: %s, want %d", cases[i].line,
			    err ? err : "accepted", cases[i].status);
	}
}

/*
 * Fills buf with a request line of exactly n bytes: the prefix, then 'a's.
 * buf must hold n + 2 bytes, for the CRLF that is appended after it.
 */
static void
make_line(char *buf, size_t n)
{
	const char *pre = "gemini://localhost/";
	size_t k = strlen(pre);

	assert_true(n >= k);
	memcpy(buf, pre, k);
	memset(buf + k, 'a', n - k);
	buf[n] = '\r';
	buf[n + 1] = '\n';
}

/* A 1024-byte URL is served; 1025 bytes is 59, through scan and parse. */
static void
test_parse_limit(void **state)
{
	char buf[URL_MAX + 3];
	struct request req;
	const char *err = NULL;
	size_t linelen = 0;

	(void)state;
	make_line(buf, URL_MAX);
	assert_int_equal(request_scan(buf, URL_MAX + 2, &linelen),
	    REQUEST_COMPLETE);
	assert_int_equal(linelen, URL_MAX);
	assert_int_equal(request_parse(buf, linelen, &ours, &req, &err), 0);
	assert_int_equal(strlen(req.path), URL_MAX - strlen("gemini://localhost"));

	make_line(buf, URL_MAX + 1);
	assert_int_equal(request_scan(buf, URL_MAX + 3, &linelen),
	    REQUEST_TOO_LONG);
	assert_int_equal(request_parse(buf, URL_MAX + 1, &ours, &req, &err), 59);
	assert_string_equal(err, "URL too long");
}

/* --- request_scan --------------------------------------------------------- */

struct scan_case {
	const char *name;
	const char *buf;
	size_t len; /* 0: strlen(buf) */
	enum request_scan want;
	size_t linelen;
};

static const struct scan_case scan_cases[] = {
	{ "empty buffer", "", 0, REQUEST_INCOMPLETE, 0 },
	{ "complete", "gemini://localhost/\r\n", 0, REQUEST_COMPLETE, 19 },
	{ "no CRLF yet", "gemini://localhost/", 0, REQUEST_INCOMPLETE, 0 },
	{ "CR only so far", "gemini://localhost/\r", 0, REQUEST_INCOMPLETE, 0 },
	{ "bare LF is not an end", "gemini://localhost/\n", 0, REQUEST_INCOMPLETE, 0 },
	{ "LF CR is not an end", "gemini://localhost/\n\r", 0, REQUEST_INCOMPLETE, 0 },
	{ "bare LF inside the line", "a\nb\r\n", 0, REQUEST_COMPLETE, 3 },
	{ "empty line", "\r\n", 0, REQUEST_COMPLETE, 0 },
	{ "CR CR LF", "\r\r\n", 0, REQUEST_COMPLETE, 1 },
	{ "first CRLF wins", "a\r\nb\r\n", 0, REQUEST_COMPLETE, 1 },
	{ "NUL before CRLF", "a\0b\r\n", 5, REQUEST_COMPLETE, 3 },
};

static void
test_scan_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(scan_cases) / sizeof(scan_cases[0]); i++) {
		const struct scan_case *c = &scan_cases[i];
		size_t linelen = (size_t)-1;
		enum request_scan got;

		got = request_scan(c->buf, LEN(c->buf, c->len), &linelen);
		EXPECT_INT(c->name, got, c->want);
		if (c->want == REQUEST_COMPLETE)
			EXPECT_INT(c->name, linelen, c->linelen);
	}
}

/* Lengths around the limit, built rather than typed. */
static void
test_scan_limit(void **state)
{
	char buf[4096];
	size_t linelen = 0;

	(void)state;
	memset(buf, 'x', sizeof(buf));

	/* 1024 bytes then CRLF: complete. */
	buf[URL_MAX] = '\r';
	buf[URL_MAX + 1] = '\n';
	assert_int_equal(request_scan(buf, URL_MAX + 2, &linelen),
	    REQUEST_COMPLETE);
	assert_int_equal(linelen, URL_MAX);
	/* Bytes after the CRLF change nothing. */
	assert_int_equal(request_scan(buf, sizeof(buf), &linelen),
	    REQUEST_COMPLETE);
	assert_int_equal(linelen, URL_MAX);
	/* 1024 bytes and a CR: one more byte could still end it. */
	assert_int_equal(request_scan(buf, URL_MAX + 1, &linelen),
	    REQUEST_INCOMPLETE);

	/* 1025 bytes then CRLF: too long. */
	memset(buf, 'x', sizeof(buf));
	buf[URL_MAX + 1] = '\r';
	buf[URL_MAX + 2] = '\n';
	assert_int_equal(request_scan(buf, URL_MAX + 3, &linelen),
	    REQUEST_TOO_LONG);
	assert_int_equal(request_scan(buf, URL_MAX + 1, &linelen),
	    REQUEST_INCOMPLETE);
	assert_int_equal(request_scan(buf, URL_MAX + 2, &linelen),
	    REQUEST_TOO_LONG);

	/* No CRLF at all: incomplete until URL_MAX + 2 bytes, then too long. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(request_scan(buf, URL_MAX + 1, &linelen),
	    REQUEST_INCOMPLETE);
	assert_int_equal(request_scan(buf, URL_MAX + 2, &linelen),
	    REQUEST_TOO_LONG);
	assert_int_equal(request_scan(buf, sizeof(buf), &linelen),
	    REQUEST_TOO_LONG);

	/* Bare LFs do not end the line, so they count toward the limit. */
	memset(buf, '\n', sizeof(buf));
	assert_int_equal(request_scan(buf, URL_MAX + 1, &linelen),
	    REQUEST_INCOMPLETE);
	assert_int_equal(request_scan(buf, URL_MAX + 2, &linelen),
	    REQUEST_TOO_LONG);

	/* A CRLF far beyond the limit is still too long. */
	memset(buf, 'x', sizeof(buf));
	buf[3000] = '\r';
	buf[3001] = '\n';
	assert_int_equal(request_scan(buf, sizeof(buf), &linelen),
	    REQUEST_TOO_LONG);
}

/* A request that arrives one byte at a time, its CRLF split across reads. */
static void
test_scan_bytewise(void **state)
{
	const char req[] = "gemini://localhost/a\nb\r\n";
	size_t n = sizeof(req) - 1, i, linelen = 0;
	struct request r;
	const char *err = NULL;

	(void)state;
	for (i = 0; i < n; i++)
		assert_int_equal(request_scan(req, i, &linelen),
		    REQUEST_INCOMPLETE);
	assert_int_equal(request_scan(req, n, &linelen), REQUEST_COMPLETE);
	assert_int_equal(linelen, n - 2);
	/* The bare LF is part of the line: a control byte in the URL. */
	assert_int_equal(request_parse(req, linelen, &ours, &r, &err), 59);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_aliases),
		cmocka_unit_test(test_parse_limit),
		cmocka_unit_test(test_scan_table),
		cmocka_unit_test(test_scan_limit),
		cmocka_unit_test(test_scan_bytewise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
