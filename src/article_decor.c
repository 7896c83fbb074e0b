/*
 * article_decor.c - PURE: what is not the article's text: rules, page
 * footers and running headers, a manual table of contents (see
 * article_internal.h). The title is article_title.c's.
 */
#include "article_internal.h"

#include <stdlib.h>
#include <string.h>

/* --- decoration ---------------------------------------------------------- */

/* A tiny hash multiset of strings (by their 64-bit hash). */
struct counts {
	uint64_t *keys;
	unsigned *count;
	size_t mask;
};

static int
counts_init(struct counts *c, size_t n)
{
	size_t size = 16;

	while (size < 2 * n + 2)
		size *= 2;
	c->mask = size - 1;
	c->keys = calloc(size, sizeof(*c->keys));
	c->count = calloc(size, sizeof(*c->count));
	return c->keys != NULL && c->count != NULL ? 0 : -1;
}

static void
counts_free(struct counts *c)
{
	free(c->keys);
	free(c->count);
}

/* The slot of key (0 is never a key: it is made 1). */
static size_t
counts_slot(const struct counts *c, uint64_t key)
{
	size_t i;

	key = key == 0 ? 1 : key;
	for (i = (size_t)key & c->mask; c->keys[i] != 0 && c->keys[i] != key;
	    i = (i + 1) & c->mask)
		;
	return i;
}

static void
counts_add(struct counts *c, uint64_t key)
{
	size_t i = counts_slot(c, key);

	c->keys[i] = key == 0 ? 1 : key;
	c->count[i]++;
}

static unsigned
counts_get(const struct counts *c, uint64_t key)
{
	return c->count[counts_slot(c, key)];
}

/* A line of a manual table of contents is at most this wide. */
#define TOC_MAX_COLUMNS 100

/* Bytes of a bracketed label "≪...≫", "【...】" or "＜...＞" that
 * key[0..len) starts with, or 0. */
static size_t
bracket_prefix(const char *key, size_t len)
{
	static const char *const pairs[][2] = {
		{ "≪", "≫" }, { "【", "】" }, { "＜", "＞" },
	};
	size_t k;
	const char *close;

	for (k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		if (!article_starts_with(key, len, pairs[k][0]))
			continue;
		close = key + 3;
		while ((close = memchr(close, pairs[k][1][0],
		    (size_t)(key + len - close))) != NULL) {
			if (article_starts_with(close, (size_t)(key + len - close),
			    pairs[k][1]))
				return (size_t)(close - key) + 3;
			close++;
		}
		return 0;
	}
	return 0;
}

/* Lines that name a table of contents. */
static int
is_contents_label(const char *key, size_t len)
{
	static const char *const ends[] = {
		"目次", "もくじ", "Contents", "CONTENTS", "contents", "INDEX",
	};
	size_t k;

	/* "目次", "今月のもくじ", "Table of Contents" (blanks gone). */
	if (len > 24)
		return 0;
	for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		if (article_ends_with(key, len, ends[k]))
			return 1;
	return 0;
}

/*
 * A manual table of contents: a block of lines (no blank between), most of
 * which say a heading found further down, perhaps under a label ("目次")
 * and with dot leaders and page numbers. The generated contents replace
 * it. Walks the blocks from the end, so the set holds only what follows.
 */
/* Whether line k could head a section, before headings are decided: a
 * heading style, or a short line without a full stop under a blank. */
static int
heading_like(const struct alines *ls, size_t k)
{
	const struct aline *l = &ls->v[k];

	if (l->kind != LK_TEXT)
		return 0;
	if (l->style != STYLE_PLAIN && l->style != STYLE_NONE &&
	    l->style != STYLE_ROW)
		return 1;
	return (k == 0 || ls->v[k - 1].kind == LK_BLANK ||
	    ls->v[k - 1].kind == LK_DROPPED) &&
	    l->width <= SUBHEADING_MAX_COLUMNS &&
	    (!article_ends_sentence(l->text, l->len) ||
	    article_all_capitals(l->text, l->len));
}

int
article_drop_contents(struct reader *r, char *scratch)
{
	struct alines *ls = &r->lines;
	struct counts later;
	size_t end, start, k, klen, matched, entries, above;
	int label, wide;

	if (counts_init(&later, 2 * ls->n) == -1)
		return -1;
	end = ls->n;
	while (end > 0) {
		/* The block [start, end): non-blank lines. */
		while (end > 0 && ls->v[end - 1].kind != LK_TEXT &&
		    ls->v[end - 1].kind != LK_BULLET)
			end--;
		start = end;
		while (start > 0 && (ls->v[start - 1].kind == LK_TEXT ||
		    ls->v[start - 1].kind == LK_BULLET)) {
			start--;
			if (ls->v[start].page_break)
				break;
		}
		if (start == end)
			break;
		matched = entries = 0;
		label = wide = 0;
		for (k = start; k < end && !wide; k++) {
			/* A contents line is short, leaders and all. */
			if (ls->v[k].width > TOC_MAX_COLUMNS) {
				wide = 1;
				break;
			}
			klen = article_heading_key(ls->v[k].text, ls->v[k].len,
			    scratch);
			if (k == start && is_contents_label(scratch, klen)) {
				label = 1;
				continue;
			}
			entries++;
			if (klen > 0 && counts_get(&later,
			    article_hash(scratch, klen)) > 0)
				matched++;
		}
		/* The label may stand a blank line above: "CONTENTS". */
		above = SIZE_MAX;
		if (!label && start > 0) {
			for (k = start; k-- > 0 && ls->v[k].kind == LK_BLANK;)
				;
			if (k != SIZE_MAX && k + 1 < start &&
			    ls->v[k].kind == LK_TEXT &&
			    is_contents_label(scratch, article_heading_key(
			    ls->v[k].text, ls->v[k].len, scratch))) {
				label = 1;
				above = k;
			}
		}
		if (!wide && entries >= 2 && matched * 3 >= entries * 2 &&
		    (label || (entries >= 3 && matched == entries))) {
			for (k = start; k < end; k++)
				article_drop_line(&ls->v[k], ARTICLE_DROP_CONTENTS);
			if (above != SIZE_MAX)
				article_drop_line(&ls->v[above],
				    ARTICLE_DROP_CONTENTS);
		}
		for (k = start; k < end; k++) {
			const char *t = ls->v[k].text;
			size_t n = ls->v[k].len, close;

			/* Only a heading can be what a contents line names:
			 * a repeated list or sentence names nothing. */
			if (ls->v[k].width > TOC_MAX_COLUMNS ||
			    !heading_like(ls, k))
				continue;
			klen = article_heading_key(t, n, scratch);
			counts_add(&later, article_hash(scratch, klen));
			/* "≪テーマ≫見出し" also says "見出し". */
			if ((close = bracket_prefix(scratch, klen)) > 0 &&
			    close < klen)
				counts_add(&later, article_hash(scratch + close,
				    klen - close));
		}
		end = start;
	}
	counts_free(&later);
	return 0;
}

/*
 * The first line of each page (after a form feed), when the same text
 * opens two pages or more: a running header, as "家計の本" on every page.
 */
static int
drop_page_headers(struct alines *ls)
{
	struct counts at_page;
	size_t i, j, step, *first;
	size_t n = 0;

	if ((first = malloc((ls->n + 1) * sizeof(*first))) == NULL)
		return -1;
	if (counts_init(&at_page, ls->n) == -1) {
		free(first);
		counts_free(&at_page);
		return -1;
	}
	for (i = 0; i < ls->n; i++) {
		if (!ls->v[i].page_break || ls->v[i].kind == LK_DROPPED)
			continue;
		for (step = 0, j = i; step < 3 && j < ls->n &&
		    ls->v[j].kind == LK_BLANK; step++)
			j++;
		if (j >= ls->n || ls->v[j].kind != LK_TEXT ||
		    ls->v[j].width > HEADING_MAX_COLUMNS)
			continue;
		/* Form feeds on lines of their own may point at one line
		 * twice: it opens one page. */
		if (n > 0 && first[n - 1] == j)
			continue;
		first[n++] = j;
		counts_add(&at_page, article_hash(ls->v[j].text, ls->v[j].len));
	}
	for (i = 0; i < n; i++) {
		struct aline *l = &ls->v[first[i]];

		if (l->kind == LK_TEXT && counts_get(&at_page,
		    article_hash(l->text, l->len)) >= 2)
			article_drop_line(l, ARTICLE_DROP_RUNNING_HEADER);
	}
	counts_free(&at_page);
	free(first);
	return 0;
}

/*
 * Rules, page footers, running headers (a line repeated next to page
 * footers). A page break that cuts a
 * sentence is made transparent, so the paragraph joins across it.
 */
int
article_decorate(struct reader *r)
{
	struct alines *ls = &r->lines;
	struct counts seen;
	size_t i, j, k;

	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT && l->kind != LK_BULLET)
			continue;
		if (article_is_page_footer(l->text, l->len)) {
			article_drop_line(l, ARTICLE_DROP_PAGE_FOOTER);
			l->page_break = 1;
		} else if (article_is_rule(l->text, l->len) ||
		    strcmp(l->text, "--") == 0 ||
		    (i > 0 && ls->v[i - 1].style == STYLE_SETEXT &&
		    ls->v[i - 1].kind == LK_TEXT)) {
			article_drop_line(l, ARTICLE_DROP_RULE);
		}
	}

	if (counts_init(&seen, ls->n) == -1)
		return -1;
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == LK_TEXT)
			counts_add(&seen, article_hash(ls->v[i].text,
			    ls->v[i].len));
	for (i = 0; i < ls->n; i++) {
		if (ls->v[i].kind != LK_DROPPED ||
		    ls->v[i].drop != ARTICLE_DROP_PAGE_FOOTER)
			continue;
		/* The line right after (or before) a footer, past a few
		 * blank lines at most (bounded: a run of footers stays
		 * linear), seen twice in the text. */
		for (k = 0; k < 2; k++) {
			size_t step;

			for (step = 0, j = i; step < 4; step++) {
				j = k == 0 ? j + 1 : j - 1;
				if (j >= ls->n || ls->v[j].kind != LK_BLANK)
					break;
			}
			if (j >= ls->n || ls->v[j].kind != LK_TEXT ||
			    ls->v[j].width > HEADING_MAX_COLUMNS ||
			    counts_get(&seen, article_hash(ls->v[j].text,
			    ls->v[j].len)) < 2)
				continue;
			if (k == 1 && j + 1 < i && ls->v[j + 1].kind != LK_BLANK)
				continue;
			article_drop_line(&ls->v[j],
			    ARTICLE_DROP_RUNNING_HEADER);
		}
	}
	counts_free(&seen);
	if (drop_page_headers(ls) == -1)
		return -1;

	/* A page break inside a sentence: its blank lines are no break. */
	for (i = 0; i < ls->n; i++) {
		size_t p, q;

		if (ls->v[i].kind != LK_DROPPED ||
		    (ls->v[i].drop != ARTICLE_DROP_PAGE_FOOTER &&
		    ls->v[i].drop != ARTICLE_DROP_RUNNING_HEADER))
			continue;
		/* The run of blank and dropped lines around it, walked
		 * once: the loop goes on after it. */
		for (p = i; p > 0 && (ls->v[p - 1].kind == LK_BLANK ||
		    ls->v[p - 1].kind == LK_DROPPED) && !ls->v[p - 1].transparent &&
		    i - p < 8; p--)
			;
		for (q = i; q < ls->n && (ls->v[q].kind == LK_BLANK ||
		    ls->v[q].kind == LK_DROPPED); q++)
			;
		if (p == 0 || q >= ls->n || ls->v[p - 1].kind != LK_TEXT ||
		    ls->v[q].kind != LK_TEXT || ls->v[q].indent > 0 ||
		    article_ends_sentence(ls->v[p - 1].text, ls->v[p - 1].len) ||
		    article_ends_with(ls->v[p - 1].text, ls->v[p - 1].len,
		    CLOSE_QUOTE))
			goto next;
		for (k = p; k < q; k++) {
			ls->v[k].transparent = 1;
			if (ls->v[k].kind == LK_BLANK)
				ls->v[k].kind = LK_DROPPED;
		}
next:
		i = q;
	}
	return 0;
}
