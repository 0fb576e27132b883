/*
 * headless.h: vigil without a screen: status, watch and alerts, for
 * people at a shell and for scripts (--json).
 *
 * Each command runs the event loop (console/loop.c) over the same fleet
 * model the curses console reads, prints to standard output, reports
 * problems on standard error as sentences, and returns the exit status
 * documented in vigil(1).
 */
#ifndef VIGIL_HEADLESS_H
#define VIGIL_HEADLESS_H

#include <stdint.h>

struct fleet;
struct loop;

/* Exit statuses; vigil(1) EXIT STATUS describes them. */
#define HEADLESS_EXIT_OK		0	/* fleet reached, no critical */
#define HEADLESS_EXIT_CRITICAL		1	/* a critical alert stands */
#define HEADLESS_EXIT_USAGE		2	/* usage or fleet-file error */
#define HEADLESS_EXIT_UNREACHED		3	/* a backend or node missing */
#define HEADLESS_EXIT_FAILED		4	/* vigil itself failed */

#define HEADLESS_WAIT_MS	5000	/* default --wait */

enum headless_command {
	HEADLESS_STATUS,
	HEADLESS_WATCH,
	HEADLESS_ALERTS,
};

struct headless_options {
	enum headless_command	 command;
	int			 json;		/* --json */
	int64_t			 wait_ms;	/* status, alerts: --wait */
	int64_t			 for_ms;	/* watch: --for; 0 forever */
};

/*
 * Run command over fleet in loop and print its output.  status and
 * alerts wait until every node has said hello and sent stats, or until
 * wait_ms passes, then run the checks once more and print.  watch
 * prints every node state change and every alert change until
 * signalled or for_ms passes.  Returns the exit status.
 */
int	 headless_run(struct loop *loop, struct fleet *fleet,
	    const struct headless_options *options);

#endif
