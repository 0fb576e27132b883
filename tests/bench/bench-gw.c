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

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "bench-gw.h"
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
static pid_t	 bgw_start(int *);
static double	 bgw_now_s(void);
static long	 bgw_rss_kb(pid_t);
static pid_t	 bgw_spawn(const char *, const char *, const char *);
static void	 bgw_console(const char *, const char *, const char *,
		    size_t, double);
static double	 bgw_period_s(size_t);
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

/* Start the stand-in gateways in a child; their ports into ports. */
static pid_t
bgw_start(int *ports)
{
	struct lws_context_creation_info	 info;
	struct lws_vhost			*vh;
	int					 fd[2], k, p;
	pid_t					 pid;

	if (pipe(fd) == -1)
		fatal("pipe failed");
	fflush(stdout);
	if ((pid = fork()) == -1)
		fatal("fork failed");
	if (pid == 0) {
		close(fd[0]);
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
			if (write(fd[1], &p, sizeof p) != (ssize_t)sizeof p)
				_exit(1);
		}
		close(fd[1]);
		lws_sul_schedule(bgw_ctx, 0, &bgw_sul, bgw_tick,
		    BGW_TICK_MS * LWS_US_PER_MS);
		for (;;)
			lws_service(bgw_ctx, 0);
	}
	close(fd[1]);
	for (k = 0; k < BGW_GATEWAYS; k++) {
		if (read(fd[0], &ports[k], sizeof ports[k]) !=
		    (ssize_t)sizeof ports[k] || ports[k] <= 0)
			fatal("the bench's stand-in gateways did not start");
	}
	close(fd[0]);
	return (pid);
}

/* Monotonic seconds. */
static double
bgw_now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Resident set of process pid in KiB, 0 if gone. */
static long
bgw_rss_kb(pid_t pid)
{
	char	 path[64], line[256];
	long	 kb = 0;
	FILE	*f;

	util_format(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	}
	fclose(f);
	return (kb);
}

/* Start bindir/vigil --fleet file watch --for 600, its output dropped. */
static pid_t
bgw_spawn(const char *bindir, const char *file, const char *out)
{
	char	*path = xasprintf("%s/vigil", bindir);
	pid_t	 pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		fatal("fork failed");
	if (pid == 0) {
		if (freopen(out, "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execl(path, "vigil", "--fleet", file, "--wait", "120", "watch",
		    "--for", "600", (char *)NULL);
		_exit(127);
	}
	free(path);
	return (pid);
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
 * The console against the gateways in fleet file file (nodes in all,
 * stats period period_s): start-up to the full report of vigil status
 * (ref: ref_s), then a vigil watch's CPU and memory per node once it
 * has settled.  label names the case in each row.
 */
static void
bgw_console(const char *bindir, const char *file, const char *label,
    size_t nodes, double ref_s)
{
	char	 cmd[1200], what[64];
	double	 t0, dt, cpu0, cpu;
	long	 rss;
	pid_t	 pid;
	int	 rc;

	util_format(cmd, sizeof cmd, "%s/vigil --fleet %s --wait 120 status "
	    "--json > %s.status", bindir, file, file);
	t0 = bgw_now_s();
	rc = system(cmd);
	dt = bgw_now_s() - t0;
	/* 1 and 6 (a critical or a warning alert) are full reports too. */
	if (rc == -1 || !WIFEXITED(rc) || (WEXITSTATUS(rc) > 1 &&
	    WEXITSTATUS(rc) != HEADLESS_EXIT_WARNING))
		printf("  (vigil status exited %d)\n", WIFEXITED(rc) ?
		    WEXITSTATUS(rc) : -1);
	util_format(what, sizeof what, "start-up to full report, %s", label);
	printf("  (ref: a drain-only client reading every hello, plus two "
	    "stats periods of a gateway)\n");
	bench_row(what, dt, "s", ref_s, "<= 2x ref", dt <= 2 * ref_s);

	util_format(cmd, sizeof cmd, "%s.watch", file);
	pid = bgw_spawn(bindir, file, cmd);
	sleep(BGW_SETTLE_S);
	cpu0 = bench_proc_cpu(pid);
	t0 = bgw_now_s();
	sleep(BGW_MEASURE_S);
	cpu = 100 * (bench_proc_cpu(pid) - cpu0) / (bgw_now_s() - t0);
	rss = bgw_rss_kb(pid);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
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
 * --gateways 20 of 10,000 routers and 10,000 stations, the console
 * against it as above; the reference is the drain-only client reading
 * every hello.
 */
static void
bgw_vigild(const char *bindir)
{
	char			 dir[] = "/tmp/vigil-bench.XXXXXX", file[600];
	char			 cmd[1200], *cause = NULL;
	struct urls		 urls;
	struct bws_result	 res;
	double			 t0;
	pid_t			 pid;
	int			 i;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp: cannot make a directory in /tmp");
	util_format(file, sizeof file, "%s/fleet", dir);
	util_format(cmd, sizeof cmd, "%s/vigild", bindir);
	t0 = bgw_now_s();
	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		/* Plain ws, as the drain-only reference speaks no TLS. */
		execl(cmd, "vigild", "fleet", "--gateways", "20", "--routers",
		    "10000", "--stations", "10000", "--insecure",
		    "--fleet-file", file, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1200 && access(file, R_OK) != 0; i++)
		usleep(100000);
	if (access(file, R_OK) != 0) {
		printf("gateways: vigild wrote no fleet file in 120 s; "
		    "skipped\n");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return;
	}
	printf("vigild --gateways 20, 20000 nodes: start-up %.1f s\n",
	    bgw_now_s() - t0);
	memset(&urls, 0, sizeof urls);
	if (urls_read(file, &urls, &cause) != 0)
		fatal("bench: %s", cause);
	bws_client_run(BWS_DROP, urls.v, urls.n, 1, 20000, 60, NULL, &res);
	urls_free(&urls);
	bgw_console(bindir, file, "20k vigild / 20 gw", 20000, res.seconds +
	    2 * bgw_period_s(1000));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	util_format(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", dir);
}

/* The gateway figures; see bench-gw.h. */
void
bench_gateways(const char *bindir)
{
	char			 dir[] = "/tmp/vigil-bench.XXXXXX", file[600];
	char			 url[BGW_GATEWAYS][64], *urlv[BGW_GATEWAYS];
	int			 ports[BGW_GATEWAYS], k;
	struct bws_result	 res;
	pid_t			 pid;
	FILE			*f;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp: cannot make a directory in /tmp");
	printf("gateways: %d stand-in gateways of %d nodes, stats at %d "
	    "frames/s each\n", BGW_GATEWAYS, BGW_NODES,
	    SERVER_GATEWAY_STATS_PER_S);
	pid = bgw_start(ports);
	util_format(file, sizeof file, "%s/fleet", dir);
	if ((f = fopen(file, "w")) == NULL)
		fatal("cannot write %s", file);
	for (k = 0; k < BGW_GATEWAYS; k++) {
		util_format(url[k], sizeof url[k], "ws://127.0.0.1:%d/",
		    ports[k]);
		urlv[k] = url[k];
		fprintf(f, "%s gateway=%d\n", url[k], BGW_NODES);
	}
	fclose(f);
	/* Reference: a drain-only client reading every hello. */
	bws_client_run(BWS_DROP, urlv, BGW_GATEWAYS, 1,
	    (uint64_t)BGW_GATEWAYS * BGW_NODES, 60, NULL, &res);
	bgw_console(bindir, file, "100k / 20 gw", (size_t)BGW_GATEWAYS *
	    BGW_NODES, res.seconds + 2 * bgw_period_s(BGW_NODES));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	util_format(file, sizeof file, "rm -rf %s", dir);
	if (system(file) != 0)
		printf("could not remove %s\n", dir);
	bgw_vigild(bindir);
}
