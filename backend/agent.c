/*
 * agent.c: vigild agent's node: facts in, hooks out, behind the same
 * server and rule engine as a simulated node (agent.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "agent.h"
#include "agent-facts.h"
#include "agent-hook.h"
#include "agent-proc.h"
#include "command.h"
#include "driver.h"
#include "proto-command.h"
#include "proto-facts.h"
#include "server.h"
#include "util.h"

#define AGENT_QUEUE	8	/* alerts waiting for the server's tick */

/* The standing alerts: what is wrong with the facts now. */
enum agent_standing {
	AGENT_BAD,		/* facts-bad: the source or its facts */
	AGENT_STALE,		/* facts-stale: the source went quiet */
	AGENT_NSTANDING
};

struct agent {
	struct agent_options	 o;
	char			 id[PROTO_ID_MAX];
	struct server		*server;
	struct lws_context	*context;
	struct lws_vhost	*vhost;
	struct agent_facts	*source;
	struct agent_hook	*hook;		/* running, or NULL */
	int64_t			 hook_started_ms;

	struct proto_facts	 facts;
	int			 have_facts;
	int64_t			 facts_ms;	/* monotonic, when last had */
	int64_t			 start_ms;	/* monotonic */
	uint64_t		 seq;
	struct proto_cert	 cert_sent;
	struct proto_hello	 plan_hello;	/* agent_plan_facts() */
	const struct proto_hello *plan_fleet;

	struct proto_alert	 standing[AGENT_NSTANDING];
	int			 active[AGENT_NSTANDING];
	struct proto_alert	 shown[AGENT_NSTANDING];	/* for
								   consoles */
	struct proto_alert	 queue[AGENT_QUEUE];
	size_t			 qhead, qlen;
};

/* Every action a hook can carry out, and the option that names it. */
const struct agent_hook_spec agent_hook_specs[AGENT_NHOOKS] = {
	{ "kill", "on-kill", NULL },
	{ "resume", "on-resume", NULL },
	{ "rollback", "on-rollback", NULL },
	{ "flag", "on-flag", NULL },
	{ "move-root", "on-move-root", "the root key must be sealed for its "
	    "destination by the station that holds it, which vigild does only "
	    "for a station it simulates; move a real station's root by its "
	    "own means" },
};

static size_t		 agent_nnodes(void *);
static const char	*agent_node_id(void *, size_t);
static enum proto_role	 agent_node_role(void *, size_t);
static void		 agent_step(void *, int64_t);
static int64_t		 agent_clock_ms(void *);
static void		 agent_node_hello(void *, size_t, struct proto_hello *);
static int		 agent_node_stats(void *, size_t, struct proto_stats *);
static int		 agent_node_cert(void *, size_t, struct proto_cert *,
			    int *);
static enum driver_done	 agent_node_command(void *, size_t,
			    const struct command_pending *, char *, size_t);
static int		 agent_node_accepts(void *, size_t, const char *,
			    char *, size_t);
static void		 agent_node_state(void *, size_t,
			    struct command_node_state *);
static void		 agent_plan_facts(void *, const struct proto_command *,
			    struct command_node_state *);
static int		 agent_next_alert(void *, struct proto_alert *);
static size_t		 agent_node_alerts(void *, size_t,
			    const struct proto_alert **);
static void		 agent_facts_line(void *, const char *, size_t);
static void		 agent_facts_error(void *, const char *);
static void		 agent_hook_done(void *, const struct command_pending *,
			    int, const char *);
static void		 agent_raise(struct agent *, enum agent_standing,
			    enum proto_severity, const char *, const char *,
			    const char *);
static void		 agent_clear(struct agent *, enum agent_standing);
static void		 agent_queue(struct agent *,
			    const struct proto_alert *);
static int		 agent_hook_index(const char *);
static const char	*agent_hook_never(size_t);

static const struct driver_ops agent_driver_ops = {
	.nnodes = agent_nnodes,
	.node_id = agent_node_id,
	.node_role = agent_node_role,
	.step = agent_step,
	.clock_ms = agent_clock_ms,
	.node_hello = agent_node_hello,
	.node_stats = agent_node_stats,
	.node_cert = agent_node_cert,
	.node_command = agent_node_command,
	.node_accepts = agent_node_accepts,
	.node_state = agent_node_state,
	.plan_facts = agent_plan_facts,
	.next_alert = agent_next_alert,
	.node_alerts = agent_node_alerts,
};

/* A new agent for options. */
struct agent *
agent_new(const struct agent_options *options)
{
	struct agent	*agent;

	agent = xcalloc(1, sizeof *agent);
	agent->o = *options;
	util_copy(agent->id, sizeof agent->id, options->id);
	if (agent->o.hook_timeout_s <= 0)
		agent->o.hook_timeout_s = AGENT_HOOK_TIMEOUT_S;
	agent->start_ms = util_mono_ms();
	return (agent);
}

/* The agent as a driver. */
void
agent_driver(struct agent *agent, struct driver *d)
{
	d->ops = &agent_driver_ops;
	d->arg = agent;
}

/*
 * Start the facts source in server's loop, saying first which hooks the
 * rule engine cannot run yet (an action it does not know).
 */
int
agent_start(struct agent *agent, struct server *server, char **cause)
{
	size_t	k;

	for (k = 0; k < AGENT_NHOOKS; k++) {
		if (agent->o.hooks[k] != NULL &&
		    agent_hook_never(k) != NULL)
			fprintf(stderr, "vigild: --%s: the hook is accepted "
			    "but never run: %s\n", agent_hook_specs[k].option,
			    agent_hook_never(k));
	}
	agent->server = server;
	agent->context = server_context(server);
	if ((agent->vhost = agent_proc_vhost(agent->context, cause)) == NULL)
		return (-1);
	agent->source = agent_facts_start(agent->context, agent->vhost,
	    agent->o.facts_kind, agent->o.facts, agent_facts_line,
	    agent_facts_error, agent, cause);
	return (agent->source == NULL ? -1 : 0);
}

/* Free the agent and what it runs. */
void
agent_free(struct agent *agent)
{
	if (agent == NULL)
		return;
	agent_facts_free(agent->source);
	agent_hook_free(agent->hook);
	proto_facts_clear(&agent->facts);
	proto_hello_clear(&agent->plan_hello);
	free(agent);
}

/*
 * Why hook k never runs: its own reason, or that the rule engine does
 * not know its action (one that lands later); NULL when it runs.
 */
static const char *
agent_hook_never(size_t k)
{
	if (agent_hook_specs[k].never != NULL)
		return (agent_hook_specs[k].never);
	if (command_spec_find(agent_hook_specs[k].action) == NULL)
		return ("this vigild's rule engine has no two-person command "
		    "of that name yet");
	return (NULL);
}

/* The index in agent_hook_specs of action, or -1. */
static int
agent_hook_index(const char *action)
{
	size_t	i;

	for (i = 0; i < AGENT_NHOOKS; i++) {
		if (strcmp(agent_hook_specs[i].action, action) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Queue an alert for the server's next tick; the oldest gives way. */
static void
agent_queue(struct agent *agent, const struct proto_alert *a)
{
	if (agent->qlen == AGENT_QUEUE) {
		agent->qhead = (agent->qhead + 1) % AGENT_QUEUE;
		agent->qlen--;
	}
	agent->queue[(agent->qhead + agent->qlen++) % AGENT_QUEUE] = *a;
}

/*
 * Raise standing alert which with text, cause and action, unless it
 * already stands with the same text; it is queued for every console
 * and kept for consoles that connect later.
 */
static void
agent_raise(struct agent *agent, enum agent_standing which,
    enum proto_severity sev, const char *text, const char *cause,
    const char *action)
{
	struct proto_alert	*a = &agent->standing[which];

	if (agent->active[which] && strcmp(a->text, text) == 0)
		return;
	memset(a, 0, sizeof *a);
	util_copy(a->node, sizeof a->node, agent->id);
	a->clock_ms = agent_clock_ms(agent);
	a->severity = sev;
	util_copy(a->code, sizeof a->code, which == AGENT_BAD ? "facts-bad" :
	    "facts-stale");
	util_copy(a->text, sizeof a->text, text);
	util_copy(a->cause, sizeof a->cause, cause);
	util_copy(a->action, sizeof a->action, action);
	agent->active[which] = 1;
	fprintf(stderr, "vigild: %s\n", text);
	agent_queue(agent, a);
}

/* Clear standing alert which, if it stands. */
static void
agent_clear(struct agent *agent, enum agent_standing which)
{
	struct proto_alert	*a = &agent->standing[which];

	if (!agent->active[which])
		return;
	agent->active[which] = 0;
	a->clear = 1;
	a->clock_ms = agent_clock_ms(agent);
	agent_queue(agent, a);
	fprintf(stderr, "vigild: %s: its facts are good again\n", agent->id);
}

/* A line of facts from the source. */
static void
agent_facts_line(void *arg, const char *line, size_t len)
{
	struct agent		*agent = arg;
	struct proto_facts	*f;
	char			 why[PROTO_TEXT_MAX], text[PROTO_TEXT_MAX];
	int			 changed;

	f = xcalloc(1, sizeof *f);
	if (proto_facts_decode(line, len, agent->id, agent->o.role,
	    util_wall_ms(), util_mono_ms() - agent->start_ms, f, why,
	    sizeof why) != 0) {
		util_format(text, sizeof text, "%s's facts from %s are not "
		    "usable: %s", agent->id, agent_facts_what(agent->source),
		    why);
		agent_raise(agent, AGENT_BAD, SEV_CRITICAL, text, "The real "
		    "node's facts source printed something that is not facts "
		    "in the form vigild(8) describes (AGENT): a changed or "
		    "broken script, or an error message in place of facts.",
		    "Fix the facts source; until good facts arrive the "
		    "console keeps the last good ones and then shows the node "
		    "stale, and commands bound to old facts are refused.");
		free(f);
		return;
	}
	changed = !agent->have_facts ||
	    strcmp(f->hello.build, agent->facts.hello.build) != 0 ||
	    strcmp(f->hello.group, agent->facts.hello.group) != 0 ||
	    f->hello.nflags != agent->facts.hello.nflags ||
	    memcmp(f->hello.flags, agent->facts.hello.flags,
	    f->hello.nflags * sizeof *f->hello.flags) != 0 ||
	    f->hello.nbuilds != agent->facts.hello.nbuilds ||
	    (f->hello.nbuilds > 0 && memcmp(f->hello.builds,
	    agent->facts.hello.builds, f->hello.nbuilds *
	    sizeof *f->hello.builds) != 0);
	proto_facts_clear(&agent->facts);
	agent->facts = *f;	/* it owns f's heap parts now */
	free(f);
	agent->have_facts = 1;
	agent->facts_ms = util_mono_ms();
	agent_clear(agent, AGENT_BAD);
	agent_clear(agent, AGENT_STALE);
	if (changed && agent->server != NULL)
		server_node_changed(agent->server, 0);
}

/* The source itself is in trouble (not started, ended, unreadable). */
static void
agent_facts_error(void *arg, const char *text)
{
	struct agent	*agent = arg;
	char		 line[PROTO_TEXT_MAX];

	util_format(line, sizeof line, "%s: %s", agent->id, text);
	agent_raise(agent, AGENT_BAD, SEV_CRITICAL, line, "The real node's "
	    "facts source is not working as vigild agent expects.",
	    "Fix the facts source named above; vigild agent keeps serving "
	    "the node and shows it stale until facts arrive again.");
}

/* One node. */
static size_t
agent_nnodes(void *arg)
{
	(void)arg;
	return (1);
}

/* Its id. */
static const char *
agent_node_id(void *arg, size_t i)
{
	struct agent	*agent = arg;

	(void)i;
	return (agent->id);
}

/* Its role. */
static enum proto_role
agent_node_role(void *arg, size_t i)
{
	struct agent	*agent = arg;

	(void)i;
	return (agent->o.role);
}

/* The server's tick: notice a source gone quiet. */
static void
agent_step(void *arg, int64_t now_ms)
{
	struct agent	*agent = arg;
	char		 text[PROTO_TEXT_MAX], dur[32];
	int64_t		 since;

	since = agent->have_facts ? agent->facts_ms : agent->start_ms;
	if (now_ms - since <= AGENT_STALE_MS || agent->active[AGENT_STALE])
		return;
	util_duration_text(now_ms - since, dur, sizeof dur);
	if (agent->have_facts)
		util_format(text, sizeof text, "%s's facts are stale: %s has "
		    "given none for %s", agent->id,
		    agent_facts_what(agent->source), dur);
	else
		util_format(text, sizeof text, "%s has no facts: %s has given "
		    "none in the %s since vigild agent started", agent->id,
		    agent_facts_what(agent->source), dur);
	agent_raise(agent, AGENT_STALE, SEV_WARNING, text, "The real node's "
	    "facts source went quiet: the script or service behind it is "
	    "hung, slow or stopped.", "Check the facts source and the node; "
	    "until facts arrive the node's stats stop, consoles show it "
	    "stale, and commands are refused because its state is unknown.");
}

/* The node's clock: the facts', else this host's. */
static int64_t
agent_clock_ms(void *arg)
{
	struct agent	*agent = arg;

	if (agent->have_facts)
		return (agent->facts.stats.clock_ms + util_mono_ms() -
		    agent->facts_ms);
	return (util_wall_ms());
}

/* The hello: the facts' build and flags ("unknown" before any). */
static void
agent_node_hello(void *arg, size_t i, struct proto_hello *hello)
{
	struct agent	*agent = arg;

	(void)i;
	if (agent->have_facts) {
		/* A copy with builds of its own: the server frees them. */
		*hello = agent->facts.hello;
		hello->builds = NULL;
		hello->operators = NULL;
		hello->noperators = 0;
		proto_hello_builds(hello, agent->facts.hello.nbuilds);
		if (hello->nbuilds > 0)
			memcpy(hello->builds, agent->facts.hello.builds,
			    hello->nbuilds * sizeof *hello->builds);
	} else {
		memset(hello, 0, sizeof *hello);
		util_copy(hello->node, sizeof hello->node, agent->id);
		hello->role = agent->o.role;
		util_copy(hello->group, sizeof hello->group, "default");
		util_copy(hello->build, sizeof hello->build, "unknown");
		hello->version = PROTO_VERSION;
	}
	util_copy(hello->scenario, sizeof hello->scenario, "");
	util_copy(hello->signs, sizeof hello->signs, PROTO_COVERS_SHA256);
	hello->clock_ms = agent_clock_ms(agent);
	hello->time_scale = 1;
	hello->link_nodes = 1;
}

/* Stats from fresh facts; none while they are missing or stale. */
static int
agent_node_stats(void *arg, size_t i, struct proto_stats *stats)
{
	struct agent	*agent = arg;

	(void)i;
	if (!agent->have_facts ||
	    util_mono_ms() - agent->facts_ms > AGENT_STALE_MS)
		return (-1);
	*stats = agent->facts.stats;
	stats->seq = ++agent->seq;
	stats->clock_ms = agent_clock_ms(agent);
	return (0);
}

/* A station's certificate from its facts, when given. */
static int
agent_node_cert(void *arg, size_t i, struct proto_cert *cert, int *changed)
{
	struct agent	*agent = arg;

	(void)i;
	if (agent->o.role != ROLE_STATION || !agent->have_facts ||
	    !agent->facts.has_cert)
		return (-1);
	*cert = agent->facts.cert;
	if (changed != NULL) {
		*changed = memcmp(cert, &agent->cert_sent, sizeof *cert) != 0;
		agent->cert_sent = *cert;
	}
	return (0);
}

/* Whether action has a hook; if not, which option would give it one. */
static int
agent_node_accepts(void *arg, size_t i, const char *action, char *cause,
    size_t causelen)
{
	struct agent	*agent = arg;
	int		 k;

	(void)i;
	if ((k = agent_hook_index(action)) == -1) {
		/* The engine refuses what it does not know itself. */
		if (command_spec_find(action) == NULL)
			return (0);
		util_format(cause, causelen, "%s refused %s: vigild agent has "
		    "no hook option for %s, so it cannot carry it out on a "
		    "real node", agent->id, action, action);
		return (-1);
	}
	if (agent_hook_never(k) != NULL) {
		util_format(cause, causelen, "%s refused %s: vigild agent does "
		    "not carry it out on a real node, and --%s is never "
		    "run: %s", agent->id, action, agent_hook_specs[k].option,
		    agent_hook_never(k));
		return (-1);
	}
	if (agent->o.hooks[k] != NULL)
		return (0);
	util_format(cause, causelen, "%s refused %s: this vigild agent has no "
	    "hook to carry out %s on the real node; restart it with --%s CMD "
	    "naming the program that does", agent->id, action, action,
	    agent_hook_specs[k].option);
	return (-1);
}

/* Run the action's hook, one at a time. */
static enum driver_done
agent_node_command(void *arg, size_t i, const struct command_pending *p,
    char *cause, size_t causelen)
{
	struct agent	*agent = arg;
	char		 opt[40], dur[32];
	int		 k;

	if (agent_node_accepts(arg, i, p->cmd.action, cause, causelen) != 0 ||
	    (k = agent_hook_index(p->cmd.action)) == -1)
		return (DRIVER_REFUSED);
	if (agent->hook != NULL) {
		util_duration_text(util_mono_ms() - agent->hook_started_ms,
		    dur, sizeof dur);
		util_format(cause, causelen, "its hook for %s %s is still "
		    "running (for %s, limit %d s); wait for its result, then "
		    "propose again",
		    agent_hook_command(agent->hook)->cmd.action,
		    agent_hook_command(agent->hook)->cmd.id, dur,
		    agent->o.hook_timeout_s);
		return (DRIVER_REFUSED);
	}
	util_format(opt, sizeof opt, "--%s", agent_hook_specs[k].option);
	agent->hook = agent_hook_start(agent->context, agent->vhost, agent->id,
	    opt, agent->o.hooks[k], p, agent->o.hook_timeout_s,
	    agent_hook_done, agent, cause, causelen);
	if (agent->hook == NULL)
		return (DRIVER_REFUSED);
	agent->hook_started_ms = util_mono_ms();
	return (DRIVER_STARTED);
}

/* The hook ended: every console hears how. */
static void
agent_hook_done(void *arg, const struct command_pending *p, int ok,
    const char *text)
{
	struct agent	*agent = arg;

	agent->hook = NULL;	/* agent-hook frees it after this */
	fprintf(stderr, "vigild: %s\n", text);
	server_command_done(agent->server, 0, p, ok, text);
}

/*
 * What the node is now, from its facts: "unknown" state with none or
 * stale ones, so that no command binds to what nobody can see.
 */
static void
agent_node_state(void *arg, size_t i, struct command_node_state *state)
{
	struct agent	*agent = arg;
	int		 fresh;

	(void)i;
	memset(state, 0, sizeof *state);
	util_copy(state->node, sizeof state->node, agent->id);
	fresh = agent->have_facts &&
	    util_mono_ms() - agent->facts_ms <= AGENT_STALE_MS;
	if (agent->have_facts)
		util_copy(state->build, sizeof state->build,
		    agent->facts.hello.build);
	if (!fresh)
		state->state = STATE_UNKNOWN;
	else if (agent->o.role == ROLE_ROUTER)
		state->state = agent->facts.stats.router.state;
	else
		state->state = STATE_RUNNING;
}

/*
 * The node's hello, as its facts give its builds and flags, for the plan
 * of a rollback or flag change that targets it; none when it is not
 * among cmd's targets.
 */
static void
agent_plan_facts(void *arg, const struct proto_command *cmd,
    struct command_node_state *state)
{
	struct agent	*agent = arg;
	size_t		 k;

	state->fleet = NULL;
	state->nfleet = 0;
	for (k = 0; k < cmd->ntargets; k++) {
		if (strcmp(cmd->targets[k].node, agent->id) != 0)
			continue;
		proto_hello_clear(&agent->plan_hello);
		agent_node_hello(agent, 0, &agent->plan_hello);
		agent->plan_fleet = &agent->plan_hello;
		state->fleet = &agent->plan_fleet;
		state->nfleet = 1;
		return;
	}
}

/* Take the next queued alert. */
static int
agent_next_alert(void *arg, struct proto_alert *alert)
{
	struct agent	*agent = arg;

	if (agent->qlen == 0)
		return (0);
	*alert = agent->queue[agent->qhead];
	agent->qhead = (agent->qhead + 1) % AGENT_QUEUE;
	agent->qlen--;
	return (1);
}

/* The alerts standing now, for a console that just connected. */
static size_t
agent_node_alerts(void *arg, size_t i, const struct proto_alert **alerts)
{
	struct agent	*agent = arg;
	size_t		 k, n = 0;

	(void)i;
	for (k = 0; k < AGENT_NSTANDING; k++) {
		if (agent->active[k])
			agent->shown[n++] = agent->standing[k];
	}
	*alerts = agent->shown;
	return (n);
}
