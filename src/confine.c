/*
 * confine.c - the sandbox's rules drawn from the config, the privilege
 * drop, and what the start-up log says of both (see confine.h).
 */
#include "confine.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* The directory part of path ("." for a bare name), into out. */
static const char *
dir_of(const char *path, char *out, size_t outsize)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL)
		return ".";
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= outsize)
		len = outsize - 1;
	memcpy(out, path, len);
	out[len] = '\0';
	return out;
}

/* Adds dir to the rules unless it is there already. */
static void
add_read_dir(struct sandbox_rules *rules, const char *dir)
{
	int i;

	for (i = 0; i < rules->nread_dirs; i++)
		if (strcmp(rules->read_dirs[i], dir) == 0)
			return;
	if (rules->nread_dirs < SANDBOX_MAX_READ_DIRS)
		rules->read_dirs[rules->nread_dirs++] = dir;
}

struct sandbox *
confine_prepare(const struct config *cfg)
{
	/* Borrowed by the rules until sandbox_confine: static. */
	static char dirs[2 * CONFIG_MAX_HOSTS + 3][PATH_MAX];
	struct sandbox_rules rules = { .nread_dirs = 0 };
	struct sandbox *sb;
	char err[512];
	int i, n = 0;

	add_read_dir(&rules, dir_of(cfg->path, dirs[n], sizeof(dirs[n])));
	n++;
	for (i = 0; i < cfg->nhosts; i++) {
		const struct config_host *host = &cfg->hosts[i];

		add_read_dir(&rules, host->root);
		add_read_dir(&rules, dir_of(host->cert, dirs[n],
		    sizeof(dirs[n])));
		n++;
		add_read_dir(&rules, dir_of(host->key, dirs[n],
		    sizeof(dirs[n])));
		n++;
	}
	/* The ticket key file, read again at every reload. */
	if (cfg->ticket_keys[0] != '\0') {
		add_read_dir(&rules, dir_of(cfg->ticket_keys, dirs[n],
		    sizeof(dirs[n])));
		n++;
	}
	if (cfg->access_log[0] == '/')
		rules.write_dir = dir_of(cfg->access_log, dirs[n],
		    sizeof(dirs[n]));
	if ((sb = sandbox_prepare(&rules, err, sizeof(err))) == NULL)
		log_error("%s", err);
	return sb;
}

/*
 * A reload reads the config, certificates and keys again as the service
 * user: say at start, not at the first SIGHUP, when it will not be able to.
 * Asked once the user is that user, so access(2) answers for it.
 * A config it cannot read is a warning: every reload would be refused,
 * and the file holds no secret, so the operator can let the user read it.
 * Keys it cannot read are a warning for a user of kizuna's own (give them
 * to it), but only a fact for nobody: other daemons run as nobody, so a
 * key stays root's on purpose (kizuna makes it so, main.c), and a warning
 * at every start would ask the operator to undo that.
 */
static void
warn_unreadable(const struct config *cfg)
{
	int i;

	if (access(cfg->path, R_OK) == -1)
		log_warn("%s: not readable by user %s (%s): a reload (SIGHUP) "
		    "will be refused until it is", cfg->path, cfg->user,
		    strerror(errno));
	/* Unlike a key kept root's on purpose, the ticket keys must be
	 * read again for a reload to take any change at all. */
	if (cfg->ticket_keys[0] != '\0' && access(cfg->ticket_keys, R_OK) == -1)
		log_warn("%s: not readable by user %s (%s): a reload (SIGHUP) "
		    "will be refused until it is (chown it to %s, mode 600)",
		    cfg->ticket_keys, cfg->user, strerror(errno), cfg->user);
	for (i = 0; i < cfg->nhosts; i++) {
		const struct config_host *host = &cfg->hosts[i];

		if (access(host->cert, R_OK) == 0 &&
		    access(host->key, R_OK) == 0)
			continue;
		if (strcmp(cfg->user, "nobody") == 0)
			log_info("%s or %s: not readable by user nobody, as a "
			    "key should not be (other daemons run as nobody): a "
			    "reload keeps the certificate in use; restart "
			    "kizuna to serve a new one", host->cert, host->key);
		else
			log_warn("%s or %s: not readable by user %s (%s): a "
			    "reload keeps the certificate in use, and cannot "
			    "load a new one until they are", host->cert,
			    host->key, cfg->user, strerror(errno));
	}
}

int
confine_drop_privileges(const struct config *cfg)
{
	char err[512];

	switch (sandbox_drop_privileges(cfg->user, err, sizeof(err))) {
	case -1:
		log_error("%s", err);
		return -1;
	case 1:
		log_info("serving as user %s", cfg->user);
		warn_unreadable(cfg);
		break;
	default:
		break;
	}
	return 0;
}

/* Landlock and seccomp, once root is gone. */
int
confine_apply(const struct config *cfg, struct sandbox *sb)
{
	struct sandbox_report report;
	char err[512];
	int tickets = cfg->ticket_keys[0] != '\0';

	if (sandbox_confine(sb, &report, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return -1;
	}
	if (report.landlock_abi > 0 && cfg->nhosts > 1)
		log_info("landlock: ABI %d: reading only the %d capsules and "
		    "the %s directories; writing only %s; no outgoing "
		    "connections", report.landlock_abi, cfg->nhosts, tickets ?
		    "config's, certificates', keys' and ticket keys'" :
		    "config's, certificates' and keys'",
		    cfg->access_log[0] == '/' ? "the access log's "
		    "directory" : "to what is open");
	else if (report.landlock_abi > 0)
		log_info("landlock: ABI %d: reading only the capsule and the "
		    "%s directories; writing only %s; no outgoing connections",
		    report.landlock_abi, tickets ?
		    "config's, certificate's, key's and ticket keys'" :
		    "config's, certificate's and key's",
		    cfg->access_log[0] == '/' ? "the access log's directory" :
		    "to what is open");
	else
		log_warn("landlock: not available (%s): files outside the "
		    "capsule are kept out by openat2 and the user's permissions "
		    "only", report.landlock_why);
	if (report.seccomp_calls > 0)
		log_info("seccomp: %d system calls allowed; any other stops "
		    "the server", report.seccomp_calls);
	else
		log_warn("seccomp: not available (%s): serving without a "
		    "system call filter", report.seccomp_why);
	return 0;
}
