/*
 * syncpool.c: fdatasync, or any job, in parallel on a few threads (see
 * syncpool.h).
 *
 * A pass hands the pool n jobs and a function; the threads, and the
 * caller too, take the next one under the lock, run it outside it, and
 * count it done under it again.  The last one done wakes the caller.
 * A started run of syncs (syncpool_start) is the threads' alone: each
 * sync done is noted in the order it ended and wakes the loop, which
 * reaps them (syncpool_reap) under the lock.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncpool.h"
#include "util.h"

struct syncpool {
	pthread_t	*threads;
	size_t		 nthreads;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a run began, or quit */
	pthread_cond_t	 done;		/* the run's last sync ended */
	void		(*job)(void *, size_t); /* this run's; under lock */
	void		*arg;
	size_t		 n;
	size_t		 next;		/* the next to take */
	size_t		 finished;
	int		 quit;
	/* A started run: its syncs, which ended, and whom to wake. */
	struct syncpool_syncs {
		const int	*fds;
		int		*errors;
	}		 syncs;
	int		 started;
	size_t		*ended;		/* indices, as they ended */
	size_t		 endedcap;
	size_t		 reaped;
	void		(*wake)(void *);
	void		*wake_arg;
};

static void	*syncpool_main(void *);
static int	 syncpool_take(struct syncpool *, void (*)(void *), void *);
static void	 syncpool_sync(void *, size_t);
static void	 syncpool_begin(struct syncpool *, void (*)(void *, size_t),
		    void *, const struct syncpool_syncs *, size_t,
		    void (*)(void *), void *);

/*
 * With the lock held, run the run's jobs until none is left to take,
 * and poll(poll_arg) after each, if given, without the lock.  Returns
 * whether any was taken.
 */
static int
syncpool_take(struct syncpool *pool, void (*poll)(void *), void *poll_arg)
{
	void	(*job)(void *, size_t) = pool->job;
	void	*arg = pool->arg;
	size_t	 i;
	int	 took = 0;

	while (pool->next < pool->n) {
		i = pool->next++;
		pthread_mutex_unlock(&pool->lock);
		job(arg, i);
		if (poll != NULL)
			poll(poll_arg);
		pthread_mutex_lock(&pool->lock);
		if (pool->started) {
			pool->ended[pool->finished] = i;
			pool->wake(pool->wake_arg);
		}
		if (++pool->finished == pool->n)
			pthread_cond_signal(&pool->done);
		took = 1;
	}
	return (took);
}

/* A pool thread: wait for a run, take its descriptors, until quit. */
static void *
syncpool_main(void *arg)
{
	struct syncpool	*pool = arg;

	pthread_mutex_lock(&pool->lock);
	while (!pool->quit) {
		if (!syncpool_take(pool, NULL, NULL))
			pthread_cond_wait(&pool->work, &pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
	return (NULL);
}

/* A pool of nthreads; see syncpool.h. */
struct syncpool *
syncpool_new(size_t nthreads, char **cause)
{
	struct syncpool	*pool;
	sigset_t	 all, old;
	int		 error = 0;

	*cause = NULL;
	pool = xcalloc(1, sizeof *pool);
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->done, NULL);
	pool->threads = xcalloc(nthreads + 1, sizeof *pool->threads);

	/* Signals are the loop's: the threads block them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (pool->nthreads < nthreads) {
		error = pthread_create(&pool->threads[pool->nthreads], NULL,
		    syncpool_main, pool);
		if (error != 0)
			break;
		pool->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		*cause = xasprintf("cannot start a thread to sync audit logs: "
		    "%s; raise the process's thread limit (ulimit -u)",
		    strerror(error));
		syncpool_free(pool);
		return (NULL);
	}
	return (pool);
}

/* Stop the threads and free the pool; NULL is allowed. */
void
syncpool_free(struct syncpool *pool)
{
	size_t	i;

	if (pool == NULL)
		return;
	syncpool_wait(pool);
	pthread_mutex_lock(&pool->lock);
	pool->quit = 1;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_cond_destroy(&pool->done);
	pthread_cond_destroy(&pool->work);
	pthread_mutex_destroy(&pool->lock);
	free(pool->ended);
	free(pool->threads);
	free(pool);
}

/* Sync the i-th descriptor of a run of syncs (arg). */
static void
syncpool_sync(void *arg, size_t i)
{
	struct syncpool_syncs	*s = arg;

	s->errors[i] = fdatasync(s->fds[i]) == -1 ? errno : 0;
}

/* Sync n descriptors in parallel; see syncpool.h. */
void
syncpool_run(struct syncpool *pool, const int *fds, int *errors, size_t n)
{
	struct syncpool_syncs	s = { fds, errors };

	syncpool_each(pool, syncpool_sync, &s, n);
}

/* Run n jobs in parallel; see syncpool.h. */
void
syncpool_each(struct syncpool *pool, void (*job)(void *, size_t),
    void *arg, size_t n)
{
	syncpool_each_poll(pool, job, arg, n, NULL, NULL);
}

/* Run n jobs in parallel, polling between the caller's; see syncpool.h. */
void
syncpool_each_poll(struct syncpool *pool, void (*job)(void *, size_t),
    void *arg, size_t n, void (*poll)(void *), void *poll_arg)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->job = job;
	pool->arg = arg;
	pool->n = n;
	pool->next = 0;
	pool->finished = 0;
	if (n > 1)
		pthread_cond_broadcast(&pool->work);
	syncpool_take(pool, poll, poll_arg);
	while (pool->finished < pool->n)
		pthread_cond_wait(&pool->done, &pool->lock);
	pool->job = NULL;
	pool->arg = NULL;
	pool->n = pool->next = pool->finished = 0;
	pthread_mutex_unlock(&pool->lock);
}

/* Start n syncs on the threads alone; see syncpool.h. */
void
syncpool_start(struct syncpool *pool, const int *fds, int *errors, size_t n,
    void (*wake)(void *), void *arg)
{
	struct syncpool_syncs	s = { fds, errors };

	syncpool_begin(pool, syncpool_sync, NULL, &s, n, wake, arg);
}

/* Start n jobs on the threads alone; see syncpool.h. */
void
syncpool_start_each(struct syncpool *pool, void (*job)(void *, size_t),
    void *job_arg, size_t n, void (*wake)(void *), void *arg)
{
	syncpool_begin(pool, job, job_arg, NULL, n, wake, arg);
}

/*
 * Hand the threads alone a run of n: job(job_arg, i), or with syncs,
 * job over a copy of them the pool keeps for the run.
 */
static void
syncpool_begin(struct syncpool *pool, void (*job)(void *, size_t),
    void *job_arg, const struct syncpool_syncs *syncs, size_t n,
    void (*wake)(void *), void *arg)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&pool->lock);
	if (pool->nthreads == 0 || pool->n != 0)
		fatal("syncpool_start: %zu threads, a run of %zu under way",
		    pool->nthreads, pool->n);
	if (pool->endedcap < n) {
		pool->endedcap = n;
		pool->ended = xreallocarray(pool->ended, n,
		    sizeof *pool->ended);
	}
	if (syncs != NULL) {
		pool->syncs = *syncs;
		job_arg = &pool->syncs;
	}
	pool->job = job;
	pool->arg = job_arg;
	pool->n = n;
	pool->next = pool->finished = pool->reaped = 0;
	pool->started = 1;
	pool->wake = wake;
	pool->wake_arg = arg;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
}

/* n more jobs for the started run, if one is under way; see syncpool.h. */
int
syncpool_more(struct syncpool *pool, size_t n)
{
	pthread_mutex_lock(&pool->lock);
	if (!pool->started || pool->arg == &pool->syncs) {
		pthread_mutex_unlock(&pool->lock);
		return (0);
	}
	if (pool->endedcap < pool->n + n) {
		pool->endedcap = pool->n + n;
		pool->ended = xreallocarray(pool->ended, pool->endedcap,
		    sizeof *pool->ended);
	}
	pool->n += n;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	return (1);
}

/* The started syncs ended since the last call; see syncpool.h. */
size_t
syncpool_reap(struct syncpool *pool, size_t *out)
{
	size_t	n = 0;

	pthread_mutex_lock(&pool->lock);
	if (pool->started) {
		while (pool->reaped < pool->finished)
			out[n++] = pool->ended[pool->reaped++];
		if (pool->reaped == pool->n) {
			pool->started = 0;
			pool->job = NULL;
			pool->arg = NULL;
			pool->wake = NULL;
			pool->wake_arg = NULL;
			pool->n = pool->next = pool->finished = 0;
			pool->reaped = 0;
		}
	}
	pthread_mutex_unlock(&pool->lock);
	return (n);
}

/* Wait for the started run's syncs to end; see syncpool.h. */
void
syncpool_wait(struct syncpool *pool)
{
	pthread_mutex_lock(&pool->lock);
	while (pool->started && pool->finished < pool->n)
		pthread_cond_wait(&pool->done, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
}
