/* Secrets from a command (password_cmd): the command runs through
 * /bin/sh -c in a process group of its own with a deadline, and its
 * stdout is the secret. Any thread; no terminal. */
#ifndef MISSIVE_SECRET_H
#define MISSIVE_SECRET_H

#include "base/err.h"

/* Runs cmd with a timeout (seconds); *out receives its stdout with the
 * final newline dropped (free with secret_free). -1 with e naming what
 * the command said on stderr, or why it could not run. */
int secret_from_cmd(const char *cmd, int timeout, char **out, struct err *e);

#endif
