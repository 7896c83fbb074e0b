/*
 * article_number.c - PURE: the numbering a line starts with (1., 1), （1）,
 * ①, １．, １　, 2.1, 3-1., 第1章, その1, Step1, Q1., Day 2 -, ケース1:) and
 * the rows of a schedule ("４月　総会"), as styles (see
 * article_internal.h); whether a numbered line heads or lists is decided
 * for the whole document elsewhere.
 */
#include "article_internal.h"

#include <stdint.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A small stable number for the word of a "word + number" style. */
static int
word_key(const char *s, size_t len)
{
	return (int)(article_hash(s, len) % 100000);
}

/*
 * A schedule row: a number with its unit ("４月", "10日", "10:00"), then
 * a wide gap (U+3000, a tab or two spaces) before the text.
 */
static int
is_row(const char *s, size_t len, size_t d)
{
	static const char *const units[] = {
		"月", "日", "時", "年", "年度", "月度", "回", "限", "分",
	};
	size_t i = d, n, k;

	if (i < len && (s[i] == ':' || article_starts_with(s + i, len - i,
	    "："))) {
		k = s[i] == ':' ? 1 : strlen("：");
		n = article_digits(s + i + k, len - i - k, 0);
		if (n == 0)
			return 0;
		i += k + n;
	} else if (article_one_of(s, len, i, units, NELEM(units), &n)) {
		i += n;
		if (article_one_of(s, len, i, units, NELEM(units), &n))
			i += n;
		/* "９月１２日（金）": more numbers and units, a weekday;
		 * "12月〜1月": a range. */
		for (;;) {
			size_t dash = 0;

			if (article_starts_with(s + i, len - i, "〜") ||
			    article_starts_with(s + i, len - i, "～"))
				dash = strlen("〜");
			else if (i < len && s[i] == '-')
				dash = 1;
			n = article_digits(s + i + dash, len - i - dash, 0);
			if (n == 0 || !article_one_of(s, len, i + dash + n,
			    units, NELEM(units), &k))
				break;
			i += dash + n + k;
		}
		if (article_starts_with(s + i, len - i, "（") ||
		    (i < len && s[i] == '(')) {
			for (k = i; k < len && k < i + 12 && s[k] != ')' &&
			    !article_starts_with(s + k, len - k, "）"); k++)
				;
			if (k < len && s[k] == ')')
				i = k + 1;
			else if (article_starts_with(s + k, len - k, "）"))
				i = k + strlen("）");
		}
	} else {
		return 0;
	}
	return article_starts_with(s + i, len - i, "\xe3\x80\x80") ||
	    article_starts_with(s + i, len - i, "\t") ||
	    article_starts_with(s + i, len - i, "  ");
}

long
article_leading_number(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;
	long v = -1;

	if (len > 0 && s[0] == '(')
		i = 1;
	else if (article_starts_with(s, len, "（"))
		i = strlen("（");
	cp = article_cp(s + i, len - i, &n);
	if (cp >= 0x2460 && cp <= 0x2473)
		return (long)(cp - 0x2460 + 1);
	while (i < len && v < 100000) {
		cp = article_cp(s + i, len - i, &n);
		if (article_is_ascii_digit(cp))
			v = (v < 0 ? 0 : v) * 10 + (long)(cp - '0');
		else if (article_is_fw_digit(cp))
			v = (v < 0 ? 0 : v) * 10 + (long)(cp - 0xff10);
		else
			break;
		i += n;
	}
	return v;
}

/* Whether s[0..n) is all ASCII letters. */
static int
word_is_latin(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return 1;
}

/*
 * The numbering a line starts with: Q1., 第1章, その1, Step1, 1., 1),
 * (1), ①, １．, ケース1: ... Returns the style, or STYLE_NONE.
 */
int
article_numbering(const char *s, size_t len)
{
	size_t i, d, n;
	uint32_t cp, after;

	if (len == 0)
		return STYLE_NONE;
	cp = article_cp(s, len, &n);
	if ((cp >= 0x2460 && cp <= 0x2473) || (cp >= 0x2776 && cp <= 0x277f))
		return n < len ? STYLE_NUM_CIRCLED : STYLE_NONE;
	if (article_starts_with(s, len, "第")) {
		i = strlen("第");
		if ((d = article_digits(s + i, len - i, 1)) > 0) {
			i += d;
			if (article_starts_with(s + i, len - i, "章"))
				return STYLE_CHAPTER;
			if (article_starts_with(s + i, len - i, "節") ||
			    article_starts_with(s + i, len - i, "部") ||
			    article_starts_with(s + i, len - i, "回") ||
			    article_starts_with(s + i, len - i, "話"))
				return STYLE_PART;
		}
		return STYLE_NONE;
	}
	if (article_starts_with(s, len, "その")) {
		i = strlen("その");
		if ((d = article_digits(s + i, len - i, 1)) > 0 && i + d < len)
			return STYLE_SONO;
		return STYLE_NONE;
	}
	if (article_starts_with(s, len, "Chapter ") ||
	    article_starts_with(s, len, "CHAPTER ")) {
		i = strlen("Chapter ");
		if (article_digits(s + i, len - i, 0) > 0)
			return STYLE_CHAPTER;
		/* "CHAPTER IV." */
		for (d = i; d < len && strchr("IVXLC", s[d]) != NULL; d++)
			;
		return d > i && (d == len || s[d] == '.' || s[d] == ' ' ||
		    s[d] == ':') ? STYLE_CHAPTER : STYLE_NONE;
	}
	if (article_starts_with(s, len, "Step") ||
	    article_starts_with(s, len, "STEP") ||
	    article_starts_with(s, len, "ステップ")) {
		i = s[0] == 'S' ? 4 : strlen("ステップ");
		i = article_skip_spaces(s, len, i);
		if ((d = article_digits(s + i, len - i, 0)) > 0 && i + d < len)
			return STYLE_STEP;
		return STYLE_NONE;
	}
	if (s[0] == 'Q' || article_starts_with(s, len, "Ｑ")) {
		i = s[0] == 'Q' ? 1 : strlen("Ｑ");
		i += article_digits(s + i, len - i, 0);
		if (i < len && (s[i] == '.' || s[i] == ':' || s[i] == ')' ||
		    s[i] == ' ' || article_starts_with(s + i, len - i, "．") ||
		    article_starts_with(s + i, len - i, "：") ||
		    article_starts_with(s + i, len - i, "）") ||
		    article_starts_with(s + i, len - i, "\xe3\x80\x80")))
			return STYLE_QUESTION;
		return STYLE_NONE;
	}
	/* "(a)", "（ａ）": lettered points, a level of their own. */
	if (len > 3 && s[0] == '(' && ((s[1] >= 'a' && s[1] <= 'z') ||
	    (s[1] >= 'A' && s[1] <= 'Z')) && s[2] == ')')
		return STYLE_NUM_LETTER;
	if (s[0] == '(' || article_starts_with(s, len, "（")) {
		i = s[0] == '(' ? 1 : strlen("（");
		if ((d = article_digits(s + i, len - i, 0)) > 0 && d <= 6) {
			i += d;
			if (i < len && (s[i] == ')' ||
			    article_starts_with(s + i, len - i, "）")))
				return STYLE_NUM_ENCLOSED;
		}
		return STYLE_NONE;
	}
	if ((d = article_digits(s, len, 0)) > 0 && d <= 9) {
		int fullwidth = !article_is_ascii_digit(cp);

		if (d >= len)
			return STYLE_NONE;
		after = article_cp(s + d, len - d, &n);
		if (d + n >= len)
			return STYLE_NONE;
		if (after == '.' || after == 0xff0e) {
			/* "2.1 Text" numbers a part of section 2; "3.14" and
			 * "2024.10.14" are numbers, not numbering. */
			i = d + n;
			cp = article_cp(s + i, len - i, &n);
			if (article_is_ascii_digit(cp) ||
			    article_is_fw_digit(cp)) {
				size_t d2 = article_digits(s + i, len - i, 0);

				i += d2;
				if (d2 <= 2 && d <= 2 && i < len && s[i] == '.')
					i++;
				return d2 <= 2 && d <= 2 && i + 1 < len &&
				    s[i] == ' ' && s[i + 1] != ' ' ?
				    STYLE_NUM_DECIMAL : STYLE_NONE;
			}
			return fullwidth ? STYLE_NUM_FULLWIDTH : STYLE_NUM_DOT;
		}
		if (after == ')' || after == 0xff09)
			return STYLE_NUM_PAREN;
		/* "1つ目：", "2つ目 ": a listicle's counted headings. */
		if (article_starts_with(s + d, len - d, "つ目")) {
			i = d + strlen("つ目");
			return i < len && (s[i] == ':' || s[i] == ' ' ||
			    article_starts_with(s + i, len - i, "：") ||
			    article_starts_with(s + i, len - i,
			    "\xe3\x80\x80")) ? STYLE_NUM_TSUME : STYLE_NONE;
		}
		/* "3-1." and "3-1 ": a part of section 3. */
		if ((after == '-' || after == 0xff0d) && d <= 2) {
			i = d + n;
			d = article_digits(s + i, len - i, 0);
			if (d > 0 && d <= 2) {
				i += d;
				if (i < len && (s[i] == '.' || s[i] == ')'))
					i++;
				if (i + 1 < len && (s[i] == ' ' ||
				    article_starts_with(s + i, len - i,
				    "\xe3\x80\x80")))
					return STYLE_NUM_DECIMAL;
			}
			return STYLE_NONE;
		}
		/* "１　ごみの分け方": an official document's numbering. */
		if (after == 0x3000 && d <= 6 && d + n < len &&
		    article_cp(s + d + n, len - d - n, &n) != 0x3000)
			return STYLE_NUM_SPACE;
		return is_row(s, len, d) ? STYLE_ROW : STYLE_NONE;
	}
	/* A word of letters, then a number, then a separator: "ケース1:",
	 * "Day 2 - ". */
	for (i = 0; i < len && i < 24; i += n) {
		cp = article_cp(s + i, len - i, &n);
		if (article_is_ascii_digit(cp) || article_is_fw_digit(cp))
			break;
		if (cp == ' ' && i >= 2 && i + 1 < len &&
		    article_is_ascii_digit((unsigned char)s[i + 1]) &&
		    word_is_latin(s, i)) {
			i++;
			break;
		}
		if (!((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		    article_cp_is_kana(cp) || (cp >= 0x4e00 && cp <= 0x9fff)))
			return STYLE_NONE;
	}
	if (i == 0 || i >= len)
		return STYLE_NONE;
	d = article_digits(s + i, len - i, 0);
	if (d == 0 || d > 3 || i + d >= len)
		return STYLE_NONE;
	after = article_cp(s + i + d, len - i - d, &n);
	/* With a space before the number, a sign after it: "Day 2 - ",
	 * "Part 3: " ("Sat 26 April" is a date). */
	if (s[i - 1] == ' ' && !(after == ':' || after == '.' ||
	    article_starts_with(s + i + d, len - i - d, " - ") ||
	    article_starts_with(s + i + d, len - i - d, " – ") ||
	    article_starts_with(s + i + d, len - i - d, " — ")))
		return STYLE_NONE;
	if (after == ':' || after == 0xff1a || after == '.' ||
	    after == 0xff0e ||
	    after == 0x3000 || after == ' ')
		return STYLE_WORD_BASE + word_key(s, i);
	return STYLE_NONE;
}
