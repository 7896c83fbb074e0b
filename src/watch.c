/*
 * watch.c - inotify on the articles folders and their parents.
 */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
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

/*
 * inotify gives one wd per inode, and a second inotify_add_watch on it
 * replaces the mask: every watch is added with IN_MASK_ADD, so a folder
 * that is also another's parent keeps the events of both. One wd may thus
 * serve several folders, in either role (sibling folders share their
 * parent), and every folder looks at every event.
 */
struct folder {
	char dir[PATH_MAX];     /* root/articles, no repeated or trailing '/' */
	size_t name;            /* where the folder's own name starts in dir */
	int dir_wd;             /* -1 while the folder is missing */
	int parent_wd;          /* -1 once the parent went */
};

struct watch {
	int fd;
	/* watch_add (signal thread) and watch_read (live thread) both change
	 * the folders: the lock covers nfolders, folders and their wds. */
	pthread_mutex_t lock;
	size_t nfolders;
	struct folder folders[WATCH_MAX_FOLDERS];
};

/* Watches the folder if it is there; returns 1 when it is watched. */
static int
watch_dir(struct watch *w, struct folder *f)
{
	f->dir_wd = inotify_add_watch(w->fd, f->dir, DIR_EVENTS | IN_MASK_ADD);
	if (f->dir_wd == -1 && errno != ENOENT && errno != ENOTDIR)
		log_warn("%s: cannot watch for changes (%s): its articles "
		    "change on reload only", f->dir, strerror(errno));
	return f->dir_wd != -1;
}

/*
 * root/articles into out, with runs of '/' made one and no trailing '/',
 * so the same folder spelt twice is found as one (a folder reached by two
 * different paths is two folders sharing wds, which works too). Returns
 * 0, or -1 when it does not fit.
 */
static int
folder_path(char *out, size_t size, const char *root, const char *articles)
{
	size_t i, n = 0;

	if ((size_t)snprintf(out, size, "%s/%s", root, articles) >= size)
		return -1;
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] != '/' || n == 0 || out[n - 1] != '/')
			out[n++] = out[i];
	while (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
	return 0;
}

struct watch *
watch_new(void)
{
	struct watch *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("out of memory: articles change on reload only");
		return NULL;
	}
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("inotify: %s: articles change on reload only",
		    strerror(errno));
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	return w;
}

/* watch_add with the lock held. */
static int
add_folder(struct watch *w, const char *root, const char *articles)
{
	char dir[PATH_MAX], parent[PATH_MAX];
	struct folder *f;
	char *slash;
	size_t i;

	if (folder_path(dir, sizeof(dir), root, articles) == -1) {
		log_warn("%s/%s: path too long: not watched for changes",
		    root, articles);
		return -1;
	}
	for (i = 0; i < w->nfolders; i++)
		if (strcmp(w->folders[i].dir, dir) == 0)
			return 0;
	if (w->nfolders == WATCH_MAX_FOLDERS) {
		log_warn("%s: already watching %d folders: its articles "
		    "change on reload only", dir, WATCH_MAX_FOLDERS);
		return -1;
	}
	memcpy(parent, dir, strlen(dir) + 1);
	slash = strrchr(parent, '/');   /* there is one: root/... */
	/* Filled in place and counted once watched: watch_read waits for the
	 * lock, so it sees the folder before any event for its wds. */
	f = &w->folders[w->nfolders];
	memcpy(f->dir, dir, strlen(dir) + 1);
	f->name = (size_t)(slash - parent) + 1;
	if (slash == parent)
		slash++;   /* a folder at the top: its parent is "/" */
	*slash = '\0';
	f->parent_wd = inotify_add_watch(w->fd, parent,
	    PARENT_EVENTS | IN_MASK_ADD);
	if (!watch_dir(w, f) && f->parent_wd == -1) {
		log_debug("%s: not there, nor its folder: not watched for "
		    "changes", f->dir);
		return -1;
	}
	if (f->dir_wd == -1)
		log_debug("%s: not there: watching for it to appear", f->dir);
	w->nfolders++;
	return 0;
}

int
watch_add(struct watch *w, const char *root, const char *articles)
{
	int rc;

	pthread_mutex_lock(&w->lock);
	rc = add_folder(w, root, articles);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

struct watch *
watch_open(const char *root, const char *articles)
{
	struct watch *w;

	if ((w = watch_new()) == NULL)
		return NULL;
	if (watch_add(w, root, articles) == -1) {
		watch_free(w);
		return NULL;
	}
	return w;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

/*
 * A name that may change the pages: what pages.c reads from the folder,
 * its articles and the author's intro above the list (index.gmi).
 */
static int
names_article(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	return (n > 4 && strcmp(name + n - 4, ".txt") == 0) ||
	    (n > 3 && strcmp(name + n - 3, ".md") == 0) ||
	    strcmp(name, "index.gmi") == 0;
}

/* An event in f's parent; returns 1 when it may change f's articles. */
static int
on_parent_event(struct watch *w, struct folder *f,
    const struct inotify_event *ev, const char *name)
{
	if (ev->mask & IN_IGNORED) {
		f->parent_wd = -1;   /* the parent itself went */
		return 0;
	}
	if (strcmp(name, f->dir + f->name) != 0)
		return 0;
	if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
		watch_dir(w, f);
		return 1;
	}
	if (ev->mask & (IN_MOVED_FROM | IN_DELETE)) {
		f->dir_wd = -1;   /* its watch, if moved, is stale */
		return 1;
	}
	/* Another folder's events on the same wd (IN_MASK_ADD): the folder's
	 * own mode, say, which its articles do not show. */
	return 0;
}

/* An event in f itself; returns 1 when it may change f's articles. */
static int
on_dir_event(struct folder *f, const struct inotify_event *ev,
    const char *name)
{
	if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
		if (ev->mask & IN_IGNORED)
			f->dir_wd = -1;
		return 1;
	}
	return names_article(name);
}

/* One event; returns 1 when it may change any folder's articles. */
static int
on_event(struct watch *w, const struct inotify_event *ev)
{
	const char *name = ev->len > 0 ? ev->name : "";
	struct folder *f;
	int in_parent, in_dir, changed = 0;
	size_t i;

	if (ev->mask & IN_Q_OVERFLOW) {
		/* Events were lost: whatever they were, read everything. */
		for (i = 0; i < w->nfolders; i++)
			if (w->folders[i].dir_wd == -1)
				watch_dir(w, &w->folders[i]);
		return 1;
	}
	for (i = 0; i < w->nfolders; i++) {
		f = &w->folders[i];
		/* Both roles are read before either handler changes a wd.
		 * Events for a folder no longer there under its name (moved
		 * away) have a wd that is no longer dir_wd: not f's. */
		in_parent = f->parent_wd != -1 && ev->wd == f->parent_wd;
		in_dir = f->dir_wd != -1 && ev->wd == f->dir_wd;
		if (in_parent)
			changed |= on_parent_event(w, f, ev, name);
		if (in_dir)
			changed |= on_dir_event(f, ev, name);
	}
	return changed;
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
		/* Taken after the read: an event for a wd watch_add is adding
		 * is only read once that folder is in the table. */
		pthread_mutex_lock(&w->lock);
		for (off = 0; off + sizeof(*ev) <= (size_t)n;
		    off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			changed |= on_event(w, ev);
		}
		pthread_mutex_unlock(&w->lock);
	}
	return changed;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	close(w->fd);
	pthread_mutex_destroy(&w->lock);
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
