/*
 * request.h - PURE: the Gemini request line, checked.
 *
 * Grammar (Gemini specification v0.24): request = absolute-URI CRLF, the URI
 * at most 1024 bytes. What this module decides, and the status it answers:
 *   empty, relative, malformed, NUL, control bytes, invalid UTF-8    -> 59
 *   userinfo ("user@"), fragment ("#...")                            -> 59
 *   a path that climbs above the root ("/../x", "/%2e%2e/x")        -> 59
 *   scheme not gemini, host not ours, port not ours (proxy request)  -> 53
 *   (ours: the policy's host name or one of its aliases)
 * No I/O, no allocation, no outside library.
 */
#ifndef KIZUNA_REQUEST_H
#define KIZUNA_REQUEST_H

#include <stddef.h>

#include "url.h"

/* What a request must name to be ours. Borrowed for the call only. */
struct request_policy {
	const char *hostname; /* compared case-insensitively; a trailing '.' in
	                         the request's host is ignored */
	int port;             /* the listening port; a request may omit it */
	const char *const *aliases; /* other names of the same host, compared
	                         as hostname is; IP literals (no brackets)
	                         match any spelling of the same address */
	size_t naliases;
};

struct request {
	char path[URL_MAX + 1];  /* percent-decoded, dot-segments removed,
	                            always starts with '/' ("" in the URL -> "/") */
	int has_query;
	char query[URL_MAX + 1]; /* as sent, still percent-encoded */
	int port;                /* the port the URL named, or -1 */
};

/* Outcome of looking for the end of a request line in what was read so far. */
enum request_scan {
	REQUEST_INCOMPLETE, /* no CRLF yet and still room for one: read more */
	REQUEST_COMPLETE,   /* *linelen bytes of line, then CRLF */
	REQUEST_TOO_LONG,   /* no CRLF within URL_MAX + 2 bytes: answer 59 */
};

/*
 * Looks for the CRLF that ends the request line in buf[0..len). A bare LF
 * is not a line end (the line is still being read). On REQUEST_COMPLETE,
 * *linelen is the length of the line without its CRLF (at most URL_MAX).
 */
enum request_scan request_scan(const char *buf, size_t len, size_t *linelen);

/*
 * Parses and checks the request line line[0..len) (without its CRLF).
 * Returns 0 and fills *req when the request names a path of ours; otherwise
 * returns the Gemini status to answer (53 or 59) and sets *errstr to a
 * static, human-readable reason fit for the response's META.
 */
/*
 * 1 when host (a name, or an IP literal without brackets) is the policy's
 * host name or one of its aliases, compared as request_parse compares a
 * request's host; else 0.
 */
int request_names_host(const struct request_policy *policy,
    const char *host);

int request_parse(const char *line, size_t len,
    const struct request_policy *policy, struct request *req,
    const char **errstr);

#endif
