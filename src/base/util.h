/* Small helpers shared by every module: checked allocation, string
 * escaping for untrusted text, secret wiping, monotonic time. */
#ifndef MISSIVE_UTIL_H
#define MISSIVE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>

/* Allocation that aborts on exhaustion: there is nothing sensible to do
 * in a mail client that cannot get a few bytes. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);		/* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Growable byte buffer. */
struct buf {
	char *data;
	size_t len, cap;
};
void buf_init(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_addc(struct buf *b, char c);
char *buf_cstr(struct buf *b);		/* NUL-terminated view, still owned by b */
void buf_free(struct buf *b);
void buf_wipe(struct buf *b);		/* zero then free, for secrets */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * the bytes there are not valid UTF-8. */
size_t utf8_len(const unsigned char *s, size_t n);

/* Returns a new string in which control characters, escape sequences and
 * invalid UTF-8 in untrusted text (server replies, certificate fields) are
 * shown as \xNN / \r / \n / \t; valid UTF-8 is kept. Caller frees. */
char *str_escape(const char *s, size_t n);

/* Appends s as a JSON string (with quotes) to b; any bytes, always valid
 * JSON: invalid UTF-8 becomes U+FFFD. */
void json_add_str(struct buf *b, const char *s);

/* Overwrites and frees a secret. NULL is fine. */
void secret_free(char *s);
void mem_wipe(void *p, size_t n);

/* True when s holds CR, LF or NUL within n bytes (header injection). */
bool str_has_crlf(const char *s);

/* Seconds on the monotonic clock. */
double time_now(void);

/* Creates dir and its parents with mode 0700. Returns 0 or -1 (errno). */
int mkdir_p(const char *path);

struct err;
/* Creates a new file dir/PREFIX<6 random characters>SUFFIX, mode 0600,
 * and returns its descriptor with *path set (caller frees), or -1 with
 * errno. */
int tmpfile_make(const char *dir, const char *prefix, const char *suffix,
    char **path);
/* Syncs a folder, so that a rename or unlink in it is durable. 0 or -1. */
int fsync_dir(const char *dir);
/* Replaces path with data atomically: a temporary file in the same
 * folder (created with its parents, 0700), fsync, rename, fsync of the
 * folder. The file is always either the old or the new one. */
int file_write_atomic(const char *path, const void *data, size_t len,
    int mode, struct err *e);

/* $XDG_{CONFIG,DATA,STATE}_HOME/missive (falling back to ~/.config etc.).
 * Caller frees. */
char *xdg_dir(const char *kind);	/* "config", "data", "state" */

/* rel under the package's data folder (themes, the demo sink):
 * $MISSIVE_DATADIR when set (the tests, a moved installation), else the
 * folder it was installed to. Caller frees. */
char *data_path(const char *rel);

#endif
