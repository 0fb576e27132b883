/*
 * loop.h: vigil's one event loop.
 *
 * A libwebsockets context owns every socket and timer: one client
 * websocket per backend (console/link.c), a tick every LOOP_TICK_MS that
 * ages the model and runs the checks, and, for the curses console, the
 * terminal's key descriptor adopted as a raw file.  No threads: signals
 * only set a flag and wake the loop.
 */
#ifndef VIGIL_LOOP_H
#define VIGIL_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct cmd_operator;
struct desk;
struct fleet;
struct loop;
struct tui;

#define LOOP_TICK_MS	100

/* How loop_run() ended. */
enum loop_end {
	LOOP_STOPPED = 0,	/* loop_stop(), or the console's quit */
	LOOP_SIGNALLED,		/* SIGINT, SIGTERM or SIGHUP */
	LOOP_FAILED,		/* the event library failed; see cause */
	LOOP_HUNGUP,		/* the console's terminal went away (end of
				   file, EIO or a hangup on it, or SIGHUP) */
};

/* Called after every tick, once the model has been aged and checked. */
typedef void loop_tick_cb(void *arg, struct loop *loop, int64_t now_ms,
    int64_t wall_ms);

/*
 * Make the loop for fleet and one link per fleet->links entry, which
 * start connecting when the loop runs; wss:// links trust the CA
 * certificates in ca_file, or the system's when it is NULL.  Host
 * names are looked up here, before the loop runs; a link whose host is
 * unknown stays down, saying so.  Returns the loop, or NULL and an
 * allocated sentence in *cause (the event library could not start, or
 * a link's URL is unusable).
 */
struct loop	*loop_create(struct fleet *fleet, const char *ca_file,
		    char **cause);

/* Close every connection and free the loop (not the fleet). */
void		 loop_free(struct loop *loop);

/* Call cb(arg, ...) after every tick; NULL stops that. */
void		 loop_set_tick(struct loop *loop, loop_tick_cb *cb, void *arg);

/*
 * Drive the curses console from this loop: adopt its key descriptor,
 * draw it every pass and when it asks, pass it SIGWINCH, carry out its
 * actions.  Returns 0, or -1 and an allocated sentence in *cause.
 */
int		 loop_attach_tui(struct loop *loop, struct tui *tui,
		    char **cause);

/*
 * Carry out the console's command actions (propose, approve, cancel)
 * through desk, following their answers on every tick.  Without a desk
 * they are refused in words.
 */
void		 loop_attach_desk(struct loop *loop, struct desk *desk);

/*
 * Answer each backend's challenge as op (its name and key), as each
 * hello asks; op must outlive the loop.  NULL, or an op without a key,
 * answers none: backends then see an unnamed console.
 */
void		 loop_set_operator(struct loop *loop,
		    const struct cmd_operator *op);

/* End loop_run() after the current pass. */
void		 loop_stop(struct loop *loop);

/*
 * Run until loop_stop(), the console quits or its terminal goes away, or
 * SIGINT, SIGTERM or SIGHUP arrives (handlers are installed for the run
 * and restored after).  Returns how it ended; on LOOP_FAILED an
 * allocated sentence is in *cause.
 */
enum loop_end	 loop_run(struct loop *loop, char **cause);

/*
 * From now until exit, SIGINT, SIGTERM and SIGHUP outside loop_run() are
 * noted rather than fatal, and end the next loop_run() at once, so that
 * what vigil started (the embedded fleet) is always cleaned up.
 */
void		 loop_hold_signals(void);

/* The stop signal noted (SIGINT, SIGTERM or SIGHUP), or 0. */
int		 loop_stop_noted(void);

/* Is backend link index's websocket established now? */
int		 loop_link_up(const struct loop *loop, size_t index);

/*
 * Send one text frame to backend link index (see link_send()).  Returns
 * 0, or -1 and an allocated sentence in *cause (no such link, not
 * connected, too large, or its queue is full).
 */
int		 loop_send(struct loop *loop, size_t index, const char *frame,
		    size_t len, char **cause);

/*
 * loop_send() on link index of the loop arg when its websocket is up;
 * -1 with NULL in *cause when it is not.  The send function the desk
 * and the headless commands are given (cmd_send_cb).
 */
int		 loop_send_up(void *arg, size_t index, const char *frame,
		    size_t len, char **cause);

/* Send the frames the fleet model queued for relaying (move-root). */
void	 loop_relay(struct loop *loop);

#endif
