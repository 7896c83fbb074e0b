/*
 * fuzz_listing.c - libFuzzer target for listing.c: the page and the title.
 *
 * The input is records separated by the byte 0xFF (never part of UTF-8).
 * The first is the folder's path: "/" + it + "/", or as it is when it
 * starts with '/' (then it may lack the final '/', which must be refused).
 * Each other record is an entry:
 *   byte 0      flags: 0x01 a folder; 0x02 its name fills the array with
 *               no NUL; 0x1c (three bits) times 5: how far the size is
 *               shifted left; 0x20 the size is negative; 0x40 the
 *               title's bytes are a cut head of a file; 0x80 the title
 *               is the one listing_title finds in them, not the raw bytes
 *   bytes 1-4   the size, little-endian, before the shift
 *   the rest    the name, then after the first 0xFE the title
 * The page must be UTF-8 text of "# " heading first, then "=> " links, every
 * line ended by LF and none other; the links are the entries a model of
 * the rule shows, folders first and each group in byte order; each
 * target, percent-decoded by a decoder written apart from listing.c, gives
 * back its name; the target holds only what RFC 3986 lets stand in a path
 * segment; a label is the title or the name. Built with -fsanitize=fuzzer
 * to fuzz, or with replay.c to run the corpus in `make test`.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "utf8.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ENTRIES 64

/* The rule for a shown name, written apart from listing.c. */
static int
model_displayable(const char *s, size_t len)
{
	size_t i = 0, n;

	if (!utf8_is_valid(s, len))
		return 0;
	while (i < len) {
		n = utf8_char_length(s + i, len - i);
		if (utf8_is_control(s + i, n))
			return 0;
		if (n == 3 && memcmp(s + i, "\xe2\x80", 2) == 0 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		    (unsigned char)s[i + 2] == 0xa9))
			return 0;
		i += n;
	}
	return 1;
}

static int
model_shown(const struct listing_entry *e)
{
	const char *nul = memchr(e->name, '\0', sizeof(e->name));
	size_t len;

	if (nul == NULL || memchr(e->title, '\0', sizeof(e->title)) == NULL)
		return 0;
	len = (size_t)(nul - e->name);
	return len > 0 && e->name[0] != '.' && strchr(e->name, '/') == NULL &&
	    model_displayable(e->name, len);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;  /* listing.c writes upper case only */
}

/* Decodes a link target [s, e) into out; every byte must be one a path
 * segment keeps or an escape. Returns the length. */
static size_t
decode_target(const char *s, const char *e, char *out)
{
	size_t o = 0;

	while (s < e) {
		unsigned char c = (unsigned char)*s;

		if (c == '%') {
			CHECK(e - s >= 3);
			CHECK(hex_value(s[1]) >= 0 && hex_value(s[2]) >= 0);
			out[o++] = (char)(hex_value(s[1]) * 16 + hex_value(s[2]));
			s += 3;
			continue;
		}
		CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=@/", c) != NULL);
		out[o++] = (char)c;
		s++;
	}
	return o;
}

/* Checks one entry line [s, e) (after "=> ") against entry x. */
static void
check_entry_line(const char *s, const char *e, const struct listing_entry *x)
{
	static char name[1024];
	const char *sp = memchr(s, ' ', (size_t)(e - s)), *label;
	size_t n, nlen = strlen(x->name), llen;

	CHECK(sp != NULL);
	n = decode_target(s, sp, name);
	label = sp + 1;
	llen = (size_t)(e - label);
	if (x->is_dir) {
		CHECK(n == nlen + 1 && name[nlen] == '/');
		CHECK(memcmp(name, x->name, nlen) == 0);
		CHECK(llen == nlen + 1 && memcmp(label, x->name, nlen) == 0 &&
		    label[nlen] == '/');
		return;
	}
	CHECK(n == nlen && memcmp(name, x->name, nlen) == 0);
	CHECK(memchr(s, '/', (size_t)(sp - s)) == NULL);
	/* LABEL " (" SIZE ")": the size, then what precedes it. */
	CHECK(llen >= 6 && label[llen - 1] == ')');
	{
		const char *open = label + llen;

		while (open > label && open[-1] != '(')
			open--;
		CHECK(open - label >= 2 && open[-2] == ' ');
		llen = (size_t)(open - 2 - label);
	}
	if (x->title[0] != '\0' && model_displayable(x->title, strlen(x->title)))
		CHECK(llen == strlen(x->title) &&
		    memcmp(label, x->title, llen) == 0);
	else
		CHECK(llen == nlen && memcmp(label, x->name, nlen) == 0);
}

/* Folders first, then byte order of the names. */
static int
model_before(const struct listing_entry *a, const struct listing_entry *b)
{
	if (a->is_dir != b->is_dir)
		return a->is_dir;
	return strcmp(a->name, b->name) <= 0;
}

static void
check_page(const char *page, size_t len, const char *path,
    const struct listing_entry *v, size_t n)
{
	const struct listing_entry *shown[MAX_ENTRIES], *prev = NULL;
	size_t nshown = 0, i, line = 0, next = 0;
	const char *p = page, *end = page + len;
	int used[MAX_ENTRIES] = { 0 };

	for (i = 0; i < n; i++)
		if (model_shown(&v[i]))
			shown[nshown++] = &v[i];
	CHECK(strlen(page) == len);
	CHECK(utf8_is_valid(page, len));
	CHECK(len > 0 && page[len - 1] == '\n');
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		CHECK(e != NULL);
		CHECK(memchr(p, '\r', (size_t)(e - p)) == NULL);
		CHECK(model_displayable(p, (size_t)(e - p)));
		if (line == 0) {
			static char dec[4096 * 3];
			size_t hl = (size_t)(e - p - 2);

			CHECK(e - p >= 3 && memcmp(p, "# /", 3) == 0);
			/* The path as it is, or encoded when it cannot be. */
			if (model_displayable(path, strlen(path)))
				CHECK(hl == strlen(path) &&
				    memcmp(p + 2, path, hl) == 0);
			else
				CHECK(decode_target(p + 2, e, dec) ==
				    strlen(path) && memcmp(dec, path, strlen(path)) == 0);
		} else if (line == 1 && strcmp(path, "/") != 0) {
			CHECK(e - p == 10 && memcmp(p, "=> ../ ../", 10) == 0);
		} else {
			const struct listing_entry *x = NULL;
			size_t k;

			CHECK(e - p >= 3 && memcmp(p, "=> ", 3) == 0);
			/* The next entry in page order: a shown one with the
			 * line's name, not yet used (names may repeat). */
			for (k = 0; k < nshown && x == NULL; k++) {
				size_t nl = strlen(shown[k]->name);
				static char dec[1024];
				const char *sp = memchr(p + 3, ' ',
				    (size_t)(e - p - 3));
				size_t dn;

				CHECK(sp != NULL);
				dn = decode_target(p + 3, sp, dec);
				if (used[k] || dn < nl ||
				    memcmp(dec, shown[k]->name, nl) != 0 ||
				    dn != nl + (size_t)shown[k]->is_dir)
					continue;
				used[k] = 1;
				x = shown[k];
			}
			CHECK(x != NULL);
			check_entry_line(p + 3, e, x);
			if (prev != NULL)
				CHECK(model_before(prev, x));
			prev = x;
			next++;
		}
		line++;
		p = e + 1;
	}
	CHECK(next == nshown);
}

/* listing_title on raw bytes: whatever it returns is a safe label. */
static void
check_title(const char *s, size_t len, int whole, size_t size)
{
	char title[256];
	size_t tl;
	int rv;

	memset(title, 'x', sizeof(title));
	rv = listing_title(s, len, whole, title, size);
	tl = strlen(title);
	CHECK(rv == 0 || rv == 1);
	CHECK(rv == (tl > 0));
	CHECK(tl < size);
	CHECK(model_displayable(title, tl));
	CHECK(tl == 0 || (title[0] != ' ' && title[tl - 1] != ' ') ||
	    (tl >= 3 && memcmp(title + tl - 3, "\xe2\x80\xa6", 3) == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct listing_entry v[MAX_ENTRIES];
	static char path[4096];
	const char *p = (const char *)data, *end = p + size, *rec_end;
	size_t n = 0, plen, len = 0;
	char *page;

	/* The path. */
	rec_end = memchr(p, 0xff, size);
	rec_end = rec_end != NULL ? rec_end : end;
	plen = (size_t)(rec_end - p);
	if (plen > sizeof(path) - 3)
		plen = sizeof(path) - 3;
	if (plen > 0 && p[0] == '/') {
		memcpy(path, p, plen);
		path[plen] = '\0';
	} else {
		path[0] = '/';
		memcpy(path + 1, p, plen);
		path[plen + 1] = '/';
		path[plen + 2] = '\0';
	}
	p = rec_end < end ? rec_end + 1 : end;

	/* The entries. */
	while (p < end && n < MAX_ENTRIES) {
		struct listing_entry *e = &v[n++];
		unsigned flags;
		const char *sep;
		size_t nl, tl;
		uint64_t sz = 0;
		int i;

		rec_end = memchr(p, 0xff, (size_t)(end - p));
		rec_end = rec_end != NULL ? rec_end : end;
		memset(e, 0, sizeof(*e));
		/* An empty record is an entry with every field empty. */
		flags = p < rec_end ? (unsigned char)*p++ : 0;
		for (i = 0; i < 4 && p < rec_end; i++)
			sz |= (uint64_t)(unsigned char)*p++ << (8 * i);
		e->size = (off_t)((sz << ((flags >> 2) & 7) * 5) &
		    (uint64_t)INT64_MAX);
		if (flags & 0x20)
			e->size = -e->size;
		e->is_dir = flags & 1;
		sep = memchr(p, 0xfe, (size_t)(rec_end - p));
		nl = (size_t)((sep != NULL ? sep : rec_end) - p);
		if (flags & 2) {
			memset(e->name, 'a', sizeof(e->name));
			memcpy(e->name, p, nl < sizeof(e->name) ? nl : sizeof(e->name));
		} else
			memcpy(e->name, p, nl < sizeof(e->name) - 1 ? nl :
			    sizeof(e->name) - 1);
		if (sep != NULL) {
			sep++;
			tl = (size_t)(rec_end - sep);
			/* Title arrays of 4 to 252 bytes. */
			check_title(sep, tl, !(flags & 0x40),
			    4 + ((flags >> 2) & 31) * 8);
			if (flags & 0x80)
				listing_title(sep, tl, !(flags & 0x40),
				    e->title, sizeof(e->title));
			else
				memcpy(e->title, sep, tl < sizeof(e->title) - 1 ?
				    tl : sizeof(e->title) - 1);
		}
		p = rec_end < end ? rec_end + 1 : end;
	}

	plen = strlen(path);
	page = listing_render(path, v, n, &len);
	if (plen == 0 || path[0] != '/' || path[plen - 1] != '/') {
		CHECK(page == NULL && errno == EINVAL);
		return 0;
	}
	if (page == NULL) {
		CHECK(errno == ENOMEM);
		return 0;
	}
	check_page(page, len, path, v, n);
	free(page);
	return 0;
}
