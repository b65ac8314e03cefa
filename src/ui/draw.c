/* Drawing helpers shared by the screens: clipped UTF-8 and wide-character
 * output measured in columns, the title bar, rules, the nano-style key
 * help line, the prompt line and a wrapping line list. */
#include "config.h"

#include <stdio.h>

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "ui/uistate.h"
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
draw_hline(struct ui *u, int y, const char *title, const char *right)
{
	unsigned long b = theme_attr(R_BORDER);
	const char *ch = u->utf8 ? "─" : "-";
	int x, used = 0, rw = right ? wide_width(right) : 0;

	for (x = 0; x < u->cols; x++)
		draw_str(y, x, 1, ch, b);
	if (title != NULL && u->cols > 6) {
		used = draw_str(y, 2, u->cols - 4, " ", b);
		used += draw_str(y, 2 + used, u->cols - 4 - used, title,
		    theme_attr(R_HEADING));
		draw_str(y, 2 + used, 1, " ", b);
		used += 3;
	}
	if (right != NULL && rw > 0 && rw + used + 6 < u->cols) {
		draw_str(y, u->cols - rw - 3, 1, " ", b);
		draw_str(y, u->cols - rw - 2, rw, right, theme_attr(R_DIM));
		draw_str(y, u->cols - 2, 1, " ", b);
	}
}

/* The lock mark and word for the TLS policy; role by safety. The result
 * lives until the next call (UI thread only). */
static const char *
policy_mark(struct ui *u, int policy, enum role *role)
{
	static char buf[128];
	const char *mark, *word;

	switch (policy) {
	case TLS_STARTTLS:
	case TLS_IMPLICIT:
		*role = R_TLS_SECURE;
		mark = "🔒";
		word = "TLS";
		break;
	case TLS_OPPORTUNISTIC:
		*role = R_STATUS_WARN;
		mark = "🔓";
		word = _("TLS if offered");
		break;
	case TLS_OFF:
		*role = R_TLS_INSECURE;
		mark = "🔓";
		/* TRANSLATORS: the title line's word for a session without TLS;
		 * upper case, as a warning. */
		word = _("PLAIN");
		break;
	default:
		*role = R_TLS_INSECURE;
		mark = "?";
		word = _("TLS unknown");
		break;
	}
	if (u->utf8)
		snprintf(buf, sizeof buf, "%s %s", mark, word);
	else
		snprintf(buf, sizeof buf, "[%s]", word);
	return buf;
}

void
draw_title(struct ui *u, const char *view_name)
{
	unsigned long t = theme_attr(R_TITLE);
	const struct profile *p = ui_profile(u);
	const char *sep = u->utf8 ? " │ " : " | ";
	char *server = ui_field(u, F_SERVER), *left, *right;
	const char *mark;
	enum role mr;
	bool fb;
	int policy = ui_policy(u, &fb), x, rw;

	move(0, 0);
	attrset((attr_t)t);
	for (x = 0; x < u->cols; x++)
		addch(' ');
	attrset(A_NORMAL);
	left = xasprintf(" missive%s%s%s%s%s%s", view_name ? " — " : "",
	    view_name ? view_name : "", sep, p ? p->name : _("no profile"), sep,
	    *server ? server : _("no server"));
	x = draw_str(0, 0, u->cols, left, t);
	free(left);
	mark = policy_mark(u, policy, &mr);
	if (x + 3 < u->cols) {
		x += draw_str(0, x, u->cols - x, sep, t);
		x += draw_str(0, x, u->cols - x, mark, theme_attr(mr) | A_BOLD);
		if (policy >= 0 && x + 2 < u->cols) {
			char *pn = xasprintf(" %s%s", tls_mode_name(policy),
			    fb ? _("+fallback") : "");

			x += draw_str(0, x, u->cols - x, pn, t);
			free(pn);
		}
	}
	if (job_running(u))
		right = xasprintf(u->job_probe ? _("probing %.1fs ") :
		    _("sending %.1fs "), time_now() - u->job_t0);
	else if (u->sent_ok && ui_gen(u) == u->sent_gen)
		right = xstrdup(u->utf8 ? _("sent ✓ ") : _("sent "));
	else if (ui_gen(u) != u->saved_gen)
		right = xstrdup(_("modified "));
	else if (u->saved_clock[0] != '\0')
		right = xasprintf(_("draft saved %s "), u->saved_clock);
	else
		right = xstrdup("");
	rw = wide_width(right);
	if (x + rw + 2 <= u->cols)
		draw_str(0, u->cols - rw, rw, right, t);
	free(right);
	free(server);
}

void
draw_help(struct ui *u, int y, int h, const struct help_item *it, size_t n)
{
	size_t per, i;
	int cw, r;

	if (h <= 0 || n == 0)
		return;
	per = (n + (size_t)h - 1) / (size_t)h;
	/* Too narrow for every key: show the first ones, readable. */
	if (u->cols / (int)per < 9)
		per = u->cols >= 9 ? (size_t)(u->cols / 9) : 1;
	cw = u->cols / (int)per;
	for (r = 0; r < h; r++)
		draw_clear_line(y + r);
	for (i = 0; i < n; i++) {
		int row = (int)(i / per), col = (int)(i % per) * cw, used;

		if (row >= h)
			break;
		used = draw_str(y + row, col, cw, it[i].key,
		    theme_attr(R_HELP_KEY));
		/* A blank column always separates one cell from the next. */
		if (used + 2 < cw)
			draw_str(y + row, col + used + 1, cw - used - 2,
			    it[i].label, theme_attr(R_HELP_TEXT));
	}
}

void
draw_prompt(struct ui *u, int y)
{
	unsigned long a = theme_attr(R_PROMPT);
	int x, used;

	move(y, 0);
	attrset((attr_t)a);
	for (x = 0; x < u->cols; x++)
		addch(' ');
	attrset(A_NORMAL);
	used = draw_str(y, 0, u->cols, u->prompt.text, a);
	if (u->prompt.kind == P_TEXT) {
		struct textbuf *in = u->prompt.input;
		size_t n = tb_len(in), i, cur = tb_cursor(in);
		wchar_t *w = xmalloc((n + 1) * sizeof *w);
		int ccol = 0, avail = u->cols - used - 1, skip = 0;

		for (i = 0; i < n; i++)
			w[i] = tb_at(in, i);
		for (i = 0; i < cur; i++)
			ccol += wide_charwidth(w[i], ccol);
		/* Keep the end of a long answer and the cursor in view. */
		i = 0;
		while (ccol - skip >= avail && i < n) {
			skip += wide_charwidth(w[i], 0);
			i++;
		}
		draw_wcs(y, used + 1, avail, w + i, n - i,
		    theme_attr(R_FIELD), u->utf8);
		move(y, used + 1 + ccol - skip);
		free(w);
	} else
		move(y, used < u->cols ? used : u->cols - 1);
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

void
draw_lines(struct ui *u, const struct lines *l, int y, int h, size_t *top)
{
	int row = 0, w = u->cols - 1;
	size_t i;

	if (w < 1)
		w = 1;
	if (*top >= l->n)
		*top = l->n ? l->n - 1 : 0;
	for (i = *top; i < l->n && row < h; i++) {
		size_t n, k = 0;
		wchar_t *ws = wide_from_utf8(l->v[i].text, strlen(l->v[i].text), &n);
		unsigned long a = theme_attr(l->v[i].role);
		int ind = hang_indent(ws, n), x = 0;

		if (ind > w / 2)
			ind = 0;
		/* Word wrap; continuation rows hang under the value. */
		do {
			size_t start = k, end;
			int avail = w - x;

			end = wide_row(wide_at_wcs, ws, start, n, avail, &k);
			draw_clear_line(y + row);
			draw_wcs(y + row, x, avail, ws + start, end - start, a,
			    u->utf8);
			row++;
			x = ind;
		} while (k < n && row < h);
		free(ws);
	}
	for (; row < h; row++)
		draw_clear_line(y + row);
}
