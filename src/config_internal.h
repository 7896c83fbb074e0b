/*
 * config_internal.h - what config.c (the table of keys, the file read
 * through inih), config_hosts.c (the rules of [host "NAME"] sections) and
 * config_locations.c (those of [location "PREFIX"] sections) share. Not
 * for any other module: config.h is the contract.
 */
#ifndef KIZUNA_CONFIG_INTERNAL_H
#define KIZUNA_CONFIG_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* How a value is written, and so how it is read and checked. */
enum key_type {
	KEY_INT,        /* a whole decimal number in [min, max] */
	KEY_SWITCH,     /* on | off */
	KEY_HOSTNAME,   /* letters, digits, '-', '.', ':'; stored lowercased */
	KEY_ADDRESSES,  /* numeric IPv4/IPv6 addresses, comma-separated */
	KEY_ALIASES,    /* host names and IP addresses, comma-separated */
	KEY_PATH,       /* resolved against the config file's folder */
	KEY_DIR,        /* a KEY_PATH that names an existing directory */
	KEY_INSIDE,     /* a relative folder with no ".." segment */
	KEY_LANG,       /* BCP 47 tags, comma-separated */
	KEY_USER,       /* a user name */
	KEY_LOG_LEVEL,  /* error | warn | info | debug */
	KEY_ACCESS_LOG, /* stderr | off | a KEY_PATH */
	KEY_DEFAULT,    /* on | off: this host is the one without SNI */
	/* A [location]'s. The two lists add up over several lines of one
	 * section: a line holds only a few fingerprints. */
	KEY_REDIRECT,   /* 30|31 TARGET: a gemini:// URL or a path, '*' last */
	KEY_TYPES,      /* .EXT type/subtype, comma-separated */
	KEY_FINGERPRINTS, /* SHA-256 fingerprints, comma-separated */
};

/* When a change to a key takes effect. */
enum key_apply {
	ON_RELOAD,      /* SIGHUP applies it */
	ON_RESTART,     /* fixed at start: listeners, sandbox, privilege drop */
};

/*
 * Whose setting a key is: a field of struct config, or of struct
 * config_host, and then where it may be written.
 */
enum key_scope {
	SERVER_WIDE,    /* the server's: listening, limits, logging */
	HOST_NAME,      /* the one host's name (a [host]'s is its header) */
	HOST_OWN,       /* a [host] key; in its own section, the one host's,
	                   refused beside [host] sections */
	HOST_DEFAULT,   /* a [host] key; in its own section, the default of
	                   every host */
	HOST_ONLY,      /* a [host] key only */
	LOCATION,       /* a [location] key: a field of struct
	                   config_location */
};

/* One configuration key. */
struct key {
	const char *section;
	const char *name;
	enum key_type type;
	long min, max;          /* KEY_INT: the range; lists: the most items */
	const char *def;        /* the default, as the file would write it */
	const char *host_def;   /* HOST_OWN: a [host]'s default file in
	                           certs/NAME/, or NULL: the key is required */
	enum key_apply apply;
	enum key_scope scope;
	const char *what;       /* a bad value V is reported: "V" is not WHAT */
	size_t offset, size;    /* the field in struct config, config_host
	                           or config_location */
	size_t count;           /* lists: offset of their int count */
};

/* The rows of config_keys (config.c checks the count). */
#define CONFIG_NKEYS 32

/* Every key of config.ini, one row each (config.c). */
extern const struct key config_keys[];

/* Everything the inih callbacks need while one file is read. */
struct parse_state {
	struct config *cfg;
	FILE *file;
	char dir[PATH_MAX];     /* the config file's directory; "": none */
	int lineno;             /* line most recently handed to inih */
	/* The host of [server] hostname, [tls] and [capsule]: the one host
	 * of a file without [host] sections, else the [capsule] defaults. */
	struct config_host base;
	int host;               /* index of the [host] being read, or -1 */
	int location;           /* index of the [location] being read, or -1 */
	/* Line each key was set on, 0 = not set: [0] in the plain sections,
	 * [1 + i] in the section of host i. */
	int seen[1 + CONFIG_MAX_HOSTS][CONFIG_NKEYS];
	/* Line each key was set on in the section of location i, 0 = not
	 * set (a list's first line). */
	int location_seen[CONFIG_MAX_LOCATIONS][CONFIG_NKEYS];
	int default_line;       /* of the "default = on" read, 0 = none yet */
	char err[512];          /* first error, without the FILE:LINE prefix */
	int errline;
};

/*
 * Records the first error only: later ones are often its consequences.
 * "[section] key: ...", or "[section]: ..." when key is NULL; on the line
 * being read, or with config_fail_line on line (0: on none). Both return
 * -1, so that a check can end with `return config_fail(...)`.
 */
int config_fail(struct parse_state *st, const char *section, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int config_fail_line(struct parse_state *st, int line, const char *section,
    const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* k's field within obj: the struct config, a struct config_host or a
 * struct config_location. */
void *config_field(const struct key *k, void *obj);

/*
 * Checks value as k's type writes it and stores it in k's field of obj;
 * errors name [section] k. Returns 0, or -1 with the error recorded.
 */
int config_set_value(struct parse_state *st, const struct key *k, void *obj,
    const char *section, const char *value);

/* A KEY_DIR's field must name a directory that exists now. Returns 0, or
 * -1 with the error recorded. */
int config_check_dir(struct parse_state *st, const struct key *k, void *obj,
    const char *section);

/*
 * config_hosts.c. A [host] header, text being what lies between "[" and
 * "]": opens the host, whose keys follow, as st->host (-1 on error).
 */
void config_hosts_header(struct parse_state *st, const char *text);

/* Refuses k, a key of the one host, in a file with [host] sections; line
 * is where it was set. Returns -1. */
int config_hosts_refuse(struct parse_state *st, const struct key *k,
    int line);

/* One item of [host] aliases: a name no host has yet. Writes it as stored
 * to out (CONFIG_NAME_MAX bytes). Returns 0 or -1. */
int config_hosts_alias(struct parse_state *st, const struct key *k,
    const char *section, const char *item, char *out);

/* [host] default = on|off: at most one host says on. Returns 0 or -1. */
int config_hosts_default(struct parse_state *st, const struct key *k,
    const char *section, const char *value);

/* After the last line: each [host] completed with its defaults, or the
 * one host made from st->base. Returns 0 or -1. */
int config_hosts_finish(struct parse_state *st);

/* The host that answers to name (its name or an alias), or -1. */
int config_hosts_owner(const struct config *cfg, const char *name);

/*
 * config_locations.c. A [location] header, text being what lies between
 * "[" and "]": opens the location, whose keys follow, as st->location (-1
 * on error).
 */
void config_locations_header(struct parse_state *st, const char *text);

/* The size of a location's section name. */
#define LOCATION_SECTION_MAX (CONFIG_NAME_MAX + CONFIG_PATH_MAX + 16)

/* "location \"HOST/PREFIX*\"", the section loc's errors name, into out
 * (LOCATION_SECTION_MAX bytes). */
void config_locations_section(const struct config_location *loc,
    char *out);

/* A value of a KEY_REDIRECT, KEY_TYPES or KEY_FINGERPRINTS key into loc;
 * a list's items are added to those of earlier lines. Returns 0 or -1. */
int config_locations_value(struct parse_state *st, const struct key *k,
    struct config_location *loc, const char *section, const char *value);

/* After the hosts are complete: each location's host found, each
 * (host, prefix) once, each location's rules consistent, no redirect
 * chained. Returns 0 or -1. */
int config_locations_finish(struct parse_state *st);

#endif
