/*
 * sim.c: the simulator and its scenarios (see sim.h).
 *
 * The nodes are the real router and station code; this file only feeds
 * them: parent orders paced in real time (so the screen stays readable at
 * any time scale), devices, messages between stations, and the scenario
 * clock.  Scenario events are played on that clock in steps of at most a
 * scenario second, so their order does not depend on how often the
 * server calls sim_step().
 */
#include <sys/mman.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "node-router.h"
#include "node-station.h"
#include "proto-plan.h"
#include "sim.h"
#include "util.h"

#define SIM_SECOND_MS		1000LL
#define SIM_MINUTE_MS		(60 * SIM_SECOND_MS)
#define SIM_HOUR_MS		(60 * SIM_MINUTE_MS)
#define SIM_DAY_MS		(24 * SIM_HOUR_MS)

#define SIM_SLAB_BYTES		(2 * 1024 * 1024)	/* a huge page */
#define SIM_SLAB_DEVICES	4096	/* a station's devices beside it,
						   up to (128 KB) */
#define SIM_MAX_ROUTERS		10000
#define SIM_MAX_STATIONS	10000
#define SIM_MAX_SCALE		10000.0
#define SIM_SUBSTEP_MS		SIM_SECOND_MS	/* events resolve to 1 s */
#define SIM_MAX_SUBSTEPS	3600	/* per sim_step; coarser beyond */

#define SIM_CHILD_SIZE		100	/* shares per child order */
#define SIM_MAX_CHILDREN	500	/* child orders per router step */
#define SIM_MAX_PARENTS_STEP	100	/* parents per router per step */
#define SIM_FILL_MS		150	/* the market fills a child order */
#define SIM_CANCEL_MS		50	/* and acknowledges a cancel, real
					   ms after it went out */
#define SIM_PARENTS_PER_S	20.0	/* real-time pace, calm and open */
#define SIM_TRICKLE_PER_S	2.0	/* knight before the open */

#define SIM_ALERT_QUEUE		512	/* alerts waiting for the server */
#define SIM_MAX_STANDING	8	/* alert codes kept per node */
#define SIM_RENEW_SLOT_MAX_MS	(21 * SIM_SECOND_MS)
#define SIM_WARM_TICK_MS	(90 * SIM_SECOND_MS)
#define SIM_TICK_REAL_MS	200	/* stations tick at most this often */
#define SIM_AHEAD		4	/* nodes prefetched ahead (stage 1;
					   stage 0 twice as far) */

#define SIM_ROUTER_BUILD	"smars-2026.11.02"
#define SIM_KNIGHT_NEW_BUILD	"smars-2012.08.01"
#define SIM_KNIGHT_OLD_BUILD	"smars-2012.07.31-old"
#define SIM_ROUTER_PREVIOUS	"smars-2026.10.05"
#define SIM_STATION_BUILD	"stationd-4.2.0"
#define SIM_STATION_PREVIOUS	"stationd-4.1.3"
#define SIM_NODE_BUILD		"vigild-1.0"

/* The capital incident's timeline, scenario clock after midnight. */
#define SIM_CAPITAL_UPDATE_S	(13 * 3600 + 59 * 60 + 58)
#define SIM_CAPITAL_MALFORMED_S	(14 * 3600 + 6)
#define SIM_CAPITAL_LOAD_S	(14 * 3600)
#define SIM_CAPITAL_SERVICE_MS	(3 * SIM_SECOND_MS)	/* per renewal */
#define SIM_CASCADE_EVERY_MS	200	/* one more neighbour each */
#define SIM_CAPITAL_TARGET	12	/* station/s12 gets the message */

/* The Knight incident's timeline. */
#define SIM_KNIGHT_WARN_S	(8 * 3600 + 60)
#define SIM_KNIGHT_OPEN_S	(9 * 3600 + 30 * 60)

enum sim_kind {
	SIM_CALM,
	SIM_KNIGHT,
	SIM_CAPITAL,
	SIM_NODE,
};

const struct sim_scenario sim_scenarios[] = {
	{
		.name = "calm",
		.summary = "a healthy fleet: 4 routers of group nyse on one "
		    "build and 6 stations, station/capital holding the "
		    "root; every renewal succeeds",
		.date = "2026-11-23",
		.start_s = 10 * 3600,
		.time_scale = 60,
		.routers = 4,
		.stations = 6,
	},
	{
		.name = "knight",
		.summary = "Knight Capital, 1 August 2012: routers r1-r7 on "
		    "smars-2012.08.01 (rlp enables retail_liquidity), r8 "
		    "left on smars-2012.07.31-old (rlp enables power_peg); "
		    "\"Power Peg disabled\" warnings from 08:01, runaway "
		    "child orders at the 09:30 open; no stations",
		.date = "2012-08-01",
		.start_s = 8 * 3600,
		.time_scale = 60,
		.routers = 8,
		.stations = 0,
	},
	{
		.name = "capital",
		.summary = "a certificate cascade: station/capital holds the "
		    "root for 37 neighbours; an update at 13:59:58, a "
		    "malformed but validly signed message near 14:00:06, "
		    "the blacklist cascade, renewal failing at the hour, "
		    "device countdowns running out; no routers",
		.date = "2026-11-23",
		.start_s = 13 * 3600 + 59 * 60 + 50,
		.time_scale = 2,
		.routers = 0,
		.stations = 38,
	},
};
const size_t sim_nscenarios = nitems(sim_scenarios);

/* One node and what the simulator keeps about it. */
struct sim_node {
	enum proto_role		 role;
	struct node_router	*router;
	struct node_station	*station;

	double			 parent_carry;	/* parents owed, fraction */
	int			 refusal_alerted;

	int			 queued;	/* waits at the root holder */
	int64_t			 queued_ms;	/* since when */
	int64_t			 cert_not_after_ms;
	int			 expiry_alerted;
	uint64_t		 failed_alerted; /* devices failed, reported */

	int			 cert_reported;
	int64_t			 cert_renewal_ms;
	char			 cert_holder[PROTO_ID_MAX];
	int			 cert_holds_root;
	uint64_t		 cert_seq;	/* station's cert_seq then */
	int			 stats_sent;	/* sim_node_stats() ran */
	enum proto_state	 stats_state;	/* router state it gave */
	int			 moved;		/* in sim->moved */

	char			 issuer_id[PROTO_ID_MAX];	/* cached: */
	size_t			 issuer;	/* its node, or SIZE_MAX */

	struct proto_alert	*standing;	/* latest of each code */
	size_t			 nstanding;
};

struct sim {
	struct proto_hello	*facts;		/* sim_plan_facts() */
	const struct proto_hello **factp;
	enum sim_kind		 kind;
	char			 name[32];
	double			 time_scale;
	int64_t			 real_start_ms;
	int64_t			 real_last_ms;
	int64_t			 mono_last_ms;	/* util_mono_ms() then */
	int64_t			 real_tick_ms;	/* stations last ticked */
	int64_t			 clock_start_ms;
	int64_t			 clock_ms;
	int64_t			 day_ms;	/* the scenario date, 00:00 */
	uint64_t		 rng;
	int			 warming;	/* playing the hour before */
	int			 fired;		/* a router fired its armed
						   kill: sim_any_fired() */

	struct sim_node		*nodes;
	size_t			 nnodes;
	size_t			 nrouters;	/* nodes 0 .. nrouters-1 */
	int64_t			*wake;		/* station node nrouters+k
						   has nothing to do before
						   wake[k] (sim_wake) */
	size_t			*moved;		/* sim_next_moved() */
	size_t			 nmoved;

	/* knight */
	int64_t			 open_ms;
	int64_t			 warn_from_ms;
	int64_t			 next_warning_ms;
	size_t			 old_router;

	/* capital */
	size_t			 capital;	/* node index */
	size_t			 target;
	int64_t			 update_ms;
	int64_t			 malformed_ms;
	int64_t			 load_from_ms;
	int			 update_done;
	int			 malformed_done;
	size_t			*cascade;	/* neighbours, in order */
	size_t			 ncascade;
	size_t			 cascade_done;
	int64_t			 cascade_start_ms;
	char			 evidence[PROTO_TEXT_MAX];
	size_t			*queue;		/* renewals waiting */
	size_t			 qhead;
	size_t			 qcount;
	int64_t			 issuer_free_ms;

	/* alerts waiting for sim_next_alert() */
	struct proto_alert	*alerts;
	size_t			 ahead;
	size_t			 acount;
	uint64_t		 dropped;
	char			 dropped_node[PROTO_ID_MAX];

	/* Where routers and stations are cut from (sim_node_alloc). */
	char			**slabs;
	size_t			 nslabs;
	size_t			 slab_used;	/* of the last one */
};

static void	*sim_node_alloc(struct sim *, size_t);
static void	 sim_node_unalloc(struct sim *, void *, size_t);
static const struct sim_scenario *sim_find(const char *);
static int64_t	 sim_days_from_civil(int, int, int);
static int	 sim_parse_date(const char *, int64_t *);
static uint64_t	 sim_random(struct sim *);
static int	 sim_check_options(const struct sim_options *,
		    const struct sim_scenario *, enum sim_kind, char **);
static int	 sim_add_router(struct sim *, const char *, const char *,
		    const char *, const struct proto_flag *, size_t,
		    char **);
static int	 sim_add_station(struct sim *, const char *, const char *,
		    const char *, size_t, int, int64_t, char **);
static void	 sim_rlp_flag(struct proto_flag *, const char *);
static void	 sim_build(struct proto_build *, const char *, const char *,
		    const char *);
static int	 sim_install(struct sim *, const struct proto_build *,
		    size_t, char **);
static int	 sim_build_calm(struct sim *, const struct sim_options *,
		    int64_t, char **);
static int	 sim_build_knight(struct sim *, const struct sim_options *,
		    char **);
static int	 sim_build_capital(struct sim *, const struct sim_options *,
		    int64_t, char **);
static int	 sim_build_node(struct sim *, const struct sim_options *,
		    int64_t, char **);
static int64_t	 sim_init_time(int64_t);
static void	 sim_warm_up(struct sim *, int64_t, int64_t);
static void	 sim_advance(struct sim *, int64_t, int);
static void	 sim_events(struct sim *, int64_t);
static void	 sim_knight_events(struct sim *, int64_t);
static void	 sim_capital_events(struct sim *, int64_t);
static void	 sim_cascade_order(struct sim *);
static size_t	 sim_root_holder(const struct sim *);
static struct node_station *sim_issuer(struct sim *, struct sim_node *);
static void	 sim_stations(struct sim *, int64_t, int);
static int64_t	 sim_wake(const struct sim *, size_t);
static void	 sim_stir(struct sim *, size_t);
static void	 sim_mark(struct sim *, size_t);
static void	 sim_renew(struct sim *, size_t, struct node_station *,
		    int64_t);
static void	 sim_serve_queue(struct sim *, struct node_station *,
		    int64_t);
static void	 sim_watch_station(struct sim *, size_t, int64_t);
static void	 sim_note_cert(struct sim_node *);
static void	 sim_routers(struct sim *, int64_t, int64_t);
static int64_t	 sim_real_now(const struct sim *);
static void	 sim_feed_router(struct sim *, size_t, double, int);
static void	 sim_alert(struct sim *, size_t, int64_t,
		    enum proto_severity, const char *, int, const char *,
		    const char *, const char *);
static void	 sim_stand(struct sim_node *, const struct proto_alert *);

/* The scenario named name in the table, or NULL. */
static const struct sim_scenario *
sim_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sim_nscenarios; i++) {
		if (strcmp(sim_scenarios[i].name, name) == 0)
			return (&sim_scenarios[i]);
	}
	return (NULL);
}

/* Days from 1970-01-01 to a proleptic Gregorian date. */
static int64_t
sim_days_from_civil(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Parse "YYYY-MM-DD" into its midnight UTC in ms; 0, or -1 if bad. */
static int
sim_parse_date(const char *date, int64_t *ms)
{
	int	y, m, d, n = 0;

	if (sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    date[n] != '\0' || m < 1 || m > 12 || d < 1 || d > 31)
		return (-1);
	*ms = sim_days_from_civil(y, m, d) * SIM_DAY_MS;
	return (0);
}

/* A pseudo-random number (xorshift64*): the same run every time. */
static uint64_t
sim_random(struct sim *sim)
{
	sim->rng ^= sim->rng >> 12;
	sim->rng ^= sim->rng << 25;
	sim->rng ^= sim->rng >> 27;
	return (sim->rng * 2685821657736338717ULL);
}

/*
 * Check the options against the scenario.  Returns 0, or -1 and an
 * allocated sentence in *cause saying what is allowed.
 */
static int
sim_check_options(const struct sim_options *o, const struct sim_scenario *sc,
    enum sim_kind kind, char **cause)
{
	int	min_routers = 1;

	if (o->time_scale < 0 || isnan(o->time_scale) ||
	    o->time_scale > SIM_MAX_SCALE) {
		*cause = xasprintf("time scale %g is out of range; give a "
		    "number above 0 and at most %g (scenario seconds per "
		    "real second)", o->time_scale, SIM_MAX_SCALE);
		return (-1);
	}
	if (o->start_s < -1 || o->start_s >= 86400) {
		*cause = xasprintf("start time %d is not a time of day; give "
		    "HH:MM:SS between 00:00:00 and 23:59:59", o->start_s);
		return (-1);
	}
	if (o->devices > STATION_MAX_DEVICES) {
		*cause = xasprintf("%zu devices per station is out of range; "
		    "give 1 to %d", o->devices, STATION_MAX_DEVICES);
		return (-1);
	}
	if (o->slice_count != 0 && kind != SIM_CALM) {
		*cause = xasprintf("scenario %s replays one incident in one "
		    "process and cannot be shared between gateways; give "
		    "--gateways with scenario calm", sc != NULL ? sc->name :
		    "node");
		return (-1);
	}
	if (kind == SIM_NODE)
		return (0);
	if (o->routers < 0 || o->stations < 0) {
		*cause = xasprintf("negative node counts make no fleet; give "
		    "--routers and --stations as positive numbers");
		return (-1);
	}
	if (kind == SIM_KNIGHT)
		min_routers = 2;
	if (sc->routers == 0 && o->routers != 0) {
		*cause = xasprintf("scenario %s has no routers; leave out "
		    "--routers, or choose calm or knight", sc->name);
		return (-1);
	}
	if (sc->routers != 0 && o->routers != 0 &&
	    (o->routers < min_routers || o->routers > SIM_MAX_ROUTERS)) {
		*cause = xasprintf("%d routers is out of range for scenario "
		    "%s; give %d to %d%s", o->routers, sc->name, min_routers,
		    SIM_MAX_ROUTERS, kind == SIM_KNIGHT ? " (the last one "
		    "runs the old build)" : "");
		return (-1);
	}
	if (sc->stations == 0 && o->stations != 0) {
		*cause = xasprintf("scenario %s has no stations; leave out "
		    "--stations, or choose calm or capital", sc->name);
		return (-1);
	}
	if (sc->stations != 0 && o->stations != 0 &&
	    (o->stations < 2 || o->stations > SIM_MAX_STATIONS)) {
		*cause = xasprintf("%d stations is out of range for scenario "
		    "%s; give 2 to %d (station/capital and its neighbours)",
		    o->stations, sc->name, SIM_MAX_STATIONS);
		return (-1);
	}
	return (0);
}

/*
 * A zeroed router or station of size bytes, cut from the simulator's
 * slabs of SIM_SLAB_BYTES, which the kernel is asked to back with huge
 * pages.  A step reads every router and each station due, and a node is
 * some 10 KB with what a step reads at its end: one calloc a node put
 * each on pages of its own, thousands of TLB misses a step (walks of
 * the host's tables as well as the guest's on a virtual machine).  The
 * slabs are freed with the simulator (sim_free).
 */
static void *
sim_node_alloc(struct sim *sim, size_t size)
{
	void	*slab;
	char	*p;

	size = (size + 63) & ~(size_t)63;	/* whole cache lines */
	if (size > SIM_SLAB_BYTES)
		fatal("%s: a %zu-byte node does not fit a slab", __func__,
		    size);
	if (sim->nslabs == 0 || sim->slab_used + size > SIM_SLAB_BYTES) {
		if (posix_memalign(&slab, SIM_SLAB_BYTES, SIM_SLAB_BYTES) != 0)
			fatal("%s: out of memory", __func__);
#ifdef MADV_HUGEPAGE
		(void)madvise(slab, SIM_SLAB_BYTES, MADV_HUGEPAGE);
#endif
		sim->slabs = xreallocarray(sim->slabs, sim->nslabs + 1,
		    sizeof *sim->slabs);
		sim->slabs[sim->nslabs++] = slab;
		sim->slab_used = 0;
	}
	p = sim->slabs[sim->nslabs - 1] + sim->slab_used;
	sim->slab_used += size;
	memset(p, 0, size);
	return (p);
}

/* Give back the node sim_node_alloc() cut last, which failed its setup. */
static void
sim_node_unalloc(struct sim *sim, void *p, size_t size)
{
	size = (size + 63) & ~(size_t)63;
	if (sim->nslabs > 0 && (char *)p + size ==
	    sim->slabs[sim->nslabs - 1] + sim->slab_used)
		sim->slab_used -= size;
}

/* Add a router node; -1 and *cause if the router refuses its setup. */
static int
sim_add_router(struct sim *sim, const char *id, const char *group,
    const char *build, const struct proto_flag *flags, size_t nflags,
    char **cause)
{
	struct sim_node	*n = &sim->nodes[sim->nnodes];
	char		 why[PROTO_TEXT_MAX];

	n->role = ROLE_ROUTER;
	n->router = sim_node_alloc(sim, sizeof *n->router);
	if (node_router_init(n->router, id, group, build, flags, nflags, why,
	    sizeof why) != 0) {
		sim_node_unalloc(sim, n->router, sizeof *n->router);
		n->router = NULL;
		*cause = xasprintf("%s", why);
		return (-1);
	}
	sim->nnodes++;
	sim->nrouters++;
	return (0);
}

/*
 * Add a station node at node clock now_ms; the first one added with
 * holds_root is the root holder the others are issued by.
 */
static int
sim_add_station(struct sim *sim, const char *id, const char *group,
    const char *build, size_t devices, int holds_root, int64_t now_ms,
    char **cause)
{
	struct sim_node		*n = &sim->nodes[sim->nnodes];
	struct node_station	*root = NULL;
	struct station_device	*room = NULL;
	size_t			 size = sizeof *n->station;

	if (!holds_root)
		root = sim->nodes[sim_root_holder(sim)].station;
	n->role = ROLE_STATION;
	/*
	 * Its devices right after it in the slab, as a tick reads a run
	 * of them after the station itself: on pages of their own they
	 * were one more TLB miss a tick.  Not a station of so many devices
	 * that it would take a good part of a slab.
	 */
	if (devices > 0 && devices <= SIM_SLAB_DEVICES)
		size += devices * sizeof *room;
	n->station = sim_node_alloc(sim, size);
	if (size > sizeof *n->station)
		room = (struct station_device *)(n->station + 1);
	if (node_station_init(n->station, id, group, build, devices, room,
	    holds_root, root, now_ms, cause) != 0) {
		sim_node_unalloc(sim, n->station, size);
		n->station = NULL;
		return (-1);
	}
	/*
	 * A calm fleet renews across the hour, not in its first 20 s:
	 * 10,000 stations renewing at once cost a core a few seconds
	 * every hour (at scale 60, every real minute).  The scenarios keep
	 * the hour's rush their stories are about.
	 */
	if (sim->kind == SIM_CALM)
		node_station_spread_renewal(n->station, SIM_HOUR_MS);
	sim_note_cert(n);
	sim->nnodes++;
	return (0);
}

/*
 * When stations start, so that each has renewed at its slot after the
 * hour before start: an hour boundary at least a slot before start.
 */
static int64_t
sim_init_time(int64_t start_ms)
{
	int64_t	hour = start_ms - start_ms % SIM_HOUR_MS;

	if (start_ms - hour < SIM_RENEW_SLOT_MAX_MS)
		hour -= SIM_HOUR_MS;
	return (hour);
}

/* The rlp flag meaning path, on. */
static void
sim_rlp_flag(struct proto_flag *flag, const char *path)
{
	memset(flag, 0, sizeof *flag);
	util_copy(flag->name, sizeof flag->name, "rlp");
	util_copy(flag->path, sizeof flag->path, path);
	flag->on = 1;
}

/*
 * One build: id, what rlp means in it (NULL: a build without flags) and
 * the code path it retired (NULL: none).
 */
static void
sim_build(struct proto_build *b, const char *id, const char *rlp,
    const char *retired)
{
	memset(b, 0, sizeof *b);
	util_copy(b->id, sizeof b->id, id);
	if (rlp != NULL) {
		util_copy(b->manifest[0].name, sizeof b->manifest[0].name,
		    "rlp");
		util_copy(b->manifest[0].path, sizeof b->manifest[0].path,
		    rlp);
		b->nmanifest = 1;
	}
	if (retired != NULL) {
		util_copy(b->retired[0].path, sizeof b->retired[0].path,
		    retired);
		b->nretired = 1;
	}
}

/* Install builds on the node added last; -1 and *cause on failure. */
static int
sim_install(struct sim *sim, const struct proto_build *builds, size_t n,
    char **cause)
{
	struct sim_node	*node = &sim->nodes[sim->nnodes - 1];
	char		 why[PROTO_TEXT_MAX];
	int		 rc;

	if (node->router != NULL)
		rc = proto_plan_install(&node->router->held, builds, n,
		    node->router->id, why, sizeof why);
	else
		rc = proto_plan_install(&node->station->held, builds, n,
		    node->station->id, why, sizeof why);
	if (rc != 0)
		*cause = xasprintf("%s", why);
	return (rc);
}

/*
 * Calm: routers on one build and healthy stations, each node holding its
 * build and the previous one, where every flag means the same.
 */
static int
sim_build_calm(struct sim *sim, const struct sim_options *o, int64_t init_ms,
    char **cause)
{
	static const char *const groups[] = { "north", "south" };
	struct proto_flag	 flag;
	struct proto_build	 routers[2], stations[2];
	char			 id[PROTO_ID_MAX];
	int			 i, nrouters, nstations;
	size_t			 devices, first, end;

	nrouters = o->routers != 0 ? o->routers : sim_find("calm")->routers;
	nstations = o->stations != 0 ? o->stations :
	    sim_find("calm")->stations;
	devices = o->devices != 0 ? o->devices : 200;
	first = o->slice_first;
	end = o->slice_count != 0 ? first + o->slice_count :
	    (size_t)(nrouters + nstations);
	sim->nodes = xcalloc((size_t)(nrouters + nstations),
	    sizeof *sim->nodes);
	sim_rlp_flag(&flag, "retail_liquidity");
	sim_build(&routers[0], SIM_ROUTER_BUILD, "retail_liquidity",
	    "power_peg");
	sim_build(&routers[1], SIM_ROUTER_PREVIOUS, "retail_liquidity",
	    "power_peg");
	sim_build(&stations[0], SIM_STATION_BUILD, NULL, NULL);
	sim_build(&stations[1], SIM_STATION_PREVIOUS, NULL, NULL);
	for (i = 0; i < nrouters; i++) {
		if ((size_t)i < first || (size_t)i >= end)
			continue;
		util_format(id, sizeof id, "router/r%d", i + 1);
		if (sim_add_router(sim, id, "nyse", SIM_ROUTER_BUILD, &flag, 1,
		    cause) != 0 || sim_install(sim, routers, 2, cause) != 0)
			return (-1);
	}
	/* The share's first station holds a root: the capital's, or its own. */
	sim->capital = sim->nnodes;
	for (i = 0; i < nstations; i++) {
		if ((size_t)(nrouters + i) < first ||
		    (size_t)(nrouters + i) >= end)
			continue;
		if (i == 0)
			util_copy(id, sizeof id, "station/capital");
		else
			util_format(id, sizeof id, "station/s%d", i);
		if (sim_add_station(sim, id, i == 0 ? "central" :
		    groups[i % 2], SIM_STATION_BUILD, devices,
		    sim->nnodes == sim->capital, init_ms, cause) != 0 ||
		    sim_install(sim, stations, 2, cause) != 0)
			return (-1);
	}
	return (0);
}

/*
 * Knight, true to the record: r1..r(n-1) hold the new build (active),
 * which retired power_peg, and the old one, where rlp means power_peg;
 * the copy to the last failed, so it holds only the old build.
 */
static int
sim_build_knight(struct sim *sim, const struct sim_options *o, char **cause)
{
	struct proto_flag	 new_flag, old_flag;
	struct proto_build	 builds[2];
	char			 id[PROTO_ID_MAX];
	int			 i, n;

	n = o->routers != 0 ? o->routers : sim_find("knight")->routers;
	sim->nodes = xcalloc((size_t)n, sizeof *sim->nodes);
	sim_rlp_flag(&new_flag, "retail_liquidity");
	sim_rlp_flag(&old_flag, "power_peg");
	sim_build(&builds[0], SIM_KNIGHT_NEW_BUILD, "retail_liquidity",
	    "power_peg");
	sim_build(&builds[1], SIM_KNIGHT_OLD_BUILD, "power_peg", NULL);
	for (i = 0; i < n; i++) {
		util_format(id, sizeof id, "router/r%d", i + 1);
		if (i == n - 1) {
			sim->old_router = sim->nnodes;
			if (sim_add_router(sim, id, "nyse",
			    SIM_KNIGHT_OLD_BUILD, &old_flag, 1, cause) != 0)
				return (-1);
		} else if (sim_add_router(sim, id, "nyse",
		    SIM_KNIGHT_NEW_BUILD, &new_flag, 1, cause) != 0 ||
		    sim_install(sim, builds, 2, cause) != 0)
			return (-1);
	}
	sim->open_ms = sim->day_ms + SIM_KNIGHT_OPEN_S * SIM_SECOND_MS;
	sim->warn_from_ms = sim->day_ms + SIM_KNIGHT_WARN_S * SIM_SECOND_MS;
	sim->next_warning_ms = sim->clock_start_ms > sim->warn_from_ms ?
	    sim->clock_start_ms : sim->warn_from_ms;
	return (0);
}

/* Capital: the root holder and its neighbours, by region. */
static int
sim_build_capital(struct sim *sim, const struct sim_options *o,
    int64_t init_ms, char **cause)
{
	static const char *const regions[] = {
		"north", "east", "south", "west"
	};
	char	id[PROTO_ID_MAX];
	int	i, n;
	size_t	devices;

	n = o->stations != 0 ? o->stations : sim_find("capital")->stations;
	devices = o->devices != 0 ? o->devices : 100;
	sim->nodes = xcalloc((size_t)n, sizeof *sim->nodes);
	sim->capital = 0;
	if (sim_add_station(sim, "station/capital", "central",
	    SIM_STATION_BUILD, devices, 1, init_ms, cause) != 0)
		return (-1);
	for (i = 1; i < n; i++) {
		util_format(id, sizeof id, "station/s%d", i);
		if (sim_add_station(sim, id, regions[i % 4],
		    SIM_STATION_BUILD, devices, 0, init_ms, cause) != 0)
			return (-1);
	}
	sim->target = n - 1 < SIM_CAPITAL_TARGET ? 1 : SIM_CAPITAL_TARGET;
	sim->update_ms = sim->day_ms + SIM_CAPITAL_UPDATE_S * SIM_SECOND_MS;
	sim->malformed_ms = sim->day_ms +
	    SIM_CAPITAL_MALFORMED_S * SIM_SECOND_MS;
	sim->load_from_ms = sim->day_ms + SIM_CAPITAL_LOAD_S * SIM_SECOND_MS;
	sim->queue = xcalloc((size_t)n, sizeof *sim->queue);
	sim_cascade_order(sim);
	return (0);
}

/* Node: the one node vigild node runs, with calm inputs. */
static int
sim_build_node(struct sim *sim, const struct sim_options *o, int64_t init_ms,
    char **cause)
{
	struct proto_flag	 flag;
	const struct proto_flag	*flags = o->flags;
	const char		*prefix, *group, *build;
	char			 id[PROTO_ID_MAX];
	size_t			 nflags = o->nflags;

	if (o->role == ROLE_ROUTER)
		prefix = "router/";
	else if (o->role == ROLE_STATION)
		prefix = "station/";
	else {
		*cause = xasprintf("a node needs a role; give --role router "
		    "or --role station");
		return (-1);
	}
	if (o->id == NULL || o->id[0] == '\0') {
		*cause = xasprintf("a node needs an id; give --id, for "
		    "example --id %sr1", prefix);
		return (-1);
	}
	if (strchr(o->id, '/') == NULL)
		util_format(id, sizeof id, "%s%s", prefix, o->id);
	else if (strncmp(o->id, prefix, strlen(prefix)) == 0)
		util_copy(id, sizeof id, o->id);
	else {
		*cause = xasprintf("node id \"%s\" does not fit role %s; give "
		    "\"%s%s\" or a bare name", o->id, o->role == ROLE_ROUTER ?
		    "router" : "station", prefix, strrchr(o->id, '/') + 1);
		return (-1);
	}
	if (strlen(id) + 1 > PROTO_ID_MAX) {
		*cause = xasprintf("node id \"%s\" is longer than %d "
		    "characters; choose a shorter name", id, PROTO_ID_MAX - 1);
		return (-1);
	}
	group = o->group != NULL ? o->group : "default";
	build = o->build != NULL ? o->build : SIM_NODE_BUILD;
	sim->nodes = xcalloc(1, sizeof *sim->nodes);
	if (o->role == ROLE_ROUTER) {
		if (flags == NULL) {
			sim_rlp_flag(&flag, "retail_liquidity");
			flags = &flag;
			nflags = 1;
		}
		return (sim_add_router(sim, id, group, build, flags, nflags,
		    cause));
	}
	sim->capital = 0;
	return (sim_add_station(sim, id, group, build, o->devices != 0 ?
	    o->devices : 200, 1, init_ms, cause));
}

/*
 * Build the fleet for options at real time now_real_ms.  Returns it, or
 * NULL and an allocated sentence in *cause; nothing is left allocated.
 */
struct sim *
sim_create(const struct sim_options *options, int64_t now_real_ms,
    char **cause)
{
	static const struct sim_options	 defaults = { .start_s = -1 };
	const struct sim_options	*o = options;
	const struct sim_scenario	*sc = NULL;
	struct sim			*sim;
	const char			*name;
	enum sim_kind			 kind;
	int64_t				 now_wall, init_ms, warm_to;
	size_t				 i;
	int				 start_s, rc;

	if (o == NULL)
		o = &defaults;
	name = o->scenario != NULL ? o->scenario : "calm";
	if (strcmp(name, "node") == 0)
		kind = SIM_NODE;
	else if ((sc = sim_find(name)) == NULL) {
		*cause = xasprintf("scenario \"%s\" is not known; choose calm, "
		    "knight or capital", name);
		return (NULL);
	} else if (strcmp(name, "knight") == 0)
		kind = SIM_KNIGHT;
	else if (strcmp(name, "capital") == 0)
		kind = SIM_CAPITAL;
	else
		kind = SIM_CALM;
	if (sim_check_options(o, sc, kind, cause) != 0)
		return (NULL);

	sim = xcalloc(1, sizeof *sim);
	sim->kind = kind;
	util_copy(sim->name, sizeof sim->name, name);
	sim->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)kind;
	sim->real_start_ms = sim->real_last_ms = now_real_ms;
	sim->mono_last_ms = util_mono_ms();
	sim->real_tick_ms = now_real_ms;
	sim->alerts = xcalloc(SIM_ALERT_QUEUE, sizeof *sim->alerts);
	if (kind == SIM_NODE) {
		now_wall = util_wall_ms();
		sim->day_ms = now_wall - now_wall % SIM_DAY_MS;
		sim->clock_start_ms = o->start_s < 0 ? now_wall :
		    sim->day_ms + (int64_t)o->start_s * SIM_SECOND_MS;
		sim->time_scale = o->time_scale > 0 ? o->time_scale : 1;
	} else {
		if (sim_parse_date(sc->date, &sim->day_ms) != 0)
			fatal("scenario %s has a bad date %s", sc->name,
			    sc->date);
		start_s = o->start_s >= 0 ? o->start_s : sc->start_s;
		sim->clock_start_ms = sim->day_ms +
		    (int64_t)start_s * SIM_SECOND_MS;
		sim->time_scale = o->time_scale > 0 ? o->time_scale :
		    sc->time_scale;
	}
	/*
	 * A start later than the scenario's own (--start 14:01:30) must find
	 * the incident as it would have unfolded: warm up only to the
	 * scenario's start, then play its events through to the start asked
	 * for.
	 */
	warm_to = sim->clock_start_ms;
	if (sc != NULL && kind != SIM_CALM &&
	    warm_to > sim->day_ms + (int64_t)sc->start_s * SIM_SECOND_MS)
		warm_to = sim->day_ms + (int64_t)sc->start_s * SIM_SECOND_MS;
	sim->clock_ms = warm_to;
	init_ms = sim_init_time(warm_to);

	switch (kind) {
	case SIM_CALM:
		rc = sim_build_calm(sim, o, init_ms, cause);
		break;
	case SIM_KNIGHT:
		rc = sim_build_knight(sim, o, cause);
		break;
	case SIM_CAPITAL:
		rc = sim_build_capital(sim, o, init_ms, cause);
		break;
	default:
		rc = sim_build_node(sim, o, init_ms, cause);
		break;
	}
	if (rc != 0) {
		sim_free(sim);
		return (NULL);
	}
	/* Every station is looked at once before it may sleep. */
	sim->wake = xcalloc(sim->nnodes - sim->nrouters + 1,
	    sizeof *sim->wake);
	for (i = 0; i < sim->nnodes - sim->nrouters; i++)
		sim->wake[i] = INT64_MIN;
	/* No station's certificate has been reported yet. */
	sim->moved = xcalloc(sim->nnodes + 1, sizeof *sim->moved);
	for (i = sim->nrouters; i < sim->nnodes; i++)
		sim_mark(sim, i);
	if (sim->nnodes > sim->nrouters)
		sim_warm_up(sim, init_ms, warm_to);
	sim_events(sim, sim->clock_ms);
	sim_advance(sim, sim->clock_start_ms, 1);
	return (sim);
}

/* Free the simulator and every node; NULL is fine. */
void
sim_free(struct sim *sim)
{
	size_t	i;

	if (sim == NULL)
		return;
	for (i = 0; i < sim->nnodes; i++) {
		if (sim->nodes[i].router != NULL)
			node_router_free(sim->nodes[i].router);
		if (sim->nodes[i].station != NULL)
			node_station_free(sim->nodes[i].station);
		free(sim->nodes[i].standing);
	}
	for (i = 0; i < sim->nslabs; i++)
		free(sim->slabs[i]);
	free(sim->slabs);
	free(sim->nodes);
	free(sim->wake);
	free(sim->moved);
	free(sim->cascade);
	free(sim->queue);
	free(sim->alerts);
	for (i = 0; sim->facts != NULL && i < PROTO_MAX_TARGETS; i++)
		proto_hello_clear(&sim->facts[i]);
	free(sim->facts);
	free(sim->factp);
	free(sim);
}

/*
 * Play the stations from init_ms, when they started, to start_ms, so that
 * at start each has renewed at its slot after the last hour and its
 * devices have had their heartbeats, like a fleet that has been running.
 * Seconds while the slots pass, then ticks 90 s apart (well inside the
 * device timeout, and few: each tick checks a certificate); no events.
 */
static void
sim_warm_up(struct sim *sim, int64_t init_ms, int64_t start_ms)
{
	int64_t	t = init_ms;

	sim->warming = 1;
	while (t < start_ms) {
		if (t < init_ms + SIM_RENEW_SLOT_MAX_MS)
			t += SIM_SECOND_MS;
		else
			t += SIM_WARM_TICK_MS;
		if (t > start_ms)
			t = start_ms;
		sim_stations(sim, t, t >= init_ms + SIM_RENEW_SLOT_MAX_MS);
	}
	sim->warming = 0;
}

/* Start the clock at real time now_real_ms; see sim.h. */
void
sim_begin(struct sim *sim, int64_t now_real_ms)
{
	if (sim->real_last_ms != sim->real_start_ms)
		fatal("sim_begin: the simulator has already stepped");
	sim->real_start_ms = sim->real_last_ms = now_real_ms;
	sim->mono_last_ms = util_mono_ms();
	sim->real_tick_ms = now_real_ms;
}

/* Advance to real time now_real_ms; see sim.h. */
void
sim_step(struct sim *sim, int64_t now_real_ms)
{
	int64_t	to, mono;
	int	tick;

	if (now_real_ms <= sim->real_last_ms)
		return;
	mono = util_mono_ms();
	to = sim->clock_start_ms + (int64_t)llround((double)(now_real_ms -
	    sim->real_start_ms) * sim->time_scale);
	/*
	 * Heartbeats are per minute and stats go out a few times a real
	 * second, so stations need not tick at every step: each tick
	 * checks a certificate, which a large fleet feels.
	 */
	tick = now_real_ms - sim->real_tick_ms >= SIM_TICK_REAL_MS;
	if (tick)
		sim->real_tick_ms = now_real_ms;
	sim_advance(sim, to, tick);
	sim_routers(sim, now_real_ms, now_real_ms - sim->real_last_ms);
	sim->real_last_ms = now_real_ms;
	sim->mono_last_ms = mono;
}

/*
 * The real time now, on the clock sim_step() is given: its last time
 * and the monotonic time since.  A kill carried out between steps asks
 * the market to cancel at this time, so that the market's answer does
 * not start from the step before.  vigild steps on the monotonic clock
 * itself; a test's fake clock stands still between its steps, so there
 * this is that clock plus the little the test took since.
 */
static int64_t
sim_real_now(const struct sim *sim)
{
	int64_t	since = util_mono_ms() - sim->mono_last_ms;

	return (sim->real_last_ms + (since > 0 ? since : 0));
}

/*
 * Move the scenario clock to to_ms in steps of at most a second; the
 * stations tick at the end if tick.
 */
static void
sim_advance(struct sim *sim, int64_t to_ms, int tick)
{
	int64_t	t = sim->clock_ms, step = SIM_SUBSTEP_MS;

	if (to_ms <= t)
		return;
	if ((to_ms - t) / step > SIM_MAX_SUBSTEPS)
		step = (to_ms - t) / SIM_MAX_SUBSTEPS + 1;
	while (t < to_ms) {
		t = to_ms - t > step ? t + step : to_ms;
		sim_events(sim, t);
		sim_stations(sim, t, tick && t == to_ms);
		sim->clock_ms = t;
	}
}

/* Play the scenario's events due by node clock t. */
static void
sim_events(struct sim *sim, int64_t t)
{
	if (sim->kind == SIM_KNIGHT)
		sim_knight_events(sim, t);
	else if (sim->kind == SIM_CAPITAL)
		sim_capital_events(sim, t);
}

/*
 * Knight: from 08:01 until the open, the old router mails "Power Peg
 * disabled" every minute, which is all the real e-mails said; the cause
 * and action are what an operator needed to read in them.
 */
static void
sim_knight_events(struct sim *sim, int64_t t)
{
	const struct node_router	*r8;
	char				 cause[PROTO_TEXT_MAX];
	char				 action[PROTO_TEXT_MAX];

	r8 = sim->nodes[sim->old_router].router;
	while (sim->next_warning_ms <= t && sim->next_warning_ms <
	    sim->open_ms) {
		util_format(cause, sizeof cause, "%s reports its Power Peg "
		    "code path disabled while parents flagged rlp are queued; "
		    "on build %s flag rlp enables %s, retired code", r8->id,
		    r8->held.build, "power_peg");
		util_format(action, sizeof action, "compare %s's build and "
		    "flag meanings with the fleet before the open; turn rlp "
		    "off there (vigil propose flag %s --set rlp=off) or hold "
		    "its rlp orders", r8->id, r8->id);
		sim_alert(sim, sim->old_router, sim->next_warning_ms,
		    SEV_WARNING, "power-peg", 0, "Power Peg disabled", cause,
		    action);
		sim->next_warning_ms += SIM_MINUTE_MS;
	}
}

/*
 * The neighbours in the order the evidence reaches them: outwards from
 * the station that found it, one ring step at a time on either side.
 */
static void
sim_cascade_order(struct sim *sim)
{
	size_t	n = sim->nnodes - 1, first = sim->target, d;

	/* Neighbour sK is node K: the capital is node 0. */
	sim->cascade = xcalloc(n == 0 ? 1 : n, sizeof *sim->cascade);
	for (d = 1; d < n; d++) {
		if (first + d <= n)
			sim->cascade[sim->ncascade++] = first + d;
		if (first > d)
			sim->cascade[sim->ncascade++] = first - d;
	}
}

/*
 * Capital: the update, the malformed message the capital signs under the
 * renewal load, the neighbour that blacklists it and the evidence going
 * round, one more neighbour every SIM_CASCADE_EVERY_MS.
 */
static void
sim_capital_events(struct sim *sim, int64_t t)
{
	struct node_station	*cap = sim->nodes[sim->capital].station;
	struct node_station	*first, *s;
	struct station_msg	 m;
	char			 text[PROTO_TEXT_MAX], action[PROTO_TEXT_MAX];
	char			*why = NULL;
	int64_t			 at;

	if (!sim->update_done && t >= sim->update_ms) {
		sim->update_done = 1;
		util_format(text, sizeof text, "software update 4.2.1 "
		    "deployed to %s", cap->id);
		util_format(action, sizeof action, "watch %s's messages and "
		    "renewals over the next minutes; roll the update back if "
		    "a peer reports a malformed message", cap->id);
		sim_alert(sim, sim->capital, sim->update_ms, SEV_INFO,
		    "update", 0, text, "a scheduled deployment: 4.2.1 "
		    "rebuilt the message writer with new compiler attributes",
		    action);
	}
	if (!sim->malformed_done && t >= sim->malformed_ms) {
		sim->malformed_done = 1;
		first = sim->nodes[sim->target].station;
		if (node_station_send(cap, &m, 1, sim->malformed_ms,
		    &why) != 0) {
			sim_alert(sim, sim->capital, sim->malformed_ms,
			    SEV_WARNING, "send", 0, "the capital could not "
			    "sign its status message", why, "renew its "
			    "certificate from the root it holds");
			free(why);
		} else if (node_station_receive(first, cap, &m,
		    sim->malformed_ms, sim->evidence,
		    sizeof sim->evidence) == 1) {
			sim->cascade_start_ms = sim->malformed_ms;
			util_format(text, sizeof text, "%s blacklisted %s",
			    first->id, cap->id);
			util_format(action, sizeof action, "%s now refuses "
			    "certificates signed by %s and forwards the "
			    "evidence to its neighbours; check %s's update, "
			    "and move the root to a trusted station before "
			    "the certificates expire", first->id, cap->id,
			    cap->id);
			sim_alert(sim, sim->target, sim->malformed_ms,
			    SEV_WARNING, "blacklist", 0, text, sim->evidence,
			    action);
		}
	}
	if (sim->cascade_start_ms == 0)
		return;
	while (sim->cascade_done < sim->ncascade) {
		at = sim->cascade_start_ms + (int64_t)(sim->cascade_done + 1) *
		    SIM_CASCADE_EVERY_MS;
		if (at > t)
			break;
		s = sim->nodes[sim->cascade[sim->cascade_done]].station;
		first = sim->nodes[sim->target].station;
		if (node_station_blacklist(s, cap->id, first->id,
		    sim->evidence, at) == 1) {
			util_format(text, sizeof text, "%s blacklisted %s",
			    s->id, cap->id);
			util_format(action, sizeof action, "%s now refuses "
			    "certificates signed by %s (evidence forwarded by "
			    "%s); check %s, and move the root to a trusted "
			    "station before the certificates expire", s->id,
			    cap->id, first->id, cap->id);
			sim_alert(sim, sim->cascade[sim->cascade_done], at,
			    SEV_WARNING, "blacklist", 0, text, sim->evidence,
			    action);
		}
		sim->cascade_done++;
	}
}

/* The node index of the station holding the root (the capital at first). */
static size_t
sim_root_holder(const struct sim *sim)
{
	size_t	i;

	for (i = sim->nrouters; i < sim->nnodes; i++) {
		if (sim->nodes[i].station != NULL &&
		    sim->nodes[i].station->root_key != NULL)
			return (i);
	}
	return (sim->capital);
}

/*
 * The station node n asks for renewals: the one named as root holder in
 * what n last heard, if this simulator runs it (found once per change
 * of name), else NULL: a holder in another process cannot be reached
 * through this one's memory.
 */
static struct node_station *
sim_issuer(struct sim *sim, struct sim_node *n)
{
	const char	*holder = n->station->root_holder;
	size_t		 i;

	if (n->issuer_id[0] == '\0' || strcmp(n->issuer_id, holder) != 0) {
		util_copy(n->issuer_id, sizeof n->issuer_id, holder);
		n->issuer = SIZE_MAX;
		for (i = sim->nrouters; i < sim->nnodes; i++) {
			if (strcmp(sim->nodes[i].station->id, holder) == 0) {
				n->issuer = i;
				break;
			}
		}
	}
	return (n->issuer == SIZE_MAX ? NULL : sim->nodes[n->issuer].station);
}

/*
 * The stations at node clock t: renewals that fell due (or retries a
 * minute after a failure), the root holder's queue when it is under
 * load, then heartbeats if tick, then what the stations would warn
 * about.  Ticks are kept few because each checks a certificate; but a
 * station whose certificate runs out before t ticks just before that,
 * so the heartbeats due while it was valid still go out.
 */
static void
sim_stations(struct sim *sim, int64_t t, int tick)
{
	struct sim_node		*n;
	struct node_station	*s, *issuer, *cap = NULL;
	int64_t			*wake;
	size_t			 i, k;
	int			 load;

	if (sim->kind == SIM_CAPITAL)
		cap = sim->nodes[sim->capital].station;
	load = cap != NULL && !sim->warming && t >= sim->load_from_ms;
	for (i = sim->nrouters; i < sim->nnodes; i++) {
		if (t < sim->wake[i - sim->nrouters])
			continue;
		n = &sim->nodes[i];
		s = n->station;
		if (s->last_tick_ms < n->cert_not_after_ms - 1 &&
		    n->cert_not_after_ms <= t)
			node_station_tick(s, n->cert_not_after_ms - 1);
		if (n->queued)
			continue;
		if (!node_station_renewal_due(s, t) &&
		    !node_station_retry_due(s, t))
			continue;
		/* Each station asks the holder it knows of. */
		issuer = sim_issuer(sim, n);
		/*
		 * Under the hour's load the capital signs one renewal at
		 * a time, so requests wait in its queue; a station that
		 * blacklists it does not ask and fails at once.
		 */
		if (load && issuer == cap && s != issuer &&
		    !node_station_blacklists(s, issuer->id)) {
			n->queued = 1;
			n->queued_ms = t;
			sim->queue[(sim->qhead + sim->qcount++) %
			    (sim->nnodes - sim->nrouters)] = i;
			continue;
		}
		sim_renew(sim, i, issuer, t);
	}
	if (cap != NULL)
		sim_serve_queue(sim, cap, t);
	for (i = sim->nrouters; i < sim->nnodes; i++) {
		wake = &sim->wake[i - sim->nrouters];
		if (!tick && t < *wake)
			continue;
		if (tick && (k = i + 2 * SIM_AHEAD) < sim->nnodes)
			node_station_prefetch(sim->nodes[k].station, 0);
		if (tick && (k = i + SIM_AHEAD) < sim->nnodes)
			node_station_prefetch(sim->nodes[k].station, 1);
		if (tick)
			node_station_tick(sim->nodes[i].station, t);
		if (!sim->warming)
			sim_watch_station(sim, i, t);
		*wake = sim_wake(sim, i);
	}
}

/*
 * Node i may change outside a step (the caller holds it, or carries out
 * a command on it): look at a station at the next node second, whatever
 * it was waiting for, and name the node to the server.
 */
static void
sim_stir(struct sim *sim, size_t i)
{
	if (sim->nodes[i].station != NULL && sim->wake != NULL)
		sim->wake[i - sim->nrouters] = INT64_MIN;
	sim_mark(sim, i);
}

/*
 * Node i's cert report or state may have moved: name it to the server
 * (sim_next_moved), once until it is taken.
 */
static void
sim_mark(struct sim *sim, size_t i)
{
	if (sim->moved == NULL || sim->nodes[i].moved)
		return;
	sim->nodes[i].moved = 1;
	sim->moved[sim->nmoved++] = i;
}

/*
 * The node clock before which station node i has nothing for
 * sim_stations() to do but its ticks: no renewal or retry due, no
 * expiry to tick or to report.  Devices fail only at a tick, after
 * which it is watched anyway.  Walking every station's memory at every
 * node second to find most of them with nothing due was most of an
 * idle vigild's work.  Anything else that changes a station (a command,
 * move-root, the capital's scenario) must make it INT64_MIN.
 */
static int64_t
sim_wake(const struct sim *sim, size_t i)
{
	const struct sim_node	*n = &sim->nodes[i];
	int64_t			 w, end = n->cert_not_after_ms;

	if (sim->kind == SIM_CAPITAL || n->queued)
		return (INT64_MIN);
	w = node_station_due_ms(n->station);
	if (n->station->last_tick_ms < end - 1 && end < w)
		w = end;
	if (!n->expiry_alerted && end + 1 < w)
		w = end + 1;
	return (w);
}

/* The root holder signs queued renewals, one per service time. */
static void
sim_serve_queue(struct sim *sim, struct node_station *issuer, int64_t t)
{
	size_t	cap = sim->nnodes - sim->nrouters, i;
	int64_t	at;

	while (sim->qcount > 0) {
		i = sim->queue[sim->qhead];
		at = sim->issuer_free_ms > sim->nodes[i].queued_ms ?
		    sim->issuer_free_ms : sim->nodes[i].queued_ms;
		if (node_station_blacklists(sim->nodes[i].station,
		    issuer->id)) {
			/* It gave up on the capital while it waited. */
			at = t;
		} else if (at > t)
			break;
		else
			sim->issuer_free_ms = at + SIM_CAPITAL_SERVICE_MS;
		sim->qhead = (sim->qhead + 1) % cap;
		sim->qcount--;
		sim->nodes[i].queued = 0;
		sim_renew(sim, i, issuer, at);
	}
}

/* Renew station node i from issuer at t and report the outcome. */
static void
sim_renew(struct sim *sim, size_t i, struct node_station *issuer, int64_t t)
{
	struct sim_node		*n = &sim->nodes[i];
	struct node_station	*s = n->station;
	const struct proto_alert *a;
	char			 text[PROTO_TEXT_MAX], action[PROTO_TEXT_MAX];
	char			 at[16];
	size_t			 k;
	int			 failing = 0;

	for (k = 0; k < n->nstanding; k++) {
		a = &n->standing[k];
		if (strcmp(a->code, "renewal") == 0)
			failing = 1;
	}
	/* An attempt moves the report's renewal, a success its certificate. */
	sim_mark(sim, i);
	if (node_station_renew(s, issuer, t) == 0) {
		sim_note_cert(n);
		n->expiry_alerted = 0;
		if (failing) {
			util_format(text, sizeof text, "%s renewed its "
			    "certificate", s->id);
			sim_alert(sim, i, t, SEV_INFO, "renewal", 1, text,
			    "the root holder signed its renewal",
			    "no action needed");
		}
		return;
	}
	util_format(text, sizeof text, "%s could not renew its certificate",
	    s->id);
	util_format(action, sizeof action, "its certificate runs out at %s "
	    "and its devices fail 3 minutes after their last heartbeat; "
	    "move the root to a station %s trusts, or restore the root "
	    "holder, before then", util_clock_text(n->cert_not_after_ms, at,
	    sizeof at), s->id);
	sim_alert(sim, i, t, SEV_CRITICAL, "renewal", 0, text,
	    s->last_renewal_error, action);
}

/*
 * Warn about what a station can see of itself: its certificate running
 * out (so it can no longer sign heartbeats) and its devices failing.
 */
static void
sim_watch_station(struct sim *sim, size_t i, int64_t t)
{
	struct sim_node		*n = &sim->nodes[i];
	struct node_station	*s = n->station;
	char			 text[PROTO_TEXT_MAX], cause[PROTO_TEXT_MAX];
	char			 at[16];
	uint64_t		 failed = s->counters.devices_failed;

	if (!n->expiry_alerted && t > n->cert_not_after_ms) {
		n->expiry_alerted = 1;
		util_format(text, sizeof text, "%s's certificate expired at "
		    "%s; it can no longer sign heartbeats", s->id,
		    util_clock_text(n->cert_not_after_ms, at, sizeof at));
		util_format(cause, sizeof cause, "%s",
		    s->last_renewal_error[0] != '\0' ? s->last_renewal_error :
		    "no renewal has succeeded since it was issued");
		sim_alert(sim, i, t, SEV_CRITICAL, "cert-expired", 0, text,
		    cause, "renew it from the root holder or move the root "
		    "to a station it trusts; its devices fail 3 minutes "
		    "after their last heartbeat");
	}
	if (failed > n->failed_alerted && (n->failed_alerted == 0 ||
	    failed == s->ndevices)) {
		n->failed_alerted = failed;
		util_format(text, sizeof text, "%llu of %zu devices of %s "
		    "failed: no heartbeat for 3 minutes",
		    (unsigned long long)failed, s->ndevices, s->id);
		util_format(cause, sizeof cause, "%s sends heartbeats only "
		    "with a valid certificate; %s", s->id,
		    s->last_renewal_error[0] != '\0' ? s->last_renewal_error :
		    "its certificate ran out");
		sim_alert(sim, i, t, SEV_CRITICAL, "devices", 0, text, cause,
		    "restore the station's certificate (renew it, or move "
		    "the root); failed devices must be reset where they "
		    "stand");
	}
}

/*
 * Remember the expiry of node n's current certificate, as the station
 * read it once on taking it: filling a whole report for it built the
 * report twice in the step of each renewal, the server's being the
 * other.
 */
static void
sim_note_cert(struct sim_node *n)
{
	n->cert_not_after_ms = n->station->cert_not_after_ms;
}

/*
 * The routers' part of a step at real time now, dt_real ms after the
 * last: each is fed its parent orders, the market answers for its
 * earlier child orders and cancels by the real time since they went
 * out, then it sends.  One pass over the routers, not one for each part:
 * with thousands of them a router's memory is cold again by the next
 * pass, and walking it twice a step cost more than the work done.
 * A router whose state is no longer what its last stats said is named
 * to the server here, so the server need not ask each router again.
 * Parents are paced in real time.  Knight's market is closed before
 * the open (a trickle without rlp); from the open every other parent
 * is flagged rlp, on every router.
 */
static void
sim_routers(struct sim *sim, int64_t now, int64_t dt_real)
{
	struct node_router	*r;
	double			 rate = SIM_PARENTS_PER_S;
	size_t			 i, k;
	int			 open = 1;

	if (sim->kind == SIM_KNIGHT && sim->clock_ms < sim->open_ms) {
		open = 0;
		rate = SIM_TRICKLE_PER_S;
	}
	for (i = 0; i < sim->nrouters; i++) {
		/* Theirs come while this one works (node_router_prefetch). */
		if ((k = i + 2 * SIM_AHEAD) < sim->nrouters)
			node_router_prefetch(sim->nodes[k].router, 0);
		if ((k = i + SIM_AHEAD) < sim->nrouters)
			node_router_prefetch(sim->nodes[k].router, 1);
		r = sim->nodes[i].router;
		sim_feed_router(sim, i, rate * (double)dt_real / 1000.0, open);
		node_router_market(r, now, SIM_FILL_MS, SIM_CANCEL_MS);
		node_router_step(r, now, SIM_MAX_CHILDREN, SIM_CHILD_SIZE);
		if (r->fired)
			sim->fired = 1;
		/* While its memory is at hand (sim_node_state_changed). */
		if (sim->nodes[i].stats_sent && sim->nodes[i].stats_state !=
		    node_router_state(r))
			sim_mark(sim, i);
	}
}

/*
 * Feed router node i the parents it is owed (due more of them, a
 * fraction carried to the next step).  A killed router is sent none:
 * its clients are told it is halted.
 */
static void
sim_feed_router(struct sim *sim, size_t i, double due_more, int open)
{
	struct sim_node		*n = &sim->nodes[i];
	struct node_router	*r = n->router;
	char			 why[PROTO_TEXT_MAX], text[PROTO_TEXT_MAX];
	uint64_t		 shares, k, due;
	int			 rlp;

	if (node_router_killed(r)) {
		n->parent_carry = 0;
		return;
	}
	n->parent_carry += due_more;
	due = (uint64_t)n->parent_carry;
	n->parent_carry -= (double)due;
	if (due > SIM_MAX_PARENTS_STEP) {
		due = SIM_MAX_PARENTS_STEP;
		n->parent_carry = 0;
	}
	for (k = 0; k < due; k++) {
		if (sim->kind == SIM_KNIGHT)
			rlp = open && (r->next_parent % 2 == 0);
		else
			rlp = sim_random(sim) % 4 == 0;
		/* Retail (rlp) parents are small, as they were. */
		shares = (1 + sim_random(sim) % (rlp ? 5 : 20)) * 100;
		if (node_router_parent(r, shares, rlp, why, sizeof why) == 0 ||
		    n->refusal_alerted)
			continue;
		n->refusal_alerted = 1;
		util_format(text, sizeof text, "%s is refusing parent orders",
		    r->id);
		sim_alert(sim, i, sim->clock_ms, SEV_WARNING,
		    "parents-refused", 0, text, why, "halt the router and "
		    "find why its open parents never fill");
	}
}

/*
 * Raise an alert from node i at node clock t: queue it for the server
 * and keep it as the node's standing alert of that code (a clear removes
 * it).  The queue is bounded: when full the oldest alert is dropped and
 * counted, and sim_next_alert() says so.
 */
static void
sim_alert(struct sim *sim, size_t i, int64_t t, enum proto_severity sev,
    const char *code, int clear, const char *text, const char *cause,
    const char *action)
{
	struct proto_alert	*a, alert;

	memset(&alert, 0, sizeof alert);
	util_copy(alert.node, sizeof alert.node, sim_node_id(sim, i));
	alert.clock_ms = t;
	alert.severity = sev;
	util_copy(alert.code, sizeof alert.code, code);
	util_copy(alert.text, sizeof alert.text, text);
	util_copy(alert.cause, sizeof alert.cause, cause);
	util_copy(alert.action, sizeof alert.action, action);
	alert.clear = clear;
	sim_stand(&sim->nodes[i], &alert);

	if (sim->acount == SIM_ALERT_QUEUE) {
		a = &sim->alerts[sim->ahead];
		util_copy(sim->dropped_node, sizeof sim->dropped_node,
		    a->node);
		sim->dropped++;
		sim->ahead = (sim->ahead + 1) % SIM_ALERT_QUEUE;
		sim->acount--;
	}
	sim->alerts[(sim->ahead + sim->acount++) % SIM_ALERT_QUEUE] = alert;
}

/* Keep alert as n's standing alert of its code, or drop it if cleared. */
static void
sim_stand(struct sim_node *n, const struct proto_alert *alert)
{
	size_t	k;

	for (k = 0; k < n->nstanding; k++) {
		if (strcmp(n->standing[k].code, alert->code) == 0)
			break;
	}
	if (alert->clear) {
		if (k < n->nstanding) {
			memmove(&n->standing[k], &n->standing[k + 1],
			    (n->nstanding - k - 1) * sizeof *n->standing);
			n->nstanding--;
		}
		return;
	}
	if (k == n->nstanding) {
		if (n->nstanding == SIM_MAX_STANDING) {
			/* The oldest code gives way; codes are few. */
			memmove(&n->standing[0], &n->standing[1],
			    (n->nstanding - 1) * sizeof *n->standing);
			k = --n->nstanding;
		}
		if (n->standing == NULL)
			n->standing = xcalloc(SIM_MAX_STANDING,
			    sizeof *n->standing);
		n->nstanding++;
	}
	n->standing[k] = *alert;
}

/* Node clock now, in ms since the epoch. */
int64_t
sim_clock_ms(const struct sim *sim)
{
	return (sim->clock_ms);
}

/* Scenario seconds per real second. */
double
sim_time_scale(const struct sim *sim)
{
	return (sim->time_scale);
}

/* "calm", "knight", "capital" or "node". */
const char *
sim_scenario_name(const struct sim *sim)
{
	return (sim->name);
}

/* How many nodes: routers first, then stations. */
size_t
sim_nnodes(const struct sim *sim)
{
	return (sim->nnodes);
}

/* Node i's id; i must be below sim_nnodes() (else fatal). */
const char *
sim_node_id(const struct sim *sim, size_t i)
{
	if (i >= sim->nnodes)
		fatal("sim_node_id: node %zu of %zu", i, sim->nnodes);
	if (sim->nodes[i].router != NULL)
		return (sim->nodes[i].router->id);
	return (sim->nodes[i].station->id);
}

/* Node i's role. */
enum proto_role
sim_node_role(const struct sim *sim, size_t i)
{
	if (i >= sim->nnodes)
		fatal("sim_node_role: node %zu of %zu", i, sim->nnodes);
	return (sim->nodes[i].role);
}

/* Fill node i's hello, with the scenario, clock and scale. */
void
sim_node_hello(const struct sim *sim, size_t i, struct proto_hello *hello)
{
	if (i >= sim->nnodes)
		fatal("sim_node_hello: node %zu of %zu", i, sim->nnodes);
	if (sim->nodes[i].router != NULL)
		node_router_hello(sim->nodes[i].router, hello);
	else
		node_station_hello(sim->nodes[i].station, hello);
	util_copy(hello->scenario, sizeof hello->scenario, sim->name);
	hello->clock_ms = sim->clock_ms;
	hello->time_scale = sim->time_scale;
	hello->link_nodes = 1;
}

/*
 * Fill node i's stats.  Uptime is real time since the simulator started,
 * as the server's steps measured it, so rates are per real second; a
 * station's is when its counters were last moved (it ticks less often
 * than stats go out), or two frames between ticks would read as a rate
 * of zero.
 */
void
sim_node_stats(struct sim *sim, size_t i, struct proto_stats *stats)
{
	if (i >= sim->nnodes)
		fatal("sim_node_stats: node %zu of %zu", i, sim->nnodes);
	if (sim->nodes[i].router != NULL) {
		node_router_stats(sim->nodes[i].router, stats);
		sim->nodes[i].stats_state = stats->router.state;
		sim->nodes[i].stats_sent = 1;
	} else
		node_station_stats(sim->nodes[i].station, stats);
	stats->clock_ms = sim->clock_ms;
	stats->uptime_ms = (sim->nodes[i].router != NULL ?
	    sim->real_last_ms : sim->real_tick_ms) - sim->real_start_ms;
}

/* Fill station i's cert report; -1 for a router. */
int
sim_node_cert(struct sim *sim, size_t i, struct proto_cert *cert,
    int *changed)
{
	struct sim_node	*n;

	if (i >= sim->nnodes)
		fatal("sim_node_cert: node %zu of %zu", i, sim->nnodes);
	n = &sim->nodes[i];
	if (n->station == NULL)
		return (-1);
	/*
	 * Changed by the one rule sim_node_cert_changed() has, which the
	 * server asked first: comparing the filled report again, serial
	 * and all, was the same question twice by two rules.
	 */
	if (changed != NULL)
		*changed = sim_node_cert_changed(sim, i);
	node_station_cert(n->station, cert);
	cert->clock_ms = sim->clock_ms;
	/*
	 * Without changed it is one console's introduction: a change the
	 * consoles already watching were not sent stays for the next
	 * step's check to send them.
	 */
	if (changed == NULL && n->cert_reported)
		return (0);
	n->cert_reported = 1;
	util_copy(n->cert_holder, sizeof n->cert_holder, cert->root_holder);
	n->cert_holds_root = cert->holds_root;
	n->cert_renewal_ms = cert->last_renewal_ms;
	n->cert_seq = n->station->cert_seq;
	return (0);
}

/*
 * Whether station i's cert report differs from its last: its
 * certificate (by number: a new serial comes only with a new
 * certificate), renewal or root holder, read from the station itself.
 * Asked for every watched station at every step, so it reads neither
 * the certificate nor its memo; sim_node_cert() says changed by it.
 */
int
sim_node_cert_changed(const struct sim *sim, size_t i)
{
	const struct sim_node		*n;
	const struct node_station	*s;

	if (i >= sim->nnodes)
		fatal("sim_node_cert_changed: node %zu of %zu", i,
		    sim->nnodes);
	n = &sim->nodes[i];
	if ((s = n->station) == NULL)
		return (0);
	return (!n->cert_reported || n->cert_seq != s->cert_seq ||
	    n->cert_renewal_ms != s->last_renewal_ms ||
	    n->cert_holds_root != (s->root_key != NULL) ||
	    strcmp(n->cert_holder, s->root_holder) != 0);
}

/* The next node named by sim_mark(); see sim.h. */
int
sim_next_moved(struct sim *sim, size_t *i)
{
	if (sim->nmoved == 0)
		return (0);
	*i = sim->moved[--sim->nmoved];
	sim->nodes[*i].moved = 0;
	return (1);
}

/* Whether router i's state moved since its last stats; see sim.h. */
int
sim_node_state_changed(const struct sim *sim, size_t i)
{
	const struct sim_node	*n;

	if (i >= sim->nnodes)
		fatal("sim_node_state_changed: node %zu of %zu", i,
		    sim->nnodes);
	n = &sim->nodes[i];
	return (n->router != NULL && n->stats_sent &&
	    n->stats_state != node_router_state(n->router));
}

/* The hellos of cmd's targets run here; see sim.h. */
void
sim_plan_facts(struct sim *sim, const struct proto_command *cmd,
    struct command_node_state *state)
{
	size_t	i, k, n = 0;

	if (sim->facts == NULL) {
		sim->facts = xcalloc(PROTO_MAX_TARGETS, sizeof *sim->facts);
		sim->factp = xcalloc(PROTO_MAX_TARGETS, sizeof *sim->factp);
	}
	for (k = 0; k < cmd->ntargets && k < PROTO_MAX_TARGETS; k++) {
		for (i = 0; i < sim->nnodes; i++) {
			if (strcmp(sim_node_id(sim, i),
			    cmd->targets[k].node) != 0)
				continue;
			proto_hello_clear(&sim->facts[n]);
			sim_node_hello(sim, i, &sim->facts[n]);
			sim->factp[n] = &sim->facts[n];
			n++;
			break;
		}
	}
	state->fleet = sim->factp;
	state->nfleet = n;
}

/* Carry out a rollback or a flag change on node i. */
static int
sim_node_change(struct sim *sim, size_t i, const struct proto_command *cmd,
    char *cause, size_t causelen)
{
	struct sim_node			*n = &sim->nodes[i];
	struct proto_plan_request	 req;

	if (proto_plan_request_parse(cmd, &req, cause, causelen) != 0)
		return (-1);
	if (strcmp(req.action, "rollback") == 0)
		return (n->router != NULL ? node_router_rollback(n->router,
		    req.to, cause, causelen) : proto_plan_activate(
		    &n->station->held, n->station->id, req.to, cause,
		    causelen) != NULL ? 0 : -1);
	if (n->router == NULL) {
		util_format(cause, causelen, "%s is a station: flag applies "
		    "only to routers; propose it for a router",
		    sim_node_id(sim, i));
		return (-1);
	}
	return (node_router_set_flag(n->router, req.flag,
	    strcmp(req.set, "on") == 0, cause, causelen));
}

/* Station i's node, or NULL for a router; see sim.h. */
struct node_station *
sim_node_station(struct sim *sim, size_t i)
{
	if (i >= sim->nnodes)
		fatal("sim_node_station: node %zu of %zu", i, sim->nnodes);
	sim_stir(sim, i);
	return (sim->nodes[i].station);
}

/* Carry out an approved command on node i; see sim.h. */
int
sim_node_command(struct sim *sim, size_t i, const struct proto_command *cmd,
    char *cause, size_t causelen)
{
	struct node_router	*r;
	size_t			 k;

	if (i >= sim->nnodes)
		fatal("sim_node_command: node %zu of %zu", i, sim->nnodes);
	sim_stir(sim, i);
	r = sim->nodes[i].router;
	if (proto_plan_applies(cmd->action))
		return (sim_node_change(sim, i, cmd, cause, causelen));
	if (r != NULL && (strcmp(cmd->action, "arm-kill") == 0 ||
	    strcmp(cmd->action, "disarm") == 0)) {
		node_router_arm(r, strcmp(cmd->action, "arm-kill") == 0);
		return (0);
	}
	if (strcmp(cmd->action, "kill") != 0 &&
	    strcmp(cmd->action, "resume") != 0) {
		util_format(cause, causelen, "%s cannot carry out %s: this "
		    "vigild carries out kill, resume, flag, arm-kill and "
		    "disarm on routers and rollback on routers and stations; "
		    "cancel the command and act on the node another way",
		    sim_node_id(sim, i), cmd->action);
		return (-1);
	}
	if (r == NULL) {
		util_format(cause, causelen, "%s is a station: %s applies "
		    "only to routers; propose it for a router",
		    sim_node_id(sim, i), cmd->action);
		return (-1);
	}
	if (strcmp(cmd->action, "resume") == 0) {
		if (node_router_resume(r, cause, causelen) != 0)
			return (-1);
		for (k = 0; k < sim->nodes[i].nstanding; k++) {
			if (strcmp(sim->nodes[i].standing[k].code,
			    "armed-kill-fired") == 0) {
				sim_alert(sim, i, sim->clock_ms, SEV_INFO,
				    "armed-kill-fired", 1, "resumed", "", "");
				break;
			}
		}
		return (0);
	}
	if (node_router_killed(r)) {
		util_format(cause, causelen, "%s is already %s: its child "
		    "orders are stopped; resume it with a two-person resume",
		    r->id, proto_state_name(node_router_state(r)));
		return (-1);
	}
	node_router_kill(r);
	/* This loop is the order path's: the cancels go out now. */
	node_router_halt(r, sim_real_now(sim));
	return (0);
}

/* Raise an alert on node i from outside the scenario; see sim.h. */
void
sim_node_raise(struct sim *sim, size_t i, enum proto_severity sev,
    const char *code, const char *text, const char *cause,
    const char *action)
{
	if (i < sim->nnodes)
		sim_alert(sim, i, sim->clock_ms, sev, code, 0, text, cause,
		    action);
}

/* Disarm node i's own kill (its window closed); see sim.h. */
void
sim_node_disarm(struct sim *sim, size_t i)
{
	if (i < sim->nnodes && sim->nodes[i].router != NULL)
		node_router_arm(sim->nodes[i].router, 0);
}

/* Fire node i's armed kill at an operator's word; see sim.h. */
void
sim_node_fire(struct sim *sim, size_t i)
{
	if (i < sim->nnodes && sim->nodes[i].router != NULL) {
		node_router_arm(sim->nodes[i].router, 0);
		node_router_kill(sim->nodes[i].router);
		node_router_halt(sim->nodes[i].router, sim_real_now(sim));
	}
}

/* Did any router fire its armed kill since the last call?  See sim.h. */
int
sim_any_fired(struct sim *sim)
{
	int	fired = sim->fired;

	sim->fired = 0;
	return (fired);
}

/* Did node i fire its armed kill on itself?  See sim.h. */
int
sim_node_fired(struct sim *sim, size_t i, char *why, size_t len)
{
	if (i >= sim->nnodes || sim->nodes[i].router == NULL)
		return (0);
	return (node_router_fired(sim->nodes[i].router, why, len));
}

/* Fill node i's id, build and state for binding a command. */
void
sim_node_state(const struct sim *sim, size_t i,
    struct command_node_state *state)
{
	const struct sim_node	*n;

	if (i >= sim->nnodes)
		fatal("sim_node_state: node %zu of %zu", i, sim->nnodes);
	n = &sim->nodes[i];
	memset(state, 0, sizeof *state);
	util_copy(state->node, sizeof state->node, sim_node_id(sim, i));
	if (n->router != NULL) {
		util_copy(state->build, sizeof state->build,
		    n->router->held.build);
		state->state = node_router_state(n->router);
	} else {
		util_copy(state->build, sizeof state->build,
		    n->station->held.build);
		state->state = STATE_RUNNING;
	}
}

/* Take the next queued alert; 1 if one was filled, else 0. */
int
sim_next_alert(struct sim *sim, struct proto_alert *alert)
{
	if (sim->dropped > 0) {
		memset(alert, 0, sizeof *alert);
		util_copy(alert->node, sizeof alert->node, sim->dropped_node);
		alert->clock_ms = sim->clock_ms;
		alert->severity = SEV_INFO;
		util_copy(alert->code, sizeof alert->code, "alerts-dropped");
		util_format(alert->text, sizeof alert->text, "%llu alerts "
		    "were dropped before the server collected them",
		    (unsigned long long)sim->dropped);
		util_format(alert->cause, sizeof alert->cause, "the "
		    "simulator keeps at most %d alerts waiting, and more were "
		    "raised than the server took", SIM_ALERT_QUEUE);
		util_copy(alert->action, sizeof alert->action, "reconnect to "
		    "see each node's standing alerts; the latest of each kind "
		    "is kept");
		sim->dropped = 0;
		return (1);
	}
	if (sim->acount == 0)
		return (0);
	*alert = sim->alerts[sim->ahead];
	sim->ahead = (sim->ahead + 1) % SIM_ALERT_QUEUE;
	sim->acount--;
	return (1);
}

/* Node i's standing alerts, for a console that just connected. */
size_t
sim_node_alerts(const struct sim *sim, size_t i,
    const struct proto_alert **alerts)
{
	if (i >= sim->nnodes)
		fatal("sim_node_alerts: node %zu of %zu", i, sim->nnodes);
	*alerts = sim->nodes[i].standing;
	return (sim->nodes[i].nstanding);
}
