/*
 * article_heading.c - PURE: which lines head sections and sub-sections,
 * decided per style for the whole document (see article_internal.h).
 */
#include "article_internal.h"

#include <stdlib.h>
#include <string.h>

/* Whether line i stands between two rules, a banner ("────" over and
 * under "安全上のご注意"). */
static int
between_rules(const struct alines *ls, size_t i)
{
	return i > 0 && i + 1 < ls->n && ls->v[i - 1].kind == LK_DROPPED &&
	    ls->v[i - 1].drop == ARTICLE_DROP_RULE &&
	    ls->v[i + 1].kind == LK_DROPPED &&
	    ls->v[i + 1].drop == ARTICLE_DROP_RULE;
}

/* Whether the first line under i that is not blank is a rule. */
static int
rule_follows(const struct alines *ls, size_t i)
{
	size_t j;

	for (j = i + 1; j < ls->n && ls->v[j].kind == LK_BLANK; j++)
		;
	return j < ls->n && ls->v[j].kind == LK_DROPPED &&
	    ls->v[j].drop == ARTICLE_DROP_RULE;
}


/* Whether the previous line (i - 1) lets a heading start at i. */
static int
heading_may_start(const struct alines *ls, size_t i)
{
	size_t p = article_prev_kept(ls, i);
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
	if (l->heading || l->item || ls->v[i].page_break ||
	    l->meta)
		return 1;
	if (article_ends_with(l->text, l->len, IDEOGRAPHIC_COMMA))
		return 0;
	/* A mark is put there on purpose: the text above has ended. */
	if (article_style_is_marked(ls->v[i].style))
		return 1;
	return article_ends_sentence(l->text, l->len) ||
	    article_ends_with(l->text, l->len, CLOSE_QUOTE) ||
	    article_ends_with(l->text, l->len, "』") ||
	    article_ends_with(l->text, l->len, "）") || article_is_chatty(l) ||
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
		const unsigned char *u = (const unsigned char *)l->text + i;

		article_cp(l->text + i, l->len - i, &n);
		/* Only ( ) and 「」『』 (E3 80 ..) and （） (EF BC ..). */
		if (u[0] != '(' && u[0] != ')' && !(n == 3 &&
		    ((u[0] == 0xe3 && u[1] == 0x80) ||
		    (u[0] == 0xef && u[1] == 0xbc))))
			continue;
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
	uint32_t cp = article_line_last_cp(l);
	int w = l->width - (int)article_width(l->text, l->mark);

	if (l->style == STYLE_MD)
		return 1;
	if (w <= 0 || w > HEADING_MAX_COLUMNS || !balanced(l) ||
	    l->meta)
		return 0;
	/* A sentence and more after the mark, "▲炊き上がったところ。蒸らし
	 * ます": a photo's caption, not a heading. */
	if (article_contains(l->text, l->len, "。") &&
	    !article_ends_with(l->text, l->len, "。"))
		return 0;
	/* 【A】 alone labels a group (of a recipe's seasonings); a heading
	 * names more than a letter. */
	if (l->bracket_whole && w <= 4)
		return 0;
	/* Wrapped into the next line of text (not into a rule under it). */
	if (i + 1 < r->lines.n && r->lines.v[i + 1].kind == LK_TEXT &&
	    article_is_full(r, l, &r->lines.v[i + 1]))
		return 0;
	if (l->style == STYLE_QUESTION || l->style == STYLE_SETEXT ||
	    ((l->style == STYLE_CHAPTER || l->style == STYLE_CAPS) &&
	    cp == '.'))
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

/* Whether b's number follows a's (3. after 2.), or either has none. */
static int
numbered_on(const struct aline *a, const struct aline *b)
{
	long x = article_leading_number(a->text, a->len);
	long y = article_leading_number(b->text, b->len);

	return x < 0 || y < 0 || y == x + 1;
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

	for (k = 0, j = i; k < 4 && j > 0 && !ls->v[j].page_break; k++) {
		const struct aline *p = &ls->v[--j];

		if (p->kind == LK_TEXT && p->style == style)
			return 1;
		if (p->kind != LK_TEXT || p->indent == 0 ||
		    p->indent < ls->v[i].indent + 2)
			break;
	}
	/* (A page break ends a run: the next page starts afresh.) */
	for (k = 0, j = i + 1; k < 4 && j < ls->n && !ls->v[j].page_break;
	    k++, j++) {
		const struct aline *p = &ls->v[j];

		if (p->kind == LK_TEXT && p->style == style)
			return 1;
		if (p->kind != LK_TEXT || p->indent == 0 ||
		    p->indent < ls->v[i].indent + 2)
			break;
	}
	/* A loose list: the same style again past blank lines only (not
	 * past a rule), numbered on from it. */
	for (k = 0, j = i; k < 4 && j > 0; k++) {
		const struct aline *p = &ls->v[--j];

		if (p->kind == LK_BLANK || (p->kind == LK_DROPPED &&
		    p->drop != ARTICLE_DROP_RULE))
			continue;
		if (p->kind == LK_TEXT && p->style == style && !p->heading &&
		    numbered_on(p, &ls->v[i]))
			return 1;
		break;
	}
	for (k = 0, j = i + 1; k < 4 && j < ls->n; k++, j++) {
		const struct aline *p = &ls->v[j];

		if (p->kind == LK_BLANK || (p->kind == LK_DROPPED &&
		    p->drop != ARTICLE_DROP_RULE))
			continue;
		return p->kind == LK_TEXT && p->style == style &&
		    numbered_on(&ls->v[i], p);
	}
	return 0;
}

/* Whether something other than a heading follows line i before the next
 * heading of level at most level (a heading needs something under it). */
static int
has_body(const struct alines *ls, size_t i, int level)
{
	size_t j = article_next_content(ls, i);

	if (j >= ls->n)
		return 0;
	if (ls->v[j].kind != LK_TEXT || ls->v[j].heading == 0)
		return 1;
	return ls->v[j].heading > level;
}

/*
 * In text whose paragraphs open with an indent (a PDF, a novel), a line
 * set flush left between paragraphs, the one under it indented, stands
 * apart as a blank line would set it: unless the line above runs on
 * into it (wrapped full, or ending in 、).
 */
static int
stands_apart(const struct reader *r, size_t i)
{
	const struct alines *ls = &r->lines;
	size_t p = article_prev_kept(ls, i);

	/* The line under it opens a paragraph (one indent's width), not
	 * hangs under a note or an item (a wider one). */
	if (!r->novel_indent || ls->v[i].indent > 0 || i + 1 >= ls->n ||
	    ls->v[i + 1].kind != LK_TEXT || ls->v[i + 1].indent == 0 ||
	    ls->v[i + 1].indent > 2 ||
	    article_starts_with(ls->v[i].text, ls->v[i].len, NOTE_MARK))
		return 0;
	if (p == SIZE_MAX || ls->v[p].kind != LK_TEXT)
		return 1;
	return !article_ends_with(ls->v[p].text, ls->v[p].len,
	    IDEOGRAPHIC_COMMA) && !article_is_full(r, &ls->v[p], &ls->v[i]);
}

/*
 * English posts pasted from the web, a paragraph a line: a heading is a
 * short capitalised line after a blank, with no full stop ("Why a
 * greyhound?"), right over a long paragraph. Two or more make sections.
 * Returns how many.
 */
static int
english_run_in_headings(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, n = 0, pass;
	uint32_t cp;

	for (pass = 0; pass < 2; pass++)
		for (i = 1; i + 1 < ls->n; i++) {
			struct aline *l = &ls->v[i];
			const struct aline *nx = &ls->v[i + 1];

			if (l->kind != LK_TEXT || l->style != STYLE_PLAIN ||
			    l->heading || i == r->title_line || l->meta ||
			    ls->v[i - 1].kind != LK_BLANK ||
			    l->width > SUBHEADING_MAX_COLUMNS ||
			    !(l->text[0] >= 'A' && l->text[0] <= 'Z') ||
			    nx->kind != LK_TEXT || nx->heading ||
			    nx->style != STYLE_PLAIN || nx->width < 60 ||
			    nx->width < 2 * l->width ||
			    article_has_address(l) || article_dated_label(l))
				continue;
			cp = article_line_last_cp(l);
			if (cp == '.' || cp == ',' || cp == ':' || cp == ';' ||
			    cp == '!')
				continue;
			if (pass == 0)
				n++;
			else if (n >= 2)
				l->heading = 2;
		}
	return n >= 2 ? (int)n : 0;
}

/*
 * Decides plain lines: sections (a blank line after) and sub-headings.
 * marked_last is the last heading of a marked style (■, 【】, 第1章...), or
 * SIZE_MAX when the text has none.
 */
static void
plain_headings(struct reader *r, size_t marked_last)
{
	struct alines *ls = &r->lines;
	size_t i, j, p;
	int sections = 0, others, pass, marked = marked_last != SIZE_MAX;
	int apart, banner;

	/* Two passes: a line that asks ("...？") or quotes ("...」") heads
	 * a section only in a text whose plain lines head sections anyway,
	 * or that has headings of another style ("1つ目：…"). */
	for (i = 0, others = 0; i < ls->n; i++)
		others += ls->v[i].kind == LK_TEXT && ls->v[i].heading;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && sections + others < 2)
			break;
		for (i = 0; i < ls->n; i++) {
			struct aline *l = &ls->v[i];
			uint32_t cp;

			if (l->kind != LK_TEXT || l->style != STYLE_PLAIN ||
			    l->heading || l->width > HEADING_MAX_COLUMNS ||
			    i == r->title_line || article_is_chatty(l) ||
			    l->meta || !balanced(l) || article_has_address(l) ||
			    article_dated_label(l) || article_spoken(l) ||
			    article_starts_with(l->text, l->len, "…") ||
			    article_is_aside(l->text, l->len))
				continue;
			banner = between_rules(ls, i);
			apart = banner || stands_apart(r, i);
			if (!apart && !heading_may_start(ls, i))
				continue;
			if (marked && i < marked_last &&
			    !article_opening_word(l) && !banner)
				continue;
			cp = article_line_last_cp(l);
			/* "PREFACE.": an old book's headings end so. */
			if (cp == '.' && article_all_capitals(l->text, l->len))
				cp = 'A';
			if (cp == 0x3002 || cp == 0xff0e || cp == 0x3001 ||
			    cp == 0xff0c || cp == ',' || cp == ':' ||
			    cp == 0xff1a || cp == ';' || cp == '.' ||
			    cp == 0x2026 || cp == 0x2025 || cp == '!' ||
			    cp == 0xff01)
				continue;
			if (pass == 0 && (cp == 0xff1f || cp == '?' ||
			    cp == 0x300d || cp == 0x300f))
				continue;
			j = article_next_kept(ls, i + 1);
			if (!apart && (j >= ls->n || ls->v[j].kind != LK_BLANK))
				continue;
			/* A name or a last line before a rule signs off what
			 * is above it; it heads nothing. */
			if (rule_follows(ls, i) && !banner)
				continue;
			/* A section: a blank line, then its text. */
			p = article_prev_kept(ls, i);
			if (article_next_content(ls, i) >= ls->n || (marked &&
			    !banner && (p == SIZE_MAX ||
			    ls->v[p].kind != LK_BLANK)))
				continue;
			/* English: a capitalised line between blank lines,
			 * short, without a full stop. */
			if (r->latin && (l->width > SUBHEADING_MAX_COLUMNS ||
			    !(l->text[0] >= 'A' && l->text[0] <= 'Z') ||
			    p == SIZE_MAX || ls->v[p].kind != LK_BLANK))
				continue;
			/* Right under a line of text, it must stand out from
			 * it: not a sentence missing its full stop, and
			 * shorter than the paragraph above by far. */
			if (p != SIZE_MAX && p + 1 == i &&
			    ls->v[p].kind == LK_TEXT && !ls->v[p].heading &&
			    (article_ends_like_prose(l) ||
			    2 * l->width > 3 * ls->v[p].width))
				continue;
			if (article_ends_with_particle(l))
				continue;
			l->heading = 2;
			l->style = STYLE_PLAIN;
			sections++;
		}
	}
	if (sections == 0 && !marked && r->latin && r->wrap_width == 0)
		sections = english_run_in_headings(r);
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
		    i == r->title_line || article_is_chatty(l) ||
		    article_ends_like_prose(l) || l->meta ||
		    article_ends_sentence(l->text, l->len) ||
		    !heading_may_start(ls, i))
			continue;
		cp = article_line_last_cp(l);
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
	int numbered_sections = 0;
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
	for (k = 0; k < nstyles; k++)
		if (styles[k] == STYLE_NUM_DOT ||
		    styles[k] == STYLE_NUM_SPACE ||
		    styles[k] == STYLE_NUM_FULLWIDTH)
			numbered_sections = 1;
	/* Which styles come back after a style's first line. */
	for (k = 0; k < nstyles; k++) {
		int nested = 0, t;

		if (!have_top && k == 0) {
			level[k] = 2;
			continue;
		}
		for (j = first[k] + 1; j < ls->n && !nested; j++) {
			const struct aline *l = &ls->v[j];

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
		/* Or its first line comes right under a section heading,
		 * nothing between: the parts of that section. */
		if (!nested) {
			size_t p = article_prev_kept(ls, first[k]);

			while (p != SIZE_MAX && ls->v[p].kind == LK_BLANK)
				p = article_prev_kept(ls, p);
			for (t = 0; p != SIZE_MAX && t < k; t++)
				if (ls->v[p].kind == LK_TEXT &&
				    ls->v[p].heading && styles[t] ==
				    ls->v[p].style && level[t] == 2)
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
		/* "3-1" and "2.1" number the parts of numbered sections,
		 * even the last ones. */
		if (l->style == STYLE_NUM_DECIMAL && numbered_sections)
			l->heading = 3;
	}
}

/*
 * Whether a line in capitals stands out as a heading: a blank line (or a
 * rule) above it, and below it a blank, a rule or a list, or text when it
 * is several words ("LONDON" over a publisher's name is a cover's).
 */
static int
caps_stands_out(const struct alines *ls, size_t i)
{
	const struct aline *nx = i + 1 < ls->n ? &ls->v[i + 1] : NULL;

	if (i > 0 && ls->v[i - 1].kind != LK_BLANK &&
	    ls->v[i - 1].kind != LK_DROPPED)
		return 0;
	if (nx == NULL || nx->kind == LK_BLANK || nx->kind == LK_DROPPED ||
	    nx->kind == LK_BULLET)
		return 1;
	return memchr(ls->v[i].text, ' ', ls->v[i].len) != NULL &&
	    nx->kind == LK_TEXT && nx->style != STYLE_CAPS;
}

static void
lone_markdown(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, n = 0, last = SIZE_MAX;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == LK_TEXT && ls->v[i].style == STYLE_MD &&
		    i != r->title_line) {
			n++;
			last = i;
		}
	if (n == 1 && ls->v[last].md_depth == 1) {
		ls->v[last].style = STYLE_NONE;
		ls->v[last].mark = 0;
	}
}

static void
captions_mark(struct alines *ls)
{
	size_t lines[STYLE_BRACKET_BASE - STYLE_MARK_BASE] = { 0 };
	size_t heads[STYLE_BRACKET_BASE - STYLE_MARK_BASE] = { 0 };
	size_t i;
	int k;

	for (i = 0; i < ls->n; i++) {
		const struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT || l->item ||
		    l->style < STYLE_MARK_BASE ||
		    l->style >= STYLE_BRACKET_BASE)
			continue;
		k = l->style - STYLE_MARK_BASE;
		lines[k]++;
		heads[k] += l->heading != 0;
	}
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind != LK_TEXT || !l->heading ||
		    l->style < STYLE_MARK_BASE ||
		    l->style >= STYLE_BRACKET_BASE)
			continue;
		k = l->style - STYLE_MARK_BASE;
		if (lines[k] >= 2 && heads[k] == 1)
			l->heading = 0;
	}
}

/* Whether line i labels the link right under it and nothing more:
 * "▼バックナンバー" over its address, then a blank line or the next
 * label. */
static int
only_links_under(const struct alines *ls, size_t i)
{
	size_t j = i + 1;

	if (j >= ls->n || ls->v[j].kind != LK_LINK)
		return 0;
	while (j < ls->n && ls->v[j].kind == LK_LINK)
		j++;
	return j >= ls->n || ls->v[j].kind == LK_BLANK ||
	    ls->v[j].kind == LK_DROPPED || (ls->v[j].kind == LK_TEXT &&
	    ls->v[j].style == ls->v[i].style);
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

void
article_decide_headings(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, marked_last = SIZE_MAX;
	/* Per numbered style: lines standing alone (a heading's shape). */
	size_t alone[STYLE_MARK_BASE] = { 0 };

	/* A lone "# " line amid plain text, no other Markdown heading
	 * anywhere, is a comment or a hashtag that wrapped, not a heading. */
	lone_markdown(r);
	/* Capitals head English text; elsewhere they are a name ("NHK"). */
	if (!r->latin)
		for (i = 0; i < ls->n; i++)
			if (ls->v[i].kind == LK_TEXT &&
			    ls->v[i].style == STYLE_CAPS)
				ls->v[i].style = STYLE_PLAIN;
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
		if (l->style == STYLE_ROW ||
		    (l->style == STYLE_CAPS && !caps_stands_out(ls, i)))
			continue;
		if (!marked_shape(r, i) || !heading_may_start(ls, i) ||
		    article_next_content(ls, i) >= ls->n)
			continue;
		if (ls->v[article_next_content(ls, i)].kind == LK_TEXT &&
		    ls->v[article_next_content(ls, i)].style == l->style &&
		    article_next_kept(ls, i + 1) == article_next_content(ls, i) &&
		    l->style != STYLE_MD)
			continue;
		l->heading = 2;
		if (l->style < STYLE_MARK_BASE)
			alone[l->style]++;
	}
	/* A mark that heads one of its lines, the others captions
	 * ("▲店の奥の…。…"), is the captions' mark. */
	captions_mark(ls);
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

		/* Steps and questions head the parts of sections (as
		 * "ケース1:" does): plain lines may still head sections. */
		if (l->kind == LK_TEXT && l->heading &&
		    !article_style_is_numbering(l->style) &&
		    l->style != STYLE_STEP && l->style != STYLE_QUESTION &&
		    l->style < STYLE_WORD_BASE) {
			marked_last = i;
		}
	}
	/* "▼過去の記事はこちら" over a link alone points at it, heads
	 * nothing; a mark all the same (plain lines above head nothing). */
	for (i = 0; i < ls->n; i++) {
		struct aline *l = &ls->v[i];

		if (l->kind == LK_TEXT && l->heading &&
		    l->style >= STYLE_MARK_BASE &&
		    l->style < STYLE_BRACKET_BASE && only_links_under(ls, i))
			l->heading = 0;
	}
	plain_headings(r, marked_last);
	assign_levels(r);
	/* A heading with nothing under it is text after all: from the end,
	 * so that a run of them unravels. */
	for (i = ls->n; i-- > 0;) {
		struct aline *l = &ls->v[i];

		if (l->kind == LK_TEXT && l->heading &&
		    !has_body(ls, i, l->heading))
			l->heading = 0;
	}
}

