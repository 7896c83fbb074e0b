/*
 * beneath.c - opening a file beneath a directory.
 */
#define _GNU_SOURCE
#include "beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

int
beneath_openat2(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)flags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, *rel == '\0' ? "." : rel, &how,
	    sizeof(how));
}

/* Copies the component of rel at *pos into name; 0 at the end of rel. */
static int
next_component(const char *rel, size_t *pos, char name[NAME_MAX + 1])
{
	size_t start, len;

	for (;;) {
		while (rel[*pos] == '/')
			(*pos)++;
		if (rel[*pos] == '\0')
			return 0;
		start = *pos;
		while (rel[*pos] != '/' && rel[*pos] != '\0')
			(*pos)++;
		len = *pos - start;
		if (len == 1 && rel[start] == '.')
			continue;
		if (len > NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, rel + start, len);
		name[len] = '\0';
		return 1;
	}
}

int
beneath_walk(int dirfd, const char *rel, int flags)
{
	char name[NAME_MAX + 1], next[NAME_MAX + 1];
	size_t pos = 0;
	int dir = dirfd, fd, more, saved;

	if ((more = next_component(rel, &pos, name)) <= 0)
		return more == 0 ? openat(dirfd, ".", flags) : -1;
	for (;;) {
		if (strcmp(name, "..") == 0) {
			fd = -1;
			errno = EXDEV;
			break;
		}
		if ((more = next_component(rel, &pos, next)) == -1) {
			fd = -1;
			break;
		}
		if (more == 0) {
			fd = openat(dir, name, flags | O_NOFOLLOW);
			break;
		}
		/* O_PATH: a directory we only pass through needs no read
		 * permission of its own, as with an ordinary path lookup. */
		fd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd == -1)
			break;
		if (dir != dirfd)
			close(dir);
		dir = fd;
		memcpy(name, next, sizeof(name));
	}
	saved = errno;
	if (dir != dirfd)
		close(dir);
	errno = saved;
	return fd;
}

int
beneath_open(int dirfd, const char *rel, int flags, int *walking)
{
	int fd;

	if (!*walking) {
		fd = beneath_openat2(dirfd, rel, flags);
		if (fd != -1 || errno != ENOSYS)
			return fd;
		*walking = 1;
	}
	return beneath_walk(dirfd, rel, flags);
}

int
beneath_open_regular(int dirfd, const char *rel, int *walking,
    const char **why)
{
	struct stat sb;
	int fd;

	if ((fd = beneath_open(dirfd, rel, O_PATH | O_CLOEXEC, walking)) ==
	    -1) {
		*why = errno == EXDEV ? "a link leaving the capsule root" :
		    errno == ELOOP ? "a symbolic link (not followed)" :
		    strerror(errno);
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		*why = strerror(errno);
		close(fd);
		return -1;
	}
	/* The walk opens a last component that is a link as the link. */
	if (!S_ISREG(sb.st_mode)) {
		*why = S_ISLNK(sb.st_mode) ? "a symbolic link (not followed)" :
		    "not a regular file";
		close(fd);
		return -1;
	}
	close(fd);
	fd = beneath_open(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK, walking);
	if (fd == -1)
		*why = strerror(errno);
	return fd;
}
