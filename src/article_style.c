/*
 * article_style.c - PURE: what one line of an article looks like (see
 * article_internal.h). Nothing here decides what a line is: a "■" line may
 * be a heading or a list item, a "1." line a sub-heading or an item;
 * article.c decides for the whole document.
 */
#include "article_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Marks that head sections in Japanese web text (or mark list items). */
static const char *const heading_marks[] = {
	"■", "□", "●", "○", "◆", "◇", "▼", "▽", "▶", "►", "★", "☆", "◉",
	"♦", "▲", "△", "◼", "◾", "◯", "❏", "❖", "⚠",
};
/* The first ones are mere marks, left out of the heading's text; the
 * others stay in it, as the writer put them ("⚠警告" warns). */
#define MARKS_DROPPED 12

/* Bullets: a line that starts with one is a list item, whatever follows.
 * The first ones are mere bullets, dropped for gemtext's "* "; the others
 * say something (a check mark, a box ticked or not, an arrow) or are not
 * the usual bullets: they stay in the item's text as the writer put them. */
static const char *const bullets[] = {
	"- ", "* ", "・", "•", "◎", "– ",
	"+ ", "▪", "‣", "◦", "＊ ", "－ ", "✔", "✓", "☑", "✅", "☐", "➤", "♪",
};
#define BULLETS_DROPPED 6

/* Brackets that enclose a heading: 【見出し】 or ≪テーマ≫見出し. */
static const char *const brackets[][2] = {
	{ "【", "】" }, { "〔", "〕" }, { "［", "］" }, { "[", "]" },
	{ "＜", "＞" }, { "≪", "≫" }, { "《", "》" }, { "〈", "〉" },
	{ "〖", "〗" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
article_all_capitals(const char *s, size_t len)
{
	size_t i, caps = 0;

	for (i = 0; i < len; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			return 0;
		caps += s[i] >= 'A' && s[i] <= 'Z';
	}
	return caps >= 3;
}

/* glibc's memmem needs _GNU_SOURCE. */
int
article_contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = s, *end = s + len;

	while ((size_t)(end - p) >= n &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return 1;
		p++;
	}
	return 0;
}

int
article_style_is_marked(int style)
{
	return style == STYLE_MD || style == STYLE_SETEXT ||
	    style == STYLE_CHAPTER || style == STYLE_PART ||
	    style == STYLE_SONO || style == STYLE_STEP ||
	    style == STYLE_QUESTION || style == STYLE_BRACKET_NUM ||
	    style == STYLE_CAPS ||
	    (style >= STYLE_MARK_BASE && style < STYLE_WORD_BASE);
}

int
article_style_is_numbering(int style)
{
	return style == STYLE_ROW || style == STYLE_NUM_DOT ||
	    style == STYLE_NUM_PAREN ||
	    style == STYLE_NUM_ENCLOSED || style == STYLE_NUM_CIRCLED ||
	    style == STYLE_NUM_FULLWIDTH || style == STYLE_NUM_DECIMAL ||
	    style == STYLE_NUM_SPACE || style == STYLE_NUM_LETTER ||
	    style == STYLE_NUM_TSUME;
}

int
article_is_ascii_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

int
article_is_fw_digit(uint32_t cp)
{
	return cp >= 0xff10 && cp <= 0xff19;
}

static int
is_kanji_numeral(uint32_t cp)
{
	static const char numerals[] = "〇一二三四五六七八九十百";
	size_t i = 0, n;

	while (numerals[i] != '\0') {
		if (article_cp(numerals + i, strlen(numerals + i), &n) == cp)
			return 1;
		i += n;
	}
	return 0;
}

size_t
article_digits(const char *s, size_t len, int kanji)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		cp = article_cp(s + i, len - i, &n);
		if (!article_is_ascii_digit(cp) && !article_is_fw_digit(cp) &&
		    !(kanji && is_kanji_numeral(cp)))
			break;
		i += n;
	}
	return i;
}

size_t
article_skip_spaces(const char *s, size_t len, size_t i)
{
	for (;;) {
		if (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (article_starts_with(s + i, len - i, "\xe3\x80\x80"))
			i += 3;
		else
			return i;
	}
}

int
article_one_of(const char *s, size_t len, size_t i, const char *const *set,
    size_t nset, size_t *n)
{
	size_t k;

	for (k = 0; k < nset; k++)
		if (article_starts_with(s + i, len - i, set[k])) {
			*n = strlen(set[k]);
			return 1;
		}
	return 0;
}

/* The bracket that encloses s[0..len), whole or as a prefix, or -1. */
static int
bracket_at(const char *s, size_t len, size_t *close_end)
{
	size_t k, i, n;

	for (k = 0; k < NELEM(brackets); k++) {
		const char *open = brackets[k][0], *close = brackets[k][1];

		if (!article_starts_with(s, len, open))
			continue;
		for (i = strlen(open); i < len; i += n) {
			if (article_starts_with(s + i, len - i, open))
				return -1;
			if (article_starts_with(s + i, len - i, close)) {
				*close_end = i + strlen(close);
				return *close_end > strlen(open) + strlen(close) ?
				    (int)k : -1;
			}
			article_cp(s + i, len - i, &n);
		}
		return -1;
	}
	return -1;
}

/* Whether s is a URL: scheme ":" and no blank. */
static size_t
url_length(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 0 && (s[0] == '/' || article_starts_with(s, len, "./") ||
	    article_starts_with(s, len, "../"))) {
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		return i;
	}
	if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
	    s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i + 1 >= len || s[i] != ':' || s[i + 1] == ' ')
		return 0;
	/* Up to a blank, or to Japanese punctuation around it ("…/mail/）",
	 * "…/」"), which a URL never holds. */
	while (i < len && s[i] != ' ' && s[i] != '\t' &&
	    !article_starts_with(s + i, len - i, "）") &&
	    !article_starts_with(s + i, len - i, "」") &&
	    !article_starts_with(s + i, len - i, "、") &&
	    !article_starts_with(s + i, len - i, "。"))
		i++;
	return i;
}

/* A URL alone on its line (web, gemini, gopher, mail). */
static int
is_bare_url(const char *s, size_t len)
{
	static const char *const schemes[] = {
		"https://", "http://", "gemini://", "gopher://", "ftp://",
		"mailto:",
	};
	size_t n;

	return article_one_of(s, len, 0, schemes, NELEM(schemes), &n) &&
	    len > n &&
	    url_length(s, len) == len;
}

/* "=> URL label": the author's own link line. */
static int
is_link_line(const char *s, size_t len)
{
	size_t i;

	if (!article_starts_with(s, len, "=>"))
		return 0;
	i = article_skip_spaces(s, len, 2);
	return url_length(s + i, len - i) > 0;
}

/* ``` or ~~~ with an info string of plain ASCII words (or none). */
static int
fence_opener(const char *s, size_t len)
{
	size_t i;

	if (len > 40 || (!article_starts_with(s, len, "```") &&
	    !article_starts_with(s, len, "~~~")))
		return 0;
	for (i = 3; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c == '`' || c == '~')
			return 0;
	}
	return 1;
}

static int
fence_closer(const struct aline *l, char c)
{
	size_t i;

	if (l->kind != LK_TEXT || l->len < 3)
		return 0;
	for (i = 0; i < l->len; i++)
		if (l->text[i] != c)
			return 0;
	return 1;
}

uint64_t
article_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

size_t
article_heading_key(const char *s, size_t len, char *out)
{
	static const char *const leaders[] = { "…", "‥", "・・", "..", "．．" };
	static const char *const single_leaders[] = { "・", "．" };
	size_t i = 0, w = 0, n, k, close;
	uint32_t cp;

	/* Without blanks. */
	while (i < len) {
		cp = article_cp(s + i, len - i, &n);
		if (cp != ' ' && cp != '\t' && cp != 0x3000) {
			memcpy(out + w, s + i, n);
			w += n;
		}
		i += n;
	}
	/* Without dot leaders and the page number after them. */
	for (i = 0; i < w; i += n) {
		const unsigned char *u = (const unsigned char *)out + i;

		/* Leaders: "..", …, ‥, ・・, ．． (bytes compared first:
		 * this runs over every short line). */
		if (((u[0] == '.' && i + 1 < w && u[1] == '.') ||
		    (u[0] == 0xe2 && i + 2 < w && u[1] == 0x80 &&
		    (u[2] == 0xa6 || u[2] == 0xa5)) ||
		    (u[0] == 0xe3 && i + 2 < w && u[1] == 0x83 &&
		    u[2] == 0xbb) ||
		    (u[0] == 0xef && i + 2 < w && u[1] == 0xbc &&
		    u[2] == 0x8e)) &&
		    article_one_of(out, w, i, leaders, NELEM(leaders), &n)) {
			/* (An odd run ends in one "・" or "．".) */
			for (k = i; k < w; k += n)
				if (!article_one_of(out, w, k, leaders,
				    NELEM(leaders), &n) &&
				    !(out[k] == '.' && (n = 1)) &&
				    !article_one_of(out, w, k, single_leaders,
				    NELEM(single_leaders), &n))
					break;
			if (article_digits(out + k, w - k, 0) == w - k) {
				w = i;
				break;
			}
			/* Past the run: each byte is looked at once. */
			i = k;
			if (i >= w)
				break;
		}
		article_cp(out + i, w - i, &n);
	}
	/* Without a leading mark, bullet or Markdown '#'s. */
	i = 0;
	while (i < w && out[i] == '#')
		i++;
	if (i == 0 && (article_one_of(out, w, 0, heading_marks,
	    NELEM(heading_marks), &n) || article_one_of(out, w, 0, bullets, NELEM(bullets), &n) ||
	    (out[0] == '*' && w > 1) || (out[0] == '-' && w > 1)))
		i = n == 0 ? 1 : n;
	memmove(out, out + i, w - i);
	w -= i;
	/* Without whole-line brackets, or a bracketed prefix. */
	if (bracket_at(out, w, &close) >= 0) {
		if (close == w) {
			size_t open;

			article_cp(out, w, &open);
			article_last_cp(out, w, &n);
			memmove(out, out + open, w - open - n);
			w -= open + n;
		} else {
			memmove(out, out + close, w - close);
			w -= close;
		}
	}
	/* "CHAPTER I. OF WOOL." is listed as "CHAPTER I. OF WOOL". */
	while (w > 0 && out[w - 1] == '.')
		w--;
	out[w] = '\0';
	return w;
}

/*
 * A row of a table or an enumeration: a short label, a wide space, the
 * rest ("ア　生ごみ", "火曜日　資源物", "受付  9:00"). In a run, rows are
 * items; alone, text.
 */
static int
label_row(const char *s, size_t len)
{
	size_t i, n, chars = 0, words = 1;
	uint32_t cp;

	for (i = 0; i < len && chars <= 16; i += n, chars++) {
		cp = article_cp(s + i, len - i, &n);
		if (cp == 0x3000 || cp == '\t' || (cp == ' ' && i + 1 < len &&
		    s[i + 1] == ' '))
			break;
		/* "資源（びん・缶）": a label may say what it holds. */
		if (cp == 0xff08 || cp == 0xff09)
			continue;
		/* "Sat 26 April": a few words, in Latin script. */
		if (cp == ' ' && i > 0 && s[i - 1] != ' ' && ++words <= 3)
			continue;
		/* A label is a word or a number: letters, kana, kanji,
		 * digits and ・, nothing that punctuates ("監修：…"). */
		if (!(article_is_ascii_digit(cp) || article_is_fw_digit(cp) ||
		    (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		    article_cp_is_kana(cp) || (cp >= 0x4e00 && cp <= 0x9fff) ||
		    cp == 0x30fb || cp == ':'))
			return 0;
	}
	if (chars == 0 || chars > 16 || i >= len)
		return 0;
	i = article_skip_spaces(s, len, i);
	return i < len;
}

/* A short line in capitals ("WHAT CHANGED", "IN THIS ISSUE"), not a
 * clause (no final comma or colon) and not an abbreviation alone. */
static int
caps_line(const char *s, size_t len)
{
	size_t i, letters = 0;

	if (len > 60 || !article_all_capitals(s, len))
		return 0;
	for (i = 0; i < len; i++)
		letters += s[i] >= 'A' && s[i] <= 'Z';
	return letters >= 4 && s[len - 1] != ',' && s[len - 1] != ':' &&
	    s[len - 1] != ';';
}

/* Sets style, mark and bracket_whole of a text line. */
static void
classify_heading_style(struct aline *l, const struct aline *prev,
    const struct aline *next)
{
	const char *s = l->text;
	size_t len = l->len, n, close, i;
	int k;

	if (len > 1 && s[0] == '#') {
		for (i = 0; i < len && s[i] == '#'; i++)
			;
		/* "# " before a whole sentence is a comment or running
		 * text, not a heading. */
		if (i <= 6 && i < len && s[i] == ' ' && l->indent < 4 &&
		    !(article_ends_with(s, len, "。") ||
		    article_ends_with(s, len, "．") ||
		    (article_ends_with(s, len, ".") && l->width > 40) ||
		    l->width > HEADING_MAX_COLUMNS)) {
			l->style = STYLE_MD;
			l->md_depth = (int)i;
			l->mark = article_skip_spaces(s, len, i);
			return;
		}
	}
	/* Underlined: the next line is ===... or ---... of about its width
	 * (with a rule above too, it is a banner: the line's own style). */
	if (next != NULL && next->kind == LK_TEXT && next->len >= 3 &&
	    !(prev != NULL && prev->kind == LK_TEXT &&
	    article_is_rule(prev->text, prev->len)) &&
	    (next->text[0] == '=' || next->text[0] == '-' ||
	    next->text[0] == '~' || next->text[0] == '*') &&
	    strspn(next->text, next->text[0] == '=' ? "=" :
	    next->text[0] == '-' ? "-" : next->text[0] == '~' ? "~" :
	    "*") == next->len &&
	    next->width * 2 >= l->width && next->width <= l->width * 2 + 2) {
		l->style = STYLE_SETEXT;
		/* "~~~" and "***" underline a title in plain text. */
		l->md_depth = next->text[0] == '-' ? 2 : 1;
		return;
	}
	if (article_one_of(s, len, 0, heading_marks, NELEM(heading_marks),
	    &n)) {
		for (k = 0; k < (int)NELEM(heading_marks); k++)
			if (article_starts_with(s, len, heading_marks[k]))
				break;
		if (article_skip_spaces(s, len, n) < len) {
			l->style = STYLE_MARK_BASE + k;
			l->mark = k < MARKS_DROPPED ?
			    article_skip_spaces(s, len, n) : 0;
			/* Framed, "◇◆ 週刊にゃんこ手帖 ◆◇": the frame
			 * is the line's, kept whole. */
			if (article_ends_with_any(s, len, heading_marks,
			    NELEM(heading_marks)))
				l->mark = 0;
		}
		return;
	}
	if ((k = bracket_at(s, len, &close)) >= 0 &&
	    !(s[0] == '[' && memchr(s, ':', len) != NULL)) {
		if (close == len) {
			l->style = STYLE_BRACKET_BASE + k;
			l->bracket_whole = 1;
			article_cp(s, len, &l->mark);
		} else {
			size_t open = strlen(brackets[k][0]);

			/* "≪テーマ≫見出し" is of the family of "≪見出し≫";
			 * a number in brackets is a numbering of its own. */
			l->style = article_digits(s + open, len - open, 0) ==
			    close - open - strlen(brackets[k][1]) ?
			    STYLE_BRACKET_NUM : STYLE_BRACKET_BASE + k;
		}
		return;
	}
	if ((k = article_numbering(s, len)) != STYLE_NONE) {
		l->style = k;
		return;
	}
	l->style = label_row(s, len) ? STYLE_ROW : caps_line(s, len) ?
	    STYLE_CAPS : STYLE_PLAIN;
}

/* Whether line j (maybe out of range) is a bullet with line i's mark. */
int
article_same_bullet(const struct alines *lines, size_t i, size_t j)
{
	size_t n, k;
	int step = j < i ? -1 : 1;

	/* Past an item's indented lines, up to three. */
	for (k = 0; k < 3 && j < lines->n && lines->v[j].kind == LK_TEXT &&
	    lines->v[j].indent > lines->v[i].indent && lines->v[j].len > 0;
	    k++)
		j += step;
	if (j >= lines->n || lines->v[j].kind != LK_BULLET)
		return 0;
	article_cp(lines->v[i].text, lines->v[i].len, &n);
	return lines->v[j].len >= n &&
	    memcmp(lines->v[j].text, lines->v[i].text, n) == 0;
}

/* Whether l starts with a mail's quote mark, ">" or "＞". */
static int
quote_mark(const struct aline *l)
{
	return (l->len > 0 && l->text[0] == '>') ||
	    article_starts_with(l->text, l->len, "＞");
}

int
article_style_classify(struct alines *lines)
{
	size_t i, j, n, *closer;

	/* closer[i]: the first line at or below i that can close a fence of
	 * backticks (or SIZE_MAX), so matching fences stays linear. */
	if ((closer = malloc((lines->n + 1) * sizeof(*closer))) == NULL)
		return -1;
	closer[lines->n] = SIZE_MAX;
	for (i = lines->n; i-- > 0;)
		closer[i] = fence_closer(&lines->v[i], '`') ? i : closer[i + 1];

	for (i = 0; i < lines->n; i++) {
		struct aline *l = &lines->v[i];
		const char *s = l->text;

		if (l->kind != LK_TEXT)
			continue;
		if (fence_opener(s, l->len) && s[0] == '`' &&
		    (j = closer[i + 1]) != SIZE_MAX) {
			l->kind = LK_FENCE_OPEN;
			while (++i < j)
				if (lines->v[i].kind != LK_DROPPED)
					lines->v[i].kind = LK_FENCE_BODY;
			lines->v[j].kind = LK_FENCE_CLOSE;
			continue;
		}
		l->meta = article_is_meta(s, l->len);
		if (article_is_link_slot(s, l->len)) {
			l->kind = LK_SLOT;
		} else if (is_link_line(s, l->len) || is_bare_url(s, l->len)) {
			l->kind = LK_LINK;
		} else if (s[0] == '>' && (l->len == 1 || s[1] == ' ' ||
		    s[1] == '>')) {
			l->kind = LK_QUOTE;
		} else if (article_one_of(s, l->len, 0, bullets, NELEM(bullets),
		    &n) &&
		    article_skip_spaces(s, l->len, n) < l->len) {
			l->kind = LK_BULLET;
			l->mark = article_one_of(s, l->len, 0, bullets,
			    BULLETS_DROPPED, &n) ?
			    article_skip_spaces(s, l->len, n) : 0;
		} else {
			classify_heading_style(l, i > 0 ? &lines->v[i - 1] :
			    NULL, i + 1 < lines->n ? &lines->v[i + 1] : NULL);
		}
	}
	/* A check mark or an arrow on one line alone calls it out; it
	 * lists only beside another line with the same mark. */
	for (i = 0; i < lines->n; i++) {
		struct aline *b = &lines->v[i];

		if (b->kind != LK_BULLET || b->mark > 0 ||
		    article_same_bullet(lines, i, i - 1) ||
		    article_same_bullet(lines, i, i + 1))
			continue;
		b->kind = LK_TEXT;
		classify_heading_style(b, i > 0 ? &lines->v[i - 1] : NULL,
		    i + 1 < lines->n ? &lines->v[i + 1] : NULL);
	}
	article_hatena_notation(lines);
	/* An information block, "日時：…", "場所：…", "対象：…": three
	 * labels or more in a row are its rows (a mail's headers are not). */
	for (i = 0; i < lines->n; i = j + 1) {
		const char *value;
		int subject;

		for (j = i; j < lines->n && lines->v[j].kind == LK_TEXT &&
		    lines->v[j].style == STYLE_PLAIN &&
		    article_is_label_line(&lines->v[j]) &&
		    !article_mail_header(&lines->v[j], &subject, &value); j++)
			;
		if (j - i >= 3)
			for (n = i; n < j; n++)
				lines->v[n].style = STYLE_ROW;
	}
	/* Mail quoted with no space after the mark (">先日は…"), or with a
	 * full-width one ("＞先日は…"): a run of two lines or more, never one
	 * line alone (">_<" is a face). */
	for (i = 0; i + 1 < lines->n; i++) {
		struct aline *a = &lines->v[i], *b = &lines->v[i + 1];

		if (a->kind == LK_TEXT && b->kind == LK_TEXT && a->len > 1 &&
		    b->len > 1 && quote_mark(a) && quote_mark(b)) {
			for (j = i; j < lines->n &&
			    lines->v[j].kind == LK_TEXT && lines->v[j].len > 0 &&
			    quote_mark(&lines->v[j]); j++) {
				lines->v[j].kind = LK_QUOTE;
				lines->v[j].style = STYLE_NONE;
			}
			i = j - 1;
		}
	}
	/* ">>" alone is a pointer ("> > back issues"), not a quote: it is
	 * one only beside a quoted line (">>" lines together quote too). */
	for (i = 0; i < lines->n; i++) {
		struct aline *q = &lines->v[i];

		if (q->kind != LK_QUOTE || q->len < 2 || q->text[1] != '>')
			continue;
		if (!((i > 0 && lines->v[i - 1].kind == LK_QUOTE) ||
		    (i + 1 < lines->n && lines->v[i + 1].kind == LK_QUOTE))) {
			q->kind = LK_TEXT;
			q->style = STYLE_NONE;
		}
	}
	free(closer);
	return 0;
}
