/*
 * hello.h - the ClientHellos in what a client sends before encryption.
 *
 * Pure: no I/O, no library. tls.c feeds it every byte it reads from a
 * connection until the handshake is encrypted, so that a ClientHello too
 * large to buffer is refused from its header, before OpenSSL (which takes
 * up to 128 KiB and sizes its buffer from the header) reads its body. Not
 * only the first: after a HelloRetryRequest (RFC 8446 4.1.4) the client
 * sends a second one.
 */
#ifndef KIZUNA_HELLO_H
#define KIZUNA_HELLO_H

#include <stddef.h>

/*
 * The scan's state between reads; zero it (designated initializer or
 * memset) before the first byte. It follows the record layer (RFC 8446
 * 5.1: type, version, 16-bit length) and, inside handshake records, the
 * handshake messages' framing (type, 24-bit length), which may cross
 * records.
 */
struct hello_scan {
	unsigned char head[5];     /* the current record's header, so far */
	size_t head_len;
	size_t rec_left;           /* its body bytes still to come */
	unsigned char msg[4];      /* a handshake message's header, so far */
	size_t msg_len;
	unsigned long msg_left;    /* its body bytes still to come */
	int msg_split;             /* that header began in an earlier record */
	int sealed;                /* encrypted from here: nothing to look at */
};

enum hello_verdict {
	HELLO_FINE,        /* nothing refused (yet) */
	HELLO_TOO_BIG,     /* a ClientHello announces more than max */
	HELLO_SPLIT,       /* a ClientHello's header crosses records */
};

/*
 * Reads the n bytes at p, which follow what the scan has seen. tls12: the
 * connection has settled on TLS 1.2, where the client's handshake records
 * after its change_cipher_spec are encrypted (in TLS 1.3 that record is a
 * dummy, and may come before a second ClientHello). Stops looking at the
 * first application_data record, at that change_cipher_spec, and at a
 * record type it does not know (an SSLv2-style hello, garbage: OpenSSL
 * judges those). A header split across records is refused (RFC 8446 5.1
 * allows it, no client does it, and it hides the length till the body's
 * first bytes are buffered). Once a verdict other than HELLO_FINE is
 * returned, the connection must end.
 */
enum hello_verdict hello_scan_feed(struct hello_scan *s,
    const unsigned char *p, size_t n, unsigned long max, int tls12);

#endif
