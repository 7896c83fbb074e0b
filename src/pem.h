/*
 * pem.h - PURE: the DER inside the PEM text of a private key (RFC 7468),
 * decoded into the caller's buffer.
 *
 * kizuna decodes its key itself, not through OpenSSL's PEM reader, so that
 * every copy of the key is in a buffer the caller wipes: OpenSSL's reader
 * leaves the key's last base64 line behind in a freed decoding context it
 * does not clear. This module keeps no copy of its own: it allocates
 * nothing, and wipes the few base64 values it holds on the stack.
 *
 * What it reads:
 *   anything                          skipped (text, a certificate)
 *   "-----BEGIN " LABEL "-----"       the first such line whose LABEL ends
 *                                     in "PRIVATE KEY" (PKCS #8 "PRIVATE
 *                                     KEY"; the older "EC PRIVATE KEY",
 *                                     "RSA PRIVATE KEY"); one holding
 *                                     "ENCRYPTED" is refused (it needs a
 *                                     passphrase), and so is one followed
 *                                     by "Proc-Type: 4,ENCRYPTED" (RFC
 *                                     1421 headers, as OpenSSL's old
 *                                     format encrypts a key)
 *   base64                            RFC 4648 section 4: groups of four
 *                                     characters, '=' only to pad the last
 *                                     group; spaces, tabs, CR and LF
 *                                     anywhere; nothing else (so no RFC
 *                                     1421 headers, as an old encrypted key
 *                                     has)
 *   "-----END " LABEL "-----"         the same LABEL; what follows it is
 *                                     not read
 * Armour lines may end in spaces, tabs or CR (CRLF files).
 *
 * No I/O, no allocation, no outside library.
 */
#ifndef KIZUNA_PEM_H
#define KIZUNA_PEM_H

#include <stddef.h>

/*
 * Decodes the private key in pem[0..len) into der[0..dersize); a dersize
 * of len / 4 * 3 always suffices. Returns the DER's length (> 0), or -1
 * with *errstr set to a static message when there is no unencrypted
 * private key, or its DER would not fit. pem is not changed. On either
 * outcome der may hold key material: the caller wipes it.
 */
long pem_key_to_der(const char *pem, size_t len, unsigned char *der,
    size_t dersize, const char **errstr);

#endif
