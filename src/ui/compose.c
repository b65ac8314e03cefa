/* The compose screen: title, header fields, the body editor, the status
 * pane and the key help line; its keys (fields, body, commands), address
 * completion, and the external editor. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "app/explain.h"
#include "base/i18n.h"
#include "base/util.h"
#include "ui/complete.h"
#include "ui/attach.h"
#include "ui/compose.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/job.h"
#include "ui/keep.h"
#include "ui/prompt.h"
#include "ui/suggest.h"
#include "ui/title.h"
#include "ui/wide.h"

/* Shown (dim, in parentheses so they never pass for typed text) while a
 * field is empty. */
static const char *hints[F_COUNT] = {
	N_("(host[:port]; ^P picks a profile)"),
	N_("(Your Name <you@example.org>)"),
	N_("(addresses, comma-separated; Tab completes)"),
	"",
	N_("(hidden copies)"),
	N_("(where replies should go)"),
	"",
	N_("(file paths, comma-separated; Tab completes)"),
};

static bool
is_addr_field(int f)
{
	return f == F_FROM || f == F_TO || f == F_CC || f == F_BCC ||
	    f == F_REPLY_TO;
}

/* Reply-To shows once it is used: it holds text, or has the focus. */
static bool
field_used(const struct ui *u, int f)
{
	return f != F_REPLY_TO || u->focus == F_REPLY_TO ||
	    !tb_empty(u->f[F_REPLY_TO]);
}

static void compose_quit(struct ui *u);

/* ---- geometry ---- */

struct geom {
	int help_h, status_h, body_h;
	bool shown[F_COUNT];
	int nshown;
};

static void
geometry(struct ui *u, struct geom *g)
{
	static const int hide_order[] = { F_REPLY_TO, F_ATTACH, F_BCC, F_CC,
	    F_SERVER, F_FROM, F_SUBJECT, F_TO };
	int rows = u->rows, i, fixed;

	memset(g, 0, sizeof *g);
	g->help_h = rows >= 18 ? 2 : 1;
	/* An open question takes the rows it needs, wrapped, and keeps a
	 * row for Enter and Esc when there is room. */
	if (prompt_rows(u) > 0) {
		int want = prompt_rows(u) + (rows >= 18 ? 1 : 0);

		if (want > g->help_h)
			g->help_h = want < rows - 2 ? want : rows - 2;
	}
	if (rows >= 40)
		g->status_h = rows / 5;
	else if (rows >= 30)
		g->status_h = 5;
	else if (rows >= 20)
		g->status_h = 3;
	else if (rows >= 14)
		g->status_h = 2;
	/* The newest line (a verdict, often) is never cut off, while the
	 * body keeps a few rows. */
	if (g->status_h > 0) {
		int need = pane_last_rows(&u->pane, u->cols, u->utf8), cap = rows / 3;

		if (need > g->status_h)
			g->status_h = need < cap ? need : cap;
	}
	g->nshown = 0;
	for (i = 0; i < F_COUNT; i++) {
		g->shown[i] = field_used(u, i);
		g->nshown += g->shown[i];
	}
	/* title + fields + body rule + body + status rule + status + help */
	for (;;) {
		fixed = 1 + g->nshown + 1 + (g->status_h ? g->status_h + 1 : 0) +
		    g->help_h;
		g->body_h = rows - fixed;
		if (g->body_h >= 3)
			break;
		/* Make room: empty optional fields first, then the status
		 * pane, then any field but the focused one. */
		for (i = 0; i < 4; i++) {
			int f = hide_order[i];

			if (g->shown[f] && f != u->focus && tb_empty(u->f[f])) {
				g->shown[f] = false;
				g->nshown--;
				break;
			}
		}
		if (i < 4)
			continue;
		if (g->status_h > 0) {
			g->status_h = 0;
			continue;
		}
		for (i = 0; i < F_COUNT; i++) {
			int f = hide_order[i];

			if (g->shown[f] && f != u->focus) {
				g->shown[f] = false;
				g->nshown--;
				break;
			}
		}
		if (i == F_COUNT)
			break;
	}
	if (g->body_h < 1)
		g->body_h = 1;
}

/* ---- drawing ---- */

/* The Attach field while it is not being edited: each file with its
 * size, or that it is missing, so a typo shows before ^X. */
static void
draw_attachments(struct ui *u, int y, int x, int w)
{
	char *text = tb_utf8(u->f[F_ATTACH]), **v;
	size_t n, i;
	int used = 0;

	v = attach_split(text, &n);
	for (i = 0; i < n && used < w; i++) {
		uint64_t size;
		bool ok = attach_size(v[i], &size);
		char *sz = ok ? explain_size(size) : NULL, *note;

		if (i > 0)
			used += draw_str(y, x + used, w - used, ", ",
			    theme_attr(R_FIELD));
		const char *base = strrchr(v[i], '/');

		/* The file's name: its folder shows while editing. */
		base = base != NULL && base[1] != '\0' ? base + 1 : v[i];
		used += draw_str(y, x + used, w - used, base, theme_attr(ok ?
		    R_FIELD : R_STATUS_ERROR));
		note = ok ? xasprintf(" (%s)", sz) : xstrdup(_(" (not found)"));
		used += draw_str(y, x + used, w - used, note, theme_attr(ok ?
		    R_DIM : R_STATUS_ERROR));
		free(note);
		free(sz);
	}
	strv_free(v, n);
	free(text);
}

/* Draws field f on row y; returns the cursor column when focused. */
static int
draw_field(struct ui *u, int f, int y)
{
	struct textbuf *tb = u->f[f];
	bool focus = u->focus == f;
	int x = 1 + u->label_w + 2, w = u->cols - x, col = 0, ccol = 0, hs;
	size_t i, len = tb_len(tb), cur = tb_cursor(tb), first, last;
	wchar_t *ws;

	if (focus)
		draw_str(y, 0, 1, u->utf8 ? "▸" : ">", theme_attr(R_FOCUS));
	draw_str(y, 1, u->label_w + 1, field_label(f),
	    theme_attr(focus ? R_FOCUS : R_LABEL));
	draw_str(y, 1 + wide_width(field_label(f)), 1, ":",
	    theme_attr(focus ? R_FOCUS : R_LABEL));
	if (w < 2)
		return x;
	if (len == 0) {
		if (*hints[f] != '\0')
			draw_str(y, x, w, _(hints[f]), theme_attr(R_DIM));
		return x;
	}
	if (f == F_ATTACH && !focus) {
		draw_attachments(u, y, x, w);
		return x;
	}
	ws = tb_wcs_range(tb, 0, len);
	for (i = 0; i < cur; i++)
		ccol += wide_charwidth(ws[i], ccol);
	/* Horizontal scrolling keeps the cursor in view with some context. */
	for (i = cur, col = ccol; i < len; i++)
		col += wide_charwidth(ws[i], col);
	hs = u->hscroll[f];
	if (ccol < hs)
		hs = ccol - w / 3;
	if (ccol >= hs + w - 1)
		hs = ccol - w + w / 3;
	/* Never leave room unused on the right (after a resize, say). */
	if (hs > col - w + 1)
		hs = col - w + 1;
	if (hs < 0)
		hs = 0;
	u->hscroll[f] = hs;
	first = len;
	last = len;
	for (i = 0, col = 0; i < len; i++) {
		int cw = wide_charwidth(ws[i], col);

		if (col >= hs && first == len)
			first = i;
		if (col + cw > hs + w) {
			last = i;
			break;
		}
		col += cw;
	}
	if (first < last)
		draw_wcs(y, x, w, ws + first, last - first, theme_attr(R_FIELD),
		    u->utf8);
	if (hs > 0)
		draw_str(y, x, 1, u->utf8 ? "…" : "<", theme_attr(R_DIM));
	if (last < len)
		draw_str(y, u->cols - 1, 1, u->utf8 ? "…" : ">", theme_attr(R_DIM));
	free(ws);
	return x + ccol - hs;
}

static void
draw_body(struct ui *u, int y, int h)
{
	struct tb_layout *l = &u->lay;
	int w = u->cols - 1;
	size_t r, cr;

	if (l->gen != tb_generation(u->body) || l->width != w)
		tb_layout_make(u->body, w, l);
	/* The top is held as a place in the text, not a row number: after
	 * a resize rewraps the text, the same words stay at the top and the
	 * text above the cursor stays in view. */
	if (u->body_top_pos > tb_len(u->body))
		u->body_top_pos = tb_len(u->body);
	u->body_top = tb_layout_row(l, u->body_top_pos);
	cr = tb_layout_row(l, tb_cursor(u->body));
	if (u->body_top > cr)
		u->body_top = cr;
	if (cr >= u->body_top + (size_t)h)
		u->body_top = cr - (size_t)h + 1;
	/* Fill the window: no blank rows below the text while rows above
	 * are scrolled away (after a resize, say). */
	if (l->n >= (size_t)h && u->body_top > l->n - (size_t)h)
		u->body_top = l->n - (size_t)h;
	if (l->n < (size_t)h)
		u->body_top = 0;
	u->body_top_pos = l->n > 0 ? l->rows[u->body_top].start : 0;
	u->body_y = y;
	u->body_h = h;
	if (tb_empty(u->body)) {
		draw_str(y, 0, u->cols, _("(Write your message here; ^_ or F4 "
		    "opens your editor.)"), theme_attr(R_DIM));
		return;
	}
	for (r = u->body_top; r < l->n && r < u->body_top + (size_t)h; r++) {
		const struct tb_row *row = &l->rows[r];
		wchar_t *ws = tb_wcs_range(u->body, row->start, row->end);

		draw_wcs(y + (int)(r - u->body_top), 0, u->cols, ws,
		    row->end - row->start, theme_attr(R_BODY), u->utf8);
		free(ws);
	}
}

/* How many completions the address token at the cursor has. */
static size_t
completions_here(struct ui *u)
{
	struct textbuf *tb;
	size_t len, st, en, n = 0, *m;
	wchar_t *w;
	char *typed;

	if (!is_addr_field(u->focus) || u->comp == NULL)
		return 0;
	tb = u->f[u->focus];
	len = tb_len(tb);
	w = tb_wcs_range(tb, 0, len);
	addr_token_at(w, len, tb_cursor(tb), &st, &en);
	if (en > st && tb_cursor(tb) >= en) {
		typed = wide_to_utf8(w + st, en - st);
		n = completer_match(u->comp, typed, &m);
		if (n == 1 && strcmp(completer_get(u->comp, m[0]), typed) == 0)
			n = 0;
		/* The address book may know more: Tab asks it. */
		if (n == 0 && ui_query_cmd(u) != NULL && strchr(typed, '@') == NULL)
			n = 1;
		free(m);
		free(typed);
	}
	free(w);
	return n;
}

static void
draw_compose_help(struct ui *u, int y, int h)
{
	struct help_item it[14];
	size_t n = 0;
	bool run = job_running(u);

	if (u->pop.on) {
		/* The list's keys while it is open. */
		it[n++] = (struct help_item){ "Enter", _("Take address") };
		it[n++] = (struct help_item){ "Esc", _("Close list") };
		it[n++] = (struct help_item){ "Tab/Up/Dn", _("Move") };
		it[n++] = (struct help_item){ _("type"), _("Narrow") };
		draw_help(y, h, u->cols, it, n);
		return;
	}
	it[n++] = (struct help_item){ "^X", _("Send") };
	it[n++] = (struct help_item){ "^C", run ? _("Cancel") : _("Quit") };
	it[n++] = (struct help_item){ "^G", _("Help") };
	it[n++] = (struct help_item){ "^S", _("Save") };
	it[n++] = (struct help_item){ "^T", _("TLS") };
	it[n++] = (struct help_item){ "^P", _("Profiles") };
	if (u->focus == FOCUS_BODY) {
		it[n++] = (struct help_item){ "^_", _("Editor") };
		it[n++] = (struct help_item){ "^K", _("Cut line") };
		it[n++] = (struct help_item){ "^Y", _("Paste") };
		it[n++] = (struct help_item){ "^Z", _("Undo") };
		it[n++] = (struct help_item){ "S-Tab", _("Fields") };
		it[n++] = (struct help_item){ "^O", _("Dialogue") };
		/* With room for a seventh column: the last receipt. */
		if (u->receipt != NULL && u->cols >= 91)
			it[n++] = (struct help_item){ "F9", _("Receipt") };
	} else {
		size_t c = completions_here(u);

		it[n++] = (struct help_item){ "Tab", c ? _("Complete") :
		    _("Next") };
		it[n++] = (struct help_item){ "^K", _("Cut") };
		it[n++] = (struct help_item){ "^Y", _("Paste") };
		it[n++] = (struct help_item){ "^Z", _("Undo") };
		it[n++] = (struct help_item){ "^_", _("Editor") };
		it[n++] = (struct help_item){ "^O", _("Dialogue") };
		if (u->receipt != NULL && u->cols >= 91)
			it[n++] = (struct help_item){ "F9", _("Receipt") };
	}
	draw_help(y, h, u->cols, it, n);
}

static void
compose_draw(struct ui *u)
{
	struct geom g;
	int y = 0, f, cy = 0, cx = 0, lw = 0;
	char *right = NULL;

	geometry(u, &g);
	/* The labels of the fields shown: a hidden Reply-To takes no room. */
	for (f = 0; f < F_COUNT; f++) {
		int w = wide_width(field_label(f));

		if (w > lw && field_used(u, f))
			lw = w;
	}
	u->label_w = lw;
	title_draw(u, NULL);
	y = 1;
	for (f = 0; f < F_COUNT; f++) {
		int x;

		if (!g.shown[f])
			continue;
		/* The cursor goes where the next character of the focused
		 * field goes (screen readers and braille follow it). */
		x = draw_field(u, f, y);
		if (u->focus == f) {
			cy = y;
			cx = x;
		}
		y++;
	}
	draw_hline(y++, u->cols, u->utf8, _("Message"), NULL);
	draw_body(u, y, g.body_h);
	y += g.body_h;
	if (g.status_h > 0) {
		if (job_running(u))
			right = xstrdup(_("^C cancels the send"));
		else if (u->pane.scroll > 0)
			right = xasprintf(_("%zu newer below: M-Down"),
			    u->pane.scroll);
		else
			right = xstrdup(u->pane.n > (size_t)g.status_h ?
			    _("M-Up scrolls back") : "");
		draw_hline(y++, u->cols, u->utf8, _("Status"), right);
		free(right);
		pane_draw(&u->pane, y, g.status_h, u->cols, u->utf8);
		y += g.status_h;
	}
	if (u->prompt.kind != P_NONE) {
		struct help_item it[] = {
			{ "Enter", _("Answer") }, { "Esc", _("Cancel") },
		};

		int pr = prompt_rows(u);

		if (g.help_h > pr)
			draw_help(y, g.help_h - pr, u->cols, it, 2);
		prompt_draw(u);
		return;
	}
	draw_compose_help(u, y, g.help_h);
	if (u->pop.on && u->focus == u->pop.field) {
		/* The list is what the keys act on: the cursor is there. */
		suggest_draw(u, cy, 1 + u->label_w + 2);
		move(u->pop.y, u->pop.x);
	} else if (u->focus == FOCUS_BODY) {
		size_t r = tb_layout_row(&u->lay, tb_cursor(u->body));
		int col = tb_layout_col(u->body, &u->lay, r, tb_cursor(u->body));

		if (col > u->cols - 1)
			col = u->cols - 1;
		move(u->body_y + (int)(r - u->body_top), col);
	} else {
		if (cx > u->cols - 1)
			cx = u->cols - 1;
		move(cy, cx);
	}
}

/* Tab in the Attach field: the path before the cursor completed as far
 * as the files allow, the choices listed when there are several. False
 * when there is nothing to complete, or on a second Tab that completes
 * nothing more: Tab then moves on. */
static bool
complete_path(struct ui *u)
{
	struct textbuf *tb = u->f[F_ATTACH];
	size_t len = tb_len(tb), cur = tb_cursor(tb), st, en, n, i, m;
	char *typed, *common = NULL, **v, **one, *q;
	const char *prefix;
	wchar_t *w = tb_wcs_range(tb, 0, len);
	bool quoted, again, grew;

	attach_token_at(w, len, cur, &st, &en, &quoted);
	typed = cur >= en ? wide_to_utf8(w + st, en - st) : NULL;
	free(w);
	if (typed == NULL)
		return false;
	one = attach_split(typed, &m);
	prefix = m > 0 ? one[0] : "";
	if (*prefix == '\0') {
		/* Nothing typed here yet: Tab goes on, as in other fields. */
		strv_free(one, m);
		free(typed);
		return false;
	}
	v = attach_complete(prefix, &n, &common);
	again = u->cs.on && u->cs.field == F_ATTACH && u->cs.gen == ui_gen(u);
	grew = common != NULL && strlen(common) > strlen(prefix);
	if (n > 1 && !again) {
		struct buf b;

		buf_init(&b);
		for (i = 0; i < n && i < 12; i++) {
			const char *base = v[i] + strlen(v[i]);

			/* The last part of each, a folder with its slash. */
			if (base > v[i] && base[-1] == '/')
				base--;
			while (base > v[i] && base[-1] != '/')
				base--;
			buf_addf(&b, "%s%s", i ? ", " : "", base);
		}
		if (n > 12)
			buf_addf(&b, _(", and %zu more"), n - 12);
		ui_msg(u, SEV_INFO, ngettext("%zu file matches: %s",
		    "%zu files match: %s", n), n, buf_cstr(&b));
		buf_free(&b);
	}
	if (n == 1 && !grew) {
		/* Already whole: nothing to do here, Tab goes on. */
		strv_free(v, n);
		strv_free(one, m);
		free(common);
		free(typed);
		return false;
	}
	if (grew) {
		/* A whole file name closes its quote; a folder goes on. */
		bool whole = n == 1 && common[strlen(common) - 1] != '/';

		q = attach_quote(common);
		if (quoted && q[0] != '"') {
			char *wq = xasprintf("\"%s\"", q);

			free(q);
			q = wq;
		}
		if (!whole && q[0] == '"')
			q[strlen(q) - 1] = '\0';
		tb_delete_range(tb, st, en);
		tb_insert_utf8(tb, q, strlen(q));
		free(q);
	}
	u->cs.on = true;
	u->cs.field = F_ATTACH;
	u->cs.gen = ui_gen(u);
	strv_free(v, n);
	strv_free(one, m);
	free(common);
	free(typed);
	/* Stay for the first Tab that listed choices or completed. */
	return n > 0 && (grew || !again);
}

/* ---- keys ---- */

void
compose_flush_typed(struct ui *u)
{
	if (u->ntyped == 0)
		return;
	tb_insert(ui_focused(u), u->typed, u->ntyped);
	u->ntyped = 0;
	u->goal = -1;
	u->cs.on = false;
	/* Typing narrows the list of addresses. */
	suggest_refresh(u);
}

static void
typed_add(struct ui *u, wchar_t c)
{
	if (u->ntyped == u->captyped) {
		u->captyped = u->captyped ? u->captyped * 2 : 256;
		u->typed = xrealloc(u->typed, u->captyped * sizeof *u->typed);
	}
	u->typed[u->ntyped++] = c;
}

static void
focus_to(struct ui *u, int f)
{
	int from = u->focus;

	if (f < 0)
		f = FOCUS_BODY;
	if (f > FOCUS_BODY)
		f = F_SERVER;
	/* Past a hidden Reply-To, in the direction of the move. */
	if (f == F_REPLY_TO && tb_empty(u->f[F_REPLY_TO]))
		f += f > from ? 1 : -1;
	u->focus = f;
	u->goal = -1;
	u->cs.on = false;
	suggest_close(u);
}

static void
body_rows(struct ui *u, long d)
{
	if (u->lay.gen != tb_generation(u->body) || u->lay.width != u->cols - 1)
		tb_layout_make(u->body, u->cols - 1 > 0 ? u->cols - 1 : 1,
		    &u->lay);
	if (!tb_move_rows(u->body, &u->lay, d, &u->goal)) {
		if (d < 0)
			focus_to(u, F_ATTACH);
		else if (d > 0)
			tb_end(u->body);
	}
}

static void
command_key(struct ui *u, int c)
{
	switch (c) {
	case CTRL('X'):
		job_send(u);
		break;
	case CTRL('C'):
		if (job_running(u))
			job_cancel(u);
		else
			compose_quit(u);
		break;
	case CTRL('G'):
		ui_open(u, V_HELP);
		break;
	case CTRL('S'):
		keep_save(u, true);
		break;
	case CTRL('T'):
		ui_open(u, V_TLS);
		break;
	case CTRL('P'):
		ui_open(u, V_PROFILES);
		break;
	case CTRL('O'):
		ui_open(u, V_DIALOGUE);
		break;
	case CTRL('R'):
		ui_open(u, V_DRAFTS);
		break;
	case CTRL('_'):
		editor_run(u);
		break;
	case CTRL('L'):
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

/* M-r, F11: the Reply-To field, shown until it is left empty. */
static void
show_reply_to(struct ui *u)
{
	u->focus = F_REPLY_TO;
	u->goal = -1;
	u->cs.on = false;
	suggest_close(u);
	u->dirty = true;
}

static void
fkey(struct ui *u, int code)
{
	if (code == KEY_F(1))
		ui_open(u, V_HELP);
	else if (code == KEY_F(2))
		keep_save(u, true);
	else if (code == KEY_F(3))
		ui_open(u, V_TLS);
	else if (code == KEY_F(4))
		editor_run(u);
	else if (code == KEY_F(5))
		ui_open(u, V_PROFILES);
	else if (code == KEY_F(6))
		ui_open(u, V_DIALOGUE);
	else if (code == KEY_F(7))
		ui_open(u, V_THEMES);
	else if (code == KEY_F(8))
		ui_open(u, V_DRAFTS);
	else if (code == KEY_F(9))
		ui_open(u, V_RECEIPT);
	else if (code == KEY_F(11))
		show_reply_to(u);
	else if (code == KEY_F(10))
		job_send(u);
	else if (code == KEY_F(12))
		command_key(u, CTRL('C'));
}

static void
enter_key(struct ui *u)
{
	if (u->focus == FOCUS_BODY)
		tb_insert_char(u->body, L'\n');
	else if (u->focus == F_SUBJECT)
		focus_to(u, FOCUS_BODY);	/* what comes after a subject */
	else
		focus_to(u, u->focus + 1);
}

/* Whether k would change the text (typing, cutting, pasting, undo, the
 * editor). */
static bool
is_edit_key(const struct ui *u, const struct key *k)
{
	bool body = u->focus == FOCUS_BODY;
	int c = k->code;

	if (k->mods & MOD_ALT)
		return k->fn ? c == KEY_DC : strchr("dDuU", c) != NULL ||
		    c == 127 || c == 8;
	if (k->fn)
		return c == KEY_DC || c == KEY_BACKSPACE || c == KEY_F(4) ||
		    (body && c == KEY_ENTER);
	if (c >= 0x20)
		return true;	/* a character, or DEL */
	switch (c) {
	case CTRL('D'): case CTRL('H'): case CTRL('K'): case CTRL('U'):
	case CTRL('W'): case CTRL('Y'): case CTRL('Z'): case CTRL('_'):
		return true;
	case CTRL('I'): case CTRL('J'): case CTRL('M'):
		return body;
	default:
		return false;
	}
}

bool
compose_locked(struct ui *u)
{
	if (!job_running(u))
		return false;
	/* Said once a send: the message is out, a change would not be in it. */
	if (u->job_gen != u->locked_said) {
		ui_msg(u, SEV_WARN, _("The message is read-only while it is being "
		    "sent; ^C cancels the send."));
		u->locked_said = u->job_gen;
	}
	return true;
}

void
compose_paste(struct ui *u, const wchar_t *text, size_t n)
{
	struct textbuf *tb = ui_focused(u);

	if (compose_locked(u))
		return;
	compose_flush_typed(u);
	tb_move(tb, tb_cursor(tb));	/* a paste is its own undo step */
	tb_insert(tb, text, n);
	tb_move(tb, tb_cursor(tb));
	u->goal = -1;
}

static void compose_key_here(struct ui *u, const struct key *k);

static void
compose_key(struct ui *u, const struct key *k)
{
	bool was_on = u->pop.on;

	if (u->pop.on && suggest_key(u, k))
		return;
	compose_key_here(u, k);
	/* The list follows an edit of the address, and goes with any other
	 * key. */
	if (u->pop.on && was_on) {
		if (is_edit_key(u, k))
			suggest_refresh(u);
		else if (k->fn || k->code < 0x20 || (k->mods & MOD_ALT))
			suggest_close(u);
	}
}

static void
compose_key_here(struct ui *u, const struct key *k)
{
	struct textbuf *tb;
	bool body = u->focus == FOCUS_BODY;
	int c = k->code;

	if (is_edit_key(u, k) && compose_locked(u))
		return;
	if (!k->fn && k->mods == 0 && c >= 0x20 && c != 0x7f) {
		typed_add(u, (wchar_t)c);
		return;
	}
	compose_flush_typed(u);
	tb = ui_focused(u);
	if (k->mods & MOD_ALT) {
		if (k->fn) {
			switch (c) {
			case KEY_UP: pane_scroll(&u->pane, 1); return;
			case KEY_DOWN: pane_scroll(&u->pane, -1); return;
			case KEY_PPAGE: pane_scroll(&u->pane, 5); return;
			case KEY_NPAGE: pane_scroll(&u->pane, -5); return;
			case KEY_END: u->pane.scroll = 0; return;
			case KEY_LEFT: tb_word_left(tb); return;
			case KEY_RIGHT: tb_word_right(tb); return;
			case KEY_DC: tb_kill_word_fwd(tb); return;
			default: return;
			}
		}
		switch (c) {
		case 'b': case 'B': tb_word_left(tb); break;
		case 'f': case 'F': tb_word_right(tb); break;
		case 'd': case 'D': tb_kill_word_fwd(tb); break;
		case 'u': case 'U':
			if (!tb_undo(tb))
				ui_msg(u, SEV_INFO, _("Nothing to undo in %s."),
				    field_label(u->focus));
			break;
		case '<': tb_start(tb); break;
		case '>': tb_end(tb); break;
		case 'r': case 'R': show_reply_to(u); return;
		case 127: case 8: tb_kill_word_back(tb); break;
		default: break;
		}
		u->goal = -1;
		return;
	}
	if (k->fn) {
		if (c >= KEY_F(1) && c <= KEY_F(12)) {
			fkey(u, c);
			return;
		}
		switch (c) {
		case KEY_UP:
			if (body)
				body_rows(u, -1);
			else if (u->focus > F_SERVER)
				focus_to(u, u->focus - 1);
			return;
		case KEY_DOWN:
			if (body)
				body_rows(u, 1);
			else
				focus_to(u, u->focus + 1);
			return;
		case KEY_PPAGE:
			if (body)
				body_rows(u, -(long)(u->body_h > 1 ? u->body_h - 1 : 1));
			return;
		case KEY_NPAGE:
			if (body)
				body_rows(u, u->body_h > 1 ? u->body_h - 1 : 1);
			return;
		case KEY_LEFT:
			if (k->mods & MOD_CTRL)
				tb_word_left(tb);
			else
				tb_left(tb);
			break;
		case KEY_RIGHT:
			if (k->mods & MOD_CTRL)
				tb_word_right(tb);
			else
				tb_right(tb);
			break;
		case KEY_HOME:
			if (k->mods & MOD_CTRL)
				tb_start(tb);
			else
				tb_line_start(tb);
			break;
		case KEY_END:
			if (k->mods & MOD_CTRL)
				tb_end(tb);
			else
				tb_line_end(tb);
			break;
		case KEY_DC:
			if (k->mods & MOD_CTRL)
				tb_kill_word_fwd(tb);
			else
				tb_delete(tb);
			break;
		case KEY_BACKSPACE:
			tb_backspace(tb);
			break;
		case KEY_ENTER:
			enter_key(u);
			break;
		case KEY_BTAB:
			focus_to(u, u->focus - 1);
			return;
		default:
			return;
		}
		u->goal = -1;
		return;
	}
	switch (c) {
	case CTRL('A'): tb_line_start(tb); break;
	case CTRL('B'): tb_left(tb); break;
	case CTRL('D'): tb_delete(tb); break;
	case CTRL('E'): tb_line_end(tb); break;
	case CTRL('F'): tb_right(tb); break;
	case CTRL('H'): case 127: tb_backspace(tb); break;
	case CTRL('K'): tb_kill_eol(tb); break;
	case CTRL('U'): tb_kill_bol(tb); break;
	case CTRL('W'): tb_kill_word_back(tb); break;
	case CTRL('Y'): tb_yank(tb); break;
	case CTRL('Z'):
		if (!tb_undo(tb))
			ui_msg(u, SEV_INFO, _("Nothing to undo in %s."),
			    field_label(u->focus));
		break;
	case CTRL('I'):
		if (body)
			tb_insert_char(tb, L'\t');
		else if (job_running(u) || !(is_addr_field(u->focus) ?
		    suggest_tab(u) : u->focus == F_ATTACH ?
		    complete_path(u) : false))
			focus_to(u, u->focus + 1);
		return;
	case CTRL('J'): case CTRL('M'):
		enter_key(u);
		break;
	case 27:
		u->cs.on = false;
		u->pane.scroll = 0;
		return;
	default:
		command_key(u, c);
		return;
	}
	u->goal = -1;
}

/* ---- quitting ---- */

static void
quit_answer(struct ui *u, int a, const char *text, int arg)
{
	struct err e;

	(void)text;
	(void)arg;
	if (a == 'y') {
		if (ui_gen(u) != u->saved_gen)
			keep_save(u, false);
		u->quit = true;
	} else if (a == 'd') {
		(void)keep_drop(u, &e);
		u->saved_gen = ui_gen(u);
		u->quit = true;
	} else if (a == 'c') {
		job_cancel(u);
		if (ui_gen(u) != u->saved_gen)
			keep_save(u, false);
		u->quit = true;
	}
}

static void
compose_quit(struct ui *u)
{
	unsigned long g = ui_gen(u);

	if (job_running(u)) {
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key". */
		ui_prompt_keys(u, "nc", quit_answer, 0, _("A send is running. "
		    "[c] cancel it and quit, [n] stay"));
		return;
	}
	if (g != u->saved_gen)
		keep_save(u, false);
	if (u->draft_path != NULL && !(u->sent_ok && g == u->sent_gen))
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key". */
		ui_prompt_keys(u, "ynd", quit_answer, 0, _("Quit? [y] quit, [n] "
		    "stay, [d] discard the draft and quit. Your text is saved as "
		    "a draft (%s)."), u->draft_path);
	else
		/* No draft on disk: the message is empty, untouched since the
		 * start, or sent as it is. Nothing is lost by going. */
		u->quit = true;
}

const struct mode compose_mode = {
	NULL, NULL, compose_draw, compose_key, false,
};
