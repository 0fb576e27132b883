/*
 * incident.c: standing alerts grouped into incidents, cause first.
 *
 * Each alert finds the alert it follows from through one map of names
 * ("name\n*" the first alert of a name, "name\n+" the first grouped
 * one, "name\nNODE" the first naming a node), so that grouping the
 * thousands of alerts of a large outage takes time linear in them and
 * their nodes; the bar groups on every frame.  Links that would make a
 * loop are cut where the loop is found, so every alert has one cause.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "incident.h"
#include "util.h"

#define INCIDENT_NONE	SIZE_MAX

/* What grouping works on: the alerts in rank order and their links. */
struct incident_work {
	const struct alert	**v;
	size_t			  n;
	size_t			 *parent;	/* INCIDENT_NONE: a cause */
	size_t			 *incident;	/* by creation, then rank */
	struct hmap		  names;
};

static void	 incident_key(char *buf, size_t len, const char *name,
		    const char *what);
static void	 incident_first(struct hmap *map, const char *key, size_t i);
static void	 incident_index(struct incident_work *w);
static size_t	 incident_lookup(const struct incident_work *w, size_t i,
		    const char *name);
static size_t	 incident_cause(const struct incident_work *w, size_t i);
static void	 incident_cut_loops(struct incident_work *w);
static size_t	 incident_head(const struct incident_work *w, size_t i);
static size_t	 incident_make(struct incident_work *w,
		    struct incident_set *out);
static void	 incident_rank(struct incident_work *w,
		    struct incident_set *out);
static size_t	*incident_children(const struct incident_work *w,
		    size_t **firstp);
static void	 incident_place(struct incident_work *w,
		    struct incident_set *out);

/* "name\nwhat" into buf. */
static void
incident_key(char *buf, size_t len, const char *name, const char *what)
{
	util_format(buf, len, "%s\n%s", name, what);
}

/* Map key to i unless it maps to an earlier alert already. */
static void
incident_first(struct hmap *map, const char *key, size_t i)
{
	size_t	j;

	if (!hmap_get(map, key, &j))
		hmap_put(map, key, i);
}

/* Index every alert by its name, grouped or not, and its nodes. */
static void
incident_index(struct incident_work *w)
{
	const struct alert	*a;
	char			 key[PROTO_CODE_MAX + PROTO_ID_MAX + 4];
	size_t			 i, k;

	for (i = 0; i < w->n; i++) {
		a = w->v[i];
		incident_key(key, sizeof key, alert_name(a), "*");
		incident_first(&w->names, key, i);
		if (a->grouped) {
			incident_key(key, sizeof key, alert_name(a), "+");
			incident_first(&w->names, key, i);
		}
		for (k = 0; k < a->nnodes && k < ALERT_MAX_NODES; k++) {
			incident_key(key, sizeof key, alert_name(a),
			    a->nodes[k]);
			incident_first(&w->names, key, i);
		}
	}
}

/*
 * The first alert (other than i) called name that alert i can follow
 * from: any, when i is about the whole fleet (grouped); else a grouped
 * one, or one naming a node of i's.  INCIDENT_NONE when none stands.
 */
static size_t
incident_lookup(const struct incident_work *w, size_t i, const char *name)
{
	const struct alert	*a = w->v[i];
	char			 key[PROTO_CODE_MAX + PROTO_ID_MAX + 4];
	size_t			 j, best = INCIDENT_NONE, k;

	incident_key(key, sizeof key, name, a->grouped ? "*" : "+");
	if (hmap_get(&w->names, key, &j) && j != i)
		best = j;
	for (k = 0; !a->grouped && k < a->nnodes && k < ALERT_MAX_NODES;
	    k++) {
		incident_key(key, sizeof key, name, a->nodes[k]);
		if (hmap_get(&w->names, key, &j) && j != i && j < best)
			best = j;
	}
	return (best);
}

/* The alert i follows from: the first of its names that stands. */
static size_t
incident_cause(const struct incident_work *w, size_t i)
{
	char	names[ALERT_FOLLOWS_MAX], *p, *name;
	size_t	j;

	util_copy(names, sizeof names, w->v[i]->follows);
	for (p = names; (name = strsep(&p, ",")) != NULL;) {
		if (*name == '\0')
			continue;
		if ((j = incident_lookup(w, i, name)) != INCIDENT_NONE)
			return (j);
	}
	return (INCIDENT_NONE);
}

/*
 * Cut every loop of links at the first alert (in rank order) found on
 * it: walking up from an alert and coming back to it makes it a cause.
 * A walk is at most n steps, so a loop above an alert ends it too.
 */
static void
incident_cut_loops(struct incident_work *w)
{
	size_t	i, p, steps;

	for (i = 0; i < w->n; i++) {
		p = w->parent[i];
		for (steps = 0; p != INCIDENT_NONE && steps < w->n; steps++) {
			if (p == i) {
				w->parent[i] = INCIDENT_NONE;
				break;
			}
			p = w->parent[p];
		}
	}
}

/* The cause at the top of alert i's links. */
static size_t
incident_head(const struct incident_work *w, size_t i)
{
	size_t	steps;

	for (steps = 0; w->parent[i] != INCIDENT_NONE && steps < w->n;
	    steps++)
		i = w->parent[i];
	return (i);
}

/*
 * One incident per name among the causes, in the order their first
 * cause ranks; every alert joins its head's.  Returns how many.
 */
static size_t
incident_make(struct incident_work *w, struct incident_set *out)
{
	struct hmap		 byname;
	struct incident		*inc;
	const struct alert	*a;
	size_t			 i, k, n = 0;

	hmap_init(&byname);
	out->v = xcalloc(w->n, sizeof *out->v);
	for (i = 0; i < w->n; i++) {
		if (w->parent[i] != INCIDENT_NONE)
			continue;
		a = w->v[i];
		if (!hmap_get(&byname, alert_name(a), &k)) {
			k = n++;
			hmap_put(&byname, alert_name(a), k);
			out->v[k].severity = a->severity;
		}
		w->incident[i] = k;
		out->v[k].ncauses++;
		out->v[k].nodes += a->nodes_total > a->nnodes ?
		    a->nodes_total : a->nnodes;
	}
	hmap_free(&byname);
	for (i = 0; i < w->n; i++) {
		inc = &out->v[w->incident[i] = w->incident[incident_head(w,
		    i)]];
		if (w->v[i]->severity > inc->severity)
			inc->severity = w->v[i]->severity;
	}
	return (n);
}

/* Order incidents most severe first, then as made (as causes rank). */
static void
incident_rank(struct incident_work *w, struct incident_set *out)
{
	struct incident	*sorted;
	size_t		*to, i, k = 0;
	int		 sev;

	sorted = xcalloc(out->n + 1, sizeof *sorted);
	to = xcalloc(out->n + 1, sizeof *to);
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
		for (i = 0; i < out->n; i++) {
			if ((int)out->v[i].severity != sev)
				continue;
			to[i] = k;
			sorted[k++] = out->v[i];
		}
	}
	free(out->v);
	out->v = sorted;
	for (i = 0; i < w->n; i++)
		w->incident[i] = to[w->incident[i]];
	free(to);
}

/*
 * The effects of each alert in CSR form: those of alert c are
 * child[first[c]] to child[first[c + 1] - 1], in rank order.  Returns
 * child; *firstp gets first (both for the caller to free).
 */
static size_t *
incident_children(const struct incident_work *w, size_t **firstp)
{
	size_t	*first, *child, *used, i, c;

	first = xcalloc(w->n + 1, sizeof *first);
	child = xcalloc(w->n + 1, sizeof *child);
	used = xcalloc(w->n + 1, sizeof *used);
	for (i = 0; i < w->n; i++) {
		if (w->parent[i] != INCIDENT_NONE)
			first[w->parent[i] + 1]++;
	}
	for (i = 0; i < w->n; i++)
		first[i + 1] += first[i];
	for (i = 0; i < w->n; i++) {
		if ((c = w->parent[i]) != INCIDENT_NONE)
			child[first[c] + used[c]++] = i;
	}
	free(used);
	*firstp = first;
	return (child);
}

/*
 * Lay the places out incident by incident: each cause (in rank order)
 * followed by what follows from it, depth first, each alert's effects
 * in rank order; then count each one's effects from the end back.
 */
static void
incident_place(struct incident_work *w, struct incident_set *out)
{
	struct incident_place	*pl;
	size_t			*first, *child, *stack, *at, *order, *sub;
	size_t			 i, k, c, j, top, np = 0;

	child = incident_children(w, &first);
	stack = xcalloc(w->n + 1, sizeof *stack);
	at = xcalloc(w->n + 1, sizeof *at);		/* place of alert */
	order = xcalloc(w->n + 1, sizeof *order);	/* alert of place */
	out->places = xcalloc(w->n + 1, sizeof *out->places);
	for (k = 0; k < out->n; k++) {
		out->v[k].v = out->places + np;
		for (i = 0; i < w->n; i++) {
			if (w->parent[i] != INCIDENT_NONE ||
			    w->incident[i] != k)
				continue;
			stack[0] = i;
			for (top = 1; top > 0;) {
				c = stack[--top];
				order[np] = c;
				pl = &out->places[at[c] = np++];
				pl->alert = w->v[c];
				pl->incident = k;
				if (w->parent[c] != INCIDENT_NONE) {
					pl->follows = w->v[w->parent[c]];
					pl->depth = out->places[
					    at[w->parent[c]]].depth + 1;
				}
				/* Pushed last first, so popped in rank. */
				for (j = first[c + 1]; j-- > first[c];)
					stack[top++] = child[j];
			}
		}
		out->v[k].n = (size_t)(out->places + np - out->v[k].v);
	}
	out->nplaces = np;
	sub = xcalloc(w->n + 1, sizeof *sub);
	for (i = np; i-- > 0;) {
		c = order[i];
		out->places[i].effects = sub[c];
		if (w->parent[c] != INCIDENT_NONE)
			sub[w->parent[c]] += sub[c] + 1;
	}
	free(sub);
	free(order);
	free(at);
	free(stack);
	free(child);
	free(first);
}

/* Group set's standing alerts into incidents; see incident.h. */
void
incident_group(const struct alert_set *set, int include_acknowledged,
    struct incident_set *out)
{
	struct incident_work	w;
	size_t			i;

	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.v = xcalloc(set->n + 1, sizeof *w.v);
	w.n = alert_sorted(set, w.v, set->n, include_acknowledged);
	w.parent = xcalloc(w.n + 1, sizeof *w.parent);
	w.incident = xcalloc(w.n + 1, sizeof *w.incident);
	hmap_init(&w.names);
	incident_index(&w);
	for (i = 0; i < w.n; i++)
		w.parent[i] = incident_cause(&w, i);
	incident_cut_loops(&w);
	out->n = incident_make(&w, out);
	incident_rank(&w, out);
	incident_place(&w, out);
	hmap_free(&w.names);
	free(w.incident);
	free(w.parent);
	free(w.v);
}

/* Free what incident_group() made. */
void
incident_free(struct incident_set *out)
{
	free(out->places);
	free(out->v);
	memset(out, 0, sizeof *out);
}
