/* Outbox deliveries (see deliver.h): the rule of what is queued, one
 * entry sent with its profile, a composed message put in the outbox. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/deliver.h"
#include "app/explain.h"
#include "app/record.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/msg.h"
#include "net/smtp.h"
#include "store/outbox.h"
#include "store/profile.h"
#include "store/receipts.h"

static bool
is(const char *reason, const char *word)
{
	return reason != NULL && strcmp(reason, word) == 0;
}

enum deliver_class
deliver_class(const struct result *r)
{
	const char *w = r->reason;

	if (r->sent)
		return DC_SENT;
	/* Complete on the wire and no answer that says no: trying again
	 * could deliver it twice. */
	if (r->stage != NULL && strcmp(r->stage, "data_end") == 0 &&
	    !is(w, "server_error") && !is(w, "size") && !is(w, "rcpt_refused"))
		return DC_UNCERTAIN;
	if (is(w, "network") || is(w, "timeout") || is(w, "cancelled") ||
	    is(w, "local"))
		return DC_TEMP;
	/* A reply: 4xx is "not now" (RFC 5321 4.2.1), 5xx "no". AUTH's 454
	 * is a server that cannot check the password now, not a refusal. */
	if (is(w, "server_error") || is(w, "size") || is(w, "auth"))
		return r->code / 100 == 4 ? DC_TEMP : DC_PERM;
	if (is(w, "rcpt_refused"))
		return r->nrefused > 0 && r->nrefused_temp == r->nrefused ?
		    DC_TEMP : DC_PERM;
	if (is(w, "usage"))
		return DC_CONFIG;
	/* tls_required, tls_handshake, cert_verify, tls_downgrade,
	 * auth_plaintext_refused, protocol, and any word to come: the
	 * user's to look at, never tried again by itself. */
	return DC_PERM;
}

const char *
deliver_class_name(enum deliver_class c)
{
	static const char *const names[] = { "sent", "temporary", "uncertain",
		"permanent", "config" };

	return names[c];
}

int
deliver_sysexit(const struct result *r)
{
	switch (deliver_class(r)) {
	case DC_SENT:
		return 0;
	case DC_TEMP:
	case DC_UNCERTAIN:
		return 75;	/* EX_TEMPFAIL */
	case DC_CONFIG:
		return 78;	/* EX_CONFIG */
	case DC_PERM:
	default:
		if (is(r->reason, "auth"))
			return 77;	/* EX_NOPERM */
		if (is(r->reason, "auth_plaintext_refused"))
			return 78;	/* the profile does not allow it */
		return 69;	/* EX_UNAVAILABLE */
	}
}

/* --- one delivery */

struct delivery {
	struct outbox_entry *en;
	const struct deliver_opts *o;
	event_fn fn;
	void *arg;
	struct smtp_job job;
	struct record *rec;	/* the server memory and the receipt */
	enum deliver_class cls;
	bool done;
};

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void
warn(struct delivery *d, double t, const char *text)
{
	struct event ev = { .type = EV_WARNING, .t = t };

	ev.text = (char *)text;
	if (d->fn != NULL)
		d->fn(&ev, d->arg);
}

/* The engine's hook: the entry says "maybe sent" on disk before the
 * server can have the message. */
static int
mark_uncertain(void *arg, struct err *e)
{
	struct delivery *d = arg;
	struct outbox_meta *m = outbox_meta(d->en);
	enum outbox_state was = m->state;

	m->state = OB_UNCERTAIN;
	set_str(&m->last_reason, "uncertain");
	set_str(&m->last_error, _("the message was complete on the wire and "
	    "no answer from the server was seen: it may have been delivered"));
	if (outbox_save(d->en, e) == -1) {
		m->state = was;
		e->reason = "local";
		return -1;
	}
	return 0;
}

/* Before the session: the server memory of the job's server, given to
 * the job (app/record.c). A downgrade it finds is refused by the engine
 * (tls_downgrade): permanent, so the entry is held, never retried by
 * itself, and its last error says how to go on, with its ID (finish). */
static void
record_hook_before(struct delivery *d, double t)
{
	struct outbox_meta *m = outbox_meta(d->en);
	struct record_opts ro;
	struct err w;

	memset(&ro, 0, sizeof ro);
	ro.via = d->o->via == DV_SENDMAIL ? VIA_SENDMAIL : VIA_OUTBOX;
	ro.profile = m->profile;
	ro.outbox_id = m->id;
	d->rec = record_before(&d->job, &ro, &w);
	if (w.msg[0] != '\0')
		warn(d, t, w.msg);
}

/* After it, before the entry's next state: the memory updated and, for
 * a message the server accepted, its receipt (with the entry's ID)
 * appended, before the entry leaves the outbox. */
static int
record_hook_after(struct delivery *d, const struct result *r, struct err *w)
{
	err_clear(w);
	if (d->rec == NULL)
		return 0;
	return record_after(d->rec, r, NULL, w);
}

static void
report(struct delivery *d, bool kept)
{
	struct deliver_report *rep = d->o->report;
	struct outbox_meta *m = outbox_meta(d->en);

	if (rep == NULL)
		return;
	rep->cls = d->cls;
	rep->kept = kept;
	snprintf(rep->id, sizeof rep->id, "%s", m->id);
	rep->state = (int)m->state;
	rep->next_try = (long long)m->next_try;
}

char *
deliver_report_words(const struct deliver_report *rep)
{
	char when[16];
	time_t t = (time_t)rep->next_try;
	struct tm tm;

	if (rep->cls == DC_SENT && !rep->kept)
		return NULL;
	if (!rep->kept)
		return xstrdup(rep->cls == DC_TEMP || rep->cls == DC_UNCERTAIN ?
		    _("Not put in the outbox (--no-queue).") :
		    _("Not put in the outbox: waiting does not mend this."));
	switch (rep->state) {
	case OB_QUEUED:
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%H:%M", &tm) == 0)
			snprintf(when, sizeof when, "?");
		return xasprintf(_("Queued in the outbox as %s: tried again from "
		    "%s (`missive outbox flush' tries it now)."), rep->id, when);
	case OB_UNCERTAIN:
		return xasprintf(_("Kept in the outbox as %s, marked uncertain: the "
		    "server may have it. It is not sent again unless you say so "
		    "(`missive outbox flush --uncertain %s', or `missive outbox "
		    "drop %s' if it arrived)."), rep->id, rep->id, rep->id);
	default:
		return xasprintf(_("Kept in the outbox as %s, held: this needs "
		    "you (`missive outbox show %s'); it is not tried again by "
		    "itself."), rep->id, rep->id);
	}
}

/* After the session, before its result is shown: the receipt, then the
 * entry's next state. */
static void
finish(struct delivery *d, const struct event *ev)
{
	const struct result *r = ev->result;
	struct outbox_meta *m = outbox_meta(d->en);
	struct err e;

	d->done = true;
	d->cls = deliver_class(r);
	err_clear(&e);
	if (record_hook_after(d, r, &e) == -1)
		warn(d, ev->t, e.msg);
	err_clear(&e);
	if (d->cls != DC_SENT && (d->o->keep == KEEP_NONE ||
	    (d->o->keep == KEEP_QUEUEABLE && d->cls != DC_TEMP &&
	    d->cls != DC_UNCERTAIN))) {
		/* The caller still has the message and says it was not sent. */
		if (outbox_remove(d->en, &e) == -1)
			warn(d, ev->t, e.msg);
		else
			report(d, false);
		return;
	}
	if (d->cls == DC_SENT) {
		if (outbox_remove(d->en, &e) == -1) {
			char *s = xasprintf(_("the message was sent, but its outbox "
			    "entry %s could not be removed (%s); it stays marked "
			    "uncertain and is not sent again"), m->id, e.msg);

			warn(d, ev->t, s);
			free(s);
			report(d, true);
		} else
			report(d, false);
		return;
	}
	switch (d->cls) {
	case DC_TEMP:
		m->state = OB_QUEUED;
		m->next_try = time(NULL) + outbox_backoff(m->attempts);
		break;
	case DC_UNCERTAIN:
		m->state = OB_UNCERTAIN;
		break;
	case DC_PERM:
		m->state = OB_HELD;
		break;
	default:
		/* Not tried: as it was (never uncertain: nothing went out). */
		if (m->state == OB_UNCERTAIN)
			m->state = OB_QUEUED;
		break;
	}
	set_str(&m->last_reason, r->reason != NULL ? r->reason : "protocol");
	free(m->last_error);
	if (is(r->reason, "tls_downgrade")) {
		/* Why, and the way on with this entry's ID. */
		char *why = explain_failure(r, false, FOR_QUEUE, true);

		m->last_error = xasprintf(_("%s Then send it with `missive outbox "
		    "flush %s`: it is held, not tried again by itself."),
		    why, m->id);
		free(why);
	} else
		m->last_error = xstrdup(r->message != NULL ? r->message :
		    m->last_reason);
	if (outbox_save(d->en, &e) == -1) {
		char *s = xasprintf(_("the outbox entry %s could not be saved: %s"),
		    m->id, e.msg);

		warn(d, ev->t, s);
		free(s);
	}
	report(d, true);
}

static void
on_event(const struct event *ev, void *arg)
{
	struct delivery *d = arg;

	if (ev->type == EV_RESULT && ev->result != NULL && !d->done)
		finish(d, ev);
	if (d->fn != NULL)
		d->fn(ev, d->arg);
}

/* The job of the entry's profile with its message; -1 with e. */
static int
build_job(struct delivery *d, struct err *e)
{
	struct outbox_meta *m = outbox_meta(d->en);
	struct msg_raw_spec spec;
	struct profiles *ps;
	const struct profile *pr;
	struct err pe;
	int rc = -1;

	err_clear(&pe);
	if ((ps = profiles_load(NULL, &pe)) == NULL)
		return err_setr(e, "usage", _("the profiles cannot be read: %s"),
		    pe.msg);
	if ((pr = profiles_find(ps, m->profile)) == NULL) {
		err_setr(e, "usage", _("the profile `%s' this message is to be sent "
		    "with no longer exists (missive profiles lists them); `missive "
		    "outbox drop %s' drops the message"), m->profile, m->id);
		goto out;
	}
	if (pr->server == NULL) {
		err_setr(e, "usage", _("the profile `%s' names no server"), m->profile);
		goto out;
	}
	if (profile_job(pr, NULL, -1, &d->job, &pe) == -1) {
		err_setr(e, "usage", _("the profile `%s': server `%s': %s"),
		    m->profile, pr->server, pe.msg);
		goto out;
	}
	memset(&spec, 0, sizeof spec);
	spec.path = outbox_msg_path(d->en);
	spec.size = m->size;
	spec.env_from = m->env_from;
	spec.rcpt = (const char *const *)m->rcpt;
	spec.nrcpt = m->nrcpt;
	spec.eight_bit = m->eight_bit;
	spec.head_8bit = m->head_8bit;
	spec.message_id = m->message_id != NULL ? m->message_id : "";
	if ((d->job.msg = msg_new_raw(&spec, &pe)) == NULL) {
		err_setr(e, "usage", _("the outbox entry %s: %s"), m->id, pe.msg);
		goto out;
	}
	rc = 0;
out:
	profiles_free(ps);
	return rc;
}

enum deliver_class
deliver_entry(struct outbox_entry *en, const struct deliver_opts *o,
    event_fn fn, void *arg, struct result **res, struct err *e)
{
	struct delivery d;
	struct outbox_meta *m = outbox_meta(en);
	struct result *r;
	struct err se;

	memset(&d, 0, sizeof d);
	d.en = en;
	d.o = o;
	d.fn = fn;
	d.arg = arg;
	if (res != NULL)
		*res = NULL;
	smtp_job_init(&d.job);
	if (build_job(&d, e) == -1) {
		set_str(&m->last_reason, "usage");
		set_str(&m->last_error, e->msg);
		err_clear(&se);
		outbox_save(en, &se);
		smtp_job_free(&d.job);
		d.cls = DC_CONFIG;
		if (o->keep != KEEP_ALL && outbox_remove(en, &se) == 0)
			report(&d, false);
		else
			report(&d, true);
		return DC_CONFIG;
	}
	d.job.before_commit = mark_uncertain;
	d.job.commit_arg = &d;
	m->attempts++;
	m->last_try = time(NULL);
	record_hook_before(&d, 0);
	r = smtp_run(&d.job, on_event, &d, o->cancel, o->ops);
	if (!d.done) {	/* the engine always ends with EV_RESULT */
		struct event ev = { .type = EV_RESULT, .result = r };

		finish(&d, &ev);
	}
	record_free(d.rec);
	smtp_job_free(&d.job);
	if (res != NULL)
		*res = r;
	else
		result_free(r);
	return d.cls;
}

/* --- an uncertain entry the receipts settle */

struct receipt_find {
	const char *id;
	char *when;
	size_t len;
	bool found;
};

static int
receipt_match(void *arg, const struct receipt *r, const struct json *line)
{
	struct receipt_find *f = arg;

	(void)line;
	if (r->outbox_id == NULL || strcmp(r->outbox_id, f->id) != 0)
		return 0;
	f->found = true;
	snprintf(f->when, f->len, "%s", r->time != NULL ? r->time : "?");
	return 1;
}

bool
deliver_receipt_of(const char *id, char *when, size_t len)
{
	struct receipt_find f = { .id = id, .when = when, .len = len };
	struct receipts_skipped sk;
	struct err e;

	err_clear(&e);
	memset(&sk, 0, sizeof sk);
	/* Unreadable receipts settle nothing: the entry stays uncertain. */
	if (receipts_read(NULL, receipt_match, &f, &sk, &e) == -1)
		return false;
	return f.found;
}

/* --- a composed message into the outbox */

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
deliver_queue_msg(struct msg *m, const struct deliver_queue *q, char *id,
    struct err *e)
{
	char *dir = outbox_dir(), buf[65536];
	struct outbox_entry *en;
	struct outbox_meta *mt;
	unsigned flags;
	ssize_t n;
	size_t i;
	int fd, rc = -1;
	time_t now = time(NULL);

	if ((en = outbox_new(dir, &fd, e)) == NULL) {
		free(dir);
		return -1;
	}
	/* 7-bit unless it needs SMTPUTF8: it may go to a server without
	 * 8BITMIME when it is sent. */
	flags = msg_needs_smtputf8(m) ? MSG_UTF8 | MSG_8BIT : 0;
	if (msg_start(m, flags, e) == -1)
		goto out;
	while ((n = msg_read(m, buf, sizeof buf, e)) > 0)
		if (write_all(fd, buf, (size_t)n) == -1) {
			err_setr(e, "local", _("cannot write in the outbox %s: %s"),
			    dir, strerror(errno));
			goto out;
		}
	if (n < 0)
		goto out;
	mt = outbox_meta(en);
	mt->state = OB_QUEUED;
	mt->profile = xstrdup(q->profile);
	mt->via = xstrdup(q->via);
	mt->env_from = xstrdup(msg_env_from(m));
	mt->nrcpt = msg_env_count(m);
	mt->rcpt = xcalloc(mt->nrcpt, sizeof *mt->rcpt);
	for (i = 0; i < mt->nrcpt; i++)
		mt->rcpt[i] = xstrdup(msg_env_rcpt(m, i));
	mt->message_id = xstrdup(msg_message_id(m));
	mt->from = xstrdup(q->from);
	mt->to = xstrdup(q->to);
	mt->subject = xstrdup(q->subject);
	mt->eight_bit = msg_is_8bit(m);
	mt->head_8bit = msg_needs_smtputf8(m);
	mt->next_try = now;
	if (q->failed != NULL) {
		mt->attempts = 1;
		mt->last_try = now;
		mt->next_try = now + outbox_backoff(1);
		mt->last_reason = xstrdup(q->failed->reason != NULL ?
		    q->failed->reason : "protocol");
		mt->last_error = xstrdup(q->failed->message != NULL ?
		    q->failed->message : mt->last_reason);
	}
	if (outbox_commit(en, e) == -1)
		goto out;
	snprintf(id, OUTBOX_ID_LEN + 1, "%s", mt->id);
	rc = 0;
out:
	outbox_close(en);
	free(dir);
	return rc;
}

int
deliver_count(size_t *total, size_t *due, struct err *e)
{
	char *dir = outbox_dir();
	struct outbox_meta *v;
	ssize_t n = outbox_list(dir, &v, e);
	time_t now = time(NULL);
	size_t i;

	free(dir);
	*total = *due = 0;
	if (n < 0)
		return -1;
	*total = (size_t)n;
	for (i = 0; i < (size_t)n; i++)
		if (v[i].state == OB_QUEUED && !v[i].busy && v[i].next_try <= now)
			(*due)++;
	outbox_list_free(v, (size_t)n);
	return 0;
}

int
deliver_flush_spawn(void)
{
	char *self = self_path();
	pid_t pid;
	int fd;

	if (self == NULL)
		return -1;
	if ((pid = fork()) != 0) {
		free(self);
		return pid > 0 ? (int)pid : -1;
	}
	/* The child: nothing but async-signal-safe calls until exec. */
	setsid();
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	execl(self, "missive", "outbox", "flush", "--due", (char *)NULL);
	_exit(127);
}

bool
deliver_flush_ended(int pid, int *status)
{
	int st;
	pid_t r = waitpid((pid_t)pid, &st, WNOHANG);

	if (r == 0)
		return false;
	*status = r == (pid_t)pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return true;
}
