/*
 * check-set.h: the nodes each per-node rule holds for, kept between
 * ticks.
 *
 * A rule that reads one node at a time (runaway, order-rate, a
 * station's certificate, renewal, heartbeats or devices, a node stale
 * or down, a backend's warning) need not read every node of its role
 * each tick: what it reads changes only with a frame, a state or a
 * baseline, which the model lists (fleet.changed), or, for what a node
 * clock brings closer, at a deadline the test gives.  A set holds the
 * nodes its test held for; each tick it asks the test again of those,
 * of the nodes changed, and of the nodes whose deadline came, so a
 * quiet fleet of 100,000 costs what the alerting nodes cost.
 */
#ifndef VIGIL_CHECK_SET_H
#define VIGIL_CHECK_SET_H

#include <stddef.h>
#include <stdint.h>

struct fleet;
struct node;

enum check_set_id {
	CHECK_SET_RUNAWAY,
	CHECK_SET_ORDER_RATE,
	CHECK_SET_CERT,
	CHECK_SET_RENEWAL,
	CHECK_SET_HEARTBEAT,
	CHECK_SET_COUNTDOWN,
	CHECK_SET_STALE,
	CHECK_SET_DOWN,
	CHECK_SET_WARNED,
	CHECK_NSETS
};

/*
 * Does node belong in the set at monotonic now_ms?  It may hold again
 * only after a change the model lists, or, if the test sets *wake_ms
 * (left INT64_MAX otherwise), from that time on.
 */
typedef int check_set_test(const struct fleet *fleet, const struct node *node,
	    int64_t now_ms, int64_t *wake_ms);

/*
 * The nodes of set id that test holds for at now_ms, in fleet order, as
 * an allocated array the caller frees (never NULL); *n says how many.
 * The first call asks every node; later ones only those said above.
 * sets is where the fleet's sets are kept, synced with the model
 * (check_keep_sets() in check-keep.h).
 */
struct node **check_set_nodes(struct fleet *fleet, void **sets,
	    enum check_set_id id, check_set_test *test, int64_t now_ms,
	    size_t *n);

/* Ask test again of node ix at the set's next call; sets as above. */
void	 check_set_mark(struct fleet *fleet, void **sets, enum check_set_id id,
	    size_t ix);

/* Take the nodes the model changed since the last look (check_keep_sync). */
void	 check_set_sync(struct fleet *fleet, void **sets);

/* Free what check_set_sync keeps in *sets. */
void	 check_set_free(void *sets);

#endif
