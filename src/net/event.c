/* Event records: names, deep copies for the worker's queue, and the JSON
 * form of doc/design.md's contract. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "net/event.h"

static const char *const names[] = {
	[EV_CONNECT] = "connect", [EV_GREETING] = "greeting", [EV_EHLO] = "ehlo",
	[EV_HELO] = "helo", [EV_STARTTLS] = "starttls", [EV_TLS] = "tls",
	[EV_TLS_FAILED] = "tls_failed", [EV_FALLBACK] = "fallback",
	[EV_AUTH] = "auth", [EV_RCPT] = "rcpt", [EV_DATA] = "data",
	[EV_SENT] = "sent", [EV_ERROR] = "error", [EV_WARNING] = "warning",
	[EV_DIALOGUE] = "dialogue", [EV_RESULT] = "result",
};

static const char *
event_name(enum ev_type type)
{
	return names[type];
}

static const char *const verify_names[] = {
	[TV_OK] = "ok", [TV_NO_CERT] = "no_certificate",
	[TV_MISSING_ISSUER] = "missing_issuer",
	[TV_UNTRUSTED_ROOT] = "untrusted_root", [TV_SELF_SIGNED] = "self_signed",
	[TV_EXPIRED] = "expired", [TV_NOT_YET_VALID] = "not_yet_valid",
	[TV_BAD_SIGNATURE] = "bad_signature", [TV_WEAK_KEY] = "weak_key",
	[TV_NAME_MISMATCH] = "name_mismatch", [TV_NAME_NO_SAN] = "no_subject_alt_name",
	[TV_NAME_WILDCARD] = "bad_wildcard", [TV_OTHER] = "other",
};

const char *
tls_verify_name(enum tls_verify v)
{
	return (unsigned)v < sizeof verify_names / sizeof verify_names[0] ?
	    verify_names[v] : "other";
}

static const char *const stage_names[TL_COUNT] = {
	[TL_DNS] = "dns", [TL_CONNECT] = "connect", [TL_GREETING] = "greeting",
	[TL_EHLO] = "ehlo", [TL_STARTTLS] = "starttls",
	[TL_HANDSHAKE] = "handshake", [TL_AUTH] = "auth",
	[TL_ENVELOPE] = "envelope", [TL_DATA] = "data",
	[TL_FINAL] = "final_reply",
};

const char *
tl_stage_name(enum tl_stage st)
{
	return (unsigned)st < TL_COUNT ? stage_names[st] : "?";
}

bool
result_maybe_sent(const struct result *r)
{
	return !r->sent && r->stage != NULL && strcmp(r->stage, "data_end") == 0 &&
	    r->reason != NULL && (strcmp(r->reason, "timeout") == 0 ||
	    strcmp(r->reason, "network") == 0 || strcmp(r->reason, "cancelled") == 0);
}

static char **
strv_dup(char *const *v, size_t n)
{
	char **out;
	size_t i;

	if (n == 0)
		return NULL;
	out = xcalloc(n, sizeof *out);
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void
cert_copy(struct cert_info *to, const struct cert_info *from)
{
	to->subject = xstrdup(from->subject);
	to->issuer = xstrdup(from->issuer);
	to->not_before = xstrdup(from->not_before);
	to->not_after = xstrdup(from->not_after);
	to->days_left = from->days_left;
	to->sans = xstrdup(from->sans);
	to->fingerprint = xstrdup(from->fingerprint);
	to->pubkey = xstrdup(from->pubkey);
	to->key = xstrdup(from->key);
}

static void
cert_clear(struct cert_info *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->not_before);
	free(c->not_after);
	free(c->sans);
	free(c->fingerprint);
	free(c->pubkey);
	free(c->key);
}

struct tls_info *
tls_info_dup(const struct tls_info *ti)
{
	struct tls_info *out;
	size_t i;

	if (ti == NULL)
		return NULL;
	out = xcalloc(1, sizeof *out);
	*out = *ti;
	out->version = xstrdup(ti->version);
	out->cipher = xstrdup(ti->cipher);
	out->group = xstrdup(ti->group);
	out->verify_error = xstrdup(ti->verify_error);
	out->missing_issuer = xstrdup(ti->missing_issuer);
	out->host = xstrdup(ti->host);
	out->chain = ti->nchain ? xcalloc(ti->nchain, sizeof *out->chain) : NULL;
	for (i = 0; i < ti->nchain; i++)
		cert_copy(&out->chain[i], &ti->chain[i]);
	return out;
}

void
tls_info_free(struct tls_info *ti)
{
	size_t i;

	if (ti == NULL)
		return;
	free(ti->version);
	free(ti->cipher);
	free(ti->group);
	free(ti->verify_error);
	free(ti->missing_issuer);
	free(ti->host);
	for (i = 0; i < ti->nchain; i++)
		cert_clear(&ti->chain[i]);
	free(ti->chain);
	free(ti);
}

struct result *
result_dup(const struct result *r)
{
	struct result *out;

	if (r == NULL)
		return NULL;
	out = xcalloc(1, sizeof *out);
	*out = *r;
	out->message = xstrdup(r->message);
	out->sent_copy = xstrdup(r->sent_copy);
	out->accepted = strv_dup(r->accepted, r->naccepted);
	out->refused = strv_dup(r->refused, r->nrefused);
	out->caps_plain = strv_dup(r->caps_plain, r->ncaps_plain);
	out->caps_tls = strv_dup(r->caps_tls, r->ncaps_tls);
	out->tls = tls_info_dup(r->tls);
	out->auth_offered = xstrdup(r->auth_offered);
	if (r->nstages > 0) {
		out->stages = xcalloc(r->nstages, sizeof *out->stages);
		memcpy(out->stages, r->stages, r->nstages * sizeof *out->stages);
	} else
		out->stages = NULL;
	out->address = xstrdup(r->address);
	out->auth_mech = xstrdup(r->auth_mech);
	out->rcpts = r->nrcpts ? xcalloc(r->nrcpts, sizeof *out->rcpts) : NULL;
	for (size_t i = 0; i < r->nrcpts; i++) {
		out->rcpts[i].address = xstrdup(r->rcpts[i].address);
		out->rcpts[i].code = r->rcpts[i].code;
		out->rcpts[i].text = xstrdup(r->rcpts[i].text);
	}
	out->final_text = xstrdup(r->final_text);
	out->queue_id = xstrdup(r->queue_id);
	out->tls_seen = xstrdup(r->tls_seen);
	out->host = xstrdup(r->host);
	return out;
}

void
result_free(struct result *r)
{
	if (r == NULL)
		return;
	free(r->message);
	free(r->sent_copy);
	strv_free(r->accepted, r->naccepted);
	strv_free(r->refused, r->nrefused);
	strv_free(r->caps_plain, r->ncaps_plain);
	strv_free(r->caps_tls, r->ncaps_tls);
	tls_info_free(r->tls);
	free(r->auth_offered);
	free(r->stages);
	free(r->address);
	free(r->auth_mech);
	for (size_t i = 0; i < r->nrcpts; i++) {
		free(r->rcpts[i].address);
		free(r->rcpts[i].text);
	}
	free(r->rcpts);
	free(r->final_text);
	free(r->queue_id);
	free(r->tls_seen);
	free(r->host);
	free(r);
}

struct event *
event_dup(const struct event *ev)
{
	struct event *out = xcalloc(1, sizeof *out);

	*out = *ev;
	out->host = xstrdup(ev->host);
	out->address = xstrdup(ev->address);
	out->text = xstrdup(ev->text);
	out->caps = strv_dup(ev->caps, ev->ncaps);
	out->mechanism = xstrdup(ev->mechanism);
	out->tls_info = tls_info_dup(ev->tls_info);
	out->result = result_dup(ev->result);
	out->queue_id = xstrdup(ev->queue_id);
	return out;
}

void
event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	free(ev->host);
	free(ev->address);
	free(ev->text);
	strv_free(ev->caps, ev->ncaps);
	free(ev->mechanism);
	tls_info_free(ev->tls_info);
	result_free(ev->result);
	free(ev->queue_id);
	free(ev);
}

/* --- JSON */

static void
j_key(struct buf *b, const char *k)
{
	buf_addc(b, ',');
	json_add_str(b, k);
	buf_addc(b, ':');
}

static void
j_str(struct buf *b, const char *k, const char *v)
{
	j_key(b, k);
	if (v == NULL)
		buf_adds(b, "null");
	else
		json_add_str(b, v);
}

static void
j_bool(struct buf *b, const char *k, bool v)
{
	j_key(b, k);
	buf_adds(b, v ? "true" : "false");
}

static void
j_int(struct buf *b, const char *k, long long v)
{
	j_key(b, k);
	buf_addf(b, "%lld", v);
}

static void
j_strv(struct buf *b, const char *k, char *const *v, size_t n)
{
	size_t i;

	j_key(b, k);
	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_add_str(b, v[i]);
	}
	buf_addc(b, ']');
}

/* An enhanced status code, null when the reply had none. */
static void
j_enh(struct buf *b, const char *enh)
{
	j_str(b, "enhanced", enh[0] != '\0' ? enh : NULL);
}

/* Seconds with three decimals, whatever the locale. */
static void
j_secs(struct buf *b, const char *k, double secs)
{
	long long ms = secs > 0 ? (long long)(secs * 1000 + 0.5) : 0;

	j_key(b, k);
	buf_addf(b, "%lld.%03lld", ms / 1000, ms % 1000);
}

static void
j_stages(struct buf *b, const struct tl_span *sp, size_t n)
{
	size_t i;

	j_key(b, "stages");
	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		buf_adds(b, i > 0 ? ",{" : "{");
		json_add_str(b, "stage");
		buf_addc(b, ':');
		json_add_str(b, tl_stage_name(sp[i].stage));
		j_secs(b, "start", sp[i].start);
		j_secs(b, "secs", sp[i].secs);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

static void
j_tls(struct buf *b, const struct tls_info *ti)
{
	const struct cert_info *leaf = ti->nchain > 0 ? &ti->chain[0] : NULL;
	size_t i;

	j_str(b, "version", ti->version);
	j_str(b, "cipher", ti->cipher);
	j_str(b, "group", ti->group);
	j_strv(b, "key_shares", (char *const *)ti->key_shares, ti->nkey_shares);
	j_bool(b, "verified", ti->verified);
	j_str(b, "verify_error", ti->verify_error);
	j_str(b, "verify_code", tls_verify_name(ti->verify_code));
	if (ti->missing_issuer != NULL)
		j_str(b, "missing_issuer", ti->missing_issuer);
	j_bool(b, "insecure", ti->insecure);
	j_bool(b, "pinned", ti->pinned);
	j_bool(b, "resumed", ti->resumed);
	j_str(b, "subject", leaf ? leaf->subject : NULL);
	j_str(b, "issuer", leaf ? leaf->issuer : NULL);
	j_str(b, "fingerprint_sha256", leaf ? leaf->fingerprint : NULL);
	j_str(b, "pubkey_sha256", leaf ? leaf->pubkey : NULL);
	j_str(b, "not_after", leaf ? leaf->not_after : NULL);
	j_key(b, "chain");
	buf_addc(b, '[');
	for (i = 0; i < ti->nchain; i++) {
		const struct cert_info *c = &ti->chain[i];

		buf_adds(b, i > 0 ? ",{" : "{");
		json_add_str(b, "subject");
		buf_addc(b, ':');
		json_add_str(b, c->subject);
		j_str(b, "issuer", c->issuer);
		j_str(b, "not_before", c->not_before);
		j_str(b, "not_after", c->not_after);
		j_str(b, "sans", c->sans);
		j_str(b, "fingerprint_sha256", c->fingerprint);
		j_str(b, "pubkey_sha256", c->pubkey);
		j_str(b, "key", c->key);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

void
event_to_json(const struct event *ev, struct buf *b)
{
	const struct result *r = ev->result;

	buf_adds(b, "{\"event\":");
	json_add_str(b, event_name(ev->type));
	/* Not %f: under a locale such as de_DE that would write a comma. */
	{
		long long ms = ev->t > 0 ? (long long)(ev->t * 1000 + 0.5) : 0;

		buf_addf(b, ",\"t\":%lld.%03lld", ms / 1000, ms % 1000);
	}
	switch (ev->type) {
	case EV_CONNECT:
		j_str(b, "host", ev->host);
		j_int(b, "port", ev->port);
		j_str(b, "address", ev->address);
		break;
	case EV_GREETING:
		j_int(b, "code", ev->code);
		j_str(b, "text", ev->text);
		break;
	case EV_SENT:
		j_int(b, "code", ev->code);
		j_str(b, "text", ev->text);
		j_enh(b, ev->enh);
		j_str(b, "queue_id", ev->queue_id);
		break;
	case EV_EHLO:
		j_strv(b, "capabilities", ev->caps, ev->ncaps);
		j_bool(b, "tls", ev->tls);
		break;
	case EV_HELO:
	case EV_STARTTLS:
		break;
	case EV_TLS:
		if (ev->tls_info != NULL)
			j_tls(b, ev->tls_info);
		break;
	case EV_TLS_FAILED:
	case EV_FALLBACK:
		j_str(b, "reason", ev->text);
		break;
	case EV_AUTH:
		j_str(b, "mechanism", ev->mechanism);
		j_bool(b, "ok", ev->ok);
		if (ev->code != 0)
			j_int(b, "code", ev->code);
		if (ev->text != NULL)
			j_str(b, "text", ev->text);
		if (ev->code != 0)
			j_enh(b, ev->enh);
		break;
	case EV_RCPT:
		j_str(b, "address", ev->address);
		j_int(b, "code", ev->code);
		j_bool(b, "accepted", ev->accepted);
		j_str(b, "text", ev->text);
		j_enh(b, ev->enh);
		break;
	case EV_DATA:
		j_int(b, "sent_bytes", (long long)ev->sent_bytes);
		j_int(b, "total_bytes", (long long)ev->total_bytes);
		break;
	case EV_ERROR:
		j_str(b, "stage", ev->stage);
		j_str(b, "reason", ev->reason);
		j_str(b, "message", ev->text);
		j_str(b, "detail", ev->result != NULL ? ev->result->detail : NULL);
		break;
	case EV_WARNING:
		j_str(b, "message", ev->text);
		break;
	case EV_DIALOGUE:
		j_str(b, "dir", ev->dir == '>' ? "client" : "server");
		j_str(b, "line", ev->text);
		break;
	case EV_RESULT:
		if (r == NULL)
			break;
		j_bool(b, "sent", r->sent);
		j_bool(b, "encrypted", r->encrypted);
		j_strv(b, "accepted", r->accepted, r->naccepted);
		j_strv(b, "refused", r->refused, r->nrefused);
		j_str(b, "reason", r->reason);
		j_str(b, "stage", r->stage);
		j_str(b, "message", r->message);
		j_bool(b, "fallback", r->fell_back);
		j_int(b, "exit_status", r->exit_status);
		if (r->sent_copy != NULL)
			j_str(b, "sent_copy", r->sent_copy);
		j_str(b, "detail", r->detail);
		j_str(b, "queue_id", r->queue_id);
		j_str(b, "tls_remembered", r->tls_seen);
		j_stages(b, r->stages, r->nstages);
		break;
	}
	buf_addc(b, '}');
}
