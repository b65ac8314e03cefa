/* Answering a message file, for the composer: a reply (whom to, the
 * subject, In-Reply-To and References, the quoted text, the profile the
 * message was sent to) or a forward (inline, or the original attached as
 * message/rfc822 from a copy kept in the data folder, so that a draft of
 * it survives). No terminal. */
#ifndef MISSIVE_RESPOND_H
#define MISSIVE_RESPOND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "store/profile.h"

struct respond {
	char *to, *cc;			/* comma-separated, or NULL */
	char *subject;
	char *body;			/* attribution and quote, or the text */
	char *in_reply_to, *references;	/* a reply's, else NULL */
	char *attach;			/* a forward's copy of the message */
	const struct profile *prof;	/* the profile it was sent to, or NULL */
	size_t left_out;		/* inline forward: attachments not in it */
};

/* Reads the message at path ("-": standard input) whole, at most
 * MPARSE_MAX bytes. -1 with e naming the file. */
int respond_read(const char *path, char **data, size_t *len, struct err *e);

/* A reply to the message data[0..len) (all: to all its recipients); the
 * user's addresses are every profile's from and the alternates of each
 * and of [missive]. -1 with e when data is not a message. */
int respond_reply(const char *data, size_t len, bool all,
    const struct profiles *ps, struct respond *r, struct err *e);
/* A forward of it: its text in the body (inline), or the message saved
 * in $XDG_DATA_HOME/missive/forward/ to be attached. */
int respond_forward(const char *data, size_t len, bool inline_text,
    const struct profiles *ps, struct respond *r, struct err *e);
void respond_free(struct respond *r);

/* The folder of the forwarded messages' copies (caller frees). */
char *respond_forward_dir(void);

#endif
