/* The title bar: where this message goes (profile, server), how (the
 * TLS policy, as a mark and in words), and what is happening (sending,
 * sent, modified, saved). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "ui/draw.h"
#include "ui/job.h"
#include "ui/state.h"
#include "ui/title.h"
#include "ui/wide.h"

/* Whether the terminal can draw the lock glyphs: the Linux console and
 * other VGA-font terminals cannot; words say the same there. */
static bool
has_glyphs(const struct ui *u)
{
	const char *t = getenv("TERM");

	return u->utf8 && (t == NULL || (strncmp(t, "linux", 5) != 0 &&
	    strncmp(t, "vt", 2) != 0 && strncmp(t, "cons", 4) != 0));
}

/* The policy in words ("TLS starttls"), coloured by what it allows. */
static char *
policy_words(int policy, bool fallback, enum role *role)
{
	switch (policy) {
	case TLS_STARTTLS:
	case TLS_IMPLICIT:
		*role = R_TLS_SECURE;
		return xasprintf("TLS %s", tls_mode_name(policy));
	case TLS_OPPORTUNISTIC:
		*role = R_STATUS_WARN;
		return xasprintf(_("TLS if offered%s"), fallback ?
		    _(", plain fallback") : "");
	case TLS_OFF:
		*role = R_TLS_INSECURE;
		/* TRANSLATORS: the title line's word for a session without TLS;
		 * upper case, as a warning. */
		return xstrdup(_("PLAIN"));
	default:
		*role = R_TLS_INSECURE;
		return xstrdup(_("TLS unknown"));
	}
}

/* What was negotiated with the server in the Server field, when a send
 * or probe to it has said: a lock only for verified (or pinned) TLS.
 * NULL when nothing is known yet. */
static char *
outcome(struct ui *u, enum role *role)
{
	const struct tls_info *ti = job_running(u) ? u->live_tls :
	    u->last != NULL ? u->last->tls : NULL;
	char *server = ui_field(u, F_SERVER), *v, *s;
	bool glyphs = has_glyphs(u), known;

	known = u->job_server != NULL && strcmp(server, u->job_server) == 0 &&
	    (job_running(u) || u->last != NULL);
	free(server);
	if (!known || (job_running(u) && ti == NULL))
		return NULL;
	if (ti != NULL && !job_running(u) && u->last->reason != NULL &&
	    strcmp(u->last->reason, "cert_verify") == 0) {
		*role = R_TLS_INSECURE;
		return xstrdup(glyphs ? _("✗ certificate refused") :
		    _("[certificate refused]"));
	}
	if (ti == NULL) {
		if (u->last->ncaps_plain == 0)
			return NULL;	/* failed before EHLO: nothing known */
		*role = R_TLS_INSECURE;
		return xstrdup(glyphs ? _("🔓 not encrypted") :
		    _("[not encrypted]"));
	}
	v = explain_tls_version(ti->version);
	if (ti->verified || ti->pinned) {
		*role = R_TLS_SECURE;
		s = glyphs ? xasprintf("🔒 %s", v) : xasprintf(_("[%s, verified]"), v);
	} else {
		*role = R_TLS_INSECURE;
		s = glyphs ? xasprintf(_("🔓 %s NOT verified"), v) :
		    xasprintf(_("[%s, NOT verified]"), v);
	}
	free(v);
	return s;
}

void
title_draw(struct ui *u, const char *view_name)
{
	unsigned long t = theme_attr(R_TITLE);
	const struct profile *p = ui_profile(u);
	const char *sep = u->utf8 ? " │ " : " | ";
	char *server = ui_field(u, F_SERVER), *left, *right, *words, *out;
	enum role pr, orole = R_TLS_SECURE;
	bool fb;
	int policy = ui_policy(u, &fb), x, rw;

	move(0, 0);
	attrset((attr_t)t);
	for (x = 0; x < u->cols; x++)
		addch(' ');
	attrset(A_NORMAL);
	left = xasprintf(" missive%s%s%s%s%s%s", view_name ? " — " : "",
	    view_name ? view_name : "", sep, p ? p->name : _("no profile"), sep,
	    *server ? server : _("no server"));
	x = draw_str(0, 0, u->cols, left, t);
	free(left);
	words = policy_words(policy, fb, &pr);
	out = outcome(u, &orole);
	if (x + 3 < u->cols) {
		x += draw_str(0, x, u->cols - x, sep, t);
		x += draw_str(0, x, u->cols - x, words, theme_attr(pr) | A_BOLD);
		if (out != NULL && x + 3 < u->cols) {
			x += draw_str(0, x, u->cols - x, " ", t);
			x += draw_str(0, x, u->cols - x, out, theme_attr(orole) |
			    A_BOLD);
		}
	}
	free(words);
	free(out);
	if (job_running(u))
		right = xasprintf(u->job_probe ? _("probing %.1fs ") :
		    _("sending %.1fs "), time_now() - u->job_t0);
	else if (u->sent_ok && ui_gen(u) == u->sent_gen)
		right = xstrdup(u->utf8 ? _("sent ✓ ") : _("sent "));
	else if (ui_gen(u) != u->saved_gen)
		right = xstrdup(_("modified "));
	else if (u->saved_clock[0] != '\0')
		right = xasprintf(_("draft saved %s "), u->saved_clock);
	else
		right = xstrdup("");
	if (u->outbox_n > 0) {
		/* What waits in the outbox (ui/outq.c counts it). */
		char *r2 = xasprintf(_("outbox %zu%s%s"), u->outbox_n,
		    *right ? sep : " ", right);

		free(right);
		right = r2;
	}
	rw = wide_width(right);
	if (x + rw + 2 <= u->cols)
		draw_str(0, u->cols - rw, rw, right, t);
	free(right);
	free(server);
}
