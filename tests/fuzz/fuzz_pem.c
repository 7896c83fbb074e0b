/*
 * fuzz_pem.c - libFuzzer target for pem.c.
 *
 * The input is a key file. The DER goes into a buffer of exactly the size
 * pem.h promises is enough (len / 4 * 3), so ASan catches a write past it.
 * What is accepted must read the same given exactly its size, be refused
 * given one byte less, and come back unchanged through a PEM this harness
 * writes itself (its own base64 encoder, 64 columns, as openssl writes).
 * A refusal always says why. Built with -fsanitize=fuzzer to fuzz, or
 * with replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pem.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Room for n bytes as PEM: base64, a newline per 64 of it, the armour. */
#define PEM_SIZE(n) ((n) / 3 * 4 + 4 + (n) / 48 + 2 + 64)

/* der[0..n) as a PKCS #8 PEM into out (PEM_SIZE(n)); returns its length. */
static size_t
to_pem(const unsigned char *der, size_t n, char *out)
{
	static const char begin[] = "-----BEGIN PRIVATE KEY-----\n";
	static const char end[] = "-----END PRIVATE KEY-----\n";
	size_t i, len = 0, col = 0;
	uint32_t v;

	memcpy(out, begin, sizeof(begin) - 1);
	len = sizeof(begin) - 1;
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)der[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)der[i + 1] << 8;
		if (i + 2 < n)
			v |= der[i + 2];
		out[len++] = b64[v >> 18 & 63];
		out[len++] = b64[v >> 12 & 63];
		out[len++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[len++] = i + 2 < n ? b64[v & 63] : '=';
		if ((col += 4) == 64) {
			out[len++] = '\n';
			col = 0;
		}
	}
	if (col != 0)
		out[len++] = '\n';
	memcpy(out + len, end, sizeof(end) - 1);
	return len + sizeof(end) - 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pem = (const char *)data, *why = NULL;
	size_t bound = size / 4 * 3;
	unsigned char *der, *again;
	char *text;
	long n, m;

	/* malloc(0) may be NULL: one spare byte, outside the size given. */
	der = malloc(bound + 1);
	again = malloc(bound + 1);
	CHECK(der != NULL && again != NULL);
	n = pem_key_to_der(pem, size, der, bound, &why);
	if (n == -1) {
		CHECK(why != NULL && why[0] != '\0');
		goto out;
	}
	CHECK(n > 0 && (size_t)n <= bound);

	/* Exactly its size is enough; one byte less is not. */
	CHECK(pem_key_to_der(pem, size, again, (size_t)n, &why) == n);
	CHECK(memcmp(der, again, (size_t)n) == 0);
	why = NULL;
	CHECK(pem_key_to_der(pem, size, again, (size_t)n - 1, &why) == -1);
	CHECK(why != NULL && why[0] != '\0');

	/* Written out again, it reads back the same. */
	text = malloc(PEM_SIZE((size_t)n));
	CHECK(text != NULL);
	m = pem_key_to_der(text, to_pem(der, (size_t)n, text), again,
	    (size_t)n, &why);
	CHECK(m == n && memcmp(der, again, (size_t)n) == 0);
	free(text);
out:
	free(der);
	free(again);
	return 0;
}
