/* Before and after a session: the server memory and the receipts; see
 * record.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/record.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/msg.h"
#include "net/tls.h"
#include "store/receipts.h"
#include "store/servers.h"

static const char *const via_names[] = {
	[VIA_COMPOSER] = "composer", [VIA_SEND] = "send",
	[VIA_SENDMAIL] = "sendmail", [VIA_OUTBOX] = "outbox",
};

struct record {
	enum record_via via;
	bool ephemeral, probe, insecure;
	char *profile, *host, *name;
	int port;
	enum tls_mode policy;
	char *servers_path, *receipts_path;
	bool remembered;		/* the memory knew the server */
	struct server_mem before;
	char *from, *message_id, *outbox_id;
	/* what record_after did */
	bool done, remembered_now, key_changed, downgrade, unreadable;
};

struct record *
record_before(struct smtp_job *job, const struct record_opts *o,
    struct err *warn)
{
	struct record *rec = xcalloc(1, sizeof *rec);
	const struct server_mem *m;
	struct servers *s;
	struct err e;
	size_t line;
	const char *why;

	err_clear(warn);
	rec->via = o->via;
	rec->ephemeral = o->ephemeral;
	rec->probe = job->probe;
	rec->insecure = job->insecure;
	rec->profile = xstrdup(o->profile);
	rec->outbox_id = xstrdup(o->outbox_id);
	rec->host = xstrdup(job->host);
	rec->port = job->port;
	rec->name = servers_name(job->host, job->port);
	rec->policy = job->tls;
	rec->servers_path = o->servers_path != NULL ? xstrdup(o->servers_path) :
	    servers_path();
	rec->receipts_path = o->receipts_path != NULL ?
	    xstrdup(o->receipts_path) : receipts_path();
	if (job->msg != NULL) {
		rec->from = xstrdup(msg_env_from(job->msg));
		rec->message_id = xstrdup(msg_message_id(job->msg));
	}
	free(job->memory.last_seen);
	free(job->memory.pubkey);
	free(job->memory.group);
	memset(&job->memory, 0, sizeof job->memory);
	if (rec->ephemeral)
		return rec;
	err_clear(&e);
	if ((s = servers_load(rec->servers_path, &e)) == NULL) {
		rec->unreadable = true;
		err_set(warn, _("the server memory is not used: %s"), e.msg);
		return rec;
	}
	if (servers_bad(s, &line, &why) > 0)
		err_set(warn, _("%s, line %zu: %s; that line is ignored (and kept)"),
		    rec->servers_path, line, why);
	if ((m = servers_find(s, job->host, job->port)) != NULL) {
		rec->remembered = true;
		rec->before = *m;
		rec->before.host = xstrdup(m->host);
		rec->before.pubkey = xstrdup(m->pubkey);
		job->memory.last_seen = xstrdup(m->last_seen);
		job->memory.pubkey = xstrdup(m->pubkey);
		if (m->group[0] != '\0')
			job->memory.group = xstrdup(m->group);
	}
	servers_free(s);
	return rec;
}

/* A session worth remembering: TLS with a certificate verified or
 * pinned, and not one the user told missive not to check. */
static bool
trusted(const struct record *rec, const struct result *r)
{
	const struct tls_info *ti = r->tls;

	return r->encrypted && ti != NULL && (ti->verified || ti->pinned) &&
	    !ti->insecure && !rec->insecure && ti->nchain > 0;
}

static struct receipt *
receipt_make(const struct record *rec, const struct result *r,
    const char *now)
{
	struct receipt *rc = xcalloc(1, sizeof *rc);
	const struct tls_info *ti = r->encrypted ? r->tls : NULL;
	const struct cert_info *leaf = ti != NULL && ti->nchain > 0 ?
	    &ti->chain[0] : NULL;
	size_t i;

	rc->time = xstrdup(now);
	rc->via = xstrdup(via_names[rec->via]);
	rc->profile = xstrdup(rec->profile);
	rc->server = xstrdup(rec->host);
	rc->port = rec->port;
	rc->address = xstrdup(r->address);
	rc->policy = xstrdup(tls_mode_name(rec->policy));
	rc->encrypted = r->encrypted;
	if (ti != NULL) {
		rc->tls_version = xstrdup(ti->version);
		rc->cipher = xstrdup(ti->cipher);
		rc->verified = ti->verified;
		rc->pinned = ti->pinned;
	}
	if (leaf != NULL) {
		rc->fingerprint = xstrdup(leaf->fingerprint);
		rc->pubkey = xstrdup(leaf->pubkey);
	}
	rc->fallback = r->fell_back;
	rc->downgrade_memory = rec->remembered;
	rc->auth = xstrdup(r->auth_mech);
	rc->from = xstrdup(rec->from);
	rc->message_id = xstrdup(rec->message_id);
	rc->size = r->size;
	rc->rcpts = r->nrcpts ? xcalloc(r->nrcpts, sizeof *rc->rcpts) : NULL;
	for (i = 0; i < r->nrcpts; i++) {
		rc->rcpts[i].address = xstrdup(r->rcpts[i].address);
		rc->rcpts[i].code = r->rcpts[i].code;
		rc->rcpts[i].text = xstrdup(r->rcpts[i].text);
	}
	rc->nrcpts = r->nrcpts;
	rc->reply_code = r->final_code;
	rc->reply_text = xstrdup(r->final_text);
	rc->queue_id = xstrdup(r->queue_id);
	rc->outbox_id = xstrdup(rec->outbox_id);
	return rc;
}

/* Appends "; more" to the warning already there. */
static void
warn_add(struct err *warn, const char *more)
{
	char old[sizeof warn->msg];

	if (warn->msg[0] == '\0') {
		err_set(warn, "%s", more);
		return;
	}
	snprintf(old, sizeof old, "%s", warn->msg);
	err_set(warn, "%s; %s", old, more);
}

int
record_after(struct record *rec, const struct result *r,
    struct receipt **receipt, struct err *warn)
{
	char now[SERVERS_TIME_LEN + 1];
	struct receipt *rc = NULL;
	struct err e;
	int status = 0;

	err_clear(warn);
	if (receipt != NULL)
		*receipt = NULL;
	if (rec->done)
		return 0;
	rec->done = true;
	rec->downgrade = r->reason != NULL && strcmp(r->reason, "tls_downgrade") == 0;
	servers_time_now(now);
	if (!rec->ephemeral && trusted(rec, r)) {
		const struct tls_info *ti = r->tls;
		const char *group;
		struct server_mem m;

		memset(&m, 0, sizeof m);
		m.host = rec->host;
		m.port = rec->port;
		snprintf(m.how, sizeof m.how, "%s", rec->policy == TLS_IMPLICIT ?
		    "implicit" : "starttls");
		snprintf(m.trust, sizeof m.trust, "%s", ti->verified ? "verified" :
		    "pinned");
		snprintf(m.first_seen, sizeof m.first_seen, "%s", now);
		snprintf(m.last_seen, sizeof m.last_seen, "%s", now);
		m.pubkey = ti->chain[0].pubkey;
		if ((group = tls_group_iana(ti->group)) != NULL)
			snprintf(m.group, sizeof m.group, "%s", group);
		rec->key_changed = rec->remembered && (rec->before.pubkey == NULL ||
		    m.pubkey == NULL || strcmp(rec->before.pubkey, m.pubkey) != 0);
		err_clear(&e);
		if (servers_remember(rec->servers_path, &m, &e) == -1) {
			warn_add(warn, e.msg);
			status = -1;
		} else
			rec->remembered_now = true;
	}
	if (r->sent) {
		rc = receipt_make(rec, r, now);
		err_clear(&e);
		if (!rec->ephemeral && receipts_append(rec->receipts_path, rc, &e) == -1) {
			char *m = xasprintf(_("the receipt was not written: %s"), e.msg);

			warn_add(warn, m);
			free(m);
			status = -1;
		}
	}
	if (receipt != NULL)
		*receipt = rc;
	else
		receipt_free(rc);
	return status;
}

static const char *
trust_words(const struct server_mem *m)
{
	return strcmp(m->trust, "pinned") == 0 ? _("certificate pinned") :
	    _("certificate verified");
}

char *
record_memory_words(const struct record *rec)
{
	const struct server_mem *b = &rec->before;

	if (rec->ephemeral)
		return xstrdup(_("not kept for the demo server"));
	if (rec->unreadable)
		return xstrdup(_("unknown: the memory could not be read"));
	if (rec->downgrade)
		return xasprintf(_("TLS (%s, %s) was negotiated here from %s to "
		    "%s, and this session found none: nothing was sent"), b->how,
		    trust_words(b), b->first_seen, b->last_seen);
	if (rec->remembered_now && !rec->remembered)
		return xstrdup(_("remembered from now on: a later opportunistic "
		    "session that finds no TLS here sends nothing"));
	if (rec->remembered_now && rec->key_changed)
		return xasprintf(_("remembered anew with the new public key (the "
		    "one seen from %s to %s was another)"), b->first_seen,
		    b->last_seen);
	if (rec->remembered_now)
		return xasprintf(_("TLS with a trusted certificate seen here since "
		    "%s, and again now"), b->first_seen);
	if (rec->remembered)
		return xasprintf(_("TLS (%s, %s) seen here from %s to %s"), b->how,
		    trust_words(b), b->first_seen, b->last_seen);
	if (rec->insecure && rec->done)
		return xstrdup(_("not remembered: a session with --insecure never "
		    "is"));
	return xstrdup(_("not remembered: no TLS with a verified or pinned "
	    "certificate seen here yet"));
}

const char *
record_server(const struct record *rec)
{
	return rec->name;
}

void
record_free(struct record *rec)
{
	if (rec == NULL)
		return;
	free(rec->profile);
	free(rec->host);
	free(rec->name);
	free(rec->servers_path);
	free(rec->receipts_path);
	servers_mem_free(&rec->before);
	free(rec->from);
	free(rec->message_id);
	free(rec->outbox_id);
	free(rec);
}
