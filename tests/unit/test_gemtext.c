/*
 * test_gemtext.c - tests for gemtext.c (links gemtext.c, article.c, utf8.c).
 *
 * Small articles are read with article_parse (or built by hand, for blocks
 * article.c may not make) and rendered; the expected pages are written out
 * in full, as a reader would see them. Every page rendered here also goes
 * through check_page(): it ends with "\n", holds no NUL, is valid UTF-8,
 * pairs its preformatted toggles, and links only relatively but for the
 * author's own links. The tests run from the
 * repository root (make unit), where the shipped articles are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "gemtext.h"
#include "text_kept.h"
#include "utf8.h"
#include "test_files.h"

/* --- helpers ---------------------------------------------------------------- */

enum page {
	PAGE_LISTING,
	PAGE_INDEX,
	PAGE_SECTION,
	PAGE_FULL,
};

static struct article *
parse(const char *text)
{
	const char *err = NULL;
	struct article *a = article_parse(text, strlen(text), &err);

	if (a == NULL)
		fail_msg("article_parse: %s", err != NULL ? err : "(NULL)");
	return a;
}

/* Whether url[0..n) is the target of an ARTICLE_LINK block of a. */
static int
author_link(const struct article *a, const char *url, size_t n)
{
	size_t i;

	for (i = 0; a != NULL && i < a->nblocks; i++)
		if (a->blocks[i].type == ARTICLE_LINK &&
		    a->blocks[i].len == n &&
		    memcmp(a->blocks[i].text, url, n) == 0)
			return 1;
	return 0;
}

/*
 * What every page must be, whatever it shows: ends with a newline, no NUL,
 * valid UTF-8, preformatted toggles in pairs (anything else would be
 * unescaped text), and every link relative but the author's own (an
 * ARTICLE_LINK block of a, the page's article; NULL for the list).
 */
static void
check_page(const char *what, const char *p, size_t len,
    const struct article *a)
{
	size_t i = 0;
	int pre = 0;

	if (len == 0 || p[len - 1] != '\n')
		fail_msg("%s: does not end with a newline", what);
	if (memchr(p, '\0', len) != NULL)
		fail_msg("%s: contains a NUL", what);
	if (!utf8_is_valid(p, len))
		fail_msg("%s: not valid UTF-8", what);
	while (i < len) {
		const char *line = p + i, *eol = memchr(line, '\n', len - i);
		size_t n = (size_t)(eol - line), t = 2, e;

		if (n >= 3 && memcmp(line, "```", 3) == 0)
			pre = !pre;
		else if (!pre && n >= 2 && memcmp(line, "=>", 2) == 0) {
			while (t < n && (line[t] == ' ' || line[t] == '\t'))
				t++;
			e = t;
			while (e < n && line[e] != ' ' && line[e] != '\t')
				e++;
			if (e == t || ((line[t] == '/' ||
			    text_kept_contains(line + t, e - t, "://", 3)) &&
			    !author_link(a, line + t, e - t)))
				fail_msg("%s: link not relative: \"%.*s\"",
				    what, (int)n, line);
		}
		i += n + 1;
	}
	if (pre)
		fail_msg("%s: a preformatted toggle is not closed", what);
}

/* Renders one page, checks it, returns it NUL-terminated. Free it. */
static char *
render(const struct gemtext_site *site, enum page kind, size_t index,
    size_t section)
{
	struct gemtext_buf out = { NULL, 0, 0, 0 };
	char what[64], *s;
	int rv = -1;

	switch (kind) {
	case PAGE_LISTING:
		rv = gemtext_listing(site, &out);
		break;
	case PAGE_INDEX:
		rv = gemtext_article_index(site, index, &out);
		break;
	case PAGE_SECTION:
		rv = gemtext_section(site, index, section, &out);
		break;
	case PAGE_FULL:
		rv = gemtext_full(site, index, &out);
		break;
	}
	snprintf(what, sizeof(what), "page %d of article %zu, section %zu",
	    (int)kind, index, section);
	if (rv != 0 || out.failed)
		fail_msg("%s: renderer returned %d", what, rv);
	check_page(what, out.data, out.len, kind == PAGE_LISTING ? NULL :
	    site->entries[index].article);
	if ((s = malloc(out.len + 1)) == NULL)
		fail_msg("out of memory");
	memcpy(s, out.data, out.len);
	s[out.len] = '\0';
	free(out.data);
	return s;
}

static void
expect_page(const struct gemtext_site *site, enum page kind, size_t index,
    size_t section, const char *want)
{
	char *got = render(site, kind, index, section);

	if (strcmp(got, want) != 0) {
		print_error("page %d, article %zu, section %zu:\n"
		    "--- want\n%s--- got\n%s---\n", (int)kind, index, section,
		    want, got);
		free(got);
		fail();
	}
	free(got);
}

/* How many times needle occurs in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* --- a tiny article, rendered in full -------------------------------------------- */

/* Marked headings (■ sections, ● sub-sections inside them), so that the
 * pages do not hang on how plain lines are read. */
static const char tiny_src[] =
    "title: 小さな記事\n"
    "前書きです。\n"
    "\n"
    "■第一節\n"
    "\n"
    "本文一。\n"
    "●小見出し\n"
    "- 項目\n"
    "\n"
    "■第二節\n"
    "\n"
    "●小見出し二\n"
    "本文二。\n"
    "「引用です。」\n"
    "↓↓【関連記事】↓↓\n"
    "\n"
    "■第三節\n"
    "\n"
    "結びです。\n";

static const char other_src[] = "title: 別の記事\n本文です。\n";

static const char tiny_index_ja[] =
    "# 小さな記事\n"
    "\n"
    "前書きです。\n"
    "\n"
    "## 目次\n"
    "\n"
    "=> 1.gmi 1. 第一節\n"
    "=> 2.gmi 2. 第二節\n"
    "=> 3.gmi 3. 第三節\n"
    "\n"
    "=> all.gmi 全文を1ページで読む\n"
    "=> ../tiny.txt 元のテキスト\n"
    "=> ../ 記事の一覧\n";

static const char tiny_section1_ja[] =
    "# 第一節\n"
    "\n"
    "本文一。\n"
    "\n"
    "## 小見出し\n"
    "\n"
    "* 項目\n"
    "\n"
    "=> 2.gmi 次へ: 2. 第二節\n"
    "=> ./ 目次: 小さな記事\n";

/* Alone in the capsule: the 関連記事 slot has nothing to link to. */
static const char tiny_section2_alone_ja[] =
    "# 第二節\n"
    "\n"
    "## 小見出し二\n"
    "\n"
    "本文二。\n"
    "\n"
    "> 「引用です。」\n"
    "\n"
    "=> 1.gmi 前へ: 1. 第一節\n"
    "=> 3.gmi 次へ: 3. 第三節\n"
    "=> ./ 目次: 小さな記事\n";

static const char tiny_section2_with_other_ja[] =
    "# 第二節\n"
    "\n"
    "## 小見出し二\n"
    "\n"
    "本文二。\n"
    "\n"
    "> 「引用です。」\n"
    "\n"
    "=> ../other/ 関連記事: 別の記事\n"
    "\n"
    "=> 1.gmi 前へ: 1. 第一節\n"
    "=> 3.gmi 次へ: 3. 第三節\n"
    "=> ./ 目次: 小さな記事\n";

static const char tiny_section3_ja[] =
    "# 第三節\n"
    "\n"
    "結びです。\n"
    "\n"
    "=> 2.gmi 前へ: 2. 第二節\n"
    "=> ./ 目次: 小さな記事\n";

static const char tiny_full_ja[] =
    "# 小さな記事\n"
    "\n"
    "前書きです。\n"
    "\n"
    "## 第一節\n"
    "\n"
    "本文一。\n"
    "\n"
    "### 小見出し\n"
    "\n"
    "* 項目\n"
    "\n"
    "## 第二節\n"
    "\n"
    "### 小見出し二\n"
    "\n"
    "本文二。\n"
    "\n"
    "> 「引用です。」\n"
    "\n"
    "## 第三節\n"
    "\n"
    "結びです。\n"
    "\n"
    "=> ./ 目次: 小さな記事\n";

static const char listing_ja[] =
    "# 記事の一覧\n"
    "\n"
    "=> tiny/ 小さな記事\n"
    "=> other/ 別の記事\n"
    "\n"
    "=> atom.xml Atom フィード\n"
    "=> ../ ホーム\n";

static void
test_tiny_japanese(void **state)
{
	struct article *tiny = parse(tiny_src), *other = parse(other_src);
	struct gemtext_entry entries[] = {
		{ "tiny", tiny, NULL, NULL },
		{ "other", other, NULL, NULL },
	};
	struct gemtext_site alone = { "ja", entries, 1, NULL, NULL, 0 };
	struct gemtext_site both = { "ja", entries, 2, NULL, NULL, 0 };

	(void)state;
	expect_page(&alone, PAGE_INDEX, 0, 0, tiny_index_ja);
	expect_page(&alone, PAGE_SECTION, 0, 1, tiny_section1_ja);
	expect_page(&alone, PAGE_SECTION, 0, 2, tiny_section2_alone_ja);
	expect_page(&alone, PAGE_SECTION, 0, 3, tiny_section3_ja);
	expect_page(&alone, PAGE_FULL, 0, 0, tiny_full_ja);
	expect_page(&both, PAGE_SECTION, 0, 2, tiny_section2_with_other_ja);
	expect_page(&both, PAGE_LISTING, 0, 0, listing_ja);
	/* The slot is in section 2 only: the others do not change. */
	expect_page(&both, PAGE_SECTION, 0, 1, tiny_section1_ja);
	expect_page(&both, PAGE_INDEX, 0, 0, tiny_index_ja);
	article_free(tiny);
	article_free(other);
}

static const char tiny_index_en[] =
    "# 小さな記事\n"
    "\n"
    "前書きです。\n"
    "\n"
    "## Contents\n"
    "\n"
    "=> 1.gmi 1. 第一節\n"
    "=> 2.gmi 2. 第二節\n"
    "=> 3.gmi 3. 第三節\n"
    "\n"
    "=> all.gmi The whole article on one page\n"
    "=> ../tiny.txt Source text\n"
    "=> ../ All articles\n";

static const char tiny_section2_en[] =
    "# 第二節\n"
    "\n"
    "## 小見出し二\n"
    "\n"
    "本文二。\n"
    "\n"
    "> 「引用です。」\n"
    "\n"
    "=> ../other/ Related: 別の記事\n"
    "\n"
    "=> 1.gmi Previous: 1. 第一節\n"
    "=> 3.gmi Next: 3. 第三節\n"
    "=> ./ Contents: 小さな記事\n";

static const char listing_en[] =
    "# Articles\n"
    "\n"
    "=> tiny/ 小さな記事\n"
    "=> other/ 別の記事\n"
    "\n"
    "=> atom.xml Atom feed\n"
    "=> ../ Home\n";

static void
test_tiny_english(void **state)
{
	struct article *tiny = parse(tiny_src), *other = parse(other_src);
	struct gemtext_entry entries[] = {
		{ "tiny", tiny, NULL, NULL },
		{ "other", other, NULL, NULL },
	};
	struct gemtext_site both = { "en", entries, 2, NULL, NULL, 0 };

	(void)state;
	/* Labels in the capsule's language: the article's own is taken as
	 * unknown (its text alone would make it "ja"). */
	tiny->lang = NULL;
	expect_page(&both, PAGE_INDEX, 0, 0, tiny_index_en);
	expect_page(&both, PAGE_SECTION, 0, 2, tiny_section2_en);
	expect_page(&both, PAGE_LISTING, 0, 0, listing_en);
	article_free(tiny);
	article_free(other);
}

/* --- labels follow the capsule's language ------------------------------------- */

static void
test_labels_by_language(void **state)
{
	static const struct {
		const char *lang;
		int japanese;
	} cases[] = {
		{ "ja", 1 }, { "ja-JP", 1 }, { "ja,en", 1 },
		{ "en", 0 }, { "en-US", 0 }, { "fr", 0 }, { "", 0 },
	};
	struct article *tiny = parse(tiny_src);
	struct gemtext_entry entry = { "tiny", tiny, NULL, NULL };
	size_t i;

	(void)state;
	/* Labels in the capsule's language: the article's own is taken as
	 * unknown (its text alone would make it "ja"). */
	tiny->lang = NULL;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gemtext_site site = { cases[i].lang, &entry, 1, NULL, NULL, 0 };
		char *sec = render(&site, PAGE_SECTION, 0, 2);
		char *idx = render(&site, PAGE_INDEX, 0, 0);
		char *full = render(&site, PAGE_FULL, 0, 0);
		int ja = cases[i].japanese;
		const char *prev = ja ? "=> 1.gmi 前へ: 1. 第一節\n" :
		    "=> 1.gmi Previous: 1. 第一節\n";
		const char *next = ja ? "=> 3.gmi 次へ: 3. 第三節\n" :
		    "=> 3.gmi Next: 3. 第三節\n";
		const char *toc = ja ? "=> ./ 目次: 小さな記事\n" :
		    "=> ./ Contents: 小さな記事\n";
		const char *contents = ja ? "## 目次\n" : "## Contents\n";

		if (strstr(sec, prev) == NULL || strstr(sec, next) == NULL ||
		    strstr(sec, toc) == NULL || strstr(full, toc) == NULL ||
		    strstr(idx, contents) == NULL)
			fail_msg("lang \"%s\": want %s labels, got\n%s%s",
			    cases[i].lang, ja ? "Japanese" : "English", sec,
			    idx);
		if (ja ? strstr(idx, "全文") == NULL :
		    strstr(idx, "全文") != NULL)
			fail_msg("lang \"%s\": full-page label", cases[i].lang);
		free(sec);
		free(idx);
		free(full);
	}
	article_free(tiny);
}

/* --- the 関連記事 slot ------------------------------------------------------------- */

static void
test_related_links(void **state)
{
	struct article *tiny = parse(tiny_src);
	struct article *b = parse("title: 記事B\n本文です。\n");
	struct article *c = parse("title: 記事C\n本文です。\n");
	/* tiny in the middle: the links wrap around the list. */
	struct gemtext_entry entries[] = {
		{ "b", b, NULL, NULL }, { "tiny", tiny, NULL, NULL }, { "c", c, NULL, NULL },
	};
	struct gemtext_site site = { "ja", entries, 3, NULL, NULL, 0 };
	char *sec = render(&site, PAGE_SECTION, 1, 2);
	char *full = render(&site, PAGE_FULL, 1, 0);
	char *other = render(&site, PAGE_FULL, 0, 0);
	const char *pages[] = { sec, full };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		if (count(pages[i], "\n=> ../b/ 関連記事: 記事B\n") != 1 ||
		    count(pages[i], "\n=> ../c/ 関連記事: 記事C\n") != 1 ||
		    count(pages[i], "=> ../tiny/") != 0 ||
		    count(pages[i], "関連記事") != 2)
			fail_msg("want one link per other article, got\n%s",
			    pages[i]);
		/* The slot itself is never printed. */
		assert_null(strstr(pages[i], "↓↓"));
	}
	/* An article without the slot links nothing. */
	assert_null(strstr(other, "関連記事"));
	free(sec);
	free(full);
	free(other);

	/* Alone, the slot disappears, leaving no empty link run. */
	site.entries = &entries[1];
	site.nentries = 1;
	sec = render(&site, PAGE_SECTION, 0, 2);
	full = render(&site, PAGE_FULL, 0, 0);
	assert_null(strstr(sec, "関連記事"));
	assert_null(strstr(full, "関連記事"));
	assert_null(strstr(sec, "\n\n\n"));
	assert_null(strstr(full, "\n\n\n"));
	free(sec);
	free(full);
	article_free(tiny);
	article_free(b);
	article_free(c);
}

/* gemtext.h: the next articles of the list, wrapping around, at most five. */
static void
test_related_at_most_five(void **state)
{
	static const char *const slugs[] = { "a", "b", "c", "d", "tiny", "f",
	    "g" };
	struct article *tiny = parse(tiny_src), *plain = parse("本文です。\n");
	struct gemtext_entry entries[7];
	struct gemtext_site site = { "en", entries, 7, NULL, NULL, 0 };
	char *sec;
	size_t i;

	(void)state;
	memset(entries, 0, sizeof(entries));
	/* Labels in the capsule's language: the article's own is taken as
	 * unknown (its text alone would make it "ja"). */
	tiny->lang = NULL;
	for (i = 0; i < 7; i++) {
		entries[i].slug = slugs[i];
		entries[i].article = i == 4 ? tiny : plain;
		entries[i].date = NULL;
	}
	sec = render(&site, PAGE_SECTION, 4, 2);
	assert_non_null(strstr(sec,
	    "\n\n=> ../f/ Related: 本文です。\n"
	    "=> ../g/ Related: 本文です。\n"
	    "=> ../a/ Related: 本文です。\n"
	    "=> ../b/ Related: 本文です。\n"
	    "=> ../c/ Related: 本文です。\n\n"));
	assert_int_equal(count(sec, "Related: "), 5);
	free(sec);
	article_free(tiny);
	article_free(plain);
}

/* --- text that would read as gemtext markup ------------------------------------- */

/* "* " and "# " are a list item and a Markdown heading in the source too
 * (article.h): the lines here are text in both readings. */
static const char sym_src[] =
    "title: 記号\n"
    "=> リンクではない。\n"
    "#タグではない。\n"
    ">引用ではない。\n"
    "*星ではない。\n"
    "```コードではない。\n"
    "\n"
    "■節\n"
    "\n"
    "=> 節の中のリンクではない。\n"
    "#節の中の見出しではない。\n"
    "- => リストの中。\n";

static const char sym_index[] =
    "# 記号\n"
    "\n"
    " => リンクではない。\n"
    " #タグではない。\n"
    " >引用ではない。\n"
    "*星ではない。\n"
    " ```コードではない。\n"
    "\n"
    "## 目次\n"
    "\n"
    "=> 1.gmi 1. 節\n"
    "\n"
    "=> all.gmi 全文を1ページで読む\n"
    "=> ../sym.txt 元のテキスト\n"
    "=> ../ 記事の一覧\n";

static const char sym_section[] =
    "# 節\n"
    "\n"
    " => 節の中のリンクではない。\n"
    " #節の中の見出しではない。\n"
    "\n"
    "* => リストの中。\n"
    "\n"
    "=> ./ 目次: 記号\n";

static void
test_escapes(void **state)
{
	struct article *sym = parse(sym_src);
	struct gemtext_entry entry = { "sym", sym, NULL, NULL };
	struct gemtext_site site = { "ja", &entry, 1, NULL, NULL, 0 };
	char *full;

	(void)state;
	expect_page(&site, PAGE_INDEX, 0, 0, sym_index);
	expect_page(&site, PAGE_SECTION, 0, 1, sym_section);
	full = render(&site, PAGE_FULL, 0, 0);
	assert_non_null(strstr(full, "\n\n => リンクではない。\n"));
	assert_non_null(strstr(full, "\n ```コードではない。\n"));
	assert_non_null(strstr(full, "\n #節の中の見出しではない。\n"));
	free(full);
	article_free(sym);
}

/* --- preformatted blocks and the author's links -------------------------------- */

/*
 * Built by hand: article.c does not make these blocks yet, and the pages
 * must not depend on how a source is read.
 */
static struct article_block code_blocks[] = {
	{ .type = ARTICLE_PARAGRAPH, .text = "Before the code.", .len = 16 },
	{ .type = ARTICLE_PREFORMATTED,
	    .text = "# a comment\n=> not a link\n\nprint(1)", .len = 35,
	    .alt = "python" },
	{ .type = ARTICLE_PREFORMATTED, .text = "", .len = 0, .alt = "" },
	{ .type = ARTICLE_PREFORMATTED, .text = "```inside\n", .len = 10,
	    .alt = "" },
	{ .type = ARTICLE_LINK, .text = "gemini://example.org/", .len = 21,
	    .alt = "An example" },
	{ .type = ARTICLE_LINK, .text = "https://example.org/a?b=c", .len = 25,
	    .alt = "" },
	{ .type = ARTICLE_PARAGRAPH, .text = "After.", .len = 6 },
	{ .type = ARTICLE_LINK, .text = "not a url", .len = 9, .alt = "label" },
};

static struct article_section code_sections[] = {
	{ "Code", 0, 8 },
};

static const char code_section[] =
    "# Code\n"
    "\n"
    "Before the code.\n"
    "\n"
    "```python\n"
    "# a comment\n"
    "=> not a link\n"
    "\n"
    "print(1)\n"
    "```\n"
    "\n"
    "```\n"
    "```\n"
    "\n"
    "```\n"
    " ```inside\n"
    "\n"
    "```\n"
    "\n"
    "=> gemini://example.org/ An example\n"
    "=> https://example.org/a?b=c\n"
    "\n"
    "After.\n"
    "not a url\n"
    "label\n"
    "\n"
    "=> ./ Contents: Code and links\n";

static void
test_preformatted_and_links(void **state)
{
	struct article a = {
		.title = "Code and links", .lang = "en",
		.blocks = code_blocks, .nblocks = 8, .nlead = 0,
		.sections = code_sections, .nsections = 1,
	};
	struct gemtext_entry entry = { "code", &a, NULL, NULL };
	struct gemtext_site site = { "ja", &entry, 1, NULL, NULL, 0 };
	char *full;

	(void)state;
	expect_page(&site, PAGE_SECTION, 0, 1, code_section);
	full = render(&site, PAGE_FULL, 0, 0);
	assert_non_null(strstr(full, "\n## Code\n\nBefore the code.\n\n"
	    "```python\n# a comment\n"));
	assert_int_equal(count(full, "```"), 7);
	free(full);
}

/* --- an article's own language chooses its labels ------------------------------ */

static const char tiny_section2_en_in_ja[] =
    "# 第二節\n"
    "\n"
    "## 小見出し二\n"
    "\n"
    "本文二。\n"
    "\n"
    "> 「引用です。」\n"
    "\n"
    "=> ../other/ Related: 別の記事\n"
    "\n"
    "=> 1.gmi Previous: 1. 第一節\n"
    "=> 3.gmi Next: 3. 第三節\n"
    "=> ./ Contents: 小さな記事\n";

static void
test_english_article_in_japanese_capsule(void **state)
{
	static const char *const english[] = {
		"## Contents\n", "=> all.gmi The whole article on one page\n",
		"=> ../tiny.txt Source text\n", "=> ../ All articles\n",
	};
	struct article *tiny = parse(tiny_src), *other = parse(other_src);
	struct gemtext_entry entries[] = {
		{ "tiny", tiny, NULL, NULL },
		{ "other", other, NULL, NULL },
	};
	struct gemtext_site site = { "ja", entries, 2, NULL, NULL, 0 };
	char *idx, *full, *list;
	size_t i;

	(void)state;
	/* As "lang: en" front matter would set it (article.h). */
	tiny->lang = "en";
	idx = render(&site, PAGE_INDEX, 0, 0);
	for (i = 0; i < sizeof(english) / sizeof(english[0]); i++)
		if (strstr(idx, english[i]) == NULL)
			fail_msg("want \"%s\" in\n%s", english[i], idx);
	expect_page(&site, PAGE_SECTION, 0, 2, tiny_section2_en_in_ja);
	full = render(&site, PAGE_FULL, 0, 0);
	assert_non_null(strstr(full, "\n=> ./ Contents: 小さな記事\n"));
	/* The list and the other article keep the capsule's language. */
	list = render(&site, PAGE_LISTING, 0, 0);
	assert_non_null(strstr(list, "# 記事の一覧\n"));
	assert_non_null(strstr(list, "=> tiny/ 小さな記事\n"));
	free(idx);
	free(full);
	free(list);
	idx = render(&site, PAGE_INDEX, 1, 0);
	assert_non_null(strstr(idx, "=> ../ 記事の一覧\n"));
	free(idx);
	/* And the other way round: a Japanese article in an English capsule. */
	tiny->lang = "ja";
	site.lang = "en";
	idx = render(&site, PAGE_INDEX, 0, 0);
	assert_non_null(strstr(idx, "\n## 目次\n"));
	assert_non_null(strstr(idx, "\n=> all.gmi 全文を1ページで読む\n"));
	free(idx);
	article_free(tiny);
	article_free(other);
}

/* --- small articles: one page, and the singular ----------------------------- */

static struct article_block small_blocks[] = {
	{ .type = ARTICLE_PARAGRAPH, .text = "A short note.", .len = 13 },
	{ .type = ARTICLE_SUBHEADING, .text = "An aside", .len = 8 },
	{ .type = ARTICLE_LIST_ITEM, .text = "1. one", .len = 6 },
	{ .type = ARTICLE_LIST_ITEM, .text = "2. two", .len = 6 },
	{ .type = ARTICLE_PARAGRAPH, .text = "The end.", .len = 8 },
};

static const char small_index[] =
    "# A note\n"
    "\n"
    "A short note.\n"
    "\n"
    "## An aside\n"
    "\n"
    "* 1. one\n"
    "* 2. two\n"
    "\n"
    "The end.\n"
    "\n"
    "=> ../note.txt Source text\n"
    "=> ../ All articles\n";

/* all.gmi keeps its layout: a sub-heading is "###". */
static const char small_full[] =
    "# A note\n"
    "\n"
    "A short note.\n"
    "\n"
    "### An aside\n"
    "\n"
    "* 1. one\n"
    "* 2. two\n"
    "\n"
    "The end.\n"
    "\n"
    "=> ../note.txt Source text\n"
    "=> ../ All articles\n";

static struct article_block one_blocks[] = {
	{ .type = ARTICLE_PARAGRAPH, .text = "Lead.", .len = 5 },
	{ .type = ARTICLE_PARAGRAPH, .text = "Body.", .len = 5 },
};

static struct article_section one_sections[] = {
	{ "The only section", 1, 1 },
};

static void
test_small_articles(void **state)
{
	static const struct {
		const char *lang;
		const char *listing;
	} cases[] = {
		{ "en", "# Articles\n\n"
		    "=> note/ A note\n"
		    "=> one/ One\n"
		    "=> tiny/ 小さな記事\n\n"
		    "=> atom.xml Atom feed\n=> ../ Home\n" },
		{ "ja", "# 記事の一覧\n\n"
		    "=> note/ A note\n"
		    "=> one/ One\n"
		    "=> tiny/ 小さな記事\n\n"
		    "=> atom.xml Atom フィード\n=> ../ ホーム\n" },
	};
	struct article note = {
		.title = "A note", .blocks = small_blocks, .nblocks = 5,
		.nlead = 5,
	};
	struct article one = {
		.title = "One", .blocks = one_blocks, .nblocks = 2,
		.nlead = 1, .sections = one_sections, .nsections = 1,
	};
	struct article *tiny = parse(tiny_src);
	struct gemtext_entry entries[] = {
		{ "note", &note, NULL, NULL }, { "one", &one, NULL, NULL }, { "tiny", tiny, NULL, NULL },
	};
	struct gemtext_site site = { "en", entries, 3, NULL, NULL, 0 };
	char *page;
	size_t i;

	(void)state;
	expect_page(&site, PAGE_INDEX, 0, 0, small_index);
	expect_page(&site, PAGE_FULL, 0, 0, small_full);
	page = render(&site, PAGE_INDEX, 1, 0);
	assert_non_null(strstr(page, "\n## Contents\n\n"
	    "=> 1.gmi 1. The only section\n\n=> all.gmi "));
	free(page);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		site.lang = cases[i].lang;
		expect_page(&site, PAGE_LISTING, 0, 0, cases[i].listing);
	}
	/* Japanese one-page article: no 目次, no 全文 link. */
	page = render(&site, PAGE_INDEX, 0, 0);
	assert_null(strstr(page, "目次"));
	assert_null(strstr(page, "all.gmi"));
	assert_non_null(strstr(page, "=> ../note.txt 元のテキスト\n"));
	free(page);
	article_free(tiny);
}

/* --- headings with their own numbers are not numbered again ------------------ */

static void
test_numbered_headings(void **state)
{
	struct article *a = parse("Title\n\nIntro text here.\n\n"
	    "1. Why I gave up\n\nText one.\n\n2. The gear\n\nText two.\n\n"
	    "3. The end\n\nText three.\n");
	struct gemtext_entry entries[] = { { "bike", a, NULL, NULL } };
	struct gemtext_site site = { "en", entries, 1, NULL, NULL, 0 };
	char *page;

	(void)state;
	page = render(&site, PAGE_INDEX, 0, 0);
	assert_non_null(strstr(page, "=> 1.gmi 1. Why I gave up\n"
	    "=> 2.gmi 2. The gear\n=> 3.gmi 3. The end\n"));
	free(page);
	page = render(&site, PAGE_SECTION, 0, 2);
	assert_non_null(strstr(page, "=> 1.gmi Previous: 1. Why I gave up\n"
	    "=> 3.gmi Next: 3. The end\n"));
	free(page);
	article_free(a);
}

/* --- the list as a gemfeed: title, intro, dated entries -------------------------- */

static void
test_listing_is_a_gemfeed(void **state)
{
	static const char intro_plain[] = "Notes on <things>.\n=> ../about/ About";
	static const char intro_titled[] = "\n# My journal\n## Slow notes\n";
	static const char intro_open[] = "```\nart";
	static const struct {
		const char *name;
		const char *title;
		const char *intro;
		const char *want;
	} cases[] = {
		{ "title only", "My capsule", NULL,
		    "# My capsule\n\n## Articles\n\n"
		    "=> new/ 2024-05-02 New & <shiny>\n"
		    "=> old/ 2023-12-31 Old\n\n"
		    "=> atom.xml Atom feed\n=> ../ Home\n" },
		{ "intro under the title", "My capsule", intro_plain,
		    "# My capsule\n\nNotes on <things>.\n=> ../about/ About\n\n"
		    "## Articles\n\n"
		    "=> new/ 2024-05-02 New & <shiny>\n"
		    "=> old/ 2023-12-31 Old\n\n"
		    "=> atom.xml Atom feed\n=> ../ Home\n" },
		{ "the intro's own title stands", "My capsule", intro_titled,
		    "\n# My journal\n## Slow notes\n\n## Articles\n\n"
		    "=> new/ 2024-05-02 New & <shiny>\n"
		    "=> old/ 2023-12-31 Old\n\n"
		    "=> atom.xml Atom feed\n=> ../ Home\n" },
		{ "an open preformatted block is closed", NULL, intro_open,
		    "# Articles\n\n```\nart\n```\n\n## Articles\n\n"
		    "=> new/ 2024-05-02 New & <shiny>\n"
		    "=> old/ 2023-12-31 Old\n\n"
		    "=> atom.xml Atom feed\n=> ../ Home\n" },
	};
	struct article a = { .title = "New & <shiny>" };
	struct article b = { .title = "Old" };
	struct gemtext_entry entries[] = {
		{ "new", &a, NULL, "2024-05-02" }, { "old", &b, NULL, "2023-12-31" },
	};
	struct gemtext_site site = { "en", entries, 2, NULL, NULL, 0 };
	char *page;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		site.title = cases[i].title;
		site.intro = cases[i].intro;
		site.intro_len = cases[i].intro != NULL ?
		    strlen(cases[i].intro) : 0;
		page = render(&site, PAGE_LISTING, 0, 0);
		if (strcmp(page, cases[i].want) != 0)
			fail_msg("%s:\n%s\nwant:\n%s", cases[i].name, page,
			    cases[i].want);
		free(page);
	}
}

/* --- the shipped articles: every page well formed, no text lost ------------------ */


static void
test_shipped_articles(void **state)
{
	static const char *const slugs[] = {
		"arafo-fuufu-kokoro-no-kyori", "kokoro-no-tsunagari",
	};
	char *src[2], path[256];
	size_t len[2], i, j;
	struct article *a[2];
	struct gemtext_entry entries[2];
	struct gemtext_site site = { "ja", entries, 2, NULL, NULL, 0 };
	char *page;

	(void)state;
	memset(entries, 0, sizeof(entries));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "tests/golden/input/articles/%s.txt",
		    slugs[i]);
		src[i] = read_all(path, &len[i]);
		a[i] = parse(src[i]);
		entries[i].slug = slugs[i];
		entries[i].article = a[i];
		/* Their front matter's, as pages.c would take them. */
		entries[i].date = a[i]->date;
	}
	page = render(&site, PAGE_LISTING, 0, 0);
	assert_non_null(strstr(page, "\n=> arafo-fuufu-kokoro-no-kyori/ "
	    "2025-11-20 アラフォー夫婦"));
	assert_non_null(strstr(page, "\n=> kokoro-no-tsunagari/ 2025-10-05 "
	    "心の繋がり"));
	free(page);
	for (i = 0; i < 2; i++) {
		size_t n = 0;
		const char *miss;

		free(render(&site, PAGE_INDEX, i, 0));
		for (j = 1; j <= a[i]->nsections; j++)
			free(render(&site, PAGE_SECTION, i, j));
		page = render(&site, PAGE_FULL, i, 0);
		miss = text_kept_missing(src[i], len[i], a[i], page,
		    strlen(page), &n);
		if (miss != NULL)
			fail_msg("%s: source line \"%.*s\" is not in all.gmi",
			    slugs[i], (int)n, miss);
		free(page);
	}
	/* kokoro-no-tsunagari's two slots each link the other article. */
	page = render(&site, PAGE_FULL, 1, 0);
	assert_int_equal(count(page,
	    "=> ../arafo-fuufu-kokoro-no-kyori/ 関連記事: "), 2);
	free(page);
	for (i = 0; i < 2; i++) {
		article_free(a[i]);
		free(src[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_japanese),
		cmocka_unit_test(test_tiny_english),
		cmocka_unit_test(test_labels_by_language),
		cmocka_unit_test(test_related_links),
		cmocka_unit_test(test_related_at_most_five),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_preformatted_and_links),
		cmocka_unit_test(test_english_article_in_japanese_capsule),
		cmocka_unit_test(test_small_articles),
		cmocka_unit_test(test_numbered_headings),
		cmocka_unit_test(test_listing_is_a_gemfeed),
		cmocka_unit_test(test_shipped_articles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
