/*
 * panel-node.c: the Node detail view: every field of one node (identity,
 * build and flags, link, counters and rates, certificate, blacklist),
 * the alerts about it and its recent events, newest first.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "derive.h"
#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "util.h"

enum { COL_FIELD, COL_VALUE, COL_NCOLS };

#define PANEL_NODE_FIELD	20	/* width of the field names */

/* Where rows go while the view is filled. */
struct panel_node_fill {
	struct table	*t;
	int		 width;		/* of the value column */
	unsigned	 seq;		/* row ids */
	int64_t		 now_ms;	/* monotonic, and the wall clock, */
	int64_t		 wall_ms;	/* to put events on the node's */
};

static void	panel_node_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static void	panel_node_heading(struct panel_node_fill *f,
		    const char *title);
static void	panel_node_field(struct panel_node_fill *f,
		    enum table_mark mark, const char *field, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));
static void	panel_node_watching(struct panel_node_fill *f,
		    const struct fleet *fleet, size_t link);
static void	panel_node_identity(struct panel_node_fill *f,
		    const struct fleet *fleet, const struct node *node,
		    const struct proto_report_node *rep, int64_t now_ms);
static void	panel_node_router(struct panel_node_fill *f,
		    const struct node *node,
		    const struct proto_report_node *rep);
static void	panel_node_station(struct panel_node_fill *f,
		    const struct node *node,
		    const struct proto_report_node *rep, int64_t now_ms);
static void	panel_node_cert(struct panel_node_fill *f,
		    const struct node *node, int64_t now_ms);
static void	panel_node_history(struct panel_node_fill *f,
		    const struct fleet *fleet, const struct node *node);

static const struct table_column panel_node_columns[COL_NCOLS] = {
	[COL_FIELD] = { "FIELD", PANEL_NODE_FIELD, PANEL_NODE_FIELD, 0, 0, 0 },
	[COL_VALUE] = { "VALUE", 10, 0, 0, 0, 0 },
};

const struct panel_ops panel_node_ops = {
	.name = "Detail",
	.show = KEYS_OPEN_DETAIL,
	.sortable = 0,
	.default_sort = -1,
	.draw = panel_node_draw,
	.key = NULL,
	.resize = panel_resize,
};

/* A heading row. */
static void
panel_node_heading(struct panel_node_fill *f, const char *title)
{
	struct table_row	*row;
	char			 id[16];

	util_format(id, sizeof id, "%u", f->seq++);
	row = table_add(f->t, id);
	row->mark = MARK_HEADING;
	table_set(row, COL_FIELD, MARK_HEADING, "%s", title);
}

/* A field and its value, wrapped over as many rows as it needs. */
static void
panel_node_field(struct panel_node_fill *f, enum table_mark mark,
    const char *field, const char *fmt, ...)
{
	struct table_row	*row;
	char			 id[16], value[DRAW_WRAP_MAX];
	char			 lines[8][DRAW_LINE_MAX];
	va_list			 ap;
	size_t			 n, i;

	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	/* A cell holds fewer bytes than a wide terminal has columns. */
	n = draw_wrap_bytes(value, f->width, TABLE_CELL_MAX, lines,
	    nitems(lines));
	if (n == 0) {
		util_copy(lines[0], sizeof lines[0], "");
		n = 1;
	}
	for (i = 0; i < n; i++) {
		util_format(id, sizeof id, "%u", f->seq++);
		row = table_add(f->t, id);
		table_set(row, COL_FIELD, MARK_NONE, "%s", i == 0 ? field : "");
		table_set(row, COL_VALUE, mark, "%s", lines[i]);
	}
}

/*
 * Who watches the node, as its backend says: this console's operator,
 * if the backend named it, and the others ("also watching").
 */
static void
panel_node_watching(struct panel_node_fill *f, const struct fleet *fleet,
    size_t link)
{
	const struct proto_watching	*w = fleet->links[link].watching;
	char				 others[FLEET_ERROR_MAX];

	if (w == NULL)
		return;
	auth_others(fleet, link, others, sizeof others);
	panel_node_field(f, others[0] != '\0' ? MARK_INFO : MARK_NONE,
	    "watching", "%s%s%s%s%s; %d console%s in all", w->you[0] != '\0' ?
	    "you (" : "", w->you, w->you[0] != '\0' ? ")" : "you, unnamed",
	    others[0] != '\0' ? "; also watching: " : "", others,
	    w->consoles, w->consoles == 1 ? "" : "s");
}

/* Who the node is, its build and flags, and the link it came on. */
static void
panel_node_identity(struct panel_node_fill *f, const struct fleet *fleet,
    const struct node *node, const struct proto_report_node *rep,
    int64_t now_ms)
{
	const struct fleet_link	*l = NULL;
	const struct proto_flag	*fl;
	struct derive_drift	*all, d;
	char			 buf[32];
	size_t			 i;
	static const char	*links[] = { "connecting", "up", "down" };

	panel_node_heading(f, "Node");
	panel_node_field(f, MARK_NONE, "id", "%s", node->id);
	panel_node_field(f, node->state == NODE_LIVE ? MARK_OK :
	    node->state == NODE_STALE ? MARK_WARN : MARK_CRIT, "state", "%s",
	    rep->state);
	panel_node_field(f, MARK_NONE, "data age", "%s",
	    draw_age(rep->age_ms, buf, sizeof buf));
	if (node->link < fleet->nlinks)
		l = &fleet->links[node->link];
	if (l != NULL) {
		panel_node_field(f, MARK_NONE, "backend", "%s", l->url);
		panel_node_field(f, l->state == LINK_UP ? MARK_OK : MARK_CRIT,
		    "link", "%s, %llu frames, %llu refused",
		    links[l->state], (unsigned long long)l->frames,
		    (unsigned long long)l->bad_frames);
		panel_node_watching(f, fleet, node->link);
	}
	if (rep->error != NULL && rep->error[0] != '\0')
		panel_node_field(f, MARK_WARN, "last problem", "%s",
		    rep->error);
	if (!node->has_hello) {
		panel_node_field(f, MARK_DIM, "hello", "not received yet");
		return;
	}
	panel_node_field(f, MARK_NONE, "role", "%s",
	    proto_role_name(node->hello.role));
	panel_node_field(f, MARK_NONE, "group", "%s", node->hello.group);
	all = xcalloc(fleet->nnodes + 1, sizeof *all);
	derive_drifts(fleet, all);
	d = all[node - fleet->nodes];
	free(all);
	panel_node_field(f, d.build ? MARK_DRIFT : MARK_NONE, "build",
	    "%s%s%s", d.build ? "!" : "", node->hello.build, d.build ?
	    " (differs from most nodes of its role and group)" : "");
	util_clock_text(fleet_node_clock(node, now_ms), buf, sizeof buf);
	panel_node_field(f, MARK_NONE, "clock", "%s, %g seconds per second%s%s",
	    buf, node->hello.time_scale, node->hello.scenario[0] != '\0' ?
	    ", scenario " : "", node->hello.scenario);
	panel_node_field(f, MARK_NONE, "protocol", "version %d",
	    node->hello.version);
	panel_node_field(f, MARK_NONE, "counter resets", "%llu",
	    (unsigned long long)node->counter_resets);

	panel_node_heading(f, "Flags");
	if (node->hello.nflags == 0)
		panel_node_field(f, MARK_DIM, "(none)", "this build has no "
		    "flags");
	for (i = 0; i < node->hello.nflags; i++) {
		fl = &node->hello.flags[i];
		panel_node_field(f, d.flag[i] ? MARK_DRIFT : MARK_NONE,
		    fl->name, "%s%s, enables %s in this build%s", d.flag[i] ?
		    "!" : "", fl->on ? "on" : "off", fl->path, d.flag[i] ?
		    " (other nodes of its role run other code under this "
		    "flag)" : "");
	}
}

/* A router's counters and rates. */
static void
panel_node_router(struct panel_node_fill *f, const struct node *node,
    const struct proto_report_node *rep)
{
	const struct proto_router_stats	*rs = &node->stats.router;
	char				 a[32], b[32];
	int				 runaway;

	panel_node_heading(f, "Router");
	panel_node_field(f, MARK_NONE, "state", "%s",
	    proto_state_name(rs->state));
	panel_node_field(f, MARK_NONE, "parent orders/s", "%s",
	    draw_rate(rep->parent_rate, a, sizeof a));
	panel_node_field(f, MARK_NONE, "child orders/s", "%s (baseline %s)",
	    draw_rate(rep->child_rate, a, sizeof a),
	    draw_rate(rep->child_rate_baseline, b, sizeof b));
	panel_node_field(f, MARK_NONE, "child shares/s", "%s",
	    draw_rate(rep->child_share_rate, a, sizeof a));
	runaway = rs->worst_ratio > 1.0 && rs->state != STATE_KILLED;
	panel_node_field(f, runaway ? MARK_CRIT : MARK_NONE,
	    "worst share ratio", "%s%.2fx child/parent shares%s%s%s",
	    runaway ? "!" : "", rs->worst_ratio,
	    rs->worst_parent[0] != '\0' ? ", parent " : "", rs->worst_parent,
	    rs->state == STATE_KILLED ? " (before the kill)" : "");
	panel_node_field(f, MARK_NONE, "open parents", "%llu",
	    (unsigned long long)rs->open_parents);
	panel_node_field(f, MARK_NONE, "parents", "%llu accepted, %llu "
	    "refused, %llu shares", (unsigned long long)rs->parents_total,
	    (unsigned long long)rs->parents_refused_total,
	    (unsigned long long)rs->parent_shares_total);
	panel_node_field(f, MARK_NONE, "children", "%llu orders, %llu shares",
	    (unsigned long long)rs->child_orders_total,
	    (unsigned long long)rs->child_shares_total);
}

/* A station's counters, rates and blacklist. */
static void
panel_node_station(struct panel_node_fill *f, const struct node *node,
    const struct proto_report_node *rep, int64_t now_ms)
{
	const struct proto_station_stats *ss = &node->stats.station;
	const struct proto_blacklist	*bl;
	char				 a[32], b[32], since[16];
	int64_t				 left;
	size_t				 i;

	panel_node_heading(f, "Station");
	panel_node_field(f, MARK_NONE, "heartbeats/s", "%s (expected %s)",
	    draw_rate(rep->heartbeat_rate, a, sizeof a),
	    draw_rate(rep->heartbeat_rate_expected, b, sizeof b));
	panel_node_field(f, ss->devices_failed > 0 ? MARK_CRIT : MARK_NONE,
	    "devices", "%llu, %llu failed", (unsigned long long)ss->devices,
	    (unsigned long long)ss->devices_failed);
	if (ss->device_countdown_ms >= 0) {
		left = ss->device_countdown_ms - (fleet_node_clock(node,
		    now_ms) - node->stats.clock_ms);
		panel_node_field(f, MARK_NONE, "device countdown", "%s "
		    "shortest (a device fails after %s without a heartbeat, "
		    "sent every %s)", draw_countdown(left, a, sizeof a),
		    util_duration_text(ss->device_timeout_ms, b, sizeof b),
		    util_duration_text(ss->heartbeat_interval_ms, since,
		    sizeof since));
	}
	panel_node_field(f, ss->renewals_failed_total > 0 ? MARK_CRIT :
	    MARK_NONE, "renewals", "%llu ok, %llu failed",
	    (unsigned long long)ss->renewals_ok_total,
	    (unsigned long long)ss->renewals_failed_total);
	panel_node_field(f, MARK_NONE, "messages", "%llu signed, %llu peers' "
	    "refused", (unsigned long long)ss->messages_signed_total,
	    (unsigned long long)ss->messages_rejected_total);
	panel_node_heading(f, "Blacklist (peers this station refuses)");
	if (ss->nblacklist == 0)
		panel_node_field(f, MARK_DIM, "(none)", "trusts every peer");
	for (i = 0; i < ss->nblacklist; i++) {
		bl = &ss->blacklist[i];
		panel_node_field(f, MARK_CRIT, bl->peer, "since %s, found by "
		    "%s: %s", util_clock_text(bl->since_ms, since,
		    sizeof since), bl->reported_by, bl->evidence);
	}
}

/* A station's certificate and its last renewal. */
static void
panel_node_cert(struct panel_node_fill *f, const struct node *node,
    int64_t now_ms)
{
	const struct proto_cert	*c = &node->cert;
	char			 a[32], b[32];
	int64_t			 left;

	left = fleet_cert_expires_in(node, now_ms);
	panel_node_heading(f, "Certificate");
	panel_node_field(f, left <= 0 ? MARK_CRIT : MARK_NONE, "expires in",
	    "%s (not after %s)", draw_countdown(left, a, sizeof a),
	    util_clock_text(c->not_after_ms, b, sizeof b));
	panel_node_field(f, MARK_NONE, "not before", "%s",
	    util_clock_text(c->not_before_ms, a, sizeof a));
	panel_node_field(f, MARK_NONE, "subject", "%s", c->subject);
	panel_node_field(f, MARK_NONE, "serial", "%s", c->serial);
	panel_node_field(f, MARK_NONE, "issuer", "%s", c->issuer);
	panel_node_field(f, MARK_NONE, "root holder", "%s%s", c->root_holder,
	    c->holds_root ? " (this station)" : "");
	if (c->last_renewal_ms == 0)
		panel_node_field(f, MARK_DIM, "last renewal", "none yet");
	else if (c->last_renewal_ok)
		panel_node_field(f, MARK_OK, "last renewal", "%s, succeeded",
		    util_clock_text(c->last_renewal_ms, a, sizeof a));
	else
		panel_node_field(f, MARK_CRIT, "last renewal",
		    "!%s, failed: %s", util_clock_text(c->last_renewal_ms, a,
		    sizeof a), c->last_renewal_error);
}

/* Alerts naming the node, then its events, newest first. */
static void
panel_node_history(struct panel_node_fill *f, const struct fleet *fleet,
    const struct node *node)
{
	const struct alert	**sorted, *a;
	const struct fleet_event *e;
	char			 when[16];
	size_t			 i, j, n;
	unsigned		 k;
	int64_t			 t;
	int			 any = 0;

	/* Most severe first, as in the alert bar. */
	panel_node_heading(f, "Alerts about this node");
	sorted = xcalloc(fleet->alerts.n + 1, sizeof *sorted);
	n = alert_sorted(&fleet->alerts, sorted, fleet->alerts.n, 1);
	for (i = 0; i < n; i++) {
		a = sorted[i];
		for (j = 0; j < a->nnodes; j++) {
			if (strcmp(a->nodes[j], node->id) != 0)
				continue;
			panel_node_field(f, derive_severity_mark(a->severity),
			    draw_alert_name(a), "%s %s Do: %s", a->severity ==
			    SEV_CRITICAL ? "CRITICAL:" : a->severity ==
			    SEV_WARNING ? "WARNING:" : "INFO:", a->text,
			    a->action);
			any = 1;
			break;
		}
	}
	free(sorted);
	if (!any)
		panel_node_field(f, MARK_DIM, "(none)", "no alert names this "
		    "node");
	panel_node_heading(f, "Recent events (newest first)");
	if (node->events_n == 0)
		panel_node_field(f, MARK_DIM, "(none)", "nothing yet");
	for (k = node->events_n; k-- > 0;) {
		e = &node->events[(node->events_head + k) % FLEET_EVENTS];
		/* On the node's clock, as the header and alerts read. */
		if (derive_node_time(node, f->now_ms, f->wall_ms, e->wall_ms,
		    &t) != 0)
			t = e->wall_ms;
		panel_node_field(f, MARK_NONE, util_clock_text(t, when,
		    sizeof when), "%s", e->text);
	}
}

/* Fill the table for the node shown and draw it. */
static void
panel_node_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct node		*node;
	struct proto_report_node	 rep;
	struct panel_node_fill		 f;

	table_reset(&p->table, panel_node_columns, COL_NCOLS);
	f.t = &p->table;
	f.width = w - PANEL_NODE_FIELD - TABLE_GAP;
	f.seq = 0;
	f.now_ms = ctx->now_ms;
	f.wall_ms = ctx->wall_ms;
	if (f.width < 10)
		f.width = 10;
	if ((node = fleet_find_const(ctx->fleet, p->node)) == NULL) {
		panel_node_field(&f, MARK_WARN, "node", "%s is not in the "
		    "fleet (any more); press Escape to go back.", p->node);
		panel_show_table(p, win, y, h, w);
		return;
	}
	fleet_report_node(ctx->fleet, node, ctx->now_ms, &rep);
	panel_node_identity(&f, ctx->fleet, node, &rep, ctx->now_ms);
	if (node->nstats > 0 && node->stats.role == ROLE_ROUTER)
		panel_node_router(&f, node, &rep);
	if (node->nstats > 0 && node->stats.role == ROLE_STATION)
		panel_node_station(&f, node, &rep, ctx->now_ms);
	if (node->has_cert)
		panel_node_cert(&f, node, ctx->now_ms);
	panel_node_history(&f, ctx->fleet, node);
	panel_show_table(p, win, y, h, w);
}
