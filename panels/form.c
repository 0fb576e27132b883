/*
 * form.c: the command dialog: what is typed, what it shows, and the
 * action that leaves once the action's name was typed whole.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-doc.h"
#include "draw.h"
#include "fleet.h"
#include "form.h"
#include "keys.h"
#include "panel.h"
#include "proto-command.h"
#include "util.h"

#define FORM_LINES	48	/* lines the dialog may hold */

/* The dialog's lines before they are drawn. */
struct form_text {
	char	line[FORM_LINES][DRAW_LINE_MAX];
	attr_t	attr[FORM_LINES];
	size_t	n;
	int	w;
};

static enum form_result form_send(struct form *, struct tui_action *);
static enum form_result form_review_key(struct form *, int,
		    struct tui_action *, char *, size_t);
static void	 form_draw_review(struct form *, WINDOW *, int, int, int,
		    const struct keymap *);
static void	 form_title(const struct form *, const struct command_spec *,
		    char *, size_t);
static void	 form_steps(const struct form *, struct form_text *);
static const char *form_word(const struct form *);
static int	 form_request(const struct form *,
		    struct proto_plan_request *, char **);
static void	 form_plan(const struct form *, const struct fleet *,
		    struct form_text *);
static const char *form_noun(const struct form *);
static int	 form_has_arg(const char *);
static int	 form_arg_done(struct form *);
static void	 form_add(struct form_text *, attr_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 form_targets(const struct form *, const struct fleet *,
		    struct form_text *);
static void	 form_trust(const struct form *, const struct fleet *,
		    struct form_text *);

/* Start a dialog of kind for command, closing whatever was open. */
static void
form_start(struct form *f, enum form_kind kind, const char *command,
    const char *signer)
{
	form_close(f);
	f->kind = kind;
	f->step = kind != FORM_PROPOSE ? FORM_CONFIRM :
	    form_has_arg(command) ? FORM_ARG : FORM_REASON;
	util_copy(f->command, sizeof f->command, command);
	util_copy(f->signer, sizeof f->signer, signer != NULL ? signer : "");
}

/* Open the propose dialog. */
void
form_open_propose(struct form *f, const char *command,
    const char *const *nodes, size_t n, const char *signer)
{
	size_t	i;

	form_start(f, FORM_PROPOSE, command, signer);
	for (i = 0; i < n && i < PROTO_MAX_TARGETS; i++)
		util_copy(f->nodes[i], sizeof f->nodes[i], nodes[i]);
	f->nnodes = i;
}

/* Does proposing command ask what to (a build, a flag, a station)? */
static int
form_has_arg(const char *command)
{
	return (proto_plan_applies(command) ||
	    strcmp(command, "move-root") == 0);
}

/* What to was given already (at the ":" prompt); see form.h. */
void
form_preset(struct form *f, const char *arg)
{
	if (f->kind != FORM_PROPOSE || f->step != FORM_ARG)
		return;
	util_copy(f->arg, sizeof f->arg, arg);
	(void)form_arg_done(f);
}

/*
 * Enter on what to: on to the reason when it reads right, else a note
 * saying why.  Returns 0, or -1 when it stays.
 */
static int
form_arg_done(struct form *f)
{
	struct proto_plan_request	 req;
	char				*cause = NULL;

	if (strcmp(f->command, "move-root") == 0) {
		if (f->arg[strspn(f->arg, " ")] == '\0' ||
		    strchr(f->arg, '/') == NULL) {
			util_copy(f->note, sizeof f->note, "Type the station "
			    "to move the root to as the Stations view lists "
			    "it (station/s2): one live, that no station "
			    "blacklists.");
			return (-1);
		}
	} else if (form_request(f, &req, &cause) != 0) {
		util_copy(f->note, sizeof f->note, cause);
		free(cause);
		return (-1);
	} else
		util_copy(f->override, sizeof f->override, req.override);
	f->note[0] = '\0';
	f->step = FORM_REASON;
	return (0);
}

/* Open the approve or cancel dialog for proposal p. */
void
form_open_decide(struct form *f, const struct fleet_proposal *p,
    int approving, const char *signer)
{
	size_t	i;

	form_start(f, approving ? FORM_APPROVE : FORM_CANCEL,
	    p->decoded ? p->cmd.action : "?", signer);
	util_copy(f->id, sizeof f->id, p->id);
	for (i = 0; p->decoded && i < p->cmd.nargs; i++) {
		if (strcmp(p->cmd.args[i].name, "override") == 0)
			util_copy(f->override, sizeof f->override,
			    p->cmd.args[i].value);
	}
	for (i = 0; p->decoded && i < p->cmd.ntargets; i++)
		util_copy(f->nodes[i], sizeof f->nodes[i],
		    p->cmd.targets[i].node);
	f->nnodes = i;
	if (approving)
		f->document = xstrdup(p->document != NULL ? p->document : "");
}

/* Open the fire dialog for armed kill p. */
void
form_open_fire(struct form *f, const struct fleet_proposal *p,
    const char *signer)
{
	size_t	i;

	form_start(f, FORM_FIRE, "arm-kill", signer);
	util_copy(f->id, sizeof f->id, p->id);
	for (i = 0; p->decoded && i < p->cmd.ntargets; i++)
		util_copy(f->nodes[i], sizeof f->nodes[i],
		    p->cmd.targets[i].node);
	f->nnodes = i;
}

/* Close the dialog. */
void
form_close(struct form *f)
{
	free(f->document);
	free(f->review);
	free(f->said);
	memset(f, 0, sizeof *f);
}

/*
 * The word that confirms: the action's name, or "cancel"; for a change
 * that carries an override, the code path it lets wake.
 */
static const char *
form_word(const struct form *f)
{
	if (f->kind == FORM_CANCEL)
		return ("cancel");
	if (f->kind == FORM_FIRE)
		return ("fire");
	return (f->override[0] != '\0' ? f->override : f->command);
}

/*
 * The request typed: "BUILD" or "NAME=on|off", then maybe " override
 * PATH".  Returns 0, or -1 and an allocated sentence in *cause.
 */
static int
form_request(const struct form *f, struct proto_plan_request *req,
    char **cause)
{
	char		 what[sizeof f->arg];
	const char	*over = NULL;
	char		*at;
	int		 rollback = strcmp(f->command, "rollback") == 0;

	util_copy(what, sizeof what, f->arg + strspn(f->arg, " "));
	if ((at = strstr(what, " override ")) != NULL) {
		*at = '\0';
		over = at + strlen(" override ");
	}
	if ((at = strchr(what, ' ')) != NULL)
		*at = '\0';
	return (cmd_plan_request(f->command, rollback ? what : NULL,
	    rollback ? NULL : what, over, req, cause));
}

/* What the dialog sends, as a noun. */
static const char *
form_noun(const struct form *f)
{
	switch (f->kind) {
	case FORM_PROPOSE:
		return ("proposal");
	case FORM_APPROVE:
		return ("approval");
	case FORM_FIRE:
		return ("fire");
	default:
		return ("cancellation");
	}
}

/* The typed word was right: hand the console what to sign and send. */
static enum form_result
form_send(struct form *f, struct tui_action *out)
{
	char	*cause = NULL;
	size_t	 i;

	f->note[0] = '\0';
	memset(out, 0, sizeof *out);
	out->type = f->kind == FORM_PROPOSE ? TUI_PROPOSE :
	    f->kind == FORM_APPROVE ? TUI_APPROVE : f->kind ==
	    FORM_FIRE ? TUI_FIRE : TUI_CANCEL;
	util_copy(out->command, sizeof out->command, f->command);
	util_copy(out->id, sizeof out->id, f->id);
	util_copy(out->reason, sizeof out->reason, f->reason);
	for (i = 0; i < f->nnodes; i++)
		util_copy(out->nodes[i], sizeof out->nodes[i],
		    f->nodes[i]);
	out->nnodes = f->nnodes;
	out->document = f->document;
	if (f->kind == FORM_PROPOSE && proto_plan_applies(f->command) &&
	    form_request(f, &out->req, &cause) != 0)
		free(cause);	/* checked when it was typed */
	if (f->kind == FORM_PROPOSE && strcmp(f->command, "move-root") == 0)
		util_format(out->to, sizeof out->to, "%.*s",
		    (int)strcspn(f->arg + strspn(f->arg, " "), " "),
		    f->arg + strspn(f->arg, " "));
	f->step = FORM_SENT;
	free(f->said);
	/* A proposal is drafted first, and signed only after its review. */
	f->said = xstrdup(f->kind == FORM_PROPOSE ? "Building the "
	    "document..." : "Signing and sending...");
	return (FORM_SEND);
}

/* The review of the draft is up: see form.h. */
int
form_review(struct form *f, const char *review, const char *document)
{
	if (f->kind != FORM_PROPOSE || f->step != FORM_SENT)
		return (-1);
	free(f->review);
	free(f->document);
	f->review = xstrdup(review);
	f->document = xstrdup(document != NULL ? document : "");
	f->top = 0;
	f->shown = 0;
	f->note[0] = '\0';
	f->step = FORM_REVIEW;
	return (0);
}

/* Scroll the draft's review; see form.h. */
int
form_scroll(struct form *f, enum keys_action action)
{
	if (f->kind != FORM_PROPOSE || f->step != FORM_REVIEW)
		return (0);
	return (panel_rows_scroll(&f->top, f->page, action));
}

/*
 * A key on the draft's review: y signs the bytes shown, n or Escape
 * discards them, any other key says which is which.
 */
static enum form_result
form_review_key(struct form *f, int key, struct tui_action *out,
    char *msg, size_t msglen)
{
	memset(out, 0, sizeof *out);
	if (key == KEYS_ESCAPE || key == 'n' || key == 'N') {
		out->type = TUI_DISCARD;
		util_copy(msg, msglen, "No proposal was made: you discarded "
		    "the document, and nothing was signed or sent.");
		form_close(f);
		return (FORM_SEND);
	}
	if (key != 'y' && key != 'Y') {
		util_copy(f->note, sizeof f->note, "Nothing was signed: "
		    "press y to sign this document and send it, or n or "
		    "Escape to discard it.");
		return (FORM_KEPT);
	}
	if (!f->shown) {
		/* A y typed ahead of the review must not sign it unread. */
		util_copy(f->note, sizeof f->note, "Nothing was signed: the "
		    "review was not on screen yet; read it, then press y.");
		return (FORM_KEPT);
	}
	out->type = TUI_SIGN;
	out->document = f->document;
	util_copy(out->command, sizeof out->command, f->command);
	f->note[0] = '\0';
	f->step = FORM_SENT;
	free(f->said);
	f->said = xstrdup("Signing and sending...");
	return (FORM_SEND);
}

/* A key for the dialog. */
enum form_result
form_key(struct form *f, int ch, struct tui_action *out, char *msg,
    size_t msglen)
{
	char	typed[FORM_WORD_MAX];
	size_t	i;
	int	key = keys_canonical(ch);

	msg[0] = '\0';
	if (f->step == FORM_REVIEW)
		return (form_review_key(f, key, out, msg, msglen));
	if (key == KEYS_ESCAPE || (key == KEYS_ENTER && f->step == FORM_DONE)) {
		if (f->step <= FORM_CONFIRM)
			util_format(msg, msglen, "No %s was made: you left the "
			    "dialog, and nothing was signed or sent.",
			    form_noun(f));
		else if (f->step == FORM_SENT)
			util_format(msg, msglen, "The %s's answers will show "
			    "here when they arrive; the Proposals view shows "
			    "what the backends hold.", form_noun(f));
		form_close(f);
		return (FORM_CLOSED);
	}
	switch (f->step) {
	case FORM_ARG:
		if (key != KEYS_ENTER)
			panel_type(f->arg, sizeof f->arg, key);
		else
			(void)form_arg_done(f);
		return (FORM_KEPT);
	case FORM_REASON:
		if (key == KEY_BACKSPACE && f->reason[0] == '\0' &&
		    form_has_arg(f->command)) {
			f->step = FORM_ARG;	/* back to what to */
			return (FORM_KEPT);
		}
		if (key == KEYS_ENTER) {
			if (f->reason[strspn(f->reason, " ")] == '\0') {
				util_copy(f->note, sizeof f->note, "A reason "
				    "is needed: the second operator and the "
				    "audit log read it.");
				return (FORM_KEPT);
			}
			f->note[0] = '\0';
			f->step = FORM_CONFIRM;
			return (FORM_KEPT);
		}
		panel_type(f->reason, sizeof f->reason, key);
		return (FORM_KEPT);
	case FORM_CONFIRM:
		if (key == KEY_BACKSPACE && f->word[0] == '\0' &&
		    f->kind == FORM_PROPOSE) {
			f->step = FORM_REASON;	/* back to the reason */
			return (FORM_KEPT);
		}
		if (key != KEYS_ENTER) {
			panel_type(f->word, sizeof f->word, key);
			return (FORM_KEPT);
		}
		util_copy(typed, sizeof typed, f->word + strspn(f->word, " "));
		for (i = strlen(typed); i > 0 && typed[i - 1] == ' '; i--)
			typed[i - 1] = '\0';
		f->word[0] = '\0';
		if (strcmp(typed, form_word(f)) != 0) {
			util_format(f->note, sizeof f->note,
			    "You typed \"%s\", "
			    "not \"%s\": nothing was signed or sent.  Type %s, "
			    "or press Escape to leave.", typed, form_word(f),
			    form_word(f));
			return (FORM_KEPT);
		}
		return (form_send(f, out));
	default:
		return (FORM_KEPT);	/* waiting: only Escape closes */
	}
}

/* Show what became of the command. */
void
form_said(struct form *f, const char *text, int done, int ok)
{
	if (f->kind == FORM_NONE)
		return;
	free(f->said);
	f->said = xstrdup(text);
	f->ok = ok;
	if (done)
		f->step = FORM_DONE;
}

/* Add a line (wrapped to the dialog's width) in attr. */
static void
form_add(struct form_text *t, attr_t attr, const char *fmt, ...)
{
	char	lines[16][DRAW_LINE_MAX];
	va_list	ap;
	size_t	n, i;

	va_start(ap, fmt);
	n = draw_vwrap(t->w, lines, nitems(lines), fmt, ap);
	va_end(ap);
	if (n == 0 && t->n < FORM_LINES) {
		t->line[t->n][0] = '\0';
		t->attr[t->n++] = attr;
	}
	for (i = 0; i < n && t->n < FORM_LINES; i++) {
		util_copy(t->line[t->n], sizeof t->line[t->n], lines[i]);
		t->attr[t->n++] = attr;
	}
}

/*
 * Each target as the fleet shows it now, and a warning where its
 * backend is sure to refuse (wrong role or state) or its state has not
 * come yet (the desk refuses it); the backend decides.
 */
static void
form_targets(const struct form *f, const struct fleet *fleet,
    struct form_text *t)
{
	const struct command_spec	*spec = command_spec_find(f->command);
	const struct node		*node;
	struct proto_command_target	 seen;
	size_t				 i;

	for (i = 0; i < f->nnodes; i++) {
		node = fleet_find_const(fleet, f->nodes[i]);
		if (node == NULL || !node->has_hello) {
			form_add(t, draw_mark_attr(MARK_WARN), "target: %s: "
			    "not heard from by this console", f->nodes[i]);
			continue;
		}
		if (node->nstats == 0) {
			form_add(t, draw_mark_attr(MARK_WARN), "target: %s, "
			    "build %s: its state has not come yet; wait for it "
			    "to report", node->id, node->hello.build);
			continue;
		}
		cmd_target_seen(node, &seen);
		form_add(t, A_NORMAL, "target: %s, build %s, %s", seen.node,
		    seen.build, seen.state);
		if (spec == NULL)
			continue;
		if ((spec->roles & (int)node->hello.role) == 0 ||
		    !command_spec_allows(spec, cmd_node_state(node)))
			form_add(t, draw_mark_attr(MARK_WARN), "%s acts "
			    "only on a %s%srouter; %s's backend will refuse "
			    "it", spec->name, spec->from_state,
			    spec->from_state[0] != '\0' ? " " : "",
			    seen.node);
	}
}

/*
 * What a rollback or flag change typed so far would run: the plan as a
 * backend will judge it, refusals marked; or the line being typed.
 */
static void
form_plan(const struct form *f, const struct fleet *fleet,
    struct form_text *t)
{
	struct proto_plan_request	 req;
	struct proto_plan		*plan;
	const char			*nodes[PROTO_MAX_TARGETS];
	char				*cause = NULL, *text, *line, *next;
	size_t				 i;

	form_add(t, A_NORMAL, "%s: %s%s", strcmp(f->command, "rollback") ==
	    0 ? "to build" : "set", f->arg, f->step == FORM_ARG ? "_" : "");
	if (f->step == FORM_ARG || form_request(f, &req, &cause) != 0) {
		free(cause);
		return;
	}
	for (i = 0; i < f->nnodes; i++)
		nodes[i] = f->nodes[i];
	plan = cmd_plan(fleet, &req, nodes, f->nnodes);
	text = cmd_plan_text(plan, "");
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		form_add(t, strstr(line, "REFUSED") != NULL ?
		    draw_mark_attr(MARK_CRIT) : strstr(line, "MORE THAN") !=
		    NULL ? draw_mark_attr(MARK_WARN) : A_NORMAL, "%s", line);
	}
	free(text);
	free(plan);
}

/*
 * Before signing, a warning for each target whose backend said in its
 * hello whom it trusts and did not name this signer with this key: it
 * is sure to refuse.  A backend that did not say gets no warning.
 */
static void
form_trust(const struct form *f, const struct fleet *fleet,
    struct form_text *t)
{
	const struct proto_hello	*h;
	const struct node		*node;
	char				 names[PANEL_MESSAGE_MAX];
	const char			*as;
	size_t				 i, j;

	if (f->step >= FORM_SENT || f->signer_key[0] == '\0')
		return;
	for (i = 0; i < f->nnodes; i++) {
		node = fleet_find_const(fleet, f->nodes[i]);
		if (node == NULL || !node->has_hello ||
		    !node->hello.operators_said)
			continue;
		h = &node->hello;
		names[0] = '\0';
		as = NULL;
		for (j = 0; j < h->noperators; j++) {
			if (strcmp(h->operators[j].key, f->signer_key) == 0) {
				as = h->operators[j].operator;
				if (strcmp(as, f->signer) == 0)
					break;
			}
			util_format(names + strlen(names), sizeof names -
			    strlen(names), "%s%s", j == 0 ? "" : ", ",
			    h->operators[j].operator);
		}
		if (j < h->noperators)
			continue;
		if (h->noperators == 0)
			form_add(t, draw_mark_attr(MARK_WARN), "%s trusts no "
			    "operator, so it will refuse what you sign; its "
			    "vigild needs --trust FILE with your key's line "
			    "(vigil-key pub)", node->id);
		else if (as != NULL)
			form_add(t, draw_mark_attr(MARK_WARN), "%s trusts "
			    "this key as %s, not %s, so it will refuse what "
			    "you sign; start vigil with --operator %s",
			    node->id, as, f->signer, as);
		else
			form_add(t, draw_mark_attr(MARK_WARN), "%s does not "
			    "trust this key (it trusts %s), so it will refuse "
			    "what %s signs; sign with a trusted key, or add "
			    "your key's line (vigil-key pub) to its trust file",
			    node->id, names, f->signer);
	}
}

/* The dialog's title, saying what it signs, into title (len bytes). */
static void
form_title(const struct form *f, const struct command_spec *spec,
    char *title, size_t len)
{
	switch (f->kind) {
	case FORM_PROPOSE:
		util_format(title, len, " Propose %s%s%s ",
		    f->command, spec != NULL ? ": " : "", spec != NULL ?
		    spec->summary : "");
		break;
	case FORM_APPROVE:
		util_format(title, len, " Approve %.8s: %s ", f->id,
		    f->command);
		break;
	case FORM_FIRE:
		util_format(title, len, " Fire armed kill %.8s on %zu "
		    "router%s ", f->id, f->nnodes, f->nnodes == 1 ? "" : "s");
		break;
	default:
		util_format(title, len, " Cancel %.8s: %s ", f->id,
		    f->command);
		break;
	}
}

/* The lines of the dialog's step: what to type, or the answers. */
static void
form_steps(const struct form *f, struct form_text *t)
{
	const char	*word = form_word(f), *line, *next;
	attr_t		 said;

	switch (f->step) {
	case FORM_ARG:
		if (strcmp(f->command, "move-root") == 0) {
			form_add(t, draw_style_attr(DRAW_TITLE), "Type the "
			    "station to move the root to, then Enter.  "
			    "Escape leaves; nothing is sent.");
			break;
		}
		form_add(t, draw_style_attr(DRAW_TITLE), "Type %s, then "
		    "Enter; add \" override PATH\" only to let it wake "
		    "retired code PATH.  Escape leaves; nothing is sent.",
		    strcmp(f->command, "rollback") == 0 ? "the build to switch "
		    "to" : "NAME=on or NAME=off");
		break;
	case FORM_REASON:
		form_add(t, draw_style_attr(DRAW_TITLE), "Type why, then "
		    "Enter.  Escape leaves; nothing is sent.");
		break;
	case FORM_CONFIRM:
		if (f->kind == FORM_APPROVE)
			form_add(t, draw_style_attr(DRAW_TITLE), "Type %s and "
			    "press Enter to sign the document above as %s "
			    "and approve it: %s_", word, f->signer, f->word);
		else if (f->kind == FORM_CANCEL)
			form_add(t, draw_style_attr(DRAW_TITLE), "Type %s and "
			    "press Enter to sign as %s and cancel this "
			    "proposal: %s_", word, f->signer, f->word);
		else if (f->kind == FORM_FIRE)
			form_add(t, draw_style_attr(DRAW_TITLE), "Type %s and "
			    "press Enter to sign as %s and halt every router "
			    "it covers now: %s_", word, f->signer, f->word);
		else
			form_add(t, draw_style_attr(DRAW_TITLE), "Type %s and "
			    "press Enter to sign as %s and propose it: %s_",
			    word, f->signer, f->word);
		form_add(t, draw_mark_attr(MARK_DIM), "Escape leaves; nothing "
		    "is signed or sent.");
		break;
	case FORM_REVIEW:
		break;		/* form_draw_review() */
	case FORM_SENT:
	case FORM_DONE:
		said = f->step == FORM_SENT ? draw_mark_attr(MARK_INFO) :
		    f->ok ? draw_mark_attr(MARK_OK) : draw_mark_attr(MARK_CRIT);
		for (line = f->said; line != NULL; line = next) {
			next = strchr(line, '\n');
			form_add(t, said, "%.*s", next != NULL ? (int)(next -
			    line) : (int)strlen(line), line);
			if (next != NULL)
				next++;
		}
		form_add(t, draw_mark_attr(MARK_DIM), "%s", f->step ==
		    FORM_SENT ? "Waiting for the answers; Escape closes "
		    "this (they still arrive)." : "Enter or Escape closes "
		    "this.");
		break;
	}
}

/*
 * The draft's review over the whole area: a title, the review's rows
 * from f->top, and below them, always in view, the keys that sign or
 * discard it.
 */
static void
form_draw_review(struct form *f, WINDOW *win, int y, int h, int w,
    const struct keymap *keys)
{
	struct panel_rows	 r;
	char			 foot[4][DRAW_LINE_MAX], title[DRAW_LINE_MAX];
	char			 say[FORM_NOTE_MAX * 2];
	size_t			 n, i;
	int			 row;

	for (row = y; row < y + h; row++)
		draw_text(win, row, 0, w, "", 0, A_NORMAL);
	util_format(title, sizeof title, " Review before signing: propose "
	    "%s ", f->command);
	draw_rule(win, y, 0, w);
	draw_text(win, y, 1, w - 2, title, 0, draw_style_attr(DRAW_TITLE));
	util_format(say, sizeof say, "Press y to sign this document as %s "
	    "and send it, or n or Escape to discard it: nothing is signed "
	    "or sent until y.%s%s", f->signer, f->note[0] != '\0' ? "  " :
	    "", f->note);
	n = draw_wrap(say, w, foot, nitems(foot));
	memset(&r, 0, sizeof r);
	panel_rows_review(&r, f->review != NULL ? f->review : "",
	    f->document, w);
	if (h > (int)n + 2)
		panel_rows_draw(&r, win, y + 1, h - 1 - (int)n, w, &f->top,
		    &f->page, keys);
	panel_rows_free(&r);
	for (i = 0; i < n; i++)
		draw_text(win, y + h - (int)n + (int)i, 0, w, foot[i], 0,
		    f->note[0] != '\0' ? draw_mark_attr(MARK_WARN) :
		    draw_style_attr(DRAW_TITLE));
	f->shown = 1;
}

/* Draw the dialog at the bottom of the area. */
void
form_draw(struct form *f, WINDOW *win, int y, int h, int w,
    const struct fleet *fleet, const struct keymap *keys)
{
	const struct command_spec	*spec;
	struct form_text		*t;
	size_t				 i, first;
	int				 row, top;
	char				 title[DRAW_LINE_MAX];

	if (f->kind == FORM_NONE || h < 3 || w < 10)
		return;
	if (f->step == FORM_REVIEW) {
		form_draw_review(f, win, y, h, w, keys);
		return;
	}
	t = xcalloc(1, sizeof *t);
	t->w = w - 1;
	spec = command_spec_find(f->command);
	form_title(f, spec, title, sizeof title);
	if (f->kind != FORM_PROPOSE)
		form_trust(f, fleet, t);
	if (f->kind == FORM_PROPOSE) {
		form_targets(f, fleet, t);
		if (proto_plan_applies(f->command))
			form_plan(f, fleet, t);
		else if (strcmp(f->command, "move-root") == 0)
			form_add(t, A_NORMAL, "to station: %s%s", f->arg,
			    f->step == FORM_ARG ? "_" : "");
		form_trust(f, fleet, t);
		form_add(t, A_NORMAL, "signer: %s; a second, different "
		    "operator must approve within %lld minutes", f->signer,
		    (long long)(COMMAND_DEFAULT_TTL_MS / 60000));
		form_add(t, A_NORMAL, "reason: %s%s", f->reason,
		    f->step == FORM_REASON ? "_" : "");
	}
	form_steps(f, t);
	if (f->note[0] != '\0')
		form_add(t, draw_mark_attr(MARK_CRIT), "%s", f->note);

	/* Bottom-aligned; when short of rows, the last lines win. */
	first = t->n + 1 > (size_t)h ? t->n + 1 - (size_t)h : 0;
	top = y + h - (int)(t->n - first) - 1;
	draw_rule(win, top, 0, w);
	draw_text(win, top, 1, w - 2, title, 0, draw_style_attr(DRAW_TITLE));
	for (i = first, row = top + 1; i < t->n; i++, row++)
		draw_text(win, row, 0, w, t->line[i], 0, t->attr[i]);
	free(t);
}
