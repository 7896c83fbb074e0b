/*
 * feed.h - PURE: the list of articles -> an Atom 1.0 feed (RFC 4287).
 *
 * Served as /articles/atom.xml (application/atom+xml) and written there by
 * `kizuna convert`: the same entries, in the same order, as the gemfeed
 * the list page is (gemtext.h). Unlike the pages, a feed's links are
 * absolute: a feed reader holds entries apart from the capsule, and RFC
 * 4287 wants ids that are IRIs. The base comes from the caller: the
 * configured host and port when serving, --url for convert.
 *
 *   <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="LANG">
 *     title    the list's, as a gemfeed reader takes it
 *              (gemtext_list_title: the intro's "# " heading, else
 *              the capsule's title), else author
 *     id, link URL, the list's own address; a rel="self" link to
 *              URL atom.xml
 *     updated  the newest entry's date, "YYYY-MM-DDT00:00:00Z"
 *              (1970-01-01 with no entries)
 *     author   <name>AUTHOR</name>: RFC 4287 wants one at feed level when
 *              entries have none
 *     entry    per article, in site order: title, id and link (URL SLUG/,
 *              the slug percent-encoded; stable as long as the file name
 *              is), updated (its date at midnight UTC), summary (prose,
 *              one block a line: the lead's paragraphs, list items
 *              without their bullets and quotes, never a link, code or
 *              heading; with no prose before the first section, the
 *              article's first paragraph; left out when it has none)
 *
 * Text is escaped (& < > " ' as entities) everywhere, and characters XML
 * 1.0 forbids (C0 controls but tab, line feed and carriage return; U+FFFE,
 * U+FFFF; bytes that are not UTF-8) are left out, so the document is
 * well-formed whatever an article holds. xml:lang is the capsule's first
 * language tag, left out when it is not letters, digits and '-'.
 */
#ifndef KIZUNA_FEED_H
#define KIZUNA_FEED_H

#include "gemtext.h"

struct feed {
	const struct gemtext_site *site;  /* entries with dates, list order */
	const char *url;      /* the list's absolute URL, ending in '/':
	                         "gemini://example.org/articles/" */
	const char *author;   /* the host name */
};

/* Appends the feed to out. Returns 0, or -1 when out of memory. */
int feed_atom(const struct feed *f, struct gemtext_buf *out);

/*
 * Appends text[0..len) escaped for XML character data and attribute
 * values (see above). Exposed for its table test.
 */
void feed_escape(struct gemtext_buf *out, const char *text, size_t len);

#endif
