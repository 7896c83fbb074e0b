/*
 * date.c - PURE: calendar days as "YYYY-MM-DD" (see date.h).
 */
#include "date.h"

static int
is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
month_length(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* n ASCII digits at s as a number, or -1. ctype would take a locale. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Grammar: date = 4DIGIT "-" 2DIGIT "-" 2DIGIT (RFC 3339 full-date). */
int
date_parse(const char *s, struct date *d, const char **errstr)
{
	int y, m, day, i;

	/* Length first: the digit reads below stay inside the string. */
	for (i = 0; i < DATE_SIZE - 1 && s[i] != '\0'; i++)
		continue;
	if (i != DATE_SIZE - 1 || s[i] != '\0' || s[4] != '-' ||
	    s[7] != '-' || (y = digits(s, 4)) == -1 ||
	    (m = digits(s + 5, 2)) == -1 || (day = digits(s + 8, 2)) == -1 ||
	    y == 0) {
		*errstr = "not YYYY-MM-DD";
		return -1;
	}
	if (m < 1 || m > 12) {
		*errstr = "no such month";
		return -1;
	}
	if (day < 1 || day > month_length(y, m)) {
		*errstr = "no such day";
		return -1;
	}
	d->year = y;
	d->month = m;
	d->day = day;
	return 0;
}

/*
 * Days since 1970-01-01 -> the civil date. The Gregorian calendar repeats
 * every 400 years (146,097 days); counting eras from 0000-03-01 puts the
 * leap day at the end of each year of the era, so a year's day number
 * gives the month by the 153-days-per-5-months rule.
 */
int
date_from_epoch(long long t, struct date *d)
{
	long long days = t / 86400, era, doe, yoe, doy, mp, y;

	if (t % 86400 < 0)
		days--;                   /* round towards the past */
	days += 719468;                   /* 0000-03-01 to 1970-01-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;                         /* 0 .. 146096 */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);     /* 0 .. 365 */
	mp = (5 * doy + 2) / 153;                          /* March = 0 */
	y = yoe + era * 400 + (mp >= 10);
	if (y < 1 || y > 9999)
		return -1;
	d->year = (int)y;
	d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	return 0;
}

/* Digit by digit: the fields' ranges fit the size, and say so. */
void
date_format(const struct date *d, char dst[DATE_SIZE])
{
	int y = d->year, i;

	for (i = 3; i >= 0; i--, y /= 10)
		dst[i] = (char)('0' + y % 10);
	dst[4] = '-';
	dst[5] = (char)('0' + d->month / 10 % 10);
	dst[6] = (char)('0' + d->month % 10);
	dst[7] = '-';
	dst[8] = (char)('0' + d->day / 10 % 10);
	dst[9] = (char)('0' + d->day % 10);
	dst[10] = '\0';
}
