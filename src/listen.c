/*
 * listen.c - listening sockets, our own or the service manager's, and the
 * options the sockets they accept inherit (see listen.h).
 */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "systemd.h"

/*
 * Refuses a port another process holds: with SO_REUSEPORT, a second server
 * of the same user would otherwise silently share its connections.
 */
static int
probe_port(int family, const struct sockaddr *sa, socklen_t len)
{
	int fd, one = 1, rc;

	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	rc = bind(fd, sa, len);
	close(fd);
	return rc;
}

static int
parse_address(const char *addr, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return AF_INET6;
	}
	return -1;
}

/*
 * Options set on a listener for the sockets it accepts, which inherit them:
 * our writes are whole records, and Nagle would only hold the last one back;
 * and the kernel queues at most one record beyond what is in flight, so a
 * slow reader's pace is seen (write deadlines, min_rate) instead of
 * megabytes vanishing into the socket buffer.
 */
int
listen_set_accepted_options(int fd)
{
	int one = 1, lowat = 16 * 1024;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
	    sizeof(lowat)) == -1)
		return -1;
	return 0;
}

int
listen_open(const char *addr, int port, int probe)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family, fd, one = 1;

	if ((family = parse_address(addr, port, &ss, &len)) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (probe && probe_port(family, (struct sockaddr *)&ss, len) == -1)
		return -1;
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* V6ONLY, so that "0.0.0.0" and "::" can both be bound. */
	if ((family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &one, sizeof(one)) == -1) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == -1 ||
	    listen_set_accepted_options(fd) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Requests must name the port the sockets listen on when they share one;
 * with several ports (1965 and a redirected one, say), [server] port still
 * decides.
 */
int
listen_inherited(int n, int port)
{
	char addr[64];
	int i, fd, fd_port, first = -1, v6only, mixed = 0;
	socklen_t len;

	log_info("socket activation: %d socket%s from the service manager; "
	    "[server] address and port are not bound", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		fd = SYSTEMD_LISTEN_FDS_START + i;
		if (systemd_socket_address(fd, addr, sizeof(addr), &fd_port) ==
		    -1 || listen_set_accepted_options(fd) == -1) {
			log_error("socket %d from the service manager: %s", fd,
			    strerror(errno));
			return -1;
		}
		log_info("listening on %s port %d (from the service manager)",
		    addr, fd_port);
		len = sizeof(v6only);
		if (strchr(addr, ':') != NULL && getsockopt(fd, IPPROTO_IPV6,
		    IPV6_V6ONLY, &v6only, &len) == 0 && !v6only)
			log_warn("%s port %d also takes IPv4, whose clients then "
			    "look like ::ffff:a.b.c.d and share one max_per_ip "
			    "count: set BindIPv6Only=ipv6-only in kizuna.socket",
			    addr, fd_port);
		if (first == -1)
			first = fd_port;
		else if (fd_port != first)
			mixed = 1;
	}
	if (mixed)
		log_info("the sockets listen on several ports: requests must "
		    "name port %d ([server] port)", port);
	return mixed ? port : first;
}
