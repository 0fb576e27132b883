/*
 * cmd.c: the console's side of two-person commands.
 *
 * What both operators sign is the statement naming, by its SHA-256, the
 * canonical text proto_command_encode() makes from the document
 * (proto_statement); the approver hashes the very bytes the backends
 * sent and it showed, never a re-encoding, so a console that changed
 * one byte gets refused by the backends rather than trusted by them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fleet.h"
#include "opkey.h"
#include "proto.h"
#include "proto-command.h"
#include "util.h"

static int	 cmd_name_ok(const char *name);
static void	 cmd_name_from_path(const char *path, char *name,
		    size_t len);
static char	*cmd_frame(struct proto_msg *msg, char **cause);
static char	*cmd_id_frame(const struct cmd_operator *op,
		    enum msg_type type, const char *prefix, const char *id,
		    char **cause);
static int	 cmd_sign(const struct cmd_operator *op, const char *text,
		    size_t len, struct proto_signature *sig, char **cause);
static int	 cmd_sign_document(const struct cmd_operator *op,
		    const char *document, struct proto_signature *sig,
		    char **cause);
static void	 cmd_target_done(struct cmd_track *t,
		    struct cmd_target *ct, const enum proto_outcome *outcome,
		    const char *text);
static const char *cmd_refusal_text(const struct cmd_track *t,
		    const struct node *node, const struct proto_result *r,
		    char *buf, size_t len);

/* Load the operator's key and settle their name. */
int
cmd_operator_load(struct cmd_operator *op, const char *key_path,
    const char *name, char **cause)
{
	const char	*pass, *env;
	char		*why = NULL;

	memset(op, 0, sizeof *op);
	if (key_path == NULL || *key_path == '\0')
		key_path = getenv("VIGIL_KEY");
	if (key_path == NULL || *key_path == '\0') {
		*cause = xstrdup("no operator key: give --key FILE or set "
		    "VIGIL_KEY to your private key (vigil-key gen --name NAME "
		    "makes one)");
		return (-1);
	}
	if (name == NULL || *name == '\0') {
		env = getenv("VIGIL_OPERATOR");
		if (env != NULL && *env != '\0')
			name = env;
	}
	if (name != NULL && *name != '\0') {
		if (util_copy(op->name, sizeof op->name, name) != 0 ||
		    !cmd_name_ok(op->name)) {
			*cause = xasprintf("operator name \"%s\" cannot be "
			    "used: give a name of letters, digits and "
			    "\"._-\", at most %d characters, as your "
			    "backends' trust files list it", name,
			    CMD_NAME_MAX - 1);
			op->name[0] = '\0';
			return (-1);
		}
	} else {
		cmd_name_from_path(key_path, op->name, sizeof op->name);
		if (!cmd_name_ok(op->name)) {
			*cause = xasprintf("no operator name: the key file "
			    "name %s does not give one; give --operator NAME "
			    "or set VIGIL_OPERATOR to your name as the "
			    "backends' trust files list it", key_path);
			op->name[0] = '\0';
			return (-1);
		}
	}
	pass = getenv("VIGIL_KEY_PASSPHRASE");
	if ((op->key = opkey_load(key_path, pass, &why)) == NULL) {
		*cause = why;
		op->name[0] = '\0';
		return (-1);
	}
	return (0);
}

/* Forget the operator's key. */
void
cmd_operator_free(struct cmd_operator *op)
{
	if (op->key != NULL)
		opkey_free(op->key);
	memset(op, 0, sizeof *op);
}

/* Is name one a trust file can hold: letters, digits, "._-"? */
static int
cmd_name_ok(const char *name)
{
	const char	*p;

	if (*name == '\0')
		return (0);
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			return (0);
	}
	return (1);
}

/* "keys/alice.key" -> "alice". */
static void
cmd_name_from_path(const char *path, char *name, size_t len)
{
	const char	*base = strrchr(path, '/');
	size_t		 n;

	base = base != NULL ? base + 1 : path;
	if (util_copy(name, len, base) != 0) {
		name[0] = '\0';
		return;
	}
	n = strlen(name);
	if (n > 4 && (strcmp(name + n - 4, ".key") == 0 ||
	    strcmp(name + n - 4, ".pem") == 0))
		name[n - 4] = '\0';
}

/* Sign len bytes of text as op into sig. */
static int
cmd_sign(const struct cmd_operator *op, const char *text, size_t len,
    struct proto_signature *sig, char **cause)
{
	char	*why = NULL;

	memset(sig, 0, sizeof *sig);
	util_copy(sig->operator, sizeof sig->operator, op->name);
	if (opkey_sign(op->key, text, len, sig->signature,
	    sizeof sig->signature, &why) != 0) {
		*cause = xasprintf("cannot sign as %s: %s", op->name, why);
		free(why);
		return (-1);
	}
	return (0);
}

/*
 * Sign document as op: the statement of its SHA-256, computed here over
 * the very bytes given (those the operator was shown).
 */
static int
cmd_sign_document(const struct cmd_operator *op, const char *document,
    struct proto_signature *sig, char **cause)
{
	char	sha256[65], text[PROTO_STATEMENT_MAX];
	size_t	n;

	opkey_sha256_hex(document, strlen(document), sha256);
	n = proto_statement(sha256, text, sizeof text);
	if (cmd_sign(op, text, n, sig, cause) != 0)
		return (-1);
	util_copy(sig->covers, sizeof sig->covers, PROTO_COVERS_SHA256);
	return (0);
}

/* Encode msg (freed here) as a frame; NULL and *cause if too large. */
static char *
cmd_frame(struct proto_msg *msg, char **cause)
{
	char	*frame = proto_encode(msg);

	free(msg);
	if (strlen(frame) > PROTO_MAX_FRAME) {
		*cause = xasprintf("the command message is %zu bytes, more "
		    "than the %d a frame may hold; name fewer targets or give "
		    "a shorter reason", strlen(frame), PROTO_MAX_FRAME);
		free(frame);
		return (NULL);
	}
	return (frame);
}

/* propose: the document and the first signature. */
char *
cmd_propose_frame(const struct cmd_operator *op, const char *document,
    char **cause)
{
	struct proto_msg	*msg = xcalloc(1, sizeof *msg);

	msg->type = MSG_PROPOSE;
	msg->u.propose.document = (char *)document;	/* borrowed */
	if (strlen(document) >= PROTO_DOC_MAX) {
		*cause = xasprintf("the document is %zu bytes, more than the "
		    "%d a command may hold; name fewer targets",
		    strlen(document), PROTO_DOC_MAX - 1);
		free(msg);
		return (NULL);
	}
	if (cmd_sign_document(op, document, &msg->u.propose.sig,
	    cause) != 0) {
		free(msg);
		return (NULL);
	}
	return (cmd_frame(msg, cause));
}

/* approve: the second signature over the very bytes reviewed. */
char *
cmd_approve_frame(const struct cmd_operator *op, const char *id,
    const char *document, char **cause)
{
	struct proto_msg	*msg = xcalloc(1, sizeof *msg);

	/*
	 * The signature covers the document through its SHA-256; the frame
	 * names it by that hash, since every target holds it already and
	 * checks the signature against its own copy's hash.
	 */
	msg->type = MSG_APPROVE;
	opkey_sha256_hex(document, strlen(document), msg->u.approve.sha256);
	if (util_copy(msg->u.approve.id, sizeof msg->u.approve.id, id) != 0 ||
	    strlen(document) >= PROTO_DOC_MAX) {
		*cause = xstrdup("the command's id or document is longer "
		    "than a command may hold; it did not come from a vigild");
		free(msg);
		return (NULL);
	}
	if (cmd_sign_document(op, document, &msg->u.approve.sig,
	    cause) != 0) {
		free(msg);
		return (NULL);
	}
	return (cmd_frame(msg, cause));
}

/* cancel: a signature over "vigil.v1 cancel ID". */
char *
cmd_cancel_frame(const struct cmd_operator *op, const char *id,
    char **cause)
{
	return (cmd_id_frame(op, MSG_CANCEL, PROTO_CANCEL_PREFIX, id, cause));
}

/* fire: a signature over "vigil.v1 fire ID". */
char *
cmd_fire_frame(const struct cmd_operator *op, const char *id, char **cause)
{
	return (cmd_id_frame(op, MSG_FIRE, "vigil.v1 fire ", id, cause));
}

/* A message of type about id, signed over prefix and the id. */
static char *
cmd_id_frame(const struct cmd_operator *op, enum msg_type type,
    const char *prefix, const char *id, char **cause)
{
	struct proto_msg	*msg = xcalloc(1, sizeof *msg);
	char			*text;
	int			 rc;

	msg->type = type;
	if (util_copy(msg->u.cancel.id, sizeof msg->u.cancel.id, id) != 0) {
		*cause = xstrdup("the command's id is longer than an id may "
		    "be; copy it from vigil pending");
		free(msg);
		return (NULL);
	}
	text = xasprintf("%s%s", prefix, id);
	rc = cmd_sign(op, text, strlen(text), &msg->u.cancel.sig, cause);
	free(text);
	if (rc != 0) {
		free(msg);
		return (NULL);
	}
	return (cmd_frame(msg, cause));
}

/*
 * auth: op's answer to the challenge of a hello from node, signed over
 * "vigil.v1 auth CHALLENGE NODE KEY" (proto_auth_text).
 */
char *
cmd_auth_frame(const struct cmd_operator *op, const char *challenge,
    const char *node, char **cause)
{
	struct proto_msg	*msg = xcalloc(1, sizeof *msg);
	struct proto_auth	*a = &msg->u.auth;
	struct proto_signature	 sig;
	char			 text[PROTO_AUTH_TEXT_MAX];
	size_t			 n;

	msg->type = MSG_AUTH;
	util_copy(a->challenge, sizeof a->challenge, challenge);
	util_copy(a->node, sizeof a->node, node);
	opkey_public(op->key, a->key, sizeof a->key);
	n = proto_auth_text(a, text, sizeof text);
	if (cmd_sign(op, text, n, &sig, cause) != 0) {
		free(msg);
		return (NULL);
	}
	util_copy(a->operator, sizeof a->operator, sig.operator);
	util_copy(a->signature, sizeof a->signature, sig.signature);
	return (cmd_frame(msg, cause));
}

/* Start following message of cmd to its targets. */
void
cmd_track_init(struct cmd_track *t, const char *message,
    const struct proto_command *cmd)
{
	size_t	i;

	memset(t, 0, sizeof *t);
	util_copy(t->id, sizeof t->id, cmd->id);
	util_copy(t->action, sizeof t->action, cmd->action);
	util_copy(t->message, sizeof t->message, message);
	if (strcmp(message, "propose") == 0)
		t->hoped = OUTCOME_ACCEPTED;
	else if (strcmp(message, "approve") == 0)
		t->hoped = OUTCOME_EXECUTED;
	else if (strcmp(message, "fire") == 0)
		t->hoped = OUTCOME_FIRED;
	else
		t->hoped = OUTCOME_CANCELLED;
	t->targets = xcalloc(cmd->ntargets == 0 ? 1 : cmd->ntargets,
	    sizeof *t->targets);
	for (i = 0; i < cmd->ntargets; i++)
		util_copy(t->targets[i].node, sizeof t->targets[i].node,
		    cmd->targets[i].node);
	t->ntargets = cmd->ntargets;
}

/* Free what a track holds. */
void
cmd_track_free(struct cmd_track *t)
{
	free(t->targets);
	free(t->sent_links);
	memset(t, 0, sizeof *t);
}

/*
 * A target answered with outcome, or cannot (outcome NULL): record it
 * once.
 */
static void
cmd_target_done(struct cmd_track *t, struct cmd_target *ct,
    const enum proto_outcome *outcome, const char *text)
{
	if (ct->done)
		return;
	ct->done = 1;
	ct->unreached = outcome == NULL;
	if (outcome != NULL)
		ct->outcome = *outcome;
	ct->ok = outcome != NULL && *outcome == t->hoped;
	util_copy(ct->text, sizeof ct->text, text);
	t->ndone++;
}

/*
 * What node's answer r says.  A vigild of the old scheme (its hello does
 * not say it checks signatures through the document's SHA-256) checks a
 * document's signature over the document itself, so this vigil's
 * signature, of the statement of its SHA-256, does not verify there:
 * that refusal is put in words that say why and what to do.
 */
static const char *
cmd_refusal_text(const struct cmd_track *t, const struct node *node,
    const struct proto_result *r, char *buf, size_t len)
{
	if (r->outcome != OUTCOME_REFUSED || !node->has_hello ||
	    strcmp(node->hello.signs, PROTO_COVERS_SHA256) == 0 ||
	    (strcmp(t->message, "propose") != 0 &&
	    strcmp(t->message, "approve") != 0) ||
	    strstr(r->text, "does not verify") == NULL)
		return (r->text);
	util_format(buf, len, "%s refused the %s: its vigild is of the old "
	    "scheme and checks a command's signatures over the whole "
	    "document, while this vigil signs the document's SHA-256 "
	    "(\"vigil command v2\"); upgrade vigild on %s to this vigil's "
	    "release (%s), or sign from a vigil of its own", node->id,
	    strcmp(t->message, "propose") == 0 ? "proposal" : "approval",
	    node->id, VIGIL_VERSION);
	return (buf);
}

/* Send frame once per link that carries a target. */
size_t
cmd_send(struct cmd_track *t, cmd_send_cb *send, void *arg,
    const struct fleet *fleet, const char *frame)
{
	const struct node	*node;
	char			 text[PROTO_TEXT_MAX];
	size_t			 i, links = 0;

	t->after_seq = fleet->result_seq;
	t->seen = 0;
	for (i = 0; i < t->ntargets; i++) {
		if (t->targets[i].done)
			continue;
		node = fleet_find_const(fleet, t->targets[i].node);
		if (node == NULL) {
			util_format(text, sizeof text, "%s is not in this "
			    "fleet; no backend reported it",
			    t->targets[i].node);
			cmd_target_done(t, &t->targets[i], NULL, text);
			continue;
		}
		if (cmd_send_link(t, send, arg, fleet, frame,
		    node->link) == 1)
			links++;
	}
	return (links);
}

/* Send frame on one link, once; see cmd.h. */
int
cmd_send_link(struct cmd_track *t, cmd_send_cb *send, void *arg,
    const struct fleet *fleet, const char *frame, size_t link)
{
	const struct node	*node;
	char			*why = NULL, text[PROTO_TEXT_MAX];
	size_t			 j;

	if (t->sent_links == NULL) {
		t->nsent_links = fleet->nlinks == 0 ? 1 : fleet->nlinks;
		t->sent_links = xcalloc(t->nsent_links, 1);
	}
	if (link >= t->nsent_links || t->sent_links[link])
		return (0);
	t->seen = 0;	/* its targets are to be looked at */
	if (send(arg, link, frame, strlen(frame), &why) == 0) {
		t->sent_links[link] = 1;
		return (1);
	}
	/* Every target on that link stays unanswered. */
	for (j = 0; j < t->ntargets; j++) {
		node = fleet_find_const(fleet, t->targets[j].node);
		if (node == NULL || node->link != link || t->targets[j].done)
			continue;
		util_format(text, sizeof text, "the %s was not sent to %s: %s",
		    t->message, node->id, why != NULL ? why :
		    "its backend is not connected");
		cmd_target_done(t, &t->targets[j], NULL, text);
	}
	free(why);
	return (-1);
}

/* Was the message queued on link? */
int
cmd_track_sent(const struct cmd_track *t, size_t link)
{
	return (t->sent_links != NULL && link < t->nsent_links &&
	    t->sent_links[link]);
}

/* Take the answers that arrived since the message was sent. */
int
cmd_track_update(struct cmd_track *t, const struct fleet *fleet)
{
	const struct node		*node;
	const struct fleet_link		*l;
	const struct fleet_result	*fr;
	struct cmd_target		*ct;
	enum proto_outcome		 refused = OUTCOME_REFUSED;
	char				 text[PROTO_TEXT_MAX];
	size_t				 i;

	/* With 1,000 targets, every frame would otherwise look at each. */
	if (t->seen && t->seen_result_seq == fleet->result_seq &&
	    t->seen_link_seq == fleet->link_seq)
		return (t->ndone == t->ntargets);
	t->seen = 1;
	t->seen_result_seq = fleet->result_seq;
	t->seen_link_seq = fleet->link_seq;
	for (i = 0; i < t->ntargets; i++) {
		ct = &t->targets[i];
		if (ct->done)
			continue;
		if ((node = fleet_find_const(fleet, ct->node)) == NULL)
			continue;
		/* Sent link by link: not yet sent, no answer to wait for. */
		if (t->sent_links != NULL && !cmd_track_sent(t, node->link))
			continue;
		fr = fleet_node_result(node, t->id, t->message, t->after_seq);
		if (fr != NULL) {
			cmd_target_done(t, ct, &fr->r.outcome,
			    cmd_refusal_text(t, node, &fr->r, text,
			    sizeof text));
			continue;
		}
		l = &fleet->links[node->link];
		if (l->reply_error_seq > t->after_seq &&
		    strcmp(l->reply_error_to, t->message) == 0) {
			cmd_target_done(t, ct, &refused, l->reply_error);
			continue;
		}
		if (l->state == LINK_DOWN) {
			util_format(text, sizeof text, "the connection to %s "
			    "was lost before it answered (%s); vigil pending "
			    "shows what it holds once it is back", ct->node,
			    l->error[0] != '\0' ? l->error : "no reason");
			cmd_target_done(t, ct, NULL, text);
		}
	}
	return (t->ndone == t->ntargets);
}

/* Every target not yet answered is unreachable, for why. */
void
cmd_track_give_up(struct cmd_track *t, const char *why)
{
	size_t	i;

	for (i = 0; i < t->ntargets; i++)
		cmd_target_done(t, &t->targets[i], NULL, why);
}

/* Target i, if not yet done, is unreachable, for why. */
void
cmd_track_unreached(struct cmd_track *t, size_t i, const char *why)
{
	if (i < t->ntargets)
		cmd_target_done(t, &t->targets[i], NULL, why);
}

/* Sort target t's answer and put it in words. */
enum cmd_outcome
cmd_outcome(const struct cmd_target *t, const char *what, char *buf,
    size_t len)
{
	const char	*outcome = proto_outcome_name(t->outcome);
	size_t		 n = strlen(t->node);
	int		 own;

	/* Backends begin their sentences with the node's id. */
	own = strncmp(t->text, t->node, n) == 0 && t->text[n] == ' ';
	if (t->ok && strncmp(t->text, outcome, strlen(outcome)) == 0) {
		util_format(buf, len, "%s: %s", t->node, t->text);
		return (CMD_OUTCOME_OK);
	}
	if (t->ok) {
		util_format(buf, len, "%s: %s%s%s", t->node, outcome,
		    t->text[0] != '\0' ? ": " : "", own ? t->text + n + 1 :
		    t->text);
		return (CMD_OUTCOME_OK);
	}
	if (t->unreached) {
		util_format(buf, len, "%s did not answer %s: %s", t->node,
		    what, t->text);
		return (CMD_OUTCOME_UNREACHED);
	}
	if (own)
		util_copy(buf, len, t->text);
	else
		util_format(buf, len, "%s %s %s: %s", t->node, outcome,
		    what, t->text[0] != '\0' ? t->text : "it gave no reason");
	return (CMD_OUTCOME_REFUSED);
}
