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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

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
		cert_set_error(err, errsize, "cannot load the certificate", cert);
		return -1;
	}
	if ((pkey = read_private_key(key, &why)) == NULL) {
		if (why != NULL)
			snprintf(err, errsize, "%s: cannot load the key: %s",
			    key, why);
		else
			cert_set_error(err, errsize, "cannot load the key", key);
		return -1;
	}
	ok = SSL_CTX_use_PrivateKey(s, pkey);
	EVP_PKEY_free(pkey);   /* the context keeps its own reference */
	if (ok != 1) {
		cert_set_error(err, errsize, "cannot load the key", key);
		return -1;
	}
	if (SSL_CTX_check_private_key(s) != 1) {
		cert_set_error(err, errsize, "the key does not match the certificate",
		    key);
		return -1;
	}
	if (fingerprint != NULL)
		fingerprint_of(SSL_CTX_get0_certificate(s), fingerprint);
	return 0;
}
