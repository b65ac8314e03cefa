/* The status pane: what happened, one entry a line (engine events with
 * their time since the send started, local messages with the clock),
 * wrapped to the width, newest at the bottom, scrolled back on request,
 * with the DATA progress bar of the running send. The model and its
 * drawing; it knows nothing of the rest of the composer. UI thread. */
#ifndef MISSIVE_PANE_H
#define MISSIVE_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/explain.h"

struct stline {
	double t;		/* engine time, or -1 for a local message */
	char clock[12];		/* wall clock of a local message */
	enum sev sev;
	char *text;		/* safe to show (escaped); NULL for the bar */
	bool verdict;		/* the final verdict: drawn stronger */
	bool progress;		/* the live DATA progress bar */
	unsigned repeat;	/* a local message said again at once: count */
};

struct pane {
	struct stline *v;
	size_t n;
	size_t scroll;		/* entries scrolled up from the newest */
	long prog;		/* entry of the live bar, or -1 */
	uint64_t sent, total;
	double t0, t;
};

void pane_init(struct pane *p);
void pane_clear(struct pane *p);
/* Adds an entry (taking text); t < 0 stamps it with the clock. A local
 * message that repeats the newest entry counts it again instead ("(×3)"),
 * so that one fact takes one line. Scrolls back to the newest. */
struct stline *pane_add(struct pane *p, double t, enum sev sev, char *text);
/* The running send's progress: the bar is added on the first call. */
void pane_progress(struct pane *p, double t, uint64_t sent, uint64_t total);
/* The send ended: the bar keeps its last numbers as text, so that later
 * sends never redraw it with theirs. */
void pane_progress_end(struct pane *p, bool utf8);
void pane_scroll(struct pane *p, long delta);
/* Rows the newest entry needs at this width (the verdict is shown
 * whole); 0 when scrolled back. */
int pane_last_rows(const struct pane *p, int cols, bool utf8);
/* Draws the entries from the newest shown upwards into rows y..y+h-1. */
void pane_draw(struct pane *p, int y, int h, int cols, bool utf8);

#endif
