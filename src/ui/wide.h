/* Wide text as the terminal shows it: UTF-8 to and from wide characters,
 * the columns a character or a string takes, padding, and where a row of
 * text wraps. One rule of wrapping for the body editor, the status pane
 * and the pagers. Pure (wcwidth only). */
#ifndef MISSIVE_WIDE_H
#define MISSIVE_WIDE_H

#include <stddef.h>
#include <wchar.h>

/* UTF-8 in, wide characters out (NUL-terminated; *outlen may be NULL);
 * invalid bytes become U+FFFD. Caller frees. */
wchar_t *wide_from_utf8(const char *s, size_t n, size_t *outlen);
/* n wide characters as UTF-8 (surrogates and values past U+10FFFF as
 * U+FFFD). Caller frees. */
char *wide_to_utf8(const wchar_t *s, size_t n);

/* Columns taken by c drawn at column col: tabs reach the next multiple
 * of 8, unprintable characters take one column (drawn as U+FFFD or '?'). */
int wide_charwidth(wchar_t c, int col);
/* Columns taken by the UTF-8 string s. */
int wide_width(const char *s);
/* s followed by spaces up to cols columns (a new string). */
char *wide_pad(const char *s, int cols);

/* The character at i of some text (a wide string, a textbuf). */
typedef wchar_t (*wide_at_fn)(const void *text, size_t i);
wchar_t wide_at_wcs(const void *text, size_t i);
/* Where the row that starts at start ends, shown in width columns: a
 * newline ends it (and is not part of it); else it breaks after the
 * last blank that fits (blanks may hang past the edge), in a row with no
 * blank after a '/' (a long path), and inside a word only when there is
 * no such place. Returns the row's end; *next is where the next row starts. */
size_t wide_row(wide_at_fn at, const void *text, size_t start, size_t len,
    int width, size_t *next);

#endif
