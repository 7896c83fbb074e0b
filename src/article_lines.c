/*
 * article_lines.c - PURE: characters and the normalising pass of the
 * article reader (see article_internal.h).
 */
#include "article_internal.h"

#include <stdlib.h>
#include <string.h>

#define BOM "\xef\xbb\xbf"
#define IDEOGRAPHIC_SPACE "\xe3\x80\x80"  /* U+3000 */
/* A tab counts as this many columns of indent. */
#define TAB_COLUMNS 4

uint32_t
article_cp(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80 || len < 2) {
		*n = 1;
		return u[0];
	}
	if ((u[0] & 0xe0) == 0xc0) {
		*n = 2;
		return ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	}
	if ((u[0] & 0xf0) == 0xe0 && len >= 3) {
		*n = 3;
		return ((uint32_t)(u[0] & 0x0f) << 12) |
		    ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	}
	if (len >= 4) {
		*n = 4;
		return ((uint32_t)(u[0] & 0x07) << 18) |
		    ((uint32_t)(u[1] & 0x3f) << 12) |
		    ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
	}
	*n = 1;
	return u[0];
}

uint32_t
article_last_cp(const char *s, size_t len, size_t *n)
{
	size_t start = len - 1;

	while (start > 0 && ((unsigned char)s[start] & 0xc0) == 0x80)
		start--;
	return article_cp(s + start, len - start, n);
}

int
article_cp_is_emoji(uint32_t cp)
{
	return (cp >= 0x1f000 && cp <= 0x1faff) ||   /* pictographs */
	    (cp >= 0x2600 && cp <= 0x27bf) ||        /* ☀ ✊ ✌ ... */
	    cp == 0x2b50 || cp == 0x2b55 || cp == 0x3030 || cp == 0x303d;
}

int
article_cp_width(uint32_t cp)
{
	if (cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0xfe0f ||
	    (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1f3fb && cp <= 0x1f3ff))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

int
article_cp_is_kana(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x309f) || (cp >= 0x30a0 && cp <= 0x30ff) ||
	    (cp >= 0xff66 && cp <= 0xff9f);
}

int
article_cp_is_cjk(uint32_t cp)
{
	return (cp >= 0x3000 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xff00 && cp <= 0xffef) || (cp >= 0x20000 && cp <= 0x3fffd) ||
	    article_cp_is_emoji(cp);
}

size_t
article_width(const char *s, size_t len)
{
	size_t i = 0, n, w = 0;

	while (i < len) {
		w += (size_t)article_cp_width(article_cp(s + i, len - i, &n));
		i += n;
	}
	return w;
}

int
article_starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

int
article_ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int
article_ends_with_any(const char *s, size_t len, const char *const *set,
    size_t nset)
{
	size_t k;

	for (k = 0; k < nset; k++)
		if (article_ends_with(s, len, set[k]))
			return 1;
	return 0;
}

/*
 * Copies one source line s[0..n) into out without the characters that
 * carry nothing (C0 controls but tab, DEL, C1 controls); notes a form feed.
 * Returns the bytes written.
 */
static size_t
copy_clean(const char *s, size_t n, char *out, int *form_feed)
{
	size_t i = 0, w = 0, k;
	uint32_t cp;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (c == '\f')
				*form_feed = 1;
			if (c >= 0x20 || c == '\t') {
				if (c != 0x7f)
					out[w++] = (char)c;
			}
			i++;
			continue;
		}
		cp = article_cp(s + i, n - i, &k);
		if (!(cp >= 0x80 && cp <= 0x9f) && cp != 0xfeff) {
			memcpy(out + w, s + i, k);
			w += k;
		}
		i += k;
	}
	return w;
}

int
article_lines_split(const char *in, size_t len, char *store,
    struct alines *lines)
{
	size_t pos = 0, w = 0, cap = 64, next;

	if ((lines->v = malloc(cap * sizeof(*lines->v))) == NULL)
		return -1;
	lines->n = 0;
	if (article_starts_with(in, len, BOM))
		pos = strlen(BOM);
	while (pos < len) {
		const char *s = in + pos;
		struct aline *l;
		size_t n = 0, start = w, ib = 0;
		int ff = 0, indent = 0;

		while (pos + n < len && s[n] != '\n' && s[n] != '\r')
			n++;
		next = pos + n;
		if (next < len && in[next] == '\r' && next + 1 < len &&
		    in[next + 1] == '\n')
			next += 2;
		else if (next < len)
			next += 1;
		pos = next;

		if (lines->n == cap) {
			struct aline *v;

			cap *= 2;
			if ((v = realloc(lines->v, cap * sizeof(*v))) == NULL)
				return -1;
			lines->v = v;
		}
		n = copy_clean(s, n, store + w, &ff);
		/* Trailing blanks carry nothing. */
		for (;;) {
			if (n > 0 && (store[w + n - 1] == ' ' ||
			    store[w + n - 1] == '\t'))
				n--;
			else if (article_ends_with(store + w, n,
			    IDEOGRAPHIC_SPACE))
				n -= strlen(IDEOGRAPHIC_SPACE);
			else
				break;
		}
		/* The indent stays in storage, before text. */
		for (;;) {
			if (ib < n && store[w + ib] == ' ') {
				ib++;
				indent++;
			} else if (ib < n && store[w + ib] == '\t') {
				ib++;
				indent += TAB_COLUMNS;
			} else if (article_starts_with(store + w + ib, n - ib,
			    IDEOGRAPHIC_SPACE)) {
				ib += strlen(IDEOGRAPHIC_SPACE);
				indent += 2;
			} else {
				break;
			}
		}
		store[w + n] = '\0';
		w += n + 1;

		l = &lines->v[lines->n];
		memset(l, 0, sizeof(*l));
		l->text = store + start + ib;
		l->len = n - ib;
		l->ibytes = ib;
		l->indent = indent;
		l->src = lines->n;
		l->page_break = ff;
		l->width = (int)article_width(l->text, l->len);
		l->kind = l->len == 0 ? LK_BLANK : LK_TEXT;
		lines->n++;
	}
	return 0;
}
