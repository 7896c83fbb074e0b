/*
 * cert.c - a host's credentials read, checked, fingerprinted and loaded
 * into a TLS context, through OpenSSL 3 (cert.h); cert_make.c makes new
 * ones.
 */
#define _GNU_SOURCE
#include "cert.h"
#include "cert_internal.h"
#include "pem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

void
cert_set_error(char *err, size_t errsize, const char *msg, const char *path)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (why == NULL)
		why = errno != 0 ? strerror(errno) : "unknown error";
	if (path != NULL)
		snprintf(err, errsize, "%s: %s: %s", path, msg, why);
	else
		snprintf(err, errsize, "%s: %s", msg, why);
	ERR_clear_error();
}

int
cert_ip_literal(const char *name, unsigned char ip[16])
{
	if (inet_pton(AF_INET, name, ip) == 1)
		return 4;
	if (inet_pton(AF_INET6, name, ip) == 1)
		return 16;
	return 0;
}

/* The most a key file may hold: a 16,384-bit RSA key in PEM is ~13 KB. */
#define KEY_FILE_MAX (64 * 1024)

/*
 * Reads the private key at path, leaving no copy of it behind: the file is
 * read into our own buffers (not stdio's), decoded there, and every buffer
 * is wiped. The key returned (the caller frees it) is then the only copy.
 * NULL with *why set when the PEM was refused (pem.h), else with errno
 * set or the reason in OpenSSL's queue.
 */
static EVP_PKEY *
read_private_key(const char *path, const char **why)
{
	unsigned char *buf = NULL;
	const unsigned char *p;
	EVP_PKEY *pkey = NULL;
	struct stat sb;
	size_t len = 0, size = 0;
	ssize_t n;
	long derlen;
	int fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1)
		goto out;
	if (!S_ISREG(sb.st_mode) || sb.st_size > KEY_FILE_MAX) {
		errno = S_ISREG(sb.st_mode) ? EFBIG : EINVAL;
		goto out;
	}
	/* One allocation, two parts: the PEM, and the DER (pem.h: never
	 * longer than the PEM). */
	size = (size_t)sb.st_size + 1;
	if ((buf = malloc(2 * size)) == NULL)
		goto out;
	while (len < (size_t)sb.st_size) {
		n = read(fd, buf + len, (size_t)sb.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if ((derlen = pem_key_to_der((const char *)buf, len, buf + size, size,
	    why)) <= 0)
		goto out;
	p = buf + size;
	pkey = d2i_AutoPrivateKey(NULL, &p, derlen);
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, 2 * size);
		free(buf);
	}
	close(fd);
	return pkey;
}

/* Why read_private_key failed: the PEM decoder's reason, or OpenSSL's. */
static void
key_error(char *err, size_t errsize, const char *key, const char *why)
{
	if (why != NULL) {
		snprintf(err, errsize, "%s: cannot load the key: %s", key, why);
		ERR_clear_error();
	} else
		cert_set_error(err, errsize, "cannot load the key", key);
}

void
cert_fingerprint_text(const unsigned char *sha256, char *out)
{
	size_t i;

	for (i = 0; i < CERT_SHA256_SIZE; i++)
		snprintf(out + 3 * i, 4, i + 1 < CERT_SHA256_SIZE ? "%02X:" :
		    "%02X", sha256[i]);
}

static void
fingerprint_of(X509 *x, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) != 1 ||
	    n != CERT_SHA256_SIZE)
		return;
	cert_fingerprint_text(md, out);
}

int
cert_use(struct ssl_ctx_st *s, const char *cert, const char *key,
    char *fingerprint, char *err, size_t errsize)
{
	EVP_PKEY *pkey;
	const char *why;
	int ok;

	if (SSL_CTX_use_certificate_chain_file(s, cert) != 1) {
		cert_set_error(err, errsize, "cannot load the certificate",
		    cert);
		return -1;
	}
	if ((pkey = read_private_key(key, &why)) == NULL) {
		key_error(err, errsize, key, why);
		return -1;
	}
	ok = SSL_CTX_use_PrivateKey(s, pkey);
	EVP_PKEY_free(pkey);   /* the context keeps its own reference */
	if (ok != 1) {
		cert_set_error(err, errsize, "cannot load the key", key);
		return -1;
	}
	if (SSL_CTX_check_private_key(s) != 1) {
		cert_set_error(err, errsize,
		    "the key does not match the certificate", key);
		return -1;
	}
	if (fingerprint != NULL)
		fingerprint_of(SSL_CTX_get0_certificate(s), fingerprint);
	return 0;
}
/* --- checking a host's certificate ------------------------------------ */

/* Who made a certificate decides what fixes it. */
enum cert_kind {
	KIND_GENERATED,     /* kizuna (its mark) */
	KIND_SELF_SIGNED,   /* someone else, signed by its own key */
	KIND_ISSUED,        /* a certificate authority */
};

enum cert_problem {
	PROBLEM_NAMES,      /* a name it does not cover */
	PROBLEM_EXPIRED,
	PROBLEM_NOT_YET,    /* not valid yet */
	PROBLEM_KEY,        /* the key is not its key */
	PROBLEM_EXPIRING,   /* only a warning: it expires soon */
};

/* What to do about problem, for a certificate of this kind; all: names. */
static void
remedy(char *out, size_t size, enum cert_problem problem,
    enum cert_kind kind, const char *all)
{
	static const char again[] = "readers will be asked to trust it again";
	const char *when = problem == PROBLEM_EXPIRING ? " before then" : "";

	switch (kind) {
	case KIND_GENERATED:
		snprintf(out, size, "delete both files%s and kizuna makes a "
		    "new one for %s; %s", when, all, again);
		return;
	case KIND_SELF_SIGNED:
		snprintf(out, size, "%smake a new self-signed certificate for "
		    "%s%s, or delete both files and kizuna makes one; %s",
		    problem == PROBLEM_KEY ? "put back the key it was made "
		    "with, or " : "", all, when, again);
		return;
	case KIND_ISSUED:
		break;
	}
	switch (problem) {
	case PROBLEM_NAMES:
		snprintf(out, size, "get a certificate that covers %s from "
		    "your certificate authority", all);
		return;
	case PROBLEM_EXPIRED:
	case PROBLEM_EXPIRING:
		snprintf(out, size, "renew it with your certificate "
		    "authority%s", when);
		return;
	case PROBLEM_NOT_YET:
		snprintf(out, size, "keep the certificate it replaces until "
		    "then");
		return;
	case PROBLEM_KEY:
		snprintf(out, size, "use the key it was issued for, or get a "
		    "certificate for this key");
		return;
	}
}

/*
 * A list of names being written to out: "a", "a, b and c", or "a, b and 3
 * more" when the rest would not fit (said, never silently cut).
 */
struct name_list {
	char *out;
	size_t size;
	size_t sep;    /* where the last ", " went (0: none yet) */
	size_t more;   /* names left out */
};

static void
list_init(struct name_list *l, char *out, size_t size)
{
	l->out = out;
	l->size = size;
	l->sep = 0;
	l->more = 0;
	out[0] = '\0';
}

static void
list_add(struct name_list *l, const char *name)
{
	size_t len = strlen(l->out), n = strlen(name) + (len > 0 ? 2 : 0);

	/* Room kept for " and N more" (or for ", " to become " and "). */
	if (l->more > 0 || len + n + sizeof(" and 99999 more") > l->size) {
		l->more++;
		return;
	}
	if (len > 0)
		l->sep = len;
	snprintf(l->out + len, l->size - len, "%s%s", len > 0 ? ", " : "",
	    name);
}

static void
list_end(struct name_list *l)
{
	size_t len = strlen(l->out);

	if (l->more > 0)
		snprintf(l->out + len, l->size - len, " and %zu more", l->more);
	else if (l->sep > 0) {
		/* The last ", " becomes " and ". */
		memmove(l->out + l->sep + 5, l->out + l->sep + 2,
		    len - l->sep - 1);
		memcpy(l->out + l->sep, " and ", 5);
	}
}

/* The host's name and its aliases, as a list. */
static void
names_text(const struct cert_names *names, char *out, size_t size)
{
	struct name_list l;
	size_t i;

	list_init(&l, out, size);
	list_add(&l, names->host);
	for (i = 0; i < names->naliases; i++)
		list_add(&l, names->aliases[i]);
	list_end(&l);
}

/* The names x is for: its DNS and IP subjectAltName entries, else its CN. */
static void
subject_text(X509 *x, char *out, size_t size)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	const GENERAL_NAME *gen;
	struct name_list l;
	char name[256];
	const unsigned char *data;
	int i, len;

	list_init(&l, out, size);
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		gen = sk_GENERAL_NAME_value(gens, i);
		if (gen->type != GEN_DNS && gen->type != GEN_IPADD)
			continue;
		data = ASN1_STRING_get0_data(gen->d.ia5);
		len = ASN1_STRING_length(gen->d.ia5);
		if (gen->type == GEN_DNS)
			snprintf(name, sizeof(name), "%.*s", len, data);
		else if (len != 4 && len != 16)
			continue;
		else if (inet_ntop(len == 4 ? AF_INET : AF_INET6, data, name,
		    sizeof(name)) == NULL)
			continue;
		list_add(&l, name);
	}
	GENERAL_NAMES_free(gens);
	list_end(&l);
	if (out[0] == '\0' && X509_NAME_get_text_by_NID(
	    X509_get_subject_name(x), NID_commonName, out, (int)size) < 0)
		snprintf(out, size, "no name");
}

/*
 * Whether x covers name as a client checks it: subjectAltName, else the
 * CN; an IP literal only by an IP entry; a wildcard for one whole label.
 */
static int
covers(X509 *x, const char *name)
{
	unsigned char ip[16];

	if (cert_ip_literal(name, ip) > 0)
		return X509_check_ip_asc(x, name, 0) == 1;
	return X509_check_host(x, name, 0,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
}

/* The names x does not cover, as a list; "" when it covers them all. */
static void
uncovered_text(X509 *x, const struct cert_names *names, char *out,
    size_t size)
{
	struct name_list l;
	size_t i;

	list_init(&l, out, size);
	if (!covers(x, names->host))
		list_add(&l, names->host);
	for (i = 0; i < names->naliases; i++)
		if (!covers(x, names->aliases[i]))
			list_add(&l, names->aliases[i]);
	list_end(&l);
}

/* A certificate's time as time_t, or -1. */
static time_t
time_of(const ASN1_TIME *t)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return (time_t)-1;
	return timegm(&tm);
}

/* YYYY-MM-DD (UTC). */
static void
date_text(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d", &tm) == 0)
		snprintf(out, size, "?");
}

static int
is_generated(X509 *x)
{
	ASN1_IA5STRING *comment;
	int marked;

	comment = X509_get_ext_d2i(x, NID_netscape_comment, NULL, NULL);
	marked = comment != NULL &&
	    ASN1_STRING_length(comment) == (int)strlen(CERT_GENERATED_MARK) &&
	    memcmp(ASN1_STRING_get0_data(comment), CERT_GENERATED_MARK,
	    strlen(CERT_GENERATED_MARK)) == 0;
	ASN1_IA5STRING_free(comment);
	return marked;
}

/*
 * The certificates in the file at path, the host's first, as OpenSSL's
 * chain loader reads them (other blocks, such as a key, are skipped).
 * NULL with the reason in OpenSSL's queue or errno.
 */
static STACK_OF(X509) *
read_chain(const char *path)
{
	STACK_OF(X509) *chain = NULL;
	BIO *in;
	X509 *x;
	unsigned long e;

	if ((in = BIO_new_file(path, "r")) == NULL ||
	    (chain = sk_X509_new_null()) == NULL)
		goto fail;
	while ((x = sk_X509_num(chain) == 0 ?
	    PEM_read_bio_X509_AUX(in, NULL, NULL, NULL) :
	    PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL)
		if (sk_X509_push(chain, x) == 0) {
			X509_free(x);
			goto fail;
		}
	/* The end of the file, after at least one certificate. */
	e = ERR_peek_last_error();
	if (sk_X509_num(chain) > 0 && ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
		ERR_clear_error();
		BIO_free(in);
		return chain;
	}
fail:
	sk_X509_pop_free(chain, X509_free);
	BIO_free(in);
	return NULL;
}

/* Fills err with host "NAME": and the rest, as printf formats it. */
static void __attribute__((format(printf, 4, 5)))
host_error(char *err, size_t errsize, const struct cert_names *names,
    const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errsize, "host \"%s\": ", names->host);

	if (n < 0 || (size_t)n >= errsize)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
	va_end(ap);
}

/*
 * Each certificate in the chain must be issued by the next one (its name
 * and signature), as clients expect the file to be ordered. Returns 0, or
 * -1 with err set.
 */
static int
check_chain(STACK_OF(X509) *chain, const char *cert,
    const struct cert_names *names, char *err, size_t errsize)
{
	char subject[300], issuer[300];
	X509 *s, *i;
	int k;

	for (k = 0; k + 1 < sk_X509_num(chain); k++) {
		s = sk_X509_value(chain, k);
		i = sk_X509_value(chain, k + 1);
		if (X509_check_issued(i, s) == X509_V_OK &&
		    X509_verify(s, X509_get0_pubkey(i)) == 1)
			continue;
		subject_text(s, subject, sizeof(subject));
		subject_text(i, issuer, sizeof(issuer));
		host_error(err, errsize, names, "%s: certificate %d in it "
		    "(%s) did not issue certificate %d (%s): put the host's "
		    "certificate first, then each issuer after the "
		    "certificate it issued", cert, k + 2, issuer, k + 1,
		    subject);
		return -1;
	}
	return 0;
}

/*
 * Each check of cert_check after the chain, on the host's certificate x.
 * Returns 0 (st->warning perhaps set), or -1 with err set.
 */
static int
check_host_certificate(X509 *x, const char *cert, const char *key,
    const struct cert_names *names, time_t now, struct cert_status *st,
    char *err, size_t errsize)
{
	char all[400], have[400], missing[400], fix[600], date[16];
	enum cert_kind kind;
	time_t not_before = time_of(X509_get0_notBefore(x));
	EVP_PKEY *pkey;
	const char *why;
	int ok;

	kind = st->generated ? KIND_GENERATED :
	    st->self_signed ? KIND_SELF_SIGNED : KIND_ISSUED;
	names_text(names, all, sizeof(all));
	uncovered_text(x, names, missing, sizeof(missing));
	if (missing[0] != '\0') {
		subject_text(x, have, sizeof(have));
		remedy(fix, sizeof(fix), PROBLEM_NAMES, kind, all);
		host_error(err, errsize, names, "%s is for %s, not %s: %s",
		    cert, have, missing, fix);
		return -1;
	}
	if (not_before == (time_t)-1 || st->not_after == (time_t)-1) {
		host_error(err, errsize, names, "%s: cannot read its dates",
		    cert);
		return -1;
	}
	if (now < not_before) {
		date_text(not_before, date, sizeof(date));
		remedy(fix, sizeof(fix), PROBLEM_NOT_YET, kind, all);
		host_error(err, errsize, names, "%s is not valid until %s (is "
		    "the system clock right?): %s", cert, date, fix);
		return -1;
	}
	date_text(st->not_after, date, sizeof(date));
	if (now > st->not_after) {
		remedy(fix, sizeof(fix), PROBLEM_EXPIRED, kind, all);
		host_error(err, errsize, names, "%s expired on %s: %s", cert,
		    date, fix);
		return -1;
	}
	if (key != NULL) {
		if ((pkey = read_private_key(key, &why)) == NULL) {
			key_error(fix, sizeof(fix), key, why);
			host_error(err, errsize, names, "%s", fix);
			return -1;
		}
		ok = X509_check_private_key(x, pkey);
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		if (ok != 1) {
			remedy(fix, sizeof(fix), PROBLEM_KEY, kind, all);
			host_error(err, errsize, names, "%s is not the key of "
			    "%s: %s", key, cert, fix);
			return -1;
		}
	}
	if (st->not_after - now < (time_t)CERT_WARN_DAYS * 86400) {
		remedy(fix, sizeof(fix), PROBLEM_EXPIRING, kind, all);
		host_error(st->warning, sizeof(st->warning), names, "%s "
		    "expires on %s, in %lld day%s: %s", cert, date,
		    (long long)((st->not_after - now) / 86400),
		    (st->not_after - now) / 86400 == 1 ? "" : "s", fix);
	}
	return 0;
}

int
cert_check(const char *cert, const char *key, const struct cert_names *names,
    time_t now, struct cert_status *st, char *err, size_t errsize)
{
	STACK_OF(X509) *chain;
	X509 *x;
	char why[512];
	int rc;

	memset(st, 0, sizeof(*st));
	ERR_clear_error();
	errno = 0;
	if ((chain = read_chain(cert)) == NULL) {
		cert_set_error(why, sizeof(why), "cannot read the certificate",
		    cert);
		host_error(err, errsize, names, "%s", why);
		return -1;
	}
	x = sk_X509_value(chain, 0);
	st->generated = is_generated(x);
	st->self_signed = X509_self_signed(x, 0) == 1;
	st->not_after = time_of(X509_get0_notAfter(x));
	fingerprint_of(x, st->fingerprint);
	rc = check_chain(chain, cert, names, err, errsize);
	if (rc == 0)
		rc = check_host_certificate(x, cert, key, names, now, st, err,
		    errsize);
	sk_X509_pop_free(chain, X509_free);
	ERR_clear_error();
	return rc;
}
