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

#define CONFIG_MAX_ADDRESSES 8

enum config_log_level {
	CONFIG_LOG_ERROR,
	CONFIG_LOG_WARN,
	CONFIG_LOG_INFO,
	CONFIG_LOG_DEBUG,
};

struct config {
	char path[PATH_MAX];      /* the file as named on the command line */

	/* [server] */
	char hostname[256];       /* lowercased */
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

	/* [tls]: absolute paths */
	char cert[PATH_MAX];
	char key[PATH_MAX];

	/* [capsule] */
	char root[PATH_MAX];      /* absolute, an existing directory */
	char articles[PATH_MAX];  /* relative to root, no ".." and no leading '/' */
	char lang[36];            /* BCP 47 tag(s), comma-separated */

	/* [log] */
	char access_log[PATH_MAX]; /* "stderr", "off", or an absolute path */
	enum config_log_level log_level;
	int log_ip;               /* 0: "-" instead of client addresses */
};

/* Fills *cfg with every default (paths relative to the current directory). */
void config_defaults(struct config *cfg);

/*
 * Reads the INI file at path into *cfg, starting from the defaults.
 * Relative paths in the file resolve against the file's directory.
 * Returns 0, or -1 with a message in err (errsize bytes) of the form
 * "FILE:LINE: [section] key: what is wrong" (without LINE when the problem
 * is not on one line, such as a default root that does not exist).
 */
int config_load(const char *path, struct config *cfg, char *err,
    size_t errsize);

/* The name of a log level as written in the config ("info"). */
const char *config_log_level_name(enum config_log_level level);

/*
 * The settings that only a restart can change: where to listen, how many
 * workers, which user, the capsule root, the access log (Landlock and the
 * privilege drop fixed them at start). Writes the names of those that
 * differ between old and new to what, comma-separated and truncated to
 * size ("[server] port, [capsule] root"). Returns how many differ.
 */
int config_restart_needed(const struct config *old, const struct config *new,
    char *what, size_t size);

#endif
