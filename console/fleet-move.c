/*
 * fleet-move.c: following and relaying move-root (see fleet-move.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet-move.h"
#include "proto.h"
#include "util.h"

static const char *const fleet_move_steps[MOVE_NSTEPS] = {
	[MOVE_SEALED] = "sealed",
	[MOVE_RELAYED] = "relayed",
	[MOVE_OPENED] = "opened",
	[MOVE_HOLDER] = "holder changed",
	[MOVE_RENEWED] = "renewals resumed",
};

static void	 fleet_move_queue(struct fleet_move *m, struct fleet_relays *q,
		    size_t link, const struct proto_msg *msg);
static void	 fleet_move_fail(struct fleet_move *m, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* The name of a step. */
const char *
fleet_move_step_name(enum fleet_move_step step)
{
	return (step < MOVE_NSTEPS ? fleet_move_steps[step] : "?");
}

/* Encode msg and queue it for link. */
static void
fleet_move_queue(struct fleet_move *m, struct fleet_relays *q, size_t link,
    const struct proto_msg *msg)
{
	if (fleet_relay_push(q, link, msg) != 0)
		fleet_move_fail(m, "move-root %.8s: this console could not "
		    "queue more than %zu frames to relay; some stations did "
		    "not hear of the new holder: relay again by restarting the "
		    "console, or move the root again", m->id, q->max);
}

/* Encode msg and queue it for link; -1 when the queue is full. */
int
fleet_relay_push(struct fleet_relays *q, size_t link,
    const struct proto_msg *msg)
{
	if (q->n >= q->max)
		return (-1);
	if (q->n == q->cap) {
		q->cap = q->cap == 0 ? 16 : 2 * q->cap;
		q->v = xreallocarray(q->v, q->cap, sizeof *q->v);
	}
	q->v[q->n].link = link;
	q->v[q->n].frame = proto_encode(msg);
	q->n++;
	return (0);
}

/* Record why the move failed, once. */
static void
fleet_move_fail(struct fleet_move *m, const char *fmt, ...)
{
	va_list	ap;

	if (m->failure[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(m->failure, sizeof m->failure, fmt, ap);
	va_end(ap);
}

/* The source sealed the key: relay it to the destination's link. */
void
fleet_move_sealed(struct fleet_move *m, struct fleet_relays *q,
    const struct proto_sealed *sealed, const struct fleet_move_peer *dest,
    int64_t wall_ms)
{
	struct proto_msg	*msg;

	memset(m, 0, sizeof *m);
	util_copy(m->id, sizeof m->id, sealed->id);
	util_copy(m->from, sizeof m->from, sealed->from);
	util_copy(m->to, sizeof m->to, sealed->to);
	m->step_ms[MOVE_SEALED] = wall_ms;
	if (dest == NULL) {
		fleet_move_fail(m, "move-root %.8s failed: %s sealed the "
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
	fleet_move_queue(m, q, dest->link, msg);
	free(msg);
	m->step_ms[MOVE_RELAYED] = wall_ms;
}

/* The new holder's statement: relay it to every other station. */
void
fleet_move_holder(struct fleet_move *m, struct fleet_relays *q,
    const struct proto_holder *holder, int64_t holder_clock_ms,
    const struct fleet_move_peer *stations, size_t n, int64_t wall_ms)
{
	struct proto_msg	 msg;
	size_t			 i;

	if (strcmp(m->id, holder->id) == 0 &&
	    m->step_ms[MOVE_OPENED] == 0) {
		m->step_ms[MOVE_OPENED] = wall_ms;
		m->holder_clock_ms = holder_clock_ms;
	}
	memset(&msg, 0, sizeof msg);
	msg.type = MSG_HOLDER;
	msg.u.holder = *holder;
	for (i = 0; i < n; i++) {
		util_copy(msg.u.holder.node, sizeof msg.u.holder.node,
		    stations[i].id);
		fleet_move_queue(m, q, stations[i].link, &msg);
	}
}

/* A result about the move: the source's copy destroyed, or a failure. */
void
fleet_move_result(struct fleet_move *m, const char *id, int64_t clock_ms,
    const struct proto_result *r, const struct proto_command *cmd,
    int64_t wall_ms)
{
	size_t	i;

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
		util_copy(m->from, sizeof m->from, id);
		for (i = 0; cmd != NULL && i < cmd->nargs; i++) {
			if (strcmp(cmd->args[i].name, "to") == 0)
				util_copy(m->to, sizeof m->to,
				    cmd->args[i].value);
		}
		m->step_ms[MOVE_SEALED] = wall_ms;
	}
	if (m->id[0] == '\0' || strcmp(r->id, m->id) != 0)
		return;
	if (strcmp(r->in_reply_to, "deliver") == 0 &&
	    r->outcome == OUTCOME_EXECUTED && m->step_ms[MOVE_OPENED] == 0) {
		if (m->step_ms[MOVE_RELAYED] == 0)
			m->step_ms[MOVE_RELAYED] = wall_ms;
		m->step_ms[MOVE_OPENED] = wall_ms;
		m->holder_clock_ms = clock_ms;
		if (m->to[0] == '\0')
			util_copy(m->to, sizeof m->to, id);
	}
	if (r->outcome == OUTCOME_REFUSED &&
	    m->step_ms[MOVE_HOLDER] == 0 &&
	    (strcmp(id, m->from) == 0 || strcmp(id, m->to) == 0))
		fleet_move_fail(m, "%s", r->text);
	else if (strcmp(r->in_reply_to, "holder") == 0 &&
	    r->outcome == OUTCOME_EXECUTED && strcmp(id, m->from) == 0)
		m->step_ms[MOVE_HOLDER] = wall_ms;
}

/* A station renewed from the new holder after it took the root. */
void
fleet_move_cert(struct fleet_move *m, const char *id,
    const struct proto_cert *c, int64_t wall_ms)
{
	if (m->id[0] == '\0' || m->step_ms[MOVE_OPENED] == 0 ||
	    m->step_ms[MOVE_RENEWED] != 0 || strcmp(id, m->to) == 0 ||
	    strcmp(c->root_holder, m->to) != 0 || !c->last_renewal_ok ||
	    c->last_renewal_ms < m->holder_clock_ms)
		return;
	m->step_ms[MOVE_RENEWED] = wall_ms;
	util_copy(m->renewed_by, sizeof m->renewed_by, id);
}

/* Take the oldest frame waiting to be relayed. */
int
fleet_relay_take(struct fleet_relays *q, struct fleet_relay *out)
{
	if (q->head == q->n) {
		q->head = q->n = 0;
		return (0);
	}
	*out = q->v[q->head++];
	return (1);
}

/* Free the frames still waiting. */
void
fleet_relay_free(struct fleet_relays *q)
{
	size_t	i;

	for (i = q->head; i < q->n; i++)
		free(q->v[i].frame);
	free(q->v);
	q->v = NULL;
	q->n = q->head = q->cap = 0;
}
