/*
 * desk.c: sign, send and follow the two-person commands an operator
 * gives at the curses console, through the same cmd.c code as the
 * headless propose, approve and cancel.  A proposal is drafted first
 * and signed only once its proposer has reviewed the document whole.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd-doc.h"
#include "desk.h"
#include "fleet.h"
#include "opkey.h"
#include "proto.h"
#include "proto-plan.h"
#include "util.h"

struct desk {
	struct fleet			*fleet;
	const struct cmd_operator	*op;
	cmd_send_cb			*send;
	void				*send_arg;
	int				 busy;
	int64_t				 started_ms;	/* monotonic */
	const char			*what;		/* "the approval" */
	char				 sha256[65];	/* of the document
							   signed, or "" */
	struct proto_command		 cmd;
	struct cmd_track		 track;
	/* The proposal the operator reviews before signing it, from
	   desk_draft() to desk_sign() or desk_discard(): its document is
	   encoded once, and those bytes are what is signed. */
	struct proto_command		 draft;
	char				*draft_doc;	/* or NULL */
};

static int	 desk_by_id(struct desk *, const char *, int, char **);
static int	 desk_ready(struct desk *, char **);
static const struct fleet_proposal *desk_held(struct desk *, const char *, int,
		    char **);
static int	 desk_heard(struct desk *, const struct proto_command *,
		    char **);
static int	 desk_send(struct desk *, const char *, const char *, char *,
		    char **);
static char	*desk_targets(const struct proto_command *);

/* Make the desk. */
struct desk *
desk_create(struct fleet *fleet, const struct cmd_operator *op,
    cmd_send_cb *send, void *send_arg)
{
	struct desk	*desk;

	desk = xcalloc(1, sizeof *desk);
	desk->fleet = fleet;
	desk->op = op != NULL && op->key != NULL ? op : NULL;
	desk->send = send;
	desk->send_arg = send_arg;
	return (desk);
}

/* Free the desk and what it follows. */
void
desk_free(struct desk *desk)
{
	if (desk == NULL)
		return;
	if (desk->busy)
		cmd_track_free(&desk->track);
	proto_command_clear(&desk->cmd);
	desk_discard(desk);
	free(desk);
}

/* Refuse with a sentence when there is no key or a command in flight. */
static int
desk_ready(struct desk *desk, char **text)
{
	if (desk->op == NULL) {
		*text = xstrdup("nothing was signed or sent: this console "
		    "has no operator key; quit and start vigil with --key "
		    "FILE (or VIGIL_KEY set), or use vigil propose, approve "
		    "or cancel from a shell");
		return (-1);
	}
	if (desk->busy) {
		*text = xasprintf("nothing was signed or sent: %s of %s is "
		    "still waiting for answers; try again once it has them",
		    desk->what, desk->cmd.action);
		return (-1);
	}
	return (0);
}

/* The targets of cmd, comma-separated (allocated). */
static char *
desk_targets(const struct proto_command *cmd)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < cmd->ntargets; i++) {
		t = xasprintf("%s%s%s", s, i == 0 ? "" : ", ",
		    cmd->targets[i].node);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * Send frame (message "propose", "approve" or "cancel" of desk->cmd)
 * and start following it; what names it in sentences.  On success the
 * line in *text says what left; frame is freed either way.
 */
static int
desk_send(struct desk *desk, const char *message, const char *what,
    char *frame, char **text)
{
	char	*targets;
	size_t	 links;

	cmd_track_init(&desk->track, message, &desk->cmd);
	links = cmd_send(&desk->track, desk->send, desk->send_arg, desk->fleet,
	    frame);
	free(frame);
	desk->busy = 1;
	desk->what = what;
	desk->started_ms = util_mono_ms();
	targets = desk_targets(&desk->cmd);
	if (links == 0)
		*text = xasprintf("%s of %s %s reached no backend; waiting "
		    "for the answer", what, desk->cmd.action, targets);
	else
		*text = xasprintf("%s of %s %s, signed by %s, was sent to "
		    "%zu backend%s; waiting for the answers", what,
		    desk->cmd.action, targets, desk->op->name, links,
		    links == 1 ? "" : "s");
	free(targets);
	return (0);
}

/* Build and hold a proposal's document for the proposer's review. */
int
desk_draft(struct desk *desk, const struct desk_proposal *dp, char **text)
{
	char	*cause = NULL;

	desk_discard(desk);
	if (desk_ready(desk, text) != 0)
		return (-1);
	if (cmd_build(desk->fleet, dp->action, dp->nodes, dp->n, dp->reason,
	    desk->op->name, dp->wall_ms, dp->ttl_ms, &desk->draft,
	    &cause) != 0 || (dp->to != NULL && cmd_move_root(desk->fleet,
	    &desk->draft, dp->to, &cause) != 0)) {
		*text = xasprintf("nothing was proposed: %s", cause);
		free(cause);
		desk_discard(desk);
		return (-1);
	}
	if (dp->req != NULL)
		proto_plan_request_args(dp->req, &desk->draft);
	desk->draft_doc = proto_command_encode(&desk->draft);
	*text = cmd_draft_text(desk->fleet, &desk->draft, desk->draft_doc);
	return (0);
}

/* The document held for review, or NULL. */
const char *
desk_draft_document(const struct desk *desk)
{
	return (desk->draft_doc);
}

/* Forget the document held for review; nothing was signed. */
void
desk_discard(struct desk *desk)
{
	free(desk->draft_doc);
	desk->draft_doc = NULL;
	proto_command_clear(&desk->draft);
	memset(&desk->draft, 0, sizeof desk->draft);
}

/*
 * Sign the document held for review, the very bytes encoded when it was
 * drafted, and send the proposal; the held document is gone either way.
 */
int
desk_sign(struct desk *desk, const char *document, int64_t wall_ms,
    char **text)
{
	char	*frame, *cause = NULL, when[16];

	if (desk_ready(desk, text) != 0) {
		desk_discard(desk);
		return (-1);
	}
	if (desk->draft_doc == NULL || document == NULL ||
	    strcmp(desk->draft_doc, document) != 0) {
		*text = xstrdup("nothing was proposed: the document you "
		    "reviewed is no longer the one this console holds; "
		    "nothing was signed or sent; propose again");
		desk_discard(desk);
		return (-1);
	}
	if (wall_ms >= desk->draft.expires_ms) {
		util_clock_text(desk->draft.expires_ms, when, sizeof when);
		*text = xasprintf("nothing was proposed: the document expired "
		    "at %s UTC while it was on screen, and every backend "
		    "would refuse it; nothing was signed or sent; propose "
		    "again for a fresh one", when);
		desk_discard(desk);
		return (-1);
	}
	opkey_sha256_hex(desk->draft_doc, strlen(desk->draft_doc),
	    desk->sha256);
	frame = cmd_propose_frame(desk->op, desk->draft_doc, &cause);
	if (frame == NULL) {
		*text = xasprintf("nothing was proposed: %s", cause);
		free(cause);
		desk_discard(desk);
		return (-1);
	}
	proto_command_copy(&desk->cmd, &desk->draft);
	desk_discard(desk);
	return (desk_send(desk, "propose", "the proposal", frame,
	    text));
}

/*
 * The proposal id that the operator may now approve (approving) or
 * cancel, when the desk is ready; else NULL and, in *text, why not.
 */
static const struct fleet_proposal *
desk_held(struct desk *desk, const char *id, int approving, char **text)
{
	const struct fleet_proposal	*p;
	const char			*not;
	char				*cause = NULL;

	if (desk_ready(desk, text) != 0)
		return (NULL);
	not = approving ? "not approved" : "not cancelled";
	if ((p = fleet_proposal_find(desk->fleet, id, NULL)) == NULL ||
	    strcmp(p->id, id) != 0) {
		*text = xasprintf("%s: no node holds proposal %s any more "
		    "(executed, cancelled or expired)%s", not, id, approving ?
		    "; nothing was signed or sent" : "");
		return (NULL);
	}
	if (cmd_actionable(p, approving, &cause) != 0) {
		*text = xasprintf("%s: %s", not, cause);
		free(cause);
		return (NULL);
	}
	return (p);
}

/*
 * Refuse an approval while a target has not said hello here and some of
 * this console's links are still making their first connection: that
 * target may be behind one of them.  An approval sent then reached only
 * the targets heard so far, so a kill of eight routers, approved at a
 * console just started, halted some and left the rest pending with one
 * signature.  Once every link has come up or failed once, a target not
 * heard is down, and the approval goes to the others, as a kill must.
 * Returns 0, or -1 with the sentence in *text (allocated).
 */
static int
desk_heard(struct desk *desk, const struct proto_command *cmd, char **text)
{
	const struct fleet	*fleet = desk->fleet;
	const struct node	*node;
	size_t			 i, coming;

	if ((coming = fleet_links_coming(fleet)) == 0)
		return (0);
	for (i = 0; i < cmd->ntargets; i++) {
		node = fleet_find_const(fleet, cmd->targets[i].node);
		if (node != NULL && node->has_hello)
			continue;
		*text = xasprintf("not approved: %s has not said hello to this "
		    "console yet, and %zu of the console's %zu links are still "
		    "making their first connection; nothing was signed or "
		    "sent: approve once they are up or down (the header "
		    "counts the links up)", cmd->targets[i].node, coming,
		    fleet->nlinks);
		return (-1);
	}
	return (0);
}

/* Sign the reviewed document and send the approval. */
int
desk_approve(struct desk *desk, const char *id, const char *document,
    char **text)
{
	const struct fleet_proposal	*p;
	char				*frame, *cause = NULL;

	if ((p = desk_held(desk, id, 1, text)) == NULL)
		return (-1);
	if (document == NULL || strcmp(p->document, document) != 0) {
		*text = xasprintf("not approved: the document of proposal %s "
		    "is not the one you reviewed; nothing was signed or "
		    "sent; review it again", id);
		return (-1);
	}
	if (desk_heard(desk, &p->cmd, text) != 0)
		return (-1);
	proto_command_copy(&desk->cmd, &p->cmd);
	opkey_sha256_hex(document, strlen(document), desk->sha256);
	if ((frame = cmd_approve_frame(desk->op, id, document,
	    &cause)) == NULL) {
		*text = xasprintf("not approved: %s", cause);
		free(cause);
		return (-1);
	}
	return (desk_send(desk, "approve", "the approval", frame,
	    text));
}

/* Sign and send a cancellation. */
int
desk_cancel(struct desk *desk, const char *id, char **text)
{
	return (desk_by_id(desk, id, 0, text));
}

/* Sign and send the fire of an armed kill. */
int
desk_fire(struct desk *desk, const char *id, char **text)
{
	return (desk_by_id(desk, id, 1, text));
}

/* A cancel, or (fire) a fire: one signature over the verb and the id. */
static int
desk_by_id(struct desk *desk, const char *id, int fire, char **text)
{
	const struct fleet_proposal	*p;
	const char			*not = fire ? "not fired" :
					    "not cancelled";
	char				*frame, *cause = NULL;

	if (!fire) {
		if ((p = desk_held(desk, id, 0, text)) == NULL)
			return (-1);
	} else {
		if (desk_ready(desk, text) != 0)
			return (-1);
		if ((p = fleet_proposal_find(desk->fleet, id, NULL)) == NULL ||
		    strcmp(p->id, id) != 0) {
			*text = xasprintf("%s: no node holds armed kill %s any "
			    "more (fired, disarmed or its window closed)", not,
			    id);
			return (-1);
		}
		if (p->status != STATUS_ARMED) {
			*text = xasprintf("%s: %.8s is %s, not an armed kill",
			    not, id, proto_status_name(p->status));
			return (-1);
		}
	}
	proto_command_copy(&desk->cmd, &p->cmd);
	desk->sha256[0] = '\0';	/* signed over the verb and the id */
	frame = fire ? cmd_fire_frame(desk->op, id, &cause) :
	    cmd_cancel_frame(desk->op, id, &cause);
	if (frame == NULL) {
		*text = xasprintf("%s: %s", not, cause);
		free(cause);
		return (-1);
	}
	return (desk_send(desk, fire ? "fire" : "cancel", fire ?
	    "the fire" : "the cancellation", frame, text));
}

/* Take the answers; report once every target is done. */
int
desk_poll(struct desk *desk, int64_t now_ms, char **text, int *ok)
{
	char	 line[PROTO_TEXT_MAX * 2], why[128], *all, *t;
	size_t	 i;

	if (!desk->busy)
		return (0);
	if (!cmd_track_update(&desk->track, desk->fleet)) {
		if (now_ms - desk->started_ms < DESK_WAIT_MS)
			return (0);
		util_format(why, sizeof why, "no answer within %d seconds; "
		    "the Proposals view shows what the backends hold",
		    DESK_WAIT_MS / 1000);
		cmd_track_give_up(&desk->track, why);
	}
	*ok = 1;
	/* What was signed, so that two operators can compare it by voice. */
	all = desk->sha256[0] != '\0' ? xasprintf("signed through the "
	    "document's SHA-256 %s", desk->sha256) : xstrdup("");
	for (i = 0; i < desk->track.ntargets; i++) {
		if (cmd_outcome(&desk->track.targets[i], desk->what, line,
		    sizeof line) != CMD_OUTCOME_OK)
			*ok = 0;
		t = xasprintf("%s%s%s", all, *all == '\0' ? "" : "\n", line);
		free(all);
		all = t;
	}
	*text = all;
	cmd_track_free(&desk->track);
	desk->busy = 0;
	return (1);
}
