/* SMTP reply parsing (RFC 5321 4.2, RFC 2034 enhanced codes): a pure
 * parser fed bytes as they arrive, split anywhere, with bounded memory. */
#ifndef MISSIVE_REPLY_H
#define MISSIVE_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define REPLY_MAX_LINE	2048	/* bytes before the line end; RFC 5321 says
				 * 512, some servers send more */
#define REPLY_MAX_LINES	128	/* lines of one reply */

struct reply {
	int code;		/* 200..599 */
	char enh[16];		/* "2.1.0", or "" */
	char **lines;		/* text of each line after "NNN-"/"NNN " */
	size_t nlines;
};

enum reply_state { REPLY_MORE, REPLY_DONE, REPLY_ERROR };

struct reply_parser;

struct reply_parser *reply_parser_new(void);
void reply_parser_free(struct reply_parser *p);

/* Feeds n bytes; *used receives how many were consumed (bytes after a
 * complete reply are left for the next one). REPLY_DONE: *out holds the
 * reply (caller frees with reply_free; the parser is ready for the next).
 * REPLY_ERROR: e says what was wrong (reason "protocol"). */
enum reply_state reply_feed(struct reply_parser *p, const char *data, size_t n,
    size_t *used, struct reply *out, struct err *e);

void reply_free(struct reply *r);
/* All lines joined with "\n" (caller frees). */
char *reply_text(const struct reply *r);
/* The first line's text without its enhanced code, for one-line summaries. */
const char *reply_first(const struct reply *r);
/* The queue id a reply to the message names (what the server's log
 * knows the message by): "queued as ID" (Postfix and most), "id=ID"
 * (Exim), "ID Message accepted for delivery" (Sendmail, OpenSMTPD),
 * "... ID - gsmtp" (Gmail); the last line that names one wins. NULL when
 * none does. Caller frees. */
char *reply_queue_id(const struct reply *r);
/* The line of a multi-line reply that carries the queue id (usually the
 * last), without its enhanced code; the last line when none does. */
const char *reply_queue_line(const struct reply *r);

#endif
