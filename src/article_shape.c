/*
 * article_shape.c - PURE: whether a short line could name what follows it
 * or says something else: it chats (an emoji, 笑), runs on as prose (です,
 * が, …な), gives an address, quotes words said, notes a date, or names a
 * text's opening part (see article_internal.h). article_heading.c asks.
 */
#include "article_internal.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* A line chatting, not naming: it ends in an emoji or laughter. */
int
article_is_chatty(const struct aline *l)
{
	uint32_t cp = article_line_last_cp(l);

	return article_cp_is_emoji(cp) || cp == 0xfe0f || cp == 0x200d ||
	    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
	    article_ends_with(l->text, l->len, "笑") ||
	    article_ends_with(l->text, l->len, "（笑）") ||
	    article_ends_with(l->text, l->len, "(笑)") ||
	    article_ends_with(l->text, l->len, "ｗ") ||
	    article_ends_with(l->text, l->len, "www");
}

/* Japanese sentence endings without their full stop, and clauses that
 * run on: a line ending so is prose. */
int
article_ends_like_prose(const struct aline *l)
{
	static const char *const ends[] = {
		"です", "ます", "ました", "でした", "ません", "ください",
		"でしょう", "ですか", "ますか", "ませんか", "だった", "ている",
		"が", "を", "けど", "けれど", "ので", "のに", "たら", "という",
		"というと", "ですが", "ますが", "って",
		/* A lead-in to what follows: "…はこちら", "…は以下のとおり". */
		"こちら", "以下", "とおり", "通り",
	};
	size_t n;

	/* "…はこの3つ": a count of what follows. */
	if (l->len > 3 && article_ends_with(l->text, l->len, "つ")) {
		uint32_t cp = article_last_cp(l->text, l->len - strlen("つ"),
		    &n);

		if ((cp >= '0' && cp <= '9') || (cp >= 0xff10 && cp <= 0xff19))
			return 1;
	}
	return article_ends_with_any(l->text, l->len, ends,
	    sizeof(ends) / sizeof(ends[0]));
}

/* Sentence-final particles: "...帰りたいな", "...だよね". */
int
article_ends_with_particle(const struct aline *l)
{
	static const char *const ends[] = {
		"な", "ね", "よ", "わ", "ぞ", "なぁ", "ねー", "よー", "かな",
	};
	/* And a sentence broken after its topic or a clause, one piece a
	 * line, as blogs write ("過去2回は", "もつれやすくて", "終わって
	 * から", "頼もしいような"); but "…とは", "…として", "…に関して"
	 * name a thing. */
	static const char *const runs_on[] = {
		"は", "くて", "して", "てから", "ような",
	};
	static const char *const names[] = {
		"とは", "として", "関して", "対して",
	};

	return article_ends_with_any(l->text, l->len, ends,
	    sizeof(ends) / sizeof(ends[0])) ||
	    (article_ends_with_any(l->text, l->len, runs_on,
	    sizeof(runs_on) / sizeof(runs_on[0])) &&
	    !article_ends_with_any(l->text, l->len, names,
	    sizeof(names) / sizeof(names[0])));
}

/* An address in the line (mail or web): it tells where, it names nothing. */
int
article_has_address(const struct aline *l)
{
	return memchr(l->text, '@', l->len) != NULL ||
	    article_contains(l->text, l->len, "://") ||
	    article_contains(l->text, l->len, "www.");
}

/* Words someone said, alone on a line: 「…」 around a sentence with its
 * own stops (「毎日、底からかき混ぜなさい。それだけ」). A heading in 「」
 * names a thing without them (「手でおぼえなさい」). */
int
article_spoken(const struct aline *l)
{
	return article_starts_with(l->text, l->len, OPEN_QUOTE) &&
	    (article_contains(l->text, l->len, "。") ||
	    article_contains(l->text, l->len, "、") ||
	    article_contains(l->text, l->len, "！") ||
	    article_contains(l->text, l->len, "？"));
}


/* A label with a date or a number for its value ("次回：6月4日（水）",
 * "Deadline: 4 May"): a note of when, not a heading ("まとめ：…" is one). */
int
article_dated_label(const struct aline *l)
{
	size_t i, n;
	uint32_t cp;

	if (!article_is_label_line(l))
		return 0;
	for (i = 0; i < l->len; i += n) {
		cp = article_cp(l->text + i, l->len - i, &n);
		if (cp == ':' || cp == 0xff1a)
			break;
	}
	for (i += n; i < l->len && (l->text[i] == ' ' ||
	    article_starts_with(l->text + i, l->len - i, "\xe3\x80\x80"));)
		i += l->text[i] == ' ' ? 1 : 3;
	cp = i < l->len ? article_cp(l->text + i, l->len - i, &n) : 0;
	return (cp >= '0' && cp <= '9') || (cp >= 0xff10 && cp <= 0xff19);
}

/* The names of a text's opening part ("はじめに", "PREFACE."): a heading
 * before the chapters, where plain lines otherwise head nothing. */
int
article_opening_word(const struct aline *l)
{
	static const char *const words[] = {
		"はじめに", "まえがき", "前書き", "プロローグ", "序章", "序文",
		"introduction", "preface", "foreword", "prologue",
	};
	size_t k, n = l->len;

	if (n > 0 && l->text[n - 1] == '.')
		n--;
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (n == strlen(words[k]) &&
		    strncasecmp(l->text, words[k], n) == 0)
			return 1;
	return 0;
}
