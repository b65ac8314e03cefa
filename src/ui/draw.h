/* Drawing primitives for every screen: UTF-8 and wide text clipped to a
 * number of columns (unprintable characters replaced), a rule with a
 * title, the nano-style key help, and a list of lines wrapped with a
 * hanging indent. They know nothing of the composer's state. UI thread. */
#ifndef MISSIVE_DRAW_H
#define MISSIVE_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct lines;

struct help_item {
	const char *key, *label;
};

void draw_clear_line(int y);
/* Draws UTF-8 s at y,x in at most w columns; returns columns used. */
int draw_str(int y, int x, int w, const char *s, unsigned long attr);
/* Draws wide characters, expanding tabs and replacing unprintables. */
int draw_wcs(int y, int x, int w, const wchar_t *s, size_t n,
    unsigned long attr, bool utf8);
/* A rule across cols columns with a title on the left and a note on
 * the right (either may be NULL). */
void draw_hline(int y, int cols, bool utf8, const char *title,
    const char *right);
/* The key help in h rows: as many cells a row as fit, in an even grid
 * while every cell fits it, else in columns sized to their cells, a cut
 * label ending in an ellipsis. */
void draw_help(int y, int h, int cols, const struct help_item *it, size_t n);
/* Draws the lines wrapped, from screen row *top of them, in h rows;
 * clamps *top so that the last row can be reached and no more. */
void draw_lines(const struct lines *l, int y, int h, int cols, bool utf8,
    size_t *top);

#endif
