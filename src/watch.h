/*
 * watch.h - noticing that an articles folder changed: the only module
 * that uses inotify.
 *
 * A watch gives one descriptor to wait on (with ev.h, say) and, once it
 * is readable, says whether anything that makes an article changed in any
 * of its folders (one per capsule). For each folder it watches the folder
 * (a file written and closed, created, renamed in or out, deleted, its
 * mode changed) and the folder's parent for the folder itself appearing,
 * being renamed or going away, so a folder made after start-up is picked
 * up, and so is one deleted and made again.
 *
 * Made before confinement: inotify_init1 is not on the seccomp allow-list.
 * inotify_add_watch is, so folders can be added afterwards (watch_add, for
 * a host a reload brings), as long as the sandbox lets the process reach
 * them; reading events is read(2).
 *
 * Threads: watch_add may run in one thread (the signal thread, on reload)
 * while watch_read runs in another (the live thread); a mutex inside the
 * watch orders them. watch_free must not race with either.
 *
 * When to rebuild is the caller's (a burst, below): an editor's save is
 * several events (a temporary file written, renamed over the old one), and
 * a file being written must be read once it is complete.
 */
#ifndef KIZUNA_WATCH_H
#define KIZUNA_WATCH_H

/* Quiet after the last change before the articles are read again, and the
 * longest a change waits when changes keep coming (milliseconds). */
#define WATCH_QUIET_MS 250
#define WATCH_MAX_WAIT_MS 1000

/* Folders one watch holds: the server's limit on hosts. */
#define WATCH_MAX_FOLDERS 32

struct watch;

/*
 * A watch with no folders yet. Returns NULL when inotify cannot be used
 * (logged as a warning: articles then change on reload only). Freed with
 * watch_free.
 */
struct watch *watch_new(void);

/*
 * Starts watching root/articles (articles relative to root, as in the
 * config) and its parent folder. A missing folder is watched for from its
 * parent. The strings are copied. Adding a folder already watched (the
 * same path, give or take repeated or trailing '/') does nothing and
 * returns 0. Returns -1 (logged; the folder's articles then change on
 * reload only) when the watch already holds WATCH_MAX_FOLDERS folders,
 * the path is too long, or neither the folder nor its parent can be
 * watched (a missing parent is logged at debug level); else 0. Safe after
 * confinement and while another thread is in watch_read.
 */
int watch_add(struct watch *w, const char *root, const char *articles);

/*
 * watch_new and watch_add in one, for a single folder. Returns NULL when
 * either fails (a missing folder and parent too: nothing to watch).
 */
struct watch *watch_open(const char *root, const char *articles);

/* The descriptor that becomes readable when events are pending. */
int watch_fd(const struct watch *w);

/*
 * Reads every pending event (never blocks). Returns 1 when one of them
 * may change the articles of any folder (a "*.txt" or "*.md" entry not
 * starting with '.', a folder itself, or lost events), else 0. A folder
 * that has appeared is watched from now on.
 */
int watch_read(struct watch *w);

/* Closes the descriptor and frees w. NULL is a no-op. */
void watch_free(struct watch *w);

/*
 * The debounce, pure: a burst of changes starts at the first change and
 * is due once WATCH_QUIET_MS passed without another, or WATCH_MAX_WAIT_MS
 * after it started, whichever comes first. Times in milliseconds from any
 * monotonic origin.
 */
struct watch_burst {
	int pending;          /* a change is waiting to be acted on */
	long long first;      /* when the burst started */
	long long last;       /* its latest change */
};

/* Notes a change at now. */
void watch_burst_add(struct watch_burst *b, long long now);

/*
 * Milliseconds to wait before the burst is due: 0 when it is due now,
 * -1 when nothing is pending.
 */
long long watch_burst_wait(const struct watch_burst *b, long long now);

/* Ends the burst: the caller acts on it now. */
void watch_burst_done(struct watch_burst *b);

#endif
