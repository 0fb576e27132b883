/*
 * bench-run.c: the bench's children, and a real vigild fleet in a
 * temporary directory (see bench-run.h).
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-run.h"
#include "util.h"

#define BRUN_ARGS	24	/* most vigild arguments */
#define BRUN_POLL_US	50000	/* between looks at a child */

static int	 brun_ended(pid_t pid, double wait_s);
static void	 brun_say_log(const struct brun_fleet *fl);

/* Fork a child that ends with the bench; see bench-run.h. */
pid_t
brun_fork(void)
{
	pid_t	parent = getpid(), pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		fatal("fork failed: %s", strerror(errno));
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent)
			_exit(1);
	}
	return (pid);
}

/* Serve in a child, its ports read back; see bench-run.h. */
pid_t
brun_serve(brun_serve_cb *serve, void *arg, int *ports, int nports)
{
	int	fd[2], k;
	pid_t	pid;

	if (pipe(fd) == -1)
		fatal("pipe failed: %s", strerror(errno));
	if ((pid = brun_fork()) == 0) {
		close(fd[0]);
		serve(arg, fd[1]);
		_exit(1);
	}
	close(fd[1]);
	for (k = 0; k < nports; k++) {
		if (read(fd[0], &ports[k], sizeof ports[k]) !=
		    (ssize_t)sizeof ports[k] || ports[k] <= 0) {
			brun_end(pid, 0);
			fatal("bench: a frame source of its own did not start "
			    "(no port from it: libwebsockets refused to "
			    "listen on 127.0.0.1)");
		}
	}
	close(fd[0]);
	return (pid);
}

/* Run path in a child; see bench-run.h. */
pid_t
brun_spawn(const char *path, char *const *argv, const char *out,
    const char *err)
{
	pid_t	pid;

	if ((pid = brun_fork()) == 0) {
		if (freopen(out != NULL ? out : "/dev/null", "w",
		    stdout) == NULL || freopen(err != NULL ? err :
		    "/dev/null", "w", stderr) == NULL)
			_exit(127);
		execv(path, argv);
		_exit(127);
	}
	return (pid);
}

/* Whether child pid ended (and was reaped) within wait_s. */
static int
brun_ended(pid_t pid, double wait_s)
{
	double	t0 = brun_now_s();

	do {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return (1);
		usleep(BRUN_POLL_US);
	} while (brun_now_s() - t0 < wait_s);
	return (0);
}

/* End and reap a child; see bench-run.h. */
void
brun_end(pid_t pid, double wait_s)
{
	if (pid <= 0)
		return;
	if (wait_s > 0) {
		kill(pid, SIGTERM);
		if (brun_ended(pid, wait_s))
			return;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Reap a child that is to end by itself; see bench-run.h. */
void
brun_reap(pid_t pid, double wait_s)
{
	if (pid > 0 && !brun_ended(pid, wait_s))
		brun_end(pid, 5);
}

/* Seconds on a monotonic clock. */
double
brun_now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* CPU seconds (user + system) a running process used so far. */
double
brun_proc_cpu(pid_t pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut = 0, st = 0;
	FILE		*f;
	size_t		 n;

	util_format(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the command's closing parenthesis: state is field 3. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2, "%*c %*d %*d "
	    "%*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return (0);
	return ((double)(ut + st) / (double)sysconf(_SC_CLK_TCK));
}

/* CPU seconds of pid and its children so far; see bench-run.h. */
double
brun_tree_cpu(pid_t pid)
{
	char	 path[96];
	double	 cpu = brun_proc_cpu(pid);
	long	 child;
	FILE	*f;

	util_format(path, sizeof path, "/proc/%ld/task/%ld/children",
	    (long)pid, (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (cpu);
	while (fscanf(f, "%ld", &child) == 1)
		cpu += brun_proc_cpu((pid_t)child);
	fclose(f);
	return (cpu);
}

/* Make a fleet's temporary directory; see bench-run.h. */
void
brun_fleet_init(struct brun_fleet *fl)
{
	memset(fl, 0, sizeof *fl);
	fl->pid = -1;
	util_copy(fl->dir, sizeof fl->dir, "/tmp/vigil-bench.XXXXXX");
	if (mkdtemp(fl->dir) == NULL)
		fatal("mkdtemp: cannot make a directory in /tmp: %s",
		    strerror(errno));
	util_format(fl->file, sizeof fl->file, "%s/fleet", fl->dir);
}

/* Print the first lines of what fl's vigild said on standard error. */
static void
brun_say_log(const struct brun_fleet *fl)
{
	char	 path[96], line[512];
	FILE	*f;
	int	 n = 0;

	util_format(path, sizeof path, "%s/vigild.log", fl->dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (n++ < 3 && fgets(line, sizeof line, f) != NULL)
		printf("  vigild: %s", line);
	fclose(f);
}

/* Start a real vigild fleet and read its fleet file; see bench-run.h. */
int
brun_fleet_start(struct brun_fleet *fl, const char *bindir,
    const char *const *args, double wait_s, const char *what)
{
	char	*argv[BRUN_ARGS], *path, *log, *cause = NULL;
	double	 t0 = brun_now_s();
	int	 n = 0;

	path = xasprintf("%s/vigild", bindir);
	log = xasprintf("%s/vigild.log", fl->dir);
	argv[n++] = (char *)"vigild";
	argv[n++] = (char *)"fleet";
	argv[n++] = (char *)"--fleet-file";
	argv[n++] = fl->file;
	while (*args != NULL && n < BRUN_ARGS - 1)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	fl->pid = brun_spawn(path, argv, NULL, log);
	free(path);
	free(log);
	while (access(fl->file, R_OK) != 0 && brun_now_s() - t0 < wait_s) {
		if (waitpid(fl->pid, NULL, WNOHANG) != 0) {
			fl->pid = -1;	/* it ended: reaped */
			break;
		}
		usleep(BRUN_POLL_US);
	}
	fl->file_s = brun_now_s() - t0;
	if (access(fl->file, R_OK) != 0) {
		brun_say_log(fl);
		bench_none(what, "vigild wrote no fleet file");
		brun_end(fl->pid, 0);
		fl->pid = -1;
		return (-1);
	}
	if (urls_read(fl->file, &fl->urls, &cause) != 0) {
		printf("  (%s)\n", cause);
		free(cause);
		bench_none(what, "vigild's fleet file cannot be read");
		brun_end(fl->pid, 10);
		fl->pid = -1;
		return (-1);
	}
	return (0);
}

/* End a fleet and remove its directory; see bench-run.h. */
void
brun_fleet_stop(struct brun_fleet *fl)
{
	char	*cmd;

	brun_end(fl->pid, 30);
	fl->pid = -1;
	urls_free(&fl->urls);
	if (fl->dir[0] == '\0')
		return;
	if (getenv("BENCH_KEEP") != NULL) {
		printf("  (kept %s: BENCH_KEEP is set)\n", fl->dir);
		return;
	}
	cmd = xasprintf("rm -rf %s", fl->dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", fl->dir);
	free(cmd);
	fl->dir[0] = '\0';
}
