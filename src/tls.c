/*
 * tls.c - OpenSSL 3 behind tls.h.
 */
#define _GNU_SOURCE
#include "tls.h"
#include "pem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

struct tls_ctx {
	SSL_CTX *ssl_ctx;
};

/*
 * The stream's first bytes: a TLS record header (type, version, length)
 * and the first handshake message's header (type, 24-bit length), which
 * hello_read checks before OpenSSL has read the message's body.
 */
#define HELLO_HEAD_SIZE 9
#define STRINGIFY(x) #x
#define TEXT_OF(x) STRINGIFY(x)
#define HELLO_MAX_TEXT TEXT_OF(TLS_HELLO_MAX)

struct tls_conn {
	SSL *ssl;
	int fatal;           /* a fatal error happened: no close_notify */
	int shutdown_sent;
	const char *error;   /* static reason of the last TLS_ERROR */
	unsigned char head[HELLO_HEAD_SIZE];
	size_t head_len;
	int hello_refused;   /* the first message was over TLS_HELLO_MAX */
};

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

/* The owner of what tls_ensure_certificate creates: (uid_t)-1 keeps ours. */
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
 * Reads the private key at path into ctx, leaving no copy of it behind:
 * the file is read into our own buffers (not stdio's), decoded there, and
 * every buffer is wiped. From then on the only copy is the one the context
 * holds, which it needs to sign handshakes.
 */
static int
use_private_key(SSL_CTX *s, const char *path)
{
	unsigned char *buf = NULL;
	const unsigned char *p;
	EVP_PKEY *pkey = NULL;
	struct stat sb;
	size_t len = 0, size = 0;
	ssize_t n;
	const char *why;
	long derlen;
	int fd, ok = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return 0;
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
	derlen = pem_key_to_der((const char *)buf, len, buf + size, size,
	    &why);
	if (derlen <= 0) {
		ERR_raise_data(ERR_LIB_PEM, PEM_R_NO_START_LINE, "%s", why);
		goto out;
	}
	p = buf + size;
	if ((pkey = d2i_AutoPrivateKey(NULL, &p, derlen)) != NULL)
		ok = SSL_CTX_use_PrivateKey(s, pkey);
out:
	EVP_PKEY_free(pkey);   /* the context keeps its own reference */
	if (buf != NULL) {
		OPENSSL_cleanse(buf, 2 * size);
		free(buf);
	}
	close(fd);
	return ok;
}

int
tls_ensure_certificate(const char *cert, const char *key,
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

struct tls_ctx *
tls_ctx_new(const char *cert, const char *key, char *fingerprint, char *err,
    size_t errsize)
{
	static const unsigned char session_id[] = "kizuna";
	struct tls_ctx *ctx;
	SSL_CTX *s;

	ERR_clear_error();
	errno = 0;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if ((s = SSL_CTX_new(TLS_server_method())) == NULL) {
		set_error(err, errsize, "cannot create a TLS context", NULL);
		free(ctx);
		return NULL;
	}
	ctx->ssl_ctx = s;
	if (SSL_CTX_use_certificate_chain_file(s, cert) != 1) {
		set_error(err, errsize, "cannot load the certificate", cert);
		goto fail;
	}
	if (use_private_key(s, key) != 1) {
		set_error(err, errsize, "cannot load the key", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(s) != 1) {
		set_error(err, errsize, "the key does not match the certificate",
		    key);
		goto fail;
	}
	SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION);
	/* X25519 first: the cheapest key exchange every client offers. */
	if (SSL_CTX_set1_groups_list(s, "X25519:P-256:X448:P-384:P-521") != 1) {
		set_error(err, errsize, "cannot set key exchange groups", NULL);
		goto fail;
	}
	/*
	 * AES-128-GCM with SHA-256 first: as strong as a Gemini capsule
	 * needs, and its SHA-256 key schedule and transcript cost less per
	 * handshake than SHA-384's (OpenSSL's default puts AES-256 first).
	 */
	if (SSL_CTX_set_ciphersuites(s, "TLS_AES_128_GCM_SHA256:"
	    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384") != 1 ||
	    SSL_CTX_set_cipher_list(s, "ECDHE-ECDSA-AES128-GCM-SHA256:"
	    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"
	    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:"
	    "ECDHE-RSA-AES256-GCM-SHA384") != 1) {
		set_error(err, errsize, "cannot set cipher suites", NULL);
		goto fail;
	}
	SSL_CTX_set_options(s, SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	/*
	 * Partial writes let one record go out at a time on a non-blocking
	 * socket; a moving buffer is allowed because the retry comes from the
	 * connection's own buffer. Idle connections give their buffers back.
	 */
	SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_NO_AUTO_CHAIN);
	/*
	 * Resumption (Lagrange resumes by default): stateless tickets, whose
	 * key OpenSSL generates per context. One per connection is enough,
	 * since every Gemini request is a new one. It goes out right after the
	 * handshake, and that matters for latency too: it acknowledges the
	 * client's Finished at once, where silence would leave a client that
	 * uses Nagle's algorithm holding its request back for a delayed ACK
	 * (about 40 ms).
	 */
	SSL_CTX_set_session_id_context(s, session_id, sizeof(session_id) - 1);
	SSL_CTX_set_num_tickets(s, 1);
	/*
	 * Tickets carry the whole session, so the server-side cache is never
	 * needed: without it no session is stored per handshake, and no lock
	 * is taken nor cache swept every 255 connections.
	 */
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
	if (fingerprint != NULL)
		fingerprint_of(SSL_CTX_get0_certificate(s), fingerprint);
	return ctx;
fail:
	tls_ctx_free(ctx);
	return NULL;
}

struct tls_ctx *
tls_ctx_share(struct tls_ctx *ctx)
{
	struct tls_ctx *copy;

	if ((copy = calloc(1, sizeof(*copy))) == NULL)
		return NULL;
	if (SSL_CTX_up_ref(ctx->ssl_ctx) != 1) {
		free(copy);
		return NULL;
	}
	copy->ssl_ctx = ctx->ssl_ctx;
	return copy;
}

void
tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	free(ctx);
}

/*
 * 1 when head (HELLO_HEAD_SIZE bytes) starts a handshake whose first
 * message is not one kizuna will buffer: over TLS_HELLO_MAX, or with its
 * header split across records (RFC 8446 5.1 allows it, no client does it,
 * and it would hide the length). OpenSSL itself allows a ClientHello of
 * 128 KiB and sizes its buffer from the header as soon as it has read it,
 * so a client could hold that much per connection by sending it slowly.
 * Anything that is not a handshake record is left to OpenSSL to refuse.
 */
static int
hello_too_big(const unsigned char *head)
{
	unsigned record_len = (unsigned)head[3] << 8 | head[4];
	unsigned long msg_len;

	if (head[0] != 22)   /* not a handshake record */
		return 0;
	if (record_len < 4)
		return 1;
	msg_len = (unsigned long)head[6] << 16 | (unsigned long)head[7] << 8 |
	    head[8];
	return msg_len > TLS_HELLO_MAX;
}

/*
 * A filter between OpenSSL and the socket: reads pass through, their first
 * HELLO_HEAD_SIZE bytes copied aside; once those are in, a first message
 * over the limit fails the read before OpenSSL sees any of its body.
 * OpenSSL reads a record's 5-byte header, then its body, so the check
 * comes with the body's first bytes. Writes and controls pass through.
 */
static int
hello_read(BIO *b, char *out, int outl)
{
	struct tls_conn *c = BIO_get_data(b);
	size_t take;
	int n;

	if (c->hello_refused)
		return -1;
	n = BIO_read(BIO_next(b), out, outl);
	BIO_clear_retry_flags(b);
	BIO_copy_next_retry(b);
	if (n <= 0 || c->head_len == sizeof(c->head))
		return n;
	take = sizeof(c->head) - c->head_len;
	if (take > (size_t)n)
		take = (size_t)n;
	memcpy(c->head + c->head_len, out, take);
	c->head_len += take;
	if (c->head_len == sizeof(c->head) && hello_too_big(c->head)) {
		c->hello_refused = 1;
		return -1;
	}
	return n;
}

static int
hello_write(BIO *b, const char *in, int inl)
{
	int n = BIO_write(BIO_next(b), in, inl);

	BIO_clear_retry_flags(b);
	BIO_copy_next_retry(b);
	return n;
}

static long
hello_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	return BIO_ctrl(BIO_next(b), cmd, num, ptr);
}

static int
hello_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* One method for every connection, made once and kept until exit. */
static BIO_METHOD *hello_method;
static pthread_once_t hello_once = PTHREAD_ONCE_INIT;

static void
hello_method_init(void)
{
	BIO_METHOD *m;
	int type = BIO_get_new_index();

	if (type == -1 || (m = BIO_meth_new(type | BIO_TYPE_FILTER,
	    "kizuna ClientHello limit")) == NULL)
		return;
	if (BIO_meth_set_read(m, hello_read) != 1 ||
	    BIO_meth_set_write(m, hello_write) != 1 ||
	    BIO_meth_set_ctrl(m, hello_ctrl) != 1 ||
	    BIO_meth_set_create(m, hello_create) != 1) {
		BIO_meth_free(m);
		return;
	}
	hello_method = m;
}

struct tls_conn *
tls_conn_new(struct tls_ctx *ctx, int fd)
{
	struct tls_conn *c;
	BIO *sock = NULL, *filter = NULL;

	pthread_once(&hello_once, hello_method_init);
	if (hello_method == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->ssl = SSL_new(ctx->ssl_ctx)) == NULL ||
	    (sock = BIO_new_socket(fd, BIO_NOCLOSE)) == NULL ||
	    (filter = BIO_new(hello_method)) == NULL) {
		BIO_free(sock);
		SSL_free(c->ssl);
		free(c);
		ERR_clear_error();
		return NULL;
	}
	BIO_set_data(filter, c);
	BIO_push(filter, sock);
	/* The SSL owns the chain from here (one reference, both ways). */
	SSL_set_bio(c->ssl, filter, filter);
	SSL_set_accept_state(c->ssl);
	return c;
}

void
tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	free(c);
}

/* Translates one SSL_* return value; the queue is left empty. */
static enum tls_result
result_of(struct tls_conn *c, int ret)
{
	unsigned long e;

	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_CLOSED;
	case SSL_ERROR_SYSCALL:
		c->fatal = 1;
		c->error = errno != 0 ? "connection reset or closed" :
		    "connection closed";
		ERR_clear_error();
		return TLS_ERROR;
	default:
		c->fatal = 1;
		e = ERR_peek_last_error();
		c->error = e != 0 && ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "TLS error";
		ERR_clear_error();
		return TLS_ERROR;
	}
}

enum tls_result
tls_handshake(struct tls_conn *c)
{
	enum tls_result r;
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_do_handshake(c->ssl);
	if (ret == 1)
		return TLS_OK;
	r = result_of(c, ret);
	if (c->hello_refused)
		c->error = "ClientHello over " HELLO_MAX_TEXT " bytes, or its "
		    "header split: refused before it was read";
	return r;
}

enum tls_result
tls_read(struct tls_conn *c, void *buf, size_t len, size_t *nread)
{
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_read_ex(c->ssl, buf, len, nread);
	return ret == 1 ? TLS_OK : result_of(c, ret);
}

enum tls_result
tls_write(struct tls_conn *c, const void *buf, size_t len, size_t *nwritten)
{
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_write_ex(c->ssl, buf, len, nwritten);
	return ret == 1 ? TLS_OK : result_of(c, ret);
}

enum tls_result
tls_shutdown(struct tls_conn *c)
{
	int ret;

	if (c->fatal)
		return TLS_ERROR;
	if (c->shutdown_sent)
		return TLS_OK;
	ERR_clear_error();
	errno = 0;
	/* 0 means our close_notify went out; we do not wait for the peer's. */
	ret = SSL_shutdown(c->ssl);
	if (ret >= 0) {
		c->shutdown_sent = 1;
		return TLS_OK;
	}
	return result_of(c, ret);
}

int
tls_conn_established(const struct tls_conn *c)
{
	return SSL_is_init_finished(c->ssl) ? 1 : 0;
}

const char *
tls_conn_version(const struct tls_conn *c)
{
	return SSL_get_version(c->ssl);
}

const char *
tls_conn_error(const struct tls_conn *c)
{
	return c->error != NULL ? c->error : "TLS error";
}
