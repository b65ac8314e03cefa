/* Keeping the composer's text: the draft saved atomically shortly after
 * each change (and on request, on a signal, on a crash), offered back at
 * the next start, and removed once the server accepted the message. The
 * demo's throw-away server is never written into a draft. UI thread. */
#ifndef MISSIVE_KEEP_H
#define MISSIVE_KEEP_H

#include <stdbool.h>

struct ui;
struct err;

/* Saves now; say: report in the status pane even when all is well. */
void keep_save(struct ui *u, bool say);
/* Saves when the text changed and typing paused (or went on too long). */
void keep_tick(struct ui *u, double now);
/* Seconds until keep_tick has work, or -1 when nothing is unsaved. */
double keep_due_in(const struct ui *u, double now);
/* Removes the draft (sent, emptied, discarded) and gives up the claim
 * on it; 0, or -1 with e. */
int keep_drop(struct ui *u, struct err *e);
/* At start: offers the newest draft no running composer holds. */
void keep_offer(struct ui *u);
/* From the crash handler: one last save attempt, said on stderr. */
void keep_crash(struct ui *u, int sig);

#endif
