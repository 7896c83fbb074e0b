/*
 * sandbox.h - giving up what the serving process does not need.
 *
 * Called once start-up has done everything that needs privileges (listening
 * sockets bound, certificate and key loaded, articles read, libmagic's
 * database and the capsule root opened, the log opened) and before a single
 * request is served, in this order: drop root, then confine.
 */
#ifndef KIZUNA_SANDBOX_H
#define KIZUNA_SANDBOX_H

#include <stddef.h>

/*
 * When running as root, switches to user and its primary group for good:
 * supplementary groups dropped, then group, then user, and checked that
 * root cannot be regained. Returns 1 when it dropped, 0 when there was
 * nothing to drop (not root), or -1 with err set: then the caller must not
 * serve.
 */
int sandbox_drop_privileges(const char *user, char *err, size_t errsize);

#define SANDBOX_MAX_READ_DIRS 128

/* What the confined process may still reach on the file system. */
struct sandbox_rules {
	/* Trees it may read (files and listings): the capsule root, and the
	 * directories of the config, certificate and key, which a reload
	 * reads again. Directories, not files, so that a file replaced by a
	 * rename (as editors and certificate tools do) is still readable. */
	const char *read_dirs[SANDBOX_MAX_READ_DIRS];
	int nread_dirs;
	/* The directory where it may create and append to files: the access
	 * log's, so that the log can be reopened after rotation. Or NULL. */
	const char *write_dir;
};

/* What sandbox_confine put in place, for the start-up log. */
struct sandbox_report {
	int landlock_abi;         /* 0: Landlock is not in force */
	char landlock_why[128];   /* why not, when 0 */
	int seccomp_calls;        /* system calls allowed; 0: no filter */
	char seccomp_why[128];    /* why not, when 0 */
};

struct sandbox;

/*
 * First step, while still root: opens what rules names (as root, since the
 * service user may not be able to reach the paths) into a Landlock
 * ruleset, nothing in force yet. Returns NULL with err set on failure; a
 * kernel without Landlock is not a failure (sandbox_confine reports it).
 */
struct sandbox *sandbox_prepare(const struct sandbox_rules *rules, char *err,
    size_t errsize);
void sandbox_free(struct sandbox *sb);

/*
 * Second step, after sandbox_drop_privileges: confines the calling thread
 * and every thread it starts afterwards, for good (no_new_privs):
 *  - Landlock: file access only as the rules say; no TCP bind or connect
 *    (ABI 4+); no signals to other processes (ABI 6+).
 *  - seccomp: an allow-list of the system calls serving needs; any other
 *    one stops the process with a message naming it (SIGSYS).
 * Where the kernel lacks either, that one is skipped and report says why:
 * the caller logs a warning and serves with the rest. Returns 0, or -1
 * with err set when confinement was available but failed: then the caller
 * must not serve.
 */
int sandbox_confine(struct sandbox *sb, struct sandbox_report *report,
    char *err, size_t errsize);

#endif
