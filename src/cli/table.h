/* Tables for people on stdout, as `missive profiles`, `servers` and
 * `receipts` print them: a header row, columns as wide as their widest
 * cell in terminal columns (a wide character counts twice), two spaces
 * between them, every cell escaped (str_escape: the files are the
 * user's, but a terminal gets no control bytes from them). */
#ifndef MISSIVE_TABLE_H
#define MISSIVE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Terminal columns of s in the current locale (a byte that is not text
 * counts one). */
size_t text_width(const char *s);
/* s, then spaces up to width + 2 columns unless it is the last cell. */
void print_cell(const char *s, size_t width, bool last);

struct table;

struct table *table_new(size_t ncols, const char *const *head);
/* Copies (escaped) one row of ncols cells; NULL is shown as "-". */
void table_add(struct table *t, const char *const *cells);
/* Column col is never narrowed to fit a terminal (a time, a short word). */
void table_keep_whole(struct table *t, size_t col);
/* Column col is left out on a terminal where narrowing is not enough
 * (the last such column first). */
void table_optional(struct table *t, size_t col);
size_t table_rows(const struct table *t);
/* Prints it on stdout, each row after indent; frees nothing. On a
 * terminal too narrow for it, the widest columns are narrowed and their
 * longer cells cut with "…", then optional columns left out, so that no
 * row wraps; a pipe or a file gets every cell whole. */
void table_print(const struct table *t, const char *indent);
void table_free(struct table *t);

#endif
