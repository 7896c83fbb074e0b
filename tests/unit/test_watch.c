/*
 * test_watch.c - the debounce (a table of bursts) and what a watch reports
 * for real changes in temporary folders, one or several on one watch
 * (links watch.c, and log.c for its messages).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <pthread.h>
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

static void
make_dir(const char *rel)
{
	char path[PATH_MAX * 2];

	path_of(path, sizeof(path), rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* A root under top, for watch_add. */
static const char *
root_of(const char *rel)
{
	static char path[PATH_MAX * 2];

	path_of(path, sizeof(path), rel);
	return path;
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
	/* The author's intro above the list is read with the articles. */
	put("articles/index.gmi", "# intro\n");
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

/* Two capsules, folders there from the start: a change in either counts,
 * and so does neither's non-article names. */
static void
test_watch_two_folders(void **state)
{
	struct watch *w;
	char path[PATH_MAX * 2];

	(void)state;
	make_dir("one");
	make_dir("one/articles");
	make_dir("two");
	make_dir("two/articles");
	put("one/articles/a.txt", "a\n");
	put("two/articles/b.md", "b\n");
	assert_non_null(w = watch_new());
	assert_int_equal(watch_read(w), 0);
	assert_int_equal(watch_add(w, root_of("one"), "articles"), 0);
	assert_int_equal(watch_add(w, root_of("two"), "articles"), 0);
	assert_int_equal(watch_read(w), 0);
	put("one/articles/c.md", "c\n");
	assert_int_equal(watch_read(w), 1);
	put("two/articles/d.txt", "d\n");
	assert_int_equal(watch_read(w), 1);
	/* Rewritten in place: only the close says so. */
	put("two/articles/b.md", "b2\n");
	assert_int_equal(watch_read(w), 1);
	path_of(path, sizeof(path), "one/articles/a.txt");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(watch_read(w), 1);
	/* Nothing in either makes an article. */
	put("one/articles/.a.txt.swp", "x\n");
	put("one/articles/a.txt~", "x\n");
	put("two/articles/picture.png", "x\n");
	put("two/articles/.hidden.md", "x\n");
	put("one/notes.txt", "x\n");
	put("two/notes.md", "x\n");
	assert_int_equal(watch_read(w), 0);
	watch_free(w);
}

/* Two capsules whose folders are made after the watch, and one of them
 * renamed away and made again. */
static void
test_watch_folders_made_later(void **state)
{
	struct watch *w;

	(void)state;
	make_dir("one");
	make_dir("two");
	assert_non_null(w = watch_new());
	assert_int_equal(watch_add(w, root_of("one"), "articles"), 0);
	assert_int_equal(watch_add(w, root_of("two"), "articles"), 0);
	assert_int_equal(watch_read(w), 0);
	make_dir("two/articles");
	assert_int_equal(watch_read(w), 1);
	put("two/articles/a.txt", "a\n");
	assert_int_equal(watch_read(w), 1);
	make_dir("one/articles");
	assert_int_equal(watch_read(w), 1);
	put("one/articles/b.txt", "b\n");
	assert_int_equal(watch_read(w), 1);
	move("one/articles", "one/old");
	assert_int_equal(watch_read(w), 1);
	put("one/old/c.txt", "c\n");
	assert_int_equal(watch_read(w), 0);
	put("two/articles/d.md", "d\n");
	assert_int_equal(watch_read(w), 1);
	make_dir("one/articles");
	assert_int_equal(watch_read(w), 1);
	put("one/articles/e.md", "e\n");
	assert_int_equal(watch_read(w), 1);
	watch_free(w);
}

/* Sibling folders: one wd watches the parent for both. Each appears,
 * goes and comes back on its own, and the parent's own files are nothing
 * (it is not an articles folder). */
static void
test_watch_sibling_folders(void **state)
{
	struct watch *w;

	(void)state;
	assert_non_null(w = watch_new());
	assert_int_equal(watch_add(w, top, "a"), 0);
	assert_int_equal(watch_add(w, top, "b"), 0);
	put("c.txt", "c\n");
	assert_int_equal(watch_read(w), 0);
	make_dir("a");
	assert_int_equal(watch_read(w), 1);
	put("a/x.txt", "x\n");
	assert_int_equal(watch_read(w), 1);
	make_dir("b");
	assert_int_equal(watch_read(w), 1);
	put("b/y.md", "y\n");
	assert_int_equal(watch_read(w), 1);
	move("b", "b.old");
	assert_int_equal(watch_read(w), 1);
	put("b.old/z.txt", "z\n");
	assert_int_equal(watch_read(w), 0);
	put("a/z.txt", "z\n");
	assert_int_equal(watch_read(w), 1);
	make_dir("b");
	assert_int_equal(watch_read(w), 1);
	put("b/z.txt", "z\n");
	assert_int_equal(watch_read(w), 1);
	put("a/.z.txt.swp", "z\n");
	put("b/z.gmi", "z\n");
	assert_int_equal(watch_read(w), 0);
	watch_free(w);
}

/* A folder that is another's parent keeps its own events (a file
 * rewritten in place, a mode changed) once the other is added. */
static void
test_watch_nested_folders(void **state)
{
	char path[PATH_MAX * 2];
	struct watch *w;

	(void)state;
	make_dir("a");
	put("a/x.txt", "x\n");
	assert_non_null(w = watch_new());
	assert_int_equal(watch_add(w, top, "a"), 0);
	assert_int_equal(watch_add(w, root_of("a"), "sub"), 0);
	assert_int_equal(watch_read(w), 0);
	put("a/x.txt", "x2\n");
	assert_int_equal(watch_read(w), 1);
	path_of(path, sizeof(path), "a/x.txt");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(watch_read(w), 1);
	make_dir("a/sub");
	assert_int_equal(watch_read(w), 1);
	put("a/sub/y.md", "y\n");
	assert_int_equal(watch_read(w), 1);
	put("a/sub/y.png", "y\n");
	assert_int_equal(watch_read(w), 0);
	watch_free(w);
}

/* Adding a folder twice, however its path is spelt, does nothing: it
 * still reports once, and takes no second place in the table. */
static void
test_watch_add_twice(void **state)
{
	char name[32], root[PATH_MAX + 2];
	struct watch *w;
	int i;

	(void)state;
	assert_non_null(w = watch_open(top, "articles"));
	assert_int_equal(watch_add(w, top, "articles"), 0);
	assert_int_equal(watch_add(w, top, "articles/"), 0);
	snprintf(root, sizeof(root), "%s/", top);
	assert_int_equal(watch_add(w, root, "/articles//"), 0);
	make_dir("articles");
	assert_int_equal(watch_read(w), 1);
	put("articles/a.txt", "a\n");
	assert_int_equal(watch_read(w), 1);
	assert_int_equal(watch_read(w), 0);
	/* One place taken: 31 more fit, then the table is full. */
	for (i = 1; i < WATCH_MAX_FOLDERS; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(watch_add(w, top, name), 0);
	}
	assert_int_equal(watch_add(w, top, "one-too-many"), -1);
	/* Full, yet a folder already there is still no error. */
	assert_int_equal(watch_add(w, top, "articles"), 0);
	assert_int_equal(watch_add(w, top, "f7"), 0);
	make_dir("f31");
	assert_int_equal(watch_read(w), 1);
	put("f31/b.md", "b\n");
	assert_int_equal(watch_read(w), 1);
	make_dir("one-too-many");
	assert_int_equal(watch_read(w), 0);
	watch_free(w);
}

struct adder {
	struct watch *w;
	int added;   /* how many watch_add returned 0 for */
};

static void *
add_folders(void *arg)
{
	struct adder *a = arg;
	char name[32];
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "host%d", i);
		a->added += watch_add(a->w, top, name) == 0;
	}
	return NULL;
}

/* A reload adds folders in the signal thread while the live thread reads
 * events: every folder added is watched once both are done. */
static void
test_watch_add_while_reading(void **state)
{
	struct adder a = { NULL, 0 };
	pthread_t t;
	char name[64];
	int i;

	(void)state;
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "host%d", i);
		make_dir(name);
	}
	assert_non_null(a.w = watch_open(top, "articles"));
	assert_int_equal(pthread_create(&t, NULL, add_folders, &a), 0);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "host%d/a%d.txt", i % 8, i);
		put(name, "a\n");
		(void)watch_read(a.w);
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(a.added, 8);
	(void)watch_read(a.w);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "host%d/b.md", i);
		put(name, "b\n");
		assert_int_equal(watch_read(a.w), 1);
	}
	watch_free(a.w);
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
		cmocka_unit_test_setup_teardown(test_watch_two_folders,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_folders_made_later,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_sibling_folders,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_nested_folders,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_add_twice,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_add_while_reading,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
