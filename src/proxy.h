/*
 * proxy.h - PURE: the PROXY protocol header a load balancer puts in front
 * of a connection (HAProxy's proxy-protocol.txt, versions 1 and 2), parsed.
 *
 * A balancer that relays TCP (HAProxy, nginx stream) makes its own
 * connection to us, so the socket's peer is the balancer. With the PROXY
 * protocol it first sends one header naming the client it relays; then the
 * client's bytes (here, the TLS ClientHello) follow unchanged. This module
 * says how many bytes the header takes and whom it names, so the caller can
 * consume exactly those bytes and leave the rest to TLS.
 *
 * Version 1, one text line (at most 107 bytes with its CRLF):
 *   "PROXY TCP4 SRC DST SPORT DPORT\r\n"      SRC, DST dotted IPv4
 *   "PROXY TCP6 SRC DST SPORT DPORT\r\n"      SRC, DST IPv6 text
 *   "PROXY UNKNOWN[ anything]\r\n"             the connection's own peer
 * single spaces, ports 0-65535 in decimal without leading zeros.
 *
 * Version 2, binary: the 12-byte signature "\r\n\r\n\0\r\nQUIT\n"; a byte
 * version 2 / command (0x21 PROXY, 0x20 LOCAL); a byte family / transport
 * (0x11 TCP over IPv4, 0x21 TCP over IPv6, 0x00 UNSPEC; UDP and UNIX are
 * valid too and, as the specification allows, read as UNSPEC); a 16-bit
 * big-endian length of what follows: the addresses (IPv4: src, dst, sport,
 * dport = 12 bytes; IPv6: 36), then TLVs (type, 16-bit length, value),
 * skipped here but checked to fit.
 *
 * No I/O, no allocation, no outside library.
 */
#ifndef KIZUNA_PROXY_H
#define KIZUNA_PROXY_H

#include <stddef.h>
#include <sys/socket.h>

/* The longest version 1 header, CRLF included (the specification's). */
#define PROXY_V1_MAX 107

/*
 * The longest header accepted, in either version. Version 2 allows 16 +
 * 65535 bytes, nearly all of them optional TLVs we would only skip; but
 * the header must sit whole in the connection's buffer before anything
 * else happens, and 64 KiB per connection, for data we never use, is a
 * cost not worth paying. 512 bytes hold what balancers send in practice:
 * the IPv6 addresses (36), an authority (SNI, <= 255), a unique ID
 * (<= 128), ALPN and a CRC32C, with room to spare. A longer header is
 * refused as invalid, never cut.
 */
#define PROXY_HEADER_MAX 512

enum proxy_result {
	PROXY_NEED_MORE,   /* a valid beginning: read more bytes */
	PROXY_INVALID,     /* not a valid header, whatever follows */
	PROXY_OK,          /* a whole header: see struct proxy_header */
};

struct proxy_header {
	int version;       /* 1 or 2 */
	size_t length;     /* bytes the header takes: consume exactly these */
	/* 1: source holds the client (AF_INET or AF_INET6, port included).
	 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack
	 * balancer reports for an IPv4 client) is given as the AF_INET
	 * address it is, so that it is logged and limited as one.
	 * 0: LOCAL (v2) or UNKNOWN/UNSPEC: the balancer speaks for itself or
	 * cannot say; use the connection's own peer. */
	int has_source;
	struct sockaddr_storage source;
	/* With has_source: the address (and port) the client connected to,
	 * the balancer's; which capsule a client without SNI meant. An
	 * IPv4-mapped address is given as IPv4, as for source. */
	struct sockaddr_storage destination;
};

/*
 * Parses buf[0..len), the first bytes of a connection. Returns:
 *   PROXY_NEED_MORE: buf is the beginning of a header that may still be
 *       valid (len < PROXY_HEADER_MAX then); *out is untouched;
 *   PROXY_INVALID: *errstr is set to a static reason for the log ("no
 *       PROXY header" when the bytes do not even start like one); more
 *       bytes never make it valid;
 *   PROXY_OK: *out is filled; out->length <= len, and the bytes past it
 *       are not the header's. More bytes never change the answer.
 */
enum proxy_result proxy_parse(const unsigned char *buf, size_t len,
    struct proxy_header *out, const char **errstr);

#endif
