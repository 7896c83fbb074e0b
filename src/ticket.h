/*
 * ticket.h - the keys TLS session tickets are sealed with, held by kizuna
 * for the whole process: one set shared by every host's context and kept
 * across reloads, so a reader resumes after a SIGHUP as before it.
 *
 * Without a key file kizuna makes its own: a new random key every
 * TICKET_ROTATION_SECONDS (ticket_keys.h), the one before still opening
 * the tickets it sealed, so none is good for more than two intervals.
 * With one ([tls] ticket_keys), several instances behind a load balancer
 * share it and resume each other's sessions; the operator rotates it (a
 * new first line, then a reload), kizuna never does.
 *
 * OpenSSL is included here (ticket.c), by tls.c and by cert.h's two files
 * only. The keys are wiped when dropped and never logged.
 */
#ifndef KIZUNA_TICKET_H
#define KIZUNA_TICKET_H

#include <stddef.h>

/*
 * For tls.c, on every context it makes: tickets are sealed and opened
 * with kizuna's keys (OpenSSL's ticket key callback), and a session lives
 * as long as a key opens its tickets (two rotation intervals). Returns 0,
 * or -1 with OpenSSL's queue saying why (the cipher not available).
 */
struct ssl_ctx_st;
int ticket_ctx_setup(struct ssl_ctx_st *ssl_ctx);

/* Keys read from a file, not yet in use: ticket_use or ticket_file_free. */
struct ticket_file;

/*
 * Reads the key file at path (ticket_keys.h says how it is written), and
 * logs a warning when group or others may read it (whoever reads it can
 * open every session's ticket). Returns the keys, the caller's, or NULL
 * with err (errsize bytes) saying why as "PATH:LINE: what is wrong"
 * ("PATH: ..." when no line is at fault).
 */
struct ticket_file *ticket_file_read(const char *path, char *err,
    size_t errsize);

/* Wipes and frees f; NULL is allowed. */
void ticket_file_free(struct ticket_file *f);

/*
 * Makes f's keys the ones every context seals (the first) and opens (all)
 * tickets with from now on, and takes f (the keys it replaces are wiped).
 * NULL: kizuna's own rotating keys; when they are in use already, they
 * are kept (a reload without a file keeps the tickets readers hold).
 * Logs which keys are in use when that changes (never the keys). Safe
 * while workers handshake.
 */
void ticket_use(struct ticket_file *f);

#endif
