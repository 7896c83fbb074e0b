/*
 * log.c - the access log and the error log.
 */
#define _GNU_SOURCE
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "utf8.h"

/* Read by every thread; a reload may change it. */
static atomic_int current_level = LOG_LEVEL_INFO;
static int access_fd = STDERR_FILENO;   /* -1 when the access log is off */
static int access_fd_owned;
static char access_path[PATH_MAX];      /* when access_fd_owned */

/* The word each line starts with, after "kizuna: ". */
static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static int
open_access_log(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/*
 * Opens the access log at start, and gives a file it creates to owner
 * (O_EXCL tells creating from finding; a file removed in between is
 * created on the second try). An existing file keeps its owner: whoever
 * made it decided who may write it.
 */
static int
create_access_log(const char *path, uid_t owner, gid_t group)
{
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0640);
		if (fd != -1) {
			if (owner != (uid_t)-1 && fchown(fd, owner, group) == -1) {
				close(fd);
				return -1;
			}
			return fd;
		}
		if (errno != EEXIST)
			return -1;
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd != -1 || errno != ENOENT)
			return fd;
	}
	return -1;
}

int
log_init(enum log_level level, const char *access, uid_t owner,
    gid_t group)
{
	int fd;

	atomic_store(&current_level, (int)level);
	if (strcmp(access, "off") == 0) {
		log_close();
		access_fd = -1;
		return 0;
	}
	if (strcmp(access, "stderr") == 0) {
		log_close();
		access_fd = STDERR_FILENO;
		return 0;
	}
	if (strlen(access) >= sizeof(access_path) ||
	    (fd = create_access_log(access, owner, group)) == -1) {
		log_error("access log %s: %s", access, strerror(errno));
		return -1;
	}
	log_close();
	access_fd = fd;
	access_fd_owned = 1;
	strcpy(access_path, access);
	return 0;
}

void
log_set_level(enum log_level level)
{
	atomic_store(&current_level, (int)level);
}

int
log_reopen(void)
{
	int fd;

	if (!access_fd_owned)
		return 1;
	if ((fd = open_access_log(access_path)) == -1) {
		log_error("reopening the access log %s: %s (still writing to "
		    "the old file)", access_path, strerror(errno));
		return -1;
	}
	/* Onto the same descriptor number: workers writing at this moment
	 * write to the old file or the new one, never to a closed or reused
	 * descriptor. */
	if (dup3(fd, access_fd, O_CLOEXEC) == -1) {
		log_error("reopening the access log %s: %s", access_path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void
log_close(void)
{
	if (access_fd_owned)
		close(access_fd);
	access_fd = STDERR_FILENO;
	access_fd_owned = 0;
}

/* Writes a whole line, retrying short writes; a log is never fatal. */
static void
write_line(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Appends s to out[pos..size - 1) with control characters (C0, DEL, C1),
 * bytes that are not UTF-8, and '\\' itself written as \xHH: messages
 * carry file names, config values and clients' strings, and none of them
 * may end a line (forging the next one), speak to the terminal reading
 * the log, or pass for an escape. kizuna's own text has none of these, so
 * escaping the whole message leaves it as written. Stops before a
 * character that does not fit; returns the new length.
 */
static size_t
append_printable(char *out, size_t pos, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s), i, n, k;

	for (i = 0; i < len; i += n) {
		n = utf8_char_length(s + i, len - i);
		if (n > 0 && !utf8_is_control(s + i, n) && s[i] != '\\') {
			if (pos + n >= size)
				break;
			memcpy(out + pos, s + i, n);
			pos += n;
			continue;
		}
		n = n == 0 ? 1 : n;   /* a stray byte goes alone */
		if (pos + 4 * n >= size)
			break;
		for (k = 0; k < n; k++) {
			unsigned char c = (unsigned char)s[i + k];

			out[pos++] = '\\';
			out[pos++] = 'x';
			out[pos++] = hex[c >> 4];
			out[pos++] = hex[c & 0xf];
		}
	}
	return pos;
}

static void
log_message(enum log_level level, const char *fmt, va_list ap)
{
	char message[2048], line[2048];
	size_t pos;

	if ((int)level > atomic_load(&current_level))
		return;
	/* A message too long is cut, as vsnprintf cuts it. */
	if (vsnprintf(message, sizeof(message), fmt, ap) < 0)
		message[0] = '\0';
	pos = (size_t)snprintf(line, sizeof(line), "kizuna: %s: ",
	    level_names[level]);
	pos = append_printable(line, pos, sizeof(line) - 1, message);
	line[pos++] = '\n';
	write_line(STDERR_FILENO, line, pos);
}

#define LOG_FUNCTION(name, level)                    \
	void name(const char *fmt, ...)              \
	{                                            \
		va_list ap;                          \
		va_start(ap, fmt);                   \
		log_message(level, fmt, ap);         \
		va_end(ap);                          \
	}

LOG_FUNCTION(log_error, LOG_LEVEL_ERROR)
LOG_FUNCTION(log_warn, LOG_LEVEL_WARN)
LOG_FUNCTION(log_info, LOG_LEVEL_INFO)
LOG_FUNCTION(log_debug, LOG_LEVEL_DEBUG)

/*
 * Appends s[0..len) to out, quoted, with anything that could confuse a
 * reader of the log (controls, '"', '\', non-ASCII) as \xHH. Returns the
 * new length; stops (and never overflows) when out is full.
 */
static size_t
append_escaped(char *out, size_t pos, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && pos + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
			out[pos++] = '\\';
			out[pos++] = 'x';
			out[pos++] = hex[c >> 4];
			out[pos++] = hex[c & 0xf];
		} else
			out[pos++] = (char)c;
	}
	return pos;
}

/*
 * The TLS field: whether the session was resumed, so that an operator
 * sees resumption work (Lagrange's, say) without a packet capture.
 */
static const char *
tls_field(enum log_tls tls)
{
	switch (tls) {
	case LOG_TLS_NONE:
		return "-";
	case LOG_TLS_NEW:
		return "new";
	case LOG_TLS_RESUMED:
		return "resumed";
	}
	return "-";
}

void
log_access(const struct log_access *e)
{
	/* A URL is at most 1024 bytes, 4 bytes each once escaped. */
	char line[4096 + 1024];
	char when[32];
	struct tm tm;
	time_t now;
	size_t pos;
	int n;

	if (access_fd == -1)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	n = snprintf(line, sizeof(line), "%s %s %s %s ", when, e->address,
	    e->host != NULL ? e->host : "-",
	    e->certificate != NULL ? e->certificate : "-");
	pos = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	if (e->url != NULL) {
		line[pos++] = '"';
		pos = append_escaped(line, pos, sizeof(line), e->url,
		    e->url_len);
		line[pos++] = '"';
	} else
		line[pos++] = '-';
	if (e->status > 0)
		n = snprintf(line + pos, sizeof(line) - pos, " %d %llu %lldms %s",
		    e->status, e->bytes, e->ms, tls_field(e->tls));
	else
		n = snprintf(line + pos, sizeof(line) - pos, " - %llu %lldms %s",
		    e->bytes, e->ms, tls_field(e->tls));
	pos += (size_t)n;
	if (e->reason != NULL) {
		line[pos++] = ' ';
		line[pos++] = '"';
		pos = append_escaped(line, pos, sizeof(line) - 2, e->reason,
		    strlen(e->reason));
		line[pos++] = '"';
	}
	line[pos++] = '\n';
	write_line(access_fd, line, pos);
}

void
log_format_address(const struct sockaddr *sa, char *out, size_t outsize)
{
	const void *addr = NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (addr == NULL || inet_ntop(sa->sa_family, addr, out,
	    (socklen_t)outsize) == NULL)
		snprintf(out, outsize, "-");
}
