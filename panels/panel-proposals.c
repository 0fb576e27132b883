/*
 * panel-proposals.c: the Proposals view: every two-person command the
 * fleet holds, pending ones first with the time each has left, so every
 * connected operator sees a proposal waiting for a second signature.
 * Below the table the selected proposal's reason and its exact document,
 * the bytes a second operator would sign.  Enter opens the review of the
 * selected proposal (p->node holds its id): the whole of what a second
 * operator reads before signing, each target's state checked against
 * what the proposer saw.  The view only reads.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-doc.h"
#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "util.h"

enum {
	COL_ID, COL_ACTION, COL_TARGETS, COL_PROPOSER, COL_SIGNERS,
	COL_STATUS, COL_LEFT, COL_REASON, COL_NCOLS
};

static void	panel_proposals_draw(struct panel *p, WINDOW *win, int y,
		    int h, int w, const struct panel_ctx *ctx);
static void	panel_proposals_row(struct table *t,
		    const struct fleet *fleet,
		    const struct fleet_proposal *fp, int64_t wall_ms);
static void	panel_proposals_targets(const struct fleet *fleet,
		    const struct fleet_proposal *fp, char *buf, size_t len);
static void	panel_proposals_pane(WINDOW *win, int y, int h, int w,
		    const struct fleet_proposal *fp,
		    const struct panel_ctx *ctx);
static void	panel_proposals_review_rows(const struct fleet_proposal *fp,
		    int w, const struct panel_ctx *ctx,
		    struct panel_rows *r);
static void	panel_proposals_review(struct panel *p, WINDOW *win, int y,
		    int h, int w, const struct panel_ctx *ctx);

static const struct table_column panel_proposals_columns[COL_NCOLS] = {
	[COL_ID] =	 { "ID", 8, 8, 3, 0, 0 },
	[COL_ACTION] =	 { "ACTION", 6, 8, 0, 0, 0 },
	[COL_TARGETS] =	 { "TARGETS", 9, 24, 0, 0, 0 },
	[COL_PROPOSER] = { "PROPOSER", 8, 16, 0, 0, 0 },
	[COL_SIGNERS] =	 { "SIGNERS", 7, 24, 2, 0, 0 },
	[COL_STATUS] =	 { "STATUS", 9, 9, 1, 0, 0 },
	[COL_LEFT] =	 { "LEFT", 7, 7, 0, 1, 0 },
	[COL_REASON] =	 { "REASON", 10, 0, 4, 0, 0 },
};

const struct panel_ops panel_proposals_ops = {
	.name = "Proposals",
	.show = KEYS_VIEW_PROPOSALS,
	.sortable = 1,
	.default_sort = -1,		/* pending first, soonest expiry */
	.draw = panel_proposals_draw,
	.key = NULL,
	.resize = panel_resize,
};

/*
 * Time left until expires_ms at wall_ms as "4m 05s", or "expired".
 * Returns buf.
 */
const char *
panel_proposals_left(int64_t expires_ms, int64_t wall_ms, char *buf,
    size_t len)
{
	int64_t	left;

	if (expires_ms <= wall_ms) {
		util_copy(buf, len, "expired");
		return (buf);
	}
	left = (expires_ms - wall_ms + 999) / 1000;
	if (left >= 60)
		util_format(buf, len, "%lldm %02llds", (long long)(left / 60),
		    (long long)(left % 60));
	else
		util_format(buf, len, "%llds", (long long)left);
	return (buf);
}

/* The targets the document names, else the nodes holding it. */
static void
panel_proposals_targets(const struct fleet *fleet,
    const struct fleet_proposal *fp, char *buf, size_t len)
{
	size_t	i, used;

	buf[0] = '\0';
	if (fp->decoded) {
		for (i = 0; i < fp->cmd.ntargets; i++) {
			used = strlen(buf);
			util_format(buf + used, len - used, "%s%s",
			    i > 0 ? ", " : "", fp->cmd.targets[i].node);
		}
		return;
	}
	for (i = 0; i < fp->nnodes; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s%s", i > 0 ? ", " : "",
		    fleet->nodes[fp->nodes[i]].id);
	}
}

/* One proposal's row; a finished one is dimmed. */
static void
panel_proposals_row(struct table *t, const struct fleet *fleet,
    const struct fleet_proposal *fp, int64_t wall_ms)
{
	struct table_row	*row;
	char			 text[DRAW_LINE_MAX], left[16];
	size_t			 i, used;
	int			 pending, armed;

	row = table_add(t, fp->id);
	pending = fp->status == STATUS_PENDING;
	armed = fp->status == STATUS_ARMED;
	if (!pending && !armed)
		row->mark = MARK_DIM;
	table_set(row, COL_ID, MARK_NONE, "%.8s", fp->id);
	table_set(row, COL_ACTION, armed ? MARK_CRIT : pending ? MARK_WARN :
	    MARK_NONE, "%s", fp->decoded ? fp->cmd.action : "?");
	panel_proposals_targets(fleet, fp, text, sizeof text);
	table_set(row, COL_TARGETS, MARK_NONE, "%s", text);
	table_set(row, COL_PROPOSER, MARK_NONE, "%s", fp->decoded ?
	    fp->cmd.proposer : "?");
	text[0] = '\0';
	for (i = 0; i < fp->nsigs; i++) {
		used = strlen(text);
		util_format(text + used, sizeof text - used, "%s%s",
		    i > 0 ? ", " : "", fp->sigs[i].operator);
	}
	table_set(row, COL_SIGNERS, MARK_NONE, "%s", text);
	table_set(row, COL_STATUS, fp->problem[0] != '\0' ? MARK_CRIT :
	    MARK_NONE, "%s", fp->problem[0] != '\0' ? "suspect" :
	    proto_status_name(fp->status));
	if (pending || armed)
		panel_proposals_left(fp->expires_ms, wall_ms, left,
		    sizeof left);
	else
		util_copy(left, sizeof left, "-");
	table_set(row, COL_LEFT, MARK_NONE, "%s", left);
	table_set_num(row, COL_LEFT, (double)fp->expires_ms);
	table_set(row, COL_REASON, MARK_NONE, "%s", fp->decoded ?
	    fp->cmd.reason : fp->problem);
}

/* The selected proposal's problem, if any, and its exact bytes. */
static void
panel_proposals_pane(WINDOW *win, int y, int h, int w,
    const struct fleet_proposal *fp, const struct panel_ctx *ctx)
{
	char		 lines[32][DRAW_LINE_MAX], chunk[DRAW_LINE_MAX];
	char		 enter[KEYS_NAME_MAX];
	const char	*doc;
	size_t		 n, j;
	int		 row;

	draw_rule(win, y, 0, w);
	for (row = y + 1; row < y + h; row++)
		draw_text(win, row, 0, w, "", 0, A_NORMAL);
	if (fp == NULL)
		return;
	row = y + 1;
	if (fp->problem[0] != '\0') {
		n = draw_wrap(fp->problem, w, lines, nitems(lines));
		for (j = 0; j < n && row < y + h; j++, row++)
			draw_text(win, row, 0, w, lines[j], 0,
			    draw_mark_attr(MARK_CRIT));
	}
	if (row < y + h)
		draw_text(win, row++, 0, w, "Document (each operator "
		    "signs it through its SHA-256):", 0,
		    draw_style_attr(DRAW_TITLE));
	/*
	 * Cut into rows of w columns, never rewrapped: every byte shows.
	 * What the pane has no room for is said, and the review shows it.
	 */
	doc = fp->document != NULL ? fp->document : "";
	for (; *doc != '\0' && row < y + h; row++) {
		if (row == y + h - 1 && strlen(doc) > (size_t)w) {
			keys_first(ctx->keys, KEYS_OPEN_DETAIL, enter,
			    sizeof enter);
			util_format(chunk, sizeof chunk, "... %zu more bytes: "
			    "%s reviews the whole document", strlen(doc),
			    enter);
			draw_text(win, row, 0, w, chunk, 0,
			    draw_mark_attr(MARK_WARN));
			break;
		}
		doc += draw_cut_row(doc, w, chunk, sizeof chunk);
		draw_text(win, row, 0, w, chunk, 0, A_NORMAL);
	}
}

/* Add a row of a review, growing the list. */
void
panel_rows_add(struct panel_rows *r, const char *text, attr_t attr)
{
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 64 : r->cap * 2;
		r->text = xreallocarray(r->text, r->cap, sizeof *r->text);
		r->attr = xreallocarray(r->attr, r->cap, sizeof *r->attr);
	}
	util_copy(r->text[r->n], sizeof r->text[r->n], text);
	r->attr[r->n++] = attr;
}

/* Free a review's rows. */
void
panel_rows_free(struct panel_rows *r)
{
	free(r->text);
	free(r->attr);
	memset(r, 0, sizeof *r);
}

/*
 * The rows of review text (cmd_review_text(), cmd_draft_text()) at
 * width w: its lines wrapped, the line holding document (as the text
 * escapes it) cut into rows of w columns, never rewrapped, so that
 * every byte shows and none hides under an ellipsis.
 */
void
panel_rows_review(struct panel_rows *r, const char *review,
    const char *document, int w)
{
	char	 lines[64][DRAW_LINE_MAX], chunk[DRAW_LINE_MAX];
	char	*text, *line, *next, *doc;
	size_t	 n, j;

	text = xstrdup(review);
	doc = util_escape_json(document != NULL ? document : "");
	for (line = text; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*doc != '\0' && strcmp(line + strspn(line, " "),
		    doc) == 0) {
			for (line += strspn(line, " "); *line != '\0';) {
				line += draw_cut_row(line, w, chunk,
				    sizeof chunk);
				panel_rows_add(r, chunk, A_NORMAL);
			}
			continue;
		}
		n = draw_wrap(line, w, lines, nitems(lines));
		for (j = 0; j < n; j++)
			panel_rows_add(r, lines[j],
			    strstr(lines[j], "NOW") != NULL ||
			    strstr(lines[j], "PROBLEM") != NULL ?
			    draw_mark_attr(MARK_CRIT) : A_NORMAL);
	}
	free(doc);
	free(text);
}

/*
 * Draw rows r from row *top in h rows of w columns at row y, keeping
 * *top within them; when they are taller, the last row says which show
 * and which keys scroll.  *page gets how many show.
 */
void
panel_rows_draw(const struct panel_rows *r, WINDOW *win, int y, int h,
    int w, size_t *top, size_t *page, const struct keymap *keys)
{
	char	hint[DRAW_LINE_MAX];
	char	down[KEYS_NAME_MAX], up[KEYS_NAME_MAX];
	size_t	shown, j;

	if (h < 1)
		return;
	shown = r->n > (size_t)h ? (size_t)h - 1 : r->n;
	if (*top > r->n - shown)
		*top = r->n - shown;
	*page = shown;
	for (j = 0; j < shown; j++)
		draw_text(win, y + (int)j, 0, w, r->text[*top + j], 0,
		    r->attr[*top + j]);
	if (shown < r->n) {
		keys_first(keys, KEYS_PAGE_DOWN, down, sizeof down);
		keys_first(keys, KEYS_PAGE_UP, up, sizeof up);
		util_format(hint, sizeof hint, "rows %zu-%zu of %zu: %s and "
		    "%s scroll", *top + 1, *top + shown, r->n, down, up);
		draw_text(win, y + (int)shown, 0, w, hint, 0,
		    draw_mark_attr(MARK_WARN));
	}
}

/*
 * The review's rows at width w (panel_rows_review()), then how to
 * approve.
 */
static void
panel_proposals_review_rows(const struct fleet_proposal *fp, int w,
    const struct panel_ctx *ctx, struct panel_rows *r)
{
	char	 lines[64][DRAW_LINE_MAX];
	char	*text, note[DRAW_LINE_MAX];
	char	 approve[KEYS_NAME_MAX], cancel[KEYS_NAME_MAX];
	size_t	 n, j;

	text = cmd_review_text(ctx->fleet, fp, ctx->wall_ms);
	panel_rows_review(r, text, fp->document, w);
	free(text);
	keys_first(ctx->keys, KEYS_APPROVE, approve, sizeof approve);
	keys_first(ctx->keys, KEYS_CANCEL_PROPOSAL, cancel, sizeof cancel);
	if (ctx->operator != NULL)
		util_format(note, sizeof note, "%s approves it as %s: you "
		    "type %s to sign.  %s cancels it, if you proposed it.  "
		    "Escape goes back.", approve, ctx->operator, fp->decoded ?
		    fp->cmd.action : "its action", cancel);
	else
		util_format(note, sizeof note, "This console has no key, so "
		    "it cannot sign: a second operator approves with %s in a "
		    "console started with --key FILE (or VIGIL_KEY set), or "
		    "runs vigil approve %.8s.  Escape goes back.", approve,
		    fp->id);
	panel_rows_add(r, "", A_NORMAL);
	n = draw_wrap(note, w, lines, nitems(lines));
	for (j = 0; j < n; j++)
		panel_rows_add(r, lines[j], draw_style_attr(DRAW_TITLE));
}

/*
 * The review of the proposal whose id p->node holds, from row p->top
 * when it is taller than the view (the last row then says which rows
 * show and how to scroll); a line when no node holds it any more.
 */
static void
panel_proposals_review(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet_proposal	*fp;
	struct panel_rows		 r;
	int				 row;

	for (row = y; row < y + h; row++)
		draw_text(win, row, 0, w, "", 0, A_NORMAL);
	if ((fp = fleet_proposal_find(ctx->fleet, p->node, NULL)) == NULL) {
		draw_text(win, y, 0, w, "No node holds this proposal any "
		    "more; press Escape to go back to the list.", 0,
		    draw_mark_attr(MARK_WARN));
		return;
	}
	if (h <= 1)
		return;
	memset(&r, 0, sizeof r);
	panel_proposals_review_rows(fp, w, ctx, &r);
	panel_rows_draw(&r, win, y, h, w, &p->top, &p->page, ctx->keys);
	panel_rows_free(&r);
}

/*
 * Move *top, the first row shown of a review, by a row or a page of
 * page rows, or to the top or bottom (kept within the rows when
 * drawn).  Returns 1 if action moves it, else 0.
 */
int
panel_rows_scroll(size_t *top, size_t page, enum keys_action action)
{
	page = page > 1 ? page - 1 : 1;
	switch (action) {
	case KEYS_MOVE_UP:
		*top = *top > 0 ? *top - 1 : 0;
		return (1);
	case KEYS_MOVE_DOWN:
		(*top)++;
		return (1);
	case KEYS_PAGE_UP:
		*top = *top > page ? *top - page : 0;
		return (1);
	case KEYS_PAGE_DOWN:
		*top += page;
		return (1);
	case KEYS_MOVE_TOP:
		*top = 0;
		return (1);
	case KEYS_MOVE_BOTTOM:
		*top = SIZE_MAX / 2;
		return (1);
	default:
		return (0);
	}
}

/*
 * Scroll the open review by a row or a page (p->top is its first row
 * while it is open).  Returns 1 if action moves it, else 0.
 */
int
panel_proposals_scroll(struct panel *p, enum keys_action action)
{
	return (panel_rows_scroll(&p->top, p->page, action));
}

/* Fill the table from the fleet's merged proposals and draw it. */
static void
panel_proposals_draw(struct panel *p, WINDOW *win, int y, int h, int w,
    const struct panel_ctx *ctx)
{
	const struct fleet_proposal	*v;
	const struct table_row		*row;
	size_t				 n, i;
	int				 pane;

	if (p->node[0] != '\0') {
		panel_proposals_review(p, win, y, h, w, ctx);
		return;
	}
	table_reset(&p->table, panel_proposals_columns, COL_NCOLS);
	n = fleet_proposals(ctx->fleet, &v);
	for (i = 0; i < n; i++)
		panel_proposals_row(&p->table, ctx->fleet, &v[i],
		    ctx->wall_ms);
	pane = h >= 14 ? h / 2 : h >= 9 ? 4 : 0;
	panel_show_table(p, win, y, h - pane, w);
	if (pane > 0) {
		row = panel_selected_row(p);
		panel_proposals_pane(win, y + h - pane, pane, w, row == NULL ?
		    NULL : fleet_proposal_find(ctx->fleet, row->id, NULL), ctx);
	}
}

/* How many proposals wait for a second signature. */
size_t
panel_proposals_pending(const struct fleet *fleet)
{
	const struct fleet_proposal	*v;
	size_t				 n, i, pending = 0;

	n = fleet_proposals(fleet, &v);
	for (i = 0; i < n; i++) {
		if (v[i].status == STATUS_PENDING)
			pending++;
	}
	return (pending);
}
