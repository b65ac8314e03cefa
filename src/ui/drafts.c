/* The drafts list: every kept draft, newest first, with its age, To and
 * Subject; Enter opens one, d deletes one, n starts a new message. At
 * start it opens by itself when there are drafts not yet declined, and
 * leaving it with n or Esc declines them (they stay listed). UI thread. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/util.h"
#include "store/draft.h"
#include "ui/draw.h"
#include "ui/drafts.h"
#include "ui/job.h"
#include "ui/keep.h"
#include "ui/prompt.h"
#include "ui/title.h"
#include "ui/wide.h"

static const char *drafts_name(void) { return _("Drafts"); }

static void
reload(struct ui *u)
{
	char *dir = draft_dir();

	draft_list_free(u->drafts, u->ndrafts);
	u->ndrafts = draft_list(dir, &u->drafts);
	free(dir);
	if (u->pick_sel >= u->ndrafts)
		u->pick_sel = u->ndrafts ? u->ndrafts - 1 : 0;
}

static void
drafts_open(struct ui *u)
{
	size_t i;

	u->pick_top = u->pick_sel = 0;
	/* The message on screen is in the list too, as it is now. */
	if (ui_gen(u) != u->saved_gen)
		keep_save(u, false);
	reload(u);
	/* The first one Enter can open: not the one on screen, not one
	 * another composer holds. */
	for (i = 0; i < u->ndrafts; i++)
		if (!u->drafts[i].busy) {
			u->pick_sel = i;
			break;
		}
}

/* How long ago t was, in words (caller frees). */
static char *
age(time_t t, time_t now)
{
	long d = now > t ? (long)(now - t) : 0;
	struct tm tm;
	char buf[32];

	if (d < 60)
		return xstrdup(_("just now"));
	if (d < 3600)
		return xasprintf(ngettext("%ld min ago", "%ld min ago", d / 60),
		    d / 60);
	if (d < 86400)
		return xasprintf(ngettext("%ld hour ago", "%ld hours ago",
		    d / 3600), d / 3600);
	if (d < 7 * 86400)
		return xasprintf(ngettext("%ld day ago", "%ld days ago",
		    d / 86400), d / 86400);
	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return xstrdup(buf);
}

static bool
on_screen(const struct ui *u, const struct draft_info *di)
{
	return u->draft_path != NULL && strcmp(u->draft_path, di->path) == 0;
}

static void
draw_drafts(struct ui *u)
{
	struct help_item it[5];
	size_t i, n = 0;
	int y, list_h, wa, wt, ws, x;
	time_t now = time(NULL);
	char *line;

	title_draw(u, _("Drafts"));
	draw_str(1, 0, u->cols, u->drafts_start ? _("Kept from earlier: Enter "
	    "opens one, n starts a new message (they stay here: ^R).") :
	    _("Enter opens a draft in place of the message on screen, which is "
	    "kept as a draft."), theme_attr(R_DIM));
	/* Below the list: the selected draft's file, and the newest status
	 * lines (what d or Enter just did, or why not). */
	list_h = u->rows - 3 - (u->rows >= 18 ? 2 : 1) - 1 - 3;
	if (list_h < 1)
		list_h = 1;
	if (u->pick_sel < u->pick_top)
		u->pick_top = u->pick_sel;
	if (u->pick_sel >= u->pick_top + (size_t)list_h)
		u->pick_top = u->pick_sel - (size_t)list_h + 1;
	/* Columns: the age as wide as it needs, To and Subject sharing the
	 * rest, the first words of the body after them when there is room. */
	wa = wide_width(_("SAVED"));
	for (i = 0; i < u->ndrafts; i++) {
		char *a = age(u->drafts[i].mtime, now);
		int w = wide_width(a);

		wa = w > wa ? w : wa;
		free(a);
	}
	wt = (u->cols - wa - 4) * 2 / 5;
	wt = wt > 30 ? 30 : wt < 8 ? 8 : wt;
	ws = u->cols - wa - wt - 5;
	ws = ws > 40 ? 40 : ws < 8 ? 8 : ws;
	x = 2;
	draw_str(2, x, wa, _("SAVED"), theme_attr(R_HEADING));
	draw_str(2, x + wa + 1, wt, _("TO"), theme_attr(R_HEADING));
	draw_str(2, x + wa + wt + 2, ws, _("SUBJECT"), theme_attr(R_HEADING));
	y = 3;
	if (u->ndrafts == 0) {
		char *dir = draft_dir();

		draw_str(y, 2, u->cols - 2, _("No drafts."), theme_attr(R_BODY));
		line = xasprintf(_("Drafts are kept in %s while you write."), dir);
		draw_str(y + 1, 2, u->cols - 2, line, theme_attr(R_DIM));
		free(line);
		free(dir);
	}
	for (i = u->pick_top; i < u->ndrafts && y < 3 + list_h; i++, y++) {
		const struct draft_info *di = &u->drafts[i];
		bool sel = i == u->pick_sel;
		unsigned long at = theme_attr(sel ? R_SELECTION : R_BODY);
		const char *note = on_screen(u, di) ? _("(on screen)") :
		    di->busy ? _("(open in another missive)") : NULL;
		char *a = age(di->mtime, now);
		int rx;

		if (sel) {
			attrset((attr_t)at);
			for (rx = 0; rx < u->cols; rx++)
				mvaddch(y, rx, ' ');
			attrset(A_NORMAL);
		}
		draw_str(y, 0, 2, sel ? (u->utf8 ? "▸" : ">") : " ", at);
		draw_str(y, x, wa, a, at);
		draw_str(y, x + wa + 1, wt, *di->to ? di->to :
		    _("(no recipient)"), at);
		rx = x + wa + wt + 2;
		rx += draw_str(y, rx, ws, *di->subject ? di->subject :
		    _("(no subject)"), at);
		if (rx + 3 < u->cols)
			draw_str(y, rx + 2, u->cols - rx - 2, note != NULL ? note :
			    di->start, sel ? at : theme_attr(R_DIM));
		free(a);
	}
	if (u->ndrafts > 0 && u->rows > 10) {
		const struct draft_info *di = &u->drafts[u->pick_sel];

		draw_str(3 + list_h, 2, u->cols - 2, di->path, theme_attr(R_DIM));
	}
	if (u->rows > 10)
		pane_draw(&u->pane, 3 + list_h + 2, 2, u->cols, u->utf8);
	it[n++] = (struct help_item){ "Enter", _("Open") };
	it[n++] = (struct help_item){ "d", _("Delete") };
	it[n++] = (struct help_item){ "n", _("New message") };
	it[n++] = (struct help_item){ "Esc", u->drafts_start ?
	    _("New message") : _("Back") };
	it[n++] = (struct help_item){ "Up/Dn", _("Move") };
	prompt_bottom(u, it, n);
	if (u->prompt.kind == P_NONE)
		move(3 + (int)(u->pick_sel - u->pick_top), 0);
}

/* Leaves the list for the composer; at start, the drafts not chosen are
 * declined, so the next start does not offer them again. */
static void
leave(struct ui *u)
{
	size_t i, n = 0;

	for (i = 0; u->drafts_start && i < u->ndrafts; i++)
		if (!u->drafts[i].busy && !on_screen(u, &u->drafts[i]) &&
		    draft_set_aside(u->drafts[i].path, true) == 0)
			n++;
	if (n > 0)
		ui_msg(u, SEV_INFO, ngettext("%zu draft is kept and not offered "
		    "at the next start; ^R lists it.", "%zu drafts are kept and "
		    "not offered at the next start; ^R lists them.", n), n);
	u->drafts_start = false;
	draft_list_free(u->drafts, u->ndrafts);
	u->drafts = NULL;
	u->ndrafts = 0;
	ui_open(u, V_COMPOSE);
}

static void
delete_answer(struct ui *u, int a, const char *text, int arg)
{
	(void)text;
	(void)arg;
	if (a == 'y' && u->pending != NULL)
		(void)keep_delete(u, u->pending);
	free(u->pending);
	u->pending = NULL;
	reload(u);
	if (u->ndrafts == 0 && u->drafts_start)
		leave(u);
}

static void
drafts_key(struct ui *u, const struct key *k)
{
	const struct draft_info *di = u->ndrafts > 0 ?
	    &u->drafts[u->pick_sel] : NULL;

	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN ||
	    k->code == KEY_PPAGE || k->code == KEY_NPAGE ||
	    k->code == KEY_HOME || k->code == KEY_END)) {
		long s = (long)u->pick_sel;

		s += k->code == KEY_UP ? -1 : k->code == KEY_DOWN ? 1 :
		    k->code == KEY_PPAGE ? -10 : k->code == KEY_NPAGE ? 10 :
		    k->code == KEY_HOME ? -s : (long)u->ndrafts;
		if (s >= (long)u->ndrafts)
			s = (long)u->ndrafts - 1;
		u->pick_sel = s < 0 ? 0 : (size_t)s;
	} else if ((!k->fn && (k->code == CTRL('M') || k->code == CTRL('J'))) ||
	    (k->fn && k->code == KEY_ENTER)) {
		if (di == NULL)
			return;
		if (job_running(u)) {
			ui_msg(u, SEV_ERROR, _("A send is running: open the draft "
			    "once it is done (or ^C cancels it)."));
			return;
		}
		/* The one opened is on screen now: leaving does not decline it. */
		if (on_screen(u, di) || keep_open(u, di->path) == 0)
			leave(u);
		else
			reload(u);
	} else if (!k->fn && (k->code == 'd' || k->code == 'D') &&
	    di != NULL) {
		free(u->pending);
		u->pending = xstrdup(di->path);
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key". */
		ui_prompt_keys(u, "yn", delete_answer, 0, _("Delete the draft to "
		    "%s (%s)? It cannot be undone. [y/n]"), *di->to ? di->to :
		    _("(no recipient)"), *di->subject ? di->subject :
		    _("(no subject)"));
	} else if (k->fn && k->code == KEY_DC && di != NULL) {
		struct key d = { .code = 'd' };

		drafts_key(u, &d);
	} else if (!k->fn && (k->code == 'n' || k->code == 'N')) {
		if (!u->drafts_start && keep_new(u) == -1)
			return;
		leave(u);
	} else if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == CTRL('R') || k->code == 'q')) ||
	    (k->fn && k->code == KEY_F(8))) {
		leave(u);
	}
}

const struct mode drafts_mode = {
	drafts_name, drafts_open, draw_drafts, drafts_key, false,
};
