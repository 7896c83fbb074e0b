/*
 * preflight.h - kizuna -t: what would stop a start, or break a reload
 * later, found before it.
 *
 * A valid config file can still name things a start trips over: a
 * certificate for another name, or expired, or not the key's; a user that
 * does not exist; a port the process cannot bind. -t says so, with the
 * file (and line, where one names it) and how to fix it.
 */
#ifndef KIZUNA_PREFLIGHT_H
#define KIZUNA_PREFLIGHT_H

#include "config.h"

/*
 * Checks, for cfg as loaded (config_load):
 *  - every host's certificate and key, when they exist: they load, the
 *    certificate covers the host's name and aliases, is valid now and
 *    matches the key, its chain in order (cert_check); one expiring within
 *    30 days is a warning. When neither exists, start will create them
 *    (said); when only one does, an error;
 *  - [tls] ticket_keys, when set: readable and well formed (a warning
 *    when group or others may read it);
 *  - [server] user exists and is not root;
 *  - every [server] address and port can be bound by this process (the
 *    one that would start kizuna), unless the service manager hands the
 *    sockets over (LISTEN_FDS in the environment): else what to do
 *    (start as root, CAP_NET_BIND_SERVICE, or kizuna.socket);
 *  - the access log's folder is writable by the user kizuna serves as,
 *    without which SIGUSR1 cannot reopen the log after rotation (a
 *    warning: serving works).
 * Logs each finding. Returns 0 when a start would go ahead, -1 when not.
 */
int preflight_check(const struct config *cfg);

#endif
