/*
 * move.h: move-root, as vigild carries it out for its stations.
 *
 * move-root targets the station holding the root and names its
 * destination in argument "to".  When two operators have signed it, the
 * source seals the root key for the destination's certified transport
 * key (move_seal) and hands the sealed message to the console that
 * approved; the console relays it, as deliver, to the destination's
 * backend, which checks the two signatures itself, opens the key and
 * becomes the holder (move_open), answering with a holder statement
 * signed with the root key; the console relays that to every station
 * (move_hear), and the source destroys its copy.  Nothing here shares
 * memory between source and destination: each step reads only the
 * message it is given, so the two may run in different processes.
 */
#ifndef VIGIL_MOVE_H
#define VIGIL_MOVE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* How long a sealed key may take to be opened (wall clock). */
#define MOVE_TIMEOUT_MS		(30 * 1000LL)

struct sim;
struct command_engine;
struct command_pending;

/* The destination a move-root document names ("to"), or NULL. */
const char	*move_destination(const struct proto_command *cmd);

/*
 * May station i, now, move the root as cmd asks?  It must hold the root;
 * the destination must be another station whose transport key it
 * certified and which it does not blacklist.  Returns 0, or -1 and a
 * sentence in why.
 */
int		 move_check(struct sim *sim, size_t i,
		    const struct proto_command *cmd, char *why, size_t whylen);

/*
 * The source, station i, seals the root key for p's destination at wall
 * time now_ms and fills *out (a sealed message, whose document is p's
 * text, borrowed).  Returns 0, or -1 and why; nothing changes on failure.
 */
int		 move_seal(struct sim *sim, size_t i,
		    const struct command_pending *p, int64_t now_ms,
		    struct proto_sealed *out, char *why, size_t whylen);

/*
 * The destination, station i with rule engine engine, is delivered in:
 * it checks the command two operators signed (command_witness), that it
 * is move-root to i from in->from, that the seal is fresh, then opens
 * the key and becomes the holder, filling the holder statement *out.
 * Returns 0, or -1 and why (audited); i is unchanged on failure.
 */
int		 move_open(struct sim *sim, size_t i,
		    struct command_engine *engine,
		    const struct proto_sealed *in, int64_t now_ms,
		    struct proto_holder *out, char *why, size_t whylen);

/*
 * Station i hears a holder statement.  Returns 0 and sets *destroyed if
 * i was the source and has destroyed its copy of the root key, or -1
 * and why (the statement is not signed with the root key).
 */
int		 move_hear(struct sim *sim, size_t i,
		    const struct proto_holder *in, int *destroyed, char *why,
		    size_t whylen);

#endif
