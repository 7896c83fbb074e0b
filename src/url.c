/*
 * url.c - PURE: URL parsing for Gemini requests (RFC 3986).
 *
 * Character classes are tested with the local helpers below rather than
 * <ctype.h>: those answer according to the current locale, and a URL's
 * grammar is ASCII whatever the locale.
 */
#include <string.h>

#include "url.h"
#include "hex.h"

static int
is_alpha(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char
to_lower(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return c;
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )   (RFC 3986 §3.1) */
static int
is_scheme_char(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

/*
 * Copies src[0..n) into dst as a C string. Returns -1 when it does not fit,
 * so that no component is ever silently cut short.
 */
static int
copy_part(char *dst, size_t dstsize, const char *src, size_t n, int lower)
{
	size_t i;

	if (n >= dstsize)
		return -1;
	for (i = 0; i < n; i++)
		dst[i] = lower ? (char)to_lower((unsigned char)src[i]) : src[i];
	dst[n] = '\0';
	return 0;
}

/*
 * Index of the first byte of s[0..len) that is in set, or len. A NUL byte
 * is never in set (strchr would find the terminator).
 */
static size_t
span_until(const char *s, size_t len, const char *set)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != '\0' && strchr(set, s[i]) != NULL)
			return i;
	return len;
}

/*
 * port = *DIGIT   (RFC 3986 §3.2.3)
 * An empty port is allowed by the grammar and means "the default": -1.
 */
static int
parse_port(const char *s, size_t len, int *port)
{
	size_t i;
	long v = 0;

	if (len == 0) {
		*port = -1;
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
		/* Stop before v can overflow on a long run of digits. */
		if (v > 65535)
			return -1;
	}
	*port = (int)v;
	return 0;
}

/*
 * authority   = [ userinfo "@" ] host [ ":" port ]
 * host        = IP-literal / IPv4address / reg-name
 * IP-literal  = "[" ( IPv6address / IPvFuture ) "]"   (RFC 3986 §3.2)
 *
 * The IP literal is only checked for its alphabet (hex digits, ':' and '.');
 * IPvFuture ("[v1.x]") is refused. A reg-name is kept as sent, lowercased:
 * non-ASCII bytes are allowed for IRIs, the caller checks they are UTF-8.
 */
static int
parse_authority(const char *s, size_t len, struct url *u, const char **errstr)
{
	size_t i, hostlen;
	const char *hp;

	/* The host is what follows the last '@': '@' is not allowed in it. */
	for (i = len; i > 0; i--) {
		if (s[i - 1] == '@') {
			u->has_userinfo = 1;
			break;
		}
	}
	hp = s + i;
	len -= i;

	if (len > 0 && hp[0] == '[') {
		const char *end = memchr(hp, ']', len);

		if (end == NULL) {
			*errstr = "unterminated IP literal";
			return -1;
		}
		hostlen = (size_t)(end - hp) - 1;
		if (hostlen == 0) {
			*errstr = "bad IP literal";
			return -1;
		}
		for (i = 1; i <= hostlen; i++) {
			unsigned char c = (unsigned char)hp[i];

			if (hex_value(c) < 0 && c != ':' && c != '.') {
				*errstr = "bad IP literal";
				return -1;
			}
		}
		if (copy_part(u->host, sizeof(u->host), hp + 1, hostlen, 1) == -1) {
			*errstr = "host too long";
			return -1;
		}
		i = hostlen + 2;
		if (i < len && hp[i] != ':') {
			*errstr = "junk after IP literal";
			return -1;
		}
	} else {
		hostlen = span_until(hp, len, ":");
		if (memchr(hp, '[', hostlen) != NULL ||
		    memchr(hp, ']', hostlen) != NULL) {
			*errstr = "bad host";
			return -1;
		}
		if (copy_part(u->host, sizeof(u->host), hp, hostlen, 1) == -1) {
			*errstr = "host too long";
			return -1;
		}
		i = hostlen;
	}

	/* Here i is at the ':' that starts the port, or at the end. */
	if (i < len) {
		if (parse_port(hp + i + 1, len - i - 1, &u->port) == -1) {
			*errstr = "bad port";
			return -1;
		}
	}
	return 0;
}

/*
 * URI-reference = URI / relative-ref                        (RFC 3986 §4.1)
 * URI           = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
 * relative-ref  = relative-part [ "?" query ] [ "#" fragment ]
 * hier-part     = "//" authority path-abempty / path-absolute / ...
 *
 * A reference that does not begin with a valid scheme and ':' is relative.
 * XXX "1a:b" and ":b" are taken as relative paths, although RFC 3986 §4.2
 * forbids a ':' in the first segment of one: a request refuses both as
 * relative anyway, and no other caller needs the finer verdict.
 */
int
url_parse(const char *s, size_t len, struct url *u, const char **errstr)
{
	size_t i, n;

	memset(u, 0, sizeof(*u));
	u->port = -1;

	if (len > URL_MAX) {
		*errstr = "URL too long";
		return -1;
	}
	/* RFC 3986 §2 has no place for these bytes, even escaped as-is. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0') {
			*errstr = "NUL byte in URL";
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			*errstr = "control character in URL";
			return -1;
		}
		if (c == ' ') {
			*errstr = "space in URL";
			return -1;
		}
	}

	/* Scheme: only when the first ':' ends a run of scheme characters. */
	n = 0;
	while (n < len && is_scheme_char((unsigned char)s[n]))
		n++;
	if (n > 0 && n < len && s[n] == ':' && is_alpha((unsigned char)s[0])) {
		if (copy_part(u->scheme, sizeof(u->scheme), s, n, 1) == -1) {
			*errstr = "scheme too long";
			return -1;
		}
		s += n + 1;
		len -= n + 1;
	}

	/* The fragment is recorded, not kept: the request refuses it. */
	n = span_until(s, len, "#");
	if (n < len)
		u->has_fragment = 1;
	len = n;

	if (len >= 2 && s[0] == '/' && s[1] == '/') {
		u->has_authority = 1;
		s += 2;
		len -= 2;
		n = span_until(s, len, "/?");
		if (parse_authority(s, n, u, errstr) == -1)
			return -1;
		s += n;
		len -= n;
	}

	n = span_until(s, len, "?");
	if (copy_part(u->path, sizeof(u->path), s, n, 0) == -1) {
		*errstr = "path too long";
		return -1;
	}
	if (n < len) {
		u->has_query = 1;
		if (copy_part(u->query, sizeof(u->query), s + n + 1,
		    len - n - 1, 0) == -1) {
			*errstr = "query too long";
			return -1;
		}
	}
	return 0;
}

/* pct-encoded = "%" HEXDIG HEXDIG   (RFC 3986 §2.1) */
int
url_percent_decode(const char *src, char *dst, size_t dstsize,
    const char **errstr)
{
	size_t o = 0;

	while (*src != '\0') {
		unsigned char c = (unsigned char)*src;

		if (c == '%') {
			int hi = hex_value((unsigned char)src[1]);
			int lo = hi < 0 ? -1 : hex_value((unsigned char)src[2]);

			if (hi < 0 || lo < 0) {
				*errstr = "malformed percent escape";
				return -1;
			}
			c = (unsigned char)(hi * 16 + lo);
			if (c == '\0') {
				*errstr = "escaped NUL byte";
				return -1;
			}
			src += 3;
		} else
			src++;
		/* Keep one byte for the terminating NUL. */
		if (o + 1 >= dstsize) {
			*errstr = "decoded URL too long";
			return -1;
		}
		dst[o++] = (char)c;
	}
	if (dstsize == 0) {
		*errstr = "decoded URL too long";
		return -1;
	}
	dst[o] = '\0';
	return 0;
}

/*
 * RFC 3986 §5.2.4, specialised to an absolute path: the input buffer then
 * always begins with '/', so only rules B, C and E apply. The output is
 * written over the input; it never grows past the read position (o <= i),
 * so nothing unread is overwritten. The output, when not empty, also always
 * begins with '/', which rule C relies on.
 */
int
url_remove_dot_segments(char *path, const char **errstr)
{
	size_t i = 0, o = 0;

	if (path[0] != '/') {
		*errstr = "path is not absolute";
		return -1;
	}
	while (path[i] != '\0') {
		/* path[i] == '/': the segment is what follows, up to a '/'. */
		const char *seg = path + i + 1;
		size_t seglen = strcspn(seg, "/");

		if (seglen == 1 && seg[0] == '.') {
			/* B: "/./" -> "/", and a final "/." -> "/". */
			i += 2;
			if (path[i] == '\0')
				path[o++] = '/';
			continue;
		}
		if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
			/*
			 * C: "/../" -> "/" and drop the last output segment.
			 * The RFC drops a ".." with nothing to remove; we refuse
			 * it, so a request never names what it did not mean.
			 */
			if (o == 0) {
				*errstr = "path climbs above the root";
				return -1;
			}
			while (path[--o] != '/')
				;
			i += 3;
			if (path[i] == '\0')
				path[o++] = '/';
			continue;
		}
		/* E: move "/segment" to the output. */
		memmove(path + o, path + i, seglen + 1);
		o += seglen + 1;
		i += seglen + 1;
	}
	path[o] = '\0';
	return 0;
}

/*
 * pchar      = unreserved / pct-encoded / sub-delims / ":" / "@"
 * unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
 * sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
 * (RFC 3986 §3.3, §2.2, §2.3), and '/' between segments.
 */
static int
is_path_char(unsigned char c)
{
	return is_alpha(c) || is_digit(c) ||
	    (c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL);
}

int
url_encode_path(const char *path, char *dst, size_t dstsize)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *path != '\0'; path++) {
		unsigned char c = (unsigned char)*path;

		if (is_path_char(c)) {
			if (o + 1 >= dstsize)
				return -1;
			dst[o++] = (char)c;
		} else {
			if (o + 3 >= dstsize)
				return -1;
			dst[o++] = '%';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0x0f];
		}
	}
	if (dstsize == 0)
		return -1;
	dst[o] = '\0';
	return 0;
}
