/*
 * article.h - PURE: a plain-text article -> its structure.
 *
 * Articles are text as people save or write it: web articles, blog posts,
 * newsletters, text out of PDFs, FAQs, Markdown-ish notes, in Japanese or
 * English. There is no markup to rely on, so the reader looks at the whole
 * document before it decides what one line is (DESIGN.md, "Reading an
 * article"). The passes, each in its own file and each linear:
 *
 *   article_lines.c   normalise (BOM, line ends, control characters,
 *                     trailing spaces, indents)
 *   article_style.c   what each line looks like: list and quote markers,
 *                     fences, links, heading styles (marks, brackets,
 *                     numbering, Markdown, underlines, plain short lines)
 *   article_number.c  the numbering a line starts with, schedule rows
 *   article_meta.c    lines about the text: rules, page footers, dates,
 *                     bylines, reading times, tags, page buttons
 *   article_hatena.c  Hatena notation, when the text uses it
 *   article_decor.c   decoration (rules, page footers, running headers, a
 *                     manual table of contents)
 *   article_title.c   the title at the top, among its kicker, byline and
 *                     subtitle
 *   article_wrap.c    hard wrapping, found from the document's own
 *                     line-width profile (CJK is two columns wide)
 *   article_heading.c which styles head sections here, at which level
 *   article_shape.c   what a short line says (chat, prose, an address,
 *                     words said, a dated label, an opening part)
 *   article_blocks.c  blocks and sections: wrapped lines joined
 *   article.c         front matter, language, and the order of the passes
 *
 * What is kept: every sentence of the source, unchanged and in order. What
 * may be left out (and is listed in article.dropped): decoration (rule
 * lines, page footers, running headers, a manual table of contents that
 * repeats the headings or Hatena's [:contents], an underline, Hatena's >>
 * and << around a quotation), the front matter and the title line
 * (they become the title), link slots "↓↓...↓↓" other than
 * "↓↓【関連記事】↓↓". Text may lose: its indent, trailing spaces, a heading
 * or list mark ("■", "【...】" around a whole heading, "・", "- ",
 * Markdown "#", Hatena "*" and "**"), a quote's "> " (and its inner levels'
 * on lines joined to its first). Lines of one paragraph are joined: with
 * nothing between CJK characters, with one space between words.
 *
 * Input may have CRLF, LF or CR line ends, a UTF-8 BOM, form feeds, trailing
 * spaces, runs of blank lines and no final newline. It must be valid UTF-8
 * without NUL.
 */
#ifndef KIZUNA_ARTICLE_H
#define KIZUNA_ARTICLE_H

#include <stddef.h>

enum article_block_type {
	ARTICLE_PARAGRAPH,
	ARTICLE_SUBHEADING,
	ARTICLE_LIST_ITEM,   /* text without its bullet; numbers are kept */
	ARTICLE_QUOTE,       /* one line of a quotation, without "> " */
	ARTICLE_PREFORMATTED,/* a fenced block: text is its lines joined by
	                        "\n" (no final one; may be empty, len 0),
	                        alt the fence's info string ("" if none) */
	ARTICLE_LINK,        /* text is the URL, alt the label ("" if none) */
	ARTICLE_RELATED,     /* the 【関連記事】 slot: link the other articles */
};

struct article_block {
	enum article_block_type type;
	const char *text;    /* NUL-terminated, owned by the article; never
	                        empty but for ARTICLE_PREFORMATTED */
	size_t len;
	const char *alt;     /* PREFORMATTED and LINK (never NULL there),
	                        else NULL */
	int quote_start;     /* ARTICLE_QUOTE: first line of its block */
	int gap_before;      /* a blank line stood before it in the source
	                        (a paragraph break to keep) */
};

struct article_section {
	const char *heading; /* NUL-terminated, owned by the article */
	size_t first;        /* blocks[first .. first + count) */
	size_t count;
};

/* Why a source line is not in the pages. */
enum article_drop_reason {
	ARTICLE_DROP_FRONT_MATTER,  /* became title, date, lang or tags */
	ARTICLE_DROP_TITLE,         /* the title line (also the page title) */
	ARTICLE_DROP_RULE,          /* a line of one repeated symbol, or an
	                               underline of a heading */
	ARTICLE_DROP_PAGE_FOOTER,   /* "- 3 -", "3 / 12", "Page 3" */
	ARTICLE_DROP_RUNNING_HEADER,/* repeated at page breaks */
	ARTICLE_DROP_CONTENTS,      /* a manual table of contents */
	ARTICLE_DROP_SLOT,          /* a link slot with no target */
};

struct article_drop {
	size_t line;                /* 0-based source line number */
	enum article_drop_reason reason;
};

struct article {
	const char *title;   /* front matter, else a Markdown or underlined
	                        title, else a mail subject, else the title line
	                        at the top, else the first section's heading,
	                        else ""; never NULL */
	int has_front_matter;
	const char *date;    /* front matter "date:" as written, or NULL */
	const char *tags;    /* front matter "tags:" as written, or NULL */
	const char *lang;    /* front matter "lang:", else "ja" or "en" as
	                        detected from the text, else NULL (unknown:
	                        the capsule's language applies) */
	struct article_block *blocks;
	size_t nblocks;
	size_t nlead;        /* blocks[0 .. nlead) come before any section */
	struct article_section *sections;
	size_t nsections;
	struct article_drop *dropped;  /* in source line order */
	size_t ndropped;
	char *text;          /* the storage the pointers point into */
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
 * The number s[0..len) starts with (1., （1）, ①, １．), or -1: for the
 * reader's numbered styles, and for pages, which do not number again a
 * heading that carries its own.
 */
long article_leading_number(const char *s, size_t len);

/*
 * Whether line[0..len) (one source line, without its line end) is a link
 * slot "↓↓...↓↓". Exposed for the no-text-lost check in tests and fuzzing.
 */
int article_is_link_slot(const char *line, size_t len);

#endif
