/*
 * sim.h: the simulator and its scenarios.  It owns the nodes of one vigild
 * process (routers and stations, the same code a real deployment drives)
 * and supplies only their inputs: parent orders, devices, messages
 * between stations and time.  The server (server.c) calls sim_step() from
 * a timer and turns what the nodes report into frames.
 *
 * Each scenario runs on its own clock, as its incident did:
 *   calm     a healthy fleet (the default), from 10:00:00, scale 60;
 *   knight   8 routers from 08:00:00 on 2012-08-01; r8 on the old build,
 *            where "rlp" enables power_peg; "Power Peg disabled" warnings
 *            from 08:01; the open at 09:30 wakes the runaway;
 *   capital  a capital station holding the root and its neighbours, from
 *            13:59:50; an update at 13:59:58, a malformed but validly
 *            signed message near 14:00:06, the blacklist cascade,
 *            renewal failing at the hour, device countdowns running out.
 */
#ifndef VIGIL_SIM_H
#define VIGIL_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct sim;
struct command_node_state;
struct driver;
struct node_station;

struct sim_options {
	const char	*scenario;	/* "calm" (default), "knight",
					   "capital", or "node" for vigild
					   node's single node */
	int		 routers;	/* 0: the scenario's default */
	int		 stations;	/* 0: the scenario's default */
	double		 time_scale;	/* 0: the scenario's default */
	int		 start_s;	/* -1: scenario's default start,
					   else seconds after midnight */
	size_t		 devices;	/* per station; 0: default */

	/*
	 * A gateway's share of a calm fleet: only nodes slice_first ..
	 * slice_first + slice_count - 1 of the whole fleet (routers first,
	 * as numbered without a slice) are built; slice_count 0 builds
	 * them all.  A share without station/capital has its first
	 * station hold a root of its own, as one process cannot renew
	 * from another's.
	 */
	size_t		 slice_first;
	size_t		 slice_count;

	/* For scenario "node": the one node to run. */
	enum proto_role	 role;
	const char	*id;		/* "router/r1" or "r1" */
	const char	*group;		/* NULL: "default" */
	const char	*build;		/* NULL: a default build */
	const struct proto_flag *flags;	/* NULL: the build's manifest */
	size_t		 nflags;
};

/* A scenario's name, a line about it, and its defaults. */
struct sim_scenario {
	const char	*name;
	const char	*summary;
	const char	*date;		/* "2012-08-01" */
	int		 start_s;	/* seconds after midnight */
	double		 time_scale;
	int		 routers;
	int		 stations;
};

extern const struct sim_scenario sim_scenarios[];
extern const size_t sim_nscenarios;

/*
 * Build the fleet for options, starting its clock at real monotonic time
 * now_real_ms.  Returns the simulator, or NULL and an allocated sentence
 * in *cause (unknown scenario, bad counts, key or certificate trouble).
 */
struct sim	*sim_create(const struct sim_options *options,
		    int64_t now_real_ms, char **cause);
void		 sim_free(struct sim *sim);

/*
 * Start the scenario's clock at real monotonic time now_real_ms, when
 * serving starts, before the first sim_step(): the time spent starting
 * (a minute at 10,000 nodes, an hour of node clock at scale 60) is not
 * played at once on the first step, which would renew every station and
 * hand each router a minute's parent orders together.
 */
void		 sim_begin(struct sim *sim, int64_t now_real_ms);

/*
 * Advance to real monotonic time now_real_ms: move the clock, feed the
 * routers their parents and run their order paths, tick the stations,
 * renew certificates at the hour, play the scenario's events.  Alerts the
 * nodes raise are queued (see sim_next_alert).  Call it every 50-100 ms.
 */
void		 sim_step(struct sim *sim, int64_t now_real_ms);

/* Node clock now (ms since the epoch) and its scale. */
int64_t		 sim_clock_ms(const struct sim *sim);
double		 sim_time_scale(const struct sim *sim);
const char	*sim_scenario_name(const struct sim *sim);

/* Nodes are numbered 0 .. sim_nnodes()-1, routers first. */
size_t		 sim_nnodes(const struct sim *sim);
const char	*sim_node_id(const struct sim *sim, size_t i);
enum proto_role	 sim_node_role(const struct sim *sim, size_t i);

/*
 * Fill a node's hello (with clock and scale; link_nodes set to 1); its
 * builds are allocated: proto_hello_clear() frees them.
 */
void		 sim_node_hello(const struct sim *sim, size_t i,
		    struct proto_hello *hello);
/* Fill a node's current stats (with clock). */
void		 sim_node_stats(struct sim *sim, size_t i,
		    struct proto_stats *stats);
/*
 * Whether router i's state ("running", "halting", "killed") is not what
 * its last sim_node_stats() said, so the server sends stats at once
 * instead of at the next period.  0 for a station, and before any stats.
 */
int		 sim_node_state_changed(const struct sim *sim, size_t i);
/*
 * Fill a station's certificate report.  Returns 0, or -1 for a router.
 * *changed (if not NULL) is set to whether it changed (certificate,
 * renewal or root holder) since the last call for this node, as
 * sim_node_cert_changed() says, so the server sends cert at once, and
 * only when needed.  Without changed (one console's introduction), a
 * change since the last call with it stays one for the next.
 */
int		 sim_node_cert(struct sim *sim, size_t i,
		    struct proto_cert *cert, int *changed);
/*
 * Whether station i's certificate report may have changed since the
 * last sim_node_cert() for it: 0 means *changed would be 0 there, so the
 * server need not fill the report to find out.  0 for a router.
 */
int		 sim_node_cert_changed(const struct sim *sim, size_t i);
/*
 * Take the next node for which sim_node_cert_changed() or
 * sim_node_state_changed() may have become 1 since it was last taken:
 * returns 1 with *i filled, or 0 when none is left.  A node is named
 * once until taken, in no order.  Every node for which either says 1
 * was named at or after the change that made it so (every station at
 * the start, as no report has gone out), and a router again at each
 * step while its state differs, so the server asks only these at each
 * step, not every node it serves.
 */
int		 sim_next_moved(struct sim *sim, size_t *i);

/*
 * Station i itself, for the server's move-root (move.h), or NULL for a
 * router.  Its certificate report changes when its holder does.
 */
struct node_station *sim_node_station(struct sim *sim, size_t i);

/*
 * Carry out an approved command on node i: "kill" or "resume" on a
 * router (node_router_kill, node_router_resume).  Returns 0, or -1 and a
 * sentence in cause when the node cannot (a station, an action this
 * vigild does not carry out, a router already killed, or a resume while
 * it is not "killed"); nothing changes then.  The two-person rule is
 * checked before this is called (command.h), not here.
 */
int		 sim_node_command(struct sim *sim, size_t i,
		    const struct proto_command *cmd, char *cause,
		    size_t causelen);

/*
 * Raise an alert on node i that the scenario did not (an armed kill
 * fired): it is queued for sim_next_alert() and stands for consoles
 * that connect later.  A resume of the router clears it.
 */
void		 sim_node_raise(struct sim *sim, size_t i,
		    enum proto_severity sev, const char *code,
		    const char *text, const char *cause, const char *action);

/* Disarm node i's own kill, when its armed kill's window closed. */
void		 sim_node_disarm(struct sim *sim, size_t i);

/* Kill node i at once for a fired armed kill, and disarm it. */
void		 sim_node_fire(struct sim *sim, size_t i);

/*
 * Did router i fire its armed kill on itself (its child shares passed a
 * parent's) since the last call?  1 and why in words, else 0.
 */
int		 sim_node_fired(struct sim *sim, size_t i, char *why,
		    size_t len);

/*
 * Might a router have fired its armed kill since the last call?  0
 * means sim_node_fired() would say 0 for every node, so the server need
 * not ask each of thousands at every step.
 */
int		 sim_any_fired(struct sim *sim);

/*
 * Fill what node i is now, for binding a command to the state its
 * proposer saw: id, build, and "running", "halting" or "killed" for a
 * router ("running" for a station).
 */
void		 sim_node_state(const struct sim *sim, size_t i,
		    struct command_node_state *state);

/*
 * Point state->fleet at the hellos of cmd's targets that this simulator
 * runs, for the plan of a rollback or flag change (proto-plan.h).  They
 * stay valid until the next call or sim_free().
 */
void		 sim_plan_facts(struct sim *sim,
		    const struct proto_command *cmd,
		    struct command_node_state *state);

/*
 * Take the next alert a node raised since the last call.  Returns 1 and
 * fills *alert (with node and clock set), or 0 when none are queued.
 * Standing alerts are also kept per node: sim_node_alerts() lists the
 * ones a newly connected console should be told about.
 */
int		 sim_next_alert(struct sim *sim, struct proto_alert *alert);
size_t		 sim_node_alerts(const struct sim *sim, size_t i,
		    const struct proto_alert **alerts);

/* Fill d so that the server drives sim's nodes (sim-driver.c). */
void		 sim_driver(struct sim *sim, struct driver *d);

#endif
