/* The composer's state, shared by the files of src/ui: one struct ui that
 * the main loop (ui.c) owns and the screens (compose.c, screens.c), the
 * job glue (job.c) and the drawing helpers (draw.c) work on. UI thread
 * only. */
#ifndef MISSIVE_UISTATE_H
#define MISSIVE_UISTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "app/demo.h"
#include "app/explain.h"
#include "net/event.h"
#include "store/profile.h"
#include "ui/lines.h"
#include "ui/textbuf.h"
#include "ui/theme.h"
#include "ui/ui.h"

struct worker;
struct completer;
struct history;

enum field { F_SERVER, F_FROM, F_TO, F_CC, F_BCC, F_SUBJECT, F_ATTACH,
	F_COUNT };
#define FOCUS_BODY F_COUNT

enum view { V_COMPOSE, V_HELP, V_TLS, V_DIALOGUE, V_PROFILES, V_THEMES };

/* A decoded key: a character (fn false) or a curses KEY_* code. */
#define MOD_ALT		0x01
#define MOD_CTRL	0x02
#define MOD_SHIFT	0x04
struct key {
	bool fn;
	int code;
	int mods;
};
#undef CTRL
#define CTRL(c)		((c) & 0x1f)

/* One status pane entry. */
struct stline {
	double t;		/* engine time, or -1 for a local message */
	char clock[12];		/* wall clock of a local message */
	enum sev sev;
	char *text;		/* safe to show (escaped) */
	bool verdict;		/* the final verdict: drawn stronger */
	bool progress;		/* the DATA progress bar, drawn from u->prog */
};

enum prompt_kind { P_NONE, P_KEYS, P_TEXT };
struct ui;
typedef void (*prompt_fn)(struct ui *u, int answer, const char *text,
    int arg);
struct prompt {
	enum prompt_kind kind;
	char *text;
	const char *answers;	/* accepted keys; Enter picks the first */
	prompt_fn done;		/* answer 0 means cancelled (Esc, ^C) */
	int arg;
	struct textbuf *input;
};

struct ui {
	const struct ui_opts *opts;
	bool utf8, nocolor;
	int rows, cols;
	bool dirty;

	/* the message */
	struct textbuf *f[F_COUNT];
	struct textbuf *body;
	int focus;
	int hscroll[F_COUNT];
	struct tb_layout lay;
	size_t body_top;
	int goal;
	char *signature;
	unsigned long start_gen;	/* after prefilling: nothing typed yet */

	/* last drawn geometry, for the cursor and paging */
	int body_y, body_h, body_x, body_w;
	int field_y[F_COUNT];
	int label_w;

	/* status pane and dialogue */
	struct stline *st;
	size_t nst;
	size_t st_scroll;	/* entries scrolled up from the latest */
	struct lines dialogue;

	/* a running or finished job */
	struct worker *w;
	bool job_probe;
	double job_t0;
	unsigned long job_gen;
	uint64_t prog_sent, prog_total;
	double prog_t, prog_t0, prog_drawn;
	long prog_line;		/* status entry of the bar, or -1 */
	char *job_rcpts;	/* To, Cc, Bcc as sent: history after success */
	bool prog_pending;
	struct result *last;
	bool last_probe;
	struct tls_info *live_tls;
	bool sent_ok;
	unsigned long sent_gen;
	char *cancel_note;

	/* profiles */
	struct profiles *ps;
	const struct profile *prof;
	struct profile demo_prof;
	bool demo_on;
	struct demo demo;

	/* drafts */
	char *draft_path;
	struct draft_lock *draft_lock;	/* our claim on draft_path */
	unsigned long saved_gen, change_gen;
	double last_change, last_save;
	char saved_clock[12];
	char *last_draft_err;

	/* completion */
	struct completer *comp;
	struct history *hist;
	struct {
		bool on;
		int field;
		size_t start, end, i, nm;
		size_t *m;
		unsigned long gen;
	} cs;

	/* theme */
	struct theme theme;
	char **themes;
	size_t nthemes;
	char *theme_before;

	/* views and pickers */
	enum view view;
	size_t pager_top;
	struct textbuf *filter;
	size_t pick_sel, pick_top;
	struct prompt prompt;

	/* pending typed characters, inserted in one go (fast paste) */
	wchar_t *typed;
	size_t ntyped, captyped;

	bool quit;
	int exit_status;
};

/* ui.c */
unsigned long ui_gen(const struct ui *u);
struct textbuf *ui_focused(struct ui *u);
void ui_msg(struct ui *u, enum sev sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_prompt_keys(struct ui *u, const char *answers, prompt_fn done,
    int arg, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ui_prompt_text(struct ui *u, const char *initial, prompt_fn done,
    int arg, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ui_prompt_close(struct ui *u);
void ui_draft_save(struct ui *u, bool say);
/* Removes the draft file (the message was sent, emptied or discarded)
 * and gives up the claim on it; 0, or -1 with e. */
int ui_draft_drop(struct ui *u, struct err *e);
/* Gives up the claim on the draft, which stays on disk. */
void ui_draft_release(struct ui *u);
void ui_set_theme(struct ui *u, const char *name, bool report);
void ui_apply_profile(struct ui *u, const struct profile *p, bool fill);
void ui_build_completer(struct ui *u);
void ui_quit_request(struct ui *u);
/* Gives the terminal to a child (the editor) and takes it back. */
void ui_suspend(struct ui *u);
void ui_resume(struct ui *u);
char *ui_field(const struct ui *u, int f);	/* trimmed UTF-8 */
const struct profile *ui_profile(const struct ui *u);
/* TLS policy the Server field and profile give: enum tls_mode or -1. */
int ui_policy(const struct ui *u, bool *fallback);

/* compose.c */
void compose_draw(struct ui *u);
void compose_key(struct ui *u, const struct key *k);
void compose_flush_typed(struct ui *u);
void compose_run_editor(struct ui *u);
const char *field_label(int f);

/* job.c */
void job_send(struct ui *u, int stage);
void job_probe(struct ui *u);
void job_drain(struct ui *u);
void job_cancel(struct ui *u);
bool job_running(const struct ui *u);
void status_draw(struct ui *u, int y, int h);
/* Drops the oldest status entries of a very long session. */
void status_trim(struct ui *u);
/* Rows the newest status entry needs (the verdict is shown whole). */
int status_last_rows(struct ui *u);

/* screens.c */
void screens_draw(struct ui *u);
void screens_key(struct ui *u, const struct key *k);
void screens_open(struct ui *u, enum view v);
void prompt_key(struct ui *u, const struct key *k);

/* draw.c */
struct help_item {
	const char *key, *label;
};
void draw_clear_line(int y);
/* Draws UTF-8 s at y,x in at most w columns; returns columns used. */
int draw_str(int y, int x, int w, const char *s, unsigned long attr);
/* Draws wide characters, expanding tabs and replacing unprintables. */
int draw_wcs(int y, int x, int w, const wchar_t *s, size_t n,
    unsigned long attr, bool utf8);
void draw_hline(struct ui *u, int y, const char *title, const char *right);
void draw_title(struct ui *u, const char *view_name);
void draw_help(struct ui *u, int y, int h, const struct help_item *it,
    size_t n);
void draw_prompt(struct ui *u, int y);
/* Draws lines (wrapped) from line *top in h rows; clamps *top. */
void draw_lines(struct ui *u, const struct lines *l, int y, int h,
    size_t *top);

#endif
