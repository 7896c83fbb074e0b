/*
 * ratelimit.h - the per-address request rate limit (config: rate_limit,
 * rate_burst): a token bucket per client address.
 *
 * Each address may make rate_burst requests at once, and then one more
 * every 60 / rate_limit seconds. The arithmetic (rate_bucket_take) is pure
 * and tested on its own; the table shares the buckets between workers.
 */
#ifndef KIZUNA_RATELIMIT_H
#define KIZUNA_RATELIMIT_H

/* One address's bucket. All zero is a full bucket: nothing seen yet. */
struct rate_bucket {
	long long updated_ms;   /* when tokens was last brought up to date */
	long long tokens;       /* in 1/60,000ths of a request: see .c */
};

/*
 * Takes one request's token from b at now_ms (a monotonic clock, > 0), the
 * bucket refilling at per_minute requests a minute up to burst. Returns 0
 * when the request may go ahead, or else how many whole seconds (>= 1) to
 * wait before the next token is there.
 */
int rate_bucket_take(struct rate_bucket *b, long long now_ms, int per_minute,
    int burst);

struct rate_table;

/* Buckets for nslots addresses (hashed), shared by every worker. NULL when
 * out of memory. */
struct rate_table *rate_table_new(unsigned nslots, int per_minute, int burst);
void rate_table_free(struct rate_table *t);

/* rate_bucket_take on slot's bucket, safe from any thread. */
int rate_table_take(struct rate_table *t, unsigned slot, long long now_ms);

#endif
