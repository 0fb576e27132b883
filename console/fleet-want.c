/*
 * fleet-want.c: proposals naming a document the console lacks, and the
 * wants asking for it (see fleet-want.h).
 */
#include <stdlib.h>
#include <string.h>

#include "fleet-want.h"
#include "proto.h"
#include "util.h"

static struct fleet_want *fleet_want_get(struct fleet_awaits *q,
		    const char *sha256);
static const struct fleet_await *fleet_await_pick(const struct fleet_awaits *q,
		    const struct fleet_want *w, int (*up)(void *, size_t),
		    void *arg);
static void	 fleet_want_sweep(struct fleet_awaits *q);
static void	 fleet_gone_note(struct fleet_awaits *q,
		    const struct fleet_await *a, const struct fleet_want *w);

/* Keep p aside until its document comes; see fleet-want.h. */
int
fleet_await_add(struct fleet_awaits *q, size_t link,
    const struct proto_proposal *p, int64_t now_ms)
{
	struct fleet_await	*a;
	size_t			 i;

	for (i = 0; i < q->n; i++) {
		a = &q->v[i];
		if (a->link == link && strcmp(a->p.node, p->node) == 0 &&
		    strcmp(a->p.id, p->id) == 0) {
			a->p = *p;
			a->p.document = NULL;
			return (0);
		}
	}
	if (q->n >= FLEET_AWAIT_MAX)
		return (-1);
	if (q->n == q->cap) {
		q->cap = q->cap == 0 ? 64 : 2 * q->cap;
		q->v = xreallocarray(q->v, q->cap, sizeof *q->v);
	}
	a = &q->v[q->n++];
	a->link = link;
	a->since_ms = now_ms;
	a->p = *p;
	a->p.document = NULL;
	return (0);
}

/* Take the frames kept for sha256, in order; the rest keep theirs. */
size_t
fleet_await_take(struct fleet_awaits *q, const char *sha256,
    struct fleet_await **out)
{
	size_t	i, kept = 0, n = 0;

	*out = NULL;
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].p.sha256, sha256) == 0)
			n++;
	}
	if (n == 0)
		return (0);
	*out = xreallocarray(NULL, n, sizeof **out);
	n = 0;
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].p.sha256, sha256) == 0)
			(*out)[n++] = q->v[i];
		else
			q->v[kept++] = q->v[i];
	}
	q->n = kept;
	fleet_want_sweep(q);
	return (n);
}

/* Forget the frames link carried: they come again when it reconnects. */
void
fleet_await_link_down(struct fleet_awaits *q, size_t link)
{
	size_t	i, kept = 0;

	for (i = 0; i < q->n; i++) {
		if (q->v[i].link != link)
			q->v[kept++] = q->v[i];
	}
	q->n = kept;
	fleet_want_sweep(q);
}

/* A want asked on link was refused with text: keep it to say so. */
void
fleet_await_refused(struct fleet_awaits *q, size_t link, const char *text)
{
	size_t	i;

	for (i = 0; i < q->nwants; i++) {
		if (q->wants[i].tries > 0 && q->wants[i].link == link)
			util_copy(q->wants[i].refused,
			    sizeof q->wants[i].refused, text);
	}
}

/* Queue the wants due now; see fleet-want.h. */
void
fleet_await_due(struct fleet_awaits *q, struct fleet_relays *r,
    int (*up)(void *, size_t), void *arg, int64_t now_ms)
{
	const struct fleet_await	*a;
	struct fleet_want		*w;
	struct proto_msg		 msg;
	size_t				 i;

	for (i = 0; i < q->n; i++) {
		if (now_ms - q->v[i].since_ms < FLEET_WANT_MS)
			continue;
		w = fleet_want_get(q, q->v[i].p.sha256);
		if ((w->asked_ms != 0 &&
		    now_ms - w->asked_ms < FLEET_WANT_AGAIN_MS) ||
		    w->tries >= FLEET_WANT_TRIES)
			continue;
		if ((a = fleet_await_pick(q, w, up, arg)) == NULL)
			continue;
		memset(&msg, 0, sizeof msg);
		msg.type = MSG_WANT;
		util_copy(msg.u.want.node, sizeof msg.u.want.node, a->p.node);
		util_copy(msg.u.want.sha256, sizeof msg.u.want.sha256,
		    w->sha256);
		if (fleet_relay_push(r, a->link, &msg) != 0)
			return;
		w->link = a->link;
		util_copy(w->node, sizeof w->node, a->p.node);
		w->asked_ms = now_ms;
		w->tries++;
		q->wanted++;
	}
}

/*
 * The frame whose node to ask for w's document: on a link that is up,
 * another than the one asked last if there is one; NULL when none is up.
 */
static const struct fleet_await *
fleet_await_pick(const struct fleet_awaits *q, const struct fleet_want *w,
    int (*up)(void *, size_t), void *arg)
{
	const struct fleet_await	*same = NULL;
	size_t				 i;

	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].p.sha256, w->sha256) != 0 ||
		    !up(arg, q->v[i].link))
			continue;
		if (w->tries == 0 || q->v[i].link != w->link)
			return (&q->v[i]);
		if (same == NULL)
			same = &q->v[i];
	}
	return (same);
}

/* The want for document sha256, made (not yet asked) if there is none. */
static struct fleet_want *
fleet_want_get(struct fleet_awaits *q, const char *sha256)
{
	struct fleet_want	*w;
	size_t			 i;

	for (i = 0; i < q->nwants; i++) {
		if (strcmp(q->wants[i].sha256, sha256) == 0)
			return (&q->wants[i]);
	}
	if (q->nwants == q->wantcap) {
		q->wantcap = q->wantcap == 0 ? 4 : 2 * q->wantcap;
		q->wants = xreallocarray(q->wants, q->wantcap,
		    sizeof *q->wants);
	}
	w = &q->wants[q->nwants++];
	memset(w, 0, sizeof *w);
	util_copy(w->sha256, sizeof w->sha256, sha256);
	return (w);
}

/* Drop the wants no frame kept aside waits on any more. */
static void
fleet_want_sweep(struct fleet_awaits *q)
{
	size_t	i, j, kept = 0;

	for (i = 0; i < q->nwants; i++) {
		for (j = 0; j < q->n; j++) {
			if (strcmp(q->v[j].p.sha256, q->wants[i].sha256) == 0)
				break;
		}
		if (j < q->n)
			q->wants[kept++] = q->wants[i];
	}
	q->nwants = kept;
}

/* A document asked for in vain too often; see fleet-want.h. */
int
fleet_await_give_up(struct fleet_awaits *q, int64_t now_ms,
    struct fleet_want *w, struct fleet_await **out, size_t *n)
{
	size_t	i;

	for (i = 0; i < q->nwants; i++) {
		if (q->wants[i].tries >= FLEET_WANT_TRIES &&
		    now_ms - q->wants[i].asked_ms >= FLEET_WANT_AGAIN_MS)
			break;
	}
	if (i == q->nwants)
		return (0);
	*w = q->wants[i];
	*n = fleet_await_take(q, w->sha256, out);
	for (i = 0; i < *n; i++)
		fleet_gone_note(q, &(*out)[i], w);
	return (1);
}

/* Remember a's command, given up with want w (once per command). */
static void
fleet_gone_note(struct fleet_awaits *q, const struct fleet_await *a,
    const struct fleet_want *w)
{
	struct fleet_gone	*g;
	size_t			 i, n;

	n = q->ngone < FLEET_GONE_MAX ? q->ngone : FLEET_GONE_MAX;
	for (i = 0; i < n; i++) {
		g = &q->gone[i];
		if (strcmp(g->id, a->p.id) == 0 &&
		    strcmp(g->want.sha256, w->sha256) == 0 &&
		    g->want.asked_ms == w->asked_ms) {
			g->nodes++;
			if (a->since_ms < g->since_ms)
				g->since_ms = a->since_ms;
			return;
		}
	}
	g = &q->gone[q->ngone++ % FLEET_GONE_MAX];
	util_copy(g->id, sizeof g->id, a->p.id);
	util_copy(g->node, sizeof g->node, a->p.node);
	g->nodes = 1;
	g->since_ms = a->since_ms;
	g->want = *w;
}

/* The latest command given up whose id starts with id; see .h. */
const struct fleet_gone *
fleet_await_gone(const struct fleet_awaits *q, const char *id)
{
	const struct fleet_gone	*g;
	size_t			 k, n;

	n = q->ngone < FLEET_GONE_MAX ? q->ngone : FLEET_GONE_MAX;
	for (k = 0; k < n; k++) {
		g = &q->gone[(q->ngone - 1 - k) % FLEET_GONE_MAX];
		if (g->id[0] != '\0' &&
		    strncmp(g->id, id, strlen(id)) == 0)
			return (g);
	}
	return (NULL);
}

/* The first frame kept for a command id starting with id; see .h. */
const struct fleet_await *
fleet_await_find(const struct fleet_awaits *q, const char *id, size_t *n,
    const struct fleet_want **w)
{
	const struct fleet_await	*first = NULL;
	size_t				 i;

	*n = 0;
	*w = NULL;
	for (i = 0; i < q->n; i++) {
		if (id != NULL && strncmp(q->v[i].p.id, id, strlen(id)) != 0)
			continue;
		if (first == NULL)
			first = &q->v[i];
		if (strcmp(q->v[i].p.sha256, first->p.sha256) == 0)
			(*n)++;
	}
	for (i = 0; first != NULL && i < q->nwants; i++) {
		if (strcmp(q->wants[i].sha256, first->p.sha256) == 0 &&
		    q->wants[i].tries > 0)
			*w = &q->wants[i];
	}
	return (first);
}

/* Free what is kept. */
void
fleet_await_free(struct fleet_awaits *q)
{
	free(q->v);
	free(q->wants);
	q->v = NULL;
	q->wants = NULL;
	q->n = q->cap = q->nwants = q->wantcap = 0;
}
