/*
 * source.c - one article file, as read (see source.h).
 */
#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "markdown.h"
#include "utf8.h"

/* Larger is not an article someone wrote: refuse rather than exhaust memory. */
#define ARTICLE_MAX_BYTES (16 * 1024 * 1024)

static const struct source_kind source_kinds[] = {
	{ ".txt", "text/plain; charset=utf-8", article_parse, 0 },
	{ ".md", "text/markdown; charset=utf-8", markdown_parse, 1 },
};

const struct source_kind *
source_kind_of(const char *name)
{
	size_t i, n = strlen(name), e;

	for (i = 0; i < sizeof(source_kinds) / sizeof(source_kinds[0]); i++) {
		e = strlen(source_kinds[i].ext);
		if (n > e && strcmp(name + n - e, source_kinds[i].ext) == 0)
			return &source_kinds[i];
	}
	return NULL;
}

int
source_read_file(int fd, char **bytes, size_t *len, long long *mtime,
    const char **why)
{
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	char *buf = NULL;

	*why = NULL;
	if (fstat(fd, &sb) == -1)
		*why = strerror(errno);
	else if (!S_ISREG(sb.st_mode))
		*why = "not a regular file";
	else if (sb.st_size > ARTICLE_MAX_BYTES)
		*why = strerror(EFBIG);
	else if ((buf = malloc((size_t)sb.st_size + 1)) == NULL)
		*why = "out of memory";
	if (*why != NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* shrank while read: keep what is there */
		got += (size_t)n;
	}
	close(fd);
	*bytes = buf;
	*len = got;
	*mtime = (long long)sb.st_mtime;
	return 0;
}

int
source_name_printable(const char *name)
{
	size_t len = strlen(name), i, n;

	for (i = 0; i < len; i += n) {
		n = utf8_char_length(name + i, len - i);
		if (n == 0 || utf8_is_control(name + i, n))
			return 0;
	}
	return 1;
}

/*
 * The article's date: its front matter's when that is a real day, else
 * the day its file was last changed (UTC), else the epoch's. A timestamp
 * counts by its day as written ("2024-03-05T10:00:00+09:00", or Jekyll's
 * "2024-03-05 10:00:00 +0900"): static site generators write dates so,
 * and a post dated the day it was copied would surprise its author.
 */
static void
set_date(struct source *src, long long mtime)
{
	struct date d = { 1970, 1, 1 };
	const char *s = src->article->date;
	char day[DATE_SIZE];
	size_t n;

	src->date_why = NULL;
	if (s != NULL) {
		n = strlen(s);
		if (n > DATE_SIZE - 1 && (s[DATE_SIZE - 1] == 'T' ||
		    s[DATE_SIZE - 1] == 't' || s[DATE_SIZE - 1] == ' ')) {
			memcpy(day, s, DATE_SIZE - 1);
			day[DATE_SIZE - 1] = '\0';
			s = day;
		}
		if (date_parse(s, &d, &src->date_why) == 0) {
			date_format(&d, src->date);
			return;
		}
	}
	(void)date_from_epoch(mtime, &d);
	date_format(&d, src->date);
}

/*
 * The lang parameter for a language tag as an article gives it: tags of
 * letters, digits and '-' (BCP 47), several quoted as the gemtext
 * specification asks. Returns 0, or -1 for anything else (the front matter
 * is whatever the author wrote), and then the capsule's language applies.
 */
static int
lang_param(const char *tag, char *dst, size_t size)
{
	size_t i, n = strlen(tag), w;
	int quoted;

	for (i = 0; i < n; i++)
		if (!((tag[i] >= 'a' && tag[i] <= 'z') ||
		    (tag[i] >= 'A' && tag[i] <= 'Z') ||
		    (tag[i] >= '0' && tag[i] <= '9') || tag[i] == '-' ||
		    (tag[i] == ',' && i > 0 && i + 1 < n && tag[i + 1] != ',')))
			return -1;
	quoted = strchr(tag, ',') != NULL;
	if (n == 0 || n + 2 * (size_t)quoted >= size)
		return -1;
	w = 0;
	if (quoted)
		dst[w++] = '"';
	memcpy(dst + w, tag, n);
	w += n;
	if (quoted)
		dst[w++] = '"';
	dst[w] = '\0';
	return 0;
}

int
source_load(int fd, const char *path, struct source *src, const char **why)
{
	const char *base = strrchr(path, '/');
	long long mtime = 0;
	size_t slen;

	base = base != NULL ? base + 1 : path;
	slen = strlen(base);
	memset(src, 0, sizeof(*src));
	*why = NULL;
	/* Named on the command line, any other name is read as text. */
	if ((src->kind = source_kind_of(base)) != NULL)
		slen -= strlen(src->kind->ext);
	else
		src->kind = &source_kinds[0];
	/* Dotfiles are private; links percent-encode any other name. */
	if (slen == 0 || base[0] == '.')
		*why = "a hidden or empty name is not an article";
	else if (!source_name_printable(base))
		*why = "a name with control characters or not in UTF-8 is "
		    "not an article";
	if (*why != NULL) {
		close(fd);
		return -1;
	}
	if (source_read_file(fd, &src->bytes, &src->len, &mtime, why) == -1)
		return -1;
	if ((src->article = src->kind->parse(src->bytes, src->len, why)) ==
	    NULL) {
		free(src->bytes);
		src->bytes = NULL;
		return -1;
	}
	src->slug = strndup(base, slen);
	if (src->slug == NULL) {
		*why = "out of memory";
		article_free(src->article);
		free(src->bytes);
		return -1;
	}
	set_date(src, mtime);
	if (src->article->lang == NULL || lang_param(src->article->lang,
	    src->lang, sizeof(src->lang)) == -1)
		src->lang[0] = '\0';
	return 0;
}

void
source_free(struct source *src)
{
	free(src->slug);
	free(src->bytes);
	article_free(src->article);
}

int
source_copy(struct source *dst, const struct source *old)
{
	const char *why;

	memset(dst, 0, sizeof(*dst));
	if ((dst->slug = strdup(old->slug)) == NULL ||
	    (dst->bytes = malloc(old->len + 1)) == NULL) {
		free(dst->slug);
		return -1;
	}
	memcpy(dst->bytes, old->bytes, old->len);
	dst->len = old->len;
	dst->kind = old->kind;
	memcpy(dst->date, old->date, sizeof(dst->date));
	memcpy(dst->lang, old->lang, sizeof(dst->lang));
	if ((dst->article = dst->kind->parse(dst->bytes, dst->len, &why)) ==
	    NULL) {
		source_free(dst);
		return strcmp(why, "out of memory") == 0 ? -1 : 1;
	}
	return 0;
}
