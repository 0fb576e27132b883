/*
 * cmd.c: the console's side of two-person commands.
 *
 * What both operators sign is the canonical text proto_command_encode()
 * makes from the document; the approver signs the very bytes the
 * backends sent, never a re-encoding, so a console that changed one
 * byte gets refused by the backends rather than trusted by them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "command.h"
#include "fleet.h"
#include "loop.h"
#include "opkey.h"
#include "proto.h"
#include "proto-plan.h"
#include "util.h"

/* A growing text, for the review. */
struct cmd_text {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static int	 cmd_name_ok(const char *name);
static void	 cmd_name_from_path(const char *path, char *name,
		    size_t len);
static char	*cmd_frame(struct proto_msg *msg, char **cause);
static char	*cmd_id_frame(const struct cmd_operator *op,
		    enum msg_type type, const char *prefix, const char *id,
		    char **cause);
static int	 cmd_sign(const struct cmd_operator *op, const char *text,
		    size_t len, struct proto_signature *sig, char **cause);
static void	 cmd_target_done(struct cmd_track *t,
		    struct cmd_target *ct, const char *outcome,
		    const char *text);
static void	 cmd_plan_lines(struct cmd_text *text,
		    const struct proto_plan *plan, const char *in);
static void	 cmd_review_plan(struct cmd_text *text,
		    const struct fleet *fleet,
		    const struct proto_command *cmd);
static void	 cmd_printf(struct cmd_text *text, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

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

/* What node is now, as a command binds it. */
void
cmd_target_seen(const struct node *node, struct proto_command_target *t)
{
	memset(t, 0, sizeof *t);
	util_copy(t->node, sizeof t->node, node->id);
	util_copy(t->build, sizeof t->build, node->has_hello ?
	    node->hello.build : "");
	if (fleet_node_role(node) == ROLE_ROUTER && node->nstats > 0 &&
	    node->stats.router.state[0] != '\0')
		util_copy(t->state, sizeof t->state, node->stats.router.state);
	else
		util_copy(t->state, sizeof t->state, "running");
}

/* Build the document for action on nodes. */
int
cmd_build(const struct fleet *fleet, const char *action,
    const char *const *nodes, size_t n, const char *reason,
    const char *proposer, int64_t wall_ms, int64_t ttl_ms,
    struct proto_command *cmd, char **cause)
{
	const struct node	*node;
	char			*why = NULL;
	size_t			 i, j;

	memset(cmd, 0, sizeof *cmd);
	if (command_spec_find(action) == NULL) {
		*cause = xasprintf("there is no command \"%s\"; the commands "
		    "are", action);
		for (i = 0; i < command_nspecs; i++) {
			why = xasprintf("%s%s %s", *cause, i == 0 ? "" :
			    i + 1 == command_nspecs ? " and" : ",",
			    command_specs[i].name);
			free(*cause);
			*cause = why;
		}
		return (-1);
	}
	if (n == 0 || n > PROTO_MAX_TARGETS) {
		*cause = xasprintf("a command takes from 1 to %d target "
		    "nodes, not %zu", PROTO_MAX_TARGETS, n);
		return (-1);
	}
	if (ttl_ms <= 0 || ttl_ms > COMMAND_MAX_TTL_MS) {
		*cause = xasprintf("a proposal must expire within %lld "
		    "minutes, and after some time", COMMAND_MAX_TTL_MS / 60000);
		return (-1);
	}
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("a command needs a reason (--reason TEXT) "
		    "that the second operator and the audit log will read");
		return (-1);
	}
	if (util_copy(cmd->reason, sizeof cmd->reason, reason) != 0) {
		*cause = xasprintf("the reason is %zu bytes, more than the %d "
		    "a command holds; say it in fewer words", strlen(reason),
		    PROTO_TEXT_MAX - 1);
		return (-1);
	}
	if (opkey_random_id(cmd->id, sizeof cmd->id, &why) != 0) {
		*cause = xasprintf("cannot make a command id: %s", why);
		free(why);
		return (-1);
	}
	util_copy(cmd->action, sizeof cmd->action, action);
	util_copy(cmd->proposer, sizeof cmd->proposer, proposer);
	cmd->created_ms = wall_ms;
	cmd->expires_ms = wall_ms + ttl_ms;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(nodes[i], nodes[j]) == 0) {
				*cause = xasprintf("%s is named twice; name "
				    "each target once", nodes[i]);
				return (-1);
			}
		}
		node = fleet_find_const(fleet, nodes[i]);
		if (node == NULL || !node->has_hello) {
			*cause = xasprintf("%s has not said hello to this "
			    "console, so the state the command binds to is "
			    "unknown; check the name with vigil status",
			    nodes[i]);
			return (-1);
		}
		cmd_target_seen(node, &cmd->targets[i]);
	}
	cmd->ntargets = n;
	return (0);
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
	if (util_copy(msg->u.propose.document,
	    sizeof msg->u.propose.document, document) != 0) {
		*cause = xasprintf("the document is %zu bytes, more than the "
		    "%d a command may hold; name fewer targets",
		    strlen(document), PROTO_DOC_MAX - 1);
		free(msg);
		return (NULL);
	}
	if (cmd_sign(op, document, strlen(document), &msg->u.propose.sig,
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

	msg->type = MSG_APPROVE;
	if (util_copy(msg->u.approve.id, sizeof msg->u.approve.id, id) != 0 ||
	    util_copy(msg->u.approve.document,
	    sizeof msg->u.approve.document, document) != 0) {
		*cause = xstrdup("the command's id or document is longer "
		    "than a command may hold; it did not come from a vigild");
		free(msg);
		return (NULL);
	}
	if (cmd_sign(op, document, strlen(document), &msg->u.approve.sig,
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
	return (cmd_id_frame(op, MSG_CANCEL, CMD_CANCEL_PREFIX, id, cause));
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
		t->hoped = "accepted";
	else if (strcmp(message, "approve") == 0)
		t->hoped = "executed";
	else if (strcmp(message, "fire") == 0)
		t->hoped = "fired";
	else
		t->hoped = "cancelled";
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
	memset(t, 0, sizeof *t);
}

/* A target answered (or cannot): record it once. */
static void
cmd_target_done(struct cmd_track *t, struct cmd_target *ct,
    const char *outcome, const char *text)
{
	if (ct->done)
		return;
	ct->done = 1;
	ct->ok = t->hoped != NULL && strcmp(outcome, t->hoped) == 0;
	util_copy(ct->outcome, sizeof ct->outcome, outcome);
	util_copy(ct->text, sizeof ct->text, text);
	t->ndone++;
}

/* Send frame once per link that carries a target. */
size_t
cmd_send(struct cmd_track *t, struct loop *loop, const struct fleet *fleet,
    const char *frame)
{
	const struct node	*node;
	unsigned char		*sent;
	char			*why = NULL, text[PROTO_TEXT_MAX];
	size_t			 i, j, link, links = 0;

	t->after_seq = fleet->result_seq;
	sent = xcalloc(fleet->nlinks == 0 ? 1 : fleet->nlinks, 1);
	for (i = 0; i < t->ntargets; i++) {
		if (t->targets[i].done)
			continue;
		node = fleet_find_const(fleet, t->targets[i].node);
		if (node == NULL) {
			util_format(text, sizeof text, "%s is not in this "
			    "fleet; no backend reported it",
			    t->targets[i].node);
			cmd_target_done(t, &t->targets[i], "unreachable", text);
			continue;
		}
		link = node->link;
		if (sent[link])
			continue;
		if (!loop_link_up(loop, link) || loop_send(loop, link, frame,
		    strlen(frame), &why) != 0) {
			util_format(text, sizeof text, "the %s was not sent to "
			    "%s: %s", t->message, node->id, why != NULL ? why :
			    "its backend is not connected");
			free(why);
			why = NULL;
			/* Every target on that link stays unanswered. */
			for (j = i; j < t->ntargets; j++) {
				node = fleet_find_const(fleet,
				    t->targets[j].node);
				if (node != NULL && node->link == link)
					cmd_target_done(t, &t->targets[j],
					    "unreachable", text);
			}
			continue;
		}
		sent[link] = 1;
		links++;
	}
	free(sent);
	return (links);
}

/* Take the answers that arrived since the message was sent. */
int
cmd_track_update(struct cmd_track *t, const struct fleet *fleet)
{
	const struct node		*node;
	const struct fleet_link		*l;
	const struct fleet_result	*fr;
	struct cmd_target		*ct;
	char				 text[PROTO_TEXT_MAX];
	size_t				 i;

	for (i = 0; i < t->ntargets; i++) {
		ct = &t->targets[i];
		if (ct->done)
			continue;
		if ((node = fleet_find_const(fleet, ct->node)) == NULL)
			continue;
		fr = fleet_node_result(node, t->id, t->message, t->after_seq);
		if (fr != NULL) {
			cmd_target_done(t, ct, fr->r.outcome, fr->r.text);
			continue;
		}
		l = &fleet->links[node->link];
		if (l->reply_error_seq > t->after_seq &&
		    strcmp(l->reply_error_to, t->message) == 0) {
			cmd_target_done(t, ct, "refused", l->reply_error);
			continue;
		}
		if (l->state == LINK_DOWN) {
			util_format(text, sizeof text, "the connection to %s "
			    "was lost before it answered (%s); vigil pending "
			    "shows what it holds once it is back", ct->node,
			    l->error[0] != '\0' ? l->error : "no reason");
			cmd_target_done(t, ct, "unreachable", text);
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
		cmd_target_done(t, &t->targets[i], "unreachable", why);
}

/* Append to a growing text. */
static void
cmd_printf(struct cmd_text *text, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	size_t	 n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(s);
	if (text->len + n + 1 > text->cap) {
		text->cap = (text->len + n + 1) * 2;
		text->s = xreallocarray(text->s, text->cap, 1);
	}
	memcpy(text->s + text->len, s, n + 1);
	text->len += n;
	free(s);
}

/* Sort target t's answer and put it in words. */
enum cmd_outcome
cmd_outcome(const struct cmd_target *t, const char *what, char *buf,
    size_t len)
{
	size_t	n = strlen(t->node);
	int	own;

	/* Backends begin their sentences with the node's id. */
	own = strncmp(t->text, t->node, n) == 0 && t->text[n] == ' ';
	if (t->ok && strncmp(t->text, t->outcome, strlen(t->outcome)) == 0) {
		util_format(buf, len, "%s: %s", t->node, t->text);
		return (CMD_OUTCOME_OK);
	}
	if (t->ok) {
		util_format(buf, len, "%s: %s%s%s", t->node, t->outcome,
		    t->text[0] != '\0' ? ": " : "", own ? t->text + n + 1 :
		    t->text);
		return (CMD_OUTCOME_OK);
	}
	if (strcmp(t->outcome, "unreachable") == 0) {
		util_format(buf, len, "%s did not answer %s: %s", t->node,
		    what, t->text);
		return (CMD_OUTCOME_UNREACHED);
	}
	if (own)
		util_copy(buf, len, t->text);
	else
		util_format(buf, len, "%s %s %s: %s", t->node, t->outcome,
		    what, t->text[0] != '\0' ? t->text : "it gave no reason");
	return (CMD_OUTCOME_REFUSED);
}

/* Whether p can be approved or cancelled now, and if not why. */
int
cmd_actionable(const struct fleet_proposal *p, int approving, char **cause)
{
	if (p->problem[0] != '\0' && approving) {
		*cause = xasprintf("proposal %s must not be approved: %s",
		    p->id, p->problem);
		return (-1);
	}
	if (!p->decoded) {
		*cause = xasprintf("proposal %s cannot be %s: %s", p->id,
		    approving ? "approved" : "cancelled", p->problem);
		return (-1);
	}
	if (strcmp(p->status, "pending") != 0) {
		*cause = xasprintf("proposal %s (%s) is %s, not pending, so "
		    "there is nothing to %s; vigil pending and the "
		    "console's Proposals view list what waits", p->id,
		    p->cmd.action, p->status, approving ? "approve" :
		    "cancel");
		return (-1);
	}
	return (0);
}

/* The request of a rollback or flag change; see cmd.h. */
int
cmd_plan_request(const char *action, const char *to, const char *set,
    const char *override, struct proto_plan_request *req, char **cause)
{
	const char	*eq;

	memset(req, 0, sizeof *req);
	util_copy(req->action, sizeof req->action, action);
	if (override != NULL && util_copy(req->override,
	    sizeof req->override, override) != 0) {
		*cause = xasprintf("--override names a code path of at most "
		    "%zu characters", sizeof req->override - 1);
		return (-1);
	}
	if (strcmp(action, "rollback") == 0) {
		if (set != NULL || to == NULL || *to == '\0' ||
		    util_copy(req->to, sizeof req->to, to) != 0) {
			*cause = xstrdup("rollback needs --to BUILD, the "
			    "installed build to switch to (vigil status "
			    "--json lists each node's builds), and takes no "
			    "--set");
			return (-1);
		}
		return (0);
	}
	if (strcmp(action, "flag") == 0) {
		eq = set != NULL ? strchr(set, '=') : NULL;
		if (to != NULL || eq == NULL || eq == set ||
		    (size_t)(eq - set) >= sizeof req->flag ||
		    (strcmp(eq + 1, "on") != 0 && strcmp(eq + 1, "off") != 0)) {
			*cause = xasprintf("flag needs --set NAME=on or --set "
			    "NAME=off%s%s%s, and takes no --to", set != NULL ?
			    " (not \"" : "", set != NULL ? set : "",
			    set != NULL ? "\")" : "");
			return (-1);
		}
		util_format(req->flag, sizeof req->flag, "%.*s",
		    (int)(eq - set), set);
		util_copy(req->set, sizeof req->set, eq + 1);
		return (0);
	}
	*cause = xasprintf("%s has no plan: only rollback and flag do; "
	    "--to, --set and --override belong to them", action);
	return (-1);
}

/* The plan of req on nodes from the fleet's hellos; see cmd.h. */
struct proto_plan *
cmd_plan(const struct fleet *fleet, const struct proto_plan_request *req,
    const char *const *nodes, size_t n)
{
	const struct proto_hello	**hellos;
	struct proto_plan		 *plan;
	size_t				  i, k = 0;

	hellos = xcalloc(fleet->nnodes + 1, sizeof *hellos);
	for (i = 0; i < fleet->nnodes; i++) {
		if (fleet->nodes[i].has_hello)
			hellos[k++] = &fleet->nodes[i].hello;
	}
	plan = xmalloc(sizeof *plan);
	proto_plan_make(req, nodes, n, hellos, k, 1, plan);
	free(hellos);
	return (plan);
}

/* Append plan's lines to text. */
static void
cmd_plan_lines(struct cmd_text *text, const struct proto_plan *plan,
    const char *in)
{
	const struct proto_plan_target	*t;
	const struct proto_plan_path	*p;
	size_t				 i, k;

	if (strcmp(plan->action, "rollback") == 0)
		cmd_printf(text, "%splan: rollback to %s", in, plan->to);
	else
		cmd_printf(text, "%splan: flag %s %s", in, plan->flag,
		    plan->set);
	if (plan->override[0] != '\0')
		cmd_printf(text, ", override %s", plan->override);
	cmd_printf(text, "\n");
	for (i = 0; i < plan->ntargets; i++) {
		t = &plan->targets[i];
		cmd_printf(text, "%s  %s: build %s -> %s\n", in, t->node,
		    t->build_before, t->build_after[0] != '\0' ?
		    t->build_after : "(cannot)");
		for (k = 0; k < t->npaths; k++) {
			p = &t->paths[k];
			cmd_printf(text, "%s    flag %s: %s -> %s\n", in,
			    p->flag, p->before[0] != '\0' ? p->before : "off",
			    p->after[0] != '\0' ? p->after : "off");
		}
		if (t->npaths == 0)
			cmd_printf(text, "%s    no flag enabled before or "
			    "after\n", in);
	}
	cmd_printf(text, "%s  afterwards the role runs %s%s\n", in,
	    plan->builds_after, plan->mixed ? ": MORE THAN ONE BUILD" : "");
	for (i = 0; i < plan->nproblems; i++)
		cmd_printf(text, "%s  REFUSED: %s\n", in,
		    plan->problems[i].text);
	if (plan->safe)
		cmd_printf(text, "%s  safe: no flag would enable retired "
		    "code, and each flag means one code on the targets\n", in);
}

/* The plan as lines; see cmd.h. */
char *
cmd_plan_text(const struct proto_plan *plan, const char *indent)
{
	struct cmd_text	text;

	memset(&text, 0, sizeof text);
	cmd_plan_lines(&text, plan, indent);
	return (text.s);
}

/* The plan of a rollback or flag change under review, as it is now. */
static void
cmd_review_plan(struct cmd_text *text, const struct fleet *fleet,
    const struct proto_command *cmd)
{
	struct proto_plan_request	 req;
	struct proto_plan		*plan;
	const char			*nodes[PROTO_MAX_TARGETS];
	char				 why[PROTO_TEXT_MAX];
	size_t				 i;

	if (!proto_plan_applies(cmd->action))
		return;
	if (proto_plan_request_parse(cmd, &req, why, sizeof why) != 0) {
		cmd_printf(text, "  plan:      none: %s\n", why);
		return;
	}
	for (i = 0; i < cmd->ntargets; i++)
		nodes[i] = cmd->targets[i].node;
	plan = cmd_plan(fleet, &req, nodes, cmd->ntargets);
	cmd_plan_lines(text, plan, "  ");
	free(plan);
}

/* The review a second operator reads before signing. */
char *
cmd_review_text(const struct fleet *fleet, const struct fleet_proposal *p,
    int64_t wall_ms)
{
	const struct proto_command	*cmd = &p->cmd;
	const struct command_spec	*spec;
	const struct proto_command_target *t;
	const struct node		*node;
	const struct fleet_held		*h;
	struct proto_command_target	 now;
	struct cmd_text			 text;
	char				 when[16], left[32];
	size_t				 i;

	memset(&text, 0, sizeof text);
	cmd_printf(&text, "proposal %s\n", p->id);
	if (p->decoded) {
		spec = command_spec_find(cmd->action);
		cmd_printf(&text, "  action:    %s%s%s%s\n", cmd->action,
		    spec != NULL ? " (" : "", spec != NULL ? spec->summary :
		    "", spec != NULL ? ")" : "");
		for (i = 0; i < cmd->ntargets; i++) {
			t = &cmd->targets[i];
			cmd_printf(&text, "  %s %s, build %s, %s",
			    i == 0 ? "targets:  " : "          ", t->node,
			    t->build, t->state);
			node = fleet_find_const(fleet, t->node);
			if (node == NULL || !node->has_hello)
				cmd_printf(&text, " (not heard from here)");
			else {
				cmd_target_seen(node, &now);
				if (strcmp(now.build, t->build) != 0 ||
				    strcmp(now.state, t->state) != 0)
					cmd_printf(&text, " (NOW build %s, "
					    "%s: it will refuse)", now.build,
					    now.state);
			}
			cmd_printf(&text, "\n");
		}
		cmd_review_plan(&text, fleet, cmd);
		cmd_printf(&text, "  reason:    %s\n", cmd->reason);
		cmd_printf(&text, "  proposer:  %s\n", cmd->proposer);
		util_clock_text(cmd->created_ms, when, sizeof when);
		cmd_printf(&text, "  created:   %s UTC\n", when);
	}
	util_clock_text(p->expires_ms, when, sizeof when);
	if (p->expires_ms > wall_ms)
		cmd_printf(&text, "  expires:   %s UTC, in %s\n", when,
		    util_duration_text(p->expires_ms - wall_ms, left,
		    sizeof left));
	else
		cmd_printf(&text, "  expires:   %s UTC, already past\n", when);
	cmd_printf(&text, "  signed by:");
	for (i = 0; i < p->nsigs; i++)
		cmd_printf(&text, "%s %s", i == 0 ? "" : ",",
		    p->sigs[i].operator);
	if (p->nsigs == 0)
		cmd_printf(&text, " nobody yet");
	cmd_printf(&text, "\n  held by:  ");
	for (i = 0; i < p->nnodes; i++) {
		node = &fleet->nodes[p->nodes[i]];
		h = fleet_node_held(node, p->id);
		cmd_printf(&text, "%s %s (%s)", i == 0 ? "" : ",", node->id,
		    h != NULL ? h->p.status : "?");
	}
	cmd_printf(&text, "\n");
	if (p->problem[0] != '\0')
		cmd_printf(&text, "  PROBLEM:   %s\n", p->problem);
	cmd_printf(&text, "  document (the exact bytes signed):\n  %s\n",
	    p->document);
	return (text.s);
}
