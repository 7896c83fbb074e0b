/*
 * listen.h - listening sockets: opened on a numeric address and port, or
 * taken from the service manager (socket activation), and the socket
 * options the connections they accept inherit.
 */
#ifndef KIZUNA_LISTEN_H
#define KIZUNA_LISTEN_H

/*
 * A non-blocking listener on addr (a numeric IPv4 or IPv6 address) and
 * port, with SO_REUSEPORT (every worker has one) and IPV6_V6ONLY (so
 * "0.0.0.0" and "::" can both be bound). With probe, a port another
 * process already holds is refused first (SO_REUSEPORT would otherwise
 * share it silently). Returns the descriptor, or -1 with errno set
 * (EINVAL: not a numeric address).
 */
int listen_open(const char *addr, int port, int probe);

/*
 * Sets on fd (a listener, or an inherited one) the options the sockets it
 * accepts inherit: TCP_NODELAY and a TCP_NOTSENT_LOWAT of 16 KiB. Returns
 * 0, or -1 with errno set.
 */
int listen_set_accepted_options(int fd);

/*
 * Socket activation: adopts the n listening sockets the service manager
 * passed (systemd_listen_fds: descriptors SYSTEMD_LISTEN_FDS_START on, which
 * stay the caller's), in place of [server] address and port. Sets the
 * accepted options on each, and logs what each listens on, with a warning
 * for an IPv6 socket that also takes IPv4. Returns the port requests must
 * name: the one the sockets share, or port ([server] port) when they listen
 * on several; or -1 (logged) when one of them cannot be used.
 */
int listen_inherited(int n, int port);

#endif
