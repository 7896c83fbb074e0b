/*
 * test_tls.c - tls.c's virtual hosts: the certificate a client sees is
 * the one the connection's selector picked from the name it sent, and a
 * session made for one host is never resumed on another.
 *
 * Two hosts, each with a certificate cert_ensure makes in a temporary
 * folder and a context of its own. The server is tls.c on one end of a
 * socket pair; the client is OpenSSL on the other, both non-blocking,
 * driven in turn. Table-driven: what the client sends (name, version, a
 * session from an earlier handshake), what the selector saw, and whose
 * certificate came back.
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
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cert.h"
#include "tls.h"

/* --- the two hosts ------------------------------------------------- */

enum host { HOST_A, HOST_B, NHOSTS };

static const char *const host_names[NHOSTS] = { "a.example", "b.example" };
static struct tls_ctx *ctxs[NHOSTS];
static char fingerprints[NHOSTS][TLS_FINGERPRINT_SIZE];
static char tmp[PATH_MAX];

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
		if (cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1, err,
		    sizeof(err)) != 1 ||
		    (ctxs[i] = tls_ctx_new(cert, key, host_names[i],
		    fingerprints[i], err, sizeof(err))) == NULL) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
	}
	/* Two certificates made apart are two certificates. */
	return strcmp(fingerprints[HOST_A], fingerprints[HOST_B]) == 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NHOSTS; i++)
		tls_ctx_free(ctxs[i]);
	return nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- the selector -------------------------------------------------- */

struct selection {
	int calls;
	int had_name;
	char name[300];
};

/* Knows both hosts and B's alias; anything else keeps the first. */
static struct tls_ctx *
select_host(void *arg, const char *servername)
{
	struct selection *sel = arg;

	sel->calls++;
	sel->had_name = servername != NULL;
	snprintf(sel->name, sizeof(sel->name), "%s",
	    servername != NULL ? servername : "");
	if (servername == NULL)
		return NULL;
	if (strcmp(servername, "a.example") == 0)
		return ctxs[HOST_A];
	if (strcmp(servername, "b.example") == 0 ||
	    strcmp(servername, "www.b.example") == 0)
		return ctxs[HOST_B];
	return NULL;
}

/* --- one handshake -------------------------------------------------- */

struct outcome {
	char fingerprint[TLS_FINGERPRINT_SIZE];   /* what the client saw */
	int resumed;
	SSL_SESSION *session;   /* the client's, to resume: the caller's */
};

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
 * A handshake between an OpenSSL client (servername: its SNI, or NULL;
 * max_version: 0 or TLS1_2_VERSION; resume: a session to offer, or NULL)
 * and tls.c on a context for host A, with select (NULL: none).
 */
static void
handshake(const char *servername, int max_version, SSL_SESSION *resume,
    tls_select_fn select, struct selection *sel, struct outcome *out)
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
	if (max_version != 0)
		assert_int_equal(SSL_CTX_set_max_proto_version(cctx,
		    max_version), 1);
	assert_non_null(client = SSL_new(cctx));
	assert_int_equal(SSL_set_fd(client, fds[0]), 1);
	if (servername != NULL)
		assert_int_equal(SSL_set_tlsext_host_name(client, servername),
		    1);
	if (resume != NULL)
		assert_int_equal(SSL_set_session(client, resume), 1);
	SSL_set_connect_state(client);
	assert_non_null(server = tls_conn_new(ctxs[HOST_A], fds[1]));
	if (select != NULL)
		tls_conn_set_selector(server, select, sel);

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
		}
	}
	assert_true(client_done && r == TLS_OK);
	/* TLS 1.3 tickets come after the handshake: the client reads them. */
	ret = SSL_read_ex(client, &byte, 1, &n);
	assert_int_equal(SSL_get_error(client, ret), SSL_ERROR_WANT_READ);

	fingerprint_of(SSL_get0_peer_certificate(client), out->fingerprint);
	out->resumed = SSL_session_reused(client);
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
	  "c.example", 0, FRESH, "c.example", HOST_A, 0 },
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
			memset(&sel, 0, sizeof(sel));
			handshake(c->earlier == RESUME_A ? "a.example" :
			    "b.example", c->max_version, NULL, select_host,
			    &sel, &earlier);
		}
		memset(&sel, 0, sizeof(sel));
		handshake(c->servername, c->max_version, earlier.session,
		    c->use_selector ? select_host : NULL, &sel, &now);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
