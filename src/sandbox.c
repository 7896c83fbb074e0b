/*
 * sandbox.c - dropping root.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
sandbox_drop_privileges(const char *user, char *err, size_t errsize)
{
	struct passwd *pw;
	gid_t gid;
	uid_t uid;

	if (geteuid() != 0)
		return 0;   /* nothing to give up */
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errsize, "[server] user: %s: %s", user,
		    errno != 0 ? strerror(errno) : "no such user");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errsize, "[server] user: %s is root: refusing to "
		    "serve with every privilege", user);
		return -1;
	}
	/* Groups first: once the user changes, they can no longer change. */
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		snprintf(err, errsize, "cannot become %s: %s", user,
		    strerror(errno));
		return -1;
	}
	/* Trust, but verify: no way back to root. */
	if (setuid(0) != -1 || seteuid(0) != -1 || getuid() != uid ||
	    geteuid() != uid || getgid() != gid || getegid() != gid) {
		snprintf(err, errsize, "dropping to %s did not hold", user);
		return -1;
	}
	return 1;
}
