/*
 * ratelimit.c - token buckets per client address.
 */
#include "ratelimit.h"

#include <pthread.h>
#include <stdlib.h>

/*
 * Tokens are counted in 1/60,000ths of a request so that a refill of
 * per_minute requests a minute is exactly per_minute units a millisecond:
 * integers only, no rounding drift.
 */
#define UNITS_PER_REQUEST 60000LL

/* Buckets are guarded by stripes of locks: a lock per bucket would cost
 * more memory than the buckets, one lock for all would serialise workers. */
#define RATE_STRIPES 64

struct rate_table {
	unsigned nslots;
	int per_minute;
	int burst;
	pthread_mutex_t stripes[RATE_STRIPES];
	struct rate_bucket buckets[];
};

int
rate_bucket_take(struct rate_bucket *b, long long now_ms, int per_minute,
    int burst)
{
	long long full = (long long)burst * UNITS_PER_REQUEST;
	long long elapsed = now_ms - b->updated_ms, missing;

	if (b->updated_ms == 0 || elapsed >= full / per_minute)
		b->tokens = full;   /* also keeps elapsed * rate from overflowing */
	else if (elapsed > 0)
		b->tokens += elapsed * per_minute;
	if (b->tokens > full)
		b->tokens = full;
	if (elapsed > 0 || b->updated_ms == 0)
		b->updated_ms = now_ms;
	if (b->tokens >= UNITS_PER_REQUEST) {
		b->tokens -= UNITS_PER_REQUEST;
		return 0;
	}
	missing = UNITS_PER_REQUEST - b->tokens;
	/* Milliseconds until the token is whole, rounded up to seconds. */
	return (int)(((missing + per_minute - 1) / per_minute + 999) / 1000);
}

struct rate_table *
rate_table_new(unsigned nslots, int per_minute, int burst)
{
	struct rate_table *t;
	int i;

	t = calloc(1, sizeof(*t) + nslots * sizeof(t->buckets[0]));
	if (t == NULL)
		return NULL;
	t->nslots = nslots;
	t->per_minute = per_minute;
	t->burst = burst;
	for (i = 0; i < RATE_STRIPES; i++)
		pthread_mutex_init(&t->stripes[i], NULL);
	return t;
}

void
rate_table_free(struct rate_table *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < RATE_STRIPES; i++)
		pthread_mutex_destroy(&t->stripes[i]);
	free(t);
}

int
rate_table_take(struct rate_table *t, unsigned slot, long long now_ms)
{
	pthread_mutex_t *lock;
	int wait;

	slot %= t->nslots;
	lock = &t->stripes[slot % RATE_STRIPES];
	pthread_mutex_lock(lock);
	wait = rate_bucket_take(&t->buckets[slot], now_ms, t->per_minute,
	    t->burst);
	pthread_mutex_unlock(lock);
	return wait;
}
