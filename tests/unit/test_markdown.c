/*
 * test_markdown.c - table tests for the Markdown reader (links markdown.c,
 * the article reader it shares front matter and language with, gemtext.c,
 * utf8.c).
 *
 * Each row is a Markdown text and the structure expected from it, written
 * as one string by describe():
 *
 *   P:text   paragraph          S:text   sub-heading (### and deeper)
 *   p:text   a paragraph's next line (after a hard break)
 *   L:text   list item          H2:text  section heading
 *   Q:text   first line of a quote, q:text a following one
 *   C:text   preformatted ("\n" between its lines), C[alt]:text with alt
 *   K:url    a link, K:url[label] with a label
 *
 * joined by "|" in document order (lead first), and the expected title.
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
#include "markdown.h"

#define DESC_MAX 4096

struct md_case {
	const char *name;
	const char *src;
	const char *want;
	const char *title;
};

static void
append(char *out, size_t *w, const char *s, size_t len)
{
	if (*w + len + 1 > DESC_MAX)
		fail_msg("describe: structure longer than %d bytes", DESC_MAX);
	memcpy(out + *w, s, len);
	*w += len;
	out[*w] = '\0';
}

static void
append_item(char *out, size_t *w, const char *tag, const char *text,
    size_t len)
{
	if (*w > 0)
		append(out, w, "|", 1);
	append(out, w, tag, strlen(tag));
	append(out, w, text, len);
}

static void
describe_block(const struct article_block *b,
    const struct article_block *prev, char *out, size_t *w)
{
	char tag[256];

	assert_non_null(b->text);
	assert_int_equal(strlen(b->text), b->len);
	assert_true(b->len > 0 || b->type == ARTICLE_PREFORMATTED);
	if (b->type == ARTICLE_PREFORMATTED || b->type == ARTICLE_LINK)
		assert_non_null(b->alt);
	else
		assert_null(b->alt);
	switch (b->type) {
	case ARTICLE_PARAGRAPH:
		append_item(out, w, prev != NULL && !b->gap_before &&
		    prev->type == ARTICLE_PARAGRAPH ? "p:" : "P:", b->text,
		    b->len);
		break;
	case ARTICLE_SUBHEADING:
		append_item(out, w, "S:", b->text, b->len);
		break;
	case ARTICLE_LIST_ITEM:
		append_item(out, w, "L:", b->text, b->len);
		break;
	case ARTICLE_QUOTE:
		append_item(out, w, b->quote_start ? "Q:" : "q:", b->text,
		    b->len);
		break;
	case ARTICLE_PREFORMATTED:
		snprintf(tag, sizeof(tag), b->alt[0] != '\0' ? "C[%s]:" : "C:",
		    b->alt);
		append_item(out, w, tag, b->text, b->len);
		break;
	case ARTICLE_LINK:
		append_item(out, w, "K:", b->text, b->len);
		if (b->alt[0] != '\0') {
			append(out, w, "[", 1);
			append(out, w, b->alt, strlen(b->alt));
			append(out, w, "]", 1);
		}
		break;
	case ARTICLE_RELATED:
		fail_msg("Markdown has no related-articles slot");
		break;
	}
}

static void
describe(const struct article *a, char *out)
{
	size_t w = 0, i, j, next;

	out[0] = '\0';
	assert_non_null(a->title);
	assert_true(a->nlead <= a->nblocks);
	assert_int_equal(a->ndropped, 0);
	for (i = 0; i < a->nlead; i++)
		describe_block(&a->blocks[i], i > 0 ? &a->blocks[i - 1] : NULL,
		    out, &w);
	next = a->nlead;
	for (i = 0; i < a->nsections; i++) {
		const struct article_section *s = &a->sections[i];

		assert_true(s->heading[0] != '\0');
		assert_int_equal(s->first, next);
		append_item(out, &w, "H2:", s->heading, strlen(s->heading));
		for (j = s->first; j < s->first + s->count; j++)
			describe_block(&a->blocks[j], j > s->first ?
			    &a->blocks[j - 1] : NULL, out, &w);
		next += s->count;
	}
	assert_int_equal(next, a->nblocks);
}

static void
run_cases(const struct md_case *cases, size_t n)
{
	char got[DESC_MAX];
	const char *err = NULL;
	struct article *a;
	size_t i;

	for (i = 0; i < n; i++) {
		a = markdown_parse(cases[i].src, strlen(cases[i].src), &err);
		if (a == NULL)
			fail_msg("%s: refused: %s", cases[i].name, err);
		describe(a, got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s:\n  want %s\n  got  %s", cases[i].name,
			    cases[i].want, got);
		if (cases[i].title != NULL &&
		    strcmp(a->title, cases[i].title) != 0)
			fail_msg("%s: title \"%s\", want \"%s\"",
			    cases[i].name, a->title, cases[i].title);
		article_free(a);
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* --- the tables ------------------------------------------------------------- */

static const struct md_case heading_cases[] = {
	{ "# is the title", "# Title\n\nText.\n", "P:Text.", "Title" },
	{ "## is a section", "# T\n\n## One\n\nA.\n\n## Two\n\nB.\n",
	    "H2:One|P:A.|H2:Two|P:B.", "T" },
	{ "### is a sub-heading", "## One\n\n### Sub\n\nA.\n",
	    "H2:One|S:Sub|P:A.", "One" },
	{ "#### and deeper too", "## One\n#### Four\n##### Five\n###### Six\n",
	    "H2:One|S:Four|S:Five|S:Six", "One" },
	{ "a second # is a section", "# T\n\n# Again\n\nA.\n",
	    "H2:Again|P:A.", "T" },
	{ "setext headings", "Title\n=====\n\nSection\n-------\n\nA.\n",
	    "H2:Section|P:A.", "Title" },
	{ "lead before the sections", "# T\n\nLead.\n\n## S\n\nA.\n",
	    "P:Lead.|H2:S|P:A.", "T" },
	{ "marks dropped in a heading", "## *Big* `news`\n",
	    "H2:Big news", "Big news" },
	{ "an empty heading is nothing", "#\n\n##\n\nA.\n", "P:A.", "A." },
	{ "no heading: the first paragraph names it", "Short text.\n",
	    "P:Short text.", "Short text." },
	{ "a heading in a quote is a line of it", "> ## Said\n> more\n",
	    "Q:Said|q:more", "" },
};

static const struct md_case inline_cases[] = {
	{ "emphasis dropped", "*a* _b_ **c** __d__ ~~e~~ ***f***\n",
	    "P:a b c d e f", NULL },
	{ "code span kept", "Run `make test` now.\n",
	    "P:Run make test now.", NULL },
	{ "soft break is a space", "one\ntwo\n", "P:one two", NULL },
	{ "nothing between CJK characters", "日本語の\n文章です。\n",
	    "P:日本語の文章です。", NULL },
	{ "CJK then Latin gets a space", "日本語\nEnglish\n",
	    "P:日本語 English", NULL },
	{ "hard break: two spaces", "one  \ntwo\n", "P:one|p:two", NULL },
	{ "hard break: backslash", "one\\\ntwo\n", "P:one|p:two", NULL },
	{ "hard break: <br>", "one<br>two<br />three\n",
	    "P:one|p:two|p:three", NULL },
	{ "paragraphs", "one\n\ntwo\n", "P:one|P:two", NULL },
	{ "entities", "&amp; &lt; &#65; &#x3042; &copy; &bogus;\n",
	    "P:& < A あ © &bogus;", NULL },
	{ "bad numeric entities", "&#0; &#xD800;\n",
	    "P:\xef\xbf\xbd \xef\xbf\xbd", NULL },
	{ "inline HTML tags dropped", "a <span class=\"x\">b</span> c\n",
	    "P:a b c", NULL },
	{ "escapes", "\\*not emphasis\\*\n", "P:*not emphasis*", NULL },
};

static const struct md_case link_cases[] = {
	{ "a link after its paragraph", "See [the spec](gemini://a/s.gmi).\n",
	    "P:See the spec.|K:gemini://a/s.gmi[the spec]", NULL },
	{ "two links in order", "[a](http://a/) and [b](http://b/)\n",
	    "P:a and b|K:http://a/[a]|K:http://b/[b]", NULL },
	{ "an image: its alt text", "![A cat](cat.png)\n",
	    "P:A cat|K:cat.png[A cat]", NULL },
	{ "an image without alt", "![](cat.png)\n", "K:cat.png", NULL },
	{ "autolink: no label", "<https://x.org/>\n",
	    "P:https://x.org/|K:https://x.org/", NULL },
	{ "bare URL (GitHub)", "at https://x.org/a now\n",
	    "P:at https://x.org/a now|K:https://x.org/a", NULL },
	{ "reference link", "[x][r]\n\n[r]: http://r/ \"T\"\n",
	    "P:x|K:http://r/[x]", NULL },
	{ "badge: image in a link", "[![b](i.svg)](http://l/)\n",
	    "P:b|K:http://l/[b]|K:i.svg[b]", NULL },
	{ "emphasis in a label", "[**big** deal](http://d/)\n",
	    "P:big deal|K:http://d/[big deal]", NULL },
	{ "entity in a URL", "[q](http://a/?x=1&amp;y=2)\n",
	    "P:q|K:http://a/?x=1&y=2[q]", NULL },
	{ "empty URL: no link", "[x]()\n", "P:x", NULL },
	{ "link over a hard break", "[a  \nb](http://a/)\n",
	    "P:a|p:b|K:http://a/[a b]", NULL },
	{ "link in a heading", "## See [x](http://x/)\n",
	    "H2:See x|K:http://x/[x]", "See x" },
	{ "link in an item", "- [x](http://x/)\n- y\n",
	    "L:x|K:http://x/[x]|L:y", NULL },
};

static const struct md_case list_cases[] = {
	{ "bullets", "- a\n- b\n* c\n", "L:a|L:b|L:c", NULL },
	{ "ordered keep their numbers", "1. a\n2. b\n",
	    "L:1. a|L:2. b", NULL },
	{ "start number", "7) a\n8) b\n", "L:7. a|L:8. b", NULL },
	{ "nested flattened", "- a\n  - b\n    1. c\n- d\n",
	    "L:a|L:b|L:1. c|L:d", NULL },
	{ "loose list", "1. a\n\n2. b\n\n   more\n",
	    "L:1. a|L:2. b|L:more", NULL },
	{ "tasks", "- [ ] todo\n- [x] done\n",
	    "L:[ ] todo|L:[x] done", NULL },
	{ "soft break in an item", "- one\n  two\n", "L:one two", NULL },
	{ "code in an item", "- a\n\n  ```\n  x\n  ```\n",
	    "L:a|C:x", NULL },
	{ "list in a quote", "> - a\n> - b\n", "L:a|L:b", NULL },
};

static const struct md_case block_cases[] = {
	{ "quote", "> one\n> two\n\n> three\n", "Q:one two|Q:three", NULL },
	{ "quote of two paragraphs", "> one\n>\n> two\n",
	    "Q:one|q:two", NULL },
	{ "nested quote", "> a\n>> b\n", "Q:a|Q:b", NULL },
	{ "fenced code with info", "```c\nint x;\n\nx = 1;\n```\n",
	    "C[c]:int x;\n\nx = 1;", NULL },
	{ "info string whole", "~~~ python title=a.py\nx\n~~~\n",
	    "C[python title=a.py]:x", NULL },
	{ "indented code", "    a\n      b\n", "C:a\n  b", NULL },
	{ "empty code block", "```\n```\n", "C:", NULL },
	{ "code keeps markup", "```\n# not a heading\n*x*\n```\n",
	    "C:# not a heading\n*x*", NULL },
	{ "thematic break dropped", "a\n\n---\n\nb\n\n***\n", "P:a|P:b",
	    NULL },
	{ "HTML block as written", "<div>\n<b>hi</b>\n</div>\n",
	    "C[html]:<div>\n<b>hi</b>\n</div>", NULL },
	{ "HTML comment left out", "<!-- note -->\n\ntext\n", "P:text",
	    NULL },
	{ "table", "| a | bb |\n|---|---|\n| 1 | 2 |\n",
	    "C[table]:a   | bb\n--- | ---\n1   | 2", NULL },
	{ "table: CJK is two columns", "| 名前 | x |\n|---|---|\n| 太郎 | y |\n",
	    "C[table]:名前 | x\n---- | ---\n太郎 | y", NULL },
	{ "table: short rows, marks, links",
	    "| a | b |\n|---|---|\n| **x** |\n| [l](http://l/) | z |\n",
	    "C[table]:a   | b\n--- | ---\nx\nl   | z|K:http://l/[l]", NULL },
};

static const struct md_case front_cases[] = {
	{ "key lines", "title: Front\ndate: 2024-01-02\n\n# Heading\n\nA.\n",
	    "H2:Heading|P:A.", "Front" },
	{ "a --- block with other keys", "---\nlayout: post\ntitle: \"Q: A\"\n"
	    "tags:\n  - a\n---\n\nText.\n", "P:Text.", "Q: A" },
	{ "not front matter: prose between rules", "---\nHello there.\n---\n",
	    "H2:Hello there.", "Hello there." },
	{ "no title key: # is the title", "date: 2024-01-02\n\n# T\n",
	    "", "T" },
	{ "BOM and CRLF", "\xef\xbb\xbf# T\r\n\r\nA\r\nB\r\n", "P:A B",
	    "T" },
};

/* --- the tests -------------------------------------------------------------- */

static void
test_headings(void **state)
{
	(void)state;
	RUN(heading_cases);
}

static void
test_inline(void **state)
{
	(void)state;
	RUN(inline_cases);
}

static void
test_links(void **state)
{
	(void)state;
	RUN(link_cases);
}

static void
test_lists(void **state)
{
	(void)state;
	RUN(list_cases);
}

static void
test_blocks(void **state)
{
	(void)state;
	RUN(block_cases);
}

static void
test_front_matter(void **state)
{
	(void)state;
	RUN(front_cases);
}

static void
test_fields(void **state)
{
	static const char src[] = "---\ntitle: T\ndate: 2024-05-01\n"
	    "tags: a, b\nlang: en\n---\n日本語です。\n";
	const char *err = NULL;
	struct article *a = markdown_parse(src, sizeof(src) - 1, &err);

	(void)state;
	assert_non_null(a);
	assert_true(a->has_front_matter);
	assert_string_equal(a->date, "2024-05-01");
	assert_string_equal(a->tags, "a, b");
	assert_string_equal(a->lang, "en");
	article_free(a);
}

static void
test_language(void **state)
{
	static const struct {
		const char *src;
		const char *lang;
	} cases[] = {
		{ "# 見出し\n\nこれは日本語の文章です。\n", "ja" },
		{ "# Notes\n\nThis is an English text, long enough to tell.\n",
		    "en" },
		{ "# 1\n\n2\n", NULL },
	};
	const char *err = NULL;
	struct article *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = markdown_parse(cases[i].src, strlen(cases[i].src), &err);
		assert_non_null(a);
		if (cases[i].lang == NULL)
			assert_null(a->lang);
		else
			assert_string_equal(a->lang, cases[i].lang);
		article_free(a);
	}
}

static void
test_refused(void **state)
{
	const char *err = NULL;

	(void)state;
	assert_null(markdown_parse("a\0b", 3, &err));
	assert_string_equal(err, "contains a NUL byte");
	assert_null(markdown_parse("a\xff", 2, &err));
	assert_string_equal(err, "not valid UTF-8");
}

/* Control characters never reach a page; line ends never reach a line. */
static void
test_control_characters(void **state)
{
	static const char src[] = "a\x01" "b\tc\x7f" "d &#10;e &#27;f\n";
	const char *err = NULL;
	struct article *a = markdown_parse(src, sizeof(src) - 1, &err);
	char got[DESC_MAX];

	(void)state;
	assert_non_null(a);
	describe(a, got);
	assert_string_equal(got, "P:ab cd  e f");
	article_free(a);
}

/* A rendered page: the source link names the .md file. */
static void
test_source_link(void **state)
{
	static const char src[] = "# T\n\n## S\n\nA.\n";
	const char *err = NULL;
	struct article *a = markdown_parse(src, sizeof(src) - 1, &err);
	struct gemtext_entry e = { "post", a, ".md", NULL };
	struct gemtext_site site = { "en", &e, 1, NULL, NULL, 0 };
	struct gemtext_buf out;
	char *page;

	(void)state;
	assert_non_null(a);
	memset(&out, 0, sizeof(out));
	assert_int_equal(gemtext_article_index(&site, 0, &out), 0);
	/* A page is not NUL-terminated: make it a string to search it. */
	page = malloc(out.len + 1);
	assert_non_null(page);
	memcpy(page, out.data, out.len);
	page[out.len] = '\0';
	assert_non_null(strstr(page, "=> ../post.md "));
	assert_null(strstr(page, ".txt"));
	free(page);
	free(out.data);
	article_free(a);
}

/* Deep nesting and long inputs stay quick (linear in what md4c reports). */
static void
test_nesting(void **state)
{
	size_t n = 20000, i, w;
	char *src = malloc(6 * n + 16);
	const char *err = NULL;
	struct article *a;

	(void)state;
	assert_non_null(src);
	for (i = 0; i < n; i++)
		memcpy(src + 2 * i, "> ", 2);
	memcpy(src + 2 * n, "x\n", 3);
	a = markdown_parse(src, strlen(src), &err);
	assert_non_null(a);
	article_free(a);
	/* Images in images: each one's text is the one inside it. */
	for (i = 0, w = 0; i < n; i++, w += 2)
		memcpy(src + w, "![", 2);
	src[w++] = 'x';
	for (i = 0; i < n; i++, w += 4)
		memcpy(src + w, "](u)", 4);
	a = markdown_parse(src, w, &err);
	assert_non_null(a);
	article_free(a);
	free(src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headings),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_source_link),
		cmocka_unit_test(test_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
