/* Commands missive runs for the user (password_cmd, query_cmd): through
 * /bin/sh -c in a process group of their own, standard input from
 * /dev/null, with a deadline after which the whole group is killed;
 * standard output collected up to a limit, the first line of standard
 * error kept for the message. The one home of running a command with a
 * timeout. Any thread; no terminal. */
#ifndef MISSIVE_RUN_H
#define MISSIVE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* Runs cmd, with arg as its $1 when arg is not NULL (a value never goes
 * through the shell's parser), for at most timeout seconds (30 when 0 or
 * less). what names the command in messages ("password_cmd"), shown is
 * the command as they show it (NULL: cmd itself); reason is
 * the JSON reason word of a failure other than a timeout. With secret,
 * every buffer that held the output is wiped.
 *
 * Returns 0 when the command exited 0 in time having printed at most max
 * bytes: *out holds its output, NUL-terminated (free it with secret_free
 * when secret), *len its length, and *errline (when not NULL) the first
 * line of its standard error, escaped (caller frees). With status not
 * NULL, an exit status other than 0 is no failure: it goes there, with
 * the output. Otherwise -1 with e saying what went wrong, with that
 * line. */
int run_cmd(const char *what, const char *reason, const char *cmd,
    const char *shown, const char *arg, int timeout, size_t max, bool secret,
    char **out, size_t *len, char **errline, int *status, struct err *e);

#endif
