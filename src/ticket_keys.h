/*
 * ticket_keys.h - session ticket keys as text, and how long a key kizuna
 * made itself is used. Pure: no I/O, no OpenSSL, no clock; ticket.c reads
 * the file, holds the keys and asks these functions.
 *
 * A ticket key file ([tls] ticket_keys) holds one key a line: 160 hex
 * digits, 80 bytes, as `openssl rand -hex 80` writes them: the key's name
 * (16 bytes, sent in the clear in each ticket to find the key again), its
 * AES-256 key (32) and its HMAC-SHA256 key (32). Blank lines and lines
 * whose first non-blank is '#' are skipped. The first key seals new
 * tickets; every key opens them.
 */
#ifndef KIZUNA_TICKET_KEYS_H
#define KIZUNA_TICKET_KEYS_H

#include <stddef.h>

#define TICKET_NAME_SIZE 16
#define TICKET_AES_SIZE 32
#define TICKET_HMAC_SIZE 32
/* One key's bytes, and its digits in the file. */
#define TICKET_KEY_SIZE (TICKET_NAME_SIZE + TICKET_AES_SIZE + TICKET_HMAC_SIZE)
#define TICKET_KEY_DIGITS (2 * TICKET_KEY_SIZE)
/*
 * Keys a file may list: the one in use and a few older ones still opening
 * tickets. Every ticket opened looks at each, so the list stays short.
 */
#define TICKET_MAX_KEYS 8

/*
 * How long a key kizuna makes itself seals tickets (seconds); it opens
 * them for as long again, so no ticket outlives two intervals (and the
 * session timeout, tls.c, is two intervals too). Six hours: a reader's
 * evening resumes across it, while a key stolen from memory opens at most
 * twelve hours of past sessions (docs/SECURITY.md).
 */
#define TICKET_ROTATION_SECONDS (6 * 60 * 60)

struct ticket_key {
	unsigned char name[TICKET_NAME_SIZE];
	unsigned char aes[TICKET_AES_SIZE];
	unsigned char hmac[TICKET_HMAC_SIZE];
};

/*
 * Reads the keys in text (len bytes, not NUL-terminated, any bytes) into
 * keys (room for max, at most TICKET_MAX_KEYS are taken), in the file's
 * order. Returns how many (>= 1), or -1 with *errline set to the line at
 * fault (0 when the problem is the whole text, such as no key at all) and
 * err (errsize bytes) saying what is wrong, without the file or line
 * ("a ticket key is 160 hex digits (openssl rand -hex 80), this one has
 * 12"). Two keys with the same name are refused: a ticket names its key.
 * On error, keys may hold part of the text's keys: the caller wipes them.
 */
int ticket_keys_parse(const char *text, size_t len, struct ticket_key *keys,
    size_t max, int *errline, char *err, size_t errsize);

/* What a key kizuna made at a time may still do at another. */
enum ticket_age {
	TICKET_SEALS,      /* the current key: seals new tickets, opens them */
	TICKET_OPENS,      /* retired: opens the tickets it sealed */
	TICKET_EXPIRED,    /* opens nothing: its tickets are too old */
};

/*
 * A key made at made (seconds on a monotonic clock) seals while now is
 * within interval of made, and opens tickets until 2 * interval: a ticket
 * it sealed is then at most two intervals old. A time before made (not on
 * a monotonic clock) counts as made.
 */
enum ticket_age ticket_key_age(long long made, long long now,
    long long interval);

#endif
