/*
 * article_wrap.c - PURE: hard wrapping, found from the document's own
 * line-width profile (a CJK character is two columns), and whether a line
 * ends where the writer's editor broke it (see article_internal.h).
 */
#include "article_internal.h"

#include <stdlib.h>
#include <string.h>

static int
cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* Columns a line may fall short of the width and still be a full one. */
static int
wrap_slack(const struct reader *r)
{
	return r->latin ? r->wrap_width / 6 + 2 : 4;
}

/* At least three full lines, or in a short text two and no line inside
 * a paragraph that falls short; and most lines inside paragraphs full. */
static int
wrapped(size_t full, size_t inner, int width)
{
	return !((full < 3 && !(full == 2 && inner == 2 && width >= 60)) ||
	    full * 10 < inner * 6);
}

/*
 * Hard wrapping shows in the widths: the lines inside paragraphs (those
 * with another text line right under them) nearly all end close to one
 * width, the document's widest. Unwrapped text has lines of any width.
 */
int
article_find_wrap(struct reader *r)
{
	struct alines *ls = &r->lines;
	size_t i, n = 0, inner = 0, full = 0, inner_text = 0, full_text = 0;
	int *w, width;

	if ((w = malloc((ls->n + 1) * sizeof(*w))) == NULL)
		return -1;
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == LK_TEXT || ls->v[i].kind == LK_QUOTE)
			w[n++] = ls->v[i].indent + ls->v[i].width;
	if (n < 3) {
		free(w);
		return 0;
	}
	qsort(w, n, sizeof(*w), cmp_int);
	/* The widest but for a few lines (a URL, a table) that overflow. */
	width = w[n - 1 - n / 20];
	free(w);
	if (width < 30)
		return 0;
	r->wrap_width = width;
	/* Lines inside paragraphs that reach half the width: in wrapped
	 * text nearly all of them reach it. (Shorter ones are lists, covers,
	 * one sentence a line: they say nothing.) */
	for (i = 0; i + 1 < ls->n; i++) {
		const struct aline *l = &ls->v[i], *nx = &ls->v[i + 1];
		int used = l->indent + l->width;

		const char *value;
		int subject;

		/* (A mail's headers are never wrapped: they say nothing.) */
		if ((l->kind != LK_TEXT && l->kind != LK_QUOTE) ||
		    nx->kind != l->kind || used * 2 < width ||
		    (l->kind == LK_TEXT && (l->style != STYLE_PLAIN ||
		    article_mail_header(l, &subject, &value))))
			continue;
		inner++;
		inner_text += l->kind == LK_TEXT;
		if (used >= width - wrap_slack(r) && used <= width + 2) {
			full++;
			full_text += l->kind == LK_TEXT;
		}
	}
	/* Quoted mail keeps the width its own writer wrapped it at: the
	 * text's lines alone may show the wrapping. */
	if (!wrapped(full, inner, width) &&
	    !wrapped(full_text, inner_text, width))
		r->wrap_width = 0;
	return 0;
}

/* Bytes of the first word of l. */
static int
first_word_width(const struct aline *l)
{
	size_t i = 0;

	while (i < l->len && l->text[i] != ' ')
		i++;
	return (int)article_width(l->text, i);
}

/*
 * Whether line l ends where the writer's editor (or the PDF) broke the
 * paragraph rather than where the writer did: it reaches the wrap width,
 * or the next line's first word would not have fitted on it.
 */
int
article_is_full(const struct reader *r, const struct aline *l,
    const struct aline *nx)
{
	int used = l->indent + l->width, first;
	size_t n;

	if (r->wrap_width == 0)
		return 0;
	if (used >= r->wrap_width - 4)
		return 1;
	first = first_word_width(nx);
	if (nx->len > 0 && !article_cp_is_cjk(article_cp(nx->text, nx->len,
	    &n)) && !article_cp_is_cjk(article_line_last_cp(l)))
		return used + 1 + first > r->wrap_width - 1 &&
		    used >= r->wrap_width - wrap_slack(r) - first;
	return 0;
}
