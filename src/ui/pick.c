/* The pickers over the composer: profiles (filtered as you type; Enter
 * fills the fields, ^S saves the current settings as a profile) and
 * themes (previewed live; Enter keeps, Esc undoes). UI thread. */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "ui/draw.h"
#include "ui/pick.h"
#include "ui/prompt.h"
#include "ui/title.h"
#include "ui/wide.h"
#include "ui/wizard.h"

static const char *profiles_name(void) { return _("Profiles"); }
static const char *themes_name(void) { return _("Themes"); }

static void
profiles_open(struct ui *u)
{
	size_t i;

	u->pick_top = u->pick_sel = 0;
	tb_set_utf8(u->filter, "");
	for (i = 0; u->ps != NULL && i < profiles_count(u->ps); i++)
		if (profiles_get(u->ps, i) == u->prof)
			u->pick_sel = i;
}

static void
themes_open(struct ui *u)
{
	size_t i;

	u->pick_top = u->pick_sel = 0;
	strv_free(u->themes, u->nthemes);
	u->themes = theme_list(&u->nthemes);
	free(u->theme_before);
	u->theme_before = xstrdup(u->theme.name ? u->theme.name : "default");
	for (i = 0; i < u->nthemes; i++)
		if (strcmp(u->themes[i], u->theme_before) == 0)
			u->pick_sel = i;
}

static bool
profile_matches(const struct profile *p, const char *f)
{
	if (*f == '\0')
		return true;
	return strcasestr(p->name, f) != NULL ||
	    (p->server && strcasestr(p->server, f) != NULL) ||
	    (p->from && strcasestr(p->from, f) != NULL) ||
	    (p->user && strcasestr(p->user, f) != NULL);
}

/* The profiles the filter lets through, as indices (caller frees). */
static size_t
filtered(struct ui *u, size_t **out)
{
	size_t n = u->ps ? profiles_count(u->ps) : 0, i, k = 0;
	char *f = tb_utf8(u->filter);

	*out = xmalloc((n + 1) * sizeof **out);
	for (i = 0; i < n; i++)
		if (profile_matches(profiles_get(u->ps, i), f))
			(*out)[k++] = i;
	free(f);
	return k;
}

static void
draw_profiles(struct ui *u)
{
	static const struct help_item it[] = {
		{ "Enter", N_("Use profile") }, { "Esc", N_("Back") },
		{ "^S", N_("Save as profile") }, { "^N", N_("New profile") },
		{ "Up/Dn", N_("Move") },
		/* TRANSLATORS: in the help line, the "key" for filtering
		 * the list is typing letters. */
		{ N_("type"), N_("Filter") },
	};
	struct help_item tr[6];
	size_t *idx, n, i;
	int y, list_h, fx, wn, ws, wt;
	char *f, *line;

	title_draw(u, _("Profiles"));
	fx = draw_str(1, 0, u->cols, _("Filter: "), theme_attr(R_LABEL));
	f = tb_utf8(u->filter);
	draw_str(1, fx, u->cols - fx, f, theme_attr(R_FIELD));
	n = filtered(u, &idx);
	list_h = u->rows - 4 - (u->rows >= 18 ? 2 : 1) - 4;
	if (list_h < 1)
		list_h = 1;
	if (u->pick_sel >= n)
		u->pick_sel = n ? n - 1 : 0;
	if (u->pick_sel < u->pick_top)
		u->pick_top = u->pick_sel;
	if (u->pick_sel >= u->pick_top + (size_t)list_h)
		u->pick_top = u->pick_sel - (size_t)list_h + 1;
	/* Columns as wide as their (translated) headings at least. */
	wn = wide_width(_("NAME"));
	ws = wide_width(_("SERVER"));
	wt = wide_width(_("TLS"));
	for (i = 0; i < n; i++) {
		const struct profile *p = profiles_get(u->ps, idx[i]);
		int a = wide_width(p->name), b = p->server ? wide_width(p->server) : 1;
		int c = wide_width(p->tls >= 0 ? tls_mode_name(p->tls) :
		    _("(by port)"));

		wn = a > wn ? a : wn;
		ws = b > ws ? b : ws;
		wt = c > wt ? c : wt;
	}
	wn = wn > 16 ? 16 : wn;
	ws = ws > 30 ? 30 : ws;
	{
		char *c1 = wide_pad(_("NAME"), wn), *c2 = wide_pad(_("SERVER"), ws);
		char *c3 = wide_pad(_("TLS"), wt);

		line = xasprintf("  %s %s %s %s", c1, c2, c3, _("FROM"));
		free(c1);
		free(c2);
		free(c3);
	}
	draw_str(2, 0, u->cols, line, theme_attr(R_HEADING));
	free(line);
	y = 3;
	if (n == 0) {
		char *dir = profiles_dir();

		draw_str(y, 2, u->cols - 2, u->ps && profiles_count(u->ps) ?
		    _("No profile matches the filter.") : _("No profiles yet."),
		    theme_attr(R_BODY));
		line = xasprintf(_("Profiles live in %s/profiles.ini; ^S saves "
		    "the current settings as one, ^N finds your server and makes "
		    "one (missive setup)."), dir);
		draw_str(y + 1, 2, u->cols - 2, line, theme_attr(R_DIM));
		free(line);
		free(dir);
	}
	for (i = u->pick_top; i < n && y < 3 + list_h; i++, y++) {
		const struct profile *p = profiles_get(u->ps, idx[i]);
		bool sel = i == u->pick_sel;

		{
			char *c1 = wide_pad(p->name, wn);
			char *c2 = wide_pad(p->server ? p->server : "-", ws);
			char *c3 = wide_pad(p->tls >= 0 ? tls_mode_name(p->tls) :
			    _("(by port)"), wt);

			line = xasprintf("%s %s %s %s %s", sel ? (u->utf8 ?
			    "▸" : ">") : " ", c1, c2, c3, p->from ? p->from : "-");
			free(c1);
			free(c2);
			free(c3);
		}
		if (sel) {
			int x;

			attrset((attr_t)theme_attr(R_SELECTION));
			for (x = 0; x < u->cols; x++)
				mvaddch(y, x, ' ');
			attrset(A_NORMAL);
		}
		draw_str(y, 0, u->cols, line, theme_attr(sel ? R_SELECTION :
		    R_BODY));
		free(line);
	}
	/* Details of the selected profile. */
	if (n > 0 && u->rows > 12) {
		const struct profile *p = profiles_get(u->ps, idx[u->pick_sel]);

		y = 3 + list_h + 1;
		line = xasprintf(_("%s  user: %s  ca_file: %s  fingerprint: %s"),
		    p->name, p->user ? p->user : "-", p->ca_file ? p->ca_file :
		    _("system store"), p->fingerprint ? p->fingerprint : "-");
		draw_str(y, 2, u->cols - 2, line, theme_attr(R_DIM));
		free(line);
		line = xasprintf(_("defined in %s:%d%s%s"), p->file ? p->file :
		    "?", p->line, p->signature ? _("  signature: ") : "",
		    p->signature ? p->signature : "");
		draw_str(y + 1, 2, u->cols - 2, line, theme_attr(R_DIM));
		free(line);
	}
	for (i = 0; i < 6; i++) {
		tr[i].key = _(it[i].key);	/* only "type" is translated */
		tr[i].label = _(it[i].label);
	}
	prompt_bottom(u, tr, 6);
	if (u->prompt.kind == P_NONE) {
		size_t cur = tb_cursor(u->filter);
		char *pre = tb_utf8_range(u->filter, 0, cur);

		move(1, fx + wide_width(pre) < u->cols ? fx + wide_width(pre) :
		    u->cols - 1);
		free(pre);
	}
	free(f);
	free(idx);
}

static const struct profile *theme_profile(const struct ui *u);

static void
draw_themes(struct ui *u)
{
	const char *title = _("Theme: a preview; Esc undoes");
	int w = wide_width(title) + 2 > 34 ? wide_width(title) + 2 : 34;
	int h, x, y0 = 2, y;
	size_t i;

	if (u->cols < w + 4 || u->rows < 8)
		w = u->cols - 2;
	h = (int)u->nthemes + 2;
	if (h > u->rows - 4)
		h = u->rows - 4;
	if (w < 8 || h < 3)
		return;
	x = u->cols - w - 1;
	if (u->pick_sel < u->pick_top)
		u->pick_top = u->pick_sel;
	if (u->pick_sel >= u->pick_top + (size_t)(h - 2))
		u->pick_top = u->pick_sel - (size_t)(h - 2) + 1;
	for (y = 0; y < h; y++) {
		int k;

		attrset((attr_t)theme_attr(R_BORDER));
		for (k = 0; k < w; k++)
			mvaddch(y0 + y, x + k, ' ');
		attrset(A_NORMAL);
	}
	draw_str(y0, x + 1, w - 2, title, theme_attr(R_HEADING));
	for (i = u->pick_top, y = y0 + 1; i < u->nthemes && y < y0 + h - 1;
	    i++, y++) {
		bool sel = i == u->pick_sel;
		char *line = xasprintf("%s %s", sel ? (u->utf8 ? "▸" : ">") : " ",
		    u->themes[i]);

		draw_str(y, x + 1, w - 2, line, theme_attr(sel ? R_SELECTION :
		    R_BODY));
		free(line);
	}
	/* The footer says this picker's keys, not the composer's. */
	{
		struct help_item it[4];
		size_t n = 0;

		it[n++] = (struct help_item){ "Enter", _("This session") };
		if (theme_profile(u) != NULL)
			it[n++] = (struct help_item){ "p", _("Keep in profile") };
		it[n++] = (struct help_item){ "a", _("Keep for all") };
		it[n++] = (struct help_item){ "Esc", _("Undo") };
		prompt_bottom(u, it, n);
	}
	move(y0 + 1 + (int)(u->pick_sel - u->pick_top), x + 1);
}

static int
valid_profile_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.@+", *s))
			return 0;
	return 1;
}

/* A field's trimmed text, or NULL when it is empty. */
static char *
field_or_null(struct ui *u, int f)
{
	char *s = ui_field(u, f);

	if (*s != '\0')
		return s;
	free(s);
	return NULL;
}

/* Writes the current settings as profile name (which may replace one). */
static void
save_profile(struct ui *u, const char *name)
{
	const struct profile *cur = ui_profile(u);
	struct profile p;
	struct err e;
	char *dir;
	bool demo_server = false;

	profile_init(&p);
	if (cur != NULL)
		p = *cur;
	/* Never a password: user and password_cmd are kept, as written. */
	p.password = NULL;
	p.file = NULL;
	p.line = 0;
	p.name = (char *)name;
	p.server = field_or_null(u, F_SERVER);
	p.from = field_or_null(u, F_FROM);
	p.cc = field_or_null(u, F_CC);
	p.bcc = field_or_null(u, F_BCC);
	if (p.tls < 0) {
		bool fb;

		p.tls = ui_policy(u, &fb);	/* what the port implied */
	}
	/* The demo's sink has a new port every run, and its CA is the
	 * demo's: neither belongs in a profile for a real server. */
	if (u->demo_on && p.server != NULL && u->demo_prof.server != NULL &&
	    strcmp(p.server, u->demo_prof.server) == 0) {
		free(p.server);
		p.server = NULL;
		demo_server = true;
	}
	if (u->demo_on && p.ca_file != NULL && u->demo_prof.ca_file != NULL &&
	    strcmp(p.ca_file, u->demo_prof.ca_file) == 0)
		p.ca_file = NULL;
	dir = profiles_dir();
	err_clear(&e);
	if (mkdir_p(dir) == -1 || profiles_save(dir, &p, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Profile not saved: %s"), e.msg[0] ?
		    e.msg : dir);
		goto out;
	}
	err_clear(&e);
	if (ui_reload_profiles(u, u->demo_on ? NULL : name, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Profile saved, but reading the profiles "
		    "back failed: %s"), e.msg);
		goto out;
	}
	ui_msg(u, SEV_OK, _("Profile %s saved in %s/profiles.ini (no password "
	    "is written)."), name, dir);
	if (demo_server)
		ui_msg(u, SEV_INFO, _("The demo's local sink is not saved in it: "
		    "set its server (^P, or server = in the file) before using "
		    "it."));
	ui_open(u, V_COMPOSE);
out:
	free(dir);
	free(p.server);
	free(p.from);
	free(p.cc);
	free(p.bcc);
}

static void
replace_answer(struct ui *u, int a, const char *text, int arg)
{
	(void)text;
	(void)arg;
	if (a == 'y' && u->pending != NULL)
		save_profile(u, u->pending);
	else {
		ui_msg(u, SEV_INFO, _("Profile %s left as it was."), u->pending);
		ui_open(u, V_COMPOSE);
	}
	free(u->pending);
	u->pending = NULL;
}

static void
save_profile_answer(struct ui *u, int a, const char *name, int arg)
{
	const struct profile *old;

	(void)arg;
	if (a == 0 || name == NULL)
		return;
	if (!valid_profile_name(name)) {
		ui_msg(u, SEV_ERROR, _("`%s` is not a usable profile name "
		    "(letters, digits, - _ . @ +)."), name);
		return;
	}
	if ((old = profiles_find(u->ps, name)) != NULL) {
		free(u->pending);
		u->pending = xstrdup(name);
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key". */
		ui_prompt_keys(u, "yn", replace_answer, 0, _("Profile %s exists "
		    "(%s:%d, server %s). Replace it? [y/n]"), name, old->file,
		    old->line, old->server != NULL ? old->server : "-");
		return;
	}
	save_profile(u, name);
}

static void
profiles_key(struct ui *u, const struct key *k)
{
	size_t *idx, n = filtered(u, &idx);

	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN ||
	    k->code == KEY_PPAGE || k->code == KEY_NPAGE)) {
		long s = (long)u->pick_sel;

		s += k->code == KEY_UP ? -1 : k->code == KEY_DOWN ? 1 :
		    k->code == KEY_PPAGE ? -10 : 10;
		if (s >= (long)n)
			s = (long)n - 1;
		if (s < 0)
			s = 0;
		u->pick_sel = (size_t)s;
	} else if ((!k->fn && (k->code == CTRL('M') || k->code == CTRL('J'))) ||
	    (k->fn && k->code == KEY_ENTER)) {
		if (n > 0 && u->pick_sel < n) {
			const struct profile *p = profiles_get(u->ps,
			    idx[u->pick_sel]);

			ui_apply_profile(u, p, true);
			ui_msg(u, SEV_OK, _("Profile %s: server, sender, Cc and Bcc "
			    "filled in; the body is unchanged."), p->name);
			ui_open(u, V_COMPOSE);
		}
	} else if ((!k->fn && k->code == CTRL('S')) ||
	    (k->fn && k->code == KEY_F(2))) {
		const struct profile *cur = ui_profile(u);

		ui_prompt_text(u, cur && !u->demo_on ? cur->name : "",
		    save_profile_answer, 0, _("Save the current server, sender, "
		    "Cc, Bcc and TLS settings as profile:"));
	} else if (!k->fn && k->code == CTRL('N')) {
		/* The composer comes back with the new profile in use. */
		ui_open(u, V_COMPOSE);
		wizard_run(u);
	} else if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == CTRL('P'))) || (k->fn && k->code == KEY_F(5))) {
		ui_open(u, V_COMPOSE);
	} else {
		char *before = tb_utf8(u->filter), *after;

		prompt_edit_key(u->filter, k);
		after = tb_utf8(u->filter);
		if (strcmp(before, after) != 0)
			u->pick_sel = 0;
		free(before);
		free(after);
	}
	free(idx);
}

/* The profile a theme can be kept in: the current one, not the demo's. */
static const struct profile *
theme_profile(const struct ui *u)
{
	return u->prof != NULL && !u->demo_on ? u->prof : NULL;
}

/* Writes theme = the chosen one into [section] ("missive": for all). */
static void
keep_theme(struct ui *u, const char *section)
{
	char *dir = profiles_dir(), *keep = u->prof != NULL ?
	    xstrdup(u->prof->name) : NULL;
	struct err e;

	err_clear(&e);
	if (profiles_set_key(dir, section, "theme", u->theme.name, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Theme not kept: %s"), e.msg);
		goto out;
	}
	if (strcmp(section, "missive") == 0)
		ui_msg(u, SEV_OK, _("Theme %s kept for every profile without a "
		    "theme of its own ([missive] in %s/profiles.ini)."),
		    u->theme.name, dir);
	else
		ui_msg(u, SEV_OK, _("Theme %s kept in profile %s (%s/profiles.ini)."),
		    u->theme.name, section, dir);
	/* The loaded profiles say what the file says now. */
	err_clear(&e);
	if (ui_reload_profiles(u, u->prof == &u->demo_prof ? NULL : keep,
	    &e) == -1)
		ui_msg(u, SEV_ERROR, _("The profiles cannot be read back: %s"),
		    e.msg);
out:
	free(keep);
	free(dir);
	ui_open(u, V_COMPOSE);
}

static void
themes_key(struct ui *u, const struct key *k)
{
	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN)) {
		if (k->code == KEY_UP && u->pick_sel > 0)
			u->pick_sel--;
		else if (k->code == KEY_DOWN && u->pick_sel + 1 < u->nthemes)
			u->pick_sel++;
		if (u->pick_sel < u->nthemes)
			ui_set_theme(u, u->themes[u->pick_sel], true);
	} else if ((!k->fn && (k->code == CTRL('M') || k->code == CTRL('J'))) ||
	    (k->fn && k->code == KEY_ENTER)) {
		ui_msg(u, SEV_OK, _("Theme %s for this session (p or a in the "
		    "picker keeps it)."), u->theme.name);
		ui_open(u, V_COMPOSE);
	} else if (!k->fn && (k->code == 'p' || k->code == 'P') &&
	    theme_profile(u) != NULL) {
		keep_theme(u, theme_profile(u)->name);
	} else if (!k->fn && (k->code == 'a' || k->code == 'A')) {
		keep_theme(u, "missive");
	} else if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == 'q')) || (k->fn && k->code == KEY_F(7))) {
		ui_set_theme(u, u->theme_before, true);
		ui_open(u, V_COMPOSE);
	}
}

const struct mode profiles_mode = {
	profiles_name, profiles_open, draw_profiles, profiles_key, false,
};
const struct mode themes_mode = {
	themes_name, themes_open, draw_themes, themes_key, true,
};
