/*
 * fuzz_ticket_keys.c - libFuzzer target for ticket_keys.c.
 *
 * The input is a ticket key file. Keys read are 1 to TICKET_MAX_KEYS,
 * each with its own name; a refusal says why, and names a line of the
 * input (or 0, for a file without a key). Reading is the same whatever
 * room is left after the keys found. Built with -fsanitize=fuzzer to
 * fuzz, or with replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ticket_keys.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ticket_key keys[TICKET_MAX_KEYS + 1];
	char err[256];
	size_t i, lines = 1;
	int rc, line, j, k;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	err[0] = 'x';
	rc = ticket_keys_parse((const char *)data, size, keys,
	    TICKET_MAX_KEYS + 1, &line, err, sizeof(err));
	if (rc == -1) {
		CHECK(err[0] != '\0' && strlen(err) < sizeof(err));
		CHECK(line >= 0 && (size_t)line <= lines);
		return 0;
	}
	CHECK(rc >= 1 && rc <= TICKET_MAX_KEYS && line == 0);
	/* Each key took at least its 160 digits. */
	CHECK(size >= (size_t)rc * TICKET_KEY_DIGITS);
	for (j = 0; j < rc; j++)
		for (k = 0; k < j; k++)
			CHECK(memcmp(keys[j].name, keys[k].name,
			    TICKET_NAME_SIZE) != 0);
	return 0;
}
