/*
 * panel.h: the views of the curses console.
 *
 * Each view is a struct panel driven by a const struct panel_ops, one
 * file per view (panel-fleet.c holds panel_fleet_*).  A view reads the
 * model through struct panel_ctx and fills a table; panel.c gives every
 * view the same moving, filtering and sorting.  What an operator asks the
 * core to do leaves as a struct tui_action.
 */
#ifndef VIGIL_PANEL_H
#define VIGIL_PANEL_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "keys.h"
#include "proto.h"
#include "table.h"
#include "tui.h"

struct fleet;
struct node;

#define PANEL_FILTER_MAX	64
#define PANEL_MESSAGE_MAX	256

/* The nodes marked as targets of the next proposal. */
struct panel_marks {
	char	node[PROTO_MAX_TARGETS][PROTO_ID_MAX];
	size_t	n;
};

/* What a view reads while drawing or handling a key. */
struct panel_ctx {
	const struct fleet	*fleet;
	const struct keymap	*keys;
	const char		*config;	/* the key config's path */
	int64_t			 now_ms;	/* monotonic */
	int64_t			 wall_ms;	/* wall clock, for the
						   proposals' countdowns */
	const char		*operator;	/* who signs here, or NULL */
	const char		*join;		/* how a second operator
						   joins the demo, or NULL */
};

struct panel;

struct panel_ops {
	const char		*name;		/* "Fleet", on the tab */
	enum keys_action	 show;		/* the action showing it */
	int			 sortable;	/* s and S apply */
	int			 default_sort;	/* column, or -1: as filled */
	int			 default_reverse;

	/* Fill the view's table from the model and draw it at row y. */
	void	(*draw)(struct panel *p, WINDOW *win, int y, int h, int w,
		    const struct panel_ctx *ctx);
	/*
	 * An action the common code left to the view: returns 1 if the
	 * view used it, filling *out for the core or msg for the operator.
	 */
	int	(*key)(struct panel *p, enum keys_action action,
		    const struct panel_ctx *ctx, struct tui_action *out,
		    char *msg, size_t msglen);
	/* The view's area is now h rows of w columns. */
	void	(*resize)(struct panel *p, int h, int w);
};

struct panel {
	const struct panel_ops	*ops;
	struct table		 table;
	char			 selected[TABLE_ID_MAX]; /* the cursor's row */
	size_t			 cursor;	/* its shown index */
	size_t			 top;		/* first shown row drawn */
	size_t			 page;		/* rows drawn last frame */
	int			 sort_col;
	int			 reverse;
	char			 filter[PANEL_FILTER_MAX];
	int			 h, w;
	char			 node[PROTO_ID_MAX];	/* detail: its node */
	const struct panel_marks *marks;	/* shown with a "*", or
						   NULL */
};

extern const struct panel_ops panel_fleet_ops;
extern const struct panel_ops panel_routers_ops;
extern const struct panel_ops panel_stations_ops;
extern const struct panel_ops panel_certs_ops;
extern const struct panel_ops panel_alerts_ops;
extern const struct panel_ops panel_proposals_ops;
extern const struct panel_ops panel_node_ops;
extern const struct panel_ops panel_help_ops;

/* Start a view with its defaults; panel_free releases its table. */
void		 panel_init(struct panel *p, const struct panel_ops *ops);
void		 panel_free(struct panel *p);

/*
 * Handle moving, paging, sorting for any view, then hand the rest to
 * the view's key op.  Returns 1 when the action was used.
 */
int		 panel_key(struct panel *p, enum keys_action action,
		    const struct panel_ctx *ctx, struct tui_action *out,
		    char *msg, size_t msglen);

/* What a click on a view did. */
enum panel_click {
	PANEL_CLICK_NONE = 0,	/* nothing there */
	PANEL_CLICK_SORTED,	/* a column title: sorted by it */
	PANEL_CLICK_SELECTED,	/* a row: now selected */
	PANEL_CLICK_OPEN,	/* the row already selected: open it */
};

/*
 * A click at row y, column x of the view's area as drawn last (row 0
 * holds the column titles): a title sorts by that column, or the other
 * way when it is the sort column already; a row is selected; a click on
 * the selected row asks to open it, as Enter does.
 */
enum panel_click panel_click(struct panel *p, int y, int x);

/*
 * The rows of a view listing nodes: one for each node that shows (every
 * node when shows is NULL), named by its id, which source formats from
 * the node only when the table needs it (struct table_source).  A key
 * by id is best taken from row->id, which the sort finds in cache.
 */
void		 panel_node_rows(struct table *t, const struct fleet *fleet,
		    const struct table_source *source,
		    int (*shows)(const struct node *));

/* The resize op for views with nothing of their own to lay out. */
void		 panel_resize(struct panel *p, int h, int w);

/*
 * After a view filled its table: filter, sort, keep the cursor on the
 * selected row (or the nearest one) and draw the table in h rows.
 */
/*
 * One line at y: which station holds the root, and the latest move-root
 * this console saw as its steps (sealed, relayed, opened, holder
 * changed, renewals resumed), or why it failed.  For the Stations and
 * Certs views.
 */
void		 panel_root_line(WINDOW *win, int y, int w,
		    const struct fleet *fleet);

void		 panel_show_table(struct panel *p, WINDOW *win, int y, int h,
		    int w);

/*
 * Edit a line being typed (a filter, a reason, a confirming word) in buf
 * of len bytes by key: Backspace, ^U (clear), or a printable ASCII
 * character, dropped when buf is full.  Returns 1 when the key edited.
 */
int		 panel_type(char *buf, size_t len, int key);

/* Is node among marks? */
int		 panel_marked(const struct panel_marks *marks,
		    const char *node);

/* The row under the cursor, or NULL. */
const struct table_row *panel_selected_row(const struct panel *p);

/*
 * Time left until expires_ms at wall_ms as "4m 05s" (or "expired") in
 * buf; returns buf.
 */
const char	*panel_proposals_left(int64_t expires_ms, int64_t wall_ms,
		    char *buf, size_t len);

/* How many of the fleet's proposals wait for a second signature. */
size_t		 panel_proposals_pending(const struct fleet *fleet);

/*
 * While a proposal's review is open, move it a row or a page up or down
 * (or to its top or bottom).  Returns 1 if action was such a move.
 */
int		 panel_proposals_scroll(struct panel *p,
		    enum keys_action action);

/* The rows of a review (a proposal's, or a draft's), as drawn. */
struct panel_rows {
	char	(*text)[DRAW_LINE_MAX];
	attr_t	 *attr;
	size_t	  n, cap;
};

void		 panel_rows_add(struct panel_rows *r, const char *text,
		    attr_t attr);
void		 panel_rows_free(struct panel_rows *r);

/*
 * Add the rows of review (lines as cmd_review_text() or cmd_draft_text()
 * write them) at width w: each line wrapped, but the one holding
 * document cut into rows of w columns, never rewrapped, so every byte
 * shows.
 */
void		 panel_rows_review(struct panel_rows *r, const char *review,
		    const char *document, int w);

/*
 * Draw rows r from row *top (kept within them) in h rows of w columns
 * at row y; when they are taller, the last row says which show and the
 * keys that scroll.  *page gets how many rows show.
 */
void		 panel_rows_draw(const struct panel_rows *r, WINDOW *win,
		    int y, int h, int w, size_t *top, size_t *page,
		    const struct keymap *keys);

/*
 * Move *top, a review's first row shown, by a row or a page of page
 * rows (or to its top or bottom) for action.  Returns 1 if action was
 * such a move.
 */
int		 panel_rows_scroll(size_t *top, size_t page,
		    enum keys_action action);

/* "sorted by BUILD, ascending" and the filter, for the status line. */
void		 panel_describe(const struct panel *p, int ascii, char *buf,
		    size_t len);

#endif
