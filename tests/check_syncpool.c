/*
 * check_syncpool.c: the threads that sync vigild's audit logs and check
 * its approvals.  A started run of syncs is the threads' alone, wakes
 * its caller once per sync, and hands each sync back once, and so is
 * a started run of jobs; a run of jobs lets its caller see to other
 * things between its own jobs.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncpool.h"
#include "tests.h"
#include "util.h"

#define NFILES	12

static void	 count_wake(void *);
static void	 note_job(void *, size_t);
static void	 count_poll(void *);

static pthread_mutex_t	 wakes_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t		 wakes;

/* A sync ended: count it (on the pool's thread). */
static void
count_wake(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wakes_lock);
	wakes++;
	pthread_mutex_unlock(&wakes_lock);
}

/* Job i of a run: mark it done, in its own slot. */
static void
note_job(void *arg, size_t i)
{
	int	*done = arg;

	done[i]++;
}

/* The caller's poll between its jobs: count it. */
static void
count_poll(void *arg)
{
	size_t	*polls = arg;

	(*polls)++;
}

/*
 * Twelve files and one bad descriptor synced while the caller goes on:
 * each sync wakes it once, each is reaped once with its result, and
 * then the pool takes another run.
 */
START_TEST(started_syncs_are_each_reaped_once_with_their_result)
{
	struct syncpool	*pool;
	char		 dir[] = "/tmp/vigil-syncpool-XXXXXX", path[64];
	char		*cause = NULL;
	int		 fds[NFILES + 1], errors[NFILES + 1];
	size_t		 ended[NFILES + 1], seen[NFILES + 1], i, n, got = 0;
	int		 round;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/%zu", dir, i);
		fds[i] = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ne(fds[i], -1);
		ck_assert_int_eq(write(fds[i], "line\n", 5), 5);
	}
	fds[NFILES] = -1;
	pool = syncpool_new(4, &cause);
	ck_assert_msg(pool != NULL, "syncpool_new: %s", cause);

	for (round = 0; round < 2; round++) {
		memset(seen, 0, sizeof seen);
		memset(errors, 0xff, sizeof errors);
		wakes = 0;
		got = 0;
		syncpool_start(pool, fds, errors, NFILES + 1, count_wake,
		    NULL);
		syncpool_wait(pool);
		ck_assert_uint_eq(wakes, NFILES + 1);
		while ((n = syncpool_reap(pool, ended)) > 0) {
			for (i = 0; i < n; i++)
				seen[ended[i]]++;
			got += n;
		}
		ck_assert_uint_eq(got, NFILES + 1);
		for (i = 0; i <= NFILES; i++)
			ck_assert_uint_eq(seen[i], 1);
		for (i = 0; i < NFILES; i++)
			ck_assert_int_eq(errors[i], 0);
		ck_assert_int_eq(errors[NFILES], EBADF);
		/* The run is over: nothing more to reap. */
		ck_assert_uint_eq(syncpool_reap(pool, ended), 0);
	}
	syncpool_free(pool);
	for (i = 0; i < NFILES; i++) {
		close(fds[i]);
		snprintf(path, sizeof path, "%s/%zu", dir, i);
		unlink(path);
	}
	rmdir(dir);
}
END_TEST

/*
 * A run of jobs: each runs once, and the caller polls after each job it
 * ran itself, never more often.
 */
START_TEST(a_run_of_jobs_polls_between_the_callers_own)
{
	struct syncpool	*pool;
	char		*cause = NULL;
	int		 done[64];
	size_t		 polls = 0, i;

	pool = syncpool_new(3, &cause);
	ck_assert_ptr_nonnull(pool);
	memset(done, 0, sizeof done);
	syncpool_each_poll(pool, note_job, done, 64, count_poll, &polls);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(done[i], 1);
	ck_assert_uint_ge(polls, 1);
	ck_assert_uint_le(polls, 64);
	syncpool_free(pool);
}
END_TEST

/* A pool of nthreads running note_job over done[0..n), started. */
static struct syncpool *
start_jobs(size_t nthreads, int *done, size_t n)
{
	struct syncpool	*pool;
	char		*cause = NULL;

	pool = syncpool_new(nthreads, &cause);
	ck_assert_ptr_nonnull(pool);
	memset(done, 0, n * sizeof *done);
	wakes = 0;
	syncpool_start_each(pool, note_job, done, n, count_wake, NULL);
	return (pool);
}

/*
 * A started run of jobs (vigild's checks while its loop goes on): each
 * runs once, on the threads alone, wakes the caller once and is reaped
 * once; then a run of syncs may start on the same pool, and another of
 * jobs after it.
 */
START_TEST(started_jobs_are_each_reaped_once_then_the_pool_is_free)
{
	struct syncpool	*pool;
	int		 done[64], fd = -1, error = 0;
	size_t		 ended[64], i, n, got = 0;

	pool = start_jobs(3, done, 64);
	syncpool_wait(pool);
	ck_assert_uint_eq(wakes, 64);
	while ((n = syncpool_reap(pool, ended)) > 0) {
		for (i = 0; i < n; i++)
			ck_assert_int_eq(done[ended[i]], 1);
		got += n;
	}
	ck_assert_uint_eq(got, 64);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(done[i], 1);
	/* Free again: a run of syncs, then of jobs. */
	syncpool_start(pool, &fd, &error, 1, count_wake, NULL);
	syncpool_wait(pool);
	ck_assert_uint_eq(syncpool_reap(pool, ended), 1);
	ck_assert_int_eq(error, EBADF);
	syncpool_start_each(pool, note_job, done, 64, count_wake, NULL);
	syncpool_wait(pool);
	for (got = 0; (n = syncpool_reap(pool, ended)) > 0; got += n)
		continue;
	ck_assert_uint_eq(got, 64);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(done[i], 2);
	syncpool_free(pool);
}
END_TEST

/*
 * vigild's checks as a queue: jobs added to a started run while its
 * first ones may still run (syncpool_more) are each run and reaped once
 * with them, in the same run; once the run is reaped whole, there is
 * none to add to (the caller starts another), nor to a run of syncs.
 */
START_TEST(jobs_added_to_a_started_run_are_each_reaped_once)
{
	struct syncpool	*pool;
	int		 done[96], fd = -1, error = 0;
	size_t		 ended[96], i, n, got = 0;

	memset(done, 0, sizeof done);
	pool = start_jobs(2, done, 16);
	ck_assert_int_eq(syncpool_more(pool, 48), 1);
	/* Unreaped, the run lasts even if its jobs have all ended. */
	ck_assert_int_eq(syncpool_more(pool, 32), 1);
	syncpool_wait(pool);
	ck_assert_uint_eq(wakes, 96);
	while ((n = syncpool_reap(pool, ended)) > 0) {
		for (i = 0; i < n; i++)
			ck_assert_uint_lt(ended[i], 96);
		got += n;
	}
	ck_assert_uint_eq(got, 96);
	for (i = 0; i < 96; i++)
		ck_assert_int_eq(done[i], 1);
	ck_assert_int_eq(syncpool_more(pool, 1), 0);
	syncpool_start(pool, &fd, &error, 1, count_wake, NULL);
	ck_assert_int_eq(syncpool_more(pool, 1), 0);
	syncpool_wait(pool);
	ck_assert_uint_eq(syncpool_reap(pool, ended), 1);
	ck_assert_int_eq(syncpool_more(pool, 1), 0);
	syncpool_free(pool);
}
END_TEST

Suite *
syncpool_suite(void)
{
	Suite	*s = suite_create("syncpool");
	TCase	*tc = tcase_create("syncpool");

	tcase_add_test(tc,
	    started_syncs_are_each_reaped_once_with_their_result);
	tcase_add_test(tc, a_run_of_jobs_polls_between_the_callers_own);
	tcase_add_test(tc,
	    started_jobs_are_each_reaped_once_then_the_pool_is_free);
	tcase_add_test(tc, jobs_added_to_a_started_run_are_each_reaped_once);
	suite_add_tcase(s, tc);
	return (s);
}
