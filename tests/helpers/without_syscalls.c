/*
 * without_syscalls.c - runs a command as on a kernel that lacks some system
 * calls: each one named fails with ENOSYS.
 *
 *   without_syscalls NAME[,NAME...] COMMAND [ARG...]
 *
 * NAME is one of: landlock (the three landlock_* calls), seccomp, openat2.
 * For the integration tests of kizuna's fallbacks: a seccomp filter of our
 * own, inherited across exec, stands in for an older kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CALLS 8

static int
add_calls(const char *name, int *nrs, int *n)
{
	if (strcmp(name, "landlock") == 0) {
		nrs[(*n)++] = SYS_landlock_create_ruleset;
		nrs[(*n)++] = SYS_landlock_add_rule;
		nrs[(*n)++] = SYS_landlock_restrict_self;
	} else if (strcmp(name, "seccomp") == 0)
		nrs[(*n)++] = SYS_seccomp;
	else if (strcmp(name, "openat2") == 0)
		nrs[(*n)++] = SYS_openat2;
	else
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sock_filter filter[MAX_CALLS + 4];
	struct sock_fprog prog;
	char names[256], *name, *save;
	int nrs[MAX_CALLS], n = 0, i, len = 0;

	if (argc < 3 || strlen(argv[1]) >= sizeof(names)) {
		fprintf(stderr, "usage: without_syscalls NAME[,NAME...] "
		    "COMMAND [ARG...]\n");
		return 2;
	}
	strcpy(names, argv[1]);
	for (name = strtok_r(names, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save))
		if (n + 3 > MAX_CALLS || add_calls(name, nrs, &n) == -1) {
			fprintf(stderr, "without_syscalls: %s: unknown\n", name);
			return 2;
		}
	filter[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++)
		filter[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, (unsigned)nrs[i], (unsigned char)(n - i), 0);
	filter[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	filter[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ERRNO | ENOSYS);
	prog.len = (unsigned short)len;
	prog.filter = filter;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == -1) {
		perror("without_syscalls: seccomp");
		return 2;
	}
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
