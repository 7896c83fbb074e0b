/*
 * site.h - what a reload replaces, as one object: the configuration, the
 * TLS context (certificate and key), the article pages, and what requests
 * are checked against and answered with.
 *
 * A site is shared and counted: the server holds the current one, each
 * worker the one it accepts with, each connection the one it was accepted
 * with. A reload (SIGHUP), or a change in the articles folder (live.h),
 * builds a new site on the side and makes it current; connections in
 * flight finish on the old one, which is freed when the last of them lets
 * go.
 */
#ifndef KIZUNA_SITE_H
#define KIZUNA_SITE_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "capsule.h"
#include "config.h"
#include "pages.h"
#include "request.h"
#include "tls.h"

/* Which file a path named when it was loaded: a change makes a new one. */
struct site_file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct site {
	atomic_int refs;
	struct config cfg;
	struct tls_ctx *tls;
	struct site_file_id cert_id, key_id;
	struct pages *pages;
	char fingerprint[TLS_FINGERPRINT_SIZE];   /* of the certificate */
	char lang[40];                  /* the host's lang, quoted when several */
	struct request_policy policy;   /* points into cfg */
	struct capsule_content content; /* points into pages, cfg, lang */
};

/*
 * Loads the certificate and key (which must exist) and the articles that
 * cfg names, into a new site held once by the caller. cfg is copied.
 * With prev (a reload), the certificate and key are only read again when
 * they changed: the same paths naming the same, unmodified files keep
 * prev's TLS context. So a reload for an article needs no access to the
 * key, which a root-started server's user may rightly not have. An
 * article that cannot be read now keeps prev's pages when both read the
 * same folder (pages_load_dir).
 * Returns NULL with err set (the same messages as at start-up).
 */
struct site *site_new(const struct config *cfg, const struct site *prev,
    char *err, size_t errsize);

/* Takes one more hold on site; returns it. Any thread. */
struct site *site_hold(struct site *site);

/* Lets go of one hold; the last one frees the site. Any thread. */
void site_release(struct site *site);

#endif
