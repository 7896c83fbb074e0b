/*
 * request.c - PURE: the Gemini request line, checked.
 *
 * request = absolute-URI CRLF, the URI at most 1024 bytes
 * (Gemini specification v0.24, "Requests").
 */
#include <arpa/inet.h>
#include <string.h>

#include "request.h"

#include "url.h"
#include "utf8.h"

/* request_parse copies the query whole from one struct to the other. */
_Static_assert(sizeof(((struct request *)0)->query) ==
    sizeof(((struct url *)0)->query), "query arrays differ in size");

enum request_scan
request_scan(const char *buf, size_t len, size_t *linelen)
{
	/*
	 * A CRLF that ends a line of at most URL_MAX bytes lies within the
	 * first URL_MAX + 2 bytes; there is no need to look further.
	 */
	size_t lim = len < URL_MAX + 2 ? len : URL_MAX + 2;
	size_t i;

	for (i = 0; i + 1 < lim; i++) {
		/* A bare LF is just a byte of the line: only CR LF ends it. */
		if (buf[i] == '\r' && buf[i + 1] == '\n') {
			/* i + 1 < URL_MAX + 2, so i <= URL_MAX. */
			*linelen = i;
			return REQUEST_COMPLETE;
		}
	}
	if (len >= URL_MAX + 2)
		return REQUEST_TOO_LONG;
	return REQUEST_INCOMPLETE;
}

/* ASCII-only case folding: host names are compared whatever the locale. */
static int
ascii_casecmp_n(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (strlen(b) != alen)
		return 1;
	for (i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 1;
	}
	return 0;
}

/*
 * Whether two IP literals are one address however written ("::1" and
 * "0:0::1"). 0 when either is not an IP literal.
 */
static int
same_address(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (inet_pton(AF_INET, a, x) == 1)
		return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
	if (inet_pton(AF_INET6, a, x) == 1)
		return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
	return 0;
}

/*
 * Whether host names name: equal ignoring ASCII case and one trailing '.'
 * (the absolute form of a DNS name, "localhost."), or the same address.
 */
static int
host_names(const char *host, const char *name)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	return ascii_casecmp_n(host, n, name) == 0 || same_address(host, name);
}

int
request_names_host(const struct request_policy *policy, const char *host)
{
	size_t i;

	if (host_names(host, policy->hostname))
		return 1;
	for (i = 0; i < policy->naliases; i++)
		if (host_names(host, policy->aliases[i]))
			return 1;
	return 0;
}

/*
 * Decodes, checks and normalises the path into req->path. Decoding comes
 * first, so "%2e%2e" and "%2f" are the same as ".." and "/" when dot
 * segments are removed: a path is judged by the file it names, not by its
 * spelling, and no spelling reaches above the root.
 */
static int
check_path(const char *raw, struct request *req, const char **errstr)
{
	size_t i, n;

	/* An empty path means "/" (Gemini specification, "Requests"). */
	if (raw[0] == '\0')
		raw = "/";
	if (raw[0] != '/') {
		*errstr = "path is not absolute";
		return -1;
	}
	if (url_percent_decode(raw, req->path, sizeof(req->path), errstr) == -1)
		return -1;
	n = strlen(req->path);
	if (!utf8_is_valid(req->path, n)) {
		*errstr = "path is not valid UTF-8";
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)req->path[i];

		if (c < 0x20 || c == 0x7f) {
			*errstr = "control character in path";
			return -1;
		}
	}
	return url_remove_dot_segments(req->path, errstr);
}

/*
 * A flat chain of guards, in the order of the contract in request.h: the
 * malformed (59) is told apart before the foreign (53), so that a broken
 * URL for another host is still called broken.
 */
int
request_parse(const char *line, size_t len,
    const struct request_policy *policy, struct request *req,
    const char **errstr)
{
	struct url u;

	memset(req, 0, sizeof(*req));
	req->port = -1;

	if (len == 0) {
		*errstr = "empty request";
		return 59;
	}
	if (len > URL_MAX) {
		*errstr = "URL too long";
		return 59;
	}
	if (!utf8_is_valid(line, len)) {
		*errstr = "request is not valid UTF-8";
		return 59;
	}
	if (url_parse(line, len, &u, errstr) == -1)
		return 59;
	if (u.scheme[0] == '\0') {
		*errstr = "relative URL";
		return 59;
	}
	if (u.has_userinfo) {
		*errstr = "userinfo not allowed";
		return 59;
	}
	if (u.has_fragment) {
		*errstr = "fragment not allowed";
		return 59;
	}
	if (strcmp(u.scheme, "gemini") != 0) {
		*errstr = "proxy request refused";
		return 53;
	}
	if (!u.has_authority || u.host[0] == '\0') {
		*errstr = "missing host";
		return 59;
	}
	if (!request_names_host(policy, u.host)) {
		*errstr = "proxy request refused: unknown host";
		return 53;
	}
	if (u.port != -1 && u.port != policy->port) {
		*errstr = "proxy request refused: other port";
		return 53;
	}
	if (check_path(u.path, req, errstr) == -1) {
		req->path[0] = '\0';
		return 59;
	}
	/* The query fits: both arrays have the same size (asserted above). */
	req->has_query = u.has_query;
	memcpy(req->query, u.query, sizeof(req->query));
	req->port = u.port;
	return 0;
}
