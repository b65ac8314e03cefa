/* The composer's start and end: profiles, the command line's addresses
 * and mailto: URLs, the demo sink and its profile, filled into the fields
 * before the terminal is taken over (so a usage error is still plain
 * text); and everything freed at the end. UI thread. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/respond.h"
#include "app/record.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/answer.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "net/worker.h"
#include "store/draft.h"
#include "store/history.h"
#include "store/receipts.h"
#include "ui/args.h"
#include "ui/attach.h"
#include "ui/complete.h"
#include "ui/start.h"
#include "ui/state.h"
#include "ui/suggest.h"

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
		char *q = attach_quote(*a);	/* a comma in a name is quoted */

		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, q);
		free(q);
	}
	buf_cstr(&b);
	return b.data;
}

int
start_read_answer(struct ui *u, const struct ui_opts *o)
{
	struct err e;
	int fd;

	err_clear(&e);
	if (respond_read(o->answer, &u->answer_data, &u->answer_len, &e) == -1) {
		fprintf(stderr, "missive: %s\n", e.msg);
		return 2;
	}
	if (strcmp(o->answer, "-") != 0 || o->dry_run)
		return 0;
	/* The message came down the pipe (mutt's pipe-message, aerc,
	 * notmuch): the terminal is the controlling one. */
	if ((fd = open("/dev/tty", O_RDWR)) == -1) {
		fprintf(stderr, _("missive: the message was read from standard "
		    "input, and there is no terminal to compose in: /dev/tty: "
		    "%s\n"), strerror(errno));
		return 2;
	}
	if (dup2(fd, STDIN_FILENO) == -1 || (!isatty(STDOUT_FILENO) &&
	    dup2(fd, STDOUT_FILENO) == -1)) {
		fprintf(stderr, "missive: /dev/tty: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	if (fd > STDOUT_FILENO)
		close(fd);
	return 0;
}

/* Code points in s: a position in a textbuf. */
static size_t
cp_len(const char *s)
{
	size_t c = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			c++;
	return c;
}

/* Appends list to field f (a profile's Cc stays). */
static void
field_append(struct ui *u, int f, const char *list)
{
	char *cur = ui_field(u, f), *s;

	s = *cur ? xasprintf("%s, %s", cur, list) : xstrdup(list);
	ui_set_field(u, f, s, true);
	free(s);
	free(cur);
}

/* The reply or forward built from the message read; -1 after saying
 * why on stderr. *r is filled, its profile not applied yet. */
static int
answer_build(struct ui *u, const struct ui_opts *o, struct respond *r)
{
	struct err e;
	int rc;

	err_clear(&e);
	if (o->forward)
		rc = respond_forward(u->answer_data, u->answer_len, o->inline_text,
		    u->ps, r, &e);
	else
		rc = respond_reply(u->answer_data, u->answer_len, o->all, u->ps, r,
		    &e);
	if (rc == -1)
		fprintf(stderr, "missive: %s: %s\n", strcmp(o->answer, "-") == 0 ?
		    _("standard input") : o->answer, e.msg);
	return rc;
}

/* Profiles, arguments and the demo, before the terminal is taken over:
 * a usage error is still printed as plain text. */
int
start_prepare(struct ui *u, const struct ui_opts *o, char **note)
{
	struct prefill pf;
	struct respond r;
	struct err e;
	char *s;
	int i;
	const char *const *a;
	size_t cursor = 0;

	*note = NULL;
	for (i = 0; i < F_COUNT; i++)
		u->f[i] = tb_new(false);
	u->body = tb_new(true);
	u->filter = tb_new(false);
	tb_layout_init(&u->lay);
	lines_init(&u->dialogue);
	pane_init(&u->pane);
	u->goal = -1;
	err_clear(&e);
	if ((u->ps = profiles_load(NULL, &e)) == NULL)
		*note = xasprintf(_("Profiles not loaded: %s"), e.msg);
	memset(&r, 0, sizeof r);
	if (o->answer != NULL && answer_build(u, o, &r) == -1)
		return 2;
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
		ui_set_field(u, F_TO, "friend@demo.missive.test", true);
		ui_set_field(u, F_SUBJECT, "Hello from missive", true);
	} else if (o->profile != NULL) {
		const struct profile *p = u->ps ? profiles_find(u->ps, o->profile) :
		    NULL;

		if (p == NULL) {
			fprintf(stderr, _("missive: no profile named `%s` (missive "
			    "profiles lists them)\n"), o->profile);
			return 2;
		}
		ui_apply_profile(u, p, true);
	} else if (r.prof != NULL)
		/* The profile of the address the message was sent to. */
		ui_apply_profile(u, r.prof, true);
	else if (u->ps != NULL && profiles_default(u->ps) != NULL)
		ui_apply_profile(u, profiles_default(u->ps), true);
	if (o->answer != NULL) {
		if (r.to != NULL && *r.to != '\0')
			ui_set_field(u, F_TO, r.to, true);
		if (r.cc != NULL)
			field_append(u, F_CC, r.cc);
		ui_set_field(u, F_SUBJECT, r.subject, true);
		if (r.attach != NULL) {
			char *q = attach_quote(r.attach);

			ui_set_field(u, F_ATTACH, q, true);
			free(q);
			u->fwd_copy = xstrdup(r.attach);
		}
		u->in_reply_to = r.in_reply_to;
		u->references = r.references;
		r.in_reply_to = r.references = NULL;
		if (o->forward && o->inline_text) {
			/* A line to write on above the forwarded text. */
			s = xasprintf("\n\n%s", r.body);
			ui_set_field(u, FOCUS_BODY, s, true);
			free(s);
		} else if (!o->forward) {
			/* The answer goes below the quote, a blank line around
			 * it. */
			s = xasprintf("%s\n", r.body);
			ui_set_field(u, FOCUS_BODY, s, true);
			cursor = cp_len(r.body);
			free(s);
		}
	}
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
		ui_set_field(u, F_TO, pf.to, true);
	if (pf.cc != NULL) {
		char *cc = ui_field(u, F_CC);

		s = *cc ? xasprintf("%s, %s", cc, pf.cc) : xstrdup(pf.cc);
		ui_set_field(u, F_CC, s, true);
		free(s);
		free(cc);
	}
	if (pf.bcc != NULL)
		ui_set_field(u, F_BCC, pf.bcc, true);
	if (pf.subject != NULL)
		ui_set_field(u, F_SUBJECT, pf.subject, true);
	if (pf.body != NULL)
		ui_set_field(u, FOCUS_BODY, pf.body, true);
	if (pf.in_reply_to != NULL && u->in_reply_to == NULL &&
	    (u->in_reply_to = answer_msgid(pf.in_reply_to)) != NULL)
		/* A mailto: link that answers a message keeps its thread. */
		u->references = xstrdup(u->in_reply_to);
	prefill_free(&pf);
	if (o->subject != NULL)
		ui_set_field(u, F_SUBJECT, o->subject, true);
	if (o->attach != NULL && o->attach[0] != NULL) {
		s = join_attach(o->attach);
		if (r.attach != NULL)
			field_append(u, F_ATTACH, s);
		else
			ui_set_field(u, F_ATTACH, s, true);
		free(s);
	}
	/* The signature, to be seen (and changed) below the text; after a
	 * message forwarded inline, which may end in a signature of its own. */
	if (o->answer != NULL && o->forward && o->inline_text)
		ui_add_signature(u);
	else
		ui_place_signature(u, NULL);
	tb_move(u->body, cursor);
	/* A profile's fields are text from outside too. */
	for (i = 0; i < F_COUNT; i++)
		tb_undo_forget(u->f[i]);
	tb_undo_forget(u->body);
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
	if (o->answer != NULL) {
		char *to = ui_field(u, F_TO);

		u->answer_sev = SEV_INFO;
		if (o->forward && r.left_out > 0) {
			u->answer_sev = SEV_WARN;
			u->answer_note = xasprintf(ngettext("The original's %zu "
			    "attachment is not in an inline forward; forward it without "
			    "--inline to send it along.", "The original's %zu attachments "
			    "are not in an inline forward; forward it without --inline "
			    "to send them along.", r.left_out), r.left_out);
		} else if (!o->forward && u->prof != NULL && !o->demo)
			u->answer_note = xasprintf(_("Replying to %s from profile %s."),
			    to, u->prof->name);
		else if (!o->forward)
			u->answer_note = xasprintf(_("Replying to %s."), to);
		free(to);
	}
	respond_free(&r);
	return 0;
}

void
start_cleanup(struct ui *u)
{
	int f;

	if (u->w != NULL)
		worker_free(u->w);
	tls_resume_free(u->resume);	/* no job holds it now */
	if (u->demo_on)
		demo_stop(&u->demo);
	profile_clear(&u->demo_prof);
	for (f = 0; f < F_COUNT; f++)
		tb_free(u->f[f]);
	tb_free(u->body);
	tb_free(u->filter);
	tb_layout_free(&u->lay);
	pane_clear(&u->pane);
	lines_clear(&u->dialogue);
	result_free(u->last);
	record_free(u->rec);
	receipt_free(u->receipt);
	tls_info_free(u->live_tls);
	profiles_free(u->ps);
	completer_free(u->comp);
	history_free(u->hist);
	theme_free(&u->theme);
	strv_free(u->themes, u->nthemes);
	free(u->theme_before);
	free(u->signature);
	draft_unlock(u->draft_lock);
	free(u->draft_path);
	free(u->last_draft_err);
	free(u->job_rcpts);
	free(u->pending);
	secret_free(u->password);
	free(u->job_server);
	free(u->cs.m);
	suggest_free(u);
	free(u->sig_text);
	free(u->in_reply_to);
	free(u->references);
	free(u->extra_headers);
	free(u->answer_data);
	free(u->fwd_copy);
	free(u->answer_note);
	free(u->typed);
	ui_prompt_close(u);
}

