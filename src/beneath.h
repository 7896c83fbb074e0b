/*
 * beneath.h - opening a file beneath a directory, and never outside it.
 *
 * Two ways, for the two kinds of kernel: openat2 with RESOLVE_BENEATH
 * (Linux 5.6 and later), where the kernel resolves the whole path and
 * refuses any step out, including through symbolic links and "..", and a
 * walk of one component at a time with O_NOFOLLOW for older kernels.
 */
#ifndef KIZUNA_BENEATH_H
#define KIZUNA_BENEATH_H

/*
 * openat2(dirfd, rel, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS).
 * Symbolic links that stay beneath dirfd are followed; a path that would
 * leave fails with EXDEV. Fails with ENOSYS where the kernel lacks openat2.
 */
int beneath_openat2(int dirfd, const char *rel, int flags);

/*
 * Opens rel by walking it one component at a time from dirfd, each opened
 * with O_NOFOLLOW: no symbolic link is followed at all (ELOOP or ENOTDIR),
 * which is stricter than beneath_openat2 but needs no support from the
 * kernel and, unlike a realpath check, leaves no window between checking
 * and opening. ".." fails with EXDEV; empty and "." components are skipped.
 */
int beneath_walk(int dirfd, const char *rel, int flags);

/*
 * What every caller uses: beneath_openat2, or beneath_walk where the kernel
 * lacks openat2. *walking starts at 0 and is set to 1 at the first ENOSYS,
 * so that later calls go straight to the walk; the caller, seeing it turn
 * 1, says in its log that links are no longer followed. Returns the
 * descriptor, or -1 with errno set (EXDEV for a path leaving dirfd).
 */
int beneath_open(int dirfd, const char *rel, int flags, int *walking);

/*
 * Opens rel for reading (beneath_open, *walking as there) if it is a
 * regular file, and opens nothing else: it is first opened O_PATH (which
 * reaches no driver and wakes no FIFO writer) and looked at; O_NONBLOCK
 * and O_NOCTTY cover a file swapped in between, and a reader checks it
 * again. Returns the descriptor, or -1 with *why set to a static reason
 * (errno's, "a link leaving the capsule root", "a symbolic link (not
 * followed)", "not a regular file") and errno as the failed call left it.
 */
int beneath_open_regular(int dirfd, const char *rel, int *walking,
    const char **why);

#endif
