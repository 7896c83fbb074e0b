/*
 * admission.c - max_per_ip and rate_limit, per client address.
 */
#include "admission.h"

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ratelimit.h"

struct admission {
	atomic_int *open;          /* connections per slot, for max_per_ip */
	struct rate_table *rate;   /* token buckets per slot, for rate_limit */
};

struct admission *
admission_new(void)
{
	struct admission *a;

	/* Both tables always: a reload may turn either limit on. */
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->open = calloc(ADMISSION_SLOTS, sizeof(*a->open))) == NULL ||
	    (a->rate = rate_table_new(ADMISSION_SLOTS)) == NULL) {
		admission_free(a);
		return NULL;
	}
	return a;
}

void
admission_free(struct admission *a)
{
	if (a == NULL)
		return;
	free(a->open);
	rate_table_free(a->rate);
	free(a);
}

/*
 * FNV-1a over the IPv4 address, or over the first 64 bits of an IPv6 one,
 * since a single host commonly holds a whole /64 and could otherwise step
 * around the limits.
 */
unsigned
admission_slot(const struct sockaddr *sa)
{
	const unsigned char *p;
	unsigned h = 2166136261u;
	size_t i, n;

	if (sa->sa_family == AF_INET6) {
		p = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		n = 8;
	} else {
		p = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		n = 4;
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % ADMISSION_SLOTS;
}

enum admission_verdict
admission_enter(struct admission *a, unsigned slot, const struct config *cfg,
    long long now_ms, int *counted, int *retry_after)
{
	int wait;

	*counted = 0;
	if (cfg->max_per_ip > 0) {
		*counted = 1;
		if (atomic_fetch_add(&a->open[slot], 1) >= cfg->max_per_ip) {
			/* By then an idle connection of theirs has timed out. */
			*retry_after = cfg->timeout;
			return ADMISSION_TOO_MANY_CONNECTIONS;
		}
	}
	if (cfg->rate_limit > 0 && (wait = rate_table_take(a->rate, slot,
	    now_ms, cfg->rate_limit, cfg->rate_burst)) > 0) {
		*retry_after = wait;
		return ADMISSION_TOO_MANY_REQUESTS;
	}
	return ADMISSION_ADMITTED;
}

void
admission_leave(struct admission *a, unsigned slot)
{
	atomic_fetch_sub(&a->open[slot], 1);
}
