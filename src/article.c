/*
 * article.c - PURE: plain text -> article structure (see article.h).
 *
 * The passes, in order, each over the whole document and linear:
 *
 *   split       article_lines.c: normalised lines
 *   front       front matter: "title:", "date:", "lang:", "tags:"
 *   classify    article_style.c: fences, links, quotes, bullets, styles
 *   decorate    rules, page footers and running headers, a manual table
 *               of contents: left out (article.dropped says which)
 *   title       Markdown "# ", an underlined first line, a mail subject,
 *               the title line or cover at the top
 *   wrap        is the text hard-wrapped, and at which width
 *   headings    which styles head sections in this document, and at
 *               which level; which numbered or marked lines are items
 *   blocks      paragraphs (wrapped lines joined), lists, quotes, code,
 *               links, sections
 *   language    front matter, else kana and kanji against Latin letters
 *
 * When unsure, a line is a paragraph: a wrong heading is worse than a
 * missed one.
 */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "article_internal.h"
#include "utf8.h"

/* Front matter: at most this many lines are looked at. */
#define FRONT_MAX_LINES 12
/* A Markdown tool's "---" block (yaml): longer, with keys of its own. */
#define FRONT_MAX_LINES_YAML 64

/* --- small helpers ----------------------------------------------------------- */

int
article_is_link_slot(const char *line, size_t len)
{
	return len >= 2 * strlen(DOWN_ARROWS) &&
	    article_starts_with(line, len, DOWN_ARROWS) &&
	    article_ends_with(line, len, DOWN_ARROWS);
}

void
article_drop_line(struct aline *l, enum article_drop_reason why)
{
	l->kind = LK_DROPPED;
	l->drop = why;
}

static int
ascii_ieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/* The index of the next line at or after i that is not dropped. */
size_t
article_next_kept(const struct alines *lines, size_t i)
{
	while (i < lines->n && lines->v[i].kind == LK_DROPPED)
		i++;
	return i;
}

/* The next line after i with text (not blank, not dropped), or n. */
size_t
article_next_content(const struct alines *lines, size_t i)
{
	for (i++; i < lines->n; i++)
		if (lines->v[i].kind != LK_DROPPED &&
		    lines->v[i].kind != LK_BLANK)
			return i;
	return lines->n;
}

/* The previous line before i that is not dropped, or SIZE_MAX. */
size_t
article_prev_kept(const struct alines *lines, size_t i)
{
	while (i-- > 0)
		if (lines->v[i].kind != LK_DROPPED || lines->v[i].transparent)
			if (lines->v[i].kind != LK_DROPPED)
				return i;
	return SIZE_MAX;
}

uint32_t
article_line_last_cp(const struct aline *l)
{
	size_t n;

	return l->len > 0 ? article_last_cp(l->text, l->len, &n) : 0;
}

/* --- front matter -------------------------------------------------------- */

/* "key: value" with one of the keys article.h reads; *value set. */
static int
front_key(const struct aline *l, const char *key, const char **value)
{
	size_t n = strlen(key), i;

	if (l->len <= n || !ascii_ieq(l->text, key, n))
		return 0;
	i = n;
	while (i < l->len && l->text[i] == ' ')
		i++;
	if (i >= l->len || l->text[i] != ':')
		return 0;
	for (i++; i < l->len && (l->text[i] == ' ' || l->text[i] == '\t'); i++)
		;
	*value = l->text + i;
	return 1;
}

/* A BCP 47-looking tag: letters, digits and '-', short. */
static int
plausible_lang(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return 0;
	return i >= 2 && i <= 35;
}

/* The keys front matter sets, in set_field's order. */
static const char *const front_keys[] = { "title", "date", "lang", "tags" };

/* Sets the field front_keys[k] names to v, as a front matter line does:
 * an empty title leaves it unset, an implausible lang is none. */
static void
set_field(struct article *a, size_t k, const char *v)
{
	if (k == 0 && *v != '\0')
		a->title = v;
	else if (k == 1)
		a->date = *v != '\0' ? v : NULL;
	else if (k == 2)
		a->lang = plausible_lang(v) ? v : NULL;
	else if (k == 3)
		a->tags = *v != '\0' ? v : NULL;
}

static int
read_front_line(struct article *a, struct aline *l)
{
	const char *v;
	size_t k;

	for (k = 0; k < sizeof(front_keys) / sizeof(front_keys[0]); k++)
		if (front_key(l, front_keys[k], &v))
			break;
	if (k == sizeof(front_keys) / sizeof(front_keys[0]))
		return 0;
	set_field(a, k, v);
	a->has_front_matter = 1;
	article_drop_line(l, ARTICLE_DROP_FRONT_MATTER);
	return 1;
}

/* Bytes of the key a tool's front matter line starts with: letters,
 * digits, '_' and '-'. */
static size_t
key_length(const struct aline *l)
{
	size_t i;

	for (i = 0; i < l->len && ((l->text[i] >= 'a' && l->text[i] <= 'z') ||
	    (l->text[i] >= 'A' && l->text[i] <= 'Z') ||
	    (l->text[i] >= '0' && l->text[i] <= '9') || l->text[i] == '_' ||
	    l->text[i] == '-'); i++)
		;
	return i;
}

/*
 * A line of a Markdown tool's "---" block (Jekyll, Hugo): "key: value" with
 * any key of letters, digits, '_' and '-', or a continuation (an indented
 * line, a "- " list entry). Anything else is text, not front matter.
 */
static int
yaml_line(const struct aline *l)
{
	size_t i;

	if (l->ibytes > 0 || (l->len >= 2 && l->text[0] == '-' &&
	    l->text[1] == ' '))
		return 1;
	i = key_length(l);
	return i > 0 && i < l->len && l->text[i] == ':';
}

/* One of the keys article.h reads. */
static int
known_key(const struct aline *l)
{
	const char *v;
	size_t k;

	for (k = 0; k < sizeof(front_keys) / sizeof(front_keys[0]); k++)
		if (front_key(l, front_keys[k], &v))
			return 1;
	return 0;
}

/*
 * A line of a "+++" block (Hugo's TOML): "key = value", a "[table]", a
 * "# comment" or nothing. The keys article.h reads are taken, their value
 * unquoted in place ("title = \"…\"" -> …); the block goes whole.
 */
static int
toml_line(struct article *a, struct aline *l, int take)
{
	size_t i, k, n;
	char *v;

	if (l->len == 0 || l->text[0] == '#' || (l->text[0] == '[' &&
	    l->text[l->len - 1] == ']'))
		return 1;
	n = i = key_length(l);
	while (i < l->len && l->text[i] == ' ')
		i++;
	if (n == 0 || i >= l->len || l->text[i] != '=')
		return 0;
	if (!take)
		return 1;
	for (i++; i < l->len && l->text[i] == ' '; i++)
		;
	v = l->text + i;
	if (l->len - i >= 2 && (v[0] == '"' || v[0] == '\'') &&
	    l->text[l->len - 1] == v[0]) {
		l->text[l->len - 1] = '\0';
		v++;
	}
	for (k = 0; k < sizeof(front_keys) / sizeof(front_keys[0]); k++)
		if (n == strlen(front_keys[k]) &&
		    ascii_ieq(l->text, front_keys[k], n))
			break;
	set_field(a, k, v);
	return 1;
}

/* A "+++" block at the top; returns the index of the line after it, or 0. */
static size_t
toml_front_matter(struct reader *r, size_t i)
{
	struct alines *ls = &r->lines;
	size_t j, k;

	for (j = i + 1; j < ls->n && j <= i + FRONT_MAX_LINES_YAML; j++)
		if (strcmp(ls->v[j].text, "+++") == 0)
			break;
	if (j >= ls->n || j > i + FRONT_MAX_LINES_YAML || j == i + 1)
		return 0;
	for (k = i + 1; k < j; k++)
		if (!toml_line(r->a, &ls->v[k], 0))
			return 0;
	for (k = i + 1; k < j; k++) {
		toml_line(r->a, &ls->v[k], 1);
		article_drop_line(&ls->v[k], ARTICLE_DROP_FRONT_MATTER);
	}
	article_drop_line(&ls->v[i], ARTICLE_DROP_FRONT_MATTER);
	article_drop_line(&ls->v[j], ARTICLE_DROP_FRONT_MATTER);
	r->a->has_front_matter = 1;
	return j + 1;
}

/*
 * Leading "key: value" lines with the keys title, date, lang, tags (any
 * case), or a "---" block of them, or a "+++" block (TOML). Other keys end the front matter and are
 * text; with yaml (Markdown), a "---" block may hold other keys too, and
 * they are left out with it. Returns the index of the first line after it.
 */
static size_t
front_matter(struct reader *r, int yaml)
{
	struct alines *ls = &r->lines;
	size_t i = 0, j, k, max = yaml ? FRONT_MAX_LINES_YAML : FRONT_MAX_LINES;
	int known, others = 0;

	while (i < ls->n && ls->v[i].kind == LK_BLANK)
		i++;
	if (i < ls->n && strcmp(ls->v[i].text, "+++") == 0)
		return toml_front_matter(r, i);
	if (i < ls->n && strcmp(ls->v[i].text, "---") == 0) {
		for (j = i + 1; j < ls->n && j <= i + max; j++)
			if (strcmp(ls->v[j].text, "---") == 0)
				break;
		if (j >= ls->n || j > i + max || j == i + 1)
			return 0;
		/* A plain-text article may carry a tool's "---" block
		 * too (Qiita, Zenn, Hugo): its other keys go with it when it
		 * has one of ours (title, date, lang, tags). */
		for (k = i + 1, known = 0; k < j; k++) {
			if (ls->v[k].kind != LK_BLANK && !yaml_line(&ls->v[k]))
				return 0;
			known += known_key(&ls->v[k]);
			if (!yaml && !known_key(&ls->v[k]))
				others = 1;
		}
		if (!yaml && others && known == 0)
			return 0;
		for (k = i + 1; k < j; k++)
			if (!read_front_line(r->a, &ls->v[k]))
				article_drop_line(&ls->v[k],
				    ARTICLE_DROP_FRONT_MATTER);
		article_drop_line(&ls->v[i], ARTICLE_DROP_FRONT_MATTER);
		article_drop_line(&ls->v[j], ARTICLE_DROP_FRONT_MATTER);
		r->a->has_front_matter = 1;
		return j + 1;
	}
	for (j = 0; i < ls->n && j < FRONT_MAX_LINES; i++, j++)
		if (!read_front_line(r->a, &ls->v[i]))
			break;
	return r->a->has_front_matter ? i : 0;
}

/* The byte offset in text[0..len) where line number line begins, line
 * ends as article_lines_split reads them. */
static size_t
line_offset(const char *text, size_t len, size_t line)
{
	size_t pos = 0;

	while (line > 0 && pos < len) {
		if (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n')
			pos++;
		if (text[pos] == '\r' || text[pos] == '\n')
			line--;
		pos++;
	}
	return pos;
}

int
article_front_matter(const char *text, size_t len, int yaml,
    struct article *a, char *store, size_t *end)
{
	struct reader r;
	size_t next;

	memset(&r, 0, sizeof(r));
	r.a = a;
	*end = 0;
	if (article_lines_split(text, len, store, &r.lines) == -1) {
		free(r.lines.v);
		return -1;
	}
	next = front_matter(&r, yaml);
	if (next > 0)
		*end = line_offset(text, len, r.lines.v[next - 1].src + 1);
	free(r.lines.v);
	return 0;
}

/* --- language, title fallback, dropped lines ------------------------------ */

void
article_script_count(struct article_script *c, const char *s, size_t len)
{
	size_t k, n;

	for (k = 0; k < len; k += n) {
		uint32_t cp = article_cp(s + k, len - k, &n);

		if (article_cp_is_kana(cp))
			c->kana++;
		else if (cp >= 0x4e00 && cp <= 0x9fff)
			c->kanji++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			c->latin++;
	}
}

const char *
article_script_lang(const struct article_script *c)
{
	if (c->kana > 0 && (c->kana + c->kanji) * 4 >= c->latin)
		return "ja";
	if (c->latin >= 20 && (c->kana + c->kanji) * 20 < c->latin)
		return "en";
	return NULL;
}

static void
detect_language(struct reader *r)
{
	const struct alines *ls = &r->lines;
	struct article_script c = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < ls->n; i++)
		article_script_count(&c, ls->v[i].text, ls->v[i].len);
	r->latin = c.latin > 4 * (c.kana + c.kanji);
	if (r->a->lang == NULL)
		r->a->lang = article_script_lang(&c);
}

/* Whether a line indented under p hangs from it: p is a bulleted item,
 * or indented itself and stopped mid-sentence. (A numbered line may be a
 * heading with its paragraph under it: "（１）燃やすごみ".) */
static int
hangs_from(const struct aline *p)
{
	uint32_t cp = article_line_last_cp(p);
	int stop = cp == 0x3002 || cp == 0xff0e || cp == 0xff01 ||
	    cp == 0xff1f || cp == '.' || cp == '!' || cp == '?' ||
	    cp == 0x300d;

	return p->kind == LK_BULLET || (p->kind == LK_TEXT && p->indent > 0 &&
	    !stop);
}

/* Paragraphs open with an indent in this text (essays, PDFs). */
static void
detect_indents(struct reader *r)
{
	const struct alines *ls = &r->lines;
	size_t i, text = 0, indented = 0;

	/* An indent under a list item, or under a line of its own that
	 * stopped mid-sentence, hangs: it says nothing of paragraphs. */
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == LK_TEXT && ls->v[i].style == STYLE_PLAIN) {
			text++;
			if (ls->v[i].indent > 0 && ls->v[i].indent <= 4 &&
			    !(i > 0 && hangs_from(&ls->v[i - 1])))
				indented++;
		}
	r->novel_indent = text >= 4 && indented * 4 >= text;
}

static int
list_dropped(struct reader *r)
{
	struct article *a = r->a;
	size_t i, n = 0;

	for (i = 0; i < r->lines.n; i++)
		if (r->lines.v[i].kind == LK_DROPPED && r->lines.v[i].len > 0)
			n++;
	if (n == 0)
		return 0;
	if ((a->dropped = malloc(n * sizeof(*a->dropped))) == NULL)
		return -1;
	for (i = 0; i < r->lines.n; i++)
		if (r->lines.v[i].kind == LK_DROPPED &&
		    r->lines.v[i].len > 0) {
			a->dropped[a->ndropped].line = r->lines.v[i].src;
			a->dropped[a->ndropped].reason = r->lines.v[i].drop;
			a->ndropped++;
		}
	return 0;
}

void
article_fallback_title(struct article *a)
{
	size_t i;

	if (a->title != NULL)
		return;
	if (a->nsections > 0) {
		a->title = a->sections[0].heading;
		return;
	}
	/* A short first paragraph names the text; a long one does not, nor
	 * does a paragraph after a list, a quotation or a link (the pages
	 * then show the file's name); a related-articles slot is passed. */
	for (i = 0; i < a->nblocks; i++) {
		if (a->blocks[i].type == ARTICLE_RELATED)
			continue;
		if (a->blocks[i].type != ARTICLE_PARAGRAPH &&
		    a->blocks[i].type != ARTICLE_SUBHEADING)
			break;
		if (article_width(a->blocks[i].text, a->blocks[i].len) <=
		    TITLE_MAX_COLUMNS)
			a->title = a->blocks[i].text;
		break;
	}
	if (a->title == NULL)
		a->title = "";
}

struct article *
article_parse(const char *text, size_t len, const char **errstr)
{
	struct reader r;
	struct article *a;
	size_t maxlen = 0, i;
	char *scratch = NULL;

	if (memchr(text, '\0', len) != NULL) {
		*errstr = "contains a NUL byte";
		return NULL;
	}
	if (!utf8_is_valid(text, len)) {
		*errstr = "not valid UTF-8";
		return NULL;
	}
	memset(&r, 0, sizeof(r));
	r.title_line = SIZE_MAX;
	/* Lines take len + 1 bytes; joined and copied text at most twice
	 * that again (a space or NUL per line, headings and links copied). */
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->text = malloc(3 * len + 64)) == NULL)
		goto nomem;
	r.a = a;
	r.out = a->text + len + 1;
	if (article_lines_split(text, len, a->text, &r.lines) == -1)
		goto nomem;
	for (i = 0; i < r.lines.n; i++)
		if (r.lines.v[i].len > maxlen)
			maxlen = r.lines.v[i].len;
	if ((scratch = malloc(maxlen + 1)) == NULL)
		goto nomem;
	front_matter(&r, 0);
	if (article_style_classify(&r.lines) == -1 || article_decorate(&r) == -1 ||
	    article_drop_contents(&r, scratch) == -1)
		goto nomem;
	detect_language(&r);
	article_find_title(&r);
	detect_indents(&r);
	if (article_find_wrap(&r) == -1)
		goto nomem;
	article_decide_headings(&r);
	article_title_from_top_heading(&r);
	if (article_build_blocks(&r) == -1 || list_dropped(&r) == -1)
		goto nomem;
	article_fallback_title(a);
	free(scratch);
	free(r.lines.v);
	return a;
nomem:
	free(scratch);
	free(r.lines.v);
	article_free(a);
	*errstr = "out of memory";
	return NULL;
}

void
article_free(struct article *a)
{
	if (a == NULL)
		return;
	free(a->blocks);
	free(a->sections);
	free(a->dropped);
	free(a->text);
	free(a);
}
