/*
 * server.h - listeners, workers, and the signals that stop them.
 *
 * One event loop (thread) per worker, each with its own SO_REUSEPORT
 * listener per address, so the kernel spreads connections across workers
 * with no shared accept lock and no cross-thread hand-off. Workers share
 * only read-only state (config, TLS context) and one atomic connection count
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
 * Returns 0 after a clean stop, -1 (logged) when it could not start.
 */
int server_run(struct site *site);

/* Blocks the signals server_run waits for; call before any thread starts. */
void server_block_signals(void);

#endif
