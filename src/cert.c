/*
 * cert.c - certificates and keys, through OpenSSL 3 (see cert.h).
 */
#define _GNU_SOURCE
#include "cert.h"
#include "pem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define CERT_VALID_DAYS (365 * 30)

/* Fills err with msg and the reason OpenSSL queued, then clears the queue. */
static void
set_error(char *err, size_t errsize, const char *msg, const char *path)
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

static void
mkdir_parent(const char *path, const struct owner *owner)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path ||
	    (size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0700) == -1) {
		if (errno != EEXIST)
			return;
	} else if (owner->uid != (uid_t)-1 && chown(dir, owner->uid,
	    owner->gid) == -1)
		return;   /* then writing the key fails and says why */
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

static X509 *
make_certificate(EVP_PKEY *pkey, const char *hostname)
{
	unsigned char serial[16];
	unsigned char ip[16];
	char san[300];
	X509 *x;
	X509_NAME *name;
	BIGNUM *bn = NULL;

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
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)hostname, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto fail;
	/* Clients match the host against subjectAltName, not the CN. */
	if (inet_pton(AF_INET, hostname, ip) == 1 ||
	    inet_pton(AF_INET6, hostname, ip) == 1)
		snprintf(san, sizeof(san), "IP:%s", hostname);
	else
		snprintf(san, sizeof(san), "DNS:%s", hostname);
	if (add_extension(x, NID_subject_alt_name, san) == -1 ||
	    add_extension(x, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_extension(x, NID_key_usage, "critical,digitalSignature") == -1 ||
	    add_extension(x, NID_ext_key_usage, "serverAuth") == -1)
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

/* The most a key file may hold: a 16,384-bit RSA key in PEM is ~13 KB. */
#define KEY_FILE_MAX (64 * 1024)

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

int
cert_ensure(const char *cert, const char *key,
    const char *hostname, uid_t uid, gid_t gid, char *err, size_t errsize)
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
	errno = 0;
	mkdir_parent(key, &owner);
	mkdir_parent(cert, &owner);
	if ((pkey = EVP_EC_gen("P-256")) == NULL) {
		set_error(err, errsize, "cannot generate a P-256 key", NULL);
		goto out;
	}
	if ((x = make_certificate(pkey, hostname)) == NULL) {
		set_error(err, errsize, "cannot make a certificate", NULL);
		goto out;
	}
	/* The key first: a certificate without its key would block starts. */
	if (write_pem(key, 0600, &owner, pkey, NULL) == -1) {
		set_error(err, errsize, "cannot write the key", key);
		goto out;
	}
	if (write_pem(cert, 0644, &owner, NULL, x) == -1) {
		set_error(err, errsize, "cannot write the certificate", cert);
		unlink(key);
		goto out;
	}
	rc = 1;
out:
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}

static void
fingerprint_of(X509 *x, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) != 1)
		return;
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 3 * i, 4, i + 1 < n ? "%02X:" : "%02X", md[i]);
}

int
cert_use(struct ssl_ctx_st *s, const char *cert, const char *key,
    char *fingerprint, char *err, size_t errsize)
{
	EVP_PKEY *pkey;
	const char *why;
	int ok;

	if (SSL_CTX_use_certificate_chain_file(s, cert) != 1) {
		set_error(err, errsize, "cannot load the certificate", cert);
		return -1;
	}
	if ((pkey = read_private_key(key, &why)) == NULL) {
		if (why != NULL)
			snprintf(err, errsize, "%s: cannot load the key: %s",
			    key, why);
		else
			set_error(err, errsize, "cannot load the key", key);
		return -1;
	}
	ok = SSL_CTX_use_PrivateKey(s, pkey);
	EVP_PKEY_free(pkey);   /* the context keeps its own reference */
	if (ok != 1) {
		set_error(err, errsize, "cannot load the key", key);
		return -1;
	}
	if (SSL_CTX_check_private_key(s) != 1) {
		set_error(err, errsize, "the key does not match the certificate",
		    key);
		return -1;
	}
	if (fingerprint != NULL)
		fingerprint_of(SSL_CTX_get0_certificate(s), fingerprint);
	return 0;
}
