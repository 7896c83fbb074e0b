/*
 * pages.h - the page table: every article read, parsed and rendered once.
 *
 * Built at start-up (and by `kizuna convert`), then read-only: workers share
 * one table and a request for an article page costs a lookup, no disk and
 * no parsing. URLs, under the articles prefix ("/articles/" by default):
 *
 *   PREFIX                   list of articles, newest first, a gemfeed,
 *                            under the author's intro (PREFIX index.gmi on
 *                            disk, if any)         (also PREFIX index.gmi)
 *   PREFIX atom.xml          the same list as an Atom feed (feed.h)
 *   PREFIX SLUG/             article index         (also SLUG/index.gmi)
 *   PREFIX SLUG/N.gmi        section N
 *   PREFIX SLUG/all.gmi      the whole article
 *   PREFIX SLUG.txt          the source text, as written (SLUG.md for
 *                            Markdown, text/markdown)
 *
 * A slug is the file name without ".txt" or ".md" (not starting with '.': dotfiles
 * are never served). Readable ASCII slugs make readable URLs; any other
 * name works too, percent-encoded in links and decoded in requests.
 *
 * An article's date is its front matter "date: YYYY-MM-DD" when that is a
 * real day (date.h), else the day (UTC) its file was last modified. The
 * list is ordered by date, newest first, then by slug.
 *
 * Every other name under PREFIX SLUG/ (an image, an attachment) is the
 * author's: the table leaves it to the capsule's files.
 */
#ifndef KIZUNA_PAGES_H
#define KIZUNA_PAGES_H

#include <stddef.h>

struct page {
	char *path;          /* decoded URL path, "/articles/slug/3.gmi" */
	const char *mime;    /* "text/gemini; charset=utf-8", "text/plain;
	                        charset=utf-8" or "application/atom+xml" */
	const char *body;
	size_t len;
	const char *lang;    /* an article's text/gemini pages when its
	                        language is known: the META lang value ("en",
	                        "\"ja,en\""); else NULL, the capsule's */
	int alias;           /* another URL of a page listed before (not
	                        written by pages_export) */
};

struct pages;

/* What a load needs besides the files. Borrowed for the call. */
struct pages_options {
	const char *lang;   /* the capsule's language tag(s): labels */
	const char *url;    /* the capsule root's absolute URL, ending in '/'
	                       ("gemini://example.org:1966/"): the feed's
	                       links and ids */
	const char *host;   /* the host name: the feed's author, and its
	                       title when the capsule has none */
	int strict;         /* for `kizuna convert`: any unusable file fails
	                       the whole load, and messages say which file and
	                       why but not "not served" */
	const struct pages *prev;  /* the table in use, read from the same
	                       folder (a reload or a live update), or NULL */
	int once;           /* a live update: what prev logged about a file
	                       (refused, a bad date, a twin, an unusable
	                       intro) is not logged again while the file is
	                       unchanged (filelog.h); 0 (start-up, SIGHUP,
	                       convert) logs all of it */
};

/*
 * Reads every "*.txt" and "*.md" file (Markdown, markdown.h) directly in
 * root/articles (articles is relative
 * to root), in name order, as the capsule's files are served: the folder
 * and each file are opened beneath root's descriptor (beneath.h), so no
 * symbolic link leaving root is followed, and only regular files are read
 * (anything else is refused before it is opened for reading). A file that
 * cannot be read, is not valid UTF-8, or has an unusable name (hidden, or
 * with a control character or bytes that are not UTF-8: a name reaches
 * the log and, untitled, a page's lines) is reported with log_error
 * (naming the file) and left out; it is never served. When x.txt and x.md
 * both exist, x.md is the article and x.txt is named in a warning (and is
 * not served either). A missing folder
 * means no articles; one leaving root is reported and means none.
 *
 * opt->prev (a reload or a live update; NULL at start-up) is the table in
 * use, read from the same folder. A file that is there but cannot be read
 * or parsed now (being written, made unreadable, no longer UTF-8) keeps
 * the article prev has under its slug, as it was read then (its date
 * too), and the log says so with the file's name and why; without one it
 * is left out as above. A file that is gone is gone. prev is only read,
 * and may be freed after.
 *
 * root/articles/index.gmi, if a regular file in UTF-8, is the intro shown
 * above the list; the capsule's title, for the list and the feed, is the
 * first "# " line of root/index.gmi (else opt->host), read whether or
 * not the articles folder is there: a list with no folder keeps it.
 * Returns NULL when out of memory, or with opt->strict when any file is
 * unusable (logged).
 */
struct pages *pages_load_dir(const char *root, const char *articles,
    const struct pages_options *opt);

/*
 * The same from a list of files (for `kizuna convert`), under the prefix
 * "/articles/", opened as named (the author's own choice of files), with
 * the same rules for names, text and dates, and no intro or capsule title.
 * Returns NULL (logged) when any file is unusable: an export must not
 * silently miss an article.
 */
struct pages *pages_load_files(char *const *files, size_t nfiles,
    const struct pages_options *opt);

void pages_free(struct pages *p);

/* The page at a decoded URL path, or NULL. Borrowed from p. */
const struct page *pages_find(const struct pages *p, const char *path);

/*
 * Whether path names what only generated pages may answer although no
 * page is there: PREFIX*.txt (so an article refused at load, say not
 * UTF-8, cannot be served raw), PREFIX index.gmi and atom.xml, and the
 * generated names of a known article (SLUG/, SLUG/index.gmi, all.gmi,
 * N.gmi). Such a path is answered 51, never looked up on disk; any other
 * name under PREFIX SLUG/ is the author's own file.
 */
int pages_reserved(const struct pages *p, const char *path);

size_t pages_count(const struct pages *p);     /* not counting aliases */
size_t pages_articles(const struct pages *p);

/* The prefix, "/articles/". Borrowed from p. */
const char *pages_prefix(const struct pages *p);

/* Page i of pages_size(p) (aliases included), in path order. */
size_t pages_size(const struct pages *p);
const struct page *pages_at(const struct pages *p, size_t i);

/* Whether slug[0..len) is one of p's articles. */
int pages_has_article(const struct pages *p, const char *slug, size_t len);

#endif
