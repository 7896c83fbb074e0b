/*
 * article_meta.c - PURE: lines that say something about the text rather
 * than being its structure: rules and page footers (decoration), dates,
 * bylines, reading times, tags, a web page's buttons and a letter's set
 * words (meta: never a title or a heading), and where a sentence ends
 * (see article_internal.h).
 */
#include "article_internal.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
article_is_rule(const char *s, size_t len)
{
	size_t i = 0, n, count = 0;
	uint32_t first = 0, cp;

	while (i < len) {
		cp = article_cp(s + i, len - i, &n);
		i += n;
		if (cp == ' ' || cp == 0x3000)
			continue;
		if (count == 0)
			first = cp;
		else if (cp != first)
			return 0;
		count++;
	}
	if (count < 3)
		return 0;
	/* Letters and digits repeated are text ("www", "888"). */
	return !((first >= 'a' && first <= 'z') || (first >= 'A' &&
	    first <= 'Z') || (first >= '0' && first <= '9') ||
	    article_cp_is_kana(first) || (first >= 0x4e00 && first <= 0x9fff) ||
	    article_cp_is_emoji(first));
}

/* The dashes around a page number: - － ‐ – — ― − */
static int
is_footer_dash(uint32_t cp)
{
	return cp == '-' || cp == 0xff0d || cp == 0x2010 || cp == 0x2013 ||
	    cp == 0x2014 || cp == 0x2015 || cp == 0x2212;
}

/* A footer with the document's name before its number: "しおり　― 1 ―". */
static int
named_footer(const char *s, size_t len)
{
	size_t i, n, wide = 0;

	if (article_width(s, len) > 90)
		return 0;
	/* The number at the end, after a wide gap. */
	for (i = 0; i + 3 <= len; i += n) {
		article_cp(s + i, len - i, &n);
		if (article_starts_with(s + i, len - i, "\xe3\x80\x80") ||
		    article_starts_with(s + i, len - i, "  ")) {
			wide = i;
			while (wide < len && (s[wide] == ' ' ||
			    article_starts_with(s + wide, len - wide,
			    "\xe3\x80\x80")))
				wide += s[wide] == ' ' ? 1 : 3;
			if (wide < len && wide > i + 3 &&
			    article_is_page_footer(s + wide, len - wide))
				return 1;
		}
	}
	return 0;
}

int
article_is_page_footer(const char *s, size_t len)
{
	size_t i = 0, d, n;
	uint32_t cp;

	/* Page numbers are short: "- 12 -", never a line of figures; or
	 * they follow the document's name after a wide gap. */
	if (len > 24)
		return named_footer(s, len);
	if (article_starts_with(s, len, "Page ") ||
	    article_starts_with(s, len, "P.")) {
		i = s[1] == '.' ? 2 : 5;
		i = article_skip_spaces(s, len, i);
		d = article_digits(s + i, len - i, 0);
		return d > 0 && i + d == len;
	}
	cp = article_cp(s, len, &n);
	if (is_footer_dash(cp)) {
		i = article_skip_spaces(s, len, n);
		if ((d = article_digits(s + i, len - i, 0)) == 0)
			return 0;
		i = article_skip_spaces(s, len, i + d);
		if (i >= len)
			return 0;
		cp = article_cp(s + i, len - i, &n);
		return is_footer_dash(cp) && i + n == len;
	}
	/* "3 / 12" */
	if ((d = article_digits(s, len, 0)) > 0) {
		i = article_skip_spaces(s, len, d);
		if (i < len && s[i] == '/') {
			i = article_skip_spaces(s, len, i + 1);
			n = article_digits(s + i, len - i, 0);
			return n > 0 && i + n == len;
		}
	}
	return 0;
}

int
article_ends_sentence(const char *s, size_t len)
{
	static const char *const ends[] = {
		"。", "．", "！", "？", "、", "，", "：", "；", "…", "‥",
		".", "!", "?", ",", ":", ";",
	};
	size_t k;

	for (k = 0; k < NELEM(ends); k++)
		if (article_ends_with(s, len, ends[k]))
			return 1;
	return 0;
}

/* Whether the character c[0..n) is one of set's. */
static int
in_set(const char *set, const char *c, size_t n)
{
	size_t len = strlen(set), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(set + i, c, n) == 0)
			return 1;
	return 0;
}

/*
 * An English date alone: "Sunday, 9 February 2025", "Feb 9, 2025",
 * "9th of March", "Tue 14 Jan 2025 08:30": words that are all month or
 * weekday names (or their three-letter forms), "of", "at", am/pm, and
 * numbers, with a month or a weekday and a number among them.
 */
static int
is_english_date(const char *s, size_t len)
{
	static const char *const names[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december",
		"monday", "tuesday", "wednesday", "thursday", "friday",
		"saturday", "sunday",
	};
	static const char *const small[] = { "of", "at", "am", "pm", "th",
		"st", "nd", "rd", "sept" };
	size_t i = 0, w, k, num = 0, named = 0;

	if (len > 48)
		return 0;
	while (i < len) {
		if (strchr(" ,./-:", s[i]) != NULL) {
			i++;
			continue;
		}
		for (w = i; w < len && strchr(" ,./-:", s[w]) == NULL; w++)
			;
		if (article_is_ascii_digit((unsigned char)s[i])) {
			/* 9, 2025, 08:30 (split at ':'), 9th, 21st */
			size_t d = i;

			while (d < w && article_is_ascii_digit((unsigned char)s[d]))
				d++;
			if (d < w && !(w - d == 2 && (strncasecmp(s + d, "th",
			    2) == 0 || strncasecmp(s + d, "st", 2) == 0 ||
			    strncasecmp(s + d, "nd", 2) == 0 ||
			    strncasecmp(s + d, "rd", 2) == 0)))
				return 0;
			num++;
		} else {
			for (k = 0; k < NELEM(names); k++)
				if ((w - i == strlen(names[k]) || w - i == 3) &&
				    strncasecmp(s + i, names[k], w - i) == 0)
					break;
			if (k < NELEM(names)) {
				named++;
			} else {
				for (k = 0; k < NELEM(small); k++)
					if (w - i == strlen(small[k]) &&
					    strncasecmp(s + i, small[k],
					    w - i) == 0)
						break;
				if (k == NELEM(small))
					return 0;
			}
		}
		i = w;
	}
	return named > 0 && num > 0;
}

/* A date or time alone: "2024-10-14 21:03", "2024年11月8日", "令和6年度". */
static int
is_date(const char *s, size_t len)
{
	static const char dateish[] = "年月日時分秒度号版曜火水木金土（）()";
	size_t i = 0, n, other = 0, digit = 0;
	uint32_t cp;

	if (is_english_date(s, len))
		return 1;
	if (article_starts_with(s, len, "令和") ||
	    article_starts_with(s, len, "平成") ||
	    article_starts_with(s, len, "昭和"))
		i = strlen("令和");
	else if (article_digits(s, len, 0) < 2)
		return 0;
	for (; i < len; i += n) {
		cp = article_cp(s + i, len - i, &n);
		if (article_is_ascii_digit(cp) || article_is_fw_digit(cp))
			digit++;
		else if (!(cp == ' ' || cp == ':' || cp == '/' || cp == '-' ||
		    cp == '.' || cp == ',' || cp == 0x3000 ||
		    in_set(dateish, s + i, n)))
			other++;
	}
	return digit > 0 && other == 0;
}

/* The buttons of a web page pasted with its text, a letter's set words:
 * they name nothing. */
static int
is_page_furniture(const char *s, size_t len)
{
	static const char *const labels[] = {
		"Share", "Share this", "Share this post", "Like", "Reply",
		"Subscribe", "Leave a comment", "Comments", "Tweet", "Print",
		"シェア", "シェアする", "いいね", "コメント", "コメントする",
		"この記事をシェアする", "ツイート",
		/* A letter's set words: 記 opens the particulars, 以上
		 * closes them, 敬具 the letter; and its classification. */
		"記", "以上", "敬具", "草々", "かしこ", "社外秘", "極秘",
		"取扱注意", "Confidential",
	};
	size_t k;

	static const char *const links[] = {
		"ページの先頭へ", "ページのトップへ", "ページトップへ", "先頭へ戻る",
		"トップへ戻る", "Back to top", "back to top", "あわせて読みたい",
		"合わせて読みたい", "こちらもおすすめ", "おすすめ記事",
	};

	for (k = 0; k < NELEM(labels); k++)
		if (len == strlen(labels[k]) &&
		    strncasecmp(s, labels[k], len) == 0)
			return 1;
	/* A page's own links: "▲ページの先頭へ", "↑ Back to top",
	 * "▶あわせて読みたい：…". */
	for (k = 0; k < NELEM(links) && article_width(s, len) <= 100; k++)
		if (article_contains(s, len, links[k]))
			return 1;
	return 0;
}

/* A date, a space, then a few words: "2025年1月26日（日）　くもりのち雨",
 * "2025.02.11 Tainan" (a diary's or a blog's date line). */
static int
date_led(const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n)
		if (article_cp(s + i, len - i, &n) == ' ' ||
		    article_cp(s + i, len - i, &n) == 0x3000 ||
		    article_cp(s + i, len - i, &n) == 0xff5c ||
		    s[i] == '|')
			break;
	if (i == len || !is_date(s, i) || (article_digits(s, i, 0) < 4 &&
	    !article_starts_with(s, len, "令和") &&
	    !article_starts_with(s, len, "平成")))
		return 0;
	while (i < len && (s[i] == ' ' ||
	    article_starts_with(s + i, len - i, "\xe3\x80\x80")))
		i += s[i] == ' ' ? 1 : 3;
	/* Fields after it: "2025.12.04　｜　調理時間：45分　｜　…",
	 * "2025年9月12日｜読了目安：3分". */
	if (i < len && (s[i] == '|' || article_starts_with(s + i, len - i,
	    "｜")))
		return article_width(s + i, len - i) <= 80;
	if (article_contains(s + i, len - i, "｜") ||
	    article_contains(s + i, len - i, " | "))
		return article_width(s + i, len - i) <= 80;
	return i < len && article_width(s + i, len - i) <= 24 &&
	    !article_ends_sentence(s, len);
}

int
article_is_meta(const char *s, size_t len)
{
	static const char *const starts[] = {
		"Posted by ", "Posted on ", "Posted in ", "Post by ", "By ", "by ", "BY ",
		"Written by ", "作成：", "作成者：", "記録：", "文責：", "テーマ：",
		"写真：", "写真:", "Photo:", "Image:", "[Photo:", "[Image:",
		"Published ", "Filed under", "Tags:", "Tagged:", "Tagged with",
		"Categories:", "Category:", "タグ：", "カテゴリー：", "カテゴリ：",
		"Updated ", "文：", "文・", "著：", "投稿者", "作成者", "筆者：",
		"ライター：", "執筆：", "更新日", "公開日", "投稿日",
	};
	static const char *const within[] = {
		"分で読め", "読了時間", "min read", "minute read", "minutes read",
		"読み終わ",
	};
	size_t k, i, n;

	if (is_date(s, len) || date_led(s, len) || is_page_furniture(s, len))
		return 1;
	/* Tags in brackets: "[読書][節約][図書館]". */
	if (len > 2 && s[0] == '[' && s[len - 1] == ']' &&
	    article_contains(s, len, "][") && !article_contains(s, len, "]("))
		return 1;
	/* A letter's addressee or greeting: "会員各位", "総務部御中",
	 * "山歩きの会のみなさま" (not "３．保護者のみなさまへ", a chapter). */
	if (len < 60 && article_digits(s, len, 0) == 0 &&
	    (article_ends_with(s, len, "各位") ||
	    article_ends_with(s, len, "御中") ||
	    article_ends_with(s, len, "みなさま") ||
	    article_ends_with(s, len, "皆様") ||
	    article_ends_with(s, len, "皆さま") ||
	    article_ends_with(s, len, "みなさん") ||
	    article_ends_with(s, len, "皆さん") ||
	    article_ends_with(s, len, "様") ||
	    article_ends_with(s, len, "みなさまへ") ||
	    article_ends_with(s, len, "皆様へ") ||
	    article_ends_with(s, len, "皆さまへ") ||
	    article_ends_with(s, len, "みなさんへ") ||
	    article_ends_with(s, len, "皆さんへ")))
		return 1;
	/* A subtitle between wave dashes: "〜浜松の農家から食卓へ〜". */
	if (len > 6 && ((article_starts_with(s, len, "〜") &&
	    article_ends_with(s, len, "〜")) ||
	    (article_starts_with(s, len, "～") &&
	    article_ends_with(s, len, "～"))))
		return 1;
	if (article_one_of(s, len, 0, starts, NELEM(starts), &n))
		return 1;
	for (k = 0; k < NELEM(within); k++)
		if (len < 120 && article_contains(s, len, within[k]))
			return 1;
	/* Hashtags: "#tag #tag", never a Markdown heading. */
	if (len > 1 && (s[0] == '#' || article_starts_with(s, len, "＃"))) {
		for (i = 0; i < len && (s[i] == '#'); i++)
			;
		if (i < len && s[i] != ' ')
			return 1;
	}
	return 0;
}

int
article_is_aside(const char *s, size_t len)
{
	size_t i, n, close = 0;

	if (len < 3 || article_width(s, len) > 80 ||
	    !(article_starts_with(s, len, "（") || s[0] == '('))
		return 0;
	/* The first bracket that closes is the last character: not
	 * "（1）A社（…）", which is numbered. */
	for (i = 0; i < len; i += n) {
		uint32_t cp = article_cp(s + i, len - i, &n);

		if (cp == 0xff09 || cp == ')') {
			close = i + n;
			break;
		}
	}
	return close == len;
}

/* "件名：...", "Subject: ...": *value set. */
int
article_mail_header(const struct aline *l, int *subject, const char **value)
{
	static const char *const keys[] = {
		"件名", "題名", "Subject", "差出人", "送信者", "宛先", "日付",
		"From", "To", "Date", "Sent", "Cc", "配信日", "発行日",
	};
	size_t k, n, i;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		n = strlen(keys[k]);
		if (!article_starts_with(l->text, l->len, keys[k]))
			continue;
		i = n;
		if (article_starts_with(l->text + i, l->len - i, "："))
			i += strlen("：");
		else if (i < l->len && l->text[i] == ':')
			i++;
		else
			continue;
		while (i < l->len && l->text[i] == ' ')
			i++;
		*subject = k < 3;
		*value = l->text + i;
		return 1;
	}
	return 0;
}

/* "テーマ：子どものこと": a short label, a colon, a value. */
int
article_is_label_line(const struct aline *l)
{
	size_t i, n, chars = 0;

	for (i = 0; i < l->len && chars <= 8; i += n, chars++) {
		uint32_t cp = article_cp(l->text + i, l->len - i, &n);

		if (cp == ' ' || cp == 0x3000)
			return 0;
		if ((cp == ':' || cp == 0xff1a) && chars > 0)
			return i + n < l->len;
	}
	return 0;
}
