/*
 * admission.h - whether a new connection is served, by its client's
 * address: the per-address limits shared by every worker, max_per_ip (open
 * connections) and rate_limit (a token bucket, see ratelimit.h).
 *
 * Addresses are hashed into ADMISSION_SLOTS slots. Two addresses may share
 * one: then they share its limits, a rare and harmless over-count.
 */
#ifndef KIZUNA_ADMISSION_H
#define KIZUNA_ADMISSION_H

#include <sys/socket.h>

#include "config.h"

#define ADMISSION_SLOTS 65536

struct admission;

/* The tables for every slot (about 1.3 MB). NULL when out of memory. */
struct admission *admission_new(void);
void admission_free(struct admission *l);

/* The slot of a client address; IPv6 by its /64. */
unsigned admission_slot(const struct sockaddr *sa);

enum admission_verdict {
	ADMISSION_ADMITTED,
	ADMISSION_TOO_MANY_CONNECTIONS,   /* over max_per_ip */
	ADMISSION_TOO_MANY_REQUESTS,      /* out of rate_limit tokens */
};

/*
 * A new connection from slot at now_ms, under cfg's limits (0: none).
 * When max_per_ip is on, the connection is counted, even when refused (a
 * client that keeps opening more stays refused), *counted is set to 1 and
 * admission_leave must be called when it closes. When refused, *retry_after
 * is the seconds the client should wait.
 */
enum admission_verdict admission_enter(struct admission *l, unsigned slot,
    const struct config *cfg, long long now_ms, int *counted,
    int *retry_after);

/* A counted connection from slot closed. */
void admission_leave(struct admission *l, unsigned slot);

#endif
