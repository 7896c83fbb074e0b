/*
 * capsule.h - routing: a checked request path -> the response to send.
 *
 * Static files live under the capsule root and are opened beneath it only
 * (openat2 RESOLVE_BENEATH where the kernel has it), so neither "..", nor an
 * encoded escape, nor a symbolic link can name anything outside the root.
 */
#ifndef KIZUNA_CAPSULE_H
#define KIZUNA_CAPSULE_H

#include <stddef.h>
#include <sys/types.h>

#include "pages.h"
#include "request.h"

/* The Gemini specification caps META at 1024 bytes. */
#define RESPONSE_META_MAX 1024

struct response {
	int status;                        /* a defined Gemini status */
	char meta[RESPONSE_META_MAX + 1];
	int fd;            /* body read from this open regular file, or -1;
	                      owned by the response (capsule_release) */
	const char *body;  /* or a body in memory, borrowed from the capsule
	                      and valid as long as it is; NULL when none */
	off_t size;        /* body bytes (0 for non-2x statuses) */
	int add_newline;   /* send "\n" after the body: a gemtext body always
	                      ends with one, even when its file does not */
};

struct capsule;

/*
 * What is answered besides the files: replaced as a whole by a reload (see
 * site.h), so it is passed with each request rather than kept.
 */
struct capsule_content {
	const struct pages *pages;   /* served before any file; may be NULL */
	const char *hostname;        /* for redirects */
	const char *lang;            /* for text/gemini: "ja", or "\"ja,en\""
	                                (several tags must be quoted) */
	int rootfd;                  /* the capsule root, an open directory:
	                                files are opened beneath it only */
};

/*
 * A worker's file server: its own MIME detector (libmagic) and a MIME
 * cache per host, by the host's name (content's hostname). One per
 * worker: a capsule is not thread-safe. The root comes with each request,
 * in its content (one per host). Returns NULL with err set.
 */
struct capsule *capsule_open(char *err, size_t errsize);
void capsule_close(struct capsule *cap);

/*
 * Decides the response to a request that request_parse accepted, from
 * content and the files:
 *   a generated page           -> 20 from memory (articles, see pages.h)
 *   where only pages live      -> 51 (an article refused at load)
 *   a page's URL without '/'   -> 31 to the same URL with '/'
 *   a regular file             -> 20 with its MIME type (and lang for gemtext)
 *   a directory, path ends '/' -> its index.gmi, else 51
 *   a directory without '/'    -> 31 to the same URL with '/'
 *   missing, a dotfile, a link out of the root, not a regular file -> 51
 *   out of descriptors or memory -> 40
 * Always fills *resp; release it with capsule_release.
 */
void capsule_respond(struct capsule *cap,
    const struct capsule_content *content, const struct request *req,
    struct response *resp);

/* Closes the response's file, if any. Safe to call twice. */
void capsule_release(struct response *resp);

#endif
