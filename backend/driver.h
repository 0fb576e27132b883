/*
 * driver.h: what the server (server.c) needs from the nodes it serves,
 * whoever supplies their facts and carries out their commands: the
 * simulator (sim.c, sim_driver) or the agent for one real node
 * (agent.c).  The server, the rule engine (command.c) and the audit log
 * are the same for both; only these operations differ.
 */
#ifndef VIGIL_DRIVER_H
#define VIGIL_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct command_node_state;
struct command_pending;
struct sim;

/* What a command did on a node: see driver_ops.node_command. */
enum driver_done {
	DRIVER_REFUSED = -1,	/* not carried out; the cause says why */
	DRIVER_DONE = 0,	/* carried out now */
	DRIVER_STARTED = 1,	/* under way; server_command_done() later */
};

/*
 * One operation per thing the server asks of its nodes, numbered 0 ..
 * nnodes()-1; each takes the driver's arg first.  Every one is called
 * from the event loop only.
 */
struct driver_ops {
	/* How many nodes, and node i's id and role. */
	size_t		 (*nnodes)(void *arg);
	const char	*(*node_id)(void *arg, size_t i);
	enum proto_role	 (*node_role)(void *arg, size_t i);
	/* Advance to real monotonic time now_ms (every SERVER_STEP_MS). */
	void		 (*step)(void *arg, int64_t now_ms);
	/* The nodes' clock now, ms since the epoch. */
	int64_t		 (*clock_ms)(void *arg);
	/* Fill node i's hello. */
	void		 (*node_hello)(void *arg, size_t i,
			    struct proto_hello *hello);
	/*
	 * Fill node i's current stats.  Returns 0, or -1 when it has none
	 * worth sending (its source went quiet): consoles then see the
	 * node go stale, as they see a silent backend.
	 */
	int		 (*node_stats)(void *arg, size_t i,
			    struct proto_stats *stats);
	/* As sim_node_cert(). */
	int		 (*node_cert)(void *arg, size_t i,
			    struct proto_cert *cert, int *changed);
	/*
	 * May be NULL.  Whether node_cert's *changed could be 1 now; 0 lets
	 * the server skip filling a report it would not send (as
	 * sim_node_cert_changed()).
	 */
	int		 (*node_cert_changed)(void *arg, size_t i);
	/*
	 * Carry out p on node i after the two-person rule and its audit
	 * entry.  Returns a driver_done; with DRIVER_REFUSED a sentence is
	 * in cause.
	 */
	enum driver_done (*node_command)(void *arg, size_t i,
			    const struct command_pending *p, char *cause,
			    size_t causelen);
	/*
	 * May be NULL.  Returns 0 when node i can carry out action at all,
	 * or -1 with a sentence in cause; a proposal of it is then refused
	 * before anyone signs it in vain.
	 */
	int		 (*node_accepts)(void *arg, size_t i,
			    const char *action, char *cause, size_t causelen);
	/* What node i is now, for binding a command (sim_node_state). */
	void		 (*node_state)(void *arg, size_t i,
			    struct command_node_state *state);
	/*
	 * May be NULL.  Whether node i's state differs from what its last
	 * stats said, so the server sends stats at once (as
	 * sim_node_state_changed()).
	 */
	int		 (*node_state_changed)(void *arg, size_t i);
	/*
	 * May be NULL.  The next node for which node_cert_changed or
	 * node_state_changed may have become 1 since it was last taken
	 * (as sim_next_moved()): 1 with *i filled, 0 when none is left.
	 * The server then asks those two only of these nodes, of the
	 * nodes whose stats are due and of a console's new nodes; without
	 * it, of every node a console watches, at every step.
	 */
	int		 (*next_moved)(void *arg, size_t *i);
	/*
	 * May be NULL.  Point state->fleet at the hellos of cmd's targets
	 * this driver serves, for a rollback's or flag change's plan (as
	 * sim_plan_facts()).
	 */
	void		 (*plan_facts)(void *arg,
			    const struct proto_command *cmd,
			    struct command_node_state *state);
	/*
	 * The armed kill (as sim_node_fire(), sim_node_fired(),
	 * sim_node_raise() and sim_node_disarm()): all NULL when the
	 * driver's nodes carry out no arm-kill, which node_command and
	 * node_accepts then refuse.
	 */
	void		 (*node_fire)(void *arg, size_t i);
	int		 (*node_fired)(void *arg, size_t i, char *why,
			    size_t len);
	/*
	 * May be NULL.  Whether node_fired could be 1 for any node now (as
	 * sim_any_fired()); 0 lets the server skip asking each node.
	 */
	int		 (*any_fired)(void *arg);
	void		 (*node_raise)(void *arg, size_t i,
			    enum proto_severity sev, const char *code,
			    const char *text, const char *cause,
			    const char *action);
	void		 (*node_disarm)(void *arg, size_t i);
	/*
	 * May be NULL.  The simulator behind the nodes, for what only a
	 * simulated station does (move-root's sealed key, move.h); NULL
	 * for a real node, whose move-root is then refused in words.
	 */
	struct sim	*(*sim)(void *arg);
	/* As sim_next_alert() and sim_node_alerts(). */
	int		 (*next_alert)(void *arg, struct proto_alert *alert);
	size_t		 (*node_alerts)(void *arg, size_t i,
			    const struct proto_alert **alerts);
};

struct driver {
	const struct driver_ops	*ops;
	void			*arg;
};

#endif
