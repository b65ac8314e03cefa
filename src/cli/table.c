/* Tables for people; see table.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/text.h"
#include "base/util.h"
#include "cli/table.h"

struct table {
	size_t ncols, nrows;
	char **head;
	char ***rows;
	size_t *width;
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

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

static void
print_row(const struct table *t, char **row, const char *indent)
{
	size_t c;

	fputs(indent, stdout);
	for (c = 0; c < t->ncols; c++)
		print_cell(row[c], t->width[c], c + 1 == t->ncols);
	putchar('\n');
}

void
table_print(const struct table *t, const char *indent)
{
	size_t i;

	print_row(t, t->head, indent);
	for (i = 0; i < t->nrows; i++)
		print_row(t, t->rows[i], indent);
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
	free(t);
}
