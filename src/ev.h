/*
 * ev.h - a small event loop over epoll: the only module that includes it.
 *
 * A watch is embedded in the object that owns the descriptor; the loop hands
 * it back to its callback, which finds its object with container_of-style
 * casts. Level-triggered: a callback that leaves data unread is called again.
 *
 * Invariant the callers keep: a watch's memory stays valid until the batch
 * that may report it has been dispatched (ev_run returns). Closing an object
 * inside a callback therefore defers its free to after ev_run.
 */
#ifndef KIZUNA_EV_H
#define KIZUNA_EV_H

#define EV_READ  0x1u
#define EV_WRITE 0x2u
#define EV_HUP   0x4u   /* error or hang-up; reported whatever was asked */
/*
 * For ev_add, with EV_READ: a descriptor that several loops watch (one
 * listening socket shared by every worker) wakes only one of them per
 * event (EPOLLEXCLUSIVE), not all, which would then race for one accept.
 * It stays set for the watch's life; ev_set keeps it.
 */
#define EV_EXCLUSIVE 0x8u

struct ev_watch;
typedef void ev_callback(struct ev_watch *w, unsigned revents);

struct ev_watch {
	int fd;
	unsigned events;    /* EV_READ | EV_WRITE currently asked for, and
	                       EV_EXCLUSIVE when added so */
	ev_callback *cb;
};

struct ev_loop {
	int epfd;
};

/* Returns 0, or -1 with errno set. */
int ev_init(struct ev_loop *loop);
void ev_destroy(struct ev_loop *loop);

/* Starts watching w->fd for events (which may be 0). Returns 0 or -1. */
int ev_add(struct ev_loop *loop, struct ev_watch *w, unsigned events);
/* Changes what w waits for; a no-op when unchanged. Returns 0 or -1. */
int ev_set(struct ev_loop *loop, struct ev_watch *w, unsigned events);
/* Stops watching; call before closing the descriptor. Returns 0 or -1. */
int ev_del(struct ev_loop *loop, struct ev_watch *w);

/*
 * Waits up to timeout_ms (-1: forever) and calls the callback of each ready
 * watch. Returns the number of watches dispatched (0 on timeout or EINTR),
 * or -1 with errno set.
 */
int ev_run(struct ev_loop *loop, int timeout_ms);

/* Monotonic clock in milliseconds, for deadlines. */
long long ev_now_ms(void);

#endif
