/*
 * fuzz_article.c - libFuzzer target for article.c and gemtext.c.
 *
 * The input is an article file as someone might save it. It goes through
 * article_parse; when that refuses it, the reason must be one of those
 * article.h lists, and true of the input. When it parses, every page of a
 * capsule of two articles (the input, then a small fixed one, so that the
 * 【関連記事】 slot renders links both ways) is rendered, and the invariants
 * below must hold whatever the bytes. Built with -fsanitize=fuzzer to fuzz,
 * or with replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
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
		"../other/", "../fuzzed.txt", "../other.txt",
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
	other = article_parse(other_src, sizeof(other_src) - 1, &err);
	CHECK(other != NULL);

	entries[0].slug = "fuzzed";
	entries[0].article = a;
	entries[1].slug = "other";
	entries[1].article = other;
	site.lang = size > 0 && (data[0] & 1) ? "en" : "ja";
	site.entries = entries;
	site.nentries = 2;

	memset(&out, 0, sizeof(out));
	check_page(&out, gemtext_listing(&site, &out), NULL);
	free(out.data);

	check_all_pages(&site, 1, &full);
	free(full.data);
	check_all_pages(&site, 0, &full);
	miss = text_kept_missing(text, size, full.data, full.len, &n);
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
