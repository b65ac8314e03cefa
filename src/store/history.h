/* Addresses used before, for completion in the composer: one address a
 * line in $XDG_STATE_HOME/missive/history, most recent first, bounded.
 * No terminal. */
#ifndef MISSIVE_HISTORY_H
#define MISSIVE_HISTORY_H

#include <stddef.h>

#include "base/err.h"

struct history;

/* $XDG_STATE_HOME/missive/history (caller frees). */
char *history_path(void);
/* Reads path (NULL: history_path()); a missing file is an empty history.
 * Never NULL: on a read error e is set and the history starts empty. */
struct history *history_load(const char *path, struct err *e);
void history_free(struct history *h);
size_t history_count(const struct history *h);
const char *history_get(const struct history *h, size_t i);
/* Puts one address first (an older entry with the same bare address is
 * dropped). Entries with control characters are ignored. */
void history_add(struct history *h, const char *addr);
/* Adds every address of a comma-separated list. */
void history_add_list(struct history *h, const char *list);
/* Writes the file atomically (folder 0700, file 0600). */
int history_save(struct history *h, struct err *e);

#endif
