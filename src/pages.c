/*
 * pages.c - the page table: read articles, render them, look pages up.
 */
#define _GNU_SOURCE
#include "pages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "beneath.h"
#include "date.h"
#include "feed.h"
#include "filelog.h"
#include "gemtext.h"
#include "log.h"
#include "source.h"
#include "url.h"
#include "utf8.h"

#define MIME_GEMTEXT "text/gemini; charset=utf-8"
#define MIME_ATOM "application/atom+xml"

/* The capsule's title is one line of its home page: read no more. */
#define TITLE_SCAN_BYTES (64 * 1024)

struct pages {
	char prefix[PATH_MAX];    /* "/articles/" */
	struct page *v;           /* sorted by path */
	size_t n, cap;
	struct source *sources;   /* sorted by slug; bytes back the source pages */
	size_t nsources;
	char **bodies;            /* rendered pages, owned */
	size_t nbodies, bodies_cap;
	struct pages_options opt; /* borrowed: valid while loading only */
	const char *refusal;      /* ends a message about a file left out */
	char *intro;              /* the author's articles/index.gmi, or NULL */
	size_t intro_len;
	char *title;              /* the capsule's title, or NULL */
	struct filelog said;      /* what the log said about its files */
	const struct filelog *said_before; /* prev's, on a live update */
};

/* snprintf that refuses to cut: a cut path would name another page. */
static int
format_path(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int
add_page(struct pages *p, const char *path, const char *mime,
    const char *body, size_t len, int alias)
{
	struct page *v;

	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 64 : p->cap * 2;
		if ((v = realloc(p->v, p->cap * sizeof(*v))) == NULL)
			return -1;
		p->v = v;
	}
	if ((p->v[p->n].path = strdup(path)) == NULL)
		return -1;
	p->v[p->n].mime = mime;
	p->v[p->n].body = body;
	p->v[p->n].len = len;
	p->v[p->n].lang = NULL;
	p->v[p->n].alias = alias;
	p->n++;
	return 0;
}

/* Takes ownership of the rendered buffer and lists it under path. */
static int
add_rendered(struct pages *p, const char *path, struct gemtext_buf *buf,
    int rc)
{
	char **v;

	if (rc == -1 || buf->failed) {
		free(buf->data);
		return -1;
	}
	if (p->nbodies == p->bodies_cap) {
		p->bodies_cap = p->bodies_cap == 0 ? 64 : p->bodies_cap * 2;
		if ((v = realloc(p->bodies, p->bodies_cap * sizeof(*v))) ==
		    NULL) {
			free(buf->data);
			return -1;
		}
		p->bodies = v;
	}
	p->bodies[p->nbodies++] = buf->data;
	return add_page(p, path, MIME_GEMTEXT, buf->data, buf->len, 0);
}

static int
compare_pages(const void *a, const void *b)
{
	return strcmp(((const struct page *)a)->path,
	    ((const struct page *)b)->path);
}

static int
compare_slugs(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->slug,
	    ((const struct source *)b)->slug);
}

/* The list's order: newest first, then by slug, so it is stable. */
static int
compare_sources(const void *a, const void *b)
{
	int c = strcmp(((const struct source *)b)->date,
	    ((const struct source *)a)->date);

	return c != 0 ? c : compare_slugs(a, b);
}

/* Renders every page of one article. */
static int
render_article(struct pages *p, const struct gemtext_site *site, size_t i)
{
	struct source *src = &p->sources[i];
	struct gemtext_buf buf;
	char path[PATH_MAX];
	size_t s, first = p->n;

	memset(&buf, 0, sizeof(buf));
	if (format_path(path, sizeof(path), "%s%s/", p->prefix, src->slug) ==
	    -1 || add_rendered(p, path, &buf,
	    gemtext_article_index(site, i, &buf)) == -1)
		return -1;
	if (format_path(path, sizeof(path), "%s%s/index.gmi", p->prefix,
	    src->slug) == -1 ||
	    add_page(p, path, MIME_GEMTEXT, buf.data, buf.len, 1) == -1)
		return -1;
	for (s = 1; s <= src->article->nsections; s++) {
		memset(&buf, 0, sizeof(buf));
		if (format_path(path, sizeof(path), "%s%s/%zu.gmi", p->prefix,
		    src->slug, s) == -1 || add_rendered(p, path, &buf,
		    gemtext_section(site, i, s, &buf)) == -1)
			return -1;
	}
	memset(&buf, 0, sizeof(buf));
	if (format_path(path, sizeof(path), "%s%s/all.gmi", p->prefix,
	    src->slug) == -1 ||
	    add_rendered(p, path, &buf, gemtext_full(site, i, &buf)) == -1)
		return -1;
	/* Its gemtext pages speak its language (the source is added after). */
	if (src->lang[0] != '\0')
		for (s = first; s < p->n; s++)
			p->v[s].lang = src->lang;
	if (format_path(path, sizeof(path), "%s%s%s", p->prefix,
	    src->slug, src->kind->ext) == -1)
		return -1;
	return add_page(p, path, src->kind->mime, src->bytes, src->len, 0);
}

/*
 * PREFIX atom.xml. Its links are absolute: the capsule's URL, then the
 * prefix percent-encoded as a path.
 */
static int
render_feed(struct pages *p, const struct gemtext_site *site)
{
	char url[PATH_MAX * 3 + 256], path[PATH_MAX];
	struct gemtext_buf buf;
	struct feed f;
	size_t n;

	n = (size_t)snprintf(url, sizeof(url), "%s", p->opt.url);
	if (n >= sizeof(url) || n == 0 || url[n - 1] != '/' ||
	    url_encode_path(p->prefix + 1, url + n, sizeof(url) - n) == -1 ||
	    format_path(path, sizeof(path), "%satom.xml", p->prefix) == -1)
		return -1;
	f.site = site;
	f.url = url;
	f.author = p->opt.host;
	memset(&buf, 0, sizeof(buf));
	if (add_rendered(p, path, &buf, feed_atom(&f, &buf)) == -1)
		return -1;
	p->v[p->n - 1].mime = MIME_ATOM;
	return 0;
}

/* Renders the table from p->sources, then drops the parsed articles. */
static int
render_all(struct pages *p)
{
	struct gemtext_entry *entries;
	struct gemtext_site site;
	struct gemtext_buf buf;
	char path[PATH_MAX];
	size_t i;
	int rc = -1;

	/* qsort must not be handed the NULL of an empty list. */
	if (p->nsources > 1)
		qsort(p->sources, p->nsources, sizeof(*p->sources),
		    compare_sources);
	if ((entries = calloc(p->nsources + 1, sizeof(*entries))) == NULL)
		return -1;
	for (i = 0; i < p->nsources; i++) {
		entries[i].slug = p->sources[i].slug;
		entries[i].article = p->sources[i].article;
		entries[i].source_ext = p->sources[i].kind->ext;
		entries[i].date = p->sources[i].date;
	}
	memset(&site, 0, sizeof(site));
	site.lang = p->opt.lang;
	site.entries = entries;
	site.nentries = p->nsources;
	site.title = p->title;
	site.intro = p->intro;
	site.intro_len = p->intro_len;

	memset(&buf, 0, sizeof(buf));
	if (add_rendered(p, p->prefix, &buf, gemtext_listing(&site, &buf)) ==
	    -1 || render_feed(p, &site) == -1)
		goto out;
	if (format_path(path, sizeof(path), "%sindex.gmi", p->prefix) == -1 ||
	    add_page(p, path, MIME_GEMTEXT, buf.data, buf.len, 1) == -1)
		goto out;
	for (i = 0; i < p->nsources; i++)
		if (render_article(p, &site, i) == -1)
			goto out;
	qsort(p->v, p->n, sizeof(*p->v), compare_pages);
	rc = 0;
out:
	free(entries);
	/* The pages hold everything readers need; the trees can go. */
	for (i = 0; i < p->nsources; i++) {
		article_free(p->sources[i].article);
		p->sources[i].article = NULL;
	}
	if (rc == -1)
		log_error("out of memory while rendering articles");
	return rc;
}

static struct pages *
pages_new(const char *prefix, const struct pages_options *opt)
{
	struct pages *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_error("out of memory");
		return NULL;
	}
	snprintf(p->prefix, sizeof(p->prefix), "%s", prefix);
	p->opt = *opt;
	p->refusal = opt->strict ? "" : ": not served";
	if (opt->once && opt->prev != NULL)
		p->said_before = &opt->prev->said;
	return p;
}

/* Room for one more source. Returns 0, or -1 (logged). */
static int
grow_sources(struct pages *p, size_t *cap)
{
	struct source *v;

	if (p->nsources < *cap)
		return 0;
	*cap = *cap == 0 ? 16 : *cap * 2;
	if ((v = realloc(p->sources, *cap * sizeof(*v))) == NULL) {
		log_error("out of memory");
		return -1;
	}
	p->sources = v;
	return 0;
}

/*
 * Appends the article open at fd (closed here), name in the folder open at
 * dirfd. Returns 0, -1 with *why set when the file cannot make an article,
 * or -2 when out of memory.
 */
static int
add_source(struct pages *p, size_t *cap, int fd, int dirfd, const char *name,
    const char *path, const char **why)
{
	if (grow_sources(p, cap) == -1) {
		close(fd);
		return -2;
	}
	if (source_load(fd, path, &p->sources[p->nsources], why) == -1)
		return -1;
	/* Else the author wonders why the post is dated the day it was
	 * copied. */
	if (p->sources[p->nsources].date_why != NULL)
		filelog_say(&p->said, p->said_before, dirfd, name,
		    LOG_LEVEL_WARN, "%s: date \"%s\": %s: dated by the file's "
		    "last change instead", path,
		    p->sources[p->nsources].article->date,
		    p->sources[p->nsources].date_why);
	p->nsources++;
	return 0;
}

static const struct source *find_source(const struct pages *p,
    const char *slug, size_t len);

/*
 * Appends prev's article of that slug, as it was read then: a file that
 * cannot be read now (being written, made unreadable, no longer UTF-8)
 * keeps the pages it had. Its bytes parsed then, so they parse now.
 * Returns 1 when kept, 0 when prev has no such article, -2 when out of
 * memory.
 */
static int
keep_source(struct pages *p, size_t *cap, const struct pages *prev,
    const char *slug, size_t slen)
{
	const struct source *old;
	int rc;

	if (prev == NULL || (old = find_source(prev, slug, slen)) == NULL)
		return 0;
	if (grow_sources(p, cap) == -1)
		return -2;
	if ((rc = source_copy(&p->sources[p->nsources], old)) == -1) {
		log_error("out of memory");
		return -2;
	}
	if (rc == 1)
		return 0;
	p->nsources++;
	return 1;
}

/*
 * The articles folder, found and read as the capsule's files are served:
 * beneath the root only (see beneath.h), whoever reads it (as root at
 * start-up, as the service user on reload). The root is the only path
 * taken as it stands, as capsule_open takes it.
 */
struct articles_dir {
	const char *root;
	const char *articles;
	int rootfd;
	int walking;      /* no openat2: the walk, following no link */
};

static int
articles_open(struct articles_dir *ad, const char *rel, int flags)
{
	int walked = ad->walking, fd;

	fd = beneath_open(ad->rootfd, rel, flags, &ad->walking);
	if (ad->walking && !walked)
		log_warn("openat2 is not available (Linux < 5.6): reading the "
		    "articles one path component at a time, and following no "
		    "symbolic link");
	return fd;
}

/* A regular file beneath the root, opened for reading (beneath.h). */
static int
open_article(struct articles_dir *ad, const char *rel, const char **why)
{
	int walked = ad->walking, fd;

	fd = beneath_open_regular(ad->rootfd, rel, &ad->walking, why);
	if (ad->walking && !walked)
		log_warn("openat2 is not available (Linux < 5.6): reading the "
		    "articles one path component at a time, and following no "
		    "symbolic link");
	return fd;
}

/*
 * An article that cannot be read: its previous version when the table in
 * use has one (logged so), else left out. Returns 0, or -1 when out of
 * memory.
 */
static int
refused(struct pages *p, size_t *cap, int dirfd, const char *path,
    const char *name, const char *why)
{
	int kept = keep_source(p, cap, p->opt.prev, name,
	    strlen(name) - strlen(source_kind_of(name)->ext));

	if (kept == -2)
		return -1;
	filelog_say(&p->said, p->said_before, dirfd, name, LOG_LEVEL_ERROR,
	    "%s: %s%s", path, why, kept ? ": keeping the pages read before" :
	    p->refusal);
	return 0;
}

/*
 * x.txt and x.md would both be the article x: the Markdown one is served
 * (its structure is written, not guessed), and the other is named in the
 * log. Sorts p->sources by slug.
 */
static void
drop_twins(struct pages *p, const struct articles_dir *ad, int dirfd)
{
	char name[PATH_MAX];
	size_t i, keep, drop;

	if (p->nsources > 1)
		qsort(p->sources, p->nsources, sizeof(*p->sources),
		    compare_sources);
	for (i = 1; i < p->nsources; i++) {
		if (strcmp(p->sources[i - 1].slug, p->sources[i].slug) != 0)
			continue;
		keep = p->sources[i].kind->written ? i : i - 1;
		drop = keep == i ? i - 1 : i;
		snprintf(name, sizeof(name), "%s%s", p->sources[drop].slug,
		    p->sources[drop].kind->ext);
		filelog_say(&p->said, p->said_before, dirfd, name,
		    LOG_LEVEL_WARN, "%s/%s/%s%s and %s%s are the same article: "
		    "serving %s%s", ad->root, ad->articles, p->sources[drop].slug,
		    p->sources[drop].kind->ext, p->sources[keep].slug,
		    p->sources[keep].kind->ext, p->sources[keep].slug,
		    p->sources[keep].kind->ext);
		source_free(&p->sources[drop]);
		if (keep == i)
			p->sources[i - 1] = p->sources[i];
		memmove(&p->sources[i], &p->sources[i + 1],
		    (p->nsources - i - 1) * sizeof(*p->sources));
		p->nsources--;
		i--;
	}
}

/* Reads every "*.txt" and "*.md" entry of the open folder dir into p. */
static int
read_articles(struct pages *p, struct articles_dir *ad, DIR *dir)
{
	char rel[PATH_MAX], path[PATH_MAX * 2];
	const char *why;
	struct dirent *de;
	size_t cap = 0;
	int fd, rc;

	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || source_kind_of(de->d_name) == NULL)
			continue;
		if (format_path(path, sizeof(path), "%s/%s/%s", ad->root,
		    ad->articles, de->d_name) == -1 ||
		    format_path(rel, sizeof(rel), "%s/%s", ad->articles,
		    de->d_name) == -1) {
			log_error("%s/%s/%s: path too long%s", ad->root,
			    ad->articles, de->d_name, p->refusal);
			if (p->opt.strict)
				return -1;
			continue;
		}
		if ((fd = open_article(ad, rel, &why)) == -1)
			rc = -1;
		else
			rc = add_source(p, &cap, fd, dirfd(dir), de->d_name,
			    path, &why);
		if (rc == -2)
			return -1;
		/* Served, a bad file is left out, or keeps the pages read
		 * before; converted, it stops all. */
		if (rc == -1 && p->opt.strict) {
			log_error("%s: %s%s", path, why, p->refusal);
			return -1;
		}
		if (rc == -1 && refused(p, &cap, dirfd(dir), path, de->d_name,
		    why) == -1)
			return -1;
	}
	drop_twins(p, ad, dirfd(dir));
	return 0;
}

/*
 * Reads the regular UTF-8 file rel beneath the root whole into *bytes, or
 * leaves it NULL when there is none. Returns -1 (logged, naming the file)
 * when it is there but unusable, else 0.
 */
static int
read_extra(struct pages *p, struct articles_dir *ad, const char *rel,
    char **bytes, size_t *len)
{
	const char *why = NULL;
	long long mtime;
	int fd;

	*bytes = NULL;
	if ((fd = open_article(ad, rel, &why)) == -1) {
		if (errno == ENOENT)
			return 0;
	} else if (source_read_file(fd, bytes, len, &mtime, &why) == 0 &&
	    !utf8_is_valid(*bytes, *len)) {
		why = "not valid UTF-8";
		free(*bytes);
		*bytes = NULL;
	}
	if (*bytes != NULL)
		return 0;
	filelog_say(&p->said, p->said_before, ad->rootfd, rel, LOG_LEVEL_ERROR,
	    "%s/%s: %s%s", ad->root, rel, why, p->opt.strict ? "" :
	    ": left out");
	return -1;
}

/*
 * The capsule's title: the first "# " line of its home page (root
 * index.gmi), without the marker and surrounding blanks, when it holds
 * no control character; else none, and the host name stands in.
 */
static void
read_title(struct pages *p, struct articles_dir *ad)
{
	char *bytes, *line, *eol, *end;
	size_t len;

	if (read_extra(p, ad, "index.gmi", &bytes, &len) == -1 ||
	    bytes == NULL)
		return;
	end = bytes + (len < TITLE_SCAN_BYTES ? len : TITLE_SCAN_BYTES);
	for (line = bytes; line < end; line = eol + 1) {
		if ((eol = memchr(line, '\n', (size_t)(end - line))) == NULL)
			eol = end;
		if (eol - line < 2 || line[0] != '#' || line[1] != ' ')
			continue;
		line += 2;
		while (line < eol && (*line == ' ' || *line == '\t'))
			line++;
		while (eol > line && (eol[-1] == ' ' || eol[-1] == '\t' ||
		    eol[-1] == '\r'))
			eol--;
		*eol = '\0';
		if (eol > line && source_name_printable(line))
			p->title = strdup(line);
		break;
	}
	free(bytes);
}

/*
 * The author's intro (articles/index.gmi), for the top of the list.
 * Served, an unusable intro is left out (logged); converted, it fails the
 * load.
 */
static int
read_intro(struct pages *p, struct articles_dir *ad)
{
	char rel[PATH_MAX];

	if (format_path(rel, sizeof(rel), "%s/index.gmi", ad->articles) == -1)
		return p->opt.strict ? -1 : 0;
	if (read_extra(p, ad, rel, &p->intro, &p->intro_len) == -1 &&
	    p->opt.strict)
		return -1;
	return 0;
}

struct pages *
pages_load_dir(const char *root, const char *articles,
    const struct pages_options *opt)
{
	struct articles_dir ad = { root, articles, -1, 0 };
	char prefix[PATH_MAX];
	struct pages *p;
	DIR *dir = NULL;
	int fd, rc = 0;

	if (format_path(prefix, sizeof(prefix), "/%s/", articles) == -1) {
		log_error("%s/%s: path too long", root, articles);
		return NULL;
	}
	if ((p = pages_new(prefix, opt)) == NULL)
		return NULL;
	if ((ad.rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_error("capsule root %s: %s", root, strerror(errno));
		rc = opt->strict ? -1 : 0;
	} else if ((fd = articles_open(&ad, articles, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | O_NONBLOCK)) == -1) {
		/* No folder, no articles; one leaving the root is refused. */
		if (errno != ENOENT || opt->strict)
			log_error("%s/%s: %s%s", root, articles, errno == EXDEV ?
			    "a link leaving the capsule root" : strerror(errno),
			    opt->strict ? "" : ": no articles served");
		rc = opt->strict ? -1 : 0;
	} else if ((dir = fdopendir(fd)) == NULL) {
		log_error("%s/%s: %s", root, articles, strerror(errno));
		close(fd);
		rc = opt->strict ? -1 : 0;
	} else if ((rc = read_articles(p, &ad, dir)) == 0)
		rc = read_intro(p, &ad);
	/* The title is the root's: with no articles folder (deleted, or not
	 * made yet) the list still heads with it, not the default label. */
	if (rc == 0 && ad.rootfd != -1)
		read_title(p, &ad);
	if (dir != NULL)
		closedir(dir);
	if (ad.rootfd != -1)
		close(ad.rootfd);
	if (rc == -1 || render_all(p) == -1) {
		pages_free(p);
		return NULL;
	}
	return p;
}

/* Files named by the author on the command line are read as named. */
struct pages *
pages_load_files(char *const *files, size_t nfiles,
    const struct pages_options *opt)
{
	struct pages *p;
	const char *why = NULL;
	size_t i, cap = 0;
	int fd, rc;

	if ((p = pages_new("/articles/", opt)) == NULL)
		return NULL;
	for (i = 0; i < nfiles; i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK);
		if (fd == -1)
			why = strerror(errno);
		rc = fd == -1 ? -1 : add_source(p, &cap, fd, AT_FDCWD,
		    files[i], files[i], &why);
		if (rc == -1)
			log_error("%s: %s%s", files[i], why, p->refusal);
		if (rc != 0) {
			pages_free(p);
			return NULL;
		}
	}
	if (p->nsources > 1)
		qsort(p->sources, p->nsources, sizeof(*p->sources),
		    compare_slugs);
	for (i = 1; i < p->nsources; i++) {
		if (strcmp(p->sources[i - 1].slug, p->sources[i].slug) == 0) {
			log_error("two files make the article \"%s\"",
			    p->sources[i].slug);
			pages_free(p);
			return NULL;
		}
	}
	if (render_all(p) == -1) {
		pages_free(p);
		return NULL;
	}
	return p;
}

void
pages_free(struct pages *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	for (i = 0; i < p->nsources; i++)
		source_free(&p->sources[i]);
	free(p->sources);
	for (i = 0; i < p->nbodies; i++)
		free(p->bodies[i]);
	free(p->bodies);
	free(p->intro);
	free(p->title);
	filelog_free(&p->said);
	free(p);
}

const struct page *
pages_find(const struct pages *p, const char *path)
{
	struct page key = { .path = (char *)(uintptr_t)path };

	if (p->n == 0)
		return NULL;
	return bsearch(&key, p->v, p->n, sizeof(*p->v), compare_pages);
}

int
pages_has_article(const struct pages *p, const char *slug, size_t len)
{
	char path[PATH_MAX];

	/* Every article has its index page, PREFIX SLUG/: one search of the
	 * sorted table, not a walk over the articles (this is asked on
	 * requests). */
	if (len > INT_MAX || format_path(path, sizeof(path), "%s%.*s/",
	    p->prefix, (int)len, slug) == -1)
		return 0;
	return pages_find(p, path) != NULL;
}

/* The article slug[0..len) of p, or NULL. */
static const struct source *
find_source(const struct pages *p, const char *slug, size_t len)
{
	size_t i;

	for (i = 0; i < p->nsources; i++)
		if (strlen(p->sources[i].slug) == len &&
		    memcmp(p->sources[i].slug, slug, len) == 0)
			return &p->sources[i];
	return NULL;
}

/* The names an article's own pages take: "", index.gmi, all.gmi, N.gmi. */
static int
generated_name(const char *name)
{
	size_t i = 0;

	if (name[0] == '\0' || strcmp(name, "index.gmi") == 0 ||
	    strcmp(name, "all.gmi") == 0)
		return 1;
	while (name[i] >= '0' && name[i] <= '9')
		i++;
	return i > 0 && strcmp(name + i, ".gmi") == 0;
}

int
pages_reserved(const struct pages *p, const char *path)
{
	size_t plen = strlen(p->prefix), n;
	const char *rest, *slash;

	if (strncmp(path, p->prefix, plen) != 0)
		return 0;
	rest = path + plen;
	slash = strchr(rest, '/');
	n = strlen(rest);
	if (slash == NULL)
		return (n > 0 && source_kind_of(rest) != NULL) || n == 0 ||
		    strcmp(rest, "index.gmi") == 0 ||
		    strcmp(rest, "atom.xml") == 0;
	/* The author's files beside an article are theirs. */
	return generated_name(slash + 1) &&
	    pages_has_article(p, rest, (size_t)(slash - rest));
}

size_t
pages_count(const struct pages *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (!p->v[i].alias)
			n++;
	return n;
}

size_t
pages_articles(const struct pages *p)
{
	return p->nsources;
}

const char *
pages_prefix(const struct pages *p)
{
	return p->prefix;
}

size_t
pages_size(const struct pages *p)
{
	return p->n;
}

const struct page *
pages_at(const struct pages *p, size_t i)
{
	return &p->v[i];
}
