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
static enum driver_done	 sim_driver_node_command(void *, size_t,
			    const struct command_pending *, char *, size_t);
static void		 sim_driver_node_state(void *, size_t,
			    struct command_node_state *);
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
	.node_command = sim_driver_node_command,
	.node_state = sim_driver_node_state,
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
