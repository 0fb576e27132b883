/*
 * headless.h: vigil without a screen: status, watch and alerts, for
 * people at a shell and for scripts (--json); and the two-person
 * commands: propose, pending, approve, cancel, and audit verify.
 *
 * Each command runs the event loop (console/loop.c) over the same fleet
 * model the curses console reads, prints to standard output, reports
 * problems on standard error as sentences, and returns the exit status
 * documented in vigil(1).
 */
#ifndef VIGIL_HEADLESS_H
#define VIGIL_HEADLESS_H

#include <stdint.h>

struct cmd_operator;
struct fleet;
struct loop;

/* Exit statuses; vigil(1) EXIT STATUS describes them. */
#define HEADLESS_EXIT_OK		0	/* fleet reached, no critical
						   or warning alert */
#define HEADLESS_EXIT_CRITICAL		1	/* a critical alert stands */
#define HEADLESS_EXIT_USAGE		2	/* usage or fleet-file error */
#define HEADLESS_EXIT_UNREACHED		3	/* a backend or node missing */
#define HEADLESS_EXIT_FAILED		4	/* vigil itself failed */
#define HEADLESS_EXIT_REFUSED		5	/* a backend (or the operator
						   at the prompt) refused a
						   command */
#define HEADLESS_EXIT_WARNING		6	/* status, alerts: a warning
						   stands, no critical */
#define HEADLESS_EXIT_AUDIT_BROKEN	1	/* audit verify: chain broken */

#define HEADLESS_WAIT_MS	5000	/* default --wait */
#define MOVE_WAIT_MS		60000	/* approve move-root: its steps */
/*
 * watch: lines in a row about nodes whose state alone changed, to one
 * state, printed before the rest are told in one line (--every-line
 * prints each).
 */
#define HEADLESS_BURST		16

enum headless_command {
	HEADLESS_STATUS,
	HEADLESS_WATCH,
	HEADLESS_ALERTS,
	HEADLESS_PROPOSE,
	HEADLESS_PENDING,
	HEADLESS_APPROVE,
	HEADLESS_CANCEL,
	HEADLESS_AUDIT,		/* audit verify FILE: no fleet */
	HEADLESS_PLAN,		/* plan rollback|flag NODE... */
	HEADLESS_FIRE,		/* fire ID: an armed kill */
};

struct headless_options {
	enum headless_command	 command;
	int			 json;		/* --json */
	int64_t			 wait_ms;	/* --wait: for the fleet, and
						   again for answers */
	int64_t			 for_ms;	/* watch: --for; 0 forever */
	int			 every_line;	/* watch: --every-line */

	/* propose, approve, cancel */
	const struct cmd_operator *op;		/* who signs */
	const char		*action;	/* propose: "kill" */
	const char *const	*nodes;		/* propose: targets */
	size_t			 nnodes;
	const char		*reason;	/* propose: --reason */
	const char		*to;		/* propose, plan: --to (a
						   rollback's build, a
						   move-root's station) */
	const char		*set;		/* propose, plan: --set */
	const char		*override;	/* propose, plan: --override */
	const char		*window;	/* propose arm-kill: --window */
	int64_t			 ttl_ms;	/* propose: --expires */
	const char		*id;		/* approve, cancel: the id or
						   8 or more of its first hex
						   digits */
	int			 yes;		/* approve: no typed
						   confirmation */
	const char		*reach;		/* propose: the options
						   that reach this fleet, as
						   shell words ("--fleet
						   /abs/fleet"), or NULL */
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

/*
 * The two-person commands, run by headless_run():
 *
 * propose waits (--wait) until every target said hello, builds the
 * document from what they reported, signs it, sends it to each target's
 * backend and waits (--wait again) for their answers; it prints the id
 * and each node's answer, and returns 0 when every target accepted it,
 * HEADLESS_EXIT_REFUSED when one refused (its sentence on standard
 * error), HEADLESS_EXIT_UNREACHED when one could not be reached or did
 * not answer.
 *
 * approve waits for the proposal (backends send what they hold to every
 * console that connects), prints it for review, asks the operator to
 * type the action's name on the terminal (unless yes), signs the very
 * bytes received and sends them to every target; 0 when every target
 * executed it, else as for propose.  cancel does the same without the
 * review, for "cancelled".  An id no node holds pending is refused.
 *
 * pending waits like status and prints the proposals the fleet holds,
 * with the time left and who signed; 0, or HEADLESS_EXIT_UNREACHED.
 */

/*
 * audit verify: check the hash chain of a backend's audit log at path
 * and say so on standard output.  Returns 0 when intact,
 * HEADLESS_EXIT_AUDIT_BROKEN with the sentence naming the first broken
 * line on standard error, or HEADLESS_EXIT_USAGE when it cannot be read.
 */
int	 headless_audit_verify(const char *path);

#endif
