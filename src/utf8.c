/*
 * utf8.c - PURE: UTF-8 validation.
 */
#include "utf8.h"

/*
 * Well-formed UTF-8 byte sequences (Unicode Standard, table 3-7): the
 * ranges of the second byte exclude overlongs (E0, F0), surrogates (ED) and
 * code points above U+10FFFF (F4); C0, C1 and F5..FF never occur.
 */
int
utf8_is_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t need, k;

		if (c < 0x80) {
			i++;
			continue;
		}
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
		if (len - i - 1 < need)
			return 0;
		for (k = 1; k <= need; k++) {
			unsigned char b = (unsigned char)s[i + k];

			if (b < lo || b > hi)
				return 0;
			/* Only the second byte has a narrowed range. */
			lo = 0x80;
			hi = 0xbf;
		}
		i += need + 1;
	}
	return 1;
}
