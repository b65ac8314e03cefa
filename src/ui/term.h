/* The terminal itself: taking it over (raw, keypad, bracketed paste,
 * extended keys), reading what it sends, handing it to a child program
 * (the editor) and back, and giving it back at the end or on a crash.
 * The only file that starts and stops curses. UI thread. */
#ifndef MISSIVE_TERM_H
#define MISSIVE_TERM_H

#include <stdbool.h>
#include <stddef.h>

struct input;
struct rawin;

/* Takes over the terminal; -1 when curses cannot drive it or the
 * terminal cannot move its cursor (the caller says which TERM). */
int term_start(void);
/* Gives the terminal back (idempotent). */
void term_end(void);
/* For the crash handler: the terminal back, nothing else. */
void term_end_now(void);
bool term_active(void);
/* Tells in which keys this terminal's extended codes mean. */
void term_keys(struct input *in);
/* Everything the terminal has queued (*n entries; owned by term). */
const struct rawin *term_read(size_t *n);
/* Before and after a child program that uses the terminal. */
void term_suspend(void);
void term_resume(void);
/* Its size now. */
void term_size(int *rows, int *cols);

#endif
