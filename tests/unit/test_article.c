/*
 * test_article.c - table tests for article.c (links article.c, utf8.c).
 *
 * Each row is a source text and the structure expected from it, written as
 * one string by describe():
 *
 *   P:text   paragraph          S:text   sub-heading (H3)
 *   L:text   list item          H2:text  section heading
 *   Q:text   first line of a quote block, q:text its following lines
 *   R        the 【関連記事】 slot
 *
 * joined by "|" in document order (lead first), plus the expected title.
 * The tests run from the repository root (make unit), where the shipped
 * articles and their golden pages are.
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
#include "text_kept.h"
#include "test_files.h"

/* Plenty for every table row; describe() fails loudly rather than cut. */
#define DESC_MAX 4096

/* --- helpers ---------------------------------------------------------------- */

static void
append(char *out, size_t size, size_t *w, const char *s, size_t len)
{
	if (*w + len + 1 > size)
		fail_msg("describe: structure longer than %zu bytes", size);
	memcpy(out + *w, s, len);
	*w += len;
	out[*w] = '\0';
}

static void
append_item(char *out, size_t size, size_t *w, const char *tag,
    const char *text, size_t len)
{
	if (*w > 0)
		append(out, size, w, "|", 1);
	append(out, size, w, tag, strlen(tag));
	if (text != NULL)
		append(out, size, w, text, len);
}

static void
describe_block(const struct article_block *b, char *out, size_t size,
    size_t *w)
{
	/* Every block's text is NUL-terminated at len, and never empty. */
	assert_non_null(b->text);
	assert_int_equal(strlen(b->text), b->len);
	assert_true(b->len > 0);
	if (b->type != ARTICLE_QUOTE)
		assert_int_equal(b->quote_start, 0);
	switch (b->type) {
	case ARTICLE_PARAGRAPH:
		append_item(out, size, w, "P:", b->text, b->len);
		break;
	case ARTICLE_SUBHEADING:
		append_item(out, size, w, "S:", b->text, b->len);
		break;
	case ARTICLE_LIST_ITEM:
		append_item(out, size, w, "L:", b->text, b->len);
		break;
	case ARTICLE_QUOTE:
		append_item(out, size, w, b->quote_start ? "Q:" : "q:",
		    b->text, b->len);
		break;
	case ARTICLE_RELATED:
		append_item(out, size, w, "R", NULL, 0);
		break;
	}
}

/*
 * Writes a's structure as described at the top of the file, checking on the
 * way that the lead and the sections cover the blocks exactly, in order.
 */
static void
describe(const struct article *a, char *out, size_t size)
{
	size_t w = 0, i, j, next;

	out[0] = '\0';
	assert_non_null(a->title);
	assert_true(a->nlead <= a->nblocks);
	for (i = 0; i < a->nlead; i++)
		describe_block(&a->blocks[i], out, size, &w);
	next = a->nlead;
	for (i = 0; i < a->nsections; i++) {
		const struct article_section *s = &a->sections[i];

		assert_non_null(s->heading);
		assert_true(s->heading[0] != '\0');
		assert_int_equal(s->first, next);
		append_item(out, size, &w, "H2:", s->heading,
		    strlen(s->heading));
		for (j = s->first; j < s->first + s->count; j++)
			describe_block(&a->blocks[j], out, size, &w);
		next = s->first + s->count;
	}
	assert_int_equal(next, a->nblocks);
}

/*
 * A plain page of the structure: every heading and block text on a line of
 * its own. Enough for the no-text-lost check of the reader alone (the real
 * renderer is checked in test_gemtext.c and the fuzz target). Free it.
 */
static char *
plain_page(const struct article *a, size_t *len)
{
	size_t i, cap = 1, w = 0;
	char *p;

	for (i = 0; i < a->nblocks; i++)
		cap += a->blocks[i].len + 1;
	for (i = 0; i < a->nsections; i++)
		cap += strlen(a->sections[i].heading) + 1;
	if ((p = malloc(cap)) == NULL)
		fail_msg("out of memory");
	for (i = 0; i < a->nsections; i++) {
		size_t n = strlen(a->sections[i].heading);

		memcpy(p + w, a->sections[i].heading, n);
		w += n;
		p[w++] = '\n';
	}
	for (i = 0; i < a->nblocks; i++) {
		memcpy(p + w, a->blocks[i].text, a->blocks[i].len);
		w += a->blocks[i].len;
		p[w++] = '\n';
	}
	p[w] = '\0';
	*len = w;
	return p;
}

/* Fails naming the first source line missing from page. */
static void
expect_text_kept(const char *name, const char *src, size_t len,
    const char *page, size_t pagelen)
{
	size_t n = 0;
	const char *miss = text_kept_missing(src, len, page, pagelen, &n);

	if (miss != NULL)
		fail_msg("%s: source line \"%.*s\" is not in the page", name,
		    (int)n, miss);
}


/* --- the tables --------------------------------------------------------------- */

struct article_case {
	const char *name;
	const char *in;
	const char *title;   /* NULL: not checked */
	const char *want;
};

/*
 * Runs every row, reports each failing one, then fails once: a table shows
 * all its broken rows in one run.
 */
static void
run_table(const struct article_case *cases, size_t n)
{
	char got[DESC_MAX];
	size_t i, failed = 0;

	for (i = 0; i < n; i++) {
		const struct article_case *c = &cases[i];
		const char *err = NULL;
		struct article *a;
		char *page;
		size_t pagelen, miss_len = 0;
		const char *miss;
		int bad = 0;

		a = article_parse(c->in, strlen(c->in), &err);
		if (a == NULL) {
			print_error("%s: article_parse failed: %s\n", c->name,
			    err != NULL ? err : "(no errstr)");
			failed++;
			continue;
		}
		describe(a, got, sizeof(got));
		if (strcmp(got, c->want) != 0) {
			print_error("%s:\n  want \"%s\"\n  got  \"%s\"\n",
			    c->name, c->want, got);
			bad = 1;
		}
		if (c->title != NULL && strcmp(a->title, c->title) != 0) {
			print_error("%s: title \"%s\", want \"%s\"\n", c->name,
			    a->title, c->title);
			bad = 1;
		}
		page = plain_page(a, &pagelen);
		miss = text_kept_missing(c->in, strlen(c->in), page, pagelen,
		    &miss_len);
		if (miss != NULL) {
			print_error("%s: source line \"%.*s\" lost\n", c->name,
			    (int)miss_len, miss);
			bad = 1;
		}
		free(page);
		article_free(a);
		failed += bad;
	}
	if (failed > 0)
		fail_msg("%zu of %zu rows failed", failed, n);
}

#define RUN_TABLE(t) run_table((t), sizeof(t) / sizeof((t)[0]))
/* One cmocka test per table, so that a failure names its rule. */
#define TABLE_TEST(name, table) \
	static void name(void **state) { (void)state; RUN_TABLE(table); }

/* 40 and 41 characters (code points). */
#define TEN "あいうえおかきくけこ"
#define FORTY TEN TEN TEN TEN

static const struct article_case section_cases[] = {
	{ "lead then two sections",
	  "前書きです。\n\n見出し一\n\n本文です。\n\n見出し二\n\n本文二です。\n",
	  "見出し一",
	  "P:前書きです。|H2:見出し一|P:本文です。|H2:見出し二|P:本文二です。" },
	{ "no lead",
	  "見出し\n\n本文です。\n", "見出し", "H2:見出し|P:本文です。" },
	{ "no sections: all lead",
	  "一行目です。\n二行目です。\n", "一行目です。",
	  "P:一行目です。|P:二行目です。" },
	{ "several blank lines after a heading",
	  "見出し\n\n\n\n本文です。\n", NULL, "H2:見出し|P:本文です。" },
	{ "section text is lines after the heading, up to the next one",
	  "見出し一\n\n一。\n二。\n\n三。\n見出し二\n\n四。\n", NULL,
	  "H2:見出し一|P:一。|P:二。|P:三。|H2:見出し二|P:四。" },
	{ "heading candidate at end of file",
	  "本文です。\n見出しのよう", NULL, "P:本文です。|P:見出しのよう" },
	{ "heading candidate at end of file, final newline",
	  "本文です。\n見出しのよう\n", NULL, "P:本文です。|P:見出しのよう" },
	{ "heading candidate followed only by blank lines",
	  "本文です。\n\n見出しのよう\n\n\n", NULL,
	  "P:本文です。|P:見出しのよう" },
	{ "40 characters is short enough",
	  FORTY "\n\n本文です。\n", NULL, "H2:" FORTY "|P:本文です。" },
	{ "41 characters is a paragraph",
	  FORTY "さ\n\n本文です。\n", NULL,
	  "P:" FORTY "さ|P:本文です。" },
	{ "41 ASCII characters is a paragraph",
	  "abcdefghijklmnopqrstuvwxyzabcdefghijklmno\n\ntext.\n", NULL,
	  "P:abcdefghijklmnopqrstuvwxyzabcdefghijklmno|P:text." },
	{ "two heading-like lines: the first is a paragraph",
	  "見出しA\n見出しB\n\n本文です。\n", NULL,
	  "P:見出しA|H2:見出しB|P:本文です。" },
	{ "a list item is never a heading",
	  "- 項目\n\n本文です。\n", NULL, "L:項目|P:本文です。" },
};

static const struct article_case subheading_cases[] = {
	{ "H3 followed directly by text",
	  "前書き。\n\n節\n\n小見出し\n本文。\n", "節",
	  "P:前書き。|H2:節|S:小見出し|P:本文。" },
	{ "H3 followed directly by a list",
	  "ポイント\n- 一つ目\n- 二つ目\n", NULL,
	  "S:ポイント|L:一つ目|L:二つ目" },
	{ "H3 followed directly by a quote",
	  "小見出し\n「引用です。」\n", NULL, "S:小見出し|Q:「引用です。」" },
	{ "H3 in the lead",
	  "小見出し\n本文。\n", "小見出し", "S:小見出し|P:本文。" },
	{ "numbered items with a 、 inside",
	  "1.会話が減り、気持ちを共有できないから\n同じ空間にいても会話がない。\n"
	  "2.自分の存在を認めてほしいから\n役割だけを求められる。\n", NULL,
	  "S:1.会話が減り、気持ちを共有できないから|P:同じ空間にいても会話がない。|"
	  "S:2.自分の存在を認めてほしいから|P:役割だけを求められる。" },
	{ "ケース heads a list",
	  "ケース1:オンライン勉強会で見つけた“心の伴走者”\n- 知り合う\n"
	  "- 交換する\n", NULL,
	  "S:ケース1:オンライン勉強会で見つけた“心の伴走者”|L:知り合う|"
	  "L:交換する" },
	{ "ルール heads a list",
	  "ルール1:家庭を最優先に\n- 家族を守る\n"
	  "ルール2:線引きを明確に\n- 決めておく\n", NULL,
	  "S:ルール1:家庭を最優先に|L:家族を守る|S:ルール2:線引きを明確に|"
	  "L:決めておく" },
	{ "two heading-like lines then text: the second heads it",
	  "見出しA\n見出しB\n本文です。\n", NULL,
	  "P:見出しA|S:見出しB|P:本文です。" },
	{ "heading-like line then a slot is a paragraph",
	  "見出しのよう\n↓↓【関連記事】↓↓\n", NULL, "P:見出しのよう|R" },
};

static const struct article_case paragraph_cases[] = {
	{ "ends in 。", "終わり。\n\n本文です。\n", NULL,
	  "P:終わり。|P:本文です。" },
	{ "ends in ！", "すごい！\n\n本文です。\n", NULL,
	  "P:すごい！|P:本文です。" },
	{ "ends in ？", "なぜ？\n\n本文です。\n", NULL,
	  "P:なぜ？|P:本文です。" },
	{ "ends in !", "Wow!\n\n本文です。\n", NULL, "P:Wow!|P:本文です。" },
	{ "ends in ?", "Why?\n\n本文です。\n", NULL, "P:Why?|P:本文です。" },
	{ "ends in …", "それでも…\n\n本文です。\n", NULL,
	  "P:それでも…|P:本文です。" },
	{ "ends in 」", "彼は「はい」\n\n本文です。\n", NULL,
	  "P:彼は「はい」|P:本文です。" },
	{ "ends in 、 (joined, still a paragraph)",
	  "途中、\n\n本文です。\n", NULL, "P:途中、|P:本文です。" },
	{ "sentence end before text is no sub-heading",
	  "終わり。\n本文です。\n", NULL, "P:終わり。|P:本文です。" },
	{ "one line is one paragraph, never re-wrapped",
	  "一。二。三。\n四。\n", NULL, "P:一。二。三。|P:四。" },
	{ "empty input", "", "", "" },
	{ "blank lines only", "\n\n  \n\t\n", "", "" },
};

static const struct article_case list_cases[] = {
	{ "list items lose their marker",
	  "- 項目一\n- 項目二\n", "項目一", "L:項目一|L:項目二" },
	{ "-x is not a list item", "本文です。\n-x\n", NULL,
	  "P:本文です。|P:-x" },
	{ "a lone - is not a list item", "本文です。\n- \n", NULL,
	  "P:本文です。|P:-" },
	{ "only the first \"- \" is the marker", "- - 二重\n", NULL,
	  "L:- 二重" },
	{ "a list item ending in 。", "- 項目です。\n本文。\n", NULL,
	  "L:項目です。|P:本文。" },
};

static const struct article_case quote_cases[] = {
	{ "multi-line quote with 。 inside",
	  "「彼との会話で、忘れていた笑顔が戻りました。\n"
	  "夫にイライラすることも減り、明るくなった気がします。」\n", NULL,
	  "Q:「彼との会話で、忘れていた笑顔が戻りました。|"
	  "q:夫にイライラすることも減り、明るくなった気がします。」" },
	{ "three-line quote",
	  "本文。\n「一。\n二。\n三。」\n本文。\n", NULL,
	  "P:本文。|Q:「一。|q:二。|q:三。」|P:本文。" },
	{ "single-line quote", "「こんにちは。」\n", NULL, "Q:「こんにちは。」" },
	{ "two quotes in a row stay two blocks",
	  "「一つ目。」\n「二つ目。」\n", NULL,
	  "Q:「一つ目。」|Q:「二つ目。」" },
	{ "「A」と「B」 is not a quote", "「A」と「B」\n", NULL,
	  "P:「A」と「B」" },
	{ "nested brackets", "「外「内」外。\n続き。」\n", NULL,
	  "Q:「外「内」外。|q:続き。」" },
	{ "closed mid-line on a later line is not a quote",
	  "「始まり。\n終わり」と言った。\n", NULL,
	  "P:「始まり。|P:終わり」と言った。" },
	{ "unclosed 「 is paragraphs", "「まだ閉じない。\n次の行。\n", NULL,
	  "P:「まだ閉じない。|P:次の行。" },
	{ "unclosed 「 at end of file", "「まだ閉じない。", NULL,
	  "P:「まだ閉じない。" },
	{ "a quote interrupted by a blank line is not a quote",
	  "「前半。\n\n後半。」\n", NULL, "P:「前半。|P:後半。」" },
	{ "a quote interrupted by a list item is not a quote",
	  "「始まり。\n- 項目\n終わり。」\n", NULL,
	  "P:「始まり。|L:項目|P:終わり。」" },
};

static const struct article_case join_cases[] = {
	{ "a line ending in 、 is joined with no space",
	  "結婚当初は仲が良かったのに、\n気づけば会話も減った。\n", NULL,
	  "P:結婚当初は仲が良かったのに、気づけば会話も減った。" },
	{ "a chain of 、 lines",
	  "一つ、\n二つ、\n三つ、\n四つ。\n", NULL, "P:一つ、二つ、三つ、四つ。" },
	{ "trailing spaces after 、 do not stop the join",
	  "途中で、 \t\n続き。\n", NULL, "P:途中で、続き。" },
	{ "not joined across a blank line",
	  "途中で、\n\n次の段落。\n", NULL, "P:途中で、|P:次の段落。" },
	{ "not joined to a list item",
	  "例えば、\n- 項目\n", NULL, "P:例えば、|L:項目" },
	{ "a list item ending in 、 takes the next text",
	  "- 一つ目、\n続き。\n- 二つ目\n", NULL, "L:一つ目、続き。|L:二つ目" },
	{ "not joined to a link slot",
	  "途中で、\n↓↓【関連記事】↓↓\n続き。\n", NULL, "P:途中で、|R|P:続き。" },
	{ "、 at end of file", "最後、", NULL, "P:最後、" },
	{ "a joined quote",
	  "「一つ、\n二つ。」\n", NULL, "Q:「一つ、二つ。」" },
	{ "joined lines in the shipped lead",
	  "結婚当初はあんなに仲が良かったのに、気づけば笑顔も会話も減り、\n"
	  "夜はスマホだけ見て一日が終わる――そんな夫婦は決して少なくありません。\n",
	  NULL,
	  "P:結婚当初はあんなに仲が良かったのに、気づけば笑顔も会話も減り、"
	  "夜はスマホだけ見て一日が終わる――そんな夫婦は決して少なくありません。" },
};

static const struct article_case slot_cases[] = {
	{ "the 関連記事 slot", "本文。\n↓↓【関連記事】↓↓\n本文二。\n", NULL,
	  "P:本文。|R|P:本文二。" },
	{ "the 関連記事 slot inside a section",
	  "見出し\n\n本文。\n↓↓【関連記事】↓↓\n", "見出し",
	  "H2:見出し|P:本文。|R" },
	{ "the 関連記事 slot with trailing spaces",
	  "↓↓【関連記事】↓↓ \t\xe3\x80\x80\n", NULL, "R" },
	{ "another slot is left out",
	  "本文。\n↓↓マッチングアプリの安全な使い方・選び方ガイドはこちら↓↓\n"
	  "本文二。\n", NULL, "P:本文。|P:本文二。" },
	{ "an empty slot is left out", "↓↓↓↓\n本文。\n", NULL, "P:本文。" },
	{ "lone arrows are text", "↓↓\n", NULL, "P:↓↓" },
	{ "arrows after text are no slot", "参考↓↓【関連記事】↓↓\n", NULL,
	  "P:参考↓↓【関連記事】↓↓" },
	{ "title skips the slot", "↓↓【関連記事】↓↓\n本文。\n", "本文。",
	  "R|P:本文。" },
};

static const struct article_case front_matter_cases[] = {
	{ "title: front matter", "title: 題名\n本文です。\n", "題名",
	  "P:本文です。" },
	{ "title: without a space", "title:題名\n本文です。\n", "題名",
	  "P:本文です。" },
	{ "title: with trailing spaces", "title: 題名 \t\n本文です。\n",
	  "題名", "P:本文です。" },
	{ "title: overrides the first heading",
	  "title: 題名\n見出し\n\n本文です。\n", "題名", "H2:見出し|P:本文です。" },
	{ "title: alone", "title: 題名\n", "題名", "" },
	/* A title goes into "# " and "=> " lines: it never holds a line end. */
	{ "title: ends at a lone CR",
	  "title: 題名\r=> gemini:evil.example 罠\n本文です。\n", "題名",
	  "S:=> gemini:evil.example 罠|P:本文です。" },
	{ "title: after a BOM", "\xef\xbb\xbftitle: 題名\n本文です。\n", "題名",
	  "P:本文です。" },
	{ "title: on a later line is text",
	  "本文です。\ntitle: 題名\n", "本文です。",
	  "P:本文です。|P:title: 題名" },
	{ "fallback: the first section heading",
	  "前書きです。\n\n最初の見出し\n\n本文です。\n\n次の見出し\n\n本文。\n",
	  "最初の見出し",
	  "P:前書きです。|H2:最初の見出し|P:本文です。|H2:次の見出し|P:本文。" },
	{ "fallback: the first block",
	  "最初の段落です。\n次の段落です。\n", "最初の段落です。",
	  "P:最初の段落です。|P:次の段落です。" },
};

TABLE_TEST(test_sections, section_cases)
TABLE_TEST(test_subheadings, subheading_cases)
TABLE_TEST(test_paragraphs, paragraph_cases)
TABLE_TEST(test_lists, list_cases)
TABLE_TEST(test_quotes, quote_cases)
TABLE_TEST(test_joins, join_cases)
TABLE_TEST(test_slots, slot_cases)
TABLE_TEST(test_front_matter, front_matter_cases)

/*
 * Two lines that are not link slots may not become one by the 、 join: the
 * joined line is text and must stay (article.h: "No source line is ever
 * dropped ... link slots aside").
 */
static const struct article_case join_slot_cases[] = {
	{ "joining never makes a link slot",
	  "↓↓ここから、\nここまで↓↓\n", NULL, "P:↓↓ここから、ここまで↓↓" },
	{ "joining never makes the 関連記事 slot",
	  "↓↓【関連記事】、\n↓↓\n", NULL, "P:↓↓【関連記事】、↓↓" },
};

TABLE_TEST(test_join_never_makes_a_slot, join_slot_cases)

/*
 * A section heading is "followed by a blank line and then more text"
 * (article.h). A slot that is left out is no text: a heading-like line with
 * nothing after it but such a slot is a paragraph, not an empty section.
 */
static const struct article_case empty_section_cases[] = {
	{ "heading candidate followed only by a dropped slot",
	  "本文です。\n\n見出しのよう\n\n↓↓ほかの記事はこちら↓↓\n", NULL,
	  "P:本文です。|P:見出しのよう" },
};

TABLE_TEST(test_no_empty_section, empty_section_cases)

/* --- tolerance of real text files --------------------------------------------- */

/* One article using every rule, written cleanly: LF, final newline. */
static const char clean_article[] =
    "title: 題名\n"
    "前書きです。\n"
    "結婚当初は仲が良かったのに、\n"
    "気づけば会話も減った。\n"
    "\n"
    "最初の見出し\n"
    "\n"
    "本文です。\n"
    "小見出し\n"
    "- 項目一\n"
    "- 項目二、\n"
    "続き。\n"
    "「引用の一行目。\n"
    "二行目。」\n"
    "↓↓【関連記事】↓↓\n"
    "↓↓ほかの記事はこちら↓↓\n"
    "\n"
    "次の見出し\n"
    "\n"
    "1.番号つきの項目\n"
    "説明です。\n"
    "最後の行です。\n";

static const char clean_want[] =
    "P:前書きです。|P:結婚当初は仲が良かったのに、気づけば会話も減った。|"
    "H2:最初の見出し|P:本文です。|S:小見出し|L:項目一|L:項目二、続き。|"
    "Q:「引用の一行目。|q:二行目。」|R|"
    "H2:次の見出し|S:1.番号つきの項目|P:説明です。|P:最後の行です。";

enum variant {
	V_CRLF = 1 << 0,
	V_BOM = 1 << 1,
	V_TRAILING = 1 << 2,    /* " \t", U+3000 after every line */
	V_BLANK_RUNS = 1 << 3,  /* every blank line tripled, blanks at the end */
	V_NO_FINAL_NL = 1 << 4,
};

/* clean_article rewritten per flags, into out (big enough). */
static size_t
make_variant(int flags, char *out, size_t size)
{
	const char *p = clean_article, *end;
	size_t w = 0;

#define PUT(s, n) do { \
	if (w + (n) >= size) \
		fail_msg("variant buffer too small"); \
	memcpy(out + w, (s), (n)); \
	w += (n); \
} while (0)
	if (flags & V_BOM)
		PUT("\xef\xbb\xbf", 3);
	while (*p != '\0') {
		const char *eol = flags & V_CRLF ? "\r\n" : "\n";
		int blank;

		end = strchr(p, '\n');
		blank = end == p;
		PUT(p, (size_t)(end - p));
		if (flags & V_TRAILING)
			PUT(" \t\xe3\x80\x80 ", 6);
		p = end + 1;
		if (*p == '\0' && (flags & V_NO_FINAL_NL))
			break;
		PUT(eol, strlen(eol));
		if (blank && (flags & V_BLANK_RUNS)) {
			PUT(eol, strlen(eol));
			PUT(eol, strlen(eol));
		}
		if (*p == '\0' && (flags & V_BLANK_RUNS)) {
			PUT(eol, strlen(eol));
			PUT(eol, strlen(eol));
		}
	}
#undef PUT
	out[w] = '\0';
	return w;
}

static void
test_tolerance(void **state)
{
	static const int variants[] = {
		0, V_CRLF, V_BOM, V_TRAILING, V_BLANK_RUNS, V_NO_FINAL_NL,
		V_CRLF | V_BOM, V_CRLF | V_NO_FINAL_NL, V_CRLF | V_TRAILING,
		V_CRLF | V_BOM | V_TRAILING | V_BLANK_RUNS | V_NO_FINAL_NL,
	};
	char in[4096], got[DESC_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const char *err = NULL;
		size_t len = make_variant(variants[i], in, sizeof(in));
		struct article *a = article_parse(in, len, &err);
		char *page;
		size_t pagelen;

		if (a == NULL)
			fail_msg("variant %#x: %s", variants[i], err);
		describe(a, got, sizeof(got));
		if (strcmp(got, clean_want) != 0)
			fail_msg("variant %#x:\n  want \"%s\"\n  got  \"%s\"",
			    variants[i], clean_want, got);
		if (strcmp(a->title, "題名") != 0 || !a->has_front_matter)
			fail_msg("variant %#x: title \"%s\"", variants[i],
			    a->title);
		page = plain_page(a, &pagelen);
		expect_text_kept("variant", in, len, page, pagelen);
		free(page);
		article_free(a);
	}
}

/* --- refused input ------------------------------------------------------------- */

struct error_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
};

static void
test_errors(void **state)
{
	static const struct error_case cases[] = {
		{ "raw 0xff", "本文。\n\xff\n", 0, "not valid UTF-8" },
		{ "Latin-1 é", "caf\xe9\n", 0, "not valid UTF-8" },
		{ "Shift_JIS", "\x82\xa0\x82\xa2\n", 0, "not valid UTF-8" },
		{ "truncated at end", "本文\xe3\x80", 0, "not valid UTF-8" },
		{ "overlong /", "\xc0\xaf\n", 0, "not valid UTF-8" },
		{ "surrogate", "\xed\xa0\x80\n", 0, "not valid UTF-8" },
		{ "lone continuation after a BOM", "\xef\xbb\xbf\x80", 0,
		  "not valid UTF-8" },
		{ "NUL inside", "本文。\0続き。\n", 20, "contains a NUL byte" },
		{ "NUL alone", "\0", 1, "contains a NUL byte" },
		{ "NUL at the end", "本文。\n\0", 11, "contains a NUL byte" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct error_case *c = &cases[i];
		const char *err = NULL;
		size_t len = c->len != 0 ? c->len : strlen(c->in);
		struct article *a = article_parse(c->in, len, &err);

		if (a != NULL) {
			article_free(a);
			fail_msg("%s: parsed, want \"%s\"", c->name, c->want);
		}
		if (err == NULL || strcmp(err, c->want) != 0)
			fail_msg("%s: errstr \"%s\", want \"%s\"", c->name,
			    err != NULL ? err : "(NULL)", c->want);
	}
}

/* Only len bytes are read: a buffer without NUL or with more after it. */
static void
test_length_bounds(void **state)
{
	static const char buf[] = "本文です。\xff";
	const char *err = NULL;
	char got[DESC_MAX];
	struct article *a;

	(void)state;
	a = article_parse(buf, sizeof(buf) - 2, &err);
	assert_non_null(a);
	describe(a, got, sizeof(got));
	assert_string_equal(got, "P:本文です。");
	article_free(a);
}

/* --- the no-text-lost helper itself --------------------------------------------- */

static void
test_text_kept_helper(void **state)
{
	static const char src[] =
	    "\xef\xbb\xbftitle: 題名\r\n"
	    "- 項目 \xe3\x80\x80\r\n"
	    "\r\n"
	    "↓↓【関連記事】↓↓\r"
	    "本文、\n"
	    "続き。";
	size_t n = 0;
	const char *miss;

	(void)state;
	/* Title, marker, slot and line ends are not looked for. */
	assert_null(text_kept_missing(src, strlen(src),
	    "# x\n* 項目\n本文、続き。\n", strlen("# x\n* 項目\n本文、続き。\n"),
	    &n));
	/* The first missing line is named, stripped. */
	miss = text_kept_missing(src, strlen(src), "* 項目\n本文、\n",
	    strlen("* 項目\n本文、\n"), &n);
	assert_non_null(miss);
	assert_int_equal(n, strlen("続き。"));
	assert_memory_equal(miss, "続き。", n);
	miss = text_kept_missing(src, strlen(src), "本文、続き。",
	    strlen("本文、続き。"), &n);
	assert_non_null(miss);
	assert_memory_equal(miss, "項目", n);
	/* "title:" is front matter only on the first line. */
	miss = text_kept_missing("a\ntitle: t", 10, "a\n", 2, &n);
	assert_non_null(miss);
	assert_memory_equal(miss, "title: t", n);
	assert_null(text_kept_missing("", 0, "", 0, &n));
}

/* --- the shipped articles ------------------------------------------------------- */

struct shipped {
	const char *slug;
	const char *title;
	size_t nsections;
	const char *headings[8];
};

static const struct shipped shipped[] = {
	{ "kokoro-no-tsunagari",
	  "心の繋がりを求める既婚者たち──癒しの存在が人生を変えるとき", 7,
	  { "既婚者が“心の繋がり”を求める理由とは",
	    "心の繋がりを求める理由ランキング5",
	    "セカンドパートナーという新たな関係性",
	    "“ソフレ”という心の繋がりのかたち",
	    "“癒しの存在”が人生にもたらす変化",
	    "癒しの存在によって人生が変わった体験談",
	    "まとめ──「心の繋がり」がもたらす豊かさとは" } },
	{ "arafo-fuufu-kokoro-no-kyori",
	  "アラフォー夫婦の「心の距離」とセックスレス──笑顔を取り戻すために", 5,
	  { "アラフォー夫婦に訪れる「心の距離」とセックスレスの現実",
	    "心の距離を縮めるための基本の解決法",
	    "もう一度笑顔になれた!アラフォー女性のセカンドパートナー実例集",
	    "セカンドパートナーと上手に付き合う3つのルール",
	    "まとめ:心を満たす勇気が、人生を再び動かす" } },
};

static void
test_shipped_articles(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		const struct shipped *s = &shipped[i];
		char path[256];
		char *src, *page, *golden;
		size_t len, pagelen, goldenlen;
		const char *err = NULL;
		struct article *a;

		snprintf(path, sizeof(path), "capsule/articles/%s.txt", s->slug);
		src = read_all(path, &len);
		if ((a = article_parse(src, len, &err)) == NULL)
			fail_msg("%s: %s", path, err);
		assert_string_equal(a->title, s->title);
		assert_true(a->has_front_matter);
		if (a->nsections != s->nsections)
			fail_msg("%s: %zu sections, want %zu", path,
			    a->nsections, s->nsections);
		for (j = 0; j < s->nsections; j++)
			if (strcmp(a->sections[j].heading, s->headings[j]) != 0)
				fail_msg("%s: section %zu is \"%s\", want "
				    "\"%s\"", path, j + 1,
				    a->sections[j].heading, s->headings[j]);
		assert_true(a->nlead > 0);

		/* The reader keeps every line... */
		page = plain_page(a, &pagelen);
		expect_text_kept(path, src, len, page, pagelen);
		free(page);
		/* ...and so does the checked-in full page. */
		snprintf(path, sizeof(path), "tests/golden/articles/%s/all.gmi",
		    s->slug);
		golden = read_all(path, &goldenlen);
		expect_text_kept(path, src, len, golden, goldenlen);
		free(golden);
		article_free(a);
		free(src);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_subheadings),
		cmocka_unit_test(test_paragraphs),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_joins),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_join_never_makes_a_slot),
		cmocka_unit_test(test_no_empty_section),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_length_bounds),
		cmocka_unit_test(test_text_kept_helper),
		cmocka_unit_test(test_shipped_articles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
