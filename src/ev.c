/*
 * ev.c - epoll behind ev.h.
 */
#define _GNU_SOURCE
#include "ev.h"

#include <errno.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

/* Events taken per epoll_wait: bounds the batch, not the connections. */
#define EV_BATCH 256

int
ev_init(struct ev_loop *loop)
{
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd == -1 ? -1 : 0;
}

void
ev_destroy(struct ev_loop *loop)
{
	if (loop->epfd != -1)
		close(loop->epfd);
	loop->epfd = -1;
}

static unsigned
to_epoll(unsigned events)
{
	return ((events & EV_READ) ? EPOLLIN : 0u) |
	    ((events & EV_WRITE) ? EPOLLOUT : 0u) |
	    ((events & EV_EXCLUSIVE) ? EPOLLEXCLUSIVE : 0u);
}

int
ev_add(struct ev_loop *loop, struct ev_watch *w, unsigned events)
{
	struct epoll_event e = { .events = to_epoll(events), .data.ptr = w };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, w->fd, &e) == -1)
		return -1;
	w->events = events;
	return 0;
}

int
ev_set(struct ev_loop *loop, struct ev_watch *w, unsigned events)
{
	struct epoll_event e;

	events |= w->events & EV_EXCLUSIVE;
	if (w->events == events)
		return 0;
	/* The kernel refuses EPOLL_CTL_MOD on an exclusive watch. */
	if (events & EV_EXCLUSIVE) {
		if (ev_del(loop, w) == -1)
			return -1;
		return ev_add(loop, w, events);
	}
	e.events = to_epoll(events);
	e.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, w->fd, &e) == -1)
		return -1;
	w->events = events;
	return 0;
}

int
ev_del(struct ev_loop *loop, struct ev_watch *w)
{
	return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

int
ev_run(struct ev_loop *loop, int timeout_ms)
{
	struct epoll_event ready[EV_BATCH];
	int n, i;

	n = epoll_wait(loop->epfd, ready, EV_BATCH, timeout_ms);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		struct ev_watch *w = ready[i].data.ptr;
		unsigned revents = 0;

		if (ready[i].events & EPOLLIN)
			revents |= EV_READ;
		if (ready[i].events & EPOLLOUT)
			revents |= EV_WRITE;
		if (ready[i].events & (EPOLLERR | EPOLLHUP))
			revents |= EV_HUP;
		w->cb(w, revents);
	}
	return n;
}

long long
ev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
