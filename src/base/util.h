/* Small helpers shared by every module: checked allocation, growable
 * buffers, secret wiping, monotonic time. Text escaping is in text.h,
 * files in fs.h. */
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

/* Growable byte buffer. A secret one (buf_init_secret) never leaves a
 * copy behind: growing copies into a new block and wipes the old one,
 * freeing wipes. Never format a secret with xasprintf: glibc's vasprintf
 * frees its growing buffers as they are. */
struct buf {
	char *data;
	size_t len, cap;
	bool secret;
};
void buf_init(struct buf *b);
void buf_init_secret(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_addc(struct buf *b, char c);
char *buf_cstr(struct buf *b);		/* NUL-terminated view, still owned by b */
void buf_free(struct buf *b);
void buf_wipe(struct buf *b);		/* zero then free, for secrets */

/* Frees n strings and the array that holds them (NULL is fine). */
void strv_free(char **v, size_t n);

/* Overwrites and frees a secret. NULL is fine. */
void secret_free(char *s);
void mem_wipe(void *p, size_t n);

/* Seconds on the monotonic clock. */
double time_now(void);

#endif
