/*
 * bench-ws.c: the benchmark's frame source and its one client, with the
 * three things the client can do with a frame (see bench-ws.h).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "bench-run.h"
#include "bench-ws.h"
#include "fleet.h"
#include "link.h"
#include "proto.h"
#include "util.h"

#define BWS_BURST	64	/* frames written per writeable callback */
#define BWS_AGAIN_MS	250	/* before connecting again */
#define BWS_OUT_MAX	4	/* frames waiting on one connection */

/* A prepared frame with the headroom lws_write() needs. */
struct bws_frame {
	unsigned char	*buf;
	size_t		 len;
};

/* One connection to the source: its nodes' hellos, then their stats. */
struct bws_sess {
	struct bws_frame	*frames;	/* hellos, then stats */
	size_t			 nhello;
	size_t			 nframes;
	size_t			 next;
};

/* One connection of the client. */
struct bws_conn {
	struct bws_client	*client;
	char			 url[256];
	char			*buf;		/* reassembly */
	size_t			 len, cap;
	size_t			 link;
	int			 linked;	/* link is in the fleet */
	uint64_t		 got;		/* frames taken */
	uint64_t		 want;		/* until this many */
	int			 got_first;
	struct lws		*wsi;		/* NULL: not up */
	int64_t			 heard_ms;	/* last frame or pong */
	int			 pinged;	/* since heard_ms */
	int			 ping_due;	/* write one when writeable */
	struct bws_frame	 out[BWS_OUT_MAX];	/* to write */
	size_t			 out_head, out_n;
	struct lws_context	*ctx;
	lws_sorted_usec_list_t	 retry;		/* connect again */
};

struct bws_client {
	enum bws_mode		 mode;
	struct fleet		*fleet;
	uint64_t		 limit;
	const size_t		*want;		/* frames per URL, or NULL */
	int			 again;		/* connect again when lost */
	size_t			 nconns;
	double			 t0;
	struct bws_result	*res;
	bws_until_cb		*until;
	void			*until_arg;
	struct bws_conn		**bylink;	/* by fleet link */
	int			 done;
};

static int	 bws_source_nodes;	/* per connection, in the child */
static int	 bws_source_next;	/* the next connection's first node */
static const char	*bws_ca;	/* the clients' CA, or NULL */
static struct bws_client *bws_running;	/* the client in its loop */
static int	 bws_pings;		/* ping as the console's links do */

/* No idle policy for libwebsockets: bws_idle() pings as link_tick(). */
static const uint32_t bws_retry_table[] = { BWS_AGAIN_MS };
static const lws_retry_bo_t bws_ping_policy = {
	.retry_ms_table = bws_retry_table,
	.retry_ms_table_count = 1,
	.conceal_count = LWS_RETRY_CONCEAL_ALWAYS,
};

static void	 bws_frame_set(struct bws_frame *f, char *text);
static void	 bws_sess_fill(struct bws_sess *s);
static void	 bws_sess_free(struct bws_sess *s);
static int	 bws_sess_write(struct lws *wsi, struct bws_sess *s);
static int	 bws_source_cb(struct lws *, enum lws_callback_reasons, void *,
		    void *, size_t);
static void	 bws_source_serve(void *arg, int fd);
static void	 bws_take(struct bws_conn *c, const char *frame, size_t len);
static void	 bws_receive(struct bws_conn *c, struct lws *wsi, void *in,
		    size_t len);
static int	 bws_client_cb(struct lws *, enum lws_callback_reasons, void *,
		    void *, size_t);
static void	 bws_conn_down(struct bws_conn *c);
static void	 bws_idle(struct bws_conn *conns, size_t n);
static int	 bws_writeable(struct bws_conn *c, struct lws *wsi);
static void	 bws_connect(struct lws_context *ctx, struct bws_conn *c);
static void	 bws_reconnect(lws_sorted_usec_list_t *sul);
static void	 bws_client_loop(struct bws_client *cl, char *const *urls,
		    size_t nurls, size_t nconns, double timeout_s,
		    struct bws_result *res);

/* A hello frame for router or station i, one of link_nodes on its link. */
char *
bws_hello(enum proto_role role, int i, int link_nodes)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*s;

	m->type = MSG_HELLO;
	util_format(m->u.hello.node, sizeof m->u.hello.node, "%s/n%d",
	    proto_role_name(role), i);
	m->u.hello.role = role;
	util_format(m->u.hello.group, sizeof m->u.hello.group, "g%d", i % 10);
	util_copy(m->u.hello.build, sizeof m->u.hello.build,
	    i == 7 ? "build-old" : "build-new");
	m->u.hello.version = PROTO_VERSION;
	m->u.hello.time_scale = 1;
	m->u.hello.link_nodes = link_nodes;
	m->u.hello.clock_ms = 1700000000000LL;
	if (role == ROLE_ROUTER) {
		m->u.hello.nflags = 1;
		util_copy(m->u.hello.flags[0].name,
		    sizeof m->u.hello.flags[0].name, "rlp");
		m->u.hello.flags[0].on = 1;
		util_copy(m->u.hello.flags[0].path,
		    sizeof m->u.hello.flags[0].path, i == 7 ? "power_peg" :
		    "retail_liquidity");
	}
	s = proto_encode(m);
	free(m);
	return (s);
}

/* The nth stats frame of router i: counters growing steadily. */
char *
bws_router_stats(int i, uint64_t n)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*s;

	m->type = MSG_STATS;
	util_format(m->u.stats.node, sizeof m->u.stats.node, "router/n%d", i);
	m->u.stats.role = ROLE_ROUTER;
	m->u.stats.clock_ms = 1700000000000LL + (int64_t)n * 250;
	m->u.stats.uptime_ms = (int64_t)n * 250;
	m->u.stats.seq = n;
	m->u.stats.router.parents_total = n * 5;
	m->u.stats.router.parent_shares_total = n * 5000;
	m->u.stats.router.child_orders_total = n * 40;
	m->u.stats.router.child_shares_total = n * 4000;
	m->u.stats.router.open_parents = 12;
	m->u.stats.router.worst_ratio = 0.8;
	m->u.stats.router.state = STATE_RUNNING;
	s = proto_encode(m);
	free(m);
	return (s);
}

/* The nth stats frame of station i. */
char *
bws_station_stats(int i, uint64_t n)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*s;

	m->type = MSG_STATS;
	util_format(m->u.stats.node, sizeof m->u.stats.node, "station/n%d",
	    i);
	m->u.stats.role = ROLE_STATION;
	m->u.stats.clock_ms = 1700000000000LL + (int64_t)n * 250;
	m->u.stats.uptime_ms = (int64_t)n * 250;
	m->u.stats.seq = n;
	m->u.stats.station.heartbeats_total = n * 50;
	m->u.stats.station.devices = 200;
	m->u.stats.station.device_countdown_ms = 150000;
	m->u.stats.station.heartbeat_interval_ms = 60000;
	m->u.stats.station.device_timeout_ms = 180000;
	m->u.stats.station.renewals_ok_total = 3;
	m->u.stats.station.messages_signed_total = n * 50;
	s = proto_encode(m);
	free(m);
	return (s);
}

/* Resident set size of this process in KiB, from /proc. */
long
bws_rss_kb(void)
{
	return (bws_pid_rss_kb(getpid()));
}

/* Resident set size of process pid in KiB, from /proc; 0 if unknown. */
long
bws_pid_rss_kb(pid_t pid)
{
	char	 path[64];
	FILE	*f;
	long	 pages = 0, rss = 0;

	util_format(path, sizeof path, "/proc/%ld/statm", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return (rss * (sysconf(_SC_PAGESIZE) / 1024));
}

/* Keep text (which is freed) in f, after LWS_PRE bytes of headroom. */
static void
bws_frame_set(struct bws_frame *f, char *text)
{
	f->len = strlen(text);
	f->buf = xmalloc(LWS_PRE + f->len);
	memcpy(f->buf + LWS_PRE, text, f->len);
	free(text);
}

/* Prepare a new connection's frames: its own nodes, routers only. */
static void
bws_sess_fill(struct bws_sess *s)
{
	int	i, base = bws_source_next;

	bws_source_next += bws_source_nodes;
	s->nhello = (size_t)bws_source_nodes;
	s->nframes = 2 * s->nhello;
	s->frames = xcalloc(s->nframes, sizeof *s->frames);
	for (i = 0; i < bws_source_nodes; i++) {
		bws_frame_set(&s->frames[i], bws_hello(ROLE_ROUTER, base + i,
		    bws_source_nodes));
		bws_frame_set(&s->frames[s->nhello + (size_t)i],
		    bws_router_stats(base + i, 1));
	}
	s->next = 0;
}

/* Free a connection's frames. */
static void
bws_sess_free(struct bws_sess *s)
{
	size_t	i;

	for (i = 0; i < s->nframes; i++)
		free(s->frames[i].buf);
	free(s->frames);
	memset(s, 0, sizeof *s);
}

/* Write frames while the socket takes them; stats go round for ever. */
static int
bws_sess_write(struct lws *wsi, struct bws_sess *s)
{
	struct bws_frame	*f;
	int			 k;

	for (k = 0; k < BWS_BURST && !lws_send_pipe_choked(wsi); k++) {
		f = &s->frames[s->next];
		if (lws_write(wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT) <
		    (int)f->len)
			return (-1);
		if (++s->next == s->nframes)
			s->next = s->nhello;
	}
	lws_callback_on_writable(wsi);
	return (0);
}

/* The source's callback. */
static int
bws_source_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct bws_sess	*s = user;

	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		bws_sess_fill(s);
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return (bws_sess_write(wsi, s));
	case LWS_CALLBACK_CLOSED:
		bws_sess_free(s);
		break;
	default:
		break;
	}
	return (0);
}

static const struct lws_protocols bws_source_protocols[] = {
	{ PROTO_SUBPROTOCOL, bws_source_cb, sizeof(struct bws_sess), 4096,
	  0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* In the source's child: listen, say on fd where, serve for ever. */
static void
bws_source_serve(void *arg, int fd)
{
	struct lws_context_creation_info	 info;
	struct lws_context			*ctx;
	int					 p = 0;

	lws_set_log_level(LLL_ERR, NULL);
	bws_source_nodes = *(int *)arg;
	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = bws_source_protocols;
	info.fd_limit_per_thread = 4096;
	if ((ctx = lws_create_context(&info)) != NULL)
		p = lws_get_vhost_listen_port(lws_get_vhost_by_name(ctx,
		    "default"));
	if (write(fd, &p, sizeof p) != (ssize_t)sizeof p || p <= 0)
		_exit(1);
	close(fd);
	for (;;)
		lws_service(ctx, 0);
}

/* Start the source in a child; see bench-ws.h. */
pid_t
bws_source_start(int nodes, int *port)
{
	return (brun_serve(bws_source_serve, &nodes, port, 1));
}

/* Do with one whole frame what the client was told to. */
static void
bws_take(struct bws_conn *c, const char *frame, size_t len)
{
	struct bws_client	*cl = c->client;
	json_t			*j;
	json_error_t		 err;
	char			 cause[PROTO_TEXT_MAX];

	if (cl->mode == BWS_JSON) {
		if ((j = json_loadb(frame, len, 0, &err)) == NULL)
			fatal("bench frame is not JSON: %s", err.text);
		json_decref(j);
	} else if (cl->mode == BWS_FLEET) {
		if (fleet_receive(cl->fleet, c->link, frame, len,
		    util_mono_ms(), cause, sizeof cause) != 0)
			fatal("bench frame refused: %s", cause);
	}
	if (cl->res->frames++ == 0)
		cl->res->first_s = brun_now_s() - cl->t0;
	cl->res->bytes += len;
	if (!c->got_first) {
		c->got_first = 1;
		if (++cl->res->nfirst == cl->nconns)
			cl->res->first_all_s = brun_now_s() - cl->t0;
	}
	if (++c->got == c->want)
		cl->res->nfull++;
	if (cl->until != NULL ? cl->until(cl->until_arg, cl->fleet) :
	    cl->limit != 0 ? cl->res->frames >= cl->limit :
	    cl->res->nfull == cl->nconns) {
		cl->res->seconds = brun_now_s() - cl->t0;
		cl->res->ok = 1;
		cl->done = 1;
	}
}

/* A fragment arrived: take it whole, or gather it. */
static void
bws_receive(struct bws_conn *c, struct lws *wsi, void *in, size_t len)
{
	int	first = lws_is_first_fragment(wsi);
	int	final = lws_is_final_fragment(wsi);

	if (first && final) {
		bws_take(c, in, len);
		return;
	}
	if (first)
		c->len = 0;
	if (c->len + len > c->cap) {
		c->cap = c->len + len + 4096;
		c->buf = xreallocarray(c->buf, 1, c->cap);
	}
	memcpy(c->buf + c->len, in, len);
	c->len += len;
	if (final)
		bws_take(c, c->buf, c->len);
}

/* The client's callback. */
static int
bws_client_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct bws_conn	*c = user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->wsi = wsi;
		c->heard_ms = util_mono_ms();
		c->pinged = c->ping_due = 0;
		if (c->client->mode != BWS_FLEET)
			break;
		/* Connected again: the same link of the model. */
		if (!c->linked) {
			c->link = fleet_add_link(c->client->fleet, c->url);
			c->linked = 1;
			if (c->link < c->client->nconns)
				c->client->bylink[c->link] = c;
			/* The bench's source is a gateway of any size. */
			c->client->fleet->links[c->link].gateway =
			    FLEET_MAX_NODES;
		}
		fleet_link_up(c->client->fleet, c->link, util_mono_ms());
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		c->heard_ms = util_mono_ms();
		c->pinged = 0;
		bws_receive(c, wsi, in, len);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		c->heard_ms = util_mono_ms();
		c->pinged = 0;
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return (bws_writeable(c, wsi));
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		fprintf(stderr, "bench: cannot connect to %s: %s\n", c->url,
		    in != NULL ? (const char *)in : "no reason given");
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		/*
		 * A connection lost before it gave what was wanted (refused,
		 * timed out while a busy server did not answer, or closed):
		 * connect again, as a console would, or say so.
		 */
		if (c != NULL)
			bws_conn_down(c);
		if (c == NULL || c->client->done || c->got >= c->want)
			break;
		if (c->client->again) {
			c->got = 0;
			lws_sul_schedule(c->ctx, 0, &c->retry, bws_reconnect,
			    BWS_AGAIN_MS * LWS_US_PER_MS);
		} else
			fprintf(stderr, "bench: %s: connection lost after %llu "
			    "frames\n", c->url, (unsigned long long)c->got);
		break;
	default:
		break;
	}
	return (0);
}

static const struct lws_protocols bws_client_protocols[] = {
	{ PROTO_SUBPROTOCOL, bws_client_cb, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* c's connection is gone: nothing more can be written on it. */
static void
bws_conn_down(struct bws_conn *c)
{
	c->wsi = NULL;
	for (; c->out_n > 0; c->out_n--) {
		free(c->out[c->out_head].buf);
		c->out_head = (c->out_head + 1) % BWS_OUT_MAX;
	}
}

/* Write c's oldest waiting frame, and ask again while more wait. */
static int
bws_writeable(struct bws_conn *c, struct lws *wsi)
{
	static unsigned char	 ping[LWS_PRE + 5];
	struct bws_frame	*f;
	int			 n;

	if (c->ping_due) {
		c->ping_due = 0;
		memcpy(ping + LWS_PRE, "vigil", 5);
		if (c->out_n > 0)
			lws_callback_on_writable(wsi);
		return (lws_write(wsi, ping + LWS_PRE, 5, LWS_WRITE_PING) < 5 ?
		    -1 : 0);
	}
	if (c->out_n == 0)
		return (0);
	f = &c->out[c->out_head];
	n = lws_write(wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
	free(f->buf);
	c->out_head = (c->out_head + 1) % BWS_OUT_MAX;
	if (--c->out_n > 0)
		lws_callback_on_writable(wsi);
	return (n < (int)f->len ? -1 : 0);
}

/*
 * Queue frame on fleet link link of the running watch, as the console's
 * link_send() does; see bench-ws.h.
 */
int
bws_watch_send(void *arg, size_t link, const char *frame, size_t len,
    char **cause)
{
	struct bws_client	*cl = bws_running;
	struct bws_conn		*c;
	struct bws_frame	*f;

	(void)arg;
	*cause = NULL;
	if (cl == NULL || cl->bylink == NULL || link >= cl->nconns ||
	    (c = cl->bylink[link]) == NULL || c->wsi == NULL)
		return (-1);
	if (c->out_n == BWS_OUT_MAX) {
		*cause = xasprintf("%d frames already wait to be sent to %s",
		    BWS_OUT_MAX, c->url);
		return (-1);
	}
	f = &c->out[(c->out_head + c->out_n++) % BWS_OUT_MAX];
	f->buf = xmalloc(LWS_PRE + len);
	memcpy(f->buf + LWS_PRE, frame, len);
	f->len = len;
	lws_callback_on_writable(c->wsi);
	return (0);
}

/* Connect again a connection that was lost (BWS_AGAIN_MS ago). */
static void
bws_reconnect(lws_sorted_usec_list_t *sul)
{
	struct bws_conn	*c = lws_container_of(sul, struct bws_conn, retry);

	bws_connect(c->ctx, c);
}

/* Start one connection to c->url. */
static void
bws_connect(struct lws_context *ctx, struct bws_conn *c)
{
	struct lws_client_connect_info	 ci;
	char				 copy[256], hostport[300];
	const char			*scheme, *host, *path;
	int				 port;

	util_copy(copy, sizeof copy, c->url);
	if (lws_parse_uri(copy, &scheme, &host, &port, &path) != 0)
		fatal("bench: cannot parse %s", c->url);
	util_format(hostport, sizeof hostport, "%s:%d", host, port);
	memset(&ci, 0, sizeof ci);
	ci.context = ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path[0] == '/' ? path : "/";
	ci.host = hostport;
	/* No Origin: backends refuse a browser's handshake. */
	ci.protocol = PROTO_SUBPROTOCOL;
	if (strcmp(scheme, "wss") == 0)
		ci.ssl_connection = LCCSCF_USE_SSL |
		    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
	ci.local_protocol_name = PROTO_SUBPROTOCOL;
	ci.userdata = c;
	if (bws_pings)
		ci.retry_and_idle_policy = &bws_ping_policy;
	if (lws_client_connect_via_info(&ci) == NULL)
		fatal("bench: cannot start a connection to %s", c->url);
}

/* Trust the CA at path (NULL: the system's) for wss:// URLs. */
void
bws_client_ca(const char *path)
{
	bws_ca = path;
}

/* Ping idle connections as the console's links do; see bench-ws.h. */
void
bws_client_pings(int on)
{
	bws_pings = on;
}

/*
 * Ping each connection silent for LINK_PING_MS, and hang up each silent
 * for LINK_HANGUP_MS, as the console's link_tick() does once a second.
 */
static void
bws_idle(struct bws_conn *conns, size_t n)
{
	int64_t	now = util_mono_ms();
	size_t	i;

	for (i = 0; i < n; i++) {
		if (conns[i].wsi == NULL)
			continue;
		if (now - conns[i].heard_ms >= LINK_HANGUP_MS)
			lws_set_timeout(conns[i].wsi, PENDING_TIMEOUT_USER_OK,
			    LWS_TO_KILL_ASYNC);
		else if (now - conns[i].heard_ms >= LINK_PING_MS &&
		    !conns[i].pinged) {
			conns[i].pinged = conns[i].ping_due = 1;
			lws_callback_on_writable(conns[i].wsi);
		}
	}
}

/* Run the client; see bench-ws.h. */
void
bws_client_run(enum bws_mode mode, char *const *urls, size_t nurls,
    size_t nconns, uint64_t limit, double timeout_s, struct fleet *fleet,
    struct bws_result *res)
{
	struct bws_client	cl;

	memset(&cl, 0, sizeof cl);
	cl.mode = mode;
	cl.fleet = fleet;
	cl.limit = limit;
	bws_client_loop(&cl, urls, nurls, nconns, timeout_s, res);
}

/* Watch a fleet until told to stop; see bench-ws.h. */
void
bws_client_watch(char *const *urls, size_t nurls, double timeout_s,
    struct fleet *fleet, bws_until_cb *until, void *arg,
    struct bws_result *res)
{
	struct bws_client	cl;

	memset(&cl, 0, sizeof cl);
	cl.mode = BWS_FLEET;
	cl.fleet = fleet;
	cl.until = until;
	cl.until_arg = arg;
	cl.again = 1;	/* as a console does, for links not yet heard */
	bws_client_loop(&cl, urls, nurls, 1, timeout_s, res);
}

/* Drain until every URL delivered its count of frames; see bench-ws.h. */
void
bws_client_hellos(char *const *urls, const size_t *counts, size_t nurls,
    double timeout_s, struct bws_result *res)
{
	struct bws_client	cl;

	memset(&cl, 0, sizeof cl);
	cl.mode = BWS_DROP;
	cl.want = counts;
	cl.again = 1;
	bws_client_loop(&cl, urls, nurls, 1, timeout_s, res);
}

/* Connect nconns times to each URL and serve until cl is done. */
static void
bws_client_loop(struct bws_client *clp, char *const *urls, size_t nurls,
    size_t nconns, double timeout_s, struct bws_result *res)
{
	struct lws_context_creation_info	 info;
	struct lws_context			*ctx;
	struct bws_client			 cl = *clp;
	struct bws_conn				*conns;
	size_t					 i, n = nurls * nconns;
	int64_t					 idle_ms = 0;

	memset(res, 0, sizeof *res);
	cl.nconns = n;
	cl.res = res;
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = bws_client_protocols;
	info.fd_limit_per_thread = (unsigned)n + 64;
	if (n > 0 && strncmp(urls[0], "wss://", 6) == 0) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath = bws_ca;
	}
	if ((ctx = lws_create_context(&info)) == NULL)
		fatal("bench: cannot make a websocket context");
	conns = xcalloc(n, sizeof *conns);
	cl.bylink = xcalloc(n == 0 ? 1 : n, sizeof *cl.bylink);
	bws_running = &cl;
	cl.t0 = brun_now_s();
	for (i = 0; i < n; i++) {
		conns[i].client = &cl;
		conns[i].ctx = ctx;
		conns[i].want = cl.want != NULL && cl.want[i % nurls] > 0 ?
		    cl.want[i % nurls] : 1;
		util_copy(conns[i].url, sizeof conns[i].url, urls[i % nurls]);
		bws_connect(ctx, &conns[i]);
	}
	while (!cl.done && brun_now_s() - cl.t0 < timeout_s) {
		lws_service(ctx, 0);
		if (bws_pings && util_mono_ms() - idle_ms >= 1000) {
			bws_idle(conns, n);
			idle_ms = util_mono_ms();
		}
	}
	if (!cl.done)
		res->seconds = brun_now_s() - cl.t0;
	res->rss_kb = bws_rss_kb();
	cl.done = 1;	/* no connecting again while closing */
	lws_context_destroy(ctx);
	bws_running = NULL;
	for (i = 0; i < n; i++) {
		bws_conn_down(&conns[i]);
		free(conns[i].buf);
	}
	free(conns);
	free(cl.bylink);
}
