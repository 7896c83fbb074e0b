/*
 * test_cert.c - cert.c: the certificate kizuna generates for a host and
 * its aliases, in a temporary folder, read back with OpenSSL.
 *
 * Table-driven: each row is a host's names and the subjectAltName entries
 * and CN its certificate must have.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cert.h"

#define NAMES_MAX 6

/* --- the temporary folder -------------------------------------------- */

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
	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/kizuna-test-cert.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmp) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmp/name, in buf (PATH_MAX). */
static const char *
in_tmp(char *buf, const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", tmp, name);

	if (n < 0 || n >= PATH_MAX)
		fail_msg("%s/%s: too long", tmp, name);
	return buf;
}

static X509 *
read_cert(const char *path)
{
	FILE *fp = fopen(path, "r");
	X509 *x;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (x == NULL)
		fail_msg("%s: not a certificate", path);
	return x;
}

static EVP_PKEY *
read_key(const char *path)
{
	FILE *fp = fopen(path, "r");
	EVP_PKEY *pkey;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	pkey = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (pkey == NULL)
		fail_msg("%s: not a private key", path);
	return pkey;
}

/* --- generation ---------------------------------------------------- */

struct generate_case {
	const char *what;
	const char *host;
	const char *aliases[NAMES_MAX];   /* NULL ends them */
	const char *san[NAMES_MAX];       /* "DNS:name", "IP:address" */
	int has_cn;                        /* CN = host; else no subject */
};

#define LONG_NAME "a-name-longer-than-a-common-name-may-be.for-a-host-" \
	    "with-a-long.example"

static const struct generate_case generate_cases[] = {
	{ "a name alone", "a.example", { NULL }, { "DNS:a.example" }, 1 },
	{ "an IPv4 literal", "192.0.2.7", { NULL }, { "IP:192.0.2.7" }, 1 },
	{ "an IPv6 literal", "2001:db8::7", { NULL }, { "IP:2001:db8::7" },
	  1 },
	{ "aliases: names and addresses", "a.example",
	  { "www.a.example", "192.0.2.7", "::1", NULL },
	  { "DNS:a.example", "DNS:www.a.example", "IP:192.0.2.7", "IP:::1" },
	  1 },
	{ "each name once", "a.example",
	  { "a.example", "www.a.example", "www.a.example", NULL },
	  { "DNS:a.example", "DNS:www.a.example" }, 1 },
	{ "a wildcard alias", "a.example", { "*.a.example", NULL },
	  { "DNS:a.example", "DNS:*.a.example" }, 1 },
	{ "a name longer than a CN", LONG_NAME, { NULL },
	  { "DNS:" LONG_NAME }, 0 },
};

/* The subjectAltName entries of x as "DNS:name" / "IP:address". */
static size_t
alt_names(X509 *x, char out[][300], size_t max, int *critical)
{
	GENERAL_NAMES *gens;
	const GENERAL_NAME *gen;
	char addr[INET6_ADDRSTRLEN];
	const unsigned char *data;
	size_t n = 0;
	int i, len;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, critical, NULL);
	if (gens == NULL)
		return 0;
	for (i = 0; i < sk_GENERAL_NAME_num(gens) && n < max; i++) {
		gen = sk_GENERAL_NAME_value(gens, i);
		data = ASN1_STRING_get0_data(gen->d.ia5);
		len = ASN1_STRING_length(gen->d.ia5);
		if (gen->type == GEN_DNS)
			snprintf(out[n++], 300, "DNS:%.*s", len, data);
		else if (gen->type == GEN_IPADD && (len == 4 || len == 16) &&
		    inet_ntop(len == 4 ? AF_INET : AF_INET6, data, addr,
		    sizeof(addr)) != NULL)
			snprintf(out[n++], 300, "IP:%s", addr);
		else
			snprintf(out[n++], 300, "other");
	}
	GENERAL_NAMES_free(gens);
	return n;
}

static int
has_mark(X509 *x)
{
	ASN1_IA5STRING *comment;
	int found;

	comment = X509_get_ext_d2i(x, NID_netscape_comment, NULL, NULL);
	found = comment != NULL && ASN1_STRING_length(comment) > 0 &&
	    strstr((const char *)ASN1_STRING_get0_data(comment), "kizuna") !=
	    NULL;
	ASN1_IA5STRING_free(comment);
	return found;
}

static void
check_generated(const struct generate_case *c, const char *cert,
    const char *key)
{
	char san[NAMES_MAX][300], cn[300];
	X509 *x = read_cert(cert);
	EVP_PKEY *pkey = read_key(key);
	const EVP_PKEY *pub = X509_get0_pubkey(x);
	char group[32];
	size_t n, i;
	int critical = -1, days = 0, secs = 0;

	n = alt_names(x, san, NAMES_MAX, &critical);
	for (i = 0; i < NAMES_MAX && c->san[i] != NULL; i++)
		if (i >= n || strcmp(san[i], c->san[i]) != 0)
			fail_msg("%s: subjectAltName %zu is %s, not %s",
			    c->what, i, i < n ? san[i] : "missing", c->san[i]);
	if (n != i)
		fail_msg("%s: %zu subjectAltName entries, not %zu", c->what,
		    n, i);
	if (critical != !c->has_cn)
		fail_msg("%s: subjectAltName %scritical", c->what,
		    critical ? "" : "not ");
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, cn, sizeof(cn)) == -1)
		cn[0] = '\0';
	assert_string_equal(cn, c->has_cn ? c->host : "");
	if (!has_mark(x))
		fail_msg("%s: no mark of kizuna's", c->what);
	/* ECDSA P-256, its key the file's, valid for 30 years. */
	assert_int_equal(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_group_name(pub, group, sizeof(group),
	    NULL), 1);
	assert_string_equal(group, "prime256v1");
	assert_int_equal(X509_check_private_key(x, pkey), 1);
	assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x),
	    X509_get0_notAfter(x)), 1);
	assert_true(days >= 365 * 30 && days <= 365 * 30 + 9);
	X509_free(x);
	EVP_PKEY_free(pkey);
}

static void
test_generate_table(void **state)
{
	char cert[PATH_MAX], key[PATH_MAX], dir[PATH_MAX], err[512];
	const struct generate_case *c;
	struct cert_names names;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(generate_cases) / sizeof(generate_cases[0]);
	    i++) {
		c = &generate_cases[i];
		snprintf(dir, sizeof(dir), "gen%zu", i);
		assert_int_equal(mkdir(in_tmp(cert, dir), 0700), 0);
		snprintf(dir, sizeof(dir), "gen%zu/cert.pem", i);
		in_tmp(cert, dir);
		snprintf(dir, sizeof(dir), "gen%zu/key.pem", i);
		in_tmp(key, dir);
		for (n = 0; c->aliases[n] != NULL; n++)
			;
		names.host = c->host;
		names.aliases = n > 0 ? c->aliases : NULL;
		names.naliases = n;
		if (cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1, err,
		    sizeof(err)) != 1)
			fail_msg("%s: %s", c->what, err);
		check_generated(c, cert, key);
	}
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		fail_msg("%s: missing", path);
	return sb.st_mode & 07777;
}

/* certs/NAME/ made as mkdir -p would, 0700; the key 0600; made once. */
static void
test_generate_files(void **state)
{
	static const char *const aliases[] = { "www.b.example" };
	const struct cert_names names = { "b.example", aliases, 1 };
	char cert[PATH_MAX], key[PATH_MAX], dir[PATH_MAX], err[512];
	FILE *fp;

	(void)state;
	in_tmp(cert, "certs/b.example/cert.pem");
	in_tmp(key, "certs/b.example/key.pem");
	assert_int_equal(cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err)), 1);
	assert_int_equal(mode_of(in_tmp(dir, "certs")), 0700);
	assert_int_equal(mode_of(in_tmp(dir, "certs/b.example")), 0700);
	assert_int_equal(mode_of(key), 0600);
	assert_int_equal(mode_of(cert), 0644);
	/* Both there: nothing made. */
	assert_int_equal(cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err)), 0);

	/* Only the key: refused, and the key left as it was. */
	assert_int_equal(unlink(cert), 0);
	assert_int_equal(cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "refusing"));
	assert_non_null(strstr(err, key));
	/* Only the certificate: refused too. */
	assert_int_equal(rename(key, cert), 0);
	assert_int_equal(cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "refusing"));
	assert_non_null((fp = fopen(cert, "r")));
	fclose(fp);

	/* A folder in the way: the error says which file. */
	in_tmp(cert, "certs/b.example/cert.pem/x/cert.pem");
	in_tmp(key, "certs/b.example/cert.pem/x/key.pem");
	assert_int_equal(cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, key));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_generate_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_generate_files, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
