/*
 * demo.h: vigil --demo: an embedded fleet to look at.
 *
 * It starts `vigild fleet --scenario S --fleet-file DIR/fleet
 * --base-port 0` in a private temporary directory, waits for vigild to
 * write the fleet file (it does so once every node listens), and stops
 * vigild and removes the directory when vigil ends.  The directory also
 * holds two operators' keys (alice.key, bob.key) and a trust file naming
 * both, which vigild is given with --trust, and its audit logs
 * (--audit-dir DIR/audit), so the demo can show two-person commands.
 */
#ifndef VIGIL_DEMO_H
#define VIGIL_DEMO_H

#include <stddef.h>

struct demo;

#define DEMO_START_MS	10000	/* wait this long for the fleet file */
#define DEMO_NOPERATORS	2	/* alice signs here, bob joins */

struct demo_options {
	const char	*scenario;	/* "calm", "knight", "capital" */
	const char	*time_scale;	/* --time-scale, or NULL */
	const char	*start;		/* --start HH:MM:SS, or NULL */
	/* The console's own operator (--key, VIGIL_KEY), or NULL: the
	   demo trusts their key too, in place of its operator of that
	   name, and the other joins. */
	const char	*operator;
	const char	*operator_line;	/* their trust-file line */
	/* The signal noted since loop_hold_signals(), or 0: a nonzero
	   one ends the wait for vigild (NULL: wait regardless). */
	int		(*stopping)(void);
};

/*
 * Find vigild: $VIGIL_VIGILD when set, else next to the running vigil,
 * else ../sbin/vigild beside it (an installed tree), else "vigild" on
 * PATH.  Returns an allocated path or name.
 */
char		*demo_find_vigild(void);

/*
 * Ask vigild for the scenarios it can run ("vigild help scenarios"): the
 * console does not link the simulator.  Returns an allocated text, one
 * "NAME SUMMARY" a line, or NULL and an allocated sentence in *cause.
 */
char		*demo_scenarios(char **cause);

/*
 * Start the fleet and wait up to DEMO_START_MS for its fleet file.
 * Returns the demo, or NULL and an allocated sentence in *cause (vigild
 * not found, it died early, with the tail of what it said, or it wrote
 * no fleet file in time); nothing is left running then.
 */
struct demo	*demo_start(const struct demo_options *options, char **cause);

/* The fleet file vigild wrote. */
const char	*demo_fleet_file(const struct demo *demo);

/* The key file (0600) of the demo's operator i, 0 or 1. */
const char	*demo_key_file(const struct demo *demo, size_t i);

/* The name of the demo's operator i: "alice" or "bob". */
const char	*demo_operator(size_t i);

/*
 * The command a second terminal runs to join the demo as its second
 * operator, with vigil the program's path: "VIGIL --fleet DIR/fleet
 * --key DIR/bob.key" (alice.key when the console's own operator is
 * called bob).  Valid until demo_stop().
 */
const char	*demo_join_command(struct demo *demo, const char *vigil);

/*
 * Is vigild still running?  Returns 1, or 0 and fills why (size len)
 * with how it ended and the tail of what it said.
 */
int		 demo_alive(struct demo *demo, char *why, size_t len);

/* Stop vigild (SIGTERM, then SIGKILL if it lingers), reap it, and
 * remove the directory. */
void		 demo_stop(struct demo *demo);

#endif
