/* The Attach field: comma-separated paths; a path that holds a comma, a
 * double quote or blanks at its ends is written in double quotes ("my
 * report, final.txt"), with \" and \\ inside them; ~/ is the home folder.
 * Splitting, quoting, the entry around the cursor, path completion and
 * what each entry is on disk. No curses; UI thread. */
#ifndef MISSIVE_ATTACH_H
#define MISSIVE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* The field's entries, unquoted, in order; empty ones skipped. Free with
 * strv_free. */
char **attach_split(const char *field, size_t *n);
/* path as the field writes it: quoted when it needs to be. Caller frees. */
char *attach_quote(const char *path);
/* ~/ expanded (with $HOME); any other path copied. Caller frees. */
char *attach_expand(const char *path);
/* The entry around cur in the field's text: [*start, *end), blanks
 * around it left out; *quoted when it began with a quote. */
void attach_token_at(const wchar_t *s, size_t len, size_t cur, size_t *start,
    size_t *end, bool *quoted);
/* Files and folders (with a '/') whose path starts with prefix, sorted;
 * *common is their longest common start (caller frees both). */
char **attach_complete(const char *prefix, size_t *n, char **common);
/* Whether path (expanded) is a readable file, and its size. */
bool attach_size(const char *path, uint64_t *size);

#endif
