/* The composer's side of a send or probe: the review before sending
 * (server, addresses, empty subject, a mentioned attachment), the smtp_job
 * built from the fields and the profile, the worker's events turned into
 * status lines and a verdict, and the status pane itself. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/preview.h"
#include "app/respond.h"
#include "app/record.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/msg.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "net/worker.h"
#include "store/draft.h"
#include "store/history.h"
#include "store/receipts.h"
#include "ui/attach.h"
#include "ui/job.h"
#include "ui/keep.h"
#include "ui/outq.h"
#include "ui/state.h"
#include "ui/wide.h"

enum { ST_START, ST_CHECK, ST_BODY, ST_ATTACH, ST_GO };

bool
job_running(const struct ui *u)
{
	return u->w != NULL;
}

/* Which field an error message from msg_new or the server parser names
 * ("To: the third address ..."), or -1. */
static int
field_of_error(const char *m)
{
	static const struct {
		const char *name;
		int f;
	} names[] = {
		{ "Server", F_SERVER }, { "From", F_FROM }, { "To", F_TO },
		{ "Cc", F_CC }, { "Bcc", F_BCC }, { "Reply-To", F_REPLY_TO },
		{ "Subject", F_SUBJECT },
		{ "Attach", F_ATTACH }, { "Attachment", F_ATTACH },
		{ "Body", FOCUS_BODY }, { "Signature", -1 },
	};
	const char *colon = strchr(m, ':');
	size_t i, n;

	if (colon == NULL)
		return -1;
	n = (size_t)(colon - m);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n &&
		    strncasecmp(m, names[i].name, n) == 0)
			return names[i].f;
	for (i = 0; i < F_COUNT; i++)
		if (strlen(field_label((int)i)) == n &&
		    strncmp(m, field_label((int)i), n) == 0)
			return (int)i;
	return -1;
}

/* The Attach field's paths, ~/ expanded, NULL-terminated. */
static char **
attach_list(const char *field, size_t *n)
{
	char **v = attach_split(field, n);
	size_t i;

	v = xrealloc(v, (*n + 1) * sizeof *v);
	for (i = 0; i < *n; i++) {
		char *e = attach_expand(v[i]);

		free(v[i]);
		v[i] = e;
	}
	v[*n] = NULL;
	return v;
}

/* The extra header lines: the profile's, then the message's own (from
 * the editor), NULL-terminated; the strings live in *keep. */
static const char **
header_lines(const struct ui *u, char **keep)
{
	const struct profile *p = ui_profile(u);
	const char **v;
	char *line, *save = NULL;
	size_t n = 0;

	*keep = xasprintf("%s\n%s", p != NULL && p->headers != NULL ?
	    p->headers : "", u->extra_headers != NULL ? u->extra_headers : "");
	v = xcalloc(strlen(*keep) / 2 + 2, sizeof *v);
	for (line = strtok_r(*keep, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		v[n++] = line;
	return v;
}

/* Builds and validates the message; NULL with e set (and *field). */
struct msg *
job_msg(struct ui *u, struct err *e, int *field)
{
	const struct profile *p = ui_profile(u);
	char *from = ui_field(u, F_FROM), *to = ui_field(u, F_TO);
	char *cc = ui_field(u, F_CC), *bcc = ui_field(u, F_BCC);
	char *rt = ui_field(u, F_REPLY_TO), *hkeep;
	char *subject = tb_utf8(u->f[F_SUBJECT]), *at = ui_field(u, F_ATTACH);
	char *body = tb_utf8(u->body), **att;
	const char **hdrs = header_lines(u, &hkeep);
	size_t natt;
	struct msg_spec s;
	struct msg *m = NULL;

	*field = -1;
	att = attach_list(at, &natt);
	if (*from == '\0') {
		err_set(e, _("From: empty; type your address (Name <you@example.org>)"));
		*field = F_FROM;
	} else if (*to == '\0' && *cc == '\0' && *bcc == '\0') {
		err_set(e, _("To: no recipient; type at least one address"));
		*field = F_TO;
	} else {
		memset(&s, 0, sizeof s);
		s.from = from;
		s.to = to;
		s.cc = cc;
		s.bcc = bcc;
		s.reply_to = *rt != '\0' ? rt : NULL;
		s.in_reply_to = u->in_reply_to;
		s.references = u->references;
		s.headers = hdrs;
		s.subject = subject;
		/* The signature is in the body already, as it was shown. */
		s.body = body;
		s.attach = (const char *const *)att;
		s.helo = p ? p->helo : NULL;
		s.wrap = p ? p->wrap : MSG_WRAP_AUTO;
		if ((m = msg_new(&s, e)) == NULL)
			*field = field_of_error(e->msg);
	}
	free(from);
	free(to);
	free(cc);
	free(bcc);
	free(rt);
	free(hdrs);
	free(hkeep);
	free(subject);
	free(at);
	secret_free(body);
	strv_free(att, natt);
	return m;
}

static int
build_job(struct ui *u, struct smtp_job *job, struct err *e)
{
	char *server = ui_field(u, F_SERVER);
	struct err pe;
	int rc;

	smtp_job_init(job);
	err_clear(&pe);
	/* The field is what is sent to, even when a profile names another. */
	if (*server == '\0')
		rc = err_set(e, _("Server: empty; type host[:port], or pick a "
		    "profile with ^P"));
	else if ((rc = profile_job(ui_profile(u), server, -1, job, &pe)) == -1)
		err_set(e, "%s: %s", _("Server"), pe.msg);
	free(server);
	return rc;
}

static void
job_reset(struct ui *u)
{
	lines_clear(&u->dialogue);
	tls_info_free(u->live_tls);
	u->live_tls = NULL;
	pane_progress_end(&u->pane, u->utf8);
	u->prog_pending = false;
	u->job_t0 = time_now();
	u->cancelling = false;
	free(u->job_server);
	u->job_server = ui_field(u, F_SERVER);
}

static void review(struct ui *u, int stage);
static void go(struct ui *u);

/* Before the worker takes the job: the server memory goes into it
 * (app/record.c); its answer comes back in on_result. */
static void
record_start(struct ui *u, struct smtp_job *job)
{
	const struct profile *p = ui_profile(u);
	struct record_opts o;
	struct err w;

	memset(&o, 0, sizeof o);
	o.via = VIA_COMPOSER;
	o.profile = p != NULL && p != &u->demo_prof ? p->name : NULL;
	/* The demo's sink is a new server every run: nothing to remember. */
	o.ephemeral = u->demo_on && u->demo_prof.server != NULL &&
	    u->job_server != NULL && strcmp(u->job_server, u->demo_prof.server) == 0;
	record_free(u->rec);
	u->rec = record_before(job, &o, &w);
	if (w.msg[0] != '\0')
		ui_msg(u, SEV_WARN, "%s", w.msg);
}

/* A profile with a user and neither a password nor a command to get one:
 * the password is typed, once a session. */
static bool
needs_password(const struct ui *u)
{
	const struct profile *p = ui_profile(u);

	return p != NULL && p->user != NULL && p->password == NULL &&
	    p->password_cmd == NULL && u->password == NULL;
}

static void
password_answer(struct ui *u, int a, const char *text, int arg)
{
	(void)arg;
	if (a == 0 || text == NULL || *text == '\0') {
		ui_msg(u, SEV_INFO, _("Not sent; the message is still here."));
		return;
	}
	secret_free(u->password);
	u->password = xstrdup(text);
	go(u);
}

static void
ask_password(struct ui *u, bool again)
{
	char *server = ui_field(u, F_SERVER);

	if (again)
		ui_prompt_secret(u, password_answer, 0, _("The server refused the "
		    "password for %s at %s; type it again (Esc: not now):"),
		    ui_profile(u)->user, server);
	else
		ui_prompt_secret(u, password_answer, 0, _("Password for %s at %s "
		    "(kept only until missive ends):"), ui_profile(u)->user,
		    server);
	free(server);
}

static void
send_answer(struct ui *u, int a, const char *text, int arg)
{
	(void)text;
	if (a == 'y')
		review(u, arg);
	else
		ui_msg(u, SEV_INFO, _("Not sent; the message is still here."));
}

/* Whether line holds one of the words, a '|'-separated list. strcasestr
 * folds ASCII only; the translated words are given in the case people
 * write them. */
static bool
has_word(const char *line, const char *words)
{
	char *list = xstrdup(words), *w, *save = NULL;
	bool hit = false;

	for (w = strtok_r(list, "|", &save); w != NULL && !hit;
	    w = strtok_r(NULL, "|", &save))
		hit = *w != '\0' && strcasestr(line, w) != NULL;
	free(list);
	return hit;
}

/* Whether the text says it has an attachment, in English or the user's
 * language (quoted lines do not count). */
static bool
mentions_attachment(const char *subject, const char *body)
{
	/* TRANSLATORS: words that say a mail has an attachment, separated
	 * by '|'; keep "attach|enclosed" and add your language's words. */
	const char *words = _("attach|enclosed");
	const char *line = body;

	if (has_word(subject, words))
		return true;
	while (line != NULL && *line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *l = xstrndup(line, n);
		bool hit = l[0] != '>' && has_word(l, words);

		free(l);
		if (hit)
			return true;
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static void
go(struct ui *u)
{
	struct smtp_job job;
	struct msg *m;
	struct err e;
	size_t n;
	int field;
	char *to, *cc, *bcc;

	err_clear(&e);
	if (build_job(u, &job, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("%s. Nothing was sent."), e.msg);
		u->focus = F_SERVER;
		return;
	}
	if ((m = job_msg(u, &e, &field)) == NULL) {
		smtp_job_free(&job);
		ui_msg(u, SEV_ERROR, _("%s. Nothing was sent."), e.msg);
		if (field >= 0)
			u->focus = field;
		return;
	}
	n = msg_env_count(m);
	job.msg = m;
	/* The next send to this server resumes this one's TLS session. */
	if (u->resume == NULL)
		u->resume = tls_resume_new();
	job.resume = u->resume;
	/* The typed password, for a profile that has no other way. */
	if (job.user != NULL && job.password == NULL && job.password_cmd == NULL &&
	    u->password != NULL) {
		job.password = xstrdup(u->password);
		job.password_typed = true;
	}
	u->auth_refused = false;
	/* Chosen after a refusal: deliver to the accepted ones (once). */
	job.partial = u->send_partial;
	u->send_partial = false;
	/* Chosen after a downgrade: this one message without TLS. The
	 * memory keeps the server. */
	if (u->plain_once) {
		job.tls = TLS_OFF;
		job.fallback_plaintext = false;
		u->plain_once = false;
	}
	job_reset(u);
	record_start(u, &job);
	u->job_gen = ui_gen(u);
	if (u->job_gen != u->saved_gen)
		keep_save(u, false);
	to = ui_field(u, F_TO);
	cc = ui_field(u, F_CC);
	bcc = ui_field(u, F_BCC);
	free(u->job_rcpts);
	u->job_rcpts = xasprintf("%s,%s,%s", to, cc, bcc);
	free(to);
	free(cc);
	free(bcc);
	ui_msg(u, SEV_INFO, ngettext("Sending to %zu recipient via %s:%d "
	    "(TLS %s)", "Sending to %zu recipients via %s:%d (TLS %s)", n), n,
	    job.host, job.port, tls_mode_name(job.tls));
	u->job_probe = false;
	if ((u->w = worker_start(&job, &e)) == NULL) {
		smtp_job_free(&job);
		ui_msg(u, SEV_ERROR, _("Cannot start sending: %s"), e.msg);
	}
}

static void
review(struct ui *u, int stage)
{
	struct msg *m;
	struct smtp_job job;
	struct err e;
	int field;
	char *subject, *body, *at;

	if (job_running(u)) {
		ui_msg(u, SEV_WARN, _("A send is already running (^C cancels it)."));
		return;
	}
	switch (stage) {
	case ST_START:
		/* Without TLS only right after saying so: never a later ^X. */
		u->plain_once = false;
		if (u->sent_ok && ui_gen(u) == u->sent_gen) {
			/* TRANSLATORS: the letters in brackets are the keys that answer,
			 * as translated under the context "answer key". */
			ui_prompt_keys(u, "yn", send_answer, ST_CHECK,
			    _("This message was already sent. Send it again? "
			    "[y/n]"));
			return;
		}
		/* FALLTHROUGH */
	case ST_CHECK:
		err_clear(&e);
		if (build_job(u, &job, &e) == -1) {
			ui_msg(u, SEV_ERROR, _("%s. Nothing was sent."), e.msg);
			u->focus = F_SERVER;
			return;
		}
		smtp_job_free(&job);
		if ((m = job_msg(u, &e, &field)) == NULL) {
			ui_msg(u, SEV_ERROR, _("%s. Nothing was sent."), e.msg);
			if (field >= 0)
				u->focus = field;
			return;
		}
		msg_free(m);
		subject = ui_field(u, F_SUBJECT);
		if (*subject == '\0') {
			free(subject);
			/* TRANSLATORS: the letters in brackets are the keys that answer,
			 * as translated under the context "answer key". */
			ui_prompt_keys(u, "yn", send_answer, ST_BODY,
			    _("Send without a subject? [y/n]"));
			return;
		}
		free(subject);
		/* FALLTHROUGH */
	case ST_BODY:
		body = tb_utf8(u->body);
		/* A forward needs no words of its own. */
		if (ui_body_blank(u) && u->fwd_copy == NULL) {
			free(body);
			/* TRANSLATORS: the letters in brackets are the keys that answer,
			 * as translated under the context "answer key". */
			ui_prompt_keys(u, "yn", send_answer, ST_ATTACH,
			    _("Send without any text in the body? [y/n]"));
			return;
		}
		free(body);
		/* FALLTHROUGH */
	case ST_ATTACH:
		subject = tb_utf8(u->f[F_SUBJECT]);
		body = tb_utf8(u->body);
		at = ui_field(u, F_ATTACH);
		if (*at == '\0' && mentions_attachment(subject, body)) {
			/* TRANSLATORS: the letters in brackets are the keys that answer,
			 * as translated under the context "answer key". */
			ui_prompt_keys(u, "yn", send_answer, ST_GO,
			    _("The text mentions an attachment, but nothing is "
			    "attached. Send anyway? [y/n]"));
			free(subject);
			free(body);
			free(at);
			return;
		}
		free(subject);
		free(body);
		free(at);
		/* FALLTHROUGH */
	case ST_GO:
		if (needs_password(u)) {
			ask_password(u, false);
			return;
		}
		go(u);
		break;
	default:
		break;
	}
}

void
job_probe(struct ui *u)
{
	struct smtp_job job;
	struct err e;

	if (job_running(u)) {
		ui_msg(u, SEV_WARN, _("Wait for the running send or probe to end "
		    "(^C cancels it)."));
		return;
	}
	err_clear(&e);
	if (build_job(u, &job, &e) == -1) {
		ui_msg(u, SEV_ERROR, "%s", e.msg);
		return;
	}
	job.probe = true;
	job_reset(u);
	record_start(u, &job);
	ui_msg(u, SEV_INFO, _("Probing %s:%d (TLS %s); no mail is sent"),
	    job.host, job.port, tls_mode_name(job.tls));
	u->job_probe = true;
	if ((u->w = worker_start(&job, &e)) == NULL) {
		smtp_job_free(&job);
		ui_msg(u, SEV_ERROR, _("Cannot start the probe: %s"), e.msg);
	}
}

void
job_cancel(struct ui *u)
{
	if (u->w == NULL || u->cancelling)
		return;
	worker_cancel(u->w);
	u->cancelling = true;
	ui_msg(u, SEV_WARN, u->job_probe ? _("Cancelling the probe...") :
	    _("Cancelling the send..."));
}

static void
partial_answer(struct ui *u, int a, const char *text, int arg)
{
	(void)text;
	(void)arg;
	if (a != 'y') {
		ui_msg(u, SEV_INFO, _("Not sent; the message is still here."));
		return;
	}
	u->send_partial = true;
	review(u, ST_GO);
}

/* A forwarded message's copy (app/respond.c) has done its work once the
 * server has the message. */
static void
drop_forward_copies(struct ui *u)
{
	char *dir = respond_forward_dir(), *at = ui_field(u, F_ATTACH), **v;
	size_t n, i, dl = strlen(dir);

	v = attach_list(at, &n);
	for (i = 0; i < n; i++)
		if (strncmp(v[i], dir, dl) == 0 && v[i][dl] == '/' &&
		    strchr(v[i] + dl + 1, '/') == NULL)
			(void)unlink(v[i]);
	strv_free(v, n);
	free(at);
	free(dir);
}

/* After a downgrade: the one way to send without TLS in the composer is
 * to say so, for this message only. */
static void
plain_answer(struct ui *u, int a, const char *text, int arg)
{
	(void)text;
	(void)arg;
	if (a != 'y') {
		ui_msg(u, SEV_INFO, _("Not sent; the message is still here."));
		return;
	}
	u->plain_once = true;
	ui_msg(u, SEV_WARN, _("Sending this one message WITHOUT TLS, as you "
	    "chose; the server stays remembered."));
	review(u, ST_GO);
}

/* The memory's update and the receipt, before the verdict is shown. */
static void
record_end(struct ui *u, const struct result *r)
{
	struct receipt *rc = NULL;
	struct err w;

	if (u->rec == NULL)
		return;
	if (record_after(u->rec, r, &rc, &w) == -1)
		ui_msg(u, SEV_WARN, "%s", w.msg);
	if (rc != NULL) {
		receipt_free(u->receipt);
		u->receipt = rc;
		u->receipt_stale = false;
	} else if (!u->job_probe)
		u->receipt_stale = u->receipt != NULL;
}

static void
on_result(struct ui *u, const struct event *ev)
{
	const struct result *r = ev->result;
	enum sev sev;
	struct err e;
	char *s;

	record_end(u, r);
	result_free(u->last);
	u->last = result_dup(r);
	u->last_probe = u->job_probe;
	pane_progress_end(&u->pane, u->utf8);
	s = explain_verdict(r, u->job_probe, FOR_COMPOSER, &sev);
	pane_add(&u->pane, ev->t, sev, s)->verdict = true;
	u->dirty = true;
	/* Some accepted, some refused, nothing sent: the user may want it
	 * to go to those who can take it. */
	if (!u->job_probe && !r->sent && r->reason != NULL &&
	    strcmp(r->reason, "rcpt_refused") == 0 && r->naccepted > 0 &&
	    ui_gen(u) == u->job_gen)
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key". */
		ui_prompt_keys(u, "yn", partial_answer, 0, ngettext("Send to the "
		    "%zu accepted recipient only? [y/n]", "Send to the %zu "
		    "accepted recipients only? [y/n]", r->naccepted), r->naccepted);
	/* A server that did TLS before offers none now: the message stays
	 * unless the user says, for it alone, that it may go in plain text. */
	if (!u->job_probe && !r->sent && r->reason != NULL &&
	    strcmp(r->reason, "tls_downgrade") == 0 && ui_gen(u) == u->job_gen)
		/* TRANSLATORS: the letters in brackets are the keys that answer,
		 * as translated under the context "answer key"; the capital one
		 * is what Enter answers. */
		ui_prompt_keys(u, "yN", plain_answer, 0, _("Send this one message "
		    "WITHOUT encryption, readable by anyone on the path? %s stays "
		    "remembered. [y/N]"), record_server(u->rec));
	/* A typed password the server refused is forgotten and asked for
	 * again, to send at once. */
	if (!u->job_probe && !r->sent && u->auth_refused && u->password != NULL) {
		secret_free(u->password);
		u->password = NULL;
		if (ui_gen(u) == u->job_gen)
			ask_password(u, true);
	}
	if (!u->job_probe && !r->sent)
		outq_offer(u, r);
	if (u->job_probe || !r->sent)
		return;
	u->sent_ok = true;
	u->sent_gen = u->job_gen;
	if (u->hist != NULL && u->job_rcpts != NULL) {
		history_add_list(u->hist, u->job_rcpts);
		err_clear(&e);
		if (history_save(u->hist, &e) == -1)
			ui_msg(u, SEV_WARN, _("Address history not saved: %s"),
			    e.msg);
		ui_build_completer(u);
	}
	/* The server has the message: the draft goes, unless the text was
	 * changed while sending (then the draft holds the newer text). */
	if (ui_gen(u) == u->job_gen)
		drop_forward_copies(u);
	if (ui_gen(u) == u->job_gen && u->draft_path != NULL) {
		err_clear(&e);
		if (keep_drop(u, &e) == 0) {
			u->saved_gen = ui_gen(u);
			u->saved_clock[0] = '\0';
		} else
			ui_msg(u, SEV_WARN, "%s", e.msg);
	} else if (ui_gen(u) != u->job_gen)
		ui_msg(u, SEV_INFO, _("You changed the text while it was being "
		    "sent; the draft keeps your changes."));
}

static void
on_event(struct ui *u, const struct event *ev)
{
	enum sev sev;
	char *text;

	switch (ev->type) {
	case EV_DIALOGUE:
		lines_add_escaped(&u->dialogue, ev->dir == '>' ? R_STATUS_CLIENT :
		    R_BODY, ev->dir == '>' ? "C: " : "S: ", ev->text);
		u->dirty = true;	/* the dialogue screen may show it */
		return;
	case EV_DATA:
		pane_progress(&u->pane, ev->t, ev->sent_bytes, ev->total_bytes);
		/* Drawn at most five times a second, by the main loop. */
		u->prog_pending = true;
		return;
	case EV_RESULT:
		on_result(u, ev);
		return;
	case EV_AUTH:
		if (!ev->ok && ev->code == 535)
			u->auth_refused = true;
		break;
	case EV_TLS:
		tls_info_free(u->live_tls);
		u->live_tls = tls_info_dup(ev->tls_info);
		break;
	default:
		break;
	}
	if ((text = explain_event(ev, &sev)) != NULL)
		pane_add(&u->pane, ev->t, sev, text);
	u->dirty = true;
}

void
job_drain(struct ui *u)
{
	struct event *ev;
	int budget = 2000;

	if (u->w == NULL)
		return;
	/* A bounded batch: keys stay responsive under a flood of events. */
	while (budget-- > 0 && (ev = worker_next(u->w)) != NULL) {
		on_event(u, ev);
		event_free(ev);
	}
	if (worker_done(u->w)) {
		worker_free(u->w);
		u->w = NULL;
		u->dirty = true;
	}
}

int
job_preview(struct ui *u)
{
	struct msg *m;
	struct err e;
	int field, rc = 0;

	err_clear(&e);
	if ((m = job_msg(u, &e, &field)) == NULL ||
	    preview_print(m, &e) == -1) {
		fprintf(stderr, "missive: %s\n", e.msg);
		rc = 1;
	}
	msg_free(m);
	return rc;
}

void
job_send(struct ui *u)
{
	review(u, ST_START);
}
