/*
 * cmd.h: the console's side of two-person commands: the operator's key,
 * building a command document from what the fleet model shows, signing
 * propose, approve and cancel messages, sending them to the targets'
 * backends and following their answers, and the review text a second
 * operator reads before signing.
 *
 * The console is a convenience, not a trust boundary: every rule is
 * enforced by each target backend (backend/command.h), so nothing here
 * refuses what a backend would decide.  It only turns an operator's
 * intent into the exact bytes both operators sign, and the backends'
 * answers into words.
 *
 * (Named cmd, not command, because backend/command.[ch] holds the
 * backends' rule engine and its command_*() names.)
 */
#ifndef VIGIL_CMD_H
#define VIGIL_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct fleet;
struct fleet_proposal;
struct loop;
struct node;
struct opkey;

#define CMD_NAME_MAX		PROTO_OPERATOR_MAX
#define CMD_DEFAULT_TTL_MS	(5 * 60 * 1000LL)	/* a proposal's life */
#define CMD_CANCEL_PREFIX	"vigil.v1 cancel "	/* + id: signed */

/* An operator at this console: their name and private key. */
struct cmd_operator {
	char		 name[CMD_NAME_MAX];
	struct opkey	*key;
};

/*
 * Load the operator's key from key_path (NULL: $VIGIL_KEY), decrypting
 * it with $VIGIL_KEY_PASSPHRASE when it is encrypted.  Their name is
 * name if not NULL, else $VIGIL_OPERATOR, else the key file's name
 * without its directory and a ".key" or ".pem" ending.  Returns 0, or -1
 * and an allocated sentence in *cause (no key given, unreadable,
 * encrypted without a passphrase, not Ed25519, or a name that cannot be
 * used); op is then empty.
 */
int	 cmd_operator_load(struct cmd_operator *op, const char *key_path,
	    const char *name, char **cause);
void	 cmd_operator_free(struct cmd_operator *op);

/*
 * Fill t with node's id, build and state as the fleet model shows them:
 * for a router the state of its latest stats ("running", "halting",
 * "killed"), for a station "running"; what a backend compares before it
 * acts.
 */
void	 cmd_target_seen(const struct node *node,
	    struct proto_command_target *t);

/*
 * Build the command document for action on the n nodes (ids), each as
 * the fleet model shows it now, with reason, proposer, a fresh random
 * id, created at wall time wall_ms and expiring ttl_ms later.  Returns
 * 0, or -1 and an allocated sentence in *cause (an action no backend
 * knows, a node not in the model or not heard from, a node named twice,
 * too many nodes, a reason too long, a ttl out of bounds).
 */
int	 cmd_build(const struct fleet *fleet, const char *action,
	    const char *const *nodes, size_t n, const char *reason,
	    const char *proposer, int64_t wall_ms, int64_t ttl_ms,
	    struct proto_command *cmd, char **cause);

/*
 * The frames, signed by op: propose (document and the first signature),
 * approve (the id, the very document reviewed and the second
 * signature), cancel (the id and a signature over "vigil.v1 cancel ID"),
 * fire (the id and a signature over "vigil.v1 fire ID").
 * Each returns an allocated JSON text, or NULL and an allocated sentence
 * in *cause when signing failed or the document is too large.
 */
char	*cmd_propose_frame(const struct cmd_operator *op,
	    const char *document, char **cause);
char	*cmd_approve_frame(const struct cmd_operator *op, const char *id,
	    const char *document, char **cause);
char	*cmd_cancel_frame(const struct cmd_operator *op, const char *id,
	    char **cause);
char	*cmd_fire_frame(const struct cmd_operator *op, const char *id,
	    char **cause);

/* One target of a command message being followed. */
struct cmd_target {
	char	node[PROTO_ID_MAX];
	int	done;
	int	ok;			/* answered with the hoped outcome */
	char	outcome[16];		/* "accepted", "refused",
					   "unreachable", ... */
	char	text[PROTO_TEXT_MAX];	/* the backend's words */
};

/* A command message sent to its targets, and their answers so far. */
struct cmd_track {
	char			 id[PROTO_CMDID_MAX];
	char			 action[16];
	char			 message[16];	/* "propose", "approve",
						   "cancel" */
	const char		*hoped;		/* "accepted", "executed",
						   "cancelled" */
	uint64_t		 after_seq;	/* results before it are old */
	struct cmd_target	*targets;
	size_t			 ntargets;
	size_t			 ndone;
};

/*
 * Start following message ("propose", "approve" or "cancel") of command
 * cmd to each of its targets.
 */
void	 cmd_track_init(struct cmd_track *t, const char *message,
	    const struct proto_command *cmd);
void	 cmd_track_free(struct cmd_track *t);

/*
 * Send frame once to each backend link that carries a target (one
 * websocket may carry several nodes).  A target the model does not know
 * or whose link is not up, or a link that will not take the frame, is
 * done at once as "unreachable" with the reason.  Returns how many links
 * the frame was queued on.
 */
size_t	 cmd_send(struct cmd_track *t, struct loop *loop,
	    const struct fleet *fleet, const char *frame);

/*
 * Take the answers that arrived: results about the command answering
 * the message, and error frames answering it on a target's link.  A
 * target whose link went down before answering is done as
 * "unreachable".  Returns 1 once every target is done, else 0.
 */
int	 cmd_track_update(struct cmd_track *t, const struct fleet *fleet);

/* Mark every target not yet done as "unreachable" with why. */
void	 cmd_track_give_up(struct cmd_track *t, const char *why);

/* How a target answered, as cmd_outcome() sorts it. */
enum cmd_outcome {
	CMD_OUTCOME_OK = 0,	/* as hoped */
	CMD_OUTCOME_REFUSED,	/* a definite no, with the backend's words */
	CMD_OUTCOME_UNREACHED,	/* no answer: not connected, or too slow */
};

/*
 * Target t's answer to what ("the proposal", "the approval") as a line
 * for a person into buf: "router/r8: executed: ..." when it went as
 * hoped, else the backend's sentence (which names the node) or one
 * saying who did not answer and why.  Returns how it answered.
 */
enum cmd_outcome cmd_outcome(const struct cmd_target *t, const char *what,
	    char *buf, size_t len);

/*
 * May proposal p be approved (approving) or cancelled now?  Returns 0,
 * or -1 with an allocated sentence in *cause: nodes hold different
 * documents under its id, its document does not read, or it is no
 * longer pending.
 */
int	 cmd_actionable(const struct fleet_proposal *p, int approving,
	    char **cause);

struct proto_plan;
struct proto_plan_request;

/*
 * The request of a rollback (to BUILD) or flag change (set "NAME=on" or
 * "NAME=off"), with an override code path or NULL, as vigil plan and
 * vigil propose take them.  Returns 0, or -1 with an allocated sentence
 * in *cause naming the option that is missing or wrong.
 */
int	 cmd_plan_request(const char *action, const char *to, const char *set,
	    const char *override, struct proto_plan_request *req,
	    char **cause);

/*
 * The plan of req on nodes, from every hello the fleet holds (so the
 * role's other nodes count for "more than one build"); a node not heard
 * is a problem.  Allocated; the caller frees it.
 */
struct proto_plan *cmd_plan(const struct fleet *fleet,
	    const struct proto_plan_request *req, const char *const *nodes,
	    size_t n);

/*
 * The plan as lines for a person, each indented by indent: each target's
 * build and enabled flags' code before and after, the role's builds
 * afterwards, and every reason a backend would refuse it.  Allocated.
 */
char	*cmd_plan_text(const struct proto_plan *plan, const char *indent);

/*
 * The review of proposal p at wall time wall_ms, as lines for a person:
 * its id, action and what it does, each target with the build and state
 * the proposer saw (and what the node shows now when that differs),
 * the reason, the proposer and who has signed, when it was made and the
 * time left, which nodes hold it, any problem that forbids approving
 * it, the plan of a rollback or flag change, then the exact document.
 * Allocated; never NULL.
 */
char	*cmd_review_text(const struct fleet *fleet,
	    const struct fleet_proposal *p, int64_t wall_ms);

#endif
