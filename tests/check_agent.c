/*
 * check_agent.c: vigild agent in front of a real node, through real
 * processes: a shell-script router feeding facts (backend/examples), a
 * real vigild agent, real vigil consoles on loopback.  A two-person kill
 * runs its hook exactly once; a failing hook's output reaches both
 * operators; a hook past its time limit is reported as such and its
 * processes are gone; malformed facts are the node's error in words; a
 * silent source turns the node stale and commands against it are
 * refused; an action with no hook is refused naming the option.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "tests.h"

#define RUN_MS		20000	/* one vigil run */
#define START_MS	10000	/* vigild agent writing its fleet file */
#define WATCH_MS	15000	/* a watching console seeing a change */

/* One agent and the operators around it. */
struct world {
	char	*alice_env;		/* "VIGIL_KEY=..." */
	char	*bob_env;
	char	*trust;
	char	*audit;
	char	*fleet;
	char	*dir;			/* the example router's state */
	pid_t	 vigild;
};

/* One router's facts, as an endpoint or a file gives them. */
static const char http_facts[] = "{\"build\":\"smars-2012.07.31\","
    "\"router\":{\"parents_total\":1,\"parent_shares_total\":400,"
    "\"child_orders_total\":4,\"child_shares_total\":400,"
    "\"parents_refused_total\":0,\"open_parents\":1,"
    "\"worst_ratio\":1,\"worst_parent\":\"p1\",\"state\":"
    "\"running\",\"open_children\":0,"
    "\"children_cancelled_total\":0}}\n";

static void	 setup(void);
static void	 teardown(void);
static char	*example(const char *name);
static void	 world_start(struct world *, const char *, ...);
static void	 world_free(struct world *);
static int	 fleet_wait(struct world *);
static void	 vigil_run(struct e2e_result *, const char *, ...);
static char	*propose(struct world *, const char *);
static char	*propose_with(struct world *, const char *, const char *,
		    const char *);
static void	 approve(struct world *, const char *, const char *);
static char	*file_text(const char *);
static size_t	 count_lines(const char *);
static size_t	 count_of(const char *, const char *);
static pid_t	 watch_start(struct world *, struct e2e_lines *);
static void	 watch_until(struct e2e_lines *, const char *, const char *);
static void	 status_until(struct world *, const char *);
static char	*facts_cmd(const char *);
static char	*hook_cmd(const char *);
static int	 said(const struct e2e_result *, const char *);
static char	*unit_exec_start(const char *, const char *);
static void	 agent_run(struct e2e_result *, struct world *, const char *);
static int	 tcp_listener(int *);
static int	 unix_listener(const char *);
static void	 http_serve(int, const char *);

/* Each test gets its own directory and a cleanup that always runs. */
static void
setup(void)
{
	e2e_setup();
}

/* Kill and reap what the test started, and remove its directory. */
static void
teardown(void)
{
	e2e_cleanup();
}

/* The path of backend/examples/name, next to the programs or above. */
static char *
example(const char *name)
{
	char	*bin, *dir, *path;

	bin = e2e_bin("vigild");
	dir = dirname(bin);
	if (asprintf(&path, "%s/backend/examples/%s", dir, name) == -1)
		ck_abort_msg("out of memory");
	if (access(path, X_OK) != 0) {
		free(path);
		if (asprintf(&path, "%s/../backend/examples/%s", dir,
		    name) == -1)
			ck_abort_msg("out of memory");
	}
	ck_assert_msg(access(path, X_OK) == 0, "no example %s: %s", path,
	    strerror(errno));
	free(bin);
	return (path);
}

/*
 * Keys for alice and bob, a trust file naming both, and vigild agent for
 * router/r1 with the NULL-terminated extra arguments (its facts source
 * and hooks); wait for its fleet file.
 */
static void
world_start(struct world *w, const char *first, ...)
{
	va_list	 ap;
	char	*argv[40], *alice, *bob, *err;
	int	 argc = 0;

	memset(w, 0, sizeof *w);
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	if (asprintf(&w->alice_env, "VIGIL_KEY=%s", alice) == -1 ||
	    asprintf(&w->bob_env, "VIGIL_KEY=%s", bob) == -1)
		ck_abort_msg("out of memory");
	w->trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	free(alice);
	free(bob);
	w->audit = e2e_path("r1.audit");
	w->fleet = e2e_path("fleet");
	w->dir = e2e_path("r1");

	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "agent";
	argv[argc++] = "--role";
	argv[argc++] = "router";
	argv[argc++] = "--id";
	argv[argc++] = "r1";
	argv[argc++] = "--trust";
	argv[argc++] = w->trust;
	argv[argc++] = "--audit";
	argv[argc++] = w->audit;
	argv[argc++] = "--fleet-file";
	argv[argc++] = w->fleet;
	va_start(ap, first);
	for (argv[argc] = (char *)first; argv[argc] != NULL && argc < 38;
	    argv[argc] = va_arg(ap, char *))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	w->vigild = e2e_spawn(argv, NULL, NULL);
	free(argv[0]);
	if (fleet_wait(w) != 0) {
		err = e2e_stderr_of(w->vigild);
		ck_abort_msg("vigild agent wrote no fleet file within %d ms; "
		    "it said: %s", START_MS, err);
	}
}

/*
 * Wait for the world's vigild agent to write its fleet file: 0, or -1
 * when it exits first or START_MS pass.
 */
static int
fleet_wait(struct world *w)
{
	int64_t	deadline = e2e_now_ms() + START_MS;

	while (e2e_wait_file(w->fleet, 100) != 0) {
		if (e2e_now_ms() >= deadline || e2e_wait(w->vigild, 0) != -1)
			return (-1);
	}
	return (0);
}

/* Free a world's strings (its processes go in the teardown). */
static void
world_free(struct world *w)
{
	free(w->alice_env);
	free(w->bob_env);
	free(w->trust);
	free(w->audit);
	free(w->fleet);
	free(w->dir);
}

/*
 * Run vigil with env (one "NAME=value", or NULL) and the NULL-terminated
 * arguments after it, to completion, into *r.
 */
static void
vigil_run(struct e2e_result *r, const char *env, ...)
{
	va_list	 ap;
	char	*argv[32], *envp[2];
	int	 argc = 0;

	argv[argc++] = e2e_bin("vigil");
	va_start(ap, env);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	envp[0] = (char *)env;
	envp[1] = NULL;
	e2e_run(argv, env != NULL ? envp : NULL, RUN_MS, r);
	ck_assert_msg(r->status != -1, "vigil %s did not finish within %d ms",
	    argv[1], RUN_MS);
	free(argv[0]);
}

/* alice proposes action on router/r1; returns the command id. */
static char *
propose(struct world *w, const char *action)
{
	return (propose_with(w, action, NULL, NULL));
}

/* As propose(), with one more option and its value when opt is not NULL. */
static char *
propose_with(struct world *w, const char *action, const char *opt,
    const char *value)
{
	struct e2e_result	r;
	char			id[64];

	vigil_run(&r, w->alice_env, "--fleet", w->fleet, "propose", "--yes",
	    action, "router/r1", "--reason", "agent drill", opt, value, NULL);
	ck_assert_msg(r.status == 0 && sscanf(r.out,
	    "proposal %32[0-9a-f]:", id) == 1, "propose %s exited %d: %s%s",
	    action, r.status, r.out, r.err);
	e2e_result_free(&r);
	return (strdup(id));
}

/* bob approves id; the result is executed and says text. */
static void
approve(struct world *w, const char *id, const char *text)
{
	struct e2e_result	r;

	vigil_run(&r, w->bob_env, "--fleet", w->fleet, "approve", id, "--yes",
	    NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r1: executed: ")
	    != NULL && strstr(r.out, text) != NULL, "approve exited %d, "
	    "not saying \"%s\": %s%s", r.status, text, r.out, r.err);
	e2e_result_free(&r);
}

/* A file's whole text (allocated), or "" when it cannot be read. */
static char *
file_text(const char *path)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;

	if ((f = fopen(path, "r")) == NULL)
		return (strdup(""));
	/* Read to the end: /proc files say they are empty. */
	if (getdelim(&buf, &len, '\0', f) == -1) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return (buf);
}

/* Whether a run printed text, on stdout or stderr. */
static int
said(const struct e2e_result *r, const char *text)
{
	return (strstr(r->out, text) != NULL || strstr(r->err, text) != NULL);
}

/* How many times what occurs in text. */
static size_t
count_of(const char *text, const char *what)
{
	size_t	n = 0;

	while ((text = strstr(text, what)) != NULL) {
		n++;
		text += strlen(what);
	}
	return (n);
}

/* How many lines text holds. */
static size_t
count_lines(const char *text)
{
	size_t	n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return (n);
}

/* Start `vigil watch` on the world's fleet: a console left open. */
static pid_t
watch_start(struct world *w, struct e2e_lines *lines)
{
	char	*argv[8];
	int	 fd;
	pid_t	 pid;

	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = w->fleet;
	argv[3] = "watch";
	argv[4] = "--for";
	argv[5] = "60";
	argv[6] = NULL;
	pid = e2e_spawn(argv, NULL, &fd);
	free(argv[0]);
	e2e_lines_init(lines, fd);
	return (pid);
}

/* Read the watching console until a line holds both a and b. */
static void
watch_until(struct e2e_lines *lines, const char *a, const char *b)
{
	char	line[4096];
	int64_t	deadline = e2e_now_ms() + WATCH_MS;
	int	rc;

	for (;;) {
		rc = e2e_next_line(lines, line, sizeof line,
		    (int)(deadline - e2e_now_ms()));
		ck_assert_msg(rc == 1, "the watching console showed no line "
		    "with \"%s\" and \"%s\" within %d ms", a, b, WATCH_MS);
		if (strstr(line, a) != NULL && (b == NULL ||
		    strstr(line, b) != NULL))
			return;
	}
}

/* Poll `vigil status` until it shows text. */
static void
status_until(struct world *w, const char *text)
{
	struct e2e_result	r;
	int64_t			deadline = e2e_now_ms() + WATCH_MS;

	for (;;) {
		vigil_run(&r, NULL, "--fleet", w->fleet, "status", "--wait",
		    "5", NULL);
		if (strstr(r.out, text) != NULL) {
			e2e_result_free(&r);
			return;
		}
		ck_assert_msg(e2e_now_ms() < deadline, "vigil status never "
		    "showed \"%s\"; last: %s%s", text, r.out, r.err);
		e2e_result_free(&r);
		e2e_sleep_ms(300);
	}
}

/*
 * The example router, fed by its facts script: alice proposes a kill,
 * bob approves it, the hook runs exactly once (its log has one line),
 * the router's facts then say killed, a replayed approval runs nothing,
 * and the audit log holds the execution.
 */
START_TEST(test_two_person_kill_runs_its_hook_exactly_once)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*facts, *kill, *cmd_facts, *cmd_kill, *id;
	char			*log, *path, *audit;

	facts = example("router-facts.sh");
	kill = example("router-kill.sh");
	path = e2e_path("r1");
	if (asprintf(&cmd_facts, "%s %s", facts, path) == -1 ||
	    asprintf(&cmd_kill, "%s %s", kill, path) == -1)
		ck_abort_msg("out of memory");
	world_start(&w, "--facts-cmd", cmd_facts, "--on-kill", cmd_kill,
	    (char *)NULL);
	status_until(&w, "smars-2012.07.31");

	id = propose(&w, "kill");
	vigil_run(&r, w.bob_env, "--fleet", w.fleet, "approve", id, "--yes",
	    NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r1: executed: "
	    "carried out kill") != NULL && strstr(r.out, "router halted") !=
	    NULL, "approve exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);

	status_until(&w, "KILLED");
	/* The same approval again: refused, and the hook does not run. */
	vigil_run(&r, w.bob_env, "--fleet", w.fleet, "approve", id, "--yes",
	    NULL);
	ck_assert_msg(r.status != 0, "a second approval passed: %s", r.out);
	e2e_result_free(&r);
	e2e_sleep_ms(500);

	free(path);
	path = e2e_path("r1/hooks.log");
	log = file_text(path);
	ck_assert_msg(count_lines(log) == 1 && strstr(log, id) != NULL &&
	    strstr(log, "by alice and bob: agent drill") != NULL,
	    "the kill hook ran other than once: %s", log);
	audit = file_text(w.audit);
	ck_assert_msg(strstr(audit, "\"event\":\"execute\"") != NULL,
	    "no execution in the audit log: %s", audit);
	free(audit);
	free(log);
	free(path);
	free(id);
	free(cmd_facts);
	free(cmd_kill);
	free(facts);
	free(kill);
	world_free(&w);
}
END_TEST

/* The example's hook name (router-NAME.sh) for the world's directory. */
static char *
hook_cmd(const char *name)
{
	char	*file, *script, *dir, *cmd;

	if (asprintf(&file, "router-%s.sh", name) == -1)
		ck_abort_msg("out of memory");
	script = example(file);
	dir = e2e_path("r1");
	if (asprintf(&cmd, "%s %s", script, dir) == -1)
		ck_abort_msg("out of memory");
	free(file);
	free(script);
	free(dir);
	return (cmd);
}

/*
 * The example router's rollback and flag hooks run only after the plan,
 * judged on the builds its facts list: a rollback to a build it does not
 * hold is refused when proposed; one to a build it holds runs its hook
 * once two operators signed, and the facts then show the new build; a
 * flag change runs its hook likewise.
 */
START_TEST(test_rollback_and_flag_hooks_run_after_the_plan)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*cmd, *rollback, *flag, *id, *path, *log;
	char			*hook, *copy, *audit;

	cmd = facts_cmd("");
	rollback = hook_cmd("rollback");
	hook = hook_cmd("flag");
	copy = e2e_path("audit-at-hook");
	audit = e2e_path("r1.audit");
	/* The flag hook first keeps the audit log as it finds it. */
	if (asprintf(&flag, "cp %s %s && %s", audit, copy, hook) == -1)
		ck_abort_msg("out of memory");
	world_start(&w, "--facts-cmd", cmd, "--on-rollback", rollback,
	    "--on-flag", flag, (char *)NULL);
	status_until(&w, "smars-2012.07.31");

	vigil_run(&r, w.alice_env, "--fleet", w.fleet, "propose", "--yes",
	    "rollback", "router/r1", "--reason", "agent drill", "--to",
	    "smars-2011.01.03", NULL);
	ck_assert_msg(r.status != 0 && said(&r, "router/r1 does not hold "
	    "build smars-2011.01.03"), "a rollback to a build not held "
	    "exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);

	id = propose_with(&w, "rollback", "--to", "smars-2012.08.01");
	approve(&w, id, "router switched to build smars-2012.08.01");
	free(id);
	status_until(&w, "smars-2012.08.01");

	id = propose_with(&w, "flag", "--set", "rlp=off");
	approve(&w, id, "router set flag rlp off");

	path = e2e_path("r1/hooks.log");
	log = file_text(path);
	ck_assert_msg(count_lines(log) == 2 && strstr(log, "rollback ") !=
	    NULL && strstr(log, "to smars-2012.08.01 by alice and bob") !=
	    NULL && strstr(log, ": rlp off by alice and bob") != NULL,
	    "the hooks did not run once each: %s", log);
	free(log);
	/* The hook ran after its execution was in the audit log. */
	log = file_text(copy);
	ck_assert_msg(strstr(log, id) != NULL && count_of(log,
	    "\"event\":\"execute\"") == 2, "the audit log as the flag hook "
	    "found it lacks the flag's execution: %s", log);
	free(log);
	free(copy);
	free(audit);
	free(hook);
	free(path);
	free(id);
	free(flag);
	free(rollback);
	free(cmd);
	world_free(&w);
}
END_TEST

/*
 * The state a command binds to is the facts': a kill proposed while the
 * router's facts say running is refused once they say killed (someone
 * halted it by other means), and its hook never runs; a resume proposed
 * then runs the resume hook.
 */
START_TEST(test_state_from_the_facts_binds_the_command)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*cmd, *kill, *resume, *id, *path, *log;
	int			 fd;

	cmd = facts_cmd("");
	kill = hook_cmd("kill");
	resume = hook_cmd("resume");
	world_start(&w, "--facts-cmd", cmd, "--on-kill", kill, "--on-resume",
	    resume, (char *)NULL);
	status_until(&w, "smars-2012.07.31");
	id = propose(&w, "kill");

	path = e2e_path("r1/killed");
	ck_assert_int_ge(fd = open(path, O_CREAT | O_WRONLY, 0600), 0);
	close(fd);
	free(path);
	status_until(&w, "KILLED");
	vigil_run(&r, w.bob_env, "--fleet", w.fleet, "approve", id, "--yes",
	    NULL);
	ck_assert_msg(r.status != 0 && said(&r, "router/r1's state changed "
	    "since the proposal: it was running on build smars-2012.07.31 "
	    "when proposed and is now killed"), "approve against changed "
	    "facts exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	free(id);

	id = propose(&w, "resume");
	approve(&w, id, "router resumed: taking parent orders again");
	path = e2e_path("r1/hooks.log");
	log = file_text(path);
	ck_assert_msg(count_lines(log) == 1 && strncmp(log, "resume ", 7) ==
	    0, "hooks other than the resume ran: %s", log);
	free(log);
	free(path);
	free(id);
	free(resume);
	free(kill);
	free(cmd);
	world_free(&w);
}
END_TEST

/*
 * Facts from a file, read again when it is replaced: the node shows the
 * build of each version.
 */
START_TEST(test_facts_from_a_file_read_again_when_it_changes)
{
	struct world	 w;
	char		*path, *tmp, *text;
	const char	*builds[] = { "smars-2012.07.31", "smars-2012.08.01" };
	FILE		*f;
	size_t		 i;

	path = e2e_path("facts.json");
	tmp = e2e_path("facts.json.tmp");
	for (i = 0; i < sizeof builds / sizeof builds[0]; i++) {
		text = strdup(http_facts);
		memcpy(strstr(text, builds[0]), builds[i], strlen(builds[i]));
		ck_assert_ptr_nonnull(f = fopen(tmp, "w"));
		fputs(text, f);
		ck_assert_int_eq(fclose(f), 0);
		ck_assert_int_eq(rename(tmp, path), 0);
		if (i == 0)
			world_start(&w, "--facts-file", path, (char *)NULL);
		status_until(&w, builds[i]);
		free(text);
	}
	free(tmp);
	free(path);
	world_free(&w);
}
END_TEST

/*
 * A station's facts, with its certificate, from a file: every console
 * sees the station live with its certificate's countdown.  (The last
 * --role given wins, so the world's router becomes a station.)
 */
START_TEST(test_station_facts_with_its_certificate)
{
	struct world	 w;
	char		*path;
	FILE		*f;
	long long	 now = (long long)time(NULL) * 1000;

	path = e2e_path("facts.json");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "{\"build\":\"cs-1\",\"station\":{\"heartbeats_total\":"
	    "10,\"devices\":5,\"devices_failed\":0,\"device_countdown_ms\":"
	    "180000,\"heartbeat_interval_ms\":60000,\"device_timeout_ms\":"
	    "180000,\"renewals_ok_total\":3,\"renewals_failed_total\":0,"
	    "\"messages_signed_total\":40,\"messages_rejected_total\":0,"
	    "\"blacklist\":[]},\"cert\":{\"subject\":\"CN=station/r1\","
	    "\"serial\":\"0a1b\",\"issuer\":\"CN=station/capital\","
	    "\"not_before_ms\":%lld,\"not_after_ms\":%lld,\"root_holder\":"
	    "\"station/capital\",\"holds_root\":false,\"last_renewal_ms\":"
	    "%lld,\"last_renewal_ok\":true,\"last_renewal_error\":\"\"}}\n",
	    now - 60000, now + 90 * 60000, now - 60000);
	ck_assert_int_eq(fclose(f), 0);
	world_start(&w, "--role", "station", "--facts-file", path,
	    (char *)NULL);
	status_until(&w, "cert 1h");
	free(path);
	world_free(&w);
}
END_TEST

/* The example router's facts command for the world's directory. */
static char *
facts_cmd(const char *tail)
{
	char	*facts, *dir, *cmd;

	facts = example("router-facts.sh");
	dir = e2e_path("r1");
	if (asprintf(&cmd, "%s %s%s", facts, dir, tail) == -1)
		ck_abort_msg("out of memory");
	free(facts);
	free(dir);
	return (cmd);
}

/*
 * A kill hook that fails: bob, who approved, and alice, watching at her
 * console, both see its exit status and its last lines of output, and
 * the command is no longer pending.
 */
START_TEST(test_failing_hook_output_reaches_both_operators)
{
	struct world		 w;
	struct e2e_result	 r;
	struct e2e_lines	*alice = calloc(1, sizeof *alice);
	char			*cmd, *id;

	cmd = facts_cmd("");
	world_start(&w, "--facts-cmd", cmd, "--on-kill", "echo connecting "
	    "to r1; echo r1 refused: session closed >&2; exit 3",
	    (char *)NULL);
	status_until(&w, "smars-2012.07.31");
	watch_start(&w, alice);

	id = propose(&w, "kill");
	vigil_run(&r, w.bob_env, "--fleet", w.fleet, "approve", id, "--yes",
	    NULL);
	ck_assert_msg(r.status != 0 && said(&r, "kill hook for") &&
	    said(&r, "failed: it exited with status 3") && said(&r,
	    "connecting to r1 | r1 refused: session closed"),
	    "approve exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	watch_until(alice, "exited with status 3", "r1 refused: session "
	    "closed");

	vigil_run(&r, NULL, "--fleet", w.fleet, "pending", NULL);
	ck_assert_msg(strstr(r.out, id) == NULL || strstr(r.out,
	    "signed by: alice; a second") == NULL, "still pending: %s",
	    r.out);
	e2e_result_free(&r);
	free(alice);
	free(id);
	free(cmd);
	world_free(&w);
}
END_TEST

/*
 * A hook that runs past --hook-timeout is killed with what it started,
 * and every console is told it ran past its limit and that what it did
 * is not known.
 */
START_TEST(test_hook_past_its_time_limit_is_reported_as_such)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*cmd, *id, *hook, *pidfile, *text, proc[64];
	struct stat		 st;
	long			 pid;
	int64_t			 t0;

	cmd = facts_cmd("");
	pidfile = e2e_path("sleeper.pid");
	if (asprintf(&hook, "echo halting r1; sleep 30 & echo $! > %s; wait",
	    pidfile) == -1)
		ck_abort_msg("out of memory");
	world_start(&w, "--facts-cmd", cmd, "--on-kill", hook,
	    "--hook-timeout", "1", (char *)NULL);
	status_until(&w, "smars-2012.07.31");

	id = propose(&w, "kill");
	t0 = e2e_now_ms();
	vigil_run(&r, w.bob_env, "--fleet", w.fleet, "approve", id, "--yes",
	    NULL);
	ck_assert_msg(r.status != 0 && said(&r, "ran past its time limit of "
	    "1 s") && said(&r, "what it did is not known") && said(&r,
	    "halting r1"),
	    "approve exited %d: %s%s", r.status, r.out, r.err);
	ck_assert_msg(e2e_now_ms() - t0 < 8000, "the time limit took %lld ms",
	    (long long)(e2e_now_ms() - t0));
	e2e_result_free(&r);

	/* What the hook started went with it (gone, or a zombie of init). */
	text = file_text(pidfile);
	pid = strtol(text, NULL, 10);
	ck_assert_msg(pid > 0, "the hook wrote no pid: %s", text);
	snprintf(proc, sizeof proc, "/proc/%ld/stat", pid);
	free(text);
	text = file_text(proc);
	ck_assert_msg(stat(proc, &st) != 0 || strstr(text, ") Z ") != NULL,
	    "the hook's sleep %ld still runs: %s", pid, text);
	free(text);
	free(hook);
	free(pidfile);
	free(id);
	free(cmd);
	world_free(&w);
}
END_TEST

/*
 * Facts that are not JSON, then facts with a counter of the wrong type,
 * then facts missing their build: each is the node's error, in words
 * that name what is wrong, on both consoles watching and in vigil
 * status.
 */
START_TEST(test_malformed_facts_are_the_nodes_error_in_words)
{
	struct world		 w;
	struct e2e_lines	*lines[2];
	size_t			 i;

	world_start(&w, "--facts-cmd", "sleep 1; echo 'ERROR: cannot reach "
	    "the router'; sleep 1; echo '{\"build\":\"b1\",\"router\":"
	    "{\"parents_total\":\"many\"}}'; sleep 5; echo "
	    "'{\"router\":{}}'; sleep 30", (char *)NULL);
	for (i = 0; i < 2; i++) {
		lines[i] = calloc(1, sizeof *lines[i]);
		watch_start(&w, lines[i]);
	}
	for (i = 0; i < 2; i++) {
		watch_until(lines[i], "router/r1's facts from the facts "
		    "command", "are not usable: the facts are not JSON");
		free(lines[i]);
	}
	/* watch says a standing alert once; status shows its words now. */
	status_until(&w, "are not usable: the facts' counters are wrong: "
	    "field parents_total is a string, expected an integer");
	status_until(&w, "are not usable: the facts name no build");
	world_free(&w);
}
END_TEST

/*
 * A facts source that goes quiet: a console left open sees the node go
 * stale, with the agent's alert saying why, and a kill proposed then is
 * refused because the node's state is unknown.
 */
START_TEST(test_silent_source_goes_stale_and_refuses_commands)
{
	struct world		 w;
	struct e2e_result	 r;
	struct e2e_lines	*lines = calloc(1, sizeof *lines);
	char			*one, *cmd, *quiet, *id;
	int			 fd;

	/* One line of the example's facts at a time, until told to stop. */
	one = facts_cmd(" | head -n 1");
	quiet = e2e_path("quiet");
	if (asprintf(&cmd, "while [ ! -e %s ]; do %s; done; sleep 60", quiet,
	    one) == -1)
		ck_abort_msg("out of memory");
	world_start(&w, "--facts-cmd", cmd, "--on-kill", "true",
	    (char *)NULL);
	watch_start(&w, lines);
	watch_until(lines, "router/r1 live", NULL);
	id = propose(&w, "kill");

	ck_assert_int_ge(fd = open(quiet, O_CREAT | O_WRONLY, 0600), 0);
	close(fd);
	watch_until(lines, "router/r1's facts are stale", NULL);
	watch_until(lines, "router/r1 stale", NULL);

	vigil_run(&r, w.bob_env, "--fleet", w.fleet, "approve", id, "--yes",
	    "--wait", "3", NULL);
	ck_assert_msg(r.status != 0 && said(&r, "router/r1's state changed "
	    "since the proposal") && said(&r, "unknown"),
	    "approve against stale facts exited %d: %s%s", r.status, r.out,
	    r.err);
	e2e_result_free(&r);
	free(lines);
	free(one);
	free(quiet);
	free(id);
	free(cmd);
	world_free(&w);
}
END_TEST

/*
 * An action the agent has no hook for is refused before anyone signs
 * it in vain, with a sentence naming the option that would enable it,
 * and the refusal is in the audit log; a move-root hook, which vigild
 * cannot run for a real station, is said never to run, and an armed
 * kill, which has no hook, is refused too.
 */
START_TEST(test_action_without_hook_is_refused_naming_the_option)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*cmd, *audit, *text;

	cmd = facts_cmd("");
	world_start(&w, "--facts-cmd", cmd, "--on-resume", "true",
	    "--on-move-root", "true", (char *)NULL);
	status_until(&w, "smars-2012.07.31");
	/* A real station's root key is not vigild's to seal. */
	text = e2e_stderr_of(w.vigild);
	ck_assert_msg(strstr(text, "--on-move-root: the hook is accepted but "
	    "never run: the root key must be sealed for its destination by "
	    "the station that holds it") != NULL, "vigild agent did not say "
	    "its move-root hook never runs: %s", text);
	free(text);
	vigil_run(&r, w.alice_env, "--fleet", w.fleet, "propose", "--yes",
	    "kill", "router/r1", "--reason", "agent drill", NULL);
	ck_assert_msg(r.status != 0 && said(&r, "router/r1 refused kill: this "
	    "vigild agent has no hook") && said(&r, "restart it with "
	    "--on-kill CMD"),
	    "propose exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	/* An armed kill has no hook at all on a real node. */
	vigil_run(&r, w.alice_env, "--fleet", w.fleet, "propose", "--yes",
	    "arm-kill", "router/r1", "--window", "30m", "--reason",
	    "agent drill", NULL);
	ck_assert_msg(r.status != 0 && said(&r, "router/r1 refused arm-kill: "
	    "vigild agent has no hook option for arm-kill"),
	    "propose arm-kill exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	audit = file_text(w.audit);
	ck_assert_msg(strstr(audit, "--on-kill") != NULL, "the refusal is not "
	    "in the audit log: %s", audit);
	/* Its entry, cleared but for the document's room, reads back. */
	ck_assert_msg(strstr(audit, "\"document\":\"\"") != NULL, "the "
	    "refusal holds a document: %s", audit);
	free(audit);
	vigil_run(&r, NULL, "audit", "verify", w.audit, NULL);
	ck_assert_msg(r.status == 0, "the audit log with the refusals does "
	    "not verify (exit %d): %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	free(cmd);
	world_free(&w);
}
END_TEST

/* A socket listening on 127.0.0.1, its port from the kernel in *port. */
static int
tcp_listener(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof sin;
	int			s;

	ck_assert_int_ge(s = socket(AF_INET, SOCK_STREAM, 0), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(s, 16), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sin, &slen), 0);
	*port = ntohs(sin.sin_port);
	return (s);
}

/* A socket listening on the Unix-domain socket path. */
static int
unix_listener(const char *path)
{
	struct sockaddr_un	sun;
	int			s;

	ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
	ck_assert_int_ge(s = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof sun), 0);
	ck_assert_int_eq(listen(s, 16), 0);
	return (s);
}

/*
 * A child answering every HTTP request on listening socket s with
 * status 200 and body.
 */
static void
http_serve(int s, const char *body)
{
	char	req[4096], head[256];
	int	c;

	if (e2e_fork() != 0) {
		close(s);
		return;
	}
	snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: "
	    "close\r\n\r\n", strlen(body));
	for (;;) {
		if ((c = accept(s, NULL, NULL)) == -1)
			continue;
		if (read(c, req, sizeof req) > 0 &&
		    write(c, head, strlen(head)) > 0 &&
		    write(c, body, strlen(body)) > 0)
			shutdown(c, SHUT_WR);
		close(c);
	}
}

/* Facts polled from an HTTP endpoint on this host: the node is live. */
START_TEST(test_facts_from_a_local_http_endpoint)
{
	struct world	 w;
	char		 url[64];
	int		 port, s;

	s = tcp_listener(&port);
	http_serve(s, http_facts);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/facts", port);
	world_start(&w, "--facts-url", url, (char *)NULL);
	status_until(&w, "smars-2012.07.31");
	world_free(&w);
}
END_TEST

/*
 * Facts polled over HTTP from a Unix-domain socket of this host (the
 * node's service need not open a port): the node is live.
 */
START_TEST(test_facts_from_a_unix_socket_endpoint)
{
	struct world	 w;
	char		*sock, *url;

	sock = e2e_path("facts.sock");
	http_serve(unix_listener(sock), http_facts);
	if (asprintf(&url, "unix:%s:/facts", sock) == -1)
		ck_abort_msg("out of memory");
	world_start(&w, "--facts-url", url, (char *)NULL);
	status_until(&w, "smars-2012.07.31");
	free(url);
	free(sock);
	world_free(&w);
}
END_TEST

/* An endpoint nobody listens on is the node's error in words. */
START_TEST(test_silent_http_endpoint_is_the_nodes_error)
{
	struct world	w;
	char		url[64];

	snprintf(url, sizeof url, "http://127.0.0.1:%d/facts",
	    e2e_dead_port());
	world_start(&w, "--facts-url", url, (char *)NULL);
	status_until(&w, "did not answer");
	world_free(&w);
}
END_TEST

/*
 * The command a systemd unit file's ExecStart runs for instance, as
 * systemd makes it: lines ending in a backslash joined, %i the instance
 * and $$ a dollar sign.  Allocated.
 */
static char *
unit_exec_start(const char *unit, const char *instance)
{
	const char	*p;
	char		*cmd, *q;
	size_t		 n;

	p = strstr(unit, "\nExecStart=");
	ck_assert_msg(p != NULL, "the unit has no ExecStart: %s", unit);
	p += strlen("\nExecStart=");
	n = strlen(p) + 16 * strlen(instance) + 1;
	q = cmd = malloc(n);
	ck_assert_ptr_nonnull(cmd);
	for (; *p != '\0' && *p != '\n'; p++) {
		if (p[0] == '\\' && p[1] == '\n') {
			*q++ = ' ';
			p++;
		} else if (p[0] == '%' && p[1] == 'i') {
			q += sprintf(q, "%s", instance);
			p++;
		} else if (p[0] == '$' && p[1] == '$') {
			*q++ = '$';
			p++;
		} else
			*q++ = *p;
		ck_assert_uint_lt((size_t)(q - cmd), n - 16);
	}
	*q = '\0';
	return (cmd);
}

/*
 * make install into a fresh PREFIX puts the example router and the
 * systemd unit under PREFIX/share/vigil/examples, the unit naming
 * PREFIX's vigild; its ExecStart, run as systemd would run it for node
 * r1 with a configuration naming the installed example router, starts
 * an agent whose node every console sees live.
 */
START_TEST(test_installed_systemd_unit_starts_an_agent)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*argv[4], *env[2], *bin, *prefix, *make;
	char			*unit, *path, *exec, *conf, *conf_env, *ex;
	char			*alice, *bob;
	FILE			*f;

	bin = e2e_bin("vigild");
	prefix = e2e_path("prefix");
	if (asprintf(&make, "unset MAKEFLAGS MFLAGS MAKELEVEL; exec make -s "
	    "-C '%s' install PREFIX='%s' O='%s'", VIGIL_SRCDIR, prefix,
	    dirname(bin)) == -1)
		ck_abort_msg("out of memory");
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = make;
	argv[3] = NULL;
	e2e_run(argv, NULL, 45000, &r);
	ck_assert_msg(r.status == 0, "make install exited %d: %s%s",
	    r.status, r.out, r.err);
	e2e_result_free(&r);

	if (asprintf(&path, "%s/share/vigil/examples/vigild-agent@.service",
	    prefix) == -1 || asprintf(&ex, "%s/share/vigil/examples",
	    prefix) == -1)
		ck_abort_msg("out of memory");
	unit = file_text(path);
	exec = unit_exec_start(unit, "r1");
	ck_assert_msg(strstr(exec, prefix) != NULL && strstr(exec,
	    "/usr/local") == NULL, "the installed unit does not run %s's "
	    "vigild: %s", prefix, exec);

	memset(&w, 0, sizeof w);
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	w.trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	w.fleet = e2e_path("fleet");
	w.audit = e2e_path("r1.audit");
	w.dir = e2e_path("r1");
	conf = e2e_path("agent-r1.conf");
	ck_assert_ptr_nonnull(f = fopen(conf, "w"));
	fprintf(f, "ROLE=router\nFACTS_CMD=\"%s/router-facts.sh %s\"\n"
	    "ON_KILL=\"%s/router-kill.sh %s\"\nTRUST=%s\nAUDIT=%s\n"
	    "FLEET_FILE=%s\n", ex, w.dir, ex, w.dir, w.trust, w.audit,
	    w.fleet);
	ck_assert_int_eq(fclose(f), 0);
	if (asprintf(&conf_env, "VIGIL_AGENT_CONF=%s", conf) == -1)
		ck_abort_msg("out of memory");
	argv[2] = exec;
	env[0] = conf_env;
	env[1] = NULL;
	w.vigild = e2e_spawn(argv, env, NULL);
	ck_assert_msg(fleet_wait(&w) == 0, "the unit's "
	    "agent wrote no fleet file: %s", e2e_stderr_of(w.vigild));
	status_until(&w, "smars-2012.07.31");

	free(alice);
	free(bob);
	free(conf_env);
	free(conf);
	free(exec);
	free(unit);
	free(ex);
	free(path);
	free(make);
	free(prefix);
	free(bin);
	world_free(&w);
}
END_TEST

/*
 * Run vigild agent for router/r2, facts from url, with the world's trust
 * file and audit log, to completion into *r.
 */
static void
agent_run(struct e2e_result *r, struct world *w, const char *url)
{
	char	*argv[] = { e2e_bin("vigild"), "agent", "--role", "router",
	    "--id", "r2", "--facts-url", (char *)url, "--trust", w->trust,
	    "--audit", w->audit, NULL };

	e2e_run(argv, NULL, RUN_MS, r);
	free(argv[0]);
}

/*
 * A Unix-domain socket endpoint with no socket there is the node's error
 * in words naming the path; a facts URL vigild agent cannot poll is a
 * bad argument (exit 2), in words, before it listens.
 */
START_TEST(test_missing_unix_socket_is_the_nodes_error)
{
	struct world		 w;
	struct e2e_result	 r;
	char			*sock, *url;

	sock = e2e_path("nobody.sock");
	if (asprintf(&url, "unix:%s", sock) == -1)
		ck_abort_msg("out of memory");
	world_start(&w, "--facts-url", url, (char *)NULL);
	status_until(&w, "there is no socket at");

	agent_run(&r, &w, "unix:nobody.sock");
	ck_assert_msg(r.status == 2 && said(&r, "--facts-url unix:nobody.sock: "
	    "give unix: and the full path of the socket"), "vigild agent with "
	    "a relative socket exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	free(url);
	free(sock);
	world_free(&w);
}
END_TEST

Suite *
agent_suite(void)
{
	Suite	*s = suite_create("agent");
	TCase	*tc = tcase_create("agent");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_two_person_kill_runs_its_hook_exactly_once);
	tcase_add_test(tc, test_failing_hook_output_reaches_both_operators);
	tcase_add_test(tc, test_rollback_and_flag_hooks_run_after_the_plan);
	tcase_add_test(tc, test_hook_past_its_time_limit_is_reported_as_such);
	tcase_add_test(tc, test_malformed_facts_are_the_nodes_error_in_words);
	tcase_add_test(tc, test_silent_source_goes_stale_and_refuses_commands);
	tcase_add_test(tc,
	    test_action_without_hook_is_refused_naming_the_option);
	tcase_add_test(tc, test_facts_from_a_local_http_endpoint);
	tcase_add_test(tc, test_facts_from_a_unix_socket_endpoint);
	tcase_add_test(tc, test_missing_unix_socket_is_the_nodes_error);
	tcase_add_test(tc, test_facts_from_a_file_read_again_when_it_changes);
	tcase_add_test(tc, test_station_facts_with_its_certificate);
	tcase_add_test(tc, test_state_from_the_facts_binds_the_command);
	tcase_add_test(tc, test_installed_systemd_unit_starts_an_agent);
	tcase_add_test(tc, test_silent_http_endpoint_is_the_nodes_error);
	suite_add_tcase(s, tc);
	return (s);
}
