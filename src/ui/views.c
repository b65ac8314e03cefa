/* Full-screen view texts; see views.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/smtp.h"
#include "store/receipts.h"
#include "ui/textbuf.h"
#include "ui/views.h"
#include "ui/wide.h"

static const struct {
	const char *keys, *what;
} help_keys[] = {
	{ NULL, N_("Commands (everywhere in the composer)") },
	{ "^X  F10", N_("Send (after a review: empty subject, a mentioned "
	    "attachment, bad addresses)") },
	{ "^C  F12", N_("Quit, with a confirmation (your text is kept as a "
	    "draft); during a send: cancel the send") },
	{ "^G  F1", N_("This help") },
	{ "^S  F2", N_("Save the draft now (it is also saved by itself a "
	    "second after each change)") },
	{ "^T  F3", N_("TLS diagnostics: certificate chain, versions, "
	    "capabilities; p there probes the server") },
	{ "^_  F4", N_("Edit the body in $VISUAL / $EDITOR / vi "
	    "(^_ is Ctrl-/ on most terminals)") },
	{ "^P  F5", N_("Profiles: pick one (type to filter), save the "
	    "current settings as one (^S), or find your server and make a new "
	    "one (^N: missive setup)") },
	{ "^O  F6", N_("The full SMTP dialogue of the last send "
	    "(passwords hidden)") },
	{ "F7", N_("Themes: choose a colour theme, previewed live") },
	{ "^R  F8", N_("Drafts: every kept draft, with its age, To and "
	    "Subject; open one, delete one, or start a new message") },
	{ "M-r  F11", N_("Reply-To: show the field (hidden until it is used) "
	    "and go to it") },
	{ "F9", N_("The receipt of the last message sent: when, which server, "
	    "TLS and certificate, each recipient's answer, the queue id") },
	{ "^Z  M-u", N_("Undo the last change in the current field") },
	{ "^L", N_("Redraw the screen") },
	{ "M-Up M-Down", N_("Scroll the status pane (M-End: back to the "
	    "latest line)") },
	{ NULL, "" },
	{ NULL, N_("Moving between fields") },
	{ "Tab", N_("Next field; in an address field it first completes the "
	    "address: one that fits at once, several as a list (history, "
	    "profiles and the query_cmd address book)") },
	{ "S-Tab", N_("Previous field") },
	{ "Up Down", N_("Previous / next field (in the body: previous / "
	    "next line)") },
	{ "Enter", N_("In a field: go to the next field") },
	{ NULL, "" },
	{ NULL, N_("The list of addresses (after Tab)") },
	{ "Up Down Tab S-Tab", N_("Choose one (the cursor is on it)") },
	{ "Enter", N_("Put it in the field") },
	{ "Esc", N_("Close the list, keeping what you typed") },
	{ N_("typing"), N_("Narrows the list") },
	{ NULL, "" },
	{ NULL, N_("Editing (fields and body)") },
	{ "^A  Home", N_("Start of the line") },
	{ "^E  End", N_("End of the line") },
	{ "^B ^F  Left Right", N_("One character back / forward") },
	{ "M-b M-f  ^Left ^Right", N_("One word back / forward") },
	{ "^D  Delete", N_("Delete the character under the cursor") },
	{ "Backspace  ^H", N_("Delete the character before the cursor") },
	{ "^K", N_("Cut to the end of the line; at its start the whole line, "
	    "at its end the line break; ^K again adds to the cut") },
	{ "^U", N_("Cut to the start of the line") },
	{ "^W", N_("Cut the word before the cursor") },
	{ "M-d", N_("Cut the word after the cursor") },
	{ "^Y", N_("Paste what was cut last") },
	{ NULL, "" },
	{ NULL, N_("Body") },
	{ "PgUp PgDn", N_("A screen up / down") },
	{ "M-<  M->  ^Home ^End", N_("Start / end of the text") },
	{ "Tab", N_("Inserts a tab; S-Tab goes back to the fields") },
	{ "-- ", N_("The profile's signature shows below this line: change "
	    "or delete it for this message") },
	{ NULL, "" },
	{ NULL, N_("Fields") },
	{ N_("Server"), N_("host, host:port or [v6]:port; port 465 means "
	    "implicit TLS, 25 opportunistic, others STARTTLS") },
	{ N_("To Cc Bcc"), N_("Comma-separated addresses: a@b or Name <a@b>") },
	{ N_("Reply-To"), N_("Where replies should go, when not to From "
	    "(a profile's reply_to fills it)") },
	{ N_("Attach"), N_("Comma-separated file paths (~/ allowed); a name with "
	    "a comma in double quotes; Tab completes; sizes show once you leave "
	    "the field") },
	{ NULL, "" },
	{ NULL, N_("In this help: t opens the theme picker; Esc, q or F1 "
	    "goes back") },
};

void
view_help(struct lines *out)
{
	size_t i;

	lines_add(out, R_HEADING, _("missive — keys"));
	lines_add(out, R_BODY, "");
	for (i = 0; i < sizeof help_keys / sizeof help_keys[0]; i++) {
		if (help_keys[i].keys == NULL) {
			if (*help_keys[i].what == '\0')
				lines_add(out, R_BODY, "");
			else
				lines_add(out, R_HEADING, _(help_keys[i].what));
			continue;
		}
		{
			/* Field names in the key column are translated;
			 * key names are not in the catalogue and stay. */
			char *k = wide_pad(_(help_keys[i].keys), 22);

			lines_addf(out, R_BODY, "  %s %s", k, _(help_keys[i].what));
			free(k);
		}
	}
	lines_add(out, R_BODY, "");
	lines_add(out, R_DIM, _("The status pane marks every line with a "
	    "symbol as well as a colour: ✓ done, ✗ failed, ! warning, "
	    "· information, → sent by missive."));
	lines_add(out, R_DIM, _("Drafts live in $XDG_DATA_HOME/missive/drafts; "
	    "a draft is removed only after the server accepted the message."));
}

/* k padded with spaces to 14 columns (not bytes: labels are translated).
 * The result lives until the next call; the UI is one thread. */
static const char *
label(const char *k)
{
	static char *last;

	free(last);
	last = wide_pad(k, 14);
	return last;
}

static void
kv(struct lines *out, enum role role, const char *k, const char *v)
{
	char *e = str_escape(v ? v : "", v ? strlen(v) : 0);

	lines_addf(out, role, "  %s %s", label(k), e);
	free(e);
}

static void
caps_lines(struct lines *out, const char *title, char **caps, size_t n)
{
	size_t i;

	lines_add(out, R_HEADING, title);
	if (n == 0)
		lines_add(out, R_DIM, _("  (none seen)"));
	for (i = 0; i < n; i++)
		lines_add_escaped(out, R_BODY, "  ", caps[i]);
}

static void
chain_lines(struct lines *out, const struct tls_info *ti)
{
	size_t i;

	lines_add(out, R_HEADING, _("Certificate chain (the server's own "
	    "certificate first)"));
	if (ti->nchain == 0)
		lines_add(out, R_DIM, _("  (no certificate details)"));
	for (i = 0; i < ti->nchain; i++) {
		const struct cert_info *c = &ti->chain[i];
		char *valid;
		const char *fp = c->fingerprint ? c->fingerprint : "";

		lines_addf(out, R_LABEL, "  [%zu]", i + 1);
		kv(out, R_BODY, C_("certificate", "Subject"), c->subject);
		kv(out, R_BODY, _("Issuer"), c->issuer);
		if (c->days_left < 0)
			valid = xasprintf(_("%s to %s (EXPIRED %ld days ago)"),
			    c->not_before ? c->not_before : "?",
			    c->not_after ? c->not_after : "?", -c->days_left);
		else
			valid = xasprintf(_("%s to %s (%ld days left)"),
			    c->not_before ? c->not_before : "?",
			    c->not_after ? c->not_after : "?", c->days_left);
		kv(out, c->days_left < 0 ? R_STATUS_ERROR : (c->days_left < 14 ?
		    R_STATUS_WARN : R_BODY), _("Valid"), valid);
		free(valid);
		kv(out, R_BODY, _("Names"), c->sans ? c->sans : _("(none)"));
		/* 95 characters: two lines of 16 bytes each read better. */
		if (strlen(fp) == 95) {
			char *half = xstrndup(fp, 48);

			kv(out, R_BODY, "SHA-256", half);
			kv(out, R_BODY, "", fp + 48);
			free(half);
		} else
			kv(out, R_BODY, "SHA-256", fp);
	}
}

/* Each stage of the last session as a bar scaled to the longest: a slow
 * server or handshake is seen at a glance. */
static void
timeline_lines(struct lines *out, const struct result *r, int width, bool utf8)
{
	double longest = explain_stages_longest(r);
	int barw = (width > 0 ? width : 80) - 2 - 12 - 10 - 1;
	size_t i;

	if (barw > 40)
		barw = 40;
	if (barw < 4)
		barw = 4;
	lines_add(out, R_BODY, "");
	lines_add(out, R_HEADING, _("Timeline (each stage, scaled to the "
	    "longest)"));
	for (i = 0; i < r->nstages; i++) {
		char *l = explain_stage(&r->stages[i], longest, barw, utf8);

		lines_addf(out, R_BODY, "  %s", l);
		free(l);
	}
}

void
view_tls(struct lines *out, const struct tls_view_in *in)
{
	const struct result *r = in->result;
	const struct tls_info *ti = r && r->tls ? r->tls : in->live;
	char *s;

	lines_add(out, R_HEADING, _("TLS diagnostics"));
	lines_add(out, R_BODY, "");
	kv(out, R_BODY, _("Server"), in->server && *in->server ? in->server :
	    _("(empty)"));
	lines_addf(out, R_BODY, "  %s %s%s", label(_("Policy")),
	    explain_policy(in->policy), in->fallback ?
	    _("; falls back to plain text when the handshake fails") : "");
	if (in->running)
		lines_add(out, R_STATUS_INFO, _("  A send or probe is running; "
		    "this screen updates when it ends."));
	if (r == NULL && ti == NULL) {
		lines_add(out, R_BODY, "");
		lines_add(out, R_DIM, _("  Nothing known yet: send, or press p "
		    "to probe the server (no mail is sent)."));
		return;
	}
	if (r != NULL) {
		bool trusted = ti != NULL && (ti->verified || ti->pinned);

		if (r->encrypted)
			lines_addf(out, trusted ? R_TLS_SECURE : R_TLS_INSECURE,
			    "  %s %s", label(_("Outcome")), ti != NULL && ti->pinned ?
			    _("encrypted, certificate pinned") : trusted ?
			    _("encrypted, certificate verified") : _("encrypted, "
			    "certificate NOT verified"));
		else if (r->reason != NULL && strcmp(r->reason,
		    "cert_verify") == 0)
			lines_addf(out, R_TLS_INSECURE, "  %s %s", label(_("Outcome")),
			    _("stopped: the certificate was not accepted, so "
			    "nothing was sent"));
		else
			lines_addf(out, R_TLS_INSECURE, "  %s %s", label(_("Outcome")),
			    r->fell_back ? _("NOT encrypted: the TLS handshake "
			    "failed and the profile allowed plain text") :
			    _("NOT encrypted"));
		if (r->reason != NULL) {
			char *m = explain_failure(r, in->probe, FOR_COMPOSER, false);

			lines_addf(out, R_STATUS_ERROR, "  %s %s (%s)",
			    label(in->probe ? _("Probe failed") : _("Send failed")), m,
			    r->reason);
			free(m);
		}
	}
	if (ti != NULL) {
		s = explain_tls_version(ti->version);
		kv(out, R_BODY, _("Version"), s);
		free(s);
		kv(out, R_BODY, _("Cipher"), ti->cipher);
		kv(out, R_BODY, _("Key exchange"), ti->group ? ti->group :
		    _("(not reported)"));
		if (ti->pinned)
			lines_addf(out, R_TLS_SECURE, "  %s %s",
			    label(_("Verification")), ti->verified ? _("the chain "
			    "and the host name check passed, and the certificate "
			    "matches the pin") : _("the certificate matches the pin "
			    "(fingerprint or pin_pubkey)"));
		else if (ti->verified)
			lines_addf(out, R_TLS_SECURE, "  %s %s",
			    label(_("Verification")), _("the chain and the host "
			    "name check passed"));
		else if (ti->insecure)
			lines_addf(out, R_TLS_INSECURE, "  %s %s",
			    label(_("Verification")), _("SKIPPED (insecure mode): "
			    "anyone on the path could read this"));
		else {
			char *why = explain_cert(ti, false);

			lines_addf(out, R_TLS_INSECURE, "  %s %s%s",
			    label(_("Verification")), _("FAILED: "), why);
			free(why);
		}
		if (ti->resumed) {
			/* The rule of doc/design.md, "Resumed TLS sessions". */
			char when[64], *v;
			time_t t = (time_t)ti->checked_at;
			struct tm tm;

			if (t > 0 && localtime_r(&t, &tm) != NULL)
				strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
			else
				snprintf(when, sizeof when, "?");
			v = xasprintf(_("yes: the server sent no certificate; it "
			    "proved it holds the session made at %s, whose "
			    "certificate (below) was checked then, with the same "
			    "settings"), when);
			kv(out, R_TLS_SECURE, _("Resumed"), v);
			free(v);
		} else
			kv(out, R_BODY, _("Resumed"), _("no"));
		lines_add(out, R_BODY, "");
		chain_lines(out, ti);
	}
	if (r != NULL && r->nstages > 0)
		timeline_lines(out, r, in->width, in->utf8);
	if (r != NULL) {
		lines_add(out, R_BODY, "");
		caps_lines(out, _("Capabilities before STARTTLS"), r->caps_plain,
		    r->ncaps_plain);
		lines_add(out, R_BODY, "");
		caps_lines(out, _("Capabilities over TLS"), r->caps_tls,
		    r->ncaps_tls);
	}
}

/* A SHA-256 of 95 characters on two rows, as the chain shows it. */
static void
kv_hash(struct lines *out, const char *k, const char *fp)
{
	if (fp != NULL && strlen(fp) == 95) {
		char *half = xstrndup(fp, 48);

		kv(out, R_BODY, k, half);
		kv(out, R_BODY, "", fp + 48);
		free(half);
	} else
		kv(out, R_BODY, k, fp != NULL ? fp : "-");
}

void
view_receipt(struct lines *out, const struct receipt *r, bool stale,
    const char *path)
{
	char *s, *v;
	size_t i;

	lines_add(out, R_HEADING, _("Receipt of the last message sent"));
	lines_add(out, R_BODY, "");
	if (r == NULL) {
		lines_add(out, R_DIM, _("  No message was sent from this composer "
		    "yet. Each message a server accepts gets a receipt, shown "
		    "here; `missive receipts` lists them all."));
		lines_add(out, R_BODY, "");
		lines_addf(out, R_DIM, _("  Receipts are kept in %s."), path);
		return;
	}
	if (stale) {
		lines_add(out, R_STATUS_WARN, _("  The last send was not accepted, "
		    "so it has no receipt; this is the one before it."));
		lines_add(out, R_BODY, "");
	}
	kv(out, R_BODY, _("Time"), r->time);
	s = strchr(r->server ? r->server : "", ':') != NULL ?
	    xasprintf("[%s]:%d (%s)", r->server, r->port, r->address ?
	    r->address : "?") : xasprintf("%s:%d (%s)", r->server ? r->server :
	    "?", r->port, r->address ? r->address : "?");
	kv(out, R_BODY, _("Server"), s);
	free(s);
	if (r->profile != NULL)
		kv(out, R_BODY, _("Profile"), r->profile);
	kv(out, R_BODY, _("Policy"), r->policy);
	if (r->encrypted) {
		v = explain_tls_version(r->tls_version);
		s = xasprintf(_("%s, %s; certificate %s"), v, r->cipher ? r->cipher :
		    "?", r->pinned ? _("pinned") : r->verified ? _("verified") :
		    _("NOT verified"));
		lines_addf(out, r->verified || r->pinned ? R_TLS_SECURE :
		    R_TLS_INSECURE, "  %s %s", label(_("Encryption")), s);
		free(s);
		free(v);
		kv_hash(out, _("Certificate"), r->fingerprint);
	} else
		lines_addf(out, R_TLS_INSECURE, "  %s %s", label(_("Encryption")),
		    r->fallback ? _("NONE: the TLS handshake failed and the "
		    "message went in plain text (fallback)") : _("NONE: the "
		    "message went in plain text"));
	kv(out, R_BODY, _("Memory"), r->downgrade_memory ? _("the server was "
	    "remembered for doing TLS (missive servers)") : _("the server was "
	    "not remembered"));
	kv(out, R_BODY, _("Login"), r->auth != NULL ? r->auth : _("none"));
	kv(out, R_BODY, _("From"), r->from);
	kv(out, R_BODY, _("Message-ID"), r->message_id);
	s = explain_size(r->size);
	kv(out, R_BODY, _("Size"), s);
	free(s);
	s = xasprintf("%d %s", r->reply_code, r->reply_text ? r->reply_text : "");
	kv(out, R_BODY, _("Reply"), s);
	free(s);
	kv(out, r->queue_id ? R_BODY : R_DIM, _("Queue id"), r->queue_id ?
	    r->queue_id : _("(the server named none)"));
	lines_add(out, R_BODY, "");
	lines_add(out, R_HEADING, _("Recipients (the server's answer to each)"));
	for (i = 0; i < r->nrcpts; i++) {
		const struct receipt_rcpt *rc = &r->rcpts[i];

		s = xasprintf("%d %s", rc->code, rc->text ? rc->text : "");
		kv(out, rc->code / 100 == 2 ? R_BODY : R_STATUS_ERROR,
		    rc->address, s);
		free(s);
	}
	lines_add(out, R_BODY, "");
	lines_addf(out, R_DIM, _("  Every receipt is kept in %s; `missive "
	    "receipts` lists them."), path);
}
