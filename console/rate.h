/*
 * rate.h: rates per second from cumulative counters.
 *
 * Backends report cumulative counters with their own monotonic uptime;
 * the console derives rates from the difference between readings over a
 * sliding window.  A lost message therefore never distorts a rate (the
 * next reading still covers the whole interval), and a counter or uptime
 * that goes backwards is a restart: history starts again from it.
 */
#ifndef VIGIL_RATE_H
#define VIGIL_RATE_H

#include <stdint.h>

#define RATE_SAMPLES	64

struct rate_sample {
	int64_t		t_ms;		/* node uptime_ms of the reading */
	uint64_t	value;		/* the cumulative counter */
};

/*
 * The ring of readings is allocated on the first: a model of 10,000 nodes
 * holds four rates a node, and a station never reads a router's counters,
 * so inline rings were 4 KiB a node, half of them never written, and a
 * frame that asks every node's rate walked all of it.
 */
struct rate {
	/* RATE_SAMPLES readings, a ring, oldest first; NULL before one */
	struct rate_sample	*s;
	unsigned		head;			/* index of oldest */
	unsigned		n;
	int64_t			window_ms;
	uint64_t		resets;		/* restarts seen */
	/*
	 * rate_per_sec() and rate_span_ms() as of the newest reading: a
	 * frame of 10,000 rows asks for them four times a node, and only
	 * rate_add() can change them.
	 */
	double			per_sec;
	int64_t			span_ms;
};

/*
 * Start empty, averaging over window_ms (e.g. 5000).  r holds no ring:
 * new, or given to rate_free() since.
 */
void	 rate_init(struct rate *r, int64_t window_ms);

/* Free what r holds; r may be rate_init()ed again. */
void	 rate_free(struct rate *r);

/*
 * Add a reading taken at node uptime t_ms (the first allocates the ring;
 * out of memory is fatal).  A value below the previous
 * one, or a time before it, is a counter reset: history restarts from
 * this reading and resets is counted; returns 1 then, else 0.  A reading
 * with the same time as the last replaces it.
 */
int	 rate_add(struct rate *r, int64_t t_ms, uint64_t value);

/*
 * The rate per second over the newest window_ms of readings (or all of
 * them when they span less).  Returns -1 when fewer than two readings
 * are held since the last reset.
 */
double	 rate_per_sec(const struct rate *r);

/*
 * The time, in the node's ms, between the two readings rate_per_sec()
 * measures between; -1 when fewer than two readings are held.  A rate
 * over a short span of a counter that moves in steps says little.
 */
int64_t	 rate_span_ms(const struct rate *r);

/* The newest reading's value, or 0 if none. */
uint64_t rate_last(const struct rate *r);

#endif
