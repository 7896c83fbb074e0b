/*
 * filelog.h - what the log said about each article file, so that a live
 * update says it again only when the file changed.
 *
 * Every change in the articles folder rebuilds all the pages (live.h), and
 * a rebuild reads every file again: without a memory, a file that is not
 * UTF-8 would be logged again at every save of any other article, and the
 * one line that matters would drown. A table of pages keeps what was said
 * about its files (the message, and the file's identity then: device,
 * inode, size, modification and change times); the next build, handed
 * that record, logs a message only when it is new or its file changed
 * (written, replaced, its mode changed).
 */
#ifndef KIZUNA_FILELOG_H
#define KIZUNA_FILELOG_H

#include <stddef.h>

#include "log.h"

struct filelog_entry;

/* Zeroed is empty. */
struct filelog {
	struct filelog_entry *v;
	size_t n, cap;
};

/*
 * Logs at level the message fmt makes about the file name (relative to
 * the folder open at dirfd, or AT_FDCWD), and records it in now; unless
 * before (NULL: nothing said before) holds the same message about the same
 * name, when the file has not changed since (stat'ed without following a
 * link; a file that could not be stat'ed then nor now is unchanged): then
 * it is only recorded. Out of memory, the message is logged and not
 * recorded.
 */
void filelog_say(struct filelog *now, const struct filelog *before,
    int dirfd, const char *name, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Frees what l holds; l is empty after. */
void filelog_free(struct filelog *l);

#endif
