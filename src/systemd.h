/*
 * systemd.h - the two service-manager protocols kizuna speaks, in plain C
 * (no libsystemd): readiness notification and socket activation.
 *
 * Both are read from the environment once, at start-up, and the variables
 * are then unset, so that nothing started later could mistake the manager's
 * messages or sockets for its own (the behaviour sd_notify and
 * sd_listen_fds have with unset_environment).
 *
 * Notification (sd_notify(3)): NOTIFY_SOCKET names an AF_UNIX datagram
 * socket, a path or "@name" for an abstract one. The socket is opened and
 * connected by systemd_notify_open, before privileges are dropped and the
 * sandbox applied; afterwards every message is one send(2) on that
 * descriptor, so neither the file system nor a new socket is needed.
 *
 * Socket activation (sd_listen_fds(3)): when LISTEN_PID is this process,
 * LISTEN_FDS sockets are open at descriptors 3, 4, ... The server then
 * listens on them instead of binding [server] address and port, which is
 * how it can serve port 1965 (or 443) without ever holding the privilege
 * to bind it, and how connections wait in the kernel across a restart.
 */
#ifndef KIZUNA_SYSTEMD_H
#define KIZUNA_SYSTEMD_H

#include <stddef.h>

/* The first descriptor the service manager passes (SD_LISTEN_FDS_START). */
#define SYSTEMD_LISTEN_FDS_START 3

/*
 * Reads and unsets NOTIFY_SOCKET; when it is set, opens a datagram socket
 * connected to it. Returns 1 when notifications will be sent, 0 when none
 * were asked for, or -1 with err set (NOTIFY_SOCKET unusable: serving can
 * go on, but a manager waiting for READY=1 will give up on us).
 */
int systemd_notify_open(char *err, size_t errsize);

/*
 * Sends msg, newline-separated VAR=value assignments such as
 * "READY=1\nSTATUS=serving", as one datagram, without ever waiting. A
 * no-op returning 0 when systemd_notify_open opened nothing; else 0, or -1
 * with errno set: EAGAIN when the manager's queue was full and the message
 * was dropped, which is logged here, the first time only. Call it from one
 * thread (the signal thread).
 */
int systemd_notify(const char *msg);

/*
 * "RELOADING=1" with MONOTONIC_USEC set to now (CLOCK_MONOTONIC), which
 * lets the manager tell this reload from an earlier one. Send "READY=1"
 * (systemd_notify) once the reload is done or given up. Returns as
 * systemd_notify.
 */
int systemd_notify_reloading(void);

/* Closes the notification socket, if one is open. */
void systemd_notify_close(void);

/*
 * Takes the listening sockets the service manager passed, when LISTEN_PID
 * is this process, and unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES.
 * Each must be a listening TCP socket (IPv4 or IPv6); each is made
 * non-blocking and close-on-exec. They stay at descriptors
 * SYSTEMD_LISTEN_FDS_START onwards, owned by the caller.
 * Returns how many there are (0: no socket activation), or -1 with err
 * set when they cannot be used (more than max, or not listening TCP
 * sockets): then the caller must not serve.
 */
int systemd_listen_fds(int max, char *err, size_t errsize);

/*
 * The local address of socket fd, numeric ("127.0.0.1", "::"), into addr
 * (addrsize bytes; 64 is enough), and its port into *port. For logging what
 * was inherited. Returns 0, or -1 with errno set.
 */
int systemd_socket_address(int fd, char *addr, size_t addrsize, int *port);

#endif
