/*
 * fleet.h: the console's model of the fleet.
 *
 * Only event-loop callbacks change it (frames from a link, link up or
 * down, the timer); they mark it dirty and the loop redraws or prints
 * once per pass.  It never calls curses and never touches a socket:
 * headless mode and the curses console read the very same model.
 */
#ifndef VIGIL_FLEET_H
#define VIGIL_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "fleet-move.h"
#include "fleet-want.h"
#include "hmap.h"
#include "proto.h"
#include "proto-report.h"
#include "rate.h"

#define FLEET_STALE_MS		3000	/* live -> stale after this silence */
#define FLEET_RATE_WINDOW_MS	5000
#define FLEET_HISTORY		120	/* per-second samples for sparklines */
#define FLEET_EVENTS		32	/* recent events kept per node */
#define FLEET_EVENT_MAX		PROTO_TEXT_MAX	/* one event's text */
#define FLEET_ERROR_MAX		PROTO_TEXT_MAX
#define FLEET_RESULTS		16	/* command results kept per node */
#define FLEET_HELD_DONE		8	/* finished proposals kept per node */
#define FLEET_REFUSAL_MS	(60 * 1000)	/* a refusal's alert stands */
/*
 * The history samples due are spread over FLEET_SAMPLE_SPREAD_MS, at
 * least FLEET_SAMPLE_MIN a tick, so that nodes which all joined in the
 * same second do not all take their sample in the same tick.
 */
#define FLEET_SAMPLE_SPREAD_MS	800
#define FLEET_SAMPLE_MIN	256

/*
 * Bounds on what backends can make the console hold.  No peer's claim
 * about how much it holds is believed: a link serves at most
 * FLEET_LINK_NODES_DEFAULT nodes, or, for a gateway, the count its
 * fleet-file entry gives (gateway=N), fewer when its hello declares
 * fewer in link_nodes; the console holds at most FLEET_MAX_NODES in all
 * (twenty gateways of 5,000).  Nodes past either bound are refused with
 * one alert.  See vigil(1).
 */
#define FLEET_MAX_NODES		100000
#define FLEET_LINK_NODES_DEFAULT 64

enum node_state {
	NODE_LIVE = 0,
	NODE_STALE,
	NODE_DOWN,
};

enum link_state {
	LINK_CONNECTING = 0,
	LINK_UP,
	LINK_DOWN,
};

/* One backend connection as the model sees it. */
/*
 * Answer the challenge of link's hello now (auth.h): the loop signs and
 * sends, then calls auth_answered().
 */
typedef void fleet_ask_cb(void *arg, size_t link);

/*
 * A frame about node (its index in nodes) was just taken into the
 * model: act on it now rather than at the next tick.  It may send
 * frames; it must not add or drop nodes.
 */
typedef void fleet_node_cb(void *arg, size_t node);

/* Where a link's answer to its backend's challenge stands. */
enum fleet_auth {
	FLEET_AUTH_NONE = 0,	/* no challenge heard on this connection */
	FLEET_AUTH_ASKED,	/* being answered (fleet.ask) */
	FLEET_AUTH_SENT,	/* answered; no refusal yet */
	FLEET_AUTH_REFUSED,	/* refused: the link's error says why */
	FLEET_AUTH_KEYLESS,	/* reading needs a key this console lacks */
};

struct fleet_builds;

struct fleet_link {
	char		url[256];
	/*
	 * state, auth and barred in one cache line: the tick reads them
	 * for each node going stale (auth_settled), 10,000 links apart.
	 */
	enum link_state	state;
	enum fleet_auth	auth;			/* its answer; see below */
	int		barred;			/* such a backend refused our
						   answer: kept across
						   reconnects until one is
						   accepted */
	int		link_nodes;		/* from hello; 0 unknown */
	size_t		gateway;		/* 0: one backend; else the
						   nodes the fleet file lets
						   this gateway serve */
	int64_t		since_ms;		/* monotonic: state entered */
	int64_t		unheard_ms;		/* monotonic: first up with
						   no node heard; 0 never */
	int64_t		ever_up;		/* 1 once it has connected */
	char		error[FLEET_ERROR_MAX];	/* last problem in words */
	char		*went_down;		/* error as it last came up
						   again with no node heard
						   yet; NULL: none */
	uint64_t	frames;			/* frames received */
	uint64_t	bad_frames;		/* frames refused by proto */
	/* The last document a proposal frame carried whole here (a
	   fleet_doc): the backend names it by SHA-256 after, as the
	   handshake's PROTO_NAMED_HEADER lets it.  NULL: none. */
	char		*doc;
	size_t		nnodes;			/* nodes it serves */
	size_t		*node_ix;		/* their indices in
						   fleet.nodes */
	size_t		node_ix_cap;
	uint64_t	ignored_frames;		/* about nodes it may not
						   serve: another link's,
						   or past a bound */
	int		over_bound;		/* its alert was raised */
	int		insecure;		/* plain ws beyond loopback */
	/* The nodes its TLS certificate names; nnamed -1 on a plain
	   link, which may speak for any node no other link serves. */
	char		**named;
	int		nnamed;
	int		unnamed_alerted;	/* its alert was raised */
	/* The last error frame that answered a message we sent. */
	uint64_t	reply_error_seq;	/* fleet result_seq; 0 none */
	char		reply_error_to[16];	/* "propose", ... */
	char		reply_error[FLEET_ERROR_MAX];
	/* This connection's challenge, its answer, and who watches. */
	char		challenge[PROTO_CHALLENGE_MAX];
	char		auth_node[PROTO_ID_MAX];	/* whose hello */
	struct proto_watching *watching;	/* NULL: not said */
	int		read_key;		/* its hello: only operators
						   read */
	/* The builds its last new hello listed, which the nodes whose
	   hellos list the same share (fleet_copy_hello); NULL: none. */
	struct fleet_builds *builds;
};

/* A warning a backend raised about one node, standing until cleared. */
struct fleet_warning {
	struct proto_alert	alert;		/* as last reported */
	int64_t			first_ms;	/* wall clock */
	int64_t			last_ms;
	uint64_t		count;		/* reports received */
};

/* A two-person command as one node holds it (its proposal frames). */
/* A document some nodes hold, and how many. */
struct fleet_doc {
	char			*text;
	size_t			 refs;
	char			 sha256[65];	/* of text: how later
						   proposal frames name it */
};

struct fleet_held {
	struct proto_proposal	p;		/* document: a fleet_doc */
	int64_t			wall_ms;	/* last reported */
};

/* What a node did with a command message (its result frames). */
struct fleet_result {
	uint64_t		seq;		/* fleet result_seq, grows */
	int64_t			wall_ms;	/* received */
	struct proto_result	r;
};

/*
 * A command as the fleet holds it: the proposals of one id from every
 * node, merged, so a kill pending on eight routers is one proposal with
 * eight nodes.  Rebuilt whenever a node's proposals change.
 */
struct fleet_proposal {
	char			 id[PROTO_CMDID_MAX];
	char			*document;	/* the signed bytes, as the
						   first node holds them */
	int			 decoded;	/* cmd is valid */
	struct proto_command	 cmd;
	/* "" or why it must not be approved: the document does not decode,
	   or nodes hold different bytes under this id. */
	char			 problem[PROTO_TEXT_MAX];
	size_t			 nsigs;
	struct proto_signature	 sigs[PROTO_MAX_SIGNERS];
	enum proto_status	 status;	/* pending while any node
						   holds it pending */
	int64_t			 expires_ms;	/* wall clock */
	size_t			*nodes;		/* indices in fleet.nodes of
						   the nodes holding it */
	size_t			 nnodes;
	size_t			 nodes_cap;
	const char		*held_doc;	/* the first node's (fleet
						   docs), while this view
						   stands */
	size_t			 npending;	/* of those, pending */
};

/* Something that happened to a node, for its detail view. */
struct fleet_event {
	int64_t	 wall_ms;
	char	*text;		/* at most FLEET_EVENT_MAX with its NUL;
				   maybe shared with other events (the
				   model counts who holds it) */
};

/*
 * The last state change's event line, which the nodes making the same
 * change next share instead of each writing its own: in an outage's
 * first tick thousands of nodes go stale alike.
 */
struct fleet_said {
	char		*text;		/* held, NULL: none yet */
	enum node_state	 state;
	enum node_state	 was;
	char		 why[FLEET_EVENT_MAX];
	int64_t		 silent_s;	/* silent says it; -1: none */
	char		 silent[64];	/* "silent for 3s" */
};

struct node {
	char			id[PROTO_ID_MAX];
	size_t			link;		/* index into fleet.links:
						   the first link to serve
						   it, which keeps it */
	size_t			rival;		/* 1 + the link last refused
						   for claiming it; 0 none */
	enum node_state		state;
	int			has_hello;
	int64_t			last_heard_ms;	/* monotonic; 0 never */
	/*
	 * Kept in the cache line of state and last_heard_ms: the tick
	 * that 10,000 nodes go stale in writes each one's event and the
	 * rules read its warnings, one line a node, not three.
	 */
	struct fleet_event	*events;	/* ring of FLEET_EVENTS,
						   allocated on the first */
	unsigned		events_head, events_n;
	struct fleet_warning	*warnings;	/* standing, by code */
	size_t			 nwarnings;

	struct proto_hello	hello;
	char			transport_fpr[PROTO_FPR_MAX];	/* of its
						   hello's transport key */
	unsigned		nstats;		/* stats received */
	struct proto_stats	stats;		/* latest */
	int			has_cert;
	struct proto_cert	cert;
	int64_t			clock_ms;	/* node clock at last_heard */

	struct rate		parent_rate;	/* parents_total */
	struct rate		child_rate;	/* child_orders_total */
	struct rate		child_share_rate; /* child_shares_total */
	struct rate		heartbeat_rate;	/* heartbeats_total */
	uint64_t		counter_resets;
	double			child_rate_peak; /* own highest seen, > 0 */
	/* The child rate it is judged against, as of the last fleet_tick()
	   (-1: none), and how many peers gave it. */
	double			child_rate_baseline;
	size_t			child_rate_npeers;

	/* Per-second samples for sparklines, oldest first (ring). */
	float			child_hist[FLEET_HISTORY];
	float			heartbeat_hist[FLEET_HISTORY];
	unsigned		hist_head, hist_n;
	int64_t			hist_last_ms;

	struct fleet_held	*held;		/* commands it holds */
	size_t			 nheld;
	struct fleet_result	*results;	/* ring of FLEET_RESULTS,
						   allocated on the first */
	unsigned		 results_head, results_n;
};

/* A node's place in fleet.heard: its neighbours (index + 1; 0 none). */
struct fleet_heard {
	size_t		prev;
	size_t		next;
	int		in;
};

/* What a watcher is told about. */
enum fleet_change {
	FLEET_NODE_CHANGED,	/* state, build, flags or cert changed */
	FLEET_ALERT_CHANGED,
	FLEET_PROPOSAL_CHANGED,	/* a node holds a new proposal, or its
				   status changed */
	FLEET_COMMAND_RESULT,	/* a node answered a command message */
};

struct fleet;
typedef void fleet_notify_cb(void *arg, struct fleet *fleet,
    enum fleet_change what, const struct node *node,
    const struct alert *alert, enum alert_change change);
/* Takes a warning a backend raised or cleared about node. */
typedef void fleet_warned_cb(struct fleet *fleet, struct node *node,
    const struct proto_alert *alert, int64_t wall_ms);

struct fleet {
	char			 name[64];	/* fleet file or scenario */
	struct fleet_link	*links;
	size_t			 nlinks;
	size_t			 links_cap;
	struct node		*nodes;		/* in order of first hello */
	size_t			 nnodes;
	size_t			 nodes_cap;	/* room made for: the
						   per-node lists grow with
						   it */
	int			 nodes_mapped;	/* nodes is FLEET_MAX_NODES'
						   address space, mapped */
	struct hmap		 node_index;	/* id -> index in nodes */
	int			 over_bound;	/* FLEET_MAX_NODES reached
						   and said so */
	struct alert_set	 alerts;
	int			 dirty;		/* redraw or print needed */
	fleet_notify_cb		*notify;	/* may be NULL */
	void			*notify_arg;
	fleet_warned_cb		*warned;	/* check_watch(); may be NULL */

	struct fleet_proposal	*proposals;	/* merged by id: pending
						   first, soonest expiry
						   first */
	size_t			 nproposals;
	/* The documents nodes hold (struct fleet_held), each held once
	   however many nodes hold it: a kill of 1,000 routers. */
	struct fleet_doc	*docs;
	size_t			 ndocs;
	uint64_t		 result_seq;	/* results and reply errors
						   received */
	uint64_t		 link_seq;	/* links gone up or down */
	uint64_t		 hello_seq;	/* the last hello taken, counted
						   over every fleet of the
						   process; 0: none */
	struct proto_msg	*msg;		/* scratch: each frame */
	fleet_ask_cb		*ask;		/* answers challenges; NULL:
						   this console has no key */
	void			*ask_arg;
	fleet_node_cb		*on_node;	/* NULL: none */
	void			*on_node_arg;
	char			 also_watching[FLEET_ERROR_MAX];
						/* other operators watching
						   the same nodes, ", "
						   between; "" none */
	int			 also_stale;	/* gather them again at the
						   next tick (auth_tick) */

	/*
	 * What the checks keep between ticks (check.c owns it and sets
	 * checks_free), and what changed for them since they last looked,
	 * so that they recompute only that: the nodes created or whose
	 * hello or role changed (indices in nodes, in order, kept only
	 * while checks is set), and a count of the certificates that
	 * changed who holds the root.
	 */
	void			*checks;
	void			(*checks_free)(void *);
	struct fleet_base	*base;		/* the baselines kept
						   (fleet-base.h) */
	/*
	 * The nodes heard, oldest first: a list through heard (node index
	 * + 1; 0 ends it), so that the tick meets only the nodes falling
	 * silent, not every node.  A frame whose time goes back, or a node
	 * heard on a link that is down, sets heard_walk: the next tick
	 * walks every node once and orders the list again.
	 */
	struct fleet_heard	*heard;
	size_t			 heard_cap;
	size_t			 heard_head;
	size_t			 heard_tail;
	int			 heard_walk;
	size_t			*touched;
	size_t			 ntouched;
	size_t			 touched_cap;
	/*
	 * The nodes a frame, a state or a baseline changed since the
	 * checks last looked (indices, maybe repeated; kept only while
	 * checks is set), so that a rule asks only them again.
	 */
	size_t			*changed;
	size_t			 nchanged;
	size_t			 changed_cap;
	uint64_t		 roots_seq;
	struct fleet_said	 said;
	/*
	 * The nodes with stats in the order they take their next
	 * once-a-second history sample, earliest first (a ring of node
	 * indices), so that a tick meets only the nodes due.  A node
	 * sampled goes to the end: its next time is never before any
	 * other's (see fleet_tick).
	 */
	size_t			*sampling;
	size_t			 sampling_head;
	size_t			 sampling_n;
	size_t			 sampling_cap;
	int64_t			 sampling_ms;	/* the last tick's time, or 0 */
	size_t			 nheld;		/* proposals all nodes hold */

	struct fleet_move	 move;		/* the latest move-root */
	struct fleet_relays	 relays;	/* its frames to relay, and
						   wants */
	/* This console's instance, said on each handshake (a random id;
	   "": none), and the proposals naming a document it lacks. */
	char			 instance[PROTO_INSTANCE_LEN + 1];
	struct fleet_awaits	 awaits;
};

/* Start an empty model called name (a fleet file or "demo:knight"). */
void	 fleet_init(struct fleet *fleet, const char *name);
void	 fleet_free(struct fleet *fleet);

/* Add a backend by URL; returns its link index. */
size_t	 fleet_add_link(struct fleet *fleet, const char *url);

/*
 * How many nodes link's hello declares in link_nodes, capped by the
 * most it may serve (see FLEET_LINK_NODES_DEFAULT): what a wait for
 * all of its nodes waits for.  0 before a hello declares any.
 */
size_t	 fleet_link_expects(const struct fleet *fleet, size_t link);

/*
 * How many links are still making their first connection: a node not
 * heard yet may be behind one of them.
 */
size_t	 fleet_links_coming(const struct fleet *fleet);

/* A link connected, or went down with a reason in words. */
void	 fleet_link_up(struct fleet *fleet, size_t link, int64_t now_ms);

/*
 * The n node ids (allocated, taken over) that link's certificate names
 * now: from now on it may speak for those alone, and a frame about any
 * other node is ignored, with one critical "node-unnamed" alert naming
 * the backend and the node.  n -1 (ids NULL): a plain link, held only
 * to first come, first served.
 */
void	 fleet_link_names(struct fleet *fleet, size_t link, char **ids,
	    int n);
void	 fleet_link_down(struct fleet *fleet, size_t link, const char *why,
	    int64_t now_ms);

/*
 * Apply one received frame from link at monotonic now_ms: decode it
 * (proto_decode), update the node it names, its rates and events, and
 * hand backend warnings to fleet->warned.  A frame about a node that
 * another link serves, or that would take this link or the console past
 * its bound, is ignored and counted in the link's ignored_frames; the
 * first such frame raises an alert naming both backends or the bound.
 * Returns 0, or -1 when the
 * frame was refused; the sentence is then in cause and recorded as the
 * link's error (nothing in the model is lost or half-changed).
 */
int	 fleet_receive(struct fleet *fleet, size_t link, const char *frame,
	    size_t len, int64_t now_ms, char *cause, size_t causelen);

/*
 * Apply one decoded message from link at monotonic now_ms: what
 * fleet_receive() does after proto_decode(), public so that tests and
 * the console can feed messages they built.  A message about a node not
 * yet seen creates it (has_hello 0 until its hello), so nothing is
 * dropped.  Returns 0, or -1 when the model cannot use the message
 * (a type it does not take); the sentence is then the link's error.
 */
int	 fleet_apply(struct fleet *fleet, size_t link,
	    const struct proto_msg *msg, int64_t now_ms);

/*
 * Take the next frame a move-root queued to relay: returns 1 and fills
 * *out (the caller frees out->frame), or 0 when none wait.  The loop
 * sends it, so the model never touches a socket.
 */
int	 fleet_move_take(struct fleet *fleet, struct fleet_relay *out);

/*
 * Timer: age nodes (live -> stale), sample sparkline history and set
 * each router's child rate baseline (once a tick for the whole fleet, so
 * views and checks read it instead of sorting the fleet per row) at
 * monotonic now_ms and wall time wall_ms.  The rules run apart, on what
 * the model then holds (check_tick).
 */
void	 fleet_tick(struct fleet *fleet, int64_t now_ms, int64_t wall_ms);

struct node *fleet_find(struct fleet *fleet, const char *id);
const struct node *fleet_find_const(const struct fleet *fleet,
	    const char *id);

/*
 * The child order rate a router is judged against (rule order-rate): the
 * median child rate of the other live routers of its group, with their
 * number in *npeers; with no such peer, the router's own average over
 * its history except the newest 10 s, once 30 s are held (*npeers 0).
 * Returns -1 when there is no baseline (or the node is no router).
 */
double	 fleet_child_rate_baseline(const struct fleet *fleet,
	    const struct node *node, size_t *npeers);

/*
 * The same for every node at once, in n log n: out[i] (and npeers[i]
 * unless NULL) for fleet->nodes[i], each array of fleet->nnodes.
 */
void	 fleet_child_rate_baselines(const struct fleet *fleet, double *out,
	    size_t *npeers);

/*
 * The heartbeats per real second a station should send: its devices, one
 * each heartbeat interval of node clock, times its time scale.  Returns
 * -1 when unknown (no station stats yet, or no devices).
 */
double	 fleet_heartbeat_rate_expected(const struct node *node);

/* The role from the node's hello, else from its stats; ROLE_NONE. */
enum proto_role fleet_node_role(const struct node *node);

/* Is node a router that reports itself killed (its rates read 0)? */
int	 fleet_node_killed(const struct node *node);

/* "live", "stale" or "down". */
const char *fleet_state_name(enum node_state state);

/*
 * The state the reports give node: "refused" while its link's answer
 * settled at -1 (see auth_settled), since a hello on reconnecting makes
 * the node live but this console reads nothing of it; else its own
 * (fleet_state_name).
 */
const char *fleet_report_state(const struct fleet *fleet,
	    const struct node *node);

/* The node's clock now, extrapolated with its time scale. */
int64_t	 fleet_node_clock(const struct node *node, int64_t now_ms);

/* Certificate time left on the node clock at now_ms (0 if no cert). */
int64_t	 fleet_cert_expires_in(const struct node *node, int64_t now_ms);

/*
 * Has every link said hello for all the nodes it carries, and every node
 * sent at least two stats (so rates are known)?  Links that are down
 * do not count as ready.
 */
int	 fleet_ready(const struct fleet *fleet);

/*
 * The commands the fleet holds, merged by id across nodes (pending ones
 * first, soonest expiry first); *out points into the model and stays
 * valid until it next changes.  Returns how many.
 */
size_t	 fleet_proposals(const struct fleet *fleet,
	    const struct fleet_proposal **out);

/*
 * The proposal whose id is id or starts with it (at least 8 hex
 * digits).  Returns it, or NULL when none matches or, with *ambiguous
 * set (if not NULL), when several do.
 */
const struct fleet_proposal *fleet_proposal_find(const struct fleet *fleet,
	    const char *id, int *ambiguous);

/* The proposal id as node holds it, or NULL. */
const struct fleet_held *fleet_node_held(const struct node *node,
	    const char *id);

/*
 * The oldest result from node about command id answering in_reply_to
 * ("propose", "approve", "cancel"; NULL for any) received after result
 * sequence after_seq, or NULL.
 */
const struct fleet_result *fleet_node_result(const struct node *node,
	    const char *id, const char *in_reply_to, uint64_t after_seq);

/* Append an event line to a node's history. */
void	 fleet_event(struct node *node, int64_t wall_ms, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Fill a report view of node for output (see proto.h); pointers refer
 * into the model and stay valid until it next changes.
 */
void	 fleet_report_node(const struct fleet *fleet, const struct node *node,
	    int64_t now_ms, struct proto_report_node *out);
void	 fleet_report_alert(const struct alert *alert,
	    const char **nodes_buf, struct proto_report_alert *out);

#endif
