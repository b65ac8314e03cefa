/* The addresses Tab offers in an address field: the history, the
 * profiles and the address book (query_cmd) together. One that fits is
 * completed at once; several are listed in a popup under the field, the
 * real cursor on the chosen one: Up/Down (Tab, S-Tab) move, Enter takes
 * it, Esc closes the list, typing narrows it. UI thread. */
#ifndef MISSIVE_SUGGEST_H
#define MISSIVE_SUGGEST_H

#include <stdbool.h>

#include "ui/state.h"

/* Tab in an address field: false when there is nothing to complete
 * (Tab then moves on). */
bool suggest_tab(struct ui *u);
/* A key while the list is open; true when the list took it. */
bool suggest_key(struct ui *u, const struct key *k);
/* After an edit in the field: the list narrowed to what is typed now,
 * or closed when nothing is left or the cursor left the address. */
void suggest_refresh(struct ui *u);
void suggest_close(struct ui *u);
/* Draws the open list under the field on row field_y, from column x,
 * and puts the real cursor on the chosen row. */
void suggest_draw(struct ui *u, int field_y, int x);
/* Frees the list and the address book's last answer. */
void suggest_free(struct ui *u);

#endif
