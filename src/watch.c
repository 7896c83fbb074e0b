/*
 * watch.c - inotify on the articles folder and its parent.
 */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "log.h"

/* What changes an article: a file written and closed (not every write:
 * the debounce waits for the close), created, renamed in or out, deleted,
 * made unreadable or readable again; and the folder going away. */
#define DIR_EVENTS (IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | \
	IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | \
	IN_MOVE_SELF | IN_ONLYDIR)
/* In the parent, only the folder's own name matters. */
#define PARENT_EVENTS (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | \
	IN_DELETE | IN_ONLYDIR)

struct watch {
	int fd;
	int dir_wd;             /* -1 while the folder is missing */
	int parent_wd;
	char dir[PATH_MAX];     /* root/articles */
	char parent[PATH_MAX];
	const char *name;       /* the folder's name, in dir */
};

/* Watches the folder if it is there; returns 1 when it is watched. */
static int
watch_dir(struct watch *w)
{
	w->dir_wd = inotify_add_watch(w->fd, w->dir, DIR_EVENTS);
	if (w->dir_wd == -1 && errno != ENOENT && errno != ENOTDIR)
		log_warn("%s: cannot watch for changes (%s): its articles "
		    "change on reload only", w->dir, strerror(errno));
	return w->dir_wd != -1;
}

struct watch *
watch_open(const char *root, const char *articles)
{
	struct watch *w;
	char *slash;
	size_t n;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("out of memory: articles change on reload only");
		return NULL;
	}
	w->dir_wd = w->parent_wd = -1;
	n = (size_t)snprintf(w->dir, sizeof(w->dir), "%s/%s", root, articles);
	if (n >= sizeof(w->dir)) {
		free(w);
		return NULL;   /* pages_load_dir says the path is too long */
	}
	while (n > 1 && w->dir[n - 1] == '/')
		w->dir[--n] = '\0';
	memcpy(w->parent, w->dir, n + 1);
	slash = strrchr(w->parent, '/');   /* there is one: root/... */
	*slash = '\0';
	w->name = w->dir + (slash - w->parent) + 1;
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("inotify: %s: articles change on reload only",
		    strerror(errno));
		free(w);
		return NULL;
	}
	w->parent_wd = inotify_add_watch(w->fd, w->parent, PARENT_EVENTS);
	if (!watch_dir(w) && w->parent_wd == -1) {
		log_debug("%s: not there, nor its folder: not watched for "
		    "changes", w->dir);
		watch_free(w);
		return NULL;
	}
	if (w->dir_wd == -1)
		log_debug("%s: not there: watching for it to appear", w->dir);
	return w;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

/* A name that may make an article: what pages.c reads. */
static int
names_article(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	return (n > 4 && strcmp(name + n - 4, ".txt") == 0) ||
	    (n > 3 && strcmp(name + n - 3, ".md") == 0);
}

/* One event; returns 1 when it may change the articles. */
static int
on_event(struct watch *w, const struct inotify_event *ev)
{
	const char *name = ev->len > 0 ? ev->name : "";

	if (ev->mask & IN_Q_OVERFLOW) {
		/* Events were lost: whatever they were, read everything. */
		if (w->dir_wd == -1)
			watch_dir(w);
		return 1;
	}
	if (ev->wd == w->parent_wd) {
		if (ev->mask & IN_IGNORED) {
			w->parent_wd = -1;   /* the parent itself went */
			return 0;
		}
		if (strcmp(name, w->name) != 0)
			return 0;
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			watch_dir(w);
		else
			w->dir_wd = -1;   /* its watch, if moved, is stale */
		return 1;
	}
	/* Events for a folder no longer there under its name (moved away)
	 * have a wd that is no longer dir_wd: they are not ours. */
	if (ev->wd != w->dir_wd || w->dir_wd == -1)
		return 0;
	if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
		if (ev->mask & IN_IGNORED)
			w->dir_wd = -1;
		return 1;
	}
	return names_article(name);
}

int
watch_read(struct watch *w)
{
	/* inotify returns whole events, aligned as the structure is. */
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	size_t off;
	int changed = 0;

	for (;;) {
		n = read(w->fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* EAGAIN: drained */
		for (off = 0; off + sizeof(*ev) <= (size_t)n;
		    off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			changed |= on_event(w, ev);
		}
	}
	return changed;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	free(w);
}

void
watch_burst_add(struct watch_burst *b, long long now)
{
	if (!b->pending) {
		b->pending = 1;
		b->first = now;
	}
	b->last = now;
}

long long
watch_burst_wait(const struct watch_burst *b, long long now)
{
	long long quiet, bound;

	if (!b->pending)
		return -1;
	quiet = b->last + WATCH_QUIET_MS - now;
	bound = b->first + WATCH_MAX_WAIT_MS - now;
	if (bound < quiet)
		quiet = bound;
	return quiet > 0 ? quiet : 0;
}

void
watch_burst_done(struct watch_burst *b)
{
	b->pending = 0;
}
