/*
 * bigmem.h: the model's large arrays of nodes and links in memory the
 * console maps itself, 2 MB aligned and advised to the kernel's huge
 * pages, so that the tick meeting 10,000 nodes walks a few dozen page
 * tables, not one per node (see BENCH.md, "Stale tick, after
 * h-stale3").  Growth moves the array, as realloc may: no pointer into
 * it lives across a growth.
 */
#ifndef VIGIL_BIGMEM_H
#define VIGIL_BIGMEM_H

#include <stddef.h>

/*
 * The array p of oldn elements of size bytes (p NULL when oldn is 0),
 * grown to hold newn (> oldn), its first oldn elements kept; the rest
 * is zeroed.  Dies on out-of-memory, as xreallocarray does.
 */
void	*bigmem_grow(void *p, size_t oldn, size_t newn, size_t size);

/* Give back array p of n elements of size bytes (NULL: nothing). */
void	 bigmem_free(void *p, size_t n, size_t size);

#endif
