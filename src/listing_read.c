/*
 * listing_read.c - reading a folder for its listing (listing.h): which
 * entries, their sizes, the headings of gemtext files.
 */
#define _GNU_SOURCE
#include "listing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int
is_gemtext(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcasecmp(name + n - 4, ".gmi") == 0) ||
	    (n > 7 && strcasecmp(name + n - 7, ".gemini") == 0);
}

/*
 * Sets e->title from the head of the gemtext file name in the folder dfd,
 * or leaves it "" when the file cannot be read. The caller has seen a
 * regular file with fstatat; O_NONBLOCK and the fstat after opening cover
 * a FIFO or device swapped in since: it is closed unread.
 */
static void
read_title(int dfd, const char *name, struct listing_entry *e)
{
	char buf[LISTING_HEAD_BYTES];
	struct stat sb;
	size_t len = 0;
	ssize_t r;
	int fd;

	e->title[0] = '\0';
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return;
	}
	while (len < sizeof(buf)) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	/* A full buffer may have stopped short of the file's end. */
	listing_title(buf, len, len < sizeof(buf), e->title, sizeof(e->title));
}

/* Appends one entry, growing the array; -1 with errno set when full. */
static int
add(struct listing_entry **v, size_t *n, size_t *cap)
{
	struct listing_entry *grown;
	size_t want;

	if (*n == LISTING_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (*n == *cap) {
		want = *cap > 0 ? *cap * 2 : 64;
		if (want > LISTING_MAX)
			want = LISTING_MAX;
		if ((grown = realloc(*v, want * sizeof(**v))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		*v = grown;
		*cap = want;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*n)++;
	return 0;
}

int
listing_read(int folder, struct listing_entry **entries, size_t *n)
{
	struct listing_entry *v = NULL, *e;
	size_t count = 0, cap = 0;
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	int fd, dfd, saved;

	/* A descriptor of our own: readdir moves its offset, and folder may be
	 * O_PATH, through which nothing can be read. */
	fd = openat(folder, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	dfd = dirfd(dir);
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0)
				goto fail;
			break;
		}
		if (!listing_shows(de->d_name) ||
		    strlen(de->d_name) >= sizeof(e->name))
			continue;
		/* Not following a link: its target might lie outside. An
		 * entry gone since readdir is simply not listed. */
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
			continue;
		if (add(&v, &count, &cap) == -1)
			goto fail;
		e = &v[count - 1];
		memcpy(e->name, de->d_name, strlen(de->d_name) + 1);
		e->is_dir = S_ISDIR(sb.st_mode);
		e->size = e->is_dir ? 0 : sb.st_size;
		if (!e->is_dir && is_gemtext(e->name))
			read_title(dfd, e->name, e);
	}
	closedir(dir);
	*entries = v;
	*n = count;
	return 0;

fail:
	saved = errno;
	closedir(dir);
	free(v);
	errno = saved;
	return -1;
}
