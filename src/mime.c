/*
 * mime.c - libmagic behind mime.h, with a per-worker cache.
 */
#define _GNU_SOURCE
#include "mime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <magic.h>

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
	char type[128];
};

struct mime_cache {
	struct mime_entry slots[MIME_CACHE_SLOTS];
};

struct mime {
	magic_t magic;
	char result[160];
};

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
	m->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING |
	    MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_ERROR);
	if (m->magic == NULL) {
		snprintf(err, errsize, "libmagic: cannot start");
		free(m);
		return NULL;
	}
	if (magic_load(m->magic, NULL) == -1) {
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
	free(m);
}

static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcasecmp(name + n - s, suffix) == 0;
}

/*
 * Turns libmagic's "type; charset=enc" into what a Gemini client expects:
 * a charset only on text, and US-ASCII (or an empty file) as utf-8.
 */
static void
format_type(char *out, size_t outsize, const char *magic_result,
    const char *name)
{
	char type[128];
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
	if (has_suffix(name, ".gmi") || has_suffix(name, ".gemini")) {
		/* Gemtext is text whatever libmagic thinks of its bytes. */
		if (strncmp(type, "text/", 5) != 0)
			charset = "utf-8";
		snprintf(type, sizeof(type), "text/gemini");
	}
	if (strncmp(type, "text/", 5) != 0) {
		snprintf(out, outsize, "%s", type);
		return;
	}
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
    const struct stat *sb, const char *name)
{
	struct mime_entry *e = &cache->slots[slot_of(sb)];
	const char *result;

	if (!same_file(e, sb)) {
		/* libmagic reads through fd; callers send with pread. */
		result = magic_descriptor(m->magic, fd);
		if (result == NULL)
			result = "application/octet-stream";
		e->dev = sb->st_dev;
		e->ino = sb->st_ino;
		e->size = sb->st_size;
		e->mtime = sb->st_mtim;
		e->ctime = sb->st_ctim;
		e->used = 1;
		snprintf(e->type, sizeof(e->type), "%s", result);
	}
	/* The name matters too (.gmi), so format per call, cache per content. */
	format_type(m->result, sizeof(m->result), e->type, name);
	return m->result;
}
