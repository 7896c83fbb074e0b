/*
 * cert_make.c - a new self-signed certificate and key for a host, each
 * file written once (cert_ensure in cert.h).
 */
#define _GNU_SOURCE
#include "cert.h"
#include "cert_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#define CERT_VALID_DAYS (365 * 30)

static int
file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* The owner of what cert_ensure creates: (uid_t)-1 keeps ours. */
struct owner {
	uid_t uid;
	gid_t gid;
};

/*
 * Creates the directories above path that are missing, as mkdir -p does
 * (certs/NAME/ for a host's default), each with mode 0700 and given to
 * owner. A failure is left for writing the file to report, with its errno.
 */
static void
mkdir_parents(const char *path, const struct owner *owner)
{
	char dir[PATH_MAX];
	char *p, *slash;

	if (strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	/* Each prefix ending before a '/', then the whole directory. */
	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		slash = p;
		if (*slash == '/')
			*slash = '\0';
		else
			slash = NULL;
		if (mkdir(dir, 0700) == 0) {
			if (owner->uid != (uid_t)-1 &&
			    chown(dir, owner->uid, owner->gid) == -1)
				return;
		} else if (errno != EEXIST)
			return;
		if (slash == NULL)
			return;
		*slash = '/';
	}
}

static int
add_extension(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* Adds name to gens: an IP address entry for a literal, else a DNS one. */
static int
add_general_name(GENERAL_NAMES *gens, const char *name)
{
	unsigned char ip[16];
	GENERAL_NAME *gen;
	ASN1_STRING *value;
	int iplen = cert_ip_literal(name, ip);

	if ((gen = GENERAL_NAME_new()) == NULL)
		return -1;
	value = iplen > 0 ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new();
	if (value == NULL || (iplen > 0 ? ASN1_STRING_set(value, ip, iplen) :
	    ASN1_STRING_set(value, name, -1)) != 1) {
		ASN1_STRING_free(value);
		GENERAL_NAME_free(gen);
		return -1;
	}
	GENERAL_NAME_set0_value(gen, iplen > 0 ? GEN_IPADD : GEN_DNS, value);
	if (sk_GENERAL_NAME_push(gens, gen) == 0) {
		GENERAL_NAME_free(gen);
		return -1;
	}
	return 0;
}

/*
 * subjectAltName: the host's name and each alias once, in that order.
 * Clients match the host against it, not against the CN. Built from
 * GENERAL_NAMEs, not from OpenSSL's "DNS:a,IP:b" text, which a name
 * holding a comma would break.
 */
static int
add_alt_names(X509 *x, const struct cert_names *names, int critical)
{
	GENERAL_NAMES *gens;
	size_t i, j;
	int ok = 0;

	if ((gens = GENERAL_NAMES_new()) == NULL ||
	    add_general_name(gens, names->host) == -1)
		goto out;
	for (i = 0; i < names->naliases; i++) {
		for (j = 0; j < i && strcmp(names->aliases[j],
		    names->aliases[i]) != 0; j++)
			;
		if (j < i || strcmp(names->aliases[i], names->host) == 0)
			continue;
		if (add_general_name(gens, names->aliases[i]) == -1)
			goto out;
	}
	ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, critical,
	    X509V3_ADD_DEFAULT);
out:
	GENERAL_NAMES_free(gens);
	return ok == 1 ? 0 : -1;
}

/* The longest CN (RFC 5280's ub-common-name). */
#define CN_MAX 64

static X509 *
make_certificate(EVP_PKEY *pkey, const struct cert_names *names)
{
	unsigned char serial[16];
	X509 *x;
	X509_NAME *name;
	BIGNUM *bn = NULL;
	int has_cn = strlen(names->host) <= CN_MAX;

	if ((x = X509_new()) == NULL)
		return NULL;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;   /* a positive serial number, as RFC 5280 asks */
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto fail;
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -24 * 3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), CERT_VALID_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(x, pkey) != 1)
		goto fail;
	/* A longer name than a CN may hold leaves the subject empty, and
	 * then RFC 5280 4.2.1.6 makes subjectAltName critical. */
	name = X509_get_subject_name(x);
	if ((has_cn && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)names->host, -1, -1, 0) != 1) ||
	    X509_set_issuer_name(x, name) != 1)
		goto fail;
	if (add_alt_names(x, names, !has_cn) == -1 ||
	    add_extension(x, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_extension(x, NID_key_usage, "critical,digitalSignature") == -1 ||
	    add_extension(x, NID_ext_key_usage, "serverAuth") == -1 ||
	    add_extension(x, NID_netscape_comment, CERT_GENERATED_MARK) == -1)
		goto fail;
	if (X509_sign(x, pkey, EVP_sha256()) == 0)
		goto fail;
	BN_free(bn);
	return x;
fail:
	BN_free(bn);
	X509_free(x);
	return NULL;
}

/*
 * Writes all of buf to fd, then to disk. Returns 0, or -1 with errno set.
 */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return fsync(fd);
}

/*
 * Writes PEM to a new file (O_EXCL: an existing file is never replaced).
 * The PEM is made in a memory BIO, not through stdio, so that no copy of a
 * private key is left in a buffer we do not wipe: OpenSSL clears a memory
 * BIO's buffer when it frees it.
 */
static int
write_pem(const char *path, mode_t mode, const struct owner *owner,
    EVP_PKEY *pkey, X509 *x)
{
	BIO *mem;
	BUF_MEM *pem;
	int fd, ok;

	if ((mem = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (pkey != NULL)
		ok = PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL,
		    NULL);
	else
		ok = PEM_write_bio_X509(mem, x);
	BIO_get_mem_ptr(mem, &pem);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		BIO_free(mem);
		return -1;
	}
	if (owner->uid != (uid_t)-1 && fchown(fd, owner->uid, owner->gid) == -1)
		ok = 0;
	if (!ok || write_all(fd, pem->data, pem->length) == -1)
		ok = 0;
	if (close(fd) == -1)
		ok = 0;
	OPENSSL_cleanse(pem->data, pem->length);
	BIO_free(mem);
	if (!ok) {
		unlink(path);
		return -1;
	}
	return 0;
}

int
cert_ensure(const char *cert, const char *key, const struct cert_names *names,
    uid_t uid, gid_t gid, char *err, size_t errsize)
{
	const struct owner owner = { uid, gid };
	int have_cert = file_exists(cert), have_key = file_exists(key);
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	int rc = -1;

	if (have_cert && have_key)
		return 0;
	if (have_cert != have_key) {
		snprintf(err, errsize,
		    "%s exists but %s does not: refusing to create a new key "
		    "over a half-present one (restore the missing file, or "
		    "remove both to generate a new certificate)",
		    have_cert ? cert : key, have_cert ? key : cert);
		return -1;
	}
	mkdir_parents(key, &owner);
	mkdir_parents(cert, &owner);
	errno = 0;
	if ((pkey = EVP_EC_gen("P-256")) == NULL) {
		cert_set_error(err, errsize, "cannot generate a P-256 key",
		    NULL);
		goto out;
	}
	if ((x = make_certificate(pkey, names)) == NULL) {
		cert_set_error(err, errsize, "cannot make a certificate", NULL);
		goto out;
	}
	/* The key first: a certificate without its key would block starts. */
	if (write_pem(key, 0600, &owner, pkey, NULL) == -1) {
		cert_set_error(err, errsize, "cannot write the key", key);
		goto out;
	}
	if (write_pem(cert, 0644, &owner, NULL, x) == -1) {
		cert_set_error(err, errsize, "cannot write the certificate",
		    cert);
		unlink(key);
		goto out;
	}
	rc = 1;
out:
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}
