/*
 * check_screen.c: the real curses console, driven the way an operator
 * drives it.  Each test starts a real `vigild fleet` on 127.0.0.1 (ports
 * picked by the kernel), runs `vigil --fleet FILE` inside a detached tmux
 * server of its own, types with send-keys and reads the screen with
 * capture-pane.  Each runs at 80x24 and 200x50, with NO_COLOR=1 and with
 * TERM=vt100 (one of them with --no-color --ascii).
 *
 * Everything stops by itself: vigild dies with the test (e2e.c), vigil
 * runs under timeout(1) and the tmux server ends with its only pane; the
 * teardown (or, when an assertion fails, the atexit handler) kills them
 * all at once anyway.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "keys.h"
#include "tests.h"

#define SCREEN_WAIT_MS	20000	/* longest wait for something to show */
#define SCREEN_LINES	128

/* One way of running the console. */
struct screen_config {
	int		 cols, rows;
	const char	*env;		/* "NAME=value ..." for vigil */
	const char	*args;		/* extra vigil arguments */
};

static const struct screen_config screen_configs[] = {
	{ 80, 24, "", "" },
	{ 200, 50, "", "" },
	{ 80, 24, "NO_COLOR=1", "" },
	{ 80, 24, "TERM=vt100", "" },
	{ 200, 50, "TERM=vt100", "--no-color --ascii" },
};
#define SCREEN_NCONFIGS	(sizeof screen_configs / sizeof screen_configs[0])

/* What the cleanup must stop; set while a test runs. */
static char	screen_pidfile[512];
static int	screen_registered;

/* The screen shows one router's row and not another's (NULL: any). */
struct screen_rows {
	const char	*shown;
	const char	*hidden;
};

/* One screenful, split into lines. */
struct screen_text {
	char	*text;		/* as captured, for messages */
	char	*buf;		/* the same, split at newlines */
	char	*line[SCREEN_LINES];
	size_t	 n;
};

static void	 screen_cleanup(void);
static void	 screen_teardown(void);
static void	 screen_start(const char *scenario, const char *start,
		    const char *scale, const struct screen_config *cfg);
static void	 screen_start_with(const char *scenario, const char *start,
		    const char *scale, const char *const *extra,
		    const struct screen_config *cfg);
static void	 screen_start_knight(const char *start,
		    const struct screen_config *cfg);
static void	 screen_capture(struct screen_text *s);
static void	 screen_free(struct screen_text *s);
static int	 screen_wait(struct screen_text *s,
		    int (*ready)(const struct screen_text *, const void *),
		    const void *arg);
static const char *screen_row(const struct screen_text *s, const char *id);
static int	 screen_tabs(const struct screen_text *s);
static int	 screen_has(const struct screen_text *s, const void *what);
static int	 screen_r8_row(const struct screen_text *s, const void *arg);
static int	 screen_runaway(const struct screen_text *s, const void *arg);
static int	 screen_only_r8(const struct screen_text *s, const void *arg);
static int	 screen_rows_are(const struct screen_text *s,
		    const void *arg);
static void	 screen_scrolled(const char *keys,
		    const struct screen_rows *r, const char *next);
static int	 screen_status_last(const struct screen_text *s,
		    const void *arg);
static long	 screen_seconds(const char *text);
static double	 screen_rate(const char *text);
static int	 screen_by_child_rate(const struct screen_text *s,
		    const void *arg);
static int	 screen_r8_leads_by_rate(const struct screen_text *s,
		    const void *arg);
static void	 screen_all_ascii(const struct screen_text *s);

/*
 * Stop vigil first, at exit even after a failure; e2e_cleanup() then
 * stops its tmux server and vigild.
 */
static void
screen_cleanup(void)
{
	FILE	*f;
	int	 pid;

	if (screen_pidfile[0] != '\0' && (f = fopen(screen_pidfile, "r")) !=
	    NULL) {
		if (fscanf(f, "%d", &pid) == 1 && pid > 1)
			kill(pid, SIGTERM);
		fclose(f);
	}
	screen_pidfile[0] = '\0';
}

/*
 * After a test that passed (a failing one ends through exit(), where
 * the atexit handlers do the same): stop vigil, tmux and vigild.
 */
static void
screen_teardown(void)
{
	screen_cleanup();
	e2e_cleanup();
}

/* As screen_start_with(), with no more options. */
static void
screen_start(const char *scenario, const char *start, const char *scale,
    const struct screen_config *cfg)
{
	screen_start_with(scenario, start, scale, NULL, cfg);
}

/*
 * Start vigild with the scenario (and clock, scale and the options in
 * extra, NULL ended, when not NULL), then vigil on its fleet file in a
 * detached tmux session of cfg's size.
 */
static void
screen_start_with(const char *scenario, const char *start,
    const char *scale, const char *const *extra,
    const struct screen_config *cfg)
{
	char	*vigil = e2e_bin("vigil");
	char	*fleet, *argv[16], cmd[2048];
	int	 argc = 0;
	pid_t	 pid;

	e2e_setup();
	if (!screen_registered) {
		/* After e2e's, so it runs first: vigil before vigild. */
		atexit(screen_cleanup);
		screen_registered = 1;
	}
	snprintf(screen_pidfile, sizeof screen_pidfile, "%s/vigil.pid",
	    e2e_dir());
	if (start != NULL) {
		argv[argc++] = "--start";
		argv[argc++] = (char *)start;
	}
	if (scale != NULL) {
		argv[argc++] = "--time-scale";
		argv[argc++] = (char *)scale;
	}
	while (extra != NULL && *extra != NULL && argc < 15)
		argv[argc++] = (char *)*extra++;
	argv[argc] = NULL;
	fleet = e2e_start_fleet(scenario, (const char *const *)argv, &pid);

	/*
	 * The pane records vigil's pid for the cleanup, never reads a
	 * user's key config, and says how vigil ended if it does.
	 */
	snprintf(cmd, sizeof cmd, "sh -c 'echo $$ > %s; exec env -u NO_COLOR "
	    "LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=%s %s "
	    "timeout --foreground 120 %s --fleet %s %s'; "
	    "echo \"vigil exited with status $?\"; sleep 30", screen_pidfile,
	    e2e_dir(), cfg->env, vigil, fleet, cfg->args);
	e2e_tmux_start(cfg->cols, cfg->rows, cmd);
	free(vigil);
	free(fleet);
}

/* The knight fleet from start at ten times speed, once r8's row shows. */
static void
screen_start_knight(const char *start, const struct screen_config *cfg)
{
	struct screen_text	s;

	screen_start("knight", start, "10", cfg);
	ck_assert_msg(screen_wait(&s, screen_r8_row, NULL), "r8's row did "
	    "not show; the screen was:\n%.3000s", s.text);
	screen_free(&s);
}

/* What the pane shows now. */
static void
screen_capture(struct screen_text *s)
{
	char	*p;

	s->text = e2e_tmux_capture();
	if ((s->buf = strdup(s->text)) == NULL)
		ck_abort_msg("out of memory");
	s->n = 0;
	for (p = s->buf; *p != '\0' && s->n < SCREEN_LINES;) {
		s->line[s->n++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
}

static void
screen_free(struct screen_text *s)
{
	free(s->text);
	free(s->buf);
	s->text = s->buf = NULL;
	s->n = 0;
}

/*
 * Capture until ready(screen, arg) holds, at most SCREEN_WAIT_MS.
 * Returns 1 with the screen in *s, or 0 with the last screen in *s.
 */
static int
screen_wait(struct screen_text *s,
    int (*ready)(const struct screen_text *, const void *), const void *arg)
{
	int64_t	deadline = e2e_now_ms() + SCREEN_WAIT_MS;

	for (;;) {
		screen_capture(s);
		if (ready(s, arg))
			return (1);
		if (e2e_now_ms() >= deadline)
			return (0);
		screen_free(s);
		e2e_sleep_ms(150);
	}
}

/* The table row of a node: a line starting with its id. */
static const char *
screen_row(const struct screen_text *s, const char *id)
{
	size_t	i, len = strlen(id);

	for (i = 0; i < s->n; i++) {
		if (strncmp(s->line[i], id, len) == 0 &&
		    s->line[i][len] == ' ')
			return (s->line[i]);
	}
	return (NULL);
}

/* The row naming the views (" 1 Fleet "), or -1. */
static int
screen_tabs(const struct screen_text *s)
{
	size_t	i;

	for (i = 1; i < s->n; i++) {
		if (strncmp(s->line[i], " 1 Fleet ", 9) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Does any line hold the text? */
static int
screen_has(const struct screen_text *s, const void *what)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (strstr(s->line[i], what) != NULL)
			return (1);
	}
	return (0);
}

/*
 * Every knight router is live (the console starts its links a few at a
 * time, so one row drawn says nothing of the others) and r8's row is
 * drawn with its flag (and so its build) known.
 */
static int
screen_r8_row(const struct screen_text *s, const void *arg)
{
	const char	*row = screen_row(s, "router/r8");

	(void)arg;
	return (row != NULL && strstr(row, "rlp=") != NULL &&
	    screen_row(s, "router/r1") != NULL && s->n > 0 &&
	    strstr(s->line[0], "8 live") != NULL);
}

/* The alert bar (between the header and the view names) has runaway. */
static int
screen_runaway(const struct screen_text *s, const void *arg)
{
	int	tabs = screen_tabs(s), i;

	(void)arg;
	for (i = 1; i < tabs; i++) {
		if (strncmp(s->line[i], "CRITICAL", 8) == 0 &&
		    strstr(s->line[i], "runaway") != NULL)
			return (1);
	}
	return (0);
}

/*
 * The filter left r8 as the only router row and, once Enter is taken,
 * the status line names it (rows narrow while the filter is typed, so
 * the rows alone do not say Enter was handled).
 */
static int
screen_only_r8(const struct screen_text *s, const void *arg)
{
	size_t	i, routers = 0;

	(void)arg;
	for (i = 0; i < s->n; i++)
		routers += strncmp(s->line[i], "router/", 7) == 0;
	return (routers == 1 && screen_row(s, "router/r8") != NULL &&
	    s->n > 0 && strstr(s->line[s->n - 1], "filter \"r8\"") != NULL);
}

/* The status line (key hints) is the pane's last line of rows lines. */
static int
screen_status_last(const struct screen_text *s, const void *arg)
{
	const int	*rows = arg;

	return ((int)s->n == *rows && strstr(s->line[s->n - 1], "q quit") !=
	    NULL && screen_tabs(s) > 0);
}

/* "58m12s", "1h00m", "7s" in seconds; -1 if not a duration. */
static long
screen_seconds(const char *text)
{
	long	a, b;
	char	u1, u2;
	int	n;

	if (sscanf(text, "%ld%c%ld%c%n", &a, &u1, &b, &u2, &n) == 4) {
		if (u1 == 'h' && u2 == 'm')
			return (a * 3600 + b * 60);
		if (u1 == 'm' && u2 == 's')
			return (a * 60 + b);
		if (u1 == 'd' && u2 == 'h')
			return (a * 86400 + b * 3600);
	}
	if (sscanf(text, "%ld%c", &a, &u1) == 2 && u1 == 's')
		return (a);
	return (-1);
}

/* A rate as drawn ("!12.5k", "930", "4.2"); -1 for "-" or not one. */
static double
screen_rate(const char *text)
{
	char	*end;
	double	 v;

	if (*text == '!')
		text++;
	v = strtod(text, &end);
	if (end == text)
		return (-1);
	if (*end == 'k')
		v *= 1e3;
	else if (*end == 'M')
		v *= 1e6;
	return (v);
}

/* The status line says the rows are sorted by CHILD/s, highest first. */
static int
screen_by_child_rate(const struct screen_text *s, const void *arg)
{
	(void)arg;
	return (s->n > 0 && (strstr(s->line[s->n - 1], "sort CHILD/s\u25bc") !=
	    NULL || strstr(s->line[s->n - 1], "sort CHILD/sv") != NULL));
}

/*
 * r8 (the runaway) is the first router row, and every router row's
 * CHILD/s (its third column) is at most the one above it.
 */
static int
screen_r8_leads_by_rate(const struct screen_text *s, const void *arg)
{
	char	 id[64], parents[32], children[32];
	double	 rate, above = -1;
	size_t	 i, n = 0;

	(void)arg;
	for (i = 0; i < s->n; i++) {
		if (strncmp(s->line[i], "router/", 7) != 0)
			continue;
		if (sscanf(s->line[i], "%63s %31s %31s", id, parents,
		    children) != 3)
			return (0);
		if (n++ == 0 && strcmp(id, "router/r8") != 0)
			return (0);
		rate = screen_rate(children);
		if (n > 1 && rate > above)
			return (0);
		above = rate;
	}
	return (n > 1);
}

/* With --ascii nothing but ASCII may reach the terminal. */
static void
screen_all_ascii(const struct screen_text *s)
{
	size_t		 i;
	const char	*p;

	for (i = 0; i < s->n; i++) {
		for (p = s->line[i]; *p != '\0'; p++)
			ck_assert_msg((unsigned char)*p < 0x80, "--ascii drew "
			    "a non-ASCII byte on line %zu: %s", i, s->line[i]);
	}
}

START_TEST(knight_marks_r8_build_and_flag_cells)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;
	const char			*row, *ids[] = { "router/r1",
					    "router/r2", "router/r3",
					    "router/r4", "router/r5",
					    "router/r6", "router/r7" };
	size_t				 i;

	screen_start("knight", "09:29:55", "10", cfg);
	ck_assert_msg(screen_wait(&s, screen_r8_row, NULL), "no router/r8 row "
	    "on the Fleet view; the screen was:\n%.3000s", s.text);
	row = screen_row(&s, "router/r8");
	/* Build and flag both drift from the other seven: both marked. */
	ck_assert_msg(strstr(row, "!smars-") != NULL, "r8's build is not "
	    "marked: %s", row);
	ck_assert_msg(strstr(row, "!rlp=power_peg") != NULL, "r8's flag is "
	    "not marked: %s", row);
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		row = screen_row(&s, ids[i]);
		ck_assert_msg(row != NULL && strchr(row, '!') == NULL, "%s is "
		    "missing or marked: %s", ids[i], row);
	}
	ck_assert_ptr_nonnull(strstr(s.line[0], "VIGIL"));
	ck_assert_ptr_nonnull(strstr(s.line[0], "8 live"));
	if (strstr(cfg->args, "--ascii") != NULL)
		screen_all_ascii(&s);
	screen_free(&s);
}
END_TEST

START_TEST(knight_runaway_alert_in_the_bar_after_the_open)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;

	/* The open is at 09:30, half a second in at ten times speed. */
	screen_start("knight", "09:29:55", "10", cfg);
	ck_assert_msg(screen_wait(&s, screen_runaway, NULL), "no CRITICAL "
	    "runaway alert in the alert bar; the screen was:\n%.3000s", s.text);
	screen_free(&s);
}
END_TEST

START_TEST(slash_filters_rows)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;

	screen_start_knight("09:29:55", cfg);
	e2e_tmux_keys("/", 1);
	e2e_tmux_keys("r8", 1);
	e2e_tmux_keys("Enter", 0);
	ck_assert_msg(screen_wait(&s, screen_only_r8, NULL), "the filter r8 "
	    "did not leave r8's row alone; the screen was:\n%.3000s", s.text);
	ck_assert_msg(strstr(s.line[s.n - 1], "filter \"r8\"") != NULL,
	    "the status line does not name the filter: %s", s.line[s.n - 1]);
	screen_free(&s);
	e2e_tmux_keys("Escape", 0);	/* clears it */
	ck_assert_msg(screen_wait(&s, screen_r8_row, NULL), "Escape did not "
	    "bring the other rows back; the screen was:\n%.3000s", s.text);
	screen_free(&s);
}
END_TEST

/*
 * Sorted by child orders, highest first, the rows follow the rates as
 * they change: the view keeps last frame's order and must still move a
 * row whose rate moved.  Before the open every router trickles alike;
 * at the open r8 runs away and must rise to the top, the others in
 * order below it.
 */
START_TEST(sorted_rows_move_when_a_rate_changes)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;

	/* The open at 09:30 is 3 s in at ten times speed. */
	screen_start_knight("09:29:30", cfg);
	e2e_tmux_keys("2", 1);		/* Routers, sorted by NODE */
	e2e_tmux_keys("ss", 1);		/* PARENT/s, then CHILD/s */
	e2e_tmux_keys("S", 1);		/* highest first */
	ck_assert_msg(screen_wait(&s, screen_by_child_rate, NULL), "the "
	    "status line does not say sorted by CHILD/s, highest first; the "
	    "screen was:\n%.3000s", s.text);
	screen_free(&s);
	ck_assert_msg(screen_wait(&s, screen_r8_leads_by_rate, NULL), "r8 "
	    "did not rise to the top when it ran away, or the rows are out of "
	    "order by CHILD/s; the screen was:\n%.4000s", s.text);
	screen_free(&s);
}
END_TEST

/* The screen shows r->shown's row and not r->hidden's. */
static int
screen_rows_are(const struct screen_text *s, const void *arg)
{
	const struct screen_rows	*r = arg;

	return (screen_row(s, r->shown) != NULL && (r->hidden == NULL ||
	    screen_row(s, r->hidden) == NULL));
}

/*
 * Wait until the screen shows r->shown's row and not r->hidden's, then
 * check that next's row is drawn beside it; after keys.
 */
static void
screen_scrolled(const char *keys, const struct screen_rows *r,
    const char *next)
{
	struct screen_text	s;

	e2e_tmux_keys(keys, 1);
	ck_assert_msg(screen_wait(&s, screen_rows_are, r), "after %s the "
	    "screen does not show %s without %s:\n%.3000s", keys, r->shown,
	    r->hidden, s.text);
	ck_assert_msg(screen_row(&s, next) != NULL, "after %s, %s is not "
	    "drawn beside %s:\n%.3000s", keys, next, r->shown, s.text);
	screen_free(&s);
}

/*
 * A view longer than the screen draws only the rows on screen: moving
 * to the last row and back to the first scrolls through 60 routers, and
 * the rows drawn are the ones reached, in order.
 */
START_TEST(scrolling_a_long_view_draws_the_rows_it_reaches)
{
	static const char *const	 extra[] = { "--routers", "60",
					    "--stations", "2", NULL };
	static const struct screen_rows	 first = { "router/r1",
					    "router/r60" };
	static const struct screen_rows	 last = { "router/r60",
					    "router/r1" };
	struct screen_text		 s;

	screen_start_with("calm", NULL, NULL, extra, &screen_configs[_i]);
	/* Every router first: the last row is the 60th. */
	ck_assert_msg(screen_wait(&s, screen_has, "62 live"), "the 62 nodes "
	    "are not all live; the screen was:\n%.3000s", s.text);
	screen_free(&s);
	screen_scrolled("2", &first, "router/r2");	/* Routers */
	screen_scrolled("G", &last, "router/r59");	/* the last row */
	screen_scrolled("g", &first, "router/r2");	/* the first */
}
END_TEST

START_TEST(resize_keeps_header_and_alert_bar)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;
	int				 tabs, new_rows, new_cols;

	screen_start("knight", "09:29:55", "10", cfg);
	ck_assert(screen_wait(&s, screen_runaway, NULL));
	screen_free(&s);
	new_cols = cfg->cols > 100 ? 80 : 120;
	new_rows = cfg->rows > 30 ? 24 : 40;
	e2e_tmux_resize(new_cols, new_rows);
	ck_assert_msg(screen_wait(&s, screen_status_last, &new_rows), "after "
	    "resizing to %dx%d the status line is not the last row; the "
	    "screen was:\n%.3000s", new_cols, new_rows, s.text);
	ck_assert_msg(strncmp(s.line[0], " VIGIL ", 7) == 0, "no header "
	    "after the resize: %s", s.line[0]);
	tabs = screen_tabs(&s);
	ck_assert_int_ge(tabs, 2);	/* at least one row of alerts */
	ck_assert_msg(strncmp(s.line[1], "CRITICAL", 8) == 0, "no alert bar "
	    "after the resize: %s", s.line[1]);
	ck_assert_ptr_nonnull(screen_row(&s, "router/r8"));
	screen_free(&s);
}
END_TEST

/*
 * The help table's rows as text: the lines below its header, without
 * the status line (the header and the alert bar above it change with
 * the fleet, never with paging).
 */
static char *
screen_help_body(const struct screen_text *s)
{
	char	*body = NULL, *tmp;
	size_t	 i;
	int	 below = 0;

	for (i = 0; i + 1 < s->n; i++) {
		if (below) {
			if (asprintf(&tmp, "%s%s\n", body == NULL ? "" : body,
			    s->line[i]) == -1)
				ck_abort_msg("out of memory");
			free(body);
			body = tmp;
		} else
			below = strstr(s->line[i], "WHAT IT DOES") != NULL;
	}
	if (body == NULL && (body = strdup("")) == NULL)
		ck_abort_msg("out of memory");
	return (body);
}

/* The help table's rows are no longer those of the page before. */
static int
screen_help_moved(const struct screen_text *s, const void *before)
{
	char	*body = screen_help_body(s);
	int	 moved = strcmp(body, before) != 0;

	free(body);
	return (moved);
}

/*
 * Capture again until the help table's rows read the same twice, 150 ms
 * apart (at most 2 s): under AddressSanitizer a capture caught the view
 * half drawn, the help's first rows above the Fleet view's last, and the
 * page down after it skipped the rows never seen (CI's rehearsal on
 * fedfd42 missed "4 view-certs").
 */
static void
screen_help_settle(struct screen_text *s)
{
	char	*body, *now;
	int	 i;

	body = screen_help_body(s);
	for (i = 0; i < 14; i++) {
		e2e_sleep_ms(150);
		screen_free(s);
		screen_capture(s);
		now = screen_help_body(s);
		if (strcmp(now, body) == 0) {
			free(now);
			break;
		}
		free(body);
		body = now;
	}
	free(body);
}

START_TEST(question_mark_lists_every_binding)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;
	struct keymap			 km;
	struct keys_help		 help[KEYS_NACTIONS];
	char				*seen = NULL, *tmp, *body;
	size_t				 n, i, page;
	const char			*line, *next;
	int				 found, wait;

	screen_start("knight", "09:29:55", "10", cfg);
	ck_assert(screen_wait(&s, screen_r8_row, NULL));
	screen_free(&s);
	e2e_tmux_keys("?", 1);
	ck_assert_msg(screen_wait(&s, screen_has, "WHAT IT DOES"), "? showed "
	    "no help; the screen was:\n%.3000s", s.text);
	/* Page through, gathering every screen, until it stops moving. */
	for (page = 0; page < 12; page++) {
		screen_help_settle(&s);
		tmp = NULL;
		if (asprintf(&tmp, "%s%s", seen == NULL ? "" : seen, s.text) ==
		    -1)
			ck_abort_msg("out of memory");
		free(seen);
		seen = tmp;
		if (screen_has(&s, "Key config") && screen_has(&s, "bind KEY"))
			break;
		/*
		 * Wait up to 2 s for the page to move (a fixed pause could
		 * read the old page on a loaded machine), then go on either
		 * way: a page down may only move the selection.
		 */
		body = screen_help_body(&s);
		screen_free(&s);
		e2e_tmux_keys("NPage", 0);
		for (wait = 0; wait < 14; wait++) {
			e2e_sleep_ms(150);
			screen_capture(&s);
			if (screen_help_moved(&s, body))
				break;
			if (wait < 13)
				screen_free(&s);
		}
		free(body);
	}
	screen_free(&s);
	keys_default(&km);
	n = keys_help_lines(&km, help, KEYS_NACTIONS);
	for (i = 0; i < n; i++) {
		found = 0;
		for (line = seen; line != NULL && !found; line = next) {
			next = strchr(line, '\n');
			if (next != NULL)
				next++;
			tmp = strndup(line, next != NULL ?
			    (size_t)(next - line) : strlen(line));
			found = strncmp(tmp, help[i].keys,
			    strlen(help[i].keys)) == 0 &&
			    strstr(tmp, help[i].name) != NULL;
			free(tmp);
		}
		ck_assert_msg(found, "the help view has no line with keys "
		    "\"%s\" and action %s; it showed:\n%.3000s", help[i].keys,
		    help[i].name, seen);
	}
	free(seen);
}
END_TEST

/* The Certs view's first row has a countdown. */
static int
screen_cert_row(const struct screen_text *s, const void *arg)
{
	size_t	i;
	char	id[64], left[32];

	(void)arg;
	for (i = 0; i < s->n; i++) {
		if (sscanf(s->line[i], "%63s %31s", id, left) == 2 &&
		    strncmp(id, "station/", 8) == 0 && screen_seconds(left) > 0)
			return (screen_has(s, "EXPIRES IN"));
	}
	return (0);
}

START_TEST(certificate_countdown_decreases)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;
	char				 id[64], left[32], again[32];
	const char			*row = NULL;
	long				 before, after = -1;
	int64_t				 deadline;
	size_t				 i;

	screen_start("calm", NULL, NULL, cfg);
	ck_assert(screen_wait(&s, screen_has, "station/"));
	screen_free(&s);
	e2e_tmux_keys("4", 1);
	ck_assert_msg(screen_wait(&s, screen_cert_row, NULL), "the Certs view "
	    "shows no certificate countdown; the screen was:\n%.3000s", s.text);
	for (i = 0; i < s.n; i++) {
		if (sscanf(s.line[i], "%63s %31s", id, left) == 2 &&
		    strncmp(id, "station/", 8) == 0)
			break;
	}
	before = screen_seconds(left);
	ck_assert_int_gt(before, 0);
	screen_free(&s);
	/* Two captures a few seconds apart: the same cert has less left. */
	deadline = e2e_now_ms() + SCREEN_WAIT_MS;
	while (e2e_now_ms() < deadline) {
		e2e_sleep_ms(1500);
		screen_capture(&s);
		row = screen_row(&s, id);
		if (row != NULL && sscanf(row, "%*s %31s", again) == 1 &&
		    (after = screen_seconds(again)) != before) {
			screen_free(&s);
			break;
		}
		screen_free(&s);
	}
	ck_assert_msg(after >= 0 && after < before, "%s's certificate showed "
	    "%s, then %s: it did not count down", id, left, after < 0 ?
	    "nothing" : again);
}
END_TEST

/* The capital's row says the whole country blacklisted it. */
static int
screen_capital_blacklisted(const struct screen_text *s, const void *arg)
{
	const char	*row = screen_row(s, "station/capital");

	(void)arg;
	return (row != NULL && strstr(row, "!37: ") != NULL);
}

START_TEST(capital_stations_show_who_blacklisted_the_root)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;
	const char			*row;

	/* The malformed message comes near 14:00:06. */
	screen_start("capital", "14:00:02", NULL, cfg);
	ck_assert(screen_wait(&s, screen_has, "station/"));
	screen_free(&s);
	e2e_tmux_keys("3", 1);
	ck_assert_msg(screen_wait(&s, screen_capital_blacklisted, NULL), "the "
	    "Stations view does not show the 37 stations that blacklisted "
	    "the capital; the screen was:\n%.3000s", s.text);
	/* And each of them marks the root holder it no longer trusts. */
	row = screen_row(&s, "station/s1");
	ck_assert_msg(row != NULL && strstr(row, "!capital") != NULL,
	    "station/s1 does not mark its root holder: %s", row);
	screen_free(&s);
}
END_TEST

/* The bar (rows above the view names) does not mention text. */
static int
screen_bar_lacks(const struct screen_text *s, const void *text)
{
	int	tabs = screen_tabs(s), i;

	if (tabs < 0)
		return (0);
	for (i = 1; i < tabs; i++) {
		if (strstr(s->line[i], text) != NULL)
			return (0);
	}
	return (1);
}

/* The bar mentions build-drift (standing and steady in knight). */
static int
screen_bar_build_drift(const struct screen_text *s, const void *arg)
{
	(void)arg;
	return (!screen_bar_lacks(s, "build-drift"));
}

START_TEST(acknowledging_hides_an_alert_from_the_bar)
{
	struct screen_text	s;

	screen_start("knight", "09:29:55", "10", &screen_configs[1]);
	ck_assert_msg(screen_wait(&s, screen_bar_build_drift, NULL), "no "
	    "build-drift alert in the bar; the screen was:\n%.3000s", s.text);
	screen_free(&s);
	e2e_tmux_keys("5", 1);
	e2e_tmux_keys("/", 1);
	e2e_tmux_keys("build-drift", 1);
	e2e_tmux_keys("Enter", 0);
	ck_assert(screen_wait(&s, screen_has, "filter \"build-drift\": 1 of"));
	screen_free(&s);
	e2e_tmux_keys("a", 1);
	ck_assert_msg(screen_wait(&s, screen_bar_lacks, "build-drift"), "the "
	    "acknowledged alert stayed in the bar; the screen was:\n%.3000s",
	    s.text);
	/* Nothing was cleared: the alert still stands, acknowledged. */
	ck_assert_msg(screen_has(&s, "acked"), "the Alerts view does not "
	    "show the alert as acknowledged:\n%.3000s", s.text);
	screen_free(&s);
}
END_TEST

/*
 * The knight fleet has no station, so view 3 sorts an empty table: that
 * was qsort(NULL, 0), undefined, and an abort under make asan.  Every
 * view of a fleet without its kind is drawn, and the console lives on.
 */
START_TEST(knight_views_without_rows_draw_and_the_console_lives)
{
	const struct screen_config	*cfg = &screen_configs[_i];
	struct screen_text		 s;
	static const char *const	 views[] = { "3", "4" };
	size_t				 i;

	screen_start("knight", "09:29:55", "10", cfg);
	ck_assert(screen_wait(&s, screen_r8_row, NULL));
	screen_free(&s);
	for (i = 0; i < sizeof views / sizeof views[0]; i++) {
		e2e_tmux_keys(views[i], 1);
		ck_assert_msg(screen_wait(&s, screen_has,
		    "Nothing to show yet."), "view %s of the knight fleet "
		    "does not say it is empty; the screen was:\n%.3000s",
		    views[i], s.text);
		screen_free(&s);
	}
	e2e_tmux_keys("1", 1);
	ck_assert_msg(screen_wait(&s, screen_r8_row, NULL), "the console "
	    "did not come back to the Fleet view; the screen was:\n%.3000s",
	    s.text);
	ck_assert_msg(!screen_has(&s, "vigil exited"), "vigil ended:\n"
	    "%.3000s", s.text);
	screen_free(&s);
}
END_TEST

Suite *
screen_suite(void)
{
	Suite	*s = suite_create("screen");
	TCase	*tc = tcase_create("screen");

	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, screen_teardown);
	tcase_add_loop_test(tc, knight_marks_r8_build_and_flag_cells, 0,
	    SCREEN_NCONFIGS);
	tcase_add_loop_test(tc, knight_runaway_alert_in_the_bar_after_the_open,
	    0, SCREEN_NCONFIGS);
	tcase_add_loop_test(tc, slash_filters_rows, 0, SCREEN_NCONFIGS);
	tcase_add_loop_test(tc, sorted_rows_move_when_a_rate_changes, 0, 2);
	tcase_add_loop_test(tc,
	    scrolling_a_long_view_draws_the_rows_it_reaches, 0, 2);
	tcase_add_loop_test(tc, resize_keeps_header_and_alert_bar, 0,
	    SCREEN_NCONFIGS);
	tcase_add_loop_test(tc, question_mark_lists_every_binding, 0,
	    SCREEN_NCONFIGS);
	tcase_add_loop_test(tc, certificate_countdown_decreases, 0, 2);
	tcase_add_loop_test(tc, capital_stations_show_who_blacklisted_the_root,
	    0, 2);
	tcase_add_test(tc, acknowledging_hides_an_alert_from_the_bar);
	suite_add_tcase(s, tc);

	tc = tcase_create("empty views");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, screen_teardown);
	tcase_add_loop_test(tc,
	    knight_views_without_rows_draw_and_the_console_lives, 0, 2);
	suite_add_tcase(s, tc);
	return (s);
}
