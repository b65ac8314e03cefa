/* The compose screen: the title, the header fields, the body editor, the
 * status pane and the key help; its keys (fields, body, commands) and
 * address completion; the question before quitting. UI thread. */
#ifndef MISSIVE_COMPOSE_H
#define MISSIVE_COMPOSE_H

#include "ui/state.h"

extern const struct mode compose_mode;

/* Inserts the characters typed since the last key that was not one. */
void compose_flush_typed(struct ui *u);

#endif
