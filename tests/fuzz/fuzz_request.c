/*
 * fuzz_request.c - libFuzzer target for request.c and url.c.
 *
 * The input is what a client sent. It goes through request_scan, and the
 * line found (or, failing that, the whole input) through request_parse; the
 * invariants below must hold whatever the bytes. Built with
 * -fsanitize=fuzzer to fuzz, or with replay.c to run a corpus in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "url.h"
#include "utf8.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const struct request_policy policy = { .hostname = "localhost",
    .port = 1965 };

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

static void
check_parse(const char *line, size_t len)
{
	struct request req;
	const char *err = NULL;
	char enc[3 * sizeof(req.path)], back[sizeof(req.path)];
	size_t n, i;
	int st;

	st = request_parse(line, len, &policy, &req, &err);
	if (st != 0) {
		CHECK(st == 53 || st == 59);
		CHECK(err != NULL && err[0] != '\0');
		return;
	}
	/* NUL-terminated within the array. */
	CHECK(memchr(req.path, '\0', sizeof(req.path)) != NULL);
	CHECK(memchr(req.query, '\0', sizeof(req.query)) != NULL);
	n = strlen(req.path);
	CHECK(req.path[0] == '/');
	CHECK(!has_dot_segment(req.path));
	CHECK(utf8_is_valid(req.path, n));
	for (i = 0; i < n; i++)
		CHECK((unsigned char)req.path[i] >= 0x20 && req.path[i] != 0x7f);
	CHECK(req.has_query || req.query[0] == '\0');
	CHECK(req.port == -1 || req.port == policy.port);
	/* Never served more than was asked: decoding only shrinks. */
	CHECK(n <= len);

	/* A served path survives a round trip through a redirect's URL. */
	CHECK(url_encode_path(req.path, enc, sizeof(enc)) == 0);
	CHECK(url_percent_decode(enc, back, sizeof(back), &err) == 0);
	CHECK(strcmp(back, req.path) == 0);
	/* Normalising a normal path changes nothing. */
	CHECK(url_remove_dot_segments(back, &err) == 0);
	CHECK(strcmp(back, req.path) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t linelen = (size_t)-1, i;

	switch (request_scan(buf, size, &linelen)) {
	case REQUEST_COMPLETE:
		CHECK(linelen <= URL_MAX && linelen + 2 <= size);
		CHECK(buf[linelen] == '\r' && buf[linelen + 1] == '\n');
		/* It is the first CRLF. */
		for (i = 0; i < linelen; i++)
			CHECK(!(buf[i] == '\r' && buf[i + 1] == '\n'));
		check_parse(buf, linelen);
		break;
	case REQUEST_INCOMPLETE:
		CHECK(size < URL_MAX + 2);
		break;
	case REQUEST_TOO_LONG:
		CHECK(size >= URL_MAX + 2);
		break;
	}
	/* The raw input as a line too, to reach the parser with any byte. */
	check_parse(buf, size);
	return 0;
}
