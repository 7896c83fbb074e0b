/*
 * export.c - writes the page table as files, all or nothing (export.h).
 */
#define _GNU_SOURCE
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "url.h"

/* A list file worth reading for its links is small. */
#define LIST_MAX_BYTES (4 * 1024 * 1024)

/* Creates every missing folder on the way to the file at path. */
static int
make_parents(char *path)
{
	char *slash;

	for (slash = strchr(path + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

static int
write_file(const char *path, const char *body, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	while (done < len) {
		n = write(fd, body + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

static int
remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Removes the temporary folder kizuna made, and only that. */
static void
remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* base + page path, "index.gmi" after a final '/'. -1 when too long. */
static int
file_of(char *dst, size_t size, const char *base, const char *path)
{
	size_t n = strlen(path);
	int len = snprintf(dst, size, "%s%s%s", base, path,
	    n > 0 && path[n - 1] == '/' ? "index.gmi" : "");

	return len < 0 || (size_t)len >= size ? -1 : 0;
}

/* Whether source (a file: its folder; a folder: itself) is folder t. */
static int
same_folder(const char *source, const struct stat *t)
{
	char buf[PATH_MAX], *slash;
	struct stat sb;

	if (stat(source, &sb) == -1)
		return 0;
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(buf, sizeof(buf), "%s", source);
		slash = strrchr(buf, '/');
		if (slash == NULL)
			snprintf(buf, sizeof(buf), ".");
		else if (slash == buf)
			buf[1] = '\0';
		else
			*slash = '\0';
		if (stat(buf, &sb) == -1)
			return 0;
	}
	return sb.st_dev == t->st_dev && sb.st_ino == t->st_ino;
}

/*
 * The first article an existing list links that p does not hold ("=> X/
 * ..." with X one relative path segment), copied into slug; 0 if none.
 */
static int
other_article(const struct pages *p, const char *list, char *slug,
    size_t size)
{
	char target[PATH_MAX];
	const char *line, *eol, *t, *e, *why;
	size_t n;

	for (line = list; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = strchrnul(line, '\n');
		if (strncmp(line, "=>", 2) != 0)
			continue;
		for (t = line + 2; *t == ' ' || *t == '\t'; t++)
			continue;
		for (e = t; e < eol && *e != ' ' && *e != '\t' && *e != '\r';
		    e++)
			continue;
		n = (size_t)(e - t);
		if (n < 2 || n >= sizeof(target) || t[n - 1] != '/' ||
		    memchr(t, '/', n - 1) != NULL || memchr(t, ':', n) != NULL ||
		    t[0] == '.')
			continue;
		memcpy(target, t, n - 1);
		target[n - 1] = '\0';
		if (url_percent_decode(target, slug, size, &why) == -1)
			continue;
		if (!pages_has_article(p, slug, strlen(slug)))
			return 1;
	}
	return 0;
}

/* Reads path whole, NUL-terminated, or NULL. */
static char *
read_list(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	if ((buf = malloc(LIST_MAX_BYTES + 1)) != NULL) {
		len = fread(buf, 1, LIST_MAX_BYTES, f);
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* The refusals of export.h, before anything is written. */
static int
check_target(const struct pages *p, const char *target, const char *dir,
    char *const *sources, size_t nsources, int only_some)
{
	char list[PATH_MAX + 16], slug[PATH_MAX], *text;
	struct stat t;
	size_t i;
	int other;

	if (stat(target, &t) == -1)
		return 0;
	for (i = 0; i < nsources; i++)
		if (same_folder(sources[i], &t)) {
			log_error("%s: is the folder the articles are read "
			    "from: the list would replace its index.gmi (the "
			    "intro); write the pages elsewhere with -o DIR",
			    target);
			return -1;
		}
	if (!only_some)
		return 0;
	snprintf(list, sizeof(list), "%s/index.gmi", target);
	if ((text = read_list(list)) == NULL)
		return 0;
	other = other_article(p, text, slug, sizeof(slug));
	free(text);
	if (other) {
		log_error("%s: lists \"%s\", which is not among the files "
		    "given: a list of these files alone would drop it; convert "
		    "the whole folder (kizuna convert -o %s FOLDER), or give "
		    "every article's file", list, slug, dir);
		return -1;
	}
	return 0;
}

/* Moves every written file from tmp over its place under dir. */
static int
move_files(const struct pages *p, const char *tmp, const char *dir)
{
	char from[PATH_MAX * 2], to[PATH_MAX * 2];
	const struct page *pg;
	size_t i;

	for (i = 0; i < pages_size(p); i++) {
		pg = pages_at(p, i);
		if (pg->alias)
			continue;
		if (file_of(from, sizeof(from), tmp, pg->path) == -1 ||
		    file_of(to, sizeof(to), dir, pg->path) == -1 ||
		    make_parents(to) == -1 || rename(from, to) == -1) {
			log_error("%s: %s", to, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
export_pages(const struct pages *p, const char *dir, char *const *sources,
    size_t nsources, int only_some)
{
	char tmp[PATH_MAX], target[PATH_MAX * 2], path[PATH_MAX * 2],
	    from[PATH_MAX * 2];
	const struct page *pg;
	size_t i;
	int rc = -1;

	if (file_of(target, sizeof(target), dir, pages_prefix(p)) == -1 ||
	    snprintf(tmp, sizeof(tmp), "%s/.kizuna-convert-XXXXXX", dir) >=
	    (int)sizeof(tmp)) {
		log_error("%s: path too long", dir);
		return -1;
	}
	/* target: dir PREFIX without "index.gmi" and its final '/'; its
	 * parents are made, itself only by the rename. */
	target[strlen(target) - strlen("/index.gmi")] = '\0';
	if (make_parents(target) == -1) {
		log_error("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (check_target(p, target, dir, sources, nsources, only_some) == -1)
		return -1;
	if (mkdtemp(tmp) == NULL) {
		log_error("%s: %s", tmp, strerror(errno));
		return -1;
	}
	for (i = 0; i < pages_size(p); i++) {
		pg = pages_at(p, i);
		if (pg->alias)
			continue;
		if (file_of(path, sizeof(path), tmp, pg->path) == -1 ||
		    make_parents(path) == -1 ||
		    write_file(path, pg->body, pg->len) == -1) {
			log_error("%s: %s", path, errno != 0 ?
			    strerror(errno) : "path too long");
			goto out;
		}
	}
	/* A new folder moves in whole; an old one file by file. */
	snprintf(from, sizeof(from), "%s%s", tmp, pages_prefix(p));
	from[strlen(from) - 1] = '\0';
	if (rename(from, target) == 0)
		rc = 0;
	else if (errno == EEXIST || errno == ENOTEMPTY)
		rc = move_files(p, tmp, dir);
	else
		log_error("%s: %s", target, strerror(errno));
out:
	remove_tree(tmp);
	return rc;
}
