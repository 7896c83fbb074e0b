/*
 * tls.h - TLS for the server at run time: contexts and connections.
 * OpenSSL is included by tls.c, ticket.c and cert.h's two files only:
 * tls.c holds what lives as long as the server and its connections,
 * ticket.c the session ticket keys every context shares, cert.c and
 * cert_make.c the credentials read, checked or made at start-up and on
 * reload.
 *
 * Callers see a context (certificate, key, settings, session tickets) and
 * per-connection objects driven over non-blocking sockets. Every call that
 * may block returns TLS_WANT_READ or TLS_WANT_WRITE instead: the caller waits
 * for that readiness and calls again with the same arguments. OpenSSL's
 * return conventions (SSL_get_error and its queue) stop here.
 */
#ifndef KIZUNA_TLS_H
#define KIZUNA_TLS_H

#include <stddef.h>

#include "cert.h"

struct tls_ctx;
struct tls_conn;

enum tls_result {
	TLS_OK,
	TLS_WANT_READ,
	TLS_WANT_WRITE,
	TLS_CLOSED,   /* the peer sent close_notify (or the TCP stream ended) */
	TLS_ERROR,    /* fatal: see tls_conn_error(); no close_notify follows */
};

/* The certificate's SHA-256 fingerprint, as cert.h writes it. */
#define TLS_FINGERPRINT_SIZE CERT_FINGERPRINT_SIZE

/*
 * Loads the certificate (chain) and key, checks that they match (cert_use,
 * whose messages err gets), and sets up TLS 1.2+ (1.3 preferred, X25519
 * first) with stateless session tickets, sealed with the process's keys
 * (ticket.h) and good for two of their rotation intervals. A session is
 * only ever resumed
 * by a context made with the same session_context (the host's name, so
 * that under SNI a session made for one host never opens another).
 * Writes the certificate's SHA-256 fingerprint to fingerprint
 * (TLS_FINGERPRINT_SIZE bytes) when it is not NULL.
 * Returns a context owned by the caller (tls_ctx_free), or NULL with err set.
 */
struct tls_ctx *tls_ctx_new(const char *cert, const char *key,
    const char *session_context, char *fingerprint, char *err,
    size_t errsize);
void tls_ctx_free(struct tls_ctx *ctx);

/*
 * The same context (certificate, key, settings, session context) under a
 * second handle, freed on its own with tls_ctx_free: a reload that finds
 * the same host's certificate and key unchanged keeps them (the ticket
 * keys are the process's either way, ticket.h). The new handle
 * does not ask for client certificates until told to (that setting is a
 * handle's, not shared). NULL when out of memory.
 */
struct tls_ctx *tls_ctx_share(struct tls_ctx *ctx);

/*
 * Makes ctx ask clients for a certificate (a CertificateRequest in the
 * handshake) without requiring one: a client that sends none completes
 * the handshake all the same. Any certificate is accepted at the TLS
 * level, self-signed, expired or not yet valid alike, as long as the
 * client proves it holds its key; no chain is built or checked.
 * kizuna judges it afterwards, from tls_conn_peer. A context not told so
 * sends no CertificateRequest.
 * The setting belongs to this handle only (handles from tls_ctx_share
 * keep their own), applies to connections made with it or switched to it
 * by a selector, and is set before the context serves any.
 * On a context that asks, a session without a client certificate is not
 * resumed: the client gets a full handshake, and so the CertificateRequest
 * (otherwise a client that turned to an identity after a 60 could offer
 * its earlier session again and again and never be asked).
 */
void tls_ctx_request_client_certificates(struct tls_ctx *ctx);

/*
 * The largest ClientHello read from a client (the first, or the second
 * after a HelloRetryRequest); real ones are under 2 KiB, post-quantum key
 * shares included. A larger one is refused from its header, before its
 * body is read, so a handshake in progress holds at most one record's
 * buffer.
 */
#define TLS_HELLO_MAX 16384

/*
 * Starts server-side TLS on the connected, non-blocking socket fd, which
 * stays owned by the caller, with ctx (its certificate; OpenSSL calls the
 * ticket callbacks of this first context even when a selector picks
 * another, and every context has the same). Returns NULL when out of
 * memory.
 */
struct tls_conn *tls_conn_new(struct tls_ctx *ctx, int fd);
void tls_conn_free(struct tls_conn *c);

/*
 * Virtual hosts: picks the context a connection continues with, from the
 * name the client asked for (SNI, RFC 6066): ASCII letters in lower case;
 * NULL when the client sent none, or a name no host could have (not
 * printable ASCII). Returns the context to continue with, or NULL to keep
 * the one the connection was made with. An unknown name is not refused
 * here: the selector decides (and a request for a host not served is
 * refused later, by the request's own host check).
 * It is called once per connection, from tls_handshake, on the caller's
 * thread, before any session is resumed: with contexts made for different
 * hosts (tls_ctx_new's session_context), a session never crosses hosts.
 * The context returned need only live until the selector returns: the
 * connection takes its own hold on it. Its client-certificate setting
 * (tls_ctx_request_client_certificates) replaces the first context's, both
 * ways. A malformed server_name extension fails the handshake before the
 * selector is called.
 */
typedef struct tls_ctx *(*tls_select_fn)(void *arg, const char *servername);

/*
 * Sets c's selector, before its first tls_handshake; arg is passed to it
 * and must outlive the handshake. Without one (the default), every client
 * gets the context c was made with, whatever name it sends.
 */
void tls_conn_set_selector(struct tls_conn *c, tls_select_fn select,
    void *arg);

enum tls_result tls_handshake(struct tls_conn *c);

/* Reads up to len bytes; on TLS_OK *nread > 0. */
enum tls_result tls_read(struct tls_conn *c, void *buf, size_t len,
    size_t *nread);

/*
 * Writes up to len (> 0) bytes; on TLS_OK *nwritten > 0 (maybe < len).
 * After a TLS_WANT_*, call again with the same buf and len.
 */
enum tls_result tls_write(struct tls_conn *c, const void *buf, size_t len,
    size_t *nwritten);

/*
 * Output is gathered: what tls_handshake, tls_write and tls_shutdown
 * produce is held (up to about one record and a ticket; more is written
 * through) and sent by tls_flush, so that the session ticket, a small
 * response and close_notify leave in one system call and one packet.
 * The caller flushes before it waits for the client (TLS_WANT_READ) and
 * before it closes. Returns TLS_OK once nothing is held (the memory given
 * back), TLS_WANT_WRITE when the socket is full (call again when it is
 * writable), or TLS_ERROR when the connection is gone.
 */
enum tls_result tls_flush(struct tls_conn *c);

/*
 * Sends close_notify (once) and flushes. Returns TLS_OK when everything
 * went out, or TLS_WANT_WRITE to be called again. Does nothing (TLS_ERROR)
 * after a fatal error, when OpenSSL forbids it.
 */
enum tls_result tls_shutdown(struct tls_conn *c);

/* 1 once the handshake completed (close_notify is then owed), else 0
 * (c NULL included: a connection whose TLS is not made yet). */
int tls_conn_established(const struct tls_conn *c);

/* 1 when that handshake resumed an earlier session (a ticket), else 0. */
int tls_conn_resumed(const struct tls_conn *c);

/*
 * What the server needs of a client's certificate to judge it, copied
 * out: nothing in it is borrowed.
 */
struct tls_peer {
	int has_certificate;   /* 0: none was sent (the rest is zeroed) */
	/* SHA-256 of its DER, as kizuna writes its own certificate's. */
	char fingerprint[TLS_FINGERPRINT_SIZE];
	unsigned char sha256[CERT_SHA256_SIZE];
	int not_yet_valid;     /* notBefore is after now (or unreadable) */
	int expired;           /* notAfter is before now (or unreadable) */
	/*
	 * The subject's first CN in UTF-8, "" without one; for the log and
	 * for display, never to decide on (anyone can write any name). A
	 * control character (C0, DEL) reads '?'; one longer than the array
	 * is cut at a character and ends in "...".
	 */
	char subject_cn[128];
};

/*
 * Fills *out with the certificate the client sent, once the handshake is
 * complete. A resumed session carries the certificate of the handshake
 * that made it (TLS 1.3 and 1.2 alike): the client is not asked again,
 * and that session was only ever made for the same host (session
 * contexts). Validity is judged against the time now. Returns 0, or -1
 * (out zeroed) before the handshake completed or when OpenSSL fails (out
 * of memory): the client is then unknown, which is not the same as a
 * client without a certificate.
 */
int tls_conn_peer(const struct tls_conn *c, struct tls_peer *out);

/* The negotiated protocol ("TLSv1.3"), for the debug log. */
const char *tls_conn_version(const struct tls_conn *c);

/* Why the last TLS_ERROR happened: a static string. */
const char *tls_conn_error(const struct tls_conn *c);

#endif
