/* The compose screen: the title, the header fields, the body editor, the
 * status pane and the key help; its keys (fields, body, commands) and
 * address completion; the question before quitting. UI thread. */
#ifndef MISSIVE_COMPOSE_H
#define MISSIVE_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "ui/state.h"

extern const struct mode compose_mode;

/* While a send runs the message is read-only: true (once saying so in
 * the status pane) when an edit must be refused. */
bool compose_locked(struct ui *u);
/* A paste, where typing would go, as one undo step. */
void compose_paste(struct ui *u, const wchar_t *text, size_t n);
/* Inserts the characters typed since the last key that was not one. */
void compose_flush_typed(struct ui *u);

#endif
