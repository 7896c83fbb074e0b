/*
 * hello.c - the ClientHellos in what a client sends before encryption.
 */
#include "hello.h"

/* RFC 8446 5.1, ContentType; and HandshakeType client_hello (4). */
#define CHANGE_CIPHER_SPEC 20
#define ALERT 21
#define HANDSHAKE 22
#define APPLICATION_DATA 23
#define CLIENT_HELLO 1

/* The handshake bytes of one record, from the start of p. */
static enum hello_verdict
scan_handshake(struct hello_scan *s, const unsigned char *p, size_t n,
    unsigned long max)
{
	unsigned long len;
	size_t k;

	while (n > 0) {
		if (s->msg_left > 0) {
			k = n < s->msg_left ? n : (size_t)s->msg_left;
			s->msg_left -= k;
			p += k;
			n -= k;
			continue;
		}
		s->msg[s->msg_len++] = *p++;
		n--;
		if (s->msg_len < sizeof(s->msg))
			continue;
		len = (unsigned long)s->msg[1] << 16 |
		    (unsigned long)s->msg[2] << 8 | s->msg[3];
		s->msg_len = 0;
		if (s->msg[0] == CLIENT_HELLO && s->msg_split)
			return HELLO_SPLIT;
		if (s->msg[0] == CLIENT_HELLO && len > max)
			return HELLO_TOO_BIG;
		s->msg_split = 0;
		s->msg_left = len;
	}
	return HELLO_FINE;
}

enum hello_verdict
hello_scan_feed(struct hello_scan *s, const unsigned char *p, size_t n,
    unsigned long max, int tls12)
{
	enum hello_verdict v;
	size_t k;

	while (n > 0 && !s->sealed) {
		if (s->head_len < sizeof(s->head)) {
			s->head[s->head_len++] = *p++;
			n--;
			if (s->head_len < sizeof(s->head))
				continue;
			s->rec_left = (size_t)s->head[3] << 8 | s->head[4];
			switch (s->head[0]) {
			case HANDSHAKE:
			case ALERT:
				break;
			case CHANGE_CIPHER_SPEC:
				s->sealed = tls12;
				break;
			case APPLICATION_DATA:
			default:   /* or not TLS at all */
				s->sealed = 1;
				break;
			}
		} else {
			k = n < s->rec_left ? n : s->rec_left;
			if (s->head[0] == HANDSHAKE &&
			    (v = scan_handshake(s, p, k, max)) != HELLO_FINE)
				return v;
			p += k;
			n -= k;
			s->rec_left -= k;
		}
		if (s->head_len == sizeof(s->head) && s->rec_left == 0) {
			/* A record ends: a header begun in it is split. */
			s->head_len = 0;
			if (s->head[0] == HANDSHAKE && s->msg_len > 0)
				s->msg_split = 1;
		}
	}
	return HELLO_FINE;
}
