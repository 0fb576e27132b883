/*
 * headless.c: vigil status, watch and alerts.
 *
 * The commands share the model and the loop with the curses console:
 * they only decide when to stop and how to print.  JSON comes from the
 * proto_report_*() functions, so this file never sees jansson, and the
 * human output is plain text that reads well in a terminal and a mail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "fleet.h"
#include "headless.h"
#include "loop.h"
#include "proto.h"
#include "util.h"

struct headless {
	struct loop			*loop;
	struct fleet			*fleet;
	const struct headless_options	*options;
	int64_t				 start_ms;	/* monotonic */
	int64_t				 deadline_ms;	/* monotonic; 0 none */
	int				 out_errno;	/* stdout failed */
};

/* The columns of the status table. */
enum headless_col {
	COL_NODE, COL_ROLE, COL_GROUP, COL_BUILD, COL_FLAGS, COL_STATE,
	COL_AGE, COL_DETAIL, COL_MAX
};
static const char *const headless_col_names[COL_MAX] = {
	"NODE", "ROLE", "GROUP", "BUILD", "FLAGS", "STATE", "AGE", "DETAIL"
};
#define HEADLESS_CELL	256

struct headless_row {
	char	cell[COL_MAX][HEADLESS_CELL];
};

static void	 headless_wait_tick(void *, struct loop *, int64_t, int64_t);
static void	 headless_watch_tick(void *, struct loop *, int64_t,
		    int64_t);
static void	 headless_notify(void *, struct fleet *, enum fleet_change,
		    const struct node *, const struct alert *,
		    enum alert_change);
static int	 headless_snapshot(struct headless *);
static size_t	 headless_unreached(struct headless *, int);
static int	 headless_link_has_node(const struct fleet *, size_t);
static void	 headless_pseudo_node(const struct fleet *, size_t,
		    struct proto_report_node *);
static size_t	 headless_nodes(struct headless *, int64_t,
		    struct proto_report_node **);
static size_t	 headless_alerts(struct headless *,
		    struct proto_report_alert **, const char ***);
static void	 headless_print_status(struct headless *, int64_t);
static void	 headless_print_alerts(const struct proto_report_alert *,
		    size_t);
static void	 headless_print_alert(const struct proto_report_alert *,
		    const char *, int);
static void	 headless_row(const struct proto_report_node *,
		    struct headless_row *);
static void	 headless_age(int64_t, char *, size_t);
static void	 headless_rate(double, char *, size_t);
static void	 headless_nodes_text(const struct proto_report_alert *,
		    char *, size_t);
static const char *headless_severity(enum proto_severity);
static const char *headless_change(enum alert_change);
static char	*headless_local_time(int64_t, char *, size_t);
static void	 headless_flush(struct headless *);
static void	 headless_wait_text(int64_t, char *, size_t);

/* Run one command. */
int
headless_run(struct loop *loop, struct fleet *fleet,
    const struct headless_options *options)
{
	struct headless	 h;
	enum loop_end	 end;
	char		*cause = NULL;

	memset(&h, 0, sizeof h);
	h.loop = loop;
	h.fleet = fleet;
	h.options = options;
	h.start_ms = util_mono_ms();

	if (options->command == HEADLESS_WATCH) {
		if (options->for_ms > 0)
			h.deadline_ms = util_mono_ms() + options->for_ms;
		fleet->notify = headless_notify;
		fleet->notify_arg = &h;
		loop_set_tick(loop, headless_watch_tick, &h);
	} else {
		h.deadline_ms = util_mono_ms() + options->wait_ms;
		loop_set_tick(loop, headless_wait_tick, &h);
	}

	end = loop_run(loop, &cause);
	loop_set_tick(loop, NULL, NULL);
	fleet->notify = NULL;
	fleet->notify_arg = NULL;
	if (end == LOOP_FAILED) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_FAILED);
	}

	if (options->command == HEADLESS_WATCH) {
		if (h.out_errno != 0 && h.out_errno != EPIPE) {
			fprintf(stderr, "vigil: cannot write the watch output: "
			    "%s; check the disk or pipe it is going to\n",
			    strerror(h.out_errno));
			return (HEADLESS_EXIT_FAILED);
		}
		return (HEADLESS_EXIT_OK);
	}
	return (headless_snapshot(&h));
}

/* status and alerts: stop once the fleet is ready or the wait is over. */
static void
headless_wait_tick(void *arg, struct loop *loop, int64_t now_ms,
    int64_t wall_ms)
{
	struct headless	*h = arg;

	(void)wall_ms;
	if (fleet_ready(h->fleet) || now_ms >= h->deadline_ms)
		loop_stop(loop);
}

/* watch: stop when --for has passed or the output has gone. */
static void
headless_watch_tick(void *arg, struct loop *loop, int64_t now_ms,
    int64_t wall_ms)
{
	struct headless	*h = arg;

	(void)wall_ms;
	if ((h->deadline_ms != 0 && now_ms >= h->deadline_ms) ||
	    h->out_errno != 0)
		loop_stop(loop);
}

/* watch: print one change, as a line of JSON or for a person. */
static void
headless_notify(void *arg, struct fleet *fleet, enum fleet_change what,
    const struct node *node, const struct alert *alert,
    enum alert_change change)
{
	struct headless			*h = arg;
	struct proto_report_node	 rn;
	struct proto_report_alert	 ra;
	const char			*nodes[ALERT_MAX_NODES];
	int64_t				 now_ms = util_mono_ms();
	int64_t				 wall_ms = util_wall_ms();
	char				*line, when[16], flags[HEADLESS_CELL];
	size_t				 i;

	if (h->out_errno != 0)
		return;
	if (what == FLEET_NODE_CHANGED && node != NULL) {
		fleet_report_node(fleet, node, now_ms, &rn);
		if (h->options->json) {
			line = proto_report_node_event(wall_ms, &rn);
			printf("%s\n", line);
			free(line);
		} else if (strcmp(rn.state, "live") == 0 && rn.hello != NULL) {
			flags[0] = '\0';
			for (i = 0; i < rn.hello->nflags; i++) {
				if (!rn.hello->flags[i].on)
					continue;
				util_format(flags + strlen(flags),
				    sizeof flags - strlen(flags), ", %s=%s",
				    rn.hello->flags[i].name,
				    rn.hello->flags[i].path);
			}
			printf("%s %s live: build %s%s\n",
			    headless_local_time(wall_ms, when, sizeof when),
			    rn.id, rn.hello->build, flags);
		} else {
			printf("%s %s %s%s%s\n",
			    headless_local_time(wall_ms, when, sizeof when),
			    rn.id, rn.state, rn.error != NULL ? ": " : "",
			    rn.error != NULL ? rn.error : "");
		}
	} else if (what == FLEET_ALERT_CHANGED && alert != NULL &&
	    change != ALERT_UNCHANGED && change != ALERT_REFRESHED) {
		fleet_report_alert(alert, nodes, &ra);
		if (h->options->json) {
			line = proto_report_alert_event(wall_ms,
			    headless_change(change), &ra);
			printf("%s\n", line);
			free(line);
		} else {
			headless_local_time(wall_ms, when, sizeof when);
			printf("%s %s ", when, headless_change(change));
			headless_print_alert(&ra, "", change == ALERT_RAISED);
		}
	}
	headless_flush(h);
}

/*
 * status and alerts: run the checks once more, print, and decide the
 * exit status.  A missing backend or node (3) outranks a critical alert
 * (1): an incomplete picture must not pass for a complete one.
 */
static int
headless_snapshot(struct headless *h)
{
	int64_t				 now_ms = util_mono_ms();
	struct proto_report_node	*nodes = NULL;
	struct proto_report_alert	*alerts = NULL;
	const char			**nodes_buf = NULL;
	size_t				 nnodes, nalerts, unreached;
	char				*doc;

	fleet_tick(h->fleet, now_ms, util_wall_ms());
	unreached = headless_unreached(h, 1);

	if (h->options->json) {
		nnodes = headless_nodes(h, now_ms, &nodes);
		nalerts = headless_alerts(h, &alerts, &nodes_buf);
		if (h->options->command == HEADLESS_STATUS)
			doc = proto_report_status(h->fleet->name, nodes,
			    nnodes, alerts, nalerts);
		else
			doc = proto_report_alerts(alerts, nalerts);
		printf("%s\n", doc);
		free(doc);
		free(nodes);
		free(alerts);
		free(nodes_buf);
	} else if (h->options->command == HEADLESS_STATUS)
		headless_print_status(h, now_ms);
	else {
		nalerts = headless_alerts(h, &alerts, &nodes_buf);
		headless_print_alerts(alerts, nalerts);
		free(alerts);
		free(nodes_buf);
	}

	headless_flush(h);
	if (h->out_errno != 0) {
		if (h->out_errno != EPIPE)
			fprintf(stderr, "vigil: cannot write the output: %s; "
			    "check the disk or pipe it is going to\n",
			    strerror(h->out_errno));
		return (HEADLESS_EXIT_FAILED);
	}
	if (unreached > 0)
		return (HEADLESS_EXIT_UNREACHED);
	if (alert_count(&h->fleet->alerts, SEV_CRITICAL) > 0)
		return (HEADLESS_EXIT_CRITICAL);
	return (HEADLESS_EXIT_OK);
}

/*
 * Count the backends not fully heard from: not connected, or connected
 * with fewer nodes saying hello than it carries.  With report set, say
 * why for each on standard error.
 */
static size_t
headless_unreached(struct headless *h, int report)
{
	const struct fleet	*fleet = h->fleet;
	const struct fleet_link	*fl;
	size_t			 i, j, nhello, n = 0;
	char			 wait[32];

	/* The time actually waited: a signal may have cut it short. */
	headless_wait_text(util_mono_ms() - h->start_ms, wait, sizeof wait);
	for (i = 0; i < fleet->nlinks; i++) {
		fl = &fleet->links[i];
		nhello = 0;
		for (j = 0; j < fleet->nnodes; j++) {
			if (fleet->nodes[j].link == i &&
			    fleet->nodes[j].has_hello)
				nhello++;
		}
		if (!loop_link_up(h->loop, i)) {
			n++;
			if (!report)
				continue;
			if (fl->ever_up)
				fprintf(stderr, "vigil: backend %s went down: "
				    "%s; check that vigild still runs there\n",
				    fl->url, fl->error[0] != '\0' ? fl->error :
				    "no reason given");
			else
				fprintf(stderr, "vigil: could not reach "
				    "backend %s within %s: %s; check that "
				    "vigild runs there and the address is "
				    "right, or allow longer with --wait\n",
				    fl->url, wait, fl->error[0] != '\0' ?
				    fl->error : "no answer yet");
		} else if (nhello == 0) {
			n++;
			if (report)
				fprintf(stderr, "vigil: backend %s connected "
				    "but no node said hello within %s; check "
				    "that it is a vigild speaking %s, or allow "
				    "longer with --wait\n", fl->url, wait,
				    PROTO_SUBPROTOCOL);
		} else if (fl->link_nodes > 0 &&
		    (size_t)fl->link_nodes > nhello) {
			n++;
			if (report)
				fprintf(stderr, "vigil: only %zu of the %d "
				    "nodes behind backend %s said hello within "
				    "%s; allow longer with --wait\n", nhello,
				    fl->link_nodes, fl->url, wait);
		}
	}
	return (n);
}

/* Does any node in the model come from link index? */
static int
headless_link_has_node(const struct fleet *fleet, size_t index)
{
	size_t	i;

	for (i = 0; i < fleet->nnodes; i++) {
		if (fleet->nodes[i].link == index)
			return (1);
	}
	return (0);
}

/* A report row standing for a backend no node has come from. */
static void
headless_pseudo_node(const struct fleet *fleet, size_t index,
    struct proto_report_node *out)
{
	const struct fleet_link	*fl = &fleet->links[index];

	memset(out, 0, sizeof *out);
	out->id = fl->url;
	out->url = fl->url;
	out->state = "down";
	out->age_ms = -1;
	out->parent_rate = out->child_rate = out->child_share_rate = -1;
	out->child_rate_baseline = -1;
	out->heartbeat_rate = out->heartbeat_rate_expected = -1;
	out->error = fl->error[0] != '\0' ? fl->error : NULL;
}

/* Report views of every node, then of every backend with none. */
static size_t
headless_nodes(struct headless *h, int64_t now_ms,
    struct proto_report_node **out)
{
	const struct fleet	*fleet = h->fleet;
	size_t			 i, n = 0;

	*out = xcalloc(fleet->nnodes + fleet->nlinks, sizeof **out);
	for (i = 0; i < fleet->nnodes; i++)
		fleet_report_node(fleet, &fleet->nodes[i], now_ms,
		    &(*out)[n++]);
	for (i = 0; i < fleet->nlinks; i++) {
		if (!headless_link_has_node(fleet, i))
			headless_pseudo_node(fleet, i, &(*out)[n++]);
	}
	return (n);
}

/* Report views of the standing alerts, most severe first. */
static size_t
headless_alerts(struct headless *h, struct proto_report_alert **out,
    const char ***nodes_buf)
{
	const struct alert	**sorted;
	size_t			  i, n, max = h->fleet->alerts.n;

	sorted = xcalloc(max, sizeof *sorted);
	n = alert_sorted(&h->fleet->alerts, sorted, max, 1);
	*out = xcalloc(n, sizeof **out);
	*nodes_buf = xcalloc(n * ALERT_MAX_NODES + 1, sizeof **nodes_buf);
	for (i = 0; i < n; i++)
		fleet_report_alert(sorted[i], *nodes_buf + i * ALERT_MAX_NODES,
		    &(*out)[i]);
	free(sorted);
	return (n);
}

/* The human status: a header line, the node table, then the alerts. */
static void
headless_print_status(struct headless *h, int64_t now_ms)
{
	struct proto_report_node	*nodes;
	struct proto_report_alert	*alerts;
	const char			**nodes_buf;
	struct headless_row		*rows;
	size_t				 nnodes, nalerts, i, c;
	size_t				 live = 0, stale = 0, down = 0;
	int				 width[COL_MAX];
	char				 clock[16] = "";
	const struct node		*node;

	nnodes = headless_nodes(h, now_ms, &nodes);
	nalerts = headless_alerts(h, &alerts, &nodes_buf);

	for (i = 0; i < nnodes; i++) {
		if (strcmp(nodes[i].state, "live") == 0)
			live++;
		else if (strcmp(nodes[i].state, "stale") == 0)
			stale++;
		else
			down++;
	}
	for (i = 0; i < h->fleet->nnodes; i++) {
		node = &h->fleet->nodes[i];
		if (node->has_hello && node->state != NODE_DOWN) {
			util_clock_text(fleet_node_clock(node, now_ms), clock,
			    sizeof clock);
			break;
		}
	}
	printf("fleet %s: %zu node%s (%zu live, %zu stale, %zu down); "
	    "%zu critical, %zu warning%s", h->fleet->name, nnodes,
	    nnodes == 1 ? "" : "s", live, stale, down,
	    alert_count(&h->fleet->alerts, SEV_CRITICAL),
	    alert_count(&h->fleet->alerts, SEV_WARNING),
	    alert_count(&h->fleet->alerts, SEV_WARNING) == 1 ? "" : "s");
	if (clock[0] != '\0')
		printf("; node clock %s", clock);
	printf("\n\n");

	rows = xcalloc(nnodes + 1, sizeof *rows);
	for (c = 0; c < COL_MAX; c++)
		util_copy(rows[0].cell[c], HEADLESS_CELL,
		    headless_col_names[c]);
	for (i = 0; i < nnodes; i++)
		headless_row(&nodes[i], &rows[i + 1]);
	for (c = 0; c < COL_MAX; c++) {
		width[c] = 0;
		for (i = 0; i <= nnodes; i++) {
			if ((int)strlen(rows[i].cell[c]) > width[c])
				width[c] = (int)strlen(rows[i].cell[c]);
		}
	}
	for (i = 0; i <= nnodes; i++) {
		for (c = 0; c < COL_MAX; c++) {
			if (c == COL_MAX - 1)
				printf("%s\n", rows[i].cell[c]);
			else
				printf("%-*s  ", width[c], rows[i].cell[c]);
		}
	}
	for (i = 0; i < nnodes; i++) {
		if (strcmp(nodes[i].state, "live") != 0 &&
		    nodes[i].error != NULL)
			printf("%s: %s\n", nodes[i].id, nodes[i].error);
	}
	printf("\n");
	headless_print_alerts(alerts, nalerts);

	free(rows);
	free(nodes);
	free(alerts);
	free(nodes_buf);
}

/* The alerts, most severe first, or a line saying there are none. */
static void
headless_print_alerts(const struct proto_report_alert *alerts, size_t n)
{
	size_t	i;

	if (n == 0) {
		printf("no alerts\n");
		return;
	}
	for (i = 0; i < n; i++)
		headless_print_alert(&alerts[i], "", 1);
}

/*
 * One alert: "CRITICAL flag-drift router/r8: text", then, with full,
 * its cause and the action on indented lines.
 */
static void
headless_print_alert(const struct proto_report_alert *a, const char *indent,
    int full)
{
	char	nodes[HEADLESS_CELL * 2];

	headless_nodes_text(a, nodes, sizeof nodes);
	printf("%s%s %s%s%s: %s", indent, headless_severity(a->severity),
	    a->rule, nodes[0] != '\0' ? " " : "", nodes, a->text);
	if (a->count > 1)
		printf(" (%llu times)", (unsigned long long)a->count);
	if (a->acknowledged)
		printf(" (acknowledged)");
	printf("\n");
	if (!full)
		return;
	if (a->cause != NULL && *a->cause != '\0')
		printf("%s    cause: %s\n", indent, a->cause);
	if (a->action != NULL && *a->action != '\0')
		printf("%s    action: %s\n", indent, a->action);
}

/* Fill one table row for a node. */
static void
headless_row(const struct proto_report_node *n, struct headless_row *row)
{
	const struct proto_hello	*hello = n->hello;
	char				*p, rate[32], left[32], hb[32];
	size_t				 i, room;

	memset(row, 0, sizeof *row);
	util_copy(row->cell[COL_NODE], HEADLESS_CELL, n->id);
	util_copy(row->cell[COL_ROLE], HEADLESS_CELL,
	    hello != NULL ? proto_role_name(hello->role) : "-");
	util_copy(row->cell[COL_GROUP], HEADLESS_CELL,
	    hello != NULL && hello->group[0] != '\0' ? hello->group : "-");
	util_copy(row->cell[COL_BUILD], HEADLESS_CELL,
	    hello != NULL && hello->build[0] != '\0' ? hello->build : "-");

	/* Flags that are on, with the code each wakes on this build. */
	p = row->cell[COL_FLAGS];
	room = HEADLESS_CELL;
	for (i = 0; hello != NULL && i < hello->nflags; i++) {
		if (!hello->flags[i].on)
			continue;
		util_format(p, room, "%s%s=%s", p == row->cell[COL_FLAGS] ?
		    "" : ",", hello->flags[i].name, hello->flags[i].path);
		room -= strlen(p);
		p += strlen(p);
	}
	if (row->cell[COL_FLAGS][0] == '\0')
		util_copy(row->cell[COL_FLAGS], HEADLESS_CELL, "-");

	util_copy(row->cell[COL_STATE], HEADLESS_CELL, n->state);
	headless_age(n->age_ms, row->cell[COL_AGE], HEADLESS_CELL);

	if (hello == NULL)
		util_copy(row->cell[COL_DETAIL], HEADLESS_CELL, "-");
	else if (hello->role == ROLE_ROUTER) {
		headless_rate(n->child_rate, rate, sizeof rate);
		util_format(row->cell[COL_DETAIL], HEADLESS_CELL,
		    "child orders %s", rate);
		if (n->stats != NULL && n->stats->router.worst_ratio > 1.0) {
			p = row->cell[COL_DETAIL];
			util_format(p + strlen(p), HEADLESS_CELL - strlen(p),
			    ", child shares %.1fx parent",
			    n->stats->router.worst_ratio);
		}
	} else {
		if (n->cert == NULL)
			util_copy(left, sizeof left, "none");
		else if (n->cert_expires_in_ms <= 0)
			util_copy(left, sizeof left, "expired");
		else
			util_duration_text(n->cert_expires_in_ms, left,
			    sizeof left);
		headless_rate(n->heartbeat_rate, hb, sizeof hb);
		util_format(row->cell[COL_DETAIL], HEADLESS_CELL,
		    "cert %s, heartbeats %s", left, hb);
	}
}

/* An age at a glance: tenths below ten seconds, "never" if unheard. */
static void
headless_age(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		util_copy(buf, len, "never");
	else if (ms < 10000)
		util_format(buf, len, "%.1fs", (double)ms / 1000.0);
	else
		util_duration_text(ms, buf, len);
}

/* A rate per second, or "-" while it is not known. */
static void
headless_rate(double rate, char *buf, size_t len)
{
	if (rate < 0)
		util_copy(buf, len, "-");
	else if (rate < 10)
		util_format(buf, len, "%.1f/s", rate);
	else
		util_format(buf, len, "%.0f/s", rate);
}

/*
 * "station/s1,station/s3,station/s5 +13", or "" for an alert about none:
 * the heading stays one line; the text says how many nodes in all.
 */
static void
headless_nodes_text(const struct proto_report_alert *a, char *buf,
    size_t len)
{
	size_t	i, used, shown = a->nnodes > 3 ? 3 : a->nnodes;
	size_t	total = a->nodes_total > a->nnodes ? a->nodes_total : a->nnodes;

	buf[0] = '\0';
	for (i = 0; i < shown; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s%s", i == 0 ? "" : ",",
		    a->nodes[i]);
	}
	if (total > shown) {
		used = strlen(buf);
		util_format(buf + used, len - used, " +%zu", total - shown);
	}
}

/* "CRITICAL", "WARNING", "INFO". */
static const char *
headless_severity(enum proto_severity sev)
{
	switch (sev) {
	case SEV_CRITICAL:
		return ("CRITICAL");
	case SEV_WARNING:
		return ("WARNING");
	case SEV_INFO:
		break;
	}
	return ("INFO");
}

/* The word for an alert change, as in watch --json. */
static const char *
headless_change(enum alert_change change)
{
	switch (change) {
	case ALERT_RAISED:
		return ("raised");
	case ALERT_UPDATED:
		return ("updated");
	case ALERT_REFRESHED:
		return ("refreshed");
	case ALERT_CLEARED:
		return ("cleared");
	case ALERT_UNCHANGED:
		break;
	}
	return ("unchanged");
}

/* "HH:MM:SS" of a wall time in the local zone, for watch lines. */
static char *
headless_local_time(int64_t wall_ms, char *buf, size_t len)
{
	time_t		t = (time_t)(wall_ms / 1000);
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%H:%M:%S", &tm) == 0)
		util_copy(buf, len, "--:--:--");
	return (buf);
}

/* Push the output out now (scripts read it through pipes). */
static void
headless_flush(struct headless *h)
{
	if (h->out_errno != 0)
		return;
	if (fflush(stdout) == EOF || ferror(stdout))
		h->out_errno = errno != 0 ? errno : EIO;
}

/* "5 s", "0.5 s": a time waited, as people write it. */
static void
headless_wait_text(int64_t ms, char *buf, size_t len)
{
	if (ms >= 10000)
		util_format(buf, len, "%lld s", (long long)((ms + 500) / 1000));
	else
		util_format(buf, len, "%.1f s", (double)ms / 1000.0);
}
