/*
 * check_sim.c: the scenarios as an operator would watch them, driven by a
 * fake real clock handed to sim_create() and sim_step() (no sleeping):
 * knight's warnings and runaway at the open, capital's blacklist cascade
 * and failed renewals, calm's uneventful hour, and the errors in words;
 * and the kill switch carried out on a node: knight's r8 stops sending
 * child orders within one step, halts, is killed, and resumes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "sim.h"
#include "tests.h"
#include "util.h"
#include "e2e.h"

#define REAL_T0		1000000		/* any monotonic start */

/* Options for scenario name with every count left to its default. */
static struct sim_options
options_for(const char *name)
{
	struct sim_options	o;

	memset(&o, 0, sizeof o);
	o.scenario = name;
	o.start_s = -1;
	return (o);
}

/* Create a simulator or fail the test with the sentence. */
static struct sim *
create_or_fail(const struct sim_options *o, int64_t real)
{
	struct sim	*sim;
	char		*cause = NULL;

	sim = sim_create(o, real, &cause);
	ck_assert_msg(sim != NULL, "sim_create: %s", cause);
	return (sim);
}

/* The sentence sim_create refuses o with (the test frees it). */
static char *
refusal(const struct sim_options *o)
{
	struct sim	*sim;
	char		*cause = NULL;

	sim = sim_create(o, REAL_T0, &cause);
	ck_assert_ptr_null(sim);
	ck_assert_ptr_nonnull(cause);
	return (cause);
}

/* Node index of id, failing the test if there is none. */
static size_t
node_index(const struct sim *sim, const char *id)
{
	size_t	i;

	for (i = 0; i < sim_nnodes(sim); i++) {
		if (strcmp(sim_node_id(sim, i), id) == 0)
			return (i);
	}
	ck_abort_msg("no node %s", id);
	return (0);
}

/* "HH:MM:SS" of the simulator's clock. */
static const char *
clock_text(const struct sim *sim)
{
	static char	buf[16];

	return (util_clock_text(sim_clock_ms(sim), buf, sizeof buf));
}

/* Seconds after midnight of the simulator's clock. */
static int64_t
clock_s(const struct sim *sim)
{
	return (sim_clock_ms(sim) / 1000 % 86400);
}

/* Step calm 100 real ms at a time to node clock until_ms, no alert critical. */
static void
calm_run_until(struct sim *sim, int64_t *real, int64_t until_ms)
{
	struct proto_alert	a;

	while (sim_clock_ms(sim) < until_ms) {
		*real += 100;
		sim_step(sim, *real);
		while (sim_next_alert(sim, &a))
			ck_assert_msg(a.severity != SEV_CRITICAL,
			    "critical alert in calm from %s: %s", a.node,
			    a.text);
	}
}

START_TEST(knight_warns_before_the_open_and_r8_runs_away_after_it)
{
	struct sim_options	 o = options_for("knight");
	struct sim		*sim;
	struct proto_hello	 h;
	struct proto_stats	 st;
	struct proto_alert	 a;
	const struct proto_alert *standing;
	int64_t			 real = REAL_T0;
	size_t			 i, r8, warnings = 0;
	char			 id[32];
	int			 k;

	o.start_s = 9 * 3600 + 29 * 60 + 50;
	sim = create_or_fail(&o, real);
	ck_assert_str_eq(sim_scenario_name(sim), "knight");
	ck_assert_uint_eq(sim_nnodes(sim), 8);
	/* 2012-08-01 09:29:50 UTC. */
	ck_assert_int_eq(sim_clock_ms(sim), 1343813390000LL);
	for (i = 0; i < 8; i++) {
		util_format(id, sizeof id, "router/r%zu", i + 1);
		ck_assert_str_eq(sim_node_id(sim, i), id);
		ck_assert_int_eq(sim_node_role(sim, i), ROLE_ROUTER);
		sim_node_hello(sim, i, &h);
		ck_assert_str_eq(h.node, id);
		ck_assert_str_eq(h.group, "nyse");
		ck_assert_str_eq(h.scenario, "knight");
		ck_assert_int_eq(h.link_nodes, 1);
		ck_assert(h.time_scale == 60);
		ck_assert_uint_eq(h.nflags, 1);
		ck_assert_str_eq(h.flags[0].name, "rlp");
		ck_assert_int_eq(h.flags[0].on, 1);
		if (i < 7) {
			ck_assert_str_eq(h.build, "smars-2012.08.01");
			ck_assert_str_eq(h.flags[0].path, "retail_liquidity");
			/* The new build, active, and the old one. */
			ck_assert_uint_eq(h.nbuilds, 2);
			ck_assert_str_eq(h.builds[0].id, "smars-2012.08.01");
			ck_assert_int_eq(h.builds[0].active, 1);
			ck_assert_str_eq(h.builds[0].retired[0].path,
			    "power_peg");
			ck_assert_str_eq(h.builds[1].id,
			    "smars-2012.07.31-old");
			ck_assert_int_eq(h.builds[1].active, 0);
			ck_assert_str_eq(h.builds[1].manifest[0].path,
			    "power_peg");
		} else {
			ck_assert_str_eq(h.build, "smars-2012.07.31-old");
			ck_assert_str_eq(h.flags[0].path, "power_peg");
			/* The copy of the new build to r8 failed. */
			ck_assert_uint_eq(h.nbuilds, 1);
			ck_assert_str_eq(h.builds[0].id,
			    "smars-2012.07.31-old");
			ck_assert_int_eq(h.builds[0].active, 1);
		}
		proto_hello_clear(&h);
	}
	r8 = node_index(sim, "router/r8");

	/* Before the open: warnings from r8 only, no runaway anywhere. */
	while (clock_s(sim) < 9 * 3600 + 30 * 60 - 6) {
		real += 100;
		sim_step(sim, real);
		while (sim_next_alert(sim, &a)) {
			ck_assert_str_eq(a.node, "router/r8");
			ck_assert_str_eq(a.code, "power-peg");
			ck_assert_int_eq(a.severity, SEV_WARNING);
			ck_assert_str_eq(a.text, "Power Peg disabled");
			ck_assert_ptr_nonnull(strstr(a.cause, "power_peg"));
			ck_assert_ptr_nonnull(strstr(a.action, "rlp"));
			warnings++;
		}
		for (i = 0; i < 8; i++) {
			sim_node_stats(sim, i, &st);
			ck_assert_msg(st.router.worst_ratio <= 1.0,
			    "%s ran away before the open at %s", st.node,
			    clock_text(sim));
		}
	}
	ck_assert_uint_ge(warnings, 1);
	ck_assert_uint_eq(sim_node_alerts(sim, r8, &standing), 1);
	ck_assert_str_eq(standing[0].code, "power-peg");
	ck_assert_uint_eq(sim_node_alerts(sim, 0, &standing), 0);

	/* After the open: five real seconds of rlp parents. */
	while (clock_s(sim) < 9 * 3600 + 30 * 60) {
		real += 100;
		sim_step(sim, real);
	}
	for (k = 0; k < 50; k++) {
		real += 100;
		sim_step(sim, real);
		for (i = 0; i < 7; i++) {
			sim_node_stats(sim, i, &st);
			ck_assert_msg(st.router.worst_ratio <= 1.0,
			    "%s on the new build exceeded a parent", st.node);
		}
	}
	sim_node_stats(sim, r8, &st);
	ck_assert_msg(st.router.worst_ratio > 1.0, "r8 worst ratio %g",
	    st.router.worst_ratio);
	ck_assert_uint_gt(st.router.child_shares_total,
	    st.router.parent_shares_total);
	ck_assert_str_ne(st.router.worst_parent, "");
	ck_assert_int_eq(st.clock_ms, sim_clock_ms(sim));
	ck_assert_int_eq(st.uptime_ms, real - REAL_T0);
	while (sim_next_alert(sim, &a))
		ck_assert_str_ne(a.code, "power-peg");	/* none after */
	sim_free(sim);
}
END_TEST

START_TEST(knight_warnings_start_at_0801_every_scenario_minute)
{
	struct sim_options	 o = options_for("knight");
	struct sim		*sim;
	struct proto_alert	 a;
	int64_t			 real = REAL_T0, last = 0;
	size_t			 n = 0;
	char			 buf[16];

	sim = create_or_fail(&o, real);
	ck_assert_str_eq(clock_text(sim), "08:00:00");
	ck_assert_int_eq(sim_next_alert(sim, &a), 0);
	while (clock_s(sim) < 8 * 3600 + 5 * 60 + 30) {
		real += 500;
		sim_step(sim, real);
		while (sim_next_alert(sim, &a)) {
			if (n == 0)
				ck_assert_str_eq(util_clock_text(a.clock_ms,
				    buf, sizeof buf), "08:01:00");
			else
				ck_assert_int_eq(a.clock_ms - last, 60000);
			last = a.clock_ms;
			n++;
		}
	}
	ck_assert_uint_eq(n, 5);	/* 08:01 .. 08:05 */
	sim_free(sim);
}
END_TEST

START_TEST(capital_is_blacklisted_renewal_fails_and_devices_count_down)
{
	struct sim_options	 o = options_for("capital");
	struct sim		*sim;
	struct proto_stats	 st;
	struct proto_cert	 c;
	struct proto_alert	 a;
	int64_t			 real = REAL_T0, shortest = -1;
	size_t			 i, cap, n, blacklisted = 0, failed = 0;
	size_t			 dark = 0, bl_alerts = 0, renew_alerts = 0;
	int			 update = 0, first_bl = 0, changed;

	sim = create_or_fail(&o, real);
	ck_assert_str_eq(clock_text(sim), "13:59:50");
	ck_assert(sim_time_scale(sim) == 2);
	n = sim_nnodes(sim);
	ck_assert_uint_eq(n, 38);
	cap = node_index(sim, "station/capital");
	ck_assert_int_eq(sim_node_cert(sim, cap, &c, &changed), 0);
	ck_assert_int_eq(c.holds_root, 1);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(sim_node_cert(sim, cap, &c, &changed), 0);
	ck_assert_int_eq(changed, 0);

	/* Like a running fleet: each certificate has about a minute left. */
	for (i = 0; i < n; i++) {
		sim_node_cert(sim, i, &c, NULL);
		ck_assert_int_ge(c.not_after_ms - sim_clock_ms(sim), 60000);
		ck_assert_int_le(c.not_after_ms - sim_clock_ms(sim), 95000);
		ck_assert_str_eq(c.root_holder, "station/capital");
	}

	while (clock_s(sim) < 14 * 3600 + 5 * 60) {
		real += 500;
		sim_step(sim, real);
		while (sim_next_alert(sim, &a)) {
			if (strcmp(a.code, "update") == 0) {
				ck_assert_str_eq(a.node, "station/capital");
				ck_assert_int_eq(a.severity, SEV_INFO);
				update = 1;
			} else if (strcmp(a.code, "blacklist") == 0) {
				/* The neighbour that got the message first. */
				if (bl_alerts++ == 0) {
					ck_assert_str_eq(a.node, "station/s12");
					first_bl = 1;
				}
				ck_assert_ptr_nonnull(strstr(a.text,
				    "blacklisted station/capital"));
				ck_assert_ptr_nonnull(strstr(a.cause,
				    "malformed"));
			} else if (strcmp(a.code, "renewal") == 0 &&
			    a.severity == SEV_CRITICAL) {
				ck_assert_ptr_nonnull(strstr(a.cause,
				    "blacklisted station/capital"));
				renew_alerts++;
			}
		}
		for (i = 0; i < n; i++) {
			if (i == cap)
				continue;
			sim_node_stats(sim, i, &st);
			if (st.station.device_countdown_ms >= 0 &&
			    (shortest < 0 ||
			    st.station.device_countdown_ms < shortest))
				shortest = st.station.device_countdown_ms;
		}
	}
	ck_assert_int_eq(update, 1);
	ck_assert_int_eq(first_bl, 1);
	ck_assert_uint_ge(bl_alerts, 30);
	ck_assert_uint_ge(renew_alerts, 30);
	ck_assert_int_ge(shortest, 0);
	ck_assert_int_lt(shortest, 60000);

	for (i = 0; i < n; i++) {
		sim_node_stats(sim, i, &st);
		sim_node_cert(sim, i, &c, NULL);
		if (i == cap) {
			ck_assert_uint_eq(st.station.nblacklist, 0);
			ck_assert_uint_eq(st.station.devices_failed, 0);
			continue;
		}
		if (st.station.nblacklist > 0) {
			ck_assert_str_eq(st.station.blacklist[0].peer,
			    "station/capital");
			ck_assert_str_eq(st.station.blacklist[0].reported_by,
			    "station/s12");
			blacklisted++;
		}
		if (st.station.renewals_failed_total > 0) {
			ck_assert_int_eq(c.last_renewal_ok, 0);
			ck_assert_ptr_nonnull(strstr(c.last_renewal_error,
			    "blacklisted"));
			failed++;
		}
		if (st.station.devices_failed == st.station.devices &&
		    st.station.devices > 0)
			dark++;
	}
	ck_assert_uint_ge(blacklisted, 30);
	ck_assert_uint_ge(failed, 30);
	ck_assert_uint_ge(dark, 30);
	sim_free(sim);
}
END_TEST

/*
 * A calm fleet's stations renew across the hour, not all in its first
 * 20 s: in the first minute after 10:00 most of them do not renew, yet
 * each renews once in the hour and no certificate runs out.
 */
START_TEST(calm_stations_renew_across_the_hour_not_at_once)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_stats	 st;
	uint64_t		 before[16];
	int64_t			 real = REAL_T0, start;
	size_t			 i, n, stations = 0, renewed = 0;

	sim = create_or_fail(&o, real);
	n = sim_nnodes(sim);
	ck_assert_uint_le(n, 16);
	for (i = 0; i < n; i++) {
		sim_node_stats(sim, i, &st);
		before[i] = st.role == ROLE_STATION ?
		    st.station.renewals_ok_total : 0;
	}
	start = sim_clock_ms(sim);
	calm_run_until(sim, &real, start + 60 * 1000);
	for (i = 0; i < n; i++) {
		sim_node_stats(sim, i, &st);
		if (st.role != ROLE_STATION)
			continue;
		stations++;
		if (st.station.renewals_ok_total > before[i])
			renewed++;
	}
	ck_assert_uint_eq(stations, 6);
	ck_assert_msg(renewed <= stations / 2, "%zu of %zu stations renewed "
	    "in the hour's first minute", renewed, stations);
	calm_run_until(sim, &real, start + 3600 * 1000);
	for (i = 0; i < n; i++) {
		sim_node_stats(sim, i, &st);
		if (st.role == ROLE_STATION)
			ck_assert_uint_eq(st.station.renewals_ok_total,
			    before[i] + 1);
	}
	sim_free(sim);
}
END_TEST

/*
 * The server asks sim_node_cert_changed() at every step before it fills
 * a station's cert report: it must say "may have changed" whenever the
 * report would, so a renewal's new certificate (a new serial, shown in
 * the Certs view) still goes out; and "no" in between, which is what
 * saves the filling.  Run in lockstep with sim_node_cert() through the
 * calm hour's renewals.
 */
START_TEST(calm_cert_changed_agrees_with_the_report_through_renewals)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_cert	 c;
	char			 serial[16][64];
	int64_t			 real = REAL_T0, start;
	size_t			 i, n, renewals = 0, quiet = 0;
	int			 may, changed;

	sim = create_or_fail(&o, real);
	n = sim_nnodes(sim);
	ck_assert_uint_le(n, 16);
	for (i = 0; i < n; i++) {
		if (sim_node_cert(sim, i, &c, &changed) != 0) {
			ck_assert_int_eq(sim_node_cert_changed(sim, i), 0);
			continue;
		}
		ck_assert_int_eq(changed, 1);
		util_copy(serial[i], sizeof serial[i], c.serial);
		ck_assert_int_eq(sim_node_cert_changed(sim, i), 0);
	}
	start = sim_clock_ms(sim);
	while (sim_clock_ms(sim) < start + 3600 * 1000) {
		/* Each round is one step: 100 real ms, 6 node s. */
		calm_run_until(sim, &real, sim_clock_ms(sim) + 1);
		for (i = 0; i < n; i++) {
			may = sim_node_cert_changed(sim, i);
			if (sim_node_cert(sim, i, &c, &changed) != 0)
				continue;
			ck_assert_msg(may || !changed, "%s: its report "
			    "changed (serial %s, was %s) but "
			    "sim_node_cert_changed said no", c.node,
			    c.serial, serial[i]);
			if (!may) {
				quiet++;
				ck_assert_str_eq(c.serial, serial[i]);
				continue;
			}
			if (strcmp(c.serial, serial[i]) != 0)
				renewals++;
			util_copy(serial[i], sizeof serial[i], c.serial);
			ck_assert_int_eq(sim_node_cert_changed(sim, i), 0);
		}
	}
	/* Six stations, each renewed in the hour, quiet otherwise. */
	ck_assert_uint_ge(renewals, 6);
	ck_assert_uint_gt(quiet, 6 * 500);
	sim_free(sim);
}
END_TEST

/*
 * A console's introduction (sim_node_cert() without changed, as the
 * server gives a console that connects the certificate as it stands)
 * does not take a change from the consoles already watching: the
 * report changed since they were sent one, and the next step's check
 * must still say so.  It used to note the report as sent, so a root
 * holder changed between steps (move-root) and a console connecting
 * before the next step left the others with the old holder.
 */
START_TEST(calm_an_introduction_leaves_a_change_for_the_others)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_cert	 c;
	int64_t			 real = REAL_T0, start;
	size_t			 i, n, seen = 0;
	int			 changed;

	sim = create_or_fail(&o, real);
	n = sim_nnodes(sim);
	for (i = 0; i < n; i++)
		(void)sim_node_cert(sim, i, &c, &changed);
	start = sim_clock_ms(sim);
	while (seen == 0 && sim_clock_ms(sim) < start + 3600 * 1000) {
		calm_run_until(sim, &real, sim_clock_ms(sim) + 1);
		for (i = 0; i < n; i++) {
			if (!sim_node_cert_changed(sim, i))
				continue;
			/* A console connects before the others hear it. */
			ck_assert_int_eq(sim_node_cert(sim, i, &c, NULL), 0);
			ck_assert_msg(sim_node_cert_changed(sim, i), "%s: "
			    "introducing a console hid its renewal from the "
			    "others", c.node);
			ck_assert_int_eq(sim_node_cert(sim, i, &c, &changed),
			    0);
			ck_assert_int_eq(changed, 1);
			ck_assert_int_eq(sim_node_cert_changed(sim, i), 0);
			seen++;
		}
	}
	ck_assert_uint_ge(seen, 1);
	sim_free(sim);
}
END_TEST

/*
 * The clock starts when serving does (sim_begin): a minute spent starting
 * is not played on the first step, which at scale 60 would be an hour of
 * renewals and a minute of parent orders at once.
 */
START_TEST(calm_clock_starts_with_serving_not_at_creation)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_stats	 st;
	int64_t			 real = REAL_T0 + 60 * 1000;
	size_t			 i;

	sim = create_or_fail(&o, REAL_T0);
	sim_begin(sim, real);
	sim_step(sim, real + 100);
	ck_assert_str_eq(clock_text(sim), "10:00:06");
	for (i = 0; i < sim_nnodes(sim); i++) {
		sim_node_stats(sim, i, &st);
		ck_assert_int_eq(st.uptime_ms, st.role == ROLE_ROUTER ? 100 :
		    0);
		if (st.role == ROLE_ROUTER)
			ck_assert_uint_eq(st.router.parents_refused_total, 0);
	}
	sim_free(sim);
}
END_TEST

START_TEST(calm_hour_renews_every_certificate_and_fails_nothing)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_stats	 st;
	int64_t			 real = REAL_T0, start;
	size_t			 i, n, routers = 0, stations = 0;

	sim = create_or_fail(&o, real);
	ck_assert_str_eq(clock_text(sim), "10:00:00");
	n = sim_nnodes(sim);
	start = sim_clock_ms(sim);
	calm_run_until(sim, &real, start + 3600 * 1000 + 30 * 1000);
	for (i = 0; i < n; i++) {
		sim_node_stats(sim, i, &st);
		if (st.role == ROLE_ROUTER) {
			routers++;
			ck_assert(st.router.worst_ratio <= 1.0);
			ck_assert_uint_le(st.router.child_shares_total,
			    st.router.parent_shares_total);
			ck_assert_uint_gt(st.router.child_orders_total, 0);
			continue;
		}
		stations++;
		ck_assert_uint_eq(st.station.renewals_failed_total, 0);
		/* At its slot in the warm-up's hour and in 10:00's. */
		ck_assert_uint_ge(st.station.renewals_ok_total, 2);
		ck_assert_uint_eq(st.station.devices_failed, 0);
		ck_assert_uint_eq(st.station.devices, 200);
		ck_assert_int_gt(st.station.device_countdown_ms, 60000);
	}
	ck_assert_uint_eq(routers, 4);
	ck_assert_uint_eq(stations, 6);
	sim_free(sim);
}
END_TEST

/*
 * A station's stats between two of its ticks carry the uptime of the
 * last tick: stats go out more often than stations tick, and two frames
 * with more uptime but the same heartbeats read as a rate of zero (a
 * calm fleet then showed a critical heartbeat alert now and then).
 */
START_TEST(station_stats_between_ticks_keep_the_ticks_uptime)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_stats	 a, b;
	int64_t			 real = REAL_T0;
	size_t			 i, n;

	sim = create_or_fail(&o, real);
	n = sim_nnodes(sim);
	for (i = 0; i < n; i++) {
		sim_node_stats(sim, i, &a);
		if (a.role == ROLE_STATION)
			break;
	}
	ck_assert_uint_lt(i, n);
	real += 1000;
	sim_step(sim, real);		/* a tick */
	sim_node_stats(sim, i, &a);
	real += 50;
	sim_step(sim, real);		/* a step, no tick */
	sim_node_stats(sim, i, &b);
	ck_assert_uint_eq(b.station.heartbeats_total,
	    a.station.heartbeats_total);
	ck_assert_int_eq(b.uptime_ms, a.uptime_ms);
	real += 1000;
	sim_step(sim, real);		/* a tick: both move */
	sim_node_stats(sim, i, &b);
	ck_assert_int_gt(b.uptime_ms, a.uptime_ms);
	ck_assert_uint_gt(b.station.heartbeats_total,
	    a.station.heartbeats_total);
	sim_free(sim);
}
END_TEST

START_TEST(node_scenario_runs_one_named_node)
{
	struct sim_options	 o = options_for("node");
	struct sim		*sim;
	struct proto_hello	 h;
	struct proto_cert	 c;
	char			*cause;

	o.role = ROLE_ROUTER;
	o.id = "r1";
	sim = create_or_fail(&o, REAL_T0);
	ck_assert_uint_eq(sim_nnodes(sim), 1);
	ck_assert_str_eq(sim_node_id(sim, 0), "router/r1");
	ck_assert(sim_time_scale(sim) == 1);
	sim_node_hello(sim, 0, &h);
	ck_assert_str_eq(h.group, "default");
	ck_assert_str_eq(h.build, "vigild-1.0");
	ck_assert_str_eq(h.flags[0].path, "retail_liquidity");
	proto_hello_clear(&h);
	ck_assert_int_eq(sim_node_cert(sim, 0, &c, NULL), -1);
	sim_free(sim);

	o.role = ROLE_STATION;
	o.id = "station/lab";
	o.devices = 10;
	sim = create_or_fail(&o, REAL_T0);
	ck_assert_str_eq(sim_node_id(sim, 0), "station/lab");
	ck_assert_int_eq(sim_node_cert(sim, 0, &c, NULL), 0);
	ck_assert_int_eq(c.holds_root, 1);
	ck_assert_int_gt(c.not_after_ms, sim_clock_ms(sim));
	sim_free(sim);

	o.role = ROLE_ROUTER;
	o.id = "station/lab";
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "router/lab"));
	free(cause);
}
END_TEST

START_TEST(bad_options_are_refused_in_words)
{
	struct sim_options	 o = options_for("foo");
	char			*cause;

	cause = refusal(&o);
	ck_assert_str_eq(cause, "scenario \"foo\" is not known; choose calm, "
	    "knight or capital");
	free(cause);

	o = options_for("knight");
	o.routers = 1;
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "give 2 to 10000"));
	free(cause);

	/* Up to 10,000 of each kind; one more is refused. */
	o = options_for("calm");
	o.routers = 10001;
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "give 1 to 10000"));
	free(cause);
	o = options_for("calm");
	o.stations = 10001;
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "give 2 to 10000"));
	free(cause);

	o = options_for("capital");
	o.routers = 3;
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "has no routers"));
	free(cause);

	o = options_for("capital");
	o.stations = 1;
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "give 2 to"));
	free(cause);

	o = options_for("calm");
	o.time_scale = -1;
	cause = refusal(&o);
	ck_assert_ptr_nonnull(strstr(cause, "time scale"));
	free(cause);
}
END_TEST

START_TEST(scenario_table_names_the_three_incidents)
{
	size_t	i;
	int	seen = 0;

	ck_assert_uint_eq(sim_nscenarios, 3);
	for (i = 0; i < sim_nscenarios; i++) {
		ck_assert_ptr_nonnull(sim_scenarios[i].summary);
		if (strcmp(sim_scenarios[i].name, "knight") == 0) {
			ck_assert_str_eq(sim_scenarios[i].date, "2012-08-01");
			ck_assert_int_eq(sim_scenarios[i].start_s, 8 * 3600);
			ck_assert_int_eq(sim_scenarios[i].routers, 8);
			seen |= 1;
		} else if (strcmp(sim_scenarios[i].name, "capital") == 0) {
			ck_assert_int_eq(sim_scenarios[i].start_s,
			    13 * 3600 + 59 * 60 + 50);
			ck_assert_int_eq(sim_scenarios[i].stations, 38);
			seen |= 2;
		} else if (strcmp(sim_scenarios[i].name, "calm") == 0)
			seen |= 4;
	}
	ck_assert_int_eq(seen, 7);
}
END_TEST

/* A command document for action on node, as the rule engine hands it. */
/*
 * Serve as vigild does at a step: take the nodes sim_next_moved() names
 * and send for each what moved (its cert report, its stats); every node
 * it did not name must then say that neither moved.  Returns how many
 * it named.
 */
static size_t
moved_serve(struct sim *sim)
{
	struct proto_cert	c;
	struct proto_stats	st;
	unsigned char		named[128];
	size_t			i, n = sim_nnodes(sim), count = 0;
	int			changed;

	ck_assert_uint_le(n, sizeof named);
	memset(named, 0, sizeof named);
	while (sim_next_moved(sim, &i)) {
		ck_assert_uint_lt(i, n);
		ck_assert_msg(!named[i], "%s named twice", sim_node_id(sim,
		    i));
		named[i] = 1;
		count++;
	}
	for (i = 0; i < n; i++) {
		ck_assert_msg(named[i] || (!sim_node_cert_changed(sim, i) &&
		    !sim_node_state_changed(sim, i)), "%s moved at %s but "
		    "was not named", sim_node_id(sim, i), clock_text(sim));
		if (sim_node_cert_changed(sim, i))
			(void)sim_node_cert(sim, i, &c, &changed);
		if (sim_node_state_changed(sim, i))
			sim_node_stats(sim, i, &st);
	}
	return (count);
}

static struct proto_command
command_for(const char *action, const char *node)
{
	struct proto_command	cmd;

	memset(&cmd, 0, sizeof cmd);
	strcpy(cmd.id, "00112233445566778899aabbccddeeff");
	util_copy(cmd.action, sizeof cmd.action, action);
	cmd.targets = e2e_targets(1);
	cmd.ntargets = 1;
	util_copy(cmd.targets[0].node, sizeof cmd.targets[0].node, node);
	return (cmd);
}

/*
 * vigild asks whether a node's certificate or state moved only of the
 * nodes sim_next_moved() names, not of every node at every step: so
 * every renewal through the calm hour, and r8's halting, killed and
 * running again, must be named, and each node once a step at most.
 */
START_TEST(moved_names_every_renewal_and_state_change)
{
	struct sim_options	 o = options_for("calm");
	struct sim		*sim;
	struct proto_command	 kill = command_for("kill", "router/r8");
	struct proto_command	 resume = command_for("resume",
				    "router/r8");
	struct proto_stats	 st;
	char			 cause[PROTO_TEXT_MAX];
	int64_t			 real = REAL_T0, start;
	size_t			 i, r8, stations = 0, named = 0;
	int			 k;

	sim = create_or_fail(&o, real);
	for (i = 0; i < sim_nnodes(sim); i++)
		stations += sim_node_role(sim, i) == ROLE_STATION;
	/* No report has gone out yet: every station is named. */
	ck_assert_uint_eq(moved_serve(sim), stations);
	start = sim_clock_ms(sim);
	while (sim_clock_ms(sim) < start + 3600 * 1000) {
		calm_run_until(sim, &real, sim_clock_ms(sim) + 1);
		named += moved_serve(sim);
	}
	ck_assert_uint_ge(named, stations);
	sim_free(sim);

	o = options_for("knight");
	o.start_s = 9 * 3600 + 30 * 60;
	sim = create_or_fail(&o, real);
	r8 = node_index(sim, "router/r8");
	for (i = 0; i < sim_nnodes(sim); i++)
		sim_node_stats(sim, i, &st);
	(void)moved_serve(sim);
	ck_assert_int_eq(sim_node_command(sim, r8, &kill, cause,
	    sizeof cause), 0);
	ck_assert_uint_ge(moved_serve(sim), 1);
	for (k = 0; k < 30; k++) {
		real += 100;
		sim_step(sim, real);
		(void)moved_serve(sim);
	}
	sim_node_stats(sim, r8, &st);
	ck_assert_str_eq(proto_state_name(st.router.state), "killed");
	ck_assert_int_eq(sim_node_command(sim, r8, &resume, cause,
	    sizeof cause), 0);
	ck_assert_uint_ge(moved_serve(sim), 1);
	sim_free(sim);
}
END_TEST

START_TEST(knight_r8_killed_after_the_open_stops_its_child_orders)
{
	struct sim_options		 o = options_for("knight");
	struct sim			*sim;
	struct proto_command		 kill = command_for("kill",
					    "router/r8");
	struct proto_command		 resume = command_for("resume",
					    "router/r8");
	struct proto_stats		 st, r1;
	struct command_node_state	 now;
	int64_t				 real = REAL_T0;
	uint64_t			 total, r1_total, residue;
	size_t				 r8;
	char				 cause[PROTO_TEXT_MAX];
	int				 k, halting = 0;
	int				 killed_pushed = 0;

	o.start_s = 9 * 3600 + 30 * 60;
	sim = create_or_fail(&o, real);
	r8 = node_index(sim, "router/r8");
	sim_node_state(sim, r8, &now);
	ck_assert_str_eq(now.node, "router/r8");
	ck_assert_str_eq(now.build, "smars-2012.07.31-old");
	ck_assert_str_eq(proto_state_name(now.state), "running");
	for (k = 0; k < 30; k++) {
		real += 100;
		sim_step(sim, real);
	}
	sim_node_stats(sim, r8, &st);
	ck_assert_msg(st.router.worst_ratio > 1.0, "r8 is not running away");
	ck_assert_uint_gt(st.router.open_children, 0);

	/* The change is sent at once, not at the next stats period. */
	ck_assert_int_eq(sim_node_state_changed(sim, r8), 0);
	ck_assert_int_eq(sim_node_command(sim, r8, &kill, cause,
	    sizeof cause), 0);
	ck_assert_int_eq(sim_node_state_changed(sim, r8), 1);
	sim_node_stats(sim, r8, &st);
	ck_assert_int_eq(sim_node_state_changed(sim, r8), 0);
	ck_assert_str_eq(proto_state_name(st.router.state), "halting");
	total = st.router.child_orders_total;
	residue = st.router.open_children;
	sim_node_stats(sim, 0, &r1);
	r1_total = r1.router.child_orders_total;

	/*
	 * From the next step on, r8 sends no child order; r1 goes on.  The
	 * market acknowledges the cancels by the real time since the kill
	 * (50 ms), not by steps: in steps of 20 ms, r8 is halting first.
	 */
	for (k = 0; k < 30; k++) {
		real += 20;
		sim_step(sim, real);
		if (sim_node_state_changed(sim, r8))
			killed_pushed++;
		sim_node_stats(sim, r8, &st);
		ck_assert_uint_eq(st.router.child_orders_total, total);
		if (st.router.state == STATE_HALTING) {
			halting++;
			ck_assert_uint_gt(st.router.open_children, 0);
		} else
			ck_assert_str_eq(proto_state_name(st.router.state),
			    "killed");
	}
	ck_assert_int_ge(halting, 1);
	ck_assert_int_eq(killed_pushed, 1);
	ck_assert_str_eq(proto_state_name(st.router.state), "killed");
	ck_assert_uint_eq(st.router.open_children, 0);
	ck_assert_uint_gt(st.router.children_cancelled_total, 0);
	ck_assert_uint_le(st.router.children_cancelled_total, residue);
	sim_node_stats(sim, 0, &r1);
	ck_assert_uint_gt(r1.router.child_orders_total, r1_total);
	sim_node_state(sim, r8, &now);
	ck_assert_str_eq(proto_state_name(now.state), "killed");

	/* A second kill is refused in words; a resume restarts it. */
	ck_assert_int_eq(sim_node_command(sim, r8, &kill, cause,
	    sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/r8 is already killed"));
	ck_assert_int_eq(sim_node_command(sim, r8, &resume, cause,
	    sizeof cause), 0);
	sim_node_state(sim, r8, &now);
	ck_assert_str_eq(proto_state_name(now.state), "running");
	for (k = 0; k < 5; k++) {
		real += 100;
		sim_step(sim, real);
	}
	sim_node_stats(sim, r8, &st);
	ck_assert_uint_gt(st.router.child_orders_total, total);
	ck_assert_int_eq(sim_node_command(sim, r8, &resume, cause,
	    sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/r8 is running"));
	sim_free(sim);
}
END_TEST

/*
 * vigild's steps come late when its loop is busy (a kill of a thousand
 * routers, their handshakes).  A router killed between two steps reads
 * killed at the first step 50 ms or more after the kill, however late
 * that step comes: a step 200 ms late answers the cancels in itself,
 * where counting steps waited for a second one, 50 ms or more later.
 */
START_TEST(late_step_after_a_kill_reads_killed_at_once)
{
	struct sim_options	 o = options_for("knight");
	struct sim		*sim;
	struct proto_command	 kill = command_for("kill", "router/r8");
	struct proto_stats	 st;
	int64_t			 real = REAL_T0;
	char			 cause[PROTO_TEXT_MAX];
	size_t			 r8;
	int			 k;

	o.start_s = 9 * 3600 + 30 * 60;
	sim = create_or_fail(&o, real);
	r8 = node_index(sim, "router/r8");
	for (k = 0; k < 20; k++) {
		real += 50;
		sim_step(sim, real);
	}
	ck_assert_int_eq(sim_node_command(sim, r8, &kill, cause,
	    sizeof cause), 0);
	sim_node_stats(sim, r8, &st);
	ck_assert_str_eq(proto_state_name(st.router.state), "halting");
	ck_assert_uint_gt(st.router.open_children, 0);
	/* The next step, 250 ms after the kill instead of 50: killed in it. */
	real += 250;
	sim_step(sim, real);
	sim_node_stats(sim, r8, &st);
	ck_assert_str_eq(proto_state_name(st.router.state), "killed");
	ck_assert_uint_eq(st.router.open_children, 0);
	sim_free(sim);
}
END_TEST

/*
 * Knight with an armed kill on every router before 09:30: r8 kills
 * itself within the simulator step in which its first child share runs
 * past a parent's, and says why; the healthy routers run on.  Prints
 * how long after r8's first child order it was halted (scenario time).
 */
START_TEST(knight_armed_kill_halts_r8_within_one_step_of_the_runaway)
{
	struct sim_options	 o = options_for("knight");
	struct sim		*sim;
	struct proto_command	 arm = command_for("arm-kill", "router/r8");
	struct proto_stats	 st;
	int64_t			 real = REAL_T0, first_ms = -1, halt_ms = -1;
	uint64_t		 first_children = 0;
	size_t			 r8, i;
	char			 cause[PROTO_TEXT_MAX], why[PROTO_TEXT_MAX];
	int			 k, steps_after_first = -1;

	o.start_s = 9 * 3600 + 29 * 60 + 50;
	sim = create_or_fail(&o, real);
	r8 = node_index(sim, "router/r8");
	for (i = 0; i < sim_nnodes(sim); i++)
		ck_assert_int_eq(sim_node_command(sim, i, &arm, cause,
		    sizeof cause), 0);
	/* Steps of 50 ms, vigild's: a child order per parent each. */
	for (k = 0; k < 400 && halt_ms < 0; k++) {
		real += 50;
		sim_step(sim, real);
		sim_node_stats(sim, r8, &st);
		if (first_ms < 0 && st.router.child_orders_total > 0) {
			first_ms = sim_clock_ms(sim);
			first_children = st.router.child_orders_total;
			steps_after_first = 0;
		} else if (first_ms >= 0)
			steps_after_first++;
		if (sim_node_fired(sim, r8, why, sizeof why)) {
			halt_ms = sim_clock_ms(sim);
			ck_assert_int_ne(st.router.state, STATE_RUNNING);
			ck_assert_msg(strstr(why, "past its") != NULL,
			    "why: %s", why);
		}
		ck_assert_int_eq(sim_node_fired(sim, 0, why, sizeof why), 0);
	}
	ck_assert_msg(halt_ms >= 0, "router/r8 never fired its armed kill");
	ck_assert_int_le(steps_after_first, 1);
	/* It sends nothing more. */
	sim_node_stats(sim, r8, &st);
	first_children = st.router.child_orders_total;
	for (k = 0; k < 20; k++) {
		real += 20;
		sim_step(sim, real);
	}
	sim_node_stats(sim, r8, &st);
	ck_assert_uint_eq(st.router.child_orders_total, first_children);
	sim_node_stats(sim, 0, &st);
	ck_assert_int_eq(st.router.state, STATE_RUNNING);
	fprintf(stderr, "armed kill: router/r8 halted %lld ms (scenario "
	    "time) after its first child order, %d simulator steps later, "
	    "having sent %llu child orders\n", (long long)(halt_ms -
	    first_ms), steps_after_first, (unsigned long long)
	    first_children);
	sim_free(sim);
}
END_TEST

START_TEST(commands_a_node_cannot_carry_out_are_refused_in_words)
{
	struct sim_options		 o = options_for("calm");
	struct sim			*sim;
	struct proto_command		 cmd;
	struct command_node_state	 now;
	size_t				 cap;
	char				 cause[PROTO_TEXT_MAX];

	sim = create_or_fail(&o, REAL_T0);
	cap = node_index(sim, "station/capital");
	cmd = command_for("kill", "station/capital");
	ck_assert_int_eq(sim_node_command(sim, cap, &cmd, cause,
	    sizeof cause), -1);
	ck_assert_str_eq(cause, "station/capital is a station: kill applies "
	    "only to routers; propose it for a router");
	cmd = command_for("move-root", "router/r1");
	ck_assert_int_eq(sim_node_command(sim, 0, &cmd, cause,
	    sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/r1 cannot carry out "
	    "move-root"));
	sim_node_state(sim, 0, &now);
	ck_assert_str_eq(proto_state_name(now.state), "running");
	sim_node_state(sim, cap, &now);
	ck_assert_str_eq(now.node, "station/capital");
	ck_assert_str_eq(now.build, "stationd-4.2.0");
	ck_assert_str_eq(proto_state_name(now.state), "running");
	sim_free(sim);
}
END_TEST

Suite *
sim_suite(void)
{
	Suite	*s = suite_create("sim");
	TCase	*tc = tcase_create("sim");

	/* Real certificates for 38 stations; generous under sanitizers. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc,
	    knight_warns_before_the_open_and_r8_runs_away_after_it);
	tcase_add_test(tc, knight_warnings_start_at_0801_every_scenario_minute);
	tcase_add_test(tc,
	    capital_is_blacklisted_renewal_fails_and_devices_count_down);
	tcase_add_test(tc,
	    calm_hour_renews_every_certificate_and_fails_nothing);
	tcase_add_test(tc, calm_stations_renew_across_the_hour_not_at_once);
	tcase_add_test(tc,
	    calm_cert_changed_agrees_with_the_report_through_renewals);
	tcase_add_test(tc, calm_an_introduction_leaves_a_change_for_the_others);
	tcase_add_test(tc, moved_names_every_renewal_and_state_change);
	tcase_add_test(tc, calm_clock_starts_with_serving_not_at_creation);
	tcase_add_test(tc, node_scenario_runs_one_named_node);
	tcase_add_test(tc, station_stats_between_ticks_keep_the_ticks_uptime);
	tcase_add_test(tc, bad_options_are_refused_in_words);
	tcase_add_test(tc, scenario_table_names_the_three_incidents);
	tcase_add_test(tc,
	    knight_r8_killed_after_the_open_stops_its_child_orders);
	tcase_add_test(tc, late_step_after_a_kill_reads_killed_at_once);
	tcase_add_test(tc,
	    commands_a_node_cannot_carry_out_are_refused_in_words);
	tcase_add_test(tc,
	    knight_armed_kill_halts_r8_within_one_step_of_the_runaway);
	suite_add_tcase(s, tc);
	return (s);
}
