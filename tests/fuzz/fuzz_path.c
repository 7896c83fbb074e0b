/*
 * fuzz_path.c - libFuzzer target for the path resolver in url.c.
 *
 * The input is a raw URL path, as it would sit in a request after the
 * authority. It is percent-decoded; when that succeeds and the result is
 * UTF-8, it is made absolute (a '/' put in front when missing) and its dot
 * segments are removed. The outcome is compared with a model that reads
 * the decoded path as a stack of segments, so that a ".." climbing above
 * the root is refused and any other path resolves to what the stack says.
 * Built with -fsanitize=fuzzer to fuzz, or with replay.c to run the corpus
 * in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "utf8.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* A decoded path, with room for the '/' put in front of it. */
#define PATH_SIZE (URL_MAX + 2)

/* A path we serve names no segment "." or "..". */
static int
has_dot_segment(const char *path)
{
	const char *p = path;

	while ((p = strchr(p, '/')) != NULL) {
		p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
			return 1;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return 1;
	}
	return 0;
}

/*
 * The resolver as a stack, written apart from url.c: the segments of the
 * absolute path in (after its first '/', split on every '/') are read in
 * order; a name is pushed, ".." pops, "." is skipped. It mirrors RFC 3986
 * §5.2.4 as url.c applies it, in two ways a file system would not:
 *   - an empty segment ("//", a trailing '/') is a name like any other: it
 *     is kept in the output, and a ".." pops it;
 *   - a final "." or ".." leaves a trailing '/', that is an empty name
 *     pushed last ("/a/." and "/a/b/.." give "/a/").
 * Writes "/" and the stack joined with '/' into out (PATH_SIZE bytes) and
 * returns 0, or returns -1 when a ".." finds the stack empty: it would
 * climb above the root.
 */
static int
model_resolve(const char *in, char *out)
{
	static size_t start[PATH_SIZE], len[PATH_SIZE];
	const char *seg = in + 1;
	size_t depth = 0, i, o = 0;

	for (;;) {
		size_t n = strcspn(seg, "/");
		int last = seg[n] == '\0';

		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (depth == 0)
				return -1;
			depth--;
		} else if (!(n == 1 && seg[0] == '.')) {
			start[depth] = (size_t)(seg - in);
			len[depth++] = n;
			last = 0;	/* already pushed */
		}
		if (last) {
			start[depth] = 0;
			len[depth++] = 0;
		}
		if (seg[n] == '\0')
			break;
		seg += n + 1;
	}
	for (i = 0; i < depth; i++) {
		out[o++] = '/';
		memcpy(out + o, in + start[i], len[i]);
		o += len[i];
	}
	out[o] = '\0';
	return 0;
}

/* The value of hex digit c, either case, or -1 (written apart from url.c). */
static int
model_hex(char c)
{
	static const char lower[] = "0123456789abcdef",
	    upper[] = "0123456789ABCDEF";
	const char *p;

	if (c == '\0')
		return -1;
	if ((p = strchr(lower, c)) != NULL)
		return (int)(p - lower);
	if ((p = strchr(upper, c)) != NULL)
		return (int)(p - upper);
	return -1;
}

/*
 * pct-encoded = "%" HEXDIG HEXDIG (RFC 3986 §2.1): decodes s into out (as
 * long as s) and returns the decoded length, or -1 on a malformed escape
 * or an escaped NUL. Any other byte stands for itself.
 */
static long
model_decode(const char *s, char *out)
{
	long o = 0;

	while (*s != '\0') {
		int hi, lo;

		if (*s != '%') {
			out[o++] = *s++;
			continue;
		}
		/* s[1] is checked first: s[2] may lie past the terminator. */
		if ((hi = model_hex(s[1])) == -1 || (lo = model_hex(s[2])) == -1)
			return -1;
		if (hi == 0 && lo == 0)
			return -1;
		out[o++] = (char)(hi * 16 + lo);
		s += 3;
	}
	return o;
}

/*
 * Resolves a decoded path dec (n bytes) as the server would, against the
 * model and the invariants every served path keeps.
 */
static void
check_resolve(const char *dec, size_t n)
{
	static char path[PATH_SIZE], orig[PATH_SIZE], want[PATH_SIZE],
	    enc[3 * PATH_SIZE], back[PATH_SIZE];
	const char *err = NULL;
	int rv;

	/* Absolute, then resolved. */
	if (dec[0] == '/')
		memcpy(path, dec, n + 1);
	else {
		path[0] = '/';
		memcpy(path + 1, dec, n + 1);
		n++;
	}
	memcpy(orig, path, n + 1);
	rv = url_remove_dot_segments(path, &err);

	/* Confinement: refused exactly when the stack would climb. */
	if (model_resolve(orig, want) == -1) {
		CHECK(rv == -1);
		CHECK(err != NULL && err[0] != '\0');
		return;
	}
	CHECK(rv == 0);
	CHECK(strcmp(path, want) == 0);

	CHECK(path[0] == '/');
	CHECK(!has_dot_segment(path));
	CHECK(strlen(path) <= n);
	/* Only whole ASCII segments go: what is left is still UTF-8. */
	CHECK(utf8_is_valid(path, strlen(path)));

	/* Normalising a normal path changes nothing. */
	memcpy(back, path, strlen(path) + 1);
	CHECK(url_remove_dot_segments(back, &err) == 0);
	CHECK(strcmp(back, path) == 0);

	/* It survives a round trip through a redirect's URL. */
	CHECK(url_encode_path(path, enc, sizeof(enc)) == 0);
	CHECK(url_percent_decode(enc, back, sizeof(back), &err) == 0);
	CHECK(strcmp(back, path) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dec[URL_MAX + 1];
	char *src, *expect;
	const char *err = NULL;
	long expect_len;
	size_t n;
	int rv;

	/* A C string cannot hold a NUL byte, and no request path does. */
	if (memchr(data, '\0', size) != NULL)
		return 0;
	/* The input, as a C string, then room for the model's decoding. */
	if ((src = malloc(2 * (size + 1))) == NULL)
		return 0;
	expect = src + size + 1;
	memcpy(src, data, size);
	src[size] = '\0';

	/* Decoding fails exactly when the model does or it does not fit. */
	expect_len = model_decode(src, expect);
	rv = url_percent_decode(src, dec, sizeof(dec), &err);
	if (rv != 0) {
		CHECK(rv == -1);
		CHECK(err != NULL && err[0] != '\0');
		CHECK(expect_len == -1 || (size_t)expect_len >= sizeof(dec));
	} else {
		CHECK(expect_len >= 0 && (size_t)expect_len < sizeof(dec));
		n = strlen(dec);
		CHECK(n == (size_t)expect_len && memcmp(dec, expect, n) == 0);
		CHECK(n <= size);
		if (utf8_is_valid(dec, n))
			check_resolve(dec, n);
	}
	free(src);
	return 0;
}
