/* Keeping a copy of a sent message in a Maildir (the profile's
 * sent_maildir), written the way Maildir wants: a unique name in tmp/,
 * fsync, then a rename into cur/ marked as seen. */
#ifndef MISSIVE_MAILDIR_H
#define MISSIVE_MAILDIR_H

#include "base/err.h"

struct msg;

/* Renders m again with flags (as it was sent) into dir, creating
 * dir/{tmp,new,cur} with mode 0700 when missing. *path receives the file
 * written (caller frees). 0, or -1 with e. Any thread; m must not be in
 * use elsewhere. */
int maildir_store(struct msg *m, unsigned flags, const char *dir, char **path,
    struct err *e);

#endif
