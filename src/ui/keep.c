/* Keeping the composer's text; see keep.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/util.h"
#include "store/draft.h"
#include "ui/keep.h"
#include "ui/state.h"

#define AUTOSAVE_IDLE	1.2	/* seconds after the last change */
#define AUTOSAVE_MAX	8.0	/* at the latest, while typing goes on */

static void keep_release(struct ui *u);

static void
draft_from_ui(struct ui *u, struct draft *d)
{
	char *server = tb_utf8(u->f[F_SERVER]);

	memset(d, 0, sizeof *d);
	/* The demo's sink has a new port every run: a draft never keeps it. */
	if (u->demo_on && u->demo_prof.server != NULL &&
	    strcmp(server, u->demo_prof.server) == 0) {
		free(server);
		server = xstrdup("");
	}
	d->server = server;
	d->from = tb_utf8(u->f[F_FROM]);
	d->to = tb_utf8(u->f[F_TO]);
	d->cc = tb_utf8(u->f[F_CC]);
	d->bcc = tb_utf8(u->f[F_BCC]);
	d->subject = tb_utf8(u->f[F_SUBJECT]);
	d->attach = tb_utf8(u->f[F_ATTACH]);
	d->profile = xstrdup(ui_profile(u) ? ui_profile(u)->name : NULL);
	d->body = tb_utf8(u->body);
}

static void
clock_now(char *out, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, n, "%H:%M:%S", &tm);
}

void
keep_save(struct ui *u, bool say)
{
	unsigned long g = ui_gen(u);
	struct draft d;
	struct err e;

	draft_from_ui(u, &d);
	err_clear(&e);
	if (*d.to == '\0' && *d.cc == '\0' && *d.bcc == '\0' &&
	    *d.subject == '\0' && *d.attach == '\0' && *d.body == '\0') {
		/* Nothing worth keeping: no empty draft to offer later. */
		(void)keep_drop(u, &e);
		u->saved_gen = g;
		if (say)
			ui_msg(u, SEV_INFO, _("Nothing to save yet: the message "
			    "is empty."));
		draft_free(&d);
		return;
	}
	if (u->draft_path == NULL) {
		u->draft_path = draft_new_path();
		/* Claimed before it exists, so no other composer offers it;
		 * failing to claim it does not stop the save. */
		u->draft_lock = draft_lock(u->draft_path, NULL);
	}
	if (draft_save(u->draft_path, &d, &e) == 0) {
		u->saved_gen = g;
		u->last_save = time_now();
		clock_now(u->saved_clock, sizeof u->saved_clock);
		free(u->last_draft_err);
		u->last_draft_err = NULL;
		if (say)
			ui_msg(u, SEV_OK, _("Draft saved to %s"), u->draft_path);
	} else if (say || u->last_draft_err == NULL ||
	    strcmp(u->last_draft_err, e.msg) != 0) {
		ui_msg(u, SEV_ERROR, _("Could not save the draft: %s"), e.msg);
		free(u->last_draft_err);
		u->last_draft_err = xstrdup(e.msg);
		/* Retry later, not in a tight loop. */
		u->last_save = time_now();
	}
	draft_free(&d);
	u->dirty = true;
}

void
keep_tick(struct ui *u, double now)
{
	unsigned long g = ui_gen(u);

	if (g == u->saved_gen)
		return;
	if (g != u->change_gen) {
		if (u->change_gen == u->saved_gen)
			u->last_save = now;	/* first change since a save */
		u->change_gen = g;
		u->last_change = now;
		u->dirty = true;	/* the title says "modified" */
	}
	if (now - u->last_change >= AUTOSAVE_IDLE ||
	    now - u->last_save >= AUTOSAVE_MAX)
		keep_save(u, false);
}

double
keep_due_in(const struct ui *u, double now)
{
	if (ui_gen(u) == u->saved_gen)
		return -1;
	return AUTOSAVE_IDLE - (now - u->last_change);
}

int
keep_drop(struct ui *u, struct err *e)
{
	if (u->draft_path == NULL)
		return 0;
	if (draft_remove(u->draft_path, e) == -1)
		return -1;
	keep_release(u);
	return 0;
}

static void
keep_release(struct ui *u)
{
	draft_unlock(u->draft_lock);
	u->draft_lock = NULL;
	free(u->draft_path);
	u->draft_path = NULL;
}

/* The answer to the offer at start. */
static void
restore_answer(struct ui *u, int a, const char *text, int arg)
{
	struct draft d;
	struct err e;
	int f;
	char **slots[F_COUNT];

	(void)text;
	(void)arg;
	if (a != 'y') {
		ui_msg(u, SEV_INFO, _("The draft stays in %s."), u->draft_path);
		keep_release(u);
		return;
	}
	err_clear(&e);
	if (draft_load(u->draft_path, &d, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Could not restore the draft: %s"), e.msg);
		keep_release(u);
		return;
	}
	if (d.profile != NULL && u->ps != NULL &&
	    profiles_find(u->ps, d.profile) != NULL)
		ui_apply_profile(u, profiles_find(u->ps, d.profile), false);
	slots[F_SERVER] = &d.server;
	slots[F_FROM] = &d.from;
	slots[F_TO] = &d.to;
	slots[F_CC] = &d.cc;
	slots[F_BCC] = &d.bcc;
	slots[F_SUBJECT] = &d.subject;
	slots[F_ATTACH] = &d.attach;
	/* What arrives from a draft is where undo stops. A draft without a
	 * server (one written in the demo) keeps the server there is now. */
	for (f = 0; f < F_COUNT; f++)
		if (f != F_SERVER || (d.server != NULL && *d.server != '\0'))
			ui_set_field(u, f, *slots[f], true);
	ui_set_field(u, FOCUS_BODY, d.body, true);
	draft_free(&d);
	u->focus = FOCUS_BODY;
	u->saved_gen = ui_gen(u);
	ui_msg(u, SEV_OK, _("Draft restored from %s; it is kept until the "
	    "message is sent."), u->draft_path);
}

void
keep_offer(struct ui *u)
{
	char *dir = draft_dir(), *path = NULL, when[64];
	time_t mt;
	struct tm tm;

	if (draft_claim_latest(dir, &path, &mt, &u->draft_lock) == 1) {
		localtime_r(&mt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		u->draft_path = path;
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key". */
		ui_prompt_keys(u, "Yn", restore_answer, 0, _("A draft from %s "
		    "was found. Restore? [Y/n]"), when);
	}
	free(dir);
}

void
keep_crash(struct ui *u, int sig)
{
	struct draft d;
	struct err e;

	if (ui_gen(u) == u->saved_gen)
		return;
	if (u->draft_path == NULL)
		u->draft_path = draft_new_path();
	draft_from_ui(u, &d);
	if (draft_save(u->draft_path, &d, &e) == 0)
		fprintf(stderr, _("missive: crashed (signal %d); your text is "
		    "saved in %s\n"), sig, u->draft_path);
}
