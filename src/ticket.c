/*
 * ticket.c - session ticket keys behind ticket.h, and OpenSSL's ticket key
 * callback that uses them.
 *
 * OpenSSL's own ticket code fetches AES-256-CBC by name for every ticket
 * it seals or opens (a lookup of about 150k instructions), and keeps one
 * key per context, which a reload replaces. Here the cipher is fetched
 * once, and the keys live as long as the process.
 */
#define _GNU_SOURCE
#include "ticket.h"
#include "ticket_keys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

/* The largest key file read: eight keys, and room for comments. */
#define FILE_MAX 16384

struct ticket_file {
	struct ticket_key keys[TICKET_MAX_KEYS];
	int nkeys;
	char path[PATH_MAX];   /* for the log */
};

/*
 * The process's keys. A global, as the keys are the process's and not a
 * context's (OpenSSL's callback has no argument of ours); the lock is
 * taken for the time a key is copied out, or replaced, never for the
 * cryptography. Invariant: keys[0] seals; with from_file == 0, nkeys <= 2,
 * made[0] is within an interval of the last look (rotated lazily, by
 * whoever looks) and keys[1], when there, is the key before it.
 */
static struct {
	pthread_mutex_t lock;
	struct ticket_key keys[TICKET_MAX_KEYS];
	long long made[TICKET_MAX_KEYS];   /* kizuna's own keys: when */
	int nkeys;                         /* 0: none made yet */
	int from_file;
} held = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Fetched once, on the first context (before any confinement). */
static EVP_CIPHER *cipher;
static pthread_once_t cipher_once = PTHREAD_ONCE_INIT;

static void
cipher_fetch(void)
{
	cipher = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
}

static long long
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

/*
 * Kizuna's own keys at now, under the lock: a new one when the current
 * one has sealed for an interval (or there is none), the one before it
 * kept only while it opens tickets. Returns 0, or -1 when no random key
 * could be made.
 */
static int
rotate(long long now)
{
	struct ticket_key fresh;

	if (held.from_file)
		return 0;
	if (held.nkeys == 0 || ticket_key_age(held.made[0], now,
	    TICKET_ROTATION_SECONDS) != TICKET_SEALS) {
		if (RAND_bytes((unsigned char *)&fresh, sizeof(fresh)) != 1)
			return -1;
		if (held.nkeys > 0) {
			held.keys[1] = held.keys[0];
			held.made[1] = held.made[0];
		}
		held.keys[0] = fresh;
		held.made[0] = now;
		held.nkeys = held.nkeys > 0 ? 2 : 1;
		OPENSSL_cleanse(&fresh, sizeof(fresh));
	}
	if (held.nkeys == 2 && ticket_key_age(held.made[1], now,
	    TICKET_ROTATION_SECONDS) == TICKET_EXPIRED) {
		OPENSSL_cleanse(&held.keys[1], sizeof(held.keys[1]));
		held.nkeys = 1;
	}
	return 0;
}

/* Copies the sealing key to *out. Returns 0 or -1. */
static int
sealing_key(struct ticket_key *out)
{
	int rc;

	pthread_mutex_lock(&held.lock);
	if ((rc = rotate(monotonic_seconds())) == 0)
		*out = held.keys[0];
	pthread_mutex_unlock(&held.lock);
	return rc;
}

/*
 * Copies the key named name to *out. Returns 1 for the sealing key, 2 for
 * an older one still accepted (the ticket is then renewed), 0 when none
 * has that name, -1 on error.
 */
static int
opening_key(const unsigned char *name, struct ticket_key *out)
{
	int i, rc = 0;

	pthread_mutex_lock(&held.lock);
	if (rotate(monotonic_seconds()) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < held.nkeys; i++)
		if (CRYPTO_memcmp(held.keys[i].name, name,
		    TICKET_NAME_SIZE) == 0) {
			*out = held.keys[i];
			rc = i == 0 ? 1 : 2;
		}
	pthread_mutex_unlock(&held.lock);
	return rc;
}

/*
 * OpenSSL's ticket key callback (SSL_CTX_set_tlsext_ticket_key_evp_cb):
 * sets up cctx and hctx to seal (enc) or open a ticket. Sealing writes
 * the key's name and a random IV and returns 1; opening finds the key by
 * name and returns 1, 2 (OpenSSL then sends a new ticket), or 0 (no such
 * key: a full handshake). -1 is an error. ticket_check (tls.c) judges the
 * session afterwards.
 * A new ticket follows every TLS 1.3 resumption, as OpenSSL's own ticket
 * code does (it renews every TLS 1.3 ticket it opens): clients that use a
 * ticket once (RFC 8446 C.4; rustls, loadgen -s) would otherwise resume
 * only every other connection. TLS 1.2 renews a ticket of an older key
 * only.
 */
static int
ticket_key_cb(SSL *ssl, unsigned char key_name[16], unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	struct ticket_key key;
	OSSL_PARAM params[3];
	char digest[] = "SHA256";
	int rc, ok;

	if (cipher == NULL)
		return -1;
	if (enc) {
		if (sealing_key(&key) == -1)
			return -1;
		rc = 1;
		memcpy(key_name, key.name, TICKET_NAME_SIZE);
		ok = RAND_bytes(iv, EVP_CIPHER_get_iv_length(cipher)) == 1 &&
		    EVP_EncryptInit_ex2(cctx, cipher, key.aes, iv, NULL) == 1;
	} else {
		if ((rc = opening_key(key_name, &key)) <= 0)
			return rc;
		if (SSL_version(ssl) >= TLS1_3_VERSION)
			rc = 2;
		ok = EVP_DecryptInit_ex2(cctx, cipher, key.aes, iv, NULL) == 1;
	}
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY,
	    key.hmac, sizeof(key.hmac));
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[2] = OSSL_PARAM_construct_end();
	ok = ok && EVP_MAC_CTX_set_params(hctx, params) == 1;
	OPENSSL_cleanse(&key, sizeof(key));
	return ok ? rc : -1;
}

int
ticket_ctx_setup(SSL_CTX *ssl_ctx)
{
	pthread_once(&cipher_once, cipher_fetch);
	if (cipher == NULL)
		return -1;
	if (SSL_CTX_set_tlsext_ticket_key_evp_cb(ssl_ctx, ticket_key_cb) != 1)
		return -1;
	/*
	 * A session lasts as long as its ticket's key opens it: OpenSSL
	 * then never refuses what a key accepts, and the lifetime hint it
	 * sends tells clients the same. With a file, it is what bounds a
	 * ticket's age (kizuna does not rotate the file's keys).
	 */
	SSL_CTX_set_timeout(ssl_ctx, 2L * TICKET_ROTATION_SECONDS);
	return 0;
}

/* Reads the whole of fd (at most FILE_MAX bytes) into buf. Returns the
 * length, or -1 with errno set (EFBIG when larger). */
static ssize_t
read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		if (len == size) {
			errno = EFBIG;
			return -1;
		}
		n = read(fd, buf + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
	}
}

struct ticket_file *
ticket_file_read(const char *path, char *err, size_t errsize)
{
	struct ticket_file *f;
	struct stat sb;
	char *text, why[256];
	ssize_t len;
	int fd, line, e, exposed;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		/* A reload runs as the service user, confined to the folders
		 * known at start (Landlock): either may be why. */
		snprintf(err, errsize, "%s: %s%s", path, strerror(errno),
		    errno == EACCES ? " (a reload reads it as the user kizuna "
		    "serves as, and only in folders it read at start: a new "
		    "folder needs a restart)" : "");
		return NULL;
	}
	exposed = fstat(fd, &sb) == 0 &&
	    (sb.st_mode & (S_IRGRP | S_IROTH)) != 0;
	/* One byte over, so that a file too big is told from one that fits. */
	if ((text = malloc(FILE_MAX + 1)) == NULL ||
	    (f = calloc(1, sizeof(*f))) == NULL) {
		free(text);
		close(fd);
		snprintf(err, errsize, "%s: out of memory", path);
		return NULL;
	}
	len = read_all(fd, text, FILE_MAX + 1);
	e = errno;
	close(fd);
	if (len == -1) {
		snprintf(err, errsize, "%s: %s", path, e == EFBIG ?
		    "over 16 KiB: not a ticket key file" : strerror(e));
		f->nkeys = -1;
	} else if ((f->nkeys = ticket_keys_parse(text, (size_t)len, f->keys,
	    TICKET_MAX_KEYS, &line, why, sizeof(why))) == -1) {
		if (line > 0)
			snprintf(err, errsize, "%s:%d: %s", path, line, why);
		else
			snprintf(err, errsize, "%s: %s", path, why);
	}
	OPENSSL_cleanse(text, FILE_MAX + 1);
	free(text);
	if (f->nkeys == -1) {
		ticket_file_free(f);
		return NULL;
	}
	if (exposed)
		log_warn("%s: readable by group or others (mode %03o): whoever "
		    "reads it can open every session's ticket; chmod 600 it "
		    "(owned by the user kizuna serves as)", path,
		    (unsigned)(sb.st_mode & 0777));
	snprintf(f->path, sizeof(f->path), "%s", path);
	return f;
}

void
ticket_file_free(struct ticket_file *f)
{
	if (f == NULL)
		return;
	OPENSSL_cleanse(f, sizeof(*f));
	free(f);
}

void
ticket_use(struct ticket_file *f)
{
	pthread_mutex_lock(&held.lock);
	if (f == NULL && !held.from_file) {
		/* Kizuna's own keys, and they stay. */
		pthread_mutex_unlock(&held.lock);
		return;
	}
	OPENSSL_cleanse(held.keys, sizeof(held.keys));
	memset(held.made, 0, sizeof(held.made));
	held.nkeys = 0;
	held.from_file = 0;
	if (f != NULL) {
		memcpy(held.keys, f->keys, sizeof(held.keys));
		held.nkeys = f->nkeys;
		held.from_file = 1;
	}
	pthread_mutex_unlock(&held.lock);
	if (f != NULL)
		log_info("session tickets: %d key%s from %s, the first sealing "
		    "new tickets", f->nkeys, f->nkeys == 1 ? "" : "s", f->path);
	else
		log_info("session tickets: kizuna's own keys, a new one every "
		    "%d hours", TICKET_ROTATION_SECONDS / 3600);
	ticket_file_free(f);
}
