/*
 * source.h - one article file, as read: its kind (plain text or
 * Markdown), its bytes, the article read from them, and its date.
 *
 * pages.c keeps one per article: the bytes back the source page
 * (/articles/SLUG.txt or .md) and a later reload that cannot read the file
 * again parses them anew (source_copy).
 */
#ifndef KIZUNA_SOURCE_H
#define KIZUNA_SOURCE_H

#include <stddef.h>

#include "date.h"

struct article;

/* A kind of article file: the name's ending (kept in the source's URL,
 * SLUG.txt or SLUG.md), how the source is served, and its reader. */
struct source_kind {
	const char *ext;
	const char *mime;
	struct article *(*parse)(const char *, size_t, const char **);
	int written;   /* its structure is written (Markdown), not guessed:
	                  it wins over a plain-text twin of the same name */
};

struct source {
	char *slug;               /* the file name without its ending */
	char *bytes;              /* the file as read (owned) */
	size_t len;
	struct article *article;  /* owned */
	const struct source_kind *kind;
	char lang[40];            /* its pages' lang parameter (the
	                             article's language tag, quoted when
	                             several), or "" for the capsule's */
	char date[DATE_SIZE];     /* front matter, else the file's mtime */
	const char *date_why;     /* static: why the front matter's date
	                             was not taken (the caller logs it), or
	                             NULL when it was, or there was none */
};

/* The kind of an article file by its name's ending, or NULL. */
const struct source_kind *source_kind_of(const char *name);

/*
 * Reads and parses the article open at fd (which it closes) into src;
 * path names it, and its last component gives the slug and the kind (a
 * name of no known ending is read as plain text). Returns 0, or -1 with
 * *why set to a static reason (the caller logs it with the file's name):
 * a hidden, empty or unprintable name, not a regular file, too large,
 * article_parse's or markdown_parse's reasons. The date is the front
 * matter's "YYYY-MM-DD" (or a timestamp's day); a front matter date that
 * is not a real day leaves src->date_why set and the file's mtime counts.
 */
int source_load(int fd, const char *path, struct source *src,
    const char **why);

/*
 * A copy of old read again from its bytes (its date kept). Returns 0, 1
 * when they no longer make an article, -1 when out of memory.
 */
int source_copy(struct source *dst, const struct source *old);

void source_free(struct source *src);

/*
 * Reads the whole regular file open at fd (at most 16 MiB: larger is not
 * an article someone wrote), which it closes, into *bytes (malloc'd, the
 * caller frees) and its modification time into *mtime. Returns 0, or -1
 * with *why set.
 */
int source_read_file(int fd, char **bytes, size_t *len, long long *mtime,
    const char **why);

/*
 * Whether a file name can name an article (or a title a page): its text
 * reaches the log, link labels and page headings, so no control character
 * (C0, DEL, C1: a line break would start a gemtext line of its own, an
 * escape would speak to the terminal reading the log) and nothing but
 * UTF-8.
 */
int source_name_printable(const char *name);

#endif
