/*
 * article.c - PURE: plain text -> article structure (see article.h).
 *
 * The passes, in order, each over the whole document and linear:
 *
 *   split       article_lines.c: normalised lines
 *   front       front matter: "title:", "date:", "lang:", "tags:"
 *   classify    article_style.c: fences, links, quotes, bullets, styles
 *   decorate    rules, page footers and running headers, a manual table
 *               of contents: left out (article.dropped says which)
 *   title       Markdown "# ", an underlined first line, a mail subject,
 *               the title line or cover at the top
 *   wrap        is the text hard-wrapped, and at which width
 *   headings    which styles head sections in this document, and at
 *               which level; which numbered or marked lines are items
 *   blocks      paragraphs (wrapped lines joined), lists, quotes, code,
 *               links, sections
 *   language    front matter, else kana and kanji against Latin letters
 *
 * When unsure, a line is a paragraph: a wrong heading is worse than a
 * missed one.
 */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "article_internal.h"
#include "utf8.h"

/* A heading is short: at most this many display columns. */
#define HEADING_MAX_COLUMNS 80
/* A sub-heading that is a plain line with text right under it: shorter. */
#define SUBHEADING_MAX_COLUMNS 60
/* A title line at the top: at most this wide. */
#define TITLE_MAX_COLUMNS 120
/* A quote block longer than this is more likely prose in brackets. */
#define QUOTE_MAX_LINES 30
/* Front matter: at most this many lines are looked at. */
#define FRONT_MAX_LINES 12

#define RELATED_SLOT "↓↓【関連記事】↓↓"
#define DOWN_ARROWS "↓↓"
#define OPEN_QUOTE "「"
#define CLOSE_QUOTE "」"
#define IDEOGRAPHIC_COMMA "、"

struct reader {
	struct article *a;
	struct alines lines;
	char *out;             /* joined text goes here */
	size_t w;
	size_t block_cap, section_cap;
	int wrap_width;        /* 0: not hard-wrapped */
	int latin;             /* mostly Latin script (word wrap, spaces) */
	int novel_indent;      /* paragraphs open with an indent, so an
	                          unindented 「 line is dialogue, not a quote */
	size_t title_line;     /* the line the title came from, or SIZE_MAX */
	int gap;               /* a blank line since the last block */
};

/* --- small helpers ----------------------------------------------------------- */

int
article_is_link_slot(const char *line, size_t len)
{
	return len >= 2 * strlen(DOWN_ARROWS) &&
	    article_starts_with(line, len, DOWN_ARROWS) &&
	    article_ends_with(line, len, DOWN_ARROWS);
}

static void
drop(struct aline *l, enum article_drop_reason why)
{
	l->kind = LK_DROPPED;
	l->drop = why;
}

static int
ascii_ieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/* The index of the next line at or after i that is not dropped. */
static size_t
next_kept(const struct alines *lines, size_t i)
{
	while (i < lines->n && lines->v[i].kind == LK_DROPPED)
		i++;
	return i;
}

/* The next line after i with text (not blank, not dropped), or n. */
static size_t
next_content(const struct alines *lines, size_t i)
{
	for (i++; i < lines->n; i++)
		if (lines->v[i].kind != LK_DROPPED &&
		    lines->v[i].kind != LK_BLANK)
			return i;
	return lines->n;
}

/* The previous line before i that is not dropped, or SIZE_MAX. */
static size_t
prev_kept(const struct alines *lines, size_t i)
{
	while (i-- > 0)
		if (lines->v[i].kind != LK_DROPPED || lines->v[i].transparent)
			if (lines->v[i].kind != LK_DROPPED)
				return i;
	return SIZE_MAX;
}

static uint32_t
last_cp(const struct aline *l)
{
	size_t n;

	return l->len > 0 ? article_last_cp(l->text, l->len, &n) : 0;
}

/* --- front matter -------------------------------------------------------- */

/* "key: value" with one of the keys article.h reads; *value set. */
static int
front_key(const struct aline *l, const char *key, const char **value)
{
	size_t n = strlen(key), i;

	if (l->len <= n || !ascii_ieq(l->text, key, n))
		return 0;
	i = n;
	while (i < l->len && l->text[i] == ' ')
		i++;
	if (i >= l->len || l->text[i] != ':')
		return 0;
	for (i++; i < l->len && (l->text[i] == ' ' || l->text[i] == '\t'); i++)
		;
	*value = l->text + i;
	return 1;
}

/* A BCP 47-looking tag: letters, digits and '-', short. */
static int
plausible_lang(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return 0;
	return i >= 2 && i <= 35;
}

static int
read_front_line(struct article *a, struct aline *l)
{
	const char *v;

	if (front_key(l, "title", &v)) {
		if (*v != '\0')
			a->title = v;
	} else if (front_key(l, "date", &v)) {
		a->date = *v != '\0' ? v : NULL;
	} else if (front_key(l, "lang", &v)) {
		a->lang = plausible_lang(v) ? v : NULL;
	} else if (front_key(l, "tags", &v)) {
		a->tags = *v != '\0' ? v : NULL;
	} else {
		return 0;
	}
	a->has_front_matter = 1;
	drop(l, ARTICLE_DROP_FRONT_MATTER);
	return 1;
}

/*
 * Leading "key: value" lines with the keys title, date, lang, tags (any
 * case), or a "---" block of them. Other keys end the front matter and are
 * text.
 */
static void
front_matter(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i = 0, j;

	while (i < ls->n && ls->v[i].kind == LK_BLANK)
		i++;
	if (i < ls->n && strcmp(ls->v[i].text, "---") == 0) {
		for (j = i + 1; j < ls->n && j <= i + FRONT_MAX_LINES; j++)
			if (strcmp(ls->v[j].text, "---") == 0)
				break;
		if (j < ls->n && j <= i + FRONT_MAX_LINES && j > i + 1) {
			size_t k;
			const char *v;

			for (k = i + 1; k < j; k++)
				if (!front_key(&ls->v[k], "title", &v) &&
				    !front_key(&ls->v[k], "date", &v) &&
				    !front_key(&ls->v[k], "lang", &v) &&
				    !front_key(&ls->v[k], "tags", &v))
					return;
			for (k = i + 1; k < j; k++)
				read_front_line(r->a, &ls->v[k]);
			drop(&ls->v[i], ARTICLE_DROP_FRONT_MATTER);
			drop(&ls->v[j], ARTICLE_DROP_FRONT_MATTER);
		}
		return;
	}
	for (j = 0; i < ls->n && j < FRONT_MAX_LINES; i++, j++)
		if (!read_front_line(r->a, &ls->v[i]))
			break;
}

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

/* Lines that name a table of contents. */
static int
is_contents_label(const char *key, size_t len)
{
	static const char *const labels[] = {
		"目次", "もくじ", "今週のもくじ", "今号のもくじ", "今日のもくじ",
		"Contents", "TableofContents", "CONTENTS", "INDEX",
	};
	size_t k;

	for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
		if (len == strlen(labels[k]) && memcmp(key, labels[k], len) == 0)
			return 1;
	return 0;
}

/*
 * A manual table of contents: a block of lines (no blank between), most of
 * which say a heading found further down, perhaps under a label ("目次")
 * and with dot leaders and page numbers. The generated contents replace
 * it. Walks the blocks from the end, so the set holds only what follows.
 */
static int
drop_contents(struct reader *r, char *scratch)
{
	struct alines *ls = &r->lines;
	struct counts later;
	size_t i, end, start, k, klen, matched, entries;
	int label;

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
		label = 0;
		for (k = start; k < end; k++) {
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
		if (entries >= 2 && matched * 3 >= entries * 2 &&
		    (label || (entries >= 3 && matched == entries)))
			for (k = start; k < end; k++)
				drop(&ls->v[k], ARTICLE_DROP_CONTENTS);
		for (k = start; k < end; k++) {
			const char *t = ls->v[k].text;
			size_t n = ls->v[k].len, close;

			klen = article_heading_key(t, n, scratch);
			counts_add(&later, article_hash(scratch, klen));
			/* "≪テーマ≫見出し" also says "見出し". */
			for (close = 0; close < klen; close++)
				if (memcmp(scratch + close, "≫", 3) == 0 ||
				    memcmp(scratch + close, "】", 3) == 0 ||
				    memcmp(scratch + close, "＞", 3) == 0)
					break;
			if (close < klen && close + 3 < klen)
				counts_add(&later, article_hash(scratch +
				    close + 3, klen - close - 3));
		}
		end = start;
	}
	counts_free(&later);
	(void)i;
	return 0;
}

/*
 * Rules, page footers, running headers (a line repeated next to page
 * footers), then the manual table of contents. A page break that cuts a
 * sentence is made transparent, so the paragraph joins across it.
 */
static int
decorate(struct reader *r)
{
	struct alines *ls = &r->lines;
	struct counts seen;
	size_t i, j, k;
	char *scratch;

	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT && l->kind != LK_BULLET)
			continue;
		if (article_is_page_footer(l->text, l->len)) {
			drop(l, ARTICLE_DROP_PAGE_FOOTER);
			l->page_break = 1;
		} else if (article_is_rule(l->text, l->len) ||
		    strcmp(l->text, "--") == 0 ||
		    (i > 0 && ls->v[i - 1].style == STYLE_SETEXT &&
		    ls->v[i - 1].kind == LK_TEXT)) {
			drop(l, ARTICLE_DROP_RULE);
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
		/* The line right after (or before) a footer, seen twice. */
		for (k = 0; k < 2; k++) {
			j = k == 0 ? next_content(ls, i) : prev_kept(ls, i);
			if (j >= ls->n || ls->v[j].kind != LK_TEXT ||
			    ls->v[j].width > HEADING_MAX_COLUMNS ||
			    counts_get(&seen, article_hash(ls->v[j].text,
			    ls->v[j].len)) < 2)
				continue;
			if (k == 1 && j + 1 < i && ls->v[j + 1].kind != LK_BLANK)
				continue;
			drop(&ls->v[j], ARTICLE_DROP_RUNNING_HEADER);
		}
	}
	counts_free(&seen);

	/* A page break inside a sentence: its blank lines are no break. */
	for (i = 0; i < ls->n; i++) {
		size_t p, q;
		int pagey = 0;

		if (ls->v[i].kind != LK_DROPPED ||
		    (ls->v[i].drop != ARTICLE_DROP_PAGE_FOOTER &&
		    ls->v[i].drop != ARTICLE_DROP_RUNNING_HEADER))
			continue;
		for (p = i; p > 0 && (ls->v[p - 1].kind == LK_BLANK ||
		    ls->v[p - 1].kind == LK_DROPPED); p--)
			;
		for (q = i; q < ls->n && (ls->v[q].kind == LK_BLANK ||
		    ls->v[q].kind == LK_DROPPED); q++)
			pagey |= ls->v[q].page_break;
		pagey = 1;
		if (p == 0 || q >= ls->n || ls->v[p - 1].kind != LK_TEXT ||
		    ls->v[q].kind != LK_TEXT || ls->v[q].indent > 0 ||
		    article_ends_sentence(ls->v[p - 1].text, ls->v[p - 1].len) ||
		    article_ends_with(ls->v[p - 1].text, ls->v[p - 1].len,
		    CLOSE_QUOTE))
			continue;
		for (k = p; k < q; k++) {
			ls->v[k].transparent = pagey;
			if (ls->v[k].kind == LK_BLANK)
				ls->v[k].kind = LK_DROPPED;
		}
		i = q;
	}

	if ((scratch = malloc(ls->n > 0 ? 4096 : 1)) == NULL)
		return -1;
	free(scratch);
	return 0;
}

/* --- title ------------------------------------------------------------------ */

/* "件名：...", "Subject: ...": *value set. */
static int
mail_header(const struct aline *l, int *subject, const char **value)
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
static int
is_label_line(const struct aline *l)
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
		"事務局", "事務所", "研究所", "財団", "法人", "組合", "役所",
		"Inc.", "Ltd.", "LLC",
	};
	size_t k;

	for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		if (article_ends_with(l->text, l->len, ends[k]))
			return 1;
	return article_starts_with(l->text, l->len, "株式会社");
}

static int
title_shaped(const struct aline *l)
{
	uint32_t cp = last_cp(l);

	return l->kind == LK_TEXT && l->width <= TITLE_MAX_COLUMNS &&
	    !(cp == 0x3002 || cp == 0xff0e || cp == 0x3001 || cp == 0xff0c ||
	    cp == ',' || cp == ':' || cp == 0xff1a || cp == ';') &&
	    !article_is_meta(l->text, l->len);
}

/* Whether another line further down has the same heading style. */
static int
style_recurs(const struct alines *ls, size_t i)
{
	size_t j;
	int s = ls->v[i].style;

	if (s == STYLE_PLAIN || s == STYLE_NONE || s == STYLE_SETEXT)
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

static void
take_title(struct reader *r, size_t i, const char *text)
{
	r->a->title = text;
	r->title_line = i;
}

/*
 * The title, when the front matter gave none: a Markdown "# " first line,
 * an underlined first line, a mail's subject, else the line at the top
 * that stands alone (after dates, bylines and labels), else the title
 * line of a cover (a first block of a few short lines).
 */
static void
find_title(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, j, end, best = SIZE_MAX;
	const char *value;
	int subject, headers = 0;

	i = next_content(ls, SIZE_MAX);
	if (i >= ls->n)
		return;
	if (r->a->title != NULL) {
		/* The same title written again under the front matter. */
		if (ls->v[i].kind == LK_TEXT && strcmp(ls->v[i].text +
		    ls->v[i].mark, r->a->title) == 0)
			drop(&ls->v[i], ARTICLE_DROP_TITLE);
		return;
	}
	if (ls->v[i].kind == LK_TEXT && ls->v[i].md_depth == 1 &&
	    (ls->v[i].style == STYLE_MD || ls->v[i].style == STYLE_SETEXT)) {
		take_title(r, i, ls->v[i].text + ls->v[i].mark);
		drop(&ls->v[i], ARTICLE_DROP_TITLE);
		return;
	}
	/* Mail headers: the subject is the title; the headers stay text. */
	for (j = i, value = NULL; j < ls->n && ls->v[j].kind == LK_TEXT; j++) {
		const char *v;

		if (!mail_header(&ls->v[j], &subject, &v))
			break;
		headers++;
		if (subject && *v != '\0' && value == NULL) {
			value = v;
			best = j;
		}
	}
	if (headers >= 2 && value != NULL) {
		take_title(r, best, value);
		return;
	}
	/* Past dates, bylines, labels and reading times. */
	while (i < ls->n && ls->v[i].kind == LK_TEXT &&
	    (article_is_meta(ls->v[i].text, ls->v[i].len) ||
	    is_label_line(&ls->v[i])))
		i = next_content(ls, i);
	if (i >= ls->n || !title_shaped(&ls->v[i]))
		return;
	for (end = i; end < ls->n && (ls->v[end].kind == LK_TEXT ||
	    ls->v[end].kind == LK_DROPPED) && ls->v[end].len > 0; end++)
		;
	if (end == i + 1) {
		/* A line standing alone, not a heading style used again, and
		 * if marked, not the only heading of the text. */
		if (style_recurs(ls, i) || ls->v[i].style == STYLE_SETEXT ||
		    (ls->v[i].style != STYLE_PLAIN &&
		    ls->v[i].style != STYLE_NONE && !other_styles(ls, i)))
			return;
		take_title(r, i, ls->v[i].text + ls->v[i].mark);
		drop(&ls->v[i], ARTICLE_DROP_TITLE);
		return;
	}
	if (end - i > 5)
		return;
	/* A cover: a few short lines; the title is the longest that is not
	 * a date or an organisation. */
	best = SIZE_MAX;
	for (j = i; j < end; j++) {
		const struct aline *l = &ls->v[j];

		if (l->kind != LK_TEXT)
			continue;
		if (!title_shaped(l) || article_ends_sentence(l->text, l->len) ||
		    l->width > HEADING_MAX_COLUMNS)
			return;
		if (is_organisation(l) || is_label_line(l))
			continue;
		if (best == SIZE_MAX || l->width > ls->v[best].width)
			best = j;
	}
	if (best != SIZE_MAX && !style_recurs(ls, best)) {
		take_title(r, best, ls->v[best].text + ls->v[best].mark);
		drop(&ls->v[best], ARTICLE_DROP_TITLE);
	}
}

/* --- hard wrapping ----------------------------------------------------------- */

static int
cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* Columns a line may fall short of the width and still be a full one. */
static int
wrap_slack(const struct reader *r)
{
	return r->latin ? r->wrap_width / 6 + 2 : 4;
}

/*
 * Hard wrapping shows in the widths: the lines inside paragraphs (those
 * with another text line right under them) nearly all end close to one
 * width, the document's widest. Unwrapped text has lines of any width.
 */
static int
find_wrap(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, n = 0, inner = 0, full = 0;
	int *w, width;

	if ((w = malloc((ls->n + 1) * sizeof(*w))) == NULL)
		return -1;
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == LK_TEXT || ls->v[i].kind == LK_QUOTE)
			w[n++] = ls->v[i].indent + ls->v[i].width;
	if (n < 6) {
		free(w);
		return 0;
	}
	qsort(w, n, sizeof(*w), cmp_int);
	/* The widest but for a few lines (a URL, a table) that overflow. */
	width = w[n - 1 - n / 20];
	free(w);
	if (width < 30)
		return 0;
	r->wrap_width = width;
	/* Lines inside paragraphs that reach half the width: in wrapped
	 * text nearly all of them reach it. (Shorter ones are lists, covers,
	 * one sentence a line: they say nothing.) */
	for (i = 0; i + 1 < ls->n; i++) {
		const struct aline *l = &ls->v[i], *nx = &ls->v[i + 1];
		int used = l->indent + l->width;

		if ((l->kind != LK_TEXT && l->kind != LK_QUOTE) ||
		    nx->kind != l->kind || used * 2 < width ||
		    (l->kind == LK_TEXT && l->style != STYLE_PLAIN))
			continue;
		inner++;
		if (used >= width - wrap_slack(r) && used <= width + 2)
			full++;
	}
	if (full < 5 || full * 10 < inner * 6)
		r->wrap_width = 0;
	return 0;
}

/* Bytes of the first word of l. */
static int
first_word_width(const struct aline *l)
{
	size_t i = 0;

	while (i < l->len && l->text[i] != ' ')
		i++;
	return (int)article_width(l->text, i);
}

/*
 * Whether line l ends where the writer's editor (or the PDF) broke the
 * paragraph rather than where the writer did: it reaches the wrap width,
 * or the next line's first word would not have fitted on it.
 */
static int
is_full(const struct reader *r, const struct aline *l, const struct aline *nx)
{
	int used = l->indent + l->width, first;
	size_t n;

	if (r->wrap_width == 0)
		return 0;
	if (used >= r->wrap_width - 4)
		return 1;
	first = first_word_width(nx);
	if (nx->len > 0 && !article_cp_is_cjk(article_cp(nx->text, nx->len,
	    &n)) && !article_cp_is_cjk(last_cp(l)))
		return used + 1 + first > r->wrap_width - 1 &&
		    used >= r->wrap_width - wrap_slack(r) - first;
	return 0;
}

/* --- headings -------------------------------------------------------------- */

/* A line chatting, not naming: it ends in an emoji or laughter. */
static int
is_chatty(const struct aline *l)
{
	uint32_t cp = last_cp(l);

	return article_cp_is_emoji(cp) || cp == 0xfe0f || cp == 0x200d ||
	    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
	    article_ends_with(l->text, l->len, "笑") ||
	    article_ends_with(l->text, l->len, "（笑）") ||
	    article_ends_with(l->text, l->len, "(笑)") ||
	    article_ends_with(l->text, l->len, "ｗ") ||
	    article_ends_with(l->text, l->len, "www");
}

/* Japanese sentence endings without their full stop, and clauses that
 * run on: a line ending so is prose. */
static int
ends_like_prose(const struct aline *l)
{
	static const char *const ends[] = {
		"です", "ます", "ました", "でした", "ません", "ください",
		"でしょう", "ですか", "ますか", "ませんか", "だった", "ている",
		"が", "を", "けど", "けれど", "ので", "のに", "たら", "という",
		"というと", "ですが", "ますが", "って",
	};
	size_t k;

	for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		if (article_ends_with(l->text, l->len, ends[k]))
			return 1;
	return 0;
}

/* Whether the previous line (i - 1) lets a heading start at i. */
static int
heading_may_start(const struct alines *ls, size_t i)
{
	size_t p = prev_kept(ls, i);
	const struct aline *l;

	if (p == SIZE_MAX || p + 1 < i)
		return 1;
	l = &ls->v[p];
	switch (l->kind) {
	case LK_BLANK:
	case LK_DROPPED:
	case LK_FENCE_CLOSE:
	case LK_LINK:
	case LK_QUOTE:
	case LK_BULLET:
	case LK_SLOT:
		return 1;
	case LK_FENCE_OPEN:
	case LK_FENCE_BODY:
		return 0;
	case LK_TEXT:
		break;
	}
	if (l->heading || l->item)
		return 1;
	if (article_ends_with(l->text, l->len, IDEOGRAPHIC_COMMA))
		return 0;
	return article_ends_sentence(l->text, l->len) ||
	    article_ends_with(l->text, l->len, CLOSE_QUOTE) ||
	    article_ends_with(l->text, l->len, "』") ||
	    article_ends_with(l->text, l->len, "）") || is_chatty(l) ||
	    l->width > HEADING_MAX_COLUMNS;
}

/* Whether every 「 and （ the line opens it also closes, and no more: a
 * line that ends a quotation begun above is not a heading. */
static int
balanced(const struct aline *l)
{
	static const char *const pairs[][2] = {
		{ "「", "」" }, { "『", "』" }, { "（", "）" }, { "(", ")" },
	};
	size_t i, k, n;
	long depth[4] = { 0 };

	for (i = 0; i < l->len; i += n) {
		article_cp(l->text + i, l->len - i, &n);
		for (k = 0; k < 4; k++) {
			if (article_starts_with(l->text + i, l->len - i,
			    pairs[k][0]))
				depth[k]++;
			else if (article_starts_with(l->text + i, l->len - i,
			    pairs[k][1]) && --depth[k] < 0)
				return 0;
		}
	}
	return depth[0] == 0 && depth[1] == 0 && depth[2] == 0 &&
	    depth[3] == 0;
}

/* Whether line i, of a marked or numbered style, could head something. */
static int
marked_shape(const struct reader *r, size_t i)
{
	const struct aline *l = &r->lines.v[i];
	uint32_t cp = last_cp(l);
	int w = l->width - (int)article_width(l->text, l->mark);

	if (l->style == STYLE_MD)
		return 1;
	if (w <= 0 || w > HEADING_MAX_COLUMNS || !balanced(l) ||
	    article_is_meta(l->text, l->len))
		return 0;
	if (i + 1 < r->lines.n && is_full(r, l, &r->lines.v[i + 1]))
		return 0;
	if (l->style == STYLE_QUESTION || l->style == STYLE_SETEXT)
		return 1;
	return !(cp == 0x3002 || cp == 0xff0e || cp == '.' || cp == 0x3001 ||
	    cp == 0xff0c || cp == ',' || cp == ':' || cp == 0xff1a ||
	    cp == ';' || cp == 0xff1b);
}

/* Whether a line of this style is numbered or marked like a list item. */
static int
style_lists(int style)
{
	return article_style_is_numbering(style) ||
	    (style >= STYLE_MARK_BASE && style < STYLE_BRACKET_BASE) ||
	    style >= STYLE_WORD_BASE || style == STYLE_QUESTION;
}

/*
 * Whether line i has a line of the same style right above or below it (no
 * blank between; an indented continuation line may come between): then
 * it is one item of a list, not a heading.
 */
static int
in_run(const struct alines *ls, size_t i)
{
	int style = ls->v[i].style;
	size_t j, k;

	for (k = 0, j = i; k < 4 && j > 0; k++) {
		const struct aline *p = &ls->v[--j];

		if (p->kind == LK_TEXT && p->style == style)
			return 1;
		if (p->kind != LK_TEXT || p->indent == 0 ||
		    p->indent < ls->v[i].indent + 2)
			break;
	}
	for (k = 0, j = i + 1; k < 4 && j < ls->n; k++, j++) {
		const struct aline *p = &ls->v[j];

		if (p->kind == LK_TEXT && p->style == style)
			return 1;
		if (p->kind != LK_TEXT || p->indent == 0 ||
		    p->indent < ls->v[i].indent + 2)
			break;
	}
	return 0;
}

/* Whether something other than a heading follows line i before the next
 * heading of level at most level (a heading needs something under it). */
static int
has_body(const struct alines *ls, size_t i, int level)
{
	size_t j = next_content(ls, i);

	if (j >= ls->n)
		return 0;
	if (ls->v[j].kind != LK_TEXT || ls->v[j].heading == 0)
		return 1;
	return ls->v[j].heading > level;
}

/* Decides plain lines: sections (a blank line after) and sub-headings. */
static void
plain_headings(struct reader *r, size_t marked_last, int marked)
{
	struct alines *ls = &r->lines;
	size_t i, j;
	int sections = 0;

	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];
		uint32_t cp;

		if (l->kind != LK_TEXT || l->style != STYLE_PLAIN ||
		    l->width > HEADING_MAX_COLUMNS || i == r->title_line ||
		    is_chatty(l) || article_is_meta(l->text, l->len) ||
		    !balanced(l) || !heading_may_start(ls, i))
			continue;
		if (marked && (i < marked_last || marked_last == SIZE_MAX))
			continue;
		cp = last_cp(l);
		if (cp == 0x3002 || cp == 0xff0e || cp == 0x3001 ||
		    cp == 0xff0c || cp == ',' || cp == ':' || cp == 0xff1a ||
		    cp == ';' || cp == '.' || cp == 0x2026 || cp == 0x2025 ||
		    cp == '!' || cp == 0xff01)
			continue;
		j = next_kept(ls, i + 1);
		if (j < ls->n && ls->v[j].kind == LK_BLANK) {
			/* A section: a blank line, then its text. */
			size_t body = next_content(ls, i);

			if (body >= ls->n || (marked &&
			    (prev_kept(ls, i) == SIZE_MAX ||
			    ls->v[prev_kept(ls, i)].kind != LK_BLANK)))
				continue;
			if (r->latin && !marked)
				continue;
			l->heading = 2;
			l->style = STYLE_PLAIN;
			sections++;
		}
	}
	if (sections == 0 || marked || r->wrap_width > 0)
		return;
	/* Sub-headings: only where sections are plain lines too (the web
	 * article style), a short naming line with text right under it. */
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];
		const struct aline *nx;
		uint32_t cp;

		if (l->kind != LK_TEXT || l->style != STYLE_PLAIN ||
		    l->heading || l->width > SUBHEADING_MAX_COLUMNS ||
		    i == r->title_line || is_chatty(l) || ends_like_prose(l) ||
		    article_is_meta(l->text, l->len) ||
		    article_ends_sentence(l->text, l->len) ||
		    !heading_may_start(ls, i))
			continue;
		cp = last_cp(l);
		if (cp == 0x300d || cp == 0x300f || cp == 0x2026 || cp == ')' ||
		    cp == 0xff09)
			continue;
		if (i + 1 >= ls->n)
			continue;
		nx = &ls->v[i + 1];
		if (!(nx->kind == LK_BULLET || (nx->kind == LK_TEXT &&
		    nx->style != STYLE_PLAIN) || (nx->kind == LK_TEXT &&
		    nx->width > l->width && (article_ends_sentence(nx->text,
		    nx->len) || nx->width >= 2 * l->width))))
			continue;
		if (nx->kind == LK_TEXT && nx->heading)
			continue;
		l->heading = 3;
		l->style = STYLE_PLAIN + 1000;
	}
}

/*
 * Levels from how the styles nest: the first style met is a section; a
 * later style is a sub-section if a section style comes back after it
 * (it lives inside sections), else a section too (it follows them, as
 * "さいごに" after "その10"). Markdown and underlines say their level.
 */
static void
assign_levels(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, j, last_top = 0;
	int styles[64], level[64], nstyles = 0, k, min_md = 7, have_top = 0;
	size_t first[64];

	for (i = 0; i < ls->n; i++) {
		const struct aline *l = &ls->v[i];

		if (l->kind == LK_TEXT && l->heading && (l->style == STYLE_MD ||
		    l->style == STYLE_SETEXT) && l->md_depth < min_md)
			min_md = l->md_depth;
	}
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT || l->heading == 0)
			continue;
		if (l->style == STYLE_MD || l->style == STYLE_SETEXT) {
			l->heading = l->md_depth - min_md + 2 > 3 ? 3 :
			    l->md_depth - min_md + 2;
			if (l->heading == 2) {
				have_top = 1;
				last_top = i;
			}
			continue;
		}
		for (k = 0; k < nstyles && styles[k] != l->style; k++)
			;
		if (k == nstyles && nstyles < 64) {
			styles[nstyles] = l->style;
			first[nstyles] = i;
			level[nstyles] = 0;
			nstyles++;
		}
	}
	/* Which styles come back after a style's first line. */
	for (k = 0; k < nstyles; k++) {
		int nested = 0;

		if (!have_top && k == 0) {
			level[k] = 2;
			continue;
		}
		for (j = first[k] + 1; j < ls->n && !nested; j++) {
			const struct aline *l = &ls->v[j];
			int t;

			if (l->kind != LK_TEXT || !l->heading)
				continue;
			if (l->style == STYLE_MD || l->style == STYLE_SETEXT) {
				nested = l->heading == 2;
				continue;
			}
			for (t = 0; t < k; t++)
				if (styles[t] == l->style && level[t] == 2)
					nested = 1;
		}
		/* A section style before any other: first met, outermost. */
		level[k] = nested ? 3 : 2;
		if (have_top && first[k] < last_top && !nested)
			level[k] = 3;
	}
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT || l->heading == 0 ||
		    l->style == STYLE_MD || l->style == STYLE_SETEXT)
			continue;
		for (k = 0; k < nstyles && styles[k] != l->style; k++)
			;
		l->heading = k < nstyles ? level[k] : 3;
	}
}

/* Whether another heading of the same "word + number" style exists. */
static int
in_pairs(const struct alines *ls, size_t i)
{
	size_t j;

	for (j = 0; j < ls->n; j++)
		if (j != i && ls->v[j].kind == LK_TEXT && ls->v[j].heading &&
		    ls->v[j].style == ls->v[i].style)
			return 1;
	return 0;
}

static void
decide_headings(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, marked_first = SIZE_MAX, marked_last = SIZE_MAX;
	/* Per numbered style: lines standing alone (a heading's shape). */
	size_t alone[STYLE_MARK_BASE] = { 0 };
	int marked = 0;

	/* Numbered, marked and bracketed lines: alone they head what
	 * follows; in a run they are the items of a list. */
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT || l->style == STYLE_NONE ||
		    l->style == STYLE_PLAIN || i == r->title_line)
			continue;
		if (style_lists(l->style) && in_run(ls, i)) {
			l->item = 1;
			continue;
		}
		if (l->style == STYLE_ROW)
			continue;
		if (!marked_shape(r, i) || !heading_may_start(ls, i) ||
		    next_content(ls, i) >= ls->n)
			continue;
		if (ls->v[next_content(ls, i)].kind == LK_TEXT &&
		    ls->v[next_content(ls, i)].style == l->style &&
		    next_kept(ls, i + 1) == next_content(ls, i) &&
		    l->style != STYLE_MD)
			continue;
		l->heading = 2;
		if (l->style < STYLE_MARK_BASE)
			alone[l->style]++;
	}
	/* A numbering heads things only when it does so at least twice;
	 * words ("ケース1:") likewise. Once alone, it is an item. */
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT || !l->heading)
			continue;
		if ((article_style_is_numbering(l->style) &&
		    alone[l->style] < 2) || (l->style >= STYLE_WORD_BASE &&
		    !in_pairs(ls, i))) {
			l->heading = 0;
			l->item = article_style_is_numbering(l->style);
		}
	}
	for (i = 0; i < ls->n; i++) {
		const struct aline *l = &ls->v[i];

		if (l->kind == LK_TEXT && l->heading &&
		    !article_style_is_numbering(l->style) &&
		    l->style < STYLE_WORD_BASE) {
			if (marked_first == SIZE_MAX)
				marked_first = i;
			marked_last = i;
			marked = 1;
		}
	}
	plain_headings(r, marked_last, marked);
	assign_levels(r);
	/* A heading with nothing under it is text after all: from the end,
	 * so that a run of them unravels. */
	for (i = ls->n; i-- > 0;) {
		struct aline *l = &ls->v[i];

		if (l->kind == LK_TEXT && l->heading &&
		    !has_body(ls, i, l->heading))
			l->heading = 0;
	}
	(void)marked_first;
}

/* --- blocks -------------------------------------------------------------- */

/* Copies s[0..n) to the output storage, after sep; returns its start. */
static char *
emit(struct reader *r, const char *s, size_t n)
{
	char *start = r->out + r->w;

	memcpy(start, s, n);
	r->w += n;
	r->out[r->w] = '\0';
	return start;
}

/* Appends s[0..n) to the text started at start, with a space between
 * words and nothing between CJK characters. */
static void
append_joined(struct reader *r, const char *start, const char *s, size_t n)
{
	size_t k;
	uint32_t before, after;

	if (n == 0)
		return;
	if (r->out + r->w > start) {
		before = article_last_cp(start, (size_t)(r->out + r->w - start),
		    &k);
		after = article_cp(s, n, &k);
		if (!article_cp_is_cjk(before) && !article_cp_is_cjk(after) &&
		    before != ' ')
			r->out[r->w++] = ' ';
	}
	memcpy(r->out + r->w, s, n);
	r->w += n;
	r->out[r->w] = '\0';
}

static int
add_section(struct reader *r, const char *heading)
{
	struct article *a = r->a;
	struct article_section *s;

	if (a->nsections == r->section_cap) {
		r->section_cap = r->section_cap == 0 ? 16 : r->section_cap * 2;
		if ((s = realloc(a->sections, r->section_cap *
		    sizeof(*s))) == NULL)
			return -1;
		a->sections = s;
	}
	s = &a->sections[a->nsections++];
	s->heading = heading;
	s->first = a->nblocks;
	s->count = 0;
	return 0;
}

static int
add_block(struct reader *r, enum article_block_type type, const char *text,
    size_t len, const char *alt, int quote_start)
{
	struct article *a = r->a;
	struct article_block *b;

	if (len == 0 && type != ARTICLE_PREFORMATTED)
		return 0;
	if (a->nblocks == r->block_cap) {
		r->block_cap = r->block_cap == 0 ? 64 : r->block_cap * 2;
		if ((b = realloc(a->blocks, r->block_cap * sizeof(*b))) == NULL)
			return -1;
		a->blocks = b;
	}
	b = &a->blocks[a->nblocks++];
	b->type = type;
	b->text = text;
	b->len = len;
	b->alt = alt;
	b->quote_start = quote_start;
	b->gap_before = r->gap;
	r->gap = 0;
	if (a->nsections > 0)
		a->sections[a->nsections - 1].count++;
	else
		a->nlead++;
	return 0;
}

/* The text of a heading as shown: without its mark or whole brackets. */
static const char *
heading_text(struct reader *r, const struct aline *l)
{
	const char *s = l->text + l->mark;
	size_t n = l->len - l->mark, k;

	if (l->bracket_whole) {
		article_last_cp(s, n, &k);
		n -= k;
	}
	while (n > 0 && (s[0] == ' ' || s[0] == '#'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '#'))
		n--;
	if (n == 0)
		return emit(r, l->text, l->len);
	return emit(r, s, n);
}

/*
 * Whether Japanese text breaks mid-clause between prev and l: prev ends
 * in a particle or a conjunctive form ("...が", "...て", "...ので") that
 * cannot end a sentence, and l goes on in kana or kanji.
 */
static int
ends_mid_clause(const struct aline *prev, const struct aline *l)
{
	static const char *const ends[] = {
		"て", "で", "が", "を", "に", "は", "と", "も", "の", "や", "へ",
		"ば", "り", "し", "から", "けど", "ので", "のに", "ながら",
	};
	size_t k, n;
	uint32_t next;

	if (l->len == 0 || prev->len == 0)
		return 0;
	next = article_cp(l->text, l->len, &n);
	if (!(article_cp_is_kana(next) || (next >= 0x4e00 && next <= 0x9fff)))
		return 0;
	for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		if (article_ends_with(prev->text, prev->len, ends[k]))
			return 1;
	return 0;
}

/*
 * Whether line j continues the paragraph (or item) whose last line is
 * prev: it must be plain text with nothing that starts a block, and prev
 * must end mid-sentence (、) or be full in hard-wrapped text.
 */
static int
continues(const struct reader *r, const struct aline *prev, size_t j,
    int item_indent)
{
	const struct aline *l = &r->lines.v[j];

	if (l->kind != LK_TEXT || l->heading || l->item || l->len == 0)
		return 0;
	if (item_indent > 0 && l->indent >= item_indent)
		return 1;
	if (l->indent > 0 && (r->novel_indent || r->wrap_width > 0))
		return 0;
	if (article_ends_with(prev->text, prev->len, IDEOGRAPHIC_COMMA) ||
	    ends_mid_clause(prev, l))
		return 1;
	return is_full(r, prev, l);
}

/* The index of the line after i, past transparent page-break lines. */
static size_t
after(const struct reader *r, size_t i)
{
	for (i++; i < r->lines.n && r->lines.v[i].transparent; i++)
		;
	return i;
}

/*
 * A paragraph or list item starting at line i: joins the lines that
 * continue it. Returns the last line used.
 */
static size_t
read_run(struct reader *r, size_t i, const char *first, size_t first_len,
    int item_indent, const char **text, size_t *len)
{
	const struct aline *prev = &r->lines.v[i];
	char *start = emit(r, first, first_len);
	size_t j;

	for (j = after(r, i); j < r->lines.n && continues(r, prev, j,
	    item_indent); j = after(r, j)) {
		append_joined(r, start, r->lines.v[j].text, r->lines.v[j].len);
		prev = &r->lines.v[j];
		i = j;
	}
	r->w++;   /* past the NUL */
	*text = start;
	*len = strlen(start);
	return i;
}

/*
 * If line i opens a 「」 quote, the number of lines it spans: up to the
 * first line whose last character closes the 「 that opened it, brackets
 * balanced in between, no blank line or other block inside. Else 0.
 */
static size_t
quote_length(const struct reader *r, size_t i)
{
	const struct alines *ls = &r->lines;
	size_t j, k, olen = strlen(OPEN_QUOTE), clen = strlen(CLOSE_QUOTE);
	long depth = 0;

	if (!article_starts_with(ls->v[i].text, ls->v[i].len, OPEN_QUOTE) ||
	    (r->novel_indent && ls->v[i].indent == 0))
		return 0;
	for (j = i; j < ls->n && j < i + QUOTE_MAX_LINES; j++) {
		const struct aline *l = &ls->v[j];

		if (l->kind != LK_TEXT || l->heading || l->item)
			return 0;
		for (k = 0; k < l->len; k++) {
			if (article_starts_with(l->text + k, l->len - k,
			    OPEN_QUOTE)) {
				depth++;
				k += olen - 1;
			} else if (article_starts_with(l->text + k, l->len - k,
			    CLOSE_QUOTE)) {
				depth--;
				k += clen - 1;
				if (depth == 0 && k + 1 < l->len)
					return 0;
			}
		}
		if (depth == 0)
			return j - i + 1;
	}
	return 0;
}

/* A fenced block from its opening line i; returns its closing line. */
static size_t
read_fence(struct reader *r, size_t i)
{
	const struct alines *ls = &r->lines;
	const char *alt;
	char *start;
	size_t j, k;

	k = 3;
	while (k < ls->v[i].len && ls->v[i].text[k] == ' ')
		k++;
	alt = emit(r, ls->v[i].text + k, ls->v[i].len - k);
	r->w++;
	start = r->out + r->w;
	for (j = i + 1; j < ls->n && ls->v[j].kind != LK_FENCE_CLOSE; j++) {
		const struct aline *l = &ls->v[j];

		if (start != r->out + r->w)
			r->out[r->w++] = '\n';
		emit(r, l->text - l->ibytes, l->len + l->ibytes);
	}
	r->out[r->w] = '\0';
	add_block(r, ARTICLE_PREFORMATTED, start,
	    (size_t)(r->out + r->w - start), alt, 0);
	r->w++;
	return j;
}

/* "=> URL label" or a URL alone. */
static int
read_link(struct reader *r, const struct aline *l)
{
	const char *s = l->text;
	size_t i = 0, u, n = l->len;
	const char *url, *label;

	if (article_starts_with(s, n, "=>"))
		for (i = 2; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
			;
	for (u = i; u < n && s[u] != ' ' && s[u] != '\t'; u++)
		;
	url = emit(r, s + i, u - i);
	r->w++;
	while (u < n && (s[u] == ' ' || s[u] == '\t'))
		u++;
	label = emit(r, s + u, n - u);
	r->w++;
	return add_block(r, ARTICLE_LINK, url, strlen(url), label, 0);
}

/* A run of "> " lines; returns the last one. */
static size_t
read_quote(struct reader *r, size_t i)
{
	const struct alines *ls = &r->lines;
	char *start = NULL;
	int first = 1;
	size_t j;

	for (j = i; j < ls->n && ls->v[j].kind == LK_QUOTE; j++) {
		const struct aline *l = &ls->v[j];
		const char *s = l->text + 1;
		size_t n = l->len - 1;

		if (n > 0 && s[0] == ' ')
			s++, n--;
		if (n == 0) {
			/* ">" alone: a paragraph break inside the quote. */
			if (start != NULL) {
				r->w++;
				if (add_block(r, ARTICLE_QUOTE, start,
				    strlen(start), NULL, first) == -1)
					return SIZE_MAX;
				first = 0;
				start = NULL;
			}
			continue;
		}
		if (start != NULL && j > i && (is_full(r, &ls->v[j - 1], l) ||
		    article_ends_with(start, strlen(start), IDEOGRAPHIC_COMMA))) {
			append_joined(r, start, s, n);
			continue;
		}
		if (start != NULL) {
			r->w++;
			if (add_block(r, ARTICLE_QUOTE, start, strlen(start),
			    NULL, first) == -1)
				return SIZE_MAX;
			first = 0;
		}
		start = emit(r, s, n);
	}
	if (start != NULL) {
		r->w++;
		if (add_block(r, ARTICLE_QUOTE, start, strlen(start), NULL,
		    first) == -1)
			return SIZE_MAX;
	}
	return j - 1;
}

static int
build_blocks(struct reader *r)
{
	struct alines *ls = &r->lines;
	const char *pending = NULL, *text;
	size_t i, n, q, len;

	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];
		enum article_block_type type = ARTICLE_PARAGRAPH;

		if (l->kind == LK_BLANK && !l->transparent)
			r->gap = 1;
		switch (l->kind) {
		case LK_BLANK:
		case LK_DROPPED:
		case LK_FENCE_BODY:
		case LK_FENCE_CLOSE:
			continue;
		case LK_SLOT:
			if (strcmp(l->text, RELATED_SLOT) != 0) {
				drop(l, ARTICLE_DROP_SLOT);
				continue;
			}
			if (pending != NULL && (add_section(r, pending) == -1))
				return -1;
			pending = NULL;
			if (add_block(r, ARTICLE_RELATED, l->text, l->len, NULL,
			    0) == -1)
				return -1;
			continue;
		case LK_FENCE_OPEN:
		case LK_LINK:
		case LK_QUOTE:
		case LK_BULLET:
		case LK_TEXT:
			break;
		}
		/* A section is made once something is in it. */
		if (pending != NULL && !(l->kind == LK_TEXT &&
		    l->heading == 2)) {
			if (add_section(r, pending) == -1)
				return -1;
			pending = NULL;
		}
		if (l->kind == LK_FENCE_OPEN) {
			i = read_fence(r, i);
		} else if (l->kind == LK_LINK) {
			if (read_link(r, l) == -1)
				return -1;
		} else if (l->kind == LK_QUOTE) {
			if ((i = read_quote(r, i)) == SIZE_MAX)
				return -1;
		} else if (l->kind == LK_BULLET) {
			i = read_run(r, i, l->text + l->mark, l->len - l->mark,
			    l->indent + (int)article_width(l->text, l->mark),
			    &text, &len);
			if (add_block(r, ARTICLE_LIST_ITEM, text, len, NULL,
			    0) == -1)
				return -1;
		} else if (l->heading == 2) {
			if (pending != NULL && add_block(r, ARTICLE_PARAGRAPH,
			    pending, strlen(pending), NULL, 0) == -1)
				return -1;
			pending = heading_text(r, l);
			r->w++;
		} else if (l->heading == 3) {
			text = heading_text(r, l);
			r->w++;
			if (add_block(r, ARTICLE_SUBHEADING, text, strlen(text),
			    NULL, 0) == -1)
				return -1;
		} else if (!l->item && (q = quote_length(r, i)) > 0) {
			for (n = 0; n < q; n++)
				if (add_block(r, ARTICLE_QUOTE, ls->v[i + n].text,
				    ls->v[i + n].len, NULL, n == 0) == -1)
					return -1;
			i += q - 1;
		} else {
			size_t skip = 0;
			int indent = 0;

			if (l->item) {
				type = ARTICLE_LIST_ITEM;
				if (l->style >= STYLE_MARK_BASE &&
				    l->style < STYLE_BRACKET_BASE)
					skip = l->mark;
				indent = l->indent + 4;
			}
			i = read_run(r, i, l->text + skip, l->len - skip,
			    indent, &text, &len);
			if (add_block(r, type, text, len, NULL, 0) == -1)
				return -1;
		}
	}
	if (pending != NULL && add_block(r, ARTICLE_PARAGRAPH, pending,
	    strlen(pending), NULL, 0) == -1)
		return -1;
	return 0;
}

/* --- language, title fallback, dropped lines ------------------------------ */

static void
detect_language(struct reader *r)
{
	const struct alines *ls = &r->lines;
	size_t i, k, n, kana = 0, kanji = 0, latin = 0;

	for (i = 0; i < ls->n; i++) {
		const struct aline *l = &ls->v[i];

		for (k = 0; k < l->len; k += n) {
			uint32_t cp = article_cp(l->text + k, l->len - k, &n);

			if (article_cp_is_kana(cp))
				kana++;
			else if (cp >= 0x4e00 && cp <= 0x9fff)
				kanji++;
			else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' &&
			    cp <= 'Z'))
				latin++;
		}
	}
	r->latin = latin > 4 * (kana + kanji);
	if (r->a->lang != NULL)
		return;
	if (kana > 0 && (kana + kanji) * 4 >= latin)
		r->a->lang = "ja";
	else if (latin >= 20 && (kana + kanji) * 20 < latin)
		r->a->lang = "en";
}

/* Paragraphs open with an indent in this text (essays, PDFs). */
static void
detect_indents(struct reader *r)
{
	const struct alines *ls = &r->lines;
	size_t i, text = 0, indented = 0;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == LK_TEXT && ls->v[i].style == STYLE_PLAIN) {
			text++;
			if (ls->v[i].indent > 0 && ls->v[i].indent <= 4)
				indented++;
		}
	r->novel_indent = text >= 4 && indented * 4 >= text;
}

static int
list_dropped(struct reader *r)
{
	struct article *a = r->a;
	size_t i, n = 0;

	for (i = 0; i < r->lines.n; i++)
		if (r->lines.v[i].kind == LK_DROPPED && r->lines.v[i].len > 0)
			n++;
	if (n == 0)
		return 0;
	if ((a->dropped = malloc(n * sizeof(*a->dropped))) == NULL)
		return -1;
	for (i = 0; i < r->lines.n; i++)
		if (r->lines.v[i].kind == LK_DROPPED &&
		    r->lines.v[i].len > 0) {
			a->dropped[a->ndropped].line = r->lines.v[i].src;
			a->dropped[a->ndropped].reason = r->lines.v[i].drop;
			a->ndropped++;
		}
	return 0;
}

static void
fallback_title(struct article *a)
{
	size_t i;

	if (a->title != NULL)
		return;
	if (a->nsections > 0) {
		a->title = a->sections[0].heading;
		return;
	}
	for (i = 0; i < a->nblocks; i++)
		if (a->blocks[i].type == ARTICLE_PARAGRAPH ||
		    a->blocks[i].type == ARTICLE_SUBHEADING) {
			a->title = a->blocks[i].text;
			return;
		}
	a->title = "";
}

struct article *
article_parse(const char *text, size_t len, const char **errstr)
{
	struct reader r;
	struct article *a;
	size_t maxlen = 0, i;
	char *scratch = NULL;

	if (memchr(text, '\0', len) != NULL) {
		*errstr = "contains a NUL byte";
		return NULL;
	}
	if (!utf8_is_valid(text, len)) {
		*errstr = "not valid UTF-8";
		return NULL;
	}
	memset(&r, 0, sizeof(r));
	r.title_line = SIZE_MAX;
	/* Lines take len + 1 bytes; joined and copied text at most twice
	 * that again (a space or NUL per line, headings and links copied). */
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->text = malloc(3 * len + 64)) == NULL)
		goto nomem;
	r.a = a;
	r.out = a->text + len + 1;
	if (article_lines_split(text, len, a->text, &r.lines) == -1)
		goto nomem;
	for (i = 0; i < r.lines.n; i++)
		if (r.lines.v[i].len > maxlen)
			maxlen = r.lines.v[i].len;
	if ((scratch = malloc(maxlen + 1)) == NULL)
		goto nomem;
	front_matter(&r);
	if (article_style_classify(&r.lines) == -1 || decorate(&r) == -1 ||
	    drop_contents(&r, scratch) == -1)
		goto nomem;
	detect_language(&r);
	find_title(&r);
	detect_indents(&r);
	if (find_wrap(&r) == -1)
		goto nomem;
	decide_headings(&r);
	if (build_blocks(&r) == -1 || list_dropped(&r) == -1)
		goto nomem;
	fallback_title(a);
	free(scratch);
	free(r.lines.v);
	return a;
nomem:
	free(scratch);
	free(r.lines.v);
	article_free(a);
	*errstr = "out of memory";
	return NULL;
}

void
article_free(struct article *a)
{
	if (a == NULL)
		return;
	free(a->blocks);
	free(a->sections);
	free(a->dropped);
	free(a->text);
	free(a);
}
