/*
 * loadgen.c - a Gemini load generator for `make bench`.
 *
 *   loadgen -p PORT -u URL [-a ADDR] [-c CONCURRENCY] [-n REQUESTS]
 *           [-d SECONDS] [-r | -s]
 *   loadgen -p PORT -i IDLE [-a ADDR] [-d HOLD_SECONDS] [-t]
 *
 * Request mode keeps CONCURRENCY connections in flight, each a whole Gemini
 * request (connect, TLS handshake, request line, response to close_notify),
 * until REQUESTS are done or SECONDS pass, then prints one line:
 *   requests=N errors=N seconds=S rps=R p50_ms=X p99_ms=Y resumed=N bytes=N
 * With -r it resumes TLS sessions (the ticket of the last finished request).
 * With -s each connection slot resumes with the ticket of its own previous
 * connection: for servers whose tickets are single-use (rustls, agate).
 *
 * Idle mode opens IDLE connections, completes their handshakes, prints
 * "ready N" and holds them (sending nothing) for HOLD_SECONDS, then exits.
 * With -t the connections stay bare TCP: connected, not a byte sent (no
 * ClientHello), as a client that stalls before its handshake.
 *
 * One epoll loop, non-blocking OpenSSL, one SSL_CTX, no certificate checks
 * (self-signed servers). Loopback only: ADDR must be 127.0.0.1 or ::1.
 * Bounded: every run stops by itself.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

enum slot_state {
	SLOT_FREE,
	SLOT_CONNECTING,
	SLOT_HANDSHAKE,
	SLOT_WRITING,
	SLOT_READING,
	SLOT_IDLE,
};

struct slot {
	enum slot_state state;
	int fd;
	SSL *ssl;
	double started;
	size_t written;
	size_t got;
	char head[4];       /* the first bytes of the response */
	SSL_SESSION *own;   /* -s: this slot's latest ticket */
};

struct options {
	const char *addr;
	int port;
	const char *url;
	int concurrency;
	long requests;
	double seconds;
	int resume;
	int idle;
	int tcp_only;       /* -t: idle connections send no ClientHello */
};

static SSL_CTX *ctx;
static SSL_SESSION *session;     /* the latest ticket, when resuming */
static int epfd;
static double *latencies;
static long nlatencies, started, errors, resumed;
static unsigned long long bytes;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen -p PORT -u URL [-a ADDR] [-c N] "
	    "[-n N] [-d SECONDS] [-r | -s]\n"
	    "       loadgen -p PORT -i IDLE [-a ADDR] [-d HOLD_SECONDS] [-t]\n");
	exit(2);
}

static void
watch(struct slot *s, int op, unsigned events)
{
	struct epoll_event e = { .events = events, .data.ptr = s };

	epoll_ctl(epfd, op, s->fd, &e);
}

static void
release(struct slot *s)
{
	if (s->ssl != NULL)
		SSL_free(s->ssl);
	if (s->fd != -1)
		close(s->fd);
	s->ssl = NULL;
	s->fd = -1;
	s->state = SLOT_FREE;
}

static int
start(struct slot *s, const struct options *o)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	memset(&ss, 0, sizeof(ss));
	if (strchr(o->addr, ':') != NULL) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)o->port);
		inet_pton(AF_INET6, o->addr, &a->sin6_addr);
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)o->port);
		inet_pton(AF_INET, o->addr, &a->sin_addr);
		len = sizeof(*a);
	}
	s->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s->fd == -1)
		return -1;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->ssl = SSL_new(ctx);
	SSL_set_fd(s->ssl, s->fd);
	SSL_set_connect_state(s->ssl);
	SSL_set_tlsext_host_name(s->ssl, "localhost");
	if (o->resume == 1 && session != NULL)
		SSL_set_session(s->ssl, session);
	else if (o->resume == 2 && s->own != NULL)
		SSL_set_session(s->ssl, s->own);
	s->started = now();
	s->written = s->got = 0;
	started++;
	if (connect(s->fd, (struct sockaddr *)&ss, len) == -1 &&
	    errno != EINPROGRESS) {
		release(s);
		return -1;
	}
	s->state = SLOT_CONNECTING;
	watch(s, EPOLL_CTL_ADD, EPOLLOUT);
	return 0;
}

/* Waits for what OpenSSL asked; returns 0, or -1 on a real error. */
static int
want(struct slot *s, int ret)
{
	switch (SSL_get_error(s->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		watch(s, EPOLL_CTL_MOD, EPOLLIN);
		return 0;
	case SSL_ERROR_WANT_WRITE:
		watch(s, EPOLL_CTL_MOD, EPOLLOUT);
		return 0;
	default:
		ERR_clear_error();
		return -1;
	}
}

static void
finish(struct slot *s, int ok)
{
	if (ok) {
		latencies[nlatencies++] = (now() - s->started) * 1e3;
		bytes += s->got;
		if (SSL_session_reused(s->ssl))
			resumed++;
		if (s->own != NULL)
			SSL_SESSION_free(s->own);
		s->own = NULL;
		if (session != NULL)
			SSL_SESSION_free(session);
		session = SSL_get1_session(s->ssl);
		if (session != NULL && SSL_SESSION_up_ref(session))
			s->own = session;
		/* The server's close_notify ended it cleanly; without this
		 * mark SSL_free would make the session unresumable. */
		SSL_set_shutdown(s->ssl, SSL_SENT_SHUTDOWN |
		    SSL_RECEIVED_SHUTDOWN);
	} else
		errors++;
	release(s);
}

/* Advances one connection as far as it goes; returns when it must wait. */
static void
step(struct slot *s, const struct options *o)
{
	char buf[16384];
	size_t n;
	int ret, err;
	socklen_t len = sizeof(err);

	for (;;) {
		switch (s->state) {
		case SLOT_CONNECTING:
			if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1 || err != 0) {
				finish(s, 0);
				return;
			}
			if (o->idle && o->tcp_only) {
				s->state = SLOT_IDLE;
				watch(s, EPOLL_CTL_MOD, 0);
				return;
			}
			s->state = SLOT_HANDSHAKE;
			break;
		case SLOT_HANDSHAKE:
			ret = SSL_do_handshake(s->ssl);
			if (ret != 1) {
				if (want(s, ret) == -1)
					finish(s, 0);
				return;
			}
			if (o->idle) {
				s->state = SLOT_IDLE;
				watch(s, EPOLL_CTL_MOD, 0);
				return;
			}
			s->state = SLOT_WRITING;
			break;
		case SLOT_WRITING:
			ret = SSL_write_ex(s->ssl, o->url + s->written,
			    strlen(o->url) - s->written, &n);
			if (ret != 1) {
				if (want(s, ret) == -1)
					finish(s, 0);
				return;
			}
			s->written += n;
			if (s->written == strlen(o->url))
				s->state = SLOT_READING;
			break;
		case SLOT_READING:
			ret = SSL_read_ex(s->ssl, buf, sizeof(buf), &n);
			if (ret == 1) {
				if (s->got < sizeof(s->head))
					memcpy(s->head + s->got, buf,
					    n < sizeof(s->head) - s->got ? n :
					    sizeof(s->head) - s->got);
				s->got += n;
				break;
			}
			if (SSL_get_error(s->ssl, ret) == SSL_ERROR_ZERO_RETURN) {
				/* close_notify: the response is whole. */
				finish(s, s->got >= 3 && s->head[0] == '2');
				return;
			}
			if (want(s, ret) == -1)
				finish(s, 0);
			return;
		case SLOT_FREE:
		case SLOT_IDLE:
			return;
		}
	}
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	struct options o = { .addr = "127.0.0.1", .concurrency = 1,
	    .requests = 1000, .seconds = 10 };
	struct epoll_event ev[256];
	struct slot *slots;
	char url[1100];
	double t0, elapsed;
	long i, target;
	int opt, n, k, ready = 0;

	while ((opt = getopt(argc, argv, "a:p:u:c:n:d:rsi:t")) != -1) {
		switch (opt) {
		case 'a': o.addr = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'u': o.url = optarg; break;
		case 'c': o.concurrency = atoi(optarg); break;
		case 'n': o.requests = atol(optarg); break;
		case 'd': o.seconds = atof(optarg); break;
		case 'r': o.resume = 1; break;
		case 's': o.resume = 2; break;
		case 'i': o.idle = atoi(optarg); break;
		case 't': o.tcp_only = 1; break;
		default: usage();
		}
	}
	if (o.port <= 0 || (o.url == NULL && o.idle == 0) ||
	    (strcmp(o.addr, "127.0.0.1") != 0 && strcmp(o.addr, "::1") != 0))
		usage();
	if (o.url != NULL) {
		snprintf(url, sizeof(url), "%s\r\n", o.url);
		o.url = url;
	}
	raise_fd_limit();
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (o.idle > 0)
		o.concurrency = o.idle;
	slots = calloc((size_t)o.concurrency, sizeof(*slots));
	target = o.idle > 0 ? o.idle : o.requests;
	latencies = calloc((size_t)target + 1, sizeof(*latencies));
	for (i = 0; i < o.concurrency; i++)
		slots[i].fd = -1;

	t0 = now();
	for (;;) {
		elapsed = now() - t0;
		/* Keep every slot busy while requests remain. */
		for (i = 0; i < o.concurrency && elapsed < o.seconds; i++)
			if (slots[i].state == SLOT_FREE && started < target &&
			    (o.idle == 0 || started < o.idle))
				if (start(&slots[i], &o) == -1)
					errors++;
		if (o.idle > 0) {
			for (i = 0, k = 0; i < o.concurrency; i++)
				k += slots[i].state == SLOT_IDLE;
			if (!ready && k + errors >= o.idle) {
				printf("ready %d errors %ld\n", k, errors);
				fflush(stdout);
				ready = 1;
				t0 = now();   /* hold for -d from here */
			}
			if (ready && now() - t0 >= o.seconds)
				break;
		} else if (nlatencies + errors >= target ||
		    (elapsed >= o.seconds && started == nlatencies + errors))
			break;
		if (elapsed >= o.seconds + 30)
			break;   /* stragglers never hold the run forever */
		n = epoll_wait(epfd, ev, 256, 100);
		for (k = 0; k < n; k++)
			step(ev[k].data.ptr, &o);
	}
	elapsed = now() - t0;
	if (o.idle > 0)
		return 0;
	qsort(latencies, (size_t)nlatencies, sizeof(*latencies),
	    compare_double);
	printf("requests=%ld errors=%ld seconds=%.3f rps=%.1f p50_ms=%.2f "
	    "p99_ms=%.2f resumed=%ld bytes=%llu\n", nlatencies, errors, elapsed,
	    nlatencies / elapsed,
	    nlatencies ? latencies[nlatencies / 2] : 0.0,
	    nlatencies ? latencies[(long)(nlatencies * 0.99)] : 0.0,
	    resumed, bytes);
	return 0;
}
