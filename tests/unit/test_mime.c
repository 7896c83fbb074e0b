/*
 * test_mime.c - the types of real files in a temporary folder: the
 * extension table, libmagic behind it, the charset rule and a location's
 * override (links mime.c only, with libmagic).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mime.h"

static char dir[PATH_MAX];
static struct mime *m;
static struct mime_cache *cache;

/* Bytes that every libmagic reads the same way. */
#define ASCII "plain words, nothing more\n"
#define UTF8 "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\n"
#define LATIN1 "caf\xe9 cr\xe8me br\xfbl\xe9\x65, d\xe9j\xe0 vu\n"
#define PNG "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0"

/*
 * Writes len bytes as dir/case/name and returns its type. A folder per
 * case: a file rewritten in place within one clock tick, at the same
 * size, would look unchanged to the cache.
 */
static const char *
type_of(size_t n, const char *name, const char *bytes, size_t len,
    const char *override)
{
	char path[PATH_MAX * 2];
	struct stat sb;
	const char *type;
	int fd;

	snprintf(path, sizeof(path), "%s/%zu", dir, n);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%zu/%s", dir, n, name);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(fstat(fd, &sb), 0);
	type = mime_of(m, cache, fd, &sb, name, override);
	close(fd);
	return type;
}

struct type_case {
	const char *name;
	const char *bytes;
	size_t len;             /* 0: strlen(bytes) */
	const char *override;
	const char *want;
};

static const struct type_case type_cases[] = {
	/* The table, with the charset libmagic found. */
	{ .name = "page.gmi", .bytes = "# Hello\n", .want = "text/gemini; charset=utf-8" },
	{ .name = "page.gemini", .bytes = ASCII, .want = "text/gemini; charset=utf-8" },
	{ .name = "readme.md", .bytes = "# Title\n\n*x*\n", .want = "text/markdown; charset=utf-8" },
	{ .name = "page.html", .bytes = "<p>hello</p>\n", .want = "text/html; charset=utf-8" },
	{ .name = "page.htm", .bytes = ASCII, .want = "text/html; charset=utf-8" },
	{ .name = "style.css", .bytes = "body { color: red; }\n", .want = "text/css; charset=utf-8" },
	{ .name = "data.xml", .bytes = "<?xml version=\"1.0\"?>\n<a/>\n", .want = "text/xml; charset=utf-8" },
	{ .name = "feed.atom", .bytes = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"/>\n",
	  .want = "application/atom+xml; charset=utf-8" },
	{ .name = "feed.rss", .bytes = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"/>\n",
	  .want = "application/rss+xml; charset=utf-8" },
	{ .name = "data.json", .bytes = "{\"a\": 1}\n", .want = "application/json" },
	{ .name = "data.csv", .bytes = "a,b\n1,2\n", .want = "text/csv; charset=utf-8" },
	{ .name = "logo.svg", .bytes = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
	  .want = "image/svg+xml; charset=utf-8" },
	{ .name = "notes.txt", .bytes = ASCII, .want = "text/plain; charset=utf-8" },
	/* Any case; the last extension only; a bare ".md" is no extension. */
	{ .name = "README.MD", .bytes = ASCII, .want = "text/markdown; charset=utf-8" },
	{ .name = "Style.Css", .bytes = ASCII, .want = "text/css; charset=utf-8" },
	{ .name = "archive.md.png", .bytes = PNG, .len = sizeof(PNG) - 1, .want = "image/png" },
	{ .name = ".md", .bytes = ASCII, .want = "text/plain; charset=utf-8" },
	{ .name = "notmd", .bytes = ASCII, .want = "text/plain; charset=utf-8" },
	/* The charset stays libmagic's. */
	{ .name = "utf8.md", .bytes = UTF8, .want = "text/markdown; charset=utf-8" },
	{ .name = "latin1.txt", .bytes = LATIN1, .want = "text/plain; charset=iso-8859-1" },
	{ .name = "latin1.css", .bytes = LATIN1, .want = "text/css; charset=iso-8859-1" },
	{ .name = "latin1.json", .bytes = LATIN1, .want = "application/json" },
	{ .name = "empty.md", .bytes = "", .want = "text/markdown; charset=utf-8" },
	{ .name = "empty", .bytes = "", .want = "text/plain; charset=utf-8" },
	/* A .txt that is not text is still typed by its name, as .gmi is. */
	{ .name = "binary.txt", .bytes = PNG, .len = sizeof(PNG) - 1, .want = "text/plain; charset=utf-8" },
	/* libmagic for everything else. */
	{ .name = "picture", .bytes = PNG, .len = sizeof(PNG) - 1, .want = "image/png" },
	{ .name = "picture.jpg", .bytes = PNG, .len = sizeof(PNG) - 1, .want = "image/png" },
	{ .name = "notes", .bytes = UTF8, .want = "text/plain; charset=utf-8" },
	/* A location's override comes first, with the same charset rule. */
	{ .name = "todo.org", .bytes = ASCII, .override = "text/org", .want = "text/org; charset=utf-8" },
	{ .name = "todo.org", .bytes = LATIN1, .override = "text/org", .want = "text/org; charset=iso-8859-1" },
	{ .name = "page.md", .bytes = ASCII, .override = "text/plain", .want = "text/plain; charset=utf-8" },
	{ .name = "page.gmi", .bytes = ASCII, .override = "text/plain", .want = "text/plain; charset=utf-8" },
	{ .name = "blob", .bytes = ASCII, .override = "application/octet-stream", .want = "application/octet-stream" },
	{ .name = "logo", .bytes = ASCII, .override = "application/vnd.a+xml", .want = "application/vnd.a+xml; charset=utf-8" },
	{ .name = "conf", .bytes = ASCII, .override = "application/xml", .want = "application/xml; charset=utf-8" },
	{ .name = "picture", .bytes = PNG, .len = sizeof(PNG) - 1, .override = "text/x-made-up",
	  .want = "text/x-made-up; charset=utf-8" },
	/* One that is not type/subtype is ignored: the table, then libmagic. */
	{ .name = "page.md", .bytes = ASCII, .override = "text/plain; charset=x", .want = "text/markdown; charset=utf-8" },
	{ .name = "page.md", .bytes = ASCII, .override = "", .want = "text/markdown; charset=utf-8" },
	{ .name = "picture", .bytes = PNG, .len = sizeof(PNG) - 1, .override = "text", .want = "image/png" },
};

static void
test_types(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		const struct type_case *c = &type_cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->bytes);
		const char *got = type_of(i, c->name, c->bytes, len, c->override);

		if (strcmp(got, c->want) != 0)
			fail_msg("%s (override %s): \"%s\", want \"%s\"",
			    c->name, c->override != NULL ? c->override : "none",
			    got, c->want);
	}
}

/* The cache holds libmagic's reading of a file; the name and override
 * still decide per call. */
static void
test_cache_keeps_content_not_name(void **state)
{
	char path[PATH_MAX * 2];
	struct stat sb;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/same", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, LATIN1, strlen(LATIN1)), (ssize_t)strlen(LATIN1));
	assert_int_equal(fstat(fd, &sb), 0);
	assert_string_equal(mime_of(m, cache, fd, &sb, "same", NULL),
	    "text/plain; charset=iso-8859-1");
	assert_string_equal(mime_of(m, cache, fd, &sb, "same.css", NULL),
	    "text/css; charset=iso-8859-1");
	assert_string_equal(mime_of(m, cache, fd, &sb, "same.json", NULL),
	    "application/json");
	assert_string_equal(mime_of(m, cache, fd, &sb, "same", "text/org"),
	    "text/org; charset=iso-8859-1");
	assert_string_equal(mime_of(m, cache, fd, &sb, "same.gmi", NULL),
	    "text/gemini; charset=iso-8859-1");
	close(fd);
}

/* A file first typed by its name (libmagic asked for the charset only)
 * is read again, whole, when a name without a known extension asks; and
 * mime_release loses nothing libmagic needs. */
static void
test_named_first_then_content(void **state)
{
	char path[PATH_MAX * 2];
	struct stat sb;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/named", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, PNG, sizeof(PNG) - 1), (ssize_t)sizeof(PNG) - 1);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_string_equal(mime_of(m, cache, fd, &sb, "named.txt", NULL),
	    "text/plain; charset=utf-8");
	assert_string_equal(mime_of(m, cache, fd, &sb, "named", NULL),
	    "image/png");
	assert_string_equal(mime_of(m, cache, fd, &sb, "named.txt", NULL),
	    "text/plain; charset=utf-8");
	close(fd);
	mime_release();
	assert_string_equal(type_of(100, "after-release", PNG, sizeof(PNG) - 1,
	    NULL), "image/png");
	assert_string_equal(type_of(101, "after-release.gmi", LATIN1,
	    strlen(LATIN1), NULL), "text/gemini; charset=iso-8859-1");
}

struct valid_case {
	const char *type;
	int want;
};

static const struct valid_case valid_cases[] = {
	{ .type = "text/plain", .want = 1 },
	{ .type = "text/markdown", .want = 1 },
	{ .type = "application/atom+xml", .want = 1 },
	{ .type = "application/vnd.oasis.opendocument.text", .want = 1 },
	{ .type = "text/x-c++src", .want = 1 },
	{ .type = "Text/Plain", .want = 1 },
	{ .type = "a/b", .want = 1 },
	{ .type = "x/a!#$&-^_.+", .want = 1 },
	{ .type = NULL, .want = 0 },
	{ .type = "", .want = 0 },
	{ .type = "text", .want = 0 },
	{ .type = "text/", .want = 0 },
	{ .type = "/plain", .want = 0 },
	{ .type = "text/plain/x", .want = 0 },
	{ .type = "text/plain; charset=utf-8", .want = 0 },
	{ .type = "text/plain ", .want = 0 },
	{ .type = " text/plain", .want = 0 },
	{ .type = "text/pla in", .want = 0 },
	{ .type = "text/plain\r\n20 x", .want = 0 },
	{ .type = "text/.plain", .want = 0 },
	{ .type = "+text/plain", .want = 0 },
	{ .type = "t\xc3\xa9xt/plain", .want = 0 },
	{ .type = "text/plain\"", .want = 0 },
};

static void
test_type_is_valid(void **state)
{
	char longest[300], too_long[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		const struct valid_case *c = &valid_cases[i];

		if (mime_type_is_valid(c->type) != c->want)
			fail_msg("\"%s\": %d, want %d",
			    c->type != NULL ? c->type : "(null)",
			    !c->want, c->want);
	}
	/* 127 characters each side (RFC 6838), and not one more. */
	memset(longest, 'a', 255);
	longest[127] = '/';
	longest[255] = '\0';
	assert_int_equal(mime_type_is_valid(longest), 1);
	memcpy(too_long, longest, 256);
	memmove(too_long + 1, too_long, 256);
	assert_int_equal(mime_type_is_valid(too_long), 0);
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kizuna-mime-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if ((m = mime_open(err, sizeof(err))) == NULL) {
		fprintf(stderr, "mime_open: %s\n", err);
		return -1;
	}
	return (cache = mime_cache_new()) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	mime_cache_free(cache);
	mime_close(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_cache_keeps_content_not_name),
		cmocka_unit_test(test_named_first_then_content),
		cmocka_unit_test(test_type_is_valid),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
