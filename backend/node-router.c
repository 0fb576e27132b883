/*
 * node-router.c: an order router node.  Parents wait in r->open; each step
 * sends each parent the child orders it is owed by then, one every
 * ROUTER_CHILD_MS, through the code path the build's flag manifest
 * selects, and the counters are what stats reports.
 * The child orders each step sent wait in a ring of batches until the
 * market fills or cancels them; the kill switch is one atomic flag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node-router.h"
#include "proto-plan.h"
#include "util.h"

#define ROUTER_ID_PREFIX	"router/"
#define ROUTER_PREFETCH_MAX	1024	/* bytes of open parents to ask for */
#define ROUTER_LINE		64	/* bytes in a cache line */

static int	router_child(struct node_router *, struct router_parent *,
		    uint64_t, int);
static void	router_reverse(struct router_parent *, size_t);
static void	router_rotate(struct router_parent *, size_t, size_t);
static void	router_measure(struct node_router *);
static void	router_paths(struct node_router *);
static void	router_grow(struct node_router *);
static void	router_opened(struct node_router *,
		    const struct router_parent *);
static int	router_stopped(const struct node_router *);
static void	router_halt(struct node_router *, int64_t);
static void	router_fire(struct node_router *,
		    const struct router_parent *);
static unsigned	router_owed(struct node_router *, int64_t);
static unsigned	router_serve(struct node_router *, struct router_parent *,
		    unsigned, uint64_t, int, int *);

/*
 * Set up a router with its build and flag manifest.  Returns 0, or -1 and
 * a sentence in cause; nothing is allocated on failure.
 */
int
node_router_init(struct node_router *r, const char *id, const char *group,
    const char *build, const struct proto_flag *flags, size_t nflags,
    char *cause, size_t causelen)
{
	size_t	plen = strlen(ROUTER_ID_PREFIX);

	memset(r, 0, sizeof *r);
	if (strncmp(id, ROUTER_ID_PREFIX, plen) != 0 || id[plen] == '\0') {
		util_format(cause, causelen, "router id \"%s\" does not start "
		    "with \"router/\" and a name; name routers like "
		    "router/r1", id);
		return (-1);
	}
	if (strlen(id) >= sizeof r->id) {
		util_format(cause, causelen, "router id \"%s\" is longer than "
		    "%zu characters; choose a shorter name", id,
		    sizeof r->id - 1);
		return (-1);
	}
	if (nflags > PROTO_MAX_FLAGS) {
		util_format(cause, causelen, "router %s has %zu flags in its "
		    "manifest, more than the %d a node may report; drop the "
		    "unused ones", id, nflags, PROTO_MAX_FLAGS);
		return (-1);
	}
	util_copy(r->id, sizeof r->id, id);
	util_copy(r->group, sizeof r->group, group != NULL ? group : "");
	util_copy(r->held.build, sizeof r->held.build,
	    build != NULL ? build : "");
	if (nflags > 0)
		memcpy(r->flags, flags, nflags * sizeof *flags);
	r->nflags = nflags;
	router_paths(r);
	proto_plan_single(r->held.build, flags, nflags, &r->held.builds[0]);
	r->held.nbuilds = 1;
	/*
	 * Room for a few parents in the router itself, grown apart as
	 * they open: ROUTER_MAX_OPEN's 128 KiB at once was a mapping of
	 * its own for each router, each page aligned, so that with
	 * thousands of routers every step missed the TLB and the same few
	 * cache sets on each.
	 */
	r->capopen = ROUTER_OPEN_FIRST;
	r->open = r->open_first;
	atomic_init(&r->kill_flag, 0);
	r->started_ms = util_mono_ms();
	r->child_ms = ROUTER_NO_TIME;		/* none owed yet */
	r->counters.state = STATE_RUNNING;
	return (0);
}

/* Release what node_router_init allocated; safe to call twice. */
void
node_router_free(struct node_router *r)
{
	if (r->open != r->open_first)
		free(r->open);
	r->open = NULL;
	r->nopen = 0;
	r->capopen = 0;
	r->bcount = 0;
}

/* Double the room for open parents, out of the router's own at first. */
static void
router_grow(struct node_router *r)
{
	struct router_parent	*open;

	r->capopen = r->capopen * 2 < ROUTER_MAX_OPEN ? r->capopen * 2 :
	    ROUTER_MAX_OPEN;
	if (r->open != r->open_first) {
		r->open = xreallocarray(r->open, r->capopen, sizeof *r->open);
		return;
	}
	open = xreallocarray(NULL, r->capopen, sizeof *open);
	memcpy(open, r->open_first, r->nopen * sizeof *open);
	r->open = open;
}

/*
 * Accept a parent order.  Returns 0, or -1 and a sentence in cause when
 * the router is killed or halting, full, or the order is empty; refusals
 * are counted.
 */
int
node_router_parent(struct node_router *r, uint64_t shares, int rlp,
    char *cause, size_t causelen)
{
	struct router_parent	*p;

	if (node_router_killed(r)) {
		r->counters.parents_refused_total++;
		util_format(cause, causelen, "%s is %s: new parent orders are "
		    "refused until a two-person resume", r->id,
		    proto_state_name(node_router_state(r)));
		return (-1);
	}
	if (shares == 0) {
		r->counters.parents_refused_total++;
		util_format(cause, causelen, "%s refused a parent order of 0 "
		    "shares: there is nothing to fill", r->id);
		return (-1);
	}
	if (r->nopen >= ROUTER_MAX_OPEN) {
		r->counters.parents_refused_total++;
		util_format(cause, causelen, "%s refused a parent order: "
		    "%d parents are already open, the most it holds; child "
		    "orders are not closing them, check the router's code "
		    "path", r->id, ROUTER_MAX_OPEN);
		return (-1);
	}
	if (r->nopen == r->capopen)
		router_grow(r);
	p = &r->open[r->nopen++];
	p->id = ++r->next_parent;
	p->shares = shares;
	p->child_shares = 0;
	p->rlp = rlp != 0;
	r->counters.parents_total++;
	r->counters.parent_shares_total += shares;
	router_opened(r, p);
	return (0);
}

/*
 * Send one child order for parent p, on the retired power_peg code path
 * if peg.  Returns 1 if the parent is now filled and closes.
 */
static int
router_child(struct node_router *r, struct router_parent *p,
    uint64_t child_size, int peg)
{
	uint64_t	size = child_size;

	/*
	 * power_peg is the retired code: the counting that compared child
	 * shares with the parent's was moved away from it, so it sends
	 * full-size child orders and never learns that the parent is done.
	 */
	if (peg) {
		p->child_shares += size;
		r->counters.child_orders_total++;
		r->counters.child_shares_total += size;
		if (r->armed && p->child_shares > p->shares)
			router_fire(r, p);
		return (0);
	}
	/* retail_liquidity and the normal path count and close. */
	if (p->child_shares >= p->shares)
		return (1);
	if (size > p->shares - p->child_shares)
		size = p->shares - p->child_shares;
	p->child_shares += size;
	r->counters.child_orders_total++;
	r->counters.child_shares_total += size;
	return (p->child_shares >= p->shares);
}

/* Reverse n parents in place. */
static void
router_reverse(struct router_parent *a, size_t n)
{
	struct router_parent	 t;
	size_t			 i;

	for (i = 0; i < n / 2; i++) {
		t = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
}

/* Turn [a parents][b parents] into [b][a], keeping each part's order. */
static void
router_rotate(struct router_parent *p, size_t a, size_t b)
{
	if (a == 0 || b == 0)
		return;
	router_reverse(p, a);
	router_reverse(p + a, b);
	router_reverse(p, a + b);
}

/*
 * Recompute the gauges: open parents and the worst child/parent ratio.
 * This runs at every step, so the worst parent's name is formatted only
 * when stats are taken.
 */
static void
router_measure(struct node_router *r)
{
	struct proto_router_stats	*c = &r->counters;
	const struct router_parent	*p, *worst = NULL;
	double				 ratio;
	size_t				 i;

	c->open_parents = r->nopen;
	c->state = node_router_state(r);
	c->worst_ratio = 0;
	for (i = 0; i < r->nopen; i++) {
		p = &r->open[i];
		ratio = (double)p->child_shares / (double)p->shares;
		if (worst == NULL || ratio > c->worst_ratio) {
			worst = p;
			c->worst_ratio = ratio;
		}
	}
	r->worst_id = worst != NULL ? worst->id : 0;
}

/*
 * The gauges after parent p opened at the back, as router_measure() would
 * find them without walking the open parents: p has sent nothing, so it
 * is the worst (the first of the highest ratio) only when it is alone.
 */
static void
router_opened(struct node_router *r, const struct router_parent *p)
{
	struct proto_router_stats	*c = &r->counters;

	c->open_parents = r->nopen;
	c->state = node_router_state(r);
	if (r->nopen > 1)
		return;
	c->worst_ratio = 0;
	r->worst_id = p->id;
}

/*
 * Has a kill been seen?  An acquire load, paired with the release store
 * in node_router_kill(), so that what the killing thread did before the
 * kill is visible to the order path once it sees the flag.
 */
static int
router_stopped(const struct node_router *r)
{
	return (atomic_load_explicit(&r->kill_flag, memory_order_acquire) !=
	    0);
}

/*
 * Killed: ask the market to cancel every open child order, once each,
 * at now_ms (monotonic).
 */
static void
router_halt(struct node_router *r, int64_t now_ms)
{
	struct router_batch	*b;
	size_t			 i;

	for (i = 0; i < r->bcount; i++) {
		b = &r->batches[(r->bhead + i) % ROUTER_MAX_BATCHES];
		if (b->cancel_ms == ROUTER_NO_TIME)
			b->cancel_ms = now_ms;
	}
}

/*
 * How many child orders each open parent is owed at now_ms: one per
 * ROUTER_CHILD_MS since those last owed, so that the rate is per real
 * second however late the iterations come, at most ROUTER_CHILD_CATCHUP
 * (the rest of a stall is forgiven).  The first iteration is owed one.
 */
static unsigned
router_owed(struct node_router *r, int64_t now_ms)
{
	int64_t	n;

	if (r->child_ms == ROUTER_NO_TIME)
		r->child_ms = now_ms - ROUTER_CHILD_MS;
	n = (now_ms - r->child_ms) / ROUTER_CHILD_MS;
	if (n <= 0)
		return (0);
	if (n > ROUTER_CHILD_CATCHUP) {
		r->child_ms = now_ms;
		return (ROUTER_CHILD_CATCHUP);
	}
	r->child_ms += n * ROUTER_CHILD_MS;
	return ((unsigned)n);
}

/*
 * Send parent p up to n child orders (peg: on the power_peg path),
 * reading the kill flag before each.  Returns how many were tried, all n
 * unless a kill came or p closed (*closed); 0 if a kill came first.
 */
static unsigned
router_serve(struct node_router *r, struct router_parent *p, unsigned n,
    uint64_t child_size, int peg, int *closed)
{
	unsigned	k;

	*closed = 0;
	for (k = 0; k < n; k++) {
		if (router_stopped(r))
			break;
		if (router_child(r, p, child_size, peg)) {
			*closed = 1;
			return (k + 1);
		}
	}
	return (k);
}

/*
 * One iteration of the order path at now_ms.  Returns the number of
 * child orders sent.  A child_size of 0 is taken as 1 share.
 */
unsigned
node_router_step(struct node_router *r, int64_t now_ms,
    unsigned max_children, uint64_t child_size)
{
	struct router_parent	*p;
	struct router_batch	*b;
	int			 peg, closed, killed;
	size_t			 i, kept, served;
	uint64_t		 before = r->counters.child_orders_total;
	unsigned		 sent = 0, owed, want, tried;

	r->iteration++;
	killed = router_stopped(r);
	if (killed || r->bcount == ROUTER_MAX_BATCHES) {
		/*
		 * Killed, or the market has not answered: send nothing,
		 * and owe nothing for this time either.
		 */
		if (killed)
			router_halt(r, now_ms);
		r->child_ms = now_ms;
		router_measure(r);
		return (0);
	}
	if ((owed = router_owed(r, now_ms)) == 0) {
		router_measure(r);
		return (0);
	}
	if (child_size == 0)
		child_size = 1;
	peg = r->peg;

	/*
	 * Serve parents from the front; closed ones drop out and the ones
	 * served but still open move behind those not served, so that a
	 * bound on child orders per step never starves the newest parents
	 * (runaway parents never close and would otherwise hog the front).
	 * The kill flag is read again before every child order, so a kill
	 * from another thread stops this very iteration.
	 */
	kept = 0;
	for (i = 0; i < r->nopen && sent < max_children; i++) {
		p = &r->open[i];
		want = owed < max_children - sent ? owed : max_children - sent;
		if ((tried = router_serve(r, p, want, child_size, p->rlp &&
		    peg, &closed)) == 0)
			break;		/* killed: p was not served */
		sent += tried;
		if (closed)
			continue;
		if (kept != i)
			r->open[kept] = *p;
		kept++;
		if (tried < want) {
			i++;		/* killed after serving p */
			break;
		}
	}
	served = i;
	if (served != kept)
		memmove(&r->open[kept], &r->open[served],
		    (r->nopen - served) * sizeof *r->open);
	r->nopen = kept + (r->nopen - served);
	router_rotate(r->open, kept, r->nopen - kept);

	if (r->counters.child_orders_total > before) {
		b = &r->batches[(r->bhead + r->bcount++) % ROUTER_MAX_BATCHES];
		b->sent_ms = now_ms;
		b->children = r->counters.child_orders_total - before;
		b->cancel_ms = ROUTER_NO_TIME;
		r->counters.open_children += b->children;
	}
	router_measure(r);
	return (sent);
}

/* Start loading what a step will touch; see node-router.h. */
void
node_router_prefetch(const struct node_router *r, int stage)
{
	const char	*p, *end;

	if (stage == 0) {
		__builtin_prefetch(&r->open, 1);
		__builtin_prefetch(&r->iteration, 1);
		__builtin_prefetch(&r->counters, 1);
		__builtin_prefetch(&r->counters.open_children, 1);
		return;
	}
	/* The open parents, and the slot the next parent takes. */
	p = (const char *)r->open;
	end = (const char *)(r->open + (r->nopen < r->capopen ? r->nopen + 1 :
	    r->capopen));
	if (end - p > ROUTER_PREFETCH_MAX)
		end = p + ROUTER_PREFETCH_MAX;
	if (end > p)
		__builtin_prefetch(end - 1, 1);
	for (; p < end; p += ROUTER_LINE)
		__builtin_prefetch(p, 1);
	__builtin_prefetch(&r->batches[r->bhead], 1);
	__builtin_prefetch(&r->batches[(r->bhead + r->bcount) %
	    ROUTER_MAX_BATCHES], 1);
}

/*
 * The market fills and cancels open child orders, oldest first, by the
 * time since each went out, not by the steps since: steps come late
 * when the order path's thread is busy, and each would add a whole
 * step's period to the market's answer.
 */
uint64_t
node_router_market(struct node_router *r, int64_t now_ms, int64_t fill_ms,
    int64_t cancel_ms)
{
	struct router_batch	*b;
	uint64_t		 closed = 0;

	while (r->bcount > 0) {
		b = &r->batches[r->bhead];
		if (b->cancel_ms != ROUTER_NO_TIME &&
		    now_ms - b->cancel_ms >= cancel_ms)
			r->counters.children_cancelled_total += b->children;
		else if (now_ms - b->sent_ms < fill_ms)
			break;
		closed += b->children;
		r->counters.open_children -= b->children;
		r->bhead = (r->bhead + 1) % ROUTER_MAX_BATCHES;
		r->bcount--;
	}
	/* Only the residue changed: the parents' gauges stand. */
	r->counters.state = node_router_state(r);
	return (closed);
}

/*
 * The runaway invariant broke while armed: kill at once, so the order
 * path sends no further child order, and say why.
 */
static void
router_fire(struct node_router *r, const struct router_parent *p)
{
	r->armed = 0;
	r->fired = 1;
	util_format(r->fired_why, sizeof r->fired_why, "parent P%llu's "
	    "child orders reached %llu shares, past its %llu shares, on "
	    "iteration %llu", (unsigned long long)p->id,
	    (unsigned long long)p->child_shares,
	    (unsigned long long)p->shares,
	    (unsigned long long)r->iteration);
	node_router_kill(r);
}

/* Arm or disarm the router's own kill. */
void
node_router_arm(struct node_router *r, int on)
{
	r->armed = on != 0;
}

/* Report a fire once. */
int
node_router_fired(struct node_router *r, char *why, size_t len)
{
	if (!r->fired)
		return (0);
	r->fired = 0;
	util_copy(why, len, r->fired_why);
	return (1);
}

/* Set the kill flag (release); safe from any thread. */
void
node_router_kill(struct node_router *r)
{
	atomic_store_explicit(&r->kill_flag, 1, memory_order_release);
}

/* Ask the market to cancel now, on the order path's thread; see .h. */
void
node_router_halt(struct node_router *r, int64_t now_ms)
{
	if (router_stopped(r))
		router_halt(r, now_ms);
}

/* Has the router been killed?  Safe from any thread. */
int
node_router_killed(const struct node_router *r)
{
	return (router_stopped(r));
}

/* Resume a killed router; -1 and a sentence unless it is "killed". */
int
node_router_resume(struct node_router *r, char *cause, size_t causelen)
{
	if (!node_router_killed(r)) {
		util_format(cause, causelen, "%s is running: resume applies "
		    "only to a killed router", r->id);
		return (-1);
	}
	if (r->counters.open_children > 0) {
		util_format(cause, causelen, "%s is still halting: %llu child "
		    "orders wait for the market to cancel them; resume once "
		    "it reports killed", r->id,
		    (unsigned long long)r->counters.open_children);
		return (-1);
	}
	atomic_store_explicit(&r->kill_flag, 0, memory_order_release);
	router_measure(r);
	return (0);
}

/* Switch to installed build id; see node-router.h. */
int
node_router_rollback(struct node_router *r, const char *id, char *cause,
    size_t causelen)
{
	const struct proto_build	*to;
	struct proto_flag		 before[PROTO_MAX_FLAGS];

	if ((to = proto_plan_activate(&r->held, r->id, id, cause,
	    causelen)) == NULL)
		return (-1);
	memcpy(before, r->flags, r->nflags * sizeof *r->flags);
	proto_plan_switch(to, before, r->nflags, r->flags, &r->nflags);
	router_paths(r);
	return (0);
}

/* Set a flag of the active build on or off; see node-router.h. */
int
node_router_set_flag(struct node_router *r, const char *name, int on,
    char *cause, size_t causelen)
{
	size_t	i;

	for (i = 0; i < r->nflags; i++) {
		if (strcmp(r->flags[i].name, name) == 0) {
			r->flags[i].on = on != 0;
			router_paths(r);
			return (0);
		}
	}
	util_format(cause, causelen, "build %s on %s has no flag %s; check "
	    "the flag's name with vigil status", r->held.build, r->id, name);
	return (-1);
}

/* The router's state as stats reports it. */
enum proto_state
node_router_state(const struct node_router *r)
{
	if (!node_router_killed(r))
		return (STATE_RUNNING);
	return (r->counters.open_children > 0 ? STATE_HALTING : STATE_KILLED);
}

/*
 * Note whether rlp sends parents down the retired power_peg path, each
 * time the flags change: looking it up by name at every step of every
 * router was a string compare per flag, thousands of times a step.
 */
static void
router_paths(struct node_router *r)
{
	const char	*rlp = node_router_path(r, "rlp");

	r->peg = rlp != NULL && strcmp(rlp, "power_peg") == 0;
}

/* The code path flag enables on this build, or NULL if none or off. */
const char *
node_router_path(const struct node_router *r, const char *flag)
{
	size_t	i;

	for (i = 0; i < r->nflags; i++) {
		if (strcmp(r->flags[i].name, flag) != 0)
			continue;
		if (!r->flags[i].on || r->flags[i].path[0] == '\0')
			return (NULL);
		return (r->flags[i].path);
	}
	return (NULL);
}

/* Fill hello with who this router is; the caller adds clock and scale. */
void
node_router_hello(const struct node_router *r, struct proto_hello *hello)
{
	proto_hello_init(hello, r->id, ROLE_ROUTER, r->group, r->held.build);
	hello->nflags = r->nflags;
	memcpy(hello->flags, r->flags, r->nflags * sizeof *r->flags);
	proto_plan_hello(&r->held, hello);
}

/* Fill stats from the counters (the caller adds clock_ms); bumps seq. */
void
node_router_stats(struct node_router *r, struct proto_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	util_copy(stats->node, sizeof stats->node, r->id);
	stats->role = ROLE_ROUTER;
	stats->uptime_ms = util_mono_ms() - r->started_ms;
	stats->seq = ++r->seq;
	stats->router = r->counters;
	stats->router.state = node_router_state(r);
	if (r->worst_id != 0)
		util_format(stats->router.worst_parent,
		    sizeof stats->router.worst_parent, "P%llu",
		    (unsigned long long)r->worst_id);
}
