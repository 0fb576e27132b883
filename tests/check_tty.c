/*
 * check_tty.c: the console's terminal going away.  `vigil --demo=knight`,
 * the program `make demo` runs, is started on a real pseudo-terminal of
 * the test's own, drawn on for a while, and then the terminal hangs up:
 * the test closes the pty's master, as a killed tmux server, a closed
 * window or a dropped SSH link does.  vigil must notice, stop its
 * embedded fleet, remove the fleet's directory and exit, at once.
 *
 * Two ways of being on the terminal:
 * - under a parent that stays (make, for `make demo`): only the parent,
 *   the session leader, gets SIGHUP, and vigil sees the hangup on its
 *   /dev/tty alone (read() returning 0, POLLHUP, EIO);
 * - as the session leader itself (`tmux new vigil --demo`, `ssh -t host
 *   vigil --demo`): the kernel sends vigil SIGHUP as well.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "e2e.h"
#include "tests.h"

#define TTY_DRAW_MS	20000	/* for the console's first frame */
#define TTY_EXIT_MS	5000	/* from the hangup to vigil's end */
#define TTY_HUNGUP	129	/* vigil's status for a terminal gone */

static void	 tty_run_vigil(const char *slave, int leader, int report)
		    __attribute__((noreturn));
static int	 tty_read_int(int fd, int timeout_ms, int *value);
static int	 tty_drain_until(int master, const char *what,
		    int timeout_ms);
static pid_t	 tty_child_of(pid_t pid);
static int	 tty_demo_dirs(void);

/*
 * In the child: become the session leader of the pty slave (so that it
 * is the controlling terminal), then run vigil as make runs it, in a
 * child of ours that stays in our process group, or (leader set) as
 * ourselves.  Writes vigil's pid, then (when not the leader) its wait
 * status, to report.
 */
static void
tty_run_vigil(const char *slave, int leader, int report)
{
	char	*vigil = e2e_bin("vigil"), tmp[1024];
	int	 fd, status, pid;

	setsid();
	if ((fd = open(slave, O_RDWR)) == -1)
		_exit(126);
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	snprintf(tmp, sizeof tmp, "TMPDIR=%s", e2e_dir());
	putenv(tmp);
	setenv("XDG_CONFIG_HOME", e2e_dir(), 1);
	setenv("TERM", "xterm", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	unsetenv("NO_COLOR");
	unsetenv("VIGIL_KEY");
	if (!leader) {
		/* make: the session leader, who takes the SIGHUP and stays. */
		signal(SIGHUP, SIG_IGN);
		if ((pid = fork()) == -1)
			_exit(125);
		if (pid != 0) {
			(void)!write(report, &pid, sizeof pid);
			while (waitpid(pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			(void)!write(report, &status, sizeof status);
			_exit(0);
		}
		signal(SIGHUP, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	} else {
		pid = getpid();
		(void)!write(report, &pid, sizeof pid);
	}
	close(report);
	execl(vigil, "vigil", "--demo=knight", (char *)NULL);
	_exit(127);
}

/* Read one int from fd within timeout_ms.  Returns 0, or -1. */
static int
tty_read_int(int fd, int timeout_ms, int *value)
{
	struct pollfd	pfd;
	int64_t		deadline = e2e_now_ms() + timeout_ms, left;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((left = deadline - e2e_now_ms()) > 0) {
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		return (read(fd, value, sizeof *value) == sizeof *value ? 0 :
		    -1);
	}
	return (-1);
}

/*
 * Read what the console draws until what appears (the buffer must not
 * fill, or vigil would block writing).  Returns 0, or -1 on timeout.
 */
static int
tty_drain_until(int master, const char *what, int timeout_ms)
{
	struct pollfd	pfd;
	int64_t		deadline = e2e_now_ms() + timeout_ms, left;
	static char	seen[1 << 20];
	size_t		len = 0;
	ssize_t		n;

	pfd.fd = master;
	pfd.events = POLLIN;
	while ((left = deadline - e2e_now_ms()) > 0) {
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (len >= sizeof seen - 1)
			len = 0;
		if ((n = read(master, seen + len, sizeof seen - 1 - len)) <= 0)
			return (-1);
		len += (size_t)n;
		seen[len] = '\0';
		if (memmem(seen, len, what, strlen(what)) != NULL)
			return (0);
	}
	return (-1);
}

/* A child of pid (its first), or -1. */
static pid_t
tty_child_of(pid_t pid)
{
	FILE	*f;
	char	 path[64];
	int	 child = -1;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	if (fscanf(f, "%d", &child) != 1)
		child = -1;
	fclose(f);
	return (child);
}

/* How many vigil-demo.* directories the test's TMPDIR holds. */
static int
tty_demo_dirs(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(e2e_dir())) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "vigil-demo.", 11) == 0)
			n++;
	}
	closedir(d);
	return (n);
}

START_TEST(hangup_ends_the_demo_console_and_its_fleet)
{
	struct winsize	 ws = { 24, 80, 0, 0 };
	const char	*how = _i == 0 ? "under make" : "as session leader";
	char		 slave[256];
	int		 master, report[2], vigil, status = -1, got;
	int64_t		 hung;
	pid_t		 vigild, child;

	e2e_setup();
	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    ptsname_r(master, slave, sizeof slave) != 0)
		ck_abort_msg("cannot make a pseudo-terminal: %s",
		    strerror(errno));
	ioctl(master, TIOCSWINSZ, &ws);
	if (pipe(report) == -1)
		ck_abort_msg("pipe: %s", strerror(errno));
	if ((child = e2e_fork()) == 0) {
		close(master);
		close(report[0]);
		tty_run_vigil(slave, _i == 1, report[1]);
	}
	close(report[1]);
	ck_assert_msg(tty_read_int(report[0], TTY_DRAW_MS, &vigil) == 0,
	    "vigil did not start (%s)", how);
	ck_assert_msg(tty_drain_until(master, "router/r8", TTY_DRAW_MS) == 0,
	    "the console did not draw router/r8 on the pty (%s)", how);
	vigild = tty_child_of(vigil);
	ck_assert_msg(vigild > 0, "vigil %d has no vigild child (%s)", vigil,
	    how);
	ck_assert_int_eq(tty_demo_dirs(), 1);

	/* The terminal goes: tmux kill-server, a closed window, ssh. */
	close(master);
	hung = e2e_now_ms();
	if (_i == 0)
		got = tty_read_int(report[0], TTY_EXIT_MS, &status);
	else {
		status = e2e_wait(child, TTY_EXIT_MS);
		got = status == -1 ? -1 : 0;
	}
	ck_assert_msg(got == 0, "vigil (%s) still runs %d ms after its "
	    "terminal hung up", how, (int)(e2e_now_ms() - hung));
	if (_i == 0) {
		ck_assert_msg(WIFEXITED(status), "vigil (%s) was killed by "
		    "signal %d instead of exiting", how, WTERMSIG(status));
		status = WEXITSTATUS(status);
	}
	ck_assert_msg(status == TTY_HUNGUP, "vigil (%s) exited with %d, not "
	    "%d, when its terminal hung up", how, status, TTY_HUNGUP);
	ck_assert_msg(kill(vigild, 0) == -1 && errno == ESRCH, "vigild %d "
	    "outlived vigil (%s)", (int)vigild, how);
	ck_assert_msg(tty_demo_dirs() == 0, "the embedded fleet's "
	    "vigil-demo.* directory was left in %s (%s)", e2e_dir(), how);
	close(report[0]);
	e2e_cleanup();
}
END_TEST

Suite *
tty_suite(void)
{
	Suite	*s = suite_create("tty");
	TCase	*tc = tcase_create("hangup");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, hangup_ends_the_demo_console_and_its_fleet, 0,
	    2);
	suite_add_tcase(s, tc);
	return (s);
}
