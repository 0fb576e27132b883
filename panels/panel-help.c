/*
 * panel-help.c: the Help view, made from the key table (keys.h) and the
 * keymap in force, so it lists exactly what each key does, remaps
 * included; then what the marks on the screen mean.
 */
#include <curses.h>
#include <string.h>

#include "draw.h"
#include "panel.h"
#include "util.h"

enum { COL_KEYS, COL_ACTION, COL_HELP, COL_NCOLS };

#define PANEL_HELP_KEYS		20	/* "PageDown, ^F, Space" */
#define PANEL_HELP_ACTION	14	/* "view-stations" */

static void	panel_help_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static void	panel_help_add(struct table *t, int width,
		    enum table_mark mark, const char *keys, const char *action,
		    const char *help);

static const struct table_column panel_help_columns[COL_NCOLS] = {
	[COL_KEYS] =	{ "KEYS", PANEL_HELP_KEYS, PANEL_HELP_KEYS, 0, 0, 0 },
	[COL_ACTION] =	{ "ACTION", PANEL_HELP_ACTION, PANEL_HELP_ACTION, 0,
			    0, 0 },
	[COL_HELP] =	{ "WHAT IT DOES", 20, 0, 0, 0, 0 },
};

/* What the screen's marks mean, after the keys. */
static const char *const panel_help_marks[][2] = {
	{ "!", "This cell differs from most nodes of the same role and "
	    "group (a build, or what a flag enables), or crossed a limit." },
	{ "name=path", "A flag that is on, and the code it enables in this "
	    "node's build." },
	{ "name=(path)", "A flag that is off, and the code it would wake "
	    "if turned on." },
	{ "SHARE RATIO", "Child shares over parent shares of the worst open "
	    "parent; above 1.00x a router sends more than was asked." },
	{ "ROOT HOLDER", "The station this one renews from; \"!\" when "
	    "this station has blacklisted it, so renewals will fail." },
	{ "DEVICE CD", "The shortest countdown of a station's devices; at "
	    "zero a device fails hard." },
	{ "CRITICAL", "Alert bar: act now.  WARNING: look soon.  "
	    "Acknowledged alerts leave the bar until they change or grow "
	    "worse (a runaway's ratio doubles)." },
	{ "and N effects", "Alert bar: one row per incident, its cause "
	    "first; N more alerts follow from it, listed under it in the "
	    "Alerts view." },
};

const struct panel_ops panel_help_ops = {
	.name = "Help",
	.show = KEYS_VIEW_HELP,
	.sortable = 0,
	.default_sort = -1,
	.draw = panel_help_draw,
	.key = NULL,
	.resize = panel_resize,
};

/*
 * One entry: keys, action name and what it does, the sentence wrapped to
 * width over as many rows as it takes; a heading if MARK_HEADING.
 */
static void
panel_help_add(struct table *t, int width, enum table_mark mark,
    const char *keys, const char *action, const char *help)
{
	struct table_row	*row;
	char			 id[16], lines[8][DRAW_LINE_MAX];
	size_t			 n, i;

	if ((n = draw_wrap_bytes(help, width, TABLE_CELL_MAX, lines,
	    nitems(lines))) == 0) {
		lines[0][0] = '\0';
		n = 1;
	}
	for (i = 0; i < n; i++) {
		util_format(id, sizeof id, "%zu", t->nrows);
		row = table_add(t, id);
		row->mark = mark;
		table_set(row, COL_KEYS, mark == MARK_HEADING ? MARK_HEADING :
		    MARK_INFO, "%s", i == 0 ? keys : "");
		table_set(row, COL_ACTION, MARK_NONE, "%s", i == 0 ? action :
		    "");
		table_set(row, COL_HELP, MARK_NONE, "%s", lines[i]);
	}
}

/* Fill the table from the keymap and draw it. */
static void
panel_help_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	struct keys_help	 lines[KEYS_NACTIONS];
	struct table		*t = &p->table;
	const char		*section = NULL;
	char			 text[PANEL_MESSAGE_MAX];
	size_t			 n, i;
	int			 width;

	width = w - PANEL_HELP_KEYS - PANEL_HELP_ACTION - 2 * TABLE_GAP;
	if (width < 20)
		width = 20;
	table_reset(t, panel_help_columns, COL_NCOLS);
	n = keys_help_lines(ctx->keys, lines, nitems(lines));
	for (i = 0; i < n; i++) {
		if (section == NULL || strcmp(section, lines[i].section) != 0) {
			section = lines[i].section;
			panel_help_add(t, width, MARK_HEADING, section, "", "");
		}
		panel_help_add(t, width, MARK_NONE, lines[i].keys,
		    lines[i].name, lines[i].help);
	}
	panel_help_add(t, width, MARK_HEADING, "Marks on the screen", "", "");
	for (i = 0; i < nitems(panel_help_marks); i++)
		panel_help_add(t, width, MARK_NONE, panel_help_marks[i][0], "",
		    panel_help_marks[i][1]);
	panel_help_add(t, width, MARK_HEADING, "Mouse", "", "");
	panel_help_add(t, width, MARK_NONE, "click", "", "A view's name "
	    "shows it; a column title sorts by it (again: the other way); "
	    "a row selects it; the selected row opens it, as Enter does.  "
	    "The wheel moves the selection; Shift selects text.");
	if (ctx->join != NULL) {
		panel_help_add(t, width, MARK_HEADING, "A second operator",
		    "", "");
		util_format(text, sizeof text, "From another terminal, %s "
		    "joins this demo as its second operator, to approve what "
		    "%s proposes.", ctx->join, ctx->operator != NULL ?
		    ctx->operator : "this console");
		panel_help_add(t, width, MARK_NONE, "join", "", text);
	}
	panel_help_add(t, width, MARK_HEADING, "Key config", "", "");
	util_format(text, sizeof text, "Lines \"bind KEY ACTION\" in %s "
	    "change these keys; \"bind KEY none\" unbinds one.", ctx->config);
	panel_help_add(t, width, MARK_NONE, "file", "", text);
	panel_show_table(p, win, y, h, w);
}
