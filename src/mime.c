/*
 * mime.c - libmagic behind mime.h, with a per-worker cache.
 */
#define _GNU_SOURCE
#include "mime.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include <magic.h>

/* What every libmagic call asks for: "type; charset=enc". */
#define MIME_FLAGS (MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_ERROR)
/* The whole reading, minus what a Gemini server never serves typed. */
#define MIME_FLAGS_FULL (MIME_FLAGS | MAGIC_NO_CHECK_COMPRESS | \
	MAGIC_NO_CHECK_ELF)
/* The charset only (libmagic's encoding test, which reads no database):
 * for a file whose type the name or the caller already gives. */
#define MIME_FLAGS_CHARSET (MIME_FLAGS | MAGIC_NO_CHECK_COMPRESS | \
	MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_SOFT | MAGIC_NO_CHECK_APPTYPE | \
	MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TEXT | MAGIC_NO_CHECK_CSV | \
	MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_TOKENS | MAGIC_NO_CHECK_JSON)

/* The first word of a compiled database in this machine's byte order
 * (libmagic's MAGICNO): any other order libmagic would swap in place. */
#define MIME_DB_MAGIC 0xF11E041Cu

/* Direct-mapped: a collision just costs one more libmagic call. */
#define MIME_CACHE_SLOTS 512

/* libmagic reads at most this much of a file; enough for every format. */
#define MIME_BYTES_MAX (64 * 1024)

struct mime_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int used;
	int typed;       /* type holds libmagic's type, not only the
	                    charset (MIME_FLAGS_CHARSET) */
	char type[128];
};

struct mime_cache {
	struct mime_entry slots[MIME_CACHE_SLOTS];
};

struct mime {
	magic_t magic;
	char result[320];	/* a 255-byte type, "; charset=", a name */
};

/*
 * The compiled database, mapped once for every worker's handle. libmagic's
 * own magic_load maps a private copy per handle, and its first call reads
 * nearly all of it (about 8 MB): with one mapping the workers share those
 * pages, which the page cache holds anyway, and mime_release can give them
 * back to it. base is NULL when the database could not be mapped this way
 * (then each handle loads its own, as magic_load does). Under lock: users,
 * and the mapping's life; reading through base needs no lock.
 */
static struct {
	pthread_mutex_t lock;
	int users;
	void *base;
	size_t len;
} db = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * Whether path (a text magic file in libmagic's list) adds no entry: it
 * is missing, or holds only comments and blank lines, as Debian's
 * /etc/magic does. One that adds entries needs magic_load to compile it.
 */
static int
adds_nothing(const char *path)
{
	char line[512];
	FILE *f;
	int empty = 1;

	if ((f = fopen(path, "re")) == NULL)
		return 1;
	while (empty && fgets(line, sizeof(line), f) != NULL)
		empty = line[strspn(line, " \t\r\n")] == '\0' ||
		    line[strspn(line, " \t")] == '#';
	fclose(f);
	return empty;
}

/* Maps path read-only into db when it is a compiled database in this
 * machine's byte order. Returns 0, or -1 (db untouched). */
static int
map_database(const char *path)
{
	struct stat sb;
	void *p;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || sb.st_size < 8) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	if (*(const uint32_t *)p != MIME_DB_MAGIC) {
		munmap(p, (size_t)sb.st_size);
		return -1;
	}
	db.base = p;
	db.len = (size_t)sb.st_size;
	return 0;
}

/*
 * Maps the database magic_load(NULL) would load: libmagic's list of files
 * (magic_getpath: $MAGIC, else its default, "/etc/magic:/usr/share/misc/
 * magic" on Debian), where exactly one names a compiled database (FILE.mgc
 * or FILE itself when it ends in .mgc) and the others add nothing. Any
 * other list leaves db.base NULL: each handle then loads the list itself.
 */
static void
map_default_database(void)
{
	char list[4096], mgc[4096 + 8], chosen[4096 + 8], *name, *save = NULL;
	const char *path = magic_getpath(NULL, 0);
	size_t n;
	int found = 0;

	if (path == NULL || snprintf(list, sizeof(list), "%s", path) >=
	    (int)sizeof(list))
		return;
	for (name = strtok_r(list, ":", &save); name != NULL;
	    name = strtok_r(NULL, ":", &save)) {
		n = strlen(name);
		snprintf(mgc, sizeof(mgc), "%s%s", name,
		    n > 4 && strcmp(name + n - 4, ".mgc") == 0 ? "" : ".mgc");
		if (access(mgc, R_OK) == 0) {
			memcpy(chosen, mgc, sizeof(chosen));
			found++;
		} else if (!adds_nothing(name))
			return;
	}
	if (found == 1)
		(void)map_database(chosen);
}

/* Loads the shared mapping into magic, else the default list. */
static int
load(magic_t magic)
{
	void *bufs[1];
	size_t sizes[1];
	int ret;

	pthread_mutex_lock(&db.lock);
	if (db.users == 0)
		map_default_database();
	if (db.base != NULL) {
		bufs[0] = db.base;
		sizes[0] = db.len;
		ret = magic_load_buffers(magic, bufs, sizes, 1);
	} else
		ret = magic_load(magic, NULL);
	if (ret == 0)
		db.users++;
	else if (db.users == 0 && db.base != NULL) {
		munmap(db.base, db.len);
		db.base = NULL;
	}
	pthread_mutex_unlock(&db.lock);
	return ret;
}

/* One handle fewer; the last unmaps the database. */
static void
unload(void)
{
	pthread_mutex_lock(&db.lock);
	if (--db.users == 0 && db.base != NULL) {
		munmap(db.base, db.len);
		db.base = NULL;
	}
	pthread_mutex_unlock(&db.lock);
}

struct mime_cache *
mime_cache_new(void)
{
	return calloc(1, sizeof(struct mime_cache));
}

void
mime_cache_free(struct mime_cache *cache)
{
	free(cache);
}

struct mime *
mime_open(char *err, size_t errsize)
{
	struct mime *m;
	size_t bytes_max = MIME_BYTES_MAX;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	m->magic = magic_open(MIME_FLAGS_FULL);
	if (m->magic == NULL) {
		snprintf(err, errsize, "libmagic: cannot start");
		free(m);
		return NULL;
	}
	if (load(m->magic) == -1) {
		snprintf(err, errsize, "libmagic: cannot load its database: %s",
		    magic_error(m->magic));
		magic_close(m->magic);
		free(m);
		return NULL;
	}
	magic_setparam(m->magic, MAGIC_PARAM_BYTES_MAX, &bytes_max);
	return m;
}

void
mime_close(struct mime *m)
{
	if (m == NULL)
		return;
	magic_close(m->magic);
	unload();
	free(m);
}

void
mime_release(void)
{
	/* The mapping is never written (PROT_READ): dropping its pages
	 * loses nothing, and a later read finds them in the page cache. */
	pthread_mutex_lock(&db.lock);
	if (db.base != NULL)
		(void)madvise(db.base, db.len, MADV_DONTNEED);
	pthread_mutex_unlock(&db.lock);
}

static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcasecmp(name + n - s, suffix) == 0;
}

/*
 * Types by extension, for the text formats whose bytes libmagic cannot
 * tell from plain text (Markdown, CSS, CSV) or from one another (every
 * XML dialect is text/xml to it). Gemini's own extensions come first:
 * gemtext is text/gemini whatever libmagic thinks of its bytes.
 *
 * .xml is text/xml rather than application/xml: RFC 7303 makes the two
 * equivalent (and has both honour the charset parameter), and Gemini
 * clients show a text/ type as text where they would offer an
 * application/ one as a download.
 */
static const struct {
	const char *ext;
	const char *type;
} ext_types[] = {
	{ ".gmi", "text/gemini" },
	{ ".gemini", "text/gemini" },
	{ ".md", "text/markdown" },
	{ ".html", "text/html" },
	{ ".htm", "text/html" },
	{ ".css", "text/css" },
	{ ".xml", "text/xml" },
	{ ".atom", "application/atom+xml" },
	{ ".rss", "application/rss+xml" },
	{ ".json", "application/json" },
	{ ".csv", "text/csv" },
	{ ".svg", "image/svg+xml" },
	{ ".txt", "text/plain" },
};

/* The table's type for name's extension (any case), or NULL. */
static const char *
type_of_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ext_types) / sizeof(ext_types[0]); i++)
		if (has_suffix(name, ext_types[i].ext))
			return ext_types[i].type;
	return NULL;
}

/* restricted-name-chars (RFC 6838 section 4.2), the first one apart. */
static int
is_name_char(unsigned char c, int first)
{
	/* ASCII ranges, not isalnum(): that one follows the locale. */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return !first && c != '\0' && strchr("!#$&-^_.+", c) != NULL;
}

/* Checks one restricted-name at *p, at most 127 characters, and moves
 * *p past it. */
static int
name_ok(const char **p)
{
	size_t n = 0;

	while (is_name_char((unsigned char)(*p)[n], n == 0))
		n++;
	*p += n;
	return n >= 1 && n <= 127;
}

int
mime_type_is_valid(const char *type)
{
	const char *p = type;

	if (type == NULL || !name_ok(&p) || *p++ != '/' || !name_ok(&p))
		return 0;
	return *p == '\0';
}

/*
 * Whether a charset parameter belongs to type: every text/ type, and XML
 * (application/xml and the +xml types: RFC 7303 defines the parameter for
 * them, and an SVG, Atom or RSS file may well be in another encoding).
 * Not application/json: RFC 8259 defines no charset (JSON is UTF-8), and
 * says a recipient ignores one.
 */
static int
takes_charset(const char *type)
{
	size_t n = strlen(type);

	return strncmp(type, "text/", 5) == 0 ||
	    strcmp(type, "application/xml") == 0 ||
	    (n > 4 && strcmp(type + n - 4, "+xml") == 0);
}

/*
 * Turns libmagic's "type; charset=enc" into what a Gemini client expects:
 * the type named (a location's override or the name's extension; NULL for
 * none), else libmagic's;
 * a charset only where takes_charset says, the one libmagic found in the
 * bytes, with US-ASCII (or an empty file) as utf-8.
 */
static void
format_type(char *out, size_t outsize, const char *magic_result,
    const char *named)
{
	char type[256];
	const char *semi, *charset;
	size_t n;

	semi = strchr(magic_result, ';');
	n = semi != NULL ? (size_t)(semi - magic_result) : strlen(magic_result);
	if (n >= sizeof(type))
		n = sizeof(type) - 1;
	memcpy(type, magic_result, n);
	type[n] = '\0';
	charset = semi != NULL ? strstr(semi, "charset=") : NULL;
	charset = charset != NULL ? charset + strlen("charset=") : "binary";

	/* An empty file has no content to type: treat it as (empty) text. */
	if (strcmp(type, "inode/x-empty") == 0 ||
	    strcmp(type, "application/x-empty") == 0) {
		snprintf(type, sizeof(type), "text/plain");
		charset = "utf-8";
	}
	if (named != NULL)
		snprintf(type, sizeof(type), "%s", named);
	if (!takes_charset(type)) {
		snprintf(out, outsize, "%s", type);
		return;
	}
	/* "binary": libmagic saw no text in a file we type as text (a .gmi
	 * holding a NUL, say); the reader's default is still UTF-8. */
	if (strcmp(charset, "us-ascii") == 0 || strcmp(charset, "binary") == 0)
		charset = "utf-8";
	snprintf(out, outsize, "%s; charset=%s", type, charset);
}

static size_t
slot_of(const struct stat *sb)
{
	uint64_t h = (uint64_t)sb->st_ino * 0x9e3779b97f4a7c15ull ^
	    (uint64_t)sb->st_dev;

	return (size_t)(h >> 32) % MIME_CACHE_SLOTS;
}

static int
same_file(const struct mime_entry *e, const struct stat *sb)
{
	return e->used && e->dev == sb->st_dev && e->ino == sb->st_ino &&
	    e->size == sb->st_size &&
	    e->mtime.tv_sec == sb->st_mtim.tv_sec &&
	    e->mtime.tv_nsec == sb->st_mtim.tv_nsec &&
	    e->ctime.tv_sec == sb->st_ctim.tv_sec &&
	    e->ctime.tv_nsec == sb->st_ctim.tv_nsec;
}

const char *
mime_of(struct mime *m, struct mime_cache *cache, int fd,
    const struct stat *sb, const char *name, const char *override)
{
	struct mime_entry *e = &cache->slots[slot_of(sb)];
	/* The type the location or the name gives, if any: then only the
	 * charset is libmagic's, which it finds without its database, so
	 * most of a capsule never touches it. */
	const char *named = mime_type_is_valid(override) ? override :
	    type_of_name(name);
	const char *result;
	int need_type = named == NULL;

	if (!same_file(e, sb) || (need_type && !e->typed)) {
		/* libmagic reads through fd from its offset (callers send
		 * with pread): the type is the whole file's, from its start. */
		if (lseek(fd, 0, SEEK_SET) == -1 || magic_setflags(m->magic,
		    need_type ? MIME_FLAGS_FULL : MIME_FLAGS_CHARSET) == -1)
			result = NULL;
		else
			result = magic_descriptor(m->magic, fd);
		if (result == NULL)
			result = "application/octet-stream";
		e->typed = need_type;
		e->dev = sb->st_dev;
		e->ino = sb->st_ino;
		e->size = sb->st_size;
		e->mtime = sb->st_mtim;
		e->ctime = sb->st_ctim;
		e->used = 1;
		snprintf(e->type, sizeof(e->type), "%s", result);
	}
	/* The name and override matter too (.gmi, a location's types), so
	 * format per call, cache per content. */
	format_type(m->result, sizeof(m->result), e->type, named);
	return m->result;
}
