/*
 * main.c - command line, start-up order, exit status.
 *
 *   kizuna [-c FILE]       serve the capsule described by FILE
 *   kizuna -t [-c FILE]    check FILE (and the certificate) and exit
 *   kizuna convert [-o DIR] [--lang TAG] [--url URL] FOLDER | FILE...
 *                          write the article pages as files under DIR
 *   kizuna -V | -h         version | usage (--version | --help too)
 *
 * Exit status: 0 success, 1 a runtime failure (cannot listen), 2 a
 * configuration, certificate or usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert.h"
#include "config.h"
#include "confine.h"
#include "export.h"
#include "listen.h"
#include "log.h"
#include "pages.h"
#include "preflight.h"
#include "sandbox.h"
#include "server.h"
#include "site.h"
#include "systemd.h"
#include "ticket.h"
#include "tls.h"
#include "url.h"

#ifndef KIZUNA_VERSION
#define KIZUNA_VERSION "0.1.0"
#endif

#define DEFAULT_CONFIG "config.ini"
/* Where an exported feed's links point unless --url says. */
#define DEFAULT_URL "gemini://localhost/"

enum { EXIT_RUNTIME = 1, EXIT_CONFIG = 2 };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: kizuna [-c FILE]      serve the capsule\n"
	    "       kizuna -t [-c FILE]   check the configuration and exit\n"
	    "       kizuna convert [-o DIR] [--lang TAG] [--url URL] "
	    "FOLDER | FILE...\n"
	    "                             write article pages under DIR "
	    "(default .),\n"
	    "                             the feed's links under URL "
	    "(default %s)\n"
	    "       kizuna -V, --version  print the version\n"
	    "       kizuna -h, --help     print this help\n"
	    "FILE defaults to %s in the current directory.\n", DEFAULT_URL,
	    DEFAULT_CONFIG);
}

/* -t: the config file, and what it names that a start would trip on. */
static int
check(const struct config *cfg)
{
	if (preflight_check(cfg) == -1)
		return EXIT_CONFIG;
	log_info("%s: configuration is valid", cfg->path);
	return 0;
}

/*
 * Who the files kizuna creates (a generated certificate and key, the
 * access log) belong to: started as root, the user kizuna will serve as,
 * so that it can read the key again on reload and reopen the log; but
 * never nobody, whom other daemons share (they could read the key, or
 * read and rewrite the log): then root, a reload keeps the certificate in
 * use, and the log is reopened only once rotation has replaced it. Else
 * whoever runs kizuna. An unknown user is reported by the privilege drop,
 * later.
 */
static struct owner_ids {
	uid_t uid;
	gid_t gid;
} generated_files_owner(const struct config *cfg)
{
	struct owner_ids ids = { (uid_t)-1, (gid_t)-1 };
	struct passwd *pw;

	if (geteuid() == 0 && strcmp(cfg->user, "nobody") != 0 &&
	    (pw = getpwnam(cfg->user)) != NULL && pw->pw_uid != 0) {
		ids.uid = pw->pw_uid;
		ids.gid = pw->pw_gid;
	}
	return ids;
}

/*
 * The owner of an access log kizuna creates as root: the service user,
 * whoever it is (nobody included, unlike a generated key), since that user
 * must reopen the log on SIGUSR1 after the drop (issue 10, finding 7). A log
 * holds addresses, not secrets, and is created mode 0640.
 */
static struct owner_ids
access_log_owner(const struct config *cfg)
{
	struct owner_ids ids = { (uid_t)-1, (gid_t)-1 };
	struct passwd *pw;

	if (geteuid() == 0 && (pw = getpwnam(cfg->user)) != NULL &&
	    pw->pw_uid != 0) {
		ids.uid = pw->pw_uid;
		ids.gid = pw->pw_gid;
	}
	return ids;
}

/*
 * Started as root, an access log file root owns (found so: one kizuna
 * creates is the [server] user's) cannot be reopened after the drop: say
 * so at start rather than at the first SIGUSR1.
 */
static void
warn_if_log_stays_roots(const struct config *cfg)
{
	struct stat sb;

	if (geteuid() != 0 || strcmp(cfg->access_log, "off") == 0 ||
	    strcmp(cfg->access_log, "stderr") == 0 ||
	    stat(cfg->access_log, &sb) == -1 || sb.st_uid != 0)
		return;
	log_warn("access log %s belongs to root: user %s cannot reopen it on "
	    "SIGUSR1 until rotation replaces it with a file %s may write "
	    "(kizuna gives the log it creates to the [server] user)",
	    cfg->access_log, cfg->user, cfg->user);
}

/*
 * A self-signed certificate for every host that has none yet (see
 * cert_ensure: for its name and aliases). Returns 0, or -1 (logged).
 */
static int
ensure_certificates(const struct config *cfg, struct owner_ids owner)
{
	const struct config_host *host;
	char err[1024];
	int i, rc;

	for (i = 0; i < cfg->nhosts; i++) {
		const char *aliases[CONFIG_MAX_ALIASES];
		struct cert_names names;
		int j;

		host = &cfg->hosts[i];
		for (j = 0; j < host->naliases; j++)
			aliases[j] = host->aliases[j];
		names.host = host->name;
		names.aliases = aliases;
		names.naliases = (size_t)host->naliases;
		rc = cert_ensure(host->cert, host->key, &names, owner.uid,
		    owner.gid, err, sizeof(err));
		if (rc == -1) {
			log_error("host \"%s\": %s", host->name, err);
			return -1;
		}
		if (rc == 1)
			log_info("created a self-signed certificate for %s: %s "
			    "(key %s)", host->name, host->cert, host->key);
	}
	return 0;
}

/*
 * Serving, from start to exit: the order is the point. First whatever may
 * need root (a certificate created, the log opened, the key and articles
 * read, the listeners bound); then root given up and the process confined
 * (sandbox.h's order: prepare, drop, confine); only then do threads start,
 * so that every one of them is confined too.
 */
static int
serve(const struct config *cfg)
{
	const struct config_host *host = &cfg->hosts[cfg->default_host];
	struct owner_ids owner = generated_files_owner(cfg), log_owner;
	struct server *srv = NULL;
	struct sandbox *sb = NULL;
	struct ticket_file *tickets = NULL;
	struct site *site;
	char err[1024];
	int rc, inherited, port;

	/* First: both read (and unset) the environment, and the notification
	 * socket must be connected before the privilege drop and sandbox. */
	if (systemd_notify_open(err, sizeof(err)) == -1)
		log_warn("%s: the service manager will not be told when kizuna "
		    "is ready", err);
	inherited = systemd_listen_fds(CONFIG_MAX_ADDRESSES, err, sizeof(err));
	if (inherited == -1) {
		log_error("%s", err);
		return EXIT_CONFIG;
	}
	/* The manager's sockets, when it passed some, replace [server]
	 * address and port: requests must then name theirs. */
	port = cfg->port;
	if (inherited > 0 &&
	    (port = listen_inherited(inherited, cfg->port)) == -1)
		return EXIT_RUNTIME;
	if (ensure_certificates(cfg, owner) == -1)
		return EXIT_CONFIG;
	log_owner = access_log_owner(cfg);
	if (log_init(cfg->log_level, cfg->access_log, log_owner.uid,
	    log_owner.gid) == -1)
		return EXIT_CONFIG;
	warn_if_log_stays_roots(cfg);
	/* Session ticket keys, the file's or kizuna's own: every host's
	 * context seals with them from its first handshake. */
	if (cfg->ticket_keys[0] != '\0' && (tickets = ticket_file_read(
	    cfg->ticket_keys, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		log_close();
		return EXIT_CONFIG;
	}
	ticket_use(tickets);
	if ((site = site_new(cfg, port, NULL, 0, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		log_close();
		return EXIT_CONFIG;
	}
	/* Readers pin these on first use (TOFU): publish them. */
	if (cfg->has_host_sections)
		site_log_hosts(site);
	else {
		log_info("certificate SHA-256 fingerprint: %s",
		    site->hosts[0].fingerprint);
		log_info("articles: %zu in %s/%s, %zu page%s",
		    site_articles(site), host->root, host->articles,
		    site_pages(site), site_pages(site) == 1 ? "" : "s");
	}
	/* A client that resets mid-response must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	server_block_signals();
	rc = EXIT_RUNTIME;
	/* The last of what needs root: listeners bound, each worker's loop
	 * and capsule (libmagic) made, the articles folder watched. */
	if ((srv = server_prepare(site, inherited)) == NULL)
		goto out;
	/* What Landlock leaves reachable is opened while still root; then the
	 * drop; then Landlock and seccomp, in force from here on. */
	if ((sb = confine_prepare(cfg)) == NULL ||
	    confine_drop_privileges(cfg) == -1 ||
	    confine_apply(cfg, sb) == -1)
		goto out;
	/* Workers and the live-update thread, until SIGTERM or SIGINT. */
	if (server_serve(srv) == 0)
		rc = 0;
out:
	server_free(srv);
	sandbox_free(sb);
	site_release(site);
	log_close();
	systemd_notify_close();
	return rc;
}

/*
 * --url: a gemini:// URL with a host, ending in '/' (added if missing);
 * the host (brackets off) names the feed's author. Returns 0 or -1.
 */
static int
convert_url(const char *arg, char *url, size_t urlsize, char *host,
    size_t hostsize)
{
	const char *h, *end;
	size_t n = strlen(arg);

	if (strncmp(arg, "gemini://", 9) != 0 || n + 2 > urlsize)
		return -1;
	h = arg + 9;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL)
			return -1;
		h++;
	} else
		end = h + strcspn(h, ":/?#");
	if (end == h || (size_t)(end - h) >= hostsize ||
	    strpbrk(arg, " \t?#") != NULL)
		return -1;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	snprintf(url, urlsize, "%s%s", arg, arg[n - 1] == '/' ? "" : "/");
	return 0;
}

/*
 * A folder: its articles, intro and the capsule's title around it, read
 * as the server reads them (root: the folder's parent). Returns NULL
 * (logged) on any unusable file.
 */
static struct pages *
convert_folder(const char *folder, const struct pages_options *opt)
{
	char *real, *slash;
	struct pages *pages;

	if ((real = realpath(folder, NULL)) == NULL) {
		log_error("%s: %s", folder, strerror(errno));
		return NULL;
	}
	slash = strrchr(real, '/');
	if (slash == real || slash == NULL) {
		log_error("%s: the articles folder cannot be the root of the "
		    "file system", folder);
		free(real);
		return NULL;
	}
	*slash = '\0';
	pages = pages_load_dir(real, slash + 1, opt);
	free(real);
	return pages;
}

static int
is_folder(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* kizuna convert [-o DIR] [--lang TAG] [--url URL] FOLDER | FILE... */
static int
convert(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = ".", *url_arg = DEFAULT_URL;
	char url[URL_MAX + 2], host[256];
	struct pages_options opt = { .lang = "ja", .strict = 1 };
	struct pages *pages;
	int opt_c, rc, folder, i;

	log_init(LOG_LEVEL_INFO, "off", (uid_t)-1, (gid_t)-1);
	optind = 1;
	while ((opt_c = getopt_long(argc, argv, "ho:l:u:", longopts, NULL)) !=
	    -1) {
		switch (opt_c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'o':
			dir = optarg;
			break;
		case 'l':
			opt.lang = optarg;
			break;
		case 'u':
			url_arg = optarg;
			break;
		default:
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return EXIT_CONFIG;
	}
	if (convert_url(url_arg, url, sizeof(url), host, sizeof(host)) == -1) {
		log_error("--url %s: not a gemini:// URL with a host (say "
		    "gemini://example.org/)", url_arg);
		return EXIT_CONFIG;
	}
	opt.url = url;
	opt.host = host;
	folder = argc - optind == 1 && is_folder(argv[optind]);
	for (i = optind; !folder && i < argc; i++)
		if (is_folder(argv[i])) {
			log_error("%s: a folder: give one folder alone, or "
			    "files", argv[i]);
			return EXIT_CONFIG;
		}
	pages = folder ? convert_folder(argv[optind], &opt) :
	    pages_load_files(argv + optind, (size_t)(argc - optind), &opt);
	if (pages == NULL) {
		log_error("nothing written");
		return EXIT_CONFIG;
	}
	rc = export_pages(pages, dir, argv + optind, (size_t)(argc - optind),
	    !folder);
	if (rc == 0)
		log_info("wrote %zu page%s of %zu article%s under %s%s",
		    pages_count(pages), pages_count(pages) == 1 ? "" : "s",
		    pages_articles(pages), pages_articles(pages) == 1 ? "" : "s",
		    dir, pages_prefix(pages));
	else
		log_error("nothing written");
	pages_free(pages);
	return rc == 0 ? 0 : EXIT_RUNTIME;
}

int
main(int argc, char **argv)
{
	/* Long forms of what everyone types first, as convert has its own. */
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct config cfg;   /* large (paths): not on the stack */
	const char *path = DEFAULT_CONFIG;
	char err[1024];
	int opt, test_only = 0;

	if (argc > 1 && strcmp(argv[1], "convert") == 0)
		return convert(argc - 1, argv + 1);
	while ((opt = getopt_long(argc, argv, "c:thV", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test_only = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kizuna %s\n", KIZUNA_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_CONFIG;
	}
	if (config_load(path, &cfg, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return EXIT_CONFIG;
	}
	log_init(cfg.log_level, "off", (uid_t)-1, (gid_t)-1);
	return test_only ? check(&cfg) : serve(&cfg);
}
