/*
 * article_blocks.c - PURE: lines -> blocks and sections: paragraphs with
 * their wrapped lines joined, list items, quotations, code, links (see
 * article_internal.h).
 */
#include "article_internal.h"

#include <stdlib.h>
#include <string.h>

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
		/* One space between words; none inside a number that the
		 * wrap broke ("月額2" / ",000円") in Japanese text. */
		if (!article_cp_is_cjk(before) && !article_cp_is_cjk(after) &&
		    before != ' ' && !(!r->latin && before >= '0' &&
		    before <= '9' && (after == ',' || after == '.' ||
		    (after >= '0' && after <= '9'))))
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
	/* Markdown may close a heading with a run of '#' after a space: that
	 * is markup; any other '#' is text ("C#"). */
	if (l->style == STYLE_MD) {
		size_t m = n;

		while (m > 0 && s[m - 1] == '#')
			m--;
		if (m < n && m > 0 && s[m - 1] == ' ')
			n = m;
	}
	for (;;) {
		if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (article_ends_with(s, n, "\xe3\x80\x80"))
			n -= 3;
		else
			break;
	}
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
		"て", "で", "が", "を", "ば", "から", "けど", "ので", "のに",
		"ながら", "たり", "なり", "であり", "ており",
	};
	size_t n;
	uint32_t next;

	if (l->len == 0 || prev->len == 0)
		return 0;
	next = article_cp(l->text, l->len, &n);
	if (!(article_cp_is_kana(next) || (next >= 0x4e00 && next <= 0x9fff)))
		return 0;
	return article_ends_with_any(prev->text, prev->len, ends,
	    sizeof(ends) / sizeof(ends[0]));
}

/* A particle before words in 「」 inside a sentence: "パパが「…」と言って". */
static int
ends_before_speech(const struct aline *l)
{
	static const char *const ends[] = {
		"が", "は", "に", "を", "で", "も", "と", "て",
	};

	return article_ends_with_any(l->text, l->len, ends,
	    sizeof(ends) / sizeof(ends[0]));
}

/* Whether l goes on from prev through words in 「」 spoken inside the
 * sentence: "...が" then "「...」", or "「...」" then "と言って...". */
static int
speech_goes_on(const struct aline *prev, const struct aline *l)
{
	return (ends_before_speech(prev) &&
	    article_starts_with(l->text, l->len, OPEN_QUOTE)) ||
	    (article_ends_with(prev->text, prev->len, CLOSE_QUOTE) &&
	    (article_starts_with(l->text, l->len, "と") ||
	    article_starts_with(l->text, l->len, "って")));
}

/*
 * Whether wrapped English breaks mid-sentence between prev and l: prev,
 * a good part of the width, ends in a word or a comma, and l goes on in
 * lower case or with a number ("Rule" then "#4 is the one", "Children
 * are" then "*very* welcome"), where a writer's own break would start a
 * sentence.
 */
static int
runs_on(const struct reader *r, const struct aline *prev,
    const struct aline *l)
{
	uint32_t last = article_line_last_cp(prev);
	size_t i = 0;

	if (!r->latin || r->wrap_width == 0 ||
	    (prev->indent + prev->width) * 2 < r->wrap_width)
		return 0;
	if (!((last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') ||
	    (last >= '0' && last <= '9') || last == ','))
		return 0;
	/* Past a "#" or "*" that is not a marker (no space after it). */
	while (i < l->len && i < 2 && (l->text[i] == '#' || l->text[i] == '*'))
		i++;
	return i < l->len && ((l->text[i] >= 'a' && l->text[i] <= 'z') ||
	    (l->text[i] >= '0' && l->text[i] <= '9'));
}

/* Whether l ends leading on to more: a comma, a colon, an open bracket. */
static int
leads_on(const struct aline *l)
{
	uint32_t cp = article_line_last_cp(l);

	return cp == 0x3001 || cp == 0xff0c || cp == ',' || cp == 0xff1a ||
	    cp == ':' || cp == 0xff08 || cp == '(' || cp == 0x300c;
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
	const char *value;
	int subject;

	if (l->kind != LK_TEXT || l->heading || l->item || l->len == 0 ||
	    article_style_is_marked(l->style))
		return 0;
	/* Indented under an item, it goes on with it; but in text whose
	 * paragraphs open with one indent, an item that ended where its
	 * line did is followed by a paragraph. */
	if (item_indent > 0 && l->indent >= item_indent &&
	    !(r->novel_indent && l->indent <= 2 && !leads_on(prev) &&
	    !article_is_full(r, prev, l)))
		return 1;
	/* Flush left under an item, a line goes on with it only from the
	 * middle of a sentence, not because the item's line is full: the
	 * text after a list starts there. */
	if (item_indent > 0)
		return article_ends_with(prev->text, prev->len,
		    IDEOGRAPHIC_COMMA) || ends_mid_clause(prev, l) ||
		    runs_on(r, prev, l);
	/* Each header of a mail stands on its own line. */
	if (article_mail_header(l, &subject, &value))
		return 0;
	/* An indent opens a paragraph; so does a note mark. */
	if ((l->indent > 0 && (r->novel_indent || r->wrap_width > 0)) ||
	    article_starts_with(l->text, l->len, NOTE_MARK))
		return 0;
	if (article_ends_with(prev->text, prev->len, IDEOGRAPHIC_COMMA) ||
	    ends_mid_clause(prev, l) || speech_goes_on(prev, l) ||
	    runs_on(r, prev, l))
		return 1;
	return article_is_full(r, prev, l);
}

/* Columns the numbering of an item takes, up to its text ("1) " is 3,
 * "（1）" 4): its wrapped lines are indented at least so far. */
static int
number_width(const struct aline *l)
{
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < l->len && i < 16; i += n) {
		cp = article_cp(l->text + i, l->len - i, &n);
		if (cp == ' ' || cp == 0x3000)
			break;
		if (cp == ')' || cp == '.' || cp == 0xff09 || cp == 0xff0e) {
			i += n;
			break;
		}
	}
	while (i < l->len && (l->text[i] == ' '))
		i++;
	n = article_width(l->text, i);
	/* At least 3 columns ("1) "), and 4 at most: a hanging indent of
	 * two ideographic spaces holds under "（１）". */
	return n < 3 ? 3 : n > 4 ? 4 : (int)n;
}

/* Columns a note's mark takes with the blanks after it ("※　" is 4). */
static int
note_width(const struct aline *l)
{
	size_t i = strlen(NOTE_MARK);

	while (i < l->len && (l->text[i] == ' ' ||
	    article_starts_with(l->text + i, l->len - i, "\xe3\x80\x80")))
		i += l->text[i] == ' ' ? 1 : 3;
	return (int)article_width(l->text, i);
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

/* Who said it, right after the 」: "（Ａさん）", "(Ken, 8)". */
static int
attribution(const char *s, size_t len)
{
	return ((article_starts_with(s, len, "（") &&
	    article_ends_with(s, len, "）")) || (len > 2 && s[0] == '(' &&
	    s[len - 1] == ')')) && article_width(s, len) <= 24;
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

	if (!article_starts_with(ls->v[i].text, ls->v[i].len, OPEN_QUOTE))
		return 0;
	/* Words spoken inside a sentence are not a quotation of their own. */
	if (i > 0 && ls->v[i - 1].kind == LK_TEXT && !ls->v[i - 1].heading &&
	    ends_before_speech(&ls->v[i - 1]))
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
				if (depth == 0 && k + 1 < l->len &&
				    !attribution(l->text + k + 1,
				    l->len - k - 1))
					return 0;
			}
		}
		if (depth == 0) {
			if (j + 1 < ls->n && ls->v[j + 1].kind == LK_TEXT &&
			    speech_goes_on(l, &ls->v[j + 1]))
				return 0;
			/* In text whose paragraphs open with an indent, a
			 * line flush left in 「」 is a novel's dialogue; a
			 * quotation there names who said it. */
			if (r->novel_indent && ls->v[i].indent == 0 &&
			    !article_ends_with(l->text, l->len, "）") &&
			    !article_ends_with(l->text, l->len, ")") &&
			    !(j + 1 < ls->n && ls->v[j + 1].kind == LK_TEXT &&
			    attribution(ls->v[j + 1].text, ls->v[j + 1].len)))
				return 0;
			return j - i + 1;
		}
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
	struct aline shifted;
	char *start = NULL;
	int first = 1, last_depth = 0;
	size_t j, k;

	for (j = i; j < ls->n && ls->v[j].kind == LK_QUOTE; j++) {
		const struct aline *l = &ls->v[j];
		const char *s = l->text, *inner = l->text;
		size_t n = l->len, inner_n = l->len;
		int depth = 0;

		/* ">", "> >", ">>": a quotation's first line keeps the
		 * inner levels' marks (gemtext has one level); the lines
		 * joined to it lose them all; a change of level is a
		 * break. */
		while (n > 0 && (s[0] == '>' || article_starts_with(s, n,
		    "＞"))) {
			k = s[0] == '>' ? 1 : strlen("＞");
			s += k, n -= k, depth++;
			if (n > 0 && s[0] == ' ')
				s++, n--;
			if (depth == 1)
				inner = s, inner_n = n;
		}
		if (depth != last_depth && start != NULL) {
			r->w++;
			if (add_block(r, ARTICLE_QUOTE, start, strlen(start),
			    NULL, first) == -1)
				return SIZE_MAX;
			first = 0;
			start = NULL;
		}
		last_depth = depth;
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
		/* Whether the line above was full, against this line's
		 * first word (after its "> "). */
		shifted = *l;
		shifted.text = (char *)s;
		shifted.len = n;
		if (start != NULL && j > i && (article_is_full(r, &ls->v[j - 1],
		    &shifted) ||
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
		start = emit(r, inner, inner_n);
	}
	if (start != NULL) {
		r->w++;
		if (add_block(r, ARTICLE_QUOTE, start, strlen(start), NULL,
		    first) == -1)
			return SIZE_MAX;
	}
	return j - 1;
}

int
article_build_blocks(struct reader *r)
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
				article_drop_line(l, ARTICLE_DROP_SLOT);
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
			    l->indent + (l->mark > 0 ? (int)article_width(
			    l->text, l->mark) : 2),
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
			/* One quote line per sentence: a line ending in 、
			 * goes on in the next. */
			char *start = NULL;
			int first_line = 1;

			for (n = 0; n < q; n++) {
				const struct aline *ql = &ls->v[i + n];

				if (start == NULL)
					start = emit(r, ql->text, ql->len);
				else
					append_joined(r, start, ql->text,
					    ql->len);
				if (n + 1 < q && article_ends_with(ql->text,
				    ql->len, IDEOGRAPHIC_COMMA))
					continue;
				r->w++;
				if (add_block(r, ARTICLE_QUOTE, start,
				    strlen(start), NULL, first_line) == -1)
					return -1;
				first_line = 0;
				start = NULL;
			}
			i += q - 1;
		} else {
			size_t skip = 0;
			int indent = 0;

			/* In text whose paragraphs open with an indent, the
			 * indent is the paragraph break. */
			if (r->novel_indent && l->indent > 0 && !l->item)
				r->gap = 1;
			if (l->item) {
				type = ARTICLE_LIST_ITEM;
				if (l->style >= STYLE_MARK_BASE &&
				    l->style < STYLE_BRACKET_BASE)
					skip = l->mark;
				indent = l->indent + number_width(l);
			} else if (article_starts_with(l->text, l->len,
			    NOTE_MARK)) {
				/* A note's lines hang under its text. */
				indent = l->indent + note_width(l);
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

