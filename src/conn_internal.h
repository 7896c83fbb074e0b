/*
 * conn_internal.h - what conn.c and conn_proxy.c share of a connection:
 * not for other modules, which see conn.h only.
 */
#ifndef KIZUNA_CONN_INTERNAL_H
#define KIZUNA_CONN_INTERNAL_H

#include <netinet/in.h>
#include <sys/types.h>

#include "admission.h"
#include "conn.h"
#include "ev.h"
#include "proxy.h"
#include "response.h"
#include "site.h"
#include "tls.h"
#include "url.h"

enum conn_state {
	CONN_PROXY,          /* reading the PROXY header (proxy_protocol) */
	CONN_HANDSHAKE,
	CONN_READ_REQUEST,
	CONN_WRITE_RESPONSE,
	CONN_CLOSING,        /* sending close_notify */
	CONN_LINGER,         /* write side shut; discarding input until EOF */
	CONN_DEAD,           /* closed; freed by conn_reap */
};

struct conn {
	struct ev_watch watch;       /* first: ev hands this pointer back */
	struct conn_host *host;
	struct site *site;           /* held: the rules it was accepted with */
	int vhost;                   /* the site's host it was made for
	                                (SNI, else its address), from the
	                                ClientHello on */
	struct conn *prev, *next;    /* in host->live, or host->dead */
	enum conn_state state;
	struct tls_conn *tls;         /* NULL until the first bytes (the
	                                ClientHello) are there to read */
	long long accepted_ms;
	long long deadline_ms;       /* the earliest of the deadlines below */
	long long write_by_ms;       /* the whole response, at min_rate */
	struct admission_client peer; /* the socket's peer, as admission sees it */
	int has_peer;                /* peer is set: an IPv4 or IPv6 socket */
	int ticket;                  /* from admission_enter, or -1 */
	enum admission_verdict verdict; /* over rate_limit: answer 44 */
	int retry_after;             /* seconds, said in that 44 */
	char slow_down_reason[96];   /* that 44's words, for the log (its
	                                META is the bare number) */
	char address[INET6_ADDRSTRLEN];
	/* The client certificate's fingerprint, for the access log: "" when
	 * it sent none (or its host never asks for one, or log_ip = off: a
	 * fingerprint follows a reader as an address does). */
	char client_fingerprint[TLS_FINGERPRINT_SIZE];
	/* With a PROXY header naming the client: the address it connected
	 * to, the balancer's (else the socket's own is asked for). */
	struct sockaddr_storage local;
	int has_local;

	/* The request line as read: the URL, CRLF, and at most one byte past
	 * the limit, which is how an over-long URL is recognised. Before
	 * TLS, it holds the PROXY header's bytes consumed so far: the two
	 * are never needed at once. */
	char line[URL_MAX + 2];
	size_t line_len;
	size_t url_len;              /* bytes of URL to log, once known */

	struct response resp;
	int responding;              /* a header was queued: resp is valid */
	char *out;                   /* CONN_OUT_SIZE bytes while writing */
	size_t out_len, out_off;     /* queued, and already written */
	off_t body_queued;           /* bytes after the header copied into
	                                out so far (response_read's offset) */
	int body_incomplete;         /* the file shrank: no close_notify */
	unsigned long long bytes;    /* written to the client */
	const char *reason;          /* why it ended, when not normally */
};

_Static_assert(sizeof(((struct conn *)0)->line) >= PROXY_HEADER_MAX,
    "the request line's buffer also holds a PROXY header");

/* Ends the connection (conn.c): close_notify once a handshake completed,
 * one access line saying why (reason NULL: a normal end), freed later by
 * conn_reap. */
void conn_close(struct conn *c, const char *reason);

/* Drives the TLS handshake as far as the socket allows (conn.c). */
void conn_handshake(struct conn *c);

/*
 * Admits a client to the per-address limits: max_per_ip (a place, whose
 * ticket is kept for admission_leave) and rate_limit (retry_after set when
 * it answers 44). cl NULL (not an IP socket): admitted, no ticket.
 */
enum admission_verdict conn_admit(struct conn_host *h, const struct site *site,
    const struct admission_client *cl, long long now_ms, int *ticket,
    int *retry_after);

/* The PROXY stage (conn_proxy.c): reads the header, then admits the client
 * it names and goes on to the handshake, or closes. */
void conn_read_proxy(struct conn *c);

#endif
