/* Address completion for the To/Cc/Bcc/From fields: candidates from the
 * profiles and the address history, matched on the start of the whole
 * entry, of the bare address, or of any word of the name. Pure. */
#ifndef MISSIVE_COMPLETE_H
#define MISSIVE_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct completer;

struct completer *completer_new(void);
void completer_free(struct completer *c);
/* Adds a candidate unless one with the same bare address exists. */
void completer_add(struct completer *c, const char *cand);
void completer_add_list(struct completer *c, const char *list);
size_t completer_count(const struct completer *c);
const char *completer_get(const struct completer *c, size_t i);
/* Whether cand completes what was typed (case-insensitive). */
bool completer_matches(const char *cand, const char *typed);
/* Indices of matching candidates (caller frees *out); returns the count. */
size_t completer_match(const struct completer *c, const char *typed,
    size_t **out);

/* The address token around cur in a comma list: [*start, *end), with
 * surrounding blanks left out. */
void addr_token_at(const wchar_t *s, size_t len, size_t cur, size_t *start,
    size_t *end);

#endif
