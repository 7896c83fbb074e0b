/*
 * listen.h - listening sockets: opened on a numeric address and port, and
 * the socket options the connections they accept inherit.
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

#endif
