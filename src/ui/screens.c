/* The screens over the composer: the pagers (help, TLS diagnostics, SMTP
 * dialogue), the profile picker with its filter and "save as profile",
 * the live theme picker, and the answers to prompts. */
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
#include "ui/uistate.h"
#include "ui/views.h"
#include "ui/wide.h"

#define FOLLOW ((size_t)-1)	/* pager_top: stay at the end */

static const char *
view_name(enum view v)
{
	switch (v) {
	case V_HELP: return _("Help");
	case V_TLS: return _("TLS diagnostics");
	case V_DIALOGUE: return _("SMTP dialogue");
	case V_PROFILES: return _("Profiles");
	case V_THEMES: return _("Themes");
	default: return NULL;
	}
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

void
screens_open(struct ui *u, enum view v)
{
	size_t i;

	u->view = v;
	u->pager_top = v == V_DIALOGUE ? FOLLOW : 0;
	u->pick_top = 0;
	u->pick_sel = 0;
	if (v == V_PROFILES) {
		tb_set_utf8(u->filter, "");
		for (i = 0; u->ps != NULL && i < profiles_count(u->ps); i++)
			if (profiles_get(u->ps, i) == u->prof)
				u->pick_sel = i;
	} else if (v == V_THEMES) {
		theme_list_free(u->themes, u->nthemes);
		u->themes = theme_list(&u->nthemes);
		free(u->theme_before);
		u->theme_before = xstrdup(u->theme.name ? u->theme.name :
		    "default");
		for (i = 0; i < u->nthemes; i++)
			if (strcmp(u->themes[i], u->theme_before) == 0)
				u->pick_sel = i;
	}
	u->dirty = true;
}

static void
close_view(struct ui *u)
{
	u->view = V_COMPOSE;
	u->dirty = true;
}

/* ---- drawing ---- */

static void
draw_bottom(struct ui *u, const struct help_item *it, size_t n)
{
	int h = u->rows >= 18 ? 2 : 1, y = u->rows - h;

	if (u->prompt.kind != P_NONE) {
		draw_prompt(u, u->rows - 1);
		return;
	}
	draw_help(u, y, h, it, n);
}

static void
draw_pager(struct ui *u)
{
	struct lines l;
	struct tls_view_in in;
	int h = u->rows - 1 - (u->rows >= 18 ? 2 : 1);
	char *server;
	struct help_item it[6];
	size_t n = 0;

	lines_init(&l);
	server = ui_field(u, F_SERVER);
	if (u->view == V_HELP)
		view_help(&l);
	else if (u->view == V_TLS) {
		memset(&in, 0, sizeof in);
		in.server = server;
		in.policy = ui_policy(u, &in.fallback);
		in.result = job_running(u) ? NULL : u->last;
		in.live = u->live_tls;
		in.running = job_running(u);
		in.probe = u->last_probe;
		view_tls(&l, &in);
	} else {
		size_t i;

		lines_add(&l, R_HEADING, _("SMTP dialogue of the last send or "
		    "probe (C: missive, S: the server; passwords hidden)"));
		lines_add(&l, R_BODY, "");
		if (u->dialogue.n == 0)
			lines_add(&l, R_DIM, _("Nothing yet: send (^X) or probe "
			    "(p on the TLS screen)."));
		for (i = 0; i < u->dialogue.n; i++)
			lines_add(&l, u->dialogue.v[i].role, u->dialogue.v[i].text);
	}
	free(server);
	/* End (and the dialogue view) show the last page; nothing scrolls
	 * past it. */
	if (u->pager_top == FOLLOW || (l.n > (size_t)h &&
	    u->pager_top > l.n - (size_t)h) || (l.n <= (size_t)h))
		u->pager_top = l.n > (size_t)h ? l.n - (size_t)h : 0;
	draw_title(u, view_name(u->view));
	draw_lines(u, &l, 1, h, &u->pager_top);
	lines_clear(&l);
	it[n++] = (struct help_item){ "Esc", _("Back") };
	it[n++] = (struct help_item){ "Up/Dn", _("Scroll") };
	it[n++] = (struct help_item){ "PgUp/PgDn", _("Page") };
	if (u->view == V_TLS)
		it[n++] = (struct help_item){ "p", _("Probe server") };
	if (u->view == V_HELP)
		it[n++] = (struct help_item){ "t", _("Themes") };
	if (job_running(u))
		it[n++] = (struct help_item){ "^C", _("Cancel") };
	draw_bottom(u, it, n);
	if (u->prompt.kind == P_NONE)
		move(1, 0);
}

static void
draw_profiles(struct ui *u)
{
	static const struct help_item it[] = {
		{ "Enter", N_("Use profile") }, { "Esc", N_("Back") },
		{ "^S", N_("Save as profile") }, { "Up/Dn", N_("Move") },
		/* TRANSLATORS: in the help line, the "key" for filtering
		 * the list is typing letters. */
		{ N_("type"), N_("Filter") },
	};
	struct help_item tr[5];
	size_t *idx, n, i;
	int y, list_h, fx, wn, ws, wt;
	char *f, *line;

	draw_title(u, view_name(V_PROFILES));
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
		    "the current settings as one."), dir);
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
	for (i = 0; i < 5; i++) {
		tr[i].key = _(it[i].key);	/* only "type" is translated */
		tr[i].label = _(it[i].label);
	}
	draw_bottom(u, tr, 5);
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

static void
draw_themes(struct ui *u)
{
	const char *title = _("Theme: Enter keeps, Esc undoes");
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
	move(y0 + 1 + (int)(u->pick_sel - u->pick_top), x + 1);
}

void
screens_draw(struct ui *u)
{
	switch (u->view) {
	case V_HELP:
	case V_TLS:
	case V_DIALOGUE:
		draw_pager(u);
		break;
	case V_PROFILES:
		draw_profiles(u);
		break;
	case V_THEMES:
		draw_themes(u);
		break;
	default:
		break;
	}
}

/* ---- keys ---- */

static void
pager_key(struct ui *u, const struct key *k)
{
	int page = u->rows - 4 > 1 ? u->rows - 4 : 1;
	long top = u->pager_top == FOLLOW ? 1L << 20 : (long)u->pager_top;

	if (k->fn) {
		switch (k->code) {
		case KEY_UP: top--; break;
		case KEY_DOWN: top++; break;
		case KEY_PPAGE: top -= page; break;
		case KEY_NPAGE: top += page; break;
		case KEY_HOME: top = 0; break;
		case KEY_END: u->pager_top = FOLLOW; return;
		default:
			if ((k->code == KEY_F(1) && u->view == V_HELP) ||
			    (k->code == KEY_F(3) && u->view == V_TLS) ||
			    (k->code == KEY_F(6) && u->view == V_DIALOGUE))
				close_view(u);
			else if (k->code == KEY_F(7))
				screens_open(u, V_THEMES);
			return;
		}
	} else {
		switch (k->code) {
		case 27: case 'q': case 'Q':
			close_view(u);
			return;
		case CTRL('C'):
			if (job_running(u))
				job_cancel(u);
			else
				close_view(u);
			return;
		case CTRL('G'):
		case CTRL('T'):
		case CTRL('O'):
			close_view(u);
			return;
		case 'p': case 'P':
			if (u->view == V_TLS)
				job_probe(u);
			return;
		case 't': case 'T':
			if (u->view == V_HELP)
				screens_open(u, V_THEMES);
			return;
		case ' ': top += page; break;
		case 'b': top -= page; break;
		case 'k': top--; break;
		case 'j': case CTRL('M'): case CTRL('J'): top++; break;
		case 'g': top = 0; break;
		case 'G': u->pager_top = FOLLOW; return;
		default:
			return;
		}
	}
	if (top < 0)
		top = 0;
	/* draw_lines clamps past the end */
	u->pager_top = (size_t)top;
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

static void
save_profile_answer(struct ui *u, int a, const char *name, int arg)
{
	const struct profile *cur = ui_profile(u);
	struct profile p;
	struct profiles *ps;
	struct err e;
	char *dir, *keep = NULL;

	(void)arg;
	if (a == 0 || name == NULL)
		return;
	if (!valid_profile_name(name)) {
		ui_msg(u, SEV_ERROR, _("`%s` is not a usable profile name "
		    "(letters, digits, - _ . @ +)."), name);
		return;
	}
	memset(&p, 0, sizeof p);
	if (cur != NULL)
		p = *cur;
	else {
		p.tls = p.fallback_plaintext = p.allow_plaintext_auth = -1;
	}
	/* Never write a password out: only the command that fetches it. */
	p.password = NULL;
	p.file = NULL;
	p.line = 0;
	p.name = (char *)name;
	p.server = ui_field(u, F_SERVER);
	p.from = ui_field(u, F_FROM);
	p.cc = ui_field(u, F_CC);
	p.bcc = ui_field(u, F_BCC);
	if (*p.server == '\0') {
		free(p.server);
		p.server = NULL;
	}
	if (*p.from == '\0') {
		free(p.from);
		p.from = NULL;
	}
	if (*p.cc == '\0') {
		free(p.cc);
		p.cc = NULL;
	}
	if (*p.bcc == '\0') {
		free(p.bcc);
		p.bcc = NULL;
	}
	if (p.tls < 0) {
		bool fb;
		int pol = ui_policy(u, &fb);

		p.tls = pol;	/* write down what the port implied */
	}
	dir = profiles_dir();
	err_clear(&e);
	if (mkdir_p(dir) == -1 || profiles_save(dir, &p, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Profile not saved: %s"), e.msg[0] ?
		    e.msg : dir);
		goto out;
	}
	err_clear(&e);
	if ((ps = profiles_load(NULL, &e)) == NULL) {
		ui_msg(u, SEV_ERROR, _("Profile saved, but reading the profiles "
		    "back failed: %s"), e.msg);
		goto out;
	}
	keep = u->demo_on ? NULL : xstrdup(name);
	if (u->prof != &u->demo_prof)
		u->prof = NULL;
	profiles_free(u->ps);
	u->ps = ps;
	if (keep != NULL)
		u->prof = profiles_find(u->ps, keep);
	ui_build_completer(u);
	ui_msg(u, SEV_OK, _("Profile %s saved in %s/profiles.ini (no password "
	    "is written)."), name, dir);
	close_view(u);
out:
	free(keep);
	free(dir);
	free(p.server);
	free(p.from);
	free(p.cc);
	free(p.bcc);
}

static void
text_edit_key(struct textbuf *tb, const struct key *k)
{
	if (!k->fn && k->mods == 0 && k->code >= 0x20 && k->code != 0x7f) {
		tb_insert_char(tb, (wchar_t)k->code);
		return;
	}
	if (k->fn) {
		switch (k->code) {
		case KEY_LEFT: tb_left(tb); break;
		case KEY_RIGHT: tb_right(tb); break;
		case KEY_HOME: tb_start(tb); break;
		case KEY_END: tb_end(tb); break;
		case KEY_BACKSPACE: tb_backspace(tb); break;
		case KEY_DC: tb_delete(tb); break;
		default: break;
		}
		return;
	}
	if (k->mods & MOD_ALT) {
		if (k->code == 'b')
			tb_word_left(tb);
		else if (k->code == 'f')
			tb_word_right(tb);
		return;
	}
	switch (k->code) {
	case CTRL('A'): tb_start(tb); break;
	case CTRL('E'): tb_end(tb); break;
	case CTRL('B'): tb_left(tb); break;
	case CTRL('F'): tb_right(tb); break;
	case CTRL('D'): tb_delete(tb); break;
	case CTRL('H'): case 127: tb_backspace(tb); break;
	case CTRL('K'): tb_kill_eol(tb); break;
	case CTRL('U'): tb_kill_bol(tb); break;
	case CTRL('W'): tb_kill_word_back(tb); break;
	case CTRL('Y'): tb_yank(tb); break;
	case CTRL('Z'): tb_undo(tb); break;
	default: break;
	}
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
			close_view(u);
		}
	} else if ((!k->fn && k->code == CTRL('S')) ||
	    (k->fn && k->code == KEY_F(2))) {
		const struct profile *cur = ui_profile(u);

		ui_prompt_text(u, cur && !u->demo_on ? cur->name : "",
		    save_profile_answer, 0, _("Save the current server, sender, "
		    "Cc, Bcc and TLS settings as profile:"));
	} else if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == CTRL('P'))) || (k->fn && k->code == KEY_F(5))) {
		close_view(u);
	} else {
		char *before = tb_utf8(u->filter), *after;

		text_edit_key(u->filter, k);
		after = tb_utf8(u->filter);
		if (strcmp(before, after) != 0)
			u->pick_sel = 0;
		free(before);
		free(after);
	}
	free(idx);
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
		ui_msg(u, SEV_OK, _("Theme %s for this session (set `theme = %s` "
		    "in a profile, or --theme, to keep it)."), u->theme.name,
		    u->theme.name);
		close_view(u);
	} else if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == 'q')) || (k->fn && k->code == KEY_F(7))) {
		ui_set_theme(u, u->theme_before, true);
		close_view(u);
	}
}

void
screens_key(struct ui *u, const struct key *k)
{
	switch (u->view) {
	case V_HELP:
	case V_TLS:
	case V_DIALOGUE:
		pager_key(u, k);
		break;
	case V_PROFILES:
		profiles_key(u, k);
		break;
	case V_THEMES:
		themes_key(u, k);
		break;
	default:
		break;
	}
}

void
prompt_key(struct ui *u, const struct key *k)
{
	prompt_fn fn = u->prompt.done;
	int arg = u->prompt.arg, a = -1;
	const char *p;
	char *text;

	if (u->prompt.kind == P_KEYS) {
		if (k->fn && k->code == KEY_ENTER)
			a = '\r';
		else if (!k->fn && !(k->mods & MOD_ALT))
			a = k->code;
		if (a == 27 || a == CTRL('C') || a == CTRL('G')) {
			ui_prompt_close(u);
			if (fn != NULL)
				fn(u, 0, NULL, arg);
			return;
		}
		if (a == '\r' || a == '\n') {
			/* Enter means the answer shown in capitals, if any. */
			for (p = u->prompt.answers; *p; p++)
				if (isupper((unsigned char)*p))
					break;
			if (*p == '\0')
				return;
			a = tolower((unsigned char)*p);
		} else if (a > 0 && a < 128) {
			a = tolower(a);
			for (p = u->prompt.answers; *p; p++)
				if (tolower((unsigned char)*p) == a)
					break;
			if (*p == '\0')
				return;
		} else
			return;
		ui_prompt_close(u);
		if (fn != NULL)
			fn(u, a, NULL, arg);
		return;
	}
	if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == CTRL('G')))) {
		ui_prompt_close(u);
		if (fn != NULL)
			fn(u, 0, NULL, arg);
		return;
	}
	if ((!k->fn && (k->code == CTRL('M') || k->code == CTRL('J'))) ||
	    (k->fn && k->code == KEY_ENTER)) {
		text = tb_utf8(u->prompt.input);
		ui_prompt_close(u);
		if (fn != NULL)
			fn(u, '\n', text, arg);
		free(text);
		return;
	}
	text_edit_key(u->prompt.input, k);
}
