/*
 * response.h - one Gemini response: its status, META and body, the header
 * as it goes on the wire, and the body's bytes, whatever holds them.
 *
 * A response is made by a builder (response_status and the others below;
 * a later one replaces it whole), framed by response_begin, read by
 * response_read, and dropped by response_release. It knows nothing of TLS or of paths:
 * routing (capsule.c) decides which response a request gets, and the
 * connection (conn.c) writes what response_begin and response_read give it.
 *
 * The header is "STATUS META\r\n", STATUS two digits, META UTF-8 of at
 * most 1024 bytes (Gemini specification). Only 2x responses have a body:
 * any other status goes out as its header alone.
 */
#ifndef KIZUNA_RESPONSE_H
#define KIZUNA_RESPONSE_H

#include <stddef.h>
#include <sys/types.h>

/* The Gemini specification caps META at 1024 bytes. */
#define RESPONSE_META_MAX 1024

/* The longest header: two digits, a space, META, CR LF (and a NUL). */
#define RESPONSE_HEADER_MAX (2 + 1 + RESPONSE_META_MAX + 2 + 1)

/* What holds the body. */
enum response_source {
	RESPONSE_NO_BODY,    /* a status without body, or a released one */
	RESPONSE_MEMORY,     /* bytes borrowed from their owner */
	RESPONSE_FILE,       /* an open regular file, owned by the response */
};

struct response {
	int status;                        /* a defined Gemini status; 0 when
	                                      none was built yet */
	char meta[RESPONSE_META_MAX + 1];  /* NUL-terminated, valid UTF-8 as
	                                      long as what it was given was */
	enum response_source source;
	int fd;            /* RESPONSE_FILE: read with pread, closed by
	                      response_release; else -1 */
	const char *body;  /* RESPONSE_MEMORY: borrowed, and valid as long as
	                      its owner (a page table) is; else NULL */
	char *owned;       /* RESPONSE_MEMORY made for this request (a
	                      listing): freed by response_release; or NULL */
	off_t size;        /* body bytes, the added newline not counted;
	                      0 without a body */
	int add_newline;   /* a "\n" follows the body: a gemtext file always
	                      ends its last line, even when its bytes do not */
};

/*
 * Makes resp empty: no status, no body, no file. Call it once before the
 * first builder (a builder closes the file resp held, so resp must not
 * hold garbage).
 */
void response_init(struct response *resp);

/*
 * A response without body: status (10 to 62) and meta (a prompt, a reason,
 * a type-less text). Whatever resp held is released first. Returns 0, or
 * -1 when meta was longer than RESPONSE_META_MAX bytes: resp then carries
 * it cut after its last whole UTF-8 character that fits (a status text
 * cut short still reads; one cut inside a character would not be UTF-8).
 */
int response_status(struct response *resp, int status, const char *meta);

/*
 * 44, slow down, its META the number of seconds to wait and nothing else
 * ("44 30"): clients read it as a number. Whatever resp held is released
 * first. The text always fits.
 */
void response_slow_down(struct response *resp, int seconds);

/*
 * A redirect: status 30 (temporary) or 31 (permanent) to url, an absolute
 * URL or a path, written as it must go on the wire. Returns 0, or -1 when
 * url is longer than RESPONSE_META_MAX bytes: resp is then left as it was
 * (a cut URL would send the reader somewhere else, so it is refused, never
 * shortened).
 */
int response_redirect(struct response *resp, int status, const char *url);

/*
 * 20 with a body of len bytes at body, borrowed (see struct response), sent
 * exactly as given: kizuna made it, and ended its lines itself.
 *
 * META is type, the MIME type with its parameters ("text/gemini;
 * charset=utf-8"), as given; for text/gemini (the type itself, before any
 * ';'), "; lang=" and lang follow unless lang is NULL or "". Several tags
 * ("ja,en") are quoted as the gemtext specification asks: lang="ja,en"; a
 * value already quoted goes as it is.
 *
 * Whatever resp held is released first. Returns 0, or -1 when the META was
 * cut as response_status cuts it (a type and a language tag never come
 * near 1024 bytes).
 */
int response_memory(struct response *resp, const char *body, size_t len,
    const char *type, const char *lang);

/*
 * As response_memory, but resp takes body over (malloc'd; freed by
 * response_release, in every case): a page made for this request alone.
 */
int response_page(struct response *resp, char *body, size_t len,
    const char *type, const char *lang);

/*
 * 20 with the size bytes of the open regular file fd as body. resp takes
 * fd over in every case (response_release closes it). type and lang as for
 * response_memory. A text/gemini file whose last byte is not a newline (an
 * empty one included) gets one after its body (add_newline): clients expect
 * every line ended. Returns 0, or -1 when the META was cut.
 */
int response_file(struct response *resp, int fd, off_t size,
    const char *type, const char *lang);

/*
 * Frames resp for sending. First the rule that only 2x responses have a
 * body: any other status loses the one it held (its file closed). Then
 * writes the header "STATUS META\r\n" into out, outsize bytes, at least
 * RESPONSE_HEADER_MAX (always enough), and returns its length, the NUL
 * not counted.
 */
size_t response_begin(struct response *resp, char *out, size_t outsize);

/* The bytes that follow the header: the body, and its added newline. */
off_t response_body_length(const struct response *resp);

/*
 * Copies at most n bytes of what follows the header, from offset on, into
 * dst: the body from memory or the file, then the added newline. Returns
 * the bytes copied (at least 1 when offset is before the end and n > 0),
 * 0 at the end, or -1 with *why set when the file ended before its size
 * ("file shrank while being sent") or could not be read ("file read error
 * while sending"): the body can then not be completed.
 */
ssize_t response_read(const struct response *resp, off_t offset, char *dst,
    size_t n, const char **why);

/*
 * Drops resp's body, closing its file: the status and META stay (the
 * access log reports the status). Safe to call twice.
 */
void response_release(struct response *resp);

#endif
