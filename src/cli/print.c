/* Human and JSON printers for engine events. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/print.h"

static void print_probe_report(const struct result *r, FILE *out);
static void print_timeline(const struct result *r, FILE *out, const char *prefix);

/* stdout could not be written (the reader went away: SIGPIPE is
 * ignored, so EPIPE): said once on stderr; the session goes on and its
 * outcome stays the exit status. */
static void
out_failed(struct printer *p, int errnum)
{
	if (p->out_closed)
		return;
	p->out_closed = true;
	fprintf(stderr, _("missive: cannot write the events to standard output "
	    "(%s); the session goes on, and the exit status tells its "
	    "outcome\n"), strerror(errnum));
}

/* The words of JSON error.message, result.message and tls.verify_error
 * are the renderer's, as on stderr (app/explain.c). */
static void
json_line(struct printer *p, const struct event *ev)
{
	const struct result *r = ev->result;
	struct event copy = *ev;
	struct result rcopy;
	struct tls_info ticopy;
	char *words = NULL;
	struct buf b;

	if (p->out_closed)
		return;
	if ((ev->type == EV_ERROR || ev->type == EV_RESULT) && r != NULL &&
	    r->reason != NULL && strcmp(r->reason, "usage") != 0) {
		words = explain_failure(r, p->probe, p->queue ? FOR_QUEUE : FOR_CLI,
		    true);
		if (ev->type == EV_ERROR)
			copy.text = words;
		else {
			rcopy = *r;
			rcopy.message = words;
			copy.result = &rcopy;
		}
	} else if (ev->type == EV_TLS && ev->tls_info != NULL &&
	    (!ev->tls_info->verified || ev->tls_info->pin_failed != PIN_FAIL_NONE)) {
		ticopy = *ev->tls_info;
		words = explain_cert(ev->tls_info, true);
		ticopy.verify_error = words;
		copy.tls_info = &ticopy;
	}
	buf_init(&b);
	event_to_json(&copy, &b);
	free(words);
	buf_addc(&b, '\n');
	errno = 0;
	if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) == EOF)
		out_failed(p, errno != 0 ? errno : EIO);
	buf_free(&b);
}

static void
bar_clear(struct printer *p)
{
	if (p->bar_shown) {
		fputs("\r\033[K", stderr);
		p->bar_shown = false;
	}
}

/* "  42% [########--------]  12.3 MiB / 29.0 MiB  85.1 MiB/s" */
static void
progress_bar(struct printer *p, const struct event *ev)
{
	double frac = (double)ev->sent_bytes / (double)ev->total_bytes;
	double rate = ev->t > 0 ? (double)ev->sent_bytes / ev->t : 0;
	char bar[21];
	int i, fill = (int)(frac * 20);

	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[20] = '\0';
	fprintf(stderr, "\r\033[K  %3d%% [%s] %.1f MiB / %.1f MiB  %.1f MiB/s",
	    (int)(frac * 100), bar, ev->sent_bytes / 1048576.0,
	    ev->total_bytes / 1048576.0, rate / 1048576.0);
	p->bar_shown = true;
	if (ev->sent_bytes >= ev->total_bytes)
		bar_clear(p);
}

/* The verdict, and for a refused certificate the exact pin to copy. */
static void
human_result(const struct result *r, bool probe, bool queue)
{
	enum sev sev;
	char *v = explain_verdict(r, probe, queue ? FOR_QUEUE : FOR_CLI, &sev);

	fprintf(stderr, "%s %s\n", explain_symbol(sev, MB_CUR_MAX > 1), v);
	free(v);
	/* Pins only where pinning is advice: never for a weak key, an
	 * expired or not yet valid or badly signed certificate. */
	if (r->reason != NULL && strcmp(r->reason, "cert_verify") == 0 &&
	    explain_cert_pinnable(r->tls)) {
		fprintf(stderr, "  --pin-pubkey %s\n", r->tls->chain[0].pubkey);
		fprintf(stderr, "  --fingerprint %s\n", r->tls->chain[0].fingerprint);
	}
}

void
print_event(const struct event *ev, void *arg)
{
	struct printer *p = arg;
	char *esc;

	if (ev->type == EV_RESULT && ev->result != NULL && p->transcript != NULL)
		print_timeline(ev->result, p->transcript, "T: ");
	if (ev->type == EV_DIALOGUE) {
		esc = str_escape(ev->text, strlen(ev->text));
		if (p->transcript != NULL) {
			fprintf(p->transcript, "%s %s\n", ev->dir == '>' ? "C:" : "S:", esc);
			fflush(p->transcript);
		}
		if (p->verbose) {	/* stderr: --json keeps stdout clean */
			bar_clear(p);
			fprintf(stderr, "%s %s\n", ev->dir == '>' ? "C:" : "S:", esc);
		}
		free(esc);
		return;
	}
	if (p->json) {
		json_line(p, ev);
		return;
	}
	if (ev->type != EV_DATA)
		bar_clear(p);
	switch (ev->type) {
	case EV_DATA:
		if (p->progress_tty && ev->total_bytes > 0)
			progress_bar(p, ev);
		break;
	case EV_RESULT:
		if (ev->result != NULL) {
			if (p->probe && !p->out_closed) {
				errno = 0;
				print_probe_report(ev->result, stdout);
				if (p->memory != NULL)
					printf(_("Server memory: %s\n"), p->memory);
				if (ev->result->nstages > 0) {
					fputs(_("Timeline (each stage, scaled to the "
					    "longest):\n"), stdout);
					print_timeline(ev->result, stdout, "  ");
				}
				fflush(stdout);
				if (ferror(stdout))
					out_failed(p, errno != 0 ? errno : EIO);
			}
			if (!p->quiet || !ev->result->sent)
				human_result(ev->result, p->probe, p->queue);
		}
		break;
	case EV_GREETING:
	case EV_EHLO:
		/* -v shows them as the dialogue already. */
		if (p->verbose)
			break;
		/* FALLTHROUGH */
	default: {
		enum sev sev;
		char *line = explain_event(ev, &sev);

		if (line != NULL && p->quiet && (sev == SEV_INFO || sev == SEV_OK ||
		    sev == SEV_CLIENT)) {
			free(line);
			break;
		}
		if (line != NULL)
			fprintf(stderr, "%s %s\n", explain_symbol(sev, MB_CUR_MAX > 1), line);
		free(line);
		break;
	}
	}
}

void
print_usage_failure(struct printer *p, const char *message)
{
	print_failure(p, "usage", message, 2);
}

void
print_failure(struct printer *p, const char *reason, const char *message,
    int status)
{
	char *esc;

	if (p->json) {
		struct result r = { .reason = reason, .stage = "usage",
		    .exit_status = status };
		struct event ev = { .type = EV_ERROR, .stage = "usage", .reason = reason };

		ev.text = (char *)message;
		json_line(p, &ev);
		r.message = (char *)message;
		ev = (struct event){ .type = EV_RESULT, .result = &r };
		json_line(p, &ev);
	}
	/* It may quote what was typed, line breaks and escapes included,
	 * some of it escaped already: escaped once. */
	esc = str_escape_msg(message);
	fprintf(stderr, "missive: %s\n", esc);
	free(esc);
}

void
print_warning(struct printer *p, const char *text, double t)
{
	struct event ev = { .type = EV_WARNING, .t = t };

	ev.text = (char *)text;
	print_event(&ev, p);
}

static void
print_caps(FILE *out, const char *title, char *const *caps, size_t n)
{
	size_t i;

	fprintf(out, "%s\n", title);
	if (n == 0)
		fputs(_("  (none)\n"), out);
	for (i = 0; i < n; i++) {
		char *esc = str_escape(caps[i], strlen(caps[i]));

		fprintf(out, "  %s\n", esc);
		free(esc);
	}
}

static void
print_probe_report(const struct result *r, FILE *out)
{
	const struct tls_info *ti = r->tls;
	size_t i;

	print_caps(out, _("Capabilities before TLS:"), r->caps_plain, r->ncaps_plain);
	if (r->encrypted)
		print_caps(out, _("Capabilities after TLS:"), r->caps_tls, r->ncaps_tls);
	if (ti == NULL) {
		fputs(_("TLS: not negotiated\n"), out);
		fflush(out);
		return;
	}
	fprintf(out, _("TLS: %s, cipher %s, group %s%s\n"), ti->version, ti->cipher,
	    ti->group ? ti->group : "?", ti->resumed ? _(", resumed") : "");
	if (ti->verified)
		fputs(_("Certificate: verified (chain and host name)\n"), out);
	else if (ti->pinned)
		fputs(_("Certificate: accepted by its pin (--fingerprint or "
		    "--pin-pubkey)\n"), out);
	else {
		char *why = explain_cert(ti, false);

		fprintf(out, _("Certificate: NOT verified: %s\n"), why);
		free(why);
	}
	for (i = 0; i < ti->nchain; i++) {
		const struct cert_info *c = &ti->chain[i];
		char *subj = str_escape(c->subject, strlen(c->subject));
		char *iss = str_escape(c->issuer, strlen(c->issuer));
		char *sans = str_escape(c->sans, strlen(c->sans));

		fprintf(out, _("Certificate %zu:\n"), i + 1);
		fprintf(out, _("  subject:  %s\n"), subj);
		fprintf(out, _("  issuer:   %s\n"), iss);
		fprintf(out, _("  valid:    %s to %s (%ld days left)\n"), c->not_before,
		    c->not_after, c->days_left);
		if (*sans)
			fprintf(out, _("  names:    %s\n"), sans);
		fprintf(out, _("  SHA-256:  %s\n"), c->fingerprint);
		fprintf(out, _("  key:      %s, SHA-256 %s\n"), c->key, c->pubkey);
		free(subj);
		free(iss);
		free(sans);
	}
	fflush(out);
}

/* The session's stages as bars scaled to the longest, each line after
 * prefix. */
static void
print_timeline(const struct result *r, FILE *out, const char *prefix)
{
	double longest = explain_stages_longest(r);
	size_t i;

	for (i = 0; i < r->nstages; i++) {
		char *l = explain_stage(&r->stages[i], longest, 40, MB_CUR_MAX > 1);

		fprintf(out, "%s%s\n", prefix, l);
		free(l);
	}
	fflush(out);
}
