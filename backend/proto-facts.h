/*
 * proto-facts.h: the facts a real node gives the agent (vigild agent,
 * agent.c), part of the protocol library.
 *
 * Facts are one JSON object, close to a stats message without its
 * envelope (see vigild(8), AGENT):
 *   {"build":"smars-2012.07.31", "group":"nyse",
 *    "flags":[{"name":"rlp","on":true,"path":"retail_liquidity"}],
 *    "router":{...every counter of a router's stats...}}
 * a station gives "station":{...} and "cert":{...} (a cert message's
 * fields but node and clock_ms) instead of "router".  "group", "flags"
 * and "builds" (the installed builds with their flag manifests, as a
 * hello's, for the plan of a rollback) may be left out; so may
 * "clock_ms" (the node's clock, else the agent's) and "uptime_ms" (else
 * the agent's own).  Every field is checked by the same rules as the
 * message it feeds, so a node cannot say through its facts what a
 * backend could not say on the wire.
 */
#ifndef VIGIL_PROTO_FACTS_H
#define VIGIL_PROTO_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* What one facts object says about a node. */
struct proto_facts {
	struct proto_hello	hello;		/* node, role, build, flags */
	struct proto_stats	stats;		/* counters, router state */
	int			has_cert;	/* a station's cert given */
	struct proto_cert	cert;
};

/*
 * Decode len bytes of text as the facts of node (id) in role, at
 * clock_ms and uptime_ms unless the facts give their own.  Returns 0
 * and fills *facts, or -1 with a sentence in cause saying what is wrong
 * and how the facts should read.
 */
int	 proto_facts_decode(const char *text, size_t len, const char *node,
	    enum proto_role role, int64_t clock_ms, int64_t uptime_ms,
	    struct proto_facts *facts, char *cause, size_t causelen);

/*
 * Free what proto_facts_decode() put on the heap for *facts (the
 * hello's builds, a station's blacklist); safe on a zeroed one.
 */
void	 proto_facts_clear(struct proto_facts *facts);

#endif
