/*
 * check_rate.c: rates an operator reads are right: from counter deltas
 * over the node's own uptime, unharmed by a lost message, restarted by a
 * counter reset or time going backwards, and unknown until two readings;
 * the ring of readings held only once a reading came.
 */
#include <check.h>
#include <math.h>

#include "rate.h"
#include "tests.h"

#define ck_assert_rate(r, want) \
	ck_assert_msg(fabs((r) - (want)) < 1e-9, "rate %f, expected %f", \
	    (double)(r), (double)(want))

START_TEST(rate_is_delta_over_uptime)
{
	struct rate	r;

	rate_init(&r, 5000);
	ck_assert_int_eq(rate_add(&r, 0, 0), 0);
	ck_assert_int_eq(rate_add(&r, 1000, 10), 0);
	ck_assert_int_eq(rate_add(&r, 2000, 20), 0);
	ck_assert_rate(rate_per_sec(&r), 10.0);
	/* Readings half a second apart still give per-second figures. */
	ck_assert_int_eq(rate_add(&r, 2500, 30), 0);
	ck_assert_rate(rate_per_sec(&r), 12.0);
	ck_assert_uint_eq(rate_last(&r), 30);
	rate_free(&r);
}
END_TEST

START_TEST(one_reading_is_unknown)
{
	struct rate	r;

	rate_init(&r, 5000);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	ck_assert_uint_eq(rate_last(&r), 0);
	rate_add(&r, 1000, 500);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	ck_assert_uint_eq(rate_last(&r), 500);
	rate_free(&r);
}
END_TEST

START_TEST(lost_message_gives_same_average)
{
	struct rate	all, gap;
	int64_t		t;

	rate_init(&all, 5000);
	rate_init(&gap, 5000);
	for (t = 0; t <= 10000; t += 1000) {
		rate_add(&all, t, (uint64_t)(t / 1000) * 37);
		/* The reading at 7 s never arrives. */
		if (t != 7000)
			rate_add(&gap, t, (uint64_t)(t / 1000) * 37);
	}
	ck_assert_rate(rate_per_sec(&all), 37.0);
	ck_assert_rate(rate_per_sec(&gap), rate_per_sec(&all));

	/* A gap longer than the window still spans both readings. */
	rate_add(&gap, 30000, 30 * 37);
	ck_assert_rate(rate_per_sec(&gap), 37.0);
	rate_free(&all);
	rate_free(&gap);
}
END_TEST

START_TEST(rate_follows_newest_window)
{
	struct rate	r;
	int64_t		t;
	uint64_t	v = 0;

	rate_init(&r, 5000);
	for (t = 0; t <= 20000; t += 1000) {
		rate_add(&r, t, v);
		v += t < 10000 ? 10 : 100;
	}
	/* The last 5 s ran at 100/s; the first 10 s at 10/s are gone. */
	ck_assert_rate(rate_per_sec(&r), 100.0);
	rate_free(&r);
}
END_TEST

START_TEST(counter_reset_restarts_history)
{
	struct rate	r;

	rate_init(&r, 5000);
	rate_add(&r, 0, 0);
	rate_add(&r, 1000, 100);
	rate_add(&r, 2000, 200);
	ck_assert_rate(rate_per_sec(&r), 100.0);
	/* The node restarted: its counter is small again. */
	ck_assert_int_eq(rate_add(&r, 3000, 5), 1);
	ck_assert_uint_eq(r.resets, 1);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	ck_assert_int_eq(rate_add(&r, 4000, 15), 0);
	/* Not (15 - 200): only readings after the restart count. */
	ck_assert_rate(rate_per_sec(&r), 10.0);
	rate_free(&r);
}
END_TEST

START_TEST(time_going_backwards_is_a_reset)
{
	struct rate	r;

	rate_init(&r, 5000);
	rate_add(&r, 10000, 50);
	rate_add(&r, 11000, 60);
	ck_assert_int_eq(rate_add(&r, 500, 70), 1);
	ck_assert_uint_eq(r.resets, 1);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	rate_add(&r, 1500, 75);
	ck_assert_rate(rate_per_sec(&r), 5.0);
	rate_free(&r);
}
END_TEST

START_TEST(same_time_replaces_reading)
{
	struct rate	r;

	rate_init(&r, 5000);
	rate_add(&r, 1000, 10);
	ck_assert_int_eq(rate_add(&r, 1000, 12), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(rate_last(&r), 12);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	rate_free(&r);
}
END_TEST

START_TEST(long_history_keeps_working)
{
	struct rate	r;
	int64_t		t;

	rate_init(&r, 5000);
	for (t = 0; t < 1000 * 1000; t += 250)
		rate_add(&r, t, (uint64_t)t * 3);
	ck_assert_uint_eq(r.n, RATE_SAMPLES);
	ck_assert_rate(rate_per_sec(&r), 3000.0);
	rate_free(&r);
}
END_TEST

/*
 * A rate holds its ring of readings only from the first reading on, and
 * gives it back: a station's four rates a node, three of them a router's
 * counters it never sends, were 3 KiB a station in the console's model.
 */
START_TEST(ring_only_once_a_reading_came)
{
	struct rate	r;

	rate_init(&r, 5000);
	ck_assert_ptr_null(r.s);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	ck_assert_int_eq(rate_span_ms(&r), -1);
	rate_add(&r, 1000, 10);
	ck_assert_ptr_nonnull(r.s);
	rate_add(&r, 2000, 30);
	ck_assert_rate(rate_per_sec(&r), 20.0);
	ck_assert_int_eq(rate_span_ms(&r), 1000);
	rate_free(&r);
	ck_assert_ptr_null(r.s);
	ck_assert_rate(rate_per_sec(&r), -1.0);
	ck_assert_uint_eq(rate_last(&r), 0);
	/* Freed, it starts again like a new one. */
	rate_add(&r, 3000, 40);
	rate_add(&r, 4000, 45);
	ck_assert_rate(rate_per_sec(&r), 5.0);
	rate_free(&r);
}
END_TEST

Suite *
rate_suite(void)
{
	Suite	*s = suite_create("rate");
	TCase	*tc = tcase_create("rate");

	tcase_add_test(tc, rate_is_delta_over_uptime);
	tcase_add_test(tc, one_reading_is_unknown);
	tcase_add_test(tc, lost_message_gives_same_average);
	tcase_add_test(tc, rate_follows_newest_window);
	tcase_add_test(tc, counter_reset_restarts_history);
	tcase_add_test(tc, time_going_backwards_is_a_reset);
	tcase_add_test(tc, same_time_replaces_reading);
	tcase_add_test(tc, long_history_keeps_working);
	tcase_add_test(tc, ring_only_once_a_reading_came);
	suite_add_tcase(s, tc);
	return (s);
}
