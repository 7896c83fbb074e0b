/*
 * article_decor.c - PURE: what is not the article's text: rules, page
 * footers and running headers, a manual table of contents; and the title
 * at the top (see article_internal.h).
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

/* --- title ------------------------------------------------------------------ */

/* A line of a cover (a PDF's first page): short. */
#define COVER_MAX_COLUMNS 50

/* "件名：...", "Subject: ...": *value set. */
int
article_mail_header(const struct aline *l, int *subject, const char **value)
{
	static const char *const keys[] = {
		"件名", "題名", "Subject", "差出人", "送信者", "宛先", "日付",
		"From", "To", "Date", "Sent", "Cc", "配信日", "発行日",
	};
	size_t k, n, i;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		n = strlen(keys[k]);
		if (!article_starts_with(l->text, l->len, keys[k]))
			continue;
		i = n;
		if (article_starts_with(l->text + i, l->len - i, "："))
			i += strlen("：");
		else if (i < l->len && l->text[i] == ':')
			i++;
		else
			continue;
		while (i < l->len && l->text[i] == ' ')
			i++;
		*subject = k < 3;
		*value = l->text + i;
		return 1;
	}
	return 0;
}

/* "テーマ：子どものこと": a short label, a colon, a value. */
int
article_is_label_line(const struct aline *l)
{
	size_t i, n, chars = 0;

	for (i = 0; i < l->len && chars <= 8; i += n, chars++) {
		uint32_t cp = article_cp(l->text + i, l->len - i, &n);

		if (cp == ' ' || cp == 0x3000)
			return 0;
		if ((cp == ':' || cp == 0xff1a) && chars > 0)
			return i + n < l->len;
	}
	return 0;
}

/* Names of organisations, which stand on covers beside the title. */
static int
is_organisation(const struct aline *l)
{
	static const char *const ends[] = {
		"学校", "本部", "協会", "委員会", "株式会社", "会社", "編集部",
		"町内会", "自治会", "保護者会", "PTA",
		"事務局", "事務所", "研究所", "財団", "法人", "組合", "役所",
		"Inc.", "Ltd.", "LLC",
	};
	static const char *const places[] = { "市", "町", "村", "区", "県" };

	/* Or a town alone ("みなと市") on a cover, short. */
	return article_ends_with_any(l->text, l->len, ends,
	    sizeof(ends) / sizeof(ends[0])) ||
	    article_starts_with(l->text, l->len, "株式会社") ||
	    (l->width <= 12 && article_ends_with_any(l->text, l->len, places,
	    sizeof(places) / sizeof(places[0])));
}

static int
title_shaped(const struct aline *l)
{
	uint32_t cp = article_line_last_cp(l);

	return l->kind == LK_TEXT && l->width <= TITLE_MAX_COLUMNS &&
	    !(cp == 0x3002 || cp == 0xff0e || cp == 0x3001 || cp == 0xff0c ||
	    cp == ',' || cp == ':' || cp == 0xff1a || cp == ';' || cp == '.') &&
	    !l->meta;
}

/* Whether another line further down has the same heading style. */
static int
style_recurs(const struct alines *ls, size_t i)
{
	size_t j;
	int s = ls->v[i].style;

	if (s == STYLE_PLAIN || s == STYLE_NONE || s == STYLE_SETEXT ||
	    s == STYLE_ROW)
		return 0;
	for (j = i + 1; j < ls->n; j++)
		if (ls->v[j].kind == LK_TEXT && ls->v[j].style == s)
			return 1;
	return 0;
}

/* Whether a line below i has a heading style (marked or numbered). */
static int
other_styles(const struct alines *ls, size_t i)
{
	size_t j;

	for (j = i + 1; j < ls->n; j++)
		if (ls->v[j].kind == LK_TEXT && ls->v[j].style != STYLE_PLAIN &&
		    ls->v[j].style != STYLE_NONE && ls->v[j].style != STYLE_ROW)
			return 1;
	return 0;
}

/* A kicker above a title: a path of categories ("旅行記 / 台湾", "Forums ›
 * Home › Windows") or a masthead ("社内報「かけはし」春号　｜　vol.12"). */
static int
is_kicker(const struct aline *l)
{
	static const char *const seps[] = {
		" / ", "›", "»", " > ", "｜", " | ", "＞",
	};
	size_t k;

	/* Or a category in brackets alone: "[Home repair]". */
	if (l->bracket_whole)
		return 1;
	for (k = 0; k < sizeof(seps) / sizeof(seps[0]); k++)
		if (article_contains(l->text, l->len, seps[k]))
			return 1;
	return 0;
}

/* An issue of a newsletter alone over the title: "…だより　臨時号".
 * (Framed by rules, with nothing titled under it, it is the title.) */
static int
is_issue(const struct aline *l)
{
	return l->width <= 50 && article_ends_with(l->text, l->len, "号");
}

/* Whether the kicker at i stands alone (a blank under it): a breadcrumb
 * over the page, the title further down. */
static int
kicker_alone(const struct alines *ls, size_t i)
{
	return i + 1 >= ls->n || ls->v[i + 1].kind == LK_BLANK;
}

/* A person's name alone in Latin letters ("Ken Aoki", "Mary J. Blige"):
 * two to four capitalised words, nothing else. */
static int
is_name(const struct aline *l)
{
	size_t i, words = 0;

	for (i = 0; i < l->len;) {
		if (!(l->text[i] >= 'A' && l->text[i] <= 'Z'))
			return 0;
		for (i++; i < l->len && l->text[i] != ' '; i++)
			if (!((l->text[i] >= 'a' && l->text[i] <= 'z') ||
			    l->text[i] == '.' || l->text[i] == '-' ||
			    l->text[i] == '\''))
				return 0;
		words++;
		while (i < l->len && l->text[i] == ' ')
			i++;
	}
	return words >= 2 && words <= 4;
}

/* Whether line i is title-shaped with one to three lines right under it
 * that are all dates, bylines or reading times, then a blank. */
static int
has_byline(const struct alines *ls, size_t i)
{
	size_t j;

	if (i >= ls->n || !title_shaped(&ls->v[i]) ||
	    ls->v[i].style != STYLE_PLAIN)
		return 0;
	for (j = i + 1; j < ls->n && j <= i + 3 && ls->v[j].kind == LK_TEXT &&
	    ls->v[j].len > 0; j++)
		if (!ls->v[j].meta)
			return 0;
	return j > i + 1 && (j >= ls->n || ls->v[j].kind == LK_BLANK);
}

static void
take_title(struct reader *r, size_t i, const char *text)
{
	r->a->title = text;
	r->title_line = i;
}

/*
 * The block [i, end) as a title with its byline, date or reading time
 * under it, maybe below a kicker, a masthead or a category word and above
 * a subtitle and the author's name: takes the first line that is none of
 * those as the title and returns 1, else 0. Below other lines, a title
 * is the widest (min_width: theirs).
 */
static int
title_with_byline(struct reader *r, size_t i, size_t end, int min_width)
{
	struct alines *ls = &r->lines;
	size_t j, k, last, metas;

	for (j = end, metas = 0; j-- > i;) {
		if (ls->v[j].kind == LK_TEXT && !ls->v[j].meta)
			break;
		metas += ls->v[j].kind == LK_TEXT;
	}
	if (metas == 0 || j >= end)
		return 0;
	last = j;
	for (k = i; k <= last; k++) {
		const struct aline *l = &ls->v[k];

		/* (A category word over a longer line: "エッセイ".) */
		if (l->kind != LK_TEXT || l->meta || is_kicker(l) ||
		    is_organisation(l) || (k > i && k == last &&
		    is_name(l)) || (k < last && ls->v[k + 1].kind == LK_TEXT &&
		    2 * l->width <= ls->v[k + 1].width && l->width <= 12))
			continue;
		if (!title_shaped(l) || l->width < min_width)
			return 0;
		take_title(r, k, l->text + l->mark);
		article_drop_line(&ls->v[k], ARTICLE_DROP_TITLE);
		/* What stood above the title heads nothing. */
		for (j = i; j < k; j++)
			ls->v[j].meta = 1;
		return 1;
	}
	return 0;
}

/*
 * The title, when the front matter gave none: a Markdown "# " first line,
 * an underlined first line, a mail's subject, else the line at the top
 * that stands alone (after dates, bylines and labels), else the title
 * line of a cover (a first block of a few short lines).
 */
void
article_find_title(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, j, k, b, end, best = SIZE_MAX;
	int widest;
	const char *value;
	int subject, headers = 0;

	i = article_next_content(ls, SIZE_MAX);
	if (i >= ls->n)
		return;
	if (r->a->title != NULL) {
		/* The same title written again under the front matter. */
		if (ls->v[i].kind == LK_TEXT && strcmp(ls->v[i].text +
		    ls->v[i].mark, r->a->title) == 0)
			article_drop_line(&ls->v[i], ARTICLE_DROP_TITLE);
		return;
	}
	/* A Markdown or underlined title, maybe under a date line. */
	for (j = i; j < ls->n && ls->v[j].kind == LK_TEXT && ls->v[j].meta;)
		j = article_next_content(ls, j);
	if (j < ls->n && ls->v[j].kind == LK_TEXT && ls->v[j].md_depth == 1 &&
	    (ls->v[j].style == STYLE_MD || ls->v[j].style == STYLE_SETEXT)) {
		take_title(r, j, ls->v[j].text + ls->v[j].mark);
		article_drop_line(&ls->v[j], ARTICLE_DROP_TITLE);
		return;
	}
	/* Mail headers: the subject is the title; the headers stay text. */
	for (j = i, value = NULL; j < ls->n && ls->v[j].kind == LK_TEXT; j++) {
		const char *v;

		if (!article_mail_header(&ls->v[j], &subject, &v))
			break;
		headers++;
		if (subject && *v != '\0' && value == NULL) {
			value = v;
			best = j;
		}
	}
	if (value != NULL && (headers >= 2 || best == i)) {
		take_title(r, best, value);
		return;
	}
	/* Past dates, bylines, labels and reading times; a sender's name
	 * and role ("株式会社あおば青果", "代表取締役　上田 誠") above a
	 * letter's or a release's title. */
	for (j = i; i < ls->n && ls->v[i].kind == LK_TEXT &&
	    (ls->v[i].meta || article_is_label_line(&ls->v[i]) ||
	    ((is_kicker(&ls->v[i]) || is_issue(&ls->v[i])) &&
	    kicker_alone(ls, i)) ||
	    (i > j && ls->v[i].indent > 0 && (is_organisation(&ls->v[i]) ||
	    ls->v[i].style == STYLE_ROW)));)
		i = article_next_content(ls, i);
	if (i >= ls->n || !title_shaped(&ls->v[i]))
		return;
	/* The title with its byline may stand a block or two down, under a
	 * site's name and tagline, or a category. */
	for (b = i, k = 0, widest = 0; k < 3 && b < ls->n &&
	    ls->v[b].kind == LK_TEXT; k++) {
		for (end = b; end < ls->n && (ls->v[end].kind == LK_TEXT ||
		    ls->v[end].kind == LK_DROPPED) && ls->v[end].len > 0; end++)
			;
		if (end - b <= 5 && title_with_byline(r, b, end, widest)) {
			for (j = i; j < b; j++)
				ls->v[j].meta = 1;
			return;
		}
		for (j = b; j < end; j++)
			if (ls->v[j].kind == LK_TEXT && ls->v[j].width > widest)
				widest = ls->v[j].width;
		b = article_next_content(ls, end - 1);
	}
	for (end = i; end < ls->n && (ls->v[end].kind == LK_TEXT ||
	    ls->v[end].kind == LK_DROPPED) && ls->v[end].len > 0; end++)
		;
	if (end == i + 1) {
		/* A line standing alone, not a heading style used again, and
		 * if marked, not the only heading of the text. */
		/* (A line in capitals first of all is the title, as a
		 * book's or a plain-text FAQ's, though capitals head its
		 * sections too.) */
		if ((style_recurs(ls, i) && ls->v[i].style != STYLE_CAPS) ||
		    ls->v[i].style == STYLE_SETEXT ||
		    (ls->v[i].style != STYLE_PLAIN &&
		    ls->v[i].style != STYLE_NONE && !other_styles(ls, i)))
			return;
		/* The only text there is stays text (and names it). */
		if (article_next_content(ls, i) >= ls->n)
			return;
		/* A category or a kicker above the title: the line with the
		 * byline, date or reading time under it is the title. */
		j = article_next_content(ls, i);
		if (has_byline(ls, j))
			i = j;
		take_title(r, i, ls->v[i].text + ls->v[i].mark);
		article_drop_line(&ls->v[i], ARTICLE_DROP_TITLE);
		return;
	}
	if (end - i > 5 || (end < ls->n && ls->v[end].kind != LK_BLANK))
		return;
	/* A kicker (a path of categories), then the title. */
	if (end - i == 2 && is_kicker(&ls->v[i]) && title_shaped(&ls->v[i + 1]) &&
	    ls->v[i + 1].style == STYLE_PLAIN) {
		take_title(r, i + 1, ls->v[i + 1].text);
		article_drop_line(&ls->v[i + 1], ARTICLE_DROP_TITLE);
		ls->v[i].meta = 1;
		return;
	}
	if (title_with_byline(r, i, end, 0))
		return;
	/* A cover: a few short lines; the title is the longest that is not
	 * a date or an organisation. */
	best = SIZE_MAX;
	for (j = i; j < end; j++) {
		const struct aline *l = &ls->v[j];

		if (l->kind != LK_TEXT || l->meta || is_kicker(l))
			continue;
		/* Short plain lines only: not a list, not a quotation,
		 * not wrapped text. */
		if (!title_shaped(l) || article_ends_sentence(l->text, l->len) ||
		    l->width > COVER_MAX_COLUMNS || l->style != STYLE_PLAIN ||
		    article_starts_with(l->text, l->len, OPEN_QUOTE))
			return;
		if (is_organisation(l) || article_is_label_line(l))
			continue;
		if (best == SIZE_MAX || l->width > ls->v[best].width)
			best = j;
	}
	if (best != SIZE_MAX && !style_recurs(ls, best)) {
		take_title(r, best, ls->v[best].text + ls->v[best].mark);
		article_drop_line(&ls->v[best], ARTICLE_DROP_TITLE);
	}
}


/*
 * When no title was found: a heading above all the text (past dates,
 * bylines and a cover's short lines) whose style heads nothing else, or a
 * plain line set apart by centring, is the title, not a first section
 * ("第十二話　返却期限" under a serial's date line, a letter's centred
 * subject under its addresses).
 */
void
article_title_from_top_heading(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, j;

	if (r->a->title != NULL)
		return;
	for (i = 0; i < ls->n; i++) {
		const struct aline *l = &ls->v[i];

		if (l->kind == LK_BLANK || l->kind == LK_DROPPED)
			continue;
		if (l->kind != LK_TEXT)
			return;
		if (l->heading)
			break;
		/* A cover's line: short, not a sentence. */
		if (!l->meta && (l->width > COVER_MAX_COLUMNS ||
		    article_ends_sentence(l->text, l->len)))
			return;
	}
	/* A mark (■) says "section" whatever stands around it. */
	if (i >= ls->n || ls->v[i].style == STYLE_MD ||
	    ls->v[i].style == STYLE_SETEXT ||
	    (ls->v[i].style >= STYLE_MARK_BASE &&
	    ls->v[i].style < STYLE_BRACKET_BASE))
		return;
	/* Centred at the top, it is the title whatever follows. */
	for (j = i + 1; j < ls->n && !((ls->v[i].style == STYLE_PLAIN ||
	    ls->v[i].style == STYLE_CAPS) && ls->v[i].indent > 0); j++)
		if (ls->v[j].kind == LK_TEXT && ls->v[j].heading &&
		    ls->v[j].style == ls->v[i].style)
			return;
	ls->v[i].heading = 0;
	take_title(r, i, ls->v[i].text + ls->v[i].mark);
	article_drop_line(&ls->v[i], ARTICLE_DROP_TITLE);
}
