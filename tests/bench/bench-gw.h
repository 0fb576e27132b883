/*
 * bench-gw.h: the gateway figures of make bench: the real console
 * watching 100,000 nodes through 20 stand-in gateways, and vigild's own
 * gateways at the 20,000 nodes it simulates (see bench-gw.c, BENCH.md).
 */
#ifndef VIGIL_BENCH_GW_H
#define VIGIL_BENCH_GW_H

/*
 * Print the gateway figures for the programs in bindir: start-up to the
 * full report, the console's CPU and its memory per node.
 */
void	bench_gateways(const char *bindir);

#endif
