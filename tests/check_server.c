/*
 * check_server.c: the outgoing queue of each console session in vigild:
 * stats never pile up, alerts are never silently lost, memory is
 * bounded, and frames leave in the order they were made.
 */
#include <check.h>
#include <string.h>

#include "server.h"
#include "tests.h"
#include "util.h"

/* One push of a test and what it is answered. */
struct push_step {
	size_t			 node;
	int			 stats;
	const char		*text;
	enum server_push	 want;
};

/* Push text as a frame and return what the queue did. */
static enum server_push
push(struct server_queue *q, size_t node, int stats, const char *text)
{
	return (server_queue_push(q, node, stats, text, strlen(text)));
}

/* Pop the head and check it was text. */
static void
expect_next(struct server_queue *q, const char *text)
{
	const struct server_frame	*f;

	f = server_queue_peek(q);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->len, strlen(text));
	ck_assert_str_eq((const char *)f->buf + q->pre, text);
	server_queue_pop(q);
}

START_TEST(newer_stats_replace_older_stats_of_the_same_node)
{
	struct server_queue	q;

	server_queue_init(&q, 8, 16);
	ck_assert_int_eq(push(&q, 0, 1, "stats-1"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 0, "alert-1"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 1, "stats-2"), SERVER_REPLACED);
	ck_assert_uint_eq(q.count, 2);
	ck_assert_uint_eq(q.replaced, 1);
	/* The alert made before stats-2 still goes first. */
	expect_next(&q, "alert-1");
	expect_next(&q, "stats-2");
	ck_assert_ptr_null(server_queue_peek(&q));
	server_queue_free(&q);
}
END_TEST

START_TEST(stats_of_different_nodes_are_all_kept)
{
	struct server_queue	q;

	server_queue_init(&q, 8, 0);
	ck_assert_int_eq(push(&q, 0, 1, "r1"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 1, 1, "r2"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 1, 1, "r2-newer"), SERVER_REPLACED);
	expect_next(&q, "r1");
	expect_next(&q, "r2-newer");
	server_queue_free(&q);
}
END_TEST

START_TEST(alerts_are_never_replaced_and_a_full_queue_refuses)
{
	struct server_queue	q;

	server_queue_init(&q, 3, 16);
	ck_assert_int_eq(push(&q, 0, 0, "alert-1"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 0, "alert-2"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 0, "alert-3"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 0, "alert-4"), SERVER_FULL);
	ck_assert_int_eq(push(&q, 0, 1, "stats"), SERVER_FULL);
	/* Refusal leaves what was queued untouched. */
	ck_assert_uint_eq(q.count, 3);
	expect_next(&q, "alert-1");
	expect_next(&q, "alert-2");
	expect_next(&q, "alert-3");
	server_queue_free(&q);
}
END_TEST

START_TEST(full_queue_still_takes_a_newer_stats_frame)
{
	struct server_queue	q;

	server_queue_init(&q, 3, 0);
	ck_assert_int_eq(push(&q, 0, 0, "alert-1"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 1, "stats-1"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 0, "alert-2"), SERVER_QUEUED);
	/* Full, but the old stats frame gives way to the new one. */
	ck_assert_int_eq(push(&q, 0, 1, "stats-2"), SERVER_REPLACED);
	ck_assert_uint_eq(q.count, 3);
	ck_assert_int_eq(push(&q, 0, 0, "alert-3"), SERVER_FULL);
	expect_next(&q, "alert-1");
	expect_next(&q, "alert-2");
	expect_next(&q, "stats-2");
	server_queue_free(&q);
}
END_TEST

START_TEST(order_survives_wrapping_round_the_ring)
{
	struct server_queue	q;
	int			i;

	server_queue_init(&q, 3, 8);
	/* Turn the ring a few times so head sits at every slot. */
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(push(&q, 0, 0, "x"), SERVER_QUEUED);
		expect_next(&q, "x");
	}
	ck_assert_int_eq(push(&q, 0, 0, "a"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 1, 1, "s-old"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 0, 0, "b"), SERVER_QUEUED);
	expect_next(&q, "a");
	ck_assert_int_eq(push(&q, 0, 0, "c"), SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 1, 1, "s-new"), SERVER_REPLACED);
	expect_next(&q, "b");
	expect_next(&q, "c");
	expect_next(&q, "s-new");
	ck_assert_ptr_null(server_queue_peek(&q));
	server_queue_pop(&q);	/* popping nothing is harmless */
	server_queue_free(&q);
}
END_TEST

START_TEST(frames_keep_headroom_and_end_in_a_nul)
{
	struct server_queue		 q;
	const struct server_frame	*f;

	server_queue_init(&q, 2, 16);
	ck_assert_int_eq(server_queue_push(&q, 5, 0, "{\"type\":\"x\"}junk",
	    12), SERVER_QUEUED);
	f = server_queue_peek(&q);
	ck_assert_uint_eq(f->node, 5);
	ck_assert_int_eq(f->replaceable, 0);
	ck_assert_uint_eq(f->len, 12);
	ck_assert_str_eq((const char *)f->buf + 16, "{\"type\":\"x\"}");
	/* Freeing with frames still queued releases them (LSan checks). */
	server_queue_free(&q);
	ck_assert_ptr_null(server_queue_peek(&q));
}
END_TEST

/*
 * A frame written behind the queue's headroom is queued as it is, not
 * copied; a full queue frees it (LSan checks), and one that takes it
 * sends it as any other.
 */
START_TEST(taken_frames_are_queued_in_place_or_freed_when_full)
{
	struct server_queue		 q;
	const struct server_frame	*f;
	char				*buf[3];
	int				 i;

	server_queue_init(&q, 2, 16);
	for (i = 0; i < 3; i++) {
		buf[i] = xmalloc(16 + 8);
		memcpy(buf[i] + 16, "alert-", 6);
		buf[i][22] = (char)('1' + i);
		buf[i][23] = '\0';
	}
	ck_assert_int_eq(server_queue_take(&q, 1, 0, buf[0], 7),
	    SERVER_QUEUED);
	ck_assert_int_eq(push(&q, 1, 1, "stats-1"), SERVER_QUEUED);
	ck_assert_int_eq(server_queue_take(&q, 1, 0, buf[1], 7),
	    SERVER_FULL);
	f = server_queue_peek(&q);
	ck_assert_ptr_eq(f->buf, buf[0]);
	expect_next(&q, "alert-1");
	ck_assert_int_eq(server_queue_take(&q, 1, 1, buf[2], 7),
	    SERVER_REPLACED);
	expect_next(&q, "alert-3");
	ck_assert_ptr_null(server_queue_peek(&q));
	server_queue_free(&q);
}
END_TEST

/*
 * Frames packed for one write are the waiting frames in their order,
 * each behind the header a server gives a whole text frame (RFC 6455:
 * 0x81, then the length in 7, 7+16 or 7+64 bits), and a frame that
 * would pass the room is left for the next write.
 */
START_TEST(packed_frames_are_whole_text_frames_in_order)
{
	struct server_queue	 q;
	unsigned char		 out[320];
	char			 big[300];
	size_t			 len, n;

	server_queue_init(&q, 8, 16);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	push(&q, 0, 0, "result");
	push(&q, 0, 1, "stats");
	push(&q, 0, 0, big);
	push(&q, 0, 0, "last");
	len = server_queue_pack(&q, out, sizeof out, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(len, 2 + 6 + 2 + 5 + 4 + 299);
	ck_assert_mem_eq(out, "\x81\x06result\x81\x05stats", 15);
	ck_assert_mem_eq(out + 15, "\x81\x7e\x01\x2b", 4);
	ck_assert_mem_eq(out + 19, big, 299);
	/* The queue is the caller's to pop. */
	ck_assert_uint_eq(q.count, 4);
	len = server_queue_pack(&q, out, 10, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(len, 8);
	len = server_queue_pack(&q, out, 7, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(len, 0);
	server_queue_free(&q);
}
END_TEST

/*
 * A superseded stats frame in the middle of the queue leaves no gap a
 * write or the order would show: packed, the frames after it follow
 * the ones before; a full ring takes a frame again once it has closed
 * up; nodes arriving out of order are each replaced by their own.
 */
/* Push each of n steps, each answered as it says. */
static void
push_steps(struct server_queue *q, const struct push_step *steps, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(push(q, steps[i].node, steps[i].stats,
		    steps[i].text), steps[i].want);
}

START_TEST(superseded_stats_leave_no_gap)
{
	static const struct push_step	 first[] = {
		{ 5, 1, "s5", SERVER_QUEUED }, { 6, 1, "s6", SERVER_QUEUED },
		{ 5, 0, "a", SERVER_QUEUED }, { 6, 1, "s6b", SERVER_REPLACED }
	}, full[] = {
		{ 7, 0, "b", SERVER_QUEUED }, { 7, 0, "c", SERVER_FULL },
		{ 5, 1, "s5b", SERVER_REPLACED }
	}, unordered[] = {
		{ 9, 1, "s9", SERVER_QUEUED }, { 2, 1, "s2", SERVER_QUEUED },
		{ 2, 1, "s2b", SERVER_REPLACED },
		{ 9, 1, "s9b", SERVER_REPLACED }
	};
	struct server_queue	 q;
	unsigned char		 out[64];
	size_t			 len, n;

	server_queue_init(&q, 4, 0);
	push_steps(&q, first, nitems(first));
	ck_assert_uint_eq(q.count, 3);
	len = server_queue_pack(&q, out, sizeof out, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(len, 4 + 3 + 5);
	ck_assert_mem_eq(out, "\x81\x02s5\x81\x01" "a\x81\x03s6b", len);
	push_steps(&q, full, nitems(full));
	ck_assert_uint_eq(q.count, 4);
	expect_next(&q, "a");
	expect_next(&q, "s6b");
	push_steps(&q, unordered, nitems(unordered));
	expect_next(&q, "b");
	expect_next(&q, "s5b");
	expect_next(&q, "s2b");
	expect_next(&q, "s9b");
	ck_assert_ptr_null(server_queue_peek(&q));
	ck_assert_int_eq(push(&q, 9, 1, "s9c"), SERVER_QUEUED);
	server_queue_free(&q);
}
END_TEST

/*
 * A node's turn keeps its stats still waiting where it is: moved to the
 * tail at each turn, a slow console's last nodes waited a whole period
 * more for their second stats.  A stats frame that must be delivered
 * (a node's first) is not one it gives way to.
 */
START_TEST(periodic_stats_give_way_to_the_stats_waiting)
{
	static const struct push_step	 steps[] = {
		{ 3, 0, "first3", SERVER_QUEUED },
		{ 3, SERVER_PERIODIC, "turn3", SERVER_QUEUED },
		{ 4, SERVER_PERIODIC, "turn4", SERVER_QUEUED },
		{ 3, SERVER_PERIODIC, "turn3b", SERVER_KEPT },
		{ 4, 1, "moved4", SERVER_REPLACED }
	};
	struct server_queue	 q;

	server_queue_init(&q, 8, 0);
	push_steps(&q, steps, nitems(steps));
	ck_assert_uint_eq(q.count, 3);
	expect_next(&q, "first3");
	expect_next(&q, "turn3");
	expect_next(&q, "moved4");
	ck_assert_ptr_null(server_queue_peek(&q));
	ck_assert_int_eq(push(&q, 3, SERVER_PERIODIC, "turn3c"),
	    SERVER_QUEUED);
	server_queue_free(&q);
}
END_TEST

/*
 * Stats of nodes coming downwards, one lower each time, as the nodes
 * whose state moved can: the room for where each node's stats wait
 * grows as they come, not twice over at each node.
 */
START_TEST(stats_of_nodes_coming_downwards_keep_the_room_small)
{
	struct server_queue	 q;
	size_t			 i;

	server_queue_init(&q, 2048, 0);
	for (i = 1000; i-- > 0; )
		ck_assert_int_eq(push(&q, i, SERVER_PERIODIC, "s"),
		    SERVER_QUEUED);
	ck_assert_uint_le(q.nat, 2048);
	ck_assert_int_eq(push(&q, 0, SERVER_PERIODIC, "s"), SERVER_KEPT);
	ck_assert_int_eq(push(&q, 999, SERVER_PERIODIC, "s"), SERVER_KEPT);
	server_queue_free(&q);
}
END_TEST

Suite *
server_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("server");
	tc = tcase_create("queue");
	tcase_add_test(tc, newer_stats_replace_older_stats_of_the_same_node);
	tcase_add_test(tc, stats_of_different_nodes_are_all_kept);
	tcase_add_test(tc, alerts_are_never_replaced_and_a_full_queue_refuses);
	tcase_add_test(tc, full_queue_still_takes_a_newer_stats_frame);
	tcase_add_test(tc, order_survives_wrapping_round_the_ring);
	tcase_add_test(tc, frames_keep_headroom_and_end_in_a_nul);
	tcase_add_test(tc,
	    taken_frames_are_queued_in_place_or_freed_when_full);
	tcase_add_test(tc, packed_frames_are_whole_text_frames_in_order);
	tcase_add_test(tc, superseded_stats_leave_no_gap);
	tcase_add_test(tc, periodic_stats_give_way_to_the_stats_waiting);
	tcase_add_test(tc,
	    stats_of_nodes_coming_downwards_keep_the_room_small);
	suite_add_tcase(s, tc);
	return (s);
}
