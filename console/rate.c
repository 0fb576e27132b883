/*
 * rate.c: rates per second from cumulative counters.
 *
 * Only differences between two readings of a cumulative counter make a
 * rate.  Picking the two readings by the node's own uptime, not by when
 * frames arrived, is what makes a lost message harmless: the next
 * reading still covers the whole interval, and queueing on the network
 * does not bend the figure.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "rate.h"
#include "util.h"

/*
 * Rings are cut from slabs of 2 MB, in a huge page where the system has
 * them: a start-up of 20,000 nodes takes some 40,000 rings of 1 KB, and
 * each 4 KB page of them first touched was a page fault, a trip out of
 * the virtual machine.  A freed ring goes on a free list, linked
 * through its own bytes; slabs are kept for the process's life.
 */
#define RATE_SLAB_BYTES	(2 << 20)
#define RATE_RING_BYTES	(RATE_SAMPLES * sizeof(struct rate_sample))

static char	*rate_slab;		/* the slab rings are cut from */
static size_t	 rate_slab_used;	/* bytes of it cut */
static void	*rate_free_rings;	/* rings freed, each holding the next */

static const struct rate_sample *rate_at(const struct rate *r, unsigned i);
static struct rate_sample *rate_ring_new(void);
static void	 rate_ring_free(struct rate_sample *);
static const struct rate_sample *rate_base(const struct rate *r);
static void	 rate_push(struct rate *r, int64_t t_ms, uint64_t value);
static void	 rate_update(struct rate *r);

/* The i-th held reading, oldest first. */
static const struct rate_sample *
rate_at(const struct rate *r, unsigned i)
{
	return (&r->s[(r->head + i) % RATE_SAMPLES]);
}

/* Append a reading, dropping the oldest when the ring is full. */
static void
rate_push(struct rate *r, int64_t t_ms, uint64_t value)
{
	struct rate_sample	*s;

	if (r->n == RATE_SAMPLES) {
		r->head = (r->head + 1) % RATE_SAMPLES;
		r->n--;
	}
	if (r->s == NULL)
		r->s = rate_ring_new();
	s = &r->s[(r->head + r->n) % RATE_SAMPLES];
	s->t_ms = t_ms;
	s->value = value;
	r->n++;
}

/* A zeroed ring of RATE_SAMPLES readings; see rate_slab. */
static struct rate_sample *
rate_ring_new(void)
{
	void	*ring;

	if ((ring = rate_free_rings) != NULL)
		memcpy(&rate_free_rings, ring, sizeof rate_free_rings);
	else {
		if (rate_slab == NULL || rate_slab_used + RATE_RING_BYTES >
		    RATE_SLAB_BYTES) {
			if (posix_memalign(&ring, RATE_SLAB_BYTES,
			    RATE_SLAB_BYTES) != 0)
				fatal("%s: out of memory", __func__);
#ifdef MADV_HUGEPAGE
			(void)madvise(ring, RATE_SLAB_BYTES, MADV_HUGEPAGE);
#endif
			rate_slab = ring;
			rate_slab_used = 0;
		}
		ring = rate_slab + rate_slab_used;
		rate_slab_used += RATE_RING_BYTES;
	}
	memset(ring, 0, RATE_RING_BYTES);
	return (ring);
}

/* Put a ring back for the next rate_ring_new(); NULL is none. */
static void
rate_ring_free(struct rate_sample *ring)
{
	if (ring == NULL)
		return;
	memcpy(ring, &rate_free_rings, sizeof rate_free_rings);
	rate_free_rings = ring;
}

/* Start empty, averaging over window_ms. */
void
rate_init(struct rate *r, int64_t window_ms)
{
	memset(r, 0, sizeof *r);
	r->window_ms = window_ms > 0 ? window_ms : 1;
	rate_update(r);
}

/* Free r's ring; it holds no readings after. */
void
rate_free(struct rate *r)
{
	rate_ring_free(r->s);
	r->s = NULL;
	r->head = r->n = 0;
	rate_update(r);
}

/*
 * Add a reading at node uptime t_ms; 1 when it was a reset (history
 * restarts from it), else 0.  A reading at the time of the last one
 * replaces it.
 */
int
rate_add(struct rate *r, int64_t t_ms, uint64_t value)
{
	struct rate_sample	*last;

	if (r->n == 0) {
		rate_push(r, t_ms, value);
		rate_update(r);
		return (0);
	}
	last = &r->s[(r->head + r->n - 1) % RATE_SAMPLES];
	if (value < last->value || t_ms < last->t_ms) {
		/* The node restarted: old readings say nothing about now. */
		r->head = 0;
		r->n = 0;
		r->resets++;
		rate_push(r, t_ms, value);
		rate_update(r);
		return (1);
	}
	if (t_ms == last->t_ms) {
		last->value = value;
		rate_update(r);
		return (0);
	}
	rate_push(r, t_ms, value);
	rate_update(r);
	return (0);
}

/*
 * The reading rate_per_sec() measures from: the latest one at least
 * window_ms older than the newest, or the oldest held when they span
 * less.  r holds two readings or more.
 */
static const struct rate_sample *
rate_base(const struct rate *r)
{
	const struct rate_sample	*newest = rate_at(r, r->n - 1);
	unsigned			 i;

	for (i = r->n - 1; i-- > 0;) {
		if (newest->t_ms - rate_at(r, i)->t_ms >= r->window_ms)
			return (rate_at(r, i));
	}
	return (rate_at(r, 0));
}

/*
 * Work out what rate_per_sec() and rate_span_ms() answer from the
 * readings held: the rate between the newest reading and rate_base()'s,
 * and the node time between them; -1 both with fewer than two readings.
 */
static void
rate_update(struct rate *r)
{
	const struct rate_sample	*newest, *base;

	if (r->n < 2) {
		r->per_sec = -1;
		r->span_ms = -1;
		return;
	}
	newest = rate_at(r, r->n - 1);
	base = rate_base(r);
	r->span_ms = newest->t_ms - base->t_ms;
	/* Times strictly increase within a history, so this is > 0. */
	r->per_sec = (double)(newest->value - base->value) * 1000.0 /
	    (double)r->span_ms;
}

/*
 * The rate per second between the newest reading and rate_base()'s; -1
 * with fewer than two readings.
 */
double
rate_per_sec(const struct rate *r)
{
	return (r->per_sec);
}

/* The node time rate_per_sec() spans, in ms; -1 with fewer than two. */
int64_t
rate_span_ms(const struct rate *r)
{
	return (r->span_ms);
}

/* The newest reading's value, or 0 if none. */
uint64_t
rate_last(const struct rate *r)
{
	if (r->n == 0)
		return (0);
	return (rate_at(r, r->n - 1)->value);
}
