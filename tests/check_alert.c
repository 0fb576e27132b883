/*
 * check_alert.c: alerts are deduplicated the way an operator needs: one
 * entry per problem, refreshed while it stands, counted per episode,
 * hidden once acknowledged until what it says changes, and listed most
 * severe and newest first.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "tests.h"
#include "util.h"

/* An alert of rule about one node, saying text. */
static struct alert
make(const char *rule, const char *node, enum proto_severity sev,
    const char *text)
{
	struct alert	a;

	memset(&a, 0, sizeof a);
	util_copy(a.rule, sizeof a.rule, rule);
	util_copy(a.nodes[0], sizeof a.nodes[0], node);
	a.nnodes = 1;
	a.nodes_total = 1;
	a.severity = sev;
	util_copy(a.text, sizeof a.text, text);
	util_copy(a.cause, sizeof a.cause, "A cause.");
	util_copy(a.action, sizeof a.action, "An action.");
	return (a);
}

START_TEST(same_key_refreshes_one_alert)
{
	struct alert_set	 set;
	struct alert		 a = make("runaway", "router/r8", SEV_CRITICAL,
				    "router/r8 sent 4.2x the shares");
	struct alert		*out;

	alert_set_init(&set);
	ck_assert_int_eq(alert_raise(&set, &a, 1000, &out), ALERT_RAISED);
	ck_assert_uint_eq(out->count, 1);
	ck_assert_int_eq(out->active, 1);
	ck_assert_int_eq(alert_raise(&set, &a, 2000, &out), ALERT_UNCHANGED);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_uint_eq(out->count, 1);
	ck_assert_int_eq(out->first_seen_ms, 1000);
	ck_assert_int_eq(out->last_seen_ms, 2000);

	util_copy(a.text, sizeof a.text, "router/r8 sent 5.0x the shares");
	ck_assert_int_eq(alert_raise(&set, &a, 3000, &out), ALERT_REFRESHED);
	ck_assert_str_eq(out->text, "router/r8 sent 5.0x the shares");
	ck_assert_uint_eq(set.n, 1);

	/* Another node is another alert. */
	util_copy(a.nodes[0], sizeof a.nodes[0], "router/r7");
	ck_assert_int_eq(alert_raise(&set, &a, 3000, &out), ALERT_RAISED);
	ck_assert_uint_eq(set.n, 2);
	alert_set_free(&set);
}
END_TEST

START_TEST(new_episode_counts)
{
	struct alert_set	 set;
	struct alert		 a = make("node-down", "router/r3",
				    SEV_CRITICAL, "router/r3 is down");
	struct alert		*out;

	alert_set_init(&set);
	alert_raise(&set, &a, 1000, &out);
	ck_assert_int_eq(alert_clear(out, 5000), ALERT_CLEARED);
	ck_assert_int_eq(out->active, 0);
	ck_assert_int_eq(alert_clear(out, 6000), ALERT_UNCHANGED);
	ck_assert_uint_eq(alert_count(&set, SEV_CRITICAL), 0);
	/* Cleared alerts stay for history. */
	ck_assert_ptr_eq(alert_find(&set, "node-down", "", "router/r3"), out);

	ck_assert_int_eq(alert_raise(&set, &a, 9000, &out), ALERT_RAISED);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_uint_eq(out->count, 2);
	ck_assert_int_eq(out->first_seen_ms, 9000);
	ck_assert_uint_eq(alert_count(&set, SEV_CRITICAL), 1);
	alert_set_free(&set);
}
END_TEST

START_TEST(acknowledged_hidden_until_text_changes)
{
	struct alert_set	 set;
	struct alert		 a = make("device-countdown", "station/s3",
				    SEV_WARNING, "devices of station/s3 fail "
				    "in 1m40s");
	struct alert		*out;
	const struct alert	*list[4];

	alert_set_init(&set);
	alert_raise(&set, &a, 1000, &out);
	out->acknowledged = 1;
	ck_assert_uint_eq(alert_sorted(&set, list, 4, 0), 0);
	ck_assert_uint_eq(alert_sorted(&set, list, 4, 1), 1);

	/* The countdown ticking is not news: it stays hidden. */
	util_copy(a.text, sizeof a.text, "devices of station/s3 fail in "
	    "1m39s");
	ck_assert_int_eq(alert_raise(&set, &a, 2000, &out), ALERT_REFRESHED);
	ck_assert_str_eq(out->text, "devices of station/s3 fail in 1m39s");
	ck_assert_int_eq(out->acknowledged, 1);
	ck_assert_uint_eq(alert_sorted(&set, list, 4, 0), 0);

	/* New words are news: it comes back. */
	util_copy(a.text, sizeof a.text, "12 devices of station/s3 have "
	    "failed");
	alert_raise(&set, &a, 3000, &out);
	ck_assert_int_eq(out->acknowledged, 0);
	ck_assert_uint_eq(alert_sorted(&set, list, 4, 0), 1);
	ck_assert_str_eq(list[0]->text, "12 devices of station/s3 have "
	    "failed");

	/* So is a change of severity with the same words. */
	out->acknowledged = 1;
	a.severity = SEV_CRITICAL;
	ck_assert_int_eq(alert_raise(&set, &a, 4000, &out), ALERT_UPDATED);
	ck_assert_int_eq(out->acknowledged, 0);
	alert_set_free(&set);
}
END_TEST

START_TEST(sorted_most_severe_then_newest)
{
	struct alert_set	 set;
	struct alert		 a;
	const struct alert	*list[8];
	size_t			 n;

	alert_set_init(&set);
	a = make("node-stale", "router/r1", SEV_WARNING, "old warning");
	alert_raise(&set, &a, 1000, NULL);
	a = make("runaway", "router/r8", SEV_CRITICAL, "old critical");
	alert_raise(&set, &a, 2000, NULL);
	a = make("backend", "router/r2", SEV_INFO, "newest info");
	alert_raise(&set, &a, 5000, NULL);
	a = make("node-down", "router/r3", SEV_CRITICAL, "new critical");
	alert_raise(&set, &a, 4000, NULL);
	a = make("node-stale", "router/r4", SEV_WARNING, "new warning");
	alert_raise(&set, &a, 3000, NULL);

	n = alert_sorted(&set, list, 8, 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(list[0]->text, "new critical");
	ck_assert_str_eq(list[1]->text, "old critical");
	ck_assert_str_eq(list[2]->text, "new warning");
	ck_assert_str_eq(list[3]->text, "old warning");
	ck_assert_str_eq(list[4]->text, "newest info");
	/* A short buffer gets the most important ones. */
	ck_assert_uint_eq(alert_sorted(&set, list, 2, 0), 2);
	ck_assert_str_eq(list[1]->text, "old critical");
	ck_assert_uint_eq(alert_count(&set, SEV_CRITICAL), 2);
	ck_assert_uint_eq(alert_count(&set, SEV_WARNING), 2);
	alert_set_free(&set);
}
END_TEST

START_TEST(grouped_alert_takes_new_nodes)
{
	struct alert_set	 set;
	struct alert		 a = make("renewal-failed", "station/s1",
				    SEV_CRITICAL, "station/s1 could not "
				    "renew its certificate");
	struct alert		*out;

	alert_set_init(&set);
	a.grouped = 1;
	alert_raise(&set, &a, 1000, &out);
	out->acknowledged = 1;
	util_copy(a.nodes[1], sizeof a.nodes[1], "station/s2");
	a.nnodes = a.nodes_total = 2;
	util_copy(a.text, sizeof a.text, "2 stations could not renew their "
	    "certificates: station/s1 and station/s2");
	ck_assert_int_eq(alert_raise(&set, &a, 2000, &out), ALERT_UPDATED);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_uint_eq(out->nnodes, 2);
	/* A station joining the list is news. */
	ck_assert_int_eq(out->acknowledged, 0);
	ck_assert_ptr_eq(alert_find(&set, "renewal-failed", "",
	    "station/s2"), out);
	ck_assert_ptr_null(alert_find(&set, "renewal-failed", "",
	    "station/s9"));
	alert_set_free(&set);
}
END_TEST

START_TEST(backend_code_is_part_of_key)
{
	struct alert_set	 set;
	struct alert		 a = make("backend", "router/r8", SEV_WARNING,
				    "Power Peg disabled");
	struct alert		*one, *two;

	alert_set_init(&set);
	util_copy(a.code, sizeof a.code, "power-peg");
	alert_raise(&set, &a, 1000, &one);
	util_copy(a.code, sizeof a.code, "slow-fill");
	alert_raise(&set, &a, 1000, &two);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_ptr_eq(alert_find(&set, "backend", "power-peg",
	    "router/r8"), &set.v[0]);
	ck_assert_ptr_eq(alert_find(&set, "backend", "slow-fill",
	    "router/r8"), &set.v[1]);
	alert_set_free(&set);
}
END_TEST

/* The same nodes in another order are the same alert. */
START_TEST(node_order_is_not_part_of_key)
{
	struct alert_set	 set;
	struct alert		 a = make("build-drift", "router/r1",
				    SEV_WARNING, "two builds");
	struct alert		*first, *out;

	alert_set_init(&set);
	util_copy(a.nodes[1], sizeof a.nodes[1], "router/r2");
	a.nnodes = a.nodes_total = 2;
	ck_assert_int_eq(alert_raise(&set, &a, 1000, &first), ALERT_RAISED);
	util_copy(a.nodes[0], sizeof a.nodes[0], "router/r2");
	util_copy(a.nodes[1], sizeof a.nodes[1], "router/r1");
	ck_assert_int_eq(alert_raise(&set, &a, 2000, &out), ALERT_UNCHANGED);
	ck_assert_ptr_eq(out, first);
	ck_assert_uint_eq(set.n, 1);
	alert_set_free(&set);
}
END_TEST

/*
 * Thousands of alerts, most cleared: the oldest cleared make room, and
 * every alert still standing is found again under its key.
 */
START_TEST(many_alerts_are_found_after_old_ones_go)
{
	struct alert_set	 set;
	struct alert		 a, *out;
	char			 node[32];
	size_t			 i;

	alert_set_init(&set);
	for (i = 0; i < 3000; i++) {
		snprintf(node, sizeof node, "router/r%zu", i);
		a = make("node-stale", node, SEV_WARNING, "silent");
		ck_assert_int_eq(alert_raise(&set, &a, (int64_t)i, &out),
		    ALERT_RAISED);
		if (i % 10 != 0)
			alert_clear(out, (int64_t)i);
	}
	ck_assert_uint_lt(set.n, 3000);
	for (i = 0; i < 3000; i += 10) {
		snprintf(node, sizeof node, "router/r%zu", i);
		a = make("node-stale", node, SEV_WARNING, "silent");
		ck_assert_int_eq(alert_raise(&set, &a, 5000, &out),
		    ALERT_UNCHANGED);
		ck_assert_str_eq(out->nodes[0], node);
	}
	alert_set_free(&set);
}
END_TEST

/*
 * An outage: thousands of alerts standing, then all cleared and new ones
 * raised.  The set grows while they stand, then sheds the oldest
 * cleared, keeping the newest cleared and every standing one.
 */
START_TEST(outage_sheds_oldest_cleared)
{
	struct alert_set	 set;
	struct alert		 a, *out, *all[4000];
	char			 node[32];
	size_t			 i;

	alert_set_init(&set);
	for (i = 0; i < 4000; i++) {
		snprintf(node, sizeof node, "router/r%zu", i);
		a = make("node-stale", node, SEV_WARNING, "silent");
		ck_assert_int_eq(alert_raise(&set, &a, (int64_t)i, &out),
		    ALERT_RAISED);
	}
	ck_assert_uint_eq(set.n, 4000);
	for (i = 0; i < 4000; i++) {
		snprintf(node, sizeof node, "router/r%zu", i);
		all[i] = alert_find(&set, "node-stale", "", node);
		ck_assert_ptr_nonnull(all[i]);
	}
	for (i = 0; i < 4000; i++)
		alert_clear(all[i], 5000 + (int64_t)i);
	for (i = 0; i < 300; i++) {
		snprintf(node, sizeof node, "router/r%zu", i);
		a = make("node-down", node, SEV_CRITICAL, "down");
		ck_assert_int_eq(alert_raise(&set, &a, 10000, &out),
		    ALERT_RAISED);
	}
	ck_assert_uint_le(set.n, 1000);
	for (i = 0; i < 300; i++) {
		snprintf(node, sizeof node, "router/r%zu", i);
		ck_assert_ptr_nonnull(alert_find(&set, "node-down", "", node));
	}
	ck_assert_ptr_null(alert_find(&set, "node-stale", "", "router/r0"));
	ck_assert_ptr_nonnull(alert_find(&set, "node-stale", "",
	    "router/r3999"));
	alert_set_free(&set);
}
END_TEST

/*
 * Issue 12, item 5: an acknowledged runaway comes back once its ratio
 * passes twice what it was when acknowledged, not before; acknowledged
 * again, the new ratio is the one it must double.
 */
START_TEST(acknowledged_comes_back_when_its_measure_doubles)
{
	struct alert_set	 set;
	struct alert_spec	 spec = { .severity = SEV_CRITICAL,
				    .rule = "runaway", .nnodes = 1,
				    .cause = "A cause.",
				    .action = "An action." };
	const char		*node = "router/r8";
	char			 text[64];
	struct alert		*a;
	static const double	 ratios[] = { 160.0, 300.0, 321.0, 500.0,
				    650.0 };
	static const enum alert_change changes[] = { ALERT_RAISED,
				    ALERT_REFRESHED, ALERT_UPDATED,
				    ALERT_REFRESHED, ALERT_UPDATED };
	size_t			 i;

	alert_set_init(&set);
	spec.nodes = &node;
	spec.text = text;
	for (i = 0; i < nitems(ratios); i++) {
		snprintf(text, sizeof text, "router/r8 sent %.1fx the shares",
		    ratios[i]);
		spec.measure = ratios[i];
		ck_assert_int_eq(alert_emit(&set, &spec, 1000 * (int64_t)i),
		    changes[i]);
		a = alert_find(&set, "runaway", "", node);
		/* Back in the bar after a doubling; acknowledged again. */
		ck_assert_int_eq(a->acknowledged, 0 + (changes[i] ==
		    ALERT_REFRESHED));
		if (!a->acknowledged)
			ck_assert_uint_eq(alert_acknowledge(&set, "runaway",
			    ""), 1);
	}
	alert_set_free(&set);
}
END_TEST

Suite *
alert_suite(void)
{
	Suite	*s = suite_create("alert");
	TCase	*tc = tcase_create("alert");

	tcase_add_test(tc, same_key_refreshes_one_alert);
	tcase_add_test(tc, new_episode_counts);
	tcase_add_test(tc, acknowledged_hidden_until_text_changes);
	tcase_add_test(tc, acknowledged_comes_back_when_its_measure_doubles);
	tcase_add_test(tc, sorted_most_severe_then_newest);
	tcase_add_test(tc, grouped_alert_takes_new_nodes);
	tcase_add_test(tc, backend_code_is_part_of_key);
	tcase_add_test(tc, node_order_is_not_part_of_key);
	tcase_add_test(tc, many_alerts_are_found_after_old_ones_go);
	tcase_add_test(tc, outage_sheds_oldest_cleared);
	suite_add_tcase(s, tc);
	return (s);
}
