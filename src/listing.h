/*
 * listing.h - a folder's listing as a gemtext page, for a folder without
 * index.gmi under a location with "listing = on".
 *
 * Two halves: listing.c is PURE (which names are shown, the title of a
 * gemtext file, the page); listing_read.c is the I/O (reading a folder
 * opened beneath the capsule's root). The page of /docs/ reads:
 *
 *   # /docs/
 *   => ../ ../
 *   => images/ images/
 *   => notes/ notes/
 *   => a%20b.gmi The heading of "a b.gmi" (1.2 KiB)
 *   => z.png z.png (340 B)
 *
 * that is: a "# " heading naming the folder's URL path; a link to the
 * parent folder, except at "/"; the folders, then the files, each group
 * in byte order of the names; a folder as "=> NAME/ NAME/"; a file as
 * "=> NAME LABEL (SIZE)", LABEL being its gemtext heading when it has one,
 * else its name. Every line ends with "\n"; there are no others.
 *
 * Links are relative, so the page must be served at the folder's URL with
 * its final '/' (a server redirects /docs to /docs/ first). In a link a
 * name is percent-encoded (RFC 3986 section 2.1, upper-case hex): only the
 * unreserved characters (letters, digits, "-._~"), the sub-delims and
 * '@' ("!$&'()*+,;=@", all allowed in a path segment) stay; everything
 * else is encoded, space, '%', '?', '#', '/', ':' (in the first
 * segment of a relative reference it would read as a scheme, RFC 3986
 * section 4.2), control bytes and every byte of non-ASCII UTF-8 included.
 * A label shows the name as it is.
 */
#ifndef KIZUNA_LISTING_H
#define KIZUNA_LISTING_H

#include <stddef.h>
#include <sys/types.h>

/* The most entries listing_read returns (a page of about a megabyte):
 * beyond them it refuses the folder rather than list an arbitrary part. */
#define LISTING_MAX 10000

/* How much of a gemtext file listing_read reads for its heading. */
#define LISTING_HEAD_BYTES 8192

/* One entry of a folder. */
struct listing_entry {
	char name[256];   /* the name in the folder (NUL-terminated) */
	int is_dir;       /* 1: a folder; 0: a regular file */
	off_t size;       /* a file's size in bytes; unused for a folder */
	char title[256];  /* a gemtext file's first "# " heading, or "" */
};

/*
 * PURE. Returns 1 when a folder entry called name is shown in a listing,
 * else 0: never a dotfile (".", ".." and ".git" included), an empty name,
 * or one holding '/'; nor a name that is not valid UTF-8 or that holds a
 * control character (C0, DEL, C1) or U+2028/U+2029, since its label could
 * break the line or the reader's terminal. Such a file is not listed at
 * all (it can still be served by its URL).
 */
int listing_shows(const char *name);

/*
 * PURE. Finds the title of a gemtext file from its first len bytes, text:
 * the text of its first level-1 heading ("#" and not "##", whitespace
 * after it optional: the gemtext specification), trimmed of surrounding
 * whitespace, with tabs read as spaces. Lines are split on LF (a CR before
 * it is dropped); a UTF-8 byte order mark at the start is skipped; lines
 * inside a preformatted block ("```" toggles) are not headings; an empty
 * heading is passed over. whole is 0 when text stops before the end of the
 * file: its last line, unless it ends with LF, may be cut and is ignored.
 * A heading that is not valid UTF-8 or holds another control character is
 * not a title. One longer than size - 1 bytes is cut between characters
 * and ends with "…" (so size must be at least 4).
 * Returns 1 and writes the title into title (size bytes), or returns 0
 * and writes "".
 */
int listing_title(const char *text, size_t len, int whole, char *title,
    size_t size);

/*
 * PURE. Renders the listing of the folder whose URL path (decoded, as the
 * request named it) is path, from its n entries (in any order), as the
 * page above. path must start and end with '/'. It is shown as it is when
 * it is UTF-8 without control characters, else percent-encoded. Entries
 * that listing_shows refuses are left out; so are entries whose name or
 * title has no NUL within its array. A title is used as the label when
 * it is not empty and, as a name must be to be shown, is UTF-8 without
 * control characters; else the name is. A negative size shows as 0 B.
 * Sizes are "N B" below 1 KiB, else one decimal and KiB, MiB, GiB or TiB,
 * the largest unit that keeps the figure at 1.0 or more.
 * Returns the page, NUL-terminated, with its length (NUL not counted) in
 * *len; the caller frees it. Returns NULL with errno set to EINVAL when
 * path does not start and end with '/', or ENOMEM. entries is not changed.
 */
char *listing_render(const char *path, const struct listing_entry *entries,
    size_t n, size_t *len);

/*
 * Reads the folder whose descriptor is folder (O_PATH or O_RDONLY: it is
 * neither read through, nor moved, nor closed; a descriptor of its own is
 * opened for reading) into a malloc'd array of *n entries in *entries
 * (NULL when 0), which the caller frees with free(). Only folders and
 * regular files whose names listing_shows accepts are returned: never a
 * symbolic link (fstatat without following it: one might lead outside the
 * capsule), a FIFO, a device or a socket; an entry that vanishes while it
 * is read is left out. A regular file named *.gmi or *.gemini (any case)
 * gets its title from its first LISTING_HEAD_BYTES bytes (listing_title),
 * opened only once fstatat has shown a regular file and then with
 * O_NOFOLLOW and O_NONBLOCK, and checked again once open, so a FIFO put in
 * its place cannot block; an unreadable one is listed without a title.
 * This is blocking I/O: one read per gemtext file.
 * Returns 0, or -1 with errno set: the folder cannot be read (EACCES...),
 * ENOMEM, or E2BIG when it holds more than LISTING_MAX entries to show.
 * *entries and *n are untouched on failure.
 */
int listing_read(int folder, struct listing_entry **entries, size_t *n);

#endif
