/* The title bar: where this message goes (profile, server), how (the
 * TLS policy, as a mark and in words), and what is happening (sending,
 * sent, modified, saved). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/smtp.h"
#include "ui/draw.h"
#include "ui/job.h"
#include "ui/state.h"
#include "ui/title.h"
#include "ui/wide.h"

/* The lock mark and word for the TLS policy; role by safety. The result
 * lives until the next call (UI thread only). */
static const char *
policy_mark(struct ui *u, int policy, enum role *role)
{
	static char buf[128];
	const char *mark, *word;

	switch (policy) {
	case TLS_STARTTLS:
	case TLS_IMPLICIT:
		*role = R_TLS_SECURE;
		mark = "🔒";
		word = "TLS";
		break;
	case TLS_OPPORTUNISTIC:
		*role = R_STATUS_WARN;
		mark = "🔓";
		word = _("TLS if offered");
		break;
	case TLS_OFF:
		*role = R_TLS_INSECURE;
		mark = "🔓";
		/* TRANSLATORS: the title line's word for a session without TLS;
		 * upper case, as a warning. */
		word = _("PLAIN");
		break;
	default:
		*role = R_TLS_INSECURE;
		mark = "?";
		word = _("TLS unknown");
		break;
	}
	if (u->utf8)
		snprintf(buf, sizeof buf, "%s %s", mark, word);
	else
		snprintf(buf, sizeof buf, "[%s]", word);
	return buf;
}

void
title_draw(struct ui *u, const char *view_name)
{
	unsigned long t = theme_attr(R_TITLE);
	const struct profile *p = ui_profile(u);
	const char *sep = u->utf8 ? " │ " : " | ";
	char *server = ui_field(u, F_SERVER), *left, *right;
	const char *mark;
	enum role mr;
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
	mark = policy_mark(u, policy, &mr);
	if (x + 3 < u->cols) {
		x += draw_str(0, x, u->cols - x, sep, t);
		x += draw_str(0, x, u->cols - x, mark, theme_attr(mr) | A_BOLD);
		if (policy >= 0 && x + 2 < u->cols) {
			char *pn = xasprintf(" %s%s", tls_mode_name(policy),
			    fb ? _("+fallback") : "");

			x += draw_str(0, x, u->cols - x, pn, t);
			free(pn);
		}
	}
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
	rw = wide_width(right);
	if (x + rw + 2 <= u->cols)
		draw_str(0, u->cols - rw, rw, right, t);
	free(right);
	free(server);
}

