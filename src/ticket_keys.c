/*
 * ticket_keys.c - the ticket key file's text and a key's age (see
 * ticket_keys.h).
 *
 * Grammar, one line at a time:
 *   file    = *line
 *   line    = *blank ( key / comment / "" ) *blank ( LF / end )
 *   key     = 160HEXDIG              ; name 16, AES 32, HMAC 32 bytes
 *   comment = "#" *any
 *   blank   = SP / HTAB / CR
 */
#include "ticket_keys.h"
#include "hex.h"

#include <stdio.h>
#include <string.h>

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * One key line (blanks trimmed, len > 0, not a comment) into *key.
 * Returns 0, or -1 with err set.
 */
static int
parse_key(const unsigned char *s, size_t len, struct ticket_key *key,
    char *err, size_t errsize)
{
	unsigned char bytes[TICKET_KEY_SIZE];
	size_t i;

	for (i = 0; i < len; i++)
		if (hex_value(s[i]) == -1) {
			snprintf(err, errsize, "a ticket key is hex digits "
			    "(openssl rand -hex 80); character %zu is not one",
			    i + 1);
			return -1;
		}
	if (len != TICKET_KEY_DIGITS) {
		snprintf(err, errsize, "a ticket key is %d hex digits "
		    "(openssl rand -hex 80), this one has %zu",
		    TICKET_KEY_DIGITS, len);
		return -1;
	}
	for (i = 0; i < TICKET_KEY_SIZE; i++)
		bytes[i] = (unsigned char)(hex_value(s[2 * i]) << 4 |
		    hex_value(s[2 * i + 1]));
	memcpy(key->name, bytes, TICKET_NAME_SIZE);
	memcpy(key->aes, bytes + TICKET_NAME_SIZE, TICKET_AES_SIZE);
	memcpy(key->hmac, bytes + TICKET_NAME_SIZE + TICKET_AES_SIZE,
	    TICKET_HMAC_SIZE);
	/* A secret: not left on the stack (a plain memset, which the
	 * compiler may drop, is what a pure module can do: volatile). */
	for (i = 0; i < sizeof(bytes); i++)
		((volatile unsigned char *)bytes)[i] = 0;
	return 0;
}

int
ticket_keys_parse(const char *text, size_t len, struct ticket_key *keys,
    size_t max, int *errline, char *err, size_t errsize)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *end = p + len, *eol, *a, *b;
	size_t n = 0, j;
	int line = 0, lines[TICKET_MAX_KEYS];

	if (max > TICKET_MAX_KEYS)
		max = TICKET_MAX_KEYS;
	*errline = 0;
	err[0] = '\0';
	while (p < end) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (a = p; a < eol && is_blank(*a); a++)
			;
		for (b = eol; b > a && is_blank(b[-1]); b--)
			;
		p = eol < end ? eol + 1 : end;
		if (a == b || *a == '#')
			continue;
		*errline = line;
		if (n == max) {
			snprintf(err, errsize, "more than %zu ticket keys: the "
			    "first seals, the others are older keys still "
			    "accepted; remove the oldest", max);
			return -1;
		}
		if (parse_key(a, (size_t)(b - a), &keys[n], err, errsize) ==
		    -1)
			return -1;
		for (j = 0; j < n; j++)
			if (memcmp(keys[j].name, keys[n].name,
			    TICKET_NAME_SIZE) == 0) {
				snprintf(err, errsize, "this key's name (its "
				    "first 32 digits) is line %d's too: each "
				    "key needs its own", lines[j]);
				return -1;
			}
		lines[n++] = line;
	}
	if (n == 0) {
		*errline = 0;
		snprintf(err, errsize, "no ticket key (make one with "
		    "openssl rand -hex 80)");
		return -1;
	}
	*errline = 0;
	return (int)n;
}

enum ticket_age
ticket_key_age(long long made, long long now, long long interval)
{
	long long age = now > made ? now - made : 0;

	if (age < interval)
		return TICKET_SEALS;
	if (age < 2 * interval)
		return TICKET_OPENS;
	return TICKET_EXPIRED;
}
