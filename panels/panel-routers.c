/*
 * panel-routers.c: the Routers view: parent and child orders per second,
 * the worst child/parent share ratio of any open parent (above 1 is the
 * runaway: a router sending more shares than its parents asked for), and
 * each router's child-order history as a sparkline.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "util.h"

enum {
	COL_NODE, COL_PARENTS, COL_CHILDREN, COL_RATIO, COL_OPEN, COL_STATE,
	COL_HISTORY, COL_BASELINE, COL_WORST, COL_BUILD, COL_NCOLS
};

/* What a row is formatted from, for the frame being drawn. */
struct panel_routers_src {
	const struct fleet		*fleet;
	const struct derive_drift	*drift;		/* per node */
	int64_t				 now_ms;
};

static void	panel_routers_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static void	panel_routers_row(struct table_row *row, const void *arg);
static int	panel_routers_key(const struct table_row *row, int col,
		    const void *arg, struct table_key *out);
static int	panel_routers_shows(const struct node *node);

static const struct table_column panel_routers_columns[COL_NCOLS] = {
	[COL_NODE] =	 { "NODE", 9, 20, 0, 0, 0 },
	[COL_PARENTS] =	 { "PARENT/s", 8, 9, 0, 1, 0 },
	[COL_CHILDREN] = { "CHILD/s", 8, 9, 0, 1, 0 },
	[COL_RATIO] =	 { "SHARE RATIO", 11, 12, 0, 1, 0 },
	[COL_OPEN] =	 { "OPEN", 5, 7, 3, 1, 0 },
	[COL_STATE] =	 { "STATE", 7, 9, 0, 0, 0 },
	[COL_HISTORY] =	 { "HISTORY", 10, 0, 2, 0, 1 },
	[COL_BASELINE] = { "BASELINE", 8, 9, 5, 1, 0 },
	[COL_WORST] =	 { "WORST PARENT", 12, 16, 6, 0, 0 },
	[COL_BUILD] =	 { "BUILD", 10, 24, 7, 0, 0 },
};

const struct panel_ops panel_routers_ops = {
	.name = "Routers",
	.show = KEYS_VIEW_ROUTERS,
	.sortable = 1,
	.default_sort = COL_NODE,
	.draw = panel_routers_draw,
	.key = NULL,
	.resize = panel_resize,
};

/*
 * One router's sort key for col, from the numbers its row shows: the
 * rates as fleet_report_node() gives them (nothing once killed).
 */
static int
panel_routers_key(const struct table_row *row, int col, const void *arg,
    struct table_key *out)
{
	const struct node		*node = row->src;
	const struct proto_router_stats	*rs = &node->stats.router;

	(void)arg;
	switch (col) {
	case COL_NODE:
		return (table_key_text(out, row->id));
	case COL_PARENTS:
		return (table_key_num(out, fleet_node_killed(node) ? 0 :
		    rate_per_sec(&node->parent_rate)));
	case COL_CHILDREN:
		return (table_key_num(out, fleet_node_killed(node) ? 0 :
		    rate_per_sec(&node->child_rate)));
	case COL_BASELINE:
		return (table_key_num(out, node->child_rate_baseline));
	case COL_RATIO:
		return (table_key_num(out, rs->worst_ratio));
	case COL_OPEN:
		return (table_key_num(out, (double)rs->open_parents));
	case COL_STATE:
		return (table_key_num(out, node->state));
	case COL_HISTORY:	/* a sparkline: no text, all alike */
		return (table_key_text(out, ""));
	case COL_WORST:
		return (table_key_text(out, rs->worst_parent[0] != '\0' ?
		    rs->worst_parent : "-"));
	default:		/* BUILD: "!" marks a drift */
		return (-1);
	}
}

/* Is the node a router? */
static int
panel_routers_shows(const struct node *node)
{
	return (node->has_hello && node->hello.role == ROLE_ROUTER);
}

/* One router's row, when it is drawn or filtered. */
static void
panel_routers_row(struct table_row *row, const void *arg)
{
	const struct panel_routers_src	*src = arg;
	const struct fleet		*fleet = src->fleet;
	const struct node		*node = row->src;
	const struct derive_drift	*drift = &src->drift[node -
					    fleet->nodes];
	const struct proto_router_stats	*rs = &node->stats.router;
	struct proto_report_node	 rep;
	char				 buf[32];
	int				 sev;

	fleet_report_node(fleet, node, src->now_ms, &rep);
	row->series.v = node->child_hist;
	row->series.cap = FLEET_HISTORY;
	row->series.head = node->hist_head;
	row->series.n = node->hist_n;

	table_set(row, COL_NODE, MARK_NONE, "%s", node->id);
	table_set(row, COL_PARENTS, MARK_NONE, "%s",
	    draw_rate(rep.parent_rate, buf, sizeof buf));

	sev = derive_mark_severity(fleet, node, "order-rate");
	table_set(row, COL_CHILDREN, derive_severity_mark(sev), "%s%s",
	    sev >= SEV_WARNING ? "!" : "", draw_rate(rep.child_rate, buf,
	    sizeof buf));
	table_set(row, COL_BASELINE, MARK_NONE, "%s",
	    draw_rate(rep.child_rate_baseline, buf, sizeof buf));

	/* Child shares over parent shares: above 1 can only be a runaway. */
	sev = derive_alert_severity(fleet, "runaway", node->id);
	if (node->nstats == 0)
		table_set(row, COL_RATIO, MARK_DIM, "-");
	else if (fleet_node_killed(node))	/* history: it sends nothing */
		table_set(row, COL_RATIO, MARK_DIM, "%.2fx", rs->worst_ratio);
	else if (rs->worst_ratio > 1.0 || sev >= SEV_WARNING)
		table_set(row, COL_RATIO, MARK_CRIT, "!%.2fx",
		    rs->worst_ratio);
	else
		table_set(row, COL_RATIO, MARK_NONE, "%.2fx", rs->worst_ratio);
	table_set(row, COL_WORST, MARK_NONE, "%s", rs->worst_parent[0] !=
	    '\0' ? rs->worst_parent : "-");

	table_set(row, COL_OPEN, MARK_NONE, "%llu",
	    (unsigned long long)rs->open_parents);

	if (node->state != NODE_LIVE)
		table_set(row, COL_STATE, node->state == NODE_STALE ?
		    MARK_WARN : MARK_CRIT, "%s", rep.state);
	else
		table_set(row, COL_STATE, node->nstats == 0 ||
		    rs->state == STATE_RUNNING ? MARK_OK : MARK_WARN, "%s",
		    node->nstats > 0 ? proto_state_name(rs->state) : "live");

	table_set(row, COL_BUILD, drift->build ? MARK_DRIFT : MARK_NONE,
	    "%s%s", drift->build ? "!" : "", node->hello.build);
}

/* Fill the table from the model and draw it. */
static void
panel_routers_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet		*fleet = ctx->fleet;
	struct derive_drift		*drift;
	struct panel_routers_src	 src;

	table_reset(&p->table, panel_routers_columns, COL_NCOLS);
	drift = xcalloc(fleet->nnodes + 1, sizeof *drift);
	derive_drifts(fleet, drift);
	src = (struct panel_routers_src){ fleet, drift, ctx->now_ms };
	panel_node_rows(&p->table, fleet, &(struct table_source){
	    panel_routers_row, panel_routers_key, &src }, panel_routers_shows);
	panel_show_table(p, win, y, h, w);
	free(drift);
}
