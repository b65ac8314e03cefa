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
/* At start: opens the drafts list when there are drafts no running
 * composer holds and none was declined (unless the command line began a
 * message; then it says how many are kept). */
void keep_offer(struct ui *u);
/* Opens the draft at path in the composer; the message on screen is kept
 * as a draft first. 0, or -1 said in the status pane (open in another
 * missive, unreadable). */
int keep_open(struct ui *u, const char *path);
/* Clears the composer for a new message; the one on screen is kept as
 * a draft first. 0, or -1 when it could not be kept (it stays). */
int keep_new(struct ui *u);
/* Deletes another draft; 0, or -1 said in the status pane. */
int keep_delete(struct ui *u, const char *path);
/* From the crash handler: one last save attempt, said on stderr. */
void keep_crash(struct ui *u, int sig);

#endif
