/*
 * proto-types.c: the wire names of roles and severities, which the wire
 * codec and the field engine both need (see proto-types.h).
 */
#include <string.h>

#include "proto-types.h"
#include "util.h"

static const char *const proto_role_names[] = {
	[ROLE_NONE] = "none",
	[ROLE_ROUTER] = "router",
	[ROLE_STATION] = "station",
};

static const char *const proto_severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARNING] = "warning",
	[SEV_CRITICAL] = "critical",
};

/* The wire name of a role: "router", "station", "none" or "unknown". */
const char *
proto_role_name(enum proto_role role)
{
	if ((size_t)role < nitems(proto_role_names))
		return (proto_role_names[role]);
	return ("unknown");
}

/* The wire name of a severity, "unknown" for a value out of range. */
const char *
proto_severity_name(enum proto_severity severity)
{
	if ((size_t)severity < nitems(proto_severity_names))
		return (proto_severity_names[severity]);
	return ("unknown");
}

/* Parse "router" or "station"; -1 for anything else, "none" included. */
int
proto_role_parse(const char *name, enum proto_role *role)
{
	if (strcmp(name, "router") == 0)
		*role = ROLE_ROUTER;
	else if (strcmp(name, "station") == 0)
		*role = ROLE_STATION;
	else
		return (-1);
	return (0);
}

/* Parse "info", "warning" or "critical"; -1 for anything else. */
int
proto_severity_parse(const char *name, enum proto_severity *sev)
{
	size_t	i;

	for (i = 0; i < nitems(proto_severity_names); i++) {
		if (strcmp(name, proto_severity_names[i]) == 0) {
			*sev = (enum proto_severity)i;
			return (0);
		}
	}
	return (-1);
}
