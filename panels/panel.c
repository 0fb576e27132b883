/*
 * panel.c: what every view does alike: moving the cursor, paging,
 * sorting, keeping the selection on its row while rows come and go, and
 * the comparisons several views mark cells by.
 */
#include <curses.h>
#include <string.h>

#include "draw.h"
#include "fleet.h"
#include "panel.h"
#include "util.h"

static void	panel_move(struct panel *p, long delta);

/* Start a view with its defaults. */
void
panel_init(struct panel *p, const struct panel_ops *ops)
{
	memset(p, 0, sizeof *p);
	p->ops = ops;
	p->sort_col = ops->default_sort;
	p->reverse = ops->default_reverse;
	table_init(&p->table, NULL, 0);
}

/* Release a view's table. */
void
panel_free(struct panel *p)
{
	table_free(&p->table);
}

/* Move the cursor by delta shown rows, clamped, and remember its row. */
static void
panel_move(struct panel *p, long delta)
{
	const struct table	*t = &p->table;
	long			 c;

	if (t->nshown == 0)
		return;
	c = (long)p->cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)t->nshown)
		c = (long)t->nshown - 1;
	p->cursor = (size_t)c;
	util_copy(p->selected, sizeof p->selected,
	    t->rows[t->order[p->cursor]].id);
}

/* Moving, paging and sorting; the rest goes to the view. */
int
panel_key(struct panel *p, enum keys_action action,
    const struct panel_ctx *ctx, struct tui_action *out, char *msg,
    size_t msglen)
{
	long	page = p->page > 1 ? (long)p->page - 1 : 1;
	size_t	ncol = p->table.ncolumns;

	switch (action) {
	case KEYS_MOVE_UP:
		panel_move(p, -1);
		return (1);
	case KEYS_MOVE_DOWN:
		panel_move(p, 1);
		return (1);
	case KEYS_PAGE_UP:
		/* The page turns with the cursor, as in a pager. */
		p->top = p->top > (size_t)page ? p->top - (size_t)page : 0;
		panel_move(p, -page);
		return (1);
	case KEYS_PAGE_DOWN:
		p->top += (size_t)page;
		panel_move(p, page);
		return (1);
	case KEYS_MOVE_TOP:
		panel_move(p, -(long)p->table.nshown);
		return (1);
	case KEYS_MOVE_BOTTOM:
		panel_move(p, (long)p->table.nshown);
		return (1);
	case KEYS_SORT_NEXT:
	case KEYS_SORT_PREV:
	case KEYS_SORT_REVERSE:
		if (!p->ops->sortable || ncol == 0) {
			util_format(msg, msglen, "The %s view keeps its own "
			    "order; it cannot be sorted.", p->ops->name);
			return (1);
		}
		if (action == KEYS_SORT_REVERSE)
			p->reverse = !p->reverse;
		else {
			/* -1 (as the view ranks rows) is one of the stops. */
			p->sort_col += action == KEYS_SORT_NEXT ? 1 : -1;
			if (p->sort_col >= (int)ncol)
				p->sort_col = -1;
			else if (p->sort_col < -1)
				p->sort_col = (int)ncol - 1;
			p->reverse = 0;
		}
		return (1);
	default:
		break;
	}
	if (p->ops->key != NULL)
		return (p->ops->key(p, action, ctx, out, msg, msglen));
	return (0);
}

/*
 * A click at row y, column x of the view's area (row 0 its column
 * titles): a title sorts by its column (again: the other way), a row
 * is selected, and a second click on the selected row opens it.
 */
enum panel_click
panel_click(struct panel *p, int y, int x)
{
	const struct table	*t = &p->table;
	size_t			 i;
	int			 col;

	if (y == 0) {
		if (!p->ops->sortable || (col = table_column_at(t, x)) < 0)
			return (PANEL_CLICK_NONE);
		if (col == p->sort_col)
			p->reverse = !p->reverse;
		else {
			p->sort_col = col;
			p->reverse = 0;
		}
		return (PANEL_CLICK_SORTED);
	}
	if (y < 1 || (size_t)(y - 1) >= p->page ||
	    (i = p->top + (size_t)(y - 1)) >= t->nshown)
		return (PANEL_CLICK_NONE);
	if (t->rows[t->order[i]].mark == MARK_HEADING)
		return (PANEL_CLICK_NONE);
	if (i == p->cursor && strcmp(p->selected,
	    t->rows[t->order[i]].id) == 0)
		return (PANEL_CLICK_OPEN);
	p->cursor = i;
	util_copy(p->selected, sizeof p->selected, t->rows[t->order[i]].id);
	return (PANEL_CLICK_SELECTED);
}

/* A row for each node that shows, formatted later by source. */
void
panel_node_rows(struct table *t, const struct fleet *fleet,
    const struct table_source *source, int (*shows)(const struct node *))
{
	struct table_row	*row;
	size_t			 i;

	table_source(t, source);
	for (i = 0; i < fleet->nnodes; i++) {
		if (shows != NULL && !shows(&fleet->nodes[i]))
			continue;
		row = table_add(t, fleet->nodes[i].id);
		util_copy(row->node, sizeof row->node, fleet->nodes[i].id);
		row->src = &fleet->nodes[i];
	}
}

/* Remember the area; views without parts of their own use this. */
void
panel_resize(struct panel *p, int h, int w)
{
	p->h = h;
	p->w = w;
}

/* Filter, sort, follow the selection, scroll and draw. */
void
panel_show_table(struct panel *p, WINDOW *win, int y, int h, int w)
{
	struct table		*t = &p->table;
	struct table_row	*row;
	struct table_cell	*c;
	char			 text[TABLE_CELL_MAX];
	size_t			 i;
	int			 at;

	table_view(t, p->filter, p->sort_col, p->reverse);
	if (t->nshown == 0) {
		p->cursor = 0;
	} else if (p->cursor < t->nshown && strcmp(p->selected,
	    t->rows[t->order[p->cursor]].id) == 0) {
		/* Still where it was: most frames. */
	} else if (p->selected[0] != '\0' &&
	    (at = table_find(t, p->selected)) >= 0) {
		p->cursor = (size_t)at;
	} else {
		/* The row went away: stay at the same place. */
		if (p->cursor >= t->nshown)
			p->cursor = t->nshown - 1;
		util_copy(p->selected, sizeof p->selected,
		    t->rows[t->order[p->cursor]].id);
	}
	p->page = h > 1 ? (size_t)(h - 1) : 0;
	p->top = table_scroll(p->cursor, p->top, p->page, t->nshown);
	/* Only the rows drawn are formatted, so only they are marked. */
	table_window(t, p->top, p->page);
	for (i = t->top; p->marks != NULL && p->marks->n > 0 &&
	    i < t->top + t->ndrawn; i++) {
		row = &t->rows[t->order[i]];
		if (!panel_marked(p->marks, row->node))
			continue;
		c = &row->cells[0];
		util_format(text, sizeof text, "*%s", c->text);
		util_copy(c->text, sizeof c->text, text);
		c->mark = MARK_INFO;
	}
	draw_table(win, t, &(struct draw_table_view){ .y = y, .x = 0, .h = h,
	    .w = w, .top = p->top, .cursor = t->nshown == 0 ? -1 :
	    (int)p->cursor, .sort_col = p->sort_col, .reverse = p->reverse });
	/* The source's model pointers are good for this frame only. */
	table_source(t, NULL);
	if (t->nshown == 0 && h > 1)
		draw_text(win, y + 1, 0, w, p->filter[0] != '\0' ?
		    "  No rows match the filter; Escape clears it." :
		    "  Nothing to show yet.", 0, draw_mark_attr(MARK_DIM));
}

/* The root holder and the latest move's steps, on one line. */
void
panel_root_line(WINDOW *win, int y, int w, const struct fleet *fleet)
{
	const struct fleet_move	*m = &fleet->move;
	const char		*holder = NULL;
	char			 line[2 * PROTO_TEXT_MAX];
	size_t			 i, n;
	int			 step, bad;

	for (i = 0; i < fleet->nnodes && holder == NULL; i++) {
		if (fleet->nodes[i].has_cert && fleet->nodes[i].cert.holds_root)
			holder = fleet->nodes[i].id;
	}
	util_format(line, sizeof line, "Root holder: %s", holder != NULL ?
	    holder : "no station says it holds the root");
	bad = holder == NULL;
	if (m->id[0] != '\0') {
		n = strlen(line);
		util_format(line + n, sizeof line - n, "   move-root %.8s %s "
		    "%s:", m->id, m->from, m->to);
		for (step = 0; step < MOVE_NSTEPS; step++) {
			n = strlen(line);
			util_format(line + n, sizeof line - n, " %s %s%s",
			    fleet_move_step_name(step), m->step_ms[step] != 0 ?
			    "done" : m->failure[0] != '\0' ? "no" : "...",
			    step + 1 < MOVE_NSTEPS ? "," : "");
		}
		if (m->failure[0] != '\0') {
			n = strlen(line);
			util_format(line + n, sizeof line - n, "; FAILED: %s",
			    m->failure);
			bad = 1;
		} else if (m->step_ms[MOVE_RENEWED] != 0) {
			n = strlen(line);
			util_format(line + n, sizeof line - n, " (%lld ms, "
			    "first %s)", (long long)(m->step_ms[MOVE_RENEWED] -
			    m->step_ms[MOVE_SEALED]), m->renewed_by);
		}
	}
	draw_text(win, y, 0, w, line, 0, draw_mark_attr(bad ? MARK_CRIT :
	    MARK_INFO));
}

/* Edit a typed line by one key. */
int
panel_type(char *buf, size_t len, int key)
{
	size_t	n = strlen(buf);

	switch (key) {
	case KEY_BACKSPACE:
		if (n > 0)
			buf[n - 1] = '\0';
		return (1);
	case KEYS_CTRL('u'):
		buf[0] = '\0';
		return (1);
	default:
		if (key < 0x20 || key >= 0x7f)
			return (0);
		if (n + 1 < len) {
			buf[n] = (char)key;
			buf[n + 1] = '\0';
		}
		return (1);
	}
}

/* Whether node is marked. */
int
panel_marked(const struct panel_marks *marks, const char *node)
{
	size_t	i;

	if (marks == NULL || node == NULL || *node == '\0')
		return (0);
	for (i = 0; i < marks->n; i++) {
		if (strcmp(marks->node[i], node) == 0)
			return (1);
	}
	return (0);
}

/* The row under the cursor. */
const struct table_row *
panel_selected_row(const struct panel *p)
{
	const struct table	*t = &p->table;

	if (t->nshown == 0 || p->cursor >= t->nshown)
		return (NULL);
	return (&t->rows[t->order[p->cursor]]);
}

/* Sort and filter in words. */
void
panel_describe(const struct panel *p, int ascii, char *buf, size_t len)
{
	const char	*dir;

	buf[0] = '\0';
	if (p->ops->sortable && p->sort_col >= 0 &&
	    (size_t)p->sort_col < p->table.ncolumns) {
		dir = p->reverse ? (ascii ? "v" : "\u25bc") :
		    (ascii ? "^" : "\u25b2");
		util_format(buf, len, "sort %s%s",
		    p->table.columns[p->sort_col].title, dir);
	}
	if (p->filter[0] != '\0')
		util_format(buf + strlen(buf), len - strlen(buf),
		    "%sfilter \"%s\": %zu of %zu", buf[0] != '\0' ? "  " : "",
		    p->filter, p->table.nshown, p->table.nrows);
}
