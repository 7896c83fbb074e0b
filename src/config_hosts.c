/*
 * config_hosts.c - the rules of [host "NAME"] sections: their headers,
 * names and aliases unique across hosts, one default host, and what a
 * host that does not say gets. A file without them is one host, made
 * from [server] hostname, [tls] and [capsule] (st->base).
 */
#include "config_internal.h"

#include <stdio.h>
#include <string.h>

#include "config_value.h"

/* What a missing root is, in the error that says so: the only key a
 * [host] must set (its row has no host_def). */
#define ROOT_ABOUT "the folder this capsule is served from"

int
config_hosts_owner(const struct config *cfg, const char *name)
{
	int i, a;

	for (i = 0; i < cfg->nhosts; i++) {
		if (config_value_same_name(cfg->hosts[i].name, name))
			return i;
		for (a = 0; a < cfg->hosts[i].naliases; a++)
			if (config_value_same_name(cfg->hosts[i].aliases[a],
			    name))
				return i;
	}
	return -1;
}

/* One item of aliases: a name, and no host's name or alias yet. */
int
config_hosts_alias(struct parse_state *st, const struct key *k,
    const char *section, const char *item, char *out)
{
	const struct config_host *other;
	int i;

	if (config_value_name(item, 1, out, CONFIG_NAME_MAX) == -1)
		return config_fail(st, section, k->name, "\"%s\" is not %s",
		    item, k->what);
	if ((i = config_hosts_owner(st->cfg, out)) != -1) {
		other = &st->cfg->hosts[i];
		return config_fail(st, section, k->name,
		    "\"%s\" is already a name of [host \"%s\"] (line %d)", out,
		    other->name, other->line);
	}
	return 0;
}

/* "default = on" in [host] st->host: at most one host says so. */
int
config_hosts_default(struct parse_state *st, const struct key *k,
    const char *section, const char *value)
{
	const struct config_host *other;
	int on;

	if (config_value_switch(value, &on) == -1)
		return config_fail(st, section, k->name, "\"%s\" is not %s",
		    value, k->what);
	if (!on)
		return 0;
	if (st->default_line != 0) {
		other = &st->cfg->hosts[st->cfg->default_host];
		return config_fail(st, section, k->name,
		    "[host \"%s\"] is the default already (line %d)",
		    other->name, st->default_line);
	}
	st->default_line = st->lineno;
	st->cfg->default_host = st->host;
	return 0;
}

int
config_hosts_refuse(struct parse_state *st, const struct key *k, int line)
{
	if (k->scope == HOST_NAME)
		return config_fail_line(st, line, k->section, k->name,
		    "with [host] sections, each host is named by its "
		    "section: move it into one");
	return config_fail_line(st, line, k->section, k->name,
	    "with [host] sections, each host has its own %s: move it into "
	    "its [host] section", k->name);
}

/*
 * At the first [host] header: the keys of the one host read before it
 * are refused, at the first of their lines.
 */
static int
refuse_earlier_keys(struct parse_state *st)
{
	const int *seen = st->seen[0];
	const struct key *k, *first = NULL;

	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++)
		if ((k->scope == HOST_NAME || k->scope == HOST_OWN) &&
		    seen[k - config_keys] != 0 && (first == NULL ||
		    seen[k - config_keys] < seen[first - config_keys]))
			first = k;
	if (first == NULL)
		return 0;
	return config_hosts_refuse(st, first, seen[first - config_keys]);
}

/*
 * Grammar of the text between "[" and "]":
 *   host-header = "host" *( SP / HTAB ) DQUOTE name DQUOTE
 * name as config_value_name reads it, without brackets: inih ends a
 * section at the first "]".
 */
void
config_hosts_header(struct parse_state *st, const char *text)
{
	struct config *cfg = st->cfg;
	struct config_host *h;
	char quoted[CONFIG_NAME_MAX], name[CONFIG_NAME_MAX];
	const char *p = text + strlen("host"), *end;
	int other;

	p += strspn(p, " \t");
	if (*p != '"' || (end = strchr(p + 1, '"')) == NULL ||
	    end[1] != '\0' || (size_t)(end - p - 1) >= sizeof(quoted)) {
		config_fail(st, text, NULL, "a host section is written "
		    "[host \"NAME\"], NAME a host name or IP address "
		    "(without brackets)");
		return;
	}
	memcpy(quoted, p + 1, (size_t)(end - p - 1));
	quoted[end - p - 1] = '\0';
	if (config_value_name(quoted, 0, name, sizeof(name)) == -1) {
		config_fail(st, text, NULL,
		    "\"%s\" is not a host name or IP address", quoted);
		return;
	}
	if (cfg->nhosts == CONFIG_MAX_HOSTS) {
		config_fail(st, text, NULL, "more than %d hosts",
		    CONFIG_MAX_HOSTS);
		return;
	}
	if ((other = config_hosts_owner(cfg, name)) != -1) {
		config_fail(st, text, NULL,
		    "\"%s\" is already a name of [host \"%s\"] (line %d)", name,
		    cfg->hosts[other].name, cfg->hosts[other].line);
		return;
	}
	if (!cfg->has_host_sections) {
		cfg->has_host_sections = 1;
		if (refuse_earlier_keys(st) == -1)
			return;
	}
	h = &cfg->hosts[cfg->nhosts];
	memset(h, 0, sizeof(*h));
	config_value_copy(h->name, sizeof(h->name), name);
	h->line = st->lineno;
	st->host = cfg->nhosts++;
}

/*
 * Host i of a file with [host] sections gets what it did not set: the
 * [capsule] defaults, its certificate in certs/NAME/. Its root it must
 * set.
 */
static int
finish_host(struct parse_state *st, int i)
{
	struct config_host *h = &st->cfg->hosts[i];
	const int *seen = st->seen[1 + i];
	char section[CONFIG_NAME_MAX + 8], path[PATH_MAX];
	const struct key *k;
	int n;

	snprintf(section, sizeof(section), "host \"%s\"", h->name);
	st->lineno = h->line;   /* what goes wrong here names its header */
	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++) {
		if ((k->scope != HOST_OWN && k->scope != HOST_DEFAULT) ||
		    seen[k - config_keys] != 0)
			continue;
		if (k->scope == HOST_DEFAULT) {
			memcpy(config_field(k, h), config_field(k, &st->base),
			    k->size);
			continue;
		}
		if (k->host_def == NULL)
			return config_fail(st, section, NULL, "no %s (%s)",
			    k->name, ROOT_ABOUT);
		n = snprintf(path, sizeof(path), "certs/%s/%s", h->name,
		    k->host_def);
		if (n < 0 || (size_t)n >= sizeof(path))
			return config_fail(st, section, k->name,
			    "certs/%s/%s: path too long", h->name, k->host_def);
		if (config_set_value(st, k, h, section, path) == -1)
			return -1;
	}
	return 0;
}

/* After the last line: every host complete, or the one host made. */
int
config_hosts_finish(struct parse_state *st)
{
	struct config *cfg = st->cfg;
	const struct key *k;
	int i;

	if (cfg->has_host_sections) {
		/* default_host is set by "default = on", else 0: the first */
		for (i = 0; i < cfg->nhosts; i++)
			if (finish_host(st, i) == -1)
				return -1;
		return 0;
	}
	cfg->hosts[0] = st->base;
	cfg->nhosts = 1;
	cfg->default_host = 0;
	/* A default folder must exist too; it is on no line of the file. */
	st->lineno = 0;
	for (k = config_keys; k < config_keys + CONFIG_NKEYS; k++)
		if (k->type == KEY_DIR && st->seen[0][k - config_keys] == 0 &&
		    config_check_dir(st, k, &cfg->hosts[0], k->section) == -1)
			return -1;
	return 0;
}
