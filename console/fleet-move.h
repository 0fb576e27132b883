/*
 * fleet-move.h: move-root as the console follows and relays it.
 *
 * The source's sealed message reaches the console that approved; the
 * model keeps the move's progress and queues the deliver frame for the
 * destination's link, then the holder statement for every station's
 * link.  The console never reads the key: it copies the base64 blob it
 * was handed.  The loop takes queued frames (fleet_move_take) and sends
 * them, so the model still never touches a socket.
 */
#ifndef VIGIL_FLEET_MOVE_H
#define VIGIL_FLEET_MOVE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct fleet;
struct node;

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

/* Step names for screens and scripts: "sealed", ... */
const char	*fleet_move_step_name(enum fleet_move_step step);

/* The source's sealed message arrived from node (the source). */
void		 fleet_move_sealed(struct fleet *fleet,
		    const struct proto_sealed *sealed, int64_t wall_ms);

/* The new holder's statement arrived: relay it to every station. */
void		 fleet_move_holder(struct fleet *fleet,
		    const struct proto_holder *holder, int64_t wall_ms);

/* A result about a move arrived from node. */
void		 fleet_move_result(struct fleet *fleet, const struct node *node,
		    const struct proto_result *r, int64_t wall_ms);

/* A certificate report arrived from node. */
void		 fleet_move_cert(struct fleet *fleet, const struct node *node,
		    const struct proto_cert *c, int64_t wall_ms);

/*
 * Take the next frame to relay: returns 1 and fills *out (the caller
 * frees out->frame), or 0 when none wait.
 */
int		 fleet_move_take(struct fleet *fleet, struct fleet_relay *out);

/* Free what the relay holds. */
void		 fleet_move_free(struct fleet *fleet);

#endif
