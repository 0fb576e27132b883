/*
 * link.c: one websocket client per backend, reconnecting with jittered
 * backoff.
 *
 * libwebsockets ends a connection in many ways: a NULL return from
 * lws_client_connect_via_info(), CLIENT_CONNECTION_ERROR, CLIENT_CLOSED
 * for an established websocket, CLOSED_CLIENT_HTTP for a handshake that
 * timed out, and WSI_DESTROY last of all (sometimes several for one
 * attempt).  A handshake that never completes is cut after
 * LINK_HANDSHAKE_MS, and a peer that goes silent while connected is
 * pinged and hung up by link_tick().  Every one of
 * them goes through link_failed(), which acts once per attempt (only
 * callbacks for the attempt's own wsi count): it tells the model why in
 * words and schedules the next try.
 *
 * Pacing: at most link_slots() links are in a handshake at once (32, up
 * to 128 while handshakes end quickly: link.h); the others wait their
 * turn in a queue and start as each handshake ends.  Thousands of links
 * started together to one vigild made every handshake (TLS most of
 * all) wait behind all the others, so each ran past LINK_HANDSHAKE_MS,
 * failed and was retried: start-up became a storm of node-down alerts.
 * A link's handshake timer runs only from its own start, never while it
 * waits its turn, and counts only time the console listened (see
 * Silence).  The console has one event loop and so one pace, kept here.
 *
 * Sending: frames wait in a small ring of their own (each with the
 * headroom lws_write() needs before the text) and leave, oldest first,
 * in the next WRITEABLE callback: all of them while the socket takes
 * more (link_writeable).
 *
 * Silence: any frame a backend sends proves it alive, and each sends
 * stats every second, so only a link silent for LINK_PING_MS is pinged
 * and only one silent for LINK_HANGUP_MS is hung up.  link_tick() does
 * it in one pass over the links a second; libwebsockets' validity check
 * is not used: it pinged every link every 10 s whatever came (600 pongs
 * a second from a vigild of 6,000 nodes), and being told of each frame
 * would re-insert a timer into its one sorted list, a walk of every
 * link's timers per frame.  It also hung up 15 s after a ping however
 * recently frames had come, so a backend busy for 15 s (say, checking
 * the thousand proposals this console just sent it) was dropped though
 * it had sent stats 11 s before.  Silence is counted only while the
 * console listened: a pass that comes late (the loop was busy or
 * stopped) adds the delay to link_ears.deaf_ms, judging waits for the
 * next pass, after the sockets were read, and a link's silence leaves
 * out the deafness since it last heard.
 *
 * Names and TLS: a host name is looked up once, when the link is made,
 * before the event loop runs (getaddrinfo blocks, and libwebsockets
 * 4.1 would call it on every reconnect inside the loop); reconnects use
 * the address found.  The certificate's host check is done here rather
 * than by libwebsockets, against the name as written in the URL, because
 * libwebsockets 4.1 cuts an IPv6 host at its first colon; its chain
 * check stays libwebsockets' (OpenSSL's), and either refusal reaches the
 * model as a sentence naming the certificate (tls_verify_refusal).
 */
#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "fleet.h"
#include "link.h"
#include "proto.h"
#include "tls.h"
#include "util.h"

/* One frame waiting to be written: its text starts LWS_PRE into buf. */
struct link_out {
	unsigned char	*buf;
	size_t		 len;
};

struct link {
	struct lws_context	*context;
	struct lws_vhost	*vhost;
	struct fleet		*fleet;
	size_t			 index;		/* into fleet->links */

	char			 name[64];	/* host as the URL wrote it */
	char			 host[64];	/* numeric address */
	int			 port;
	char			 path[256];
	int			 tls;
	char			 hostport[80];	/* "127.0.0.1:9003", or
						   "[::1]:9003" */
	char			 tls_refusal[PROTO_TEXT_MAX];

	struct link		*next_waiting;	/* in link_pace's queue */
	int			 waiting;	/* for a handshake slot */
	int			 handshaking;	/* holds a slot */

	struct lws		*wsi;		/* NULL between attempts */
	lws_sorted_usec_list_t	 retry_sul;
	lws_sorted_usec_list_t	 handshake_sul;	/* cuts a slow attempt */
	uint16_t		 retries;	/* failures since last
						   settled (LINK_SETTLED_MS) */
	int64_t			 up_ms;		/* when it came up */
	int			 open;		/* an attempt or connection
						   is in progress */
	int			 up;		/* websocket established */
	int			 stopped;
	int64_t			 attempt_ms;	/* when it started */
	int64_t			 attempt_deaf_ms; /* link_ears.deaf_ms then */
	int64_t			 heard_ms;	/* last frame or pong */
	int64_t			 heard_deaf_ms;	/* link_ears.deaf_ms then */
	int			 pinged;	/* since heard_ms */
	int			 ping_due;	/* write one when writeable */
	char			 close_reason[PROTO_TEXT_MAX];

	/* The frame being reassembled from fragments. */
	char			*frame;
	size_t			 frame_len;
	size_t			 frame_cap;
	int			 in_frame;
	int			 oversize;	/* drop it when it ends */
	int			 binary;	/* refuse it when it ends */
	size_t			 oversize_len;

	/* Frames waiting to be written, oldest at out_head. */
	struct link_out		 out[LINK_SEND_MAX];
	size_t			 out_head;
	size_t			 out_n;
};

/*
 * The handshakes in flight, the links waiting for one to end (oldest
 * first) and the timer that starts them outside any link's callback.
 */
static struct {
	size_t			 handshakes;
	size_t			 extra;		/* slots above the least */
	struct link		*first;
	struct link		*last;
	struct lws_context	*context;
	lws_sorted_usec_list_t	 sul;
} link_pace;

/*
 * What the console's own loop let the links hear: when link_tick()
 * last ran and judged, and for how long in all the loop was too late to
 * listen (monotonic ms).
 */
static struct {
	int64_t			 tick_ms;
	int64_t			 judged_ms;
	int64_t			 deaf_ms;
} link_ears;

static int	 link_resolve(struct link *, char *, size_t);
static void	 link_connect(struct link *);
static void	 link_start(struct link *);
static void	 link_pace_cb(lws_sorted_usec_list_t *);
static void	 link_handshake_over(struct link *, int);
static size_t	 link_slots(void);
static void	 link_unqueue(struct link *);
static void	 link_retry_cb(lws_sorted_usec_list_t *);
static void	 link_handshake_cb(lws_sorted_usec_list_t *);
static int	 link_current(const struct link *, struct lws *);
static void	 link_failed(struct link *, const char *);
static void	 link_connect_error(struct link *, const char *);
static void	 link_closed(struct link *);
static void	 link_peer_close(struct link *, const unsigned char *, size_t);
static void	 link_receive(struct link *, struct lws *, const char *,
		    size_t);
static void	 link_frame_done(struct link *);
static void	 link_frame_text(struct link *, const char *, size_t);
static void	 link_frame_free(struct link *);
static int	 link_writeable(struct link *, struct lws *);
static int	 link_write_oldest(struct link *, struct lws *);
static void	 link_out_clear(struct link *);
static void	 link_names(struct link *, struct lws *);
static void	 link_heard(struct link *);
static int64_t	 link_listened(int64_t, int64_t, int64_t);
static void	 link_idle(struct link *, int64_t);

/*
 * Delays before the next attempt.  The first retry is quick because a
 * backend restarting is the common case; later ones settle at 5 s so a
 * dead backend costs almost nothing.  No idle policy for libwebsockets:
 * link_tick() pings and hangs up silent links itself.
 */
static const uint32_t link_retry_table[] = {
	LINK_RETRY_MIN_MS, 500, 1000, 2000, 4000, LINK_RETRY_MAX_MS
};
static const lws_retry_bo_t link_retry = {
	.retry_ms_table = link_retry_table,
	.retry_ms_table_count = nitems(link_retry_table),
	.conceal_count = LWS_RETRY_CONCEAL_ALWAYS,
	.secs_since_valid_ping = 0,
	.secs_since_valid_hangup = 0,
	.jitter_percent = LINK_RETRY_JITTER,
};

/*
 * Find the address of the link's host, once and before the loop runs.
 * Returns 0, or -1 and a sentence in why.
 */
static int
link_resolve(struct link *link, char *why, size_t len)
{
	struct addrinfo	 hints, *res;
	int		 error;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((error = getaddrinfo(link->name, NULL, &hints, &res)) != 0) {
		util_format(why, len, "cannot find host \"%s\" of %s: %s; "
		    "check the name, or write its address, and restart vigil",
		    link->name, link->fleet->links[link->index].url,
		    gai_strerror(error));
		return (-1);
	}
	error = getnameinfo(res->ai_addr, res->ai_addrlen, link->host,
	    sizeof link->host, NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (error != 0) {
		util_format(why, len, "cannot use the address of \"%s\": %s",
		    link->name, gai_strerror(error));
		return (-1);
	}
	return (0);
}

/* Make a link for fleet->links[index] and start connecting. */
struct link *
link_create(struct lws_context *context, struct lws_vhost *vhost,
    struct fleet *fleet, size_t index, char **cause)
{
	struct link	*link;
	char		 why[PROTO_TEXT_MAX];

	link = xcalloc(1, sizeof *link);
	link->context = context;
	link->vhost = vhost;
	link->fleet = fleet;
	link->index = index;
	if (util_parse_url(fleet->links[index].url, link->name,
	    sizeof link->name, &link->port, link->path, sizeof link->path,
	    &link->tls, why, sizeof why) != 0) {
		*cause = xstrdup(why);
		free(link);
		return (NULL);
	}
	/* An IPv6 address is bracketed where a port follows it. */
	util_format(link->hostport, sizeof link->hostport,
	    strchr(link->name, ':') != NULL ? "[%s]:%d" : "%s:%d",
	    link->name, link->port);
	/*
	 * A name that does not resolve leaves this link down, saying why,
	 * rather than the whole console unable to start: the other
	 * backends still need watching.  It is not looked up again.
	 */
	if (link_resolve(link, why, sizeof why) != 0) {
		util_copy(link->close_reason, sizeof link->close_reason, why);
		fleet_link_down(fleet, index, why, util_mono_ms());
		return (link);
	}
	link_connect(link);
	return (link);
}

/* Stop the link: no more retries, no more reports to the model. */
void
link_stop(struct link *link)
{
	if (link == NULL)
		return;
	link->stopped = 1;
	lws_sul_cancel(&link->retry_sul);
	lws_sul_cancel(&link->handshake_sul);
	link_unqueue(link);
	if (link->handshaking) {
		link->handshaking = 0;
		link_pace.handshakes--;
	}
	if (link_pace.first == NULL && link_pace.context != NULL) {
		lws_sul_cancel(&link_pace.sul);
		link_pace.context = NULL;
	}
}

/* Free a stopped link. */
void
link_free(struct link *link)
{
	if (link == NULL)
		return;
	link_out_clear(link);
	link_frame_free(link);
	free(link);
}

/* Is the websocket established? */
int
link_is_up(const struct link *link)
{
	return (link->up);
}

/* Queue a frame for the backend and ask to be told when it can go. */
int
link_send(struct link *link, const char *frame, size_t len, char **cause)
{
	struct link_out	*o;

	if (!link->up || link->wsi == NULL || link->stopped) {
		*cause = xasprintf("not connected to %s: %s", link->hostport,
		    link->close_reason[0] != '\0' ? link->close_reason :
		    "the websocket is not set up yet");
		return (-1);
	}
	if (len > PROTO_MAX_FRAME) {
		*cause = xasprintf("a frame of %zu bytes is more than the %d "
		    "that %s allows", len, PROTO_MAX_FRAME, PROTO_SUBPROTOCOL);
		return (-1);
	}
	if (link->out_n == LINK_SEND_MAX) {
		*cause = xasprintf("%d frames already wait to be sent to %s; "
		    "the backend is not reading", LINK_SEND_MAX,
		    link->hostport);
		return (-1);
	}
	o = &link->out[(link->out_head + link->out_n) % LINK_SEND_MAX];
	o->buf = xmalloc(LWS_PRE + len + 1);
	memcpy(o->buf + LWS_PRE, frame, len);
	o->len = len;
	link->out_n++;
	lws_callback_on_writable(link->wsi);
	return (0);
}

/* How many frames wait to be written; see link.h. */
size_t
link_queued(const struct link *link)
{
	return (link->out_n);
}

/*
 * The socket can take more: write the ping due, then the frames waiting,
 * oldest first, while the socket still takes them (lws_send_pipe_choked:
 * no part of a frame left in libwebsockets' own buffer, and the kernel
 * says writeable), and ask again while any wait.  Not one frame a
 * callback: each callback is a pass of the console's loop, which with
 * 128 TLS handshakes in flight took 35-130 ms, so a cold approve's
 * approval, queued with its auth when a backend's first frames came,
 * left a whole pass after it.  Returns -1 when a write failed
 * (libwebsockets then closes the connection), else 0.
 */
static int
link_writeable(struct link *link, struct lws *wsi)
{
	static unsigned char	 ping[LWS_PRE + 5];
	const char		*what = NULL;
	int			 wrote = 0;

	if (link->ping_due) {
		/* Not empty: libwebsockets hands on no empty pong. */
		link->ping_due = 0;
		memcpy(ping + LWS_PRE, "vigil", 5);
		if (lws_write(wsi, ping + LWS_PRE, 5, LWS_WRITE_PING) < 5)
			what = "pinging";
		wrote = 1;
	}
	while (what == NULL && link->out_n > 0 &&
	    (!wrote || !lws_send_pipe_choked(wsi))) {
		if (link_write_oldest(link, wsi) != 0)
			what = "writing to";
		wrote = 1;
	}
	if (what != NULL) {
		util_format(link->close_reason, sizeof link->close_reason,
		    "%s %s failed; the backend stopped or the network dropped "
		    "the connection", what, link->hostport);
		return (-1);
	}
	if (link->out_n > 0)
		lws_callback_on_writable(wsi);
	return (0);
}

/*
 * Write the oldest frame waiting and let it go from the ring.  What the
 * socket did not take libwebsockets keeps and sends first.  Returns -1
 * when the write failed, else 0.
 */
static int
link_write_oldest(struct link *link, struct lws *wsi)
{
	struct link_out	*o = &link->out[link->out_head];
	size_t		 len = o->len;
	int		 n;

	n = lws_write(wsi, o->buf + LWS_PRE, len, LWS_WRITE_TEXT);
	free(o->buf);
	o->buf = NULL;
	link->out_head = (link->out_head + 1) % LINK_SEND_MAX;
	link->out_n--;
	return (n < 0 || (size_t)n < len ? -1 : 0);
}

/* Discard every frame waiting to be written. */
static void
link_out_clear(struct link *link)
{
	while (link->out_n > 0) {
		free(link->out[link->out_head].buf);
		link->out[link->out_head].buf = NULL;
		link->out_head = (link->out_head + 1) % LINK_SEND_MAX;
		link->out_n--;
	}
	link->out_head = 0;
}

/*
 * Start one connection attempt now, or, when link_slots() are in
 * flight, queue it to start as one ends.
 */
static void
link_connect(struct link *link)
{
	if (link->waiting)
		return;
	if (link_pace.handshakes < link_slots() && link_pace.first == NULL) {
		link_start(link);
		return;
	}
	link->waiting = 1;
	link->next_waiting = NULL;
	if (link_pace.last != NULL)
		link_pace.last->next_waiting = link;
	else
		link_pace.first = link;
	link_pace.last = link;
	link_pace.context = link->context;
	if (link_pace.handshakes < link_slots())
		lws_sul_schedule(link_pace.context, 0, &link_pace.sul,
		    link_pace_cb, 1);
}

/* Take link out of the queue of links waiting for a handshake slot. */
static void
link_unqueue(struct link *link)
{
	struct link	**lp, *prev = NULL;

	if (!link->waiting)
		return;
	for (lp = &link_pace.first; *lp != NULL; lp = &(*lp)->next_waiting) {
		if (*lp == link) {
			*lp = link->next_waiting;
			if (link_pace.last == link)
				link_pace.last = prev;
			break;
		}
		prev = *lp;
	}
	link->waiting = 0;
	link->next_waiting = NULL;
}

/*
 * Start the waiting links while slots are free.  A timer, not the end
 * of a handshake itself, does it: an attempt may fail at once inside
 * its start, and starting the next from there would recurse once per
 * waiting link.
 */
static void
link_pace_cb(lws_sorted_usec_list_t *sul)
{
	struct link	*link;

	(void)sul;
	while (link_pace.handshakes < link_slots() &&
	    (link = link_pace.first) != NULL) {
		link_unqueue(link);
		if (!link->stopped)
			link_start(link);
	}
}

/*
 * link's handshake ended, up (a websocket) or not: its slot is free.
 * How long it took sets how many may be in flight (link.h).
 */
static void
link_handshake_over(struct link *link, int up)
{
	int64_t	took;

	if (!link->handshaking)
		return;
	link->handshaking = 0;
	link_pace.handshakes--;
	took = util_mono_ms() - link->attempt_ms;
	if (!up || took > LINK_HANDSHAKE_MS / 2)
		link_pace.extra = 0;
	else if (took < LINK_HANDSHAKE_FAST_MS &&
	    LINK_HANDSHAKES_MIN + link_pace.extra < LINK_HANDSHAKES_MAX)
		link_pace.extra++;
	if (link_pace.first != NULL)
		lws_sul_schedule(link_pace.context, 0, &link_pace.sul,
		    link_pace_cb, 1);
}

/* How many handshakes may be in flight now. */
static size_t
link_slots(void)
{
	return (LINK_HANDSHAKES_MIN + link_pace.extra);
}

/* Start one connection attempt, holding a handshake slot. */
static void
link_start(struct link *link)
{
	struct lws_client_connect_info	ci;

	memset(&ci, 0, sizeof ci);
	ci.context = link->context;
	ci.vhost = link->vhost;
	ci.address = link->host;
	ci.port = link->port;
	ci.path = link->path;
	ci.host = link->hostport;
	/* No Origin: backends refuse one, since browsers send it. */
	ci.protocol = PROTO_SUBPROTOCOL;
	ci.local_protocol_name = PROTO_SUBPROTOCOL;
	ci.ssl_connection = link->tls ? LCCSCF_USE_SSL |
	    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK : 0;
	ci.opaque_user_data = link;
	ci.pwsi = &link->wsi;
	ci.retry_and_idle_policy = &link_retry;

	link->open = 1;
	link->up = 0;
	link->close_reason[0] = '\0';
	link->tls_refusal[0] = '\0';
	link->attempt_ms = util_mono_ms();
	link->attempt_deaf_ms = link_ears.deaf_ms;
	link->handshaking = 1;
	link_pace.handshakes++;
	lws_sul_schedule(link->context, 0, &link->handshake_sul,
	    link_handshake_cb, (lws_usec_t)LINK_HANDSHAKE_MS * LWS_US_PER_MS);
	if (lws_client_connect_via_info(&ci) == NULL && link->open)
		link_failed(link, "could not start a connection");
}

/*
 * The attempt did not become a websocket in time: a backend that is
 * stopped (SIGSTOP) or hung still completes TCP through the kernel's
 * listen queue, and would otherwise hold the link until libwebsockets'
 * own, longer timeouts.  End the attempt now and have libwebsockets
 * close its socket; what it reports about that wsi later is ignored.
 */
static void
link_handshake_cb(lws_sorted_usec_list_t *sul)
{
	struct link	*link;
	struct lws	*wsi;
	char		 why[PROTO_TEXT_MAX];
	int64_t		 left;

	link = lws_container_of(sul, struct link, handshake_sul);
	if (link->stopped || !link->open || link->up)
		return;
	/*
	 * The console's own loop was held up: the answer may wait in the
	 * socket.  Judge only once the link had its time to listen.
	 */
	left = LINK_HANDSHAKE_MS - link_listened(link->attempt_ms,
	    link->attempt_deaf_ms, util_mono_ms());
	if (left > 0) {
		lws_sul_schedule(link->context, 0, &link->handshake_sul,
		    link_handshake_cb, (lws_usec_t)(left < 200 ? 200 : left) *
		    LWS_US_PER_MS);
		return;
	}
	wsi = link->wsi;
	util_format(why, sizeof why, "no websocket handshake from %s within "
	    "%d s: the backend is stopped, hung or overloaded, or it is not "
	    "a %s backend", link->hostport, LINK_HANDSHAKE_MS / 1000,
	    PROTO_SUBPROTOCOL);
	link_failed(link, why);
	if (wsi != NULL)
		lws_set_timeout(wsi, PENDING_TIMEOUT_AWAITING_SERVER_RESPONSE,
		    LWS_TO_KILL_ASYNC);
}

/*
 * Is wsi the connection of the link's attempt in progress?  Callbacks
 * for a connection already given up on (cut by the handshake timer, or
 * closed and now being destroyed) must not end the next attempt.
 */
static int
link_current(const struct link *link, struct lws *wsi)
{
	return (link->open && (link->wsi == NULL || link->wsi == wsi));
}

/* The retry timer fired: try again. */
static void
link_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct link	*link = lws_container_of(sul, struct link, retry_sul);

	if (!link->stopped)
		link_connect(link);
}

/*
 * End the current attempt or connection: tell the model why (only when
 * the link's state or reason changes, so a backend that stays away does
 * not flood it) and schedule the next attempt.
 */
static void
link_failed(struct link *link, const char *why)
{
	struct fleet_link	*fl = &link->fleet->links[link->index];
	char			 conceal;
	unsigned		 delay;

	if (!link->open || link->stopped)
		return;
	if (link->up && util_mono_ms() - link->up_ms >= LINK_SETTLED_MS)
		link->retries = 0;
	lws_sul_cancel(&link->handshake_sul);
	link_handshake_over(link, 0);
	link->open = 0;
	link->up = 0;
	link->wsi = NULL;
	link->in_frame = 0;
	link_frame_free(link);
	link->oversize = 0;
	link->binary = 0;
	link_out_clear(link);

	if (fl->state != LINK_DOWN || strcmp(fl->error, why) != 0)
		fleet_link_down(link->fleet, link->index, why, util_mono_ms());

	delay = lws_retry_get_delay_ms(link->context, &link_retry,
	    &link->retries, &conceal);
	lws_sul_schedule(link->context, 0, &link->retry_sul, link_retry_cb,
	    (lws_usec_t)delay * LWS_US_PER_MS);
}

/*
 * Turn what libwebsockets says about a failed attempt into words.  It
 * does not hand back the socket error, so a quick failure is named a
 * refusal (what a loopback or LAN peer with nothing listening does) and
 * a slow one a timeout.
 */
static void
link_connect_error(struct link *link, const char *in)
{
	char	why[PROTO_TEXT_MAX];
	int64_t	took = util_mono_ms() - link->attempt_ms;

	if (in == NULL)
		in = "";
	if (link->tls_refusal[0] != '\0')
		util_copy(why, sizeof why, link->tls_refusal);
	else if (strstr(in, "Unable to connect") != NULL ||
	    strstr(in, "connect failed") != NULL) {
		if (took < 3000)
			util_format(why, sizeof why, "connection refused by "
			    "%s, or the address is unreachable",
			    link->hostport);
		else
			util_format(why, sizeof why, "no answer from %s within "
			    "%lld s", link->hostport, (long long)(took / 1000));
	} else if (strstr(in, "HS:") != NULL ||
	    strstr(in, "upgrade") != NULL)
		util_format(why, sizeof why, "%s answered but is not a %s "
		    "websocket backend (%s)", link->hostport, PROTO_SUBPROTOCOL,
		    in);
	else if (strcasestr(in, "ssl") != NULL ||
	    strcasestr(in, "tls") != NULL)
		util_format(why, sizeof why, "the TLS handshake with %s failed "
		    "(%s); check that the backend serves wss:// there and that "
		    "its certificate is trusted, or use ws://", link->hostport,
		    in);
	else if (strstr(in, "imeout") != NULL)
		util_format(why, sizeof why, "connecting to %s timed out",
		    link->hostport);
	else if (*in != '\0')
		util_format(why, sizeof why, "could not connect to %s: %s",
		    link->hostport, in);
	else
		util_format(why, sizeof why, "could not connect to %s",
		    link->hostport);
	link_failed(link, why);
}

/* Remember the close code and reason a backend sent with its close. */
static void
link_peer_close(struct link *link, const unsigned char *in, size_t len)
{
	unsigned	code;
	size_t		n;

	if (in == NULL || len < 2) {
		util_copy(link->close_reason, sizeof link->close_reason,
		    "backend closed the connection");
		return;
	}
	code = ((unsigned)in[0] << 8) | in[1];
	n = len - 2;
	if (n > 200)
		n = 200;
	if (n > 0)
		util_format(link->close_reason, sizeof link->close_reason,
		    "backend closed the connection (code %u: %.*s)", code,
		    (int)n, (const char *)in + 2);
	else
		util_format(link->close_reason, sizeof link->close_reason,
		    "backend closed the connection (code %u)", code);
}

/*
 * An established connection ended.  Only link_idle() hangs up for
 * silence, and it says so in close_reason; any other end of a connection
 * that was up came from the backend, the network or a failed write.
 */
static void
link_closed(struct link *link)
{
	char	why[PROTO_TEXT_MAX];

	if (link->close_reason[0] != '\0')
		util_copy(why, sizeof why, link->close_reason);
	else if (link->up)
		util_format(why, sizeof why, "the connection to %s was lost; "
		    "the backend stopped or closed it, or the network dropped "
		    "it", link->hostport);
	else
		util_format(why, sizeof why, "the connection to %s ended "
		    "before the websocket handshake completed; the backend "
		    "closed it or did not answer", link->hostport);
	link_failed(link, why);
}

/* The backend sent something: a frame or a pong proves it alive. */
static void
link_heard(struct link *link)
{
	link->heard_ms = util_mono_ms();
	link->heard_deaf_ms = link_ears.deaf_ms;
	link->pinged = 0;
}

/*
 * The ms the console listened from since_ms to now_ms, when its
 * deafness stood at since_deaf_ms: the time between, less the deafness
 * since, and less the current wait when the tick is LINK_LATE_MS late
 * (the loop is only now catching up, and has not read yet).
 */
static int64_t
link_listened(int64_t since_ms, int64_t since_deaf_ms, int64_t now_ms)
{
	int64_t	ms, late = 0;

	if (link_ears.tick_ms != 0 && now_ms - link_ears.tick_ms >=
	    LINK_LATE_MS)
		late = now_ms - link_ears.tick_ms;
	ms = now_ms - since_ms - (link_ears.deaf_ms - since_deaf_ms) - late;
	return (ms < 0 ? 0 : ms);
}

/*
 * Ping each link silent for LINK_PING_MS and hang up each silent for
 * LINK_HANGUP_MS, counting only the time the console listened (see the
 * head of this file).  A pass LINK_LATE_MS late or more is deafness:
 * it is added up, and judging waits for the next pass, so that what
 * came meanwhile is read first.  Called each tick; walks the links at
 * most once a second.
 */
void
link_tick(struct link **links, size_t n, int64_t now_ms)
{
	int64_t	late;
	size_t	i;

	late = link_ears.tick_ms != 0 ? now_ms - link_ears.tick_ms : 0;
	link_ears.tick_ms = now_ms;
	if (late >= LINK_LATE_MS) {
		link_ears.deaf_ms += late;
		return;
	}
	if (now_ms - link_ears.judged_ms < 1000)
		return;
	link_ears.judged_ms = now_ms;
	for (i = 0; i < n; i++) {
		if (links[i] != NULL)
			link_idle(links[i], now_ms);
	}
}

/* Ping link, or hang it up, when it has been silent long enough. */
static void
link_idle(struct link *link, int64_t now_ms)
{
	char	deaf_text[128];
	int64_t	deaf, silent;

	if (link->stopped || !link->up || link->wsi == NULL ||
	    link->close_reason[0] != '\0')
		return;
	deaf = link_ears.deaf_ms - link->heard_deaf_ms;
	silent = link_listened(link->heard_ms, link->heard_deaf_ms, now_ms);
	if (silent >= LINK_HANGUP_MS) {
		deaf_text[0] = '\0';
		if (deaf >= 1000)
			util_format(deaf_text, sizeof deaf_text, " while this "
			    "console listened (and %lld s more while it was "
			    "itself too busy or stopped to listen)",
			    (long long)(deaf / 1000));
		util_format(link->close_reason, sizeof link->close_reason,
		    "%s sent nothing and answered no ping for %lld s%s, so "
		    "the connection was dropped; the backend is hung or "
		    "stopped, or the network is cut", link->hostport,
		    (long long)(silent / 1000), deaf_text);
		lws_set_timeout(link->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
	} else if (silent >= LINK_PING_MS && !link->pinged) {
		link->pinged = 1;
		link->ping_due = 1;
		lwsl_notice("vigil: %s sent nothing for %lld s; pinging it\n",
		    link->hostport, (long long)(silent / 1000));
		lws_callback_on_writable(link->wsi);
	}
}

/*
 * Add a piece of a frame.  A frame may arrive in several pieces (lws
 * delivers big frames in buffer-sized parts, and a sender may fragment);
 * it is handed on only when complete.  One larger than the protocol
 * allows, or a binary one (vigil.v1 uses text frames only), is counted
 * and refused, and the link stays up.
 */
static void
link_receive(struct link *link, struct lws *wsi, const char *in, size_t len)
{
	size_t	cap;

	/* A frame that came whole is read where it lies: no copy kept. */
	if (!link->in_frame && !lws_frame_is_binary(wsi) &&
	    len <= PROTO_MAX_FRAME && lws_is_final_fragment(wsi) &&
	    lws_remaining_packet_payload(wsi) == 0) {
		link_frame_text(link, in, len);
		return;
	}
	if (!link->in_frame) {
		link->in_frame = 1;
		link->frame_len = 0;
		link->oversize = 0;
		link->oversize_len = 0;
		link->binary = lws_frame_is_binary(wsi);
	}
	if (!link->oversize && (link->binary ||
	    link->frame_len + len > PROTO_MAX_FRAME)) {
		link->oversize = 1;
		link->oversize_len = link->frame_len;
		link->frame_len = 0;
	}
	if (link->oversize)
		link->oversize_len += len;
	else if (len > 0) {
		if (link->frame_len + len > link->frame_cap) {
			cap = link->frame_cap == 0 ? 4096 : link->frame_cap;
			while (cap < link->frame_len + len)
				cap *= 2;
			if (cap > PROTO_MAX_FRAME)
				cap = PROTO_MAX_FRAME;
			link->frame = xreallocarray(link->frame, 1, cap);
			link->frame_cap = cap;
		}
		memcpy(link->frame + link->frame_len, in, len);
		link->frame_len += len;
	}
	if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) ==
	    0)
		link_frame_done(link);
}

/* A whole frame is here: give it to the model, or record the drop. */
static void
link_frame_done(struct link *link)
{
	struct fleet_link	*fl = &link->fleet->links[link->index];

	link->in_frame = 0;
	if (link->binary) {
		fl->bad_frames++;
		util_format(fl->error, sizeof fl->error, "%s sent a binary "
		    "frame of %zu bytes and it was refused: %s carries one "
		    "JSON object per text frame; check that the backend speaks "
		    "this protocol version", link->hostport,
		    link->oversize_len, PROTO_SUBPROTOCOL);
		link->fleet->dirty = 1;
		link->oversize = 0;
		link->binary = 0;
		return;
	}
	if (link->oversize) {
		fl->bad_frames++;
		util_format(fl->error, sizeof fl->error, "%s sent a frame of "
		    "%zu bytes, more than the %d that %s allows, and it was "
		    "dropped; check that the backend speaks this protocol "
		    "version", link->hostport, link->oversize_len,
		    PROTO_MAX_FRAME, PROTO_SUBPROTOCOL);
		link->fleet->dirty = 1;
		link->oversize = 0;
		return;
	}
	link_frame_text(link, link->frame, link->frame_len);
	link_frame_free(link);
}

/*
 * Give back the buffer a frame that came in pieces was put together in:
 * links mostly wait, and a thousand of them would each hold one.
 */
static void
link_frame_free(struct link *link)
{
	free(link->frame);
	link->frame = NULL;
	link->frame_len = 0;
	link->frame_cap = 0;
}

/* Give a text frame to the model; it records a refusal as the link's. */
static void
link_frame_text(struct link *link, const char *frame, size_t len)
{
	char	cause[PROTO_TEXT_MAX];

	(void)fleet_receive(link->fleet, link->index, frame, len,
	    util_mono_ms(), cause, sizeof cause);
}

/*
 * Tell the model which nodes the backend's certificate names, so that
 * it may speak for those alone; a plain link names none and is held to
 * first come, first served.
 */
static void
link_names(struct link *link, struct lws *wsi)
{
	char	**ids = NULL;
	int	  n = -1;

	/* A TLS peer without a certificate (never expected) names none. */
	if (link->tls && (n = tls_peer_nodes(lws_get_ssl(wsi), &ids)) < 0)
		n = 0;
	fleet_link_names(link->fleet, link->index, ids, n);
}

/* The vigil.v1 protocol handler for every link. */
int
link_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct link	*link;

	if (reason == LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS) {
		/* Once, for the client vhost: user is its SSL_CTX. */
		tls_client_tune(user);
		return (0);
	}
	if (wsi == NULL)
		return (0);
	link = lws_get_opaque_user_data(wsi);
	if (link == NULL || link->stopped)
		return (0);

	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (link_current(link, wsi))
			link_connect_error(link, in);
		break;
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		/* user is OpenSSL's store context, len whether it passed. */
		return (tls_verify_refusal(user, (int)len, link->name,
		    link->tls_refusal, sizeof link->tls_refusal));
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		/* in is the header cursor, len the room left after it. */
		if (lws_add_http_header_by_name(wsi,
		    (const unsigned char *)PROTO_NAMED_HEADER,
		    (const unsigned char *)PROTO_NAMED_VALUE,
		    (int)strlen(PROTO_NAMED_VALUE), (unsigned char **)in,
		    *(unsigned char **)in + len) != 0)
			return (-1);
		/* One instance over every link: a document once for all. */
		if (link->fleet->instance[0] != '\0' &&
		    lws_add_http_header_by_name(wsi,
		    (const unsigned char *)PROTO_INSTANCE_HEADER,
		    (const unsigned char *)link->fleet->instance,
		    (int)strlen(link->fleet->instance), (unsigned char **)in,
		    *(unsigned char **)in + len) != 0)
			return (-1);
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (!link_current(link, wsi))
			return (-1);	/* given up on: close it */
		lws_sul_cancel(&link->handshake_sul);
		link_handshake_over(link, 1);
		link->wsi = wsi;
		link->up = 1;
		link->up_ms = util_mono_ms();
		link_heard(link);
		link->ping_due = 0;
		link_names(link, wsi);
		fleet_link_up(link->fleet, link->index, util_mono_ms());
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		link_heard(link);
		link_receive(link, wsi, in, len);
		if (link->tls)
			tls_release_buffers(lws_get_ssl(wsi));
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		link_heard(link);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (link->wsi == wsi && link_writeable(link, wsi) != 0)
			return (-1);
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		link_peer_close(link, in, len);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
	case LWS_CALLBACK_WSI_DESTROY:
		/* Whichever comes first for the attempt's wsi ends it. */
		if (link_current(link, wsi))
			link_closed(link);
		break;
	default:
		break;
	}
	return (0);
}
