/*
 * check_review.c: the review a second operator reads before signing.
 * The screen test runs two real single-node vigild routers trusting two
 * operators, proposes a kill of both from a headless vigil, and then
 * restarts one router on its port with another build, as a deploy would
 * while the proposal waits.  The real console, in a detached tmux server
 * of its own, must then mark that target in the review as changed and
 * bound to refuse, and leave the other target unmarked; a headless
 * approval then shows the mark told the truth: the changed router
 * refuses, the other one executes.
 *
 * Every wait is bounded; vigild dies with the test (e2e.c), vigil runs
 * under timeout(1) and the tmux server is killed in the teardown.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "headless.h"
#include "tests.h"

#define REVIEW_WAIT_MS	20000	/* longest wait for a thing to show */
#define REVIEW_RUN_MS	30000	/* one headless vigil run */
#define REVIEW_LINE_MAX	512

/* The two routers, their operators and the fleet file naming both. */
struct review_fleet {
	char	*trust;
	char	*audit[2];
	char	*fleet;
	pid_t	 pid[2];
	int	 port[2];
};

static int	 review_router(const char *, const char *, const char *,
		    const char *, int, pid_t *);
static int	 review_line(const char *, const char *, char *, size_t);
static char	*review_vigil(const char *, const char *, char *const [],
		    struct e2e_result *);

/*
 * Start `vigild node` as router id on build, listening on 127.0.0.1:port
 * (0: vigild picks), and return the port it says it listens on;
 * *pidp gets its pid.  Fails the test, with what vigild said, when it
 * names no port within REVIEW_WAIT_MS.
 */
static int
review_router(const char *id, const char *build, const char *trust,
    const char *audit, int port, pid_t *pidp)
{
	struct e2e_lines	*lines;
	char			*argv[20], listen[32], want[64], name[32];
	char			 line[REVIEW_LINE_MAX], *cert, *key;
	int			 fd, got = -1, argc = 0;

	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(want, sizeof want, "router/%s listening on "
	    "wss://127.0.0.1:%%d/", id);
	snprintf(name, sizeof name, "%s.pem", id);
	cert = e2e_path(name);
	snprintf(name, sizeof name, "%s.key", id);
	key = e2e_path(name);
	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "node";
	argv[argc++] = "--role";
	argv[argc++] = "router";
	argv[argc++] = "--id";
	argv[argc++] = (char *)id;
	argv[argc++] = "--build";
	argv[argc++] = (char *)build;
	argv[argc++] = "--listen";
	argv[argc++] = listen;
	argv[argc++] = "--trust";
	argv[argc++] = (char *)trust;
	argv[argc++] = "--audit";
	argv[argc++] = (char *)audit;
	argv[argc++] = "--cert";
	argv[argc++] = cert;
	argv[argc++] = "--key";
	argv[argc++] = key;
	argv[argc] = NULL;
	*pidp = e2e_spawn(argv, NULL, &fd);
	free(argv[0]);
	free(cert);
	free(key);

	ck_assert_ptr_nonnull(lines = malloc(sizeof *lines));
	e2e_lines_init(lines, fd);
	while (e2e_next_line(lines, line, sizeof line, REVIEW_WAIT_MS) == 1) {
		if (sscanf(line, want, &got) == 1)
			break;
	}
	free(lines);
	ck_assert_msg(got > 0 && (port == 0 || got == port), "vigild for "
	    "router/%s on %s did not say it listens there: %s", id, listen,
	    e2e_stderr_of(*pidp));
	return (got);
}

/*
 * Copy the screen's first line holding needle into buf (size len).
 * Returns 1, or 0 when no line holds it.
 */
static int
review_line(const char *screen, const char *needle, char *buf, size_t len)
{
	const char	*line = screen, *end;
	size_t		 n;

	while (*line != '\0') {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		n = (size_t)(end - line);
		if (n >= len)
			n = len - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (strstr(buf, needle) != NULL)
			return (1);
		line = *end == '\0' ? end : end + 1;
	}
	buf[0] = '\0';
	return (0);
}

/*
 * Run `vigil --fleet fleet ARGS...` headless as the operator whose key
 * is at key, within REVIEW_RUN_MS, into *r.  Returns the path of vigil
 * (allocated), for the caller to free.
 */
static char *
review_vigil(const char *key, const char *fleet, char *const args[],
    struct e2e_result *r)
{
	char	*argv[16], env_key[600], *env[2];
	int	 argc = 0;

	snprintf(env_key, sizeof env_key, "VIGIL_KEY=%s", key);
	env[0] = env_key;
	env[1] = NULL;
	argv[argc++] = e2e_bin("vigil");
	argv[argc++] = "--fleet";
	argv[argc++] = (char *)fleet;
	while (*args != NULL && argc < 15)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	e2e_run(argv, env, REVIEW_RUN_MS, r);
	return (argv[0]);
}

START_TEST(review_marks_a_target_rebuilt_since_the_proposal_and_it_refuses)
{
	struct review_fleet	 rf;
	struct e2e_result	 r;
	char			*alice, *bob, *vigil, *screen = NULL;
	char			 cmd[2048], id[64], r1[REVIEW_LINE_MAX];
	char			 r2[REVIEW_LINE_MAX];
	char			*propose[] = { "propose", "--yes", "kill",
				    "router/r1", "router/r2", "--reason",
				    "review a rebuilt target", NULL };
	char			*approve[] = { "approve", id, "--yes", NULL };
	struct e2e_tls_two	 tls;
	int64_t			 deadline;
	FILE			*f;

	e2e_setup();
	memset(&rf, 0, sizeof rf);
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	rf.trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);

	/* Over TLS, as in production: a CA, and a certificate a router. */
	e2e_tls_two(&tls);

	/* Two routers on one build, r1 on a port vigild picks. */
	rf.audit[0] = e2e_path("router-r1.audit");
	rf.audit[1] = e2e_path("router-r2.audit");
	rf.port[0] = review_router("r1", "smars-A", rf.trust, rf.audit[0], 0,
	    &rf.pid[0]);
	/* r2 comes back on its port: one no connection can take meanwhile. */
	rf.port[1] = review_router("r2", "smars-A", rf.trust, rf.audit[1],
	    e2e_low_port(), &rf.pid[1]);
	rf.fleet = e2e_path("fleet");
	ck_assert_ptr_nonnull(f = fopen(rf.fleet, "w"));
	fprintf(f, "# two routers, one vigild each\nca ca.pem\n"
	    "wss://127.0.0.1:%d/ # router/r1\n"
	    "wss://127.0.0.1:%d/ # router/r2\n", rf.port[0], rf.port[1]);
	fclose(f);

	/* Alice proposes to kill both while both run build smars-A. */
	vigil = review_vigil(alice, rf.fleet, propose, &r);
	ck_assert_msg(r.status == HEADLESS_EXIT_OK, "propose exited %d: %s%s",
	    r.status, r.out, r.err);
	ck_assert_msg(sscanf(r.out, "proposal %63[0-9a-f]:", id) == 1,
	    "propose named no proposal id: %s", r.out);
	e2e_result_free(&r);

	/* The console bob watches, reviewing the proposal. */
	snprintf(cmd, sizeof cmd, "env -u NO_COLOR LANG=C.UTF-8 "
	    "LC_ALL=C.UTF-8 XDG_CONFIG_HOME=%s timeout --foreground 120 "
	    "%s --fleet %s; sleep 30", e2e_dir(), vigil, rf.fleet);
	e2e_tmux_start(100, 40, cmd);
	free(e2e_tmux_wait(REVIEW_WAIT_MS, "the console's first screen",
	    "router/r2", (char *)NULL));
	e2e_tmux_keys("6", 0);
	free(e2e_tmux_wait(REVIEW_WAIT_MS, "the proposal in the list",
	    "Proposals (1)", "alice", (char *)NULL));
	e2e_tmux_keys("Enter", 0);

	/* Before the change neither target is marked. */
	deadline = e2e_now_ms() + REVIEW_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if (review_line(screen, "router/r1, build smars-A, running",
		    r1, sizeof r1) && review_line(screen, "router/r2, build "
		    "smars-A, running", r2, sizeof r2) &&
		    strstr(r2, "(not heard from here)") == NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the review never "
		    "showed both targets as heard from:\n%s", screen);
		e2e_sleep_ms(200);
	}
	ck_assert_msg(strstr(screen, "proposer: alice") != NULL,
	    "the review does not say who proposed:\n%s", screen);
	ck_assert_msg(strstr(r1, "NOW") == NULL && strstr(r2, "NOW") == NULL,
	    "a target is marked before anything changed:\n%s", screen);

	/* A deploy: router/r2 comes back on its port with build smars-B. */
	e2e_kill(rf.pid[1], SIGKILL);
	review_router("r2", "smars-B", rf.trust, rf.audit[1], rf.port[1],
	    &rf.pid[1]);

	deadline = e2e_now_ms() + REVIEW_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if (review_line(screen, "router/r2, build smars-A", r2,
		    sizeof r2) && strstr(r2, "(NOW build smars-B, running: "
		    "it will refuse)") != NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the review never "
		    "marked router/r2, rebuilt as smars-B, as bound to "
		    "refuse:\n%s", screen);
		e2e_sleep_ms(200);
	}
	ck_assert_msg(review_line(screen, "router/r1, build smars-A, running",
	    r1, sizeof r1), "router/r1 left the review:\n%s", screen);
	ck_assert_msg(strstr(r1, "NOW") == NULL, "router/r1 did not change "
	    "and yet is marked: %s", r1);

	/* The mark told the truth: r2 refuses, r1 carries the kill out. */
	free(vigil);
	vigil = review_vigil(bob, rf.fleet, approve, &r);
	ck_assert_msg(r.status == HEADLESS_EXIT_REFUSED, "approve exited %d, "
	    "not %d (refused): %s%s", r.status, HEADLESS_EXIT_REFUSED, r.out,
	    r.err);
	/*
	 * With --yes the review is printed as soon as one target holds
	 * the proposal (vigil(1)), so router/r2 may not be heard yet; it
	 * must never be listed as if unchanged.
	 */
	ck_assert_msg(strstr(r.out, "router/r2, build smars-A, running (NOW "
	    "build smars-B, running: it will refuse)") != NULL ||
	    strstr(r.out, "router/r2, build smars-A, running (not heard "
	    "from here)") != NULL,
	    "the headless review did not mark router/r2: %s", r.out);
	ck_assert_msg(strstr(r.err, "router/r2 refused the approval") !=
	    NULL, "router/r2 did not refuse: %s%s", r.out, r.err);
	/*
	 * The restarted vigild holds no pending commands (they live in
	 * memory); one that kept them would refuse on the build instead.
	 */
	ck_assert_msg(strstr(r.err, "holds no pending command") != NULL ||
	    strstr(r.err, "state changed since the proposal") != NULL,
	    "router/r2 refused for another reason: %s", r.err);
	ck_assert_msg(strstr(r.out, "router/r1: executed") != NULL,
	    "router/r1, unchanged, did not execute the kill: %s%s", r.out,
	    r.err);
	e2e_result_free(&r);

	free(screen);
	free(vigil);
	free(alice);
	free(bob);
	free(rf.trust);
	free(rf.audit[0]);
	free(rf.audit[1]);
	free(rf.fleet);
	e2e_tls_two_free(&tls);
}
END_TEST

/* The proposal review suite. */
Suite *
review_suite(void)
{
	Suite	*s = suite_create("review");
	TCase	*tc;

	tc = tcase_create("screen");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_test(tc,
	    review_marks_a_target_rebuilt_since_the_proposal_and_it_refuses);
	suite_add_tcase(s, tc);
	return (s);
}
