/*
 * fleet-base.h: the routers' child rate baselines, kept between ticks.
 *
 * A router's baseline is the median child rate of the other live
 * routers of its group, or its own average before the last seconds
 * when it has no live peer.  Sorting every live router at every tick
 * cost 27 ms at 100,000 nodes; here the routers are kept by group, the
 * model notes the nodes whose inputs changed (a stats frame, a hello, a
 * state, a history sample that an own baseline reads), and a tick
 * computes again only the groups those nodes are in or left.
 */
#ifndef VIGIL_FLEET_BASE_H
#define VIGIL_FLEET_BASE_H

#include <stddef.h>

struct fleet;
struct node;

/* A live router's child rate, as a candidate baseline for its peers. */
struct fleet_peer {
	const char	*group;
	double		 rate;
	size_t		 i;		/* index in fleet.nodes */
};

/* Node ix's baseline inputs changed: its group is computed again. */
void	 fleet_base_note(struct fleet *fleet, size_t ix);

/*
 * Set child_rate_baseline and child_rate_npeers of every node whose
 * group had a change noted since the last call, as
 * fleet_child_rate_baselines() would.  Each node whose values changed
 * is handed to changed(fleet, node index) when it is not NULL.
 */
void	 fleet_base_tick(struct fleet *fleet,
	    void (*changed)(struct fleet *, size_t));

/* Free what the baselines keep (fleet_free calls it). */
void	 fleet_base_free(struct fleet *fleet);

/* The median of the m sorted peers p[], leaving out skip (m: none). */
double	 fleet_base_median(const struct fleet_peer *p, size_t m, size_t skip);

/* A router's own average child rate before the newest seconds, or -1. */
double	 fleet_base_own(const struct node *node);

#endif
