/*
 * markdown_build.c - the article a Markdown text becomes, built piece by
 * piece as markdown.c reads md4c's events (see markdown_build.h).
 */
#include "markdown_build.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article_internal.h"
#include "utf8.h"

/* --- growing arrays ---------------------------------------------------------- */

/* Makes room for one more element of size in *v (count n, capacity *cap). */
int
mb_grow(void *vp, size_t n, size_t *cap, size_t size)
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

int
mb_buf_put(struct md *m, struct buf *b, const char *s, size_t n)
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
size_t
mb_out_string(struct md *m, const char *s, size_t n)
{
	size_t at = m->out.len;

	if (mb_buf_put(m, &m->out, s, n) == -1 || mb_buf_put(m, &m->out, "", 1) == -1)
		return NO_OFFSET;
	return at;
}

/* --- text -------------------------------------------------------------------- */

/*
 * Appends s[0..n) to b. Control characters are dropped, but in raw text
 * (code and HTML blocks) a line end or tab stays, and elsewhere a tab or
 * line end becomes a space: no line end may reach a gemtext line.
 */
void
mb_put_clean(struct md *m, struct buf *b, const char *s, size_t n, int raw)
{
	size_t i = 0, start = 0, k;

	while (i < n) {
		k = utf8_char_length(s + i, n - i);
		if (k == 0 || utf8_is_control(s + i, k)) {
			mb_buf_put(m, b, s + start, i - start);
			if (k == 0)
				k = 1;
			else if (raw && (s[i] == '\n' || s[i] == '\t'))
				mb_buf_put(m, b, s + i, 1);
			else if (!raw && (s[i] == '\n' || s[i] == '\t' ||
			    s[i] == '\r'))
				mb_buf_put(m, b, " ", 1);
			start = i + k;
		}
		i += k;
	}
	mb_buf_put(m, b, s + start, n - start);
}

void
mb_put_utf8(struct md *m, struct buf *b, uint32_t cp)
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
	mb_put_clean(m, b, u, n, 0);
}

/*
 * A character reference (CommonMark 6.2) as md4c hands it, "&...;":
 * numeric ones decoded (0, surrogates and beyond U+10FFFF as U+FFFD), the
 * named ones people type (&amp; &copy; &mdash; ...), and any other name
 * kept as written (a table of all 2,125 HTML names is not worth its size
 * here).
 */
void
mb_put_entity(struct md *m, struct buf *b, const char *s, size_t n)
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
		mb_put_utf8(m, b, cp);
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i].name) &&
		    memcmp(s, names[i].name, n) == 0) {
			mb_put_utf8(m, b, names[i].cp);
			return;
		}
	mb_put_clean(m, b, s, n, 0);
}


/*
 * Text of the leaf block. A soft break waiting before it is a space, or
 * nothing between two CJK characters (hard-wrapped Japanese).
 */
void
mb_put_text(struct md *m, const char *s, size_t n, int entity)
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
			mb_buf_put(m, &m->flat, " ", 1);
	}
	if (entity)
		mb_put_entity(m, &m->flat, s, n);
	else
		mb_put_clean(m, &m->flat, s, n, 0);
}

void
mb_hard_break(struct md *m)
{
	m->soft = 0;
	mb_buf_put(m, &m->flat, m->table ? " " : "\n", 1);
}

/* Whether inline HTML s[0..n) is a <br> tag. */
int
mb_is_br(const char *s, size_t n)
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
	    mb_grow(&m->blocks, m->nblocks, &m->blocks_cap, sizeof(*b)) == -1) {
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

	at = mb_out_string(m, s, n);
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
		url = mb_out_string(m, u, un);
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
		if (mb_grow(&m->sections, m->nsections, &m->sections_cap,
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
		add_block(m, ARTICLE_PREFORMATTED, mb_out_string(m, s, n), n,
		    mb_out_string(m, "html", 4), 1);
		return;
	}
	add_block(m, ARTICLE_PREFORMATTED, mb_out_string(m, s, n), n,
	    m->code_alt, 1);
}

/* Spaces to fill a cell of width columns to want. */
static void
pad(struct md *m, size_t width, size_t want)
{
	for (; width < want; width++)
		mb_buf_put(m, &m->out, " ", 1);
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
				mb_buf_put(m, &m->out, " | ", 3);
			mb_buf_put(m, &m->out, s, n);
			if (j < last)
				pad(m, article_width(s, n), widths[j - first]);
		}
		mb_buf_put(m, &m->out, "\n", 1);
		if (rows++ > 0)
			continue;
		for (j = 0; j < ncols; j++) {
			if (j > 0)
				mb_buf_put(m, &m->out, " | ", 3);
			for (w = 0; w < widths[j]; w++)
				mb_buf_put(m, &m->out, "-", 1);
		}
		mb_buf_put(m, &m->out, "\n", 1);
	}
	free(widths);
	if (m->failed)
		return;
	n = m->out.len - at;
	if (n > 0 && m->out.data[m->out.len - 1] == '\n')
		n--;
	m->out.len = at + n;
	if (mb_buf_put(m, &m->out, "", 1) == 0)
		add_block(m, ARTICLE_PREFORMATTED, at, n,
		    mb_out_string(m, "table", 5), 1);
	m->ncells = 0;
}

/*
 * Ends the leaf block read so far: its lines (split at hard breaks), then
 * its links. keep_prefix: a list item's "3. " waits for the paragraph
 * about to open, rather than standing alone.
 */
void
mb_flush(struct md *m, int keep_prefix)
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
	return mb_out_string(m, v, n);
}

/* Reads the front matter; *end where the Markdown begins. */
int
mb_read_front(struct md *m, const char *text, size_t len, size_t *end)
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
int
mb_finish(struct md *m)
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

void
mb_free(struct md *m)
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

