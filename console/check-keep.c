/*
 * check-keep.c: what the checks keep between ticks; see check-keep.h.
 *
 * Each role's groups and flag names are entries, found by a key in a
 * hash.  An entry lists the nodes counted in it; a node that left is
 * dropped from the list when the entry is counted again, so a change
 * costs the size of the entries it touched, never the fleet.  Each node
 * remembers the entries it was counted in, which is what says whether
 * it still belongs, and what to count again when its hello changes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check-keep.h"
#include "check-set.h"
#include "fleet.h"
#include "util.h"

/* The roles compared for drift, in the order the rules name them. */
static const enum proto_role check_keep_roles[] = {
	ROLE_ROUTER, ROLE_STATION
};
#define CHECK_KEEP_NROLES	nitems(check_keep_roles)

/* A group or flag name of one role, and what its last count found. */
struct check_entry {
	struct check_drift	 d;		/* what the rules read */
	char			*name;
	char			 majority[PROTO_NAME_MAX];
	size_t			*members;	/* node indices, some maybe
						   gone (see above) */
	size_t			 nmembers;
	size_t			 members_cap;
	size_t			*minority;
	size_t			 first;		/* lowest member index */
	size_t			 firstpos;	/* a flag's place in the
						   first member's hello */
	int			 dirty;		/* count again at the sync */
	int			 drifting;	/* listed in kept.drifts */
};

/* A node as the entries last counted it: 1 + entry index, 0 none. */
struct check_node {
	size_t		 group;
	size_t		*flags;
	size_t		 nflags;
	unsigned	 stamp;		/* the count that last saw it */
	int		 listed;	/* role is known */
	enum proto_role	 role;
};

/* The nodes of one role, in fleet order. */
struct check_role_list {
	size_t		*v;
	size_t		 n;
	size_t		 cap;
};

/* A value being counted for a majority: how often, first where. */
struct check_tally {
	const char	*s;
	size_t		 count;
	size_t		 first;
};

struct check_kept {
	struct check_entry	*v;
	size_t			 n;
	size_t			 cap;
	struct hmap		 index;		/* key -> index in v */
	struct check_node	*nodes;		/* as fleet.nodes */
	size_t			 nnodes;
	unsigned		 stamp;
	int			 counted;	/* every node, once */
	size_t			*dirty;		/* entries to count again */
	size_t			 ndirty;
	size_t			 dirty_cap;
	const struct check_drift **drifts;	/* entries drifting */
	size_t			 ndrifts;
	size_t			 drifts_cap;
	int			 drifts_sorted;
	struct hmap		 tally_index;	/* scratch: value -> tally */
	struct check_tally	*tally;
	size_t			 ntally;
	size_t			 tally_cap;
	size_t			 tally_last;	/* the value last counted */
	struct check_role_list	 roles[CHECK_KEEP_NROLES];
	int			 roles_stale;	/* a node changed role */
	int			 role_known[CHECK_KEEP_NROLES];
	int			 role_none[CHECK_KEEP_NROLES];
	char			 role_build[CHECK_KEEP_NROLES]
				    [PROTO_NAME_MAX];
	int			 root_known;
	uint64_t		 roots_seq;
	void			*sets;		/* check-set.c's */
	int			 root_none;
	char			 root[PROTO_ID_MAX];
};

static struct check_kept *check_keep_get(struct fleet *fleet);
static void	 check_keep_free(void *arg);
static int	 check_keep_role(enum proto_role role);
static size_t	 check_keep_entry(struct check_kept *k, enum proto_role role,
		    int flag, const char *name);
static void	 check_keep_dirty(struct check_kept *k, size_t ix);
static void	 check_keep_join(struct check_kept *k, size_t e, size_t node);
static void	 check_keep_node(struct check_kept *k, struct fleet *fleet,
		    size_t i);
static void	 check_keep_role_note(struct check_kept *k,
		    const struct fleet *fleet, size_t i);
static void	 check_keep_role_add(struct check_kept *k, int r, size_t i);
static void	 check_keep_roles_list(struct check_kept *k);
static int	 check_keep_holds(const struct check_node *cn, size_t e);
static void	 check_keep_count(struct check_kept *k, struct fleet *fleet,
		    size_t e);
static const char *check_keep_value(const struct check_entry *e,
		    const struct node *node, size_t *pos);
static void	 check_keep_list(struct check_kept *k, size_t e);
static int	 check_keep_cmp_index(const void *a, const void *b);
static int	 check_keep_cmp_drift(const void *a, const void *b);
static void	 check_keep_tally_reset(struct check_kept *k);
static void	 check_keep_tally(struct check_kept *k, const char *s,
		    size_t i);
static const char *check_keep_tally_best(const struct check_kept *k);

/*
 * The kept results of fleet, made on first use; the first sync counts
 * every node (and from then on the model says what it touched).
 */
static struct check_kept *
check_keep_get(struct fleet *fleet)
{
	struct check_kept	*k = fleet->checks;

	if (k != NULL)
		return (k);
	k = xcalloc(1, sizeof *k);
	hmap_init(&k->index);
	hmap_init(&k->tally_index);
	fleet->checks = k;
	fleet->checks_free = check_keep_free;
	fleet->ntouched = 0;
	fleet->nchanged = 0;
	return (k);
}

/* Free what fleet_free() hands back. */
static void
check_keep_free(void *arg)
{
	struct check_kept	*k = arg;
	size_t			 i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n; i++) {
		free(k->v[i].name);
		free(k->v[i].members);
		free(k->v[i].minority);
	}
	for (i = 0; i < k->nnodes; i++)
		free(k->nodes[i].flags);
	for (i = 0; i < CHECK_KEEP_NROLES; i++)
		free(k->roles[i].v);
	free(k->v);
	free(k->nodes);
	free(k->dirty);
	free(k->drifts);
	free(k->tally);
	hmap_free(&k->index);
	hmap_free(&k->tally_index);
	check_set_free(k->sets);
	free(k);
}

/* role's place in check_keep_roles, or -1 when it is not compared. */
static int
check_keep_role(enum proto_role role)
{
	size_t	r;

	for (r = 0; r < CHECK_KEEP_NROLES; r++) {
		if (check_keep_roles[r] == role)
			return ((int)r);
	}
	return (-1);
}

/* The entry of role's group (or flag name) name, made if new. */
static size_t
check_keep_entry(struct check_kept *k, enum proto_role role, int flag,
    const char *name)
{
	struct check_entry	*e;
	char			 key[PROTO_NAME_MAX + 32];
	size_t			 ix;

	util_format(key, sizeof key, "%d/%c/%s", (int)role, flag ? 'f' : 'g',
	    name);
	if (hmap_get(&k->index, key, &ix))
		return (ix);
	if (k->n == k->cap) {
		k->cap = k->cap == 0 ? 16 : k->cap * 2;
		k->v = xreallocarray(k->v, k->cap, sizeof *k->v);
		k->ndrifts = 0;		/* they pointed into v: list again */
		for (ix = 0; ix < k->n; ix++)
			k->v[ix].drifting = 0;
		for (ix = 0; ix < k->n; ix++)
			check_keep_list(k, ix);
	}
	ix = k->n++;
	e = &k->v[ix];
	memset(e, 0, sizeof *e);
	e->name = xstrdup(name);
	e->d.role = role;
	e->d.flag = flag;
	e->d.name = e->name;
	e->d.majority = e->majority;
	hmap_put(&k->index, key, ix);
	return (ix);
}

/* Have entry ix counted again at the next sync. */
static void
check_keep_dirty(struct check_kept *k, size_t ix)
{
	if (k->v[ix].dirty)
		return;
	k->v[ix].dirty = 1;
	if (k->ndirty == k->dirty_cap) {
		k->dirty_cap = k->dirty_cap == 0 ? 16 : k->dirty_cap * 2;
		k->dirty = xreallocarray(k->dirty, k->dirty_cap,
		    sizeof *k->dirty);
	}
	k->dirty[k->ndirty++] = ix;
}

/* List node among entry e's members and have e counted again. */
static void
check_keep_join(struct check_kept *k, size_t e, size_t node)
{
	struct check_entry	*en = &k->v[e];

	if (en->nmembers == en->members_cap) {
		en->members_cap = en->members_cap == 0 ? 8 :
		    en->members_cap * 2;
		en->members = xreallocarray(en->members, en->members_cap,
		    sizeof *en->members);
	}
	en->members[en->nmembers++] = node;
	check_keep_dirty(k, e);
}

/*
 * Node i was created or its hello or role changed: the entries it was
 * counted in and those it is in now are counted again.
 */
static void
check_keep_node(struct check_kept *k, struct fleet *fleet, size_t i)
{
	struct check_node	*cn = &k->nodes[i];
	const struct node	*node = &fleet->nodes[i];
	size_t			*old = cn->flags, nold = cn->nflags, f, j;
	size_t			 old_group = cn->group, e, nf;

	memset(k->role_known, 0, sizeof k->role_known);
	check_keep_role_note(k, fleet, i);
	if (old_group != 0)
		check_keep_dirty(k, old_group - 1);
	for (j = 0; j < nold; j++)
		check_keep_dirty(k, old[j] - 1);
	cn->group = 0;
	cn->flags = NULL;
	cn->nflags = 0;
	if (node->has_hello && check_keep_role(node->hello.role) != -1) {
		e = check_keep_entry(k, node->hello.role, 0,
		    node->hello.group);
		cn = &k->nodes[i];
		cn->group = e + 1;
		if (old_group == e + 1)
			check_keep_dirty(k, e);
		else
			check_keep_join(k, e, i);
		nf = node->hello.nflags < PROTO_MAX_FLAGS ?
		    node->hello.nflags : PROTO_MAX_FLAGS;
		if (nf > 0)
			cn->flags = xcalloc(nf, sizeof *cn->flags);
		for (f = 0; f < nf; f++) {
			e = check_keep_entry(k, node->hello.role, 1,
			    node->hello.flags[f].name);
			cn->flags[cn->nflags++] = e + 1;
			for (j = 0; j < nold && old[j] != e + 1; j++)
				;
			if (j < nold)
				check_keep_dirty(k, e);
			else
				check_keep_join(k, e, i);
		}
	}
	free(old);
}

/* Bring the kept results up to date; see check-keep.h. */
void
check_keep_sync(struct fleet *fleet)
{
	struct check_kept	*k = check_keep_get(fleet);
	size_t			 i, ix;

	if (k->nnodes < fleet->nnodes) {
		k->nodes = xreallocarray(k->nodes, fleet->nnodes,
		    sizeof *k->nodes);
		memset(k->nodes + k->nnodes, 0,
		    (fleet->nnodes - k->nnodes) * sizeof *k->nodes);
		k->nnodes = fleet->nnodes;
	}
	check_set_sync(fleet, &k->sets);
	if (!k->counted) {
		/* Made now: the nodes held before were never touched. */
		for (i = 0; i < k->nnodes; i++)
			check_keep_node(k, fleet, i);
		k->counted = 1;
	}
	for (i = 0; i < fleet->ntouched; i++) {
		if (fleet->touched[i] < k->nnodes)
			check_keep_node(k, fleet, fleet->touched[i]);
	}
	fleet->ntouched = 0;
	if (k->roles_stale)
		check_keep_roles_list(k);
	for (i = 0; i < k->ndirty; i++) {
		ix = k->dirty[i];
		k->v[ix].dirty = 0;
		check_keep_count(k, fleet, ix);
	}
	k->ndirty = 0;
}

/*
 * Note node i's role: a new node goes to the end of its role's list
 * (nodes are only ever added at the end of the fleet); a node changing
 * role has the lists made again at this sync.
 */
static void
check_keep_role_note(struct check_kept *k, const struct fleet *fleet,
    size_t i)
{
	struct check_node	*cn = &k->nodes[i];
	enum proto_role		 role = fleet_node_role(&fleet->nodes[i]);
	struct check_role_list	*l;
	int			 r = check_keep_role(role);

	if (cn->listed && cn->role == role)
		return;
	l = r == -1 ? NULL : &k->roles[r];
	if (cn->listed || (l != NULL && l->n > 0 && l->v[l->n - 1] > i))
		k->roles_stale = 1;
	else if (r != -1 && !k->roles_stale)
		check_keep_role_add(k, r, i);
	cn->listed = 1;
	cn->role = role;
}

/* Append node i to the list of role r. */
static void
check_keep_role_add(struct check_kept *k, int r, size_t i)
{
	struct check_role_list	*l = &k->roles[r];

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = i;
}

/* Make the lists of each role's nodes again from what nodes noted. */
static void
check_keep_roles_list(struct check_kept *k)
{
	size_t	i;
	int	r;

	for (r = 0; r < (int)CHECK_KEEP_NROLES; r++)
		k->roles[r].n = 0;
	for (i = 0; i < k->nnodes; i++) {
		if (k->nodes[i].listed &&
		    (r = check_keep_role(k->nodes[i].role)) != -1)
			check_keep_role_add(k, r, i);
	}
	k->roles_stale = 0;
}

/* Where check-set.c keeps its sets, synced; see check-keep.h. */
void **
check_keep_sets(struct fleet *fleet)
{
	struct check_kept	*k;

	check_keep_sync(fleet);
	k = fleet->checks;
	return (&k->sets);
}

/* The nodes of role; see check-keep.h. */
const size_t *
check_keep_role_nodes(struct fleet *fleet, enum proto_role role, size_t *n)
{
	struct check_kept	*k;
	int			 r = check_keep_role(role);

	check_keep_sync(fleet);
	k = fleet->checks;
	*n = r == -1 ? 0 : k->roles[r].n;
	return (r == -1 ? NULL : k->roles[r].v);
}

/* Is cn counted in entry e (its group or one of its flag names)? */
static int
check_keep_holds(const struct check_node *cn, size_t e)
{
	size_t	j;

	if (cn->group == e + 1)
		return (1);
	for (j = 0; j < cn->nflags; j++) {
		if (cn->flags[j] == e + 1)
			return (1);
	}
	return (0);
}

/*
 * What node holds that entry e counts: its build, or the path of e's
 * flag (and the flag's place in its hello, in *pos); NULL if none.
 */
static const char *
check_keep_value(const struct check_entry *e, const struct node *node,
    size_t *pos)
{
	size_t	f;

	if (!e->d.flag)
		return (node->hello.build);
	for (f = 0; f < node->hello.nflags && f < PROTO_MAX_FLAGS; f++) {
		if (strcmp(node->hello.flags[f].name, e->name) == 0) {
			*pos = f;
			return (node->hello.flags[f].path);
		}
	}
	return (NULL);
}

/*
 * Count entry e again: drop the nodes that left it, find the majority
 * and the nodes off it, and list or unlist it as drifting.
 */
static void
check_keep_count(struct check_kept *k, struct fleet *fleet, size_t e)
{
	struct check_entry	*en = &k->v[e];
	struct check_node	*cn;
	const char		*s, *best;
	size_t			 i, m, kept = 0, nmin = 0, pos = 0;

	k->stamp++;
	check_keep_tally_reset(k);
	en->first = SIZE_MAX;
	for (i = 0; i < en->nmembers; i++) {
		m = en->members[i];
		cn = &k->nodes[m];
		if (cn->stamp == k->stamp || !check_keep_holds(cn, e) ||
		    (s = check_keep_value(en, &fleet->nodes[m], &pos)) == NULL)
			continue;
		cn->stamp = k->stamp;
		en->members[kept++] = m;
		check_keep_tally(k, s, m);
		if (m < en->first) {
			en->first = m;
			en->firstpos = pos;
		}
	}
	en->nmembers = en->d.nheld = kept;
	best = check_keep_tally_best(k);
	util_copy(en->majority, sizeof en->majority, best != NULL ? best : "");
	free(en->minority);
	en->minority = NULL;
	for (i = 0; i < kept; i++) {
		m = en->members[i];
		s = check_keep_value(en, &fleet->nodes[m], &pos);
		if (strcmp(s, en->majority) == 0)
			continue;
		if (en->minority == NULL)
			en->minority = xcalloc(kept, sizeof *en->minority);
		en->minority[nmin++] = m;
	}
	if (nmin > 1)
		qsort(en->minority, nmin, sizeof *en->minority,
		    check_keep_cmp_index);
	en->d.minority = en->minority;
	en->d.nminority = nmin;
	check_keep_list(k, e);
	k->drifts_sorted = 0;		/* its first node may have moved */
}

/* List entry e among the drifting when it drifts, or unlist it. */
static void
check_keep_list(struct check_kept *k, size_t e)
{
	struct check_entry	*en = &k->v[e];
	size_t			 i;

	if (en->drifting == (en->d.nminority > 0))
		return;
	if (en->drifting) {
		for (i = 0; i < k->ndrifts && k->drifts[i] != &en->d; i++)
			;
		if (i < k->ndrifts)
			k->drifts[i] = k->drifts[--k->ndrifts];
		en->drifting = 0;
		k->drifts_sorted = 0;
		return;
	}
	if (k->ndrifts == k->drifts_cap) {
		k->drifts_cap = k->drifts_cap == 0 ? 16 : k->drifts_cap * 2;
		k->drifts = xreallocarray(k->drifts, k->drifts_cap,
		    sizeof *k->drifts);
	}
	k->drifts[k->ndrifts++] = &en->d;
	en->drifting = 1;
	k->drifts_sorted = 0;
}

/* Order node indices, lowest first. */
static int
check_keep_cmp_index(const void *pa, const void *pb)
{
	size_t	a = *(const size_t *)pa, b = *(const size_t *)pb;

	return (a < b ? -1 : a > b);
}

/*
 * Order drifting entries as the rules name them: groups before flags,
 * by role, then by their first node and the flag's place in its hello.
 */
static int
check_keep_cmp_drift(const void *pa, const void *pb)
{
	const struct check_entry *a = *(const struct check_entry *const *)pa;
	const struct check_entry *b = *(const struct check_entry *const *)pb;
	int			  ra, rb;

	if (a->d.flag != b->d.flag)
		return (a->d.flag - b->d.flag);
	ra = check_keep_role(a->d.role);
	rb = check_keep_role(b->d.role);
	if (ra != rb)
		return (ra - rb);
	if (a->first != b->first)
		return (a->first < b->first ? -1 : 1);
	return (a->firstpos < b->firstpos ? -1 : a->firstpos > b->firstpos);
}

/* The drifting groups or flag names; see check-keep.h. */
size_t
check_keep_drifts(struct fleet *fleet, int flags,
    const struct check_drift *const **out)
{
	struct check_kept	*k = check_keep_get(fleet);
	size_t			 i;

	if (!k->drifts_sorted && k->ndrifts > 1)
		qsort(k->drifts, k->ndrifts, sizeof *k->drifts,
		    check_keep_cmp_drift);
	k->drifts_sorted = 1;
	/* Groups sort first, flag names after them. */
	for (i = 0; i < k->ndrifts && !k->drifts[i]->flag; i++)
		;
	*out = flags ? k->drifts + i : k->drifts;
	return (flags ? k->ndrifts - i : i);
}

/* Start counting values afresh. */
static void
check_keep_tally_reset(struct check_kept *k)
{
	if (k->ntally > 0)
		hmap_clear(&k->tally_index);
	k->ntally = 0;
}

/* Count value s, held by the node at index i. */
static void
check_keep_tally(struct check_kept *k, const char *s, size_t i)
{
	struct check_tally	*t;
	size_t			 ix;

	/*
	 * Nearly every node holds the majority's value, so it is most
	 * often the last one counted: no hash of it then (a group of
	 * 10,000 routers is counted again at every tick while they come).
	 */
	if (k->ntally > 0 && strcmp(k->tally[k->tally_last].s, s) == 0)
		ix = k->tally_last;
	else if (!hmap_get(&k->tally_index, s, &ix))
		ix = SIZE_MAX;
	if (ix != SIZE_MAX) {
		k->tally_last = ix;
		t = &k->tally[ix];
		t->count++;
		if (i < t->first)
			t->first = i;
		return;
	}
	if (k->ntally == k->tally_cap) {
		k->tally_cap = k->tally_cap == 0 ? 8 : k->tally_cap * 2;
		k->tally = xreallocarray(k->tally, k->tally_cap,
		    sizeof *k->tally);
	}
	hmap_put(&k->tally_index, s, k->ntally);
	k->tally_last = k->ntally;
	t = &k->tally[k->ntally++];
	t->s = s;
	t->count = 1;
	t->first = i;
}

/* The value counted most; on a tie the first seen; NULL for none. */
static const char *
check_keep_tally_best(const struct check_kept *k)
{
	const struct check_tally	*best = NULL, *t;
	size_t				 i;

	for (i = 0; i < k->ntally; i++) {
		t = &k->tally[i];
		if (best == NULL || t->count > best->count ||
		    (t->count == best->count && t->first < best->first))
			best = t;
	}
	return (best != NULL ? best->s : NULL);
}

/* The build most nodes of role run; see check-keep.h. */
const char *
check_keep_role_build(struct fleet *fleet, enum proto_role role)
{
	struct check_kept	*k = check_keep_get(fleet);
	const char		*best;
	size_t			 i;
	int			 r = check_keep_role(role);

	if (r == -1)
		return (NULL);
	if (!k->role_known[r]) {
		check_keep_tally_reset(k);
		for (i = 0; i < fleet->nnodes; i++) {
			if (fleet_node_role(&fleet->nodes[i]) == role)
				check_keep_tally(k,
				    fleet->nodes[i].hello.build, i);
		}
		best = check_keep_tally_best(k);
		k->role_none[r] = best == NULL;
		util_copy(k->role_build[r], sizeof k->role_build[r],
		    best != NULL ? best : "");
		k->role_known[r] = 1;
	}
	return (k->role_none[r] ? NULL : k->role_build[r]);
}

/* The root holder; see check-keep.h. */
const char *
check_keep_root(struct fleet *fleet)
{
	struct check_kept	*k = check_keep_get(fleet);
	const struct node	*node;
	const char		*best = NULL;
	size_t			 i;

	if (k->root_known && k->roots_seq == fleet->roots_seq)
		return (k->root_none ? NULL : k->root);
	for (i = 0; i < fleet->nnodes && best == NULL; i++) {
		node = &fleet->nodes[i];
		if (node->has_cert && node->cert.holds_root)
			best = node->id;
	}
	if (best == NULL) {
		check_keep_tally_reset(k);
		for (i = 0; i < fleet->nnodes; i++) {
			node = &fleet->nodes[i];
			if (node->has_cert && node->cert.root_holder[0] != '\0')
				check_keep_tally(k, node->cert.root_holder, i);
		}
		best = check_keep_tally_best(k);
	}
	k->root_none = best == NULL;
	util_copy(k->root, sizeof k->root, best != NULL ? best : "");
	k->root_known = 1;
	k->roots_seq = fleet->roots_seq;
	return (k->root_none ? NULL : k->root);
}
