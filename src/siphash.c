/*
 * siphash.c - SipHash-2-4, written from the paper's description (section 2):
 * four 64-bit words of state, c = 2 rounds per 8-byte message word, d = 4
 * finalisation rounds, the last word padded with the message length.
 */
#include "siphash.h"

static uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* Little-endian, whatever the machine: the paper's byte order. */
static uint64_t
load64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void
sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl(s->v2, 32);
}

static void
sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t
siphash24(const unsigned char key[SIPHASH_KEY_SIZE], const void *data,
    size_t len)
{
	const unsigned char *p = data;
	uint64_t k0 = load64(key), k1 = load64(key + 8), last;
	struct sip_state s = {
		/* "somepseudorandomlygeneratedbytes" */
		.v0 = k0 ^ 0x736f6d6570736575ULL,
		.v1 = k1 ^ 0x646f72616e646f6dULL,
		.v2 = k0 ^ 0x6c7967656e657261ULL,
		.v3 = k1 ^ 0x7465646279746573ULL,
	};
	size_t i, tail = len % 8;

	for (i = 0; i + 8 <= len; i += 8)
		sip_compress(&s, load64(p + i));
	/* The last word: the remaining bytes, and len mod 256 on top. */
	last = (uint64_t)(len & 0xff) << 56;
	while (tail > 0) {
		tail--;
		last |= (uint64_t)p[i + tail] << (8 * tail);
	}
	sip_compress(&s, last);
	s.v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
