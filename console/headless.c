/*
 * headless.c: vigil status, watch and alerts, and the two-person
 * commands propose, pending, approve, cancel and audit verify.
 *
 * The commands share the model and the loop with the curses console:
 * they only decide when to stop and how to print.  JSON comes from the
 * proto_report_*() functions, so this file never sees jansson, and the
 * human output is plain text that reads well in a terminal and a mail.
 *
 * A two-person command runs the loop in steps, each until a condition
 * holds or --wait passes: the targets said hello and sent their state,
 * then (approve) the proposal arrived; between steps the loop is still,
 * so the operator can read the document and type at the terminal; then
 * the answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "auth.h"
#include "check.h"
#include "cmd.h"
#include "cmd-doc.h"
#include "fleet.h"
#include "headless.h"
#include "hmap.h"
#include "incident.h"
#include "loop.h"
#include "opkey.h"
#include "proto.h"
#include "proto-audit.h"
#include "proto-command.h"
#include "proto-plan.h"
#include "util.h"

/*
 * watch: a run of lines about nodes whose state alone changed, to one
 * state: past HEADLESS_BURST of them the rest are held back and told in
 * one line when the run ends (headless_burst_end()), so that an outage
 * taking thousands of nodes stale or down at once, or their coming back,
 * does not bury every other line.
 */
#define HEADLESS_BURST_NAMES	3	/* nodes held back named */
#define HEADLESS_UNLISTED_MAX	16	/* unlisted proposals pending names */
struct headless_burst {
	char		state[16];		/* the run's; "" none */
	size_t		shown;			/* its lines printed */
	size_t		held;			/* its lines held back */
	int64_t		wall_ms;		/* the first held back */
	char		names[256];		/* the first held back */
};

struct headless {
	struct loop			*loop;
	struct fleet			*fleet;
	const struct headless_options	*options;
	int64_t				 start_ms;	/* monotonic */
	int64_t				 deadline_ms;	/* monotonic; 0 none */
	int				 out_errno;	/* stdout failed */

	/* watch: what the last event said of each node and alert. */
	struct headless_seen		*seen;		/* by node index */
	size_t				 nseen;
	struct headless_aseen		*aseen;
	size_t				 naseen;
	struct headless_burst		 burst;

	/* Two-person commands: the step under way. */
	int				(*ready)(struct headless *);
	/* Looks at a node a frame was about, between ticks: 1 when
	   ready() is worth asking now; NULL: ticks only. */
	int				(*on_node)(struct headless *,
					    const struct node *);
	int				 met;		/* ready() held */
	char				 id[PROTO_CMDID_MAX];
	struct proto_command		*cmd;		/* its document */
	struct cmd_track		 track;
	const char			*frame;		/* streamed */
	struct hmap			 order;		/* the track's
							   targets by node */
	int				 move_said;	/* steps printed */
};

/*
 * What watch reports a change of about a node: what a person would act
 * on, never the counters and rates of each stats frame.  Each is kept
 * as a hash of its text, so that comparing is cheap.
 */
enum headless_trait {
	TRAIT_STATE, TRAIT_BUILD, TRAIT_GROUP, TRAIT_FLAGS, TRAIT_ROUTER,
	TRAIT_ROOT, TRAIT_BLACKLIST, TRAIT_MAX
};
static const char *const headless_trait_names[TRAIT_MAX] = {
	"state", "build", "group", "flags", "router.state",
	"cert.root_holder", "station.blacklist"
};

/* The FNV-1a offset basis: the hash of a trait not known. */
#define HEADLESS_SEED	14695981039346656037ULL

struct headless_seen {
	int		known;			/* an event was printed */
	uint64_t	trait[TRAIT_MAX];
};

/* What watch last reported of an alert: its key, severity, how many nodes. */
struct headless_aseen {
	uint64_t		key;
	enum proto_severity	severity;
	size_t			nodes;
};

/* The columns of the status table. */
enum headless_col {
	COL_NODE, COL_ROLE, COL_GROUP, COL_BUILD, COL_FLAGS, COL_STATE,
	COL_AGE, COL_DETAIL, COL_MAX
};
static const char *const headless_col_names[COL_MAX] = {
	"NODE", "ROLE", "GROUP", "BUILD", "FLAGS", "STATE", "AGE", "DETAIL"
};
#define HEADLESS_CELL	256

struct headless_row {
	char	cell[COL_MAX][HEADLESS_CELL];
};

static void	 headless_wait_tick(void *, struct loop *, int64_t, int64_t);
static int	 headless_move(struct headless *);
static int	 headless_ready_move(struct headless *);
static void	 headless_watch_tick(void *, struct loop *, int64_t,
		    int64_t);
static void	 headless_notify(void *, struct fleet *, enum fleet_change,
		    const struct node *, const struct alert *,
		    enum alert_change);
static uint64_t	 headless_hash(uint64_t, const char *);
static void	 headless_traits(const struct fleet *, const struct node *,
		    uint64_t *);
static size_t	 headless_node_changes(struct headless *,
		    const struct fleet *, const struct node *, const char **);
static size_t	 headless_alert_changes(struct headless *,
		    const struct alert *, enum alert_change, const char **);
static void	 headless_print_node(struct headless *, struct fleet *,
		    const struct node *);
static int	 headless_snapshot(struct headless *);
static size_t	 headless_unreached(struct headless *, int);
static int	 headless_link_has_node(const struct fleet *, size_t);
static void	 headless_pseudo_node(const struct fleet *, size_t,
		    struct proto_report_node *);
static int	 headless_cmp_node(const void *, const void *);
static size_t	 headless_nodes(struct headless *, int64_t,
		    struct proto_report_node **);
static size_t	 headless_alerts(struct headless *,
		    struct proto_report_alert **, const char ***);
static void	 headless_print_status(struct headless *, int64_t);
static void	 headless_print_errors(struct headless *,
		    const struct proto_report_node *, size_t);
static void	 headless_print_alerts(const struct proto_report_alert *,
		    size_t);
static void	 headless_print_alert(const struct proto_report_alert *,
		    const char *, int);
static void	 headless_row(const struct proto_report_node *,
		    struct headless_row *);
static void	 headless_age(int64_t, char *, size_t);
static void	 headless_rate(double, char *, size_t);
static void	 headless_nodes_text(const struct proto_report_alert *,
		    char *, size_t);
static const char *headless_severity(enum proto_severity);
static const char *headless_change(enum alert_change);
static char	*headless_local_time(int64_t, char *, size_t);
static void	 headless_flush(struct headless *);
static int	 headless_burst_hold(struct headless *,
		    const struct proto_report_node *, const char **, size_t);
static void	 headless_burst_end(struct headless *);
static void	 headless_wait_text(int64_t, char *, size_t);
static void	 headless_print_event(const struct node *);
static int	 headless_command(struct headless *);
static int	 headless_until(struct headless *, int (*)(struct headless *),
		    int64_t);
static void	 headless_heard(void *, size_t);
static void	 headless_until_tick(void *, struct loop *, int64_t,
		    int64_t);
static int	 headless_node_heard(struct headless *, const char *);
static int	 headless_settled(struct headless *, int);
static int	 headless_ready_targets(struct headless *);
static int	 headless_named_ready(struct headless *,
		    const struct proto_command *);
static int	 headless_unheard(struct headless *, const char *,
		    const char *, const char *, const char *);
static int	 headless_named_heard(struct headless *,
		    const struct proto_command *, const char *);
static int	 headless_ready_proposal(struct headless *);
static int	 headless_proposal_node(struct headless *,
		    const struct node *);
static int	 headless_ready_links(struct headless *);
static int	 headless_ready_answers(struct headless *);
static int	 headless_ready_fleet(struct headless *);
static int	 headless_propose(struct headless *);
static int	 headless_listed(const struct fleet_proposal *);
static const char *headless_word(const struct proto_command *);
static int	 headless_heard_all(struct headless *, int);
static int	 headless_plan(struct headless *);
static char	*headless_plan_text(struct headless *, int, int *);
static int	 headless_approve(struct headless *, const char *);
static int	 headless_awaited(struct headless *);
static void	 headless_awaited_said(struct headless *, const char *,
		    const char *, const char *);
static int	 headless_gone_said(struct headless *, const char *,
		    const char *, const char *);
static size_t	 headless_unlisted(struct headless *, const char *);
static int	 headless_pending(struct headless *);
static void	 headless_pending_lines(struct headless *,
		    const struct fleet_proposal *, size_t, int64_t);
static int	 headless_find(struct headless *, const char *);
static int	 headless_confirm(const char *, const char *);
static int	 headless_propose_review(struct headless *, const char *);
static int	 headless_streams(struct headless *,
		    const struct proto_command *);
static int	 headless_target_ready(struct headless *,
		    const struct node *, const char *);
static int	 headless_stream(struct headless *, const char *,
		    const char *);
static int	 headless_ready_stream(struct headless *);
static void	 headless_order(struct headless *);
static int	 headless_stream_node(struct headless *,
		    const struct node *);
static void	 headless_stream_skip(struct headless *, size_t,
		    const struct node *, int *);
static void	 headless_unsent_why(struct headless *, const struct node *,
		    char *, size_t);
static int	 headless_send(struct headless *, const char *,
		    const char *);
static int	 headless_outcomes(struct headless *, const char *,
		    const char *, const char *, const char *);
static void	 headless_append(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 headless_interrupted(struct headless *);
static void	 headless_lineto(FILE *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* A line on standard output, with what backends wrote escaped. */
#define headless_line(...)	headless_lineto(stdout, __VA_ARGS__)
static void	 headless_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	 headless_escaped(FILE *, const char *, const char *,
		    va_list) __attribute__((format(printf, 3, 0)));
static void	 headless_cell(char *, const char *);

/* Run one command. */
int
headless_run(struct loop *loop, struct fleet *fleet,
    const struct headless_options *options)
{
	struct headless	 h;
	enum loop_end	 end;
	char		*cause = NULL;

	memset(&h, 0, sizeof h);
	h.loop = loop;
	h.fleet = fleet;
	h.options = options;
	h.start_ms = util_mono_ms();

	switch (options->command) {
	case HEADLESS_PROPOSE:
	case HEADLESS_PLAN:
	case HEADLESS_PENDING:
	case HEADLESS_APPROVE:
	case HEADLESS_CANCEL:
	case HEADLESS_FIRE:
		return (headless_command(&h));
	case HEADLESS_AUDIT:
		fatal("headless_run: audit verify needs no fleet");
	default:
		break;
	}

	if (options->command == HEADLESS_WATCH) {
		if (options->for_ms > 0)
			h.deadline_ms = util_mono_ms() + options->for_ms;
		fleet->notify = headless_notify;
		fleet->notify_arg = &h;
		loop_set_tick(loop, headless_watch_tick, &h);
	} else {
		h.deadline_ms = util_mono_ms() + options->wait_ms;
		loop_set_tick(loop, headless_wait_tick, &h);
	}

	end = loop_run(loop, &cause);
	if (options->command == HEADLESS_WATCH) {
		headless_burst_end(&h);
		headless_flush(&h);
	}
	loop_set_tick(loop, NULL, NULL);
	fleet->notify = NULL;
	fleet->notify_arg = NULL;
	free(h.seen);
	free(h.aseen);
	if (end == LOOP_FAILED) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_FAILED);
	}

	if (options->command == HEADLESS_WATCH) {
		if (h.out_errno != 0 && h.out_errno != EPIPE) {
			fprintf(stderr, "vigil: cannot write the watch output: "
			    "%s; check the disk or pipe it is going to\n",
			    strerror(h.out_errno));
			return (HEADLESS_EXIT_FAILED);
		}
		return (HEADLESS_EXIT_OK);
	}
	return (headless_snapshot(&h));
}

/* status and alerts: stop once the fleet is ready or the wait is over. */
static void
headless_wait_tick(void *arg, struct loop *loop, int64_t now_ms,
    int64_t wall_ms)
{
	struct headless	*h = arg;

	(void)wall_ms;
	if (fleet_ready(h->fleet) || now_ms >= h->deadline_ms)
		loop_stop(loop);
}

/* watch: stop when --for has passed or the output has gone. */
static void
headless_watch_tick(void *arg, struct loop *loop, int64_t now_ms,
    int64_t wall_ms)
{
	struct headless	*h = arg;

	(void)wall_ms;
	/* A run of lines ends with the tick that made it. */
	headless_burst_end(h);
	headless_flush(h);
	if ((h->deadline_ms != 0 && now_ms >= h->deadline_ms) ||
	    h->out_errno != 0)
		loop_stop(loop);
}

/*
 * watch: print one change a person would act on, as a line of JSON or
 * for a person.
 */
static void
headless_notify(void *arg, struct fleet *fleet, enum fleet_change what,
    const struct node *node, const struct alert *alert,
    enum alert_change change)
{
	struct headless			*h = arg;
	struct proto_report_alert	 ra;
	const char			*nodes[ALERT_MAX_NODES];
	const char			*changes[2];
	int64_t				 wall_ms = util_wall_ms();
	char				*line, when[16], lead[64];
	size_t				 nchanges;

	if (h->out_errno != 0)
		return;
	if (what == FLEET_NODE_CHANGED && node != NULL)
		headless_print_node(h, fleet, node);
	else if ((what == FLEET_PROPOSAL_CHANGED ||
	    what == FLEET_COMMAND_RESULT) && node != NULL) {
		/* The JSON lines stay node and alert events (vigil(1)). */
		if (!h->options->json) {
			headless_burst_end(h);
			headless_print_event(node);
		}
	} else if (what == FLEET_ALERT_CHANGED && alert != NULL &&
	    change != ALERT_UNCHANGED && change != ALERT_REFRESHED) {
		nchanges = headless_alert_changes(h, alert, change, changes);
		if (change == ALERT_UPDATED && nchanges == 0)
			return;
		fleet_report_alert(alert, nodes, &ra);
		if (h->options->json) {
			line = proto_report_alert_event(wall_ms,
			    headless_change(change), changes, nchanges, &ra);
			printf("%s\n", line);
			free(line);
		} else {
			headless_burst_end(h);
			headless_local_time(wall_ms, when, sizeof when);
			util_format(lead, sizeof lead, "%s %s%s%s ", when,
			    headless_change(change), nchanges > 0 ? " " : "",
			    nchanges == 0 ? "" : nchanges == 2 ?
			    "severity, nodes" : changes[0]);
			headless_print_alert(&ra, lead, change == ALERT_RAISED);
		}
	}
	headless_flush(h);
}

/* FNV-1a of s (NULL as empty) continued from hash h, with a separator. */
static uint64_t
headless_hash(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return ((h ^ 0xff) * 1099511628211ULL);
}

/* Hash each trait of node into trait[TRAIT_MAX]. */
static void
headless_traits(const struct fleet *fleet, const struct node *node,
    uint64_t *trait)
{
	const uint64_t	 seed = HEADLESS_SEED;
	size_t		 i;

	/* A trait not known keeps the seed itself. */
	for (i = 0; i < TRAIT_MAX; i++)
		trait[i] = seed;
	trait[TRAIT_STATE] = headless_hash(seed, fleet_report_state(fleet,
	    node));
	if (node->has_hello) {
		trait[TRAIT_BUILD] = headless_hash(seed, node->hello.build);
		trait[TRAIT_GROUP] = headless_hash(seed, node->hello.group);
		for (i = 0; i < node->hello.nflags && i < PROTO_MAX_FLAGS;
		    i++) {
			trait[TRAIT_FLAGS] = headless_hash(trait[TRAIT_FLAGS],
			    node->hello.flags[i].name);
			trait[TRAIT_FLAGS] = headless_hash(trait[TRAIT_FLAGS],
			    node->hello.flags[i].on ? "on" : "off");
			trait[TRAIT_FLAGS] = headless_hash(trait[TRAIT_FLAGS],
			    node->hello.flags[i].path);
		}
	}
	if (node->nstats != 0 && node->stats.role == ROLE_ROUTER)
		trait[TRAIT_ROUTER] = headless_hash(seed,
		    proto_state_name(node->stats.router.state));
	if (node->nstats != 0 && node->stats.role == ROLE_STATION) {
		for (i = 0; i < node->stats.station.nblacklist &&
		    i < PROTO_MAX_BLACKLIST; i++)
			trait[TRAIT_BLACKLIST] = headless_hash(
			    trait[TRAIT_BLACKLIST],
			    node->stats.station.blacklist[i].peer);
	}
	if (node->has_cert)
		trait[TRAIT_ROOT] = headless_hash(seed, node->cert.root_holder);
}

/*
 * watch: the names of node's traits that changed since its last event
 * (all that are known, the first time) into changes, which holds
 * TRAIT_MAX; remembers them.  Returns how many: 0 when nothing changed,
 * or when a live node has not yet said all it says at first.
 */
static size_t
headless_node_changes(struct headless *h, const struct fleet *fleet,
    const struct node *node, const char **changes)
{
	struct headless_seen	*seen;
	uint64_t		 trait[TRAIT_MAX];
	size_t			 index, i, n = 0;

	index = (size_t)(node - fleet->nodes);
	if (index >= h->nseen) {
		h->seen = xreallocarray(h->seen, fleet->nnodes + 1,
		    sizeof *h->seen);
		memset(h->seen + h->nseen, 0, (fleet->nnodes + 1 - h->nseen) *
		    sizeof *h->seen);
		h->nseen = fleet->nnodes + 1;
	}
	seen = &h->seen[index];
	/*
	 * The first event waits for what a live node reports at once (a
	 * router's state, a station's certificate), so that it says the
	 * node whole instead of in two lines; a refused one says no more.
	 */
	if (!seen->known && strcmp(fleet_report_state(fleet, node), "live") ==
	    0 && (!node->has_hello || node->nstats == 0 ||
	    (fleet_node_role(node) == ROLE_STATION && !node->has_cert)))
		return (0);
	headless_traits(fleet, node, trait);
	for (i = 0; i < TRAIT_MAX; i++) {
		if (seen->known ? trait[i] != seen->trait[i] :
		    trait[i] != HEADLESS_SEED)
			changes[n++] = headless_trait_names[i];
	}
	memcpy(seen->trait, trait, sizeof trait);
	seen->known = 1;
	return (n);
}

/*
 * watch: for an alert updated, "severity" when it changed since its last
 * event, and "nodes" when the number of nodes it is about doubled or
 * halved since then (a cascade adding stations one by one is one story,
 * told at 2, 4, 8, ...); its words alone are not news: a name or number
 * in them moves as the nodes report.  None for other changes.
 * Remembers what it reported.  Returns how many names it put in changes
 * (2 at most).
 */
static size_t
headless_alert_changes(struct headless *h, const struct alert *a,
    enum alert_change change, const char **changes)
{
	struct headless_aseen	*s = NULL;
	uint64_t		 key;
	size_t			 i, n = 0, total;

	key = headless_hash(headless_hash(HEADLESS_SEED, a->rule),
	    a->code);
	if (!a->grouped) {
		for (i = 0; i < a->nnodes; i++)
			key = headless_hash(key, a->nodes[i]);
	}
	total = a->nodes_total > a->nnodes ? a->nodes_total : a->nnodes;
	for (i = 0; i < h->naseen; i++) {
		if (h->aseen[i].key == key) {
			s = &h->aseen[i];
			break;
		}
	}
	if (s == NULL) {
		h->aseen = xreallocarray(h->aseen, h->naseen + 1,
		    sizeof *h->aseen);
		s = &h->aseen[h->naseen++];
		s->key = key;
		s->severity = a->severity;
		s->nodes = total;
	}
	if (change == ALERT_UPDATED && s->severity != a->severity)
		changes[n++] = "severity";
	if (change != ALERT_UPDATED || total >= 2 * s->nodes ||
	    2 * total <= s->nodes) {
		if (change == ALERT_UPDATED && total != s->nodes)
			changes[n++] = "nodes";
		s->nodes = total;
	}
	s->severity = a->severity;
	return (n);
}

/*
 * watch: a line about node when something a person acts on changed:
 * its state, build, flags, a router's state, a station's root holder
 * or blacklist; never for counters alone.
 */
static void
headless_print_node(struct headless *h, struct fleet *fleet,
    const struct node *node)
{
	struct proto_report_node	 rn;
	const char			*changes[TRAIT_MAX];
	char				*line, when[16], flags[HEADLESS_CELL];
	char				 list[HEADLESS_CELL], router[32];
	int64_t				 wall_ms = util_wall_ms();
	size_t				 i, n;

	if ((n = headless_node_changes(h, fleet, node, changes)) == 0)
		return;
	fleet_report_node(fleet, node, util_mono_ms(), &rn);
	if (h->options->json) {
		line = proto_report_node_event(wall_ms, &rn, changes, n);
		printf("%s\n", line);
		free(line);
		return;
	}
	if (headless_burst_hold(h, &rn, changes, n))
		return;
	list[0] = '\0';
	for (i = 0; i < n; i++)
		util_format(list + strlen(list), sizeof list - strlen(list),
		    "%s%s", i == 0 ? "" : ", ", changes[i]);
	headless_local_time(wall_ms, when, sizeof when);
	if (strcmp(rn.state, "live") != 0 || rn.hello == NULL) {
		headless_line("%s %s %s%s%s (changed: %s)", when, rn.id,
		    rn.state, rn.error != NULL ? ": " : "", rn.error != NULL ?
		    rn.error : "", list);
		return;
	}
	flags[0] = router[0] = '\0';
	for (i = 0; i < rn.hello->nflags; i++) {
		if (rn.hello->flags[i].on)
			util_format(flags + strlen(flags), sizeof flags -
			    strlen(flags), ", %s=%s", rn.hello->flags[i].name,
			    rn.hello->flags[i].path);
	}
	if (rn.stats != NULL && rn.stats->role == ROLE_ROUTER)
		util_format(router, sizeof router, ", %s",
		    proto_state_name(rn.stats->router.state));
	headless_line("%s %s live: build %s%s%s (changed: %s)", when, rn.id,
	    rn.hello->build, flags, router, list);
}

/*
 * watch: whether the line about node (rn, whose traits changes changed,
 * n of them) is held back in the run of lines it belongs to, past
 * HEADLESS_BURST of them; a line of another kind ends the run first.
 */
static int
headless_burst_hold(struct headless *h, const struct proto_report_node *rn,
    const char **changes, size_t n)
{
	struct headless_burst	*b = &h->burst;
	size_t			 len;

	if (h->options->every_line || n != 1 ||
	    strcmp(changes[0], headless_trait_names[TRAIT_STATE]) != 0) {
		headless_burst_end(h);
		return (0);
	}
	if (strcmp(b->state, rn->state) != 0) {
		headless_burst_end(h);
		util_copy(b->state, sizeof b->state, rn->state);
	}
	if (b->shown < HEADLESS_BURST) {
		b->shown++;
		return (0);
	}
	if (b->held++ == 0)
		b->wall_ms = util_wall_ms();
	if (b->held <= HEADLESS_BURST_NAMES) {
		len = strlen(b->names);
		util_format(b->names + len, sizeof b->names - len, "%s%s",
		    len == 0 ? "" : ", ", rn->id);
	}
	return (1);
}

/*
 * watch: end the run of lines, telling in one line the nodes it held
 * back, if any: how many, to which state, and the first few by name.
 */
static void
headless_burst_end(struct headless *h)
{
	struct headless_burst	*b = &h->burst;
	char			 when[16];

	if (b->held > HEADLESS_BURST_NAMES)
		headless_line("%s %zu more nodes %s (changed: state): %s and "
		    "%zu more", headless_local_time(b->wall_ms, when,
		    sizeof when), b->held, b->state, b->names,
		    b->held - HEADLESS_BURST_NAMES);
	else if (b->held > 0)
		headless_line("%s %zu more %s %s (changed: state): %s",
		    headless_local_time(b->wall_ms, when, sizeof when),
		    b->held, b->held == 1 ? "node" : "nodes", b->state,
		    b->names);
	if (b->held > 0 || b->state[0] != '\0')
		memset(b, 0, sizeof *b);
}

/*
 * status and alerts: run the checks once more, print, and decide the
 * exit status.  A missing backend or node (3) outranks a critical alert
 * (1): an incomplete picture must not pass for a complete one.
 */
static int
headless_snapshot(struct headless *h)
{
	int64_t				 now_ms = util_mono_ms();
	struct proto_report_node	*nodes = NULL;
	struct proto_report_alert	*alerts = NULL;
	const char			**nodes_buf = NULL;
	size_t				 nnodes, nalerts, unreached;
	char				*doc;

	check_tick(h->fleet, now_ms, util_wall_ms());
	unreached = headless_unreached(h, 1);

	if (h->options->json) {
		nnodes = headless_nodes(h, now_ms, &nodes);
		nalerts = headless_alerts(h, &alerts, &nodes_buf);
		if (h->options->command == HEADLESS_STATUS)
			doc = proto_report_status(h->fleet->name, nodes,
			    nnodes, alerts, nalerts);
		else
			doc = proto_report_alerts(alerts, nalerts);
		printf("%s\n", doc);
		free(doc);
		free(nodes);
		free(alerts);
		free(nodes_buf);
	} else if (h->options->command == HEADLESS_STATUS)
		headless_print_status(h, now_ms);
	else {
		nalerts = headless_alerts(h, &alerts, &nodes_buf);
		headless_print_alerts(alerts, nalerts);
		free(alerts);
		free(nodes_buf);
	}

	headless_flush(h);
	if (h->out_errno != 0) {
		if (h->out_errno != EPIPE)
			fprintf(stderr, "vigil: cannot write the output: %s; "
			    "check the disk or pipe it is going to\n",
			    strerror(h->out_errno));
		return (HEADLESS_EXIT_FAILED);
	}
	if (unreached > 0)
		return (HEADLESS_EXIT_UNREACHED);
	if (alert_count(&h->fleet->alerts, SEV_CRITICAL) > 0)
		return (HEADLESS_EXIT_CRITICAL);
	if (alert_count(&h->fleet->alerts, SEV_WARNING) > 0)
		return (HEADLESS_EXIT_WARNING);
	return (HEADLESS_EXIT_OK);
}

/*
 * Count the backends not fully heard from: not connected, or connected
 * with fewer nodes saying hello than it carries.  With report set, say
 * why for each on standard error.
 */
static size_t
headless_unreached(struct headless *h, int report)
{
	const struct fleet	*fleet = h->fleet;
	const struct fleet_link	*fl;
	size_t			 i, j, nhello, n = 0;
	char			 wait[32];

	/* The time actually waited: a signal may have cut it short. */
	headless_wait_text(util_mono_ms() - h->start_ms, wait, sizeof wait);
	for (i = 0; i < fleet->nlinks; i++) {
		fl = &fleet->links[i];
		nhello = 0;
		for (j = 0; j < fl->nnodes; j++) {
			if (fleet->nodes[fl->node_ix[j]].has_hello)
				nhello++;
		}
		if (auth_settled(fleet, i) < 0) {
			/* It will send nothing more: the error says why. */
			n++;
			if (report)
				headless_warn("backend %s sends nothing but "
				    "its hello to this console: %s", fl->url,
				    fl->error);
		} else if (!loop_link_up(h->loop, i)) {
			n++;
			if (!report)
				continue;
			if (fl->ever_up)
				headless_warn("backend %s went down: "
				    "%s; check that vigild still runs there",
				    fl->url, fl->error[0] != '\0' ? fl->error :
				    "no reason given");
			else
				headless_warn("could not reach "
				    "backend %s within %s: %s; check that "
				    "vigild runs there and the address is "
				    "right, or allow longer with --wait",
				    fl->url, wait, fl->error[0] != '\0' ?
				    fl->error : "no answer yet");
		} else if (nhello == 0) {
			n++;
			if (report && fl->ignored_frames > 0)
				fprintf(stderr, "vigil: backend %s connected "
				    "but every node it spoke for is another "
				    "backend's or past a bound, and its %llu "
				    "frame%s about them were ignored; see the "
				    "alerts\n", fl->url,
				    (unsigned long long)fl->ignored_frames,
				    fl->ignored_frames == 1 ? "" : "s");
			else if (report && fl->bad_frames > 0)
				headless_warn("backend %s connected but no "
				    "node said hello within %s, and it sent "
				    "%llu frame%s the console refused; the "
				    "last problem with it: %s", fl->url, wait,
				    (unsigned long long)fl->bad_frames,
				    fl->bad_frames == 1 ? "" : "s", fl->error);
			else if (report && fl->went_down != NULL)
				headless_warn("backend %s connected but no "
				    "node said hello within %s, and it closed "
				    "the connection before: %s; check that "
				    "vigild runs there and lets this console "
				    "in (see its log)", fl->url, wait,
				    fl->went_down);
			else if (report)
				fprintf(stderr, "vigil: backend %s connected "
				    "but no node said hello within %s; check "
				    "that it is a vigild speaking %s, or allow "
				    "longer with --wait\n", fl->url, wait,
				    PROTO_SUBPROTOCOL);
		} else if (fleet_link_expects(fleet, i) > nhello) {
			n++;
			if (report)
				fprintf(stderr, "vigil: only %zu of the %zu "
				    "nodes behind backend %s said hello within "
				    "%s; allow longer with --wait\n", nhello,
				    fleet_link_expects(fleet, i), fl->url,
				    wait);
		}
	}
	return (n);
}

/* Does any node in the model come from link index? */
static int
headless_link_has_node(const struct fleet *fleet, size_t index)
{
	return (fleet->links[index].nnodes > 0);
}

/* A report row standing for a backend no node has come from. */
static void
headless_pseudo_node(const struct fleet *fleet, size_t index,
    struct proto_report_node *out)
{
	const struct fleet_link	*fl = &fleet->links[index];

	memset(out, 0, sizeof *out);
	out->id = fl->url;
	out->url = fl->url;
	out->state = "down";
	out->age_ms = -1;
	out->parent_rate = out->child_rate = out->child_share_rate = -1;
	out->child_rate_baseline = -1;
	out->heartbeat_rate = out->heartbeat_rate_expected = -1;
	out->error = fl->error[0] != '\0' ? fl->error : NULL;
}

/* Order report nodes by id, as strcmp() does. */
static int
headless_cmp_node(const void *a, const void *b)
{
	return (strcmp(((const struct proto_report_node *)a)->id,
	    ((const struct proto_report_node *)b)->id));
}

/*
 * Report views of every node sorted by id, so that two runs' output
 * differ only where the fleet does; then of every backend with none.
 */
static size_t
headless_nodes(struct headless *h, int64_t now_ms,
    struct proto_report_node **out)
{
	const struct fleet	*fleet = h->fleet;
	size_t			 i, n = 0;

	*out = xcalloc(fleet->nnodes + fleet->nlinks, sizeof **out);
	for (i = 0; i < fleet->nnodes; i++)
		fleet_report_node(fleet, &fleet->nodes[i], now_ms,
		    &(*out)[n++]);
	qsort(*out, n, sizeof **out, headless_cmp_node);
	for (i = 0; i < fleet->nlinks; i++) {
		if (!headless_link_has_node(fleet, i))
			headless_pseudo_node(fleet, i, &(*out)[n++]);
	}
	return (n);
}

/*
 * Report views of the standing alerts, incident by incident as the
 * alert bar ranks them (incident.h), each with its incident's number,
 * what it follows from and how many alerts follow from it.
 */
static size_t
headless_alerts(struct headless *h, struct proto_report_alert **out,
    const char ***nodes_buf)
{
	struct incident_set		 is;
	const struct incident_place	*pl;
	size_t				 i, n;

	incident_group(&h->fleet->alerts, 1, &is);
	n = is.nplaces;
	*out = xcalloc(n, sizeof **out);
	*nodes_buf = xcalloc(n * ALERT_MAX_NODES + 1, sizeof **nodes_buf);
	for (i = 0; i < n; i++) {
		pl = &is.places[i];
		fleet_report_alert(pl->alert, *nodes_buf + i * ALERT_MAX_NODES,
		    &(*out)[i]);
		(*out)[i].incident = pl->incident + 1;
		(*out)[i].follows = pl->follows != NULL ?
		    alert_name(pl->follows) : NULL;
		(*out)[i].effects = pl->effects;
	}
	incident_free(&is);
	return (n);
}

/* The human status: a header line, the node table, then the alerts. */
static void
headless_print_status(struct headless *h, int64_t now_ms)
{
	struct proto_report_node	*nodes;
	struct proto_report_alert	*alerts;
	const char			**nodes_buf;
	struct headless_row		*rows;
	size_t				 nnodes, nalerts, i, c;
	size_t				 live = 0, stale = 0, down = 0;
	size_t				 refused = 0;
	int				 width[COL_MAX];
	char				 clock[16] = "";
	const struct node		*node;

	nnodes = headless_nodes(h, now_ms, &nodes);
	nalerts = headless_alerts(h, &alerts, &nodes_buf);

	for (i = 0; i < nnodes; i++) {
		if (strcmp(nodes[i].state, "live") == 0)
			live++;
		else if (strcmp(nodes[i].state, "stale") == 0)
			stale++;
		else if (strcmp(nodes[i].state, "refused") == 0)
			refused++;
		else
			down++;
	}
	for (i = 0; i < h->fleet->nnodes; i++) {
		node = &h->fleet->nodes[i];
		if (node->has_hello && node->state != NODE_DOWN) {
			util_clock_text(fleet_node_clock(node, now_ms), clock,
			    sizeof clock);
			break;
		}
	}
	printf("fleet %s: %zu node%s (%zu live, %zu stale, %zu down",
	    h->fleet->name, nnodes, nnodes == 1 ? "" : "s", live, stale,
	    down);
	if (refused > 0)
		printf(", %zu refused", refused);
	printf("); %zu critical, %zu warning%s",
	    alert_count(&h->fleet->alerts, SEV_CRITICAL),
	    alert_count(&h->fleet->alerts, SEV_WARNING),
	    alert_count(&h->fleet->alerts, SEV_WARNING) == 1 ? "" : "s");
	if (clock[0] != '\0')
		printf("; node clock %s", clock);
	printf("\n");
	if (h->fleet->also_watching[0] != '\0')
		headless_line("also watching: %s", h->fleet->also_watching);
	printf("\n");

	rows = xcalloc(nnodes + 1, sizeof *rows);
	for (c = 0; c < COL_MAX; c++)
		util_copy(rows[0].cell[c], HEADLESS_CELL,
		    headless_col_names[c]);
	for (i = 0; i < nnodes; i++)
		headless_row(&nodes[i], &rows[i + 1]);
	for (c = 0; c < COL_MAX; c++) {
		width[c] = 0;
		for (i = 0; i <= nnodes; i++) {
			if ((int)strlen(rows[i].cell[c]) > width[c])
				width[c] = (int)strlen(rows[i].cell[c]);
		}
	}
	for (i = 0; i <= nnodes; i++) {
		for (c = 0; c < COL_MAX; c++) {
			if (c == COL_MAX - 1)
				printf("%s\n", rows[i].cell[c]);
			else
				printf("%-*s  ", width[c], rows[i].cell[c]);
		}
	}
	headless_print_errors(h, nodes, nnodes);
	printf("\n");
	headless_print_alerts(alerts, nalerts);

	free(rows);
	free(nodes);
	free(alerts);
	free(nodes_buf);
}

/*
 * Each node's last link or frame problem under the table: a node that
 * is not live says why, and a live one whose backend sent a frame the
 * console refused says that too (once per backend, which may carry
 * thousands of nodes), so text mode hides nothing --json shows.
 */
static void
headless_print_errors(struct headless *h,
    const struct proto_report_node *nodes, size_t nnodes)
{
	struct fleet	*fleet = h->fleet;
	struct node	*node;
	char		*said;
	size_t		 i;

	said = xcalloc(fleet->nlinks + 1, 1);
	for (i = 0; i < nnodes; i++) {
		if (nodes[i].error == NULL)
			continue;
		if (strcmp(nodes[i].state, "live") != 0) {
			headless_line("%s: %s", nodes[i].id, nodes[i].error);
			continue;
		}
		/* A live node's frame error is its backend's: say it once. */
		if ((node = fleet_find(fleet, nodes[i].id)) == NULL ||
		    said[node->link])
			continue;
		said[node->link] = 1;
		headless_line("%s (live; backend %s): %s", nodes[i].id,
		    nodes[i].url, nodes[i].error);
	}
	free(said);
}

/* The alerts by incident, cause first, or a line saying there are none. */
static void
headless_print_alerts(const struct proto_report_alert *alerts, size_t n)
{
	size_t	i;

	if (n == 0) {
		printf("no alerts\n");
		return;
	}
	for (i = 0; i < n; i++)
		headless_print_alert(&alerts[i], "", 1);
}

/*
 * One alert: lead, then "CRITICAL flag-drift router/r8: text", then,
 * with full, its cause and the action on indented lines.
 */
static void
headless_print_alert(const struct proto_report_alert *a, const char *lead,
    int full)
{
	char	nodes[HEADLESS_CELL * 2], count[48];

	headless_nodes_text(a, nodes, sizeof nodes);
	count[0] = '\0';
	if (a->count > 1)
		util_format(count, sizeof count, " (%llu times)",
		    (unsigned long long)a->count);
	headless_line("%s%s %s%s%s: %s%s%s", lead,
	    headless_severity(a->severity), a->rule, nodes[0] != '\0' ? " " :
	    "", nodes, a->text, count, a->acknowledged ? " (acknowledged)" :
	    "");
	if (!full)
		return;
	if (a->follows != NULL)
		headless_line("    follows: %s", a->follows);
	if (a->cause != NULL && *a->cause != '\0')
		headless_line("    cause: %s", a->cause);
	if (a->action != NULL && *a->action != '\0')
		headless_line("    action: %s", a->action);
}

/* Fill one table row for a node. */
static void
headless_row(const struct proto_report_node *n, struct headless_row *row)
{
	const struct proto_hello	*hello = n->hello;
	char				*p, rate[32], left[32], hb[32];
	size_t				 i, room;

	memset(row, 0, sizeof *row);
	headless_cell(row->cell[COL_NODE], n->id);
	util_copy(row->cell[COL_ROLE], HEADLESS_CELL,
	    hello != NULL ? proto_role_name(hello->role) : "-");
	headless_cell(row->cell[COL_GROUP],
	    hello != NULL && hello->group[0] != '\0' ? hello->group : "-");
	headless_cell(row->cell[COL_BUILD],
	    hello != NULL && hello->build[0] != '\0' ? hello->build : "-");

	/* Flags that are on, with the code each wakes on this build. */
	p = row->cell[COL_FLAGS];
	room = HEADLESS_CELL;
	for (i = 0; hello != NULL && i < hello->nflags; i++) {
		if (!hello->flags[i].on)
			continue;
		util_format(p, room, "%s%s=%s", p == row->cell[COL_FLAGS] ?
		    "" : ",", hello->flags[i].name, hello->flags[i].path);
		room -= strlen(p);
		p += strlen(p);
	}
	if (row->cell[COL_FLAGS][0] == '\0')
		util_copy(row->cell[COL_FLAGS], HEADLESS_CELL, "-");
	headless_cell(row->cell[COL_FLAGS], row->cell[COL_FLAGS]);

	util_copy(row->cell[COL_STATE], HEADLESS_CELL, n->state);
	headless_age(n->age_ms, row->cell[COL_AGE], HEADLESS_CELL);

	if (hello == NULL)
		util_copy(row->cell[COL_DETAIL], HEADLESS_CELL, "-");
	else if (hello->role == ROLE_ROUTER) {
		headless_rate(n->child_rate, rate, sizeof rate);
		/* A kill shows first: the state is what matters then. */
		if (n->stats != NULL && n->stats->router.state ==
		    STATE_HALTING)
			util_format(row->cell[COL_DETAIL], HEADLESS_CELL,
			    "HALTING (%llu child orders open), child orders %s",
			    (unsigned long long)n->stats->router.open_children,
			    rate);
		else if (n->stats != NULL && n->stats->router.state ==
		    STATE_KILLED)
			util_format(row->cell[COL_DETAIL], HEADLESS_CELL,
			    "KILLED, child orders %s", rate);
		else
			util_format(row->cell[COL_DETAIL], HEADLESS_CELL,
			    "child orders %s", rate);
		if (n->stats != NULL && n->stats->router.worst_ratio > 1.0) {
			p = row->cell[COL_DETAIL];
			util_format(p + strlen(p), HEADLESS_CELL - strlen(p),
			    ", child shares %s%.1fx parent%s",
			    n->stats->router.state == STATE_KILLED ?
			    "reached " : "", n->stats->router.worst_ratio,
			    n->stats->router.state == STATE_KILLED ?
			    " before the kill" : "");
		}
	} else {
		if (n->cert == NULL)
			util_copy(left, sizeof left, "none");
		else if (n->cert_expires_in_ms <= 0)
			util_copy(left, sizeof left, "expired");
		else
			util_duration_text(n->cert_expires_in_ms, left,
			    sizeof left);
		headless_rate(n->heartbeat_rate, hb, sizeof hb);
		util_format(row->cell[COL_DETAIL], HEADLESS_CELL,
		    "cert %s, heartbeats %s", left, hb);
	}
}

/* An age at a glance: tenths below ten seconds, "never" if unheard. */
static void
headless_age(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		util_copy(buf, len, "never");
	else if (ms < 10000)
		util_format(buf, len, "%.1fs", (double)ms / 1000.0);
	else
		util_duration_text(ms, buf, len);
}

/* A rate per second, or "-" while it is not known. */
static void
headless_rate(double rate, char *buf, size_t len)
{
	if (rate < 0)
		util_copy(buf, len, "-");
	else if (rate < 10)
		util_format(buf, len, "%.1f/s", rate);
	else
		util_format(buf, len, "%.0f/s", rate);
}

/*
 * "station/s1,station/s3,station/s5 +13", or "" for an alert about none:
 * the heading stays one line; the text says how many nodes in all.
 */
static void
headless_nodes_text(const struct proto_report_alert *a, char *buf,
    size_t len)
{
	size_t	i, used, shown = a->nnodes > 3 ? 3 : a->nnodes;
	size_t	total = a->nodes_total > a->nnodes ? a->nodes_total : a->nnodes;

	buf[0] = '\0';
	for (i = 0; i < shown; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s%s", i == 0 ? "" : ",",
		    a->nodes[i]);
	}
	if (total > shown) {
		used = strlen(buf);
		util_format(buf + used, len - used, " +%zu", total - shown);
	}
}

/* "CRITICAL", "WARNING", "INFO". */
static const char *
headless_severity(enum proto_severity sev)
{
	switch (sev) {
	case SEV_CRITICAL:
		return ("CRITICAL");
	case SEV_WARNING:
		return ("WARNING");
	case SEV_INFO:
		break;
	}
	return ("INFO");
}

/* The word for an alert change, as in watch --json. */
static const char *
headless_change(enum alert_change change)
{
	switch (change) {
	case ALERT_RAISED:
		return ("raised");
	case ALERT_UPDATED:
		return ("updated");
	case ALERT_REFRESHED:
		return ("refreshed");
	case ALERT_CLEARED:
		return ("cleared");
	case ALERT_ACKNOWLEDGED:
		return ("acknowledged");
	case ALERT_UNCHANGED:
		break;
	}
	return ("unchanged");
}

/* "HH:MM:SS" of a wall time in the local zone, for watch lines. */
static char *
headless_local_time(int64_t wall_ms, char *buf, size_t len)
{
	time_t		t = (time_t)(wall_ms / 1000);
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%H:%M:%S", &tm) == 0)
		util_copy(buf, len, "--:--:--");
	return (buf);
}

/* Push the output out now (scripts read it through pipes). */
static void
headless_flush(struct headless *h)
{
	if (h->out_errno != 0)
		return;
	if (fflush(stdout) == EOF || ferror(stdout))
		h->out_errno = errno != 0 ? errno : EIO;
}

/* "5 s", "0.5 s": a time waited, as people write it. */
static void
headless_wait_text(int64_t ms, char *buf, size_t len)
{
	if (ms >= 10000)
		util_format(buf, len, "%lld s", (long long)((ms + 500) / 1000));
	else
		util_format(buf, len, "%.1f s", (double)ms / 1000.0);
}

/* watch: the newest event line of node, which says what it did. */
static void
headless_print_event(const struct node *node)
{
	const struct fleet_event	*e;
	char				 when[16];

	if (node->events_n == 0)
		return;
	e = &node->events[(node->events_head + node->events_n - 1) %
	    FLEET_EVENTS];
	headless_line("%s %s %s", headless_local_time(e->wall_ms, when,
	    sizeof when), node->id, e->text);
}

/* Run a two-person command or pending; returns the exit status. */
static int
headless_command(struct headless *h)
{
	int	status;

	h->cmd = xcalloc(1, sizeof *h->cmd);
	switch (h->options->command) {
	case HEADLESS_PROPOSE:
		status = headless_propose(h);
		break;
	case HEADLESS_PLAN:
		status = headless_plan(h);
		break;
	case HEADLESS_APPROVE:
		status = headless_approve(h, "approve");
		break;
	case HEADLESS_CANCEL:
		status = headless_approve(h, "cancel");
		break;
	case HEADLESS_FIRE:
		status = headless_approve(h, "fire");
		break;
	default:
		status = headless_pending(h);
		break;
	}
	headless_flush(h);
	/* A test hook: the console's own count of documents sent it. */
	if (getenv("VIGIL_TEST_DOCS") != NULL)
		fprintf(stderr, "vigil: proposal documents: %llu whole, %llu "
		    "named by SHA-256, %llu wanted\n",
		    (unsigned long long)h->fleet->awaits.whole,
		    (unsigned long long)h->fleet->awaits.named,
		    (unsigned long long)h->fleet->awaits.wanted);
	cmd_track_free(&h->track);
	proto_command_clear(h->cmd);
	free(h->cmd);
	h->cmd = NULL;
	loop_set_tick(h->loop, NULL, NULL);
	if (h->out_errno != 0 && status == HEADLESS_EXIT_OK) {
		if (h->out_errno != EPIPE)
			fprintf(stderr, "vigil: cannot write the output: %s; "
			    "check the disk or pipe it is going to\n",
			    strerror(h->out_errno));
		return (HEADLESS_EXIT_FAILED);
	}
	return (status);
}

/*
 * Run the loop until ready(h) holds or wait_ms passes: asked each tick,
 * and after a frame about a node when h->on_node (the caller's, cleared
 * here) says so.  Returns 1 when it held, 0 when the time ran out, -1
 * when a signal came or the loop failed (said on standard error, with
 * h->met set to -1 for a failure).
 */
static int
headless_until(struct headless *h, int (*ready)(struct headless *),
    int64_t wait_ms)
{
	enum loop_end	 end;
	char		*cause = NULL;

	h->ready = ready;
	h->met = 0;
	h->deadline_ms = util_mono_ms() + wait_ms;
	loop_set_tick(h->loop, headless_until_tick, h);
	h->fleet->on_node = h->on_node != NULL ? headless_heard : NULL;
	h->fleet->on_node_arg = h;
	end = loop_run(h->loop, &cause);
	h->fleet->on_node = NULL;
	h->on_node = NULL;
	loop_set_tick(h->loop, NULL, NULL);
	if (end == LOOP_FAILED) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		h->met = -1;
		return (-1);
	}
	if (end == LOOP_SIGNALLED)
		return (-1);
	return (h->met);
}

/*
 * A frame about node i was taken: a step with an on_node hook acts on
 * it now, and stops once its condition holds, instead of waiting up
 * to a tick (LOOP_TICK_MS) for each node.
 */
static void
headless_heard(void *arg, size_t i)
{
	struct headless	*h = arg;

	if (!h->met && h->on_node != NULL &&
	    h->on_node(h, &h->fleet->nodes[i]) && h->ready(h)) {
		h->met = 1;
		loop_stop(h->loop);
	}
}

/* A step's tick: stop once its condition holds or its time is up. */
static void
headless_until_tick(void *arg, struct loop *loop, int64_t now_ms,
    int64_t wall_ms)
{
	struct headless	*h = arg;

	(void)wall_ms;
	if (h->ready(h)) {
		h->met = 1;
		loop_stop(loop);
	} else if (now_ms >= h->deadline_ms)
		loop_stop(loop);
}

/*
 * Has node id said hello over a link that is up, and sent its state (a
 * router its counters, a station its blacklist: the hello carries
 * neither), so the state a command binds to and is judged on is known?
 */
static int
headless_node_heard(struct headless *h, const char *id)
{
	const struct node	*node = fleet_find_const(h->fleet, id);

	if (node == NULL || !node->has_hello || node->state == NODE_DOWN ||
	    !loop_link_up(h->loop, node->link))
		return (0);
	return (node->nstats > 0);
}

/*
 * Has every backend connected and said hello for all the nodes it
 * carries (and, with stats, each sent its counters twice: a backend
 * sends the proposals it holds after the first, so by the second they
 * are all here)?
 */
static int
headless_settled(struct headless *h, int stats)
{
	const struct fleet	*fleet = h->fleet;
	const struct fleet_link	*fl;
	const struct node	*node;
	size_t			 l, i;

	if (fleet->awaits.n > 0)
		return (0);	/* a document named by hash is to come */
	for (l = 0; l < fleet->nlinks; l++) {
		fl = &fleet->links[l];
		if (auth_settled(fleet, l) < 0)
			continue;	/* nothing more will come */
		if (!loop_link_up(h->loop, l))
			return (0);
		for (i = 0; i < fl->nnodes; i++) {
			node = &fleet->nodes[fl->node_ix[i]];
			if (!node->has_hello || (stats && node->nstats < 2))
				return (0);
		}
		if (fl->nnodes == 0 ||
		    fl->nnodes < fleet_link_expects(fleet, l))
			return (0);
		if (auth_settled(fleet, l) == 0)
			return (0);
	}
	return (1);
}

/*
 * propose: every target heard; or the whole fleet said hello and a
 * target is not in it, or a target's backend refused this console (no
 * use waiting longer).
 */
static int
headless_ready_targets(struct headless *h)
{
	const struct node	*node;
	size_t			 i, missing = 0;

	for (i = 0; i < h->options->nnodes; i++) {
		if (!headless_node_heard(h, h->options->nodes[i]))
			missing++;
	}
	if (missing == 0)
		return (headless_named_ready(h, h->cmd));
	for (i = 0; i < h->options->nnodes; i++) {
		node = fleet_find_const(h->fleet, h->options->nodes[i]);
		if (node == NULL ? headless_settled(h, 0) :
		    auth_settled(h->fleet, node->link) < 0)
			return (1);
	}
	return (0);
}

/*
 * approve, cancel: the proposal is here and its targets heard (and,
 * approving, a node it names beyond them); or it cannot come (the id is
 * ambiguous, or every node has reported and none holds it).
 */
static int
headless_ready_proposal(struct headless *h)
{
	const struct fleet_proposal	*p;
	int				 ambiguous;
	size_t				 i;

	p = fleet_proposal_find(h->fleet, h->options->id, &ambiguous);
	if (ambiguous)
		return (1);
	/* A document given up on does not come by waiting longer. */
	if (p == NULL)
		return (!headless_awaited(h) && (fleet_await_gone(
		    &h->fleet->awaits, h->options->id) != NULL ||
		    headless_settled(h, 1)));
	if (!p->decoded)
		return (1);
	/* Streamed: the document is in hand once one target holds it. */
	if (headless_streams(h, &p->cmd)) {
		for (i = 0; i < p->cmd.ntargets; i++) {
			if (headless_target_ready(h, fleet_find_const(h->fleet,
			    p->cmd.targets[i].node), p->id))
				return (1);
		}
		return (0);
	}
	for (i = 0; i < p->cmd.ntargets; i++) {
		if (!headless_node_heard(h, p->cmd.targets[i].node))
			return (0);
	}
	/* Approving a move-root: this console relays to its destination. */
	return (h->options->command != HEADLESS_APPROVE ||
	    headless_named_ready(h, &p->cmd));
}

/*
 * approve --yes, after a frame about node: may it end the wait for the
 * proposal, holding one whose id starts with the one given and ready to
 * be sent its approval (headless_target_ready)?  Asked on each frame, not
 * only at the tick: a loop busy with 1,000 handshakes ticked 250-500 ms
 * apart, and the first approvals waited as long after the document came.
 * Only then is headless_ready_proposal(), a walk over the targets, asked.
 */
static int
headless_proposal_node(struct headless *h, const struct node *node)
{
	size_t	i, len = strlen(h->options->id);

	for (i = 0; i < node->nheld; i++) {
		if (strncmp(node->held[i].p.id, h->options->id, len) == 0 &&
		    headless_target_ready(h, node, node->held[i].p.id))
			return (1);
	}
	return (0);
}

/*
 * Is the node cmd names beyond its targets (move-root's destination)
 * heard, or known never to come (the whole fleet said hello without
 * it)?  1 too when it names none.
 */
static int
headless_named_ready(struct headless *h, const struct proto_command *cmd)
{
	const struct command_spec	*spec;
	const char			*id;

	id = cmd_named_node(cmd->action, cmd->args, cmd->nargs, &spec);
	if (id == NULL || headless_node_heard(h, id))
		return (1);
	return (fleet_find_const(h->fleet, id) == NULL &&
	    headless_settled(h, 0));
}

/*
 * After a wait: -1 when the node cmd names beyond its targets was heard
 * (or it names none), else the exit status after saying on standard
 * error which node it is, why the console needs it and what to do;
 * nothing was done (proposed, approved) then.
 */
static int
headless_named_heard(struct headless *h, const struct proto_command *cmd,
    const char *done)
{
	const struct command_spec	*spec;
	const char			*id;
	char				*who, *why;
	int				 rc;

	id = cmd_named_node(cmd->action, cmd->args, cmd->nargs, &spec);
	if (id == NULL || headless_node_heard(h, id))
		return (-1);
	if (fleet_find_const(h->fleet, id) == NULL && headless_settled(h, 0)) {
		fprintf(stderr, "vigil: %s is unknown: no backend of this "
		    "fleet reported it, and it is the %s of %s (%s), so "
		    "nothing was %s; check the name with vigil status, or use "
		    "a fleet that reaches it\n", id, spec->node_role,
		    cmd->action, spec->node_why, done);
		return (HEADLESS_EXIT_USAGE);
	}
	who = xasprintf("%s, the %s of %s,", id, spec->node_role,
	    cmd->action);
	why = xasprintf(" (%s)", spec->node_why);
	rc = headless_unheard(h, id, who, why, done);
	free(who);
	free(why);
	return (rc);
}

/*
 * After a wait: say on standard error why node id (who in words, with
 * why after the wait's length) was not heard, and so nothing was done,
 * with what to do; returns the exit status.  Its backend refused this
 * console, or it said hello and no counters yet, or the console has
 * not yet connected to every backend (it may be behind one of them),
 * or its backend did not answer.
 */
static int
headless_unheard(struct headless *h, const char *id, const char *who,
    const char *why, const char *done)
{
	const struct fleet	*fleet = h->fleet;
	const struct node	*node = fleet_find_const(fleet, id);
	size_t			 coming = fleet_links_coming(fleet);
	char			 wait[32];

	headless_wait_text(util_mono_ms() - h->start_ms, wait, sizeof wait);
	if (node != NULL && auth_settled(fleet, node->link) < 0)
		headless_warn("the backend of %s sends this console nothing "
		    "but its hello%s, so nothing was %s: %s", who, why, done,
		    fleet->links[node->link].error);
	else if (node != NULL && node->has_hello && node->nstats == 0 &&
	    node->state != NODE_DOWN && loop_link_up(h->loop, node->link))
		headless_warn("%s said hello but sent no counters within "
		    "%s%s, so the state a command binds to is unknown and "
		    "nothing was %s; its backend is slow to report: allow "
		    "longer with --wait", who, wait, why, done);
	else if (node == NULL && coming > 0)
		headless_warn("%s has not said hello to this console within "
		    "%s%s, so nothing was %s; the console is still making its "
		    "first connection to %zu of its %zu backends (it opens "
		    "them a few at a time), and %s may be behind one of them: "
		    "allow longer with --wait, and if it still does not "
		    "report, vigil status names the backends that do not "
		    "answer", who, wait, why, done, coming, fleet->nlinks,
		    id);
	else
		headless_warn("%s did not report to this console within "
		    "%s%s, so nothing was %s; check that its backend runs "
		    "(vigil status), or allow longer with --wait", who, wait,
		    why, done);
	return (HEADLESS_EXIT_UNREACHED);
}

/* Before sending: the backend of every target is connected. */
static int
headless_ready_links(struct headless *h)
{
	const struct node	*node;
	size_t			 i;

	for (i = 0; i < h->cmd->ntargets; i++) {
		node = fleet_find_const(h->fleet, h->cmd->targets[i].node);
		if (node == NULL || !loop_link_up(h->loop, node->link))
			return (0);
	}
	return (1);
}

/* After sending: every target answered (or cannot). */
static int
headless_ready_answers(struct headless *h)
{
	return (cmd_track_update(&h->track, h->fleet));
}

/* pending: as status waits. */
static int
headless_ready_fleet(struct headless *h)
{
	return (fleet_ready(h->fleet) && h->fleet->awaits.n == 0);
}

/* A signal or a failure ended a step: say what is left undone. */
static int
headless_interrupted(struct headless *h)
{
	if (h->met == -1)
		return (HEADLESS_EXIT_FAILED);
	fprintf(stderr, "vigil: interrupted%s%s%s\n", h->id[0] != '\0' ?
	    "; vigil pending shows what the backends hold of command " : "",
	    h->id, h->id[0] != '\0' ? " now" : "");
	return (HEADLESS_EXIT_UNREACHED);
}

/*
 * Whether every target reported within the wait (or, with fleet, the
 * whole fleet too).  Returns -1 when they did, else the exit status
 * after saying on standard error which did not and what to do.
 */
static int
headless_heard_all(struct headless *h, int fleet)
{
	const struct headless_options	*o = h->options;
	size_t				 i;
	int				 rc;

	rc = headless_until(h, fleet ? headless_ready_fleet :
	    headless_ready_targets, o->wait_ms);
	if (rc < 0)
		return (headless_interrupted(h));
	for (i = 0; i < o->nnodes; i++) {
		if (headless_node_heard(h, o->nodes[i]))
			continue;
		if (fleet_find_const(h->fleet, o->nodes[i]) == NULL &&
		    headless_settled(h, 0)) {
			fprintf(stderr, "vigil: %s is not in this fleet: no "
			    "backend reported it; vigil status lists the "
			    "nodes\n", o->nodes[i]);
			return (HEADLESS_EXIT_USAGE);
		}
		return (headless_unheard(h, o->nodes[i], o->nodes[i], "",
		    fleet ? "planned" : "proposed"));
	}
	return (headless_named_heard(h, h->cmd, fleet ? "planned" :
	    "proposed"));
}

/*
 * The plan of the rollback or flag change asked for, as lines or (json)
 * one JSON object with a newline, allocated; its arguments go into
 * h->cmd, and *safe says whether a backend would carry it out.
 */
static char *
headless_plan_text(struct headless *h, int json, int *safe)
{
	const struct headless_options	*o = h->options;
	struct proto_plan_request	 req;
	struct proto_plan		*plan;
	char				*cause = NULL, *text, *line;

	if (cmd_plan_request(o->action, o->to, o->set, o->override, &req,
	    &cause) != 0)
		fatal("headless_plan_text: %s", cause);
	proto_plan_request_args(&req, h->cmd);
	plan = cmd_plan(h->fleet, &req, o->nodes, o->nnodes);
	if (json) {
		line = proto_plan_encode(plan);
		text = xasprintf("%s\n", line);
		free(line);
	} else
		text = cmd_plan_text(plan, "");
	*safe = plan->safe;
	free(plan);
	return (text);
}

/* plan: what a rollback or flag change would run; 0 safe, 5 refused. */
static int
headless_plan(struct headless *h)
{
	char	*text;
	int	 rc, safe;

	if ((rc = headless_heard_all(h, 1)) >= 0)
		return (rc);
	text = headless_plan_text(h, h->options->json, &safe);
	fputs(text, stdout);
	free(text);
	return (safe ? HEADLESS_EXIT_OK : HEADLESS_EXIT_REFUSED);
}

/* propose: build, sign, send, and report each target's answer. */
static int
headless_propose(struct headless *h)
{
	const struct headless_options	*o = h->options;
	struct proto_command_arg	 args[PROTO_MAX_ARGS];
	char				*cause = NULL, *text, *frame;
	char				*plan = NULL, *lead, *approve;
	char				 until[16], left[32], sha256[65];
	size_t				 i, nargs = 0;
	int				 rc, safe;

	/* The wait hears a node --to names (move-root's destination) too. */
	util_copy(h->cmd->action, sizeof h->cmd->action, o->action);
	if (o->to != NULL) {
		util_copy(h->cmd->args[0].name, sizeof h->cmd->args[0].name,
		    "to");
		util_copy(h->cmd->args[0].value, sizeof h->cmd->args[0].value,
		    o->to);
		h->cmd->nargs = 1;
	}
	if ((rc = headless_heard_all(h, 0)) >= 0)
		return (rc);
	if (proto_plan_applies(o->action)) {
		/* The preflight: what the backends will judge. */
		plan = headless_plan_text(h, 0, &safe);
		nargs = h->cmd->nargs;
		memcpy(args, h->cmd->args, sizeof args);
	} else if (o->window != NULL) {
		util_copy(args[0].name, sizeof args[0].name, "window");
		util_copy(args[0].value, sizeof args[0].value, o->window);
		nargs = 1;
	}

	if (cmd_build(h->fleet, o->action, o->nodes, o->nnodes, o->reason,
	    o->op->name, util_wall_ms(), o->ttl_ms, h->cmd, &cause) == 0) {
		h->cmd->nargs = nargs;
		memcpy(h->cmd->args, args, sizeof args);
	}
	if (cause != NULL || (strcmp(o->action, "move-root") == 0 &&
	    cmd_move_root(h->fleet, h->cmd, o->to, &cause) != 0)) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		free(plan);
		return (HEADLESS_EXIT_USAGE);
	}
	util_copy(h->id, sizeof h->id, h->cmd->id);
	text = proto_command_encode(h->cmd);
	if ((rc = headless_propose_review(h, text)) != 0) {
		free(text);
		free(plan);
		return (rc);
	}
	opkey_sha256_hex(text, strlen(text), sha256);
	frame = cmd_propose_frame(o->op, text, &cause);
	free(text);
	if (frame == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		free(plan);
		return (HEADLESS_EXIT_FAILED);
	}

	/* Said only once no target refused: a refusal leaves no proposal. */
	util_clock_text(h->cmd->expires_ms, until, sizeof until);
	lead = xasprintf("proposal %s: %s", h->cmd->id, h->cmd->action);
	for (i = 0; i < h->cmd->ntargets; i++)
		headless_append(&lead, "%s%s", i == 0 ? " " : ", ",
		    h->cmd->targets[i].node);
	headless_append(&lead, ", by %s, expires at %s UTC (in %s)\n"
	    "  signed through the document's SHA-256 %s\n%s",
	    o->op->name, until, util_duration_text(h->cmd->expires_ms -
	    h->cmd->created_ms, left, sizeof left), sha256,
	    plan != NULL ? plan : "");
	approve = xasprintf("vigil%s%s approve %s", o->reach != NULL ? " " :
	    "", o->reach != NULL ? o->reach : "", h->cmd->id);

	rc = headless_send(h, "propose", frame);
	free(frame);
	if (rc < 0)
		rc = headless_interrupted(h);
	else
		rc = headless_outcomes(h, "propose", "the proposal", lead,
		    approve);
	if (rc == HEADLESS_EXIT_OK && !o->json)
		printf("a second operator reviews and approves it with: %s\n",
		    approve);
	/* The plan says why, so a refusal keeps it, on standard error. */
	if (rc == HEADLESS_EXIT_REFUSED && plan != NULL)
		fputs(plan, stderr);
	free(plan);
	free(lead);
	free(approve);
	return (rc);
}

/*
 * Before signing, show the proposer the document whole
 * (cmd_draft_text(): the bytes, the SHA-256 the signature goes
 * through) and ask for the action's name at the terminal, as approve
 * does, which refuses when there is none; --yes signs without asking.
 * Returns 0 to sign, else the exit status after saying why not.
 */
static int
headless_propose_review(struct headless *h, const char *document)
{
	char	*review, when[16];
	int	 rc;

	if (h->options->yes)
		return (0);
	review = cmd_draft_text(h->fleet, h->cmd, document);
	/* With --json, standard output holds the answers alone. */
	fputs(review, h->options->json ? stderr : stdout);
	free(review);
	headless_flush(h);
	if ((rc = headless_confirm(headless_word(h->cmd), "propose")) != 0)
		return (rc);
	if (util_wall_ms() < h->cmd->expires_ms)
		return (0);
	util_clock_text(h->cmd->expires_ms, when, sizeof when);
	fprintf(stderr, "vigil: not proposed: the document expired at %s UTC "
	    "while you read it, and every backend would refuse it; nothing "
	    "was signed or sent; run propose again (--expires gives it "
	    "longer)\n", when);
	return (HEADLESS_EXIT_REFUSED);
}

/* Append what fmt formats to the allocated string *buf. */
static void
headless_append(char **buf, const char *fmt, ...)
{
	va_list	 ap;
	char	*more, *old = *buf;

	va_start(ap, fmt);
	more = xvasprintf(fmt, ap);
	va_end(ap);
	*buf = xasprintf("%s%s", old, more);
	free(old);
	free(more);
}

/*
 * Does approve send each target's approval as soon as that target is
 * heard and holds the proposal, rather than once every target is?  With
 * --yes (the document was reviewed another way, so nobody reads it
 * here), for a command that names no node beyond its targets (a
 * move-root is relayed to its destination, which must be heard first).
 * At a terminal the operator reads the review while the loop is still,
 * so it waits for every target, as the review then shows them all.
 */
static int
headless_streams(struct headless *h, const struct proto_command *cmd)
{
	const struct command_spec	*spec;

	return (h->options->command == HEADLESS_APPROVE && h->options->yes &&
	    cmd_named_node(cmd->action, cmd->args, cmd->nargs, &spec) ==
	    NULL);
}

/*
 * May node (NULL: not known) be sent the approval of proposal id now:
 * heard (headless_node_heard), and holding the proposal or done sending
 * what it holds (its second counters: a backend sends the proposals it
 * holds after the first), so that one that does not hold it answers
 * with its own refusal?
 */
static int
headless_target_ready(struct headless *h, const struct node *node,
    const char *id)
{
	if (node == NULL || !node->has_hello || node->state == NODE_DOWN ||
	    node->nstats == 0 || !loop_link_up(h->loop, node->link))
		return (0);
	return (node->nstats >= 2 || fleet_node_held(node, id) != NULL);
}

/*
 * approve --yes: send frame as message on each target's link as soon as
 * that target is ready (headless_target_ready), so that the first
 * targets act while the console still connects to the last, and take
 * the answers, until every target answered or twice --wait passed since
 * the start (as for a target, then its answer).  A target then not sent
 * the message is said unreached with why.  Returns 0, or -1 when a
 * signal or a failure cut it short.
 */
static int
headless_stream(struct headless *h, const char *message, const char *frame)
{
	struct cmd_track	*t = &h->track;
	const struct node	*node;
	char			 wait[32], why[PROTO_TEXT_MAX];
	size_t			 i;
	int64_t			 wait_ms;
	int			 rc;

	cmd_track_init(t, message, h->cmd);
	t->after_seq = h->fleet->result_seq;
	h->frame = frame;
	headless_order(h);
	h->on_node = headless_stream_node;
	/* As long in all as --wait for the targets, then for answers. */
	wait_ms = 2 * h->options->wait_ms - (util_mono_ms() - h->start_ms);
	if (wait_ms < h->options->wait_ms)
		wait_ms = h->options->wait_ms;
	rc = headless_until(h, headless_ready_stream, wait_ms);
	h->frame = NULL;
	hmap_free(&h->order);
	if (rc < 0)
		return (-1);
	if (rc == 1)
		return (0);
	for (i = 0; i < t->ntargets; i++) {
		node = fleet_find_const(h->fleet, t->targets[i].node);
		if (node != NULL && cmd_track_sent(t, node->link))
			continue;
		headless_unsent_why(h, node, why, sizeof why);
		cmd_track_unreached(t, i, why);
	}
	headless_wait_text(wait_ms, wait, sizeof wait);
	util_format(why, sizeof why, "no answer within %s; its backend may "
	    "be overloaded or not carry two-person commands; vigil pending "
	    "shows what it holds, or allow longer with --wait", wait);
	cmd_track_give_up(t, why);
	return (0);
}

/* Index the track's targets by node id into h->order. */
static void
headless_order(struct headless *h)
{
	const struct cmd_track	*t = &h->track;
	size_t			 i;

	hmap_init(&h->order);
	for (i = 0; i < t->ntargets; i++)
		hmap_put(&h->order, t->targets[i].node, i);
}

/*
 * approve --yes, after a frame about node: send the approval on its link
 * now if it is a target not yet sent it and ready, rather than at the
 * next tick.  Never ends the wait: the ticks take the answers.
 */
static int
headless_stream_node(struct headless *h, const struct node *node)
{
	struct cmd_track	*t = &h->track;
	size_t			 i;

	if (cmd_track_sent(t, node->link) ||
	    !hmap_get(&h->order, node->id, &i) || t->targets[i].done ||
	    !headless_target_ready(h, node, h->id))
		return (0);
	(void)cmd_send_link(t, loop_send_up, h->loop, h->fleet, h->frame,
	    node->link);
	return (0);
}

/*
 * A step of approve --yes: send on the links of the targets now ready,
 * say at once those that cannot be sent to (their backend refused this
 * console, or the whole fleet reported without them); has every target
 * answered?
 */
static int
headless_ready_stream(struct headless *h)
{
	struct cmd_track	*t = &h->track;
	const struct node	*node;
	size_t			 i;
	int			 settled = -1, late;

	/*
	 * Past the first --wait, a target whose link is up is sent the
	 * approval even if not heard, as once every target was waited
	 * for: its backend then says why it refuses (a state unknown).
	 */
	late = util_mono_ms() - h->start_ms >= h->options->wait_ms;
	for (i = 0; i < t->ntargets; i++) {
		if (t->targets[i].done)
			continue;
		node = fleet_find_const(h->fleet, t->targets[i].node);
		if (node != NULL && cmd_track_sent(t, node->link))
			continue;
		if (headless_target_ready(h, node, h->id) || (late &&
		    node != NULL && loop_link_up(h->loop, node->link)))
			(void)cmd_send_link(t, loop_send_up, h->loop,
			    h->fleet, h->frame, node->link);
		else
			headless_stream_skip(h, i, node, &settled);
	}
	return (cmd_track_update(t, h->fleet));
}

/*
 * Target i (node; NULL not known) is not ready: done as unreached now if
 * it never will be, its backend having refused this console or the
 * fleet having reported without it (*settled: headless_settled(), -1
 * not yet asked, asked at most once a step).
 */
static void
headless_stream_skip(struct headless *h, size_t i, const struct node *node,
    int *settled)
{
	char	why[PROTO_TEXT_MAX];

	if (node != NULL && auth_settled(h->fleet, node->link) >= 0)
		return;
	if (node == NULL) {
		if (*settled == -1)
			*settled = headless_settled(h, 0);
		if (!*settled)
			return;
	}
	headless_unsent_why(h, node, why, sizeof why);
	cmd_track_unreached(&h->track, i, why);
}

/*
 * Why the message was not sent to node (NULL: no backend reported it),
 * in words, with what to do, into buf: as headless_unheard() says it.
 */
static void
headless_unsent_why(struct headless *h, const struct node *node,
    char *buf, size_t len)
{
	const struct fleet	*fleet = h->fleet;
	size_t			 coming = fleet_links_coming(fleet);
	char			 wait[32];

	headless_wait_text(util_mono_ms() - h->start_ms, wait, sizeof wait);
	if (node != NULL && auth_settled(fleet, node->link) < 0)
		util_format(buf, len, "not sent: its backend sends this "
		    "console nothing but its hello: %s",
		    fleet->links[node->link].error);
	else if (node != NULL && node->has_hello && node->nstats == 0 &&
	    node->state != NODE_DOWN && loop_link_up(h->loop, node->link))
		util_format(buf, len, "not sent: it said hello but sent no "
		    "counters within %s, so the state it is judged on is "
		    "unknown; its backend is slow to report: allow longer "
		    "with --wait", wait);
	else if (node == NULL && headless_settled(h, 0))
		util_copy(buf, len, "not sent: it is not in this fleet; no "
		    "backend reported it");
	else if (node == NULL && coming > 0)
		util_format(buf, len, "not sent: it has not said hello to "
		    "this console within %s, and the console is still making "
		    "its first connection to %zu of its %zu backends: allow "
		    "longer with --wait, and if it still does not report, "
		    "vigil status names the backends that do not answer", wait,
		    coming, fleet->nlinks);
	else
		util_format(buf, len, "not sent: it did not report to this "
		    "console within %s; check that its backend runs (vigil "
		    "status), or allow longer with --wait", wait);
}

/*
 * Send frame as message to the targets of h->cmd, once their backends
 * are connected (or --wait passes), then wait for the answers.  Returns
 * 0, or -1 when a signal or a failure cut it short.
 */
static int
headless_send(struct headless *h, const char *message, const char *frame)
{
	char	wait[32], why[PROTO_TEXT_MAX];
	int64_t	start;
	int	rc;

	cmd_track_init(&h->track, message, h->cmd);
	if (!headless_ready_links(h) &&
	    headless_until(h, headless_ready_links, h->options->wait_ms) < 0)
		return (-1);
	cmd_send(&h->track, loop_send_up, h->loop, h->fleet, frame);
	start = util_mono_ms();
	rc = headless_until(h, headless_ready_answers, h->options->wait_ms);
	if (rc < 0)
		return (-1);
	if (rc == 0) {
		headless_wait_text(util_mono_ms() - start, wait, sizeof wait);
		util_format(why, sizeof why, "no answer within %s; its "
		    "backend may be overloaded or not carry two-person "
		    "commands; vigil pending shows what it holds, or allow "
		    "longer with --wait", wait);
		cmd_track_give_up(&h->track, why);
	}
	return (0);
}

/*
 * Print each target's answer to verb ("propose", "approve", ...): the
 * others than hoped as sentences on standard error, the hoped ones on
 * standard output, or with --json one document holding them all and
 * approve_with (may be NULL).  A proposal (lead not NULL, printed first)
 * that a target refused stands nowhere to be approved, so it leaves
 * standard output empty and says all on standard error; an approval
 * carried out on some targets is still said.  Returns 0 when every target
 * answered as hoped, HEADLESS_EXIT_REFUSED when one refused (this
 * outranks the next: a refusal is a definite answer to act on), else
 * HEADLESS_EXIT_UNREACHED.
 */
static int
headless_outcomes(struct headless *h, const char *verb, const char *what,
    const char *lead, const char *approve_with)
{
	struct proto_report_answer	*answers;
	struct proto_report_command	 report;
	enum cmd_outcome		*how;
	char				**lines, *doc;
	size_t				 i, n = h->track.ntargets;
	size_t				 refused = 0, unreached = 0;
	int				 quiet;

	answers = xcalloc(n + 1, sizeof *answers);
	how = xcalloc(n + 1, sizeof *how);
	lines = xcalloc(n + 1, sizeof *lines);
	for (i = 0; i < n; i++) {
		lines[i] = xcalloc(1, PROTO_TEXT_MAX * 2);
		how[i] = cmd_outcome(&h->track.targets[i], what, lines[i],
		    PROTO_TEXT_MAX * 2);
		refused += how[i] == CMD_OUTCOME_REFUSED;
		unreached += how[i] == CMD_OUTCOME_UNREACHED;
		answers[i].node = h->track.targets[i].node;
		answers[i].outcome = how[i] == CMD_OUTCOME_UNREACHED ?
		    "unreached" :
		    proto_outcome_name(h->track.targets[i].outcome);
		answers[i].text = lines[i];
	}
	quiet = refused > 0 && lead != NULL;
	if (!quiet && lead != NULL && !h->options->json)
		fputs(lead, stdout);
	for (i = 0; i < n; i++) {
		if (how[i] != CMD_OUTCOME_OK || quiet)
			headless_warn("%s", lines[i]);
		else if (!h->options->json)
			headless_line("%s", lines[i]);
	}
	if (!quiet && h->options->json) {
		memset(&report, 0, sizeof report);
		report.verb = verb;
		report.id = h->cmd->id[0] != '\0' ? h->cmd->id : h->id;
		report.cmd = h->cmd->action[0] != '\0' ? h->cmd : NULL;
		report.answers = answers;
		report.nanswers = n;
		report.approve_with = approve_with;
		doc = proto_report_command(&report);
		printf("%s\n", doc);
		free(doc);
	}
	headless_flush(h);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(how);
	free(answers);
	if (refused > 0)
		return (HEADLESS_EXIT_REFUSED);
	if (unreached > 0)
		return (HEADLESS_EXIT_UNREACHED);
	return (HEADLESS_EXIT_OK);
}

/*
 * Find the proposal for approve or cancel (approving: a pending one
 * whose document can be reviewed).  Copies its id and document into h.
 * Returns -1 when found, else the exit status after saying why.
 */
static int
headless_find(struct headless *h, const char *verb)
{
	const struct fleet_proposal	*p;
	char				 wait[32], *cause = NULL;
	int				 ambiguous, rc;

	/* approve --yes streams: its first target may be sent at once. */
	if (h->options->command == HEADLESS_APPROVE && h->options->yes)
		h->on_node = headless_proposal_node;
	rc = headless_until(h, headless_ready_proposal, h->options->wait_ms);
	if (rc < 0)
		return (headless_interrupted(h));
	headless_wait_text(util_mono_ms() - h->start_ms, wait, sizeof wait);
	p = fleet_proposal_find(h->fleet, h->options->id, &ambiguous);
	if (ambiguous) {
		fprintf(stderr, "vigil: %s is the start of several proposals' "
		    "ids; give more of it (vigil pending lists them)\n",
		    h->options->id);
		return (HEADLESS_EXIT_USAGE);
	}
	if (p == NULL && headless_awaited(h)) {
		headless_awaited_said(h, h->options->id,
		    "is neither shown nor signed", wait);
		return (HEADLESS_EXIT_UNREACHED);
	}
	if (p == NULL && headless_gone_said(h, h->options->id,
	    "is neither shown nor signed", verb))
		return (HEADLESS_EXIT_UNREACHED);
	if (p == NULL) {
		if (headless_settled(h, 1)) {
			fprintf(stderr, "vigil: no node holds a proposal %s: "
			    "it may have been executed, cancelled or have "
			    "expired and been forgotten, or the id is "
			    "mistyped; vigil pending lists what waits\n",
			    h->options->id);
			return (HEADLESS_EXIT_REFUSED);
		}
		headless_unreached(h, 1);
		fprintf(stderr, "vigil: proposal %s did not arrive within %s "
		    "while some backends were not heard from; allow longer "
		    "with --wait\n", h->options->id, wait);
		return (HEADLESS_EXIT_UNREACHED);
	}
	util_copy(h->id, sizeof h->id, p->id);
	if (strcmp(verb, "fire") == 0) {
		if (p->status != STATUS_ARMED) {
			headless_warn("%s (%s) is %s, not an armed kill, so "
			    "there is nothing to fire; vigil pending lists "
			    "what is armed", p->id, p->decoded ? p->cmd.action :
			    "?", proto_status_name(p->status));
			return (HEADLESS_EXIT_REFUSED);
		}
	} else if (cmd_actionable(p, strcmp(verb, "approve") == 0,
	    &cause) != 0) {
		headless_warn("%s", cause);
		free(cause);
		return (HEADLESS_EXIT_REFUSED);
	} else if (strcmp(verb, "approve") == 0 &&
	    (rc = headless_named_heard(h, &p->cmd, "approved")) >= 0)
		return (rc);
	proto_command_copy(h->cmd, &p->cmd);
	return (-1);
}

/*
 * Do nodes hold the proposal the command names by a hash whose document
 * has not come (fleet-want.h)?  It is then neither shown nor signed.
 */
static int
headless_awaited(struct headless *h)
{
	const struct fleet_want	*w;
	size_t			 n;

	return (fleet_await_find(&h->fleet->awaits, h->options->id, &n,
	    &w) != NULL);
}

/*
 * Say that proposal id (or the first whose id starts with it) is not
 * what (shown, signed, listed) because the document nodes named by hash
 * never came, waiting wait; a backend's words are escaped.
 */
static void
headless_awaited_said(struct headless *h, const char *id, const char *what,
    const char *wait)
{
	const struct fleet_await	*a;
	const struct fleet_want		*w;
	char				 asked[PROTO_TEXT_MAX + 128];
	size_t				 n;

	a = fleet_await_find(&h->fleet->awaits, id, &n, &w);
	if (w == NULL)
		util_copy(asked, sizeof asked, "it was not asked for yet");
	else
		util_format(asked, sizeof asked, "this console asked %s for "
		    "it (want, %u time%s), %s%s", w->node, w->tries,
		    w->tries == 1 ? "" : "s", w->refused[0] != '\0' ?
		    "which answered: " : "with no answer yet", w->refused);
	/* The answer is the backend's words: escaped. */
	headless_warn("proposal %s %s: %zu node%s (first %s) named its "
	    "document by its SHA-256 %.16s..., and the document did not "
	    "come within %s; %s; allow longer with --wait, or see the "
	    "backend's log", a->p.id, what, n, n == 1 ? "" : "s", a->p.node,
	    a->p.sha256, wait, asked);
}

/*
 * Say, if this console gave up on the document of proposal id (or the
 * latest whose id starts with it; fleet-want.h), that the proposal is
 * not what (shown, signed, listed) because its document never came;
 * verb is what to run again.  Returns 1 if said.
 */
static int
headless_gone_said(struct headless *h, const char *id, const char *what,
    const char *verb)
{
	const struct fleet_gone	*g;

	if ((g = fleet_await_gone(&h->fleet->awaits, id)) == NULL)
		return (0);
	headless_warn("proposal %s %s: %zu node%s (first %s) named its "
	    "document by its SHA-256 %.16s..., and this console asked %s "
	    "for it %u times (want) and never got it%s%s; it may have been "
	    "carried out or have expired since, or the backend does not "
	    "answer wants: run vigil %s again (a new console is sent every "
	    "command whole), or see the backend's log", g->id, what,
	    g->nodes, g->nodes == 1 ? "" : "s", g->node, g->want.sha256,
	    g->want.node, g->want.tries, g->want.refused[0] != '\0' ?
	    "; it answered: " : " (no answer came)", g->want.refused, verb);
	return (1);
}

/*
 * approve, cancel or fire (verb): find the proposal; to approve, show it
 * and have the operator type its action's name; sign; send; report.
 */
static int
headless_approve(struct headless *h, const char *verb)
{
	const struct fleet_proposal	*p;
	char				*review, *document, *frame;
	char				*cause = NULL, what[32];
	int				 rc, approving;

	approving = strcmp(verb, "approve") == 0;
	if ((rc = headless_find(h, verb)) != -1)
		return (rc);
	p = fleet_proposal_find(h->fleet, h->id, NULL);
	/* The model changes while the loop runs; keep the bytes. */
	document = xstrdup(p->document);
	if (approving) {
		/* With --json, standard output holds the document alone. */
		review = cmd_review_text(h->fleet, p, util_wall_ms());
		fputs(review, h->options->json ? stderr : stdout);
		free(review);
		headless_flush(h);
		if (!h->options->yes &&
		    (rc = headless_confirm(headless_word(h->cmd),
		    "approve")) != 0) {
			free(document);
			return (rc);
		}
		frame = cmd_approve_frame(h->options->op, h->id, document,
		    &cause);
	} else if (strcmp(verb, "fire") == 0)
		frame = cmd_fire_frame(h->options->op, h->id, &cause);
	else
		frame = cmd_cancel_frame(h->options->op, h->id, &cause);
	free(document);
	if (frame == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_FAILED);
	}
	rc = approving && headless_streams(h, h->cmd) ?
	    headless_stream(h, verb, frame) : headless_send(h, verb, frame);
	free(frame);
	if (rc < 0)
		return (headless_interrupted(h));
	util_format(what, sizeof what, "the %s", approving ? "approval" :
	    strcmp(verb, "fire") == 0 ? "fire" : "cancellation");
	rc = headless_outcomes(h, verb, what, NULL, NULL);
	if (rc == HEADLESS_EXIT_OK && approving &&
	    strcmp(h->cmd->action, "move-root") == 0)
		rc = headless_move(h);
	return (rc);
}

/*
 * The word an approver types: the action's name, or for a change that
 * carries an override, the code path it lets wake, so that both operators
 * type it.
 */
static const char *
headless_word(const struct proto_command *cmd)
{
	size_t	i;

	for (i = 0; i < cmd->nargs; i++) {
		if (strcmp(cmd->args[i].name, "override") == 0)
			return (cmd->args[i].value);
	}
	return (cmd->action);
}

/*
 * move-root: this console relays the sealed key and the holder
 * statement, so stay until the move is done (renewals resumed) or has
 * failed, printing each step as it happens.
 */
static int
headless_move(struct headless *h)
{
	const struct fleet_move	*m = &h->fleet->move;
	int			 rc;

	h->move_said = 0;
	rc = headless_until(h, headless_ready_move, MOVE_WAIT_MS +
	    h->options->wait_ms);
	(void)headless_ready_move(h);	/* say the last steps */
	if (rc < 0)
		return (headless_interrupted(h));
	if (m->failure[0] != '\0') {
		headless_warn("%s", m->failure);
		return (HEADLESS_EXIT_REFUSED);
	}
	if (rc == 0) {
		fprintf(stderr, "vigil: move-root %s did not finish: the step "
		    "\"%s\" was not seen in time; vigil status shows the root "
		    "holder\n", h->id, fleet_move_step_name(h->move_said));
		return (HEADLESS_EXIT_UNREACHED);
	}
	return (HEADLESS_EXIT_OK);
}

/* Print the move's new steps; has it ended (done or failed)? */
static int
headless_ready_move(struct headless *h)
{
	const struct fleet_move	*m = &h->fleet->move;
	char			 at[16];

	if (strcmp(m->id, h->id) != 0)
		return (0);
	while (h->move_said < MOVE_NSTEPS && m->step_ms[h->move_said] != 0) {
		util_clock_text(m->step_ms[h->move_said], at, sizeof at);
		headless_lineto(h->options->json ? stderr : stdout,
		    "move-root %.8s: %s at %s.%03lld UTC%s%s", m->id,
		    fleet_move_step_name(h->move_said), at,
		    (long long)(m->step_ms[h->move_said] % 1000),
		    h->move_said == MOVE_RENEWED ? ", first by " : "",
		    h->move_said == MOVE_RENEWED ? m->renewed_by : "");
		h->move_said++;
	}
	headless_flush(h);
	return (m->failure[0] != '\0' || h->move_said == MOVE_NSTEPS);
}

/*
 * Ask at the terminal for the action's name, so that approving or
 * proposing (verb) takes a deliberate word, never one key.  Returns 0
 * when typed, else the exit status after saying why.
 */
static int
headless_confirm(const char *action, const char *verb)
{
	FILE		*tty;
	char		 line[128], *p, *end, *shown;
	const char	*done;
	int		 fd;

	done = strcmp(verb, "approve") == 0 ? "approved" : "proposed";
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    (tty = fdopen(fd, "r+")) == NULL) {
		if (fd != -1)
			close(fd);
		fprintf(stderr, "vigil: %s asks you to type the action's name "
		    "at a terminal, and there is none (%s); run vigil %s from "
		    "a terminal, or give --yes when the document was reviewed "
		    "another way\n", verb, strerror(errno), verb);
		return (HEADLESS_EXIT_USAGE);
	}
	shown = util_escape(action);
	fprintf(tty, "Type %s to sign and %s this command, anything else "
	    "to leave it: ", shown, verb);
	free(shown);
	fflush(tty);
	if (fgets(line, sizeof line, tty) == NULL) {
		fclose(tty);
		fprintf(stderr, "vigil: not %s: the terminal closed before an "
		    "answer; nothing was signed or sent\n", done);
		return (HEADLESS_EXIT_REFUSED);
	}
	fclose(tty);
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (strcmp(p, action) != 0) {
		shown = util_escape(p);
		fprintf(stderr, "vigil: not %s: you typed \"%s\", not \"%s\"; "
		    "nothing was signed or sent\n", done, shown, action);
		free(shown);
		return (HEADLESS_EXIT_REFUSED);
	}
	return (0);
}

/*
 * pending: say on standard error each proposal that nodes hold but this
 * console cannot list, its document named by hash and not come (kept
 * aside, waiting wait) or given up on (fleet-want.h); returns 0 when
 * there is none.  At most HEADLESS_UNLISTED_MAX of those kept aside are
 * named, so that many frames cost a bounded search.
 */
static size_t
headless_unlisted(struct headless *h, const char *wait)
{
	const struct fleet_awaits	*q = &h->fleet->awaits;
	const struct fleet_gone		*g;
	const char			*said[HEADLESS_UNLISTED_MAX];
	size_t				 i, j, n = 0, more = 0, gone = 0, k;
	size_t				 ngone;
	int				 ambiguous;

	for (i = 0; i < q->n; i++) {
		for (j = 0; j < n && strcmp(said[j], q->v[i].p.id) != 0; j++)
			;
		if (j < n)
			continue;
		if (n == HEADLESS_UNLISTED_MAX) {
			more++;
			continue;
		}
		said[n++] = q->v[i].p.id;
		headless_awaited_said(h, q->v[i].p.id, "is not listed", wait);
	}
	if (more > 0)
		fprintf(stderr, "vigil: %zu more proposal frames, of other "
		    "commands, name documents that did not come\n", more);
	ngone = q->ngone < FLEET_GONE_MAX ? q->ngone : FLEET_GONE_MAX;
	for (k = 0; k < ngone; k++) {
		g = &q->gone[(q->ngone - 1 - k) % FLEET_GONE_MAX];
		/* Held whole since, or named again and kept aside. */
		if (fleet_proposal_find(h->fleet, g->id, &ambiguous) != NULL ||
		    fleet_await_gone(q, g->id) != g)
			continue;
		for (j = 0; j < n && strcmp(said[j], g->id) != 0; j++)
			;
		if (j == n && headless_gone_said(h, g->id, "is not listed",
		    "pending"))
			gone++;
	}
	return (n + more + gone);
}

/* Does pending list p: a proposal that waits, or an armed kill? */
static int
headless_listed(const struct fleet_proposal *p)
{
	return (p->status == STATUS_PENDING || p->status == STATUS_ARMED);
}

/* pending, in words: each of the n proposals v that waits or is armed. */
static void
headless_pending_lines(struct headless *h, const struct fleet_proposal *v,
    size_t n, int64_t wall_ms)
{
	const struct fleet_proposal	*p;
	char				 until[16], left[32];
	char				 targets[PROTO_MAX_TARGETS *
					    PROTO_ID_MAX];
	size_t				 i, j;

	for (i = 0; i < n; i++) {
		p = &v[i];
		if (!headless_listed(p))
			continue;
		util_clock_text(p->expires_ms, until, sizeof until);
		targets[0] = '\0';
		for (j = 0; p->decoded && j < p->cmd.ntargets; j++)
			util_format(targets + strlen(targets),
			    sizeof targets - strlen(targets), "%s%s",
			    j == 0 ? " " : ",", p->cmd.targets[j].node);
		headless_line("%s %s%s by %s, %s %s UTC (in %s)", p->id,
		    p->decoded ? p->cmd.action : "?", targets,
		    p->decoded ? p->cmd.proposer : "?",
		    p->status == STATUS_ARMED ? "ARMED until" :
		    "expires at", until,
		    util_duration_text(p->expires_ms - wall_ms, left,
		    sizeof left));
		if (p->decoded)
			headless_line("    reason: %s", p->cmd.reason);
		printf("    signed by:");
		for (j = 0; j < p->nsigs; j++)
			printf("%s %s", j == 0 ? "" : ",",
			    p->sigs[j].operator);
		printf("%s\n", p->status == STATUS_ARMED ?
		    "; one of them fires it with vigil fire" :
		    p->nsigs < 2 ? "; a second, different "
		    "operator must approve it" : "");
		printf("    held by:");
		for (j = 0; j < p->nnodes; j++)
			printf("%s %s", j == 0 ? "" : ",",
			    h->fleet->nodes[p->nodes[j]].id);
		printf("\n");
		if (p->problem[0] != '\0')
			headless_line("    PROBLEM: %s", p->problem);
	}
}

/* pending: wait like status, then list what the fleet holds pending. */
static int
headless_pending(struct headless *h)
{
	const struct fleet_proposal	*v, *p;
	struct proto_report_proposal	*rp;
	const char			**nodes;
	char				*doc, wait[32];
	size_t				 n, i, j, k, npending = 0, unreached;
	size_t				 unlisted;
	int64_t				 wall_ms = util_wall_ms();
	int				 rc;

	rc = headless_until(h, headless_ready_fleet, h->options->wait_ms);
	if (rc < 0 && h->met == -1)
		return (HEADLESS_EXIT_FAILED);
	check_tick(h->fleet, util_mono_ms(), wall_ms);
	unreached = headless_unreached(h, 1);
	headless_wait_text(util_mono_ms() - h->start_ms, wait, sizeof wait);
	unlisted = headless_unlisted(h, wait);
	n = fleet_proposals(h->fleet, &v);
	for (i = 0; i < n; i++) {
		if (headless_listed(&v[i]))
			npending++;
	}

	if (h->options->json) {
		rp = xcalloc(npending + 1, sizeof *rp);
		nodes = xcalloc(h->fleet->nnodes * npending + 1,
		    sizeof *nodes);
		for (i = 0, k = 0; i < n; i++) {
			p = &v[i];
			if (!headless_listed(p))
				continue;
			rp[k].id = p->id;
			rp[k].document = p->document;
			rp[k].cmd = p->decoded ? &p->cmd : NULL;
			rp[k].sigs = p->sigs;
			rp[k].nsigs = p->nsigs;
			rp[k].status = p->status;
			rp[k].expires_ms = p->expires_ms;
			rp[k].expires_in_ms = p->expires_ms - wall_ms;
			rp[k].nodes = nodes + k * h->fleet->nnodes;
			for (j = 0; j < p->nnodes; j++)
				nodes[k * h->fleet->nnodes + j] =
				    h->fleet->nodes[p->nodes[j]].id;
			rp[k].nnodes = p->nnodes;
			rp[k].problem = p->problem[0] != '\0' ? p->problem :
			    NULL;
			k++;
		}
		doc = proto_report_proposals(rp, k);
		printf("%s\n", doc);
		free(doc);
		free(rp);
		free(nodes);
	} else if (npending == 0 && unlisted > 0)
		printf("no pending proposal or armed kill can be listed: "
		    "nodes hold proposals whose documents did not come (said "
		    "on standard error)\n");
	else if (npending == 0)
		printf("no pending proposals and no armed kill\n");
	else
		headless_pending_lines(h, v, n, wall_ms);
	headless_flush(h);
	if (h->out_errno != 0)
		return (HEADLESS_EXIT_FAILED);
	return (unreached > 0 || unlisted > 0 ? HEADLESS_EXIT_UNREACHED :
	    HEADLESS_EXIT_OK);
}

/* audit verify FILE. */
int
headless_audit_verify(const char *path)
{
	char	report[PROTO_TEXT_MAX * 2];
	long	bad_line = 0;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "vigil: cannot read audit log %s: %s; give "
		    "the file a backend's --audit or --audit-dir wrote\n",
		    path, strerror(errno));
		return (HEADLESS_EXIT_USAGE);
	}
	close(fd);
	if (audit_verify(path, report, sizeof report, &bad_line) != 0) {
		fprintf(stderr, "vigil: audit log %s is broken: %s\n", path,
		    report);
		return (HEADLESS_EXIT_AUDIT_BROKEN);
	}
	printf("%s: %s\n", path, report);
	if (fflush(stdout) == EOF)
		return (HEADLESS_EXIT_FAILED);
	return (HEADLESS_EXIT_OK);
}

/*
 * A line on f, with what backends wrote escaped: standard output, or with
 * --json standard error for what is not the document.
 */
static void
headless_lineto(FILE *f, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	headless_escaped(f, "", fmt, ap);
	va_end(ap);
}

/* Say something on standard error, with what backends wrote escaped. */
static void
headless_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	headless_escaped(stderr, "vigil: ", fmt, ap);
	va_end(ap);
}

/*
 * Write prefix and one line formatted from fmt, escaped with
 * util_escape(): the text a backend sent (names, alert text, reasons,
 * refusals) can neither move the cursor nor end the line early, so it
 * cannot forge or erase what an operator reads.  The formats here hold
 * no backslash and no control character of their own.
 */
static void
headless_escaped(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char	*raw, *shown;

	raw = xvasprintf(fmt, ap);
	shown = util_escape(raw);
	fprintf(f, "%s%s\n", prefix, shown);
	free(shown);
	free(raw);
}

/*
 * Fill a status table cell with s escaped (s may be the cell itself); one
 * too long is cut between characters and ends with "...".
 */
static void
headless_cell(char *cell, const char *s)
{
	char	*shown;
	size_t	 end = HEADLESS_CELL - 4;

	shown = util_escape(s);
	if (strlen(shown) >= HEADLESS_CELL) {
		while (end > 0 && (shown[end] & 0xc0) == 0x80)
			end--;
		memcpy(shown + end, "...", 4);
	}
	util_copy(cell, HEADLESS_CELL, shown);
	free(shown);
}
