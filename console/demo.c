/*
 * demo.c: start, watch and stop the embedded fleet of vigil --demo.
 *
 * vigild runs in its own process group, so a ^C at the terminal reaches
 * vigil alone and vigil stops vigild in order; should vigil die without
 * that chance, the kernel sends vigild SIGTERM (PR_SET_PDEATHSIG).  What
 * vigild prints goes to a log in the demo's directory, so that an early
 * death can be explained with its own words.
 *
 * So that the demo shows two-person commands too, the directory (mode
 * 0700, the mkdtemp default) also holds two operators' keys, alice.key
 * and bob.key (0600, made as vigil-key gen makes them), the trust file
 * naming both, and the audit logs; vigild is started with --trust and
 * --audit-dir, the console signs as alice, and a second terminal joins
 * as bob with demo_join_command().
 *
 * From the start of the demo to its end, SIGINT, SIGTERM and SIGHUP are
 * only noted (loop_hold_signals(), which vigil calls first), so a second
 * signal arriving while vigil winds down (a closed terminal sends SIGHUP
 * to vigil and to timeout(1) or a shell, which may pass it on) cannot
 * end vigil before the directory, keys and all, is removed; one noted
 * while vigild starts ends the wait for it (demo_options' stopping).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "opkey.h"
#include "util.h"

#define DEMO_POLL_MS	20
#define DEMO_STOP_MS	3000	/* SIGTERM, then SIGKILL after this */
#define DEMO_TAIL	400	/* bytes of vigild's words to quote */

struct demo {
	pid_t	pid;
	int	reaped;
	int	status;
	char	dir[PATH_MAX];
	char	fleet[PATH_MAX];
	char	log[PATH_MAX];
	char	trust[PATH_MAX];
	char	audit[PATH_MAX];
	char	key[DEMO_NOPERATORS][PATH_MAX];
	size_t	joiner;		/* the operator who joins */
	char	join[2 * PATH_MAX + 64];
};

/* The demo's operators: the console signs as the first. */
static const char *const demo_operators[DEMO_NOPERATORS] = { "alice", "bob" };

static void	 demo_sleep_ms(int);
static int	 demo_reap(struct demo *, int);
static void	 demo_tail(const struct demo *, char *, size_t);
static void	 demo_ended(struct demo *, char *, size_t);
static int	 demo_keys(struct demo *, const struct demo_options *,
		    char **);
static void	 demo_remove_files(const char *);
static void	 demo_remove_dir(struct demo *);
static void	 demo_exec(const char *, char *const *, const char *,
		    pid_t) __attribute__((noreturn));

/* Find the vigild to run. */
char *
demo_find_vigild(void)
{
	const char	*env;
	char		 self[PATH_MAX], *slash, *path;
	ssize_t		 n;

	env = getenv("VIGIL_VIGILD");
	if (env != NULL && *env != '\0')
		return (xstrdup(env));
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			path = xasprintf("%s/vigild", self);
			if (access(path, X_OK) == 0)
				return (path);
			free(path);
			path = xasprintf("%s/../sbin/vigild", self);
			if (access(path, X_OK) == 0)
				return (path);
			free(path);
		}
	}
	return (xstrdup("vigild"));
}

/* Ask vigild for its scenarios; see demo.h. */
char *
demo_scenarios(char **cause)
{
	char	*vigild, *out;
	char	*argv[] = { NULL, (char *)"help", (char *)"scenarios", NULL };
	size_t	 have = 0, cap = 1024;
	ssize_t	 n;
	int	 fds[2], status, fd;
	pid_t	 pid;

	vigild = demo_find_vigild();
	argv[0] = vigild;
	fflush(NULL);
	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		*cause = xasprintf("cannot run %s help scenarios: %s", vigild,
		    strerror(errno));
		free(vigild);
		return (NULL);
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(vigild, argv);
		_exit(127);
	}
	close(fds[1]);
	out = xmalloc(cap);
	for (;;) {
		if (have + 1 == cap)
			out = xreallocarray(out, cap *= 2, 1);
		n = read(fds[0], out + have, cap - have - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	out[have] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || have == 0) {
		*cause = xasprintf("%s could not be asked for them: run "
		    "\"vigild help\", or set VIGIL_VIGILD to its path", vigild);
		free(vigild);
		free(out);
		return (NULL);
	}
	free(vigild);
	return (out);
}

/* Start vigild fleet and wait for its fleet file. */
struct demo *
demo_start(const struct demo_options *options, char **cause)
{
	struct demo	*demo;
	const char	*tmp;
	char		*vigild, why[1024];
	char		*argv[24];
	int		 argc = 0, waited, sig;
	pid_t		 parent = getpid();

	demo = xcalloc(1, sizeof *demo);
	demo->pid = -1;
	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	util_format(demo->dir, sizeof demo->dir, "%s/vigil-demo.XXXXXX", tmp);
	if (mkdtemp(demo->dir) == NULL) {
		*cause = xasprintf("cannot make a directory for the embedded "
		    "fleet in %s: %s; set TMPDIR to a writable directory",
		    tmp, strerror(errno));
		free(demo);
		return (NULL);
	}
	util_format(demo->fleet, sizeof demo->fleet, "%s/fleet", demo->dir);
	util_format(demo->log, sizeof demo->log, "%s/vigild.log", demo->dir);
	util_format(demo->audit, sizeof demo->audit, "%s/audit", demo->dir);
	if (demo_keys(demo, options, cause) != 0) {
		demo_remove_dir(demo);
		free(demo);
		return (NULL);
	}

	vigild = demo_find_vigild();
	argv[argc++] = vigild;
	argv[argc++] = (char *)"fleet";
	argv[argc++] = (char *)"--scenario";
	argv[argc++] = (char *)options->scenario;
	argv[argc++] = (char *)"--fleet-file";
	argv[argc++] = demo->fleet;
	argv[argc++] = (char *)"--base-port";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"--trust";
	argv[argc++] = demo->trust;
	argv[argc++] = (char *)"--audit-dir";
	argv[argc++] = demo->audit;
	if (options->time_scale != NULL) {
		argv[argc++] = (char *)"--time-scale";
		argv[argc++] = (char *)options->time_scale;
	}
	if (options->start != NULL) {
		argv[argc++] = (char *)"--start";
		argv[argc++] = (char *)options->start;
	}
	argv[argc] = NULL;

	fflush(NULL);
	switch (demo->pid = fork()) {
	case -1:
		*cause = xasprintf("cannot start the embedded fleet: fork "
		    "failed: %s; too many processes?", strerror(errno));
		free(vigild);
		demo_remove_dir(demo);
		free(demo);
		return (NULL);
	case 0:
		demo_exec(vigild, argv, demo->log, parent);
	default:
		break;
	}

	for (waited = 0; waited < DEMO_START_MS; waited += DEMO_POLL_MS) {
		if (access(demo->fleet, R_OK) == 0) {
			free(vigild);
			return (demo);
		}
		if (options->stopping != NULL &&
		    (sig = options->stopping()) != 0) {
			*cause = xasprintf("the embedded fleet's start was "
			    "interrupted by signal %d (%s)", sig,
			    strsignal(sig));
			free(vigild);
			demo_stop(demo);
			return (NULL);
		}
		if (demo_reap(demo, 0)) {
			demo_ended(demo, why, sizeof why);
			*cause = xasprintf("the embedded fleet did not start: "
			    "%s; run \"%s fleet --scenario %s\" yourself to "
			    "see why", why, vigild, options->scenario);
			free(vigild);
			demo_stop(demo);
			return (NULL);
		}
		demo_sleep_ms(DEMO_POLL_MS);
	}
	demo_tail(demo, why, sizeof why);
	*cause = xasprintf("the embedded fleet did not start: %s wrote no "
	    "fleet file within %d s%s%s; run \"%s fleet --scenario %s\" "
	    "yourself to see why", vigild, DEMO_START_MS / 1000,
	    why[0] != '\0' ? ", saying: " : "", why, vigild,
	    options->scenario);
	free(vigild);
	demo_stop(demo);
	return (NULL);
}

/* The fleet file. */
const char *
demo_fleet_file(const struct demo *demo)
{
	return (demo->fleet);
}

/* The key file of the demo's operator i (0 signs at this console). */
const char *
demo_key_file(const struct demo *demo, size_t i)
{
	if (i >= DEMO_NOPERATORS)
		fatal("demo_key_file: operator %zu of %d", i, DEMO_NOPERATORS);
	return (demo->key[i]);
}

/* The name of the demo's operator i. */
const char *
demo_operator(size_t i)
{
	if (i >= DEMO_NOPERATORS)
		fatal("demo_operator: operator %zu of %d", i, DEMO_NOPERATORS);
	return (demo_operators[i]);
}

/* The command a second terminal runs to join as the second operator. */
const char *
demo_join_command(struct demo *demo, const char *vigil)
{
	util_format(demo->join, sizeof demo->join, "%s --fleet %s --key %s",
	    vigil, demo->fleet, demo->key[demo->joiner]);
	return (demo->join);
}

/*
 * Make each operator's key (0600, never over a file) and the trust file
 * naming them all, with the console's own operator's line in place of
 * the demo's operator of that name.  Returns 0, or -1 and *cause.
 */
static int
demo_keys(struct demo *demo, const struct demo_options *options,
    char **cause)
{
	struct opkey	*key;
	FILE		*f;
	char		*line, *why = NULL;
	size_t		 i;
	int		 fd;

	util_format(demo->trust, sizeof demo->trust, "%s/trust", demo->dir);
	if ((fd = open(demo->trust, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("cannot write the demo's trust file %s: %s; "
		    "set TMPDIR to a writable directory", demo->trust,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (options->operator_line != NULL)
		fprintf(f, "%s\n", options->operator_line);
	for (i = 0; i < DEMO_NOPERATORS; i++) {
		if (options->operator != NULL &&
		    strcmp(options->operator, demo_operators[i]) == 0)
			continue;
		demo->joiner = i;
		util_format(demo->key[i], sizeof demo->key[i], "%s/%s.key",
		    demo->dir, demo_operators[i]);
		if ((key = opkey_generate(&why)) == NULL ||
		    opkey_save(key, demo->key[i], NULL, &why) != 0) {
			*cause = xasprintf("cannot make the demo operator %s's "
			    "key: %s", demo_operators[i], why);
			free(why);
			opkey_free(key);
			fclose(f);
			return (-1);
		}
		line = opkey_trust_line(key, demo_operators[i]);
		fprintf(f, "%s\n", line);
		free(line);
		opkey_free(key);
	}
	if (fclose(f) != 0) {
		*cause = xasprintf("cannot write the demo's trust file %s: %s; "
		    "set TMPDIR to a directory with room", demo->trust,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* Is vigild still running? */
int
demo_alive(struct demo *demo, char *why, size_t len)
{
	if (!demo_reap(demo, 0))
		return (1);
	demo_ended(demo, why, len);
	return (0);
}

/* Stop vigild, reap it, and clean up. */
void
demo_stop(struct demo *demo)
{
	int	waited;

	if (demo == NULL)
		return;
	if (demo->pid > 0 && !demo->reaped) {
		kill(demo->pid, SIGTERM);
		for (waited = 0; waited < DEMO_STOP_MS;
		    waited += DEMO_POLL_MS) {
			if (demo_reap(demo, 0))
				break;
			demo_sleep_ms(DEMO_POLL_MS);
		}
		if (!demo->reaped) {
			kill(demo->pid, SIGKILL);
			demo_reap(demo, 1);
		}
	}
	demo_remove_dir(demo);
	free(demo);
}

/* In the child: become vigild, with its output in the log. */
static void
demo_exec(const char *path, char *const *argv, const char *log, pid_t parent)
{
	int	fd;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd != STDOUT_FILENO && fd != STDERR_FILENO)
			close(fd);
	}
	signal(SIGPIPE, SIG_DFL);
	execvp(path, argv);
	fprintf(stderr, "cannot run %s: %s; build it with make, or set "
	    "VIGIL_VIGILD to its path\n", path, strerror(errno));
	_exit(127);
}

/* Sleep for ms milliseconds. */
static void
demo_sleep_ms(int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Collect vigild's exit if it has ended (or wait for it with block). */
static int
demo_reap(struct demo *demo, int block)
{
	pid_t	r;

	if (demo->reaped)
		return (1);
	if (demo->pid <= 0)
		return (1);
	do
		r = waitpid(demo->pid, &demo->status, block ? 0 : WNOHANG);
	while (r == -1 && errno == EINTR);
	if (r == demo->pid || (r == -1 && errno == ECHILD)) {
		demo->reaped = 1;
		return (1);
	}
	return (0);
}

/* The last lines vigild wrote, joined into one line. */
static void
demo_tail(const struct demo *demo, char *buf, size_t len)
{
	char	 raw[DEMO_TAIL + 1], *p, *start;
	FILE	*f;
	long	 size;
	size_t	 n, used;

	buf[0] = '\0';
	if ((f = fopen(demo->log, "r")) == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > DEMO_TAIL)
		fseek(f, size - DEMO_TAIL, SEEK_SET);
	else
		rewind(f);
	n = fread(raw, 1, DEMO_TAIL, f);
	fclose(f);
	raw[n] = '\0';

	/* Start at a line boundary when the log was cut. */
	start = raw;
	if (n == DEMO_TAIL && (p = strchr(raw, '\n')) != NULL)
		start = p + 1;
	for (p = start; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	}
	while (p > start && p[-1] == ' ')
		*--p = '\0';
	while (*start == ' ')
		start++;
	used = 0;
	if (*start != '\0')
		util_format(buf + used, len - used, "\"%s\"", start);
}

/* How vigild ended, in words, with what it said last. */
static void
demo_ended(struct demo *demo, char *why, size_t len)
{
	char	tail[DEMO_TAIL + 8];

	demo_tail(demo, tail, sizeof tail);
	if (WIFEXITED(demo->status))
		util_format(why, len, "vigild exited with status %d%s%s",
		    WEXITSTATUS(demo->status), tail[0] != '\0' ?
		    ", saying " : "", tail);
	else if (WIFSIGNALED(demo->status))
		util_format(why, len, "vigild was killed by signal %d (%s)%s%s",
		    WTERMSIG(demo->status), strsignal(WTERMSIG(demo->status)),
		    tail[0] != '\0' ? ", after saying " : "", tail);
	else
		util_format(why, len, "vigild ended%s%s", tail[0] != '\0' ?
		    ", saying " : "", tail);
}

/* Remove the files in directory dir (not below it). */
static void
demo_remove_files(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX + 256];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		util_format(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

/* Remove the demo's directory, its audit logs and what vigild left. */
static void
demo_remove_dir(struct demo *demo)
{
	if (demo->dir[0] == '\0')
		return;
	if (demo->audit[0] != '\0') {
		demo_remove_files(demo->audit);
		rmdir(demo->audit);
	}
	demo_remove_files(demo->dir);
	rmdir(demo->dir);
	demo->dir[0] = '\0';
}
