/* The SMTP client session (RFC 5321 with STARTTLS 3207, AUTH 4954,
 * PIPELINING 2920, SIZE 1870, 8BITMIME 6152, SMTPUTF8 6531, CHUNKING 3030):
 * the seed program's opportunistic-TLS behaviour turned into explicit
 * policies, with every step reported as an event. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/maildir.h"
#include "mail/msg.h"
#include "net/conn.h"
#include "net/reply.h"
#include "net/sasl.h"
#include "net/secret.h"
#include "net/server.h"
#include "net/smtp.h"
#include "net/tls.h"

#define CAP_PIPELINING	0x001
#define CAP_SIZE	0x002
#define CAP_8BITMIME	0x004
#define CAP_SMTPUTF8	0x008
#define CAP_STARTTLS	0x010
#define CAP_AUTH	0x020
#define CAP_CHUNKING	0x040
#define CAP_DSN		0x080
#define CAP_ENHANCED	0x100

#define OUTBUF		65536		/* four full TLS records per write */
#define GREETING_GRACE	3		/* seconds of silence before asking
					 * whether the port speaks TLS first */
#define BDAT_CHUNK	(256 * 1024)
#define BDAT_WINDOW	16		/* chunks in flight: 4 MiB per round trip */

struct session {
	struct smtp_job *job;
	event_fn fn;
	void *arg;
	atomic_bool *cancel;
	const struct conn_ops *ops;
	double t0;
	struct conn *c;
	struct reply_parser *rp;
	struct result *res;
	const char *stage;
	char helo[256];
	char addr[64];
	/* What the last EHLO said. */
	unsigned caps;
	unsigned long long size_limit;
	char *auth_mechs;
	bool failed;		/* an error event was emitted */
	bool greeted;		/* the server said 220: it could be reached */
	bool committed;		/* what completes the message was written */
	bool answered;		/* the failure being recorded is a reply */
	struct err tls_err;	/* why the last handshake failed */
	/* The timeline: spans in order, the last one open while tl_open. */
	struct tl_span *tl;
	size_t ntl;
	bool tl_open;
};

static void quit(struct session *s, bool already_sent);
static void drain(struct session *s, size_t n);

static const char *const tls_names[] = { "off", "opportunistic", "starttls", "implicit" };

int
tls_mode_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof tls_names / sizeof tls_names[0]; i++)
		if (strcasecmp(s, tls_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
tls_mode_name(enum tls_mode m)
{
	return tls_names[m];
}

int
smtp_timeout_parse(const char *s, int *secs)
{
	int v = 0;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > SMTP_TIMEOUT_MAX)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > SMTP_TIMEOUT_MAX)
		return -1;
	*secs = v;
	return 0;
}

void
smtp_job_init(struct smtp_job *job)
{
	memset(job, 0, sizeof *job);
	job->tls = TLS_OPPORTUNISTIC;
	job->tls_min = 12;
	job->timeout = 30;
}

void
smtp_job_free(struct smtp_job *job)
{
	free(job->host);
	free(job->ca_file);
	free(job->fingerprint);
	free(job->pin_pubkey);
	free(job->user);
	secret_free(job->password);
	free(job->password_cmd);
	free(job->auth_mech);
	free(job->helo);
	free(job->sent_maildir);
	msg_free(job->msg);
	free(job->memory.last_seen);
	free(job->memory.pubkey);
	free(job->memory.group);
	memset(job, 0, sizeof *job);
}

int
smtp_server_parse(const char *server, bool tls_given, char **host, int *port,
    enum tls_mode *mode, struct err *e)
{
	int n;

	if (server_split(server, host, &n, e) == -1)
		return -1;
	if (n == 0) {
		/* --tls without a port picks the port; nothing picks both. */
		if (!tls_given)
			n = 25;
		else if (*mode == TLS_IMPLICIT)
			n = 465;
		else if (*mode == TLS_STARTTLS)
			n = 587;
		else
			n = 25;
	} else if (!tls_given)
		*mode = n == 465 ? TLS_IMPLICIT : n == 25 ? TLS_OPPORTUNISTIC : TLS_STARTTLS;
	*port = n;
	return 0;
}

/* --- the timeline */

static void
tl_close(struct session *s)
{
	struct tl_span *sp;

	if (!s->tl_open)
		return;
	sp = &s->tl[s->ntl - 1];
	sp->secs = time_now() - s->t0 - sp->start;
	if (sp->secs < 0)
		sp->secs = 0;
	s->tl_open = false;
}

static void
tl_begin(struct session *s, enum tl_stage st, double start)
{
	tl_close(s);
	s->tl = xrealloc(s->tl, (s->ntl + 1) * sizeof *s->tl);
	s->tl[s->ntl].stage = st;
	s->tl[s->ntl].start = start;
	s->tl[s->ntl].secs = 0;
	s->ntl++;
	s->tl_open = true;
}

/* Where the session is: s->stage (a failure's JSON `stage`) and the
 * timeline's span, from one table. */
static void
set_stage(struct session *s, const char *stage)
{
	static const struct {
		const char *stage;
		enum tl_stage tl;
	} map[] = {
		{ "connect", TL_DNS }, { "greeting", TL_GREETING },
		{ "ehlo", TL_EHLO }, { "starttls", TL_STARTTLS },
		{ "tls", TL_HANDSHAKE }, { "auth", TL_AUTH },
		{ "mail", TL_ENVELOPE }, { "rcpt", TL_ENVELOPE },
		{ "data", TL_DATA }, { "data_end", TL_FINAL },
	};
	size_t i;

	s->stage = stage;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].stage, stage) == 0) {
			if (!s->tl_open || s->tl[s->ntl - 1].stage != map[i].tl)
				tl_begin(s, map[i].tl, time_now() - s->t0);
			return;
		}
}

/* The connection is up: the open DNS span ends after the resolver's
 * time, and connecting took the rest. */
static void
tl_connected(struct session *s, double dns)
{
	struct tl_span *sp;

	if (!s->tl_open || s->tl[s->ntl - 1].stage != TL_DNS)
		return;
	sp = &s->tl[s->ntl - 1];
	sp->secs = dns;
	s->tl_open = false;
	tl_begin(s, TL_CONNECT, sp->start + dns);
}

/* --- events */

static void
emit(struct session *s, struct event *ev)
{
	ev->t = time_now() - s->t0;
	if (s->fn != NULL)
		s->fn(ev, s->arg);
}

static void
emit_simple(struct session *s, enum ev_type type, const char *text)
{
	struct event ev = { .type = type, .text = (char *)text };

	emit(s, &ev);
}

static void
dialogue(struct session *s, char dir, const char *line, size_t n)
{
	struct event ev = { .type = EV_DIALOGUE, .dir = dir };

	ev.text = xstrndup(line, n);
	emit(s, &ev);
	free(ev.text);
}

/* Records the failure once: the first error is the one that matters. */
static int
fail(struct session *s, struct err *e)
{
	struct event ev = { .type = EV_ERROR };

	if (s->failed)
		return -1;
	s->failed = true;
	ev.stage = s->stage;
	ev.reason = e->reason != NULL ? e->reason : "protocol";
	/* Once what completes the message is on its way, a failure that is
	 * not the server's answer leaves its fate unknown, whatever was
	 * being waited for. */
	if (s->committed && !s->answered)
		ev.stage = "data_end";
	ev.text = e->msg;
	s->res->reason = ev.reason;
	s->res->stage = ev.stage;
	s->res->detail = e->detail;
	free(s->res->message);
	s->res->message = xstrdup(e->msg);
	/* What the words of the failure need (app/explain.c). */
	ev.result = s->res;
	emit(s, &ev);
	return -1;
}

static int
failf(struct session *s, const char *reason, const char *msg)
{
	struct err e = { 0 };

	e.reason = reason;
	snprintf(e.msg, sizeof e.msg, "%s", msg);
	return fail(s, &e);
}

/* --- the wire */

static int
send_raw(struct session *s, const char *data, size_t n)
{
	struct err e = { 0 };

	if (conn_write(s->c, data, n, &e) == -1)
		return fail(s, &e);
	return 0;
}

/* Appends one command to out and reports it; secret parts are shown as
 * the redacted form instead. */
static void
cmd_add(struct session *s, struct buf *out, const char *line, const char *shown)
{
	buf_adds(out, line);
	buf_adds(out, "\r\n");
	dialogue(s, '>', shown != NULL ? shown : line, strlen(shown != NULL ? shown : line));
}

static int
cmd(struct session *s, const char *line)
{
	struct buf b;
	int rc;

	buf_init(&b);
	cmd_add(s, &b, line, NULL);
	rc = send_raw(s, b.data, b.len);
	buf_free(&b);
	return rc;
}

static int
get_reply(struct session *s, struct reply *r)
{
	struct err e = { 0 };
	const char *data;
	size_t len, used, i;

	for (;;) {
		data = conn_data(s->c, &len);
		if (len > 0) {
			switch (reply_feed(s->rp, data, len, &used, r, &e)) {
			case REPLY_DONE:
				conn_consume(s->c, used);
				for (i = 0; i < r->nlines; i++) {
					char *l = xasprintf("%d%c%s", r->code,
					    i + 1 < r->nlines ? '-' : ' ', r->lines[i]);

					dialogue(s, '<', l, strlen(l));
					free(l);
				}
				return 0;
			case REPLY_ERROR:
				conn_consume(s->c, used);
				return fail(s, &e);
			case REPLY_MORE:
				conn_consume(s->c, used);
				break;
			}
		}
		if (conn_fill(s->c, &e) == -1)
			return fail(s, &e);
	}
}

/* Server text as a failure message quotes it: escaped here, once, so
 * that messages are safe to show as they are (doc/design.md). */
static char *
quoted(const char *text)
{
	return str_escape(text != NULL ? text : "", text != NULL ? strlen(text) : 0);
}

/* A failure message quoting the server's own words. */
static int
fail_reply(struct session *s, const char *reason, const char *what,
    const struct reply *r)
{
	struct buf joined;
	char *text, *msg;
	size_t i;
	int rc;

	buf_init(&joined);
	for (i = 0; i < r->nlines; i++) {
		if (i > 0)
			buf_addc(&joined, ' ');
		buf_adds(&joined, r->lines[i]);
	}
	text = quoted(buf_cstr(&joined));
	buf_free(&joined);
	s->res->code = r->code;
	snprintf(s->res->enh, sizeof s->res->enh, "%s", r->enh);
	msg = xasprintf(_("%s: the server answered %d %s"), what, r->code, text);
	if (!s->failed)
		s->res->code = r->code;
	s->answered = true;
	rc = failf(s, reason, msg);
	s->answered = false;
	free(text);
	free(msg);
	return rc;
}

/* --- the downgrade memory */

/* Whether the memory stands between this session and plain text: only
 * opportunistic would send without TLS, and only a remembered server
 * says TLS was there before. */
static bool
downgrade_watched(const struct session *s)
{
	return s->job->tls == TLS_OPPORTUNISTIC && s->job->memory.last_seen != NULL;
}

/* HOST:PORT as the memory and `missive servers` write it. */
static char *
server_name(const struct smtp_job *j)
{
	return strchr(j->host, ':') != NULL ? xasprintf("[%s]:%d", j->host, j->port) :
	    xasprintf("%s:%d", j->host, j->port);
}

enum downgrade { DG_STRIPPED, DG_REFUSED, DG_HANDSHAKE };

/* Nothing goes in plain text to a server that did TLS before (RFC 8314
 * 5.1): the failure says what happened and when TLS was last seen there
 * (detail: how TLS went missing); what to do next is app/explain.c's. */
static int
fail_downgrade(struct session *s, enum downgrade how, const char *detail)
{
	char *name = server_name(s->job);
	const char *seen = s->job->memory.last_seen;
	struct err me = { 0 };

	switch (how) {
	case DG_STRIPPED:
		me.detail = "starttls_stripped";
		err_setr(&me, "tls_downgrade", _("%s does not offer STARTTLS now, "
		    "but it negotiated TLS with a trusted certificate when missive "
		    "last saw it (%s): someone on the path may be removing TLS to "
		    "read the mail"), name, seen);
		break;
	case DG_REFUSED:
		me.detail = "starttls_refused";
		err_setr(&me, "tls_downgrade", _("%s refused STARTTLS (%s), but it "
		    "negotiated TLS with a trusted certificate when missive last saw "
		    "it (%s): someone on the path may be blocking TLS to read the "
		    "mail"), name, detail, seen);
		break;
	default:
		me.detail = "tls_broken";
		err_setr(&me, "tls_downgrade", _("the TLS handshake with %s failed "
		    "(%s), but it negotiated TLS with a trusted certificate when "
		    "missive last saw it (%s): someone on the path may be breaking "
		    "TLS to read the mail, so there is no fallback to plain text"),
		    name, detail, seen);
		break;
	}
	free(name);
	return fail(s, &me);
}

/* After a handshake: a key other than the remembered one is said, once
 * the new certificate is known to be trusted or not. */
static void
key_check(struct session *s, const struct tls_info *ti)
{
	const char *old = s->job->memory.pubkey, *now;
	char *msg;

	if (old == NULL || ti->nchain == 0 || ti->chain[0].pubkey == NULL)
		return;
	now = ti->chain[0].pubkey;
	if (strcmp(old, now) == 0)
		return;
	if ((ti->verified || ti->pinned) && !s->job->insecure)
		msg = xasprintf(_("the server's public key changed since missive "
		    "last saw it (%s): it was SHA-256 %s, it is now %s. The new "
		    "certificate is trusted, so missive remembers the new key."),
		    s->job->memory.last_seen, old, now);
	else
		msg = xasprintf(_("the server's public key is not the one missive "
		    "remembers from %s (SHA-256 %s; now %s), and this certificate "
		    "is not verified: nothing shows that this is the same server."),
		    s->job->memory.last_seen, old, now);
	emit_simple(s, EV_WARNING, msg);
	free(msg);
}

/* --- capabilities */

static void
caps_parse(struct session *s, const struct reply *r, char ***keep, size_t *nkeep)
{
	size_t i;

	s->caps = 0;
	s->size_limit = 0;
	free(s->auth_mechs);
	s->auth_mechs = NULL;
	*keep = r->nlines > 1 ? xcalloc(r->nlines - 1, sizeof **keep) : NULL;
	*nkeep = 0;
	for (i = 1; i < r->nlines; i++) {
		const char *l = r->lines[i];
		size_t kw = strcspn(l, " =");

		(*keep)[(*nkeep)++] = xstrdup(l);
#define IS(k) (kw == strlen(k) && strncasecmp(l, k, kw) == 0)
		if (IS("PIPELINING"))
			s->caps |= CAP_PIPELINING;
		else if (IS("SIZE")) {
			s->caps |= CAP_SIZE;
			s->size_limit = l[kw] ? strtoull(l + kw + 1, NULL, 10) : 0;
		} else if (IS("8BITMIME"))
			s->caps |= CAP_8BITMIME;
		else if (IS("SMTPUTF8"))
			s->caps |= CAP_SMTPUTF8;
		else if (IS("STARTTLS"))
			s->caps |= CAP_STARTTLS;
		else if (IS("CHUNKING"))
			s->caps |= CAP_CHUNKING;
		else if (IS("DSN"))
			s->caps |= CAP_DSN;
		else if (IS("ENHANCEDSTATUSCODES"))
			s->caps |= CAP_ENHANCED;
		else if (IS("AUTH")) {
			/* "AUTH=LOGIN PLAIN" is the pre-RFC form of old servers. */
			const char *m = l[kw] ? l + kw + 1 : "";
			char *joined = s->auth_mechs ?
			    xasprintf("%s %s", s->auth_mechs, m) : xstrdup(m);

			free(s->auth_mechs);
			s->auth_mechs = joined;
			s->caps |= CAP_AUTH;
		}
#undef IS
	}
}

static void
caps_keep(char ***dst, size_t *ndst, char **caps, size_t ncaps)
{
	size_t i;

	for (i = 0; i < *ndst; i++)
		free((*dst)[i]);
	free(*dst);
	*dst = caps;
	*ndst = ncaps;
}

/* EHLO, or HELO when the server refuses EHLO (the seed's path). */
static int
hello(struct session *s)
{
	struct event ev = { .type = EV_EHLO };
	struct reply r = { 0 };
	char **caps;
	size_t ncaps;
	char *line;
	int rc;

	set_stage(s, "ehlo");
	line = xasprintf("EHLO %s", s->helo);
	rc = cmd(s, line);
	free(line);
	if (rc == -1 || get_reply(s, &r) == -1)
		return -1;
	if (r.code / 100 == 5) {
		reply_free(&r);
		emit_simple(s, EV_HELO, NULL);
		line = xasprintf("HELO %s", s->helo);
		rc = cmd(s, line);
		free(line);
		if (rc == -1 || get_reply(s, &r) == -1)
			return -1;
		if (r.code / 100 != 2) {
			rc = fail_reply(s, "server_error", _("HELO"), &r);
			reply_free(&r);
			return rc;
		}
		s->caps = 0;
		s->size_limit = 0;
		free(s->auth_mechs);
		s->auth_mechs = NULL;
		reply_free(&r);
		return 0;
	}
	if (r.code / 100 != 2) {
		rc = fail_reply(s, "server_error", _("EHLO"), &r);
		reply_free(&r);
		return rc;
	}
	caps_parse(s, &r, &caps, &ncaps);
	reply_free(&r);
	ev.caps = caps;
	ev.ncaps = ncaps;
	ev.tls = conn_is_tls(s->c);
	emit(s, &ev);
	/* A fallback's second connection says hello again: the newest
	 * answer is the one kept. */
	if (conn_is_tls(s->c))
		caps_keep(&s->res->caps_tls, &s->res->ncaps_tls, caps, ncaps);
	else
		caps_keep(&s->res->caps_plain, &s->res->ncaps_plain, caps, ncaps);
	return 0;
}

/* --- TLS */

static void
tls_cfg_of(const struct session *s, struct tls_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->ca_file = s->job->ca_file;
	cfg->fingerprint = s->job->fingerprint;
	cfg->pin_pubkey = s->job->pin_pubkey;
	cfg->insecure = s->job->insecure || s->job->probe;
	cfg->tls_min = s->job->tls_min;
	cfg->timeout = s->job->timeout;
	cfg->port = s->job->port;
	/* A probe is there to see the certificate and what a first
	 * handshake gets: never resumed, the usual key shares. */
	cfg->resume = s->job->probe ? NULL : s->job->resume;
	cfg->share_group = s->job->probe ? NULL : s->job->memory.group;
}

/* Handshakes and reports. 0 when TLS is up; 1 when it failed in a way
 * that may fall back (may_fall_back, and a handshake that failed or
 * hung: never a certificate, a configuration error or a cancel), which
 * is then no failure of the session (s->tls_err says why); else -1,
 * reported. */
static int
handshake(struct session *s, bool may_fall_back)
{
	struct tls_cfg cfg;
	struct tls_info *ti = NULL;
	struct err e = { 0 };
	struct event ev = { .type = EV_TLS };
	bool soft;
	int rc;

	set_stage(s, "tls");
	tls_cfg_of(s, &cfg);
	rc = conn_starttls(s->c, &cfg, s->job->host, &ti, &e);
	if (ti != NULL) {
		/* A probe handshakes regardless of trust, to see everything;
		 * it must not claim the user asked for --insecure. */
		if (s->job->probe && !s->job->insecure)
			ti->insecure = false;
		ev.tls_info = ti;
		emit(s, &ev);
		tls_info_free(s->res->tls);
		s->res->tls = ti;
		if (rc == 0 && ti->insecure && !ti->verified)
			emit_simple(s, EV_WARNING, _("--insecure: the certificate was NOT "
			    "verified; anyone on the path could read this session"));
		if (rc == 0)
			key_check(s, ti);
	}
	if (rc == -1) {
		soft = e.reason != NULL && (strcmp(e.reason, "tls_handshake") == 0 ||
		    strcmp(e.reason, "timeout") == 0);
		if (soft && (may_fall_back || strcmp(e.reason, "tls_handshake") == 0)) {
			struct event f = { .type = EV_TLS_FAILED, .text = e.msg };

			emit(s, &f);
		}
		/* A handshake that breaks or hangs is what would lead to a
		 * fallback: not with a server that did TLS before. */
		if (soft && downgrade_watched(s))
			return fail_downgrade(s, DG_HANDSHAKE, e.msg);
		if (soft && may_fall_back) {
			s->tls_err = e;
			return 1;
		}
		return fail(s, &e);
	}
	s->res->encrypted = true;
	return 0;
}

enum outcome { OK, FAILED, FALLBACK };

static enum outcome
starttls(struct session *s)
{
	struct reply r = { 0 };
	size_t junk;
	char *msg;
	int rc;

	set_stage(s, "starttls");
	emit_simple(s, EV_STARTTLS, NULL);
	if (cmd(s, "STARTTLS") == -1 || get_reply(s, &r) == -1)
		return FAILED;
	if (r.code != 220) {
		/* A refusal is not a failed handshake: no fallback (doc/design.md). */
		if (downgrade_watched(s)) {
			char *text = reply_text(&r), *d = xasprintf("%d %s", r.code, text);

			fail_downgrade(s, DG_REFUSED, d);
			free(d);
			free(text);
		} else
			fail_reply(s, s->job->tls == TLS_STARTTLS ? "tls_required" :
			    "tls_handshake", _("STARTTLS"), &r);
		reply_free(&r);
		quit(s, false);
		return FAILED;
	}
	reply_free(&r);
	if (conn_has_unread(s->c)) {
		conn_data(s->c, &junk);
		msg = xasprintf(_("response injection: the server sent data after its "
		    "220 to STARTTLS and before the TLS handshake%s; someone on the "
		    "path may be tampering with the session"),
		    junk > 0 ? "" : _(" (more bytes were waiting)"));
		failf(s, "protocol", msg);
		free(msg);
		return FAILED;
	}
	/* A probe reports what failed rather than trying without TLS. */
	rc = handshake(s, s->job->tls == TLS_OPPORTUNISTIC &&
	    s->job->fallback_plaintext && !s->job->probe);
	if (rc != 0)
		return rc == 1 ? FALLBACK : FAILED;
	/* Nothing learned before TLS survives it. */
	return hello(s) == -1 ? FAILED : OK;
}

/* --- AUTH */

static int
authenticate(struct session *s)
{
	struct smtp_job *j = s->job;
	struct event ev = { .type = EV_AUTH };
	struct reply r = { 0 };
	struct err e = { 0 };
	struct sasl *sa = NULL;
	const char *mech;
	char *secret = NULL, *resp = NULL, *line = NULL, *shown = NULL;
	int rc = -1, rounds = 0;

	set_stage(s, "auth");
	if (!(s->caps & CAP_AUTH))
		return failf(s, "auth", _("a user name is configured but the server "
		    "offers no AUTH; not sending the mail unauthenticated"));
	if (!conn_is_tls(s->c) && !j->allow_plaintext_auth)
		return failf(s, "auth_plaintext_refused", _("refusing to send the "
		    "password over an unencrypted connection (use TLS, or "
		    "--allow-plaintext-auth if you must)"));
	mech = j->auth_mech;
	if (mech != NULL && !sasl_offered(s->auth_mechs, mech)) {
		/* Said before any AUTH is sent: the server would only refuse. */
		struct err me = { 0 };

		char *offered = quoted(s->auth_mechs);

		free(s->res->auth_offered);
		s->res->auth_offered = xstrdup(s->auth_mechs);
		me.detail = "auth_mech";
		err_setr(&me, "auth", _("the server does not offer AUTH %s; it "
		    "offers %s"), mech, offered);
		free(offered);
		return fail(s, &me);
	}
	if (mech == NULL && (mech = sasl_pick(s->auth_mechs)) == NULL) {
		char *offered = quoted(s->auth_mechs);
		char *msg = xasprintf(_("no AUTH mechanism in common: the server "
		    "offers %s"), offered);

		failf(s, "auth", msg);
		free(msg);
		free(offered);
		return -1;
	}
	if (j->password != NULL)
		secret = xstrdup(j->password);
	else if (j->password_cmd != NULL) {
		if (secret_from_cmd(j->password_cmd, j->timeout, &secret, &e) == -1) {
			e.reason = "auth";
			return fail(s, &e);
		}
	} else
		return failf(s, "auth", _("a user name is configured but no password "
		    "(give --password-cmd or password_cmd in the profile)"));
	if ((sa = sasl_new(mech, j->user, secret, j->host, j->port, &e)) == NULL) {
		fail(s, &e);
		goto out;
	}
	ev.mechanism = (char *)sasl_mech(sa);
	if (sasl_step(sa, NULL, &resp, &e) == -1) {
		fail(s, &e);
		goto out;
	}
	{
		/* Not xasprintf: the line carries the secret (util.h). */
		struct buf l;

		buf_init_secret(&l);
		buf_adds(&l, "AUTH ");
		buf_adds(&l, sasl_mech(sa));
		if (resp != NULL) {
			buf_addc(&l, ' ');
			buf_adds(&l, *resp ? resp : "=");
			shown = xasprintf("AUTH %s <redacted>", sasl_mech(sa));
		}
		line = buf_cstr(&l);
	}
	for (;;) {
		struct buf b;

		buf_init_secret(&b);
		cmd_add(s, &b, line, shown);
		rc = send_raw(s, b.data, b.len);
		buf_wipe(&b);
		secret_free(line);
		free(shown);
		secret_free(resp);
		line = shown = resp = NULL;
		if (rc == -1 || (rc = get_reply(s, &r)) == -1)
			goto out;
		if (r.code != 334)
			break;
		if (++rounds > 8) {
			/* No mechanism here needs more: a server that keeps
			 * asking is stalling. */
			reply_free(&r);
			(void)cmd(s, "*");
			rc = failf(s, "auth", _("the server keeps sending AUTH "
			    "challenges; giving up"));
			drain(s, 1);
			goto out;
		}
		if (sasl_step(sa, r.nlines > 0 ? r.lines[0] : "", &resp, &e) == -1) {
			reply_free(&r);
			/* "*" cancels the exchange (RFC 4954 4). */
			(void)cmd(s, "*");
			rc = fail(s, &e);
			drain(s, 1);	/* the server's 501 to the cancel */
			goto out;
		}
		reply_free(&r);
		line = resp;
		resp = NULL;
		shown = xstrdup("<redacted>");
	}
	ev.ok = r.code == 235 && sasl_done_ok(sa);
	ev.code = r.code;
	ev.text = (char *)reply_first(&r);
	snprintf(ev.enh, sizeof ev.enh, "%s", r.enh);
	emit(s, &ev);
	if (r.code != 235)
		rc = fail_reply(s, "auth", _("AUTH"), &r);
	else if (!sasl_done_ok(sa))
		rc = failf(s, "auth", _("the server accepted the login without proving "
		    "it knows the password"));
	else {
		s->res->logged_in = true;
		free(s->res->auth_mech);
		s->res->auth_mech = xstrdup(sasl_mech(sa));
		rc = 0;
	}
	reply_free(&r);
out:
	secret_free(line);
	free(shown);
	secret_free(resp);
	secret_free(secret);
	sasl_free(sa);
	return rc;
}

/* --- the message */

static void
list_add(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* Each RCPT's whole answer, for the receipt. */
static void
rcpt_keep(struct result *res, const char *address, const struct reply *r)
{
	struct rcpt_answer *a;

	res->rcpts = xrealloc(res->rcpts, (res->nrcpts + 1) * sizeof *res->rcpts);
	a = &res->rcpts[res->nrcpts++];
	a->address = xstrdup(address);
	a->code = r->code;
	a->text = reply_text(r);
}

static void
progress(struct session *s, uint64_t sent, uint64_t total, double *last, bool force)
{
	struct event ev = { .type = EV_DATA, .sent_bytes = sent, .total_bytes = total };
	double now = time_now();

	if (!force && now - *last < 0.1)
		return;
	*last = now;
	emit(s, &ev);
}

/* The point of no return: from the next byte on, the server may take the
 * message even if its answer never comes. The job's hook runs first (the
 * outbox marks its entry "maybe sent", durably); when it fails, nothing
 * that completes the message is written and the send fails with its
 * error. */
static int
commit(struct session *s)
{
	struct err e = { 0 };

	if (s->job->before_commit != NULL &&
	    s->job->before_commit(s->job->commit_arg, &e) == -1) {
		if (e.reason == NULL)
			e.reason = "local";
		return fail(s, &e);
	}
	s->committed = true;
	return 0;
}

/* Streams the message after 354 with dot-stuffing, then the final dot
 * (and QUIT with it when pipelining). */
static int
send_data(struct session *s, uint64_t total, bool quit_too)
{
	struct err e = { 0 };
	struct buf out;
	char in[16384];
	bool bol = true;
	uint64_t sent = 0;
	double last = 0;
	ssize_t n;
	int rc = -1;

	buf_init(&out);
	set_stage(s, "data");
	dialogue(s, '>', "<message>", 9);
	for (;;) {
		n = msg_read(s->job->msg, in, sizeof in, &e);
		if (n < 0) {
			fail(s, &e);
			goto out;
		}
		if (n == 0)
			break;
		/* Copy whole lines at a time; only a line start can need a
		 * second dot. */
		for (const char *p = in, *end = in + n; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl != NULL ? nl + 1 : end;

			if (bol && *p == '.')
				buf_addc(&out, '.');
			buf_add(&out, p, (size_t)(stop - p));
			bol = nl != NULL;
			p = stop;
		}
		sent += (uint64_t)n;
		if (out.len >= OUTBUF) {
			if (send_raw(s, out.data, out.len) == -1)
				goto out;
			out.len = 0;
			progress(s, sent, total, &last, false);
		}
		if (s->cancel != NULL && atomic_load(s->cancel)) {
			failf(s, "cancelled", _("cancelled"));
			goto out;
		}
	}
	if (!bol)
		buf_adds(&out, "\r\n");
	buf_adds(&out, ".\r\n");
	dialogue(s, '>', ".", 1);
	if (quit_too) {
		buf_adds(&out, "QUIT\r\n");
		dialogue(s, '>', "QUIT", 4);
	}
	if (commit(s) == -1)
		goto out;
	rc = send_raw(s, out.data, out.len);
	progress(s, sent, total, &last, true);
out:
	buf_free(&out);
	return rc;
}

/* Takes one BDAT reply; -1 (after reporting) unless it is 2xx. */
static int
bdat_reply(struct session *s)
{
	struct reply r = { 0 };
	int rc = 0;

	if (get_reply(s, &r) == -1)
		return -1;
	if (r.code / 100 != 2)
		rc = fail_reply(s, r.code == 552 ? "size" : "server_error", "BDAT", &r);
	reply_free(&r);
	return rc;
}

/* Sends the message as BDAT chunks; the first chunk may already be in
 * flight with MAIL/RCPT (first_sent). With PIPELINING the chunks go back
 * to back (RFC 3030 4.2) and their replies are collected as they arrive,
 * so a long link costs no round trip per chunk; the last reply is left
 * to the caller. */
#define BDAT_HEAD	32	/* room for "BDAT n LAST\r\n" before a chunk */
#define QUIT_LINE	"QUIT\r\n"

static int
send_bdat(struct session *s, uint64_t total, uint64_t first_sent, bool pipe)
{
	struct err e = { 0 };
	struct buf out;
	/* The command, its chunk and (after the last) QUIT go out in one
	 * write, so one TLS record when they fit: the chunk is read in
	 * place after room for its command. */
	char *mem = xmalloc(BDAT_HEAD + BDAT_CHUNK + sizeof QUIT_LINE);
	char *chunk = mem + BDAT_HEAD;
	uint64_t sent = first_sent;
	size_t pending = 0;	/* chunks whose reply has not been read */
	double last = 0;
	int rc = -1;

	buf_init(&out);
	set_stage(s, "data");
	while (sent < total) {
		size_t have = 0;
		ssize_t n;
		bool lastchunk;
		char head[64];

		while (have < BDAT_CHUNK && sent + have < total) {
			n = msg_read(s->job->msg, chunk + have, BDAT_CHUNK - have, &e);
			if (n <= 0) {
				if (n == 0)
					err_setr(&e, "protocol", _("the message ended "
					    "before its announced size"));
				fail(s, &e);
				goto out;
			}
			have += (size_t)n;
		}
		lastchunk = sent + have >= total;
		snprintf(head, sizeof head, "BDAT %zu%s", have, lastchunk ? " LAST" : "");
		out.len = 0;
		cmd_add(s, &out, head, NULL);
		if (lastchunk && commit(s) == -1)
			goto out;
		memcpy(chunk - out.len, out.data, out.len);
		n = (ssize_t)(out.len + have);
		if (lastchunk && pipe) {
			memcpy(chunk + have, QUIT_LINE, strlen(QUIT_LINE));
			n += (ssize_t)strlen(QUIT_LINE);
			dialogue(s, '>', "QUIT", 4);
		}
		if (send_raw(s, chunk - out.len, (size_t)n) == -1)
			goto out;
		sent += have;
		pending++;
		progress(s, sent, total, &last, lastchunk);
		/* Without PIPELINING each chunk waits for its answer. With
		 * it, answers are taken as they arrive and at most
		 * BDAT_WINDOW chunks are unanswered; the last answer is the
		 * caller's. */
		if (!pipe && !lastchunk) {
			if (bdat_reply(s) == -1)
				goto out;
			pending--;
		}
		while (pipe && pending > 1 && (lastchunk || pending > BDAT_WINDOW ||
		    conn_has_unread(s->c))) {
			if (bdat_reply(s) == -1)
				goto out;
			pending--;
		}
		if (s->cancel != NULL && atomic_load(s->cancel)) {
			failf(s, "cancelled", _("cancelled"));
			goto out;
		}
	}
	rc = 0;
out:
	free(mem);
	buf_free(&out);
	return rc;
}

/* Reads and drops n replies (after a failure, to stay in step). */
static void
drain(struct session *s, size_t n)
{
	struct reply r = { 0 };
	bool was_failed = s->failed;

	s->failed = true;
	while (n-- > 0 && get_reply(s, &r) == 0)
		reply_free(&r);
	s->failed = was_failed;
}

static void
quit(struct session *s, bool already_sent)
{
	struct reply r = { 0 };
	bool was_failed = s->failed;

	tl_close(s);		/* QUIT is not a stage of the session */
	s->failed = true;	/* errors after the end are not the outcome */
	if ((already_sent || cmd(s, "QUIT") == 0) && get_reply(s, &r) == 0)
		reply_free(&r);
	s->failed = was_failed;
}

static int
transaction(struct session *s)
{
	struct smtp_job *j = s->job;
	struct msg *m = j->msg;
	struct err e = { 0 };
	struct reply r = { 0 };
	struct buf out;
	size_t i, nrcpt = msg_env_count(m);
	unsigned flags = 0;
	uint64_t size, first_chunk = 0;
	bool pipe = (s->caps & CAP_PIPELINING) != 0;
	bool chunking = (s->caps & CAP_CHUNKING) != 0;
	bool utf8 = msg_needs_smtputf8(m);
	bool data_sent = false, bdat_joined = false, quit_sent = false, go_data;
	char *line, *chunkbuf = NULL;
	int rc = -1;

	set_stage(s, "mail");
	if (utf8 && !(s->caps & CAP_SMTPUTF8))
		return failf(s, "protocol", _("an address needs SMTPUTF8 (non-ASCII), "
		    "which this server does not offer"));
	if (s->caps & CAP_8BITMIME)
		flags |= MSG_8BIT;
	if (utf8)
		flags |= MSG_UTF8;
	if (msg_start(m, flags, &e) == -1)
		return fail(s, &e);
	/* A message made elsewhere may carry raw UTF-8 in its header (RFC
	 * 6532): known once it is started. */
	if (!utf8 && msg_needs_smtputf8(m)) {
		if (!(s->caps & CAP_SMTPUTF8))
			return failf(s, "protocol", _("the message's header holds "
			    "UTF-8 (RFC 6532), which needs SMTPUTF8; this server "
			    "does not offer it"));
		utf8 = true;
	}
	size = msg_size(m);
	s->res->size = size;
	if ((s->caps & CAP_SIZE) && s->size_limit > 0 && size > s->size_limit) {
		char *msg = xasprintf(_("the message is %llu bytes; the server accepts "
		    "at most %llu"), (unsigned long long)size, s->size_limit);

		failf(s, "size", msg);
		free(msg);
		return -1;
	}

	buf_init(&out);
	{
		struct buf l;

		buf_init(&l);
		buf_addf(&l, "MAIL FROM:<%s>", msg_env_from(m));
		if (s->caps & CAP_SIZE)
			buf_addf(&l, " SIZE=%llu", (unsigned long long)size);
		if (msg_is_8bit(m) && (s->caps & CAP_8BITMIME))
			buf_adds(&l, " BODY=8BITMIME");
		if (utf8)
			buf_adds(&l, " SMTPUTF8");
		cmd_add(s, &out, buf_cstr(&l), NULL);
		buf_free(&l);
	}
	/* Without PIPELINING, one command, one answer: the RCPTs follow
	 * one by one below. */
	for (i = 0; pipe && i < nrcpt; i++) {
		line = xasprintf("RCPT TO:<%s>", msg_env_rcpt(m, i));
		cmd_add(s, &out, line, NULL);
		free(line);
	}
	/* MAIL, every RCPT and DATA in one write; BDAT LAST joins them when
	 * the whole message fits and a refusal cannot leave a partial
	 * delivery we did not want. */
	if (pipe && !chunking) {
		cmd_add(s, &out, "DATA", NULL);
		data_sent = true;
	} else if (pipe && chunking && size <= BDAT_CHUNK && (nrcpt == 1 || j->partial)) {
		ssize_t n;
		size_t have = 0;

		chunkbuf = xmalloc(size ? size : 1);
		while (have < size) {
			n = msg_read(m, chunkbuf + have, size - have, &e);
			if (n <= 0) {
				if (n == 0)
					err_setr(&e, "protocol", _("the message ended before its "
					    "announced size"));
				fail(s, &e);
				goto out;
			}
			have += (size_t)n;
		}
		line = xasprintf("BDAT %llu LAST", (unsigned long long)size);
		cmd_add(s, &out, line, NULL);
		free(line);
		buf_add(&out, chunkbuf, size);
		first_chunk = size;
		bdat_joined = true;
		/* Nothing is left to say after it: QUIT joins too. */
		cmd_add(s, &out, "QUIT", NULL);
		quit_sent = true;
		if (commit(s) == -1)
			goto out;
	}
	if (send_raw(s, out.data, out.len) == -1)
		goto out;

	/* MAIL */
	if (get_reply(s, &r) == -1)
		goto out;
	if (r.code / 100 != 2) {
		fail_reply(s, r.code == 552 ? "size" : "server_error", "MAIL FROM", &r);
		reply_free(&r);
		/* The rest of the flight is answered too: take those answers,
		 * or QUIT's reply would be one of them. */
		if (pipe)
			drain(s, nrcpt + (data_sent || bdat_joined ? 1 : 0));
		goto abort;
	}
	reply_free(&r);
	/* RCPT, one answer each */
	set_stage(s, "rcpt");
	for (i = 0; i < nrcpt; i++) {
		struct event ev = { .type = EV_RCPT };

		if (!pipe) {
			line = xasprintf("RCPT TO:<%s>", msg_env_rcpt(m, i));
			rc = cmd(s, line);
			free(line);
			if (rc == -1) {
				rc = -1;
				goto out;
			}
			rc = -1;
		}
		if (get_reply(s, &r) == -1)
			goto out;
		ev.address = (char *)msg_env_rcpt(m, i);
		ev.code = r.code;
		ev.text = (char *)reply_first(&r);
		snprintf(ev.enh, sizeof ev.enh, "%s", r.enh);
		ev.accepted = r.code / 100 == 2;
		emit(s, &ev);
		rcpt_keep(s->res, ev.address, &r);
		if (ev.accepted)
			list_add(&s->res->accepted, &s->res->naccepted, ev.address);
		else {
			/* The last refusal's code is what the words decode. */
			s->res->code = r.code;
			snprintf(s->res->enh, sizeof s->res->enh, "%s", r.enh);
			list_add(&s->res->refused, &s->res->nrefused, ev.address);
			/* The last refusal's code is what the words decode. */
			s->res->code = r.code;
			if (r.code / 100 == 4)
				s->res->nrefused_temp++;
		}
		reply_free(&r);
	}
	go_data = s->res->naccepted > 0 && (s->res->nrefused == 0 || j->partial);
	if (!go_data) {
		char *msg = s->res->naccepted == 0 ?
		    xasprintf(_("the server refused every recipient")) :
		    xasprintf(ngettext("the server refused %zu recipient; nothing "
		    "was sent", "the server refused %zu recipients; nothing was "
		    "sent", s->res->nrefused), s->res->nrefused);

		s->answered = true;	/* the RCPT replies said it */
		failf(s, "rcpt_refused", msg);
		s->answered = false;
		free(msg);
	}
	set_stage(s, "data");
	if (data_sent) {
		if (get_reply(s, &r) == -1)
			goto out;
		if (r.code != 354) {
			if (go_data)
				fail_reply(s, "server_error", "DATA", &r);
			reply_free(&r);
			goto abort;
		}
		reply_free(&r);
		if (!go_data) {
			/* The server waits for the message; ending the
			 * connection without the final dot discards it. */
			goto out;
		}
	} else if (bdat_joined) {
		if (go_data)
			set_stage(s, "data_end");
		if (get_reply(s, &r) == -1)
			goto out;
		if (r.code / 100 != 2 || !go_data) {
			/* With every recipient refused the outcome is that,
			 * whatever a broken server says of the chunk: nobody
			 * gets the message. */
			if (go_data)
				fail_reply(s, r.code == 552 ? "size" : "server_error", "BDAT", &r);
			reply_free(&r);
			goto abort;
		}
		/* Sent already: the data went with the flight. */
		struct event ev = { .type = EV_DATA, .sent_bytes = size, .total_bytes = size };
		emit(s, &ev);
		goto final;
	} else if (!go_data)
		goto abort;
	else if (!chunking) {
		if (cmd(s, "DATA") == -1 || get_reply(s, &r) == -1)
			goto out;
		if (r.code != 354) {
			fail_reply(s, "server_error", "DATA", &r);
			reply_free(&r);
			goto abort;
		}
		reply_free(&r);
	}
	if (chunking) {
		if (send_bdat(s, size, first_chunk, pipe) == -1)
			goto out;
	} else if (send_data(s, size, pipe) == -1)
		goto out;
	quit_sent = pipe;	/* it went with the end of the message */
	/* The message is out: a failure from here leaves its fate unknown. */
	set_stage(s, "data_end");
	if (get_reply(s, &r) == -1)
		goto out;
final:
	if (r.code / 100 != 2) {
		fail_reply(s, r.code == 552 ? "size" : "server_error",
		    _("after the message"), &r);
		reply_free(&r);
		goto abort;
	}
	{
		struct event ev = { .type = EV_SENT, .code = r.code };

		/* The line a user searches the server's logs with. */
		ev.text = (char *)reply_queue_line(&r);
		ev.queue_id = reply_queue_id(&r);
		snprintf(ev.enh, sizeof ev.enh, "%s", r.enh);
		s->res->sent = true;
		s->res->final_code = r.code;
		s->res->final_text = reply_text(&r);
		s->res->queue_id = xstrdup(ev.queue_id);
		tl_close(s);
		emit(s, &ev);
		free(ev.queue_id);
	}
	reply_free(&r);
	quit(s, pipe);
	if (j->sent_maildir != NULL) {
		/* The copy is the message as sent; failing to keep it does not
		 * unsend it, so it is a warning. */
		if (maildir_store(m, flags, j->sent_maildir, &s->res->sent_copy, &e) == -1)
			emit_simple(s, EV_WARNING, e.msg);
	}
	rc = 0;
	goto out;
abort:
	quit(s, quit_sent);
out:
	free(chunkbuf);
	buf_free(&out);
	return rc;
}

/* --- one connection from connect to QUIT */

/* Waits for the first bytes of the greeting. A port that speaks TLS from
 * the first byte says nothing until it hears a ClientHello: after a short
 * silence a second connection asks it, and such a port is named at once
 * instead of after the whole timeout. */
static int
greeting_wait(struct session *s)
{
	struct smtp_job *j = s->job;
	struct err e = { 0 };
	double t = time_now(), deadline = t + j->timeout;
	int grace = j->timeout / 2, left;

	if (grace > GREETING_GRACE)
		grace = GREETING_GRACE;
	if (grace < 1)
		grace = 1;
	if (conn_has_unread(s->c) || conn_fill_within(s->c, grace, &e) == 0)
		return 0;
	if (e.reason == NULL || strcmp(e.reason, "timeout") != 0)
		return fail(s, &e);
	/* Only a silence that lasted is a sign (a test transport that has
	 * nothing to say answers at once). */
	if (time_now() - t >= grace - 0.5 &&
	    conn_speaks_tls(s->ops, j->host, j->port, grace, s->cancel)) {
		err_clear(&e);
		e.detail = "implicit_tls_port";
		err_setr(&e, "tls_handshake", _("the server said nothing for %d "
		    "seconds, and a TLS handshake on a second connection got an "
		    "answer: port %d speaks TLS from the first byte"), grace, j->port);
		return fail(s, &e);
	}
	left = (int)(deadline - time_now() + 0.999);
	err_clear(&e);
	if (left < 1) {
		err_setr(&e, "timeout", _("%s: the server did not answer in time"),
		    _("reading from the server"));
		return fail(s, &e);
	}
	return conn_fill_within(s->c, left, &e) == 0 ? 0 : fail(s, &e);
}

/* A probe passes only with a certificate the policy would accept: one
 * that verified or is pinned. Judged before any AUTH, so a password
 * never goes to a server that failed it. */
static int
probe_judge(struct session *s)
{
	const struct tls_info *ti = s->res->tls;

	if (ti == NULL || ti->verified || ti->pinned)
		return 0;
	return failf(s, "cert_verify", _("the certificate would not be accepted"));
}

static enum outcome
attempt(struct session *s, bool plain)
{
	struct smtp_job *j = s->job;
	struct event ev = { .type = EV_CONNECT };
	struct err e = { 0 };
	struct reply r = { 0 };
	enum outcome o;
	bool starttls_wanted = !plain &&
	    (j->tls == TLS_OPPORTUNISTIC || j->tls == TLS_STARTTLS);

	set_stage(s, "connect");
	s->c = conn_open(s->ops, j->host, j->port, j->timeout, s->cancel,
	    s->addr, sizeof s->addr, &e);
	if (s->c == NULL) {
		fail(s, &e);
		return FAILED;
	}
	tl_connected(s, conn_dns_secs(s->c));
	ev.host = j->host;
	ev.port = j->port;
	ev.address = s->addr;
	free(s->res->address);
	s->res->address = xstrdup(s->addr);
	emit(s, &ev);
	reply_parser_free(s->rp);
	s->rp = reply_parser_new();
	if (j->tls == TLS_IMPLICIT && handshake(s, false) != 0)
		return FAILED;
	if (starttls_wanted) {
		/* The trust anchors and key pairs are made while the server
		 * prepares its greeting (often the slowest reply of all). */
		struct tls_cfg cfg;

		tls_cfg_of(s, &cfg);
		conn_tls_prepare(s->c, &cfg, j->host);
	}

	set_stage(s, "greeting");
	if ((j->tls != TLS_IMPLICIT && greeting_wait(s) == -1) ||
	    get_reply(s, &r) == -1)
		return FAILED;
	{
		struct event g = { .type = EV_GREETING, .code = r.code };
		char *text = reply_text(&r);

		g.text = text;
		emit(s, &g);
		free(text);
	}
	if (r.code != 220) {
		fail_reply(s, "server_error", _("greeting"), &r);
		reply_free(&r);
		quit(s, false);
		return FAILED;
	}
	reply_free(&r);
	s->greeted = true;
	if (hello(s) == -1)
		return FAILED;

	if (starttls_wanted) {
		if (s->caps & CAP_STARTTLS) {
			o = starttls(s);
			if (o != OK)
				return o;
		} else if (j->tls == TLS_STARTTLS) {
			struct err me = { 0 };

			me.detail = "starttls_missing";
			err_setr(&me, "tls_required", _("the server does not offer "
			    "STARTTLS, which the TLS policy starttls requires"));
			fail(s, &me);
			quit(s, false);
			return FAILED;
		} else if (downgrade_watched(s)) {
			s->stage = "starttls";
			fail_downgrade(s, DG_STRIPPED, NULL);
			quit(s, false);
			return FAILED;
		} else
			emit_simple(s, EV_WARNING, _("the server does not offer STARTTLS: "
			    "sending without encryption"));
	}
	if (j->probe) {
		/* A probe logs in when given credentials, and sends no mail. */
		o = probe_judge(s) == -1 || (j->user != NULL &&
		    authenticate(s) == -1) ? FAILED : OK;
		quit(s, false);
		return o;
	}
	if (j->user != NULL && authenticate(s) == -1) {
		quit(s, false);
		return FAILED;
	}
	return transaction(s) == -1 ? FAILED : OK;
}

static void
close_conn(struct session *s)
{
	tl_close(s);
	conn_close(s->c);
	s->c = NULL;
}

static char *
default_helo(void)
{
	char name[256];

	/* A machine name EHLO cannot carry is not the user's mistake. */
	if (gethostname(name, sizeof name) == -1 || name[0] == '\0')
		return xstrdup("localhost");
	name[sizeof name - 1] = '\0';
	if (server_helo_check(name, NULL) == -1)
		return xstrdup("localhost");
	return xstrdup(name);
}

struct result *
smtp_run(struct smtp_job *job, event_fn fn, void *arg, atomic_bool *cancel,
    const struct conn_ops *ops)
{
	struct session s;
	struct event ev = { .type = EV_RESULT };
	struct err he;
	enum outcome o;
	char *h;

	memset(&s, 0, sizeof s);
	s.job = job;
	s.fn = fn;
	s.arg = arg;
	s.cancel = cancel;
	s.ops = ops;
	s.t0 = time_now();
	s.res = xcalloc(1, sizeof *s.res);
	s.res->port = job->port;
	s.res->policy = job->tls;
	s.res->policy_implied = job->tls_implied;
	/* The order authenticate() looks for a password in. */
	s.res->secret = job->password != NULL ? (job->password_typed ?
	    SECRET_TYPED : SECRET_STORED) : job->password_cmd != NULL ?
	    SECRET_CMD : SECRET_NONE;
	s.res->tls_seen = xstrdup(job->memory.last_seen);
	s.res->host = xstrdup(job->host);
	h = job->helo != NULL ? xstrdup(job->helo) : default_helo();
	snprintf(s.helo, sizeof s.helo, "%s", h);
	free(h);

	if (server_helo_check(s.helo, &he) == -1) {
		char *m = xasprintf("HELO `%s`: %s", s.helo, he.msg);

		s.stage = "usage";
		failf(&s, "usage", m);
		free(m);
	} else if (!job->probe && job->msg == NULL) {
		s.stage = "usage";
		failf(&s, "usage", _("no message to send"));
	} else if (!job->probe && job->user == NULL && (job->password != NULL ||
	    job->password_cmd != NULL || job->auth_mech != NULL)) {
		/* The front ends say which option or key; this is the last
		 * guard against sending without the AUTH asked for. */
		s.stage = "usage";
		failf(&s, "usage", _("a password, password command or AUTH "
		    "mechanism is set but no user to log in as: give --user or "
		    "user in the profile"));
	} else {
		if (job->tls == TLS_OFF && job->memory.last_seen != NULL) {
			/* Chosen, but said: this server did TLS before. */
			char *name = server_name(job), *m = xasprintf(_("%s negotiated "
			    "TLS with a trusted certificate when missive last saw it "
			    "(%s); this session goes without TLS, as its policy (off) "
			    "says"), name, job->memory.last_seen);

			emit_simple(&s, EV_WARNING, m);
			free(m);
			free(name);
		}
		o = attempt(&s, job->tls == TLS_OFF);
		if (o == FALLBACK) {
			struct event f = { .type = EV_FALLBACK };

			/* The failed handshake was no failure of the session:
			 * the fallback event announces what happens instead. */
			close_conn(&s);
			f.text = s.tls_err.msg;
			emit(&s, &f);
			s.res->fell_back = true;
			s.res->encrypted = false;
			tls_info_free(s.res->tls);
			s.res->tls = NULL;
			o = attempt(&s, true);
		}
		if (o == OK && !s.failed && job->probe)
			s.res->reason = NULL;
	}
	close_conn(&s);
	reply_parser_free(s.rp);
	free(s.auth_mechs);
	s.res->stages = s.tl;
	s.res->nstages = s.ntl;

	if (s.res->reason != NULL && strcmp(s.res->reason, "usage") == 0)
		s.res->exit_status = 2;
	else if (s.res->reason != NULL && strcmp(s.res->reason, "tls_downgrade") == 0)
		s.res->exit_status = 1;	/* a probe too: it reached a downgraded server */
	else if (job->probe)
		/* Answered, every TLS step the policy asks for done with a
		 * verified or pinned certificate, logged in when asked. */
		s.res->exit_status = s.greeted && s.res->reason == NULL ? 0 : 1;
	else if (s.res->sent)
		s.res->exit_status = s.res->nrefused > 0 ? 3 : 0;
	else
		s.res->exit_status = 1;
	if (!s.res->sent && !job->probe && s.res->reason == NULL)
		s.res->reason = "protocol";
	ev.result = s.res;
	emit(&s, &ev);
	return s.res;
}
