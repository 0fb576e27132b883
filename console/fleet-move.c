/*
 * fleet-move.c: following and relaying move-root (see fleet-move.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "fleet-move.h"
#include "proto.h"
#include "util.h"

#define FLEET_RELAY_MAX	(FLEET_MAX_NODES + 16)	/* one per station */

static const char *const fleet_move_steps[MOVE_NSTEPS] = {
	[MOVE_SEALED] = "sealed",
	[MOVE_RELAYED] = "relayed",
	[MOVE_OPENED] = "opened",
	[MOVE_HOLDER] = "holder changed",
	[MOVE_RENEWED] = "renewals resumed",
};

static void	 fleet_move_queue(struct fleet *fleet, size_t link,
		    const struct proto_msg *msg);
static void	 fleet_move_fail(struct fleet *fleet, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* The name of a step. */
const char *
fleet_move_step_name(enum fleet_move_step step)
{
	return (step < MOVE_NSTEPS ? fleet_move_steps[step] : "?");
}

/* Encode msg and queue it for link. */
static void
fleet_move_queue(struct fleet *fleet, size_t link, const struct proto_msg *msg)
{
	if (fleet->nrelay >= FLEET_RELAY_MAX) {
		fleet_move_fail(fleet, "move-root %.8s: this console could not "
		    "queue more than %d frames to relay; some stations did not "
		    "hear of the new holder: relay again by restarting the "
		    "console, or move the root again", fleet->move.id,
		    FLEET_RELAY_MAX);
		return;
	}
	if (fleet->nrelay == fleet->relay_cap) {
		fleet->relay_cap = fleet->relay_cap == 0 ? 16 :
		    2 * fleet->relay_cap;
		fleet->relay = xreallocarray(fleet->relay, fleet->relay_cap,
		    sizeof *fleet->relay);
	}
	fleet->relay[fleet->nrelay].link = link;
	fleet->relay[fleet->nrelay].frame = proto_encode(msg);
	fleet->nrelay++;
}

/* Record why the move failed, once. */
static void
fleet_move_fail(struct fleet *fleet, const char *fmt, ...)
{
	va_list	ap;

	if (fleet->move.failure[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(fleet->move.failure, sizeof fleet->move.failure, fmt, ap);
	va_end(ap);
	fleet->dirty = 1;
}

/* The source sealed the key: relay it to the destination's link. */
void
fleet_move_sealed(struct fleet *fleet, const struct proto_sealed *sealed,
    int64_t wall_ms)
{
	struct fleet_move	*m = &fleet->move;
	const struct node	*dest;
	struct proto_msg	*msg;

	memset(m, 0, sizeof *m);
	util_copy(m->id, sizeof m->id, sealed->id);
	util_copy(m->from, sizeof m->from, sealed->from);
	util_copy(m->to, sizeof m->to, sealed->to);
	m->step_ms[MOVE_SEALED] = wall_ms;
	fleet->dirty = 1;
	dest = fleet_find_const(fleet, sealed->to);
	if (dest == NULL || fleet->links[dest->link].state != LINK_UP) {
		fleet_move_fail(fleet, "move-root %.8s failed: %s sealed the "
		    "root key, but this console has no link to %s to relay it "
		    "on; %s keeps the root (its seal times out): connect to "
		    "%s's backend and propose again", sealed->id,
		    sealed->from, sealed->to, sealed->from, sealed->to);
		return;
	}
	msg = xcalloc(1, sizeof *msg);
	msg->type = MSG_DELIVER;
	msg->u.sealed = *sealed;
	util_copy(msg->u.sealed.node, sizeof msg->u.sealed.node, sealed->to);
	fleet_move_queue(fleet, dest->link, msg);
	free(msg);
	m->step_ms[MOVE_RELAYED] = wall_ms;
}

/* The new holder's statement: relay it to every other station. */
void
fleet_move_holder(struct fleet *fleet, const struct proto_holder *holder,
    int64_t wall_ms)
{
	struct fleet_move	*m = &fleet->move;
	const struct node	*n, *dest;
	struct proto_msg	 msg;
	size_t			 i;

	if (strcmp(m->id, holder->id) == 0 &&
	    m->step_ms[MOVE_OPENED] == 0) {
		m->step_ms[MOVE_OPENED] = wall_ms;
		dest = fleet_find_const(fleet, holder->holder);
		m->holder_clock_ms = dest != NULL ? dest->clock_ms : 0;
	}
	memset(&msg, 0, sizeof msg);
	msg.type = MSG_HOLDER;
	msg.u.holder = *holder;
	for (i = 0; i < fleet->nnodes; i++) {
		n = &fleet->nodes[i];
		if (fleet_node_role(n) != ROLE_STATION ||
		    strcmp(n->id, holder->holder) == 0 ||
		    fleet->links[n->link].state != LINK_UP)
			continue;
		util_copy(msg.u.holder.node, sizeof msg.u.holder.node, n->id);
		fleet_move_queue(fleet, n->link, &msg);
	}
	fleet->dirty = 1;
}

/* A result about the move: the source's copy destroyed, or a failure. */
void
fleet_move_result(struct fleet *fleet, const struct node *node,
    const struct proto_result *r, int64_t wall_ms)
{
	struct fleet_move		*m = &fleet->move;
	const struct fleet_proposal	*p;
	size_t				 i;

	if (strcmp(r->action, "move-root") != 0)
		return;
	/*
	 * A console that did not approve sees the move through results:
	 * the source's execution, the destination's, the source's copy
	 * destroyed.  The relay is another console's, so it shows done
	 * once the destination has opened the key.
	 */
	if (strcmp(r->in_reply_to, "approve") == 0 &&
	    r->outcome == OUTCOME_EXECUTED && strcmp(m->id, r->id) != 0) {
		memset(m, 0, sizeof *m);
		util_copy(m->id, sizeof m->id, r->id);
		util_copy(m->from, sizeof m->from, node->id);
		p = fleet_proposal_find(fleet, r->id, NULL);
		for (i = 0; p != NULL && p->decoded && i < p->cmd.nargs; i++) {
			if (strcmp(p->cmd.args[i].name, "to") == 0)
				util_copy(m->to, sizeof m->to,
				    p->cmd.args[i].value);
		}
		m->step_ms[MOVE_SEALED] = wall_ms;
		fleet->dirty = 1;
	}
	if (m->id[0] == '\0' || strcmp(r->id, m->id) != 0)
		return;
	if (strcmp(r->in_reply_to, "deliver") == 0 &&
	    r->outcome == OUTCOME_EXECUTED && m->step_ms[MOVE_OPENED] == 0) {
		if (m->step_ms[MOVE_RELAYED] == 0)
			m->step_ms[MOVE_RELAYED] = wall_ms;
		m->step_ms[MOVE_OPENED] = wall_ms;
		m->holder_clock_ms = node->clock_ms;
		if (m->to[0] == '\0')
			util_copy(m->to, sizeof m->to, node->id);
		fleet->dirty = 1;
	}
	if (r->outcome == OUTCOME_REFUSED &&
	    m->step_ms[MOVE_HOLDER] == 0 &&
	    (strcmp(node->id, m->from) == 0 || strcmp(node->id, m->to) == 0))
		fleet_move_fail(fleet, "%s", r->text);
	else if (strcmp(r->in_reply_to, "holder") == 0 &&
	    r->outcome == OUTCOME_EXECUTED &&
	    strcmp(node->id, m->from) == 0) {
		m->step_ms[MOVE_HOLDER] = wall_ms;
		fleet->dirty = 1;
	}
}

/* A station renewed from the new holder after it took the root. */
void
fleet_move_cert(struct fleet *fleet, const struct node *node,
    const struct proto_cert *c, int64_t wall_ms)
{
	struct fleet_move	*m = &fleet->move;

	if (m->id[0] == '\0' || m->step_ms[MOVE_OPENED] == 0 ||
	    m->step_ms[MOVE_RENEWED] != 0 || strcmp(node->id, m->to) == 0 ||
	    strcmp(c->root_holder, m->to) != 0 || !c->last_renewal_ok ||
	    c->last_renewal_ms < m->holder_clock_ms)
		return;
	m->step_ms[MOVE_RENEWED] = wall_ms;
	util_copy(m->renewed_by, sizeof m->renewed_by, node->id);
	fleet->dirty = 1;
}

/* Take the oldest frame waiting to be relayed. */
int
fleet_move_take(struct fleet *fleet, struct fleet_relay *out)
{
	if (fleet->relay_head == fleet->nrelay) {
		fleet->relay_head = fleet->nrelay = 0;
		return (0);
	}
	*out = fleet->relay[fleet->relay_head++];
	return (1);
}

/* Free the frames still waiting. */
void
fleet_move_free(struct fleet *fleet)
{
	size_t	i;

	for (i = fleet->relay_head; i < fleet->nrelay; i++)
		free(fleet->relay[i].frame);
	free(fleet->relay);
	fleet->relay = NULL;
	fleet->nrelay = fleet->relay_head = fleet->relay_cap = 0;
}
