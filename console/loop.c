/*
 * loop.c: the one event loop: a libwebsockets context with a client
 * vhost, the links, the tick that ages the model and runs the checks,
 * and the terminal for the curses console.
 *
 * Signal handlers only set a flag and call lws_cancel_service(), which
 * writes a byte to the context's wake pipe; the loop acts on the flags
 * between passes.  That keeps every change to the model inside the
 * loop, as the design asks, with no threads.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "auth.h"
#include "check.h"
#include "cmd.h"
#include "desk.h"
#include "fleet.h"
#include "link.h"
#include "loop.h"
#include "proto.h"
#include "proto-command.h"
#include "proto-plan.h"
#include "tui.h"
#include "util.h"

#define LOOP_TUI_PROTOCOL	"vigil-terminal"
#define LOOP_DRAW_MAX_MS	1000	/* redraw at least this often */
#define LOOP_TRIM_MS		5000	/* loop_trim() looks this often */

struct loop {
	struct fleet		*fleet;
	struct lws_context	*context;
	struct lws_vhost	*vhost;
	struct link		**links;
	size_t			 nlinks;

	lws_sorted_usec_list_t	 tick_sul;
	int64_t			 trim_ms;	/* loop_trim() looked */
	loop_tick_cb		*tick_cb;
	void			*tick_arg;
	int			 stop;

	struct tui		*tui;
	struct lws		*tui_wsi;
	struct desk		*desk;
	lws_sorted_usec_list_t	 draw_sul;
	int			 hung_up;	/* the terminal went away */
	const struct cmd_operator *op;		/* answers challenges */
};

static int	 loop_tui_callback(struct lws *, enum lws_callback_reasons,
		    void *, void *, size_t);
static void	 loop_tick(lws_sorted_usec_list_t *);
static void	 loop_trim(struct loop *, int64_t);
static void	 loop_wake(lws_sorted_usec_list_t *);
static void	 loop_draw(struct loop *);
static void	 loop_tui_action(struct loop *, const struct tui_action *);
static void	 loop_tui_command(struct loop *, const struct tui_action *);
static int	 loop_tui_draft(struct loop *, const struct tui_action *,
		    char **);
static void	 loop_signal(int);
static fleet_ask_cb loop_answer;
static void	 loop_signals_install(struct loop *, struct sigaction *);
static void	 loop_signals_restore(struct sigaction *);

static const struct lws_protocols loop_protocols[] = {
	{ PROTO_SUBPROTOCOL, link_callback, 0, 0, 0, NULL, 0 },
	{ LOOP_TUI_PROTOCOL, loop_tui_callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* The signals the loop handles, and what they were before a run. */
static const int loop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
static volatile sig_atomic_t	 loop_got_stop;	/* the signal, or 0 */
static volatile sig_atomic_t	 loop_got_winch;
static struct lws_context	*volatile loop_signal_context;

/* Make the context, the client vhost and the links. */
struct loop *
loop_create(struct fleet *fleet, const char *ca_file, char **cause)
{
	struct lws_context_creation_info	 info;
	struct loop				*loop;
	size_t					 i;
	int					 tls = 0;
	const char				*debug;

	debug = getenv("VIGIL_DEBUG");
	if (debug != NULL && *debug != '\0')
		lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, NULL);
	else
		lws_set_log_level(0, NULL);

	loop = xcalloc(1, sizeof *loop);
	loop->fleet = fleet;
	for (i = 0; i < fleet->nlinks; i++) {
		if (strncmp(fleet->links[i].url, "wss://", 6) == 0)
			tls = 1;
	}

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = loop_protocols;
	info.gid = -1;
	info.uid = -1;
	info.user = loop;
	/*
	 * TLS costs a CA store load; only pay it when a URL asks.  A CA
	 * file (--ca, the fleet file's) is trusted instead of the system's
	 * CAs, not beside them: libwebsockets loads those too unless told,
	 * so any public CA's certificate naming the host and its nodes
	 * passed, and parsing the system's bundle took some 40 ms of a
	 * cold start-up before the first connection.
	 */
	if (tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath = ca_file;
		if (ca_file != NULL)
			info.options |= LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
	}
	if ((loop->context = lws_create_context(&info)) == NULL) {
		*cause = xstrdup("the websocket library could not start "
		    "(out of memory or file descriptors?); set VIGIL_DEBUG=1 "
		    "to see its messages");
		free(loop);
		return (NULL);
	}
	loop->vhost = lws_get_vhost_by_name(loop->context, "default");
	if (loop->vhost == NULL) {
		*cause = xstrdup("the websocket library started without a "
		    "client vhost; set VIGIL_DEBUG=1 to see its messages");
		lws_context_destroy(loop->context);
		free(loop);
		return (NULL);
	}

	loop->links = xcalloc(fleet->nlinks, sizeof *loop->links);
	for (i = 0; i < fleet->nlinks; i++) {
		loop->links[i] = link_create(loop->context, loop->vhost, fleet,
		    i, cause);
		if (loop->links[i] == NULL) {
			loop_free(loop);
			return (NULL);
		}
		loop->nlinks = i + 1;
	}
	/* loop_got_stop stays: a stop signal noted before (see
	   loop_hold_signals()) ends the first run at once. */
	loop_got_winch = 0;
	return (loop);
}

/*
 * Give back to the system the heap a burst of links coming up left
 * behind, looking every LOOP_TRIM_MS.  A TLS handshake needs tens of
 * kilobytes for a moment; a thousand at once grow the heap by as many
 * megabytes, which the links' lasting state, allocated in between, keeps
 * from shrinking on its own.
 */
static void
loop_trim(struct loop *loop, int64_t now_ms)
{
	const struct fleet_link	*l;
	size_t			 i;
	int			 came_up = 0;

	if (now_ms - loop->trim_ms < LOOP_TRIM_MS)
		return;
	for (i = 0; i < loop->fleet->nlinks && !came_up; i++) {
		l = &loop->fleet->links[i];
		came_up = l->state == LINK_UP && l->since_ms >= loop->trim_ms;
	}
	loop->trim_ms = now_ms;
#ifdef __GLIBC__
	if (came_up)
		malloc_trim(0);
#endif
}

/* Close everything the loop owns. */
void
loop_free(struct loop *loop)
{
	size_t	i;

	if (loop == NULL)
		return;
	/* Links must not react to the closes the context makes. */
	for (i = 0; i < loop->nlinks; i++)
		link_stop(loop->links[i]);
	lws_sul_cancel(&loop->tick_sul);
	lws_sul_cancel(&loop->draw_sul);
	loop->tui = NULL;
	lws_context_destroy(loop->context);
	for (i = 0; i < loop->nlinks; i++)
		link_free(loop->links[i]);
	free(loop->links);
	free(loop);
}

/* Carry out the console's commands through desk. */
void
loop_attach_desk(struct loop *loop, struct desk *desk)
{
	loop->desk = desk;
}

/* Set the tick hook. */
void
loop_set_tick(struct loop *loop, loop_tick_cb *cb, void *arg)
{
	loop->tick_cb = cb;
	loop->tick_arg = arg;
}

/*
 * Adopt the console's key descriptor.  A duplicate is adopted because
 * libwebsockets closes what it adopted when the context goes, and the
 * console closes its own descriptor in tui_close().
 */
int
loop_attach_tui(struct loop *loop, struct tui *tui, char **cause)
{
	lws_sock_file_fd_type	fd;
	int			dupfd;

	if ((dupfd = dup(tui_fd(tui))) == -1) {
		*cause = xasprintf("cannot watch the terminal for keys: %s",
		    strerror(errno));
		return (-1);
	}
	memset(&fd, 0, sizeof fd);
	fd.filefd = dupfd;
	loop->tui_wsi = lws_adopt_descriptor_vhost(loop->vhost,
	    LWS_ADOPT_RAW_FILE_DESC, fd, LOOP_TUI_PROTOCOL, NULL);
	if (loop->tui_wsi == NULL) {
		close(dupfd);
		*cause = xstrdup("the event loop could not watch the terminal "
		    "for keys; set VIGIL_DEBUG=1 to see why");
		return (-1);
	}
	loop->tui = tui;
	return (0);
}

/* Ask the loop to end after this pass. */
void
loop_stop(struct loop *loop)
{
	loop->stop = 1;
	lws_cancel_service(loop->context);
}

/* Run the loop until told to stop. */
enum loop_end
loop_run(struct loop *loop, char **cause)
{
	struct sigaction	old[nitems(loop_signals)];
	enum loop_end		end = LOOP_STOPPED;

	loop->stop = 0;
	loop_signals_install(loop, old);
	lws_sul_schedule(loop->context, 0, &loop->tick_sul, loop_tick, 1);
	for (;;) {
		if (loop->stop) {
			if (loop->hung_up)
				end = LOOP_HUNGUP;
			break;
		}
		if (loop_got_stop) {
			/* The console's SIGHUP says its terminal went. */
			end = loop_got_stop == SIGHUP && loop->tui != NULL ?
			    LOOP_HUNGUP : LOOP_SIGNALLED;
			break;
		}
		if (loop_got_winch) {
			loop_got_winch = 0;
			if (loop->tui != NULL)
				tui_resized(loop->tui);
		}
		if (loop->tui != NULL)
			loop_draw(loop);
		if (lws_service(loop->context, 0) < 0) {
			*cause = xstrdup("the event loop failed; set "
			    "VIGIL_DEBUG=1 to see the websocket library's "
			    "messages");
			end = LOOP_FAILED;
			break;
		}
	}
	lws_sul_cancel(&loop->tick_sul);
	lws_sul_cancel(&loop->draw_sul);
	loop_signals_restore(old);
	return (end);
}

/*
 * Catch SIGINT, SIGTERM and SIGHUP for good: outside loop_run() they are
 * only noted, and end the next run at once.  A signal that comes while
 * the embedded fleet starts or stops then lets vigil stop it and remove
 * its directory, instead of killing vigil half way.
 */
void
loop_hold_signals(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = loop_signal;
	for (i = 0; i < nitems(loop_signals); i++) {
		if (loop_signals[i] != SIGWINCH)
			sigaction(loop_signals[i], &sa, NULL);
	}
}

/* The stop signal noted, or 0; see loop.h. */
int
loop_stop_noted(void)
{
	return ((int)loop_got_stop);
}

/* Is link index's websocket established? */
int
loop_link_up(const struct loop *loop, size_t index)
{
	if (index >= loop->nlinks)
		return (0);
	return (link_is_up(loop->links[index]));
}

/* Send a frame on link index. */
int
loop_send(struct loop *loop, size_t index, const char *frame, size_t len,
    char **cause)
{
	if (index >= loop->nlinks) {
		*cause = xasprintf("there is no backend link %zu", index);
		return (-1);
	}
	return (link_send(loop->links[index], frame, len, cause));
}

/* Answer every backend's challenge as op; see loop.h. */
void
loop_set_operator(struct loop *loop, const struct cmd_operator *op)
{
	loop->op = op;
	loop->fleet->ask = op != NULL && op->key != NULL ? loop_answer : NULL;
	loop->fleet->ask_arg = loop;
}

/*
 * Answer the challenge of link's hello as the loop's operator, at once,
 * so that the answer reaches the backend before anything else this
 * console sends on that connection.
 */
static void
loop_answer(void *arg, size_t link)
{
	struct loop		*loop = arg;
	struct fleet_link	*l = &loop->fleet->links[link];
	char			*frame, *cause = NULL;

	if ((frame = cmd_auth_frame(loop->op, l->challenge, l->auth_node,
	    &cause)) == NULL || loop_send(loop, link, frame, strlen(frame),
	    &cause) != 0) {
		auth_answered(loop->fleet, link, cause != NULL ? cause :
		    "the link is not connected");
		free(cause);
		free(frame);
		return;
	}
	free(frame);
	auth_answered(loop->fleet, link, NULL);
}

/* Send a frame on link index if it is up; see loop.h. */
int
loop_send_up(void *arg, size_t index, const char *frame, size_t len,
    char **cause)
{
	struct loop	*loop = arg;

	*cause = NULL;
	if (!loop_link_up(loop, index))
		return (-1);
	return (loop_send(loop, index, frame, len, cause));
}

/*
 * Send the frames the model queued for relaying (move-root's sealed key
 * and holder statement).  A link that will not take one is noted on the
 * node's link error; the source's seal times out and it keeps the root.
 */
void
loop_relay(struct loop *loop)
{
	struct fleet_relay	 r;
	char			*cause = NULL;

	while (fleet_move_take(loop->fleet, &r)) {
		if (loop_send_up(loop, r.link, r.frame, strlen(r.frame),
		    &cause) != 0) {
			util_format(loop->fleet->links[r.link].error,
			    sizeof loop->fleet->links[r.link].error, "could "
			    "not relay move-root: %s", cause != NULL ? cause :
			    "the link is down");
			free(cause);
			cause = NULL;
		}
		free(r.frame);
	}
}

/* The tick: age the model, run the checks, then the hook. */
static void
loop_tick(lws_sorted_usec_list_t *sul)
{
	struct loop	*loop = lws_container_of(sul, struct loop, tick_sul);
	int64_t		 now_ms = util_mono_ms(), wall_ms = util_wall_ms();
	char		*text;
	int		 ok;

	link_tick(loop->links, loop->nlinks, now_ms);
	check_tick(loop->fleet, now_ms, wall_ms);
	loop_trim(loop, now_ms);
	loop_relay(loop);
	if (loop->desk != NULL && desk_poll(loop->desk, now_ms, &text, &ok)) {
		if (loop->tui != NULL)
			tui_command_said(loop->tui, text, 1, ok);
		free(text);
	}
	if (loop->tick_cb != NULL)
		loop->tick_cb(loop->tick_arg, loop, now_ms, wall_ms);
	lws_sul_schedule(loop->context, 0, &loop->tick_sul, loop_tick,
	    (lws_usec_t)LOOP_TICK_MS * LWS_US_PER_MS);
}

/* A timer whose only job is to end the current wait. */
static void
loop_wake(lws_sorted_usec_list_t *sul)
{
	(void)sul;
}

/* Let the console draw, and wake the loop when it next wants to. */
static void
loop_draw(struct loop *loop)
{
	int64_t	next;

	next = tui_draw(loop->tui, loop->fleet, util_mono_ms(),
	    util_wall_ms());
	/*
	 * The console has taken note of the change (it keeps it pending
	 * until its next frame), so the model is clean again: left dirty,
	 * every pass would redraw, ten frames a second for nothing.
	 */
	loop->fleet->dirty = 0;
	if (next < 1)
		next = 1;
	if (next > LOOP_DRAW_MAX_MS)
		next = LOOP_DRAW_MAX_MS;
	lws_sul_schedule(loop->context, 0, &loop->draw_sul, loop_wake,
	    (lws_usec_t)next * LWS_US_PER_MS);
}

/* The terminal's raw descriptor: keys to read, or it went away. */
static int
loop_tui_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct loop		*loop;
	struct tui_action	 action;
	int			 got;

	(void)user;
	(void)in;
	(void)len;
	if (wsi == NULL)
		return (0);
	loop = lws_context_user(lws_get_context(wsi));
	if (loop == NULL || wsi != loop->tui_wsi || loop->tui == NULL)
		return (0);

	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		memset(&action, 0, sizeof action);
		while ((got = tui_input(loop->tui, loop->fleet, &action)) ==
		    1) {
			loop_tui_action(loop, &action);
			memset(&action, 0, sizeof action);
		}
		if (got == -1) {
			/* Nonzero has the library close it, as below. */
			loop->hung_up = 1;
			return (-1);
		}
		break;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		/* The terminal hung up: nobody is left to watch. */
		loop->tui_wsi = NULL;
		loop->hung_up = 1;
		loop_stop(loop);
		break;
	default:
		break;
	}
	return (0);
}

/* Carry out what an operator asked for at the console. */
static void
loop_tui_action(struct loop *loop, const struct tui_action *action)
{
	switch (action->type) {
	case TUI_QUIT:
		loop_stop(loop);
		break;
	case TUI_ACK_ALERT:
		/* A backend's warning is named by its rule or its code. */
		alert_acknowledge(&loop->fleet->alerts, action->rule,
		    action->node);
		break;
	case TUI_PROPOSE:
	case TUI_SIGN:
	case TUI_DISCARD:
	case TUI_APPROVE:
	case TUI_CANCEL:
	case TUI_FIRE:
		loop_tui_command(loop, action);
		break;
	case TUI_NONE:
		break;
	}
}

/*
 * Draft the proposal the dialog describes and hand its review to the
 * console; returns 0, or -1 with why not in *text.
 */
static int
loop_tui_draft(struct loop *loop, const struct tui_action *action,
    char **text)
{
	const char	*nodes[PROTO_MAX_TARGETS];
	size_t		 i;

	for (i = 0; i < action->nnodes && i < PROTO_MAX_TARGETS; i++)
		nodes[i] = action->nodes[i];
	if (desk_draft(loop->desk, &(struct desk_proposal){
	    .action = action->command, .nodes = nodes, .n = i,
	    .reason = action->reason, .wall_ms = util_wall_ms(),
	    .ttl_ms = COMMAND_DEFAULT_TTL_MS,
	    .req = proto_plan_applies(action->command) ? &action->req : NULL,
	    .to = strcmp(action->command, "move-root") == 0 ? action->to :
	    NULL }, text) != 0)
		return (-1);
	if (tui_command_review(loop->tui, *text,
	    desk_draft_document(loop->desk)) != 0)
		desk_discard(loop->desk);
	free(*text);
	*text = NULL;
	return (0);
}

/* Hand a command to the desk and tell the console what left. */
static void
loop_tui_command(struct loop *loop, const struct tui_action *action)
{
	char	*text = NULL;
	int	 rc;

	if (loop->desk == NULL) {
		tui_command_said(loop->tui, "nothing was signed or sent: this "
		    "console does not carry commands", 1, 0);
		return;
	}
	switch (action->type) {
	case TUI_PROPOSE:
		rc = loop_tui_draft(loop, action, &text);
		break;
	case TUI_SIGN:
		rc = desk_sign(loop->desk, action->document, util_wall_ms(),
		    &text);
		break;
	case TUI_DISCARD:
		desk_discard(loop->desk);
		return;
	case TUI_APPROVE:
		rc = desk_approve(loop->desk, action->id,
		    action->document, &text);
		break;
	case TUI_FIRE:
		rc = desk_fire(loop->desk, action->id, &text);
		break;
	default:
		rc = desk_cancel(loop->desk, action->id, &text);
		break;
	}
	if (text != NULL)
		tui_command_said(loop->tui, text, rc != 0, 0);
	free(text);
}

/* Note the signal and wake the loop; nothing else is safe here. */
static void
loop_signal(int sig)
{
	int	saved_errno = errno;

	if (sig == SIGWINCH)
		loop_got_winch = 1;
	else
		loop_got_stop = sig;
	if (loop_signal_context != NULL)
		lws_cancel_service(loop_signal_context);
	errno = saved_errno;
}

/* Install the handlers for a run, keeping the old ones in old. */
static void
loop_signals_install(struct loop *loop, struct sigaction *old)
{
	struct sigaction	sa;
	size_t			i;

	loop_signal_context = loop->context;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = loop_signal;
	for (i = 0; i < nitems(loop_signals); i++)
		sigaction(loop_signals[i], &sa, &old[i]);
	/* A reader that goes away is seen as a write error instead. */
	signal(SIGPIPE, SIG_IGN);
}

/* Put back the handlers the run replaced. */
static void
loop_signals_restore(struct sigaction *old)
{
	size_t	i;

	for (i = 0; i < nitems(loop_signals); i++)
		sigaction(loop_signals[i], &old[i], NULL);
	loop_signal_context = NULL;
}
