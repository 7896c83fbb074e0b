/*
 * mime.h - the MIME type of a file: the only module that includes libmagic.
 *
 * The name decides only for Gemini's own extensions (.gmi, .gemini); every
 * other file is typed from its content by libmagic, so a PNG is image/png
 * whatever it is called. Text types carry the charset libmagic found, with
 * US-ASCII reported as utf-8 (it is a subset, and Gemini's default).
 *
 * A struct mime is not thread-safe (libmagic's handle is not): each worker
 * opens its own. Results are cached, in a struct mime_cache the caller
 * chooses (a worker keeps one per host, so one busy capsule does not evict
 * another's types), by (device, inode, size, mtime, ctime): a file changed
 * in place is typed again and an unchanged one never hits libmagic twice.
 */
#ifndef KIZUNA_MIME_H
#define KIZUNA_MIME_H

#include <stddef.h>
#include <sys/stat.h>

struct mime;
struct mime_cache;

/* Loads libmagic's database. Returns NULL with err set on failure. */
struct mime *mime_open(char *err, size_t errsize);
void mime_close(struct mime *m);

/* An empty cache (about 90 KiB), or NULL when out of memory. Used by one
 * thread at a time, as the struct mime it goes with. */
struct mime_cache *mime_cache_new(void);
void mime_cache_free(struct mime_cache *cache);

/*
 * Returns the MIME type, with "; charset=..." for text, of the open regular
 * file fd, whose stat is *sb and whose name (last path component) is name,
 * from cache when it holds it (and into it when not).
 * The string is owned by m and valid until the next call on m.
 * Never NULL: an unreadable file is "application/octet-stream".
 */
const char *mime_of(struct mime *m, struct mime_cache *cache, int fd,
    const struct stat *sb, const char *name);

#endif
