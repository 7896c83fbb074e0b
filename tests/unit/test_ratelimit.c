/*
 * test_ratelimit.c - the token bucket's arithmetic (links ratelimit.c only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "ratelimit.h"

/* A clock that does not start at 0, as CLOCK_MONOTONIC does not. */
#define T0 123456789LL

/* A new address may make burst requests at once, and is then told to wait. */
static void
test_burst_then_refused(void **state)
{
	struct rate_bucket b = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(rate_bucket_take(&b, T0, 60, 5), 0);
	/* 60 a minute: one token a second, so a wait of 1 s. */
	assert_int_equal(rate_bucket_take(&b, T0, 60, 5), 1);
	assert_int_equal(rate_bucket_take(&b, T0 + 10, 60, 5), 1);
}

/* The wait said is the time until a token is whole, rounded up. */
static void
test_wait_is_time_to_next_token(void **state)
{
	struct rate_bucket b = { 0 };

	(void)state;
	assert_int_equal(rate_bucket_take(&b, T0, 6, 1), 0);
	/* 6 a minute: a token every 10 s. */
	assert_int_equal(rate_bucket_take(&b, T0, 6, 1), 10);
	assert_int_equal(rate_bucket_take(&b, T0 + 4500, 6, 1), 6);
	assert_int_equal(rate_bucket_take(&b, T0 + 9999, 6, 1), 1);
	assert_int_equal(rate_bucket_take(&b, T0 + 10000, 6, 1), 0);
}

/* Refusals do not cost tokens: a client that waits as told gets in. */
static void
test_refusal_costs_nothing(void **state)
{
	struct rate_bucket b = { 0 };
	int i;

	(void)state;
	assert_int_equal(rate_bucket_take(&b, T0, 60, 1), 0);
	for (i = 0; i < 100; i++)
		assert_true(rate_bucket_take(&b, T0 + i, 60, 1) > 0);
	assert_int_equal(rate_bucket_take(&b, T0 + 1000, 60, 1), 0);
}

/* A long idle fills the bucket to burst and no further. */
static void
test_refill_caps_at_burst(void **state)
{
	struct rate_bucket b = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(rate_bucket_take(&b, T0, 600, 3), 0);
	assert_true(rate_bucket_take(&b, T0, 600, 3) > 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(rate_bucket_take(&b, T0 + 86400000LL, 600, 3),
		    0);
	assert_true(rate_bucket_take(&b, T0 + 86400000LL, 600, 3) > 0);
}

/* Large rates and bursts, and a clock read by another thread a little
 * earlier, neither overflow nor hand out tokens. */
static void
test_extremes(void **state)
{
	struct rate_bucket b = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_int_equal(rate_bucket_take(&b, T0, 1000000, 1000000), 0);
	assert_int_equal(rate_bucket_take(&b, T0 + 1, 1, 1), 0);
	assert_int_equal(rate_bucket_take(&b, T0 + 1, 1, 1), 60);
	assert_int_equal(rate_bucket_take(&b, T0 - 5000, 1, 1), 60);
}

/* A bucket is full, and may be forgotten, once it has refilled. */
static void
test_full_once_refilled(void **state)
{
	struct rate_bucket b = { 0 };

	(void)state;
	assert_int_equal(rate_bucket_full(&b, T0, 60, 2), 1);
	assert_int_equal(rate_bucket_take(&b, T0, 60, 2), 0);
	assert_int_equal(rate_bucket_full(&b, T0, 60, 2), 0);
	/* One token a second: full again one second after one was taken. */
	assert_int_equal(rate_bucket_full(&b, T0 + 999, 60, 2), 0);
	assert_int_equal(rate_bucket_full(&b, T0 + 1000, 60, 2), 1);
	assert_int_equal(rate_bucket_take(&b, T0, 60, 2), 0);
	assert_int_equal(rate_bucket_full(&b, T0 + 1999, 60, 2), 0);
	assert_int_equal(rate_bucket_full(&b, T0 + 2000, 60, 2), 1);
	/* No limit: nothing to remember; and no overflow far ahead. */
	assert_int_equal(rate_bucket_full(&b, T0, 0, 2), 1);
	assert_int_equal(rate_bucket_full(&b, 1LL << 62, 1000000, 1000000), 1);
	assert_int_equal(rate_bucket_full(&b, T0 - 5, 60, 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused),
		cmocka_unit_test(test_wait_is_time_to_next_token),
		cmocka_unit_test(test_refusal_costs_nothing),
		cmocka_unit_test(test_refill_caps_at_burst),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_full_once_refilled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
