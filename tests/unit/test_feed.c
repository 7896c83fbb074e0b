/*
 * test_feed.c - tests for feed.c (links feed.c, gemtext.c, utf8.c): the
 * escaping table, and whole feeds written out as a feed reader gets them.
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
#include "feed.h"
#include "gemtext.h"

/* --- feed_escape ---------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *in;
	size_t len;             /* 0: strlen(in) */
	const char *want;
} escape_cases[] = {
	{ "plain", "Hello", 0, "Hello" },
	{ "empty", "", 0, "" },
	{ "markup", "<b>&amp;</b>", 0, "&lt;b&gt;&amp;amp;&lt;/b&gt;" },
	{ "quotes", "\"it's\"", 0, "&quot;it&apos;s&quot;" },
	{ "japanese kept", "「心」の距離", 0, "「心」の距離" },
	{ "tab, LF, CR kept", "a\tb\nc\rd", 0, "a\tb\nc\rd" },
	{ "C0 controls dropped", "a\x01" "b\x1b[1mc\x1f", 0, "ab[1mc" },
	{ "NUL dropped", "a\0b", 3, "ab" },
	{ "DEL and C1 allowed by XML 1.0", "a\x7f" "b\xc2\x85", 0,
	    "a\x7f" "b\xc2\x85" },
	{ "U+FFFE and U+FFFF dropped", "a\xef\xbf\xbe" "b\xef\xbf\xbf" "c", 0,
	    "abc" },
	{ "U+FFFD kept", "\xef\xbf\xbd", 0, "\xef\xbf\xbd" },
	{ "emoji kept", "\xf0\x9f\x8c\xb8", 0, "\xf0\x9f\x8c\xb8" },
	{ "stray bytes dropped", "a\xff" "b\xc3" "c\xed\xa0\x80" "d", 0, "abcd" },
	{ "truncated character dropped", "x\xe3\x81", 0, "x" },
	{ "entity-like text", "&lt;", 0, "&amp;lt;" },
};

static void
test_escape_table(void **state)
{
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++) {
		struct gemtext_buf out = { NULL, 0, 0, 0 };

		len = escape_cases[i].len != 0 ? escape_cases[i].len :
		    strlen(escape_cases[i].in);
		feed_escape(&out, escape_cases[i].in, len);
		if (out.len != strlen(escape_cases[i].want) || (out.len > 0 &&
		    memcmp(out.data, escape_cases[i].want, out.len) != 0))
			fail_msg("%s: \"%.*s\", want \"%s\"", escape_cases[i].name,
			    (int)out.len, out.data != NULL ? out.data : "",
			    escape_cases[i].want);
		free(out.data);
	}
}

/* --- whole feeds ---------------------------------------------------------------- */

static char *
render(const struct feed *f)
{
	struct gemtext_buf out = { NULL, 0, 0, 0 };
	char *s;

	if (feed_atom(f, &out) != 0 || out.failed)
		fail_msg("feed_atom failed");
	if ((s = malloc(out.len + 1)) == NULL)
		fail_msg("out of memory");
	memcpy(s, out.data, out.len);
	s[out.len] = '\0';
	free(out.data);
	return s;
}

static void
expect_feed(const struct feed *f, const char *want)
{
	char *got = render(f);

	if (strcmp(got, want) != 0)
		fail_msg("feed:\n%s\nwant:\n%s", got, want);
	free(got);
}

static struct article_block lead_blocks[] = {
	{ .type = ARTICLE_PARAGRAPH, .text = "A <lead> & more.", .len = 16 },
	{ .type = ARTICLE_LINK, .text = "gemini://x/", .len = 11,
	    .alt = "Its \"label\"" },
	{ .type = ARTICLE_LIST_ITEM, .text = "An item", .len = 7 },
	{ .type = ARTICLE_PARAGRAPH, .text = "Section text.", .len = 13 },
};

static struct article_section one_section[] = {
	{ "Part", 3, 1 },
};

static const char two_entries[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n"
    "  <title>Tom &amp; Jerry&apos;s &lt;capsule&gt;</title>\n"
    "  <id>gemini://example.org:1966/articles/</id>\n"
    "  <link href=\"gemini://example.org:1966/articles/\"/>\n"
    "  <link rel=\"self\" href=\"gemini://example.org:1966/articles/atom.xml\"/>\n"
    "  <updated>2024-05-02T00:00:00Z</updated>\n"
    "  <author>\n"
    "    <name>example.org</name>\n"
    "  </author>\n"
    "  <entry>\n"
    "    <title>&quot;Quoted&quot; &lt;new&gt;</title>\n"
    "    <id>gemini://example.org:1966/articles/new%20one/</id>\n"
    "    <link href=\"gemini://example.org:1966/articles/new%20one/\"/>\n"
    "    <updated>2024-05-02T00:00:00Z</updated>\n"
    "    <summary>A &lt;lead&gt; &amp; more.\n"
    "An item</summary>\n"
    "  </entry>\n"
    "  <entry>\n"
    "    <title>old</title>\n"
    "    <id>gemini://example.org:1966/articles/old/</id>\n"
    "    <link href=\"gemini://example.org:1966/articles/old/\"/>\n"
    "    <updated>2023-12-31T00:00:00Z</updated>\n"
    "    <summary>Section text.</summary>\n"
    "  </entry>\n"
    "</feed>\n";

static const char no_entries[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
    "  <title>localhost</title>\n"
    "  <id>gemini://localhost/articles/</id>\n"
    "  <link href=\"gemini://localhost/articles/\"/>\n"
    "  <link rel=\"self\" href=\"gemini://localhost/articles/atom.xml\"/>\n"
    "  <updated>1970-01-01T00:00:00Z</updated>\n"
    "  <author>\n"
    "    <name>localhost</name>\n"
    "  </author>\n"
    "</feed>\n";

static void
test_feed_documents(void **state)
{
	struct article with_lead = {
		.title = "\"Quoted\" <new>", .blocks = lead_blocks,
		.nblocks = 4, .nlead = 3, .sections = one_section,
		.nsections = 1,
	};
	/* No title, no lead: the slug names it, its first section's
	 * paragraph sums it up. */
	struct article bare = { .title = "", .blocks = lead_blocks + 3,
		.nblocks = 1, .nlead = 0, .sections = one_section,
		.nsections = 1 };
	struct gemtext_entry entries[] = {
		{ "new one", &with_lead, NULL, "2024-05-02" },
		{ "old", &bare, NULL, "2023-12-31" },
	};
	struct gemtext_site site = { "ja,en", entries, 2,
		"Tom & Jerry's <capsule>", NULL, 0 };
	struct feed f = { &site, "gemini://example.org:1966/articles/",
		"example.org" };
	struct gemtext_site empty = { "ja-JP x", NULL, 0, NULL, NULL, 0 };
	struct feed none = { &empty, "gemini://localhost/articles/",
		"localhost" };

	(void)state;
	expect_feed(&f, two_entries);
	expect_feed(&none, no_entries);
}

/* The feed's updated is the newest date, wherever it stands. */
static void
test_updated_is_the_newest(void **state)
{
	struct article a = { .title = "A" };
	struct gemtext_entry entries[] = {
		{ "a", &a, NULL, "2020-01-01" }, { "b", &a, NULL, "2024-02-29" },
		{ "c", &a, NULL, NULL }, { "d", &a, NULL, "2021-06-30" },
	};
	struct gemtext_site site = { "en", entries, 4, "T", NULL, 0 };
	struct feed f = { &site, "gemini://h/articles/", "h" };
	char *got = render(&f);
	const char *feed_updated = strstr(got, "<updated>");

	(void)state;
	assert_non_null(feed_updated);
	assert_memory_equal(feed_updated, "<updated>2024-02-29T00:00:00Z",
	    strlen("<updated>2024-02-29T00:00:00Z"));
	/* The undated entry still has an updated element (RFC 4287). */
	assert_non_null(strstr(got, "<updated>1970-01-01T00:00:00Z</updated>"));
	free(got);
}

/* The gemfeed and the Atom feed have one title: the intro's heading wins. */
static void
test_title_is_the_lists(void **state)
{
	static const struct {
		const char *intro, *title, *want;
	} cases[] = {
		{ "\n# Notes & <more>  \r\nHello.\n", "Capsule",
		    "<title>Notes &amp; &lt;more&gt;</title>" },
		{ "# Last line, no newline", NULL,
		    "<title>Last line, no newline</title>" },
		{ "Hello.\n# Not first\n", "Capsule", "<title>Capsule</title>" },
		{ "  # indented\n", "Capsule", "<title>Capsule</title>" },
		{ "#  \n", "Capsule", "<title>Capsule</title>" },
		{ "#  \n", NULL, "<title>h</title>" },
		{ NULL, NULL, "<title>h</title>" },
	};
	struct article a = { .title = "A" };
	struct gemtext_entry entries[] = { { "a", &a, NULL, "2020-01-01" } };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gemtext_site site = { .lang = "en", .entries = entries,
			.nentries = 1, .title = cases[i].title,
			.intro = cases[i].intro,
			.intro_len = cases[i].intro != NULL ?
			    strlen(cases[i].intro) : 0 };
		struct feed f = { &site, "gemini://h/articles/", "h" };
		char *got = render(&f);

		if (strstr(got, cases[i].want) == NULL)
			fail_msg("case %zu: want %s in\n%s", i, cases[i].want,
			    got);
		free(got);
	}
}

/*
 * The summary is prose: the lead's paragraphs, items and quotes, without
 * the links gathered after them (their labels are in the text already),
 * code or headings; with no prose before the first section, the first
 * paragraph after it (a Markdown title and "# " heading, a text that opens
 * with a section); with no paragraph at all, none.
 */
static void
test_summary_is_prose(void **state)
{
	static struct article_block md_lead[] = {
		{ .type = ARTICLE_PARAGRAPH, .text = "See a link.", .len = 11 },
		{ .type = ARTICLE_LINK, .text = "gemini://x/", .len = 11,
		    .alt = "a link" },
		{ .type = ARTICLE_PREFORMATTED, .text = "int x;", .len = 6,
		    .alt = "c" },
		{ .type = ARTICLE_SUBHEADING, .text = "Aside", .len = 5 },
		{ .type = ARTICLE_QUOTE, .text = "Said.", .len = 5,
		    .quote_start = 1 },
		{ .type = ARTICLE_PARAGRAPH, .text = "Later.", .len = 6 },
	};
	static struct article_block no_lead[] = {
		{ .type = ARTICLE_LINK, .text = "gemini://x/", .len = 11,
		    .alt = "" },
		{ .type = ARTICLE_PREFORMATTED, .text = "", .len = 0,
		    .alt = "" },
		{ .type = ARTICLE_LIST_ITEM, .text = "An item", .len = 7 },
		{ .type = ARTICLE_PARAGRAPH, .text = "First <one>.", .len = 12 },
		{ .type = ARTICLE_LINK, .text = "gemini://y/", .len = 11,
		    .alt = "one" },
		{ .type = ARTICLE_PARAGRAPH, .text = "Second.", .len = 7 },
	};
	static struct article_block code_only[] = {
		{ .type = ARTICLE_PREFORMATTED, .text = "x", .len = 1,
		    .alt = "" },
	};
	static struct article_section lead_sections[] = {
		{ .heading = "S", .first = 5, .count = 1 },
	};
	static struct article_section no_lead_sections[] = {
		{ .heading = "Links", .first = 2, .count = 1 },
		{ .heading = "Text", .first = 3, .count = 3 },
	};
	static struct article_section code_sections[] = {
		{ .heading = "Code", .first = 0, .count = 1 },
	};
	static const struct {
		const char *name;
		struct article a;
		const char *want;      /* NULL: no summary */
	} cases[] = {
		{ "lead without its link, code or heading", {
		    .title = "T", .blocks = md_lead, .nblocks = 6, .nlead = 5,
		    .sections = lead_sections, .nsections = 1 },
		    "    <summary>See a link.\nSaid.</summary>\n" },
		{ "no prose in the lead: the first paragraph", {
		    .title = "T", .blocks = no_lead, .nblocks = 6, .nlead = 2,
		    .sections = no_lead_sections, .nsections = 2 },
		    "    <summary>First &lt;one&gt;.</summary>\n" },
		{ "no lead at all: the first paragraph", {
		    .title = "T", .blocks = no_lead + 3, .nblocks = 3,
		    .nlead = 0 }, "    <summary>First &lt;one&gt;.</summary>\n" },
		{ "no paragraph: none", {
		    .title = "T", .blocks = code_only, .nblocks = 1, .nlead = 0,
		    .sections = code_sections, .nsections = 1 }, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gemtext_entry entries[] = { {
			.slug = "a", .article = &cases[i].a,
			.date = "2024-01-01" } };
		struct gemtext_site site = { .lang = "en", .entries = entries,
			.nentries = 1, .title = "T" };
		struct feed f = { .site = &site, .url = "gemini://h/articles/",
			.author = "h" };
		char *got = render(&f);
		const char *s = strstr(got, "<summary>");

		if (cases[i].want == NULL ? s != NULL :
		    strstr(got, cases[i].want) == NULL ||
		    strstr(s + 1, "<summary>") != NULL)
			fail_msg("%s: want %s in\n%s", cases[i].name,
			    cases[i].want != NULL ? cases[i].want : "no summary",
			    got);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_feed_documents),
		cmocka_unit_test(test_updated_is_the_newest),
		cmocka_unit_test(test_title_is_the_lists),
		cmocka_unit_test(test_summary_is_prose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
