/* Words for what the engine reports; see explain.h. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "store/servers.h"

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
			/* Why a certificate was refused is the verdict's to
			 * say, once. */
			if (ti->aborted) {
				s = xasprintf(_("%s handshake stopped (%s): the "
				    "certificate was not accepted"), a, b);
				*sev = SEV_ERROR;
			} else if (ti->pinned) {
				s = xasprintf(ti->verified ? _("%s established (%s); "
				    "certificate verified and matches the pin") :
				    _("%s established (%s); certificate accepted by "
				    "its pin"), a, b);
				*sev = SEV_OK;
			} else if (ti->verified) {
				s = xasprintf(_("%s established (%s); certificate "
				    "verified"), a, b);
				*sev = SEV_OK;
			} else if (ti->insecure) {
				/* The warning that follows says what it means. */
				s = xasprintf(_("%s established (%s)"), a, b);
				*sev = SEV_WARN;
			} else {
				s = xasprintf(_("%s established (%s); the certificate "
				    "would not be accepted"), a, b);
				*sev = SEV_WARN;
			}
		} else {
			s = xstrdup(_("TLS established"));
			*sev = SEV_OK;
		}
		break;
	case EV_TLS_FAILED:
		/* Said by the fallback that follows, or by the verdict. */
		break;
	case EV_FALLBACK:
		a = str_escape_msg(ev->text ? ev->text : ev->reason);
		s = xasprintf(_("%s; trying again WITHOUT TLS on a new connection "
		    "(plain-text fallback allowed)"), a);
		*sev = SEV_WARN;
		break;
	case EV_AUTH:
		a = esc(ev->mechanism);
		if (ev->ok) {
			s = xasprintf(_("Logged in (AUTH %s)"), a);
			*sev = SEV_OK;
		}
		/* A refusal is the verdict's to say, once, with the server's
		 * words and what to do. */
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
		/* The verdict says it, with what to do next. */
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
	{ "tls_required", N_("Try the server's TLS port (465, implicit TLS) "
	    "or another server; choose plain text only on a network you "
	    "trust."), N_("Try the server's TLS port (465, --tls implicit) or "
	    "another server; --tls off only on a network you trust.") },
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
		const char *h = who != FOR_COMPOSER ? hints[i].cli : hints[i].composer;

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
		return xstrdup(r->fell_back ? _("WITHOUT encryption (after the "
		    "plain-text fallback)") : _("WITHOUT encryption"));
	v = explain_tls_version(r->tls->version);
	/* A pin is a verification of its own: the one the user chose. */
	if (r->tls->pinned)
		s = xasprintf(_("over %s (pinned certificate)"), v);
	else if (r->tls->insecure || !r->tls->verified)
		s = xasprintf(_("over %s (certificate NOT verified)"), v);
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

/* Untrusted text for the words below: escaped for a terminal, left
 * for json_add_str in JSON. */
static char *
field(const char *s, bool json)
{
	return json ? xstrdup(s != NULL ? s : "") : esc(s);
}

/* Which certificate of the chain, in words. */
static char *
cert_place(int i)
{
	if (i <= 0)
		return xstrdup(_("the server's certificate"));
	return xasprintf(_("certificate %d of the chain the server sent"), i + 1);
}

/* "2020-01-02T00:00:00Z" -> "2020-01-02" */
static char *
day_of(const char *when)
{
	return when != NULL && strlen(when) >= 10 ? xstrndup(when, 10) :
	    xstrdup(when != NULL ? when : "?");
}

static bool
is_address(const char *host)
{
	unsigned char b[16];

	return host != NULL && (inet_pton(AF_INET, host, b) == 1 ||
	    strchr(host, ':') != NULL);
}

char *
explain_cert(const struct tls_info *ti, bool json)
{
	const struct cert_info *c;
	char *a = NULL, *b = NULL, *place = NULL, *s;
	int d;

	if (ti == NULL)
		return xstrdup(_("the certificate could not be verified"));
	d = ti->verify_depth >= 0 && (size_t)ti->verify_depth < ti->nchain ?
	    ti->verify_depth : 0;
	c = ti->nchain > 0 ? &ti->chain[d] : NULL;
	if (ti->pin_failed != PIN_FAIL_NONE && ti->nchain > 0) {
		return ti->pin_failed == PIN_FAIL_FINGERPRINT ?
		    xasprintf(_("the server's certificate (SHA-256 %s) does not "
		    "match --fingerprint"), ti->chain[0].fingerprint) :
		    xasprintf(_("the server's public key (SHA-256 %s) does not "
		    "match --pin-pubkey"), ti->chain[0].pubkey);
	}
	if (c == NULL && ti->verify_code != TV_OK)
		return xstrdup(_("the server sent no certificate"));
	place = cert_place(d);
	switch (ti->verify_code) {
	case TV_OK:
		s = xstrdup(_("the certificate verified"));
		break;
	case TV_NO_CERT:
		s = xstrdup(_("the server sent no certificate"));
		break;
	case TV_MISSING_ISSUER:
		/* Which it is cannot be seen from here: a CA file that lacks
		 * the issuer points at the server; the system's store may
		 * just not know a private authority. */
		a = field(ti->missing_issuer, json);
		b = field(c->subject, json);
		if (ti->ca_file)
			s = d == 0 ? xasprintf(_("the server did not send its "
			    "intermediate certificate: its certificate is issued by "
			    "“%s”, which the server should send with it (it is not in "
			    "the CA file either)"), a) : xasprintf(_("the server did "
			    "not send all its intermediate certificates: the chain it "
			    "sent stops at “%s”, issued by “%s”, which the server "
			    "should send too (it is not in the CA file either)"), b, a);
		else
			s = d == 0 ? xasprintf(_("the server did not send the "
			    "certificate of its issuer “%s”, which the system's "
			    "trusted authorities do not know (a missing intermediate "
			    "certificate, or a private authority)"), a) :
			    xasprintf(_("the chain the server sent stops at “%s”, "
			    "issued by “%s”, which the server did not send and the "
			    "system's trusted authorities do not know (a missing "
			    "intermediate certificate, or a private authority)"), b, a);
		break;
	case TV_UNTRUSTED_ROOT:
		a = field(c->subject, json);
		s = xasprintf(ti->ca_file ? _("the chain ends at “%s”, an "
		    "authority that is not in the CA file") : _("the chain ends "
		    "at “%s”, an authority missive does not trust (it is not in "
		    "the system's store)"), a);
		break;
	case TV_SELF_SIGNED:
		s = xstrdup(_("the server's certificate is self-signed: no "
		    "authority vouches for it"));
		break;
	case TV_EXPIRED:
		a = day_of(c->not_after);
		s = xasprintf(ngettext("%s expired on %s (%ld day ago)",
		    "%s expired on %s (%ld days ago)", (unsigned long)(c->days_left < 0 ?
		    -c->days_left : 0)), place, a, c->days_left < 0 ? -c->days_left : 0);
		break;
	case TV_NOT_YET_VALID:
		a = day_of(c->not_before);
		s = xasprintf(_("%s is not valid before %s"), place, a);
		break;
	case TV_BAD_SIGNATURE:
		s = xasprintf(_("the signature on %s does not verify"), place);
		break;
	case TV_WEAK_KEY: {
		/* c->key is "RSA-1024", "DSA-1024" or "EC-224". */
		bool ec = strncmp(c->key, "EC-", 3) == 0;
		const char *dash = strchr(c->key, '-');
		int bits = dash != NULL ? atoi(dash + 1) : 0;

		s = xasprintf(ec ? _("%s has a %d-bit EC key; missive requires at "
		    "least %d bits") : _("%s has a %d-bit RSA key; missive requires "
		    "at least %d bits"), place, bits, ec ? TLS_MIN_EC_BITS :
		    TLS_MIN_RSA_BITS);
		break;
	}
	case TV_NAME_NO_SAN:
		a = field(ti->host, json);
		b = field(ti->chain[0].subject, json);
		s = xasprintf(_("the certificate is not valid for `%s': it has "
		    "no subjectAltName, and its subject (%s) is not used to check "
		    "the name (RFC 9525)"), a, b);
		break;
	case TV_NAME_MISMATCH:
	case TV_NAME_WILDCARD:
		/* The names it does have, as listed. */
		a = field(ti->host, json);
		b = field(ti->chain[0].sans, json);
		s = xasprintf(is_address(ti->host) ? _("the certificate is not "
		    "valid for the address %s: it lists no such IP address (it "
		    "names: %s)") : _("the certificate is not valid for `%s' (it "
		    "names: %s)"), a, b);
		if (ti->verify_code == TV_NAME_WILDCARD) {
			char *more = xasprintf(_("%s; a wildcard counts only as the "
			    "whole left-most label of a name with at least two more "
			    "labels, standing for one label"), s);

			free(s);
			s = more;
		}
		break;
	default:
		a = field(ti->verify_error, json);
		s = xasprintf(_("certificate error %s"), a);
		break;
	}
	/* The library names the first problem; an expired leaf is worth
	 * knowing before the first is fixed. */
	if (ti->verify_code != TV_EXPIRED && ti->verify_code != TV_OK &&
	    ti->nchain > 0 && ti->chain[0].days_left < 0) {
		char *day = day_of(ti->chain[0].not_after);
		char *more = xasprintf(_("%s; it also expired on %s"), s, day);

		free(day);
		free(s);
		s = more;
	}
	free(a);
	free(b);
	free(place);
	return s;
}

bool
explain_cert_pinnable(const struct tls_info *ti)
{
	if (ti == NULL || ti->nchain == 0 || ti->weak)
		return false;
	if (ti->pin_failed != PIN_FAIL_NONE)
		return true;	/* the pins of what it shows now */
	switch (ti->verify_code) {
	case TV_MISSING_ISSUER:
	case TV_UNTRUSTED_ROOT:
	case TV_SELF_SIGNED:
	case TV_NAME_MISMATCH:
	case TV_NAME_NO_SAN:
	case TV_NAME_WILDCARD:
		return true;
	default:
		/* Expired, not yet valid, a bad signature: a pin would hide
		 * what must be fixed. */
		return false;
	}
}

/* What to do about a certificate that was not accepted. */
static char *
cert_next(const struct tls_info *ti, enum explain_for who)
{
	bool cli = who != FOR_COMPOSER;

	if (ti->pin_failed != PIN_FAIL_NONE)
		return xstrdup(cli ? _("If the server's certificate or key was "
		    "changed on purpose, update the pin (missive probe shows the "
		    "new ones); if not, someone may be between you and the "
		    "server.") : _("If the server's certificate or key was changed "
		    "on purpose, update the profile's fingerprint or pin_pubkey (^T "
		    "shows the new ones); if not, someone may be between you and "
		    "the server."));
	switch (ti->verify_code) {
	case TV_MISSING_ISSUER:
		if (ti->ca_file)
			return xstrdup(_("Ask the server's admin to send the full "
			    "chain: its certificate and the intermediate ones."));
		return xstrdup(cli ? _("If that authority is yours or your "
		    "organisation's, name it with --ca-file FILE; else ask the "
		    "server's admin to send the full chain: its certificate and the "
		    "intermediate ones.") : _("If that authority is yours or your "
		    "organisation's, name it in the profile's ca_file; else ask the "
		    "server's admin to send the full chain: its certificate and the "
		    "intermediate ones."));
	case TV_UNTRUSTED_ROOT:
		if (ti->ca_file)
			return xstrdup(cli ? _("If you trust that authority, add it "
			    "to the CA file, or pin the server (--pin-pubkey).") :
			    _("If you trust that authority, add it to the CA file, "
			    "or pin the server (pin_pubkey; ^T shows it)."));
		return xstrdup(cli ? _("If you trust that authority, name it with "
		    "--ca-file FILE, or pin the server (--pin-pubkey).") : _("If "
		    "you trust that authority, name it in the profile's ca_file, "
		    "or pin the server (pin_pubkey; ^T shows it)."));
	case TV_SELF_SIGNED:
		return xstrdup(cli ? _("If you know this is the server's own "
		    "certificate, pin it: --pin-pubkey keeps working across "
		    "renewals that keep the key, --fingerprint accepts this very "
		    "certificate.") : _("If you know this is the server's own "
		    "certificate, pin it: pin_pubkey keeps working across renewals "
		    "that keep the key, fingerprint accepts this very certificate; "
		    "^T shows both."));
	case TV_EXPIRED:
		return xstrdup(_("Ask the server's admin to renew it; if the date "
		    "looks wrong, check this computer's clock."));
	case TV_NOT_YET_VALID:
		return xstrdup(_("Check this computer's clock; if it is right, ask "
		    "the server's admin."));
	case TV_BAD_SIGNATURE:
		return xstrdup(_("The chain is broken or was tampered with: ask "
		    "the server's admin, and do not pin it."));
	case TV_WEAK_KEY:
		return xstrdup(_("The server's key is too small to be safe; ask its "
		    "admin for a new one (RSA 2048 bits or more, EC 256 or more)."));
	case TV_NAME_MISMATCH:
	case TV_NAME_NO_SAN:
	case TV_NAME_WILDCARD:
		return xstrdup(cli ? _("Use a server name the certificate names, or "
		    "ask the server's admin for a certificate for this name; pin it "
		    "only if you know it is the right server.") : _("Use a server "
		    "name the certificate names (Server field), or ask the server's "
		    "admin for a certificate for this name; pin it only if you "
		    "know it is the right server."));
	default:
		return xstrdup(explain_hint("cert_verify", who));
	}
}

/* RFC 3463 (and the IANA registry of RFC 5248): what an enhanced status
 * code means, and what to do. "X" stands for the class; a code of two
 * parts names a whole subject. The one table of them. */
static const struct {
	const char *code, *words, *cli, *composer;
} enh_table[] = {
	{ "X.0.0", N_("no further detail"), NULL, NULL },
	{ "X.1", N_("a problem with an address"), N_("Check the addresses."),
	    N_("Check the addresses.") },
	{ "X.1.1", N_("the mailbox does not exist"), N_("Check the address for "
	    "typos, or ask the recipient for the right one."), N_("Check the "
	    "address for typos, or ask the recipient for the right one.") },
	{ "X.1.2", N_("the recipient's domain does not exist or takes no "
	    "mail"), N_("Check the part after the @."), N_("Check the part "
	    "after the @.") },
	{ "X.1.3", N_("the recipient's address is not valid"), N_("Check how "
	    "the address is written."), N_("Check how the address is "
	    "written.") },
	{ "X.1.6", N_("the mailbox has moved"), N_("Ask the recipient for the "
	    "new address."), N_("Ask the recipient for the new address.") },
	{ "X.1.7", N_("the sender's address is not valid"), N_("Check FROM "
	    "(or --from)."), N_("Check the From field.") },
	{ "X.1.8", N_("the sender's domain is not accepted"), N_("Send from "
	    "an address whose domain exists and takes mail."), N_("Send from "
	    "an address whose domain exists and takes mail.") },
	{ "X.1.10", N_("the recipient's domain takes no mail (null MX)"),
	    N_("Check the part after the @."), N_("Check the part after the "
	    "@.") },
	{ "X.2", N_("a problem with the recipient's mailbox"), N_("Try again "
	    "later, or ask the recipient."), N_("Try again later, or ask the "
	    "recipient.") },
	{ "X.2.1", N_("the mailbox is disabled"), N_("Ask the recipient for "
	    "another address."), N_("Ask the recipient for another "
	    "address.") },
	{ "X.2.2", N_("the mailbox is full"), N_("Try again later, or ask the "
	    "recipient to make room."), N_("Try again later, or ask the "
	    "recipient to make room.") },
	{ "X.2.3", N_("the message is larger than the mailbox takes"),
	    N_("Remove or shrink attachments."), N_("Remove or shrink "
	    "attachments.") },
	{ "X.2.4", N_("a mailing list could not be expanded"), N_("Ask the "
	    "list's owner."), N_("Ask the list's owner.") },
	{ "X.3", N_("a problem of the receiving mail system"), N_("Try again "
	    "later, or ask the server's admin."), N_("Try again later, or ask "
	    "the server's admin.") },
	{ "X.3.4", N_("the message is too big for the server"), N_("Remove or "
	    "shrink attachments."), N_("Remove or shrink attachments.") },
	{ "X.4", N_("a network or routing problem beyond the server"),
	    N_("Try again later."), N_("Try again later.") },
	{ "X.4.4", N_("the server found no route to the recipient's domain"),
	    N_("Check the part after the @."), N_("Check the part after the "
	    "@.") },
	{ "X.5", N_("a problem in the SMTP dialogue"), N_("-v shows what the "
	    "server disliked."), N_("The dialogue (^O) shows what the server "
	    "disliked.") },
	{ "X.5.3", N_("too many recipients"), N_("Send to fewer recipients at "
	    "a time."), N_("Send to fewer recipients at a time.") },
	{ "X.6", N_("a problem with the message's content"), N_("The server's "
	    "words say what."), N_("The server's words say what.") },
	{ "X.6.7", N_("the server takes no non-ASCII addresses"), N_("Use an "
	    "ASCII address for that recipient."), N_("Use an ASCII address for "
	    "that recipient.") },
	{ "X.7", N_("refused by the server's security policy"), N_("The "
	    "server's words say why; ask its admin if they do not help."),
	    N_("The server's words say why; ask its admin if they do not "
	    "help.") },
	{ "X.7.0", N_("refused by the server's security policy (often: log in "
	    "first)"), N_("Log in first: set --user and --password-cmd (or the "
	    "profile's user and password_cmd)."), N_("Log in first: set user "
	    "and password_cmd in the profile.") },
	{ "X.7.1", N_("relay access denied"), N_("Log in first: set --user "
	    "and --password-cmd (or the profile's user and password_cmd)."),
	    N_("Log in first: set user and password_cmd in the profile.") },
	{ "X.7.8", N_("the user name or password is wrong"), N_("Check --user "
	    "and what --password-cmd prints (or the profile's user and "
	    "password_cmd)."), N_("Check the profile's user and password.") },
	{ "X.7.9", N_("the AUTH mechanism is too weak for the server"),
	    N_("Choose a stronger one with --auth (SCRAM-SHA-256)."),
	    N_("Choose a stronger one in the profile's auth "
	    "(SCRAM-SHA-256).") },
	{ "X.7.11", N_("the server wants encryption before this AUTH"),
	    N_("Use TLS (--tls starttls or implicit)."), N_("Use TLS (the "
	    "profile's tls).") },
	{ "X.7.13", N_("the account is disabled"), N_("Ask the server's "
	    "admin."), N_("Ask the server's admin.") },
	{ "X.7.23", N_("SPF: the sender's domain does not allow mail from "
	    "here"), N_("Send through the server the sender's domain names for "
	    "its mail."), N_("Send through the server the sender's domain "
	    "names for its mail.") },
	{ "X.7.25", N_("the sending host has no valid reverse DNS"), N_("Send "
	    "through your provider's submission server."), N_("Send through "
	    "your provider's submission server.") },
	{ "X.7.26", N_("the message failed the recipient's sender checks "
	    "(SPF, DKIM, DMARC)"), N_("Send through the server the sender's "
	    "domain names for its mail."), N_("Send through the server the "
	    "sender's domain names for its mail.") },
};

/* The table entry for enh ("5.7.1"): the exact code, else its subject. */
static int
enh_find(const char *enh)
{
	const char *sub = enh + 1;	/* ".7.1" */
	size_t i, sublen;
	const char *dot;

	if (enh[0] < '2' || enh[0] > '5' || enh[1] != '.')
		return -1;
	for (i = 0; i < sizeof enh_table / sizeof enh_table[0]; i++)
		if (strcmp(enh_table[i].code + 1, sub) == 0)
			return (int)i;
	if ((dot = strchr(sub + 1, '.')) == NULL)
		return -1;
	sublen = (size_t)(dot - sub);
	for (i = 0; i < sizeof enh_table / sizeof enh_table[0]; i++)
		if (strlen(enh_table[i].code + 1) == sublen &&
		    strncmp(enh_table[i].code + 1, sub, sublen) == 0)
			return (int)i;
	return -1;
}

const char *
explain_enhanced(const char *enh)
{
	int i = enh != NULL ? enh_find(enh) : -1;

	return i >= 0 ? _(enh_table[i].words) : NULL;
}

/* The next step an enhanced code asks for, or NULL. Logged in already,
 * "log in first" is no advice. */
static const char *
enh_next(const struct result *r, enum explain_for who)
{
	int i = enh_find(r->enh);
	const char *n;

	if (i < 0)
		return NULL;
	if (r->logged_in && (strcmp(enh_table[i].code, "X.7.0") == 0 ||
	    strcmp(enh_table[i].code, "X.7.1") == 0))
		return _("You are logged in: the server's words say why it "
		    "refused; ask its admin if they do not help.");
	n = who != FOR_COMPOSER ? enh_table[i].cli : enh_table[i].composer;
	if (n == NULL)
		return NULL;
	if (r->enh[0] == '4')
		return _("It is temporary: try again later.");
	return _(n);
}

/* Whether the server refused the login itself (535, or x.7.8): the
 * user name or the password is wrong. */
static bool
login_refused(const struct result *r)
{
	return r->reason != NULL && strcmp(r->reason, "auth") == 0 &&
	    r->detail == NULL && (r->code == 535 || (r->enh[0] != '\0' &&
	    strcmp(r->enh + 1, ".7.8") == 0));
}

/* What to do after a refused login, by where the password came from:
 * what was typed, what a command printed, what a profile stores. */
static const char *
login_next(const struct result *r, enum explain_for who)
{
	bool cli = who != FOR_COMPOSER;

	switch (r->secret) {
	case SECRET_TYPED:
		return cli ? _("The password typed was refused: check it and "
		    "--user.") : _("The password typed was refused: check it and "
		    "the user name (the profile's user), and type it again when "
		    "asked.");
	case SECRET_CMD:
		return cli ? _("Check --user and what --password-cmd prints (or "
		    "the profile's user and password_cmd).") : _("Check the "
		    "profile's user and what its password_cmd prints.");
	case SECRET_STORED:
		return cli ? _("Check --user and the password the profile "
		    "stores.") : _("Check the profile's user and password.");
	default:
		return explain_hint("auth", who);
	}
}

/* How to go on after a downgrade was refused: forget the server, or
 * send this once without TLS in the front end's way. */
static char *
downgrade_next(const struct result *r, bool probe, enum explain_for who)
{
	char *name = servers_name(r->host != NULL ? r->host : "?", r->port), *s;

	if (probe)
		s = xasprintf(_("If the server really stopped offering TLS, forget "
		    "it with `missive servers forget %s`."), name);
	else if (who == FOR_QUEUE)
		s = xasprintf(_("If the server really stopped offering TLS, forget "
		    "it with `missive servers forget %s`; until then nothing goes to "
		    "it without TLS."), name);
	else if (who == FOR_CLI)
		s = xasprintf(_("If the server really stopped offering TLS, forget "
		    "it with `missive servers forget %s`, or send this one message "
		    "without TLS with --tls off."), name);
	else
		s = xasprintf(_("If the server really stopped offering TLS, forget "
		    "it with `missive servers forget %s`, or answer y below to send "
		    "this one message without TLS."), name);
	free(name);
	return s;
}

/* How to choose another policy than the one the port implied. */
static const char *
port_policy_words(enum explain_for who)
{
	return who != FOR_COMPOSER ? _("choose another with --tls or the profile's "
	    "tls =") : _("choose another with the profile's tls =");
}

/* Why it failed (*why, display-safe or JSON-raw) and what to do next
 * (*next, allocated; "" for nothing). */
static void
failure_parts(const struct result *r, bool probe, enum explain_for who,
    bool json, char **why, char **next)
{
	const char *d = r->detail != NULL ? r->detail : "";
	const char *hint = explain_hint(r->reason, who), *words;
	bool cli = who != FOR_COMPOSER;
	char *m;
	size_t ml;

	/* The engine's message is escaped already (its server text). */
	m = r->message != NULL ? (json ? xstrdup(r->message) :
	    str_escape_msg(r->message)) : xstrdup(r->reason ? r->reason :
	    _("unknown error"));
	ml = strlen(m);
	while (ml > 0 && (m[ml - 1] == '.' || m[ml - 1] == ' '))
		m[--ml] = '\0';
	*next = NULL;
	*why = NULL;
	if (r->reason != NULL && strcmp(r->reason, "cert_verify") == 0 &&
	    r->tls != NULL) {
		*why = explain_cert(r->tls, json);
		*next = cert_next(r->tls, who);
	} else if (strcmp(d, "plaintext_port") == 0) {
		if (r->policy_implied)
			*why = xasprintf(_("port %d implies implicit TLS, but the "
			    "server there answered in plain text (an SMTP greeting) "
			    "instead of TLS; %s"), r->port, port_policy_words(who));
		else
			*why = xasprintf(_("the server on port %d answered in plain "
			    "text (an SMTP greeting) instead of TLS: it does not "
			    "speak TLS from the first byte"), r->port);
		*next = xstrdup(cli ? _("Use --tls starttls (STARTTLS after the "
		    "greeting), usually on port 587.") : _("Set the profile's "
		    "tls = starttls (STARTTLS after the greeting), or use port "
		    "587."));
	} else if (strcmp(d, "implicit_tls_port") == 0) {
		if (r->policy_implied)
			*why = xasprintf(_("the server on port %d said nothing, but "
			    "answers a TLS handshake: it speaks TLS from the first "
			    "byte (implicit TLS, as on port 465), and port %d implies "
			    "%s; %s"), r->port, r->port, tls_mode_name(r->policy),
			    port_policy_words(who));
		else
			*why = xasprintf(_("the server on port %d said nothing, but "
			    "answers a TLS handshake: it speaks TLS from the first "
			    "byte (implicit TLS, as on port 465), not %s"), r->port,
			    tls_mode_name(r->policy));
		*next = xstrdup(cli ? _("Use --tls implicit.") : _("Set the "
		    "profile's tls = implicit, or use port 465 (which means "
		    "implicit TLS)."));
	} else if (strcmp(d, "starttls_missing") == 0) {
		if (r->policy_implied)
			*why = xasprintf(_("the server does not offer STARTTLS, and "
			    "port %d implies STARTTLS; %s"), r->port,
			    port_policy_words(who));
		else
			*why = xstrdup(m);
		*next = xstrdup(hint);
	} else if (r->reason != NULL && strcmp(r->reason, "tls_downgrade") == 0) {
		*why = xstrdup(m);
		*next = downgrade_next(r, probe, who);
	} else if (strcmp(d, "auth_mech") == 0) {
		*why = xstrdup(m);
		*next = xstrdup(cli ? _("Choose one of those with --auth, or leave "
		    "--auth out and missive picks the best.") : _("Set the profile's "
		    "auth to one of those, or remove it and missive picks the "
		    "best."));
	} else if (r->reason != NULL && strcmp(r->reason, "rcpt_refused") == 0 &&
	    r->nrefused > 0) {
		char *ref = join_escaped(r->refused, r->nrefused);
		const char *n;

		words = r->enh[0] != '\0' ? explain_enhanced(r->enh) : NULL;
		if (words != NULL)
			*why = xasprintf(_("%s (refused: %s; %s: %s)"), m, ref,
			    r->enh, words);
		else
			*why = xasprintf(_("%s (refused: %s)"), m, ref);
		free(ref);
		/* A 4xx is "not now": fixing the address is not the answer;
		 * a refusal of policy (x.7.x) has a next step of its own. */
		if (r->nrefused_temp == r->nrefused)
			*next = xstrdup(_("The server refused them for now (a 4xx "
			    "reply): try again later."));
		else if (r->enh[2] == '7' && (n = enh_next(r, who)) != NULL)
			*next = xstrdup(n);
		else if (r->naccepted == 0 || !cli)
			*next = xstrdup(_("Fix or remove the refused addresses and "
			    "send again."));
	} else if (r->enh[0] != '\0' && (words = explain_enhanced(r->enh)) != NULL &&
	    r->reason != NULL && (strcmp(r->reason, "server_error") == 0 ||
	    strcmp(r->reason, "auth") == 0 || strcmp(r->reason, "size") == 0)) {
		const char *n = enh_next(r, who);

		if (strstr(m, r->enh) != NULL)
			*why = xasprintf("%s (%s)", m, words);
		else
			*why = xasprintf("%s (%s: %s)", m, r->enh, words);
		*next = xstrdup(n != NULL ? n : hint);
	}
	if (*why == NULL)
		*why = xstrdup(m);
	free(m);
	(void)probe;
	if (login_refused(r)) {
		free(*next);
		*next = xstrdup(login_next(r, who));
	}
	if (*next == NULL)
		*next = xstrdup(hint);
}

char *
explain_failure(const struct result *r, bool probe, enum explain_for who,
    bool json)
{
	char *why, *next, *s;

	failure_parts(r, probe, who, json, &why, &next);
	s = *next != '\0' ? xasprintf("%s. %s", why, next) : xasprintf("%s.", why);
	free(why);
	free(next);
	return s;
}

char *
explain_verdict(const struct result *r, bool probe, enum explain_for who,
    enum sev *sev)
{
	char *t, *m, *s, *next;
	const char *hint;

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
		*sev = (r->encrypted && r->tls && (r->tls->verified ||
		    r->tls->pinned)) ? SEV_OK : SEV_WARN;
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
	failure_parts(r, probe, who, false, &m, &next);
	hint = next;
	if (!probe && result_maybe_sent(r)) {
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
	free(next);
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

static const char *
stage_words(enum tl_stage st)
{
	switch (st) {
	case TL_DNS:
		return _("DNS");
	case TL_CONNECT:
		return _("connect");
	case TL_GREETING:
		return _("greeting");
	case TL_EHLO:
		return "EHLO";
	case TL_STARTTLS:
		return "STARTTLS";
	case TL_HANDSHAKE:
		return _("handshake");
	case TL_AUTH:
		return "AUTH";
	case TL_ENVELOPE:
		return _("envelope");
	case TL_DATA:
		return _("data");
	case TL_FINAL:
		return _("final reply");
	default:
		return "?";
	}
}

double
explain_stages_longest(const struct result *r)
{
	double m = 0;
	size_t i;

	for (i = 0; r != NULL && i < r->nstages; i++)
		if (r->stages[i].secs > m)
			m = r->stages[i].secs;
	return m;
}

char *
explain_stage(const struct tl_span *sp, double longest, int barw, bool utf8)
{
	const char *name = stage_words(sp->stage), *p;
	struct buf b;
	int cells = 0, cols = 0, i;

	buf_init(&b);
	buf_adds(&b, name);
	/* Padded by characters: the names are translated. */
	for (p = name; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			cols++;
	for (; cols < 12; cols++)
		buf_addc(&b, ' ');
	buf_addf(&b, " %7.3fs ", sp->secs);
	if (longest > 0 && barw > 0) {
		cells = (int)(sp->secs / longest * barw + 0.5);
		if (cells > barw)
			cells = barw;
	}
	for (i = 0; i < cells; i++)
		buf_adds(&b, utf8 ? "█" : "#");
	buf_cstr(&b);
	return b.data;
}
