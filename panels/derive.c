/*
 * derive.c: what the views work out from the model beyond its fields:
 * which cells drift from their role's majority, how severe the alerts
 * about a node are.  Pure reading; no curses, so tests use it directly.
 */
#include <string.h>

#include "derive.h"
#include "fleet.h"

static int	derive_majority(const struct fleet *fleet,
		    const struct node *node, const char *flag,
		    const char *value);

/*
 * Is value (a build, or flag's path) held by fewer nodes of node's role
 * and group than some other value, or tied for the most?  Returns 1 when
 * it drifts.  Quadratic in the nodes of one role and group, which are
 * tens, not thousands, and only while a view showing it is drawn.
 */
static int
derive_majority(const struct fleet *fleet, const struct node *node,
    const char *flag, const char *value)
{
	const struct node	*a, *b;
	const char		*va, *vb;
	size_t			 i, j, k, mine = 0, best = 0, ties = 0, n;

	for (i = 0; i < fleet->nnodes; i++) {
		a = &fleet->nodes[i];
		if (!a->has_hello || a->hello.role != node->hello.role ||
		    strcmp(a->hello.group, node->hello.group) != 0)
			continue;
		va = NULL;
		if (flag == NULL)
			va = a->hello.build;
		for (k = 0; flag != NULL && k < a->hello.nflags; k++) {
			if (strcmp(a->hello.flags[k].name, flag) == 0)
				va = a->hello.flags[k].path;
		}
		if (va == NULL)
			continue;
		n = 0;
		for (j = 0; j < fleet->nnodes; j++) {
			b = &fleet->nodes[j];
			if (!b->has_hello || b->hello.role !=
			    node->hello.role || strcmp(b->hello.group,
			    node->hello.group) != 0)
				continue;
			vb = NULL;
			if (flag == NULL)
				vb = b->hello.build;
			for (k = 0; flag != NULL && k < b->hello.nflags; k++) {
				if (strcmp(b->hello.flags[k].name, flag) == 0)
					vb = b->hello.flags[k].path;
			}
			if (vb != NULL && strcmp(va, vb) == 0)
				n++;
		}
		if (strcmp(va, value) == 0)
			mine = n;
		if (n > best) {
			best = n;
			ties = 0;
		}
		if (n == best && strcmp(va, value) != 0)
			ties = 1;	/* another value holds as many */
	}
	return (mine < best || (mine == best && ties));
}

/* Does node's build differ from its role and group's majority? */
int
derive_build_drifts(const struct fleet *fleet, const struct node *node)
{
	if (!node->has_hello)
		return (0);
	return (derive_majority(fleet, node, NULL, node->hello.build));
}

/* Does node's flag i mean other code than on most of its peers? */
int
derive_flag_drifts(const struct fleet *fleet, const struct node *node,
    size_t flag)
{
	if (!node->has_hello || flag >= node->hello.nflags)
		return (0);
	return (derive_majority(fleet, node, node->hello.flags[flag].name,
	    node->hello.flags[flag].path));
}

/* The worst active alert of a rule about a node. */
int
derive_alert_severity(const struct fleet *fleet, const char *rule,
    const char *node)
{
	const struct alert	*a;
	size_t			 i, j;
	int			 worst = -1;

	for (i = 0; i < fleet->alerts.n; i++) {
		a = &fleet->alerts.v[i];
		if (!a->active || (rule != NULL && strcmp(a->rule, rule) != 0))
			continue;
		for (j = 0; j < a->nnodes; j++) {
			if (strcmp(a->nodes[j], node) == 0 &&
			    (int)a->severity > worst)
				worst = (int)a->severity;
		}
	}
	return (worst);
}

/* A severity's mark. */
enum table_mark
derive_severity_mark(int severity)
{
	switch (severity) {
	case SEV_CRITICAL:
		return (MARK_CRIT);
	case SEV_WARNING:
		return (MARK_WARN);
	case SEV_INFO:
		return (MARK_INFO);
	default:
		return (MARK_NONE);
	}
}
