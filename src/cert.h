/*
 * cert.h - a host's credentials: its certificate (chain) and private key,
 * generated, read, written and fingerprinted. OpenSSL at start-up and on
 * reload; tls.c has it at run time (contexts and connections).
 *
 * The private key is read into buffers this module wipes, never through
 * stdio (pem.h says why OpenSSL's PEM reader is not used for it).
 */
#ifndef KIZUNA_CERT_H
#define KIZUNA_CERT_H

#include <stddef.h>
#include <sys/types.h>

/* "AB:CD:..." for a SHA-256 digest: 32 bytes as 95 characters + NUL. */
#define CERT_FINGERPRINT_SIZE 96

/*
 * Makes sure a certificate and key exist. When neither file exists, creates
 * a self-signed ECDSA P-256 certificate for hostname (CN and
 * subjectAltName), valid for 30 years; the key file is created with mode
 * 0600 and its directory with 0700 when missing. What it creates belongs
 * to uid and gid, unless uid is (uid_t)-1: started as root, the files are
 * the service user's, who reads them again on reload. When exactly one
 * exists, refuses, so that a key is never overwritten silently.
 * Returns 1 when it created them, 0 when both existed, -1 with err set.
 */
int cert_ensure(const char *cert, const char *key, const char *hostname,
    uid_t uid, gid_t gid, char *err, size_t errsize);

/*
 * For tls.c only, which owns the context: OpenSSL's SSL_CTX under its
 * structure's name, so that this header needs no OpenSSL header.
 */
struct ssl_ctx_st;

/*
 * Loads the certificate chain at cert and the private key at key into
 * ssl_ctx, and checks that they match. Writes the certificate's SHA-256
 * fingerprint to fingerprint (CERT_FINGERPRINT_SIZE bytes) when it is not
 * NULL. The context keeps its own references; no copy of the key is left
 * anywhere else. Returns 0, or -1 with err set ("PATH: what: why").
 */
int cert_use(struct ssl_ctx_st *ssl_ctx, const char *cert, const char *key,
    char *fingerprint, char *err, size_t errsize);

#endif
