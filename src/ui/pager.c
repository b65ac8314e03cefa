/* The pagers; see pager.h. */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "store/receipts.h"
#include "ui/draw.h"
#include "ui/job.h"
#include "ui/pager.h"
#include "ui/prompt.h"
#include "ui/title.h"
#include "ui/views.h"

static const char *help_name(void) { return _("Help"); }
static const char *tls_name(void) { return _("TLS diagnostics"); }
static const char *dialogue_name(void) { return _("SMTP dialogue"); }
static const char *receipt_name(void) { return _("Receipt"); }

static void
pager_open(struct ui *u)
{
	u->pager_top = 0;
	u->pager_follow = u->view == V_DIALOGUE;
}

static void
content(struct ui *u, struct lines *l)
{
	struct tls_view_in in;
	char *server;
	size_t i;

	if (u->view == V_HELP) {
		view_help(l);
		return;
	}
	if (u->view == V_RECEIPT) {
		char *path = receipts_path();

		view_receipt(l, u->receipt, u->receipt_stale, path);
		free(path);
		return;
	}
	if (u->view == V_TLS) {
		server = ui_field(u, F_SERVER);
		memset(&in, 0, sizeof in);
		in.server = server;
		in.policy = ui_policy(u, &in.fallback);
		in.result = job_running(u) ? NULL : u->last;
		in.live = u->live_tls;
		in.running = job_running(u);
		in.probe = u->last_probe;
		in.width = u->cols;
		in.utf8 = u->utf8;
		view_tls(l, &in);
		free(server);
		return;
	}
	lines_add(l, R_HEADING, _("SMTP dialogue of the last send or probe "
	    "(C: missive, S: the server; passwords hidden)"));
	lines_add(l, R_BODY, "");
	if (u->dialogue.n == 0)
		lines_add(l, R_DIM, _("Nothing yet: send (^X) or probe (p on the "
		    "TLS screen)."));
	for (i = 0; i < u->dialogue.n; i++)
		lines_add(l, u->dialogue.v[i].role, u->dialogue.v[i].text);
}

static void
pager_draw(struct ui *u)
{
	struct lines l;
	int h = u->rows - 1 - (u->rows >= 18 ? 2 : 1);
	struct help_item it[6];
	size_t n = 0;

	lines_init(&l);
	content(u, &l);
	title_draw(u, u->mode->name());
	/* Following (the dialogue, or after End): the last page, also as
	 * lines arrive. draw_lines clamps the top to it. */
	if (u->pager_follow)
		u->pager_top = SIZE_MAX;
	draw_lines(&l, 1, h, u->cols, u->utf8, &u->pager_top);
	lines_clear(&l);
	it[n++] = (struct help_item){ "Esc", _("Back") };
	it[n++] = (struct help_item){ "Up/Dn", _("Scroll") };
	it[n++] = (struct help_item){ "PgUp/PgDn", _("Page") };
	if (u->view == V_TLS)
		it[n++] = (struct help_item){ "p", _("Probe server") };
	if (u->view == V_HELP)
		it[n++] = (struct help_item){ "t", _("Themes") };
	if (job_running(u))
		it[n++] = (struct help_item){ "^C", _("Cancel") };
	prompt_bottom(u, it, n);
	if (u->prompt.kind == P_NONE)
		move(1, 0);
}

static void
pager_key(struct ui *u, const struct key *k)
{
	int page = u->rows - 4 > 1 ? u->rows - 4 : 1;
	/* The top as drawn: draw_lines clamped it. */
	long top = (long)u->pager_top;
	if (k->fn) {
		switch (k->code) {
		case KEY_UP: top--; break;
		case KEY_DOWN: top++; break;
		case KEY_PPAGE: top -= page; break;
		case KEY_NPAGE: top += page; break;
		case KEY_HOME: top = 0; break;
		case KEY_END: u->pager_follow = true; return;
		default:
			if ((k->code == KEY_F(1) && u->view == V_HELP) ||
			    (k->code == KEY_F(3) && u->view == V_TLS) ||
			    (k->code == KEY_F(6) && u->view == V_DIALOGUE) ||
			    (k->code == KEY_F(9) && u->view == V_RECEIPT))
				ui_open(u, V_COMPOSE);
			else if (k->code == KEY_F(7))
				ui_open(u, V_THEMES);
			return;
		}
	} else {
		switch (k->code) {
		case 27: case 'q': case 'Q':
			ui_open(u, V_COMPOSE);
			return;
		case CTRL('C'):
			if (job_running(u))
				job_cancel(u);
			else
				ui_open(u, V_COMPOSE);
			return;
		case CTRL('G'):
		case CTRL('T'):
		case CTRL('O'):
			ui_open(u, V_COMPOSE);
			return;
		case 'p': case 'P':
			if (u->view == V_TLS)
				job_probe(u);
			return;
		case 't': case 'T':
			if (u->view == V_HELP)
				ui_open(u, V_THEMES);
			return;
		case ' ': top += page; break;
		case 'b': top -= page; break;
		case 'k': top--; break;
		case 'j': case CTRL('M'): case CTRL('J'): top++; break;
		case 'g': top = 0; break;
		case 'G': u->pager_follow = true; return;
		default:
			return;
		}
	}
	if (top < 0)
		top = 0;
	/* draw_lines clamps past the end */
	u->pager_top = (size_t)top;
	u->pager_follow = false;
}

const struct mode help_mode = {
	help_name, pager_open, pager_draw, pager_key, false,
};
const struct mode tls_mode = {
	tls_name, pager_open, pager_draw, pager_key, false,
};
const struct mode dialogue_mode = {
	dialogue_name, pager_open, pager_draw, pager_key, false,
};
const struct mode receipt_mode = {
	receipt_name, pager_open, pager_draw, pager_key, false,
};
