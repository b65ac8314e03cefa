/* --dry-run, for `send` and the composer's reply and forward: the message
 * as it would go on the wire, on standard output, and its envelope
 * (sender, every recipient, Bcc included) on standard error. */
#ifndef MISSIVE_PREVIEW_H
#define MISSIVE_PREVIEW_H

#include "base/err.h"

struct msg;

/* Renders m (8BITMIME, and SMTPUTF8 when it needs it) to stdout and its
 * envelope to stderr. 0, or -1 with e. */
int preview_print(struct msg *m, struct err *e);

#endif
