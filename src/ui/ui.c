/* The composer's main loop: one poll() on the terminal, the worker's wake
 * pipe and a signal pipe; events drained into the status pane, keys
 * decoded (function keys, Alt, bracketed paste) and dispatched, one redraw
 * per batch. Also start-up (profiles, arguments, theme, draft restore),
 * autosave, and the paths that must leave the terminal usable. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "net/worker.h"
#include "store/draft.h"
#include "store/history.h"
#include "ui/args.h"
#include "ui/complete.h"
#include "ui/uistate.h"

#define AUTOSAVE_IDLE	1.2	/* seconds after the last change */
#define AUTOSAVE_MAX	8.0	/* at the latest, while typing goes on */
#define PROGRESS_EVERY	0.2	/* at most five progress redraws a second */

static struct ui *g_ui;			/* for the fatal-signal path only */
static volatile sig_atomic_t g_sig;
static volatile sig_atomic_t g_curses;
static int g_sigpipe[2] = { -1, -1 };

/* Bracketed paste collects here until ESC [ 201 ~. */
static bool pasting;
static wchar_t *pastebuf;
static size_t npaste, cappaste;

/* Keys ncurses reports with extended codes (Alt-Up is kUP3, ...). */
static struct {
	int code, key, mods;
} xkeys[24];
static size_t nxkeys;

static void
paste_mode(bool on)
{
	/* Terminals that do not know the sequence ignore it. */
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

static void
on_signal(int sig)
{
	int saved = errno;
	char c = 0;

	g_sig = sig;
	if (g_sigpipe[1] != -1 && write(g_sigpipe[1], &c, 1) == -1)
		c = 1;
	errno = saved;
}

static void
draft_from_ui(struct ui *u, struct draft *d)
{
	memset(d, 0, sizeof *d);
	d->server = tb_utf8(u->f[F_SERVER]);
	d->from = tb_utf8(u->f[F_FROM]);
	d->to = tb_utf8(u->f[F_TO]);
	d->cc = tb_utf8(u->f[F_CC]);
	d->bcc = tb_utf8(u->f[F_BCC]);
	d->subject = tb_utf8(u->f[F_SUBJECT]);
	d->attach = tb_utf8(u->f[F_ATTACH]);
	d->profile = xstrdup(ui_profile(u) ? ui_profile(u)->name : NULL);
	d->body = tb_utf8(u->body);
}

/* ncurses notes a resize in its own SIGWINCH handler; this one calls it
 * and also wakes poll(), which may be about to sleep with no timeout. */
static struct sigaction curses_winch;

static void
on_winch(int sig)
{
	int saved = errno;
	char c = 0;

	if (curses_winch.sa_handler != SIG_DFL &&
	    curses_winch.sa_handler != SIG_IGN &&
	    curses_winch.sa_handler != NULL)
		curses_winch.sa_handler(sig);
	if (g_sigpipe[1] != -1 && write(g_sigpipe[1], &c, 1) == -1)
		c = 1;
	errno = saved;
}

static void
winch_setup(bool on)
{
	struct sigaction sa;

	if (on) {
		memset(&sa, 0, sizeof sa);
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_winch;
		sigaction(SIGWINCH, &sa, &curses_winch);
	} else
		sigaction(SIGWINCH, &curses_winch, NULL);
}

/* Crashes: give the terminal back first, then try to keep the text.
 * Not async-signal-safe, and knowingly so: the process is dying anyway and
 * the draft is worth the attempt (htop's crash handler does the same). */
static void
on_fatal(int sig)
{
	static volatile sig_atomic_t once;
	struct draft d;
	struct err e;

	if (once++)
		_exit(128 + sig);
	if (g_curses) {
		paste_mode(false);
		endwin();
	}
	if (g_ui != NULL) {
		demo_kill_now(&g_ui->demo);
		if (ui_gen(g_ui) != g_ui->saved_gen) {
			if (g_ui->draft_path == NULL)
				g_ui->draft_path = draft_new_path();
			draft_from_ui(g_ui, &d);
			if (draft_save(g_ui->draft_path, &d, &e) == 0)
				fprintf(stderr, _("missive: crashed (signal %d); "
				    "your text is saved in %s\n"), sig,
				    g_ui->draft_path);
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
signals_setup(bool on)
{
	static const int term[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_signal : SIG_DFL;
	for (i = 0; i < sizeof term / sizeof term[0]; i++)
		sigaction(term[i], &sa, NULL);
	sa.sa_handler = on ? on_fatal : SIG_DFL;
	for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_handler = on ? SIG_IGN : SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
}

unsigned long
ui_gen(const struct ui *u)
{
	unsigned long g = tb_generation(u->body);
	int i;

	for (i = 0; i < F_COUNT; i++)
		g += tb_generation(u->f[i]);
	return g;
}

struct textbuf *
ui_focused(struct ui *u)
{
	return u->focus == FOCUS_BODY ? u->body : u->f[u->focus];
}

const struct profile *
ui_profile(const struct ui *u)
{
	return u->prof;
}

char *
ui_field(const struct ui *u, int f)
{
	char *s = tb_utf8(u->f[f]), *p = s, *r;
	size_t n;

	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	r = xstrndup(p, n);
	free(s);
	return r;
}

int
ui_policy(const struct ui *u, bool *fallback)
{
	char *server = ui_field(u, F_SERVER);
	struct smtp_job job;
	int mode;

	smtp_job_init(&job);
	if (*server == '\0') {
		/* No server yet: only a policy the profile names. */
		mode = u->prof != NULL ? u->prof->tls : -1;
		*fallback = u->prof != NULL && u->prof->fallback_plaintext == 1;
	} else if (profile_job(u->prof, server, -1, &job, NULL) == 0) {
		mode = (int)job.tls;
		*fallback = job.fallback_plaintext;
	} else {
		mode = -1;
		*fallback = false;
	}
	smtp_job_free(&job);
	free(server);
	return mode;
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
ui_msg(struct ui *u, enum sev sev, const char *fmt, ...)
{
	struct stline *l;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	status_trim(u);
	u->st = xrealloc(u->st, (u->nst + 1) * sizeof *u->st);
	l = &u->st[u->nst++];
	memset(l, 0, sizeof *l);
	l->t = -1;
	clock_now(l->clock, sizeof l->clock);
	l->sev = sev;
	l->text = s;
	u->st_scroll = 0;
	u->dirty = true;
}

static void
prompt_setv(struct ui *u, enum prompt_kind kind, const char *answers,
    prompt_fn done, int arg, const char *fmt, va_list ap)
{
	ui_prompt_close(u);
	u->prompt.kind = kind;
	u->prompt.text = xvasprintf(fmt, ap);
	u->prompt.answers = answers;
	u->prompt.done = done;
	u->prompt.arg = arg;
	u->dirty = true;
}

void
ui_prompt_keys(struct ui *u, const char *answers, prompt_fn done, int arg,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prompt_setv(u, P_KEYS, answers, done, arg, fmt, ap);
	va_end(ap);
}

void
ui_prompt_text(struct ui *u, const char *initial, prompt_fn done, int arg,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prompt_setv(u, P_TEXT, NULL, done, arg, fmt, ap);
	va_end(ap);
	u->prompt.input = tb_new(false);
	if (initial != NULL)
		tb_insert_utf8(u->prompt.input, initial, strlen(initial));
}

void
ui_prompt_close(struct ui *u)
{
	free(u->prompt.text);
	tb_free(u->prompt.input);
	memset(&u->prompt, 0, sizeof u->prompt);
	u->dirty = true;
}

void
ui_draft_save(struct ui *u, bool say)
{
	unsigned long g = ui_gen(u);
	struct draft d;
	struct err e;

	draft_from_ui(u, &d);
	err_clear(&e);
	if (*d.to == '\0' && *d.cc == '\0' && *d.bcc == '\0' &&
	    *d.subject == '\0' && *d.attach == '\0' && *d.body == '\0') {
		/* Nothing worth keeping: no empty draft to offer later. */
		(void)ui_draft_drop(u, &e);
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

int
ui_draft_drop(struct ui *u, struct err *e)
{
	if (u->draft_path == NULL)
		return 0;
	if (draft_remove(u->draft_path, e) == -1)
		return -1;
	ui_draft_release(u);
	return 0;
}

void
ui_draft_release(struct ui *u)
{
	draft_unlock(u->draft_lock);
	u->draft_lock = NULL;
	free(u->draft_path);
	u->draft_path = NULL;
}

void
ui_set_theme(struct ui *u, const char *name, bool report)
{
	struct theme t;
	struct err e;

	err_clear(&e);
	if (theme_load(name, &t, &e) != 0 && report)
		ui_msg(u, SEV_ERROR, _("Theme: %s; using the default theme"),
		    e.msg);
	theme_free(&u->theme);
	u->theme = t;
	if (g_curses)
		theme_apply(&u->theme, u->nocolor);
	u->dirty = true;
}

static void
set_field(struct ui *u, int f, const char *v)
{
	char *old = tb_utf8(u->f[f]);

	if (strcmp(old, v ? v : "") != 0)
		tb_set_utf8(u->f[f], v ? v : "");
	free(old);
}

/* Text from outside the composer (a draft, the command line): ^Z never
 * goes below it. */
static void
undo_forget_all(struct ui *u)
{
	int f;

	for (f = 0; f < F_COUNT; f++)
		tb_undo_forget(u->f[f]);
	tb_undo_forget(u->body);
}

void
ui_apply_profile(struct ui *u, const struct profile *p, bool fill)
{
	u->prof = p;
	if (p == NULL)
		return;
	if (fill) {
		if (p->server != NULL)
			set_field(u, F_SERVER, p->server);
		if (p->from != NULL)
			set_field(u, F_FROM, p->from);
		set_field(u, F_CC, p->cc);
		set_field(u, F_BCC, p->bcc);
	}
	free(u->signature);
	u->signature = xstrdup(p->signature);
	/* At start ui_run picks the theme; later a profile may change it. */
	if (g_curses && u->opts->theme == NULL && p->theme != NULL)
		ui_set_theme(u, p->theme, true);
	u->dirty = true;
}

void
ui_build_completer(struct ui *u)
{
	size_t i;

	completer_free(u->comp);
	u->comp = completer_new();
	for (i = 0; i < history_count(u->hist); i++)
		completer_add(u->comp, history_get(u->hist, i));
	for (i = 0; u->ps != NULL && i < profiles_count(u->ps); i++) {
		const struct profile *p = profiles_get(u->ps, i);

		completer_add_list(u->comp, p->from);
		completer_add_list(u->comp, p->cc);
		completer_add_list(u->comp, p->bcc);
	}
	if (u->demo_on) {
		completer_add(u->comp, "Friend <friend@demo.missive.test>");
		completer_add(u->comp, "You <you@demo.missive.test>");
	}
}

static void
quit_answer(struct ui *u, int a, const char *text, int arg)
{
	struct err e;

	(void)text;
	(void)arg;
	if (a == 'y') {
		if (ui_gen(u) != u->saved_gen)
			ui_draft_save(u, false);
		u->quit = true;
	} else if (a == 'd') {
		(void)ui_draft_drop(u, &e);
		u->saved_gen = ui_gen(u);
		u->quit = true;
	} else if (a == 'c') {
		job_cancel(u);
		if (ui_gen(u) != u->saved_gen)
			ui_draft_save(u, false);
		u->quit = true;
	}
}

void
ui_quit_request(struct ui *u)
{
	unsigned long g = ui_gen(u);

	if (job_running(u)) {
		/* TRANSLATORS: the letters in brackets are the keys that answer;
		 * keep them as they are. */
		ui_prompt_keys(u, "nc", quit_answer, 0, _("A send is running. "
		    "[c] cancel it and quit, [n] stay"));
		return;
	}
	if (g != u->saved_gen)
		ui_draft_save(u, false);
	if (u->draft_path != NULL && !(u->sent_ok && g == u->sent_gen))
		/* TRANSLATORS: the letters in brackets are the keys that answer;
		 * keep them as they are. */
		ui_prompt_keys(u, "ynd", quit_answer, 0, _("Quit? [y] quit, [n] "
		    "stay, [d] discard the draft and quit. Your text is saved as "
		    "a draft (%s)."), u->draft_path);
	else
		/* TRANSLATORS: the letters in brackets are the keys that answer;
		 * keep them as they are. */
		ui_prompt_keys(u, "yn", quit_answer, 0, _("Quit missive? [y/n]"));
}

void
ui_suspend(struct ui *u)
{
	struct sigaction sa;

	(void)u;
	paste_mode(false);
	def_prog_mode();
	endwin();
	/* ^C at the terminal is for the child now, not for us. */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

void
ui_resume(struct ui *u)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	paste_mode(true);
	u->dirty = true;
}

/* The draft offer at start. */
static void
restore_answer(struct ui *u, int a, const char *text, int arg)
{
	struct draft d;
	struct err e;

	(void)text;
	(void)arg;
	if (a != 'y') {
		ui_msg(u, SEV_INFO, _("The draft stays in %s."), u->draft_path);
		ui_draft_release(u);
		return;
	}
	err_clear(&e);
	if (draft_load(u->draft_path, &d, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Could not restore the draft: %s"), e.msg);
		ui_draft_release(u);
		return;
	}
	if (d.profile != NULL && u->ps != NULL &&
	    profiles_find(u->ps, d.profile) != NULL)
		ui_apply_profile(u, profiles_find(u->ps, d.profile), false);
	set_field(u, F_SERVER, d.server);
	set_field(u, F_FROM, d.from);
	set_field(u, F_TO, d.to);
	set_field(u, F_CC, d.cc);
	set_field(u, F_BCC, d.bcc);
	set_field(u, F_SUBJECT, d.subject);
	set_field(u, F_ATTACH, d.attach);
	tb_set_utf8(u->body, d.body);
	undo_forget_all(u);
	draft_free(&d);
	u->focus = FOCUS_BODY;
	u->saved_gen = ui_gen(u);
	ui_msg(u, SEV_OK, _("Draft restored from %s; it is kept until the "
	    "message is sent."), u->draft_path);
}

static void
offer_draft(struct ui *u)
{
	char *dir = draft_dir(), *path = NULL, when[64];
	time_t mt;
	struct tm tm;

	if (draft_claim_latest(dir, &path, &mt, &u->draft_lock) == 1) {
		localtime_r(&mt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		u->draft_path = path;
		/* TRANSLATORS: the letters in brackets are the keys that answer;
		 * keep them as they are. */
		ui_prompt_keys(u, "Yn", restore_answer, 0, _("A draft from %s "
		    "was found. Restore? [Y/n]"), when);
	}
	free(dir);
}

/* ---- input decoding ---- */

struct rawin {
	int type;	/* OK or KEY_CODE_YES */
	wint_t c;
};

static void
xkeys_init(void)
{
	static const struct {
		const char *cap;
		int key, mods;
	} caps[] = {
		{ "kUP3", KEY_UP, MOD_ALT }, { "kDN3", KEY_DOWN, MOD_ALT },
		{ "kLFT3", KEY_LEFT, MOD_ALT }, { "kRIT3", KEY_RIGHT, MOD_ALT },
		{ "kUP5", KEY_UP, MOD_CTRL }, { "kDN5", KEY_DOWN, MOD_CTRL },
		{ "kLFT5", KEY_LEFT, MOD_CTRL }, { "kRIT5", KEY_RIGHT, MOD_CTRL },
		{ "kHOM5", KEY_HOME, MOD_CTRL }, { "kEND5", KEY_END, MOD_CTRL },
		{ "kHOM3", KEY_HOME, MOD_ALT }, { "kEND3", KEY_END, MOD_ALT },
		{ "kPRV3", KEY_PPAGE, MOD_ALT }, { "kNXT3", KEY_NPAGE, MOD_ALT },
		{ "kDC5", KEY_DC, MOD_CTRL }, { "kDC3", KEY_DC, MOD_ALT },
	};
	size_t i;

	nxkeys = 0;
	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		char *s = tigetstr(caps[i].cap);
		int k;

		if (s == NULL || s == (char *)-1)
			continue;
		if ((k = key_defined(s)) > 0) {
			xkeys[nxkeys].code = k;
			xkeys[nxkeys].key = caps[i].key;
			xkeys[nxkeys].mods = caps[i].mods;
			nxkeys++;
		}
	}
}

static void
paste_add(wchar_t c)
{
	if (npaste == cappaste) {
		cappaste = cappaste ? cappaste * 2 : 4096;
		pastebuf = xrealloc(pastebuf, cappaste * sizeof *pastebuf);
	}
	pastebuf[npaste++] = c;
}

static void
paste_end(struct ui *u)
{
	pasting = false;
	if (npaste == 0)
		return;
	if (u->prompt.kind == P_TEXT)
		tb_insert(u->prompt.input, pastebuf, npaste);
	else if (u->prompt.kind == P_NONE && u->view == V_COMPOSE) {
		struct textbuf *tb = ui_focused(u);

		compose_flush_typed(u);
		tb_move(tb, tb_cursor(tb));	/* a paste is its own undo step */
		tb_insert(tb, pastebuf, npaste);
		tb_move(tb, tb_cursor(tb));
		u->goal = -1;
	} else if (u->prompt.kind == P_NONE && u->view == V_PROFILES)
		tb_insert(u->filter, pastebuf, npaste);
	npaste = 0;
	u->dirty = true;
}

static bool
seq_at(const struct rawin *v, size_t n, size_t i, const char *s)
{
	for (; *s; s++, i++)
		if (i >= n || v[i].type != OK || v[i].c != (wint_t)(unsigned char)*s)
			return false;
	return true;
}

/* Parses ESC [ ... or ESC O ... at v[i]; returns the entries used (0: not
 * a sequence) and fills k (code 0: a sequence to ignore). */
static size_t
parse_csi(const struct rawin *v, size_t n, size_t i, struct key *k,
    bool *paste_start)
{
	int p[4] = { 0, 0, 0, 0 }, np = 0, mods = 0;
	bool ss3 = v[i + 1].c == 'O';
	size_t j = i + 2;
	wint_t fin;

	memset(k, 0, sizeof *k);
	k->fn = true;
	*paste_start = false;
	for (; j < n && j < i + 16; j++) {
		wint_t c = v[j].c;

		if (v[j].type != OK)
			return 0;
		if (c >= '0' && c <= '9') {
			if (np == 0)
				np = 1;
			if (np <= 4)
				p[np - 1] = p[np - 1] * 10 + (int)(c - '0');
			continue;
		}
		if (c == ';') {
			np++;
			continue;
		}
		if (c >= 0x40 && c <= 0x7e)
			break;
		return 0;
	}
	if (j >= n || j >= i + 16)
		return 0;
	fin = v[j].c;
	if (np >= 2 && p[1] > 1) {
		int m = p[1] - 1;

		mods = (m & 1 ? MOD_SHIFT : 0) | (m & 2 ? MOD_ALT : 0) |
		    (m & 4 ? MOD_CTRL : 0);
	}
	k->mods = mods;
	switch (fin) {
	case 'A': k->code = KEY_UP; break;
	case 'B': k->code = KEY_DOWN; break;
	case 'C': k->code = KEY_RIGHT; break;
	case 'D': k->code = KEY_LEFT; break;
	case 'H': k->code = KEY_HOME; break;
	case 'F': k->code = KEY_END; break;
	case 'Z': k->code = KEY_BTAB; break;
	case 'P': case 'Q': case 'R': case 'S':
		k->code = KEY_F(1 + (int)(fin - 'P'));
		if (!ss3 && np == 0)
			k->code = 0;
		break;
	case '~':
		switch (p[0]) {
		case 1: case 7: k->code = KEY_HOME; break;
		case 4: case 8: k->code = KEY_END; break;
		case 2: k->code = KEY_IC; break;
		case 3: k->code = KEY_DC; break;
		case 5: k->code = KEY_PPAGE; break;
		case 6: k->code = KEY_NPAGE; break;
		case 11: case 12: case 13: case 14: case 15:
			k->code = KEY_F(p[0] - 10);
			break;
		case 17: case 18: case 19: case 20: case 21:
			k->code = KEY_F(p[0] - 11);
			break;
		case 23: case 24:
			k->code = KEY_F(p[0] - 12);
			break;
		case 200:
			*paste_start = true;
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return j - i + 1;
}

static void
dispatch(struct ui *u, const struct key *k)
{
	if (k->fn && k->code == KEY_RESIZE) {
		u->dirty = true;
		return;
	}
	if (k->fn && k->code == 0)
		return;
	u->dirty = true;
	if (u->prompt.kind != P_NONE) {
		compose_flush_typed(u);
		prompt_key(u, k);
		return;
	}
	if (u->view == V_COMPOSE)
		compose_key(u, k);
	else {
		compose_flush_typed(u);
		screens_key(u, k);
	}
}

static void
process_input(struct ui *u, const struct rawin *v, size_t n)
{
	size_t i = 0, j;
	struct key k;
	bool ps;

	while (i < n) {
		if (pasting) {
			if (seq_at(v, n, i, "\033[201~")) {
				i += 6;
				paste_end(u);
				continue;
			}
			if (v[i].type == OK)
				paste_add((wchar_t)v[i].c);
			else if (v[i].c == KEY_ENTER)
				paste_add(L'\n');
			i++;
			continue;
		}
		memset(&k, 0, sizeof k);
		if (v[i].type == KEY_CODE_YES) {
			k.fn = true;
			k.code = (int)v[i].c;
			for (j = 0; j < nxkeys; j++)
				if (xkeys[j].code == k.code) {
					k.code = xkeys[j].key;
					k.mods = xkeys[j].mods;
				}
			i++;
			dispatch(u, &k);
			continue;
		}
		if (v[i].c == 27 && i + 1 < n) {
			size_t used = 0;

			if (v[i + 1].type == OK && (v[i + 1].c == '[' ||
			    v[i + 1].c == 'O'))
				used = parse_csi(v, n, i, &k, &ps);
			if (used > 0) {
				i += used;
				if (ps) {
					compose_flush_typed(u);
					pasting = true;
					npaste = 0;
				} else
					dispatch(u, &k);
				continue;
			}
			/* ESC and a key in one read: Alt held (or Esc typed
			 * as a prefix, which means the same). ESC before a
			 * control character is two keys: Esc, then it. */
			if (v[i + 1].type == OK && (v[i + 1].c < 0x20 ||
			    v[i + 1].c == 0x7f) && v[i + 1].c != 27 &&
			    v[i + 1].c != 0x7f && v[i + 1].c != 8) {
				k.code = 27;
				i++;
				dispatch(u, &k);
				continue;
			}
			k.fn = v[i + 1].type == KEY_CODE_YES;
			k.code = (int)v[i + 1].c;
			k.mods = MOD_ALT;
			i += 2;
			dispatch(u, &k);
			continue;
		}
		k.code = (int)v[i].c;
		i++;
		dispatch(u, &k);
	}
	compose_flush_typed(u);
}

/* Reads everything the terminal has queued, so that a large paste is
 * inserted at once and drawn once. */
static void
read_input(struct ui *u)
{
	static struct rawin *v;
	static size_t cap;
	size_t n = 0;
	wint_t c;
	int r;

	while ((r = get_wch(&c)) != ERR) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n].type = r;
		v[n].c = c;
		n++;
	}
	if (n > 0)
		process_input(u, v, n);
}

static void
redraw(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	erase();
	if (u->rows < 3 || u->cols < 10) {
		/* Nothing useful fits: keep every byte and wait. */
		draw_str(0, 0, u->cols, _("missive: enlarge the terminal"),
		    A_BOLD);
		move(0, 0);
	} else if (u->view == V_COMPOSE || u->view == V_THEMES) {
		compose_draw(u);
		if (u->view == V_THEMES)
			screens_draw(u);
	} else
		screens_draw(u);
	refresh();
	u->prog_drawn = time_now();
	u->prog_pending = false;
	u->dirty = false;
}

/* Seconds until the loop must wake by itself, or -1 to sleep. */
static int
wake_in(struct ui *u, double now)
{
	double t = -1, d;

	if (ui_gen(u) != u->saved_gen) {
		d = AUTOSAVE_IDLE - (now - u->last_change);
		t = d;
	}
	if (u->prog_pending) {
		d = PROGRESS_EVERY - (now - u->prog_drawn);
		if (t < 0 || d < t)
			t = d;
	}
	if (job_running(u) && (t < 0 || t > 0.25))
		t = 0.25;	/* the elapsed time in the title */
	if (t < 0)
		return -1;
	if (t < 0.01)
		t = 0.01;
	return (int)(t * 1000) + 1;
}

static void
autosave_tick(struct ui *u, double now)
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
		ui_draft_save(u, false);
}

static void
handle_signal(struct ui *u)
{
	int sig = g_sig;

	g_sig = 0;
	if (sig == 0)
		return;
	/* SIGTERM, SIGHUP, SIGINT, SIGQUIT: keep the text, then go. */
	if (ui_gen(u) != u->saved_gen)
		ui_draft_save(u, false);
	job_cancel(u);
	u->quit = true;
	u->exit_status = 128 + sig;
}

static void
loop(struct ui *u)
{
	struct pollfd p[3];
	char junk[64];

	u->dirty = true;
	while (!u->quit) {
		double now = time_now();
		int np = 0, timeout;

		if (g_sig)
			handle_signal(u);
		if (u->quit)
			break;
		if (u->prog_pending && now - u->prog_drawn >= PROGRESS_EVERY)
			u->dirty = true;
		if (u->dirty)
			redraw(u);
		timeout = wake_in(u, now);
		p[np].fd = 0;
		p[np++].events = POLLIN;
		p[np].fd = g_sigpipe[0];
		p[np++].events = POLLIN;
		if (u->w != NULL) {
			p[np].fd = worker_fd(u->w);
			p[np++].events = POLLIN;
		}
		if (poll(p, (nfds_t)np, timeout) == -1 && errno != EINTR) {
			ui_msg(u, SEV_ERROR, "poll: %s", strerror(errno));
			usleep(100000);
		}
		if (p[1].revents & POLLIN)
			while (read(g_sigpipe[0], junk, sizeof junk) > 0)
				;
		if (u->w != NULL)
			job_drain(u);
		/* Always try: a SIGWINCH turns into KEY_RESIZE here. */
		read_input(u);
		if (job_running(u))
			u->dirty = u->dirty || time_now() - u->prog_drawn >= 0.25;
		autosave_tick(u, time_now());
		if ((p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN)) {
			/* The terminal is gone: keep the text and stop. */
			if (ui_gen(u) != u->saved_gen)
				ui_draft_save(u, false);
			u->quit = true;
			u->exit_status = 1;
		}
	}
}

static void
demo_profile(struct ui *u)
{
	struct profile *p = &u->demo_prof;

	profile_init(p);
	p->name = xstrdup("demo");
	p->server = xasprintf("127.0.0.1:%d", u->demo.port);
	p->tls = TLS_STARTTLS;
	p->fallback_plaintext = 0;
	p->ca_file = xstrdup(u->demo.ca_file);
	p->from = xstrdup("You <you@demo.missive.test>");
	u->prof = p;
}

static char *
join_attach(const char *const *a)
{
	struct buf b;

	buf_init(&b);
	for (; a != NULL && *a != NULL; a++) {
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, *a);
	}
	buf_cstr(&b);
	return b.data;
}

/* Profiles, arguments and the demo, before the terminal is taken over:
 * a usage error is still printed as plain text. */
static int
prepare(struct ui *u, const struct ui_opts *o, char **note)
{
	struct prefill pf;
	struct err e;
	char *s;
	int i;
	const char *const *a;

	*note = NULL;
	for (i = 0; i < F_COUNT; i++)
		u->f[i] = tb_new(false);
	u->body = tb_new(true);
	u->filter = tb_new(false);
	tb_layout_init(&u->lay);
	lines_init(&u->dialogue);
	u->goal = -1;
	u->prog_line = -1;
	err_clear(&e);
	if ((u->ps = profiles_load(NULL, &e)) == NULL)
		*note = xasprintf(_("Profiles not loaded: %s"), e.msg);
	if (o->demo) {
		err_clear(&e);
		if (demo_start(&u->demo, &e) == -1) {
			fprintf(stderr, _("missive: cannot start the demo: %s\n"),
			    e.msg);
			return 1;
		}
		u->demo_on = true;
		demo_profile(u);
		ui_apply_profile(u, u->prof, true);
		set_field(u, F_TO, "friend@demo.missive.test");
		set_field(u, F_SUBJECT, "Hello from missive");
	} else if (o->profile != NULL) {
		const struct profile *p = u->ps ? profiles_find(u->ps, o->profile) :
		    NULL;

		if (p == NULL) {
			fprintf(stderr, _("missive: no profile named `%s` (missive "
			    "profiles lists them)\n"), o->profile);
			return 2;
		}
		ui_apply_profile(u, p, true);
	} else if (u->ps != NULL && profiles_default(u->ps) != NULL)
		ui_apply_profile(u, profiles_default(u->ps), true);
	memset(&pf, 0, sizeof pf);
	for (a = o->args; a != NULL && *a != NULL; a++) {
		err_clear(&e);
		if (prefill_add(&pf, *a, &e) == -1) {
			fprintf(stderr, "missive: %s\n", e.msg);
			prefill_free(&pf);
			return 2;
		}
	}
	if (pf.to != NULL)
		set_field(u, F_TO, pf.to);
	if (pf.cc != NULL) {
		char *cc = ui_field(u, F_CC);

		s = *cc ? xasprintf("%s, %s", cc, pf.cc) : xstrdup(pf.cc);
		set_field(u, F_CC, s);
		free(s);
		free(cc);
	}
	if (pf.bcc != NULL)
		set_field(u, F_BCC, pf.bcc);
	if (pf.subject != NULL)
		set_field(u, F_SUBJECT, pf.subject);
	if (pf.body != NULL)
		tb_set_utf8(u->body, pf.body);
	prefill_free(&pf);
	if (o->subject != NULL)
		set_field(u, F_SUBJECT, o->subject);
	if (o->attach != NULL && o->attach[0] != NULL) {
		s = join_attach(o->attach);
		set_field(u, F_ATTACH, s);
		free(s);
	}
	tb_start(u->body);
	undo_forget_all(u);
	/* Where the cursor starts: the first thing still missing. */
	if (!tb_empty(u->f[F_TO]) && !tb_empty(u->f[F_SUBJECT]))
		u->focus = FOCUS_BODY;
	else if (tb_empty(u->f[F_SERVER]))
		u->focus = F_SERVER;
	else if (tb_empty(u->f[F_FROM]))
		u->focus = F_FROM;
	else if (tb_empty(u->f[F_TO]))
		u->focus = F_TO;
	else
		u->focus = F_SUBJECT;
	err_clear(&e);
	u->hist = history_load(NULL, &e);
	ui_build_completer(u);
	u->start_gen = u->saved_gen = u->change_gen = ui_gen(u);
	return 0;
}

static void
cleanup(struct ui *u)
{
	size_t i;
	int f;

	if (u->w != NULL)
		worker_free(u->w);
	if (u->demo_on)
		demo_stop(&u->demo);
	profile_clear(&u->demo_prof);
	for (f = 0; f < F_COUNT; f++)
		tb_free(u->f[f]);
	tb_free(u->body);
	tb_free(u->filter);
	tb_layout_free(&u->lay);
	for (i = 0; i < u->nst; i++)
		free(u->st[i].text);
	free(u->st);
	lines_clear(&u->dialogue);
	result_free(u->last);
	tls_info_free(u->live_tls);
	profiles_free(u->ps);
	completer_free(u->comp);
	history_free(u->hist);
	theme_free(&u->theme);
	theme_list_free(u->themes, u->nthemes);
	free(u->theme_before);
	free(u->signature);
	draft_unlock(u->draft_lock);
	free(u->draft_path);
	free(u->last_draft_err);
	free(u->cancel_note);
	free(u->job_rcpts);
	free(u->cs.m);
	free(u->typed);
	ui_prompt_close(u);
}

int
ui_run(const struct ui_opts *o)
{
	struct ui u;
	SCREEN *scr;
	const char *nc = getenv("NO_COLOR");
	char *note = NULL, *kept = NULL;
	int rc;

	memset(&u, 0, sizeof u);
	u.opts = o;
	setlocale(LC_ALL, "");
	u.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	u.nocolor = nc != NULL && *nc != '\0';
	u.demo.fd = -1;
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, _("missive: the composer needs a terminal; use "
		    "`missive send` in scripts\n"));
		return 2;
	}
	if ((rc = prepare(&u, o, &note)) != 0) {
		cleanup(&u);
		free(note);
		return rc;
	}
	if (pipe2(g_sigpipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		fprintf(stderr, "missive: pipe: %s\n", strerror(errno));
		cleanup(&u);
		free(note);
		return 1;
	}
	g_ui = &u;
	signals_setup(true);
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		signals_setup(false);
		fprintf(stderr, _("missive: cannot drive this terminal (TERM=%s)\n"),
		    getenv("TERM") ? getenv("TERM") : "");
		cleanup(&u);
		free(note);
		return 2;
	}
	g_curses = 1;
	winch_setup(true);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	meta(stdscr, TRUE);
	set_escdelay(25);
	mousemask(0, NULL);
	curs_set(1);
	xkeys_init();
	paste_mode(true);
	getmaxyx(stdscr, u.rows, u.cols);

	/* The welcome, then anything that went wrong while starting. */
	if (u.demo_on)
		ui_msg(&u, SEV_INFO, _("Demo: mail goes to a local sink on "
		    "127.0.0.1:%d and is stored in %s. ^X sends, ^G lists every "
		    "key."), u.demo.port, u.demo.maildir);
	else
		ui_msg(&u, SEV_INFO, _("Ready. ^X sends, ^G lists every key, "
		    "^C quits; your text is saved as a draft as you type."));
	if (note != NULL)
		ui_msg(&u, SEV_ERROR, "%s", note);
	free(note);
	ui_set_theme(&u, o->theme ? o->theme : (u.prof && u.prof->theme ?
	    u.prof->theme : "default"), true);
	offer_draft(&u);
	loop(&u);

	paste_mode(false);
	winch_setup(false);
	endwin();
	delscreen(scr);
	g_curses = 0;
	signals_setup(false);
	g_ui = NULL;
	if (u.draft_path != NULL && ui_gen(&u) == u.saved_gen &&
	    access(u.draft_path, F_OK) == 0)
		kept = xstrdup(u.draft_path);
	rc = u.exit_status;
	cleanup(&u);
	close(g_sigpipe[0]);
	close(g_sigpipe[1]);
	g_sigpipe[0] = g_sigpipe[1] = -1;
	if (kept != NULL)
		fprintf(stderr, _("missive: your draft is kept in %s\n"), kept);
	free(kept);
	return rc;
}
