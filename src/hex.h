/*
 * hex.h - the value of a hexadecimal digit, for every parser that reads
 * them (percent-encoding in url.c, fingerprints in config_value.c, ticket
 * keys in ticket_keys.c). ASCII only, whatever the locale.
 */
#ifndef KIZUNA_HEX_H
#define KIZUNA_HEX_H

/* Returns the value of the hex digit c (either case), or -1. */
static inline int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
