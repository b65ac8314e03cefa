/* What every part of the composer does with its state; see state.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "store/history.h"
#include "ui/complete.h"
#include "ui/state.h"
#include "ui/term.h"

static const char *labels[F_COUNT] = {
	N_("Server"), N_("From"), N_("To"), N_("Cc"), N_("Bcc"),
	N_("Subject"), N_("Attach"),
};

const char *
field_label(int f)
{
	return f >= 0 && f < F_COUNT ? _(labels[f]) : _("Body");
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

void
ui_msg(struct ui *u, enum sev sev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	pane_add(&u->pane, -1, sev, s);
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
	if (initial != NULL && *initial != '\0') {
		tb_load_utf8(u->prompt.input, initial);
		/* A suggestion: typing replaces it, editing keys keep it. */
		u->prompt.suggested = true;
	}
}

void
ui_prompt_secret(struct ui *u, prompt_fn done, int arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prompt_setv(u, P_TEXT, NULL, done, arg, fmt, ap);
	va_end(ap);
	u->prompt.input = tb_new(false);
	u->prompt.secret = true;
}

void
ui_prompt_close(struct ui *u)
{
	free(u->prompt.text);
	if (u->prompt.secret)
		tb_wipe_free(u->prompt.input);
	else
		tb_free(u->prompt.input);
	memset(&u->prompt, 0, sizeof u->prompt);
	u->dirty = true;
}

void
ui_open(struct ui *u, enum view v)
{
	u->view = v;
	u->mode = u->views[v];
	if (u->mode->open != NULL)
		u->mode->open(u);
	u->dirty = true;
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
	if (term_active())
		theme_apply(&u->theme, u->nocolor);
	u->dirty = true;
}

void
ui_set_field(struct ui *u, int f, const char *v, bool fresh)
{
	struct textbuf *tb = f == FOCUS_BODY ? u->body : u->f[f];
	char *old = tb_utf8(tb);

	if (fresh)
		tb_load_utf8(tb, v ? v : "");
	else if (strcmp(old, v ? v : "") != 0)
		tb_set_utf8(tb, v ? v : "");
	free(old);
}

void
ui_apply_profile(struct ui *u, const struct profile *p, bool fill)
{
	u->prof = p;
	if (p == NULL)
		return;
	if (fill) {
		if (p->server != NULL)
			ui_set_field(u, F_SERVER, p->server, false);
		if (p->from != NULL)
			ui_set_field(u, F_FROM, p->from, false);
		ui_set_field(u, F_CC, p->cc, false);
		ui_set_field(u, F_BCC, p->bcc, false);
	}
	free(u->signature);
	u->signature = xstrdup(p->signature);
	/* At start ui_run picks the theme; later a profile may change it. */
	if (term_active() && u->opts->theme == NULL && p->theme != NULL)
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
