/*
 * due.c: a binary heap of nodes by the time each is next due; see due.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "due.h"
#include "util.h"

/* Add node ix due at at: it rises past the later ones above it. */
void
due_push(struct due_heap *h, int64_t at, size_t ix)
{
	size_t	i, up;

	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 64 : h->cap * 2;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	for (i = h->n++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (h->v[up].at <= at)
			break;
		h->v[i] = h->v[up];
	}
	h->v[i].at = at;
	h->v[i].ix = ix;
}

/* Take the earliest entry if due by now_ms; see due.h. */
int
due_pop(struct due_heap *h, int64_t now_ms, struct due *out)
{
	struct due	last;
	size_t		i = 0, c;

	if (h->n == 0 || h->v[0].at > now_ms)
		return (0);
	*out = h->v[0];
	last = h->v[--h->n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].at < h->v[c].at)
			c++;
		if (last.at <= h->v[c].at)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
	return (1);
}

/* Free the heap; see due.h. */
void
due_free(struct due_heap *h)
{
	free(h->v);
	memset(h, 0, sizeof *h);
}
