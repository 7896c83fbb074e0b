/*
 * ratelimit.c - the token bucket's arithmetic.
 */
#include "ratelimit.h"

/*
 * Tokens are counted in 1/60,000ths of a request so that a refill of
 * per_minute requests a minute is exactly per_minute units a millisecond:
 * integers only, no rounding drift.
 */
#define UNITS_PER_REQUEST 60000LL

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

int
rate_bucket_full(const struct rate_bucket *b, long long now_ms,
    int per_minute, int burst)
{
	long long missing = (long long)burst * UNITS_PER_REQUEST - b->tokens;
	long long elapsed = now_ms - b->updated_ms;

	if (per_minute <= 0 || b->updated_ms == 0 || missing <= 0)
		return 1;
	if (elapsed <= 0)
		return 0;
	/* Compared by division: elapsed * per_minute may overflow. */
	return elapsed >= (missing + per_minute - 1) / per_minute;
}
