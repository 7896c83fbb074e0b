/*
 * test_watch.c - the debounce (a table of bursts) and what a watch reports
 * for real changes in a temporary folder (links watch.c, and log.c for
 * its messages).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "watch.h"

/* --- the debounce ------------------------------------------------------ */

/* Changes at these times (ms, -1 ends the list), then the wait at now. */
struct burst_case {
	const char *what;
	long long changes[8];
	long long now;
	long long wait;
};

static const struct burst_case burst_cases[] = {
	{ "nothing pending", { -1 }, 100, -1 },
	{ "just changed: the whole quiet", { 0, -1 }, 0, WATCH_QUIET_MS },
	{ "some quiet", { 0, -1 }, 100, WATCH_QUIET_MS - 100 },
	{ "quiet enough", { 0, -1 }, WATCH_QUIET_MS, 0 },
	{ "long past", { 0, -1 }, 5000, 0 },
	{ "a second change restarts the quiet", { 0, 200, -1 }, 250,
	    WATCH_QUIET_MS - 50 },
	{ "an editor's save: three changes close together",
	    { 0, 5, 10, -1 }, 10 + WATCH_QUIET_MS, 0 },
	{ "changes that never stop: bounded by the first",
	    { 0, 200, 400, 600, 800, 950, -1 }, 960, WATCH_MAX_WAIT_MS - 960 },
	{ "changes that never stop: due at the bound",
	    { 0, 200, 400, 600, 800, 950, -1 }, WATCH_MAX_WAIT_MS, 0 },
};

static void
test_burst_table(void **state)
{
	const struct burst_case *c;
	struct watch_burst b;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(burst_cases) / sizeof(burst_cases[0]); i++) {
		c = &burst_cases[i];
		memset(&b, 0, sizeof(b));
		for (j = 0; c->changes[j] != -1; j++)
			watch_burst_add(&b, c->changes[j]);
		if (watch_burst_wait(&b, c->now) != c->wait)
			fail_msg("%s: waits %lld, not %lld", c->what,
			    watch_burst_wait(&b, c->now), c->wait);
	}
}

static void
test_burst_done_starts_over(void **state)
{
	struct watch_burst b = { 0, 0, 0 };

	(void)state;
	watch_burst_add(&b, 0);
	watch_burst_add(&b, 900);
	assert_int_equal(watch_burst_wait(&b, WATCH_MAX_WAIT_MS), 0);
	watch_burst_done(&b);
	assert_int_equal(watch_burst_wait(&b, WATCH_MAX_WAIT_MS), -1);
	/* A change during the rebuild is a burst of its own. */
	watch_burst_add(&b, 1100);
	assert_int_equal(watch_burst_wait(&b, 1100), WATCH_QUIET_MS);
}

/* --- a real folder ----------------------------------------------------- */

static char top[PATH_MAX];   /* the capsule root, a new one per test */

static void
path_of(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", top, rel);
}

static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	path_of(path, sizeof(path), rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
move(const char *from, const char *to)
{
	char a[PATH_MAX * 2], b[PATH_MAX * 2];

	path_of(a, sizeof(a), from);
	path_of(b, sizeof(b), to);
	assert_int_equal(rename(a, b), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/kizuna-watch-XXXXXX");
	return mkdtemp(top) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_watch_reports_articles(void **state)
{
	char path[PATH_MAX * 2];
	struct watch *w;

	(void)state;
	path_of(path, sizeof(path), "articles");
	/* Missing at start: watched for from the root. */
	assert_non_null(w = watch_open(top, "articles"));
	assert_int_equal(watch_read(w), 0);
	put("unrelated.gmi", "x\n");
	assert_int_equal(watch_read(w), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(watch_read(w), 1);
	/* Now the folder itself is watched. */
	put("articles/a.txt", "a\n");
	assert_int_equal(watch_read(w), 1);
	put("articles/b.md", "b\n");
	assert_int_equal(watch_read(w), 1);
	/* An editor's temporary file is nothing; its rename over is. */
	put("articles/.a.txt.swp", "a2\n");
	put("articles/a.txt~", "a2\n");
	put("articles/picture.png", "png\n");
	assert_int_equal(watch_read(w), 0);
	move("articles/.a.txt.swp", "articles/a.txt");
	assert_int_equal(watch_read(w), 1);
	move("articles/a.txt", "articles/c.txt");
	assert_int_equal(watch_read(w), 1);
	/* Renamed away and made again: the new one is watched. */
	move("articles", "old");
	assert_int_equal(watch_read(w), 1);
	put("old/d.txt", "d\n");
	assert_int_equal(watch_read(w), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(watch_read(w), 1);
	put("articles/e.txt", "e\n");
	assert_int_equal(watch_read(w), 1);
	watch_free(w);
}

static void
test_watch_nothing_to_watch(void **state)
{
	(void)state;
	/* Neither the folder nor its parent: nothing to watch. */
	assert_null(watch_open(top, "no/such/articles"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_table),
		cmocka_unit_test(test_burst_done_starts_over),
		cmocka_unit_test_setup_teardown(test_watch_reports_articles,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_nothing_to_watch,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
