/* The outbox: $XDG_DATA_HOME/missive/outbox/ (0700), one entry per
 * message waiting to be sent, in two files named by its ID:
 *
 *   ID.msg  the message exactly as the engine sends it (mail/rawmsg.c's
 *           form: CRLF, Bcc removed), 0600, written once and fsynced;
 *   ID.env  its envelope, profile and state: small "key: value" lines,
 *           replaced atomically (temp file, fsync, rename, fsync of the
 *           folder) at every change.
 *
 * An entry exists from the moment its ID.env does, and that is written
 * only after ID.msg is complete and fsynced. A process working on an
 * entry holds flock(2) on its ID.msg, which is never replaced, so two
 * processes never send one entry and the claim dies with the process,
 * however it ends. The format is in doc/design.md (Files). What an entry
 * means for a send is app/deliver.c's; this is only the files. No
 * terminal; any thread. */
#ifndef MISSIVE_OUTBOX_H
#define MISSIVE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/err.h"

#define OUTBOX_ID_LEN	8	/* lower-case letters and digits */

enum outbox_state {
	OB_QUEUED,	/* waiting for its next try */
	OB_UNCERTAIN,	/* maybe sent: the message was complete on the wire
			 * and no answer came; tried again only when the
			 * user says so */
	OB_HELD,	/* refused for a reason that is the user's to fix;
			 * tried again only when the user says so */
};

struct outbox_meta {
	char id[OUTBOX_ID_LEN + 1];
	enum outbox_state state;
	char *profile;		/* the profile it is sent with */
	char *via;		/* "sendmail", "send", "composer" */
	char *env_from;		/* the envelope sender; "" is <> */
	char **rcpt;		/* the envelope recipients */
	size_t nrcpt;
	char *message_id;	/* "<...>" */
	char *from, *to, *subject;	/* header values as sent, or NULL */
	uint64_t size;		/* ID.msg's size */
	bool eight_bit, head_8bit;	/* see rawmsg_out */
	time_t created, next_try, last_try;	/* last_try 0: never tried */
	unsigned attempts;
	char *last_reason;	/* the JSON reason word of the last failure */
	char *last_error;	/* its message */
	bool busy;		/* outbox_list: held by a running process */
	long long order;	/* outbox_list: its message's mtime in ns (the
				 * order of entries made within a second) */
};

/* Frees the members (not m); a zeroed meta is fine. */
void outbox_meta_free(struct outbox_meta *m);
/* "queued", "uncertain", "held". */
const char *outbox_state_name(enum outbox_state s);
/* Whether s is an ID as outbox_new makes them. */
bool outbox_id_ok(const char *s);

/* $XDG_DATA_HOME/missive/outbox (caller frees). */
char *outbox_dir(void);

struct outbox_entry;

/* Starts a new entry in dir (made 0700 with its parents): ID.msg is
 * created empty, 0600, and held; *fd is where to write the message.
 * NULL with e (reason "local"). */
struct outbox_entry *outbox_new(const char *dir, int *fd, struct err *e);
/* The new entry's message is written: fsyncs it, then writes ID.env
 * from outbox_meta(en) (id, created filled in). From here on the entry
 * exists. -1 with e. */
int outbox_commit(struct outbox_entry *en, struct err *e);

/* Holds the entry id of dir: 0 with *en; 1 when another process holds
 * it; 2 when there is no such entry (or it went while we waited);
 * -1 with e. */
int outbox_open(const char *dir, const char *id, struct outbox_entry **en,
    struct err *e);

/* The held entry's meta, to read and change (then outbox_save). */
struct outbox_meta *outbox_meta(struct outbox_entry *en);
/* The path of its message (owned by en). */
const char *outbox_msg_path(const struct outbox_entry *en);
/* Writes its meta to ID.env atomically, fsynced: when this returns 0 the
 * new state survives a crash. */
int outbox_save(struct outbox_entry *en, struct err *e);
/* Removes the entry: ID.env first (fsynced), then ID.msg. */
int outbox_remove(struct outbox_entry *en, struct err *e);
/* Lets go of the entry and frees en; a new entry not committed is
 * removed. NULL is fine. */
void outbox_close(struct outbox_entry *en);

/* Every entry of dir, oldest first, read without holding them (busy
 * says which a running process holds). Leftovers of a process that died
 * while making an entry (an ID.msg without ID.env that nobody holds, a
 * temporary file) are removed. Returns the count, with *v to free with
 * outbox_list_free; -1 with e when the folder cannot be read (a folder
 * that does not exist is an empty outbox). */
ssize_t outbox_list(const char *dir, struct outbox_meta **v, struct err *e);
void outbox_list_free(struct outbox_meta *v, size_t n);

/* Seconds to wait before the try after attempts failed ones: a minute,
 * doubling, at most an hour. */
unsigned outbox_backoff(unsigned attempts);

#endif
