/*
 * panel-fleet.c: the Fleet view, one row per node: what it is (role,
 * group, build, flags with the code each enables), whether it is heard
 * from, and where it differs from the rest of its role.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "rate.h"
#include "util.h"

enum {
	COL_NODE, COL_ROLE, COL_GROUP, COL_BUILD, COL_FLAGS, COL_STATE,
	COL_RATE, COL_AGE, COL_ALERTS, COL_LINK, COL_NCOLS
};

static void	panel_fleet_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static void	panel_fleet_node(struct table *t, const struct fleet *fleet,
		    const struct node *node, const struct derive_drift *drift,
		    int64_t now_ms);
static void	panel_fleet_link(struct table *t, const struct fleet_link *l,
		    int64_t now_ms);
static void	panel_fleet_rate(const struct fleet *fleet,
		    const struct node *node, struct table_row *row);
static void	panel_fleet_flags(const struct node *node,
		    const struct derive_drift *drift, struct table_row *row);

static const struct table_column panel_fleet_columns[COL_NCOLS] = {
	[COL_NODE] =	{ "NODE", 9, 24, 0, 0, 0 },
	[COL_ROLE] =	{ "ROLE", 7, 7, 5, 0, 0 },
	[COL_GROUP] =	{ "GROUP", 5, 12, 4, 0, 0 },
	[COL_BUILD] =	{ "BUILD", 10, 28, 0, 0, 0 },
	[COL_FLAGS] =	{ "FLAGS", 20, 0, 0, 0, 0 },
	[COL_STATE] =	{ "STATE", 6, 10, 0, 0, 0 },
	[COL_RATE] =	{ "RATE", 9, 12, 3, 1, 0 },
	[COL_AGE] =	{ "AGE", 5, 7, 2, 1, 0 },
	[COL_ALERTS] =	{ "ALERTS", 8, 10, 6, 0, 0 },
	[COL_LINK] =	{ "BACKEND", 20, 40, 7, 0, 0 },
};

const struct panel_ops panel_fleet_ops = {
	.name = "Fleet",
	.show = KEYS_VIEW_FLEET,
	.sortable = 1,
	.default_sort = COL_NODE,
	.draw = panel_fleet_draw,
	.key = NULL,
	.resize = panel_resize,
};

/*
 * Flags as "name=path" (on) or "name=(path)" (off: the code it would
 * wake), with "!" before the cell when a flag means other code here than
 * on most nodes of the role.
 */
static void
panel_fleet_flags(const struct node *node, const struct derive_drift *drift,
    struct table_row *row)
{
	const struct derive_drift	*d = drift;
	char				 text[TABLE_CELL_MAX] = "";
	size_t				 i;
	int				 drift_any = 0;

	for (i = 0; i < node->hello.nflags; i++) {
		const struct proto_flag	*f = &node->hello.flags[i];

		drift_any |= d->flag[i];
		util_format(text + strlen(text), sizeof text - strlen(text),
		    "%s%s=%s%s%s", i > 0 ? " " : "", f->name,
		    f->on ? "" : "(", f->path, f->on ? "" : ")");
	}
	if (node->hello.nflags == 0)
		util_copy(text, sizeof text, "-");
	table_set(row, COL_FLAGS, drift_any ? MARK_DRIFT : MARK_NONE, "%s%s",
	    drift_any ? "!" : "", text);
}

/*
 * The rate that says a node is alive and working: child orders a second
 * for a router, heartbeats a second for a station, marked as the rule
 * on that rate judges it.
 */
static void
panel_fleet_rate(const struct fleet *fleet, const struct node *node,
    struct table_row *row)
{
	const char	*rule, *unit;
	double		 rate;
	char		 buf[32];
	int		 sev;

	switch (fleet_node_role(node)) {
	case ROLE_ROUTER:
		rate = rate_per_sec(&node->child_rate);
		rule = "order-rate";
		unit = "ord/s";
		break;
	case ROLE_STATION:
		rate = rate_per_sec(&node->heartbeat_rate);
		rule = "heartbeat";
		unit = "hb/s";
		break;
	default:
		table_set(row, COL_RATE, MARK_DIM, "-");
		return;
	}
	if (rate < 0) {
		table_set(row, COL_RATE, MARK_DIM, "- %s", unit);
		return;
	}
	sev = derive_mark_severity(fleet, node, rule);
	table_set(row, COL_RATE, derive_severity_mark(sev), "%s%s %s",
	    sev >= SEV_WARNING ? "!" : "", draw_rate(rate, buf, sizeof buf),
	    unit);
	table_set_num(row, COL_RATE, rate);
}

/* One node's row. */
static void
panel_fleet_node(struct table *t, const struct fleet *fleet,
    const struct node *node, const struct derive_drift *drift,
    int64_t now_ms)
{
	struct table_row	*row;
	char			 buf[32];
	int			 sev;
	int64_t			 age;
	static const char	*states[] = { "live", "stale", "down" };

	row = table_add(t, node->id);
	util_copy(row->node, sizeof row->node, node->id);
	table_set(row, COL_NODE, MARK_NONE, "%s", node->id);
	table_set(row, COL_STATE, node->state == NODE_LIVE ? MARK_OK :
	    node->state == NODE_STALE ? MARK_WARN : MARK_CRIT, "%s",
	    states[node->state]);
	table_set_num(row, COL_STATE, node->state);
	age = node->last_heard_ms == 0 ? -1 : now_ms - node->last_heard_ms;
	table_set(row, COL_AGE, MARK_NONE, "%s", draw_age(age, buf,
	    sizeof buf));
	table_set_num(row, COL_AGE, (double)age);
	if (fleet->nlinks > node->link)
		table_set(row, COL_LINK, MARK_NONE, "%s",
		    fleet->links[node->link].url);
	panel_fleet_rate(fleet, node, row);
	sev = derive_mark_severity(fleet, node, NULL);
	table_set(row, COL_ALERTS, derive_severity_mark(sev), "%s",
	    sev == SEV_CRITICAL ? "critical" : sev == SEV_WARNING ?
	    "warning" : sev == SEV_INFO ? "info" : "-");
	table_set_num(row, COL_ALERTS, sev);
	if (!node->has_hello) {
		table_set(row, COL_BUILD, MARK_DIM, "(no hello yet)");
		return;
	}
	table_set(row, COL_ROLE, MARK_NONE, "%s",
	    proto_role_name(node->hello.role));
	table_set(row, COL_GROUP, MARK_NONE, "%s", node->hello.group);
	table_set(row, COL_BUILD, drift->build ? MARK_DRIFT : MARK_NONE,
	    "%s%s", drift->build ? "!" : "", node->hello.build);
	panel_fleet_flags(node, drift, row);
}

/*
 * A backend that has not said hello for any node yet still gets a row,
 * named by its address, so an unreachable one is seen, with the reason.
 */
static void
panel_fleet_link(struct table *t, const struct fleet_link *l, int64_t now_ms)
{
	struct table_row	*row;
	char			 buf[32];

	row = table_add(t, l->url);
	table_set(row, COL_NODE, MARK_NONE, "%s", l->url);
	table_set(row, COL_LINK, MARK_NONE, "%s", l->url);
	table_set(row, COL_STATE, l->state == LINK_DOWN ? MARK_CRIT :
	    MARK_WARN, "%s", l->state == LINK_DOWN ? "down" : "connecting");
	table_set_num(row, COL_STATE, l->state == LINK_DOWN ? NODE_DOWN :
	    NODE_STALE);
	table_set(row, COL_AGE, MARK_NONE, "%s", draw_age(l->since_ms == 0 ?
	    -1 : now_ms - l->since_ms, buf, sizeof buf));
	table_set(row, COL_FLAGS, MARK_DIM, "%s", l->error[0] != '\0' ?
	    l->error : "no node has said hello on this backend yet");
}

/* Fill the table from the model and draw it. */
static void
panel_fleet_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet	*fleet = ctx->fleet;
	struct derive_drift	*drift;
	size_t			 i, j;
	int			 has_node;

	table_reset(&p->table, panel_fleet_columns, COL_NCOLS);
	drift = xcalloc(fleet->nnodes + 1, sizeof *drift);
	derive_drifts(fleet, drift);
	for (i = 0; i < fleet->nnodes; i++)
		panel_fleet_node(&p->table, fleet, &fleet->nodes[i], &drift[i],
		    ctx->now_ms);
	free(drift);
	for (i = 0; i < fleet->nlinks; i++) {
		has_node = 0;
		for (j = 0; j < fleet->nnodes && !has_node; j++)
			has_node = fleet->nodes[j].link == i;
		if (!has_node)
			panel_fleet_link(&p->table, &fleet->links[i],
			    ctx->now_ms);
	}
	panel_show_table(p, win, y, h, w);
}
