/*
 * check_reports.c: what vigil prints for scripts and for cron, through
 * real processes: every member the --json documents carry is described
 * in vigil(1) and every member vigil(1) describes is printed; watch
 * prints only what a person acts on; a refused proposal prints nothing
 * on standard output; and after a two-person kill in the
 * Knight Capital scenario the fleet is contained: warnings with what
 * remains, exit status 6, rates of 0.
 */
#include <check.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "e2e.h"
#include "tests.h"

#define RUN_MS		30000	/* one vigil run */
#define POLL_MS		45000	/* waiting for the fleet to get somewhere */
#define MEMBERS_MAX	256

/* A set of member names. */
struct members {
	char	*v[MEMBERS_MAX];
	size_t	 n;
};

/* Two operators and the knight fleet trusting them. */
struct knight {
	char	*alice_env;	/* "VIGIL_KEY=..." */
	char	*bob_env;
	char	*fleet;
};

static void	 setup(void);
static void	 teardown(void);
static void	 members_add(struct members *, const char *, size_t);
static int	 members_has(const struct members *, const char *);
static void	 members_free(struct members *);
static void	 man_members(struct members *);
static void	 json_members(json_t *, struct members *);
static void	 vigil_runv(struct e2e_result *, const char *, va_list);
static void	 vigil_run(struct e2e_result *, const char *, ...);
static json_t	*run_json(const char *, struct members *, ...);
static void	 knight_start(struct knight *, const char *);
static void	 knight_free(struct knight *);
static void	 wait_runaway(struct knight *);
static void	 kill_r8(struct knight *, struct members *);
static int	 marked_ratio(const char *);
static char	*screen_row(const char *, const char *);

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

/* Add the len bytes at name to m unless they are there already. */
static void
members_add(struct members *m, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strlen(m->v[i]) == len && strncmp(m->v[i], name, len) == 0)
			return;
	}
	ck_assert_uint_lt(m->n, MEMBERS_MAX);
	m->v[m->n++] = strndup(name, len);
}

/* Is name in m? */
static int
members_has(const struct members *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i], name) == 0)
			return (1);
	}
	return (0);
}

static void
members_free(struct members *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	m->n = 0;
}

/*
 * The members vigil(1) documents: every name set in .Li in its JSON
 * OUTPUT section (".It Li a , b" and ".Li a ," alike).
 */
static void
man_members(struct members *m)
{
	FILE	*f = fopen("man/vigil.1", "r");
	char	 line[1024], *p;
	size_t	 len;
	int	 in = 0;

	ck_assert_msg(f != NULL, "man/vigil.1 is missing (run the tests from "
	    "the source tree)");
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, ".Sh ", 4) == 0)
			in = strcmp(line, ".Sh JSON OUTPUT\n") == 0;
		if (!in || line[0] != '.')
			continue;
		for (p = line; (p = strstr(p, "Li ")) != NULL; p += len) {
			p += 3;
			/* Names after Li up to the next macro. */
			for (;;) {
				p += strspn(p, " ,");
				len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
				if (len == 0 || (p[len] != ' ' &&
				    p[len] != ',' && p[len] != '\n'))
					break;
				members_add(m, p, len);
				p += len;
			}
			len = 0;
		}
	}
	fclose(f);
	ck_assert_msg(m->n > 50, "found only %zu members in vigil(1)'s JSON "
	    "OUTPUT", m->n);
}

/* Add every member name in v, at any depth, to m. */
static void
json_members(json_t *v, struct members *m)
{
	const char	*key;
	json_t		*sub;
	size_t		 i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, sub) {
			members_add(m, key, strlen(key));
			json_members(sub, m);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, sub)
			json_members(sub, m);
	}
}

/*
 * Run vigil with environment setting env (may be NULL) and the
 * arguments in ap, NULL-terminated, to completion, into *r.
 */
static void
vigil_runv(struct e2e_result *r, const char *env, va_list ap)
{
	char	*argv[32], *envv[2];
	int	 argc = 0;

	argv[argc++] = e2e_bin("vigil");
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	argv[argc] = NULL;
	envv[0] = (char *)env;
	envv[1] = NULL;
	e2e_run(argv, env != NULL ? envv : NULL, RUN_MS, r);
	ck_assert_msg(r->status != -1, "vigil %s did not finish within %d ms",
	    argv[argc > 3 ? 3 : 1], RUN_MS);
	free(argv[0]);
}

/* vigil_runv() with the arguments after env. */
static void
vigil_run(struct e2e_result *r, const char *env, ...)
{
	va_list	ap;

	va_start(ap, env);
	vigil_runv(r, env, ap);
	va_end(ap);
}

/*
 * Run vigil as vigil_run() does, with env, and parse each line it prints
 * as one JSON document with a schema member, adding their members to m
 * (may be NULL).  Returns the last document.
 */
static json_t *
run_json(const char *env, struct members *m, ...)
{
	struct e2e_result	 r;
	va_list			 ap;
	char			*line, *next;
	json_t			*doc = NULL;
	json_error_t		 jerr;

	va_start(ap, m);
	vigil_runv(&r, env, ap);
	va_end(ap);
	for (line = r.out; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		json_decref(doc);
		doc = json_loads(line, 0, &jerr);
		ck_assert_msg(doc != NULL, "vigil printed a line that is not "
		    "JSON (%s): %.500s; stderr: %.500s", jerr.text, line,
		    r.err);
		ck_assert_msg(json_integer_value(json_object_get(doc,
		    "schema")) == 2, "vigil --json printed no schema 2: "
		    "%.500s", line);
		if (m != NULL)
			json_members(doc, m);
	}
	ck_assert_msg(doc != NULL, "vigil printed no JSON (exit %d): %.500s",
	    r.status, r.err);
	e2e_result_free(&r);
	return (doc);
}

/* Keys for alice and bob; the knight fleet trusting them, from start. */
static void
knight_start(struct knight *k, const char *start)
{
	char	*alice, *bob, *trust;

	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	k->fleet = e2e_start_guarded_fleet_at("knight", trust, start, "10",
	    NULL);
	if (asprintf(&k->alice_env, "VIGIL_KEY=%s", alice) == -1 ||
	    asprintf(&k->bob_env, "VIGIL_KEY=%s", bob) == -1)
		ck_abort_msg("out of memory");
	free(alice);
	free(bob);
	free(trust);
}

static void
knight_free(struct knight *k)
{
	free(k->alice_env);
	free(k->bob_env);
	free(k->fleet);
}

/* Wait until router/r8 runs away after the open. */
static void
wait_runaway(struct knight *k)
{
	json_t	*doc, *r8;
	int64_t	 deadline = e2e_now_ms() + POLL_MS;
	double	 ratio;

	for (;;) {
		doc = run_json(NULL, NULL, "--fleet", k->fleet, "status",
		    "--json", "--wait", "10", NULL);
		r8 = e2e_status_node(doc, "router/r8");
		ratio = json_number_value(json_object_get(json_object_get(r8,
		    "router"), "worst_ratio"));
		json_decref(doc);
		if (ratio > 1.0)
			return;
		ck_assert_msg(e2e_now_ms() < deadline, "router/r8 did not run "
		    "away within %d ms of the open", POLL_MS);
		e2e_sleep_ms(500);
	}
}

/*
 * alice proposes to kill router/r8 and bob approves it, both with
 * --json, whose members go into m (may be NULL); pending --json is read
 * between them.
 */
static void
kill_r8(struct knight *k, struct members *m)
{
	struct e2e_result	 r;
	json_t			*doc, *answer;
	const char		*with;
	char			*id;

	doc = run_json(k->alice_env, m, "--fleet", k->fleet, "propose",
	    "--yes", "kill", "router/r8", "--reason", "runaway child orders",
	    "--json", NULL);
	id = strdup(json_string_value(json_object_get(doc, "id")));
	answer = json_array_get(json_object_get(doc, "answers"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(answer,
	    "outcome")), "accepted");
	with = json_string_value(json_object_get(doc, "approve_with"));
	ck_assert_msg(with != NULL && strstr(with, "--fleet /") != NULL &&
	    strstr(with, id) != NULL, "propose names no approve command with "
	    "the fleet: %s", with != NULL ? with : "(none)");
	json_decref(doc);

	doc = run_json(NULL, m, "--fleet", k->fleet, "pending", "--json",
	    NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "proposals")),
	    1);
	json_decref(doc);

	vigil_run(&r, k->bob_env, "--fleet", k->fleet, "approve", id, "--yes",
	    "--json", NULL);
	ck_assert_msg(r.status == 0, "approve exited %d: %.500s%.500s",
	    r.status, r.out, r.err);
	ck_assert_msg(strstr(r.err, "router/r8") != NULL, "approve --json "
	    "put no review on standard error: %.500s", r.err);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "approve --json printed more than one "
	    "document: %.500s", r.out);
	answer = json_array_get(json_object_get(doc, "answers"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(answer,
	    "outcome")), "executed");
	if (m != NULL)
		json_members(doc, m);
	json_decref(doc);
	e2e_result_free(&r);
	free(id);
}

/*
 * Every member status, alerts, watch, pending, propose and approve print
 * with --json against real vigild (the knight fleet and a capital
 * fleet's stations) is documented in vigil(1), and every member vigil(1)
 * documents is printed, but for those only a fleet in another state
 * shows.
 */
START_TEST(test_documented_members_are_the_printed_ones)
{
	/* Documented, and printed only in states these fleets do not reach. */
	static const char *const rare[] = {
		"error",	/* a backend or frame problem */
		"problem",	/* a proposal that must not be approved */
		"to", "window",	/* arguments of rollback and arm-kill */
		/* a station's blacklist */
		"peer", "reported_by", "evidence", "since_ms",
	};
	struct members	 doc = { .n = 0 }, printed = { .n = 0 };
	struct knight	 k;
	const char	*extra[] = { "--start", "14:00:30", NULL };
	char		*capital, missing[4096] = "";
	json_t		*v;
	size_t		 i, j;

	man_members(&doc);
	knight_start(&k, "09:29:58");
	wait_runaway(&k);
	v = run_json(NULL, &printed, "--fleet", k.fleet, "status", "--json",
	    NULL);
	json_decref(v);
	v = run_json(NULL, &printed, "--fleet", k.fleet, "alerts", "--json",
	    NULL);
	json_decref(v);
	kill_r8(&k, &printed);
	v = run_json(NULL, &printed, "--fleet", k.fleet, "watch", "--json",
	    "--for", "3", NULL);
	json_decref(v);
	capital = e2e_start_fleet("capital", extra, NULL);
	v = run_json(NULL, &printed, "--fleet", capital, "status", "--json",
	    "--wait", "10", NULL);
	json_decref(v);

	for (i = 0; i < printed.n; i++) {
		if (!members_has(&doc, printed.v[i]))
			snprintf(missing + strlen(missing), sizeof missing -
			    strlen(missing), " %s", printed.v[i]);
	}
	ck_assert_msg(missing[0] == '\0', "members printed but not in "
	    "vigil(1)'s JSON OUTPUT:%s", missing);
	for (i = 0; i < doc.n; i++) {
		for (j = 0; j < sizeof rare / sizeof rare[0]; j++) {
			if (strcmp(doc.v[i], rare[j]) == 0)
				break;
		}
		if (j == sizeof rare / sizeof rare[0] &&
		    !members_has(&printed, doc.v[i]))
			snprintf(missing + strlen(missing), sizeof missing -
			    strlen(missing), " %s", doc.v[i]);
	}
	ck_assert_msg(missing[0] == '\0', "members vigil(1) documents that "
	    "no command printed:%s", missing);
	members_free(&doc);
	members_free(&printed);
	knight_free(&k);
	free(capital);
}
END_TEST

/*
 * Is there a ratio marked as a runaway ("!132.00x") in line?
 */
static int
marked_ratio(const char *line)
{
	const char	*p;

	for (p = line; (p = strchr(p, '!')) != NULL; p++) {
		if (isdigit((unsigned char)p[1]) &&
		    strchr(p, 'x') != NULL && strspn(p + 1, "0123456789.") ==
		    (size_t)(strchr(p, 'x') - p - 1))
			return (1);
	}
	return (0);
}

/* The line of screen that starts with start (allocated), or NULL. */
static char *
screen_row(const char *screen, const char *start)
{
	const char	*line;

	for (line = screen; *line != '\0'; line += strcspn(line, "\n") +
	    (line[strcspn(line, "\n")] == '\n')) {
		if (strncmp(line, start, strlen(start)) == 0)
			return (strndup(line, strcspn(line, "\n")));
	}
	return (NULL);
}

/*
 * Knight Capital after the kill: once two operators have killed
 * router/r8, nothing runs away, so vigil status exits 6 (a warning
 * stands, no critical) instead of 1 on every cron run; the drift alerts
 * about r8 are warnings saying it is contained and what remains before
 * a resume; its rates read 0, in status and on the screen, where its
 * ratio is no longer marked as a runaway.
 */
START_TEST(test_a_killed_router_is_contained_at_warning_level)
{
	struct knight		 k;
	struct e2e_result	 r;
	json_t			*doc, *r8, *rates, *a;
	const char		*line, *sev;
	char			*screen, *cmd, *vigil, *row;
	size_t			 i;
	int64_t			 deadline;
	int			 drift = 0;

	knight_start(&k, "09:29:58");
	wait_runaway(&k);
	vigil_run(&r, NULL, "--fleet", k.fleet, "status", NULL);
	ck_assert_msg(r.status == 1, "status exited %d while router/r8 runs "
	    "away: %.1500s", r.status, r.out);
	e2e_result_free(&r);

	kill_r8(&k, NULL);
	e2e_wait_router_state(k.fleet, "router/r8", "killed", POLL_MS);

	vigil_run(&r, NULL, "--fleet", k.fleet, "status", NULL);
	ck_assert_msg(r.status == 6, "status exited %d after the kill, not 6 "
	    "(a warning, no critical): %.2000s%.500s", r.status, r.out,
	    r.err);
	ck_assert_msg(strstr(r.out, "CRITICAL") == NULL, "a critical alert "
	    "stands after the kill: %.2000s", r.out);
	line = strstr(r.out, "\nrouter/r8 ");
	ck_assert_msg(line != NULL && strstr(line, "KILLED, child orders "
	    "0.0/s") != NULL, "router/r8's row does not read killed with 0 "
	    "child orders/s: %.2000s", r.out);
	ck_assert_msg(strstr(r.out, "WARNING flag-drift router/r8") != NULL &&
	    strstr(r.out, "router/r8 is killed, so this is contained") !=
	    NULL && strstr(r.out, "Before a resume, roll it forward to build "
	    "smars-2012.08.01") != NULL && strstr(r.out, "turn flag rlp off "
	    "there") != NULL, "the flag-drift alert does not say r8 is "
	    "contained and what remains: %.2000s", r.out);
	e2e_result_free(&r);

	doc = run_json(NULL, NULL, "--fleet", k.fleet, "status", "--json",
	    NULL);
	r8 = e2e_status_node(doc, "router/r8");
	rates = json_object_get(r8, "rates");
	ck_assert_msg(json_number_value(json_object_get(rates, "child")) ==
	    0 && json_number_value(json_object_get(rates, "parent")) == 0 &&
	    json_number_value(json_object_get(rates, "child_shares")) == 0,
	    "router/r8's rates are not 0 once killed");
	json_array_foreach(json_object_get(doc, "alerts"), i, a) {
		sev = json_string_value(json_object_get(a, "severity"));
		ck_assert_msg(strcmp(sev, "critical") != 0, "critical after "
		    "the kill: %s", json_string_value(json_object_get(a,
		    "text")));
		if (strcmp(json_string_value(json_object_get(a, "rule")),
		    "flag-drift") == 0)
			drift = 1;
	}
	ck_assert_msg(drift, "the flag-drift alert is gone: r8 still runs "
	    "other code under rlp");
	json_decref(doc);

	/* The screen: the Routers view and the alert bar. */
	vigil = e2e_bin("vigil");
	if (asprintf(&cmd, "%s --fleet %s", vigil, k.fleet) == -1)
		ck_abort_msg("out of memory");
	e2e_tmux_start(200, 40, cmd);
	screen = e2e_tmux_wait(20000, "contained", "WARNING", (char *)NULL);
	free(screen);
	e2e_tmux_keys("2", 1);
	/*
	 * The titles show before any row: wait for r8's, killed, with the
	 * rates of two stats frames (the console's links come up a few at
	 * a time, and a rate needs two).
	 */
	deadline = e2e_now_ms() + 20000;
	for (screen = NULL, row = NULL;; e2e_sleep_ms(200)) {
		free(screen);
		free(row);
		screen = e2e_tmux_capture();
		row = screen_row(screen, "router/r8 ");
		if (row != NULL && strstr(screen, "PARENT/s") != NULL &&
		    strstr(row, "killed") != NULL && strstr(row, " 0.0 ") !=
		    NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "no router/r8 row "
		    "killed with rates of 0.0: %.2000s", screen);
	}
	ck_assert_msg(!marked_ratio(row), "router/r8's row shows a runaway "
	    "ratio after the kill: %s", row);
	free(row);
	free(screen);
	free(cmd);
	free(vigil);
	knight_free(&k);
}
END_TEST

/*
 * watch --json over the capital cascade: a line only for what a person
 * acts on, each saying what changed: every node event names its changes
 * and comes at most twice per node in 8 seconds (not once per stats
 * message, as 85 of 134 lines did), and an alert is updated only with
 * its changes named, never for its words alone.
 */
START_TEST(test_watch_prints_only_what_changed)
{
	struct e2e_result	 r;
	json_t			*doc, *changes;
	const char		*event, *change;
	char			*fleet, *line, *next;
	size_t			 nodes = 0, lines = 0;

	fleet = e2e_start_fleet("capital", NULL, NULL);
	vigil_run(&r, NULL, "--fleet", fleet, "watch", "--json", "--for", "8",
	    NULL);
	ck_assert_msg(r.status == 0, "watch exited %d: %.500s", r.status,
	    r.err);
	for (line = r.out; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		doc = json_loads(line, 0, NULL);
		ck_assert_msg(doc != NULL, "not JSON: %.500s", line);
		lines++;
		event = json_string_value(json_object_get(doc, "event"));
		change = json_string_value(json_object_get(doc, "change"));
		changes = json_object_get(doc, "changes");
		if (strcmp(event, "node") == 0) {
			nodes++;
			ck_assert_msg(json_array_size(changes) > 0, "a node "
			    "event that names no change: %.500s", line);
		} else if (strcmp(change, "updated") == 0)
			ck_assert_msg(json_array_size(changes) > 0, "an alert "
			    "updated that names no change: %.500s", line);
		json_decref(doc);
	}
	/* capital: 38 stations. */
	ck_assert_msg(nodes > 0 && nodes <= 2 * 38, "%zu node events of %zu "
	    "lines in 8 s for 38 stations", nodes, lines);
	e2e_result_free(&r);
	free(fleet);
}
END_TEST

/*
 * A proposal every target refuses stands nowhere: vigil propose prints
 * nothing on standard output (it printed "proposal ID: ..." before, as
 * if there were one to approve), in text or JSON, says the backend's
 * sentence on standard error and exits 5.
 */
START_TEST(test_a_refused_proposal_prints_nothing_on_stdout)
{
	struct knight		 k;
	struct e2e_result	 r;
	char			*carol, *env;
	int			 json;

	knight_start(&k, "09:29:58");
	carol = e2e_make_key("carol");
	if (asprintf(&env, "VIGIL_KEY=%s", carol) == -1)
		ck_abort_msg("out of memory");
	for (json = 0; json < 2; json++) {
		vigil_run(&r, env, "--fleet", k.fleet, "propose", "--yes",
		    "kill", "router/r8", "--reason", "carol is not trusted",
		    json ? "--json" : NULL, NULL);
		ck_assert_msg(r.status == 5, "an untrusted proposal exited %d: "
		    "%.500s%.500s", r.status, r.out, r.err);
		ck_assert_msg(r.out[0] == '\0', "a refused proposal printed on "
		    "standard output%s: %.500s", json ? " with --json" : "",
		    r.out);
		ck_assert_msg(strstr(r.err, "router/r8 refused the proposal: "
		    "operator carol is not in") != NULL, "no refusal in words "
		    "on standard error: %.500s", r.err);
		e2e_result_free(&r);
	}
	free(env);
	free(carol);
	knight_free(&k);
}
END_TEST

/*
 * The approve command vigil propose prints carries what reaches the
 * fleet: given --connect, --ca and --wait, it names them all (the CA by
 * its absolute path), and bob, running it as printed from another
 * directory, approves the proposal.
 */
START_TEST(test_propose_prints_an_approve_command_that_works)
{
	struct knight		 k;
	struct e2e_result	 r;
	json_t			*doc;
	FILE			*f;
	char			 line[512], url[256] = "", ca[256] = "";
	char			*dir, *slash, *cmd, *argv[4], *env[3];
	const char		*with;

	knight_start(&k, "09:29:58");
	ck_assert_ptr_nonnull(f = fopen(k.fleet, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "router/r8") != NULL)
			sscanf(line, "%255s", url);
		else if (strncmp(line, "ca ", 3) == 0)
			sscanf(line + 3, "%255s", ca);
	}
	fclose(f);
	ck_assert_msg(url[0] != '\0' && ca[0] != '\0', "the fleet file "
	    "names no router/r8 or no ca");
	/* Run from the fleet's directory, so that the CA is relative. */
	dir = strdup(k.fleet);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	ck_assert_int_eq(chdir(dir), 0);
	doc = run_json(k.alice_env, NULL, "--connect", url, "--ca", ca,
	    "--wait", "10", "propose", "--yes", "kill", "router/r8",
	    "--reason", "drill", "--json", NULL);
	with = json_string_value(json_object_get(doc, "approve_with"));
	ck_assert_msg(with != NULL && strstr(with, url) != NULL &&
	    strstr(with, "--ca /") != NULL && strstr(with, "--wait 10") !=
	    NULL, "the approve command lacks the connection options: %s",
	    with != NULL ? with : "(none)");

	/* bob runs it as printed, from elsewhere. */
	ck_assert_int_eq(chdir("/"), 0);
	free(dir);
	dir = e2e_bin("vigil");
	*strrchr(dir, '/') = '\0';
	if (asprintf(&cmd, "%s --yes", with) == -1 ||
	    asprintf(&env[1], "PATH=%s:/usr/bin:/bin", dir) == -1)
		ck_abort_msg("out of memory");
	env[0] = k.bob_env;
	env[2] = NULL;
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	e2e_run(argv, env, RUN_MS, &r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r8: executed") !=
	    NULL, "%s exited %d: %.500s%.500s", cmd, r.status, r.out, r.err);
	e2e_result_free(&r);
	json_decref(doc);
	free(env[1]);
	free(cmd);
	free(dir);
	knight_free(&k);
}
END_TEST

Suite *
reports_suite(void)
{
	Suite	*s = suite_create("reports");
	TCase	*tc = tcase_create("processes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_documented_members_are_the_printed_ones);
	tcase_add_test(tc, test_a_killed_router_is_contained_at_warning_level);
	tcase_add_test(tc, test_watch_prints_only_what_changed);
	tcase_add_test(tc, test_a_refused_proposal_prints_nothing_on_stdout);
	tcase_add_test(tc, test_propose_prints_an_approve_command_that_works);
	suite_add_tcase(s, tc);
	return (s);
}
