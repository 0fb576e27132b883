/*
 * due.h: a heap of "when does this node next need looking at", earliest
 * first, so that a tick meets only the nodes whose time came instead of
 * walking a fleet of 100,000 (a certificate nearing its warning).
 */
#ifndef VIGIL_DUE_H
#define VIGIL_DUE_H

#include <stddef.h>
#include <stdint.h>

/* Node ix (an index in fleet.nodes) is due at monotonic time at. */
struct due {
	int64_t	 at;
	size_t	 ix;
};

struct due_heap {
	struct due	*v;	/* v[0] the earliest */
	size_t		 n;
	size_t		 cap;
};

/* Add node ix, due at at. */
void	 due_push(struct due_heap *h, int64_t at, size_t ix);

/*
 * Take the earliest entry off h into *out if it is due by now_ms.
 * Returns 1 then, 0 (leaving h as it was) when none is.
 */
int	 due_pop(struct due_heap *h, int64_t now_ms, struct due *out);

/* Free what h holds; it is empty afterwards. */
void	 due_free(struct due_heap *h);

#endif
