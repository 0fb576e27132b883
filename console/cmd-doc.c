/*
 * cmd-doc.c: a command document as the console sees it (see cmd-doc.h):
 * built from what the fleet model shows, checked for whether it can be
 * approved, and put in words for the operator who reviews it.
 *
 * Nothing here signs, sends or waits, so the curses panels, the desk and
 * the headless commands share it without reaching the event loop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-doc.h"
#include "fleet.h"
#include "opkey.h"
#include "proto.h"
#include "proto-command.h"
#include "proto-plan.h"
#include "util.h"

/* A growing text, for the review. */
struct cmd_text {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void	 cmd_printf(struct cmd_text *text, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 cmd_newline(struct cmd_text *text);
static void	 cmd_append(struct cmd_text *text, char *s);
static void	 cmd_plan_lines(struct cmd_text *text,
		    const struct proto_plan *plan, const char *in);
static void	 cmd_review_plan(struct cmd_text *text,
		    const struct fleet *fleet,
		    const struct proto_command *cmd);
static int	 cmd_node_reported(const struct node *node, const char *as,
		    char **cause);

/* What node is now, as a command binds it. */
void
cmd_target_seen(const struct node *node, struct proto_command_target *t)
{
	memset(t, 0, sizeof *t);
	util_copy(t->node, sizeof t->node, node->id);
	util_copy(t->build, sizeof t->build, node->has_hello ?
	    node->hello.build : "");
	util_copy(t->state, sizeof t->state,
	    proto_state_name(cmd_node_state(node)));
}

/* A router's state from its latest stats; running for anything else. */
enum proto_state
cmd_node_state(const struct node *node)
{
	if (fleet_node_role(node) == ROLE_ROUTER && node->nstats > 0)
		return (node->stats.router.state);
	return (STATE_RUNNING);
}

/*
 * Has node (named as, "" or "the destination ") sent its state?  The
 * hello carries neither a router's running or killed state nor a
 * station's blacklist: they come in its first stats frame, so a command
 * built before it would bind to, or be judged on, a state nobody sent.
 */
static int
cmd_node_reported(const struct node *node, const char *as, char **cause)
{
	if (node->nstats > 0)
		return (0);
	*cause = xasprintf("%s%s has said hello but not yet sent its state "
	    "(%s comes with it); nothing was signed: wait for it to "
	    "report, then try again", as, node->id,
	    fleet_node_role(node) == ROLE_STATION ? "its blacklist" :
	    fleet_node_role(node) == ROLE_ROUTER ? "whether it runs or is "
	    "killed" : "what it is doing");
	return (-1);
}

/* Build the document for action on nodes. */
int
cmd_build(const struct fleet *fleet, const char *action,
    const char *const *nodes, size_t n, const char *reason,
    const char *proposer, int64_t wall_ms, int64_t ttl_ms,
    struct proto_command *cmd, char **cause)
{
	const struct node	*node;
	char			*why = NULL, names[256];
	size_t			 i, j;

	proto_command_clear(cmd);
	memset(cmd, 0, sizeof *cmd);
	if (command_spec_find(action) == NULL) {
		command_spec_names(names, sizeof names, 0);
		*cause = xasprintf("there is no command \"%s\"; the commands "
		    "are %s", action, names);
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
	proto_command_targets(cmd, n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(nodes[i], nodes[j]) == 0) {
				*cause = xasprintf("%s is named twice; name "
				    "each target once", nodes[i]);
				proto_command_clear(cmd);
				return (-1);
			}
		}
		node = fleet_find_const(fleet, nodes[i]);
		if (node == NULL || !node->has_hello) {
			*cause = xasprintf("%s has not said hello to this "
			    "console, so the state the command binds to is "
			    "unknown; check the name with vigil status",
			    nodes[i]);
			proto_command_clear(cmd);
			return (-1);
		}
		if (cmd_node_reported(node, "", cause) != 0) {
			proto_command_clear(cmd);
			return (-1);
		}
		cmd_target_seen(node, &cmd->targets[i]);
	}
	return (0);
}

/* Name move-root's destination; see cmd-doc.h. */
int
cmd_move_root(const struct fleet *fleet, struct proto_command *cmd,
    const char *to, char **cause)
{
	const struct node		*dest, *n;
	const struct proto_blacklist	*b;
	size_t				 i, k;

	if (to == NULL || *to == '\0') {
		*cause = xstrdup("move-root needs its destination: --to "
		    "station/NAME, a station that no station blacklists");
		return (-1);
	}
	if (cmd->ntargets != 1) {
		*cause = xstrdup("move-root moves the root from one station, "
		    "its holder: name only that station");
		return (-1);
	}
	if (strcmp(cmd->targets[0].node, to) == 0) {
		*cause = xasprintf("%s is both source and destination; name "
		    "another station with --to", to);
		return (-1);
	}
	dest = fleet_find_const(fleet, to);
	if (dest == NULL || !dest->has_hello) {
		*cause = xasprintf("the destination %s is unknown: no backend "
		    "reported it to this console; vigil status lists the "
		    "stations", to);
		return (-1);
	}
	if (fleet_node_role(dest) != ROLE_STATION) {
		*cause = xasprintf("the destination %s is not a station; the "
		    "root moves only between stations", to);
		return (-1);
	}
	if (dest->state != NODE_LIVE) {
		*cause = xasprintf("the destination %s is not live (%s): a "
		    "station that is not heard from cannot take the root; "
		    "restore it or choose another", to,
		    fleet_state_name(dest->state));
		return (-1);
	}
	if (cmd_node_reported(dest, "the destination ", cause) != 0)
		return (-1);
	for (i = 0; i < fleet->nnodes; i++) {
		n = &fleet->nodes[i];
		if (fleet_node_role(n) != ROLE_STATION || n->nstats == 0)
			continue;
		for (k = 0; k < n->stats.station.nblacklist; k++) {
			b = &n->stats.station.blacklist[k];
			if (strcmp(b->peer, to) != 0)
				continue;
			*cause = xasprintf("the destination %s is "
			    "blacklisted by %s (evidence from %s), so "
			    "stations would refuse the certificates it "
			    "signs; move the root to a station nobody "
			    "blacklists", to, n->id, b->reported_by);
			return (-1);
		}
	}
	cmd->nargs = 1;
	util_copy(cmd->args[0].name, sizeof cmd->args[0].name, "to");
	util_copy(cmd->args[0].value, sizeof cmd->args[0].value, to);
	return (0);
}

/* The node an action names that is not a target; see cmd-doc.h. */
const char *
cmd_named_node(const char *action, const struct proto_command_arg *args,
    size_t nargs, const struct command_spec **spec)
{
	size_t	i;

	*spec = command_spec_find(action);
	if (*spec == NULL || (*spec)->node_arg == NULL)
		return (NULL);
	for (i = 0; i < nargs; i++) {
		if (strcmp(args[i].name, (*spec)->node_arg) == 0 &&
		    args[i].value[0] != '\0')
			return (args[i].value);
	}
	return (NULL);
}

/*
 * Append to a growing text, escaped (util_escape()): the review shows
 * what backends sent, and a line break or an escape sequence in it must
 * not redraw the lines the operator reviews.  Lines end by
 * cmd_newline(), the only way a line break gets in.
 */
static void
cmd_printf(struct cmd_text *text, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	cmd_append(text, util_escape(raw));
	free(raw);
}

/* End a line of a growing text. */
static void
cmd_newline(struct cmd_text *text)
{
	cmd_append(text, xstrdup("\n"));
}

/* Append s, allocated, to a growing text, and free it. */
static void
cmd_append(struct cmd_text *text, char *s)
{
	size_t	 n;

	n = strlen(s);
	if (text->len + n + 1 > text->cap) {
		text->cap = (text->len + n + 1) * 2;
		text->s = xreallocarray(text->s, text->cap, 1);
	}
	memcpy(text->s + text->len, s, n + 1);
	text->len += n;
	free(s);
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
	if (p->status != STATUS_PENDING) {
		*cause = xasprintf("proposal %s (%s) is %s, not pending, so "
		    "there is nothing to %s; vigil pending and the "
		    "console's Proposals view list what waits", p->id,
		    p->cmd.action, proto_status_name(p->status),
		    approving ? "approve" :
		    "cancel");
		return (-1);
	}
	return (0);
}

/* The request of a rollback or flag change; see cmd-doc.h. */
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
	    "--to, --set and --override belong to them (and --to to "
	    "move-root)", action);
	return (-1);
}

/* The plan of req on nodes from the fleet's hellos; see cmd-doc.h. */
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

/* Append plan's lines to text, each begun with in. */
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
	cmd_newline(text);
	for (i = 0; i < plan->ntargets; i++) {
		t = &plan->targets[i];
		cmd_printf(text, "%s  %s: build %s -> %s", in, t->node,
		    t->build_before, t->build_after[0] != '\0' ?
		    t->build_after : "(cannot)");
		cmd_newline(text);
		for (k = 0; k < t->npaths; k++) {
			p = &t->paths[k];
			cmd_printf(text, "%s    flag %s: %s -> %s", in,
			    p->flag, p->before[0] != '\0' ? p->before : "off",
			    p->after[0] != '\0' ? p->after : "off");
			cmd_newline(text);
		}
		if (t->npaths == 0) {
			cmd_printf(text, "%s    no flag enabled before or "
			    "after", in);
			cmd_newline(text);
		}
	}
	cmd_printf(text, "%s  afterwards the role runs %s%s", in,
	    plan->builds_after, plan->mixed ? ": MORE THAN ONE BUILD" : "");
	cmd_newline(text);
	for (i = 0; i < plan->nproblems; i++) {
		cmd_printf(text, "%s  REFUSED: %s", in,
		    plan->problems[i].text);
		cmd_newline(text);
	}
	if (plan->safe) {
		cmd_printf(text, "%s  safe: no flag would enable retired "
		    "code, and each flag means one code on the targets", in);
		cmd_newline(text);
	}
}

/* The plan as lines; see cmd-doc.h. */
char *
cmd_plan_text(const struct proto_plan *plan, const char *indent)
{
	struct cmd_text	text;

	memset(&text, 0, sizeof text);
	cmd_plan_lines(&text, plan, indent);
	return (text.s != NULL ? text.s : xstrdup(""));
}

/*
 * The plan of a rollback or flag change under review, as it is now; any
 * other command's arguments as they were signed.
 */
static void
cmd_review_plan(struct cmd_text *text, const struct fleet *fleet,
    const struct proto_command *cmd)
{
	struct proto_plan_request	 req;
	struct proto_plan		*plan;
	const char			*nodes[PROTO_MAX_TARGETS];
	char				 why[PROTO_TEXT_MAX];
	size_t				 i;

	if (!proto_plan_applies(cmd->action)) {
		/* move-root's destination, an arm-kill's window. */
		for (i = 0; i < cmd->nargs; i++) {
			cmd_printf(text, "  %s %s = %s", i == 0 ?
			    "arguments:" : "          ", cmd->args[i].name,
			    cmd->args[i].value);
			cmd_newline(text);
		}
		return;
	}
	if (proto_plan_request_parse(cmd, &req, why, sizeof why) != 0) {
		cmd_printf(text, "  plan:      none: %s", why);
		cmd_newline(text);
		return;
	}
	for (i = 0; i < cmd->ntargets; i++)
		nodes[i] = cmd->targets[i].node;
	plan = cmd_plan(fleet, &req, nodes, cmd->ntargets);
	cmd_plan_lines(text, plan, "  ");
	free(plan);
}

/*
 * The command part of a review: the action and what it does, each
 * target with the build and state the proposer saw (and what the node
 * shows now when that differs), the plan or arguments, the reason, the
 * proposer and when it was made.
 */
static void
cmd_review_command(struct cmd_text *text, const struct fleet *fleet,
    const struct proto_command *cmd)
{
	const struct command_spec		*spec;
	const struct proto_command_target	*t;
	const struct node			*node;
	struct proto_command_target		 now;
	char					 when[16];
	size_t					 i;

	spec = command_spec_find(cmd->action);
	cmd_printf(text, "  action:    %s%s%s%s", cmd->action,
	    spec != NULL ? " (" : "", spec != NULL ? spec->summary : "",
	    spec != NULL ? ")" : "");
	cmd_newline(text);
	for (i = 0; i < cmd->ntargets; i++) {
		t = &cmd->targets[i];
		cmd_printf(text, "  %s %s, build %s, %s", i == 0 ?
		    "targets:  " : "          ", t->node, t->build, t->state);
		node = fleet_find_const(fleet, t->node);
		if (node == NULL || !node->has_hello)
			cmd_printf(text, " (not heard from here)");
		else {
			cmd_target_seen(node, &now);
			if (!command_target_matches(t, now.build,
			    cmd_node_state(node)))
				cmd_printf(text, " (NOW build %s, %s: it "
				    "will refuse)", now.build, now.state);
		}
		cmd_newline(text);
	}
	cmd_review_plan(text, fleet, cmd);
	cmd_printf(text, "  reason:    %s", cmd->reason);
	cmd_newline(text);
	cmd_printf(text, "  proposer:  %s", cmd->proposer);
	cmd_newline(text);
	util_clock_text(cmd->created_ms, when, sizeof when);
	cmd_printf(text, "  created:   %s UTC", when);
	cmd_newline(text);
}

/*
 * The document part of a review: what the signature covers, the
 * document's SHA-256 and the document whole, every byte escaped.
 */
static void
cmd_review_document(struct cmd_text *text, const char *document)
{
	char	sha256[65];

	/*
	 * What is signed is a statement naming these bytes by their
	 * SHA-256 (proto_statement): the hash is of the very bytes shown
	 * below, and two operators can compare it by voice.
	 */
	opkey_sha256_hex(document, strlen(document), sha256);
	cmd_printf(text, "  signature: covers the document below through "
	    "its SHA-256 (\"vigil command v2\"); compare the hash with the "
	    "other operator's");
	cmd_newline(text);
	cmd_printf(text, "  sha256:    %s", sha256);
	cmd_newline(text);
	cmd_printf(text, "  document (the exact bytes, signed through their "
	    "SHA-256):");
	cmd_newline(text);
	cmd_append(text, xstrdup("  "));
	cmd_append(text, util_escape_json(document));
	cmd_newline(text);
}

/* The review a second operator reads before signing. */
char *
cmd_review_text(const struct fleet *fleet, const struct fleet_proposal *p,
    int64_t wall_ms)
{
	const struct node		*node;
	const struct fleet_held		*h;
	struct cmd_text			 text;
	char				 when[16], left[32];
	size_t				 i;

	memset(&text, 0, sizeof text);
	cmd_printf(&text, "proposal %s", p->id);
	cmd_newline(&text);
	if (p->decoded)
		cmd_review_command(&text, fleet, &p->cmd);
	util_clock_text(p->expires_ms, when, sizeof when);
	if (p->expires_ms > wall_ms)
		cmd_printf(&text, "  expires:   %s UTC, in %s", when,
		    util_duration_text(p->expires_ms - wall_ms, left,
		    sizeof left));
	else
		cmd_printf(&text, "  expires:   %s UTC, already past", when);
	cmd_newline(&text);
	cmd_printf(&text, "  signed by:");
	for (i = 0; i < p->nsigs; i++)
		cmd_printf(&text, "%s %s", i == 0 ? "" : ",",
		    p->sigs[i].operator);
	if (p->nsigs == 0)
		cmd_printf(&text, " nobody yet");
	cmd_newline(&text);
	cmd_printf(&text, "  held by:  ");
	for (i = 0; i < p->nnodes; i++) {
		node = &fleet->nodes[p->nodes[i]];
		h = fleet_node_held(node, p->id);
		cmd_printf(&text, "%s %s (%s)", i == 0 ? "" : ",", node->id,
		    h != NULL ? proto_status_name(h->p.status) : "?");
	}
	cmd_newline(&text);
	if (p->problem[0] != '\0') {
		cmd_printf(&text, "  PROBLEM:   %s", p->problem);
		cmd_newline(&text);
	}
	cmd_review_document(&text, p->document);
	return (text.s);
}

/* The review a proposer reads before signing their own document. */
char *
cmd_draft_text(const struct fleet *fleet, const struct proto_command *cmd,
    const char *document)
{
	struct cmd_text	text;
	char		when[16], left[32];

	memset(&text, 0, sizeof text);
	cmd_printf(&text, "proposal %s (not signed, not sent)", cmd->id);
	cmd_newline(&text);
	cmd_review_command(&text, fleet, cmd);
	/* Said from the document alone: the text stays while it shows. */
	util_clock_text(cmd->expires_ms, when, sizeof when);
	cmd_printf(&text, "  expires:   %s UTC, %s after it was made", when,
	    util_duration_text(cmd->expires_ms - cmd->created_ms, left,
	    sizeof left));
	cmd_newline(&text);
	cmd_review_document(&text, document);
	return (text.s);
}
