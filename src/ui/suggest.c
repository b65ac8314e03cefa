/* The addresses Tab offers; see suggest.h. The address book runs
 * through store/abook.c (its command with a deadline); its answer is
 * kept for the same text, so Tab again does not ask again. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "store/abook.h"
#include "ui/complete.h"
#include "ui/draw.h"
#include "ui/suggest.h"
#include "ui/term.h"
#include "ui/wide.h"

#define POP_ROWS	8	/* candidates shown at once */

void
suggest_close(struct ui *u)
{
	strv_free(u->pop.v, u->pop.n);
	free(u->pop.typed);
	u->pop.v = NULL;
	u->pop.typed = NULL;
	u->pop.n = u->pop.sel = u->pop.top = 0;
	u->pop.on = false;
	u->dirty = true;
}

void
suggest_free(struct ui *u)
{
	suggest_close(u);
	free(u->q_typed);
	strv_free(u->q_v, u->q_n);
	u->q_typed = NULL;
	u->q_v = NULL;
	u->q_n = 0;
}

/* The address token before the cursor in the focused field: false when
 * there is none or the cursor is not at its end. */
static bool
token_here(struct ui *u, size_t *st, size_t *en, char **typed)
{
	struct textbuf *tb = u->f[u->focus];
	size_t len = tb_len(tb), cur = tb_cursor(tb);
	wchar_t *w = tb_wcs_range(tb, 0, len);

	addr_token_at(w, len, cur, st, en);
	if (*en <= *st || cur < *en) {
		free(w);
		return false;
	}
	*typed = wide_to_utf8(w + *st, *en - *st);
	free(w);
	return true;
}

static bool
has_bare(char **v, size_t n, const char *cand)
{
	char *b = addr_bare(cand), *c;
	size_t i;
	bool same = false;

	for (i = 0; i < n && !same; i++) {
		c = addr_bare(v[i]);
		same = strcasecmp(b, c) == 0;
		free(c);
	}
	free(b);
	return same;
}

static void
add(char ***v, size_t *n, const char *cand)
{
	if (has_bare(*v, *n, cand))
		return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(cand);
}

/* Asks the address book about typed (once for the same text); a failure
 * is said, and the local candidates are still offered. */
static void
ask_book(struct ui *u, const char *typed)
{
	const char *cmd = ui_query_cmd(u);
	const struct profile *p = ui_profile(u);
	/* A few seconds at most: the composer waits for it. A profile's
	 * shorter timeout is taken. */
	int t = p != NULL && p->timeout > 0 && p->timeout < ABOOK_TIMEOUT ?
	    p->timeout : ABOOK_TIMEOUT;
	struct err e;
	char *msg = NULL;

	if (cmd == NULL || (u->q_typed != NULL && strcmp(u->q_typed, typed) == 0))
		return;
	free(u->q_typed);
	strv_free(u->q_v, u->q_n);
	u->q_v = NULL;
	u->q_n = 0;
	u->q_typed = xstrdup(typed);
	err_clear(&e);
	if (term_active()) {
		/* It may take a moment: say so while it runs. */
		draw_clear_line(u->rows - 1);
		draw_str(u->rows - 1, 0, u->cols, _("Asking the address book "
		    "(query_cmd)..."), theme_attr(R_DIM));
		refresh();
	}
	if (abook_query(cmd, typed, t, &u->q_v, &u->q_n, &msg, &e) == -1)
		ui_msg(u, SEV_ERROR, _("Address book: %s"), e.msg);
	free(msg);
}

/* Everything that fits typed: the history and profiles (as completer.c
 * matches them), then the address book's answer to it. with_book: the
 * book's answer is for this very text (else it is narrowed as the local
 * ones are). */
static char **
candidates(struct ui *u, const char *typed, bool with_book, size_t *n)
{
	char **v = NULL;
	size_t *m, nm, i;

	*n = 0;
	nm = u->comp != NULL ? completer_match(u->comp, typed, &m) : 0;
	for (i = 0; i < nm; i++)
		add(&v, n, completer_get(u->comp, m[i]));
	if (u->comp != NULL)
		free(m);
	for (i = 0; i < u->q_n; i++)
		if (with_book || completer_matches(u->q_v[i], typed))
			add(&v, n, u->q_v[i]);
	return v;
}

static void
put(struct ui *u, const char *cand)
{
	struct textbuf *tb = u->f[u->pop.field];

	tb_delete_range(tb, u->pop.start, u->pop.end);
	tb_insert_utf8(tb, cand, strlen(cand));
	u->goal = -1;
}

bool
suggest_tab(struct ui *u)
{
	size_t st, en, n;
	char *typed, **v;

	suggest_close(u);
	if (!token_here(u, &st, &en, &typed))
		return false;
	ask_book(u, typed);
	v = candidates(u, typed, true, &n);
	if (n == 0 || (n == 1 && strcmp(v[0], typed) == 0)) {
		strv_free(v, n);
		free(typed);
		return false;
	}
	u->pop.field = u->focus;
	u->pop.start = st;
	u->pop.end = en;
	if (n == 1) {
		/* Only one fits: it is the address. */
		put(u, v[0]);
		strv_free(v, n);
		free(typed);
		return true;
	}
	u->pop.on = true;
	u->pop.typed = typed;
	u->pop.v = v;
	u->pop.n = n;
	u->pop.sel = u->pop.top = 0;
	u->dirty = true;
	return true;
}

void
suggest_refresh(struct ui *u)
{
	size_t st, en, n;
	char *typed, **v;

	if (!u->pop.on)
		return;
	if (u->focus != u->pop.field || !token_here(u, &st, &en, &typed)) {
		suggest_close(u);
		return;
	}
	v = candidates(u, typed, u->q_typed != NULL &&
	    strcmp(u->q_typed, typed) == 0, &n);
	if (n == 0) {
		strv_free(v, n);
		free(typed);
		suggest_close(u);
		return;
	}
	strv_free(u->pop.v, u->pop.n);
	free(u->pop.typed);
	u->pop.v = v;
	u->pop.n = n;
	u->pop.typed = typed;
	u->pop.start = st;
	u->pop.end = en;
	u->pop.sel = u->pop.top = 0;
	u->dirty = true;
}

bool
suggest_key(struct ui *u, const struct key *k)
{
	size_t page = POP_ROWS;
	int c = k->code;

	if (!u->pop.on)
		return false;
	if (k->mods & MOD_ALT)
		return false;
	if (k->fn) {
		switch (c) {
		case KEY_UP: case KEY_BTAB:
			u->pop.sel = u->pop.sel > 0 ? u->pop.sel - 1 : u->pop.n - 1;
			return true;
		case KEY_DOWN:
			u->pop.sel = (u->pop.sel + 1) % u->pop.n;
			return true;
		case KEY_PPAGE:
			u->pop.sel = u->pop.sel > page ? u->pop.sel - page : 0;
			return true;
		case KEY_NPAGE:
			u->pop.sel = u->pop.sel + page < u->pop.n ? u->pop.sel + page :
			    u->pop.n - 1;
			return true;
		case KEY_ENTER:
			break;
		default:
			return false;
		}
	} else if (c == CTRL('I') || c == CTRL('N')) {
		u->pop.sel = (u->pop.sel + 1) % u->pop.n;
		return true;
	} else if (c == CTRL('P')) {
		u->pop.sel = u->pop.sel > 0 ? u->pop.sel - 1 : u->pop.n - 1;
		return true;
	} else if (c == 27) {
		suggest_close(u);
		return true;
	} else if (c != CTRL('M') && c != CTRL('J'))
		return false;
	/* Enter: this one. */
	put(u, u->pop.v[u->pop.sel]);
	suggest_close(u);
	return true;
}

void
suggest_draw(struct ui *u, int field_y, int x)
{
	int w = 0, h, y0, y, k;
	size_t i;
	char *title;

	if (!u->pop.on || u->pop.n == 0)
		return;
	for (i = 0; i < u->pop.n; i++) {
		int cw = wide_width(u->pop.v[i]);

		if (cw > w)
			w = cw;
	}
	title = xasprintf(ngettext("%zu address: Enter takes it",
	    "%zu addresses: Enter takes one", u->pop.n), u->pop.n);
	if (wide_width(title) > w)
		w = wide_width(title);
	w += 4;
	if (x + w > u->cols)
		x = u->cols - w;
	if (x < 0) {
		x = 0;
		w = u->cols;
	}
	h = (int)(u->pop.n < POP_ROWS ? u->pop.n : POP_ROWS);
	y0 = field_y + 1;
	/* Below the field when it fits, else above it. */
	if (y0 + h + 1 > u->rows - 1 && field_y - h - 1 >= 0)
		y0 = field_y - h - 1;
	if (y0 + h + 1 > u->rows)
		h = u->rows - y0 - 1;
	if (h < 1) {
		free(title);
		return;
	}
	if (u->pop.sel < u->pop.top)
		u->pop.top = u->pop.sel;
	if (u->pop.sel >= u->pop.top + (size_t)h)
		u->pop.top = u->pop.sel - (size_t)h + 1;
	for (y = 0; y <= h; y++) {
		attrset((attr_t)theme_attr(R_BORDER));
		for (k = 0; k < w; k++)
			mvaddch(y0 + y, x + k, ' ');
		attrset(A_NORMAL);
	}
	draw_str(y0, x + 1, w - 2, title, theme_attr(R_HEADING));
	free(title);
	for (i = u->pop.top, y = y0 + 1; i < u->pop.n && y <= y0 + h; i++, y++) {
		bool sel = i == u->pop.sel;
		char *line = xasprintf("%s %s", sel ? (u->utf8 ? "▸" : ">") : " ",
		    u->pop.v[i]);

		draw_str(y, x + 1, w - 2, line, theme_attr(sel ? R_SELECTION :
		    R_BODY));
		free(line);
	}
	u->pop.y = y0 + 1 + (int)(u->pop.sel - u->pop.top);
	u->pop.x = x + 1;
	u->pop.w = w;
	u->pop.h = h;
}
