/*
 * incident.h: standing alerts grouped into incidents, cause first.
 *
 * An alert may name the alerts it follows from (struct alert's follows:
 * names, comma-separated, likeliest first, a name being a rule or a
 * backend's code, as alert_name() gives it): renewal-failed follows
 * root-unreachable, a backend's "devices" report follows
 * device-countdown.  It follows the first of them that stands and is
 * about one of its nodes, or about the whole fleet (a grouped alert on
 * either side); one that follows none that stands is a cause.
 *
 * An incident is the causes of one name (eight routers down make one
 * line) and every alert that follows from them, directly or not.  The
 * alert bar draws one line per incident, the Alerts view lists each
 * incident's alerts together, and vigil alerts --json numbers them.
 * Incidents rank by their worst severity, then as their first cause
 * ranks in alert_sorted().
 */
#ifndef VIGIL_INCIDENT_H
#define VIGIL_INCIDENT_H

#include <stddef.h>

#include "alert.h"

/* One alert's place in its incident. */
struct incident_place {
	const struct alert	*alert;
	const struct alert	*follows;	/* NULL for a cause */
	size_t			 incident;	/* from 0, in rank order */
	size_t			 effects;	/* alerts following from it,
						   directly or not */
	unsigned		 depth;		/* 0 for a cause */
};

/* One incident: its places, causes first, each followed by its effects. */
struct incident {
	const struct incident_place *v;
	size_t			 n;
	size_t			 ncauses;	/* alerts of one name */
	size_t			 nodes;		/* nodes its causes are about */
	enum proto_severity	 severity;	/* the worst of its alerts */
};

struct incident_set {
	struct incident_place	*places;	/* incident by incident */
	size_t			 nplaces;
	struct incident		*v;
	size_t			 n;
};

/*
 * Group the standing alerts of set (and the acknowledged ones, if
 * include_acknowledged) into out, which incident_free() frees.  Never
 * fails; an empty set gives no incident.
 */
void	 incident_group(const struct alert_set *set, int include_acknowledged,
	    struct incident_set *out);
void	 incident_free(struct incident_set *out);

#endif
