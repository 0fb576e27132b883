/*
 * check_fleet.c: the console's model of the fleet, fed with messages
 * built here (and, once, with real frames): nodes appear and keep what
 * they said, states go live, stale, down and live again with a
 * notification each, rates and counter resets show, and nothing a
 * backend sends is dropped.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fleet.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

#define T0	1000000		/* monotonic ms the tests start at */
#define CLOCK0	1343813400000LL	/* 2012-08-01 09:30:00 UTC */

/* What the notify callback saw. */
struct seen {
	int		node_changes;
	int		alert_changes;
	enum node_state	last_state;
	char		last_node[PROTO_ID_MAX];
};

/* Record a notification. */
static void
note(void *arg, struct fleet *fleet, enum fleet_change what,
    const struct node *node, const struct alert *alert,
    enum alert_change change)
{
	struct seen	*seen = arg;

	(void)fleet;
	(void)alert;
	(void)change;
	if (what == FLEET_NODE_CHANGED) {
		seen->node_changes++;
		seen->last_state = node->state;
		util_copy(seen->last_node, sizeof seen->last_node, node->id);
	} else
		seen->alert_changes++;
}

/* The group the next hellos name. */
static const char *hello_group = "nyse";

/* Feed a router's hello from link at now. */
static void
hello(struct fleet *f, size_t link, const char *id, const char *build,
    double scale, int64_t now)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);

	m->type = MSG_HELLO;
	util_copy(m->u.hello.node, sizeof m->u.hello.node, id);
	m->u.hello.role = strncmp(id, "station/", 8) == 0 ? ROLE_STATION :
	    ROLE_ROUTER;
	util_copy(m->u.hello.group, sizeof m->u.hello.group, hello_group);
	util_copy(m->u.hello.build, sizeof m->u.hello.build, build);
	m->u.hello.version = 1;
	m->u.hello.clock_ms = CLOCK0 + (now - T0);
	m->u.hello.time_scale = scale;
	/* Several nodes share a link here: it declares no number. */
	m->u.hello.link_nodes = 0;
	m->u.hello.nflags = 1;
	util_copy(m->u.hello.flags[0].name, sizeof m->u.hello.flags[0].name,
	    "rlp");
	util_copy(m->u.hello.flags[0].path, sizeof m->u.hello.flags[0].path,
	    "retail_liquidity");
	m->u.hello.flags[0].on = 1;
	ck_assert_int_eq(fleet_apply(f, link, m, now), 0);
	free(m);
}

/* Feed a router's stats: children child orders after uptime ms. */
static void
router_stats(struct fleet *f, size_t link, const char *id, int64_t uptime,
    uint64_t children, int64_t now)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);

	m->type = MSG_STATS;
	util_copy(m->u.stats.node, sizeof m->u.stats.node, id);
	m->u.stats.role = ROLE_ROUTER;
	m->u.stats.clock_ms = CLOCK0 + (now - T0);
	m->u.stats.uptime_ms = uptime;
	m->u.stats.router.parents_total = children / 10;
	m->u.stats.router.child_orders_total = children;
	m->u.stats.router.child_shares_total = children * 100;
	ck_assert_int_eq(fleet_apply(f, link, m, now), 0);
	free(m);
}

/* Feed a station's stats: beats heartbeats, devices, interval. */
static void
station_stats(struct fleet *f, size_t link, const char *id, int64_t uptime,
    uint64_t beats, uint64_t devices, int64_t interval, int64_t now)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);

	m->type = MSG_STATS;
	util_copy(m->u.stats.node, sizeof m->u.stats.node, id);
	m->u.stats.role = ROLE_STATION;
	m->u.stats.clock_ms = CLOCK0 + (now - T0);
	m->u.stats.uptime_ms = uptime;
	m->u.stats.station.heartbeats_total = beats;
	m->u.stats.station.devices = devices;
	m->u.stats.station.heartbeat_interval_ms = interval;
	m->u.stats.station.device_timeout_ms = 3 * interval;
	m->u.stats.station.device_countdown_ms = 2 * interval;
	ck_assert_int_eq(fleet_apply(f, link, m, now), 0);
	free(m);
}

/* Does node have an event line containing text? */
static int
has_event(const struct node *node, const char *text)
{
	unsigned	i;

	for (i = 0; i < node->events_n; i++) {
		if (strstr(node->events[(node->events_head + i) %
		    FLEET_EVENTS].text, text) != NULL)
			return (1);
	}
	return (0);
}

START_TEST(hello_creates_node_with_what_it_said)
{
	struct fleet	 f;
	struct seen	 seen = { 0 };
	struct node	*n;
	size_t		 l;

	fleet_init(&f, "test");
	f.notify = note;
	f.notify_arg = &seen;
	l = fleet_add_link(&f, "ws://127.0.0.1:9008");
	fleet_link_up(&f, l, T0);
	hello(&f, l, "router/r8", "smars-2012.07.31-old", 1, T0);
	ck_assert_uint_eq(f.nnodes, 1);
	n = fleet_find(&f, "router/r8");
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->has_hello, 1);
	ck_assert_str_eq(n->hello.build, "smars-2012.07.31-old");
	ck_assert_int_eq(n->state, NODE_LIVE);
	ck_assert_int_eq(seen.node_changes, 1);
	ck_assert_str_eq(seen.last_node, "router/r8");
	ck_assert_int_eq(f.dirty, 1);
	ck_assert_ptr_null(fleet_find(&f, "router/r9"));

	/* The same hello again changes nothing a watcher must hear. */
	hello(&f, l, "router/r8", "smars-2012.07.31-old", 1, T0 + 100);
	ck_assert_int_eq(seen.node_changes, 1);

	/* A new build does, and says so in the node's events. */
	hello(&f, l, "router/r8", "smars-2012.08.01", 1, T0 + 200);
	ck_assert_int_eq(seen.node_changes, 2);
	ck_assert(has_event(fleet_find(&f, "router/r8"),
	    "build changed from smars-2012.07.31-old to smars-2012.08.01"));
	fleet_free(&f);
}
END_TEST

START_TEST(stats_before_hello_are_kept)
{
	struct fleet	 f;
	struct node	*n;
	size_t		 l;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9001");
	fleet_link_up(&f, l, T0);
	router_stats(&f, l, "router/r1", 1000, 10, T0);
	n = fleet_find(&f, "router/r1");
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->has_hello, 0);
	ck_assert_uint_eq(n->nstats, 1);
	ck_assert_int_eq(fleet_node_role(n), ROLE_ROUTER);
	router_stats(&f, l, "router/r1", 2000, 30, T0 + 1000);
	hello(&f, l, "router/r1", "smars-2012.08.01", 1, T0 + 1000);
	ck_assert_uint_eq(f.nnodes, 1);
	n = fleet_find(&f, "router/r1");
	ck_assert_int_eq(n->has_hello, 1);
	/* The readings from before the hello still make the rate. */
	ck_assert_double_eq_tol(rate_per_sec(&n->child_rate), 20.0, 1e-9);
	fleet_free(&f);
}
END_TEST

START_TEST(counter_reset_is_counted_and_logged)
{
	struct fleet	 f;
	struct node	*n;
	size_t		 l;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9001");
	hello(&f, l, "router/r1", "smars-2012.08.01", 1, T0);
	router_stats(&f, l, "router/r1", 50000, 5000, T0);
	router_stats(&f, l, "router/r1", 51000, 5010, T0 + 1000);
	n = fleet_find(&f, "router/r1");
	ck_assert_double_eq_tol(rate_per_sec(&n->child_rate), 10.0, 1e-9);
	/* The router restarted: uptime and counters start over. */
	router_stats(&f, l, "router/r1", 1000, 3, T0 + 2000);
	n = fleet_find(&f, "router/r1");
	ck_assert_uint_eq(n->counter_resets, 1);
	ck_assert(has_event(n, "counters reset (node restarted?)"));
	ck_assert(rate_per_sec(&n->child_rate) < 0);
	router_stats(&f, l, "router/r1", 2000, 13, T0 + 3000);
	ck_assert_double_eq_tol(rate_per_sec(&fleet_find(&f,
	    "router/r1")->child_rate), 10.0, 1e-9);
	fleet_free(&f);
}
END_TEST

START_TEST(live_stale_down_live_with_notifications)
{
	struct fleet	 f;
	struct seen	 seen = { 0 };
	struct node	*n;
	size_t		 l;
	int		 before;

	fleet_init(&f, "test");
	f.notify = note;
	f.notify_arg = &seen;
	l = fleet_add_link(&f, "ws://127.0.0.1:9003");
	fleet_link_up(&f, l, T0);
	hello(&f, l, "router/r3", "smars-2012.08.01", 1, T0);
	router_stats(&f, l, "router/r3", 1000, 10, T0);

	check_tick(&f, T0 + FLEET_STALE_MS, CLOCK0);
	ck_assert_int_eq(fleet_find(&f, "router/r3")->state, NODE_LIVE);
	before = seen.node_changes;
	check_tick(&f, T0 + FLEET_STALE_MS + 1, CLOCK0);
	n = fleet_find(&f, "router/r3");
	ck_assert_int_eq(n->state, NODE_STALE);
	ck_assert_int_eq(seen.node_changes, before + 1);
	ck_assert_int_eq(seen.last_state, NODE_STALE);
	ck_assert(has_event(n, "stale"));

	fleet_link_down(&f, l, "connection refused by 127.0.0.1:9003; "
	    "retrying every 2s", T0 + 5000);
	n = fleet_find(&f, "router/r3");
	ck_assert_int_eq(n->state, NODE_DOWN);
	ck_assert_int_eq(seen.node_changes, before + 2);
	ck_assert_int_eq(seen.last_state, NODE_DOWN);
	ck_assert(has_event(n, "connection refused by 127.0.0.1:9003"));

	/* The socket is back, but the node has not spoken yet. */
	fleet_link_up(&f, l, T0 + 7000);
	check_tick(&f, T0 + 7000, CLOCK0);
	ck_assert_int_eq(fleet_find(&f, "router/r3")->state, NODE_DOWN);
	ck_assert_int_eq(seen.node_changes, before + 2);

	hello(&f, l, "router/r3", "smars-2012.08.01", 1, T0 + 7100);
	n = fleet_find(&f, "router/r3");
	ck_assert_int_eq(n->state, NODE_LIVE);
	ck_assert_int_eq(seen.node_changes, before + 3);
	ck_assert_int_eq(seen.last_state, NODE_LIVE);
	fleet_free(&f);
}
END_TEST

/* The newest event line of node. */
static const char *
newest_event(const struct node *node)
{
	ck_assert_uint_gt(node->events_n, 0);
	return (node->events[(node->events_head + node->events_n - 1) %
	    FLEET_EVENTS].text);
}

/*
 * The nodes of an outage going stale in one tick share one event line
 * (fleet.said) yet each still reads its own words: one silent longer
 * says so, a node's later events and its ring running over leave the
 * others' lines whole, and every watcher still hears of every node.
 */
START_TEST(outage_event_lines_are_shared_and_true)
{
	struct fleet	 f;
	struct seen	 seen = { 0 };
	struct node	*n;
	size_t		 l, i;
	char		 id[32];
	int		 before, k;

	fleet_init(&f, "test");
	f.notify = note;
	f.notify_arg = &seen;
	l = fleet_add_link(&f, "ws://127.0.0.1:9003");
	fleet_link_up(&f, l, T0);
	for (i = 0; i < 40; i++) {
		util_format(id, sizeof id, "router/r%zu", i);
		hello(&f, l, id, "smars-2012.08.01", 1, i == 39 ? T0 - 2000 :
		    T0);
	}
	check_tick(&f, T0, CLOCK0);
	before = seen.node_changes;
	check_tick(&f, T0 + FLEET_STALE_MS + 1, CLOCK0);
	ck_assert_int_eq(seen.node_changes, before + 40);
	for (i = 0; i < 39; i++) {
		n = &f.nodes[i];
		ck_assert_int_eq(n->state, NODE_STALE);
		ck_assert_str_eq(newest_event(n), "stale (was live): silent "
		    "for 3s");
	}
	ck_assert_ptr_eq(newest_event(&f.nodes[0]),
	    newest_event(&f.nodes[38]));
	ck_assert_str_eq(newest_event(&f.nodes[39]), "stale (was live): "
	    "silent for 5s");
	/* One node's ring runs over: the others keep their line. */
	for (k = 0; k < FLEET_EVENTS + 3; k++)
		fleet_event(&f.nodes[0], CLOCK0, "event %d", k);
	ck_assert_str_eq(newest_event(&f.nodes[0]), "event 34");
	ck_assert_str_eq(newest_event(&f.nodes[1]), "stale (was live): "
	    "silent for 3s");
	fleet_link_down(&f, l, "connection reset", T0 + 5000);
	ck_assert_str_eq(newest_event(&f.nodes[1]), "down (was stale): "
	    "connection reset");
	ck_assert(has_event(&f.nodes[2], "stale (was live): silent for 3s"));
	fleet_free(&f);
}
END_TEST

/*
 * Each node takes its history sample once a second at its own beat,
 * from its first stats, and a timer fallen behind starts a node's beat
 * again, as walking every node at every tick did; the tick meets only
 * the nodes due (fleet.sampling).
 */
START_TEST(history_beats_apart_and_after_a_late_timer)
{
	static const int64_t	 first[] = { 0, 300, 700, 2950 };
	struct fleet		 f;
	struct node		*n;
	int64_t			 last[4] = { 0 }, t;
	unsigned		 nsamples[4] = { 0 };
	size_t			 l, i;
	char			 id[32];

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9001");
	fleet_link_up(&f, l, T0);
	for (t = 0; t < 12000; t += 50) {
		for (i = 0; i < nitems(first); i++) {
			if (t < first[i] || (t - first[i]) % 1000 != 0)
				continue;
			util_format(id, sizeof id, "router/r%zu", i);
			router_stats(&f, l, id, 1000 + t, (uint64_t)t / 100,
			    T0 + t);
		}
		/* The timer runs every 100 ms, but not from 5 s to 7.65 s. */
		if (t % 100 != 0 || (t > 5000 && t < 7650))
			continue;
		check_tick(&f, T0 + t, CLOCK0 + t);
		for (i = 0; i < nitems(first); i++) {
			if (t < first[i])
				continue;
			if (nsamples[i] == 0 || t - last[i] >= 1000) {
				if (nsamples[i] != 0 && t - last[i] < 2000)
					last[i] += 1000;
				else
					last[i] = t;
				nsamples[i]++;
			}
			util_format(id, sizeof id, "router/r%zu", i);
			n = fleet_find(&f, id);
			ck_assert_msg(n->hist_n == nsamples[i] &&
			    n->hist_last_ms == T0 + last[i], "%s at %lld ms: "
			    "%u samples, the last at %lld; expected %u, %lld",
			    id, (long long)t, n->hist_n,
			    (long long)(n->hist_last_ms - T0), nsamples[i],
			    (long long)last[i]);
		}
	}
	fleet_free(&f);
}
END_TEST

/*
 * Thousands of nodes that joined in the same second take their history
 * samples spread over the ticks of FLEET_SAMPLE_SPREAD_MS, not all in one tick;
 * each then takes one a second, never more nor fewer, and each sample
 * is the node's rate, whatever its phase.
 */
START_TEST(history_spread_over_ticks_one_a_second_each)
{
	enum { N = 3000, PER = FLEET_LINK_NODES_DEFAULT };
	struct fleet		 f;
	const struct node	*n;
	size_t			*ix = xcalloc(N, sizeof *ix), l = 0, i, most;
	unsigned		*had = xcalloc(N, sizeof *had), nnew;
	int64_t			*last = xcalloc(N, sizeof *last), t, k;
	char			 id[32];

	fleet_init(&f, "test");
	for (i = 0; i < N; i++) {
		if (i % PER == 0) {
			util_format(id, sizeof id, "ws://127.0.0.1:%zu",
			    9001 + i / PER);
			l = fleet_add_link(&f, id);
			fleet_link_up(&f, l, T0);
		}
		util_format(id, sizeof id, "router/r%zu", i);
		hello(&f, l, id, "smars-2012.08.01", 1, T0);
		/* Two readings a second apart: its rate is i + 1 from now. */
		router_stats(&f, l, id, 1000, 0, T0);
		router_stats(&f, l, id, 2000, i + 1, T0);
		ix[i] = (size_t)(fleet_find(&f, id) - f.nodes);
	}
	most = 0;
	for (t = 0; t <= 6000; t += 100) {
		if (t > 0 && t % 1000 == 0) {
			k = t / 1000 + 1;
			for (i = 0; i < N; i++) {
				util_format(id, sizeof id, "router/r%zu", i);
				router_stats(&f, f.nodes[ix[i]].link, id,
				    1000 + k * 1000, (uint64_t)k * (i + 1),
				    T0 + t);
			}
		}
		fleet_tick(&f, T0 + t, CLOCK0 + t);
		nnew = 0;
		for (i = 0; i < N; i++) {
			n = &f.nodes[ix[i]];
			if (n->hist_n != had[i]) {
				ck_assert_msg(n->hist_n == had[i] + 1 &&
				    (had[i] == 0 || t - last[i] == 1000),
				    "r%zu at %lld ms: %u samples, had %u, the "
				    "last at %lld", i, (long long)t, n->hist_n,
				    had[i], (long long)last[i]);
				ck_assert_float_eq_tol(n->child_hist[
				    (n->hist_head + n->hist_n - 1) %
				    FLEET_HISTORY], (double)(i + 1), 1e-3);
				had[i] = n->hist_n;
				last[i] = t;
				nnew++;
			}
			/* Each has its first within the spread, then one
			 * a second. */
			ck_assert_msg(t < FLEET_SAMPLE_SPREAD_MS ||
			    (had[i] > 0 && t - last[i] < 1000),
			    "r%zu at %lld ms: %u samples, the last at %lld",
			    i, (long long)t, had[i], (long long)last[i]);
		}
		if (nnew > most)
			most = nnew;
	}
	ck_assert_msg(most <= N / 2, "%zu of %d nodes sampled in one tick",
	    most, N);
	fleet_free(&f);
	free(ix);
	free(had);
	free(last);
}
END_TEST

START_TEST(ready_needs_hello_and_two_stats_on_every_link)
{
	struct fleet	f;
	size_t		a, b;

	fleet_init(&f, "test");
	a = fleet_add_link(&f, "ws://127.0.0.1:9001");
	b = fleet_add_link(&f, "ws://127.0.0.1:9002");
	ck_assert_int_eq(fleet_ready(&f), 0);
	fleet_link_up(&f, a, T0);
	fleet_link_up(&f, b, T0);
	hello(&f, a, "router/r1", "smars-2012.08.01", 1, T0);
	router_stats(&f, a, "router/r1", 1000, 10, T0);
	router_stats(&f, a, "router/r1", 2000, 20, T0 + 1000);
	/* Link b has said nothing yet. */
	ck_assert_int_eq(fleet_ready(&f), 0);
	hello(&f, b, "router/r2", "smars-2012.08.01", 1, T0);
	router_stats(&f, b, "router/r2", 1000, 10, T0);
	ck_assert_int_eq(fleet_ready(&f), 0);
	router_stats(&f, b, "router/r2", 2000, 20, T0 + 1000);
	ck_assert_int_eq(fleet_ready(&f), 1);
	fleet_link_down(&f, b, "connection reset", T0 + 2000);
	ck_assert_int_eq(fleet_ready(&f), 0);
	fleet_free(&f);
}
END_TEST

START_TEST(node_clock_runs_at_time_scale)
{
	struct fleet		 f;
	struct node		*n;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	size_t			 l;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9100");
	hello(&f, l, "station/s3", "stations-1", 60, T0);
	n = fleet_find(&f, "station/s3");
	ck_assert_int_eq(fleet_node_clock(n, T0), CLOCK0);
	/* Two real seconds are two minutes of scenario time. */
	ck_assert_int_eq(fleet_node_clock(n, T0 + 2000), CLOCK0 + 120000);

	m->type = MSG_CERT;
	util_copy(m->u.cert.node, sizeof m->u.cert.node, "station/s3");
	m->u.cert.clock_ms = CLOCK0;
	util_copy(m->u.cert.serial, sizeof m->u.cert.serial, "0a1b");
	m->u.cert.not_after_ms = CLOCK0 + 61 * 60000;
	util_copy(m->u.cert.root_holder, sizeof m->u.cert.root_holder,
	    "station/capital");
	ck_assert_int_eq(fleet_apply(&f, l, m, T0), 0);
	n = fleet_find(&f, "station/s3");
	ck_assert_int_eq(fleet_cert_expires_in(n, T0), 61 * 60000);
	ck_assert_int_eq(fleet_cert_expires_in(n, T0 + 1000), 60 * 60000);
	ck_assert(has_event(n, "serial 0a1b"));
	free(m);
	fleet_free(&f);
}
END_TEST

START_TEST(report_gives_rates_and_expectations)
{
	struct fleet			 f;
	struct proto_report_node	 r;
	const struct node		*n;
	size_t				 a, b, i;

	fleet_init(&f, "test");
	a = fleet_add_link(&f, "ws://127.0.0.1:9001");
	b = fleet_add_link(&f, "ws://127.0.0.1:9100");
	fleet_link_up(&f, a, T0);
	fleet_link_up(&f, b, T0);
	hello(&f, a, "router/r1", "smars-2012.08.01", 60, T0);
	hello(&f, b, "station/s3", "stations-1", 60, T0);
	router_stats(&f, a, "router/r1", 1000, 0, T0);
	station_stats(&f, b, "station/s3", 1000, 0, 600, 60000, T0);

	fleet_report_node(&f, fleet_find(&f, "router/r1"), T0, &r);
	ck_assert_str_eq(r.id, "router/r1");
	ck_assert_str_eq(r.url, "ws://127.0.0.1:9001");
	ck_assert_str_eq(r.state, "live");
	ck_assert_int_eq(r.age_ms, 0);
	ck_assert_ptr_nonnull(r.hello);
	ck_assert_ptr_null(r.cert);
	/* One reading: rates not known yet. */
	ck_assert(r.child_rate < 0);
	ck_assert(r.heartbeat_rate < 0);

	for (i = 1; i <= 3; i++) {
		router_stats(&f, a, "router/r1", 1000 + i * 1000, i * 30,
		    T0 + i * 1000);
		station_stats(&f, b, "station/s3", 1000 + i * 1000, i * 600,
		    600, 60000, T0 + i * 1000);
	}
	fleet_report_node(&f, fleet_find(&f, "router/r1"), T0 + 3500, &r);
	ck_assert_double_eq_tol(r.child_rate, 30.0, 1e-9);
	ck_assert_double_eq_tol(r.parent_rate, 3.0, 1e-9);
	ck_assert_int_eq(r.age_ms, 500);
	/* No peer in its group and no history yet: no baseline. */
	ck_assert(r.child_rate_baseline < 0);

	fleet_report_node(&f, fleet_find(&f, "station/s3"), T0 + 3000, &r);
	ck_assert_double_eq_tol(r.heartbeat_rate, 600.0, 1e-9);
	/* 600 devices, one a minute of node clock, at 60x: 600/s. */
	ck_assert_double_eq_tol(r.heartbeat_rate_expected, 600.0, 1e-9);
	ck_assert(r.child_rate < 0);
	/* Each holds readings only of the counters its role sends. */
	n = fleet_find(&f, "station/s3");
	ck_assert_ptr_null(n->parent_rate.s);
	ck_assert_ptr_null(n->child_rate.s);
	ck_assert_ptr_null(n->child_share_rate.s);
	ck_assert_ptr_nonnull(n->heartbeat_rate.s);
	n = fleet_find(&f, "router/r1");
	ck_assert_ptr_nonnull(n->child_rate.s);
	ck_assert_ptr_null(n->heartbeat_rate.s);
	fleet_free(&f);
}
END_TEST

START_TEST(baseline_is_median_of_live_peers)
{
	struct fleet	 f;
	size_t		 l[4], i, npeers;
	char		 id[32];
	static const uint64_t per_s[4] = { 10, 12, 30, 500 };
	int64_t		 t;

	fleet_init(&f, "test");
	for (i = 0; i < 4; i++) {
		util_format(id, sizeof id, "ws://127.0.0.1:900%zu", i + 1);
		l[i] = fleet_add_link(&f, id);
		fleet_link_up(&f, l[i], T0);
		util_format(id, sizeof id, "router/r%zu", i + 1);
		hello(&f, l[i], id, "smars-2012.08.01", 1, T0);
	}
	for (t = 0; t <= 3; t++) {
		for (i = 0; i < 4; i++) {
			util_format(id, sizeof id, "router/r%zu", i + 1);
			router_stats(&f, l[i], id, 1000 + t * 1000,
			    (uint64_t)t * per_s[i], T0 + t * 1000);
		}
	}
	/* r4's peers run at 10, 12 and 30 a second: the median is 12. */
	ck_assert_double_eq_tol(fleet_child_rate_baseline(&f,
	    fleet_find(&f, "router/r4"), &npeers), 12.0, 1e-9);
	ck_assert_uint_eq(npeers, 3);
	/* A peer that is down is not a peer. */
	fleet_link_down(&f, l[1], "connection reset", T0 + 4000);
	ck_assert_double_eq_tol(fleet_child_rate_baseline(&f,
	    fleet_find(&f, "router/r4"), &npeers), 20.0, 1e-9);
	ck_assert_uint_eq(npeers, 2);
	/* The down router is judged against all three live ones. */
	ck_assert_double_eq_tol(fleet_child_rate_baseline(&f,
	    fleet_find(&f, "router/r2"), &npeers), 30.0, 1e-9);
	ck_assert_uint_eq(npeers, 3);
	/* Another group is no peer. */
	hello(&f, l[0], "router/r9", "smars-2012.08.01", 1, T0 + 4000);
	util_copy(fleet_find(&f, "router/r9")->hello.group, PROTO_NAME_MAX,
	    "arca");
	ck_assert_double_eq_tol(fleet_child_rate_baseline(&f,
	    fleet_find(&f, "router/r4"), &npeers), 20.0, 1e-9);
	ck_assert(fleet_child_rate_baseline(&f, fleet_find(&f, "router/r9"),
	    &npeers) < 0);
	ck_assert_uint_eq(npeers, 0);
	fleet_free(&f);
}
END_TEST

/* Does every node hold the baseline a count of the whole fleet gives? */
static void
baselines_agree(struct fleet *f)
{
	double	*all = xcalloc(f->nnodes, sizeof *all);
	size_t	*peers = xcalloc(f->nnodes, sizeof *peers), i;

	fleet_child_rate_baselines(f, all, peers);
	for (i = 0; i < f->nnodes; i++) {
		ck_assert_msg(all[i] == f->nodes[i].child_rate_baseline,
		    "%s: kept baseline %g, counted %g", f->nodes[i].id,
		    f->nodes[i].child_rate_baseline, all[i]);
		ck_assert_uint_eq(peers[i], f->nodes[i].child_rate_npeers);
	}
	free(peers);
	free(all);
}

/*
 * The tick computes baselines again only for the groups whose routers
 * changed (fleet-base.c): through stats, a link down and up again, a
 * router moving group, a router alone on its own history and every
 * router falling silent, every router's baseline stays what counting
 * the whole fleet gives.
 */
START_TEST(kept_baselines_match_full_count)
{
	struct fleet	 f;
	size_t		 l[3], i;
	char		 id[32];
	int64_t		 t, now;

	fleet_init(&f, "test");
	for (i = 0; i < 3; i++) {
		util_format(id, sizeof id, "ws://127.0.0.1:900%zu", i + 1);
		l[i] = fleet_add_link(&f, id);
		fleet_link_up(&f, l[i], T0);
	}
	for (i = 0; i < 9; i++) {
		util_format(id, sizeof id, "router/r%zu", i);
		hello(&f, l[i % 3], id, "smars-2012.08.01", 1, T0);
	}
	hello(&f, l[0], "station/s1", "sms-1", 1, T0);
	for (t = 1; t <= 45; t++) {
		now = T0 + t * 1000;
		for (i = 0; i < 9; i++) {
			if (t >= 10 && t < 20 && i % 3 == 1)
				continue;	/* its link is down */
			util_format(id, sizeof id, "router/r%zu", i);
			router_stats(&f, l[i % 3], id, t * 1000,
			    (uint64_t)(t * t * (i + 1)), now);
		}
		if (t == 10)
			fleet_link_down(&f, l[1], "connection reset", now);
		if (t == 20)
			fleet_link_up(&f, l[1], now);
		if (t == 25) {
			hello_group = "arca";
			hello(&f, l[2], "router/r8", "smars-2012.08.01", 1,
			    now);
			hello_group = "nyse";
		}
		fleet_tick(&f, now, now);
		baselines_agree(&f);
	}
	/* Every router falls silent: none is a peer of another now. */
	now += FLEET_STALE_MS + 1;
	fleet_tick(&f, now, now);
	ck_assert_int_eq(fleet_find(&f, "router/r0")->state, NODE_STALE);
	baselines_agree(&f);
	/* r8, alone in its group, is judged on its own history. */
	ck_assert(fleet_find(&f, "router/r8")->child_rate_baseline > 0);
	ck_assert_uint_eq(fleet_find(&f, "router/r8")->child_rate_npeers, 0);
	fleet_free(&f);
}
END_TEST

START_TEST(history_sampled_once_a_second)
{
	struct fleet	 f;
	struct node	*n;
	size_t		 l;
	int64_t		 t;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9001");
	fleet_link_up(&f, l, T0);
	hello(&f, l, "router/r1", "smars-2012.08.01", 1, T0);
	for (t = 0; t < 10000; t += 250) {
		if (t % 1000 == 0)
			router_stats(&f, l, "router/r1", 1000 + t,
			    (uint64_t)t / 100, T0 + t);
		check_tick(&f, T0 + t, CLOCK0 + t);
	}
	n = fleet_find(&f, "router/r1");
	ck_assert_uint_eq(n->hist_n, 10);
	ck_assert_float_eq_tol(n->child_hist[(n->hist_head + 9) %
	    FLEET_HISTORY], 10.0, 1e-6);
	fleet_free(&f);
}
END_TEST

START_TEST(frames_decode_into_model_and_bad_ones_say_why)
{
	struct fleet		 f;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*frame, cause[PROTO_TEXT_MAX];
	size_t			 l;
	static const char	 bad[] = "{\"type\":\"stats\",\"node\":"
				    "\"router/r3\",\"role\":\"router\"}";

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9003");
	fleet_link_up(&f, l, T0);
	m->type = MSG_HELLO;
	util_copy(m->u.hello.node, sizeof m->u.hello.node, "router/r3");
	m->u.hello.role = ROLE_ROUTER;
	util_copy(m->u.hello.group, sizeof m->u.hello.group, hello_group);
	util_copy(m->u.hello.build, sizeof m->u.hello.build,
	    "smars-2012.08.01");
	m->u.hello.version = 1;
	m->u.hello.clock_ms = CLOCK0;
	m->u.hello.time_scale = 1;
	m->u.hello.link_nodes = 1;
	frame = proto_encode(m);
	ck_assert_int_eq(fleet_receive(&f, l, frame, strlen(frame), T0, cause,
	    sizeof cause), 0);
	free(frame);
	ck_assert_ptr_nonnull(fleet_find(&f, "router/r3"));
	ck_assert_str_eq(fleet_find(&f, "router/r3")->hello.build,
	    "smars-2012.08.01");

	ck_assert_int_eq(fleet_receive(&f, l, bad, strlen(bad), T0, cause,
	    sizeof cause), -1);
	ck_assert_msg(strstr(cause, "stats") != NULL, "cause: %s", cause);
	ck_assert_str_eq(f.links[l].error, cause);
	ck_assert_uint_eq(f.links[l].frames, 2);
	ck_assert_uint_eq(f.links[l].bad_frames, 1);
	free(m);
	fleet_free(&f);
}
END_TEST

/*
 * A station's blacklist as its latest stats give it, however long the
 * one before: the model keeps only the entries a frame holds, and every
 * field after them.
 */
/*
 * A node is held in under 16 KB: a hello's builds and operators, and a
 * station's blacklist, are kept apart, sized by what they hold (they
 * were 31 KB inline, most of it a 32-entry blacklist rarely used).
 */
START_TEST(a_node_is_held_in_under_16_kb)
{
	ck_assert_msg(sizeof (struct node) <= 16 * 1024, "struct node is "
	    "%zu bytes", sizeof (struct node));
	ck_assert_msg(sizeof (struct proto_msg) <= 4 * 1024, "a decoded "
	    "frame is %zu bytes", sizeof (struct proto_msg));
}
END_TEST

/* Feed a router's hello listing n builds, the first active. */
static void
hello_builds(struct fleet *f, size_t link, const char *id,
    const char *const *builds, size_t n, int64_t now)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	size_t			 i;

	m->type = MSG_HELLO;
	util_copy(m->u.hello.node, sizeof m->u.hello.node, id);
	m->u.hello.role = ROLE_ROUTER;
	util_copy(m->u.hello.group, sizeof m->u.hello.group, hello_group);
	util_copy(m->u.hello.build, sizeof m->u.hello.build, builds[0]);
	m->u.hello.version = 1;
	m->u.hello.clock_ms = CLOCK0 + (now - T0);
	m->u.hello.time_scale = 1;
	proto_hello_builds(&m->u.hello, n);
	for (i = 0; i < n; i++) {
		util_copy(m->u.hello.builds[i].id,
		    sizeof m->u.hello.builds[i].id, builds[i]);
		m->u.hello.builds[i].active = i == 0;
	}
	ck_assert_int_eq(fleet_apply(f, link, m, now), 0);
	proto_msg_clear(m);
	free(m);
}

/*
 * Each node's builds as its latest hello lists them: nodes listing the
 * same builds share one table, and one listing others later has its
 * own while the rest keep theirs.
 */
START_TEST(builds_are_each_nodes_latest)
{
	static const char *const two[] = { "smars-2012.08.01",
	    "smars-2012.07.31" };
	static const char *const one[] = { "smars-2012.08.02" };
	struct fleet		 f;
	const struct node	*r1, *r2;
	size_t			 l;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9003");
	fleet_link_up(&f, l, T0);
	hello_builds(&f, l, "router/r1", two, 2, T0);
	hello_builds(&f, l, "router/r2", two, 2, T0);
	ck_assert_ptr_nonnull(r1 = fleet_find(&f, "router/r1"));
	ck_assert_ptr_nonnull(r2 = fleet_find(&f, "router/r2"));
	ck_assert_ptr_eq(r1->hello.builds, r2->hello.builds);
	hello_builds(&f, l, "router/r2", one, 1, T0 + 1000);
	ck_assert_uint_eq(r2->hello.nbuilds, 1);
	ck_assert_str_eq(r2->hello.builds[0].id, "smars-2012.08.02");
	ck_assert_uint_eq(r1->hello.nbuilds, 2);
	ck_assert_str_eq(r1->hello.builds[0].id, "smars-2012.08.01");
	ck_assert_str_eq(r1->hello.builds[1].id, "smars-2012.07.31");
	hello_builds(&f, l, "router/r3", two, 2, T0 + 2000);
	ck_assert_str_eq(fleet_find(&f, "router/r3")->hello.builds[1].id,
	    "smars-2012.07.31");
	hello_builds(&f, l, "router/r1", one, 0, T0 + 3000);
	ck_assert_ptr_null(r1->hello.builds);
	fleet_free(&f);
}
END_TEST

START_TEST(blacklist_is_the_latest_stats_one)
{
	struct fleet		 f;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	struct proto_station_stats *ss = &m->u.stats.station;
	struct proto_blacklist	*bl = xcalloc(PROTO_MAX_BLACKLIST,
				    sizeof *bl);
	const struct node	*n;
	size_t			 l, i;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9003");
	fleet_link_up(&f, l, T0);
	m->type = MSG_STATS;
	util_copy(m->u.stats.node, sizeof m->u.stats.node, "station/s1");
	m->u.stats.role = ROLE_STATION;
	m->u.stats.clock_ms = CLOCK0;
	m->u.stats.uptime_ms = 1000;
	ss->blacklist = bl;
	ss->nblacklist = PROTO_MAX_BLACKLIST;
	for (i = 0; i < PROTO_MAX_BLACKLIST; i++)
		util_format(ss->blacklist[i].peer,
		    sizeof ss->blacklist[i].peer, "station/s%zu", 10 + i);
	ck_assert_int_eq(fleet_apply(&f, l, m, T0), 0);
	memset(ss, 0, sizeof *ss);
	memset(bl, 0, PROTO_MAX_BLACKLIST * sizeof *bl);
	ss->blacklist = bl;
	ss->nblacklist = 1;
	util_copy(ss->blacklist[0].peer, sizeof ss->blacklist[0].peer,
	    "station/capital");
	ss->messages_rejected_total = 7;
	m->u.stats.uptime_ms = 2000;
	ck_assert_int_eq(fleet_apply(&f, l, m, T0 + 1000), 0);
	n = fleet_find(&f, "station/s1");
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->stats.station.nblacklist, 1);
	ck_assert_str_eq(n->stats.station.blacklist[0].peer,
	    "station/capital");
	ck_assert_uint_eq(n->stats.station.messages_rejected_total, 7);

	/* Sized by what it holds: none, nothing kept. */
	ss->nblacklist = 0;
	m->u.stats.uptime_ms = 3000;
	ck_assert_int_eq(fleet_apply(&f, l, m, T0 + 2000), 0);
	ck_assert_uint_eq(n->stats.station.nblacklist, 0);
	ck_assert_ptr_null(n->stats.station.blacklist);
	free(bl);
	free(m);
	fleet_free(&f);
}
END_TEST

START_TEST(error_message_reaches_link_and_node)
{
	struct fleet		 f;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	size_t			 l;

	fleet_init(&f, "test");
	l = fleet_add_link(&f, "ws://127.0.0.1:9003");
	fleet_link_up(&f, l, T0);
	hello(&f, l, "router/r3", "smars-2012.08.01", 1, T0);
	m->type = MSG_ERROR;
	util_copy(m->u.error.node, sizeof m->u.error.node, "router/r3");
	util_copy(m->u.error.text, sizeof m->u.error.text, "approve from "
	    "alice refused: alice already signed this command");
	ck_assert_int_eq(fleet_apply(&f, l, m, T0 + 10), 0);
	ck_assert_str_eq(f.links[l].error, m->u.error.text);
	ck_assert(has_event(fleet_find(&f, "router/r3"),
	    "alice already signed"));
	/* A type the console never takes from a backend is said, too. */
	m->type = MSG_PROPOSE;
	ck_assert_int_eq(fleet_apply(&f, l, m, T0 + 20), -1);
	ck_assert_ptr_nonnull(strstr(f.links[l].error, "ignored"));
	free(m);
	fleet_free(&f);
}
END_TEST

START_TEST(backend_alert_counts_reports)
{
	struct fleet		 f;
	struct seen		 seen = { 0 };
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	struct alert		*a;
	size_t			 l;
	int			 i;

	fleet_init(&f, "test");
	check_watch(&f);
	f.notify = note;
	f.notify_arg = &seen;
	l = fleet_add_link(&f, "ws://127.0.0.1:9008");
	hello(&f, l, "router/r8", "smars-2012.07.31-old", 1, T0);
	m->type = MSG_ALERT;
	util_copy(m->u.alert.node, sizeof m->u.alert.node, "router/r8");
	m->u.alert.severity = SEV_WARNING;
	util_copy(m->u.alert.code, sizeof m->u.alert.code, "power-peg");
	util_copy(m->u.alert.text, sizeof m->u.alert.text,
	    "SMARS: Power Peg disabled");
	for (i = 0; i < 97; i++)
		fleet_apply(&f, l, m, T0 + i);
	a = alert_find(&f.alerts, "backend", "power-peg", "router/r8");
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(f.alerts.n, 1);
	ck_assert_uint_eq(a->count, 97);
	ck_assert_int_eq(a->active, 1);
	/* Without words from the backend the console still gives some. */
	ck_assert_ptr_nonnull(strstr(a->cause, "router/r8"));
	ck_assert_int_eq(seen.alert_changes, 1);
	/* The rules' run does not clear what a backend raised. */
	check_tick(&f, T0 + 100, CLOCK0);
	ck_assert_int_eq(a->active, 1);
	m->u.alert.clear = 1;
	fleet_apply(&f, l, m, T0 + 200);
	ck_assert_int_eq(a->active, 0);
	ck_assert_int_eq(seen.alert_changes, 2);
	free(m);
	fleet_free(&f);
}
END_TEST

/* Send the backend alert code from node, or clear it. */
static void
warn(struct fleet *f, size_t l, const char *node, const char *code,
    int clear, int64_t t)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);

	m->type = MSG_ALERT;
	util_copy(m->u.alert.node, sizeof m->u.alert.node, node);
	m->u.alert.severity = SEV_CRITICAL;
	util_copy(m->u.alert.code, sizeof m->u.alert.code, code);
	util_format(m->u.alert.text, sizeof m->u.alert.text,
	    "%s could not renew its certificate", node);
	m->u.alert.clear = clear;
	fleet_apply(f, l, m, t);
	free(m);
}

START_TEST(one_backend_warning_from_many_nodes_is_one_alert)
{
	struct fleet	 f;
	struct alert	*a;
	char		 id[32];
	size_t		 l;
	int		 i;

	fleet_init(&f, "test");
	check_watch(&f);
	l = fleet_add_link(&f, "ws://127.0.0.1:9008");
	for (i = 1; i <= 30; i++) {
		util_format(id, sizeof id, "station/s%d", i);
		warn(&f, l, id, "renewal", 0, T0 + i);
	}
	ck_assert_uint_eq(f.alerts.n, 1);
	a = &f.alerts.v[0];
	ck_assert_str_eq(a->rule, "backend");
	ck_assert_uint_eq(a->nodes_total, 30);
	ck_assert_uint_eq(a->count, 30);
	ck_assert_str_eq(a->text, "30 stations report renewal; latest, from "
	    "station/s30: station/s30 could not renew its certificate");
	/* It stands through the rules' runs while any node stands in it. */
	check_tick(&f, T0 + 100, CLOCK0);
	for (i = 1; i < 30; i++) {
		util_format(id, sizeof id, "station/s%d", i);
		warn(&f, l, id, "renewal", 1, T0 + 200 + i);
	}
	check_tick(&f, T0 + 300, CLOCK0);
	ck_assert_int_eq(a->active, 1);
	ck_assert_uint_eq(a->nodes_total, 1);
	ck_assert_str_eq(a->text, "station/s30 could not renew its "
	    "certificate");
	warn(&f, l, "station/s30", "renewal", 1, T0 + 400);
	ck_assert_int_eq(a->active, 0);
	check_tick(&f, T0 + 500, CLOCK0);
	ck_assert_int_eq(a->active, 0);
	fleet_free(&f);
}
END_TEST

Suite *
fleet_suite(void)
{
	Suite	*s = suite_create("fleet");
	TCase	*tc = tcase_create("fleet");

	/*
	 * Check's 4 s is tight for the history test (61 ticks of 3,000
	 * nodes) on a loaded machine: it ran out at load 12, where alone it
	 * takes under a second.
	 */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, hello_creates_node_with_what_it_said);
	tcase_add_test(tc, stats_before_hello_are_kept);
	tcase_add_test(tc, counter_reset_is_counted_and_logged);
	tcase_add_test(tc, live_stale_down_live_with_notifications);
	tcase_add_test(tc, ready_needs_hello_and_two_stats_on_every_link);
	tcase_add_test(tc, node_clock_runs_at_time_scale);
	tcase_add_test(tc, report_gives_rates_and_expectations);
	tcase_add_test(tc, baseline_is_median_of_live_peers);
	tcase_add_test(tc, history_sampled_once_a_second);
	tcase_add_test(tc, frames_decode_into_model_and_bad_ones_say_why);
	tcase_add_test(tc, blacklist_is_the_latest_stats_one);
	tcase_add_test(tc, builds_are_each_nodes_latest);
	tcase_add_test(tc, a_node_is_held_in_under_16_kb);
	tcase_add_test(tc, error_message_reaches_link_and_node);
	tcase_add_test(tc, backend_alert_counts_reports);
	tcase_add_test(tc, one_backend_warning_from_many_nodes_is_one_alert);
	tcase_add_test(tc, kept_baselines_match_full_count);
	tcase_add_test(tc, outage_event_lines_are_shared_and_true);
	tcase_add_test(tc, history_beats_apart_and_after_a_late_timer);
	tcase_add_test(tc, history_spread_over_ticks_one_a_second_each);
	suite_add_tcase(s, tc);
	return (s);
}
