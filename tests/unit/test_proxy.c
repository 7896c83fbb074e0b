/*
 * test_proxy.c - proxy.c: PROXY protocol headers, versions 1 and 2.
 *
 * Table-driven. Every case is also fed one byte at a time: each beginning
 * of a valid header must be NEED_MORE, never OK early or INVALID; an
 * invalid one must stay INVALID once it is, whatever follows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "proxy.h"

/* A byte string whose length sizeof knows (headers of v2 hold NULs). */
#define B(s) (const unsigned char *)(s), sizeof(s) - 1

#define SIG "\r\n\r\n\0\r\nQUIT\n"

/* What a TLS client sends first: the bytes after a header. */
static const unsigned char client_hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00,
	0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 };

struct good_case {
	const char *name;
	const unsigned char *bytes;
	size_t len;
	int version;
	const char *address;   /* the source as text, or NULL: none given */
	unsigned port;
	const char *destination; /* the address connected to, with a source */
};

static const struct good_case good_cases[] = {
	/* The specification's example, and HAProxy's send-proxy. */
	{ "v1 tcp4", B("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"),
	  1, "192.168.0.1", 56324, "192.168.0.11" },
	{ "v1 tcp4 documentation address",
	  B("PROXY TCP4 203.0.113.7 127.0.0.1 40000 1965\r\n"),
	  1, "203.0.113.7", 40000, "127.0.0.1" },
	{ "v1 tcp6", B("PROXY TCP6 2001:db8::7 2001:db8::1 65535 1965\r\n"),
	  1, "2001:db8::7", 65535, "2001:db8::1" },
	{ "v1 tcp6 upper case",
	  B("PROXY TCP6 2001:DB8::A 2001:db8::1 1 2\r\n"), 1, "2001:db8::a", 1, "2001:db8::1" },
	{ "v1 ports 0", B("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n"), 1, "0.0.0.0", 0, "0.0.0.0" },
	{ "v1 tcp4 longest (56 bytes)",
	  B("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"),
	  1, "255.255.255.255", 65535, "255.255.255.255" },
	{ "v1 tcp6 longest (104 bytes)",
	  B("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
	  1, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	/* A dual-stack balancer's IPv4 client: logged and limited as IPv4. */
	{ "v1 tcp6 ipv4-mapped", B("PROXY TCP6 ::ffff:203.0.113.7 ::1 1 2\r\n"),
	  1, "203.0.113.7", 1, "::1" },
	{ "v1 unknown, short form", B("PROXY UNKNOWN\r\n"), 1, NULL, 0, NULL },
	/* "the receiver must ignore anything presented before the CRLF" */
	{ "v1 unknown, worst case (107 bytes)",
	  B("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
	  1, NULL, 0, NULL },
	{ "v1 unknown, anything", B("PROXY UNKNOWN x\x01y\r\n"), 1, NULL, 0, NULL },

	/* Version 2: PROXY over TCP/IPv4, 203.0.113.7:40000 -> 127.0.0.1:1965 */
	{ "v2 tcp4",
	  B(SIG "\x21\x11\x00\x0c" "\xcb\x00\x71\x07" "\x7f\x00\x00\x01"
	    "\x9c\x40" "\x07\xad"), 2, "203.0.113.7", 40000, "127.0.0.1" },
	/* 2001:db8::7 port 40000 -> ::1 port 1965 */
	{ "v2 tcp6",
	  B(SIG "\x21\x21\x00\x24"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" "\x9c\x40" "\x07\xad"),
	  2, "2001:db8::7", 40000, "::1" },
	/* TLVs after the addresses: NOOP, authority "localhost", CRC32C
	 * (not checked), and an empty one. */
	{ "v2 tcp4 with TLVs",
	  B(SIG "\x21\x11\x00\x27" "\xcb\x00\x71\x07" "\x7f\x00\x00\x01"
	    "\x9c\x40" "\x07\xad"
	    "\x04\x00\x02" "\0\0"
	    "\x02\x00\x09" "localhost"
	    "\x03\x00\x04" "\x12\x34\x56\x78"
	    "\x05\x00\x00"), 2, "203.0.113.7", 40000, "127.0.0.1" },
	{ "v2 tcp6 ipv4-mapped",
	  B(SIG "\x21\x21\x00\x24"
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff\xcb\x00\x71\x07"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" "\x9c\x40" "\x07\xad"),
	  2, "203.0.113.7", 40000, "::1" },
	/* LOCAL: a health check; the family and anything after are ignored. */
	{ "v2 local", B(SIG "\x20\x00\x00\x00"), 2, NULL, 0, NULL },
	{ "v2 local with addresses",
	  B(SIG "\x20\x11\x00\x0c" "\x7f\x00\x00\x01" "\x7f\x00\x00\x01"
	    "\x9c\x40" "\x07\xad"), 2, NULL, 0, NULL },
	{ "v2 local, family ignored", B(SIG "\x20\x99\x00\x01" "x"), 2, NULL, 0, NULL },
	/* UNSPEC, UDP and UNIX fall back to the connection's peer. */
	{ "v2 proxy unspec", B(SIG "\x21\x00\x00\x00"), 2, NULL, 0, NULL },
	{ "v2 proxy udp4",
	  B(SIG "\x21\x12\x00\x0c" "\x7f\x00\x00\x01" "\x7f\x00\x00\x01"
	    "\x9c\x40" "\x07\xad"), 2, NULL, 0, NULL },
};

static void
check_source(const struct good_case *t, const struct proxy_header *h)
{
	char text[INET6_ADDRSTRLEN];
	unsigned port;

	if (t->address == NULL) {
		if (h->has_source)
			fail_msg("%s: a source where none was given", t->name);
		return;
	}
	if (!h->has_source)
		fail_msg("%s: no source", t->name);
	if (h->source.ss_family == AF_INET) {
		const struct sockaddr_in *sin =
		    (const struct sockaddr_in *)(const void *)&h->source;

		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)(const void *)&h->source;

		assert_int_equal(h->source.ss_family, AF_INET6);
		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		port = ntohs(sin6->sin6_port);
	}
	if (strcmp(text, t->address) != 0 || port != t->port)
		fail_msg("%s: source %s port %u, want %s port %u", t->name,
		    text, port, t->address, t->port);
	if (h->destination.ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    &h->destination)->sin_addr, text, sizeof(text));
	else if (h->destination.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)
		    &h->destination)->sin6_addr, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "family %d",
		    h->destination.ss_family);
	if (t->destination == NULL || strcmp(text, t->destination) != 0)
		fail_msg("%s: destination %s, want %s", t->name, text,
		    t->destination ? t->destination : "(none)");
}

static void
test_valid_headers(void **state)
{
	unsigned char buf[PROXY_HEADER_MAX + sizeof(client_hello)];
	struct proxy_header h;
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *t = &good_cases[i];

		memset(&h, 0xa5, sizeof(h));
		if (proxy_parse(t->bytes, t->len, &h, &why) != PROXY_OK)
			fail_msg("%s: not OK: %s", t->name, why);
		assert_int_equal(h.length, t->len);
		assert_int_equal(h.version, t->version);
		check_source(t, &h);

		/* The ClientHello behind it is not the header's. */
		memcpy(buf, t->bytes, t->len);
		memcpy(buf + t->len, client_hello, sizeof(client_hello));
		memset(&h, 0, sizeof(h));
		if (proxy_parse(buf, t->len + sizeof(client_hello), &h,
		    &why) != PROXY_OK)
			fail_msg("%s + ClientHello: not OK: %s", t->name, why);
		assert_int_equal(h.length, t->len);
		check_source(t, &h);
	}
}

/* Split at every byte: a beginning is NEED_MORE, and *out is untouched. */
static void
test_every_beginning_needs_more(void **state)
{
	struct proxy_header h, untouched;
	const char *why;
	size_t i, k;

	(void)state;
	memset(&untouched, 0x5a, sizeof(untouched));
	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *t = &good_cases[i];

		for (k = 0; k < t->len; k++) {
			h = untouched;
			why = NULL;
			if (proxy_parse(t->bytes, k, &h, &why) != PROXY_NEED_MORE)
				fail_msg("%s: first %zu of %zu bytes: not "
				    "NEED_MORE (%s)", t->name, k, t->len,
				    why != NULL ? why : "OK");
			assert_memory_equal(&h, &untouched, sizeof(h));
		}
	}
}

struct bad_case {
	const unsigned char *bytes;
	size_t len;
	const char *reason;    /* a word of the reason */
};

static const struct bad_case bad_cases[] = {
	/* Not a PROXY header at all: a ClientHello, HTTP, lower case. */
	{ B("\x16\x03\x01\x02\x00\x01"), "no PROXY header" },
	{ B("GET / HTTP/1.0\r\n"), "no PROXY header" },
	{ B("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "no PROXY header" },
	{ B("PROXI"), "no PROXY header" },
	{ B("\r\n\r\n\0\r\nQUIX"), "no PROXY header" },
	{ B("\r\n\r\n\x01"), "no PROXY header" },
	/* Version 1: the protocol word. */
	{ B("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"), "protocol" },
	{ B("PROXY TCP"), NULL },   /* a beginning: see the test */
	{ B("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "protocol" },
	{ B("PROXY UNKNOWNX\r\n"), "protocol" },
	{ B("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n"), "protocol" },
	{ B("PROXY\r\n"), "PROXY" },
	{ B("PROXY \r\n"), "protocol" },
	{ B("PROXY TCP4\r\n"), "addresses" },
	{ B("PROXY TCP4 \r\n"), "source address" },
	/* Spaces: exactly one between fields, none at the end. */
	{ B("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n"), "single spaces" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"), "too many" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1  2\r\n"), "single spaces" },
	{ B("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n"), "source address" },
	/* Addresses: the family's, in its strict form. */
	{ B("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"), "source address" },
	{ B("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"), "source address" },
	{ B("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"), "source address" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8.9 1 2\r\n"), "destination address" },
	{ B("PROXY TCP4 ::1 ::1 1 2\r\n"), "source address" },
	{ B("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), "source address" },
	{ B("PROXY TCP6 ::1 1.2.3.4 1 2\r\n"), "destination address" },
	{ B("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"), "source address" },
	{ B("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n"), "source address" },
	{ B("PROXY TCP4 1.2.3.\0 5.6.7.8 1 2\r\n"), "source address" },
	/* Ports: 0-65535, decimal, no leading zero, no sign. */
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), "source port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"), "source port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n"), "source port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n"), "source port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1x 2\r\n"), "source port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 123456\r\n"), "destination port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 0x1\r\n"), "destination port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), "too few" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8\r\n"), "too few" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"), "too many" },
	/* The line end: CRLF, within 107 bytes. */
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), "LF" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX"), "CR without LF" },
	{ B("PROXY UNKNOWN\n\r\n"), "LF" },
	{ B("PROXY UNKNOWN\r\r\n"), "CR without LF" },
	{ B("PROXY UNKNOWN aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"), "107" },
	/* Version 2: version, command, family, lengths. */
	{ B(SIG "\x11\x11\x00\x0c"), "version" },
	{ B(SIG "\x31\x11\x00\x0c"), "version" },
	{ B(SIG "\x22\x11\x00\x0c"), "command" },
	{ B(SIG "\x2f\x11\x00\x0c"), "command" },
	{ B(SIG "\x21\x13\x00\x0c"), "family" },
	{ B(SIG "\x21\x01\x00\x00"), "family" },
	{ B(SIG "\x21\x40\x00\x00"), "family" },
	{ B(SIG "\x21\x11\x00\x0b"), "too short" },
	{ B(SIG "\x21\x21\x00\x0c"), "too short" },
	{ B(SIG "\x21\x31\x00\x24"), "too short" },
	{ B(SIG "\x21\x11\x01\xf1"), "512" },
	{ B(SIG "\x21\x11\xff\xff"), "512" },
	{ B(SIG "\x21\x11\x00\x0e" "\x7f\x00\x00\x01" "\x7f\x00\x00\x01"
	    "\x9c\x40" "\x07\xad" "\x04\x00"), "TLV" },
	{ B(SIG "\x21\x11\x00\x10" "\x7f\x00\x00\x01" "\x7f\x00\x00\x01"
	    "\x9c\x40" "\x07\xad" "\x04\x00\x02" "x"), "TLV" },
};

/* Once INVALID, always INVALID: each longer beginning says so too. */
static void
test_invalid_headers(void **state)
{
	struct proxy_header h;
	const char *why;
	enum proxy_result r;
	size_t i, k;
	int seen_invalid;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];

		seen_invalid = 0;
		for (k = 0; k <= t->len; k++) {
			why = NULL;
			r = proxy_parse(t->bytes, k, &h, &why);
			if (r == PROXY_OK)
				fail_msg("case %zu: first %zu bytes OK", i, k);
			if (r == PROXY_INVALID) {
				if (why == NULL || why[0] == '\0')
					fail_msg("case %zu: no reason", i);
				seen_invalid = 1;
			} else if (seen_invalid)
				fail_msg("case %zu: INVALID at fewer than %zu "
				    "bytes, NEED_MORE at %zu", i, k, k);
		}
		if (t->reason == NULL) {
			assert_int_equal(r, PROXY_NEED_MORE);
			continue;
		}
		if (r != PROXY_INVALID)
			fail_msg("case %zu: not INVALID", i);
		if (strstr(why, t->reason) == NULL)
			fail_msg("case %zu: \"%s\" does not mention \"%s\"", i,
			    why, t->reason);
	}
}

/* Nonsense is refused as soon as it cannot become a header. */
static void
test_refused_early(void **state)
{
	struct proxy_header h;
	const char *why;

	(void)state;
	assert_int_equal(proxy_parse(B("\x16"), &h, &why), PROXY_INVALID);
	assert_int_equal(proxy_parse(B("PROXY TCP4 1.2.3.4x"), &h, &why),
	    PROXY_INVALID);
	assert_int_equal(proxy_parse(B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"),
	    &h, &why), PROXY_NEED_MORE);
	assert_int_equal(proxy_parse(B(SIG "\x21\x11\x02\x00"), &h, &why),
	    PROXY_INVALID);
	/* 105 bytes with no CR: the CRLF no longer fits in 107. */
	{
		unsigned char line[PROXY_V1_MAX];

		memset(line, 'a', sizeof(line));
		memcpy(line, "PROXY UNKNOWN ", 14);
		assert_int_equal(proxy_parse(line, PROXY_V1_MAX - 2, &h, &why),
		    PROXY_NEED_MORE);
		assert_int_equal(proxy_parse(line, PROXY_V1_MAX - 1, &h, &why),
		    PROXY_INVALID);
	}
}

/* Version 2's own length, up to PROXY_HEADER_MAX and no further. */
static void
test_v2_size_limit(void **state)
{
	static const unsigned char head[] = SIG "\x21\x11\x00\x00"
	    "\xcb\x00\x71\x07" "\x7f\x00\x00\x01" "\x9c\x40" "\x07\xad";
	unsigned char buf[PROXY_HEADER_MAX + 1];
	size_t fixed = sizeof(head) - 1, tlv;
	struct proxy_header h;
	const char *why = NULL;

	(void)state;
	/* Padding: one NOOP TLV filling the header to exactly the limit. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, head, fixed);
	tlv = PROXY_HEADER_MAX - fixed - 3;
	buf[14] = (unsigned char)((PROXY_HEADER_MAX - 16) >> 8);
	buf[15] = (unsigned char)((PROXY_HEADER_MAX - 16) & 0xff);
	buf[fixed] = 0x04;
	buf[fixed + 1] = (unsigned char)(tlv >> 8);
	buf[fixed + 2] = (unsigned char)(tlv & 0xff);
	assert_int_equal(proxy_parse(buf, PROXY_HEADER_MAX, &h, &why), PROXY_OK);
	assert_int_equal(h.length, PROXY_HEADER_MAX);
	assert_int_equal(proxy_parse(buf, PROXY_HEADER_MAX - 1, &h, &why),
	    PROXY_NEED_MORE);

	/* One byte more is refused from its length field on. */
	tlv++;
	buf[14] = (unsigned char)((PROXY_HEADER_MAX + 1 - 16) >> 8);
	buf[15] = (unsigned char)((PROXY_HEADER_MAX + 1 - 16) & 0xff);
	buf[fixed + 1] = (unsigned char)(tlv >> 8);
	buf[fixed + 2] = (unsigned char)(tlv & 0xff);
	assert_int_equal(proxy_parse(buf, 16, &h, &why), PROXY_INVALID);
	assert_non_null(strstr(why, "512"));
	assert_int_equal(proxy_parse(buf, sizeof(buf), &h, &why),
	    PROXY_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_headers),
		cmocka_unit_test(test_every_beginning_needs_more),
		cmocka_unit_test(test_invalid_headers),
		cmocka_unit_test(test_refused_early),
		cmocka_unit_test(test_v2_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
