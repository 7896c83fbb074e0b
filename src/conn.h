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
#include "ratelimit.h"
#include "request.h"
#include "tls.h"

struct conn;

/* Counters for max_per_ip. Two addresses may share one (a hash): then they
 * share its limit, a rare and harmless over-count. */
#define CONN_IP_SLOTS 65536

/* What a worker lends to its connections; owned by the worker. */
struct conn_host {
	struct ev_loop *loop;
	struct tls_ctx *tls;
	struct capsule *capsule;
	struct request_policy policy;
	/* Deadlines (see config.ini): from accept to the end of the handshake
	 * and of the request line; while writing, the longest stretch without
	 * progress, and the rate a whole response must average. */
	long long handshake_ms;
	long long request_ms;
	long long write_idle_ms;
	long long min_rate;    /* bytes per second */
	/* Open connections per client address (hashed, IPv6 per /64), shared
	 * by every worker; over max_per_ip a connection is answered 44. */
	atomic_int *per_ip;    /* CONN_IP_SLOTS counters, or NULL: no limit */
	int max_per_ip;
	int retry_after;       /* seconds, said in max_per_ip's 44 */
	/* Request tokens per client address (same hashing), shared by every
	 * worker; out of tokens, a connection is answered 44. */
	struct rate_table *rate;   /* or NULL: no rate limit */
	int proxy_protocol;    /* 1: a PROXY header comes before TLS */
	int log_ip;            /* 0: the address is logged as "-" */
	struct conn *live;     /* open connections (a list) */
	struct conn *dead;     /* closed during this batch, freed by conn_reap */
	int nlive;
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
