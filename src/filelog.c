/*
 * filelog.c - what the log said about each article file (see filelog.h).
 */
#define _GNU_SOURCE
#include "filelog.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct filelog_entry {
	char *name;
	char *message;
	int seen;            /* stat succeeded: the fields below are set */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

static void
identify(int dirfd, const char *name, struct filelog_entry *e)
{
	struct stat sb;

	memset(e, 0, sizeof(*e));
	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	e->seen = 1;
	e->dev = sb.st_dev;
	e->ino = sb.st_ino;
	e->size = sb.st_size;
	e->mtime = sb.st_mtim;
	e->ctime = sb.st_ctim;
}

/* The change time too: a chmod that makes a file unreadable moves only
 * it, and so does a rename over the file within the same second. */
static int
same_file(const struct filelog_entry *a, const struct filelog_entry *b)
{
	if (!a->seen || !b->seen)
		return a->seen == b->seen;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* Whether before said message about this name, of this same file. */
static int
said_before(const struct filelog *before, const char *name,
    const struct filelog_entry *e, const char *message)
{
	size_t i;

	for (i = 0; before != NULL && i < before->n; i++)
		if (strcmp(before->v[i].name, name) == 0 &&
		    strcmp(before->v[i].message, message) == 0 &&
		    same_file(&before->v[i], e))
			return 1;
	return 0;
}

static void
say(enum log_level level, const char *message)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
		log_error("%s", message);
		break;
	case LOG_LEVEL_WARN:
		log_warn("%s", message);
		break;
	case LOG_LEVEL_INFO:
		log_info("%s", message);
		break;
	case LOG_LEVEL_DEBUG:
		log_debug("%s", message);
		break;
	}
}

/* Appends e (taking its strings). Returns 0, or -1 when out of memory. */
static int
record(struct filelog *l, const struct filelog_entry *e)
{
	struct filelog_entry *v;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 8 : l->cap * 2;
		if ((v = realloc(l->v, l->cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
	}
	l->v[l->n++] = *e;
	return 0;
}

void
filelog_say(struct filelog *now, const struct filelog *before, int dirfd,
    const char *name, enum log_level level, const char *fmt, ...)
{
	struct filelog_entry e;
	char *message;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (n < 0) {
		say(level, fmt);   /* out of memory: the gist, unformatted */
		return;
	}
	identify(dirfd, name, &e);
	e.message = message;
	e.name = strdup(name);
	if (!said_before(before, name, &e, message))
		say(level, message);
	if (e.name == NULL || record(now, &e) == -1) {
		free(e.name);
		free(message);
	}
}

void
filelog_free(struct filelog *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].message);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
