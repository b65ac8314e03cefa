/* Keeping the composer's text; see keep.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	d->reply_to = tb_utf8(u->f[F_REPLY_TO]);
	/* A reply keeps its thread; the editor's header lines stay too. */
	d->in_reply_to = xstrdup(u->in_reply_to);
	d->references = xstrdup(u->references);
	d->headers = xstrdup(u->extra_headers);
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
	    *d.subject == '\0' && *d.attach == '\0' && ui_body_blank(u)) {
		/* Nothing worth keeping: no empty draft to offer later. */
		(void)keep_drop(u, &e);
		u->saved_gen = g;
		if (say)
			ui_msg(u, SEV_INFO, _("Nothing to save yet: the message "
			    "is empty."));
		draft_free(&d);
		return;
	}
	if (u->draft_path == NULL)
		u->draft_path = draft_new_path();
	/* Claimed before it exists, so no other composer offers it; failing
	 * to claim it does not stop the save (the next one tries again). */
	if (u->draft_lock == NULL)
		u->draft_lock = draft_lock(u->draft_path, NULL);
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

/* Fills the composer from the draft at path (claimed by the caller). */
static int
fill_from(struct ui *u, const char *path)
{
	struct draft d;
	struct err e;
	int f;
	char **slots[F_COUNT];

	err_clear(&e);
	if (draft_load(path, &d, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Could not open the draft: %s"), e.msg);
		return -1;
	}
	if (d.profile != NULL && u->ps != NULL &&
	    profiles_find(u->ps, d.profile) != NULL)
		ui_apply_profile(u, profiles_find(u->ps, d.profile), false);
	slots[F_SERVER] = &d.server;
	slots[F_FROM] = &d.from;
	slots[F_TO] = &d.to;
	slots[F_CC] = &d.cc;
	slots[F_BCC] = &d.bcc;
	slots[F_REPLY_TO] = &d.reply_to;
	slots[F_SUBJECT] = &d.subject;
	slots[F_ATTACH] = &d.attach;
	/* What arrives from a draft is where undo stops. A draft without a
	 * server (one written in the demo) keeps the server there is now. */
	for (f = 0; f < F_COUNT; f++)
		if (f != F_SERVER || (d.server != NULL && *d.server != '\0'))
			ui_set_field(u, f, *slots[f], true);
	ui_set_field(u, FOCUS_BODY, d.body, true);
	free(u->in_reply_to);
	free(u->references);
	free(u->extra_headers);
	u->in_reply_to = d.in_reply_to;
	u->references = d.references;
	u->extra_headers = d.headers;
	d.in_reply_to = d.references = d.headers = NULL;
	draft_free(&d);
	u->focus = FOCUS_BODY;
	u->saved_gen = ui_gen(u);
	return 0;
}

int
keep_open(struct ui *u, const char *path)
{
	struct draft_lock *l;
	struct err e;
	char *p;
	bool kept = false;

	if (u->draft_path != NULL && strcmp(u->draft_path, path) == 0)
		return 0;	/* the message being written */
	err_clear(&e);
	if ((l = draft_lock(path, &e)) == NULL) {
		if (errno == EWOULDBLOCK)
			ui_msg(u, SEV_ERROR, _("Not opened: that draft is open in "
			    "another missive; finish it there."));
		else
			ui_msg(u, SEV_ERROR, _("Not opened: %s."), e.msg);
		return -1;
	}
	p = xstrdup(path);
	/* What was on screen stays a draft of its own. */
	if (ui_gen(u) != u->saved_gen)
		keep_save(u, false);
	if (u->draft_path != NULL && access(u->draft_path, F_OK) == 0)
		kept = true;
	if (fill_from(u, p) == -1) {
		draft_unlock(l);
		free(p);
		return -1;
	}
	keep_release(u);
	u->draft_path = p;
	u->draft_lock = l;
	(void)draft_set_aside(p, false);	/* chosen: offered again */
	if (kept)
		ui_msg(u, SEV_OK, _("Draft opened from %s; the message you were "
		    "writing is kept as a draft (^R lists them)."), p);
	else
		ui_msg(u, SEV_OK, _("Draft restored from %s; it is kept until the "
		    "message is sent."), p);
	return 0;
}

int
keep_delete(struct ui *u, const char *path)
{
	struct draft_lock *l;
	struct err e;

	err_clear(&e);
	if (u->draft_path != NULL && strcmp(u->draft_path, path) == 0) {
		ui_msg(u, SEV_ERROR, _("That is the message on screen; ^C and "
		    "d discard it."));
		return -1;
	}
	if ((l = draft_lock(path, &e)) == NULL) {
		if (errno == EWOULDBLOCK)
			ui_msg(u, SEV_ERROR, _("Not deleted: that draft is open in "
			    "another missive."));
		else
			ui_msg(u, SEV_ERROR, _("Not deleted: %s."), e.msg);
		return -1;
	}
	if (draft_remove(path, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Not deleted: %s."), e.msg);
		draft_unlock(l);
		return -1;
	}
	draft_unlock(l);
	ui_msg(u, SEV_OK, _("Draft %s deleted."), path);
	return 0;
}

int
keep_new(struct ui *u)
{
	static const int f[] = { F_TO, F_REPLY_TO, F_SUBJECT, F_ATTACH,
	    FOCUS_BODY };
	bool kept;
	size_t i;

	if (ui_gen(u) != u->saved_gen)
		keep_save(u, false);
	if (ui_gen(u) != u->saved_gen)
		return -1;	/* not saved: said by keep_save; keep it on screen */
	kept = u->draft_path != NULL && access(u->draft_path, F_OK) == 0;
	keep_release(u);
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		ui_set_field(u, f[i], "", true);
	/* A new message answers nothing. */
	free(u->in_reply_to);
	free(u->references);
	free(u->extra_headers);
	u->in_reply_to = u->references = u->extra_headers = NULL;
	/* The profile's server, sender, Cc and Bcc, as at a start. */
	if (ui_profile(u) != NULL)
		ui_apply_profile(u, ui_profile(u), true);
	else {
		ui_set_field(u, F_CC, "", true);
		ui_set_field(u, F_BCC, "", true);
	}
	u->focus = F_TO;
	u->saved_gen = ui_gen(u);
	ui_msg(u, SEV_OK, kept ? _("A new message; the one you were writing is "
	    "kept as a draft (^R lists them).") : _("A new message."));
	return 0;
}

/* Whether the command line (addresses, a mailto: URL, -s, -a) began a
 * message; a profile's Cc or the demo's greeting does not. */
static bool
prefilled(const struct ui *u)
{
	const struct ui_opts *o = u->opts;

	return o != NULL && ((o->args != NULL && o->args[0] != NULL) ||
	    o->subject != NULL || (o->attach != NULL && o->attach[0] != NULL));
}

void
keep_offer(struct ui *u)
{
	char *dir = draft_dir();
	struct draft_info *v;
	size_t n = draft_list(dir, &v), i, offered = 0, free_n = 0;

	for (i = 0; i < n; i++) {
		if (v[i].busy)
			continue;
		free_n++;
		if (!v[i].aside)
			offered++;
	}
	draft_list_free(v, n);
	free(dir);
	if (offered > 0 && !prefilled(u)) {
		u->drafts_start = true;
		ui_open(u, V_DRAFTS);
	} else if (free_n > 0)
		ui_msg(u, SEV_INFO, ngettext("%zu draft is kept from earlier; ^R "
		    "lists it.", "%zu drafts are kept from earlier; ^R lists "
		    "them.", free_n), free_n);
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
