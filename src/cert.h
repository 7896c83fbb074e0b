/*
 * cert.h - a host's credentials: its certificate (chain) and private key,
 * generated and written (cert_make.c), read, checked against the host's
 * names and fingerprinted (cert.c).
 * OpenSSL at start-up and on reload; tls.c has it at run time (contexts
 * and connections).
 *
 * The private key is read into buffers this module wipes, never through
 * stdio (pem.h says why OpenSSL's PEM reader is not used for it).
 */
#ifndef KIZUNA_CERT_H
#define KIZUNA_CERT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* "AB:CD:..." for a SHA-256 digest: 32 bytes as 95 characters + NUL. */
#define CERT_FINGERPRINT_SIZE 96
#define CERT_SHA256_SIZE 32

/*
 * Writes a SHA-256 digest (CERT_SHA256_SIZE bytes) as kizuna writes every
 * fingerprint, its own certificate's and its clients': upper-case hex
 * pairs joined by colons, to out (CERT_FINGERPRINT_SIZE bytes).
 */
void cert_fingerprint_text(const unsigned char *sha256, char *out);

/*
 * The names one host answers to, as the configuration gives them: DNS
 * names (lower case) and IPv4 or IPv6 literals (without brackets).
 * Borrowed for the length of a call.
 */
struct cert_names {
	const char *host;             /* the host's own name */
	const char *const *aliases;   /* naliases more names; NULL when 0 */
	size_t naliases;
};

/*
 * Makes sure a certificate and key exist. When neither file exists, creates
 * a self-signed ECDSA P-256 certificate for names, valid for 30 years:
 * subjectAltName lists the host and each alias (a DNS entry for a name, an
 * IP entry for an IPv4 or IPv6 literal), the CN is the host (left out when
 * longer than a CN may be, 64 bytes), and a comment extension marks it as
 * kizuna's (cert_check tells it apart by that). The key file is created
 * with mode 0600; missing directories above either file (certs/NAME/) with
 * 0700. What it creates belongs to uid and gid, unless uid is (uid_t)-1:
 * started as root, the files are the service user's, who reads them again
 * on reload. When exactly one file exists, refuses, so that a key is never
 * overwritten silently.
 * Returns 1 when it created them, 0 when both existed, -1 with err set.
 */
int cert_ensure(const char *cert, const char *key,
    const struct cert_names *names, uid_t uid, gid_t gid, char *err,
    size_t errsize);

/* A certificate that expires within this many days earns a warning. */
#define CERT_WARN_DAYS 30

/* What cert_check learnt of a host's certificate (the first in its file). */
struct cert_status {
	int generated;      /* 1: kizuna generated it (cert_ensure's mark) */
	int self_signed;    /* 1: it names itself as its issuer */
	time_t not_after;   /* the last second it is valid */
	char fingerprint[CERT_FINGERPRINT_SIZE];   /* SHA-256 */
	/* "" or, like err, a message: it expires within CERT_WARN_DAYS. */
	char warning[512];
};

/*
 * Checks that the certificate at cert can serve the host names (at
 * kizuna -t, at start and on reload), at time now:
 *   - the file's certificates come in order, each issued (its issuer's
 *     name and signature) by the next one;
 *   - the first covers the host and every alias, as clients check it:
 *     subjectAltName, else the CN when there is no subjectAltName; a
 *     wildcard stands for one whole label; an IP literal is only covered
 *     by an IP entry;
 *   - it is already valid and has not expired;
 *   - the private key at key is its key (key NULL: not checked, for a
 *     caller that keeps a key it may no longer read).
 * Returns 0 with *st filled; st->warning is set when it expires within
 * CERT_WARN_DAYS. Returns -1 with err set to one message that names the
 * host and the file and says how to fix it, by who made the certificate:
 *   host "b.example": /p/cert.pem is for old.example, not b.example:
 *   delete both files and kizuna makes a new one for b.example; readers
 *   will be asked to trust it again
 * (st is then filled as far as the file could be read). Nothing is kept.
 */
int cert_check(const char *cert, const char *key,
    const struct cert_names *names, time_t now, struct cert_status *st,
    char *err, size_t errsize);

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
