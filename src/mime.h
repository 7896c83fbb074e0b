/*
 * mime.h - the MIME type of a file: the only module that includes libmagic.
 *
 * A file's type is, in this order:
 *   1. the caller's override (a location's "types" key), when given;
 *   2. a built-in table for the extensions whose bytes libmagic cannot
 *      tell apart (any case):
 *        .gmi .gemini   text/gemini
 *        .md            text/markdown
 *        .html .htm     text/html
 *        .css           text/css
 *        .xml           text/xml (RFC 7303: the same as application/xml,
 *                       and Gemini clients show text/ types as text)
 *        .atom          application/atom+xml
 *        .rss           application/rss+xml
 *        .json          application/json
 *        .csv           text/csv
 *        .svg           image/svg+xml
 *        .txt           text/plain
 *   3. libmagic, from the content, so a PNG is image/png whatever it is
 *      called (an empty file is text/plain).
 * libmagic reads the content only for the last: for the first two it is
 * asked for the charset alone, which needs none of its database.
 * The charset is always the one libmagic found in the bytes, with US-ASCII
 * (a subset, and Gemini's default) and "binary" reported as utf-8; it is
 * added to text/ types, application/xml and the +xml types (RFC 7303), and
 * to no other: not application/json, for which RFC 8259 defines none.
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

/*
 * Loads libmagic's database. Returns NULL with err set on failure. Every
 * struct mime of the process shares one read-only mapping of the compiled
 * database (about 8 MB) when libmagic's list of files comes down to one
 * (Debian's does); otherwise each loads its own, as magic_load does. So
 * open them before confinement: the first opens the file, and the last
 * mime_close unmaps it.
 */
struct mime *mime_open(char *err, size_t errsize);
void mime_close(struct mime *m);

/*
 * Gives the shared database's pages back to the page cache, from which a
 * later libmagic reading maps them again (a few milliseconds once). For a
 * worker gone idle: thread-safe, and harmless while another thread reads
 * types. Does nothing without a shared mapping.
 */
void mime_release(void);

/* An empty cache (about 90 KiB), or NULL when out of memory. Used by one
 * thread at a time, as the struct mime it goes with. */
struct mime_cache *mime_cache_new(void);
void mime_cache_free(struct mime_cache *cache);

/*
 * Returns the MIME type, with "; charset=..." where one belongs (above), of
 * the open regular file fd, whose stat is *sb and whose name (last path
 * component) is name. override is a "type/subtype" that replaces the
 * table's and libmagic's type, or NULL; one that mime_type_is_valid
 * refuses is ignored, as NULL is. libmagic's reading of the content comes
 * from cache when it holds it (and goes into it when not); the name and
 * override are applied on every call. fd is read from its start, and its
 * offset may be left moved: send the file with pread.
 * The string is owned by m and valid until the next call on m.
 * Never NULL: an unreadable file is "application/octet-stream".
 */
const char *mime_of(struct mime *m, struct mime_cache *cache, int fd,
    const struct stat *sb, const char *name, const char *override);

/*
 * Returns 1 when type is "type/subtype", each a restricted-name of RFC
 * 6838 section 4.2 (a letter or digit, then up to 126 of letters, digits
 * and "!#$&-^_.+"), with no parameter, space or anything after; else 0
 * (NULL included). For a configuration reader to refuse what mime_of
 * would ignore. PURE: needs no struct mime.
 */
int mime_type_is_valid(const char *type);

#endif
