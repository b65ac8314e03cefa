/* The terminal; see term.h. */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ui/input.h"
#include "ui/term.h"

static SCREEN *scr;
static volatile sig_atomic_t active;

static void
paste_mode(bool on)
{
	/* Terminals that do not know the sequence ignore it. */
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

int
term_start(void)
{
	char *cup;

	if ((scr = newterm(NULL, stdout, stdin)) == NULL)
		return -1;
	/* A terminal that cannot put the cursor anywhere (TERM=dumb, a
	 * pipe through emacs' shell) would show nothing useful. */
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		delscreen(scr);
		scr = NULL;
		return -1;
	}
	active = 1;
	/* raw(): ^S, ^Q, ^Z and ^C reach missive, as in nano. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	meta(stdscr, TRUE);
	set_escdelay(25);
	mousemask(0, NULL);
	curs_set(1);
	/* Until the first endwin() and refresh(), ncurses writes its output
	 * at every cursor move (lib_mvcur.c: "if the screen has not been
	 * initialized"), a frame in tens of write()s, each a packet over
	 * ssh. One such cycle now, before anything is drawn, and a refresh
	 * is one write (or one per ncurses' buffer, about a screenful,
	 * when everything changes). */
	endwin();
	refresh();
	paste_mode(true);
	return 0;
}

void
term_end(void)
{
	if (!active)
		return;
	paste_mode(false);
	endwin();
	delscreen(scr);
	scr = NULL;
	active = 0;
}

void
term_end_now(void)
{
	if (!active)
		return;
	paste_mode(false);
	endwin();
	active = 0;
}

bool
term_active(void)
{
	return active != 0;
}

void
term_keys(struct input *in)
{
	/* Keys ncurses reports with extended codes (Alt-Up is kUP3, ...). */
	static const struct {
		const char *cap;
		int key, mods;
	} caps[] = {
		{ "kUP3", KEY_UP, MOD_ALT }, { "kDN3", KEY_DOWN, MOD_ALT },
		{ "kLFT3", KEY_LEFT, MOD_ALT }, { "kRIT3", KEY_RIGHT, MOD_ALT },
		{ "kUP5", KEY_UP, MOD_CTRL }, { "kDN5", KEY_DOWN, MOD_CTRL },
		{ "kLFT5", KEY_LEFT, MOD_CTRL }, { "kRIT5", KEY_RIGHT, MOD_CTRL },
		{ "kHOM5", KEY_HOME, MOD_CTRL }, { "kEND5", KEY_END, MOD_CTRL },
		{ "kHOM3", KEY_HOME, MOD_ALT }, { "kEND3", KEY_END, MOD_ALT },
		{ "kPRV3", KEY_PPAGE, MOD_ALT }, { "kNXT3", KEY_NPAGE, MOD_ALT },
		{ "kDC5", KEY_DC, MOD_CTRL }, { "kDC3", KEY_DC, MOD_ALT },
	};
	struct xkey v[sizeof caps / sizeof caps[0]];
	size_t i, n = 0;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		char *s = tigetstr(caps[i].cap);
		int k;

		if (s == NULL || s == (char *)-1)
			continue;
		if ((k = key_defined(s)) > 0) {
			v[n].code = k;
			v[n].key = caps[i].key;
			v[n].mods = caps[i].mods;
			n++;
		}
	}
	input_set_xkeys(in, v, n);
}

const struct rawin *
term_read(size_t *np)
{
	static struct rawin *v;
	static size_t cap;
	size_t n = 0;
	wint_t c;
	int r;

	/* All of it: a large paste is decoded, inserted and drawn at once. */
	while ((r = get_wch(&c)) != ERR) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n].type = r;
		v[n].c = c;
		n++;
	}
	*np = n;
	return v;
}

void
term_suspend(void)
{
	paste_mode(false);
	def_prog_mode();
	endwin();
}

void
term_resume(void)
{
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	paste_mode(true);
}

void
term_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}
