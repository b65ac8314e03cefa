/* The composer's main loop: one poll() on the terminal, the worker's wake
 * pipe and the signal pipe; the worker's events drained into the state,
 * keys decoded and handed to the prompt or the screen, the draft kept,
 * one redraw per batch. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/worker.h"
#include "ui/compose.h"
#include "ui/drafts.h"
#include "ui/draw.h"
#include "ui/input.h"
#include "ui/job.h"
#include "ui/keep.h"
#include "ui/outq.h"
#include "ui/pager.h"
#include "ui/pick.h"
#include "ui/prompt.h"
#include "ui/sig.h"
#include "ui/start.h"
#include "ui/state.h"
#include "ui/term.h"
#include "ui/ui.h"

#define PROGRESS_EVERY	0.2	/* at most five progress redraws a second */

static void
dispatch(void *arg, const struct key *k)
{
	struct ui *u = arg;

	if (k->fn && k->code == KEY_RESIZE) {
		u->dirty = true;
		return;
	}
	if (k->fn && k->code == 0)
		return;
	u->dirty = true;
	if (u->prompt.kind != P_NONE) {
		compose_flush_typed(u);
		prompt_key(u, k);
		return;
	}
	if (u->view != V_COMPOSE)
		compose_flush_typed(u);
	u->mode->key(u, k);
}

static void
paste_start(void *arg)
{
	compose_flush_typed(arg);
}

/* A paste goes to the prompt, the composer or a picker's filter. */
static void
paste(void *arg, const wchar_t *text, size_t n)
{
	struct ui *u = arg;

	if (u->prompt.kind == P_TEXT) {
		if (u->prompt.suggested)
			tb_set_utf8(u->prompt.input, "");
		u->prompt.suggested = false;
		tb_insert(u->prompt.input, text, n);
	}
	else if (u->prompt.kind == P_NONE && u->view == V_COMPOSE)
		compose_paste(u, text, n);
	else if (u->prompt.kind == P_NONE && u->filter != NULL)
		tb_insert(u->filter, text, n);
	u->dirty = true;
}

static void
redraw(struct ui *u)
{
	term_size(&u->rows, &u->cols);
	erase();
	if (u->rows < 3 || u->cols < 10) {
		/* Nothing useful fits: keep every byte and wait. */
		draw_str(0, 0, u->cols, _("missive: enlarge the terminal"),
		    A_BOLD);
		move(0, 0);
	} else {
		if (u->mode->over_compose)
			u->views[V_COMPOSE]->draw(u);
		u->mode->draw(u);
	}
	refresh();
	u->prog_drawn = time_now();
	u->prog_pending = false;
	u->dirty = false;
}

/* Milliseconds until the loop must wake by itself, or -1 to sleep. */
static int
wake_in(struct ui *u, double now)
{
	double t = -1, d;

	t = keep_due_in(u, now);
	if (u->prog_pending) {
		d = PROGRESS_EVERY - (now - u->prog_drawn);
		if (t < 0 || d < t)
			t = d;
	}
	if (job_running(u) && (t < 0 || t > 0.25))
		t = 0.25;	/* the elapsed time in the title */
	d = outq_due_in(u, now);
	if (d >= 0 && (t < 0 || d < t))
		t = d;
	if (t < 0)
		return -1;
	if (t < 0.01)
		t = 0.01;
	return (int)(t * 1000) + 1;
}

static void
loop(struct ui *u, struct input *in)
{
	struct input_sink sink = { dispatch, paste, paste_start, u };
	struct pollfd p[3];
	const struct rawin *raw;
	size_t nraw;
	int sig;

	u->dirty = true;
	while (!u->quit) {
		double now = time_now();
		int np = 0;

		if (u->prog_pending && now - u->prog_drawn >= PROGRESS_EVERY)
			u->dirty = true;
		if (u->dirty)
			redraw(u);
		p[np].fd = 0;
		p[np++].events = POLLIN;
		p[np].fd = sig_fd();
		p[np++].events = POLLIN;
		if (u->w != NULL) {
			p[np].fd = worker_fd(u->w);
			p[np++].events = POLLIN;
		}
		if (poll(p, (nfds_t)np, wake_in(u, now)) == -1 && errno != EINTR) {
			ui_msg(u, SEV_ERROR, "poll: %s", strerror(errno));
			usleep(100000);
		}
		if ((sig = sig_take()) != 0) {
			/* SIGTERM, SIGHUP, SIGINT, SIGQUIT: keep the text, go. */
			if (ui_gen(u) != u->saved_gen)
				keep_save(u, false);
			job_cancel(u);
			u->exit_status = 128 + sig;
			break;
		}
		if (u->w != NULL)
			job_drain(u);
		/* Always read: a SIGWINCH turns into KEY_RESIZE here. */
		raw = term_read(&nraw);
		if (nraw > 0) {
			input_feed(in, raw, nraw, &sink);
			compose_flush_typed(u);
		}
		if (job_running(u))
			u->dirty = u->dirty || time_now() - u->prog_drawn >= 0.25;
		keep_tick(u, time_now());
		outq_tick(u, time_now());
		if ((p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN)) {
			/* The terminal is gone: keep the text and stop. */
			if (ui_gen(u) != u->saved_gen)
				keep_save(u, false);
			u->exit_status = 1;
			break;
		}
	}
}

static void
crash(void *arg, int sig)
{
	struct ui *u = arg;

	demo_kill_now(&u->demo);
	keep_crash(u, sig);
}

int
ui_run(const struct ui_opts *o)
{
	struct ui u;
	struct input *in;
	const char *nc = getenv("NO_COLOR");
	char *note = NULL, *kept = NULL;
	int rc;

	memset(&u, 0, sizeof u);
	u.opts = o;
	u.views[V_COMPOSE] = &compose_mode;
	u.views[V_HELP] = &help_mode;
	u.views[V_TLS] = &tls_mode;
	u.views[V_DIALOGUE] = &dialogue_mode;
	u.views[V_PROFILES] = &profiles_mode;
	u.views[V_THEMES] = &themes_mode;
	u.views[V_DRAFTS] = &drafts_mode;
	u.views[V_RECEIPT] = &receipt_mode;
	u.mode = u.views[V_COMPOSE];
	setlocale(LC_ALL, "");
	u.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	u.nocolor = nc != NULL && *nc != '\0';
	u.demo.fd = -1;
	if (o->answer != NULL && (rc = start_read_answer(&u, o)) != 0) {
		free(u.answer_data);
		return rc;
	}
	if (o->dry_run) {
		/* The message the composer would start with; no terminal. */
		if ((rc = start_prepare(&u, o, &note)) == 0) {
			if (note != NULL)
				fprintf(stderr, "missive: %s\n", note);
			rc = job_preview(&u);
		}
		if (u.fwd_copy != NULL)
			(void)unlink(u.fwd_copy);	/* nothing will send it */
		start_cleanup(&u);
		free(note);
		return rc;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, _("missive: the composer needs a terminal; use "
		    "`missive send` in scripts\n"));
		free(u.answer_data);
		return 2;
	}
	if ((rc = start_prepare(&u, o, &note)) != 0) {
		start_cleanup(&u);
		free(note);
		return rc;
	}
	if (term_start() == -1) {
		fprintf(stderr, _("missive: the composer cannot run on this "
		    "terminal (TERM=%s): it needs one that can move the cursor, "
		    "such as xterm or the Linux console. `missive send` works "
		    "anywhere.\n"), getenv("TERM") ? getenv("TERM") : "");
		start_cleanup(&u);
		free(note);
		return 2;
	}
	if (sig_start(crash, &u) == -1) {
		term_end();
		fprintf(stderr, "missive: pipe: %s\n", strerror(errno));
		start_cleanup(&u);
		free(note);
		return 1;
	}
	in = input_new();
	term_keys(in);
	term_size(&u.rows, &u.cols);

	/* The welcome, then anything that went wrong while starting. */
	if (u.demo_on)
		ui_msg(&u, SEV_INFO, _("Demo: mail goes to a local sink on "
		    "127.0.0.1:%d and is stored in %s. ^X sends, ^G lists every "
		    "key."), u.demo.port, u.demo.maildir);
	else
		ui_msg(&u, SEV_INFO, _("Ready. ^X sends, ^G lists every key, "
		    "^C quits; your text is saved as a draft as you type."));
	if (u.answer_note != NULL)
		ui_msg(&u, u.answer_sev, "%s", u.answer_note);
	if (note != NULL)
		ui_msg(&u, SEV_ERROR, "%s", note);
	free(note);
	/* --theme, the profile's, the one [missive] keeps for all, default. */
	if (o->theme != NULL)
		ui_set_theme(&u, o->theme, true);
	else if (u.prof != NULL && u.prof->theme != NULL)
		ui_set_theme(&u, u.prof->theme, true);
	else if (profiles_defaults(u.ps) != NULL &&
	    profiles_defaults(u.ps)->theme != NULL)
		ui_set_theme(&u, profiles_defaults(u.ps)->theme, true);
	else
		ui_set_theme(&u, "default", true);
	keep_offer(&u);
	loop(&u, in);

	sig_stop();
	term_end();
	input_free(in);
	if (u.draft_path != NULL && ui_gen(&u) == u.saved_gen &&
	    access(u.draft_path, F_OK) == 0)
		kept = xstrdup(u.draft_path);
	/* A forward's copy goes with the message: kept with its draft, gone
	 * when nothing is kept (a send removed it already). */
	if (u.fwd_copy != NULL && (u.draft_path == NULL ||
	    access(u.draft_path, F_OK) != 0))
		(void)unlink(u.fwd_copy);
	rc = u.exit_status;
	start_cleanup(&u);
	if (kept != NULL)
		fprintf(stderr, _("missive: your draft is kept in %s\n"), kept);
	free(kept);
	return rc;
}
