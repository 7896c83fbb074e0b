/*
 * confine.h - kizuna's confinement as its configuration sets it: what the
 * sandbox (sandbox.h) leaves reachable, the drop to the service user, and
 * the start-up log lines that say what is in force.
 *
 * A module of its own, neither sandbox.c nor main.c: sandbox.c is the
 * mechanism (Landlock, seccomp, setuid), which knows neither the config
 * nor the log and is tested alone; main.c keeps the start-up sequence in
 * one short function (and kizuna convert), and these steps, with their
 * messages, would take it past 500 lines.
 *
 * Called by main once everything that needs root is done (the key loaded,
 * the articles read, the log open, then server_prepare: the listeners
 * bound, the capsule root and libmagic open) and before any thread starts
 * (server_serve), in this order: confine_prepare, confine_drop_privileges,
 * confine_apply.
 */
#ifndef KIZUNA_CONFINE_H
#define KIZUNA_CONFINE_H

#include "config.h"
#include "sandbox.h"

/*
 * Opens, while still root, what Landlock will leave reachable: reading the
 * capsule root and the directories of the config, certificate, key and
 * ticket key file (which a reload reads again); writing only in the access log's
 * directory. Returns the sandbox, the caller's (sandbox_free), or NULL
 * (logged).
 */
struct sandbox *confine_prepare(const struct config *cfg);

/*
 * Started as root: becomes [server] user for good, says "serving as user
 * ...", then warns about the config, certificate or key that user cannot
 * read (a reload would need them). Not root: nothing to do. Returns 0, or
 * -1 (logged): then the caller must not serve.
 */
int confine_drop_privileges(const struct config *cfg);

/*
 * Puts sb in force for the calling thread and every thread it starts
 * afterwards (sandbox_confine), and logs what is in force, with a warning
 * for each part the kernel lacks. Returns 0, or -1 (logged): then the
 * caller must not serve.
 */
int confine_apply(const struct config *cfg, struct sandbox *sb);

#endif
