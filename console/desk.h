/*
 * desk.h: two-person commands from the curses console.
 *
 * What an operator asks for at the console (propose, approve, cancel)
 * reaches the desk once they have typed the action's name.  A proposal
 * is drafted first, and its document shown whole to its proposer, who
 * signs it with a further key or discards it.  The desk
 * signs it with the operator's key and sends it through the same code
 * as vigil propose, approve and cancel (cmd.h), then follows the
 * backends' answers from the loop's tick without ever blocking it, and
 * puts the outcome in words.  One command is in flight at a time.
 *
 * Like the rest of the console it is a convenience, not a trust
 * boundary: each target backend enforces the two-person rule.
 */
#ifndef VIGIL_DESK_H
#define VIGIL_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

struct fleet;
struct proto_plan_request;
struct desk;

#define DESK_WAIT_MS	10000	/* longest wait for the targets' answers */

/*
 * Make the desk for fleet, signing as op (kept, not copied; NULL when
 * the console was started without a key, and then every command is
 * refused with a sentence saying how to give one), sending through send
 * with send_arg (the loop's loop_send_up), so the desk never reaches the
 * loop that owns it.
 */
struct desk	*desk_create(struct fleet *fleet,
		    const struct cmd_operator *op, cmd_send_cb *send,
		    void *send_arg);
void		 desk_free(struct desk *desk);

/* What an operator proposes: action on nodes (n), why, and for how long. */
struct desk_proposal {
	const char		*action;
	const char *const	*nodes;
	size_t			 n;
	const char		*reason;
	int64_t			 wall_ms;	/* created then */
	int64_t			 ttl_ms;	/* expiring this much later */
	const struct proto_plan_request *req;	/* rollback, flag: what
						   to; NULL otherwise */
	const char		*to;		/* move-root: the
						   destination; else NULL */
};

/*
 * Draft what dp proposes, each node bound to the build and state the
 * model shows now: build its document, encode it once and hold it for
 * the proposer's review, signing nothing (and dropping any draft held
 * before).  Returns 0 with the review in *text (cmd_draft_text(): the
 * document whole and its SHA-256), or -1 with a sentence saying why
 * nothing was drafted (no key, a command already in flight, a node not
 * heard from, a missing reason).  *text is allocated either way.  to
 * names a move-root's destination, which must be live, known and
 * blacklisted by no station; req gives a rollback's or flag change's
 * arguments (NULL for other actions).
 */
int		 desk_draft(struct desk *desk,
		    const struct desk_proposal *dp, char **text);

/* The document desk_draft() holds, or NULL. */
const char	*desk_draft_document(const struct desk *desk);

/*
 * Sign the document held since desk_draft(), exactly those bytes, and
 * send the proposal.  document is what the proposer reviewed, which
 * must be the held one; a document whose expiry has passed at wall time
 * wall_ms is refused, for every backend would refuse it.  The held
 * document is dropped either way.  Returns 0 with a line saying what
 * was sent in *text, or -1 with a sentence saying why nothing was
 * (nothing held, expired, a command in flight, signing failed).
 */
int		 desk_sign(struct desk *desk, const char *document,
		    int64_t wall_ms, char **text);

/* Drop the document held for review, unsigned. */
void		 desk_discard(struct desk *desk);

/*
 * Approve proposal id, signing document: the bytes the operator
 * reviewed, which must still be what the fleet holds under id.  Returns
 * as desk_sign().
 */
int		 desk_approve(struct desk *desk, const char *id,
		    const char *document, char **text);

/* Cancel proposal id (the proposer's right).  Returns as desk_sign(). */
int		 desk_cancel(struct desk *desk, const char *id, char **text);

/* Fire armed kill id (one operator).  Returns as desk_sign(). */
int		 desk_fire(struct desk *desk, const char *id, char **text);

/*
 * Follow the command in flight at monotonic now_ms.  Returns 1 when it
 * has just finished, with one line per target in *text (allocated),
 * after a proposal or an approval first the line saying the SHA-256 the
 * signature went through, and *ok set when every target answered as
 * hoped; else 0.  Targets that do
 * not answer within DESK_WAIT_MS count as unreachable.
 */
int		 desk_poll(struct desk *desk, int64_t now_ms, char **text,
		    int *ok);

#endif
