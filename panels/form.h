/*
 * form.h: the dialog through which an operator gives a two-person
 * command at the console.
 *
 * Propose asks for a reason, then for the action's name typed whole; a
 * rollback or flag change first asks what to (a build, or NAME=on|off,
 * with " override PATH" to let it wake retired code PATH) and shows its
 * plan (proto-plan.h) from then on, and a change with an override is
 * confirmed by typing the code path, not the action, both to propose and
 * to approve it;
 * approve asks for the action's name after the review; cancel asks for
 * the word "cancel".  Nothing leaves until the word is typed and Enter
 * pressed, and a wrong word sends nothing and asks again.  While the
 * dialog is open every key goes to it before any binding, so typing
 * "kill" never moves the cursor.  A proposal is then drafted but not
 * signed: the dialog shows its review, the document whole and its
 * SHA-256, and only y signs and sends those bytes; n or Escape discards
 * them.  Once sent, the dialog shows the backends' answers until it is
 * closed.
 */
#ifndef VIGIL_FORM_H
#define VIGIL_FORM_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "proto.h"
#include "tui.h"

struct fleet;
struct fleet_proposal;

#define FORM_NOTE_MAX	512
#define FORM_WORD_MAX	32

enum form_kind {
	FORM_NONE = 0,		/* closed */
	FORM_PROPOSE,
	FORM_APPROVE,
	FORM_CANCEL,
	FORM_FIRE,		/* an armed kill, by one operator */
};

enum form_step {
	FORM_ARG = 0,		/* propose rollback, flag, move-root:
				   what to */
	FORM_REASON,		/* propose: typing the reason */
	FORM_CONFIRM,		/* typing the word */
	FORM_REVIEW,		/* propose: the draft's review, until y
				   signs or n discards it */
	FORM_SENT,		/* waiting for the draft or the answers */
	FORM_DONE,		/* the answers are in */
};

struct form {
	enum form_kind	 kind;
	enum form_step	 step;
	char		 command[16];		/* "kill" */
	char		 id[PROTO_CMDID_MAX];	/* approve, cancel */
	char		 nodes[PROTO_MAX_TARGETS][PROTO_ID_MAX];
	size_t		 nnodes;
	char		 arg[PROTO_TEXT_MAX / 4];	/* "BUILD" or
						   "NAME=on", and maybe
						   " override PATH"; or a
						   station */
	char		 override[PROTO_NAME_MAX];	/* typed to confirm
						   instead of the name */
	char		 reason[PROTO_TEXT_MAX];
	char		 word[FORM_WORD_MAX];	/* what is typed to confirm */
	char		*document;		/* approve, review: the bytes
						   shown */
	char		*review;		/* review: its text */
	size_t		 top;			/* review: first row shown */
	size_t		 page;			/* review: rows shown */
	int		 shown;			/* review: drawn once */
	char		 signer[PROTO_OPERATOR_MAX];
	char		 signer_key[PROTO_KEY_MAX];	/* base64, or "" */
	char		 note[FORM_NOTE_MAX];	/* a refusal of what
						   was typed */
	char		*said;			/* the answers so far */
	int		 ok;
};

/* What form_key() did with a key. */
enum form_result {
	FORM_KEPT = 0,		/* the dialog used it */
	FORM_SEND,		/* *out holds the command to send */
	FORM_CLOSED,		/* the dialog closed; msg says what */
};

/*
 * Open the dialog to propose command on the n nodes, signing as signer.
 * Closes whatever was open.
 */
void	 form_open_propose(struct form *f, const char *command,
	    const char *const *nodes, size_t n, const char *signer);

/*
 * The propose dialog's what to, given already (":rollback r1 --to
 * BUILD", ":move-root capital --to s2"): taken as if typed and Enter
 * pressed, so the dialog asks for the reason next, or says what is
 * wrong with it.  Nothing when the dialog asks no what to.
 */
void	 form_preset(struct form *f, const char *arg);

/* Open it to fire armed kill p, as signer. */
void	 form_open_fire(struct form *f, const struct fleet_proposal *p,
	    const char *signer);

/* Open it to approve (approving) or cancel proposal p, as signer. */
void	 form_open_decide(struct form *f, const struct fleet_proposal *p,
	    int approving, const char *signer);

/*
 * Show the review of the proposal just drafted (review text, the
 * document it shows), when the propose dialog waits for it.  Returns 0,
 * or -1 when it does not wait for one.
 */
int	 form_review(struct form *f, const char *review,
	    const char *document);

/*
 * Scroll the review a row or a page for action (the operator's key
 * binding).  Returns 1 if the review is open and action scrolls it.
 */
int	 form_scroll(struct form *f, enum keys_action action);

/* Close it and free what it holds. */
void	 form_close(struct form *f);

/*
 * Take one key (a curses key code).  Returns FORM_SEND with *out filled
 * once the word was typed and Enter pressed, or y or n pressed on a
 * draft's review (TUI_SIGN, TUI_DISCARD: the dialog closed, and msg
 * says nothing was signed), FORM_CLOSED with a sentence in msg when
 * Escape (or Enter on the answers) closed it, else FORM_KEPT.
 */
enum form_result form_key(struct form *f, int ch, struct tui_action *out,
	    char *msg, size_t msglen);

/* The command's progress or answers (see tui_command_said()). */
void	 form_said(struct form *f, const char *text, int done, int ok);

/*
 * Draw the dialog over the bottom of the area at row y, h rows of w
 * columns, with the targets as the fleet shows them; a draft's review
 * takes the whole area, with keys' names from keys.
 */
void	 form_draw(struct form *f, WINDOW *win, int y, int h, int w,
	    const struct fleet *fleet, const struct keymap *keys);

#endif
