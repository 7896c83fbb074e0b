/*
 * test_pem.c - pem.c: the DER inside a private key's PEM text.
 *
 * Table-driven. The three keys are throwaway test keys made with openssl
 * (genpkey ed25519; ecparam -genkey, which writes its parameters first;
 * genrsa -traditional 512); their DER is what Python's base64 module
 * decodes from the same text.
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

/* openssl ec_sec1 */
static const char ec_sec1_pem[] =
	    "-----BEGIN EC PARAMETERS-----\n"
	    "BggqhkjOPQMBBw==\n"
	    "-----END EC PARAMETERS-----\n"
	    "-----BEGIN EC PRIVATE KEY-----\n"
	    "MHcCAQEEIMHLdo9WuBgb4W/2fClgkHaS6mKcSb7e5fXTbzCUS5DQoAoGCCqGSM49\n"
	    "AwEHoUQDQgAE7iaLVdNtSsmLOKMTUvWRJR5KXq4xod1UCxc220jafBavu6DaFkEr\n"
	    "5VmNgA9yxcjH2yNSH4pOqFuaPvyV3Q6fHw==\n"
	    "-----END EC PRIVATE KEY-----\n";
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
};

#define PLENTY 1024

static const struct pem_case cases[] = {
	/* Keys as openssl writes them. */
	{ "ed25519, PKCS #8", S(ed25519_pem), ed25519_der, PLENTY },
	{ "EC, SEC1 after its parameters", S(ec_sec1_pem), ec_sec1_der, PLENTY },
	{ "RSA, PKCS #1", S(rsa512_pem), rsa512_der, PLENTY },

	/* Line ends, blanks, what surrounds the key. */
	{ "CRLF", S(ED_BEGIN "\r\n" ED_BODY "\r\n" ED_END "\r\n"),
	  ed25519_der, PLENTY },
	{ "no final newline", S(ED_BEGIN "\n" ED_BODY "\n" ED_END),
	  ed25519_der, PLENTY },
	{ "blanks after the armour lines",
	  S(ED_BEGIN " \t\r\n" ED_BODY "\n" ED_END "  \n"), ed25519_der, PLENTY },
	{ "blanks inside the base64",
	  S(ED_BEGIN "\n MC4C AQAw\tBQYDK2Vw\r\n\nBCIEILD+5VK/cAqHGspqlu5Bjm6C"
	    "qP7OINmp5GkXJLdTpp5M \n" ED_END "\n"), ed25519_der, PLENTY },
	{ "END right after the base64", S(ED_BEGIN "\n" ED_BODY ED_END "\n"),
	  ed25519_der, PLENTY },
	{ "text before, junk after",
	  S("A throwaway key for tests.\n\n" ED_KEY "junk \x01\xff\n"
	    "-----BEGIN\n"), ed25519_der, PLENTY },
	{ "after a certificate",
	  S("-----BEGIN CERTIFICATE-----\nMIIBaz==\n"
	    "-----END CERTIFICATE-----\n" ED_KEY), ed25519_der, PLENTY },

	/* Padding (RFC 4648 section 4). */
	{ "one byte, ==", S(KEY_OF("YQ==")), "61", PLENTY },
	{ "two bytes, =", S(KEY_OF("YWI=")), "6162", PLENTY },
	{ "three bytes, none", S(KEY_OF("YWJj")), "616263", PLENTY },
	{ "padding across a line break", S(KEY_OF("YWJjZA\n==")),
	  "61626364", PLENTY },

	/* Not a private key, or not one kizuna can use. */
	{ "empty", S(""), NULL, PLENTY },
	{ "base64 alone", S(ED_BODY "\n"), NULL, PLENTY },
	{ "a certificate", S("-----BEGIN CERTIFICATE-----\n" ED_BODY "\n"
	    "-----END CERTIFICATE-----\n"), NULL, PLENTY },
	{ "a public key", S("-----BEGIN PUBLIC KEY-----\n" ED_BODY "\n"
	    "-----END PUBLIC KEY-----\n"), NULL, PLENTY },
	{ "EC parameters alone", S("-----BEGIN EC PARAMETERS-----\n"
	    "BggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"), NULL, PLENTY },
	{ "PKCS #8 encrypted", S("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	    ED_BODY "\n-----END ENCRYPTED PRIVATE KEY-----\n"), NULL, PLENTY },
	{ "PKCS #1 encrypted (RFC 1421 headers)",
	  S("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-128-CBC,7791B644F6B7C47CB3D761D117C8B4E6\n\n"
	    "YWJj\n-----END RSA PRIVATE KEY-----\n"), NULL, PLENTY },
	{ "label in lower case", S("-----begin private key-----\n" ED_BODY
	    "\n-----end private key-----\n"), NULL, PLENTY },
	{ "BEGIN line without its dashes", S("-----BEGIN PRIVATE KEY\n"
	    ED_BODY "\n" ED_END "\n"), NULL, PLENTY },
	{ "BEGIN line last", S("text\n" ED_BEGIN), NULL, PLENTY },
	{ "no END line", S(ED_BEGIN "\n" ED_BODY "\n"), NULL, PLENTY },
	{ "END line cut", S(ED_BEGIN "\n" ED_BODY "\n-----END PRIVATE KEY--"),
	  NULL, PLENTY },
	{ "END label not BEGIN's", S(ED_BEGIN "\n" ED_BODY "\n"
	    "-----END EC PRIVATE KEY-----\n"), NULL, PLENTY },
	{ "nothing between BEGIN and END", S(ED_BEGIN "\n" ED_END "\n"),
	  NULL, PLENTY },

	/* Bad base64. */
	{ "not a base64 digit", S(KEY_OF("YW*j")), NULL, PLENTY },
	{ "URL-safe alphabet", S(KEY_OF("YW_j")), NULL, PLENTY },
	{ "a NUL", S(KEY_OF("YW\0j")), NULL, PLENTY },
	{ "a byte above 127", S(KEY_OF("YW\xc3\xa9")), NULL, PLENTY },
	{ "a lone dash", S(KEY_OF("YW-j")), NULL, PLENTY },
	{ "cut short", S(KEY_OF("YWJjZA")), NULL, PLENTY },
	{ "padding in the middle", S(KEY_OF("YQ==YWJj")), NULL, PLENTY },
	{ "padding first", S(KEY_OF("=WJj")), NULL, PLENTY },
	{ "three pads", S(KEY_OF("Y===")), NULL, PLENTY },
	{ "padding then more", S(KEY_OF("YWI=j")), NULL, PLENTY },

	/* The buffer's size. */
	{ "ed25519 in exactly its size", S(ed25519_pem), ed25519_der, 48 },
	{ "ed25519 one byte short", S(ed25519_pem), NULL, 47 },
	{ "padded in exactly its size", S(KEY_OF("YWI=")), "6162", 2 },
	{ "padded one byte short", S(KEY_OF("YWI=")), NULL, 1 },
	{ "no buffer", S(ed25519_pem), NULL, 0 },
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
