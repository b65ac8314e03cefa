/* Words for what the engine reports; see explain.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/smtp.h"

const char *
explain_symbol(enum sev s, bool utf8)
{
	switch (s) {
	case SEV_OK:
		return utf8 ? "✓" : "+";
	case SEV_ERROR:
		return utf8 ? "✗" : "x";
	case SEV_WARN:
		return "!";
	case SEV_CLIENT:
		return utf8 ? "→" : ">";
	default:
		return utf8 ? "·" : ".";
	}
}

static char *
esc(const char *s)
{
	return str_escape(s ? s : "", s ? strlen(s) : 0);
}

char *
explain_tls_version(const char *v)
{
	if (v == NULL)
		return xstrdup(_("TLS"));
	if (strncmp(v, "TLSv", 4) == 0)
		return xasprintf("TLS %s", v + 4);
	return esc(v);
}

static char *
caps_text(char **caps, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		char *e = esc(caps[i]);

		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, e);
		free(e);
	}
	buf_cstr(&b);
	return b.data;
}

char *
explain_event(const struct event *ev, enum sev *sev)
{
	char *a = NULL, *b = NULL, *s = NULL;

	*sev = SEV_INFO;
	switch (ev->type) {
	case EV_CONNECT:
		a = esc(ev->host);
		b = esc(ev->address);
		if (ev->address != NULL && strcmp(ev->address, ev->host ?
		    ev->host : "") != 0)
			s = xasprintf(_("Connected to %s port %d (%s)"), a,
			    ev->port, b);
		else
			s = xasprintf(_("Connected to %s port %d"), a, ev->port);
		break;
	case EV_GREETING:
		a = esc(ev->text);
		s = xasprintf(_("Server greets: %d %s"), ev->code, a);
		break;
	case EV_EHLO:
		a = caps_text(ev->caps, ev->ncaps);
		s = xasprintf(ev->tls ? _("EHLO over TLS; server offers: %s") :
		    _("EHLO; server offers: %s"), ev->ncaps ? a : _("nothing"));
		*sev = SEV_OK;
		break;
	case EV_HELO:
		s = xstrdup(_("EHLO refused; using HELO (no extensions)"));
		*sev = SEV_WARN;
		break;
	case EV_STARTTLS:
		s = xstrdup(_("STARTTLS"));
		*sev = SEV_CLIENT;
		break;
	case EV_TLS:
		if (ev->tls_info != NULL) {
			const struct tls_info *ti = ev->tls_info;

			a = explain_tls_version(ti->version);
			b = esc(ti->cipher);
			if (ti->verified && ti->pinned)
				s = xasprintf(_("%s established (%s); certificate "
				    "matches the pinned fingerprint"), a, b);
			else if (ti->verified)
				s = xasprintf(_("%s established (%s); certificate "
				    "verified"), a, b);
			else if (ti->aborted) {
				char *r = esc(ti->verify_error);

				s = xasprintf(_("%s handshake stopped (%s); certificate "
				    "NOT accepted%s%s"), a, b, ti->verify_error ?
				    ": " : "", r);
				free(r);
			} else {
				char *r = esc(ti->verify_error);

				s = xasprintf(_("%s established (%s); certificate "
				    "NOT verified%s%s"), a, b, ti->verify_error ?
				    ": " : "", r);
				free(r);
			}
			*sev = ti->verified ? SEV_OK : ti->aborted ? SEV_ERROR : SEV_WARN;
		} else {
			s = xstrdup(_("TLS established"));
			*sev = SEV_OK;
		}
		break;
	case EV_TLS_FAILED:
		a = esc(ev->text ? ev->text : ev->reason);
		s = xasprintf(_("TLS failed: %s"), a);
		*sev = SEV_ERROR;
		break;
	case EV_FALLBACK:
		a = esc(ev->text ? ev->text : ev->reason);
		s = xasprintf(_("Reconnecting WITHOUT TLS (fallback allowed by the "
		    "profile): %s"), a);
		*sev = SEV_WARN;
		break;
	case EV_AUTH:
		a = esc(ev->mechanism);
		if (ev->ok) {
			s = xasprintf(_("Logged in (AUTH %s)"), a);
			*sev = SEV_OK;
		} else {
			b = esc(ev->text);
			s = xasprintf(_("Login refused (AUTH %s): %d %s"), a,
			    ev->code, b);
			*sev = SEV_ERROR;
		}
		break;
	case EV_RCPT:
		a = esc(ev->address);
		if (ev->accepted) {
			s = xasprintf(_("Recipient %s accepted"), a);
			*sev = SEV_OK;
		} else {
			b = esc(ev->text);
			s = xasprintf(_("Recipient %s refused: %d %s"), a,
			    ev->code, b);
			*sev = SEV_ERROR;
		}
		break;
	case EV_SENT:
		a = esc(ev->text);
		s = xasprintf(_("Server accepted the message: %d %s"), ev->code, a);
		*sev = SEV_OK;
		break;
	case EV_ERROR:
		a = esc(ev->text ? ev->text : ev->reason);
		if (ev->stage != NULL)
			s = xasprintf("%s: %s", ev->stage, a);
		else
			s = xstrdup(a);
		*sev = SEV_ERROR;
		break;
	case EV_WARNING:
		s = esc(ev->text);
		*sev = SEV_WARN;
		break;
	case EV_DIALOGUE:
	case EV_DATA:
	case EV_RESULT:
		break;
	}
	free(a);
	free(b);
	return s;
}

/* What to do next, for the composer (fields, keys, profile keys) and
 * for the command line (options). */
static const struct {
	const char *reason, *composer, *cli;
} hints[] = {
	{ "network", N_("Check the server name and port (Server field) and "
	    "your connection."), N_("Check the server name and port, and your "
	    "connection.") },
	{ "timeout", N_("The server did not answer in time: try again, or "
	    "raise `timeout` in the profile."), N_("The server did not answer "
	    "in time: try again, or raise --timeout.") },
	{ "tls_required", N_("The server does not offer STARTTLS. Try its TLS "
	    "port (465, implicit TLS) or another server; choose plain text "
	    "only on a network you trust."), N_("The server does not offer "
	    "STARTTLS. Try its TLS port (465, --tls implicit) or another "
	    "server; --tls off only on a network you trust.") },
	{ "tls_handshake", N_("The TLS handshake failed: check the port and "
	    "TLS mode (465 needs implicit TLS), and tls_min."), N_("The TLS "
	    "handshake failed: check the port and --tls (465 needs --tls "
	    "implicit), and --tls-min.") },
	{ "cert_verify", N_("Check the profile's CA file (ca_file), or pin the "
	    "server: pin_pubkey pins its public key (kept across renewals that "
	    "keep the key), fingerprint this very certificate; ^T shows both."),
	    N_("If you trust this server, name its CA with --ca-file FILE, or "
	    "pin it: --pin-pubkey pins its public key (kept across renewals "
	    "that keep the key), --fingerprint this very certificate (missive "
	    "probe shows both).") },
	{ "auth", N_("Check the user name and the password command of the "
	    "profile."), N_("Check --user and --password-cmd (or the "
	    "profile's user and password_cmd).") },
	{ "auth_plaintext_refused", N_("The connection is not encrypted, so "
	    "the password was not sent: use TLS, or set allow_plaintext_auth "
	    "only on a network you trust."), N_("The connection is not "
	    "encrypted, so the password was not sent: use TLS, or "
	    "--allow-plaintext-auth only on a network you trust.") },
	{ "rcpt_refused", N_("Fix or remove the refused addresses and send "
	    "again."), N_("Fix or remove the refused addresses, or send to "
	    "the others with --partial.") },	/* see explain_verdict */
	{ "size", N_("The message is larger than the server accepts: remove "
	    "or shrink attachments."), N_("The message is larger than the "
	    "server accepts: remove or shrink attachments.") },
	{ "protocol", N_("The server broke the SMTP protocol: the dialogue "
	    "(^O) shows what it said."), N_("The server broke the SMTP "
	    "protocol: -v shows what it said.") },
	{ "server_error", N_("The server refused the message: its reply is "
	    "above; try again later or ask its admin."), N_("The server "
	    "refused the message: its reply is above; try again later or ask "
	    "its admin.") },
	{ "cancelled", "", "" },
	{ "usage", N_("Check the fields."), "" },
};

const char *
explain_hint(const char *reason, enum explain_for who)
{
	size_t i;

	if (reason == NULL)
		return "";
	for (i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		const char *h = who == FOR_CLI ? hints[i].cli : hints[i].composer;

		if (strcmp(hints[i].reason, reason) == 0)
			return *h != '\0' ? _(h) : "";
	}
	return "";
}

static char *
tls_words(const struct result *r)
{
	char *v, *s;

	if (!r->encrypted || r->tls == NULL)
		return xstrdup(r->fell_back ? _("WITHOUT encryption (TLS failed; "
		    "fell back to plain text)") : _("WITHOUT encryption"));
	v = explain_tls_version(r->tls->version);
	if (r->tls->insecure || !r->tls->verified)
		s = xasprintf(_("over %s (certificate NOT verified)"), v);
	else if (r->tls->pinned)
		s = xasprintf(_("over %s (pinned certificate)"), v);
	else
		s = xasprintf(_("over %s (verified)"), v);
	free(v);
	return s;
}

static char *
join_escaped(char **v, size_t n)
{
	return caps_text(v, n);
}

char *
explain_verdict(const struct result *r, bool probe, enum explain_for who,
    enum sev *sev)
{
	char *t, *m, *s;
	const char *hint;
	size_t ml;

	if (probe && r->reason == NULL) {
		t = tls_words(r);
		s = xasprintf(_("Probe done: the server can be reached %s; %zu "
		    "capabilities."), t, r->ncaps_tls ? r->ncaps_tls :
		    r->ncaps_plain);
		if (who == FOR_COMPOSER) {
			char *both = xasprintf(_("%s ^T shows the details."), s);

			free(s);
			s = both;
		}
		free(t);
		*sev = (r->encrypted && r->tls && r->tls->verified) ? SEV_OK :
		    SEV_WARN;
		return s;
	}
	if (!probe && r->sent) {
		size_t all = r->naccepted + r->nrefused;

		t = tls_words(r);
		if (r->nrefused == 0)
			s = xasprintf(ngettext("Sent to %zu recipient %s",
			    "Sent to %zu recipients %s", r->naccepted),
			    r->naccepted, t);
		else {
			char *ref = join_escaped(r->refused, r->nrefused);

			s = xasprintf(_("Sent to %zu of %zu recipients %s; refused: "
			    "%s"), r->naccepted, all, t, ref);
			free(ref);
		}
		free(t);
		if (r->sent_copy != NULL) {
			char *where = esc(r->sent_copy), *both;

			both = xasprintf(_("%s; a copy is in %s"), s, where);
			free(s);
			free(where);
			s = both;
		}
		*sev = r->nrefused ? SEV_WARN : SEV_OK;
		return s;
	}
	m = esc(r->message ? r->message : (r->reason ? r->reason :
	    _("unknown error")));
	ml = strlen(m);
	while (ml > 0 && (m[ml - 1] == '.' || m[ml - 1] == ' '))
		m[--ml] = '\0';
	hint = explain_hint(r->reason, who);
	/* Neither a CA nor a pin makes a weak key safe. */
	if (r->tls != NULL && r->tls->weak && r->reason != NULL &&
	    strcmp(r->reason, "cert_verify") == 0)
		hint = _("The server's key is too small to be safe; ask its admin "
		    "for a new one (RSA 2048 bits or more, EC 256 or more).");
	if (r->reason && strcmp(r->reason, "rcpt_refused") == 0 && r->nrefused) {
		char *ref = join_escaped(r->refused, r->nrefused);

		s = xasprintf(probe ? _("Probe failed: %s (refused: %s).") :
		    _("Not sent: %s (refused: %s)."), m, ref);
		free(ref);
		/* A 4xx is "not now": fixing the address is not the answer. */
		if (r->nrefused_temp == r->nrefused)
			hint = _("The server refused them for now (a 4xx reply): "
			    "try again later.");
		else if (r->naccepted == 0 || who == FOR_COMPOSER)
			hint = _("Fix or remove the refused addresses and send "
			    "again.");
	} else if (!probe && result_maybe_sent(r)) {
		/* The message went out and only the answer is missing. */
		s = xasprintf(_("Maybe not sent: %s. The server got the whole "
		    "message but did not confirm it; check with the recipient "
		    "before sending again."), m);
		hint = "";
	} else
		s = xasprintf(probe ? _("Probe failed: %s.") : _("Not sent: %s."),
		    m);
	if (*hint != '\0') {
		char *both = xasprintf("%s %s", s, hint);

		free(s);
		s = both;
	}
	if (!probe && who == FOR_COMPOSER) {
		char *both = xasprintf(_("%s Your text is kept."), s);

		free(s);
		s = both;
	}
	free(m);
	*sev = SEV_ERROR;
	return s;
}

const char *
explain_policy(int policy)
{
	switch (policy) {
	case TLS_OFF:
		return _("off: plain text, TLS never tried");
	case TLS_OPPORTUNISTIC:
		return _("opportunistic: STARTTLS when the server offers it, "
		    "else plain text");
	case TLS_STARTTLS:
		return _("starttls: STARTTLS required; never plain text");
	case TLS_IMPLICIT:
		return _("implicit: TLS from the first byte; never plain text");
	default:
		return _("unknown (fix the Server field)");
	}
}

const char *
explain_verify(const char *v)
{
	if (v == NULL)
		return _("The certificate could not be verified.");
	/* Before "chain": a weak key may sit in an intermediate. */
	if (strcasestr(v, "RSA") || strcasestr(v, " EC ") || strcasestr(v, "bit"))
		return _("A key in the certificate chain is too small to be safe "
		    "(RSA and DSA need 2048 bits, EC 256); the server needs a new "
		    "key. A pin does not help.");
	if (strcasestr(v, "expired") || strcasestr(v, "AFTER_DATE"))
		return _("The certificate has expired.");
	if (strcasestr(v, "not yet") || strcasestr(v, "BEFORE_DATE"))
		return _("The certificate is not valid yet (check the clock).");
	if (strcasestr(v, "name") || strcasestr(v, "DOMAIN") ||
	    strcasestr(v, "host"))
		return _("The certificate does not name this server (compare "
		    "the Names below with the Server field).");
	if (strcasestr(v, "self"))
		return _("The certificate is self-signed: nobody vouches for "
		    "it. Pin its fingerprint if you know it is right.");
	if (strcasestr(v, "signer") || strcasestr(v, "issuer") ||
	    strcasestr(v, "CA") || strcasestr(v, "trust") ||
	    strcasestr(v, "chain"))
		return _("The certificate was signed by an authority you do not "
		    "trust: name its CA (ca_file, --ca-file), or pin the "
		    "certificate's fingerprint.");
	return _("The certificate could not be verified.");
}

char *
explain_size(uint64_t n)
{
	if (n < 1024)
		return xasprintf(ngettext("%llu byte", "%llu bytes",
		    (unsigned long)n), (unsigned long long)n);
	if (n < 1024 * 1024)
		return xasprintf("%.1f KiB", (double)n / 1024);
	if (n < 1024ULL * 1024 * 1024)
		return xasprintf("%.1f MiB", (double)n / (1024 * 1024));
	return xasprintf("%.2f GiB", (double)n / (1024.0 * 1024 * 1024));
}

char *
explain_progress(uint64_t sent, uint64_t total, double secs, int width,
    bool utf8)
{
	struct buf b;
	char *ss, *ts, *rs, *tail;
	int pct, barw, fill, i, tw;

	if (total == 0)
		total = 1;
	if (sent > total)
		sent = total;
	pct = (int)(sent * 100 / total);
	ss = explain_size(sent);
	ts = explain_size(total);
	rs = explain_size(secs > 0.01 ? (uint64_t)((double)sent / secs) : 0);
	tail = xasprintf(_(" %3d%%  %s of %s  %s/s"), pct, ss, ts, rs);
	free(ss);
	free(ts);
	free(rs);
	buf_init(&b);
	tw = (int)strlen(tail);
	barw = width - tw - 2;
	if (barw > 40)
		barw = 40;
	if (barw >= 4) {
		fill = (int)((uint64_t)barw * sent / total);
		buf_addc(&b, '[');
		for (i = 0; i < barw; i++)
			buf_adds(&b, i < fill ? (utf8 ? "█" : "#") :
			    (utf8 ? "░" : "-"));
		buf_addc(&b, ']');
	}
	buf_adds(&b, tail);
	free(tail);
	buf_cstr(&b);
	return b.data;
}
