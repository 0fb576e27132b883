/*
 * check_demo.c: vigil --demo with two operators.  The screen test runs
 * the real vigil --demo=knight in a detached tmux server of its own: the
 * console signs as alice and shows the command a second terminal runs
 * to join as bob; a second window runs exactly that command, alice
 * proposes a kill of router/r8, bob approves it, and r8 ends killed.
 *
 * Every wait is bounded; the consoles run under timeout(1), the demo's
 * vigild dies with its vigil, and the tmux server is killed in the
 * teardown.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "tests.h"

#define DEMO_WAIT_MS	20000	/* longest wait for something to show */
#define DEMO_JOIN	"A second operator joins from another terminal: "

static void	 demo_join_from(const char *screen, char *buf, size_t len);
static char	*demo_propose_r8(const char *want);
static void	 demo_propose_trusted(const char *signer);
static pid_t	 demo_vigil_pid(const char *dir);
static pid_t	 demo_start_in_tmux(const char *prefix, char *dir,
		    size_t len);
static void	 demo_wait_gone(pid_t pid, const char *dir,
		    const char *after);

/*
 * The join command the status line shows, from its program's path to
 * bob.key, into buf; fails the test when the screen shows none.
 */
static void
demo_join_from(const char *screen, char *buf, size_t len)
{
	const char	*start, *end;

	start = strstr(screen, DEMO_JOIN);
	ck_assert_msg(start != NULL, "no join command on the screen:\n%s",
	    screen);
	start += strlen(DEMO_JOIN);
	end = strstr(start, "/bob.key");
	ck_assert_msg(end != NULL && strchr(start, '\n') > end, "the join "
	    "command does not end with bob's key:\n%s", screen);
	end += strlen("/bob.key");
	ck_assert_uint_lt((size_t)(end - start), len);
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
}

/*
 * Open the propose dialog for router/r8 in the current window and wait
 * until it shows want; returns that screen (allocated).
 */
static char *
demo_propose_r8(const char *want)
{
	/*
	 * Keys sent before the routers are in move through an empty list
	 * (the console's links start a few at a time): wait for all eight.
	 */
	free(e2e_tmux_wait(DEMO_WAIT_MS, "the console with every router",
	    "8 live", "links 8/8 up", (char *)NULL));
	e2e_tmux_keys("2", 0);
	free(e2e_tmux_wait(DEMO_WAIT_MS, "the Routers view", "CHILD/s",
	    "router/r8", (char *)NULL));
	e2e_tmux_keys("G", 0);
	e2e_tmux_keys("K", 0);
	/* Its state, not only its hello: the desk signs nothing without. */
	return (e2e_tmux_wait(DEMO_WAIT_MS, "the propose dialog",
	    "Propose kill", "target: router/r8, build smars-2012.07.31-old, "
	    "running", want, (char *)NULL));
}

/* Open the propose dialog for r8 as signer, who must not be warned of. */
static void
demo_propose_trusted(const char *signer)
{
	char	want[64], *screen;

	snprintf(want, sizeof want, "signer: %s", signer);
	screen = demo_propose_r8(want);
	ck_assert_msg(strstr(screen, "will refuse what") == NULL, "the demo "
	    "does not trust %s, who signs at its console:\n%s", signer,
	    screen);
	free(screen);
}

START_TEST(the_demo_shows_how_bob_joins_and_they_kill_r8_together)
{
	char		*vigil, *screen, *rc, cmd[4096], join[2048], line[64];
	FILE		*f;
	char		 fleet[2048], dir[2048], *p;
	const char	*env;
	struct stat	 st;
	int64_t		 deadline;

	e2e_setup();
	vigil = e2e_bin("vigil");
	env = "env -u NO_COLOR -u VIGIL_KEY -u VIGIL_OPERATOR LANG=C.UTF-8 "
	    "LC_ALL=C.UTF-8";
	rc = e2e_path("alice.rc");
	snprintf(cmd, sizeof cmd, "%s XDG_CONFIG_HOME=%s timeout "
	    "--foreground 120 %s --demo=knight; echo \"exit $?\" > %s; "
	    "sleep 30", env, e2e_dir(), vigil, rc);
	e2e_tmux_start(300, 40, cmd);
	screen = e2e_tmux_wait(DEMO_WAIT_MS, "the join command", DEMO_JOIN,
	    "router/r8", (char *)NULL);
	demo_join_from(screen, join, sizeof join);
	free(screen);
	ck_assert_msg(strncmp(join, vigil, strlen(vigil)) == 0, "the join "
	    "command does not run this vigil: %s", join);
	ck_assert_msg(sscanf(join + strlen(vigil), " --fleet %2047s", fleet)
	    == 1, "no --fleet in the join command: %s", join);

	/* The demo's directory is the user's alone, the keys too. */
	snprintf(dir, sizeof dir, "%s", fleet);
	if ((p = strrchr(dir, '/')) != NULL)
		*p = '\0';
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_msg((st.st_mode & 077) == 0, "%s has mode %o", dir,
	    (unsigned)(st.st_mode & 0777));

	/* The Help view says it too. */
	e2e_tmux_keys("?", 0);
	e2e_tmux_keys("G", 0);
	free(e2e_tmux_wait(DEMO_WAIT_MS, "the join command in the Help view",
	    "A second operator", "/bob.key joins this demo",
	    (char *)NULL));
	e2e_tmux_keys("Escape", 0);

	/* alice proposes to kill router/r8. */
	demo_propose_trusted("alice");
	e2e_tmux_keys("runaway child orders", 1);
	e2e_tmux_keys("Enter", 0);
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_sign_draft(DEMO_WAIT_MS));
	free(e2e_tmux_wait(DEMO_WAIT_MS, "r8 accepting the proposal",
	    "router/r8: accepted", "Proposals (1)", (char *)NULL));
	e2e_tmux_keys("Enter", 0);

	/* bob runs exactly the command shown, and approves. */
	snprintf(cmd, sizeof cmd, "%s XDG_CONFIG_HOME=%s timeout "
	    "--foreground 120 %s; sleep 30", env, e2e_dir(), join);
	e2e_tmux_window(cmd);
	e2e_tmux_open_approve(DEMO_WAIT_MS, "alice");
	free(e2e_tmux_wait(DEMO_WAIT_MS, "the approve dialog",
	    "proposer: alice", "Type kill and press Enter to sign the "
	    "document above as bob", (char *)NULL));
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(DEMO_WAIT_MS, "r8 carrying out the kill",
	    "router/r8: executed", "approved by bob", (char *)NULL));
	e2e_wait_router_state(fleet, "router/r8", "killed", DEMO_WAIT_MS);

	/* alice quits: the demo's directory, keys and all, goes. */
	e2e_tmux_keys("q", 0);
	e2e_tmux_select(0);
	e2e_tmux_keys("Escape", 0);
	e2e_tmux_keys("q", 0);
	deadline = e2e_now_ms() + DEMO_WAIT_MS;
	while (access(dir, F_OK) == 0) {
		ck_assert_msg(e2e_now_ms() < deadline, "%s is still there "
		    "after vigil --demo quit", dir);
		e2e_sleep_ms(200);
	}
	/* Under make asan, a leak would make this 86. */
	ck_assert_int_eq(e2e_wait_file(rc, DEMO_WAIT_MS), 0);
	ck_assert_ptr_nonnull(f = fopen(rc, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	fclose(f);
	ck_assert_str_eq(line, "exit 0\n");
	free(rc);
	free(vigil);
}
END_TEST

START_TEST(a_console_warns_before_signing_what_no_backend_trusts)
{
	char		*vigil, *carol, *alice, *bob, *trust, *fleet;
	char		 cmd[4096];
	const char	*env, *argv[3];

	e2e_setup();
	vigil = e2e_bin("vigil");
	carol = e2e_make_key("carol");
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	env = "env -u NO_COLOR -u VIGIL_OPERATOR LANG=C.UTF-8 LC_ALL=C.UTF-8";

	/* A backend trusting alice and bob, and carol at a console. */
	trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	argv[0] = "--trust";
	argv[1] = trust;
	argv[2] = NULL;
	fleet = e2e_start_fleet("knight", argv, NULL);
	snprintf(cmd, sizeof cmd, "%s XDG_CONFIG_HOME=%s VIGIL_KEY=%s "
	    "timeout --foreground 120 %s --fleet %s; sleep 30", env,
	    e2e_dir(), carol, vigil, fleet);
	e2e_tmux_start(200, 40, cmd);
	free(demo_propose_r8("router/r8 does not trust this key (it trusts "
	    "alice, bob), so it will refuse what carol signs"));
	e2e_tmux_keys("Escape", 0);
	free(fleet);

	/* A backend started without --trust trusts no one. */
	fleet = e2e_start_fleet("knight", NULL, NULL);
	snprintf(cmd, sizeof cmd, "%s XDG_CONFIG_HOME=%s VIGIL_KEY=%s "
	    "timeout --foreground 120 %s --fleet %s; sleep 30", env,
	    e2e_dir(), alice, vigil, fleet);
	e2e_tmux_window(cmd);
	free(demo_propose_r8("router/r8 trusts no operator, so it will "
	    "refuse what you sign"));
	e2e_tmux_keys("Escape", 0);

	/* The demo trusts the key its console was given, and bob joins. */
	snprintf(cmd, sizeof cmd, "%s XDG_CONFIG_HOME=%s VIGIL_KEY=%s "
	    "timeout --foreground 120 %s --demo=knight; sleep 30", env,
	    e2e_dir(), carol, vigil);
	e2e_tmux_window(cmd);
	free(e2e_tmux_wait(DEMO_WAIT_MS, "the join command", DEMO_JOIN,
	    "/bob.key", (char *)NULL));
	demo_propose_trusted("carol");
	e2e_tmux_keys("Escape", 0);
	e2e_tmux_keys("q", 0);
	free(vigil);
	free(carol);
	free(alice);
	free(bob);
	free(trust);
	free(fleet);
}
END_TEST

/*
 * The vigil whose demo lives in dir: the parent of the vigild whose
 * command line names dir.  Fails the test when there is none.
 */
static pid_t
demo_vigil_pid(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[300], cmdline[4096], stat[512], *p;
	FILE		*f;
	size_t		 n, i;
	int		 ppid = -1;

	ck_assert_ptr_nonnull(d = opendir("/proc"));
	while (ppid == -1 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(cmdline, 1, sizeof cmdline - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (cmdline[i] == '\0')
				cmdline[i] = ' ';
		cmdline[n] = '\0';
		if (strstr(cmdline, "vigild fleet") == NULL ||
		    strstr(cmdline, dir) == NULL)
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(stat, 1, sizeof stat - 1, f);
		fclose(f);
		stat[n] = '\0';
		if ((p = strrchr(stat, ')')) != NULL)
			sscanf(p + 1, " %*c %d", &ppid);
	}
	closedir(d);
	ck_assert_msg(ppid > 1, "no vigild runs the demo in %s", dir);
	return ((pid_t)ppid);
}

/*
 * Start vigil --demo=knight in tmux after the shell command prefix, and
 * return its demo directory into dir and vigil's pid.
 */
static pid_t
demo_start_in_tmux(const char *prefix, char *dir, size_t len)
{
	char	*vigil, *screen, cmd[4096], join[2048], *p;
	pid_t	 pid;

	vigil = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "%senv -u NO_COLOR -u VIGIL_KEY "
	    "LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=%s timeout "
	    "--foreground 120 %s --demo=knight; sleep 30", prefix, e2e_dir(),
	    vigil);
	e2e_tmux_start(300, 40, cmd);
	screen = e2e_tmux_wait(DEMO_WAIT_MS, "the join command", DEMO_JOIN,
	    (char *)NULL);
	demo_join_from(screen, join, sizeof join);
	free(screen);
	p = strstr(join, " --fleet ");
	ck_assert_ptr_nonnull(p);
	snprintf(dir, len, "%s", p + strlen(" --fleet "));
	ck_assert_ptr_nonnull(p = strstr(dir, "/fleet "));
	*p = '\0';
	pid = demo_vigil_pid(dir);
	free(vigil);
	return (pid);
}

/*
 * Wait until vigil pid has ended and removed dir; when it has not in
 * time, end it (SIGTERM, so that it still cleans up) and fail.
 */
static void
demo_wait_gone(pid_t pid, const char *dir, const char *after)
{
	int64_t	deadline = e2e_now_ms() + DEMO_WAIT_MS;
	int	running;

	while ((running = kill(pid, 0) == 0) || access(dir, F_OK) == 0) {
		if (e2e_now_ms() > deadline) {
			kill(pid, SIGTERM);
			ck_abort_msg("%s%s after %s", running ? "vigil" : dir,
			    running ? " still runs" : " is still there",
			    after);
		}
		e2e_sleep_ms(100);
	}
}

START_TEST(a_closed_terminal_still_removes_the_demo_directory)
{
	char	dir[2048];
	pid_t	pid;
	int	i;

	e2e_setup();
	pid = demo_start_in_tmux("", dir, sizeof dir);
	/*
	 * A terminal that closes sends SIGHUP to vigil, and timeout(1) or
	 * a shell may pass on another while vigil winds down.
	 */
	for (i = 0; i < 10; i++) {
		kill(pid, SIGHUP);
		e2e_sleep_ms(20);
	}
	demo_wait_gone(pid, dir, "SIGHUP");
}
END_TEST

START_TEST(a_hung_up_terminal_ends_the_console_without_sighup)
{
	char	dir[2048];
	pid_t	pid;

	e2e_setup();
	/* A shell that ignores SIGHUP passes none on: only the tty says. */
	pid = demo_start_in_tmux("trap '' HUP; ", dir, sizeof dir);
	e2e_tmux_stop();
	demo_wait_gone(pid, dir, "its terminal hung up");
}
END_TEST

/* The demo suite. */
Suite *
demo_suite(void)
{
	Suite	*s = suite_create("demo");
	TCase	*tc;

	tc = tcase_create("screen");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_test(tc,
	    the_demo_shows_how_bob_joins_and_they_kill_r8_together);
	tcase_add_test(tc,
	    a_console_warns_before_signing_what_no_backend_trusts);
	tcase_add_test(tc, a_closed_terminal_still_removes_the_demo_directory);
	tcase_add_test(tc, a_hung_up_terminal_ends_the_console_without_sighup);
	suite_add_tcase(s, tc);
	return (s);
}
