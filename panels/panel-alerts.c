/*
 * panel-alerts.c: the Alerts view: every alert, standing ones first,
 * incident by incident as the alert bar ranks them (each cause, then
 * the alerts following from it, indented), then cleared ones; below the
 * table the selected alert in full: what happened, the likely cause,
 * what to do, and what it follows from or how many follow from it.
 * Acknowledging asks the core to hide an alert from the bar until it
 * changes; nothing is cleared or deleted.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "draw.h"
#include "fleet.h"
#include "incident.h"
#include "panel.h"
#include "util.h"

enum {
	COL_SEVERITY, COL_RULE, COL_NODES, COL_TEXT, COL_STATE, COL_COUNT,
	COL_FIRST, COL_LAST, COL_NCOLS
};

static void	panel_alerts_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static int	panel_alerts_key(struct panel *p, enum keys_action action,
		    const struct panel_ctx *ctx, struct tui_action *out,
		    char *msg, size_t msglen);
static void	panel_alerts_row(struct table *t, const struct alert *a,
		    const struct incident_place *place,
		    const struct panel_ctx *ctx);
static void	panel_alerts_when(const struct alert *a, int64_t when_ms,
		    const struct panel_ctx *ctx, char *buf, size_t len);
static void	panel_alerts_id(const struct alert *a, char *buf, size_t len);
static const struct alert *panel_alerts_find(const struct fleet *fleet,
		    const char *id);
static void	panel_alerts_pane(WINDOW *win, int y, int h, int w,
		    const struct alert *a, const struct incident_set *is);
static int	panel_alerts_incident(const struct incident_set *is,
		    const struct alert *a, char *buf, size_t len);

static const struct table_column panel_alerts_columns[COL_NCOLS] = {
	[COL_SEVERITY] = { "SEVERITY", 8, 8, 0, 0, 0 },
	[COL_RULE] =	 { "RULE", 8, 18, 0, 0, 0 },
	[COL_NODES] =	 { "NODES", 9, 22, 0, 0, 0 },
	[COL_TEXT] =	 { "WHAT HAPPENED", 24, 0, 0, 0, 0 },
	[COL_STATE] =	 { "STATE", 7, 7, 1, 0, 0 },
	[COL_COUNT] =	 { "COUNT", 5, 6, 3, 1, 0 },
	[COL_FIRST] =	 { "FIRST", 8, 8, 4, 0, 0 },
	[COL_LAST] =	 { "LAST", 8, 8, 2, 0, 0 },
};

const struct panel_ops panel_alerts_ops = {
	.name = "Alerts",
	.show = KEYS_VIEW_ALERTS,
	.sortable = 1,
	.default_sort = -1,		/* as the alert bar ranks them */
	.draw = panel_alerts_draw,
	.key = panel_alerts_key,
	.resize = panel_resize,
};

/* An alert's identity: rule, backend code and first node. */
static void
panel_alerts_id(const struct alert *a, char *buf, size_t len)
{
	util_format(buf, len, "%s|%s|%s", a->rule, a->code,
	    a->nnodes > 0 ? a->nodes[0] : "");
}

/* The alert a row stands for, if it still exists. */
static const struct alert *
panel_alerts_find(const struct fleet *fleet, const char *id)
{
	char	buf[TABLE_ID_MAX];
	size_t	i;

	for (i = 0; i < fleet->alerts.n; i++) {
		panel_alerts_id(&fleet->alerts.v[i], buf, sizeof buf);
		if (strcmp(buf, id) == 0)
			return (&fleet->alerts.v[i]);
	}
	return (NULL);
}

/*
 * When, as the header's clock reads: the alert's first node's clock (a
 * replay's hours), the first node with one for an alert about none, the
 * console's wall clock (UTC) when no node has said hello.
 */
static void
panel_alerts_when(const struct alert *a, int64_t when_ms,
    const struct panel_ctx *ctx, char *buf, size_t len)
{
	const struct fleet	*fleet = ctx->fleet;
	const struct node	*node = NULL;
	int64_t			 t;
	size_t			 i;

	if (a->nnodes > 0)
		node = fleet_find_const(fleet, a->nodes[0]);
	for (i = 0; derive_node_time(node, ctx->now_ms, ctx->wall_ms, when_ms,
	    &t) != 0; i++) {
		if (i >= fleet->nnodes) {
			util_clock_text(when_ms, buf, len);
			return;
		}
		node = &fleet->nodes[i];
	}
	util_clock_text(t, buf, len);
}

/* One alert's row; an effect (place says) has its rule indented. */
static void
panel_alerts_row(struct table *t, const struct alert *a,
    const struct incident_place *place, const struct panel_ctx *ctx)
{
	struct table_row	*row;
	char			 id[TABLE_ID_MAX], when[16];
	enum table_mark		 mark;

	panel_alerts_id(a, id, sizeof id);
	row = table_add(t, id);
	if (a->nnodes > 0)
		util_copy(row->node, sizeof row->node, a->nodes[0]);
	mark = derive_severity_mark(a->severity);
	if (!a->active || a->acknowledged)
		row->mark = MARK_DIM;
	table_set(row, COL_SEVERITY, a->active ? mark : MARK_DIM, "%s",
	    a->severity == SEV_CRITICAL ? "CRITICAL" :
	    a->severity == SEV_WARNING ? "WARNING" : "INFO");
	table_set_num(row, COL_SEVERITY, a->severity);
	table_set(row, COL_RULE, MARK_NONE, "%s%s", place != NULL &&
	    place->follows != NULL ? "  " : "", draw_alert_name(a));
	if (a->nodes_total > 1)
		table_set(row, COL_NODES, MARK_NONE, "%s +%zu",
		    a->nnodes > 0 ? a->nodes[0] : "", a->nodes_total - 1);
	else
		table_set(row, COL_NODES, MARK_NONE, "%s", a->nnodes > 0 ?
		    a->nodes[0] : "-");
	table_set(row, COL_TEXT, MARK_NONE, "%s", a->text);
	table_set(row, COL_STATE, MARK_NONE, "%s", !a->active ? "cleared" :
	    a->acknowledged ? "acked" : "new");
	table_set(row, COL_COUNT, MARK_NONE, "%llu",
	    (unsigned long long)a->count);
	table_set_num(row, COL_COUNT, (double)a->count);
	panel_alerts_when(a, a->first_seen_ms, ctx, when, sizeof when);
	table_set(row, COL_FIRST, MARK_NONE, "%s", when);
	table_set_num(row, COL_FIRST, (double)a->first_seen_ms);
	panel_alerts_when(a, a->last_seen_ms, ctx, when, sizeof when);
	table_set(row, COL_LAST, MARK_NONE, "%s", when);
	table_set_num(row, COL_LAST, (double)a->last_seen_ms);
}

/*
 * What alert a's incident in is says of it, into buf: the alert it
 * follows from, or the alerts following from it.  Returns 0, or -1
 * when it says nothing (a cleared alert, a cause standing alone).
 */
static int
panel_alerts_incident(const struct incident_set *is, const struct alert *a,
    char *buf, size_t len)
{
	const struct incident_place	*pl = NULL;
	size_t				 i;

	for (i = 0; i < is->nplaces && pl == NULL; i++) {
		if (is->places[i].alert == a)
			pl = &is->places[i];
	}
	if (pl == NULL)
		return (-1);
	if (pl->follows != NULL)
		util_format(buf, len, "Follows from %s on %s%s; the "
		    "incident's cause is %s.", draw_alert_name(pl->follows),
		    pl->follows->nnodes > 0 ? pl->follows->nodes[0] : "the "
		    "fleet", pl->follows->nodes_total > 1 ? " and others" : "",
		    draw_alert_name(is->v[pl->incident].v[0].alert));
	else if (pl->effects > 0)
		util_format(buf, len, "The cause of an incident: %zu alert%s "
		    "follow%s from it.", pl->effects, pl->effects == 1 ? "" :
		    "s", pl->effects == 1 ? "s" : "");
	else
		return (-1);
	return (0);
}

/* The selected alert in full, wrapped to the pane. */
static void
panel_alerts_pane(WINDOW *win, int y, int h, int w, const struct alert *a,
    const struct incident_set *is)
{
	char		 lines[24][DRAW_LINE_MAX], text[DRAW_LINE_MAX * 2];
	char		 incident[DRAW_LINE_MAX];
	const char	*labels[4] = { "What:  ", "Group: ", "Cause: ",
			    "Do:    " };
	const char	*texts[4];
	size_t		 n, i, j;
	int		 row = y;

	draw_rule(win, y, 0, w);
	for (row = y + 1; row < y + h; row++)
		draw_text(win, row, 0, w, "", 0, A_NORMAL);
	if (a == NULL)
		return;
	texts[0] = a->text;
	texts[1] = panel_alerts_incident(is, a, incident, sizeof incident) ==
	    0 ? incident : NULL;
	texts[2] = a->cause[0] != '\0' ? a->cause : "(not known)";
	texts[3] = a->action[0] != '\0' ? a->action : "(none given)";
	row = y + 1;
	for (i = 0; i < nitems(texts) && row < y + h; i++) {
		if (texts[i] == NULL)
			continue;
		n = draw_wrap(texts[i], w - 8, lines, nitems(lines));
		for (j = 0; j < n && row < y + h; j++, row++) {
			draw_text(win, row, 0, 7, j == 0 ? labels[i] : "", 0,
			    draw_style_attr(DRAW_TITLE));
			draw_text(win, row, 7, w - 7, lines[j], 0, A_NORMAL);
		}
	}
	if (row < y + h && a->nodes_total > 1) {
		util_copy(text, sizeof text, "Nodes: ");
		for (i = 0; i < a->nnodes; i++)
			util_format(text + strlen(text), sizeof text -
			    strlen(text), "%s%s", i > 0 ? ", " : "",
			    a->nodes[i]);
		if (a->nodes_total > a->nnodes)
			util_format(text + strlen(text), sizeof text -
			    strlen(text), " and %zu more",
			    a->nodes_total - a->nnodes);
		draw_text(win, row, 0, w, text, 0, A_NORMAL);
	}
}

/*
 * The table takes what the pane leaves: the pane gets up to a third of
 * the view (at most 10 rows) so a selected alert reads whole at 80x24.
 */
static void
panel_alerts_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet	*fleet = ctx->fleet;
	struct incident_set	 is;
	const struct table_row	*row;
	size_t			 i;
	int			 pane;

	table_reset(&p->table, panel_alerts_columns, COL_NCOLS);
	incident_group(&fleet->alerts, 1, &is);
	for (i = 0; i < is.nplaces; i++)
		panel_alerts_row(&p->table, is.places[i].alert, &is.places[i],
		    ctx);
	for (i = fleet->alerts.n; i-- > 0;) {
		if (!fleet->alerts.v[i].active)
			panel_alerts_row(&p->table, &fleet->alerts.v[i], NULL,
			    ctx);
	}
	pane = h >= 14 ? h / 3 : h >= 9 ? 4 : 0;
	if (pane > 10)
		pane = 10;
	panel_show_table(p, win, y, h - pane, w);
	if (pane > 0) {
		row = panel_selected_row(p);
		panel_alerts_pane(win, y + h - pane, pane, w, row == NULL ?
		    NULL : panel_alerts_find(fleet, row->id), &is);
	}
	incident_free(&is);
}

/* Acknowledge: the one thing this view asks of the core. */
static int
panel_alerts_key(struct panel *p, enum keys_action action,
    const struct panel_ctx *ctx, struct tui_action *out, char *msg,
    size_t msglen)
{
	const struct table_row	*row;
	const struct alert	*a;

	if (action != KEYS_ACK_ALERT)
		return (0);
	if ((row = panel_selected_row(p)) == NULL ||
	    (a = panel_alerts_find(ctx->fleet, row->id)) == NULL) {
		util_copy(msg, msglen, "No alert is selected; move to one "
		    "with the arrow keys first.");
		return (1);
	}
	if (!a->active) {
		util_format(msg, msglen, "The %s alert has already cleared; "
		    "there is nothing to acknowledge.", a->rule);
		return (1);
	}
	if (a->acknowledged) {
		util_format(msg, msglen, "The %s alert is already "
		    "acknowledged; it returns to the bar if it changes or "
		    "grows worse.", a->rule);
		return (1);
	}
	memset(out, 0, sizeof *out);
	out->type = TUI_ACK_ALERT;
	/* The core names a backend's warning by its code (tui.h). */
	util_copy(out->rule, sizeof out->rule, a->code[0] != '\0' ? a->code :
	    a->rule);
	util_copy(out->node, sizeof out->node, a->nnodes > 0 ? a->nodes[0] :
	    "");
	util_format(msg, msglen, "Acknowledged %s on %s: hidden from the "
	    "alert bar until it changes or grows worse.", a->rule, out->node);
	return (1);
}
