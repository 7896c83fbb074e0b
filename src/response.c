/*
 * response.c - a Gemini response: builders, the header, the body's bytes.
 */
#define _GNU_SOURCE
#include "response.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->source = RESPONSE_NO_BODY;
	resp->fd = -1;
}

void
response_release(struct response *resp)
{
	if (resp->fd != -1)
		close(resp->fd);
	resp->fd = -1;
	free(resp->owned);
	resp->owned = NULL;
	resp->source = RESPONSE_NO_BODY;
	resp->body = NULL;
	resp->size = 0;
	resp->add_newline = 0;
}

/*
 * Copies src into dst (RESPONSE_META_MAX + 1 bytes). src is read up to one
 * byte past the limit, which is all it takes to know it is too long and
 * where a character there begins. Returns 0, or -1 when cut: then at the
 * start of the UTF-8 character the limit falls in, never inside it (the
 * bytes after a character's first are 10xxxxxx, three at most).
 */
static int
copy_meta(char *dst, const char *src)
{
	size_t n = strnlen(src, RESPONSE_META_MAX + 1);
	int back;

	if (n <= RESPONSE_META_MAX) {
		memcpy(dst, src, n + 1);
		return 0;
	}
	n = RESPONSE_META_MAX;
	for (back = 0; back < 3 && n > 0 &&
	    ((unsigned char)src[n] & 0xc0) == 0x80; back++)
		n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return -1;
}

int
response_status(struct response *resp, int status, const char *meta)
{
	response_release(resp);
	resp->status = status;
	return copy_meta(resp->meta, meta);
}

void
response_slow_down(struct response *resp, int seconds)
{
	char meta[16];

	/* Clients read a 44's META as a number of seconds (Amfora shows it
	 * inside its own sentence): the bare number, the words go to the log. */
	snprintf(meta, sizeof(meta), "%d", seconds);
	response_status(resp, 44, meta);
}

int
response_redirect(struct response *resp, int status, const char *url)
{
	if (strnlen(url, RESPONSE_META_MAX + 1) > RESPONSE_META_MAX)
		return -1;
	return response_status(resp, status, url);
}

/* The type itself is text/gemini, whatever its parameters. */
static int
is_gemtext(const char *type)
{
	size_t n = strlen("text/gemini");

	return strncmp(type, "text/gemini", n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/*
 * META of a 20 (see response_memory). The value is built one byte past
 * the limit, so that copy_meta sees it is too long. Several language tags
 * are quoted here, and one that already is goes as it is: the page table
 * and the host settings hand in quoted values, a caller with a tag list
 * from the configuration need not.
 */
static int
set_type_meta(struct response *resp, const char *type, const char *lang)
{
	char meta[RESPONSE_META_MAX + 2];
	const char *q;

	if (lang == NULL || lang[0] == '\0' || !is_gemtext(type)) {
		snprintf(meta, sizeof(meta), "%s", type);
		return copy_meta(resp->meta, meta);
	}
	q = lang[0] != '"' && strchr(lang, ',') != NULL ? "\"" : "";
	snprintf(meta, sizeof(meta), "%s; lang=%s%s%s", type, q, lang, q);
	return copy_meta(resp->meta, meta);
}

int
response_page(struct response *resp, char *body, size_t len,
    const char *type, const char *lang)
{
	int rc = response_memory(resp, body, len, type, lang);

	resp->owned = body;
	return rc;
}

int
response_memory(struct response *resp, const char *body, size_t len,
    const char *type, const char *lang)
{
	response_release(resp);
	resp->status = 20;
	resp->source = RESPONSE_MEMORY;
	resp->body = body;
	resp->size = (off_t)len;
	return set_type_meta(resp, type, lang);
}

/* Whether the file's last byte is a newline (an empty file has none). */
static int
ends_with_newline(int fd, off_t size)
{
	char last;

	return size > 0 && pread(fd, &last, 1, size - 1) == 1 && last == '\n';
}

int
response_file(struct response *resp, int fd, off_t size, const char *type,
    const char *lang)
{
	response_release(resp);
	resp->status = 20;
	resp->source = RESPONSE_FILE;
	resp->fd = fd;
	resp->size = size;
	if (is_gemtext(type))
		resp->add_newline = !ends_with_newline(fd, size);
	return set_type_meta(resp, type, lang);
}

size_t
response_begin(struct response *resp, char *out, size_t outsize)
{
	int n;

	/* Non-2x responses have no body (Gemini specification). */
	if (resp->status < 20 || resp->status > 29)
		response_release(resp);
	n = snprintf(out, outsize, "%02d %s\r\n", resp->status, resp->meta);
	if (n < 0)
		return 0;
	return (size_t)n < outsize ? (size_t)n : outsize - 1;
}

off_t
response_body_length(const struct response *resp)
{
	if (resp->source == RESPONSE_NO_BODY)
		return 0;
	return resp->size + (resp->add_newline ? 1 : 0);
}

ssize_t
response_read(const struct response *resp, off_t offset, char *dst, size_t n,
    const char **why)
{
	off_t left = resp->size - offset;
	ssize_t got;

	if (n == 0 || offset >= response_body_length(resp))
		return 0;
	if (left <= 0) {
		/* Past the body: only the added newline is left. */
		dst[0] = '\n';
		return 1;
	}
	if ((off_t)n > left)
		n = (size_t)left;
	switch (resp->source) {
	case RESPONSE_MEMORY:
		memcpy(dst, resp->body + offset, n);
		return (ssize_t)n;
	case RESPONSE_FILE:
		do
			got = pread(resp->fd, dst, n, offset);
		while (got == -1 && errno == EINTR);
		if (got > 0)
			return got;
		/* Never padded: the client must see the body is cut. */
		*why = got == 0 ? "file shrank while being sent" :
		    "file read error while sending";
		return -1;
	case RESPONSE_NO_BODY:
		break;   /* its length is 0: returned above */
	}
	return 0;
}
