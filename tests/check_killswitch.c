/*
 * check_killswitch.c: the kill switch as the issue asks for it.
 *
 * First the order path under threads: a router's order path runs on one
 * thread while another kills it; no child order may leave in an
 * iteration that began after the kill was seen, and ThreadSanitizer
 * (make tsan) must find no race, which it would if the flag lost its
 * release/acquire pairing.
 *
 * Then the backend end to end: a real `vigild node --role router` with a
 * trust file and an audit log, and bare websocket consoles (e2e_ws, every
 * wait bounded) sending real signed frames: two trusted operators kill
 * the router and its stats say halting, then killed; a refused approval
 * comes back as a result in words; a console that connects later is
 * sent the pending proposal; a two-person resume restarts it; cancelled
 * and expired proposals are withdrawn from every console; a backend
 * with no trust file refuses every command and says how to start it;
 * bad trust files and audit logs stop vigild in words; a fleet keeps
 * one audit log per node.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "proto-audit.h"
#include "e2e.h"
#include "node-router.h"
#include "opkey.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

#define RACE_PARENTS		1000	/* runaway: 500 children a step */
#define RACE_MAX_ITERATIONS	200000	/* bound if the kill is never seen */
#define RACE_AFTER_KILL		200	/* iterations run after seeing it */
#define RACE_WARM_ITERATIONS	50	/* before the other thread kills */

#define WAIT_MS			15000	/* one frame, or vigild starting */
#define TTL_MS			(5 * 60 * 1000)	/* a command's default life */

/* The order path's thread and what it saw. */
struct race {
	struct node_router	 router;
	atomic_int		 iterations;	/* done, for the killer */
	int			 note;		/* written before the kill */
	int			 note_seen;	/* read after seeing it */
	unsigned		 seen;		/* iterations after seeing it */
	uint64_t		 sent_after;	/* child orders sent in them */
	uint64_t		 total_at_kill;
};

/* What a started vigild node is. */
struct node {
	pid_t	 pid;
	int	 port;
	char	 commands[512];	/* its "commands: ..." line */
};

/* Two operators' keys, as vigil-key would make them. */
struct operators {
	struct opkey	*alice;
	struct opkey	*bob;
	struct opkey	*mallory;	/* not in the trust file */
};

static void	*race_order_path(void *);
static void	 setup(void);
static void	 teardown(void);
static void	 operators_make(struct operators *, const char *);
static void	 operators_free(struct operators *);
static void	 node_start(struct node *, const char *, const char *,
		    const char *);
static struct e2e_ws *ws_connect(const struct node *);
static void	 ws_send(struct e2e_ws *, const struct proto_msg *);
static int	 ws_next(struct e2e_ws *, enum msg_type, struct proto_msg *,
		    int);
static char	*document(const char *, const char *, const char *,
		    const char *, int64_t, struct proto_command *);
static void	 sign_into(const struct opkey *, const char *, const char *,
		    struct proto_signature *);
static void	 propose(struct e2e_ws *, const struct opkey *, const char *,
		    const char *);
static void	 approve(struct e2e_ws *, const struct opkey *, const char *,
		    const char *, const char *);
static void	 expect_result(struct e2e_ws *, const char *, const char *,
		    struct proto_result *);
static struct proto_msg *msg_new(void);

/*
 * The order path: step the router until it has run RACE_AFTER_KILL
 * iterations after seeing the kill (or a bound), counting child orders
 * sent in iterations that began after the kill was seen.
 */
static void *
race_order_path(void *arg)
{
	struct race	*race = arg;
	struct node_router *r = &race->router;
	uint64_t	 before;
	int		 i, seen;

	for (i = 0; i < RACE_MAX_ITERATIONS && race->seen < RACE_AFTER_KILL;
	    i++) {
		seen = node_router_killed(r);
		if (seen && race->seen == 0) {
			/* Published by the release store of the kill. */
			race->note_seen = race->note;
			race->total_at_kill = r->counters.child_orders_total;
		}
		before = r->counters.child_orders_total;
		node_router_market(r, 3, 2);
		node_router_step(r, 500, 100);
		if (seen) {
			race->seen++;
			race->sent_after += r->counters.child_orders_total -
			    before;
		}
		atomic_fetch_add_explicit(&race->iterations, 1,
		    memory_order_release);
	}
	return (NULL);
}

START_TEST(kill_from_another_thread_stops_child_orders_within_one_iteration)
{
	struct race	*race;
	struct proto_flag flag;
	pthread_t	 thread;
	char		 cause[256];
	int		 i, spins;

	race = calloc(1, sizeof *race);
	ck_assert_ptr_nonnull(race);
	memset(&flag, 0, sizeof flag);
	strcpy(flag.name, "rlp");
	strcpy(flag.path, "power_peg");
	flag.on = 1;
	ck_assert_int_eq(node_router_init(&race->router, "router/r8", "nyse",
	    "smars-2012.07.31-old", &flag, 1, cause, sizeof cause), 0);
	for (i = 0; i < RACE_PARENTS; i++)
		ck_assert_int_eq(node_router_parent(&race->router, 100, 1,
		    cause, sizeof cause), 0);
	atomic_init(&race->iterations, 0);

	ck_assert_int_eq(pthread_create(&thread, NULL, race_order_path,
	    race), 0);
	/* Let the runaway get going, then kill it from this thread. */
	for (spins = 0; spins < 100000000 &&
	    atomic_load_explicit(&race->iterations, memory_order_acquire) <
	    RACE_WARM_ITERATIONS; spins++)
		sched_yield();
	race->note = 42;
	node_router_kill(&race->router);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);

	ck_assert_msg(race->seen > 0, "the order path never saw the kill");
	ck_assert_msg(race->sent_after == 0, "%llu child orders were sent in "
	    "iterations that began after the kill was seen",
	    (unsigned long long)race->sent_after);
	ck_assert_uint_eq(race->router.counters.child_orders_total,
	    race->total_at_kill);
	ck_assert_int_eq(race->note_seen, 42);
	ck_assert_uint_ge(race->total_at_kill,
	    (uint64_t)RACE_WARM_ITERATIONS * 500);
	/* Its market answered the cancels: nothing is left open. */
	ck_assert_str_eq(node_router_state(&race->router), "killed");
	ck_assert_uint_eq(race->router.counters.open_children, 0);
	node_router_free(&race->router);
	free(race);
}
END_TEST

/* Each end-to-end test gets its own directory and a cleanup. */
static void
setup(void)
{
	e2e_setup();
}

/* Kill and reap what the test started, and remove its directory. */
static void
teardown(void)
{
	e2e_cleanup();
}

/* A zeroed message on the heap (they are large). */
static struct proto_msg *
msg_new(void)
{
	struct proto_msg	*m;

	m = calloc(1, sizeof *m);
	ck_assert_ptr_nonnull(m);
	return (m);
}

/* Make alice, bob and mallory, and a trust file naming alice and bob. */
static void
operators_make(struct operators *ops, const char *trust)
{
	FILE	*f;
	char	*cause = NULL, *line;

	ops->alice = opkey_generate(&cause);
	ck_assert_msg(ops->alice != NULL, "opkey_generate: %s", cause);
	ops->bob = opkey_generate(&cause);
	ck_assert_msg(ops->bob != NULL, "opkey_generate: %s", cause);
	ops->mallory = opkey_generate(&cause);
	ck_assert_msg(ops->mallory != NULL, "opkey_generate: %s", cause);
	f = fopen(trust, "w");
	ck_assert_msg(f != NULL, "%s: %s", trust, strerror(errno));
	fprintf(f, "# operators of the test desk\n");
	line = opkey_trust_line(ops->alice, "alice");
	fprintf(f, "%s\n", line);
	free(line);
	line = opkey_trust_line(ops->bob, "bob");
	fprintf(f, "%s\n", line);
	free(line);
	ck_assert_int_eq(fclose(f), 0);
}

/* Free the operators' keys. */
static void
operators_free(struct operators *ops)
{
	opkey_free(ops->alice);
	opkey_free(ops->bob);
	opkey_free(ops->mallory);
}

/*
 * Start `vigild node --role router --id ID` on the old build, where rlp
 * wakes power_peg, with trust and audit when not NULL, and read its port
 * and what it says of commands from what it prints.
 */
static void
node_start(struct node *node, const char *trust, const char *audit,
    const char *id)
{
	struct e2e_lines	*lines;
	char			*argv[20], line[512], *p, want[128];
	int			 argc = 0, fd, r;

	memset(node, 0, sizeof *node);
	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "node";
	argv[argc++] = "--role";
	argv[argc++] = "router";
	argv[argc++] = "--id";
	argv[argc++] = (char *)id;
	argv[argc++] = "--build";
	argv[argc++] = "smars-2012.07.31-old";
	argv[argc++] = "--flag";
	argv[argc++] = "rlp=power_peg";
	if (trust != NULL) {
		argv[argc++] = "--trust";
		argv[argc++] = (char *)trust;
	}
	if (audit != NULL) {
		argv[argc++] = "--audit";
		argv[argc++] = (char *)audit;
	}
	argv[argc] = NULL;
	node->pid = e2e_spawn(argv, NULL, &fd);
	free(argv[0]);

	lines = calloc(1, sizeof *lines);
	ck_assert_ptr_nonnull(lines);
	e2e_lines_init(lines, fd);
	snprintf(want, sizeof want, "router/%s listening on ws://127.0.0.1:",
	    id);
	for (;;) {
		r = e2e_next_line(lines, line, sizeof line, WAIT_MS);
		ck_assert_msg(r == 1, "vigild node printed no port or no "
		    "commands line; it said: %s", e2e_stderr_of(node->pid));
		if ((p = strstr(line, want)) != NULL)
			node->port = atoi(p + strlen(want));
		if (strncmp(line, "commands: ", 10) == 0) {
			util_copy(node->commands, sizeof node->commands, line);
			break;
		}
	}
	ck_assert_int_gt(node->port, 0);
	free(lines);
	close(fd);
}

/* A console's websocket to node. */
static struct e2e_ws *
ws_connect(const struct node *node)
{
	char	url[64];

	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", node->port);
	return (e2e_ws_open(url, WAIT_MS));
}

/* Encode msg and send it as one text frame. */
static void
ws_send(struct e2e_ws *ws, const struct proto_msg *msg)
{
	char	*text = proto_encode(msg);

	e2e_ws_send(ws, text);
	free(text);
}

/*
 * Decode messages until one of type arrives within timeout_ms; others
 * are passed over.  Returns 1 with it in *m, or 0.
 */
static int
ws_next(struct e2e_ws *ws, enum msg_type type, struct proto_msg *m,
    int timeout_ms)
{
	int64_t	 deadline = e2e_now_ms() + timeout_ms, left;
	char	*text, cause[PROTO_TEXT_MAX];

	for (;;) {
		left = deadline - e2e_now_ms();
		if (left <= 0 || (text = e2e_ws_recv(ws, (int)left)) == NULL)
			return (0);
		memset(m, 0, sizeof *m);
		ck_assert_msg(proto_decode(text, strlen(text), m, cause,
		    sizeof cause) == 0, "vigild sent a frame vigil cannot "
		    "decode: %s: %.300s", cause, text);
		free(text);
		if (m->type == type)
			return (1);
	}
}

/*
 * The canonical text of alice's command document for action on node as
 * she saw it (build, state), expiring ttl_ms from now, allocated; *cmd
 * gets it too.
 */
static char *
document(const char *action, const char *node, const char *build,
    const char *state, int64_t ttl_ms, struct proto_command *cmd)
{
	char	*cause = NULL;

	memset(cmd, 0, sizeof *cmd);
	ck_assert_msg(opkey_random_id(cmd->id, sizeof cmd->id, &cause) == 0,
	    "opkey_random_id: %s", cause);
	util_copy(cmd->action, sizeof cmd->action, action);
	cmd->ntargets = 1;
	util_copy(cmd->targets[0].node, sizeof cmd->targets[0].node, node);
	util_copy(cmd->targets[0].build, sizeof cmd->targets[0].build, build);
	util_copy(cmd->targets[0].state, sizeof cmd->targets[0].state, state);
	util_copy(cmd->reason, sizeof cmd->reason, "runaway child orders "
	    "at the open");
	util_copy(cmd->proposer, sizeof cmd->proposer, "alice");
	cmd->created_ms = util_wall_ms();
	cmd->expires_ms = cmd->created_ms + ttl_ms;
	return (proto_command_encode(cmd));
}

/* Sign text with key as operator name. */
static void
sign_into(const struct opkey *key, const char *name, const char *text,
    struct proto_signature *sig)
{
	char	*cause = NULL;

	memset(sig, 0, sizeof *sig);
	util_copy(sig->operator, sizeof sig->operator, name);
	ck_assert_msg(opkey_sign(key, text, strlen(text), sig->signature,
	    sizeof sig->signature, &cause) == 0, "opkey_sign: %s", cause);
}

/* Send a propose of text signed by alice's key. */
static void
propose(struct e2e_ws *ws, const struct opkey *key, const char *name,
    const char *text)
{
	struct proto_msg	*m = msg_new();

	m->type = MSG_PROPOSE;
	util_copy(m->u.propose.document, sizeof m->u.propose.document, text);
	sign_into(key, name, text, &m->u.propose.sig);
	ws_send(ws, m);
	free(m);
}

/* Send an approve of command id, the document text signed by key. */
static void
approve(struct e2e_ws *ws, const struct opkey *key, const char *name,
    const char *id, const char *text)
{
	struct proto_msg	*m = msg_new();

	m->type = MSG_APPROVE;
	util_copy(m->u.approve.id, sizeof m->u.approve.id, id);
	util_copy(m->u.approve.document, sizeof m->u.approve.document, text);
	sign_into(key, name, text, &m->u.approve.sig);
	ws_send(ws, m);
	free(m);
}

/* Wait for a result in reply to in_reply_to with outcome; copy it out. */
static void
expect_result(struct e2e_ws *ws, const char *in_reply_to, const char *outcome,
    struct proto_result *out)
{
	struct proto_msg	*m = msg_new();

	ck_assert_msg(ws_next(ws, MSG_RESULT, m, WAIT_MS) == 1, "no result "
	    "for %s", in_reply_to);
	ck_assert_msg(strcmp(m->u.result.outcome, outcome) == 0, "%s came "
	    "back %s, not %s: %s", in_reply_to, m->u.result.outcome, outcome,
	    m->u.result.text);
	ck_assert_str_eq(m->u.result.in_reply_to, in_reply_to);
	if (out != NULL)
		*out = m->u.result;
	free(m);
}

START_TEST(two_trusted_operators_kill_a_router_over_the_wire)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*alice, *bob, *carol;
	struct proto_msg	*m = msg_new();
	struct proto_command	 cmd;
	struct proto_result	 res;
	char			*trust = e2e_path("operators");
	char			*audit = e2e_path("r8.audit");
	char			*text, *err, build[PROTO_NAME_MAX], report[512];
	uint64_t		 children = 0;
	int			 halting = 0, killed = 0, k;

	operators_make(&ops, trust);
	node_start(&node, trust, audit, "r8");
	alice = ws_connect(&node);
	bob = ws_connect(&node);
	ck_assert_int_eq(ws_next(alice, MSG_HELLO, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.hello.node, "router/r8");
	util_copy(build, sizeof build, m->u.hello.build);
	ck_assert_int_eq(ws_next(bob, MSG_HELLO, m, WAIT_MS), 1);

	/* The runaway is running: child orders open at the market. */
	for (k = 0; k < 40 && children == 0; k++) {
		ck_assert_int_eq(ws_next(alice, MSG_STATS, m, WAIT_MS), 1);
		ck_assert_str_eq(m->u.stats.router.state, "running");
		children = m->u.stats.router.open_children;
	}
	ck_assert_uint_gt(children, 0);

	/* Alice proposes: held pending and shown to every console. */
	text = document("kill", "router/r8", build, "running", TTL_MS, &cmd);
	propose(alice, ops.alice, "alice", text);
	expect_result(alice, "propose", "accepted", &res);
	ck_assert_str_eq(res.id, cmd.id);
	ck_assert_str_eq(res.action, "kill");
	ck_assert_str_eq(res.node, "router/r8");
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(m->u.proposal.status, "pending");
	ck_assert_str_eq(m->u.proposal.document, text);

	/* A console that connects now is told of it after hello. */
	carol = ws_connect(&node);
	ck_assert_int_eq(ws_next(carol, MSG_HELLO, m, WAIT_MS), 1);
	ck_assert_int_eq(ws_next(carol, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(m->u.proposal.status, "pending");
	ck_assert_str_eq(m->u.proposal.document, text);
	ck_assert_uint_eq(m->u.proposal.nsigs, 1);
	ck_assert_str_eq(m->u.proposal.sigs[0].operator, "alice");

	/* Alice cannot approve her own command; she is told why. */
	approve(alice, ops.alice, "alice", cmd.id, text);
	expect_result(alice, "approve", "refused", &res);
	ck_assert_str_eq(res.id, cmd.id);
	ck_assert_msg(strstr(res.text, "alice") != NULL, "the refusal does "
	    "not name the operator: %s", res.text);

	/* Bob approves: every console hears it was carried out. */
	approve(bob, ops.bob, "bob", cmd.id, text);
	expect_result(bob, "approve", "executed", &res);
	ck_assert_str_eq(res.id, cmd.id);
	ck_assert_ptr_nonnull(strstr(res.text, "router/r8"));
	expect_result(alice, "approve", "executed", NULL);
	ck_assert_int_eq(ws_next(carol, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.status, "executed");
	ck_assert_uint_eq(m->u.proposal.nsigs, 2);

	/* Its stats say halting with the residue, then killed. */
	children = 0;
	for (k = 0; k < 100 && !killed; k++) {
		ck_assert_int_eq(ws_next(bob, MSG_STATS, m, WAIT_MS), 1);
		if (children == 0)
			children = m->u.stats.router.child_orders_total;
		ck_assert_uint_eq(m->u.stats.router.child_orders_total,
		    children);
		if (strcmp(m->u.stats.router.state, "halting") == 0) {
			ck_assert_uint_gt(m->u.stats.router.open_children, 0);
			halting++;
		} else {
			ck_assert_str_eq(m->u.stats.router.state, "killed");
			ck_assert_uint_eq(m->u.stats.router.open_children, 0);
			ck_assert_uint_gt(
			    m->u.stats.router.children_cancelled_total, 0);
			killed = 1;
		}
	}
	ck_assert_msg(halting > 0, "no stats said halting");
	ck_assert_msg(killed, "the router never reported killed");
	/* And it stays stopped. */
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(ws_next(bob, MSG_STATS, m, WAIT_MS), 1);
		ck_assert_str_eq(m->u.stats.router.state, "killed");
		ck_assert_uint_eq(m->u.stats.router.child_orders_total,
		    children);
	}

	/* A two-person resume starts its child orders again. */
	free(text);
	text = document("resume", "router/r8", build, "killed", TTL_MS, &cmd);
	propose(alice, ops.alice, "alice", text);
	expect_result(alice, "propose", "accepted", NULL);
	approve(bob, ops.bob, "bob", cmd.id, text);
	expect_result(bob, "approve", "executed", &res);
	ck_assert_str_eq(res.action, "resume");
	for (k = 0; k < 40; k++) {
		ck_assert_int_eq(ws_next(bob, MSG_STATS, m, WAIT_MS), 1);
		ck_assert_str_eq(m->u.stats.router.state, "running");
		if (m->u.stats.router.child_orders_total > children)
			break;
	}
	ck_assert_msg(k < 40, "child orders did not start again");

	/* The backend logged it, and its audit chain verifies. */
	err = e2e_stderr_of(node.pid);
	ck_assert_msg(strstr(err, "carried out kill") != NULL, "vigild did "
	    "not log the kill: %s", err);
	free(err);
	ck_assert_msg(audit_verify(audit, report, sizeof report, NULL) == 0,
	    "audit log: %s", report);

	e2e_ws_close(alice);
	e2e_ws_close(bob);
	e2e_ws_close(carol);
	free(text);
	free(m);
	free(trust);
	free(audit);
	operators_free(&ops);
}
END_TEST

START_TEST(cancelled_and_expired_proposals_are_withdrawn_from_every_console)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*alice, *bob;
	struct proto_msg	*m = msg_new();
	struct proto_command	 cmd;
	struct proto_result	 res;
	char			*trust = e2e_path("operators");
	char			*audit = e2e_path("r5.audit");
	char			*text, *bytes, build[PROTO_NAME_MAX];

	operators_make(&ops, trust);
	node_start(&node, trust, audit, "r5");
	alice = ws_connect(&node);
	bob = ws_connect(&node);
	ck_assert_int_eq(ws_next(alice, MSG_HELLO, m, WAIT_MS), 1);
	util_copy(build, sizeof build, m->u.hello.build);

	/* Alice withdraws her proposal: bob sees it cancelled. */
	text = document("kill", "router/r5", build, "running", TTL_MS, &cmd);
	propose(alice, ops.alice, "alice", text);
	expect_result(alice, "propose", "accepted", NULL);
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.status, "pending");
	memset(m, 0, sizeof *m);
	m->type = MSG_CANCEL;
	util_copy(m->u.cancel.id, sizeof m->u.cancel.id, cmd.id);
	if (asprintf(&bytes, "vigil.v1 cancel %s", cmd.id) == -1)
		ck_abort_msg("out of memory");
	sign_into(ops.alice, "alice", bytes, &m->u.cancel.sig);
	free(bytes);
	ws_send(alice, m);
	expect_result(alice, "cancel", "cancelled", &res);
	ck_assert_str_eq(res.id, cmd.id);
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(m->u.proposal.status, "cancelled");
	approve(bob, ops.bob, "bob", cmd.id, text);
	expect_result(bob, "approve", "refused", NULL);
	free(text);

	/* A proposal nobody approves in time expires, and bob is told. */
	text = document("kill", "router/r5", build, "running", 1500, &cmd);
	propose(alice, ops.alice, "alice", text);
	expect_result(alice, "propose", "accepted", NULL);
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.status, "pending");
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(m->u.proposal.status, "expired");
	approve(bob, ops.bob, "bob", cmd.id, text);
	expect_result(bob, "approve", "refused", &res);
	ck_assert_int_eq(ws_next(bob, MSG_STATS, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.stats.router.state, "running");

	e2e_ws_close(alice);
	e2e_ws_close(bob);
	free(text);
	free(m);
	free(trust);
	free(audit);
	operators_free(&ops);
}
END_TEST

START_TEST(an_untrusted_key_is_refused_in_words_and_nothing_happens)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	struct proto_command	 cmd;
	struct proto_result	 res;
	char			*trust = e2e_path("operators");
	char			*audit = e2e_path("r8.audit");
	char			*text, build[PROTO_NAME_MAX];

	operators_make(&ops, trust);
	node_start(&node, trust, audit, "r8");
	ws = ws_connect(&node);
	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	util_copy(build, sizeof build, m->u.hello.build);

	text = document("kill", "router/r8", build, "running", TTL_MS, &cmd);
	propose(ws, ops.alice, "alice", text);
	expect_result(ws, "propose", "accepted", NULL);
	/* mallory signs as bob: the key is not bob's. */
	approve(ws, ops.mallory, "bob", cmd.id, text);
	expect_result(ws, "approve", "refused", &res);
	ck_assert_str_eq(res.node, "router/r8");
	ck_assert_uint_gt(strlen(res.text), 40);
	ck_assert_int_eq(ws_next(ws, MSG_STATS, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.stats.router.state, "running");

	e2e_ws_close(ws);
	free(text);
	free(m);
	free(trust);
	free(audit);
	operators_free(&ops);
}
END_TEST

START_TEST(a_backend_without_trust_refuses_every_command)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	struct proto_command	 cmd;
	struct proto_result	 res;
	char			*trust = e2e_path("operators");
	char			*text;

	operators_make(&ops, trust);
	node_start(&node, NULL, NULL, "r3");
	ws = ws_connect(&node);
	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	text = document("kill", "router/r3", m->u.hello.build, "running",
	    TTL_MS, &cmd);
	propose(ws, ops.alice, "alice", text);
	expect_result(ws, "propose", "refused", &res);
	ck_assert_str_eq(res.id, cmd.id);
	ck_assert_str_eq(res.action, "kill");
	ck_assert_msg(strstr(res.text, "trusts no operator") != NULL &&
	    strstr(res.text, "--trust FILE") != NULL, "the refusal does not "
	    "say how to start the backend: %s", res.text);
	ck_assert_int_eq(ws_next(ws, MSG_STATS, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.stats.router.state, "running");

	/* It said so when it started, too. */
	ck_assert_msg(strstr(node.commands, "trusts no operator") != NULL,
	    "vigild started saying: %s", node.commands);
	e2e_kill(node.pid, SIGTERM);
	ck_assert_int_eq(e2e_wait(node.pid, WAIT_MS), 0);

	e2e_ws_close(ws);
	free(text);
	free(m);
	free(trust);
	operators_free(&ops);
}
END_TEST

START_TEST(bad_trust_file_and_unwritable_audit_log_stop_vigild_in_words)
{
	struct e2e_result	 r;
	char			*vigild = e2e_bin("vigild");
	char			*bad = e2e_path("bad-operators");
	char			*good = e2e_path("operators");
	char			*audit = e2e_path("missing/r1.audit");
	char			*argv[12];
	struct operators	 ops;
	FILE			*f;

	f = fopen(bad, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "alice rsa AAAA\n");
	fclose(f);
	argv[0] = vigild;
	argv[1] = "node";
	argv[2] = "--role";
	argv[3] = "router";
	argv[4] = "--id";
	argv[5] = "r1";
	argv[6] = "--trust";
	argv[7] = bad;
	argv[8] = NULL;
	e2e_run(argv, NULL, WAIT_MS, &r);
	ck_assert_msg(r.status == 2, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, bad) != NULL, "the sentence does not "
	    "name the trust file: %s", r.err);
	e2e_result_free(&r);

	operators_make(&ops, good);
	argv[7] = good;
	argv[8] = "--audit";
	argv[9] = audit;
	argv[10] = NULL;
	e2e_run(argv, NULL, WAIT_MS, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "router/r1") != NULL, "the sentence does "
	    "not name the node: %s", r.err);
	e2e_result_free(&r);

	operators_free(&ops);
	free(vigild);
	free(bad);
	free(good);
	free(audit);
}
END_TEST

START_TEST(fleet_keeps_one_audit_log_per_node)
{
	struct operators	 ops;
	char			*vigild = e2e_bin("vigild");
	char			*trust = e2e_path("operators");
	char			*dir = e2e_path("audit");
	char			*fleet = e2e_path("fleet");
	char			*argv[16], path[1024];
	struct stat		 st;
	pid_t			 pid;
	int			 i;

	operators_make(&ops, trust);
	argv[0] = vigild;
	argv[1] = "fleet";
	argv[2] = "--scenario";
	argv[3] = "knight";
	argv[4] = "--fleet-file";
	argv[5] = fleet;
	argv[6] = "--trust";
	argv[7] = trust;
	argv[8] = "--audit-dir";
	argv[9] = dir;
	argv[10] = NULL;
	pid = e2e_spawn(argv, NULL, NULL);
	ck_assert_msg(e2e_wait_file(fleet, WAIT_MS) == 0, "no fleet file; "
	    "vigild said: %s", e2e_stderr_of(pid));
	for (i = 1; i <= 8; i++) {
		snprintf(path, sizeof path, "%s/router-r%d.audit", dir, i);
		ck_assert_msg(stat(path, &st) == 0, "no audit log %s", path);
		ck_assert_int_eq(st.st_mode & 077, 0);
	}
	e2e_kill(pid, SIGTERM);
	ck_assert_int_eq(e2e_wait(pid, WAIT_MS), 0);
	for (i = 1; i <= 8; i++) {
		snprintf(path, sizeof path, "%s/router-r%d.audit", dir, i);
		unlink(path);
	}
	rmdir(dir);
	operators_free(&ops);
	free(vigild);
	free(trust);
	free(dir);
	free(fleet);
}
END_TEST

Suite *
killswitch_suite(void)
{
	Suite	*s = suite_create("killswitch");
	TCase	*tc = tcase_create("threads");
	TCase	*wire = tcase_create("wire");

	/* Generous: ThreadSanitizer slows the order path many times. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc,
	    kill_from_another_thread_stops_child_orders_within_one_iteration);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(wire, setup, teardown);
	tcase_set_timeout(wire, 120);
	tcase_add_test(wire, two_trusted_operators_kill_a_router_over_the_wire);
	tcase_add_test(wire,
	    cancelled_and_expired_proposals_are_withdrawn_from_every_console);
	tcase_add_test(wire,
	    an_untrusted_key_is_refused_in_words_and_nothing_happens);
	tcase_add_test(wire, a_backend_without_trust_refuses_every_command);
	tcase_add_test(wire,
	    bad_trust_file_and_unwritable_audit_log_stop_vigild_in_words);
	tcase_add_test(wire, fleet_keeps_one_audit_log_per_node);
	suite_add_tcase(s, wire);
	return (s);
}
