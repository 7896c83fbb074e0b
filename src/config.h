/*
 * config.h - the INI configuration (config.ini), read with inih.
 *
 * This is the only module that includes inih. It turns the file into a
 * struct config with every default filled in and every value checked, so
 * the rest of the server never sees a string it would have to validate.
 */
#ifndef KIZUNA_CONFIG_H
#define KIZUNA_CONFIG_H

#include <limits.h>
#include <stddef.h>

#include "log.h"

#define CONFIG_MAX_ADDRESSES 8
#define CONFIG_MAX_HOSTS 32
#define CONFIG_MAX_ALIASES 8
#define CONFIG_NAME_MAX 256   /* a host name or IP literal and its NUL */
#define CONFIG_MAX_LOCATIONS 64
#define CONFIG_MAX_TYPES 16
#define CONFIG_MAX_ALLOW 32
#define CONFIG_PATH_MAX 1024  /* a location's prefix or redirect target */

/*
 * One capsule and the names it answers to. A file without [host "NAME"]
 * sections has one, made from [server] hostname, [tls] and [capsule].
 * Every name and alias is unique among all the hosts of a config.
 */
struct config_host {
	/* lowercased host name, or IP literal (no brackets) */
	char name[CONFIG_NAME_MAX];
	/* lowercased names, IP literals without brackets */
	char aliases[CONFIG_MAX_ALIASES][CONFIG_NAME_MAX];
	int naliases;
	char root[PATH_MAX];      /* absolute, an existing directory */
	char articles[PATH_MAX];  /* relative to root, no "..", no '/' first */
	char lang[36];            /* BCP 47 tag(s), comma-separated */
	char cert[PATH_MAX];      /* absolute */
	char key[PATH_MAX];       /* absolute */
	/* line of its [host "NAME"] header; 0 for the host made from
	 * [server]/[tls]/[capsule] */
	int line;
};

/* One extension override of a [location]'s types. */
struct config_type {
	char ext[32];             /* ".md": lowercased, with its dot */
	char type[128];           /* "text/markdown": lowercased */
};

/*
 * One [location "PREFIX"] or [location "HOST/PREFIX"] section: rules for
 * the request paths under PREFIX, on every host or on one. A key it does
 * not set is left unset (-1, 0 or ""), so that a shorter location, then
 * the host, decides it (location.h). Every (host, prefix) is unique, and
 * every rule consistent: no allow without require_certificate = on, not
 * both block and redirect, no redirect onto a redirected path of a host
 * served here (config_load).
 */
struct config_location {
	/* "" for every host; else a host's name, as hosts[].name (an alias
	 * written in the header is stored as its host's name) */
	char host[CONFIG_NAME_MAX];
	/* starts with '/'; no "." or ".." segment, no "//", no control
	 * character, no '?', '#' or '*' (a final '*' is removed and sets
	 * wildcard). Compared with the request's path percent-decoded. */
	char prefix[CONFIG_PATH_MAX];
	int line;                 /* its [location "..."] header's line */
	int wildcard;             /* the prefix was written with a final '*' */
	int listing;              /* -1 unset, 0 off, 1 on */
	int redirect_status;      /* 0 unset, 30 or 31 */
	/* "" unset; else a gemini:// URL with a host, or a path starting
	 * with '/', as written but without a final '*'; no query, no
	 * fragment */
	char redirect[CONFIG_PATH_MAX];
	/* the target ended in '*', or the prefix did: every path under
	 * prefix is redirected, the rest of it after prefix appended to
	 * the target; 0: the path equal to prefix alone (location.h) */
	int redirect_wildcard;
	char lang[36];            /* "" unset; BCP 47 tag(s), comma-separated */
	struct config_type types[CONFIG_MAX_TYPES];
	int ntypes;               /* each ext once */
	int require_certificate;  /* -1 unset, 0 off, 1 on */
	/* SHA-256 fingerprints of the client certificates let in, each
	 * once; 0 of them: any valid certificate */
	unsigned char allow[CONFIG_MAX_ALLOW][32];
	int nallow;
	int block;                /* 0 unset, 51 or 52 */
};

/*
 * A loaded configuration. It is large (the hosts' paths and the
 * locations, about 1 MB):
 * keep it static or on the heap, never on a thread's stack.
 */
struct config {
	char path[PATH_MAX];      /* the file named on the command line,
	                             made absolute (config_value_absolute) */

	/* [server] */
	char addresses[CONFIG_MAX_ADDRESSES][64]; /* numeric IPv4/IPv6 */
	int naddresses;
	int port;                 /* 1..65535 */
	int workers;              /* >= 1 once loaded (0 in the file = per core) */
	int handshake_timeout;    /* seconds, >= 1 */
	int timeout;              /* seconds from accept to the request, >= 1 */
	int write_timeout;        /* seconds without progress, >= 1 */
	int min_rate;             /* KiB/s a response must average, >= 1 */
	int max_connections;      /* >= 1 */
	int max_per_ip;           /* 0 = no limit */
	int rate_limit;           /* requests a minute per address, 0 = none */
	int rate_burst;           /* requests at once before rate_limit bites */
	int proxy_protocol;       /* 1: each connection opens with a PROXY header */
	char user[64];
	int user_line;            /* line of [server] user, 0 when the default */
	int port_line;            /* line of [server] port, 0 when the default */

	/* [tls] ticket_keys: a file of session ticket keys shared with other
	 * instances (ticket.h), absolute; "": kizuna makes its own. Read at
	 * start and at every reload, by the caller (config_load does not
	 * open it). */
	char ticket_keys[PATH_MAX];

	/* The capsules served */
	struct config_host hosts[CONFIG_MAX_HOSTS];
	int nhosts;               /* >= 1 once loaded */
	int default_host;         /* index into hosts: for clients without SNI */
	int has_host_sections;    /* 1: hosts come from [host "NAME"] sections */

	/* [location "PREFIX"] sections, in the order of the file */
	struct config_location locations[CONFIG_MAX_LOCATIONS];
	int nlocations;

	/* [log] */
	char access_log[PATH_MAX]; /* "stderr", "off", or an absolute path */
	enum log_level log_level;
	int log_ip;               /* 0: "-" instead of client addresses */
	int access_line;          /* line of [log] access, 0 when the default */
};

/*
 * Fills *cfg with every default (paths relative to the current directory):
 * one host, hosts[0], named localhost.
 */
void config_defaults(struct config *cfg);

/*
 * Reads the INI file at path into *cfg, starting from the defaults.
 * Relative paths in the file resolve against the file's directory, made
 * absolute against the current directory when path is relative: every
 * path in *cfg is absolute.
 * Returns 0, or -1 with a message in err (errsize bytes) of the form
 * "FILE:LINE: [section] key: what is wrong" (without LINE when the problem
 * is not on one line, such as a default root that does not exist; a
 * [host "NAME"] section's own problems, such as a missing root, name its
 * header's line: "FILE:LINE: [host "NAME"]: what is wrong", and so do a
 * [location "PREFIX"]'s, such as a redirect that chains).
 */
int config_load(const char *path, struct config *cfg, char *err,
    size_t errsize);

/*
 * The settings that only a restart can change: where to listen, how many
 * workers, which user, the access log (the listeners, the privilege drop
 * and the sandbox fixed them at start). Hosts, their roots included, are
 * not among them: a reload may add, remove or change hosts. Writes the
 * names of those that differ between old and new to what, comma-separated
 * and truncated to size ("[server] port, [log] access"). Returns how many
 * differ.
 */
int config_restart_needed(const struct config *old, const struct config *new,
    char *what, size_t size);

#endif
