/*
 * config_restart.c - which changed settings only a restart can apply:
 * the rows of the key table marked ON_RESTART, compared between the
 * configuration in use and the one a reload read.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_internal.h"

/* Whether k holds the same value in a and b. */
static int
same_value(const struct key *k, const struct config *a,
    const struct config *b)
{
	const char *fa = (const char *)a + k->offset;
	const char *fb = (const char *)b + k->offset;
	const int *na, *nb;
	size_t i, each;

	switch (k->type) {
	case KEY_INT:
	case KEY_SWITCH:
		return *(const int *)fa == *(const int *)fb;
	case KEY_LOG_LEVEL:
		return *(const enum log_level *)fa ==
		    *(const enum log_level *)fb;
	case KEY_ADDRESSES:
	case KEY_ALIASES:
		na = (const int *)((const char *)a + k->count);
		nb = (const int *)((const char *)b + k->count);
		if (*na != *nb)
			return 0;
		each = k->size / (size_t)k->max;
		for (i = 0; i < (size_t)*na; i++)
			if (strcmp(fa + i * each, fb + i * each) != 0)
				return 0;
		return 1;
	case KEY_HOSTNAME:
	case KEY_PATH:
	case KEY_DIR:
	case KEY_INSIDE:
	case KEY_LANG:
	case KEY_USER:
	case KEY_ACCESS_LOG:
		return strcmp(fa, fb) == 0;
	case KEY_DEFAULT:
		return 1;   /* no field: cfg->default_host */
	case KEY_REDIRECT:
	case KEY_TYPES:
	case KEY_FINGERPRINTS:
		return 1;   /* a location's: never asked (ON_RELOAD) */
	}
	return 0;
}

int
config_restart_needed(const struct config *old, const struct config *new,
    char *what, size_t size)
{
	size_t i, len;
	int n = 0;

	what[0] = '\0';
	for (i = 0; i < CONFIG_NKEYS; i++) {
		/* A host's key is never ON_RESTART: its offset is not into
		 * struct config. */
		if (config_keys[i].apply != ON_RESTART ||
		    config_keys[i].scope != SERVER_WIDE ||
		    same_value(&config_keys[i], old, new))
			continue;
		n++;
		len = strlen(what);
		snprintf(what + len, size - len, "%s[%s] %s",
		    len > 0 ? ", " : "", config_keys[i].section,
		    config_keys[i].name);
	}
	return n;
}
