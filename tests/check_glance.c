/*
 * check_glance.c: what an operator takes in at a glance on the curses
 * console (issue 12): a pending proposal in the alert bar, whole words on
 * wide terminals, a mark on every node that earns one, a rate on every
 * node, the mouse, the ":" prompt, sparklines on one scale, alert times
 * on the node's clock.  Screens run the real vigild and vigil in a tmux
 * server of the test's own; what tmux cannot do (click) is fed to the
 * views' key handling directly.
 */
#include <check.h>
#include <jansson.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "e2e.h"
#include "panel.h"
#include "table.h"
#include "tests.h"

#define GLANCE_WAIT_MS	20000	/* longest wait for something to show */

/* Wait until the screen shows every string given; return that screen. */
#define GLANCE_SHOWS(...)						\
	e2e_tmux_wait(GLANCE_WAIT_MS, #__VA_ARGS__, __VA_ARGS__, NULL)

static char	glance_pidfile[512];
static int	glance_registered;

static void	 glance_cleanup(void);
static void	 glance_teardown(void);
static void	 glance_console(int cols, int rows, const char *fleet,
		    const char *env, const char *args);
static void	 glance_start(const char *scenario, const char *start,
		    const char *scale, int cols, int rows);
static char	*glance_joined(const char *screen, size_t from);
static char	*glance_colours(void);
static size_t	 glance_count(const char *hay, const char *needle);
static int	 glance_rows_hold(const char *screen, const char *prefix,
		    const char *what);
static void	 glance_click(int x, int y);
static int	 glance_line_of(const char *screen, const char *what);
static char	*glance_bar(const char *screen);
static double	 glance_ratio(const char *screen, const char *what);
static json_t	*glance_alert(json_t *doc, const char *rule);
static int	 glance_incident_one(json_t *doc, char *why, size_t len);
static int	 glance_column_of(const char *screen, const char *what);
static char	*glance_propose(const char *key, const char *fleet,
		    const char *action, const char *node);

/* Stop vigil first, at exit even after a failure. */
static void
glance_cleanup(void)
{
	FILE	*f;
	int	 pid;

	if (glance_pidfile[0] != '\0' && (f = fopen(glance_pidfile, "r")) !=
	    NULL) {
		if (fscanf(f, "%d", &pid) == 1 && pid > 1)
			kill(pid, SIGTERM);
		fclose(f);
	}
	glance_pidfile[0] = '\0';
}

/* After a test: stop vigil, tmux and vigild. */
static void
glance_teardown(void)
{
	glance_cleanup();
	e2e_cleanup();
}

/*
 * Run vigil on fleet in a tmux window of cols x rows, with env
 * ("NAME=value ...") and extra args; it never reads a user's key config.
 */
static void
glance_console(int cols, int rows, const char *fleet, const char *env,
    const char *args)
{
	char	*vigil = e2e_bin("vigil"), cmd[4096];

	if (!glance_registered) {
		atexit(glance_cleanup);
		glance_registered = 1;
	}
	snprintf(glance_pidfile, sizeof glance_pidfile, "%s/vigil.pid",
	    e2e_dir());
	snprintf(cmd, sizeof cmd, "sh -c 'echo $$ > %s; exec env -u NO_COLOR "
	    "LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=%s %s "
	    "timeout --foreground 120 %s --fleet %s %s'; "
	    "echo \"vigil exited with status $?\"; sleep 30", glance_pidfile,
	    e2e_dir(), env, vigil, fleet, args);
	e2e_tmux_start(cols, rows, cmd);
	free(vigil);
}

/* vigild with the scenario from start at scale, vigil on its fleet. */
static void
glance_start(const char *scenario, const char *start, const char *scale,
    int cols, int rows)
{
	const char	*argv[5];
	char		*fleet;
	int		 argc = 0;

	e2e_setup();
	argv[argc++] = "--start";
	argv[argc++] = start;
	if (scale != NULL) {
		argv[argc++] = "--time-scale";
		argv[argc++] = scale;
	}
	argv[argc] = NULL;
	fleet = e2e_start_fleet(scenario, argv, NULL);
	glance_console(cols, rows, fleet, "", "");
	free(fleet);
}

/*
 * The screen's lines from column from on, trailing spaces cut, joined
 * by single spaces: a wrapped column read as the sentence it holds.
 */
static char *
glance_joined(const char *screen, size_t from)
{
	const char	*p = screen, *nl;
	char		*out;
	size_t		 o = 0, len;

	if ((out = malloc(strlen(screen) + 2)) == NULL)
		ck_abort_msg("out of memory");
	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		if (len > from) {
			while (len > from && p[len - 1] == ' ')
				len--;
			if (len > from) {
				if (o > 0)
					out[o++] = ' ';
				memcpy(out + o, p + from, len - from);
				o += len - from;
			}
		}
		p = *nl == '\0' ? nl : nl + 1;
	}
	out[o] = '\0';
	return (out);
}

/* The window as text with its colours as escape sequences (allocated). */
static char *
glance_colours(void)
{
	struct e2e_result	 r;
	char			*sock = e2e_path("tmux"), *out;
	char			*argv[] = { "/usr/bin/tmux", "-S", sock,
				    "capture-pane", "-e", "-p", NULL };

	e2e_run(argv, NULL, 10000, &r);
	ck_assert_msg(r.status == 0, "tmux capture-pane -e failed: %s", r.err);
	out = r.out;
	r.out = NULL;
	e2e_result_free(&r);
	free(sock);
	return (out);
}

/*
 * `vigil --fleet fleet propose ACTION NODE` as the operator whose key is
 * at key; returns the proposal's id (allocated).
 */
static char *
glance_propose(const char *key, const char *fleet, const char *action,
    const char *node)
{
	struct e2e_result	 r;
	char			 env_key[600], *env[2], id[64], *argv[10];

	snprintf(env_key, sizeof env_key, "VIGIL_KEY=%s", key);
	env[0] = env_key;
	env[1] = NULL;
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = (char *)fleet;
	argv[3] = "propose";
	argv[4] = (char *)action;
	argv[5] = (char *)node;
	argv[6] = "--reason";
	argv[7] = "runaway child orders";
	argv[8] = "--yes";
	argv[9] = NULL;
	e2e_run(argv, env, 30000, &r);
	ck_assert_msg(r.status == 0 && sscanf(r.out, "proposal %63[0-9a-f]:",
	    id) == 1, "propose exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	free(argv[0]);
	return (strdup(id));
}

/*
 * Issue 12, item 2: a proposal waiting for a second operator stands in
 * the alert bar, in its own colour, saying who asks for what and the
 * keys that review it; the header names who this console signs as; the
 * Proposals view's status line names its keys.
 */
START_TEST(pending_proposal_stands_in_the_alert_bar)
{
	static const int	 sizes[][2] = { { 200, 50 }, { 80, 24 } };
	const int		*size = sizes[_i];
	char			*alice, *bob, *trust, *fleet, *id, *screen;
	char			 env[600];

	e2e_setup();
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	fleet = e2e_start_guarded_fleet("knight", trust, NULL);
	id = glance_propose(alice, fleet, "kill", "router/r8");
	snprintf(env, sizeof env, "VIGIL_KEY=%s", bob);
	glance_console(size[0], size[1], fleet, env, "");
	screen = GLANCE_SHOWS("router/r8",
	    "PROPOSAL alice asks to kill router/r8");
	ck_assert_msg(strstr(screen, size[0] > 100 ? "signs as bob" :
	    "as bob") != NULL, "the header does not say who signs here:\n%s",
	    screen);
	ck_assert_msg(strncmp(strchr(screen, '\n') + 1, "PROPOSAL alice asks "
	    "to kill router/r8", 36) == 0, "the proposal is not the bar's "
	    "first row:\n%s", screen);
	ck_assert_msg(strstr(screen, "router/r8: press 6 then A to review "
	    "and approve") != NULL, "the bar does not name the keys:\n%s",
	    screen);
	if (size[0] > 100)
		ck_assert_msg(strstr(screen, "approve (\"runaway child "
		    "orders\").") != NULL, "the bar does not give the "
		    "reason:\n%s", screen);
	free(screen);
	screen = glance_colours();
	ck_assert_msg(strstr(screen, "PROPOSAL") != NULL &&
	    strstr(screen, "\033[") != NULL && strstr(strstr(screen,
	    "PROPOSAL") - 12, "\033[") != NULL, "the proposal is not in "
	    "colour:\n%s", screen);
	free(screen);
	e2e_tmux_keys("6", 1);
	screen = GLANCE_SHOWS("Enter review  A approve  "
	    "X cancel");
	free(screen);
	free(id);
	free(fleet);
	free(trust);
	free(bob);
	free(alice);
}
END_TEST

/*
 * A line of a wide terminal holds more columns than a table cell holds
 * bytes: wrapping for a cell breaks lines by bytes too, and loses none.
 */
START_TEST(wrap_for_a_cell_loses_no_word)
{
	char		 lines[8][DRAW_LINE_MAX], joined[2048];
	const char	*text = "Halt router/r8 with the two-person kill "
	    "command or turn flag rlp off there now, then bring router/r8 to "
	    "the build the other routers run; a long sentence past a cell's "
	    "bytes.";
	size_t		 n, i;

	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	n = draw_wrap_bytes(text, 178, TABLE_CELL_MAX, lines, 8);
	ck_assert_uint_eq(n, 2);
	joined[0] = '\0';
	for (i = 0; i < n; i++) {
		ck_assert_uint_lt(strlen(lines[i]), TABLE_CELL_MAX);
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, lines[i]);
	}
	ck_assert_str_eq(joined, text);
}
END_TEST

/*
 * Issue 12, item 10: sparklines share one scale per view, so a router
 * at 135/s draws low beside one at 2,500/s, not as high.
 */
START_TEST(sparklines_share_one_scale_per_view)
{
	static const struct table_column cols[] = {
		{ "NODE", 9, 20, 0, 0, 0 },
		{ "HISTORY", 8, 0, 0, 0, 1 },
	};
	float			 r1[8], r8[8], scale[2];
	struct table		 t;
	struct table_row	*row;
	char			 out[64];
	int			 i;

	for (i = 0; i < 8; i++) {
		r1[i] = 135;
		r8[i] = 2500;
	}
	table_init(&t, cols, 2);
	row = table_add(&t, "router/r1");
	row->series = (struct table_series){ r1, 8, 0, 8 };
	row = table_add(&t, "router/r8");
	row->series = (struct table_series){ r8, 8, 0, 8 };
	table_view(&t, "", -1, 0);
	table_layout(&t, 40);
	draw_table_scales(&t, scale);
	ck_assert(scale[0] == 0 && scale[1] == 2500);
	draw_sparkline_scaled(&t.rows[0].series, 8, scale[1], 1, out,
	    sizeof out);
	ck_assert_str_eq(out, "........");
	draw_sparkline_scaled(&t.rows[1].series, 8, scale[1], 1, out,
	    sizeof out);
	ck_assert_str_eq(out, "########");
	/* Alone, each is scaled to itself, as before. */
	draw_sparkline(&t.rows[0].series, 8, 1, out, sizeof out);
	ck_assert_str_eq(out, "########");
	table_free(&t);
}
END_TEST

/*
 * A click on a view, as the mouse handler hands it over: a title sorts
 * by its column and again the other way, a row is selected, and a
 * second click on it asks to open it.
 */
START_TEST(click_sorts_selects_and_opens)
{
	static const struct table_column cols[] = {
		{ "NODE", 9, 20, 0, 0, 0 },
		{ "CHILD/s", 8, 8, 0, 1, 0 },
	};
	struct panel		 p;
	struct table_row	*row;

	panel_init(&p, &panel_routers_ops);
	table_reset(&p.table, cols, 2);
	row = table_add(&p.table, "router/r1");
	table_set(row, 0, MARK_NONE, "router/r1");
	row = table_add(&p.table, "router/r8");
	table_set(row, 0, MARK_NONE, "router/r8");
	table_view(&p.table, "", -1, 0);
	table_layout(&p.table, 120);
	p.page = 10;
	ck_assert_int_eq(table_column_at(&p.table, 0), 0);
	ck_assert_int_eq(table_column_at(&p.table, p.table.widths[0]), -1);
	ck_assert_int_eq(table_column_at(&p.table, p.table.widths[0] + 1), 1);
	ck_assert_int_eq(panel_click(&p, 0, p.table.widths[0] + 1),
	    PANEL_CLICK_SORTED);
	ck_assert_int_eq(p.sort_col, 1);
	ck_assert_int_eq(p.reverse, 0);
	ck_assert_int_eq(panel_click(&p, 0, p.table.widths[0] + 1),
	    PANEL_CLICK_SORTED);
	ck_assert_int_eq(p.reverse, 1);
	ck_assert_int_eq(panel_click(&p, 2, 3), PANEL_CLICK_SELECTED);
	ck_assert_str_eq(p.selected, "router/r8");
	ck_assert_int_eq(panel_click(&p, 2, 3), PANEL_CLICK_OPEN);
	ck_assert_int_eq(panel_click(&p, 5, 3), PANEL_CLICK_NONE);
	panel_free(&p);
}
END_TEST

/*
 * Issue 12, item 6: at 200 columns the Node detail view of router/r8 in
 * the knight replay shows every word of its alerts' cause and action.
 */
START_TEST(wide_node_detail_keeps_every_word)
{
	char		*screen, *joined;
	const char	*hello;

	glance_start("knight", "09:30:10", "10", 200, 50);
	free(GLANCE_SHOWS("router/r8", "rlp="));
	/* A link still coming up has a row of its own, after the nodes. */
	free(e2e_tmux_wait_fleet(GLANCE_WAIT_MS, 8, 8));
	e2e_tmux_keys("G", 1);
	e2e_tmux_keys("Enter", 0);
	screen = GLANCE_SHOWS("Alerts about this node",
	    "flag-drift ", "build-drift ");
	joined = glance_joined(screen, 21);
	ck_assert_msg(strstr(joined, "Halt router/r8 with the two-person kill "
	    "command or turn flag rlp off there now") != NULL &&
	    strstr(joined, "then bring router/r8 to the build the other "
	    "routers run") != NULL, "words are missing from flag-drift's "
	    "action; the screen was:\n%s", screen);
	ck_assert_msg(strstr(joined, "do not roll the other routers back to "
	    "match it without") != NULL, "words are missing from "
	    "build-drift's action; the screen was:\n%s", screen);
	/* Its events read on the node's clock too, as the header does. */
	hello = strstr(screen, "said hello");
	ck_assert_msg(hello != NULL && hello - screen > 21 &&
	    strncmp(hello - 21, "09:3", 4) == 0, "the node's events are not "
	    "on its clock (09:3x):\n%s", screen);
	free(joined);
	free(screen);
}
END_TEST

/* How many times needle occurs in hay. */
static size_t
glance_count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/*
 * Issue 12, item 7: in the capital replay 32 stations beat at 0.0/s;
 * every one of them is marked "!0.0" in the Stations view, not only the
 * first 16 the heartbeat alert names.
 */
START_TEST(every_silent_station_is_marked)
{
	char	*screen;
	size_t	 marked, plain;
	int64_t	 deadline;

	glance_start("capital", "14:01:00", "10", 200, 60);
	free(GLANCE_SHOWS("station/s37"));
	e2e_tmux_keys("3", 1);
	/* In the bar, heartbeat is an effect of root-unreachable. */
	free(GLANCE_SHOWS("!0.0 ", "BEATS/s"));
	/* The rates fall to 0.0 as the console's window fills. */
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (screen = NULL;; e2e_sleep_ms(300)) {
		free(screen);
		screen = e2e_tmux_capture();
		marked = glance_count(screen, "!0.0 ");
		plain = glance_count(screen, "     0.0 ");
		if (marked + plain >= 32 || e2e_now_ms() > deadline)
			break;
	}
	ck_assert_msg(marked == 32 && plain == 0, "%zu stations are marked "
	    "!0.0 and %zu beat at 0.0/s unmarked; the screen was:\n%.3000s",
	    marked, plain, screen);
	free(screen);
}
END_TEST

/* Every line starting with prefix holds what; there is at least one. */
static int
glance_rows_hold(const char *screen, const char *prefix, const char *what)
{
	const char	*line = screen, *end;
	char		 buf[512];
	size_t		 n;
	int		 rows = 0;

	while (*line != '\0') {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		n = (size_t)(end - line);
		if (n >= sizeof buf)
			n = sizeof buf - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (strncmp(buf, prefix, strlen(prefix)) == 0) {
			if (strstr(buf, what) == NULL)
				return (0);
			rows++;
		}
		line = *end == '\0' ? end : end + 1;
	}
	return (rows > 0);
}

/*
 * Issue 12, item 9: the Fleet view has a RATE column, child orders a
 * second for routers (r8's marked), heartbeats a second for stations,
 * at 80 columns as at 200.
 */
START_TEST(fleet_view_has_a_rate_for_every_node)
{
	char		*screen = NULL;
	int64_t		 deadline;
	int		 knight = _i == 0;

	if (knight) {
		glance_start("knight", "09:30:10", "10", 80, 24);
		/* Every router, not those in first. */
		free(e2e_tmux_wait_fleet(GLANCE_WAIT_MS, 8, 8));
	} else
		glance_start("capital", "13:59:00", NULL, 200, 50);
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (;; e2e_sleep_ms(300)) {
		free(screen);
		screen = e2e_tmux_capture();
		if ((knight ? glance_rows_hold(screen, "router/", " ord/s") &&
		    glance_rows_hold(screen, "router/r8 ", "!") :
		    glance_rows_hold(screen, "station/", " hb/s")) &&
		    strstr(screen, "RATE") != NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the Fleet view does "
		    "not give every node its rate:\n%.3000s", screen);
	}
	free(screen);
}
END_TEST

/*
 * Issue 12, item 10: in the knight replay's Routers view, r1's history
 * at about 135/s draws low beside r8's runaway, not at full height.
 */
START_TEST(routers_history_on_one_scale)
{
	char	*screen = NULL;
	int64_t	 deadline;

	glance_start("knight", "09:30:10", "10", 200, 50);
	free(GLANCE_SHOWS("router/r8"));
	e2e_tmux_keys("2", 1);
	/* Until r8 runs away (marked) with a history drawn at full height. */
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (;; e2e_sleep_ms(300)) {
		free(screen);
		screen = e2e_tmux_capture();
		/*
		 * r1 low: a block of the lowest two (the lowest is for
		 * samples of 0, which leave the history once the console
		 * has run long enough, as a loaded machine's may have).
		 */
		if (glance_rows_hold(screen, "router/r8 ", "\u2588") &&
		    glance_rows_hold(screen, "router/r8 ", "!") &&
		    (glance_rows_hold(screen, "router/r1 ", "\u2581") ||
		    glance_rows_hold(screen, "router/r1 ", "\u2582")))
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "r8 never ran away "
		    "with a history:\n%.3000s", screen);
	}
	ck_assert_msg(!glance_rows_hold(screen, "router/r1 ", "\u2588"),
	    "router/r1's history draws as high as router/r8's:\n%.3000s",
	    screen);
	free(screen);
}
END_TEST

/*
 * Issue 12, item 10: the Alerts view gives first and last seen on the
 * node's clock, as the header does: the knight replay's 09:3x, not the
 * wall clock.
 */
START_TEST(alert_times_on_the_node_clock)
{
	char	*screen = NULL;
	int64_t	 deadline;

	glance_start("knight", "09:30:10", "10", 200, 50);
	free(GLANCE_SHOWS("router/r8"));
	e2e_tmux_keys("5", 1);
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (;; e2e_sleep_ms(300)) {
		free(screen);
		screen = e2e_tmux_capture();
		/* build-drift needs r8 and the others heard: not at once. */
		if (glance_rows_hold(screen, "CRITICAL runaway ", " new ") &&
		    glance_rows_hold(screen, "WARNING  build-drift ", " "))
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "no runaway and "
		    "build-drift alerts in the Alerts view:\n%.3000s",
		    screen);
	}
	ck_assert_msg(glance_rows_hold(screen, "CRITICAL runaway ",
	    " 09:3") && glance_rows_hold(screen, "WARNING  build-drift ",
	    " 09:3"), "the alerts' times are not on the node's clock "
	    "(09:3x):\n%.3000s", screen);
	free(screen);
}
END_TEST

/*
 * Issue 12, item 10: ":kill r8" opens the same guarded dialog as K on
 * router/r8: the reason, then the action's name, and only then is the
 * proposal signed and sent.  An unknown command is refused in words
 * naming the commands of the table.
 */
START_TEST(colon_prompt_opens_the_guarded_dialog)
{
	char	*alice, *bob, *trust, *fleet, env[600];

	e2e_setup();
	alice = e2e_make_key("alice");
	bob = e2e_make_key("bob");
	trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	fleet = e2e_start_guarded_fleet("knight", trust, NULL);
	snprintf(env, sizeof env, "VIGIL_KEY=%s", alice);
	glance_console(200, 50, fleet, env, "");
	free(GLANCE_SHOWS("router/r8", "signs as alice"));
	e2e_tmux_keys(":", 1);
	free(GLANCE_SHOWS("(kill, resume, ", "NODE... [--to WHAT]; Enter "
	    "opens its dialog, Escape cancels)"));
	e2e_tmux_keys("frob r8", 1);
	e2e_tmux_keys("Enter", 0);
	free(GLANCE_SHOWS("There is no command \"frob\": "
	    "the commands are kill, resume"));
	e2e_tmux_keys(":", 1);
	e2e_tmux_keys("kill r99", 1);
	e2e_tmux_keys("Enter", 0);
	free(GLANCE_SHOWS("r99 is not a node of this fleet"));
	e2e_tmux_keys(":", 1);
	e2e_tmux_keys("kill r8", 1);
	e2e_tmux_keys("Enter", 0);
	/* With r8's state, which comes after its hello: else no proposal. */
	free(GLANCE_SHOWS("Propose kill: halt child orders",
	    "target: router/r8, build smars-2012.07.31-old, running",
	    "Type why"));
	e2e_tmux_keys("runaway", 1);
	e2e_tmux_keys("Enter", 0);
	free(GLANCE_SHOWS("Type kill and press Enter"));
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_sign_draft(GLANCE_WAIT_MS));
	free(GLANCE_SHOWS("Proposals (1)",
	    "PROPOSAL yours: kill router/r8 waits for a second operator"));
	free(fleet);
	free(trust);
	free(bob);
	free(alice);
}
END_TEST

/*
 * A left click at column x, row y (from 0) as an xterm reports it once
 * the console asked for mouse reports: press, then release.  tmux's
 * send-keys cannot click, but it types these bytes into the pane.
 */
static void
glance_click(int x, int y)
{
	char	seq[16];

	snprintf(seq, sizeof seq, "\033[M%c%c%c\033[M%c%c%c", 32, 33 + x,
	    33 + y, 35, 33 + x, 33 + y);
	e2e_tmux_keys(seq, 1);
}

/* The row (from 0) of the first line holding what, or -1. */
static int
glance_line_of(const char *screen, const char *what)
{
	const char	*hit = strstr(screen, what), *p;
	int		 y = 0;

	if (hit == NULL)
		return (-1);
	for (p = screen; p < hit; p++)
		y += *p == '\n';
	return (y);
}

/* The column of what in its line, or -1. */
static int
glance_column_of(const char *screen, const char *what)
{
	const char	*hit = strstr(screen, what), *p;

	if (hit == NULL)
		return (-1);
	for (p = hit; p > screen && p[-1] != '\n'; p--)
		;
	return ((int)(hit - p));
}

/*
 * Issue 12, item 10: the mouse.  The console asks the terminal for mouse
 * reports; a click on a tab shows its view, on a column title sorts by
 * it (again: the other way), on a row selects it, and on the selected
 * row opens its detail.
 */
START_TEST(mouse_clicks_tabs_titles_and_rows)
{
	struct e2e_result	 r;
	char			*screen, *sock, *argv[8];
	int			 y, x;

	/*
	 * Once every router is in and the alert bar is steady, so the rows
	 * stay where they are: its three incidents drawn, runaway's with
	 * order-rate as its effect, so r8 is the busiest router.  Not by
	 * the header's counts: order-rate turns critical at 20 times its
	 * baseline, and r8's rate climbs by one child order per runaway
	 * parent every 50 ms (a late step of a loaded vigild sends those
	 * owed, up to four), where it once came a child order per step:
	 * under ASan beside another suite it got there after this wait
	 * ("2 critical 2 warning").
	 */
	glance_start("knight", "09:32:00", "10", 120, 30);
	free(e2e_tmux_wait_fleet(GLANCE_WAIT_MS, 8, 8));
	screen = GLANCE_SHOWS("router/r8", "2 Routers",
	    "CRITICAL runaway: ", "as child orders and 1 effect",
	    "CRITICAL flag-drift: ", "WARNING  build-drift");
	sock = e2e_path("tmux");
	argv[0] = "/usr/bin/tmux";
	argv[1] = "-S";
	argv[2] = sock;
	argv[3] = "display-message";
	argv[4] = "-p";
	argv[5] = "#{mouse_any_flag}#{mouse_standard_flag}";
	argv[6] = NULL;
	e2e_run(argv, NULL, 10000, &r);
	ck_assert_msg(r.status == 0 && strchr(r.out, '1') != NULL, "the "
	    "console did not ask the terminal for mouse reports: %s%s",
	    r.out, r.err);
	e2e_result_free(&r);
	free(sock);

	glance_click(glance_column_of(screen, "2 Routers") + 1,
	    glance_line_of(screen, "2 Routers"));
	free(screen);
	screen = GLANCE_SHOWS("CHILD/s", "SHARE RATIO");
	y = glance_line_of(screen, "CHILD/s");
	x = glance_column_of(screen, "CHILD/s") + 2;
	glance_click(x, y);
	free(screen);
	screen = GLANCE_SHOWS("CHILD/s\u25b2");
	free(screen);
	glance_click(x, y);
	screen = GLANCE_SHOWS("CHILD/s\u25bc");
	/* Sorted the other way: r8, the busiest, comes first. */
	ck_assert_msg(glance_line_of(screen, "\nrouter/r8 ") + 1 == y + 1,
	    "router/r8 is not the first row sorted by CHILD/s descending:"
	    "\n%s", screen);
	/* Rows in a steady order (by name) before clicking one. */
	glance_click(1, y);
	free(screen);
	screen = GLANCE_SHOWS("NODE\u25b2");
	y = glance_line_of(screen, "\nrouter/r3 ") + 1;
	glance_click(2, y);
	free(screen);
	screen = GLANCE_SHOWS("router/r3 ");
	free(screen);
	glance_click(2, y);
	screen = GLANCE_SHOWS("Enter Detail", "FIELD",
	    "router/r3");
	ck_assert_msg(strstr(screen, "id                   router/r3") !=
	    NULL, "a second click on router/r3 did not open its detail:\n%s",
	    screen);
	free(screen);
	/* The help view tells of the mouse and of the ":" prompt. */
	e2e_tmux_keys("?", 1);
	e2e_tmux_keys("G", 1);
	free(GLANCE_SHOWS("Mouse", "a column title sorts by it"));
	e2e_tmux_keys("g", 1);
	e2e_tmux_keys("/", 1);
	e2e_tmux_keys("prompt", 1);
	e2e_tmux_keys("Enter", 0);
	free(GLANCE_SHOWS("\n:   ", "prompt         Type a command by name"));
}
END_TEST

/*
 * The alert bar's rows of screen (between the header and the view names)
 * as one allocated string; empty when the view names are not drawn.
 */
static char *
glance_bar(const char *screen)
{
	const char	*tabs = strstr(screen, "\n 1 Fleet "), *first;
	char		*bar;

	first = strchr(screen, '\n');
	if (tabs == NULL || first == NULL || first > tabs)
		first = tabs = screen;
	else
		first++;
	if ((bar = strndup(first, (size_t)(tabs - first))) == NULL)
		ck_abort_msg("out of memory");
	return (bar);
}

/* The ratio in "router/r8 sent 104.0x" after what in screen, or -1. */
static double
glance_ratio(const char *screen, const char *what)
{
	const char	*p = strstr(screen, what);
	double		 ratio;

	if (p == NULL || (p = strstr(p, "router/r8 sent ")) == NULL ||
	    sscanf(p, "router/r8 sent %lfx", &ratio) != 1)
		return (-1);
	return (ratio);
}

/*
 * Issue 12, item 5: in the knight replay, runaway acknowledged while
 * r8's ratio grows leaves the bar, and comes back (unacknowledged) once
 * the ratio has doubled, at 80x24.
 */
START_TEST(acknowledged_runaway_returns_when_its_ratio_doubles)
{
	char	*screen = NULL, *bar = NULL;
	double	 acked, back = -1;
	int64_t	 deadline;
	int	 hidden = 0;

	glance_start("knight", "09:30:00", "1", 80, 24);
	free(GLANCE_SHOWS("runaway: router/r8 sent"));
	e2e_tmux_keys("5", 1);
	e2e_tmux_keys("/", 1);
	e2e_tmux_keys("runaway", 1);
	e2e_tmux_keys("Enter", 0);
	/* Late enough that doubling takes seconds: about 20x a second. */
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (;; e2e_sleep_ms(150)) {
		free(screen);
		screen = e2e_tmux_capture();
		if ((acked = glance_ratio(screen, "What:")) >= 100)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "no runaway of 100x in "
		    "the Alerts view:\n%.3000s", screen);
	}
	e2e_tmux_keys("a", 1);
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (;; e2e_sleep_ms(150)) {
		free(screen);
		free(bar);
		screen = e2e_tmux_capture();
		bar = glance_bar(screen);
		if (strstr(bar, "runaway") == NULL)
			hidden = 1;
		else if (hidden) {
			back = glance_ratio(bar, "runaway:");
			break;
		}
		ck_assert_msg(e2e_now_ms() < deadline, "runaway, acknowledged "
		    "at %.1fx, %s:\n%.3000s", acked, hidden ? "never came back "
		    "to the bar" : "never left the bar", screen);
	}
	ck_assert_msg(back >= 2 * acked, "runaway came back at %.1fx, "
	    "acknowledged at %.1fx:\n%.3000s", back, acked, screen);
	ck_assert_msg(glance_rows_hold(screen, "CRITICAL runaway ", " new "),
	    "runaway is back in the bar but not new in the Alerts "
	    "view:\n%.3000s", screen);
	free(bar);
	free(screen);
}
END_TEST

/*
 * The alert of rule (or a backend's report of code: "rule" names it or,
 * as "backend", its text does) in an alerts --json document; or NULL.
 */
static json_t *
glance_alert(json_t *doc, const char *rule)
{
	json_t		*a;
	const char	*r, *text;
	char		 reported[64];
	size_t		 i;

	snprintf(reported, sizeof reported, "report %s;", rule);
	json_array_foreach(json_object_get(doc, "alerts"), i, a) {
		r = json_string_value(json_object_get(a, "rule"));
		text = json_string_value(json_object_get(a, "text"));
		if (r != NULL && (strcmp(r, rule) == 0 || (strcmp(r,
		    "backend") == 0 && text != NULL && strstr(text,
		    reported) != NULL)))
			return (a);
	}
	return (NULL);
}

/*
 * Does an alerts --json document of the capital replay after 14:01:30
 * hold incident 1 as root-unreachable with its symptoms following from
 * it, its causes' effects counting its other alerts?  Returns 0, or -1
 * saying why not in why.
 */
static int
glance_incident_one(json_t *doc, char *why, size_t len)
{
	static const char *const symptoms[] = { "renewal-failed",
	    "cert-expiring", "device-countdown", "blacklist", "renewal" };
	json_t	*root, *a;
	size_t	 i, members = 0, sum = 0;

	why[0] = '\0';
	root = glance_alert(doc, "root-unreachable");
	if (root == NULL || json_integer_value(json_object_get(root,
	    "incident")) != 1 || !json_is_null(json_object_get(root,
	    "follows")) || json_integer_value(json_object_get(root,
	    "effects")) < 4) {
		snprintf(why, len, "root-unreachable is not incident 1's cause "
		    "with 4 effects or more");
		return (-1);
	}
	for (i = 0; i < sizeof symptoms / sizeof symptoms[0]; i++) {
		a = glance_alert(doc, symptoms[i]);
		if (a == NULL || json_integer_value(json_object_get(a,
		    "incident")) != 1 || !json_is_string(json_object_get(a,
		    "follows"))) {
			snprintf(why, len, "%s is not an effect in incident 1",
			    symptoms[i]);
			return (-1);
		}
	}
	/* The causes' effects count every other alert of the incident. */
	json_array_foreach(json_object_get(doc, "alerts"), i, a) {
		if (json_integer_value(json_object_get(a, "incident")) != 1)
			continue;
		members++;
		if (json_is_null(json_object_get(a, "follows")))
			sum += (size_t)json_integer_value(json_object_get(a,
			    "effects")) + 1;
	}
	if (sum != members) {
		snprintf(why, len, "incident 1 has %zu alerts but its causes "
		    "count %zu with their effects", members, sum);
		return (-1);
	}
	return (0);
}

/*
 * Issue 12, item 1: in the capital replay after 14:01:30, at 80x24, the
 * alert bar leads with root-unreachable, the cause, "and N effects", and
 * no symptom has a row of its own; vigil alerts --json numbers the same
 * incident and says what each symptom follows from.
 */
START_TEST(capital_bar_leads_with_the_root_cause)
{
	const char	*start[] = { "--start", "14:01:30", NULL };
	char		*fleet, *screen = NULL, *bar = NULL, *row;
	char		*argv[] = { NULL, "--fleet", NULL, "alerts", "--json",
			    "--wait", "10", NULL };
	struct e2e_result r;
	json_t		*doc;
	json_error_t	 error;
	char		 why[256];
	size_t		 effects = 0;
	int64_t		 deadline;

	e2e_setup();
	fleet = e2e_start_fleet("capital", start, NULL);
	glance_console(80, 24, fleet, "", "");
	deadline = e2e_now_ms() + GLANCE_WAIT_MS;
	for (;; e2e_sleep_ms(300)) {
		free(screen);
		free(bar);
		screen = e2e_tmux_capture();
		bar = glance_bar(screen);
		if ((row = strstr(bar, "CRITICAL root-unreachable: ")) !=
		    NULL && (row = strstr(row, " and ")) != NULL &&
		    sscanf(row, " and %zu effects", &effects) == 1 &&
		    effects >= 4)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the bar does not lead "
		    "with root-unreachable and 4 effects or more:\n%.3000s",
		    screen);
	}
	ck_assert_msg(strncmp(bar, "CRITICAL root-unreachable: ", 27) == 0 &&
	    strstr(bar, "device-countdown") == NULL &&
	    strstr(bar, "heartbeat") == NULL, "root-unreachable is not the "
	    "bar's first row, or a symptom has a row of its own:\n%.3000s",
	    screen);

	/* A console just started may not have heard every station yet. */
	argv[0] = e2e_bin("vigil");
	argv[2] = fleet;
	deadline = e2e_now_ms() + 2 * GLANCE_WAIT_MS;
	for (doc = NULL;; e2e_sleep_ms(500)) {
		json_decref(doc);
		e2e_run(argv, NULL, 30000, &r);
		doc = json_loads(r.out, 0, &error);
		ck_assert_msg(doc != NULL, "alerts --json printed no JSON: %s; "
		    "%.2000s", error.text, r.err);
		if (glance_incident_one(doc, why, sizeof why) == 0 ||
		    e2e_now_ms() > deadline)
			break;
		e2e_result_free(&r);
	}
	ck_assert_msg(why[0] == '\0', "%s:\n%.2000s", why, r.out);
	json_decref(doc);
	e2e_result_free(&r);
	free(argv[0]);
	free(bar);
	free(screen);
	free(fleet);
}
END_TEST

/*
 * Issue 12, item 1: eight routers down make one row of the alert bar,
 * "node-down on 8 nodes", at 80x24.
 */
START_TEST(eight_routers_down_make_one_row)
{
	char	*fleet, *screen, *bar, *nl;
	pid_t	 vigild;

	e2e_setup();
	fleet = e2e_start_fleet("knight", NULL, &vigild);
	glance_console(80, 24, fleet, "", "");
	free(GLANCE_SHOWS("router/r8 ", "8/8 up"));
	e2e_kill(vigild, SIGKILL);
	screen = GLANCE_SHOWS("CRITICAL node-down on 8 nodes: ", "0/8 up");
	bar = glance_bar(screen);
	nl = strchr(bar, '\n');
	ck_assert_msg(strncmp(bar, "CRITICAL node-down on 8 nodes: ", 31) ==
	    0 && (nl == NULL || strstr(nl, "node-down") == NULL), "the "
	    "routers down are not one row first in the bar:\n%.3000s",
	    screen);
	free(bar);
	free(screen);
	free(fleet);
}
END_TEST

Suite *
glance_suite(void)
{
	Suite	*s = suite_create("glance");
	TCase	*tc = tcase_create("units");

	tcase_add_test(tc, wrap_for_a_cell_loses_no_word);
	tcase_add_test(tc, sparklines_share_one_scale_per_view);
	tcase_add_test(tc, click_sorts_selects_and_opens);
	suite_add_tcase(s, tc);

	tc = tcase_create("screens");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, glance_teardown);
	tcase_add_test(tc, wide_node_detail_keeps_every_word);
	tcase_add_loop_test(tc, pending_proposal_stands_in_the_alert_bar, 0,
	    2);
	tcase_add_test(tc, every_silent_station_is_marked);
	tcase_add_loop_test(tc, fleet_view_has_a_rate_for_every_node, 0, 2);
	tcase_add_test(tc, routers_history_on_one_scale);
	tcase_add_test(tc, alert_times_on_the_node_clock);
	tcase_add_test(tc, colon_prompt_opens_the_guarded_dialog);
	tcase_add_test(tc, mouse_clicks_tabs_titles_and_rows);
	suite_add_tcase(s, tc);

	tc = tcase_create("incidents");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, glance_teardown);
	tcase_add_test(tc, acknowledged_runaway_returns_when_its_ratio_doubles);
	tcase_add_test(tc, capital_bar_leads_with_the_root_cause);
	tcase_add_test(tc, eight_routers_down_make_one_row);
	suite_add_tcase(s, tc);
	return (s);
}
