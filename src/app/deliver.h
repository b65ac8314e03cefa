/* Delivering outbox entries: what the sendmail interface, `missive
 * outbox flush`, `send --queue` and the composer share. It holds the one
 * rule of what is queued (deliver_class), turns a finished send into the
 * entry's next state, and keeps the exactly-once promise of
 * doc/design.md ("No data loss"): an entry is marked uncertain, durably,
 * before what completes its message is written, and leaves the outbox
 * only once the server accepted it (after its receipt). No terminal. */
#ifndef MISSIVE_DELIVER_H
#define MISSIVE_DELIVER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "base/err.h"
#include "net/event.h"

struct msg;
struct outbox_entry;
struct conn_ops;

/* What a finished send means for its message. */
enum deliver_class {
	DC_SENT,	/* the server accepted it */
	DC_TEMP,	/* not now, worth trying again: cannot connect, a
			 * timeout before the message was complete (a TLS
			 * handshake's too), a 4xx reply, every refused
			 * recipient refused with 4xx */
	DC_UNCERTAIN,	/* maybe sent: complete on the wire, then no answer */
	DC_PERM,	/* the user's to fix, never queued: a certificate or
			 * TLS policy failure, the downgrade memory, AUTH
			 * refused, a 5xx, a message the server cannot take */
	DC_CONFIG,	/* not tried: the profile or the entry is wrong */
};

/* THE rule of what is queued, for every reason word of the JSON
 * contract (tests/unit/test_deliver goes through each). */
enum deliver_class deliver_class(const struct result *r);
/* "sent", "temporary", "uncertain", "permanent", "config". */
const char *deliver_class_name(enum deliver_class c);

/* sysexits.h for a send that was not queued: 0 sent; 69 (EX_UNAVAILABLE)
 * refused for good; 75 (EX_TEMPFAIL) temporary or uncertain; 77
 * (EX_NOPERM) AUTH refused; 78 (EX_CONFIG) the profile. */
int deliver_sysexit(const struct result *r);

enum deliver_via { DV_SENDMAIL, DV_OUTBOX };

/* Which entries stay in the outbox after a try that did not send them. */
enum deliver_keep {
	KEEP_ALL,	/* the outbox's own: nothing leaves it unsent */
	KEEP_QUEUEABLE,	/* a new message (sendmail): temporary failures and
			 * "maybe sent" stay, the rest is the caller's to
			 * report and goes */
	KEEP_NONE,	/* --no-queue: only its caller has the message */
};

/* What became of the entry, known before the result event is passed on. */
struct deliver_report {
	enum deliver_class cls;
	bool kept;		/* still in the outbox */
	char id[9];		/* OUTBOX_ID_LEN + 1 */
	int state;		/* enum outbox_state, when kept */
	long long next_try;	/* when queued: the time of the next try */
};

struct deliver_opts {
	enum deliver_via via;	/* the receipt's "via" */
	enum deliver_keep keep;
	atomic_bool *cancel;	/* polled at every wait, or NULL */
	const struct conn_ops *ops;	/* NULL: TCP */
	struct deliver_report *report;	/* filled in, or NULL */
};

/* The report in words for stderr and the composer (caller frees), or
 * NULL when the message was sent. */
char *deliver_report_words(const struct deliver_report *rep);

/* Sends the held entry now, with its profile (read again: a fixed
 * profile helps the next try): the server memory applied before the
 * session and the receipt written after it (app/record.c); the entry
 * marked uncertain and saved just before the message is completed on
 * the wire; then removed (sent), or saved with its state, attempts, next
 * try and last error (temporary: queued; uncertain; permanent: held),
 * or removed as o->keep says.
 * The engine's events go to fn (the result last, after all that). Returns
 * the class, with *res (when not NULL) the result to free; DC_CONFIG
 * with e when no session could start (the entry keeps its state, its
 * last error saying why). */
enum deliver_class deliver_entry(struct outbox_entry *en,
    const struct deliver_opts *o, event_fn fn, void *arg,
    struct result **res, struct err *e);

/* Whether a receipt names the entry (its outbox_id): the server accepted
 * its message, and a missive stopped before the entry left the outbox
 * (it is then marked uncertain). The receipt's time goes in when
 * (at least 21 bytes). */
bool deliver_receipt_of(const char *id, char *when, size_t len);

/* What a message composed by missive needs to become an entry. */
struct deliver_queue {
	const char *profile;	/* the profile it is sent with */
	const char *via;	/* "send", "composer" */
	const char *from, *to, *subject;	/* as typed, for the list */
	const struct result *failed;	/* the try that failed, or NULL */
};

/* Puts m (rendered 7-bit unless it needs SMTPUTF8) into a new outbox
 * entry, fsynced, as queued with the failed try counted. Returns 0 with
 * id (OUTBOX_ID_LEN + 1 bytes) set, or -1 with e. */
int deliver_queue_msg(struct msg *m, const struct deliver_queue *q,
    char *id, struct err *e);

/* Starts `missive outbox flush --due` (this very program) in the
 * background, in a session of its own with no terminal, for the
 * composer's retries: its locks keep it from sending what another flush
 * sends. Returns its pid, or -1. */
int deliver_flush_spawn(void);
/* Whether that flush has ended (then reaped, its exit status in
 * *status). */
bool deliver_flush_ended(int pid, int *status);

/* How many entries the outbox holds, and how many of them are queued
 * and due now (for the composer's title and its retries). -1 with e. */
int deliver_count(size_t *total, size_t *due, struct err *e);

#endif
