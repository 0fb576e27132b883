/*
 * cmd.h: the console's side of two-person commands: the operator's key,
 * building a command document from what the fleet model shows, signing
 * propose, approve and cancel messages, sending them to the targets'
 * backends through a send function its caller gives, and following their
 * answers.  The document itself (building it, the review text a second
 * operator reads, whether it can be approved) is cmd-doc.h.
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
struct opkey;

#define CMD_NAME_MAX		PROTO_OPERATOR_MAX

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
 * The frames, signed by op: propose (document and the first signature),
 * approve (the id, the second signature over the very document
 * reviewed, and the document's SHA-256), cancel (the id and a signature
 * over "vigil.v1 cancel ID"),
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

/*
 * The auth frame answering the challenge of node's hello, signed by op
 * (see vigil-protocol(7)).  Returns an allocated JSON text, or NULL and
 * an allocated sentence in *cause when signing failed.
 */
char	*cmd_auth_frame(const struct cmd_operator *op, const char *challenge,
	    const char *node, char **cause);

/* One target of a command message being followed. */
struct cmd_target {
	char	node[PROTO_ID_MAX];
	int	done;
	int			ok;		/* answered with the
						   hoped outcome */
	int			unreached;	/* no answer can come */
	enum proto_outcome	outcome;	/* the answer, if reached */
	char			text[PROTO_TEXT_MAX];	/* the backend's
							   words */
};

/* A command message sent to its targets, and their answers so far. */
struct cmd_track {
	char			 id[PROTO_CMDID_MAX];
	char			 action[16];
	char			 message[16];	/* "propose", "approve",
						   "cancel" */
	enum proto_outcome	 hoped;		/* accepted, executed,
						   cancelled */
	uint64_t		 after_seq;	/* results before it are old */
	/* The fleet's result_seq and link_seq when last looked at:
	   nothing to look at again until one moves. */
	uint64_t		 seen_result_seq;
	uint64_t		 seen_link_seq;
	int			 seen;
	/* The links the message was queued on, by index (NULL: none
	   yet); only targets on them are waited for. */
	unsigned char		*sent_links;
	size_t			 nsent_links;
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
 * How a message leaves for backend link link: queue frame (len bytes)
 * and return 0, or return -1 with an allocated sentence in *cause, or
 * NULL in *cause when the link is not up.  The event loop gives one
 * (loop_send_up), so this module never reaches the loop.
 */
typedef int cmd_send_cb(void *arg, size_t link, const char *frame,
    size_t len, char **cause);

/*
 * Send frame once, through send with arg, to each backend link that
 * carries a target (one websocket may carry several nodes).  A target
 * the model does not know or whose link is not up, or a link that will
 * not take the frame, is done at once as "unreachable" with the reason.
 * Returns how many links the frame was queued on.
 */
size_t	 cmd_send(struct cmd_track *t, cmd_send_cb *send, void *arg,
	    const struct fleet *fleet, const char *frame);

/*
 * Send frame, through send with arg, on backend link link alone, once:
 * for a message that leaves for each link as soon as it is up and holds
 * the command, rather than for all together (cmd_send).  Set
 * t->after_seq before the first.  The targets on link are then waited
 * for; if the link will not take the frame, they are done at once as
 * "unreachable" with the reason.  Returns 1 if queued, 0 if it was
 * already, -1 if not taken.
 */
int	 cmd_send_link(struct cmd_track *t, cmd_send_cb *send, void *arg,
	    const struct fleet *fleet, const char *frame, size_t link);

/* Was the message queued on link? */
int	 cmd_track_sent(const struct cmd_track *t, size_t link);

/*
 * Take the answers that arrived: results about the command answering
 * the message, and error frames answering it on a target's link.  A
 * target whose link went down before answering is done as
 * "unreachable"; one whose link the message has not left on yet (see
 * cmd_send_link) is not looked at.  Returns 1 once every target is
 * done, else 0.
 */
int	 cmd_track_update(struct cmd_track *t, const struct fleet *fleet);

/* Mark every target not yet done as "unreachable" with why. */
void	 cmd_track_give_up(struct cmd_track *t, const char *why);

/* Mark target i, if not yet done, as "unreachable" with why. */
void	 cmd_track_unreached(struct cmd_track *t, size_t i,
	    const char *why);

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

#endif
