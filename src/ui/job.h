/* The composer's side of a send or probe: the review before sending
 * (server, addresses, empty subject or body, a mentioned attachment),
 * the job built from the fields and the profile, and the worker's events
 * turned into status lines, the dialogue and a verdict. No curses: it
 * changes the state, the screens show it. UI thread. */
#ifndef MISSIVE_JOB_H
#define MISSIVE_JOB_H

#include <stdbool.h>

struct ui;

/* ^X: starts the review, then the send. */
void job_send(struct ui *u);
void job_probe(struct ui *u);
/* Takes what the worker reported (a bounded batch). */
void job_drain(struct ui *u);
void job_cancel(struct ui *u);
bool job_running(const struct ui *u);
/* The message the fields make, validated; NULL with e (and *field, the
 * field it is about, or -1). */
struct err;
struct msg *job_msg(struct ui *u, struct err *e, int *field);

/* --dry-run of reply and forward: the message as the composer starts
 * with it, printed as `send --dry-run` prints one (app/preview.c); the
 * exit status (0, 1 when it cannot be built, said on stderr). */
int job_preview(struct ui *u);

#endif
