/*
 * fuzz_markdown.c - libFuzzer target for markdown.c (with gemtext.c).
 *
 * The input is a Markdown article. When markdown_parse refuses it, the
 * reason must be one of those markdown.h lists, and true of the input. When
 * it parses, the structure must be what article.h promises (blocks covered
 * by the lead and the sections in order, no empty text but preformatted,
 * no line end in a line's text, alt where the renderer reads it), and every
 * page of the article must render: ending with a newline, valid UTF-8,
 * preformatted toggles in pairs, and every "=>" line a link with a target
 * the renderer or the author wrote. Built with -fsanitize=fuzzer to fuzz,
 * or with replay.c to run the corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "gemtext.h"
#include "markdown.h"
#include "utf8.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Link targets the renderer writes for the article "md". */
static int
known_target(const char *t, size_t n)
{
	static const char *const targets[] = {
		"./", "../", "all.gmi", "md/", "../md.md", "atom.xml",
	};
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (n == strlen(targets[i]) && memcmp(t, targets[i], n) == 0)
			return 1;
	for (i = 0; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		;
	return i > 0 && t[0] != '0' && n - i == 4 &&
	    memcmp(t + i, ".gmi", 4) == 0;
}

static int
author_target(const struct article *a, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < a->nblocks; i++)
		if (a->blocks[i].type == ARTICLE_LINK &&
		    a->blocks[i].len == n &&
		    memcmp(a->blocks[i].text, t, n) == 0)
			return 1;
	return 0;
}

/* A page: see the comment at the top. */
static void
check_page(struct gemtext_buf *out, int rv, const struct article *a)
{
	size_t i = 0, e;
	int pre = 0;

	CHECK(rv == 0 && !out->failed);
	CHECK(out->len > 0 && out->data[out->len - 1] == '\n');
	CHECK(memchr(out->data, '\0', out->len) == NULL);
	CHECK(utf8_is_valid(out->data, out->len));
	while (i < out->len) {
		const char *line = out->data + i;
		size_t n = (size_t)((const char *)memchr(line, '\n',
		    out->len - i) - line);

		if (n >= 3 && memcmp(line, "```", 3) == 0)
			pre = !pre;
		else if (!pre && n >= 2 && memcmp(line, "=>", 2) == 0) {
			CHECK(n > 3 && line[2] == ' ');
			for (e = 3; e < n && line[e] != ' '; e++)
				;
			CHECK(known_target(line + 3, e - 3) ||
			    author_target(a, line + 3, e - 3));
		}
		i += n + 1;
	}
	CHECK(!pre);
	free(out->data);
	memset(out, 0, sizeof(*out));
}

/* One line of text: no line end, no NUL before len, valid UTF-8. */
static void
check_line(const char *s, size_t len)
{
	CHECK(s != NULL && strlen(s) == len);
	CHECK(memchr(s, '\n', len) == NULL && memchr(s, '\r', len) == NULL);
	CHECK(utf8_is_valid(s, len));
}

static void
check_structure(const struct article *a)
{
	size_t i, next;

	check_line(a->title, strlen(a->title));
	CHECK(a->nlead <= a->nblocks);
	CHECK(a->ndropped == 0);
	for (i = 0; i < a->nblocks; i++) {
		const struct article_block *b = &a->blocks[i];

		CHECK(b->text != NULL && strlen(b->text) == b->len);
		CHECK(utf8_is_valid(b->text, b->len));
		if (b->type == ARTICLE_PREFORMATTED || b->type == ARTICLE_LINK) {
			CHECK(b->alt != NULL);
			check_line(b->alt, strlen(b->alt));
		} else
			CHECK(b->alt == NULL);
		if (b->type != ARTICLE_PREFORMATTED) {
			CHECK(b->len > 0);
			check_line(b->text, b->len);
			/* Text is trimmed: blanks carry nothing. */
			CHECK(b->text[0] != ' ' && b->text[b->len - 1] != ' ');
		}
		CHECK(b->type != ARTICLE_RELATED);
	}
	next = a->nlead;
	for (i = 0; i < a->nsections; i++) {
		CHECK(a->sections[i].heading != NULL &&
		    a->sections[i].heading[0] != '\0');
		check_line(a->sections[i].heading,
		    strlen(a->sections[i].heading));
		CHECK(a->sections[i].first == next);
		next += a->sections[i].count;
	}
	CHECK(next == a->nblocks);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *err = NULL;
	int valid = memchr(data, '\0', size) == NULL &&
	    utf8_is_valid(text, size);
	struct gemtext_entry entry;
	struct gemtext_site site;
	struct gemtext_buf out;
	struct article *a;
	size_t s;

	a = markdown_parse(text, size, &err);
	if (a == NULL) {
		CHECK(err != NULL);
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

	memset(&entry, 0, sizeof(entry));
	memset(&site, 0, sizeof(site));
	entry.slug = "md";
	entry.article = a;
	entry.source_ext = ".md";
	site.lang = size > 0 && (data[0] & 1) ? "en" : "ja";
	site.entries = &entry;
	site.nentries = 1;
	memset(&out, 0, sizeof(out));
	check_page(&out, gemtext_listing(&site, &out), a);
	check_page(&out, gemtext_article_index(&site, 0, &out), a);
	for (s = 1; s <= a->nsections; s++)
		check_page(&out, gemtext_section(&site, 0, s, &out), a);
	check_page(&out, gemtext_full(&site, 0, &out), a);
	article_free(a);
	return 0;
}
