/* Drafts: what the composer holds, written atomically (temp file in the
 * same folder, fsync, rename, fsync the folder) as a small human-readable
 * file: header lines (Server:, From:, ...), a blank line, the body.
 * Passwords are never part of a draft. Any thread; no terminal. */
#ifndef MISSIVE_DRAFT_H
#define MISSIVE_DRAFT_H

#include <stddef.h>
#include <time.h>

#include "err.h"

struct draft {
	char *server, *from, *to, *cc, *bcc, *subject, *attach, *profile;
	char *body;
};

/* $XDG_DATA_HOME/missive/drafts (caller frees). */
char *draft_dir(void);
/* A fresh file name in draft_dir() for this process (caller frees). */
char *draft_new_path(void);
/* Writes d to path atomically, creating the folder with mode 0700 and
 * the file with mode 0600. */
int draft_save(const char *path, const struct draft *d, struct err *e);
/* Reads a draft; unknown header lines are ignored. Fills *d (caller
 * frees with draft_free). */
int draft_load(const char *path, struct draft *d, struct err *e);
void draft_free(struct draft *d);
/* The newest draft in dir: 1 with *path and *mtime set, or 0 when none. */
int draft_latest(const char *dir, char **path, time_t *mtime);
int draft_remove(const char *path, struct err *e);

#endif
