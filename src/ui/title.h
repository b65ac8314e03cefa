/* The title bar of every screen. UI thread. */
#ifndef MISSIVE_TITLE_H
#define MISSIVE_TITLE_H

struct ui;

/* Draws row 0: view_name is the screen over the composer, or NULL. */
void title_draw(struct ui *u, const char *view_name);

#endif
