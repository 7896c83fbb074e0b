/*
 * sandbox.c - dropping root, then Landlock and a seccomp allow-list.
 *
 * Neither Landlock nor seccomp needs a library: both are a few system
 * calls and structures from the kernel's headers, which Debian 12 ships
 * (older ones lack Landlock's newer fields, so those are defined here).
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
sandbox_drop_privileges(const char *user, char *err, size_t errsize)
{
	struct passwd *pw;
	gid_t gid;
	uid_t uid;

	if (geteuid() != 0)
		return 0;   /* nothing to give up */
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errsize, "[server] user: %s: %s", user,
		    errno != 0 ? strerror(errno) : "no such user");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errsize, "[server] user: %s is root: refusing to "
		    "serve with every privilege", user);
		return -1;
	}
	/* Groups first: once the user changes, they can no longer change. */
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		snprintf(err, errsize, "cannot become %s: %s", user,
		    strerror(errno));
		return -1;
	}
	/* Trust, but verify: no way back to root. */
	if (setuid(0) != -1 || seteuid(0) != -1 || getuid() != uid ||
	    geteuid() != uid || getgid() != gid || getegid() != gid) {
		snprintf(err, errsize, "dropping to %s did not hold", user);
		return -1;
	}
	return 1;
}

/* Sanitizer builds (make test SANITIZE=1) are tests, not deployments: their
 * leak check at exit needs /proc and a few system calls, allowed below. */
#if defined(__SANITIZE_ADDRESS__)
#define KIZUNA_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KIZUNA_SANITIZED 1
#endif
#endif

/* --- Landlock ---------------------------------------------------------- */

struct sandbox {
	int ruleset;              /* Landlock's, or -1 */
	int landlock_abi;
	char landlock_why[128];   /* why there is no ruleset */
};

/* Rights newer than Debian 12's headers (ABI 3 and 5). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LL_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* The ruleset as of ABI 6; older kernels are given a prefix of it. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

/* Every file system right the kernel knows of at abi: handled, so denied
 * unless a rule grants it. */
static uint64_t
ll_fs_rights(int abi)
{
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;   /* ABI 1 */

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

static int
ll_allow(int ruleset, const char *dir, uint64_t rights, char *err,
    size_t errsize)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = rights };
	int rc;

	rule.parent_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rule.parent_fd == -1) {
		snprintf(err, errsize, "landlock: %s: %s", dir, strerror(errno));
		return -1;
	}
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	if (rc == -1)
		snprintf(err, errsize, "landlock: a rule for %s: %s", dir,
		    strerror(errno));
	close(rule.parent_fd);
	return rc;
}

/*
 * Builds the ruleset into sb (sb->ruleset, or -1 with sb->landlock_why
 * when the kernel has no Landlock). Returns 0, or -1 with err set.
 */
static int
landlock_prepare(struct sandbox *sb, const struct sandbox_rules *rules,
    char *err, size_t errsize)
{
	struct ll_ruleset_attr attr = { 0 };
	uint64_t read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	uint64_t write = LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_REG;
	size_t size;
	int abi, i;

	sb->ruleset = -1;
	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi <= 0) {
		snprintf(sb->landlock_why, sizeof(sb->landlock_why), "%s",
		    errno == EOPNOTSUPP ? "disabled in this kernel" :
		    errno == ENOSYS ? "not in this kernel (Linux < 5.13)" :
		    strerror(errno));
		return 0;
	}
	attr.handled_access_fs = ll_fs_rights(abi);
	size = sizeof(attr.handled_access_fs);
	if (abi >= 4) {
		/* Serving needs neither: the listeners are bound already. */
		attr.handled_access_net = LL_ACCESS_NET_BIND_TCP |
		    LL_ACCESS_NET_CONNECT_TCP;
		size += sizeof(attr.handled_access_net);
	}
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_SIGNAL;
		size += sizeof(attr.scoped);
	}
	if (abi >= 3)
		write |= LANDLOCK_ACCESS_FS_TRUNCATE;
	sb->ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (sb->ruleset == -1) {
		snprintf(err, errsize, "landlock: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < rules->nread_dirs; i++)
		if (ll_allow(sb->ruleset, rules->read_dirs[i], read, err,
		    errsize) == -1)
			return -1;
	if (rules->write_dir != NULL && ll_allow(sb->ruleset,
	    rules->write_dir, write, err, errsize) == -1)
		return -1;
#ifdef KIZUNA_SANITIZED
	if (ll_allow(sb->ruleset, "/proc", read, err, errsize) == -1)
		return -1;
#endif
	sb->landlock_abi = abi;
	return 0;
}

/* --- seccomp ----------------------------------------------------------- */

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef SECCOMP_ARCH

/*
 * The system calls serving needs, after start-up: reading files and
 * sockets, the event loop, memory, threads, time and randomness, what
 * a reload reads again (files and directories, never new sockets), and
 * watching the articles folder for live updates. Names
 * missing on an architecture (open on aarch64) are skipped. ioctl and
 * clone are allowed only with the arguments in arg_rules below.
 */
static const int allowed_calls[] = {
	/* files: the capsule, the articles and config on reload, the log */
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_close,
	SYS_lseek, SYS_fstat, SYS_newfstatat, SYS_statx, SYS_openat, SYS_dup3,
	SYS_openat2, SYS_getdents64, SYS_fcntl, SYS_readlinkat, SYS_getcwd,
#ifdef SYS_open
	SYS_open, SYS_stat, SYS_lstat, SYS_readlink,
#endif
	/* live updates: the articles folder, made after start-up or again
	 * (its inotify descriptor is made before confinement) */
	SYS_inotify_add_watch,
	/* sockets and the event loop */
	SYS_accept4, SYS_accept, SYS_recvfrom, SYS_recvmsg, SYS_sendto,
	SYS_sendmsg, SYS_shutdown, SYS_setsockopt, SYS_getsockopt,
	SYS_getsockname, SYS_getpeername, SYS_epoll_ctl, SYS_epoll_pwait,
#ifdef SYS_epoll_wait
	SYS_epoll_wait,
#endif
#ifdef SYS_epoll_pwait2
	SYS_epoll_pwait2,
#endif
	/* memory */
	SYS_mmap, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_brk, SYS_madvise,
	/* threads (clone: see arg_rules), signals, exit */
	SYS_futex, SYS_set_robust_list,
#ifdef SYS_rseq
	SYS_rseq,
#endif
	SYS_sched_yield, SYS_sched_getaffinity, SYS_getpid, SYS_gettid,
	SYS_tgkill, SYS_rt_sigprocmask, SYS_rt_sigtimedwait, SYS_rt_sigreturn,
	SYS_rt_sigaction,
	SYS_restart_syscall, SYS_exit, SYS_exit_group,
	/* time and randomness */
	SYS_clock_gettime, SYS_clock_nanosleep, SYS_nanosleep,
	SYS_gettimeofday, SYS_getrandom,
#ifdef SYS_time
	/* x86_64: glibc's time() calls it when the vDSO has no __vdso_time
	 * (a kernel booted with vdso=0). */
	SYS_time,
#endif
#ifdef KIZUNA_SANITIZED
	/* LeakSanitizer's exit check: it stops the threads with ptrace from
	 * a helper and reads /proc/self/maps. Sanitizer builds only. */
	SYS_ptrace, SYS_wait4, SYS_prctl, SYS_sigaltstack,
	SYS_getppid, SYS_pipe2, SYS_process_vm_readv,
#ifdef SYS_pipe
	SYS_pipe, SYS_dup2, SYS_getdents,
#endif
#endif
};

#define NCALLS (sizeof(allowed_calls) / sizeof(allowed_calls[0]))

/* What glibc's pthread_create passes to clone (nptl/pthread_create.c,
 * create_thread; the same since 2.34, checked against 2.36 with strace),
 * once clone3 has failed with ENOSYS: no exit signal, nothing more. */
#define THREAD_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | \
	CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | \
	CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* LeakSanitizer's StopTheWorld starts its tracer with these (no exit
 * signal): a process sharing memory but not a thread. Sanitizer builds. */
#define LSAN_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED)

/*
 * A call allowed only when one argument is one of a few exact values.
 * Only the argument's low 32 bits are compared (x86_64 and aarch64 are
 * little-endian, and the arch check refuses big-endian aarch64): for both
 * calls here they are all the kernel reads (ioctl's cmd is an unsigned
 * int, clone takes lower_32_bits of its flags).
 */
struct arg_rule {
	int nr;
	int arg;                /* which argument, from 0 */
	unsigned values[2];
	int nvalues;
};

static const struct arg_rule arg_rules[] = {
	/* Only to ask how much input is pending (the lingering close):
	 * never TIOCSTI on a terminal the server was started from. */
	{ SYS_ioctl, 1, { FIONREAD }, 1 },
	/* Threads only: no new process, no namespace (CLONE_NEWUSER and
	 * its kind), whatever systemd's RestrictNamespaces= is. */
#ifdef KIZUNA_SANITIZED
	{ SYS_clone, 0, { THREAD_CLONE_FLAGS, LSAN_CLONE_FLAGS }, 2 },
#else
	{ SYS_clone, 0, { THREAD_CLONE_FLAGS }, 1 },
#endif
};

#define NARG_RULES (sizeof(arg_rules) / sizeof(arg_rules[0]))

/* arch check (3) + load number (1) + x32 check (2) + a pair per call +
 * at most 6 per argument rule + clone3 (2) + the last return (1). */
#define MAX_FILTER (6 + 2 * NCALLS + 6 * NARG_RULES + 3)

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) \
	((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))

/* A forbidden call: say which, and stop. Async-signal-safe calls only. */
static void
on_sigsys(int sig, siginfo_t *info, void *context)
{
	static const char head[] = "kizuna: seccomp: system call ";
	static const char tail[] = " is not on the allow-list: stopping "
	    "(please report this)\n";
	char msg[sizeof(head) + 12 + sizeof(tail)], digits[12];
	unsigned n = (unsigned)info->si_syscall;
	size_t nd = 0, len = 0;

	(void)sig;
	(void)context;
	do {
		digits[nd++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && nd < sizeof(digits));
	memcpy(msg, head, sizeof(head) - 1);
	len = sizeof(head) - 1;
	while (nd > 0)
		msg[len++] = digits[--nd];
	memcpy(msg + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	if (write(STDERR_FILENO, msg, len) == -1) {
		/* nowhere left to say it */
	}
	_exit(70);
}

/*
 * Each rule below stands alone: its jumps land inside it or on the rule
 * after it, so adding or removing one shifts no other offset. A rule that
 * loads an argument returns on every path: the next one expects the
 * accumulator to hold the call's number.
 */

/* The call, with any arguments. */
static size_t
rule_allow(struct sock_filter *f, size_t n, int nr)
{
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return n;
}

/* The call with one of the rule's values, else stopped. */
static size_t
rule_allow_arg(struct sock_filter *f, size_t n, const struct arg_rule *r)
{
	int i;

	/* Not this call: over the load, the values and both returns. */
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)r->nr, 0,
	    (unsigned char)(r->nvalues + 3));
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
	    (unsigned)(offsetof(struct seccomp_data, args) +
	    (size_t)r->arg * sizeof(uint64_t)));
	for (i = 0; i < r->nvalues; i++)
		/* Equal: over the other values and TRAP, to ALLOW. */
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->values[i],
		    (unsigned char)(r->nvalues - i), 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return n;
}

#ifdef SYS_clone3
/* The call fails with errno, and the process goes on. */
static size_t
rule_errno(struct sock_filter *f, size_t n, int nr, int error)
{
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
	f[n++] = STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ERRNO | ((unsigned)error & SECCOMP_RET_DATA));
	return n;
}
#endif

static int
seccomp_confine(struct sandbox_report *report, char *err, size_t errsize)
{
	struct sock_filter filter[MAX_FILTER];
	struct sock_fprog prog;
	struct sigaction sa;
	size_t n = 0, i;

	filter[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	filter[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0);
	filter[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	filter[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
	/* x32 calls share the architecture tag: refuse them all. */
	filter[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
	filter[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
#endif
	/* The busiest calls (read, write, epoll) come first. */
	for (i = 0; i < NCALLS; i++)
		n = rule_allow(filter, n, allowed_calls[i]);
	for (i = 0; i < NARG_RULES; i++)
		n = rule_allow_arg(filter, n, &arg_rules[i]);
#ifdef SYS_clone3
	/* clone3 passes its flags in memory, which a filter cannot read:
	 * ENOSYS makes glibc (2.34+) fall back to clone, checked above. */
	n = rule_errno(filter, n, SYS_clone3, ENOSYS);
#endif
	filter[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1) {
		snprintf(err, errsize, "seccomp: SIGSYS handler: %s",
		    strerror(errno));
		return -1;
	}
	prog.len = (unsigned short)n;
	prog.filter = filter;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == -1) {
		/* Not in the kernel, or refused by a filter above us (a
		 * container's): serve without, as without Landlock. */
		snprintf(report->seccomp_why, sizeof(report->seccomp_why),
		    "%s", errno == EINVAL || errno == ENOSYS ?
		    "not in this kernel" : strerror(errno));
		return 0;
	}
	return (int)(NCALLS + NARG_RULES);
}

#else

static int
seccomp_confine(struct sandbox_report *report, char *err, size_t errsize)
{
	(void)err;
	(void)errsize;
	snprintf(report->seccomp_why, sizeof(report->seccomp_why),
	    "no allow-list for this architecture");
	return 0;
}

#endif

struct sandbox *
sandbox_prepare(const struct sandbox_rules *rules, char *err, size_t errsize)
{
	struct sandbox *sb;

	if ((sb = calloc(1, sizeof(*sb))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (landlock_prepare(sb, rules, err, errsize) == -1) {
		sandbox_free(sb);
		return NULL;
	}
	return sb;
}

void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	if (sb->ruleset != -1)
		close(sb->ruleset);
	free(sb);
}

int
sandbox_confine(struct sandbox *sb, struct sandbox_report *report,
    char *err, size_t errsize)
{
	memset(report, 0, sizeof(*report));
	/* Both need it, and it is what makes them irrevocable: no exec can
	 * gain privileges (set-uid, file capabilities) from here on. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errsize, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (sb->ruleset == -1)
		snprintf(report->landlock_why, sizeof(report->landlock_why),
		    "%s", sb->landlock_why);
	else if (syscall(SYS_landlock_restrict_self, sb->ruleset, 0) == -1) {
		snprintf(err, errsize, "landlock: %s", strerror(errno));
		return -1;
	} else
		report->landlock_abi = sb->landlock_abi;
	/* Last: the filter does not allow the calls Landlock needs. */
	if ((report->seccomp_calls = seccomp_confine(report, err,
	    errsize)) == -1)
		return -1;
	return 0;
}
