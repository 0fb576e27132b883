/*
 * syncpool.h: a few threads that fdatasync descriptors in parallel, so
 * that vigild's loop waits for the slowest of a pass's audit syncs
 * rather than for their sum; and that run a pass's other jobs (the
 * approvals' signature checks) over the cores.
 *
 * The threads make one system call on a descriptor they are handed, or
 * run one job on what it is handed, and store its result; they touch
 * nothing else.  The loop waits in syncpool_run() or syncpool_each()
 * while they work, so nothing it owns changes meanwhile; or it starts
 * the syncs (syncpool_start()) and goes on, leaving the descriptors and
 * the errors array alone until syncpool_reap() hands each sync back.
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

/*
 * The same, the caller calling poll(poll_arg) after each job it ran
 * itself (never while a job of its own runs), so that it can see to
 * other things meanwhile: what the other calls' jobs do not touch.
 */
void		 syncpool_each_poll(struct syncpool *pool,
		    void (*job)(void *, size_t), void *arg, size_t n,
		    void (*poll)(void *), void *poll_arg);

/*
 * Start fdatasync of each of the n descriptors fds on the pool's threads
 * alone and return at once; the pool must have threads and no run.
 * After each sync ends, wake(arg) is called on the thread that made it
 * (it must be safe there: libev's ev_async_send()).  fds and errors
 * stay the caller's to keep, untouched, until every sync is reaped.
 */
void		 syncpool_start(struct syncpool *pool, const int *fds,
		    int *errors, size_t n, void (*wake)(void *), void *arg);

/*
 * The same for any job: start job(job_arg, i) for each i below n on the
 * pool's threads alone and return at once, wake(arg) called after each
 * ends; reaped as syncs are (syncpool_reap), and a run of syncs or jobs
 * at a time.  What the jobs touch stays the caller's to keep, and to
 * leave alone, until every job is reaped.
 */
void		 syncpool_start_each(struct syncpool *pool,
		    void (*job)(void *, size_t), void *job_arg, size_t n,
		    void (*wake)(void *), void *arg);

/*
 * n more jobs for the started run of jobs (syncpool_start_each): its
 * job(job_arg, i) for the next n values of i, which job_arg must hold
 * already.  Returns 0, adding none, when no run of jobs is under way
 * (the last was reaped): start another then.
 */
int		 syncpool_more(struct syncpool *pool, size_t n);
/*
 * The started syncs that ended since the last call: their indices, in
 * the order they ended, in out (room for n), and errors[i] set for each.
 * Returns how many.  Once the last is reaped the run is over, and
 * another may start.
 */
size_t		 syncpool_reap(struct syncpool *pool, size_t *out);

/* Wait until every sync (or job) of the started run has ended. */
void		 syncpool_wait(struct syncpool *pool);

#endif
