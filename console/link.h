/*
 * link.h: one websocket client connection per backend.
 *
 * A link connects to its backend's URL with sub-protocol vigil.v1,
 * reassembles fragmented frames, hands each complete frame to the fleet
 * model and, when the connection fails or drops, tells the model why in
 * words and tries again after a jittered, growing delay.  wss:// URLs
 * ask libwebsockets for TLS, so encryption slots in without changing
 * the link.
 *
 * Links live inside the event loop (console/loop.c): the loop creates
 * the libwebsockets context with link_callback() as the vigil.v1
 * protocol handler, then one link per entry of fleet->links.
 */
#ifndef VIGIL_LINK_H
#define VIGIL_LINK_H

#include <stddef.h>

#include <libwebsockets.h>

struct fleet;
struct link;

/* Reconnect delays before jitter: the first retries are quick, later
 * ones back off so a dead backend costs nothing. */
#define LINK_RETRY_MIN_MS	250
#define LINK_RETRY_MAX_MS	5000
#define LINK_RETRY_JITTER	20	/* percent added at random */
/* A connection that ends sooner than this after it came up does not
 * start the delays over: a backend that takes the websocket and then
 * refuses this console (an untrusted key, a node it may not serve) or
 * crashes at once is retried ever more slowly, like one that is down,
 * not four times a second with a line in its log each time. */
#define LINK_SETTLED_MS		30000

/* An attempt that is not a websocket after this long is cut and retried:
 * a stopped or hung backend still completes TCP through its listen
 * queue, so only the handshake shows that nobody answers. */
#define LINK_HANDSHAKE_MS	4000

/* A link silent this long is pinged, and hung up at LINK_HANGUP_MS:
 * any frame proves a backend alive, and each sends stats every second.
 * Silence counts only while the console listened: a tick this late or
 * more means its own loop was busy or stopped. */
#define LINK_PING_MS		10000
#define LINK_HANGUP_MS		25000
#define LINK_LATE_MS		1000

/* Handshakes in flight at once; other links wait their turn, so that
 * thousands started together do not each run past LINK_HANDSHAKE_MS.
 * LINK_HANDSHAKES_MIN always; one more for each handshake that took
 * under LINK_HANDSHAKE_FAST_MS, up to LINK_HANDSHAKES_MAX, and back to
 * the least when one took over half of LINK_HANDSHAKE_MS or failed: a
 * backend taking 60 ms a handshake one at a time needs the least, a
 * cold start of 1,000 links to a vigild answering within tens of ms
 * went a few handshakes a poll pass over every socket with 32, which
 * cost the console CPU and put its last links later. */
#define LINK_HANDSHAKES_MIN	32
#define LINK_HANDSHAKES_MAX	128
#define LINK_HANDSHAKE_FAST_MS	500

/* Frames waiting to be sent on one link; more are refused. */
#define LINK_SEND_MAX		32

/*
 * Make the link for fleet->links[index] and start connecting at once,
 * or as soon as a handshake slot is free (LINK_HANDSHAKES_MIN and up).
 * Returns the link, or NULL and an allocated sentence in *cause when
 * the link's URL cannot be used (nothing is then scheduled).
 */
struct link	*link_create(struct lws_context *context,
		    struct lws_vhost *vhost, struct fleet *fleet, size_t index,
		    char **cause);

/*
 * Stop the link before the context is destroyed: cancel its retry timer
 * and ignore everything libwebsockets still reports about its
 * connection.  The model is not told.
 */
void		 link_stop(struct link *link);

/* Free a stopped link, after the context is destroyed. */
void		 link_free(struct link *link);

/* Is the link's websocket established now? */
int		 link_is_up(const struct link *link);

/*
 * Queue a copy of the len bytes of frame (one text message, at most
 * PROTO_MAX_FRAME) for the backend; it is written when the socket can
 * take it, in the order queued: in the next writeable callback, with
 * every other frame waiting, unless the socket takes no more.
 * Returns 0, or -1 and an allocated sentence in *cause when the link is
 * not connected, the frame is too large or LINK_SEND_MAX frames already
 * wait.  Frames still queued when the connection drops are discarded:
 * they were meant for that connection, and a command must not reach a
 * backend long after the operator gave up on it.
 */
int		 link_send(struct link *link, const char *frame, size_t len,
		    char **cause);

/* How many frames wait to be written (link_send). */
size_t		 link_queued(const struct link *link);

/*
 * Ping the links silent for LINK_PING_MS and hang up those silent for
 * LINK_HANGUP_MS, counting only the time the console's loop listened.
 * Call it every tick with the monotonic time; it walks the n links at
 * most once a second.  NULL entries are skipped.
 */
void		 link_tick(struct link **links, size_t n, int64_t now_ms);

/*
 * The vigil.v1 protocol handler for every link's connection (see
 * struct lws_protocols).  Never fails the context: problems become the
 * link's error and a reconnect.
 */
int		 link_callback(struct lws *wsi,
		    enum lws_callback_reasons reason, void *user, void *in,
		    size_t len);

#endif
