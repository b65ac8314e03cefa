/* Start-up and clean-up of the composer's state. UI thread. */
#ifndef MISSIVE_START_H
#define MISSIVE_START_H

struct ui;
struct ui_opts;

/* Fills u from the profiles, the options and the arguments; 0, or the
 * exit status of a usage error already printed. *note: a problem to show
 * once the composer is up (caller frees). */
int start_prepare(struct ui *u, const struct ui_opts *o, char **note);
/* reply/forward: reads the message file before anything else, and when
 * it came on standard input, takes the terminal from /dev/tty in its
 * place (for the composer and the editor). 0, or the exit status of an
 * error already printed. */
int start_read_answer(struct ui *u, const struct ui_opts *o);
void start_cleanup(struct ui *u);

#endif
