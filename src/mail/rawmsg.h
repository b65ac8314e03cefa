/* A finished RFC 5322 message handed over whole (the sendmail interface):
 * its header section read and checked, then the message copied from the
 * descriptor it came on to another in the form the engine sends: CRLF
 * line ends, lines of at most 998 octets, the header fields as given but
 * for Bcc (removed) and From, Date and Message-ID (added when missing).
 * Memory is bounded by the header's size, never by the body's: the body
 * goes through a fixed buffer. No terminal; any thread. */
#ifndef MISSIVE_RAWMSG_H
#define MISSIVE_RAWMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* The header section may hold this much (a mail reader's is a few KiB). */
#define RAWMSG_HEAD_MAX	(1024 * 1024)
#define RAWMSG_LINE_MAX	998	/* RFC 5322 2.1.1, without the CRLF */

/* A malformed message: e->reason of every error about the message
 * itself (the sendmail interface exits 65 for it); a descriptor that
 * cannot be read or written gets "local". */
#define RAWMSG_BAD	"message"

struct rawmsg;

/* Reads from fd up to the end of the header section (the first empty
 * line), at most RAWMSG_HEAD_MAX bytes, and checks it: every line a
 * field ("Name: value") or the continuation of one, no NUL, no lone CR,
 * no line over RAWMSG_LINE_MAX. A leading mbox "From " line is dropped.
 * Input whose first line is no header field has no header: all of it is
 * the body. NULL with e (reason RAWMSG_BAD or "local"). */
struct rawmsg *rawmsg_read_head(int fd, struct err *e);
void rawmsg_free(struct rawmsg *r);

/* Whether the input began with a header section. */
bool rawmsg_has_header(const struct rawmsg *r);
/* The unfolded values of every field called name (case ignored), joined
 * with ", " (address fields may be given more than once), or NULL when
 * there is none. Leading and trailing blanks removed. Caller frees. */
char *rawmsg_field(const struct rawmsg *r, const char *name);

/* What rawmsg_write adds when the message lacks it. */
struct rawmsg_add {
	const char *from;	/* a From value ("Name <a@b>"), or NULL: none added */
	const char *date;	/* a Date value, or NULL */
	const char *message_id;	/* a Message-ID value "<...>", or NULL */
};

/* What was written. */
struct rawmsg_out {
	uint64_t size;		/* bytes: the exact wire form before dot-stuffing */
	bool eight_bit;		/* a byte of 0x80 or more anywhere */
	bool head_8bit;		/* ... in the header section (RFC 6532) */
	bool removed_bcc;
	bool added_from, added_date, added_message_id;
};

/* Writes the header (Bcc removed, the added fields last), an empty line
 * and the rest of the input (the body, read from the descriptor given to
 * rawmsg_read_head until its end) to out, CRLF-normalised. Once per r.
 * Returns 0, or -1 with e (RAWMSG_BAD for a body line over
 * RAWMSG_LINE_MAX octets or a NUL byte, naming its line; "local" when a
 * descriptor fails). */
int rawmsg_write(struct rawmsg *r, int out, const struct rawmsg_add *add,
    struct rawmsg_out *info, struct err *e);

#endif
