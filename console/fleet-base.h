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

struct fleet_base;

/* A live router's child rate, as a candidate baseline for its peers. */
struct fleet_peer {
	const char	*group;
	double		 rate;
	size_t		 i;		/* index in fleet.nodes */
};

/*
 * What the baselines read of node ix and where they put what they find,
 * handed in by the model (fleet.c), so this module holds indices and
 * never a node.
 */
struct fleet_base_nodes {
	void	 *arg;
	/* The group of a router that said hello, or NULL. */
	const char *(*group)(void *arg, size_t ix);
	/* Whether ix is a router, hello or not. */
	int	 (*router)(void *arg, size_t ix);
	/* A live router's child rate per second, or -1. */
	double	 (*rate)(void *arg, size_t ix);
	/* A router's own average before the newest seconds, or -1. */
	double	 (*own)(void *arg, size_t ix);
	/* Set ix's baseline and the number of peers it came from. */
	void	 (*put)(void *arg, size_t ix, double baseline, size_t npeers);
};

/* Empty baselines; fleet_base_free frees them. */
struct fleet_base *fleet_base_new(void);

/* Node ix's baseline inputs changed: its group is computed again. */
void	 fleet_base_note(struct fleet_base *b, size_t ix);

/*
 * Put the baseline of every node whose group had a change noted since
 * the last call, as fleet_child_rate_baselines() would, reading the
 * nodes through nodes.
 */
void	 fleet_base_tick(struct fleet_base *b,
	    const struct fleet_base_nodes *nodes);

/* Free what the baselines keep (NULL: nothing). */
void	 fleet_base_free(struct fleet_base *b);

/* The median of the m sorted peers p[], leaving out skip (m: none). */
double	 fleet_base_median(const struct fleet_peer *p, size_t m, size_t skip);

#endif
