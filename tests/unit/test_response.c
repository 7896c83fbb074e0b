/*
 * test_response.c - response.c: the bytes a Gemini response puts on the
 * wire, without TLS. Each builder's header, META at and past 1024 bytes,
 * no body unless 2x, the lang parameter, the 44's bare seconds, the newline a
 * gemtext file is given, and a body read back from memory or a file.
 *
 * Table-driven where the cases are data; files are unlinked temporary
 * files, so nothing is left behind.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "response.h"

/* An open, already unlinked file holding bytes[0..len). */
static int
temp_file(const char *bytes, size_t len)
{
	char path[] = "/tmp/kizuna-test-response-XXXXXX";
	int fd = mkstemp(path);

	if (fd == -1)
		fail_msg("mkstemp: %s", strerror(errno));
	unlink(path);
	if (len > 0 && write(fd, bytes, len) != (ssize_t)len)
		fail_msg("write: %s", strerror(errno));
	return fd;
}

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* The header response_begin writes, as a string. */
static const char *
header_of(struct response *resp)
{
	static char out[RESPONSE_HEADER_MAX];
	size_t n = response_begin(resp, out, sizeof(out));

	assert_int_equal(n, strlen(out));
	return out;
}

/* Everything after the header, read n bytes at a time, into buf. */
static size_t
body_of(const struct response *resp, size_t n, char *buf, size_t size)
{
	const char *why = NULL;
	size_t len = 0;
	ssize_t got;

	while ((got = response_read(resp, (off_t)len, buf + len,
	    size - len < n ? size - len : n, &why)) > 0)
		len += (size_t)got;
	assert_int_equal(got, 0);
	assert_null(why);
	assert_int_equal((off_t)len, response_body_length(resp));
	return len;
}

/* --- the header of each builder ------------------------------------------ */

enum builder { STATUS, SLOW_DOWN, REDIRECT, MEMORY, FILE_BODY };

struct header_case {
	const char *name;
	enum builder builder;
	int status;           /* STATUS, REDIRECT; SLOW_DOWN: the seconds */
	const char *meta;     /* STATUS: META; REDIRECT: URL; else the type */
	const char *lang;     /* MEMORY, FILE_BODY */
	const char *body;     /* MEMORY, FILE_BODY */
	const char *header;   /* what goes on the wire */
	const char *after;    /* and what follows it */
};

static const struct header_case header_cases[] = {
	{ .name = "10 input", .builder = STATUS, .status = 10,
	  .meta = "Your name?", .header = "10 Your name?\r\n", .after = "" },
	{ .name = "40", .builder = STATUS, .status = 40,
	  .meta = "Temporary failure, try again",
	  .header = "40 Temporary failure, try again\r\n", .after = "" },
	{ .name = "51", .builder = STATUS, .status = 51, .meta = "Not found",
	  .header = "51 Not found\r\n", .after = "" },
	{ .name = "59", .builder = STATUS, .status = 59,
	  .meta = "URL longer than 1024 bytes",
	  .header = "59 URL longer than 1024 bytes\r\n", .after = "" },
	{ .name = "53 with UTF-8", .builder = STATUS, .status = 53,
	  .meta = "ほかのホストです", .header = "53 ほかのホストです\r\n", .after = "" },
	{ .name = "empty META", .builder = STATUS, .status = 52, .meta = "",
	  .header = "52 \r\n", .after = "" },
	{ .name = "44, one second", .builder = SLOW_DOWN, .status = 1,
	  .header = "44 1\r\n", .after = "" },
	{ .name = "44, seconds", .builder = SLOW_DOWN, .status = 30,
	  .header = "44 30\r\n", .after = "" },
	{ .name = "44, zero", .builder = SLOW_DOWN, .status = 0,
	  .header = "44 0\r\n", .after = "" },
	{ .name = "31 absolute", .builder = REDIRECT, .status = 31,
	  .meta = "gemini://example.org:1966/dir/?q%20x",
	  .header = "31 gemini://example.org:1966/dir/?q%20x\r\n", .after = "" },
	{ .name = "30 path", .builder = REDIRECT, .status = 30,
	  .meta = "/new/", .header = "30 /new/\r\n", .after = "" },
	{ .name = "31 IPv6 host", .builder = REDIRECT, .status = 31,
	  .meta = "gemini://[::1]/a/", .header = "31 gemini://[::1]/a/\r\n",
	  .after = "" },
	{ .name = "20 gemtext page", .builder = MEMORY,
	  .meta = "text/gemini; charset=utf-8", .lang = "ja",
	  .body = "# 見出し\n",
	  .header = "20 text/gemini; charset=utf-8; lang=ja\r\n",
	  .after = "# 見出し\n" },
	{ .name = "20 page sent as given, no newline added", .builder = MEMORY,
	  .meta = "text/gemini; charset=utf-8", .lang = "en", .body = "x",
	  .header = "20 text/gemini; charset=utf-8; lang=en\r\n", .after = "x" },
	{ .name = "20 feed", .builder = MEMORY, .meta = "application/atom+xml",
	  .lang = "ja", .body = "<feed/>",
	  .header = "20 application/atom+xml\r\n", .after = "<feed/>" },
	{ .name = "20 empty page", .builder = MEMORY,
	  .meta = "text/plain; charset=utf-8", .lang = "ja", .body = "",
	  .header = "20 text/plain; charset=utf-8\r\n", .after = "" },
	{ .name = "20 gemtext file", .builder = FILE_BODY,
	  .meta = "text/gemini; charset=utf-8", .lang = "\"ja,en\"",
	  .body = "=> /a A\n",
	  .header = "20 text/gemini; charset=utf-8; lang=\"ja,en\"\r\n",
	  .after = "=> /a A\n" },
	{ .name = "20 gemtext file without final newline", .builder = FILE_BODY,
	  .meta = "text/gemini; charset=utf-8", .lang = "ja", .body = "# a\nb",
	  .header = "20 text/gemini; charset=utf-8; lang=ja\r\n",
	  .after = "# a\nb\n" },
	{ .name = "20 empty gemtext file", .builder = FILE_BODY,
	  .meta = "text/gemini; charset=utf-8", .lang = "ja", .body = "",
	  .header = "20 text/gemini; charset=utf-8; lang=ja\r\n", .after = "\n" },
	{ .name = "20 text file without final newline", .builder = FILE_BODY,
	  .meta = "text/plain; charset=utf-8", .lang = "ja", .body = "abc",
	  .header = "20 text/plain; charset=utf-8\r\n", .after = "abc" },
	{ .name = "20 image", .builder = FILE_BODY, .meta = "image/png",
	  .lang = "ja", .body = "\x89PNG\r\n\x1a\n",
	  .header = "20 image/png\r\n", .after = "\x89PNG\r\n\x1a\n" },
};

/* Builds c's response; its file, if any, goes in *fd. */
static void
build(const struct header_case *c, struct response *resp, int *fd)
{
	*fd = -1;
	switch (c->builder) {
	case STATUS:
		assert_int_equal(response_status(resp, c->status, c->meta), 0);
		return;
	case SLOW_DOWN:
		response_slow_down(resp, c->status);
		return;
	case REDIRECT:
		assert_int_equal(response_redirect(resp, c->status, c->meta), 0);
		return;
	case MEMORY:
		assert_int_equal(response_memory(resp, c->body, strlen(c->body),
		    c->meta, c->lang), 0);
		return;
	case FILE_BODY:
		*fd = temp_file(c->body, strlen(c->body));
		assert_int_equal(response_file(resp, *fd,
		    (off_t)strlen(c->body), c->meta, c->lang), 0);
		return;
	}
}

static void
test_headers(void **state)
{
	char buf[256];
	size_t i, n, len;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		const struct header_case *c = &header_cases[i];

		for (n = 1; n <= sizeof(buf); n += sizeof(buf) - 1) {
			struct response resp;

			response_init(&resp);
			build(c, &resp, &fd);
			if (strcmp(header_of(&resp), c->header) != 0)
				fail_msg("%s: header \"%s\", expected \"%s\"",
				    c->name, header_of(&resp), c->header);
			len = body_of(&resp, n, buf, sizeof(buf));
			if (len != strlen(c->after) ||
			    memcmp(buf, c->after, len) != 0)
				fail_msg("%s: wrong body (read %zu at a time)",
				    c->name, n);
			response_release(&resp);
			if (fd != -1 && is_open(fd))
				fail_msg("%s: file left open", c->name);
		}
	}
}

/* --- META at and past 1024 bytes ----------------------------------------- */

struct meta_case {
	const char *name;
	const char *head;     /* META: head, then 'x' up to total bytes */
	size_t total;
	const char *tail;     /* then this */
	int result;           /* response_status's */
	size_t kept;          /* the bytes of META kept */
};

static const struct meta_case meta_cases[] = {
	{ .name = "1024 bytes", .head = "", .total = 1024, .tail = "",
	  .result = 0, .kept = 1024 },
	{ .name = "1025 bytes, cut", .head = "", .total = 1025, .tail = "",
	  .result = -1, .kept = 1024 },
	{ .name = "far over", .head = "", .total = 5000, .tail = "",
	  .result = -1, .kept = 1024 },
	/* "あ" is three bytes, E3 81 82. */
	{ .name = "a character ending at 1024", .head = "", .total = 1021,
	  .tail = "あ", .result = 0, .kept = 1024 },
	{ .name = "a character across 1024, by one byte", .head = "",
	  .total = 1022, .tail = "あ", .result = -1, .kept = 1022 },
	{ .name = "a character across 1024, by two bytes", .head = "",
	  .total = 1023, .tail = "あ", .result = -1, .kept = 1023 },
	{ .name = "a character just past 1024", .head = "", .total = 1024,
	  .tail = "あ", .result = -1, .kept = 1024 },
	/* U+1F338 is four bytes: the limit may fall after any of three. */
	{ .name = "four bytes across 1024", .head = "", .total = 1021,
	  .tail = "\xf0\x9f\x8c\xb8", .result = -1, .kept = 1021 },
	{ .name = "four bytes ending at 1024", .head = "", .total = 1020,
	  .tail = "\xf0\x9f\x8c\xb8", .result = 0, .kept = 1024 },
};

static void
test_meta_limit(void **state)
{
	char meta[6000], out[RESPONSE_HEADER_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(meta_cases) / sizeof(meta_cases[0]); i++) {
		const struct meta_case *c = &meta_cases[i];
		struct response resp;

		snprintf(meta, sizeof(meta), "%s", c->head);
		memset(meta + strlen(c->head), 'x', c->total - strlen(c->head));
		snprintf(meta + c->total, sizeof(meta) - c->total, "%s",
		    c->tail);
		response_init(&resp);
		if (response_status(&resp, 50, meta) != c->result)
			fail_msg("%s: result", c->name);
		if (strlen(resp.meta) != c->kept ||
		    memcmp(resp.meta, meta, c->kept) != 0)
			fail_msg("%s: kept %zu bytes, expected %zu", c->name,
			    strlen(resp.meta), c->kept);
		n = response_begin(&resp, out, sizeof(out));
		assert_int_equal(n, 3 + c->kept + 2);
		assert_memory_equal(out + n - 2, "\r\n", 2);
	}
}

/* A URL over 1024 bytes is refused whole: a cut one points elsewhere. */
static void
test_redirect_too_long(void **state)
{
	char url[1100];
	struct response resp;

	(void)state;
	memset(url, 'a', sizeof(url) - 1);
	url[sizeof(url) - 1] = '\0';
	memcpy(url, "gemini://", 9);
	response_init(&resp);
	assert_int_equal(response_status(&resp, 51, "Not found"), 0);
	url[1025] = '\0';
	assert_int_equal(response_redirect(&resp, 31, url), -1);
	assert_int_equal(resp.status, 51);
	assert_string_equal(resp.meta, "Not found");
	url[1024] = '\0';
	assert_int_equal(response_redirect(&resp, 31, url), 0);
	assert_int_equal(resp.status, 31);
	assert_string_equal(resp.meta, url);
}

/* --- the lang parameter -------------------------------------------------- */

struct lang_case {
	const char *type;
	const char *lang;
	const char *meta;
};

static const struct lang_case lang_cases[] = {
	{ "text/gemini", "ja", "text/gemini; lang=ja" },
	{ "text/gemini; charset=utf-8", "en", "text/gemini; charset=utf-8; lang=en" },
	{ "text/gemini; charset=utf-8", "en-GB", "text/gemini; charset=utf-8; lang=en-GB" },
	/* Several tags must be quoted (gemtext specification). */
	{ "text/gemini; charset=utf-8", "ja,en",
	  "text/gemini; charset=utf-8; lang=\"ja,en\"" },
	{ "text/gemini", "en,fr,de", "text/gemini; lang=\"en,fr,de\"" },
	/* As the host settings and the page table hand them in. */
	{ "text/gemini; charset=utf-8", "\"ja,en\"",
	  "text/gemini; charset=utf-8; lang=\"ja,en\"" },
	{ "text/gemini", NULL, "text/gemini" },
	{ "text/gemini; charset=utf-8", "", "text/gemini; charset=utf-8" },
	/* Only text/gemini takes lang. */
	{ "text/plain; charset=utf-8", "ja", "text/plain; charset=utf-8" },
	{ "text/markdown; charset=utf-8", "ja,en", "text/markdown; charset=utf-8" },
	{ "text/gemini-x", "ja", "text/gemini-x" },
	{ "application/atom+xml", "ja", "application/atom+xml" },
};

static void
test_lang(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lang_cases) / sizeof(lang_cases[0]); i++) {
		const struct lang_case *c = &lang_cases[i];
		struct response resp;
		int fd = temp_file("\n", 1);

		response_init(&resp);
		assert_int_equal(response_memory(&resp, "\n", 1, c->type,
		    c->lang), 0);
		if (strcmp(resp.meta, c->meta) != 0)
			fail_msg("%s + %s: \"%s\", expected \"%s\"", c->type,
			    c->lang != NULL ? c->lang : "NULL", resp.meta,
			    c->meta);
		/* A file's META is made the same way. */
		assert_int_equal(response_file(&resp, fd, 1, c->type, c->lang),
		    0);
		assert_string_equal(resp.meta, c->meta);
		response_release(&resp);
	}
}

/* --- no body unless 2x ---------------------------------------------------- */

static void
test_no_body_unless_2x(void **state)
{
	struct response resp;
	char buf[16];
	const char *why = NULL;
	int fd = temp_file("# file\n", 7);

	(void)state;
	/* A status built over a file response closes the file. */
	response_init(&resp);
	assert_int_equal(response_file(&resp, fd, 7, "text/gemini", "ja"), 0);
	assert_int_equal(response_body_length(&resp), 7);
	assert_int_equal(response_status(&resp, 51, "Not found"), 0);
	assert_false(is_open(fd));
	assert_int_equal(resp.fd, -1);
	assert_int_equal(response_body_length(&resp), 0);
	assert_string_equal(header_of(&resp), "51 Not found\r\n");
	assert_int_equal(response_read(&resp, 0, buf, sizeof(buf), &why), 0);

	/* A body left beside another status is dropped when framed. */
	fd = temp_file("abc", 3);
	assert_int_equal(response_file(&resp, fd, 3, "text/gemini", "ja"), 0);
	assert_int_equal(resp.add_newline, 1);
	resp.status = 40;
	assert_string_equal(header_of(&resp), "40 text/gemini; lang=ja\r\n");
	assert_false(is_open(fd));
	assert_int_equal(resp.source, RESPONSE_NO_BODY);
	assert_int_equal(response_body_length(&resp), 0);

	assert_int_equal(response_memory(&resp, "body", 4, "text/plain", NULL),
	    0);
	resp.status = 31;
	header_of(&resp);
	assert_null(resp.body);
	assert_int_equal(response_body_length(&resp), 0);
	assert_int_equal(response_read(&resp, 0, buf, sizeof(buf), &why), 0);
	assert_null(why);
}

/* --- a file that changes under the response -------------------------------- */

static void
test_file_shrank(void **state)
{
	struct response resp;
	char buf[64];
	const char *why = NULL;
	int fd = temp_file("0123456789", 10);

	(void)state;
	response_init(&resp);
	/* Stat said 20 bytes; 10 are left when it is read. */
	assert_int_equal(response_file(&resp, fd, 20, "image/png", NULL), 0);
	assert_int_equal(response_read(&resp, 0, buf, sizeof(buf), &why), 10);
	assert_null(why);
	assert_int_equal(response_read(&resp, 10, buf, sizeof(buf), &why), -1);
	assert_string_equal(why, "file shrank while being sent");
	response_release(&resp);
}

static void
test_file_read_error(void **state)
{
	struct response resp;
	char buf[64];
	const char *why = NULL;
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_int_not_equal(fd, -1);
	response_init(&resp);
	assert_int_equal(response_file(&resp, fd, 100, "image/png", NULL), 0);
	assert_int_equal(response_read(&resp, 0, buf, sizeof(buf), &why), -1);
	assert_string_equal(why, "file read error while sending");
	response_release(&resp);
	assert_false(is_open(fd));
}

/* The added newline is one more byte, read once the body is done. */
static void
test_add_newline(void **state)
{
	struct response resp;
	char buf[8];
	const char *why = NULL;
	int fd = temp_file("ab", 2);

	(void)state;
	response_init(&resp);
	assert_int_equal(response_file(&resp, fd, 2,
	    "text/gemini; charset=utf-8", "ja"), 0);
	assert_int_equal(resp.add_newline, 1);
	assert_int_equal(resp.size, 2);
	assert_int_equal(response_body_length(&resp), 3);
	assert_int_equal(response_read(&resp, 0, buf, 2, &why), 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(response_read(&resp, 2, buf, 8, &why), 1);
	assert_int_equal(buf[0], '\n');
	assert_int_equal(response_read(&resp, 3, buf, 8, &why), 0);
	assert_int_equal(response_read(&resp, 0, buf, 0, &why), 0);
	assert_null(why);
	response_release(&resp);
}

/* Released twice, and the status stays for the access log. */
static void
test_release(void **state)
{
	struct response resp;
	int fd = temp_file("x", 1);

	(void)state;
	response_init(&resp);
	assert_int_equal(resp.status, 0);
	assert_int_equal(resp.fd, -1);
	response_release(&resp);
	assert_int_equal(response_file(&resp, fd, 1, "text/plain", NULL), 0);
	response_release(&resp);
	assert_false(is_open(fd));
	response_release(&resp);
	assert_int_equal(resp.status, 20);
	assert_string_equal(resp.meta, "text/plain");
	assert_int_equal(response_body_length(&resp), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_meta_limit),
		cmocka_unit_test(test_redirect_too_long),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_no_body_unless_2x),
		cmocka_unit_test(test_file_shrank),
		cmocka_unit_test(test_file_read_error),
		cmocka_unit_test(test_add_newline),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
