/*
 * live.h - live updates: a thread that waits for the articles folder to
 * change (watch.h) and, once a burst of changes is over, asks for the
 * pages to be rebuilt.
 *
 * Its own thread and event loop, so a rebuild (which reads and renders
 * every article) never holds up a worker or the signal thread. Made in
 * two steps because of the sandbox: live_new before confinement (the
 * event loop and the descriptor that stops it need calls the seccomp
 * filter refuses afterwards), live_start once confined.
 */
#ifndef KIZUNA_LIVE_H
#define KIZUNA_LIVE_H

#include "watch.h"

/* Called in the live thread, once per burst of changes. */
typedef void live_rebuild(void *arg);

struct live;

/*
 * Takes w (freed by live_free, or here on failure). rebuild(arg) is
 * called after each burst (watch.h: WATCH_QUIET_MS of quiet, at most
 * WATCH_MAX_WAIT_MS after its first change). Returns NULL (logged) on
 * failure: the articles then change on reload only.
 */
struct live *live_new(struct watch *w, live_rebuild *rebuild, void *arg);

/* Starts the thread. Returns 0, or -1 (logged). */
int live_start(struct live *l);

/*
 * Stops the thread (a rebuild under way is finished first), waits for it,
 * and frees everything. NULL is a no-op.
 */
void live_free(struct live *l);

#endif
