/*
 * fuzz_article.c - libFuzzer target for article.c and gemtext.c.
 *
 * The input is an article file as someone might save it. It goes through
 * article_parse; when that refuses it, the reason must be one of those
 * article.h lists, and true of the input. When it parses, every page of a
 * capsule of two articles (the input, then a small fixed one, so that the
 * 【関連記事】 slot renders links both ways) is rendered, and the invariants
 * below must hold whatever the bytes: the pages' form, no text lost but
 * what article->dropped lists (text_kept.h), and a reason for each dropped
 * line that fits the line (check_dropped). Built with -fsanitize=fuzzer to
 * fuzz, or with replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "feed.h"
#include "gemtext.h"
#include "utf8.h"
#include "../unit/text_kept.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* The second article: one section holding the slot, so it links back. */
static const char other_src[] =
    "title: もう一つの記事\n"
    "前書きです。\n"
    "\n"
    "見出し\n"
    "\n"
    "本文です。\n"
    "↓↓【関連記事】↓↓\n";

/* Every link target the renderer writes, with the slugs used here. */
static int
known_target(const char *t, size_t n)
{
	static const char *const targets[] = {
		"./", "../", "all.gmi", "fuzzed/", "other/", "../fuzzed/",
		"../other/", "../fuzzed.txt", "../other.txt", "atom.xml",
	};
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (n == strlen(targets[i]) && memcmp(t, targets[i], n) == 0)
			return 1;
	/* "N.gmi", a section. */
	for (i = 0; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		;
	return i > 0 && t[0] != '0' && n - i == 4 &&
	    memcmp(t + i, ".gmi", 4) == 0;
}

/* Whether t[0..n) is the target of an ARTICLE_LINK block of a. */
static int
author_target(const struct article *a, const char *t, size_t n)
{
	size_t i;

	for (i = 0; a != NULL && i < a->nblocks; i++)
		if (a->blocks[i].type == ARTICLE_LINK &&
		    a->blocks[i].len == n &&
		    memcmp(a->blocks[i].text, t, n) == 0)
			return 1;
	return 0;
}

/*
 * What every page must be: rendered without error, ending with a newline,
 * no NUL, valid UTF-8, preformatted toggles in pairs (an odd one would be
 * unescaped text turning the rest of the page into code), and, outside
 * preformatted text, links only "=> " and a target that is either the
 * renderer's own or the author's (an ARTICLE_LINK block of a, the page's
 * article; NULL for the list). Text starting with "=>" is escaped.
 */
static void
check_page(const struct gemtext_buf *out, int rv, const struct article *a)
{
	size_t i = 0;
	int pre = 0;

	CHECK(rv == 0);
	CHECK(!out->failed);
	CHECK(out->len > 0 && out->data[out->len - 1] == '\n');
	CHECK(memchr(out->data, '\0', out->len) == NULL);
	CHECK(utf8_is_valid(out->data, out->len));
	while (i < out->len) {
		const char *line = out->data + i;
		const char *eol = memchr(line, '\n', out->len - i);
		size_t n = (size_t)(eol - line), e = 3;

		if (n >= 3 && memcmp(line, "```", 3) == 0)
			pre = !pre;
		else if (!pre && n >= 2 && memcmp(line, "=>", 2) == 0) {
			CHECK(n > 3 && line[2] == ' ');
			while (e < n && line[e] != ' ')
				e++;
			CHECK(known_target(line + 3, e - 3) ||
			    author_target(a, line + 3, e - 3));
		}
		i += n + 1;
	}
	CHECK(!pre);
}

/*
 * Renders and checks the index and every section page of article index,
 * then its full page into *full (the caller frees full->data).
 */
static void
check_all_pages(const struct gemtext_site *site, size_t index,
    struct gemtext_buf *full)
{
	const struct article *a = site->entries[index].article;
	struct gemtext_buf out;
	size_t s;

	memset(&out, 0, sizeof(out));
	check_page(&out, gemtext_article_index(site, index, &out), a);
	free(out.data);
	for (s = 1; s <= a->nsections; s++) {
		memset(&out, 0, sizeof(out));
		check_page(&out, gemtext_section(site, index, s, &out), a);
		free(out.data);
	}
	memset(full, 0, sizeof(*full));
	check_page(full, gemtext_full(site, index, full), a);
}

/* The structure covers the blocks exactly, in order; no empty text. */
static void
check_structure(const struct article *a)
{
	size_t i, next;

	CHECK(a->title != NULL);
	CHECK(a->nlead <= a->nblocks);
	for (i = 0; i < a->nblocks; i++) {
		const struct article_block *b = &a->blocks[i];

		CHECK(b->text != NULL && strlen(b->text) == b->len);
		CHECK(b->len > 0 || b->type == ARTICLE_PREFORMATTED);
		/* The renderer reads alt of these two only. */
		if (b->type == ARTICLE_PREFORMATTED || b->type == ARTICLE_LINK)
			CHECK(b->alt != NULL);
	}
	next = a->nlead;
	for (i = 0; i < a->nsections; i++) {
		CHECK(a->sections[i].heading != NULL &&
		    a->sections[i].heading[0] != '\0');
		CHECK(a->sections[i].first == next);
		next += a->sections[i].count;
	}
	CHECK(next == a->nblocks);
}

/* --- the dropped list: each line's reason must fit the line -------------------- */

/* One source line (as text_kept.h splits them), trimmed. */
struct src_line {
	const char *s;
	size_t n;
};

/* Whether cp is a letter or digit (Latin, Greek, Cyrillic, kana, kanji,
 * Hangul, full-width): what a rule line is never made of. */
static int
is_letter(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 'a' && cp <= 'z') || (cp >= 0xc0 && cp <= 0x24f &&
	    cp != 0xd7 && cp != 0xf7) || (cp >= 0x370 && cp <= 0x4ff) ||
	    (cp >= 0x3041 && cp <= 0x30ff && cp != 0x30fb && cp != 0x30fc) ||
	    (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3) ||
	    (cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) ||
	    (cp >= 0xff41 && cp <= 0xff5a);
}

static uint32_t
decode(const char *s, size_t n, size_t *k)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80 || n < 2) {
		*k = 1;
		return u[0];
	}
	if ((u[0] & 0xe0) == 0xc0) {
		*k = 2;
		return ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	}
	if ((u[0] & 0xf0) == 0xe0 && n >= 3) {
		*k = 3;
		return ((uint32_t)(u[0] & 0x0f) << 12) |
		    ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	}
	*k = n >= 4 ? 4 : 1;
	return n >= 4 ? ((uint32_t)(u[0] & 0x07) << 18) |
	    ((uint32_t)(u[1] & 0x3f) << 12) | ((uint32_t)(u[2] & 0x3f) << 6) |
	    (u[3] & 0x3f) : u[0];
}

/* A rule: one non-letter symbol repeated (3+, blanks between allowed),
 * "--", or an underline of '=' or '-'. */
static int
plausible_rule(const char *s, size_t n)
{
	size_t i = 0, k, count = 0, w;
	uint32_t first = 0, cp;
	int underline = n > 0 && (s[0] == '=' || s[0] == '-');

	while (i < n) {
		if ((w = text_kept_ignored(s + i, n - i)) > 0) {
			i += w;
			continue;
		}
		cp = decode(s + i, n - i, &k);
		if (count == 0)
			first = cp;
		else if (cp != first)
			return 0;
		if (cp != (uint32_t)s[0])
			underline = 0;
		count++;
		i += k;
	}
	return count > 0 && !is_letter(first) &&
	    (count >= 3 || underline || (n == 2 && memcmp(s, "--", 2) == 0));
}

/* "- 3 -", "3 / 12", "Page 3": short, with a digit. */
static int
plausible_footer(const char *s, size_t n)
{
	size_t i, k;

	if (n > 40)
		return 0;
	for (i = 0; i < n; i += k) {
		uint32_t cp = decode(s + i, n - i, &k);

		if ((cp >= '0' && cp <= '9') || (cp >= 0xff10 && cp <= 0xff19))
			return 1;
	}
	return 0;
}

/* "key: value" with one of the keys article.h reads, or "---"; compared
 * without blanks and control characters, as normalising leaves it. */
static int
plausible_front_matter(const char *line, size_t len)
{
	static const char *const keys[] = { "title", "date", "lang", "tags" };
	size_t i, j, kn, n;
	char *s = malloc(len + 1);
	int ok = 0;

	if (s == NULL)
		abort();
	n = text_kept_squeeze(line, len, s);
	if (n == 3 && memcmp(s, "---", 3) == 0)
		ok = 1;
	for (i = 0; !ok && i < sizeof(keys) / sizeof(keys[0]); i++) {
		kn = strlen(keys[i]);
		if (n <= kn)
			continue;
		for (j = 0; j < kn; j++)
			if ((s[j] | 0x20) != keys[i][j])
				break;
		ok = j == kn && s[j] == ':';
	}
	free(s);
	return ok;
}

/* The line, blanks (and marks) taken out, is the title or holds it. */
static int
plausible_title(const char *s, size_t n, const char *title)
{
	size_t tn = strlen(title), ln, wn, un = n;
	const char *u = text_kept_unmark(s, &un);
	char *line, *want;
	int ok;

	if ((line = malloc(n + 1)) == NULL ||
	    (want = malloc(tn + 1)) == NULL)
		abort();
	wn = text_kept_squeeze(title, tn, want);
	ln = text_kept_squeeze(s, n, line);
	ok = wn > 0 && text_kept_contains(line, ln, want, wn);
	ln = text_kept_squeeze(u, un, line);
	ok = ok || (wn > 0 && text_kept_contains(line, ln, want, wn));
	free(line);
	free(want);
	return ok;
}

static int
same_text(const struct src_line *a, const struct src_line *b)
{
	/* As normalising leaves them: control characters (but tab) out. */
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->n && ((unsigned char)a->s[i] < 0x20 ||
		    a->s[i] == 0x7f) && a->s[i] != '\t')
			i++;
		while (j < b->n && ((unsigned char)b->s[j] < 0x20 ||
		    b->s[j] == 0x7f) && b->s[j] != '\t')
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (a->s[i++] != b->s[j++])
			return 0;
	}
}

/*
 * Every dropped line is a line of the source, listed once, in order, and its
 * reason fits it (article.h, enum article_drop_reason).
 */
static void
check_dropped(const char *text, size_t size, const struct article *a)
{
	struct src_line *lines;
	size_t nlines = 0, pos = 0, i, j, n, count;

	char *clean = malloc(size + 1), *w = clean;

	lines = malloc((size + 1) * sizeof(*lines));
	CHECK(lines != NULL && clean != NULL);
	while (pos < size) {
		const char *s = text + pos;

		n = 0;
		while (pos + n < size && s[n] != '\n' && s[n] != '\r')
			n++;
		pos += n;
		if (pos < size && text[pos] == '\r' && pos + 1 < size &&
		    text[pos + 1] == '\n')
			pos += 2;
		else if (pos < size)
			pos++;
		/* Each line as normalising leaves it: its control
		 * characters (but tab) out, then trimmed. */
		n = text_kept_clean(s, n, w);
		lines[nlines].s = text_kept_trim(w, &n);
		lines[nlines].n = n;
		w += n + (size_t)(lines[nlines].s - w);
		nlines++;
	}
	for (i = 0; i < a->ndropped; i++) {
		const struct article_drop *d = &a->dropped[i];
		const struct src_line *l;

		CHECK(d->line < nlines);
		CHECK(i == 0 || a->dropped[i - 1].line < d->line);
		l = &lines[d->line];
		CHECK(l->n > 0);
		switch (d->reason) {
		case ARTICLE_DROP_FRONT_MATTER:
			CHECK(plausible_front_matter(l->s, l->n));
			break;
		case ARTICLE_DROP_TITLE:
			CHECK(plausible_title(l->s, l->n, a->title));
			break;
		case ARTICLE_DROP_RULE:
			CHECK(plausible_rule(l->s, l->n));
			break;
		case ARTICLE_DROP_PAGE_FOOTER:
			CHECK(plausible_footer(l->s, l->n));
			break;
		case ARTICLE_DROP_RUNNING_HEADER:
			/* Linear enough: the fuzzer's inputs are small. */
			for (j = 0, count = 0; j < nlines && count < 2; j++)
				count += same_text(&lines[j], l);
			CHECK(count >= 2);
			break;
		case ARTICLE_DROP_CONTENTS:
			CHECK(l->n < 200);
			break;
		case ARTICLE_DROP_SLOT:
			CHECK(l->n >= 12 && memcmp(l->s, "↓↓", 6) == 0 &&
			    memcmp(l->s + l->n - 6, "↓↓", 6) == 0);
			break;
		}
	}
	free(lines);
	free(clean);
}

/*
 * The Atom feed of the same list: valid UTF-8, and no character XML 1.0
 * forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF), and no '<' or '&'
 * from the text unescaped (each '<' opens one of the feed's own tags).
 */
static void
check_feed(const struct gemtext_site *site)
{
	struct feed f = { site, "gemini://localhost/articles/", "localhost" };
	struct gemtext_buf out;
	size_t i;

	memset(&out, 0, sizeof(out));
	CHECK(feed_atom(&f, &out) == 0);
	CHECK(utf8_is_valid(out.data, out.len));
	for (i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];

		CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
		CHECK(c != 0xef || i + 2 >= out.len ||
		    (unsigned char)out.data[i + 1] != 0xbf ||
		    ((unsigned char)out.data[i + 2] & 0xfe) != 0xbe);
		CHECK(c != '<' || (i + 1 < out.len &&
		    (out.data[i + 1] == '/' || out.data[i + 1] == '?' ||
		    (out.data[i + 1] >= 'a' && out.data[i + 1] <= 'z'))));
		CHECK(c != '&' || (i + 1 < out.len &&
		    out.data[i + 1] >= 'a' && out.data[i + 1] <= 'z'));
	}
	free(out.data);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *err = NULL, *miss;
	int valid = memchr(data, '\0', size) == NULL &&
	    utf8_is_valid(text, size);
	struct article *a, *other;
	struct gemtext_entry entries[2];
	struct gemtext_site site;
	struct gemtext_buf out, full;
	size_t n = 0;

	a = article_parse(text, size, &err);
	if (a == NULL) {
		CHECK(err != NULL);
		CHECK(!valid || strcmp(err, "out of memory") == 0);
		if (strcmp(err, "contains a NUL byte") == 0)
			CHECK(memchr(data, '\0', size) != NULL);
		else if (strcmp(err, "not valid UTF-8") == 0)
			CHECK(!utf8_is_valid(text, size));
		else
			CHECK(strcmp(err, "out of memory") == 0);
		return 0;
	}
	CHECK(valid);
	check_structure(a);
	check_dropped(text, size, a);
	other = article_parse(other_src, sizeof(other_src) - 1, &err);
	CHECK(other != NULL);

	memset(entries, 0, sizeof(entries));
	memset(&site, 0, sizeof(site));
	entries[0].slug = "fuzzed";
	entries[0].article = a;
	entries[0].date = "2024-04-01";
	entries[1].slug = "other";
	entries[1].article = other;
	site.lang = size > 0 && (data[0] & 1) ? "en" : "ja";
	site.entries = entries;
	site.nentries = 2;
	/* The title stands as the list's heading, as a capsule's would. */
	site.title = size > 0 && (data[0] & 2) ? a->title : NULL;

	memset(&out, 0, sizeof(out));
	check_page(&out, gemtext_listing(&site, &out), NULL);
	free(out.data);
	check_feed(&site);

	check_all_pages(&site, 1, &full);
	free(full.data);
	check_all_pages(&site, 0, &full);
	miss = text_kept_missing(text, size, a, full.data, full.len, &n);
	if (miss != NULL) {
		fprintf(stderr, "source line not in all.gmi: \"%.*s\"\n",
		    (int)n, miss);
		CHECK(miss == NULL);
	}
	free(full.data);

	article_free(other);
	article_free(a);
	return 0;
}
