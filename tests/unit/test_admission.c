/*
 * test_admission.c - the per-address table: keyed placement, stored
 * addresses, IPv6 by /64, a full window, and max_per_ip and rate_limit
 * through it (links admission.c, siphash.c and ratelimit.c only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "admission.h"

/* A clock that does not start at 0, as CLOCK_MONOTONIC does not. */
#define T0 123456789LL

static const unsigned char KEY_A[ADMISSION_KEY_SIZE] = "kizuna-test-key";
static const unsigned char KEY_B[ADMISSION_KEY_SIZE] = "another-testkey";

/* The client for a numeric address, through admission_client_of. */
static struct admission_client
client(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct admission_client cl;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, text, &sin6->sin6_addr), 1);
		sin6->sin6_family = AF_INET6;
	}
	assert_int_equal(admission_client_of((struct sockaddr *)&ss, &cl), 0);
	return cl;
}

/* The limits, refilled by each call. */
static const struct admission_limits *
limits(int max_per_ip, int rate_limit, int rate_burst)
{
	static struct admission_limits l;

	l = (struct admission_limits){
		.max_per_ip = max_per_ip,
		.rate_limit = rate_limit,
		.rate_burst = rate_burst,
	};
	return &l;
}

static enum admission_verdict
enter(struct admission *a, const char *addr, const struct admission_limits *lim,
    long long now, int *ticket)
{
	struct admission_client cl = client(addr);
	int retry = 0;

	return admission_enter(a, &cl, lim, now, ticket, &retry);
}

/* 127.1.82.97 and 127.0.0.2 shared a slot under the old unkeyed FNV-1a
 * modulo 65,536: now each has its own count, even in a table so small
 * that every address shares one window. */
static void
test_old_collision_kept_apart(void **state)
{
	struct admission *a = admission_new_keyed(ADMISSION_PROBES, KEY_A);
	const struct admission_limits *lim = limits(10, 0, 0);
	struct admission_client other = client("127.0.0.2");
	int i, t;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 10; i++) {
		assert_int_equal(enter(a, "127.1.82.97", lim, T0, &t),
		    ADMISSION_ADMITTED);
		assert_true(t >= 0);
	}
	assert_int_equal(enter(a, "127.1.82.97", lim, T0, &t),
	    ADMISSION_TOO_MANY_CONNECTIONS);
	assert_int_equal(admission_open(a, &other), 0);
	assert_int_equal(enter(a, "127.0.0.2", lim, T0, &t),
	    ADMISSION_ADMITTED);
	assert_int_equal(admission_open(a, &other), 1);
	admission_free(a);
}

/* Placement depends on the key: the same key places alike, another key
 * elsewhere, so no one without the key can pick addresses that meet. */
static void
test_placement_is_keyed(void **state)
{
	struct admission *a = admission_new_keyed(65536, KEY_A);
	struct admission *a2 = admission_new_keyed(65536, KEY_A);
	struct admission *b = admission_new_keyed(65536, KEY_B);
	struct admission_client cl;
	unsigned i, same = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(a2);
	assert_non_null(b);
	for (i = 0; i < 256; i++) {
		cl.family = AF_INET;
		cl.prefix = 0x7f000000u + i;
		assert_int_equal(admission_place(a, &cl),
		    admission_place(a2, &cl));
		same += admission_place(a, &cl) == admission_place(b, &cl);
	}
	/* By chance, about 256 / 65,536 of them. */
	assert_true(same < 4);
	admission_free(a);
	admission_free(a2);
	admission_free(b);
}

/* IPv6 counts by /64; an IPv4-mapped address counts as the IPv4 one. */
static void
test_ipv6_by_64_and_mapped_ipv4(void **state)
{
	struct admission *a = admission_new_keyed(1024, KEY_A);
	const struct admission_limits *lim = limits(2, 0, 0);
	struct admission_client v4 = client("192.0.2.7");
	int t;

	(void)state;
	assert_non_null(a);
	assert_int_equal(enter(a, "2001:db8:1:2::1", lim, T0, &t),
	    ADMISSION_ADMITTED);
	assert_int_equal(enter(a, "2001:db8:1:2:ffff:ffff:ffff:fffe", lim, T0,
	    &t), ADMISSION_ADMITTED);
	assert_int_equal(enter(a, "2001:db8:1:2:1234::9", lim, T0, &t),
	    ADMISSION_TOO_MANY_CONNECTIONS);
	assert_int_equal(enter(a, "2001:db8:1:3::1", lim, T0, &t),
	    ADMISSION_ADMITTED);

	assert_int_equal(enter(a, "::ffff:192.0.2.7", lim, T0, &t),
	    ADMISSION_ADMITTED);
	assert_int_equal(admission_open(a, &v4), 1);
	assert_int_equal(enter(a, "192.0.2.7", lim, T0, &t),
	    ADMISSION_ADMITTED);
	assert_int_equal(enter(a, "::ffff:192.0.2.7", lim, T0, &t),
	    ADMISSION_TOO_MANY_CONNECTIONS);
	/* An IPv4 address is not the IPv6 /64 with the same low bits. */
	assert_int_equal(enter(a, "::c000:207", lim, T0, &t),
	    ADMISSION_ADMITTED);
	admission_free(a);
}

/* Over the cap is not counted (the caller closes it); a close frees a
 * place; a connection refused by rate_limit is open, so it counts. */
static void
test_refused_not_counted_and_leave(void **state)
{
	struct admission *a = admission_new_keyed(1024, KEY_A);
	const struct admission_limits *lim = limits(2, 0, 0);
	struct admission_client cl = client("198.51.100.1");
	int t1, t2, t3, retry = 0;

	(void)state;
	assert_non_null(a);
	assert_int_equal(enter(a, "198.51.100.1", lim, T0, &t1),
	    ADMISSION_ADMITTED);
	assert_int_equal(enter(a, "198.51.100.1", lim, T0, &t2),
	    ADMISSION_ADMITTED);
	assert_int_equal(enter(a, "198.51.100.1", lim, T0, &t3),
	    ADMISSION_TOO_MANY_CONNECTIONS);
	assert_int_equal(t3, -1);
	assert_int_equal(admission_open(a, &cl), 2);
	admission_leave(a, t1);
	assert_int_equal(admission_open(a, &cl), 1);
	assert_int_equal(enter(a, "198.51.100.1", lim, T0, &t1),
	    ADMISSION_ADMITTED);

	lim = limits(5, 60, 1);
	assert_int_equal(admission_enter(a, &cl, lim, T0, &t3, &retry),
	    ADMISSION_ADMITTED);
	assert_int_equal(admission_enter(a, &cl, lim, T0, &t3, &retry),
	    ADMISSION_TOO_MANY_REQUESTS);
	assert_int_equal(retry, 1);
	assert_true(t3 >= 0);
	assert_int_equal(admission_open(a, &cl), 4);
	/* Without limits nothing is counted. */
	lim = limits(0, 0, 0);
	assert_int_equal(admission_enter(a, &cl, lim, T0, &t3, &retry),
	    ADMISSION_ADMITTED);
	assert_int_equal(t3, -1);
	admission_free(a);
}

/* A window whose every entry holds other clients' open connections: the
 * next client is served without per-address limits (not counted), and
 * gets an entry again once one is free. */
static void
test_full_window_admits_uncounted(void **state)
{
	struct admission *a = admission_new_keyed(ADMISSION_PROBES, KEY_A);
	const struct admission_limits *lim = limits(1, 0, 0);
	char addr[32];
	int tickets[ADMISSION_PROBES], t, i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < ADMISSION_PROBES; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		assert_int_equal(enter(a, addr, lim, T0, &tickets[i]),
		    ADMISSION_ADMITTED);
		assert_true(tickets[i] >= 0);
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(enter(a, "10.9.9.9", lim, T0, &t),
		    ADMISSION_ADMITTED);
		assert_int_equal(t, -1);
	}
	/* Those already in keep their limit. */
	assert_int_equal(enter(a, "10.0.0.1", lim, T0, &t),
	    ADMISSION_TOO_MANY_CONNECTIONS);
	admission_leave(a, tickets[5]);
	assert_int_equal(enter(a, "10.9.9.9", lim, T0, &t),
	    ADMISSION_ADMITTED);
	assert_true(t >= 0);
	assert_int_equal(enter(a, "10.9.9.9", lim, T0, &t),
	    ADMISSION_TOO_MANY_CONNECTIONS);
	admission_free(a);
}

/* Buckets of closed clients give way: a full one at once, and under
 * pressure the stalest, so rate_limit never fills the table. */
static void
test_buckets_give_way(void **state)
{
	struct admission *a = admission_new_keyed(ADMISSION_PROBES, KEY_A);
	const struct admission_limits *lim = limits(0, 60, 1);
	char addr[32];
	int t, i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < ADMISSION_PROBES; i++) {
		snprintf(addr, sizeof(addr), "10.0.1.%d", i + 1);
		assert_int_equal(enter(a, addr, lim, T0 + i, &t),
		    ADMISSION_ADMITTED);
	}
	/* Each bucket is empty: a second request waits. */
	assert_int_equal(enter(a, "10.0.1.32", lim, T0 + 40, &t),
	    ADMISSION_TOO_MANY_REQUESTS);
	/* A new client takes the stalest entry (10.0.1.1's)... */
	assert_int_equal(enter(a, "10.0.2.1", lim, T0 + 50, &t),
	    ADMISSION_ADMITTED);
	assert_int_equal(enter(a, "10.0.2.1", lim, T0 + 51, &t),
	    ADMISSION_TOO_MANY_REQUESTS);
	/* ...and the others keep theirs. */
	assert_int_equal(enter(a, "10.0.1.2", lim, T0 + 60, &t),
	    ADMISSION_TOO_MANY_REQUESTS);
	/* A second later every bucket is full again, free to reuse. */
	for (i = 0; i < ADMISSION_PROBES; i++) {
		snprintf(addr, sizeof(addr), "10.0.3.%d", i + 1);
		assert_int_equal(enter(a, addr, lim, T0 + 2000, &t),
		    ADMISSION_ADMITTED);
	}
	admission_free(a);
}

/* Not IP (a Unix socket): no client, no limits. */
static void
test_not_ip_has_no_client(void **state)
{
	struct sockaddr sa;
	struct admission_client cl;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	assert_int_equal(admission_client_of(&sa, &cl), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_collision_kept_apart),
		cmocka_unit_test(test_placement_is_keyed),
		cmocka_unit_test(test_ipv6_by_64_and_mapped_ipv4),
		cmocka_unit_test(test_refused_not_counted_and_leave),
		cmocka_unit_test(test_full_window_admits_uncounted),
		cmocka_unit_test(test_buckets_give_way),
		cmocka_unit_test(test_not_ip_has_no_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
