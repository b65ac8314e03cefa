/* Files and folders: private folders made with their parents, atomic
 * replacement (temp file, fsync, rename, fsync of the folder), whole-file
 * reads with a size limit, the XDG folders, the package data folder, and
 * ~ in paths. No terminal; any thread. */
#ifndef MISSIVE_FS_H
#define MISSIVE_FS_H

#include <stddef.h>
#include <sys/types.h>

struct err;

/* Creates dir and its parents with mode 0700. Returns 0 or -1 (errno). */
int mkdir_p(const char *path);

/* Creates a new file dir/PREFIX<6 random characters>SUFFIX, mode 0600,
 * and returns its descriptor with *path set (caller frees), or -1 with
 * errno. */
int tmpfile_make(const char *dir, const char *prefix, const char *suffix,
    char **path);
/* Syncs a folder, so that a rename or unlink in it is durable. 0 or -1. */
int fsync_dir(const char *dir);
/* Starts writing fd's dirty pages to disk without waiting for them
 * (Linux's sync_file_range), so that the fsync that ends a large file
 * waits for its tail only. A hint: on a pipe, or where the call is
 * missing, nothing happens. */
void fd_writeback_start(int fd);
/* The path of the running program (/proc/self/exe), or NULL when it
 * cannot be read. Caller frees. */
char *self_path(void);
/* Replaces path with data atomically: a temporary file in the same
 * folder (created with its parents, 0700), fsync, rename, fsync of the
 * folder. The file is always either the old or the new one. */
int file_write_atomic(const char *path, const void *data, size_t len,
    int mode, struct err *e);

/* Reads the regular file path whole, NUL-terminated, into *data (caller
 * frees; a file that may hold a secret is wiped with mem_wipe first),
 * *len and *mode (either may be NULL). At most max bytes. Returns 0; 1
 * when the file does not exist; -1 with e saying why ("not a regular
 * file", "larger than ...", strerror), without the path. */
int file_read(const char *path, size_t max, char **data, size_t *len,
    mode_t *mode, struct err *e);
/* A whole small input: the file path, or standard input for "-" (a pipe
 * or a FIFO is fine). 0 with *data (NUL-terminated; caller frees) and
 * *len; -1 with errno (EISDIR for a folder, EFBIG past max bytes) for
 * the caller to put in words. */
int file_read_input(const char *path, size_t max, char **data, size_t *len);
/* The same, with the file's whole status (owner, mode) as it was read. */
struct stat;
int file_read_stat(const char *path, size_t max, char **data, size_t *len,
    struct stat *st, struct err *e);

/* "~/x" and "~user/x" expanded; an absolute path copied. NULL with e for
 * a relative path (it would depend on the current folder) or an unknown
 * user. Caller frees. */
char *path_expand(const char *s, struct err *e);
/* The reverse, for saving: $HOME/x becomes ~/x. Caller frees. */
char *path_unexpand(const char *s);

/* $XDG_{CONFIG,DATA,STATE}_HOME/missive (falling back to ~/.config etc.).
 * Caller frees. */
char *xdg_dir(const char *kind);	/* "config", "data", "state" */
/* rel inside xdg_dir(kind) (caller frees). */
char *xdg_path(const char *kind, const char *rel);

/* rel under the package's data folder (themes, the demo sink):
 * $MISSIVE_DATADIR when set (the tests, a moved installation), else the
 * folder it was installed to. Caller frees. */
char *data_path(const char *rel);

#endif
