/*
 * feed.c - PURE: the list of articles as an Atom 1.0 feed (see feed.h).
 */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define ATOM_EPOCH "1970-01-01"

static void
put(struct gemtext_buf *out, const char *s)
{
	gemtext_append(out, s, strlen(s));
}

/*
 * XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD]
 * | [#x10000-#x10FFFF]. Surrogates cannot come in valid UTF-8; a byte that
 * starts no valid character is left out like a forbidden one.
 */
void
feed_escape(struct gemtext_buf *out, const char *text, size_t len)
{
	size_t i = 0, n, start = 0;
	const char *ent;

	while (i < len) {
		n = utf8_char_length(text + i, len - i);
		ent = NULL;
		if (n == 1) {
			switch (text[i]) {
			case '&': ent = "&amp;"; break;
			case '<': ent = "&lt;"; break;
			case '>': ent = "&gt;"; break;
			case '"': ent = "&quot;"; break;
			case '\'': ent = "&apos;"; break;
			case '\t': case '\n': case '\r': break;
			default:
				if ((unsigned char)text[i] < 0x20)
					ent = "";
			}
		} else if (n == 0 || (n == 3 &&
		    memcmp(text + i, "\xef\xbf", 2) == 0 &&
		    ((unsigned char)text[i + 2] == 0xbe ||
		    (unsigned char)text[i + 2] == 0xbf)))
			ent = "";
		if (n == 0)
			n = 1;
		if (ent != NULL) {
			gemtext_append(out, text + start, i - start);
			put(out, ent);
			start = i + n;
		}
		i += n;
	}
	gemtext_append(out, text + start, len - start);
}

static void
put_escaped(struct gemtext_buf *out, const char *s)
{
	feed_escape(out, s, strlen(s));
}

/* <NAME>TEXT</NAME>, TEXT escaped. */
static void
put_element(struct gemtext_buf *out, const char *indent, const char *name,
    const char *text)
{
	put(out, indent);
	put(out, "<");
	put(out, name);
	put(out, ">");
	put_escaped(out, text);
	put(out, "</");
	put(out, name);
	put(out, ">\n");
}

static void
put_updated(struct gemtext_buf *out, const char *indent, const char *date)
{
	put(out, indent);
	put(out, "<updated>");
	put_escaped(out, date != NULL ? date : ATOM_EPOCH);
	put(out, "T00:00:00Z</updated>\n");
}

/* The feed's language: the first tag, when it is a plain BCP 47 tag. */
static void
put_lang(struct gemtext_buf *out, const char *lang)
{
	size_t n = 0;

	if (lang == NULL)
		return;
	while ((lang[n] >= 'a' && lang[n] <= 'z') ||
	    (lang[n] >= 'A' && lang[n] <= 'Z') ||
	    (lang[n] >= '0' && lang[n] <= '9') || lang[n] == '-')
		n++;
	if (n == 0 || (lang[n] != '\0' && lang[n] != ','))
		return;
	put(out, " xml:lang=\"");
	gemtext_append(out, lang, n);
	put(out, "\"");
}

/*
 * Whether a block reads as prose in a summary. A link is left out: an
 * inline link's label is in its paragraph already (Markdown gathers the
 * link after it), and a bare URL says nothing to a reader; so are code
 * and headings. A list item's text has no bullet.
 */
static int
prose(const struct article_block *b)
{
	switch (b->type) {
	case ARTICLE_PARAGRAPH:
	case ARTICLE_LIST_ITEM:
	case ARTICLE_QUOTE:
		return b->len > 0;
	case ARTICLE_SUBHEADING:
	case ARTICLE_PREFORMATTED:
	case ARTICLE_LINK:
	case ARTICLE_RELATED:
		return 0;
	}
	return 0;
}

/* The prose of blocks[first .. end), one block a line. */
static void
put_blocks(struct gemtext_buf *out, const struct article *a, size_t first,
    size_t end)
{
	size_t i;
	int any = 0;

	for (i = first; i < end; i++) {
		if (!prose(&a->blocks[i]))
			continue;
		put(out, any ? "\n" : "    <summary>");
		any = 1;
		feed_escape(out, a->blocks[i].text, a->blocks[i].len);
	}
	if (any)
		put(out, "</summary>\n");
}

/*
 * What a feed reader shows under the title: the lead's prose; without
 * any (a Markdown title and "# " heading, a text that opens with a
 * section), the article's first paragraph, so the entry is never blank.
 */
static void
put_summary(struct gemtext_buf *out, const struct article *a)
{
	size_t i;

	for (i = 0; i < a->nlead; i++)
		if (prose(&a->blocks[i])) {
			put_blocks(out, a, 0, a->nlead);
			return;
		}
	for (i = a->nlead; i < a->nblocks; i++)
		if (a->blocks[i].type == ARTICLE_PARAGRAPH &&
		    a->blocks[i].len > 0) {
			put_blocks(out, a, i, i + 1);
			return;
		}
}

static void
put_entry(const struct feed *f, const struct gemtext_entry *e,
    struct gemtext_buf *out)
{
	struct gemtext_buf url = { NULL, 0, 0, 0 };

	/* The slug's URL form, escaped once it is whole. */
	put(&url, f->url);
	gemtext_append_segment(&url, e->slug);
	put(&url, "/");
	if (url.failed)
		out->failed = 1;
	put(out, "  <entry>\n");
	put_element(out, "    ", "title", e->article->title[0] != '\0' ?
	    e->article->title : e->slug);
	put(out, "    <id>");
	feed_escape(out, url.data, url.len);
	put(out, "</id>\n    <link href=\"");
	feed_escape(out, url.data, url.len);
	put(out, "\"/>\n");
	put_updated(out, "    ", e->date);
	put_summary(out, e->article);
	put(out, "  </entry>\n");
	free(url.data);
}

int
feed_atom(const struct feed *f, struct gemtext_buf *out)
{
	const struct gemtext_site *site = f->site;
	const char *newest = NULL, *title;
	size_t i, title_len;

	put(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	put_lang(out, site->lang);
	put(out, ">\n");
	/* The gemfeed's title, so that a reader of either sees one name. */
	put(out, "  <title>");
	if ((title = gemtext_list_title(site, &title_len)) != NULL)
		feed_escape(out, title, title_len);
	else
		put_escaped(out, f->author);
	put(out, "</title>\n");
	put_element(out, "  ", "id", f->url);
	put(out, "  <link href=\"");
	put_escaped(out, f->url);
	put(out, "\"/>\n  <link rel=\"self\" href=\"");
	put_escaped(out, f->url);
	put(out, "atom.xml\"/>\n");
	/* "YYYY-MM-DD" strings sort as the days do (date.h). */
	for (i = 0; i < site->nentries; i++)
		if (site->entries[i].date != NULL && (newest == NULL ||
		    strcmp(site->entries[i].date, newest) > 0))
			newest = site->entries[i].date;
	put_updated(out, "  ", newest);
	put(out, "  <author>\n");
	put_element(out, "    ", "name", f->author);
	put(out, "  </author>\n");
	for (i = 0; i < site->nentries; i++)
		put_entry(f, &site->entries[i], out);
	put(out, "</feed>\n");
	return out->failed ? -1 : 0;
}
