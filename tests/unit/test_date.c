/*
 * test_date.c - table tests for date.c (links date.c only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

/* --- date_parse --------------------------------------------------------------- */

static const struct {
	const char *in;
	int ok;                 /* 0: refused with why */
	int y, m, d;
	const char *why;
} parse_cases[] = {
	{ "2024-04-01", 1, 2024, 4, 1, NULL },
	{ "0001-01-01", 1, 1, 1, 1, NULL },
	{ "9999-12-31", 1, 9999, 12, 31, NULL },
	{ "2024-02-29", 1, 2024, 2, 29, NULL },   /* leap year */
	{ "2000-02-29", 1, 2000, 2, 29, NULL },   /* divisible by 400 */
	{ "1900-02-29", 0, 0, 0, 0, "no such day" },  /* by 100, not 400 */
	{ "2023-02-29", 0, 0, 0, 0, "no such day" },
	{ "2024-04-31", 0, 0, 0, 0, "no such day" },
	{ "2024-01-00", 0, 0, 0, 0, "no such day" },
	{ "2024-13-01", 0, 0, 0, 0, "no such month" },
	{ "2024-00-10", 0, 0, 0, 0, "no such month" },
	{ "0000-01-01", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "2024-4-1", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "2024/04/01", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "2024-04-01 ", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ " 2024-04-01", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "2024-04-01T10:00:00Z", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "24-04-01", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "2024-0a-01", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "２０２４-04-01", 0, 0, 0, 0, "not YYYY-MM-DD" },
	{ "April 1, 2024", 0, 0, 0, 0, "not YYYY-MM-DD" },
};

static void
test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct date d = { -1, -1, -1 };
		const char *why = NULL;
		int rc = date_parse(parse_cases[i].in, &d, &why);

		if (parse_cases[i].ok) {
			if (rc != 0 || d.year != parse_cases[i].y ||
			    d.month != parse_cases[i].m ||
			    d.day != parse_cases[i].d)
				fail_msg("\"%s\": rc %d, %d-%d-%d", parse_cases[i].in,
				    rc, d.year, d.month, d.day);
		} else if (rc != -1 || why == NULL ||
		    strcmp(why, parse_cases[i].why) != 0)
			fail_msg("\"%s\": rc %d, why \"%s\", want \"%s\"",
			    parse_cases[i].in, rc, why != NULL ? why : "(NULL)",
			    parse_cases[i].why);
	}
}

/* --- date_from_epoch and date_format --------------------------------------- */

static const struct {
	long long t;
	int ok;
	const char *want;
} epoch_cases[] = {
	{ 0, 1, "1970-01-01" },
	{ 86399, 1, "1970-01-01" },
	{ 86400, 1, "1970-01-02" },
	{ -1, 1, "1969-12-31" },
	{ -86400, 1, "1969-12-31" },
	{ -86401, 1, "1969-12-30" },
	{ 951782400LL, 1, "2000-02-29" },
	{ 951868800LL, 1, "2000-03-01" },
	{ 1709164800LL, 1, "2024-02-29" },
	{ 1711929599LL, 1, "2024-03-31" },
	{ 1711929600LL, 1, "2024-04-01" },
	{ 4102444800LL, 1, "2100-01-01" },
	{ 4107542400LL, 1, "2100-03-01" },       /* 2100 has no 29 February */
	{ 253402300799LL, 1, "9999-12-31" },
	{ 253402300800LL, 0, NULL },             /* year 10000 */
	{ -62135596800LL, 1, "0001-01-01" },
	{ -62135596801LL, 0, NULL },             /* year 0 */
};

static void
test_epoch_table(void **state)
{
	char buf[DATE_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(epoch_cases) / sizeof(epoch_cases[0]); i++) {
		struct date d = { 0, 0, 0 };
		int rc = date_from_epoch(epoch_cases[i].t, &d);

		if (!epoch_cases[i].ok) {
			if (rc != -1)
				fail_msg("%lld: accepted", epoch_cases[i].t);
			continue;
		}
		if (rc != 0)
			fail_msg("%lld: refused", epoch_cases[i].t);
		date_format(&d, buf);
		if (strcmp(buf, epoch_cases[i].want) != 0)
			fail_msg("%lld: %s, want %s", epoch_cases[i].t, buf,
			    epoch_cases[i].want);
	}
}

/* Every day of 1900 to 2100 round-trips: epoch -> date -> text -> date. */
static void
test_every_day_round_trips(void **state)
{
	long long t;
	struct date d, back, prev = { 1899, 12, 31 };
	const char *why;
	char buf[DATE_SIZE];

	(void)state;
	for (t = -2208988800LL; t < 4133980800LL; t += 86400) {
		assert_int_equal(date_from_epoch(t + 43200, &d), 0);
		date_format(&d, buf);
		if (date_parse(buf, &back, &why) != 0)
			fail_msg("%s: %s", buf, why);
		assert_int_equal(back.year, d.year);
		assert_int_equal(back.month, d.month);
		assert_int_equal(back.day, d.day);
		/* The next day of prev, always. */
		if (!(d.day == prev.day + 1 && d.month == prev.month) &&
		    !(d.day == 1 && (d.month == prev.month + 1 ||
		    (d.month == 1 && prev.month == 12 &&
		    d.year == prev.year + 1))))
			fail_msg("%s does not follow %04d-%02d-%02d", buf,
			    prev.year, prev.month, prev.day);
		prev = d;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_epoch_table),
		cmocka_unit_test(test_every_day_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
