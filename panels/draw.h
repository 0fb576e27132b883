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

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"

struct alert;
struct fleet;
struct draw_tab;
struct fleet_proposal;
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
	const char *operator;		/* who signs here, "" no key; NULL
					   leaves it out of the header */
	size_t	armed;			/* routers an armed kill covers */
	char	fired_node[64];		/* where an armed kill fired, */
	char	fired_how[256];		/* how and why; "" if none */
	const char *also_watching;	/* other operators watching the
					   same nodes, raw; "" none */
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
	DRAW_BAR_PROPOSAL,	/* "PROPOSAL" in the alert bar */
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
 * right, scaled from 0 to their largest (tables scale every row of a
 * view alike: draw_table_scales()): 0 draws the lowest glyph, the
 * largest the highest, an unknown sample (negative) a space; fewer
 * samples than width leave spaces on the left.  Unicode blocks, or the
 * ASCII ramp "_.-~=+*#" when ascii.  Returns out.
 */
char	*draw_sparkline(const struct table_series *series, int width,
	    int ascii, char *out, size_t len);

/*
 * As draw_sparkline(), on the scale from 0 to max rather than to the
 * series' own largest (max 0: every sample draws the lowest glyph), so
 * that the rows of one view compare.
 */
char	*draw_sparkline_scaled(const struct table_series *series, int width,
	    float max, int ascii, char *out, size_t len);

/* The largest of the newest width samples of series; 0 if none is. */
float	 draw_series_max(const struct table_series *series, int width);

/*
 * For each sparkline column of a laid-out table, the largest sample any
 * row drawn (table_window()) draws there (0 for other columns): one
 * scale per screen.
 */
void	 draw_table_scales(const struct table *t, float *scale);

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

/* draw_wrap() of the text fmt and ap format (up to DRAW_WRAP_MAX bytes). */
#define DRAW_WRAP_MAX	(PROTO_TEXT_MAX * 4)
size_t	 draw_vwrap(int width, char (*lines)[DRAW_LINE_MAX], size_t max,
	    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/*
 * As draw_wrap(), each line also at most bytes - 1 bytes (bytes at most
 * DRAW_LINE_MAX), for lines kept in a smaller buffer: a table cell.
 */
size_t	 draw_wrap_bytes(const char *text, int width, size_t bytes,
	    char (*lines)[DRAW_LINE_MAX], size_t max);

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

/*
 * Which of the n views' tabs draw_tabs() draws at column x of a
 * terminal cols wide, or -1 for none.
 */
int	 draw_tab_at(const struct draw_tab *tabs, size_t n,
	    const struct keymap *km, int cols, int x);

/* Fill the header's parts from a summary; returns how many. */
size_t	 draw_header_parts(const struct draw_summary *sum,
	    struct draw_part *parts, size_t max);

/*
 * The rows the alert bar wants: standing alerts nobody has acknowledged
 * and proposals waiting for a second signature.
 */
size_t	 draw_bar_alerts(const struct fleet *fleet);

/*
 * The proposals waiting for a second signature, the first max of them
 * into shown (which may be NULL when max is 0).  Returns how many wait.
 */
size_t	 draw_bar_proposals(const struct fleet *fleet,
	    const struct fleet_proposal **shown, size_t max);

/*
 * A pending proposal as the alert bar says it: who asks to do what to
 * which nodes, and the keys that review and approve it (or, when
 * operator proposed it, cancel it).  Returns buf.
 */
char	*draw_proposal_line(const struct fleet_proposal *fp,
	    const char *operator, const struct keymap *km, char *buf,
	    size_t len);

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
 * The alert bar: proposals waiting for a second signature first (their
 * rows headed PROPOSAL, operator being who signs here, or NULL), then
 * the most severe unacknowledged alerts, each as severity, rule and
 * sentence; when more stand than fit, the last row says how many more
 * and which key shows them all.
 */
void	 draw_alert_bar(WINDOW *win, const struct draw_layout *layout,
	    const struct fleet *fleet, const struct keymap *km,
	    const char *operator);

/* A view's tab: its name, and the action (enum keys_action) showing it. */
struct draw_tab {
	const char	*name;
	int		 action;
};

/* The views' tabs (n) with their keys, the current one highlighted. */
void	 draw_tabs(WINDOW *win, const struct draw_layout *layout,
	    const struct draw_tab *tabs, size_t n, size_t current,
	    const struct keymap *km);

/* Where a table is drawn, and how it is scrolled and sorted. */
struct draw_table_view {
	int	y, x, h, w;	/* h rows and w columns at y,x */
	size_t	top;		/* the first shown row drawn */
	int	cursor;		/* the row highlighted, or -1 */
	int	sort_col;	/* the column whose title is marked */
	int	reverse;	/* sorted high to low */
};

/*
 * A table as v says: titles (the sort column marked), then the shown
 * rows from top, the cursor row highlighted when cursor >= 0.  Lays the
 * table out for v->w first, from the rows it draws (table_window()).
 */
void	 draw_table(WINDOW *win, struct table *t,
	    const struct draw_table_view *v);
#endif

#endif
