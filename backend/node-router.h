/*
 * node-router.h: an order router node (SMARS in the Knight incident).
 *
 * A router takes parent orders and sends child orders until each
 * parent's shares are filled.  What a flag does depends on the build's
 * flag manifest: on the new build "rlp" enables retail_liquidity; on the
 * old one it enables power_peg, whose child-share counting was moved away
 * years before, so it sends child orders without end.  The router knows
 * nothing of sockets or simulation: the simulator feeds it parents and
 * calls node_router_step() once per iteration of the order path.
 */
#ifndef VIGIL_NODE_ROUTER_H
#define VIGIL_NODE_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define ROUTER_MAX_OPEN	4096	/* open parents held at once */

struct router_parent {
	uint64_t	id;
	uint64_t	shares;		/* the parent's size */
	uint64_t	child_shares;	/* sent so far as child orders */
	int		rlp;		/* flagged for the rlp code path */
};

struct node_router {
	char			id[PROTO_ID_MAX];	/* "router/r8" */
	char			group[PROTO_NAME_MAX];
	char			build[PROTO_NAME_MAX];
	size_t			nflags;
	struct proto_flag	flags[PROTO_MAX_FLAGS];

	struct router_parent	*open;		/* open parents */
	size_t			 nopen;
	uint64_t		 next_parent;

	struct proto_router_stats counters;	/* what stats reports */
	int64_t			 started_ms;	/* monotonic, for uptime */
	uint64_t		 seq;
};

/*
 * Set up a router with its build and flag manifest (copied).  Returns 0,
 * or -1 and a sentence in cause (an id without "router/", too many
 * flags).  Nothing is allocated on failure.
 */
int	 node_router_init(struct node_router *r, const char *id,
	    const char *group, const char *build,
	    const struct proto_flag *flags, size_t nflags, char *cause,
	    size_t causelen);
void	 node_router_free(struct node_router *r);

/*
 * Accept a parent order of shares; rlp marks it for the code path the
 * "rlp" flag enables on this build (if the flag is on).  Returns 0, or -1
 * and a sentence in cause when refused (router full); refusals count in
 * parents_refused_total.
 */
int	 node_router_parent(struct node_router *r, uint64_t shares, int rlp,
	    char *cause, size_t causelen);

/*
 * One iteration of the order path: for each open parent, send at most
 * one child order of up to child_size shares through the code path its
 * flags select; a parent whose shares are filled closes, except on the
 * power_peg path, which cannot tell.  At most max_children child orders
 * are sent in all.  Returns the number sent.
 */
unsigned node_router_step(struct node_router *r, unsigned max_children,
	    uint64_t child_size);

/* The code path flag name enables on this build, or NULL if none/off. */
const char *node_router_path(const struct node_router *r, const char *flag);

/* Fill hello (without clock, scenario, time_scale, link_nodes). */
void	 node_router_hello(const struct node_router *r,
	    struct proto_hello *hello);

/* Fill stats (without clock_ms); bumps the sequence number. */
void	 node_router_stats(struct node_router *r, struct proto_stats *stats);

#endif
