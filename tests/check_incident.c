/*
 * check_incident.c: standing alerts grouped into incidents the way an
 * operator reads an outage: the cause first, what follows from it under
 * it, one incident for one problem on many nodes, the worst first.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "incident.h"
#include "tests.h"
#include "util.h"

static void	 emit(struct alert_set *set, const char *rule,
		    const char *code, const char *nodes, int grouped,
		    enum proto_severity sev, const char *follows, int64_t ms);
static const char *name(const struct incident_set *is, size_t i);

/*
 * Raise an alert of rule (code: a backend's, or NULL) about nodes (a
 * space-separated list), following follows (or NULL), at time ms.
 */
static void
emit(struct alert_set *set, const char *rule, const char *code,
    const char *nodes, int grouped, enum proto_severity sev,
    const char *follows, int64_t ms)
{
	char		 buf[256], *p, *ids[ALERT_MAX_NODES];
	const char	*v[ALERT_MAX_NODES];
	size_t		 n = 0;

	util_copy(buf, sizeof buf, nodes);
	for (p = buf; n < ALERT_MAX_NODES &&
	    (ids[n] = strsep(&p, " ")) != NULL; n++)
		v[n] = ids[n];
	alert_emit(set, &(struct alert_spec){ .severity = sev, .rule = rule,
	    .code = code, .grouped = grouped, .nodes = v, .nnodes = n,
	    .text = rule, .cause = "A cause.", .action = "An action.",
	    .follows = follows }, ms);
}

/* The name of place i of is. */
static const char *
name(const struct incident_set *is, size_t i)
{
	return (alert_name(is->places[i].alert));
}

/*
 * The capital cascade: root-unreachable leads one incident of
 * everything that follows from it, in a tree, depth first; an alert
 * follows the first of its names that stands; the update stands alone.
 */
START_TEST(cascade_is_one_incident_led_by_its_cause)
{
	struct alert_set	set;
	struct incident_set	is;

	alert_set_init(&set);
	emit(&set, "backend", "update", "station/capital", 1, SEV_INFO,
	    NULL, 1000);
	emit(&set, "backend", "blacklist", "station/s1 station/s2", 1,
	    SEV_WARNING, "root-unreachable", 2000);
	emit(&set, "root-unreachable", NULL, "station/capital", 0,
	    SEV_CRITICAL, NULL, 3000);
	emit(&set, "renewal-failed", NULL, "station/s1 station/s2", 1,
	    SEV_CRITICAL, "root-unreachable", 4000);
	emit(&set, "cert-expiring", NULL, "station/s1 station/s2", 1,
	    SEV_CRITICAL, "renewal-failed,root-unreachable", 5000);
	/* No heartbeat alert stands: it follows cert-expiring. */
	emit(&set, "device-countdown", NULL, "station/s1", 1, SEV_CRITICAL,
	    "heartbeat,cert-expiring", 6000);

	incident_group(&set, 1, &is);
	ck_assert_uint_eq(is.n, 2);
	ck_assert_uint_eq(is.nplaces, 6);
	ck_assert_uint_eq(is.v[0].n, 5);
	ck_assert_uint_eq(is.v[0].ncauses, 1);
	ck_assert_int_eq(is.v[0].severity, SEV_CRITICAL);
	ck_assert_str_eq(name(&is, 0), "root-unreachable");
	ck_assert_ptr_null(is.places[0].follows);
	ck_assert_uint_eq(is.places[0].effects, 4);
	/* Depth first: renewal-failed's line, then the blacklist. */
	ck_assert_str_eq(name(&is, 1), "renewal-failed");
	ck_assert_uint_eq(is.places[1].effects, 2);
	ck_assert_str_eq(name(&is, 2), "cert-expiring");
	ck_assert_str_eq(name(&is, 3), "device-countdown");
	ck_assert_str_eq(alert_name(is.places[3].follows), "cert-expiring");
	ck_assert_uint_eq(is.places[3].depth, 3);
	ck_assert_str_eq(name(&is, 4), "blacklist");
	ck_assert_str_eq(alert_name(is.places[4].follows),
	    "root-unreachable");
	ck_assert_str_eq(name(&is, 5), "update");
	ck_assert_uint_eq(is.places[5].incident, 1);
	ck_assert_int_eq(is.v[1].severity, SEV_INFO);
	incident_free(&is);
	alert_set_free(&set);
}
END_TEST

/*
 * Eight routers down are one incident of eight causes; order-rate
 * follows runaway on its own router only, so r3's stands alone while
 * r8's follows r8's runaway.
 */
START_TEST(one_problem_on_many_nodes_is_one_incident)
{
	struct alert_set	set;
	struct incident_set	is;
	char			node[32];
	int			i;

	alert_set_init(&set);
	emit(&set, "runaway", NULL, "router/r8", 0, SEV_CRITICAL, NULL, 100);
	emit(&set, "order-rate", NULL, "router/r8", 0, SEV_CRITICAL,
	    "runaway", 200);
	emit(&set, "order-rate", NULL, "router/r3", 0, SEV_WARNING,
	    "runaway", 300);
	for (i = 1; i <= 8; i++) {
		snprintf(node, sizeof node, "router/r%d", i);
		emit(&set, "node-down", NULL, node, 0, SEV_CRITICAL, NULL,
		    1000 + i);
	}

	incident_group(&set, 1, &is);
	ck_assert_uint_eq(is.n, 3);
	/* Newest critical cause first: the routers down. */
	ck_assert_str_eq(alert_name(is.v[0].v[0].alert), "node-down");
	ck_assert_uint_eq(is.v[0].ncauses, 8);
	ck_assert_uint_eq(is.v[0].n, 8);
	ck_assert_uint_eq(is.v[0].nodes, 8);
	ck_assert_str_eq(alert_name(is.v[1].v[0].alert), "runaway");
	ck_assert_uint_eq(is.v[1].n, 2);
	ck_assert_str_eq(is.v[1].v[1].alert->nodes[0], "router/r8");
	ck_assert_str_eq(alert_name(is.v[2].v[0].alert), "order-rate");
	ck_assert_str_eq(is.v[2].v[0].alert->nodes[0], "router/r3");
	ck_assert_ptr_null(is.v[2].v[0].follows);
	incident_free(&is);
	alert_set_free(&set);
}
END_TEST

/*
 * Alerts naming each other make no loop: every alert is placed once,
 * and its incident has a cause.
 */
START_TEST(alerts_following_each_other_are_placed_once)
{
	struct alert_set	set;
	struct incident_set	is;

	alert_set_init(&set);
	emit(&set, "heartbeat", NULL, "station/s1", 1, SEV_CRITICAL,
	    "device-countdown", 100);
	emit(&set, "device-countdown", NULL, "station/s1", 1, SEV_CRITICAL,
	    "heartbeat", 200);
	emit(&set, "cert-expiring", NULL, "station/s1", 1, SEV_WARNING,
	    "cert-expiring", 300);
	incident_group(&set, 1, &is);
	ck_assert_uint_eq(is.nplaces, 3);
	ck_assert_uint_eq(is.n, 2);
	ck_assert_ptr_null(is.v[0].v[0].follows);
	ck_assert_uint_eq(is.v[0].n, 2);
	ck_assert_uint_eq(is.v[0].v[0].effects, 1);
	ck_assert_ptr_null(is.v[1].v[0].follows);
	incident_free(&is);
	alert_set_free(&set);
}
END_TEST

/*
 * The bar groups what nobody acknowledged: the cause acknowledged, what
 * followed from it leads an incident of its own.
 */
START_TEST(acknowledged_cause_leaves_its_effects_leading)
{
	struct alert_set	set;
	struct incident_set	is;

	alert_set_init(&set);
	emit(&set, "root-unreachable", NULL, "station/capital", 0,
	    SEV_CRITICAL, NULL, 100);
	emit(&set, "renewal-failed", NULL, "station/s1", 1, SEV_CRITICAL,
	    "root-unreachable", 200);
	emit(&set, "cert-expiring", NULL, "station/s1", 1, SEV_CRITICAL,
	    "renewal-failed,root-unreachable", 300);
	ck_assert_uint_eq(alert_acknowledge(&set, "root-unreachable", ""),
	    1);
	incident_group(&set, 0, &is);
	ck_assert_uint_eq(is.n, 1);
	ck_assert_str_eq(alert_name(is.v[0].v[0].alert), "renewal-failed");
	ck_assert_uint_eq(is.v[0].v[0].effects, 1);
	incident_free(&is);
	incident_group(&set, 1, &is);
	ck_assert_str_eq(alert_name(is.v[0].v[0].alert), "root-unreachable");
	ck_assert_uint_eq(is.v[0].v[0].effects, 2);
	incident_free(&is);
	alert_set_free(&set);
}
END_TEST

/* No alert, no incident. */
START_TEST(no_alert_no_incident)
{
	struct alert_set	set;
	struct incident_set	is;

	alert_set_init(&set);
	incident_group(&set, 1, &is);
	ck_assert_uint_eq(is.n, 0);
	ck_assert_uint_eq(is.nplaces, 0);
	incident_free(&is);
	alert_set_free(&set);
}
END_TEST

Suite *
incident_suite(void)
{
	Suite	*s = suite_create("incident");
	TCase	*tc = tcase_create("incident");

	tcase_add_test(tc, cascade_is_one_incident_led_by_its_cause);
	tcase_add_test(tc, one_problem_on_many_nodes_is_one_incident);
	tcase_add_test(tc, alerts_following_each_other_are_placed_once);
	tcase_add_test(tc, acknowledged_cause_leaves_its_effects_leading);
	tcase_add_test(tc, no_alert_no_incident);
	suite_add_tcase(s, tc);
	return (s);
}
