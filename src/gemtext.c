/*
 * gemtext.c - PURE: article structure -> gemtext pages (see gemtext.h).
 *
 * Layout of the blocks (gemtext specification): one source line is one
 * gemtext line, never re-wrapped, since clients wrap. A blank line separates
 * blocks of different kinds (paragraphs, a list, a quote, links) and
 * surrounds headings, the way the source's own blank lines would.
 */
#include "gemtext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most links one 【関連記事】 slot becomes. */
#define RELATED_MAX 5

/* Navigation words, in the capsule's or the article's language. */
struct labels {
	const char *listing;       /* title of the list of articles */
	const char *feed;          /* the link to atom.xml */
	const char *no_articles;
	const char *contents;
	const char *previous;
	const char *next;
	const char *full;          /* the whole article on one page */
	const char *source;        /* the text as written */
	const char *related;
	const char *home;
	const char *all_articles;
};

static const struct labels labels_ja = {
	.listing = "記事の一覧",
	.feed = "Atom フィード",
	.no_articles = "まだ記事はありません。",
	.contents = "目次",
	.previous = "前へ",
	.next = "次へ",
	.full = "全文を1ページで読む",
	.source = "元のテキスト",
	.related = "関連記事",
	.home = "ホーム",
	.all_articles = "記事の一覧",
};

static const struct labels labels_en = {
	.listing = "Articles",
	.feed = "Atom feed",
	.no_articles = "No articles yet.",
	.contents = "Contents",
	.previous = "Previous",
	.next = "Next",
	.full = "The whole article on one page",
	.source = "Source text",
	.related = "Related",
	.home = "Home",
	.all_articles = "All articles",
};

/* Japanese labels when the first language tag is "ja" ("ja", "ja-JP"). */
static const struct labels *
labels_for(const char *lang)
{
	if (lang != NULL && strncmp(lang, "ja", 2) == 0 &&
	    (lang[2] == '\0' || lang[2] == '-' || lang[2] == ','))
		return &labels_ja;
	return &labels_en;
}

/* An article's own pages speak its language when the reader knows it. */
static const struct labels *
article_labels(const struct gemtext_site *site, size_t index)
{
	const char *lang = site->entries[index].article->lang;

	return labels_for(lang != NULL ? lang : site->lang);
}

/* Kinds of output line, to know where a blank line goes. */
enum run {
	RUN_NONE,
	RUN_TEXT,
	RUN_LIST,
	RUN_QUOTE,
	RUN_LINKS,
	RUN_PRE,       /* a preformatted block, toggles included */
	RUN_HEADING,
	RUN_NAV,       /* the page's closing navigation links */
};

static int
grow(struct gemtext_buf *out, size_t more)
{
	size_t cap;
	char *data;

	if (out->failed)
		return -1;
	if (out->len + more <= out->cap)
		return 0;
	cap = out->cap == 0 ? 4096 : out->cap;
	while (cap < out->len + more)
		cap *= 2;
	if ((data = realloc(out->data, cap)) == NULL) {
		out->failed = 1;
		return -1;
	}
	out->data = data;
	out->cap = cap;
	return 0;
}

static void
put(struct gemtext_buf *out, const char *s, size_t len)
{
	/* Nothing to add: and an empty buffer has no data to point past. */
	if (len == 0 || grow(out, len) == -1)
		return;
	memcpy(out->data + out->len, s, len);
	out->len += len;
}

void
gemtext_append(struct gemtext_buf *out, const char *s, size_t len)
{
	put(out, s, len);
}

static void
puts_(struct gemtext_buf *out, const char *s)
{
	put(out, s, strlen(s));
}

static void
putf(struct gemtext_buf *out, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		put(out, small, (size_t)n);
		return;
	}
	if (grow(out, (size_t)n + 1) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(out->data + out->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out->len += (size_t)n;
}

/* Starts a line of kind run, after a blank line when the kind changes. */
static void
begin(struct gemtext_buf *out, enum run *last, enum run run)
{
	if (*last != RUN_NONE &&
	    (*last != run || run == RUN_HEADING || run == RUN_PRE))
		puts_(out, "\n");
	*last = run;
}

/*
 * A text line whose first characters would make it another line type
 * ("=>", "#", ">", "* ", "```") gets one leading space: gemtext has no
 * escape, and a space before the marker makes it plain text again.
 */
static void
put_text_line(struct gemtext_buf *out, const char *text, size_t len)
{
	if ((len >= 2 && memcmp(text, "=>", 2) == 0) ||
	    (len >= 1 && (text[0] == '#' || text[0] == '>')) ||
	    (len >= 2 && memcmp(text, "* ", 2) == 0) ||
	    (len == 1 && text[0] == '*') ||
	    (len >= 3 && memcmp(text, "```", 3) == 0))
		puts_(out, " ");
	put(out, text, len);
	puts_(out, "\n");
}

/*
 * Writes s[0..len) on the current line: a line end inside (which the
 * article contract rules out for a label or an alt text) becomes a space,
 * so it cannot start a line of another type.
 */
static void
put_inline(struct gemtext_buf *out, const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		put(out, s + start, i - start);
		puts_(out, " ");
		start = i + 1;
	}
	put(out, s + start, len - start);
}

/*
 * A fenced block: "```ALT", its lines verbatim, "```". The parser never
 * gives a line starting with "```" inside (that line would have closed the
 * fence); should one come, it gets the text escape (a leading space), so
 * the toggles always pair up.
 */
static void
put_preformatted(struct gemtext_buf *out, const struct article_block *b)
{
	const char *p = b->text, *end = b->text + b->len, *eol;

	puts_(out, "```");
	put_inline(out, b->alt, strlen(b->alt));
	puts_(out, "\n");
	while (b->len > 0) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (eol - p >= 3 && memcmp(p, "```", 3) == 0)
			puts_(out, " ");
		put(out, p, (size_t)(eol - p));
		puts_(out, "\n");
		if (eol == end)
			break;
		p = eol + 1;
	}
	puts_(out, "```\n");
}

/*
 * Whether an author's link target can stand in "=> URL": not empty, no
 * space or control character (the first one would end the URL).
 */
static int
link_target_ok(const char *url, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return 0;
	return len > 0;
}

/* "=> URL LABEL", or "=> URL" when the label is empty. */
static void
put_link(struct gemtext_buf *out, const struct article_block *b)
{
	puts_(out, "=> ");
	put(out, b->text, b->len);
	if (b->alt[0] != '\0') {
		puts_(out, " ");
		put_inline(out, b->alt, strlen(b->alt));
	}
	puts_(out, "\n");
}

/*
 * Writes a slug as a URL path segment: everything but unreserved characters
 * (RFC 3986 §2.3) percent-encoded, so a space cannot end the link's URL and
 * a ':' cannot make it look like a scheme.
 */
void
gemtext_append_segment(struct gemtext_buf *out, const char *slug)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3];

	for (p = (const unsigned char *)slug; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			put(out, (const char *)p, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 0xf];
		put(out, esc, 3);
	}
}

static const char *
title_of(const struct gemtext_entry *e)
{
	return e->article->title[0] != '\0' ? e->article->title : e->slug;
}

/*
 * The 【関連記事】 slot: links to the articles after this one in list order
 * (wrapping), at most RELATED_MAX, so a capsule of a thousand articles does
 * not grow every page by a thousand links (and rendering stays linear).
 */
static void
put_related(const struct gemtext_site *site, size_t index,
    struct gemtext_buf *out, enum run *last)
{
	const struct labels *lb = article_labels(site, index);
	size_t k, i, n = site->nentries;

	for (k = 1; k < n && k <= RELATED_MAX; k++) {
		i = (index + k) % n;
		begin(out, last, RUN_LINKS);
		puts_(out, "=> ../");
		gemtext_append_segment(out, site->entries[i].slug);
		putf(out, "/ %s: %s\n", lb->related,
		    title_of(&site->entries[i]));
	}
}

/* Renders blocks[first .. first + count); sub-headings get marker. */
static void
put_blocks(const struct gemtext_site *site, size_t index, size_t first,
    size_t count, const char *marker, struct gemtext_buf *out,
    enum run *last)
{
	const struct article *a = site->entries[index].article;
	size_t i;

	for (i = first; i < first + count; i++) {
		const struct article_block *b = &a->blocks[i];

		switch (b->type) {
		case ARTICLE_PARAGRAPH:
			/* The source's paragraph breaks are kept. */
			if (b->gap_before && *last == RUN_TEXT)
				puts_(out, "\n");
			begin(out, last, RUN_TEXT);
			put_text_line(out, b->text, b->len);
			break;
		case ARTICLE_SUBHEADING:
			begin(out, last, RUN_HEADING);
			putf(out, "%s %s\n", marker, b->text);
			break;
		case ARTICLE_LIST_ITEM:
			begin(out, last, RUN_LIST);
			putf(out, "* %s\n", b->text);
			break;
		case ARTICLE_QUOTE:
			/* Two quotes in a row stay two blocks. */
			if (b->quote_start && *last == RUN_QUOTE)
				puts_(out, "\n");
			begin(out, last, RUN_QUOTE);
			putf(out, "> %s\n", b->text);
			break;
		case ARTICLE_PREFORMATTED:
			begin(out, last, RUN_PRE);
			put_preformatted(out, b);
			break;
		case ARTICLE_LINK:
			if (!link_target_ok(b->text, b->len)) {
				/* Not a usable target: kept as text. */
				begin(out, last, RUN_TEXT);
				put_text_line(out, b->text, b->len);
				if (b->alt[0] != '\0')
					put_text_line(out, b->alt,
					    strlen(b->alt));
				break;
			}
			begin(out, last, RUN_LINKS);
			put_link(out, b);
			break;
		case ARTICLE_RELATED:
			put_related(site, index, out, last);
			break;
		}
	}
}

static int
finish(struct gemtext_buf *out)
{
	return out->failed ? -1 : 0;
}

/*
 * When text[0..len) is a "# " line after blank lines alone, the heading's
 * text (blanks around it left out, *tlen bytes, maybe 0); else NULL.
 */
static const char *
intro_heading(const char *text, size_t len, size_t *tlen)
{
	size_t i = 0, end;

	while (i < len && (text[i] == '\n' || text[i] == '\r' ||
	    text[i] == ' ' || text[i] == '\t'))
		i++;
	/* Back to the start of the first line that is not blank. */
	while (i > 0 && text[i - 1] != '\n')
		i--;
	if (len - i < 2 || text[i] != '#' || text[i + 1] != ' ')
		return NULL;
	for (i += 2; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
		;
	for (end = i; end < len && text[end] != '\n'; end++)
		;
	while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
	    text[end - 1] == '\r'))
		end--;
	*tlen = end - i;
	return text + i;
}

static int
starts_with_title(const char *text, size_t len)
{
	size_t tlen;

	return intro_heading(text, len, &tlen) != NULL;
}

const char *
gemtext_list_title(const struct gemtext_site *site, size_t *len)
{
	const char *t = NULL;

	if (site->intro != NULL)
		t = intro_heading(site->intro, site->intro_len, len);
	if ((t == NULL || *len == 0) && site->title != NULL) {
		t = site->title;
		*len = strlen(t);
	}
	return t != NULL && *len > 0 ? t : NULL;
}

/*
 * The author's intro as written, so that what follows stays list lines: a
 * final newline, and a preformatted block it leaves open closed.
 */
static void
put_intro(struct gemtext_buf *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *eol;
	int pre = 0;

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (eol - p >= 3 && memcmp(p, "```", 3) == 0)
			pre = !pre;
		if (eol == end)
			break;
	}
	put(out, text, len);
	if (len > 0 && text[len - 1] != '\n')
		puts_(out, "\n");
	if (pre)
		puts_(out, "```\n");
}

int
gemtext_listing(const struct gemtext_site *site, struct gemtext_buf *out)
{
	const struct labels *lb = labels_for(site->lang);
	int intro = site->intro != NULL && site->intro_len > 0;
	size_t i;

	if (!intro || !starts_with_title(site->intro, site->intro_len))
		putf(out, "# %s\n\n", site->title != NULL ? site->title :
		    lb->listing);
	if (intro) {
		put_intro(out, site->intro, site->intro_len);
		puts_(out, "\n");
	}
	if (intro || site->title != NULL)
		putf(out, "## %s\n\n", lb->listing);
	if (site->nentries == 0)
		putf(out, "%s\n", lb->no_articles);
	for (i = 0; i < site->nentries; i++) {
		const struct gemtext_entry *e = &site->entries[i];

		puts_(out, "=> ");
		gemtext_append_segment(out, e->slug);
		puts_(out, "/ ");
		/* The gemfeed entry: a label that starts with the date. */
		if (e->date != NULL)
			putf(out, "%s ", e->date);
		put_inline(out, title_of(e), strlen(title_of(e)));
		puts_(out, "\n");
	}
	putf(out, "\n=> atom.xml %s\n", lb->feed);
	putf(out, "=> ../ %s\n", lb->home);
	return finish(out);
}

/*
 * An article without sections is one page: its index and its all.gmi both
 * hold the title, every block, and links to the source and the list (a
 * contents link would point to the page itself). Sub-headings get marker.
 */
static int
one_page(const struct gemtext_site *site, size_t index, const char *marker,
    struct gemtext_buf *out)
{
	const struct labels *lb = article_labels(site, index);
	const struct gemtext_entry *e = &site->entries[index];
	enum run last = RUN_HEADING;

	putf(out, "# %s\n", title_of(e));
	put_blocks(site, index, 0, e->article->nblocks, marker, out, &last);
	begin(out, &last, RUN_NAV);
	puts_(out, "=> ../");
	gemtext_append_segment(out, e->slug);
	putf(out, "%s %s\n", e->source_ext != NULL ? e->source_ext : ".txt",
	    lb->source);
	putf(out, "=> ../ %s\n", lb->all_articles);
	return finish(out);
}

/*
 * Section n's heading as a contents line gives it: "3. Heading", or the
 * heading alone when it carries its own number ("1. Why", "（1）…", "①").
 */
static void
put_numbered(struct gemtext_buf *out, size_t n, const char *heading)
{
	if (article_leading_number(heading, strlen(heading)) >= 0)
		putf(out, "%s\n", heading);
	else
		putf(out, "%zu. %s\n", n, heading);
}

int
gemtext_article_index(const struct gemtext_site *site, size_t index,
    struct gemtext_buf *out)
{
	const struct labels *lb = article_labels(site, index);
	const struct gemtext_entry *e = &site->entries[index];
	const struct article *a = e->article;
	enum run last = RUN_HEADING;
	size_t i;

	if (a->nsections == 0)
		return one_page(site, index, "##", out);
	putf(out, "# %s\n", title_of(e));
	put_blocks(site, index, 0, a->nlead, "##", out, &last);
	begin(out, &last, RUN_HEADING);
	putf(out, "## %s\n", lb->contents);
	begin(out, &last, RUN_LINKS);
	for (i = 0; i < a->nsections; i++) {
		putf(out, "=> %zu.gmi ", i + 1);
		put_numbered(out, i + 1, a->sections[i].heading);
	}
	begin(out, &last, RUN_NAV);
	putf(out, "=> all.gmi %s\n", lb->full);
	puts_(out, "=> ../");
	gemtext_append_segment(out, e->slug);
	putf(out, "%s %s\n", e->source_ext != NULL ? e->source_ext : ".txt",
	    lb->source);
	putf(out, "=> ../ %s\n", lb->all_articles);
	return finish(out);
}

/* A link to section n of the article, "Next: 3. Heading". */
static void
put_neighbour(struct gemtext_buf *out, size_t n, const char *label,
    const char *heading)
{
	putf(out, "=> %zu.gmi %s: ", n, label);
	put_numbered(out, n, heading);
}

int
gemtext_section(const struct gemtext_site *site, size_t index,
    size_t section, struct gemtext_buf *out)
{
	const struct labels *lb = article_labels(site, index);
	const struct gemtext_entry *e = &site->entries[index];
	const struct article *a = e->article;
	const struct article_section *s;
	enum run last = RUN_HEADING;

	if (section < 1 || section > a->nsections)
		return -1;
	s = &a->sections[section - 1];
	putf(out, "# %s\n", s->heading);
	put_blocks(site, index, s->first, s->count, "##", out, &last);
	begin(out, &last, RUN_NAV);
	if (section > 1)
		put_neighbour(out, section - 1, lb->previous,
		    a->sections[section - 2].heading);
	if (section < a->nsections)
		put_neighbour(out, section + 1, lb->next,
		    a->sections[section].heading);
	putf(out, "=> ./ %s: %s\n", lb->contents, title_of(e));
	return finish(out);
}

int
gemtext_full(const struct gemtext_site *site, size_t index,
    struct gemtext_buf *out)
{
	const struct labels *lb = article_labels(site, index);
	const struct gemtext_entry *e = &site->entries[index];
	const struct article *a = e->article;
	enum run last = RUN_HEADING;
	size_t i;

	if (a->nsections == 0)
		return one_page(site, index, "###", out);
	putf(out, "# %s\n", title_of(e));
	put_blocks(site, index, 0, a->nlead, "###", out, &last);
	for (i = 0; i < a->nsections; i++) {
		begin(out, &last, RUN_HEADING);
		putf(out, "## %s\n", a->sections[i].heading);
		put_blocks(site, index, a->sections[i].first,
		    a->sections[i].count, "###", out, &last);
	}
	begin(out, &last, RUN_NAV);
	putf(out, "=> ./ %s: %s\n", lb->contents, title_of(e));
	return finish(out);
}
