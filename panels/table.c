/*
 * table.c: rows, filter, sort and column layout for the views.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "table.h"
#include "util.h"

/* What qsort compares by; qsort has no argument for it. */
struct table_sort_by {
	const struct table_key	*keys;
	int			 reverse;
};

/*
 * Last frame's order is sorted again by insertion when at most one pair
 * in this many is out of order (a few rows moved), by qsort otherwise.
 */
#define TABLE_FEW_MOVED		64

/* One fitting of columns (n) wanting want into width; see table_fit(). */
struct table_fitting {
	const struct table_column	*columns;
	size_t				 n;
	const int			*want;
	int				 width;
	int				*shown;		/* which take part */
	int				*widths;	/* out */
};

static int	 table_match(const struct table_row *row, size_t ncolumns,
		    const char *pattern);
static void	 table_fill(struct table *t, struct table_row *row);
static void	 table_keys(struct table *t, int col);
static void	 table_sort(struct table *t);
static int	 table_compare(const void *a, const void *b);
static int	 table_ideal(const struct table_column *column, int want);
static int	 table_drop_one(const struct table_column *columns, size_t n,
		    int *shown);
static int	 table_fit_cut(const struct table_fitting *f, int *spare);
static int	 table_fit_shown(const struct table_column *columns,
		    size_t n, const int *want, int width, int *shown,
		    int *widths);

static struct table_sort_by table_sort_by;

/* Start an empty table. */
void
table_init(struct table *t, const struct table_column *columns,
    size_t ncolumns)
{
	memset(t, 0, sizeof *t);
	table_reset(t, columns, ncolumns);
}

/* Free the rows. */
void
table_free(struct table *t)
{
	free(t->rows);
	free(t->cells);
	free(t->order);
	free(t->keys);
	memset(t, 0, sizeof *t);
}

/* Empty the rows for a refill. */
void
table_reset(struct table *t, const struct table_column *columns,
    size_t ncolumns)
{
	if (ncolumns > TABLE_MAX_COLUMNS)
		fatal("table of %zu columns, at most %d", ncolumns,
		    TABLE_MAX_COLUMNS);
	t->columns = columns;
	t->ncolumns = ncolumns;
	t->nrows = 0;
	t->nshown = 0;
	t->top = t->ndrawn = 0;
	memset(&t->source, 0, sizeof t->source);
}

/* Format the rows added from now on by source, when needed. */
void
table_source(struct table *t, const struct table_source *source)
{
	if (source == NULL)
		memset(&t->source, 0, sizeof t->source);
	else
		t->source = *source;
}

/* A key that is a number. */
int
table_key_num(struct table_key *out, double num)
{
	out->num = num;
	out->has_num = 1;
	return (0);
}

/* A key that is text, compared in natural order. */
int
table_key_text(struct table_key *out, const char *text)
{
	out->has_num = 0;
	out->text = text;
	return (0);
}

/* Append a zeroed row. */
struct table_row *
table_add(struct table *t, const char *id)
{
	struct table_row	*row;
	size_t			 i;

	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
		t->cells = xreallocarray(t->cells, t->cap,
		    TABLE_MAX_COLUMNS * sizeof *t->cells);
		for (i = 0; i < t->nrows; i++)
			t->rows[i].cells = &t->cells[i * TABLE_MAX_COLUMNS];
		t->order = xreallocarray(t->order, t->cap, sizeof *t->order);
		t->keys = xreallocarray(t->keys, t->cap, sizeof *t->keys);
	}
	row = &t->rows[t->nrows];
	row->cells = &t->cells[t->nrows++ * TABLE_MAX_COLUMNS];
	row->node[0] = '\0';
	row->mark = MARK_NONE;
	row->src = NULL;
	memset(&row->series, 0, sizeof row->series);
	/* A source's row is emptied when it is filled, if ever. */
	row->filled = t->source.fill == NULL;
	/* Each string emptied, not the row's 2 KB: 10,000 rows a frame. */
	for (i = 0; row->filled && i < TABLE_MAX_COLUMNS; i++) {
		row->cells[i].text[0] = '\0';
		row->cells[i].num = 0;
		row->cells[i].has_num = 0;
		row->cells[i].mark = MARK_NONE;
	}
	util_copy(row->id, sizeof row->id, id);
	return (row);
}

/* Format a source's row, once a frame. */
static void
table_fill(struct table *t, struct table_row *row)
{
	size_t	i;

	if (row->filled)
		return;
	row->filled = 1;
	for (i = 0; i < TABLE_MAX_COLUMNS; i++) {
		row->cells[i].text[0] = '\0';
		row->cells[i].num = 0;
		row->cells[i].has_num = 0;
		row->cells[i].mark = MARK_NONE;
	}
	if (t->source.fill != NULL)
		t->source.fill(row, t->source.arg);
}

/* Set a cell's text and mark. */
void
table_set(struct table_row *row, size_t col, enum table_mark mark,
    const char *fmt, ...)
{
	va_list	ap;

	if (col >= TABLE_MAX_COLUMNS)
		fatal("table cell %zu out of range", col);
	va_start(ap, fmt);
	/* Most cells are one string: 10,000 rows a frame. */
	if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == '\0')
		util_copy(row->cells[col].text, sizeof row->cells[col].text,
		    va_arg(ap, const char *));
	else
		vsnprintf(row->cells[col].text, sizeof row->cells[col].text,
		    fmt, ap);
	va_end(ap);
	row->cells[col].mark = mark;
}

/* Give a cell a number to sort by. */
void
table_set_num(struct table_row *row, size_t col, double num)
{
	if (col >= TABLE_MAX_COLUMNS)
		fatal("table cell %zu out of range", col);
	row->cells[col].num = num;
	row->cells[col].has_num = 1;
}

/* Does pattern occur in the row? */
static int
table_match(const struct table_row *row, size_t ncolumns, const char *pattern)
{
	size_t	i;

	if (strcasestr(row->id, pattern) != NULL)
		return (1);
	for (i = 0; i < ncolumns; i++) {
		if (strcasestr(row->cells[i].text, pattern) != NULL)
			return (1);
	}
	return (0);
}

/* Order two shown rows by their keys, then as added. */
static int
table_compare(const void *a, const void *b)
{
	size_t			 ia = *(const size_t *)a;
	size_t			 ib = *(const size_t *)b;
	const struct table_key	*ca = &table_sort_by.keys[ia];
	const struct table_key	*cb = &table_sort_by.keys[ib];
	int			 c;

	if (ca->has_num != cb->has_num)
		return (cb->has_num - ca->has_num);	/* unknowns last */
	if (ca->has_num && cb->has_num)
		c = (ca->num > cb->num) - (ca->num < cb->num);
	else
		c = strverscmp(ca->text, cb->text);
	if (table_sort_by.reverse)
		c = -c;
	if (c == 0)
		c = (ia > ib) - (ia < ib);
	return (c);
}

/*
 * Filter then sort.  Headings group the rows after them, so a table with
 * headings keeps its order and shows a heading only above a shown row.
 * Unfiltered, last frame's whole order (a permutation of as many rows)
 * is where the sort starts: any permutation sorts to the same order.
 */
void
table_view(struct table *t, const char *pattern, int col, int reverse)
{
	size_t	i, heading = 0;
	int	have_heading = 0, headings = 0, filter, sorted;

	filter = pattern != NULL && *pattern != '\0';
	sorted = col >= 0 && (size_t)col < t->ncolumns;
	for (i = 0; i < t->nrows && !headings; i++)
		headings = t->rows[i].mark == MARK_HEADING;
	if (!filter && sorted && !headings && t->kept == t->nrows &&
	    t->nrows > 0)
		t->nshown = t->nrows;
	else {
		t->nshown = 0;
		for (i = 0; i < t->nrows; i++) {
			if (t->rows[i].mark == MARK_HEADING) {
				heading = i;
				have_heading = 1;
				continue;
			}
			if (filter) {
				table_fill(t, &t->rows[i]);
				if (!table_match(&t->rows[i], t->ncolumns,
				    pattern))
					continue;
			}
			if (have_heading) {
				t->order[t->nshown++] = heading;
				have_heading = 0;
			}
			t->order[t->nshown++] = i;
		}
	}
	t->kept = 0;
	t->top = 0;
	t->ndrawn = t->nshown;
	if (headings || !sorted)
		return;
	table_keys(t, col);
	table_sort_by.keys = t->keys;
	table_sort_by.reverse = reverse;
	table_sort(t);
	if (!filter)
		t->kept = t->nrows;
}

/* Each shown row's key for col: the source's, else its cell's. */
static void
table_keys(struct table *t, int col)
{
	struct table_row	*row;
	struct table_key	*k;
	size_t			 i;

	for (i = 0; i < t->nshown; i++) {
		row = &t->rows[t->order[i]];
		k = &t->keys[t->order[i]];
		k->num = 0;
		k->has_num = 0;
		k->text = "";
		if (t->source.key != NULL &&
		    t->source.key(row, col, t->source.arg, k) == 0)
			continue;
		table_fill(t, row);
		k->num = row->cells[col].num;
		k->has_num = row->cells[col].has_num;
		k->text = row->cells[col].text;
	}
}

/*
 * Sort the shown rows.  Between two frames few rows change places, so
 * an order that is nearly sorted already takes the rows out of place
 * one by one (each put back by binary search); any other goes to qsort.
 */
static void
table_sort(struct table *t)
{
	size_t	*o = t->order, n = t->nshown, i, lo, hi, mid, v, out = 0;

	/* qsort(NULL, 0) is undefined: an empty view has no order array. */
	if (n < 2)
		return;
	for (i = 1; i < n; i++) {
		if (table_compare(&o[i - 1], &o[i]) > 0)
			out++;
	}
	if (out == 0)
		return;
	if (out > n / TABLE_FEW_MOVED) {
		qsort(o, n, sizeof *o, table_compare);
		return;
	}
	for (i = 1; i < n; i++) {
		if (table_compare(&o[i - 1], &o[i]) <= 0)
			continue;
		v = o[i];
		lo = 0;
		hi = i - 1;	/* o[hi] sorts after v */
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (table_compare(&o[mid], &v) > 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		memmove(&o[lo + 1], &o[lo], (i - lo) * sizeof *o);
		o[lo] = v;
	}
}

/* Draw the n shown rows from top: fill them now. */
void
table_window(struct table *t, size_t top, size_t n)
{
	size_t	i;

	if (top > t->nshown)
		top = t->nshown;
	if (n > t->nshown - top)
		n = t->nshown - top;
	t->top = top;
	t->ndrawn = n;
	for (i = top; i < top + n; i++)
		table_fill(t, &t->rows[t->order[i]]);
}

/* Where the row with id is shown. */
int
table_find(const struct table *t, const char *id)
{
	size_t	i;

	for (i = 0; i < t->nshown; i++) {
		if (strcmp(t->rows[t->order[i]].id, id) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Measure the rows drawn and fit the columns to width. */
int
table_layout(struct table *t, int width)
{
	const struct table_row	*row;
	int			 want[TABLE_MAX_COLUMNS], w;
	size_t			 c, i, end;

	table_window(t, t->top, t->ndrawn);
	end = t->top + t->ndrawn;
	for (c = 0; c < t->ncolumns; c++) {
		want[c] = table_text_width(t->columns[c].title) + 1;
		if (t->columns[c].spark) {
			/* Room for the whole history, as it fills. */
			want[c] = t->columns[c].min;
			for (i = t->top; i < end; i++) {
				w = (int)t->rows[t->order[i]].series.cap;
				if (w > want[c])
					want[c] = w;
			}
			continue;
		}
		for (i = t->top; i < end; i++) {
			row = &t->rows[t->order[i]];
			if (row->mark == MARK_HEADING)
				continue;
			w = table_text_width(row->cells[c].text);
			if (w > want[c])
				want[c] = w;
		}
	}
	return (table_fit(t->columns, t->ncolumns, want, width, t->widths));
}

/*
 * Column arithmetic.  Minimums first, dropping columns until they fit;
 * then each column grows toward what it wants, left to right, because
 * the leftmost columns name the row; what remains goes to the flexible
 * column (max 0), where long text and sparklines live, up to all it
 * wants; anything left over stays blank at the right.  An
 * essential column (drop 0) cut short is worse than a missing optional
 * one, so while one is cut, optional columns go too.
 */
int
table_fit(const struct table_column *columns, size_t n, const int *want,
    int width, int *widths)
{
	int			shown[TABLE_MAX_COLUMNS], spare, drop;
	struct table_fitting	f = { columns, n, want, width, shown, widths };
	size_t			c;

	for (c = 0; c < n; c++)
		shown[c] = 1;
	while (table_fit_cut(&f, &spare) &&
	    table_drop_one(columns, n, shown) == 0)
		;
	/*
	 * Dropping one may have freed room for another: bring columns back,
	 * those dropped last first.
	 */
	for (drop = 1; drop <= TABLE_MAX_DROP; drop++) {
		for (c = 0; c < n; c++) {
			if (shown[c] || columns[c].drop != drop)
				continue;
			shown[c] = 1;
			if (table_fit_cut(&f, &spare))
				shown[c] = 0;
		}
	}
	table_fit_cut(&f, &spare);
	return (width - (spare > 0 ? spare : 0));
}

/* Lay out the shown columns; 1 if an essential one is cut short. */
static int
table_fit_cut(const struct table_fitting *f, int *spare)
{
	size_t	c;

	*spare = table_fit_shown(f->columns, f->n, f->want, f->width,
	    f->shown, f->widths);
	if (*spare < 0)
		return (1);	/* not even the minimums fit */
	for (c = 0; c < f->n; c++) {
		if (f->shown[c] && f->columns[c].drop == 0 &&
		    f->widths[c] < table_ideal(&f->columns[c], f->want[c]))
			return (1);
	}
	return (0);
}

/* What a column needs to show its cells whole (a flexible one: its min). */
static int
table_ideal(const struct table_column *column, int want)
{
	if (column->max == 0)
		return (column->min);
	return (want < column->max ? want : column->max);
}

/* Hide the shown column dropped first; -1 if none can go. */
static int
table_drop_one(const struct table_column *columns, size_t n, int *shown)
{
	size_t	c;
	int	worst = -1;

	for (c = 0; c < n; c++) {
		if (shown[c] && columns[c].drop > 0 && (worst < 0 ||
		    columns[c].drop >= columns[worst].drop))
			worst = (int)c;
	}
	if (worst < 0)
		return (-1);
	shown[worst] = 0;
	return (0);
}

/*
 * Lay out the shown columns: minimums, then share the room.  Returns the
 * columns left over, negative when the minimums do not fit.
 */
static int
table_fit_shown(const struct table_column *columns, size_t n,
    const int *want, int width, int *shown, int *widths)
{
	int	used, spare, grow, cap;
	size_t	c, nshown, flex = n;

	used = 0;
	nshown = 0;
	for (c = 0; c < n; c++) {
		if (!shown[c])
			continue;
		used += columns[c].min;
		nshown++;
	}
	if (nshown > 1)
		used += (int)(nshown - 1) * TABLE_GAP;
	spare = width - used;
	for (c = 0; c < n; c++) {
		widths[c] = shown[c] ? columns[c].min : 0;
		if (shown[c] && columns[c].max == 0 && flex == n)
			flex = c;
	}
	for (c = 0; c < n && spare > 0; c++) {
		if (!shown[c] || c == flex)
			continue;
		cap = want[c];
		if (columns[c].max > 0 && cap > columns[c].max)
			cap = columns[c].max;
		grow = cap - widths[c];
		if (grow <= 0)
			continue;
		if (grow > spare)
			grow = spare;
		widths[c] += grow;
		spare -= grow;
	}
	if (flex < n && spare > 0) {
		grow = want[flex] - widths[flex];
		if (grow > spare)
			grow = spare;
		if (grow > 0) {
			widths[flex] += grow;
			spare -= grow;
		}
	}
	return (spare);
}

/* The column drawn at terminal column x of the laid-out table, or -1. */
int
table_column_at(const struct table *t, int x)
{
	size_t	c;
	int	cx = 0;

	for (c = 0; c < t->ncolumns; c++) {
		if (t->widths[c] == 0)
			continue;
		if (x >= cx && x < cx + t->widths[c])
			return ((int)c);
		cx += t->widths[c] + TABLE_GAP;
	}
	return (-1);
}

/* Keep the cursor in view, moving the top as little as possible. */
size_t
table_scroll(size_t cursor, size_t top, size_t rows, size_t nshown)
{
	if (rows == 0 || nshown == 0)
		return (0);
	if (cursor >= nshown)
		cursor = nshown - 1;
	if (cursor < top)
		top = cursor;
	else if (cursor >= top + rows)
		top = cursor - rows + 1;
	if (nshown > rows && top > nshown - rows)
		top = nshown - rows;	/* no empty space at the end */
	if (nshown <= rows)
		top = 0;
	return (top);
}

/* Columns taken by UTF-8 text; bytes that do not decode count as one. */
int
table_text_width(const char *s)
{
	mbstate_t	st;
	wchar_t		wc;
	char		esc[UTIL_ESCAPE_MAX];
	size_t		n, e, len = strlen(s);
	int		w, total = 0;

	while (len > 0) {
		/* Printable ASCII, most of every table, is one column. */
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f) {
			total++;
			s++;
			len--;
			continue;
		}
		/* Escaped as the drawing shows it (draw_copy_columns()). */
		if ((e = util_escape_char(s, len, esc, &n)) > 0)
			w = (int)e;
		else {
			memset(&st, 0, sizeof st);
			if (mbrtowc(&wc, s, n, &st) != n ||
			    (w = wcwidth(wc)) < 0)
				w = 1;
		}
		total += w;
		s += n;
		len -= n;
	}
	return (total);
}
