/*
 * test_beneath.c - opening beneath a directory, both ways, against a real
 * tree of files and symbolic links (links beneath.c only).
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

#include "beneath.h"

static char top[PATH_MAX];   /* tmp/: root/ and outside/ */
static int rootfd = -1;

static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
link_to(const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void
make_dir(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int
setup(void **state)
{
	char outside_abs[PATH_MAX * 2];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/kizuna-beneath-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	make_dir("root");
	make_dir("root/docs");
	make_dir("outside");
	put("root/index.gmi", "inside\n");
	put("root/docs/a.gmi", "docs a\n");
	put("outside/secret", "SECRET\n");
	link_to("index.gmi", "root/inside_link");
	link_to("../outside/secret", "root/relative_out");
	snprintf(outside_abs, sizeof(outside_abs), "%s/outside/secret", top);
	link_to(outside_abs, "root/absolute_out");
	link_to("..", "root/docs/up");
	link_to("../outside", "root/dir_out");
	link_to("/proc/self/root/etc/passwd", "root/magic_out");
	snprintf(outside_abs, sizeof(outside_abs), "%s/root", top);
	rootfd = open(outside_abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd == -1 ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

typedef int (*open_fn)(int, const char *, int);

/* Opens rel with fn and returns what the file says ("" on failure, with
 * the errno in *err). */
static const char *
read_with(open_fn fn, const char *rel, int *err)
{
	static char buf[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	*err = 0;
	if ((fd = fn(rootfd, rel, O_RDONLY | O_CLOEXEC)) == -1) {
		*err = errno;
		return buf;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

struct beneath_case {
	const char *rel;
	const char *want;    /* the content, or NULL: must fail */
	int walk_differs;    /* the walk refuses what openat2 follows */
};

static const struct beneath_case cases[] = {
	{ "index.gmi", "inside\n", 0 },
	{ "./index.gmi", "inside\n", 0 },
	{ "docs/a.gmi", "docs a\n", 0 },
	{ "docs//a.gmi", "docs a\n", 0 },
	{ "docs/./a.gmi", "docs a\n", 0 },
	{ "inside_link", "inside\n", 1 },      /* a link that stays inside */
	{ "relative_out", NULL, 0 },
	{ "absolute_out", NULL, 0 },
	{ "dir_out/secret", NULL, 0 },
	{ "docs/up/index.gmi", "inside\n", 1 }, /* up, but still inside */
	{ "docs/up/../outside/secret", NULL, 0 },
	{ "../outside/secret", NULL, 0 },
	{ "docs/../../outside/secret", NULL, 0 },
	{ "magic_out", NULL, 0 },
	{ "missing", NULL, 0 },
	{ "index.gmi/x", NULL, 0 },
};

static void
run_cases(open_fn fn, int is_walk)
{
	const char *got;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct beneath_case *c = &cases[i];
		const char *want = is_walk && c->walk_differs ? NULL : c->want;

		got = read_with(fn, c->rel, &err);
		if (want == NULL && (*got != '\0' || err == 0))
			fail_msg("%s: %s was opened (\"%s\")", is_walk ? "walk" :
			    "openat2", c->rel, got);
		if (want != NULL && strcmp(got, want) != 0)
			fail_msg("%s: %s: got \"%s\" (%s), want \"%s\"", is_walk ?
			    "walk" : "openat2", c->rel, got, strerror(err), want);
	}
	/* The root itself, as "" and ".". */
	assert_int_not_equal(err = fn(rootfd, "", O_RDONLY | O_DIRECTORY), -1);
	close(err);
	assert_int_not_equal(err = fn(rootfd, ".", O_RDONLY | O_DIRECTORY), -1);
	close(err);
}

static void
test_openat2(void **state)
{
	int fd;

	(void)state;
	fd = beneath_openat2(rootfd, "index.gmi", O_RDONLY);
	if (fd == -1 && errno == ENOSYS)
		skip();
	close(fd);
	run_cases(beneath_openat2, 0);
}

static void
test_walk(void **state)
{
	(void)state;
	run_cases(beneath_walk, 1);
}

/* The walk says why, as a caller maps errors to statuses. */
static void
test_walk_errors(void **state)
{
	char longname[NAME_MAX + 2];

	(void)state;
	assert_int_equal(beneath_walk(rootfd, "../outside/secret", O_RDONLY),
	    -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(beneath_walk(rootfd, "absolute_out", O_RDONLY), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(beneath_walk(rootfd, "missing/x", O_RDONLY), -1);
	assert_int_equal(errno, ENOENT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(beneath_walk(rootfd, longname, O_RDONLY), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openat2),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
