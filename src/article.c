/*
 * article.c - PURE: plain text -> article structure (see article.h).
 *
 * Two passes, both linear:
 *   1. lines: split on LF (a CR before it, or alone, also ends a line), drop a
 *      BOM and trailing spaces, take the front matter, and join every line
 *      ending in 、 with the text line after it;
 *   2. blocks: decide each line with a little lookahead (the next line, the
 *      next non-blank line, or the rest of a quote, at most QUOTE_MAX_LINES).
 */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* A heading is short: at most this many characters (code points). */
#define HEADING_MAX_CHARS 40
/* A quote block longer than this is more likely prose in brackets. */
#define QUOTE_MAX_LINES 30

/* One logical line of pass 1: text is NUL-terminated in article->text. */
struct line {
	const char *text;
	size_t len;
	int joined;   /* built by joining lines at 、: a sentence, so never a
	                 slot or a heading, whatever its ends look like */
};

struct lines {
	struct line *v;
	size_t n;
};

/* UTF-8 spellings of the characters the reader looks for. */
#define IDEOGRAPHIC_COMMA "\xe3\x80\x81"        /* 、 */
#define OPEN_QUOTE "\xe3\x80\x8c"               /* 「 */
#define CLOSE_QUOTE "\xe3\x80\x8d"              /* 」 */
#define DOWN_ARROWS "\xe2\x86\x93\xe2\x86\x93"  /* ↓↓ */
#define RELATED_SLOT DOWN_ARROWS "\xe3\x80\x90\xe9\x96\xa2\xe9\x80\xa3" \
    "\xe8\xa8\x98\xe4\xba\x8b\xe3\x80\x91" DOWN_ARROWS  /* ↓↓【関連記事】↓↓ */
#define BOM "\xef\xbb\xbf"
#define IDEOGRAPHIC_SPACE "\xe3\x80\x80"        /* U+3000 */

/*
 * How a sentence or clause ends: a line ending in one of these is prose,
 * never a heading. Wider than DESIGN.md's list on purpose (when unsure, a
 * paragraph): full stops, commas, colons, ellipses and closing quotes.
 */
static const char *const sentence_ends[] = {
	"\xe3\x80\x82",  /* 。 */
	"\xe3\x80\x81",  /* 、 */
	"\xef\xbc\x81",  /* ！ */
	"\xef\xbc\x9f",  /* ？ */
	"\xe2\x80\xa6",  /* … */
	"\xe2\x80\xa5",  /* ‥ */
	"\xe3\x80\x8d",  /* 」 */
	"\xe3\x80\x8f",  /* 』 */
	"\xef\xbc\x8e",  /* ． */
	"\xef\xbc\x8c",  /* ， */
	"\xef\xbc\x9a",  /* ： */
	"\xef\xbc\x9b",  /* ； */
	"!", "?", ".", ",", ":", ";",
};

static int
starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static int
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int
article_is_link_slot(const char *line, size_t len)
{
	return len >= 2 * strlen(DOWN_ARROWS) &&
	    starts_with(line, len, DOWN_ARROWS) &&
	    ends_with(line, len, DOWN_ARROWS);
}

static int
is_slot(const struct line *l)
{
	return !l->joined && article_is_link_slot(l->text, l->len);
}

static int
is_list_item(const struct line *l)
{
	return starts_with(l->text, l->len, "- ");
}

static int
ends_like_sentence(const struct line *l)
{
	size_t i;

	for (i = 0; i < sizeof(sentence_ends) / sizeof(sentence_ends[0]); i++)
		if (ends_with(l->text, l->len, sentence_ends[i]))
			return 1;
	return 0;
}

static size_t
count_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* A line that could head something; what follows it decides what. */
static int
could_be_heading(const struct line *l)
{
	return l->len > 0 && !l->joined && !is_list_item(l) && !is_slot(l) &&
	    !ends_like_sentence(l) &&
	    count_chars(l->text, l->len) <= HEADING_MAX_CHARS;
}

/* Trailing ASCII blanks and ideographic spaces carry nothing. */
static size_t
trimmed_length(const char *s, size_t len)
{
	for (;;) {
		if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		else if (ends_with(s, len, IDEOGRAPHIC_SPACE))
			len -= strlen(IDEOGRAPHIC_SPACE);
		else
			return len;
	}
}

/* Whether a line may be glued onto one ending in 、: text, not structure. */
static int
is_continuation(const char *s, size_t len)
{
	return len > 0 && !starts_with(s, len, "- ") &&
	    !article_is_link_slot(s, len);
}

/*
 * Pass 1. Writes the logical lines into out (at least len + 1 bytes per the
 * caller), each NUL-terminated, and lists them in *lines. A blank line is
 * kept (len 0): blank lines separate sections from sub-headings.
 */
static int
split_lines(const char *in, size_t len, char *out, struct lines *lines,
    struct article *a)
{
	size_t pos = 0, w = 0, cap = 64;
	int joining = 0, first = 1;

	if ((lines->v = malloc(cap * sizeof(*lines->v))) == NULL)
		return -1;
	lines->n = 0;
	if (starts_with(in, len, BOM))
		pos = strlen(BOM);
	while (pos < len) {
		const char *s = in + pos;
		size_t n = 0, next;

		while (pos + n < len && s[n] != '\n' && s[n] != '\r')
			n++;
		next = pos + n;
		if (next < len && in[next] == '\r' && next + 1 < len &&
		    in[next + 1] == '\n')
			next += 2;
		else if (next < len)
			next += 1;
		pos = next;
		n = trimmed_length(s, n);

		if (first) {
			first = 0;
			if (starts_with(s, n, "title:")) {
				size_t skip = strlen("title:");

				while (skip < n && (s[skip] == ' ' ||
				    s[skip] == '\t'))
					skip++;
				memcpy(out + w, s + skip, n - skip);
				out[w + n - skip] = '\0';
				a->title = out + w;
				a->has_front_matter = 1;
				w += n - skip + 1;
				continue;
			}
		}
		if (joining && is_continuation(s, n)) {
			/* Glue onto the previous line: overwrite its NUL. */
			struct line *prev = &lines->v[lines->n - 1];

			w--;
			memcpy(out + w, s, n);
			w += n;
			out[w++] = '\0';
			prev->len += n;
			prev->joined = 1;
			joining = ends_with(prev->text, prev->len,
			    IDEOGRAPHIC_COMMA);
			continue;
		}
		if (lines->n == cap) {
			struct line *v;

			cap *= 2;
			if ((v = realloc(lines->v, cap * sizeof(*v))) == NULL)
				return -1;
			lines->v = v;
		}
		memcpy(out + w, s, n);
		out[w + n] = '\0';
		lines->v[lines->n].text = out + w;
		lines->v[lines->n].len = n;
		lines->v[lines->n].joined = 0;
		lines->n++;
		w += n + 1;
		joining = ends_with(s, n, IDEOGRAPHIC_COMMA);
	}
	return 0;
}

/* Growth state of pass 2. */
struct builder {
	struct article *a;
	size_t block_cap, section_cap;
	/* A section heading waiting for its first block: a section is only
	 * made once something is in it, so none is ever empty. */
	const struct line *pending;
};

static int add_block(struct builder *bd, enum article_block_type type,
    const char *text, size_t len, int quote_start);

static int
add_section(struct builder *bd, const struct line *l)
{
	struct article *a = bd->a;
	struct article_section *s;

	if (a->nsections == bd->section_cap) {
		bd->section_cap = bd->section_cap == 0 ? 16 :
		    bd->section_cap * 2;
		if ((s = realloc(a->sections, bd->section_cap *
		    sizeof(*s))) == NULL)
			return -1;
		a->sections = s;
	}
	s = &a->sections[a->nsections++];
	s->heading = l->text;
	s->first = a->nblocks;
	s->count = 0;
	return 0;
}

/* A heading nothing came under is just a line of text after all. */
static int
drop_pending(struct builder *bd)
{
	const struct line *l = bd->pending;

	if (l == NULL)
		return 0;
	bd->pending = NULL;
	return add_block(bd, ARTICLE_PARAGRAPH, l->text, l->len, 0);
}

static int
add_block(struct builder *bd, enum article_block_type type,
    const char *text, size_t len, int quote_start)
{
	struct article *a = bd->a;
	struct article_block *b;

	if (bd->pending != NULL) {
		if (add_section(bd, bd->pending) == -1)
			return -1;
		bd->pending = NULL;
	}

	if (a->nblocks == bd->block_cap) {
		bd->block_cap = bd->block_cap == 0 ? 64 : bd->block_cap * 2;
		if ((b = realloc(a->blocks, bd->block_cap * sizeof(*b))) == NULL)
			return -1;
		a->blocks = b;
	}
	b = &a->blocks[a->nblocks++];
	b->type = type;
	b->text = text;
	b->len = len;
	b->quote_start = quote_start;
	if (a->nsections > 0)
		a->sections[a->nsections - 1].count++;
	else
		a->nlead++;
	return 0;
}

/*
 * If lines[i] opens a quote, returns how many lines the quote spans: up to
 * the first line whose last character closes the 「 that opened it, with
 * brackets balanced in between and no blank line, list item or slot.
 * Returns 0 when it is not a quote.
 */
static size_t
quote_length(const struct lines *lines, size_t i)
{
	size_t j, k, olen = strlen(OPEN_QUOTE), clen = strlen(CLOSE_QUOTE);
	long depth = 0;

	if (!starts_with(lines->v[i].text, lines->v[i].len, OPEN_QUOTE))
		return 0;
	for (j = i; j < lines->n && j < i + QUOTE_MAX_LINES; j++) {
		const struct line *l = &lines->v[j];

		if (l->len == 0 || (j > i && (is_list_item(l) || is_slot(l))))
			return 0;
		for (k = 0; k < l->len; k++) {
			if (starts_with(l->text + k, l->len - k, OPEN_QUOTE)) {
				depth++;
				k += olen - 1;
			} else if (starts_with(l->text + k, l->len - k,
			    CLOSE_QUOTE)) {
				depth--;
				k += clen - 1;
				/* Closed before the end: brackets in prose. */
				if (depth == 0 && k + 1 < l->len)
					return 0;
			}
		}
		if (depth == 0)
			return j - i + 1;
	}
	return 0;
}

/* Pass 2: one decision per line, with bounded lookahead. */
static int
read_blocks(struct article *a, const struct lines *lines)
{
	struct builder bd = { .a = a };
	size_t i, j, n, qlen;

	for (i = 0; i < lines->n; i++) {
		const struct line *l = &lines->v[i];
		const struct line *next = i + 1 < lines->n ? &lines->v[i + 1] :
		    NULL;

		if (l->len == 0)
			continue;
		if (is_slot(l)) {
			if (strcmp(l->text, RELATED_SLOT) == 0 &&
			    add_block(&bd, ARTICLE_RELATED, l->text, l->len,
			    0) == -1)
				return -1;
			continue;
		}
		if (is_list_item(l)) {
			if (add_block(&bd, ARTICLE_LIST_ITEM, l->text + 2,
			    l->len - 2, 0) == -1)
				return -1;
			continue;
		}
		if ((qlen = quote_length(lines, i)) > 0) {
			for (n = 0; n < qlen; n++)
				if (add_block(&bd, ARTICLE_QUOTE,
				    lines->v[i + n].text, lines->v[i + n].len,
				    n == 0) == -1)
					return -1;
			i += qlen - 1;
			continue;
		}
		if (could_be_heading(l) && next != NULL) {
			if (next->len == 0) {
				/* A section: blank line, then more text. */
				for (j = i + 1; j < lines->n &&
				    lines->v[j].len == 0; j++)
					;
				if (j < lines->n) {
					if (drop_pending(&bd) == -1)
						return -1;
					bd.pending = l;
					continue;
				}
			} else if (!is_slot(next) && (is_list_item(next) ||
			    !could_be_heading(next))) {
				if (add_block(&bd, ARTICLE_SUBHEADING, l->text,
				    l->len, 0) == -1)
					return -1;
				continue;
			}
		}
		if (add_block(&bd, ARTICLE_PARAGRAPH, l->text, l->len, 0) == -1)
			return -1;
	}
	return drop_pending(&bd);
}

static void
choose_title(struct article *a)
{
	size_t i;

	if (a->title != NULL)
		return;
	if (a->nsections > 0) {
		a->title = a->sections[0].heading;
		return;
	}
	for (i = 0; i < a->nblocks; i++)
		if (a->blocks[i].type != ARTICLE_RELATED) {
			a->title = a->blocks[i].text;
			return;
		}
	a->title = "";
}

struct article *
article_parse(const char *text, size_t len, const char **errstr)
{
	struct article *a;
	struct lines lines = { NULL, 0 };

	if (memchr(text, '\0', len) != NULL) {
		*errstr = "contains a NUL byte";
		return NULL;
	}
	if (!utf8_is_valid(text, len)) {
		*errstr = "not valid UTF-8";
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->text = malloc(len + 1)) == NULL)
		goto nomem;
	if (split_lines(text, len, a->text, &lines, a) == -1 ||
	    read_blocks(a, &lines) == -1)
		goto nomem;
	free(lines.v);
	choose_title(a);
	return a;
nomem:
	free(lines.v);
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
	free(a->text);
	free(a);
}
