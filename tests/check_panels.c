/*
 * check_panels.c: the parts of the curses console that need no terminal
 * (screen layout, column fitting, scrolling, sparklines, the words
 * numbers become, the key table, its help and its config file, filtering
 * and sorting rows, drift marks), and one that needs a terminal of its
 * own: an unchanged frame sends nothing, shown on a pseudo-terminal.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "derive.h"
#include "draw.h"
#include "e2e.h"
#include "fleet.h"
#include "form.h"
#include "keys.h"
#include "table.h"
#include "tests.h"
#include "tui.h"
#include "util.h"

#define T0	1000000			/* monotonic ms of the fixture */
#define CLOCK0	1343813400000LL		/* 2012-08-01 09:30:00 UTC */

static void	 utf8(void);
static struct derive_drift drift_of(const struct fleet *f, const char *id);
static void	 fixture_hello(struct fleet *f, const char *id,
		    const char *build, const char *path);
static void	 fixture(struct fleet *f);
static size_t	 drain(int fd, int quiet_ms);
static void	 child_frames(const char *slave, int tell, int hear);
static char	*slurp(const char *path);

/* Widths of UTF-8 text need a UTF-8 locale, as the console sets. */
static void
utf8(void)
{
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
}

START_TEST(layout_keeps_header_bar_and_status_at_every_size)
{
	struct draw_layout	l;
	int			rows, cols;
	size_t			alerts;

	for (rows = 8; rows <= 100; rows++) {
		for (cols = 40; cols <= 250; cols += 15) {
			for (alerts = 0; alerts < 12; alerts += 5) {
				draw_layout(rows, cols, alerts, &l);
				ck_assert_int_eq(l.header_y, 0);
				ck_assert_int_eq(l.bar_y, 1);
				ck_assert_int_ge(l.bar_rows, 1);
				ck_assert_int_eq(l.tabs_y, 1 + l.bar_rows);
				ck_assert_int_eq(l.body_y, l.tabs_y + 1);
				ck_assert_int_eq(l.status_y, rows - 1);
				ck_assert_int_eq(l.body_y + l.body_rows,
				    l.status_y);
				ck_assert_int_ge(l.body_rows, 3);
				ck_assert_int_eq(l.too_small, 0);
			}
		}
	}
	draw_layout(24, 80, 0, &l);
	ck_assert_int_eq(l.bar_rows, 1);	/* "No alerts" */
	draw_layout(24, 80, 5, &l);
	ck_assert_int_eq(l.bar_rows, 3);
	ck_assert_int_eq(l.body_rows, 24 - 1 - 3 - 1 - 1);
	draw_layout(50, 200, 5, &l);
	ck_assert_int_eq(l.bar_rows, 5);	/* a big screen shows more */
	draw_layout(50, 200, 40, &l);
	ck_assert_int_eq(l.bar_rows, 6);
	draw_layout(6, 30, 2, &l);
	ck_assert_int_eq(l.too_small, 1);
}
END_TEST

/* Columns like the Fleet view's: two optional ones and a flexible one. */
static const struct table_column fit_columns[] = {
	{ "NODE", 9, 24, 0, 0, 0 },
	{ "ROLE", 7, 7, 5, 0, 0 },
	{ "GROUP", 5, 12, 4, 0, 0 },
	{ "BUILD", 10, 28, 0, 0, 0 },
	{ "FLAGS", 20, 0, 0, 0, 0 },
	{ "STATE", 6, 10, 0, 0, 0 },
	{ "BACKEND", 20, 40, 6, 0, 0 },
};

START_TEST(columns_fit_80_whole_and_use_200)
{
	int	want[] = { 9, 7, 6, 21, 20, 6, 22 }, widths[7], used, c;
	int	sum;

	used = table_fit(fit_columns, 7, want, 80, widths);
	ck_assert_int_le(used, 80);
	/* Every essential column whole; the optional ones went, last first. */
	ck_assert_int_ge(widths[0], 9);
	ck_assert_int_ge(widths[3], 21);
	ck_assert_int_ge(widths[4], 20);
	ck_assert_int_ge(widths[5], 6);
	ck_assert_int_eq(widths[6], 0);
	for (c = 0, sum = 0; c < 7; c++)
		sum += widths[c] + (widths[c] > 0 ? TABLE_GAP : 0);
	ck_assert_int_le(sum - TABLE_GAP, 80);

	used = table_fit(fit_columns, 7, want, 200, widths);
	for (c = 0; c < 7; c++)
		ck_assert_int_ge(widths[c], want[c]);
	ck_assert_int_le(used, 200);

	/* A column dropped to make room comes back when room is left. */
	used = table_fit(fit_columns, 7, want, 86, widths);
	ck_assert_int_gt(widths[1], 0);
	ck_assert_int_gt(widths[2], 0);
	ck_assert_int_ge(widths[3], 21);
	ck_assert_int_eq(widths[6], 0);
	/* Room for one more only: the one dropped last (lowest) wins. */
	used = table_fit(fit_columns, 7, want, 70, widths);
	ck_assert_int_gt(widths[2], 0);
	ck_assert_int_eq(widths[1], 0);

	/* Too narrow even for the essentials: clipped, nothing negative. */
	used = table_fit(fit_columns, 7, want, 30, widths);
	for (c = 0; c < 7; c++)
		ck_assert_int_ge(widths[c], 0);
	ck_assert_int_eq(widths[1] + widths[2] + widths[6], 0);
}
END_TEST

START_TEST(scroll_keeps_cursor_visible)
{
	ck_assert_uint_eq(table_scroll(0, 0, 10, 100), 0);
	ck_assert_uint_eq(table_scroll(9, 0, 10, 100), 0);
	ck_assert_uint_eq(table_scroll(10, 0, 10, 100), 1);
	ck_assert_uint_eq(table_scroll(50, 0, 10, 100), 41);
	ck_assert_uint_eq(table_scroll(45, 41, 10, 100), 41);
	ck_assert_uint_eq(table_scroll(40, 41, 10, 100), 40);
	ck_assert_uint_eq(table_scroll(99, 95, 10, 100), 90);
	ck_assert_uint_eq(table_scroll(3, 50, 10, 8), 0);	/* all fit */
	ck_assert_uint_eq(table_scroll(0, 0, 0, 5), 0);
}
END_TEST

START_TEST(sparkline_scales_to_the_largest_sample)
{
	float			 v[8] = { 0, 5, 10, -1, 2.5f, 0, 0, 0 };
	struct table_series	 s = { v, 8, 0, 5 };
	char			 out[128];

	utf8();
	draw_sparkline(&s, 5, 0, out, sizeof out);
	ck_assert_str_eq(out, "\u2581\u2585\u2588 \u2584");
	draw_sparkline(&s, 5, 1, out, sizeof out);
	ck_assert_str_eq(out, "_=# ~");
	/* Fewer samples than room: the newest stay on the right. */
	draw_sparkline(&s, 8, 1, out, sizeof out);
	ck_assert_str_eq(out, "   _=# ~");
	/* Less room than samples: only the newest are drawn. */
	draw_sparkline(&s, 2, 1, out, sizeof out);
	ck_assert_str_eq(out, " #");	/* 2.5 of 2.5 is the top */
	/* The ring wraps: oldest at head. */
	s.head = 6;
	s.n = 4;			/* 0, 0, 0, 5 */
	draw_sparkline(&s, 4, 1, out, sizeof out);
	ck_assert_str_eq(out, "___#");
	/* All zero is the bottom row, not noise blown up. */
	s.head = 5;
	s.n = 3;
	draw_sparkline(&s, 3, 1, out, sizeof out);
	ck_assert_str_eq(out, "___");
}
END_TEST

START_TEST(text_fits_its_column_with_an_ellipsis)
{
	char	out[64];

	utf8();
	ck_assert_str_eq(draw_fit("router/r8", 5, 0, 0, out, sizeof out),
	    "rout\u2026");
	ck_assert_str_eq(draw_fit("router/r8", 5, 0, 1, out, sizeof out),
	    "rout~");
	ck_assert_str_eq(draw_fit("42", 5, 1, 0, out, sizeof out), "   42");
	ck_assert_str_eq(draw_fit("42", 5, 0, 0, out, sizeof out), "42   ");
	ck_assert_str_eq(draw_fit("\u2581\u2588x", 3, 0, 0, out, sizeof out),
	    "\u2581\u2588x");
	ck_assert_int_eq(table_text_width("\u2581\u2588x"), 3);
	/* Control characters show as their escapes, and count as such. */
	ck_assert_str_eq(draw_fit("a\tb", 4, 0, 0, out, sizeof out),
	    "a\\tb");
	ck_assert_int_eq(table_text_width("a\033[2Kb"), 7);
	ck_assert_str_eq(draw_fit("a\033[2Kb", 5, 0, 0, out, sizeof out),
	    "a\\e[\u2026");
	ck_assert_str_eq(draw_fit("abc", 0, 0, 0, out, sizeof out), "");
}
END_TEST

START_TEST(numbers_read_as_words)
{
	char	buf[32];

	ck_assert_str_eq(draw_countdown(0, buf, sizeof buf), "expired");
	ck_assert_str_eq(draw_countdown(-5000, buf, sizeof buf), "expired");
	ck_assert_str_eq(draw_countdown(61 * 60000, buf, sizeof buf),
	    "1h01m");
	ck_assert_str_eq(draw_countdown(58 * 60000 + 12000, buf, sizeof buf),
	    "58m12s");
	ck_assert_str_eq(draw_countdown(999, buf, sizeof buf), "0s");
	ck_assert_str_eq(draw_age(-1, buf, sizeof buf), "never");
	ck_assert_str_eq(draw_age(4000, buf, sizeof buf), "4s");
	ck_assert_str_eq(draw_rate(-1, buf, sizeof buf), "-");
	ck_assert_str_eq(draw_rate(4.24, buf, sizeof buf), "4.2");
	ck_assert_str_eq(draw_rate(930.4, buf, sizeof buf), "930");
	ck_assert_str_eq(draw_rate(12500, buf, sizeof buf), "12.5k");
	ck_assert_str_eq(draw_rate(3.1e6, buf, sizeof buf), "3.1M");
}
END_TEST

START_TEST(wrap_breaks_between_words)
{
	char	lines[8][DRAW_LINE_MAX];
	size_t	n;

	utf8();
	n = draw_wrap("router/r8 is not counting the child shares", 16,
	    lines, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(lines[0], "router/r8 is not");
	ck_assert_str_eq(lines[1], "counting the");
	ck_assert_str_eq(lines[2], "child shares");
	/* A word wider than a line is hard-wrapped, never dropped. */
	n = draw_wrap("abcdefghijkl xy", 5, lines, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(lines[0], "abcde");
	ck_assert_str_eq(lines[1], "fghij");
	ck_assert_str_eq(lines[2], "kl xy");
	n = draw_wrap("ab \"proposer\":\"alice\",\"reason\" z", 8, lines, 8);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(lines[0], "ab");
	ck_assert_str_eq(lines[1], "\"propose");
	ck_assert_str_eq(lines[2], "r\":\"alic");
	ck_assert_str_eq(lines[3], "e\",\"reas");
	ck_assert_str_eq(lines[4], "on\" z");
	ck_assert_uint_eq(draw_wrap("", 10, lines, 8), 0);
	ck_assert_uint_eq(draw_wrap("a b c d", 1, lines, 2), 2);
}
END_TEST

START_TEST(header_shortens_then_drops_from_the_right)
{
	struct draw_summary	sum;
	struct draw_part	parts[8];
	size_t			n, i;
	int			used;

	utf8();
	memset(&sum, 0, sizeof sum);
	util_copy(sum.title, sizeof sum.title, "fleet knight");
	sum.live = 7;
	sum.stale = 1;
	sum.critical = 2;
	sum.warning = 1;
	sum.links = sum.links_up = 8;
	sum.have_clock = 1;
	sum.clock_ms = CLOCK0;
	sum.time_scale = 10;
	n = draw_header_parts(&sum, parts, 8);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(parts[1].full, "7 live 1 stale 0 down");
	ck_assert_str_eq(parts[1].brief, "7 live 1 stale");
	ck_assert_str_eq(parts[2].full, "2 critical 1 warning");
	ck_assert_str_eq(parts[3].full, "clock 09:30:00 x10");
	ck_assert_int_eq(parts[1].mark, MARK_WARN);
	ck_assert_int_eq(parts[2].mark, MARK_CRIT);

	used = draw_fit_parts(parts, n, 2, 200);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(parts[i].use, 2);
	ck_assert_int_le(used, 200);

	/* A plain link beyond loopback is said, in red, after the name. */
	sum.links_insecure = 1;
	util_copy(sum.insecure_url, sizeof sum.insecure_url,
	    "ws://10.0.0.8:9001/");
	ck_assert_uint_eq(draw_header_parts(&sum, parts, 8), 6);
	ck_assert_str_eq(parts[1].full, "INSECURE ws://10.0.0.8:9001/");
	ck_assert_int_eq(parts[1].mark, MARK_CRIT);
	draw_fit_parts(parts, 6, 2, 40);
	ck_assert_int_ne(parts[1].use, 0);
	sum.links_insecure = 0;
	n = draw_header_parts(&sum, parts, 8);

	used = draw_fit_parts(parts, n, 2, 78);
	ck_assert_int_le(used, 78);
	ck_assert_int_eq(parts[0].use, 2);	/* the name stays */
	for (i = 0; i < n; i++)
		ck_assert_int_ne(parts[i].use, 0);	/* all still there */

	used = draw_fit_parts(parts, n, 2, 40);
	ck_assert_int_le(used, 40);
	ck_assert_int_eq(parts[0].use, 2);
	ck_assert_int_eq(parts[n - 1].use, 0);	/* links went first */
}
END_TEST

START_TEST(every_default_key_is_bound_once_and_named_both_ways)
{
	struct keymap		km;
	struct keys_help	help[KEYS_NACTIONS];
	char			name[KEYS_NAME_MAX];
	size_t			n, i, j;
	int			key;

	keys_default(&km);
	n = keys_help_lines(&km, help, KEYS_NACTIONS);
	ck_assert_uint_eq(n, KEYS_NACTIONS - 1);
	for (i = 0; i < n; i++) {
		ck_assert_str_ne(help[i].keys, "(none)");
		ck_assert_ptr_nonnull(help[i].section);
		ck_assert_int_gt(strlen(help[i].help), 8);
	}
	for (i = 0; i < km.n; i++) {
		/* No key may be claimed by two actions in the table. */
		for (j = i + 1; j < km.n; j++)
			ck_assert_int_ne(km.b[i].key, km.b[j].key);
		keys_key_name(km.b[i].key, name, sizeof name);
		ck_assert_int_eq(keys_key_parse(name, &key), 0);
		ck_assert_int_eq(key, km.b[i].key);
		ck_assert_int_eq(keys_lookup(&km, key), km.b[i].action);
		ck_assert_ptr_nonnull(keys_action_name(km.b[i].action));
	}
	/* What the terminal sends for Enter and Backspace is folded. */
	ck_assert_int_eq(keys_lookup(&km, '\r'), KEYS_OPEN_DETAIL);
	ck_assert_int_eq(keys_lookup(&km, 0x7f), KEYS_BACK);
	ck_assert_int_eq(keys_lookup(&km, 'q'), KEYS_QUIT);
	ck_assert_int_eq(keys_lookup(&km, 'a'), KEYS_ACK_ALERT);
	ck_assert_int_eq(keys_lookup(&km, '/'), KEYS_FILTER);
	ck_assert_int_eq(keys_lookup(&km, 'j'), KEYS_MOVE_DOWN);
	ck_assert_int_eq(keys_lookup(&km, 'Z'), KEYS_NONE);
	ck_assert_int_eq(keys_key_parse("^L", &key), 0);
	ck_assert_int_eq(keys_lookup(&km, key), KEYS_REDRAW);
	ck_assert_int_eq(keys_key_parse("pagedown", &key), 0);
	ck_assert_int_eq(keys_lookup(&km, key), KEYS_PAGE_DOWN);
	ck_assert_int_eq(keys_key_parse("F13", &key), -1);
	ck_assert_int_eq(keys_key_parse("", &key), -1);
}
END_TEST

START_TEST(help_follows_remapped_keys)
{
	struct keymap		km;
	struct keys_help	help[KEYS_NACTIONS];
	char			*cause = NULL;
	size_t			n, i;
	int			quit = 0, down = 0;

	keys_default(&km);
	ck_assert_int_eq(keys_parse_config(&km, "bind x quit\nbind q none\n"
	    "bind J move-down\n", "test", &cause), 0);
	n = keys_help_lines(&km, help, KEYS_NACTIONS);
	for (i = 0; i < n; i++) {
		if (help[i].action == KEYS_QUIT) {
			ck_assert_str_eq(help[i].keys, "^C, x");
			quit = 1;
		}
		if (help[i].action == KEYS_MOVE_DOWN) {
			ck_assert_str_eq(help[i].keys, "Down, j, J");
			down = 1;
		}
	}
	ck_assert(quit && down);
	ck_assert_int_eq(keys_lookup(&km, 'q'), KEYS_NONE);
}
END_TEST

START_TEST(config_refuses_bad_lines_by_number_and_changes_nothing)
{
	struct keymap	 km, before;
	char		*cause = NULL;

	keys_default(&km);
	before = km;
	ck_assert_int_eq(keys_parse_config(&km, "# my keys\n"
	    "bind x quit\n"
	    "bind y fly-away\n"
	    "\n"
	    "bind Hyper view-fleet\n"
	    "unbind q\n"
	    "bind z\n", "/home/op/.config/vigil/config", &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause,
	    "/home/op/.config/vigil/config line 3: \"fly-away\" is not an "
	    "action"));
	ck_assert_ptr_nonnull(strstr(cause, "line 5: \"Hyper\" is not a key"));
	ck_assert_ptr_nonnull(strstr(cause, "line 6: \"unbind\" is not a "
	    "command"));
	ck_assert_ptr_nonnull(strstr(cause, "line 7: bind takes a key and an "
	    "action"));
	ck_assert_ptr_nonnull(strstr(cause, "was not used"));
	ck_assert_ptr_null(strstr(cause, "line 2"));
	/* Refused whole: the good line 2 did not take effect either. */
	ck_assert_int_eq(memcmp(&km, &before, sizeof km), 0);
	free(cause);
}
END_TEST

START_TEST(config_takes_comments_names_and_unbinding)
{
	struct keymap	 km;
	char		*cause = NULL;
	int		 up;

	keys_default(&km);
	ck_assert_int_eq(keys_parse_config(&km, "  # comment\n"
	    "bind x quit # trailing words after a hash\n"
	    "\tbind   Up   none\n"
	    "bind # filter\n"
	    "bind F5 redraw", "test", &cause), 0);
	ck_assert_int_eq(keys_lookup(&km, 'x'), KEYS_QUIT);
	ck_assert_int_eq(keys_key_parse("Up", &up), 0);
	ck_assert_int_eq(keys_lookup(&km, up), KEYS_NONE);
	ck_assert_int_eq(keys_lookup(&km, '#'), KEYS_FILTER);
	ck_assert_int_eq(keys_lookup(&km, 'k'), KEYS_MOVE_UP);
}
END_TEST

START_TEST(config_must_leave_a_way_to_quit)
{
	struct keymap	 km;
	char		*cause = NULL;

	keys_default(&km);
	ck_assert_int_eq(keys_parse_config(&km, "bind q none\nbind ^C none\n",
	    "cfg", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no key is left bound to quit"));
	ck_assert_int_eq(keys_lookup(&km, 'q'), KEYS_QUIT);
	free(cause);
}
END_TEST

START_TEST(config_file_missing_is_fine_unless_named)
{
	struct keymap	 km;
	char		*cause = NULL, path[] = "/tmp/vigil-keys-XXXXXX";
	int		 fd;

	keys_default(&km);
	ck_assert_int_eq(keys_load(&km, "/nonexistent/vigil/config", 0,
	    &cause), 0);
	ck_assert_int_eq(keys_load(&km, "/nonexistent/vigil/config", 1,
	    &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "cannot read the key config "
	    "/nonexistent/vigil/config"));
	free(cause);
	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, "bind w view-alerts\nbind v frob\n", 31),
	    31);
	close(fd);
	ck_assert_int_eq(keys_load(&km, path, 0, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "line 2"));
	free(cause);
	unlink(path);
	setenv("XDG_CONFIG_HOME", "/etc/xdg-test", 1);
	cause = keys_config_path();
	ck_assert_str_eq(cause, "/etc/xdg-test/vigil/config");
	free(cause);
}
END_TEST

static const struct table_column sort_columns[] = {
	{ "NODE", 9, 20, 0, 0, 0 },
	{ "CHILD/s", 8, 8, 0, 1, 0 },
};

/* A source's rows: a number and a name each, and how often filled. */
struct lazy_src {
	double	rate[1000];
	char	name[1000][16];
	int	fills;
};

static void
lazy_fill(struct table_row *row, const void *arg)
{
	const struct lazy_src	*src = arg;
	size_t			 i = (const double *)row->src - src->rate;

	((struct lazy_src *)src)->fills++;
	table_set(row, 0, MARK_NONE, "%s", src->name[i]);
	table_set(row, 1, MARK_NONE, "%.0f", src->rate[i]);
}

static int
lazy_key(const struct table_row *row, int col, const void *arg,
    struct table_key *out)
{
	const struct lazy_src	*src = arg;
	size_t			 i = (const double *)row->src - src->rate;

	if (col == 0)
		out->text = src->name[i];
	else {
		out->num = src->rate[i];
		out->has_num = src->rate[i] >= 0;
	}
	return (0);
}

/* Is t's shown order by rate, highest first, unknown last, ties as added? */
static int
lazy_sorted(const struct table *t, const struct lazy_src *src)
{
	size_t	i, a, b;

	for (i = 1; i < t->nshown; i++) {
		a = t->order[i - 1];
		b = t->order[i];
		if (src->rate[a] < 0 && src->rate[b] >= 0)
			return (0);
		if (src->rate[a] >= 0 && src->rate[b] >= 0 &&
		    (src->rate[a] < src->rate[b] ||
		    (src->rate[a] == src->rate[b] && a > b)))
			return (0);
		if (src->rate[a] < 0 && src->rate[b] < 0 && a > b)
			return (0);
	}
	return (1);
}

/*
 * A view of many rows formats only those drawn: sorting takes the
 * source's keys, widths come from the rows on screen, a filter fills
 * every row, and last frame's order, kept, still follows keys that
 * changed (a few, or all of them).
 */
START_TEST(a_source_formats_only_the_rows_drawn)
{
	static struct lazy_src	 src;
	struct table_source	 ts = { lazy_fill, lazy_key, &src };
	struct table		 t;
	struct table_row	*row;
	size_t			 i, frame;

	srandom(14);
	for (i = 0; i < 1000; i++) {
		src.rate[i] = (double)(random() % 50) - 2;	/* ties, -1s */
		snprintf(src.name[i], sizeof src.name[i], "router/r%zu", i);
	}
	table_init(&t, sort_columns, 2);
	for (frame = 0; frame < 6; frame++) {
		table_reset(&t, sort_columns, 2);
		table_source(&t, &ts);
		for (i = 0; i < 1000; i++) {
			row = table_add(&t, src.name[i]);
			row->src = &src.rate[i];
		}
		src.fills = 0;
		table_view(&t, "", 1, 1);
		ck_assert_msg(lazy_sorted(&t, &src), "frame %zu out of order",
		    frame);
		ck_assert_int_eq(src.fills, 0);
		table_window(&t, 500, 20);
		table_layout(&t, 80);
		ck_assert_int_eq(src.fills, 20);
		ck_assert(t.rows[t.order[500]].filled &&
		    !t.rows[t.order[520]].filled);
		/* Next frame: a few rates move, then (frame 3) all do. */
		for (i = 0; i < 1000; i++) {
			if (frame == 3 || random() % 400 == 0)
				src.rate[i] = (double)(random() % 50) - 2;
		}
	}
	/* Names in natural order from the keys, and a filter fills all. */
	table_reset(&t, sort_columns, 2);
	table_source(&t, &ts);
	for (i = 0; i < 1000; i++)
		table_add(&t, src.name[i])->src = &src.rate[i];
	table_view(&t, "", 0, 0);
	ck_assert_str_eq(t.rows[t.order[0]].id, "router/r0");
	ck_assert_str_eq(t.rows[t.order[2]].id, "router/r2");
	ck_assert_str_eq(t.rows[t.order[10]].id, "router/r10");
	src.fills = 0;
	table_view(&t, "r99", 0, 0);
	ck_assert_int_eq(src.fills, 1000);
	ck_assert_uint_eq(t.nshown, 11);	/* r99, r990 to r999 */
	ck_assert_str_eq(t.rows[t.order[0]].id, "router/r99");
	table_free(&t);
}
END_TEST

START_TEST(an_empty_table_sorts_to_nothing)
{
	struct table	t;

	/* A view drawn before any node said hello has no rows at all. */
	table_init(&t, sort_columns, 2);
	table_view(&t, "", 0, 0);
	ck_assert_uint_eq(t.nshown, 0);
	table_view(&t, "r8", 1, 1);
	ck_assert_uint_eq(t.nshown, 0);
	table_free(&t);
}
END_TEST

/*
 * A wrong file where the key config belongs (here a megabyte of other
 * text) is refused at once in a few lines by the real console: the
 * first ten bad lines, then how many more.  It used to spend about a
 * minute writing a sentence for each of its 60,000 lines, then print
 * all 5 MB of them.
 */
START_TEST(config_of_other_text_is_refused_at_once_in_a_few_lines)
{
	struct e2e_result	 r;
	char			*dir, *path, env[PATH_MAX + 32], *envv[2];
	char			*argv[4];
	FILE			*f;
	int			 i;

	dir = e2e_path("vigil");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	path = e2e_path("vigil/config");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	for (i = 0; i < 60000; i++)
		fprintf(f, "junk line %d\n", i);
	fclose(f);
	snprintf(env, sizeof env, "XDG_CONFIG_HOME=%s", e2e_dir());
	envv[0] = env;
	envv[1] = NULL;
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = "ws://127.0.0.1:1";
	argv[3] = NULL;
	e2e_run(argv, envv, 10000, &r);
	ck_assert_msg(r.status == 2, "vigil exited %d (-1: still running "
	    "after 10 s)", r.status);
	ck_assert_msg(strlen(r.err) < 4096, "%zu bytes on stderr",
	    strlen(r.err));
	ck_assert_msg(strstr(r.err, "config line 10: \"junk\" is not a "
	    "command") != NULL && strstr(r.err, "line 11:") == NULL &&
	    strstr(r.err, "config: 59990 more lines are wrong too") != NULL &&
	    strstr(r.err, "was not used") != NULL, "%s", r.err);
	e2e_result_free(&r);
	free(argv[0]);
	free(path);
	free(dir);
}
END_TEST

START_TEST(filter_and_sort_rows)
{
	struct table		 t;
	struct table_row	*r;
	static const char	*ids[] = { "router/r10", "router/r9",
				    "router/r1", "station/s2", "router/r8" };
	static const double	 rates[] = { 200, 210, 210, 0, 3668 };
	size_t			 i;

	table_init(&t, sort_columns, 2);
	for (i = 0; i < 5; i++) {
		r = table_add(&t, ids[i]);
		table_set(r, 0, MARK_NONE, "%s", ids[i]);
		if (i != 3) {		/* the station has no rate */
			table_set(r, 1, MARK_NONE, "%g", rates[i]);
			table_set_num(r, 1, rates[i]);
		}
	}
	table_view(&t, "", -1, 0);
	ck_assert_uint_eq(t.nshown, 5);
	ck_assert_str_eq(t.rows[t.order[0]].id, "router/r10");	/* as added */

	table_view(&t, "", 0, 0);	/* names in natural order */
	ck_assert_str_eq(t.rows[t.order[0]].id, "router/r1");
	ck_assert_str_eq(t.rows[t.order[1]].id, "router/r8");
	ck_assert_str_eq(t.rows[t.order[2]].id, "router/r9");
	ck_assert_str_eq(t.rows[t.order[3]].id, "router/r10");

	table_view(&t, "", 1, 1);	/* fastest first, unknown last */
	ck_assert_str_eq(t.rows[t.order[0]].id, "router/r8");
	ck_assert_str_eq(t.rows[t.order[4]].id, "station/s2");
	/* A tie keeps the order rows were added in, so nothing jitters. */
	ck_assert_str_eq(t.rows[t.order[1]].id, "router/r9");
	ck_assert_str_eq(t.rows[t.order[2]].id, "router/r1");

	table_view(&t, "R8", 0, 0);	/* case does not matter */
	ck_assert_uint_eq(t.nshown, 1);
	ck_assert_int_eq(table_find(&t, "router/r8"), 0);
	ck_assert_int_eq(table_find(&t, "router/r1"), -1);
	table_view(&t, "3668", 0, 0);	/* any cell matches */
	ck_assert_uint_eq(t.nshown, 1);
	table_view(&t, "nothing like it", 0, 0);
	ck_assert_uint_eq(t.nshown, 0);

	/* Headings stay only above rows that are shown. */
	table_reset(&t, sort_columns, 2);
	table_add(&t, "h1")->mark = MARK_HEADING;
	table_set(table_add(&t, "a"), 0, MARK_NONE, "move-up");
	table_add(&t, "h2")->mark = MARK_HEADING;
	table_set(table_add(&t, "b"), 0, MARK_NONE, "quit");
	table_view(&t, "quit", 0, 0);
	ck_assert_uint_eq(t.nshown, 2);
	ck_assert_str_eq(t.rows[t.order[0]].id, "h2");
	ck_assert_str_eq(t.rows[t.order[1]].id, "b");
	table_free(&t);
}
END_TEST

/* A node says hello with build and what flag rlp enables. */
static void
fixture_hello(struct fleet *f, const char *id, const char *build,
    const char *path)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	struct proto_hello	*h = &m->u.hello;

	m->type = MSG_HELLO;
	util_copy(h->node, sizeof h->node, id);
	h->role = strncmp(id, "station/", 8) == 0 ? ROLE_STATION :
	    ROLE_ROUTER;
	util_copy(h->group, sizeof h->group, "nyse");
	util_copy(h->build, sizeof h->build, build);
	h->version = 1;
	h->clock_ms = CLOCK0;
	h->time_scale = 1;
	h->link_nodes = 0;	/* the fixture adds more */
	h->nflags = 2;
	util_copy(h->flags[0].name, sizeof h->flags[0].name, "rlp");
	util_copy(h->flags[0].path, sizeof h->flags[0].path, path);
	h->flags[0].on = 1;
	util_copy(h->flags[1].name, sizeof h->flags[1].name, "fast");
	util_copy(h->flags[1].path, sizeof h->flags[1].path, "fast_path");
	ck_assert_int_eq(fleet_apply(f, 0, m, T0), 0);
	free(m);
}

/* Three routers on one link; r3 on the old build, as in Knight. */
static void
fixture(struct fleet *f)
{
	fleet_init(f, "test");
	fleet_add_link(f, "ws://127.0.0.1:9/");
	fleet_link_up(f, 0, T0);
	fixture_hello(f, "router/r1", "smars-new", "retail_liquidity");
	fixture_hello(f, "router/r2", "smars-new", "retail_liquidity");
	fixture_hello(f, "router/r3", "smars-old", "power_peg");
}

/* The drift of the node called id. */
static struct derive_drift
drift_of(const struct fleet *f, const char *id)
{
	struct derive_drift	 all[8], d;
	const struct node	*node = fleet_find_const(f, id);

	ck_assert_ptr_nonnull(node);
	ck_assert_uint_le(f->nnodes, 8);
	derive_drifts(f, all);
	d = all[node - f->nodes];
	return (d);
}

START_TEST(drift_marks_the_minority_build_and_flag_meaning)
{
	struct fleet	f;

	fixture(&f);
	ck_assert_int_eq(drift_of(&f, "router/r1").build, 0);
	ck_assert_int_eq(drift_of(&f, "router/r3").build, 1);
	ck_assert_int_eq(drift_of(&f, "router/r1").flag[0], 0);
	ck_assert_int_eq(drift_of(&f, "router/r3").flag[0], 1);
	ck_assert_int_eq(drift_of(&f, "router/r3").flag[1], 0);	/* "fast" */

	/* Two against two: no majority, so both sides are marked. */
	fixture_hello(&f, "router/r4", "smars-old", "power_peg");
	ck_assert_int_eq(drift_of(&f, "router/r1").build, 1);
	ck_assert_int_eq(drift_of(&f, "router/r3").build, 1);
	ck_assert_int_eq(drift_of(&f, "router/r4").flag[0], 1);

	/* Another role is other peers: one station drifts from no one. */
	fixture_hello(&f, "station/s1", "stationd-1", "none");
	ck_assert_int_eq(drift_of(&f, "station/s1").build, 0);
	fleet_free(&f);
}
END_TEST

/* Read whatever arrives on fd until it is quiet for quiet_ms. */
static size_t
drain(int fd, int quiet_ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		buf[4096];
	size_t		total = 0;
	ssize_t		n;

	while (poll(&pfd, 1, quiet_ms) == 1) {
		if ((n = read(fd, buf, sizeof buf)) <= 0)
			break;
		total += (size_t)n;
	}
	return (total);
}

/*
 * In a new session whose terminal is the pseudo-terminal slave: draw a
 * frame, the same frame again, then one where a node went down, telling
 * the parent (tell) after each and waiting for its word (hear).
 */
static void
child_frames(const char *slave, int tell, int hear)
{
	struct tui_options	 opts;
	struct winsize		 ws = { 24, 80, 0, 0 };
	struct fleet		 f;
	struct tui		*tui;
	struct node		*r3;
	char			*cause = NULL, c;
	int			 fd;

	if (setsid() == -1 || (fd = open(slave, O_RDWR)) == -1 ||
	    ioctl(fd, TIOCSCTTY, 0) == -1 || ioctl(fd, TIOCSWINSZ, &ws) == -1)
		_exit(2);
	setenv("TERM", "xterm-256color", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	fixture(&f);
	memset(&opts, 0, sizeof opts);
	opts.title = "test";
	if ((tui = tui_open(&opts, &cause)) == NULL)
		_exit(3);
	tui_draw(tui, &f, T0, CLOCK0);
	if (write(tell, "1", 1) != 1 || read(hear, &c, 1) != 1)
		_exit(4);
	f.dirty = 1;			/* "changed", but nothing did */
	tui_draw(tui, &f, T0 + 150, CLOCK0 + 150);
	if (write(tell, "2", 1) != 1 || read(hear, &c, 1) != 1)
		_exit(4);
	r3 = fleet_find(&f, "router/r3");
	r3->state = NODE_DOWN;
	f.dirty = 1;
	tui_draw(tui, &f, T0 + 300, CLOCK0 + 300);
	if (write(tell, "3", 1) != 1 || read(hear, &c, 1) != 1)
		_exit(4);
	tui_close(tui);
	fleet_free(&f);
	_exit(0);
}

START_TEST(unchanged_frame_writes_nothing_to_the_terminal)
{
	int	master, to_child[2], from_child[2], status;
	size_t	first, same, changed;
	char	c;
	pid_t	pid;

	ck_assert_int_ne(master = posix_openpt(O_RDWR | O_NOCTTY), -1);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	ck_assert_int_eq(pipe(to_child), 0);
	ck_assert_int_eq(pipe(from_child), 0);
	if ((pid = fork()) == 0)
		child_frames(ptsname(master), from_child[1], to_child[0]);
	ck_assert_int_gt(pid, 0);

	ck_assert_int_eq(read(from_child[0], &c, 1), 1);
	first = drain(master, 300);
	ck_assert_int_eq(write(to_child[1], "n", 1), 1);
	ck_assert_int_eq(read(from_child[0], &c, 1), 1);
	same = drain(master, 300);
	ck_assert_int_eq(write(to_child[1], "n", 1), 1);
	ck_assert_int_eq(read(from_child[0], &c, 1), 1);
	changed = drain(master, 300);
	ck_assert_int_eq(write(to_child[1], "n", 1), 1);
	drain(master, 100);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the console could not draw on a pseudo-terminal (status %d)",
	    status);

	ck_assert_uint_gt(first, 500);	/* a whole 80x24 screen */
	ck_assert_uint_eq(same, 0);
	ck_assert_uint_gt(changed, 0);	/* only what changed */
	ck_assert_uint_lt(changed, first / 2);
	close(master);
}
END_TEST

/* A whole small file, or NULL. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*text;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = xcalloc(1, (size_t)len + 1);
	if (fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return (text);
}

START_TEST(man_page_lists_every_key_and_action)
{
	struct keymap		 km;
	struct keys_help	 help[KEYS_NACTIONS];
	char			*man, want[128], *start, *end;
	size_t			 n, i;

	man = slurp("man/vigil.1");
	ck_assert_msg(man != NULL, "man/vigil.1 is missing (run the tests "
	    "from the top of the source tree)");
	start = strstr(man, ".Sh THE CONSOLE");
	ck_assert_ptr_nonnull(start);
	if ((end = strstr(start + 1, "\n.Sh ")) != NULL)
		*end = '\0';
	keys_default(&km);
	n = keys_help_lines(&km, help, KEYS_NACTIONS);
	for (i = 0; i < n; i++) {
		/*
		 * Each entry reads ".It Ic keys Pq Cm action"; a lone key
		 * mdoc takes for punctuation (":") is escaped as "\&:".
		 */
		util_format(want, sizeof want, ".It Ic %s%s Pq Cm %s",
		    help[i].keys[1] == '\0' && strchr(".,:;()[]?!",
		    help[i].keys[0]) != NULL ? "\\&" : "", help[i].keys,
		    help[i].name);
		ck_assert_msg(strstr(start, want) != NULL, "vigil(1) THE "
		    "CONSOLE lacks \"%s\"", want);
	}
	free(man);
}
END_TEST

/* Type text into the dialog, key by key; the last result. */
static enum form_result
type_into(struct form *f, const char *text, struct tui_action *out,
    char *msg, size_t len)
{
	enum form_result	r = FORM_KEPT;

	for (; *text != '\0'; text++)
		r = form_key(f, (unsigned char)*text, out, msg, len);
	return (r);
}

START_TEST(propose_dialog_sends_only_after_the_reason_and_the_whole_word)
{
	struct form		 f;
	struct tui_action	 out;
	const char		*nodes[] = { "router/r8", "router/r7" };
	char			 msg[256];

	memset(&f, 0, sizeof f);
	form_open_propose(&f, "kill", nodes, 2, "alice");
	/* No reason: Enter keeps asking for one. */
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_KEPT);
	ck_assert_int_eq(f.step, FORM_REASON);
	ck_assert_ptr_nonnull(strstr(f.note, "A reason is needed"));
	/* Keys bound elsewhere (k, q, K) are only text here. */
	ck_assert_int_eq(type_into(&f, "kq K runaway", &out, msg,
	    sizeof msg), FORM_KEPT);
	ck_assert_str_eq(f.reason, "kq K runaway");
	form_key(&f, KEYS_CTRL('u'), &out, msg, sizeof msg);
	type_into(&f, "runaway", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_KEPT);
	ck_assert_int_eq(f.step, FORM_CONFIRM);
	/* A wrong word sends nothing and asks again. */
	type_into(&f, "kil", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_KEPT);
	ck_assert_int_eq(f.step, FORM_CONFIRM);
	ck_assert_ptr_nonnull(strstr(f.note, "You typed \"kil\", not "
	    "\"kill\": nothing was signed or sent"));
	type_into(&f, "KILL", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_KEPT);
	/* The word, whole: the action leaves with everything typed. */
	type_into(&f, " kill ", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\r', &out, msg, sizeof msg),
	    FORM_SEND);
	ck_assert_int_eq(out.type, TUI_PROPOSE);
	ck_assert_str_eq(out.command, "kill");
	ck_assert_str_eq(out.reason, "runaway");
	ck_assert_uint_eq(out.nnodes, 2);
	ck_assert_str_eq(out.nodes[0], "router/r8");
	ck_assert_str_eq(out.nodes[1], "router/r7");
	ck_assert_int_eq(f.step, FORM_SENT);
	/* Drafted, not signed: the review shows until y. */
	ck_assert_int_eq(form_review(&f, "proposal 0123 (not signed, not "
	    "sent)\n  {\"action\":\"kill\"}\n", "{\"action\":\"kill\"}"),
	    0);
	ck_assert_int_eq(f.step, FORM_REVIEW);
	/* A y typed before the review was drawn signs nothing. */
	ck_assert_int_eq(form_key(&f, 'y', &out, msg, sizeof msg),
	    FORM_KEPT);
	ck_assert_ptr_nonnull(strstr(f.note, "not on screen yet"));
	f.shown = 1;		/* as form_draw() leaves it */
	/* Enter, the word's key, does not sign the document. */
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_KEPT);
	ck_assert_ptr_nonnull(strstr(f.note, "press y to sign"));
	ck_assert_int_eq(form_key(&f, 'y', &out, msg, sizeof msg),
	    FORM_SEND);
	ck_assert_int_eq(out.type, TUI_SIGN);
	ck_assert_str_eq(out.document, "{\"action\":\"kill\"}");
	ck_assert_int_eq(f.step, FORM_SENT);
	/* The answers, then Enter closes it. */
	form_said(&f, "router/r8: accepted\nrouter/r7: accepted", 1, 1);
	ck_assert_int_eq(f.step, FORM_DONE);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_CLOSED);
	ck_assert_int_eq(f.kind, FORM_NONE);
	form_close(&f);
}
END_TEST

START_TEST(escape_leaves_any_dialog_with_nothing_sent)
{
	struct form		 f;
	struct fleet_proposal	 p;
	struct tui_action	 out;
	char			 msg[256], doc[] = "{\"action\":\"kill\"}";

	memset(&f, 0, sizeof f);
	memset(&p, 0, sizeof p);
	util_copy(p.id, sizeof p.id, "0123456789abcdef0123456789abcdef");
	p.document = doc;
	p.decoded = 1;
	util_copy(p.cmd.action, sizeof p.cmd.action, "kill");
	form_open_decide(&f, &p, 1, "bob");
	ck_assert_int_eq(f.step, FORM_CONFIRM);
	type_into(&f, "kil", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, KEYS_ESCAPE, &out, msg, sizeof msg),
	    FORM_CLOSED);
	ck_assert_ptr_nonnull(strstr(msg, "nothing was signed or sent"));
	ck_assert_int_eq(f.kind, FORM_NONE);

	/* Approving signs the very bytes shown; cancel takes "cancel". */
	form_open_decide(&f, &p, 1, "bob");
	type_into(&f, "kill", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_SEND);
	ck_assert_int_eq(out.type, TUI_APPROVE);
	ck_assert_str_eq(out.id, p.id);
	ck_assert_str_eq(out.document, doc);
	form_open_decide(&f, &p, 0, "alice");
	type_into(&f, "kill", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_KEPT);
	type_into(&f, "cancel", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_SEND);
	ck_assert_int_eq(out.type, TUI_CANCEL);

	/* A draft under review: n or Escape discards it, unsigned. */
	form_open_propose(&f, "kill", (const char *[]){ "router/r8" }, 1,
	    "alice");
	type_into(&f, "why", &out, msg, sizeof msg);
	form_key(&f, '\n', &out, msg, sizeof msg);
	type_into(&f, "kill", &out, msg, sizeof msg);
	ck_assert_int_eq(form_key(&f, '\n', &out, msg, sizeof msg),
	    FORM_SEND);
	ck_assert_int_eq(form_review(&f, "proposal", doc), 0);
	ck_assert_int_eq(form_key(&f, KEYS_ESCAPE, &out, msg, sizeof msg),
	    FORM_SEND);
	ck_assert_int_eq(out.type, TUI_DISCARD);
	ck_assert_ptr_nonnull(strstr(msg, "nothing was signed or sent"));
	ck_assert_int_eq(f.kind, FORM_NONE);
	form_close(&f);
}
END_TEST

Suite *
panels_suite(void)
{
	Suite	*s = suite_create("panels");
	TCase	*tc = tcase_create("panels");

	tcase_add_test(tc, layout_keeps_header_bar_and_status_at_every_size);
	tcase_add_test(tc, columns_fit_80_whole_and_use_200);
	tcase_add_test(tc, scroll_keeps_cursor_visible);
	tcase_add_test(tc, sparkline_scales_to_the_largest_sample);
	tcase_add_test(tc, text_fits_its_column_with_an_ellipsis);
	tcase_add_test(tc, numbers_read_as_words);
	tcase_add_test(tc, wrap_breaks_between_words);
	tcase_add_test(tc, header_shortens_then_drops_from_the_right);
	tcase_add_test(tc, every_default_key_is_bound_once_and_named_both_ways);
	tcase_add_test(tc, help_follows_remapped_keys);
	tcase_add_test(tc,
	    config_refuses_bad_lines_by_number_and_changes_nothing);
	tcase_add_test(tc, config_takes_comments_names_and_unbinding);
	tcase_add_test(tc, config_must_leave_a_way_to_quit);
	tcase_add_test(tc, config_file_missing_is_fine_unless_named);
	tcase_add_test(tc, filter_and_sort_rows);
	tcase_add_test(tc, an_empty_table_sorts_to_nothing);
	tcase_add_test(tc, a_source_formats_only_the_rows_drawn);
	tcase_add_test(tc, drift_marks_the_minority_build_and_flag_meaning);
	tcase_add_test(tc, unchanged_frame_writes_nothing_to_the_terminal);
	tcase_add_test(tc, man_page_lists_every_key_and_action);
	tcase_add_test(tc,
	    propose_dialog_sends_only_after_the_reason_and_the_whole_word);
	tcase_add_test(tc, escape_leaves_any_dialog_with_nothing_sent);
	suite_add_tcase(s, tc);

	tc = tcase_create("keyconfig");
	tcase_add_checked_fixture(tc, e2e_setup, e2e_cleanup);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc,
	    config_of_other_text_is_refused_at_once_in_a_few_lines);
	suite_add_tcase(s, tc);
	return (s);
}
