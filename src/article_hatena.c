/*
 * article_hatena.c - PURE: Hatena notation, the markup of Hatena Blog's
 * plain-text editor, read when a text uses it (see article_internal.h).
 */
#include "article_internal.h"

#include <string.h>

/* Whether l is "[:contents]", Hatena's place for the contents. */
static int
is_contents_place(const struct aline *l)
{
	return strcmp(l->text, "[:contents]") == 0;
}

/* Whether l is "<<" or ">>" alone: a Hatena quotation's bounds. */
static int
is_bound(const struct aline *l, const char *mark)
{
	return l->kind != LK_DROPPED && strcmp(l->text, mark) == 0;
}

/*
 * Hatena notation, when the text uses it (a "** " sub-heading, or its
 * "[:contents]"): "* " and "** " at the start of a line alone head
 * sections and sub-sections (a run of "* " lines is still a list); the
 * contents' place is dropped (the pages make contents); ">>" and "<<"
 * alone enclose a quotation.
 */
void
article_hatena_notation(struct alines *lines)
{
	size_t i, j;
	int used = 0;

	for (i = 0; i < lines->n && !used; i++) {
		const struct aline *l = &lines->v[i];

		used = l->kind == LK_TEXT && (is_contents_place(l) ||
		    (l->len > 3 && memcmp(l->text, "** ", 3) == 0 &&
		    !article_contains(l->text + 3, l->len - 3, "**")));
	}
	if (!used)
		return;
	for (i = 0; i < lines->n; i++) {
		struct aline *l = &lines->v[i];
		size_t stars = 0;

		if (l->kind == LK_TEXT && is_contents_place(l)) {
			article_drop_line(l, ARTICLE_DROP_CONTENTS);
			continue;
		}
		if (l->kind == LK_QUOTE && is_bound(l, ">>")) {
			for (j = i + 1; j < lines->n && j < i + 200 &&
			    !is_bound(&lines->v[j], "<<"); j++)
				;
			if (j < lines->n && is_bound(&lines->v[j], "<<")) {
				article_drop_line(l, ARTICLE_DROP_RULE);
				article_drop_line(&lines->v[j],
				    ARTICLE_DROP_RULE);
				while (++i < j)
					if (lines->v[i].kind == LK_TEXT)
						lines->v[i].kind = LK_QUOTE;
			}
			continue;
		}
		if (l->kind != LK_TEXT && l->kind != LK_BULLET)
			continue;
		while (stars < l->len && stars < 4 && l->text[stars] == '*')
			stars++;
		if (stars == 0 || stars >= l->len || l->text[stars] != ' ' ||
		    (stars == 1 && (article_same_bullet(lines, i, i - 1) ||
		    article_same_bullet(lines, i, i + 1))))
			continue;
		l->kind = LK_TEXT;
		l->style = STYLE_MD;
		l->md_depth = (int)stars + 1;
		l->mark = article_skip_spaces(l->text, l->len, stars);
	}
}
