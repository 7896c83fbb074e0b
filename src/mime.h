/*
 * mime.h - the MIME type of a file: the only module that includes libmagic.
 *
 * The name decides only for Gemini's own extensions (.gmi, .gemini); every
 * other file is typed from its content by libmagic, so a PNG is image/png
 * whatever it is called. Text types carry the charset libmagic found, with
 * US-ASCII reported as utf-8 (it is a subset, and Gemini's default).
 *
 * A struct mime is not thread-safe (libmagic's handle is not): each worker
 * opens its own. Results are cached by (device, inode, size, mtime, ctime),
 * so a file changed in place is typed again and an unchanged one never hits
 * libmagic twice.
 */
#ifndef KIZUNA_MIME_H
#define KIZUNA_MIME_H

#include <stddef.h>
#include <sys/stat.h>

struct mime;

/* Loads libmagic's database. Returns NULL with err set on failure. */
struct mime *mime_open(char *err, size_t errsize);
void mime_close(struct mime *m);

/*
 * Returns the MIME type, with "; charset=..." for text, of the open regular
 * file fd, whose stat is *sb and whose name (last path component) is name.
 * The string is owned by m and valid until the next call on m.
 * Never NULL: an unreadable file is "application/octet-stream".
 */
const char *mime_of(struct mime *m, int fd, const struct stat *sb,
    const char *name);

#endif
