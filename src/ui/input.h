/* Keys from the terminal's input: what ncurses' get_wch() returned, in
 * order, decoded into keys (Alt held, modified arrows and function keys
 * from CSI and SS3 sequences, terminfo's extended key codes) and pastes
 * (bracketed paste arrives as one piece). Pure: no curses call here, so
 * it is unit tested with the bytes a terminal sends. UI thread. */
#ifndef MISSIVE_INPUT_H
#define MISSIVE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* A decoded key: a character (fn false) or a curses KEY_* code. */
#define MOD_ALT		0x01
#define MOD_CTRL	0x02
#define MOD_SHIFT	0x04
struct key {
	bool fn;
	int code;	/* 0 with fn: a sequence to ignore */
	int mods;
};
#undef CTRL
#define CTRL(c)		((c) & 0x1f)

/* What get_wch() gave: type OK (a character) or KEY_CODE_YES (a key). */
struct rawin {
	int type;
	wint_t c;
};

/* A terminfo extended key (kUP3 ...) and what it means. */
struct xkey {
	int code, key, mods;
};

struct input_sink {
	void (*key)(void *arg, const struct key *k);
	/* A whole paste (newlines as L'\n'); the text is the sink's only
	 * during the call. */
	void (*paste)(void *arg, const wchar_t *text, size_t n);
	/* Called before a paste starts, so that typing held back can go
	 * first. May be NULL. */
	void (*paste_start)(void *arg);
	void *arg;
};

struct input;

struct input *input_new(void);
void input_free(struct input *in);
/* The extended keys this terminal defines (copied). */
void input_set_xkeys(struct input *in, const struct xkey *v, size_t n);
/* Decodes one read's worth of input. A paste may span reads: it is
 * handed on when its end marker arrives. */
void input_feed(struct input *in, const struct rawin *v, size_t n,
    const struct input_sink *sink);
/* Whether a paste has started and not ended. */
bool input_pasting(const struct input *in);

#endif
