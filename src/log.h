/*
 * log.h - the access log and the error log.
 *
 * Error and start-up messages go to stderr as "kizuna: LEVEL: message"
 * (journald adds the time), one line each: the message is escaped as a
 * whole, control characters (C0, DEL, C1), bytes that are not UTF-8 and
 * backslashes written as \xHH, so the file names, config values and
 * client strings messages carry can neither forge a line nor send a
 * terminal an escape. Callers pass outside strings to "%s" as they are.
 * The access log gets one line per connection:
 *
 *   TIME ADDRESS HOST CERT "URL" STATUS BYTES MSms TLS ["REASON"]
 *
 * TIME is ISO 8601 UTC; HOST the host the connection was made for ("-"
 * before a handshake); CERT the client certificate's SHA-256 fingerprint
 * ("-" when none, or with log_ip = off); URL is the request line as
 * received ("-" when none arrived); STATUS is the Gemini status sent ("-" when none was); BYTES is
 * everything written (header and body); TLS is "new" for a full
 * handshake, "resumed" for a resumed session, "-" when no handshake
 * completed (last but REASON, so that the fields before it keep their
 * places for existing parsers); REASON says why a connection ended
 * without a normal response. Control characters, quotes, backslashes and
 * bytes above 0x7e in URL and REASON are written as \xHH, so a request can
 * neither forge a log line nor smuggle terminal escapes.
 *
 * Each line is written with one write(2), so lines from several worker
 * threads never interleave.
 */
#ifndef KIZUNA_LOG_H
#define KIZUNA_LOG_H

#include <stddef.h>
#include <sys/types.h>

/* How much goes to stderr: a level includes those above it. [log] level
 * names one; config.c maps the key's words to it. */
enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/*
 * Sets the level and opens the access log ("stderr", "off" or a path,
 * opened for appending). A file it creates (mode 0640) is given to
 * owner:group at once, so that the user kizuna serves as after dropping
 * root can reopen it (log_reopen); (uid_t)-1 leaves it as created. A file
 * that was there keeps its owner. Returns 0, or -1 with the reason logged.
 */
int log_init(enum log_level level, const char *access, uid_t owner,
    gid_t group);

/* Closes the access log file, if one is open. */
void log_close(void);

/* Sets the level of messages written to stderr (any thread). */
void log_set_level(enum log_level level);

/*
 * Opens the access log file again by its path, for logrotate (SIGUSR1):
 * the old file is closed once the new one is in place. Returns 0, 1 when
 * the access log is not a file (nothing to do), or -1 (logged: the old
 * file is kept).
 */
int log_reopen(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* How a connection's TLS session began, for the access log's TLS field. */
enum log_tls {
	LOG_TLS_NONE,         /* "-": no handshake completed */
	LOG_TLS_NEW,          /* "new": a full handshake */
	LOG_TLS_RESUMED,      /* "resumed": an earlier session resumed */
};

/* One finished connection, as the access log records it. */
struct log_access {
	const char *address;  /* client address, printable */
	const char *host;     /* the host the connection was made for (SNI),
	                         or NULL before the handshake completed */
	const char *certificate; /* the client certificate's SHA-256
	                         fingerprint, or NULL when it sent none */
	const char *url;      /* request line bytes, or NULL when none came */
	size_t url_len;
	int status;           /* 10..62, or 0 when no header was sent */
	unsigned long long bytes;
	long long ms;         /* from accept to close */
	enum log_tls tls;
	const char *reason;   /* NULL for a normal response */
};

void log_access(const struct log_access *entry);

struct sockaddr;

/*
 * The client's address as the access log gives it, into out (outsize
 * bytes, 46 hold any IPv6 address): "-" for sa NULL (log_ip = off) or an
 * address that is not IPv4 or IPv6.
 */
void log_format_address(const struct sockaddr *sa, char *out,
    size_t outsize);

#endif
