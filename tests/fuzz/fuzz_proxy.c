/*
 * fuzz_proxy.c - libFuzzer target for proxy.c.
 *
 * The input is the first bytes of a connection. The server reads them as
 * they come, so every beginning of the input is parsed too, and the
 * answers must tell one consistent story: NEED_MORE for a while, then
 * either OK for good (the same header, whatever follows) or INVALID for
 * good. A header never claims more bytes than it was given, and never
 * asks for more than PROXY_HEADER_MAX. Built with -fsanitize=fuzzer to
 * fuzz, or with replay.c to run the corpus in `make test`.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proxy.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_header(const uint8_t *data, size_t len, const struct proxy_header *h)
{
	CHECK(h->length <= len);
	CHECK(h->length <= PROXY_HEADER_MAX);
	CHECK(h->version == 1 || h->version == 2);
	if (h->version == 1) {
		/* The shortest line is "PROXY UNKNOWN\r\n". */
		CHECK(h->length >= 15 && h->length <= PROXY_V1_MAX);
		CHECK(data[h->length - 2] == '\r' && data[h->length - 1] == '\n');
		CHECK(memchr(data, '\r', h->length - 2) == NULL);
	} else {
		CHECK(h->length >= 16);
		CHECK(h->length == 16 + ((size_t)data[14] << 8 | data[15]));
	}
	if (h->has_source) {
		CHECK(h->source.ss_family == AF_INET ||
		    h->source.ss_family == AF_INET6);
		CHECK(h->destination.ss_family == AF_INET ||
		    h->destination.ss_family == AF_INET6);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_header first, h;
	const char *why;
	enum proxy_result r, settled = PROXY_NEED_MORE;
	size_t k, limit = size < PROXY_HEADER_MAX + 8 ? size : PROXY_HEADER_MAX + 8;

	memset(&first, 0, sizeof(first));
	/* Every beginning up to past the longest header, then the whole. */
	for (k = 0;; k = k < limit ? k + 1 : size) {
		why = NULL;
		memset(&h, 0, sizeof(h));
		r = proxy_parse(data, k, &h, &why);
		switch (r) {
		case PROXY_NEED_MORE:
			CHECK(settled == PROXY_NEED_MORE);
			CHECK(k < PROXY_HEADER_MAX);
			break;
		case PROXY_INVALID:
			CHECK(settled != PROXY_OK);
			CHECK(why != NULL && why[0] != '\0');
			break;
		case PROXY_OK:
			CHECK(settled != PROXY_INVALID);
			check_header(data, k, &h);
			if (settled == PROXY_OK)
				CHECK(memcmp(&h, &first, sizeof(h)) == 0);
			first = h;
			break;
		}
		settled = r;
		if (k == size)
			break;
	}
	/* The header alone, without what followed, reads the same. */
	if (settled == PROXY_OK) {
		memset(&h, 0, sizeof(h));
		CHECK(proxy_parse(data, first.length, &h, &why) == PROXY_OK);
		CHECK(memcmp(&h, &first, sizeof(h)) == 0);
	}
	return 0;
}
