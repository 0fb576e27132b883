/*
 * node-router.h: an order router node (SMARS in the Knight incident).
 *
 * A router takes parent orders and sends child orders until each
 * parent's shares are filled.  What a flag does depends on the build's
 * flag manifest: on the new build "rlp" enables retail_liquidity; on the
 * old one it enables power_peg, whose child-share counting was moved away
 * years before, so it sends child orders without end.  The router knows
 * nothing of sockets or simulation: the simulator feeds it parents, calls
 * node_router_step() once per iteration of the order path, and answers
 * for the market with node_router_market().  Both are told the time, a
 * monotonic clock in milliseconds the caller reads (or, in tests,
 * controls): the market answers by the time since an order or cancel
 * went out, however late the iterations come.
 *
 * The kill switch.  A child order sent is open until the market fills it
 * or it is cancelled; open_children counts them.  node_router_kill() sets
 * an atomic flag with release ordering and does nothing else, so it may
 * be called from any thread; the order path reads the flag with acquire
 * ordering at the top of every iteration and again before each child
 * order, so no child order leaves after a kill it has seen, and child
 * orders stop within one iteration of a kill from another thread.  The
 * order path then asks the market to cancel every open child order and
 * refuses new parents.  The router reports "halting" while cancels are
 * outstanding and "killed" once open_children is zero; open parents are
 * held, not served, so node_router_resume() continues them.  Everything
 * but node_router_kill() and node_router_killed() belongs to the order
 * path's thread (vigild runs everything on one thread).
 */
#ifndef VIGIL_NODE_ROUTER_H
#define VIGIL_NODE_ROUTER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proto-plan.h"

#define ROUTER_MAX_OPEN		4096	/* open parents held at once */
#define ROUTER_MAX_BATCHES	256	/* iterations with open children */
#define ROUTER_OPEN_FIRST	16	/* open parents held in the router */
#define ROUTER_NO_TIME		INT64_MIN	/* none yet: cancel_ms,
						   child_ms */
#define ROUTER_CHILD_MS		50	/* a child order per open parent
					   this often */
#define ROUTER_CHILD_CATCHUP	4	/* owed at most, per parent */

struct router_parent {
	uint64_t	id;
	uint64_t	shares;		/* the parent's size */
	uint64_t	child_shares;	/* sent so far as child orders */
	int		rlp;		/* flagged for the rlp code path */
};

/* The child orders one iteration sent that are still open. */
struct router_batch {
	int64_t		sent_ms;	/* when they were sent (monotonic) */
	uint64_t	children;	/* how many */
	int64_t		cancel_ms;	/* when their cancel went out;
					   ROUTER_NO_TIME if none */
};

struct node_router {
	char			id[PROTO_ID_MAX];	/* "router/r8" */
	char			group[PROTO_NAME_MAX];
	struct proto_holding	held;			/* builds */
	size_t			nflags;
	struct proto_flag	flags[PROTO_MAX_FLAGS];	/* as the active
							   build means them */

	struct router_parent	*open;		/* open parents: open_first,
						   or grown apart */
	size_t			 nopen;
	size_t			 capopen;	/* room in open, grown on
						   demand */
	int			 peg;		/* rlp is on and means
						   power_peg (router_paths) */
	uint64_t		 next_parent;

	size_t			 bhead;		/* of batches, below */
	size_t			 bcount;
	uint64_t		 iteration;	/* order path iterations */
	int64_t			 child_ms;	/* child orders owed since */
	atomic_int		 kill_flag;	/* set by node_router_kill() */
	int			 armed;		/* fires on a runaway */
	int			 fired;		/* it did, not yet reported */

	struct proto_router_stats counters;	/* what stats reports */
	uint64_t		 worst_id;	/* named in stats (not in
						   counters); 0: none open */
	int64_t			 started_ms;	/* monotonic, for uptime */
	uint64_t		 seq;
	/* A step's first parents, beside the rest (node_router_init). */
	struct router_parent	 open_first[ROUTER_OPEN_FIRST];
	/* Apart: a step reads all above it, this only once it fired. */
	char			 fired_why[PROTO_TEXT_MAX];
	/*
	 * The ring, oldest first, at bhead; a step reads its ends.  Held
	 * here rather than allocated apart, so that a router cut from the
	 * simulator's huge pages (sim_node_alloc) has it there too.
	 */
	struct router_batch	 batches[ROUTER_MAX_BATCHES];
};

/*
 * Set up a router with its build and flag manifest (copied).  Returns 0,
 * or -1 and a sentence in cause (an id without "router/", too many
 * flags).  Nothing is allocated on failure.  The router holds its first
 * open parents itself, so it stays where it was set up (no copies).
 */
int	 node_router_init(struct node_router *r, const char *id,
	    const char *group, const char *build,
	    const struct proto_flag *flags, size_t nflags, char *cause,
	    size_t causelen);
void	 node_router_free(struct node_router *r);

/*
 * Accept a parent order of shares; rlp marks it for the code path the
 * "rlp" flag enables on this build (if the flag is on).  Returns 0, or -1
 * and a sentence in cause when refused (router full, or killed or
 * halting: "router/r8 is killed: new parent orders are refused until a
 * two-person resume"); refusals count in parents_refused_total.
 */
int	 node_router_parent(struct node_router *r, uint64_t shares, int rlp,
	    char *cause, size_t causelen);

/*
 * One iteration of the order path: for each open parent, send the child
 * orders of up to child_size shares it is owed, one per ROUTER_CHILD_MS
 * since the last it was owed (at most ROUTER_CHILD_CATCHUP: a late
 * iteration keeps the rate, a stall does not flood), through the code
 * path its flags select; a parent whose shares are filled closes, except
 * on the power_peg path, which cannot tell.  At most max_children child
 * orders are sent in all.  Once killed, it sends none and asks the market to
 * cancel every open child order instead.  It also sends none while
 * ROUTER_MAX_BATCHES iterations' child orders wait for the market.
 * now_ms is the time (monotonic), that of the child orders it sends and
 * of the cancels it asks for.  Returns the number sent.
 */
unsigned node_router_step(struct node_router *r, int64_t now_ms,
	    unsigned max_children, uint64_t child_size);

/*
 * Have the processor start loading what the next node_router_parent(),
 * node_router_market() and node_router_step() will touch: at stage 0
 * the router's own fields, at stage 1 (a few routers later, once those
 * have come) its open parents and batches.  It changes nothing: a loop
 * over thousands of routers, whose memory is cold by the next step,
 * waits for it one router at a time otherwise.
 */
void	 node_router_prefetch(const struct node_router *r, int stage);

/*
 * The market's answers, as of now_ms: child orders whose cancel went out
 * at least cancel_ms before are cancelled (counted in
 * children_cancelled_total), and the others sent at least fill_ms before
 * are filled, oldest first; the rest wait for a later call.  So a cancel
 * is answered by the first call cancel_ms or more after it, however many
 * iterations came between.  Returns how many closed.
 */
uint64_t node_router_market(struct node_router *r, int64_t now_ms,
	    int64_t fill_ms, int64_t cancel_ms);

/*
 * Kill: stop child orders, cancel the open ones, refuse new parents.
 * Only sets an atomic flag (release), so any thread may call it; the
 * order path acts on it.  Killing a killed router changes nothing.
 */
void	 node_router_kill(struct node_router *r);

/*
 * A killed router's cancels go out now, at now_ms, rather than at its
 * next iteration: for the order path's own thread, which may learn of a
 * kill between iterations (vigild's simulator, whose loop carries out
 * the kill and steps the routers).  Nothing if it is not killed.
 */
void	 node_router_halt(struct node_router *r, int64_t now_ms);

/*
 * Arm (on) or disarm the router's own kill: while armed, the order path
 * kills the router the moment a child order takes a parent's child
 * shares past the parent's shares, before it sends another.
 */
void	 node_router_arm(struct node_router *r, int on);

/*
 * Did the router fire its armed kill since the last call?  Returns 1
 * and why in words (once), else 0.
 */
int	 node_router_fired(struct node_router *r, char *why, size_t len);

/* Has the router been killed (acquire)?  Any thread may ask. */
int	 node_router_killed(const struct node_router *r);

/*
 * Resume a killed router: child orders flow again and parents are
 * accepted.  Returns 0, or -1 and a sentence in cause when the router is
 * not "killed" (running, or still halting with open child orders).
 */
int	 node_router_resume(struct node_router *r, char *cause,
	    size_t causelen);

/*
 * Make the installed build id active: each flag keeps its setting and
 * takes the meaning the build's manifest gives it.  Returns 0, or -1 and
 * a sentence naming the builds it holds when it does not hold id.
 */
int	 node_router_rollback(struct node_router *r, const char *id,
	    char *cause, size_t causelen);

/*
 * Set flag name on or off.  Returns 0, or -1 and a sentence when the
 * active build's manifest has no such flag.
 */
int	 node_router_set_flag(struct node_router *r, const char *name, int on,
	    char *cause, size_t causelen);

/* Running, halting (killed, child orders still open) or killed. */
enum proto_state node_router_state(const struct node_router *r);

/* The code path flag name enables on this build, or NULL if none/off. */
const char *node_router_path(const struct node_router *r, const char *flag);

/*
 * Fill hello (without clock, scenario, time_scale, link_nodes); its
 * builds are allocated (proto_hello_clear() frees them).
 */
void	 node_router_hello(const struct node_router *r,
	    struct proto_hello *hello);

/*
 * Fill stats (without clock_ms), with the state and the open child
 * orders; bumps the sequence number.
 */
void	 node_router_stats(struct node_router *r, struct proto_stats *stats);

#endif
