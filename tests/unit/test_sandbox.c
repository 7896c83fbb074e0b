/*
 * test_sandbox.c - what a confined process can no longer do (links
 * sandbox.c only). Confinement cannot be undone, so each check runs in a
 * forked child that confines itself and reports by its exit status.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox.h"

/* The exit status of a process stopped by the seccomp filter. */
#define SECCOMP_STOPPED 70

static char top[PATH_MAX];   /* capsule/, logs/, outside/ */
static char capsule[PATH_MAX + 16], logs[PATH_MAX + 16];
static int landlock_abi;     /* what the kernel offers, 0: none */
static int listen_port;      /* a TCP listener the child must not reach */
static int listen_fd = -1;
static int inotify_fd = -1;  /* made before confinement, as the server's */

static void
path_of(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", top, rel);
}

static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	path_of(path, sizeof(path), rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char path[PATH_MAX * 2];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/kizuna-sandbox-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	path_of(capsule, sizeof(capsule), "capsule");
	path_of(logs, sizeof(logs), "logs");
	mkdir(capsule, 0755);
	mkdir(logs, 0755);
	path_of(path, sizeof(path), "outside");
	mkdir(path, 0755);
	put("capsule/index.gmi", "inside\n");
	put("outside/secret", "SECRET\n");
	landlock_abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    1U /* LANDLOCK_CREATE_RULESET_VERSION */);
	if (landlock_abi < 0)
		landlock_abi = 0;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd == -1 || bind(listen_fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 || listen(listen_fd, 4) == -1 ||
	    getsockname(listen_fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	listen_port = ntohs(sin.sin_port);
	inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return inotify_fd == -1 ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	close(listen_fd);
	close(inotify_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* In the child: confine as the server does; exits 99 when that fails. */
static void
confine(void)
{
	struct sandbox_rules rules = { .nread_dirs = 1, .write_dir = logs };
	struct sandbox_report report;
	struct sandbox *sb;
	char err[256];

	rules.read_dirs[0] = capsule;
	if ((sb = sandbox_prepare(&rules, err, sizeof(err))) == NULL ||
	    sandbox_confine(sb, &report, err, sizeof(err)) == -1) {
		fprintf(stderr, "confine: %s\n", err);
		_exit(99);
	}
	if (report.seccomp_calls == 0)
		_exit(98);   /* no filter: this test means nothing here */
}

/* Runs check in a confined child; returns its exit status (or 128 + the
 * signal that ended it). */
static int
in_confined_child(int (*check)(void))
{
	int status;
	pid_t pid = fork();

	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		/* The forbidden call's message is expected: keep it quiet. */
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, STDERR_FILENO);
		confine();
		_exit(check());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Each check returns 0 when the child could do what the server needs and
 * could not do what it must not; else a number saying which step. */

static int
open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd == -1)
		return errno;
	close(fd);
	return 0;
}

static int
check_reads_capsule_only(void)
{
	char path[PATH_MAX * 2];

	path_of(path, sizeof(path), "capsule/index.gmi");
	if (open_errno(path, O_RDONLY) != 0)
		return 1;
	path_of(path, sizeof(path), "outside/secret");
	if (open_errno(path, O_RDONLY) != EACCES)
		return 2;
	if (open_errno("/etc/passwd", O_RDONLY) != EACCES)
		return 3;
	return 0;
}

static int
check_writes_log_dir_only(void)
{
	char path[PATH_MAX * 2];

	path_of(path, sizeof(path), "logs/access.log");
	if (open_errno(path, O_WRONLY | O_CREAT | O_APPEND) != 0)
		return 1;
	path_of(path, sizeof(path), "capsule/index.gmi");
	if (open_errno(path, O_WRONLY | O_APPEND) != EACCES)
		return 2;
	path_of(path, sizeof(path), "capsule/new.gmi");
	if (open_errno(path, O_WRONLY | O_CREAT) != EACCES)
		return 3;
	return 0;
}

/* Serving makes no new sockets: a shell-code's connect-back cannot. */
static int
check_socket_stops(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)listen_port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	return 1;
}

static int
check_exec_stops(void)
{
	char *argv[] = { "/bin/true", NULL };

	execv(argv[0], argv);
	return 1;
}

static int
check_tiocsti_stops(void)
{
	char c = 'x';

	ioctl(STDIN_FILENO, TIOCSTI, &c);
	return 1;
}

static int
check_fionread_allowed(void)
{
	int pending = -1;

	/* How the lingering close asks what input is left: allowed. */
	if (ioctl(listen_fd, FIONREAD, &pending) == -1 && errno != EINVAL)
		return 1;
	return 0;
}

/*
 * clone: only the flags glibc's pthread_create passes. A refused clone
 * stops the process (exit 70) as any call off the list does: kizuna never
 * makes one, so it means the process is no longer running kizuna's code.
 * Each is the raw system call, flags first on every architecture; a child
 * that does come into being leaves at once.
 */
static int
clone_refused(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);

	if (pid == 0)
		_exit(0);
	return pid > 0 ? 1 : 2;   /* created / failed: not stopped either way */
}

static int
check_clone_newuser_stops(void)
{
	return clone_refused(CLONE_NEWUSER | SIGCHLD);
}

static int
check_clone_newnet_stops(void)
{
	return clone_refused(CLONE_NEWNET | SIGCHLD);
}

static int
check_clone_newns_stops(void)
{
	return clone_refused(CLONE_NEWNS | SIGCHLD);
}

static int
check_clone_namespaces_stop(void)
{
	return clone_refused(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS |
	    SIGCHLD);
}

/* A new process rather than a thread: glibc's fork() flags. */
static int
check_clone_fork_stops(void)
{
	return clone_refused(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
	    SIGCHLD);
}

/* The thread flags and one more: the match is exact, not a subset. (The
 * kernel refuses CLONE_NEWUSER with CLONE_FS, so without the filter this
 * fails with EINVAL rather than starting a thread on this stack.) */
static int
check_clone_thread_plus_stops(void)
{
	return clone_refused(CLONE_VM | CLONE_FS | CLONE_FILES |
	    CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
	    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_NEWUSER);
}

/* clone3 passes its flags in memory, where a filter cannot read them: it
 * is answered ENOSYS, and glibc falls back to clone. */
static int
check_clone3_enosys(void)
{
#ifdef SYS_clone3
	uint64_t args[11] = { 0 };   /* struct clone_args, version 2 */
	long pid;

	args[4] = SIGCHLD;   /* exit_signal: a plain fork */
	pid = syscall(SYS_clone3, args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid != -1)
		return 1;
	if (errno != ENOSYS)
		return 2;
#endif
	return 0;
}

static void *
thread_main(void *arg)
{
	return arg;
}

static int
check_pthread_create_allowed(void)
{
	pthread_t thread;
	void *back = NULL;
	int marker = 0;

	if (pthread_create(&thread, NULL, thread_main, &marker) != 0)
		return 1;
	if (pthread_join(thread, &back) != 0 || back != &marker)
		return 2;
	return 0;
}

/* glibc calls time(2) itself where the vDSO lacks __vdso_time (x86_64
 * booted with vdso=0); aarch64 has no such call. */
static int
check_time_allowed(void)
{
#ifdef SYS_time
	long now = syscall(SYS_time, NULL);

	if (now == -1)
		return 1;
	if (labs(now - (long)time(NULL)) > 5)
		return 2;
#endif
	return 0;
}

/*
 * Live updates: with the descriptor made before confinement, a folder can
 * be watched (the articles folder appearing later) and its events read.
 * The watch is on the log directory, the one the child may write in.
 */
static int
check_inotify_watch_allowed(void)
{
	char path[PATH_MAX * 2], buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	int wd, fd;

	if ((wd = inotify_add_watch(inotify_fd, logs, IN_CLOSE_WRITE)) == -1)
		return 1;
	snprintf(path, sizeof(path), "%s/new.txt", logs);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return 2;
	close(fd);
	if ((n = read(inotify_fd, buf, sizeof(buf))) < (ssize_t)sizeof(*ev))
		return 3;
	ev = (const struct inotify_event *)buf;
	if (ev->wd != wd || !(ev->mask & IN_CLOSE_WRITE) ||
	    strcmp(ev->name, "new.txt") != 0)
		return 4;
	return 0;
}

/* Only the watch: a new inotify descriptor is not needed once confined. */
static int
check_inotify_init_stops(void)
{
	return inotify_init1(IN_CLOEXEC) == -1 ? 1 : 2;
}

static void
test_landlock_reads_only_the_capsule(void **state)
{
	(void)state;
	if (landlock_abi == 0)
		skip();
	assert_int_equal(in_confined_child(check_reads_capsule_only), 0);
}

static void
test_landlock_writes_only_the_log_dir(void **state)
{
	(void)state;
	if (landlock_abi == 0)
		skip();
	assert_int_equal(in_confined_child(check_writes_log_dir_only), 0);
}

static void
test_seccomp_stops_new_sockets(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_socket_stops),
	    SECCOMP_STOPPED);
}

static void
test_seccomp_stops_exec(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_exec_stops), SECCOMP_STOPPED);
}

static void
test_seccomp_ioctl_only_fionread(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_fionread_allowed), 0);
	assert_int_equal(in_confined_child(check_tiocsti_stops),
	    SECCOMP_STOPPED);
}

static void
test_seccomp_clone_namespaces_stop(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_clone_newuser_stops),
	    SECCOMP_STOPPED);
	assert_int_equal(in_confined_child(check_clone_newnet_stops),
	    SECCOMP_STOPPED);
	assert_int_equal(in_confined_child(check_clone_newns_stops),
	    SECCOMP_STOPPED);
	assert_int_equal(in_confined_child(check_clone_namespaces_stop),
	    SECCOMP_STOPPED);
}

static void
test_seccomp_clone_only_threads(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_clone_fork_stops),
	    SECCOMP_STOPPED);
	assert_int_equal(in_confined_child(check_clone_thread_plus_stops),
	    SECCOMP_STOPPED);
	assert_int_equal(in_confined_child(check_pthread_create_allowed), 0);
}

static void
test_seccomp_clone3_enosys(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_clone3_enosys), 0);
}

static void
test_seccomp_time_allowed(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_time_allowed), 0);
}

static void
test_seccomp_inotify_watch_only(void **state)
{
	(void)state;
	assert_int_equal(in_confined_child(check_inotify_watch_allowed), 0);
	assert_int_equal(in_confined_child(check_inotify_init_stops),
	    SECCOMP_STOPPED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_landlock_reads_only_the_capsule),
		cmocka_unit_test(test_landlock_writes_only_the_log_dir),
		cmocka_unit_test(test_seccomp_stops_new_sockets),
		cmocka_unit_test(test_seccomp_stops_exec),
		cmocka_unit_test(test_seccomp_ioctl_only_fionread),
		cmocka_unit_test(test_seccomp_clone_namespaces_stop),
		cmocka_unit_test(test_seccomp_clone_only_threads),
		cmocka_unit_test(test_seccomp_clone3_enosys),
		cmocka_unit_test(test_seccomp_time_allowed),
		cmocka_unit_test(test_seccomp_inotify_watch_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
