/* The composer's state: one struct ui that the loop (ui.c) owns, the
 * modes (compose, pager, pick) show and change, the job controller
 * (job.c) fills from the worker, and the functions every part uses on it
 * (state.c). Dependencies run one way: loop -> modes -> job -> state ->
 * drawing (draw, pane, theme, textbuf). UI thread only. */
#ifndef MISSIVE_STATE_H
#define MISSIVE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "app/demo.h"
#include "app/explain.h"
#include "store/profile.h"
#include "ui/input.h"
#include "ui/lines.h"
#include "ui/pane.h"
#include "ui/textbuf.h"
#include "ui/theme.h"
#include "ui/ui.h"

struct worker;
struct record;
struct receipt;
struct completer;
struct history;
struct draft_info;
struct draft_lock;
struct ui;

/* Reply-To is shown only once it is used (a profile's reply_to, M-r). */
enum field { F_SERVER, F_FROM, F_TO, F_CC, F_BCC, F_REPLY_TO, F_SUBJECT,
	F_ATTACH, F_COUNT };
#define FOCUS_BODY F_COUNT

/* The screens: the composer itself, or one over it (pagers, pickers),
 * as tmux's window modes are. Each is a struct mode in its own file; the
 * loop puts them in u->views, so that they name each other by id and
 * never include each other. */
enum view { V_COMPOSE, V_HELP, V_TLS, V_DIALOGUE, V_PROFILES, V_THEMES,
	V_DRAFTS, V_RECEIPT, V_COUNT };
struct mode {
	const char *(*name)(void);	/* for the title; NULL: the composer */
	void (*open)(struct ui *u);	/* may be NULL */
	void (*draw)(struct ui *u);
	void (*key)(struct ui *u, const struct key *k);
	bool over_compose;		/* drawn over the composer (a popup) */
};

enum prompt_kind { P_NONE, P_KEYS, P_TEXT };
typedef void (*prompt_fn)(struct ui *u, int answer, const char *text,
    int arg);
struct prompt {
	enum prompt_kind kind;
	char *text;
	const char *answers;	/* accepted keys; Enter picks the capital */
	prompt_fn done;		/* answer 0 means cancelled (Esc, ^C) */
	int arg;
	struct textbuf *input;
	bool secret;		/* P_TEXT: shown as dots, wiped when closed */
	bool suggested;		/* P_TEXT: typing replaces the initial text */
};

struct ui {
	const struct ui_opts *opts;
	bool utf8, nocolor;
	int rows, cols;
	bool dirty;
	const struct mode *views[V_COUNT];
	enum view view;
	const struct mode *mode;	/* views[view] */

	/* the message */
	struct textbuf *f[F_COUNT];
	struct textbuf *body;
	int focus;
	int hscroll[F_COUNT];
	struct tb_layout lay;
	size_t body_top;		/* first body row shown (this layout) */
	size_t body_top_pos;	/* where that row starts in the text */
	int goal;
	char *signature;	/* the profile's signature file */
	char *sig_text;		/* what it holds: shown below "-- " in the body */
	unsigned long start_gen;	/* after prefilling: nothing typed yet */

	/* what is not a field but goes with the message (a reply's
	 * threading, header lines from the editor); kept in drafts */
	char *in_reply_to, *references;
	char *extra_headers;	/* "Name: value" lines, LF-separated */
	unsigned long meta_gen;	/* counts their changes, for ui_gen */
	char *answer_data;	/* reply/forward: the message, as read */
	size_t answer_len;
	char *fwd_copy;		/* forward: the copy attached (app/respond.c) */
	char *answer_note;	/* what the start made of it, said after Ready */
	enum sev answer_sev;

	/* last drawn geometry, for the cursor and paging */
	int body_y, body_h;
	int label_w;

	/* status pane and dialogue */
	struct pane pane;
	struct lines dialogue;

	/* a running or finished job */
	struct worker *w;
	bool job_probe;
	double job_t0;
	char *job_server;	/* the Server field the last job went to */
	unsigned long job_gen;
	double prog_drawn;
	bool prog_pending;
	char *job_rcpts;	/* To, Cc, Bcc as sent: history after success */
	struct result *last;
	bool last_probe;
	struct tls_info *live_tls;
	struct tls_resume *resume;	/* TLS sessions kept across sends */
	bool sent_ok;
	unsigned long sent_gen;
	bool cancelling;
	bool send_partial;	/* the next send may skip refused recipients */
	char *password;		/* typed for this session only; wiped */
	bool auth_refused;	/* the last AUTH got a 535 */
	unsigned long locked_said;	/* job_gen of the last read-only note */
	struct record *rec;	/* the running job's memory and receipt (app/record.h) */
	struct receipt *receipt;	/* the last accepted message's, or NULL */
	bool receipt_stale;	/* a send failed after it: it is not the last send's */
	bool plain_once;	/* the next send goes without TLS (asked, confirmed) */

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
	/* the list of addresses Tab offers (ui/suggest.c) */
	struct {
		bool on;
		int field;
		size_t start, end;	/* the token it replaces */
		char *typed;		/* what was typed there */
		char **v;
		size_t n, sel, top;
		int y, x, w, h;		/* where it was drawn */
	} pop;
	/* the last query_cmd answer, kept for the same text */
	char *q_typed, **q_v;
	size_t q_n;

	/* theme */
	struct theme theme;
	char **themes;
	size_t nthemes;
	char *theme_before;

	/* pagers and pickers */
	size_t pager_top;	/* in screen rows */
	bool pager_follow;	/* keep showing the last page */
	struct textbuf *filter;
	size_t pick_sel, pick_top;
	struct prompt prompt;
	char *pending;		/* what a yes/no question is about */
	struct draft_info *drafts;	/* the drafts list, as last read */
	size_t ndrafts;
	bool drafts_start;	/* opened at start: leaving it declines them */

	/* pending typed characters, inserted in one go (fast paste) */
	wchar_t *typed;
	size_t ntyped, captyped;

	/* the outbox (outq.c) */
	size_t outbox_n;	/* messages waiting there, as last counted */
	double outbox_next;	/* when to look again (monotonic) */
	int outbox_pid;		/* a background flush running, or 0 */

	bool quit;
	int exit_status;
};

/* The generation of the whole message: changes with every edit. */
unsigned long ui_gen(const struct ui *u);
struct textbuf *ui_focused(struct ui *u);
const struct profile *ui_profile(const struct ui *u);
char *ui_field(const struct ui *u, int f);	/* trimmed UTF-8 */
const char *field_label(int f);
/* TLS policy the Server field and profile give: enum tls_mode or -1. */
int ui_policy(const struct ui *u, bool *fallback);
/* A local message in the status pane. */
void ui_msg(struct ui *u, enum sev sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_prompt_keys(struct ui *u, const char *answers, prompt_fn done,
    int arg, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ui_prompt_text(struct ui *u, const char *initial, prompt_fn done,
    int arg, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A line typed in and shown as dots (a password); its buffer is wiped
 * when the prompt closes. */
void ui_prompt_secret(struct ui *u, prompt_fn done, int arg,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ui_prompt_close(struct ui *u);
/* Opens a screen (V_COMPOSE goes back to the composer). */
void ui_open(struct ui *u, enum view v);
void ui_set_theme(struct ui *u, const char *name, bool report);
/* Fills a field: with fresh, text from outside (a draft, the command
 * line), which undo never goes below. */
void ui_set_field(struct ui *u, int f, const char *v, bool fresh);
void ui_apply_profile(struct ui *u, const struct profile *p, bool fill);
void ui_build_completer(struct ui *u);
/* The profiles as their files say now (after missive wrote to them); the
 * profile named use (NULL: none; the demo's stays in use) is the one in
 * use. -1 and e when they cannot be read: the old ones stay. */
int ui_reload_profiles(struct ui *u, const char *use, struct err *e);
/* The body holds nothing but blanks and the signature. */
bool ui_body_blank(const struct ui *u);
/* Puts this profile's signature below a "-- " line at the end of the
 * body: in place of the one old (the previous profile's) shows there,
 * or added when the body has none. */
void ui_place_signature(struct ui *u, const char *old);
/* The same, also when the body holds another "-- " line (a forwarded
 * message's signature): the profile's goes at the end. */
void ui_add_signature(struct ui *u);
/* A setting of the profile, else of [missive]: query_cmd, edit_headers. */
const char *ui_query_cmd(const struct ui *u);
bool ui_edit_headers(const struct ui *u);

#endif
