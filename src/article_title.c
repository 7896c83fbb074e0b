/*
 * article_title.c - PURE: the title at the top, when the front matter gave
 * none: a Markdown or underlined title, a mail's subject, the line that
 * kickers, bylines, subtitles and dates stand around, a cover's title
 * line, else a heading above all the text (see article_internal.h).
 */
#include "article_internal.h"

#include <stdint.h>
#include <string.h>

/* A line of a cover (a PDF's first page): short. */
#define COVER_MAX_COLUMNS 50

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

/* The end of the block of lines that starts at i (no blank line in it;
 * decoration dropped from it counts as its lines). */
static size_t
block_end(const struct alines *ls, size_t i)
{
	while (i < ls->n && (ls->v[i].kind == LK_TEXT ||
	    ls->v[i].kind == LK_DROPPED) && ls->v[i].len > 0)
		i++;
	return i;
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
 * The title, when the front matter gave none: a Markdown "# " or an
 * underlined line at the top (past dates and a category path), a mail's
 * subject, else, past dates, labels, kickers and a sender's block: a line
 * with its byline under it (in the first block or one of the next two),
 * a line standing alone, a title under a kicker or a name, the title line
 * of a cover (a first block of a few short lines).
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
	/* A Markdown or underlined title, maybe under a date line or a
	 * category path. */
	for (j = i; j < ls->n && ls->v[j].kind == LK_TEXT && (ls->v[j].meta ||
	    is_kicker(&ls->v[j]));)
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
		end = block_end(ls, b);
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
	end = block_end(ls, i);
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
	/* (Or a shop's or a sender's name: "めがねの光陽堂　駅前本店".) */
	if (end - i == 2 && (is_kicker(&ls->v[i]) ||
	    is_organisation(&ls->v[i]) || ls->v[i].style == STYLE_ROW) &&
	    title_shaped(&ls->v[i + 1]) &&
	    ls->v[i + 1].style == STYLE_PLAIN) {
		take_title(r, i + 1, ls->v[i + 1].text);
		article_drop_line(&ls->v[i + 1], ARTICLE_DROP_TITLE);
		ls->v[i].meta = 1;
		return;
	}
	/* (The block as a title with its byline was tried above.) A cover:
	 * a few short lines; the title is the longest that is not
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
