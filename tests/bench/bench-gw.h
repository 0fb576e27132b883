/*
 * bench-gw.h: the gateway figures of make bench: the real console
 * watching 100,000 nodes through 20 stand-in gateways, and vigild's own
 * gateways at the 20,000 nodes it simulates (see bench-gw.c, BENCH.md).
 */
#ifndef VIGIL_BENCH_GW_H
#define VIGIL_BENCH_GW_H

#include <sys/types.h>

/*
 * Print the gateway figures for the programs in bindir: start-up to the
 * full report, the console's CPU and its memory per node.
 */
void	bench_gateways(const char *bindir);

/*
 * From vigil-bench.c: print one figure beside its reference (0: none)
 * and target, counting it if missed; a process's CPU seconds so far.
 */
void	bench_row(const char *what, double value, const char *unit,
	    double ref, const char *target, int ok);
double	bench_proc_cpu(pid_t pid);

#endif
