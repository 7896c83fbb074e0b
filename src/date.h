/*
 * date.h - PURE: an article's date, a calendar day (UTC, no time of day).
 *
 * Written as ISO 8601's calendar date, "YYYY-MM-DD": the form front matter
 * uses, the one the gemfeed companion specification puts at the start of a
 * listing's link labels, and the day part of an Atom date (RFC 3339).
 * Strings of that form sort as the days do.
 */
#ifndef KIZUNA_DATE_H
#define KIZUNA_DATE_H

#include <stddef.h>

/* "YYYY-MM-DD" and its NUL. */
#define DATE_SIZE 11

struct date {
	int year;    /* 1 .. 9999 */
	int month;   /* 1 .. 12 */
	int day;     /* 1 .. the month's length (Gregorian leap years) */
};

/*
 * Parses s, NUL-terminated, which must be exactly "YYYY-MM-DD" (four, two
 * and two ASCII digits; nothing before or after) and name a day that
 * exists: year 0001 to 9999, month 01 to 12, day 01 to the month's last
 * (29 February only in leap years). Returns 0 and fills *d, or -1 with
 * *errstr set to a static reason ("not YYYY-MM-DD", "no such month",
 * "no such day").
 */
int date_parse(const char *s, struct date *d, const char **errstr);

/*
 * The day that holds the instant t seconds after 1970-01-01T00:00:00Z
 * (negative: before), proleptic Gregorian, no leap seconds (POSIX time).
 * Returns 0, or -1 when the day falls outside years 1 to 9999.
 */
int date_from_epoch(long long t, struct date *d);

/* Writes d as "YYYY-MM-DD" into dst (DATE_SIZE bytes, NUL-terminated). */
void date_format(const struct date *d, char dst[DATE_SIZE]);

#endif
