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
 * one audit log per node.  And the backend under abuse: a flood of
 * forged proposals costs the log a short line each and is cut off; a
 * nearly full disk refuses new proposals but not approvals; the frames
 * of a cancelled, expired or once-pending proposal cannot revive it,
 * even after a restart; an oversized frame closes its connection; at
 * its descriptor limit vigild waits quietly and tells its consoles why.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* With this set, node_start() runs vigild under ulimit -n of it. */
static int	node_fd_limit;

/* Two operators' keys, as vigil-key would make them. */
struct operators {
	struct opkey	*alice;
	struct opkey	*bob;
	struct opkey	*mallory;	/* not in the trust file */
};

static void	*race_order_path(void *);
static void	 setup(void);
static void	 teardown(void);
static void	 ws_forget(void);

/*
 * The message ws_next() decoded last, whose heap parts (a document, a
 * hello's builds) the caller's copy shares until the next call.
 */
static struct proto_msg	*ws_last;
static void	 operators_make(struct operators *, const char *);
static void	 operators_free(struct operators *);
static void	 node_start_with(struct node *, const char *, const char *,
		    const char *, const char *const *);
static void	 node_start(struct node *, const char *, const char *,
		    const char *);
static struct e2e_ws *ws_connect(const struct node *);
static struct e2e_ws *node_console(const struct node *, struct proto_msg *,
		    char *);
static void	 closed_then_served(struct e2e_ws *, const struct node *,
		    struct proto_msg *);
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
static void	 test_done(struct operators *, char *, char *,
		    struct proto_msg *);
static char	*file_text(const char *, size_t *);
static void	 node_stop(struct node *);
static long	 cpu_ticks(pid_t);
static void	 expect_fd_alert(struct e2e_ws *, struct proto_msg *, int);
static void	 cancel(struct e2e_ws *, const struct opkey *, const char *,
		    const char *);
static int	 ws_next_of(struct e2e_ws *, enum msg_type, enum msg_type,
		    struct proto_msg *, int);
static void	 replay_refused(struct e2e_ws *, const struct opkey *,
		    const char *, const char *);

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
		/* A clock of the test's: 50 ms an iteration. */
		node_router_market(r, 50 * (int64_t)i, 150, 50);
		node_router_step(r, 50 * (int64_t)i, 500, 100);
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
	ck_assert_str_eq(proto_state_name(node_router_state(&race->router)),
	    "killed");
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
	ws_forget();
	e2e_cleanup();
}

/* A zeroed message on the heap. */
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
	node_start_with(node, trust, audit, id, NULL);
}

/* As node_start(), with extra arguments (NULL-terminated, or NULL). */
static void
node_start_with(struct node *node, const char *trust, const char *audit,
    const char *id, const char *const *extra)
{
	struct e2e_lines	*lines;
	char			*argv[28], line[512], *p, want[128];
	char			 ulimit[64], name[64], *fleet;
	int			 argc = 0, fd, r;

	memset(node, 0, sizeof *node);
	/* A fleet file of its own makes vigild serve wss with its own CA. */
	snprintf(name, sizeof name, "fleet-%s", id);
	fleet = e2e_path(name);
	if (node_fd_limit != 0) {
		snprintf(ulimit, sizeof ulimit, "ulimit -n %d && exec \"$0\" "
		    "\"$@\"", node_fd_limit);
		argv[argc++] = "/bin/sh";
		argv[argc++] = "-c";
		argv[argc++] = ulimit;
	}
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
	argv[argc++] = "--fleet-file";
	argv[argc++] = fleet;
	if (trust != NULL) {
		argv[argc++] = "--trust";
		argv[argc++] = (char *)trust;
	}
	if (audit != NULL) {
		argv[argc++] = "--audit";
		argv[argc++] = (char *)audit;
	}
	while (extra != NULL && *extra != NULL && argc < 27)
		argv[argc++] = (char *)*extra++;
	argv[argc] = NULL;
	node->pid = e2e_spawn(argv, NULL, &fd);
	free(argv[node_fd_limit != 0 ? 3 : 0]);
	free(fleet);

	lines = calloc(1, sizeof *lines);
	ck_assert_ptr_nonnull(lines);
	e2e_lines_init(lines, fd);
	snprintf(want, sizeof want, "router/%s listening on wss://127.0.0.1:",
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

/* A console's websocket to node, over TLS (not checked). */
static struct e2e_ws *
ws_connect(const struct node *node)
{
	char	url[64];

	snprintf(url, sizeof url, "wss://127.0.0.1:%d/", node->port);
	return (e2e_ws_open(url, WAIT_MS));
}

/*
 * A console's websocket to node, past its hello, whose build (of
 * PROTO_NAME_MAX bytes) it copies out; m is scratch.
 */
static struct e2e_ws *
node_console(const struct node *node, struct proto_msg *m, char *build)
{
	struct e2e_ws	*ws = ws_connect(node);

	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	util_copy(build, PROTO_NAME_MAX, m->u.hello.build);
	return (ws);
}

/*
 * ws was closed by node, which still serves a new console (m is
 * scratch); ws is freed.
 */
static void
closed_then_served(struct e2e_ws *ws, const struct node *node,
    struct proto_msg *m)
{
	ck_assert_ptr_null(e2e_ws_recv(ws, WAIT_MS));
	e2e_ws_close(ws);
	ws = ws_connect(node);
	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	e2e_ws_close(ws);
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
	return (ws_next_of(ws, type, type, m, timeout_ms));
}

/* As ws_next(), for a message of either type or also. */
static int
ws_next_of(struct e2e_ws *ws, enum msg_type type, enum msg_type also,
    struct proto_msg *m, int timeout_ms)
{
	int64_t	 deadline = e2e_now_ms() + timeout_ms, left;
	char	*text, cause[PROTO_TEXT_MAX];

	for (;;) {
		left = deadline - e2e_now_ms();
		if (left <= 0 || (text = e2e_ws_recv(ws, (int)left)) == NULL)
			return (0);
		ws_forget();
		ws_last = msg_new();
		ck_assert_msg(proto_decode(text, strlen(text), ws_last, cause,
		    sizeof cause) == 0, "vigild sent a frame vigil cannot "
		    "decode: %s: %.300s", cause, text);
		free(text);
		memcpy(m, ws_last, sizeof *m);
		if (m->type == type || m->type == also)
			return (1);
	}
}

/* Free what the last ws_next() decoded onto the heap. */
static void
ws_forget(void)
{
	if (ws_last == NULL)
		return;
	proto_msg_clear(ws_last);
	free(ws_last);
	ws_last = NULL;
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
	cmd->targets = e2e_targets(1);
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
	m->u.propose.document = (char *)text;
	e2e_sign_document(key, name, text, 0, &m->u.propose.sig);
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
	m->u.approve.document = (char *)text;
	e2e_sign_document(key, name, text, 0, &m->u.approve.sig);
	ws_send(ws, m);
	free(m);
}

/* Send a cancel of command id signed by key as operator name. */
static void
cancel(struct e2e_ws *ws, const struct opkey *key, const char *name,
    const char *id)
{
	struct proto_msg	*m = msg_new();
	char			*bytes;

	m->type = MSG_CANCEL;
	util_copy(m->u.cancel.id, sizeof m->u.cancel.id, id);
	if (asprintf(&bytes, "vigil.v1 cancel %s", id) == -1)
		ck_abort_msg("out of memory");
	sign_into(key, name, bytes, &m->u.cancel.sig);
	free(bytes);
	ws_send(ws, m);
	free(m);
}

/* Free what a wire test made: keys, paths and its message. */
static void
test_done(struct operators *ops, char *trust, char *audit,
    struct proto_msg *m)
{
	free(m);
	free(trust);
	free(audit);
	operators_free(ops);
}

/* The whole of the file at path, NUL-terminated; its size in *size. */
static char *
file_text(const char *path, size_t *size)
{
	FILE	*f;
	char	*buf;
	long	 n;

	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (size != NULL)
		*size = (size_t)n;
	return (buf);
}

/* Stop a node started by node_start() as an operator would, SIGTERM. */
static void
node_stop(struct node *node)
{
	e2e_kill(node->pid, SIGTERM);
	ck_assert_int_eq(e2e_wait(node->pid, WAIT_MS), 0);
}

/* Wait for a result in reply to in_reply_to with outcome; copy it out. */
static void
expect_result(struct e2e_ws *ws, const char *in_reply_to, const char *outcome,
    struct proto_result *out)
{
	struct proto_msg	*m = msg_new();

	ck_assert_msg(ws_next(ws, MSG_RESULT, m, WAIT_MS) == 1, "no result "
	    "for %s", in_reply_to);
	ck_assert_msg(strcmp(proto_outcome_name(m->u.result.outcome),
	    outcome) == 0, "%s came back %s, not %s: %s", in_reply_to,
	    proto_outcome_name(m->u.result.outcome), outcome,
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
		ck_assert_str_eq(proto_state_name(m->u.stats.router.state),
		    "running");
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
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "pending");
	ck_assert_str_eq(m->u.proposal.document, text);

	/* A console that connects now is told of it after hello. */
	carol = ws_connect(&node);
	ck_assert_int_eq(ws_next(carol, MSG_HELLO, m, WAIT_MS), 1);
	ck_assert_int_eq(ws_next(carol, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "pending");
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
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "executed");
	ck_assert_uint_eq(m->u.proposal.nsigs, 2);

	/* Its stats say halting with the residue, then killed. */
	children = 0;
	for (k = 0; k < 100 && !killed; k++) {
		ck_assert_int_eq(ws_next(bob, MSG_STATS, m, WAIT_MS), 1);
		if (children == 0)
			children = m->u.stats.router.child_orders_total;
		ck_assert_uint_eq(m->u.stats.router.child_orders_total,
		    children);
		if (m->u.stats.router.state == STATE_HALTING) {
			ck_assert_uint_gt(m->u.stats.router.open_children, 0);
			halting++;
		} else {
			ck_assert_str_eq(proto_state_name(
			    m->u.stats.router.state), "killed");
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
		ck_assert_str_eq(proto_state_name(m->u.stats.router.state),
		    "killed");
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
		ck_assert_str_eq(proto_state_name(m->u.stats.router.state),
		    "running");
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

/*
 * Read the audit log at path into at most max entries (allocated, each
 * freed by the caller); returns how many.
 */
static size_t
audit_entries(const char *path, struct proto_audit_entry **e, size_t max)
{
	char	*text, *line, *nl, why[PROTO_TEXT_MAX];
	size_t	 n = 0, size;

	text = file_text(path, &size);
	for (line = text; n < max && (nl = strchr(line, '\n')) != NULL;
	    line = nl + 1) {
		e[n] = malloc(sizeof *e[n]);
		ck_assert_ptr_nonnull(e[n]);
		ck_assert_msg(proto_audit_decode(line, (size_t)(nl - line),
		    e[n], why, sizeof why) == 0, "audit line %zu: %s", n + 1,
		    why);
		n++;
	}
	free(text);
	return (n);
}

/*
 * Write entries e as the log at path, each line's prev the SHA-256 of
 * the line written before it: the chain a forger would write again.
 */
static void
audit_rechain(const char *path, struct proto_audit_entry **e, size_t n)
{
	FILE	*f = fopen(path, "w");
	char	*line;
	size_t	 i;

	ck_assert_ptr_nonnull(f);
	memset(e[0]->prev, '0', 64);
	for (i = 0; i < n; i++) {
		line = proto_audit_encode(e[i]);
		fprintf(f, "%s\n", line);
		if (i + 1 < n)
			opkey_sha256_hex(line, strlen(line), e[i + 1]->prev);
		free(line);
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* vigil audit verify on path exits 1 with a sentence holding want. */
static void
audit_caught(const char *path, const char *want)
{
	struct e2e_result	 r;
	char			*argv[5];

	argv[0] = e2e_bin("vigil");
	argv[1] = "audit";
	argv[2] = "verify";
	argv[3] = (char *)path;
	argv[4] = NULL;
	e2e_run(argv, NULL, WAIT_MS, &r);
	free(argv[0]);
	ck_assert_msg(r.status == 1 && strstr(r.err, want) != NULL, "audit "
	    "verify exited %d, not 1 saying \"%s\": %s%s", r.status, want,
	    r.out, r.err);
	e2e_result_free(&r);
}

/*
 * The latest execute line's time in the audit logs of directory dir;
 * the earliest in *first.
 */
static int64_t
latest_execute_ms(const char *dir, size_t *nlogs, int64_t *first)
{
	char		 cmd[600], line[8192], *p;
	FILE		*f;
	int64_t		 t, latest = 0;

	*nlogs = 0;
	snprintf(cmd, sizeof cmd, "cat %s/*.audit", dir);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "\"event\":\"execute\"") == NULL ||
		    (p = strstr(line, "\"time_ms\":")) == NULL)
			continue;
		t = strtoll(p + 10, NULL, 10);
		(*nlogs)++;
		if (t > latest)
			latest = t;
		if (*nlogs == 1 || t < *first)
			*first = t;
	}
	pclose(f);
	return (latest);
}

/*
 * When vigild sent the first frame showing one of the n routers watched
 * on ws[] not running, on the wall clock in microseconds: the earliest
 * of the kernel's stamps of the frames that first showed each halting
 * (e2e_ws_stamp_us), so that a watcher late to its sockets, on a loaded
 * machine, does not move it.  *read_ms is when the watcher itself first
 * read one, for comparison.  Waits for all n, within 90 s.
 */
static int64_t
first_halting_sent_us(struct e2e_ws **ws, size_t n, int64_t *read_ms)
{
	struct proto_msg *m = msg_new();
	char		*frame;
	int64_t		 deadline, first = 0, sent[20] = { 0 };
	size_t		 i, left = n;
	int		 halting;

	ck_assert_uint_le(n, 20);
	*read_ms = 0;
	deadline = e2e_now_ms() + 90000;
	while (left > 0 && e2e_now_ms() < deadline) {
		for (i = 0; i < n; i++) {
			if (sent[i] != 0 ||
			    (frame = e2e_ws_recv(ws[i], 1)) == NULL)
				continue;
			memset(m, 0, sizeof *m);
			halting = proto_decode(frame, strlen(frame), m, NULL,
			    0) == 0 && m->type == MSG_STATS &&
			    m->u.stats.role == ROLE_ROUTER &&
			    m->u.stats.router.state != STATE_RUNNING;
			proto_msg_clear(m);
			free(frame);
			if (!halting)
				continue;
			sent[i] = e2e_ws_stamp_us(ws[i]);
			if (*read_ms == 0)
				*read_ms = util_wall_ms();
			if (first == 0 || sent[i] < first)
				first = sent[i];
			left--;
		}
	}
	free(m);
	ck_assert_msg(left == 0, "%zu of the %zu routers watched were not "
	    "seen halting within 90 s", left, n);
	return (first);
}

/*
 * A kill of 400 routers through vigil propose and vigil approve: the
 * 400 approvals reach vigild in one pass of its loop, and it used to
 * take them all before it sent what any had changed, so no router was
 * seen halting before the last had executed.  A console watching every
 * twentieth router (r1, r21 .. r381: the approvals reach vigild in an
 * order of the approver's links, and r1 to r20 came last, all in the
 * final pass) now finds one halting frame sent before the latest
 * execute line in the routers' audit logs.  Both times are vigild's own
 * on the one wall clock: the execute line's, and the kernel's stamp of
 * the frame as vigild wrote it, not when the watcher got round to
 * reading it (on a loaded machine that was late enough to fail).
 */
START_TEST(a_kill_shows_routers_halting_before_its_last_executes)
{
	char		*alice = e2e_make_key("alice");
	char		*bob = e2e_make_key("bob");
	char		*trust, *audit = e2e_path("audit"), *fleet, *url;
	char		*argv[420], env[600], *env_v[2] = { env, NULL };
	char		 id[64], node[32];
	struct e2e_ws	*ws[20];
	struct e2e_result r;
	int64_t		 sent, read, last, first = 0;
	size_t		 i, argc = 0, nlogs;
	pid_t		 vigild, approver;

	trust = e2e_trust_file(alice, "alice", bob, "bob", (char *)NULL);
	ck_assert_int_eq(mkdir(audit, 0700), 0);
	fleet = e2e_start_fleet("calm", (const char *[]){ "--trust", trust,
	    "--audit-dir", audit, "--routers", "400", NULL }, &vigild);

	argv[argc++] = e2e_bin("vigil");
	argv[argc++] = "--fleet";
	argv[argc++] = fleet;
	argv[argc++] = "--wait";
	argv[argc++] = "60";
	argv[argc++] = "propose";
	argv[argc++] = "kill";
	for (i = 1; i <= 400; i++)
		ck_assert_int_ne(asprintf(&argv[argc++], "router/r%zu", i), -1);
	argv[argc++] = "--reason";
	argv[argc++] = "a drill";
	argv[argc++] = "--yes";
	argv[argc] = NULL;
	snprintf(env, sizeof env, "VIGIL_KEY=%s", alice);
	e2e_run(argv, env_v, 120000, &r);
	ck_assert_msg(r.status == 0, "propose exited %d: %.500s%.500s",
	    r.status, r.out, r.err);
	ck_assert_int_eq(sscanf(r.out, "proposal %32[0-9a-f]:", id), 1);
	e2e_result_free(&r);
	for (i = 7; i < 407; i++)
		free(argv[i]);

	for (i = 0; i < 20; i++) {
		snprintf(node, sizeof node, "router/r%zu", 1 + 20 * i);
		url = e2e_fleet_url(fleet, node);
		ws[i] = e2e_ws_open(url, WAIT_MS);
		e2e_ws_stamp(ws[i]);
		free(url);
	}
	argc = 5;
	argv[argc++] = "approve";
	argv[argc++] = id;
	argv[argc++] = "--yes";
	argv[argc] = NULL;
	snprintf(env, sizeof env, "VIGIL_KEY=%s", bob);
	approver = e2e_spawn(argv, env_v, NULL);

	sent = first_halting_sent_us(ws, 20, &read);
	ck_assert_int_eq(e2e_wait(approver, 120000), 0);
	last = latest_execute_ms(audit, &nlogs, &first);
	ck_assert_uint_eq(nlogs, 400);
	fprintf(stderr, "kill of 400: the routers executed over %lld ms; "
	    "the first halting of r1, r21 .. r381 sent %.1f ms before the "
	    "last (read %lld ms before it)\n", (long long)(last - first),
	    (double)(last * 1000 - sent) / 1000, (long long)(last - read));
	/* The execute line's milliseconds are cut: a whole one earlier. */
	ck_assert_msg(sent / 1000 < last, "the first halting of "
	    "router/r1, r21 .. r381 was sent %.1f ms after the last router "
	    "executed: vigild sent nothing until it had taken every approval",
	    (double)(sent - last * 1000) / 1000);
	for (i = 0; i < 20; i++)
		e2e_ws_close(ws[i]);
	free(argv[0]);
	free(fleet);
	free(trust);
	free(audit);
	free(alice);
	free(bob);
}
END_TEST

/*
 * The document is in the audit log once, on the proposal's line; the
 * approval's and the execution's lines name it by its SHA-256.  A
 * document altered there is still caught by vigil audit verify: as a
 * broken chain, as a document whose hash is not the line's, and, when a
 * forger rewrites the hash and the whole chain after it, as a document
 * other than the one the approval and execution name.
 */
START_TEST(the_audit_log_holds_the_document_once_and_catches_a_change)
{
	struct operators	  ops;
	struct node		  node;
	struct e2e_ws		 *ws;
	struct proto_msg	 *m = msg_new();
	struct proto_command	  cmd;
	struct proto_audit_entry *e[8];
	char			 *trust = e2e_path("operators");
	char			 *audit = e2e_path("r8.audit");
	char			 *text, *p, sha[65], build[PROTO_NAME_MAX];
	size_t			  n, i, size;
	FILE			 *f;

	operators_make(&ops, trust);
	node_start(&node, trust, audit, "r8");
	ws = ws_connect(&node);
	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	util_copy(build, sizeof build, m->u.hello.build);
	text = document("kill", "router/r8", build, "running", TTL_MS, &cmd);
	opkey_sha256_hex(text, strlen(text), sha);
	propose(ws, ops.alice, "alice", text);
	expect_result(ws, "propose", "accepted", NULL);
	approve(ws, ops.bob, "bob", cmd.id, text);
	expect_result(ws, "approve", "executed", NULL);
	node_stop(&node);

	n = audit_entries(audit, e, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(e[0]->event, "propose");
	ck_assert_str_eq(e[0]->document, text);
	ck_assert_str_eq(e[0]->sha256, sha);
	for (i = 1; i < 3; i++) {
		ck_assert_str_eq(e[i]->event, i == 1 ? "approve" : "execute");
		ck_assert_msg(e[i]->document[0] == '\0', "the %s line holds "
		    "the document again", e[i]->event);
		ck_assert_str_eq(e[i]->sha256, sha);
	}

	/* One byte of the proposal's document changed in place. */
	free(text);
	text = file_text(audit, &size);
	p = strstr(text, "runaway");
	ck_assert_msg(p != NULL && p < strchr(text, '\n'), "the reason is "
	    "not on the proposal's line");
	*p = 'R';
	f = fopen(audit, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
	audit_caught(audit, "line 1: its document does not have the SHA-256");

	/* A forger who rewrites that line's hash and the chain after it. */
	p = strstr(e[0]->document, "runaway");
	ck_assert_ptr_nonnull(p);
	*p = 'R';
	opkey_sha256_hex(e[0]->document, strlen(e[0]->document),
	    e[0]->sha256);
	audit_rechain(audit, e, n);
	audit_caught(audit, "line 2: it names the document of command");

	for (i = 0; i < n; i++)
		free(e[i]);
	e2e_ws_close(ws);
	test_done(&ops, trust, audit, m);
	free(text);
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
	char			*text, build[PROTO_NAME_MAX];

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
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "pending");
	cancel(alice, ops.alice, "alice", cmd.id);
	expect_result(alice, "cancel", "cancelled", &res);
	ck_assert_str_eq(res.id, cmd.id);
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "cancelled");
	approve(bob, ops.bob, "bob", cmd.id, text);
	expect_result(bob, "approve", "refused", NULL);
	free(text);

	/* A proposal nobody approves in time expires, and bob is told. */
	text = document("kill", "router/r5", build, "running", 1500, &cmd);
	propose(alice, ops.alice, "alice", text);
	expect_result(alice, "propose", "accepted", NULL);
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "pending");
	ck_assert_int_eq(ws_next(bob, MSG_PROPOSAL, m, WAIT_MS), 1);
	ck_assert_str_eq(m->u.proposal.id, cmd.id);
	ck_assert_str_eq(proto_status_name(m->u.proposal.status), "expired");
	approve(bob, ops.bob, "bob", cmd.id, text);
	expect_result(bob, "approve", "refused", &res);
	ck_assert_int_eq(ws_next(bob, MSG_STATS, m, WAIT_MS), 1);
	ck_assert_str_eq(proto_state_name(m->u.stats.router.state), "running");

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
	ck_assert_str_eq(proto_state_name(m->u.stats.router.state), "running");

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
	ck_assert_str_eq(proto_state_name(m->u.stats.router.state), "running");

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

/*
 * A peer floods proposals claiming to be alice, signed with mallory's
 * key, half of them 15 KB of junk: each costs the audit log one short
 * line (the document's hash, alice marked unverified, the reason, never
 * the document), and after a bounded number the connection is closed
 * with its reason in an error frame.
 */
START_TEST(a_flood_of_forged_proposals_costs_the_log_little_and_is_cut_off)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	struct proto_command	 cmd;
	char			*trust = e2e_path("operators");
	char			*audit = e2e_path("r6.audit");
	char			*text, *junk, *log, hash[65], want[128];
	char			 build[PROTO_NAME_MAX];
	size_t			 before, after, i;
	int			 cut = 0;

	operators_make(&ops, trust);
	node_start(&node, trust, audit, "r6");
	ws = node_console(&node, m, build);
	text = document("kill", "router/r6", build, "running", TTL_MS, &cmd);
	junk = malloc(15001);
	ck_assert_ptr_nonnull(junk);
	memset(junk, 'x', 15000);
	junk[15000] = '\0';
	free(file_text(audit, &before));

	for (i = 0; i < 200 && !cut; i++) {
		memset(m, 0, sizeof *m);
		m->type = MSG_PROPOSE;
		m->u.propose.document = i % 2 ? junk : text;
		e2e_sign_document(ops.mallory, "alice",
		    m->u.propose.document, 0, &m->u.propose.sig);
		log = proto_encode(m);
		if (e2e_ws_try_send(ws, log) != 0) {
			free(log);
			break;
		}
		free(log);
		ck_assert_msg(ws_next_of(ws, MSG_RESULT, MSG_ERROR, m,
		    WAIT_MS) == 1, "no answer to forged proposal %zu", i + 1);
		if (m->type == MSG_ERROR) {
			ck_assert_msg(strstr(m->u.error.text, "too many "
			    "refused") != NULL && strstr(m->u.error.text,
			    "closes this connection") != NULL, "the cut-off "
			    "does not say why: %s", m->u.error.text);
			cut = 1;
		} else
			ck_assert_str_eq(proto_outcome_name(
			    m->u.result.outcome), "refused");
	}
	ck_assert_msg(cut, "200 forged proposals were refused one by one, "
	    "and the connection was never closed");
	ck_assert_uint_le(i, 40);
	closed_then_served(ws, &node, m);

	log = file_text(audit, &after);
	ck_assert_msg(after - before < 40 * 1024, "%zu forged proposals "
	    "wrote %zu bytes to the audit log", i, after - before);
	ck_assert_ptr_null(strstr(log, "xxxxxxxxxxxxxxxx"));
	opkey_sha256_hex(text, strlen(text), hash);
	snprintf(want, sizeof want, "\"sha256\":\"%s\"", hash);
	ck_assert_msg(strstr(log, want) != NULL, "no refusal holds the "
	    "document's hash: %.600s", log);
	ck_assert_ptr_nonnull(strstr(log, "\"verified\":false"));
	ck_assert_ptr_null(strstr(log, "runaway child orders"));
	free(log);
	free(junk);
	free(text);
	test_done(&ops, trust, audit, m);
}
END_TEST

/*
 * With its audit log's filesystem below --audit-reserve (made so by a
 * gigabyte the test sets aside just after a proposal), a node refuses
 * a new proposal in words but still records the approval of the one
 * pending, and carries it out.
 */
START_TEST(a_nearly_full_disk_refuses_new_proposals_but_not_approvals)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	struct proto_command	 cmd, other;
	struct proto_result	 res;
	struct statvfs		 sv;
	char			*trust = e2e_path("operators");
	char			*audit = e2e_path("r4.audit");
	char			*ballast = e2e_path("ballast");
	char			*text, *text2, reserve[32];
	char			 build[PROTO_NAME_MAX];
	const char		*extra[] = { "--audit-reserve", reserve, NULL };
	unsigned long long	 free_mb;
	int			 fd;

	operators_make(&ops, trust);
	ck_assert_int_eq(statvfs(e2e_dir(), &sv), 0);
	free_mb = (unsigned long long)sv.f_bavail * sv.f_frsize >> 20;
	ck_assert_msg(free_mb > 2048, "only %llu MB free for the test",
	    free_mb);
	snprintf(reserve, sizeof reserve, "%llu", free_mb - 256);
	node_start_with(&node, trust, audit, "r4", extra);
	ws = node_console(&node, m, build);
	text = document("kill", "router/r4", build, "running", TTL_MS, &cmd);
	text2 = document("kill", "router/r4", build, "running", TTL_MS,
	    &other);
	propose(ws, ops.alice, "alice", text);
	expect_result(ws, "propose", "accepted", NULL);

	fd = open(ballast, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(posix_fallocate(fd, 0, 1024LL << 20), 0);
	close(fd);

	propose(ws, ops.alice, "alice", text2);
	expect_result(ws, "propose", "refused", &res);
	ck_assert_msg(strstr(res.text, "--audit-reserve") != NULL &&
	    strstr(res.text, "free space") != NULL, "the refusal does not "
	    "say the disk is nearly full: %s", res.text);
	approve(ws, ops.bob, "bob", cmd.id, text);
	expect_result(ws, "approve", "executed", &res);
	ck_assert_str_eq(res.id, cmd.id);
	unlink(ballast);

	e2e_ws_close(ws);
	free(text);
	free(text2);
	free(m);
	free(ballast);
	free(trust);
	free(audit);
	operators_free(&ops);
}
END_TEST

/* Send alice's propose of text and expect it refused, saying why. */
static void
replay_refused(struct e2e_ws *ws, const struct opkey *alice,
    const char *text, const char *why)
{
	struct proto_result	res;

	propose(ws, alice, "alice", text);
	expect_result(ws, "propose", "refused", &res);
	ck_assert_msg(strstr(res.text, why) != NULL, "the replay was not "
	    "refused as %s: %s", why, res.text);
}

/*
 * The very propose frame of a cancelled proposal, which every console
 * saw, is refused when sent again, as is one that expired and one that
 * was pending when vigild stopped, also after vigild restarts; the log
 * still verifies.
 */
START_TEST(a_cancelled_or_expired_proposal_cannot_be_revived)
{
	struct operators	 ops;
	struct node		 node;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	struct proto_command	 c1, c2, c3;
	struct e2e_result	 r;
	char			*trust = e2e_path("operators");
	char			*audit = e2e_path("r2.audit");
	char			*vigil = e2e_bin("vigil");
	char			*t1, *t2, *t3, build[PROTO_NAME_MAX];
	char			*argv[] = { vigil, "audit", "verify", audit,
				    NULL };

	operators_make(&ops, trust);
	node_start(&node, trust, audit, "r2");
	ws = node_console(&node, m, build);
	t1 = document("kill", "router/r2", build, "running", TTL_MS, &c1);
	t2 = document("kill", "router/r2", build, "running", 1500, &c2);
	t3 = document("kill", "router/r2", build, "running", TTL_MS, &c3);

	propose(ws, ops.alice, "alice", t1);
	expect_result(ws, "propose", "accepted", NULL);
	cancel(ws, ops.alice, "alice", c1.id);
	expect_result(ws, "cancel", "cancelled", NULL);
	replay_refused(ws, ops.alice, t1, "was cancelled");

	propose(ws, ops.alice, "alice", t2);
	expect_result(ws, "propose", "accepted", NULL);
	e2e_sleep_ms(2000);
	replay_refused(ws, ops.alice, t2, "expired");
	propose(ws, ops.alice, "alice", t3);
	expect_result(ws, "propose", "accepted", NULL);
	e2e_ws_close(ws);
	node_stop(&node);

	node_start(&node, trust, audit, "r2");
	ws = ws_connect(&node);
	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	replay_refused(ws, ops.alice, t1, "was cancelled");
	replay_refused(ws, ops.alice, t3, "was proposed before");
	e2e_ws_close(ws);
	node_stop(&node);

	e2e_run(argv, NULL, WAIT_MS, &r);
	ck_assert_msg(r.status == 0, "vigil audit verify: %s%s", r.out,
	    r.err);
	e2e_result_free(&r);
	free(t1);
	free(t2);
	free(t3);
	free(vigil);
	test_done(&ops, trust, audit, m);
}
END_TEST

/*
 * A frame longer than vigil.v1 allows earns an error naming the limit,
 * and the connection is closed, as vigil-protocol(7) says; the node
 * serves the next console as before.
 */
START_TEST(an_oversized_frame_is_answered_and_its_connection_closed)
{
	struct node		 node;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	char			*big;

	node_start(&node, NULL, NULL, "r1");
	ws = ws_connect(&node);
	ck_assert_int_eq(ws_next(ws, MSG_HELLO, m, WAIT_MS), 1);
	big = malloc(PROTO_MAX_FRAME + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', PROTO_MAX_FRAME + 1);
	big[PROTO_MAX_FRAME + 1] = '\0';
	ck_assert_int_eq(e2e_ws_try_send(ws, big), 0);
	ck_assert_int_eq(ws_next(ws, MSG_ERROR, m, WAIT_MS), 1);
	ck_assert_msg(strstr(m->u.error.text, "524288") != NULL &&
	    strstr(m->u.error.text, "closed") != NULL, "the error does not "
	    "say the limit and that the link closes: %s", m->u.error.text);
	closed_then_served(ws, &node, m);
	free(big);
	free(m);
}
END_TEST

/* CPU time pid has used, in clock ticks (utime + stime). */
static long
cpu_ticks(pid_t pid)
{
	char	 path[64], buf[1024], *p;
	long	 utime, stime;
	FILE	*f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_ptr_nonnull(p = strrchr(buf, ')'));
	ck_assert_int_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
	    "%*u %*u %ld %ld", &utime, &stime), 2);
	return (utime + stime);
}

/* Wait on ws for node's fd-limit alert, raised or (clear) cleared. */
static void
expect_fd_alert(struct e2e_ws *ws, struct proto_msg *m, int clear)
{
	int64_t	deadline = e2e_now_ms() + WAIT_MS;

	do {
		ck_assert_msg(ws_next(ws, MSG_ALERT, m, (int)(deadline -
		    e2e_now_ms())) == 1, "no fd-limit alert (clear %d) came",
		    clear);
	} while (strcmp(m->u.alert.code, "fd-limit") != 0 ||
	    m->u.alert.clear != clear);
}

/*
 * Run with ulimit -n 64, vigild meets more connections than it may
 * hold: it stops accepting instead of spinning on accept() (under 30%
 * of a core, a few lines of stderr), the console connected before is
 * told why in words, and once the extra connections close, a new
 * console connects again.
 */
START_TEST(at_its_descriptor_limit_vigild_waits_quietly_and_says_why)
{
	struct node		 node;
	struct sockaddr_in	 sin;
	struct e2e_ws		*ws;
	struct proto_msg	*m = msg_new();
	char			*err, build[PROTO_NAME_MAX];
	int			 socks[80], i;
	long			 before, used;

	node_fd_limit = 64;
	node_start(&node, NULL, NULL, "r7");
	node_fd_limit = 0;
	ws = node_console(&node, m, build);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)node.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 80; i++) {
		socks[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(socks[i], 0);
		(void)connect(socks[i], (struct sockaddr *)&sin, sizeof sin);
	}
	expect_fd_alert(ws, m, 0);
	ck_assert_msg(strstr(m->u.alert.text, "refuses new connections") !=
	    NULL && strstr(m->u.alert.text, "ulimit -n") != NULL, "the alert "
	    "does not say why: %s", m->u.alert.text);

	before = cpu_ticks(node.pid);
	e2e_sleep_ms(3000);
	used = cpu_ticks(node.pid) - before;
	ck_assert_msg(used * 100 < 30 * 3 * sysconf(_SC_CLK_TCK), "vigild "
	    "used %ld ticks of CPU in 3 s at its descriptor limit", used);
	err = e2e_stderr_of(node.pid);
	ck_assert_msg(strlen(err) < 8192 && strstr(err, "not accepting "
	    "connections") != NULL, "vigild said %zu bytes at its limit: "
	    "%.300s", strlen(err), err);
	free(err);

	for (i = 0; i < 80; i++)
		close(socks[i]);
	expect_fd_alert(ws, m, 1);
	e2e_ws_close(ws);
	ws = node_console(&node, m, build);
	e2e_ws_close(ws);
	free(m);
}
END_TEST

/* How many descriptors process pid holds now. */
static int
fd_count(pid_t pid)
{
	struct dirent	*d;
	DIR		*dir;
	char		 path[64];
	int		 n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	ck_assert_ptr_nonnull(dir = opendir(path));
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dir);
	return (n);
}

/*
 * A fleet of 102 nodes run without --audit-dir, under ulimit -n 400,
 * accepts 250 connections at once: it keeps no descriptor back for
 * audit logs it never opened.  It used to keep one per node, and so
 * stopped accepting at about 180, saying its limit was reached.
 */
START_TEST(without_audit_logs_vigild_keeps_no_descriptors_for_them)
{
	static const char *const extra[] = { "--routers", "100",
	    "--stations", "2", NULL };
	struct rlimit		 rl, low;
	struct sockaddr_in	 sin;
	char			*fleet, *url, *err;
	int			 socks[250], i, base, n;
	int64_t			 deadline;
	pid_t			 pid;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 400;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	fleet = e2e_start_fleet("calm", extra, &pid);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	url = e2e_fleet_url(fleet, "router/r1");

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(strrchr(url, ':') + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	base = fd_count(pid);
	for (i = 0; i < (int)nitems(socks); i++) {
		socks[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(socks[i], 0);
		(void)connect(socks[i], (struct sockaddr *)&sin, sizeof sin);
	}
	deadline = e2e_now_ms() + WAIT_MS;
	while ((n = fd_count(pid) - base) < (int)nitems(socks) &&
	    e2e_now_ms() < deadline)
		e2e_sleep_ms(100);
	err = e2e_stderr_of(pid);
	ck_assert_msg(n >= (int)nitems(socks), "vigild without audit logs "
	    "accepted %d of %zu connections under ulimit -n 400; it said: "
	    "%.400s", n, nitems(socks), err);
	ck_assert_msg(strstr(err, "not accepting") == NULL, "vigild said "
	    "it was full: %.400s", err);
	for (i = 0; i < (int)nitems(socks); i++)
		close(socks[i]);
	free(err);
	free(url);
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
	tcase_add_test(wire,
	    a_kill_shows_routers_halting_before_its_last_executes);
	tcase_add_test(wire,
	    the_audit_log_holds_the_document_once_and_catches_a_change);
	tcase_add_test(wire,
	    a_flood_of_forged_proposals_costs_the_log_little_and_is_cut_off);
	tcase_add_test(wire,
	    a_nearly_full_disk_refuses_new_proposals_but_not_approvals);
	tcase_add_test(wire, a_cancelled_or_expired_proposal_cannot_be_revived);
	tcase_add_test(wire,
	    an_oversized_frame_is_answered_and_its_connection_closed);
	tcase_add_test(wire,
	    at_its_descriptor_limit_vigild_waits_quietly_and_says_why);
	tcase_add_test(wire,
	    without_audit_logs_vigild_keeps_no_descriptors_for_them);
	suite_add_tcase(s, wire);
	return (s);
}
