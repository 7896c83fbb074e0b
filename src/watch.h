/*
 * watch.h - noticing that the articles folder changed: the only module
 * that uses inotify.
 *
 * A watch gives a descriptor to wait on (with ev.h, say) and, once it is
 * readable, says whether anything that makes an article changed. It
 * watches the folder (a file written and closed, created, renamed in or
 * out, deleted, its mode changed) and the folder's parent for the folder
 * itself appearing, being renamed or going away, so a folder made after
 * start-up is picked up, and so is one deleted and made again.
 *
 * Set up before confinement: inotify_init1 is not on the seccomp
 * allow-list, inotify_add_watch is (for a folder that appears later), and
 * reading events is read(2).
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

struct watch;

/*
 * Starts watching root/articles (articles relative to root, as in the
 * config) and its parent folder. A missing folder is watched for from its
 * parent; a missing parent too means nothing to watch (logged at debug
 * level). Returns NULL when inotify cannot be used (logged as a warning:
 * articles then change on reload only) or when there is nothing to watch.
 */
struct watch *watch_open(const char *root, const char *articles);

/* The descriptor that becomes readable when events are pending. */
int watch_fd(const struct watch *w);

/*
 * Reads every pending event (never blocks). Returns 1 when one of them
 * may change the articles (a "*.txt" or "*.md" entry not starting with
 * '.', the folder itself, or lost events), else 0. When the folder has
 * appeared it is watched from now on.
 */
int watch_read(struct watch *w);

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
