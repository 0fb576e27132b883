/*
 * check-set.c: the nodes each per-node rule holds for, kept between
 * ticks; see check-set.h.
 *
 * The model lists the nodes it changed (fleet.changed, with repeats);
 * a sync hands each set those nodes once, as nodes to ask again.  A
 * test that sets a deadline puts the node in its set's heap, keyed by
 * that time; the node is asked again once the time has come, unless an
 * earlier deadline replaced it (the heap keeps only the earliest).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check-set.h"
#include "due.h"
#include "fleet.h"
#include "util.h"

/* One rule's nodes and what to ask again. */
struct check_set {
	uint32_t		*v;		/* members, fleet order: room
						   for nodes_cap */
	size_t			 n;
	unsigned char		*in;		/* per node: a member */
	unsigned char		*asked;		/* per node: in ask */
	uint32_t		*ask;		/* nodes to ask again: room
						   for nodes_cap */
	size_t			 nask;
	int64_t			*wake;		/* per node: deadline, 0 */
	struct due_heap		 heap;		/* the deadlines */
	int			 filled;	/* every node asked once */
};

/* A node's index in 32 bits (check_set.v and ask). */
_Static_assert(FLEET_MAX_NODES <= UINT32_MAX, "node index in 32 bits");

struct check_sets {
	struct check_set	 set[CHECK_NSETS];
	size_t			 nodes_cap;
};

static struct check_sets *check_set_get(struct fleet *fleet, void **slot);
static void	 check_set_grow(struct check_sets *s, size_t nnodes);
static void	 check_set_ask(struct check_set *set, size_t ix);
static void	 check_set_test_one(const struct fleet *fleet,
		    struct check_sets *s, struct check_set *set,
		    check_set_test *test, int64_t now_ms, size_t ix);
static int	 check_set_cmp(const void *a, const void *b);

/* The sets kept in *slot, made on first use and sized for fleet's nodes. */
static struct check_sets *
check_set_get(struct fleet *fleet, void **slot)
{
	struct check_sets	 *s = *slot;

	if (s == NULL)
		s = *slot = xcalloc(1, sizeof *s);
	check_set_grow(s, fleet->nnodes);
	return (s);
}

/* Size every set's per-node arrays for nnodes nodes. */
static void
check_set_grow(struct check_sets *s, size_t nnodes)
{
	struct check_set	*set;
	size_t			 cap, i;

	if (s->nodes_cap >= nnodes)
		return;
	cap = s->nodes_cap == 0 ? 64 : s->nodes_cap;
	while (cap < nnodes)
		cap *= 2;
	for (i = 0; i < CHECK_NSETS; i++) {
		set = &s->set[i];
		set->in = xreallocarray(set->in, cap, 1);
		set->asked = xreallocarray(set->asked, cap, 1);
		/*
		 * asked keeps a node out of ask twice, and in out of v,
		 * so neither needs more than a place per node: made here,
		 * they are not grown, copied and grown again in the tick
		 * that 10,000 nodes go stale in.
		 */
		set->ask = xreallocarray(set->ask, cap, sizeof *set->ask);
		set->v = xreallocarray(set->v, cap, sizeof *set->v);
		/*
		 * Their pages are touched now: a page's first touch costs
		 * some 10 us on a virtual machine, 2 ms for the nine
		 * sets of 10,000 nodes had the outage's tick done it.
		 */
		memset(set->ask + s->nodes_cap, 0, (cap - s->nodes_cap) *
		    sizeof *set->ask);
		memset(set->v + s->nodes_cap, 0, (cap - s->nodes_cap) *
		    sizeof *set->v);
		memset(set->in + s->nodes_cap, 0, cap - s->nodes_cap);
		memset(set->asked + s->nodes_cap, 0, cap - s->nodes_cap);
		if (set->wake != NULL) {
			set->wake = xreallocarray(set->wake, cap,
			    sizeof *set->wake);
			memset(set->wake + s->nodes_cap, 0,
			    (cap - s->nodes_cap) * sizeof *set->wake);
		}
	}
	s->nodes_cap = cap;
}

/* Free the sets; see check-set.h. */
void
check_set_free(void *arg)
{
	struct check_sets	*s = arg;
	struct check_set	*set;
	size_t			 i;

	if (s == NULL)
		return;
	for (i = 0; i < CHECK_NSETS; i++) {
		set = &s->set[i];
		free(set->v);
		free(set->in);
		free(set->asked);
		free(set->ask);
		free(set->wake);
		due_free(&set->heap);
	}
	free(s);
}

/* Have set ask node ix again at its next call. */
static void
check_set_ask(struct check_set *set, size_t ix)
{
	if (set->asked[ix])
		return;
	set->asked[ix] = 1;
	set->ask[set->nask++] = (uint32_t)ix;	/* room for every node */
}

/* Take the model's changed nodes; see check-set.h. */
void
check_set_sync(struct fleet *fleet, void **sets)
{
	struct check_sets	*s;
	size_t			 i, j, ix;

	if (*sets == NULL)
		*sets = xcalloc(1, sizeof *s);
	s = *sets;
	check_set_grow(s, fleet->nnodes);
	for (i = 0; i < fleet->nchanged + fleet->ntouched; i++) {
		ix = i < fleet->nchanged ? fleet->changed[i] :
		    fleet->touched[i - fleet->nchanged];
		if (ix >= fleet->nnodes)
			continue;
		for (j = 0; j < CHECK_NSETS; j++) {
			if (s->set[j].filled)
				check_set_ask(&s->set[j], ix);
		}
	}
	fleet->nchanged = 0;
}

/* Ask node ix again at set id's next call; see check-set.h. */
void
check_set_mark(struct fleet *fleet, void **sets, enum check_set_id id,
    size_t ix)
{
	struct check_sets	*s = check_set_get(fleet, sets);

	if (s->set[id].filled && ix < fleet->nnodes)
		check_set_ask(&s->set[id], ix);
}

/* Ask test of node ix, joining it to set or keeping its deadline. */
static void
check_set_test_one(const struct fleet *fleet, struct check_sets *s,
    struct check_set *set, check_set_test *test, int64_t now_ms, size_t ix)
{
	int64_t	wake = INT64_MAX;

	if (set->in[ix])
		return;		/* asked with the members */
	if (test(fleet, &fleet->nodes[ix], now_ms, &wake)) {
		set->in[ix] = 1;
		set->v[set->n++] = (uint32_t)ix;	/* room for each */
		return;
	}
	if (wake == INT64_MAX)
		return;
	if (wake <= 0)
		wake = 1;	/* 0 says none */
	if (set->wake == NULL)
		set->wake = xcalloc(s->nodes_cap, sizeof *set->wake);
	if (set->wake[ix] != 0 && set->wake[ix] <= wake)
		return;
	set->wake[ix] = wake;
	due_push(&set->heap, wake, ix);
}

/* Order node indices, lowest first. */
static int
check_set_cmp(const void *pa, const void *pb)
{
	uint32_t	a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return (a < b ? -1 : a > b);
}

/* The nodes of set id that test holds for; see check-set.h. */
struct node **
check_set_nodes(struct fleet *fleet, void **sets, enum check_set_id id,
    check_set_test *test, int64_t now_ms, size_t *n)
{
	struct check_sets	*s = check_set_get(fleet, sets);
	struct check_set	*set = &s->set[id];
	struct node		**v;
	struct due		  d;
	int64_t			  wake;
	size_t			  i, k, ix, was;

	/*
	 * The members first: the ones that no longer hold leave, and are
	 * asked again below for a deadline.
	 */
	for (i = k = 0; i < set->n; i++) {
		ix = set->v[i];
		if (test(fleet, &fleet->nodes[ix], now_ms, &wake))
			set->v[k++] = (uint32_t)ix;
		else {
			set->in[ix] = 0;
			check_set_ask(set, ix);
		}
	}
	set->n = k;
	was = k;
	if (!set->filled) {
		for (ix = 0; ix < fleet->nnodes; ix++)
			check_set_test_one(fleet, s, set, test, now_ms, ix);
		set->filled = 1;
	}
	/* A deadline replaced by an earlier one is no longer its own. */
	while (due_pop(&set->heap, now_ms, &d)) {
		if (set->wake[d.ix] == d.at) {
			set->wake[d.ix] = 0;
			check_set_ask(set, d.ix);
		}
	}
	for (i = 0; i < set->nask; i++) {
		ix = set->ask[i];
		set->asked[ix] = 0;
		check_set_test_one(fleet, s, set, test, now_ms, ix);
	}
	set->nask = 0;
	/*
	 * Many joined (an outage): fleet order from the per-node marks,
	 * one pass over bytes, is cheaper than sorting them.
	 */
	if ((set->n - was) * 64 > fleet->nnodes) {
		for (ix = k = 0; ix < fleet->nnodes && k < set->n; ix++) {
			if (set->in[ix])
				set->v[k++] = (uint32_t)ix;
		}
	} else if (set->n > was)
		qsort(set->v, set->n, sizeof *set->v, check_set_cmp);
	*n = set->n;
	v = xcalloc(set->n + 1, sizeof *v);
	for (i = 0; i < set->n; i++)
		v[i] = &fleet->nodes[set->v[i]];
	return (v);
}
