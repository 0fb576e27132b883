/*
 * alert.h: the console's alerts, deduplicated.
 *
 * An alert is keyed by its rule, the nodes it is about and, for a warning
 * a backend raised, the backend's code; a grouped alert (one for many
 * stations failing at once) by its rule and code alone, so that nodes
 * joining it refresh it.  Raising one that stands refreshes
 * it (last seen, text); raising one that had cleared starts a new episode
 * and counts it.  The set keeps cleared alerts for history.
 */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "proto.h"

#define ALERT_MAX_NODES	16

struct alert {
	enum proto_severity severity;
	char		rule[PROTO_CODE_MAX];	/* "runaway", "backend" */
	char		code[PROTO_CODE_MAX];	/* backend's code, or "" */
	char		nodes[ALERT_MAX_NODES][PROTO_ID_MAX];
	size_t		nnodes;
	size_t		nodes_total;		/* may exceed nnodes */
	char		text[PROTO_TEXT_MAX];	/* what is wrong */
	char		cause[PROTO_TEXT_MAX];	/* likely cause */
	char		action[PROTO_TEXT_MAX];	/* what to do next */
	int64_t		first_seen_ms;		/* wall clock */
	int64_t		last_seen_ms;
	uint64_t	count;			/* episodes or reports */
	int		active;
	int		acknowledged;		/* hidden from the bar until
						   it changes */
	unsigned	mark;			/* used by check_run() */
	int		grouped;		/* one alert for many nodes:
						   keyed by rule and code
						   alone, nodes may change */
};

/* What alert_raise() did, for watch output. */
enum alert_change {
	ALERT_UNCHANGED = 0,
	ALERT_RAISED,		/* new, or active again */
	ALERT_UPDATED,		/* standing, and its words, nodes or
				   severity changed */
	ALERT_REFRESHED,	/* standing; only numbers in its words moved
				   (a countdown ticked): not news */
	ALERT_CLEARED,
};

struct alert_set {
	struct alert	*v;
	size_t		 n;
	size_t		 cap;
	struct hmap	 index;		/* alert key -> index in v */
	size_t		 next_room;	/* make room again at this size */
};

void	 alert_set_init(struct alert_set *set);
void	 alert_set_free(struct alert_set *set);

/*
 * Raise (or refresh) the alert matching a's rule, code and nodes, at wall
 * time now_ms.  Returns what changed and, in *out, the stored alert.
 * A change of text or severity un-acknowledges it.
 */
enum alert_change alert_raise(struct alert_set *set, const struct alert *a,
	    int64_t now_ms, struct alert **out);

/* Clear a stored alert; returns ALERT_CLEARED or ALERT_UNCHANGED. */
enum alert_change alert_clear(struct alert *a, int64_t now_ms);

/* Find the alert for rule, code ("" for none) and one node; or NULL. */
struct alert *alert_find(struct alert_set *set, const char *rule,
	    const char *code, const char *node);

/*
 * Fill out (size max) with pointers to the active alerts, most severe
 * first, then newest first.  Returns how many were written.
 */
size_t	 alert_sorted(const struct alert_set *set, const struct alert **out,
	    size_t max, int include_acknowledged);

/* Counts of active alerts by severity. */
size_t	 alert_count(const struct alert_set *set, enum proto_severity sev);

#endif
