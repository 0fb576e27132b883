/*
 * fleet.c: the console's model of the fleet.
 *
 * Frames become decoded messages (proto.c), messages change nodes here,
 * and the timer ages nodes and runs the checks.  Every change a person
 * would want to know about leaves an event line on the node and, for a
 * change of state, build, flags or certificate, a notification; the
 * alert module tells of alerts' changes through fleet_alert_changed().
 * Nothing here blocks, draws or writes.
 */
#include <sys/mman.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fleet.h"
#include "fleet-base.h"
#include "opkey.h"
#include "seal.h"
#include "util.h"

/* Built with AddressSanitizer (gcc says so one way, clang another). */
#if defined(__SANITIZE_ADDRESS__)
#define FLEET_ASAN
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLEET_ASAN
#endif
#endif

/* Own-history baseline: needs this much, leaves out the newest part. */
#define FLEET_BASELINE_MIN_S	30
#define FLEET_BASELINE_SKIP_S	10

/* One message type the model takes; returns 1 if a watcher should know. */
struct fleet_handler {
	enum msg_type	 type;
	int		(*apply)(struct fleet *fleet, size_t link,
			    const struct proto_msg *msg, int64_t now_ms,
			    int64_t wall_ms, struct node **node);
};

static struct node *fleet_node_get(struct fleet *fleet, const char *id,
		    size_t link, int64_t wall_ms, int *created);
static void	 fleet_nodes_grow(struct fleet *fleet);
static int	 fleet_named(struct fleet *fleet, size_t link, const char *id,
		    int64_t wall_ms);
static int	 fleet_claimed(struct fleet *fleet, struct node *node,
		    size_t link, int64_t wall_ms);
static int	 fleet_room(struct fleet *fleet, size_t link, const char *id,
		    int64_t wall_ms);
static unsigned	 fleet_ring_push(unsigned *head, unsigned *n, unsigned cap);
static void	 fleet_alert_changed(void *arg, const struct alert *a,
		    enum alert_change change);
static void	 fleet_tell(struct fleet *fleet, enum fleet_change what,
		    const struct node *node, const struct alert *a,
		    enum alert_change change);
static struct node *fleet_heard(struct fleet *fleet, size_t link,
		    const char *id, int64_t clock_ms, int64_t now_ms,
		    int64_t wall_ms, int *changed);
static int	 fleet_set_state(struct fleet *fleet, struct node *node,
		    enum node_state state, int64_t wall_ms, const char *why);
static void	 fleet_notify_node(struct fleet *fleet,
		    const struct node *node);
static const struct proto_flag *fleet_flag(const struct proto_hello *h,
		    const char *name);
static int	 fleet_hello_events(struct node *node,
		    const struct proto_hello *h, int64_t wall_ms);
static int	 fleet_apply_hello(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static int	 fleet_apply_stats(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static int	 fleet_apply_cert(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static int	 fleet_apply_alert(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static int	 fleet_apply_error(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static int	 fleet_apply_proposal(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static int	 fleet_apply_watching(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t, struct node **);
static void	 fleet_transport_fpr(const char *, char *);
static int	 fleet_apply_move(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t, struct node **);
static void	 fleet_tell_holder(struct fleet *, const struct proto_holder *,
		    int64_t);
static int	 fleet_apply_result(struct fleet *, size_t,
		    const struct proto_msg *, int64_t, int64_t,
		    struct node **);
static struct node *fleet_heard_unclocked(struct fleet *fleet, size_t link,
		    const char *id, int64_t now_ms, int64_t wall_ms,
		    int *changed);
static struct fleet_held *fleet_held_find(struct node *node,
		    const char *id);
static void	 fleet_held_trim(struct fleet *fleet, struct node *node);
static void	 fleet_held_drop(struct fleet *fleet, struct node *node);
static char	*fleet_doc_hold(struct fleet *fleet, const char *text);
static const struct fleet_doc *fleet_doc_find(const struct fleet *,
		    const char *, const char *);
static void	 fleet_link_doc(struct fleet *, size_t, const char *);
static void	 fleet_await_settle(struct fleet *, const char *, int64_t,
		    int64_t);
static void	 fleet_held_apply(struct fleet *, size_t, struct node *,
		    const struct proto_proposal *, int64_t, int64_t);
static int	 fleet_link_is_up(void *, size_t);
static void	 fleet_await_tick(struct fleet *, int64_t, int64_t);
static const struct proto_proposal *fleet_proposal_whole(struct fleet *,
		    struct node *, size_t, const struct proto_proposal *,
		    struct proto_proposal *, int64_t, int64_t);
static void	 fleet_doc_drop(struct fleet *fleet, const char *text);
static void	 fleet_held_event(struct fleet *fleet, struct node *node,
		    const struct proto_proposal *p, int64_t wall_ms);
static int	 fleet_held_status(struct fleet *fleet, struct node *node,
		    const char *id, enum proto_status status, int64_t wall_ms);
static int	 fleet_result_final(const struct proto_result *,
		    enum proto_status *);
static void	 fleet_refused(struct fleet *fleet, struct node *node,
		    const struct proto_result *r, int64_t wall_ms);
static void	 fleet_proposals_free(struct fleet_proposal *proposals,
		    size_t n);
static void	 fleet_proposal_start(struct fleet_proposal *fp,
		    const struct fleet_held *h, struct fleet_proposal *old,
		    size_t nold);
static void	 fleet_proposals_rebuild(struct fleet *fleet);
static int	 fleet_proposals_join(struct fleet *fleet, size_t i,
		    const struct fleet_held *h);
static int	 fleet_sigs_same(const struct proto_signature *a,
		    const struct proto_signature *b, size_t n);
static int	 fleet_cmp_proposal(const void *a, const void *b);
static void	 fleet_notify(struct fleet *fleet, enum fleet_change what,
		    const struct node *node);
static void	 fleet_commands_tick(struct fleet *fleet, int64_t wall_ms);
static int	 fleet_sample(struct node *node, int64_t now_ms);
static void	 fleet_sampling_add(struct fleet *fleet, size_t ix, int first);
static size_t	 fleet_sampling_quota(struct fleet *fleet, int64_t now_ms);
static void	 fleet_events_free(struct node *node);
static void	 fleet_rates_free(struct node *node);
static void	 fleet_link_adopt(struct fleet_link *l, size_t ix);
static void	 fleet_touch(struct fleet *fleet, const struct node *node);
static void	 fleet_changed_room(struct fleet *fleet);
static void	 fleet_changed(struct fleet *fleet, size_t ix);
static void	 fleet_baseline_note(struct fleet *fleet, size_t ix);
static void	 fleet_baseline_tick(struct fleet *fleet);
static const char *fleet_baseline_group(void *arg, size_t ix);
static int	 fleet_baseline_router(void *arg, size_t ix);
static double	 fleet_baseline_rate(void *arg, size_t ix);
static double	 fleet_baseline_own(void *arg, size_t ix);
static void	 fleet_baseline_put(void *arg, size_t ix, double baseline,
		    size_t npeers);
static double	 fleet_own_baseline(const struct node *node);
static void	 fleet_event_put(struct node *node, int64_t wall_ms,
		    char *text);
static char	*fleet_text_new(const char *fmt, va_list ap);
static char	*fleet_text_hold(char *text);
static void	 fleet_text_drop(char *text);

/* An event's text and how many events hold it (fleet_text_new). */
struct fleet_text {
	unsigned	 holders;
	char		 text[];
};

/* A node and when it was last heard, for ordering fleet.heard. */
struct fleet_heard_at {
	int64_t	ms;
	size_t	ix;
};

static void	 fleet_heard_unlink(struct fleet *fleet, size_t ix);
static void	 fleet_heard_append(struct fleet *fleet, size_t ix);
static void	 fleet_heard_order(struct fleet *fleet);
static void	 fleet_tick_walk(struct fleet *fleet, int64_t now_ms,
		    int64_t wall_ms);
static void	 fleet_tick_silent(struct fleet *fleet, int64_t now_ms,
		    int64_t wall_ms);
static void	 fleet_go_stale(struct fleet *fleet, struct node *node,
		    int64_t now_ms, int64_t wall_ms);
static int	 fleet_cmp_heard(const void *a, const void *b);

/* Hellos taken by every fleet, so that each stamps its own. */
static uint64_t	 fleet_hellos;

/*
 * A builds table, held by every node whose hello lists those builds:
 * a struct proto_build is 2 KB (its manifest and retired paths are
 * arrays of their most), and a gateway's 1,000 nodes list the same
 * two, so a table a node was 4 KB of its 13 and a tenth of start-up
 * through 20 gateways.  refs counts the nodes and the link holding it.
 */
struct fleet_builds {
	size_t			refs;
	size_t			n;
	struct proto_build	v[];
};

static void	 fleet_copy_hello(struct fleet_link *l,
		    struct proto_hello *dst, const struct proto_hello *src);
static struct proto_build *fleet_builds_hold(struct fleet_link *l,
		    const struct proto_build *builds, size_t n);
static void	 fleet_builds_drop(struct proto_build *builds);
static int	 fleet_builds_same(const struct proto_build *a,
		    const struct proto_build *b, size_t n);
static void	 fleet_copy_stats(struct proto_stats *dst,
		    const struct proto_stats *src);
static double	 fleet_scale(const struct node *node);
static int64_t	 fleet_clamp_ms(double ms);
static int	 fleet_cmp_peer(const void *a, const void *b);
static size_t	 fleet_group_end(const struct fleet_peer *p, size_t lo,
		    size_t n, const char *group);

static const struct fleet_handler fleet_handlers[] = {
	{ MSG_HELLO, fleet_apply_hello },
	{ MSG_STATS, fleet_apply_stats },
	{ MSG_CERT, fleet_apply_cert },
	{ MSG_ALERT, fleet_apply_alert },
	{ MSG_ERROR, fleet_apply_error },
	{ MSG_PROPOSAL, fleet_apply_proposal },
	{ MSG_RESULT, fleet_apply_result },
	{ MSG_WATCHING, fleet_apply_watching },
	{ MSG_SEALED, fleet_apply_move },
	{ MSG_HOLDER, fleet_apply_move },
};

/* The command messages a console sends, which results and errors answer. */
static const char *const fleet_command_types[] = {
	"propose", "approve", "cancel", "fire"
};

static const char *const fleet_state_names[] = {
	[NODE_LIVE] = "live",
	[NODE_STALE] = "stale",
	[NODE_DOWN] = "down",
};

/* Start an empty model called name. */
void
fleet_init(struct fleet *fleet, const char *name)
{
	char	*cause = NULL;

	memset(fleet, 0, sizeof *fleet);
	util_copy(fleet->name, sizeof fleet->name, name != NULL ? name : "");
	alert_set_init(&fleet->alerts);
	alert_set_listen(&fleet->alerts, fleet_alert_changed, fleet);
	hmap_init(&fleet->node_index);
	fleet->relays.max = FLEET_MAX_NODES + 16;	/* one per station */
	if (opkey_random_id(fleet->instance, sizeof fleet->instance,
	    &cause) != 0) {
		free(cause);	/* documents then come whole on each link */
		fleet->instance[0] = '\0';
	}
}

/* Free everything the model holds; it is empty afterwards. */
void
fleet_free(struct fleet *fleet)
{
	size_t	i;

	fleet_proposals_free(fleet->proposals, fleet->nproposals);
	fleet_relay_free(&fleet->relays);
	fleet_await_free(&fleet->awaits);
	for (i = 0; i < fleet->nlinks; i++) {
		free(fleet->links[i].node_ix);
		free(fleet->links[i].went_down);
		if (fleet->links[i].builds != NULL)
			fleet_builds_drop(fleet->links[i].builds->v);
		free(fleet->links[i].watching);
		fleet_link_doc(fleet, i, NULL);
	}
	for (i = 0; i < fleet->nnodes; i++) {
		free(fleet->nodes[i].warnings);
		free(fleet->nodes[i].stats.station.blacklist);
		fleet_builds_drop(fleet->nodes[i].hello.builds);
		fleet->nodes[i].hello.builds = NULL;
		fleet->nodes[i].hello.nbuilds = 0;
		proto_hello_clear(&fleet->nodes[i].hello);
		fleet_held_drop(fleet, &fleet->nodes[i]);
		free(fleet->nodes[i].results);
		fleet_events_free(&fleet->nodes[i]);
		fleet_rates_free(&fleet->nodes[i]);
	}
	for (i = 0; i < fleet->nlinks; i++)
		fleet_link_names(fleet, i, NULL, -1);
	free(fleet->links);
	if (fleet->nodes_mapped)
		munmap(fleet->nodes, FLEET_MAX_NODES * sizeof *fleet->nodes);
	else
		free(fleet->nodes);
	free(fleet->docs);
	free(fleet->msg);
	hmap_free(&fleet->node_index);
	alert_set_free(&fleet->alerts);
	if (fleet->checks_free != NULL)
		fleet->checks_free(fleet->checks);
	free(fleet->touched);
	free(fleet->changed);
	free(fleet->heard);
	free(fleet->sampling);
	fleet_text_drop(fleet->said.text);
	fleet_base_free(fleet->base);
	memset(fleet, 0, sizeof *fleet);
}

/* Note that link l serves the node at index ix of fleet.nodes. */
static void
fleet_link_adopt(struct fleet_link *l, size_t ix)
{
	if (l->nnodes == l->node_ix_cap) {
		l->node_ix_cap = l->node_ix_cap == 0 ? 4 : 2 * l->node_ix_cap;
		l->node_ix = xreallocarray(l->node_ix, l->node_ix_cap,
		    sizeof *l->node_ix);
	}
	l->node_ix[l->nnodes++] = ix;
}

/* Add a backend by URL, connecting; returns its link index. */
size_t
fleet_add_link(struct fleet *fleet, const char *url)
{
	struct fleet_link	*l;

	if (fleet->nlinks == fleet->links_cap) {
		fleet->links_cap = fleet->links_cap == 0 ? 16 :
		    2 * fleet->links_cap;
		fleet->links = xreallocarray(fleet->links, fleet->links_cap,
		    sizeof *fleet->links);
	}
	l = &fleet->links[fleet->nlinks];
	memset(l, 0, sizeof *l);
	util_copy(l->url, sizeof l->url, url);
	l->state = LINK_CONNECTING;
	l->nnamed = -1;
	fleet->dirty = 1;
	return (fleet->nlinks++);
}

/*
 * A link connected.  Its nodes stay down until they speak again: a
 * socket that accepts is not yet a node that works.
 */
void
fleet_link_up(struct fleet *fleet, size_t link, int64_t now_ms)
{
	struct fleet_link	*l;
	struct node		*node;
	size_t			 i;
	int			 dropped = 0;

	if (link >= fleet->nlinks)
		fatal("fleet_link_up: no link %zu", link);
	l = &fleet->links[link];
	l->state = LINK_UP;
	fleet->link_seq++;
	l->since_ms = now_ms;
	l->ever_up = 1;
	if (l->nnodes == 0 && l->unheard_ms == 0)
		l->unheard_ms = now_ms;
	/*
	 * Why a backend no node came from closed the last connection is
	 * kept: one that closes each at once may be up again, saying
	 * nothing, when a headless run's time is up (headless_unreached).
	 */
	if (l->nnodes == 0 && l->error[0] != '\0') {
		free(l->went_down);
		l->went_down = xstrdup(l->error);
	}
	if (!auth_link_reset(fleet, link))
		l->error[0] = '\0';
	/*
	 * A backend sends every proposal it holds to a console that
	 * connects, so what its nodes held before is forgotten here rather
	 * than shown as still pending when it may have gone meanwhile.
	 */
	for (i = 0; i < l->nnodes; i++) {
		node = &fleet->nodes[l->node_ix[i]];
		if (node->nheld > 0) {
			fleet_held_drop(fleet, node);
			dropped = 1;
		}
	}
	if (dropped)
		fleet_proposals_rebuild(fleet);
	fleet->dirty = 1;
}

/* A link went down for why (words); every node it carries is down. */
void
fleet_link_down(struct fleet *fleet, size_t link, const char *why,
    int64_t now_ms)
{
	struct fleet_link	*l;
	struct node		*node;
	int64_t			 wall_ms = util_wall_ms();
	size_t			 i;

	if (link >= fleet->nlinks)
		fatal("fleet_link_down: no link %zu", link);
	l = &fleet->links[link];
	l->state = LINK_DOWN;
	fleet_link_doc(fleet, link, NULL);
	fleet_await_link_down(&fleet->awaits, link);
	fleet->link_seq++;
	l->since_ms = now_ms;
	/* A refused answer explains the close better than the close. */
	if (!auth_link_reset(fleet, link) && why != NULL && *why != '\0')
		util_copy(l->error, sizeof l->error, why);
	for (i = 0; i < l->nnodes; i++) {
		node = &fleet->nodes[l->node_ix[i]];
		if (fleet_set_state(fleet, node, NODE_DOWN, wall_ms, l->error))
			fleet_notify_node(fleet, node);
	}
	fleet->dirty = 1;
}

/*
 * Decode and apply one frame from link.  Returns 0, or -1 with the
 * sentence in cause and as the link's error when it was refused.
 */
int
fleet_receive(struct fleet *fleet, size_t link, const char *frame,
    size_t len, int64_t now_ms, char *cause, size_t causelen)
{
	struct fleet_link	*l;
	struct proto_msg	*msg;
	int			 rc;

	if (link >= fleet->nlinks)
		fatal("fleet_receive: no link %zu", link);
	l = &fleet->links[link];
	l->frames++;
	/* One message kept for every frame, decoded in place. */
	if (fleet->msg == NULL)
		fleet->msg = xcalloc(1, sizeof *fleet->msg);
	msg = fleet->msg;
	if (proto_decode(frame, len, msg, cause, causelen) == -1) {
		l->bad_frames++;
		util_copy(l->error, sizeof l->error, cause);
		fleet->dirty = 1;
		return (-1);
	}
	rc = fleet_apply(fleet, link, msg, now_ms);
	proto_msg_clear(msg);
	if (rc == -1)
		util_copy(cause, causelen, l->error);
	return (rc);
}

/*
 * Apply one decoded message from link at monotonic now_ms.  Returns 0,
 * or -1 with the link's error set when the model takes no such type.
 */
int
fleet_apply(struct fleet *fleet, size_t link, const struct proto_msg *msg,
    int64_t now_ms)
{
	struct node	*node = NULL;
	int64_t		 wall_ms = util_wall_ms();
	size_t		 i;

	if (link >= fleet->nlinks)
		fatal("fleet_apply: no link %zu", link);
	for (i = 0; i < nitems(fleet_handlers); i++) {
		if (fleet_handlers[i].type == msg->type)
			break;
	}
	if (i == nitems(fleet_handlers)) {
		util_format(fleet->links[link].error,
		    sizeof fleet->links[link].error,
		    "%s sent a %s message, which the console does not take "
		    "from a backend; it was ignored", fleet->links[link].url,
		    proto_type_name(msg->type));
		fleet->dirty = 1;
		return (-1);
	}
	if (fleet_handlers[i].apply(fleet, link, msg, now_ms, wall_ms,
	    &node) && node != NULL)
		fleet_notify_node(fleet, node);
	if (node != NULL)
		fleet_changed(fleet, (size_t)(node - fleet->nodes));
	fleet->dirty = 1;
	if (node != NULL && fleet->on_node != NULL)
		fleet->on_node(fleet->on_node_arg,
		    (size_t)(node - fleet->nodes));
	return (0);
}

/*
 * Find node id or add it on link, logging its arrival.  Returns NULL,
 * counting the frame as ignored, when another link serves id or when
 * adding it would pass a bound (fleet_claimed, fleet_room).
 */
static struct node *
fleet_node_get(struct fleet *fleet, const char *id, size_t link,
    int64_t wall_ms, int *created)
{
	struct node	*node;
	size_t		 i;

	*created = 0;
	if (!fleet_named(fleet, link, id, wall_ms)) {
		fleet->links[link].ignored_frames++;
		return (NULL);
	}
	if (hmap_get(&fleet->node_index, id, &i)) {
		node = &fleet->nodes[i];
		if (node->link == link)
			return (node);
		fleet->links[link].ignored_frames++;
		if (fleet_claimed(fleet, node, link, wall_ms))
			fleet_event(node, wall_ms, "%s claimed it too and was "
			    "refused; %s keeps it", fleet->links[link].url,
			    fleet->links[node->link].url);
		return (NULL);
	}
	if (!fleet_room(fleet, link, id, wall_ms)) {
		fleet->links[link].ignored_frames++;
		return (NULL);
	}
	if (fleet->nnodes == fleet->nodes_cap) {
		fleet_nodes_grow(fleet);
		fleet_changed_room(fleet);
	}
	hmap_put(&fleet->node_index, id, fleet->nnodes);
	node = &fleet->nodes[fleet->nnodes++];
	memset(node, 0, sizeof *node);
	util_copy(node->id, sizeof node->id, id);
	node->link = link;
	fleet_link_adopt(&fleet->links[link], fleet->nnodes - 1);
	node->state = NODE_LIVE;
	node->child_rate_baseline = -1;
	rate_init(&node->parent_rate, FLEET_RATE_WINDOW_MS);
	rate_init(&node->child_rate, FLEET_RATE_WINDOW_MS);
	rate_init(&node->child_share_rate, FLEET_RATE_WINDOW_MS);
	rate_init(&node->heartbeat_rate, FLEET_RATE_WINDOW_MS);
	fleet_event(node, wall_ms, "first heard from %s",
	    fleet->links[link].url);
	fleet_touch(fleet, node);
	*created = 1;
	return (node);
}

/*
 * Make room for more nodes.  The first time, the address space of
 * FLEET_MAX_NODES nodes is reserved at once (no memory is used until a
 * node is written there), so that the array never moves: moved by
 * realloc(), which remaps the pages of a large array, the nodes made
 * before were each first read again at their new address, which in a
 * virtual machine can cost a trip to the hypervisor a page (about 5 us
 * on the bench's: 50 ms for the first frame after 10,000 nodes arrived,
 * 0.8 ms after).  The space is advised for huge pages: written first
 * as nodes arrive, 4 KB pages were a fault each, a quarter of the
 * console's CPU while 20,000 nodes behind gateways said hello.  Where
 * the space cannot be reserved, and under AddressSanitizer (which
 * checks only what malloc gives), the array grows by doubling as
 * before.
 */
static void
fleet_nodes_grow(struct fleet *fleet)
{
#ifndef FLEET_ASAN
	void	*p;
#endif

	fleet->nodes_cap = fleet->nodes_cap == 0 ? 16 : fleet->nodes_cap * 2;
	if (fleet->nodes_mapped) {
		if (fleet->nnodes >= FLEET_MAX_NODES)
			fatal("%s: more than %d nodes", __func__,
			    FLEET_MAX_NODES);
		return;
	}
#ifndef FLEET_ASAN
	if (fleet->nodes == NULL) {
		p = mmap(NULL, FLEET_MAX_NODES * sizeof *fleet->nodes,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
			(void)madvise(p, FLEET_MAX_NODES * sizeof *fleet->nodes,
			    MADV_HUGEPAGE);
#endif
			fleet->nodes = p;
			fleet->nodes_mapped = 1;
			return;
		}
	}
#endif
	fleet->nodes = xreallocarray(fleet->nodes, fleet->nodes_cap,
	    sizeof *fleet->nodes);
}

/*
 * Tell the checks, once they keep results (fleet.checks), that node was
 * created or its hello or role changed.
 */
static void
fleet_touch(struct fleet *fleet, const struct node *node)
{
	fleet_baseline_note(fleet, (size_t)(node - fleet->nodes));
	if (fleet->checks == NULL)
		return;
	if (fleet->ntouched == fleet->touched_cap) {
		fleet->touched_cap = fleet->touched_cap == 0 ? 64 :
		    fleet->touched_cap * 2;
		fleet->touched = xreallocarray(fleet->touched,
		    fleet->touched_cap, sizeof *fleet->touched);
	}
	fleet->touched[fleet->ntouched++] = (size_t)(node - fleet->nodes);
}

/*
 * Tell the checks, once they keep results (fleet.checks), that what
 * their rules read of node ix changed: a frame, its state or baseline.
 */
static void
fleet_changed(struct fleet *fleet, size_t ix)
{
	if (fleet->checks == NULL)
		return;
	if (fleet->nchanged == fleet->changed_cap) {
		fleet->changed_cap = fleet->changed_cap == 0 ? 64 :
		    fleet->changed_cap * 2;
		fleet->changed = xreallocarray(fleet->changed,
		    fleet->changed_cap, sizeof *fleet->changed);
	}
	fleet->changed[fleet->nchanged++] = ix;
}

/*
 * Room in fleet.changed for a state and a baseline change of every
 * node, its pages touched now, as nodes arrive: the tick that 10,000
 * go stale in lists 15,000 changes, and growing the list there, copying
 * it and touching its pages for the first time (some 10 us a page on a
 * virtual machine) cost that tick about a millisecond.
 */
static void
fleet_changed_room(struct fleet *fleet)
{
	size_t	cap = 2 * fleet->nodes_cap;

	if (fleet->changed_cap >= cap)
		return;
	fleet->changed = xreallocarray(fleet->changed, cap,
	    sizeof *fleet->changed);
	memset(fleet->changed + fleet->changed_cap, 0,
	    (cap - fleet->changed_cap) * sizeof *fleet->changed);
	fleet->changed_cap = cap;
}

/* Node ix's baseline inputs changed (fleet-base.h). */
static void
fleet_baseline_note(struct fleet *fleet, size_t ix)
{
	if (fleet->base == NULL)
		fleet->base = fleet_base_new();
	fleet_base_note(fleet->base, ix);
}

/* Compute the baselines the noted changes touch, through the nodes. */
static void
fleet_baseline_tick(struct fleet *fleet)
{
	const struct fleet_base_nodes	nodes = { fleet, fleet_baseline_group,
					    fleet_baseline_router,
					    fleet_baseline_rate,
					    fleet_baseline_own,
					    fleet_baseline_put };

	if (fleet->base != NULL)
		fleet_base_tick(fleet->base, &nodes);
}

/* The group of node ix if a router that said hello, else NULL. */
static const char *
fleet_baseline_group(void *arg, size_t ix)
{
	const struct node	*node = &((struct fleet *)arg)->nodes[ix];

	if (!node->has_hello || node->hello.role != ROLE_ROUTER)
		return (NULL);
	return (node->hello.group);
}

/* Whether node ix is a router, hello or not. */
static int
fleet_baseline_router(void *arg, size_t ix)
{
	return (fleet_node_role(&((struct fleet *)arg)->nodes[ix]) ==
	    ROLE_ROUTER);
}

/* Node ix's child rate per second when it is live and known, else -1. */
static double
fleet_baseline_rate(void *arg, size_t ix)
{
	const struct node	*node = &((struct fleet *)arg)->nodes[ix];

	if (node->state != NODE_LIVE)
		return (-1);
	return (rate_per_sec(&node->child_rate));
}

/* Node ix's own average child rate before the newest seconds, or -1. */
static double
fleet_baseline_own(void *arg, size_t ix)
{
	return (fleet_own_baseline(&((struct fleet *)arg)->nodes[ix]));
}

/* Set node ix's baseline; a change is one the rules look at again. */
static void
fleet_baseline_put(void *arg, size_t ix, double baseline, size_t npeers)
{
	struct fleet	*fleet = arg;
	struct node	*node = &fleet->nodes[ix];

	if (node->child_rate_baseline == baseline &&
	    node->child_rate_npeers == npeers)
		return;
	node->child_rate_baseline = baseline;
	node->child_rate_npeers = npeers;
	fleet_changed(fleet, ix);
}

/*
 * A router's own average child rate before the newest seconds, which
 * hold the change being judged, or -1 with too short a history.
 */
static double
fleet_own_baseline(const struct node *node)
{
	unsigned	i, count;
	double		sum = 0;

	if (node->hist_n < FLEET_BASELINE_MIN_S)
		return (-1);
	count = node->hist_n - FLEET_BASELINE_SKIP_S;
	for (i = 0; i < count; i++)
		sum += node->child_hist[(node->hist_head + i) % FLEET_HISTORY];
	return (sum / count);
}

/* Replace the node ids link's certificate names. */
void
fleet_link_names(struct fleet *fleet, size_t link, char **ids, int n)
{
	struct fleet_link	*l;
	int			 i;

	if (link >= fleet->nlinks)
		fatal("fleet_link_names: no link %zu", link);
	l = &fleet->links[link];
	for (i = 0; i < l->nnamed; i++)
		free(l->named[i]);
	free(l->named);
	l->named = ids;
	l->nnamed = n;
}

/*
 * May link speak for node id?  A plain link may (first come, first
 * served decides); a TLS link only when its certificate names id.  The
 * first refusal on a link raises one critical alert naming the backend
 * and the node; later ones cost only the count.
 */
static int
fleet_named(struct fleet *fleet, size_t link, const char *id,
    int64_t wall_ms)
{
	struct fleet_link	*l = &fleet->links[link];
	struct alert		 a;
	int			 i;

	if (l->nnamed < 0)
		return (1);
	for (i = 0; i < l->nnamed; i++) {
		if (strcmp(l->named[i], id) == 0)
			return (1);
	}
	if (l->unnamed_alerted)
		return (0);
	l->unnamed_alerted = 1;
	memset(&a, 0, sizeof a);
	a.severity = SEV_CRITICAL;
	util_copy(a.rule, sizeof a.rule, "node-unnamed");
	util_format(a.code, sizeof a.code, "link-%zu", link);
	util_copy(a.nodes[0], sizeof a.nodes[0], id);
	a.nnodes = a.nodes_total = 1;
	util_format(a.text, sizeof a.text, "backend %s speaks for %s, which "
	    "its certificate does not name (it names %d node%s%s%s); the "
	    "console ignores its frames about %s", l->url, id, l->nnamed,
	    l->nnamed == 1 ? "" : "s", l->nnamed > 0 ? ", first " : "",
	    l->nnamed > 0 ? l->named[0] : "", id);
	util_copy(a.cause, sizeof a.cause, "A backend may speak only for the "
	    "nodes its certificate names (URI vigil:ROLE/NAME): it was given "
	    "another node's certificate, the node moved to it without a new "
	    "certificate, or it is impersonating the node.");
	util_format(a.action, sizeof a.action, "Give the backend that truly "
	    "serves %s a certificate naming it (vigil-key cert --node %s), "
	    "or stop the backend at %s.", id, id, l->url);
	alert_raise(&fleet->alerts, &a, wall_ms, NULL);
	return (0);
}

/*
 * Link claims node, which another link serves.  The first link keeps
 * it: a node does not change hands because a second backend says so,
 * or a rogue could show any build it likes.  The first claim by each
 * link raises one critical alert naming both backends; later frames
 * cost only the count.  Returns 1 when this claim is news.
 */
static int
fleet_claimed(struct fleet *fleet, struct node *node, size_t link,
    int64_t wall_ms)
{
	const char	*owner = fleet->links[node->link].url;
	const char	*rival = fleet->links[link].url;
	struct alert	 a;

	if (node->rival == link + 1)
		return (0);
	node->rival = link + 1;
	memset(&a, 0, sizeof a);
	a.severity = SEV_CRITICAL;
	util_copy(a.rule, sizeof a.rule, "node-claimed");
	util_format(a.code, sizeof a.code, "link-%zu", link);
	util_copy(a.nodes[0], sizeof a.nodes[0], node->id);
	a.nnodes = a.nodes_total = 1;
	util_format(a.text, sizeof a.text, "backend %s speaks for %s, which "
	    "backend %s already serves; the console keeps what %s says and "
	    "ignores %s's frames about it", rival, node->id, owner, owner,
	    rival);
	util_copy(a.cause, sizeof a.cause, "Two backends claim one node: a "
	    "gateway and the node's own vigild both serve it, the node moved "
	    "while this console ran, or a backend is impersonating it.");
	util_format(a.action, sizeof a.action, "Find out which backend "
	    "really serves %s and stop the other; if the node truly moved, "
	    "restart the console so that the new backend serves it.",
	    node->id);
	alert_raise(&fleet->alerts, &a, wall_ms, NULL);
	return (1);
}

/* The nodes link declares, within what it may serve; see fleet.h. */
size_t
fleet_link_expects(const struct fleet *fleet, size_t link)
{
	const struct fleet_link	*l = &fleet->links[link];
	size_t			 cap;

	cap = l->gateway > 0 ? l->gateway : FLEET_LINK_NODES_DEFAULT;
	if (l->link_nodes <= 0)
		return (0);
	return ((size_t)l->link_nodes < cap ? (size_t)l->link_nodes : cap);
}

/* How many links are still making their first connection; see fleet.h. */
size_t
fleet_links_coming(const struct fleet *fleet)
{
	size_t	i, coming = 0;

	for (i = 0; i < fleet->nlinks; i++)
		coming += fleet->links[i].state == LINK_CONNECTING;
	return (coming);
}

/*
 * May link add node id?  Not past FLEET_LINK_NODES_DEFAULT, or a
 * gateway's count from the fleet file, nor past fewer declared in its
 * hello's link_nodes, nor past FLEET_MAX_NODES in all.  The first
 * refusal raises one critical alert for the link or the console; later
 * ones cost only the count.
 */
static int
fleet_room(struct fleet *fleet, size_t link, const char *id,
    int64_t wall_ms)
{
	struct fleet_link	*l = &fleet->links[link];
	struct alert		 a;
	size_t			 cap;
	int			 declared;

	cap = l->gateway > 0 ? l->gateway : FLEET_LINK_NODES_DEFAULT;
	declared = l->link_nodes > 0 && (size_t)l->link_nodes < cap;
	if (declared)
		cap = (size_t)l->link_nodes;
	if (l->nnodes < cap && fleet->nnodes < FLEET_MAX_NODES)
		return (1);
	if (l->nnodes >= cap ? l->over_bound : fleet->over_bound)
		return (0);
	memset(&a, 0, sizeof a);
	a.severity = SEV_CRITICAL;
	util_copy(a.nodes[0], sizeof a.nodes[0], id);
	a.nnodes = a.nodes_total = 1;
	if (l->nnodes >= cap) {
		l->over_bound = 1;
		util_copy(a.rule, sizeof a.rule, "link-nodes");
		util_format(a.code, sizeof a.code, "link-%zu", link);
		util_format(a.text, sizeof a.text, "backend %s speaks for more "
		    "nodes than the %zu %s; %s and every further new node "
		    "from it are ignored", l->url, cap, declared ?
		    "its hello declared in link_nodes" : l->gateway > 0 ?
		    "the fleet file lets this gateway serve" : "one backend "
		    "may serve unless the fleet file names it a gateway", id);
		util_copy(a.cause, sizeof a.cause, "The backend serves more "
		    "nodes than it declares or than the fleet file allows, "
		    "or it floods the console with made-up node ids.");
		util_copy(a.action, sizeof a.action, "If it is a gateway, "
		    "give its count after its URL in the fleet file "
		    "(ws://HOST:PORT/ gateway=N) and make its hello declare "
		    "every node in link_nodes; otherwise stop it; see "
		    "vigil(1).");
	} else {
		fleet->over_bound = 1;
		util_copy(a.rule, sizeof a.rule, "fleet-nodes");
		util_format(a.text, sizeof a.text, "the console holds %d "
		    "nodes, as many as it may; %s from backend %s and every "
		    "further new node are ignored", FLEET_MAX_NODES, id,
		    l->url);
		util_copy(a.cause, sizeof a.cause, "The backends together "
		    "serve more nodes than one console watches, or one of "
		    "them floods it with made-up node ids.");
		util_copy(a.action, sizeof a.action, "Split the fleet "
		    "between consoles, or find the backend that serves more "
		    "nodes than it should and stop it.");
	}
	alert_raise(&fleet->alerts, &a, wall_ms, NULL);
	return (0);
}

/*
 * The slot for a new entry in a ring of cap entries, head the oldest and
 * n in use: the next free one, or the oldest once the ring is full.
 */
static unsigned
fleet_ring_push(unsigned *head, unsigned *n, unsigned cap)
{
	unsigned	slot;

	if (*n < cap)
		return ((*head + (*n)++) % cap);
	slot = *head;
	*head = (*head + 1) % cap;
	return (slot);
}

/*
 * The alerts' listener: any change to an alert needs a redraw, and the
 * watcher hears of all but an acknowledgement (which is the screen's
 * business, not news about the fleet).
 */
static void
fleet_alert_changed(void *arg, const struct alert *a,
    enum alert_change change)
{
	struct fleet	*fleet = arg;

	if (change == ALERT_ACKNOWLEDGED)
		fleet->dirty = 1;
	else
		fleet_tell(fleet, FLEET_ALERT_CHANGED, NULL, a, change);
}

/*
 * Mark the model dirty and tell the watcher, if any, what changed: the
 * one place it is told from.
 */
static void
fleet_tell(struct fleet *fleet, enum fleet_change what,
    const struct node *node, const struct alert *a, enum alert_change change)
{
	fleet->dirty = 1;
	if (fleet->notify != NULL)
		fleet->notify(fleet->notify_arg, fleet, what, node, a, change);
}

/*
 * A message about id arrived on link with node clock clock_ms: find or
 * create the node, note when it was heard and bring it back to live.
 * Sets *changed when a watcher should hear of it.  Returns NULL when the
 * link may not speak for id (fleet_node_get).
 */
static struct node *
fleet_heard(struct fleet *fleet, size_t link, const char *id,
    int64_t clock_ms, int64_t now_ms, int64_t wall_ms, int *changed)
{
	struct node	*node;
	int		 created;

	*changed = 0;
	node = fleet_node_get(fleet, id, link, wall_ms, &created);
	if (node == NULL)
		return (NULL);
	*changed = created;
	if (fleet->heard_tail != 0 &&
	    fleet->nodes[fleet->heard_tail - 1].last_heard_ms > now_ms)
		fleet->heard_walk = 1;
	if (fleet->links[link].state == LINK_DOWN)
		fleet->heard_walk = 1;
	node->last_heard_ms = now_ms;
	fleet_heard_append(fleet, (size_t)(node - fleet->nodes));
	node->clock_ms = clock_ms;
	if (fleet_set_state(fleet, node, NODE_LIVE, wall_ms, NULL))
		*changed = 1;
	return (node);
}

/*
 * Move node to state, with an event line saying why (may be NULL).
 * Returns 1 if the state changed; the caller notifies.
 */
static int
fleet_set_state(struct fleet *fleet, struct node *node,
    enum node_state state, int64_t wall_ms, const char *why)
{
	struct fleet_said	*said = &fleet->said;

	if (node->state == state)
		return (0);
	if (why != NULL && *why != '\0' && said->text != NULL &&
	    said->state == state && said->was == node->state &&
	    strcmp(said->why, why) == 0)
		fleet_event_put(node, wall_ms, fleet_text_hold(said->text));
	else if (why != NULL && *why != '\0') {
		fleet_event(node, wall_ms, "%s (was %s): %s",
		    fleet_state_name(state), fleet_state_name(node->state),
		    why);
		if (strlen(why) < sizeof said->why) {
			fleet_text_drop(said->text);
			said->text = fleet_text_hold(node->events[
			    (node->events_head + node->events_n - 1) %
			    FLEET_EVENTS].text);
			said->state = state;
			said->was = node->state;
			util_copy(said->why, sizeof said->why, why);
		}
	} else
		fleet_event(node, wall_ms, "%s (was %s)",
		    fleet_state_name(state), fleet_state_name(node->state));
	node->state = state;
	fleet_baseline_note(fleet, (size_t)(node - fleet->nodes));
	fleet_changed(fleet, (size_t)(node - fleet->nodes));
	fleet->dirty = 1;
	return (1);
}

/* Tell the watcher, if any, that node changed. */
static void
fleet_notify_node(struct fleet *fleet, const struct node *node)
{
	fleet_tell(fleet, FLEET_NODE_CHANGED, node, NULL, ALERT_UNCHANGED);
}

/* The flag called name in hello h, or NULL. */
static const struct proto_flag *
fleet_flag(const struct proto_hello *h, const char *name)
{
	size_t	i;

	for (i = 0; i < h->nflags && i < PROTO_MAX_FLAGS; i++) {
		if (strcmp(h->flags[i].name, name) == 0)
			return (&h->flags[i]);
	}
	return (NULL);
}

/*
 * Log what a new hello h changes against node's previous one: role,
 * group, build and each flag.  Returns 1 if anything changed.
 */
static int
fleet_hello_events(struct node *node, const struct proto_hello *h,
    int64_t wall_ms)
{
	const struct proto_hello	*old = &node->hello;
	const struct proto_flag		*f, *o;
	int				 changed = 0;
	size_t				 i;

	if (old->role != h->role) {
		fleet_event(node, wall_ms, "role changed from %s to %s",
		    proto_role_name(old->role), proto_role_name(h->role));
		changed = 1;
	}
	if (strcmp(old->group, h->group) != 0) {
		fleet_event(node, wall_ms, "group changed from %s to %s",
		    old->group, h->group);
		changed = 1;
	}
	if (strcmp(old->build, h->build) != 0) {
		fleet_event(node, wall_ms, "build changed from %s to %s",
		    old->build, h->build);
		changed = 1;
	}
	for (i = 0; i < h->nflags && i < PROTO_MAX_FLAGS; i++) {
		f = &h->flags[i];
		if ((o = fleet_flag(old, f->name)) == NULL) {
			fleet_event(node, wall_ms, "flag %s appeared: it "
			    "means %s and is %s", f->name, f->path,
			    f->on ? "on" : "off");
			changed = 1;
			continue;
		}
		if (strcmp(o->path, f->path) != 0) {
			fleet_event(node, wall_ms, "flag %s now means %s "
			    "(it meant %s)", f->name, f->path, o->path);
			changed = 1;
		}
		if (!o->on != !f->on) {
			fleet_event(node, wall_ms, "flag %s switched %s",
			    f->name, f->on ? "on" : "off");
			changed = 1;
		}
	}
	for (i = 0; i < old->nflags && i < PROTO_MAX_FLAGS; i++) {
		if (fleet_flag(h, old->flags[i].name) == NULL) {
			fleet_event(node, wall_ms, "flag %s is gone (it "
			    "meant %s)", old->flags[i].name,
			    old->flags[i].path);
			changed = 1;
		}
	}
	return (changed);
}

/* hello: a node introduces itself (again, after a restart or upgrade). */
static int
fleet_apply_hello(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_hello	*h = &msg->u.hello;
	struct node			*node;
	int				 changed;

	/* What the hello declares bounds the nodes this link may add. */
	if (h->link_nodes > 0)
		fleet->links[link].link_nodes = h->link_nodes;
	node = fleet_heard(fleet, link, h->node, h->clock_ms, now_ms, wall_ms,
	    &changed);
	if ((*nodep = node) == NULL)
		return (0);
	if (node->has_hello) {
		if (fleet_hello_events(node, h, wall_ms))
			changed = 1;
	} else {
		fleet_event(node, wall_ms, "said hello: %s in group %s, "
		    "build %s", proto_role_name(h->role), h->group, h->build);
		changed = 1;
	}
	if (strcmp(node->hello.transport_key, h->transport_key) != 0 ||
	    !node->has_hello)
		fleet_transport_fpr(h->transport_key, node->transport_fpr);
	fleet_copy_hello(&fleet->links[link], &node->hello, h);
	node->has_hello = 1;
	fleet_touch(fleet, node);
	fleet->hello_seq = ++fleet_hellos;
	auth_hello(fleet, link, h);
	return (changed);
}

/* watching: which operators' consoles watch the link's nodes. */
static int
fleet_apply_watching(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	(void)now_ms;
	(void)wall_ms;
	*nodep = NULL;
	return (auth_watching(fleet, link, &msg->u.watching));
}

/*
 * The SHA-256 of a transport key given in hex (as hello carries it),
 * as hex into fpr, or "" when there is none.
 */
static void
fleet_transport_fpr(const char *hex, char *fpr)
{
	unsigned char	key[32];
	size_t		i;
	unsigned int	byte;

	fpr[0] = '\0';
	if (strlen(hex) != 2 * sizeof key)
		return;
	for (i = 0; i < sizeof key; i++) {
		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return;
		key[i] = (unsigned char)byte;
	}
	seal_fingerprint(key, sizeof key, fpr);
}

/*
 * stats: new cumulative counters.  Rates follow from them; a counter or
 * uptime going backwards means the node restarted.
 */
static int
fleet_apply_stats(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_stats	*st = &msg->u.stats;
	struct node			*node;
	int				 changed, reset = 0;
	double				 r;

	node = fleet_heard(fleet, link, st->node, st->clock_ms, now_ms,
	    wall_ms, &changed);
	if ((*nodep = node) == NULL)
		return (0);
	/* A router's state or a station's blacklist is news to a watcher. */
	if (node->nstats == 0 || node->stats.role != st->role ||
	    (st->role == ROLE_ROUTER &&
	    node->stats.router.state != st->router.state) ||
	    (st->role == ROLE_STATION &&
	    node->stats.station.nblacklist != st->station.nblacklist))
		changed = 1;
	/* Without a hello, the stats say its role. */
	if (!node->has_hello && (node->nstats == 0 ||
	    node->stats.role != st->role))
		fleet_touch(fleet, node);
	/* Its first stats: its history starts at the next tick. */
	if (node->nstats == 0)
		fleet_sampling_add(fleet, (size_t)(node - fleet->nodes), 1);
	node->nstats++;
	fleet_copy_stats(&node->stats, st);
	if (st->role == ROLE_ROUTER) {
		fleet_baseline_note(fleet, (size_t)(node - fleet->nodes));
		reset |= rate_add(&node->parent_rate, st->uptime_ms,
		    st->router.parents_total);
		reset |= rate_add(&node->child_rate, st->uptime_ms,
		    st->router.child_orders_total);
		reset |= rate_add(&node->child_share_rate, st->uptime_ms,
		    st->router.child_shares_total);
		r = rate_per_sec(&node->child_rate);
		if (r > node->child_rate_peak)
			node->child_rate_peak = r;
	} else if (st->role == ROLE_STATION) {
		reset |= rate_add(&node->heartbeat_rate, st->uptime_ms,
		    st->station.heartbeats_total);
	}
	if (reset) {
		node->counter_resets++;
		fleet_event(node, wall_ms, "counters reset (node restarted?)");
		changed = 1;
	}
	*nodep = node;
	return (changed);
}

/* cert: a station's certificate and its last renewal. */
static int
fleet_apply_cert(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_cert	*c = &msg->u.cert;
	struct node		*node;
	char			 until[16];
	int			 changed;

	node = fleet_heard(fleet, link, c->node, c->clock_ms, now_ms, wall_ms,
	    &changed);
	if ((*nodep = node) == NULL)
		return (0);
	util_clock_text(c->not_after_ms, until, sizeof until);
	if (!node->has_cert || strcmp(node->cert.serial, c->serial) != 0) {
		fleet_event(node, wall_ms, "%s certificate serial %s, valid "
		    "until %s", node->has_cert ? "renewed:" : "holds",
		    c->serial, until);
		changed = 1;
	}
	if (c->last_renewal_ms != 0 && !c->last_renewal_ok &&
	    (!node->has_cert ||
	    node->cert.last_renewal_ms != c->last_renewal_ms)) {
		fleet_event(node, wall_ms, "certificate renewal failed: %s",
		    c->last_renewal_error[0] != '\0' ?
		    c->last_renewal_error : "no reason given");
		changed = 1;
	}
	if (node->has_cert && strcmp(node->cert.root_holder,
	    c->root_holder) != 0) {
		fleet_event(node, wall_ms, "root holder is now %s (was %s)",
		    c->root_holder, node->cert.root_holder);
		changed = 1;
	}
	if (!node->has_cert || !node->cert.holds_root != !c->holds_root ||
	    strcmp(node->cert.root_holder, c->root_holder) != 0)
		fleet->roots_seq++;
	node->cert = *c;
	node->has_cert = 1;
	fleet_move_cert(&fleet->move, node->id, c, wall_ms);
	*nodep = node;
	return (changed);
}

/* alert: a warning the backend raised (or cleared) itself. */
static int
fleet_apply_alert(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_alert	*a = &msg->u.alert;
	struct node			*node;
	int				 changed;

	node = fleet_heard(fleet, link, a->node, a->clock_ms, now_ms, wall_ms,
	    &changed);
	if ((*nodep = node) == NULL)
		return (0);
	if (a->clear)
		fleet_event(node, wall_ms, "backend warning %s cleared",
		    a->code);
	else
		fleet_event(node, wall_ms, "backend %s: %s",
		    proto_severity_name(a->severity), a->text);
	if (fleet->warned != NULL)
		fleet->warned(fleet, node, a, wall_ms);
	*nodep = node;
	return (changed);
}

/*
 * error: the backend complains about something; it becomes the link's
 * error and, when it names a node we know, an event of that node.
 */
static int
fleet_apply_error(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_error	*e = &msg->u.error;
	struct fleet_link		*l = &fleet->links[link];
	struct node			*node;
	size_t				 i;

	(void)now_ms;
	util_copy(l->error, sizeof l->error, e->text);
	if (strcmp(e->in_reply_to, "auth") == 0)
		auth_refused(fleet, link);
	if (strcmp(e->in_reply_to, "want") == 0)
		fleet_await_refused(&fleet->awaits, link, e->text);
	/* A backend that cannot take a command says so with an error. */
	for (i = 0; i < nitems(fleet_command_types); i++) {
		if (strcmp(e->in_reply_to, fleet_command_types[i]) != 0)
			continue;
		l->reply_error_seq = ++fleet->result_seq;
		util_copy(l->reply_error_to, sizeof l->reply_error_to,
		    e->in_reply_to);
		util_copy(l->reply_error, sizeof l->reply_error, e->text);
	}
	/* Only the link that serves a node may write into its history. */
	if (e->node[0] != '\0' && (node = fleet_find(fleet, e->node)) != NULL &&
	    node->link == link)
		fleet_event(node, wall_ms, "backend reported an error: %s",
		    e->text);
	*nodep = NULL;
	return (0);
}

/*
 * A message about id that carries no node clock arrived on link: find or
 * create the node, note it was heard, keep its clock as it was.
 */
static struct node *
fleet_heard_unclocked(struct fleet *fleet, size_t link, const char *id,
    int64_t now_ms, int64_t wall_ms, int *changed)
{
	struct node	*node;
	int64_t		 clock_ms = 0;

	if ((node = fleet_find(fleet, id)) != NULL)
		clock_ms = fleet_node_clock(node, now_ms);
	return (fleet_heard(fleet, link, id, clock_ms, now_ms, wall_ms,
	    changed));
}

/* The proposal id node holds, or NULL. */
static struct fleet_held *
fleet_held_find(struct node *node, const char *id)
{
	size_t	i;

	for (i = 0; i < node->nheld; i++) {
		if (strcmp(node->held[i].p.id, id) == 0)
			return (&node->held[i]);
	}
	return (NULL);
}

/* The proposal id node holds, or NULL, for readers of a const model. */
const struct fleet_held *
fleet_node_held(const struct node *node, const char *id)
{
	size_t	i;

	for (i = 0; i < node->nheld; i++) {
		if (strcmp(node->held[i].p.id, id) == 0)
			return (&node->held[i]);
	}
	return (NULL);
}

/*
 * Keep at most FLEET_HELD_DONE finished proposals on node, dropping the
 * oldest reported; pending ones always stay.
 */
static void
fleet_held_trim(struct fleet *fleet, struct node *node)
{
	size_t	i, done, oldest;

	for (;;) {
		done = 0;
		oldest = node->nheld;
		for (i = 0; i < node->nheld; i++) {
			if (node->held[i].p.status == STATUS_PENDING ||
			    node->held[i].p.status == STATUS_ARMED)
				continue;
			done++;
			if (oldest == node->nheld ||
			    node->held[i].wall_ms < node->held[oldest].wall_ms)
				oldest = i;
		}
		if (done <= FLEET_HELD_DONE)
			return;
		fleet_doc_drop(fleet, node->held[oldest].p.document);
		node->held[oldest] = node->held[--node->nheld];
		fleet->nheld--;
	}
}

/* Forget every proposal node holds. */
static void
fleet_held_drop(struct fleet *fleet, struct node *node)
{
	size_t	i;

	for (i = 0; i < node->nheld; i++)
		fleet_doc_drop(fleet, node->held[i].p.document);
	free(node->held);
	node->held = NULL;
	fleet->nheld -= node->nheld;
	node->nheld = 0;
}

/*
 * The fleet's copy of document text (NULL: ""), held once more: one copy
 * however many nodes hold the same bytes.
 */
static char *
fleet_doc_hold(struct fleet *fleet, const char *text)
{
	size_t	i;

	if (text == NULL)
		text = "";
	for (i = 0; i < fleet->ndocs; i++) {
		if (fleet->docs[i].text == text ||
		    strcmp(fleet->docs[i].text, text) == 0) {
			fleet->docs[i].refs++;
			return (fleet->docs[i].text);
		}
	}
	fleet->docs = xreallocarray(fleet->docs, fleet->ndocs + 1,
	    sizeof *fleet->docs);
	fleet->docs[fleet->ndocs].text = xstrdup(text);
	fleet->docs[fleet->ndocs].refs = 1;
	opkey_sha256_hex(text, strlen(text), fleet->docs[fleet->ndocs].sha256);
	return (fleet->docs[fleet->ndocs++].text);
}

/*
 * The fleet's copy of a document: the one at text (a fleet_doc_hold()
 * pointer) when text is not NULL, else the one whose SHA-256 is sha256.
 * NULL if it holds none.
 */
static const struct fleet_doc *
fleet_doc_find(const struct fleet *fleet, const char *text,
    const char *sha256)
{
	size_t	i;

	for (i = 0; i < fleet->ndocs; i++) {
		if (text != NULL ? fleet->docs[i].text == text :
		    strcmp(fleet->docs[i].sha256, sha256) == 0)
			return (&fleet->docs[i]);
	}
	return (NULL);
}

/*
 * Keep text (NULL: none) as the last document link was sent whole, in
 * place of the one it kept: the backend may name it by SHA-256 on this
 * link from now on, whatever became of the proposal that carried it.
 */
static void
fleet_link_doc(struct fleet *fleet, size_t link, const char *text)
{
	struct fleet_link	*l = &fleet->links[link];
	char			*old = l->doc;

	l->doc = text != NULL ? fleet_doc_hold(fleet, text) : NULL;
	if (old != NULL)
		fleet_doc_drop(fleet, old);
}

/*
 * Proposal p (from link) as a whole one: p itself when it carries its
 * document, else a copy in *whole with the document the console holds
 * under p's id (this node's copy, or another node's), checked against
 * the SHA-256 p names.  NULL when the console holds no such document:
 * p is then kept aside until it comes (fleet-want.h), or, past that
 * bound or naming another document than the node's, left out with an
 * event on node saying so.
 */
static const struct proto_proposal *
fleet_proposal_whole(struct fleet *fleet, struct node *node, size_t link,
    const struct proto_proposal *p, struct proto_proposal *whole,
    int64_t now_ms, int64_t wall_ms)
{
	const struct fleet_doc	*d = NULL;
	struct fleet_held	*h;

	if (p->document != NULL)
		return (p);
	if ((h = fleet_held_find(node, p->id)) != NULL)
		d = fleet_doc_find(fleet, h->p.document, "");
	if (d != NULL && strcmp(d->sha256, p->sha256) != 0) {
		fleet_event(node, wall_ms, "command %.8s is %s, says the node, "
		    "naming a document (SHA-256 %.16s...) other than the one "
		    "it sent (%.16s...); the update is left out: reconnect to "
		    "be sent the command whole", p->id,
		    proto_status_name(p->status), p->sha256, d->sha256);
		return (NULL);
	}
	if (d == NULL && (d = fleet_doc_find(fleet, NULL,
	    p->sha256)) == NULL) {
		/* Sent on another link, or to be wanted: kept aside. */
		if (fleet_await_add(&fleet->awaits, link, p, now_ms) == 0)
			return (NULL);
		fleet_event(node, wall_ms, "command %.8s is %s, says the node, "
		    "naming its document by SHA-256 %.16s..., which this "
		    "console does not hold, with %d such updates kept aside "
		    "already; the update is left out: reconnect to be sent "
		    "the command whole", p->id, proto_status_name(p->status),
		    p->sha256, FLEET_AWAIT_MAX);
		return (NULL);
	}
	*whole = *p;
	whole->document = d->text;
	whole->sha256[0] = '\0';
	return (whole);
}

/* Let go of a copy fleet_doc_hold() gave; the last one frees it. */
static void
fleet_doc_drop(struct fleet *fleet, const char *text)
{
	size_t	i;

	for (i = 0; i < fleet->ndocs; i++) {
		if (fleet->docs[i].text != text)
			continue;
		if (--fleet->docs[i].refs == 0) {
			free(fleet->docs[i].text);
			fleet->docs[i] = fleet->docs[--fleet->ndocs];
		}
		return;
	}
}

/*
 * Set the status of the proposal id node holds (if it holds it) with an
 * event line.  Returns 1 if it changed.
 */
static int
fleet_held_status(struct fleet *fleet, struct node *node, const char *id,
    enum proto_status status, int64_t wall_ms)
{
	struct fleet_held	*h;

	if ((h = fleet_held_find(node, id)) == NULL || h->p.status == status)
		return (0);
	fleet_event(node, wall_ms, "command %.8s is %s (was %s)", id,
	    proto_status_name(status), proto_status_name(h->p.status));
	h->p.status = status;
	h->wall_ms = wall_ms;
	fleet_held_trim(fleet, node);
	fleet->dirty = 1;
	return (1);
}

/*
 * Say on node's events that it holds proposal p, with the action and
 * proposer its document names: decoded once for the fleet's merged view
 * when other nodes hold the same bytes, else here.
 */
static void
fleet_held_event(struct fleet *fleet, struct node *node,
    const struct proto_proposal *p, int64_t wall_ms)
{
	const struct proto_command	*known = NULL;
	struct proto_command		*cmd = NULL;
	char				 until[16], cause[PROTO_TEXT_MAX];
	const char			*doc = p->document ? p->document : "";
	size_t				 i;

	for (i = 0; i < fleet->nproposals && known == NULL; i++) {
		if (fleet->proposals[i].decoded &&
		    strcmp(fleet->proposals[i].id, p->id) == 0 &&
		    strcmp(fleet->proposals[i].document, doc) == 0)
			known = &fleet->proposals[i].cmd;
	}
	if (known == NULL) {
		cmd = xcalloc(1, sizeof *cmd);
		if (proto_command_decode(doc, strlen(doc), cmd, cause,
		    sizeof cause) == 0)
			known = cmd;
	}
	util_clock_text(p->expires_ms, until, sizeof until);
	if (known != NULL)
		fleet_event(node, wall_ms, "holds command %.8s, %s, proposed "
		    "by %s: %s until %s UTC", p->id, known->action,
		    known->proposer, proto_status_name(p->status), until);
	else
		fleet_event(node, wall_ms, "holds command %.8s (%s until %s "
		    "UTC), whose document does not read: %s", p->id,
		    proto_status_name(p->status), until, cause);
	if (cmd != NULL) {
		proto_command_clear(cmd);
		free(cmd);
	}
}

/*
 * proposal: a node holds a command, or its status changed.  The merged
 * view is rebuilt and watchers told.
 */
static int
fleet_apply_proposal(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_proposal	*p = &msg->u.proposal;
	const struct fleet_doc		*d;
	struct node			*node;
	int				 changed;

	if (p->document != NULL) {
		fleet->awaits.whole++;
		fleet_link_doc(fleet, link, p->document);
	} else
		fleet->awaits.named++;
	node = fleet_heard_unclocked(fleet, link, p->node, now_ms, wall_ms,
	    &changed);
	if ((*nodep = node) != NULL)
		fleet_held_apply(fleet, link, node, p, now_ms, wall_ms);
	if (p->document != NULL && fleet->awaits.n > 0 &&
	    (d = fleet_doc_find(fleet, fleet->links[link].doc, "")) != NULL)
		fleet_await_settle(fleet, d->sha256, now_ms, wall_ms);
	return (changed);
}

/*
 * The document sha256 came: apply, in the order they came, the proposal
 * frames kept aside for it, each as from its own link (if that link
 * still serves its node).
 */
static void
fleet_await_settle(struct fleet *fleet, const char *sha256, int64_t now_ms,
    int64_t wall_ms)
{
	struct fleet_await	*v;
	struct node		*node;
	char			 sha[65];
	size_t			 i, n;

	util_copy(sha, sizeof sha, sha256);	/* the doc may move */
	n = fleet_await_take(&fleet->awaits, sha, &v);
	for (i = 0; i < n; i++) {
		node = fleet_find(fleet, v[i].p.node);
		if (node != NULL && node->link == v[i].link)
			fleet_held_apply(fleet, v[i].link, node, &v[i].p,
			    now_ms, wall_ms);
	}
	free(v);
}

/*
 * Apply proposal p, which came on link, to node: held whole, or kept
 * aside until its document comes.
 */
static void
fleet_held_apply(struct fleet *fleet, size_t link, struct node *node,
    const struct proto_proposal *p, int64_t now_ms, int64_t wall_ms)
{
	struct proto_proposal		 whole;
	struct fleet_held		*h;
	char				*doc;
	size_t				 nheld;
	int				 news = 0, added = 0;

	if ((p = fleet_proposal_whole(fleet, node, link, p, &whole, now_ms,
	    wall_ms)) == NULL) {
		fleet->dirty = 1;
		return;
	}
	if ((h = fleet_held_find(node, p->id)) == NULL) {
		node->held = xreallocarray(node->held, node->nheld + 1,
		    sizeof *node->held);
		h = &node->held[node->nheld++];
		fleet->nheld++;
		memset(h, 0, sizeof *h);
		fleet_held_event(fleet, node, p, wall_ms);
		news = added = 1;
	} else if (h->p.status != p->status) {
		fleet_event(node, wall_ms, "command %.8s is %s (was %s)",
		    p->id, proto_status_name(p->status),
		    proto_status_name(h->p.status));
		news = 1;
	}
	doc = fleet_doc_hold(fleet, p->document);
	if (h->p.document != NULL)
		fleet_doc_drop(fleet, h->p.document);
	h->p = *p;
	h->p.document = doc;
	h->wall_ms = wall_ms;
	nheld = node->nheld;
	fleet_held_trim(fleet, node);
	/* Trimming moves no entry when it removes none. */
	if (!added || h->p.status != STATUS_PENDING || node->nheld != nheld ||
	    fleet_proposals_join(fleet, (size_t)(node - fleet->nodes), h) != 0)
		fleet_proposals_rebuild(fleet);
	if (news)
		fleet_notify(fleet, FLEET_PROPOSAL_CHANGED, node);
}

/*
 * result: a node answered a command message.  It is kept in the node's
 * ring for whoever sent the message; a finished command updates what
 * the node holds; a refusal stands as an alert for a while.
 */
static int
fleet_apply_result(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_result	*r = &msg->u.result;
	const struct fleet_proposal	*p;
	struct node			*node;
	struct fleet_result		*fr;
	enum proto_status		 status;
	int				 changed;

	node = fleet_heard_unclocked(fleet, link, r->node, now_ms, wall_ms,
	    &changed);
	if ((*nodep = node) == NULL)
		return (0);
	if (node->results == NULL)
		node->results = xcalloc(FLEET_RESULTS, sizeof *node->results);
	fr = &node->results[fleet_ring_push(&node->results_head,
	    &node->results_n, FLEET_RESULTS)];
	fr->seq = ++fleet->result_seq;
	fr->wall_ms = wall_ms;
	fr->r = *r;

	fleet_event(node, wall_ms, "%s %s%s%s%.8s: %s",
	    proto_outcome_name(r->outcome),
	    r->in_reply_to[0] != '\0' ? r->in_reply_to : "command",
	    r->in_reply_to[0] != '\0' ? " of " : "", r->action[0] != '\0' ?
	    r->action : "", r->id[0] != '\0' ? r->id : "", r->text);
	if (r->outcome == OUTCOME_REFUSED)
		fleet_refused(fleet, node, r, wall_ms);
	else if (fleet_result_final(r, &status) &&
	    fleet_held_status(fleet, node, r->id, status, wall_ms))
		fleet_proposals_rebuild(fleet);
	p = strcmp(r->action, "move-root") == 0 ?
	    fleet_proposal_find(fleet, r->id, NULL) : NULL;
	fleet_move_result(&fleet->move, node->id, node->clock_ms, r,
	    p != NULL && p->decoded ? &p->cmd : NULL, wall_ms);
	fleet_notify(fleet, FLEET_COMMAND_RESULT, node);
	*nodep = node;
	return (changed);
}

/*
 * sealed (a source's sealed root key, to relay to its destination) and
 * holder (the new root holder's statement, to relay to every station).
 */
static int
fleet_apply_move(struct fleet *fleet, size_t link,
    const struct proto_msg *msg, int64_t now_ms, int64_t wall_ms,
    struct node **nodep)
{
	const struct proto_sealed	*d = &msg->u.sealed;
	const struct proto_holder	*h = &msg->u.holder;
	const struct node		*dest;
	struct fleet_move_peer		 peer;
	struct node			*node;
	int				 changed;

	node = fleet_heard_unclocked(fleet, link, msg->type == MSG_SEALED ?
	    d->node : h->node, now_ms, wall_ms, &changed);
	if ((*nodep = node) == NULL)
		return (0);
	if (msg->type == MSG_SEALED) {
		fleet_event(node, wall_ms, "sealed the root key for %s "
		    "(move-root %.8s); this console relays it", d->to, d->id);
		dest = fleet_find_const(fleet, d->to);
		if (dest != NULL &&
		    fleet->links[dest->link].state != LINK_UP)
			dest = NULL;
		if (dest != NULL) {
			peer.id = dest->id;
			peer.link = dest->link;
		}
		fleet_move_sealed(&fleet->move, &fleet->relays, d,
		    dest != NULL ? &peer : NULL, wall_ms);
	} else {
		fleet_event(node, wall_ms, "holds the root since move-root "
		    "%.8s from %s; this console tells every station", h->id,
		    h->from);
		fleet_tell_holder(fleet, h, wall_ms);
	}
	return (1);
}

/* The new holder's statement goes to every other station with a link up. */
static void
fleet_tell_holder(struct fleet *fleet, const struct proto_holder *h,
    int64_t wall_ms)
{
	struct fleet_move_peer	*to;
	const struct node	*n;
	size_t			 i, nto = 0;

	to = xcalloc(fleet->nnodes + 1, sizeof *to);
	for (i = 0; i < fleet->nnodes; i++) {
		n = &fleet->nodes[i];
		if (fleet_node_role(n) != ROLE_STATION ||
		    strcmp(n->id, h->holder) == 0 ||
		    fleet->links[n->link].state != LINK_UP)
			continue;
		to[nto].id = n->id;
		to[nto++].link = n->link;
	}
	n = fleet_find_const(fleet, h->holder);
	fleet_move_holder(&fleet->move, &fleet->relays, h,
	    n != NULL ? n->clock_ms : 0, to, nto, wall_ms);
	free(to);
}

/* Take the next frame the model queued to relay (move-root). */
int
fleet_move_take(struct fleet *fleet, struct fleet_relay *out)
{
	return (fleet_relay_take(&fleet->relays, out));
}

/* Whether r ends its command, and the status the command has then. */
static int
fleet_result_final(const struct proto_result *r, enum proto_status *status)
{
	if (r->id[0] == '\0')
		return (0);
	switch (r->outcome) {
	case OUTCOME_EXECUTED:
		/* An executed arm-kill stays armed, as its proposal says. */
		if (strcmp(r->action, "arm-kill") == 0)
			return (0);
		*status = STATUS_EXECUTED;
		return (1);
	case OUTCOME_FIRED:
		*status = STATUS_FIRED;
		return (1);
	case OUTCOME_CANCELLED:
		*status = STATUS_CANCELLED;
		return (1);
	case OUTCOME_EXPIRED:
		*status = STATUS_EXPIRED;
		return (1);
	case OUTCOME_ACCEPTED:
	case OUTCOME_REFUSED:
		break;
	}
	return (0);
}

/*
 * A node refused a command message: raise a warning that names the
 * node, the command and the backend's sentence, standing for
 * FLEET_REFUSAL_MS so that an operator at the console sees it.
 */
static void
fleet_refused(struct fleet *fleet, struct node *node,
    const struct proto_result *r, int64_t wall_ms)
{
	const char	*id = node->id;
	char		 code[PROTO_CODE_MAX], text[PROTO_TEXT_MAX];

	/* One alert per node and command: the id's first half is enough. */
	util_format(code, sizeof code, "%.16s", r->id);
	util_format(text, sizeof text, "%s refused %s%s%s%s%.8s: %s",
	    node->id, r->in_reply_to[0] != '\0' ? r->in_reply_to : "a command",
	    r->action[0] != '\0' ? " of " : "", r->action,
	    r->id[0] != '\0' ? " " : "", r->id, r->text);
	alert_emit(&fleet->alerts, &(struct alert_spec){
	    .severity = SEV_WARNING, .rule = PROTO_RULE_REFUSED, .code = code,
	    .nodes = &id, .nnodes = 1, .text = text,
	    .cause = "Each backend enforces the two-person rule itself and "
	    "refused this command message; its reason is in the text, and in "
	    "the node's audit log.",
	    .action = "Do what the backend's sentence says, then propose or "
	    "approve again; vigil pending lists what still waits.  This "
	    "warning clears after a minute." }, wall_ms);
}

/*
 * Timer: pending proposals past their expiry are shown as expired (the
 * backends expire them too, and say so), and refusal warnings older
 * than FLEET_REFUSAL_MS clear.
 */
static void
fleet_commands_tick(struct fleet *fleet, int64_t wall_ms)
{
	struct node		*node;
	size_t			 i, j;
	int			 rebuild = 0;

	/* With no proposal held anywhere, no node need be asked. */
	for (i = 0; fleet->nheld > 0 && i < fleet->nnodes; i++) {
		node = &fleet->nodes[i];
		for (j = 0; j < node->nheld; j++) {
			if ((node->held[j].p.status == STATUS_PENDING ||
			    node->held[j].p.status == STATUS_ARMED) &&
			    node->held[j].p.expires_ms <= wall_ms &&
			    fleet_held_status(fleet, node, node->held[j].p.id,
			    STATUS_EXPIRED, wall_ms)) {
				rebuild = 1;
				fleet_notify(fleet, FLEET_PROPOSAL_CHANGED,
				    node);
				j = (size_t)-1;	/* trimmed: start again */
			}
		}
	}
	if (rebuild)
		fleet_proposals_rebuild(fleet);
	alert_expire(&fleet->alerts, PROTO_RULE_REFUSED, FLEET_REFUSAL_MS,
	    wall_ms);
}

/* Tell the watcher, if any, what changed about node. */
static void
fleet_notify(struct fleet *fleet, enum fleet_change what,
    const struct node *node)
{
	fleet_tell(fleet, what, node, NULL, ALERT_UNCHANGED);
}

/* Free a merged view of n proposals. */
static void
fleet_proposals_free(struct fleet_proposal *proposals, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(proposals[i].document);
		proto_command_clear(&proposals[i].cmd);
		free(proposals[i].nodes);
	}
	free(proposals);
}

/*
 * Merge what every node holds by id.  The document shown is the first
 * node's; a node holding other bytes under the same id makes the
 * proposal one that must not be approved, and says so.  A proposal the
 * previous view decoded from the same bytes is taken over, not decoded
 * again: a kill of 1,000 routers rebuilds the view 1,000 times.
 */
static void
fleet_proposals_rebuild(struct fleet *fleet)
{
	struct fleet_proposal	*fp, *old = fleet->proposals;
	const struct fleet_held	*h;
	size_t			 i, j, k, cap = 0;
	size_t			 nold = fleet->nproposals;

	fleet->proposals = NULL;
	fleet->nproposals = 0;
	for (i = 0; i < fleet->nnodes; i++) {
		for (j = 0; j < fleet->nodes[i].nheld; j++) {
			h = &fleet->nodes[i].held[j];
			fp = NULL;
			for (k = 0; k < fleet->nproposals; k++) {
				if (strcmp(fleet->proposals[k].id,
				    h->p.id) == 0) {
					fp = &fleet->proposals[k];
					break;
				}
			}
			if (fp == NULL) {
				if (fleet->nproposals == cap) {
					cap = cap == 0 ? 4 : cap * 2;
					fleet->proposals = xreallocarray(
					    fleet->proposals, cap,
					    sizeof *fleet->proposals);
				}
				fp = &fleet->proposals[fleet->nproposals++];
				fleet_proposal_start(fp, h, old, nold);
			} else if (fp->held_doc != h->p.document &&
			    strcmp(fp->document, h->p.document) != 0)
				util_format(fp->problem, sizeof fp->problem,
				    "%s and %s hold different documents under "
				    "this id; do not approve it, and find out "
				    "which backend or console changed it",
				    fleet->nodes[fp->nodes[0]].id,
				    fleet->nodes[i].id);
			if (fp->nnodes == fp->nodes_cap) {
				fp->nodes_cap = fp->nodes_cap == 0 ? 4 :
				    2 * fp->nodes_cap;
				fp->nodes = xreallocarray(fp->nodes,
				    fp->nodes_cap, sizeof *fp->nodes);
			}
			fp->nodes[fp->nnodes++] = i;
			if (h->p.status == STATUS_PENDING) {
				fp->npending++;
				fp->status = STATUS_PENDING;
			} else if (h->p.status == STATUS_ARMED &&
			    fp->npending == 0)
				fp->status = STATUS_ARMED;
			if (h->p.nsigs > fp->nsigs) {
				fp->nsigs = h->p.nsigs > PROTO_MAX_SIGNERS ?
				    PROTO_MAX_SIGNERS : h->p.nsigs;
				memcpy(fp->sigs, h->p.sigs,
				    fp->nsigs * sizeof *fp->sigs);
			}
		}
	}
	fleet_proposals_free(old, nold);
	if (fleet->nproposals > 1)
		qsort(fleet->proposals, fleet->nproposals,
		    sizeof *fleet->proposals, fleet_cmp_proposal);
	fleet->dirty = 1;
}

/*
 * Node i newly holds h, pending: join it to the merged view without a
 * rebuild when that cannot change anything but the proposal's list of
 * nodes and count of pending ones: the view holds the id pending, from
 * the same bytes (documents are held once: the same pointer), with
 * signatures that h's cannot replace, and i is not its first node (the
 * first gives the expiry and the order).  A cold approve of a kill of
 * 1,000 routers hears the proposal from each: a rebuild for each, over
 * every node, was quadratic, and slowed the last links most.  Returns
 * 0, or -1 when a rebuild is needed.
 */
static int
fleet_proposals_join(struct fleet *fleet, size_t i,
    const struct fleet_held *h)
{
	struct fleet_proposal	*fp = NULL;
	size_t			 k, lo, hi;

	for (k = 0; k < fleet->nproposals && fp == NULL; k++) {
		if (strcmp(fleet->proposals[k].id, h->p.id) == 0)
			fp = &fleet->proposals[k];
	}
	if (fp == NULL || fp->held_doc != h->p.document ||
	    fp->status != STATUS_PENDING || fp->nnodes == 0 ||
	    i <= fp->nodes[0] || h->p.nsigs > fp->nsigs ||
	    (h->p.nsigs == fp->nsigs &&
	    !fleet_sigs_same(h->p.sigs, fp->sigs, fp->nsigs)))
		return (-1);
	/* Where i goes among the nodes, which are in index order. */
	lo = 1;
	hi = fp->nnodes;
	while (lo < hi) {
		k = lo + (hi - lo) / 2;
		if (fp->nodes[k] < i)
			lo = k + 1;
		else
			hi = k;
	}
	if (lo < fp->nnodes && fp->nodes[lo] == i)
		return (-1);
	if (fp->nnodes == fp->nodes_cap) {
		fp->nodes_cap *= 2;
		fp->nodes = xreallocarray(fp->nodes, fp->nodes_cap,
		    sizeof *fp->nodes);
	}
	memmove(&fp->nodes[lo + 1], &fp->nodes[lo],
	    (fp->nnodes - lo) * sizeof *fp->nodes);
	fp->nodes[lo] = i;
	fp->nnodes++;
	fp->npending++;
	fleet->dirty = 1;
	return (0);
}

/* Whether the n signatures a and b are the same. */
static int
fleet_sigs_same(const struct proto_signature *a,
    const struct proto_signature *b, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++) {
		if (strcmp(a[k].operator, b[k].operator) != 0 ||
		    strcmp(a[k].signature, b[k].signature) != 0 ||
		    strcmp(a[k].covers, b[k].covers) != 0)
			return (0);
	}
	return (1);
}

/*
 * Start the merged proposal fp from the first node's held h: its text
 * and decoded document are taken from the previous view's old[nold]
 * when that holds the same id and bytes, else copied and decoded.
 */
static void
fleet_proposal_start(struct fleet_proposal *fp, const struct fleet_held *h,
    struct fleet_proposal *old, size_t nold)
{
	char	cause[PROTO_TEXT_MAX];
	size_t	k;

	memset(fp, 0, sizeof *fp);
	util_copy(fp->id, sizeof fp->id, h->p.id);
	fp->held_doc = h->p.document;
	fp->status = h->p.status;
	fp->expires_ms = h->p.expires_ms;
	for (k = 0; k < nold; k++) {
		if (old[k].document == NULL || strcmp(old[k].id, fp->id) != 0 ||
		    strcmp(old[k].document, h->p.document) != 0)
			continue;
		fp->document = old[k].document;
		fp->decoded = old[k].decoded;
		fp->cmd = old[k].cmd;
		util_copy(fp->problem, sizeof fp->problem, old[k].decoded ?
		    "" : old[k].problem);
		old[k].document = NULL;
		memset(&old[k].cmd, 0, sizeof old[k].cmd);
		return;
	}
	fp->document = xstrdup(h->p.document);
	if (proto_command_decode(fp->document, strlen(fp->document),
	    &fp->cmd, cause, sizeof cause) == 0)
		fp->decoded = 1;
	else
		util_format(fp->problem, sizeof fp->problem, "its document "
		    "does not read: %s", cause);
}

/* Pending first, then soonest expiry, then id. */
static int
fleet_cmp_proposal(const void *pa, const void *pb)
{
	const struct fleet_proposal	*a = pa, *b = pb;
	int				 ap, bp;

	ap = a->status == STATUS_PENDING;
	bp = b->status == STATUS_PENDING;
	if (ap != bp)
		return (ap ? -1 : 1);
	if (a->expires_ms != b->expires_ms)
		return (a->expires_ms < b->expires_ms ? -1 : 1);
	return (strcmp(a->id, b->id));
}

/* The merged proposals. */
size_t
fleet_proposals(const struct fleet *fleet, const struct fleet_proposal **out)
{
	*out = fleet->proposals;
	return (fleet->nproposals);
}

/* The proposal id, or the one id is a long enough prefix of. */
const struct fleet_proposal *
fleet_proposal_find(const struct fleet *fleet, const char *id,
    int *ambiguous)
{
	const struct fleet_proposal	*found = NULL;
	size_t				 i, len = strlen(id);

	if (ambiguous != NULL)
		*ambiguous = 0;
	for (i = 0; i < fleet->nproposals; i++) {
		if (strcmp(fleet->proposals[i].id, id) == 0)
			return (&fleet->proposals[i]);
	}
	if (len < 8)
		return (NULL);
	for (i = 0; i < fleet->nproposals; i++) {
		if (strncmp(fleet->proposals[i].id, id, len) != 0)
			continue;
		if (found != NULL) {
			if (ambiguous != NULL)
				*ambiguous = 1;
			return (NULL);
		}
		found = &fleet->proposals[i];
	}
	return (found);
}

/* The oldest matching result after after_seq, or NULL. */
const struct fleet_result *
fleet_node_result(const struct node *node, const char *id,
    const char *in_reply_to, uint64_t after_seq)
{
	const struct fleet_result	*fr;
	unsigned			 i;

	for (i = 0; i < node->results_n; i++) {
		fr = &node->results[(node->results_head + i) % FLEET_RESULTS];
		if (fr->seq <= after_seq || strcmp(fr->r.id, id) != 0)
			continue;
		if (in_reply_to != NULL &&
		    strcmp(fr->r.in_reply_to, in_reply_to) != 0)
			continue;
		return (fr);
	}
	return (NULL);
}

/*
 * Put node ix in the ring of nodes to sample: at its head when its first
 * stats make it due at once, else at its end.
 */
static void
fleet_sampling_add(struct fleet *fleet, size_t ix, int first)
{
	size_t	*v, cap, i;

	if (fleet->sampling_n == fleet->sampling_cap) {
		cap = fleet->sampling_cap == 0 ? 64 : fleet->sampling_cap * 2;
		v = xcalloc(cap, sizeof *v);
		for (i = 0; i < fleet->sampling_n; i++)
			v[i] = fleet->sampling[(fleet->sampling_head + i) %
			    fleet->sampling_cap];
		free(fleet->sampling);
		fleet->sampling = v;
		fleet->sampling_head = 0;
		fleet->sampling_cap = cap;
	}
	if (first) {
		fleet->sampling_head = (fleet->sampling_head +
		    fleet->sampling_cap - 1) % fleet->sampling_cap;
		fleet->sampling[fleet->sampling_head] = ix;
	} else
		fleet->sampling[(fleet->sampling_head + fleet->sampling_n) %
		    fleet->sampling_cap] = ix;
	fleet->sampling_n++;
}

/*
 * How many history samples the tick at now_ms may take: as many as
 * spread the nodes' samples over FLEET_SAMPLE_SPREAD_MS at the pace the
 * ticks come, and at least FLEET_SAMPLE_MIN.  A node sampled late keeps
 * its beat (fleet_sample), and one sampled first, late, starts its beat
 * then, so thousands that joined in one second keep their phases apart.
 */
static size_t
fleet_sampling_quota(struct fleet *fleet, int64_t now_ms)
{
	int64_t	dt = now_ms - fleet->sampling_ms;
	size_t	quota;

	if (fleet->sampling_ms == 0 || dt <= 0)
		dt = 0;
	fleet->sampling_ms = now_ms;
	if (dt >= FLEET_SAMPLE_SPREAD_MS)
		return (fleet->sampling_n);
	quota = (fleet->sampling_n * (size_t)dt + FLEET_SAMPLE_SPREAD_MS - 1) /
	    FLEET_SAMPLE_SPREAD_MS;
	return (quota < FLEET_SAMPLE_MIN ? FLEET_SAMPLE_MIN : quota);
}

/*
 * Once a second, keep a sample of node's rates for its sparklines.
 * Returns 1 when it took one.
 */
static int
fleet_sample(struct node *node, int64_t now_ms)
{
	unsigned	i;
	double		child, heartbeat;

	if (node->nstats == 0)
		return (0);
	if (node->hist_n != 0 && now_ms - node->hist_last_ms < 1000)
		return (0);
	/* Keep a steady once-a-second beat unless the timer fell behind. */
	if (node->hist_n != 0 && now_ms - node->hist_last_ms < 2000)
		node->hist_last_ms += 1000;
	else
		node->hist_last_ms = now_ms;
	child = rate_per_sec(&node->child_rate);
	heartbeat = rate_per_sec(&node->heartbeat_rate);
	i = fleet_ring_push(&node->hist_head, &node->hist_n, FLEET_HISTORY);
	node->child_hist[i] = child < 0 ? 0 : (float)child;
	node->heartbeat_hist[i] = heartbeat < 0 ? 0 : (float)heartbeat;
	return (1);
}

/* Timer: age nodes and sample their rates. */
void
fleet_tick(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	*node;
	size_t		 ix, quota;

	if (fleet->heard_walk)
		fleet_tick_walk(fleet, now_ms, wall_ms);
	else
		fleet_tick_silent(fleet, now_ms, wall_ms);
	/*
	 * The nodes due, from the ring's head.  One sampled is next due a
	 * second after its last due time, or, fallen behind, a second
	 * from now: either way no earlier than any node still waiting,
	 * which was due later than it, or sampled at an earlier tick.
	 * Those past the tick's quota wait, in order, for the next.
	 */
	quota = fleet_sampling_quota(fleet, now_ms);
	while (fleet->sampling_n > 0 && quota-- > 0) {
		ix = fleet->sampling[fleet->sampling_head];
		node = &fleet->nodes[ix];
		if (!fleet_sample(node, now_ms))
			break;
		fleet->sampling_head = (fleet->sampling_head + 1) %
		    fleet->sampling_cap;
		fleet->sampling_n--;
		fleet_sampling_add(fleet, ix, 0);
		/* A router with no live peer is its own baseline. */
		if (node->child_rate_npeers == 0 &&
		    fleet_node_role(node) == ROLE_ROUTER)
			fleet_baseline_note(fleet, ix);
	}
	fleet_commands_tick(fleet, wall_ms);
	fleet_baseline_tick(fleet);
	auth_tick(fleet);
	if (fleet->awaits.n > 0)
		fleet_await_tick(fleet, now_ms, wall_ms);
}

/*
 * Leave out the proposal frames whose document was wanted in vain too
 * often, saying so in their nodes' events (and to a watcher); ask for
 * those now due.
 */
static void
fleet_await_tick(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct fleet_await	*v;
	struct fleet_want	 w;
	struct node		*node;
	char			 answer[PROTO_TEXT_MAX + 32], others[32];
	size_t			 i, n;
	int			 told = 0;

	while (fleet_await_give_up(&fleet->awaits, now_ms, &w, &v, &n)) {
		/* Last, so that a long answer cut short cuts only itself. */
		answer[0] = '\0';
		if (w.refused[0] != '\0')
			util_format(answer, sizeof answer, "; its last answer: "
			    "%s", w.refused);
		others[0] = '\0';
		if (n > 1)
			util_format(others, sizeof others, " (and %zu others)",
			    n - 1);
		for (i = 0; i < n; i++) {
			if ((node = fleet_find(fleet, v[i].p.node)) == NULL)
				continue;
			fleet_event(node, wall_ms, "command %.8s (%s, says the "
			    "node) is not shown and cannot be signed here: "
			    "the node%s named its document by SHA-256 "
			    "%.16s... and this console asked %s for it %u "
			    "times in %lld s and never got it%s; it may have "
			    "been carried out or have expired since, or the "
			    "backend does not answer wants (see its log); if "
			    "it is still %s, restart vigil: a new console is "
			    "sent every command whole%s", v[i].p.id,
			    proto_status_name(v[i].p.status), others,
			    w.sha256, w.node, w.tries, (long long)((now_ms -
			    v[i].since_ms + 500) / 1000), answer[0] == '\0' ?
			    " (no answer came)" : "",
			    proto_status_name(v[i].p.status), answer);
			/* One line to a watcher, not one per router. */
			if (!told++)
				fleet_notify(fleet, FLEET_PROPOSAL_CHANGED,
				    node);
		}
		told = 0;
		free(v);
		fleet->dirty = 1;
	}
	fleet_await_due(&fleet->awaits, &fleet->relays, fleet_link_is_up,
	    fleet, now_ms);
}

/* Is link up?  For fleet_await_due(). */
static int
fleet_link_is_up(void *arg, size_t link)
{
	const struct fleet	*fleet = arg;

	return (link < fleet->nlinks && fleet->links[link].state == LINK_UP);
}

/*
 * The tick's walk of every node, when the list of nodes heard cannot be
 * trusted (see fleet.heard): a node whose link is down is down, one
 * silent too long is stale.  Then the list is ordered again.
 */
static void
fleet_tick_walk(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	*node;
	size_t		 i;

	for (i = 0; i < fleet->nnodes; i++) {
		node = &fleet->nodes[i];
		if (fleet->links[node->link].state == LINK_DOWN) {
			if (fleet_set_state(fleet, node, NODE_DOWN, wall_ms,
			    fleet->links[node->link].error))
				fleet_notify_node(fleet, node);
		} else if (node->state == NODE_LIVE &&
		    now_ms - node->last_heard_ms > FLEET_STALE_MS)
			fleet_go_stale(fleet, node, now_ms, wall_ms);
	}
	fleet_heard_order(fleet);
	fleet->heard_walk = 0;
}

/*
 * The tick's usual way: the nodes silent for more than FLEET_STALE_MS
 * are the oldest of the list of nodes heard, taken from its head; those
 * still live go stale, in fleet order as the walk would.
 */
static void
fleet_tick_silent(struct fleet *fleet, int64_t now_ms, int64_t wall_ms)
{
	struct node	*node;
	uint64_t	*bits = NULL, w;
	size_t		 ix, i, lo = SIZE_MAX, hi = 0;

	while (fleet->heard_head != 0) {
		ix = fleet->heard_head - 1;
		node = &fleet->nodes[ix];
		if (now_ms - node->last_heard_ms <= FLEET_STALE_MS)
			break;
		fleet_heard_unlink(fleet, ix);
		if (node->state != NODE_LIVE ||
		    fleet->links[node->link].state == LINK_DOWN)
			continue;
		/*
		 * A bit per node, not a list to sort: an outage's 10,000
		 * come out in fleet order from one pass over 157 words.
		 */
		if (bits == NULL)
			bits = xcalloc((fleet->nnodes + 63) / 64,
			    sizeof *bits);
		bits[ix / 64] |= (uint64_t)1 << (ix % 64);
		lo = ix / 64 < lo ? ix / 64 : lo;
		hi = ix / 64 > hi ? ix / 64 : hi;
	}
	for (i = lo; bits != NULL && i <= hi; i++) {
		for (w = bits[i]; w != 0; w &= w - 1) {
			ix = i * 64 + (size_t)__builtin_ctzll(w);
			fleet_go_stale(fleet, &fleet->nodes[ix], now_ms,
			    wall_ms);
		}
	}
	free(bits);
}

/* Live node has been silent too long: stale, saying for how long. */
static void
fleet_go_stale(struct fleet *fleet, struct node *node, int64_t now_ms,
    int64_t wall_ms)
{
	struct fleet_said	*said = &fleet->said;
	char			 age[32];
	int64_t			 s = (now_ms - node->last_heard_ms) / 1000;

	/* The nodes of an outage fall silent alike: say it once a second. */
	if (said->silent_s != s || said->silent[0] == '\0') {
		util_format(said->silent, sizeof said->silent, "silent for %s",
		    util_duration_text(now_ms - node->last_heard_ms, age,
		    sizeof age));
		said->silent_s = s;
	}
	if (fleet_set_state(fleet, node, NODE_STALE, wall_ms, said->silent))
		fleet_notify_node(fleet, node);
}

/* Take the node at ix out of the list of nodes heard, if it is in. */
static void
fleet_heard_unlink(struct fleet *fleet, size_t ix)
{
	struct fleet_heard	*h = &fleet->heard[ix];

	if (!h->in)
		return;
	if (h->prev != 0)
		fleet->heard[h->prev - 1].next = h->next;
	else
		fleet->heard_head = h->next;
	if (h->next != 0)
		fleet->heard[h->next - 1].prev = h->prev;
	else
		fleet->heard_tail = h->prev;
	h->prev = h->next = 0;
	h->in = 0;
}

/* The node at ix was heard just now: it goes to the list's end. */
static void
fleet_heard_append(struct fleet *fleet, size_t ix)
{
	struct fleet_heard	*h;
	size_t			 cap;

	if (fleet->heard_cap < fleet->nnodes) {
		cap = fleet->nodes_cap > fleet->nnodes ? fleet->nodes_cap :
		    fleet->nnodes;
		fleet->heard = xreallocarray(fleet->heard, cap,
		    sizeof *fleet->heard);
		memset(fleet->heard + fleet->heard_cap, 0,
		    (cap - fleet->heard_cap) * sizeof *fleet->heard);
		fleet->heard_cap = cap;
	}
	if (fleet->heard_tail == ix + 1)
		return;
	fleet_heard_unlink(fleet, ix);
	h = &fleet->heard[ix];
	h->in = 1;
	h->prev = fleet->heard_tail;
	if (fleet->heard_tail != 0)
		fleet->heard[fleet->heard_tail - 1].next = ix + 1;
	else
		fleet->heard_head = ix + 1;
	fleet->heard_tail = ix + 1;
}

/* Order nodes by when they were last heard, then in fleet order. */
static int
fleet_cmp_heard(const void *pa, const void *pb)
{
	const struct fleet_heard_at	*a = pa, *b = pb;

	if (a->ms != b->ms)
		return (a->ms < b->ms ? -1 : 1);
	return (a->ix < b->ix ? -1 : a->ix > b->ix);
}

/* Build the list of nodes heard again: the live ones, oldest first. */
static void
fleet_heard_order(struct fleet *fleet)
{
	struct fleet_heard_at	*v;
	size_t			 n = 0, i;

	v = xcalloc(fleet->nnodes + 1, sizeof *v);
	for (i = 0; i < fleet->nnodes; i++) {
		if (i < fleet->heard_cap)
			fleet_heard_unlink(fleet, i);
		if (fleet->nodes[i].state != NODE_LIVE)
			continue;
		v[n].ms = fleet->nodes[i].last_heard_ms;
		v[n++].ix = i;
	}
	qsort(v, n, sizeof *v, fleet_cmp_heard);
	for (i = 0; i < n; i++)
		fleet_heard_append(fleet, v[i].ix);
	free(v);
}

/* The node called id, or NULL. */
struct node *
fleet_find(struct fleet *fleet, const char *id)
{
	return ((struct node *)(uintptr_t)fleet_find_const(fleet, id));
}

/* The node called id, or NULL, for readers of a const model. */
const struct node *
fleet_find_const(const struct fleet *fleet, const char *id)
{
	size_t	i;

	if (!hmap_get(&fleet->node_index, id, &i))
		return (NULL);
	return (&fleet->nodes[i]);
}

/*
 * Is node a router that reports itself killed?  Its child orders are
 * halted, so what it sent before is history and its rates are 0.
 */
int
fleet_node_killed(const struct node *node)
{
	return (node->nstats != 0 && node->stats.role == ROLE_ROUTER &&
	    node->stats.router.state == STATE_KILLED);
}

/* The role a node has told us, from hello or else stats. */
enum proto_role
fleet_node_role(const struct node *node)
{
	if (node->has_hello)
		return (node->hello.role);
	if (node->nstats != 0)
		return (node->stats.role);
	/* Ids name their role ("station/s3"), as the protocol requires. */
	if (strncmp(node->id, "router/", 7) == 0)
		return (ROLE_ROUTER);
	if (strncmp(node->id, "station/", 8) == 0)
		return (ROLE_STATION);
	return (ROLE_NONE);
}

/* "live", "stale" or "down". */
const char *
fleet_state_name(enum node_state state)
{
	if ((size_t)state >= nitems(fleet_state_names))
		return ("unknown");
	return (fleet_state_names[state]);
}

/* The state the reports give node; see fleet.h. */
const char *
fleet_report_state(const struct fleet *fleet, const struct node *node)
{
	if (node->link < fleet->nlinks && auth_settled(fleet, node->link) < 0)
		return ("refused");
	return (fleet_state_name(node->state));
}

/* Node clock seconds per real second (1 unless hello said otherwise). */
static double
fleet_scale(const struct node *node)
{
	if (node->has_hello && node->hello.time_scale > 0)
		return (node->hello.time_scale);
	return (1.0);
}

/* The node's clock at now_ms, extrapolated from when it was last heard. */
int64_t
fleet_node_clock(const struct node *node, int64_t now_ms)
{
	return (fleet_clamp_ms((double)node->clock_ms +
	    (double)(now_ms - node->last_heard_ms) * fleet_scale(node)));
}

/*
 * A time in milliseconds computed in double, kept within a quarter of
 * int64_t's range either way, so that converting it is defined and the
 * difference of two such times cannot overflow whatever a model built
 * without the decoder's bounds (tests, future callers) holds.
 */
static int64_t
fleet_clamp_ms(double ms)
{
	const double	lim = (double)(INT64_MAX / 4);

	if (!(ms > -lim))
		return (-(INT64_MAX / 4));
	if (ms > lim)
		return (INT64_MAX / 4);
	return ((int64_t)ms);
}

/* Certificate time left on the node clock at now_ms; 0 if no cert. */
int64_t
fleet_cert_expires_in(const struct node *node, int64_t now_ms)
{
	if (!node->has_cert)
		return (0);
	return (fleet_clamp_ms((double)node->cert.not_after_ms -
	    (double)fleet_node_clock(node, now_ms)));
}

/* Order baseline candidates by group, then rate, then fleet position. */
static int
fleet_cmp_peer(const void *pa, const void *pb)
{
	const struct fleet_peer	*a = pa, *b = pb;
	int			 c;

	if ((c = strcmp(a->group, b->group)) != 0)
		return (c);
	if (a->rate != b->rate)
		return (a->rate < b->rate ? -1 : 1);
	return (a->i < b->i ? -1 : a->i > b->i);
}

/*
 * The end of group's run in p[lo .. n), sorted by group, found by
 * halves: walked peer by peer, a group of 50,000 routers behind
 * gateways made each tick quadratic.
 */
static size_t
fleet_group_end(const struct fleet_peer *p, size_t lo, size_t n,
    const char *group)
{
	size_t	hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(p[mid].group, group) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * fleet_child_rate_baseline() for every node at once: out[i] and, if not
 * NULL, npeers[i] for fleet->nodes[i].  Sorting the live routers by
 * group and rate once keeps a tick n log n for fleets of thousands.
 */
void
fleet_child_rate_baselines(const struct fleet *fleet, double *out,
    size_t *npeers)
{
	const struct node	*node;
	struct fleet_peer	*p, *found, key;
	size_t			 i, n = 0, lo, hi, mid, self, m;
	unsigned char		*done;

	p = xcalloc(fleet->nnodes, sizeof *p);
	for (i = 0; i < fleet->nnodes; i++) {
		node = &fleet->nodes[i];
		if (!node->has_hello || node->hello.role != ROLE_ROUTER ||
		    node->state != NODE_LIVE)
			continue;
		p[n].rate = rate_per_sec(&node->child_rate);
		if (p[n].rate < 0)
			continue;
		p[n].group = node->hello.group;
		p[n++].i = i;
	}
	if (n > 1)
		qsort(p, n, sizeof *p, fleet_cmp_peer);
	/* Each peer's own group run, found in one pass: done[i] then. */
	done = xcalloc(fleet->nnodes + 1, sizeof *done);
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n &&
		    strcmp(p[hi].group, p[lo].group) == 0; hi++)
			;
		for (self = lo; self < hi; self++) {
			i = p[self].i;
			done[i] = 1;
			out[i] = hi - lo > 1 ? fleet_base_median(p + lo,
			    hi - lo, self - lo) :
			    fleet_own_baseline(&fleet->nodes[i]);
			if (npeers != NULL)
				npeers[i] = hi - lo - 1;
		}
	}

	for (i = 0; i < fleet->nnodes; i++) {
		node = &fleet->nodes[i];
		if (done[i])
			continue;
		out[i] = -1;
		if (npeers != NULL)
			npeers[i] = 0;
		if (fleet_node_role(node) != ROLE_ROUTER)
			continue;
		lo = hi = 0;
		if (node->has_hello) {
			/* The group's run of peers: [lo, hi). */
			for (lo = 0, hi = n; lo < hi;) {
				mid = (lo + hi) / 2;
				if (strcmp(p[mid].group, node->hello.group) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			hi = fleet_group_end(p, lo, n, node->hello.group);
		}
		/* Itself is no peer: find it to leave it out. */
		key.group = node->has_hello ? node->hello.group : "";
		key.rate = rate_per_sec(&node->child_rate);
		key.i = i;
		found = hi > lo ? bsearch(&key, p + lo, hi - lo, sizeof *p,
		    fleet_cmp_peer) : NULL;
		self = found != NULL ? (size_t)(found - p) : hi;
		m = self < hi ? hi - lo - 1 : hi - lo;
		if (npeers != NULL)
			npeers[i] = m;
		if (m > 0)
			out[i] = fleet_base_median(p + lo, hi - lo, self - lo);
		else
			out[i] = fleet_own_baseline(node);
	}
	free(done);
	free(p);
}

/* One router's baseline (see fleet_child_rate_baselines()). */
double
fleet_child_rate_baseline(const struct fleet *fleet, const struct node *node,
    size_t *npeers)
{
	double	*all, baseline;
	size_t	*peers, i = (size_t)(node - fleet->nodes);

	if (i >= fleet->nnodes)
		fatal("fleet_child_rate_baseline: node not in this fleet");
	all = xcalloc(fleet->nnodes, sizeof *all);
	peers = xcalloc(fleet->nnodes, sizeof *peers);
	fleet_child_rate_baselines(fleet, all, peers);
	baseline = all[i];
	if (npeers != NULL)
		*npeers = peers[i];
	free(peers);
	free(all);
	return (baseline);
}

/* Heartbeats per real second the station should send; -1 if unknown. */
double
fleet_heartbeat_rate_expected(const struct node *node)
{
	const struct proto_station_stats	*ss = &node->stats.station;

	if (node->nstats == 0 || node->stats.role != ROLE_STATION ||
	    ss->devices == 0 || ss->heartbeat_interval_ms <= 0)
		return (-1);
	return ((double)ss->devices * 1000.0 /
	    (double)ss->heartbeat_interval_ms * fleet_scale(node));
}

/*
 * Ready when every link is up, has said hello for all the nodes it
 * carries, and each of its nodes has sent two stats.  With no links
 * there is nothing to wait for.
 */
int
fleet_ready(const struct fleet *fleet)
{
	const struct fleet_link	*fl;
	const struct node	*node;
	size_t			 i, l;

	/* Each link's own nodes: links x nodes is 2,000,000 a tick at
	   100,000 nodes behind twenty gateways. */
	for (l = 0; l < fleet->nlinks; l++) {
		fl = &fleet->links[l];
		if (auth_settled(fleet, l) < 0)
			continue;	/* it sends no more */
		if (fl->state != LINK_UP || auth_settled(fleet, l) == 0)
			return (0);
		for (i = 0; i < fl->nnodes; i++) {
			node = &fleet->nodes[fl->node_ix[i]];
			if (!node->has_hello || node->nstats < 2)
				return (0);
		}
		if (fl->nnodes == 0 ||
		    fl->nnodes < fleet_link_expects(fleet, l))
			return (0);
	}
	return (1);
}

/*
 * Copy a hello into a node's: its operators into the node's own array,
 * sized by what the hello lists, its builds into a table shared with
 * every node of link l listing the same (fleet_builds_hold).
 */
static void
fleet_copy_hello(struct fleet_link *l, struct proto_hello *dst,
    const struct proto_hello *src)
{
	struct proto_build		*builds = dst->builds;
	struct proto_operator_key	*ops = dst->operators;

	if (builds == NULL || dst->nbuilds != src->nbuilds ||
	    !fleet_builds_same(builds, src->builds, src->nbuilds)) {
		fleet_builds_drop(builds);
		builds = fleet_builds_hold(l, src->builds, src->nbuilds);
	}
	if (dst->noperators != src->noperators) {
		free(ops);
		ops = src->noperators == 0 ? NULL : xcalloc(src->noperators,
		    sizeof *ops);
	}
	*dst = *src;
	dst->builds = builds;
	dst->operators = ops;
	if (src->noperators > 0)
		memcpy(ops, src->operators, src->noperators * sizeof *ops);
}

/*
 * A table of the n builds at builds, held once more: link l's last one
 * when it lists the same, else a new one, which l then keeps for the
 * next hellos.  NULL when n is 0.  Nothing writes a held table.
 */
static struct proto_build *
fleet_builds_hold(struct fleet_link *l, const struct proto_build *builds,
    size_t n)
{
	struct fleet_builds	*t = l->builds;

	if (n == 0)
		return (NULL);
	if (t != NULL && t->n == n && fleet_builds_same(t->v, builds, n)) {
		t->refs++;
		return (t->v);
	}
	t = xmalloc(sizeof *t + n * sizeof *t->v);
	t->refs = 2;		/* the node's and the link's */
	t->n = n;
	memcpy(t->v, builds, n * sizeof *t->v);
	if (l->builds != NULL)
		fleet_builds_drop(l->builds->v);
	l->builds = t;
	return (t->v);
}

/* Let go of a table fleet_builds_hold() gave (NULL: none). */
static void
fleet_builds_drop(struct proto_build *builds)
{
	struct fleet_builds	*t;

	if (builds == NULL)
		return;
	t = (struct fleet_builds *)(void *)((char *)builds -
	    offsetof(struct fleet_builds, v));
	if (--t->refs == 0)
		free(t);
}

/* Do the n builds at a and at b say the same? */
static int
fleet_builds_same(const struct proto_build *a, const struct proto_build *b,
    size_t n)
{
	size_t	i, k;

	for (i = 0; i < n; i++, a++, b++) {
		if (strcmp(a->id, b->id) != 0 || a->active != b->active ||
		    a->nmanifest != b->nmanifest ||
		    a->nretired != b->nretired)
			return (0);
		for (k = 0; k < a->nmanifest && k < PROTO_MAX_FLAGS; k++) {
			if (strcmp(a->manifest[k].name,
			    b->manifest[k].name) != 0 ||
			    strcmp(a->manifest[k].path,
			    b->manifest[k].path) != 0)
				return (0);
		}
		for (k = 0; k < a->nretired && k < PROTO_MAX_RETIRED; k++) {
			if (strcmp(a->retired[k].path,
			    b->retired[k].path) != 0)
				return (0);
		}
	}
	return (1);
}

/*
 * Copy stats into a node's, the blacklist into the node's own array,
 * sized by the entries it holds (most stations hold none).
 */
static void
fleet_copy_stats(struct proto_stats *dst, const struct proto_stats *src)
{
	struct proto_blacklist	*mine = dst->station.blacklist;
	size_t			 had = dst->station.nblacklist;
	size_t			 n = src->station.nblacklist;

	if (n > PROTO_MAX_BLACKLIST || src->station.blacklist == NULL)
		n = src->station.blacklist == NULL ? 0 : PROTO_MAX_BLACKLIST;
	if (n != had) {
		free(mine);
		mine = n == 0 ? NULL : xcalloc(n, sizeof *mine);
	}
	*dst = *src;
	dst->station.blacklist = mine;
	dst->station.nblacklist = n;
	if (n > 0)
		memcpy(mine, src->station.blacklist, n * sizeof *mine);
}

/* Append an event line to a node's history, dropping the oldest. */
void
fleet_event(struct node *node, int64_t wall_ms, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	text = fleet_text_new(fmt, ap);
	va_end(ap);
	fleet_event_put(node, wall_ms, text);
}

/* Append text, whose hold passes to the node, to node's history. */
static void
fleet_event_put(struct node *node, int64_t wall_ms, char *text)
{
	struct fleet_event	*e;

	if (node->events == NULL)
		node->events = xcalloc(FLEET_EVENTS, sizeof *node->events);
	e = &node->events[fleet_ring_push(&node->events_head, &node->events_n,
	    FLEET_EVENTS)];
	e->wall_ms = wall_ms;
	fleet_text_drop(e->text);
	e->text = text;
}

/*
 * An event's text, made from fmt and held once: a count of holders
 * stands before it, so that events saying the same may share it.
 */
static char *
fleet_text_new(const char *fmt, va_list ap)
{
	struct fleet_text	*t;
	char			*s;
	size_t			 len;

	s = xvasprintf(fmt, ap);
	if ((len = strlen(s)) >= FLEET_EVENT_MAX)
		len = FLEET_EVENT_MAX - 1;
	t = xmalloc(sizeof *t + len + 1);
	t->holders = 1;
	memcpy(t->text, s, len);
	t->text[len] = '\0';
	free(s);
	return (t->text);
}

/* Hold text (from fleet_text_new) once more; returns it. */
static char *
fleet_text_hold(char *text)
{
	struct fleet_text	*t;

	t = (struct fleet_text *)(void *)(text -
	    offsetof(struct fleet_text, text));
	t->holders++;
	return (text);
}

/* Let go of text (NULL is fine), freed with its last holder. */
static void
fleet_text_drop(char *text)
{
	struct fleet_text	*t;

	if (text == NULL)
		return;
	t = (struct fleet_text *)(void *)(text -
	    offsetof(struct fleet_text, text));
	if (--t->holders == 0)
		free(t);
}

/* Free a node's event ring. */
static void
fleet_events_free(struct node *node)
{
	unsigned	i;

	if (node->events == NULL)
		return;
	for (i = 0; i < FLEET_EVENTS; i++)
		fleet_text_drop(node->events[i].text);
	free(node->events);
}

/* Free the rings of a node's rates. */
static void
fleet_rates_free(struct node *node)
{
	rate_free(&node->parent_rate);
	rate_free(&node->child_rate);
	rate_free(&node->child_share_rate);
	rate_free(&node->heartbeat_rate);
}

/* Fill a report view of node; pointers refer into the model. */
void
fleet_report_node(const struct fleet *fleet, const struct node *node,
    int64_t now_ms, struct proto_report_node *out)
{
	const struct fleet_link	*l = &fleet->links[node->link];

	memset(out, 0, sizeof *out);
	out->id = node->id;
	out->url = l->url;
	out->state = fleet_report_state(fleet, node);
	/* A node exists only once something was heard about it. */
	out->age_ms = now_ms - node->last_heard_ms;
	out->hello = node->has_hello ? &node->hello : NULL;
	out->stats = node->nstats != 0 ? &node->stats : NULL;
	out->cert = node->has_cert ? &node->cert : NULL;
	out->parent_rate = rate_per_sec(&node->parent_rate);
	out->child_rate = rate_per_sec(&node->child_rate);
	out->child_share_rate = rate_per_sec(&node->child_share_rate);
	/* Killed, it sends nothing: no slope of the last counters stands. */
	if (fleet_node_killed(node))
		out->parent_rate = out->child_rate = out->child_share_rate = 0;
	out->child_rate_baseline = node->child_rate_baseline;
	out->heartbeat_rate = rate_per_sec(&node->heartbeat_rate);
	out->heartbeat_rate_expected = fleet_heartbeat_rate_expected(node);
	out->counter_resets = node->counter_resets;
	out->cert_expires_in_ms = fleet_cert_expires_in(node, now_ms);
	out->error = l->error[0] != '\0' ? l->error : NULL;
	out->watching = l->watching;
	out->transport_fpr = node->transport_fpr[0] != '\0' ?
	    node->transport_fpr : NULL;
}

/*
 * Fill a report view of alert; nodes_buf must hold ALERT_MAX_NODES
 * pointers and, like out, refers into the alert.
 */
void
fleet_report_alert(const struct alert *alert, const char **nodes_buf,
    struct proto_report_alert *out)
{
	size_t	i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < alert->nnodes && i < ALERT_MAX_NODES; i++)
		nodes_buf[i] = alert->nodes[i];
	out->severity = alert->severity;
	out->rule = alert_name(alert);
	out->nodes = nodes_buf;
	out->nnodes = i;
	out->nodes_total = alert->nodes_total > i ? alert->nodes_total : i;
	out->text = alert->text;
	out->cause = alert->cause;
	out->action = alert->action;
	out->first_seen_ms = alert->first_seen_ms;
	out->last_seen_ms = alert->last_seen_ms;
	out->count = alert->count;
	out->active = alert->active;
	out->acknowledged = alert->acknowledged;
}
