/* The prompt line (state.h's struct prompt): drawing, keys, and the
 * line editing it shares with the profile filter. UI thread. */
#ifndef MISSIVE_PROMPT_H
#define MISSIVE_PROMPT_H

#include <stddef.h>

struct ui;
struct key;
struct textbuf;
struct help_item;

/* Rows the open prompt needs at the bottom (its question wrapped), or 0. */
int prompt_rows(struct ui *u);
/* Draws the open prompt in the bottom prompt_rows() rows, with the
 * cursor where the answer goes. */
void prompt_draw(struct ui *u);
/* The bottom rows of a screen: the prompt when one is open, else the
 * key help. */
void prompt_bottom(struct ui *u, const struct help_item *it, size_t n);
/* A key while a prompt is open. */
void prompt_key(struct ui *u, const struct key *k);
/* Editing keys of a one-line field (the prompt's text, a filter). */
void prompt_edit_key(struct textbuf *tb, const struct key *k);

#endif
