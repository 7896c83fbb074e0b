/*
 * markdown.c - Markdown -> article structure (see markdown.h). The only
 * file that includes md4c.
 *
 * md4c calls back with the document's blocks, spans and text in order;
 * the callbacks here translate them into markdown_build.h's operations,
 * which build the article (the text of the leaf block being read gathers,
 * and becomes lines and links when the block ends).
 */
#include "markdown.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "article_internal.h"
#include "markdown_build.h"
#include "utf8.h"

/*
 * Zero bytes after the copy of the text md4c reads. The fuzzer saw md4c
 * 0.4.8 hand back text one byte past the end of its input (an over-read
 * inside md4c, which depends on the bytes that follow, so it does not
 * replay): the padding keeps such reads in memory that is ours and holds
 * nothing, and on_text takes nothing from beyond the input.
 */
#define MD4C_PADDING 64


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
			mb_put_entity(m, b, at->text + from, to - from);
			break;
		case MD_TEXT_NULLCHAR:
			mb_put_utf8(m, b, 0xfffd);
			break;
		case MD_TEXT_NORMAL:
		case MD_TEXT_BR:
		case MD_TEXT_SOFTBR:
		case MD_TEXT_CODE:
		case MD_TEXT_HTML:
		case MD_TEXT_LATEXMATH:
			mb_put_clean(m, b, at->text + from, to - from, 0);
			break;
		}
	}
}

/* --- md4c's callbacks -------------------------------------------------------- */

static int
push_nest(struct md *m, char kind)
{
	if (mb_grow(&m->nest, m->nnest, &m->nest_cap, 1) == -1) {
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
		mb_buf_put(m, &m->flat, num, strlen(num));
	}
	if (d->is_task)
		mb_buf_put(m, &m->flat, d->task_mark == ' ' ? "[ ] " : "[x] ", 4);
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
		if (mb_grow(&m->cells, m->ncells, &m->cells_cap,
		    sizeof(*m->cells)) == -1)
			m->failed = 1;
		else {
			m->cells[m->ncells].start = m->flat.len;
			m->cells[m->ncells].end = m->flat.len;
			m->cells[m->ncells].row_end = 0;
		}
		break;
	case MD_BLOCK_P:
		mb_flush(m, 1);
		break;
	case MD_BLOCK_QUOTE:
		mb_flush(m, 0);
		push_nest(m, 'q');
		m->quote_start = 1;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		mb_flush(m, 0);
		if (mb_grow(&m->lists, m->nlists, &m->lists_cap,
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
		mb_flush(m, 0);
		push_nest(m, 'l');
		item_prefix(m, detail);
		break;
	case MD_BLOCK_HR:
		mb_flush(m, 0);
		break;
	case MD_BLOCK_H:
		mb_flush(m, m->nnest > 0);
		/* In a list item or quote, a heading is a line of it. */
		if (m->nnest == 0)
			m->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE:
		mb_flush(m, 0);
		m->code = 1;
		{
			struct buf info = { NULL, 0, 0 };

			put_attribute(m, &info,
			    &((MD_BLOCK_CODE_DETAIL *)detail)->info);
			m->code_alt = mb_out_string(m, info.data != NULL ?
			    info.data : "", info.len);
			free(info.data);
		}
		break;
	case MD_BLOCK_HTML:
		mb_flush(m, 0);
		m->html = 1;
		break;
	case MD_BLOCK_TABLE:
		mb_flush(m, 0);
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
		mb_flush(m, 0);
		break;
	case MD_BLOCK_QUOTE:
	case MD_BLOCK_LI:
		mb_flush(m, 0);
		if (m->nnest > 0)
			m->nnest--;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		mb_flush(m, 0);
		if (m->nlists > 0)
			m->nlists--;
		break;
	case MD_BLOCK_H:
		mb_flush(m, 0);
		m->heading = 0;
		break;
	case MD_BLOCK_CODE:
		mb_flush(m, 0);
		m->code = 0;
		break;
	case MD_BLOCK_HTML:
		mb_flush(m, 0);
		m->html = 0;
		break;
	case MD_BLOCK_TABLE:
		mb_flush(m, 0);
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
		if (mb_grow(&m->links, m->nlinks, &m->links_cap, sizeof(*l)) ==
		    -1 || mb_grow(&m->open, m->nopen, &m->open_cap,
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
		mb_put_text(m, "\xef\xbf\xbd", 3, 0);
		break;
	case MD_TEXT_BR:
		mb_hard_break(m);
		break;
	case MD_TEXT_SOFTBR:
		m->soft = 1;
		break;
	case MD_TEXT_ENTITY:
		mb_put_text(m, s, n, 1);
		break;
	case MD_TEXT_HTML:
		if (m->html)
			mb_put_clean(m, &m->flat, s, n, 1);
		else if (mb_is_br(s, n))
			mb_hard_break(m);
		break;
	case MD_TEXT_CODE:
		if (m->code) {
			mb_put_clean(m, &m->flat, s, n, 1);
			break;
		}
		mb_put_text(m, s, n, 0);
		break;
	case MD_TEXT_NORMAL:
	case MD_TEXT_LATEXMATH:
		mb_put_text(m, s, n, 0);
		break;
	}
	return m->failed ? -1 : 0;
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
	    mb_buf_put(&m, &m.out, "", 0) == -1 ||
	    mb_buf_put(&m, &m.flat, "", 0) == -1 ||
	    mb_buf_put(&m, &m.urls, "", 0) == -1 ||
	    mb_read_front(&m, text, len, &end) == -1)
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
	mb_flush(&m, 0);
	if (m.failed || mb_finish(&m) == -1)
		goto nomem;
	mb_free(&m);
	return m.a;
nomem:
	free(copy);
	article_free(m.a);
	mb_free(&m);
	*errstr = "out of memory";
	return NULL;
}
