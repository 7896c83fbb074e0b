/*
 * server.h - listeners, workers, and the signals that stop them.
 *
 * One event loop (thread) per worker, each with its own SO_REUSEPORT
 * listener per address, so the kernel spreads connections across workers
 * with no shared accept lock and no cross-thread hand-off. (Under socket
 * activation they share the manager's sockets instead; EPOLLEXCLUSIVE
 * wakes one of them per new connection, not all.) Workers share only
 * read-only state (config, TLS context) and one atomic connection count
 * (for max_connections); each has its own capsule and MIME cache.
 */
#ifndef KIZUNA_SERVER_H
#define KIZUNA_SERVER_H

#include "site.h"

/*
 * Binds every address of the site's config (one listener per worker and
 * address), starts its workers, drops privileges and confines the process,
 * and serves until SIGTERM or SIGINT. Then stops accepting, lets responses
 * in flight finish for at most `timeout` seconds, and returns.
 * Meanwhile SIGHUP reloads (the config file, certificate, key and
 * articles, into a new site: see site.h) and SIGUSR1 reopens the access
 * log. The caller must have blocked SIGTERM, SIGINT, SIGHUP and SIGUSR1 in
 * every thread (server_block_signals) and ignored SIGPIPE; it keeps its
 * hold on site until this returns.
 *
 * inherited > 0 is socket activation (systemd_listen_fds): that many
 * listening sockets from SYSTEMD_LISTEN_FDS_START on replace the config's
 * addresses and port; every worker watches each of them (EV_EXCLUSIVE),
 * and they stay open, the caller's, after the return. Requests must then
 * name the port those sockets share.
 *
 * Tells the service manager (systemd_notify) READY=1 once every worker
 * serves, RELOADING=1 and READY=1 around a reload, and STOPPING=1 when a
 * signal stops it.
 * Returns 0 after a clean stop, -1 (logged) when it could not start.
 */
int server_run(struct site *site, int inherited);

/* Blocks the signals server_run waits for; call before any thread starts. */
void server_block_signals(void);

#endif
