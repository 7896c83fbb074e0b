/*
 * article_internal.h - what the article reader's passes share. Not a
 * public header: only article*.c, markdown.c (which reads Markdown into
 * the same model, with the reader's front matter and language) and their
 * unit tests include it.
 *
 * The reader works on one array of lines (struct aline), built by
 * article_lines_split and then annotated pass by pass: each pass reads the
 * fields the passes before it wrote and writes its own, so the order of
 * article.c's calls is the order of this file.
 */
#ifndef KIZUNA_ARTICLE_INTERNAL_H
#define KIZUNA_ARTICLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"

/* --- characters (article_lines.c) ---------------------------------------- */

/* The code point at s[0..len) (valid UTF-8, len > 0); *n its byte length. */
uint32_t article_cp(const char *s, size_t len, size_t *n);
/* The code point that ends s[0..len) (len > 0); *n its byte length. */
uint32_t article_last_cp(const char *s, size_t len, size_t *n);
/* Display columns: 2 for East Asian wide and full-width characters and
 * emoji, 0 for combining marks and joiners, else 1. */
int article_cp_width(uint32_t cp);
/* Kana, kanji, CJK punctuation and full-width forms: text that joins
 * without a space. */
int article_cp_is_cjk(uint32_t cp);
int article_cp_is_kana(uint32_t cp);
/* Pictographs and symbols that end chatty lines ("...😂"). */
int article_cp_is_emoji(uint32_t cp);
size_t article_width(const char *s, size_t len);

int article_starts_with(const char *s, size_t len, const char *prefix);
/* Whether s[0..len) is in capital letters (three or more, no small). */
int article_all_capitals(const char *s, size_t len);
/* Digits: ASCII '0'-'9'; full-width '０'-'９'. */
int article_is_ascii_digit(uint32_t cp);
int article_is_fw_digit(uint32_t cp);
/* Bytes of a run of digits at s (ASCII, full-width, or kanji numerals
 * when kanji is set). */
size_t article_digits(const char *s, size_t len, int kanji);
/* i past the blanks (space, tab, U+3000) at s[i..len). */
size_t article_skip_spaces(const char *s, size_t len, size_t i);
/* Whether one of set[0..nset) starts s[i..len); *n its bytes. */
int article_one_of(const char *s, size_t len, size_t i,
    const char *const *set, size_t nset, size_t *n);
/* Whether needle occurs in s[0..len). */
int article_contains(const char *s, size_t len, const char *needle);
int article_ends_with(const char *s, size_t len, const char *suffix);
/* Whether s[0..len) ends with one of set[0..nset). */
int article_ends_with_any(const char *s, size_t len, const char *const *set,
    size_t nset);

/* --- lines (article_lines.c) --------------------------------------------- */

/* What the style pass found a line to be (article_style.c). */
enum line_kind {
	LK_TEXT,
	LK_BLANK,
	LK_DROPPED,       /* decoration, front matter, the title line */
	LK_FENCE_OPEN,    /* ``` with a closing fence further down */
	LK_FENCE_BODY,
	LK_FENCE_CLOSE,
	LK_LINK,          /* "=> URL label" or a URL alone */
	LK_QUOTE,         /* "> text" */
	LK_BULLET,        /* "- ", "* ", "・", "•", "◎" ...: always an item */
	LK_SLOT,          /* "↓↓...↓↓" */
};

/*
 * Heading styles. A style is a family of lines that look alike; whether a
 * family is headings, list items or text is decided for the whole document
 * (article.c). Values above STYLE_WORD_BASE are "word + number" styles
 * ("ケース1:", "Point 2."), one per word.
 */
enum {
	STYLE_NONE = 0,
	STYLE_PLAIN,          /* a short line with no mark */
	STYLE_MD,             /* "## x": level in md_depth */
	STYLE_SETEXT,         /* a line underlined with === or --- */
	STYLE_CHAPTER,        /* 第1章, 第一章, Chapter 1 */
	STYLE_PART,           /* 第1節, 第1部 */
	STYLE_SONO,           /* その1 */
	STYLE_STEP,           /* Step1, STEP 1, ステップ1 */
	STYLE_QUESTION,       /* Q1. Q. Q: Ｑ１． */
	STYLE_NUM_DOT,        /* 1. 1．(ASCII digits) */
	STYLE_NUM_PAREN,      /* 1) 1） */
	STYLE_NUM_ENCLOSED,   /* (1) （1） */
	STYLE_NUM_CIRCLED,    /* ① */
	STYLE_NUM_FULLWIDTH,  /* １． */
	STYLE_BRACKET_NUM,    /* 【1】text */
	STYLE_ROW,            /* "４月　総会", "10:00  受付": a row of a
	                         schedule, an item when rows run */
	STYLE_NUM_DECIMAL,    /* 2.1 (a numbered section's parts) */
	STYLE_NUM_SPACE,      /* １　(a number, an ideographic space) */
	STYLE_CAPS,           /* A LINE IN CAPITALS (English text only) */
	STYLE_NUM_LETTER,     /* (a) */
	STYLE_NUM_TSUME,      /* 1つ目： */
	STYLE_MARK_BASE = 32, /* + index in the mark table: ■ □ ● ... */
	STYLE_BRACKET_BASE = 64, /* + bracket index: a whole-line 【...】 */
	STYLE_PREFIX_BASE = 96,  /* + bracket index: ≪...≫text */
	STYLE_WORD_BASE = 128,
};

/* Whether a style marks its lines on purpose: marks, brackets, chapters,
 * Markdown, underlines (not plain lines, not numbering). */
int article_style_is_marked(int style);
/* Whether a style is a numbering that lists use as often as headings. */
int article_style_is_numbering(int style);

struct aline {
	char *text;          /* NUL-terminated in the article's storage:
	                        without indent, trailing blanks, control
	                        characters */
	size_t len;
	size_t src;          /* 0-based source line number */
	size_t ibytes;       /* bytes of indent before text (kept in storage,
	                        so text - ibytes is the line as written) */
	int indent;          /* columns of that indent */
	int width;           /* display columns of text */
	int page_break;      /* a form feed stood in or before this line */
	enum line_kind kind;
	int style;           /* STYLE_*, for LK_TEXT lines */
	int md_depth;        /* STYLE_MD: number of '#' */
	size_t mark;         /* bytes of the style's or bullet's mark that a
	                        rendering may drop ("■ ", "・", "- ") */
	int bracket_whole;   /* the heading is 【...】: drop both brackets */
	int heading;         /* 0, or 2 (section) or 3 (sub-section) */
	int item;            /* a numbered or marked line read as a list
	                        item */
	int meta;            /* article_is_meta of its text (a date, a
	                        byline...): set by the style pass */
	int transparent;     /* inside a page break that splits a paragraph:
	                        neither text nor a paragraph break */
	enum article_drop_reason drop;  /* why, when LK_DROPPED */
};

struct alines {
	struct aline *v;
	size_t n;
};

/*
 * Splits in[0..len) (valid UTF-8, no NUL) into lines, normalised: BOM,
 * line ends (LF, CRLF, CR), form feeds (noted in page_break) and other
 * control characters but tab removed, trailing blanks (ASCII and U+3000)
 * removed, the indent measured. Writes the text into store, which must
 * hold len + 1 bytes. Returns 0, or -1 when out of memory.
 */
int article_lines_split(const char *in, size_t len, char *store,
    struct alines *lines);

/* --- styles (article_style.c) -------------------------------------------- */

/* Sets kind, style, md_depth, mark and bracket_whole of every line that is
 * not LK_DROPPED or LK_BLANK; fences are matched here. Returns 0, or -1
 * when out of memory. */
int article_style_classify(struct alines *lines);

/* --- lines about the text (article_meta.c) ------------------------------- */

/* Whether a line (text as normalised) is a rule: one symbol repeated, at
 * least three times, spaces allowed between. */
int article_is_rule(const char *s, size_t len);
/* "- 3 -", "3 / 12", "Page 3", "－３－". */
int article_is_page_footer(const char *s, size_t len);
/* Whether the line ends a sentence or clause (。．.！？!?、，,：:；;…). */
int article_ends_sentence(const char *s, size_t len);
/* Never headings nor titles: dates, times, reading times, bylines, tags,
 * hashtags, a page's buttons, a letter's set words and addressees. */
int article_is_meta(const char *s, size_t len);
/* An aside in brackets alone: who said it "（Ａさん）", "（公印省略）". */
int article_is_aside(const char *s, size_t len);
/* Whether l is a label and its value ("次回：6月4日", "作成: 田中"): a
 * short word, a colon, then more. */
int article_is_label_line(const struct aline *l);
/* Whether l is a mail header ("Subject: …", "件名：…"): *subject says
 * whether it names the mail, *value points past the key. */
int article_mail_header(const struct aline *l, int *subject,
    const char **value);

/* --- numberings, Hatena, what a short line says ------------------------- */

/* The numbering style s[0..len) starts with (article_number.c), or
 * STYLE_NONE. */
int article_numbering(const char *s, size_t len);
/* Whether line j (maybe out of range) is a bullet with line i's mark. */
int article_same_bullet(const struct alines *lines, size_t i, size_t j);
/* Hatena notation, when the text uses it (article_hatena.c): its headings,
 * its contents' place and its quotation bounds, on classified lines. */
void article_hatena_notation(struct alines *lines);

/* What a short line says (article_shape.c): it chats (ends in an emoji or
 * 笑); ends like prose without its full stop (です, が); ends with a
 * particle (…な, …よね); holds a mail or web address; is words said in
 * 「」 with their own stops; is a label whose value is a date or number;
 * names a text's opening part (はじめに, PREFACE.). Each makes a line no
 * heading, but the last, which makes it one even among marked chapters. */
int article_is_chatty(const struct aline *l);
int article_ends_like_prose(const struct aline *l);
int article_ends_with_particle(const struct aline *l);
int article_has_address(const struct aline *l);
int article_spoken(const struct aline *l);
int article_dated_label(const struct aline *l);
int article_opening_word(const struct aline *l);

/* A file-wide set of strings (normalised), for the passes that look for a
 * line elsewhere in the document. */
uint64_t article_hash(const char *s, size_t len);
/* Writes s without whitespace, a leading mark or Markdown '#'s, whole-line
 * brackets, dot leaders and page numbers into out (len + 1 bytes); returns
 * the length. Two lines with the same key say the same heading. */
size_t article_heading_key(const char *s, size_t len, char *out);

/* --- the reader's state, shared by the passes (article.c) ------------------ */

/* A heading is short: at most this many display columns. */
#define HEADING_MAX_COLUMNS 80
/* A sub-heading that is a plain line with text right under it: shorter. */
#define SUBHEADING_MAX_COLUMNS 60
/* A title line at the top: at most this wide. */
#define TITLE_MAX_COLUMNS 120
/* A 「」 quote block longer than this is more likely prose in brackets. */
#define QUOTE_MAX_LINES 30

#define RELATED_SLOT "↓↓【関連記事】↓↓"
#define DOWN_ARROWS "↓↓"
#define OPEN_QUOTE "「"
#define CLOSE_QUOTE "」"
#define IDEOGRAPHIC_COMMA "、"
#define NOTE_MARK "※"

struct reader {
	struct article *a;
	struct alines lines;
	char *out;             /* joined and copied text goes here (in
	                          a->text, after the lines) */
	size_t w;
	size_t block_cap, section_cap;
	int wrap_width;        /* 0: not hard-wrapped */
	int latin;             /* mostly Latin script (word wrap, spaces) */
	int novel_indent;      /* paragraphs open with an indent, so an
	                          unindented 「 line is dialogue, not a quote */
	size_t title_line;     /* the line the title came from, or SIZE_MAX */
	int gap;               /* a blank line since the last block */
};

/* Marks line l left out, for the reason why. */
void article_drop_line(struct aline *l, enum article_drop_reason why);
/* The first line at or after i that is not dropped (or lines->n). */
size_t article_next_kept(const struct alines *lines, size_t i);
/* The next line after i with text: not blank, not dropped (or n). */
size_t article_next_content(const struct alines *lines, size_t i);
/* The last line before i that is not dropped, or SIZE_MAX. */
size_t article_prev_kept(const struct alines *lines, size_t i);
/* The last character of line l (0 when empty). */
uint32_t article_line_last_cp(const struct aline *l);

/* --- passes, in the order article_parse runs them -------------------------- */

/* article_decor.c. Each returns 0, or -1 when out of memory. scratch holds
 * the longest line plus one byte. */
int article_decorate(struct reader *r);
int article_drop_contents(struct reader *r, char *scratch);
/* article_title.c. Sets r->a->title (and r->title_line) when the top of
 * the text has one. */
void article_find_title(struct reader *r);
/* After headings are decided, when there is still no title: a first
 * heading above all the text whose style heads nothing else. */
void article_title_from_top_heading(struct reader *r);

/* article_wrap.c: sets r->wrap_width (0: not hard-wrapped); 0, or -1 when
 * out of memory. */
int article_find_wrap(struct reader *r);
/* Whether l ends where the wrap broke it, nx being the line after. */
int article_is_full(const struct reader *r, const struct aline *l,
    const struct aline *nx);
/* article_heading.c */
void article_decide_headings(struct reader *r);

/* article_blocks.c: 0, or -1 when out of memory. */
int article_build_blocks(struct reader *r);

/* --- shared with markdown.c (article.c) ----------------------------------- */

/*
 * The front matter at the top of text[0..len) (valid UTF-8 without NUL),
 * read as article_parse reads it: sets a->title, date, lang, tags and
 * has_front_matter, pointing into store (len + 1 bytes; it receives the
 * normalised lines). With yaml (Markdown), a "---" block may also hold keys
 * of its own ("layout: post") and lines that continue them: they are left
 * out with it, as the tools that write them expect. *end is the byte
 * offset in text where the front matter ends (0: there is none). Returns
 * 0, or -1 when out of memory.
 */
int article_front_matter(const char *text, size_t len, int yaml,
    struct article *a, char *store, size_t *end);

/* Sets a->title when nothing gave one: the first section's heading, else
 * a short first paragraph or sub-heading, else "". */
void article_fallback_title(struct article *a);

/* Letters counted by script, for the language. */
struct article_script {
	size_t kana, kanji, latin;
};

/* Adds the letters of s[0..len) (valid UTF-8) to c. */
void article_script_count(struct article_script *c, const char *s,
    size_t len);
/* "ja" (kana, and kana and kanji not outnumbered four to one by Latin
 * letters), "en" (mostly Latin), or NULL (unknown). */
const char *article_script_lang(const struct article_script *c);

#endif
