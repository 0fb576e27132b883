/*
 * fleet-move.h: move-root as the console follows and relays it.
 *
 * The source's sealed message reaches the console that approved; the
 * model keeps the move's progress and queues the deliver frame for the
 * destination's link, then the holder statement for every station's
 * link.  The console never reads the key: it copies the base64 blob it
 * was handed.  The loop takes queued frames (fleet_move_take, fleet.h)
 * and sends them, so the model still never touches a socket.  The model looks
 * the nodes up and hands this module what it found (ids, links,
 * clocks), so a move knows nothing of the fleet's own structures.
 */
#ifndef VIGIL_FLEET_MOVE_H
#define VIGIL_FLEET_MOVE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* The steps of a move, in order. */
enum fleet_move_step {
	MOVE_SEALED = 0,	/* the source sealed the key */
	MOVE_RELAYED,		/* this console sent it on */
	MOVE_OPENED,		/* the destination opened it */
	MOVE_HOLDER,		/* the source destroyed its copy */
	MOVE_RENEWED,		/* a station renewed from the new holder */
	MOVE_NSTEPS,
};

/* The latest move this console saw. */
struct fleet_move {
	char	id[PROTO_CMDID_MAX];		/* "" none yet */
	char	from[PROTO_ID_MAX];
	char	to[PROTO_ID_MAX];
	int64_t	step_ms[MOVE_NSTEPS];		/* wall clock; 0 not yet */
	int64_t	holder_clock_ms;		/* node clock at MOVE_OPENED */
	char	renewed_by[PROTO_ID_MAX];	/* first renewal after */
	char	failure[PROTO_TEXT_MAX];	/* "" unless it failed */
};

/* A frame waiting to be relayed on a link. */
struct fleet_relay {
	size_t	 link;
	char	*frame;
};

/* The frames waiting to be relayed, oldest first. */
struct fleet_relays {
	struct fleet_relay	*v;
	size_t			 n;		/* queued, */
	size_t			 head;		/* of which taken */
	size_t			 cap;
	size_t			 max;		/* the model's bound */
};

/* A node to relay to, as the model found it. */
struct fleet_move_peer {
	const char	*id;
	size_t		 link;
};

/* Step names for screens and scripts: "sealed", ... */
const char	*fleet_move_step_name(enum fleet_move_step step);

/*
 * The source's sealed message arrived: relay it to dest, the
 * destination, or fail the move when dest is NULL (no link up to it).
 */
void		 fleet_move_sealed(struct fleet_move *m,
		    struct fleet_relays *q, const struct proto_sealed *sealed,
		    const struct fleet_move_peer *dest, int64_t wall_ms);

/*
 * The new holder's statement arrived: relay it to the n stations (every
 * station but the holder with a link up); holder_clock_ms is the
 * holder's clock, 0 when the console does not know it.
 */
void		 fleet_move_holder(struct fleet_move *m,
		    struct fleet_relays *q, const struct proto_holder *holder,
		    int64_t holder_clock_ms,
		    const struct fleet_move_peer *stations, size_t n,
		    int64_t wall_ms);

/*
 * A result about a move arrived from node id (its clock clock_ms);
 * cmd is the proposal it answers, NULL when the console has none.
 */
void		 fleet_move_result(struct fleet_move *m, const char *id,
		    int64_t clock_ms, const struct proto_result *r,
		    const struct proto_command *cmd, int64_t wall_ms);

/* A certificate report arrived from node id. */
void		 fleet_move_cert(struct fleet_move *m, const char *id,
		    const struct proto_cert *c, int64_t wall_ms);

/* Encode msg and queue it to relay on link: 0, or -1 when full. */
int		 fleet_relay_push(struct fleet_relays *q, size_t link,
		    const struct proto_msg *msg);

/* Take the next frame to relay, as fleet_move_take() (fleet.h) says. */
int		 fleet_relay_take(struct fleet_relays *q,
		    struct fleet_relay *out);

/* Free the frames still waiting; the queue is empty afterwards. */
void		 fleet_relay_free(struct fleet_relays *q);

#endif
