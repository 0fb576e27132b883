/*
 * bench-ws.h: the benchmark's own websocket ends.  A frame source (a
 * libwebsockets server in a child process that writes prepared frames
 * as fast as the socket takes them) and one client that does what it is
 * told with each frame: drop it, parse it with jansson, or hand it to
 * the console's model.  The first two are the references the console's
 * ingest is measured against.
 */
#ifndef VIGIL_BENCH_WS_H
#define VIGIL_BENCH_WS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct fleet;

enum bws_mode {
	BWS_DROP = 0,	/* read each frame and drop it */
	BWS_JSON,	/* json_loadb each frame, then drop it */
	BWS_FLEET,	/* fleet_receive each frame (the console's path) */
};

/* What a client run saw. */
struct bws_result {
	uint64_t	frames;		/* frames received */
	uint64_t	bytes;
	double		seconds;	/* first connection to the last
					   frame counted */
	double		first_s;	/* first connection to the first
					   frame */
	size_t		nfirst;		/* connections that delivered
					   their first frame */
	double		first_all_s;	/* until every connection had */
	size_t		nfull;		/* connections that delivered all
					   they were to */
	long		rss_kb;		/* resident, links still held */
	int		ok;		/* 0: it timed out or failed */
};

#include "proto.h"

/* Frames the bench sends: a hello, the nth stats of router or station i. */
char	*bws_hello(enum proto_role role, int i, int link_nodes);
char	*bws_router_stats(int i, uint64_t n);
char	*bws_station_stats(int i, uint64_t n);

/* Resident set size of this process, or of process pid, in KiB. */
long	 bws_rss_kb(void);
long	 bws_pid_rss_kb(pid_t pid);

/*
 * Start a frame source on 127.0.0.1 (port from the kernel) in a child:
 * each connection gets the hellos of nodes nodes (names counted on from
 * those of earlier connections) and then their stats frames over and
 * over.  Returns the child's pid (brun_end() it) and sets *port.
 */
pid_t	bws_source_start(int nodes, int *port);

/*
 * Open nconns connections to each of the nurls URLs and read until
 * limit frames in all arrived (0: until each connection delivered one
 * frame), or timeout_s passed.  fleet is for BWS_FLEET (one link per
 * connection is added to it).
 */
void	bws_client_run(enum bws_mode mode, char *const *urls, size_t nurls,
	    size_t nconns, uint64_t limit, double timeout_s,
	    struct fleet *fleet, struct bws_result *res);

/*
 * The drain-only client on one connection to each of the nurls URLs,
 * until each delivered counts[i] frames (a gateway's hellos, which come
 * first: its count of nodes; 0 or NULL: one frame), or timeout_s passed.
 */
void	bws_client_hellos(char *const *urls, const size_t *counts,
	    size_t nurls, double timeout_s, struct bws_result *res);

/*
 * Trust the CA certificate at path (kept, not copied; NULL for the
 * system's) in the clients' wss:// connections.  Their host names are
 * not checked: the bench dials addresses.
 */
void	bws_client_ca(const char *path);

/*
 * With on, the clients' connections ping their server as the console's
 * links do (after LINK_PING_MS without a frame or pong; hung up after
 * LINK_HANGUP_MS), so that a server watched by one does the work a
 * console gives it.
 */
void	bws_client_pings(int on);

/*
 * As bws_client_run() with BWS_FLEET, until until(arg, fleet) returns 1
 * (asked after every frame) or timeout_s passed.  A connection lost
 * before its first frame (a server busy with many handshakes) is made
 * again BWS_AGAIN_MS later, as a console would, on the same link of the
 * model.
 */
typedef int bws_until_cb(void *arg, struct fleet *fleet);
void	bws_client_watch(char *const *urls, size_t nurls, double timeout_s,
	    struct fleet *fleet, bws_until_cb *until, void *arg,
	    struct bws_result *res);

/*
 * From until (during bws_client_watch()), the console's way out: queue
 * frame (len bytes) on the watch's connection that is fleet link link,
 * written when its socket takes it, as the console's link_send() does.
 * A cmd_send_cb (arg unused): returns 0, or -1 with NULL in *cause
 * when that connection is not up, or with a sentence (allocated) when
 * the few frames it keeps already wait on it.
 */
int	 bws_watch_send(void *arg, size_t link, const char *frame,
	    size_t len, char **cause);

#endif
