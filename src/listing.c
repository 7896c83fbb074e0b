/*
 * listing.c - PURE: a folder's entries -> its listing page (listing.h),
 * and the title of a gemtext file from its first bytes.
 */
#include "listing.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which some
 * readers break a line at. */
static int
is_separator(const char *s, size_t n)
{
	return n == 3 && (unsigned char)s[0] == 0xe2 &&
	    (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9);
}

/* Whether s[0..len) can stand in a line of gemtext as it is: UTF-8, with
 * no control character (CR and LF among them) and no line separator. */
static int
is_displayable(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8_char_length(s + i, len - i)) == 0)
			return 0;
		if (utf8_is_control(s + i, n) || is_separator(s + i, n))
			return 0;
		i += n;
	}
	return 1;
}

int
listing_shows(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && name[0] != '.' && memchr(name, '/', len) == NULL &&
	    is_displayable(name, len);
}

/* Whether the fixed array s[0..size) holds a NUL, so is a C string. */
static int
ends_within(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* --- the title of a gemtext file -------------------------------------- */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Copies the heading text s[0..len) (already trimmed) into title: tabs as
 * spaces, cut between characters with "…" when it does not fit. Returns
 * 1, or 0 (title "") when it is not displayable.
 */
static int
copy_title(const char *s, size_t len, char *title, size_t size)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t i, keep, n;
	char *p;

	title[0] = '\0';
	if (size < sizeof(ellipsis))
		return 0;
	/* Tabs are let through here, to become spaces below. */
	for (i = 0; i < len; i += n) {
		if ((n = utf8_char_length(s + i, len - i)) == 0)
			return 0;
		if (!(n == 1 && s[i] == '\t') && !is_displayable(s + i, n))
			return 0;
	}
	keep = len;
	if (len >= size) {
		/* Whole characters, and room for the ellipsis and the NUL. */
		keep = 0;
		while (keep < len) {
			n = utf8_char_length(s + keep, len - keep);
			if (keep + n > size - sizeof(ellipsis))
				break;
			keep += n;
		}
	}
	memcpy(title, s, keep);
	if (keep < len)
		memcpy(title + keep, ellipsis, sizeof(ellipsis));
	else
		title[keep] = '\0';
	for (p = title; (p = strchr(p, '\t')) != NULL; p++)
		*p = ' ';
	return 1;
}

/*
 * Gemtext (the specification's "Heading lines"): a line that starts with
 * "#" is a heading, of level 1 when the next character is not '#';
 * optional whitespace, then its text. "```" at the start of a line toggles
 * preformatted text, whose lines are never headings.
 */
int
listing_title(const char *text, size_t len, int whole, char *title,
    size_t size)
{
	const char *p = text, *end = text + len;
	int pre = 0;

	title[0] = '\0';
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		const char *s = p, *e = eol;

		if (nl == NULL && !whole)
			break;  /* perhaps cut: never half a heading */
		p = nl != NULL ? nl + 1 : end;
		if (e > s && e[-1] == '\r')
			e--;
		if (e - s >= 3 && memcmp(s, "```", 3) == 0) {
			pre = !pre;
			continue;
		}
		if (pre || e - s < 1 || s[0] != '#' || (e - s >= 2 && s[1] == '#'))
			continue;
		for (s++; s < e && is_blank(*s); s++)
			;
		while (e > s && is_blank(e[-1]))
			e--;
		if (e == s)
			continue;  /* "#" alone names nothing */
		return copy_title(s, (size_t)(e - s), title, size);
	}
	return 0;
}

/* --- the page --------------------------------------------------------- */

/* A growing page. failed: an allocation failed and data is incomplete. */
struct page {
	char *data;
	size_t len, cap;
	int failed;
};

static void
put(struct page *pg, const char *s, size_t n)
{
	if (pg->failed)
		return;
	if (n >= pg->cap - pg->len) {
		size_t cap = pg->cap > 0 ? pg->cap : 1024;
		char *grown;

		while (n >= cap - pg->len) {
			if (cap > SIZE_MAX / 2) {
				pg->failed = 1;
				return;
			}
			cap *= 2;
		}
		if ((grown = realloc(pg->data, cap)) == NULL) {
			pg->failed = 1;
			return;
		}
		pg->data = grown;
		pg->cap = cap;
	}
	memcpy(pg->data + pg->len, s, n);
	pg->len += n;
	pg->data[pg->len] = '\0';  /* room kept: n < cap - len above */
}

static void
put_str(struct page *pg, const char *s)
{
	put(pg, s, strlen(s));
}

/* RFC 3986 section 3.3: what stays as it is in a link to a name (see
 * listing.h for why ':' and '/' do not). */
static int
keeps(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("-._~!$&'()*+,;=@", c) != NULL);
}

/* Appends s percent-encoded; keep_slash keeps '/' (a path, not a name). */
static void
put_encoded(struct page *pg, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3];

		if (keeps(c) || (keep_slash && c == '/')) {
			put(pg, s, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		put(pg, esc, 3);
	}
}

/*
 * Writes a size for people: "N B" below 1 KiB, else one decimal, rounded,
 * in the largest unit that keeps it at 1.0 or more (1048575 bytes is
 * "1.0 MiB", not "1024.0 KiB"). Integer arithmetic: an off_t may exceed
 * what a double holds exactly.
 */
static void
format_size(off_t size, char *out, size_t outsize)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	uint64_t v = size > 0 ? (uint64_t)size : 0, unit = 1024, tenths;
	size_t k = 1;

	if (v < 1024) {
		snprintf(out, outsize, "%u B", (unsigned)v);
		return;
	}
	for (;;) {
		/* v / unit * 10 cannot overflow: v < 2^63, unit >= 2^10. */
		tenths = v / unit * 10 + (v % unit * 10 + unit / 2) / unit;
		if (tenths < 10240 || k == sizeof(units) / sizeof(units[0]) - 1)
			break;
		k++;
		unit *= 1024;
	}
	snprintf(out, outsize, "%llu.%u %s", (unsigned long long)(tenths / 10),
	    (unsigned)(tenths % 10), units[k]);
}

/* Folders first, then files; each in byte order of the names. */
static int
compare_entries(const void *a, const void *b)
{
	const struct listing_entry *x = *(const struct listing_entry *const *)a;
	const struct listing_entry *y = *(const struct listing_entry *const *)b;

	if (x->is_dir != y->is_dir)
		return x->is_dir ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Whether entry e is listed: its strings end within their arrays and its
 * name is one that listing_shows. */
static int
is_listed(const struct listing_entry *e)
{
	return ends_within(e->name, sizeof(e->name)) &&
	    ends_within(e->title, sizeof(e->title)) && listing_shows(e->name);
}

static void
put_entry(struct page *pg, const struct listing_entry *e)
{
	char size[32];

	put_str(pg, "=> ");
	put_encoded(pg, e->name, 0);
	if (e->is_dir) {
		put_str(pg, "/ ");
		put_str(pg, e->name);
		put_str(pg, "/\n");
		return;
	}
	put_str(pg, " ");
	/* A title must be as displayable as a name: it comes from a file. */
	if (e->title[0] != '\0' && is_displayable(e->title, strlen(e->title)))
		put_str(pg, e->title);
	else
		put_str(pg, e->name);
	format_size(e->size, size, sizeof(size));
	put_str(pg, " (");
	put_str(pg, size);
	put_str(pg, ")\n");
}

char *
listing_render(const char *path, const struct listing_entry *entries,
    size_t n, size_t *len)
{
	const struct listing_entry **sorted;
	struct page pg = { 0 };
	size_t plen = strlen(path), i, shown = 0;

	if (plen == 0 || path[0] != '/' || path[plen - 1] != '/') {
		errno = EINVAL;
		return NULL;
	}
	if ((sorted = calloc(n > 0 ? n : 1, sizeof(*sorted))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (is_listed(&entries[i]))
			sorted[shown++] = &entries[i];
	qsort(sorted, shown, sizeof(*sorted), compare_entries);

	put_str(&pg, "# ");
	/* The heading is a line too: a path with a newline stays encoded. */
	if (is_displayable(path, plen))
		put_str(&pg, path);
	else
		put_encoded(&pg, path, 1);
	put_str(&pg, "\n");
	if (plen > 1)
		put_str(&pg, "=> ../ ../\n");
	for (i = 0; i < shown; i++)
		put_entry(&pg, sorted[i]);
	free(sorted);
	if (pg.failed) {
		free(pg.data);
		errno = ENOMEM;
		return NULL;
	}
	*len = pg.len;
	return pg.data;
}
