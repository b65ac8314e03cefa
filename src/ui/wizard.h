/* "New profile" in the profiles picker: `missive setup` itself, run on
 * the terminal as the editor is (the composer suspended), with the From
 * field's address; the profile it saved is then loaded and put to use.
 * UI thread. */
#ifndef MISSIVE_WIZARD_H
#define MISSIVE_WIZARD_H

struct ui;

void wizard_run(struct ui *u);

#endif
