/*
 * panel-fleet.c: the Fleet view, one row per node: what it is (role,
 * group, build, flags with the code each enables), whether it is heard
 * from, and where it differs from the rest of its role.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
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

/* The rate that says a node works, and how it is named. */
struct panel_fleet_rate {
	double		 rate;
	const char	*rule;		/* the alert rule judging it */
	const char	*unknown;	/* the cell while it is unknown */
	const char	*unit;
};

/* What a row is formatted from, for the frame being drawn. */
struct panel_fleet_src {
	const struct fleet		*fleet;
	const struct derive_drift	*drift;		/* per node */
	int64_t				 now_ms;
};

static void	panel_fleet_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static void	panel_fleet_row(struct table_row *row, const void *arg);
static int	panel_fleet_key(const struct table_row *row, int col,
		    const void *arg, struct table_key *out);
static void	panel_fleet_node(struct table_row *row,
		    const struct panel_fleet_src *src);
static void	panel_fleet_link(struct table_row *row,
		    const struct fleet_link *l, int64_t now_ms);
static int	panel_fleet_rate_of(const struct node *node,
		    struct panel_fleet_rate *r);
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
 * for a router, heartbeats a second for a station (negative while
 * unknown).  -1 for a node of no known role.
 */
static int
panel_fleet_rate_of(const struct node *node, struct panel_fleet_rate *r)
{
	switch (fleet_node_role(node)) {
	case ROLE_ROUTER:
		*r = (struct panel_fleet_rate){ rate_per_sec(&node->child_rate),
		    "order-rate", "- ord/s", "ord/s" };
		return (0);
	case ROLE_STATION:
		*r = (struct panel_fleet_rate){
		    rate_per_sec(&node->heartbeat_rate), "heartbeat", "- hb/s",
		    "hb/s" };
		return (0);
	default:
		return (-1);
	}
}

/* The node's rate cell, marked as the rule on that rate judges it. */
static void
panel_fleet_rate(const struct fleet *fleet, const struct node *node,
    struct table_row *row)
{
	struct panel_fleet_rate	r;
	char			buf[32];
	int			sev;

	if (panel_fleet_rate_of(node, &r) == -1) {
		table_set(row, COL_RATE, MARK_DIM, "-");
		return;
	}
	if (r.rate < 0) {
		table_set(row, COL_RATE, MARK_DIM, "%s", r.unknown);
		return;
	}
	sev = derive_mark_severity(fleet, node, r.rule);
	table_set(row, COL_RATE, derive_severity_mark(sev), "%s%s %s",
	    sev >= SEV_WARNING ? "!" : "", draw_rate(r.rate, buf, sizeof buf),
	    r.unit);
}

/*
 * A row's sort key for col, from what it shows: a node's, or (a row
 * with no node) a backend's, whose age and flags take their text.
 */
static int
panel_fleet_key(const struct table_row *row, int col, const void *arg,
    struct table_key *out)
{
	const struct panel_fleet_src	*src = arg;
	const struct node		*node = row->src;
	const struct fleet_link		*l = row->src;
	struct panel_fleet_rate		 r;

	if (row->node[0] == '\0') {		/* a backend */
		if (col == COL_STATE)
			return (table_key_num(out, l->state == LINK_DOWN ?
			    NODE_DOWN : NODE_STALE));
		if (col == COL_NODE || col == COL_LINK)
			return (table_key_text(out, l->url));
		return (col == COL_AGE || col == COL_FLAGS ? -1 :
		    table_key_text(out, ""));
	}
	switch (col) {
	case COL_STATE:
		return (table_key_num(out, node->state));
	case COL_AGE:
		return (table_key_num(out, node->last_heard_ms == 0 ? -1 :
		    (double)(src->now_ms - node->last_heard_ms)));
	case COL_ALERTS:
		return (table_key_num(out, derive_mark_severity(src->fleet,
		    node, NULL)));
	case COL_RATE:
		if (panel_fleet_rate_of(node, &r) == -1)
			return (table_key_text(out, "-"));
		if (r.rate < 0)
			return (table_key_text(out, r.unknown));
		return (table_key_num(out, r.rate));
	case COL_NODE:
		return (table_key_text(out, row->id));
	case COL_LINK:
		return (table_key_text(out, src->fleet->nlinks > node->link ?
		    src->fleet->links[node->link].url : ""));
	case COL_ROLE:
		return (table_key_text(out, node->has_hello ?
		    proto_role_name(node->hello.role) : ""));
	case COL_GROUP:
		return (table_key_text(out, node->has_hello ?
		    node->hello.group : ""));
	default:	/* BUILD and FLAGS: "!" marks a drift */
		return (-1);
	}
}

/* A node's row or a backend's, when it is drawn or filtered. */
static void
panel_fleet_row(struct table_row *row, const void *arg)
{
	const struct panel_fleet_src	*src = arg;

	if (row->node[0] == '\0')
		panel_fleet_link(row, row->src, src->now_ms);
	else
		panel_fleet_node(row, src);
}

/* One node's row. */
static void
panel_fleet_node(struct table_row *row, const struct panel_fleet_src *src)
{
	const struct fleet	*fleet = src->fleet;
	const struct node	*node = row->src;
	const struct derive_drift *drift = &src->drift[node - fleet->nodes];
	char			 buf[32];
	int			 sev;
	int64_t			 age;
	static const char	*states[] = { "live", "stale", "down" };

	table_set(row, COL_NODE, MARK_NONE, "%s", node->id);
	table_set(row, COL_STATE, node->state == NODE_LIVE ? MARK_OK :
	    node->state == NODE_STALE ? MARK_WARN : MARK_CRIT, "%s",
	    states[node->state]);
	age = node->last_heard_ms == 0 ? -1 : src->now_ms -
	    node->last_heard_ms;
	table_set(row, COL_AGE, MARK_NONE, "%s", draw_age(age, buf,
	    sizeof buf));
	if (fleet->nlinks > node->link)
		table_set(row, COL_LINK, MARK_NONE, "%s",
		    fleet->links[node->link].url);
	panel_fleet_rate(fleet, node, row);
	sev = derive_mark_severity(fleet, node, NULL);
	table_set(row, COL_ALERTS, derive_severity_mark(sev), "%s",
	    sev == SEV_CRITICAL ? "critical" : sev == SEV_WARNING ?
	    "warning" : sev == SEV_INFO ? "info" : "-");
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
	/*
	 * Its backend sends this console nothing but hellos (no key, or
	 * the key refused): a hello on reconnecting makes the node live,
	 * but the operator sees none of it, and must see why.
	 */
	if (node->link < fleet->nlinks && auth_settled(fleet, node->link) < 0) {
		table_set(row, COL_STATE, MARK_CRIT, "refused");
		table_set(row, COL_FLAGS, MARK_WARN, "%s",
		    fleet->links[node->link].error);
	}
}

/*
 * A backend that has not said hello for any node yet still gets a row,
 * named by its address, so an unreachable one is seen, with the reason,
 * and one connected but silent is seen silent, for as long as it has
 * been since it first connected with no node (as its node-down alert
 * counts).
 */
static void
panel_fleet_link(struct table_row *row, const struct fleet_link *l,
    int64_t now_ms)
{
	char	buf[32];

	table_set(row, COL_NODE, MARK_NONE, "%s", l->url);
	table_set(row, COL_LINK, MARK_NONE, "%s", l->url);
	if (l->state == LINK_UP) {
		draw_age(now_ms - (l->unheard_ms != 0 ? l->unheard_ms :
		    l->since_ms), buf, sizeof buf);
		table_set(row, COL_STATE, MARK_WARN, "silent");
		table_set(row, COL_AGE, MARK_NONE, "%s", buf);
		table_set(row, COL_FLAGS, MARK_WARN, "connected, silent %s: "
		    "no node has said hello on this backend yet", buf);
		return;
	}
	table_set(row, COL_STATE, l->state == LINK_DOWN ? MARK_CRIT :
	    MARK_WARN, "%s", l->state == LINK_DOWN ? "down" : "connecting");
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
	struct panel_fleet_src	 src;
	char			*has_node;
	size_t			 i;

	table_reset(&p->table, panel_fleet_columns, COL_NCOLS);
	drift = xcalloc(fleet->nnodes + 1, sizeof *drift);
	derive_drifts(fleet, drift);
	src = (struct panel_fleet_src){ fleet, drift, ctx->now_ms };
	panel_node_rows(&p->table, fleet, &(struct table_source){
	    panel_fleet_row, panel_fleet_key, &src }, NULL);
	/* Which backends have a node: one pass, not links x nodes. */
	has_node = xcalloc(fleet->nlinks + 1, 1);
	for (i = 0; i < fleet->nnodes; i++) {
		if (fleet->nodes[i].link < fleet->nlinks)
			has_node[fleet->nodes[i].link] = 1;
	}
	for (i = 0; i < fleet->nlinks; i++) {
		if (!has_node[i])
			table_add(&p->table, fleet->links[i].url)->src =
			    &fleet->links[i];
	}
	free(has_node);
	panel_show_table(p, win, y, h, w);
	free(drift);
}
