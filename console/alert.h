/*
 * alert.h: the console's alerts, deduplicated.
 *
 * An alert is keyed by its rule, the nodes it is about and, for a warning
 * a backend raised, the backend's code; a grouped alert (one for many
 * stations failing at once) by its rule and code alone, so that nodes
 * joining it refresh it.  Raising one that stands refreshes
 * it (last seen, text); raising one that had cleared starts a new episode
 * and counts it.  The set keeps cleared alerts for history.
 *
 * This module owns an alert's whole life: raising and updating it
 * (alert_emit), clearing it (alert_withdraw, alert_expire and the sweep
 * of alert_sweep_begin/alert_sweep_end), and acknowledging it
 * (alert_acknowledge).  Each change is told to the set's one listener,
 * so that its owner marks itself dirty and tells its watcher in one
 * place.
 */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "proto.h"

#define ALERT_MAX_NODES	16
#define ALERT_FOLLOWS_MAX	64	/* "renewal-failed,root-unreachable" */
#define ALERT_ESCALATION	2.0	/* an acknowledged alert whose measure
					   grows past this factor comes back */

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
						   it changes or escalates */
	double		measure;		/* how bad (a ratio, a rate),
						   0 when the rule has none */
	double		acked_measure;		/* measure when acknowledged */
	char		follows[ALERT_FOLLOWS_MAX]; /* the alerts it may
						   follow from (incident.h) */
	unsigned	mark;			/* the sweep that last raised
						   it; see alert_sweep_end() */
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
	ALERT_ACKNOWLEDGED,	/* hidden from the bar until it changes or
				   escalates */
};

/*
 * What a raiser says: an alert's key (rule, code, grouped, nodes) and
 * its words.  nnodes counts every node it is about; the first
 * ALERT_MAX_NODES of nodes are listed.  reports, when not 0, is the
 * count to show instead of the number of episodes (a backend's warning
 * counts the reports of every node standing in it).
 */
struct alert_spec {
	enum proto_severity	 severity;
	const char		*rule;
	const char		*code;		/* NULL or "" for none */
	int			 grouped;
	const char *const	*nodes;
	size_t			 nnodes;
	const char		*text;		/* what is wrong */
	const char		*cause;		/* likely cause */
	const char		*action;	/* what to do next */
	uint64_t		 reports;
	double			 measure;	/* how bad; 0 for none */
	const char		*follows;	/* NULL, or the names of the
						   alerts it may follow from,
						   comma-separated, likeliest
						   first (incident.h) */
};

/* Told of every change to a stored alert (never ALERT_UNCHANGED). */
typedef void alert_changed_cb(void *arg, const struct alert *a,
    enum alert_change change);

struct alert_set {
	struct alert	*v;
	size_t		 n;
	size_t		 cap;
	struct hmap	 index;		/* alert key -> index in v */
	size_t		 next_room;	/* make room again at this size */
	unsigned	 stamp;		/* the current sweep */
	alert_changed_cb *changed;	/* may be NULL */
	void		*changed_arg;
};

/* Start an empty set; changed (may be NULL) hears of every change. */
void	 alert_set_init(struct alert_set *set);
void	 alert_set_listen(struct alert_set *set, alert_changed_cb *changed,
	    void *arg);
void	 alert_set_free(struct alert_set *set);

/*
 * Raise (or refresh) the alert matching a's rule, code and nodes, at wall
 * time now_ms, stamped with the current sweep, and tell the listener.
 * Returns what changed and, in *out (may be NULL), the stored alert.
 * A change of words, nodes or severity un-acknowledges it (UPDATED), and
 * so does its measure growing past ALERT_ESCALATION times the measure it
 * had when acknowledged (from 0, any measure at all): an escalation.
 */
enum alert_change alert_raise(struct alert_set *set, const struct alert *a,
	    int64_t now_ms, struct alert **out);

/* alert_raise() for what a raiser says; see struct alert_spec. */
enum alert_change alert_emit(struct alert_set *set,
	    const struct alert_spec *spec, int64_t now_ms);

/*
 * Clear a stored alert, without telling any listener (alert_withdraw()
 * and the sweeps do); returns ALERT_CLEARED or ALERT_UNCHANGED.
 */
enum alert_change alert_clear(struct alert *a, int64_t now_ms);

/* Clear the alert of rule and code ("" for none), if it stands. */
void	 alert_withdraw(struct alert_set *set, const char *rule,
	    const char *code, int64_t now_ms);

/* Clear the standing alerts of rule last raised max_age_ms ago or more. */
void	 alert_expire(struct alert_set *set, const char *rule,
	    int64_t max_age_ms, int64_t now_ms);

/*
 * A sweep: begin one, raise what still holds, then end it, which clears
 * every standing alert whose rule owned() accepts and that the sweep did
 * not raise again.
 */
void	 alert_sweep_begin(struct alert_set *set);
void	 alert_sweep_end(struct alert_set *set, int (*owned)(const char *),
	    int64_t now_ms);

/*
 * Acknowledge the standing alerts named name (their rule, or a backend's
 * code) and about node ("" for any).  Returns how many were newly
 * acknowledged.
 */
size_t	 alert_acknowledge(struct alert_set *set, const char *name,
	    const char *node);

/* The name an operator knows a by: a backend's code, else its rule. */
const char *alert_name(const struct alert *a);

/* Find the alert for rule, code ("" for none) and one node; or NULL. */
struct alert *alert_find(struct alert_set *set, const char *rule,
	    const char *code, const char *node);

/*
 * Fill out (size max) with pointers to the active alerts, most severe
 * first, then newest first.  Returns how many were written.
 */
size_t	 alert_sorted(const struct alert_set *set, const struct alert **out,
	    size_t max, int include_acknowledged);

/* The name an operator knows a by: a backend's code, else its rule. */
const char *alert_name(const struct alert *a);

/* Counts of active alerts by severity. */
size_t	 alert_count(const struct alert_set *set, enum proto_severity sev);

#endif
