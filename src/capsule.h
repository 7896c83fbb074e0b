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

#include "location.h"
#include "pages.h"
#include "request.h"
#include "response.h"

struct capsule;

/*
 * What is answered besides the files: replaced as a whole by a reload (see
 * site.h), so it is passed with each request rather than kept.
 */
struct capsule_content {
	const struct pages *pages;   /* served before any file; may be NULL */
	const char *hostname;        /* for redirects */
	const char *lang;            /* for text/gemini: "ja", or several
	                                tags, quoted ("\"ja,en\"") or not
	                                (see response_memory) */
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
 * For a worker gone idle: gives back what reading types mapped (libmagic's
 * database, shared by every worker: see mime_release). The next type read
 * from content maps it again. Thread-safe.
 */
void capsule_idle(void);

/*
 * Decides the response to a request that request_parse accepted, from
 * content and the files, under rules (the request's location rules, for
 * listing, lang and types; NULL: none; their block, redirect and
 * certificate answers come first, see rules.h):
 *   a generated page           -> 20 from memory (articles, see pages.h)
 *   where only pages live      -> 51 (an article refused at load)
 *   a page's URL without '/'   -> 31 to the same URL with '/'
 *   a regular file             -> 20 with its MIME type (a location's
 *                                 types first), lang for gemtext (the
 *                                 location's, else the host's)
 *   a directory, path ends '/' -> its index.gmi, else its listing with
 *                                 listing = on (listing.h), else 51
 *   a directory without '/'    -> 31 to the same URL with '/'
 *   missing, a dotfile, a link out of the root, not a regular file -> 51
 *   out of descriptors or memory -> 40
 * Always fills *resp (made empty first, as by response_init, so it must
 * hold no file); release it with response_release.
 */
void capsule_respond(struct capsule *cap,
    const struct capsule_content *content, const struct request *req,
    const struct location_rules *rules, struct response *resp);

#endif
