/*
 * syncpool.h: a few threads that fdatasync descriptors in parallel, so
 * that vigild's loop waits for the slowest of a pass's audit syncs
 * rather than for their sum; and that run a pass's other jobs (the
 * approvals' signature checks) over the cores.
 *
 * The threads make one system call on a descriptor they are handed, or
 * run one job on what it is handed, and store its result; they touch
 * nothing else.  The loop waits in syncpool_run() or syncpool_each()
 * while they work, so nothing it owns changes meanwhile.
 */
#ifndef VIGIL_SYNCPOOL_H
#define VIGIL_SYNCPOOL_H

#include <stddef.h>

struct syncpool;

/*
 * A pool of nthreads threads (0: the caller syncs alone).  Returns it,
 * or NULL and an allocated sentence in *cause.
 */
struct syncpool	*syncpool_new(size_t nthreads, char **cause);
void		 syncpool_free(struct syncpool *pool);

/*
 * fdatasync each of the n descriptors fds, on the pool's threads and
 * the caller's, and return when all are done: errors[i] gets 0, or the
 * errno of fds[i]'s failure.
 */
void		 syncpool_run(struct syncpool *pool, const int *fds,
		    int *errors, size_t n);

/*
 * Call job(arg, i) for each i below n, on the pool's threads and the
 * caller's, and return when all have returned.  A job must touch only
 * what arg hands its i-th call (and nothing the other calls touch).
 */
void		 syncpool_each(struct syncpool *pool,
		    void (*job)(void *, size_t), void *arg, size_t n);

#endif
