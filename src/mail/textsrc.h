/* A text source: the text of a message as a stream of parts (typed text
 * in memory, a file read in blocks, standard input spooled to an
 * unlinked temporary file), never held whole in memory. Newlines are
 * normalised (CRLF and a lone CR become LF; a part that is not empty and
 * does not end in LF gets one); the whole is scanned once for its shape
 * (size, longest line, NUL, 8-bit bytes, valid UTF-8), then streamed as
 * CRLF lines, as they are or quoted-printable, with the exact size known
 * before the first byte. A file that changes between the scan and the
 * end of a pass fails the pass. Memory stays a few blocks whatever the
 * size. Any thread, one caller at a time. doc/design.md, "Streaming a
 * text", says how msg.c and a raw message (the sendmail interface) use
 * it. */
#ifndef MISSIVE_TEXTSRC_H
#define MISSIVE_TEXTSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/util.h"

struct textsrc;

/* What one scan of the normalised text found. */
struct textsrc_shape {
	uint64_t bytes;		/* the text with LF line ends */
	uint64_t lines;		/* its LFs: every line ends with one */
	uint64_t maxline;	/* the longest line in bytes, its LF not counted */
	uint64_t maxchars;	/* the longest line in characters (bytes that
				 * do not continue a UTF-8 sequence) */
	bool nul;		/* a NUL byte */
	bool high;		/* a byte >= 0x80 */
	bool watched;		/* a line starts with the textsrc_watch prefix */
	bool utf8_bad;		/* part bad_part is not valid UTF-8: its first */
	size_t bad_part;	/* bad byte is at offset bad_at of its bytes */
	uint64_t bad_at;	/* as given (before normalisation) */
};

/* How a pass writes the text: CRLF line ends (7bit and 8bit bodies, a
 * raw message), quoted-printable (RFC 2045 6.7, enc_qp_*), or the
 * normalised text itself with LF (textsrc_text). */
enum textsrc_enc { TEXTSRC_CRLF, TEXTSRC_QP, TEXTSRC_LF };

struct textsrc *textsrc_new(void);
void textsrc_free(struct textsrc *t);

/* Appends a part of n bytes copied from s. */
void textsrc_add_mem(struct textsrc *t, const char *s, size_t n);
/* Appends the file path ("-": standard input). A regular file is kept
 * open and read again at every pass; anything else (a pipe, a terminal,
 * a FIFO) is first copied into an unlinked temporary file in $TMPDIR or
 * /tmp. what names the field in messages ("Body"). -1 with e (reason
 * "usage"): "Body: cannot read `x': ...". */
int textsrc_add_file(struct textsrc *t, const char *what, const char *path,
    struct err *e);
/* Appends the regular file open on fd, from its current offset to its
 * end (e.g. an outbox entry); the source owns fd and closes it. shown
 * names it in messages. -1 with e (fd closed). */
int textsrc_add_fd(struct textsrc *t, const char *what, const char *shown,
    int fd, struct err *e);
/* The scan notes whether a line starts with prefix (copied). */
void textsrc_watch(struct textsrc *t, const char *prefix);

/* Reads every part once and fills the shape. 0, or -1 with e. */
int textsrc_scan(struct textsrc *t, struct err *e);
const struct textsrc_shape *textsrc_shape(const struct textsrc *t);
/* The name of part i as messages show it (a path, "standard input"), or
 * NULL for a part in memory. */
const char *textsrc_part_name(const struct textsrc *t, size_t i);

/* The size of the text as a pass with enc writes it. After textsrc_scan;
 * TEXTSRC_QP costs one more reading, once. 0, or -1 with e. */
int textsrc_size(struct textsrc *t, enum textsrc_enc enc, uint64_t *size,
    struct err *e);
/* Starts (or restarts) a pass with enc. 0, or -1 with e. */
int textsrc_start(struct textsrc *t, enum textsrc_enc enc, struct err *e);
/* Copies up to len further bytes of the pass into buf: the count, 0 at
 * its end, -1 with e (a file that could not be read, or changed). */
ssize_t textsrc_read(struct textsrc *t, char *buf, size_t len, struct err *e);
/* The whole normalised text appended to out (for a text that is
 * reworked in memory, such as format=flowed). 0, or -1 with e. */
int textsrc_text(struct textsrc *t, struct buf *out, struct err *e);

/* For tests: the size of each read and of each memory span (default
 * TEXTSRC_BLOCK), so that every block boundary can be exercised. */
#define TEXTSRC_BLOCK	65536
void textsrc_set_block(struct textsrc *t, size_t n);

#endif
