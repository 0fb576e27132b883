/*
 * sim-driver.c: the simulator as a driver (driver.h), so that the
 * server serves simulated nodes through the same operations as the
 * agent's real one.  Each operation is the sim_*() function of the same
 * name; a command is carried out at once.
 */
#include <stddef.h>
#include <stdint.h>

#include "command.h"
#include "driver.h"
#include "sim.h"

static size_t		 sim_driver_nnodes(void *);
static const char	*sim_driver_node_id(void *, size_t);
static enum proto_role	 sim_driver_node_role(void *, size_t);
static void		 sim_driver_step(void *, int64_t);
static int64_t		 sim_driver_clock_ms(void *);
static void		 sim_driver_node_hello(void *, size_t,
			    struct proto_hello *);
static int		 sim_driver_node_stats(void *, size_t,
			    struct proto_stats *);
static int		 sim_driver_node_cert(void *, size_t,
			    struct proto_cert *, int *);
static int		 sim_driver_node_cert_changed(void *, size_t);
static enum driver_done	 sim_driver_node_command(void *, size_t,
			    const struct command_pending *, char *, size_t);
static void		 sim_driver_node_state(void *, size_t,
			    struct command_node_state *);
static int		 sim_driver_node_state_changed(void *, size_t);
static int		 sim_driver_next_moved(void *, size_t *);
static void		 sim_driver_plan_facts(void *,
			    const struct proto_command *,
			    struct command_node_state *);
static void		 sim_driver_node_fire(void *, size_t);
static int		 sim_driver_node_fired(void *, size_t, char *, size_t);
static int		 sim_driver_any_fired(void *);
static void		 sim_driver_node_raise(void *, size_t,
			    enum proto_severity, const char *, const char *,
			    const char *, const char *);
static void		 sim_driver_node_disarm(void *, size_t);
static struct sim	*sim_driver_sim(void *);
static int		 sim_driver_next_alert(void *, struct proto_alert *);
static size_t		 sim_driver_node_alerts(void *, size_t,
			    const struct proto_alert **);

static const struct driver_ops sim_driver_ops = {
	.nnodes = sim_driver_nnodes,
	.node_id = sim_driver_node_id,
	.node_role = sim_driver_node_role,
	.step = sim_driver_step,
	.clock_ms = sim_driver_clock_ms,
	.node_hello = sim_driver_node_hello,
	.node_stats = sim_driver_node_stats,
	.node_cert = sim_driver_node_cert,
	.node_cert_changed = sim_driver_node_cert_changed,
	.node_command = sim_driver_node_command,
	.node_state = sim_driver_node_state,
	.node_state_changed = sim_driver_node_state_changed,
	.next_moved = sim_driver_next_moved,
	.plan_facts = sim_driver_plan_facts,
	.node_fire = sim_driver_node_fire,
	.node_fired = sim_driver_node_fired,
	.any_fired = sim_driver_any_fired,
	.node_raise = sim_driver_node_raise,
	.node_disarm = sim_driver_node_disarm,
	.sim = sim_driver_sim,
	.next_alert = sim_driver_next_alert,
	.node_alerts = sim_driver_node_alerts,
};

/* Fill d so that it drives sim's nodes. */
void
sim_driver(struct sim *sim, struct driver *d)
{
	d->ops = &sim_driver_ops;
	d->arg = sim;
}

/* sim_nnodes(). */
static size_t
sim_driver_nnodes(void *arg)
{
	return (sim_nnodes(arg));
}

/* sim_node_id(). */
static const char *
sim_driver_node_id(void *arg, size_t i)
{
	return (sim_node_id(arg, i));
}

/* sim_node_role(). */
static enum proto_role
sim_driver_node_role(void *arg, size_t i)
{
	return (sim_node_role(arg, i));
}

/* sim_step(). */
static void
sim_driver_step(void *arg, int64_t now_ms)
{
	sim_step(arg, now_ms);
}

/* sim_clock_ms(). */
static int64_t
sim_driver_clock_ms(void *arg)
{
	return (sim_clock_ms(arg));
}

/* sim_node_hello(). */
static void
sim_driver_node_hello(void *arg, size_t i, struct proto_hello *hello)
{
	sim_node_hello(arg, i, hello);
}

/* sim_node_stats(): a simulated node always has stats. */
static int
sim_driver_node_stats(void *arg, size_t i, struct proto_stats *stats)
{
	sim_node_stats(arg, i, stats);
	return (0);
}

/* sim_node_cert(). */
static int
sim_driver_node_cert(void *arg, size_t i, struct proto_cert *cert,
    int *changed)
{
	return (sim_node_cert(arg, i, cert, changed));
}

/* sim_node_cert_changed(). */
static int
sim_driver_node_cert_changed(void *arg, size_t i)
{
	return (sim_node_cert_changed(arg, i));
}

/* sim_node_command(): done at once, or refused. */
static enum driver_done
sim_driver_node_command(void *arg, size_t i, const struct command_pending *p,
    char *cause, size_t causelen)
{
	if (sim_node_command(arg, i, &p->cmd, cause, causelen) != 0)
		return (DRIVER_REFUSED);
	return (DRIVER_DONE);
}

/* sim_node_state(). */
static void
sim_driver_node_state(void *arg, size_t i, struct command_node_state *state)
{
	sim_node_state(arg, i, state);
}

/* sim_node_state_changed(). */
static int
sim_driver_node_state_changed(void *arg, size_t i)
{
	return (sim_node_state_changed(arg, i));
}

/* sim_next_moved(). */
static int
sim_driver_next_moved(void *arg, size_t *i)
{
	return (sim_next_moved(arg, i));
}

/* sim_plan_facts(). */
static void
sim_driver_plan_facts(void *arg, const struct proto_command *cmd,
    struct command_node_state *state)
{
	sim_plan_facts(arg, cmd, state);
}

/* sim_node_fire(). */
static void
sim_driver_node_fire(void *arg, size_t i)
{
	sim_node_fire(arg, i);
}

/* sim_node_fired(). */
static int
sim_driver_node_fired(void *arg, size_t i, char *why, size_t len)
{
	return (sim_node_fired(arg, i, why, len));
}

/* sim_any_fired(). */
static int
sim_driver_any_fired(void *arg)
{
	return (sim_any_fired(arg));
}

/* sim_node_raise(). */
static void
sim_driver_node_raise(void *arg, size_t i, enum proto_severity sev,
    const char *code, const char *text, const char *cause, const char *action)
{
	sim_node_raise(arg, i, sev, code, text, cause, action);
}

/* sim_node_disarm(). */
static void
sim_driver_node_disarm(void *arg, size_t i)
{
	sim_node_disarm(arg, i);
}

/* The simulator itself. */
static struct sim *
sim_driver_sim(void *arg)
{
	return (arg);
}

/* sim_next_alert(). */
static int
sim_driver_next_alert(void *arg, struct proto_alert *alert)
{
	return (sim_next_alert(arg, alert));
}

/* sim_node_alerts(). */
static size_t
sim_driver_node_alerts(void *arg, size_t i, const struct proto_alert **alerts)
{
	return (sim_node_alerts(arg, i, alerts));
}
