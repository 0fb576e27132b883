/*
 * check.h: the rules that turn the fleet model into alerts.
 *
 * Each rule is a const entry in one table, with the words an operator
 * reads.  check_run() evaluates them all against the model: a condition
 * that holds raises (or refreshes) its alert, one that no longer holds
 * clears it.  Warnings a backend raises itself arrive through
 * check_backend_alert(), which check_watch() hands the fleet.
 *
 * The arrows run one way: the checks read the model, the model never
 * calls the checks.  The console's timer calls check_tick(): the model,
 * then the rules.
 */
#ifndef VIGIL_CHECK_H
#define VIGIL_CHECK_H

#include <stdint.h>

#include "alert.h"
#include "proto.h"

struct fleet;
struct node;

/* Thresholds, named so tests and documentation agree. */
#define CHECK_ORDER_RATE_FACTOR	5.0	/* x baseline */
#define CHECK_ORDER_RATE_FLOOR	20.0	/* child orders/s ignored below */
#define CHECK_CERT_WARN_MS	(30 * 1000LL)	/* node clock: renewal
						   slots run to 20 s past
						   the hour */
#define CHECK_HEARTBEAT_FRACTION 0.5	/* of the expected rate */
#define CHECK_HEARTBEAT_MIN_BEATS 10	/* expected in a rate's span */
#define CHECK_COUNTDOWN_WARN_MS	(110 * 1000LL)	/* a heartbeat missed */
#define CHECK_COUNTDOWN_CRIT_MS	(60 * 1000LL)
#define CHECK_UNHEARD_MS	(10 * 1000LL)	/* a backend connected and
						   no node said hello */

struct check_rule {
	const char	*name;		/* "flag-drift" */
	const char	*summary;	/* one line for help and man page */
	/* Raise alerts through check_emit() in check.c. */
	void		(*run)(struct fleet *fleet, int64_t now_ms,
			    int64_t wall_ms);
};

extern const struct check_rule check_rules[];
extern const size_t check_nrules;

/*
 * Evaluate every rule at monotonic now_ms, wall time wall_ms.  Alerts of
 * these rules not raised in this run are cleared.  Changes are reported
 * to the alerts' listener (see alert.h), which marks the fleet dirty.
 */
void	 check_run(struct fleet *fleet, int64_t now_ms, int64_t wall_ms);

/*
 * The console's timer at monotonic now_ms, wall time wall_ms: age the
 * model (fleet_tick), then evaluate the rules on what it now holds.
 */
void	 check_tick(struct fleet *fleet, int64_t now_ms, int64_t wall_ms);

/*
 * Have fleet hand every warning a backend raises or clears to
 * check_backend_alert() as it arrives.
 */
void	 check_watch(struct fleet *fleet);

/*
 * Take a warning a backend raised (or cleared) about node.  It stands on
 * the node, keyed by its code, until cleared; the "backend" rule shows
 * one alert per code for all the nodes that stand in it, so forty
 * stations reporting the same trouble make one line, not forty.
 */
void	 check_backend_alert(struct fleet *fleet, struct node *node,
	    const struct proto_alert *pa, int64_t wall_ms);

#endif
