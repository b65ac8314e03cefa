/* Tables for people; see table.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "base/text.h"
#include "base/util.h"
#include "cli/table.h"

struct table {
	size_t ncols, nrows;
	char **head;
	char ***rows;
	size_t *width;
	bool *whole;		/* never narrowed (times, short words) */
	bool *optional;		/* left out when narrowing is not enough */
};

size_t
text_width(const char *s)
{
	mbstate_t st;
	size_t n = 0, len = strlen(s), r;
	wchar_t wc;
	int w;

	memset(&st, 0, sizeof st);
	while (len > 0) {
		r = mbrtowc(&wc, s, len, &st);
		if (r == (size_t)-1 || r == (size_t)-2) {
			/* Not text in this locale: a byte is a column. */
			memset(&st, 0, sizeof st);
			r = 1;
			w = 1;
		} else {
			if (r == 0)
				r = 1;
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		n += (size_t)w;
		s += r;
		len -= r;
	}
	return n;
}

void
print_cell(const char *s, size_t width, bool last)
{
	size_t w = text_width(s);

	fputs(s, stdout);
	if (last)
		return;
	for (; w < width + 2; w++)
		putchar(' ');
}

static char *
cell(const char *s)
{
	if (s == NULL)
		s = "-";
	return str_escape(s, strlen(s));
}

struct table *
table_new(size_t ncols, const char *const *head)
{
	struct table *t = xcalloc(1, sizeof *t);
	size_t c;

	t->ncols = ncols;
	t->head = xcalloc(ncols, sizeof *t->head);
	t->width = xcalloc(ncols, sizeof *t->width);
	t->whole = xcalloc(ncols, sizeof *t->whole);
	t->optional = xcalloc(ncols, sizeof *t->optional);
	for (c = 0; c < ncols; c++) {
		t->head[c] = cell(head[c]);
		t->width[c] = text_width(t->head[c]);
	}
	return t;
}

void
table_add(struct table *t, const char *const *cells)
{
	char **row = xcalloc(t->ncols, sizeof *row);
	size_t c;

	for (c = 0; c < t->ncols; c++) {
		row[c] = cell(cells[c]);
		if (text_width(row[c]) > t->width[c])
			t->width[c] = text_width(row[c]);
	}
	t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
	t->rows[t->nrows++] = row;
}

void
table_keep_whole(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->whole[col] = true;
}

void
table_optional(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->optional[col] = true;
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

/* The first characters of s that fit in w - 1 columns, and "…". */
static char *
cut(const char *s, size_t w)
{
	mbstate_t st;
	size_t len = strlen(s), r, used = 0, keep = 0;
	wchar_t wc;
	int cw;
	char *out;

	memset(&st, 0, sizeof st);
	while (keep < len) {
		r = mbrtowc(&wc, s + keep, len - keep, &st);
		if (r == (size_t)-1 || r == (size_t)-2) {
			memset(&st, 0, sizeof st);
			r = 1;
			cw = 1;
		} else {
			if (r == 0)
				r = 1;
			cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
		}
		if (used + (size_t)cw + 1 > w)
			break;
		used += (size_t)cw;
		keep += r;
	}
	out = xasprintf("%.*s%s", (int)keep, s, text_width("…") == 1 ? "…" :
	    "~");
	return out;
}

static void
print_row(const struct table *t, char **row, const size_t *width,
    const char *indent)
{
	size_t c, last = 0;
	char *s;

	for (c = 0; c < t->ncols; c++)
		if (width[c] > 0)
			last = c;
	fputs(indent, stdout);
	for (c = 0; c < t->ncols; c++) {
		if (width[c] == 0)
			continue;	/* left out on this terminal */
		if (text_width(row[c]) > width[c]) {
			s = cut(row[c], width[c]);
			print_cell(s, width[c], c == last);
			free(s);
		} else
			print_cell(row[c], width[c], c == last);
	}
	putchar('\n');
}

/* The terminal's width when stdout is one, else 0 (no limit: a pipe or
 * a file gets every cell whole). */
static size_t
term_columns(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1)
		return 0;
	return ws.ws_col;
}

/* Widths for a terminal of cols columns (0: any): each column as wide
 * as its widest cell; when that is too wide, the widest column that may
 * be narrowed gives a column at a time (none below 8, or its heading),
 * and when that is not enough the last column that may be left out is
 * (width 0), and so on. */
static void
fit(const struct table *t, size_t cols, size_t indent, size_t *width)
{
	size_t c, total, widest, drop;

	for (c = 0; c < t->ncols; c++)
		width[c] = t->width[c];
	for (;;) {
		total = indent;
		for (c = 0; c < t->ncols; c++)
			if (width[c] > 0)
				total += width[c] + 2;
		total -= total > indent ? 2 : 0;
		while (cols > 0 && total > cols) {
			widest = t->ncols;
			for (c = 0; c < t->ncols; c++)
				if (width[c] > 0 && !t->whole[c] &&
				    (widest == t->ncols || width[c] > width[widest]))
					widest = c;
			if (widest == t->ncols || width[widest] <= 8 ||
			    width[widest] <= text_width(t->head[widest]))
				break;
			width[widest]--;
			total--;
		}
		if (cols == 0 || total <= cols)
			return;
		for (drop = t->ncols; drop > 0; drop--)
			if (t->optional[drop - 1] && width[drop - 1] > 0)
				break;
		if (drop == 0)
			return;		/* it wraps: nothing more can give way */
		width[drop - 1] = 0;
		for (c = 0; c < t->ncols; c++)
			if (width[c] > 0)
				width[c] = t->width[c];
	}
}

void
table_print(const struct table *t, const char *indent)
{
	size_t i, *width = xcalloc(t->ncols, sizeof *width);

	fit(t, term_columns(), text_width(indent), width);
	print_row(t, t->head, width, indent);
	for (i = 0; i < t->nrows; i++)
		print_row(t, t->rows[i], width, indent);
	free(width);
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows; i++) {
		strv_free(t->rows[i], t->ncols);
	}
	free(t->rows);
	strv_free(t->head, t->ncols);
	free(t->width);
	free(t->whole);
	free(t->optional);
	free(t);
}
