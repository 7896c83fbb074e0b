/*
 * admission.c - max_per_ip and rate_limit, per client address, in a keyed
 * table that stores the addresses.
 */
#define _GNU_SOURCE
#include "admission.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ratelimit.h"
#include "siphash.h"

/* Entries per lock, about: one lock for all would serialise the workers at
 * every accept and close. */
#define SHARD_ENTRIES 256
#define MAX_SHARDS 64
/* Entries per max_connections: only entries with open connections are
 * held, so the table stays at most a quarter held. */
#define ENTRIES_PER_CONNECTION 4

struct entry {
	uint64_t prefix;
	int family;                 /* 0: free */
	int open;                   /* counted connections: held while > 0 */
	struct rate_bucket bucket;
};

struct shard {
	pthread_mutex_t lock;
};

/*
 * Invariant: an address has at most one entry, within the ADMISSION_PROBES
 * entries of its window (from its hash's position, wrapping in its shard);
 * every search looks at the whole window, so a freed entry before another
 * never hides it. An entry with open > 0 is never moved or reused, which
 * is what makes a ticket (its index) valid until admission_leave.
 */
struct admission {
	unsigned char key[ADMISSION_KEY_SIZE];
	unsigned nentries;          /* a power of two */
	unsigned nshards;           /* a power of two, dividing nentries */
	unsigned shard_size;
	unsigned window;            /* min(ADMISSION_PROBES, shard_size) */
	struct shard *shards;
	struct entry *entries;
};

static unsigned
round_up_pow2(unsigned long long n)
{
	unsigned long long p = 1;

	while (p < n)
		p <<= 1;
	return p > (1ULL << 31) ? 1U << 31 : (unsigned)p;
}

struct admission *
admission_new_keyed(unsigned capacity,
    const unsigned char key[ADMISSION_KEY_SIZE])
{
	struct admission *a;
	unsigned i;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	memcpy(a->key, key, sizeof(a->key));
	a->nentries = round_up_pow2(capacity < ADMISSION_PROBES ?
	    ADMISSION_PROBES : capacity);
	a->nshards = a->nentries / SHARD_ENTRIES;
	if (a->nshards < 1)
		a->nshards = 1;
	if (a->nshards > MAX_SHARDS)
		a->nshards = MAX_SHARDS;
	a->shard_size = a->nentries / a->nshards;
	a->window = a->shard_size < ADMISSION_PROBES ? a->shard_size :
	    ADMISSION_PROBES;
	if ((a->entries = calloc(a->nentries, sizeof(*a->entries))) == NULL ||
	    (a->shards = calloc(a->nshards, sizeof(*a->shards))) == NULL) {
		free(a->entries);
		free(a);
		return NULL;
	}
	for (i = 0; i < a->nshards; i++)
		pthread_mutex_init(&a->shards[i].lock, NULL);
	return a;
}

struct admission *
admission_new(int max_connections)
{
	unsigned char key[ADMISSION_KEY_SIZE];
	struct admission *a;
	size_t got = 0;
	ssize_t n;

	/* Before the sandbox or inside it: getrandom is on its list. */
	while (got < sizeof(key)) {
		n = getrandom(key + got, sizeof(key) - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		got += (size_t)n;
	}
	a = admission_new_keyed((unsigned)max_connections *
	    ENTRIES_PER_CONNECTION, key);
	memset(key, 0, sizeof(key));
	return a;
}

void
admission_free(struct admission *a)
{
	unsigned i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nshards; i++)
		pthread_mutex_destroy(&a->shards[i].lock);
	free(a->shards);
	free(a->entries);
	memset(a->key, 0, sizeof(a->key));
	free(a);
}

int
admission_client_of(const struct sockaddr *sa, struct admission_client *cl)
{
	const unsigned char *p;
	int i, n;

	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *in6 =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		/* ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket:
		 * by its /64, every IPv4 client would count as one. */
		if (IN6_IS_ADDR_V4MAPPED(in6)) {
			p = in6->s6_addr + 12;
			n = 4;
			cl->family = AF_INET;
		} else {
			p = in6->s6_addr;
			n = 8;
			cl->family = AF_INET6;
		}
	} else if (sa->sa_family == AF_INET) {
		p = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		n = 4;
		cl->family = AF_INET;
	} else
		return -1;
	cl->prefix = 0;
	for (i = 0; i < n; i++)
		cl->prefix = (cl->prefix << 8) | p[i];
	return 0;
}

/* The first entry of cl's window, in its shard. */
static unsigned
window_start(const struct admission *a, const struct admission_client *cl,
    unsigned *shard)
{
	unsigned char in[9];
	uint64_t h;
	int i;

	in[0] = cl->family == AF_INET6 ? 6 : 4;
	for (i = 0; i < 8; i++)
		in[1 + i] = (unsigned char)(cl->prefix >> (56 - 8 * i));
	h = siphash24(a->key, in, sizeof(in));
	/* High bits choose the shard, low bits the place in it. */
	*shard = (unsigned)(h >> 32) & (a->nshards - 1);
	return *shard * a->shard_size + ((unsigned)h & (a->shard_size - 1));
}

/* The i-th entry of the window starting at start, wrapping in its shard. */
static unsigned
window_at(const struct admission *a, unsigned start, unsigned i)
{
	unsigned base = start & ~(a->shard_size - 1);

	return base + ((start - base + i) & (a->shard_size - 1));
}

/*
 * cl's entry, or a new one for it, or -1 when every entry of the window is
 * held by other clients' open connections. Called with the shard locked.
 * Reuses, in this order: a free entry, one whose bucket is full again (it
 * holds nothing worth keeping), then the one with the stalest bucket (its
 * client starts a full bucket: at worst a little leniency to a client that
 * has stopped long enough to be the stalest).
 */
static int
find_entry(struct admission *a, unsigned start,
    const struct admission_client *cl,
    const struct admission_limits *limits, long long now_ms)
{
	int spare = -1, stalest = -1;
	struct entry *e;
	unsigned i, k;

	for (i = 0; i < a->window; i++) {
		k = window_at(a, start, i);
		e = &a->entries[k];
		if (e->family == cl->family && e->prefix == cl->prefix)
			return (int)k;
		if (spare != -1 || e->open > 0)
			continue;
		if (e->family == 0 || rate_bucket_full(&e->bucket, now_ms,
		    limits->rate_limit, limits->rate_burst))
			spare = (int)k;
		else if (stalest == -1 || e->bucket.updated_ms <
		    a->entries[stalest].bucket.updated_ms)
			stalest = (int)k;
	}
	if (spare == -1)
		spare = stalest;
	if (spare != -1) {
		e = &a->entries[spare];
		memset(e, 0, sizeof(*e));
		e->family = cl->family;
		e->prefix = cl->prefix;
	}
	return spare;
}

enum admission_verdict
admission_enter(struct admission *a, const struct admission_client *cl,
    const struct admission_limits *limits, long long now_ms, int *ticket,
    int *retry_after)
{
	enum admission_verdict v = ADMISSION_ADMITTED;
	unsigned shard, start;
	struct entry *e;
	int k, wait;

	*ticket = -1;
	if (limits->max_per_ip <= 0 && limits->rate_limit <= 0)
		return ADMISSION_ADMITTED;
	start = window_start(a, cl, &shard);
	pthread_mutex_lock(&a->shards[shard].lock);
	/* No room: served without per-address limits, see admission.h. */
	if ((k = find_entry(a, start, cl, limits, now_ms)) == -1)
		goto out;
	e = &a->entries[k];
	if (limits->max_per_ip > 0) {
		if (e->open >= limits->max_per_ip) {
			v = ADMISSION_TOO_MANY_CONNECTIONS;
			goto out;
		}
		e->open++;
		*ticket = k;
	}
	if (limits->rate_limit > 0 && (wait = rate_bucket_take(&e->bucket,
	    now_ms, limits->rate_limit, limits->rate_burst)) > 0) {
		*retry_after = wait;
		v = ADMISSION_TOO_MANY_REQUESTS;
	}
out:
	pthread_mutex_unlock(&a->shards[shard].lock);
	return v;
}

void
admission_leave(struct admission *a, int ticket)
{
	unsigned shard;

	if (ticket < 0)
		return;
	shard = (unsigned)ticket / a->shard_size;
	pthread_mutex_lock(&a->shards[shard].lock);
	a->entries[ticket].open--;
	pthread_mutex_unlock(&a->shards[shard].lock);
}

unsigned
admission_place(const struct admission *a, const struct admission_client *cl)
{
	unsigned shard;

	return window_start(a, cl, &shard);
}

int
admission_open(struct admission *a, const struct admission_client *cl)
{
	unsigned shard, start, i, k;
	int open = 0;

	start = window_start(a, cl, &shard);
	pthread_mutex_lock(&a->shards[shard].lock);
	for (i = 0; i < a->window; i++) {
		k = window_at(a, start, i);
		if (a->entries[k].family == cl->family &&
		    a->entries[k].prefix == cl->prefix)
			open = a->entries[k].open;
	}
	pthread_mutex_unlock(&a->shards[shard].lock);
	return open;
}
