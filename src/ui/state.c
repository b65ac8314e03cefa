/* What every part of the composer does with its state; see state.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "store/history.h"
#include "mail/encode.h"
#include "ui/complete.h"
#include "ui/state.h"
#include "ui/term.h"

static const char *labels[F_COUNT] = {
	N_("Server"), N_("From"), N_("To"), N_("Cc"), N_("Bcc"),
	N_("Reply-To"), N_("Subject"), N_("Attach"),
};

const char *
field_label(int f)
{
	return f >= 0 && f < F_COUNT ? _(labels[f]) : _("Body");
}

unsigned long
ui_gen(const struct ui *u)
{
	unsigned long g = tb_generation(u->body) + u->meta_gen;
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

#define SIG_MAX	(64 * 1024)

/* The signature file's text: LF lines, without its own "-- " line and
 * the line ends at its end; NULL (said in the status pane) when it
 * cannot be read or is not UTF-8. */
static char *
sig_read(struct ui *u, const char *path)
{
	char *data, *r, *w;
	size_t len;
	struct err e;
	int rc;

	err_clear(&e);
	if ((rc = file_read(path, SIG_MAX, &data, &len, NULL, &e)) != 0) {
		ui_msg(u, SEV_ERROR, _("Signature: cannot read `%s`: %s"), path,
		    rc == 1 ? _("no such file") : e.msg);
		return NULL;
	}
	if (!enc_utf8_valid(data, len, NULL) || strlen(data) != len) {
		ui_msg(u, SEV_ERROR, _("Signature: `%s` is not UTF-8 text"), path);
		free(data);
		return NULL;
	}
	for (r = w = data; *r != '\0'; r++)
		if (*r != '\r')
			*w++ = *r;
		else if (r[1] != '\n')
			*w++ = '\n';
	*w = '\0';
	r = data;
	if (strncmp(r, "-- \n", 4) == 0)
		r += 4;
	len = strlen(r);
	while (len > 0 && (r[len - 1] == '\n' || r[len - 1] == ' '))
		len--;
	r = len > 0 ? xstrndup(r, len) : NULL;
	free(data);
	return r;
}

/* Code points in s[0..n): positions in a textbuf. */
static size_t
cps(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Where the signature block "-- \nTEXT" ends the body, or NULL. */
static const char *
sig_block(const char *body, const char *text)
{
	size_t bl = strlen(body), tl, k;
	const char *at;

	if (text == NULL)
		return NULL;
	tl = strlen(text);
	for (k = 0; k < 3 && bl > 0 && body[bl - 1] == '\n'; k++)
		bl--;
	if (bl < tl + 4)
		return NULL;
	at = body + bl - tl - 4;
	if (memcmp(at, "-- \n", 4) != 0 || memcmp(at + 4, text, tl) != 0 ||
	    (at > body && at[-1] != '\n'))
		return NULL;
	return at;
}

static bool
has_sig_line(const char *body)
{
	return strncmp(body, "-- \n", 4) == 0 || strstr(body, "\n-- \n") != NULL ||
	    strcmp(body, "-- ") == 0;
}

static void
place(struct ui *u, const char *old, bool always)
{
	char *body = tb_utf8(u->body);
	const char *at = sig_block(body, old);
	size_t cur = tb_cursor(u->body), keep;
	struct buf b;

	if (at == NULL && (u->sig_text == NULL || (!always && has_sig_line(body)))) {
		free(body);
		return;
	}
	buf_init(&b);
	if (at != NULL)
		buf_add(&b, body, (size_t)(at - body));
	else {
		buf_adds(&b, body);
		/* A blank line to write on, then the signature. */
		if (b.len == 0)
			buf_adds(&b, "\n");
		else if (b.data[b.len - 1] != '\n')
			buf_addc(&b, '\n');
		buf_addc(&b, '\n');
	}
	keep = cps(b.data != NULL ? b.data : "", b.len);
	if (u->sig_text != NULL)
		buf_addf(&b, "-- \n%s\n", u->sig_text);
	buf_cstr(&b);
	if (strcmp(b.data, body) != 0) {
		tb_set_utf8(u->body, b.data);
		tb_move(u->body, cur < keep ? cur : 0);
	}
	buf_free(&b);
	free(body);
}

void
ui_place_signature(struct ui *u, const char *old)
{
	place(u, old, false);
}

void
ui_add_signature(struct ui *u)
{
	place(u, u->sig_text, true);
}

bool
ui_body_blank(const struct ui *u)
{
	char *body = tb_utf8(u->body);
	const char *at = sig_block(body, u->sig_text);
	size_t n = at != NULL ? (size_t)(at - body) : strlen(body), i;
	bool blank = true;

	for (i = 0; i < n && blank; i++)
		blank = body[i] == ' ' || body[i] == '\n' || body[i] == '\t';
	free(body);
	return blank;
}

const char *
ui_query_cmd(const struct ui *u)
{
	const struct profile *d = profiles_defaults(u->ps);

	if (u->prof != NULL && u->prof->query_cmd != NULL)
		return u->prof->query_cmd;
	return d != NULL ? d->query_cmd : NULL;
}

bool
ui_edit_headers(const struct ui *u)
{
	const struct profile *d = profiles_defaults(u->ps);

	if (u->prof != NULL && u->prof->edit_headers != -1)
		return u->prof->edit_headers == 1;
	return d != NULL && d->edit_headers == 1;
}

void
ui_apply_profile(struct ui *u, const struct profile *p, bool fill)
{
	char *old;

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
		ui_set_field(u, F_REPLY_TO, p->reply_to, false);
	}
	free(u->signature);
	u->signature = xstrdup(p->signature);
	/* The signature is in the body, where it can be seen and changed
	 * for this message: the new profile's takes the old one's place. */
	old = u->sig_text;
	u->sig_text = p->signature != NULL ? sig_read(u, p->signature) : NULL;
	ui_place_signature(u, old);
	free(old);
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

int
ui_reload_profiles(struct ui *u, const char *use, struct err *e)
{
	struct profiles *ps;
	char *name = use != NULL ? xstrdup(use) : NULL;	/* may be in u->ps */

	if ((ps = profiles_load(NULL, e)) == NULL) {
		free(name);
		return -1;
	}
	if (u->prof != &u->demo_prof)
		u->prof = NULL;
	profiles_free(u->ps);
	u->ps = ps;
	if (name != NULL)
		u->prof = profiles_find(u->ps, name);
	free(name);
	ui_build_completer(u);
	return 0;
}
