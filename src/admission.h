/*
 * admission.h - whether a new connection is served, by its client's
 * address: the per-address limits shared by every worker, max_per_ip (open
 * connections) and rate_limit (a token bucket, see ratelimit.h).
 *
 * A client is its IPv4 address, or its IPv6 /64 (one host commonly holds a
 * whole /64); an IPv4-mapped IPv6 address counts as IPv4. Each client has
 * its own entry, which stores the address: two clients never share limits.
 * Entries live in a table placed by SipHash under a key drawn from the
 * kernel at start, so nobody can choose addresses that land together. An
 * address is looked for in a window of ADMISSION_PROBES entries; an entry
 * with no open connection is reused when its bucket is full again (or,
 * under pressure, the stalest one is: that client's bucket starts full).
 * Only entries with open connections are held, and the table has at least
 * four entries per max_connections, so a window full of them is a matter of
 * chance no one can steer; then the connection is served without
 * per-address limits rather than refused (docs/SECURITY.md says why).
 */
#ifndef KIZUNA_ADMISSION_H
#define KIZUNA_ADMISSION_H

#include <stdint.h>
#include <sys/socket.h>

#define ADMISSION_KEY_SIZE 16
/* Entries looked at for one address: the cost of an accept's lookup. */
#define ADMISSION_PROBES 32

struct admission;

/* Who a connection counts as: family AF_INET or AF_INET6, and the IPv4
 * address or the /64 in network byte order, in the low bytes of prefix. */
struct admission_client {
	int family;
	uint64_t prefix;
};

/*
 * The table for max_connections open connections, keyed with 16 bytes
 * from getrandom (sized once: max_connections needs a restart). NULL when
 * out of memory or randomness.
 */
struct admission *admission_new(int max_connections);

/* The same with a table of at least capacity entries (rounded up to a
 * power of two, at least ADMISSION_PROBES) and the given key: for tests. */
struct admission *admission_new_keyed(unsigned capacity,
    const unsigned char key[ADMISSION_KEY_SIZE]);

void admission_free(struct admission *a);

/* Fills *cl for the client at sa. Returns 0, or -1 when sa is neither
 * IPv4 nor IPv6 (then no per-address limit applies). */
int admission_client_of(const struct sockaddr *sa,
    struct admission_client *cl);

/* The per-address limits ([server] keys of the same names); 0: none. */
struct admission_limits {
	int max_per_ip;     /* open connections a client may hold */
	int rate_limit;     /* requests a minute per client */
	int rate_burst;     /* requests at once before rate_limit bites */
};

enum admission_verdict {
	ADMISSION_ADMITTED,
	ADMISSION_TOO_MANY_CONNECTIONS,   /* over max_per_ip: close it */
	ADMISSION_TOO_MANY_REQUESTS,      /* out of rate_limit tokens */
};

/*
 * A new connection from cl at now_ms (monotonic, > 0), under limits. A
 * connection over max_per_ip is not counted: the caller closes it at once.
 * Any other connection from a client with an entry is counted when
 * max_per_ip is on: *ticket is then >= 0, and admission_leave(a, *ticket)
 * must be called when it closes; else *ticket is -1. On
 * ADMISSION_TOO_MANY_REQUESTS, *retry_after is the seconds the client
 * should wait.
 */
enum admission_verdict admission_enter(struct admission *a,
    const struct admission_client *cl,
    const struct admission_limits *limits, long long now_ms, int *ticket,
    int *retry_after);

/* A counted connection closed; ticket is what admission_enter gave. */
void admission_leave(struct admission *a, int ticket);

/* For tests: the first entry of cl's window (where the keyed hash puts
 * it), and the open connections counted for cl (0 without an entry). */
unsigned admission_place(const struct admission *a,
    const struct admission_client *cl);
int admission_open(struct admission *a, const struct admission_client *cl);

#endif
