/* The message layer: turns what a person typed (addresses, subject, body,
 * attachments) into an RFC 5322/MIME message that the engine pulls in
 * chunks, never holding a body file or attachments in memory. */
#ifndef MISSIVE_MSG_H
#define MISSIVE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

/* What the user typed. All strings UTF-8, not owned by msg (copied). */
struct msg_spec {
	const char *from;		/* "Name <a@b>" or "a@b" */
	const char *to, *cc, *bcc;	/* comma-separated lists as typed; may be NULL */
	const char *subject;		/* may be NULL or "" */
	const char *body;		/* body text, LF or CRLF line ends; NULL = empty */
	const char *body_file;		/* body from this file instead ("-" = stdin),
					 * streamed (mail/textsrc.h) */
	const char *signature_file;	/* appended after "-- " line; may be NULL */
	const char *const *attach;	/* NULL-terminated list of file paths, or NULL */
	const char *reply_to, *in_reply_to, *references;	/* optional */
	const char *const *headers;	/* extra "Name: value" lines
					 * (msg_header_check), NULL-terminated */
	const char *helo;		/* fallback domain for Message-ID */
	bool flowed;			/* format=flowed, whatever the lines */
	int wrap;			/* MSG_WRAP_AUTO, MSG_WRAP_OFF or a width */
};

/* How lines are sent. AUTO: as typed, unless one is longer than
 * MSG_LONG_LINE characters: then the text is format=flowed (RFC 3676,
 * soft breaks at 72, space-stuffing, quoted lines kept at their level)
 * so that every client reflows it. OFF: as typed. A number from
 * MSG_WRAP_MIN to MSG_WRAP_MAX: lines hard-wrapped at that many
 * characters (a quoted line's continuation quoted the same way). */
#define MSG_WRAP_AUTO	0
#define MSG_WRAP_OFF	(-1)
#define MSG_WRAP_MIN	20
#define MSG_WRAP_MAX	998
#define MSG_LONG_LINE	78

/* Checks an extra header line "Name: value": a field name (printable
 * ASCII, no colon), a value without CR, LF or any other control
 * character, and none of the fields missive writes itself (From, To, Cc,
 * Bcc, Reply-To, Subject, Date, Message-ID, In-Reply-To, References,
 * MIME-Version, Content-*). 0, or -1 with e saying what is wrong. */
int msg_header_check(const char *line, struct err *e);

struct msg;

/* Parses and validates the spec: every address, CR/LF/NUL in header
 * fields, attachments readable. On error returns NULL with e->msg naming
 * the field and the bad part, e.g. "To: the third address `bob@` has no
 * domain". Any thread. */
struct msg *msg_new(const struct msg_spec *spec, struct err *e);
void msg_free(struct msg *m);

/* Envelope: the From address and every To/Cc/Bcc address (deduplicated),
 * bare addr-specs without brackets. Owned by m. */
const char *msg_env_from(const struct msg *m);
size_t msg_env_count(const struct msg *m);
const char *msg_env_rcpt(const struct msg *m, size_t i);
/* The field the i-th recipient came from first: "To", "Cc" or "Bcc". */
const char *msg_env_field(const struct msg *m, size_t i);

/* Whether sending needs SMTPUTF8 (UTF-8 in an envelope address). After
 * msg_start with MSG_UTF8 it is also true when the rendered headers
 * carry raw UTF-8 (RFC 6532), so ask again after msg_start. */
bool msg_needs_smtputf8(const struct msg *m);

/* Rendering flags, chosen from the server's capabilities. */
#define MSG_8BIT	0x01	/* server offers 8BITMIME: 8bit body allowed */
#define MSG_UTF8	0x02	/* server offers SMTPUTF8: raw UTF-8 headers */

/* Starts (or restarts) rendering with these flags and computes the exact
 * size in bytes of the CRLF wire form before dot-stuffing. Returns 0, or
 * -1 with e set (attachment vanished). May be called again for a retry. */
int msg_start(struct msg *m, unsigned flags, struct err *e);
uint64_t msg_size(const struct msg *m);
/* True when the rendered message contains 8-bit bytes (BODY=8BITMIME). */
bool msg_is_8bit(const struct msg *m);

/* Copies up to len further bytes of the rendered message into buf.
 * Returns the count, 0 at the end, -1 with e set. Lines end in CRLF and
 * never exceed 998 octets; no dot-stuffing (the engine does that). */
ssize_t msg_read(struct msg *m, char *buf, size_t len, struct err *e);

/* The Message-ID header value, "<...@domain>", chosen by msg_new and
 * kept across msg_start retries. Owned by m. */
const char *msg_message_id(const struct msg *m);

/* A new Message-ID value "<...@domain>" and the Date value for now, as
 * msg_new makes them, for messages made elsewhere (mail/rawmsg.c).
 * Caller frees. */
char *msg_make_id(const char *domain);
char *msg_make_date(void);

/* A message made elsewhere (an outbox entry that mail/rawmsg.c wrote):
 * the file at path holds its exact wire form before dot-stuffing, size
 * bytes, and is sent as it is whatever msg_start's flags say; the
 * envelope is as given (bare addresses, checked again here; env_from
 * "" is the null sender). eight_bit and head_8bit are what rawmsg_write
 * found: they ask for BODY=8BITMIME and SMTPUTF8. NULL with e. */
struct msg_raw_spec {
	const char *path;
	uint64_t size;
	const char *env_from;
	const char *const *rcpt;
	size_t nrcpt;
	bool eight_bit, head_8bit;
	const char *message_id;
};
struct msg *msg_new_raw(const struct msg_raw_spec *spec, struct err *e);

/* For tests: fixes the Date and Message-ID values and the multipart
 * boundary (copied; NULL keeps the current one) so that output is
 * reproducible. Call before msg_start. */
void msg_set_fixed(struct msg *m, const char *date, const char *msgid,
    const char *boundary);

#endif
