/*
 * agent.h: vigild agent, vigild in front of one real router or station.
 *
 * The agent is a driver (driver.h): the server, the two-person rule
 * engine and the audit log are the very ones simulated nodes use.  Only
 * two things differ.  The node's facts (build, flags, counters, router
 * state, certificate) come from a source the real service exposes
 * (agent-facts.h), decoded by proto-facts.h; a source that says nothing
 * for AGENT_STALE_MS leaves the node without stats, so every console
 * sees it go stale as it sees a silent backend, and bad facts become an
 * alert in words.  And an approved command runs the action's hook
 * (agent-hook.h), whose end becomes the result every console sees; an
 * action with no hook is refused naming the option that would enable
 * it.  The state a command binds to comes from the facts, so a command
 * proposed against facts that have since changed is refused.
 */
#ifndef VIGIL_AGENT_H
#define VIGIL_AGENT_H

#include <stddef.h>

#include "agent-facts.h"
#include "proto.h"

#define AGENT_STALE_MS		3000	/* facts older than this: stale */
#define AGENT_HOOK_TIMEOUT_S	10	/* default --hook-timeout: the
					   console waits this long */

struct agent;
struct driver;
struct server;

/*
 * An action a hook may carry out, the option naming its hook, and, when
 * vigild agent cannot run that hook at all, why not (a sentence).
 */
struct agent_hook_spec {
	const char	*action;	/* "kill" */
	const char	*option;	/* "on-kill", without "--" */
	const char	*never;		/* NULL, or why it never runs */
};

#define AGENT_NHOOKS	5
extern const struct agent_hook_spec agent_hook_specs[AGENT_NHOOKS];

struct agent_options {
	enum proto_role		 role;
	const char		*id;		/* "router/r1" */
	enum agent_facts_kind	 facts_kind;
	const char		*facts;		/* command, file or URL */
	const char		*hooks[AGENT_NHOOKS];	/* by agent_hook_specs;
						   NULL: none */
	int			 hook_timeout_s;
};

/* An agent for options (copied); never fails (xmalloc). */
struct agent	*agent_new(const struct agent_options *options);

/* Fill d so that a server drives the agent's node through it. */
void		 agent_driver(struct agent *agent, struct driver *d);

/*
 * Start reading facts in server's loop and carrying out commands there.
 * Returns 0, or -1 and an allocated sentence in *cause.
 */
int		 agent_start(struct agent *agent, struct server *server,
		    char **cause);

/* Stop the facts source, kill a hook still running, free the agent. */
void		 agent_free(struct agent *agent);

#endif
