/*
 * fleet-base.c: the routers' child rate baselines, kept between ticks;
 * see fleet-base.h.
 *
 * The routers that said hello are members of their group's entry (a
 * hash from the group's name); the others have a baseline of their own.
 * A noted node goes to a list; the tick moves each listed node to the
 * group its hello names now, marks the groups it left and joined, and
 * sorts only those groups' live routers by rate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet-base.h"
#include "hmap.h"
#include "util.h"

/* The routers of one group that said hello, some maybe gone (moved). */
struct fleet_base_group {
	size_t		*members;	/* node indices */
	size_t		 n;
	size_t		 cap;
	int		 dirty;
};

struct fleet_base {
	struct hmap		 index;		/* group name -> groups */
	struct fleet_base_group	*groups;
	size_t			 ngroups;
	size_t			*of;		/* per node: 1 + group, 0 */
	unsigned char		*noted;		/* per node: listed */
	size_t			 nodes_cap;
	size_t			*list;		/* nodes noted */
	size_t			 nlist;
	size_t			 list_cap;
	size_t			*dirty;		/* groups to compute */
	size_t			 ndirty;
	size_t			 dirty_cap;
	struct fleet_peer	*peers;		/* scratch */
	size_t			 peers_cap;
};

static void	 fleet_base_grow(struct fleet_base *b, size_t ix);
static size_t	 fleet_base_key(struct fleet_base *b, const char *group);
static void	 fleet_base_move(struct fleet_base *b, size_t ix, size_t g);
static void	 fleet_base_mark(struct fleet_base *b, size_t g);
static void	 fleet_base_group(struct fleet_base *b, size_t g,
		    const struct fleet_base_nodes *nodes);
static int	 fleet_base_cmp(const void *a, const void *b);

/* Empty baselines; see fleet-base.h. */
struct fleet_base *
fleet_base_new(void)
{
	struct fleet_base	*b = xcalloc(1, sizeof *b);

	hmap_init(&b->index);
	return (b);
}

/* Size the per-node arrays to hold node ix. */
static void
fleet_base_grow(struct fleet_base *b, size_t ix)
{
	size_t	cap;

	if (ix < b->nodes_cap)
		return;
	cap = b->nodes_cap * 2 > ix ? b->nodes_cap * 2 : ix + 1;
	b->of = xreallocarray(b->of, cap, sizeof *b->of);
	b->noted = xreallocarray(b->noted, cap, sizeof *b->noted);
	memset(b->of + b->nodes_cap, 0, (cap - b->nodes_cap) * sizeof *b->of);
	memset(b->noted + b->nodes_cap, 0, cap - b->nodes_cap);
	b->nodes_cap = cap;
}

/* Note a change to node ix's inputs; see fleet-base.h. */
void
fleet_base_note(struct fleet_base *b, size_t ix)
{
	fleet_base_grow(b, ix);
	if (b->noted[ix])
		return;
	b->noted[ix] = 1;
	if (b->nlist == b->list_cap) {
		b->list_cap = b->list_cap == 0 ? 64 : b->list_cap * 2;
		b->list = xreallocarray(b->list, b->list_cap,
		    sizeof *b->list);
	}
	b->list[b->nlist++] = ix;
}

/* Free the baselines' keeping; see fleet-base.h. */
void
fleet_base_free(struct fleet_base *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ngroups; i++)
		free(b->groups[i].members);
	free(b->groups);
	hmap_free(&b->index);
	free(b->of);
	free(b->noted);
	free(b->list);
	free(b->dirty);
	free(b->peers);
	free(b);
}

/* Group's entry as 1 + its index (made if new), or 0 for NULL. */
static size_t
fleet_base_key(struct fleet_base *b, const char *group)
{
	size_t	g;

	if (group == NULL)
		return (0);
	if (hmap_get(&b->index, group, &g))
		return (g + 1);
	b->groups = xreallocarray(b->groups, b->ngroups + 1,
	    sizeof *b->groups);
	memset(&b->groups[b->ngroups], 0, sizeof *b->groups);
	hmap_put(&b->index, group, b->ngroups);
	return (++b->ngroups);
}

/* Mark group g (1 + index; 0 none) to be computed at this tick. */
static void
fleet_base_mark(struct fleet_base *b, size_t g)
{
	if (g == 0 || b->groups[g - 1].dirty)
		return;
	b->groups[g - 1].dirty = 1;
	if (b->ndirty == b->dirty_cap) {
		b->dirty_cap = b->dirty_cap == 0 ? 16 : b->dirty_cap * 2;
		b->dirty = xreallocarray(b->dirty, b->dirty_cap,
		    sizeof *b->dirty);
	}
	b->dirty[b->ndirty++] = g - 1;
}

/* Move node ix from the group it was in to group g (1 + index, 0). */
static void
fleet_base_move(struct fleet_base *b, size_t ix, size_t g)
{
	struct fleet_base_group	*grp;
	size_t			 i;

	if (b->of[ix] != 0) {
		grp = &b->groups[b->of[ix] - 1];
		for (i = 0; i < grp->n; i++) {
			if (grp->members[i] == ix) {
				grp->members[i] = grp->members[--grp->n];
				break;
			}
		}
		fleet_base_mark(b, b->of[ix]);
	}
	b->of[ix] = g;
	if (g == 0)
		return;
	grp = &b->groups[g - 1];
	if (grp->n == grp->cap) {
		grp->cap = grp->cap == 0 ? 16 : grp->cap * 2;
		grp->members = xreallocarray(grp->members, grp->cap,
		    sizeof *grp->members);
	}
	grp->members[grp->n++] = ix;
}

/* Order a group's live routers by rate, then fleet position. */
static int
fleet_base_cmp(const void *pa, const void *pb)
{
	const struct fleet_peer	*a = pa, *b = pb;

	if (a->rate != b->rate)
		return (a->rate < b->rate ? -1 : 1);
	return (a->i < b->i ? -1 : a->i > b->i);
}

/*
 * Compute group g's baselines: each live router with a rate takes the
 * median of the others, every other member the median of them all;
 * with no peer, its own average.
 */
static void
fleet_base_group(struct fleet_base *b, size_t g,
    const struct fleet_base_nodes *nodes)
{
	struct fleet_base_group	*grp = &b->groups[g];
	struct fleet_peer	*p;
	size_t			 i, n = 0, ix;
	double			 rate;

	if (b->peers_cap < grp->n) {
		b->peers_cap = grp->n;
		b->peers = xreallocarray(b->peers, b->peers_cap,
		    sizeof *b->peers);
	}
	p = b->peers;
	for (i = 0; i < grp->n; i++) {
		ix = grp->members[i];
		b->noted[ix] = 0;	/* scratch: 1 when a peer */
		if ((rate = nodes->rate(nodes->arg, ix)) < 0)
			continue;
		b->noted[ix] = 1;
		p[n].group = NULL;
		p[n].rate = rate;
		p[n++].i = ix;
	}
	if (n > 1)
		qsort(p, n, sizeof *p, fleet_base_cmp);
	for (i = 0; i < n; i++) {
		ix = p[i].i;
		nodes->put(nodes->arg, ix, n > 1 ? fleet_base_median(p, n, i) :
		    nodes->own(nodes->arg, ix), n - 1);
	}
	for (i = 0; i < grp->n; i++) {
		ix = grp->members[i];
		if (b->noted[ix]) {
			b->noted[ix] = 0;
			continue;
		}
		nodes->put(nodes->arg, ix, n > 0 ? fleet_base_median(p, n, n) :
		    nodes->own(nodes->arg, ix), n);
	}
	grp->dirty = 0;
}

/* Compute the baselines the noted changes touch; see fleet-base.h. */
void
fleet_base_tick(struct fleet_base *b, const struct fleet_base_nodes *nodes)
{
	size_t	i, ix, g;

	for (i = 0; i < b->nlist; i++) {
		ix = b->list[i];
		b->noted[ix] = 0;
		g = fleet_base_key(b, nodes->group(nodes->arg, ix));
		if (g != b->of[ix])
			fleet_base_move(b, ix, g);
		if (g != 0) {
			fleet_base_mark(b, g);
			continue;
		}
		nodes->put(nodes->arg, ix, nodes->router(nodes->arg, ix) ?
		    nodes->own(nodes->arg, ix) : -1, 0);
	}
	b->nlist = 0;
	for (i = 0; i < b->ndirty; i++)
		fleet_base_group(b, b->dirty[i], nodes);
	b->ndirty = 0;
}

/*
 * The median of the m sorted peers p[], leaving out the one at skip
 * (m when none is left out).
 */
double
fleet_base_median(const struct fleet_peer *p, size_t m, size_t skip)
{
	size_t	n = skip < m ? m - 1 : m, k;
	double	a, b;

	k = n / 2;
	b = p[k >= skip ? k + 1 : k].rate;
	if (n % 2)
		return (b);
	k = n / 2 - 1;
	a = p[k >= skip ? k + 1 : k].rate;
	return ((a + b) / 2);
}
