/* The external editor ($VISUAL, $EDITOR, vi): the body handed over in a
 * private file, the terminal given to the editor, the body read back.
 * UI thread. */
#ifndef MISSIVE_EDITOR_H
#define MISSIVE_EDITOR_H

struct ui;

void editor_run(struct ui *u);

#endif
