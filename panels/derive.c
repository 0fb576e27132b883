/*
 * derive.c: what the views work out from the model beyond its fields:
 * which cells drift from their role's majority, how severe the alerts
 * about a node are.  Pure reading; no curses, so tests use it directly.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "derive.h"
#include "fleet.h"
#include "rate.h"
#include "util.h"

/* One value a node holds: its build, or what one of its flags enables. */
struct derive_entry {
	const struct node	*node;
	size_t			 index;		/* the node's, in the fleet */
	int			 flag;		/* -1 for the build */
	const char		*name;		/* "" for the build */
	const char		*value;
};

static int	derive_compare(const void *a, const void *b);
static void	derive_drifts_sort(const struct fleet *fleet,
		    struct derive_drift *drift);
static void	derive_mark(const struct derive_entry *e, size_t n,
		    struct derive_drift *drift);

/*
 * Peers first (role, group), then what is compared (the build, or one
 * flag by name), then the value, so that each value's holders are a run.
 */
static int
derive_compare(const void *a, const void *b)
{
	const struct derive_entry	*x = a, *y = b;
	int				 c;

	if (x->node->hello.role != y->node->hello.role)
		return (x->node->hello.role < y->node->hello.role ? -1 : 1);
	if ((c = strcmp(x->node->hello.group, y->node->hello.group)) != 0)
		return (c);
	if ((c = strcmp(x->name, y->name)) != 0)
		return (c);
	if ((c = strcmp(x->value, y->value)) != 0)
		return (c);
	return ((x->index > y->index) - (x->index < y->index));
}

/*
 * In one segment of entries (same peers, same thing compared), mark the
 * holders of every value held by fewer than the most common one, and of
 * every value when the most common is tied.
 */
static void
derive_mark(const struct derive_entry *e, size_t n, struct derive_drift *drift)
{
	size_t	i, j, run, best = 0, nbest = 0;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(e[j].value, e[i].value) == 0; j++)
			;
		if ((run = j - i) > best) {
			best = run;
			nbest = 1;
		} else if (run == best)
			nbest++;
	}
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(e[j].value, e[i].value) == 0; j++)
			;
		if (j - i == best && nbest == 1)
			continue;
		for (; i < j; i++) {
			if (e[i].flag < 0)
				drift[e[i].index].build = 1;
			else
				drift[e[i].index].flag[e[i].flag] = 1;
		}
	}
}

/*
 * One sort of every build and flag meaning in the fleet, so a frame
 * costs n log n however many nodes share a role.
 */
void
derive_drifts(const struct fleet *fleet, struct derive_drift *drift)
{
	/* Kept until a hello changes what is compared: not every frame. */
	static struct {
		const struct fleet	*fleet;
		uint64_t		 hello_seq;
		size_t			 nnodes;
		struct derive_drift	*v;
	} last;

	if (last.v != NULL && last.fleet == fleet && last.hello_seq ==
	    fleet->hello_seq && last.nnodes == fleet->nnodes) {
		memcpy(drift, last.v, fleet->nnodes * sizeof *drift);
		return;
	}
	derive_drifts_sort(fleet, drift);
	free(last.v);
	last.v = xreallocarray(NULL, fleet->nnodes + 1, sizeof *drift);
	memcpy(last.v, drift, fleet->nnodes * sizeof *drift);
	last.fleet = fleet;
	last.hello_seq = fleet->hello_seq;
	last.nnodes = fleet->nnodes;
}

/* derive_drifts() itself: one sort of every build and flag meaning. */
static void
derive_drifts_sort(const struct fleet *fleet, struct derive_drift *drift)
{
	struct derive_entry	*e;
	const struct node	*node;
	size_t			 i, k, n = 0, start;

	memset(drift, 0, fleet->nnodes * sizeof *drift);
	e = xreallocarray(NULL, fleet->nnodes * (1 + PROTO_MAX_FLAGS) + 1,
	    sizeof *e);
	for (i = 0; i < fleet->nnodes; i++) {
		node = &fleet->nodes[i];
		if (!node->has_hello)
			continue;
		e[n++] = (struct derive_entry){ node, i, -1, "",
		    node->hello.build };
		for (k = 0; k < node->hello.nflags && k < PROTO_MAX_FLAGS; k++)
			e[n++] = (struct derive_entry){ node, i, (int)k,
			    node->hello.flags[k].name,
			    node->hello.flags[k].path };
	}
	if (n > 1)
		qsort(e, n, sizeof *e, derive_compare);
	for (start = 0, i = 1; i <= n; i++) {
		if (i < n && e[i].node->hello.role ==
		    e[start].node->hello.role && strcmp(e[i].node->hello.group,
		    e[start].node->hello.group) == 0 && strcmp(e[i].name,
		    e[start].name) == 0)
			continue;
		derive_mark(e + start, i - start, drift);
		start = i;
	}
	free(e);
}

/* The worst active alert of a rule about a node. */
int
derive_alert_severity(const struct fleet *fleet, const char *rule,
    const char *node)
{
	const struct alert	*a;
	size_t			 i, j;
	int			 worst = -1;

	for (i = 0; i < fleet->alerts.n; i++) {
		a = &fleet->alerts.v[i];
		if (!a->active || (rule != NULL && strcmp(a->rule, rule) != 0))
			continue;
		for (j = 0; j < a->nnodes; j++) {
			if (strcmp(a->nodes[j], node) == 0 &&
			    (int)a->severity > worst)
				worst = (int)a->severity;
		}
	}
	return (worst);
}

/*
 * The severity node's own state earns under rule, judged as the rule
 * judges one node, or -1: heartbeat (fewer than half the heartbeats its
 * devices need) and order-rate (child orders far above its baseline).
 */
int
derive_node_severity(const struct node *node, const char *rule)
{
	double	rate, expected, baseline;

	if (node->state == NODE_DOWN)
		return (-1);
	if (strcmp(rule, "heartbeat") == 0 &&
	    fleet_node_role(node) == ROLE_STATION) {
		rate = rate_per_sec(&node->heartbeat_rate);
		expected = fleet_heartbeat_rate_expected(node);
		if (rate >= 0 && expected > 0 &&
		    rate < CHECK_HEARTBEAT_FRACTION * expected)
			return (SEV_CRITICAL);
	}
	if (strcmp(rule, "order-rate") == 0 &&
	    fleet_node_role(node) == ROLE_ROUTER &&
	    (baseline = node->child_rate_baseline) >= 0) {
		rate = rate_per_sec(&node->child_rate);
		if (rate > CHECK_ORDER_RATE_FLOOR &&
		    rate > CHECK_ORDER_RATE_FACTOR * baseline)
			return (rate > 4 * CHECK_ORDER_RATE_FACTOR * baseline ?
			    SEV_CRITICAL : SEV_WARNING);
	}
	return (-1);
}

/*
 * What a node's cells are marked with: the worst of the alerts naming it
 * and of what its own state earns, since an alert names only its first
 * ALERT_MAX_NODES nodes.
 */
int
derive_mark_severity(const struct fleet *fleet, const struct node *node,
    const char *rule)
{
	static const char *const own[] = { "heartbeat", "order-rate" };
	size_t	i;
	int	worst, sev;

	worst = derive_alert_severity(fleet, rule, node->id);
	for (i = 0; i < nitems(own); i++) {
		if (rule != NULL && strcmp(rule, own[i]) != 0)
			continue;
		if ((sev = derive_node_severity(node, own[i])) > worst)
			worst = sev;
	}
	return (worst);
}

/*
 * What node's clock read at wall time when_ms: its clock now, less the
 * wall time since, at its time scale.
 */
int
derive_node_time(const struct node *node, int64_t now_ms, int64_t wall_ms,
    int64_t when_ms, int64_t *out)
{
	double	scale;

	if (node == NULL || !node->has_hello || node->last_heard_ms == 0)
		return (-1);
	scale = node->hello.time_scale > 0 ? node->hello.time_scale : 1.0;
	*out = fleet_node_clock(node, now_ms) -
	    (int64_t)((double)(wall_ms - when_ms) * scale);
	return (0);
}

/* A severity's mark. */
enum table_mark
derive_severity_mark(int severity)
{
	switch (severity) {
	case SEV_CRITICAL:
		return (MARK_CRIT);
	case SEV_WARNING:
		return (MARK_WARN);
	case SEV_INFO:
		return (MARK_INFO);
	default:
		return (MARK_NONE);
	}
}
