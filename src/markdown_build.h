/*
 * markdown_build.h - what markdown.c's md4c callbacks build with: the
 * article under construction (struct md) and the operations on it. Not a
 * public header: only markdown.c and markdown_build.c include it. Nothing
 * here knows md4c; markdown.c translates md4c's events into these calls.
 *
 * Text of the leaf block being read gathers in m->flat; mb_flush turns it
 * into blocks when the block ends. Everything the article keeps is written
 * once into m->out, which becomes article->text; blocks and headings hold
 * offsets into it until mb_finish makes them pointers.
 */
#ifndef KIZUNA_MARKDOWN_BUILD_H
#define KIZUNA_MARKDOWN_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"

#define NO_OFFSET SIZE_MAX
/* In flat: where a hard break splits the block into lines. */
#define LINE_BREAK '\n'
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

/* Makes room for one more element of size in *vp (count n, capacity
 * *cap). Returns 0, or -1 when out of memory. */
int mb_grow(void *vp, size_t n, size_t *cap, size_t size);
/* Appends s[0..n) to b, NUL-terminated. Returns 0, or -1 (m->failed). */
int mb_buf_put(struct md *m, struct buf *b, const char *s, size_t n);
/* Copies s[0..n) into out, NUL-terminated: its offset, or NO_OFFSET. */
size_t mb_out_string(struct md *m, const char *s, size_t n);
/* Appends text without control characters; raw keeps line ends and tabs
 * (code, HTML), else they become spaces. */
void mb_put_clean(struct md *m, struct buf *b, const char *s, size_t n,
    int raw);
void mb_put_utf8(struct md *m, struct buf *b, uint32_t cp);
/* A character reference "&...;", decoded where it is known. */
void mb_put_entity(struct md *m, struct buf *b, const char *s, size_t n);
/* Text of the leaf block (entity: s is a character reference). */
void mb_put_text(struct md *m, const char *s, size_t n, int entity);
void mb_hard_break(struct md *m);
/* Whether raw HTML s[0..n) is a <br> tag. */
int mb_is_br(const char *s, size_t n);
/* Ends the leaf block: its lines become blocks, then its links (with
 * keep_prefix an item's "3. " stays). */
void mb_flush(struct md *m, int keep_prefix);
/* Reads the front matter at the top of text; *end is where Markdown
 * starts. Returns 0, or -1 when out of memory. */
int mb_read_front(struct md *m, const char *text, size_t len, size_t *end);
/* Makes m's offsets the article's pointers. Returns 0, or -1. */
int mb_finish(struct md *m);
/* Frees what m holds (not the article, once finished). */
void mb_free(struct md *m);

#endif
