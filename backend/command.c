/*
 * command.c: the two-person rule, as each backend node enforces it (see
 * command.h).
 *
 * The actions are a const table, so the rule is data.  An engine holds
 * one node's pending commands and the ids it has executed, and checks
 * every proposal, approval and cancellation against the document's own
 * bytes, the node's trust file and the node's state now.  Nothing is
 * held, approved, cancelled or executed before its audit line is written
 * and synced; a refusal is written too, and said as a sentence naming
 * what was wrong and what to do.  The table is in the protocol library
 * (proto-command.c), so that vigil reads it without the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "command.h"
#include "opkey.h"
#include "proto.h"
#include "proto-command.h"
#include "proto-plan.h"
#include "util.h"

#define COMMAND_WHY_MAX		PROTO_TEXT_MAX

struct command_engine {
	char				 node[PROTO_ID_MAX];
	enum proto_role			 role;
	const struct opkey_trust	*trust;
	struct audit			*audit;
	struct command_pending		*pending[COMMAND_MAX_PENDING];
	size_t				 npending;
	/* Commands that left the pending table: freed at the next change. */
	struct command_pending		*done[COMMAND_MAX_PENDING + 1];
	size_t				 ndone;
	/* Every id seen here, an open-addressed table never forgotten. */
	struct command_seen		*seen;
	size_t				 nseen;
	size_t				 seencap;	/* a power of two */
	/* Free bytes below which new proposals are refused. */
	uint64_t			 reserve;
	/* The armed kill, its window's end, and the one that just ended. */
	struct command_pending		*armed;
	int64_t				 armed_until_ms;
	struct command_pending		*ended;
	/* The last armed kill that ended, for the fire that comes late. */
	char				 last_id[PROTO_CMDID_MAX];
	enum proto_status		 last_status;
	int64_t				 last_until_ms;
	/* Executions wait for the server's group sync (command_durable). */
	int				 group;
};

/*
 * An id this node has seen, and what became of it: executed, cancelled,
 * expired or refused, or pending when all the log says is that it was
 * proposed (before vigild restarted).
 */
struct command_seen {
	char			id[PROTO_CMDID_MAX];
	enum proto_status	fate;
};

/* What one audit line is about. */
struct command_event {
	const char	*event;		/* "propose", ... */
	const char	*id;
	const char	*action;
	const char	*operator;
	const char	*document;
	const char	*sha256;	/* of the document; NULL: compute */
	int		 verified;	/* operator's signature checked */
	int		 unsynced;	/* synced with the next line */
};

static void	 command_log_lapse(struct command_engine *, int64_t,
		    const struct command_pending *, const char *);
static void	 command_pending_free(struct command_pending *);
static void	 command_forget_done(struct command_engine *);
static void	 command_retire(struct command_engine *, size_t,
		    enum proto_status);
static struct command_pending *command_find(struct command_engine *,
		    const char *, size_t *);
static const enum proto_status *command_fate(const struct command_engine *,
		    const char *);
static const char *command_fate_text(enum proto_status);
static void	 command_not_pending(const struct command_engine *,
		    const char *, char *, size_t);
static void	 command_remember(struct command_engine *, const char *,
		    enum proto_status, int);
static void	 command_recall(struct command_engine *);
static void	 command_recall_entry(struct command_engine *,
		    const struct audit_mark *);
static int	 command_low_on_space(const struct command_engine *,
		    uint64_t *);
static int	 command_log(struct command_engine *, int64_t,
		    const struct command_event *, const char *, char **);
static int	 command_refuse(struct command_engine *, int64_t,
		    const struct command_event *, const char *, const char *,
		    char *, size_t);
static int	 command_log_or_refuse(struct command_engine *, int64_t,
		    const struct command_event *, const char *,
		    const char *const *, char *, size_t);
static int	 command_check_signer(const struct command_engine *,
		    const struct command_sigcheck *,
		    const struct proto_signature *, const void *, size_t,
		    int, const char *, const struct opkey_trusted **, char *,
		    size_t);
static void	 command_old_scheme_text(const struct command_engine *,
		    const struct proto_signature *, char *, size_t);
static int	 command_check_time(const struct proto_command *, int64_t,
		    char *, size_t);
static int	 command_check_text(const struct proto_command *, char *,
		    size_t);
static int	 command_check_state(const struct command_engine *,
		    const struct command_pending *,
		    const struct command_node_state *, char *, size_t);
static int	 command_check_proposal(struct command_engine *,
		    const char *, const struct proto_signature *,
		    const struct command_node_state *, int64_t,
		    struct command_pending *, int *, char *, size_t);
static int	 command_check_signers(const struct command_engine *,
		    const struct proto_command *, const char *,
		    const struct proto_signature *, size_t, int *, char *,
		    size_t);
static int	 command_check_new(struct command_engine *,
		    const struct proto_command *, char *, size_t);
static int	 command_check_room(const struct command_engine *,
		    const struct proto_command *,
		    const struct command_node_state *, int64_t, char *, size_t);
static int	 command_begin(struct command_engine *, int64_t,
		    const struct command_event *, const char *, char *, size_t);
static int	 command_executed(struct command_engine *,
		    struct command_pending *, size_t, int64_t,
		    const struct command_pending **);
static void	 command_syncing_text(const struct command_engine *,
		    const struct command_pending *, char *, size_t);
static int	 command_approve_event(struct command_engine *,
		    const struct command_event *,
		    const struct command_sigcheck *,
		    const struct proto_signature *,
		    const struct command_node_state *, int64_t,
		    const struct command_pending **, char *, size_t);
static int	 command_check_approver(const struct command_engine *,
		    const struct command_pending *,
		    const struct proto_signature *,
		    const struct command_sigcheck *, struct command_event *,
		    char *, size_t);
static int	 command_check_bytes(const struct command_pending *,
		    const char *, const char *, char *, size_t);
static const struct proto_command_target *command_target(
		    const struct command_engine *,
		    const struct proto_command *);
static void	 command_targets_text(const struct proto_command *, char *,
		    size_t);
static void	 command_signers_text(const struct command_pending *, char *,
		    size_t);
static const char *command_roles_text(int);

static int	 command_plan_preflight(const char *,
		    const struct proto_command *,
		    const struct command_node_state *, char *, size_t);
static int	 command_arm_preflight(const char *,
		    const struct proto_command *,
		    const struct command_node_state *, char *, size_t);
static int	 command_disarm_preflight(const char *,
		    const struct proto_command *,
		    const struct command_node_state *, char *, size_t);
static int64_t	 command_window(const struct proto_command *);
static int	 command_preflight(const struct command_engine *,
		    const struct proto_command *,
		    const struct command_node_state *, char *, size_t);
static void	 command_end_armed(struct command_engine *,
		    enum proto_status);

/*
 * The actions whose document the engine checks against the node's facts
 * before holding or executing it, and how.
 */
static const struct command_check {
	const char	*action;
	int		(*check)(const char *, const struct proto_command *,
			    const struct command_node_state *, char *,
			    size_t);
} command_checks[] = {
	{ "rollback", command_plan_preflight },
	{ "flag", command_plan_preflight },
	{ "arm-kill", command_arm_preflight },
	{ "disarm", command_disarm_preflight },
};

/*
 * Run the check of cmd's action, if it has one, with the engine's armed
 * kill in view.  Returns 0, or -1 and why.
 */
static int
command_preflight(const struct command_engine *engine,
    const struct proto_command *cmd, const struct command_node_state *now,
    char *why, size_t whylen)
{
	struct command_node_state	here = *now;
	size_t				i;

	here.armed_id = engine->armed != NULL ? engine->armed->cmd.id : "";
	for (i = 0; i < nitems(command_checks); i++) {
		if (strcmp(command_checks[i].action, cmd->action) == 0)
			return (command_checks[i].check(engine->node, cmd,
			    &here, why, whylen));
	}
	return (0);
}

/*
 * A rollback or flag change: refuse what its plan refuses, judged on the
 * facts of the targets this backend serves (this node's among them), in
 * the very words vigil plan prints.
 */
static int
command_plan_preflight(const char *node, const struct proto_command *cmd,
    const struct command_node_state *now, char *why, size_t whylen)
{
	struct proto_plan_request	 req;
	struct proto_plan		*plan;
	const char			*targets[PROTO_MAX_TARGETS];
	const char			*problem;
	size_t				 i;
	int				 known = 0;

	if (proto_plan_request_parse(cmd, &req, why, whylen) != 0)
		return (-1);
	for (i = 0; i < now->nfleet; i++) {
		if (now->fleet[i] != NULL &&
		    strcmp(now->fleet[i]->node, node) == 0)
			known = 1;
	}
	if (!known) {
		util_format(why, whylen, "%s cannot tell what %s would run "
		    "afterwards, since its backend gave the rule engine no "
		    "facts about it; this is a bug in the backend", node,
		    cmd->action);
		return (-1);
	}
	for (i = 0; i < cmd->ntargets; i++)
		targets[i] = cmd->targets[i].node;
	plan = xmalloc(sizeof *plan);
	proto_plan_make(&req, targets, cmd->ntargets, now->fleet,
	    now->nfleet, 0, plan);
	if ((problem = proto_plan_problem(plan, node)) != NULL)
		util_copy(why, whylen, problem);
	free(plan);
	return (problem != NULL ? -1 : 0);
}

/* The window of arm-kill cmd in ms, or -1. */
static int64_t
command_window(const struct proto_command *cmd)
{
	int64_t	ms;
	size_t	i;

	for (i = 0; i < cmd->nargs; i++) {
		if (strcmp(cmd->args[i].name, "window") == 0 &&
		    command_window_parse(cmd->args[i].value, &ms) == 0)
			return (ms);
	}
	return (-1);
}

/* An arm-kill needs its window, and nothing armed already. */
static int
command_arm_preflight(const char *node, const struct proto_command *cmd,
    const struct command_node_state *now, char *why, size_t whylen)
{
	char	max[32];

	if (now->armed_id != NULL && now->armed_id[0] != '\0') {
		util_format(why, whylen, "%s is already armed by command %s; "
		    "disarm that one first, or let its window close", node,
		    now->armed_id);
		return (-1);
	}
	if (cmd->nargs != 1 || command_window(cmd) < 0) {
		util_format(why, whylen, "arm-kill takes one argument, window, "
		    "a time such as 30m, 90s or 2h of at most %s; propose it "
		    "with vigil propose arm-kill NODE... --window 30m",
		    util_duration_text(COMMAND_MAX_WINDOW_MS, max,
		    sizeof max));
		return (-1);
	}
	return (0);
}

/* A disarm needs something armed. */
static int
command_disarm_preflight(const char *node, const struct proto_command *cmd,
    const struct command_node_state *now, char *why, size_t whylen)
{
	if (cmd->nargs != 0) {
		util_format(why, whylen, "disarm takes no arguments; propose "
		    "it with vigil propose disarm NODE...");
		return (-1);
	}
	if (now->armed_id == NULL || now->armed_id[0] == '\0') {
		util_format(why, whylen, "%s holds no armed kill, so there is "
		    "nothing to disarm; vigil pending lists what is armed",
		    node);
		return (-1);
	}
	return (0);
}

/* A new engine for node; see command.h. */
struct command_engine *
command_engine_new(const char *node, const struct opkey_trust *trust,
    struct audit *audit)
{
	struct command_engine	*engine;
	char			 kind[PROTO_ID_MAX];
	const char		*slash;

	engine = xcalloc(1, sizeof *engine);
	util_copy(engine->node, sizeof engine->node, node);
	engine->trust = trust;
	engine->audit = audit;
	engine->seencap = 256;
	engine->seen = xcalloc(engine->seencap, sizeof *engine->seen);
	engine->reserve = COMMAND_DEFAULT_RESERVE;
	engine->role = ROLE_NONE;
	if ((slash = strchr(node, '/')) != NULL) {
		util_format(kind, sizeof kind, "%.*s", (int)(slash - node),
		    node);
		if (proto_role_parse(kind, &engine->role) != 0)
			engine->role = ROLE_NONE;
	}
	if (audit != NULL)
		command_recall(engine);
	return (engine);
}

/*
 * Learn from the audit log every id this node saw before it (re)started,
 * so that a restart does not reopen them to replay: the signed frames of
 * a command are valid until it expires, and whoever saw them on the wire
 * (every console of the node sees a proposal) could send them again.
 * The log gathered them when it was opened and checked, in one pass.
 */
static void
command_recall(struct command_engine *engine)
{
	const struct audit_mark	*marks;
	size_t			 i, n;

	n = audit_marks(engine->audit, &marks);
	for (i = 0; i < n; i++)
		command_recall_entry(engine, &marks[i]);
}

/*
 * Remember the id of one line of the log: a command proposed, approved,
 * executed, cancelled or expired here, or one refused although its
 * operator's signature verified.  A refusal of an unproven claim is not
 * remembered: whoever sent it cannot make a valid proposal of that id.
 */
static void
command_recall_entry(struct command_engine *engine,
    const struct audit_mark *e)
{
	static const struct {
		const char		*event;
		enum proto_status	 fate;
	} fates[] = {
		{ "propose", STATUS_PENDING },
		{ "approve", STATUS_PENDING },
		{ "execute", STATUS_EXECUTED },
		{ "cancel", STATUS_CANCELLED },
		{ "expire", STATUS_EXPIRED },
	};
	size_t	i;

	if (e->id[0] == '\0' || strcmp(e->node, engine->node) != 0)
		return;
	if (strcmp(e->event, "refuse") == 0) {
		if (e->verified)
			command_remember(engine, e->id, STATUS_REFUSED, 0);
		return;
	}
	for (i = 0; i < nitems(fates); i++) {
		if (strcmp(e->event, fates[i].event) == 0)
			command_remember(engine, e->id, fates[i].fate,
			    strcmp(e->event, "approve") != 0);
	}
}

/* Keep new proposals out when fewer than bytes are free for the log. */
void
command_engine_reserve(struct command_engine *engine, uint64_t bytes)
{
	engine->reserve = bytes;
}

/* Executions wait for the server's group sync; see command.h. */
void
command_engine_group(struct command_engine *engine, int on)
{
	engine->group = on;
}

/*
 * Whether the log's filesystem has less room than the reserve; *avail
 * gets what it has.  A filesystem that cannot be asked counts as roomy:
 * a write that then fails is refused all the same.
 */
static int
command_low_on_space(const struct command_engine *engine, uint64_t *avail)
{
	if (engine->audit == NULL || audit_space(engine->audit, avail) != 0)
		return (0);
	return (*avail < engine->reserve);
}

/* Free an engine and every command it holds; NULL is allowed. */
void
command_engine_free(struct command_engine *engine)
{
	size_t	i;

	if (engine == NULL)
		return;
	command_forget_done(engine);
	for (i = 0; i < engine->npending; i++)
		command_pending_free(engine->pending[i]);
	command_pending_free(engine->armed);
	free(engine->seen);
	free(engine);
}

/* Free the commands handed out by the last change. */
static void
command_forget_done(struct command_engine *engine)
{
	size_t	i;

	engine->ended = NULL;
	for (i = 0; i < engine->ndone; i++)
		command_pending_free(engine->done[i]);
	engine->ndone = 0;
}

/* Free a held command, its decoded targets and its text. */
static void
command_pending_free(struct command_pending *p)
{
	if (p == NULL)
		return;
	proto_command_clear(&p->cmd);
	free(p->text);
	free(p);
}

/* Move pending command i to the done list with its final status. */
static void
command_retire(struct command_engine *engine, size_t i,
    enum proto_status status)
{
	struct command_pending	*p = engine->pending[i];

	p->status = status;
	engine->done[engine->ndone++] = p;
	engine->pending[i] = engine->pending[--engine->npending];
	engine->pending[engine->npending] = NULL;
}

/* The pending command id, or NULL; its index in *index. */
static struct command_pending *
command_find(struct command_engine *engine, const char *id, size_t *index)
{
	size_t	i;

	for (i = 0; i < engine->npending; i++) {
		if (strcmp(engine->pending[i]->cmd.id, id) == 0) {
			*index = i;
			return (engine->pending[i]);
		}
	}
	return (NULL);
}

/* FNV-1a of id: where in the seen table its search starts. */
static size_t
command_seen_hash(const char *id)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return ((size_t)h);
}

/* The slot of id in the seen table: its own, or the empty one for it. */
static struct command_seen *
command_seen_slot(const struct command_engine *engine, const char *id)
{
	size_t	i, mask = engine->seencap - 1;

	i = command_seen_hash(id) & mask;
	while (engine->seen[i].id[0] != '\0' &&
	    strcmp(engine->seen[i].id, id) != 0)
		i = (i + 1) & mask;
	return (&engine->seen[i]);
}

/* What a fate says in a sentence: "was cancelled". */
static const char *
command_fate_text(enum proto_status fate)
{
	switch (fate) {
	case STATUS_PENDING:
		return ("was proposed before vigild restarted");
	case STATUS_CANCELLED:
		return ("was cancelled");
	case STATUS_EXPIRED:
		return ("expired");
	case STATUS_EXECUTED:
	case STATUS_ARMED:
	case STATUS_FIRED:
	case STATUS_DISARMED:
		return ("was executed");
	case STATUS_REFUSED:
		break;
	}
	return ("was refused");
}

/* What became of id on this node, or NULL if unseen. */
static const enum proto_status *
command_fate(const struct command_engine *engine, const char *id)
{
	const struct command_seen	*s;

	if (id[0] == '\0')
		return (NULL);
	s = command_seen_slot(engine, id);
	return (s->id[0] != '\0' ? &s->fate : NULL);
}

/*
 * Remember id with its fate; an id already seen keeps its old fate
 * unless overwrite.  The table doubles at half full, so a search stays
 * short however many commands the log holds.
 */
static void
command_remember(struct command_engine *engine, const char *id,
    enum proto_status fate, int overwrite)
{
	struct command_seen	*old, *s;
	size_t			 i, oldcap;

	if (id[0] == '\0')
		return;
	if (2 * (engine->nseen + 1) > engine->seencap) {
		old = engine->seen;
		oldcap = engine->seencap;
		engine->seencap *= 2;
		engine->seen = xcalloc(engine->seencap, sizeof *engine->seen);
		for (i = 0; i < oldcap; i++) {
			if (old[i].id[0] != '\0')
				*command_seen_slot(engine, old[i].id) = old[i];
		}
		free(old);
	}
	s = command_seen_slot(engine, id);
	if (s->id[0] == '\0') {
		util_copy(s->id, sizeof s->id, id);
		engine->nseen++;
	} else if (!overwrite)
		return;
	s->fate = fate;
}

/*
 * Append one line about ev to the audit log, text being what happened in
 * words.  Returns 0, or -1 and the log's own sentence in *cause.
 */
static int
command_log(struct command_engine *engine, int64_t now_ms,
    const struct command_event *ev, const char *text, char **cause)
{
	struct proto_audit_entry	*e;
	int				 rc;

	e = proto_audit_new();
	e->time_ms = now_ms;
	util_copy(e->node, sizeof e->node, engine->node);
	util_copy(e->event, sizeof e->event, ev->event);
	util_copy(e->id, sizeof e->id, ev->id != NULL ? ev->id : "");
	util_copy(e->action, sizeof e->action,
	    ev->action != NULL ? ev->action : "");
	util_copy(e->operator, sizeof e->operator,
	    ev->operator != NULL ? ev->operator : "");
	util_copy(e->text, sizeof e->text, text);
	/*
	 * The document is written once, on the line that brings it here
	 * (a proposal, or a witnessed execution); later lines about the
	 * command (ev->sha256 set) name it by its hash, since a kill of
	 * 1,000 routers would otherwise write and sync its 190 KB twice
	 * more per router.  A refusal keeps only the hash too: a large
	 * document per forged proposal would let anyone fill the disk.
	 */
	if (ev->sha256 != NULL)
		util_copy(e->sha256, sizeof e->sha256, ev->sha256);
	else if (ev->document != NULL && ev->document[0] != '\0') {
		opkey_sha256_hex(ev->document, strlen(ev->document),
		    e->sha256);
		if (strcmp(ev->event, "refuse") != 0)
			util_copy(e->document, sizeof e->document,
			    ev->document);
	}
	e->verified = ev->verified;
	if (ev->unsynced)
		rc = audit_append_unsynced(engine->audit, e, cause);
	else
		rc = audit_append(engine->audit, e, cause);
	proto_audit_free(e);
	return (rc);
}

/*
 * Refuse: cause becomes "NODE refused the WHAT: WHY", and that sentence
 * is written to the audit log as a compact refusal (the document's hash,
 * the operator as claimed or verified).  When the log's filesystem is
 * below its reserve, a refusal whose operator was not proven is not
 * written, so that forged traffic cannot take the room kept for
 * approvals.  If the refusal is not written, the sentence says so.
 * Returns -1.
 */
static int
command_refuse(struct command_engine *engine, int64_t now_ms,
    const struct command_event *ev, const char *what, const char *why,
    char *cause, size_t causelen)
{
	struct command_event	 refusal = *ev;
	char			*logcause = NULL;
	size_t			 n;
	uint64_t		 avail;

	util_format(cause, causelen, "%s refused the %s: %s", engine->node,
	    what, why);
	if (engine->audit == NULL)
		return (-1);
	if (!ev->verified && command_low_on_space(engine, &avail)) {
		n = strlen(cause);
		util_format(cause + n, causelen - n, " (not written to the "
		    "audit log, whose filesystem is nearly full: a refusal of "
		    "an unproven operator gives way to approvals)");
		return (-1);
	}
	refusal.event = "refuse";
	refusal.unsynced = 0;
	if (command_log(engine, now_ms, &refusal, cause, &logcause) != 0) {
		n = strlen(cause);
		util_format(cause + n, causelen - n, " (this refusal is not in "
		    "the audit log either: %s)", logcause);
		free(logcause);
	}
	return (-1);
}

/* What an execute line that could not be recorded means; see below. */
static const char *const command_execute_how[3] = {
	"the execution, and nothing runs unrecorded",
	"; the command is still pending", "approval"
};

/*
 * Record words about ev in the audit log, or refuse: nothing runs or is
 * held unrecorded.  how is { what the log failed to record ("the
 * approval, and nothing runs unrecorded"), what stands after ("; the
 * command is still pending", or ""), the refusal's noun ("approval") }.
 * Returns 0 once recorded, else command_refuse()'s -1 with its sentence.
 */
static int
command_log_or_refuse(struct command_engine *engine, int64_t now_ms,
    const struct command_event *ev, const char *words,
    const char *const *how, char *cause, size_t causelen)
{
	char	 why[COMMAND_WHY_MAX], *logcause = NULL;

	if (command_log(engine, now_ms, ev, words, &logcause) == 0)
		return (0);
	util_format(why, sizeof why, "its audit log could not record %s: "
	    "%s%s", how[0], logcause, how[1]);
	free(logcause);
	return (command_refuse(engine, now_ms, ev, how[2], why, cause,
	    causelen));
}

/*
 * Tell in why that sig was made by a vigil of the old scheme, which
 * signed the whole document rather than the statement of its SHA-256.
 */
static void
command_old_scheme_text(const struct command_engine *engine,
    const struct proto_signature *sig, char *why, size_t whylen)
{
	util_format(why, whylen, "the signature of %s was made under the old "
	    "scheme, over the whole document, and %s checks signatures over "
	    "the document's SHA-256 (\"vigil command v2\"); upgrade vigil on "
	    "%s's console to the release of this vigild (%s) and sign again",
	    sig->operator, engine->node, sig->operator, VIGIL_VERSION);
}

/*
 * Check that sig is a trusted operator's valid signature over len bytes
 * of msg (called what in sentences); with document, msg is a command's
 * statement (proto_statement) and sig must say it covers one.  Returns
 * 0 and the operator in *who, or -1 and why in why.
 */
static int
command_check_signer(const struct command_engine *engine,
    const struct command_sigcheck *checked, const struct proto_signature *sig,
    const void *msg, size_t len, int document, const char *what,
    const struct opkey_trusted **who, char *why, size_t whylen)
{
	const struct opkey_trusted	*t;
	char				*cause = NULL;
	const char			*said;
	int				 rc;

	if (engine->trust == NULL ||
	    (t = opkey_trust_find(engine->trust, sig->operator)) == NULL) {
		util_format(why, whylen, "operator %s is not in %s's trust "
		    "file; add their key's line (vigil-key pub) to it, or have "
		    "a trusted operator sign", sig->operator, engine->node);
		return (-1);
	}
	if (document && strcmp(sig->covers, PROTO_COVERS_SHA256) != 0) {
		command_old_scheme_text(engine, sig, why, whylen);
		return (-1);
	}
	/* Checked apart, of these very bytes with this key: its answer. */
	if (checked != NULL && checked->key == t->key &&
	    checked->len == len && memcmp(checked->text, msg, len) == 0 &&
	    strcmp(checked->signature, sig->signature) == 0)
		rc = checked->rc;
	else
		rc = opkey_verify(t->key, msg, len, sig->signature, &cause);
	if (rc == -1) {
		said = cause != NULL || checked == NULL ? cause :
		    checked->cause;
		util_format(why, whylen, "the signature of %s could not be "
		    "checked: %s; try again", sig->operator, said != NULL ?
		    said : "no reason given");
		free(cause);
		return (-1);
	}
	if (rc != 1) {
		util_format(why, whylen, "the signature of %s does not verify "
		    "with %s's key in %s's trust file: it was made with "
		    "another key or over other bytes; sign %s with %s's own "
		    "key",
		    sig->operator, sig->operator, engine->node, what,
		    sig->operator);
		return (-1);
	}
	*who = t;
	return (0);
}

/* Refuse a command past its expiry at now_ms, or open for too long. */
static int
command_check_time(const struct proto_command *cmd, int64_t now_ms,
    char *why, size_t whylen)
{
	char	at[16], ago[32], max[32], span[32];

	util_duration_text(COMMAND_MAX_TTL_MS, max, sizeof max);
	if (now_ms >= cmd->expires_ms) {
		util_format(why, whylen, "command %s expired at %s UTC, %s "
		    "ago; propose it again", cmd->id,
		    util_clock_text(cmd->expires_ms, at, sizeof at),
		    util_duration_text(now_ms - cmd->expires_ms, ago,
		    sizeof ago));
		return (-1);
	}
	if (cmd->expires_ms - cmd->created_ms > COMMAND_MAX_TTL_MS) {
		util_format(why, whylen, "command %s would stay open for %s, "
		    "and at most %s is allowed; propose it with a shorter "
		    "expiry", cmd->id, util_duration_text(cmd->expires_ms -
		    cmd->created_ms, span, sizeof span), max);
		return (-1);
	}
	if (cmd->expires_ms - now_ms > COMMAND_MAX_TTL_MS) {
		util_format(why, whylen, "command %s expires %s from now, and "
		    "at most %s is allowed; check the proposer's clock, then "
		    "propose it again", cmd->id, util_duration_text(
		    cmd->expires_ms - now_ms, span, sizeof span), max);
		return (-1);
	}
	return (0);
}

/* This node's entry among cmd's targets, or NULL. */
static const struct proto_command_target *
command_target(const struct command_engine *engine,
    const struct proto_command *cmd)
{
	size_t	i;

	for (i = 0; i < cmd->ntargets; i++) {
		if (strcmp(cmd->targets[i].node, engine->node) == 0)
			return (&cmd->targets[i]);
	}
	return (NULL);
}

/*
 * Refuse when this node's build or state is not what the proposer saw
 * of pending p, so an approval never acts on a fleet other than the one
 * reviewed.
 */
static int
command_check_state(const struct command_engine *engine,
    const struct command_pending *p, const struct command_node_state *now,
    char *why, size_t whylen)
{
	const struct proto_command_target	*t;

	if (p->target >= p->cmd.ntargets || strcmp((t =
	    &p->cmd.targets[p->target])->node, engine->node) != 0)
		fatal("%s: %s is not target %zu", __func__, engine->node,
		    p->target);
	if (command_target_matches(t, now->build, now->state))
		return (0);
	util_format(why, whylen, "%s's state changed since the proposal: it "
	    "was %s on build %s when proposed and is now %s on build %s; "
	    "propose again", engine->node, t->state[0] != '\0' ? t->state :
	    "in no state", t->build, proto_state_name(now->state),
	    now->build);
	return (-1);
}

/* "router/r8, router/r9", cut short with "..." when long. */
static void
command_targets_text(const struct proto_command *cmd, char *buf,
    size_t len)
{
	size_t	i, used;

	buf[0] = '\0';
	for (i = 0; i < cmd->ntargets; i++) {
		used = strlen(buf);
		if (used + strlen(cmd->targets[i].node) + 8 > len ||
		    used > 120) {
			util_format(buf + used, len - used, ", and %zu more",
			    cmd->ntargets - i);
			return;
		}
		util_format(buf + used, len - used, "%s%s", i == 0 ? "" : ", ",
		    cmd->targets[i].node);
	}
}

/* "alice and bob": who signed p. */
static void
command_signers_text(const struct command_pending *p, char *buf, size_t len)
{
	size_t	i, used;

	buf[0] = '\0';
	for (i = 0; i < p->nsigs; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s%s",
		    util_list_sep(i, p->nsigs, 0), p->sigs[i].operator);
	}
}

/* "routers", "stations" or "routers and stations". */
static const char *
command_roles_text(int roles)
{
	if (roles == (ROLE_ROUTER | ROLE_STATION))
		return ("routers and stations");
	if (roles == ROLE_STATION)
		return ("stations");
	return ("routers");
}

/*
 * Refuse a document whose text holds a control character: its reason,
 * action, builds and arguments reach other operators' terminals and the
 * audit log, where an escape sequence could rewrite what they read.
 * Returns 0, or -1 and why, naming the field.
 */
static int
command_check_text(const struct proto_command *cmd, char *why,
    size_t whylen)
{
	char	field[48];
	long	at = -1;
	size_t	i;

	if ((at = util_control_at(cmd->reason)) >= 0)
		util_copy(field, sizeof field, "reason");
	else if ((at = util_control_at(cmd->action)) >= 0)
		util_copy(field, sizeof field, "action");
	for (i = 0; at < 0 && i < cmd->ntargets; i++) {
		if ((at = util_control_at(cmd->targets[i].build)) >= 0)
			util_format(field, sizeof field, "targets[%zu].build",
			    i);
		else if ((at = util_control_at(cmd->targets[i].state)) >= 0)
			util_format(field, sizeof field, "targets[%zu].state",
			    i);
	}
	for (i = 0; at < 0 && i < cmd->nargs; i++) {
		if ((at = util_control_at(cmd->args[i].name)) >= 0 ||
		    (at = util_control_at(cmd->args[i].value)) >= 0)
			util_format(field, sizeof field, "args.%.32s",
			    cmd->args[i].name);
	}
	if (at < 0)
		return (0);
	util_format(why, whylen, "field %s holds a control character at "
	    "byte %ld, which could rewrite what operators read on their "
	    "terminals; write it as plain text, without escape sequences, "
	    "tabs or line breaks", field, at);
	return (-1);
}

/*
 * Refuse an id this node has seen in any way, and a new proposal when
 * the log's filesystem is below its reserve.  Returns 0, or -1 and why.
 */
static int
command_check_new(struct command_engine *engine,
    const struct proto_command *cmd, char *why, size_t whylen)
{
	const enum proto_status	*fate;
	size_t			 i;
	uint64_t		 avail;

	if (command_find(engine, cmd->id, &i) != NULL) {
		util_format(why, whylen, "command %s is already pending on "
		    "%s; approve it rather than propose it again", cmd->id,
		    engine->node);
		return (-1);
	}
	if ((fate = command_fate(engine, cmd->id)) != NULL) {
		if (*fate == STATUS_EXECUTED)
			util_format(why, whylen, "command %s was already "
			    "executed on %s; a command runs once: propose a "
			    "new one", cmd->id, engine->node);
		else
			util_format(why, whylen, "command %s %s on %s, and an "
			    "id is used once, so its signed frames cannot "
			    "bring it back; propose a new command", cmd->id,
			    command_fate_text(*fate), engine->node);
		return (-1);
	}
	if (command_low_on_space(engine, &avail)) {
		util_format(why, whylen, "the filesystem of its audit log %s "
		    "has %llu MB free, below the %llu MB kept so that "
		    "approvals and cancellations of pending commands can "
		    "still be recorded (--audit-reserve); free space there, "
		    "then propose again", audit_path(engine->audit),
		    (unsigned long long)(avail >> 20),
		    (unsigned long long)(engine->reserve >> 20));
		return (-1);
	}
	return (0);
}

/*
 * Room for new proposal cmd: no other pending for its action that could
 * still execute, and fewer than COMMAND_MAX_PENDING in all.  Returns 0,
 * or -1 and why.
 */
static int
command_check_room(const struct command_engine *engine,
    const struct proto_command *cmd, const struct command_node_state *now,
    int64_t now_ms, char *why, size_t whylen)
{
	const struct command_pending	*other;
	char				 busy[160], left[32];
	size_t				 i;

	/*
	 * One pending proposal per action and target.  One that has expired
	 * or no longer matches this node's state can never execute, so it
	 * blocks nothing; command_expire() clears it away.
	 */
	for (i = 0; i < engine->npending; i++) {
		other = engine->pending[i];
		if (strcmp(other->cmd.action, cmd->action) != 0 ||
		    other->cmd.expires_ms <= now_ms ||
		    command_check_state(engine, other, now, busy,
		    sizeof busy) != 0)
			continue;
		util_format(why, whylen, "%s is already pending for %s as "
		    "command %s, proposed by %s, expiring in %s; approve or "
		    "cancel that one, or wait until it expires", cmd->action,
		    engine->node, other->cmd.id, other->cmd.proposer,
		    util_duration_text(other->cmd.expires_ms - now_ms, left,
		    sizeof left));
		return (-1);
	}
	if (engine->npending == COMMAND_MAX_PENDING) {
		util_format(why, whylen, "%s already holds %d pending "
		    "commands, the most it keeps; approve, cancel or let some "
		    "expire first", engine->node, COMMAND_MAX_PENDING);
		return (-1);
	}
	return (0);
}

/*
 * Every check a proposal must pass, in the order an operator would fix
 * them; fills p on success, and *verified once the proposer's signature
 * is proven.  Returns 0, or -1 and why.
 */
static int
command_check_proposal(struct command_engine *engine, const char *text,
    const struct proto_signature *sig, const struct command_node_state *now,
    int64_t now_ms, struct command_pending *p, int *verified, char *why,
    size_t whylen)
{
	const struct proto_command	*cmd = &p->cmd;
	const struct proto_command_target *t;
	const struct command_spec	*spec;
	const struct opkey_trusted	*who;
	char				 list[160];
	size_t				 i, len = strlen(text);

	if (proto_command_decode(text, len, &p->cmd, why, whylen) != 0) {
		if (strstr(why, "; sign the text vigil produces") == NULL) {
			i = strlen(why);
			util_format(why + i, whylen - i, "; make the document "
			    "with vigil propose, which writes it correctly");
		}
		return (-1);
	}
	if (command_check_text(cmd, why, whylen) != 0)
		return (-1);
	if ((spec = command_spec_find(cmd->action)) == NULL) {
		command_spec_names(list, sizeof list, 0);
		util_format(why, whylen, "%s is not an action %s knows; it "
		    "knows %s", cmd->action, engine->node, list);
		return (-1);
	}
	/* Found once: 1,000 targets would be searched on each approval. */
	if ((t = command_target(engine, cmd)) == NULL) {
		command_targets_text(cmd, list, sizeof list);
		util_format(why, whylen, "%s is not among the targets of "
		    "command %s (%s); send it only to its targets",
		    engine->node, cmd->id, list);
		return (-1);
	}
	p->target = (size_t)(t - cmd->targets);
	if ((engine->role & spec->roles) == 0) {
		util_format(why, whylen, "%s applies to %s, and %s is not one; "
		    "propose it to %s only", spec->name,
		    command_roles_text(spec->roles), engine->node,
		    command_roles_text(spec->roles));
		return (-1);
	}
	if (strcmp(cmd->proposer, sig->operator) != 0) {
		util_format(why, whylen, "the document names %s as its "
		    "proposer, but %s signed it; the proposer signs first, and "
		    "a second operator approves", cmd->proposer,
		    sig->operator);
		return (-1);
	}
	/* Hashed here, over the bytes received: never a hash sent. */
	opkey_sha256_hex(text, len, p->sha256);
	proto_statement(p->sha256, p->statement, sizeof p->statement);
	if (command_check_signer(engine, NULL, sig, p->statement,
	    strlen(p->statement), 1, "the text vigil produces", &who, why,
	    whylen) != 0)
		return (-1);
	*verified = 1;
	if (command_check_time(cmd, now_ms, why, whylen) != 0)
		return (-1);
	if (command_check_new(engine, cmd, why, whylen) != 0)
		return (-1);
	if (command_check_state(engine, p, now, why, whylen) != 0)
		return (-1);
	if (!command_spec_allows(spec, now->state)) {
		util_format(why, whylen, "%s needs %s to be %s, and it is %s; "
		    "wait for it to be %s, or propose the action that fits its "
		    "state", spec->name, engine->node, spec->from_state,
		    proto_state_name(now->state), spec->from_state);
		return (-1);
	}
	if (command_preflight(engine, cmd, now, why, whylen) != 0)
		return (-1);
	if (command_check_room(engine, cmd, now, now_ms, why, whylen) != 0)
		return (-1);
	free(p->text);
	p->text = xstrdup(text);
	p->nsigs = 1;
	p->sigs[0] = *sig;
	p->status = STATUS_PENDING;
	p->proposed_ms = now_ms;
	return (0);
}

/*
 * The start of every operator's request (what: "proposal", ...): forget
 * what is done, and refuse when there is no audit log, since nothing runs
 * or changes unrecorded.  Returns 0, or -1 with the refusal in cause.
 */
static int
command_begin(struct command_engine *engine, int64_t now_ms,
    const struct command_event *ev, const char *what, char *cause,
    size_t causelen)
{
	command_forget_done(engine);
	if (engine->audit != NULL)
		return (0);
	return (command_refuse(engine, now_ms, ev, what,
	    strcmp(ev->event, "cancel") == 0 ? "it has no audit log, and "
	    "nothing changes unrecorded; start it with --audit FILE" : "it "
	    "has no audit log, and no command runs unrecorded; start it with "
	    "--audit FILE", cause, causelen));
}

/*
 * Is text (or, with text NULL, the document named by sha256) the very
 * bytes of pending p?  Returns 0, or -1 and why: the approver reviewed
 * another text.
 */
static int
command_check_bytes(const struct command_pending *p, const char *text,
    const char *sha256, char *why, size_t whylen)
{
	size_t	i, n, held;

	if (text == NULL) {
		if (strcmp(sha256, p->sha256) == 0)
			return (0);
		util_format(why, whylen, "the document approved (SHA-256 "
		    "%.16s...) is not the one proposed (SHA-256 %.16s...); "
		    "review the proposal as the backend holds it and approve "
		    "that", sha256, p->sha256);
		return (-1);
	}
	/* Not for a hash: the held copy is 190 KB in a kill of 1,000. */
	held = strlen(p->text);
	n = strlen(text);
	for (i = 0; i < n && i < held && text[i] == p->text[i]; i++)
		/* nothing */;
	if (i < n || i < held) {
		util_format(why, whylen, "the document approved differs "
		    "from the one proposed at byte %zu; review the proposal as "
		    "the backend holds it and approve that", i + 1);
		return (-1);
	}
	return (0);
}

/*
 * The approver's checks on pending p: the very bytes proposed (ev's
 * document, or its hash; else the approver reviewed another text),
 * signed by a trusted operator (ev->verified once proven) who has not
 * signed it yet and holds another key than those who have (the
 * signature maybe checked apart).  Returns 0, or -1 and why.
 */
static int
command_check_approver(const struct command_engine *engine,
    const struct command_pending *p, const struct proto_signature *sig,
    const struct command_sigcheck *checked, struct command_event *ev,
    char *why, size_t whylen)
{
	const struct opkey_trusted	*who, *earlier;
	size_t				 i;

	if (command_check_bytes(p, ev->document, ev->sha256, why,
	    whylen) != 0)
		return (-1);
	if (command_check_signer(engine, checked, sig, p->statement,
	    strlen(p->statement), 1, "the proposal as the backend holds it",
	    &who, why, whylen) != 0)
		return (-1);
	ev->verified = 1;
	for (i = 0; i < p->nsigs; i++) {
		if (strcmp(p->sigs[i].operator, sig->operator) == 0) {
			util_format(why, whylen, "operator %s already "
			    "signed this command; a second, different operator "
			    "must approve", sig->operator);
			return (-1);
		}
		earlier = opkey_trust_find(engine->trust, p->sigs[i].operator);
		if (earlier != NULL && opkey_same(earlier->key, who->key)) {
			util_format(why, whylen, "operators %s and %s "
			    "share one key; the rule needs two different "
			    "people with two different keys: give each their "
			    "own key in the trust file", p->sigs[i].operator,
			    sig->operator);
			return (-1);
		}
	}
	return (0);
}

/* A proposal; see command.h. */
int
command_propose(struct command_engine *engine, const char *text,
    const struct proto_signature *sig, const struct command_node_state *now,
    int64_t now_ms, const struct command_pending **out, char *cause,
    size_t causelen)
{
	struct command_pending	*p;
	struct command_event	 ev = { "propose", NULL, NULL, sig->operator,
				    text, NULL, 0, 0 };
	char			 why[COMMAND_WHY_MAX];
	char			 words[PROTO_TEXT_MAX];

	*out = NULL;
	if (command_begin(engine, now_ms, &ev, "proposal", cause,
	    causelen) != 0)
		return (-1);
	p = xcalloc(1, sizeof *p);
	if (command_check_proposal(engine, text, sig, now, now_ms, p,
	    &ev.verified, why, sizeof why) != 0) {
		if (p->cmd.id[0] != '\0' && p->cmd.action[0] != '\0') {
			ev.id = p->cmd.id;
			ev.action = p->cmd.action;
		}
		/* A proven operator's id is spent, even on a refusal. */
		if (ev.verified)
			command_remember(engine, p->cmd.id, STATUS_REFUSED,
			    0);
		command_refuse(engine, now_ms, &ev, "proposal", why, cause,
		    causelen);
		command_pending_free(p);
		return (-1);
	}
	ev.id = p->cmd.id;
	ev.action = p->cmd.action;
	util_format(words, sizeof words, "%s proposed %s; it waits for %d "
	    "more operator%s", sig->operator, p->cmd.action,
	    command_spec_find(p->cmd.action)->signers - 1,
	    command_spec_find(p->cmd.action)->signers == 2 ? "" : "s");
	if (command_log_or_refuse(engine, now_ms, &ev, words,
	    (const char *const[3]){
	    "it, and no command is held unrecorded", "", "proposal" },
	    cause, causelen) != 0) {
		command_pending_free(p);
		return (-1);
	}
	command_remember(engine, p->cmd.id, STATUS_PENDING, 1);
	engine->pending[engine->npending++] = p;
	*out = p;
	return (0);
}

/* Why id, approved, is not pending here: what became of it, if known. */
static void
command_not_pending(const struct command_engine *engine, const char *id,
    char *why, size_t whylen)
{
	const enum proto_status	*fate = command_fate(engine, id);

	if (fate != NULL && *fate == STATUS_EXECUTED)
		util_format(why, whylen, "command %s was already executed on "
		    "%s; a command runs once: propose a new one", id,
		    engine->node);
	else if (fate != NULL)
		util_format(why, whylen, "%s holds no pending command %s: it "
		    "%s; propose a new command", engine->node, id,
		    command_fate_text(*fate));
	else
		util_format(why, whylen, "%s holds no pending command %s: it "
		    "was never proposed here, or it was cancelled or has "
		    "expired; see vigil pending, or propose it again",
		    engine->node, id);
}

/* An approval; see command.h. */
int
command_approve(struct command_engine *engine, const char *id,
    const char *text, const struct proto_signature *sig,
    const struct command_node_state *now, int64_t now_ms,
    const struct command_pending **out, char *cause, size_t causelen)
{
	struct command_event	ev = { "approve", id, NULL, sig->operator,
				    text, NULL, 0, 0 };

	return (command_approve_event(engine, &ev, NULL, sig, now, now_ms,
	    out, cause, causelen));
}

/* An approve message, its document whole or named by hash; see command.h. */
int
command_approve_msg(struct command_engine *engine,
    const struct proto_approve *a, const struct command_node_state *now,
    int64_t now_ms, const struct command_pending **out, char *cause,
    size_t causelen)
{
	return (command_approve_checked(engine, a, NULL, now, now_ms, out,
	    cause, causelen));
}

/* The same, its signature maybe checked apart; see command.h. */
int
command_approve_checked(struct command_engine *engine,
    const struct proto_approve *a, const struct command_sigcheck *checked,
    const struct command_node_state *now, int64_t now_ms,
    const struct command_pending **out, char *cause, size_t causelen)
{
	struct command_event	ev = { "approve", a->id, NULL,
				    a->sig.operator, a->document,
				    a->document != NULL ? NULL : a->sha256,
				    0, 0 };

	return (command_approve_event(engine, &ev, checked, &a->sig, now,
	    now_ms, out, cause, causelen));
}

/*
 * Would approve message a, as things stand, come to its signature's
 * check?  See command.h.  The same checks as command_approve_event()'s
 * before it, in the same order, without their sentences or the log.
 */
int
command_approve_sigcheck(struct command_engine *engine,
    const struct proto_approve *a, struct command_sigcheck *check)
{
	const struct opkey_trusted	*t;
	struct command_pending		*p;
	char				 why[COMMAND_WHY_MAX];
	size_t				 index;

	memset(check, 0, sizeof *check);
	if (engine->audit == NULL ||
	    (p = command_find(engine, a->id, &index)) == NULL || p->syncing ||
	    command_check_bytes(p, a->document, a->sha256, why,
	    sizeof why) != 0 || engine->trust == NULL ||
	    (t = opkey_trust_find(engine->trust, a->sig.operator)) == NULL ||
	    strcmp(a->sig.covers, PROTO_COVERS_SHA256) != 0)
		return (0);
	check->key = t->key;
	check->text = p->statement;
	check->len = strlen(p->statement);
	check->signature = a->sig.signature;
	check->action = p->cmd.action;
	return (1);
}

/* Check a signature handed apart; see command.h. */
void
command_sigcheck_run(struct command_sigcheck *check)
{
	check->rc = opkey_verify(check->key, check->text, check->len,
	    check->signature, &check->cause);
}

/* Free what a check holds; see command.h. */
void
command_sigcheck_clear(struct command_sigcheck *check)
{
	free(check->cause);
	memset(check, 0, sizeof *check);
}

/*
 * An approval as event ev (its document whole, or named by sha256; its
 * signature maybe checked apart): the approver's checks, then the
 * approve line, and with enough signers the execute line.  Returns as
 * command_approve().
 */
static int
command_approve_event(struct command_engine *engine,
    const struct command_event *evp, const struct command_sigcheck *checked,
    const struct proto_signature *sig,
    const struct command_node_state *now, int64_t now_ms,
    const struct command_pending **out, char *cause, size_t causelen)
{
	const struct command_spec	*spec;
	struct command_pending		*p;
	struct command_event		 ev = *evp;
	const char			*id = ev.id;
	char				 why[COMMAND_WHY_MAX];
	char				 words[PROTO_TEXT_MAX], names[128];
	size_t				 index;

	*out = NULL;
	if (command_begin(engine, now_ms, &ev, "approval", cause,
	    causelen) != 0)
		return (-1);
	if ((p = command_find(engine, id, &index)) == NULL) {
		command_not_pending(engine, id, why, sizeof why);
		return (command_refuse(engine, now_ms, &ev, "approval", why,
		    cause, causelen));
	}
	ev.action = p->cmd.action;
	spec = command_spec_find(p->cmd.action);
	if (p->syncing) {
		command_syncing_text(engine, p, why, sizeof why);
		return (command_refuse(engine, now_ms, &ev, "approval", why,
		    cause, causelen));
	}
	if (command_check_approver(engine, p, sig, checked, &ev, why,
	    sizeof why) != 0)
		return (command_refuse(engine, now_ms, &ev, "approval", why,
		    cause, causelen));
	ev.document = NULL;	/* the proposal's line holds the bytes */
	ev.sha256 = p->sha256;
	if (command_check_time(&p->cmd, now_ms, why, sizeof why) != 0 ||
	    command_check_state(engine, p, now, why, sizeof why) != 0 ||
	    command_preflight(engine, &p->cmd, now, why, sizeof why) != 0)
		return (command_refuse(engine, now_ms, &ev, "approval", why,
		    cause, causelen));
	if (p->nsigs == PROTO_MAX_SIGNERS)
		fatal("%s: %s wants more than %d signers", __func__,
		    spec->name, PROTO_MAX_SIGNERS);

	util_format(words, sizeof words, "%s approved %s, proposed by %s",
	    sig->operator, p->cmd.action, p->cmd.proposer);
	/* An approval that executes is synced with its execute line. */
	ev.unsynced = (int)p->nsigs + 1 >= spec->signers;
	if (command_log_or_refuse(engine, now_ms, &ev, words,
	    (const char *const[3]){
	    "the approval, and nothing runs unrecorded", "", "approval" },
	    cause, causelen) != 0)
		return (-1);
	p->sigs[p->nsigs++] = *sig;
	if ((int)p->nsigs < spec->signers) {
		*out = p;
		return (0);
	}

	/* Enough signatures: the execution is on disk before it happens. */
	command_signers_text(p, names, sizeof names);
	util_format(words, sizeof words, "%s executes on %s, signed by %s",
	    p->cmd.action, engine->node, names);
	ev.event = "execute";
	/* move-root's sealed key goes to the approver, who must be there. */
	ev.unsynced = engine->group && strcmp(p->cmd.action, "move-root") != 0;
	if (command_log_or_refuse(engine, now_ms, &ev, words,
	    command_execute_how, cause, causelen) != 0) {
		p->nsigs--;
		return (-1);
	}
	if (ev.unsynced) {
		p->syncing = 1;
		*out = p;
		return (2);
	}
	return (command_executed(engine, p, index, now_ms, out));
}

/*
 * p (at index in the pending) executes, its execute line durable:
 * remember it, and arm or retire it.  Returns 1 with it in *out.
 */
static int
command_executed(struct command_engine *engine, struct command_pending *p,
    size_t index, int64_t now_ms, const struct command_pending **out)
{
	p->syncing = 0;
	command_remember(engine, p->cmd.id, STATUS_EXECUTED, 1);
	if (strcmp(p->cmd.action, "disarm") == 0)
		command_end_armed(engine, STATUS_DISARMED);
	if (strcmp(p->cmd.action, "arm-kill") == 0) {
		/* Armed: held apart from the pending, for its window. */
		p->status = STATUS_ARMED;
		engine->pending[index] = engine->pending[--engine->npending];
		engine->pending[engine->npending] = NULL;
		engine->armed = p;
		engine->armed_until_ms = now_ms + command_window(&p->cmd);
		p->cmd.expires_ms = engine->armed_until_ms;
	} else
		command_retire(engine, index, STATUS_EXECUTED);
	*out = p;
	return (1);
}

/* Tell in why that p waits for its execute line to reach the disk. */
static void
command_syncing_text(const struct command_engine *engine,
    const struct command_pending *p, char *why, size_t len)
{
	util_format(why, len, "%s %s is executing on %s: its execution is "
	    "being written to the audit log; its result follows at once",
	    p->cmd.action, p->cmd.id, engine->node);
}

/* The group sync of id's execute line ended; see command.h. */
int
command_durable(struct command_engine *engine, const char *id,
    const char *logcause, int64_t now_ms, const struct command_pending **out,
    char *cause, size_t causelen)
{
	struct command_pending	*p;
	struct command_event	 ev = { "approve", id, NULL, NULL, NULL, NULL,
				    1, 0 };
	char			 why[COMMAND_WHY_MAX];
	size_t			 index;

	*out = NULL;
	if ((p = command_find(engine, id, &index)) == NULL || !p->syncing)
		fatal("%s: %s holds no command %s waiting for its sync",
		    __func__, engine->node, id);
	if (logcause == NULL)
		return (command_executed(engine, p, index, now_ms, out));

	/* Its lines were cut off the log: the approval did not happen. */
	p->syncing = 0;
	p->nsigs--;
	ev.action = p->cmd.action;
	ev.operator = p->sigs[p->nsigs].operator;
	ev.sha256 = p->sha256;
	util_format(why, sizeof why, "its audit log could not record %s: "
	    "%s%s", command_execute_how[0], logcause, command_execute_how[1]);
	*out = p;
	return (command_refuse(engine, now_ms, &ev, command_execute_how[2],
	    why, cause, causelen));
}

/* The armed kill ends as status: it joins the done list. */
static void
command_end_armed(struct command_engine *engine, enum proto_status status)
{
	struct command_pending	*p = engine->armed;

	if (p == NULL)
		return;
	p->status = status;
	p->cmd.expires_ms = engine->armed_until_ms;
	util_copy(engine->last_id, sizeof engine->last_id, p->cmd.id);
	engine->last_status = status;
	engine->last_until_ms = engine->armed_until_ms;
	engine->done[engine->ndone++] = p;
	engine->armed = NULL;
	engine->ended = p;
}

/* The armed kill held; see command.h. */
const struct command_pending *
command_armed(const struct command_engine *engine, int64_t *until_ms)
{
	if (until_ms != NULL)
		*until_ms = engine->armed_until_ms;
	return (engine->armed);
}

/* The armed kill the last change ended; see command.h. */
const struct command_pending *
command_ended(const struct command_engine *engine)
{
	return (engine->ended);
}

/* One operator fires the armed kill; see command.h. */
int
command_fire(struct command_engine *engine, const char *id,
    const struct proto_signature *sig, int64_t now_ms, char *cause,
    size_t causelen)
{
	const struct opkey_trusted	*who;
	struct command_pending		*p = engine->armed;
	struct command_event		 ev = { "fire", id, "arm-kill",
					    sig->operator, NULL, NULL, 0, 0 };
	char				 why[COMMAND_WHY_MAX];
	char				 words[PROTO_TEXT_MAX], *bytes, at[16];
	char				 ago[32];
	int				 rc;

	command_forget_done(engine);
	if (engine->audit == NULL)
		return (command_refuse(engine, now_ms, &ev, "fire", "it has "
		    "no audit log, and nothing runs unrecorded; start it with "
		    "--audit FILE", cause, causelen));
	if ((p == NULL || strcmp(p->cmd.id, id) != 0) &&
	    (strcmp(engine->last_id, id) != 0 ||
	    engine->last_status != STATUS_EXPIRED)) {
		util_format(why, sizeof why, "%s holds no armed kill %s: it "
		    "was never armed here%s%s; arm it again with two "
		    "operators (vigil propose arm-kill)", engine->node, id,
		    strcmp(engine->last_id, id) == 0 ? ", or it was already " :
		    ", or it fired, was disarmed or its window closed",
		    strcmp(engine->last_id, id) == 0 ?
		    proto_status_name(engine->last_status) :
		    "");
		return (command_refuse(engine, now_ms, &ev, "fire", why,
		    cause, causelen));
	}
	if (p == NULL || strcmp(p->cmd.id, id) != 0 ||
	    now_ms >= engine->armed_until_ms) {
		if (p != NULL && strcmp(p->cmd.id, id) == 0)
			engine->last_until_ms = engine->armed_until_ms;
		util_format(why, sizeof why, "the window of armed kill %s "
		    "closed at %s UTC, %s ago; arm it again with two "
		    "operators, or propose a kill", id,
		    util_clock_text(engine->last_until_ms, at, sizeof at),
		    util_duration_text(now_ms - engine->last_until_ms, ago,
		    sizeof ago));
		return (command_refuse(engine, now_ms, &ev, "fire", why,
		    cause, causelen));
	}
	ev.sha256 = p->sha256;
	bytes = xasprintf("vigil.v1 fire %s", id);
	rc = command_check_signer(engine, NULL, sig, bytes, strlen(bytes), 0,
	    bytes, &who, why, sizeof why);
	free(bytes);
	if (rc != 0)
		return (command_refuse(engine, now_ms, &ev, "fire", why,
		    cause, causelen));
	ev.verified = 1;
	util_format(words, sizeof words, "%s fired the armed kill of %s, "
	    "armed by %s and %s", sig->operator, engine->node,
	    p->sigs[0].operator, p->sigs[p->nsigs - 1].operator);
	if (command_log_or_refuse(engine, now_ms, &ev, words,
	    (const char *const[3]){
	    "the fire, and nothing runs unrecorded", "", "fire" }, cause,
	    causelen) != 0)
		return (-1);
	command_end_armed(engine, STATUS_FIRED);
	return (1);
}

/* The node fired its armed kill on itself; see command.h. */
int
command_self_fire(struct command_engine *engine, int64_t now_ms,
    const char *why, const struct command_pending **out)
{
	struct command_pending	*p = engine->armed;
	struct command_event	 ev = { "fire", NULL, "arm-kill", "", NULL,
				    NULL, 1, 0 };
	char			 words[PROTO_TEXT_MAX], *logcause = NULL;

	command_forget_done(engine);
	*out = NULL;
	if (p == NULL || now_ms >= engine->armed_until_ms)
		return (0);
	ev.id = p->cmd.id;
	ev.sha256 = p->sha256;
	util_format(words, sizeof words, "%s fired its armed kill on itself: "
	    "%s", engine->node, why);
	if (engine->audit == NULL || command_log(engine, now_ms, &ev, words,
	    &logcause) != 0)
		free(logcause);	/* it has already stopped: record it late */
	command_end_armed(engine, STATUS_FIRED);
	*out = engine->ended;
	return (1);
}

/* The proposer withdraws id; see command.h. */
int
command_cancel(struct command_engine *engine, const char *id,
    const struct proto_signature *sig, int64_t now_ms, char *cause,
    size_t causelen)
{
	const struct opkey_trusted	*who;
	struct command_pending		*p;
	const enum proto_status		*fate;
	struct command_event		 ev = { "cancel", id, NULL,
					    sig->operator, NULL, NULL, 0, 0 };
	char				 why[COMMAND_WHY_MAX];
	char				 words[PROTO_TEXT_MAX], *bytes;
	size_t				 index;
	int				 rc;

	if (command_begin(engine, now_ms, &ev, "cancellation", cause,
	    causelen) != 0)
		return (-1);
	if ((p = command_find(engine, id, &index)) == NULL) {
		if ((fate = command_fate(engine, id)) != NULL &&
		    *fate == STATUS_EXECUTED)
			util_format(why, sizeof why, "command %s was already "
			    "executed on %s and can no longer be cancelled; "
			    "propose the action that undoes it", id,
			    engine->node);
		else
			util_format(why, sizeof why, "%s holds no pending "
			    "command %s: it was never proposed here, or it was "
			    "cancelled or has expired; see vigil pending",
			    engine->node, id);
		return (command_refuse(engine, now_ms, &ev, "cancellation",
		    why, cause, causelen));
	}
	ev.action = p->cmd.action;
	ev.sha256 = p->sha256;
	if (p->syncing) {
		command_syncing_text(engine, p, why, sizeof why);
		return (command_refuse(engine, now_ms, &ev, "cancellation",
		    why, cause, causelen));
	}
	if (strcmp(sig->operator, p->cmd.proposer) != 0) {
		util_format(why, sizeof why, "only %s, who proposed command "
		    "%s, may cancel it, and %s signed the cancellation; ask "
		    "%s, or let it expire", p->cmd.proposer, id, sig->operator,
		    p->cmd.proposer);
		return (command_refuse(engine, now_ms, &ev, "cancellation",
		    why, cause, causelen));
	}
	bytes = xasprintf("%s%s", PROTO_CANCEL_PREFIX, p->cmd.id);
	rc = command_check_signer(engine, NULL, sig, bytes, strlen(bytes), 0,
	    bytes, &who, why, sizeof why);
	free(bytes);
	if (rc != 0)
		return (command_refuse(engine, now_ms, &ev, "cancellation",
		    why, cause, causelen));
	ev.verified = 1;
	util_format(words, sizeof words, "%s cancelled %s", sig->operator,
	    p->cmd.action);
	if (command_log_or_refuse(engine, now_ms, &ev, words,
	    (const char *const[3]){
	    "the cancellation", "; the command is still pending",
	    "cancellation" }, cause, causelen) != 0)
		return (-1);
	command_remember(engine, p->cmd.id, STATUS_CANCELLED, 1);
	command_retire(engine, index, STATUS_CANCELLED);
	return (0);
}

/*
 * Log that p lapsed (an expiry, or an armed kill's window closing) in
 * words; a log that cannot take the line changes nothing here, as the
 * command could never run anyway.
 */
static void
command_log_lapse(struct command_engine *engine, int64_t now_ms,
    const struct command_pending *p, const char *words)
{
	struct command_event	 ev = { "expire", NULL, NULL, NULL, NULL, NULL,
				    1, 0 };
	char			*logcause = NULL;

	ev.id = p->cmd.id;
	ev.action = p->cmd.action;
	ev.operator = p->cmd.proposer;
	ev.sha256 = p->sha256;
	if (engine->audit == NULL || command_log(engine, now_ms, &ev, words,
	    &logcause) != 0)
		free(logcause);
}

/*
 * Expire what is past its time; out may be NULL.  An expiry is logged,
 * but cannot be refused: when the log fails, the command expires all the
 * same, since it could never execute anyway.
 */
size_t
command_expire(struct command_engine *engine, int64_t now_ms,
    const struct command_pending ***out)
{
	struct command_pending	*p;
	char			 words[PROTO_TEXT_MAX], at[16];
	size_t			 i = 0;

	command_forget_done(engine);
	while (i < engine->npending) {
		p = engine->pending[i];
		if (p->cmd.expires_ms > now_ms || p->syncing) {
			i++;
			continue;
		}
		util_format(words, sizeof words, "%s, proposed by %s, expired "
		    "at %s UTC with %zu of %d signatures", p->cmd.action,
		    p->cmd.proposer, util_clock_text(p->cmd.expires_ms, at,
		    sizeof at), p->nsigs,
		    command_spec_find(p->cmd.action)->signers);
		command_log_lapse(engine, now_ms, p, words);
		command_remember(engine, p->cmd.id, STATUS_EXPIRED, 1);
		command_retire(engine, i, STATUS_EXPIRED);
	}
	if (engine->armed != NULL && engine->armed_until_ms <= now_ms) {
		p = engine->armed;
		util_format(words, sizeof words, "the window of armed kill %s "
		    "closed at %s UTC without it firing", p->cmd.id,
		    util_clock_text(engine->armed_until_ms, at, sizeof at));
		command_log_lapse(engine, now_ms, p, words);
		command_end_armed(engine, STATUS_EXPIRED);
	}
	if (out != NULL)
		*out = (const struct command_pending **)engine->done;
	return (engine->ndone);
}

/* The pending commands; see command.h.  out may be NULL. */
size_t
command_pending(const struct command_engine *engine,
    const struct command_pending ***out)
{
	if (out != NULL)
		*out = (const struct command_pending **)engine->pending;
	return (engine->npending);
}

/* Fill a proposal message for p as node holds it. */
void
command_proposal_msg(const char *node, const struct command_pending *p,
    struct proto_proposal *msg)
{
	size_t	i;

	memset(msg, 0, sizeof *msg);
	util_copy(msg->node, sizeof msg->node, node);
	util_copy(msg->id, sizeof msg->id, p->cmd.id);
	msg->document = p->text;	/* borrowed: valid while p is */
	for (i = 0; i < p->nsigs && i < PROTO_MAX_SIGNERS; i++)
		msg->sigs[i] = p->sigs[i];
	msg->nsigs = i;
	msg->status = p->status;
	msg->expires_ms = p->cmd.expires_ms;
}

/*
 * Check that the n signatures sigs are by spec->signers or more
 * different trusted operators with different keys, the first being the
 * proposer, each over text.  Returns 0, or -1 and why; *verified is set
 * once one signature is proven.
 */
static int
command_check_signers(const struct command_engine *engine,
    const struct proto_command *cmd, const char *text,
    const struct proto_signature *sigs, size_t n, int *verified, char *why,
    size_t whylen)
{
	const struct command_spec	*spec = command_spec_find(cmd->action);
	const struct opkey_trusted	*who[PROTO_MAX_SIGNERS];
	char				 sha256[65];
	char				 statement[PROTO_STATEMENT_MAX];
	size_t				 i, k, len;

	if (spec == NULL || n < (size_t)spec->signers || n >
	    PROTO_MAX_SIGNERS) {
		util_format(why, whylen, "command %s carries %zu signature%s, "
		    "and %s needs %d by different operators", cmd->id, n,
		    n == 1 ? "" : "s", cmd->action,
		    spec == NULL ? 2 : spec->signers);
		return (-1);
	}
	if (strcmp(sigs[0].operator, cmd->proposer) != 0) {
		util_format(why, whylen, "command %s names %s as proposer, "
		    "but its first signature is by %s", cmd->id,
		    cmd->proposer, sigs[0].operator);
		return (-1);
	}
	opkey_sha256_hex(text, strlen(text), sha256);
	len = proto_statement(sha256, statement, sizeof statement);
	for (i = 0; i < n; i++) {
		if (command_check_signer(engine, NULL, &sigs[i], statement,
		    len, 1, "the command", &who[i], why, whylen) != 0)
			return (-1);
		*verified = 1;
		for (k = 0; k < i; k++) {
			if (strcmp(sigs[k].operator, sigs[i].operator) == 0 ||
			    opkey_same(who[k]->key, who[i]->key)) {
				util_format(why, whylen, "command %s is signed "
				    "twice by one operator or one key (%s and "
				    "%s); the rule needs two different people",
				    cmd->id, sigs[k].operator,
				    sigs[i].operator);
				return (-1);
			}
		}
	}
	return (0);
}

/* A command carried out elsewhere that acts on this node; command.h. */
int
command_witness(struct command_engine *engine, const char *text,
    const struct proto_signature *sigs, size_t nsigs, const char *words,
    int64_t now_ms, struct proto_command *cmd, char *cause,
    size_t causelen)
{
	struct command_event	 ev = { "execute", NULL, NULL, NULL, text,
				    NULL, 0, 0 };
	char			 why[COMMAND_WHY_MAX];

	command_forget_done(engine);
	memset(cmd, 0, sizeof *cmd);
	ev.operator = nsigs > 0 ? sigs[0].operator : "";
	if (engine->audit == NULL)
		return (command_refuse(engine, now_ms, &ev, "command", "it "
		    "has no audit log, and nothing runs unrecorded; start it "
		    "with --audit FILE", cause, causelen));
	if (proto_command_decode(text, strlen(text), cmd, why,
	    sizeof why) != 0 || command_check_text(cmd, why, sizeof why) != 0)
		return (command_refuse(engine, now_ms, &ev, "command", why,
		    cause, causelen));
	ev.id = cmd->id;
	ev.action = cmd->action;
	if (command_check_signers(engine, cmd, text, sigs, nsigs,
	    &ev.verified, why, sizeof why) != 0 ||
	    command_check_time(cmd, now_ms, why, sizeof why) != 0 ||
	    command_check_new(engine, cmd, why, sizeof why) != 0) {
		if (ev.verified)
			command_remember(engine, cmd->id, STATUS_REFUSED, 0);
		return (command_refuse(engine, now_ms, &ev, "command", why,
		    cause, causelen));
	}
	if (command_log_or_refuse(engine, now_ms, &ev, words,
	    (const char *const[3]){
	    "it, and nothing runs unrecorded", "", "command" }, cause,
	    causelen) != 0)
		return (-1);
	command_remember(engine, cmd->id, STATUS_EXECUTED, 1);
	return (0);
}

/* Append one line about a command's aftermath; see command.h. */
int
command_record(struct command_engine *engine, int64_t now_ms,
    const char *event, const char *id, const char *action,
    const char *text, char **cause)
{
	struct command_event	ev = { event, id, action, "", NULL, NULL, 1,
				    0 };

	if (engine->audit == NULL) {
		*cause = xasprintf("%s has no audit log", engine->node);
		return (-1);
	}
	/* A command that failed here says so when it comes back. */
	if (strcmp(event, "refuse") == 0)
		command_remember(engine, id, STATUS_REFUSED, 1);
	return (command_log(engine, now_ms, &ev, text, cause));
}

/* Fill a proposal message naming p's document by hash; see command.h. */
void
command_proposal_named(const char *node, const struct command_pending *p,
    struct proto_proposal *msg)
{
	command_proposal_msg(node, p, msg);
	msg->document = NULL;
	util_copy(msg->sha256, sizeof msg->sha256, p->sha256);
}
