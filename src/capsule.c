/*
 * capsule.c - path -> response, for the files under the capsule root.
 */
#define _GNU_SOURCE
#include "capsule.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "listing.h"
#include "log.h"
#include "mime.h"
#include "url.h"

/* Hosts whose MIME cache a worker keeps at once; past it, the oldest
 * host's cache is given to the next (the server has at most 32 hosts). */
#define CAPSULE_CACHES 32

struct capsule {
	int openat2_missing;   /* the kernel said ENOSYS once */
	struct mime *mime;
	/* One MIME cache per host, by name: kept across reloads, which
	 * leave a host's files as they were. */
	struct {
		char host[256];
		struct mime_cache *cache;
	} caches[CAPSULE_CACHES];
	int ncaches, next_reused;
};

struct capsule *
capsule_open(char *err, size_t errsize)
{
	struct capsule *cap;

	if ((cap = calloc(1, sizeof(*cap))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if ((cap->mime = mime_open(err, errsize)) == NULL) {
		free(cap);
		return NULL;
	}
	return cap;
}

void
capsule_close(struct capsule *cap)
{
	int i;

	if (cap == NULL)
		return;
	for (i = 0; i < cap->ncaches; i++)
		mime_cache_free(cap->caches[i].cache);
	mime_close(cap->mime);
	free(cap);
}

void
capsule_idle(void)
{
	mime_release();
}

/* The MIME cache of host, made on its first file; NULL out of memory. */
static struct mime_cache *
cache_of(struct capsule *cap, const char *host)
{
	struct mime_cache *fresh;
	int i;

	for (i = 0; i < cap->ncaches; i++)
		if (strcmp(cap->caches[i].host, host) == 0)
			return cap->caches[i].cache;
	if ((fresh = mime_cache_new()) == NULL)
		return NULL;
	if (cap->ncaches < CAPSULE_CACHES)
		i = cap->ncaches++;
	else {
		i = cap->next_reused;
		cap->next_reused = (i + 1) % CAPSULE_CACHES;
		mime_cache_free(cap->caches[i].cache);
	}
	snprintf(cap->caches[i].host, sizeof(cap->caches[i].host), "%s", host);
	cap->caches[i].cache = fresh;
	return fresh;
}

/* Dotfiles (".git", ".env", ".hidden") are private, at any depth. */
static int
names_dotfile(const char *path)
{
	const char *p;

	for (p = path; (p = strchr(p, '/')) != NULL; p++)
		if (p[1] == '.')
			return 1;
	return 0;
}

/*
 * Opens rel (relative to the root, "" for the root) beneath the root. Links
 * that stay inside are followed; any path that would leave fails (EXDEV).
 * Kernels without openat2 (before 5.6) get the O_NOFOLLOW walk instead,
 * which follows no link at all.
 * O_NONBLOCK: opening a FIFO someone left in the capsule must not hang.
 */
static int
open_beneath(struct capsule *cap, int rootfd, const char *rel)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, fd;
	int walked = cap->openat2_missing;

	fd = beneath_open(rootfd, rel, flags, &cap->openat2_missing);
	if (cap->openat2_missing && !walked)
		log_warn("openat2 is not available (Linux < 5.6): opening files "
		    "one path component at a time, and following no symbolic "
		    "link in the capsule");
	return fd;
}

/*
 * Answers a failure to open or read rel (relative to the root of host's
 * capsule, "" for the root) with errno err.
 */
static void
respond_open_error(struct response *resp, int err, const char *host,
    const char *rel)
{
	switch (err) {
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case EAGAIN:
		response_status(resp, 40, "Temporary failure, try again");
		return;
	default:
		/* Missing, outside the root, a loop, no permission: all look
		 * the same to a reader, and say nothing of what is there. The
		 * operator may need the reason (a file only root can read
		 * answers 51 too): at level = debug, since any client can ask
		 * for such a path again and again. A file that is simply not
		 * there needs none: the access log shows its 51. */
		if (err != ENOENT && err != ENOTDIR)
			log_debug("%s: /%s: %s: answered 51 Not found", host,
			    rel, err == EXDEV ? "a link out of the capsule" :
			    strerror(err));
		response_status(resp, 51, "Not found");
		return;
	}
}

/* 31 to the same URL with a '/' after its path (a folder, or a page's). */
static void
respond_redirect(const struct capsule_content *content,
    const struct request *req,
    struct response *resp)
{
	char path[URL_MAX * 3 + 2];
	char url[RESPONSE_META_MAX + 1];
	char port[16] = "";
	const char *lb = "", *rb = "";
	int n;

	if (url_encode_path(req->path, path, sizeof(path) - 1) == -1) {
		response_status(resp, 59, "URL too long");
		return;
	}
	strcat(path, "/");
	if (req->port != -1)
		snprintf(port, sizeof(port), ":%d", req->port);
	if (strchr(content->hostname, ':') != NULL) {
		lb = "[";
		rb = "]";
	}
	n = snprintf(url, sizeof(url), "gemini://%s%s%s%s%s%s%s",
	    lb, content->hostname, rb, port, path, req->has_query ? "?" : "",
	    req->has_query ? req->query : "");
	if (n < 0 || (size_t)n >= sizeof(url) ||
	    response_redirect(resp, 31, url) == -1)
		response_status(resp, 59, "URL too long");
}

/* The file's language: its location's, else the host's. */
static const char *
lang_of(const struct capsule_content *content,
    const struct location_rules *rules)
{
	return rules != NULL && rules->lang != NULL ? rules->lang :
	    content->lang;
}

/*
 * Answers from the page table when the path is one of its pages, or one
 * only it may answer. Returns 1 when it answered, 0 to go on to the files.
 */
static int
respond_page(const struct capsule_content *content,
    const struct location_rules *rules, const struct request *req,
    struct response *resp)
{
	char slashed[URL_MAX + 2];
	const struct page *pg;

	if (content->pages == NULL)
		return 0;
	if ((pg = pages_find(content->pages, req->path)) != NULL) {
		/* An article's own language, else its location's, else the
		 * host's. */
		response_memory(resp, pg->body, pg->len, pg->mime,
		    pg->lang != NULL ? pg->lang : lang_of(content, rules));
		return 1;
	}
	if (pages_reserved(content->pages, req->path)) {
		response_status(resp, 51, "Not found");
		return 1;
	}
	snprintf(slashed, sizeof(slashed), "%s/", req->path);
	if (pages_find(content->pages, slashed) != NULL) {
		respond_redirect(content, req, resp);
		return 1;
	}
	return 0;
}


static void
respond_file(struct capsule *cap, const struct capsule_content *content,
    const struct location_rules *rules, int fd, const struct stat *sb,
    const char *name, struct response *resp)
{
	struct mime_cache *cache = cache_of(cap, content->hostname);
	const char *type;

	if (cache == NULL) {
		close(fd);
		response_status(resp, 40, "Temporary failure, try again");
		return;
	}
	type = mime_of(cap->mime, cache, fd, sb, name,
	    rules != NULL ? location_type(rules, name) : NULL);
	response_file(resp, fd, sb->st_size, type, lang_of(content, rules));
}

/*
 * The listing of the folder dirfd, whose URL path is req's (ending in
 * '/'): listing = on and no index.gmi. Takes dirfd over.
 */
static void
respond_listing(const struct capsule_content *content,
    const struct location_rules *rules, const struct request *req,
    int dirfd, struct response *resp)
{
	struct listing_entry *entries = NULL;
	size_t n = 0, len;
	char *page;
	int rc = listing_read(dirfd, &entries, &n);

	close(dirfd);
	if (rc == -1) {
		if (errno == E2BIG)
			response_status(resp, 50, "Folder too large to list");
		else
			respond_open_error(resp, errno, content->hostname,
			    req->path + 1);
		return;
	}
	page = listing_render(req->path, entries, n, &len);
	free(entries);
	if (page == NULL) {
		response_status(resp, 40, "Temporary failure, try again");
		return;
	}
	response_page(resp, page, len, "text/gemini; charset=utf-8",
	    lang_of(content, rules));
}

/*
 * Stats fd, just opened for rel (-1: the open failed, errno says why).
 * Returns fd, or -1 with resp answered (and fd closed).
 */
static int
stat_opened(const struct capsule_content *content, int fd, const char *rel,
    struct stat *sb, struct response *resp)
{
	if (fd == -1) {
		respond_open_error(resp, errno, content->hostname, rel);
		return -1;
	}
	if (fstat(fd, sb) == -1) {
		close(fd);
		response_status(resp, 40, "Temporary failure, try again");
		return -1;
	}
	return fd;
}

/* Opens rel beneath the root and stats it; on failure answers resp. */
static int
open_and_stat(struct capsule *cap, const struct capsule_content *content,
    const char *rel, struct stat *sb, struct response *resp)
{
	return stat_opened(content, open_beneath(cap, content->rootfd, rel),
	    rel, sb, resp);
}

/* Answers with the file fd (rel, described by sb) if it is a regular one. */
static void
respond_regular(struct capsule *cap, const struct capsule_content *content,
    const struct location_rules *rules, int fd, const struct stat *sb,
    const char *rel, struct response *resp)
{
	const char *name;

	if (!S_ISREG(sb->st_mode)) {
		/* A FIFO or a device someone left in the capsule. */
		close(fd);
		log_debug("%s: /%s: not a regular file: answered 51 Not found",
		    content->hostname, rel);
		response_status(resp, 51, "Not found");
		return;
	}
	name = strrchr(rel, '/');
	name = name != NULL ? name + 1 : rel;
	respond_file(cap, content, rules, fd, sb, name, resp);
}

void
capsule_respond(struct capsule *cap, const struct capsule_content *content,
    const struct request *req, const struct location_rules *rules,
    struct response *resp)
{
	char rel[URL_MAX + sizeof("index.gmi")];
	struct stat sb;
	size_t len;
	int fd;

	response_init(resp);
	if (names_dotfile(req->path)) {
		response_status(resp, 51, "Not found");
		return;
	}
	if (respond_page(content, rules, req, resp))
		return;
	/* request_parse guarantees a leading '/' and no dot-segments. */
	snprintf(rel, sizeof(rel), "%s", req->path + 1);
	len = strlen(rel);
	if (len > 0 && rel[len - 1] != '/') {
		if ((fd = open_and_stat(cap, content, rel, &sb, resp)) == -1)
			return;
		if (S_ISDIR(sb.st_mode)) {
			close(fd);
			respond_redirect(content, req, resp);
			return;
		}
		respond_regular(cap, content, rules, fd, &sb, rel, resp);
		return;
	}
	/*
	 * A folder's URL (the root, or ending in '/'). Its index.gmi is
	 * opened straight away, since most folders have one; the folder
	 * itself only when there is none, for a listing.
	 */
	strcat(rel, "index.gmi");
	if ((fd = open_beneath(cap, content->rootfd, rel)) != -1 ||
	    errno != ENOENT || rules == NULL || !rules->listing) {
		if (stat_opened(content, fd, rel, &sb, resp) != -1)
			respond_regular(cap, content, rules, fd, &sb, rel,
			    resp);
		return;
	}
	rel[len] = '\0';
	if ((fd = open_and_stat(cap, content, rel, &sb, resp)) == -1)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		close(fd);
		response_status(resp, 51, "Not found");
		return;
	}
	respond_listing(content, rules, req, fd, resp);
}
