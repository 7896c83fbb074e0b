/*
 * server.h - workers, and the signals that stop them.
 *
 * One event loop (thread) per worker, each with its own SO_REUSEPORT
 * listener per address, so the kernel spreads connections across workers
 * with no shared accept lock and no cross-thread hand-off. (Under socket
 * activation they share the manager's sockets instead; EPOLLEXCLUSIVE
 * wakes one of them per new connection, not all.) Workers share only
 * read-only state (config, TLS context) and one atomic connection count
 * (for max_connections); each has its own capsule and MIME cache.
 *
 * Two phases, so that main reads as the whole start-up sequence and can
 * give up root between them (confine.h):
 *
 *   port = inherited > 0 ? listen_inherited(inherited, ...) : [server] port
 *   site = site_new(cfg, port, NULL, ...);
 *   server_block_signals(); signal(SIGPIPE, SIG_IGN);
 *   srv = server_prepare(site, inherited);   as root, no thread yet
 *   ... drop root, confine ...
 *   server_serve(srv);                       until SIGTERM or SIGINT
 *   server_free(srv);
 */
#ifndef KIZUNA_SERVER_H
#define KIZUNA_SERVER_H

#include "site.h"

struct server;

/* Blocks the signals server_serve waits for (SIGTERM, SIGINT, SIGHUP,
 * SIGUSR1) in the calling thread, and so in every thread started from it
 * afterwards: call before any thread starts. */
void server_block_signals(void);

/*
 * Everything that needs root, and nothing that starts a thread: binds
 * every address of the site's config, one SO_REUSEPORT listener per
 * worker and address, refusing a port another process holds (or uses
 * the inherited sockets, below); raises the open-files limit towards
 * max_connections; makes the per-address table (max_per_ip, rate_limit)
 * and each worker's event loop and capsule (libmagic); and sets up the
 * live-update watch on the articles folder (inotify, which the seccomp
 * filter refuses later; none when it cannot: articles then change on
 * reload only).
 *
 * inherited > 0 is socket activation (systemd_listen_fds): that many
 * listening sockets from SYSTEMD_LISTEN_FDS_START on, which the caller
 * has adopted (listen_inherited), replace the config's addresses and
 * port; every worker watches each of them (EV_EXCLUSIVE) through a copy
 * of its own, and they stay open, the caller's, after server_free. The
 * sites it builds on reload keep site's port (site_new).
 *
 * Takes its own holds on site (site_hold): the caller may let go of its
 * one whenever it likes. Returns the server, to be freed with
 * server_free, or NULL (logged) when it cannot serve.
 */
struct server *server_prepare(struct site *site, int inherited);

/*
 * Logs where it listens, starts the workers and the live-update thread,
 * tells the service manager (systemd_notify) READY=1, and serves until
 * SIGTERM or SIGINT: then says STOPPING=1, stops accepting, lets responses
 * in flight finish for at most `timeout` seconds, and returns once every
 * thread it started is joined. Meanwhile SIGHUP reloads (the config file,
 * certificate, key and articles, into a new site: see site.h; RELOADING=1
 * and READY=1 around it) and SIGUSR1 reopens the access log.
 *
 * The caller must have blocked those signals before any thread started
 * (server_block_signals), ignored SIGPIPE (a client that resets
 * mid-response must not kill the server), and done whatever must precede
 * serving: the privilege drop and confinement, which every thread started
 * here inherits. Call once per server_prepare.
 * Returns 0 after a clean stop, -1 (logged) when a worker could not start
 * (those that did are stopped and joined).
 */
int server_serve(struct server *srv);

/*
 * Closes what server_prepare opened (of inherited sockets, only the
 * workers' copies) and lets go of the server's holds on its sites. Call
 * after server_serve returned, or instead of it; no thread of the server
 * runs then. NULL is a no-op.
 */
void server_free(struct server *srv);

#endif
