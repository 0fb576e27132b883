/*
 * tui.h: the curses console, as the event loop sees it.  Everything that
 * calls ncurses lives behind this header, in panels/.
 *
 * The loop (console/loop.c) owns the sockets and timers.  It adopts
 * tui_fd() as a raw file descriptor; when it is readable it calls
 * tui_input(), which drains keys and turns them into actions.  Once per
 * loop pass it calls tui_draw(), which redraws only when the model is
 * dirty, a countdown ticked, or the terminal was resized, and at most 10
 * times a second.  Panels read the model and never change it; what an
 * operator asks for leaves as a struct tui_action for the core to carry
 * out.
 *
 * Keys are read from a descriptor of their own (/dev/tty opened apart
 * from stdin and stdout, via newterm), so that making it non-blocking for
 * the loop cannot make ncurses' output non-blocking too.
 */
#ifndef VIGIL_TUI_H
#define VIGIL_TUI_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proto-plan.h"

struct fleet;
struct tui;

struct tui_options {
	int		 no_color;	/* --no-color or NO_COLOR set */
	int		 ascii;		/* --ascii: no Unicode glyphs */
	const char	*config;	/* key config file, or NULL for
					   $XDG_CONFIG_HOME/vigil/config */
	const char	*title;		/* fleet or scenario name */
	const char	*operator;	/* who signs commands here, or NULL
					   when started without a key */
	const char	*operator_key;	/* their base64 public key, or NULL */
	const char	*join;		/* vigil --demo: the command a second
					   operator runs, or NULL */
};

enum tui_action_type {
	TUI_NONE = 0,
	TUI_QUIT,
	TUI_ACK_ALERT,		/* acknowledge alert (rule, node) */
	TUI_PROPOSE,		/* draft command on nodes, for reason:
				   its review comes back through
				   tui_command_review() */
	TUI_SIGN,		/* sign and send the reviewed draft,
				   document */
	TUI_DISCARD,		/* drop the reviewed draft unsigned */
	TUI_APPROVE,		/* approve proposal id: sign document */
	TUI_CANCEL,		/* cancel proposal id */
	TUI_FIRE,		/* fire armed kill id */
};

/*
 * A command action leaves only after the operator typed its action's
 * name (never one key).
 */
struct tui_action {
	enum tui_action_type	type;
	char			rule[PROTO_CODE_MAX];
	char			node[PROTO_ID_MAX];
	char			command[16];		/* "kill" */
	char			id[PROTO_CMDID_MAX];	/* a proposal's */
	char			reason[PROTO_TEXT_MAX];
	char			nodes[PROTO_MAX_TARGETS][PROTO_ID_MAX];
	size_t			nnodes;
	/* approve, sign: the exact bytes reviewed, owned by the console
	   and valid until the next tui_input() */
	const char		*document;
	/* propose rollback or flag: what to, and any override */
	struct proto_plan_request req;
	char			to[PROTO_ID_MAX];	/* propose move-root:
							   the destination */
};

/*
 * Open the terminal.  Returns the console, or NULL and an allocated
 * sentence in *cause (no terminal, unknown TERM, bad key config).
 */
struct tui	*tui_open(const struct tui_options *options, char **cause);

/* Restore the terminal and free everything. */
void		 tui_close(struct tui *tui);

/* The descriptor keys arrive on, to adopt into the event loop. */
int		 tui_fd(const struct tui *tui);

/*
 * Drain pending keys (never blocks).  Returns 1 and fills *action when an
 * operator asked for something the core must do, 0 when the keys are
 * used up, or -1 when the terminal has gone (end of file, EIO or a
 * hangup on it): nobody is left to watch, so the caller should end.
 * Call again until it returns 0 or -1.
 */
int		 tui_input(struct tui *tui, const struct fleet *fleet,
		    struct tui_action *action);

/*
 * What became of the command the console last sent: text (lines) is
 * shown in its dialog, or on the status line once the dialog was
 * closed; done when the answers are all in, ok when they are as hoped.
 */
void		 tui_command_said(struct tui *tui, const char *text, int done,
		    int ok);

/*
 * The review of the proposal just drafted (TUI_PROPOSE): review, lines
 * as cmd_draft_text() writes them, and document, the bytes it shows,
 * both copied.  The propose dialog shows them whole until its operator
 * signs (TUI_SIGN) or discards (TUI_DISCARD) the draft.  Returns 0, or
 * -1 when no propose dialog waits for it (the caller drops the draft).
 */
int		 tui_command_review(struct tui *tui, const char *review,
		    const char *document);

/* Note a SIGWINCH; the next tui_draw() lays the screen out again. */
void		 tui_resized(struct tui *tui);

/*
 * Redraw if needed at monotonic now_ms (see above).  Returns the ms until
 * it next wants to be called (a countdown tick or the frame limit).
 */
int64_t		 tui_draw(struct tui *tui, const struct fleet *fleet,
		    int64_t now_ms, int64_t wall_ms);

#endif
