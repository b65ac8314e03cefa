/* Probing several ports at once; see ports.h. Each target is one probe
 * job on a worker thread of its own (net/worker.c); this file only polls
 * their wake pipes, so it knows no threads. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/explain.h"
#include "app/ports.h"
#include "app/record.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/worker.h"

void
ports_standard(const char *host, struct port_target out[PORTS_STANDARD])
{
	static const struct { int port; enum tls_mode mode; } std[] = {
		{ 465, TLS_IMPLICIT }, { 587, TLS_STARTTLS },
		{ 25, TLS_OPPORTUNISTIC },
	};
	size_t i;

	for (i = 0; i < PORTS_STANDARD; i++) {
		out[i].host = xstrdup(host);
		out[i].port = std[i].port;
		out[i].mode = std[i].mode;
		out[i].source = NULL;
	}
}

void
port_target_clear(struct port_target *t)
{
	free(t->host);
	free(t->source);
	t->host = t->source = NULL;
}

/* A probe job for t with the session settings of tmpl. */
static void
job_for(const struct port_target *t, const struct smtp_job *tmpl,
    int deadline, struct smtp_job *job)
{
	smtp_job_init(job);
	job->host = xstrdup(t->host);
	job->port = t->port;
	job->tls = t->mode;
	job->probe = true;
	if (tmpl != NULL) {
		job->ca_file = xstrdup(tmpl->ca_file);
		job->fingerprint = xstrdup(tmpl->fingerprint);
		job->pin_pubkey = xstrdup(tmpl->pin_pubkey);
		job->insecure = tmpl->insecure;
		job->tls_min = tmpl->tls_min;
		job->helo = xstrdup(tmpl->helo);
		job->timeout = tmpl->timeout;
	}
	/* No single wait may outlast the whole port's deadline. */
	if (job->timeout <= 0 || job->timeout > deadline)
		job->timeout = deadline;
}

struct slot {
	struct worker *w;
	struct record *rec;	/* the server memory around this probe */
	size_t i;		/* the target it probes */
	double t0;
	bool cancelled;
};

static void
note_warning(struct port_report *p, const char *msg)
{
	if (msg[0] != '\0' && p->warning == NULL)
		p->warning = xstrdup(msg);
}

/* Takes what slot s's worker reported; true once it is finished. */
static bool
slot_drain(struct slot *s, struct port_report *out)
{
	struct port_report *p = &out[s->i];
	struct event *ev;

	while ((ev = worker_next(s->w)) != NULL) {
		if (ev->type == EV_GREETING)
			p->greeted = true;
		else if (ev->type == EV_CONNECT && ev->address != NULL) {
			free(p->address);
			p->address = xstrdup(ev->address);
		} else if (ev->type == EV_RESULT && ev->result != NULL) {
			struct err w;

			result_free(p->r);
			p->r = ev->result;
			ev->result = NULL;
			p->secs = time_now() - s->t0;
			if (record_after(s->rec, p->r, NULL, &w) == -1)
				note_warning(p, w.msg);
			free(p->memory);
			p->memory = record_memory_words(s->rec);
		}
		event_free(ev);
	}
	return worker_done(s->w);
}

int
ports_probe(const struct port_target *t, size_t n,
    const struct smtp_job *tmpl, int deadline, struct port_report *out,
    struct err *e)
{
	struct slot slots[PORTS_PARALLEL];
	struct pollfd pf[PORTS_PARALLEL];
	size_t next = 0, running = 0, k, i;
	int rc = 0;

	if (deadline <= 0)
		deadline = PORTS_DEADLINE;
	memset(out, 0, n * sizeof *out);
	for (i = 0; i < n; i++) {
		out[i].t.host = xstrdup(t[i].host);
		out[i].t.port = t[i].port;
		out[i].t.mode = t[i].mode;
		out[i].t.source = xstrdup(t[i].source);
	}
	while (next < n || running > 0) {
		double now = time_now(), wait = deadline;

		/* Fill the free slots. */
		while (next < n && running < PORTS_PARALLEL) {
			struct smtp_job job;
			struct slot *s = &slots[running];

			struct record_opts ro;
			struct err w;

			job_for(&t[next], tmpl, deadline, &job);
			memset(&ro, 0, sizeof ro);
			ro.via = VIA_SEND;	/* a probe: no receipt */
			s->rec = record_before(&job, &ro, &w);
			note_warning(&out[next], w.msg);
			s->w = worker_start(&job, e);
			if (s->w == NULL) {
				record_free(s->rec);
				smtp_job_free(&job);
				rc = -1;
				next = n;	/* start no more; finish these */
				break;
			}
			s->i = next++;
			s->t0 = time_now();
			s->cancelled = false;
			running++;
		}
		if (running == 0)
			break;
		for (k = 0; k < running; k++) {
			double left = slots[k].t0 + deadline - now;

			pf[k].fd = worker_fd(slots[k].w);
			pf[k].events = POLLIN;
			pf[k].revents = 0;
			if (!slots[k].cancelled && left < wait)
				wait = left;
		}
		if (wait < 0.01)
			wait = 0.01;
		/* A cancelled probe ends at its next wait: look again soon. */
		if (wait > 0.1)
			for (k = 0; k < running; k++)
				if (slots[k].cancelled)
					wait = 0.1;
		if (poll(pf, (nfds_t)running, (int)(wait * 1000) + 1) == -1 &&
		    errno != EINTR)
			return err_set(e, "poll: %s", strerror(errno));
		now = time_now();
		for (k = 0; k < running; ) {
			struct slot *s = &slots[k];

			if (slot_drain(s, out)) {
				worker_free(s->w);
				if (out[s->i].memory == NULL)	/* cancelled */
					out[s->i].memory =
					    record_memory_words(s->rec);
				record_free(s->rec);
				if (s->cancelled) {
					out[s->i].timed_out = true;
					out[s->i].secs = now - s->t0;
				}
				slots[k] = slots[--running];
				continue;
			}
			if (!s->cancelled && now - s->t0 >= deadline) {
				worker_cancel(s->w);
				s->cancelled = true;
			}
			k++;
		}
	}
	return rc;
}

void
port_reports_free(struct port_report *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++) {
		port_target_clear(&r[i].t);
		free(r[i].address);
		free(r[i].memory);
		free(r[i].warning);
		result_free(r[i].r);
	}
	free(r);
}

/* The probe got to its QUIT: the server answered every step. */
static bool
completed(const struct port_report *p)
{
	return p->r != NULL && !p->timed_out && p->r->reason == NULL;
}

bool
port_answered(const struct port_report *p)
{
	return p->greeted;
}

bool
port_usable(const struct port_report *p)
{
	return completed(p) && p->r->encrypted && p->r->tls != NULL &&
	    (p->r->tls->verified || p->r->tls->pinned) && !p->r->tls->insecure;
}

const char *
port_verdict(const struct port_report *p)
{
	const struct tls_info *ti = p->r != NULL ? p->r->tls : NULL;

	if (ti == NULL)
		return NULL;
	if (ti->verified)
		return "verified";
	if (ti->pinned)
		return "pinned";
	return "not verified";
}

const char *
port_verdict_words(const struct port_report *p)
{
	const struct tls_info *ti = p->r != NULL ? p->r->tls : NULL;

	if (ti == NULL)
		return "-";
	if (ti->verified)
		return _("verified");
	if (ti->pinned)
		return _("pinned");
	return _("NOT verified");
}

/* The capabilities that count: after TLS when there was TLS. */
static char **
caps_of(const struct port_report *p, size_t *n)
{
	if (p->r == NULL) {
		*n = 0;
		return NULL;
	}
	if (p->r->encrypted) {
		*n = p->r->ncaps_tls;
		return p->r->caps_tls;
	}
	*n = p->r->ncaps_plain;
	return p->r->caps_plain;
}

char **
port_auth(const struct port_report *p, size_t *nv)
{
	size_t n, i;
	char **caps = caps_of(p, &n), **v = NULL;

	*nv = 0;
	for (i = 0; i < n; i++) {
		const char *c = caps[i], *w;

		/* "AUTH PLAIN LOGIN", and the old "AUTH=PLAIN LOGIN". */
		if (strncasecmp(c, "AUTH", 4) != 0 || (c[4] != ' ' && c[4] != '='))
			continue;
		for (w = c + 5; *w != '\0'; ) {
			size_t len = strcspn(w, " ");
			size_t j;
			bool dup = false;

			for (j = 0; j < *nv; j++)
				if (strlen(v[j]) == len && strncasecmp(v[j], w, len) == 0)
					dup = true;
			if (len > 0 && !dup) {
				v = xrealloc(v, (*nv + 1) * sizeof *v);
				v[(*nv)++] = xstrndup(w, len);
			}
			w += len;
			w += strspn(w, " ");
		}
	}
	return v;
}

bool
port_size(const struct port_report *p, uint64_t *max)
{
	size_t n, i;
	char **caps = caps_of(p, &n);

	*max = 0;
	for (i = 0; i < n; i++) {
		const char *c = caps[i];

		if (strncasecmp(c, "SIZE", 4) != 0 || (c[4] != ' ' && c[4] != '\0'))
			continue;
		if (c[4] == ' ')
			*max = strtoull(c + 5, NULL, 10);
		return true;
	}
	return false;
}

bool
port_downgraded(const struct port_report *p)
{
	return p->r != NULL && p->r->reason != NULL &&
	    strcmp(p->r->reason, "tls_downgrade") == 0;
}

char *
port_problem(const struct port_report *p)
{
	if (port_usable(p))
		return NULL;
	if (p->timed_out)
		return xstrdup(_("no complete answer before the deadline"));
	if (p->r == NULL)
		return xstrdup(_("not probed"));
	/* probe's judgement of the certificate: the reason in words. */
	if (p->r->reason != NULL && strcmp(p->r->reason, "cert_verify") == 0 &&
	    p->r->tls != NULL)
		return explain_cert(p->r->tls, false);
	if (p->r->reason != NULL)
		return str_escape(p->r->message ? p->r->message : p->r->reason,
		    strlen(p->r->message ? p->r->message : p->r->reason));
	if (!p->r->encrypted || p->r->tls == NULL)
		return xstrdup(_("no TLS: the server does not offer STARTTLS"));
	if (p->r->tls->insecure)
		return xstrdup(_("the certificate was not checked (--insecure)"));
	return explain_cert(p->r->tls, false);
}

static int
mode_rank(enum tls_mode m)
{
	return m == TLS_IMPLICIT ? 3 : m == TLS_STARTTLS ? 2 :
	    m == TLS_OPPORTUNISTIC ? 1 : 0;
}

static bool
has_auth(const struct port_report *p)
{
	size_t n;
	char **v = port_auth(p, &n);

	strv_free(v, n);
	return n > 0;
}

long
ports_recommend(const struct port_report *p, size_t n)
{
	long best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct port_report *b = best >= 0 ? &p[best] : NULL;

		if (!port_usable(&p[i]))
			continue;
		if (b == NULL || (has_auth(&p[i]) && !has_auth(b)) ||
		    (has_auth(&p[i]) == has_auth(b) &&
		    mode_rank(p[i].t.mode) > mode_rank(b->t.mode)))
			best = (long)i;
	}
	return best;
}

const char *
ports_why(const struct port_report *p)
{
	if (p->t.mode == TLS_IMPLICIT)
		return _("implicit TLS, as RFC 8314 recommends for submission: "
		    "encrypted from the first byte, one round trip fewer than "
		    "STARTTLS, and nothing on the path can strip it");
	if (p->t.mode == TLS_STARTTLS)
		return _("STARTTLS, required (no port with implicit TLS "
		    "answered with a verified certificate)");
	return _("STARTTLS on port 25, required in the profile (neither "
	    "465 nor 587 answered with a verified certificate)");
}

static void
json_key(struct buf *b, const char *k)
{
	if (b->len > 0 && b->data[b->len - 1] != '{')
		buf_addc(b, ',');
	json_add_str(b, k);
	buf_addc(b, ':');
}

static void
json_kstr(struct buf *b, const char *k, const char *v)
{
	json_key(b, k);
	if (v == NULL)
		buf_adds(b, "null");
	else
		json_add_str(b, v);
}

static void
json_kbool(struct buf *b, const char *k, bool v)
{
	json_key(b, k);
	buf_adds(b, v ? "true" : "false");
}

void
port_report_json(const struct port_report *p, bool recommended,
    struct buf *out)
{
	const struct result *r = p->r;
	const struct tls_info *ti = r != NULL ? r->tls : NULL;
	size_t i, na;
	char **auth = port_auth(p, &na);
	uint64_t max;
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '{');
	json_kstr(&b, "host", p->t.host);
	json_key(&b, "port");
	buf_addf(&b, "%d", p->t.port);
	json_kstr(&b, "tls_mode", tls_mode_name(p->t.mode));
	json_kstr(&b, "source", p->t.source);
	json_kstr(&b, "address", p->address);
	json_kbool(&b, "answered", port_answered(p));
	json_kbool(&b, "encrypted", r != NULL && r->encrypted);
	json_kstr(&b, "tls_version", ti != NULL ? ti->version : NULL);
	json_kstr(&b, "cipher", ti != NULL ? ti->cipher : NULL);
	json_kstr(&b, "certificate", port_verdict(p));
	json_kstr(&b, "verify_error", ti != NULL && !ti->verified ?
	    ti->verify_error : NULL);
	json_kstr(&b, "fingerprint_sha256", ti != NULL && ti->nchain > 0 ?
	    ti->chain[0].fingerprint : NULL);
	json_key(&b, "auth");
	buf_addc(&b, '[');
	for (i = 0; i < na; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		json_add_str(&b, auth[i]);
	}
	buf_addc(&b, ']');
	strv_free(auth, na);
	json_key(&b, "size");
	if (port_size(p, &max))
		buf_addf(&b, "%llu", (unsigned long long)max);
	else
		buf_adds(&b, "null");
	json_key(&b, "time");
	{
		/* Not %f: a decimal comma (LC_NUMERIC) is not JSON. */
		long long ms = (long long)(p->secs * 1000 + 0.5);

		buf_addf(&b, "%lld.%03lld", ms / 1000, ms % 1000);
	}
	json_kstr(&b, "tls_remembered", r != NULL ? r->tls_seen : NULL);
	json_kstr(&b, "memory", p->memory);
	json_kbool(&b, "usable", port_usable(p));
	json_kbool(&b, "recommended", recommended);
	json_kstr(&b, "reason", p->timed_out ? "timeout" : r != NULL ?
	    r->reason : NULL);
	json_kstr(&b, "message", p->timed_out ?
	    _("no complete answer before the deadline") : r != NULL ?
	    r->message : NULL);
	buf_addc(&b, '}');
	buf_add(out, b.data, b.len);
	buf_free(&b);
}
