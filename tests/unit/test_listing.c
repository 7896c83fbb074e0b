/*
 * test_listing.c - folder listings: which names show, the title of a
 * gemtext file, the page (tables), and listing_read against real temporary
 * folders holding links, a FIFO and hostile names (links listing.c,
 * listing_read.c and utf8.c).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "listing.h"

/* --- listing_shows ------------------------------------------------------ */

struct shows_case {
	const char *name;
	int want;
};

static const struct shows_case shows_cases[] = {
	{ .name = "index.gmi", .want = 1 },
	{ .name = "a b", .want = 1 },
	{ .name = "100%?#", .want = 1 },
	{ .name = "日本語.gmi", .want = 1 },
	{ .name = "emoji \xf0\x9f\x8e\x89", .want = 1 },
	{ .name = "trailing.", .want = 1 },
	{ .name = "", .want = 0 },
	{ .name = ".", .want = 0 },
	{ .name = "..", .want = 0 },
	{ .name = ".git", .want = 0 },
	{ .name = ".hidden.gmi", .want = 0 },
	{ .name = "a/b", .want = 0 },
	{ .name = "new\nline", .want = 0 },
	{ .name = "carriage\rreturn", .want = 0 },
	{ .name = "tab\there", .want = 0 },
	{ .name = "bell\a", .want = 0 },
	{ .name = "esc\x1b[2J", .want = 0 },
	{ .name = "del\x7f", .want = 0 },
	{ .name = "c1\xc2\x9b" "31m", .want = 0 },
	{ .name = "nel\xc2\x85", .want = 0 },
	{ .name = "line\xe2\x80\xa8sep", .want = 0 },
	{ .name = "para\xe2\x80\xa9sep", .want = 0 },
	{ .name = "latin1 caf\xe9", .want = 0 },
	{ .name = "overlong \xc0\xaf", .want = 0 },
	{ .name = "surrogate \xed\xa0\x80", .want = 0 },
	{ .name = "cut \xe6\x97", .want = 0 },
};

static void
test_shows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(shows_cases) / sizeof(shows_cases[0]); i++)
		if (listing_shows(shows_cases[i].name) != shows_cases[i].want)
			fail_msg("listing_shows(\"%s\") is %d", shows_cases[i].name,
			    !shows_cases[i].want);
}

/* --- listing_title ------------------------------------------------------ */

struct title_case {
	const char *what;
	const char *text;
	size_t len;      /* 0: strlen(text) */
	int cut;         /* the text stops before the file's end */
	size_t size;     /* 0: 256 */
	const char *want; /* NULL: no title */
};

#define LONG_60 "012345678901234567890123456789012345678901234567890123456789"

static const struct title_case title_cases[] = {
	{ .what = "first line", .text = "# Hello\nbody\n", .want = "Hello" },
	{ .what = "no newline at the end", .text = "# Hello", .want = "Hello" },
	{ .what = "after text", .text = "intro\n\n# Title\n# Second\n", .want = "Title" },
	{ .what = "CRLF", .text = "# Hello\r\nbody\r\n", .want = "Hello" },
	{ .what = "no space after #", .text = "#Tight\n", .want = "Tight" },
	{ .what = "tabs and spaces trimmed", .text = "#\t  Spaced out \t\n", .want = "Spaced out" },
	{ .what = "tab inside", .text = "# a\tb\n", .want = "a b" },
	{ .what = "level 2 is not the title", .text = "## Sub\n# Main\n", .want = "Main" },
	{ .what = "level 3 either", .text = "### Sub\n", .want = NULL },
	{ .what = "only level 2", .text = "## Sub\ntext\n", .want = NULL },
	{ .what = "empty heading passed over", .text = "#\n#   \n# Real\n", .want = "Real" },
	{ .what = "not at line start", .text = " # Indented\n", .want = NULL },
	{ .what = "none", .text = "just text\n=> link\n", .want = NULL },
	{ .what = "empty", .text = "", .want = NULL },
	{ .what = "BOM skipped", .text = "\xef\xbb\xbf# With BOM\n", .want = "With BOM" },
	{ .what = "Japanese", .text = "# 日本語の見出し\n", .want = "日本語の見出し" },
	{ .what = "inside preformatted", .text = "```\n# not a heading\n```\n# Yes\n", .want = "Yes" },
	{ .what = "alt text on the fence", .text = "```sh\n# comment\n```\n", .want = NULL },
	{ .what = "unclosed preformatted", .text = "```\n# no\n", .want = NULL },
	{ .what = "invalid UTF-8", .text = "# caf\xe9\n# Next\n", .want = NULL },
	{ .what = "control character", .text = "# a\x1b[2Jb\n", .want = NULL },
	{ .what = "C1 control", .text = "# a\xc2\x9b" "b\n", .want = NULL },
	{ .what = "lone CR inside", .text = "# a\rb\n", .want = NULL },
	{ .what = "line separator", .text = "# a\xe2\x80\xa8" "b\n", .want = NULL },
	{ .what = "NUL inside", .text = "# a\0b\n", .len = 7, .want = NULL },
	{ .what = "cut: last line ignored", .text = "text\n# Partial", .cut = 1, .want = NULL },
	{ .what = "cut: whole lines kept", .text = "# Whole\n# Part", .cut = 1, .want = "Whole" },
	{ .what = "fits exactly", .text = "# abcdefg\n", .size = 8, .want = "abcdefg" },
	{ .what = "one byte too long", .text = "# abcdefgh\n", .size = 8, .want = "abcd\xe2\x80\xa6" },
	{ .what = "cut between characters", .text = "# 日本語です\n", .size = 10,
	  .want = "日本\xe2\x80\xa6" },
	{ .what = "cut, 256 bytes", .text = "# " LONG_60 LONG_60 LONG_60 LONG_60 LONG_60 "\n",
	  .want = LONG_60 LONG_60 LONG_60 LONG_60 "012345678901\xe2\x80\xa6" },
	{ .what = "size too small", .text = "# a\n", .size = 3, .want = NULL },
};

static void
test_title(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(title_cases) / sizeof(title_cases[0]); i++) {
		const struct title_case *c = &title_cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->text);
		size_t size = c->size != 0 ? c->size : 256;
		char title[256];
		int rv;

		memset(title, 'x', sizeof(title));
		rv = listing_title(c->text, len, !c->cut, title, size);
		if (rv != (c->want != NULL))
			fail_msg("%s: returned %d", c->what, rv);
		if (strcmp(title, c->want != NULL ? c->want : "") != 0)
			fail_msg("%s: \"%s\", want \"%s\"", c->what, title,
			    c->want != NULL ? c->want : "");
		if (strlen(title) >= size)
			fail_msg("%s: %zu bytes in %zu", c->what, strlen(title), size);
	}
}

/* --- listing_render ----------------------------------------------------- */

#define KiB 1024
#define MiB (1024 * 1024)

struct render_case {
	const char *what;
	const char *path;
	struct listing_entry entries[6];
	size_t n;
	const char *want;
};

static const struct render_case render_cases[] = {
	{ .what = "empty root", .path = "/", .n = 0, .want = "# /\n" },
	{ .what = "empty folder", .path = "/docs/", .n = 0, .want = "# /docs/\n=> ../ ../\n" },
	{ .what = "folders first, then files, byte order",
	  .path = "/docs/", .n = 6,
	  .entries = {
		{ .name = "b.txt", .size = 10 },
		{ .name = "Zeta", .is_dir = 1 },
		{ .name = "a.gmi", .size = 2048, .title = "The A page" },
		{ .name = "alpha", .is_dir = 1 },
		{ .name = "B.txt", .size = 0 },
		{ .name = "nested dir", .is_dir = 1, .size = 4096 },
	  },
	  .want = "# /docs/\n"
		  "=> ../ ../\n"
		  "=> Zeta/ Zeta/\n"
		  "=> alpha/ alpha/\n"
		  "=> nested%20dir/ nested dir/\n"
		  "=> B.txt B.txt (0 B)\n"
		  "=> a.gmi The A page (2.0 KiB)\n"
		  "=> b.txt b.txt (10 B)\n" },
	{ .what = "escaping in links, not in labels",
	  .path = "/", .n = 6,
	  .entries = {
		{ .name = "a b%c?d#e", .size = 1 },
		{ .name = "日本語.gmi", .size = 1 },
		{ .name = "mailto:x", .size = 1 },
		{ .name = "ok-._~!$&'()*+,;=@", .size = 1 },
		{ .name = "[v6]\"<>\\^`{|}", .size = 1 },
		{ .name = "dir:x y", .is_dir = 1 },
	  },
	  .want = "# /\n"
		  "=> dir%3Ax%20y/ dir:x y/\n"
		  "=> %5Bv6%5D%22%3C%3E%5C%5E%60%7B%7C%7D [v6]\"<>\\^`{|} (1 B)\n"
		  "=> a%20b%25c%3Fd%23e a b%c?d#e (1 B)\n"
		  "=> mailto%3Ax mailto:x (1 B)\n"
		  "=> ok-._~!$&'()*+,;=@ ok-._~!$&'()*+,;=@ (1 B)\n"
		  "=> %E6%97%A5%E6%9C%AC%E8%AA%9E.gmi 日本語.gmi (1 B)\n" },
	{ .what = "dotfiles and unsafe names never listed",
	  .path = "/a/", .n = 6,
	  .entries = {
		{ .name = ".hidden", .size = 1 },
		{ .name = ".git", .is_dir = 1 },
		{ .name = "evil\n=> gemini://x.example/ Log in", .size = 1 },
		{ .name = "caf\xe9", .size = 1 },
		{ .name = "esc\x1b[2J", .size = 1 },
		{ .name = "kept", .size = 1 },
	  },
	  .want = "# /a/\n=> ../ ../\n=> kept kept (1 B)\n" },
	{ .what = "unsafe titles fall back to the name",
	  .path = "/", .n = 5,
	  .entries = {
		{ .name = "a.gmi", .size = 1, .title = "line\nbreak" },
		{ .name = "b.gmi", .size = 1, .title = "cr\rhere" },
		{ .name = "c.gmi", .size = 1, .title = "caf\xe9" },
		{ .name = "d.gmi", .size = 1, .title = "sep\xe2\x80\xa8" },
		{ .name = "e.gmi", .size = 1, .title = "日本語" },
	  },
	  .want = "# /\n"
		  "=> a.gmi a.gmi (1 B)\n"
		  "=> b.gmi b.gmi (1 B)\n"
		  "=> c.gmi c.gmi (1 B)\n"
		  "=> d.gmi d.gmi (1 B)\n"
		  "=> e.gmi 日本語 (1 B)\n" },
	{ .what = "sizes",
	  .path = "/s/", .n = 6,
	  .entries = {
		{ .name = "1", .size = 1023 },
		{ .name = "2", .size = 1024 },
		{ .name = "3", .size = 1536 + 52 },
		{ .name = "4", .size = MiB - 1 },
		{ .name = "5", .size = 10 * MiB + MiB / 2 },
		{ .name = "6", .size = -5 },
	  },
	  .want = "# /s/\n=> ../ ../\n"
		  "=> 1 1 (1023 B)\n"
		  "=> 2 2 (1.0 KiB)\n"
		  "=> 3 3 (1.6 KiB)\n"
		  "=> 4 4 (1.0 MiB)\n"
		  "=> 5 5 (10.5 MiB)\n"
		  "=> 6 6 (0 B)\n" },
	{ .what = "large sizes",
	  .path = "/", .n = 3,
	  .entries = {
		{ .name = "g", .size = (off_t)3 * 1024 * MiB + 300 * MiB },
		{ .name = "t", .size = (off_t)5 * 1024 * 1024 * MiB },
		{ .name = "z", .size = INT64_MAX },
	  },
	  .want = "# /\n"
		  "=> g g (3.3 GiB)\n"
		  "=> t t (5.0 TiB)\n"
		  "=> z z (8388608.0 TiB)\n" },
	{ .what = "a path that is not displayable is encoded",
	  .path = "/new\nline/caf\xe9/", .n = 0,
	  .want = "# /new%0Aline/caf%E9/\n=> ../ ../\n" },
	{ .what = "a Japanese path is shown as is",
	  .path = "/日記/ 2024/", .n = 0,
	  .want = "# /日記/ 2024/\n=> ../ ../\n" },
};

static void
test_render(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(render_cases) / sizeof(render_cases[0]); i++) {
		const struct render_case *c = &render_cases[i];
		size_t len = 0;
		char *page = listing_render(c->path, c->entries, c->n, &len);

		if (page == NULL)
			fail_msg("%s: NULL", c->what);
		if (strcmp(page, c->want) != 0)
			fail_msg("%s:\n%s\nwant:\n%s", c->what, page, c->want);
		if (len != strlen(c->want))
			fail_msg("%s: length %zu", c->what, len);
		free(page);
	}
}

static void
test_render_refuses(void **state)
{
	static const char *paths[] = { "", "docs/", "/docs", "docs" };
	struct listing_entry e;
	size_t i, len = 0;
	char *page;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		errno = 0;
		assert_null(listing_render(paths[i], NULL, 0, &len));
		assert_int_equal(errno, EINVAL);
	}
	/* A name or title that fills its array with no NUL is left out. */
	memset(&e, 0, sizeof(e));
	memset(e.name, 'a', sizeof(e.name));
	assert_non_null(page = listing_render("/", &e, 1, &len));
	assert_string_equal(page, "# /\n");
	free(page);
	memset(&e, 0, sizeof(e));
	strcpy(e.name, "a");
	memset(e.title, 'b', sizeof(e.title));
	assert_non_null(page = listing_render("/", &e, 1, &len));
	assert_string_equal(page, "# /\n");
	free(page);
}

/* --- listing_read, against real folders --------------------------------- */

static char top[PATH_MAX];

static void
put(const char *rel, const char *text, size_t len)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

#define PUT(rel, text) put((rel), (text), sizeof(text) - 1)

static void
make_dir(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int
open_dir(const char *rel, int flags)
{
	char path[PATH_MAX * 2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	fd = open(path, flags | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd != -1);
	return fd;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct listing_entry *)a)->name,
	    ((const struct listing_entry *)b)->name);
}

static int
setup(void **state)
{
	char path[PATH_MAX * 2], big[LISTING_HEAD_BYTES + 100];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/kizuna-listing-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	make_dir("root");
	make_dir("root/sub");
	make_dir("root/.git");
	make_dir("outside");
	PUT("outside/secret.gmi", "# Secret\n");
	PUT("root/a.gmi", "# Page A\nbody\n");
	PUT("root/B.GMI", "intro\n# Upper case\n");
	PUT("root/c.gemini", "## only level 2\n");
	PUT("root/notes.txt", "hello\n");
	PUT("root/.hidden.gmi", "# Hidden\n");
	PUT("root/a b.gmi", "\xef\xbb\xbf# Spaced\r\n");
	PUT("root/new\nline.gmi", "# Never\n");
	PUT("root/caf\xe9.txt", "latin1 name\n");
	/* The heading starts inside the first 8 KiB and ends beyond. */
	memset(big, '\n', sizeof(big));
	memcpy(big + LISTING_HEAD_BYTES - 4, "# Too far\n", 10);
	put("root/late.gmi", big, sizeof(big));
	memcpy(big + 100, "# Early\n", 8);
	put("root/early.gmi", big, sizeof(big));
	snprintf(path, sizeof(path), "%s/root/fifo.gmi", top);
	assert_int_equal(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/root/link.gmi", top);
	assert_int_equal(symlink("a.gmi", path), 0);
	snprintf(path, sizeof(path), "%s/root/out.gmi", top);
	assert_int_equal(symlink("../outside/secret.gmi", path), 0);
	snprintf(path, sizeof(path), "%s/root/outdir", top);
	assert_int_equal(symlink("../outside", path), 0);
	make_dir("empty");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

struct read_want {
	const char *name;
	int is_dir;
	off_t size;
	const char *title;
};

static void
test_read(void **state)
{
	static const struct read_want want[] = {
		{ .name = "B.GMI", .size = 19, .title = "Upper case" },
		{ .name = "a b.gmi", .size = 13, .title = "Spaced" },
		{ .name = "a.gmi", .size = 14, .title = "Page A" },
		{ .name = "c.gemini", .size = 16, .title = "" },
		{ .name = "early.gmi", .size = LISTING_HEAD_BYTES + 100, .title = "Early" },
		{ .name = "late.gmi", .size = LISTING_HEAD_BYTES + 100, .title = "" },
		{ .name = "notes.txt", .size = 6, .title = "" },
		{ .name = "sub", .is_dir = 1, .title = "" },
	};
	struct listing_entry *v = NULL;
	size_t n = 0, i;
	int flags[] = { O_RDONLY, O_PATH }, k;

	(void)state;
	/* Both kinds of descriptor; the FIFO must not block either time. */
	for (k = 0; k < 2; k++) {
		int fd = open_dir("root", flags[k]);

		assert_int_equal(listing_read(fd, &v, &n), 0);
		close(fd);
		qsort(v, n, sizeof(*v), by_name);
		if (n != sizeof(want) / sizeof(want[0])) {
			for (i = 0; i < n; i++)
				fprintf(stderr, "got \"%s\"\n", v[i].name);
			fail_msg("%zu entries", n);
		}
		for (i = 0; i < n; i++) {
			assert_string_equal(v[i].name, want[i].name);
			assert_int_equal(v[i].is_dir, want[i].is_dir);
			if (!want[i].is_dir)
				assert_int_equal(v[i].size, want[i].size);
			assert_string_equal(v[i].title, want[i].title);
		}
		free(v);
	}
}

static void
test_read_empty_and_errors(void **state)
{
	static struct listing_entry sentinel;
	struct listing_entry *v = &sentinel;
	size_t n = 99;
	int fd;

	(void)state;
	fd = open_dir("empty", O_RDONLY);
	assert_int_equal(listing_read(fd, &v, &n), 0);
	assert_null(v);
	assert_int_equal(n, 0);
	close(fd);

	/* A descriptor that is no folder: untouched outputs. */
	v = &sentinel;
	n = 99;
	errno = 0;
	assert_int_equal(listing_read(-1, &v, &n), -1);
	assert_int_equal(errno, EBADF);
	assert_ptr_equal(v, &sentinel);
	assert_int_equal(n, 99);
}

/* The folder as a page, end to end. */
static void
test_read_then_render(void **state)
{
	struct listing_entry *v = NULL;
	size_t n = 0, len = 0;
	char *page;
	int fd;

	(void)state;
	fd = open_dir("root", O_RDONLY);
	assert_int_equal(listing_read(fd, &v, &n), 0);
	close(fd);
	assert_non_null(page = listing_render("/root/", v, n, &len));
	assert_string_equal(page,
	    "# /root/\n"
	    "=> ../ ../\n"
	    "=> sub/ sub/\n"
	    "=> B.GMI Upper case (19 B)\n"
	    "=> a%20b.gmi Spaced (13 B)\n"
	    "=> a.gmi Page A (14 B)\n"
	    "=> c.gemini c.gemini (16 B)\n"
	    "=> early.gmi Early (8.1 KiB)\n"
	    "=> late.gmi late.gmi (8.1 KiB)\n"
	    "=> notes.txt notes.txt (6 B)\n");
	free(page);
	free(v);
}

/* LISTING_MAX entries are read; one more is refused, not cut. Dotfiles
 * do not count. */
static void
test_read_bound(void **state)
{
	static struct listing_entry sentinel;
	char rel[64];
	struct listing_entry *v = NULL;
	size_t n = 0;
	int i, fd;

	(void)state;
	make_dir("many");
	PUT("many/.dot", "");
	for (i = 0; i < LISTING_MAX; i++) {
		snprintf(rel, sizeof(rel), "many/f%05d", i);
		PUT(rel, "");
	}
	fd = open_dir("many", O_RDONLY);
	assert_int_equal(listing_read(fd, &v, &n), 0);
	assert_int_equal(n, LISTING_MAX);
	free(v);
	PUT("many/one-more", "");
	v = &sentinel;
	errno = 0;
	assert_int_equal(listing_read(fd, &v, &n), -1);
	assert_int_equal(errno, E2BIG);
	assert_ptr_equal(v, &sentinel);
	assert_int_equal(n, LISTING_MAX);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shows),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_refuses),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_empty_and_errors),
		cmocka_unit_test(test_read_then_render),
		cmocka_unit_test(test_read_bound),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
