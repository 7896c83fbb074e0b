/*
 * pages.h - the page table: every article read, parsed and rendered once.
 *
 * Built at start-up (and by `kizuna convert`), then read-only: workers share
 * one table and a request for an article page costs a lookup, no disk and
 * no parsing. URLs, under the articles prefix ("/articles/" by default):
 *
 *   PREFIX                   list of articles      (also PREFIX index.gmi)
 *   PREFIX SLUG/             article index         (also SLUG/index.gmi)
 *   PREFIX SLUG/N.gmi        section N
 *   PREFIX SLUG/all.gmi      the whole article
 *   PREFIX SLUG.txt          the source text, as written (SLUG.md for
 *                            Markdown, text/markdown)
 *
 * A slug is the file name without ".txt" or ".md" (not starting with '.': dotfiles
 * are never served). Readable ASCII slugs make readable URLs; any other
 * name works too, percent-encoded in links and decoded in requests.
 */
#ifndef KIZUNA_PAGES_H
#define KIZUNA_PAGES_H

#include <stddef.h>

struct page {
	char *path;          /* decoded URL path, "/articles/slug/3.gmi" */
	const char *mime;    /* "text/gemini" or "text/plain; charset=utf-8" */
	const char *body;
	size_t len;
	const char *lang;    /* an article's text/gemini pages when its
	                        language is known: the META lang value ("en",
	                        "\"ja,en\""); else NULL, the capsule's */
	int alias;           /* another URL of a page listed before (not
	                        written by pages_export) */
};

struct pages;

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
 * prev (a reload or a live update; NULL at start-up) is the table in use,
 * read from the same folder. A file that is there but cannot be read or
 * parsed now (being written, made unreadable, no longer UTF-8) keeps the
 * article prev has under its slug, as it was read then, and the log says
 * so with the file's name and why; without one it is left out as above.
 * A file that is gone is gone. prev is only read, and may be freed after.
 * Returns NULL only when out of memory (logged).
 */
struct pages *pages_load_dir(const char *root, const char *articles,
    const char *lang, const struct pages *prev);

/*
 * The same from a list of files (for `kizuna convert`), under the prefix
 * "/articles/", opened as named (the author's own choice of files), with
 * the same rules for names and text. Returns NULL (logged) when any file is unusable: an export
 * must not silently miss an article.
 */
struct pages *pages_load_files(char *const *files, size_t nfiles,
    const char *lang);

void pages_free(struct pages *p);

/* The page at a decoded URL path, or NULL. Borrowed from p. */
const struct page *pages_find(const struct pages *p, const char *path);

/*
 * Whether path lies where generated pages live (PREFIX, PREFIX*.txt, and
 * PREFIX SLUG/... of a known article) although no page is there: such a
 * path is answered 51, never looked up on disk, so an article refused at
 * load (for example not valid UTF-8) cannot be served raw.
 */
int pages_reserved(const struct pages *p, const char *path);

size_t pages_count(const struct pages *p);     /* not counting aliases */
size_t pages_articles(const struct pages *p);

/*
 * Writes every page (aliases aside) under dir: "/articles/x/" becomes
 * dir/articles/x/index.gmi, and so on, creating folders as needed.
 * Returns 0, or -1 with the failing file logged.
 */
int pages_export(const struct pages *p, const char *dir);

#endif
