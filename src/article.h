/*
 * article.h - PURE: a plain-text article -> its structure.
 *
 * The articles are Japanese web articles saved as plain text: no markup,
 * headings on lines of their own. What is read (DESIGN.md, "Reading an
 * article"), in the order the reader decides a line:
 *
 *   front matter   an optional first line "title: ..." (the article's title)
 *   link slot      "↓↓...↓↓"; "↓↓【関連記事】↓↓" becomes ARTICLE_RELATED,
 *                  any other slot is left out (it has no target here)
 *   list item      "- text"
 *   quote          lines from one starting with 「 to the first whose end
 *                  closes every bracket opened since (its last char is 」),
 *                  at most 30 lines, with no blank line, list or slot inside
 *   section (H2)   a short line (at most 40 characters) that does not end
 *                  like a sentence or clause (。、！？!?…」 and the like), is
 *                  not a list item, and is followed by a blank line and then
 *                  by something that goes in the section (a heading with
 *                  nothing under it before the next one is a paragraph)
 *   sub-heading    such a line followed directly by text or a list; this
 *                  includes "1.…", "ケース1:…", "ルール1:…"
 *   paragraph      everything else: one line, one paragraph, never re-wrapped
 *
 * A line ending in 、 continues its sentence: it is joined to the next text
 * line with nothing between (Japanese needs no space), and what it makes is
 * text: never a heading or a slot, whatever its ends look like. When unsure, a line is
 * a paragraph: a wrong heading is worse than a missed one. No source line is
 * ever dropped or changed, link slots aside; lines only lose trailing spaces,
 * and a list item its "- " marker.
 *
 * Input may have CRLF or LF line ends, a UTF-8 BOM, trailing spaces, runs of
 * blank lines and no final newline. It must be valid UTF-8 without NUL.
 */
#ifndef KIZUNA_ARTICLE_H
#define KIZUNA_ARTICLE_H

#include <stddef.h>

enum article_block_type {
	ARTICLE_PARAGRAPH,
	ARTICLE_SUBHEADING,
	ARTICLE_LIST_ITEM,   /* text without its "- " */
	ARTICLE_QUOTE,       /* one line of a quote block */
	ARTICLE_RELATED,     /* the 【関連記事】 slot: link the other articles */
};

struct article_block {
	enum article_block_type type;
	const char *text;    /* NUL-terminated, owned by the article */
	size_t len;
	int quote_start;     /* ARTICLE_QUOTE: first line of its block */
};

struct article_section {
	const char *heading; /* NUL-terminated, owned by the article */
	size_t first;        /* blocks[first .. first + count) */
	size_t count;
};

struct article {
	const char *title;   /* front matter, else the first section's
	                        heading, else the text of the first block
	                        that is not a slot, else ""; never NULL */
	int has_front_matter;
	struct article_block *blocks;
	size_t nblocks;
	size_t nlead;        /* blocks[0 .. nlead) come before any section */
	struct article_section *sections;
	size_t nsections;
	char *text;          /* the normalised lines the pointers point into */
};

/*
 * Reads text[0..len) (need not be NUL-terminated). Returns a new article
 * owned by the caller (article_free), or NULL with *errstr set to a static
 * reason: "not valid UTF-8", "contains a NUL byte", "out of memory".
 * Runs in time linear in len.
 */
struct article *article_parse(const char *text, size_t len,
    const char **errstr);

void article_free(struct article *a);

/*
 * Whether line[0..len) (one source line, without its line end) is a link
 * slot "↓↓...↓↓". Exposed for the no-text-lost check in tests and fuzzing.
 */
int article_is_link_slot(const char *line, size_t len);

#endif
