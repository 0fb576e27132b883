/*
 * panel-stations.c: the Stations view: heartbeats per second, the
 * shortest device countdown, the certificate's time left, who holds the
 * root and whether this station still trusts it, and which stations have
 * blacklisted this one.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "derive.h"
#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "util.h"

enum {
	COL_NODE, COL_HEARTBEATS, COL_DEVICE, COL_CERT, COL_ROOT,
	COL_RENEWED, COL_BLACKLISTED_BY, COL_HISTORY, COL_DEVICES, COL_STATE,
	COL_NCOLS
};

static void	panel_stations_draw(struct panel *p, WINDOW *win, int y,
		    int h, int w, const struct panel_ctx *ctx);
struct panel_stations_pair;
struct panel_stations_src;

static void	panel_stations_row(struct table_row *row, const void *arg);
static int	panel_stations_key(const struct table_row *row, int col,
		    const void *arg, struct table_key *out);
static int	panel_stations_shows(const struct node *node);
static int	panel_stations_device_left(const struct node *node,
		    int64_t now_ms, int64_t *left);
static int	panel_stations_compare(const void *a, const void *b);
static struct panel_stations_pair *panel_stations_pairs(
		    const struct fleet *fleet, size_t *npairs);
static size_t	panel_stations_blacklisters(
		    const struct panel_stations_src *src,
		    const struct node *node, char *names, size_t len);
static const char *panel_stations_short(const char *id);

static const struct table_column panel_stations_columns[COL_NCOLS] = {
	[COL_NODE] =	   { "NODE", 9, 20, 0, 0, 0 },
	[COL_HEARTBEATS] = { "BEATS/s", 7, 9, 0, 1, 0 },
	[COL_DEVICE] =	   { "DEVICE CD", 9, 10, 0, 1, 0 },
	[COL_CERT] =	   { "CERT LEFT", 9, 10, 0, 1, 0 },
	[COL_ROOT] =	   { "ROOT HOLDER", 12, 20, 1, 0, 0 },
	[COL_RENEWED] =	   { "RENEWED", 9, 16, 2, 0, 0 },
	[COL_BLACKLISTED_BY] = { "BLACKLISTED BY", 12, 0, 0, 0, 0 },
	[COL_HISTORY] =	   { "HISTORY", 10, 40, 4, 0, 1 },
	[COL_DEVICES] =	   { "FAILED", 8, 14, 3, 1, 0 },
	[COL_STATE] =	   { "STATE", 5, 6, 5, 0, 0 },
};

const struct panel_ops panel_stations_ops = {
	.name = "Stations",
	.show = KEYS_VIEW_STATIONS,
	.sortable = 1,
	.default_sort = COL_NODE,
	.draw = panel_stations_draw,
	.key = NULL,
	.resize = panel_resize,
};

/* "station/north-3" as "north-3", for lists of many stations. */
static const char *
panel_stations_short(const char *id)
{
	const char	*slash = strchr(id, '/');

	return (slash != NULL && slash[1] != '\0' ? slash + 1 : id);
}

/* One station blacklisting another, from the first one's stats. */
struct panel_stations_pair {
	const char	*peer;		/* blacklisted */
	const char	*by;		/* the station that did */
	size_t		 order;		/* by's place in the fleet */
};

/* What a row is formatted from, for the frame being drawn. */
struct panel_stations_src {
	const struct fleet		*fleet;
	const struct panel_stations_pair *pairs;	/* by peer */
	size_t				 npairs;
	int64_t				 now_ms;
};

/* By peer, then in fleet order. */
static int
panel_stations_compare(const void *a, const void *b)
{
	const struct panel_stations_pair	*x = a, *y = b;
	int					 c;

	if ((c = strcmp(x->peer, y->peer)) != 0)
		return (c);
	return ((x->order > y->order) - (x->order < y->order));
}

/*
 * Who blacklisted whom, sorted by the one blacklisted, so each row finds
 * its own in log n: a country of stations all blacklisting the capital
 * must not cost n squared per frame.  Returns the pairs (free them).
 */
static struct panel_stations_pair *
panel_stations_pairs(const struct fleet *fleet, size_t *npairs)
{
	struct panel_stations_pair	*pairs = NULL;
	const struct node		*m;
	size_t				 i, j, n = 0, cap = 0;

	for (i = 0; i < fleet->nnodes; i++) {
		m = &fleet->nodes[i];
		if (m->nstats == 0 || m->stats.role != ROLE_STATION)
			continue;
		for (j = 0; j < m->stats.station.nblacklist; j++) {
			if (n == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				pairs = xreallocarray(pairs, cap,
				    sizeof *pairs);
			}
			pairs[n].peer = m->stats.station.blacklist[j].peer;
			pairs[n].by = m->id;
			pairs[n].order = i;
			n++;
		}
	}
	if (n > 1)
		qsort(pairs, n, sizeof *pairs, panel_stations_compare);
	*npairs = n;
	return (pairs);
}

/*
 * How many stations' blacklists name this one; their short names, one
 * space apart, in names of len bytes unless it is NULL.
 */
static size_t
panel_stations_blacklisters(const struct panel_stations_src *src,
    const struct node *node, char *names, size_t len)
{
	const struct panel_stations_pair *pairs = src->pairs;
	const char	*last = NULL;
	size_t		 npairs = src->npairs, lo = 0, hi = npairs, mid, n = 0;

	while (lo < hi) {		/* the first pair about this node */
		mid = lo + (hi - lo) / 2;
		if (strcmp(pairs[mid].peer, node->id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < npairs && strcmp(pairs[lo].peer, node->id) == 0; lo++) {
		if (pairs[lo].by == last || strcmp(pairs[lo].by, node->id) ==
		    0)
			continue;	/* said twice, or about itself */
		last = pairs[lo].by;
		if (names != NULL)
			util_format(names + strlen(names), len -
			    strlen(names), "%s%s", n == 0 ? "" : " ",
			    panel_stations_short(pairs[lo].by));
		n++;
	}
	return (n);
}

/*
 * The device countdown now: the gauge was read at the stats' clock, so
 * count on from there.  -1 when the station has not given one.
 */
static int
panel_stations_device_left(const struct node *node, int64_t now_ms,
    int64_t *left)
{
	const struct proto_station_stats *ss = &node->stats.station;

	if (node->nstats == 0 || ss->device_countdown_ms < 0)
		return (-1);
	*left = ss->device_countdown_ms - (fleet_node_clock(node, now_ms) -
	    node->stats.clock_ms);
	if (*left < 0)
		*left = 0;
	return (0);
}

/* One station's sort key for col, from the numbers its row shows. */
static int
panel_stations_key(const struct table_row *row, int col, const void *arg,
    struct table_key *out)
{
	const struct panel_stations_src	*src = arg;
	const struct node		*node = row->src;
	int64_t				 left;

	switch (col) {
	case COL_NODE:
		return (table_key_text(out, row->id));
	case COL_HEARTBEATS:
		return (table_key_num(out,
		    rate_per_sec(&node->heartbeat_rate)));
	case COL_DEVICE:
		if (panel_stations_device_left(node, src->now_ms, &left) == -1)
			return (table_key_text(out, "-"));
		return (table_key_num(out, (double)left));
	case COL_DEVICES:
		return (table_key_num(out,
		    (double)node->stats.station.devices_failed));
	case COL_CERT:
	case COL_RENEWED:
		if (!node->has_cert)
			return (table_key_text(out, "-"));
		return (table_key_num(out, col == COL_CERT ? (double)
		    fleet_cert_expires_in(node, src->now_ms) :
		    (double)node->cert.last_renewal_ms));
	case COL_BLACKLISTED_BY:
		return (table_key_num(out,
		    (double)panel_stations_blacklisters(src, node, NULL, 0)));
	case COL_HISTORY:	/* a sparkline: no text, all alike */
		return (table_key_text(out, ""));
	case COL_STATE:
		return (table_key_num(out, node->state));
	default:		/* ROOT: "!" marks a distrusted holder */
		return (-1);
	}
}

/* Is the node a station? */
static int
panel_stations_shows(const struct node *node)
{
	return (node->has_hello && node->hello.role == ROLE_STATION);
}

/* One station's row, when it is drawn or filtered. */
static void
panel_stations_row(struct table_row *row, const void *arg)
{
	const struct panel_stations_src	*src = arg;
	const struct fleet		*fleet = src->fleet;
	const struct node		*node = row->src;
	const struct proto_station_stats *ss = &node->stats.station;
	struct proto_report_node	 rep;
	char				 buf[32];
	char				 names[TABLE_CELL_MAX] = "";
	int64_t				 left;
	size_t				 i, n;
	int				 sev, distrusted = 0;

	fleet_report_node(fleet, node, src->now_ms, &rep);
	row->series.v = node->heartbeat_hist;
	row->series.cap = FLEET_HISTORY;
	row->series.head = node->hist_head;
	row->series.n = node->hist_n;

	table_set(row, COL_NODE, MARK_NONE, "%s", node->id);
	sev = derive_mark_severity(fleet, node, "heartbeat");
	table_set(row, COL_HEARTBEATS, derive_severity_mark(sev), "%s%s",
	    sev >= SEV_WARNING ? "!" : "", draw_rate(rep.heartbeat_rate, buf,
	    sizeof buf));

	if (panel_stations_device_left(node, src->now_ms, &left) == -1)
		table_set(row, COL_DEVICE, MARK_DIM, "-");
	else
		table_set(row, COL_DEVICE, left <= CHECK_COUNTDOWN_CRIT_MS ?
		    MARK_CRIT : left <= CHECK_COUNTDOWN_WARN_MS ? MARK_WARN :
		    MARK_NONE, "%s%s", left <= CHECK_COUNTDOWN_WARN_MS ? "!" :
		    "", draw_countdown(left, buf, sizeof buf));
	table_set(row, COL_DEVICES, ss->devices_failed > 0 ? MARK_CRIT :
	    MARK_NONE, "%llu/%llu", (unsigned long long)ss->devices_failed,
	    (unsigned long long)ss->devices);

	if (!node->has_cert) {
		table_set(row, COL_CERT, MARK_DIM, "-");
		table_set(row, COL_ROOT, MARK_DIM, "-");
		table_set(row, COL_RENEWED, MARK_DIM, "-");
	} else {
		if (node->cert.last_renewal_ms == 0)
			table_set(row, COL_RENEWED, MARK_DIM, "never");
		else
			table_set(row, COL_RENEWED, node->cert.last_renewal_ok ?
			    MARK_NONE : MARK_CRIT, "%s%s %s",
			    node->cert.last_renewal_ok ? "" : "!",
			    util_clock_text(node->cert.last_renewal_ms, buf,
			    sizeof buf), node->cert.last_renewal_ok ? "ok" :
			    "failed");
		left = fleet_cert_expires_in(node, src->now_ms);
		table_set(row, COL_CERT, left <= 0 ? MARK_CRIT :
		    left <= CHECK_CERT_WARN_MS ? MARK_WARN : MARK_NONE, "%s",
		    draw_countdown(left, buf, sizeof buf));
		for (i = 0; i < ss->nblacklist; i++)
			distrusted |= strcmp(ss->blacklist[i].peer,
			    node->cert.root_holder) == 0;
		if (node->cert.holds_root)
			table_set(row, COL_ROOT, MARK_INFO, "(this one)");
		else if (distrusted)
			table_set(row, COL_ROOT, MARK_CRIT, "!%s",
			    panel_stations_short(node->cert.root_holder));
		else
			table_set(row, COL_ROOT, MARK_NONE, "%s",
			    panel_stations_short(node->cert.root_holder));
	}
	/* The count first: it survives when the names are cut to fit. */
	if ((n = panel_stations_blacklisters(src, node, names,
	    sizeof names)) == 0)
		table_set(row, COL_BLACKLISTED_BY, MARK_NONE, "-");
	else
		table_set(row, COL_BLACKLISTED_BY, MARK_CRIT, "!%zu: %s", n,
		    names);
	table_set(row, COL_STATE, node->state == NODE_LIVE ? MARK_OK :
	    node->state == NODE_STALE ? MARK_WARN : MARK_CRIT, "%s",
	    rep.state);
}

/* Fill the table from the model and draw it. */
static void
panel_stations_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet		*fleet = ctx->fleet;
	struct panel_stations_pair	*pairs;
	struct panel_stations_src	 src;
	size_t				 npairs;

	table_reset(&p->table, panel_stations_columns, COL_NCOLS);
	pairs = panel_stations_pairs(fleet, &npairs);
	src = (struct panel_stations_src){ fleet, pairs, npairs,
	    ctx->now_ms };
	panel_node_rows(&p->table, fleet, &(struct table_source){
	    panel_stations_row, panel_stations_key, &src },
	    panel_stations_shows);
	if (h > 2) {
		panel_root_line(win, y, w, fleet);
		y++;
		h--;
	}
	panel_show_table(p, win, y, h, w);
	free(pairs);
}
