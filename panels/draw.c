/*
 * draw.c: layout, formatting and the drawing every view shares.
 */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "fleet.h"
#include "incident.h"
#include "keys.h"
#include "util.h"

/* Colour pairs, one per look. */
enum draw_pair {
	PAIR_CRIT = 1,
	PAIR_WARN,
	PAIR_OK,
	PAIR_INFO,
	PAIR_DRIFT,
	PAIR_DIM,
	PAIR_HEADER,
	PAIR_BAR_CRIT,
	PAIR_BAR_WARN,
	PAIR_BAR_INFO,
	PAIR_TAB_CURRENT,
	PAIR_TITLE,
	PAIR_BAR_PROPOSAL,
};

/* A colour as 256-, 16- and 8-colour terminals show it; -1 is default. */
struct draw_colour {
	int	c256, c16, c8;
};

static int	 draw_copy_columns(const char *s, int width, char *out,
		    size_t len, int *used, size_t *taken);
static const char *draw_glyph(const char *unicode, const char *ascii);
static size_t	 draw_count_bar(const struct fleet *fleet, size_t *crit,
		    size_t *warn, size_t *acked);
static void	 draw_header_watching(const struct draw_summary *,
		    struct draw_part *);
static void	 draw_summarize_armed(const struct fleet *,
		    struct draw_summary *);
static size_t	 draw_header_alarms(const struct draw_summary *,
		    struct draw_part *, size_t);
static void	 draw_pair(enum draw_pair pair, const struct draw_colour *fg,
		    const struct draw_colour *bg);

static int	 draw_use_color;
static int	 draw_use_ascii;

static const char *const draw_spark_unicode[] = {
	"\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};
static const char draw_spark_ascii[] = "_.-~=+*#";

/* The screen's rows, from its size and the alerts waiting. */
void
draw_layout(int rows, int cols, size_t nalerts, struct draw_layout *l)
{
	int	cap;

	memset(l, 0, sizeof *l);
	l->rows = rows;
	l->cols = cols;
	if (rows >= 40)
		cap = 6;
	else if (rows >= 30)
		cap = 4;
	else if (rows >= 12)
		cap = 3;
	else
		cap = 1;
	l->header_y = 0;
	l->bar_y = 1;
	l->bar_rows = nalerts < 1 ? 1 : nalerts > (size_t)cap ? cap :
	    (int)nalerts;
	l->tabs_y = l->bar_y + l->bar_rows;
	l->body_y = l->tabs_y + 1;
	l->status_y = rows - 1;
	l->body_rows = l->status_y - l->body_y;
	if (l->body_rows < 0)
		l->body_rows = 0;
	l->too_small = rows < 8 || cols < 40;
}

/*
 * Copy whole characters of s into out (len bytes) while they fit in
 * width columns.  What the terminal must not be sent (control characters,
 * bytes that are not UTF-8) is shown as its escape (util_escape_char():
 * "\e", "\x07"), never dropped, so an operator sees that it was there.
 * Returns the bytes written; *used gets the columns taken and *taken
 * (unless NULL) the bytes of s they came from.
 */
static int
draw_copy_columns(const char *s, int width, char *out, size_t len, int *used,
    size_t *taken)
{
	mbstate_t	st;
	wchar_t		wc;
	char		esc[UTIL_ESCAPE_MAX];
	size_t		n, e, in = 0, o = 0, slen = strlen(s);
	int		w, cols = 0;

	while (in < slen) {
		if ((e = util_escape_char(s + in, slen - in, esc, &n)) > 0) {
			/* An escape is shown whole or not at all. */
			if (cols + (int)e > width || o + e >= len)
				break;
			memcpy(out + o, esc, e);
			o += e;
			in += n;
			cols += (int)e;
			continue;
		}
		memset(&st, 0, sizeof st);
		if (mbrtowc(&wc, s + in, n, &st) != n ||
		    (w = wcwidth(wc)) < 0) {
			/* UTF-8 this locale cannot show. */
			wc = L'?';
			w = 1;
		}
		if (cols + w > width || o + n >= len)
			break;
		if (wc == L'?')
			out[o++] = '?';
		else {
			memcpy(out + o, s + in, n);
			o += n;
		}
		in += n;
		cols += w;
	}
	out[o] = '\0';
	*used = cols;
	if (taken != NULL)
		*taken = in;
	return ((int)o);
}

/* Text fitted to exactly width columns. */
char *
draw_fit(const char *s, int width, int right, int ascii, char *out,
    size_t len)
{
	char		 tmp[DRAW_LINE_MAX * 2];
	const char	*ellipsis = ascii ? "~" : "\u2026";
	int		 used, pad;
	size_t		 off;

	if (width <= 0 || len == 0) {
		if (len > 0)
			out[0] = '\0';
		return (out);
	}
	if (table_text_width(s) > width) {
		off = (size_t)draw_copy_columns(s, width - 1, tmp,
		    sizeof tmp - 4, &used, NULL);
		memcpy(tmp + off, ellipsis, strlen(ellipsis) + 1);
		used++;
	} else
		draw_copy_columns(s, width, tmp, sizeof tmp, &used, NULL);
	pad = width - used;
	if (right)
		util_format(out, len, "%*s%s", pad, "", tmp);
	else
		util_format(out, len, "%s%*s", tmp, pad, "");
	return (out);
}

/* The newest samples as blocks scaled to their largest. */
char *
draw_sparkline(const struct table_series *s, int width, int ascii,
    char *out, size_t len)
{
	return (draw_sparkline_scaled(s, width, draw_series_max(s, width),
	    ascii, out, len));
}

/* The largest of the newest width samples, 0 when none is above 0. */
float
draw_series_max(const struct table_series *s, int width)
{
	unsigned	i, take;
	float		v, max = 0;

	if (width <= 0 || s->v == NULL)
		return (0);
	take = s->n < (unsigned)width ? s->n : (unsigned)width;
	for (i = s->n - take; i < s->n; i++) {
		v = s->v[(s->head + i) % s->cap];
		if (isfinite(v) && v > max)
			max = v;
	}
	return (max);
}

/* The newest samples as blocks on the scale from 0 to max. */
char *
draw_sparkline_scaled(const struct table_series *s, int width, float max,
    int ascii, char *out, size_t len)
{
	unsigned	i, take, first;
	float		v;
	size_t		off = 0;
	int		level, pad;
	const char	*g;
	char		one[2] = { 0, 0 };

	out[0] = '\0';
	if (width <= 0)
		return (out);
	take = s->n < (unsigned)width ? s->n : (unsigned)width;
	first = s->n - take;
	for (pad = width - (int)take; pad > 0 && off + 1 < len; pad--)
		out[off++] = ' ';
	for (i = first; i < s->n; i++) {
		v = s->v[(s->head + i) % s->cap];
		if (!isfinite(v) || v < 0) {
			g = " ";
		} else {
			if (v <= 0 || max <= 0)
				level = 0;
			else
				level = 1 + (int)lroundf(v / max * 6.0f);
			if (level > 7)
				level = 7;
			if (ascii) {
				one[0] = draw_spark_ascii[level];
				g = one;
			} else
				g = draw_spark_unicode[level];
		}
		if (off + strlen(g) >= len)
			break;
		memcpy(out + off, g, strlen(g));
		off += strlen(g);
	}
	out[off] = '\0';
	return (out);
}

/* A rate in a few characters. */
char *
draw_rate(double r, char *buf, size_t len)
{
	if (!isfinite(r) || r < 0)
		util_copy(buf, len, "-");
	else if (r < 100)
		util_format(buf, len, "%.1f", r);
	else if (r < 10000)
		util_format(buf, len, "%.0f", r);
	else if (r < 1e6)
		util_format(buf, len, "%.1fk", r / 1e3);
	else
		util_format(buf, len, "%.1fM", r / 1e6);
	return (buf);
}

/* Time left, or "expired". */
char *
draw_countdown(int64_t ms, char *buf, size_t len)
{
	if (ms <= 0)
		util_copy(buf, len, "expired");
	else
		util_duration_text(ms, buf, len);
	return (buf);
}

/* Age of data, or "never". */
char *
draw_age(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		util_copy(buf, len, "never");
	else
		util_duration_text(ms, buf, len);
	return (buf);
}

/* Word-wrap into lines of DRAW_LINE_MAX bytes. */
size_t
draw_wrap(const char *text, int width, char (*lines)[DRAW_LINE_MAX],
    size_t max)
{
	return (draw_wrap_bytes(text, width, DRAW_LINE_MAX, lines, max));
}

/*
 * Word-wrap into lines of at most width columns and bytes - 1 bytes, for
 * a line goes where it is kept whole (a table cell holds fewer bytes
 * than a wide terminal has columns).  A word wider than a line is
 * hard-wrapped over as many lines as it takes, never cut: what is
 * wrapped may be what an operator signs.
 */
size_t
draw_wrap_bytes(const char *text, int width, size_t bytes,
    char (*lines)[DRAW_LINE_MAX], size_t max)
{
	const char	*p = text, *end;
	char		 word[DRAW_LINE_MAX];
	size_t		 n = 0, wl, taken, have;
	int		 used = 0, ww;

	if (max == 0 || width <= 0 || bytes < 8)
		return (0);
	if (bytes > DRAW_LINE_MAX)
		bytes = DRAW_LINE_MAX;
	lines[0][0] = '\0';
	while (*p != '\0') {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (end = p; *end != '\0' && *end != ' ' && *end != '\n' &&
		    *end != '\t'; end++)
			;
		wl = (size_t)(end - p);
		/* Whole rows of a word too wide, each on a line of its own. */
		while ((taken = draw_cut_row(p, width, word, bytes)) < wl) {
			if (used > 0 && ++n == max)
				return (n);
			util_copy(lines[n], DRAW_LINE_MAX, word);
			if (++n == max)
				return (n);
			lines[n][0] = '\0';
			used = 0;
			p += taken;
			wl -= taken;
		}
		memcpy(word, p, wl);
		word[wl] = '\0';
		p = end;
		ww = table_text_width(word);
		have = strlen(lines[n]);
		if (used > 0 && (used + 1 + ww > width ||
		    have + 1 + wl >= bytes)) {
			if (++n == max)
				return (n);
			lines[n][0] = '\0';
			used = 0;
			have = 0;
		}
		util_format(lines[n] + have, DRAW_LINE_MAX - have, "%s%s",
		    used > 0 ? " " : "", word);
		used += (used > 0 ? 1 : 0) + ww;
	}
	return (used > 0 || n > 0 ? n + 1 : 0);
}

/* Format, then word-wrap; see draw.h. */
size_t
draw_vwrap(int width, char (*lines)[DRAW_LINE_MAX], size_t max,
    const char *fmt, va_list ap)
{
	char	buf[DRAW_WRAP_MAX];

	vsnprintf(buf, sizeof buf, fmt, ap);
	return (draw_wrap(buf, width, lines, max));
}

/*
 * Copy into row (len bytes) the first row of width columns of text, cut
 * at that column and not between words.  Returns the bytes of text the
 * row holds (at least one character, so a caller cutting a whole text
 * row after row always ends); concatenated, the rows are the text.
 */
size_t
draw_cut_row(const char *text, int width, char *row, size_t len)
{
	size_t	taken;
	int	used;

	draw_copy_columns(text, width > 0 ? width : 1, row, len, &used,
	    &taken);
	if (taken == 0 && *text != '\0') {
		/* One character wider than the row: show it alone. */
		util_copy(row, len, "?");
		taken = 1;
		while ((text[taken] & 0xc0) == 0x80)
			taken++;
	}
	return (taken);
}

/* Shorten, then drop, header parts from the right until they fit. */
int
draw_fit_parts(struct draw_part *parts, size_t n, int sep, int width)
{
	size_t	i;
	int	total;

	for (i = 0; i < n; i++)
		parts[i].use = 2;
	for (;;) {
		total = 0;
		for (i = 0; i < n; i++) {
			if (parts[i].use == 0)
				continue;
			if (total > 0)
				total += sep;
			total += table_text_width(parts[i].use == 2 ?
			    parts[i].full : parts[i].brief);
		}
		if (total <= width)
			return (total);
		for (i = n; i-- > 1;) {
			if (parts[i].use == 2 && parts[i].brief[0] != '\0') {
				parts[i].use = 1;
				break;
			}
		}
		if (i > 0)
			continue;
		for (i = n; i-- > 1;) {
			if (parts[i].use != 0) {
				parts[i].use = 0;
				break;
			}
		}
		if (i == 0)
			return (total);	/* only the first is left */
	}
}

/*
 * Who else watches the same nodes, escaped: backends send the names, so
 * they never reach the terminal raw.
 */
static void
draw_header_watching(const struct draw_summary *sum, struct draw_part *p)
{
	char	*shown;

	shown = util_escape(sum->also_watching);
	util_format(p->full, sizeof p->full, "also watching: %s", shown);
	util_format(p->brief, sizeof p->brief, "+%s", shown);
	p->mark = MARK_INFO;
	free(shown);
}

/*
 * The header's alarms after its name, from parts[n]: a fired or armed
 * kill, and plain links beyond loopback.  Returns the new count.
 */
static size_t
draw_header_alarms(const struct draw_summary *sum, struct draw_part *parts,
    size_t n)
{
	struct draw_part	*p;

	/* An armed kill that fired, or one armed: said before the rest. */
	if (sum->fired_node[0] != '\0' || sum->armed > 0) {
		p = &parts[n++];
		p->mark = sum->fired_node[0] != '\0' ? MARK_CRIT : MARK_WARN;
		if (sum->fired_node[0] != '\0') {
			util_format(p->full, sizeof p->full, "KILL FIRED %s %s",
			    sum->fired_node, strncmp(sum->fired_how, "on its "
			    "own", 10) == 0 ?
			    "itself: child shares > parent's" : sum->fired_how);
			util_format(p->brief, sizeof p->brief, "KILL FIRED %s",
			    sum->fired_node);
		} else {
			util_format(p->full, sizeof p->full, "kill ARMED on "
			    "%zu router%s", sum->armed,
			    sum->armed == 1 ? "" : "s");
			util_format(p->brief, sizeof p->brief, "ARMED %zu",
			    sum->armed);
		}
	}

	/*
	 * Plain ws beyond loopback, next to the name and a kill so that it
	 * is among the last to go on a narrow screen: anyone on the way
	 * reads and forges what that link carries.
	 */
	if (sum->links_insecure > 0) {
		p = &parts[n++];
		if (sum->links_insecure == 1)
			util_format(p->full, sizeof p->full, "INSECURE %s",
			    sum->insecure_url);
		else
			util_format(p->full, sizeof p->full, "INSECURE %zu "
			    "links", sum->links_insecure);
		util_copy(p->brief, sizeof p->brief, "INSECURE");
		p->mark = MARK_CRIT;
	}
	return (n);
}

/* The header's words, each with a shorter form. */
size_t
draw_header_parts(const struct draw_summary *sum, struct draw_part *parts,
    size_t max)
{
	struct draw_part	*p;
	char			 clock[16];
	size_t			 n = 0;

	if (max < 8)
		return (0);
	memset(parts, 0, max * sizeof *parts);

	p = &parts[n++];
	util_format(p->full, sizeof p->full, "VIGIL %s", sum->title);

	n = draw_header_alarms(sum, parts, n);

	/* Brief: only the states some node is in. */
	p = &parts[n++];
	util_format(p->full, sizeof p->full, "%zu live %zu stale %zu down",
	    sum->live, sum->stale, sum->down);
	util_format(p->brief, sizeof p->brief, "%zu live", sum->live);
	if (sum->stale > 0)
		util_format(p->brief + strlen(p->brief), sizeof p->brief -
		    strlen(p->brief), " %zu stale", sum->stale);
	if (sum->down > 0)
		util_format(p->brief + strlen(p->brief), sizeof p->brief -
		    strlen(p->brief), " %zu down", sum->down);
	if (sum->down > 0)
		p->mark = MARK_CRIT;
	else if (sum->stale > 0)
		p->mark = MARK_WARN;
	else
		p->mark = sum->live > 0 ? MARK_OK : MARK_NONE;

	p = &parts[n++];
	util_format(p->full, sizeof p->full, "%zu critical %zu warning",
	    sum->critical, sum->warning);
	util_format(p->brief, sizeof p->brief, "%zu crit %zu warn",
	    sum->critical, sum->warning);
	if (sum->critical > 0)
		p->mark = MARK_CRIT;
	else if (sum->warning > 0)
		p->mark = MARK_WARN;
	else
		p->mark = MARK_OK;

	p = &parts[n++];
	if (sum->have_clock) {
		util_clock_text(sum->clock_ms, clock, sizeof clock);
		if (sum->time_scale > 0 && fabs(sum->time_scale - 1) > 1e-9)
			util_format(p->full, sizeof p->full, "clock %s x%g",
			    clock, sum->time_scale);
		else
			util_format(p->full, sizeof p->full, "clock %s", clock);
		util_copy(p->brief, sizeof p->brief, clock);
	} else {
		util_copy(p->full, sizeof p->full, "clock --:--:--");
		util_copy(p->brief, sizeof p->brief, "--:--:--");
	}

	p = &parts[n++];
	if (sum->links == 0) {
		util_copy(p->full, sizeof p->full, "no backends");
		p->mark = MARK_CRIT;
	} else if (sum->links_up == sum->links) {
		util_format(p->full, sizeof p->full, "links %zu/%zu up",
		    sum->links_up, sum->links);
		p->mark = MARK_OK;
	} else if (sum->links_up == 0 && sum->links_connecting ==
	    sum->links) {
		util_format(p->full, sizeof p->full, "connecting to %zu",
		    sum->links);
		p->mark = MARK_WARN;
	} else {
		util_format(p->full, sizeof p->full, "links %zu/%zu up",
		    sum->links_up, sum->links);
		p->mark = MARK_CRIT;
	}
	util_format(p->brief, sizeof p->brief, "%zu/%zu up", sum->links_up,
	    sum->links);

	/* A fired kill's sentence needs the room more than the signer. */
	if (sum->operator == NULL || sum->fired_node[0] != '\0')
		return (n);
	if (sum->also_watching != NULL && *sum->also_watching != '\0' &&
	    n + 1 < max)
		draw_header_watching(sum, &parts[n++]);
	p = &parts[n++];
	if (*sum->operator != '\0') {
		util_format(p->full, sizeof p->full, "signs as %s",
		    sum->operator);
		util_format(p->brief, sizeof p->brief, "as %s", sum->operator);
		p->mark = MARK_INFO;
	} else {
		util_copy(p->full, sizeof p->full,
		    "no operator key: read-only");
		util_copy(p->brief, sizeof p->brief, "read-only");
	}
	return (n);
}

/* A backend's warning is known by its code ("power-peg"). */
const char *
draw_alert_name(const struct alert *a)
{
	return (alert_name(a));
}

/*
 * What is armed, and the latest armed kill that fired (its alert's
 * cause says how: "... fired on its own: parent P3's child orders ...").
 */
static void
draw_summarize_armed(const struct fleet *fleet, struct draw_summary *sum)
{
	const struct alert	*a;
	const char		*how;
	int64_t			 latest = 0;
	size_t			 i;

	for (i = 0; i < fleet->nproposals; i++) {
		if (fleet->proposals[i].status == STATUS_ARMED)
			sum->armed += fleet->proposals[i].nnodes;
	}
	for (i = 0; i < fleet->alerts.n; i++) {
		a = &fleet->alerts.v[i];
		if (!a->active || a->nnodes == 0 ||
		    strcmp(a->code, "armed-kill-fired") != 0 ||
		    a->last_seen_ms < latest)
			continue;
		latest = a->last_seen_ms;
		how = strstr(a->cause, "fired ");
		util_copy(sum->fired_node, sizeof sum->fired_node,
		    a->nodes[0]);
		util_copy(sum->fired_how, sizeof sum->fired_how,
		    how != NULL ? how + 6 : a->cause);
	}
}

/* Count what the header reports. */
void
draw_summarize(const struct fleet *fleet, const char *title, int64_t now_ms,
    struct draw_summary *sum)
{
	const struct node	*node;
	const char		*slash, *scenario = "";
	size_t			 i;
	int			 live_clock = 0;

	memset(sum, 0, sizeof *sum);
	if (title == NULL || *title == '\0')
		title = fleet->name;
	if ((slash = strrchr(title, '/')) != NULL && slash[1] != '\0')
		title = slash + 1;	/* a fleet file's name, not path */
	for (i = 0; i < fleet->nnodes; i++) {
		node = &fleet->nodes[i];
		sum->nodes++;
		switch (node->state) {
		case NODE_LIVE:
			sum->live++;
			break;
		case NODE_STALE:
			sum->stale++;
			break;
		case NODE_DOWN:
			sum->down++;
			break;
		}
		if (!node->has_hello)
			continue;
		if (*scenario == '\0')
			scenario = node->hello.scenario;
		/* The first live node's clock, else any node's. */
		if (!sum->have_clock || (!live_clock &&
		    node->state == NODE_LIVE)) {
			sum->have_clock = 1;
			live_clock = node->state == NODE_LIVE;
			sum->clock_ms = fleet_node_clock(node, now_ms);
			sum->time_scale = live_clock ? node->hello.time_scale :
			    0;
		}
	}
	if (*scenario != '\0' && strstr(title, scenario) == NULL)
		util_format(sum->title, sizeof sum->title, "%s %s", title,
		    scenario);
	else
		util_copy(sum->title, sizeof sum->title, title);
	draw_summarize_armed(fleet, sum);
	sum->critical = alert_count(&fleet->alerts, SEV_CRITICAL);
	sum->warning = alert_count(&fleet->alerts, SEV_WARNING);
	sum->also_watching = fleet->also_watching;
	sum->links = fleet->nlinks;
	for (i = 0; i < fleet->nlinks; i++) {
		if (fleet->links[i].insecure && sum->links_insecure++ == 0)
			util_copy(sum->insecure_url, sizeof sum->insecure_url,
			    fleet->links[i].url);
		if (fleet->links[i].state == LINK_UP)
			sum->links_up++;
		else if (fleet->links[i].state == LINK_CONNECTING &&
		    !fleet->links[i].ever_up)
			sum->links_connecting++;
	}
}

#define DRAW_DEFAULT	{ -1, -1, -1 }
#define DRAW_RED	{ 196, COLOR_RED + 8, COLOR_RED }
#define DRAW_YELLOW	{ 214, COLOR_YELLOW + 8, COLOR_YELLOW }
#define DRAW_CYAN	{ 45, COLOR_CYAN + 8, COLOR_CYAN }
#define DRAW_BLACK	{ 16, COLOR_BLACK, COLOR_BLACK }
#define DRAW_WHITE	{ 231, COLOR_WHITE + 8, COLOR_WHITE }

/* Every colour pair, foreground on background. */
static const struct {
	enum draw_pair		pair;
	struct draw_colour	fg, bg;
} draw_pairs[] = {
	{ PAIR_CRIT, DRAW_RED, DRAW_DEFAULT },
	{ PAIR_WARN, DRAW_YELLOW, DRAW_DEFAULT },
	{ PAIR_OK, { 40, COLOR_GREEN + 8, COLOR_GREEN }, DRAW_DEFAULT },
	{ PAIR_INFO, DRAW_CYAN, DRAW_DEFAULT },
	{ PAIR_DRIFT, DRAW_BLACK, DRAW_YELLOW },
	{ PAIR_DIM, { 244, COLOR_BLACK + 8, COLOR_WHITE }, DRAW_DEFAULT },
	{ PAIR_HEADER, DRAW_WHITE, { 24, COLOR_BLUE, COLOR_BLUE } },
	{ PAIR_BAR_CRIT, DRAW_WHITE, { 160, COLOR_RED, COLOR_RED } },
	{ PAIR_BAR_WARN, DRAW_BLACK, DRAW_YELLOW },
	{ PAIR_BAR_INFO, DRAW_BLACK, DRAW_CYAN },
	{ PAIR_TAB_CURRENT, DRAW_BLACK, DRAW_CYAN },
	{ PAIR_TITLE, DRAW_CYAN, DRAW_DEFAULT },
	{ PAIR_BAR_PROPOSAL, DRAW_WHITE, { 90, COLOR_MAGENTA, COLOR_MAGENTA } },
};

/* Define a colour pair from the richest palette the terminal has. */
static void
draw_pair(enum draw_pair pair, const struct draw_colour *fg,
    const struct draw_colour *bg)
{
	if (COLORS >= 256)
		init_pair(pair, fg->c256, bg->c256);
	else if (COLORS >= 16)
		init_pair(pair, fg->c16, bg->c16);
	else
		init_pair(pair, fg->c8, bg->c8);
}

/* Colours when wanted and possible; glyphs as asked. */
void
draw_setup(int color, int ascii)
{
	size_t	i;

	draw_use_ascii = ascii;
	draw_use_color = color && has_colors() && start_color() == OK;
	if (!draw_use_color)
		return;
	use_default_colors();
	for (i = 0; i < nitems(draw_pairs); i++)
		draw_pair(draw_pairs[i].pair, &draw_pairs[i].fg,
		    &draw_pairs[i].bg);
}

/* A glyph, or its ASCII stand-in. */
static const char *
draw_glyph(const char *unicode, const char *ascii)
{
	return (draw_use_ascii ? ascii : unicode);
}

/*
 * The look of a mark.  Without colour every mark still differs from
 * plain text (bold, underline, dim), and the text itself carries a
 * word or a "!" so nothing depends on the attribute alone.
 */
attr_t
draw_mark_attr(enum table_mark mark)
{
	if (!draw_use_color) {
		switch (mark) {
		case MARK_CRIT:
		case MARK_HEADING:
			return (A_BOLD);
		case MARK_WARN:
			return (A_BOLD);
		case MARK_DRIFT:
			return (A_BOLD | A_UNDERLINE);
		case MARK_DIM:
			return (A_DIM);
		default:
			return (A_NORMAL);
		}
	}
	switch (mark) {
	case MARK_OK:
		return (COLOR_PAIR(PAIR_OK));
	case MARK_INFO:
		return (COLOR_PAIR(PAIR_INFO));
	case MARK_WARN:
		return (COLOR_PAIR(PAIR_WARN) | A_BOLD);
	case MARK_CRIT:
		return (COLOR_PAIR(PAIR_CRIT) | A_BOLD);
	case MARK_DRIFT:
		return (COLOR_PAIR(PAIR_DRIFT) | A_BOLD);
	case MARK_DIM:
		return (COLOR_PAIR(PAIR_DIM));
	case MARK_HEADING:
		return (COLOR_PAIR(PAIR_TITLE) | A_BOLD);
	default:
		return (A_NORMAL);
	}
}

/* The look of a part of the screen. */
attr_t
draw_style_attr(enum draw_style style)
{
	if (!draw_use_color) {
		switch (style) {
		case DRAW_HEADER:
		case DRAW_SELECTED:
			return (A_REVERSE);
		case DRAW_TAB_CURRENT:
		case DRAW_BAR_CRIT:
			return (A_REVERSE | A_BOLD);
		case DRAW_TITLE:
		case DRAW_BAR_WARN:
			return (A_BOLD | A_UNDERLINE);
		case DRAW_BAR_INFO:
			return (A_UNDERLINE);
		case DRAW_BAR_PROPOSAL:
			return (A_REVERSE | A_BOLD);
		default:
			return (A_NORMAL);
		}
	}
	switch (style) {
	case DRAW_HEADER:
		return (COLOR_PAIR(PAIR_HEADER) | A_BOLD);
	case DRAW_TITLE:
		return (COLOR_PAIR(PAIR_TITLE) | A_BOLD);
	case DRAW_TAB_CURRENT:
		return (COLOR_PAIR(PAIR_TAB_CURRENT) | A_BOLD);
	case DRAW_SELECTED:
		return (A_REVERSE);
	case DRAW_BAR_CRIT:
		return (COLOR_PAIR(PAIR_BAR_CRIT) | A_BOLD);
	case DRAW_BAR_WARN:
		return (COLOR_PAIR(PAIR_BAR_WARN) | A_BOLD);
	case DRAW_BAR_INFO:
		return (COLOR_PAIR(PAIR_BAR_INFO));
	case DRAW_BAR_PROPOSAL:
		return (COLOR_PAIR(PAIR_BAR_PROPOSAL) | A_BOLD);
	default:
		return (A_NORMAL);
	}
}

/* Fitted text at a place. */
void
draw_text(WINDOW *win, int y, int x, int width, const char *s, int right,
    attr_t attr)
{
	char	buf[DRAW_LINE_MAX * 2];

	if (width <= 0)
		return;
	draw_fit(s, width, right, draw_use_ascii, buf, sizeof buf);
	wattrset(win, attr);
	mvwaddstr(win, y, x, buf);
	wattrset(win, A_NORMAL);
}

/* A horizontal rule. */
void
draw_rule(WINDOW *win, int y, int x, int width)
{
	wattrset(win, draw_style_attr(DRAW_TITLE));
	if (draw_use_ascii)
		mvwhline(win, y, x, '-', width);
	else
		mvwhline(win, y, x, ACS_HLINE, width);
	wattrset(win, A_NORMAL);
}

/* The header row. */
void
draw_header(WINDOW *win, const struct draw_layout *l,
    const struct draw_summary *sum)
{
	struct draw_part	 parts[9];
	size_t			 n, i;
	int			 x = 1, w;
	attr_t			 base = draw_style_attr(DRAW_HEADER), a;
	const char		*text;

	n = draw_header_parts(sum, parts, nitems(parts));
	draw_fit_parts(parts, n, 2, l->cols - 2);
	draw_text(win, l->header_y, 0, l->cols, "", 0, base);
	for (i = 0; i < n; i++) {
		if (parts[i].use == 0)
			continue;
		text = parts[i].use == 2 ? parts[i].full : parts[i].brief;
		w = table_text_width(text);
		if (x + w > l->cols)
			w = l->cols - x;
		a = base;
		if (draw_use_color && (parts[i].mark == MARK_CRIT ||
		    parts[i].mark == MARK_WARN))
			a = draw_style_attr(parts[i].mark == MARK_CRIT ?
			    DRAW_BAR_CRIT : DRAW_BAR_WARN);
		draw_text(win, l->header_y, x, w, text, 0, a);
		x += w + 2;
		if (x >= l->cols)
			break;
	}
}

/* Standing alerts nobody acknowledged, by severity, and the others. */
static size_t
draw_count_bar(const struct fleet *fleet, size_t *crit, size_t *warn,
    size_t *acked)
{
	const struct alert	*a;
	size_t			 i, total = 0;

	*crit = *warn = *acked = 0;
	for (i = 0; i < fleet->alerts.n; i++) {
		a = &fleet->alerts.v[i];
		if (!a->active)
			continue;
		if (a->acknowledged) {
			(*acked)++;
			continue;
		}
		total++;
		*crit += a->severity == SEV_CRITICAL;
		*warn += a->severity == SEV_WARNING;
	}
	return (total);
}

/* How many rows the bar has to show (one per incident), for the layout. */
size_t
draw_bar_alerts(const struct fleet *fleet)
{
	struct incident_set	is;
	size_t			n;

	incident_group(&fleet->alerts, 0, &is);
	n = is.n;
	incident_free(&is);
	return (n + draw_bar_proposals(fleet, NULL, 0));
}

/*
 * The proposals waiting for a second signature, into shown (at most
 * max); returns how many wait in all.
 */
size_t
draw_bar_proposals(const struct fleet *fleet,
    const struct fleet_proposal **shown, size_t max)
{
	const struct fleet_proposal	*v;
	size_t				 n, i, total = 0;

	n = fleet_proposals(fleet, &v);
	for (i = 0; i < n; i++) {
		if (v[i].status != STATUS_PENDING)
			continue;
		if (total < max)
			shown[total] = &v[i];
		total++;
	}
	return (total);
}

/* What a pending proposal asks of whom, and the keys that answer it. */
char *
draw_proposal_line(const struct fleet_proposal *fp, const char *operator,
    const struct keymap *km, char *buf, size_t len)
{
	const struct proto_command	*c = &fp->cmd;
	char				 view[KEYS_NAME_MAX],
					 key[KEYS_NAME_MAX];
	char				 targets[160];
	size_t				 i;

	keys_first(km, KEYS_VIEW_PROPOSALS, view, sizeof view);
	if (!fp->decoded) {
		util_format(buf, len, "proposal %s cannot be read: %s; press "
		    "%s to see it, and do not approve it.", fp->id, fp->problem,
		    view);
		return (buf);
	}
	targets[0] = '\0';
	for (i = 0; i < c->ntargets && i < 3; i++)
		util_format(targets + strlen(targets), sizeof targets -
		    strlen(targets), "%s%s", i > 0 ? ", " : "",
		    c->targets[i].node);
	if (c->ntargets > 3)
		util_format(targets + strlen(targets), sizeof targets -
		    strlen(targets), " and %zu more", c->ntargets - 3);
	if (operator != NULL && strcmp(operator, c->proposer) == 0) {
		keys_first(km, KEYS_CANCEL_PROPOSAL, key, sizeof key);
		util_format(buf, len, "yours: %s %s waits for a second "
		    "operator; press %s, %s cancels (\"%s\").", c->action,
		    targets, view, key, c->reason);
	} else {
		keys_first(km, KEYS_APPROVE, key, sizeof key);
		util_format(buf, len, "%s asks to %s %s: press %s then %s to "
		    "review and approve (\"%s\").", c->proposer, c->action,
		    targets, view, key, c->reason);
	}
	return (buf);
}

/* Pending proposals in the bar's first rows; returns the next row. */
static int
draw_bar_proposal_rows(WINDOW *win, const struct draw_layout *l, int rows,
    const struct fleet *fleet, const struct keymap *km,
    const char *operator)
{
	const struct fleet_proposal	*shown[8];
	char				 line[DRAW_LINE_MAX];
	size_t				 n, i;
	int				 y = l->bar_y;

	n = draw_bar_proposals(fleet, shown, nitems(shown));
	for (i = 0; i < n && i < nitems(shown) && (int)i < rows; i++, y++) {
		draw_text(win, y, 0, 8, "PROPOSAL", 0,
		    draw_style_attr(DRAW_BAR_PROPOSAL));
		draw_text(win, y, 8, 1, "", 0, A_NORMAL);
		draw_proposal_line(shown[i], operator, km, line, sizeof line);
		draw_text(win, y, 9, l->cols - 9, line, 0,
		    draw_mark_attr(MARK_INFO) | A_BOLD);
	}
	return (y);
}

/*
 * One incident's row of the bar: its worst severity, then its cause's
 * name and words ("node-down on 8 nodes: ..." for causes of one name on
 * many nodes), cut to leave room for "and N effects" at the end.
 */
static void
draw_bar_incident(WINDOW *win, const struct draw_layout *l, int y,
    const struct incident *inc)
{
	const struct alert	*a = inc->v[0].alert;
	char			 line[DRAW_LINE_MAX], more[64];
	size_t			 effects = inc->n - inc->ncauses;
	int			 label = 9, w = l->cols - label, mw;
	enum draw_style		 style;
	const char		*sev;

	switch (inc->severity) {
	case SEV_CRITICAL:
		sev = "CRITICAL";
		style = DRAW_BAR_CRIT;
		break;
	case SEV_WARNING:
		sev = "WARNING";
		style = DRAW_BAR_WARN;
		break;
	default:
		sev = "INFO";
		style = DRAW_BAR_INFO;
		break;
	}
	draw_text(win, y, 0, label - 1, sev, 0, draw_style_attr(style));
	draw_text(win, y, label - 1, 1, "", 0, A_NORMAL);
	if (inc->ncauses > 1)
		util_format(line, sizeof line, "%s on %zu nodes: %s",
		    draw_alert_name(a), inc->nodes, a->text);
	else if (a->count > 1)
		util_format(line, sizeof line, "%s: %s (%llu times)",
		    draw_alert_name(a), a->text, (unsigned long long)a->count);
	else
		util_format(line, sizeof line, "%s: %s", draw_alert_name(a),
		    a->text);
	more[0] = '\0';
	if (effects > 0)
		util_format(more, sizeof more, " and %zu effect%s", effects,
		    effects == 1 ? "" : "s");
	mw = table_text_width(more);
	if (table_text_width(line) + mw <= w) {
		util_format(line + strlen(line), sizeof line - strlen(line),
		    "%s", more);
		mw = 0;
	} else if (mw > w / 2)
		mw = 0;		/* too narrow: the cause's words first */
	draw_text(win, y, label, w - mw, line, 0, draw_mark_attr(
	    inc->severity == SEV_CRITICAL ? MARK_CRIT : MARK_NONE));
	if (mw > 0)
		draw_text(win, y, l->cols - mw, mw, more, 0, draw_mark_attr(
		    inc->severity == SEV_CRITICAL ? MARK_CRIT : MARK_NONE));
}

/*
 * The alert bar: one row per incident, its cause first, most severe
 * first; the last row counts the alerts of incidents left out.
 */
void
draw_alert_bar(WINDOW *win, const struct draw_layout *l,
    const struct fleet *fleet, const struct keymap *km, const char *operator)
{
	struct incident_set	 is;
	char			 line[DRAW_LINE_MAX], keys[64];
	size_t			 n, total, acked, crit, warn, i, room, shown;
	int			 y;

	total = draw_count_bar(fleet, &crit, &warn, &acked);
	keys_first(km, KEYS_VIEW_ALERTS, keys, sizeof keys);
	/* A proposal waits for a person: it comes first, one row kept. */
	y = draw_bar_proposal_rows(win, l, l->bar_rows - (total > 0), fleet,
	    km, operator);
	room = (size_t)(l->bar_y + l->bar_rows - y);
	if (room == 0)
		return;
	incident_group(&fleet->alerts, 0, &is);
	if (is.n > room)
		room--;		/* the last row counts the rest */
	n = is.n < room ? is.n : room;
	for (i = shown = 0; i < n; i++, y++) {
		draw_bar_incident(win, l, y, &is.v[i]);
		shown += is.v[i].n;
	}
	if (total == 0) {
		if (acked > 0)
			util_format(line, sizeof line, "No new alerts; %zu "
			    "acknowledged still stand (press %s to see them).",
			    acked, keys);
		else
			util_copy(line, sizeof line, "No alerts: every check "
			    "passes.");
		draw_text(win, y++, 0, l->cols, line, 0,
		    draw_mark_attr(acked > 0 ? MARK_WARN : MARK_OK));
	} else if (is.n > n) {
		util_format(line, sizeof line, "%zu more alert%s in %zu "
		    "incident%s (%zu critical, %zu warning in all): press %s "
		    "to see them.", total - shown, total - shown == 1 ? "" :
		    "s", is.n - n, is.n - n == 1 ? "" : "s", crit, warn, keys);
		draw_text(win, y++, 0, l->cols, line, 0,
		    draw_mark_attr(MARK_WARN));
	}
	incident_free(&is);
	for (; y < l->bar_y + l->bar_rows; y++)
		draw_text(win, y, 0, l->cols, "", 0, A_NORMAL);
}

/* A view's tab, " 1 Fleet ", into label; returns its width. */
static int
draw_tab_label(const char *name, int action, const struct keymap *km,
    char *label, size_t len)
{
	char	keys[64];

	keys_first(km, (enum keys_action)action, keys, sizeof keys);
	util_format(label, len, " %s %s ", keys, name);
	return (table_text_width(label));
}

/* Which tab draw_tabs() draws at column x. */
int
draw_tab_at(const struct draw_tab *tabs, size_t n, const struct keymap *km,
    int cols, int x)
{
	char	label[64];
	size_t	i;
	int	left = 0, w;

	for (i = 0; i < n; i++) {
		w = draw_tab_label(tabs[i].name, tabs[i].action, km, label,
		    sizeof label);
		if (left + w > cols)
			break;
		if (x >= left && x < left + w)
			return ((int)i);
		left += w;
	}
	return (-1);
}

/* The views' names and their keys. */
void
draw_tabs(WINDOW *win, const struct draw_layout *l, const struct draw_tab *tabs,
    size_t n, size_t current, const struct keymap *km)
{
	char	 label[64];
	size_t	 i;
	int	 x = 0, w;

	draw_text(win, l->tabs_y, 0, l->cols, "", 0, A_NORMAL);
	for (i = 0; i < n; i++) {
		w = draw_tab_label(tabs[i].name, tabs[i].action, km, label,
		    sizeof label);
		if (x + w > l->cols)
			break;
		draw_text(win, l->tabs_y, x, w, label, 0,
		    draw_style_attr(i == current ? DRAW_TAB_CURRENT :
		    DRAW_TAB));
		x += w;
	}
}

/*
 * One scale for each sparkline column: the largest sample any row on
 * screen draws in it, so that 2,500/s never draws like 135/s beside it.
 */
void
draw_table_scales(const struct table *t, float *scale)
{
	size_t	c, i;
	float	m;

	for (c = 0; c < t->ncolumns; c++) {
		scale[c] = 0;
		if (!t->columns[c].spark || t->widths[c] == 0)
			continue;
		for (i = t->top; i < t->top + t->ndrawn; i++) {
			m = draw_series_max(&t->rows[t->order[i]].series,
			    t->widths[c]);
			if (m > scale[c])
				scale[c] = m;
		}
	}
}

/* A table: titles then rows, the cursor row highlighted. */
void
draw_table(WINDOW *win, struct table *t, const struct draw_table_view *v)
{
	int			 y = v->y, x = v->x, h = v->h, w = v->w;
	int			 cursor = v->cursor, sort_col = v->sort_col;
	size_t			 top = v->top;
	const struct table_row	*row;
	const struct table_cell	*cell;
	char			 title[64], spark[DRAW_LINE_MAX * 4];
	float			 scale[TABLE_MAX_COLUMNS];
	size_t			 c, i;
	int			 cx, cw, ry;
	attr_t			 base, a;

	if (h <= 0 || w <= 0)
		return;
	table_window(t, top, (size_t)h - 1);
	table_layout(t, w);
	draw_table_scales(t, scale);
	draw_text(win, y, x, w, "", 0, A_NORMAL);
	for (c = 0, cx = x; c < t->ncolumns; c++) {
		if ((cw = t->widths[c]) == 0)
			continue;
		util_format(title, sizeof title, "%s%s", t->columns[c].title,
		    (int)c == sort_col ? (v->reverse ?
		    draw_glyph("\u25bc", "v") : draw_glyph("\u25b2", "^")) :
		    "");
		draw_text(win, y, cx, cw, title, t->columns[c].right,
		    draw_style_attr(DRAW_TITLE));
		cx += cw + TABLE_GAP;
	}
	for (ry = 1, i = top; ry < h; ry++, i++) {
		draw_text(win, y + ry, x, w, "", 0, A_NORMAL);
		if (i >= t->nshown)
			continue;
		row = &t->rows[t->order[i]];
		base = (int)i == cursor ? draw_style_attr(DRAW_SELECTED) :
		    draw_mark_attr(row->mark);
		if (row->mark == MARK_HEADING) {
			draw_text(win, y + ry, x, w, row->cells[0].text, 0,
			    (int)i == cursor ? base :
			    draw_mark_attr(MARK_HEADING));
			continue;
		}
		draw_text(win, y + ry, x, w, "", 0, base);
		for (c = 0, cx = x; c < t->ncolumns; c++) {
			if ((cw = t->widths[c]) == 0)
				continue;
			cell = &row->cells[c];
			a = base;
			if (cell->mark != MARK_NONE)
				a = draw_mark_attr(cell->mark) |
				    ((int)i == cursor ? A_REVERSE : 0);
			if (t->columns[c].spark) {
				draw_sparkline_scaled(&row->series, cw,
				    scale[c], draw_use_ascii, spark,
				    sizeof spark);
				draw_text(win, y + ry, cx, cw, spark, 0, a);
			} else
				draw_text(win, y + ry, cx, cw, cell->text,
				    t->columns[c].right, a);
			cx += cw + TABLE_GAP;
		}
	}
}
