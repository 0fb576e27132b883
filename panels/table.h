/*
 * table.h: the rows a view shows, apart from drawing them.
 *
 * A view fills a table from the model (one row per node, certificate or
 * alert, each cell as text with an optional number to sort by and a
 * mark), then filters, sorts and lays it out for the width it has.  None
 * of this needs a terminal, so it is tested without one.
 *
 * A view of thousands of nodes does not format every row each frame: it
 * gives the table a source (struct table_source) that sorts on raw
 * values and formats a row only when the table needs its text, so a
 * frame formats, measures and lays out the rows on screen.
 */
#ifndef VIGIL_TABLE_H
#define VIGIL_TABLE_H

#include <stddef.h>

#define TABLE_MAX_COLUMNS	12
#define TABLE_CELL_MAX		160	/* bytes of one cell's text */
#define TABLE_ID_MAX		128	/* a row's identity */
#define TABLE_GAP		1	/* columns between two columns */
#define TABLE_MAX_DROP		9	/* highest table_column.drop */

/* How a cell or row should catch the eye; drawn as colour and glyph. */
enum table_mark {
	MARK_NONE = 0,
	MARK_OK,		/* healthy, green */
	MARK_INFO,		/* note, cyan */
	MARK_WARN,		/* warning, yellow */
	MARK_CRIT,		/* critical, red */
	MARK_DRIFT,		/* differs from its role's majority */
	MARK_DIM,		/* cleared, acknowledged, unknown */
	MARK_HEADING,		/* a section heading spanning the row */
};

struct table_column {
	const char	*title;		/* "BUILD" */
	int		 min;		/* narrowest still readable */
	int		 max;		/* widest worth giving; 0 takes
					   whatever is left (one per
					   table at most) */
	int		 drop;		/* 0 always shown; 1 to 9, higher
					   ones dropped first when narrow */
	int		 right;		/* right-aligned (numbers) */
	int		 spark;		/* a sparkline drawn from the row's
					   history, not from text */
};

struct table_cell {
	char		text[TABLE_CELL_MAX];
	double		num;		/* sort key when has_num */
	int		has_num;
	enum table_mark	mark;
};

/* A history of samples, oldest first in a ring, for a sparkline. */
struct table_series {
	const float	*v;		/* ring of cap samples */
	unsigned	 cap;
	unsigned	 head;		/* index of the oldest */
	unsigned	 n;		/* samples held */
};

/*
 * A row.  Its cells (TABLE_MAX_COLUMNS, 2 KB) live apart, so that adding
 * 10,000 rows a frame walks 300 bytes of each, not 2.4 KB.
 */
struct table_row {
	enum table_mark		mark;		/* whole row */
	int			filled;		/* cells hold their text */
	const void		*src;		/* what a source formats
						   it from, or NULL */
	struct table_series	series;		/* for a spark column */
	struct table_cell	*cells;		/* in the table's pool */
	char			id[TABLE_ID_MAX];	/* the cursor follows */
	char			node[TABLE_ID_MAX];	/* or "" */
};

/* What rows are sorted by: a number, else text in natural order. */
struct table_key {
	double		 num;
	int		 has_num;	/* 0: unknown, sorts last */
	const char	*text;		/* used when neither has a number */
};

/*
 * Where a view's rows come from when formatting them all each frame
 * would cost too much.  fill formats one row's cells (table_set(), the
 * series) from row->src; key gives row's sort key for column col from
 * the same source without formatting anything, returning 0, or -1 when
 * only the formatted cell will do (the table then fills that row and
 * sorts it by its cell, text and table_set_num()).  A key the source
 * gave is all the sort reads of that row.  The table calls both only
 * until the view has drawn (arg and every src must live that long).
 */
struct table_source {
	void		(*fill)(struct table_row *row, const void *arg);
	int		(*key)(const struct table_row *row, int col,
			    const void *arg, struct table_key *out);
	const void	*arg;
};

struct table {
	const struct table_column *columns;
	size_t			 ncolumns;
	struct table_row	*rows;
	struct table_cell	*cells;		/* rows' cells, in turn */
	size_t			 nrows;
	size_t			 cap;
	size_t			*order;		/* shown rows, in order */
	size_t			 nshown;
	int			 widths[TABLE_MAX_COLUMNS]; /* 0: hidden */
	struct table_source	 source;	/* fill NULL: rows are
						   filled as added */
	struct table_key	*keys;		/* per row, for the sort */
	size_t			 top;		/* the shown rows drawn: */
	size_t			 ndrawn;	/* measured and filled */
	size_t			 kept;		/* rows of last frame's
						   whole sorted order, or 0 */
};

/* Start an empty table of these columns (kept, not copied). */
void		 table_init(struct table *t, const struct table_column *columns,
		    size_t ncolumns);
void		 table_free(struct table *t);

/* Empty the rows (keeping memory) for a refill, maybe new columns. */
void		 table_reset(struct table *t,
		    const struct table_column *columns, size_t ncolumns);

/*
 * Rows added from now until table_reset() are formatted by source when
 * the table needs them (see struct table_source); NULL: as added.
 */
void		 table_source(struct table *t,
		    const struct table_source *source);

/* Set a key to a number, or to text; both return 0, for a source's key. */
int		 table_key_num(struct table_key *out, double num);
int		 table_key_text(struct table_key *out, const char *text);

/* Append a zeroed row with this id; returns it. */
struct table_row *table_add(struct table *t, const char *id);

/* Set a cell's text (printf-style), mark and, optionally, number. */
void		 table_set(struct table_row *row, size_t col,
		    enum table_mark mark, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
void		 table_set_num(struct table_row *row, size_t col, double num);

/*
 * Choose the rows shown: those where pattern (case-insensitive) occurs
 * in the id or in any cell; every row when pattern is empty.  Then sort
 * them by column col (-1: the order added), numbers by value when both
 * cells have one (a cell without one, unknown, sorts last either way),
 * text in natural order ("r9" before "r10"); ties keep the order added,
 * so rows never jitter between frames.  A table with headings (rows
 * marked MARK_HEADING) keeps its order and shows a heading only above a
 * shown row.  With a source, a pattern fills every row and a sort takes
 * the source's keys.  Last frame's order is the start of this one's sort
 * when it held the same number of rows, so a table whose order did not
 * change is checked, not sorted again.  Draws every shown row until
 * table_window() says otherwise.
 */
void		 table_view(struct table *t, const char *pattern, int col,
		    int reverse);

/*
 * Draw only the n shown rows from top: fill them from the source, and
 * measure only them in table_layout().
 */
void		 table_window(struct table *t, size_t top, size_t n);

/* The shown index of the row with id, or -1. */
int		 table_find(const struct table *t, const char *id);

/*
 * Lay the columns out in width terminal columns: each column's wanted
 * width is the widest of its title and the cells of the rows drawn
 * (table_window()), between its min and
 * max; columns are dropped, highest drop first, until the minimums fit;
 * spare room goes to wanted widths (the column whose max is 0 last, with
 * no limit but what it wants);
 * while an essential column (drop 0) would be cut short, optional ones
 * are dropped too.  Fills t->widths (0 for a dropped column).  Returns
 * the width used.
 */
int		 table_layout(struct table *t, int width);

/*
 * The same arithmetic on plain arrays, for tests: want[] per column,
 * widths[] out.
 */
int		 table_fit(const struct table_column *columns, size_t n,
		    const int *want, int width, int *widths);

/*
 * The column a table laid out by table_layout() draws at column x
 * (0 the table's left edge), or -1 for a gap or past the last one.
 */
int		 table_column_at(const struct table *t, int x);

/*
 * Scroll arithmetic: the first shown row to draw so that cursor is
 * visible in a window of rows lines, moving top as little as possible.
 */
size_t		 table_scroll(size_t cursor, size_t top, size_t rows,
		    size_t nshown);

/* Display width of UTF-8 text in terminal columns (needs the locale). */
int		 table_text_width(const char *s);

#endif
