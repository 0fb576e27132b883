/*
 * bench-run.h: the processes a bench section starts and ends.  Every
 * child dies with the bench (PR_SET_PDEATHSIG), every one is reaped on
 * every path, and a fleet's temporary directory goes with it.
 */
#ifndef VIGIL_BENCH_RUN_H
#define VIGIL_BENCH_RUN_H

#include <sys/types.h>

#include "urls.h"

/*
 * From vigil-bench.c: print one figure beside its reference (0: none)
 * and target, counting it if missed; or say why a figure has no value,
 * counting it missed.
 */
void	 bench_row(const char *what, double value, const char *unit,
	    double ref, const char *target, int ok);
void	 bench_none(const char *what, const char *why);

/* A real vigild fleet in a temporary directory of its own. */
struct brun_fleet {
	char		 dir[32];	/* /tmp/vigil-bench.XXXXXX */
	char		 file[64];	/* dir/fleet, its fleet file */
	pid_t		 pid;		/* vigild; -1: not running */
	double		 file_s;	/* start until the fleet file came */
	struct urls	 urls;		/* read from the fleet file */
};

/*
 * Fork a child that ends with the bench (so a bench that fails or is
 * interrupted leaves nothing running).  Returns 0 in the child.
 */
pid_t	 brun_fork(void);

/*
 * Serve in a child: serve(arg, fd) writes nports ports (ints) to fd,
 * then serves for ever.  Returns the child's pid, its ports in ports;
 * a child that did not start is reaped and the bench ends.
 */
typedef void brun_serve_cb(void *arg, int fd);
pid_t	 brun_serve(brun_serve_cb *serve, void *arg, int *ports, int nports);

/*
 * Run path with argv in a child, its standard output to out and its
 * standard error to err (NULL: /dev/null).  Returns its pid.
 */
pid_t	 brun_spawn(const char *path, char *const *argv, const char *out,
	    const char *err);

/* End child pid: SIGTERM, then SIGKILL after wait_s; reap it. */
void	 brun_end(pid_t pid, double wait_s);

/* Reap child pid, which is to end by itself; ended after wait_s. */
void	 brun_reap(pid_t pid, double wait_s);

/* Monotonic seconds; process pid's CPU seconds (user + system) so far. */
double	 brun_now_s(void);
double	 brun_proc_cpu(pid_t pid);

/*
 * CPU seconds of pid and of its children (a vigild fleet --gateways
 * and its gateway processes) so far.
 */
double	 brun_tree_cpu(pid_t pid);

/* Make fl's temporary directory; fl is otherwise empty. */
void	 brun_fleet_init(struct brun_fleet *fl);

/*
 * Start bindir/vigild fleet --fleet-file fl->file with the options in
 * args (NULL-terminated), its standard error in fl->dir/vigild.log;
 * wait up to wait_s for its fleet file and read it.  Returns 0, or -1
 * with the figure what given as missed (bench_none) and vigild ended.
 */
int	 brun_fleet_start(struct brun_fleet *fl, const char *bindir,
	    const char *const *args, double wait_s, const char *what);

/*
 * End fl's vigild (if running), forget its URLs and remove its
 * directory (kept, and said, when BENCH_KEEP is set).
 */
void	 brun_fleet_stop(struct brun_fleet *fl);

#endif
