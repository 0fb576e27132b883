/*
 * derive.h: what the views work out from the model beyond its fields.
 */
#ifndef VIGIL_DERIVE_H
#define VIGIL_DERIVE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "table.h"

struct fleet;
struct node;

/* Which of one node's cells differ from their peers. */
struct derive_drift {
	unsigned char	build;
	unsigned char	flag[PROTO_MAX_FLAGS];	/* by index in its hello */
};

/*
 * Compare every node with the others of its role and group: a build, or
 * what a flag of one name enables, drifts when fewer of them hold it
 * than hold another, or when the most common is tied (then every side
 * drifts).  Fills drift, one entry per fleet node in fleet order.  A
 * node without a hello never drifts; a flag only some nodes have is
 * compared among those that have it.
 */
void		 derive_drifts(const struct fleet *fleet,
		    struct derive_drift *drift);

/*
 * The most severe active alert of rule (NULL: any rule) naming node, as
 * an enum proto_severity; -1 if none.
 */
int		 derive_alert_severity(const struct fleet *fleet,
		    const char *rule, const char *node);

/*
 * The severity node's own state earns under rule ("heartbeat" or
 * "order-rate"), judged as that rule judges one node; -1 if none.
 */
int		 derive_node_severity(const struct node *node,
		    const char *rule);

/*
 * The severity a node's cells are marked with for rule (NULL: any): the
 * worst of the active alerts naming it and of derive_node_severity(), so
 * that a node past an alert's first ALERT_MAX_NODES names is marked too.
 */
int		 derive_mark_severity(const struct fleet *fleet,
		    const struct node *node, const char *rule);

/*
 * The time node's clock showed at wall time when_ms (epoch ms), given
 * monotonic now_ms and wall time wall_ms now, into *out: the clock the
 * header shows, so that a replay's alerts read in its own hours.
 * Returns 0, or -1 when the node has no clock (no hello yet, or NULL).
 */
int		 derive_node_time(const struct node *node, int64_t now_ms,
		    int64_t wall_ms, int64_t when_ms, int64_t *out);

/* The table mark for a severity (as derive_alert_severity returns). */
enum table_mark	 derive_severity_mark(int severity);

#endif
