/*
 * server.c: vigild's websocket server: one libwebsockets context, one
 * vhost (listening port) per simulated node or one for a gateway's
 * nodes, a timer driving the simulator, a bounded queue of outgoing
 * frames per console, and one two-person rule engine per node carrying
 * commands to the simulator.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <libwebsockets.h>

#include "audit.h"
#include "command.h"
#include "driver.h"
#include "move.h"
#include "opkey.h"
#include "proto.h"
#include "proto-plan.h"
#include "server.h"
#include "sim.h"
#include "syncpool.h"
#include "tls.h"
#include "util.h"

/* Bad messages logged per console before the rest are only answered. */
#define SERVER_LOG_PER_SESSION	20

/*
 * And over every console together: SERVER_LOG_PER_WINDOW lines each
 * SERVER_LOG_WINDOW_MS, then one line counting the rest.  The budget
 * per console alone lets a peer that opens connection after connection,
 * each with one bad message or one refused auth, write a line for each.
 */
#define SERVER_LOG_PER_WINDOW	100
#define SERVER_LOG_WINDOW_MS	10000

/*
 * Refusals (of commands and of bad messages) a console may earn: a burst
 * of SERVER_REFUSAL_BURST, then SERVER_REFUSALS_PER_S a second.  One
 * past that closes its connection, so that a peer sending forged or
 * broken frames in a loop costs the audit log a bounded number of
 * lines.  An operator fixing a mistake by hand stays far below it.
 */
/* Descriptors kept back from libwebsockets, beyond one per open audit log. */
#define SERVER_FD_SPARE		16
/* Ports a listener tries before it reports the last one's failure. */
#define SERVER_PICK_TRIES	4

/*
 * Where reading requires a key, a console that has not answered its
 * hello's challenge after this long is told so and disconnected.
 */
#define SERVER_AUTH_MS		10000

/*
 * A console silent for SERVER_PING_MS is pinged, and dropped if it has
 * not answered by SERVER_HANGUP_MS: a console frozen behind a dead SSH
 * tunnel sends no FIN.
 */
#define SERVER_PING_MS		30000
#define SERVER_HANGUP_MS	40000

#define SERVER_REFUSAL_BURST	20
#define SERVER_REFUSALS_PER_S	2

/*
 * Documents sent whole to a console instance (its PROTO_INSTANCE_HEADER),
 * remembered as SERVER_SENT_MAX pairs, the least recently used replaced:
 * on that instance's other links each goes by its SHA-256 alone.
 */
#define SERVER_SENT_MAX		64

/*
 * Wants a console may have answered with a document: a burst of
 * SERVER_WANT_BURST, then SERVER_WANTS_PER_S a second.  A console asks
 * once per document it lacks, so a flood is refused (and each refusal
 * counted against its allowance above) before it costs much.
 */
#define SERVER_WANT_BURST	8
#define SERVER_WANTS_PER_S	1
/* Bytes libwebsockets reads or writes of a message at once. */
#define SERVER_RX_PIECE		(64 * 1024)

/*
 * Milliseconds of CPU time spent on consoles' messages in one pass of
 * the loop before the rest wait for the next pass (server_work), so
 * that what the first ones changed goes out meanwhile: the approvals of
 * a kill of 1,000 routers arrive in one pass, and handled all at once,
 * no router showed halting before the last was.  CPU time, not the
 * clock's: on a loaded machine a pass of the clock's 10 ms may hold
 * one message, and the loop's own cost per pass (polling every socket)
 * would then be paid per message.
 */
#define SERVER_PASS_MS		10

/*
 * The loop reads its CPU clock for that budget once every so many
 * messages it takes or judges, not after each: the thread's CPU clock
 * is a system call (no vDSO for it), three a router in a kill of 1,000
 * were 4% of the loop's time there, and a message costs some 50 us, so
 * a pass overruns its 10 ms by a few hundred microseconds at most.
 */
#define SERVER_CLOCK_EVERY	4

/*
 * The approvals a pass keeps for their signature checks over the cores
 * (server_verify_run) count towards its budget too, each at what one
 * lately cost in CPU (its check, on whichever thread, and judging it;
 * the loop's judging alone while the checks run on threads apart from
 * it, server_verify_post), so that a pass holds as many as when each
 * was checked on arrival,
 * and the first routers of a kill halt while the last are checked.
 * This until a pass has measured them.
 */
#define SERVER_VERIFY_US	500
/* Bytes of messages that may wait so; past it, each is handled at once. */
#define SERVER_WAIT_BYTES	(16 * 1024 * 1024)
/*
 * While messages wait, the periodic stats wait too, up to this late:
 * what a command changed goes out with its result at once, and the
 * stats of 1,000 nodes to each console every period, sent between a
 * kill's approvals, came before the approvals still waiting.
 */
#define SERVER_STATS_HOLD_MS	1000

_Static_assert(SERVER_STEP_MS > 0 && SERVER_STATS_MS >= SERVER_STEP_MS,
    "stats go out at most once per simulator step");
_Static_assert(SERVER_DIRECT_STATS_MAX_MS % SERVER_STATS_MS == 0,
    "a direct node's longest stats period is a whole number of periods");

struct server_session;

/*
 * One listening vhost and the consoles connected to it: one node's, or a
 * gateway's serving nodes first .. first + count - 1 over each
 * websocket.  A gateway sends each node's stats in turn, a share every
 * step, so that a period's frames are spread out and at most
 * SERVER_GATEWAY_STATS_PER_S go out a second.
 */
struct server_listener {
	struct server		*server;
	struct lws_vhost	*vhost;
	int			 port;
	size_t			 first;
	size_t			 count;
	struct server_session	*sessions;	/* linked through next */
	size_t			 nsessions;
	size_t			 stats_next;	/* gateway: next node's turn */
	size_t			 stats_from;	/* this step's turns */
	size_t			 stats_n;
	/* Its vhost's name: libwebsockets keeps the pointer, not a copy. */
	char			 name[PROTO_ID_MAX + 16];
};

/* One node: its rule engine, and the listener serving it. */
struct server_node {
	struct server		*server;
	size_t			 index;		/* simulator node number */
	struct server_listener	*listener;
	struct command_engine	*engine;	/* NULL: trusts no one */
	struct audit		*audit;		/* not owned; may be NULL */
	/* A move-root this node sealed, until confirmed or timed out. */
	char			 move_id[PROTO_CMDID_MAX];
	char			 move_to[PROTO_ID_MAX];
	int64_t			 move_deadline_ms;	/* wall clock */
	/* Its audit's slot in the group sync numbered sync_batch. */
	uint64_t		 sync_batch;
	size_t			 sync_slot;
	/* Its approves and cancels waiting for the pass's checks. */
	size_t			 nverify;
	/* A console was just told its counters: stats next period. */
	int			 fresh;
	uint64_t		 walked;	/* server->walks when last
						   looked at (server_walk) */
};

/*
 * Threads that fdatasync the audit logs of a pass's executions together
 * (syncpool.h); a few, since each waits on the disk, not a core.
 */
#ifndef SERVER_SYNC_THREADS
#define SERVER_SYNC_THREADS	4
#endif
#ifndef SERVER_FLUSH_THREADS
#define SERVER_FLUSH_THREADS	32
#endif

/*
 * An execution waiting for its audit lines to be durable: by node index
 * and command id, looked up again once they are, since the console and
 * even the command may be gone by then.
 */
struct server_durable {
	size_t			 node;
	char			 id[PROTO_CMDID_MAX];
	struct audit_ticket	 ticket;	/* its lines' */
	size_t			 slot;		/* in the batch's fds */
	int			 landed;	/* carried out or refused */
};

/*
 * A group sync: the executions waiting for it, in the order they came,
 * and one slot per audit log they wrote to: its descriptor, the log as
 * the sync began, and the sync's result once it is reaped.
 */
struct server_batch {
	struct server_durable	*durable;
	size_t			 ndurable;
	size_t			 nlanded;
	size_t			 cap;		/* of each array */
	size_t			*nodes;		/* by slot */
	int			*fds;
	int			*errors;
	int			*synced;
	struct audit_point	*at;
	size_t			*ended;		/* syncpool_reap's */
	size_t			 nsync;
};

/*
 * An approve or cancel from a console, waiting for the signature checks
 * at the next pass (server_verify_run): its node by index, since the
 * console may be gone by then (sn NULL); the message copied (approve's
 * document on the heap).  A cancel, or any approve, for a node with one
 * waiting waits too, behind it, so that each node judges its messages
 * in the order they came.
 */
struct server_verify {
	struct server_session	*sn;		/* NULL: it went away */
	size_t			 node;
	enum msg_type		 type;		/* MSG_APPROVE or MSG_CANCEL */
	struct proto_approve	 approve;
	struct proto_cancel	 cancel;
	struct command_sigcheck	 check;
	char			*text;		/* check's statement, copied */
	int			 checking;	/* check is to be run */
	int			 ended;		/* in flight: reaped */
	int64_t			 check_us;	/* its thread's CPU for it */
};

/*
 * One console's websocket, in the per-session memory libwebsockets
 * allocates (zeroed) for each connection.
 */
struct server_session {
	struct server_listener	*listener;
	struct server_node	*node;		/* the node a message is
						   about: a gateway's
						   changes per message */
	struct lws		*wsi;
	int			 batch;		/* 1: refusals are noted,
						   not counted */
	int			 batch_refused;
	struct server_session	*next;
	struct server_session	**prevp;
	int			 linked;
	int			 dead;		/* dropped; being closed */
	int			 closing;	/* close once queue drains */
	enum lws_close_status	 close_status;
	char			 peer[64];	/* "127.0.0.1:53422" */
	unsigned		 logged;	/* complaints logged */
	double			 refusals_left;	/* token bucket */
	int64_t			 refusals_ms;	/* when it was last filled */
	struct server_queue	 queue;
	int64_t			 heard_ms;	/* its last frame or pong */
	int			 ping_due;	/* send a ping when writeable */
	int			 pinged;	/* since heard_ms */
	int			 peer_closed;	/* its close frame came */
	/* Frames queued, to write before the loop waits (server_flush). */
	int			 unflushed;
	struct server_session	*flush_next;
	struct server_session	**flush_prevp;

	/* The hello's challenge and the one answer it may get (auth). */
	char			 challenge[PROTO_CHALLENGE_MAX];
	int			 answered;	/* an auth came */
	int			 held;		/* reading waits for auth */
	char			 operator[PROTO_OPERATOR_MAX]; /* "": none */
	char			 key[PROTO_KEY_MAX];
	lws_sorted_usec_list_t	 auth_sul;	/* held: the deadline */

	char			*rx;		/* message being assembled */
	size_t			 rxlen;
	size_t			 rxcap;
	int			 rx_binary;
	size_t			 nwaiting;	/* in server_work's list */
	size_t			 nverify;	/* in server's verify */

	/* It declared PROTO_NAMED_HEADER: a document it was sent whole
	   last on this link is named by its SHA-256 after (0: not). */
	int			 named;
	char			 named_sha[65];	/* "": none sent yet */
	/* Its PROTO_INSTANCE_HEADER ("": none), and its wants' bucket. */
	char			 instance[PROTO_INSTANCE_LEN + 1];
	double			 wants_left;
	int64_t			 wants_ms;
};

/* A document sent whole to a console instance (see SERVER_SENT_MAX). */
struct server_sent {
	char			 instance[PROTO_INSTANCE_LEN + 1];
	char			 sha256[65];
	uint64_t		 used;		/* sent_clock at last use */
};

/* A console's whole message waiting for a later pass (server_work). */
struct server_wait {
	struct server_session	*sn;
	char			*text;
	size_t			 len;
	int			 binary;
	struct server_wait	*next;
};

/*
 * The ports vigild picks for listeners asked for port 0: the kernel's
 * ephemeral range (ip_local_port_range) less ip_local_reserved_ports,
 * odd ports first, as bind() to port 0 would, from a random place;
 * try is how many candidates were taken so far.
 */
struct server_picks {
	int			 low;
	int			 high;
	unsigned		 start;
	unsigned		 try;
	char			 reserved[512];
};

struct server {
	struct lws_context	*context;
	struct ev_loop		*loop;		/* NULL: libwebsockets' poll */
	ev_prepare		 pass_watch;	/* on loop: a pass begins */
	struct server_session	*unflushed;	/* sessions with frames
						   to write (server_flush) */
	struct driver		 drv;		/* the nodes: sim or agent */
	struct server_node	*nodes;
	size_t			 nnodes;
	size_t			*ids;		/* node index + 1 by id hash,
						   0 empty; made at first use */
	size_t			 nids;		/* slots, a power of two */
	struct server_listener	*listeners;
	size_t			 nlisteners;
	char			 address[INET_ADDRSTRLEN];
	const struct server_tls	*tls;		/* while listeners open */
	struct server_picks	 picks;		/* ports for port 0 */
	lws_sorted_usec_list_t	 sul;
	int64_t			 last_stats_ms;
	unsigned		 stats_round;	/* stats periods so far */
	size_t			 direct_watched; /* nodes on ports of their
						   own with a console */
	size_t			 watched;	/* listeners with a
						   console */
	unsigned		 stats_every;	/* a direct node's stats go
						   every this many periods */
	uint64_t		 walks;		/* steps that looked at nodes */
	size_t			*fresh;		/* nodes with fresh set */
	size_t			 nfresh;
	volatile sig_atomic_t	 stop;
	const struct opkey_trust *trust;	/* NULL: no --trust */
	int			 read_key;	/* reading needs an auth */
	int			 freeing;	/* every session is closing */
	struct proto_msg	 msg;		/* scratch; messages are big */
	struct proto_msg	 out;		/* scratch for replies to msg */
	struct proto_command	 cmd;		/* scratch: a document */
	unsigned long		 fd_limit;	/* RLIMIT_NOFILE */
	unsigned		 sock_limit;	/* for sockets; 0: all */
	size_t			 conns;		/* accepted sockets open */
	int			 saturated;	/* accepting stopped for now */
	int64_t			 saturated_logged_ms;
	/* Consoles' bad messages logged in this window, and not logged. */
	int64_t			 log_window_ms;
	unsigned		 log_lines;
	unsigned long		 log_unsaid;
	/* Consoles' messages waiting for a later pass, oldest first. */
	struct server_wait	*waiting;
	struct server_wait	**waiting_tail;
	size_t			 waiting_bytes;
	lws_sorted_usec_list_t	 work_sul;
	int64_t			 pass_us;	/* CPU time at the pass's
						   first message, or -1 */
	/*
	 * Executions waiting for the next group sync, in order (filling),
	 * and those whose sync runs on the flush pool's threads while the
	 * loop goes on (flying, or NULL), one of batches each.
	 */
	struct syncpool		*syncs;		/* NULL: each syncs alone */
	struct syncpool		*flush;		/* NULL: syncs block */
	ev_async		 flush_watch;	/* on loop: a sync or a
						   check ended */
	struct server_batch	 batches[2];
	struct server_batch	*filling;
	struct server_batch	*flying;
	uint64_t		 sync_batch;	/* numbers batches from 1 */
	/*
	 * Approves (and what follows them) waiting for their checks: kept
	 * since the last pass (verify), and, with the flush pool, those
	 * whose checks run on the sync pool's threads while the loop goes
	 * on (flight, its first njudged judged), moved there at each pass.
	 * The threads' run of checks holds flight's nrun from runbase on,
	 * nreaped of them reaped; while it lasts flight stays put.
	 */
	struct server_verify	*verify;
	size_t			 nverify;
	size_t			 verifycap;
	struct server_verify	*flight;
	size_t			 nflight;
	size_t			 flightcap;
	size_t			 njudged;
	size_t			 runbase;
	size_t			 nrun;
	size_t			 nreaped;
	size_t			*checked_ended;	/* syncpool_reap's */
	int			 judging;	/* server_verify_run is */
	int			 verifying;	/* its checks are running */
	const struct command_sigcheck *checked;	/* the approve's, judged */
	int64_t			 verify_us;	/* CPU for one, all told
						   (in flight: the loop's) */
	/* Documents sent whole to console instances, for their links. */
	struct server_sent	 sent[SERVER_SENT_MAX];
	uint64_t		 sent_clock;
};

static size_t	*server_queue_at(struct server_queue *q, size_t node);
static size_t	*server_queue_at_grow(struct server_queue *q, size_t node);
static void	 server_queue_trim(struct server_queue *q);
static void	 server_queue_close_up(struct server_queue *q);
static void	 server_log(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
static unsigned	 server_fd_limit(size_t nlisteners, size_t naudits,
		    unsigned long *limit);
static void	 server_lws_log(int level, const char *line);
static struct lws_context *server_context_create(struct server *server,
		    const struct server_tls *tls, size_t n);
static int	 server_probe(const char *address, int port, const char *node,
		    char **cause);
static int	 server_callback(struct lws *wsi,
		    enum lws_callback_reasons reason, void *user, void *in,
		    size_t len);
static void	 server_session_open(struct server_listener *l,
		    struct server_session *sn, struct lws *wsi);
static void	 server_session_close(struct server_session *sn);
static int	 server_session_write(struct server_session *sn);
static void	 server_session_drop(struct server_session *sn);
static void	 server_session_want(struct server_session *sn);
static void	 server_session_unwant(struct server_session *sn);
static void	 server_flush(struct server *server);
static size_t	 server_session_pack(struct server_session *sn,
		    unsigned char **buf, size_t *len);
static void	 server_session_receive(struct server_session *sn,
		    const void *in, size_t len);
static void	 server_session_message(struct server_session *sn,
		    const char *text, size_t len, int binary);
static int	 server_busy(struct server *server);
static int64_t	 server_cpu_us(void);
static void	 server_wait(struct server_session *sn, char *text,
		    size_t len, int binary);
static void	 server_unwait(struct server_session *sn);
static void	 server_work(lws_sorted_usec_list_t *sul);
static void	 server_pass_watch(struct server *server);
static void	 server_pass(struct ev_loop *loop, ev_prepare *w, int revents);
static void	 server_session_error(struct server_session *sn,
		    const char *in_reply_to, const char *text);
static void	 server_session_refused(struct server_session *sn);
static void	 server_session_push(struct server_session *sn, size_t node,
		    int replaceable, const char *text, size_t len);
static void	 server_session_take(struct server_session *sn, size_t node,
		    int replaceable, char *buf, size_t len);
static void	 server_session_send(struct server_session *sn,
		    const struct proto_msg *msg, int replaceable);
static void	 server_broadcast(struct server_node *node,
		    const struct proto_msg *msg, int replaceable);
static void	 server_tick(lws_sorted_usec_list_t *sul);
static void	 server_walk(struct server *server, int stats);
static void	 server_walk_node(struct server *server,
		    struct server_node *node, int stats);
static int	 server_listen(struct server_listener *l, int port,
		    const char *name, const struct server_tls *tls,
		    char **cause);
static int	 server_vhost(struct server_listener *l, int port,
		    const char *name, const struct server_tls *tls,
		    char **cause);
static int	 server_bind_try(const char *address, int port, int *held);
static void	 server_picks_init(struct server_picks *pk);
static int	 server_pick_reserved(const struct server_picks *pk,
		    int port);
static int	 server_pick_port(struct server *server, const char *node,
		    int *held, char **cause);
static void	 server_direct_turns(struct server *server);
static int	 server_direct_turn(const struct server_node *node);
static void	 server_gateway_turns(struct server_listener *l);
static int	 server_gateway_turn(const struct server_node *node);
static void	 server_session_introduce(struct server_session *sn,
		    struct server_node *node);
static char	*server_gateway_sigcheck(struct server *,
		    const struct proto_msg *, const size_t *, size_t,
		    struct command_sigcheck *);
static void	 server_gateway_message(struct server_session *sn,
		    const struct proto_msg *msg);
static size_t	 server_gateway_targets(struct server_session *sn,
		    const struct proto_msg *msg, size_t **out);
static int	 server_node_holds(const struct server_node *node,
		    const char *id, int fire);
static void	 server_session_hello(struct server_session *sn,
		    struct server_node *node);
static void	 server_tls_vhost(struct lws_context_creation_info *info,
		    const struct server_tls *tls);
static int	 server_tls_load(struct lws *wsi, void *ctx);
static const char *server_node_id(const struct server_node *node);
static struct server_node *server_find_node(struct server *server,
		    const char *id);
static void	 server_index_ids(struct server *server);
static void	 server_command(struct server_session *sn,
		    const struct proto_msg *in);
static void	 server_command_on(struct server_session *sn,
		    struct server_node *node, const struct proto_msg *in);
static void	 server_command_refused(struct server_session *sn,
		    struct server_node *node, const char *verb,
		    const char *id, const char *action, const char *cause);
static void	 server_command_names(struct server_node *node,
		    const struct proto_msg *in, char *id, size_t idlen,
		    char *action, size_t actionlen);
static void	 server_hello(const struct server *, size_t,
		    struct proto_hello *);
static struct sim *server_sim(const struct server *);
static void	 server_command_state(struct server_node *, const char *,
		    struct command_node_state *);
static int	 server_command_refused_here(struct server_node *,
		    const struct proto_msg *, const char *, const char *,
		    char *, size_t);
static void	 server_hello_operators(const struct server *,
		    struct proto_hello *);
static void	 server_untrusted(struct server_session *sn,
		    const struct proto_msg *in);
static void	 server_finish(struct server_session *sn,
		    struct server_node *node, const struct command_pending *p,
		    int ok, const char *text);
static void	 server_durable_queue(struct server_node *node,
		    const struct command_pending *p);
static void	 server_durable_start(struct server *server);
static void	 server_batch_grow(struct server_batch *b);
static void	 server_batch_free(struct server_batch *b);
static void	 server_durable_land(struct server *server);
static void	 server_durable_reap(struct server *server);
static void	 server_durable_drain(struct server *server);
static void	 server_flush_wake(void *arg);
static void	 server_verify_poll(void *arg);
static void	 server_flushed(struct ev_loop *loop, ev_async *w,
		    int revents);
static int	 server_verify_defer(struct server_session *sn,
		    const struct proto_msg *in);
static void	 server_verify_forget(struct server_session *sn);
static void	 server_verify_one(void *arg, size_t i);
static void	 server_verify_run(struct server *server);
static void	 server_verify_prepare(struct server *server,
		    struct server_verify *vs, size_t n);
static void	 server_verify_judge(struct server *server,
		    struct server_verify *v);
static void	 server_verify_post(struct server *server);
static void	 server_verify_reap(struct server *server);
static void	 server_verify_drain(struct server *server);
static void	 server_execute(struct server_session *sn,
		    struct server_node *node,
		    const struct command_pending *p);
static void	 server_fire(struct server_session *sn,
		    const struct proto_msg *in);
static void	 server_fired(struct server_node *node,
		    const struct command_pending *p, const char *how);
static void	 server_self_fired(struct server *server);
static void	 server_result(struct server_session *sn,
		    struct server_node *node, const char *in_reply_to,
		    const char *id, const char *action, enum proto_outcome,
		    const char *text);
static void	 server_proposal(struct server_node *node,
		    const struct command_pending *p, enum proto_status);
static int	 server_session_names(struct server_session *sn,
		    const struct command_pending *p);
static int	 server_named_declared(struct lws *wsi);
static void	 server_instance_declared(struct lws *wsi, char *instance);
static int	 server_sent(struct server *server, const char *instance,
		    const char *sha256);
static void	 server_want(struct server_session *sn,
		    const struct proto_want *in);
static const struct command_pending *server_want_find(
		    const struct server_node *node, const char *sha256);
static int	 server_want_allowed(struct server_session *sn);
static void	 server_session_proposal(struct server_session *sn,
		    struct server_node *node, const struct command_pending *p);
static void	 server_refusal_audit(struct server_node *node,
		    const char *id, const char *action, const char *operator,
		    int verified, const char *text);
static void	 server_expire(struct server *server);
static int	 server_move_check(struct server_session *sn,
		    const struct proto_msg *in, const char *id,
		    const char *action, char *cause, size_t causelen);
static void	 server_move_seal(struct server_session *sn,
		    const struct command_pending *p);
static void	 server_move_deliver(struct server_session *sn,
		    const struct proto_msg *in);
static void	 server_move_holder(struct server_session *sn,
		    const struct proto_msg *in);
static void	 server_move_expire(struct server *server);
static void	 server_check_fds(struct server *server, int64_t now);
static int	 server_accept_refused(struct lws *wsi);
static void	 server_fd_alert(struct server *server);
static void	 server_log_command(struct server_session *sn,
		    const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 server_sanitize(char *s);
static int	 server_origin_refused(struct lws *wsi);
static void	 server_session_welcome(struct server_session *sn);
static void	 server_auth(struct server_session *sn,
		    const struct proto_auth *auth);
static int	 server_may_log(struct server *);
static void	 server_log_window(struct server *, int64_t);
static int	 server_auth_check(struct server_session *sn,
		    const struct proto_auth *auth, char *text, size_t len);
static void	 server_auth_late(lws_sorted_usec_list_t *sul);
static void	 server_idle(struct server *server, int64_t now);
static void	 server_session_heard(struct server_session *sn);
static void	 server_held(struct server_session *sn, const char *type);
static void	 server_watching(struct server_node *node);
static void	 server_proposed(struct server_session *,
		    const struct command_pending *);
static int	 server_http(struct server_listener *l, struct lws *wsi);

/*
 * The last error libwebsockets logged, to explain a vhost it refused to
 * create; the emitter has no context pointer, so it lives here.
 */
static char	 server_lws_last[256];
/* Set while a listener tries a port it may lose to another program. */
static int	 server_lws_quiet;

/*
 * No idle policy in libwebsockets: its 4.1 re-arms a connection's
 * validity timer by a sorted insert into one list of every connection's
 * timers, a walk of the whole list at each pong, and libwebsockets'
 * default would hold a frozen console for over five minutes.  vigild
 * pings and drops silent consoles itself (server_idle).
 */
static const lws_retry_bo_t server_idle_policy = {
	.secs_since_valid_ping = 0,
	.secs_since_valid_hangup = 0,
};

static const struct lws_protocols server_protocols[] = {
	{
		.name = PROTO_SUBPROTOCOL,
		.callback = server_callback,
		.per_session_data_size = sizeof (struct server_session),
		/* The piece libwebsockets hands over at once, per
		   connection; larger messages are gathered from pieces
		   (server_session_receive) up to PROTO_MAX_FRAME. */
		.rx_buffer_size = SERVER_RX_PIECE,
		.tx_packet_size = SERVER_RX_PIECE,
	},
	{ .name = NULL, .callback = NULL }
};

/* Write one of vigild's own log lines to stderr. */
static void
server_log(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	util_vsay("vigild", fmt, ap);
	va_end(ap);
}

/*
 * Open a new window of server_may_log() once the last is over at now,
 * first saying how many lines it left out; also called each stats
 * period, so that the count is said when the flood stops too.
 */
static void
server_log_window(struct server *server, int64_t now)
{
	if (now - server->log_window_ms < SERVER_LOG_WINDOW_MS)
		return;
	if (server->log_unsaid > 0)
		server_log("%lu more bad messages, refused answers or "
		    "browser handshakes from consoles in %lld s were refused "
		    "but not logged: more than %d in %d s is a flood (a "
		    "client reconnecting in a loop, or an attack); find it "
		    "with ss -tnp",
		    server->log_unsaid, (long long)((now -
		    server->log_window_ms) / 1000), SERVER_LOG_PER_WINDOW,
		    SERVER_LOG_WINDOW_MS / 1000);
	server->log_window_ms = now;
	server->log_lines = 0;
	server->log_unsaid = 0;
}

/*
 * Whether a console's bad message may take a line in the log now: at
 * most SERVER_LOG_PER_WINDOW in a window of SERVER_LOG_WINDOW_MS over
 * every console, the rest counted and said in one line when the next
 * window opens.  Cheap, so that a flood of connections costs no disk.
 */
static int
server_may_log(struct server *server)
{
	server_log_window(server, util_mono_ms());
	if (server->log_lines < SERVER_LOG_PER_WINDOW) {
		server->log_lines++;
		return (1);
	}
	server->log_unsaid++;
	return (0);
}

/*
 * How many descriptors sockets may use: the process's limit less room
 * for what vigild holds itself (its naudits open audit logs, stdio, a
 * file being written); nlisteners is how many listening sockets there
 * are.  At this, vigild refuses new connections and stops polling
 * listening sockets until a connection closes (server_accept_refused);
 * with no room kept, accept() would fail with EMFILE while the
 * listening socket stays readable, and the loop would spin at full CPU
 * logging each failure.  *limit gets the process's limit.  Returns 0
 * when there is no usable limit.
 */
static unsigned
server_fd_limit(size_t nlisteners, size_t naudits, unsigned long *limit)
{
	struct rlimit	rl;
	rlim_t		spare = (rlim_t)naudits + SERVER_FD_SPARE;

	*limit = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return (0);
	*limit = (unsigned long)rl.rlim_cur;
	if (rl.rlim_cur <= spare + nlisteners + 4 ||
	    rl.rlim_cur - spare > UINT_MAX)
		return (0);
	return ((unsigned)(rl.rlim_cur - spare));
}

/* Pass libwebsockets' errors and warnings on, without its timestamp. */
static void
server_lws_log(int level, const char *line)
{
	const char	*p = line;
	size_t		 n;

	(void)level;
	if (*p == '[' && (p = strstr(line, "] ")) != NULL)
		p += 2;
	else
		p = line;
	if ((p[0] == 'E' || p[0] == 'W') && p[1] == ':' && p[2] == ' ')
		p += 3;
	n = strcspn(p, "\n");
	util_format(server_lws_last, sizeof server_lws_last, "%.*s", (int)n,
	    p);
	if (!server_lws_quiet)
		fprintf(stderr, "vigild: libwebsockets: %s\n",
		    server_lws_last);
}

/*
 * Bind a socket to address:port as libwebsockets' listener would
 * (SO_REUSEADDR) and close it; or, with held not NULL, bind it without
 * SO_REUSEADDR, so that no other program's probe takes the port too,
 * then let libwebsockets' bind share it (SO_REUSEADDR after the bind)
 * and keep it open in *held until that bind is done.  Returns 0, or
 * the errno of the failure (EINVAL: address is not numeric IPv4).
 */
static int
server_bind_try(const char *address, int port, int *held)
{
	struct sockaddr_in	sin;
	int			fd, one = 1, saved = 0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, address, &sin.sin_addr) != 1)
		return (EINVAL);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (errno);
	if (held == NULL)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		saved = errno;
	if (held != NULL && saved == 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		*held = fd;
		return (0);
	}
	close(fd);
	return (saved);
}

/*
 * Try to bind address:port ourselves first: libwebsockets logs a bind
 * failure but does not hand back errno, and an operator needs to read
 * "Address already in use", not "init server failed".
 */
static int
server_probe(const char *address, int port, const char *node, char **cause)
{
	int	err;

	if ((err = server_bind_try(address, port, NULL)) == 0)
		return (0);
	if (err == EINVAL)
		*cause = xasprintf("cannot listen on %s for %s: it is not a "
		    "numeric IPv4 address; give one such as 127.0.0.1",
		    address, node);
	else if (err == EMFILE || err == ENFILE)
		*cause = xasprintf("cannot listen on %s:%d for %s: %s; the "
		    "process may be out of file descriptors", address, port,
		    node, strerror(err));
	else if (err == EADDRINUSE)
		*cause = xasprintf("cannot listen on %s:%d for %s: %s; "
		    "another program (perhaps another vigild) holds "
		    "that port: stop it, or choose other ports "
		    "(port 0 picks a free one)", address, port,
		    node, strerror(err));
	else
		*cause = xasprintf("cannot listen on %s:%d for %s: %s; "
		    "check the address is one of this machine's and "
		    "the port is free and allowed", address, port,
		    node, strerror(err));
	return (-1);
}

/*
 * Start picking ports as bind() to port 0 would: from the kernel's
 * ephemeral range, where the tests' fixed ports never are (they stay
 * below it), less the reserved ports.
 */
static void
server_picks_init(struct server_picks *pk)
{
	FILE	*f;
	size_t	 n;

	memset(pk, 0, sizeof *pk);
	pk->low = 32768;
	pk->high = 60999;
	if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) !=
	    NULL) {
		if (fscanf(f, "%d %d", &pk->low, &pk->high) != 2 ||
		    pk->low < 1 || pk->high > 65535 || pk->low >= pk->high) {
			pk->low = 32768;
			pk->high = 60999;
		}
		fclose(f);
	}
	if ((f = fopen("/proc/sys/net/ipv4/ip_local_reserved_ports", "r")) !=
	    NULL) {
		n = fread(pk->reserved, 1, sizeof pk->reserved - 1, f);
		pk->reserved[n] = '\0';
		fclose(f);
	}
	/* Processes started together (gateways) must not start together. */
	pk->start = arc4random();
}

/* Is port among the reserved ("8080,9000-9010")? */
static int
server_pick_reserved(const struct server_picks *pk, int port)
{
	const char	*p = pk->reserved;
	char		*end;
	long		 a, b;

	while (*p != '\0' && *p != '\n') {
		a = strtol(p, &end, 10);
		if (end == p)
			return (0);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (port >= a && port <= b)
			return (1);
		p = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return (0);
}

/*
 * The next port for a listener asked for port 0: one that binds now,
 * each bind O(1) where the kernel's own pick searches past every port
 * already bound (a quarter of start-up at 10,000 nodes).  A port taken
 * is never offered again, so the listeners never collide with each
 * other, and the probe stays bound in *held (close it once
 * libwebsockets has bound the port) so that no other program's pick
 * takes it meanwhile.  Returns the port, or -1 and *cause when the
 * address cannot be bound or no port of the range is free (the
 * kernel's pick would fail then too).
 */
static int
server_pick_port(struct server *server, const char *node, int *held,
    char **cause)
{
	struct server_picks	*pk = &server->picks;
	unsigned		 nodd, neven, t;
	int			 port, err;

	nodd = (unsigned)(pk->high - (pk->low | 1)) / 2 + 1;
	neven = (unsigned)(pk->high - pk->low + 1) - nodd;
	while (pk->try < nodd + neven) {
		t = pk->try++;
		if (t < nodd)
			port = (pk->low | 1) +
			    2 * (int)((pk->start + t) % nodd);
		else
			port = ((pk->low + 1) & ~1) +
			    2 * (int)((pk->start + t - nodd) % neven);
		if (server_pick_reserved(pk, port))
			continue;
		if ((err = server_bind_try(server->address, port, held)) == 0)
			return (port);
		if (err != EADDRINUSE && err != EACCES)
			return (server_probe(server->address, port, node,
			    cause));
	}
	*cause = xasprintf("cannot listen on %s for %s: every port of the "
	    "kernel's range for port 0 (%d-%d, "
	    "net.ipv4.ip_local_port_range) is taken, by other programs or "
	    "this one's other nodes; stop some, run fewer nodes, or give a "
	    "base port below the range", server->address, node, pk->low,
	    pk->high);
	return (-1);
}

/* Initialise a queue of cap frames, each with pre bytes of headroom. */
void
server_queue_init(struct server_queue *q, size_t cap, size_t pre)
{
	memset(q, 0, sizeof *q);
	q->frames = xcalloc(cap, sizeof *q->frames);
	q->cap = cap;
	q->pre = pre;
}

/* Free every waiting frame and the ring itself. */
void
server_queue_free(struct server_queue *q)
{
	while (q->count > 0)
		server_queue_pop(q);
	free(q->frames);
	free(q->at);
	memset(q, 0, sizeof *q);
}

/* Queue a copy of text; a stats frame supersedes the node's older one. */
enum server_push
server_queue_push(struct server_queue *q, size_t node, int replaceable,
    const char *text, size_t len)
{
	char	*buf;

	buf = xmalloc(q->pre + len + 1);
	memcpy(buf + q->pre, text, len);
	buf[q->pre + len] = '\0';
	return (server_queue_take(q, node, replaceable, buf, len));
}

/* Queue buf itself, headroom and all; see server.h. */
enum server_push
server_queue_take(struct server_queue *q, size_t node, int replaceable,
    char *buf, size_t len)
{
	struct server_frame	*f;
	size_t			*at = NULL;
	enum server_push	 result = SERVER_QUEUED;

	if (replaceable && (at = server_queue_at(q, node)) != NULL &&
	    *at != 0) {
		if (replaceable == SERVER_PERIODIC) {
			/* The waiting one keeps its place (server.h). */
			proto_frame_free(buf);
			q->replaced++;
			return (SERVER_KEPT);
		}
		/* Its slot empties; later frames keep their order. */
		f = &q->frames[*at - 1];
		proto_frame_free((char *)f->buf);
		f->buf = NULL;
		*at = 0;
		q->count--;
		q->replaced++;
		result = SERVER_REPLACED;
		server_queue_trim(q);
	}
	if (q->count == q->cap) {
		proto_frame_free(buf);
		return (SERVER_FULL);
	}
	if (q->used == q->cap)
		server_queue_close_up(q);

	f = &q->frames[(q->head + q->used) % q->cap];
	f->buf = (unsigned char *)buf;
	f->len = len;
	f->node = node;
	f->replaceable = replaceable;
	if (replaceable)
		*server_queue_at_grow(q, node) = f - q->frames + 1;
	q->count++;
	q->used++;
	return (result);
}

/* Where node's waiting stats frame is (its slot + 1, 0 none), or NULL. */
static size_t *
server_queue_at(struct server_queue *q, size_t node)
{
	if (q->nat == 0 || node < q->base || node - q->base >= q->nat)
		return (NULL);
	return (&q->at[node - q->base]);
}

/*
 * server_queue_at(), making room for node first, at least twice what
 * it was, on node's side: a gateway's turns come upwards, but the
 * nodes whose state moved come in any order, downwards too (one node
 * lower each time must not double the room each time).
 */
static size_t *
server_queue_at_grow(struct server_queue *q, size_t node)
{
	size_t	*at, lo, n;

	if ((at = server_queue_at(q, node)) != NULL)
		return (at);
	if (q->nat == 0) {
		lo = node;
		n = 1;
	} else if (node < q->base) {
		lo = q->base > q->nat ? q->base - q->nat : 0;
		if (node < lo)
			lo = node;
		n = q->base + q->nat - lo;
	} else {
		lo = q->base;
		n = node - q->base + 1;
		if (n < 2 * q->nat)
			n = 2 * q->nat;
	}
	at = xcalloc(n, sizeof *at);
	if (q->nat > 0)
		memcpy(at + (q->base - lo), q->at, q->nat * sizeof *at);
	free(q->at);
	q->at = at;
	q->base = lo;
	q->nat = n;
	return (&q->at[node - lo]);
}

/* Let the head pass the empty slots before the next frame waiting. */
static void
server_queue_trim(struct server_queue *q)
{
	while (q->used > 0 && q->frames[q->head].buf == NULL) {
		q->head = (q->head + 1) % q->cap;
		q->used--;
	}
}

/*
 * Every slot is used but some are empty: move the frames waiting to
 * the front of the ring, in order, and note where their stats are.
 */
static void
server_queue_close_up(struct server_queue *q)
{
	struct server_frame	*frames, *f;
	size_t			 i, n = 0, *at;

	frames = xcalloc(q->cap, sizeof *frames);
	for (i = 0; i < q->used; i++) {
		f = &q->frames[(q->head + i) % q->cap];
		if (f->buf == NULL)
			continue;
		frames[n] = *f;
		if (f->replaceable && (at = server_queue_at(q, f->node)) !=
		    NULL)
			*at = n + 1;
		n++;
	}
	free(q->frames);
	q->frames = frames;
	q->head = 0;
	q->used = n;
}

/* The oldest waiting frame, or NULL. */
const struct server_frame *
server_queue_peek(const struct server_queue *q)
{
	if (q->count == 0)
		return (NULL);
	return (&q->frames[q->head]);
}

/* Free the oldest waiting frame. */
void
server_queue_pop(struct server_queue *q)
{
	struct server_frame	*f;
	size_t			*at;

	if (q->count == 0)
		return;
	f = &q->frames[q->head];
	if (f->replaceable && (at = server_queue_at(q, f->node)) != NULL)
		*at = 0;
	proto_frame_free((char *)f->buf);
	f->buf = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->used--;
	server_queue_trim(q);
}

/* See server.h: the frames at the head, each behind its own header. */
size_t
server_queue_pack(const struct server_queue *q, unsigned char *out,
    size_t cap, size_t *nframes)
{
	const struct server_frame	*f;
	size_t				 i, at = 0, hdr, len;

	*nframes = 0;
	for (i = 0; i < q->used; i++) {
		f = &q->frames[(q->head + i) % q->cap];
		if (f->buf == NULL)
			continue;	/* superseded */
		len = f->len;
		hdr = len < 126 ? 2 : len < 65536 ? 4 : 10;
		if (hdr + len > cap - at)
			break;
		out[at] = 0x81;		/* FIN, text */
		if (len < 126)
			out[at + 1] = (unsigned char)len;
		else if (len < 65536) {
			out[at + 1] = 126;
			out[at + 2] = (unsigned char)(len >> 8);
			out[at + 3] = (unsigned char)len;
		} else {
			out[at + 1] = 127;
			for (hdr = 2; hdr < 10; hdr++)
				out[at + hdr] = (unsigned char)
				    ((uint64_t)len >> (8 * (9 - hdr)));
		}
		memcpy(out + at + hdr, f->buf + q->pre, len);
		at += hdr + len;
		(*nframes)++;
	}
	return (at);
}

/* A node's id, "router/r1". */
static const char *
server_node_id(const struct server_node *node)
{
	const struct driver	*d = &node->server->drv;

	return (d->ops->node_id(d->arg, node->index));
}

/*
 * Place every node's id in an open-addressed table (at least twice as
 * many slots as nodes), so that a node named by an alert, an auth or a
 * command is found without a walk over 10,000 names.
 */
static void
server_index_ids(struct server *server)
{
	size_t	i, k, mask;

	for (server->nids = 16; server->nids < 2 * server->nnodes;
	    server->nids *= 2)
		continue;
	server->ids = xcalloc(server->nids, sizeof *server->ids);
	mask = server->nids - 1;
	for (i = 0; i < server->nnodes; i++) {
		k = util_fnv1a(server_node_id(&server->nodes[i])) & mask;
		while (server->ids[k] != 0)
			k = (k + 1) & mask;
		server->ids[k] = i + 1;
	}
}

/* The node with id, or NULL. */
static struct server_node *
server_find_node(struct server *server, const char *id)
{
	struct server_node	*node;
	size_t			 i, mask;

	if (server->ids == NULL)
		server_index_ids(server);
	mask = server->nids - 1;
	for (i = util_fnv1a(id) & mask; server->ids[i] != 0;
	    i = (i + 1) & mask) {
		node = &server->nodes[server->ids[i] - 1];
		if (strcmp(server_node_id(node), id) == 0)
			return (node);
	}
	/*
	 * None: the nodes and their ids are fixed when vigild starts, so
	 * no walk over every node follows, which a peer naming unknown
	 * nodes (an auth for another node, a command's 1,000 targets)
	 * could otherwise make it do for each name.
	 */
	return (NULL);
}

/*
 * Refuse a websocket handshake that carries an Origin header: consoles
 * send none, and a browser does, so it is a web page on some machine
 * trying to reach the backend through its user.  Returns -1 (closing
 * the connection, logged within server_may_log()'s budget) or 0.
 */
static int
server_origin_refused(struct lws *wsi)
{
	struct server	*server = lws_context_user(lws_get_context(wsi));
	char		 origin[128];

	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0)
		return (0);
	if (server != NULL && !server_may_log(server))
		return (-1);
	if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) < 0)
		util_copy(origin, sizeof origin, "(too long)");
	server_sanitize(origin);
	server_log("refused a websocket handshake carrying Origin %s: a "
	    "browser sent it, and vigil consoles send none", origin);
	return (-1);
}

/*
 * Whether the console declared on its handshake that it keeps the last
 * document sent whole on the link (PROTO_NAMED_HEADER): 1 or 0.
 */
static int
server_named_declared(struct lws *wsi)
{
	char	value[32];
	int	len;

	len = lws_hdr_custom_length(wsi, PROTO_NAMED_HEADER,
	    (int)strlen(PROTO_NAMED_HEADER));
	if (len <= 0 || (size_t)len >= sizeof value)
		return (0);
	if (lws_hdr_custom_copy(wsi, value, sizeof value, PROTO_NAMED_HEADER,
	    (int)strlen(PROTO_NAMED_HEADER)) < 0)
		return (0);
	return (strcmp(value, PROTO_NAMED_VALUE) == 0);
}

/*
 * The console instance declared on the handshake (PROTO_INSTANCE_HEADER:
 * PROTO_INSTANCE_LEN lower-case hex digits) into instance, or "" when it
 * declared none or something else.  It is no credential: a console that
 * claims another's is only sent hashes it must then want.
 */
static void
server_instance_declared(struct lws *wsi, char *instance)
{
	char	value[PROTO_INSTANCE_LEN + 1];
	int	len;
	size_t	i;

	instance[0] = '\0';
	len = lws_hdr_custom_length(wsi, PROTO_INSTANCE_HEADER,
	    (int)strlen(PROTO_INSTANCE_HEADER));
	if (len != PROTO_INSTANCE_LEN || lws_hdr_custom_copy(wsi, value,
	    sizeof value, PROTO_INSTANCE_HEADER,
	    (int)strlen(PROTO_INSTANCE_HEADER)) < 0)
		return;
	for (i = 0; i < PROTO_INSTANCE_LEN; i++) {
		if (strchr("0123456789abcdef", value[i]) == NULL ||
		    value[i] == '\0')
			return;
	}
	memcpy(instance, value, sizeof value);
}

/*
 * Has console instance (not "") been sent the document sha256 whole, on
 * any link?  1 if so; else 0, and it is remembered as sent now, as the
 * caller sends it whole.
 */
static int
server_sent(struct server *server, const char *instance, const char *sha256)
{
	struct server_sent	*s, *lru = &server->sent[0];
	size_t			 i;

	if (instance[0] == '\0')
		return (0);
	for (i = 0; i < SERVER_SENT_MAX; i++) {
		s = &server->sent[i];
		if (strcmp(s->instance, instance) == 0 &&
		    strcmp(s->sha256, sha256) == 0) {
			s->used = ++server->sent_clock;
			return (1);
		}
		if (s->used < lru->used)
			lru = s;
	}
	util_copy(lru->instance, sizeof lru->instance, instance);
	util_copy(lru->sha256, sizeof lru->sha256, sha256);
	lru->used = ++server->sent_clock;
	return (0);
}

/*
 * Replace control characters so that text from a peer cannot rewrite
 * the operator's terminal through the log.
 */
static void
server_sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/* Serve a vhost over TLS as tls says (nothing when NULL). */
static void
server_tls_vhost(struct lws_context_creation_info *info,
    const struct server_tls *tls)
{
	if (tls == NULL)
		return;
	/* libwebsockets 4.1 reads these from each vhost's options. */
	info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
	    LWS_SERVER_OPTION_CREATE_VHOST_SSL_CTX;
	/*
	 * Certificates made here (certs) go to the vhost's context as the
	 * objects they are, in server_tls_load(): given them in memory,
	 * libwebsockets would decode each from PEM and DER again, key
	 * included, OpenSSL 3's decoders a fifth of start-up at 10,000
	 * nodes.
	 */
	if (tls->certs == NULL) {
		info->ssl_cert_filepath = tls->cert_path;
		info->ssl_private_key_filepath = tls->key_path;
	}
}

/*
 * Give a new vhost's SSL_CTX (ctx) its node's certificate and the key,
 * when they were made here, and tune it.  Returns 0, or -1 to fail the
 * vhost, server_lws_last saying why.
 */
static int
server_tls_load(struct lws *wsi, void *ctx)
{
	struct server_listener	*l;
	const struct server_tls	*tls;
	char			*cause = NULL;

	l = lws_vhost_user(lws_get_vhost(wsi));
	tls = l != NULL ? l->server->tls : NULL;
	if (tls != NULL && tls->certs != NULL &&
	    tls_server_use(ctx, tls->certs[l->first], tls->key, &cause) != 0) {
		util_format(server_lws_last, sizeof server_lws_last, "%s",
		    cause);
		free(cause);
		return (-1);
	}
	tls_server_tune(ctx);
	return (0);
}

/* Listen for every node of the simulator. */
struct server *
server_create(struct sim *sim, const char *address, int base_port,
    int gateway, const struct server_tls *tls, char **cause)
{
	struct driver	d;

	sim_driver(sim, &d);
	return (server_create_driver(&d, address, base_port, gateway, tls,
	    cause));
}

/* Listen for every node of a driver and start its timer. */
struct server *
server_create_driver(const struct driver *d, const char *address,
    int base_port, int gateway, const struct server_tls *tls, char **cause)
{
	struct server				*server;
	struct server_listener			*l;
	size_t					 i, n, nl;
	int					 port;

	n = d->ops->nnodes(d->arg);
	nl = gateway ? 1 : n;
	if (base_port < 0 || base_port > 65535 ||
	    (base_port != 0 && (size_t)base_port + nl - 1 > 65535)) {
		*cause = xasprintf("cannot listen on ports %d to %zu: ports "
		    "end at 65535; choose a lower base port, or 0 to pick "
		    "a free port for each", base_port,
		    (size_t)base_port + nl - 1);
		return (NULL);
	}

	/* Only errors and warnings: the rest is noise to an operator. */
	lws_set_log_level(LLL_ERR | LLL_WARN, server_lws_log);

	server = xcalloc(1, sizeof *server);
	server->drv = *d;
	server->waiting_tail = &server->waiting;
	server->pass_us = -1;
	server->verify_us = SERVER_VERIFY_US;
	server->filling = &server->batches[0];
	server->nnodes = n;
	server->nodes = xcalloc(n, sizeof *server->nodes);
	server->fresh = xcalloc(n, sizeof *server->fresh);
	server->nlisteners = nl;
	server->listeners = xcalloc(nl, sizeof *server->listeners);
	util_copy(server->address, sizeof server->address, address);
	server_picks_init(&server->picks);

	if ((server->context = server_context_create(server, tls, n)) ==
	    NULL) {
		*cause = xasprintf("cannot start the websocket server: %s",
		    server_lws_last[0] != '\0' ? server_lws_last :
		    "libwebsockets could not create its context");
		free(server->listeners);
		free(server->fresh);
		free(server->nodes);
		free(server);
		return (NULL);
	}

	for (i = 0; i < n; i++) {
		server->nodes[i].server = server;
		server->nodes[i].index = i;
		server->nodes[i].listener = &server->listeners[gateway ? 0 : i];
	}
	for (i = 0; i < nl; i++) {
		l = &server->listeners[i];
		l->server = server;
		l->first = i;
		l->count = gateway ? n : 1;
		if (gateway)
			util_format(l->name, sizeof l->name, "the gateway of "
			    "%zu nodes", n);
		else
			util_copy(l->name, sizeof l->name,
			    d->ops->node_id(d->arg, i));
		port = base_port == 0 ? 0 : base_port + (int)i;
		server->tls = tls;
		if (server_listen(l, port, l->name, tls, cause) != 0)
			goto fail;
	}
	server->tls = NULL;

	server->last_stats_ms = util_mono_ms();
	server->stats_every = 1;
	lws_sul_schedule(server->context, 0, &server->sul, server_tick,
	    SERVER_STEP_MS * LWS_US_PER_MS);
	return (server);

fail:
	lws_context_destroy(server->context);
	if (server->loop != NULL)
		ev_loop_destroy(server->loop);
	free(server->listeners);
	free(server->fresh);
	free(server->nodes);
	free(server);
	return (NULL);
}

/*
 * Create the libwebsockets context for n nodes on libev's loop (epoll),
 * or, when libwebsockets cannot load its libev plugin, on its own
 * poll() loop, saying so.  libwebsockets 4.1 polls every descriptor it
 * holds on each pass of its own loop, and vigild holds one listening
 * socket per node: at 10,000 nodes the kernel's poll of the idle
 * listeners was half of vigild's CPU.  Under epoll an idle listener
 * costs nothing.  Returns NULL (server_lws_last says why) on failure.
 */
static struct lws_context *
server_context_create(struct server *server, const struct server_tls *tls,
    size_t n)
{
	struct lws_context_creation_info	 info;
	struct lws_context			*context;
	void					*loops[1];

	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	if (tls != NULL)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.port = CONTEXT_PORT_NO_LISTEN;
	/*
	 * libwebsockets is left its own limit, the process's: given a
	 * lower one, 4.1 finds each event's socket by scanning its whole
	 * table (max_fds_unrelated_to_ulimit), a quarter of vigild's CPU
	 * in a kill of 1,000 routers, instead of indexing it by
	 * descriptor.  vigild keeps its own room itself; room for audit
	 * logs only once server_commands() says how many are open.
	 */
	server->sock_limit = server_fd_limit(server->nlisteners, 0,
	    &server->fd_limit);
	info.user = server;
	info.retry_and_idle_policy = &server_idle_policy;

	/* Our loop, not libwebsockets': its would take SIGINT from us. */
	if ((server->loop = ev_loop_new(EVFLAG_AUTO)) != NULL) {
		loops[0] = server->loop;
		info.foreign_loops = loops;
		info.options |= LWS_SERVER_OPTION_LIBEV;
		server_lws_last[0] = '\0';
		if ((context = lws_create_context(&info)) != NULL) {
			server_pass_watch(server);
			return (context);
		}
		ev_loop_destroy(server->loop);
		server->loop = NULL;
		info.foreign_loops = NULL;
		info.options &= ~LWS_SERVER_OPTION_LIBEV;
	}
	server_log("libwebsockets cannot run on libev (%s): serving with "
	    "poll(), which costs CPU in proportion to the listening ports "
	    "(%zu); install libwebsockets' libev plugin (Debian: "
	    "libwebsockets-evlib-ev)", server_lws_last[0] != '\0' ?
	    server_lws_last : "no libev loop", n);
	server_lws_last[0] = '\0';
	return (lws_create_context(&info));
}

/*
 * Open listener l on port (0: a port picked here, see
 * server_pick_port()), name saying whom it serves, over TLS as tls
 * says.  Returns 0, or -1 and an allocated sentence in *cause.
 */
static int
server_listen(struct server_listener *l, int port, const char *name,
    const struct server_tls *tls, char **cause)
{
	struct server	*server = l->server;
	int		 pick, tries, held, rc;

	if (port != 0)
		return (server_probe(server->address, port, name, cause) != 0 ?
		    -1 : server_vhost(l, port, name, tls, cause));
	/*
	 * Another program may bind a picked port between the pick and
	 * libwebsockets' bind: then the next port, quietly, a few times,
	 * and at last the kernel's pick, as before vigild picked.
	 */
	server_lws_quiet = 1;
	for (tries = 1; tries < SERVER_PICK_TRIES; tries++) {
		if ((pick = server_pick_port(server, name, &held, cause)) < 0)
			break;
		rc = server_vhost(l, pick, name, tls, NULL);
		close(held);
		if (rc == 0)
			break;
	}
	server_lws_quiet = 0;
	if (l->vhost == NULL && tries == SERVER_PICK_TRIES)
		(void)server_vhost(l, 0, name, tls, cause);
	return (l->vhost != NULL ? 0 : -1);
}

/*
 * Make listener l's vhost on port.  Returns 0, or -1 and an allocated
 * sentence in *cause (when cause is not NULL).
 */
static int
server_vhost(struct server_listener *l, int port, const char *name,
    const struct server_tls *tls, char **cause)
{
	struct lws_context_creation_info	 info;
	struct server				*server = l->server;

	memset(&info, 0, sizeof info);
	info.port = port;
	info.iface = server->address;
	info.protocols = server_protocols;
	info.extensions = NULL;	/* no permessage-deflate */
	info.vhost_name = name;
	info.user = l;
	info.retry_and_idle_policy = &server_idle_policy;
	/*
	 * No protocol init: server_callback has none, and libwebsockets
	 * 4.1 follows it with a certificate check that broadcasts to every
	 * vhost for each vhost, 10,000^2 callbacks (13 CPU s) at 10,000
	 * nodes.
	 */
	info.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND |
	    LWS_SERVER_OPTION_DISABLE_IPV6 |
	    LWS_SERVER_OPTION_SKIP_PROTOCOL_INIT;
	server_tls_vhost(&info, tls);
	server_lws_last[0] = '\0';
	if ((l->vhost = lws_create_vhost(server->context, &info)) == NULL) {
		if (cause != NULL)
			*cause = xasprintf("cannot listen on %s:%d for %s: %s",
			    server->address, port, name,
			    server_lws_last[0] != '\0' ? server_lws_last :
			    "libwebsockets refused the listening socket");
		return (-1);
	}
	l->port = lws_get_vhost_listen_port(l->vhost);
	return (0);
}

/* The port node i is served on. */
int
server_port(const struct server *server, size_t node)
{
	if (node >= server->nnodes)
		fatal("server_port: node %zu of %zu", node, server->nnodes);
	return (server->nodes[node].listener->port);
}

/*
 * Service the loop until asked to stop.  On libev, lws_service() runs
 * the loop until server_callback breaks it for server_stop().
 */
int
server_run(struct server *server)
{
	while (!server->stop) {
		server->pass_us = -1;
		if (lws_service(server->context, 0) < 0) {
			server_log("the event loop failed; the websocket "
			    "server stops");
			return (-1);
		}
	}
	return (0);
}

/* Ask the loop to stop; async-signal-safe. */
void
server_stop(struct server *server)
{
	server->stop = 1;
	/* An eventfd write in libwebsockets 4.1: safe in a handler. */
	lws_cancel_service(server->context);
}

/* Close every connection and free the server. */
void
server_free(struct server *server)
{
	size_t	i;

	if (server == NULL)
		return;
	lws_sul_cancel(&server->sul);
	lws_sul_cancel(&server->work_sul);
	/* What waits for its checks or sync ends before its consoles go. */
	server_verify_drain(server);
	server_durable_drain(server);
	syncpool_free(server->flush);
	syncpool_free(server->syncs);
	for (i = 0; i < nitems(server->batches); i++)
		server_batch_free(&server->batches[i]);
	free(server->verify);
	free(server->flight);
	free(server->checked_ended);
	/* Closing each websocket frees its session (server_session_close). */
	server->freeing = 1;
	lws_context_destroy(server->context);
	if (server->loop != NULL)
		ev_loop_destroy(server->loop);
	for (i = 0; i < server->nnodes; i++)
		command_engine_free(server->nodes[i].engine);
	proto_command_clear(&server->cmd);
	free(server->listeners);
	free(server->ids);
	free(server->fresh);
	free(server->nodes);
	free(server);
}

/*
 * List in a hello the operators this backend trusts (none without
 * --trust), so that a console can warn before its operator signs what
 * would be refused; more than fit are not listed at all, as a partial
 * list would mislead.
 */
static void
server_hello_operators(const struct server *server, struct proto_hello *hello)
{
	const struct opkey_trust	*trust = server->trust;
	size_t				 i;

	proto_hello_operators(hello, 0);
	hello->operators_said = trust == NULL ||
	    trust->n <= PROTO_MAX_OPERATORS;
	if (trust == NULL || !hello->operators_said)
		return;
	proto_hello_operators(hello, trust->n);
	for (i = 0; i < trust->n; i++) {
		util_copy(hello->operators[i].operator,
		    sizeof hello->operators[i].operator, trust->v[i].name);
		util_copy(hello->operators[i].key,
		    sizeof hello->operators[i].key, trust->v[i].pub);
	}
}

/* The simulator behind the nodes, or NULL for a real node's agent. */
static struct sim *
server_sim(const struct server *server)
{
	const struct driver	*d = &server->drv;

	return (d->ops->sim != NULL ? d->ops->sim(d->arg) : NULL);
}

/* Fill node i's hello as its driver has it, with the trusted operators. */
static void
server_hello(const struct server *server, size_t i, struct proto_hello *hello)
{
	const struct driver	*d = &server->drv;

	d->ops->node_hello(d->arg, i, hello);
	server_hello_operators(server, hello);
}

/*
 * What node is now, from its driver, for binding a command of action;
 * for a rollback or flag change, with the facts its plan judges (the
 * document being in server->cmd).
 */
static void
server_command_state(struct server_node *node, const char *action,
    struct command_node_state *now)
{
	struct server		*server = node->server;
	const struct driver	*d = &server->drv;

	d->ops->node_state(d->arg, node->index, now);
	if (proto_plan_applies(action) && d->ops->plan_facts != NULL)
		d->ops->plan_facts(d->arg, &server->cmd, now);
}

/*
 * Whether node's driver cannot carry out a proposal of action at all
 * (the agent without its hook): 1 with the sentence in cause and the
 * refusal in the audit log, so nobody signs it in vain; else 0.
 */
static int
server_command_refused_here(struct server_node *node,
    const struct proto_msg *in, const char *id, const char *action,
    char *cause, size_t causelen)
{
	const struct driver	*d = &node->server->drv;

	if (d->ops->node_accepts == NULL || d->ops->node_accepts(d->arg,
	    node->index, action, cause, causelen) == 0)
		return (0);
	server_refusal_audit(node, id, action, in->u.propose.sig.operator, 0,
	    cause);
	return (1);
}

/* One rule engine per node, trusting trust and logging to audits[i]. */
void
server_commands(struct server *server, const struct opkey_trust *trust,
    struct audit *const *audits, uint64_t reserve)
{
	struct server_node	*node;
	char			*cause = NULL;
	size_t			 i, naudits = 0;

	server->trust = trust;
	if (trust != NULL && audits != NULL && server->loop != NULL &&
	    server->syncs == NULL &&
	    (server->syncs = syncpool_new(SERVER_SYNC_THREADS,
	    &cause)) == NULL) {
		server_log("%s: each execution syncs its audit log alone",
		    cause);
		free(cause);
	}
	if (server->syncs != NULL && server->flush == NULL) {
		if ((server->flush = syncpool_new(SERVER_FLUSH_THREADS,
		    &cause)) == NULL) {
			server_log("%s: the loop waits for each group sync",
			    cause);
			free(cause);
		} else {
			ev_async_init(&server->flush_watch, server_flushed);
			ev_async_start(server->loop, &server->flush_watch);
			ev_unref(server->loop);
		}
	}
	for (i = 0; i < server->nnodes; i++) {
		node = &server->nodes[i];
		command_engine_free(node->engine);
		node->engine = NULL;
		node->audit = audits != NULL ? audits[i] : NULL;
		if (node->audit != NULL)
			naudits++;
		if (trust == NULL)
			continue;
		node->engine = command_engine_new(server_node_id(node), trust,
		    node->audit);
		command_engine_reserve(node->engine, reserve);
		command_engine_group(node->engine, server->syncs != NULL);
	}
	/* Each open audit log holds a descriptor sockets cannot have. */
	server->sock_limit = server_fd_limit(server->nlisteners, naudits,
	    &server->fd_limit);
}

/*
 * The simulator's heartbeat: step it, send alerts, changed certificates
 * and a router's changed state at once, and stats every SERVER_STATS_MS
 * (a gateway's in turn, server_gateway_turns).  It runs with or without
 * consoles, so the scenario's clock never waits for one.
 */
static void
server_tick(lws_sorted_usec_list_t *sul)
{
	struct server		*server = lws_container_of(sul, struct server,
				    sul);
	struct proto_msg	*msg = &server->msg;
	const struct driver	*d = &server->drv;
	struct server_node	*node;
	int64_t			 now;
	int			 stats;

	now = util_mono_ms();
	d->ops->step(d->arg, now);
	server_self_fired(server);

	memset(msg, 0, sizeof *msg);
	msg->type = MSG_ALERT;
	while (d->ops->next_alert(d->arg, &msg->u.alert)) {
		node = server_find_node(server, msg->u.alert.node);
		if (node == NULL) {
			server_log("an alert names node \"%s\", which this "
			    "vigild does not run; it is not sent",
			    msg->u.alert.node);
			continue;
		}
		server_broadcast(node, msg, 0);
	}

	server_check_fds(server, now);
	stats = now - server->last_stats_ms >= SERVER_STATS_MS;
	if (stats && server->waiting != NULL && now - server->last_stats_ms <
	    SERVER_STATS_MS + SERVER_STATS_HOLD_MS)
		stats = 0;
	if (stats) {
		server->last_stats_ms = now;
		server_expire(server);
		server_move_expire(server);
		server_idle(server, now);
		server_direct_turns(server);
	}
	if (server->nlisteners == 1)
		server_gateway_turns(&server->listeners[0]);
	if (server->watched > 0)
		server_walk(server, stats);
	lws_sul_schedule(server->context, 0, &server->sul, server_tick,
	    SERVER_STEP_MS * LWS_US_PER_MS);
}

/*
 * Look at the nodes that may have a frame to send this step: those the
 * driver names as moved (all of them if it cannot say), those a console
 * has just been told of and those whose stats turn it is, each once.
 * Only watched nodes have frames: with nobody connected, walking
 * thousands of listeners and nodes at every step to find that out was
 * most of the step; with a console on every node, asking each one at
 * every step whether its certificate or state moved was some 6% of
 * vigild's samples, for a frame or two a second in all.
 */
static void
server_walk(struct server *server, int stats)
{
	const struct driver		*d = &server->drv;
	const struct server_listener	*l = &server->listeners[0];
	size_t				 i, k, every = server->stats_every;

	server->walks++;
	if (d->ops->next_moved == NULL) {
		for (i = 0; i < server->nnodes; i++)
			server_walk_node(server, &server->nodes[i], stats);
	} else {
		while (d->ops->next_moved(d->arg, &i))
			server_walk_node(server, &server->nodes[i], stats);
	}
	if (l->count > 1) {
		/* A gateway's turns this step (server_gateway_turn). */
		for (k = 0; k < l->stats_n; k++)
			server_walk_node(server, &server->nodes[l->first +
			    (l->stats_from + k) % l->count], stats);
		return;
	}
	if (!stats)
		return;
	/* Cleared only here: a node is in server->fresh while fresh. */
	for (k = 0; k < server->nfresh; k++) {
		server_walk_node(server, &server->nodes[server->fresh[k]],
		    stats);
		server->nodes[server->fresh[k]].fresh = 0;
	}
	server->nfresh = 0;
	/* The nodes on ports of their own whose turn it is. */
	for (i = (every - server->stats_round % every) % every;
	    i < server->nnodes; i += every)
		server_walk_node(server, &server->nodes[i], stats);
}

/*
 * Send node's certificate if it changed, and its stats if it is their
 * turn (or it is fresh), or its state moved; at most once a step.
 */
static void
server_walk_node(struct server *server, struct server_node *node, int stats)
{
	const struct driver	*d = &server->drv;
	struct proto_msg	*msg = &server->msg;
	size_t			 i = node->index;
	int			 changed, moved, turn;

	if (node->walked == server->walks)
		return;
	node->walked = server->walks;
	if (node->listener->nsessions == 0)
		return;
	if (d->ops->node_role(d->arg, i) == ROLE_STATION &&
	    (d->ops->node_cert_changed == NULL ||
	    d->ops->node_cert_changed(d->arg, i))) {
		memset(msg, 0, sizeof *msg);
		msg->type = MSG_CERT;
		changed = 0;
		if (d->ops->node_cert(d->arg, i, &msg->u.cert,
		    &changed) == 0 && changed)
			server_broadcast(node, msg, 0);
	}
	/* A gateway's node's turn gives way to its stats still waiting. */
	moved = d->ops->node_state_changed != NULL &&
	    d->ops->node_state_changed(d->arg, i);
	turn = node->listener->count == 1 ? stats &&
	    (server_direct_turn(node) || node->fresh) :
	    server_gateway_turn(node);
	if (turn || moved) {
		/* Only the stats: the message is 2 KB, its stats 312 bytes. */
		memset(&msg->u.stats, 0, sizeof msg->u.stats);
		msg->type = MSG_STATS;
		if (d->ops->node_stats(d->arg, i, &msg->u.stats) == 0)
			server_broadcast(node, msg, moved ||
			    node->listener->count == 1 ? 1 : SERVER_PERIODIC);
	}
}

/*
 * A stats period begins: from the nodes on ports of their own that a
 * console watches (counted as sessions open and close, not walked),
 * give each node's stats every stats_every periods, as few as keep the
 * whole vigild within SERVER_DIRECT_STATS_PER_S, but at least once
 * every SERVER_DIRECT_STATS_MAX_MS (server.h).
 */
static void
server_direct_turns(struct server *server)
{
	size_t		watched = server->direct_watched, every;
	const size_t	most = SERVER_DIRECT_STATS_MAX_MS / SERVER_STATS_MS;

	every = (watched * 1000 + SERVER_DIRECT_STATS_PER_S *
	    SERVER_STATS_MS - 1) / (SERVER_DIRECT_STATS_PER_S *
	    SERVER_STATS_MS);
	server->stats_every = every < 1 ? 1 : every > most ? most : every;
	server->stats_round++;
}

/*
 * Is it node's turn (on a port of its own) to send stats this period?
 * The nodes take turns, so each period sends a like share.
 */
static int
server_direct_turn(const struct server_node *node)
{
	const struct server	*server = node->listener->server;

	return ((node->index + server->stats_round) % server->stats_every ==
	    0);
}

/*
 * Choose which of a gateway's nodes send stats this step: the next
 * share in turn, so that each node's come every SERVER_STATS_MS, or
 * less often when that would be more than SERVER_GATEWAY_STATS_PER_S.
 */
static void
server_gateway_turns(struct server_listener *l)
{
	size_t	period_ms;

	if (l->count == 1)
		return;
	period_ms = l->count * 1000 / SERVER_GATEWAY_STATS_PER_S;
	if (period_ms < SERVER_STATS_MS)
		period_ms = SERVER_STATS_MS;
	l->stats_from = l->stats_next;
	l->stats_n = (l->count * SERVER_STEP_MS + period_ms - 1) / period_ms;
	if (l->stats_n > l->count)
		l->stats_n = l->count;
	l->stats_next = (l->stats_next + l->stats_n) % l->count;
}

/* Is it node's turn to send stats this step (server_gateway_turns)? */
static int
server_gateway_turn(const struct server_node *node)
{
	const struct server_listener	*l = node->listener;
	size_t				 k = node->index - l->first;

	return ((k + l->count - l->stats_from) % l->count < l->stats_n);
}

/*
 * Encode msg once, behind the room libwebsockets wants for its header,
 * and queue it for every live session of node: the last one takes the
 * buffer itself, any other a copy (a node on a port of its own has one
 * console, nearly always).
 */
static void
server_broadcast(struct server_node *node, const struct proto_msg *msg,
    int replaceable)
{
	struct server_session	*sn, *next, *last = NULL;
	char			*buf;
	size_t			 len;

	if (node->listener->nsessions == 0)
		return;
	buf = proto_encode_pre(msg, LWS_PRE, &len);
	for (sn = node->listener->sessions; sn != NULL; sn = next) {
		next = sn->next;
		if (sn->held)
			continue;
		if (last != NULL)
			server_session_push(last, node->index, replaceable,
			    buf + LWS_PRE, len);
		last = sn;
	}
	if (last != NULL)
		server_session_take(last, node->index, replaceable, buf, len);
	else
		proto_frame_free(buf);
}

/* Encode msg and queue it for one session. */
static void
server_session_send(struct server_session *sn, const struct proto_msg *msg,
    int replaceable)
{
	char	*buf;
	size_t	 len;

	buf = proto_encode_pre(msg, LWS_PRE, &len);
	server_session_take(sn, sn->node->index, replaceable, buf, len);
}

/* Queue a copy of the len bytes at text for sn (server_session_take). */
static void
server_session_push(struct server_session *sn, size_t node, int replaceable,
    const char *text, size_t len)
{
	char	*buf;

	if (sn->dead)
		return;
	buf = xmalloc(LWS_PRE + len + 1);
	memcpy(buf + LWS_PRE, text, len);
	buf[LWS_PRE + len] = '\0';
	server_session_take(sn, node, replaceable, buf, len);
}

/*
 * Queue buf (LWS_PRE bytes of headroom, then the frame and a NUL), which
 * is the session's, or freed, after; and have it written
 * (server_session_want).
 * A console that does not read fast enough to keep its queue below
 * SERVER_QUEUE_MAX frames that must be delivered is dropped: it will
 * reconnect and be sent the whole picture again, which is better than a
 * backend whose memory grows without bound or a console silently
 * missing alerts.
 */
static void
server_session_take(struct server_session *sn, size_t node, int replaceable,
    char *buf, size_t len)
{
	if (sn->dead) {
		proto_frame_free(buf);
		return;
	}
	if (len > PROTO_MAX_FRAME) {
		proto_frame_free(buf);
		server_log("%s: a %zu-byte frame is larger than vigil.v1 "
		    "allows (%d bytes) and was not sent to %s; this is a bug "
		    "in vigild", server_node_id(sn->node), len,
		    PROTO_MAX_FRAME, sn->peer);
		return;
	}
	if (server_queue_take(&sn->queue, node, replaceable, buf, len) ==
	    SERVER_FULL) {
		server_log("%s: console at %s is not reading: %zu frames "
		    "wait for it; dropping its connection (it will "
		    "reconnect and be sent the current state)",
		    server_node_id(sn->node), sn->peer, sn->queue.count);
		server_session_drop(sn);
		return;
	}
	server_session_want(sn);
}

/*
 * Forget what sn holds and have libwebsockets close its connection at
 * its next pass, from outside its callback for sn.
 */
static void
server_session_drop(struct server_session *sn)
{
	sn->dead = 1;
	server_queue_free(&sn->queue);
	free(sn->rx);
	sn->rx = NULL;
	sn->rxcap = 0;
	lws_set_timeout(sn->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/*
 * sn has a frame to send.  On libev, note sn for server_flush, which
 * writes it before the loop waits again; else ask for a writeable
 * callback.
 */
static void
server_session_want(struct server_session *sn)
{
	struct server	*server = sn->listener->server;

	if (server->loop == NULL) {
		lws_callback_on_writable(sn->wsi);
		return;
	}
	if (sn->unflushed)
		return;
	sn->unflushed = 1;
	sn->flush_next = server->unflushed;
	if (server->unflushed != NULL)
		server->unflushed->flush_prevp = &sn->flush_next;
	sn->flush_prevp = &server->unflushed;
	server->unflushed = sn;
}

/* Take sn off the list of sessions to flush (server_session_want). */
static void
server_session_unwant(struct server_session *sn)
{
	if (!sn->unflushed)
		return;
	*sn->flush_prevp = sn->flush_next;
	if (sn->flush_next != NULL)
		sn->flush_next->flush_prevp = sn->flush_prevp;
	sn->unflushed = 0;
}

/*
 * Before the loop waits again (server_pass): write what each session
 * queued since, now, rather than ask for a writeable callback.  Such a
 * callback costs two epoll_ctl() calls (POLLOUT on, then off again), a
 * frame a link with a console on every link, against the one send()
 * that writes it (BENCH.md, h-wcpu).  Writing here is safe when
 * libwebsockets holds nothing unsent for the connection: it then
 * writes the frame or keeps what the socket did not take and sends
 * that first, asking for POLLOUT itself; frames still go one write at
 * a time, oldest first, packed as server_session_write packs them.  A
 * ping or a close, and a connection whose write is still buffered or
 * whose peer is closing, wait for the writeable callback as before.
 */
static void
server_flush(struct server *server)
{
	struct server_session	*sn;

	while ((sn = server->unflushed) != NULL) {
		server_session_unwant(sn);
		if (sn->dead)
			continue;
		if (sn->ping_due || sn->closing || sn->peer_closed ||
		    lws_partial_buffered(sn->wsi)) {
			lws_callback_on_writable(sn->wsi);
			continue;
		}
		if (server_session_write(sn) == -1)
			server_session_drop(sn);
	}
}

/*
 * A console connected: tell it who each node the listener serves is,
 * with a fresh challenge for its operator to answer (one for the
 * connection, in every hello), then, unless reading needs that answer,
 * all the rest (server_session_welcome).  A gateway's queue has room
 * for each node's introduction besides SERVER_QUEUE_MAX frames.
 */
static void
server_session_open(struct server_listener *l, struct server_session *sn,
    struct lws *wsi)
{
	struct server		*server = l->server;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	char			 host[INET_ADDRSTRLEN], *cause = NULL;
	size_t			 i;

	sn->listener = l;
	sn->node = &server->nodes[l->first];
	sn->wsi = wsi;
	sn->refusals_left = SERVER_REFUSAL_BURST;
	sn->refusals_ms = util_mono_ms();
	sn->heard_ms = sn->refusals_ms;
	server_queue_init(&sn->queue, SERVER_QUEUE_MAX + (l->count == 1 ? 0 :
	    l->count * SERVER_GATEWAY_FRAMES), LWS_PRE);
	if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&sin,
	    &slen) == 0 && sin.sin_family == AF_INET &&
	    inet_ntop(AF_INET, &sin.sin_addr, host, sizeof host) != NULL)
		util_format(sn->peer, sizeof sn->peer, "%s:%u", host,
		    (unsigned)ntohs(sin.sin_port));
	else
		util_copy(sn->peer, sizeof sn->peer, "an unknown address");

	sn->next = l->sessions;
	if (l->sessions != NULL)
		l->sessions->prevp = &sn->next;
	sn->prevp = &l->sessions;
	l->sessions = sn;
	if (l->nsessions++ == 0) {
		l->server->watched++;
		if (l->count == 1)
			l->server->direct_watched++;
	}
	sn->linked = 1;

	if (opkey_random_id(sn->challenge, sizeof sn->challenge,
	    &cause) != 0) {
		server_log("%s: no challenge for console at %s: %s",
		    server_node_id(sn->node), sn->peer, cause);
		free(cause);
		sn->challenge[0] = '\0';
	}
	for (i = 0; i < l->count; i++)
		server_session_hello(sn, &server->nodes[l->first + i]);
	sn->node = &server->nodes[l->first];
	if (server->read_key) {
		/* Nothing more until an operator answers the challenge. */
		sn->held = 1;
		lws_sul_schedule(server->context, 0, &sn->auth_sul,
		    server_auth_late, SERVER_AUTH_MS * LWS_US_PER_MS);
		return;
	}
	server_session_welcome(sn);
}

/* Tell console sn who node is, with the connection's challenge. */
static void
server_session_hello(struct server_session *sn, struct server_node *node)
{
	struct server		*server = node->server;
	struct proto_msg	*msg = &server->msg;

	sn->node = node;
	memset(msg, 0, sizeof *msg);
	msg->type = MSG_HELLO;
	server_hello(server, node->index, &msg->u.hello);
	msg->u.hello.link_nodes = (int)node->listener->count;
	util_copy(msg->u.hello.challenge, sizeof msg->u.hello.challenge,
	    sn->challenge);
	util_copy(msg->u.hello.read, sizeof msg->u.hello.read,
	    server->read_key ? "key" : "anyone");
	server_session_send(sn, msg, 0);
	proto_msg_clear(msg);
}

/*
 * Send a console that may read every node's certificate, counters, the
 * alerts still standing and the commands pending, and tell every
 * console of the listener who is watching now.
 */
static void
server_session_welcome(struct server_session *sn)
{
	struct server_listener	*l = sn->listener;
	size_t			 i;

	server_watching(sn->node);
	for (i = 0; i < l->count; i++)
		server_session_introduce(sn, &l->server->nodes[l->first + i]);
	sn->node = &l->server->nodes[l->first];
	/*
	 * The console shows no rate, and vigil status no full report,
	 * until a node's second stats: a node on a port of its own sends
	 * them next period, not at its turn, which with many watched is
	 * up to SERVER_DIRECT_STATS_MAX_MS away (one extra frame a
	 * connection).
	 */
	if (l->count == 1 && !sn->node->fresh) {
		sn->node->fresh = 1;
		l->server->fresh[l->server->nfresh++] = sn->node->index;
	}
}

/*
 * Tell console sn node's certificate, its counters, the alerts still
 * standing and the commands pending.
 */
static void
server_session_introduce(struct server_session *sn, struct server_node *node)
{
	struct server		*server = node->server;
	const struct driver	*d = &server->drv;
	struct proto_msg	*msg = &server->msg;
	const struct proto_alert *alerts;
	const struct command_pending **pending, *armed;
	size_t			 i, n;

	sn->node = node;
	memset(msg, 0, sizeof *msg);
	msg->type = MSG_CERT;
	if (d->ops->node_cert(d->arg, node->index, &msg->u.cert, NULL) == 0)
		server_session_send(sn, msg, 0);

	/*
	 * A console needs two counters for a rate: a node's first stay
	 * queued when the next come before they are written (a stats
	 * period can fall there while vigild is busy with a console's
	 * start-up, and a gateway's turns go on while its introduction
	 * waits for a console reading 20 of them), rather than being
	 * replaced and leaving the console waiting a period more for the
	 * node's turn.  A gateway's queue keeps room for them
	 * (SERVER_GATEWAY_FRAMES).
	 */
	memset(msg, 0, sizeof *msg);
	msg->type = MSG_STATS;
	if (d->ops->node_stats(d->arg, node->index, &msg->u.stats) == 0)
		server_session_send(sn, msg, 0);

	n = d->ops->node_alerts(d->arg, node->index, &alerts);
	for (i = 0; i < n; i++) {
		memset(msg, 0, sizeof *msg);
		msg->type = MSG_ALERT;
		msg->u.alert = alerts[i];
		server_session_send(sn, msg, 0);
	}

	/* Commands waiting for a second operator, so this one can review. */
	if (node->engine == NULL)
		return;
	n = command_pending(node->engine, &pending);
	for (i = 0; i < n; i++)
		server_session_proposal(sn, node, pending[i]);
	/* And the armed kill, so every console shows what is armed. */
	if ((armed = command_armed(node->engine, NULL)) != NULL)
		server_session_proposal(sn, node, armed);
}

/*
 * Whether console sn holds p's document already: it declared
 * PROTO_NAMED_HEADER and the last document it was sent whole here is
 * p's, or its instance was sent p's on another link (the console then
 * waits for it, or wants it).  Otherwise, if it declared, p's is now
 * that document, as the caller sends it whole.
 */
static int
server_session_names(struct server_session *sn,
    const struct command_pending *p)
{
	if (!sn->named)
		return (0);
	if (strcmp(sn->named_sha, p->sha256) == 0)
		return (1);
	if (server_sent(sn->listener->server, sn->instance, p->sha256))
		return (1);
	util_copy(sn->named_sha, sizeof sn->named_sha, p->sha256);
	return (0);
}

/*
 * Send console sn node's proposal p as it stands: whole, or named by its
 * SHA-256 when the console holds its document from this link (a
 * gateway's 1,000 routers holding one kill send it once).
 */
static void
server_session_proposal(struct server_session *sn, struct server_node *node,
    const struct command_pending *p)
{
	struct proto_msg	*msg = &node->server->msg;

	memset(msg, 0, sizeof *msg);
	msg->type = MSG_PROPOSAL;
	if (server_session_names(sn, p))
		command_proposal_named(server_node_id(node), p,
		    &msg->u.proposal);
	else
		command_proposal_msg(server_node_id(node), p,
		    &msg->u.proposal);
	server_session_send(sn, msg, 0);
}

/* A console went away: forget it and free what it held; idempotent. */
static void
server_session_close(struct server_session *sn)
{
	lws_sul_cancel(&sn->auth_sul);
	if (sn->linked) {
		*sn->prevp = sn->next;
		if (sn->next != NULL)
			sn->next->prevp = sn->prevp;
		if (--sn->listener->nsessions == 0) {
			sn->listener->server->watched--;
			if (sn->listener->count == 1)
				sn->listener->server->direct_watched--;
		}
		sn->linked = 0;
		if (!sn->held)
			server_watching(sn->node);
	}
	server_session_unwant(sn);
	if (sn->queue.frames != NULL)
		server_queue_free(&sn->queue);
	free(sn->rx);
	sn->rx = NULL;
	sn->rxlen = sn->rxcap = 0;
	server_unwait(sn);
	server_verify_forget(sn);
}

/*
 * Send the waiting frames: several at once when they fit one TLS
 * record (server_session_pack), else the oldest alone.  One lws_write
 * per writeable callback.  Returns -1 to have libwebsockets close the
 * connection.
 */
static int
server_session_write(struct server_session *sn)
{
	static unsigned char		 ping[LWS_PRE + 6];
	const struct server_frame	*f;
	enum lws_write_protocol		 wp = LWS_WRITE_RAW;
	unsigned char			*buf;
	size_t				 len, nframes;
	int				 n;

	if (sn->dead)
		return (0);
	if (sn->ping_due) {
		/* Not empty: libwebsockets hands on no empty pong. */
		sn->ping_due = 0;
		memcpy(ping + LWS_PRE, "vigild", 6);
		if (lws_write(sn->wsi, ping + LWS_PRE, 6, LWS_WRITE_PING) < 6)
			return (-1);
		if (sn->queue.count > 0 || sn->closing)
			lws_callback_on_writable(sn->wsi);
		return (0);
	}
	if ((f = server_queue_peek(&sn->queue)) == NULL) {
		if (sn->closing) {
			lws_close_reason(sn->wsi, sn->close_status, NULL, 0);
			return (-1);
		}
		return (0);
	}
	if ((nframes = server_session_pack(sn, &buf, &len)) < 2) {
		nframes = 1;
		buf = f->buf + LWS_PRE;
		len = f->len;
		wp = LWS_WRITE_TEXT;
	}
	n = lws_write(sn->wsi, buf, len, wp);
	if (n < 0 || (size_t)n < len) {
		server_log("%s: cannot send to console at %s; closing its "
		    "connection", server_node_id(sn->node), sn->peer);
		return (-1);
	}
	while (nframes-- > 0)
		server_queue_pop(&sn->queue);
	if (sn->queue.count > 0 || sn->closing)
		lws_callback_on_writable(sn->wsi);
	return (0);
}

/*
 * When two or more frames wait and fit SERVER_PACK_MAX bytes together,
 * frame them here as libwebsockets frames them (server_queue_pack; no
 * extension is negotiated, so a frame is its header and text), to go
 * in one write: one TLS record, one system call and one writeable
 * callback for them all, where a kill of 1,000 routers queues three a
 * router (the proposal's status, the result, the stats) on each link
 * and a write a frame was a quarter of the loop's time.  Returns how
 * many frames *buf holds, *len bytes; under 2, nothing is packed.
 */
static size_t
server_session_pack(struct server_session *sn, unsigned char **buf,
    size_t *len)
{
	static unsigned char	 pack[LWS_PRE + SERVER_PACK_MAX];
	size_t			 nframes;

	if (sn->queue.count < 2)
		return (0);
	*buf = pack + LWS_PRE;
	*len = server_queue_pack(&sn->queue, *buf, SERVER_PACK_MAX, &nframes);
	return (nframes);
}

/*
 * Queue an error frame for the console and log the same sentence, so
 * that both ends of a bad message can see what was wrong with it.
 */
static void
server_session_error(struct server_session *sn, const char *in_reply_to,
    const char *text)
{
	struct proto_msg	*msg = &sn->node->server->out;

	memset(msg, 0, sizeof *msg);
	msg->type = MSG_ERROR;
	util_copy(msg->u.error.node, sizeof msg->u.error.node,
	    server_node_id(sn->node));
	util_copy(msg->u.error.in_reply_to, sizeof msg->u.error.in_reply_to,
	    in_reply_to);
	util_copy(msg->u.error.text, sizeof msg->u.error.text, text);
	server_sanitize(msg->u.error.text);
	/* A console sending junk in a loop must not flood the log. */
	if (sn->logged < SERVER_LOG_PER_SESSION) {
		if (server_may_log(sn->node->server))
			server_log("%s: from %s: %s", server_node_id(sn->node),
			    sn->peer, msg->u.error.text);
	} else if (sn->logged == SERVER_LOG_PER_SESSION &&
	    server_may_log(sn->node->server))
		server_log("%s: from %s: more bad messages; they are "
		    "answered but no longer logged", server_node_id(sn->node),
		    sn->peer);
	sn->logged++;
	server_session_send(sn, msg, 0);
}

/*
 * Gather a message's fragments (up to PROTO_MAX_FRAME bytes) and handle
 * it when complete.  A larger message is answered with an error and the
 * connection is closed, since the rest of it cannot be trusted to line
 * up with a frame boundary we would recognise.
 */
static void
server_session_receive(struct server_session *sn, const void *in,
    size_t len)
{
	struct server	*server = sn->listener->server;
	char		 why[PROTO_TEXT_MAX], *text;

	if (sn->dead || sn->closing)
		return;
	if (sn->rxlen == 0)
		sn->rx_binary = lws_frame_is_binary(sn->wsi);
	if (len > PROTO_MAX_FRAME - sn->rxlen) {
		util_format(why, sizeof why, "a message of more than %d "
		    "bytes was refused: vigil.v1 messages are at most %d "
		    "bytes; the connection is closed, reconnect and send "
		    "smaller messages", PROTO_MAX_FRAME, PROTO_MAX_FRAME);
		free(sn->rx);
		sn->rx = NULL;
		sn->rxlen = sn->rxcap = 0;
		server_session_error(sn, "", why);
		sn->closing = 1;
		sn->close_status = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
		if (!sn->dead)
			lws_callback_on_writable(sn->wsi);
		return;
	}
	/* Grown to what the message holds, not PROTO_MAX_FRAME at once. */
	if (sn->rxlen + len > sn->rxcap) {
		while (sn->rxcap < sn->rxlen + len)
			sn->rxcap = sn->rxcap == 0 ? 4096 : 2 * sn->rxcap;
		sn->rx = xreallocarray(sn->rx, 1, sn->rxcap);
	}
	memcpy(sn->rx + sn->rxlen, in, len);
	sn->rxlen += len;
	if (!lws_is_final_fragment(sn->wsi) ||
	    lws_remaining_packet_payload(sn->wsi) != 0)
		return;

	/* Keep no buffer between messages. */
	text = sn->rx;
	len = sn->rxlen;
	sn->rx = NULL;
	sn->rxlen = sn->rxcap = 0;
	/* Behind those waiting, which may be this console's. */
	if ((server->waiting == NULL && !server_busy(server)) ||
	    (sn->nwaiting == 0 &&
	    server->waiting_bytes + len > SERVER_WAIT_BYTES)) {
		server_session_message(sn, text, len, sn->rx_binary);
		proto_msg_clear(&server->msg);
		free(text);
		return;
	}
	server_wait(sn, text, len, sn->rx_binary);
}

/*
 * On libev, lws_service() runs the whole loop and returns only to stop,
 * so a pass's budget for consoles' messages (server_busy) is restarted
 * by a prepare watcher, which libev calls as each pass begins; it does
 * not keep the loop running.
 */
static void
server_pass_watch(struct server *server)
{
	ev_prepare_init(&server->pass_watch, server_pass);
	ev_prepare_start(server->loop, &server->pass_watch);
	ev_unref(server->loop);
}

/*
 * A pass of libev's loop begins: a new budget for consoles' messages;
 * the approvals the last one kept are checked (with the flush pool,
 * queued for the threads' checks, and those checked judged), then the
 * group sync starts, unless the last one is still under way; last,
 * what the sessions queued goes out (server_flush) before the loop
 * waits.
 */
static void
server_pass(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct server	*server = lws_container_of(w, struct server,
			    pass_watch);

	(void)loop;
	(void)revents;
	server->pass_us = -1;
	if (server->flush == NULL) {
		if (server->nverify > 0)
			server_verify_run(server);
	} else {
		if (server->nverify > 0)
			server_verify_post(server);
		if (server->nflight > 0)
			server_verify_reap(server);
	}
	server_durable_reap(server);
	server_durable_start(server);
	server_flush(server);
}

/*
 * Has this pass of the loop spent SERVER_PASS_MS of CPU time on
 * consoles' messages, counting the approvals it kept at what each will
 * cost (server->verify_us)?  The first call of a pass starts its clock.
 */
static int
server_busy(struct server *server)
{
	int64_t	now = server_cpu_us();

	if (now == -1)
		return (0);
	if (server->pass_us == -1) {
		server->pass_us = now;
		return (0);
	}
	return (now - server->pass_us + (int64_t)server->nverify *
	    server->verify_us >= SERVER_PASS_MS * 1000);
}

/* The loop thread's CPU time in microseconds, or -1. */
static int64_t
server_cpu_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return (-1);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* Keep console sn's whole message text for a later pass (server_work). */
static void
server_wait(struct server_session *sn, char *text, size_t len, int binary)
{
	struct server		*server = sn->listener->server;
	struct server_wait	*w;

	w = xcalloc(1, sizeof *w);
	w->sn = sn;
	w->text = text;
	w->len = len;
	w->binary = binary;
	*server->waiting_tail = w;
	server->waiting_tail = &w->next;
	server->waiting_bytes += len;
	sn->nwaiting++;
	lws_sul_schedule(server->context, 0, &server->work_sul, server_work,
	    1);
}

/* Forget the messages console sn has waiting, if any; idempotent. */
static void
server_unwait(struct server_session *sn)
{
	struct server		*server = sn->listener->server;
	struct server_wait	**wp = &server->waiting, *w;

	if (sn->nwaiting == 0)
		return;
	while ((w = *wp) != NULL) {
		if (w->sn != sn) {
			wp = &w->next;
			continue;
		}
		*wp = w->next;
		server->waiting_bytes -= w->len;
		sn->nwaiting--;
		free(w->text);
		free(w);
	}
	server->waiting_tail = wp;
}

/*
 * The waiting messages, oldest first, for SERVER_PASS_MS of this pass;
 * the rest in the next, after the frames these queued went out.
 */
static void
server_work(lws_sorted_usec_list_t *sul)
{
	struct server		*server = lws_container_of(sul,
				    struct server, work_sul);
	struct server_wait	*w;
	size_t			 n = 0;

	(void)server_busy(server);
	while ((w = server->waiting) != NULL) {
		if ((server->waiting = w->next) == NULL)
			server->waiting_tail = &server->waiting;
		server->waiting_bytes -= w->len;
		w->sn->nwaiting--;
		if (!w->sn->dead && !w->sn->closing) {
			server_session_message(w->sn, w->text, w->len,
			    w->binary);
			proto_msg_clear(&server->msg);
		}
		free(w->text);
		free(w);
		if (++n % SERVER_CLOCK_EVERY == 0 && server_busy(server))
			break;
	}
	if (server->waiting != NULL)
		lws_sul_schedule(server->context, 0, &server->work_sul,
		    server_work, 1);
}

/*
 * Answer one complete message (len bytes of rx, binary or not):
 * commands go to the node's rule engine; an error frame is logged,
 * since answering it could start two programs complaining to each other
 * forever; anything else earns an error saying why.
 */
static void
server_session_message(struct server_session *sn, const char *rx,
    size_t len, int binary)
{
	struct proto_msg	*msg = &sn->node->server->msg;
	char			 cause[PROTO_TEXT_MAX];
	char			 text[PROTO_TEXT_MAX];
	const char		*type;

	if (binary) {
		server_session_error(sn, "", "a binary message was refused: "
		    "vigil.v1 carries one JSON object per text message");
		server_session_refused(sn);
		return;
	}
	memset(msg, 0, sizeof *msg);
	if (proto_decode(rx, len, msg, cause, sizeof cause) != 0) {
		type = msg->type == MSG_UNKNOWN ? "" :
		    proto_type_name(msg->type);
		server_session_error(sn, type, cause);
		server_session_refused(sn);
		return;
	}
	type = proto_type_name(msg->type);
	if (msg->type == MSG_AUTH) {
		server_auth(sn, &msg->u.auth);
		return;
	}
	if (sn->held) {
		server_held(sn, type);
		return;
	}
	switch (msg->type) {
	case MSG_PROPOSE:
	case MSG_APPROVE:
	case MSG_CANCEL:
	case MSG_FIRE:
		if (sn->listener->count > 1)
			server_gateway_message(sn, msg);
		else if (msg->type == MSG_FIRE)
			server_fire(sn, msg);
		else
			server_command(sn, msg);
		return;
	case MSG_DELIVER:
		server_move_deliver(sn, msg);
		return;
	case MSG_HOLDER:
		server_move_holder(sn, msg);
		return;
	case MSG_WANT:
		server_want(sn, &msg->u.want);
		return;
	case MSG_ERROR:
		util_copy(text, sizeof text, msg->u.error.text);
		server_sanitize(text);
		if (sn->logged++ < SERVER_LOG_PER_SESSION &&
		    server_may_log(sn->node->server))
			server_log("%s: console at %s reports: %s",
			    server_node_id(sn->node), sn->peer, text);
		server_session_refused(sn);
		return;
	default:
		util_format(text, sizeof text, "%s refused: a backend sends "
		    "%s, a console does not; a console sends auth, propose, "
		    "approve, cancel, fire and want", type, type);
		server_session_error(sn, type, text);
		server_session_refused(sn);
		return;
	}
}

/*
 * want: console sn holds a proposal of a node on this connection that
 * named its document by SHA-256, but not the document (the link that
 * carried it dropped, or it went to another process).  The node sends
 * that proposal whole; a node it does not serve, a document the node
 * does not hold, or a want past the allowance is refused in words.
 */
static void
server_want(struct server_session *sn, const struct proto_want *in)
{
	struct server		*server = sn->listener->server;
	struct server_node	*node;
	const struct command_pending *p = NULL;
	struct proto_msg	*out = &server->out;
	char			 text[PROTO_TEXT_MAX];

	node = server_find_node(server, in->node);
	if (node == NULL || node->listener != sn->listener) {
		util_format(text, sizeof text, "want refused: %s is not a "
		    "node of this connection; ask on the link of the node "
		    "whose proposal named the document", in->node);
		server_session_error(sn, "want", text);
		server_session_refused(sn);
		return;
	}
	sn->node = node;
	text[0] = '\0';
	if ((p = server_want_find(node, in->sha256)) == NULL)
		util_format(text, sizeof text, "want refused: %s holds no "
		    "pending or armed command whose document has SHA-256 "
		    "%.16s...; it was carried out, cancelled or expired since "
		    "(a proposal says so), or the hash is wrong", in->node,
		    in->sha256);
	else if (!server_want_allowed(sn))
		util_format(text, sizeof text, "want refused: this console "
		    "asked for more than %d documents at once or %d a second "
		    "after that on this connection; ask again in a second",
		    SERVER_WANT_BURST, SERVER_WANTS_PER_S);
	if (p == NULL || text[0] != '\0') {
		server_session_error(sn, "want", text);
		server_session_refused(sn);
	} else {
		memset(out, 0, sizeof *out);
		out->type = MSG_PROPOSAL;
		command_proposal_msg(server_node_id(node), p,
		    &out->u.proposal);
		server_session_send(sn, out, 0);
		util_copy(sn->named_sha, sizeof sn->named_sha, p->sha256);
	}
	sn->node = &server->nodes[sn->listener->first];
}

/* The command node holds (pending or armed) of document sha256, or NULL. */
static const struct command_pending *
server_want_find(const struct server_node *node, const char *sha256)
{
	const struct command_pending	**pending, *armed;
	size_t				  i, n;

	if (node->engine == NULL)
		return (NULL);
	n = command_pending(node->engine, &pending);
	for (i = 0; i < n; i++) {
		if (strcmp(pending[i]->sha256, sha256) == 0)
			return (pending[i]);
	}
	armed = command_armed(node->engine, NULL);
	if (armed != NULL && strcmp(armed->sha256, sha256) == 0)
		return (armed);
	return (NULL);
}

/* Take one want from console sn's bucket: 1, or 0 when it is empty. */
static int
server_want_allowed(struct server_session *sn)
{
	int64_t	now = util_mono_ms();

	sn->wants_left += (double)(now - sn->wants_ms) *
	    SERVER_WANTS_PER_S / 1000.0;
	if (sn->wants_left > SERVER_WANT_BURST)
		sn->wants_left = SERVER_WANT_BURST;
	sn->wants_ms = now;
	if (sn->wants_left < 1)
		return (0);
	sn->wants_left -= 1;
	return (1);
}

/*
 * Does node hold command id: pending, or (for a fire) armed?  A node
 * without an engine holds none.
 */
static int
server_node_holds(const struct server_node *node, const char *id, int fire)
{
	const struct command_pending	**pending, *armed;
	size_t				  i, n;

	if (node->engine == NULL)
		return (0);
	if (fire)
		return ((armed = command_armed(node->engine, NULL)) != NULL &&
		    strcmp(armed->cmd.id, id) == 0);
	n = command_pending(node->engine, &pending);
	for (i = 0; i < n; i++) {
		if (strcmp(pending[i]->cmd.id, id) == 0)
			return (1);
	}
	return (0);
}

/*
 * The nodes of gateway sn a command message is for: a propose's or
 * approve's targets that it serves, or those holding a cancel's or
 * fire's id.  Returns how many, their indices in *out (allocated).
 */
static size_t
server_gateway_targets(struct server_session *sn, const struct proto_msg *msg,
    size_t **out)
{
	struct server_listener	*l = sn->listener;
	struct server		*server = l->server;
	struct proto_command	*cmd = &server->cmd;
	struct server_node	*node;
	const char		*doc = NULL, *id = msg->u.cancel.id;
	char			 cause[PROTO_TEXT_MAX];
	size_t			 i, n = 0;

	*out = xcalloc(l->count, sizeof **out);
	if (msg->type == MSG_PROPOSE)
		doc = msg->u.propose.document;
	else if (msg->type == MSG_APPROVE)
		doc = msg->u.approve.document;
	if (doc == NULL) {
		for (i = l->first; i < l->first + l->count; i++) {
			if (server_node_holds(&server->nodes[i], id,
			    msg->type == MSG_FIRE))
				(*out)[n++] = i;
		}
		return (n);
	}
	proto_command_clear(cmd);	/* an earlier message's */
	if (proto_command_decode(doc, strlen(doc), cmd, cause,
	    sizeof cause) != 0)
		return (0);
	for (i = 0; i < cmd->ntargets && n < l->count; i++) {
		node = server_find_node(server, cmd->targets[i].node);
		if (node != NULL && node->listener == l)
			(*out)[n++] = node->index;
	}
	return (n);
}

/*
 * A command message reached a gateway: each node it is for judges it
 * with its own rule engine and audit log, exactly as on a websocket of
 * its own, and answers; when it is for none of them, the first node
 * answers, so the sender hears why.  The message counts as one refusal
 * at most against the console's allowance, however many nodes refuse.
 */
static void
server_gateway_message(struct server_session *sn, const struct proto_msg *msg)
{
	struct server_listener	*l = sn->listener;
	struct server		*server = l->server;
	struct command_sigcheck	 check;
	char			*text;
	size_t			*nodes, i, n;

	n = server_gateway_targets(sn, msg, &nodes);
	if (n == 0)
		nodes[n++] = l->first;
	text = server_gateway_sigcheck(server, msg, nodes, n, &check);
	if (text != NULL)
		server->checked = &check;
	sn->batch = 1;
	sn->batch_refused = 0;
	for (i = 0; i < n && !sn->dead; i++) {
		sn->node = &l->server->nodes[nodes[i]];
		if (msg->type == MSG_FIRE)
			server_fire(sn, msg);
		else
			server_command(sn, msg);
	}
	free(nodes);
	if (text != NULL) {
		server->checked = NULL;
		command_sigcheck_clear(&check);
		free(text);
	}
	sn->batch = 0;
	sn->node = &l->server->nodes[l->first];
	if (sn->batch_refused)
		server_session_refused(sn);
}

/*
 * A gateway's approve: one operator's signature over one statement (the
 * document's SHA-256), the same for each of its nodes that holds the
 * document proposed.  Check it once, for the first of the n nodes that
 * would come to the check, rather than once per node: 100 checks of
 * the same bytes were most of a gateway's judging of a kill, on the
 * loop.  Each node's engine takes the answer only for its own pending
 * copy's very bytes, key and signature (command_approve_checked), and
 * checks again when they differ.  Returns the statement's copy (the
 * check reads it, not the first node's pending copy, which its
 * execution may free), to free once judged, or NULL: nothing checked.
 */
static char *
server_gateway_sigcheck(struct server *server, const struct proto_msg *msg,
    const size_t *nodes, size_t n, struct command_sigcheck *check)
{
	struct server_node	*node;
	char			*text;
	size_t			 i;

	memset(check, 0, sizeof *check);
	if (msg->type != MSG_APPROVE || server->checked != NULL)
		return (NULL);
	for (i = 0; i < n; i++) {
		node = &server->nodes[nodes[i]];
		if (node->engine != NULL && command_approve_sigcheck(
		    node->engine, &msg->u.approve, check))
			break;
	}
	if (i == n)
		return (NULL);
	text = xmalloc(check->len + 1);
	memcpy(text, check->text, check->len + 1);
	check->text = text;
	command_sigcheck_run(check);
	return (text);
}

/*
 * Count one refusal against console sn; past its allowance (see
 * SERVER_REFUSAL_BURST) tell it why in an error frame and close its
 * connection once that is sent.  Nothing it sends after is read.
 */
static void
server_session_refused(struct server_session *sn)
{
	char	text[PROTO_TEXT_MAX];
	int64_t	now = util_mono_ms();

	if (sn->dead || sn->closing)
		return;
	if (sn->batch) {
		sn->batch_refused = 1;
		return;
	}
	sn->refusals_left += (double)(now - sn->refusals_ms) *
	    SERVER_REFUSALS_PER_S / 1000.0;
	if (sn->refusals_left > SERVER_REFUSAL_BURST)
		sn->refusals_left = SERVER_REFUSAL_BURST;
	sn->refusals_ms = now;
	sn->refusals_left -= 1;
	if (sn->refusals_left >= 0)
		return;
	util_format(text, sizeof text, "too many refused messages: more "
	    "than %d at once or %d a second after that; %s closes this "
	    "connection and reads nothing more from it: fix what the "
	    "refusals said, then reconnect", SERVER_REFUSAL_BURST,
	    SERVER_REFUSALS_PER_S, server_node_id(sn->node));
	sn->logged = SERVER_LOG_PER_SESSION + 1;
	server_log("%s: console at %s: %s", server_node_id(sn->node),
	    sn->peer, text);
	server_session_error(sn, "", text);
	sn->closing = 1;
	sn->close_status = LWS_CLOSE_STATUS_POLICY_VIOLATION;
	lws_callback_on_writable(sn->wsi);
}

/*
 * Log a line about a command from console sn, with control characters
 * replaced, since operator names and reasons come from the peer.
 */
static void
server_log_command(struct server_session *sn, const char *fmt, ...)
{
	char	line[2 * PROTO_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	server_sanitize(line);
	if (sn == NULL)
		server_log("%s", line);
	else
		server_log("%s (from %s)", line, sn->peer);
}

/*
 * The id and action a command message is about, as far as they can be
 * told, for its result: "" where they cannot.
 */
static void
server_command_names(struct server_node *node, const struct proto_msg *in,
    char *id, size_t idlen, char *action, size_t actionlen)
{
	struct proto_command		 *cmd = &node->server->cmd;
	const struct command_pending	**pending;
	const char			 *doc = NULL;
	char				  cause[PROTO_TEXT_MAX];
	size_t				  i, n;

	id[0] = '\0';
	action[0] = '\0';
	if (in->type == MSG_PROPOSE)
		doc = in->u.propose.document;
	else if (in->type == MSG_APPROVE) {
		util_copy(id, idlen, in->u.approve.id);
		doc = in->u.approve.document;
	} else if (in->type == MSG_CANCEL || in->type == MSG_FIRE)
		util_copy(id, idlen, in->u.cancel.id);
	if (in->type == MSG_FIRE) {
		util_copy(action, actionlen, "arm-kill");
		return;
	}
	/* Kept decoded for the plan's facts (sim_plan_facts). */
	proto_command_clear(cmd);
	if (doc != NULL && proto_command_decode(doc, strlen(doc), cmd, cause,
	    sizeof cause) == 0) {
		if (id[0] == '\0')
			util_copy(id, idlen, cmd->id);
		util_copy(action, actionlen, cmd->action);
		return;
	}
	if (id[0] == '\0' || node->engine == NULL)
		return;
	n = command_pending(node->engine, &pending);
	for (i = 0; i < n; i++) {
		if (strcmp(pending[i]->cmd.id, id) != 0)
			continue;
		util_copy(action, actionlen, pending[i]->cmd.action);
		/* An approve naming the document: the plan's is the held. */
		if (proto_plan_applies(action))
			proto_command_copy(cmd, &pending[i]->cmd);
	}
}

/*
 * Queue a result for console sn, or, with sn NULL, for every console of
 * node.
 */
static void
server_result(struct server_session *sn, struct server_node *node,
    const char *in_reply_to, const char *id, const char *action,
    enum proto_outcome outcome, const char *text)
{
	struct proto_msg	*out = &node->server->out;
	struct proto_result	*r = &out->u.result;

	memset(out, 0, sizeof *out);
	out->type = MSG_RESULT;
	util_copy(r->node, sizeof r->node, server_node_id(node));
	util_copy(r->id, sizeof r->id, id);
	util_copy(r->action, sizeof r->action, action);
	util_copy(r->in_reply_to, sizeof r->in_reply_to, in_reply_to);
	r->outcome = outcome;
	util_copy(r->text, sizeof r->text, text);
	if (sn != NULL)
		server_session_send(sn, out, 0);
	else
		server_broadcast(node, out, 0);
}

/*
 * Queue command p for every console of node, with status.  Only a new
 * proposal carries its document: each console of the node was sent it
 * then, or in the pending proposals when it connected, so what follows
 * (approved, executed, cancelled, expired, fired) names it by its
 * SHA-256, and a kill of 1,000 routers does not send each console its
 * document 1,000 times more.
 */
static void
server_proposal(struct server_node *node, const struct command_pending *p,
    enum proto_status status)
{
	struct proto_msg	*out = &node->server->out;
	struct server_session	*sn, *next;
	char			*whole = NULL, *named = NULL;
	size_t			 wlen = 0, nlen = 0;

	memset(out, 0, sizeof *out);
	out->type = MSG_PROPOSAL;
	command_proposal_named(server_node_id(node), p, &out->u.proposal);
	out->u.proposal.status = status;
	if (status != STATUS_PENDING || p->nsigs != 1) {
		server_broadcast(node, out, 0);
		return;
	}
	/*
	 * New: whole, but named to a console that holds it from this link;
	 * each form encoded once, and only if some console takes it.
	 */
	for (sn = node->listener->sessions; sn != NULL; sn = next) {
		next = sn->next;
		if (sn->held)
			continue;
		if (server_session_names(sn, p)) {
			if (named == NULL) {
				command_proposal_named(server_node_id(node),
				    p, &out->u.proposal);
				out->u.proposal.status = status;
				named = proto_encode(out);
				nlen = strlen(named);
			}
			server_session_push(sn, node->index, 0, named, nlen);
			continue;
		}
		if (whole == NULL) {
			command_proposal_msg(server_node_id(node), p,
			    &out->u.proposal);
			out->u.proposal.status = status;
			whole = proto_encode(out);
			wlen = strlen(whole);
		}
		server_session_push(sn, node->index, 0, whole, wlen);
	}
	free(named);
	free(whole);
}

/*
 * Write a refusal the engine did not see into node's audit log, if it
 * has one, so that every refusal is on record: compact, with operator
 * as claimed unless verified.  Its entry holds no document, so only
 * the rest of it is cleared (proto_audit_new), not 192 KB each time.
 */
static void
server_refusal_audit(struct server_node *node, const char *id,
    const char *action, const char *operator, int verified,
    const char *text)
{
	struct proto_audit_entry	*e;
	char				*cause = NULL;

	if (node->audit == NULL)
		return;
	e = proto_audit_new();
	e->time_ms = util_wall_ms();
	util_copy(e->node, sizeof e->node, server_node_id(node));
	util_copy(e->event, sizeof e->event, "refuse");
	util_copy(e->id, sizeof e->id, id);
	util_copy(e->action, sizeof e->action, action);
	util_copy(e->operator, sizeof e->operator, operator);
	util_copy(e->text, sizeof e->text, text);
	e->verified = verified;
	if (audit_append(node->audit, e, &cause) != 0) {
		server_log("%s: %s", server_node_id(node), cause);
		free(cause);
	}
	proto_audit_free(e);
}

/*
 * A command reached a backend started without --trust: refuse it, in
 * words that say how to start the backend so that it accepts commands.
 */
static void
server_untrusted(struct server_session *sn, const struct proto_msg *in)
{
	const char	*verb = proto_type_name(in->type), *op;
	char		 id[PROTO_CMDID_MAX], action[16];
	char		 text[PROTO_TEXT_MAX];

	server_command_names(sn->node, in, id, sizeof id, action,
	    sizeof action);
	if (in->type == MSG_PROPOSE)
		op = in->u.propose.sig.operator;
	else if (in->type == MSG_APPROVE)
		op = in->u.approve.sig.operator;
	else
		op = in->u.cancel.sig.operator;
	util_format(text, sizeof text, "%s refused %s%s%s: the backend "
	    "trusts no operator, so it carries out no command; start it "
	    "with --trust FILE naming the operators' public keys",
	    server_node_id(sn->node), verb, action[0] != '\0' ? " of " : "",
	    action);
	server_refusal_audit(sn->node, id, action, op, 0, text);
	if (sn->logged++ < SERVER_LOG_PER_SESSION)
		server_log_command(sn, "%s", text);
	server_result(sn, sn->node, verb, id, action, OUTCOME_REFUSED,
	    text);
	server_session_refused(sn);
}

/* A proposal now held pending: say so to every console and the log. */
static void
server_proposed(struct server_session *sn, const struct command_pending *p)
{
	struct server_node	*node = sn->node;
	char			 text[PROTO_TEXT_MAX], until[16];

	util_format(text, sizeof text, "%s holds %s %s, proposed by %s, "
	    "pending: a second, different operator must approve it by %s "
	    "UTC", server_node_id(node), p->cmd.action, p->cmd.id,
	    p->cmd.proposer, util_clock_text(p->cmd.expires_ms, until,
	    sizeof until));
	server_log_command(sn, "%s: %s proposed %s %s, reason \"%s\"; "
	    "pending until %s UTC", server_node_id(node), p->cmd.proposer,
	    p->cmd.action, p->cmd.id, p->cmd.reason, until);
	server_result(sn, node, "propose", p->cmd.id, p->cmd.action,
	    OUTCOME_ACCEPTED, text);
	server_proposal(node, p, p->status);
}

/* A propose, approve or cancel from console sn about its node now. */
static void
server_command(struct server_session *sn, const struct proto_msg *in)
{
	server_command_on(sn, sn->node, in);
}

/*
 * A propose, approve or cancel from console sn about node: let the
 * node's engine judge it against the node as it is now, answer the
 * sender, and tell every console of the node what became of the
 * command.  An approve or cancel that waited for its signature's check
 * (server_verify_run) may have lost its sender (sn NULL): it is judged
 * all the same, and what only the sender would hear is logged.
 */
static void
server_command_on(struct server_session *sn, struct server_node *node,
    const struct proto_msg *in)
{
	struct server			*server = node->server;
	struct proto_msg		*out = &server->out;
	const struct command_pending	*p = NULL, **pending;
	struct command_node_state	 now;
	const char			*verb = proto_type_name(in->type);
	char				 cause[PROTO_TEXT_MAX];
	char				 text[PROTO_TEXT_MAX];
	char				 id[PROTO_CMDID_MAX], action[16];
	int64_t				 now_ms = util_wall_ms();
	size_t				 i, n;
	int				 rc, found = 0;

	if (node->engine == NULL) {
		if (sn != NULL)
			server_untrusted(sn, in);
		return;
	}
	if (sn != NULL && server_verify_defer(sn, in))
		return;
	server_command_names(node, in, id, sizeof id, action, sizeof action);
	server_command_state(node, action, &now);
	cause[0] = '\0';
	switch (in->type) {
	case MSG_PROPOSE:
		if (server_command_refused_here(node, in, id, action, cause,
		    sizeof cause) || server_move_check(sn, in, id, action,
		    cause, sizeof cause) != 0)
			break;
		rc = command_propose(node->engine, in->u.propose.document,
		    &in->u.propose.sig, &now, now_ms, &p, cause,
		    sizeof cause);
		if (rc != 0)
			break;
		server_proposed(sn, p);
		return;
	case MSG_APPROVE:
		rc = command_approve_checked(node->engine, &in->u.approve,
		    server->checked, &now, now_ms, &p, cause, sizeof cause);
		if (rc == 1) {
			server_execute(sn, node, p);
			return;
		}
		if (rc == 2) {
			server_durable_queue(node, p);
			return;
		}
		if (rc != 0 || p == NULL)
			break;
		/* Signed, but the action needs more signers still. */
		util_format(text, sizeof text, "%s recorded %s's approval of "
		    "%s %s; it needs more operators' approvals",
		    server_node_id(node), in->u.approve.sig.operator,
		    p->cmd.action, p->cmd.id);
		if (sn != NULL)
			server_result(sn, node, verb, p->cmd.id,
			    p->cmd.action, OUTCOME_ACCEPTED, text);
		server_proposal(node, p, p->status);
		return;
	case MSG_CANCEL:
		/* Keep the proposal as it stood, to say it was cancelled. */
		n = command_pending(node->engine, &pending);
		for (i = 0; i < n && !found; i++) {
			if (strcmp(pending[i]->cmd.id, in->u.cancel.id) != 0)
				continue;
			memset(out, 0, sizeof *out);
			out->type = MSG_PROPOSAL;
			command_proposal_named(server_node_id(node),
			    pending[i], &out->u.proposal);
			found = 1;
		}
		rc = command_cancel(node->engine, in->u.cancel.id,
		    &in->u.cancel.sig, now_ms, cause, sizeof cause);
		if (rc != 0)
			break;
		if (found) {
			out->u.proposal.status = STATUS_CANCELLED;
			server_broadcast(node, out, 0);
		}
		util_format(text, sizeof text, "%s cancelled %s %s at its "
		    "proposer's request", server_node_id(node), action, id);
		server_log_command(sn, "%s: %s cancelled %s %s",
		    server_node_id(node), in->u.cancel.sig.operator, action,
		    id);
		if (sn != NULL)
			server_result(sn, node, verb, id, action,
			    OUTCOME_CANCELLED, text);
		return;
	default:
		fatal("server_command: %s is not a command", verb);
	}

	/* Refused: the engine has put it in the audit log already. */
	server_command_refused(sn, node, verb, id, action, cause);
}

/*
 * Answer a refused command message (verb, about command id and action
 * on node) with the engine's sentence cause, logging it within the
 * session's allowance; with the sender gone (sn NULL), log it.
 */
static void
server_command_refused(struct server_session *sn, struct server_node *node,
    const char *verb, const char *id, const char *action, const char *cause)
{
	char			 said[PROTO_TEXT_MAX];

	if (cause[0] == '\0') {
		util_format(said, sizeof said, "%s refused %s: the rule "
		    "engine gave no reason; this is a bug in vigild",
		    server_node_id(node), verb);
		cause = said;
	}
	if (sn == NULL || sn->logged++ < SERVER_LOG_PER_SESSION) {
		if (strncmp(cause, server_node_id(node),
		    strlen(server_node_id(node))) == 0)
			server_log_command(sn, "%s", cause);
		else
			server_log_command(sn, "%s: refused %s: %s",
			    server_node_id(node), verb, cause);
	}
	if (sn == NULL)
		return;
	server_result(sn, node, verb, id, action, OUTCOME_REFUSED, cause);
	server_session_refused(sn);
}

/*
 * The engine wrote p's execute line unsynced (command_engine_group):
 * queue it for the next group sync, with its log's slot in that sync
 * (one per log, however many commands it holds).
 */
static void
server_durable_queue(struct server_node *node, const struct command_pending *p)
{
	struct server		*server = node->server;
	struct server_batch	*b = server->filling;
	struct server_durable	*d;

	if (b->ndurable == 0) {
		server->sync_batch++;
		b->nsync = b->nlanded = 0;
	}
	if (b->ndurable == b->cap)
		server_batch_grow(b);
	if (node->sync_batch != server->sync_batch) {
		node->sync_batch = server->sync_batch;
		node->sync_slot = b->nsync;
		b->nodes[b->nsync] = node->index;
		b->fds[b->nsync++] = audit_fd(node->audit);
	}
	d = &b->durable[b->ndurable++];
	d->node = node->index;
	util_copy(d->id, sizeof d->id, p->cmd.id);
	audit_ticket(node->audit, &d->ticket);
	d->slot = node->sync_slot;
	d->landed = 0;
}

/* Room for twice as many executions (and as many logs) in batch b. */
static void
server_batch_grow(struct server_batch *b)
{
	b->cap = b->cap == 0 ? 64 : 2 * b->cap;
	b->durable = xreallocarray(b->durable, b->cap, sizeof *b->durable);
	b->nodes = xreallocarray(b->nodes, b->cap, sizeof *b->nodes);
	b->fds = xreallocarray(b->fds, b->cap, sizeof *b->fds);
	b->errors = xreallocarray(b->errors, b->cap, sizeof *b->errors);
	b->synced = xreallocarray(b->synced, b->cap, sizeof *b->synced);
	b->at = xreallocarray(b->at, b->cap, sizeof *b->at);
	b->ended = xreallocarray(b->ended, b->cap, sizeof *b->ended);
}

/* Free batch b's arrays. */
static void
server_batch_free(struct server_batch *b)
{
	free(b->durable);
	free(b->nodes);
	free(b->fds);
	free(b->errors);
	free(b->synced);
	free(b->at);
	free(b->ended);
}

/*
 * The group commit: unless one is under way, fdatasync every log with a
 * waiting execution, in parallel.  While consoles' messages wait for
 * the loop, on the flush pool's threads alone, and the loop goes on
 * checking and judging them, each execution carried out as its log's
 * sync is reaped (server_flushed); else on the loop and the pool's
 * threads together, and carried out at once, as a lone approval's has
 * nothing to wait behind.  Each log's lines up to where it stood as its
 * sync began are the ones made durable (audit_point).
 */
static void
server_durable_start(struct server *server)
{
	struct server_batch	*b = server->filling;
	size_t			 i;

	if (b->ndurable == 0 || server->flying != NULL)
		return;
	for (i = 0; i < b->nsync; i++) {
		audit_point(server->nodes[b->nodes[i]].audit, &b->at[i]);
		b->synced[i] = 0;
	}
	server->flying = b;
	server->filling = b == &server->batches[0] ? &server->batches[1] :
	    &server->batches[0];
	if (server->flush != NULL && (server->waiting != NULL ||
	    server->nverify > 0 || server->nflight > 0)) {
		syncpool_start(server->flush, b->fds, b->errors, b->nsync,
		    server_flush_wake, server);
		return;
	}
	syncpool_run(server->syncs, b->fds, b->errors, b->nsync);
	for (i = 0; i < b->nsync; i++)
		b->synced[i] = 1;
	server_durable_land(server);
}

/*
 * In the order they came, carry out the flying batch's executions whose
 * logs' syncs were reaped and left their lines durable, and refuse
 * those whose lines were cut off, to every console of their node (the
 * approver's may have gone); once all have landed, the batch is done.
 */
static void
server_durable_land(struct server *server)
{
	struct server_batch		*b = server->flying;
	struct server_durable		*d;
	struct server_node		*node;
	const struct command_pending	*p;
	char				 cause[PROTO_TEXT_MAX];
	char				*logcause;
	size_t				 i;
	int				 rc;

	for (i = 0; i < b->ndurable; i++) {
		d = &b->durable[i];
		node = &server->nodes[d->node];
		if (d->landed || !b->synced[d->slot] ||
		    (server->verifying && node->nverify > 0))
			continue;
		d->landed = 1;
		b->nlanded++;
		audit_synced_at(node->audit, b->errors[d->slot],
		    &b->at[d->slot], &d->ticket, &logcause);
		rc = command_durable(node->engine, d->id, logcause,
		    util_wall_ms(), &p, cause, sizeof cause);
		free(logcause);
		if (rc == 1) {
			server_execute(NULL, node, p);
			continue;
		}
		server_log_command(NULL, "%s", cause);
		server_result(NULL, node, "approve", d->id, p->cmd.action,
		    OUTCOME_REFUSED, cause);
	}
	if (b->nlanded == b->ndurable) {
		b->ndurable = b->nlanded = b->nsync = 0;
		server->flying = NULL;
	}
}

/*
 * Land what the flush pool's syncs made durable since last time; once
 * the whole batch has, start the next group sync.
 */
static void
server_durable_reap(struct server *server)
{
	struct server_batch	*b = server->flying;
	size_t			 i, n;

	if (b == NULL)
		return;
	n = syncpool_reap(server->flush, b->ended);
	for (i = 0; i < n; i++)
		b->synced[b->ended[i]] = 1;
	server_durable_land(server);
	if (server->flying == NULL)
		server_durable_start(server);
}

/* Sync and land every execution waiting, however long it takes. */
static void
server_durable_drain(struct server *server)
{
	while (server->flying != NULL || server->filling->ndurable > 0) {
		if (server->flying == NULL)
			server_durable_start(server);
		else {
			syncpool_wait(server->flush);
			server_durable_reap(server);
		}
	}
}

/* A pool thread ended a sync or check: wake the loop (on that thread). */
static void
server_flush_wake(void *arg)
{
	struct server	*server = arg;

	ev_async_send(server->loop, &server->flush_watch);
}

/*
 * Between the loop's own checks of a pass (syncpool_each_poll): land
 * what the syncs made durable meanwhile, but for the nodes whose
 * approvals are being checked, whose engines the pool's threads read.
 */
static void
server_verify_poll(void *arg)
{
	server_durable_reap(arg);
}

/*
 * The loop woke for syncs or checks that ended: judge what is due, land
 * what the syncs made durable, and write the frames that made now
 * (server_flush), not after the rest of this turn of the loop, which
 * reads and takes the next consoles' messages first.
 */
static void
server_flushed(struct ev_loop *loop, ev_async *w, int revents)
{
	struct server	*server = lws_container_of(w, struct server,
			    flush_watch);

	(void)loop;
	(void)revents;
	if (server->nflight > 0)
		server_verify_reap(server);
	server_durable_reap(server);
	server_flush(server);
}

/*
 * Keep approve or cancel in from console sn for the next pass, when the
 * approvals kept are checked over the cores (server_verify_run), rather
 * than check its signature on the loop now: an approve that would come
 * to its check (command_approve_sigcheck: the cheap refusals are made
 * now, before it), and, behind it, any approve or cancel for the same
 * node, so that the node judges them in the order they came.  Only with
 * the group sync's threads, and on a node's own link (a gateway's
 * message is judged by many nodes at once, as one).  Returns 1 if kept.
 */
static int
server_verify_defer(struct server_session *sn, const struct proto_msg *in)
{
	struct server_node	*node = sn->node;
	struct server		*server = node->server;
	struct server_verify	*v;
	struct command_sigcheck	 check;
	int			 checking = 0;

	if (server->syncs == NULL || server->judging ||
	    sn->listener->count != 1 || (in->type != MSG_APPROVE &&
	    in->type != MSG_CANCEL))
		return (0);
	if (in->type == MSG_APPROVE) {
		checking = command_approve_sigcheck(node->engine,
		    &in->u.approve, &check);
		/* move-root's sealed key goes to its approver, now. */
		if (checking && strcmp(check.action, "move-root") == 0)
			checking = 0;
	}
	if (!checking && node->nverify == 0)
		return (0);
	if (server->nverify == server->verifycap) {
		server->verifycap = server->verifycap == 0 ? 64 :
		    2 * server->verifycap;
		server->verify = xreallocarray(server->verify,
		    server->verifycap, sizeof *server->verify);
	}
	v = &server->verify[server->nverify++];
	memset(v, 0, sizeof *v);
	v->sn = sn;
	v->node = node->index;
	v->type = in->type;
	if (in->type == MSG_APPROVE) {
		v->approve = in->u.approve;
		if (in->u.approve.document != NULL)
			v->approve.document = xstrdup(in->u.approve.document);
	} else
		v->cancel = in->u.cancel;
	node->nverify++;
	sn->nverify++;
	return (1);
}

/* Console sn went away: what it sent and waits is judged without it. */
static void
server_verify_forget(struct server_session *sn)
{
	struct server	*server = sn->listener->server;
	size_t		 i;

	for (i = 0; i < server->nverify && sn->nverify > 0; i++) {
		if (server->verify[i].sn == sn) {
			server->verify[i].sn = NULL;
			sn->nverify--;
		}
	}
	/* The threads read only the checks, never sn. */
	for (i = server->njudged; i < server->nflight && sn->nverify > 0;
	    i++) {
		if (server->flight[i].sn == sn) {
			server->flight[i].sn = NULL;
			sn->nverify--;
		}
	}
}

/* Check the i-th kept approval's signature: on any of the pool's threads. */
static void
server_verify_one(void *arg, size_t i)
{
	struct server_verify	*v = (struct server_verify *)arg + i;
	int64_t			 start = server_cpu_us();

	if (v->checking)
		command_sigcheck_run(&v->check);
	if (start != -1)
		v->check_us = server_cpu_us() - start;
}

/*
 * Find what each of the n kept messages vs is to check again (its node's
 * engine may have changed since it came), each node's approval with its
 * own engine over its own pending copy, and copy the statement it
 * checks: the check then reads nothing the loop may change meanwhile
 * (an expiry frees a pending command), and its answer is taken for
 * these very bytes (command_approve_checked).
 */
static void
server_verify_prepare(struct server *server, struct server_verify *vs,
    size_t n)
{
	struct server_verify	*v;
	struct server_node	*node;
	size_t			 i;

	for (i = 0; i < n; i++) {
		v = &vs[i];
		node = &server->nodes[v->node];
		if (v->type != MSG_APPROVE || node->engine == NULL)
			continue;
		v->checking = command_approve_sigcheck(node->engine,
		    &v->approve, &v->check);
		if (!v->checking)
			continue;
		v->text = xmalloc(v->check.len + 1);
		memcpy(v->text, v->check.text, v->check.len + 1);
		v->check.text = v->text;
	}
}

/*
 * Judge kept message v, its check ended (or none to run), in its turn:
 * an approval takes its check's answer (the engine refuses, logs and
 * audits exactly as it would have).  The caller sets server->judging.
 */
static void
server_verify_judge(struct server *server, struct server_verify *v)
{
	struct server_session	*sn;
	struct server_node	*node = &server->nodes[v->node];
	struct proto_msg	*msg = &server->msg;

	node->nverify--;
	if (v->sn != NULL)
		v->sn->nverify--;
	/* Not the whole scratch message: it is 21 KB. */
	msg->type = v->type;
	if (v->type == MSG_APPROVE)
		msg->u.approve = v->approve;
	else
		msg->u.cancel = v->cancel;
	server->checked = v->checking ? &v->check : NULL;
	/* Read before its console closed: judged all the same. */
	sn = v->sn != NULL && !v->sn->dead && !v->sn->closing ? v->sn : NULL;
	server_command_on(sn, node, msg);
	server->checked = NULL;
	memset(&msg->u.approve, 0, sizeof msg->u.approve);
	msg->type = MSG_UNKNOWN;
	free(v->approve.document);
	free(v->text);
	command_sigcheck_clear(&v->check);
}

/*
 * The approvals kept since the last pass, without the flush pool: check
 * them all on the pool's threads and the loop's, then judge each kept
 * message in the order they came.
 */
static void
server_verify_run(struct server *server)
{
	size_t	 i, n = server->nverify;
	int64_t	 start, cost = 0;

	server_verify_prepare(server, server->verify, n);
	server->verifying = 1;
	syncpool_each_poll(server->syncs, server_verify_one, server->verify,
	    n, server_verify_poll, server);
	server->verifying = 0;

	server->judging = 1;
	start = server_cpu_us();
	for (i = 0; i < n; i++) {
		cost += server->verify[i].check_us;
		server_verify_judge(server, &server->verify[i]);
	}
	server->nverify = 0;
	server->judging = 0;
	/* What one cost, smoothed over the last few passes. */
	if (start != -1 && n > 0)
		server->verify_us = (3 * server->verify_us + (cost +
		    server_cpu_us() - start) / (int64_t)n) / 4;
}

/*
 * With the flush pool, the approvals kept since the last pass go to the
 * sync pool's threads alone, behind those in flight: a queue the
 * threads drain as it grows (syncpool_more), so a check starts as soon
 * as the pass that kept it ends, not once a batch before it has been
 * judged whole.  The loop goes on writing frames and reading messages;
 * each is judged once its check and those before it have ended
 * (server_verify_reap).  While the threads' run lasts they read flight,
 * which then cannot grow: what it has no room for waits for the run.
 */
static void
server_verify_post(struct server *server)
{
	size_t	from = server->nflight, n = server->nverify;

	if (from + n > server->flightcap) {
		if (server->nrun > 0)
			return;
		/* A kill of 1,000 routers' approvals fit at once. */
		server->flightcap = 4 * (from + n) < 1024 ? 1024 :
		    4 * (from + n);
		server->flight = xreallocarray(server->flight,
		    server->flightcap, sizeof *server->flight);
		server->checked_ended = xreallocarray(server->checked_ended,
		    server->flightcap, sizeof *server->checked_ended);
	}
	/* What each holds (document, statement) goes with it. */
	memcpy(server->flight + from, server->verify, n *
	    sizeof *server->verify);
	server->nflight += n;
	server->nverify = 0;
	server_verify_prepare(server, server->flight + from, n);
	if (server->nrun > 0) {
		if (!syncpool_more(server->syncs, n))
			fatal("server_verify_post: the checks' run ended "
			    "unreaped");
		server->nrun += n;
		return;
	}
	server->runbase = from;
	server->nrun = n;
	server->nreaped = 0;
	syncpool_start_each(server->syncs, server_verify_one,
	    server->flight + from, n, server_flush_wake, server);
}

/*
 * Judge, in the order they came, the messages in flight whose checks
 * ended, up to the first still running, for SERVER_PASS_MS of the
 * loop's CPU (the rest at the next pass, after the frames these queued
 * went out).  Once all are judged flight is empty again.
 */
static void
server_verify_reap(struct server *server)
{
	struct server_verify	*v;
	size_t			 i, n, from = server->njudged;
	int64_t			 start = server_cpu_us();

	n = syncpool_reap(server->syncs, server->checked_ended);
	for (i = 0; i < n; i++)
		server->flight[server->runbase +
		    server->checked_ended[i]].ended = 1;
	if ((server->nreaped += n) == server->nrun)
		server->nrun = server->nreaped = 0;
	server->judging = 1;
	while (server->njudged < server->nflight) {
		v = &server->flight[server->njudged];
		if (!v->ended)
			break;
		server_verify_judge(server, v);
		server->njudged++;
		if (start != -1 && (server->njudged - from) %
		    SERVER_CLOCK_EVERY == 0 && server_cpu_us() - start >=
		    SERVER_PASS_MS * 1000) {
			ev_async_send(server->loop, &server->flush_watch);
			break;
		}
	}
	server->judging = 0;
	/* The loop's cost of one: the checks are the threads'. */
	if (start != -1 && server->njudged > from)
		server->verify_us = (3 * server->verify_us + (server_cpu_us() -
		    start) / (int64_t)(server->njudged - from)) / 4;
	if (server->njudged == server->nflight && server->nrun == 0)
		server->nflight = server->njudged = 0;
}

/* Check and judge every message kept, however long it takes. */
static void
server_verify_drain(struct server *server)
{
	while (server->nflight > 0) {
		syncpool_wait(server->syncs);
		server_verify_reap(server);
	}
	if (server->nverify > 0)
		server_verify_run(server);
}

/*
 * The engine says carry out p (its execute line is in the audit log):
 * hand it to the node.  A simulated node acts at once; a real node's
 * hook runs, and its driver calls server_command_done() when it ends.
 */
static void
server_execute(struct server_session *sn, struct server_node *node,
    const struct command_pending *p)
{
	const struct driver	*d = &node->server->drv;
	const char		*proposer, *approver;
	char			 why[PROTO_TEXT_MAX];
	char			 text[PROTO_TEXT_MAX];

	if (strcmp(p->cmd.action, "move-root") == 0 && sn != NULL) {
		server_move_seal(sn, p);
		return;
	}
	proposer = p->nsigs > 0 ? p->sigs[0].operator : p->cmd.proposer;
	approver = p->nsigs > 1 ? p->sigs[p->nsigs - 1].operator : "?";
	why[0] = '\0';
	switch (d->ops->node_command(d->arg, node->index, p, why,
	    sizeof why)) {
	case DRIVER_STARTED:
		server_log_command(sn, "%s: %s %s, proposed by %s and "
		    "approved by %s, is under way; reason: \"%s\"",
		    server_node_id(node), p->cmd.action, p->cmd.id, proposer,
		    approver, p->cmd.reason);
		return;
	case DRIVER_REFUSED:
		util_format(text, sizeof text, "%s could not carry out %s %s "
		    "although %s and %s signed it: %s", server_node_id(node),
		    p->cmd.action, p->cmd.id, proposer, approver, why);
		server_finish(sn, node, p, 0, text);
		return;
	case DRIVER_DONE:
		server_finish(sn, node, p, 1, NULL);
		return;
	}
}

/*
 * Tell every console of node what became of p: with ok, that it was
 * carried out (in text, or else in a sentence made here from the node's
 * state now), with fresh stats so that the change shows at once; else
 * that it was not, in text, which also goes to the audit log.
 */
static void
server_finish(struct server_session *sn, struct server_node *node,
    const struct command_pending *p, int ok, const char *text)
{
	const struct driver		*d = &node->server->drv;
	struct proto_msg		*out = &node->server->out;
	struct command_node_state	 now;
	struct proto_stats		 st;
	const char			*proposer, *approver;
	char				 made[PROTO_TEXT_MAX];
	char				 residue[96];
	int				 have_stats;

	proposer = p->nsigs > 0 ? p->sigs[0].operator : p->cmd.proposer;
	approver = p->nsigs > 1 ? p->sigs[p->nsigs - 1].operator : "?";
	if (!ok) {
		server_refusal_audit(node, p->cmd.id, p->cmd.action, approver,
		    1, text);
		server_log_command(sn, "%s", text);
		server_proposal(node, p, STATUS_REFUSED);
		server_result(NULL, node, "approve", p->cmd.id, p->cmd.action,
		    OUTCOME_REFUSED, text);
		return;
	}

	d->ops->node_state(d->arg, node->index, &now);
	memset(&st, 0, sizeof st);
	have_stats = d->ops->node_stats(d->arg, node->index, &st) == 0;
	if (text == NULL) {
		residue[0] = '\0';
		if (have_stats && st.role == ROLE_ROUTER &&
		    st.router.open_children > 0)
			util_format(residue, sizeof residue, ", cancelling "
			    "%llu open child orders",
			    (unsigned long long)st.router.open_children);
		util_format(made, sizeof made, "%s carried out %s %s, "
		    "proposed by %s and approved by %s: it is now %s%s",
		    server_node_id(node), p->cmd.action, p->cmd.id, proposer,
		    approver, proto_state_name(now.state), residue);
		text = made;
	}
	server_log_command(sn, "%s; reason: \"%s\"", text, p->cmd.reason);
	server_proposal(node, p, p->status);	/* executed, or armed */
	server_result(NULL, node, "approve", p->cmd.id, p->cmd.action,
	    OUTCOME_EXECUTED, text);

	/* A new build or flag: the node says hello again, as it now is. */
	if (proto_plan_applies(p->cmd.action)) {
		memset(out, 0, sizeof *out);
		out->type = MSG_HELLO;
		server_hello(node->server, node->index, &out->u.hello);
		server_broadcast(node, out, 0);
		proto_msg_clear(out);
	}
	if (!have_stats)
		return;
	memset(out, 0, sizeof *out);
	out->type = MSG_STATS;
	out->u.stats = st;
	server_broadcast(node, out, 1);
}

/* A command a driver started on node i has ended; see server.h. */
void
server_command_done(struct server *server, size_t i,
    const struct command_pending *p, int ok, const char *text)
{
	if (i >= server->nnodes)
		fatal("server_command_done: node %zu of %zu", i,
		    server->nnodes);
	server_finish(NULL, &server->nodes[i], p, ok, text);
}

/* Node i's hello or stats changed: send them to its consoles again. */
void
server_node_changed(struct server *server, size_t i)
{
	const struct driver	*d = &server->drv;
	struct proto_msg	*msg = &server->msg;
	struct server_node	*node;

	if (i >= server->nnodes)
		fatal("server_node_changed: node %zu of %zu", i,
		    server->nnodes);
	node = &server->nodes[i];
	memset(msg, 0, sizeof *msg);
	msg->type = MSG_HELLO;
	server_hello(server, i, &msg->u.hello);
	server_broadcast(node, msg, 0);
	memset(msg, 0, sizeof *msg);
	msg->type = MSG_STATS;
	if (d->ops->node_stats(d->arg, i, &msg->u.stats) == 0)
		server_broadcast(node, msg, 1);
}

/* The libwebsockets context, for a driver's own descriptors and timers. */
struct lws_context *
server_context(struct server *server)
{
	return (server->context);
}

/*
 * Node's armed kill p fired (at an operator's word, or on its own for
 * why): tell every console of the node with the proposal's status, a
 * result, a critical alert that says why, and fresh stats.
 */
static void
server_fired(struct server_node *node, const struct command_pending *p,
    const char *how)
{
	struct server		*server = node->server;
	const struct driver	*d = &server->drv;
	struct proto_msg	*out = &server->out;
	char			 text[PROTO_TEXT_MAX];
	char			 cause[PROTO_TEXT_MAX];

	server_log_command(NULL, "%s: armed kill %s fired %s",
	    server_node_id(node), p->cmd.id, how);
	server_proposal(node, p, STATUS_FIRED);
	util_format(text, sizeof text, "armed kill fired on %s",
	    server_node_id(node));
	util_format(cause, sizeof cause, "armed kill %s, armed by %s and %s, "
	    "fired %s", p->cmd.id, p->sigs[0].operator,
	    p->sigs[p->nsigs - 1].operator, how);
	/* Sent with the scenario's alerts, and standing until a resume. */
	if (d->ops->node_raise != NULL)
		d->ops->node_raise(d->arg, node->index, SEV_CRITICAL,
		    "armed-kill-fired", text, cause, "find and fix the cause "
		    "(vigil plan shows what each flag runs), then resume it "
		    "with a two-person resume");
	server_result(NULL, node, "fire", p->cmd.id, "arm-kill",
	    OUTCOME_FIRED, cause);
	memset(out, 0, sizeof *out);
	out->type = MSG_STATS;
	if (d->ops->node_stats(d->arg, node->index, &out->u.stats) == 0)
		server_broadcast(node, out, 1);
}

/* A console fires an armed kill: the engine judges, the node halts. */
static void
server_fire(struct server_session *sn, const struct proto_msg *in)
{
	struct server_node		*node = sn->node;
	const struct driver		*d = &node->server->drv;
	const struct command_pending	*p;
	char				 cause[PROTO_TEXT_MAX];
	char				 how[PROTO_TEXT_MAX];

	if (node->engine == NULL) {
		server_untrusted(sn, in);
		return;
	}
	if (command_fire(node->engine, in->u.fire.id, &in->u.fire.sig,
	    util_wall_ms(), cause, sizeof cause) != 1) {
		server_log_command(sn, "%s", cause);
		server_result(sn, node, "fire", in->u.fire.id, "arm-kill",
		    OUTCOME_REFUSED, cause);
		return;
	}
	if (d->ops->node_fire != NULL)
		d->ops->node_fire(d->arg, node->index);
	p = command_ended(node->engine);
	util_format(how, sizeof how, "at %s's word",
	    in->u.fire.sig.operator);
	server_fired(node, p, how);
}

/* Routers that fired their armed kill on themselves: record and tell. */
static void
server_self_fired(struct server *server)
{
	const struct driver		*d = &server->drv;
	const struct command_pending	*p;
	struct server_node		*node;
	char				 why[PROTO_TEXT_MAX];
	char				 how[PROTO_TEXT_MAX];
	size_t				 i;

	if (d->ops->node_fired == NULL || (d->ops->any_fired != NULL &&
	    !d->ops->any_fired(d->arg)))
		return;
	for (i = 0; i < server->nnodes; i++) {
		node = &server->nodes[i];
		if (!d->ops->node_fired(d->arg, node->index, why,
		    sizeof why))
			continue;
		util_format(how, sizeof how, "on its own: %s", why);
		if (node->engine == NULL || command_self_fire(node->engine,
		    util_wall_ms(), how, &p) != 1) {
			server_log("%s halted itself with no armed kill "
			    "recorded: %s", server_node_id(node), why);
			continue;
		}
		server_fired(node, p, how);
	}
}

/*
 * Refuse a connection just accepted on listening socket wsi when
 * sockets hold every descriptor kept for them (server_fd_limit): it is
 * closed (1), and that listener is no longer polled, so that other new
 * consoles wait in the kernel's queue rather than be accepted and
 * closed.  libwebsockets polls every listener again whenever a
 * connection closes.  Returns 0 when there is room.
 */
static int
server_accept_refused(struct lws *wsi)
{
	struct server	*server = lws_context_user(lws_get_context(wsi));

	if (server == NULL || server->sock_limit == 0 ||
	    server->conns + server->nlisteners + 2 < server->sock_limit)
		return (0);
	lws_rx_flow_control(wsi, 0);
	server_check_fds(server, util_mono_ms());
	return (1);
}

/*
 * Notice when vigild has stopped accepting because the descriptors kept
 * for sockets are used up (see server_fd_limit): say so on stderr once a
 * second with the numbers, and raise an alert on every console still
 * connected, so that their operators learn why others cannot connect
 * rather than seeing nodes go quiet; clear it when accepting resumes.
 */
static void
server_check_fds(struct server *server, int64_t now)
{
	size_t	used = server->conns + server->nlisteners + 2;
	int	full;

	full = server->sock_limit != 0 && used >= server->sock_limit;
	if (!full && !server->saturated)
		return;
	if (full && (!server->saturated ||
	    now - server->saturated_logged_ms >= 1000)) {
		server_log("not accepting connections: %zu connections and %zu "
		    "listening socket%s use the %u descriptors kept for them "
		    "(the process may open %lu, ulimit -n); new consoles wait "
		    "until some close: find who holds so many connections, or "
		    "raise the limit", server->conns, server->nlisteners,
		    server->nlisteners == 1 ? "" : "s", server->sock_limit,
		    server->fd_limit);
		server->saturated_logged_ms = now;
	}
	if (full == server->saturated)
		return;
	server->saturated = full;
	if (!full)
		server_log("accepting connections again: %zu connections open",
		    server->conns);
	server_fd_alert(server);
}

/* Raise, or clear, the descriptor-limit alert on every console. */
static void
server_fd_alert(struct server *server)
{
	struct proto_msg	*msg = &server->msg;
	struct proto_alert	*a = &msg->u.alert;
	size_t			 i;

	for (i = 0; i < server->nnodes; i++) {
		memset(msg, 0, sizeof *msg);
		msg->type = MSG_ALERT;
		util_copy(a->node, sizeof a->node,
		    server_node_id(&server->nodes[i]));
		a->clock_ms = server->drv.ops->clock_ms(server->drv.arg);
		a->severity = SEV_CRITICAL;
		util_copy(a->code, sizeof a->code, "fd-limit");
		a->clear = !server->saturated;
		util_format(a->text, sizeof a->text, "vigild %s new "
		    "connections: %zu are open, the most its descriptor limit "
		    "(%lu, ulimit -n) allows", server->saturated ? "refuses" :
		    "accepts again", server->conns, server->fd_limit);
		util_copy(a->cause, sizeof a->cause, "something holds many "
		    "connections to this backend open: a client leaking them, "
		    "or a flood of connections");
		util_copy(a->action, sizeof a->action, "find who holds the "
		    "connections (ss -tnp) and stop it, or restart vigild with "
		    "a higher ulimit -n; consoles already connected keep "
		    "working");
		server_broadcast(&server->nodes[i], msg, 0);
	}
}

/* Expire commands past their time, and tell the nodes' consoles. */
static void
server_expire(struct server *server)
{
	const struct driver		 *d = &server->drv;
	const struct command_pending	**expired;
	struct server_node		 *node;
	int64_t				  now = util_wall_ms();
	size_t				  i, k, n;

	for (i = 0; i < server->nnodes; i++) {
		node = &server->nodes[i];
		if (node->engine == NULL)
			continue;
		n = command_expire(node->engine, now, &expired);
		for (k = 0; k < n; k++) {
			server_log_command(NULL, "%s: %s %s, proposed by %s, "
			    "expired without a second operator's approval",
			    server_node_id(node), expired[k]->cmd.action,
			    expired[k]->cmd.id, expired[k]->cmd.proposer);
			server_proposal(node, expired[k], STATUS_EXPIRED);
			if (strcmp(expired[k]->cmd.action, "arm-kill") == 0 &&
			    d->ops->node_disarm != NULL)
				d->ops->node_disarm(d->arg, node->index);
		}
	}
}

/* Reading requires a key, or not (see server.h). */
void
server_read(struct server *server, int key_required)
{
	server->read_key = key_required != 0;
}

/*
 * The one answer console sn may give to its hello's challenge: checked
 * cheaply first (one answer per connection, this connection's challenge
 * and node, a trusted operator with that very key), the signature last.
 * A refused answer leaves the console unnamed, and where reading needs
 * a key, closes it; an accepted one names it to every console of the
 * node, and lets it read.
 */
static void
server_auth(struct server_session *sn, const struct proto_auth *in)
{
	struct proto_auth	 auth = *in;	/* msg is scratch */
	char			 text[PROTO_TEXT_MAX];

	if (sn->answered) {
		util_format(text, sizeof text, "auth from %s refused: this "
		    "connection has answered its challenge already, and "
		    "takes one answer only; reconnect to answer a new one",
		    auth.operator);
		server_session_error(sn, "auth", text);
		server_session_refused(sn);
		return;
	}
	sn->answered = 1;
	if (server_auth_check(sn, &auth, text, sizeof text) != 0) {
		server_sanitize(text);
		server_session_error(sn, "auth", text);
		server_session_refused(sn);
		if (sn->held && !sn->dead && !sn->closing) {
			sn->closing = 1;
			sn->close_status = LWS_CLOSE_STATUS_POLICY_VIOLATION;
			lws_callback_on_writable(sn->wsi);
		}
		return;
	}
	util_copy(sn->operator, sizeof sn->operator, auth.operator);
	util_copy(sn->key, sizeof sn->key, auth.key);
	server_log("%s: console at %s is operator %s",
	    server_node_id(sn->node), sn->peer, sn->operator);
	if (sn->held) {
		sn->held = 0;
		lws_sul_cancel(&sn->auth_sul);
		server_session_welcome(sn);
	} else
		server_watching(sn->node);
}

/*
 * Is auth a valid answer to sn's challenge by an operator its node
 * trusts?  Returns 0, or -1 with the refusal in words in text.  Every
 * comparison comes before the one signature check, so a wrong answer
 * costs no verify.
 */
static int
server_auth_check(struct server_session *sn, const struct proto_auth *auth,
    char *text, size_t len)
{
	struct server_node		*node = sn->node;
	const struct opkey_trust	*trust = node->server->trust;
	const struct opkey_trusted	*t;
	const char			*id = server_node_id(node);
	char				 bytes[PROTO_AUTH_TEXT_MAX];
	char				*cause = NULL;
	size_t				 n;
	int				 ok;

	if (sn->challenge[0] == '\0' ||
	    strcmp(auth->challenge, sn->challenge) != 0) {
		util_format(text, len, "auth from %s refused: it answers "
		    "challenge %.32s, not this connection's; an answer is good "
		    "for the connection whose hello asked it, so a replayed "
		    "one is refused: answer the challenge of this "
		    "connection's hello", auth->operator, auth->challenge);
		return (-1);
	}
	/* A gateway's connection may be answered for any of its nodes. */
	if (strcmp(auth->node, id) != 0 && ((node = server_find_node(
	    node->server, auth->node)) == NULL ||
	    node->listener != sn->listener)) {
		util_format(text, len, "auth from %s refused: it was made for "
		    "%s, and this is %s; answer with the node of this "
		    "connection's hello", auth->operator, auth->node, id);
		return (-1);
	}
	if (trust == NULL) {
		util_format(text, len, "auth from %s refused: %s trusts no "
		    "operator (vigild was started without --trust), so no "
		    "console can say who it is; start it with --trust FILE "
		    "naming the operators' public keys", auth->operator, id);
		return (-1);
	}
	if ((t = opkey_trust_find(trust, auth->operator)) == NULL) {
		util_format(text, len, "auth refused: operator %s is not in "
		    "%s's trust file, so this console stays unnamed; ask the "
		    "backend's administrator to add your public key "
		    "(vigil-key pub) to it", auth->operator, id);
		return (-1);
	}
	if (strcmp(t->pub, auth->key) != 0) {
		util_format(text, len, "auth from %s refused: the key it "
		    "answered with is not the key %s's trust file holds for "
		    "%s; use that operator's own key file (--key), or have "
		    "the trust file updated", auth->operator, id,
		    auth->operator);
		return (-1);
	}
	n = proto_auth_text(auth, bytes, sizeof bytes);
	ok = opkey_verify(t->key, bytes, n, auth->signature, &cause);
	if (ok == 1)
		return (0);
	if (ok < 0) {
		util_format(text, len, "auth from %s refused: its signature "
		    "could not be checked: %s", auth->operator, cause);
		free(cause);
		return (-1);
	}
	util_format(text, len, "auth from %s refused: the signature does not "
	    "verify with %s's key for this challenge and node: it was forged, "
	    "altered or made for other bytes", auth->operator, auth->operator);
	return (-1);
}

/* Console sn sent something: it is alive, whatever it is doing. */
static void
server_session_heard(struct server_session *sn)
{
	sn->heard_ms = util_mono_ms();
	sn->pinged = 0;
}

/*
 * Ping each console silent for SERVER_PING_MS, and drop one still silent
 * at SERVER_HANGUP_MS, saying so.  One pass over the sessions a stats
 * period, rather than a timer per connection: libwebsockets keeps
 * timers in one sorted list, and re-arming one walks it.
 */
static void
server_idle(struct server *server, int64_t now)
{
	struct server_session	*sn;
	size_t			 i;

	server_log_window(server, now);
	for (i = 0; i < server->nlisteners; i++) {
		for (sn = server->listeners[i].sessions; sn != NULL;
		    sn = sn->next) {
			if (sn->dead || now - sn->heard_ms < SERVER_PING_MS)
				continue;
			if (now - sn->heard_ms >= SERVER_HANGUP_MS) {
				server_log("%s: console at %s sent nothing "
				    "and answered no ping for %lld s; "
				    "closing its connection (it is frozen, "
				    "or the network to it is cut)",
				    server_node_id(sn->node), sn->peer,
				    (long long)((now - sn->heard_ms) / 1000));
				sn->dead = 1;
				lws_set_timeout(sn->wsi,
				    PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
			} else if (!sn->pinged) {
				sn->pinged = 1;
				sn->ping_due = 1;
				lws_callback_on_writable(sn->wsi);
			}
		}
	}
}

/*
 * Reading needs a key and console sn has not answered its challenge in
 * time: say so, and what to do, then close.
 */
static void
server_auth_late(lws_sorted_usec_list_t *sul)
{
	struct server_session	*sn = lws_container_of(sul,
				    struct server_session, auth_sul);

	server_held(sn, NULL);
}

/*
 * Console sn may not read until it answers the challenge: refuse what
 * it sent (type, or NULL when it sent nothing in time) in words, and
 * close its connection.
 */
static void
server_held(struct server_session *sn, const char *type)
{
	char	text[PROTO_TEXT_MAX];

	if (sn->dead || sn->closing)
		return;
	util_format(text, sizeof text, "%s lets only operators read its "
	    "telemetry (vigild --read key), and this console %s; start vigil "
	    "with --key FILE, a key in %s's trust file, and connect again",
	    server_node_id(sn->node), type == NULL ? "did not answer the "
	    "hello's challenge in time" : "sent a message before answering "
	    "the hello's challenge", server_node_id(sn->node));
	server_session_error(sn, type != NULL ? type : "auth", text);
	sn->closing = 1;
	sn->close_status = LWS_CLOSE_STATUS_POLICY_VIOLATION;
	lws_callback_on_writable(sn->wsi);
}

/*
 * Tell every console of node that may read which operators are
 * watching it: those whose consoles answered their challenge, one entry
 * per console, and how many consoles there are in all.  Each is told
 * whom it answered as.
 */
static void
server_watching(struct server_node *node)
{
	struct server_listener	*l = node->listener;
	struct proto_msg	*msg = &node->server->out;
	struct proto_watching	*w = &msg->u.watching;
	struct server_session	*sn;

	/* A gateway's consoles are told once, about its first node. */
	node = &node->server->nodes[l->first];
	if (node->server->freeing || l->nsessions == 0)
		return;
	memset(msg, 0, sizeof *msg);
	msg->type = MSG_WATCHING;
	util_copy(w->node, sizeof w->node, server_node_id(node));
	for (sn = l->sessions; sn != NULL; sn = sn->next) {
		if (sn->held)
			continue;
		w->consoles++;
		if (sn->operator[0] == '\0' ||
		    w->noperators == PROTO_MAX_OPERATORS)
			continue;
		util_copy(w->operators[w->noperators].operator,
		    sizeof w->operators[0].operator, sn->operator);
		util_copy(w->operators[w->noperators].key,
		    sizeof w->operators[0].key, sn->key);
		w->noperators++;
	}
	for (sn = l->sessions; sn != NULL; sn = sn->next) {
		if (sn->held || sn->dead)
			continue;
		util_copy(w->you, sizeof w->you, sn->operator);
		server_session_send(sn, msg, 0);
	}
}

/*
 * Someone asked for a web page (a browser, curl): say what this port is
 * instead of a bare 404, then close.
 */
static int
server_http(struct server_listener *l, struct lws *wsi)
{
	char	body[512], what[PROTO_ID_MAX + 32];

	if (l->count == 1)
		util_copy(what, sizeof what,
		    server_node_id(&l->server->nodes[l->first]));
	else
		util_format(what, sizeof what, "a gateway of %zu nodes",
		    l->count);
	util_format(body, sizeof body, "<p>This port serves %s over the "
	    "%s websocket protocol, not web pages. Watch it with: vigil "
	    "--connect ws://%s:%d/ status</p>", what,
	    PROTO_SUBPROTOCOL, l->server->address, l->port);
	if (lws_return_http_status(wsi, 426, body) != 0)
		return (-1);
	return (lws_http_transaction_completed(wsi) != 0 ? -1 : 0);
}

/* The one callback of the vigil.v1 protocol, on every node's vhost. */
static int
server_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct server_session	*sn = user;
	struct server_listener	*l;
	struct server		*server;

	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* Once a vhost, after any certificate: user is its SSL_CTX. */
		return (server_tls_load(wsi, user));
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		return (server_accept_refused(wsi));
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return (server_origin_refused(wsi));
	case LWS_CALLBACK_ESTABLISHED:
		l = lws_vhost_user(lws_get_vhost(wsi));
		if (l == NULL || sn == NULL)
			return (-1);
		sn->named = server_named_declared(wsi);
		server_instance_declared(wsi, sn->instance);
		sn->wants_left = SERVER_WANT_BURST;
		sn->wants_ms = util_mono_ms();
		server_session_open(l, sn, wsi);
		return (0);
	case LWS_CALLBACK_CLOSED:
		if (sn != NULL && sn->node != NULL)
			server_session_close(sn);
		return (0);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (sn == NULL || sn->node == NULL)
			return (0);
		return (server_session_write(sn));
	case LWS_CALLBACK_RECEIVE:
		if (sn == NULL || sn->node == NULL)
			return (0);
		server_session_heard(sn);
		server_session_receive(sn, in, len);
		return (0);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (sn != NULL)
			sn->peer_closed = 1;
		break;
	case LWS_CALLBACK_RECEIVE_PONG:
		if (sn != NULL && sn->node != NULL)
			server_session_heard(sn);
		return (0);
	case LWS_CALLBACK_HTTP:
		l = lws_vhost_user(lws_get_vhost(wsi));
		if (l == NULL)
			break;
		return (server_http(l, wsi));
	case LWS_CALLBACK_WSI_CREATE:
		/* Every accepted socket, for server_check_fds(). */
		server = lws_context_user(lws_get_context(wsi));
		if (server != NULL)
			server->conns++;
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		server = lws_context_user(lws_get_context(wsi));
		if (server != NULL && server->conns > 0)
			server->conns--;
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* server_stop()'s wake-up: leave libev's loop. */
		server = lws_context_user(lws_get_context(wsi));
		if (server != NULL && server->stop && server->loop != NULL)
			ev_break(server->loop, EVBREAK_ALL);
		break;
	default:
		break;
	}
	return (lws_callback_http_dummy(wsi, reason, user, in, len));
}

/*
 * A proposal of move-root (server->cmd holds its document when it
 * decoded): refuse it, audited, when this station cannot move the root
 * as it asks (move_check).  Returns 0, or -1 with the sentence in cause.
 */
static int
server_move_check(struct server_session *sn, const struct proto_msg *in,
    const char *id, const char *action, char *cause, size_t causelen)
{
	struct server_node	*node = sn->node;
	struct server		*server = node->server;
	struct sim		*sim = server_sim(server);
	char			 why[PROTO_TEXT_MAX];

	if (strcmp(action, "move-root") != 0)
		return (0);
	if (sim == NULL)
		util_format(why, sizeof why, "only a station vigild simulates "
		    "holds a root key it can seal; a real station moves its "
		    "root by its own means");
	else if (strcmp(server->cmd.id, id) != 0 || move_check(sim,
	    node->index, &server->cmd, why, sizeof why) == 0)
		return (0);
	util_format(cause, causelen, "%s refused the proposal: %s",
	    server_node_id(node), why);
	server_refusal_audit(node, id, action, in->u.propose.sig.operator, 0,
	    cause);
	return (-1);
}

/*
 * move-root's source, approved: seal the root key for the destination
 * and hand the sealed message to the console that approved, which
 * relays it; every console of the node hears the outcome.  The node
 * keeps the root until the destination's holder statement comes back.
 */
static void
server_move_seal(struct server_session *sn, const struct command_pending *p)
{
	struct server_node	*node = sn->node;
	struct server		*server = node->server;
	struct proto_msg	*out = &server->out;
	char			 why[PROTO_TEXT_MAX], text[PROTO_TEXT_MAX];
	char			*cause = NULL;
	int64_t			 now = util_wall_ms();

	memset(out, 0, sizeof *out);
	out->type = MSG_SEALED;
	if (server_sim(server) == NULL)
		util_format(why, sizeof why, "it holds no root key vigild can "
		    "seal");
	if (server_sim(server) == NULL || move_seal(server_sim(server),
	    node->index, p, now, &out->u.sealed, why, sizeof why) != 0) {
		util_format(text, sizeof text, "%s could not carry out "
		    "move-root %s: %s; it keeps the root", server_node_id(node),
		    p->cmd.id, why);
		server_refusal_audit(node, p->cmd.id, p->cmd.action, "", 1,
		    text);
		server_log_command(sn, "%s", text);
		server_proposal(node, p, STATUS_REFUSED);
		server_result(NULL, node, "approve", p->cmd.id, p->cmd.action,
		    OUTCOME_REFUSED, text);
		return;
	}
	util_copy(node->move_id, sizeof node->move_id, p->cmd.id);
	util_copy(node->move_to, sizeof node->move_to, out->u.sealed.to);
	node->move_deadline_ms = now + MOVE_TIMEOUT_MS;
	server_session_send(sn, out, 0);
	util_format(text, sizeof text, "%s sealed the root key for %s "
	    "(move-root %s, proposed by %s and approved by %s): the console "
	    "relays it; %s keeps its copy until %s confirms it holds the root",
	    server_node_id(node), node->move_to, p->cmd.id,
	    p->sigs[0].operator, p->sigs[p->nsigs - 1].operator,
	    server_node_id(node), node->move_to);
	if (command_record(node->engine, now, "seal", p->cmd.id,
	    p->cmd.action, text, &cause) != 0) {
		server_log("%s: %s", server_node_id(node), cause);
		free(cause);
	}
	server_log_command(sn, "%s; reason: \"%s\"", text, p->cmd.reason);
	server_proposal(node, p, STATUS_EXECUTED);
	server_result(NULL, node, "approve", p->cmd.id, p->cmd.action,
	    OUTCOME_EXECUTED, text);
}

/*
 * move-root's destination: a console delivers the sealed root key.
 * Open it (move_open checks the command two operators signed), then
 * answer that console with the holder statement it relays to every
 * station, and tell every console of the node.
 */
static void
server_move_deliver(struct server_session *sn, const struct proto_msg *in)
{
	struct server_node	*node = sn->node;
	struct server		*server = node->server;
	struct proto_msg	*out = &server->out;
	const struct proto_sealed *d = &in->u.sealed;
	char			 why[PROTO_TEXT_MAX], text[PROTO_TEXT_MAX];

	if (node->engine == NULL) {
		util_format(why, sizeof why, "%s refused the sealed root key: "
		    "it trusts no operator, so it cannot check the command two "
		    "operators signed; start it with --trust FILE and --audit",
		    server_node_id(node));
		server_result(sn, node, "deliver", d->id, "move-root",
		    OUTCOME_REFUSED, why);
		server_session_refused(sn);
		return;
	}
	if (server_sim(server) == NULL) {
		util_format(why, sizeof why, "%s refused the sealed root key: "
		    "it is a real station behind vigild agent, which cannot "
		    "open a root key for it; move its root by its own means",
		    server_node_id(node));
		server_refusal_audit(node, d->id, "move-root", "", 0, why);
		server_result(sn, node, "deliver", d->id, "move-root",
		    OUTCOME_REFUSED, why);
		return;
	}
	if (server->drv.ops->node_role(server->drv.arg, node->index) !=
	    ROLE_STATION || strcmp(d->to, server_node_id(node)) != 0) {
		util_format(why, sizeof why, "%s refused a sealed root key "
		    "meant for %s; deliver it to %s", server_node_id(node),
		    d->to, d->to);
		server_refusal_audit(node, d->id, "move-root", "", 0, why);
		server_result(sn, node, "deliver", d->id, "move-root",
		    OUTCOME_REFUSED, why);
		server_session_refused(sn);
		return;
	}
	memset(out, 0, sizeof *out);
	out->type = MSG_HOLDER;
	if (move_open(server_sim(server), node->index, node->engine, d,
	    util_wall_ms(), &out->u.holder, why, sizeof why) != 0) {
		server_log_command(sn, "%s", why);
		server_result(NULL, node, "deliver", d->id, "move-root",
		    OUTCOME_REFUSED, why);
		return;
	}
	server_session_send(sn, out, 0);
	util_format(text, sizeof text, "%s opened the root key sealed by %s "
	    "(move-root %s), checked it against the root certificate and now "
	    "holds the root; it issues renewals from now on",
	    server_node_id(node), d->from, d->id);
	server_log_command(sn, "%s", text);
	server_result(NULL, node, "deliver", d->id, "move-root",
	    OUTCOME_EXECUTED, text);
}

/*
 * A console relays who holds the root now.  The station checks the
 * statement against the root certificate; the source destroys its copy
 * of the root key, audits it and says so.
 */
static void
server_move_holder(struct server_session *sn, const struct proto_msg *in)
{
	struct server_node	*node = sn->node;
	struct server		*server = node->server;
	struct proto_msg	*out = &server->out;
	const struct proto_holder *h = &in->u.holder;
	char			 why[PROTO_TEXT_MAX], text[PROTO_TEXT_MAX];
	char			*cause = NULL;
	int			 destroyed;

	if (server->drv.ops->node_role(server->drv.arg, node->index) !=
	    ROLE_STATION) {
		util_format(why, sizeof why, "%s is a router and has no root "
		    "holder; send holder statements to stations",
		    server_node_id(node));
		server_session_error(sn, "holder", why);
		server_session_refused(sn);
		return;
	}
	if (server_sim(server) == NULL) {
		util_format(why, sizeof why, "%s is a real station behind "
		    "vigild agent: it learns the root holder by its own means, "
		    "not from a holder statement", server_node_id(node));
		server_result(sn, node, "holder", h->id, "move-root",
		    OUTCOME_REFUSED, why);
		return;
	}
	if (move_hear(server_sim(server), node->index, h, &destroyed, why,
	    sizeof why) != 0) {
		server_log_command(sn, "%s", why);
		server_result(sn, node, "holder", h->id, "move-root",
		    OUTCOME_REFUSED, why);
		server_session_refused(sn);
		return;
	}
	if (!destroyed)
		return;
	util_format(text, sizeof text, "%s destroyed its copy of the root "
	    "key: %s holds the root since move-root %s",
	    server_node_id(node), h->holder, h->id);
	if (node->engine != NULL && command_record(node->engine,
	    util_wall_ms(), "destroy", h->id, "move-root", text,
	    &cause) != 0) {
		server_log("%s: %s", server_node_id(node), cause);
		free(cause);
	}
	node->move_id[0] = '\0';
	server_log_command(sn, "%s", text);
	server_result(NULL, node, "holder", h->id, "move-root",
	    OUTCOME_EXECUTED, text);
	memset(out, 0, sizeof *out);
	out->type = MSG_STATS;
	if (server->drv.ops->node_stats(server->drv.arg, node->index,
	    &out->u.stats) == 0)
		server_broadcast(node, out, 1);
}

/*
 * A sealed root key that no holder statement confirmed in time: the
 * source keeps the root, audits it and tells its consoles why.
 */
static void
server_move_expire(struct server *server)
{
	struct server_node	*node;
	char			 text[PROTO_TEXT_MAX], *cause = NULL;
	int64_t			 now = util_wall_ms();
	size_t			 i;

	for (i = 0; i < server->nnodes; i++) {
		node = &server->nodes[i];
		if (node->move_id[0] == '\0' || now < node->move_deadline_ms)
			continue;
		util_format(text, sizeof text, "move-root %s failed: %s did "
		    "not confirm within %lld s that it opened the sealed root "
		    "key (it went away, refused it, or the console relaying "
		    "it closed); %s keeps the root: see the results of %s, "
		    "then propose the move again", node->move_id,
		    node->move_to, (long long)(MOVE_TIMEOUT_MS / 1000),
		    server_node_id(node), node->move_to);
		if (node->engine != NULL && command_record(node->engine, now,
		    "refuse", node->move_id, "move-root", text,
		    &cause) != 0) {
			server_log("%s: %s", server_node_id(node), cause);
			free(cause);
			cause = NULL;
		}
		server_log("%s: %s", server_node_id(node), text);
		server_result(NULL, node, "deliver", node->move_id,
		    "move-root", OUTCOME_REFUSED, text);
		node->move_id[0] = '\0';
	}
}
