/*
 * markdown.h - a Markdown article -> the same structure as article.h's.
 *
 * CommonMark with GitHub's tables, strikethrough, task lists and bare-URL
 * autolinks, read by md4c (markdown.c is the only file that includes it).
 * Markdown says itself what is markup, so nothing is guessed:
 *
 *   front matter     as article_parse reads it (title, date, lang, tags);
 *                    a "---" block may also hold keys of other tools
 *                    ("layout: post"), left out with it
 *   # heading        the title (the first one, unless the front matter
 *                    gave a title; any other is a section, as ## is)
 *   ## heading       a section
 *   ### and deeper   a sub-heading (ARTICLE_SUBHEADING)
 *   paragraph        one ARTICLE_PARAGRAPH per line: its text with
 *                    emphasis, strong and strikethrough marks dropped,
 *                    code spans kept as text, soft breaks a space (nothing
 *                    between two CJK characters), a hard break (two
 *                    spaces, '\', <br>) a new line (gap_before 0)
 *   links, images    their text (an image's: its alt text) stays in the
 *                    line; after the block, one ARTICLE_LINK per link or
 *                    image, in order: the URL, its text as label (none
 *                    when the text is the URL)
 *   list item        ARTICLE_LIST_ITEM; nested lists flattened; an ordered
 *                    item keeps its number ("3. text"), a task "[x] "
 *   block quote      ARTICLE_QUOTE lines (quote_start on the first)
 *   code block       ARTICLE_PREFORMATTED, fenced or indented; alt the
 *                    info string ("" if none)
 *   table            ARTICLE_PREFORMATTED, alt "table": one line per row,
 *                    cells padded to their column and joined by " | ", a
 *                    "----" line under the header row
 *   HTML block       ARTICLE_PREFORMATTED, alt "html", as written; a block
 *                    that is only a comment is left out (a note to self)
 *   inline HTML      its tags left out (the text between them stays), as
 *                    a browser shows it; <br> is a hard break
 *   thematic break   left out
 *
 * Inside a list item or a quote, a heading is a line of it, and the
 * innermost of the two decides the block type. Character references
 * (&amp; &#8212; &#x2014;) are decoded, the common named ones by name;
 * control characters are dropped (tabs and line ends become spaces outside
 * code blocks). Language: the front matter's, else detected from the text
 * as article_parse does. The title falls back as article_parse's does.
 * article.dropped is empty: nothing is left out on a guess.
 */
#ifndef KIZUNA_MARKDOWN_H
#define KIZUNA_MARKDOWN_H

#include <stddef.h>

#include "article.h"

/*
 * Reads text[0..len) (need not be NUL-terminated). Returns a new article
 * owned by the caller (article_free), or NULL with *errstr set to a static
 * reason, as article_parse: "not valid UTF-8", "contains a NUL byte", "out
 * of memory" (also for a text over 4 GiB, which md4c cannot take).
 */
struct article *markdown_parse(const char *text, size_t len,
    const char **errstr);

#endif
