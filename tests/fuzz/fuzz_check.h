/*
 * fuzz_check.h - the invariant check every fuzz target uses.
 *
 * Not assert(): it must hold in every build, NDEBUG or not, and in the
 * replay binaries that make test runs with gcc.
 */
#ifndef KIZUNA_FUZZ_CHECK_H
#define KIZUNA_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
		    __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
