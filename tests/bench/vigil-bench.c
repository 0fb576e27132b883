/*
 * vigil-bench.c: the speed and memory figures Vigil is held to, each
 * printed beside a reference measured in the same run on the same
 * machine, with the ratio and the target.  Run by `make bench` (a few
 * minutes); never part of `make check`, because timings on a shared
 * machine are not pass/fail material.  BENCH.md keeps the latest table,
 * the method and what bounds each figure.
 *
 * References: a drain-only libwebsockets client (reads each frame and
 * drops it), the same client parsing each frame with jansson, Ed25519
 * verifications per second and audit syncs (write + fdatasync) per
 * second.  Figures: ingest on one link, model memory per node, the
 * stale tick, the rows of one render, start-up of a real vigil against
 * a real vigild fleet, a real vigil's memory per node on TLS links,
 * vigild's CPU.
 */
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bench-gw.h"
#include "bench-run.h"
#include "bench-ws.h"
#include "check.h"
#include "cmd.h"
#include "desk.h"
#include "fleet.h"
#include "headless.h"
#include "proto.h"
#include "tui.h"
#include "urls.h"
#include "util.h"

#define BENCH_DRAIN_FRAMES	300000
#define BENCH_INGEST_FRAMES	150000
#define BENCH_ROUNDS		7	/* interleaved ingest rounds */
#define BENCH_ROUND_FRAMES	60000	/* frames a run in a round */
#define BENCH_REF_CONNS		1000
#define BENCH_NODES_PER_LINK	5000
#define BENCH_TICKS		5	/* of the stale and down ticks */
#define BENCH_TICK_RUNS		15	/* of the steady tick at 100k */
#define BENCH_ROWS_PASSES	21	/* steady frames of the rows */
#define BENCH_KILL_ROUTERS	1000	/* PROTO_MAX_TARGETS */
#define BENCH_KILL_S		90	/* longest wait for the kill */
#define BENCH_KILL_GATEWAYS_S	"10"	/* gateways of the kill's second
					   fleet, 100 routers each */
/*
 * One market acknowledgement: vigild's simulated market answers a
 * router's cancels at its first step 50 ms or more after they went out
 * (SIM_CANCEL_MS in backend/sim.c), a step every SERVER_STEP_MS (50), so
 * within 2 x 50 ms of the kill when the steps are on time; killed is
 * timed against the bound plus this.
 */
#define BENCH_MARKET_ACK_MS	100
#define BENCH_GUARD		1	/* bench_vigild: trust, audit logs */
#define BENCH_PLAIN		2	/* bench_vigild: --insecure */
#define BENCH_GATEWAYS		4	/* bench_vigild: the nodes through
					   BENCH_KILL_GATEWAYS gateways */
#define BENCH_WATCHED_FROM	35	/* s a console watched vigild ... */
#define BENCH_WATCHED_S		30	/* ... before its CPU is measured */

/* The references, measured first. */
struct bench_refs {
	double	drain_fps;		/* frames/s */
	double	json_fps;
	double	verify_ps;		/* Ed25519 verifications/s */
	double	sync_ps;		/* audit syncs/s */
	double	conn_kb;		/* drain client, KiB per link held */
	double	ncpu;
};

/* What the console watching vigild had received at a moment. */
struct bench_seen {
	double		t;		/* monotonic s */
	uint64_t	frames;
	size_t		nodes;
};

/* The console of bench_vigild_cpu_watched, in its child. */
struct bench_watching {
	double	start;			/* monotonic s */
	int	fd;			/* where the marks go */
	int	marks;			/* written so far */
};

/* When each router of a kill was first seen halting, then killed. */
struct bench_kill_watch {
	double	t0;			/* the approval started, us */
	double	sent;			/* its approvals sent (cold) or
					   queued (open), us; 0 unknown */
	const char *bindir, *dir, *id;	/* for starting the approval */
	int	open;			/* 1: bob's open console approves;
					   0: a cold `vigil approve` */
	const char *via;		/* "" or "N gateways, ": the fleet's
					   routers behind gateways */
	struct desk *desk;		/* open: that console's */
	int	started;		/* the approval started */
	int	fds[2];			/* its moment of sending comes here */
	pid_t	child;			/* the cold approval, or -1 */
	size_t	nrouters;
	double	*halted;		/* by node index; 0 not yet */
	double	*killed;
	size_t	nkilled;
	const struct fleet *fleet;	/* the watcher's */
	double	conn_ms;		/* cold: the drain-only client's
					   connecting to the same links, ms;
					   0 unknown */
};

static double	 bench_now_us(void);
static void	 bench_row_ratio(const char *what, double value,
		    const char *unit, double ref, double ratio,
		    const char *target, int ok);
static void	 bench_machine(struct bench_refs *refs);
static double	 bench_ingest(enum bws_mode mode, int nodes, uint64_t frames,
		    double *conn_kb);
static double	 bench_ingest_best(enum bws_mode mode, int nodes,
		    uint64_t frames);
static double	 bench_verify_rate(void);
static double	 bench_sync_rate(const char *dir);
static void	 bench_references(struct bench_refs *refs, const char *dir);
static double	 bench_median(double *v, size_t n);
static void	 bench_ingest_figures(const struct bench_refs *refs);
static void	 bench_grow(struct fleet *fleet, int nodes, int per,
		    int64_t now);
static int	 bench_fresh_child(const char *what, int n);
static int	 bench_memory_child(int nodes);
static int	 bench_fresh(const char *bindir, const char *what, int n,
		    double *a, double *b);
static void	 bench_memory(const char *bindir,
		    const struct bench_refs *refs);
static void	 bench_stale(void);
static void	 bench_tick(void);
static double	 bench_cpu_us(void);
static double	 bench_rows_pass(const struct fleet *fleet);
static void	 bench_rows(void);
static void	 bench_render_child(int out, int nodes, int per);
static double	 bench_render_ms(int nodes, int per, char view);
static void	 bench_render(void);
static long	 bench_watch_rss(const char *bindir, const char *routers,
		    const char *stations, int flags);
static double	 bench_links_kb(const char *bindir, int flags);
static void	 bench_links(const char *bindir);
static int	 bench_vigild(struct brun_fleet *fl, const char *bindir,
		    const char *routers, const char *stations, int flags,
		    const char *what);
static void	 bench_startup(const char *bindir);
static void	 bench_vigild_cpu(const char *bindir);
static void	 bench_vigild_cpu_watched(const char *bindir);
static int	 bench_watcher_until(void *arg, struct fleet *fleet);
static void	 bench_watcher(const struct brun_fleet *fl, int fd);
static int	 bench_seen_read(int fd, struct bench_seen *seen);
static pid_t	 bench_watch(const char *bindir, const char *fleet,
		    const char *seconds);
static void	 bench_kill(const char *bindir, const struct bench_refs *refs);
static void	 bench_kill_one(const char *bindir, double bound, int open,
		    int gateways);
static int	 bench_kill_until(void *arg, struct fleet *fleet);
static void	 bench_kill_node(void *arg, size_t i);
static int	 bench_kill_desk(struct bench_kill_watch *w,
		    const struct fleet *fleet);
static int	 bench_cmp_double(const void *a, const void *b);
static double	 bench_percentile(double *v, size_t n, double p);
static int	 bench_kill_keys(const char *bindir, const char *dir);
static int	 bench_kill_propose(const char *bindir, const char *dir,
		    int nrouters, char *id, size_t idlen);
static size_t	 bench_kill_watch(const char *bindir,
		    const struct brun_fleet *fl, const char *id,
		    struct bench_kill_watch *w);
static void	 bench_kill_open(struct bench_kill_watch *w,
		    struct fleet *fleet, struct cmd_operator *op);
static void	 bench_kill_report(struct bench_kill_watch *w, double bound);
static void	 bench_kill_rows(struct bench_kill_watch *w, const char *from,
		    double offset_us, double bound, double conn, int info);
static void	 bench_kill_gap(const struct bench_kill_watch *w,
		    const char *from);
static void	 bench_kill_four(const struct bench_kill_watch *w,
		    const char *from, const char *suffix, const double *t,
		    double ref, int info);
static void	 bench_kill_connect(const struct brun_fleet *fl,
		    struct bench_kill_watch *w, int gateways);
static void	 bench_kill_approve(const char *bindir, const char *dir,
		    const char *id, int fd);
static int	 bench_wants(int argc, char **argv, const char *name);
static void	 bench_check_args(int argc, char **argv);
static void	 bench_check_sections(int argc, char **argv);

static int	 bench_missed;

/* The sections, in the order they run. */
static const char *const bench_sections[] = {
	"references", "ingest", "memory", "stale", "tick", "rows", "render",
	"startup", "links", "cpu", "cpu-watched", "kill", "gateways"
};

/* Microseconds on a monotonic clock. */
static double
bench_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

/* Print one figure: its value, its reference (0: none) and the ratio. */
void
bench_row(const char *what, double value, const char *unit, double ref,
    const char *target, int ok)
{
	bench_row_ratio(what, value, unit, ref, ref > 0 ? value / ref : 0,
	    target, ok);
}

/* Print one figure whose ratio is not value / ref (a median of ratios). */
static void
bench_row_ratio(const char *what, double value, const char *unit,
    double ref, double ratio, const char *target, int ok)
{
	char	r[32] = "-", q[32] = "-";

	if (ref > 0) {
		util_format(r, sizeof r, "%.4g", ref);
		util_format(q, sizeof q, "%.2fx", ratio);
	}
	if (!ok)
		bench_missed++;
	printf("%-62s %10.4g %-8s ref %-9s %-7s target %-12s %s\n", what,
	    value, unit, r, q, target, ok ? "ok" : "MISSED");
	fflush(stdout);
}

/* Say why figure what has no value; it counts as missed. */
void
bench_none(const char *what, const char *why)
{
	bench_missed++;
	printf("%-62s %s: MISSED\n", what, why);
	fflush(stdout);
}

/* Say what machine this is. */
static void
bench_machine(struct bench_refs *refs)
{
	struct utsname	 u;
	FILE		*f;
	char		 line[256], model[256] = "unknown CPU";

	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, "model name", 10) == 0 &&
			    strchr(line, ':') != NULL) {
				util_copy(model, sizeof model,
				    strchr(line, ':') + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	refs->ncpu = (double)sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u) == 0)
		printf("machine: %s %s %s; ", u.sysname, u.release, u.machine);
	printf("%s, %.0f cores online, %ld MiB memory; load %s", model,
	    refs->ncpu, (long)(sysconf(_SC_PHYS_PAGES) / 1024 *
	    (sysconf(_SC_PAGESIZE) / 1024)), "");
	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fgets(line, sizeof line, f) != NULL)
			fputs(line, stdout);
		fclose(f);
	} else
		printf("unknown\n");
}

/*
 * Frames per second one client takes from the frame source on one link
 * serving nodes nodes; with conn_kb, instead hold BENCH_REF_CONNS links
 * until each delivered a frame and set the resident KiB per link.
 */
static double
bench_ingest(enum bws_mode mode, int nodes, uint64_t frames, double *conn_kb)
{
	struct bws_result	 res;
	struct fleet		 fleet;
	char			 url[64], *urls[1] = { url };
	int			 port;
	long			 rss0 = bws_rss_kb();
	pid_t			 pid = bws_source_start(nodes, &port);

	util_format(url, sizeof url, "ws://127.0.0.1:%d/", port);
	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bws_client_run(mode, urls, 1, conn_kb != NULL ? BENCH_REF_CONNS : 1,
	    conn_kb != NULL ? 0 : frames, 60, &fleet, &res);
	brun_end(pid, 0);
	fleet_free(&fleet);
	if (!res.ok) {
		/* A figure of a run cut short is not the rate it names. */
		printf("  (the client timed out after %.1f s with %llu "
		    "frames: no figure)\n", res.seconds,
		    (unsigned long long)res.frames);
		if (conn_kb != NULL)
			*conn_kb = 0;
		return (0);
	}
	if (conn_kb != NULL) {
		*conn_kb = (double)(res.rss_kb - rss0) / BENCH_REF_CONNS;
		return ((double)res.frames / res.seconds);
	}
	/* From the first frame: not the source's making of its frames. */
	return (res.frames > 1 && res.seconds > res.first_s ?
	    (double)(res.frames - 1) / (res.seconds - res.first_s) : 0);
}

/* The best of three bench_ingest() runs: the one least disturbed. */
static double
bench_ingest_best(enum bws_mode mode, int nodes, uint64_t frames)
{
	double	best = 0, v;
	int	k;

	for (k = 0; k < 3; k++) {
		if ((v = bench_ingest(mode, nodes, frames, NULL)) > best)
			best = v;
	}
	return (best);
}

/* Ed25519 verifications per second of a 300-byte document. */
static double
bench_verify_rate(void)
{
	EVP_PKEY	*key = NULL;
	EVP_PKEY_CTX	*pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	unsigned char	 msg[300], sig[64];
	size_t		 siglen = sizeof sig;
	double		 t0;
	int		 n;

	memset(msg, 'k', sizeof msg);
	if (pctx == NULL || md == NULL || EVP_PKEY_keygen_init(pctx) != 1 ||
	    EVP_PKEY_keygen(pctx, &key) != 1 ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, msg, sizeof msg) != 1)
		fatal("bench: OpenSSL cannot make an Ed25519 signature");
	t0 = bench_now_us();
	for (n = 0; bench_now_us() - t0 < 500000; n++) {
		EVP_MD_CTX_reset(md);
		if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) != 1 ||
		    EVP_DigestVerify(md, sig, siglen, msg, sizeof msg) != 1)
			fatal("bench: an Ed25519 signature did not verify");
	}
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(key);
	return ((double)n / ((bench_now_us() - t0) / 1e6));
}

/* Audit lines (200 bytes, write + fdatasync) per second in dir. */
static double
bench_sync_rate(const char *dir)
{
	char	 path[512], line[200];
	double	 t0;
	int	 fd, n;

	util_format(path, sizeof path, "%s/bench-audit.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1)
		fatal("bench: cannot make a file in %s", dir);
	memset(line, 'a', sizeof line);
	line[sizeof line - 1] = '\n';
	t0 = bench_now_us();
	for (n = 0; bench_now_us() - t0 < 1000000; n++) {
		if (write(fd, line, sizeof line) != (ssize_t)sizeof line ||
		    fdatasync(fd) == -1)
			fatal("bench: cannot write and sync %s", path);
	}
	close(fd);
	unlink(path);
	return ((double)n / ((bench_now_us() - t0) / 1e6));
}

/* Measure the references. */
static void
bench_references(struct bench_refs *refs, const char *dir)
{
	double	unused;

	refs->drain_fps = bench_ingest_best(BWS_DROP, 1, BENCH_DRAIN_FRAMES);
	refs->json_fps = bench_ingest_best(BWS_JSON, 1, BENCH_INGEST_FRAMES);
	if (bench_fresh(dir, "links", BENCH_REF_CONNS, &refs->conn_kb,
	    &unused) != 0 || refs->conn_kb <= 0) {
		printf("  (the drain-only client holding %d links did not "
		    "run: no memory reference)\n", BENCH_REF_CONNS);
		refs->conn_kb = 0;
	}
	refs->verify_ps = bench_verify_rate();
	refs->sync_ps = bench_sync_rate(dir);
	printf("references: drain-only client %.0f frames/s; drain + "
	    "json_loadb %.0f frames/s;\n  drain-only client holding %d links: "
	    "%.1f KiB per link; Ed25519 verify %.0f/s;\n  audit sync (200 B "
	    "write + fdatasync in %s) %.0f/s\n\n", refs->drain_fps,
	    refs->json_fps, BENCH_REF_CONNS, refs->conn_kb, refs->verify_ps,
	    dir, refs->sync_ps);
}

/* The median of n values (n > 0), which it sorts. */
static double
bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/*
 * Ingest on one link, 1 node and 2,000 nodes, against drain + jansson
 * taking the very same frames.  A loaded machine gives one run a quiet
 * second and the next a busy one, so the reference and the console run
 * in turn (reference first in even rounds, console first in odd ones),
 * BENCH_ROUNDS times, and the figure is the median of the rounds'
 * ratios, printed with their range.
 */
static void
bench_ingest_figures(const struct bench_refs *refs)
{
	static const int	 nodes[] = { 1, 2000 };
	double			 ref[BENCH_ROUNDS], fps[BENCH_ROUNDS];
	double			 ratio[BENCH_ROUNDS], lo, hi, q;
	char			 what[64];
	size_t			 k;
	int			 r;

	(void)refs;
	for (k = 0; k < nitems(nodes); k++) {
		util_format(what, sizeof what, "ingest, one link, %d node%s "
		    "(frames/s)", nodes[k], nodes[k] == 1 ? "" : "s");
		for (r = 0; r < BENCH_ROUNDS; r++) {
			if (r % 2 == 0)
				ref[r] = bench_ingest(BWS_JSON, nodes[k],
				    BENCH_ROUND_FRAMES, NULL);
			fps[r] = bench_ingest(BWS_FLEET, nodes[k],
			    BENCH_ROUND_FRAMES, NULL);
			if (r % 2 == 1)
				ref[r] = bench_ingest(BWS_JSON, nodes[k],
				    BENCH_ROUND_FRAMES, NULL);
			if (fps[r] <= 0 || ref[r] <= 0)
				break;
			ratio[r] = fps[r] / ref[r];
		}
		if (r < BENCH_ROUNDS) {
			bench_none(what, "a round's run did not finish");
			continue;
		}
		q = bench_median(ratio, BENCH_ROUNDS);
		lo = ratio[0];
		hi = ratio[BENCH_ROUNDS - 1];
		bench_row_ratio(what, bench_median(fps, BENCH_ROUNDS),
		    "frames/s", bench_median(ref, BENCH_ROUNDS), q,
		    ">= 0.9x ref", q >= 0.9);
		printf("  ratio: median of %d interleaved rounds, %.2fx; "
		    "range %.2f-%.2fx\n", BENCH_ROUNDS, q, lo, hi);
	}
}

/*
 * Grow fleet to nodes routers and stations, per to a link (1: direct;
 * more: a gateway's shape), each with its hello and two stats frames
 * taken through fleet_receive().
 */
static void
bench_grow(struct fleet *fleet, int nodes, int per, int64_t now)
{
	char	 cause[PROTO_TEXT_MAX], url[64], *frame;
	size_t	 link = 0;
	int	 i, k;

	for (i = 0; i < nodes; i++) {
		if (i % per == 0) {
			util_format(url, sizeof url, "ws://127.0.0.1:%d/",
			    1 + i / per);
			link = fleet_add_link(fleet, url);
			fleet->links[link].gateway = (size_t)per;
			fleet_link_up(fleet, link, now);
		}
		for (k = 0; k < 3; k++) {
			if (k == 0)
				frame = bws_hello(i % 2 ? ROLE_STATION :
				    ROLE_ROUTER, i, per);
			else
				frame = i % 2 ? bws_station_stats(i, k) :
				    bws_router_stats(i, k);
			if (fleet_receive(fleet, link, frame, strlen(frame),
			    now + k * 250, cause, sizeof cause) != 0)
				fatal("bench frame refused: %s", cause);
			free(frame);
		}
	}
}

/* CPU time this process has used, in microseconds. */
static double
bench_cpu_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

/*
 * The console's tick (check_tick) with 100,000 nodes on 20 links of
 * 5,000, as through gateways, every node live and nothing changing:
 * the median and the slowest of BENCH_TICK_RUNS ticks 100 ms apart,
 * which hold every node's once-a-second history sample, in CPU time (the
 * machine is shared: wall time there measures the others' load).
 */
static void
bench_tick(void)
{
	struct fleet	fleet;
	int64_t		now = 1000;
	double		t[BENCH_TICK_RUNS], t0, tmp;
	int		k, j;

	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bench_grow(&fleet, 100000, 5000, now);
	now += 600;
	check_tick(&fleet, now, util_wall_ms());
	for (k = 0; k < BENCH_TICK_RUNS; k++) {
		now += 100;
		t0 = bench_cpu_us();
		check_tick(&fleet, now, util_wall_ms());
		t[k] = bench_cpu_us() - t0;
		for (j = k; j > 0 && t[j - 1] > t[j]; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	}
	printf("  (ticks: fastest %.2f ms, slowest %.2f ms)\n", t[0] / 1000,
	    t[BENCH_TICK_RUNS - 1] / 1000);
	bench_row("checks' tick, 100k / 20 links (median CPU)",
	    t[BENCH_TICK_RUNS / 2] / 1000, "ms", 0, "<= 10 ms",
	    t[BENCH_TICK_RUNS / 2] <= 10000);
	bench_row("checks' tick, 100k / 20 links (slowest CPU)",
	    t[BENCH_TICK_RUNS - 1] / 1000, "ms", 0, "<= 10 ms",
	    t[BENCH_TICK_RUNS - 1] <= 10000);
	fleet_free(&fleet);
}

/*
 * In a fresh process (vigil-bench BINDIR --fresh WHAT N): the figure
 * bench_fresh() asked for, printed as two numbers.
 */
static int
bench_fresh_child(const char *what, int n)
{
	double	conn_kb;

	if (strcmp(what, "memory") == 0)
		return (bench_memory_child(n));
	bench_ingest(BWS_DROP, 1, 0, &conn_kb);
	printf("%.3f 0\n", conn_kb);
	return (0);
}

/*
 * Grow a model of nodes nodes, 5,000 to a link, and print the growth of
 * the resident set and of the allocator's bytes in use (heap and mmap),
 * in KiB.
 */
static int
bench_memory_child(int nodes)
{
	struct fleet		fleet;
	struct mallinfo2	m0, m1;
	long			rss0;

	rss0 = bws_rss_kb();
	m0 = mallinfo2();
	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bench_grow(&fleet, nodes, nodes < BENCH_NODES_PER_LINK ? nodes :
	    BENCH_NODES_PER_LINK, 1000);
	m1 = mallinfo2();
	printf("%ld %.1f\n", bws_rss_kb() - rss0, ((double)(m1.uordblks +
	    m1.hblkhd) - (double)(m0.uordblks + m0.hblkhd)) / 1024);
	fleet_free(&fleet);
	return (0);
}

/*
 * Measure what (memory: bench_memory_child() for n nodes; links: the
 * drain-only client's KiB per link held) in a fresh vigil-bench, as a
 * heap that earlier sections freed would take the memory measured
 * without the resident set growing.  Returns 0 or -1.
 */
static int
bench_fresh(const char *bindir, const char *what, int n, double *a,
    double *b)
{
	char	 num[16], out[128], *argv[6];
	size_t	 len = 0;
	ssize_t	 r;
	pid_t	 pid;
	int	 fd[2];

	util_format(num, sizeof num, "%d", n);
	argv[0] = (char *)"vigil-bench";
	argv[1] = (char *)bindir;
	argv[2] = (char *)"--fresh";
	argv[3] = (char *)what;
	argv[4] = num;
	argv[5] = NULL;
	if (pipe(fd) == -1)
		fatal("pipe failed");
	if ((pid = brun_fork()) == 0) {
		if (dup2(fd[1], STDOUT_FILENO) == -1)
			_exit(127);
		close(fd[0]);
		close(fd[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fd[1]);
	while (len < sizeof out - 1 && (r = read(fd[0], out + len,
	    sizeof out - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(fd[0]);
	brun_reap(pid, 60);
	return (sscanf(out, "%lf %lf", a, b) == 2 ? 0 : -1);
}

/*
 * Model memory per node at 1k, 5k and 100k nodes, each in a fresh
 * process: its resident set's growth (what an operator's machine pays),
 * and the allocator's bytes in use beside it.
 */
static void
bench_memory(const char *bindir, const struct bench_refs *refs)
{
	static const int	 sizes[] = { 1000, 5000, 100000 };
	char			 what[64];
	double			 kb = 0, rss, heap;
	size_t			 i;

	printf("struct node is %zu bytes; struct proto_msg %zu bytes\n",
	    sizeof(struct node), sizeof(struct proto_msg));
	for (i = 0; i < nitems(sizes); i++) {
		util_format(what, sizeof what, "memory per node, %d nodes "
		    "(KiB)", sizes[i]);
		if (kb * sizes[i] > 0.25 * (double)sysconf(_SC_AVPHYS_PAGES) *
		    (double)(sysconf(_SC_PAGESIZE) / 1024)) {
			printf("  (%.0f MiB would be over a quarter of free "
			    "memory)\n", kb * sizes[i] / 1024);
			bench_none(what, "not measured");
			continue;
		}
		if (bench_fresh(bindir, "memory", sizes[i], &rss,
		    &heap) != 0 || rss <= 0) {
			bench_none(what, "the fresh process measuring it "
			    "failed");
			continue;
		}
		kb = rss / sizes[i];
		bench_row(what, kb, "KiB", refs->conn_kb, "<= 16 KiB",
		    kb <= 16);
		printf("  (allocator's bytes in use, untouched capacity "
		    "included, beside the nodes' array the model maps "
		    "itself: %.1f KiB per node)\n", heap / sizes[i]);
	}
}

/*
 * The tick when every node of 10,000, each on a link of its own, went
 * stale, then down, after one tick while they were live (a console's
 * timer runs from its start: its first look at the fleet is no part of
 * an outage).
 */
static void
bench_stale(void)
{
	struct fleet	fleet;
	int64_t		now = 1000;
	double		t0, worst = 0, dt;
	size_t		i;
	int		k;

	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bench_grow(&fleet, 10000, 1, now);
	/* The console's timer ran while the fleet spoke: not timed. */
	check_tick(&fleet, now + 500, util_wall_ms());
	now += 500 + FLEET_STALE_MS;
	for (k = 0; k < BENCH_TICKS; k++, now += 100) {
		t0 = bench_now_us();
		check_tick(&fleet, now, util_wall_ms());
		dt = bench_now_us() - t0;
		if (getenv("BENCH_VERBOSE") != NULL)
			printf("  tick %d: %.2f ms\n", k, dt / 1000);
		if (dt > worst)
			worst = dt;
	}
	bench_row("stale tick, 10000 nodes stale (worst)", worst / 1000,
	    "ms", 0, "<= 10 ms", worst <= 10000);
	t0 = bench_now_us();
	for (i = 0; i < fleet.nlinks; i++)
		fleet_link_down(&fleet, i, "bench: link cut", now);
	dt = bench_now_us() - t0;
	bench_row("every link cut, 10000 direct nodes", dt / 1000, "ms", 0,
	    "<= 10 ms", dt <= 10000);
	worst = 0;
	for (k = 0; k < BENCH_TICKS; k++, now += 100) {
		t0 = bench_now_us();
		check_tick(&fleet, now, util_wall_ms());
		dt = bench_now_us() - t0;
		if (getenv("BENCH_VERBOSE") != NULL)
			printf("  tick %d: %.2f ms\n", k, dt / 1000);
		if (dt > worst)
			worst = dt;
	}
	bench_row("down tick, 10000 nodes down (worst)", worst / 1000,
	    "ms", 0, "<= 10 ms", worst <= 10000);
	fleet_free(&fleet);
}

/* The time, in us, of one frame's rows: every node's report view. */
static double
bench_rows_pass(const struct fleet *fleet)
{
	struct proto_report_node rep;
	double			 t0 = bench_now_us();
	size_t			 i;

	for (i = 0; i < fleet->nnodes; i++)
		fleet_report_node(fleet, &fleet->nodes[i], 1500, &rep);
	return (bench_now_us() - t0);
}

/*
 * What one Routers or Stations frame asks of the model, 10,000 nodes:
 * the first frame after they arrive apart from the steady one.  The
 * first reads each node's memory for the first time since the model
 * made it; a part the model never wrote costs a page fault there, which
 * a console pays once, in one tick, so it has a row of its own (against
 * the tick's 10 ms) and cannot hide in, or swell, the steady median.
 */
static void
bench_rows(void)
{
	struct fleet		 fleet;
	double			 first, v[BENCH_ROWS_PASSES];
	size_t			 k;

	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bench_grow(&fleet, 10000, BENCH_NODES_PER_LINK, 1000);
	first = bench_rows_pass(&fleet);
	for (k = 0; k < nitems(v); k++) {
		v[k] = bench_rows_pass(&fleet);
		if (getenv("BENCH_VERBOSE") != NULL)
			printf("  pass %zu: %.3f ms\n", k + 1, v[k] / 1000);
	}
	bench_row("model rows, first frame after 10,000 nodes arrive",
	    first / 1000, "ms", 0, "<= 10 ms", first <= 10000);
	first = bench_percentile(v, nitems(v), 50);
	bench_row("model rows of one frame, 10000 nodes", first / 1000,
	    "ms", 0, "<= 1 ms", first <= 1000);
	fleet_free(&fleet);
}

/*
 * In a terminal of its own (the child side of a pty, 200x50): the
 * curses console on a view of a fleet of nodes nodes, per a link, the
 * median of 21 redraws of a changed model, written to out as a double
 * after a byte asking for the view's key.
 */
static void
bench_render_child(int out, int nodes, int per)
{
	struct tui_options	 o;
	struct fleet		 fleet;
	struct tui		*tui;
	struct tui_action	 act;
	struct pollfd		 pfd;
	char			*cause = NULL;
	double			 v[21], t0, med;
	int64_t			 now = 1000;
	int			 k;

	setenv("TERM", "xterm-256color", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent/vigil-bench", 1);
	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bench_grow(&fleet, nodes, per, now);
	memset(&o, 0, sizeof o);
	o.title = "bench";
	if ((tui = tui_open(&o, &cause)) == NULL)
		_exit(2);
	if (write(out, "R", 1) != 1)
		_exit(2);
	pfd.fd = tui_fd(tui);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1)
		_exit(3);
	while (tui_input(tui, &fleet, &act) == 1)
		;
	for (k = 0; k < 21; k++) {
		now += 200;
		fleet.dirty = 1;
		t0 = bench_now_us();
		tui_draw(tui, &fleet, now, util_wall_ms());
		v[k] = bench_now_us() - t0;
	}
	tui_close(tui);
	med = bench_percentile(v, 21, 50) / 1000;
	if (write(out, &med, sizeof med) != (ssize_t)sizeof med)
		_exit(2);
	fleet_free(&fleet);
}

/*
 * Median ms per frame of the view whose key is view, with nodes nodes,
 * per a link, or -1; see above.
 */
static double
bench_render_ms(int nodes, int per, char view)
{
	struct winsize	 ws = { .ws_row = 50, .ws_col = 200 };
	struct pollfd	 pfd[2];
	char		 buf[65536];
	double		 med = -1, t0 = bench_now_us();
	size_t		 got = 0;
	int		 res[2], master;
	pid_t		 pid;

	if (pipe(res) == -1)
		fatal("pipe failed");
	fflush(stdout);
	if ((pid = forkpty(&master, NULL, NULL, &ws)) == -1)
		fatal("forkpty failed");
	if (pid == 0) {
		close(res[0]);
		bench_render_child(res[1], nodes, per);
		_exit(0);
	}
	close(res[1]);
	pfd[0].fd = master;
	pfd[1].fd = res[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (got < sizeof med && bench_now_us() - t0 < 60e6) {
		if (poll(pfd, 2, 1000) <= 0)
			continue;
		if ((pfd[0].revents & (POLLIN | POLLHUP)) &&
		    read(master, buf, sizeof buf) <= 0)
			break;
		if (pfd[1].revents & POLLIN) {
			if (got == 0 && read(res[0], buf, 1) == 1 &&
			    buf[0] == 'R') {
				if (write(master, &view, 1) != 1)
					break;
				got = 1;
				continue;
			}
			if (read(res[0], &med, sizeof med) == sizeof med)
				got = sizeof med;
			else
				break;
		}
	}
	close(res[0]);
	close(master);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return (got == sizeof med ? med : -1);
}

/*
 * Render time per frame: 10,000 nodes against 100, on the Routers view
 * (nodes through gateways), and on the Fleet view with a link a node.
 */
static void
bench_render(void)
{
	double	small, big;

	small = bench_render_ms(100, 100, '2');
	big = bench_render_ms(10000, BENCH_NODES_PER_LINK, '2');
	if (small < 0 || big < 0) {
		bench_none("render, Routers view 200x50, 10000 nodes",
		    "the curses console did not run in a pty");
		return;
	}
	bench_row("render, Routers view 200x50, 10000 nodes (ms)", big, "ms",
	    small, "<= ref + 1 ms", big <= small + 1);
	small = bench_render_ms(100, 1, '1');
	big = bench_render_ms(10000, 1, '1');
	if (small < 0 || big < 0) {
		bench_none("render, Fleet view 200x50, 10000 nodes",
		    "it did not run in a pty, or took over a minute");
		return;
	}
	bench_row("render, Fleet view 200x50, 10000 direct nodes (ms)", big,
	    "ms", small, "<= ref + 1 ms", big <= small + 1);
}

/*
 * Start a calm vigild fleet of routers and stations in fl (made by
 * brun_fleet_init).  With BENCH_GUARD in flags, vigild trusts
 * fl->dir/trust and keeps its audit logs in fl->dir/audit; with
 * BENCH_PLAIN it serves plain websockets, else TLS.  Returns 0, or -1
 * (said, labelled what).
 */
static int
bench_vigild(struct brun_fleet *fl, const char *bindir, const char *routers,
    const char *stations, int flags, const char *what)
{
	char		 trust[64], audit[64];
	const char	*args[20];
	int		 n = 0;

	util_format(trust, sizeof trust, "%s/trust", fl->dir);
	util_format(audit, sizeof audit, "%s/audit", fl->dir);
	args[n++] = "--scenario";
	args[n++] = "calm";
	args[n++] = "--routers";
	args[n++] = routers;
	args[n++] = "--stations";
	args[n++] = stations;
	args[n++] = "--base-port";
	args[n++] = "0";
	if (flags & BENCH_PLAIN)
		args[n++] = "--insecure";
	if (flags & BENCH_GATEWAYS) {
		args[n++] = "--gateways";
		args[n++] = BENCH_KILL_GATEWAYS_S;
	}
	if (flags & BENCH_GUARD) {
		args[n++] = "--trust";
		args[n++] = trust;
		args[n++] = "--audit-dir";
		args[n++] = audit;
	}
	args[n] = NULL;
	return (brun_fleet_start(fl, bindir, args, 60, what));
}

/*
 * Start-up with 1,000 nodes: a real `vigil status --json` against a real
 * vigild fleet, to its full report; the reference is the drain-only
 * client connecting to every URL of the fleet file until each delivered
 * its first frame.
 */
static void
bench_startup(const char *bindir)
{
	static const char	*what = "start-up to first full report, 1000 "
				    "TLS links";
	struct brun_fleet	 fl;
	struct bws_result	 res;
	char			 cmd[2048];
	double			 t0, dt;
	int			 rc;

	brun_fleet_init(&fl);
	if (bench_vigild(&fl, bindir, "250", "750", 0, what) != 0) {
		brun_fleet_stop(&fl);
		return;
	}
	bws_client_ca(fl.urls.ca);
	bws_client_run(BWS_DROP, fl.urls.v, fl.urls.n, 1, 0, 60, NULL, &res);
	util_format(cmd, sizeof cmd, "%s/vigil --fleet %s --wait 60 status "
	    "--json > %s/status.json", bindir, fl.file, fl.dir);
	t0 = bench_now_us();
	rc = system(cmd);
	dt = (bench_now_us() - t0) / 1e6;
	if (rc == -1 || !WIFEXITED(rc) || (WEXITSTATUS(rc) > 1 &&
	    WEXITSTATUS(rc) != HEADLESS_EXIT_WARNING)) {
		bench_none(what, "vigil status gave no full report");
		printf("  (vigil status exited %d after %.1f s)\n",
		    WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, dt);
	} else if (!res.ok) {
		printf("  (reference: %zu of %zu links gave a frame in 60 s; "
		    "no reference)\n", res.nfirst, fl.urls.n);
		bench_row(what, dt, "s", 0, "(no ref)", 1);
	} else
		bench_row(what, dt, "s", res.first_all_s, "<= 2x ref",
		    dt <= 2 * res.first_all_s);
	brun_fleet_stop(&fl);
}

/* Start `vigil --fleet FILE watch --for SECONDS`, its output dropped. */
static pid_t
bench_watch(const char *bindir, const char *fleet, const char *seconds)
{
	char	vigil[512], *argv[7];

	util_format(vigil, sizeof vigil, "%s/vigil", bindir);
	argv[0] = (char *)"vigil";
	argv[1] = (char *)"--fleet";
	argv[2] = (char *)fleet;
	argv[3] = (char *)"watch";
	argv[4] = (char *)"--for";
	argv[5] = (char *)seconds;
	argv[6] = NULL;
	return (brun_spawn(vigil, argv, NULL, NULL));
}

/*
 * The resident set (KiB) of a real `vigil watch` 12 s into watching a
 * calm vigild fleet of routers and stations, one link a node (over TLS
 * unless flags has BENCH_PLAIN); 0 when it could not run.
 */
static long
bench_watch_rss(const char *bindir, const char *routers,
    const char *stations, int flags)
{
	struct brun_fleet	 fl;
	pid_t			 pid;
	long			 rss = 0;

	brun_fleet_init(&fl);
	if (bench_vigild(&fl, bindir, routers, stations, flags,
	    "console memory") == 0) {
		pid = bench_watch(bindir, fl.file, "15");
		usleep(12000000);
		/* A watch that ended early measured nothing. */
		if (waitpid(pid, NULL, WNOHANG) == 0) {
			rss = bws_pid_rss_kb(pid);
			brun_end(pid, 10);
		}
	}
	brun_fleet_stop(&fl);
	return (rss);
}

/* KiB a node costs the console: vigil with 1,000 nodes less with 10. */
static double
bench_links_kb(const char *bindir, int flags)
{
	long	big, small;

	big = bench_watch_rss(bindir, "250", "750", flags);
	small = bench_watch_rss(bindir, "5", "5", flags);
	if (big <= 0 || small <= 0)
		return (-1);
	return ((double)(big - small) / 990.0);
}

/*
 * The console's memory per node with each node on a TLS link of its
 * own, against the same over plain websockets.
 */
static void
bench_links(const char *bindir)
{
	double	tls, plain;

	tls = bench_links_kb(bindir, 0);
	plain = bench_links_kb(bindir, BENCH_PLAIN);
	if (tls <= 0 || plain <= 0) {
		bench_none("console memory per node, 1000 TLS links",
		    "vigild or vigil did not run, or gave no growth");
		return;
	}
	bench_row("console memory per node, 1000 TLS links", tls, "KiB",
	    plain, "<= 64 KiB", tls <= 64);
}

/*
 * vigild's CPU serving 5,000 routers and 5,000 stations: its start-up,
 * then 10 s of serving with nobody connected.
 */
static void
bench_vigild_cpu(const char *bindir)
{
	struct brun_fleet	fl;
	double			t0, cpu0, cpu;

	brun_fleet_init(&fl);
	if (bench_vigild(&fl, bindir, "5000", "5000", 0,
	    "vigild CPU, 10000 nodes") != 0) {
		brun_fleet_stop(&fl);
		return;
	}
	cpu0 = brun_proc_cpu(fl.pid);
	/* The tests wait 20 s for a fleet file (FLEET_START_MS). */
	bench_row("vigild start-up, 10k nodes over TLS (s)", fl.file_s, "s",
	    0, "< 20 s", fl.file_s < 20);
	bench_row("vigild start-up, 10k nodes over TLS (CPU s)", cpu0, "s",
	    0, "-", 1);
	t0 = bench_now_us();
	sleep(10);
	cpu = brun_proc_cpu(fl.pid) - cpu0;
	cpu = 100 * cpu / ((bench_now_us() - t0) / 1e6);
	if (waitpid(fl.pid, NULL, WNOHANG) != 0) {
		fl.pid = -1;
		bench_none("vigild CPU, 10000 nodes (% of a core)",
		    "vigild ended while it was measured");
	} else
		bench_row("vigild CPU, 10000 nodes (% of a core)", cpu, "%",
		    0, "<= 10 %", cpu <= 10);
	brun_fleet_stop(&fl);
}

/*
 * The watching console's moments: BENCH_WATCHED_FROM s after it
 * started, and BENCH_WATCHED_S after that, what it had received goes
 * to the bench; then it stops.
 */
static int
bench_watcher_until(void *arg, struct fleet *fleet)
{
	struct bench_watching	*bw = arg;
	struct bench_seen	 seen;
	size_t			 i;

	seen.t = brun_now_s();
	if (seen.t < bw->start + BENCH_WATCHED_FROM + (bw->marks == 0 ? 0 :
	    BENCH_WATCHED_S))
		return (0);
	seen.frames = 0;
	for (i = 0; i < fleet->nlinks; i++)
		seen.frames += fleet->links[i].frames;
	seen.nodes = fleet->nnodes;
	if (write(bw->fd, &seen, sizeof seen) != (ssize_t)sizeof seen)
		_exit(1);
	return (++bw->marks == 2);
}

/*
 * In a child: the console's model (its ingest, fleet_receive) on every
 * link of fl, pinging as the console's links do, its two moments
 * written to fd.
 */
static void
bench_watcher(const struct brun_fleet *fl, int fd)
{
	struct bench_watching	bw;
	struct bws_result	res;
	struct fleet		fleet;

	bw.start = brun_now_s();
	bw.fd = fd;
	bw.marks = 0;
	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	bws_client_pings(1);
	bws_client_watch(fl->urls.v, fl->urls.n, BENCH_WATCHED_FROM +
	    BENCH_WATCHED_S + 15, &fleet, bench_watcher_until, &bw, &res);
	_exit(bw.marks == 2 ? 0 : 1);
}

/* Read one moment of the watching console from fd; -1 if none came. */
static int
bench_seen_read(int fd, struct bench_seen *seen)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (BENCH_WATCHED_FROM + BENCH_WATCHED_S + 20) *
	    1000) != 1 || read(fd, seen, sizeof *seen) != sizeof *seen)
		return (-1);
	return (0);
}

/*
 * vigild's CPU serving 3,000 routers and 3,000 stations over plain
 * websockets to one console on every link (at 10,000 nodes vigild and
 * one console need more than 20,000 descriptors): BENCH_WATCHED_S of
 * serving from BENCH_WATCHED_FROM after the console started, so that
 * each link has been pinged once.  Beside it, the work vigild did in
 * those seconds, as the console counted it: frames received, and the
 * nodes they were about, so that a busier simulation is told from a
 * slower vigild.  The console is the console's model in a child of the
 * bench (bench_watcher), as `vigil watch` cannot say what it received.
 */
static void
bench_vigild_cpu_watched(const char *bindir)
{
	static const char	*what = "vigild CPU, 6000 nodes, a console on "
				    "every link (% of a core)";
	struct brun_fleet	 fl;
	struct bench_seen	 a, b;
	double			 cpu0, cpu = 0, dt;
	int			 fds[2], ok;
	pid_t			 pid;

	brun_fleet_init(&fl);
	if (bench_vigild(&fl, bindir, "3000", "3000", BENCH_PLAIN,
	    what) != 0) {
		brun_fleet_stop(&fl);
		return;
	}
	if (pipe(fds) == -1)
		fatal("pipe failed");
	if ((pid = brun_fork()) == 0) {
		close(fds[0]);
		bench_watcher(&fl, fds[1]);
	}
	close(fds[1]);
	if ((ok = bench_seen_read(fds[0], &a) == 0)) {
		cpu0 = brun_proc_cpu(fl.pid);
		ok = bench_seen_read(fds[0], &b) == 0;
		cpu = brun_proc_cpu(fl.pid) - cpu0;
	}
	close(fds[0]);
	if (waitpid(fl.pid, NULL, WNOHANG) != 0)
		fl.pid = -1;
	if (!ok || fl.pid == -1)
		bench_none(what, "vigild or the console ended while it was "
		    "measured (ulimit -n must be above 12,000)");
	else {
		dt = b.t - a.t;
		bench_row(what, 100 * cpu / dt, "%", 0, "<= 10 %",
		    100 * cpu / dt <= 10);
		bench_row("vigild's frames to the console, 6000 nodes",
		    (double)(b.frames - a.frames) / dt, "frames/s", 0,
		    "(none)", 1);
		printf("  (in the %.1f s measured: %llu frames about %zu "
		    "nodes, %.2f a node a second)\n", dt,
		    (unsigned long long)(b.frames - a.frames), b.nodes,
		    (double)(b.frames - a.frames) / dt / (double)b.nodes);
	}
	brun_reap(pid, 10);
	brun_fleet_stop(&fl);
}

/*
 * Start the approval once the watcher holds the proposal from every
 * router, so that its own start-up (a proposal of 1,000 targets from
 * each of 1,000 links) is behind it: bob's open console approving on
 * the watcher's links, or a cold `vigil approve` in a child.  Then note
 * routers newly halting or killed, and stop once all are killed (or
 * the open console could not approve).
 */
static int
bench_kill_until(void *arg, struct fleet *fleet)
{
	struct bench_kill_watch	*w = arg;
	size_t			 i, held = 0;

	if (!w->started) {
		for (i = 0; i < fleet->nnodes; i++)
			held += fleet->nodes[i].nheld > 0;
		if (held < w->nrouters)
			return (0);
		w->started = 1;
		if (w->desk != NULL)
			return (bench_kill_desk(w, fleet));
		w->t0 = bench_now_us();
		if ((w->child = brun_fork()) == 0) {
			close(w->fds[0]);
			bench_kill_approve(w->bindir, w->dir, w->id,
			    w->fds[1]);
		}
		close(w->fds[1]);
		return (0);
	}
	return (w->nkilled == w->nrouters);
}

/*
 * A frame about node i came: note it if it is a router newly halting or
 * killed.  Only that node is looked at: a walk of all 1,000 nodes at
 * every frame was some 20-30 us, over the 5,000 or so frames of a kill
 * behind gateways 100-160 ms of the watcher's time, by which it read
 * the last routers' frames late, and the figures counted it as the
 * kill's own.
 */
static void
bench_kill_node(void *arg, size_t i)
{
	struct bench_kill_watch	*w = arg;
	const struct node	*n;
	double			 now;

	if (!w->started || i >= 2 * w->nrouters || i >= w->fleet->nnodes)
		return;
	n = &w->fleet->nodes[i];
	if (n->nstats == 0 || n->stats.role != ROLE_ROUTER)
		return;
	now = bench_now_us() - w->t0;
	if (w->halted[i] == 0 && (n->stats.router.state ==
	    STATE_HALTING || n->stats.router.state == STATE_KILLED))
		w->halted[i] = now;
	if (w->killed[i] == 0 && n->stats.router.state == STATE_KILLED) {
		w->killed[i] = now;
		w->nkilled++;
	}
}

/*
 * bob's open console approves what its Proposals view holds: the
 * document as the model keeps it, through desk_approve() (the checks,
 * SHA-256, one signature, the frame queued on each target's link), as
 * when the operator typed the action's name.  Timed from just before
 * it.  Returns 1 (stop watching) if it refused, with its sentence.
 */
static int
bench_kill_desk(struct bench_kill_watch *w, const struct fleet *fleet)
{
	const struct fleet_proposal	*p;
	char				*doc, *text = NULL;
	int				 rc;

	if ((p = fleet_proposal_find(fleet, w->id, NULL)) == NULL) {
		printf("kill: the open console holds no proposal %s\n", w->id);
		return (1);
	}
	doc = xstrdup(p->document);	/* what the operator reviewed */
	w->t0 = bench_now_us();
	rc = desk_approve(w->desk, p->id, doc, &text);
	w->sent = bench_now_us();
	if (rc != 0)
		printf("kill: the open console did not approve: %s\n", text);
	free(text);
	free(doc);
	return (rc != 0);
}

/* Orders doubles, smallest first. */
static int
bench_cmp_double(const void *pa, const void *pb)
{
	double	a = *(const double *)pa, b = *(const double *)pb;

	return (a < b ? -1 : a > b);
}

/* The p-th percentile (0..100) of n times, which are sorted here. */
static double
bench_percentile(double *v, size_t n, double p)
{
	size_t	k;

	qsort(v, n, sizeof *v, bench_cmp_double);
	k = (size_t)(p / 100 * (double)(n - 1) + 0.5);
	return (v[k < n ? k : n - 1]);
}

/* Make alice's and bob's keys and the trust file naming both in dir. */
static int
bench_kill_keys(const char *bindir, const char *dir)
{
	char	*cmd;
	int	 rc;

	cmd = xasprintf("mkdir %s/audit && %s/vigil-key gen --name alice "
	    "--out %s/alice.key >/dev/null && %s/vigil-key gen --name bob "
	    "--out %s/bob.key >/dev/null && { %s/vigil-key pub %s/alice.key && "
	    "%s/vigil-key pub %s/bob.key; } > %s/trust", dir, bindir, dir,
	    bindir, dir, bindir, dir, bindir, dir, dir);
	rc = system(cmd);
	free(cmd);
	return (rc == 0 ? 0 : -1);
}

/* alice proposes the kill of routers r1 to rn; its id in id. */
static int
bench_kill_propose(const char *bindir, const char *dir, int nrouters,
    char *id, size_t idlen)
{
	char	*cmd, line[256];
	FILE	*f;
	size_t	 len;
	int	 i, rc;

	len = 256 + (size_t)nrouters * 16 + 4 * strlen(dir) + strlen(bindir);
	cmd = xmalloc(len);
	util_format(cmd, len, "VIGIL_KEY=%s/alice.key %s/vigil --fleet "
	    "%s/fleet --wait 30 propose --yes kill", dir, bindir, dir);
	for (i = 1; i <= nrouters; i++)
		util_format(cmd + strlen(cmd), len - strlen(cmd),
		    " router/r%d", i);
	util_format(cmd + strlen(cmd), len - strlen(cmd), " --reason bench "
	    "> %s/propose.out 2>&1", dir);
	rc = system(cmd);
	free(cmd);
	cmd = xasprintf("%s/propose.out", dir);
	f = fopen(cmd, "r");
	free(cmd);
	id[0] = '\0';
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "proposal ", 9) == 0 && strlen(line) > 41) {
			util_copy(id, idlen < 33 ? idlen : 33, line + 9);
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	return (rc == 0 && id[0] != '\0' ? 0 : -1);
}

/*
 * In a child: bob's `vigil approve` of id, its output in
 * dir/approve.out; the moment its first output came (the review, printed
 * and flushed once a first target holds the proposal, just before the
 * approval is signed and sent to the targets heard so far: with --yes,
 * each other target is sent it as it is heard) is written to fd.  Exits
 * with its status.
 */
static void
bench_kill_approve(const char *bindir, const char *dir, const char *id,
    int fd)
{
	FILE	*in, *out;
	char	*cmd;
	double	 t;
	int	 c, first = 1;

	cmd = xasprintf("VIGIL_KEY=%s/bob.key %s/vigil --fleet %s/fleet "
	    "--wait 30 approve %s --yes 2>%s/approve.err", dir, bindir, dir,
	    id, dir);
	in = popen(cmd, "r");
	free(cmd);
	cmd = xasprintf("%s/approve.out", dir);
	out = fopen(cmd, "w");
	free(cmd);
	if (in == NULL || out == NULL)
		_exit(1);
	while ((c = getc(in)) != EOF) {
		if (first) {
			t = bench_now_us();
			if (write(fd, &t, sizeof t) != sizeof t)
				_exit(1);
			first = 0;
		}
		putc(c, out);
	}
	fclose(out);
	_exit(pclose(in) == 0 ? 0 : 1);
}

/*
 * Watch every node of fl; once it holds the proposal from every router,
 * bob approves id: with w->open, from this watcher as his open
 * console; else a child runs his cold `vigil approve`
 * (bench_kill_approve).  Until every router is killed or
 * BENCH_KILL_S passed.  Returns how many were seen killed.
 */
static size_t
bench_kill_watch(const char *bindir, const struct brun_fleet *fl,
    const char *id, struct bench_kill_watch *w)
{
	struct bws_result	 res;
	struct fleet		 fleet;
	struct cmd_operator	 op;
	double			 sent;

	if (pipe(w->fds) == -1)
		fatal("pipe failed");
	w->bindir = bindir;
	w->dir = fl->dir;
	w->id = id;
	w->child = -1;
	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	w->fleet = &fleet;
	fleet.on_node = bench_kill_node;
	fleet.on_node_arg = w;
	if (w->open)
		bench_kill_open(w, &fleet, &op);
	bws_client_ca(fl->urls.ca);
	bws_client_watch(fl->urls.v, fl->urls.n, BENCH_KILL_S, &fleet,
	    bench_kill_until, w, &res);
	if (!w->started)
		printf("kill: the watcher never held the proposal from every "
		    "router\n");
	if (w->child == -1)
		close(w->fds[1]);
	else
		brun_reap(w->child, BENCH_KILL_S);
	if (!w->open && read(w->fds[0], &sent, sizeof sent) ==
	    sizeof sent && sent > w->t0)
		w->sent = sent;
	close(w->fds[0]);
	if (w->open) {
		desk_free(w->desk);
		w->desk = NULL;
		cmd_operator_free(&op);
	}
	fleet_free(&fleet);
	return (w->nkilled);
}

/*
 * Make the watcher bob's open console: his key loaded as vigil loads
 * it (cmd_operator_load), and a desk signing with it and sending on the
 * watcher's own links (bws_watch_send).
 */
static void
bench_kill_open(struct bench_kill_watch *w, struct fleet *fleet,
    struct cmd_operator *op)
{
	char	*path, *cause = NULL;

	path = xasprintf("%s/bob.key", w->dir);
	if (cmd_operator_load(op, path, NULL, &cause) != 0)
		fatal("bench: cannot load bob's key: %s", cause);
	free(path);
	w->desk = desk_create(fleet, op, bws_watch_send, NULL);
}

/*
 * Report the kill's times against its bound.  An open console's: from
 * just before it signed, and how long signing and queueing took.  A
 * cold `vigil approve`'s: from its start (its start-up, a TLS handshake
 * and the proposal from every target, included), and from the moment
 * its first approvals were sent, as information: the others leave as
 * their targets are heard, so those rows count the connecting of every
 * target heard later against a bound that counts none.
 */
static void
bench_kill_report(struct bench_kill_watch *w, double bound)
{
	char	what[80];

	if (w->open) {
		util_format(what, sizeof what, "kill, %sopen console signs "
		    "and queues (ms)", w->via);
		bench_row(what, (w->sent - w->t0) / 1000, "ms", 0, "(none)",
		    1);
		bench_kill_rows(w, "open console approves", 0, bound, 0, 0);
		return;
	}
	bench_kill_rows(w, "cold approve", 0, bound, w->conn_ms, 0);
	if (w->sent == 0) {
		util_format(what, sizeof what, "kill, %scold approve sent -> "
		    "halted and killed", w->via);
		bench_none(what, "the moment the approvals were sent is "
		    "unknown (vigil approve printed nothing)");
		return;
	}
	util_format(what, sizeof what, "kill, %scold approve start-up until "
	    "sent (ms)", w->via);
	bench_row(what, (w->sent - w->t0) / 1000, "ms", 0, "(none)", 1);
	printf("kill, %scold approve sent: information only, as the "
	    "approvals leave as each target is heard: these rows hold the "
	    "connecting of every target heard after the first\n", w->via);
	bench_kill_rows(w, "cold approve sent", w->sent - w->t0, bound, 0,
	    1);
}

/*
 * The p50 and p99 rows of the kill from from, offset_us after t0.  With
 * conn (a cold approve's connecting reference, ms; -1: it was not
 * measured), against conn plus the bound, then against the bound alone
 * as information: a fresh process makes its TLS handshakes before it
 * can send, and the bound counts none.  Without conn, against the
 * bound: with info, as information only.
 */
static void
bench_kill_rows(struct bench_kill_watch *w, const char *from,
    double offset_us, double bound, double conn, int info)
{
	double	*h = xcalloc(w->nrouters, sizeof *h);
	double	*k = xcalloc(w->nrouters, sizeof *k);
	double	 t[4];
	char	 what[80];
	size_t	 i, n = 0;

	for (i = 0; i < 2 * w->nrouters; i++) {
		if (w->killed[i] > 0) {
			h[n] = (w->halted[i] - offset_us) / 1000;
			k[n++] = (w->killed[i] - offset_us) / 1000;
		}
	}
	if (n == 0) {
		util_format(what, sizeof what, "kill, %s%s -> killed",
		    w->via, from);
		bench_none(what, "no router was seen killed");
		free(h);
		free(k);
		return;
	}
	t[0] = bench_percentile(h, n, 50);
	t[1] = bench_percentile(h, n, 99);
	t[2] = bench_percentile(k, n, 50);
	t[3] = bench_percentile(k, n, 99);
	if (offset_us == 0)
		bench_kill_gap(w, from);
	if (conn > 0)
		bench_kill_four(w, from, "", t, conn + bound, 0);
	else if (conn < 0) {
		util_format(what, sizeof what, "kill, %s%s -> halted against "
		    "connecting", w->via, from);
		bench_none(what, "the drain-only client's connecting "
		    "reference was not measured");
	}
	bench_kill_four(w, from, conn != 0 ? ", bound only" : "", t, bound,
	    conn != 0 || info);
	free(h);
	free(k);
}

/*
 * Print how long each router took from halted to killed, p50 and p99,
 * against one market acknowledgement, as information: the part of
 * killed that is the simulated market's and its steps', apart from the
 * approvals' and the handshakes'.
 */
static void
bench_kill_gap(const struct bench_kill_watch *w, const char *from)
{
	double	*g = xcalloc(w->nrouters, sizeof *g);
	char	 what[96];
	size_t	 i, n = 0;

	for (i = 0; i < 2 * w->nrouters; i++) {
		if (w->killed[i] > 0)
			g[n++] = (w->killed[i] - w->halted[i]) / 1000;
	}
	util_format(what, sizeof what, "kill, %s%s: halted -> killed, p50 "
	    "(ms)", w->via, from);
	bench_row(what, bench_percentile(g, n, 50), "ms", BENCH_MARKET_ACK_MS,
	    "(none)", 1);
	util_format(what, sizeof what, "kill, %s%s: halted -> killed, p99 "
	    "(ms)", w->via, from);
	bench_row(what, bench_percentile(g, n, 99), "ms", BENCH_MARKET_ACK_MS,
	    "(none)", 1);
	free(g);
}

/*
 * Print halted p50 and p99 (t[0], t[1]) against ref, killed p50 and p99
 * (t[2], t[3]) against ref plus a market acknowledgement; with info, as
 * information only (no target).
 */
static void
bench_kill_four(const struct bench_kill_watch *w, const char *from,
    const char *suffix, const double *t, double ref, int info)
{
	static const char *const which[] = {
		"halted, p50", "halted, p99", "killed, p50", "killed, p99"
	};
	char	what[96];
	double	r;
	int	i;

	for (i = 0; i < 4; i++) {
		r = i < 2 ? ref : ref + BENCH_MARKET_ACK_MS;
		util_format(what, sizeof what, "kill, %s%s -> %s%s (ms)",
		    w->via, from, which[i], suffix);
		if (info)
			bench_row(what, t[i], "ms", r, "(none)", 1);
		else if (i < 2)
			bench_row(what, t[i], "ms", r, "<= 1.5x ref",
			    t[i] <= 1.5 * r);
		else
			bench_row(what, t[i], "ms", r, "<= ref", t[i] <= r);
	}
}

/*
 * A cold approve's fair reference, measured on its own fleet just
 * before it: the drain-only client over TLS, as the approve connects,
 * to the same links (each router's own, or the gateways'), until every
 * one gave its first frame.  No fresh process can leave out connecting;
 * the cold approve's reference is this plus the bound.
 */
static void
bench_kill_connect(const struct brun_fleet *fl, struct bench_kill_watch *w,
    int gateways)
{
	struct bws_result	res;
	size_t			n;

	n = gateways || w->nrouters > fl->urls.n ? fl->urls.n : w->nrouters;
	bws_client_ca(fl->urls.ca);
	bws_client_run(BWS_DROP, fl->urls.v, n, 1, 0, 60, NULL, &res);
	if (!res.ok) {
		printf("  (kill's connecting reference: %zu of %zu links gave "
		    "a frame in 60 s)\n", res.nfirst, n);
		w->conn_ms = -1;
		return;
	}
	w->conn_ms = res.first_all_s * 1000;
	printf("kill, %scold approve: connecting reference %.0f ms (the "
	    "drain-only client over TLS to the same %zu links until each "
	    "gave its first frame)\n", w->via, w->conn_ms, n);
}

/*
 * Two-person kills of BENCH_KILL_ROUTERS routers of a real guarded
 * vigild (trust file and audit logs), each router's time to halting and
 * to killed, p50 and p99, against the bound of 2 verifications and 1
 * audit sync per router over the cores: bob approving with a cold
 * `vigil approve`, then from his console already open and holding the
 * proposal; each with the routers on a link of their own (a TLS
 * handshake each for a cold approve), then behind gateways.  A kill is
 * terminal: each has a fleet of its own.
 */
static void
bench_kill(const char *bindir, const struct bench_refs *refs)
{
	double	bound;

	bound = BENCH_KILL_ROUTERS * (2 / refs->verify_ps + 1 / refs->sync_ps)
	    / refs->ncpu * 1000;
	printf("kill of %d routers: bound %.1f ms (2 verifications and 1 "
	    "audit sync per router over %.0f cores); killed against it plus "
	    "one market acknowledgement, %d ms\n", BENCH_KILL_ROUTERS,
	    bound, refs->ncpu, BENCH_MARKET_ACK_MS);
	bench_kill_one(bindir, bound, 0, 0);
	bench_kill_one(bindir, bound, 1, 0);
	bench_kill_one(bindir, bound, 0, 1);
	bench_kill_one(bindir, bound, 1, 1);
}

/*
 * One kill on a fleet of its own, approved from an open console or not,
 * its routers each on a link of their own or behind gateways.
 */
static void
bench_kill_one(const char *bindir, double bound, int open, int gateways)
{
	struct brun_fleet	 fl;
	struct bench_kill_watch	 w;
	char			 id[40], nr[16];

	util_format(nr, sizeof nr, "%d", BENCH_KILL_ROUTERS);
	memset(&w, 0, sizeof w);
	w.open = open;
	w.via = gateways ? BENCH_KILL_GATEWAYS_S " gateways, " : "";
	w.nrouters = BENCH_KILL_ROUTERS;
	w.halted = xcalloc(2 * w.nrouters, sizeof *w.halted);
	w.killed = xcalloc(2 * w.nrouters, sizeof *w.killed);
	brun_fleet_init(&fl);
	if (bench_kill_keys(bindir, fl.dir) != 0 || bench_vigild(&fl, bindir,
	    nr, "2", BENCH_GUARD | (gateways ? BENCH_GATEWAYS : 0),
	    "kill") != 0 || bench_kill_propose(bindir,
	    fl.dir, BENCH_KILL_ROUTERS, id, sizeof id) != 0) {
		bench_none("kill", "could not start the guarded fleet or "
		    "propose (BENCH_KEEP=1 keeps its directory)");
		brun_fleet_stop(&fl);
		free(w.halted);
		free(w.killed);
		return;
	}
	if (!open)
		bench_kill_connect(&fl, &w, gateways);
	if (bench_kill_watch(bindir, &fl, id, &w) != w.nrouters) {
		printf("kill, %s%s: only %zu of %zu routers seen killed in "
		    "%d s (BENCH_KEEP=1 keeps the fleet's directory)\n",
		    w.via, open ? "open console" : "cold approve", w.nkilled,
		    w.nrouters, BENCH_KILL_S);
		bench_missed++;
		/* On a loaded machine, the times of those that were. */
		if (w.nkilled > 0)
			bench_kill_report(&w, bound);
	} else
		bench_kill_report(&w, bound);
	brun_fleet_stop(&fl);
	free(w.halted);
	free(w.killed);
}

/* Whether section name is to run: all when none was named. */
static int
bench_wants(int argc, char **argv, const char *name)
{
	int	i;

	if (argc <= 2)
		return (1);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return (1);
	}
	return (0);
}

/*
 * Say how to run the bench for -h or --help; refuse an option, and a
 * directory that holds no vigil and vigild to measure.
 */
static void
bench_check_args(int argc, char **argv)
{
	static const char	*usage = "usage: vigil-bench [bindir "
				    "[section ...]]\n"
	    "Prints each speed and memory figure beside a reference "
	    "measured in the\nsame run (BENCH.md says how).  bindir holds "
	    "the vigil, vigild and\nvigil-bench to measure (default .; "
	    "make bench gives its own).  Sections:\n ";
	char			 path[PATH_MAX];
	FILE			*f = stdout;
	size_t			 k;

	if (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "-h") != 0 &&
		    strcmp(argv[1], "--help") != 0) {
			f = stderr;
			fprintf(f, "vigil-bench: no option %s: the first "
			    "argument is the directory of the programs\n",
			    argv[1]);
		}
		fputs(usage, f);
		for (k = 0; k < nitems(bench_sections); k++)
			fprintf(f, " %s", bench_sections[k]);
		fprintf(f, "\n(all when none is named)\n");
		exit(f == stdout ? 0 : 2);
	}
	util_format(path, sizeof path, "%s/vigild", argc > 1 ? argv[1] : ".");
	if (access(path, X_OK) != 0) {
		fprintf(stderr, "vigil-bench: %s: %s; give the directory "
		    "the programs were built in (make bench runs it with "
		    "its own)\n", path, strerror(errno));
		exit(2);
	}
}

/* Refuse a section name that is not one (it would run nothing). */
static void
bench_check_sections(int argc, char **argv)
{
	size_t	k;
	int	i;

	for (i = 2; i < argc; i++) {
		for (k = 0; k < nitems(bench_sections); k++) {
			if (strcmp(argv[i], bench_sections[k]) == 0)
				break;
		}
		if (k == nitems(bench_sections)) {
			fprintf(stderr, "vigil-bench: no section %s: the "
			    "sections are", argv[i]);
			for (k = 0; k < nitems(bench_sections); k++)
				fprintf(stderr, " %s", bench_sections[k]);
			fprintf(stderr, "\n");
			exit(2);
		}
	}
}

/*
 * vigil-bench [bindir [section ...]]: sections are references, ingest,
 * memory, stale, tick, rows, render, startup, links, cpu, cpu-watched,
 * kill and gateways (to profile one).  vigil-bench bindir --fresh
 * memory|links N is how the memory and references sections measure in a
 * fresh process.
 */
int
main(int argc, char **argv)
{
	const char		*bindir = argc > 1 ? argv[1] : ".";
	struct bench_refs	 refs;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 5 && strcmp(argv[2], "--fresh") == 0)
		return (bench_fresh_child(argv[3], atoi(argv[4])));
	bench_check_args(argc, argv);
	bench_check_sections(argc, argv);
	printf("Vigil benchmark: each figure beside its reference, measured "
	    "in this run\n");
	bench_machine(&refs);
	memset(&refs, 0, sizeof refs);
	refs.ncpu = (double)sysconf(_SC_NPROCESSORS_ONLN);
	if (bench_wants(argc, argv, "references"))
		bench_references(&refs, bindir);
	if (bench_wants(argc, argv, "ingest"))
		bench_ingest_figures(&refs);
	if (bench_wants(argc, argv, "memory"))
		bench_memory(bindir, &refs);
	if (bench_wants(argc, argv, "stale"))
		bench_stale();
	if (bench_wants(argc, argv, "tick"))
		bench_tick();
	if (bench_wants(argc, argv, "rows"))
		bench_rows();
	if (bench_wants(argc, argv, "render"))
		bench_render();
	if (bench_wants(argc, argv, "startup"))
		bench_startup(bindir);
	if (bench_wants(argc, argv, "links"))
		bench_links(bindir);
	if (bench_wants(argc, argv, "cpu"))
		bench_vigild_cpu(bindir);
	if (bench_wants(argc, argv, "cpu-watched"))
		bench_vigild_cpu_watched(bindir);
	if (bench_wants(argc, argv, "kill")) {
		if (refs.verify_ps == 0) {
			refs.verify_ps = bench_verify_rate();
			refs.sync_ps = bench_sync_rate(bindir);
		}
		bench_kill(bindir, &refs);
	}
	if (bench_wants(argc, argv, "gateways"))
		bench_gateways(bindir);
	printf("\n%s\n", bench_missed == 0 ? "every target met" :
	    "some targets MISSED (see above)");
	return (0);
}
