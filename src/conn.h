/*
 * conn.h - one client connection, from accept to close.
 *
 * A connection is a state machine driven by socket readiness:
 *
 *   [PROXY ->] HANDSHAKE -> READ_REQUEST -> WRITE_RESPONSE -> CLOSING
 *       -> LINGER -> DEAD
 *
 * PROXY, only with proxy_protocol on, reads a load balancer's PROXY
 * protocol header from the raw socket; the client address it names then
 * stands for the socket's peer in the log and the per-address limits.
 * TLS want-read/want-write only decides which readiness the connection waits
 * for next; it never changes the protocol state. Every way out goes through
 * one close path, which sends close_notify once a handshake completed, logs
 * one access line saying why the connection ended, and frees everything at
 * the end of the event batch (conn_reap), never inside a callback.
 */
#ifndef KIZUNA_CONN_H
#define KIZUNA_CONN_H

#include <stdatomic.h>
#include <sys/socket.h>

#include "capsule.h"
#include "ev.h"
#include "admission.h"
#include "site.h"

struct conn;

/* What a worker lends to its connections; owned by the worker. */
struct conn_host {
	struct ev_loop *loop;
	struct capsule *capsule;
	/* The site new connections are accepted with, held by the worker; a
	 * connection holds its own until it is freed, so a reload never
	 * changes the rules under a connection in flight. Its cfg gives the
	 * deadlines (handshake_timeout, timeout, write_timeout, min_rate) and
	 * the per-address limits. */
	struct site *site;
	/* max_per_ip and rate_limit, shared by every worker: a connection
	 * over max_per_ip is closed before TLS (at accept, or after its PROXY
	 * header), one over rate_limit is answered 44. */
	struct admission *admission;
	struct conn *live;     /* open connections (a list) */
	struct conn *dead;     /* closed during this batch, freed by conn_reap */
	int nlive;
	/* Refusals at accept, logged one a second (refuse_at_accept). */
	long long refused_logged_ms;   /* the last one logged, 0: none */
	unsigned long refused_quiet;   /* left out since */
};

/*
 * Takes over the accepted, non-blocking socket fd (closed by the
 * connection from now on, or right here on failure) from the peer at sa
 * (the client, or with proxy_protocol the balancer).
 * Returns 0, or -1 when out of memory (fd is then closed).
 */
int conn_accept(struct conn_host *h, int fd, const struct sockaddr *sa,
    socklen_t salen);

/*
 * Closes every connection whose deadline passed at now_ms (ev_now_ms()).
 * A full pass: the worker calls it about once a second, which is cheaper
 * than keeping deadlines sorted and precise enough for second timeouts.
 */
void conn_sweep(struct conn_host *h, long long now_ms);

/*
 * Closes the connections that have not started a response yet (handshake
 * or request still coming): at shutdown they are not in flight.
 */
void conn_close_idle(struct conn_host *h, const char *reason);

/* Closes every open connection, giving reason in the log. */
void conn_close_all(struct conn_host *h, const char *reason);

/* Frees the connections closed since the last call; after ev_run only. */
void conn_reap(struct conn_host *h);

#endif
