/*
 * fuzz_sni.c - libFuzzer target for sni.c.
 *
 * The input is a server_name extension's body. A name read is the
 * input's own bytes at its place, lowered, printable ASCII, 1 to 255 of
 * them, and only when the lengths agree with the input's; a refusal says
 * why and leaves no name. Built with -fsanitize=fuzzer to fuzz, or with
 * replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sni.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[SNI_NAME_MAX + 1];
	const char *why = NULL;
	size_t n, i;
	int rc;

	rc = sni_host_name(data, size, name, sizeof(name), &why);
	CHECK(rc == -1 || rc == 0 || rc == 1);
	if (rc == -1) {
		CHECK(why != NULL && why[0] != '\0');
		CHECK(name[0] == '\0');
		return 0;
	}
	/* Well formed: one host_name filling the list. */
	CHECK(size >= 6 && data[2] == 0);
	n = (size_t)data[3] << 8 | data[4];
	CHECK(n >= 1 && n <= SNI_NAME_MAX && size == n + 5);
	CHECK(((size_t)data[0] << 8 | data[1]) == n + 3);
	if (rc == 0) {
		CHECK(name[0] == '\0');
		return 0;
	}
	CHECK(strlen(name) == n);
	for (i = 0; i < n; i++) {
		CHECK(name[i] > 0x20 && name[i] < 0x7f);
		CHECK(name[i] == (data[5 + i] >= 'A' && data[5 + i] <= 'Z' ?
		    data[5 + i] + 32 : data[5 + i]));
	}
	return 0;
}
