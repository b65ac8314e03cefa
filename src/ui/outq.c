/* The composer and the outbox (see outq.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app/deliver.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/msg.h"
#include "store/outbox.h"
#include "ui/job.h"
#include "ui/keep.h"
#include "ui/outq.h"
#include "ui/state.h"

#define CHECK_EVERY	30	/* seconds between looks at the outbox */

/* MISSIVE_OUTBOX_CHECK (seconds, for the tests) or CHECK_EVERY. */
static double
check_every(void)
{
	const char *v = getenv("MISSIVE_OUTBOX_CHECK");
	int n = v != NULL ? atoi(v) : 0;

	return n >= 1 && n <= 3600 ? n : CHECK_EVERY;
}

static void
count(struct ui *u, size_t *due)
{
	struct err e;
	size_t total;

	err_clear(&e);
	*due = 0;
	if (deliver_count(&total, due, &e) == 0) {
		if (total != u->outbox_n)
			u->dirty = true;
		u->outbox_n = total;
	}
}

void
outq_tick(struct ui *u, double now)
{
	size_t before = u->outbox_n, due;
	int status;

	if (u->demo_on || now < u->outbox_next)
		return;
	u->outbox_next = now + check_every();
	if (u->outbox_pid > 0) {
		if (!deliver_flush_ended(u->outbox_pid, &status))
			return;
		u->outbox_pid = 0;
		count(u, &due);
		if (u->outbox_n < before)
			ui_msg(u, SEV_OK, ngettext("The outbox sent %zu waiting "
			    "message.", "The outbox sent %zu waiting messages.",
			    before - u->outbox_n), before - u->outbox_n);
		return;
	}
	count(u, &due);
	if (due > 0 && (u->outbox_pid = deliver_flush_spawn()) == -1)
		u->outbox_pid = 0;
	if (u->outbox_pid > 0)	/* look for its end sooner */
		u->outbox_next = now + 1;
}

double
outq_due_in(const struct ui *u, double now)
{
	if (u->demo_on)
		return -1;
	return u->outbox_next > now ? u->outbox_next - now : 0;
}

static void
queue_answer(struct ui *u, int a, const char *text, int arg)
{
	const struct profile *p = ui_profile(u);
	struct deliver_queue q;
	struct msg *m;
	struct err e;
	char id[OUTBOX_ID_LEN + 1];
	char *from, *to, *subject;
	int field;

	(void)text;
	(void)arg;
	if (a != 'y' || p == NULL) {
		ui_msg(u, SEV_INFO, _("Not sent; the message is still here."));
		return;
	}
	err_clear(&e);
	if ((m = job_msg(u, &e, &field)) == NULL) {
		ui_msg(u, SEV_ERROR, _("Not put in the outbox: %s."), e.msg);
		return;
	}
	from = ui_field(u, F_FROM);
	to = ui_field(u, F_TO);
	subject = ui_field(u, F_SUBJECT);
	memset(&q, 0, sizeof q);
	q.profile = p->name;
	q.via = "composer";
	q.from = from;
	q.to = to;
	q.subject = subject;
	q.failed = u->last;
	if (deliver_queue_msg(m, &q, id, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("Not put in the outbox: %s. The message is "
		    "still here."), e.msg);
		goto out;
	}
	/* The entry is on disk (fsynced): only now does the draft go. */
	err_clear(&e);
	if (u->draft_path != NULL && keep_drop(u, &e) == -1)
		ui_msg(u, SEV_WARN, _("In the outbox as %s, but the draft could not "
		    "be removed: %s. Delete it (^R), or it may be sent twice."), id,
		    e.msg);
	u->saved_gen = ui_gen(u);
	u->saved_clock[0] = '\0';
	keep_new(u);
	ui_msg(u, SEV_OK, _("Put in the outbox as %s: it is sent when %s takes "
	    "it (`missive outbox' lists what waits)."), id, p->server);
	u->outbox_next = 0;	/* counted now, in the title */
out:
	free(from);
	free(to);
	free(subject);
	msg_free(m);
}

void
outq_offer(struct ui *u, const struct result *r)
{
	const struct profile *p = ui_profile(u);

	if (deliver_class(r) != DC_TEMP || u->demo_on || p == NULL ||
	    p->server == NULL || u->job_server == NULL ||
	    strcmp(u->job_server, p->server) != 0 || ui_gen(u) != u->job_gen ||
	    u->prompt.kind != P_NONE)
		return;
	/* The user stopped it (^C): the message stays here, unasked. */
	if (r->reason != NULL && strcmp(r->reason, "cancelled") == 0)
		return;
	/* A password typed for this session cannot come along. */
	if (p->user != NULL && p->password == NULL && p->password_cmd == NULL)
		return;
	/* TRANSLATORS: the letters in brackets are the keys that answer,
	 * as translated under the context "answer key". */
	ui_prompt_keys(u, "yn", queue_answer, 0, _("The server cannot take it "
	    "now. Put it in the outbox, to be sent when it can? [y/n]"));
}
