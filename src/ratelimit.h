/*
 * ratelimit.h - the per-address request rate limit (config: rate_limit,
 * rate_burst): a token bucket per client address.
 *
 * Each address may make rate_burst requests at once, and then one more
 * every 60 / rate_limit seconds. PURE arithmetic, tested on its own; the
 * buckets live in admission.c's table, one per client.
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

/*
 * 1 when b is full at now_ms (or per_minute is 0: no limit), so that
 * forgetting it changes nothing: a new bucket is full. Else 0.
 */
int rate_bucket_full(const struct rate_bucket *b, long long now_ms,
    int per_minute, int burst);

#endif
