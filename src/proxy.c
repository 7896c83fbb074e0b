/*
 * proxy.c - PURE: PROXY protocol headers, versions 1 and 2 (see proxy.h).
 *
 * Strict, as the specification asks ("any sequence which does not exactly
 * match the protocol must be discarded"): the header decides whose address
 * every limit and log line uses, so nothing is guessed or tolerated. And
 * incremental: a beginning that can still become a valid header is
 * NEED_MORE, one that cannot is INVALID at once, so a balancer that sends
 * nonsense is dropped without waiting for the deadline.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#define V1_PREFIX "PROXY "
#define V1_PREFIX_LEN (sizeof(V1_PREFIX) - 1)

static const unsigned char v2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};
#define V2_FIXED 16   /* signature, version/command, family, length */

enum v2_command {
	V2_LOCAL = 0x0,
	V2_PROXY = 0x1,
};

static enum proxy_result
invalid(const char **errstr, const char *why)
{
	*errstr = why;
	return PROXY_INVALID;
}

/* Sets *ss from a 4-byte IPv4 address and a port in network byte order. */
static void
set_v4(struct sockaddr_storage *ss, const unsigned char addr[4],
    const unsigned char port[2])
{
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;

	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, addr, 4);
	memcpy(&sin->sin_port, port, 2);
}

/*
 * Sets *ss from a 16-byte IPv6 address and a port in network byte order.
 * A dual-stack balancer sees its IPv4 clients as ::ffff:a.b.c.d: kept as
 * IPv6, every one of them would fall in the same /64 and share one
 * max_per_ip counter, so they are turned back into IPv4.
 */
static void
set_v6(struct sockaddr_storage *ss, const unsigned char addr[16],
    const unsigned char port[2])
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;

	if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		set_v4(ss, addr + 12, port);
		return;
	}
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, addr, 16);
	memcpy(&sin6->sin6_port, port, 2);
}

/* --- version 1 ------------------------------------------------------------ */

enum v1_family {
	V1_TCP4,
	V1_TCP6,
	V1_UNKNOWN,
};

static const char *const v1_protocols[] = {
	[V1_TCP4] = "TCP4",
	[V1_TCP6] = "TCP6",
	[V1_UNKNOWN] = "UNKNOWN",
};

/*
 * The protocol word s[0..n): *family when it is one of the three. With
 * whole == 0 the word may still grow: then 1 when it begins one of them.
 */
static int
v1_protocol(const unsigned char *s, size_t n, int whole,
    enum v1_family *family)
{
	size_t i, plen;

	for (i = 0; i < sizeof(v1_protocols) / sizeof(v1_protocols[0]); i++) {
		plen = strlen(v1_protocols[i]);
		if (whole ? (n == plen && memcmp(s, v1_protocols[i], n) == 0) :
		    (n <= plen && memcmp(s, v1_protocols[i], n) == 0)) {
			*family = (enum v1_family)i;
			return 1;
		}
	}
	return 0;
}

/*
 * A port: decimal 0-65535, no leading zero ("to avoid any possible
 * confusion with octal numbers"). With whole == 0, a beginning of one.
 */
static int
v1_port(const unsigned char *s, size_t n, int whole, unsigned *port)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0)
		return !whole;
	if (n > 5 || (s[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return 0;
	*port = (unsigned)v;
	return 1;
}

/*
 * An address of the line's family into *addr (struct in_addr or
 * in6_addr). inet_pton does the strict reading: IPv4 as exactly four
 * decimal numbers without leading zeros, IPv6 as RFC 4291 text. With
 * whole == 0, only the characters and the length are checked.
 */
static int
v1_address(const unsigned char *s, size_t n, int whole,
    enum v1_family family, void *addr)
{
	char text[INET6_ADDRSTRLEN];
	size_t i;

	if (n >= sizeof(text) || (whole && n == 0))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		int ok = (c >= '0' && c <= '9') || c == '.';

		if (family == V1_TCP6)
			ok = ok || c == ':' || (c >= 'a' && c <= 'f') ||
			    (c >= 'A' && c <= 'F');
		if (!ok)
			return 0;
	}
	if (!whole)
		return 1;
	memcpy(text, s, n);
	text[n] = '\0';
	return inet_pton(family == V1_TCP4 ? AF_INET : AF_INET6, text,
	    addr) == 1;
}

/*
 * The line s[0..n) without its CRLF. whole == 1: the CRLF followed it, and
 * the line must be a complete header (filled into *out); whole == 0: more
 * may follow, and the line must be the beginning of one.
 *
 *   line     = "PROXY " ( tcp / unknown )
 *   tcp      = ("TCP4" / "TCP6") " " addr " " addr " " port " " port
 *   unknown  = "UNKNOWN" [ " " *any ]
 */
static enum proxy_result
v1_line(const unsigned char *s, size_t n, int whole, struct proxy_header *out,
    const char **errstr)
{
	static const char *const bad_field[] = {
		"PROXY line: bad source address",
		"PROXY line: bad destination address",
		"PROXY line: bad source port",
		"PROXY line: bad destination port",
	};
	const unsigned char *p, *end = s + n, *sp;
	enum v1_family family;
	unsigned char src[16], dst[16];
	void *addrs[2] = { src, dst };
	unsigned ports[2] = { 0, 0 };
	unsigned char port_be[2], dport_be[2];
	int field, last, ok;
	size_t flen;

	if (memcmp(s, V1_PREFIX, n < V1_PREFIX_LEN ? n : V1_PREFIX_LEN) != 0)
		return invalid(errstr, "no PROXY header");
	if (n < V1_PREFIX_LEN)
		return whole ? invalid(errstr, "PROXY line: no protocol") :
		    PROXY_NEED_MORE;
	p = s + V1_PREFIX_LEN;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!v1_protocol(p, (size_t)((sp != NULL ? sp : end) - p),
	    whole || sp != NULL, &family))
		return invalid(errstr,
		    "PROXY line: protocol not TCP4, TCP6 or UNKNOWN");
	if (sp == NULL && !whole)
		return PROXY_NEED_MORE;
	if (family == V1_UNKNOWN) {
		/* "the receiver must ignore anything presented before the
		 * CRLF": the connection's own addresses are used. */
		if (!whole)
			return PROXY_NEED_MORE;
		memset(out, 0, sizeof(*out));
		out->version = 1;
		out->length = n + 2;
		return PROXY_OK;
	}
	if (sp == NULL)
		return invalid(errstr, "PROXY line: no addresses");

	/* Four fields after the protocol, each ended by one space but the
	 * last, which the CRLF ends. A field followed by a space is whole
	 * even while the line is not. */
	for (field = 0, p = sp + 1;; field++, p = sp + 1) {
		if (field == 4)
			return invalid(errstr, "PROXY line: too many fields");
		sp = memchr(p, ' ', (size_t)(end - p));
		flen = (size_t)((sp != NULL ? sp : end) - p);
		last = sp == NULL;
		if (!last && flen == 0)
			return invalid(errstr,
			    "PROXY line: fields not separated by single spaces");
		if (field < 2)
			ok = v1_address(p, flen, whole || !last, family,
			    addrs[field]);
		else
			ok = v1_port(p, flen, whole || !last, &ports[field - 2]);
		if (!ok)
			return invalid(errstr, bad_field[field]);
		if (last)
			break;
	}
	if (!whole)
		return PROXY_NEED_MORE;
	if (field != 3)
		return invalid(errstr, "PROXY line: too few fields");

	memset(out, 0, sizeof(*out));
	out->version = 1;
	out->length = n + 2;
	out->has_source = 1;
	port_be[0] = (unsigned char)(ports[0] >> 8);
	port_be[1] = (unsigned char)(ports[0] & 0xff);
	dport_be[0] = (unsigned char)(ports[1] >> 8);
	dport_be[1] = (unsigned char)(ports[1] & 0xff);
	if (family == V1_TCP4) {
		set_v4(&out->source, src, port_be);
		set_v4(&out->destination, dst, dport_be);
	} else {
		set_v6(&out->source, src, port_be);
		set_v6(&out->destination, dst, dport_be);
	}
	return PROXY_OK;
}

/*
 * Version 1: find the CRLF within 107 bytes, then read the line. A CR
 * must be followed by LF and a LF preceded by CR: "the receiver must not
 * tolerate a single CR or LF character to end the line".
 */
static enum proxy_result
parse_v1(const unsigned char *buf, size_t len, struct proxy_header *out,
    const char **errstr)
{
	size_t n = len < PROXY_V1_MAX ? len : PROXY_V1_MAX;
	const unsigned char *cr = memchr(buf, '\r', n);
	const unsigned char *lf = memchr(buf, '\n', n);
	size_t linelen;

	if (lf != NULL && (cr == NULL || lf < cr))
		return invalid(errstr, "PROXY line: LF without CR");
	if (cr == NULL) {
		/* No room left for the CRLF within the limit. */
		if (len >= PROXY_V1_MAX - 1)
			return invalid(errstr, "PROXY line longer than 107 bytes");
		return v1_line(buf, len, 0, out, errstr);
	}
	linelen = (size_t)(cr - buf);
	if (linelen + 2 > PROXY_V1_MAX)
		return invalid(errstr, "PROXY line longer than 107 bytes");
	if (linelen + 1 == len) {
		enum proxy_result r = v1_line(buf, linelen, 0, out, errstr);

		return r == PROXY_INVALID ? r : PROXY_NEED_MORE;
	}
	if (buf[linelen + 1] != '\n')
		return invalid(errstr, "PROXY line: CR without LF");
	return v1_line(buf, linelen, 1, out, errstr);
}

/* --- version 2 ------------------------------------------------------------ */

/*
 * The bytes of addresses the family/transport byte announces, or -1 when
 * the byte is not one the specification defines (which it says to refuse).
 */
static int
v2_address_size(unsigned char family)
{
	switch (family) {
	case 0x00:          /* UNSPEC */
		return 0;
	case 0x11:          /* TCP over IPv4 */
	case 0x12:          /* UDP over IPv4 */
		return 2 * 4 + 2 * 2;
	case 0x21:          /* TCP over IPv6 */
	case 0x22:          /* UDP over IPv6 */
		return 2 * 16 + 2 * 2;
	case 0x31:          /* UNIX stream */
	case 0x32:          /* UNIX datagram */
		return 2 * 108;
	default:
		return -1;
	}
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static enum proxy_result
parse_v2(const unsigned char *buf, size_t len, struct proxy_header *out,
    const char **errstr)
{
	size_t n = len < sizeof(v2_signature) ? len : sizeof(v2_signature);
	size_t total, off;
	unsigned command;
	int addrsize = 0;

	if (memcmp(buf, v2_signature, n) != 0)
		return invalid(errstr, "no PROXY header");
	if (len < 13)
		return PROXY_NEED_MORE;
	if (buf[12] >> 4 != 2)
		return invalid(errstr, "PROXY v2: unknown version");
	command = buf[12] & 0x0f;
	if (command != V2_LOCAL && command != V2_PROXY)
		return invalid(errstr, "PROXY v2: unknown command");
	if (len < 14)
		return PROXY_NEED_MORE;
	/* LOCAL: the balancer speaks for itself (a health check), and "the
	 * family ... is ignored", as are the addresses. */
	if (command == V2_PROXY && (addrsize = v2_address_size(buf[13])) < 0)
		return invalid(errstr,
		    "PROXY v2: unknown address family or transport");
	if (len < V2_FIXED)
		return PROXY_NEED_MORE;
	total = V2_FIXED + be16(buf + 14);
	if (total > PROXY_HEADER_MAX)
		return invalid(errstr, "PROXY v2: header longer than 512 bytes");
	if (total < V2_FIXED + (size_t)addrsize)
		return invalid(errstr,
		    "PROXY v2: length too short for its addresses");
	if (len < total)
		return PROXY_NEED_MORE;
	/* What follows the addresses is TLVs: each must fit. Under LOCAL
	 * the whole block is skipped, as the specification says. */
	if (command == V2_PROXY)
		for (off = V2_FIXED + (size_t)addrsize; off < total;
		    off += 3 + be16(buf + off + 1))
			if (total - off < 3 || be16(buf + off + 1) > total - off - 3)
				return invalid(errstr,
				    "PROXY v2: a TLV runs past the header");

	memset(out, 0, sizeof(*out));
	out->version = 2;
	out->length = total;
	if (command == V2_LOCAL)
		return PROXY_OK;
	/* Addresses and ports are in network byte order, as sockaddr wants
	 * them. UNSPEC, UDP and UNIX are read as UNSPEC (the specification
	 * allows it): the connection's own peer is used. */
	if (buf[13] == 0x11) {
		out->has_source = 1;
		set_v4(&out->source, buf + V2_FIXED, buf + V2_FIXED + 8);
		set_v4(&out->destination, buf + V2_FIXED + 4,
		    buf + V2_FIXED + 10);
	} else if (buf[13] == 0x21) {
		out->has_source = 1;
		set_v6(&out->source, buf + V2_FIXED, buf + V2_FIXED + 32);
		set_v6(&out->destination, buf + V2_FIXED + 16,
		    buf + V2_FIXED + 34);
	}
	return PROXY_OK;
}

enum proxy_result
proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *out,
    const char **errstr)
{
	if (len == 0)
		return PROXY_NEED_MORE;
	/* The two versions differ from the first byte on. */
	if (buf[0] == V1_PREFIX[0])
		return parse_v1(buf, len, out, errstr);
	if (buf[0] == v2_signature[0])
		return parse_v2(buf, len, out, errstr);
	return invalid(errstr, "no PROXY header");
}
