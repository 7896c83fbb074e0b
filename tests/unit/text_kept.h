/*
 * text_kept.h - the no-text-lost invariant of the article reader and
 * renderer (issue 3), one definition shared by tests/unit/test_article.c,
 * tests/unit/test_gemtext.c and tests/fuzz/fuzz_article.c.
 *
 * The invariant: every line of the source, changed only in the ways
 * article.h allows, appears verbatim as a substring of the full-article page
 * (gemtext_full). A source line is what lies between line ends, the way
 * article.c splits: LF, CRLF, or a CR alone. Each line is then
 *
 *   - stripped of a UTF-8 BOM (first line only) and of trailing spaces,
 *     tabs and U+3000;
 *   - skipped when blank, when it is a link slot (article_is_link_slot), or
 *     when it is the first line and starts with "title:" (the front matter,
 *     which becomes the page title, not text);
 *   - stripped of a leading "- " list marker.
 *
 * A line ending in 、 is joined to the next one in the page, so each of the
 * two still appears on its own as a substring. Header-only (static inline)
 * so that the unit tests and the fuzz target link nothing extra.
 */
#ifndef KIZUNA_TEXT_KEPT_H
#define KIZUNA_TEXT_KEPT_H

#include <stddef.h>
#include <string.h>

#include "article.h"

/* Whether s[0..len) ends with suffix. */
static inline int
text_kept_ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * Whether needle[0..n) occurs in hay[0..haylen). Our own memmem (glibc
 * declares it only under _GNU_SOURCE); quadratic at worst, which the short
 * lines of an article and the fuzzer's inputs can afford.
 */
static inline int
text_kept_contains(const char *hay, size_t haylen, const char *needle,
    size_t n)
{
	const char *p = hay, *end = hay + haylen;

	if (n == 0)
		return 1;
	while ((size_t)(end - p) >= n &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return 1;
		p++;
	}
	return 0;
}

/*
 * Returns the first source line (a pointer into src, its length in
 * *missing_len, after the stripping above) that does not appear in
 * page[0..pagelen), or NULL when every line is kept. Neither buffer need be
 * NUL-terminated; both are only read.
 */
static inline const char *
text_kept_missing(const char *src, size_t len, const char *page,
    size_t pagelen, size_t *missing_len)
{
	static const char bom[] = "\xef\xbb\xbf";
	static const char ideographic_space[] = "\xe3\x80\x80";
	size_t pos = 0;
	int first = 1;

	while (pos < len) {
		const char *s = src + pos;
		size_t n = 0;

		while (pos + n < len && s[n] != '\n' && s[n] != '\r')
			n++;
		/* Next line: past this line's end (a CRLF is one end). */
		pos += n;
		if (pos < len && src[pos] == '\r' && pos + 1 < len &&
		    src[pos + 1] == '\n')
			pos += 2;
		else if (pos < len)
			pos++;

		if (first && n >= sizeof(bom) - 1 &&
		    memcmp(s, bom, sizeof(bom) - 1) == 0) {
			s += sizeof(bom) - 1;
			n -= sizeof(bom) - 1;
		}
		for (;;) {
			if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
			else if (text_kept_ends_with(s, n, ideographic_space))
				n -= sizeof(ideographic_space) - 1;
			else
				break;
		}
		if (first) {
			first = 0;
			if (n >= 6 && memcmp(s, "title:", 6) == 0)
				continue;
		}
		if (n == 0 || article_is_link_slot(s, n))
			continue;
		if (n >= 2 && s[0] == '-' && s[1] == ' ') {
			s += 2;
			n -= 2;
		}
		if (!text_kept_contains(page, pagelen, s, n)) {
			*missing_len = n;
			return s;
		}
	}
	return NULL;
}

#endif
