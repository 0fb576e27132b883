/*
 * check.c: the rules that turn the fleet model into alerts.
 *
 * Each rule reads the model and raises alerts through alert_emit() (the
 * alert module owns their lifecycle); check_run() runs the rules in one
 * sweep, which clears the alerts of the table's rules not raised again.
 * Every alert says what is wrong (naming nodes and values), the likely
 * cause and what to do next, in sentences an operator under stress
 * reads once.
 *
 * Station rules (cert-expiring, renewal-failed, heartbeat,
 * device-countdown) raise one grouped alert each, listing every station
 * concerned: when the root holder is blacklisted the whole country fails
 * together, and forty alerts saying the same thing would bury the one
 * that says why.  node-stale and node-down do the same once more than
 * CHECK_APART_MAX nodes are concerned: an outage of thousands of nodes
 * is one alert, raised in time linear in the nodes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "check.h"
#include "check-keep.h"
#include "check-set.h"
#include "fleet.h"
#include "util.h"

/* Node names spelled out in one text before "and N more". */
#define CHECK_NAMES_SHOWN	6
#define CHECK_APART_MAX		ALERT_MAX_NODES	/* nodes stale or down
							   with an alert each;
							   more share one */

/*
 * Stations one rule is about (n of them in v), the one whose words stand
 * for them all, and the root holder (NULL when unknown).
 */
struct check_stations {
	struct node *const	*v;
	size_t			 n;
	const struct node	*rep;
	const char		*root;
};

static void	 check_build_drift(struct fleet *, int64_t, int64_t);
static void	 check_flag_drift(struct fleet *, int64_t, int64_t);
static void	 check_runaway(struct fleet *, int64_t, int64_t);
static void	 check_order_rate(struct fleet *, int64_t, int64_t);
static void	 check_cert_expiring(struct fleet *, int64_t, int64_t);
static void	 check_renewal_failed(struct fleet *, int64_t, int64_t);
static void	 check_root_unreachable(struct fleet *, int64_t, int64_t);
static void	 check_heartbeat(struct fleet *, int64_t, int64_t);
static int	 check_heartbeat_short(const struct node *);
static void	 check_device_countdown(struct fleet *, int64_t, int64_t);
static void	 check_node_stale(struct fleet *, int64_t, int64_t);
static void	 check_node_down(struct fleet *, int64_t, int64_t);
static void	 check_refused_words(const char *, const struct fleet_link *,
		    int, char *, char *, char *);
static void	 check_backend_down(struct fleet *, int64_t, int64_t);
static struct node **check_in_state(struct fleet *fleet,
		    enum node_state state, int64_t now_ms, size_t *n);
static void	 check_nodes_down(struct fleet *fleet, struct node *const *v,
		    size_t n, int64_t wall_ms);
static void	 check_backend(struct fleet *, int64_t, int64_t);
static struct node **check_set_of(struct fleet *fleet, enum check_set_id id,
		    check_set_test *test, int64_t now_ms, size_t *n);
static check_set_test	 check_is_runaway, check_is_order_rate, check_is_cert,
			 check_is_renewal, check_is_heartbeat,
			 check_is_countdown, check_is_stale, check_is_down,
			 check_is_warned;
static void	 check_backend_show(struct fleet *, const char *, int64_t);
static void	 check_backend_code(struct fleet *, const char *,
		    struct node *const *, size_t, int64_t);

static void	 check_emit_nodes(struct fleet *fleet,
		    const struct alert_spec *spec, struct node *const *v,
		    size_t n, int64_t wall_ms);
static int	 check_is_table_rule(const char *rule);
static struct node **check_collect(struct fleet *fleet, enum proto_role role,
		    size_t *n);
static const char *check_noun(enum proto_role role, size_t count);
static void	 check_append(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static const char *check_clause(const char *s, char *buf, size_t len);
static void	 check_names(char *buf, size_t len, struct node *const *v,
		    size_t n);
static const char *check_root_holder(struct fleet *fleet);
static const struct proto_blacklist *check_blacklisted(const struct node *st,
		    const char *peer);
static struct node *check_representative(struct node *const *v, size_t n,
		    const char *root);
static void	 check_sentence(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 check_station_cause(const struct check_stations *s,
		    int64_t now_ms, int heartbeats, char *buf, size_t len);
static void	 check_root_action(const struct node *rep, const char *root,
		    char *buf, size_t len);
static int64_t	 check_countdown(const struct node *st);
static void	 check_build_group(struct fleet *fleet,
		    const struct check_drift *d, int64_t wall_ms);
static void	 check_contained(struct fleet *, enum proto_role,
		    struct node *const *, size_t, const char *, char *, size_t,
		    char *, size_t);
static const struct proto_flag *check_flag(const struct node *node,
		    const char *name);
static void	 check_flag_name(struct fleet *fleet,
		    const struct check_drift *d, int64_t wall_ms);
static struct node **check_drift_nodes(struct fleet *fleet,
		    const struct check_drift *d);

const struct check_rule check_rules[] = {
	{ "build-drift",
	  "nodes of one role and group run different builds",
	  check_build_drift },
	{ "flag-drift",
	  "one flag name enables different code on nodes of one role",
	  check_flag_drift },
	{ "runaway",
	  "a router sent more child shares than its parent order holds",
	  check_runaway },
	{ "order-rate",
	  "a router's child order rate is far above its baseline",
	  check_order_rate },
	{ "cert-expiring",
	  "a station's certificate is about to expire or has expired",
	  check_cert_expiring },
	{ "renewal-failed",
	  "stations could not renew their certificates",
	  check_renewal_failed },
	{ "root-unreachable",
	  "the station holding the root is down, silent or blacklisted",
	  check_root_unreachable },
	{ "heartbeat",
	  "a station sends far fewer heartbeats than its devices need",
	  check_heartbeat },
	{ "device-countdown",
	  "devices are about to fail, or have failed, for want of heartbeats",
	  check_device_countdown },
	{ "node-stale",
	  "a connected node has gone silent",
	  check_node_stale },
	{ "node-down",
	  "the console cannot reach a node's backend",
	  check_node_down },
	{ "backend",
	  "a warning the backends raised themselves, one alert per kind",
	  check_backend },
};
const size_t check_nrules = nitems(check_rules);

/*
 * What a backend's warning follows from, by its code: the backends
 * report one by one what a rule of the console already sums up, so the
 * report is the effect and the rule's alert the incident's cause.
 */
static const struct {
	const char	*code;
	const char	*follows;
} check_backend_follows[] = {
	{ "blacklist", "root-unreachable" },
	{ "renewal", "renewal-failed,root-unreachable" },
	{ "cert-expired", "cert-expiring,renewal-failed" },
	{ "devices", "device-countdown,heartbeat" },
	{ "power-peg", "flag-drift" },
};

/*
 * Evaluate every rule in one sweep of the alerts, which then clears the
 * table's alerts not raised again.
 */
void
check_run(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	size_t	i;

	check_keep_sync(fleet);
	alert_sweep_begin(&fleet->alerts);
	for (i = 0; i < check_nrules; i++)
		check_rules[i].run(fleet, now_ms, wall_ms);
	alert_sweep_end(&fleet->alerts, check_is_table_rule, wall_ms);
}

/* The model's tick, then the rules; see check.h. */
void
check_tick(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	fleet_tick(fleet, now_ms, wall_ms);
	check_run(fleet, now_ms, wall_ms);
}

/* Take the fleet's backend warnings as they arrive; see check.h. */
void
check_watch(struct fleet *fleet)
{
	fleet->warned = check_backend_alert;
}

/* Store or clear a backend's warning on its node, then show its code. */
void
check_backend_alert(struct fleet *fleet, struct node *node,
    const struct proto_alert *pa, int64_t wall_ms)
{
	struct fleet_warning	*w = NULL;
	size_t			 i;

	check_set_mark(fleet, check_keep_sets(fleet), CHECK_SET_WARNED,
	    (size_t)(node - fleet->nodes));

	for (i = 0; i < node->nwarnings; i++) {
		if (strcmp(node->warnings[i].alert.code, pa->code) == 0) {
			w = &node->warnings[i];
			break;
		}
	}
	if (pa->clear) {
		if (w != NULL) {
			node->warnings[i] = node->warnings[--node->nwarnings];
			check_backend_show(fleet, pa->code, wall_ms);
		}
		return;
	}
	if (w == NULL) {
		node->warnings = xreallocarray(node->warnings,
		    node->nwarnings + 1, sizeof *node->warnings);
		w = &node->warnings[node->nwarnings++];
		memset(w, 0, sizeof *w);
		w->first_ms = wall_ms;
	}
	w->alert = *pa;
	w->last_ms = wall_ms;
	w->count++;
	check_backend_show(fleet, pa->code, wall_ms);
}

/* Show backend warning code again as the nodes standing in it say. */
static void
check_backend_show(struct fleet *fleet, const char *code, int64_t wall_ms)
{
	struct node	**v;
	size_t		  n;

	/* The set's test reads no clock: any time will do. */
	v = check_set_of(fleet, CHECK_SET_WARNED, check_is_warned, 0, &n);
	check_backend_code(fleet, code, v, n, wall_ms);
	free(v);
}

/*
 * The "backend" rule: every code some node stands in, shown again, once
 * per code (a few codes across many nodes: the list of codes seen stays
 * short, so a linear search of it is cheap).
 */
static void
check_backend(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	const char	**codes = NULL;
	struct node	**v;
	size_t		  ncodes = 0, i, j, k, n;
	const char	 *code;

	v = check_set_of(fleet, CHECK_SET_WARNED, check_is_warned, now_ms,
	    &n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i]->nwarnings; j++) {
			code = v[i]->warnings[j].alert.code;
			for (k = 0; k < ncodes; k++) {
				if (strcmp(codes[k], code) == 0)
					break;
			}
			if (k < ncodes)
				continue;
			codes = xreallocarray(codes, ncodes + 1,
			    sizeof *codes);
			codes[ncodes++] = code;
		}
	}
	for (k = 0; k < ncodes; k++)
		check_backend_code(fleet, codes[k], v, n, wall_ms);
	free(codes);
	free(v);
}

/*
 * Raise one alert for backend warning code, listing every node standing
 * in it, in the words of the latest report; or clear it when none does.
 * Its count is the number of reports from all of them, so 97 identical
 * warnings (the e-mails at Knight Capital) show as one alert with a count.
 */
static void
check_backend_code(struct fleet *fleet, const char *code,
    struct node *const *warned, size_t nwarned, int64_t wall_ms)
{
	const struct fleet_warning	*w, *latest = NULL;
	struct node			*node;
	struct node			**v;
	enum proto_severity		 sev = SEV_INFO;
	enum proto_role			 role = ROLE_NONE;
	char				 text[PROTO_TEXT_MAX];
	char				 cause[PROTO_TEXT_MAX];
	char				 action[PROTO_TEXT_MAX];
	uint64_t			 count = 0;
	size_t				 i, j, n = 0;

	v = xcalloc(nwarned + 1, sizeof *v);
	for (i = 0; i < nwarned; i++) {
		node = warned[i];
		for (j = 0; j < node->nwarnings; j++) {
			w = &node->warnings[j];
			if (strcmp(w->alert.code, code) != 0)
				continue;
			if (latest == NULL || w->last_ms >= latest->last_ms)
				latest = w;
			if (w->alert.severity > sev)
				sev = w->alert.severity;
			role = n == 0 || role == fleet_node_role(node) ?
			    fleet_node_role(node) : ROLE_NONE;
			count += w->count;
			v[n++] = node;
		}
	}
	if (latest == NULL) {
		alert_withdraw(&fleet->alerts, "backend", code, wall_ms);
		free(v);
		return;
	}
	if (n == 1)
		util_copy(text, sizeof text, latest->alert.text[0] != '\0' ?
		    latest->alert.text :
		    "the backend raised a warning without text");
	else
		util_format(text, sizeof text, "%zu %s report %s; latest, "
		    "from %s: %s", n, check_noun(role, n), code,
		    latest->alert.node, latest->alert.text);
	if (latest->alert.cause[0] != '\0')
		util_copy(cause, sizeof cause, latest->alert.cause);
	else
		util_format(cause, sizeof cause, "%s did not say why.",
		    latest->alert.node);
	if (latest->alert.action[0] != '\0')
		util_copy(action, sizeof action, latest->alert.action);
	else
		util_format(action, sizeof action, "Look at the recent events "
		    "and logs of %s.", latest->alert.node);
	for (i = 0; i < nitems(check_backend_follows); i++) {
		if (strcmp(check_backend_follows[i].code, code) == 0)
			break;
	}
	check_emit_nodes(fleet, &(struct alert_spec){
	    .rule = "backend", .code = code, .grouped = 1, .severity = sev,
	    .text = text, .cause = cause, .action = action, .reports = count,
	    .follows = i < nitems(check_backend_follows) ?
	    check_backend_follows[i].follows : NULL }, v, n, wall_ms);
	free(v);
}

/*
 * The tests of check-set.h, one a rule: each says of one node whether
 * its rule below speaks of it, so a rule reads the nodes its set holds
 * and no other, and need not test them again.
 */

/* The nodes of set id that test holds for (check-set.h), kept synced. */
static struct node **
check_set_of(struct fleet *fleet, enum check_set_id id, check_set_test *test,
    int64_t now_ms, size_t *n)
{
	return (check_set_nodes(fleet, check_keep_sets(fleet), id, test,
	    now_ms, n));
}

/* runaway's: a router that sent more child shares than a parent holds. */
static int
check_is_runaway(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	(void)fleet;
	(void)now_ms;
	(void)wake_ms;
	return (fleet_node_role(node) == ROLE_ROUTER && node->nstats != 0 &&
	    node->stats.role == ROLE_ROUTER &&
	    node->stats.router.worst_ratio > 1.0 &&
	    node->stats.router.state != STATE_KILLED);
}

/* order-rate's: a router far above its baseline (fleet-base.h). */
static int
check_is_order_rate(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	double	rate;

	(void)fleet;
	(void)now_ms;
	(void)wake_ms;
	if (fleet_node_role(node) != ROLE_ROUTER ||
	    node->state == NODE_DOWN || node->child_rate_baseline < 0 ||
	    fleet_node_killed(node))
		return (0);
	rate = rate_per_sec(&node->child_rate);
	return (rate > CHECK_ORDER_RATE_FLOOR &&
	    rate > CHECK_ORDER_RATE_FACTOR * node->child_rate_baseline);
}

/*
 * cert-expiring's: a station whose certificate has less than
 * CHECK_CERT_WARN_MS left on its node clock.  Its clock runs on without
 * a frame, so one with more left is asked again when, at its time
 * scale, it would be down to that (*wake_ms, never later).
 */
static int
check_is_cert(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	double	scale, at;

	(void)fleet;
	if (fleet_node_role(node) != ROLE_STATION || !node->has_cert)
		return (0);
	if (fleet_cert_expires_in(node, now_ms) < CHECK_CERT_WARN_MS)
		return (1);
	scale = node->has_hello && node->hello.time_scale > 0 ?
	    node->hello.time_scale : 1.0;
	at = (double)node->last_heard_ms + ((double)node->cert.not_after_ms -
	    (double)CHECK_CERT_WARN_MS - (double)node->clock_ms) / scale;
	if (at < (double)(INT64_MAX / 4))
		*wake_ms = at > (double)now_ms ? (int64_t)at : now_ms;
	return (0);
}

/* renewal-failed's: a station whose last renewal attempt failed. */
static int
check_is_renewal(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	(void)fleet;
	(void)now_ms;
	(void)wake_ms;
	return (fleet_node_role(node) == ROLE_STATION && node->has_cert &&
	    node->cert.last_renewal_ms != 0 && !node->cert.last_renewal_ok);
}

/* heartbeat's: a station sending too few heartbeats for its devices. */
static int
check_is_heartbeat(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	(void)fleet;
	(void)now_ms;
	(void)wake_ms;
	if (fleet_node_role(node) != ROLE_STATION || node->state == NODE_DOWN)
		return (0);
	return (check_heartbeat_short(node));
}

/*
 * Whether node's heartbeat rate is known and short of its devices'
 * need.  Each device is sent one heartbeat a minute, at its own time in
 * the minute, so two readings a quarter of a second apart can hold no
 * heartbeat by chance: the rate is judged once its span should hold
 * CHECK_HEARTBEAT_MIN_BEATS of them, or covers the rate's whole window.
 */
static int
check_heartbeat_short(const struct node *node)
{
	const struct rate	*r = &node->heartbeat_rate;
	double			 rate, expected;
	int64_t			 span;

	rate = rate_per_sec(r);
	expected = fleet_heartbeat_rate_expected(node);
	span = rate_span_ms(r);
	if (rate < 0 || expected <= 0)
		return (0);
	if (span < r->window_ms &&
	    (double)span * expected / 1000.0 < CHECK_HEARTBEAT_MIN_BEATS)
		return (0);
	return (rate < CHECK_HEARTBEAT_FRACTION * expected);
}

/* device-countdown's: a station with devices failing or failed. */
static int
check_is_countdown(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	int64_t	cd;

	(void)fleet;
	(void)now_ms;
	(void)wake_ms;
	if (fleet_node_role(node) != ROLE_STATION ||
	    node->state == NODE_DOWN || node->nstats == 0 ||
	    node->stats.role != ROLE_STATION)
		return (0);
	cd = check_countdown(node);
	return (node->stats.station.devices_failed > 0 ||
	    (cd >= 0 && cd < CHECK_COUNTDOWN_WARN_MS));
}

/*
 * Does node's backend refuse this console (auth_settled)?  It sends a
 * hello and nothing more, and closes the link when the challenge goes
 * unanswered: such a node is neither stale nor live, but down, steadily,
 * for the refusal, while its link retries.
 */
static int
check_refused(const struct fleet *fleet, const struct node *node)
{
	return (node->link < fleet->nlinks &&
	    auth_settled(fleet, node->link) < 0);
}

/* node-stale's. */
static int
check_is_stale(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	(void)now_ms;
	(void)wake_ms;
	return (node->state == NODE_STALE && !check_refused(fleet, node));
}

/* node-down's: a refused node too. */
static int
check_is_down(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	(void)now_ms;
	(void)wake_ms;
	return (node->state == NODE_DOWN || check_refused(fleet, node));
}

/* The backend rule's: a node standing in some backend warning. */
static int
check_is_warned(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, int64_t *wake_ms)
{
	(void)fleet;
	(void)now_ms;
	(void)wake_ms;
	return (node->nwarnings > 0);
}

/*
 * Raise what spec says about nodes v of the model (n of them; the first
 * ALERT_MAX_NODES are listed): spec names no nodes itself.
 */
static void
check_emit_nodes(struct fleet *fleet, const struct alert_spec *spec,
    struct node *const *v, size_t n, int64_t wall_ms)
{
	struct alert_spec	 s = *spec;
	const char		*ids[ALERT_MAX_NODES];
	size_t			 i;

	for (i = 0; i < n && i < ALERT_MAX_NODES; i++)
		ids[i] = v[i]->id;
	s.nodes = ids;
	s.nnodes = n;
	alert_emit(&fleet->alerts, &s, wall_ms);
}

/* Is rule one of the table's (so check_run() owns its alerts)? */
static int
check_is_table_rule(const char *rule)
{
	size_t	i;

	for (i = 0; i < check_nrules; i++) {
		if (strcmp(check_rules[i].name, rule) == 0)
			return (1);
	}
	return (0);
}

/*
 * The nodes of role, in fleet order, as an allocated array the caller
 * frees; *n is its size.  The list is kept between ticks
 * (check-keep.h), so this does not look at every node of the fleet.
 */
static struct node **
check_collect(struct fleet *fleet, enum proto_role role, size_t *n)
{
	struct node	**v;
	const size_t	 *ix = check_keep_role_nodes(fleet, role, n);
	size_t		  i;

	v = xcalloc(*n + 1, sizeof *v);
	for (i = 0; i < *n; i++)
		v[i] = &fleet->nodes[ix[i]];
	return (v);
}

/* "router" or "routers" (by count), "station(s)", "node(s)". */
static const char *
check_noun(enum proto_role role, size_t count)
{
	switch (role) {
	case ROLE_ROUTER:
		return (count == 1 ? "router" : "routers");
	case ROLE_STATION:
		return (count == 1 ? "station" : "stations");
	default:
		return (count == 1 ? "node" : "nodes");
	}
}

/* Append formatted text to buf (size len), truncating. */
static void
check_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t	used = strlen(buf);
	va_list	ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * A backend's sentence without its final full stop, so that it can be
 * quoted in ours with one; copied into buf.
 */
static const char *
check_clause(const char *s, char *buf, size_t len)
{
	size_t	n;

	util_copy(buf, len, s);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == ' ' ||
	    buf[n - 1] == '\n'))
		buf[--n] = '\0';
	return (buf);
}

/* "a", "a and b", "a, b, c, d, e, f and 9 more". */
static void
check_names(char *buf, size_t len, struct node *const *v, size_t n)
{
	size_t	i, shown = n > CHECK_NAMES_SHOWN ? CHECK_NAMES_SHOWN : n;

	buf[0] = '\0';
	for (i = 0; i < shown; i++) {
		check_append(buf, len, "%s%s", util_list_sep(i, n, 0),
		    v[i]->id);
	}
	if (shown < n)
		check_append(buf, len, " and %zu more", n - shown);
}

/*
 * The id of the station holding the root: the one saying it holds it,
 * else the one most certificates name; NULL when no station told us.
 * Kept between ticks until a certificate changes it (check-keep.h).
 */
static const char *
check_root_holder(struct fleet *fleet)
{
	return (check_keep_root(fleet));
}

/* The entry of st's blacklist naming peer, or NULL. */
static const struct proto_blacklist *
check_blacklisted(const struct node *st, const char *peer)
{
	const struct proto_station_stats	*ss = &st->stats.station;
	size_t					 i;

	if (peer == NULL || st->nstats == 0 || st->stats.role != ROLE_STATION)
		return (NULL);
	for (i = 0; i < ss->nblacklist && i < PROTO_MAX_BLACKLIST; i++) {
		if (strcmp(ss->blacklist[i].peer, peer) == 0)
			return (&ss->blacklist[i]);
	}
	return (NULL);
}

/*
 * The station whose story explains a group best: the first that has
 * blacklisted the root holder, else the first.
 */
static struct node *
check_representative(struct node *const *v, size_t n, const char *root)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (check_blacklisted(v[i], root) != NULL)
			return (v[i]);
	}
	return (n > 0 ? v[0] : NULL);
}

/*
 * Append one sentence to buf (size len), after a space.  One that does
 * not fit whole is cut at a word and ends in "...", so that what an
 * operator reads never stops mid-word; with almost no room left it is
 * dropped.
 */
static void
check_sentence(char *buf, size_t len, const char *fmt, ...)
{
	char	s[2 * PROTO_TEXT_MAX], *cut;
	size_t	used = strlen(buf), room;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	if (used + 1 >= len)
		return;
	room = len - used - 1 - (used > 0);
	if (strlen(s) > room) {
		if (room < 24)
			return;
		s[room - 3] = '\0';
		if ((cut = strrchr(s, ' ')) != NULL)
			*cut = '\0';
		strcat(s, "...");
	}
	check_append(buf, len, "%s%s", used > 0 ? " " : "", s);
}

/*
 * Why stations fail, in sentences, told through rep, one of the n in v:
 * (when heartbeats is set) an expired certificate stops heartbeats; how
 * many have blacklisted the root holder; rep's renewal and why it
 * failed; and, unless that reason already quotes it, the evidence
 * against the root holder and who reported it.  Every station rule
 * uses these same words.
 */
static void
check_station_cause(const struct check_stations *s, int64_t now_ms,
    int heartbeats, char *buf, size_t len)
{
	const struct node		*rep = s->rep;
	struct node *const		*v = s->v;
	const char			*root = s->root;
	size_t				 n = s->n;
	const struct proto_blacklist	*bl;
	const char			*error = rep->cert.last_renewal_error;
	char				 dur[32], clock[16];
	char				 clause[PROTO_TEXT_MAX];
	char				 ev[PROTO_TEXT_MAX];
	int64_t				 left;
	size_t				 i, against = 0, same = 0;

	buf[0] = '\0';
	left = fleet_cert_expires_in(rep, now_ms);
	for (i = 0; i < n; i++) {
		if (check_blacklisted(v[i], root) != NULL)
			against++;
		if (v[i] != rep && v[i]->has_cert &&
		    strcmp(v[i]->cert.last_renewal_error, error) == 0)
			same++;
	}

	if (heartbeats && !rep->has_cert)
		check_sentence(buf, len, "%s has not reported a certificate, "
		    "so the console cannot tell whether it can sign "
		    "heartbeats; it may be overloaded or cut off from its "
		    "devices.", rep->id);
	else if (heartbeats && left > 0)
		check_sentence(buf, len, "%s still holds a valid certificate, "
		    "so it can sign heartbeats: it is overloaded or cut off "
		    "from its devices.", rep->id);
	if (buf[0] != '\0')
		return;
	if (heartbeats)
		check_sentence(buf, len, "The certificate of %s expired %s "
		    "ago, so it cannot sign heartbeats.", rep->id,
		    util_duration_text(-left, dur, sizeof dur));
	if (n > 1 && against == n)
		check_sentence(buf, len, "All %zu of these stations have "
		    "blacklisted the root holder %s.", n, root);
	else if (n > 1 && against > 0)
		check_sentence(buf, len, "%zu of these %zu stations have "
		    "blacklisted the root holder %s.", against, n, root);

	if (rep->has_cert && rep->cert.last_renewal_ms != 0 &&
	    !rep->cert.last_renewal_ok)
		check_sentence(buf, len, "The renewal of %s at %s failed: %s.",
		    rep->id, util_clock_text(rep->cert.last_renewal_ms, clock,
		    sizeof clock), error[0] != '\0' ? check_clause(error,
		    clause, sizeof clause) : "the station gave no reason");
	else if (rep->has_cert && left < CHECK_CERT_WARN_MS)
		check_sentence(buf, len, "The renewal of %s is overdue: "
		    "stations renew every hour from the root holder %s, and "
		    "it has not renewed since %s.", rep->id,
		    root != NULL ? root : "(unknown)",
		    util_clock_text(rep->cert.last_renewal_ms, clock,
		    sizeof clock));

	bl = check_blacklisted(rep, root);
	if (bl != NULL && (bl->evidence[0] == '\0' ||
	    strstr(error, bl->evidence) == NULL)) {
		util_format(clause, sizeof clause, "%s has blacklisted the "
		    "root holder %s", rep->id, root);
		if (bl->reported_by[0] != '\0' &&
		    strcmp(bl->reported_by, rep->id) != 0)
			check_append(clause, sizeof clause, " on evidence "
			    "reported by %s", bl->reported_by);
		if (bl->evidence[0] != '\0')
			check_append(clause, sizeof clause, ": %s",
			    check_clause(bl->evidence, ev, sizeof ev));
		check_sentence(buf, len, "%s.", clause);
	}
	if (n > 1 && against == 0 && same == n - 1)
		check_sentence(buf, len, "The other %zu stations give the same "
		    "reason.", n - 1);
	else if (n > 1 && against == 0)
		check_sentence(buf, len, "%zu of the other %zu stations give "
		    "the same reason; see each station's detail view for the "
		    "rest.", same, n - 1);
	if (buf[0] == '\0')
		check_sentence(buf, len, "%s holds a valid certificate and its "
		    "last renewal succeeded.", rep->id);
}

/* What to do when stations cannot renew: move the root, or fix it. */
static void
check_root_action(const struct node *rep, const char *root, char *buf,
    size_t len)
{
	if (root == NULL)
		util_format(buf, len, "Find which station holds the root "
		    "certificate and whether it answers; if it does not, move "
		    "the root with vigil propose move-root HOLDER --to "
		    "station/NAME --reason TEXT, a second operator approving "
		    "with vigil approve ID.");
	else if (rep != NULL && check_blacklisted(rep, root) != NULL)
		util_format(buf, len, "Move the root from %s to a station "
		    "nobody blacklists: vigil propose move-root %s --to "
		    "station/NAME --reason TEXT, a second operator approving "
		    "with vigil approve ID; or fix %s so that it signs valid "
		    "messages again and have the stations lift the blacklist.",
		    root, root, root);
	else
		util_format(buf, len, "Move the root to a healthy station: "
		    "vigil propose move-root %s --to station/NAME --reason "
		    "TEXT, a second operator approving with vigil approve ID; "
		    "or fix the root holder %s.", root, root);
}

/*
 * The shortest device countdown st reported, -1 when it has no live
 * device.  It is not counted down between reports: each heartbeat
 * resets a device, so the gauge is only true when it was read, and a
 * station that stops reporting is node-stale's or node-down's alert.
 */
static int64_t
check_countdown(const struct node *st)
{
	return (st->stats.station.device_countdown_ms < 0 ? -1 :
	    st->stats.station.device_countdown_ms);
}

/*
 * build-drift: each group of each role where some node runs another
 * build than most, as kept between ticks (check-keep.h).
 */
static void
check_build_drift(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	const struct check_drift *const	*d;
	size_t				 i, n;

	(void)now_ms;
	check_keep_sync(fleet);
	n = check_keep_drifts(fleet, 0, &d);
	for (i = 0; i < n; i++)
		check_build_group(fleet, d[i], wall_ms);
}

/* The nodes off the majority of d, in fleet order (free the array). */
static struct node **
check_drift_nodes(struct fleet *fleet, const struct check_drift *d)
{
	struct node	**v;
	size_t		  i;

	v = xcalloc(d->nminority + 1, sizeof *v);
	for (i = 0; i < d->nminority; i++)
		v[i] = &fleet->nodes[d->minority[i]];
	return (v);
}

/*
 * build-drift in one role and group d: the nodes not on the majority
 * build, as one warning.
 */
static void
check_build_group(struct fleet *fleet, const struct check_drift *d,
    int64_t wall_ms)
{
	struct node	**minority;
	enum proto_role	  role = d->role;
	const char	 *group = d->name, *build = d->majority;
	char		  text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char		  action[PROTO_TEXT_MAX], names[PROTO_TEXT_MAX];
	size_t		  i, ng = d->nheld, nmin = d->nminority;

	minority = check_drift_nodes(fleet, d);
	if (nmin == 1 && ng == 2)
		util_format(text, sizeof text, "%s runs build %s; the other "
		    "%s in group %s runs %s", minority[0]->id,
		    minority[0]->hello.build, check_noun(role, 1), group,
		    build);
	else if (nmin == 1)
		util_format(text, sizeof text, "%s runs build %s; the other "
		    "%zu %s in group %s run %s", minority[0]->id,
		    minority[0]->hello.build, ng - 1, check_noun(role, ng - 1),
		    group, build);
	else {
		util_format(text, sizeof text, "%zu %s in group %s do not run "
		    "%s like the other %zu: ", nmin, check_noun(role, nmin),
		    group, build, ng - nmin);
		for (i = 0; i < nmin; i++)
			check_append(text, sizeof text, "%s%s runs %s",
			    i > 0 ? ", " : "", minority[i]->id,
			    minority[i]->hello.build);
	}
	check_names(names, sizeof names, minority, nmin);
	util_format(cause, sizeof cause, "A deployment reached only some %s "
	    "of group %s, or a rollback was applied to only some of them; on "
	    "different builds the same flag or order can run different code.",
	    check_noun(role, 2), group);
	util_format(action, sizeof action, "Bring %s to build %s (or halt "
	    "it) before it handles more work, with a two-person rollback "
	    "(vigil plan rollback NODE... --to %s shows first what its flags "
	    "would mean there); do not roll the other %s back to match it "
	    "without that preflight.", names, build, build,
	    check_noun(role, 2));
	for (i = 0; i < nmin && fleet_node_killed(minority[i]); i++)
		;
	if (i == nmin)
		check_contained(fleet, role, minority, nmin, NULL, text,
		    sizeof text, action, sizeof action);
	check_emit_nodes(fleet, &(struct alert_spec){
	    .rule = "build-drift", .code = group, .severity = SEV_WARNING,
	    .text = text, .cause = cause,
	    .action = action }, minority, nmin, wall_ms);
	free(minority);
}

/* The flag called name in node's hello, or NULL. */
static const struct proto_flag *
check_flag(const struct node *node, const char *name)
{
	size_t	i;

	if (!node->has_hello)
		return (NULL);
	for (i = 0; i < node->hello.nflags && i < PROTO_MAX_FLAGS; i++) {
		if (strcmp(node->hello.flags[i].name, name) == 0)
			return (&node->hello.flags[i]);
	}
	return (NULL);
}

/*
 * The words for drift at killed routers v (n of them): the text says
 * they are contained; the action, in place of halting them, says what
 * remains before a resume: roll them forward to the build most of the
 * role runs, or (flag, when not NULL) turn the flag off there.
 */
static void
check_contained(struct fleet *fleet, enum proto_role role,
    struct node *const *v, size_t n, const char *flag, char *text,
    size_t textlen, char *action, size_t actionlen)
{
	const char	 *build = check_keep_role_build(fleet, role);
	char		  names[PROTO_TEXT_MAX], off[PROTO_TEXT_MAX] = "";

	check_names(names, sizeof names, v, n);
	check_append(text, textlen, "; %s %s killed, so this is contained "
	    "for now", names, n == 1 ? "is" : "are");
	if (flag != NULL)
		util_format(off, sizeof off, ", or turn flag %s off there "
		    "(vigil propose flag %s --set %s=off)", flag, names, flag);
	util_format(action, actionlen, "%s %s halted and send%s no orders. "
	    "Before a resume, roll %s forward to build %s (vigil plan "
	    "rollback %s --to %s shows what the flags would mean there)%s; "
	    "resumed as %s %s, %s would wake the same code again.", names,
	    n == 1 ? "is" : "are", n == 1 ? "s" : "", n == 1 ? "it" : "them",
	    build, names, build, off, n == 1 ? "it" : "they",
	    n == 1 ? "is" : "are", n == 1 ? "it" : "they");
}

/*
 * flag-drift: each flag name of each role that selects other code on
 * some nodes than on most, as kept between ticks (check-keep.h).
 */
static void
check_flag_drift(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	const struct check_drift *const	*d;
	size_t				 i, n;

	(void)now_ms;
	check_keep_sync(fleet);
	n = check_keep_drifts(fleet, 1, &d);
	for (i = 0; i < n; i++)
		check_flag_name(fleet, d[i], wall_ms);
}

/*
 * flag-drift for one flag name of one role, d: the nodes where it
 * enables other code than on most, critical when it is on at any of
 * them.
 */
static void
check_flag_name(struct fleet *fleet, const struct check_drift *d,
    int64_t wall_ms)
{
	struct node		**minority, **on, **killed;
	const struct proto_flag	 *f;
	enum proto_role		  role = d->role;
	const char		 *name = d->name, *path = d->majority;
	char			  text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char			  action[PROTO_TEXT_MAX];
	char			  names[PROTO_TEXT_MAX];
	char			  onnames[PROTO_TEXT_MAX];
	size_t			  i, nh = d->nheld, nmin = d->nminority;
	size_t			  non = 0, nkilled = 0;

	minority = check_drift_nodes(fleet, d);
	on = xcalloc(nmin + 1, sizeof *on);
	killed = xcalloc(nmin + 1, sizeof *killed);
	util_format(text, sizeof text, "flag %s means ", name);
	for (i = 0; i < nmin; i++) {
		f = check_flag(minority[i], name);
		check_append(text, sizeof text, "%s%s on %s",
		    i > 0 ? ", " : "", f->path, minority[i]->id);
		/* On at a killed router, the code it wakes sends nothing. */
		if (f->on && fleet_node_killed(minority[i]))
			killed[nkilled++] = minority[i];
		else if (f->on)
			on[non++] = minority[i];
	}

	check_append(text, sizeof text, " but %s on %zu other %s", path,
	    nh - nmin, check_noun(role, nh - nmin));
	check_names(names, sizeof names, minority, nmin);
	check_names(onnames, sizeof onnames, on, non);
	if (non > 0)
		check_append(text, sizeof text, "; it is on at %s", onnames);
	else if (nkilled == 0)
		check_append(text, sizeof text, "; it is off there for now");
	if (nkilled > 0)
		check_contained(fleet, role, killed, nkilled, name, text,
		    sizeof text, action, sizeof action);
	util_format(cause, sizeof cause, "The builds differ: the flag name %s "
	    "was reused, so it selects different code on %s than on the "
	    "other %s, and switching it on wakes different behaviour on "
	    "each.", name, names, check_noun(role, 2));
	if (non > 0)
		util_format(action, sizeof action, "Halt %s with the "
		    "two-person kill command or turn flag %s off there now "
		    "(vigil propose flag NODE... --set %s=off), then bring %s "
		    "to the build the other %s run (vigil plan rollback).",
		    onnames, name, name, names, check_noun(role, 2));
	else if (nkilled == 0)
		util_format(action, sizeof action, "Keep flag %s off until %s "
		    "run%s the build the other %s run; turned on now, it would "
		    "wake other code there.", name, names, nmin == 1 ? "s" : "",
		    check_noun(role, 2));
	check_emit_nodes(fleet, &(struct alert_spec){
	    .rule = "flag-drift", .code = name,
	    .severity = non > 0 ? SEV_CRITICAL : SEV_WARNING, .text = text,
	    .cause = cause, .action = action }, minority, nmin, wall_ms);
	free(killed);
	free(on);
	free(minority);
}

/* runaway: a router sent more child shares than a parent holds. */
static void
check_runaway(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node			**v;
	const struct proto_router_stats	*rs;
	char				 text[PROTO_TEXT_MAX];
	char				 cause[PROTO_TEXT_MAX];
	char				 action[PROTO_TEXT_MAX];
	char				 parent[64];
	size_t				 i, fi, n, non;

	v = check_set_of(fleet, CHECK_SET_RUNAWAY, check_is_runaway, now_ms,
	    &n);
	/* The set holds the routers with an excess, not yet killed. */
	for (i = 0; i < n; i++) {
		rs = &v[i]->stats.router;
		if (rs->worst_parent[0] != '\0')
			util_format(parent, sizeof parent, "parent %s",
			    rs->worst_parent);
		else
			util_copy(parent, sizeof parent, "an open parent");
		util_format(text, sizeof text, "%s sent %.*fx the shares of "
		    "%s as child orders", v[i]->id,
		    rs->worst_ratio < 1.1 ? 2 : 1, rs->worst_ratio, parent);
		util_format(cause, sizeof cause, "%s is not counting the child "
		    "shares it has already sent for this parent, so it keeps "
		    "sending child orders without end, as Power Peg did at "
		    "Knight Capital.", v[i]->id);
		if (v[i]->has_hello) {
			check_append(cause, sizeof cause, " It runs build %s",
			    v[i]->hello.build);
			for (fi = non = 0; fi < v[i]->hello.nflags &&
			    fi < PROTO_MAX_FLAGS; fi++) {
				if (!v[i]->hello.flags[fi].on)
					continue;
				check_append(cause, sizeof cause, "%s %s "
				    "(%s)", non++ == 0 ? " with flags on:" :
				    ",", v[i]->hello.flags[fi].name,
				    v[i]->hello.flags[fi].path);
			}
			check_append(cause, sizeof cause, ".");
		}
		if (rs->state == STATE_HALTING) {
			check_append(text, sizeof text, "; it is halting, %llu "
			    "child orders still open",
			    (unsigned long long)rs->open_children);
			util_format(action, sizeof action, "Wait for %s's open "
			    "child orders to be cancelled; if they stop "
			    "falling, cancel them at the exchange.", v[i]->id);
		} else
			util_format(action, sizeof action, "Halt %s now with "
			    "the two-person kill command, then cancel its open "
			    "orders; do not change the other routers' builds "
			    "until it has stopped.", v[i]->id);
		check_emit_nodes(fleet, &(struct alert_spec){
		    .rule = "runaway", .severity = SEV_CRITICAL, .text = text,
		    .cause = cause, .action = action,
		    .measure = rs->worst_ratio }, &v[i], 1, wall_ms);
	}
	free(v);
}

/*
 * order-rate: a router's child order rate above CHECK_ORDER_RATE_FACTOR
 * times its baseline (set by fleet_tick(), which check_tick() runs
 * first) and above the floor.
 */
static void
check_order_rate(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	*node;
	char		 text[PROTO_TEXT_MAX];
	char		 cause[PROTO_TEXT_MAX];
	char		 action[PROTO_TEXT_MAX];
	char		 from[PROTO_TEXT_MAX];
	double		 rate, baseline, parents;
	struct node	**v;
	size_t		 npeers, i, n;

	v = check_set_of(fleet, CHECK_SET_ORDER_RATE, check_is_order_rate,
	    now_ms, &n);
	for (i = 0; i < n; i++) {
		node = v[i];
		baseline = node->child_rate_baseline;
		npeers = node->child_rate_npeers;
		/* The set holds the routers far above their baseline. */
		rate = rate_per_sec(&node->child_rate);
		if (npeers > 0)
			util_format(from, sizeof from, "the median of the "
			    "other %zu live %s in group %s", npeers,
			    check_noun(ROLE_ROUTER, npeers),
			    node->hello.group);
		else
			util_copy(from, sizeof from, "its own average before "
			    "the last 10s");
		util_format(text, sizeof text, "%s sends %.0f child orders/s",
		    node->id, rate);
		if (baseline > 0)
			check_append(text, sizeof text, ", %.0fx its baseline "
			    "of %.1f/s (%s)", rate / baseline, baseline, from);
		else
			check_append(text, sizeof text, " against a baseline "
			    "of 0/s (%s)", from);
		util_format(cause, sizeof cause, "A router sending far more "
		    "child orders than its baseline is usually re-sending for "
		    "parents it believes unfilled, or is being fed a burst of "
		    "parent orders; at Knight Capital this was the first "
		    "visible sign.");
		parents = rate_per_sec(&node->parent_rate);
		util_format(action, sizeof action, "Compare its parent order "
		    "rate (%.1f/s) with its peers' and look for a runaway "
		    "alert on %s; if the parents do not explain it, halt it "
		    "with the two-person kill command.",
		    parents < 0 ? 0 : parents, node->id);
		check_emit_nodes(fleet, &(struct alert_spec){
		    .rule = "order-rate",
		    .severity = rate > 4 * CHECK_ORDER_RATE_FACTOR * baseline ?
		    SEV_CRITICAL : SEV_WARNING, .text = text, .cause = cause,
		    .action = action, .measure = rate, .follows = "runaway" },
		    &node, 1, wall_ms);
	}
	free(v);
}

/*
 * cert-expiring: stations whose certificate has less than
 * CHECK_CERT_WARN_MS left on their node clock, or has expired.
 */
static void
check_cert_expiring(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	**v, **hit;
	const char	*root = check_root_holder(fleet);
	char		 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char		 action[PROTO_TEXT_MAX], names[PROTO_TEXT_MAX];
	char		 dur[32];
	int64_t		 left, oldest = 0, within = 0;
	size_t		 i, n, nexp = 0, nhit = 0;

	v = check_set_of(fleet, CHECK_SET_CERT, check_is_cert, now_ms, &n);
	hit = xcalloc(n + 1, sizeof *hit);
	/*
	 * The set holds the stations with less than CHECK_CERT_WARN_MS
	 * left.  Expired ones first: they are what the text leads with.
	 */
	for (i = 0; i < n; i++) {
		if ((left = fleet_cert_expires_in(v[i], now_ms)) > 0)
			continue;
		if (nexp++ == 0 || left < oldest)
			oldest = left;
		hit[nhit++] = v[i];
	}
	for (i = 0; i < n; i++) {
		if ((left = fleet_cert_expires_in(v[i], now_ms)) <= 0)
			continue;
		if (nhit++ == nexp || left > within)
			within = left;
		hit[nhit - 1] = v[i];
	}
	if (nhit == 0)
		goto out;
	check_names(names, sizeof names, hit, nhit);
	if (nexp == 1 && nhit == 1)
		util_format(text, sizeof text, "the certificate of %s expired "
		    "%s ago", hit[0]->id,
		    util_duration_text(-oldest, dur, sizeof dur));
	else if (nexp > 0) {
		util_format(text, sizeof text, "the certificates of %zu %s "
		    "have expired, the oldest %s ago", nexp,
		    check_noun(ROLE_STATION, nexp),
		    util_duration_text(-oldest, dur, sizeof dur));
		if (nhit > nexp)
			check_append(text, sizeof text, "; %zu more expire "
			    "within %s", nhit - nexp,
			    util_duration_text(within, dur, sizeof dur));
		check_append(text, sizeof text, ": %s", names);
	} else if (nhit == 1)
		util_format(text, sizeof text, "the certificate of %s expires "
		    "in %s", hit[0]->id,
		    util_duration_text(within, dur, sizeof dur));
	else
		util_format(text, sizeof text, "the certificates of %zu "
		    "stations expire within %s: %s", nhit,
		    util_duration_text(within, dur, sizeof dur), names);
	check_station_cause(&(struct check_stations){ hit, nhit,
	    check_representative(hit, nhit, root), root }, now_ms, 0, cause,
	    sizeof cause);
	if (nexp > 0)
		check_sentence(cause, sizeof cause, "Without a valid "
		    "certificate a station cannot sign heartbeats, and its "
		    "devices fail when their countdown runs out.");
	check_root_action(check_representative(hit, nhit, root), root,
	    action, sizeof action);
	check_emit_nodes(fleet, &(struct alert_spec){
	    .rule = "cert-expiring", .grouped = 1,
	    .severity = nexp > 0 ? SEV_CRITICAL : SEV_WARNING, .text = text,
	    .cause = cause, .action = action,
	    .follows = "renewal-failed,root-unreachable" }, hit, nhit,
	    wall_ms);
out:
	free(hit);
	free(v);
}

/* renewal-failed: stations whose last renewal attempt failed. */
static void
check_renewal_failed(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	**v, *rep;
	const char	*root = check_root_holder(fleet);
	char		 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char		 action[PROTO_TEXT_MAX], names[PROTO_TEXT_MAX];
	char		 clock[16];
	size_t		 n;

	v = check_set_of(fleet, CHECK_SET_RENEWAL, check_is_renewal, now_ms,
	    &n);
	/* The set holds the stations whose last renewal failed. */
	if (n == 0)
		goto out;
	rep = check_representative(v, n, root);
	if (n == 1)
		util_format(text, sizeof text, "%s could not renew its "
		    "certificate (attempt at %s, node clock)", v[0]->id,
		    util_clock_text(v[0]->cert.last_renewal_ms, clock,
		    sizeof clock));
	else {
		check_names(names, sizeof names, v, n);
		util_format(text, sizeof text, "%zu stations could not renew "
		    "their certificates: %s", n, names);
	}
	check_station_cause(&(struct check_stations){ v, n, rep, root },
	    now_ms, 0, cause, sizeof cause);
	check_root_action(rep, root, action, sizeof action);
	check_emit_nodes(fleet, &(struct alert_spec){
	    .rule = "renewal-failed", .grouped = 1, .severity = SEV_CRITICAL,
	    .text = text, .cause = cause, .action = action,
	    .follows = "root-unreachable" }, v, n, wall_ms);
out:
	free(v);
}

/*
 * root-unreachable: the root holder is down or stale, or blacklisted by
 * more than half of the stations reporting.
 */
static void
check_root_unreachable(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node			**v, *holder;
	const struct proto_blacklist	*bl, *first = NULL;
	const char			*root = check_root_holder(fleet);
	char				 text[PROTO_TEXT_MAX];
	char				 cause[PROTO_TEXT_MAX];
	char				 action[PROTO_TEXT_MAX];
	char				 clause[PROTO_TEXT_MAX], dur[32];
	size_t				 i, n, reporting = 0, against = 0;

	if (root == NULL)
		return;
	holder = fleet_find(fleet, root);
	v = check_collect(fleet, ROLE_STATION, &n);
	for (i = 0; i < n; i++) {
		if (v[i] == holder || v[i]->nstats == 0)
			continue;
		reporting++;
		if ((bl = check_blacklisted(v[i], root)) != NULL) {
			against++;
			if (first == NULL)
				first = bl;
		}
	}
	free(v);
	text[0] = cause[0] = '\0';
	if (holder != NULL && holder->state == NODE_DOWN) {
		check_append(text, sizeof text, "the root holder %s is down: "
		    "%s", root, fleet->links[holder->link].error[0] != '\0' ?
		    fleet->links[holder->link].error :
		    "its backend closed the connection");
		check_append(cause, sizeof cause, "The console cannot reach "
		    "it; if the stations cannot either, no certificate can "
		    "be renewed at the hour.");
	} else if (holder != NULL && holder->state == NODE_STALE) {
		check_append(text, sizeof text, "the root holder %s has been "
		    "silent for %s", root, util_duration_text(now_ms -
		    holder->last_heard_ms, dur, sizeof dur));
		check_append(cause, sizeof cause, "It is connected but says "
		    "nothing: it may be overloaded or hung, and then it "
		    "cannot issue renewals either.");
	}
	if (reporting > 0 && against * 2 > reporting) {
		check_append(text, sizeof text, "%sthe root holder %s is "
		    "blacklisted by %zu of the %zu stations reporting",
		    text[0] != '\0' ? "; " : "", root, against, reporting);
		check_append(cause, sizeof cause, "%sStations refuse renewals "
		    "from a root holder they have blacklisted", cause[0] !=
		    '\0' ? " " : "");
		if (first->reported_by[0] != '\0')
			check_append(cause, sizeof cause, "; %s found the "
			    "evidence", first->reported_by);
		if (first->evidence[0] != '\0')
			check_append(cause, sizeof cause, ": %s",
			    check_clause(first->evidence, clause,
			    sizeof clause));
		check_append(cause, sizeof cause, ".");
	}
	if (text[0] == '\0')
		return;
	util_format(action, sizeof action, "Move the root from %s to a "
	    "station nobody blacklists before the certificates run out: vigil "
	    "propose move-root %s --to station/NAME --reason TEXT, a second "
	    "operator approving with vigil approve ID; until then no station "
	    "can renew its certificate.", root, root);
	alert_emit(&fleet->alerts, &(struct alert_spec){
	    .rule = "root-unreachable", .severity = SEV_CRITICAL,
	    .nodes = &root, .nnodes = 1, .text = text, .cause = cause,
	    .action = action, .follows = holder == NULL ? NULL :
	    holder->state == NODE_DOWN ? "node-down" :
	    holder->state == NODE_STALE ? "node-stale" : NULL }, wall_ms);
}

/*
 * heartbeat: stations sending fewer than CHECK_HEARTBEAT_FRACTION of the
 * heartbeats their devices need, once their rate is known.
 */
static void
check_heartbeat(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	char		 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char		 action[PROTO_TEXT_MAX], names[PROTO_TEXT_MAX];
	struct alert_spec spec = { .rule = "heartbeat", .grouped = 1,
			    .severity = SEV_CRITICAL, .text = text,
			    .cause = cause, .action = action };
	struct node	**v, *rep;
	const char	*root = check_root_holder(fleet);
	char		 dur[32];
	double		 rate, expected;
	size_t		 n;

	v = check_set_of(fleet, CHECK_SET_HEARTBEAT, check_is_heartbeat,
	    now_ms, &n);
	/* The set holds the stations short of heartbeats, not down. */
	if (n == 0)
		goto out;
	rep = check_representative(v, n, root);
	rate = rate_per_sec(&rep->heartbeat_rate);
	expected = fleet_heartbeat_rate_expected(rep);
	if (n == 1)
		util_format(text, sizeof text, "%s sends %.1f heartbeats/s to "
		    "its devices, expected %.1f/s (%llu devices, one "
		    "heartbeat each every %s)", rep->id, rate, expected,
		    (unsigned long long)rep->stats.station.devices,
		    util_duration_text(
		    rep->stats.station.heartbeat_interval_ms, dur,
		    sizeof dur));
	else {
		check_names(names, sizeof names, v, n);
		util_format(text, sizeof text, "%zu stations send less than "
		    "half the heartbeats their devices need (%s sends %.1f/s, "
		    "expected %.1f/s): %s", n, rep->id, rate, expected,
		    names);
	}
	check_station_cause(&(struct check_stations){ v, n, rep, root },
	    now_ms, 1, cause, sizeof cause);
	if (rep->has_cert && fleet_cert_expires_in(rep, now_ms) <= 0) {
		spec.follows = "cert-expiring,renewal-failed";
		check_root_action(rep, root, action, sizeof action);
		check_append(action, sizeof action, " Devices fail %s after "
		    "their last heartbeat.", util_duration_text(
		    rep->stats.station.device_timeout_ms, dur, sizeof dur));
	} else
		util_format(action, sizeof action, "Check the load of %s and "
		    "its links to its devices; devices fail %s after their "
		    "last heartbeat.", rep->id, util_duration_text(
		    rep->stats.station.device_timeout_ms, dur, sizeof dur));
	check_emit_nodes(fleet, &spec, v, n, wall_ms);
out:
	free(v);
}

/*
 * device-countdown: stations whose shortest device countdown is below
 * CHECK_COUNTDOWN_WARN_MS (warning) or CHECK_COUNTDOWN_CRIT_MS, or with
 * failed devices (critical).  Down stations are left to node-down.
 */
static void
check_device_countdown(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	char		 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char		 action[PROTO_TEXT_MAX], names[PROTO_TEXT_MAX];
	struct alert_spec spec = { .rule = "device-countdown", .grouped = 1,
			    .severity = SEV_WARNING, .text = text,
			    .cause = cause, .action = action };
	struct node	**v, *rep;
	const char	*root = check_root_holder(fleet);
	char		 dur[32];
	uint64_t	 failed = 0;
	int64_t		 cd, soonest = -1;
	size_t		 i, n;

	v = check_set_of(fleet, CHECK_SET_COUNTDOWN, check_is_countdown,
	    now_ms, &n);
	/* The set holds the stations with devices failing or failed. */
	for (i = 0; i < n; i++) {
		cd = check_countdown(v[i]);
		if (v[i]->stats.station.devices_failed > 0 ||
		    (cd >= 0 && cd < CHECK_COUNTDOWN_CRIT_MS))
			spec.severity = SEV_CRITICAL;
		failed += v[i]->stats.station.devices_failed;
		if (cd >= 0 && (soonest < 0 || cd < soonest))
			soonest = cd;
	}
	if (n == 0)
		goto out;
	rep = check_representative(v, n, root);
	if (n == 1 && failed > 0) {
		util_format(text, sizeof text, "%llu devices of %s have "
		    "failed", (unsigned long long)failed, v[0]->id);
		if (soonest >= 0)
			check_append(text, sizeof text, "; the next fails in "
			    "%s", util_duration_text(soonest, dur,
			    sizeof dur));
	} else if (n == 1)
		util_format(text, sizeof text, "devices of %s fail in %s",
		    v[0]->id, util_duration_text(soonest, dur, sizeof dur));
	else {
		check_names(names, sizeof names, v, n);
		util_format(text, sizeof text, "devices of %zu stations are "
		    "running out of heartbeats", n);
		if (failed > 0)
			check_append(text, sizeof text, ": %llu have failed",
			    (unsigned long long)failed);
		if (soonest >= 0)
			check_append(text, sizeof text, "%s the next fails in "
			    "%s", failed > 0 ? " and" : ":",
			    util_duration_text(soonest, dur, sizeof dur));
		check_append(text, sizeof text, " (%s)", names);
	}
	spec.measure = (double)failed;
	check_station_cause(&(struct check_stations){ v, n, rep, root },
	    now_ms, 1, cause, sizeof cause);
	spec.follows = "heartbeat";
	if (rep->has_cert && fleet_cert_expires_in(rep, now_ms) <= 0) {
		spec.follows = "heartbeat,cert-expiring";
		check_root_action(rep, root, action, sizeof action);
		check_append(action, sizeof action, " Heartbeats resume once "
		    "the stations hold valid certificates again.");
	} else
		util_format(action, sizeof action, "Find why heartbeats from "
		    "%s are not reaching its devices (its load, its links) "
		    "before their countdown runs out.", rep->id);
	check_emit_nodes(fleet, &spec, v, n, wall_ms);
out:
	free(v);
}

/*
 * The nodes in state (stale or down), in fleet order, or NULL when none
 * is; *n says how many (free it).
 */
static struct node **
check_in_state(struct fleet *fleet, enum node_state state, int64_t now_ms,
    size_t *n)
{
	struct node	**v;

	v = check_set_of(fleet, state == NODE_STALE ? CHECK_SET_STALE :
	    CHECK_SET_DOWN, state == NODE_STALE ? check_is_stale :
	    check_is_down, now_ms, n);
	if (*n == 0) {
		free(v);
		return (NULL);
	}
	return (v);
}

/*
 * node-stale: a node whose backend is connected but silent; past
 * CHECK_APART_MAX such nodes (an outage), one alert for them all, so
 * the console stays quick and its alert bar readable when it matters.
 */
static void
check_node_stale(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	**v, *node, *oldest;
	char		  text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char		  action[PROTO_TEXT_MAX], dur[32], clock[16];
	char		  names[PROTO_TEXT_MAX];
	size_t		  i, n;

	if ((v = check_in_state(fleet, NODE_STALE, now_ms, &n)) == NULL)
		return;
	for (i = 0; i < n && n <= CHECK_APART_MAX; i++) {
		node = v[i];
		util_duration_text(now_ms - node->last_heard_ms, dur,
		    sizeof dur);
		util_format(text, sizeof text, "%s has been silent for %s "
		    "(last heard at %s)", node->id, dur, util_clock_text(
		    wall_ms - (now_ms - node->last_heard_ms), clock,
		    sizeof clock));
		util_format(cause, sizeof cause, "Its backend %s is still "
		    "connected but has sent nothing: the node may be "
		    "overloaded or hung, or its frames are being lost.",
		    fleet->links[node->link].url);
		util_format(action, sizeof action, "Check the vigild process "
		    "behind %s and its host; what the console shows for it is "
		    "%s old.", node->id, dur);
		check_emit_nodes(fleet, &(struct alert_spec){
		    .rule = "node-stale", .severity = SEV_WARNING,
		    .text = text, .cause = cause,
		    .action = action }, &node, 1, wall_ms);
	}
	if (n > CHECK_APART_MAX) {
		for (oldest = v[0], i = 1; i < n; i++) {
			if (v[i]->last_heard_ms < oldest->last_heard_ms)
				oldest = v[i];
		}
		util_duration_text(now_ms - oldest->last_heard_ms, dur,
		    sizeof dur);
		check_names(names, sizeof names, v, n);
		util_format(text, sizeof text, "%zu nodes have been silent for "
		    "up to %s: %s", n, dur, names);
		util_format(cause, sizeof cause, "Their backends are still "
		    "connected but send nothing: they may be overloaded or "
		    "hung, or their frames are being lost on the way.");
		util_format(action, sizeof action, "Check the vigild processes "
		    "behind them and their hosts, starting with %s (at %s), "
		    "silent longest.", oldest->id,
		    fleet->links[oldest->link].url);
		check_emit_nodes(fleet, &(struct alert_spec){
		    .rule = "node-stale", .severity = SEV_WARNING,
		    .grouped = 1, .text = text, .cause = cause,
		    .action = action }, v, n, wall_ms);
	}
	free(v);
}

/*
 * node-down's words (PROTO_TEXT_MAX each) for names, one node (one) or
 * several, whose backend on link l refuses this console: what it said,
 * and what to do, the same whether the link is up or between retries,
 * so that the alert stands unchanged.
 */
static void
check_refused_words(const char *names, const struct fleet_link *l, int one,
    char *text, char *cause, char *action)
{
	util_format(text, PROTO_TEXT_MAX, "%s %s refused to this console: %s",
	    names, one ? "is" : "are", l->error[0] != '\0' ? l->error :
	    "the backend lets only operators read, and refused this "
	    "console's answer");
	util_format(cause, PROTO_TEXT_MAX, "The backend at %s lets only "
	    "operators in its trust file read (vigild --read key), and this "
	    "console has not answered its challenge with such a key: it "
	    "sends a hello and nothing more, and closes the connection.",
	    l->url);
	util_format(action, PROTO_TEXT_MAX, "Start vigil with --key FILE, a "
	    "key in the backend's trust file, or have its administrator add "
	    "your public key (vigil-key pub); the console keeps reconnecting "
	    "and shows %s as soon as an answer is accepted.", one ? "it" :
	    "them");
}

/* node-down past CHECK_APART_MAX nodes: one alert for them all. */
static void
check_nodes_down(struct fleet *fleet, struct node *const *v, size_t n,
    int64_t wall_ms)
{
	const struct fleet_link	*l = &fleet->links[v[0]->link];
	char			 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char			 action[PROTO_TEXT_MAX], names[PROTO_TEXT_MAX];
	size_t			 i;

	check_names(names, sizeof names, v, n);
	for (i = 0; i < n && check_refused(fleet, v[i]); i++)
		continue;
	if (i == n) {	/* all refused, say by v[0]'s backend */
		check_refused_words(names, l, 0, text, cause, action);
		check_emit_nodes(fleet, &(struct alert_spec){
		    .rule = "node-down", .severity = SEV_CRITICAL, .grouped = 1,
		    .text = text, .cause = cause, .action = action }, v, n,
		    wall_ms);
		return;
	}
	util_format(text, sizeof text, "%zu nodes are down: %s", n, names);
	util_format(cause, sizeof cause, "The console cannot reach their "
	    "backends (%s: %s): the processes may have stopped, their hosts "
	    "may be down, or the network between them is cut.", l->url,
	    l->error[0] != '\0' ? l->error : "the backend closed the "
	    "connection");
	util_format(action, sizeof action, "Check that vigild is running "
	    "and listening for them, starting with %s at %s; the console "
	    "keeps reconnecting and shows each live again as soon as it "
	    "speaks.", v[0]->id, l->url);
	check_emit_nodes(fleet, &(struct alert_spec){
	    .rule = "node-down", .severity = SEV_CRITICAL, .grouped = 1,
	    .text = text, .cause = cause, .action = action }, v, n,
	    wall_ms);
}

/*
 * node-down: a node whose link is down, with the link's reason; and a
 * backend never reached, named by its URL.
 */
static void
check_node_down(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	const struct fleet_link	*l;
	struct node		*node;
	char			 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char			 action[PROTO_TEXT_MAX];
	struct node		**v;
	size_t			 i, n;

	v = check_in_state(fleet, NODE_DOWN, now_ms, &n);
	if (n > CHECK_APART_MAX)
		check_nodes_down(fleet, v, n, wall_ms);
	for (i = 0; i < n && n <= CHECK_APART_MAX; i++) {
		node = v[i];
		l = &fleet->links[node->link];
		if (check_refused(fleet, node)) {
			check_refused_words(node->id, l, 1, text, cause,
			    action);
			check_emit_nodes(fleet, &(struct alert_spec){
			    .rule = "node-down", .severity = SEV_CRITICAL,
			    .text = text, .cause = cause,
			    .action = action }, &node, 1, wall_ms);
			continue;
		}
		util_format(text, sizeof text, "%s is down: %s", node->id,
		    l->error[0] != '\0' ? l->error :
		    "its backend closed the connection");
		util_format(cause, sizeof cause, "The console cannot reach its "
		    "backend at %s: the process may have stopped, its host "
		    "may be down, or the network between them is cut.",
		    l->url);
		util_format(action, sizeof action, "Check that vigild for %s "
		    "is running and listening at %s; the console keeps "
		    "reconnecting and shows it live again as soon as it "
		    "speaks.", node->id, l->url);
		check_emit_nodes(fleet, &(struct alert_spec){
		    .rule = "node-down", .severity = SEV_CRITICAL,
		    .text = text, .cause = cause,
		    .action = action }, &node, 1, wall_ms);
	}
	free(v);
	check_backend_down(fleet, now_ms, wall_ms);
}

/*
 * node-down of a backend no node has ever said hello over, named by its
 * URL: one never reached, and one that connected and stays silent (it
 * answers the handshake, and pings too, but sends nothing) for
 * CHECK_UNHEARD_MS.  The two are one alert, so a silent backend that the
 * console hangs up on and reconnects to keeps it standing.
 */
static void
check_backend_down(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	const struct fleet_link	*l;
	const char		*url;
	char			 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char			 action[PROTO_TEXT_MAX];
	size_t			 i;

	for (i = 0; i < fleet->nlinks; i++) {
		l = &fleet->links[i];
		if (l->nnodes > 0)
			continue;	/* its nodes speak for it */
		url = l->url;
		if (l->state == LINK_DOWN) {
			util_format(text, sizeof text, "the backend at %s "
			    "cannot be reached: %s", url, l->error[0] != '\0' ?
			    l->error : "the connection failed");
			util_format(cause, sizeof cause, "No node behind it "
			    "has ever said hello: the address may be wrong, or "
			    "vigild is not running there.");
			util_format(action, sizeof action, "Check the fleet "
			    "file entry %s and that vigild is listening there; "
			    "the console keeps trying.", url);
		} else if (l->state == LINK_UP && l->unheard_ms != 0 &&
		    now_ms - l->unheard_ms >= CHECK_UNHEARD_MS) {
			util_format(text, sizeof text, "the backend at %s "
			    "connected, but no node behind it has said hello "
			    "within %lld s", url,
			    (long long)(CHECK_UNHEARD_MS / 1000));
			util_format(cause, sizeof cause, "It answers the "
			    "websocket handshake and sends nothing: it may be "
			    "hung or overloaded, serve no node, or not be a "
			    "vigild speaking %s.", PROTO_SUBPROTOCOL);
			util_format(action, sizeof action, "Check that the "
			    "fleet file entry %s names a vigild and read its "
			    "log for why it is silent; the console shows each "
			    "node as soon as it speaks.", url);
		} else
			continue;
		alert_emit(&fleet->alerts, &(struct alert_spec){
		    .rule = "node-down", .severity = SEV_CRITICAL,
		    .nodes = &url, .nnodes = 1, .text = text, .cause = cause,
		    .action = action }, wall_ms);
	}
}
