/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012): a keyed 64-bit hash for tables whose keys come
 * from the network, so that without the key nobody can choose inputs that
 * collide. PURE: no I/O, no allocation.
 */
#ifndef KIZUNA_SIPHASH_H
#define KIZUNA_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_SIZE 16

/* SipHash-2-4 of the len bytes at data under the 16-byte key, as the
 * paper's reference reads its output (little-endian). */
uint64_t siphash24(const unsigned char key[SIPHASH_KEY_SIZE],
    const void *data, size_t len);

#endif
