/*
 * gemtext.h - PURE: article structure -> gemtext pages.
 *
 * Pages and their URLs (relative links only, so an exported capsule works
 * under any path and on any server):
 *
 *   articles/index.gmi        the list of articles, newest first: a
 *                             gemfeed (see gemtext_listing)
 *   articles/SLUG/index.gmi   title, lead, table of contents, full page link
 *   articles/SLUG/N.gmi       section N (1-based), with previous/next/contents
 *   articles/SLUG/all.gmi     the whole article on one page: "# " title,
 *                             "## " sections, "### " sub-sections
 *
 * An article without sections is one page: its index holds the title and
 * every block (no contents, no count), then links to the source text and
 * to the list; its all.gmi holds the same.
 *
 * Blocks: a paragraph is one text line (one that would read as another
 * line type gets a leading space); a list item "* TEXT"; a quote "> TEXT";
 * ARTICLE_PREFORMATTED "```ALT", its lines verbatim, "```" (article.h: no
 * line inside starts with "```", since that line would have closed the
 * fence; should one come, it gets a leading space, so toggles always pair
 * up); ARTICLE_LINK "=> URL LABEL", or "=> URL" when alt is empty (a URL
 * that is empty or holds a space or control character stays text). A line
 * end inside an alt text or a label becomes a space.
 *
 * The 【関連記事】 slot becomes links to the next articles of the list
 * (wrapping around), at most five. Navigation labels are Japanese for "ja"
 * (目次, 前へ, 次へ, 全文を1ページで読む, 元のテキスト), English otherwise
 * (Contents, Previous, Next, The whole article on one page, Source text):
 * an article's own pages follow its lang when it has one, else the
 * capsule's; the list follows the capsule's. Every page ends with "\n".
 */
#ifndef KIZUNA_GEMTEXT_H
#define KIZUNA_GEMTEXT_H

#include <stddef.h>

#include "article.h"

/* A growing output buffer. Start zeroed; free data with free(). */
struct gemtext_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;           /* an allocation failed: data is incomplete */
};

/* One article of the capsule, as the pages need it. Borrowed. */
struct gemtext_entry {
	const char *slug;     /* file name without ".txt" or ".md" */
	const struct article *article;
	const char *source_ext; /* the source's URL: SLUG + this (".md");
	                           NULL is ".txt" */
	const char *date;     /* "YYYY-MM-DD" (date.h), or NULL: undated */
};

/* Everything a page may link to. Borrowed for the call. */
struct gemtext_site {
	const char *lang;                    /* the capsule's: "ja", "en",
	                                        "ja,en", ... */
	const struct gemtext_entry *entries; /* every article, in list order */
	size_t nentries;
	const char *title;   /* the capsule's title (one line), or NULL */
	const char *intro;   /* the author's own gemtext for the top of the
	                        list (articles/index.gmi), or NULL */
	size_t intro_len;
};

/*
 * Each renderer appends one page to out and returns 0, or -1 when out of
 * memory (out->failed is then set). index is the article's position in
 * site->entries; section is 1-based.
 */
/*
 * The list is a gemfeed ("Subscribing to Gemini pages", the companion
 * specification): its first "# " heading is the feed's title, and each
 * article is a link whose label starts with its date:
 *
 *   # TITLE                   the capsule's title (else the "Articles"
 *                             label), unless the intro's first line that
 *                             is not blank is a "# " heading: the author's
 *                             title then stands
 *   INTRO                     the author's text as written (a newline
 *                             added at its end if missing, a preformatted
 *                             block left open closed)
 *   ## Articles               when there is a title or an intro
 *   => SLUG/ YYYY-MM-DD TITLE one per entry, in site order ("=> SLUG/
 *                             TITLE" for an undated one)
 *   => atom.xml Atom feed
 *   => ../ Home
 *
 * Headings and labels follow the capsule's language (記事の一覧, ホーム).
 */
int gemtext_listing(const struct gemtext_site *site, struct gemtext_buf *out);

/*
 * The title a feed reader takes from the list: the intro's "# " heading
 * when the list shows it first, else site->title. Returns a pointer into
 * site->intro or site->title (borrowed, *len bytes, not NUL-terminated),
 * or NULL when there is neither (the list then shows its label).
 */
const char *gemtext_list_title(const struct gemtext_site *site, size_t *len);
int gemtext_article_index(const struct gemtext_site *site, size_t index,
    struct gemtext_buf *out);
int gemtext_section(const struct gemtext_site *site, size_t index,
    size_t section, struct gemtext_buf *out);
int gemtext_full(const struct gemtext_site *site, size_t index,
    struct gemtext_buf *out);

/* Appends s[0..len) to out (for other renderers: feed.h). */
void gemtext_append(struct gemtext_buf *out, const char *s, size_t len);

/*
 * Appends slug as one URL path segment: all but RFC 3986's unreserved
 * characters percent-encoded.
 */
void gemtext_append_segment(struct gemtext_buf *out, const char *slug);

#endif
