/*
 * sandbox.h - giving up what the serving process does not need.
 *
 * Called once start-up has done everything that needs privileges (listening
 * sockets bound, certificate and key loaded, articles read, libmagic's
 * database and the capsule root opened, the log opened) and before a single
 * request is served.
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

#endif
