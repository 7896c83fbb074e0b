/*
 * systemd.c - readiness notification and socket activation, without
 * libsystemd. The wire formats are sd_notify(3) and sd_listen_fds(3).
 */
#define _GNU_SOURCE
#include "systemd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* The connected notification socket, or -1. Process-wide, as the variable
 * it comes from is; written once before any thread starts. */
static int notify_fd = -1;
/* A message was dropped (the manager's queue was full) and that was
 * logged: said once, not per message. Only the signal thread notifies. */
static int notify_dropped_said;

/*
 * NOTIFY_SOCKET = "/" path | "@" abstract-name
 * (systemd also knows "vsock:CID:PORT", for virtual machines; a Gemini
 * server inside one has its own manager, so it is refused, not guessed at.)
 */
static int
notify_address(const char *value, struct sockaddr_un *sun, socklen_t *len,
    char *err, size_t errsize)
{
	size_t n = strlen(value);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((value[0] != '/' && value[0] != '@') || n < 2) {
		snprintf(err, errsize, "NOTIFY_SOCKET=%s: not a socket path "
		    "or @abstract name", value);
		return -1;
	}
	if (n >= sizeof(sun->sun_path)) {
		snprintf(err, errsize, "NOTIFY_SOCKET: longer than %zu bytes",
		    sizeof(sun->sun_path) - 1);
		return -1;
	}
	memcpy(sun->sun_path, value, n);
	/* An abstract name starts with a NUL and is not NUL-terminated:
	 * its length is all the kernel has to go by. */
	if (value[0] == '@')
		sun->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	return 0;
}

int
systemd_notify_open(char *err, size_t errsize)
{
	struct sockaddr_un sun;
	socklen_t len;
	const char *env = getenv("NOTIFY_SOCKET");
	char value[sizeof(sun.sun_path) + 1];
	int fd;

	if (env == NULL || *env == '\0') {
		unsetenv("NOTIFY_SOCKET");
		return 0;
	}
	snprintf(value, sizeof(value), "%s", env);
	unsetenv("NOTIFY_SOCKET");
	if (notify_address(value, &sun, &len, err, errsize) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errsize, "notification socket: %s",
		    strerror(errno));
		return -1;
	}
	/* Connected now, while the path can still be reached: later sends
	 * need neither the file system nor a socket(2) the sandbox may deny. */
	if (connect(fd, (struct sockaddr *)&sun, len) == -1) {
		snprintf(err, errsize, "NOTIFY_SOCKET=%s: %s", value,
		    strerror(errno));
		close(fd);
		return -1;
	}
	systemd_notify_close();
	notify_fd = fd;
	return 1;
}

int
systemd_notify(const char *msg)
{
	size_t len = strlen(msg);
	ssize_t n;

	if (notify_fd == -1)
		return 0;
	/* Never wait for the manager: the thread that notifies is the one
	 * that handles SIGHUP and SIGUSR1, and a manager (or a reader of the
	 * socket) that leaves its queue full would freeze it (issue 15). */
	do
		n = send(notify_fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		if (!notify_dropped_said)
			log_warn("the service manager's notification queue is "
			    "full: \"%.*s\" was dropped, and later messages may "
			    "be (said once)", (int)strcspn(msg, "\n"), msg);
		notify_dropped_said = 1;
		errno = EAGAIN;
		return -1;
	}
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;   /* a datagram is whole or nothing */
		return -1;
	}
	return 0;
}

int
systemd_notify_reloading(void)
{
	struct timespec ts;
	char msg[64];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	return systemd_notify(msg);
}

void
systemd_notify_close(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}

/* A whole decimal number in [0, max], as the manager writes it. */
static int
parse_count(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
socket_option(int fd, int option, int *value)
{
	socklen_t len = sizeof(*value);

	return getsockopt(fd, SOL_SOCKET, option, value, &len);
}

/* One inherited descriptor: a listening TCP socket, or an error. */
static int
take_listener(int fd, char *err, size_t errsize)
{
	struct stat sb;
	int type, domain, listening, flags;

	if (fstat(fd, &sb) == -1 || !S_ISSOCK(sb.st_mode) ||
	    socket_option(fd, SO_TYPE, &type) == -1 ||
	    socket_option(fd, SO_DOMAIN, &domain) == -1 ||
	    socket_option(fd, SO_ACCEPTCONN, &listening) == -1) {
		snprintf(err, errsize, "descriptor %d from the service manager "
		    "is not a socket", fd);
		return -1;
	}
	if (type != SOCK_STREAM || (domain != AF_INET && domain != AF_INET6) ||
	    !listening) {
		snprintf(err, errsize, "descriptor %d from the service manager "
		    "is not a listening TCP socket (kizuna.socket needs "
		    "ListenStream= with an address or port)", fd);
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(err, errsize, "descriptor %d from the service manager: "
		    "%s", fd, strerror(errno));
		return -1;
	}
	return 0;
}

int
systemd_listen_fds(int max, char *err, size_t errsize)
{
	const char *pid_env = getenv("LISTEN_PID"), *fds_env = getenv("LISTEN_FDS");
	long pid = -1, n = 0;
	int i, ours;

	/* Read both before unsetting: getenv's strings die with the variable. */
	ours = parse_count(pid_env, LONG_MAX, &pid) == 0 && pid == (long)getpid();
	if (ours && parse_count(fds_env, INT_MAX - SYSTEMD_LISTEN_FDS_START,
	    &n) == -1) {
		snprintf(err, errsize, "LISTEN_FDS=%s: not a number of "
		    "descriptors", fds_env != NULL ? fds_env : "");
		ours = -1;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (ours != 1)
		return ours == -1 ? -1 : 0;   /* none, or meant for another */
	if (n > max) {
		snprintf(err, errsize, "the service manager passed %ld sockets; "
		    "kizuna listens on at most %d", n, max);
		return -1;
	}
	for (i = 0; i < (int)n; i++)
		if (take_listener(SYSTEMD_LISTEN_FDS_START + i, err,
		    errsize) == -1)
			return -1;
	return (int)n;
}

int
systemd_socket_address(int fd, char *addr, size_t addrsize, int *port)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	switch (ss.ss_family) {
	case AF_INET:
		*port = ntohs(sin->sin_port);
		return inet_ntop(AF_INET, &sin->sin_addr, addr,
		    (socklen_t)addrsize) == NULL ? -1 : 0;
	case AF_INET6:
		*port = ntohs(sin6->sin6_port);
		return inet_ntop(AF_INET6, &sin6->sin6_addr, addr,
		    (socklen_t)addrsize) == NULL ? -1 : 0;
	default:
		errno = EAFNOSUPPORT;
		return -1;
	}
}
