/*
 * check_router.c: the router's order path as an operator sees it through
 * stats: parents fill and close on the new build, the old build's
 * power_peg path runs away, and a full router refuses and counts; the
 * market fills child orders and acknowledges cancels a set time after
 * they went out, on a clock the tests control, and the kill switch stops
 * child orders at once, cancels the open ones, refuses parents and
 * reports halting until the residue is gone, then killed.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "node-router.h"
#include "tests.h"

#define STEP_MS		50	/* between steps, as vigild steps */
#define FILL_MS		150	/* the market fills, as vigild's */
#define CANCEL_MS	50	/* and acknowledges a cancel */

static int64_t	now_ms = 1000000;	/* the tests' clock */

/* One iteration of r's order path, STEP_MS after the last. */
static unsigned
step(struct node_router *r, unsigned max_children)
{
	now_ms += STEP_MS;
	return (node_router_step(r, now_ms, max_children, 100));
}

/* The market's answers now. */
static uint64_t
market(struct node_router *r)
{
	return (node_router_market(r, now_ms, FILL_MS, CANCEL_MS));
}

/* A step as vigild's simulator takes one: the market, then the router. */
static void
turn(struct node_router *r, unsigned max_children)
{
	now_ms += STEP_MS;
	node_router_market(r, now_ms, FILL_MS, CANCEL_MS);
	node_router_step(r, now_ms, max_children, 100);
}

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

/* A power_peg router with n runaway parents that has run steps steps. */
static void
runaway(struct node_router *r, int n, int steps)
{
	char	cause[256];
	int	i;

	router_with_rlp(r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    1);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(node_router_parent(r, 100, 1, cause,
		    sizeof cause), 0);
	for (i = 0; i < steps; i++)
		turn(r, 500);
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
		step(&r, 500);
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
	struct proto_stats	st;
	char			cause[256];
	int			i;

	router_with_rlp(&r, "router/r8", "smars-2012.07.31-old", "power_peg",
	    1);
	ck_assert_int_eq(node_router_parent(&r, 200, 1, cause, sizeof cause),
	    0);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(step(&r, 500), 1);
	ck_assert_uint_eq(r.counters.child_orders_total, 10);
	ck_assert_uint_eq(r.counters.child_shares_total, 1000);
	ck_assert_uint_eq(r.counters.open_parents, 1);
	ck_assert(r.counters.worst_ratio > 4.9 && r.counters.worst_ratio < 5.1);
	node_router_stats(&r, &st);
	ck_assert_str_eq(st.router.worst_parent, "P1");

	/* A parent without rlp on the same router still fills and closes. */
	ck_assert_int_eq(node_router_parent(&r, 100, 0, cause, sizeof cause),
	    0);
	step(&r, 500);
	step(&r, 500);
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
		step(&r, 500);
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
		ck_assert_uint_eq(step(&r, 2), 2);
	/* 12 child orders over 6 parents: the normal one got its turn. */
	ck_assert_uint_eq(r.counters.open_parents, 5);
	ck_assert_uint_eq(r.counters.child_orders_total, 12);
	node_router_free(&r);
}
END_TEST

/*
 * Child orders go by real time, a parent one every ROUTER_CHILD_MS: a
 * step sooner than that sends none, a late one the orders owed since,
 * a stall no more than ROUTER_CHILD_CATCHUP each, and a killed router
 * owes none for the time it was killed.
 */
START_TEST(child_orders_are_owed_by_real_time_not_by_steps)
{
	struct node_router	r;
	char			cause[256];

	runaway(&r, 3, 1);
	ck_assert_uint_eq(r.counters.child_orders_total, 3);
	ck_assert_uint_eq(node_router_step(&r, now_ms + ROUTER_CHILD_MS - 1,
	    500, 100), 0);
	now_ms += ROUTER_CHILD_MS;
	ck_assert_uint_eq(node_router_step(&r, now_ms, 500, 100), 3);
	/* Three periods late: three each, the rate kept. */
	now_ms += 3 * ROUTER_CHILD_MS + 10;
	ck_assert_uint_eq(node_router_step(&r, now_ms, 500, 100), 9);
	/* The 10 ms left over count towards the next. */
	now_ms += ROUTER_CHILD_MS - 10;
	ck_assert_uint_eq(node_router_step(&r, now_ms, 500, 100), 3);
	/* A stall of a second: at most the catch-up, and the bound. */
	now_ms += 1000;
	ck_assert_uint_eq(node_router_step(&r, now_ms, 500, 100),
	    3 * ROUTER_CHILD_CATCHUP);
	now_ms += 1000;
	ck_assert_uint_eq(node_router_step(&r, now_ms, 5, 100), 5);
	/* Killed for a second, then resumed: one each, not a burst. */
	node_router_kill(&r);
	while (r.counters.open_children > 0)
		turn(&r, 500);
	now_ms += 1000;
	node_router_step(&r, now_ms, 500, 100);
	ck_assert_int_eq(node_router_resume(&r, cause, sizeof cause), 0);
	ck_assert_uint_eq(step(&r, 500), 3);
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
	proto_hello_clear(&h);

	node_router_parent(&r, 100, 1, cause, sizeof cause);
	node_router_parent(&r, 500, 0, cause, sizeof cause);
	step(&r, 500);
	step(&r, 500);
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
	ck_assert_str_eq(proto_state_name(st.router.state), "running");
	node_router_stats(&r, &st);
	ck_assert_uint_eq(st.seq, 2);
	node_router_free(&r);
}
END_TEST

START_TEST(market_fills_child_orders_a_fill_delay_later)
{
	struct node_router	r;
	int64_t			sent;
	int			i;

	runaway(&r, 4, 0);
	ck_assert_uint_eq(step(&r, 500), 4);
	sent = now_ms;
	ck_assert_uint_eq(r.counters.open_children, 4);
	ck_assert_uint_eq(market(&r), 0);
	/* FILL_MS after they went out the first four are filled. */
	for (i = 0; i < 3; i++) {
		step(&r, 500);
		ck_assert_uint_eq(r.counters.open_children, 4 * (i + 2));
	}
	ck_assert_uint_eq(node_router_market(&r, sent + FILL_MS - 1,
	    FILL_MS, CANCEL_MS), 0);
	ck_assert_uint_eq(node_router_market(&r, sent + FILL_MS, FILL_MS,
	    CANCEL_MS), 4);
	ck_assert_uint_eq(r.counters.open_children, 12);
	ck_assert_uint_eq(r.counters.children_cancelled_total, 0);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "running");
	node_router_free(&r);
}
END_TEST

START_TEST(kill_stops_child_orders_within_one_iteration)
{
	struct node_router	r;
	uint64_t		total;
	int			i;

	runaway(&r, 5, 10);
	total = r.counters.child_orders_total;
	ck_assert_uint_eq(total, 50);
	ck_assert(!node_router_killed(&r));
	node_router_kill(&r);
	ck_assert(node_router_killed(&r));
	/* The very next iteration sends nothing, nor any after it. */
	for (i = 0; i < 20; i++) {
		market(&r);
		ck_assert_uint_eq(step(&r, 500), 0);
		ck_assert_uint_eq(r.counters.child_orders_total, total);
	}
	/* The parents are held, not served and not dropped. */
	ck_assert_uint_eq(r.counters.open_parents, 5);
	node_router_free(&r);
}
END_TEST

START_TEST(halting_while_child_orders_are_open_then_killed_at_zero)
{
	struct node_router	r;
	struct proto_stats	st;
	uint64_t		residue, filled_before, steps = 0;

	/* No market answers yet: every child order sent is still open. */
	runaway(&r, 5, 0);
	step(&r, 500);
	step(&r, 500);
	residue = r.counters.open_children;
	ck_assert_uint_eq(residue, 10);
	node_router_kill(&r);
	node_router_stats(&r, &st);
	ck_assert_str_eq(proto_state_name(st.router.state), "halting");
	ck_assert_uint_eq(st.router.open_children, residue);

	/* The order path sends the cancels; the market acknowledges them. */
	filled_before = r.counters.child_orders_total;
	while (r.counters.open_children > 0) {
		ck_assert_str_eq(proto_state_name(node_router_state(&r)),
		    "halting");
		ck_assert_uint_lt(steps++, 10);
		step(&r, 500);
		node_router_market(&r, now_ms, 100 * STEP_MS, CANCEL_MS);
	}
	ck_assert_uint_ge(steps, 2);	/* acknowledged, not at once */
	node_router_stats(&r, &st);
	ck_assert_str_eq(proto_state_name(st.router.state), "killed");
	ck_assert_uint_eq(st.router.open_children, 0);
	ck_assert_uint_eq(st.router.children_cancelled_total, residue);
	ck_assert_uint_eq(st.router.child_orders_total, filled_before);
	node_router_free(&r);
}
END_TEST

/*
 * A runaway of 5 parents after steps steps, killed and halted between
 * steps, after ms after the last, as vigild's loop does it; its open
 * child orders in *residue.  Returns the halt's time.
 */
static int64_t
halted_runaway(struct node_router *r, int steps, int64_t after,
    uint64_t *residue)
{
	runaway(r, 5, steps);
	*residue = r->counters.open_children;
	ck_assert_uint_gt(*residue, 0);
	node_router_kill(r);
	node_router_halt(r, now_ms + after);
	return (now_ms + after);
}

/*
 * vigild's loop carries out a kill between two steps of the order path:
 * the cancels go out at once, at the kill's time, and the market answers
 * them at its first call CANCEL_MS or more after, as the simulator runs
 * it (market, then step), not a step later for the order path to notice
 * the flag, nor by counting steps.
 */
START_TEST(halt_on_the_order_path_sends_cancels_at_once)
{
	struct node_router	r;
	uint64_t		residue;
	int64_t			halt;

	halt = halted_runaway(&r, 2, 10, &residue);
	node_router_market(&r, halt + STEP_MS - 10, 100 * STEP_MS, CANCEL_MS);
	node_router_step(&r, halt + STEP_MS - 10, 500, 100);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "halting");
	ck_assert_uint_eq(r.counters.open_children, residue);
	/* A later step's own halt does not put the cancels off. */
	node_router_step(&r, halt + CANCEL_MS - 1, 500, 100);
	node_router_market(&r, halt + CANCEL_MS - 1, 100 * STEP_MS,
	    CANCEL_MS);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "halting");
	node_router_market(&r, halt + CANCEL_MS, 100 * STEP_MS, CANCEL_MS);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "killed");
	ck_assert_uint_eq(r.counters.children_cancelled_total, residue);
	node_router_free(&r);
}
END_TEST

/*
 * When the order path's thread is busy its steps come late.  A router
 * halted just after a step is killed at the very next step if that one
 * comes CANCEL_MS or more after the halt, and however late it comes,
 * not a whole step period after it as when the market counted steps.
 */
START_TEST(late_step_acknowledges_cancels_due_by_then)
{
	struct node_router	r;
	uint64_t		residue;
	int64_t			halt;
	int			late;

	for (late = CANCEL_MS; late <= 4 * STEP_MS; late += STEP_MS / 2) {
		halt = halted_runaway(&r, 3, 1, &residue);
		/* The next step, late: the market answers in it. */
		now_ms = halt + late;
		ck_assert_uint_eq(market(&r), residue);
		ck_assert_uint_eq(node_router_step(&r, now_ms, 500, 100), 0);
		ck_assert_str_eq(proto_state_name(node_router_state(&r)),
		    "killed");
		ck_assert_uint_eq(r.counters.children_cancelled_total,
		    residue);
		node_router_free(&r);
	}
}
END_TEST

START_TEST(killed_with_nothing_open_reports_killed_at_once)
{
	struct node_router	r;

	router_with_rlp(&r, "router/r1", "smars-2012.08.01",
	    "retail_liquidity", 1);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "running");
	node_router_kill(&r);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "killed");
	node_router_kill(&r);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "killed");
	node_router_free(&r);
}
END_TEST

START_TEST(parents_are_refused_in_words_while_halting_and_killed)
{
	struct node_router	r;
	char			cause[256];

	runaway(&r, 2, 1);
	node_router_kill(&r);
	step(&r, 500);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "halting");
	ck_assert_int_eq(node_router_parent(&r, 100, 0, cause, sizeof cause),
	    -1);
	ck_assert_str_eq(cause, "router/r8 is halting: new parent orders are "
	    "refused until a two-person resume");
	while (r.counters.open_children > 0) {
		step(&r, 500);
		market(&r);
	}
	ck_assert_int_eq(node_router_parent(&r, 100, 0, cause, sizeof cause),
	    -1);
	ck_assert_str_eq(cause, "router/r8 is killed: new parent orders are "
	    "refused until a two-person resume");
	ck_assert_uint_eq(r.counters.parents_refused_total, 2);
	ck_assert_uint_eq(r.counters.parents_total, 2);
	node_router_free(&r);
}
END_TEST

START_TEST(resume_only_from_killed_restarts_child_orders)
{
	struct node_router	r;
	char			cause[256];
	uint64_t		total;

	runaway(&r, 3, 2);
	ck_assert_int_eq(node_router_resume(&r, cause, sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/r8 is running"));
	node_router_kill(&r);
	step(&r, 500);
	ck_assert_int_eq(node_router_resume(&r, cause, sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "still halting"));
	ck_assert(node_router_killed(&r));
	while (r.counters.open_children > 0) {
		step(&r, 500);
		market(&r);
	}
	total = r.counters.child_orders_total;
	ck_assert_int_eq(node_router_resume(&r, cause, sizeof cause), 0);
	ck_assert_str_eq(proto_state_name(node_router_state(&r)), "running");
	ck_assert(!node_router_killed(&r));
	/* The held parents are served again, and new ones accepted. */
	ck_assert_uint_eq(step(&r, 500), 3);
	ck_assert_uint_eq(r.counters.child_orders_total, total + 3);
	ck_assert_int_eq(node_router_parent(&r, 100, 0, cause, sizeof cause),
	    0);
	node_router_free(&r);
}
END_TEST

START_TEST(unanswered_market_holds_child_orders_back)
{
	struct node_router	r;
	int			i;

	runaway(&r, 1, 0);
	for (i = 0; i < ROUTER_MAX_BATCHES; i++)
		ck_assert_uint_eq(step(&r, 500), 1);
	ck_assert_uint_eq(step(&r, 500), 0);
	ck_assert_uint_eq(r.counters.open_children, ROUTER_MAX_BATCHES);
	/* All but the last step's filled: room for one more. */
	node_router_market(&r, now_ms, STEP_MS, CANCEL_MS);
	ck_assert_uint_eq(step(&r, 500), 1);
	node_router_free(&r);
}
END_TEST

/* The first open parent of the highest child/parent ratio, as stats name it. */
static void
worst_as_walked(struct node_router *r)
{
	struct proto_stats		 st;
	const struct router_parent	*p, *worst = NULL;
	double				 ratio, max = 0;
	char				 name[32] = "";
	size_t				 i;

	for (i = 0; i < r->nopen; i++) {
		p = &r->open[i];
		ratio = (double)p->child_shares / (double)p->shares;
		if (worst == NULL || ratio > max) {
			worst = p;
			max = ratio;
		}
	}
	if (worst != NULL)
		snprintf(name, sizeof name, "P%llu",
		    (unsigned long long)worst->id);
	ck_assert_uint_eq(r->counters.open_parents, r->nopen);
	ck_assert_msg(r->counters.worst_ratio == max, "worst ratio %g, "
	    "walked %g", r->counters.worst_ratio, max);
	node_router_stats(r, &st);
	ck_assert_str_eq(st.router.worst_parent, name);
}

/*
 * A new parent updates the gauges without walking the open parents; the
 * worst parent and ratio must stay those of a walk, as parents open,
 * fill and close, on the normal and the power_peg path.
 */
START_TEST(worst_parent_kept_as_parents_open_and_close)
{
	struct node_router	r;
	char			cause[256];
	unsigned		x = 12345;
	int			i, k, path;

	for (path = 0; path < 2; path++) {
		router_with_rlp(&r, "router/r1", "smars-2012.08.01",
		    path ? "power_peg" : "retail_liquidity", 1);
		for (i = 0; i < 300; i++) {
			for (k = 0; k < (int)(x % 3); k++) {
				x = x * 1103515245 + 12345;
				ck_assert_int_eq(node_router_parent(&r,
				    (1 + (x >> 8) % 20) * 100, (x >> 4) % 4 ==
				    0, cause, sizeof cause), 0);
				worst_as_walked(&r);
			}
			x = x * 1103515245 + 12345;
			turn(&r, 1 + (x >> 8) % 5);
			worst_as_walked(&r);
		}
		node_router_free(&r);
	}
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
	tcase_add_test(tc, child_orders_are_owed_by_real_time_not_by_steps);
	tcase_add_test(tc, init_refuses_ids_without_router_prefix);
	tcase_add_test(tc, hello_and_stats_report_build_flags_and_counters);
	tcase_add_test(tc, market_fills_child_orders_a_fill_delay_later);
	tcase_add_test(tc, kill_stops_child_orders_within_one_iteration);
	tcase_add_test(tc,
	    halting_while_child_orders_are_open_then_killed_at_zero);
	tcase_add_test(tc, halt_on_the_order_path_sends_cancels_at_once);
	tcase_add_test(tc, late_step_acknowledges_cancels_due_by_then);
	tcase_add_test(tc, killed_with_nothing_open_reports_killed_at_once);
	tcase_add_test(tc,
	    parents_are_refused_in_words_while_halting_and_killed);
	tcase_add_test(tc, resume_only_from_killed_restarts_child_orders);
	tcase_add_test(tc, unanswered_market_holds_child_orders_back);
	tcase_add_test(tc, worst_parent_kept_as_parents_open_and_close);
	suite_add_tcase(s, tc);
	return (s);
}
