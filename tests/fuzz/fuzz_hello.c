/*
 * fuzz_hello.c - libFuzzer target for hello.c.
 *
 * The input's first byte chooses TLS 1.2 (its low bit) and a read size
 * (the rest, 1 to 128); the other bytes are what a client sends. The
 * verdict must not depend on how the bytes are cut into reads, and once
 * the scan is sealed nothing changes it. Built with -fsanitize=fuzzer to
 * fuzz, or with replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>

#include "hello.h"
#include "fuzz_check.h"

#define MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hello_scan whole = { .sealed = 0 }, cut = { .sealed = 0 };
	enum hello_verdict v, w = HELLO_FINE;
	size_t step, i, k;
	int tls12;

	if (size < 1)
		return 0;
	tls12 = data[0] & 1;
	step = (size_t)(data[0] >> 1) + 1;
	data++;
	size--;
	v = hello_scan_feed(&whole, data, size, MAX, tls12);
	CHECK(v == HELLO_FINE || v == HELLO_TOO_BIG || v == HELLO_SPLIT);
	for (i = 0; i < size && w == HELLO_FINE; i += k) {
		k = size - i < step ? size - i : step;
		w = hello_scan_feed(&cut, data + i, k, MAX, tls12);
	}
	CHECK(v == w);
	if (v == HELLO_FINE && whole.sealed)
		CHECK(hello_scan_feed(&whole, data, size, MAX, tls12) ==
		    HELLO_FINE);
	return 0;
}
