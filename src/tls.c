/*
 * tls.c - OpenSSL 3 behind tls.h: contexts and connections. The
 * certificate and key they hold come from cert.c.
 */
#define _GNU_SOURCE
#include "tls.h"
#include "cert.h"
#include "hello.h"
#include "sni.h"
#include "ticket.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

struct tls_ctx {
	SSL_CTX *ssl_ctx;
	int ask_certificate;   /* tls_ctx_request_client_certificates */
};

#define STRINGIFY(x) #x
#define TEXT_OF(x) STRINGIFY(x)
#define HELLO_MAX_TEXT TEXT_OF(TLS_HELLO_MAX)

/*
 * What one event's writes may gather before they go out (tls_flush): the
 * session ticket (a few hundred bytes, a few KiB with a client
 * certificate), one full record of the response (16 KiB and its
 * overhead) and close_notify. More is written through at once.
 */
#define HELD_SIZE (20 * 1024)

struct tls_conn {
	SSL *ssl;
	int fd;
	char *held;          /* HELD_SIZE bytes while output waits, or NULL */
	size_t held_len;
	int fatal;           /* a fatal error happened: no close_notify */
	int shutdown_sent;
	const char *error;   /* static reason of the last TLS_ERROR */
	struct hello_scan hello;   /* until the handshake is encrypted */
	int hello_refused;   /* a ClientHello over TLS_HELLO_MAX, or split */
	tls_select_fn select;   /* NULL: the context it was made with */
	void *select_arg;
	int selected;        /* select ran (once: a retried hello keeps it) */
	int ask_certificate;   /* the context it continues with asks */
	const char *sni_refused;   /* why the server_name was malformed */
};

/* Fills err with msg and the reason OpenSSL queued, then clears the queue. */
static void
set_error(char *err, size_t errsize, const char *msg)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (why == NULL)
		why = errno != 0 ? strerror(errno) : "unknown error";
	snprintf(err, errsize, "%s: %s", msg, why);
	ERR_clear_error();
}

/*
 * Asks the client for a certificate, or not, on this connection: OpenSSL
 * reads the verify mode from the SSL when it writes its CertificateRequest
 * (or none), and copies it from the context only in SSL_new, never in
 * SSL_set_SSL_CTX. Without SSL_VERIFY_FAIL_IF_NO_PEER_CERT, a client
 * that sends none carries on.
 */
static void
ask_certificate(struct tls_conn *c, int ask)
{
	c->ask_certificate = ask;
	SSL_set_verify(c->ssl, ask ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
}

/*
 * OpenSSL's ClientHello callback, on every context: the connection's
 * selector picks the context it continues with. It runs before OpenSSL
 * looks at the hello's other extensions, the session it would resume
 * among them, so the chosen context's session id context decides
 * resumption (the servername callback runs too late for that).
 */
static int
client_hello(SSL *ssl, int *alert, void *arg)
{
	struct tls_conn *c = SSL_get_app_data(ssl);
	char name[SNI_NAME_MAX + 1];
	const unsigned char *ext;
	struct tls_ctx *chosen;
	size_t len;
	int rc = 0;

	(void)arg;
	if (c == NULL || c->select == NULL || c->selected)
		return SSL_CLIENT_HELLO_SUCCESS;
	c->selected = 1;
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext,
	    &len) == 1 && (rc = sni_host_name(ext, len, name, sizeof(name),
	    &c->sni_refused)) == -1) {
		*alert = SSL_AD_DECODE_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	chosen = c->select(c->select_arg, rc == 1 ? name : NULL);
	if (chosen == NULL)
		return SSL_CLIENT_HELLO_SUCCESS;
	if (SSL_set_SSL_CTX(ssl, chosen->ssl_ctx) == NULL) {
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	ask_certificate(c, chosen->ask_certificate);
	return SSL_CLIENT_HELLO_SUCCESS;
}

/*
 * OpenSSL's check of a client's certificate chain, replaced on every
 * context: any certificate passes, and no chain is built from what the
 * client sent. Gemini identities are self-signed, and kizuna judges them
 * itself (tls_conn_peer: dates, fingerprint). OpenSSL still checks the
 * CertificateVerify signature, so the client holds the key.
 */
static int
accept_any(X509_STORE_CTX *store, void *arg)
{
	(void)store;
	(void)arg;
	return 1;
}

/*
 * OpenSSL's callback after it decrypted a ticket, on every context
 * (OpenSSL calls the first context's), with the verdict of ticket.c's key
 * callback: no key by that name, a key, or an older key (renew). That
 * choice stands,
 * except that a context that asks for client certificates does not resume
 * a session made without one: a full handshake asks the client, who may
 * have picked an identity since (after a 60, say).
 */
static SSL_TICKET_RETURN
ticket_check(SSL *ssl, SSL_SESSION *session, const unsigned char *keyname,
    size_t keyname_len, SSL_TICKET_STATUS status, void *arg)
{
	struct tls_conn *c = SSL_get_app_data(ssl);

	(void)keyname;
	(void)keyname_len;
	(void)arg;
	/* The ticket was not readable, or there was none: no session. */
	if (status != SSL_TICKET_SUCCESS && status != SSL_TICKET_SUCCESS_RENEW)
		return SSL_TICKET_RETURN_IGNORE_RENEW;
	if (c != NULL && c->ask_certificate &&
	    SSL_SESSION_get0_peer(session) == NULL)
		return SSL_TICKET_RETURN_IGNORE_RENEW;
	return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE :
	    SSL_TICKET_RETURN_USE_RENEW;
}

/*
 * OpenSSL's servername callback: a connection whose context was chosen
 * by name acknowledges the name (RFC 6066: an empty server_name in the
 * reply); one without a selector does not, as before selectors.
 */
static int
servername_ack(SSL *ssl, int *alert, void *arg)
{
	struct tls_conn *c = SSL_get_app_data(ssl);

	(void)alert;
	(void)arg;
	return c != NULL && c->select != NULL ? SSL_TLSEXT_ERR_OK :
	    SSL_TLSEXT_ERR_NOACK;
}

struct tls_ctx *
tls_ctx_new(const char *cert, const char *key, const char *session_context,
    char *fingerprint, char *err, size_t errsize)
{
	unsigned char sid_ctx[SHA256_DIGEST_LENGTH];
	struct tls_ctx *ctx;
	SSL_CTX *s;

	ERR_clear_error();
	errno = 0;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if ((s = SSL_CTX_new(TLS_server_method())) == NULL) {
		set_error(err, errsize, "cannot create a TLS context");
		free(ctx);
		return NULL;
	}
	ctx->ssl_ctx = s;
	if (cert_use(s, cert, key, fingerprint, err, errsize) == -1)
		goto fail;
	SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION);
	/* X25519 first: the cheapest key exchange every client offers. */
	if (SSL_CTX_set1_groups_list(s, "X25519:P-256:X448:P-384:P-521") != 1) {
		set_error(err, errsize, "cannot set key exchange groups");
		goto fail;
	}
	/*
	 * AES-128-GCM with SHA-256 first: as strong as a Gemini capsule
	 * needs, and its SHA-256 key schedule and transcript cost less per
	 * handshake than SHA-384's (OpenSSL's default puts AES-256 first).
	 */
	if (SSL_CTX_set_ciphersuites(s, "TLS_AES_128_GCM_SHA256:"
	    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384") != 1 ||
	    SSL_CTX_set_cipher_list(s, "ECDHE-ECDSA-AES128-GCM-SHA256:"
	    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"
	    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:"
	    "ECDHE-RSA-AES256-GCM-SHA384") != 1) {
		set_error(err, errsize, "cannot set cipher suites");
		goto fail;
	}
	SSL_CTX_set_options(s, SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	/*
	 * Partial writes let one record go out at a time on a non-blocking
	 * socket; a moving buffer is allowed because the retry comes from the
	 * connection's own buffer. Idle connections give their buffers back.
	 */
	SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_NO_AUTO_CHAIN);
	/*
	 * Read ahead: one read(2) takes whatever the client sent (its
	 * Finished and its request usually come together), where OpenSSL
	 * would otherwise read each record's 5-byte header and its body
	 * apart: 2 system calls a record, 6 for a request.
	 */
	SSL_CTX_set_read_ahead(s, 1);
	/*
	 * Resumption (Lagrange resumes by default): stateless tickets, sealed
	 * with the process's keys (ticket.h), the same for every context and
	 * across reloads. One per connection is enough,
	 * since every Gemini request is a new one. It leaves with the
	 * response when the request came with the client's Finished, else at
	 * once (tls_flush before waiting), and that matters for latency too:
	 * it acknowledges the Finished, where silence would leave a client
	 * that uses Nagle's algorithm holding its request back for a delayed
	 * ACK (about 40 ms).
	 */
	SSL_CTX_set_num_tickets(s, 1);
	if (ticket_ctx_setup(s) == -1) {
		set_error(err, errsize, "cannot set up session tickets");
		goto fail;
	}
	/*
	 * A session is resumed only in the context it was made in: under
	 * SNI, a reader's session for one host never opens another. The
	 * context is a digest, since a host name may be longer than the 32
	 * bytes OpenSSL keeps (SSL_MAX_SID_CTX_LENGTH).
	 */
	if (EVP_Digest(session_context, strlen(session_context), sid_ctx, NULL,
	    EVP_sha256(), NULL) != 1 ||
	    SSL_CTX_set_session_id_context(s, sid_ctx, sizeof(sid_ctx)) != 1) {
		set_error(err, errsize, "cannot set the session id context");
		goto fail;
	}
	/*
	 * Tickets carry the whole session, so the server-side cache is never
	 * needed: without it no session is stored per handshake, and no lock
	 * is taken nor cache swept every 255 connections.
	 */
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_client_hello_cb(s, client_hello, NULL);
	SSL_CTX_set_tlsext_servername_callback(s, servername_ack);
	/*
	 * Client certificates: whether they are asked for is a connection's
	 * setting (ask_certificate); how one is checked and which tickets
	 * resume are the same for every context.
	 */
	SSL_CTX_set_cert_verify_callback(s, accept_any, NULL);
	if (SSL_CTX_set_session_ticket_cb(s, NULL, ticket_check, NULL) != 1) {
		set_error(err, errsize, "cannot set the session ticket check");
		goto fail;
	}
	return ctx;
fail:
	tls_ctx_free(ctx);
	return NULL;
}

struct tls_ctx *
tls_ctx_share(struct tls_ctx *ctx)
{
	struct tls_ctx *copy;

	if ((copy = calloc(1, sizeof(*copy))) == NULL)
		return NULL;
	if (SSL_CTX_up_ref(ctx->ssl_ctx) != 1) {
		free(copy);
		return NULL;
	}
	copy->ssl_ctx = ctx->ssl_ctx;
	return copy;
}

void
tls_ctx_request_client_certificates(struct tls_ctx *ctx)
{
	ctx->ask_certificate = 1;
}

void
tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	free(ctx);
}

/*
 * A filter between OpenSSL and the socket: reads pass through, and until
 * the client's handshake is encrypted each is scanned (hello.h) before
 * OpenSSL sees it; a ClientHello over TLS_HELLO_MAX, the first or the one
 * after a HelloRetryRequest, fails the read before OpenSSL has read its
 * body. With read ahead (tls_ctx_new) the first read usually brings the
 * whole record. Writes are gathered (gather_write); controls pass through.
 */
static int
hello_read(BIO *b, char *out, int outl)
{
	struct tls_conn *c = BIO_get_data(b);
	int n;

	if (c->hello_refused)
		return -1;
	n = BIO_read(BIO_next(b), out, outl);
	BIO_clear_retry_flags(b);
	BIO_copy_next_retry(b);
	if (n <= 0 || c->hello.sealed)
		return n;
	if (hello_scan_feed(&c->hello, (const unsigned char *)out, (size_t)n,
	    TLS_HELLO_MAX, SSL_version(c->ssl) == TLS1_2_VERSION) !=
	    HELLO_FINE) {
		c->hello_refused = 1;
		return -1;
	}
	return n;
}

/*
 * Writes are gathered rather than passed through: OpenSSL writes each
 * flight, ticket, record and alert as it makes them, and the session
 * ticket, the response and close_notify would leave as three system calls
 * and three packets. Held in c->held, they leave together when the
 * connection next waits or ends (tls_flush). What does not fit goes out at
 * once, behind what was held, in one writev(2). Returns what OpenSSL may
 * count as written (maybe less than inl), or -1 with the retry flag when
 * the socket is full, or -1 without it on an error (errno says which).
 */
static int
gather_write(BIO *b, const char *in, int inl)
{
	struct tls_conn *c = BIO_get_data(b);
	struct iovec iov[2];
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (inl <= 0)
		return 0;
	if (c->held_len + (size_t)inl <= HELD_SIZE) {
		if (c->held == NULL && (c->held = malloc(HELD_SIZE)) == NULL)
			return -1;
		memcpy(c->held + c->held_len, in, (size_t)inl);
		c->held_len += (size_t)inl;
		return inl;
	}
	iov[0].iov_base = c->held;
	iov[0].iov_len = c->held_len;
	iov[1].iov_base = (void *)(uintptr_t)in;
	iov[1].iov_len = (size_t)inl;
	do
		n = writev(c->fd, iov, 2);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			BIO_set_retry_write(b);
		return -1;
	}
	if ((size_t)n <= c->held_len) {
		/* Only what was held went, or part of it: in waits its turn. */
		memmove(c->held, c->held + n, c->held_len - (size_t)n);
		c->held_len -= (size_t)n;
		BIO_set_retry_write(b);
		return -1;
	}
	n -= (ssize_t)c->held_len;
	c->held_len = 0;
	return (int)n;
}

static long
hello_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	return BIO_ctrl(BIO_next(b), cmd, num, ptr);
}

static int
hello_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* One method for every connection, made once and kept until exit. */
static BIO_METHOD *hello_method;
static pthread_once_t hello_once = PTHREAD_ONCE_INIT;

static void
hello_method_init(void)
{
	BIO_METHOD *m;
	int type = BIO_get_new_index();

	if (type == -1 || (m = BIO_meth_new(type | BIO_TYPE_FILTER,
	    "kizuna ClientHello limit, gathered writes")) == NULL)
		return;
	if (BIO_meth_set_read(m, hello_read) != 1 ||
	    BIO_meth_set_write(m, gather_write) != 1 ||
	    BIO_meth_set_ctrl(m, hello_ctrl) != 1 ||
	    BIO_meth_set_create(m, hello_create) != 1) {
		BIO_meth_free(m);
		return;
	}
	hello_method = m;
}

struct tls_conn *
tls_conn_new(struct tls_ctx *ctx, int fd)
{
	struct tls_conn *c;
	BIO *sock = NULL, *filter = NULL;

	pthread_once(&hello_once, hello_method_init);
	if (hello_method == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->ssl = SSL_new(ctx->ssl_ctx)) == NULL ||
	    (sock = BIO_new_socket(fd, BIO_NOCLOSE)) == NULL ||
	    (filter = BIO_new(hello_method)) == NULL) {
		BIO_free(sock);
		SSL_free(c->ssl);
		free(c);
		ERR_clear_error();
		return NULL;
	}
	c->fd = fd;
	BIO_set_data(filter, c);
	BIO_push(filter, sock);
	/* The SSL owns the chain from here (one reference, both ways). */
	SSL_set_bio(c->ssl, filter, filter);
	SSL_set_app_data(c->ssl, c);
	SSL_set_accept_state(c->ssl);
	ask_certificate(c, ctx->ask_certificate);
	return c;
}

void
tls_conn_set_selector(struct tls_conn *c, tls_select_fn select, void *arg)
{
	c->select = select;
	c->select_arg = arg;
}

void
tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	free(c->held);
	free(c);
}

/* Translates one SSL_* return value; the queue is left empty. */
static enum tls_result
result_of(struct tls_conn *c, int ret)
{
	unsigned long e;

	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_CLOSED;
	case SSL_ERROR_SYSCALL:
		c->fatal = 1;
		c->error = errno != 0 ? "connection reset or closed" :
		    "connection closed";
		ERR_clear_error();
		return TLS_ERROR;
	default:
		c->fatal = 1;
		e = ERR_peek_last_error();
		c->error = e != 0 && ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "TLS error";
		ERR_clear_error();
		return TLS_ERROR;
	}
}

enum tls_result
tls_handshake(struct tls_conn *c)
{
	enum tls_result r;
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_do_handshake(c->ssl);
	if (ret == 1)
		return TLS_OK;
	r = result_of(c, ret);
	if (c->hello_refused)
		c->error = "ClientHello over " HELLO_MAX_TEXT " bytes, or its "
		    "header split: refused before it was read";
	else if (c->sni_refused != NULL)
		c->error = c->sni_refused;
	return r;
}

enum tls_result
tls_read(struct tls_conn *c, void *buf, size_t len, size_t *nread)
{
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_read_ex(c->ssl, buf, len, nread);
	return ret == 1 ? TLS_OK : result_of(c, ret);
}

enum tls_result
tls_write(struct tls_conn *c, const void *buf, size_t len, size_t *nwritten)
{
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_write_ex(c->ssl, buf, len, nwritten);
	return ret == 1 ? TLS_OK : result_of(c, ret);
}

enum tls_result
tls_flush(struct tls_conn *c)
{
	size_t sent = 0;
	ssize_t n;

	while (sent < c->held_len) {
		n = write(c->fd, c->held + sent, c->held_len - sent);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		memmove(c->held, c->held + sent, c->held_len - sent);
		c->held_len -= sent;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return TLS_WANT_WRITE;
		c->fatal = 1;
		c->error = "connection reset or closed";
		return TLS_ERROR;
	}
	/* Given back between events: a connection that waits holds none. */
	free(c->held);
	c->held = NULL;
	c->held_len = 0;
	return TLS_OK;
}

enum tls_result
tls_shutdown(struct tls_conn *c)
{
	int ret;

	if (c->fatal)
		return TLS_ERROR;
	if (c->shutdown_sent)
		return tls_flush(c);
	ERR_clear_error();
	errno = 0;
	/* 0 means our close_notify is written; we do not wait for the peer's. */
	ret = SSL_shutdown(c->ssl);
	if (ret >= 0) {
		c->shutdown_sent = 1;
		return tls_flush(c);
	}
	return result_of(c, ret);
}

/*
 * The certificate's first CN into out (size bytes) as tls.h's tls_peer
 * says: UTF-8, control characters as '?', cut at a character with "...".
 */
static void
common_name(X509 *x, char *out, size_t size)
{
	const X509_NAME *name = X509_get_subject_name(x);
	const X509_NAME_ENTRY *entry;
	unsigned char *utf8 = NULL;
	size_t keep, i;
	int pos, len;

	out[0] = '\0';
	if ((pos = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) < 0 ||
	    (entry = X509_NAME_get_entry(name, pos)) == NULL ||
	    (len = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(entry))) < 0) {
		ERR_clear_error();
		return;
	}
	keep = (size_t)len;
	if (keep >= size) {
		/* Room for "..." and the NUL; back to a character's start. */
		keep = size - 4;
		while (keep > 0 && (utf8[keep] & 0xc0) == 0x80)
			keep--;
	}
	for (i = 0; i < keep; i++)
		out[i] = utf8[i] < 0x20 || utf8[i] == 0x7f ? '?' :
		    (char)utf8[i];
	strcpy(out + keep, keep < (size_t)len ? "..." : "");
	OPENSSL_free(utf8);
}

int
tls_conn_peer(const struct tls_conn *c, struct tls_peer *out)
{
	X509 *x;
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	if (!SSL_is_init_finished(c->ssl))
		return -1;
	/* A resumed session's is the one its first handshake received. */
	if ((x = SSL_get0_peer_certificate(c->ssl)) == NULL)
		return 0;
	if (X509_digest(x, EVP_sha256(), out->sha256, &n) != 1 ||
	    n != sizeof(out->sha256)) {
		ERR_clear_error();
		memset(out, 0, sizeof(*out));
		return -1;
	}
	cert_fingerprint_text(out->sha256, out->fingerprint);
	/*
	 * X509_cmp_current_time: -1 for a time before now, 1 after, 0 when
	 * the time cannot be read, which counts against the certificate.
	 */
	out->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(x)) !=
	    -1;
	out->expired = X509_cmp_current_time(X509_get0_notAfter(x)) != 1;
	common_name(x, out->subject_cn, sizeof(out->subject_cn));
	out->has_certificate = 1;
	return 0;
}

int
tls_conn_established(const struct tls_conn *c)
{
	return c != NULL && SSL_is_init_finished(c->ssl) ? 1 : 0;
}

int
tls_conn_resumed(const struct tls_conn *c)
{
	return SSL_session_reused(c->ssl) == 1 ? 1 : 0;
}

const char *
tls_conn_version(const struct tls_conn *c)
{
	return SSL_get_version(c->ssl);
}

const char *
tls_conn_error(const struct tls_conn *c)
{
	return c->error != NULL ? c->error : "TLS error";
}
