/*
 * panel-certs.c: the Certs view: every station's certificate, soonest
 * expiry first, counting down each second, with renewals that failed or
 * are overdue marked and their reason in words.
 */
#include <curses.h>
#include <string.h>

#include "check.h"
#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "util.h"

enum {
	COL_NODE, COL_EXPIRES, COL_STATUS, COL_REASON, COL_NOT_AFTER,
	COL_RENEWED, COL_ROOT, COL_SERIAL, COL_ISSUER, COL_NCOLS
};

static void	panel_certs_draw(struct panel *p, WINDOW *win, int y, int h,
		    int w, const struct panel_ctx *ctx);
static void	panel_certs_row(struct table_row *row, const void *arg);
static int	panel_certs_key(const struct table_row *row, int col,
		    const void *arg, struct table_key *out);
static int	panel_certs_shows(const struct node *node);
static int	panel_certs_status(const struct node *node, int64_t now_ms,
		    int64_t *left, int *failed, int *overdue);

static const struct table_column panel_certs_columns[COL_NCOLS] = {
	[COL_NODE] =	  { "NODE", 9, 20, 0, 0, 0 },
	[COL_EXPIRES] =	  { "EXPIRES IN", 10, 11, 0, 1, 0 },
	[COL_STATUS] =	  { "STATUS", 10, 26, 0, 0, 0 },
	[COL_REASON] =	  { "RENEWAL ERROR", 14, 0, 1, 0, 0 },
	[COL_NOT_AFTER] = { "NOT AFTER", 9, 9, 3, 0, 0 },
	[COL_RENEWED] =	  { "RENEWED", 8, 9, 4, 0, 0 },
	[COL_ROOT] =	  { "ROOT HOLDER", 11, 20, 5, 0, 0 },
	[COL_SERIAL] =	  { "SERIAL", 8, 18, 7, 0, 0 },
	[COL_ISSUER] =	  { "ISSUER", 8, 30, 6, 0, 0 },
};

const struct panel_ops panel_certs_ops = {
	.name = "Certs",
	.show = KEYS_VIEW_CERTS,
	.sortable = 1,
	.default_sort = COL_EXPIRES,	/* soonest expiry first */
	.draw = panel_certs_draw,
	.key = NULL,
	.resize = panel_resize,
};

/*
 * A certificate's time left, whether its last renewal failed and whether
 * one is overdue; returns its STATUS rank, worst first.  A renewal is
 * overdue once the certificate is older than the renewal period: the
 * hour's renewal should have replaced it, and what is left is the minute
 * of grace before it expires.  The station says its period in its cert
 * message; one that does not say is never called overdue.
 */
static int
panel_certs_status(const struct node *node, int64_t now_ms, int64_t *left,
    int *failed, int *overdue)
{
	const struct proto_cert	*c = &node->cert;

	*left = fleet_cert_expires_in(node, now_ms);
	*failed = c->last_renewal_ms != 0 && !c->last_renewal_ok;
	*overdue = c->renew_every_ms > 0 && fleet_node_clock(node, now_ms) -
	    c->not_before_ms > c->renew_every_ms;
	return (*left <= 0 ? 0 : *failed ? 1 : *overdue ? 2 : 3);
}

/* One certificate's sort key for col, from what its row shows. */
static int
panel_certs_key(const struct table_row *row, int col, const void *arg,
    struct table_key *out)
{
	const int64_t		*now_ms = arg;
	const struct node	*node = row->src;
	const struct proto_cert	*c = &node->cert;
	int64_t			 left;
	int			 failed, overdue, rank;

	rank = panel_certs_status(node, *now_ms, &left, &failed, &overdue);
	switch (col) {
	case COL_EXPIRES:
		return (table_key_num(out, (double)left));
	case COL_STATUS:
		return (table_key_num(out, rank));
	case COL_NOT_AFTER:
		return (table_key_num(out, (double)c->not_after_ms));
	case COL_RENEWED:
		return (table_key_num(out, (double)c->last_renewal_ms));
	case COL_NODE:
		return (table_key_text(out, row->id));
	case COL_REASON:
		return (table_key_text(out, failed ? c->last_renewal_error :
		    "-"));
	case COL_ROOT:
		return (table_key_text(out, c->holds_root ? "(this station)" :
		    c->root_holder));
	case COL_SERIAL:
		return (table_key_text(out, c->serial));
	default:
		return (table_key_text(out, c->issuer));
	}
}

/* Has the node a certificate? */
static int
panel_certs_shows(const struct node *node)
{
	return (node->has_cert);
}

/* One certificate's row, when it is drawn or filtered. */
static void
panel_certs_row(struct table_row *row, const void *arg)
{
	const int64_t		*now_ms = arg;
	const struct node	*node = row->src;
	const struct proto_cert	*c = &node->cert;
	char			 buf[32], when[16];
	int64_t			 left;
	int			 failed, overdue;

	panel_certs_status(node, *now_ms, &left, &failed, &overdue);

	table_set(row, COL_NODE, MARK_NONE, "%s", node->id);
	table_set(row, COL_EXPIRES, left <= 0 ? MARK_CRIT :
	    left <= CHECK_CERT_WARN_MS ? MARK_WARN : MARK_NONE, "%s",
	    draw_countdown(left, buf, sizeof buf));

	if (left <= 0)
		table_set(row, COL_STATUS, MARK_CRIT, "!expired");
	else if (failed)
		table_set(row, COL_STATUS, MARK_CRIT, "!renewal failed");
	else if (overdue)
		table_set(row, COL_STATUS, MARK_CRIT, "!renewal overdue");
	else if (left <= CHECK_CERT_WARN_MS)
		table_set(row, COL_STATUS, MARK_WARN, "expiring");
	else
		table_set(row, COL_STATUS, MARK_OK, "ok");

	table_set(row, COL_REASON, failed ? MARK_CRIT : MARK_NONE, "%s",
	    failed ? c->last_renewal_error : "-");
	table_set(row, COL_NOT_AFTER, MARK_NONE, "%s",
	    util_clock_text(c->not_after_ms, when, sizeof when));
	if (c->last_renewal_ms == 0)
		table_set(row, COL_RENEWED, MARK_DIM, "never");
	else
		table_set(row, COL_RENEWED, failed ? MARK_CRIT : MARK_NONE,
		    "%s", util_clock_text(c->last_renewal_ms, when,
		    sizeof when));
	table_set(row, COL_ROOT, MARK_NONE, "%s", c->holds_root ?
	    "(this station)" : c->root_holder);
	table_set(row, COL_SERIAL, MARK_NONE, "%s", c->serial);
	table_set(row, COL_ISSUER, MARK_NONE, "%s", c->issuer);
}

/* Fill the table from the model and draw it. */
static void
panel_certs_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet	*fleet = ctx->fleet;

	table_reset(&p->table, panel_certs_columns, COL_NCOLS);
	panel_node_rows(&p->table, fleet, &(struct table_source){
	    panel_certs_row, panel_certs_key, &ctx->now_ms },
	    panel_certs_shows);
	if (h > 2) {
		panel_root_line(win, y, w, fleet);
		y++;
		h--;
	}
	panel_show_table(p, win, y, h, w);
}
