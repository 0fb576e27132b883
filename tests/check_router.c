/*
 * check_router.c: the router's order path as an operator sees it through
 * stats: parents fill and close on the new build, the old build's
 * power_peg path runs away, and a full router refuses and counts.
 */
#include <check.h>
#include <string.h>

#include "node-router.h"
#include "tests.h"

/* A router named id on build with flag "rlp" meaning path (on or off). */
static void
router_with_rlp(struct node_router *r, const char *id, const char *build,
    const char *path, int on)
{
	struct proto_flag	flag;
	char			cause[256];

	memset(&flag, 0, sizeof flag);
	strcpy(flag.name, "rlp");
	strcpy(flag.path, path);
	flag.on = on;
	ck_assert_msg(node_router_init(r, id, "nyse", build, &flag, 1, cause,
	    sizeof cause) == 0, "init: %s", cause);
}

START_TEST(retail_liquidity_fills_and_closes_without_exceeding)
{
	struct node_router	r;
	char			cause[256];
	int			i;

	router_with_rlp(&r, "router/r1", "smars-2012.08.01",
	    "retail_liquidity", 1);
	ck_assert_str_eq(node_router_path(&r, "rlp"), "retail_liquidity");
	ck_assert_int_eq(node_router_parent(&r, 250, 1, cause, sizeof cause),
	    0);
	ck_assert_int_eq(node_router_parent(&r, 100, 1, cause, sizeof cause),
	    0);
	for (i = 0; i < 10; i++) {
		node_router_step(&r, 500, 100);
		ck_assert(r.counters.worst_ratio <= 1.0);
	}
	/* 250 = 100 + 100 + 50: the last child is sized to the remainder. */
	ck_assert_uint_eq(r.counters.child_orders_total, 4);
	ck_assert_uint_eq(r.counters.child_shares_total, 350);
	ck_assert_uint_eq(r.counters.parent_shares_total, 350);
	ck_assert_uint_eq(r.counters.open_parents, 0);
	ck_assert_uint_eq(r.nopen, 0);
	node_router_free(&r);
}
END_TEST

START_TEST(power_peg_exceeds_parent_shares_and_never_closes)
{
	struct node_router	r;
	char			cause[256];
	int			i;

	router_with_rlp(&r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    1);
	ck_assert_int_eq(node_router_parent(&r, 200, 1, cause, sizeof cause),
	    0);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(node_router_step(&r, 500, 100), 1);
	ck_assert_uint_eq(r.counters.child_orders_total, 10);
	ck_assert_uint_eq(r.counters.child_shares_total, 1000);
	ck_assert_uint_eq(r.counters.open_parents, 1);
	ck_assert(r.counters.worst_ratio > 4.9 && r.counters.worst_ratio < 5.1);
	ck_assert_str_eq(r.counters.worst_parent, "P1");

	/* A parent without rlp on the same router still fills and closes. */
	ck_assert_int_eq(node_router_parent(&r, 100, 0, cause, sizeof cause),
	    0);
	node_router_step(&r, 500, 100);
	node_router_step(&r, 500, 100);
	ck_assert_uint_eq(r.counters.open_parents, 1);
	node_router_free(&r);
}
END_TEST

START_TEST(flag_off_uses_the_normal_path)
{
	struct node_router	r;
	char			cause[256];
	int			i;

	router_with_rlp(&r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    0);
	ck_assert_ptr_null(node_router_path(&r, "rlp"));
	ck_assert_ptr_null(node_router_path(&r, "nonesuch"));
	ck_assert_int_eq(node_router_parent(&r, 300, 1, cause, sizeof cause),
	    0);
	for (i = 0; i < 10; i++)
		node_router_step(&r, 500, 100);
	ck_assert_uint_eq(r.counters.child_shares_total, 300);
	ck_assert_uint_eq(r.counters.open_parents, 0);
	ck_assert(r.counters.worst_ratio <= 1.0);
	node_router_free(&r);
}
END_TEST

START_TEST(full_router_refuses_and_counts)
{
	struct node_router	r;
	char			cause[256];
	int			i;

	router_with_rlp(&r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    1);
	for (i = 0; i < ROUTER_MAX_OPEN; i++)
		ck_assert_int_eq(node_router_parent(&r, 100, 1, cause,
		    sizeof cause), 0);
	cause[0] = '\0';
	ck_assert_int_eq(node_router_parent(&r, 100, 1, cause, sizeof cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/r8"));
	ck_assert_ptr_nonnull(strstr(cause, "refused"));
	ck_assert_int_eq(node_router_parent(&r, 0, 0, cause, sizeof cause),
	    -1);
	ck_assert_uint_eq(r.counters.parents_refused_total, 2);
	ck_assert_uint_eq(r.counters.parents_total, ROUTER_MAX_OPEN);
	ck_assert_uint_eq(r.counters.open_parents, ROUTER_MAX_OPEN);
	node_router_free(&r);
}
END_TEST

START_TEST(child_order_bound_serves_every_parent_in_turn)
{
	struct node_router	r;
	char			cause[256];
	int			i;

	/* Runaway parents at the front must not starve a newer one. */
	router_with_rlp(&r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    1);
	for (i = 0; i < 5; i++)
		node_router_parent(&r, 100, 1, cause, sizeof cause);
	node_router_parent(&r, 100, 0, cause, sizeof cause);
	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(node_router_step(&r, 2, 100), 2);
	/* 12 child orders over 6 parents: the normal one got its turn. */
	ck_assert_uint_eq(r.counters.open_parents, 5);
	ck_assert_uint_eq(r.counters.child_orders_total, 12);
	node_router_free(&r);
}
END_TEST

START_TEST(init_refuses_ids_without_router_prefix)
{
	struct node_router	r;
	char			cause[256];

	ck_assert_int_eq(node_router_init(&r, "r1", "nyse", "b", NULL, 0,
	    cause, sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/"));
	ck_assert_int_eq(node_router_init(&r, "station/s1", "nyse", "b", NULL,
	    0, cause, sizeof cause), -1);
	ck_assert_ptr_null(r.open);
}
END_TEST

START_TEST(hello_and_stats_report_build_flags_and_counters)
{
	struct node_router	r;
	struct proto_hello	h;
	struct proto_stats	st;
	char			cause[256];

	router_with_rlp(&r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    1);
	node_router_hello(&r, &h);
	ck_assert_str_eq(h.node, "router/r8");
	ck_assert_int_eq(h.role, ROLE_ROUTER);
	ck_assert_str_eq(h.group, "nyse");
	ck_assert_str_eq(h.build, "smars-2012.07.31-old");
	ck_assert_uint_eq(h.nflags, 1);
	ck_assert_str_eq(h.flags[0].name, "rlp");
	ck_assert_str_eq(h.flags[0].path, "power_peg");
	ck_assert_int_eq(h.flags[0].on, 1);

	node_router_parent(&r, 100, 1, cause, sizeof cause);
	node_router_parent(&r, 500, 0, cause, sizeof cause);
	node_router_step(&r, 500, 100);
	node_router_step(&r, 500, 100);
	node_router_stats(&r, &st);
	ck_assert_str_eq(st.node, "router/r8");
	ck_assert_int_eq(st.role, ROLE_ROUTER);
	ck_assert_uint_eq(st.seq, 1);
	ck_assert_uint_eq(st.router.parents_total, 2);
	ck_assert_uint_eq(st.router.parent_shares_total, 600);
	ck_assert_uint_eq(st.router.child_orders_total, 4);
	ck_assert_uint_eq(st.router.child_shares_total, 400);
	ck_assert_uint_eq(st.router.open_parents, 2);
	ck_assert(st.router.worst_ratio > 1.9 && st.router.worst_ratio < 2.1);
	ck_assert_str_eq(st.router.worst_parent, "P1");
	ck_assert_str_eq(st.router.state, "running");
	node_router_stats(&r, &st);
	ck_assert_uint_eq(st.seq, 2);
	node_router_free(&r);
}
END_TEST

Suite *
router_suite(void)
{
	Suite	*s = suite_create("router");
	TCase	*tc = tcase_create("router");

	tcase_add_test(tc, retail_liquidity_fills_and_closes_without_exceeding);
	tcase_add_test(tc, power_peg_exceeds_parent_shares_and_never_closes);
	tcase_add_test(tc, flag_off_uses_the_normal_path);
	tcase_add_test(tc, full_router_refuses_and_counts);
	tcase_add_test(tc, child_order_bound_serves_every_parent_in_turn);
	tcase_add_test(tc, init_refuses_ids_without_router_prefix);
	tcase_add_test(tc, hello_and_stats_report_build_flags_and_counters);
	suite_add_tcase(s, tc);
	return (s);
}
