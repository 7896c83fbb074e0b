/*
 * sni.h - PURE: the host name in a ClientHello's server_name extension
 * (RFC 6066 section 3), which tls.c hands to the connection's selector.
 *
 * The extension's body, as OpenSSL gives it to a ClientHello callback:
 *   ServerNameList   uint16 length, then that many bytes, at least one:
 *     ServerName     uint8 name_type, 0 = host_name (the only type),
 *                    then HostName: uint16 length (1 or more), its bytes
 * One host_name filling the whole list is what every client sends and all
 * that OpenSSL accepts; anything else is malformed here too. RFC 6066
 * wants the bytes to be an ASCII host name without a trailing dot; one
 * longer than 255 bytes (OpenSSL's bound) or holding a NUL is refused as
 * OpenSSL refuses it.
 *
 * No I/O, no allocation, no outside library.
 */
#ifndef KIZUNA_SNI_H
#define KIZUNA_SNI_H

#include <stddef.h>

/* The longest host name read (TLSEXT_MAXLEN_host_name), NUL not counted. */
#define SNI_NAME_MAX 255

/*
 * Reads the host name in the extension body ext[0..len) into name
 * (namesize > SNI_NAME_MAX), NUL-terminated, ASCII letters in lower case
 * (host names are case-insensitive). Returns 1 with name set; 0, with
 * name empty, when the name holds a byte that is not printable ASCII
 * (not a host name anyone could serve: the caller carries on as without
 * one); -1 with *errstr set to a static message when the extension is
 * malformed.
 */
int sni_host_name(const unsigned char *ext, size_t len, char *name,
    size_t namesize, const char **errstr);

#endif
