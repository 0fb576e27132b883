/*
 * bench-gw.c: the console watching 100,000 nodes through 20 gateways.
 *
 * The gateways are stand-ins in one child process: each listens on its
 * own port and sends, on every connection, the hellos of its 5,000
 * nodes (half routers, half stations) at once, then their stats in
 * turn at SERVER_GATEWAY_STATS_PER_S frames a second, as vigild's
 * gateways do (server.h).  Real vigild gateways cannot stand in here:
 * simulating 100,000 nodes takes more than this machine's two cores
 * (see BENCH.md), so vigild's own gateways are measured at the 20,000
 * nodes it can simulate.  The console is the real vigil: status --json
 * for start-up, watch for its CPU and memory while it keeps up.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "bench-gw.h"
#include "bench-run.h"
#include "bench-ws.h"
#include "headless.h"
#include "server.h"
#include "urls.h"
#include "util.h"

#define BGW_GATEWAYS	20
#define BGW_NODES	5000		/* per gateway */
#define BGW_TICK_MS	20		/* credit is given this often */
#define BGW_BURST	64		/* frames per writeable callback */
#define BGW_SESSIONS	64		/* connections served at once */
#define BGW_SETTLE_S	25		/* watch, before measuring */
#define BGW_MEASURE_S	10
#define BGW_WAIT_S	120		/* longest wait for a fleet */

/* One gateway's prepared frames. */
struct bgw_gateway {
	char	**hello;	/* LWS_PRE + text, NUL-terminated */
	char	**stats;
	size_t	 *hello_len;
	size_t	 *stats_len;
};

/* One console's connection to a stand-in gateway. */
struct bgw_sess {
	struct lws		*wsi;
	struct bgw_gateway	*g;
	size_t			 hellos;	/* sent */
	size_t			 next;		/* stats turn */
	double			 credit;	/* stats frames owed */
};

static struct bgw_gateway	 bgw_gateways[BGW_GATEWAYS];
static struct bgw_sess		*bgw_sessions[BGW_SESSIONS];
static lws_sorted_usec_list_t	 bgw_sul;
static struct lws_context	*bgw_ctx;

static char	*bgw_frame(char *, size_t *);
static void	 bgw_prepare(struct bgw_gateway *, int);
static void	 bgw_tick(lws_sorted_usec_list_t *);
static int	 bgw_write(struct bgw_sess *);
static int	 bgw_cb(struct lws *, enum lws_callback_reasons, void *,
		    void *, size_t);
static void	 bgw_serve(void *, int);
static double	 bgw_period_s(size_t);
static double	 bgw_reference(const struct urls *, const char *);
static void	 bgw_startup(const char *, const char *, const char *, double);
static void	 bgw_console(const char *, const char *, const char *,
		    size_t, double);
static void	 bgw_vigild(const char *);

static const struct lws_protocols bgw_protocols[] = {
	{ PROTO_SUBPROTOCOL, bgw_cb, sizeof (struct bgw_sess), 4096, 0, NULL,
	  0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Text (freed) as a frame with LWS_PRE bytes of headroom; *len its size. */
static char *
bgw_frame(char *text, size_t *len)
{
	char	*buf;

	*len = strlen(text);
	buf = xmalloc(LWS_PRE + *len + 1);
	memcpy(buf + LWS_PRE, text, *len + 1);
	free(text);
	return (buf);
}

/* Prepare gateway k's hellos and stats: nodes k * BGW_NODES on. */
static void
bgw_prepare(struct bgw_gateway *g, int k)
{
	int	i, n;

	g->hello = xcalloc(BGW_NODES, sizeof *g->hello);
	g->stats = xcalloc(BGW_NODES, sizeof *g->stats);
	g->hello_len = xcalloc(BGW_NODES, sizeof *g->hello_len);
	g->stats_len = xcalloc(BGW_NODES, sizeof *g->stats_len);
	for (i = 0; i < BGW_NODES; i++) {
		n = k * BGW_NODES + i;
		g->hello[i] = bgw_frame(bws_hello(n % 2 ? ROLE_STATION :
		    ROLE_ROUTER, n, BGW_NODES), &g->hello_len[i]);
		g->stats[i] = bgw_frame(n % 2 ? bws_station_stats(n, 1) :
		    bws_router_stats(n, 1), &g->stats_len[i]);
	}
}

/* Every BGW_TICK_MS: each connection is owed its share of stats. */
static void
bgw_tick(lws_sorted_usec_list_t *sul)
{
	size_t	i;

	for (i = 0; i < BGW_SESSIONS; i++) {
		if (bgw_sessions[i] == NULL)
			continue;
		bgw_sessions[i]->credit += SERVER_GATEWAY_STATS_PER_S *
		    BGW_TICK_MS / 1000.0;
		lws_callback_on_writable(bgw_sessions[i]->wsi);
	}
	lws_sul_schedule(bgw_ctx, 0, sul, bgw_tick,
	    BGW_TICK_MS * LWS_US_PER_MS);
}

/* Send hellos while any remain, then the stats owed, a burst at most. */
static int
bgw_write(struct bgw_sess *s)
{
	struct bgw_gateway	*g = s->g;
	char			*buf;
	size_t			 len;
	int			 k;

	for (k = 0; k < BGW_BURST && !lws_send_pipe_choked(s->wsi); k++) {
		if (s->hellos < BGW_NODES) {
			buf = g->hello[s->hellos];
			len = g->hello_len[s->hellos++];
		} else if (s->credit >= 1) {
			buf = g->stats[s->next];
			len = g->stats_len[s->next];
			s->next = (s->next + 1) % BGW_NODES;
			s->credit -= 1;
		} else
			return (0);
		if (lws_write(s->wsi, (unsigned char *)buf + LWS_PRE, len,
		    LWS_WRITE_TEXT) < (int)len)
			return (-1);
	}
	lws_callback_on_writable(s->wsi);
	return (0);
}

/* The stand-in gateways' callback. */
static int
bgw_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct bgw_sess	*s = user;
	size_t		 i;

	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		s->wsi = wsi;
		s->g = lws_vhost_user(lws_get_vhost(wsi));
		for (i = 0; i < BGW_SESSIONS && bgw_sessions[i] != NULL; i++)
			continue;
		if (i == BGW_SESSIONS)
			return (-1);
		bgw_sessions[i] = s;
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return (bgw_write(s));
	case LWS_CALLBACK_CLOSED:
		for (i = 0; i < BGW_SESSIONS; i++) {
			if (bgw_sessions[i] == s)
				bgw_sessions[i] = NULL;
		}
		break;
	default:
		break;
	}
	return (0);
}

/* In the stand-ins' child: a vhost a gateway, ports to fd, serve. */
static void
bgw_serve(void *arg, int fd)
{
	struct lws_context_creation_info	 info;
	struct lws_vhost			*vh;
	int					 k, p;

	(void)arg;
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.port = CONTEXT_PORT_NO_LISTEN;
	if ((bgw_ctx = lws_create_context(&info)) == NULL)
		_exit(1);
	for (k = 0; k < BGW_GATEWAYS; k++) {
		bgw_prepare(&bgw_gateways[k], k);
		memset(&info, 0, sizeof info);
		info.port = 0;
		info.iface = "127.0.0.1";
		info.protocols = bgw_protocols;
		info.user = &bgw_gateways[k];
		info.vhost_name = "gateway";
		if ((vh = lws_create_vhost(bgw_ctx, &info)) == NULL)
			_exit(1);
		p = lws_get_vhost_listen_port(vh);
		if (write(fd, &p, sizeof p) != (ssize_t)sizeof p)
			_exit(1);
	}
	close(fd);
	lws_sul_schedule(bgw_ctx, 0, &bgw_sul, bgw_tick,
	    BGW_TICK_MS * LWS_US_PER_MS);
	for (;;)
		lws_service(bgw_ctx, 0);
}

/*
 * A gateway of n nodes' stats period (server.h): the least a console
 * waits for each node's stats is two of them.
 */
static double
bgw_period_s(size_t n)
{
	double	p = (double)n / SERVER_GATEWAY_STATS_PER_S;

	return (p < SERVER_STATS_MS / 1000.0 ? SERVER_STATS_MS / 1000.0 : p);
}

/*
 * The reference for the gateways of urls: a drain-only client reading
 * every gateway's hellos, plus two stats periods of its largest
 * gateway; 0 (said, labelled label) when it did not get them all.
 */
static double
bgw_reference(const struct urls *urls, const char *label)
{
	struct bws_result	 res;
	size_t			 i, most = 0;

	bws_client_hellos(urls->v, urls->gateway, urls->n, BGW_WAIT_S, &res);
	if (!res.ok) {
		printf("  (reference, %s: %zu of %zu gateways gave every "
		    "hello in %d s; no reference)\n", label, res.nfull,
		    urls->n, BGW_WAIT_S);
		return (0);
	}
	for (i = 0; i < urls->n; i++) {
		if (urls->gateway[i] > most)
			most = urls->gateway[i];
	}
	return (res.seconds + 2 * bgw_period_s(most));
}

/*
 * Start-up of a real vigil status --json against the gateways in fleet
 * file file, to its full report, against ref_s (0: none).
 */
static void
bgw_startup(const char *bindir, const char *file, const char *label,
    double ref_s)
{
	char	 cmd[1200], what[80];
	double	 t0, dt;
	int	 rc;

	util_format(cmd, sizeof cmd, "%s/vigil --fleet %s --wait %d status "
	    "--json > %s.status 2>/dev/null", bindir, file, BGW_WAIT_S, file);
	t0 = brun_now_s();
	rc = system(cmd);
	dt = brun_now_s() - t0;
	util_format(what, sizeof what, "start-up to full report, %s", label);
	/* 1 and 6 (a critical or a warning alert) are full reports too. */
	if (rc == -1 || !WIFEXITED(rc) || (WEXITSTATUS(rc) > 1 &&
	    WEXITSTATUS(rc) != HEADLESS_EXIT_WARNING)) {
		bench_none(what, "vigil status gave no full report");
		printf("  (vigil status exited %d after %.1f s)\n",
		    WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, dt);
		return;
	}
	printf("  (ref: a drain-only client reading every hello, plus two "
	    "stats periods of a gateway)\n");
	if (ref_s > 0)
		bench_row(what, dt, "s", ref_s, "<= 2x ref", dt <= 2 * ref_s);
	else
		bench_row(what, dt, "s", 0, "(no ref)", 1);
}

/*
 * The console against the gateways in fleet file file (nodes in all):
 * start-up (bgw_startup), then a vigil watch's CPU and memory per node
 * once it has settled.  label names the case in each row.
 */
static void
bgw_console(const char *bindir, const char *file, const char *label,
    size_t nodes, double ref_s)
{
	char	 out[700], path[600], wait_s[16], what[80], *argv[10];
	double	 t0, cpu0, cpu;
	long	 rss;
	pid_t	 pid;

	bgw_startup(bindir, file, label, ref_s);
	util_format(path, sizeof path, "%s/vigil", bindir);
	util_format(out, sizeof out, "%s.watch", file);
	util_format(wait_s, sizeof wait_s, "%d", BGW_WAIT_S);
	argv[0] = (char *)"vigil";
	argv[1] = (char *)"--fleet";
	argv[2] = (char *)file;
	argv[3] = (char *)"--wait";
	argv[4] = wait_s;
	argv[5] = (char *)"watch";
	argv[6] = (char *)"--for";
	argv[7] = (char *)"600";
	argv[8] = NULL;
	pid = brun_spawn(path, argv, out, NULL);
	sleep(BGW_SETTLE_S);
	cpu0 = brun_proc_cpu(pid);
	t0 = brun_now_s();
	sleep(BGW_MEASURE_S);
	cpu = 100 * (brun_proc_cpu(pid) - cpu0) / (brun_now_s() - t0);
	rss = bws_pid_rss_kb(pid);
	if (waitpid(pid, NULL, WNOHANG) != 0) {
		util_format(what, sizeof what, "console CPU and memory, %s",
		    label);
		bench_none(what, "vigil watch ended before it was measured");
		return;
	}
	brun_end(pid, 10);
	util_format(what, sizeof what, "console CPU, %s (%% core)", label);
	bench_row(what, cpu, "%", 0, "< 100 %", cpu < 100);
	util_format(what, sizeof what, "console CPU per 1k nodes, %s", label);
	bench_row(what, cpu * 1000 / (double)nodes, "%", 0, "-", 1);
	util_format(what, sizeof what, "console memory per node, %s", label);
	bench_row(what, (double)rss / (double)nodes, "KiB", 0, "<= 16 KiB",
	    (double)rss / (double)nodes <= 16);
}

/*
 * vigild's own gateways at the most it simulates: vigild fleet
 * --gateways 20 of 10,000 routers and 10,000 stations.  The console
 * starts only once every gateway is ready (a drain-only client had
 * every hello from each), so its start-up is its own; vigild's
 * start-up to ready is a line of its own.
 */
static void
bgw_vigild(const char *bindir)
{
	/* Plain ws, as the drain-only reference speaks no TLS. */
	static const char *const args[] = { "--gateways", "20", "--routers",
	    "10000", "--stations", "10000", "--insecure", NULL };
	struct brun_fleet	 fl;
	struct bws_result	 res;
	double			 cpu, ready_s;

	brun_fleet_init(&fl);
	if (brun_fleet_start(&fl, bindir, args, BGW_WAIT_S,
	    "gateways, 20k vigild nodes") != 0) {
		brun_fleet_stop(&fl);
		return;
	}
	bws_client_hellos(fl.urls.v, fl.urls.gateway, fl.urls.n, BGW_WAIT_S,
	    &res);
	ready_s = fl.file_s + res.seconds;
	cpu = brun_tree_cpu(fl.pid);
	if (!res.ok) {
		printf("  (%zu of %zu gateways gave every hello in %.0f s of "
		    "start-up)\n", res.nfull, fl.urls.n, ready_s);
		bench_none("gateways, 20k vigild nodes", "vigild's gateways "
		    "were not ready");
		brun_fleet_stop(&fl);
		return;
	}
	printf("vigild --gateways 20, 20000 nodes: start-up to ready (every "
	    "hello from every gateway) %.1f s, %.1f CPU s (fleet file at "
	    "%.1f s)\n", ready_s, cpu, fl.file_s);
	bgw_console(bindir, fl.file, "20k vigild / 20 gw", 20000,
	    bgw_reference(&fl.urls, "20k vigild"));
	brun_fleet_stop(&fl);
}

/* The gateway figures; see bench-gw.h. */
void
bench_gateways(const char *bindir)
{
	struct brun_fleet	 fl;
	char			*cause = NULL;
	int			 ports[BGW_GATEWAYS], k;
	pid_t			 pid;
	FILE			*f;

	printf("gateways: %d stand-in gateways of %d nodes, stats at %d "
	    "frames/s each\n", BGW_GATEWAYS, BGW_NODES,
	    SERVER_GATEWAY_STATS_PER_S);
	brun_fleet_init(&fl);
	pid = brun_serve(bgw_serve, NULL, ports, BGW_GATEWAYS);
	if ((f = fopen(fl.file, "w")) == NULL)
		fatal("cannot write %s", fl.file);
	for (k = 0; k < BGW_GATEWAYS; k++)
		fprintf(f, "ws://127.0.0.1:%d/ gateway=%d\n", ports[k],
		    BGW_NODES);
	fclose(f);
	if (urls_read(fl.file, &fl.urls, &cause) != 0)
		fatal("bench: %s", cause);
	bgw_console(bindir, fl.file, "100k / 20 gw", (size_t)BGW_GATEWAYS *
	    BGW_NODES, bgw_reference(&fl.urls, "100k stand-ins"));
	brun_end(pid, 0);
	brun_fleet_stop(&fl);
	bgw_vigild(bindir);
}
