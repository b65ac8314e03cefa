/* Drafts: what the composer holds, written atomically (temp file in the
 * same folder, fsync, rename, fsync the folder) as a small human-readable
 * file: header lines (Server:, From:, ...), a blank line, the body.
 * Passwords are never part of a draft. Any thread; no terminal. */
#ifndef MISSIVE_DRAFT_H
#define MISSIVE_DRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/err.h"

struct draft {
	char *server, *from, *to, *cc, *bcc, *subject, *attach, *profile;
	char *reply_to, *in_reply_to, *references;
	char *headers;		/* extra header lines, one a line (LF) */
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
/* A composer's claim on one draft: flock(2) on a hidden lock file beside
 * it (.NAME.lock), held for as long as the composer has the draft open.
 * The kernel drops it when the process ends, however it ends, so a dead
 * composer (or a pid reused since) never keeps its draft from the next
 * one, and two running composers never write one file. */
struct draft_lock;
/* Claims the draft at path (which need not exist yet) for this process.
 * NULL when another running composer holds it (errno EWOULDBLOCK) or the
 * lock file cannot be made (e says why). */
struct draft_lock *draft_lock(const char *path, struct err *e);
void draft_unlock(struct draft_lock *l);	/* NULL is fine */
/* One draft as the list shows it. */
struct draft_info {
	char *path;
	time_t mtime;
	long mtime_nsec;	/* orders two saves within one second */
	char *to, *subject;	/* as saved, "" when none */
	char *start;		/* the body's first words, on one line */
	bool busy;		/* open in a running composer */
	bool aside;		/* declined at a start: not offered again */
};
/* Every draft in dir, newest first (*v: free with draft_list_free). */
size_t draft_list(const char *dir, struct draft_info **v);
void draft_list_free(struct draft_info *v, size_t n);
/* Marks the draft at path declined at a start, or not (in its lock
 * file, so the draft and its time stay as they are). 0 or -1 (errno). */
int draft_set_aside(const char *path, bool aside);
/* Removes the draft and its lock file (the caller then unlocks). */
int draft_remove(const char *path, struct err *e);

#endif
