/*
 * site.h - what a reload replaces, as one object: the configuration and,
 * for each host (capsule) it names, the TLS context (certificate and key),
 * the article pages, and what requests are checked against and answered
 * with.
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

/* One capsule of the site: a [host "NAME"] section, or the only host. */
struct site_host {
	const struct config_host *cfg;  /* points into the site's cfg */
	struct tls_ctx *tls;
	struct site_file_id cert_id, key_id;
	char fingerprint[TLS_FINGERPRINT_SIZE];   /* of the certificate */
	struct pages *pages;
	int rootfd;                     /* the root, opened at load: files are
	                                   opened beneath it */
	char lang[40];                  /* cfg->lang, quoted when several */
	int asks_certificates;          /* a location of the host requires
	                                   client certificates: its handshake
	                                   asks for one */
	const char *aliases[CONFIG_MAX_ALIASES];  /* into cfg */
	struct request_policy policy;   /* points into cfg */
	struct capsule_content content; /* points into pages, cfg, lang */
};

struct site {
	atomic_int refs;
	struct config cfg;
	int port;                       /* the port requests must name */
	int nhosts;                     /* cfg.nhosts */
	struct site_host hosts[CONFIG_MAX_HOSTS];   /* in cfg's order */
};

/*
 * Loads, for every host cfg names, its certificate and key (which must
 * exist), opens its root and reads its articles, into a new site held
 * once by the caller. cfg is copied. port is the port requests must name:
 * [server] port, or the service manager's sockets' (listen_inherited).
 * Each certificate is checked first (cert.h): it must cover the host's
 * name and aliases, be valid now, match its key, and have its chain in
 * order; an expiry within 30 days is logged as a warning.
 * With prev (a reload), a host prev served under the same name keeps its
 * TLS context when its certificate and key are the same paths naming the
 * same, unmodified files and its names did not change: so a reload for an
 * article needs no access to the key, which a root-started server's user
 * may rightly not have. An article that cannot be read now keeps prev's
 * pages when both read the same folder (pages_load_dir). live says it is
 * a live update: what prev logged about an article file is then not
 * logged again while the file is unchanged (pages_options.once); a
 * start-up or a SIGHUP (live 0) logs every file that is wrong.
 * Returns NULL with err set, naming the host when there are host
 * sections (the same messages as at start-up).
 */
struct site *site_new(const struct config *cfg, int port,
    const struct site *prev, int live, char *err, size_t errsize);

/* Takes one more hold on site; returns it. Any thread. */
struct site *site_hold(struct site *site);

/* Lets go of one hold; the last one frees the site. Any thread. */
void site_release(struct site *site);

/*
 * The host that name (a host name, or an IP literal without brackets, as
 * SNI and the local address give it) names among the hosts' names and
 * aliases, compared as request.h compares a request's host; -1 when none.
 */
int site_host_named(const struct site *site, const char *name);

/*
 * The capsule's absolute URL, for the Atom feed and the log, in dst:
 * gemini://NAME[:PORT]/, an IPv6 literal in brackets, the port left out
 * when it is Gemini's (1965). Cut to fit size (a name is at most 253
 * bytes: 300 always fits).
 */
void site_url(const char *name, int port, char *dst, size_t size);

/* Articles and pages of every host together, for the log. */
size_t site_articles(const struct site *site);
size_t site_pages(const struct site *site);

/*
 * Logs one line per host: its name (and whether it is the default), root,
 * articles, pages and certificate fingerprint.
 */
void site_log_hosts(const struct site *site);

struct sockaddr;

/*
 * The host a connection is for: the one servername (SNI, NULL when the
 * client sent none) names; else the one whose aliases hold local, the
 * address the client connected to (NULL: unknown); else the default host.
 * Returns its index in site->hosts.
 */
int site_host_for(const struct site *site, const char *servername,
    const struct sockaddr *local);

#endif
