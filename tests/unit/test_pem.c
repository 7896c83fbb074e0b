/*
 * test_pem.c - pem.c: the DER inside a private key's PEM text.
 *
 * Table-driven. The four keys are throwaway test keys made with openssl
 * (genpkey ed25519; genpkey P-256, as kizuna writes its own; ecparam
 * -genkey, which writes its parameters first; genrsa -traditional 512);
 * their DER is what Python's base64 module decodes from the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pem.h"

/* openssl ed25519 */
static const char ed25519_pem[] =
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MC4CAQAwBQYDK2VwBCIEILD+5VK/cAqHGspqlu5Bjm6CqP7OINmp5GkXJLdTpp5M\n"
	    "-----END PRIVATE KEY-----\n";
static const char ed25519_der[] =
	    "302e020100300506032b657004220420b0fee552bf700a871aca6a96ee418e6e"
	    "82a8fece20d9a9e4691724b753a69e4c";

/* openssl p256 (PKCS #8, as kizuna writes the key it generates) */
static const char p256_pem[] =
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgB+h+jcfdvUT8GsoL\n"
	    "rU0i6IQgBWZ0bzXsDh+jEzAi9juhRANCAAS+6XfhUSXwCK9gAmxFZb0ajtHyaHuh\n"
	    "monNpFELoREB2n0VJP/M5vO0a5PJ7YUq4DqVOFPyqaQbs1Vp+m3+E+37\n"
	    "-----END PRIVATE KEY-----\n";
static const char p256_der[] =
	    "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b02"
	    "0101042007e87e8dc7ddbd44fc1aca0bad4d22e884200566746f35ec0e1fa313"
	    "3022f63ba14403420004bee977e15125f008af60026c4565bd1a8ed1f2687ba1"
	    "9a89cda4510ba11101da7d1524ffcce6f3b46b93c9ed852ae03a953853f2a9a4"
	    "1bb35569fa6dfe13edfb";

/* openssl ec_sec1, with each line ended by NL */
#define EC_PARAMS(NL) \
	    "-----BEGIN EC PARAMETERS-----" NL \
	    "BggqhkjOPQMBBw==" NL \
	    "-----END EC PARAMETERS-----" NL
#define EC_BEGIN "-----BEGIN EC PRIVATE KEY-----"
#define EC_LINE1 "MHcCAQEEIMHLdo9WuBgb4W/2fClgkHaS6mKcSb7e5fXTbzCUS5DQoAoGCCqGSM49"
#define EC_LINE2 "AwEHoUQDQgAE7iaLVdNtSsmLOKMTUvWRJR5KXq4xod1UCxc220jafBavu6DaFkEr"
#define EC_LINE3 "5VmNgA9yxcjH2yNSH4pOqFuaPvyV3Q6fHw=="
#define EC_END "-----END EC PRIVATE KEY-----"
#define EC_SEC1(NL) \
	    EC_BEGIN NL EC_LINE1 NL EC_LINE2 NL EC_LINE3 NL EC_END NL
static const char ec_sec1_pem[] = EC_PARAMS("\n") EC_SEC1("\n");
static const char ec_sec1_der[] =
	    "30770201010420c1cb768f56b8181be16ff67c2960907692ea629c49bedee5f5"
	    "d36f30944b90d0a00a06082a8648ce3d030107a14403420004ee268b55d36d4a"
	    "c98b38a31352f591251e4a5eae31a1dd540b1736db48da7c16afbba0da16412b"
	    "e5598d800f72c5c8c7db23521f8a4ea85b9a3efc95dd0e9f1f";

/* openssl rsa512 */
static const char rsa512_pem[] =
	    "-----BEGIN RSA PRIVATE KEY-----\n"
	    "MIIBOwIBAAJBAPQSmbRhO80M081/HhJ6jU+5OmQ1cmirMkFa9TEiYNW7dGssMUMd\n"
	    "qc35RRBRCfrc51dbHp4Ow8AaJ+3jZMkO1u0CAwEAAQJBAMnzthClv8iLy5kmjGh3\n"
	    "1QNZXXJbMv5eYSforiborj1Jz21OV4fG2Yi0FiD+PX6TW2Hr/AgvGgrwDdMfTRm2\n"
	    "DiECIQD++DdoVsAwLCvK3XD21rasUx/3bJbYeRuz4zswaEHaFQIhAPUPHD9iWRQY\n"
	    "3YxNkMQiF3uPLfCFDlSXQ0yaOT5eE3d5AiEAqy85/CqqdG1jpZuReZjlIsPYpYVZ\n"
	    "rdN6HwfEOJb3B5UCIBQvOG5oFVo4ahciVGgzPqfotSn4a6PACcUHduuSKBxRAiBy\n"
	    "QKGm7SyBBzwOlFUDu5RHgbZjzu+8IN0BJXiAg3I7gg==\n"
	    "-----END RSA PRIVATE KEY-----\n";
static const char rsa512_der[] =
	    "3082013b020100024100f41299b4613bcd0cd3cd7f1e127a8d4fb93a64357268"
	    "ab32415af5312260d5bb746b2c31431da9cdf945105109fadce7575b1e9e0ec3"
	    "c01a27ede364c90ed6ed0203010001024100c9f3b610a5bfc88bcb99268c6877"
	    "d503595d725b32fe5e6127e8ae26e8ae3d49cf6d4e5787c6d988b41620fe3d7e"
	    "935b61ebfc082f1a0af00dd31f4d19b60e21022100fef8376856c0302c2bcadd"
	    "70f6d6b6ac531ff76c96d8791bb3e33b306841da15022100f50f1c3f62591418"
	    "dd8c4d90c422177b8f2df0850e5497434c9a393e5e137779022100ab2f39fc2a"
	    "aa746d63a59b917998e522c3d8a58559add37a1f07c43896f707950220142f38"
	    "6e68155a386a17225468333ea7e8b529f86ba3c009c50776eb92281c51022072"
	    "40a1a6ed2c81073c0e945503bb944781b663ceefbc20dd0125788083723b82";

/* A certificate's block, as a chain file holds it (not read). */
#define CERT_BLOCK \
	"-----BEGIN CERTIFICATE-----\n" \
	"MIIBfTCCASOgAwIBAgIQXzv1AOWwBtR07bKQ01upKzAKBggqhkjOPQQDAjAUMRIw\n" \
	"-----END CERTIFICATE-----\n"

#define ED_BEGIN "-----BEGIN PRIVATE KEY-----"
#define ED_BODY "MC4CAQAwBQYDK2VwBCIEILD+5VK/cAqHGspqlu5Bjm6CqP7OINmp5GkXJLdTpp5M"
#define ED_END "-----END PRIVATE KEY-----"
#define ED_KEY ED_BEGIN "\n" ED_BODY "\n" ED_END "\n"
#define KEY_OF(b64) ED_BEGIN "\n" b64 "\n" ED_END "\n"

/* A text whose length sizeof knows (some hold NULs). */
#define S(s) (s), sizeof(s) - 1

struct pem_case {
	const char *name;
	const char *pem;
	size_t len;
	const char *der_hex;   /* the DER expected, or NULL: refused */
	size_t dersize;        /* the buffer given */
	const char *why;       /* refused: words its reason must hold */
};

#define PLENTY 1024

static const struct pem_case cases[] = {
	/* Keys as openssl writes them. */
	{ "ed25519, PKCS #8", S(ed25519_pem), ed25519_der, PLENTY, NULL },
	{ "P-256, PKCS #8", S(p256_pem), p256_der, PLENTY, NULL },
	{ "EC, SEC1 after its parameters", S(ec_sec1_pem), ec_sec1_der,
	  PLENTY, NULL },
	{ "EC, SEC1 alone", S(EC_SEC1("\n")), ec_sec1_der, PLENTY, NULL },
	{ "RSA, PKCS #1", S(rsa512_pem), rsa512_der, PLENTY, NULL },

	/* Line ends, blanks, what surrounds the key. */
	{ "CRLF", S(ED_BEGIN "\r\n" ED_BODY "\r\n" ED_END "\r\n"),
	  ed25519_der, PLENTY, NULL },
	{ "EC after its parameters, CRLF throughout",
	  S(EC_PARAMS("\r\n") EC_SEC1("\r\n")), ec_sec1_der, PLENTY, NULL },
	{ "CRLF and LF mixed",
	  S(EC_BEGIN "\r\n" EC_LINE1 "\n" EC_LINE2 "\r\n" EC_LINE3 "\n"
	    EC_END "\r\n"), ec_sec1_der, PLENTY, NULL },
	{ "no final newline", S(ED_BEGIN "\n" ED_BODY "\n" ED_END),
	  ed25519_der, PLENTY, NULL },
	{ "blanks after the armour lines",
	  S(ED_BEGIN " \t\r\n" ED_BODY "\n" ED_END "  \n"), ed25519_der,
	  PLENTY, NULL },
	{ "blanks inside the base64",
	  S(ED_BEGIN "\n MC4C AQAw\tBQYDK2Vw\r\n\nBCIEILD+5VK/cAqHGspqlu5Bjm6C"
	    "qP7OINmp5GkXJLdTpp5M \n" ED_END "\n"), ed25519_der, PLENTY, NULL },
	{ "END right after the base64", S(ED_BEGIN "\n" ED_BODY ED_END "\n"),
	  ed25519_der, PLENTY, NULL },
	{ "text before, junk after",
	  S("A throwaway key for tests.\n\n" ED_KEY "junk \x01\xff\n"
	    "-----BEGIN\n"), ed25519_der, PLENTY, NULL },

	/* Key and certificates in one file, in any order. */
	{ "after a certificate", S(CERT_BLOCK ED_KEY), ed25519_der, PLENTY,
	  NULL },
	{ "before a certificate", S(ED_KEY CERT_BLOCK), ed25519_der, PLENTY,
	  NULL },
	{ "certificate, parameters, key, chain",
	  S(CERT_BLOCK EC_PARAMS("\n") EC_SEC1("\n") CERT_BLOCK CERT_BLOCK),
	  ec_sec1_der, PLENTY, NULL },
	{ "the first of two keys", S(EC_SEC1("\n") ED_KEY), ec_sec1_der,
	  PLENTY, NULL },

	/* Padding (RFC 4648 section 4). */
	{ "one byte, ==", S(KEY_OF("YQ==")), "61", PLENTY, NULL },
	{ "two bytes, =", S(KEY_OF("YWI=")), "6162", PLENTY, NULL },
	{ "three bytes, none", S(KEY_OF("YWJj")), "616263", PLENTY, NULL },
	{ "padding across a line break", S(KEY_OF("YWJjZA\n==")),
	  "61626364", PLENTY, NULL },

	/* Not a private key. */
	{ "empty", S(""), NULL, PLENTY, "no BEGIN" },
	{ "base64 alone", S(ED_BODY "\n"), NULL, PLENTY, "no BEGIN" },
	{ "a certificate alone", S(CERT_BLOCK), NULL, PLENTY, "no BEGIN" },
	{ "a public key", S("-----BEGIN PUBLIC KEY-----\n" ED_BODY "\n"
	    "-----END PUBLIC KEY-----\n"), NULL, PLENTY, "no BEGIN" },
	{ "EC parameters alone", S(EC_PARAMS("\n")), NULL, PLENTY,
	  "no BEGIN" },
	{ "label in lower case", S("-----begin private key-----\n" ED_BODY
	    "\n-----end private key-----\n"), NULL, PLENTY, "no BEGIN" },
	{ "BEGIN line without its dashes", S("-----BEGIN PRIVATE KEY\n"
	    ED_BODY "\n" ED_END "\n"), NULL, PLENTY, "no BEGIN" },

	/* Encrypted: kizuna cannot ask for a passphrase. */
	{ "PKCS #8 encrypted", S("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	    ED_BODY "\n-----END ENCRYPTED PRIVATE KEY-----\n"), NULL, PLENTY,
	  "encrypted" },
	{ "PKCS #8 encrypted, CRLF, after a certificate", S(CERT_BLOCK
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----\r\n" ED_BODY "\r\n"
	    "-----END ENCRYPTED PRIVATE KEY-----\r\n"), NULL, PLENTY,
	  "encrypted" },
	{ "PKCS #1 encrypted (RFC 1421 headers)",
	  S("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-128-CBC,7791B644F6B7C47CB3D761D117C8B4E6\n\n"
	    "YWJj\n-----END RSA PRIVATE KEY-----\n"), NULL, PLENTY,
	  "encrypted" },
	{ "SEC1 encrypted (RFC 1421 headers), CRLF",
	  S(EC_PARAMS("\r\n") EC_BEGIN "\r\nProc-Type: 4,ENCRYPTED\r\n"
	    "DEK-Info: AES-128-CBC,8AA5C386114D02086FE0FA293373B944\r\n\r\n"
	    EC_LINE1 "\r\n" EC_END "\r\n"), NULL, PLENTY, "encrypted" },
	{ "a header that is not Proc-Type", S(EC_BEGIN "\nComment: ENCRYPTED\n"
	    EC_LINE1 "\n" EC_END "\n"), NULL, PLENTY, "not base64" },

	/* Armour that does not close. */
	{ "no END line", S(ED_BEGIN "\n" ED_BODY "\n"), NULL, PLENTY,
	  "no END line" },
	{ "END label not BEGIN's", S(ED_BEGIN "\n" ED_BODY "\n"
	    "-----END EC PRIVATE KEY-----\n"), NULL, PLENTY,
	  "no END line matching" },
	{ "nothing between BEGIN and END", S(ED_BEGIN "\n" ED_END "\n"),
	  NULL, PLENTY, "nothing between" },

	/* A file cut short (a copy interrupted, a full disk). */
	{ "cut inside BEGIN", S("-----BEGIN EC PRIV"), NULL, PLENTY,
	  "no BEGIN" },
	{ "cut after BEGIN", S("text\n" ED_BEGIN), NULL, PLENTY,
	  "no END line" },
	{ "cut after BEGIN's line end", S(EC_BEGIN "\n"), NULL, PLENTY,
	  "no END line" },
	{ "cut at a line end", S(EC_BEGIN "\n" EC_LINE1 "\n" EC_LINE2 "\n"),
	  NULL, PLENTY, "no END line" },
	{ "cut inside a line",
	  S(EC_BEGIN "\n" EC_LINE1 "\n" "AwEHoUQDQgAE7iaLVdNt"), NULL, PLENTY,
	  "no END line" },
	{ "cut inside a group", S(EC_BEGIN "\n" EC_LINE1 "\nAwE"), NULL,
	  PLENTY, "no END line" },
	{ "cut inside END", S(ED_BEGIN "\n" ED_BODY "\n-----END PRIVATE KEY--"),
	  NULL, PLENTY, "no END line matching" },
	{ "parameters, then cut before the key", S(EC_PARAMS("\n") "-----"),
	  NULL, PLENTY, "no BEGIN" },

	/* Bad base64. */
	{ "not a base64 digit", S(KEY_OF("YW*j")), NULL, PLENTY, "not base64" },
	{ "URL-safe alphabet", S(KEY_OF("YW_j")), NULL, PLENTY, "not base64" },
	{ "a NUL", S(KEY_OF("YW\0j")), NULL, PLENTY, "not base64" },
	{ "a byte above 127", S(KEY_OF("YW\xc3\xa9")), NULL, PLENTY,
	  "not base64" },
	{ "a lone dash", S(KEY_OF("YW-j")), NULL, PLENTY, "cut short" },
	{ "cut short", S(KEY_OF("YWJjZA")), NULL, PLENTY, "cut short" },
	{ "padding in the middle", S(KEY_OF("YQ==YWJj")), NULL, PLENTY,
	  "after the padding" },
	{ "padding first", S(KEY_OF("=WJj")), NULL, PLENTY, "padding" },
	{ "three pads", S(KEY_OF("Y===")), NULL, PLENTY, "padding" },
	{ "padding then more", S(KEY_OF("YWI=j")), NULL, PLENTY,
	  "after the padding" },

	/* The buffer's size. */
	{ "ed25519 in exactly its size", S(ed25519_pem), ed25519_der, 48,
	  NULL },
	{ "ed25519 one byte short", S(ed25519_pem), NULL, 47, "larger" },
	{ "padded in exactly its size", S(KEY_OF("YWI=")), "6162", 2, NULL },
	{ "padded one byte short", S(KEY_OF("YWI=")), NULL, 1, "larger" },
	{ "no buffer", S(ed25519_pem), NULL, 0, "larger" },
};

static size_t
from_hex(const char *hex, unsigned char *out, size_t size)
{
	size_t n = 0;
	unsigned v;

	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		assert_true(n < size);
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (unsigned char)v;
	}
	return n;
}

static void
test_cases(void **state)
{
	unsigned char der[PLENTY], want[PLENTY];
	const char *why;
	size_t i, nwant;
	long rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pem_case *c = &cases[i];

		memset(der, 0xa5, sizeof(der));
		why = NULL;
		rc = pem_key_to_der(c->pem, c->len, der, c->dersize, &why);
		if (c->der_hex == NULL) {
			if (rc != -1)
				fail_msg("%s: accepted (%ld bytes)", c->name, rc);
			if (why == NULL || why[0] == '\0')
				fail_msg("%s: refused without a reason",
				    c->name);
			if (c->why != NULL && strstr(why, c->why) == NULL)
				fail_msg("%s: refused as \"%s\", not with "
				    "\"%s\"", c->name, why, c->why);
			continue;
		}
		nwant = from_hex(c->der_hex, want, sizeof(want));
		if (rc != (long)nwant)
			fail_msg("%s: %ld bytes, want %zu (%s)", c->name, rc,
			    nwant, why != NULL ? why : "");
		assert_memory_equal(der, want, nwant);
		/* Nothing written past the DER. */
		if (nwant < sizeof(der))
			assert_int_equal(der[nwant], 0xa5);
	}
}

/* pem.h's promise: len / 4 * 3 bytes are always enough. */
static void
test_bound(void **state)
{
	unsigned char der[512];
	const char *why;
	size_t len = sizeof(rsa512_pem) - 1;

	(void)state;
	assert_true(len / 4 * 3 <= sizeof(der));
	assert_true(pem_key_to_der(rsa512_pem, len, der, len / 4 * 3,
	    &why) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
