/*
 * utf8.c - PURE: UTF-8 validation, one character or a whole string.
 */
#include "utf8.h"

/*
 * Well-formed UTF-8 byte sequences (Unicode Standard, table 3-7): the
 * ranges of the second byte exclude overlongs (E0, F0), surrogates (ED) and
 * code points above U+10FFFF (F4); C0, C1 and F5..FF never occur.
 */
size_t
utf8_char_length(const char *s, size_t len)
{
	unsigned char c, lo = 0x80, hi = 0xbf;
	size_t need, k;

	if (len == 0)
		return 0;
	c = (unsigned char)s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len - 1 < need)
		return 0;
	for (k = 1; k <= need; k++) {
		unsigned char b = (unsigned char)s[k];

		if (b < lo || b > hi)
			return 0;
		/* Only the second byte has a narrowed range. */
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

int
utf8_is_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8_char_length(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
utf8_is_control(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	if (n == 1)
		return c < 0x20 || c == 0x7f;
	/* U+0080..U+009F are C2 80..C2 9F. */
	return n == 2 && c == 0xc2 && (unsigned char)s[1] <= 0x9f;
}
