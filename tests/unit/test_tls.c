/*
 * test_tls.c - tls.c's virtual hosts: the certificate a client sees is
 * the one the connection's selector picked from the name it sent, and a
 * session made for one host is never resumed on another. And client
 * certificates: asked for only by a context told to (whichever context
 * the selector switches from or to), any accepted, and what the server
 * learns of them, on resumed sessions too.
 *
 * Three hosts, each with a certificate cert_ensure makes in a temporary
 * folder and a context of its own (C's asks for client certificates),
 * and a second handle on A's context that asks. The server is tls.c on
 * one end of a socket pair; the client is OpenSSL on the other, both
 * non-blocking, driven in turn. The client's identities (certificates
 * and keys) are made here with OpenSSL. Table-driven: what the client
 * sends (name, version, identity, a session from an earlier handshake),
 * what the selector saw, whose certificate came back, whether the client
 * was asked for its own, and what the server made of it.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cert.h"
#include "tls.h"

/* --- the hosts ----------------------------------------------------- */

/*
 * A and B do not ask for client certificates, C does. A_ASKS is A's
 * context (certificate, ticket keys, session context) under a second
 * handle that asks, as a reload that adds such a location keeps A's.
 */
enum host { HOST_A, HOST_B, HOST_C, HOST_A_ASKS, NHOSTS };

static const char *const host_names[NHOSTS] = { "a.example", "b.example",
    "c.example", "asks.a.example" };
static struct tls_ctx *ctxs[NHOSTS];
static char fingerprints[NHOSTS][TLS_FINGERPRINT_SIZE];
static char tmp[PATH_MAX];

/* --- the client's identities ----------------------------------------- */

enum identity { NOBODY, ALICE, EXPIRED, NOT_YET_VALID, RSA_KEY, ODD_CN,
    LONG_CN, NIDENTITIES };

#define DAY (24L * 60 * 60)
/* 絆 in UTF-8, three bytes: 50 make a CN over tls_peer's 128 bytes. */
#define KIZUNA_CHAR "\xe7\xb5\x86"

struct identity_spec {
	int rsa;            /* RSA 2048, else ECDSA P-256 */
	long from, to;      /* notBefore and notAfter, from now, in seconds */
	const char *cn;     /* NULL: LONG_CN's, made in setup */
	const char *seen;   /* tls_peer's subject_cn (NULL: LONG_CN's) */
};

static const struct identity_spec identity_specs[NIDENTITIES] = {
	[ALICE] = { .from = -DAY, .to = 365 * DAY, .cn = "alice",
	    .seen = "alice" },
	[EXPIRED] = { .from = -2 * DAY, .to = -DAY, .cn = "expired",
	    .seen = "expired" },
	[NOT_YET_VALID] = { .from = DAY, .to = 2 * DAY, .cn = "early",
	    .seen = "early" },
	[RSA_KEY] = { .rsa = 1, .from = -DAY, .to = DAY, .cn = "rsa",
	    .seen = "rsa" },
	/* Control characters become '?'; other UTF-8 stays. */
	[ODD_CN] = { .from = -DAY, .to = DAY,
	    .cn = "line\nbreak\x7f " KIZUNA_CHAR,
	    .seen = "line?break? " KIZUNA_CHAR },
	[LONG_CN] = { .from = -DAY, .to = DAY },
};

struct client_id {
	X509 *x509;
	EVP_PKEY *key;
	char fingerprint[TLS_FINGERPRINT_SIZE];   /* of its DER, made here */
	unsigned char sha256[32];
	char cn[200], seen[200];
};

static struct client_id identities[NIDENTITIES];

/*
 * A self-signed certificate for spec, and its key; the fingerprint is
 * the SHA-256 of its DER encoding, computed apart from tls.c's.
 */
static int
make_identity(const struct identity_spec *spec, struct client_id *id)
{
	X509_NAME *name;
	unsigned char *der = NULL;
	unsigned int n = 0, i;
	int len;

	if (spec->cn != NULL) {
		snprintf(id->cn, sizeof(id->cn), "%s", spec->cn);
		snprintf(id->seen, sizeof(id->seen), "%s", spec->seen);
	} else {
		/* 50 characters in, 41 out (123 bytes) and "...". */
		for (i = 0; i < 50; i++)
			strcat(id->cn, KIZUNA_CHAR);
		for (i = 0; i < 41; i++)
			strcat(id->seen, KIZUNA_CHAR);
		strcat(id->seen, "...");
	}
	if ((id->key = spec->rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256")) ==
	    NULL || (id->x509 = X509_new()) == NULL ||
	    X509_set_version(id->x509, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(id->x509), 1) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(id->x509), spec->from) ==
	    NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(id->x509), spec->to) == NULL ||
	    X509_set_pubkey(id->x509, id->key) != 1 ||
	    (name = X509_get_subject_name(id->x509)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)id->cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(id->x509, name) != 1 ||
	    X509_sign(id->x509, id->key, EVP_sha256()) == 0 ||
	    (len = i2d_X509(id->x509, &der)) <= 0)
		return -1;
	if (EVP_Digest(der, (size_t)len, id->sha256, &n, EVP_sha256(),
	    NULL) != 1 || n != sizeof(id->sha256)) {
		OPENSSL_free(der);
		return -1;
	}
	OPENSSL_free(der);
	for (i = 0; i < n; i++)
		snprintf(id->fingerprint + 3 * i, 4, i + 1 < n ? "%02X:" :
		    "%02X", id->sha256[i]);
	return 0;
}

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
setup(void **state)
{
	static const char *const aliases[] = { "www.b.example" };
	char cert[PATH_MAX + 64], key[PATH_MAX + 64], err[1024];
	struct cert_names names;
	int i;

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/kizuna-test-tls.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return -1;
	for (i = 0; i < NHOSTS; i++) {
		snprintf(cert, sizeof(cert), "%s/%s/cert.pem", tmp,
		    host_names[i]);
		snprintf(key, sizeof(key), "%s/%s/key.pem", tmp,
		    host_names[i]);
		names.host = host_names[i];
		names.aliases = i == HOST_B ? aliases : NULL;
		names.naliases = i == HOST_B ? 1 : 0;
		if (i == HOST_A_ASKS)
			continue;
		if (cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1, err,
		    sizeof(err)) != 1 ||
		    (ctxs[i] = tls_ctx_new(cert, key, host_names[i],
		    fingerprints[i], err, sizeof(err))) == NULL) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
	}
	if ((ctxs[HOST_A_ASKS] = tls_ctx_share(ctxs[HOST_A])) == NULL)
		return -1;
	memcpy(fingerprints[HOST_A_ASKS], fingerprints[HOST_A],
	    sizeof(fingerprints[HOST_A]));
	tls_ctx_request_client_certificates(ctxs[HOST_C]);
	tls_ctx_request_client_certificates(ctxs[HOST_A_ASKS]);
	for (i = NOBODY + 1; i < NIDENTITIES; i++)
		if (make_identity(&identity_specs[i], &identities[i]) == -1) {
			fprintf(stderr, "cannot make identity %d\n", i);
			return -1;
		}
	/* Certificates made apart are different certificates. */
	return strcmp(fingerprints[HOST_A], fingerprints[HOST_B]) == 0 ||
	    strcmp(fingerprints[HOST_A], fingerprints[HOST_C]) == 0 ||
	    strcmp(fingerprints[HOST_B], fingerprints[HOST_C]) == 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NHOSTS; i++)
		tls_ctx_free(ctxs[i]);
	for (i = 0; i < NIDENTITIES; i++) {
		X509_free(identities[i].x509);
		EVP_PKEY_free(identities[i].key);
	}
	return nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- the selector -------------------------------------------------- */

struct selection {
	int calls;
	int had_name;
	char name[300];
};

/* Knows every host and B's alias; anything else keeps the first. */
static struct tls_ctx *
select_host(void *arg, const char *servername)
{
	struct selection *sel = arg;
	int i;

	sel->calls++;
	sel->had_name = servername != NULL;
	snprintf(sel->name, sizeof(sel->name), "%s",
	    servername != NULL ? servername : "");
	if (servername == NULL)
		return NULL;
	if (strcmp(servername, "www.b.example") == 0)
		return ctxs[HOST_B];
	for (i = 0; i < NHOSTS; i++)
		if (strcmp(servername, host_names[i]) == 0)
			return ctxs[i];
	return NULL;
}

/* --- one handshake -------------------------------------------------- */

/* What the client does. */
struct attempt {
	enum host made_with;      /* the context the connection is made with */
	int no_selector;          /* 1: none set (else select_host) */
	const char *servername;   /* its SNI, or NULL */
	int max_version;          /* 0, or TLS1_2_VERSION */
	enum identity identity;   /* the certificate it holds, if asked */
	SSL_SESSION *resume;      /* a session to offer, or NULL */
};

struct outcome {
	char fingerprint[TLS_FINGERPRINT_SIZE];   /* what the client saw */
	int resumed;
	int asked;   /* CertificateRequests the client read */
	struct tls_peer peer;   /* what the server made of the client */
	SSL_SESSION *session;   /* the client's, to resume: the caller's */
};

/* The client's message callback: counts CertificateRequests read. */
static void
count_requests(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	const unsigned char *msg = buf;
	int *asked = arg;

	(void)version;
	(void)ssl;
	if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
	    msg[0] == SSL3_MT_CERTIFICATE_REQUEST)
		(*asked)++;
}

static void
fingerprint_of(X509 *x, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
	for (i = 0; i < n; i++)
		snprintf(out + 3 * i, 4, i + 1 < n ? "%02X:" : "%02X", md[i]);
}

/*
 * A handshake between an OpenSSL client doing what a says and tls.c,
 * whose selector (unless a->no_selector) reports to sel.
 */
static void
handshake(const struct attempt *a, struct selection *sel,
    struct outcome *out)
{
	SSL_CTX *cctx;
	SSL *client;
	struct tls_conn *server;
	enum tls_result r = TLS_WANT_READ;
	unsigned char byte;
	size_t n;
	int fds[2], i, client_done = 0, ret;

	memset(out, 0, sizeof(*out));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    fds), 0);
	assert_non_null(cctx = SSL_CTX_new(TLS_client_method()));
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	if (a->max_version != 0)
		assert_int_equal(SSL_CTX_set_max_proto_version(cctx,
		    a->max_version), 1);
	assert_non_null(client = SSL_new(cctx));
	assert_int_equal(SSL_set_fd(client, fds[0]), 1);
	if (a->servername != NULL)
		assert_int_equal(SSL_set_tlsext_host_name(client,
		    a->servername), 1);
	if (a->resume != NULL)
		assert_int_equal(SSL_set_session(client, a->resume), 1);
	if (a->identity != NOBODY) {
		assert_int_equal(SSL_use_certificate(client,
		    identities[a->identity].x509), 1);
		assert_int_equal(SSL_use_PrivateKey(client,
		    identities[a->identity].key), 1);
	}
	SSL_set_msg_callback(client, count_requests);
	SSL_set_msg_callback_arg(client, &out->asked);
	SSL_set_connect_state(client);
	assert_non_null(server = tls_conn_new(ctxs[a->made_with], fds[1]));
	if (!a->no_selector)
		tls_conn_set_selector(server, select_host, sel);

	for (i = 0; i < 100 && (!client_done || r != TLS_OK); i++) {
		if (!client_done) {
			ret = SSL_do_handshake(client);
			if (ret == 1)
				client_done = 1;
			else if (SSL_get_error(client, ret) !=
			    SSL_ERROR_WANT_READ)
				fail_msg("client: handshake failed: %s",
				    ERR_reason_error_string(ERR_get_error()));
		}
		if (r != TLS_OK) {
			r = tls_handshake(server);
			if (r != TLS_OK && r != TLS_WANT_READ)
				fail_msg("server: %s", tls_conn_error(server));
			/*
			 * What the server wrote is held until it flushes:
			 * under TLS 1.3 its session ticket, which would
			 * otherwise leave alone, ahead of the response.
			 */
			if (r == TLS_OK && a->max_version == 0)
				assert_int_equal(recv(fds[0], &byte, 1,
				    MSG_PEEK | MSG_DONTWAIT), -1);
			assert_int_equal(tls_flush(server), TLS_OK);
			if (r == TLS_OK && a->max_version == 0)
				assert_int_equal(recv(fds[0], &byte, 1,
				    MSG_PEEK | MSG_DONTWAIT), 1);
		}
	}
	assert_true(client_done && r == TLS_OK);
	/* TLS 1.3 tickets come after the handshake: the client reads them. */
	ret = SSL_read_ex(client, &byte, 1, &n);
	assert_int_equal(SSL_get_error(client, ret), SSL_ERROR_WANT_READ);

	assert_int_equal(SSL_version(client), a->max_version != 0 ?
	    a->max_version : TLS1_3_VERSION);
	fingerprint_of(SSL_get0_peer_certificate(client), out->fingerprint);
	out->resumed = SSL_session_reused(client);
	assert_int_equal(tls_conn_peer(server, &out->peer), 0);
	/* Closed properly: OpenSSL forgets a session cut short. */
	assert_true(SSL_shutdown(client) >= 0);
	assert_int_equal(tls_shutdown(server), TLS_OK);
	out->session = SSL_get1_session(client);
	assert_non_null(out->session);
	tls_conn_free(server);
	SSL_free(client);
	SSL_CTX_free(cctx);
	close(fds[0]);
	close(fds[1]);
}

/* --- the table ------------------------------------------------------- */

enum earlier { FRESH, RESUME_A, RESUME_B };

struct select_case {
	const char *what;
	int use_selector;
	const char *servername;   /* the client's SNI, or NULL */
	int max_version;          /* 0, or TLS1_2_VERSION */
	enum earlier earlier;     /* a session to offer: from a handshake
	                           * with SNI a.example or b.example */
	const char *seen;         /* what the selector got ("" for NULL) */
	enum host served;         /* whose certificate came back */
	int resumed;
};

static const struct select_case cases[] = {
	{ "b.example gets B's", 1, "b.example", 0, FRESH, "b.example",
	  HOST_B, 0 },
	{ "a.example gets A's", 1, "a.example", 0, FRESH, "a.example",
	  HOST_A, 0 },
	{ "B's alias gets B's", 1, "www.b.example", 0, FRESH,
	  "www.b.example", HOST_B, 0 },
	{ "a name in capitals, lowered", 1, "B.Example", 0, FRESH,
	  "b.example", HOST_B, 0 },
	{ "no SNI: the selector is asked, with NULL", 1, NULL, 0, FRESH, "",
	  HOST_A, 0 },
	{ "an unknown name: not refused, the first kept", 1,
	  "d.example", 0, FRESH, "d.example", HOST_A, 0 },
	{ "TLS 1.2 too", 1, "b.example", TLS1_2_VERSION, FRESH, "b.example",
	  HOST_B, 0 },
	{ "no selector: the first, whatever the name", 0, "b.example", 0,
	  FRESH, NULL, HOST_A, 0 },

	/* Resumption stays within a host. */
	{ "A's session resumed on A", 1, "a.example", 0, RESUME_A,
	  "a.example", HOST_A, 1 },
	{ "B's session resumed on B", 1, "b.example", 0, RESUME_B,
	  "b.example", HOST_B, 1 },
	{ "A's session offered to B: a full handshake", 1, "b.example", 0,
	  RESUME_A, "b.example", HOST_B, 0 },
	{ "B's session offered to A: a full handshake", 1, "a.example", 0,
	  RESUME_B, "a.example", HOST_A, 0 },
	{ "B's session offered without SNI: a full handshake", 1, NULL, 0,
	  RESUME_B, "", HOST_A, 0 },
	{ "TLS 1.2: B's session resumed on B", 1, "b.example",
	  TLS1_2_VERSION, RESUME_B, "b.example", HOST_B, 1 },
	{ "TLS 1.2: B's session offered to A: a full handshake", 1,
	  "a.example", TLS1_2_VERSION, RESUME_B, "a.example", HOST_A, 0 },
};

static void
test_select(void **state)
{
	struct selection sel;
	struct outcome earlier, now;
	const struct select_case *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		earlier.session = NULL;
		if (c->earlier != FRESH) {
			const struct attempt first = {
				.made_with = HOST_A,
				.servername = c->earlier == RESUME_A ?
				    "a.example" : "b.example",
				.max_version = c->max_version,
			};

			memset(&sel, 0, sizeof(sel));
			handshake(&first, &sel, &earlier);
		}
		memset(&sel, 0, sizeof(sel));
		handshake(&(const struct attempt){
			.made_with = HOST_A,
			.no_selector = !c->use_selector,
			.servername = c->servername,
			.max_version = c->max_version,
			.resume = earlier.session,
		}, &sel, &now);
		if (c->seen == NULL && sel.calls != 0)
			fail_msg("%s: a selector was called", c->what);
		if (c->seen != NULL && (sel.calls != 1 ||
		    sel.had_name != (c->seen[0] != '\0') ||
		    strcmp(sel.name, c->seen) != 0))
			fail_msg("%s: selector called %d times, with \"%s\"%s",
			    c->what, sel.calls, sel.name,
			    sel.had_name ? "" : " (NULL)");
		if (strcmp(now.fingerprint, fingerprints[c->served]) != 0)
			fail_msg("%s: the client saw %s's certificate, not "
			    "%s's", c->what, strcmp(now.fingerprint,
			    fingerprints[HOST_A]) == 0 ? "A" : "B",
			    c->served == HOST_A ? "A" : "B");
		if (now.resumed != c->resumed)
			fail_msg("%s: %sresumed", c->what, now.resumed ? "" :
			    "not ");
		SSL_SESSION_free(earlier.session);
		SSL_SESSION_free(now.session);
	}
}

/* --- client certificates -------------------------------------------- */

/* A handshake whose session the case's client offers. */
struct before {
	int offered;              /* 0: none, a fresh handshake */
	enum host made_with;
	const char *servername;
	enum identity identity;
	int twice;   /* the session of a second handshake that resumed it */
};

struct peer_case {
	const char *what;
	enum host made_with;
	int no_selector;
	const char *servername;
	enum identity identity;   /* what the client holds */
	struct before earlier;
	int asked;                /* the client read a CertificateRequest */
	enum identity seen;       /* what the server reports (NOBODY: none) */
	int resumed;
};

static const struct peer_case peer_cases[] = {
	/* A context that asks, without a selector (one host). */
	{ .what = "C asks, no identity: completes without one",
	  .made_with = HOST_C, .no_selector = 1, .identity = NOBODY,
	  .asked = 1, .seen = NOBODY },
	{ .what = "C asks, a self-signed identity: accepted",
	  .made_with = HOST_C, .no_selector = 1, .identity = ALICE,
	  .asked = 1, .seen = ALICE },
	{ .what = "C asks, an expired identity: accepted, flagged",
	  .made_with = HOST_C, .no_selector = 1, .identity = EXPIRED,
	  .asked = 1, .seen = EXPIRED },
	{ .what = "C asks, a not yet valid identity: accepted, flagged",
	  .made_with = HOST_C, .no_selector = 1, .identity = NOT_YET_VALID,
	  .asked = 1, .seen = NOT_YET_VALID },
	{ .what = "C asks, an RSA identity", .made_with = HOST_C,
	  .no_selector = 1, .identity = RSA_KEY, .asked = 1,
	  .seen = RSA_KEY },
	{ .what = "C asks, a CN with control characters",
	  .made_with = HOST_C, .no_selector = 1, .identity = ODD_CN,
	  .asked = 1, .seen = ODD_CN },
	{ .what = "C asks, a CN over 128 bytes", .made_with = HOST_C,
	  .no_selector = 1, .identity = LONG_CN, .asked = 1,
	  .seen = LONG_CN },
	{ .what = "A does not ask: the identity is never sent",
	  .made_with = HOST_A, .no_selector = 1, .identity = ALICE,
	  .asked = 0, .seen = NOBODY },

	/* The selector's choice decides, both ways. */
	{ .what = "from A (does not ask) to C (asks)", .made_with = HOST_A,
	  .servername = "c.example", .identity = ALICE, .asked = 1,
	  .seen = ALICE },
	{ .what = "from C (asks) to A (does not)", .made_with = HOST_C,
	  .servername = "a.example", .identity = ALICE, .asked = 0,
	  .seen = NOBODY },
	{ .what = "from C (asks) to B (does not), no identity",
	  .made_with = HOST_C, .servername = "b.example",
	  .identity = NOBODY, .asked = 0, .seen = NOBODY },
	{ .what = "from A to a handle on A's context that asks",
	  .made_with = HOST_A, .servername = "asks.a.example",
	  .identity = ALICE, .asked = 1, .seen = ALICE },
	{ .what = "from that handle to A: the setting is the handle's",
	  .made_with = HOST_A_ASKS, .servername = "a.example",
	  .identity = ALICE, .asked = 0, .seen = NOBODY },
	{ .what = "an unknown name keeps C, which asks",
	  .made_with = HOST_C, .servername = "d.example",
	  .identity = ALICE, .asked = 1, .seen = ALICE },
	{ .what = "no SNI keeps A, which does not ask", .made_with = HOST_A,
	  .identity = ALICE, .asked = 0, .seen = NOBODY },

	/* Resumption keeps the identity, and only within its host. */
	{ .what = "C's session with an identity: resumed, kept, not asked",
	  .made_with = HOST_A, .servername = "c.example", .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "c.example", .identity = ALICE },
	  .asked = 0, .seen = ALICE, .resumed = 1 },
	{ .what = "a session resumed from a resumed one: still kept",
	  .made_with = HOST_A, .servername = "c.example", .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "c.example", .identity = ALICE, .twice = 1 },
	  .asked = 0, .seen = ALICE, .resumed = 1 },
	{ .what = "C's session without an identity: not resumed, asked",
	  .made_with = HOST_A, .servername = "c.example", .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "c.example", .identity = NOBODY },
	  .asked = 1, .seen = ALICE, .resumed = 0 },
	{ .what = "C's session with an identity offered to A: not carried",
	  .made_with = HOST_A, .servername = "a.example", .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "c.example", .identity = ALICE },
	  .asked = 0, .seen = NOBODY, .resumed = 0 },
	{ .what = "C's session with an identity offered without SNI",
	  .made_with = HOST_A, .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "c.example", .identity = ALICE },
	  .asked = 0, .seen = NOBODY, .resumed = 0 },
	{ .what = "A's session (no identity) offered to the handle that "
	  "asks: not resumed, asked", .made_with = HOST_A,
	  .servername = "asks.a.example", .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "a.example", .identity = ALICE },
	  .asked = 1, .seen = ALICE, .resumed = 0 },
	/* Same host, same session context: a host that stopped asking
	 * still learns who resumed (a reload that drops the location). */
	{ .what = "the asking handle's session offered to A: resumed, kept",
	  .made_with = HOST_A, .servername = "a.example", .identity = ALICE,
	  .earlier = { .offered = 1, .made_with = HOST_A,
	  .servername = "asks.a.example", .identity = ALICE },
	  .asked = 0, .seen = ALICE, .resumed = 1 },
};

static const char *
version_name(int max_version)
{
	return max_version == TLS1_2_VERSION ? "TLS 1.2" : "TLS 1.3";
}

/* The session an earlier handshake (b) left the client, to offer. */
static SSL_SESSION *
session_of(const struct before *b, int max_version)
{
	struct selection sel;
	struct outcome first, second;
	struct attempt a = {
		.made_with = b->made_with,
		.servername = b->servername,
		.max_version = max_version,
		.identity = b->identity,
	};

	memset(&sel, 0, sizeof(sel));
	handshake(&a, &sel, &first);
	if (!b->twice)
		return first.session;
	a.resume = first.session;
	handshake(&a, &sel, &second);
	SSL_SESSION_free(first.session);
	assert_int_equal(second.resumed, 1);
	return second.session;
}

static void
check_peer(const struct peer_case *c, int max_version,
    const struct outcome *out)
{
	const struct client_id *id = &identities[c->seen];
	const struct identity_spec *spec = &identity_specs[c->seen];
	const struct tls_peer *p = &out->peer;
	const char *v = version_name(max_version);

	if ((out->asked != 0) != c->asked)
		fail_msg("%s (%s): the client was %sasked for a certificate",
		    c->what, v, out->asked ? "" : "not ");
	if (out->resumed != c->resumed)
		fail_msg("%s (%s): %sresumed", c->what, v, out->resumed ? "" :
		    "not ");
	if (c->seen == NOBODY) {
		if (p->has_certificate)
			fail_msg("%s (%s): the server has a certificate, %s",
			    c->what, v, p->fingerprint);
		return;
	}
	if (!p->has_certificate)
		fail_msg("%s (%s): the server has no certificate", c->what, v);
	if (strcmp(p->fingerprint, id->fingerprint) != 0)
		fail_msg("%s (%s): fingerprint %s, not %s", c->what, v,
		    p->fingerprint, id->fingerprint);
	assert_memory_equal(p->sha256, id->sha256, sizeof(p->sha256));
	assert_int_equal(p->not_yet_valid, spec->from > 0);
	assert_int_equal(p->expired, spec->to < 0);
	if (strcmp(p->subject_cn, id->seen) != 0)
		fail_msg("%s (%s): CN \"%s\", not \"%s\"", c->what, v,
		    p->subject_cn, id->seen);
}

static void
test_client_certificates(void **state)
{
	static const int versions[] = { 0, TLS1_2_VERSION };
	struct selection sel;
	struct outcome now;
	const struct peer_case *c;
	SSL_SESSION *earlier;
	size_t i, v;

	(void)state;
	for (v = 0; v < sizeof(versions) / sizeof(versions[0]); v++)
		for (i = 0; i < sizeof(peer_cases) / sizeof(peer_cases[0]);
		    i++) {
			c = &peer_cases[i];
			earlier = c->earlier.offered ?
			    session_of(&c->earlier, versions[v]) : NULL;
			memset(&sel, 0, sizeof(sel));
			handshake(&(const struct attempt){
				.made_with = c->made_with,
				.no_selector = c->no_selector,
				.servername = c->servername,
				.max_version = versions[v],
				.identity = c->identity,
				.resume = earlier,
			}, &sel, &now);
			check_peer(c, versions[v], &now);
			SSL_SESSION_free(earlier);
			SSL_SESSION_free(now.session);
		}
}

/* Before the handshake, the client is unknown: not "no certificate". */
static void
test_peer_before_handshake(void **state)
{
	struct tls_conn *server;
	struct tls_peer peer;
	int fds[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    fds), 0);
	assert_non_null(server = tls_conn_new(ctxs[HOST_C], fds[1]));
	memset(&peer, 'x', sizeof(peer));
	assert_int_equal(tls_conn_peer(server, &peer), -1);
	assert_int_equal(peer.has_certificate, 0);
	assert_int_equal(peer.fingerprint[0], '\0');
	tls_conn_free(server);
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_client_certificates),
		cmocka_unit_test(test_peer_before_handshake),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
