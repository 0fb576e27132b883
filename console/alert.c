/*
 * alert.c: the console's alerts, deduplicated.
 *
 * One stored alert per key (rule, code and nodes, or rule and code for a
 * grouped alert), kept after it clears so that a new episode counts on
 * the same entry.  Its size is bounded by the distinct problems seen,
 * and the oldest cleared entries go once it grows large; a map from key
 * to entry finds the alert to refresh without a scan, since a fleet of
 * thousands raises one per node and problem on every tick.
 *
 * Every change (raised, updated, refreshed, cleared, acknowledged) goes
 * through alert_changed(), to the set's one listener: the model marks
 * itself dirty and tells its watcher there, and nowhere else.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "util.h"

/* Past this many stored alerts, the oldest cleared one makes room. */
#define ALERT_KEEP	512

/* An alert's key: rule, code, total and up to ALERT_MAX_NODES ids. */
#define ALERT_KEY_MAX	(2 * PROTO_CODE_MAX + 32 + \
			    ALERT_MAX_NODES * (PROTO_ID_MAX + 8))

static size_t	 alert_nnodes(const struct alert *a);
static int	 alert_cmp_name(const void *a, const void *b);
static void	 alert_key(const struct alert *a, char *buf, size_t len);
static void	 alert_reindex(struct alert_set *set);
static size_t	 alert_total(const struct alert *a);
static int	 alert_has_node(const struct alert *a, const char *node);
static int	 alert_same_nodes(const struct alert *a, const struct alert *b);
static int	 alert_same_key(const struct alert *a, const struct alert *b);
static int	 alert_same_words(const char *a, const char *b);
static int	 alert_escalated(const struct alert *s, const struct alert *a);
static void	 alert_copy_content(struct alert *dst, const struct alert *src);
static void	 alert_make_room(struct alert_set *set);
static int	 alert_cmp_ms(const void *, const void *);
static int	 alert_cmp(const void *a, const void *b);
static enum alert_change alert_changed(struct alert_set *set,
		    const struct alert *a, enum alert_change change);

/* How many nodes a lists (a caller may ask for more than fit). */
static size_t
alert_nnodes(const struct alert *a)
{
	return (a->nnodes > ALERT_MAX_NODES ? ALERT_MAX_NODES : a->nnodes);
}

/* How many nodes a is about (a caller may leave nodes_total 0). */
static size_t
alert_total(const struct alert *a)
{
	return (a->nodes_total > a->nnodes ? a->nodes_total : a->nnodes);
}

/* Does a name node among its nodes? */
static int
alert_has_node(const struct alert *a, const char *node)
{
	size_t	i;

	for (i = 0; i < alert_nnodes(a); i++) {
		if (strcmp(a->nodes[i], node) == 0)
			return (1);
	}
	return (0);
}

/* Do a and b name the same set of nodes (in any order)? */
static int
alert_same_nodes(const struct alert *a, const struct alert *b)
{
	size_t	i;

	if (alert_nnodes(a) != alert_nnodes(b) ||
	    alert_total(a) != alert_total(b))
		return (0);
	for (i = 0; i < alert_nnodes(a); i++) {
		if (!alert_has_node(b, a->nodes[i]))
			return (0);
	}
	return (1);
}

/* Are a and b the same alert (the same key)? */
static int
alert_same_key(const struct alert *a, const struct alert *b)
{
	if (strcmp(a->rule, b->rule) != 0 || strcmp(a->code, b->code) != 0)
		return (0);
	if (a->grouped != b->grouped)
		return (0);
	if (a->grouped)
		return (1);
	return (alert_same_nodes(a, b));
}

/*
 * Do two texts say the same words, whatever their numbers?  A countdown
 * ticking or a rate moving rewrites the text every second; that must not
 * bring an acknowledged alert back, while a change in what it says must.
 */
static int
alert_same_words(const char *a, const char *b)
{
	for (;;) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (isdigit((unsigned char)*a) || (*a == '.' &&
			    isdigit((unsigned char)a[1])))
				a++;
			while (isdigit((unsigned char)*b) || (*b == '.' &&
			    isdigit((unsigned char)b[1])))
				b++;
			continue;
		}
		if (*a != *b)
			return (0);
		if (*a == '\0')
			return (1);
		a++;
		b++;
	}
}

/* Copy what an alert says (not its history) from src to dst. */
static void
alert_copy_content(struct alert *dst, const struct alert *src)
{
	size_t	i;

	dst->severity = src->severity;
	util_copy(dst->rule, sizeof dst->rule, src->rule);
	util_copy(dst->code, sizeof dst->code, src->code);
	dst->nnodes = alert_nnodes(src);
	for (i = 0; i < dst->nnodes; i++)
		util_copy(dst->nodes[i], sizeof dst->nodes[i], src->nodes[i]);
	dst->nodes_total = alert_total(src);
	util_copy(dst->text, sizeof dst->text, src->text);
	util_copy(dst->cause, sizeof dst->cause, src->cause);
	util_copy(dst->action, sizeof dst->action, src->action);
	dst->grouped = src->grouped;
	dst->measure = src->measure;
	util_copy(dst->follows, sizeof dst->follows, src->follows);
}

/* Order node names for a key. */
static int
alert_cmp_name(const void *pa, const void *pb)
{
	return (strcmp(*(const char *const *)pa, *(const char *const *)pb));
}

/*
 * The key a is stored under: its rule, code and (unless grouped) its
 * nodes in sorted order with their total, each part prefixed with its
 * length so that no two keys run together.  Two alerts have the same
 * key exactly when alert_same_key() holds for them.
 */
static void
alert_key(const struct alert *a, char *buf, size_t len)
{
	const char	*names[ALERT_MAX_NODES];
	size_t		 i, n = alert_nnodes(a), used;

	util_format(buf, len, "%zu:%s%zu:%s%c", strlen(a->rule), a->rule,
	    strlen(a->code), a->code, a->grouped ? 'g' : 'n');
	if (a->grouped)
		return;
	for (i = 0; i < n; i++)
		names[i] = a->nodes[i];
	qsort(names, n, sizeof names[0], alert_cmp_name);
	used = strlen(buf);
	util_format(buf + used, len - used, "%zu", alert_total(a));
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "/%zu:%s",
		    strlen(names[i]), names[i]);
	}
}

/* Index every stored alert again, after their places moved. */
static void
alert_reindex(struct alert_set *set)
{
	char	key[ALERT_KEY_MAX];
	size_t	i;

	hmap_clear(&set->index);
	for (i = 0; i < set->n; i++) {
		alert_key(&set->v[i], key, sizeof key);
		hmap_put(&set->index, key, i);
	}
}

/* Orders wall times, oldest first. */
static int
alert_cmp_ms(const void *pa, const void *pb)
{
	int64_t	a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return (a < b ? -1 : a > b);
}

/*
 * Once the set holds ALERT_KEEP, drop the oldest cleared alerts in one
 * pass, down to three quarters of it, and look again only once the set
 * has grown by half (doubled, when none was cleared): an outage raising
 * an alert per node then costs time linear in the nodes, not quadratic.
 */
static void
alert_make_room(struct alert_set *set)
{
	int64_t	*ages, cut;
	size_t	 i, j, ncleared = 0, drop, older = 0;

	if (set->n < ALERT_KEEP || set->n < set->next_room)
		return;
	ages = xcalloc(set->n, sizeof *ages);
	for (i = 0; i < set->n; i++) {
		if (!set->v[i].active)
			ages[ncleared++] = set->v[i].last_seen_ms;
	}
	drop = set->n - (ALERT_KEEP - ALERT_KEEP / 4);
	if (drop > ncleared)
		drop = ncleared;
	if (drop == 0) {
		set->next_room = 2 * set->n;
		free(ages);
		return;		/* all standing: grow instead */
	}
	qsort(ages, ncleared, sizeof *ages, alert_cmp_ms);
	cut = ages[drop - 1];
	for (i = 0; i < ncleared; i++)
		older += ages[i] < cut;
	free(ages);
	drop -= older;		/* how many at exactly cut go too */
	for (i = j = 0; i < set->n; i++) {
		if (!set->v[i].active && (set->v[i].last_seen_ms < cut ||
		    (set->v[i].last_seen_ms == cut && drop > 0 && drop--)))
			continue;
		if (i != j)
			set->v[j] = set->v[i];
		j++;
	}
	set->n = j;
	set->next_room = j + (j / 2 > ALERT_KEEP / 4 ? j / 2 : ALERT_KEEP / 4);
	alert_reindex(set);
}

/* Start an empty set. */
void
alert_set_init(struct alert_set *set)
{
	memset(set, 0, sizeof *set);
	hmap_init(&set->index);
}

/* Tell changed (may be NULL), with arg, of every change to set. */
void
alert_set_listen(struct alert_set *set, alert_changed_cb *changed, void *arg)
{
	set->changed = changed;
	set->changed_arg = arg;
}

/* Tell the listener of a change, if it is one; returns change. */
static enum alert_change
alert_changed(struct alert_set *set, const struct alert *a,
    enum alert_change change)
{
	if (change != ALERT_UNCHANGED && set->changed != NULL)
		set->changed(set->changed_arg, a, change);
	return (change);
}

/* Free the set's storage; it is empty afterwards. */
void
alert_set_free(struct alert_set *set)
{
	free(set->v);
	hmap_free(&set->index);
	memset(set, 0, sizeof *set);
}

/*
 * Raise or refresh the alert keyed as a is, at wall time now_ms.  A new
 * key is stored and RAISED; a cleared one starts a new episode (count
 * one more, first seen now) and is RAISED; a standing one is refreshed
 * and UPDATED when anything it says changed, else UNCHANGED.  A change
 * of words, nodes or severity un-acknowledges it; numbers alone do not,
 * unless its measure escalated (alert_escalated()).
 * The listener is not told (alert_raise() does that).
 */
static enum alert_change
alert_store(struct alert_set *set, const struct alert *a, int64_t now_ms,
    struct alert **out)
{
	struct alert	*s;
	char		 key[ALERT_KEY_MAX];
	size_t		 i;
	int		 changed, news;

	alert_key(a, key, sizeof key);
	if (!hmap_get(&set->index, key, &i) ||
	    !alert_same_key(&set->v[i], a)) {
		alert_make_room(set);
		if (set->n == set->cap) {
			set->cap = set->cap == 0 ? 16 : set->cap * 2;
			set->v = xreallocarray(set->v, set->cap,
			    sizeof set->v[0]);
		}
		hmap_put(&set->index, key, set->n);
		s = &set->v[set->n++];
		memset(s, 0, sizeof *s);
		alert_copy_content(s, a);
		s->first_seen_ms = s->last_seen_ms = now_ms;
		s->count = 1;
		s->active = 1;
		if (out != NULL)
			*out = s;
		return (ALERT_RAISED);
	}

	s = &set->v[i];
	if (out != NULL)
		*out = s;
	if (!s->active) {
		alert_copy_content(s, a);
		s->first_seen_ms = s->last_seen_ms = now_ms;
		s->count++;
		s->active = 1;
		s->acknowledged = 0;
		return (ALERT_RAISED);
	}

	/* Same bytes first: most refreshes change nothing at all. */
	changed = s->severity != a->severity || !alert_same_nodes(s, a) ||
	    strcmp(s->text, a->text) != 0 ||
	    strcmp(s->cause, a->cause) != 0 ||
	    strcmp(s->action, a->action) != 0;
	s->last_seen_ms = now_ms;
	if (alert_escalated(s, a)) {
		alert_copy_content(s, a);
		s->acknowledged = 0;
		return (ALERT_UPDATED);
	}
	s->measure = a->measure;
	util_copy(s->follows, sizeof s->follows, a->follows);
	if (!changed)
		return (ALERT_UNCHANGED);
	news = s->severity != a->severity || !alert_same_nodes(s, a) ||
	    !alert_same_words(s->text, a->text) ||
	    !alert_same_words(s->cause, a->cause) ||
	    !alert_same_words(s->action, a->action);
	alert_copy_content(s, a);
	if (!news)
		return (ALERT_REFRESHED);
	s->acknowledged = 0;
	return (ALERT_UPDATED);
}

/*
 * Has acknowledged alert s grown worse, as a says it is now: its measure
 * past ALERT_ESCALATION times what it was when acknowledged (from 0, any
 * measure)?  Numbers in its words do not bring it back, but a runaway
 * ratio doubling must: an acknowledgement covers what the operator saw.
 */
static int
alert_escalated(const struct alert *s, const struct alert *a)
{
	if (!s->acknowledged || !(a->measure > 0))
		return (0);
	return (a->measure > ALERT_ESCALATION * s->acked_measure);
}

/*
 * Raise or refresh the alert keyed as a is (alert_store()), stamp it
 * with the current sweep and tell the listener what changed.
 */
enum alert_change
alert_raise(struct alert_set *set, const struct alert *a, int64_t now_ms,
    struct alert **out)
{
	struct alert		*s;
	enum alert_change	 change;

	change = alert_store(set, a, now_ms, &s);
	s->mark = set->stamp;
	if (out != NULL)
		*out = s;
	return (alert_changed(set, s, change));
}

/*
 * Raise what spec says as an alert.  A count of reports replaces the
 * episodes only after the listener was told, as a backend's warning
 * always has been.
 */
enum alert_change
alert_emit(struct alert_set *set, const struct alert_spec *spec,
    int64_t now_ms)
{
	struct alert		*a, *stored;
	enum alert_change	 change;
	size_t			 i;

	a = xcalloc(1, sizeof *a);
	a->severity = spec->severity;
	util_copy(a->rule, sizeof a->rule, spec->rule);
	util_copy(a->code, sizeof a->code, spec->code != NULL ? spec->code :
	    "");
	for (i = 0; i < spec->nnodes && i < ALERT_MAX_NODES; i++)
		util_copy(a->nodes[i], sizeof a->nodes[i], spec->nodes[i]);
	a->nnodes = i;
	a->nodes_total = spec->nnodes;
	a->grouped = spec->grouped;
	util_copy(a->text, sizeof a->text, spec->text);
	util_copy(a->cause, sizeof a->cause, spec->cause);
	util_copy(a->action, sizeof a->action, spec->action);
	a->measure = spec->measure;
	util_copy(a->follows, sizeof a->follows, spec->follows != NULL ?
	    spec->follows : "");
	change = alert_raise(set, a, now_ms, &stored);
	free(a);
	if (spec->reports != 0)
		stored->count = spec->reports;
	return (change);
}

/*
 * Clear a standing alert at wall time now_ms (its last seen becomes the
 * end of the episode).  Returns ALERT_CLEARED, or ALERT_UNCHANGED when
 * it was not standing.
 */
enum alert_change
alert_clear(struct alert *a, int64_t now_ms)
{
	if (!a->active)
		return (ALERT_UNCHANGED);
	a->active = 0;
	a->last_seen_ms = now_ms;
	return (ALERT_CLEARED);
}

/*
 * Find the alert of rule and code ("" or NULL for none) whose nodes
 * include node (NULL matches any), preferring a standing one; or NULL.
 */
struct alert *
alert_find(struct alert_set *set, const char *rule, const char *code,
    const char *node)
{
	struct alert	*found = NULL;
	size_t		 i;

	if (code == NULL)
		code = "";
	for (i = 0; i < set->n; i++) {
		struct alert	*a = &set->v[i];

		if (strcmp(a->rule, rule) != 0 || strcmp(a->code, code) != 0)
			continue;
		if (node != NULL && !alert_has_node(a, node))
			continue;
		if (a->active)
			return (a);
		if (found == NULL)
			found = a;
	}
	return (found);
}

/* Clear the alert of rule and code, if one stands; see alert.h. */
void
alert_withdraw(struct alert_set *set, const char *rule, const char *code,
    int64_t now_ms)
{
	struct alert	*a;

	if ((a = alert_find(set, rule, code, NULL)) != NULL)
		alert_changed(set, a, alert_clear(a, now_ms));
}

/* Clear the standing alerts of rule not raised for max_age_ms. */
void
alert_expire(struct alert_set *set, const char *rule, int64_t max_age_ms,
    int64_t now_ms)
{
	struct alert	*a;
	size_t		 i;

	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		if (!a->active || strcmp(a->rule, rule) != 0 ||
		    now_ms - a->last_seen_ms < max_age_ms)
			continue;
		alert_changed(set, a, alert_clear(a, now_ms));
	}
}

/* Begin a sweep: what is raised from now on carries its stamp. */
void
alert_sweep_begin(struct alert_set *set)
{
	if (++set->stamp == 0)
		set->stamp = 1;
}

/* End a sweep: clear what owned() covers and the sweep did not raise. */
void
alert_sweep_end(struct alert_set *set, int (*owned)(const char *),
    int64_t now_ms)
{
	struct alert	*a;
	size_t		 i;

	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		if (!a->active || a->mark == set->stamp || !owned(a->rule))
			continue;
		alert_changed(set, a, alert_clear(a, now_ms));
	}
}

/*
 * Acknowledge the standing alerts named name (by rule, or by a
 * backend's code) and about node ("" for any); see alert.h.
 */
size_t
alert_acknowledge(struct alert_set *set, const char *name, const char *node)
{
	struct alert	*a;
	size_t		 i, n = 0;

	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		if (!a->active || a->acknowledged ||
		    (strcmp(a->rule, name) != 0 && strcmp(a->code, name) != 0))
			continue;
		if (*node != '\0' && !alert_has_node(a, node))
			continue;
		a->acknowledged = 1;
		a->acked_measure = a->measure;
		alert_changed(set, a, ALERT_ACKNOWLEDGED);
		n++;
	}
	return (n);
}

/* Order for the bar: most severe, then newest episode, then newest seen. */
static int
alert_cmp(const void *pa, const void *pb)
{
	const struct alert	*a = *(const struct alert *const *)pa;
	const struct alert	*b = *(const struct alert *const *)pb;

	if (a->severity != b->severity)
		return (a->severity > b->severity ? -1 : 1);
	if (a->first_seen_ms != b->first_seen_ms)
		return (a->first_seen_ms > b->first_seen_ms ? -1 : 1);
	if (a->last_seen_ms != b->last_seen_ms)
		return (a->last_seen_ms > b->last_seen_ms ? -1 : 1);
	/* Same array, so the later stored (newer key) comes first. */
	return (a > b ? -1 : a < b);
}

/*
 * Fill out (max entries) with the standing alerts, most severe first and
 * then newest first; acknowledged ones only if include_acknowledged.
 * Returns how many were written.
 */
size_t
alert_sorted(const struct alert_set *set, const struct alert **out,
    size_t max, int include_acknowledged)
{
	const struct alert	**all;
	size_t			  i, n = 0;

	if (set->n == 0 || max == 0)
		return (0);
	all = xcalloc(set->n, sizeof *all);
	for (i = 0; i < set->n; i++) {
		if (!set->v[i].active)
			continue;
		if (set->v[i].acknowledged && !include_acknowledged)
			continue;
		all[n++] = &set->v[i];
	}
	if (n > 1)
		qsort(all, n, sizeof *all, alert_cmp);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof *all);
	free(all);
	return (n);
}

/*
 * The name an operator knows alert a by, on the screen and in every
 * report alike: a backend's warning by its code ("power-peg"), any
 * other by its rule ("flag-drift").
 */
const char *
alert_name(const struct alert *a)
{
	if (strcmp(a->rule, "backend") == 0 && a->code[0] != '\0')
		return (a->code);
	return (a->rule);
}

/* How many standing alerts have severity sev (acknowledged or not). */
size_t
alert_count(const struct alert_set *set, enum proto_severity sev)
{
	size_t	i, n = 0;

	for (i = 0; i < set->n; i++) {
		if (set->v[i].active && set->v[i].severity == sev)
			n++;
	}
	return (n);
}
