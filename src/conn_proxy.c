/*
 * conn_proxy.c - a connection's PROXY stage (proxy_protocol = on): the
 * load balancer's header read off the raw socket before TLS, and the
 * client it names admitted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>

#include "conn_internal.h"
#include "log.h"
#include "proxy.h"

/* Consumes n bytes that a peek saw waiting, into dst. Returns 0 or -1
 * (the connection is then closed). */
static int
consume(struct conn *c, unsigned char *dst, size_t n)
{
	ssize_t got;

	while (n > 0) {
		got = recv(c->watch.fd, dst, n, 0);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			conn_close(c, "socket error in the PROXY header");
			return -1;
		}
		dst += got;
		n -= (size_t)got;
	}
	return 0;
}

/* The header is read: its client is now the connection's client. */
static void
proxy_done(struct conn *c, const struct proxy_header *hdr)
{
	const struct sockaddr *client =
	    (const struct sockaddr *)(const void *)&hdr->source;
	const struct admission_client *who = c->has_peer ? &c->peer : NULL;
	struct admission_client cl;

	/* LOCAL and UNKNOWN keep the socket's peer, formatted at accept. */
	if (hdr->has_source) {
		log_format_address(c->site->cfg.log_ip ? client : NULL, c->address,
		    sizeof(c->address));
		c->local = hdr->destination;
		c->has_local = 1;
		who = admission_client_of(client, &cl) == 0 ? &cl : NULL;
	}
	log_debug("%s: PROXY v%d header, %zu bytes", c->address,
	    hdr->version, hdr->length);
	/* Only now is the client known: over max_per_ip, the connection
	 * ends here, before TLS, and the balancer closes the reader's. */
	c->verdict = conn_admit(c->host, c->site, who, c->accepted_ms, &c->ticket,
	    &c->retry_after);
	if (c->verdict == ADMISSION_TOO_MANY_CONNECTIONS) {
		conn_close(c, "over max_per_ip: closed after the PROXY header");
		return;
	}
	c->line_len = 0;
	c->state = CONN_HANDSHAKE;
	/* The ClientHello may have come with the header. */
	conn_handshake(c);
}

/*
 * Reads the PROXY header from the raw socket, before TLS, consuming
 * exactly its bytes: what follows is the ClientHello, which must stay in
 * the socket for OpenSSL. So each read is a peek first. While the header
 * is still incomplete, every byte peeked is the header's, and is consumed
 * at once: left in the socket, it would keep the level-triggered watch
 * firing while we wait for the rest.
 */
void
conn_read_proxy(struct conn *c)
{
	unsigned char *buf = (unsigned char *)c->line;
	struct proxy_header hdr;
	const char *why = NULL;
	ssize_t n;

	for (;;) {
		/* NEED_MORE leaves line_len < PROXY_HEADER_MAX: room for one
		 * byte at least, so 0 below is always end of file. */
		n = recv(c->watch.fd, buf + c->line_len,
		    PROXY_HEADER_MAX - c->line_len, MSG_PEEK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (ev_set(c->host->loop, &c->watch, EV_READ) == -1)
				conn_close(c, "cannot watch the socket");
			return;
		}
		if (n == -1) {
			conn_close(c, "socket error in the PROXY header");
			return;
		}
		if (n == 0) {
			conn_close(c, c->line_len == 0 ? "no PROXY header" :
			    "client closed during the PROXY header");
			return;
		}
		switch (proxy_parse(buf, c->line_len + (size_t)n, &hdr, &why)) {
		case PROXY_NEED_MORE:
			if (consume(c, buf + c->line_len, (size_t)n) == -1)
				return;
			c->line_len += (size_t)n;
			continue;
		case PROXY_INVALID:
			conn_close(c, why);
			return;
		case PROXY_OK:
			/* The bytes consumed were a beginning (NEED_MORE), so
			 * the header is longer than they are. */
			if (consume(c, buf + c->line_len,
			    hdr.length - c->line_len) == -1)
				return;
			proxy_done(c, &hdr);
			return;
		}
	}
}
