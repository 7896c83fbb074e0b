/*
 * live.c - the live-update thread: a watch, a debounce, a rebuild.
 */
#define _GNU_SOURCE
#include "live.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"

struct live {
	struct ev_loop loop;
	struct ev_watch changes;   /* the watch's descriptor */
	struct ev_watch wake;      /* eventfd: live_free says "stop" */
	struct watch *watch;
	struct watch_burst burst;
	live_rebuild *rebuild;
	void *arg;
	pthread_t thread;
	int started;
	int stop;                  /* the live thread's own */
};

static void
on_changes(struct ev_watch *cw, unsigned revents)
{
	struct live *l = (struct live *)((char *)cw -
	    offsetof(struct live, changes));

	(void)revents;
	if (watch_read(l->watch))
		watch_burst_add(&l->burst, ev_now_ms());
}

static void
on_wake(struct ev_watch *ww, unsigned revents)
{
	struct live *l = (struct live *)((char *)ww -
	    offsetof(struct live, wake));
	uint64_t n;

	(void)revents;
	if (read(ww->fd, &n, sizeof(n)) == sizeof(n))
		l->stop = 1;
}

static void *
live_main(void *arg)
{
	struct live *l = arg;
	long long wait;

	while (!l->stop) {
		wait = watch_burst_wait(&l->burst, ev_now_ms());
		if (wait == 0) {
			/* Done first: a change during the rebuild, which may
			 * have read the folder before it, makes another. */
			watch_burst_done(&l->burst);
			l->rebuild(l->arg);
			continue;
		}
		if (ev_run(&l->loop, wait > INT_MAX ? INT_MAX : (int)wait) ==
		    -1) {
			log_error("live updates: event loop: %s: articles now "
			    "change on reload only", strerror(errno));
			break;
		}
	}
	return NULL;
}

struct live *
live_new(struct watch *w, live_rebuild *rebuild, void *arg)
{
	struct live *l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		log_error("live updates: out of memory");
		watch_free(w);
		return NULL;
	}
	l->watch = w;
	l->rebuild = rebuild;
	l->arg = arg;
	l->loop.epfd = -1;
	l->wake.fd = -1;
	if (ev_init(&l->loop) == -1 ||
	    (l->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_error("live updates: %s", strerror(errno));
		live_free(l);
		return NULL;
	}
	l->changes.fd = watch_fd(w);
	l->changes.cb = on_changes;
	l->wake.cb = on_wake;
	if (ev_add(&l->loop, &l->changes, EV_READ) == -1 ||
	    ev_add(&l->loop, &l->wake, EV_READ) == -1) {
		log_error("live updates: %s", strerror(errno));
		live_free(l);
		return NULL;
	}
	return l;
}

int
live_start(struct live *l)
{
	if (pthread_create(&l->thread, NULL, live_main, l) != 0) {
		log_error("live updates: cannot start their thread: articles "
		    "change on reload only");
		return -1;
	}
	l->started = 1;
	return 0;
}

void
live_free(struct live *l)
{
	uint64_t one = 1;

	if (l == NULL)
		return;
	if (l->started) {
		if (write(l->wake.fd, &one, sizeof(one)) == -1)
			log_warn("live updates: cannot stop their thread: %s",
			    strerror(errno));
		else
			pthread_join(l->thread, NULL);
	}
	if (l->loop.epfd != -1)
		ev_destroy(&l->loop);
	if (l->wake.fd != -1)
		close(l->wake.fd);
	watch_free(l->watch);
	free(l);
}
