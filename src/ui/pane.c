/* The status pane; see pane.h. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "ui/draw.h"
#include "ui/pane.h"
#include "ui/theme.h"
#include "ui/wide.h"

#define PANE_MAX	2000	/* entries kept in a long session */
#define PANE_DROP	500	/* dropped at once when it is reached */
#define INDENT		11	/* "  0.123s ✓ " */
#define FROZEN_WIDTH	60	/* a finished bar keeps this width */

void
pane_init(struct pane *p)
{
	memset(p, 0, sizeof *p);
	p->prog = -1;
}

void
pane_clear(struct pane *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].text);
	free(p->v);
	pane_init(p);
}

static void
trim(struct pane *p)
{
	size_t i;

	if (p->n < PANE_MAX)
		return;
	for (i = 0; i < PANE_DROP; i++)
		free(p->v[i].text);
	memmove(p->v, p->v + PANE_DROP, (p->n - PANE_DROP) * sizeof *p->v);
	p->n -= PANE_DROP;
	p->prog = p->prog >= PANE_DROP ? p->prog - PANE_DROP : -1;
}

static void
stamp(struct stline *l)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(l->clock, sizeof l->clock, "%H:%M:%S", &tm);
}

struct stline *
pane_add(struct pane *p, double t, enum sev sev, char *text)
{
	struct stline *l;

	if (t < 0 && p->n > 0 && text != NULL) {
		l = &p->v[p->n - 1];
		if (l->t < 0 && l->sev == sev && l->text != NULL &&
		    strcmp(l->text, text) == 0) {
			free(text);
			l->repeat = l->repeat ? l->repeat + 1 : 2;
			stamp(l);
			p->scroll = 0;
			return l;
		}
	}
	trim(p);
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	l = &p->v[p->n++];
	memset(l, 0, sizeof *l);
	l->t = t;
	l->sev = sev;
	l->text = text;
	if (t < 0)
		stamp(l);
	p->scroll = 0;
	return l;
}

void
pane_progress(struct pane *p, double t, uint64_t sent, uint64_t total)
{
	if (p->prog < 0) {
		pane_add(p, t, SEV_INFO, NULL)->progress = true;
		p->prog = (long)(p->n - 1);
		p->t0 = t;
	}
	p->sent = sent;
	p->total = total;
	p->t = t;
	p->v[p->prog].t = t;
}

static char *
bar_text(const struct pane *p, int width, bool utf8)
{
	double secs = p->t - p->t0;

	return explain_progress(p->sent, p->total, secs > 0.01 ? secs :
	    (p->t > 0 ? p->t : 0.01), width, utf8);
}

void
pane_progress_end(struct pane *p, bool utf8)
{
	if (p->prog < 0)
		return;
	p->v[p->prog].text = bar_text(p, FROZEN_WIDTH, utf8);
	p->v[p->prog].progress = false;
	p->prog = -1;
}

void
pane_scroll(struct pane *p, long d)
{
	long s = (long)p->scroll + d;

	if (s < 0 || p->n == 0)
		s = 0;
	else if (s > (long)p->n - 1)
		s = (long)p->n - 1;
	p->scroll = (size_t)s;
}

static char *
entry_text(const struct pane *p, const struct stline *l, int cols, bool utf8)
{
	if (l->progress)
		return bar_text(p, cols - INDENT - 5, utf8);
	if (l->repeat > 1)
		return xasprintf("%s (%s%u)", l->text ? l->text : "",
		    utf8 ? "×" : "x", l->repeat);
	return xstrdup(l->text ? l->text : "");
}

/* The row starts of ws shown in w columns (at most max); the count. */
static size_t
rows_of(const wchar_t *ws, size_t n, int w, size_t *starts, size_t max)
{
	size_t rows = 0, st = 0, next;

	while (rows < max) {
		starts[rows++] = st;
		if (wide_row(wide_at_wcs, ws, st, n, w, &next) >= n)
			break;
		st = next;
	}
	return rows;
}

int
pane_last_rows(const struct pane *p, int cols, bool utf8)
{
	size_t n, starts[64];
	wchar_t *ws;
	char *text;
	int rows;

	if (p->n == 0 || p->scroll != 0 || cols - INDENT < 5)
		return 0;
	text = entry_text(p, &p->v[p->n - 1], cols, utf8);
	ws = wide_from_utf8(text, strlen(text), &n);
	rows = (int)rows_of(ws, n, cols - INDENT, starts, 64);
	free(ws);
	free(text);
	return rows;
}

static enum role
sev_role(enum sev s)
{
	switch (s) {
	case SEV_OK: return R_STATUS_OK;
	case SEV_WARN: return R_STATUS_WARN;
	case SEV_ERROR: return R_STATUS_ERROR;
	case SEV_CLIENT: return R_STATUS_CLIENT;
	default: return R_STATUS_INFO;
	}
}

void
pane_draw(struct pane *p, int y, int h, int cols, bool utf8)
{
	int row = y + h, w = cols - INDENT;
	size_t e;

	if (h <= 0 || w < 5)
		return;
	if (p->scroll >= p->n)
		p->scroll = p->n ? p->n - 1 : 0;
	/* From the newest shown entry upwards, until the pane is full. */
	for (e = p->n - p->scroll; e > 0 && row > y; e--) {
		const struct stline *l = &p->v[e - 1];
		char *text = entry_text(p, l, cols, utf8), tcol[16];
		size_t n, nr, r, starts[64];
		wchar_t *ws = wide_from_utf8(text, strlen(text), &n);
		unsigned long a = theme_attr(l->progress ? R_PROGRESS :
		    sev_role(l->sev));

		if (l->verdict)
			a |= A_BOLD;
		nr = rows_of(ws, n, w, starts, 64);
		for (r = nr; r > 0 && row > y; r--) {
			size_t s = starts[r - 1], end = r < nr ? starts[r] : n;

			row--;
			draw_clear_line(row);
			if (r == 1) {
				if (l->t >= 0)
					snprintf(tcol, sizeof tcol, "%7.3fs", l->t);
				else
					snprintf(tcol, sizeof tcol, "%s", l->clock);
				draw_str(row, 0, 8, tcol, theme_attr(R_DIM));
				draw_str(row, 9, 1, explain_symbol(l->progress ?
				    SEV_INFO : l->sev, utf8), a | A_BOLD);
			}
			draw_wcs(row, INDENT, w, ws + s, end - s, a, utf8);
		}
		free(ws);
		free(text);
	}
}
