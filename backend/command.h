/*
 * command.h: the two-person rule, enforced by each backend node.
 *
 * A command (proto_command) is proposed with one operator's signature
 * over its canonical bytes (through their SHA-256: proto_statement()),
 * held pending and broadcast, and executed only when a second operator
 * signs the very same bytes.  Each node keeps its own engine and checks,
 * before acting: both signatures valid over the statement of its own
 * copy's SHA-256, which it computes itself; both signatures of the
 * current scheme (an old vigil's, over the whole document, is refused
 * in words); both operators in its trust file; two different
 * operators (different names and different keys); not expired; id never
 * seen here (executed, cancelled, expired, or refused with a valid
 * signature, remembered across restarts from the audit log); this node
 * among the targets; this node's build and state still what the proposer
 * saw.  Every proposal, approval, refusal, cancellation, expiry and
 * execution is appended to the audit log first; a refusal only as the
 * document's hash, so that forged traffic cannot fill the disk.
 * Refusals come back as sentences: what was wrong and what to do.
 *
 * The engine knows nothing of sockets or of what the actions do: the
 * server carries messages, and calls the node (node_router_kill...) when
 * command_approve() says to execute.
 */
#ifndef VIGIL_COMMAND_H
#define VIGIL_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proto-command.h"

#define COMMAND_MAX_PENDING	64
/* Free bytes kept for approvals: below it, new proposals are refused. */
#define COMMAND_DEFAULT_RESERVE	(64ULL << 20)

struct audit;
struct opkey;
struct opkey_trust;

/*
 * What a node is now, for binding a command to the state seen; and, for
 * the actions with a plan (rollback, flag), the hellos of the targets
 * this backend serves, which the plan (proto-plan.h) judges.
 */
struct command_node_state {
	char				 node[PROTO_ID_MAX];
	char				 build[PROTO_NAME_MAX];
	enum proto_state		 state;
	const struct proto_hello *const	*fleet;	/* not owned; may be NULL */
	size_t				 nfleet;
	const char			*armed_id;	/* the engine's own */
};

/* A command held by a node. */
struct command_pending {
	struct proto_command	cmd;		/* targets on the heap */
	char			*text;		/* the document's bytes */
	size_t			 target;	/* this node's cmd.targets[] */
	char			 sha256[65];	/* of text, hex */
	/* What its signatures cover: proto_statement() of sha256. */
	char			 statement[PROTO_STATEMENT_MAX];
	size_t			nsigs;
	struct proto_signature	sigs[PROTO_MAX_SIGNERS];
	enum proto_status	status;
	int64_t			proposed_ms;
	int			syncing;	/* executes once durable */
};

struct command_engine;

/*
 * An engine for node, trusting trust (not owned), logging to audit (not
 * owned; NULL refuses every command, saying the node has no audit log).
 * Never fails (xmalloc).
 */
struct command_engine *command_engine_new(const char *node,
		    const struct opkey_trust *trust, struct audit *audit);
void		 command_engine_free(struct command_engine *engine);

/*
 * Refuse new proposals (not approvals or cancellations of pending ones)
 * while the audit log's filesystem has fewer than bytes free, and then
 * leave refusals of unproven operators out of the log; the default is
 * COMMAND_DEFAULT_RESERVE.
 */
void		 command_engine_reserve(struct command_engine *engine,
		    uint64_t bytes);

/*
 * A proposal: document text with its first signature, at wall time
 * now_ms, with the node now in state now.  Returns 0 and the held
 * proposal in *out (valid until the engine changes), or -1 and a
 * sentence in cause; either way it is in the audit log.
 */
int		 command_propose(struct command_engine *engine,
		    const char *text, const struct proto_signature *sig,
		    const struct command_node_state *now, int64_t now_ms,
		    const struct command_pending **out, char *cause,
		    size_t causelen);

/*
 * An approval of id: the document text the approver reviewed and their
 * signature.  Returns 1 when the command must now be executed on this
 * node (its execute line is already in the audit log and synced; *out
 * holds it), 2 when it executes once its lines are synced (only with
 * command_engine_group(); see there), 0 when it still needs more signers
 * (*out holds it), or -1 and a sentence in cause.
 */
int		 command_approve(struct command_engine *engine, const char *id,
		    const char *text, const struct proto_signature *sig,
		    const struct command_node_state *now, int64_t now_ms,
		    const struct command_pending **out, char *cause,
		    size_t causelen);

/*
 * The same for an approve message as it arrived: its document whole,
 * or named by its SHA-256 (hex) rather than sent whole, when the
 * signature is checked against the node's own copy of the pending
 * document and a hash that is not that copy's is refused.
 */
int		 command_approve_msg(struct command_engine *engine,
		    const struct proto_approve *approve,
		    const struct command_node_state *now, int64_t now_ms,
		    const struct command_pending **out, char *cause,
		    size_t causelen);

/*
 * An approval's signature check, done apart from the engine so that a
 * server may check many in parallel: command_approve_sigcheck() hands it
 * the operator's key, the pending copy's statement and the signature (all
 * pointers into the engine and the message, unchanged until the engine
 * or the message changes; the caller may check a copy of the statement
 * instead, while the engine goes on); command_sigcheck_run() checks them
 * and touches nothing else, so it may run on another thread;
 * command_approve_checked() then takes its answer in place of checking
 * again, if it was of these very bytes, key and signature: another
 * engine's check of the same bytes with the same key (a gateway's
 * nodes, one approve for all) stands for this one's, since the answer
 * is the same; any other is checked again here.
 */
struct command_sigcheck {
	const struct opkey	*key;
	const char		*text;	/* the pending copy's statement */
	size_t			 len;
	const char		*signature;	/* base64 */
	const char		*action;	/* the pending command's */
	int			 rc;	/* 1 valid, 0 not, -1 not checked */
	char			*cause;	/* with -1: why; allocated */
};

/*
 * Would approve message a, as things stand, come to its signature's
 * check (an audit log, a pending command of that id not executing, the
 * very bytes, a trusted operator)?  Returns 1 and what to check in
 * *check, else 0: the approval is refused or decided without it.
 */
int		 command_approve_sigcheck(struct command_engine *engine,
		    const struct proto_approve *a,
		    struct command_sigcheck *check);
/* Check a signature handed apart (may run on any thread). */
void		 command_sigcheck_run(struct command_sigcheck *check);
/* Free what check holds and clear it. */
void		 command_sigcheck_clear(struct command_sigcheck *check);
/*
 * command_approve_msg() with the signature's check done apart (checked,
 * or NULL: check it here).  Returns as command_approve().
 */
int		 command_approve_checked(struct command_engine *engine,
		    const struct proto_approve *approve,
		    const struct command_sigcheck *checked,
		    const struct command_node_state *now, int64_t now_ms,
		    const struct command_pending **out, char *cause,
		    size_t causelen);

/*
 * Group commit, for a server that syncs audit logs once per pass: with
 * on, an approval that executes (but move-root, whose sealed key goes
 * to the approving console) writes its lines unsynced and returns 2,
 * *out holding the command, which waits: a second approval or a
 * cancellation of it is refused as executing, and it does not expire.
 * The server then calls command_durable() with logcause NULL once its
 * lines are durable (1: execute *out, as command_approve()'s 1), or with
 * the audit log's sentence when they were cut off (-1 and the refusal in
 * cause, written to the log; the command is pending again, *out).
 */
void		 command_engine_group(struct command_engine *engine, int on);
int		 command_durable(struct command_engine *engine, const char *id,
		    const char *logcause, int64_t now_ms,
		    const struct command_pending **out, char *cause,
		    size_t causelen);

/*
 * The proposer withdraws id; sig is over "vigil.v1 cancel ID".  Returns
 * 0, or -1 and a sentence in cause.
 */
int		 command_cancel(struct command_engine *engine, const char *id,
		    const struct proto_signature *sig, int64_t now_ms,
		    char *cause, size_t causelen);

/*
 * Expire pending commands past their time at now_ms (audited).  Returns
 * how many expired; *out gets them (valid until the engine changes).
 */
size_t		 command_expire(struct command_engine *engine, int64_t now_ms,
		    const struct command_pending ***out);

/* The pending commands, for broadcasting to a new console. */
size_t		 command_pending(const struct command_engine *engine,
		    const struct command_pending ***out);

/*
 * The armed kill.  An arm-kill, signed by two operators, arms the node
 * for its window (argument window, "30m"); while armed, one trusted
 * operator may fire it (command_fire), or the node fires it on itself
 * (command_self_fire); a two-person disarm, or the window's end
 * (command_expire), ends it.  Each of these is audited.
 */

/* The armed kill held, or NULL; *until_ms gets its window's end. */
const struct command_pending *command_armed(
		    const struct command_engine *engine, int64_t *until_ms);

/*
 * The armed kill that the last change ended (fired, disarmed), valid
 * until the engine changes again, or NULL.
 */
const struct command_pending *command_ended(
		    const struct command_engine *engine);

/*
 * One operator fires armed kill id; sig is over "vigil.v1 fire ID".
 * Returns 1 when the node must be killed now (the fire is in the audit
 * log), or -1 and a sentence in cause: nothing armed under that id, its
 * window closed, an untrusted operator or a bad signature.
 */
int		 command_fire(struct command_engine *engine, const char *id,
		    const struct proto_signature *sig, int64_t now_ms,
		    char *cause, size_t causelen);

/*
 * The node fired its armed kill on itself, for why (in words).  Returns
 * 1 and the armed command in *out when one was armed and in its window
 * (audited), else 0.
 */
int		 command_self_fire(struct command_engine *engine,
		    int64_t now_ms, const char *why,
		    const struct command_pending **out);

/*
 * A command that two operators signed and another node carried out, and
 * that acts on this node too (move-root's destination): text with its
 * nsigs signatures.  It must decode, be signed by as many different
 * trusted operators as its action needs (the proposer first), not be
 * expired, and its id must never have been seen here.  Then an execute
 * line saying words is in the audit log, synced, the id is spent, and
 * 0 is returned with the document in *cmd (proto_command_clear() frees
 * its targets, either way).  Else -1, a sentence in
 * cause, and the refusal is in the log.
 */
int		 command_witness(struct command_engine *engine,
		    const char *text, const struct proto_signature *sigs,
		    size_t nsigs, const char *words, int64_t now_ms,
		    struct proto_command *cmd, char *cause, size_t causelen);

/*
 * Append a line about what followed a command (event "seal", "destroy"
 * or "refuse", with text in words) to the audit log; after "refuse" the
 * id counts as refused here.  Returns 0, or -1 and an allocated *cause.
 */
int		 command_record(struct command_engine *engine, int64_t now_ms,
		    const char *event, const char *id, const char *action,
		    const char *text, char **cause);

/* Fill a proposal message for p as held by node. */
void		 command_proposal_msg(const char *node,
		    const struct command_pending *p,
		    struct proto_proposal *msg);

/*
 * The same, naming the document by its SHA-256 instead of carrying it:
 * for a console that was sent the document already.
 */
void		 command_proposal_named(const char *node,
		    const struct command_pending *p,
		    struct proto_proposal *msg);

#endif
