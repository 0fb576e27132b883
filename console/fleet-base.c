/*
 * fleet-base.c: the routers' child rate baselines, kept between ticks;
 * see fleet-base.h.
 *
 * The routers that said hello are members of their group's entry (a
 * hash from the group's name); the others have a baseline of their own.
 * A group keeps its live routers with a rate sorted (peers), and its
 * other members with a rate sorted too (others: the rules judge a stale
 * router as well).  A noted node goes to a list; the tick moves each
 * listed node to the group its hello names now, queues its old rate to
 * leave and its new one to join, and merges the queues into each
 * touched group in one pass.  A member's baseline is then one of four
 * medians of its group, found when asked by where its rate stands.
 */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet-base.h"
#include "hmap.h"
#include "util.h"

/* Rates sorted with fleet_base_cmp, and what leaves and joins them. */
struct fleet_base_set {
	struct fleet_peer	*p;
	size_t			 n, cap;
	struct fleet_peer	*add, *del;
	size_t			 nadd, ndel, add_cap, del_cap;
};

/* The routers of one group that said hello. */
struct fleet_base_group {
	size_t			*members;	/* node indices */
	size_t			 n;
	size_t			 cap;
	struct fleet_base_set	 peers;		/* live, with a rate */
	struct fleet_base_set	 others;	/* not live, with a rate */
	double			 lo, hi;	/* baselines last given */
	size_t			 npeers;	/* peers.n then */
	int			 dirty;
};

struct fleet_base {
	struct hmap		 index;		/* group name -> groups */
	struct fleet_base_group	*groups;
	size_t			 ngroups;
	size_t			*of;		/* per node: 1 + group, 0 */
	unsigned char		*noted;		/* per node: listed */
	signed char		*set;		/* per node: 1 peer, 2 other */
	double			*rate;		/* per node: rate in set */
	double			*own;		/* per node: own baseline */
	size_t			 nodes_cap;
	size_t			*list;		/* nodes noted */
	size_t			 nlist;
	size_t			 list_cap;
	size_t			*dirty;		/* groups to compute */
	size_t			 ndirty;
	size_t			 dirty_cap;
	struct fleet_peer	*scratch;	/* merge */
	size_t			 scratch_cap;
};

static void	 fleet_base_grow(struct fleet_base *b, size_t ix);
static size_t	 fleet_base_key(struct fleet_base *b, const char *group);
static void	 fleet_base_move(struct fleet_base *b, size_t ix, size_t g);
static void	 fleet_base_mark(struct fleet_base *b, size_t g);
static void	 fleet_base_queue(struct fleet_peer **v, size_t *n,
		    size_t *cap, double rate, size_t ix);
static void	 fleet_base_take(struct fleet_base *b, size_t ix,
		    const struct fleet_base_nodes *nodes);
static void	 fleet_base_merge(struct fleet_base *b,
		    struct fleet_base_set *s);
static void	 fleet_base_range(double *lo, double *hi,
		    const struct fleet_base_set *s);
static void	 fleet_base_tell(const struct fleet_base_set *s, double lo,
		    double hi, const struct fleet_base_nodes *nodes);
static void	 fleet_base_group(struct fleet_base *b, size_t g,
		    const struct fleet_base_nodes *nodes);
static size_t	 fleet_base_find(const struct fleet_base_set *s,
		    double rate, size_t ix);
static int	 fleet_base_cmp(const void *a, const void *b);
static void	 fleet_base_set_free(struct fleet_base_set *s);

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
	size_t	cap, i;

	if (ix < b->nodes_cap)
		return;
	cap = b->nodes_cap * 2 > ix ? b->nodes_cap * 2 : ix + 1;
	b->of = xreallocarray(b->of, cap, sizeof *b->of);
	b->noted = xreallocarray(b->noted, cap, sizeof *b->noted);
	b->set = xreallocarray(b->set, cap, sizeof *b->set);
	b->rate = xreallocarray(b->rate, cap, sizeof *b->rate);
	b->own = xreallocarray(b->own, cap, sizeof *b->own);
	for (i = b->nodes_cap; i < cap; i++) {
		b->of[i] = 0;
		b->noted[i] = 0;
		b->set[i] = 0;
		b->rate[i] = -1;
		b->own[i] = -1;
	}
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

/* Free one set's arrays. */
static void
fleet_base_set_free(struct fleet_base_set *s)
{
	free(s->p);
	free(s->add);
	free(s->del);
}

/* Free the baselines' keeping; see fleet-base.h. */
void
fleet_base_free(struct fleet_base *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ngroups; i++) {
		free(b->groups[i].members);
		fleet_base_set_free(&b->groups[i].peers);
		fleet_base_set_free(&b->groups[i].others);
	}
	free(b->groups);
	hmap_free(&b->index);
	free(b->of);
	free(b->noted);
	free(b->set);
	free(b->rate);
	free(b->own);
	free(b->list);
	free(b->dirty);
	free(b->scratch);
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

/* Append (rate, ix) to the queue v of *n. */
static void
fleet_base_queue(struct fleet_peer **v, size_t *n, size_t *cap,
    double rate, size_t ix)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[*n].group = NULL;
	(*v)[*n].rate = rate;
	(*v)[(*n)++].i = ix;
}

/* Order rates, then fleet positions. */
static int
fleet_base_cmp(const void *pa, const void *pb)
{
	const struct fleet_peer	*a = pa, *b = pb;

	if (a->rate != b->rate)
		return (a->rate < b->rate ? -1 : 1);
	return (a->i < b->i ? -1 : a->i > b->i);
}

/*
 * Take noted node ix: out of the set its old rate is in, into its
 * group's set for its new one, its own baseline kept.
 */
static void
fleet_base_take(struct fleet_base *b, size_t ix,
    const struct fleet_base_nodes *nodes)
{
	struct fleet_base_set	*s;
	size_t			 g, old = b->of[ix];
	double			 rate;

	b->noted[ix] = 0;
	g = fleet_base_key(b, nodes->group(nodes->arg, ix));
	if (old != 0 && b->set[ix] != 0) {
		s = b->set[ix] == 1 ? &b->groups[old - 1].peers :
		    &b->groups[old - 1].others;
		fleet_base_queue(&s->del, &s->ndel, &s->del_cap, b->rate[ix],
		    ix);
		fleet_base_mark(b, old);
	}
	if (g != old)
		fleet_base_move(b, ix, g);
	b->set[ix] = 0;
	b->own[ix] = nodes->router(nodes->arg, ix) ?
	    nodes->own(nodes->arg, ix) : -1;
	nodes->changed(nodes->arg, ix);
	if (g == 0)
		return;
	fleet_base_mark(b, g);
	if ((rate = nodes->rate(nodes->arg, ix)) >= 0)
		b->set[ix] = 1;
	else if ((rate = nodes->any_rate(nodes->arg, ix)) >= 0)
		b->set[ix] = 2;
	if (b->set[ix] == 0)
		return;
	b->rate[ix] = rate;
	s = b->set[ix] == 1 ? &b->groups[g - 1].peers :
	    &b->groups[g - 1].others;
	fleet_base_queue(&s->add, &s->nadd, &s->add_cap, rate, ix);
}

/* Merge set s's queues into it: one pass, sorting only the queues. */
static void
fleet_base_merge(struct fleet_base *b, struct fleet_base_set *s)
{
	struct fleet_peer	*out;
	size_t			 i = 0, a = 0, d = 0, n = 0, need;

	if (s->nadd == 0 && s->ndel == 0)
		return;
	/* An empty queue may have no array: qsort() must not see NULL. */
	if (s->nadd > 1)
		qsort(s->add, s->nadd, sizeof *s->add, fleet_base_cmp);
	if (s->ndel > 1)
		qsort(s->del, s->ndel, sizeof *s->del, fleet_base_cmp);
	need = s->n + s->nadd;
	if (b->scratch_cap < need) {
		b->scratch_cap = need;
		b->scratch = xreallocarray(b->scratch, need,
		    sizeof *b->scratch);
	}
	out = b->scratch;
	while (i < s->n || a < s->nadd) {
		/* A leaver not held (none should be) is passed over. */
		while (i < s->n && d < s->ndel &&
		    fleet_base_cmp(&s->del[d], &s->p[i]) < 0)
			d++;
		if (i < s->n && d < s->ndel &&
		    fleet_base_cmp(&s->p[i], &s->del[d]) == 0) {
			i++;
			d++;
		} else if (a < s->nadd && (i == s->n ||
		    fleet_base_cmp(&s->add[a], &s->p[i]) < 0))
			out[n++] = s->add[a++];
		else
			out[n++] = s->p[i++];
	}
	if (s->cap < n) {
		s->cap = n;
		s->p = xreallocarray(s->p, n, sizeof *s->p);
	}
	if (n > 0)
		memcpy(s->p, out, n * sizeof *out);
	s->n = n;
	s->nadd = s->ndel = 0;
}

/* Widen [*lo, *hi] to hold every baseline group peers s give. */
static void
fleet_base_range(double *lo, double *hi, const struct fleet_base_set *s)
{
	size_t	skip[4], k;
	double	v;

	skip[0] = 0;
	skip[1] = (s->n - 1) / 2;
	skip[2] = s->n - 1;
	skip[3] = s->n;
	for (k = 0; k < 4; k++) {
		v = fleet_base_median(s->p, s->n, skip[k]);
		if (v < *lo)
			*lo = v;
		if (v > *hi)
			*hi = v;
	}
}

/* Tell the nodes in s whose rate lies in (factor lo, factor hi]. */
static void
fleet_base_tell(const struct fleet_base_set *s, double lo, double hi,
    const struct fleet_base_nodes *nodes)
{
	size_t	i;

	i = fleet_base_find(s, nodes->factor * lo, SIZE_MAX);
	for (; i < s->n && s->p[i].rate <= nodes->factor * hi; i++)
		nodes->changed(nodes->arg, s->p[i].i);
}

/*
 * Take group g's queues, and tell its members whose baseline may have
 * moved across what the rules read: with two peers or more before and
 * after, those whose rate lies between factor times the lowest and the
 * highest baseline given before and now; all of them when own
 * baselines start or end (the number of peers crosses 0, 1, 2), each
 * member's own taken again; with one peer still, the others.  Own
 * baselines that stand change only when their node is sampled, which
 * notes it (fleet_tick()).
 */
static void
fleet_base_group(struct fleet_base *b, size_t g,
    const struct fleet_base_nodes *nodes)
{
	struct fleet_base_group	*grp = &b->groups[g];
	size_t			 i, ix;
	double			 lo, hi;

	grp->dirty = 0;
	fleet_base_merge(b, &grp->peers);
	fleet_base_merge(b, &grp->others);
	if (grp->npeers > 1 && grp->peers.n > 1) {
		lo = grp->lo;
		hi = grp->hi;
		fleet_base_range(&lo, &hi, &grp->peers);
		fleet_base_tell(&grp->peers, lo, hi, nodes);
		fleet_base_tell(&grp->others, lo, hi, nodes);
	} else if (grp->npeers != grp->peers.n) {
		/* Own baselines start or end: theirs may be old. */
		for (i = 0; i < grp->n; i++) {
			ix = grp->members[i];
			b->own[ix] = nodes->own(nodes->arg, ix);
			nodes->changed(nodes->arg, ix);
		}
	} else if (grp->peers.n == 1) {
		/* The others' baseline is the one peer's rate. */
		fleet_base_tell(&grp->others, 0, DBL_MAX, nodes);
	}
	grp->npeers = grp->peers.n;
	grp->lo = DBL_MAX;
	grp->hi = -DBL_MAX;
	if (grp->peers.n > 1)
		fleet_base_range(&grp->lo, &grp->hi, &grp->peers);
}

/* Take the noted changes; see fleet-base.h. */
void
fleet_base_tick(struct fleet_base *b, const struct fleet_base_nodes *nodes)
{
	size_t	i;

	for (i = 0; i < b->nlist; i++)
		fleet_base_take(b, b->list[i], nodes);
	b->nlist = 0;
	for (i = 0; i < b->ndirty; i++)
		fleet_base_group(b, b->dirty[i], nodes);
	b->ndirty = 0;
}

/* The first place in s not before (rate, ix). */
static size_t
fleet_base_find(const struct fleet_base_set *s, double rate, size_t ix)
{
	struct fleet_peer	key = { NULL, rate, ix };
	size_t			lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (fleet_base_cmp(&s->p[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* Node ix's baseline as of the last tick; see fleet-base.h. */
double
fleet_base_get(const struct fleet_base *b, size_t ix, size_t *npeers)
{
	const struct fleet_base_set	*s;
	size_t				 m = 0, self;
	double				 v;

	if (b == NULL || ix >= b->nodes_cap) {
		if (npeers != NULL)
			*npeers = 0;
		return (-1);
	}
	v = b->own[ix];
	if (b->of[ix] != 0) {
		s = &b->groups[b->of[ix] - 1].peers;
		self = b->set[ix] == 1 ? fleet_base_find(s, b->rate[ix], ix) :
		    s->n;
		m = self < s->n ? s->n - 1 : s->n;
		if (m > 0)
			v = fleet_base_median(s->p, s->n, self);
	}
	if (npeers != NULL)
		*npeers = m;
	return (v);
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
