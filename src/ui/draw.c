/* Drawing primitives; see draw.h. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ui/draw.h"
#include "ui/lines.h"
#include "ui/theme.h"
#include "ui/wide.h"

void
draw_clear_line(int y)
{
	move(y, 0);
	clrtoeol();
}

int
draw_wcs(int y, int x, int w, const wchar_t *s, size_t n, unsigned long attr,
    bool utf8)
{
	wchar_t *o;
	size_t i, k = 0;
	int col = 0;

	if (w <= 0)
		return 0;
	o = xmalloc((n * 8 + 1) * sizeof *o);
	for (i = 0; i < n; i++) {
		wchar_t c = s[i];
		int cw;

		if (c == L'\t') {
			cw = 8 - col % 8;
			if (col + cw > w)
				cw = w - col;
			while (cw-- > 0 && col < w) {
				o[k++] = L' ';
				col++;
			}
			continue;
		}
		cw = wcwidth(c);
		if (cw < 0 || c < 0x20) {
			c = utf8 ? (wchar_t)0xfffd : L'?';
			cw = 1;
		}
		if (!utf8 && c > 0x7e) {
			c = L'?';
			cw = 1;
		}
		if (col + cw > w)
			break;
		o[k++] = c;
		col += cw;
	}
	attrset((attr_t)attr);
	if (k > 0)
		mvaddnwstr(y, x, o, (int)k);
	attrset(A_NORMAL);
	free(o);
	return col;
}

int
draw_str(int y, int x, int w, const char *s, unsigned long attr)
{
	size_t n;
	wchar_t *ws = wide_from_utf8(s, strlen(s), &n);
	int used;
	/* stdscr knows whether the locale is UTF-8 through MB_CUR_MAX */
	bool utf8 = MB_CUR_MAX > 1;

	used = draw_wcs(y, x, w, ws, n, attr, utf8);
	free(ws);
	return used;
}

void
draw_hline(int y, int cols, bool utf8, const char *title,
    const char *right)
{
	unsigned long b = theme_attr(R_BORDER);
	const char *ch = utf8 ? "─" : "-";
	int x, used = 0, rw = right ? wide_width(right) : 0;

	for (x = 0; x < cols; x++)
		draw_str(y, x, 1, ch, b);
	if (title != NULL && cols > 6) {
		used = draw_str(y, 2, cols - 4, " ", b);
		used += draw_str(y, 2 + used, cols - 4 - used, title,
		    theme_attr(R_HEADING));
		draw_str(y, 2 + used, 1, " ", b);
		used += 3;
	}
	if (right != NULL && rw > 0 && rw + used + 6 < cols) {
		draw_str(y, cols - rw - 3, 1, " ", b);
		draw_str(y, cols - rw - 2, rw, right, theme_attr(R_DIM));
		draw_str(y, cols - 2, 1, " ", b);
	}
}

/* A cell's columns: key, blank, label and the blank before the next
 * (none after the last column). */
static int
help_need(const struct help_item *it, bool last)
{
	return wide_width(it->key) + wide_width(it->label) + (last ? 1 : 2);
}

/* Column widths: an even split while every cell fits in it (the help
 * keeps its place as labels change); else each column as wide as its
 * widest cell, the widest cut first when even that is too wide, so a
 * short cell lends its room to a long one ("Use pr" -> "Use profile"). */
static void
help_widths(const struct help_item *it, size_t n, size_t per, int cols,
    int *w)
{
	size_t i, c;
	int even = cols / (int)per, total = 0, spare;
	bool fits = true;

	for (i = 0; i < n; i++)
		if (help_need(&it[i], false) > even)
			fits = false;
	for (c = 0; c < per; c++)
		w[c] = fits ? even : 0;
	if (fits)
		return;
	for (i = 0; i < n; i++) {
		int need = help_need(&it[i], i % per == per - 1);

		if (need > w[i % per])
			w[i % per] = need;
	}
	for (c = 0; c < per; c++)
		total += w[c];
	while (total > cols) {
		size_t wide = 0;

		for (c = 1; c < per; c++)
			if (w[c] > w[wide])
				wide = c;
		if (w[wide] <= 9)
			break;
		w[wide]--;
		total--;
	}
	spare = cols > total ? cols - total : 0;
	for (c = 0; c < per; c++)
		w[c] += spare / (int)per + ((int)c < spare % (int)per);
}

void
draw_help(int y, int h, int cols, const struct help_item *it, size_t n)
{
	size_t per, i;
	int *w, x = 0, r;
	bool utf8 = MB_CUR_MAX > 1;

	if (h <= 0 || n == 0)
		return;
	per = (n + (size_t)h - 1) / (size_t)h;
	/* Too narrow for every key: show the first ones, readable. */
	if (cols / (int)per < 9)
		per = cols >= 9 ? (size_t)(cols / 9) : 1;
	w = xmalloc(per * sizeof *w);
	help_widths(it, n < per * (size_t)h ? n : per * (size_t)h, per, cols,
	    w);
	for (r = 0; r < h; r++)
		draw_clear_line(y + r);
	for (i = 0; i < n; i++) {
		int row = (int)(i / per), cw = w[i % per], used, room;

		if (i % per == 0)
			x = 0;
		if (row >= h)
			break;
		used = draw_str(y + row, x, cw, it[i].key,
		    theme_attr(R_HELP_KEY));
		/* A blank column always separates one cell from the next;
		 * a label cut short ends in an ellipsis. */
		room = cw - used - (i % per == per - 1 && x + cw >= cols ?
		    1 : 2);
		if (room > 0 && wide_width(it[i].label) > room && utf8 &&
		    room > 1) {
			used += 1 + draw_str(y + row, x + used + 1, room - 1,
			    it[i].label, theme_attr(R_HELP_TEXT));
			draw_str(y + row, x + used, 1, "…",
			    theme_attr(R_HELP_TEXT));
		} else if (room > 0)
			draw_str(y + row, x + used + 1, room, it[i].label,
			    theme_attr(R_HELP_TEXT));
		x += cw;
	}
	free(w);
}

/* Where continuation rows of a "  key    value" line start: after the
 * longest run of two or more blanks that follows a word. */
static int
hang_indent(const wchar_t *ws, size_t n)
{
	size_t i = 0, best = 0, bestlen = 1, k;
	int col = 0;

	while (i < n && ws[i] == L' ')
		i++;
	best = i;	/* a line that is only indented hangs at its indent */
	while (i < n) {
		size_t run = 0;

		while (i < n && ws[i] != L' ')
			i++;
		while (i + run < n && ws[i + run] == L' ')
			run++;
		if (run > bestlen && i + run < n) {
			bestlen = run;
			best = i + run;
		}
		i += run;
	}
	for (k = 0; k < best; k++)
		col += wide_charwidth(ws[k], col);
	return col;
}

/* Calls fn for each screen row of line i: its text [start, end), and
 * the column it is drawn at. Returns the rows. */
typedef void (*row_fn)(void *arg, const wchar_t *ws, size_t start,
    size_t end, int x);

static size_t
line_rows(const struct line *ln, int w, row_fn fn, void *arg)
{
	size_t n, k = 0, rows = 0, start, end;
	wchar_t *ws = wide_from_utf8(ln->text, strlen(ln->text), &n);
	int ind = hang_indent(ws, n), x = 0;

	if (ind > w / 2)
		ind = 0;
	/* Word wrap; continuation rows hang under the value. */
	do {
		start = k;
		end = wide_row(wide_at_wcs, ws, start, n, w - x, &k);
		if (fn != NULL)
			fn(arg, ws, start, end, x);
		rows++;
		x = ind;
	} while (k < n);
	free(ws);
	return rows;
}

static size_t
draw_lines_rows(const struct lines *l, int cols)
{
	size_t i, rows = 0;
	int w = cols - 1 > 0 ? cols - 1 : 1;

	for (i = 0; i < l->n; i++)
		rows += line_rows(&l->v[i], w, NULL, NULL);
	return rows;
}

struct drawing {
	int y, h, w;
	size_t row;		/* rows of the text so far */
	size_t top;
	unsigned long attr;
	bool utf8;
};

static void
draw_row(void *arg, const wchar_t *ws, size_t start, size_t end, int x)
{
	struct drawing *d = arg;

	if (d->row >= d->top && d->row < d->top + (size_t)d->h) {
		int y = d->y + (int)(d->row - d->top);

		draw_clear_line(y);
		draw_wcs(y, x, d->w - x, ws + start, end - start, d->attr, d->utf8);
	}
	d->row++;
}

void
draw_lines(const struct lines *l, int y, int h, int cols, bool utf8,
    size_t *top)
{
	struct drawing d;
	size_t total = draw_lines_rows(l, cols), i;
	int r;

	/* The last page ends with the last row; nothing scrolls past it. */
	if (total <= (size_t)h)
		*top = 0;
	else if (*top > total - (size_t)h)
		*top = total - (size_t)h;
	memset(&d, 0, sizeof d);
	d.y = y;
	d.h = h;
	d.w = cols - 1 > 0 ? cols - 1 : 1;
	d.top = *top;
	d.utf8 = utf8;
	for (r = 0; r < h; r++)
		draw_clear_line(y + r);
	for (i = 0; i < l->n && d.row < d.top + (size_t)h; i++) {
		d.attr = theme_attr(l->v[i].role);
		line_rows(&l->v[i], d.w, draw_row, &d);
	}
}
