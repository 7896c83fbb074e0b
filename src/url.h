/*
 * url.h - PURE: URL parsing for Gemini requests (RFC 3986).
 *
 * No I/O, no allocation, no outside library. Every buffer is a fixed array
 * sized for the Gemini limit of 1024 bytes; anything longer is refused, never
 * truncated.
 */
#ifndef KIZUNA_URL_H
#define KIZUNA_URL_H

#include <stddef.h>

/* The Gemini specification caps a request URL at 1024 bytes. */
#define URL_MAX 1024

struct url {
	char scheme[32];         /* lowercased; "" when the reference has none */
	int has_authority;       /* "//" was present */
	int has_userinfo;        /* an '@' appeared in the authority */
	char host[256];          /* reg-name lowercased, or an IP literal without
	                            its brackets; "" when absent */
	int port;                /* 0..65535, or -1 when absent or empty ("host:") */
	char path[URL_MAX + 1];  /* as sent, still percent-encoded; may be "" */
	int has_query;
	char query[URL_MAX + 1]; /* without the '?', still percent-encoded */
	int has_fragment;        /* a '#' appeared; the fragment is not kept */
};

/*
 * Splits the URL reference s[0..len) into its parts (RFC 3986 §3, §4.1).
 * s need not be NUL-terminated; a NUL byte inside it is an error, and so
 * are control bytes, space and anything longer than URL_MAX. Bytes of 0x80
 * and above are kept as they are (IRIs): check utf8_is_valid first.
 * Returns 0 and fills *u, or -1 with *errstr set to a static, human-readable
 * reason (for example "bad port" or "URL too long").
 */
int url_parse(const char *s, size_t len, struct url *u, const char **errstr);

/*
 * Percent-decodes the NUL-terminated src into dst (dstsize bytes, NUL
 * included). Every escape is decoded, "%2F" to '/' included: the result is
 * bytes, not URL syntax. Returns 0, or -1 with *errstr set when an escape
 * is malformed ("%4", "%zz"), decodes to NUL, or the result does not fit.
 */
int url_percent_decode(const char *src, char *dst, size_t dstsize,
    const char **errstr);

/*
 * Removes "." and ".." segments in place from a decoded absolute path that
 * starts with '/' (RFC 3986 §5.2.4). Unlike the RFC, a ".." that would climb
 * above "/" is an error, not silently dropped: the caller refuses the
 * request instead of tidying it into the root.
 * Returns 0, or -1 with *errstr set.
 */
int url_remove_dot_segments(char *path, const char **errstr);

/*
 * Percent-encodes a decoded path so that it can be sent back in a URL (for
 * example in a redirect): unreserved characters, sub-delims, ':', '@' and
 * '/' are kept, every other byte (UTF-8 included) becomes %XX.
 * Returns 0, or -1 when the result does not fit in dstsize bytes.
 */
int url_encode_path(const char *path, char *dst, size_t dstsize);


#endif
