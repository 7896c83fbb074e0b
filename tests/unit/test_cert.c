/*
 * test_cert.c - cert.c and cert_make.c: the certificate kizuna generates
 * for a host and its aliases, and the check of a host's certificate, in a
 * temporary folder.
 *
 * Table-driven. Generation: each row is a host's names and the
 * subjectAltName entries and CN its certificate must have, read back with
 * OpenSSL. The check: each row makes a certificate with OpenSSL here (or
 * with cert_ensure), issued by itself or by a test CA's intermediate, with
 * its dates, its names, its key or another's and its chain in some order,
 * and says what cert_check must answer.
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
#include <openssl/ec.h>
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

/* --- the check ------------------------------------------------------- */

/* The test's CA, the keys, and the time every check is made at. */
static EVP_PKEY *root_key, *inter_key, *leaf_key, *other_key;
static X509 *root, *inter;
static time_t now;

static EVP_PKEY *
new_key(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");

	if (key == NULL)
		fail_msg("cannot make a key");
	return key;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL ||
	    X509_add_ext(x, ext, -1) != 1)
		fail_msg("extension %d: %s", nid, value);
	X509_EXTENSION_free(ext);
}

/*
 * A certificate for key: CN cn (none when NULL), subjectAltName san in
 * OpenSSL's text (none when NULL), valid from now + from days to now + to
 * days, signed by issuer's key (itself when issuer is NULL); a CA when ca.
 */
static X509 *
make_x509(EVP_PKEY *key, const char *cn, const char *san, int from, int to,
    X509 *issuer, EVP_PKEY *issuer_key, int ca)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++),
	    1);
	assert_non_null(X509_time_adj_ex(X509_getm_notBefore(x), from, 0,
	    &now));
	assert_non_null(X509_time_adj_ex(X509_getm_notAfter(x), to, 0, &now));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	name = X509_get_subject_name(x);
	if (cn != NULL)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
		    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	add_ext(x, x, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		add_ext(x, issuer, NID_authority_key_identifier,
		    "keyid:always");
	if (ca) {
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign");
	}
	if (san != NULL)
		add_ext(x, issuer, NID_subject_alt_name, san);
	assert_true(X509_sign(x, issuer != NULL ? issuer_key : key,
	    EVP_sha256()) > 0);
	return x;
}

static int
setup_ca(void **state)
{
	(void)state;
	now = time(NULL);
	root_key = new_key();
	inter_key = new_key();
	leaf_key = new_key();
	other_key = new_key();
	root = make_x509(root_key, "Test Root CA", NULL, -1000, 3000, NULL,
	    NULL, 1);
	inter = make_x509(inter_key, "Test Intermediate CA", NULL, -1000,
	    3000, root, root_key, 1);
	return 0;
}

static int
teardown_ca(void **state)
{
	(void)state;
	X509_free(root);
	X509_free(inter);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(inter_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(other_key);
	return 0;
}

enum made_by {
	GENERATED,   /* cert_ensure, for made_for */
	SELF,        /* signed with its own key */
	ISSUED,      /* by the test CA's intermediate */
};

/* What the certificate file holds, in order. */
enum chain {
	LEAF,              /* the host's certificate alone */
	FULL,              /* leaf, intermediate, root */
	LEAF_INTER,        /* leaf, intermediate */
	ROOT_BEFORE_INTER, /* leaf, root, intermediate */
	INTER_FIRST,       /* intermediate, leaf */
	EMPTY,             /* an empty file */
	NO_FILE,
};

enum key_file {
	OWN,         /* the certificate's key */
	OTHER,       /* another certificate's */
	ENCRYPTED,   /* its own, with a passphrase */
	CUT,         /* its own, the file cut short */
	NOT_GIVEN,   /* key NULL: not checked */
};

struct check_case {
	const char *what;
	enum made_by made_by;
	const char *made_for[NAMES_MAX];   /* GENERATED: host, aliases */
	const char *cn, *san;              /* SELF, ISSUED */
	int from, to;                      /* SELF, ISSUED: validity, days */
	enum chain chain;
	enum key_file key;
	const char *host;
	const char *aliases[NAMES_MAX];
	int rc;
	const char *expect;   /* in err, or in the warning (NULL: none) */
	int date;             /* 1: expect also holds now + `to` as a date;
	                       * -1: now + `from` */
};

/* A name of 78 characters. */
#define LONG_ALIAS(n) "a-long-label-for-a-list-of-names-longer-than-a-" \
	    "message-holds-" n ".example"

static const struct check_case check_cases[] = {
	/* Kizuna's own. */
	{ "generated for the host, its aliases and addresses", GENERATED,
	  { "a.example", "www.a.example", "192.0.2.7", "2001:db8::7" },
	  NULL, NULL, 0, 0, LEAF, OWN,
	  "a.example", { "www.a.example", "192.0.2.7", "2001:db8::7" },
	  0, NULL, 0 },
	{ "generated for an old name", GENERATED, { "old.example" },
	  NULL, NULL, 0, 0, LEAF, OWN, "b.example", { NULL }, -1,
	  "cert.pem is for old.example, not b.example: delete both files "
	  "and kizuna makes a new one for b.example; readers will be asked "
	  "to trust it again", 0 },
	{ "generated before an alias was added", GENERATED, { "a.example" },
	  NULL, NULL, 0, 0, LEAF, OWN, "a.example", { "www.a.example" }, -1,
	  "is for a.example, not www.a.example: delete both files and kizuna "
	  "makes a new one for a.example and www.a.example;", 0 },
	{ "generated, with another certificate's key", GENERATED,
	  { "a.example" }, NULL, NULL, 0, 0, LEAF, OTHER, "a.example",
	  { NULL }, -1, "key.pem is not the key of", 0 },
	{ "generated, its key not given", GENERATED, { "a.example" },
	  NULL, NULL, 0, 0, LEAF, NOT_GIVEN, "a.example", { NULL }, 0, NULL,
	  0 },

	/* Names: subjectAltName, else the CN. */
	{ "self-signed for another name", SELF, { NULL }, "old.example",
	  "DNS:old.example", -10, 400, LEAF, OWN, "b.example", { NULL }, -1,
	  "is for old.example, not b.example: make a new self-signed "
	  "certificate for b.example, or delete both files and kizuna makes "
	  "one; readers will be asked to trust it again", 0 },
	{ "issued, an alias not covered", ISSUED, { NULL }, NULL,
	  "DNS:a.example,DNS:www.a.example", -10, 80, FULL, OWN, "a.example",
	  { "www.a.example", "a.example.org" }, -1,
	  "is for a.example and www.a.example, not a.example.org: get a "
	  "certificate that covers a.example, www.a.example and a.example.org "
	  "from your certificate authority", 0 },
	{ "an IP alias covered by an IP entry", SELF, { NULL }, NULL,
	  "DNS:a.example,IP:192.0.2.7,IP:2001:db8::7", -10, 400, LEAF, OWN,
	  "a.example", { "192.0.2.7", "2001:db8:0:0::7" }, 0, NULL, 0 },
	{ "an IP alias not covered", SELF, { NULL }, NULL,
	  "DNS:a.example,IP:192.0.2.7", -10, 400, LEAF, OWN, "a.example",
	  { "192.0.2.8" }, -1, "is for a.example and 192.0.2.7, not 192.0.2.8",
	  0 },
	{ "an IP in a DNS entry does not cover it", SELF, { NULL }, NULL,
	  "DNS:192.0.2.7", -10, 400, LEAF, OWN, "192.0.2.7", { NULL }, -1,
	  "not 192.0.2.7", 0 },
	{ "the CN, without subjectAltName", SELF, { NULL }, "a.example",
	  NULL, -10, 400, LEAF, OWN, "a.example", { NULL }, 0, NULL, 0 },
	{ "the CN, for another name", SELF, { NULL }, "a.example", NULL,
	  -10, 400, LEAF, OWN, "b.example", { NULL }, -1,
	  "is for a.example, not b.example", 0 },
	{ "the CN is not read when subjectAltName is there", SELF, { NULL },
	  "b.example", "DNS:a.example", -10, 400, LEAF, OWN, "b.example",
	  { NULL }, -1, "is for a.example, not b.example", 0 },
	{ "a wildcard covers one label", ISSUED, { NULL }, NULL,
	  "DNS:*.example.org", -10, 80, FULL, OWN, "a.example.org",
	  { "b.example.org" }, 0, NULL, 0 },
	{ "a wildcard covers no more", ISSUED, { NULL }, NULL,
	  "DNS:*.example.org", -10, 80, FULL, OWN, "a.example.org",
	  { "x.a.example.org", "example.org" }, -1,
	  "is for *.example.org, not x.a.example.org and example.org", 0 },

	{ "too many names for the message: counted", SELF, { NULL },
	  "a.example", NULL, -10, 400, LEAF, OWN, LONG_ALIAS("0"),
	  { LONG_ALIAS("1"), LONG_ALIAS("2"), LONG_ALIAS("3"),
	    LONG_ALIAS("4"), LONG_ALIAS("5") }, -1,
	  "-4.example and 1 more: make a new self-signed certificate for ",
	  0 },

	/* Dates. */
	{ "expired, self-signed", SELF, { NULL }, NULL, "DNS:a.example",
	  -400, -10, LEAF, OWN, "a.example", { NULL }, -1,
	  "cert.pem expired on ", 1 },
	{ "expired, issued", ISSUED, { NULL }, NULL, "DNS:a.example",
	  -100, -1, FULL, OWN, "a.example", { NULL }, -1,
	  ": renew it with your certificate authority", 1 },
	{ "not valid yet", ISSUED, { NULL }, NULL, "DNS:a.example", 2, 90,
	  FULL, OWN, "a.example", { NULL }, -1,
	  "cert.pem is not valid until ", -1 },
	{ "expires in 10 days: a warning", ISSUED, { NULL }, NULL,
	  "DNS:a.example", -80, 10, FULL, OWN, "a.example", { NULL }, 0,
	  "cert.pem expires on ", 1 },
	{ "expires in 10 days, self-signed: a warning", SELF, { NULL }, NULL,
	  "DNS:a.example", -80, 10, LEAF, OWN, "a.example", { NULL }, 0,
	  "in 10 days: make a new self-signed certificate for a.example "
	  "before then", 1 },
	{ "expires in 40 days: nothing to say", ISSUED, { NULL }, NULL,
	  "DNS:a.example", -50, 40, FULL, OWN, "a.example", { NULL }, 0,
	  NULL, 0 },

	/* The key. */
	{ "another certificate's key, self-signed", SELF, { NULL }, NULL,
	  "DNS:a.example", -10, 400, LEAF, OTHER, "a.example", { NULL }, -1,
	  "key.pem is not the key of ", 0 },
	{ "another certificate's key, issued", ISSUED, { NULL }, NULL,
	  "DNS:a.example", -10, 80, FULL, OTHER, "a.example", { NULL }, -1,
	  "use the key it was issued for", 0 },
	{ "an encrypted key", ISSUED, { NULL }, NULL, "DNS:a.example", -10,
	  80, FULL, ENCRYPTED, "a.example", { NULL }, -1,
	  "key.pem: cannot load the key: the private key is encrypted", 0 },
	{ "a key cut short", ISSUED, { NULL }, NULL, "DNS:a.example", -10,
	  80, FULL, CUT, "a.example", { NULL }, -1,
	  "key.pem: cannot load the key: no END line", 0 },

	/* The chain's order. */
	{ "leaf, intermediate, root", ISSUED, { NULL }, NULL,
	  "DNS:a.example", -10, 80, FULL, OWN, "a.example", { NULL }, 0,
	  NULL, 0 },
	{ "leaf, intermediate", ISSUED, { NULL }, NULL, "DNS:a.example", -10,
	  80, LEAF_INTER, OWN, "a.example", { NULL }, 0, NULL, 0 },
	{ "leaf alone", ISSUED, { NULL }, NULL, "DNS:a.example", -10, 80,
	  LEAF, OWN, "a.example", { NULL }, 0, NULL, 0 },
	{ "the root before the intermediate", ISSUED, { NULL }, NULL,
	  "DNS:a.example", -10, 80, ROOT_BEFORE_INTER, OWN, "a.example",
	  { NULL }, -1, "cert.pem: certificate 2 in it (Test Root CA) did not "
	  "issue certificate 1 (a.example): put the host's certificate first, "
	  "then each issuer after the certificate it issued", 0 },
	{ "the intermediate first", ISSUED, { NULL }, NULL, "DNS:a.example",
	  -10, 80, INTER_FIRST, OWN, "a.example", { NULL }, -1,
	  "certificate 2 in it (a.example) did not issue certificate 1 "
	  "(Test Intermediate CA)", 0 },

	/* No certificate. */
	{ "an empty file", SELF, { NULL }, NULL, "DNS:a.example", -10, 400,
	  EMPTY, OWN, "a.example", { NULL }, -1,
	  "cert.pem: cannot read the certificate: ", 0 },
	{ "no file", SELF, { NULL }, NULL, "DNS:a.example", -10, 400,
	  NO_FILE, OWN, "a.example", { NULL }, -1,
	  "cert.pem: cannot read the certificate: ", 0 },
};

static size_t
count(const char *const *list)
{
	size_t n = 0;

	while (n < NAMES_MAX && list[n] != NULL)
		n++;
	return n;
}

static void
write_certs(const char *path, X509 *const *certs, size_t n)
{
	FILE *fp = fopen(path, "w");
	size_t i;

	assert_non_null(fp);
	for (i = 0; i < n; i++)
		assert_int_equal(PEM_write_X509(fp, certs[i]), 1);
	assert_int_equal(fclose(fp), 0);
}

static void
write_key(const char *path, EVP_PKEY *key, int encrypted)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(PEM_write_PrivateKey(fp, key, encrypted ?
	    EVP_aes_128_cbc() : NULL, encrypted ? (unsigned char *)"pass" :
	    NULL, encrypted ? 4 : 0, NULL, NULL), 1);
	assert_int_equal(fclose(fp), 0);
}

/* Makes the row's files in dir: cert.pem and key.pem. */
static void
make_files(const struct check_case *c, const char *cert, const char *key)
{
	struct cert_names names;
	X509 *leaf, *order[3];
	char err[512];
	struct stat sb;

	if (c->made_by == GENERATED) {
		names.host = c->made_for[0];
		names.naliases = count(c->made_for + 1);
		names.aliases = names.naliases > 0 ? c->made_for + 1 : NULL;
		if (cert_ensure(cert, key, &names, (uid_t)-1, (gid_t)-1, err,
		    sizeof(err)) != 1)
			fail_msg("%s: %s", c->what, err);
		if (c->key == OTHER) {
			assert_int_equal(unlink(key), 0);
			write_key(key, other_key, 0);
		}
		return;
	}
	leaf = make_x509(leaf_key, c->cn, c->san, c->from, c->to,
	    c->made_by == ISSUED ? inter : NULL, inter_key, 0);
	order[0] = leaf;
	switch (c->chain) {
	case LEAF:
		write_certs(cert, order, 1);
		break;
	case FULL:
	case LEAF_INTER:
		order[1] = inter;
		order[2] = root;
		write_certs(cert, order, c->chain == FULL ? 3 : 2);
		break;
	case ROOT_BEFORE_INTER:
		order[1] = root;
		order[2] = inter;
		write_certs(cert, order, 3);
		break;
	case INTER_FIRST:
		order[0] = inter;
		order[1] = leaf;
		write_certs(cert, order, 2);
		break;
	case EMPTY:
		write_certs(cert, order, 0);
		break;
	case NO_FILE:
		break;
	}
	X509_free(leaf);
	write_key(key, c->key == OTHER ? other_key : leaf_key,
	    c->key == ENCRYPTED);
	if (c->key == CUT) {
		assert_int_equal(stat(key, &sb), 0);
		assert_int_equal(truncate(key, sb.st_size / 2), 0);
	}
}

static void
test_check_table(void **state)
{
	char cert[PATH_MAX], key[PATH_MAX], dir[PATH_MAX], err[1024];
	char prefix[PATH_MAX + 300], date[16];
	const struct check_case *c;
	struct cert_names names;
	struct cert_status st;
	const char *said;
	struct tm tm;
	time_t when;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		c = &check_cases[i];
		snprintf(dir, sizeof(dir), "check%zu", i);
		assert_int_equal(mkdir(in_tmp(cert, dir), 0700), 0);
		snprintf(dir, sizeof(dir), "check%zu/cert.pem", i);
		in_tmp(cert, dir);
		snprintf(dir, sizeof(dir), "check%zu/key.pem", i);
		in_tmp(key, dir);
		make_files(c, cert, key);

		names.host = c->host;
		names.naliases = count(c->aliases);
		names.aliases = names.naliases > 0 ? c->aliases : NULL;
		err[0] = '\0';
		rc = cert_check(cert, c->key == NOT_GIVEN ? NULL : key, &names,
		    now, &st, err, sizeof(err));
		if (rc != c->rc)
			fail_msg("%s: returned %d, not %d (%s)", c->what, rc,
			    c->rc, err);
		said = rc == 0 ? st.warning : err;
		if (rc == -1) {
			/* Every message names the host, then a file. */
			snprintf(prefix, sizeof(prefix),
			    "host \"%s\": %s/check%zu/", c->host, tmp, i);
			if (strncmp(err, prefix, strlen(prefix)) != 0)
				fail_msg("%s: \"%s\" does not start with "
				    "\"%s\"", c->what, err, prefix);
		}
		if (c->expect == NULL && said[0] != '\0')
			fail_msg("%s: said \"%s\"", c->what, said);
		if (c->expect != NULL && strstr(said, c->expect) == NULL)
			fail_msg("%s: said \"%s\", not \"%s\"", c->what, said,
			    c->expect);
		if (c->date != 0) {
			when = now + (time_t)(c->date > 0 ? c->to : c->from) *
			    86400;
			gmtime_r(&when, &tm);
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
			if (strstr(said, date) == NULL)
				fail_msg("%s: said \"%s\", without %s",
				    c->what, said, date);
		}
		if (c->chain != NO_FILE && c->chain != EMPTY) {
			assert_int_equal(st.generated, c->made_by == GENERATED);
			assert_int_equal(st.self_signed, c->made_by != ISSUED);
			assert_int_equal(strlen(st.fingerprint), 95);
		}
	}
}

/* The one way kizuna writes a fingerprint: every byte, upper case, colons. */
static void
test_fingerprint_text(void **state)
{
	unsigned char digest[CERT_SHA256_SIZE];
	char text[CERT_FINGERPRINT_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(digest); i++)
		digest[i] = (unsigned char)(i * 8 + 7);
	digest[0] = 0x00;
	digest[sizeof(digest) - 1] = 0xff;
	memset(text, 'x', sizeof(text));
	cert_fingerprint_text(digest, text);
	assert_string_equal(text, "00:0F:17:1F:27:2F:37:3F:47:4F:57:5F:67:6F:"
	    "77:7F:87:8F:97:9F:A7:AF:B7:BF:C7:CF:D7:DF:E7:EF:F7:FF");
	assert_int_equal(strlen(text) + 1, sizeof(text));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_text),
		cmocka_unit_test_setup_teardown(test_generate_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_generate_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_table, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, setup_ca, teardown_ca);
}
