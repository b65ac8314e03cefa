/* Receipts: $XDG_STATE_HOME/missive/receipts.jsonl (0600), one JSON
 * object a line per message a server accepted (the fields are in
 * doc/design.md, Files). Appends take a lock and go in one write, so two
 * missives never mix their lines; a line a crash cut short is skipped by
 * the reader, which says so, and the next append starts a new line. What
 * goes into a receipt is app/record.c's; this is only the file. No
 * terminal. */
#ifndef MISSIVE_RECEIPTS_H
#define MISSIVE_RECEIPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct buf;
struct json;

struct receipt_rcpt {
	char *address;
	int code;
	char *text;		/* the server's reply, lines joined with "\n" */
};

/* Every string is owned (NULL where the field is null). */
struct receipt {
	char *time;		/* RFC 3339 UTC */
	char *via;		/* "composer", "send", "sendmail", "outbox" */
	char *profile;
	char *server;		/* the host as given, no brackets */
	int port;
	char *address;		/* the address connected to */
	char *policy;		/* off, opportunistic, starttls, implicit */
	bool encrypted;
	char *tls_version, *cipher;
	bool verified, pinned;
	char *fingerprint;	/* the leaf certificate's SHA-256 */
	char *pubkey;		/* its public key's SHA-256 */
	bool fallback;
	bool downgrade_memory;	/* the server was remembered (servers) */
	char *auth;		/* the mechanism that logged in */
	char *from;		/* the envelope sender */
	char *message_id;
	uint64_t size;		/* bytes of the message as the server got it */
	struct receipt_rcpt *rcpts;
	size_t nrcpts;
	int reply_code;		/* the server's answer to the message */
	char *reply_text;
	char *queue_id;		/* what that answer names, or NULL */
	char *outbox_id;	/* the outbox entry it was sent from, or NULL */
};

void receipt_free(struct receipt *r);	/* members and r */

/* One JSON object, no newline. */
void receipt_to_json(const struct receipt *r, struct buf *out);
/* The receipt an object holds; NULL with e when it is not one (no time,
 * no recipients). */
struct receipt *receipt_from_json(const struct json *j, struct err *e);

/* $XDG_STATE_HOME/missive/receipts.jsonl (caller frees). */
char *receipts_path(void);
/* Appends one line to path (NULL: receipts_path()), created 0600 with
 * its folder (0700); fsynced. */
int receipts_append(const char *path, const struct receipt *r, struct err *e);

/* What a read skipped: lines that are not receipts (how many, the
 * first's number), and whether the last line was cut short (a missive
 * stopped while writing it). */
struct receipts_skipped {
	size_t bad, first_bad;
	bool torn;
};

/* Calls fn for each receipt of path (NULL: receipts_path()), oldest
 * first, with the parsed line too; fn returns 0 to go on. Returns 0, 1
 * when there is no file, -1 with e. */
typedef int (*receipt_fn)(void *arg, const struct receipt *r,
    const struct json *line);
int receipts_read(const char *path, receipt_fn fn, void *arg,
    struct receipts_skipped *sk, struct err *e);

#endif
