/* The prompt line: a question answered with a key ("[y/n]"), or a line
 * of text typed in; drawn at the bottom of any screen in place of the key
 * help, and taking every key while it is open. */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "ui/draw.h"
#include "ui/prompt.h"
#include "ui/state.h"
#include "ui/wide.h"

#define PROMPT_MAX_ROWS	4	/* a question longer than this is cut */
#define INPUT_MIN	12	/* columns an answer gets beside its question */

/* The question's rows at this width; *last_w: columns of its last row. */
static int
question_rows(struct ui *u, size_t *starts, int max, int *last_w)
{
	size_t n, st = 0, next, end = 0;
	wchar_t *ws = wide_from_utf8(u->prompt.text, strlen(u->prompt.text), &n);
	int rows = 0, i, col;

	while (rows < max) {
		starts[rows++] = st;
		end = wide_row(wide_at_wcs, ws, st, n, u->cols, &next);
		if (end >= n)
			break;
		st = next;
	}
	starts[rows] = n;
	for (i = (int)starts[rows - 1], col = 0; i < (int)end; i++)
		col += wide_charwidth(ws[i], col);
	*last_w = col;
	free(ws);
	return rows;
}

int
prompt_rows(struct ui *u)
{
	size_t starts[PROMPT_MAX_ROWS + 1];
	int last_w, rows;

	if (u->prompt.kind == P_NONE || u->cols < 2)
		return 0;
	rows = question_rows(u, starts, PROMPT_MAX_ROWS, &last_w);
	/* A typed answer goes on a row of its own when it would be cramped. */
	if (u->prompt.kind == P_TEXT && u->cols - last_w - 1 < INPUT_MIN)
		rows++;
	return rows;
}

void
prompt_draw(struct ui *u)
{
	unsigned long a = theme_attr(R_PROMPT);
	size_t starts[PROMPT_MAX_ROWS + 1], n;
	int nq, rows = prompt_rows(u), y0, r, x, last_w, ay, ax;
	wchar_t *ws;

	if (rows == 0)
		return;
	y0 = u->rows - rows;
	nq = question_rows(u, starts, PROMPT_MAX_ROWS, &last_w);
	ws = wide_from_utf8(u->prompt.text, strlen(u->prompt.text), &n);
	for (r = 0; r < rows; r++) {
		move(y0 + r, 0);
		attrset((attr_t)a);
		for (x = 0; x < u->cols; x++)
			addch(' ');
		attrset(A_NORMAL);
		if (r < nq)
			draw_wcs(y0 + r, 0, u->cols, ws + starts[r],
			    starts[r + 1] - starts[r], a, u->utf8);
	}
	free(ws);
	/* Where the answer (or the cursor) goes: after the question. */
	ay = y0 + nq - 1;
	ax = last_w + 1;
	if (rows > nq) {
		ay = y0 + nq;
		ax = 0;
	}
	if (u->prompt.kind == P_TEXT) {
		struct textbuf *in = u->prompt.input;
		size_t len = tb_len(in), i, cur = tb_cursor(in);
		wchar_t *w = xmalloc((len + 1) * sizeof *w);
		int ccol = 0, avail = u->cols - ax - 1, skip = 0;

		for (i = 0; i < len; i++)
			w[i] = u->prompt.secret ? L'•' : tb_at(in, i);
		if (u->prompt.secret && !u->utf8)
			for (i = 0; i < len; i++)
				w[i] = L'*';
		for (i = 0; i < cur; i++)
			ccol += wide_charwidth(w[i], ccol);
		/* Keep the end of a long answer and the cursor in view. */
		i = 0;
		while (ccol - skip >= avail && i < len) {
			skip += wide_charwidth(w[i], 0);
			i++;
		}
		draw_wcs(ay, ax, avail, w + i, len - i, theme_attr(R_FIELD),
		    u->utf8);
		move(ay, ax + ccol - skip);
		free(w);
	} else
		move(ay, ax - 1 < u->cols ? ax - 1 : u->cols - 1);
}

void
prompt_bottom(struct ui *u, const struct help_item *it, size_t n)
{
	int h = u->rows >= 18 ? 2 : 1;

	if (u->prompt.kind != P_NONE) {
		prompt_draw(u);
		return;
	}
	draw_help(u->rows - h, h, u->cols, it, n);
}

void
prompt_edit_key(struct textbuf *tb, const struct key *k)
{
	if (!k->fn && k->mods == 0 && k->code >= 0x20 && k->code != 0x7f) {
		tb_insert_char(tb, (wchar_t)k->code);
		return;
	}
	if (k->fn) {
		switch (k->code) {
		case KEY_LEFT: tb_left(tb); break;
		case KEY_RIGHT: tb_right(tb); break;
		case KEY_HOME: tb_start(tb); break;
		case KEY_END: tb_end(tb); break;
		case KEY_BACKSPACE: tb_backspace(tb); break;
		case KEY_DC: tb_delete(tb); break;
		default: break;
		}
		return;
	}
	if (k->mods & MOD_ALT) {
		if (k->code == 'b')
			tb_word_left(tb);
		else if (k->code == 'f')
			tb_word_right(tb);
		return;
	}
	switch (k->code) {
	case CTRL('A'): tb_start(tb); break;
	case CTRL('E'): tb_end(tb); break;
	case CTRL('B'): tb_left(tb); break;
	case CTRL('F'): tb_right(tb); break;
	case CTRL('D'): tb_delete(tb); break;
	case CTRL('H'): case 127: tb_backspace(tb); break;
	case CTRL('K'): tb_kill_eol(tb); break;
	case CTRL('U'): tb_kill_bol(tb); break;
	case CTRL('W'): tb_kill_word_back(tb); break;
	case CTRL('Y'): tb_yank(tb); break;
	case CTRL('Z'): tb_undo(tb); break;
	default: break;
	}
}

/* The letter that answers a in the user's language. Every prompt's
 * translation shows these letters in its brackets. */
static int
answer_letter(int a)
{
	const char *s;

	switch (tolower(a)) {
	/* TRANSLATORS: the key that answers "yes" to a question; one ASCII
	 * letter, written in the brackets of every translated question
	 * ("[y/n]"). */
	case 'y': s = C_("answer key", "y"); break;
	/* TRANSLATORS: the key that answers "no" (stay, do not). */
	case 'n': s = C_("answer key", "n"); break;
	/* TRANSLATORS: the key that discards the draft when quitting. */
	case 'd': s = C_("answer key", "d"); break;
	/* TRANSLATORS: the key that cancels a running send and quits. */
	case 'c': s = C_("answer key", "c"); break;
	default: return tolower(a);
	}
	return (unsigned char)s[0] < 128 && s[0] != '\0' && s[1] == '\0' ?
	    tolower((unsigned char)s[0]) :
	    tolower(a);
}

void
prompt_key(struct ui *u, const struct key *k)
{
	prompt_fn fn = u->prompt.done;
	int arg = u->prompt.arg, a = -1;
	const char *p;
	char *text;

	if (u->prompt.kind == P_KEYS) {
		if (k->fn && k->code == KEY_ENTER)
			a = '\r';
		else if (!k->fn && !(k->mods & MOD_ALT))
			a = k->code;
		if (a == 27 || a == CTRL('C') || a == CTRL('G')) {
			ui_prompt_close(u);
			if (fn != NULL)
				fn(u, 0, NULL, arg);
			return;
		}
		if (a == '\r' || a == '\n') {
			/* Enter means the answer shown in capitals, if any. */
			for (p = u->prompt.answers; *p; p++)
				if (isupper((unsigned char)*p))
					break;
			if (*p == '\0')
				return;
			a = tolower((unsigned char)*p);
		} else if (a > 0 && a < 128) {
			/* The letter as written, or as the language says it
			 * (j for yes in German, o in French). */
			a = tolower(a);
			for (p = u->prompt.answers; *p; p++)
				if (tolower((unsigned char)*p) == a ||
				    answer_letter(*p) == a)
					break;
			if (*p == '\0')
				return;
			a = tolower((unsigned char)*p);
		} else
			return;
		ui_prompt_close(u);
		if (fn != NULL)
			fn(u, a, NULL, arg);
		return;
	}
	if ((!k->fn && (k->code == 27 || k->code == CTRL('C') ||
	    k->code == CTRL('G')))) {
		ui_prompt_close(u);
		if (fn != NULL)
			fn(u, 0, NULL, arg);
		return;
	}
	if ((!k->fn && (k->code == CTRL('M') || k->code == CTRL('J'))) ||
	    (k->fn && k->code == KEY_ENTER)) {
		bool secret = u->prompt.secret;

		text = tb_utf8(u->prompt.input);
		ui_prompt_close(u);
		if (fn != NULL)
			fn(u, '\n', text, arg);
		if (secret)
			secret_free(text);
		else
			free(text);
		return;
	}
	if (u->prompt.secret) {
		/* Typing and deleting only: no cut, so no copy of a password
		 * in the kill buffer, and no undo to bring it back. */
		struct textbuf *in = u->prompt.input;

		if (!k->fn && k->mods == 0 && k->code >= 0x20 && k->code != 0x7f)
			tb_insert_char(in, (wchar_t)k->code);
		else if ((k->fn && k->code == KEY_BACKSPACE) ||
		    (!k->fn && (k->code == 127 || k->code == CTRL('H'))))
			tb_backspace(in);
		else if (!k->fn && k->code == CTRL('U'))
			tb_delete_range(in, 0, tb_len(in));
		return;
	}
	if (u->prompt.suggested && !k->fn && k->mods == 0 && k->code >= 0x20 &&
	    k->code != 0x7f)
		tb_set_utf8(u->prompt.input, "");
	u->prompt.suggested = false;
	prompt_edit_key(u->prompt.input, k);
}
