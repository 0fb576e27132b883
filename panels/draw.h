/*
 * draw.h: drawing shared by every view: the screen's layout, the header,
 * the alert bar, tables, sparklines and the words numbers become.
 *
 * The formatting and layout functions are pure (no terminal needed) and
 * tested on their own; the draw_*() functions that take a WINDOW write
 * into curses' virtual screen only, and tui.c sends one update per frame.
 */
#ifndef VIGIL_DRAW_H
#define VIGIL_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

struct alert;
struct fleet;
struct keymap;

#define DRAW_LINE_MAX	512	/* bytes of one formatted screen line */

/* Where each part of the screen goes, from the terminal's size. */
struct draw_layout {
	int	rows, cols;
	int	header_y;		/* always row 0 */
	int	bar_y, bar_rows;	/* the alert bar, at least one row */
	int	tabs_y;			/* the row naming the views */
	int	body_y, body_rows;	/* the current view */
	int	status_y;		/* hints, messages, the filter prompt */
	int	too_small;		/* below what the views need */
};

/* One part of the header, with a shorter form for narrow terminals. */
struct draw_part {
	char		full[64];
	char		brief[64];	/* "" to drop the part instead */
	enum table_mark	mark;
	int		use;		/* out: 2 full, 1 brief, 0 dropped */
};

/* What the header says about the fleet. */
struct draw_summary {
	char	title[64];		/* fleet or scenario */
	size_t	nodes, live, stale, down;
	size_t	critical, warning;
	size_t	links, links_up, links_connecting;
	size_t	links_insecure;		/* plain ws beyond loopback */
	char	insecure_url[48];	/* the first of them */
	int	have_clock;
	int64_t	clock_ms;		/* a node's clock, epoch ms */
	double	time_scale;
};

/* Styles beyond the table marks. */
enum draw_style {
	DRAW_NORMAL = 0,
	DRAW_HEADER,		/* the header row */
	DRAW_TITLE,		/* column titles */
	DRAW_TAB,		/* a view's name */
	DRAW_TAB_CURRENT,	/* the view shown */
	DRAW_SELECTED,		/* the selected row */
	DRAW_BAR_CRIT,		/* "CRITICAL" in the alert bar */
	DRAW_BAR_WARN,		/* "WARNING" in the alert bar */
	DRAW_BAR_INFO,
};

/*
 * Lay out a rows x cols screen with nalerts alerts for the bar: the bar
 * grows with the terminal (3 rows at 24, up to 6 from 40), the header,
 * bar, view names and status line always keep their rows.
 */
void	 draw_layout(int rows, int cols, size_t nalerts,
	    struct draw_layout *layout);

/*
 * Copy UTF-8 text s into out, exactly width columns: padded with spaces
 * (on the left when right), or cut with an ellipsis ("~" when ascii).
 * Returns out.
 */
char	*draw_fit(const char *s, int width, int right, int ascii, char *out,
	    size_t len);

/*
 * A sparkline of the newest width samples of series, newest on the
 * right, scaled from 0 to their largest: 0 draws the lowest glyph, the
 * largest the highest, an unknown sample (negative) a space; fewer
 * samples than width leave spaces on the left.  Unicode blocks, or the
 * ASCII ramp "_.-~=+*#" when ascii.  Returns out.
 */
char	*draw_sparkline(const struct table_series *series, int width,
	    int ascii, char *out, size_t len);

/* A rate per second at a glance: "-", "4.2", "930", "12.5k", "3.1M". */
char	*draw_rate(double per_sec, char *buf, size_t len);

/* Time left: "58m12s", or "expired" at or below zero. */
char	*draw_countdown(int64_t ms, char *buf, size_t len);

/* Age of data: "0s", "4m07s", or "never" when ms is negative. */
char	*draw_age(int64_t ms, char *buf, size_t len);

/*
 * Word-wrap text into at most max lines of width columns each (bytes
 * DRAW_LINE_MAX); a word wider than a line is hard-wrapped over several,
 * never cut.  Returns the lines.
 */
size_t	 draw_wrap(const char *text, int width, char (*lines)[DRAW_LINE_MAX],
	    size_t max);

/*
 * The first row of width columns of text, into row (len bytes), cut at
 * that column whatever the text: for bytes shown exactly (a signed
 * document), never rewrapped nor collapsed.  Returns how many bytes of
 * text the row holds, at least one unless text is empty.
 */
size_t	 draw_cut_row(const char *text, int width, char *row, size_t len);

/*
 * Choose for each part its full form, its brief form or nothing, so that
 * all fit in width with sep columns between them: parts are shortened
 * from the last one backwards, then dropped from the last one backwards
 * (the first part always stays).  Returns the width used.
 */
int	 draw_fit_parts(struct draw_part *parts, size_t n, int sep, int width);

/* Fill the header's parts from a summary; returns how many. */
size_t	 draw_header_parts(const struct draw_summary *sum,
	    struct draw_part *parts, size_t max);

/* Standing alerts nobody has acknowledged: what the alert bar shows. */
size_t	 draw_bar_alerts(const struct fleet *fleet);

/* An alert's name for people: its rule, or a backend warning's code. */
const char *draw_alert_name(const struct alert *a);

/* Summarise the fleet for the header at monotonic now_ms. */
void	 draw_summarize(const struct fleet *fleet, const char *title,
	    int64_t now_ms, struct draw_summary *sum);

#ifdef NCURSES_VERSION	/* the drawing half, where curses is in scope */
/* Set up colours (or not) and glyphs once the terminal is open. */
void	 draw_setup(int color, int ascii);

/* The attribute for a table mark or a style. */
attr_t	 draw_mark_attr(enum table_mark mark);
attr_t	 draw_style_attr(enum draw_style style);

/* Put text at y,x fitted to width columns, in attr. */
void	 draw_text(WINDOW *win, int y, int x, int width, const char *s,
	    int right, attr_t attr);

/* A horizontal rule of width columns. */
void	 draw_rule(WINDOW *win, int y, int x, int width);

/* The header row: fleet name, node states, alert counts, clock, links. */
void	 draw_header(WINDOW *win, const struct draw_layout *layout,
	    const struct draw_summary *sum);

/*
 * The alert bar: the most severe unacknowledged alerts first, each as
 * severity, rule and sentence; when more stand than fit, the last row
 * says how many more and which key shows them all.
 */
void	 draw_alert_bar(WINDOW *win, const struct draw_layout *layout,
	    const struct fleet *fleet, const struct keymap *km);

/* The views' names with their keys, the current one highlighted. */
void	 draw_tabs(WINDOW *win, const struct draw_layout *layout,
	    const char *const *names, const int *actions, size_t n,
	    size_t current, const struct keymap *km);

/*
 * A table at y,x in h rows and w columns: titles (the sort column
 * marked), then the shown rows from top, the cursor row highlighted when
 * cursor >= 0.  Lays the table out for w first.
 */
void	 draw_table(WINDOW *win, int y, int x, int h, int w, struct table *t,
	    size_t top, int cursor, int sort_col, int reverse);
#endif

#endif
