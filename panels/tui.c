/*
 * tui.c: the curses console: the terminal, the frame (header, alert bar,
 * view names, the current view, status line), keys, and when to draw.
 *
 * The terminal is opened twice on /dev/tty: one descriptor for keys,
 * which the event loop may make non-blocking, and one for output, which
 * stays blocking.  stdin and stdout are never touched, so a slow SSH
 * link can never leave ncurses spinning on partial writes.
 *
 * A frame is drawn only when the model changed, a key was pressed, the
 * terminal was resized or a second passed (countdowns), and at most 10
 * times a second.  It is written with one doupdate(): curses compares it
 * with what the terminal shows and sends only the difference, nothing at
 * all for an unchanged frame.
 */
#include <sys/ioctl.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-doc.h"
#include "draw.h"
#include "fleet.h"
#include "form.h"
#include "keys.h"
#include "panel.h"
#include "proto-command.h"
#include "tui.h"
#include "util.h"

#define TUI_FRAME_MS	100	/* at most 10 frames a second */
#define TUI_MESSAGE_MS	6000	/* how long a message stays */

enum tui_view {
	VIEW_FLEET = 0,
	VIEW_ROUTERS,
	VIEW_STATIONS,
	VIEW_CERTS,
	VIEW_ALERTS,
	VIEW_PROPOSALS,
	VIEW_DETAIL,
	VIEW_HELP,
	VIEW_COUNT
};

/* The tabs as drawn, for drawing them and for finding a click. */
struct tui_tab_list {
	struct draw_tab	 tabs[VIEW_COUNT];
	enum tui_view	 views[VIEW_COUNT];
	char		 proposals[32];	/* "Proposals (1)" */
};

struct tui {
	SCREEN		*screen;
	FILE		*in;		/* keys: /dev/tty, its own open */
	FILE		*out;		/* output: /dev/tty, another open */
	WINDOW		*keys_win;	/* read keys here, never drawn */
	int		 color;
	int		 ascii;
	char		 title[64];
	char		*config;	/* key config path */
	struct keymap	 keys;
	char		 operator[PROTO_OPERATOR_MAX];	/* "" no key */
	char		*join;		/* how bob joins the demo, or NULL */
	char		 operator_key[PROTO_KEY_MAX];	/* base64, "" */

	struct form		 form;	/* the command dialog */
	struct panel_marks	 marks;	/* targets of the next proposal */

	struct panel	 panels[VIEW_COUNT];
	enum tui_view	 view;
	enum tui_view	 back;		/* where Escape returns to */

	int		 editing;	/* typing a filter */
	int		 prompting;	/* typing a command after ":" */
	char		 prompt[PANEL_MESSAGE_MAX];
	char		 saved_filter[PANEL_FILTER_MAX];
	char		 message[PANEL_MESSAGE_MAX];
	int64_t		 message_until;	/* monotonic ms */
	int64_t		 last_now;	/* last tui_draw's now_ms */
	int64_t		 last_wall;	/* and its wall_ms */

	int		 gone;		/* the terminal hung up */
	int		 pending;	/* something to draw */
	int		 resized;
	int64_t		 last_frame;	/* monotonic ms */
	int64_t		 last_second;	/* now_ms / 1000 of last frame */
};

static const struct panel_ops *const tui_views[VIEW_COUNT] = {
	[VIEW_FLEET] = &panel_fleet_ops,
	[VIEW_ROUTERS] = &panel_routers_ops,
	[VIEW_STATIONS] = &panel_stations_ops,
	[VIEW_CERTS] = &panel_certs_ops,
	[VIEW_ALERTS] = &panel_alerts_ops,
	[VIEW_PROPOSALS] = &panel_proposals_ops,
	[VIEW_DETAIL] = &panel_node_ops,
	[VIEW_HELP] = &panel_help_ops,
};

static int	 tui_check_size(struct tui *tui);
static void	 tui_frame(struct tui *tui, const struct fleet *fleet,
		    int64_t now_ms);
static void	 tui_status(struct tui *tui, const struct draw_layout *l,
		    int64_t now_ms);
static int	 tui_edit(struct tui *tui, int ch);
static int	 tui_action(struct tui *tui, const struct fleet *fleet,
		    enum keys_action action, struct tui_action *out);
static void	 tui_show(struct tui *tui, enum tui_view view);
static size_t	 tui_tabs(struct tui *tui, const struct fleet *fleet,
		    struct tui_tab_list *t, size_t *current);
static void	 tui_mouse(struct tui *tui, const struct fleet *fleet,
		    const MEVENT *ev);
static void	 tui_say(struct tui *tui, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 tui_ctx(struct tui *tui, const struct fleet *fleet,
		    struct panel_ctx *ctx);
static void	 tui_fill(struct tui *tui, const struct fleet *fleet);
static int	 tui_form_key(struct tui *tui, int ch,
		    struct tui_action *out);
static void	 tui_mark(struct tui *tui);
static void	 tui_open_detail(struct tui *tui, struct panel *p);
static void	 tui_back(struct tui *tui, struct panel *p);
static void	 tui_propose(struct tui *tui, const char *command);
static void	 tui_fire(struct tui *tui, const struct fleet *fleet);
static void	 tui_decide(struct tui *tui, const struct fleet *fleet,
		    int approving);
static int	 tui_can_sign(struct tui *tui, const char *what);
static int	 tui_prompt_key(struct tui *tui, const struct fleet *fleet,
		    int ch);
static void	 tui_prompt_run(struct tui *tui, const struct fleet *fleet);
static int	 tui_prompt_node(const struct fleet *fleet, const char *word,
		    char *id, size_t len);
static int	 tui_prompt_to(struct tui *, const struct fleet *,
		    const char *, const char *, char *, size_t);
static void	 tui_define_keys(void);
static int	 tui_hung_up(struct tui *tui);

/*
 * What today's terminal emulators send for the keys an old terminfo
 * entry (vt100) does not list, so that PageDown under TERM=vt100 is
 * PageDown and not Escape followed by "[6~".
 */
static const struct {
	const char	*seq;
	int		 key;
} tui_extra_keys[] = {
	{ "\033[5~", KEY_PPAGE },
	{ "\033[6~", KEY_NPAGE },
	{ "\033[1~", KEY_HOME },
	{ "\033[H", KEY_HOME },
	{ "\033OH", KEY_HOME },
	{ "\033[4~", KEY_END },
	{ "\033[F", KEY_END },
	{ "\033OF", KEY_END },
	{ "\033[2~", KEY_IC },
	{ "\033[3~", KEY_DC },
	{ "\033[Z", KEY_BTAB },
	{ "\033OP", KEY_F(1) },
	{ "\033[11~", KEY_F(1) },
};

/*
 * Open the terminal.  Everything that can be refused (the key config,
 * the terminal type) is checked before the screen is taken over, so a
 * refusal prints as an ordinary sentence on an ordinary terminal.
 */
struct tui *
tui_open(const struct tui_options *options, char **cause)
{
	struct tui	*tui;
	const char	*no_color, *term;
	int		 in_fd = -1, out_fd = -1;
	size_t		 i;

	tui = xcalloc(1, sizeof *tui);
	keys_default(&tui->keys);
	tui->config = options->config != NULL ? xstrdup(options->config) :
	    keys_config_path();
	if (keys_load(&tui->keys, tui->config, options->config != NULL,
	    cause) != 0)
		goto fail;

	setlocale(LC_CTYPE, "");
	no_color = getenv("NO_COLOR");
	tui->color = !options->no_color && (no_color == NULL ||
	    *no_color == '\0');
	tui->ascii = options->ascii ||
	    strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	util_copy(tui->title, sizeof tui->title, options->title != NULL ?
	    options->title : "");
	util_copy(tui->operator, sizeof tui->operator,
	    options->operator != NULL ? options->operator : "");
	util_copy(tui->operator_key, sizeof tui->operator_key,
	    options->operator_key != NULL ? options->operator_key : "");
	if (options->join != NULL) {
		/* Until the operator's first message: the demo's way in. */
		tui->join = xstrdup(options->join);
		util_format(tui->message, sizeof tui->message, "A second "
		    "operator joins from another terminal: %s", tui->join);
		tui->message_until = INT64_MAX;
	}

	if ((in_fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    (out_fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		*cause = xasprintf("cannot open the terminal (/dev/tty): %s; "
		    "the console needs one, so run it in a terminal or over "
		    "ssh -t, or use vigil status or vigil watch without one.",
		    strerror(errno));
		goto fail;
	}
	if ((term = getenv("TERM")) == NULL || *term == '\0')
		term = "unknown";
	if ((tui->in = fdopen(in_fd, "r")) == NULL)
		fatal("fdopen: %s", strerror(errno));
	in_fd = -1;
	if ((tui->out = fdopen(out_fd, "w")) == NULL)
		fatal("fdopen: %s", strerror(errno));
	out_fd = -1;
	if ((tui->screen = newterm(term, tui->out, tui->in)) == NULL) {
		*cause = xasprintf("the terminal type TERM=%s is not known "
		    "here; set TERM to one this system has (for example "
		    "xterm-256color or vt100; toe -a lists them), or use "
		    "vigil watch instead.", term);
		goto fail;
	}
	set_term(tui->screen);
	raw();
	noecho();
	nonl();
	curs_set(0);
	set_escdelay(25);
	leaveok(stdscr, TRUE);
	tui->keys_win = newwin(1, 1, 0, 0);
	keypad(tui->keys_win, TRUE);
	/* Clicks act on press; a second press on the selected row opens it
	   (Shift still selects text in most terminals). */
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	nodelay(tui->keys_win, TRUE);
	tui_define_keys();
	draw_setup(tui->color, tui->ascii);

	for (i = 0; i < VIEW_COUNT; i++)
		panel_init(&tui->panels[i], tui_views[i]);
	tui->panels[VIEW_FLEET].marks = &tui->marks;
	tui->panels[VIEW_ROUTERS].marks = &tui->marks;
	tui->panels[VIEW_STATIONS].marks = &tui->marks;
	tui->view = tui->back = VIEW_FLEET;
	tui->pending = 1;
	tui->resized = 1;
	return (tui);

fail:
	if (in_fd != -1)
		close(in_fd);
	if (out_fd != -1)
		close(out_fd);
	if (tui->in != NULL)
		fclose(tui->in);
	if (tui->out != NULL)
		fclose(tui->out);
	free(tui->config);
	free(tui->join);
	free(tui);
	return (NULL);
}

/* Teach curses the sequences its terminfo entry lacks, and only those. */
static void
tui_define_keys(void)
{
	const char	*seq;
	size_t		 i;

	for (i = 0; i < nitems(tui_extra_keys); i++) {
		seq = tui_extra_keys[i].seq;
		if (key_defined(seq) == 0)
			define_key(seq, tui_extra_keys[i].key);
	}
}

/* Give the terminal back as it was. */
void
tui_close(struct tui *tui)
{
	size_t	i;

	if (tui == NULL)
		return;
	set_term(tui->screen);
	/*
	 * A terminal that hung up refuses every write at once; one that is
	 * only stuck (a stalled link) must not keep us from cleaning up.
	 */
	if (tui->gone)
		fcntl(fileno(tui->out), F_SETFL, O_NONBLOCK);
	delwin(tui->keys_win);
	endwin();
	delscreen(tui->screen);
	fclose(tui->in);
	fclose(tui->out);
	for (i = 0; i < VIEW_COUNT; i++)
		panel_free(&tui->panels[i]);
	form_close(&tui->form);
	free(tui->config);
	free(tui->join);
	free(tui);
}

/* The key descriptor. */
int
tui_fd(const struct tui *tui)
{
	return (fileno(tui->in));
}

/* Remember a resize for the next frame. */
void
tui_resized(struct tui *tui)
{
	tui->resized = 1;
	tui->pending = 1;
}

/* Put a sentence on the status line for a few seconds. */
static void
tui_say(struct tui *tui, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(tui->message, sizeof tui->message, fmt, ap);
	va_end(ap);
	tui->message_until = tui->last_now + TUI_MESSAGE_MS;
}

/* What the views read. */
static void
tui_ctx(struct tui *tui, const struct fleet *fleet, struct panel_ctx *ctx)
{
	ctx->fleet = fleet;
	ctx->keys = &tui->keys;
	ctx->config = tui->config;
	ctx->now_ms = tui->last_now;
	ctx->wall_ms = tui->last_wall;
	ctx->operator = tui->operator[0] != '\0' ? tui->operator : NULL;
	ctx->join = tui->join;
}

/* Switch view, remembering where Escape goes back to. */
static void
tui_show(struct tui *tui, enum tui_view view)
{
	if (view == tui->view)
		return;
	if (tui->view != VIEW_DETAIL && tui->view != VIEW_HELP)
		tui->back = tui->view;
	tui->view = view;
}

/* A key while typing a filter; the rows follow as it is typed. */
static int
tui_edit(struct tui *tui, int ch)
{
	struct panel	*p = &tui->panels[tui->view];
	int		 key = keys_canonical(ch);

	switch (key) {
	case KEYS_ENTER:
		tui->editing = 0;
		break;
	case KEYS_ESCAPE:
		tui->editing = 0;
		util_copy(p->filter, sizeof p->filter, tui->saved_filter);
		break;
	case KEYS_CTRL('c'):
		return (1);	/* still quits */
	default:
		panel_type(p->filter, sizeof p->filter, key);
		break;
	}
	return (0);
}

/*
 * Open what the selected row is about: a proposal's review in the
 * Proposals view, else the node's detail view; say why not otherwise.
 */
static void
tui_open_detail(struct tui *tui, struct panel *p)
{
	const struct table_row	*row;

	if (tui->view == VIEW_DETAIL || tui->view == VIEW_HELP)
		return;
	if (tui->view == VIEW_PROPOSALS) {
		/* Review the selected proposal; Escape returns. */
		if ((row = panel_selected_row(p)) == NULL)
			tui_say(tui, "No proposal is selected; there "
			    "is nothing to review.");
		else {
			util_copy(p->node, sizeof p->node, row->id);
			p->top = 0;	/* the review's first row */
		}
		return;
	}
	if ((row = panel_selected_row(p)) == NULL ||
	    row->node[0] == '\0') {
		tui_say(tui, "This row is not a node; select a node "
		    "to see its detail.");
		return;
	}
	util_copy(tui->panels[VIEW_DETAIL].node,
	    sizeof tui->panels[VIEW_DETAIL].node, row->node);
	tui->panels[VIEW_DETAIL].selected[0] = '\0';
	tui->panels[VIEW_DETAIL].cursor = 0;
	tui->panels[VIEW_DETAIL].top = 0;
	tui_show(tui, VIEW_DETAIL);
}

/*
 * Step back one level: a proposal's review, then the filter, then the
 * marks, then the detail or help view.
 */
static void
tui_back(struct tui *tui, struct panel *p)
{
	if (tui->view == VIEW_PROPOSALS && p->node[0] != '\0')
		p->node[0] = '\0';
	else if (p->filter[0] != '\0')
		p->filter[0] = '\0';
	else if (tui->marks.n > 0 && p->marks != NULL) {
		tui->marks.n = 0;
		tui_say(tui, "The marks are cleared.");
	} else if (tui->view == VIEW_DETAIL || tui->view == VIEW_HELP)
		tui->view = tui->back;
}

/* Carry out one action; returns 1 when *out is for the core. */
static int
tui_action(struct tui *tui, const struct fleet *fleet,
    enum keys_action action, struct tui_action *out)
{
	struct panel		*p = &tui->panels[tui->view];
	struct panel_ctx	 ctx;
	size_t			 i;
	enum tui_view		 next;

	for (i = 0; i < VIEW_DETAIL; i++) {
		if (tui_views[i]->show == action) {
			tui_show(tui, (enum tui_view)i);
			return (0);
		}
	}
	switch (action) {
	case KEYS_QUIT:
		memset(out, 0, sizeof *out);
		out->type = TUI_QUIT;
		return (1);
	case KEYS_VIEW_HELP:
		tui_show(tui, VIEW_HELP);
		return (0);
	case KEYS_VIEW_NEXT:
	case KEYS_VIEW_PREV:
		next = tui->view;
		if (next == VIEW_DETAIL || next == VIEW_HELP)
			next = tui->back;
		else if (action == KEYS_VIEW_NEXT)
			next = (next + 1) % VIEW_DETAIL;
		else
			next = (next + VIEW_DETAIL - 1) % VIEW_DETAIL;
		tui_show(tui, next);
		return (0);
	case KEYS_OPEN_DETAIL:
		tui_open_detail(tui, p);
		return (0);
	case KEYS_BACK:
		tui_back(tui, p);
		return (0);
	case KEYS_FILTER:
		tui->editing = 1;
		util_copy(tui->saved_filter, sizeof tui->saved_filter,
		    p->filter);
		return (0);
	case KEYS_REDRAW:
		clearok(curscr, TRUE);
		return (0);
	case KEYS_MARK:
		tui_mark(tui);
		return (0);
	case KEYS_PROPOSE_KILL:
		tui_propose(tui, "kill");
		return (0);
	case KEYS_PROPOSE_RESUME:
		tui_propose(tui, "resume");
		return (0);
	case KEYS_PROPOSE_ROLLBACK:
		tui_propose(tui, "rollback");
		return (0);
	case KEYS_PROPOSE_FLAG:
		tui_propose(tui, "flag");
		return (0);
	case KEYS_APPROVE:
	case KEYS_CANCEL_PROPOSAL:
		tui_decide(tui, fleet, action == KEYS_APPROVE);
		return (0);
	case KEYS_PROMPT:
		tui->prompting = 1;
		tui->prompt[0] = '\0';
		return (0);
	case KEYS_FIRE:
		tui_fire(tui, fleet);
		return (0);
	default:
		break;
	}
	/* The review scrolls; the list under it keeps its cursor. */
	if (tui->view == VIEW_PROPOSALS && p->node[0] != '\0' &&
	    panel_proposals_scroll(p, action))
		return (0);
	tui_ctx(tui, fleet, &ctx);
	memset(out, 0, sizeof *out);
	if (panel_key(p, action, &ctx, out, tui->message,
	    sizeof tui->message)) {
		if (tui->message[0] != '\0')
			tui->message_until = tui->last_now + TUI_MESSAGE_MS;
		return (out->type != TUI_NONE);
	}
	if (action == KEYS_ACK_ALERT) {
		char	alerts[64];

		keys_first(&tui->keys, KEYS_VIEW_ALERTS, alerts,
		    sizeof alerts);
		tui_say(tui, "Alerts are acknowledged in the Alerts view: "
		    "press %s, select one, and acknowledge it there.", alerts);
	}
	return (0);
}

/* Drain keys until one is for the core or none are left. */
int
tui_input(struct tui *tui, const struct fleet *fleet,
    struct tui_action *action)
{
	enum keys_action	 a;
	char			 name[KEYS_NAME_MAX], help[KEYS_NAME_MAX];
	MEVENT			 ev;
	int			 ch;

	memset(action, 0, sizeof *action);
	set_term(tui->screen);
	for (;;) {
		errno = 0;	/* a read that failed leaves its reason */
		if ((ch = wgetch(tui->keys_win)) == ERR)
			break;
		tui->pending = 1;
		if (ch == KEY_RESIZE) {
			tui->resized = 1;
			continue;
		}
		if (ch == KEY_MOUSE) {
			if (getmouse(&ev) == OK) {
				tui_mouse(tui, fleet, &ev);
				tui_fill(tui, fleet);
			}
			continue;
		}
		if (tui->form.kind != FORM_NONE) {
			if (tui_form_key(tui, ch, action))
				return (1);
			continue;
		}
		if (tui->editing) {
			if (tui_edit(tui, ch)) {
				action->type = TUI_QUIT;
				return (1);
			}
			continue;
		}
		if (tui->prompting) {
			if (tui_prompt_key(tui, fleet, ch)) {
				action->type = TUI_QUIT;
				return (1);
			}
			continue;
		}
		tui->message[0] = '\0';
		if ((a = keys_lookup(&tui->keys, ch)) == KEYS_NONE) {
			keys_for_action(&tui->keys, KEYS_VIEW_HELP, help,
			    sizeof help);
			tui_say(tui, "The key %s does nothing here; press %s "
			    "for the list of keys.", keys_key_name(
			    keys_canonical(ch), name, sizeof name), help);
			continue;
		}
		if (tui_action(tui, fleet, a, action))
			return (1);
		tui_fill(tui, fleet);
	}
	if (errno == EIO || tui_hung_up(tui)) {
		tui->gone = 1;
		return (-1);
	}
	return (0);
}

/*
 * Has the terminal gone (a closed window, a dead tmux server, a dropped
 * SSH link)?  A hung-up terminal stays readable for ever, with read()
 * returning 0 and ioctl() failing with EIO, so the loop would otherwise
 * wake for it without end.  curses says only ERR, so ask the descriptor:
 * a hangup or an error, or "readable" with no byte to read.
 */
static int
tui_hung_up(struct tui *tui)
{
	struct pollfd	pfd;
	int		waiting;

	pfd.fd = fileno(tui->in);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == -1)
		return (errno != EINTR && errno != EAGAIN);
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		return (1);
	if (!(pfd.revents & POLLIN))
		return (0);
	/* A key that came after curses looked is read on the next wake. */
	if (ioctl(pfd.fd, FIONREAD, &waiting) == -1)
		return (1);
	return (waiting == 0);
}

/*
 * A key while the command dialog is open.  Returns 1 when *out is for
 * the core: the command, once its word was typed, or quitting.
 */
static int
tui_form_key(struct tui *tui, int ch, struct tui_action *out)
{
	char	msg[PANEL_MESSAGE_MAX];

	if (keys_canonical(ch) == KEYS_CTRL('c')) {
		form_close(&tui->form);
		memset(out, 0, sizeof *out);
		out->type = TUI_QUIT;	/* nothing was sent */
		return (1);
	}
	/* The draft's review scrolls by the usual keys, but for its own. */
	if (tui->form.step == FORM_REVIEW && ch != 'y' && ch != 'Y' &&
	    ch != 'n' && ch != 'N' &&
	    form_scroll(&tui->form, keys_lookup(&tui->keys, ch)))
		return (0);
	switch (form_key(&tui->form, ch, out, msg, sizeof msg)) {
	case FORM_SEND:
		if (out->type == TUI_SIGN)
			tui->marks.n = 0;
		if (msg[0] != '\0')
			tui_say(tui, "%s", msg);
		return (1);
	case FORM_CLOSED:
		tui->message[0] = '\0';
		if (msg[0] != '\0')
			tui_say(tui, "%s", msg);
		return (0);
	default:
		return (0);
	}
}

/* Say why this console cannot sign, if it cannot.  Returns 1 if it can. */
static int
tui_can_sign(struct tui *tui, const char *what)
{
	if (tui->operator[0] != '\0')
		return (1);
	tui_say(tui, "This console has no operator key, so it cannot %s: "
	    "quit and start vigil with --key FILE (or VIGIL_KEY set), or use "
	    "vigil propose, approve or cancel from a shell.", what);
	return (0);
}

/*
 * A key at the ":" prompt: Enter runs what was typed, Escape forgets it.
 * Returns 1 for ^C, which still quits.
 */
static int
tui_prompt_key(struct tui *tui, const struct fleet *fleet, int ch)
{
	int	key = keys_canonical(ch);

	switch (key) {
	case KEYS_ENTER:
		tui->prompting = 0;
		tui_prompt_run(tui, fleet);
		break;
	case KEYS_ESCAPE:
		tui->prompting = 0;
		break;
	case KEYS_CTRL('c'):
		return (1);
	default:
		panel_type(tui->prompt, sizeof tui->prompt, key);
		break;
	}
	return (0);
}

/*
 * The fleet's id for a node named at the prompt: as the views list it
 * ("router/r8") or by its name alone ("r8").  Returns 0, or -1.
 */
static int
tui_prompt_node(const struct fleet *fleet, const char *word, char *id,
    size_t len)
{
	static const char *const kinds[] = { "", "router/", "station/" };
	size_t	i;

	for (i = 0; i < nitems(kinds); i++) {
		util_format(id, len, "%s%s", kinds[i], word);
		if (fleet_find_const(fleet, id) != NULL)
			return (0);
	}
	return (-1);
}

/*
 * Run what was typed at the ":" prompt: an action of the command table,
 * then its targets (none: the marked or selected nodes, as its key
 * takes them) and maybe "--to" what (a rollback's build, a move-root's
 * station), opening the same dialog, where the reason and the action's
 * name must still be typed before anything is signed.
 */
static void
tui_prompt_run(struct tui *tui, const struct fleet *fleet)
{
	const struct command_spec	*spec;
	const char			*nodes[PROTO_MAX_TARGETS];
	char				 ids[PROTO_MAX_TARGETS][PROTO_ID_MAX];
	char				 buf[PANEL_MESSAGE_MAX], names[128];
	char				 to[PROTO_ID_MAX];
	char				*word, *save = NULL;
	size_t				 n = 0;

	util_copy(buf, sizeof buf, tui->prompt);
	if ((word = strtok_r(buf, " ", &save)) == NULL)
		return;
	if ((spec = command_spec_find(word)) == NULL) {
		command_spec_names(names, sizeof names, 0);
		tui_say(tui, "There is no command \"%s\": the commands are "
		    "%s, followed by the nodes they act on (rollback and "
		    "move-root then --to what).", word, names);
		return;
	}
	to[0] = '\0';
	while ((word = strtok_r(NULL, " ", &save)) != NULL) {
		if (strcmp(word, "--to") == 0) {
			if (tui_prompt_to(tui, fleet, spec->name,
			    strtok_r(NULL, " ", &save), to, sizeof to) != 0)
				return;
			continue;
		}
		if (n == PROTO_MAX_TARGETS) {
			tui_say(tui, "A command takes at most %d targets; "
			    "name fewer.", PROTO_MAX_TARGETS);
			return;
		}
		if (tui_prompt_node(fleet, word, ids[n], sizeof ids[n]) != 0) {
			tui_say(tui, "%s is not a node of this fleet: name "
			    "nodes as the Fleet view lists them (router/r8, "
			    "or r8).", word);
			return;
		}
		nodes[n] = ids[n];
		n++;
	}
	if (n == 0)
		tui_propose(tui, spec->name);
	else if (tui_can_sign(tui, "propose"))
		form_open_propose(&tui->form, spec->name, nodes, n,
		    tui->operator);
	if (to[0] != '\0')
		form_preset(&tui->form, to);
}

/*
 * The prompt's "--to" word for action: a build for rollback, a station
 * for move-root (by name alone too, "s2"), into to.  Returns 0, or -1
 * after saying what is wrong.
 */
static int
tui_prompt_to(struct tui *tui, const struct fleet *fleet,
    const char *action, const char *word, char *to, size_t len)
{
	int	move = strcmp(action, "move-root") == 0;

	if (!move && strcmp(action, "rollback") != 0) {
		tui_say(tui, "--to belongs to rollback (the build to switch "
		    "to) and move-root (the station to move the root to), "
		    "not to %s.", action);
		return (-1);
	}
	if (word == NULL) {
		tui_say(tui, "--to needs what to: %s.", move ? "a station, "
		    "as :move-root capital --to s2" : "a build, as :rollback "
		    "r1 --to BUILD");
		return (-1);
	}
	if (!move || tui_prompt_node(fleet, word, to, len) != 0)
		util_copy(to, len, word);
	return (0);
}

/* Mark or unmark the selected node (Fleet, Routers, Stations). */
static void
tui_mark(struct tui *tui)
{
	struct panel		*p = &tui->panels[tui->view];
	const struct table_row	*row;
	struct panel_marks	*m = &tui->marks;
	char			 k[KEYS_NAME_MAX];
	size_t			 i;

	if (p->marks == NULL || (row = panel_selected_row(p)) == NULL ||
	    row->node[0] == '\0') {
		tui_say(tui, "Marks are for nodes: select one in the Fleet, "
		    "Routers or Stations view.");
		return;
	}
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->node[i], row->node) != 0)
			continue;
		memmove(&m->node[i], &m->node[i + 1], (m->n - i - 1) *
		    sizeof m->node[0]);
		m->n--;
		tui_say(tui, "%s is no longer marked (%zu marked).",
		    row->node, m->n);
		return;
	}
	if (m->n == nitems(m->node)) {
		tui_say(tui, "A command takes at most %zu targets; unmark "
		    "some first.", nitems(m->node));
		return;
	}
	util_copy(m->node[m->n], sizeof m->node[m->n], row->node);
	m->n++;
	keys_first(&tui->keys, KEYS_PROPOSE_KILL, k, sizeof k);
	tui_say(tui, "%s marked (%zu marked): %s proposes a kill of the "
	    "marked nodes; Escape clears the marks.", row->node, m->n, k);
}

/* Open the dialog proposing command on the marked or selected nodes. */
static void
tui_propose(struct tui *tui, const char *command)
{
	struct panel		*p = &tui->panels[tui->view];
	const struct table_row	*row;
	const char		*nodes[PROTO_MAX_TARGETS];
	size_t			 i, n = 0;

	if (!tui_can_sign(tui, "propose"))
		return;
	if (tui->marks.n > 0 && p->marks != NULL) {
		for (i = 0; i < tui->marks.n; i++)
			nodes[n++] = tui->marks.node[i];
	} else if (tui->view == VIEW_DETAIL && p->node[0] != '\0')
		nodes[n++] = p->node;
	else if (p->marks != NULL && (row = panel_selected_row(p)) != NULL &&
	    row->node[0] != '\0')
		nodes[n++] = row->node;
	if (n == 0) {
		tui_say(tui, "Select a router (Fleet or Routers view, or its "
		    "detail) or mark some with m, then propose.");
		return;
	}
	form_open_propose(&tui->form, command, nodes, n, tui->operator);
	util_copy(tui->form.signer_key, sizeof tui->form.signer_key,
	    tui->operator_key);
}

/*
 * Open the dialog approving or cancelling the proposal under review or
 * selected (Proposals view); approving opens its review above it.
 */
static void
tui_decide(struct tui *tui, const struct fleet *fleet, int approving)
{
	struct panel			*p = &tui->panels[tui->view];
	const struct table_row		*row;
	const struct fleet_proposal	*fp;
	char				*cause = NULL, k[KEYS_NAME_MAX];
	const char			*id;

	if (tui->view != VIEW_PROPOSALS) {
		keys_first(&tui->keys, KEYS_VIEW_PROPOSALS, k, sizeof k);
		tui_say(tui, "Proposals are %s in the Proposals view: "
		    "press %s, select one, and %s it there.", approving ?
		    "approved" : "cancelled", k, approving ? "approve" :
		    "cancel");
		return;
	}
	if (p->node[0] != '\0')
		id = p->node;
	else if ((row = panel_selected_row(p)) != NULL)
		id = row->id;
	else {
		tui_say(tui, "No proposal is selected.");
		return;
	}
	if ((fp = fleet_proposal_find(fleet, id, NULL)) == NULL) {
		tui_say(tui, "No node holds this proposal any more.");
		return;
	}
	if (cmd_actionable(fp, approving, &cause) != 0) {
		tui_say(tui, "%s.", cause);
		free(cause);
		return;
	}
	if (!tui_can_sign(tui, approving ? "approve" : "cancel"))
		return;
	util_copy(p->node, sizeof p->node, fp->id);	/* the review */
	form_open_decide(&tui->form, fp, approving, tui->operator);
	util_copy(tui->form.signer_key, sizeof tui->form.signer_key,
	    tui->operator_key);
}

/* Open the dialog firing the armed kill selected (Proposals view). */
static void
tui_fire(struct tui *tui, const struct fleet *fleet)
{
	struct panel			*p = &tui->panels[tui->view];
	const struct table_row		*row;
	const struct fleet_proposal	*fp;
	char				 k[KEYS_NAME_MAX];

	if (tui->view != VIEW_PROPOSALS ||
	    (row = panel_selected_row(p)) == NULL ||
	    (fp = fleet_proposal_find(fleet, p->node[0] != '\0' ? p->node :
	    row->id, NULL)) == NULL || fp->status != STATUS_ARMED) {
		keys_first(&tui->keys, KEYS_VIEW_PROPOSALS, k, sizeof k);
		tui_say(tui, "Armed kills are fired in the Proposals view: "
		    "press %s and select one whose status is armed.", k);
		return;
	}
	if (!tui_can_sign(tui, "fire"))
		return;
	form_open_fire(&tui->form, fp, tui->operator);
}

/* The review of the proposal just drafted; see tui.h. */
int
tui_command_review(struct tui *tui, const char *review,
    const char *document)
{
	tui->pending = 1;
	return (form_review(&tui->form, review, document));
}

/* What became of the command sent last. */
void
tui_command_said(struct tui *tui, const char *text, int done, int ok)
{
	char	line[PANEL_MESSAGE_MAX];
	size_t	i;

	tui->pending = 1;
	if (tui->form.kind != FORM_NONE && tui->form.step >= FORM_SENT) {
		form_said(&tui->form, text, done, ok);
		return;
	}
	if (!done)
		return;
	/* The dialog was closed: the answers go to the status line. */
	util_copy(line, sizeof line, text);
	for (i = 0; line[i] != '\0'; i++) {
		if (line[i] == '\n')
			line[i] = ';';
	}
	tui_say(tui, "%s", line);
}

/*
 * Fill the current view's rows now, so that keys typed ahead of the
 * next frame ("3 j Enter") act on the rows the operator is about to
 * see.  It draws into curses' virtual screen only; nothing is sent
 * until the next frame.
 */
static void
tui_fill(struct tui *tui, const struct fleet *fleet)
{
	struct draw_layout	 l;
	struct panel_ctx	 ctx;
	struct panel		*p = &tui->panels[tui->view];

	draw_layout(LINES, COLS, draw_bar_alerts(fleet), &l);
	if (l.too_small)
		return;
	tui_ctx(tui, fleet, &ctx);
	p->ops->draw(p, stdscr, l.body_y, l.body_rows, l.cols, &ctx);
}

/* Follow the terminal's size; 1 if it changed. */
static int
tui_check_size(struct tui *tui)
{
	struct winsize	ws;

	if (ioctl(fileno(tui->out), TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0 ||
	    ws.ws_col == 0)
		return (0);
	if (ws.ws_row == LINES && ws.ws_col == COLS)
		return (0);
	resize_term(ws.ws_row, ws.ws_col);
	return (1);
}

/* The bottom row: the filter being typed, a message, or key hints. */
static void
tui_status(struct tui *tui, const struct draw_layout *l, int64_t now_ms)
{
	struct panel	*p = &tui->panels[tui->view];
	char		 left[DRAW_LINE_MAX], right[DRAW_LINE_MAX], k[64];
	char		 names[128];
	size_t		 i;
	int		 rw;
	static const enum keys_action hints[] = {
		KEYS_OPEN_DETAIL, KEYS_APPROVE, KEYS_CANCEL_PROPOSAL,
		KEYS_BACK, KEYS_FILTER, KEYS_SORT_NEXT, KEYS_ACK_ALERT,
		KEYS_VIEW_HELP, KEYS_QUIT,
	};
	static const char *const words[] = {
		"detail", "approve", "cancel", "back", "filter", "sort",
		"acknowledge", "help", "quit",
	};
	int	leaf = tui->view == VIEW_DETAIL || tui->view == VIEW_HELP;
	int	props = tui->view == VIEW_PROPOSALS;

	panel_describe(p, tui->ascii, right, sizeof right);
	left[0] = '\0';
	if (tui->editing) {
		right[0] = '\0';	/* the prompt shows the filter */
		util_format(left, sizeof left, "Filter: %s_   (Enter keeps "
		    "it, Escape cancels)", p->filter);
	} else if (tui->prompting) {
		right[0] = '\0';
		command_spec_names(names, sizeof names, 1);
		util_format(left, sizeof left, ":%s_   (%s NODE... [--to "
		    "WHAT]; Enter opens its dialog, Escape cancels)",
		    tui->prompt, names);
	} else if (tui->form.kind != FORM_NONE) {
		util_copy(left, sizeof left, tui->form.step >= FORM_SENT ?
		    "Command sent: Escape closes the dialog" :
		    tui->form.step == FORM_REVIEW ? "Reviewing the document: "
		    "y signs and sends it, n or Escape discards it" : "Keys go "
		    "to the command dialog: Escape leaves it, nothing sent");
	} else if (tui->message[0] != '\0' && now_ms < tui->message_until) {
		util_copy(left, sizeof left, tui->message);
	} else {
		for (i = 0; i < nitems(hints); i++) {
			if ((hints[i] == KEYS_ACK_ALERT &&
			    tui->view != VIEW_ALERTS) ||
			    ((hints[i] == KEYS_APPROVE ||
			    hints[i] == KEYS_CANCEL_PROPOSAL) && !props) ||
			    (hints[i] == KEYS_OPEN_DETAIL && leaf) ||
			    (hints[i] == KEYS_BACK && !leaf &&
			    !(props && p->node[0] != '\0')) ||
			    (hints[i] == KEYS_SORT_NEXT && !p->ops->sortable))
				continue;
			if (keys_first(&tui->keys, hints[i], k, sizeof k) == 0)
				continue;
			util_format(left + strlen(left), sizeof left -
			    strlen(left), "%s%s %s", left[0] != '\0' ? "  " :
			    "", k, hints[i] == KEYS_OPEN_DETAIL && props ?
			    "review" : words[i]);
		}
	}
	rw = table_text_width(right);
	if (rw > l->cols / 2)
		rw = l->cols / 2;
	draw_text(stdscr, l->status_y, 0, l->cols - rw - (rw > 0),
	    left, 0, tui->editing || tui->prompting ?
	    draw_style_attr(DRAW_TAB_CURRENT) :
	    tui->message[0] != '\0' && now_ms < tui->message_until ?
	    draw_mark_attr(MARK_INFO) : draw_mark_attr(MARK_DIM));
	if (rw > 0)
		draw_text(stdscr, l->status_y, l->cols - rw, rw, right, 1,
		    draw_style_attr(DRAW_TITLE));
}

/*
 * The tabs shown: each view's name and action, in *t; returns how many,
 * with the current view's index in *current.
 */
static size_t
tui_tabs(struct tui *tui, const struct fleet *fleet,
    struct tui_tab_list *t, size_t *current)
{
	size_t	i, n = 0, npending;

	for (i = 0; i < VIEW_COUNT; i++) {
		if (i == VIEW_DETAIL && tui->view != VIEW_DETAIL)
			continue;
		if (i == (size_t)tui->view)
			*current = n;
		t->views[n] = (enum tui_view)i;
		t->tabs[n].name = tui_views[i]->name;
		/* A proposal waiting for a second operator shows on the
		   tab whatever view is up, so nobody misses one. */
		if (i == VIEW_PROPOSALS &&
		    (npending = panel_proposals_pending(fleet)) > 0) {
			util_format(t->proposals, sizeof t->proposals,
			    "%s (%zu)", tui_views[i]->name, npending);
			t->tabs[n].name = t->proposals;
		}
		t->tabs[n++].action = tui_views[i]->show;
	}
	return (n);
}

/*
 * A mouse event: a click on a tab shows its view, on a column title
 * sorts by it, on a row selects it, and on the selected row opens it;
 * the wheel moves the cursor.  Nothing while a dialog or prompt is open.
 */
static void
tui_mouse(struct tui *tui, const struct fleet *fleet, const MEVENT *ev)
{
	struct panel		*p = &tui->panels[tui->view];
	struct draw_layout	 l;
	struct tui_tab_list	 t;
	struct tui_action	 out;
	size_t			 n, current = 0;
	int			 tab;

	if (tui->form.kind != FORM_NONE || tui->editing || tui->prompting)
		return;
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		tui_action(tui, fleet, ev->bstate & BUTTON4_PRESSED ?
		    KEYS_MOVE_UP : KEYS_MOVE_DOWN, &out);
		return;
	}
	if (!(ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	draw_layout(LINES, COLS, draw_bar_alerts(fleet), &l);
	if (ev->y == l.tabs_y) {
		n = tui_tabs(tui, fleet, &t, &current);
		tab = draw_tab_at(t.tabs, n, &tui->keys, l.cols, ev->x);
		if (tab >= 0 && (size_t)tab != current)
			tui_show(tui, t.views[tab]);
		return;
	}
	if (ev->y < l.body_y || ev->y >= l.body_y + l.body_rows ||
	    (tui->view == VIEW_PROPOSALS && p->node[0] != '\0'))
		return;
	if (panel_click(p, ev->y - l.body_y, ev->x) == PANEL_CLICK_OPEN)
		tui_open_detail(tui, p);
}

/* Draw one whole frame into curses' virtual screen and send it. */
static void
tui_frame(struct tui *tui, const struct fleet *fleet, int64_t now_ms)
{
	struct draw_layout	 l;
	struct draw_summary	 sum;
	struct panel_ctx	 ctx;
	struct panel		*p = &tui->panels[tui->view];
	struct tui_tab_list	 t;
	size_t			 n, current = 0;
	char			 small[128];

	draw_layout(LINES, COLS, draw_bar_alerts(fleet), &l);
	werase(stdscr);
	draw_summarize(fleet, tui->title, now_ms, &sum);
	sum.operator = tui->operator;
	draw_header(stdscr, &l, &sum);
	if (l.too_small) {
		util_format(small, sizeof small, "This terminal is %dx%d; "
		    "the console needs at least 40x8.", l.cols, l.rows);
		draw_text(stdscr, l.rows > 1 ? 1 : 0, 0, l.cols, small, 0,
		    draw_mark_attr(MARK_WARN));
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_alert_bar(stdscr, &l, fleet, &tui->keys,
	    tui->operator[0] != '\0' ? tui->operator : NULL);
	n = tui_tabs(tui, fleet, &t, &current);
	draw_tabs(stdscr, &l, t.tabs, n, current, &tui->keys);
	if (p->h != l.body_rows || p->w != l.cols)
		p->ops->resize(p, l.body_rows, l.cols);
	tui_ctx(tui, fleet, &ctx);
	ctx.now_ms = now_ms;
	p->ops->draw(p, stdscr, l.body_y, l.body_rows, l.cols, &ctx);
	form_draw(&tui->form, stdscr, l.body_y, l.body_rows, l.cols, fleet,
	    &tui->keys);
	tui_status(tui, &l, now_ms);
	wnoutrefresh(stdscr);
	doupdate();
}

/*
 * Draw when needed and allowed.  A change waits for the frame limit
 * rather than being dropped, so the last change is always shown.  The
 * screen shows node clocks and the alerts' own times, not wall_ms.
 */
int64_t
tui_draw(struct tui *tui, const struct fleet *fleet, int64_t now_ms,
    int64_t wall_ms)
{
	int64_t	tick, wait;

	set_term(tui->screen);
	tui->last_now = now_ms;
	tui->last_wall = wall_ms;
	if (fleet->dirty)
		tui->pending = 1;
	if (tui_check_size(tui) || tui->resized) {
		/*
		 * The terminal rewrapped or cut what it showed, so curses'
		 * idea of the screen is stale: paint the next frame whole.
		 */
		clearok(curscr, TRUE);
		tui->resized = 0;
		tui->pending = 1;
	}
	if (now_ms / 1000 != tui->last_second)
		tui->pending = 1;	/* countdowns and ages move */
	if (tui->message_until != 0 && now_ms >= tui->message_until) {
		tui->message_until = 0;
		tui->pending = 1;
	}
	tick = 1000 - now_ms % 1000;
	if (!tui->pending)
		return (tick);
	wait = tui->last_frame + TUI_FRAME_MS - now_ms;
	if (tui->last_frame != 0 && wait > 0)
		return (wait < tick ? wait : tick);
	tui_frame(tui, fleet, now_ms);
	tui->pending = 0;
	tui->last_frame = now_ms;
	tui->last_second = now_ms / 1000;
	return (tick);
}
