/*
 * vigil-bench.c: the speed and memory figures Vigil is held to, printed
 * with their targets.  Run by `make bench`; never part of `make check`,
 * because timings on a shared machine are not pass/fail material.
 *
 * In process: decoding frames, applying them to the model, running every
 * check over a large fleet, the model's memory per node.  End to end:
 * a real vigild fleet on 127.0.0.1 and a real `vigil status`, timed from
 * start to a full report, and vigild's CPU while it serves.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "fleet.h"
#include "proto.h"
#include "util.h"

#define BENCH_ROUTERS	1000
#define BENCH_STATIONS	1000

static double	 bench_now_us(void);
static void	 bench_report(const char *what, double value, const char *unit,
		    double target, int lower_is_better);
static char	*bench_router_stats(int i, uint64_t n);
static char	*bench_station_stats(int i, uint64_t n);
static char	*bench_hello(enum proto_role role, int i);
static void	 bench_in_process(void);
static void	 bench_end_to_end(const char *bindir);
static long	 bench_rss_kb(void);

static int	 bench_missed;

/* Microseconds on a monotonic clock. */
static double
bench_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

/* Print one figure against its target. */
static void
bench_report(const char *what, double value, const char *unit, double target,
    int lower_is_better)
{
	int	ok = lower_is_better ? value <= target : value >= target;

	if (!ok)
		bench_missed++;
	printf("%-52s %12.2f %-10s target %s %g  %s\n", what, value, unit,
	    lower_is_better ? "<=" : ">=", target, ok ? "ok" : "MISSED");
}

/* Resident set size of this process in KiB, from /proc. */
static long
bench_rss_kb(void)
{
	FILE	*f = fopen("/proc/self/statm", "r");
	long	 pages = 0, rss = 0;

	if (f == NULL)
		return (0);
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return (rss * (sysconf(_SC_PAGESIZE) / 1024));
}

/* A hello frame for router or station i. */
static char *
bench_hello(enum proto_role role, int i)
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
	m->u.hello.link_nodes = 1;
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
static char *
bench_router_stats(int i, uint64_t n)
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
static char *
bench_station_stats(int i, uint64_t n)
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

/* Decode, apply and check, in this process, on a 2000-node fleet. */
static void
bench_in_process(void)
{
	struct fleet		 fleet;
	struct proto_report_node rep;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			 cause[PROTO_TEXT_MAX], *frame;
	char			**frames;
	double			 t0, dt;
	long			 rss0, rss1;
	size_t			 link, nframes = 20000, k;
	int			 i, rounds = 50;
	int64_t			 now = 1000;

	/* Decoding alone. */
	frames = xcalloc(nframes, sizeof *frames);
	for (k = 0; k < nframes; k++)
		frames[k] = k % 2 ? bench_station_stats((int)k % 1000, k + 2) :
		    bench_router_stats((int)k % 1000, k + 2);
	t0 = bench_now_us();
	for (k = 0; k < nframes; k++) {
		if (proto_decode(frames[k], strlen(frames[k]), m, cause,
		    sizeof cause) != 0)
			fatal("bench frame refused: %s", cause);
	}
	dt = bench_now_us() - t0;
	printf("frame sizes: router stats %zu bytes, station stats %zu "
	    "bytes\n", strlen(frames[0]), strlen(frames[1]));
	bench_report("decode one stats frame", dt / (double)nframes, "us",
	    20, 1);
	for (k = 0; k < nframes; k++)
		free(frames[k]);
	free(frames);

	/* A fleet of 2000 nodes, hello and two stats each. */
	rss0 = bench_rss_kb();
	fleet_init(&fleet, "bench");
	check_watch(&fleet);
	link = fleet_add_link(&fleet, "ws://127.0.0.1:1/");
	fleet_link_up(&fleet, link, now);
	for (i = 0; i < BENCH_ROUTERS + BENCH_STATIONS; i++) {
		frame = bench_hello(i < BENCH_ROUTERS ? ROLE_ROUTER :
		    ROLE_STATION, i % BENCH_ROUTERS);
		if (fleet_receive(&fleet, link, frame, strlen(frame), now,
		    cause, sizeof cause) != 0)
			fatal("bench hello refused: %s", cause);
		free(frame);
	}

	/* Apply: every node's stats, rounds times. */
	t0 = bench_now_us();
	for (k = 1; k <= (size_t)rounds; k++) {
		now += 250;
		for (i = 0; i < BENCH_ROUTERS + BENCH_STATIONS; i++) {
			frame = i < BENCH_ROUTERS ? bench_router_stats(i, k) :
			    bench_station_stats(i - BENCH_ROUTERS, k);
			if (fleet_receive(&fleet, link, frame, strlen(frame),
			    now, cause, sizeof cause) != 0)
				fatal("bench stats refused: %s", cause);
			free(frame);
		}
	}
	dt = bench_now_us() - t0;
	bench_report("decode + apply one stats frame (2000 nodes)",
	    dt / (double)(rounds * (BENCH_ROUTERS + BENCH_STATIONS)), "us",
	    30, 1);
	bench_report("frames/s one console can take in (same figure)",
	    1e6 / (dt / (double)(rounds * (BENCH_ROUTERS + BENCH_STATIONS))),
	    "frames/s", 32000, 0);

	/* Checks over the whole fleet, as the 100 ms timer runs them. */
	t0 = bench_now_us();
	for (i = 0; i < 20; i++) {
		now += 100;
		check_tick(&fleet, now, util_wall_ms());
	}
	dt = (bench_now_us() - t0) / 20;
	bench_report("fleet_tick + every check, 2000 nodes", dt / 1000.0,
	    "ms", 20, 1);

	/* What the Routers view asks of the model each frame: a row each. */
	t0 = bench_now_us();
	for (k = 0; k < 20; k++) {
		for (i = 0; i < BENCH_ROUTERS; i++)
			fleet_report_node(&fleet, &fleet.nodes[i], now, &rep);
	}
	dt = (bench_now_us() - t0) / 20;
	bench_report("report every router (one Routers frame), 1000",
	    dt / 1000.0, "ms", 2, 1);
	printf("alerts standing after the run: %zu (the fleet has one router "
	    "on an old build per group)\n", fleet.alerts.n);

	rss1 = bench_rss_kb();
	bench_report("model memory per node (struct node)",
	    (double)sizeof(struct node) / 1024.0, "KiB", 64, 1);
	bench_report("resident memory for 2000 nodes", (double)(rss1 - rss0) /
	    1024.0, "MiB", 256, 1);
	fleet_free(&fleet);
	free(m);
}

/* CPU seconds (user + system) a finished child used. */
static double
bench_child_cpu(pid_t pid, int *status)
{
	struct rusage	ru;

	if (wait4(pid, status, 0, &ru) == -1)
		return (-1);
	return ((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}

/*
 * A real fleet of 250 routers and 250 stations on 127.0.0.1 (ports from
 * the kernel), a real `vigil status --json`, timed to a full report;
 * vigild's CPU over the run.
 */
static void
bench_end_to_end(const char *bindir)
{
	char	 dir[] = "/tmp/vigil-bench.XXXXXX", file[64], cmd[1024];
	char	 vigild[512];
	pid_t	 pid;
	double	 t0, dt, cpu, wall0;
	int	 status, i, rc;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp: cannot make a directory in /tmp");
	util_format(file, sizeof file, "%s/fleet", dir);
	util_format(vigild, sizeof vigild, "%s/vigild", bindir);
	wall0 = bench_now_us();
	fflush(stdout);
	if ((pid = fork()) == -1)
		fatal("fork failed");
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execl(vigild, vigild, "fleet", "--scenario", "calm",
		    "--routers", "250", "--stations", "250", "--devices", "200",
		    "--fleet-file", file, "--base-port", "0", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 600 && access(file, R_OK) != 0; i++)
		usleep(50000);
	if (access(file, R_OK) != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		printf("end to end: vigild wrote no fleet file in 30 s; "
		    "skipped\n");
		return;
	}
	bench_report("vigild start to 500 nodes listening", (bench_now_us() -
	    wall0) / 1e6, "s", 10, 1);

	util_format(cmd, sizeof cmd, "%s/vigil --fleet %s --wait 30 status "
	    "--json > %s/status.json", bindir, file, dir);
	t0 = bench_now_us();
	rc = system(cmd);
	dt = (bench_now_us() - t0) / 1e6;
	bench_report("vigil status, 500 backends: start to full report", dt,
	    "s", 5, 1);
	if (rc == -1 || !WIFEXITED(rc) || (WEXITSTATUS(rc) != 0 &&
	    WEXITSTATUS(rc) != 1))
		printf("  (vigil status exited %d: see %s/status.json)\n",
		    WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, dir);

	sleep(5);
	kill(pid, SIGTERM);
	cpu = bench_child_cpu(pid, &status);
	dt = (bench_now_us() - wall0) / 1e6;
	bench_report("vigild CPU serving 500 simulated nodes", 100.0 * cpu /
	    dt, "% of a core", 50, 1);
	util_format(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", dir);
}

int
main(int argc, char **argv)
{
	const char	*bindir = argc > 1 ? argv[1] : ".";

	printf("Vigil benchmark (targets are for this 2-core machine)\n\n");
	bench_in_process();
	printf("\n");
	bench_end_to_end(bindir);
	printf("\n%s\n", bench_missed == 0 ? "every target met" :
	    "some targets MISSED (see above)");
	return (0);
}
