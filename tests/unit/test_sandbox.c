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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
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
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	close(listen_fd);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_landlock_reads_only_the_capsule),
		cmocka_unit_test(test_landlock_writes_only_the_log_dir),
		cmocka_unit_test(test_seccomp_stops_new_sockets),
		cmocka_unit_test(test_seccomp_stops_exec),
		cmocka_unit_test(test_seccomp_ioctl_only_fionread),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
