/*
 * check-keep.h: what the checks keep between ticks.
 *
 * The drift rules compare every node of a role with the others, and
 * several station rules need the root holder; found again on every tick
 * for 100,000 nodes, that was most of the console's time.  This module
 * keeps their results and recomputes only what a change touched: a
 * group's build majority and a flag name's path majority when a hello
 * of one of its nodes changed (fleet.touched), the root holder when a
 * certificate changed who holds it (fleet.roots_seq).  Majorities are
 * counted in a hash by value, not sorted.
 *
 * It lives in fleet.checks, made on first use, and fleet_free() frees
 * it.  The model never calls it; the checks call check_keep_sync() at
 * the start of each run.
 */
#ifndef VIGIL_CHECK_KEEP_H
#define VIGIL_CHECK_KEEP_H

#include <stddef.h>

#include "proto.h"

struct fleet;

/*
 * One role's group (build-drift) or one role's flag name (flag-drift),
 * as last counted: how many nodes it holds, the value most of them hold
 * (a build, or the path the flag selects; on a tie, the one of the node
 * first in fleet order) and the nodes that hold another, in fleet order.
 */
struct check_drift {
	enum proto_role	 role;
	int		 flag;		/* a flag name, else a group */
	const char	*name;		/* the group or flag name */
	size_t		 nheld;
	const char	*majority;
	const size_t	*minority;	/* indices in fleet.nodes */
	size_t		 nminority;
};

/*
 * Bring what is kept up to date with the model: take the nodes it
 * touched and count again the groups and flag names they were or are
 * in.  Costs nothing when nothing changed.
 */
void	 check_keep_sync(struct fleet *fleet);

/*
 * The groups (flags 0) or flag names (flags 1) where some node differs
 * from the majority, in the order the rules name them: routers first,
 * then by their first node in fleet order (and a flag's place in that
 * node's hello).  *out stays valid until the next sync.  Returns how
 * many.
 */
size_t	 check_keep_drifts(struct fleet *fleet, int flags,
	    const struct check_drift *const **out);

/*
 * Where check-set.c keeps its sets between ticks (NULL at first), once
 * the kept results are brought up to date (check_keep_sync).
 */
void	**check_keep_sets(struct fleet *fleet);

/*
 * The nodes of role (routers or stations), as indices in fleet.nodes in
 * fleet order, *n of them, kept up to date as nodes come or change
 * role; valid until the model next changes.
 */
const size_t *check_keep_role_nodes(struct fleet *fleet, enum proto_role role,
	    size_t *n);

/*
 * The build most nodes of role run (nodes without a hello count as
 * running ""), on a tie the first in fleet order; NULL without nodes.
 */
const char *check_keep_role_build(struct fleet *fleet, enum proto_role role);

/*
 * The id of the station holding the root: the first saying it holds it,
 * else the one most certificates name; NULL when no station told us.
 */
const char *check_keep_root(struct fleet *fleet);

#endif
