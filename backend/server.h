/*
 * server.h: vigild's websocket server.
 *
 * One libwebsockets context on one thread serves every node of a
 * simulator: one vhost, and so one listening port, per node, or one for
 * them all (a gateway), speaking vigil.v1 (see vigil-protocol(7)).  A
 * timer in the same loop drives the simulator whether or not a console
 * is connected, and turns what the nodes report into frames: hello,
 * cert, stats and alerts.
 *
 * Each console session has a bounded queue of outgoing frames (struct
 * server_queue, kept apart from libwebsockets so its policy can be
 * tested): a stats frame replaces an older stats frame of the same node
 * still waiting, because stats counters are cumulative and the newer
 * frame says everything the older one did; every other frame must be
 * delivered, and a session whose queue is full of them is dropped
 * rather than allowed to grow without bound.
 *
 * Two-person commands: each node has its own rule engine (command.h).
 * propose, approve and cancel from a console are checked by it; the
 * sender gets a result, every console of the node gets the proposal as
 * it now stands, and an approved command is carried out on the node
 * (sim_node_command) and its result sent to every console of the node.
 * A new console is sent the node's pending proposals.  Proposals and
 * results must be delivered, like alerts: they never replace each other.
 * A console whose frames and commands are refused more often than a
 * person could cause (a burst of 20, then 2 a second) is told so and
 * disconnected, so that a forging peer costs the audit log little.
 * Connections are kept within the process's descriptor limit, less room
 * for vigild's own files: at it, the connection that finds no room is
 * closed and accepting pauses (no busy loop on EMFILE), stderr says so
 * once a second, and every console connected is
 * sent an "fd-limit" alert until accepting resumes.
 */
#ifndef VIGIL_SERVER_H
#define VIGIL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#define SERVER_QUEUE_MAX	256	/* frames waiting per session */
#define SERVER_PACK_MAX		16384	/* bytes of frames written at once */
#define SERVER_STATS_MS		250	/* real ms between stats frames */
#define SERVER_STEP_MS		50	/* real ms between simulator steps */

/*
 * A gateway serves many nodes over each websocket: it sends at most
 * this many stats frames a second on one (each node's every
 * SERVER_STATS_MS, or less often past it; a changed state goes at
 * once), so that twenty gateways of 5,000 nodes stay within what one
 * console reads.  Its queue holds SERVER_GATEWAY_FRAMES frames per node
 * more than SERVER_QUEUE_MAX, room for every node's introduction (its
 * hello, certificate and first stats, all delivered) and its next stats
 * besides what SERVER_QUEUE_MAX holds.
 */
#define SERVER_GATEWAY_STATS_PER_S	2500
#define SERVER_GATEWAY_FRAMES		5

/*
 * Nodes on ports of their own share a budget: the whole vigild sends at
 * most about SERVER_DIRECT_STATS_PER_S stats frames a second to the
 * nodes a console watches, so each node's period grows, in steps of
 * SERVER_STATS_MS, from SERVER_STATS_MS (500 nodes watched or fewer)
 * to SERVER_DIRECT_STATS_MAX_MS (1,500 or more), and no further: an
 * operator expects rates refreshed once a second, and a node is stale
 * only after 3 s of silence.  A changed state still goes at once.
 */
#define SERVER_DIRECT_STATS_PER_S	2000
#define SERVER_DIRECT_STATS_MAX_MS	1000

struct audit;
struct command_pending;
struct driver;
struct lws_context;
struct opkey_trust;
struct sim;
struct tls_cert;
struct tls_key;
struct server;

/* One frame waiting to be sent: its text starts pre bytes into buf. */
struct server_frame {
	unsigned char	*buf;		/* owned; pre + len bytes; NULL:
					   a stats frame superseded */
	size_t		 len;		/* text length, no NUL */
	size_t		 node;		/* simulator node it is about */
	int		 replaceable;	/* 1: a stats frame */
};

/*
 * A ring of at most cap frames; pre is headroom kept before each text.
 * A superseded stats frame leaves its slot empty until the head passes
 * it (or the ring is full, when the frames close up), and where each
 * node's waiting stats frame is is kept, for nodes base to base + nat
 * - 1: a gateway's console that reads slowly holds thousands of frames,
 * and a walk of them for each of its 2,500 stats a second, and a shift
 * of the rest, was a fifth of the gateway's time while it started.
 */
struct server_queue {
	struct server_frame	*frames;
	size_t			 cap;
	size_t			 head;
	size_t			 count;		/* frames waiting */
	size_t			 used;		/* slots from head on, the
						   empty ones among them */
	size_t			 pre;
	unsigned long long	 replaced;	/* stats frames superseded */
	size_t			*at;		/* node base + i's stats
						   frame: its slot + 1; 0
						   none */
	size_t			 base;
	size_t			 nat;
};

enum server_push {
	SERVER_QUEUED = 0,	/* appended */
	SERVER_REPLACED = 1,	/* an older stats frame gave way to it */
	SERVER_KEPT = 2,	/* it gave way to the older one waiting */
	SERVER_FULL = -1,	/* no room: the caller drops the session */
};

/*
 * A stats frame sent because it is its node's turn, not because its
 * state moved: when the node's stats frame still waits, that one keeps
 * its place and this one is dropped.  Replacing it would move the
 * node's stats to the tail at each turn while a console reads slowly,
 * a period later each time: a console starting behind 20 gateways
 * waited a whole extra period for the last nodes' second stats, in
 * about half of its starts (BENCH.md).
 */
#define SERVER_PERIODIC		2

/* Make an empty queue of cap frames with pre bytes of headroom each. */
void	 server_queue_init(struct server_queue *q, size_t cap, size_t pre);

/* Free every frame and the ring; the queue may be initialised again. */
void	 server_queue_free(struct server_queue *q);

/*
 * Queue a copy of the len bytes at text as a frame about node.  A
 * replaceable (stats) frame first removes any replaceable frame of the
 * same node still waiting, then goes to the tail, so frames stay in the
 * order they were made; a SERVER_PERIODIC one is dropped instead when
 * such a frame waits.  Returns SERVER_QUEUED, SERVER_REPLACED or
 * SERVER_KEPT, or SERVER_FULL when all cap slots hold frames that must
 * be delivered; the queue is then unchanged.
 */
enum server_push server_queue_push(struct server_queue *q, size_t node,
	    int replaceable, const char *text, size_t len);

/*
 * As server_queue_push(), queueing buf itself rather than a copy: buf
 * holds the queue's pre bytes of headroom, then the frame's len bytes
 * and a NUL, and belongs to the queue from now on (freed at once when
 * the result is SERVER_FULL).
 */
enum server_push server_queue_take(struct server_queue *q, size_t node,
	    int replaceable, char *buf, size_t len);

/* The frame to send next, or NULL when the queue is empty. */
const struct server_frame *server_queue_peek(const struct server_queue *q);

/* Drop the frame at the head (after sending it); no-op when empty. */
void	 server_queue_pop(struct server_queue *q);

/*
 * Copy the waiting frames, oldest first, into out as whole RFC 6455
 * text frames (FIN set, unmasked, as a server sends them), stopping
 * before the first that would pass cap bytes; the queue is unchanged.
 * Returns the bytes written and sets *nframes to how many frames they
 * hold (0, with nothing written, if the oldest alone passes cap).
 */
size_t	 server_queue_pack(const struct server_queue *q, unsigned char *out,
	    size_t cap, size_t *nframes);

/*
 * How the nodes serve TLS: every node the same certificate and key
 * files (cert_path, key_path), or node i the certificate certs[i] with
 * the key key (a certificate of its own, naming it).  Neither: plain
 * websockets.
 */
struct server_tls {
	const char		*cert_path;
	const char		*key_path;
	struct tls_cert *const	*certs;	/* one per node */
	const struct tls_key	*key;
};

/*
 * Listen for every node of sim on address (numeric IPv4; the caller
 * checks that plain websockets stay on loopback), node i on
 * base_port + i, or on a free port picked for each when base_port
 * is 0, serving wss when tls is not NULL, and start the simulator
 * timer.  With gateway 1, listen on one port (base_port, or the
 * kernel's pick) for all of them, serving tls's first certificate: a
 * gateway, each websocket carrying every node, its hellos declaring
 * them all in link_nodes, and a command message going to each node it
 * names (or, by id, that holds it), each judged by the node's own
 * engine.  sim and tls stay the caller's; sim must outlive the server.
 * Returns the server, or NULL and an allocated sentence in *cause
 * naming the address, the port and the system's reason when a port
 * cannot be bound; nothing is left listening then.
 */
struct server	*server_create(struct sim *sim, const char *address,
		    int base_port, int gateway, const struct server_tls *tls,
		    char **cause);

/*
 * As server_create(), for the nodes of any driver (driver.h): the
 * simulator's or the agent's.  *d is copied; its arg must outlive the
 * server.
 */
struct server	*server_create_driver(const struct driver *d,
		    const char *address, int base_port, int gateway,
		    const struct server_tls *tls, char **cause);

/*
 * A command the driver started on node i (DRIVER_STARTED) has ended:
 * with ok, it was carried out (text says how, or NULL for a sentence
 * from the node's state); else it was not, and text says why (audited
 * as a refusal).  Every console of the node gets the result and the
 * proposal's final status.  p is the command as the engine held it.
 */
void		 server_command_done(struct server *server, size_t i,
		    const struct command_pending *p, int ok,
		    const char *text);

/* Node i's hello changed (build, flags): send it and its stats again. */
void		 server_node_changed(struct server *server, size_t i);

/* The event loop's context, for a driver's descriptors and timers. */
struct lws_context *server_context(struct server *server);

/*
 * Accept two-person commands: node i's engine trusts the operators in
 * trust and logs to audits[i].  With trust NULL (or this never called)
 * every command is refused with a sentence saying the backend trusts no
 * operator; a NULL audits, or audits[i] NULL, makes node i's engine
 * refuse every command for want of an audit log.  Neither trust nor the
 * logs are owned; they must outlive the server.  Each engine refuses
 * new proposals while its log's filesystem has fewer than reserve bytes
 * free (command_engine_reserve).  Call it before server_run().  Never
 * fails.
 */
void		 server_commands(struct server *server,
		    const struct opkey_trust *trust,
		    struct audit *const *audits, uint64_t reserve);

/*
 * Whether a console must answer its hello's challenge (auth, signed by
 * an operator in the trust file) before it is sent any telemetry:
 * key_required 1, or 0 to let anyone connected read.  Call it before
 * server_run().  Whatever this says, every hello carries a challenge,
 * and consoles that answer it are named to the others (watching).
 */
void		 server_read(struct server *server, int key_required);

/* The port node i is served on (read back from the socket). */
int		 server_port(const struct server *server, size_t node);

/*
 * Serve until server_stop() is called.  Returns 0, or -1 if the event
 * loop failed (logged).
 */
int		 server_run(struct server *server);

/*
 * Ask server_run() to return.  Safe to call from a signal handler: it
 * sets a flag and wakes the loop through libwebsockets' cancel pipe.
 */
void		 server_stop(struct server *server);

/* Close every connection and free the server (not the simulator). */
void		 server_free(struct server *server);

#endif
