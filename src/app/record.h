/* The one home of what every front end does around a session (send,
 * probe, the composer, and the sendmail interface and outbox to come):
 * before it, the server memory is looked up and handed to the job as
 * plain data, for the engine to enforce (no plain text to a server that
 * did TLS before: reason tls_downgrade); after it, the memory is updated
 * (a session with a verified or pinned certificate, never an --insecure
 * one) and, for a message the server accepted, a receipt is appended.
 *
 *     struct record *rec = record_before(&job, &opts, &warn);
 *     ... run the job (smtp_run, or a worker) ...
 *     record_after(rec, result, &receipt, &warn);   // before showing
 *     record_free(rec);                             // the result
 *
 * Nothing here prints: warnings come back as text for the front end to
 * show (as `warning` events on the command line). No terminal; one
 * thread at a time per record. */
#ifndef MISSIVE_RECORD_H
#define MISSIVE_RECORD_H

#include <stdbool.h>

#include "base/err.h"
#include "net/event.h"
#include "net/smtp.h"

struct receipt;

enum record_via { VIA_COMPOSER, VIA_SEND, VIA_SENDMAIL, VIA_OUTBOX };

struct record_opts {
	enum record_via via;		/* the receipt's "via" */
	const char *profile;		/* the profile's name, or NULL */
	bool ephemeral;			/* the demo: read and write nothing */
	/* The outbox entry the message is sent from (sendmail, the
	 * outbox), for its receipt; or NULL. */
	const char *outbox_id;
	/* Files other than the XDG ones (tests), or NULL. */
	const char *servers_path, *receipts_path;
};

struct record;

/* Looks job's HOST:PORT up in the memory and fills job->memory; keeps
 * what the receipt needs from the job (it may go to a worker next).
 * Call it with the job complete (message, policy, --insecure), after any
 * change to its policy. Never NULL. warn is cleared, and set (msg not
 * empty) when the memory cannot be read or holds lines that are not
 * entries; the session goes on with what could be read. */
struct record *record_before(struct smtp_job *job,
    const struct record_opts *o, struct err *warn);

/* After the session with its result, before the result is shown:
 * remembers the server, appends the receipt of an accepted message and
 * gives it in *receipt (caller frees with receipt_free; NULL when none,
 * or pass receipt NULL). Returns 0, or -1 with warn saying what could
 * not be written (the message was sent all the same). Once per record. */
int record_after(struct record *rec, const struct result *r,
    struct receipt **receipt, struct err *warn);

/* What the memory says of this server, in words, for probe's report and
 * the composer: before record_after what was known, after it also what
 * this session changed. Caller frees. */
char *record_memory_words(const struct record *rec);

/* HOST:PORT as the memory names it (owned by rec). */
const char *record_server(const struct record *rec);

void record_free(struct record *rec);

#endif
