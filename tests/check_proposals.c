/*
 * check_proposals.c: the console's Proposals view.  The countdown text
 * is checked on its own; the screen test runs the real vigild knight
 * fleet trusting two operators whose keys vigil-key made, the real vigil
 * in a detached tmux server of its own, and proposes from another vigil
 * process: every connected console must show the proposal, who made it,
 * and a countdown that moves, and the tab must count it.
 *
 * Every wait is bounded; vigild dies with the test (e2e.c), vigil runs
 * under timeout(1) and the tmux server is killed in the teardown.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "panel.h"
#include "tests.h"

#define PROP_WAIT_MS	20000	/* longest wait for something to show */
#define PROP_RUN_MS	30000	/* one vigil run */

static const char *prop_row(const char *screen);
static long	 prop_left(const char *screen);

/* The Proposals view's row of alice's kill of router/r8, or NULL. */
static const char *
prop_row(const char *screen)
{
	const char	*line = screen, *end;
	static char	 buf[512];
	size_t		 len;

	while (*line != '\0') {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		len = (size_t)(end - line);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strstr(buf, " kill ") != NULL &&
		    strstr(buf, "router/r8") != NULL &&
		    strstr(buf, "alice") != NULL &&
		    strstr(buf, "pending") != NULL)
			return (buf);
		line = *end == '\0' ? end : end + 1;
	}
	return (NULL);
}

/* Seconds left the row shows ("4m 05s" or "59s"), or -1. */
static long
prop_left(const char *row)
{
	const char	*p;
	long		 m, s;

	for (p = row; *p != '\0'; p++) {
		if (sscanf(p, "%ldm %lds", &m, &s) == 2 && p > row &&
		    p[-1] == ' ' && strchr(p, 's') != NULL)
			return (m * 60 + s);
	}
	return (-1);
}

START_TEST(countdown_reads_minutes_and_seconds_and_says_expired)
{
	char	buf[16];

	ck_assert_str_eq(panel_proposals_left(300000, 0, buf, sizeof buf),
	    "5m 00s");
	ck_assert_str_eq(panel_proposals_left(300000, 1, buf, sizeof buf),
	    "5m 00s");
	ck_assert_str_eq(panel_proposals_left(65000, 0, buf, sizeof buf),
	    "1m 05s");
	ck_assert_str_eq(panel_proposals_left(59000, 0, buf, sizeof buf),
	    "59s");
	ck_assert_str_eq(panel_proposals_left(1000, 1000, buf, sizeof buf),
	    "expired");
	ck_assert_str_eq(panel_proposals_left(0, 5000, buf, sizeof buf),
	    "expired");
}
END_TEST

START_TEST(a_proposal_from_another_console_shows_with_its_countdown)
{
	char		*alice, *bob, *lines[2], *trust, *audit, *fleet;
	char		*argv[20], cmd[2048], env_alice[600], *env[2];
	char		*screen = NULL, first[512];
	const char	*row = NULL;
	struct e2e_result r;
	long		 left0, left = -1;
	int64_t		 deadline;
	FILE		*f;
	int		 argc = 0;
	pid_t		 vigild;

	e2e_setup();
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	lines[0] = e2e_trust_line(alice, "alice");
	lines[1] = e2e_trust_line(bob, "bob");
	trust = e2e_path("operators");
	ck_assert_ptr_nonnull(f = fopen(trust, "w"));
	fputs(lines[0], f);
	fputs(lines[1], f);
	fclose(f);
	audit = e2e_path("audit");
	ck_assert_int_eq(mkdir(audit, 0700), 0);
	argv[argc++] = "--trust";
	argv[argc++] = trust;
	argv[argc++] = "--audit-dir";
	argv[argc++] = audit;
	argv[argc] = NULL;
	fleet = e2e_start_fleet("knight", (const char *const *)argv, &vigild);
	argc = 0;

	/* The console an operator watches, showing the Proposals view. */
	argv[0] = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "env -u NO_COLOR LANG=C.UTF-8 "
	    "LC_ALL=C.UTF-8 XDG_CONFIG_HOME=%s timeout --foreground 120 "
	    "%s --fleet %s; sleep 30", e2e_dir(), argv[0], fleet);
	e2e_tmux_start(100, 30, cmd);
	e2e_sleep_ms(1000);
	e2e_tmux_keys("6", 0);

	/* Another operator proposes from a process of their own. */
	snprintf(env_alice, sizeof env_alice, "VIGIL_KEY=%s", alice);
	env[0] = env_alice;
	env[1] = NULL;
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "propose";
	argv[4] = "kill";
	argv[5] = "router/r8";
	argv[6] = "--reason";
	argv[7] = "runaway child orders";
	argv[8] = NULL;
	e2e_run(argv, env, PROP_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "propose exited %d: %s%s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);

	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if ((row = prop_row(screen)) != NULL &&
		    strstr(screen, "Proposals (1)") != NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the proposal never "
		    "showed in the Proposals view:\n%s", screen);
		e2e_sleep_ms(200);
	}
	snprintf(first, sizeof first, "%s", row);
	left0 = prop_left(first);
	ck_assert_msg(left0 > 200 && left0 <= 300, "the countdown of a new "
	    "proposal should be near 5 minutes: %s", first);
	ck_assert_msg(strstr(screen, "\"action\":\"kill\"") != NULL,
	    "the selected proposal's document is not shown:\n%s", screen);

	/* The countdown moves. */
	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if ((row = prop_row(screen)) != NULL &&
		    (left = prop_left(row)) != -1 && left < left0)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the countdown stood "
		    "at %ld s:\n%s", left0, screen);
		e2e_sleep_ms(300);
	}

	/* Enter reviews it whole; Escape goes back to the list. */
	e2e_tmux_keys("Enter", 0);
	free(screen);
	screen = e2e_tmux_wait(PROP_WAIT_MS, "the review Enter opens",
	    "proposer: alice", "targets: router/r8, build",
	    "the exact bytes signed", "{\"action\":\"kill\"", "VIGIL_KEY",
	    (char *)NULL);
	e2e_tmux_keys("Escape", 0);
	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if (prop_row(screen) != NULL &&
		    strstr(screen, "proposer: alice") == NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "Escape did not leave "
		    "the review:\n%s", screen);
		e2e_sleep_ms(200);
	}
	free(screen);
	free(argv[0]);
	free(alice);
	free(bob);
	free(lines[0]);
	free(lines[1]);
	free(trust);
	free(audit);
	free(fleet);
}
END_TEST

/* The Proposals view suite. */
Suite *
proposals_suite(void)
{
	Suite	*s = suite_create("proposals");
	TCase	*tc;

	tc = tcase_create("countdown");
	tcase_add_test(tc,
	    countdown_reads_minutes_and_seconds_and_says_expired);
	suite_add_tcase(s, tc);
	tc = tcase_create("screen");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_test(tc,
	    a_proposal_from_another_console_shows_with_its_countdown);
	suite_add_tcase(s, tc);
	return (s);
}
