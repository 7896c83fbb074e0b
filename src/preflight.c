/*
 * preflight.c - kizuna -t's checks beyond the config file's syntax.
 */
#define _GNU_SOURCE
#include "preflight.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "log.h"
#include "ticket.h"
#include "tls.h"

/* "FILE:LINE" for a key set on that line, "FILE" for a default. */
static const char *
where(const struct config *cfg, int line, char *buf, size_t size)
{
	if (line > 0)
		snprintf(buf, size, "%s:%d", cfg->path, line);
	else
		snprintf(buf, size, "%s", cfg->path);
	return buf;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* One host's certificate and key. Returns 0 or -1 (logged). */
static int
check_host(const struct config_host *host)
{
	const char *aliases[CONFIG_MAX_ALIASES];
	struct cert_names names = { host->name, aliases,
	    (size_t)host->naliases };
	struct cert_status st;
	struct tls_ctx *tls;
	char err[1024], fp[TLS_FINGERPRINT_SIZE];
	int have_cert = exists(host->cert), have_key = exists(host->key);
	int i;

	if (have_cert != have_key) {
		log_error("host \"%s\": %s exists but %s does not: kizuna "
		    "makes both or uses both", host->name, have_cert ?
		    host->cert : host->key, have_cert ? host->key : host->cert);
		return -1;
	}
	if (!have_cert) {
		log_info("no certificate yet: one will be created for %s at "
		    "start", host->name);
		return 0;
	}
	/* The check first, as start-up does (site.h): it names the host and
	 * the fix; loading then catches what only OpenSSL sees. */
	for (i = 0; i < host->naliases; i++)
		aliases[i] = host->aliases[i];
	if (cert_check(host->cert, host->key, &names, time(NULL), &st, err,
	    sizeof(err)) == -1) {
		log_error("%s", err);
		return -1;
	}
	if ((tls = tls_ctx_new(host->cert, host->key, host->name, fp, err,
	    sizeof(err))) == NULL) {
		log_error("%s", err);
		return -1;
	}
	tls_ctx_free(tls);
	if (st.warning[0] != '\0')
		log_warn("%s", st.warning);
	log_info("certificate %s: SHA-256 fingerprint %s", host->cert, fp);
	return 0;
}

/* [tls] ticket_keys, read as start reads it. Returns 0 or -1 (logged). */
static int
check_ticket_keys(const struct config *cfg)
{
	struct ticket_file *f;
	char err[1024];

	if (cfg->ticket_keys[0] == '\0')
		return 0;
	if ((f = ticket_file_read(cfg->ticket_keys, err, sizeof(err))) ==
	    NULL) {
		log_error("%s", err);
		return -1;
	}
	ticket_file_free(f);
	log_info("session ticket keys %s: readable and well formed",
	    cfg->ticket_keys);
	return 0;
}

/* [server] user: the privilege drop's, found now. Returns 0 or -1. */
static int
check_user(const struct config *cfg, const struct passwd **out)
{
	const struct passwd *pw;
	char at[PATH_MAX + 16];

	errno = 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		log_error("%s: [server] user: no user %s on this system%s: "
		    "create it (useradd --system %s) or name another",
		    where(cfg, cfg->user_line, at, sizeof(at)), cfg->user,
		    cfg->user_line > 0 ? "" : " (the default)", cfg->user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_error("%s: [server] user: %s is root: kizuna does not serve "
		    "as root; name an unprivileged user",
		    where(cfg, cfg->user_line, at, sizeof(at)), cfg->user);
		return -1;
	}
	*out = pw;
	return 0;
}

/*
 * Binds (without listening: a running kizuna keeps every connection) a
 * socket to addr and port, as the start will. SO_REUSEPORT, as the
 * workers' listeners have it, so a kizuna already serving there (same
 * user) is not mistaken for another server. Returns 0, or -1 with errno.
 */
static int
try_bind(const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, e;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr,
	    &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in6);
	} else {
		errno = EINVAL;
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

/* The inode of a socket listening on port, from /proc/net/tcp{,6}, or 0. */
static unsigned long
listening_inode(int port, int v6)
{
	char line[512];
	unsigned long inode = 0, ino;
	unsigned int lport, state;
	FILE *f = fopen(v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "re");

	if (f == NULL)
		return 0;
	while (inode == 0 && fgets(line, sizeof(line), f) != NULL)
		/* sl local:port remote:port st tx:rx tr:when retr uid tmo inode */
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x "
		    "%*x:%*x %*x:%*x %*x %*u %*u %lu", &lport, &state,
		    &ino) == 3 && (int)lport == port && state == 0x0A)
			inode = ino;
	fclose(f);
	return inode;
}

/*
 * Who holds a listening socket (by its inode): the name of the first
 * process found with it open, into name; "" when none can be seen (not
 * root, say). Returns that process's pid, or 0.
 */
static long
socket_holder(unsigned long inode, char *name, size_t size)
{
	char path[300], link[64], want[48];
	struct dirent *p, *fd;
	DIR *procs, *fds;
	long pid = 0;
	FILE *f;

	name[0] = '\0';
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if (inode == 0 || (procs = opendir("/proc")) == NULL)
		return 0;
	while (pid == 0 && (p = readdir(procs)) != NULL) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while (pid == 0 && (fd = readdir(fds)) != NULL) {
			ssize_t n;
			char fdpath[600];

			snprintf(fdpath, sizeof(fdpath), "%s/%s", path,
			    fd->d_name);
			n = readlink(fdpath, link, sizeof(link) - 1);
			if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
				pid = strtol(p->d_name, NULL, 10);
		}
		closedir(fds);
	}
	closedir(procs);
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (pid != 0 && (f = fopen(path, "re")) != NULL) {
		if (fgets(name, (int)size, f) != NULL)
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
	}
	return pid;
}

/*
 * A port in use: fine when a kizuna serves there already or the service
 * manager holds it (kizuna.socket: the start then gets that socket); any
 * other program would make the start fail. Returns 0 or -1 (logged).
 */
static int
check_port_in_use(const char *at, const char *addr, int port)
{
	char name[64];
	long pid = socket_holder(listening_inode(port, strchr(addr, ':') !=
	    NULL), name, sizeof(name));

	if (pid == 1 || strcmp(name, "kizuna") == 0) {
		log_info("port %d on %s: held by %s (pid %ld): %s", port, addr,
		    name, pid, pid == 1 ? "socket activation (kizuna.socket) "
		    "hands it over at start" : "a kizuna serving already");
		return 0;
	}
	if (pid == 0) {
		log_warn("%s: [server] port: port %d on %s is in use, by a "
		    "program this user cannot see: unless it is kizuna.socket "
		    "or a kizuna serving already, a start fails", at, port,
		    addr);
		return 0;
	}
	log_error("%s: [server] port: port %d on %s is in use by %s (pid "
	    "%ld): stop it or choose another port", at, port, addr, name, pid);
	return -1;
}

/* Every address and port. Returns 0 or -1 (logged). */
static int
check_listeners(const struct config *cfg)
{
	char at[PATH_MAX + 16];
	int i, rc = 0;

	/* Socket activation: the manager binds, whatever the port. */
	if (getenv("LISTEN_FDS") != NULL)
		return 0;
	where(cfg, cfg->port_line, at, sizeof(at));
	for (i = 0; i < cfg->naddresses; i++) {
		if (try_bind(cfg->addresses[i], cfg->port) == 0)
			continue;
		if (errno == EACCES)
			log_error("%s: [server] port: port %d on %s cannot be "
			    "bound by this user (ports below 1024 are "
			    "privileged): start kizuna as root (it binds, "
			    "then serves as [server] user), give it "
			    "CAP_NET_BIND_SERVICE, or let kizuna.socket bind "
			    "it (socket activation)", at, cfg->port,
			    cfg->addresses[i]);
		else if (errno == EADDRINUSE) {
			if (check_port_in_use(at, cfg->addresses[i],
			    cfg->port) == 0)
				continue;
		} else
			log_error("%s: [server] address: cannot bind %s port "
			    "%d: %s", cfg->path, cfg->addresses[i], cfg->port,
			    strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Whether the user pw may create files in dir, by its mode bits. */
static int
user_may_write(const struct passwd *pw, const char *dir)
{
	gid_t groups[256];
	int ngroups = 256, i;
	struct stat sb;

	if (stat(dir, &sb) == -1)
		return 0;
	if (pw->pw_uid == 0 || sb.st_uid == pw->pw_uid)
		return (sb.st_mode & S_IWUSR) && (sb.st_mode & S_IXUSR);
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) == -1)
		ngroups = 0;
	for (i = 0; i < ngroups; i++)
		if (groups[i] == sb.st_gid)
			return (sb.st_mode & S_IWGRP) && (sb.st_mode & S_IXGRP);
	return (sb.st_mode & S_IWOTH) && (sb.st_mode & S_IXOTH);
}

/* The access log's folder, for SIGUSR1. A warning only. */
static void
check_log_folder(const struct config *cfg, const struct passwd *pw)
{
	char dir[PATH_MAX], at[PATH_MAX + 16];
	const char *slash;

	if (cfg->access_log[0] != '/')
		return;   /* stderr or off */
	slash = strrchr(cfg->access_log, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash == cfg->access_log ? 1 :
	    (int)(slash - cfg->access_log), cfg->access_log);
	/* Started by someone else than root, kizuna serves as that user. */
	if (geteuid() != 0) {
		if (access(dir, W_OK | X_OK) == 0)
			return;
	} else if (user_may_write(pw, dir))
		return;
	log_warn("%s: [log] access: user %s cannot create files in %s: "
	    "SIGUSR1 could not reopen the log after rotation (give the "
	    "folder to %s, or use the unit's LogsDirectory)",
	    where(cfg, cfg->access_line, at, sizeof(at)),
	    geteuid() != 0 ? "this" : pw->pw_name, dir,
	    geteuid() != 0 ? "this user" : pw->pw_name);
}

int
preflight_check(const struct config *cfg)
{
	const struct passwd *pw = NULL;
	int i, rc = 0;

	for (i = 0; i < cfg->nhosts; i++)
		if (check_host(&cfg->hosts[i]) == -1)
			rc = -1;
	if (check_ticket_keys(cfg) == -1)
		rc = -1;
	if (check_user(cfg, &pw) == -1)
		rc = -1;
	if (check_listeners(cfg) == -1)
		rc = -1;
	if (pw != NULL)
		check_log_folder(cfg, pw);
	return rc;
}
