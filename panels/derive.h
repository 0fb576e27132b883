/*
 * derive.h: what the views work out from the model beyond its fields.
 */
#ifndef VIGIL_DERIVE_H
#define VIGIL_DERIVE_H

#include <stddef.h>

#include "table.h"

struct fleet;
struct node;

/*
 * Nodes of the same role and group that differ from their majority:
 * does node's build, or its flag i's path, drift?  A tie for the
 * majority counts as drift for every side of it.  A node without a
 * hello never drifts.
 */
int		 derive_build_drifts(const struct fleet *fleet,
		    const struct node *node);
int		 derive_flag_drifts(const struct fleet *fleet,
		    const struct node *node, size_t flag);

/*
 * The most severe active alert of rule (NULL: any rule) naming node, as
 * an enum proto_severity; -1 if none.
 */
int		 derive_alert_severity(const struct fleet *fleet,
		    const char *rule, const char *node);

/* The table mark for a severity (as derive_alert_severity returns). */
enum table_mark	 derive_severity_mark(int severity);

#endif
