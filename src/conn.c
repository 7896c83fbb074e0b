/*
 * conn.c - one client connection: TLS I/O, its states and deadlines. What
 * it sends, header and body, comes from response.c.
 */
#define _GNU_SOURCE
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "conn_internal.h"
#include "location.h"
#include "log.h"
#include "proxy.h"
#include "rules.h"

/*
 * Plaintext written per TLS call: one full TLS record, so a small page
 * leaves in a single record together with its header.
 */
#define CONN_OUT_SIZE (16 * 1024)

/* How long a closing connection may take to flush close_notify and drain
 * what the client still sends (so that close() does not reset the tail of
 * the response away). */
#define CONN_LINGER_MS 2000

static void conn_event(struct ev_watch *w, unsigned revents);
static struct tls_ctx *select_host(void *arg, const char *servername);


static void
list_remove(struct conn **head, struct conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void
list_push(struct conn **head, struct conn *c)
{
	c->prev = NULL;
	c->next = *head;
	if (*head != NULL)
		(*head)->prev = c;
	*head = c;
}

/*
 * Waits for the readiness TLS asked for. Before waiting for the client,
 * what this event gathered goes out (tls_flush): the client may be waiting
 * for it. When the socket is full, the wait is for room instead; the
 * state's next call then flushes again on its way back here.
 */
static void
wait_for(struct conn *c, enum tls_result r)
{
	unsigned events = r == TLS_WANT_WRITE ? EV_WRITE : EV_READ;

	if (r == TLS_WANT_READ) {
		switch (tls_flush(c->tls)) {
		case TLS_OK:
			break;
		case TLS_WANT_WRITE:
			events = EV_WRITE;
			break;
		case TLS_WANT_READ:
		case TLS_CLOSED:
		case TLS_ERROR:
			conn_close(c, tls_conn_error(c->tls));
			return;
		}
	}
	if (ev_set(c->host->loop, &c->watch, events) == -1)
		conn_close(c, "cannot watch the socket");
}

/*
 * Appends what follows the header (the body, then the newline a gemtext
 * file may be given) to out, up to CONN_OUT_SIZE. Returns 0, or -1 when
 * the file shrank or failed under us (the connection is then closed
 * without close_notify: the client must see that the body is cut, and we
 * never pad or pretend).
 */
static int
fill_body(struct conn *c)
{
	off_t length = response_body_length(&c->resp);
	const char *why = NULL;
	ssize_t got;

	while (c->out_len < CONN_OUT_SIZE && c->body_queued < length) {
		got = response_read(&c->resp, c->body_queued,
		    c->out + c->out_len, CONN_OUT_SIZE - c->out_len, &why);
		if (got == -1) {
			c->body_incomplete = 1;
			conn_close(c, why);
			return -1;
		}
		c->out_len += (size_t)got;
		c->body_queued += got;
	}
	return 0;
}

static int
response_sent(const struct conn *c)
{
	return c->body_queued == response_body_length(&c->resp);
}

/* Progress moves the idle deadline, never past the whole-response one. */
static void
set_write_deadline(struct conn *c)
{
	long long idle = ev_now_ms() + c->site->cfg.write_timeout * 1000LL;

	c->deadline_ms = idle < c->write_by_ms ? idle : c->write_by_ms;
}

/* Writes until TLS blocks or the response is done. */
static void
do_write(struct conn *c)
{
	size_t n;
	enum tls_result r;

	for (;;) {
		if (c->out_off == c->out_len) {
			if (response_sent(c)) {
				conn_close(c, NULL);
				return;
			}
			c->out_off = c->out_len = 0;
			if (fill_body(c) == -1)
				return;
		}
		r = tls_write(c->tls, c->out + c->out_off,
		    c->out_len - c->out_off, &n);
		switch (r) {
		case TLS_OK:
			c->out_off += n;
			c->bytes += n;
			set_write_deadline(c);
			break;
		case TLS_WANT_READ:
		case TLS_WANT_WRITE:
			wait_for(c, r);
			return;
		case TLS_CLOSED:
			conn_close(c, "client closed during the response");
			return;
		case TLS_ERROR:
			conn_close(c, tls_conn_error(c->tls));
			return;
		}
	}
}

/*
 * Queues the header and as much of the body as fits behind it, so a small
 * response leaves in one TLS record, then starts writing.
 */
static void
start_response(struct conn *c)
{
	_Static_assert(CONN_OUT_SIZE >= RESPONSE_HEADER_MAX,
	    "the header always fits in out");

	if ((c->out = malloc(CONN_OUT_SIZE)) == NULL) {
		conn_close(c, "out of memory");
		return;
	}
	c->out_len = response_begin(&c->resp, c->out, CONN_OUT_SIZE);
	c->responding = 1;
	c->state = CONN_WRITE_RESPONSE;
	/* A reader must average min_rate: a big file is no licence to hold a
	 * connection forever by reading a little now and then. */
	c->write_by_ms = ev_now_ms() + c->site->cfg.write_timeout * 1000LL +
	    (long long)(response_body_length(&c->resp) + c->out_len) * 1000 /
	    (c->site->cfg.min_rate * 1024LL);
	set_write_deadline(c);
	if (fill_body(c) == -1)
		return;
	do_write(c);
}

static void
respond_status(struct conn *c, int status, const char *meta)
{
	response_status(&c->resp, status, meta);
	start_response(c);
}

static void
handle_request(struct conn *c, size_t linelen)
{
	const struct site_host *host = &c->site->hosts[c->vhost];
	struct location_rules rules;
	struct rules_client client = { .has_certificate = 0 };
	struct tls_peer peer;
	struct request req;
	const char *why = NULL;
	int status;

	c->url_len = linelen;
	/* Only a host that asks has a client certificate to look at; it is
	 * logged whatever the answer. */
	if (host->asks_certificates) {
		if (tls_conn_peer(c->tls, &peer) == -1) {
			respond_status(c, 40, "Temporary failure, try again");
			return;
		}
		if (peer.has_certificate && c->site->cfg.log_ip)
			memcpy(c->client_fingerprint, peer.fingerprint,
			    sizeof(c->client_fingerprint));
		client.has_certificate = peer.has_certificate;
		client.sha256 = peer.sha256;
		client.fingerprint = peer.fingerprint;
		client.valid_now = !peer.expired && !peer.not_yet_valid;
	}
	if (c->verdict == ADMISSION_TOO_MANY_REQUESTS) {
		snprintf(c->slow_down_reason, sizeof(c->slow_down_reason),
		    "over rate_limit: too many requests from this address, "
		    "told to wait %d second%s", c->retry_after,
		    c->retry_after == 1 ? "" : "s");
		c->reason = c->slow_down_reason;
		response_slow_down(&c->resp, c->retry_after);
		start_response(c);
		return;
	}
	status = request_parse(c->line, linelen, &host->policy, &req, &why);
	if (status != 0) {
		respond_status(c, status, why);
		return;
	}
	location_resolve(&c->site->cfg, host->cfg->name, req.path, &rules);
	if (!rules_answer(&rules, &req, host->cfg->name,
	    host->asks_certificates ? &client : NULL, &c->resp))
		capsule_respond(c->host->capsule, &host->content, &req, &rules,
		    &c->resp);
	start_response(c);
}

static void
do_read(struct conn *c)
{
	size_t n, linelen;
	enum tls_result r;

	for (;;) {
		r = tls_read(c->tls, c->line + c->line_len,
		    sizeof(c->line) - c->line_len, &n);
		switch (r) {
		case TLS_OK:
			c->line_len += n;
			switch (request_scan(c->line, c->line_len, &linelen)) {
			case REQUEST_INCOMPLETE:
				continue;
			case REQUEST_COMPLETE:
				handle_request(c, linelen);
				return;
			case REQUEST_TOO_LONG:
				c->url_len = c->line_len;
				respond_status(c, 59, "URL longer than 1024 bytes");
				return;
			}
			return;
		case TLS_WANT_READ:
		case TLS_WANT_WRITE:
			wait_for(c, r);
			return;
		case TLS_CLOSED:
			c->url_len = c->line_len;
			conn_close(c, "client closed before ending its request");
			return;
		case TLS_ERROR:
			c->url_len = c->line_len;
			conn_close(c, tls_conn_error(c->tls));
			return;
		}
	}
}

/*
 * Makes the connection's TLS object, with the default host's context,
 * whose ticket keys seal the sessions of every host; the ClientHello then
 * picks the host. Returns 0, or -1 (closed).
 */
static int
start_tls(struct conn *c)
{
	long long handshake_by = ev_now_ms() +
	    c->site->cfg.handshake_timeout * 1000LL;
	long long request_by = c->accepted_ms + c->site->cfg.timeout * 1000LL;

	/*
	 * The handshake's time starts now, when the server takes it up: in a
	 * burst, connections accepted together would otherwise share one
	 * deadline, run out of it together while the worker works through
	 * their ClientHellos, and none would be served. A client that sends
	 * nothing is still closed at handshake_timeout from accept, and no
	 * request outlives timeout from accept.
	 */
	c->deadline_ms = handshake_by < request_by ? handshake_by : request_by;
	c->vhost = c->site->cfg.default_host;
	if ((c->tls = tls_conn_new(c->site->hosts[c->vhost].tls,
	    c->watch.fd)) == NULL) {
		conn_close(c, "out of memory for TLS");
		return -1;
	}
	if (c->site->nhosts > 1)
		tls_conn_set_selector(c->tls, select_host, c);
	return 0;
}

void
conn_handshake(struct conn *c)
{
	enum tls_result r;

	if (c->tls == NULL && start_tls(c) == -1)
		return;
	r = tls_handshake(c->tls);
	switch (r) {
	case TLS_OK:
		c->state = CONN_READ_REQUEST;
		c->deadline_ms = c->accepted_ms + c->site->cfg.timeout * 1000LL;
		log_debug("%s: %s", c->address, tls_conn_version(c->tls));
		/* The request may already sit in OpenSSL's buffer. */
		do_read(c);
		return;
	case TLS_WANT_READ:
	case TLS_WANT_WRITE:
		wait_for(c, r);
		return;
	case TLS_CLOSED:
		conn_close(c, "client closed during the TLS handshake");
		return;
	case TLS_ERROR:
		conn_close(c, tls_conn_error(c->tls));
		return;
	}
}

/* The end: log, close, and hand the memory to conn_reap. */
static void
finish(struct conn *c)
{
	struct conn_host *h = c->host;
	struct log_access entry = {
		.address = c->address,
		.host = tls_conn_established(c->tls) ?
		    c->site->hosts[c->vhost].cfg->name : NULL,
		.certificate = c->client_fingerprint[0] != '\0' ?
		    c->client_fingerprint : NULL,
		.url = c->url_len > 0 ? c->line : NULL,
		.url_len = c->url_len,
		.status = c->responding ? c->resp.status : 0,
		.bytes = c->bytes,
		.ms = ev_now_ms() - c->accepted_ms,
		.tls = !tls_conn_established(c->tls) ? LOG_TLS_NONE :
		    tls_conn_resumed(c->tls) ? LOG_TLS_RESUMED : LOG_TLS_NEW,
		.reason = c->reason,
	};

	log_access(&entry);
	admission_leave(h->admission, c->ticket);
	/* One try, without waiting, at what is still held: an alert that
	 * says why the handshake failed, or the start of a cut body. */
	if (c->tls != NULL)
		(void)tls_flush(c->tls);
	/* close() also takes the descriptor out of epoll: it is never
	 * duplicated, so no ev_del is needed. */
	tls_conn_free(c->tls);
	c->tls = NULL;
	close(c->watch.fd);
	response_release(&c->resp);
	free(c->out);
	c->out = NULL;
	list_remove(&h->live, c);
	list_push(&h->dead, c);
	h->nlive--;
	c->state = CONN_DEAD;
}

/* Finishes at once when nothing is left unread (the common case); else
 * shuts our side and drains the client until it closes too. */
static void
begin_linger(struct conn *c)
{
	int pending = 0;

	if (ioctl(c->watch.fd, FIONREAD, &pending) == -1 || pending == 0) {
		finish(c);
		return;
	}
	shutdown(c->watch.fd, SHUT_WR);
	c->state = CONN_LINGER;
	c->deadline_ms = ev_now_ms() + CONN_LINGER_MS;
	if (ev_set(c->host->loop, &c->watch, EV_READ) == -1)
		finish(c);
}

static void
do_closing(struct conn *c)
{
	enum tls_result r = tls_shutdown(c->tls);

	switch (r) {
	case TLS_OK:
		begin_linger(c);
		return;
	case TLS_WANT_READ:
	case TLS_WANT_WRITE:
		wait_for(c, r);
		return;
	case TLS_CLOSED:
	case TLS_ERROR:
		finish(c);
		return;
	}
}

static void
do_linger(struct conn *c)
{
	char sink[4096];
	ssize_t n;

	for (;;) {
		n = read(c->watch.fd, sink, sizeof(sink));
		if (n > 0)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		finish(c);
		return;
	}
}

/*
 * The single way out. reason is NULL for a normal end. A connection whose
 * handshake completed owes the client a close_notify, error paths included,
 * so that a complete body can be told from a cut one; the exception is a
 * body that could not be completed (the file shrank, or the client stopped
 * reading or read too slowly): that one ends without close_notify.
 */
void
conn_close(struct conn *c, const char *reason)
{
	switch (c->state) {
	case CONN_PROXY:
	case CONN_HANDSHAKE:
	case CONN_READ_REQUEST:
	case CONN_WRITE_RESPONSE:
		break;
	case CONN_CLOSING:
	case CONN_LINGER:
		if (c->reason == NULL)
			c->reason = reason;
		finish(c);
		return;
	case CONN_DEAD:
		return;
	}
	if (c->reason == NULL)
		c->reason = reason;
	response_release(&c->resp);
	free(c->out);
	c->out = NULL;
	if (tls_conn_established(c->tls) && !c->body_incomplete) {
		c->state = CONN_CLOSING;
		c->deadline_ms = ev_now_ms() + CONN_LINGER_MS;
		do_closing(c);
		return;
	}
	finish(c);
}

static void
conn_event(struct ev_watch *w, unsigned revents)
{
	struct conn *c = (struct conn *)(void *)w;

	(void)revents;   /* each state's I/O call reports errors itself */
	switch (c->state) {
	case CONN_PROXY:
		conn_read_proxy(c);
		return;
	case CONN_HANDSHAKE:
		conn_handshake(c);
		return;
	case CONN_READ_REQUEST:
		do_read(c);
		return;
	case CONN_WRITE_RESPONSE:
		do_write(c);
		return;
	case CONN_CLOSING:
		do_closing(c);
		return;
	case CONN_LINGER:
		do_linger(c);
		return;
	case CONN_DEAD:
		return;
	}
}

/*
 * Decides from the client's address (cl, NULL when not IP: no limits)
 * whether this connection is served. Over max_per_ip it is not: it
 * returns ADMISSION_TOO_MANY_CONNECTIONS and the caller closes it before
 * TLS, so that an address holding its share costs an accept and a close
 * per further attempt and never a place under max_connections. Out of
 * rate_limit tokens it is answered 44 once its request is read (the
 * answer needs the handshake anyway, and waiting for the request keeps it
 * in the order a client expects).
 */
enum admission_verdict
conn_admit(struct conn_host *h, const struct site *site,
    const struct admission_client *cl, long long now_ms, int *ticket,
    int *retry_after)
{
	const struct admission_limits limits = {
		.max_per_ip = site->cfg.max_per_ip,
		.rate_limit = site->cfg.rate_limit,
		.rate_burst = site->cfg.rate_burst,
	};

	*ticket = -1;
	if (cl == NULL)
		return ADMISSION_ADMITTED;
	return admission_enter(h->admission, cl, &limits, now_ms, ticket,
	    retry_after);
}

/*
 * The handshake's choice of host (tls.h): the one the client named, else
 * the one whose aliases hold the address it connected to (behind a
 * balancer, the one its PROXY header names), else the default host
 * (site_host_for).
 */
static struct tls_ctx *
select_host(void *arg, const char *servername)
{
	struct conn *c = arg;
	socklen_t len = sizeof(c->local);

	if (!c->has_local)
		c->has_local = getsockname(c->watch.fd,
		    (struct sockaddr *)&c->local, &len) == 0;
	c->vhost = site_host_for(c->site, servername,
	    c->has_local ? (const struct sockaddr *)&c->local : NULL);
	return c->site->hosts[c->vhost].tls;
}

/*
 * Closes fd, over max_per_ip at accept, nothing sent. One access line a
 * second at most per worker: a client reconnecting as fast as it can is
 * refused some 17,000 times a second on loopback, and a line for each
 * would fill the disk (the next line counts those left out).
 */
static void
refuse_at_accept(struct conn_host *h, int fd, const struct sockaddr *sa,
    long long now_ms)
{
	char address[INET6_ADDRSTRLEN], reason[128];
	struct log_access entry = {
		.address = address,
		.reason = reason,
	};

	close(fd);
	if (h->refused_logged_ms != 0 && now_ms - h->refused_logged_ms < 1000) {
		h->refused_quiet++;
		return;
	}
	if (h->refused_quiet > 0)
		snprintf(reason, sizeof(reason), "over max_per_ip: closed at "
		    "accept (and %lu more, not logged, in the second before)",
		    h->refused_quiet);
	else
		snprintf(reason, sizeof(reason), "over max_per_ip: closed at "
		    "accept");
	h->refused_logged_ms = now_ms;
	h->refused_quiet = 0;
	log_format_address(h->site->cfg.log_ip ? sa : NULL, address,
	    sizeof(address));
	log_access(&entry);
}

int
conn_accept(struct conn_host *h, int fd, const struct sockaddr *sa,
    socklen_t salen)
{
	struct admission_client peer = { 0 };
	enum admission_verdict verdict = ADMISSION_ADMITTED;
	long long now = ev_now_ms();
	int has_peer, ticket = -1, retry_after = 0;
	struct conn *c;

	(void)salen;
	has_peer = admission_client_of(sa, &peer) == 0;
	/* Decided before anything is allocated: with the PROXY protocol,
	 * once the header names the client. */
	if (!h->site->cfg.proxy_protocol) {
		verdict = conn_admit(h, h->site, has_peer ? &peer : NULL, now,
		    &ticket, &retry_after);
		if (verdict == ADMISSION_TOO_MANY_CONNECTIONS) {
			refuse_at_accept(h, fd, sa, now);
			return 0;
		}
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		admission_leave(h->admission, ticket);
		close(fd);
		return -1;
	}
	c->host = h;
	c->watch.fd = fd;
	c->watch.cb = conn_event;
	response_init(&c->resp);
	c->accepted_ms = now;
	c->site = site_hold(h->site);
	c->deadline_ms = c->accepted_ms + 1000LL *
	    (c->site->cfg.handshake_timeout < c->site->cfg.timeout ?
	    c->site->cfg.handshake_timeout : c->site->cfg.timeout);
	c->state = c->site->cfg.proxy_protocol ? CONN_PROXY : CONN_HANDSHAKE;
	c->ticket = ticket;
	c->verdict = verdict;
	c->retry_after = retry_after;
	c->peer = peer;
	c->has_peer = has_peer;
	log_format_address(c->site->cfg.log_ip ? sa : NULL, c->address,
	    sizeof(c->address));
	c->vhost = c->site->cfg.default_host;
	if (ev_add(h->loop, &c->watch, EV_READ) == -1) {
		site_release(c->site);
		admission_leave(h->admission, ticket);
		close(fd);
		free(c);
		return -1;
	}
	list_push(&h->live, c);
	h->nlive++;
	/* The first bytes have usually arrived with the connection: read
	 * them now rather than after another trip through epoll. */
	if (c->state == CONN_PROXY) {
		conn_read_proxy(c);
		return 0;
	}
	/*
	 * The TLS object (about 20 KB once OpenSSL reads into it) is made
	 * when the socket is first readable (conn_handshake): a client that
	 * connects and sends nothing costs the struct conn alone. A
	 * ClientHello already there is reported by the loop's next wait,
	 * with the other ready sockets, which costs no system call of its
	 * own (a peek here would cost one a connection). EOF and errors
	 * reach OpenSSL, which reports them as it always did.
	 */
	return 0;
}

static const char *
timeout_reason(const struct conn *c)
{
	switch (c->state) {
	case CONN_PROXY:
		return "timeout before the PROXY header ended";
	case CONN_HANDSHAKE:
		return "timeout in the TLS handshake";
	case CONN_READ_REQUEST:
		return "timeout before the request ended";
	case CONN_WRITE_RESPONSE:
		return c->deadline_ms >= c->write_by_ms ?
		    "timeout: the client read too slowly" :
		    "timeout: the client stopped reading";
	case CONN_CLOSING:
	case CONN_LINGER:
	case CONN_DEAD:
		break;
	}
	return NULL;
}

void
conn_sweep(struct conn_host *h, long long now_ms)
{
	struct conn *c, *next;

	for (c = h->live; c != NULL; c = next) {
		next = c->next;
		if (c->deadline_ms > now_ms)
			continue;
		/* A response cut short must not end as if it were whole; and a
		 * client that does not read would never take the alert anyway. */
		if (c->state == CONN_WRITE_RESPONSE)
			c->body_incomplete = 1;
		conn_close(c, timeout_reason(c));
	}
}

void
conn_close_idle(struct conn_host *h, const char *reason)
{
	struct conn *c, *next;

	for (c = h->live; c != NULL; c = next) {
		next = c->next;
		if (c->state == CONN_PROXY || c->state == CONN_HANDSHAKE ||
		    c->state == CONN_READ_REQUEST)
			conn_close(c, reason);
	}
}

void
conn_close_all(struct conn_host *h, const char *reason)
{
	struct conn *c, *next;

	/* Twice: the first pass may leave some flushing close_notify. */
	for (c = h->live; c != NULL; c = next) {
		next = c->next;
		conn_close(c, reason);
	}
	for (c = h->live; c != NULL; c = next) {
		next = c->next;
		finish(c);
	}
}

void
conn_reap(struct conn_host *h)
{
	struct conn *c;

	while ((c = h->dead) != NULL) {
		h->dead = c->next;
		site_release(c->site);
		free(c);
	}
}
