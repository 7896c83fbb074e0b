/*
 * markdown.c - Markdown -> article structure (see markdown.h). The only
 * file that includes md4c.
 *
 * md4c calls back with the document's blocks, spans and text in order. The
 * text of the leaf block being read (a paragraph, a heading, an item's
 * text, a whole table) gathers in `flat`; when the block ends it becomes
 * lines, then its links. Everything the article keeps is written once into
 * `out`, a growing buffer that becomes article->text; blocks and headings
 * hold offsets into it while it may still move, and become pointers at the
 * end.
 */
#include "markdown.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "article_internal.h"
#include "utf8.h"

#define NO_OFFSET SIZE_MAX
/* In flat: where a hard break splits the block into lines. */
#define LINE_BREAK '\n'
/*
 * Zero bytes after the copy of the text md4c reads. The fuzzer saw md4c
 * 0.4.8 hand back text one byte past the end of its input (an over-read
 * inside md4c, which depends on the bytes that follow, so it does not
 * replay): the padding keeps such reads in memory that is ours and holds
 * nothing, and on_text takes nothing from beyond the input.
 */
#define MD4C_PADDING 64
/* The narrowest column: "---" under the header row, as Markdown has it. */
#define TABLE_MIN_WIDTH 3

struct buf {
	char *data;
	size_t len, cap;
};

/* A block, as offsets into out. */
struct mblock {
	enum article_block_type type;
	size_t text, len;
	size_t alt;              /* NO_OFFSET: none */
	int quote_start, gap_before;
};

struct msection {
	size_t heading;          /* offset into out */
	size_t first;            /* first block */
};

/* A link or image of the leaf block: its target in urls, its text a range
 * of flat (closed when the span ends). */
struct mlink {
	size_t url, url_len;
	size_t label_start, label_end;
};

/* A table cell: a range of flat; row_end set on a row's last cell. */
struct mcell {
	size_t start, end;
	int row_end;
};

/* An open list: ordered ones number their items. */
struct mlist {
	int ordered;
	unsigned next;
};

struct md {
	struct article *a;
	const char *input, *input_end;  /* what md4c reads */
	struct buf out, flat, urls;
	struct mblock *blocks;
	size_t nblocks, blocks_cap;
	struct msection *sections;
	size_t nsections, sections_cap;
	struct mlink *links;
	size_t nlinks, links_cap;
	size_t *open;            /* links whose span is open, innermost last */
	size_t nopen, open_cap;
	struct mcell *cells;
	size_t ncells, cells_cap;
	struct mlist *lists;
	size_t nlists, lists_cap;
	char *nest;              /* open containers: 'q' quote, 'l' list item */
	size_t nnest, nest_cap;
	size_t title;            /* offsets into out, or NO_OFFSET */
	size_t date, tags, lang;
	int title_from_front;
	int heading;             /* level of the open heading, or 0 */
	int code, html, table;   /* inside such a block */
	size_t code_alt;
	size_t prefix;           /* bytes of flat that are an item's "3. " */
	int soft;                /* a soft break waits for the next text */
	int quote_start;         /* the next quote line opens a quote */
	int failed;              /* out of memory */
};

/* --- growing arrays ---------------------------------------------------------- */

/* Makes room for one more element of size in *v (count n, capacity *cap). */
static int
grow(void *vp, size_t n, size_t *cap, size_t size)
{
	void **v = vp, *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if (ncap > SIZE_MAX / size || (nv = realloc(*v, ncap * size)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int
buf_put(struct md *m, struct buf *b, const char *s, size_t n)
{
	size_t ncap;
	char *nd;

	if (m->failed)
		return -1;
	if (b->cap - b->len <= n) {
		ncap = b->cap == 0 ? 256 : b->cap;
		while (ncap - b->len <= n) {
			if (ncap > SIZE_MAX / 2)
				goto nomem;
			ncap *= 2;
		}
		if ((nd = realloc(b->data, ncap)) == NULL)
			goto nomem;
		b->data = nd;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
nomem:
	m->failed = 1;
	return -1;
}

/* Copies s[0..n) into out, NUL-terminated; its offset, or NO_OFFSET. */
static size_t
out_string(struct md *m, const char *s, size_t n)
{
	size_t at = m->out.len;

	if (buf_put(m, &m->out, s, n) == -1 || buf_put(m, &m->out, "", 1) == -1)
		return NO_OFFSET;
	return at;
}

/* --- text -------------------------------------------------------------------- */

/*
 * Appends s[0..n) to b. Control characters are dropped, but in raw text
 * (code and HTML blocks) a line end or tab stays, and elsewhere a tab or
 * line end becomes a space: no line end may reach a gemtext line.
 */
static void
put_clean(struct md *m, struct buf *b, const char *s, size_t n, int raw)
{
	size_t i = 0, start = 0, k;

	while (i < n) {
		k = utf8_char_length(s + i, n - i);
		if (k == 0 || utf8_is_control(s + i, k)) {
			buf_put(m, b, s + start, i - start);
			if (k == 0)
				k = 1;
			else if (raw && (s[i] == '\n' || s[i] == '\t'))
				buf_put(m, b, s + i, 1);
			else if (!raw && (s[i] == '\n' || s[i] == '\t' ||
			    s[i] == '\r'))
				buf_put(m, b, " ", 1);
			start = i + k;
		}
		i += k;
	}
	buf_put(m, b, s + start, n - start);
}

static void
put_utf8(struct md *m, struct buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put_clean(m, b, u, n, 0);
}

/*
 * A character reference (CommonMark 6.2) as md4c hands it, "&...;":
 * numeric ones decoded (0, surrogates and beyond U+10FFFF as U+FFFD), the
 * named ones people type (&amp; &copy; &mdash; ...), and any other name
 * kept as written (a table of all 2,125 HTML names is not worth its size
 * here).
 */
static void
put_entity(struct md *m, struct buf *b, const char *s, size_t n)
{
	static const struct {
		const char *name;
		uint32_t cp;
	} names[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' }, { "&nbsp;", 0xa0 },
		{ "&copy;", 0xa9 }, { "&reg;", 0xae }, { "&trade;", 0x2122 },
		{ "&hellip;", 0x2026 }, { "&mdash;", 0x2014 },
		{ "&ndash;", 0x2013 }, { "&laquo;", 0xab }, { "&raquo;", 0xbb },
		{ "&lsquo;", 0x2018 }, { "&rsquo;", 0x2019 },
		{ "&ldquo;", 0x201c }, { "&rdquo;", 0x201d },
		{ "&times;", 0xd7 }, { "&middot;", 0xb7 }, { "&deg;", 0xb0 },
		{ "&yen;", 0xa5 }, { "&euro;", 0x20ac },
	};
	uint32_t cp = 0;
	size_t i;
	int hex;

	if (n >= 4 && s[1] == '#') {
		hex = s[2] == 'x' || s[2] == 'X';
		for (i = hex ? 3 : 2; i + 1 < n && cp <= 0x10ffff; i++) {
			char c = s[i];

			if (c >= '0' && c <= '9')
				cp = cp * (hex ? 16 : 10) + (uint32_t)(c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
		}
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		put_utf8(m, b, cp);
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i].name) &&
		    memcmp(s, names[i].name, n) == 0) {
			put_utf8(m, b, names[i].cp);
			return;
		}
	put_clean(m, b, s, n, 0);
}

/* An attribute (a URL, an info string) decoded into b. */
static void
put_attribute(struct md *m, struct buf *b, const MD_ATTRIBUTE *at)
{
	unsigned i;
	MD_OFFSET from, to;

	for (i = 0; at->substr_offsets != NULL &&
	    at->substr_offsets[i] < at->size; i++) {
		from = at->substr_offsets[i];
		to = at->substr_offsets[i + 1];
		switch (at->substr_types[i]) {
		case MD_TEXT_ENTITY:
			put_entity(m, b, at->text + from, to - from);
			break;
		case MD_TEXT_NULLCHAR:
			put_utf8(m, b, 0xfffd);
			break;
		case MD_TEXT_NORMAL:
		case MD_TEXT_BR:
		case MD_TEXT_SOFTBR:
		case MD_TEXT_CODE:
		case MD_TEXT_HTML:
		case MD_TEXT_LATEXMATH:
			put_clean(m, b, at->text + from, to - from, 0);
			break;
		}
	}
}

/*
 * Text of the leaf block. A soft break waiting before it is a space, or
 * nothing between two CJK characters (hard-wrapped Japanese).
 */
static void
put_text(struct md *m, const char *s, size_t n, int entity)
{
	size_t k;

	if (n == 0)
		return;
	if (m->soft) {
		m->soft = 0;
		if (m->flat.len > 0 && m->flat.data[m->flat.len - 1] != ' ' &&
		    m->flat.data[m->flat.len - 1] != LINE_BREAK &&
		    !(article_cp_is_cjk(article_last_cp(m->flat.data,
		    m->flat.len, &k)) && article_cp_is_cjk(article_cp(s, n,
		    &k))))
			buf_put(m, &m->flat, " ", 1);
	}
	if (entity)
		put_entity(m, &m->flat, s, n);
	else
		put_clean(m, &m->flat, s, n, 0);
}

static void
hard_break(struct md *m)
{
	m->soft = 0;
	buf_put(m, &m->flat, m->table ? " " : "\n", 1);
}

/* Whether inline HTML s[0..n) is a <br> tag. */
static int
is_br(const char *s, size_t n)
{
	size_t i;

	if (n < 4 || s[0] != '<' || (s[1] | 0x20) != 'b' ||
	    (s[2] | 0x20) != 'r')
		return 0;
	for (i = 3; i < n && (s[i] == ' ' || s[i] == '/'); i++)
		;
	return i == n - 1 && s[i] == '>';
}

/* --- blocks ------------------------------------------------------------------ */

static void
add_block(struct md *m, enum article_block_type type, size_t text,
    size_t len, size_t alt, int gap)
{
	struct mblock *b;

	if (m->failed || text == NO_OFFSET ||
	    grow(&m->blocks, m->nblocks, &m->blocks_cap, sizeof(*b)) == -1) {
		m->failed = 1;
		return;
	}
	b = &m->blocks[m->nblocks++];
	b->type = type;
	b->text = text;
	b->len = len;
	b->alt = alt;
	b->gap_before = gap;
	b->quote_start = 0;
	if (type == ARTICLE_QUOTE) {
		b->quote_start = m->quote_start;
		m->quote_start = 0;
	}
}

/* s[0..*n) without blanks at either end. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == LINE_BREAK))
		(*n)--;
	while (*n > 0 && (*s == ' ' || *s == LINE_BREAK)) {
		s++;
		(*n)--;
	}
	return s;
}

/* flat[from..to) as one line (hard breaks as spaces) into out; its
 * offset, *len its length. */
static size_t
out_line(struct md *m, size_t from, size_t to, size_t *len)
{
	size_t n = to - from, at, i;
	const char *s = trim(m->flat.data + from, &n);

	at = out_string(m, s, n);
	if (at != NO_OFFSET)
		for (i = 0; i < n; i++)
			if (m->out.data[at + i] == LINE_BREAK)
				m->out.data[at + i] = ' ';
	*len = n;
	return at;
}

/* The links of the leaf block, after it, in the order they opened. */
static void
flush_links(struct md *m)
{
	size_t i, at, len, url;

	for (i = 0; i < m->nlinks; i++) {
		const struct mlink *l = &m->links[i];
		size_t un = l->url_len;
		const char *u = trim(m->urls.data + l->url, &un);

		if (un == 0)
			continue;
		url = out_string(m, u, un);
		at = out_line(m, l->label_start, l->label_end, &len);
		/* An autolink's text is its URL: no label to repeat it. */
		if (at != NO_OFFSET && len == un &&
		    memcmp(m->out.data + at, u, un) == 0)
			m->out.data[at] = '\0';
		add_block(m, ARTICLE_LINK, url, un, at, 0);
	}
	m->nlinks = 0;
	m->urls.len = 0;
}

/* The type of a text line here: the innermost list item or quote. */
static enum article_block_type
line_type(const struct md *m)
{
	if (m->nnest == 0)
		return ARTICLE_PARAGRAPH;
	return m->nest[m->nnest - 1] == 'q' ? ARTICLE_QUOTE : ARTICLE_LIST_ITEM;
}

static void
flush_heading(struct md *m)
{
	size_t at, len;
	struct msection *s;

	at = out_line(m, 0, m->flat.len, &len);
	if (at == NO_OFFSET || len == 0)
		return;
	if (m->heading == 1 && m->title == NO_OFFSET && !m->title_from_front) {
		m->title = at;
	} else if (m->heading <= 2) {
		if (grow(&m->sections, m->nsections, &m->sections_cap,
		    sizeof(*s)) == -1) {
			m->failed = 1;
			return;
		}
		s = &m->sections[m->nsections++];
		s->heading = at;
		s->first = m->nblocks;
	} else {
		add_block(m, ARTICLE_SUBHEADING, at, len, NO_OFFSET, 1);
	}
}

/* Code or HTML as written, without its last line end. */
static void
flush_raw(struct md *m)
{
	size_t n = m->flat.len, lead = 0;
	const char *s = m->flat.data;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (m->html) {
		/* A block that is only a comment is a note to self. */
		while (lead < n && (s[lead] == ' ' || s[lead] == '\n'))
			lead++;
		while (n > lead && (s[n - 1] == ' ' || s[n - 1] == '\n'))
			n--;
		if (n - lead >= 7 && memcmp(s + lead, "<!--", 4) == 0 &&
		    memcmp(s + n - 3, "-->", 3) == 0)
			return;
		n = m->flat.len;
		if (n > 0 && s[n - 1] == '\n')
			n--;
		add_block(m, ARTICLE_PREFORMATTED, out_string(m, s, n), n,
		    out_string(m, "html", 4), 1);
		return;
	}
	add_block(m, ARTICLE_PREFORMATTED, out_string(m, s, n), n,
	    m->code_alt, 1);
}

/* Spaces to fill a cell of width columns to want. */
static void
pad(struct md *m, size_t width, size_t want)
{
	for (; width < want; width++)
		buf_put(m, &m->out, " ", 1);
}

/* The text of cell i, trimmed; *n its length. */
static const char *
cell(const struct md *m, size_t i, size_t *n)
{
	*n = m->cells[i].end - m->cells[i].start;
	return trim(m->flat.data + m->cells[i].start, n);
}

/*
 * The table as text: every cell padded to its column's width (CJK is two
 * columns), " | " between cells, "----" under the first row; no blanks at
 * a row's end. Written straight into out.
 */
static void
flush_table(struct md *m)
{
	size_t *widths = NULL, ncols = 0, col = 0, i, j, w, n, at, rows = 0;
	size_t first, last;
	const char *s;

	for (i = 0; i < m->ncells; i++) {
		if (++col > ncols)
			ncols = col;
		if (m->cells[i].row_end)
			col = 0;
	}
	if (ncols == 0)
		return;
	if ((widths = calloc(ncols, sizeof(*widths))) == NULL) {
		m->failed = 1;
		return;
	}
	for (i = 0, col = 0; i < m->ncells; i++) {
		s = cell(m, i, &n);
		w = article_width(s, n);
		if (w < TABLE_MIN_WIDTH)
			w = TABLE_MIN_WIDTH;
		if (w > widths[col])
			widths[col] = w;
		col = m->cells[i].row_end ? 0 : col + 1;
	}
	at = m->out.len;
	for (first = 0; first < m->ncells; first = i + 1) {
		/* The row is cells[first..i]; empty cells at its end (md4c
		 * fills a short row) are left out. */
		for (i = first; !m->cells[i].row_end && i + 1 < m->ncells; i++)
			;
		for (last = i; last > first; last--)
			if (cell(m, last, &n), n > 0)
				break;
		for (j = first; j <= last; j++) {
			s = cell(m, j, &n);
			if (j > first)
				buf_put(m, &m->out, " | ", 3);
			buf_put(m, &m->out, s, n);
			if (j < last)
				pad(m, article_width(s, n), widths[j - first]);
		}
		buf_put(m, &m->out, "\n", 1);
		if (rows++ > 0)
			continue;
		for (j = 0; j < ncols; j++) {
			if (j > 0)
				buf_put(m, &m->out, " | ", 3);
			for (w = 0; w < widths[j]; w++)
				buf_put(m, &m->out, "-", 1);
		}
		buf_put(m, &m->out, "\n", 1);
	}
	free(widths);
	if (m->failed)
		return;
	n = m->out.len - at;
	if (n > 0 && m->out.data[m->out.len - 1] == '\n')
		n--;
	m->out.len = at + n;
	if (buf_put(m, &m->out, "", 1) == 0)
		add_block(m, ARTICLE_PREFORMATTED, at, n,
		    out_string(m, "table", 5), 1);
	m->ncells = 0;
}

/*
 * Ends the leaf block read so far: its lines (split at hard breaks), then
 * its links. keep_prefix: a list item's "3. " waits for the paragraph
 * about to open, rather than standing alone.
 */
static void
flush(struct md *m, int keep_prefix)
{
	size_t from = 0, i, at, len;
	int gap = 1;

	m->soft = 0;
	if (m->code || m->html)
		flush_raw(m);
	else if (m->table)
		flush_table(m);
	else if (m->heading)
		flush_heading(m);
	else {
		if (keep_prefix && m->nlinks == 0) {
			len = m->flat.len - m->prefix;
			trim(m->flat.data + m->prefix, &len);
			if (len == 0)
				return;
		}
		for (i = 0; i <= m->flat.len; i++) {
			if (i < m->flat.len && m->flat.data[i] != LINE_BREAK)
				continue;
			at = out_line(m, from, i, &len);
			if (len > 0) {
				add_block(m, line_type(m), at, len, NO_OFFSET,
				    gap);
				gap = 0;
			}
			from = i + 1;
		}
	}
	flush_links(m);
	m->flat.len = 0;
	m->prefix = 0;
}

/* --- md4c's callbacks -------------------------------------------------------- */

static int
push_nest(struct md *m, char kind)
{
	if (grow(&m->nest, m->nnest, &m->nest_cap, 1) == -1) {
		m->failed = 1;
		return -1;
	}
	m->nest[m->nnest++] = kind;
	return 0;
}

/* A list item opens: its number or task mark, waiting in flat. */
static void
item_prefix(struct md *m, const MD_BLOCK_LI_DETAIL *d)
{
	char num[16];
	struct mlist *l = m->nlists > 0 ? &m->lists[m->nlists - 1] : NULL;

	if (l != NULL && l->ordered) {
		snprintf(num, sizeof(num), "%u. ", l->next++);
		buf_put(m, &m->flat, num, strlen(num));
	}
	if (d->is_task)
		buf_put(m, &m->flat, d->task_mark == ' ' ? "[ ] " : "[x] ", 4);
	m->prefix = m->flat.len;
}

static int
on_enter_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	struct md *m = user;
	struct mlist *l;

	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
	case MD_BLOCK_TR:
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (grow(&m->cells, m->ncells, &m->cells_cap,
		    sizeof(*m->cells)) == -1)
			m->failed = 1;
		else {
			m->cells[m->ncells].start = m->flat.len;
			m->cells[m->ncells].end = m->flat.len;
			m->cells[m->ncells].row_end = 0;
		}
		break;
	case MD_BLOCK_P:
		flush(m, 1);
		break;
	case MD_BLOCK_QUOTE:
		flush(m, 0);
		push_nest(m, 'q');
		m->quote_start = 1;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		flush(m, 0);
		if (grow(&m->lists, m->nlists, &m->lists_cap,
		    sizeof(*l)) == -1) {
			m->failed = 1;
			break;
		}
		l = &m->lists[m->nlists++];
		l->ordered = type == MD_BLOCK_OL;
		l->next = type == MD_BLOCK_OL ?
		    ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
		break;
	case MD_BLOCK_LI:
		flush(m, 0);
		push_nest(m, 'l');
		item_prefix(m, detail);
		break;
	case MD_BLOCK_HR:
		flush(m, 0);
		break;
	case MD_BLOCK_H:
		flush(m, m->nnest > 0);
		/* In a list item or quote, a heading is a line of it. */
		if (m->nnest == 0)
			m->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE:
		flush(m, 0);
		m->code = 1;
		{
			struct buf info = { NULL, 0, 0 };

			put_attribute(m, &info,
			    &((MD_BLOCK_CODE_DETAIL *)detail)->info);
			m->code_alt = out_string(m, info.data != NULL ?
			    info.data : "", info.len);
			free(info.data);
		}
		break;
	case MD_BLOCK_HTML:
		flush(m, 0);
		m->html = 1;
		break;
	case MD_BLOCK_TABLE:
		flush(m, 0);
		m->table = 1;
		break;
	}
	return m->failed ? -1 : 0;
}

static int
on_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	struct md *m = user;

	(void)detail;
	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
	case MD_BLOCK_HR:
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (m->ncells < m->cells_cap)
			m->cells[m->ncells++].end = m->flat.len;
		break;
	case MD_BLOCK_TR:
		if (m->ncells > 0)
			m->cells[m->ncells - 1].row_end = 1;
		break;
	case MD_BLOCK_P:
		flush(m, 0);
		break;
	case MD_BLOCK_QUOTE:
	case MD_BLOCK_LI:
		flush(m, 0);
		if (m->nnest > 0)
			m->nnest--;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		flush(m, 0);
		if (m->nlists > 0)
			m->nlists--;
		break;
	case MD_BLOCK_H:
		flush(m, 0);
		m->heading = 0;
		break;
	case MD_BLOCK_CODE:
		flush(m, 0);
		m->code = 0;
		break;
	case MD_BLOCK_HTML:
		flush(m, 0);
		m->html = 0;
		break;
	case MD_BLOCK_TABLE:
		flush(m, 0);
		m->table = 0;
		break;
	}
	return m->failed ? -1 : 0;
}

static int
on_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
	struct md *m = user;
	const MD_ATTRIBUTE *target;
	struct mlink *l;

	switch (type) {
	case MD_SPAN_A:
	case MD_SPAN_IMG:
		target = type == MD_SPAN_A ? &((MD_SPAN_A_DETAIL *)detail)->href :
		    &((MD_SPAN_IMG_DETAIL *)detail)->src;
		if (grow(&m->links, m->nlinks, &m->links_cap, sizeof(*l)) ==
		    -1 || grow(&m->open, m->nopen, &m->open_cap,
		    sizeof(*m->open)) == -1) {
			m->failed = 1;
			break;
		}
		/* A soft break before it lands in the label, which is
		 * trimmed. */
		l = &m->links[m->nlinks];
		l->url = m->urls.len;
		put_attribute(m, &m->urls, target);
		l->url_len = m->urls.len - l->url;
		l->label_start = l->label_end = m->flat.len;
		m->open[m->nopen++] = m->nlinks++;
		break;
	case MD_SPAN_EM:
	case MD_SPAN_STRONG:
	case MD_SPAN_CODE:
	case MD_SPAN_DEL:
	case MD_SPAN_LATEXMATH:
	case MD_SPAN_LATEXMATH_DISPLAY:
	case MD_SPAN_WIKILINK:
	case MD_SPAN_U:
		break;
	}
	return m->failed ? -1 : 0;
}

static int
on_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
	struct md *m = user;

	(void)detail;
	if ((type == MD_SPAN_A || type == MD_SPAN_IMG) && m->nopen > 0)
		m->links[m->open[--m->nopen]].label_end = m->flat.len;
	return 0;
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *user)
{
	struct md *m = user;

	uintptr_t p = (uintptr_t)s, lo = (uintptr_t)m->input;
	uintptr_t hi = (uintptr_t)m->input_end;

	/* Within the input and its padding (not text md4c made itself,
	 * such as a NUL's U+FFFD): nothing past the input's end. */
	if (p >= lo && p <= hi + MD4C_PADDING) {
		if (p >= hi)
			n = 0;
		else if (n > hi - p)
			n = (MD_SIZE)(hi - p);
	}

	switch (type) {
	case MD_TEXT_NULLCHAR:
		put_text(m, "\xef\xbf\xbd", 3, 0);
		break;
	case MD_TEXT_BR:
		hard_break(m);
		break;
	case MD_TEXT_SOFTBR:
		m->soft = 1;
		break;
	case MD_TEXT_ENTITY:
		put_text(m, s, n, 1);
		break;
	case MD_TEXT_HTML:
		if (m->html)
			put_clean(m, &m->flat, s, n, 1);
		else if (is_br(s, n))
			hard_break(m);
		break;
	case MD_TEXT_CODE:
		if (m->code) {
			put_clean(m, &m->flat, s, n, 1);
			break;
		}
		put_text(m, s, n, 0);
		break;
	case MD_TEXT_NORMAL:
	case MD_TEXT_LATEXMATH:
		put_text(m, s, n, 0);
		break;
	}
	return m->failed ? -1 : 0;
}

/* --- the article --------------------------------------------------------------- */

/*
 * Copies a front matter value into out; a Markdown tool's quotes around
 * it ("title: \"A: B\"") are not part of it.
 */
static size_t
front_value(struct md *m, const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	return out_string(m, v, n);
}

/* Reads the front matter; *end where the Markdown begins. */
static int
read_front(struct md *m, const char *text, size_t len, size_t *end)
{
	struct article fm;
	char *store;

	memset(&fm, 0, sizeof(fm));
	if ((store = malloc(len + 1)) == NULL)
		return -1;
	if (article_front_matter(text, len, 1, &fm, store, end) == -1) {
		free(store);
		return -1;
	}
	if (fm.title != NULL)
		m->title = front_value(m, fm.title);
	if (fm.date != NULL)
		m->date = front_value(m, fm.date);
	if (fm.tags != NULL)
		m->tags = front_value(m, fm.tags);
	if (fm.lang != NULL)
		m->lang = front_value(m, fm.lang);
	free(store);
	if (m->failed)
		return -1;
	m->a->has_front_matter = fm.has_front_matter;
	/* A title of quotes alone is no title. */
	if (m->title != NO_OFFSET && m->out.data[m->title] == '\0')
		m->title = NO_OFFSET;
	m->title_from_front = m->title != NO_OFFSET;
	return 0;
}

static const char *
pointer(const struct md *m, size_t off)
{
	return off == NO_OFFSET ? NULL : m->out.data + off;
}

/* The blocks and sections as article.h has them; the language. */
static int
finish(struct md *m)
{
	struct article *a = m->a;
	struct article_script c = { 0, 0, 0 };
	size_t i;

	a->date = pointer(m, m->date);
	a->tags = pointer(m, m->tags);
	a->lang = pointer(m, m->lang);
	a->title = pointer(m, m->title);
	a->text = m->out.data;
	m->out.data = NULL;
	if (m->nblocks > 0 &&
	    (a->blocks = calloc(m->nblocks, sizeof(*a->blocks))) == NULL)
		return -1;
	if (m->nsections > 0 &&
	    (a->sections = calloc(m->nsections, sizeof(*a->sections))) == NULL)
		return -1;
	for (i = 0; i < m->nblocks; i++) {
		struct article_block *b = &a->blocks[i];

		b->type = m->blocks[i].type;
		b->text = a->text + m->blocks[i].text;
		b->len = m->blocks[i].len;
		b->alt = m->blocks[i].alt == NO_OFFSET ? NULL :
		    a->text + m->blocks[i].alt;
		b->quote_start = m->blocks[i].quote_start;
		b->gap_before = m->blocks[i].gap_before;
		if (b->type != ARTICLE_PREFORMATTED && b->type != ARTICLE_LINK)
			article_script_count(&c, b->text, b->len);
	}
	a->nblocks = m->nblocks;
	a->nlead = m->nsections > 0 ? m->sections[0].first : m->nblocks;
	for (i = 0; i < m->nsections; i++) {
		a->sections[i].heading = a->text + m->sections[i].heading;
		a->sections[i].first = m->sections[i].first;
		a->sections[i].count = (i + 1 < m->nsections ?
		    m->sections[i + 1].first : m->nblocks) -
		    m->sections[i].first;
		article_script_count(&c, a->sections[i].heading,
		    strlen(a->sections[i].heading));
	}
	a->nsections = m->nsections;
	if (a->title != NULL)
		article_script_count(&c, a->title, strlen(a->title));
	if (a->lang == NULL)
		a->lang = article_script_lang(&c);
	article_fallback_title(a);
	return 0;
}

static void
md_free(struct md *m)
{
	free(m->out.data);
	free(m->flat.data);
	free(m->urls.data);
	free(m->blocks);
	free(m->sections);
	free(m->links);
	free(m->open);
	free(m->cells);
	free(m->lists);
	free(m->nest);
}

struct article *
markdown_parse(const char *text, size_t len, const char **errstr)
{
	static const char bom[] = "\xef\xbb\xbf";
	MD_PARSER parser;
	struct md m;
	size_t end = 0;
	char *copy = NULL;

	if (memchr(text, '\0', len) != NULL) {
		*errstr = "contains a NUL byte";
		return NULL;
	}
	if (!utf8_is_valid(text, len)) {
		*errstr = "not valid UTF-8";
		return NULL;
	}
	memset(&m, 0, sizeof(m));
	m.title = m.date = m.tags = m.lang = NO_OFFSET;
	/* The buffers exist from here on: no arithmetic on NULL. */
	if (len > UINT_MAX || (m.a = calloc(1, sizeof(*m.a))) == NULL ||
	    buf_put(&m, &m.out, "", 0) == -1 ||
	    buf_put(&m, &m.flat, "", 0) == -1 ||
	    buf_put(&m, &m.urls, "", 0) == -1 ||
	    read_front(&m, text, len, &end) == -1)
		goto nomem;
	if (end == 0 && len >= 3 && memcmp(text, bom, 3) == 0)
		end = 3;
	if ((copy = calloc(1, len - end + MD4C_PADDING)) == NULL)
		goto nomem;
	memcpy(copy, text + end, len - end);
	m.input = copy;
	m.input_end = copy + (len - end);
	memset(&parser, 0, sizeof(parser));
	parser.flags = MD_DIALECT_GITHUB;
	parser.enter_block = on_enter_block;
	parser.leave_block = on_leave_block;
	parser.enter_span = on_enter_span;
	parser.leave_span = on_leave_span;
	parser.text = on_text;
	/* md4c's own failure (out of memory) or ours. */
	if (md_parse(copy, (MD_SIZE)(len - end), &parser, &m) != 0 ||
	    m.failed)
		goto nomem;
	free(copy);
	copy = NULL;
	flush(&m, 0);
	if (m.failed || finish(&m) == -1)
		goto nomem;
	md_free(&m);
	return m.a;
nomem:
	free(copy);
	article_free(m.a);
	md_free(&m);
	*errstr = "out of memory";
	return NULL;
}
