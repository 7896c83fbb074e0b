/*
 * text_kept.h - the no-text-lost invariant of the article reader and
 * renderer (issues 3 and 11), one definition shared by
 * tests/unit/test_article.c, tests/unit/test_gemtext.c and
 * tests/fuzz/fuzz_article.c.
 *
 * The invariant, as article.h states it: every sentence of the source is
 * kept, unchanged and in order; what may go is listed in article->dropped.
 * Checked here as an oracle of its own, without the reader's code:
 *
 *   - The source is split into lines the way article_lines.c splits it: LF,
 *     CRLF, or a CR alone ends a line; lines are numbered from 0.
 *   - A line is skipped when it is blank, when its number is in
 *     article->dropped, or when it is the 【関連記事】 slot
 *     ("↓↓【関連記事】↓↓", rendered as links to the other articles).
 *   - Outside a fenced code block, a line loses its leading marker: a run
 *     of '#' and one space (and a closing run of '#' after a space), or
 *     each '>' or '＞' (each with one space), or a run of two '*' or more and one
 *     space (Hatena's sub-headings), or one mark or bullet
 *     (■□●○◆◇▼▽▶►★☆◉♦▲△◼◾◯❏❖・•◎▪‣◦, "- ", "* ", "+ ", "＊ ", "－ ", "– "); then
 *     a bracket pair around the whole rest (【…】〔…〕［…］[…]＜…＞≪…≫《…》〈…〉
 *     〖…〗). Lines of a fenced block (``` with a line of backticks further
 *     down) are taken as they are, the opening fence with its info string
 *     included; the closing fence, backticks only, carries no text.
 *   - What is left, with all whitespace (ASCII blanks, tabs, form feeds,
 *     U+3000) and the characters normalising removes (other C0 and C1
 *     controls, DEL, U+FEFF) taken out, must occur in the page with the same
 *     characters taken out, after the previous line's occurrence.
 *
 * Removing whitespace lets paragraphs be rejoined (one space between words,
 * none between CJK characters) and pages add their markers ("* ", "> ",
 * "## ", the escaping space); the order keeps a line from being found in a
 * heading of another part. Header-only (static inline) so that the unit
 * tests and the fuzz target link nothing extra.
 */
#ifndef KIZUNA_TEXT_KEPT_H
#define KIZUNA_TEXT_KEPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"

/*
 * Bytes of the character at s[0..len) that the comparison ignores (0 when
 * it counts): whitespace and what normalising removes.
 */
static inline size_t
text_kept_ignored(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x20 || u[0] == ' ' || u[0] == 0x7f)
		return 1;
	if (len >= 2 && u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
		return 2;  /* C1 controls, U+0080..U+009F */
	if (len >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;  /* U+3000 */
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;  /* U+FEFF */
	return 0;
}

/* Copies s[0..len) into out without the ignored characters. */
static inline size_t
text_kept_squeeze(const char *s, size_t len, char *out)
{
	size_t i = 0, w = 0, k;

	while (i < len) {
		if ((k = text_kept_ignored(s + i, len - i)) > 0) {
			i += k;
			continue;
		}
		out[w++] = s[i++];
	}
	return w;
}

/*
 * Copies s[0..len) into out without what normalising removes inside a line
 * (controls but tab, DEL, C1 controls, U+FEFF): blanks stay.
 */
static inline size_t
text_kept_clean(const char *s, size_t len, char *out)
{
	size_t i = 0, w = 0, k;

	while (i < len) {
		k = text_kept_ignored(s + i, len - i);
		if (k > 0 && s[i] != ' ' && s[i] != '\t' &&
		    !(k == 3 && (unsigned char)s[i] == 0xe3)) {
			i += k;
			continue;
		}
		out[w++] = s[i++];
	}
	return w;
}

/* s[0..*len) without its ignored characters at both ends. */
static inline const char *
text_kept_trim(const char *s, size_t *len)
{
	size_t k, n = *len;

	while (n > 0 && (k = text_kept_ignored(s, n)) > 0) {
		s += k;
		n -= k;
	}
	for (;;) {
		if (n > 0 && text_kept_ignored(s + n - 1, 1) > 0)
			n--;
		else if (n >= 3 && text_kept_ignored(s + n - 3, 3) == 3)
			n -= 3;
		else if (n >= 2 && text_kept_ignored(s + n - 2, 2) == 2)
			n -= 2;
		else
			break;
	}
	*len = n;
	return s;
}

static inline int
text_kept_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static inline int
text_kept_ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * Whether needle[0..n) occurs in hay[0..haylen). Our own memmem (glibc
 * declares it only under _GNU_SOURCE). Returns the occurrence or NULL.
 */
static inline const char *
text_kept_find(const char *hay, size_t haylen, const char *needle, size_t n)
{
	const char *p = hay, *end = hay + haylen;

	if (n == 0)
		return hay;
	while ((size_t)(end - p) >= n &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

static inline int
text_kept_contains(const char *hay, size_t haylen, const char *needle,
    size_t n)
{
	return text_kept_find(hay, haylen, needle, n) != NULL;
}

/* s[0..*len) (trimmed) without its leading marker, see the top. */
static inline const char *
text_kept_unmark(const char *s, size_t *len)
{
	static const char *const marks[] = {
		"■", "□", "●", "○", "◆", "◇", "▼", "▽", "▶", "►", "★", "☆",
		"◉", "♦", "▲", "△", "◼", "◾", "◯", "❏", "❖", "・", "•", "◎",
		"▪", "‣", "◦", "- ", "* ", "+ ", "＊ ", "－ ", "– ",
	};
	static const char *const brackets[][2] = {
		{ "【", "】" }, { "〔", "〕" }, { "［", "］" }, { "[", "]" },
		{ "＜", "＞" }, { "≪", "≫" }, { "《", "》" }, { "〈", "〉" },
		{ "〖", "〗" },
	};
	size_t n = *len, i;

	if (n > 0 && s[0] == '#') {
		for (i = 0; i < n && s[i] == '#'; i++)
			;
		if (i < n && s[i] == ' ') {
			s += i + 1;
			n -= i + 1;
			/* A closing sequence: "## Title ##". */
			for (i = n; i > 0 && s[i - 1] == '#'; i--)
				;
			if (i < n && i > 0 && s[i - 1] == ' ')
				n = i - 1;
		}
	} else if (n > 0 && (s[0] == '>' || text_kept_prefix(s, n, "＞"))) {
		/* Every level of a mail quotation: "> > text", ">>text",
		 * "＞text". */
		while (n > 0 && (s[0] == '>' || text_kept_prefix(s, n, "＞"))) {
			i = s[0] == '>' ? 1 : strlen("＞");
			s += i;
			n -= i;
			if (n > 0 && s[0] == ' ') {
				s++;
				n--;
			}
		}
	} else if (n > 2 && s[0] == '*' && s[1] == '*') {
		/* Hatena's sub-headings: "** ", "*** ". */
		for (i = 0; i < n && s[i] == '*'; i++)
			;
		if (i < n && s[i] == ' ') {
			s += i + 1;
			n -= i + 1;
		}
	} else {
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			if (text_kept_prefix(s, n, marks[i])) {
				s += strlen(marks[i]);
				n -= strlen(marks[i]);
				break;
			}
	}
	s = text_kept_trim(s, &n);
	for (i = 0; i < sizeof(brackets) / sizeof(brackets[0]); i++) {
		size_t o = strlen(brackets[i][0]), c = strlen(brackets[i][1]);

		if (n >= o + c && text_kept_prefix(s, n, brackets[i][0]) &&
		    text_kept_ends_with(s, n, brackets[i][1])) {
			s += o;
			n -= o + c;
			break;
		}
	}
	*len = n;
	return s;
}

/* A fence opener (trimmed): ``` and an info string of plain ASCII. */
static inline int
text_kept_fence_opener(const char *s, size_t n)
{
	size_t i;

	if (n > 40 || !text_kept_prefix(s, n, "```"))
		return 0;
	for (i = 3; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '`' || s[i] == '~')
			return 0;
	return 1;
}

/* A fence closer (trimmed): three or more backticks and nothing else. */
static inline int
text_kept_fence_closer(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '`')
			return 0;
	return n >= 3;
}

struct text_kept_line {
	const char *s;       /* trimmed */
	size_t n;
	const char *raw;     /* as in the source, without its line end */
	size_t rawlen;
	int dropped;
	int opener, is_closer;  /* a fence, as normalising leaves the line */
	size_t closer;       /* the first closer at or after it, or SIZE_MAX */
};

/*
 * Returns the first source line (a pointer into src, its length in
 * *missing_len, as written without its line end) that the page does not
 * keep, or NULL when every line is kept. a is the article read from src
 * (for its dropped list). Neither buffer need be NUL-terminated.
 */
static inline const char *
text_kept_missing(const char *src, size_t len, const struct article *a,
    const char *page, size_t pagelen, size_t *missing_len)
{
	static const char related[] = "↓↓【関連記事】↓↓";
	struct text_kept_line *lines;
	char *hay, *needle;
	size_t nlines = 0, pos = 0, i, d = 0, haylen, at = 0, fence_end = 0;
	const char *miss = NULL;
	int in_fence = 0;

	for (i = 0; i < len; i++)
		if (src[i] == '\n' || (src[i] == '\r' &&
		    (i + 1 >= len || src[i + 1] != '\n')))
			nlines++;
	nlines++;
	lines = malloc(nlines * sizeof(*lines));
	hay = malloc(pagelen + 1);
	needle = malloc(len + 1);
	if (lines == NULL || hay == NULL || needle == NULL)
		abort();
	haylen = text_kept_squeeze(page, pagelen, hay);

	nlines = 0;
	while (pos < len) {
		struct text_kept_line *l = &lines[nlines];
		const char *s = src + pos;
		size_t n = 0;

		while (pos + n < len && s[n] != '\n' && s[n] != '\r')
			n++;
		pos += n;
		if (pos < len && src[pos] == '\r' && pos + 1 < len &&
		    src[pos + 1] == '\n')
			pos += 2;
		else if (pos < len)
			pos++;
		l->raw = s;
		l->rawlen = n;
		l->s = text_kept_trim(s, &n);
		l->n = n;
		n = text_kept_clean(l->s, l->n, needle);
		l->opener = text_kept_fence_opener(needle, n);
		l->is_closer = text_kept_fence_closer(needle, n);
		while (d < a->ndropped && a->dropped[d].line < nlines)
			d++;
		l->dropped = d < a->ndropped && a->dropped[d].line == nlines;
		nlines++;
	}
	for (i = nlines; i-- > 0;)
		lines[i].closer = !lines[i].dropped && lines[i].is_closer ? i :
		    i + 1 < nlines ? lines[i + 1].closer : SIZE_MAX;

	for (i = 0; i < nlines && miss == NULL; i++) {
		struct text_kept_line *l = &lines[i];
		const char *s = l->s, *found;
		size_t n = l->n, w;

		if (l->dropped || n == 0)
			continue;
		if (in_fence && i == fence_end) {
			/* A closing fence: backticks, no text (the page writes
			 * its own). */
			in_fence = 0;
			continue;
		} else if (!in_fence && l->opener &&
		    i + 1 < nlines && lines[i + 1].closer != SIZE_MAX) {
			in_fence = 1;
			fence_end = lines[i + 1].closer;
		} else if (!in_fence) {
			/* Marks are read once normalising has taken the
			 * control characters out ("-\x1f x" is "- x"). */
			char *clean = malloc(n + 1);

			if (clean == NULL)
				abort();
			n = text_kept_clean(s, n, clean);
			s = text_kept_trim(clean, &n);
			if (n == strlen(related) && memcmp(s, related, n) == 0) {
				free(clean);
				continue;
			}
			s = text_kept_unmark(s, &n);
			w = text_kept_squeeze(s, n, needle);
			free(clean);
			goto look;
		}
		w = text_kept_squeeze(s, n, needle);
look:
		if (w == 0)
			continue;
		found = text_kept_find(hay + at, haylen - at, needle, w);
		if (found == NULL) {
			miss = l->raw;
			*missing_len = l->rawlen;
		} else {
			at = (size_t)(found - hay) + w;
		}
	}
	free(lines);
	free(hay);
	free(needle);
	return miss;
}

#endif
