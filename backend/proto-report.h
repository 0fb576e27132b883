/*
 * proto-report.h: the JSON reports vigil prints for scripts, part of the
 * protocol library (proto-report.c), so that JSON stays in the protocol's
 * files.
 */
#ifndef VIGIL_PROTO_REPORT_H
#define VIGIL_PROTO_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/*
 * The version of the reports' schema, the "schema" member of every
 * document --json prints.  It goes up when a member is removed or
 * renamed or its meaning changes, never when one is added (scripts
 * ignore members they do not know); vigil(1) says what each version
 * changed.  Version 1 had no such member.
 */
#define PROTO_REPORT_SCHEMA	2

/*
 * Reports: what the console prints for scripts (vigil status --json,
 * watch --json, alerts --json).  They are plain views the console fills
 * from its model, so that this module stays the only one touching JSON.
 */
struct proto_report_node {
	const char			*id;	/* node id, or the URL of a
						   backend never reached */
	const char			*url;	/* backend it came from */
	const char			*state;	/* "live" "stale" "down" */
	int64_t				 age_ms;/* since last heard; -1 never */
	const struct proto_hello	*hello;	/* NULL if no hello yet */
	const struct proto_stats	*stats;	/* NULL if none yet */
	const struct proto_cert		*cert;	/* NULL if none */
	/* Derived rates per second; negative when not yet known. */
	double				 parent_rate;
	double				 child_rate;
	double				 child_share_rate;
	double				 child_rate_baseline;
	double				 heartbeat_rate;
	double				 heartbeat_rate_expected;
	uint64_t			 counter_resets;
	int64_t				 cert_expires_in_ms;	/* node clock;
						   0 when no cert */
	const char			*error;	/* last link or decode
						   problem, or NULL */
	const struct proto_watching	*watching;	/* its backend's
						   watchers, or NULL */
	const char			*transport_fpr;	/* SHA-256 of a
						   station's transport key,
						   hex, or NULL */
};

/* The rule of the warning a node's refusal of a command message raises. */
#define PROTO_RULE_REFUSED	"command-refused"

struct proto_report_alert {
	enum proto_severity	 severity;
	const char		*rule;		/* "flag-drift" */
	const char *const	*nodes;
	size_t			 nnodes;		/* listed */
	size_t			 nodes_total;	/* concerned; may be
						   more than listed */
	const char		*text;
	const char		*cause;
	const char		*action;
	int64_t			 first_seen_ms;	/* wall clock, epoch ms */
	int64_t			 last_seen_ms;
	uint64_t		 count;
	int			 active;	/* 0 once cleared */
	int			 acknowledged;
	size_t			 incident;	/* from 1; 0: not grouped */
	const char		*follows;	/* NULL for a cause */
	size_t			 effects;	/* alerts following from it */
};

/*
 * {"fleet":NAME,"nodes":[...],"alerts":[...]}: the status document.
 * Nodes carry id, role, group, build, flags [{name,on,path}], state,
 * age_ms, url and, when known, rates, router or station counters and the
 * cert, and for a station transport_key and transport_key_fpr.  The
 * document's root_holder, present once a station's cert says it holds
 * the root, names that station.  Alerts carry severity, rule, nodes, text,
 * cause, action, first_seen, last_seen, count, active, acknowledged and,
 * with an incident number, incident, follows and effects.  Returns a
 * string the caller frees; never NULL.
 */
char	*proto_report_status(const char *fleet,
	    const struct proto_report_node *nodes, size_t nnodes,
	    const struct proto_report_alert *alerts, size_t nalerts);

/*
 * Whether proto_report_status() writes its nodes directly (1, the
 * default) or through jansson's tree (0): the same bytes; for tests.
 */
void	 proto_report_writer(int on);

/* {"alerts":[...]} alone, for vigil alerts --json. */
char	*proto_report_alerts(const struct proto_report_alert *alerts,
	    size_t nalerts);

/*
 * One line of vigil watch --json: {"event":"node","time":T,"changes":
 * [WHAT,..],"node":{...}} or {"event":"alert","change":"raised"|
 * "updated"|"cleared","time":T[,"changes":[WHAT,..]],"alert":{...}},
 * changes being the nchanges names of what changed (left out of an
 * alert event when there are none).  T is wall-clock epoch ms.  Caller
 * frees.
 */
char	*proto_report_node_event(int64_t time_ms,
	    const struct proto_report_node *node, const char *const *changes,
	    size_t nchanges);
char	*proto_report_alert_event(int64_t time_ms, const char *change,
	    const char *const *changes, size_t nchanges,
	    const struct proto_report_alert *alert);

/*
 * A proposal as the console holds it, for vigil pending --json: a plain
 * view the console fills from its model (console/fleet.h).
 */
struct proto_report_proposal {
	const char			*id;
	const char			*document;	/* the signed bytes */
	const struct proto_command	*cmd;		/* NULL if it does
							   not decode */
	const struct proto_signature	*sigs;
	size_t				 nsigs;
	enum proto_status		 status;	/* pending */
	int64_t				 expires_ms;	/* wall clock */
	int64_t				 expires_in_ms;	/* from now */
	const char *const		*nodes;		/* holding it */
	size_t				 nnodes;
	const char			*problem;	/* why it must not be
							   approved, or NULL */
};

/*
 * {"proposals":[{"id","action","targets":[{"node","build","state"}],
 * "args":{..},"reason","proposer","created_ms","expires_ms",
 * "expires_in_ms","signers":[NAME,..],"status","nodes":[ID,..],
 * "document"[,"problem"]},..]}: vigil pending --json.  The document's
 * fields are left out when it does not decode.  Caller frees; never
 * NULL.
 */
char	*proto_report_proposals(const struct proto_report_proposal *v,
	    size_t n);

/* One target's answer to a command message. */
struct proto_report_answer {
	const char	*node;
	const char	*outcome;	/* "accepted", "executed", "cancelled",
					   "refused", ... or "unreached" */
	const char	*text;		/* the answer in words */
};

/* A command message sent and its answers, for propose --json and the like. */
struct proto_report_command {
	const char			*verb;	/* "propose", "approve",
						   "cancel", "fire" */
	const char			*id;
	const struct proto_command	*cmd;	/* its document, or NULL */
	const struct proto_report_answer *answers;
	size_t				 nanswers;
	/* propose: the command a second operator runs, or NULL */
	const char			*approve_with;
};

/*
 * {"schema","verb","id","action","targets","args","reason","proposer",
 * "created_ms","expires_ms","answers":[{"node","outcome",
 * "text"},..][,"approve_with"]}.  Caller frees; never NULL.
 */
char	*proto_report_command(const struct proto_report_command *c);

#endif
