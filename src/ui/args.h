/* Composer arguments: bare addresses and mailto: URLs (RFC 6068) turned
 * into the To, Cc, Bcc, Subject and body the composer starts with. Pure. */
#ifndef MISSIVE_ARGS_H
#define MISSIVE_ARGS_H

#include "base/err.h"

struct prefill {
	char *to, *cc, *bcc;	/* comma-separated, or NULL */
	char *subject, *body;	/* or NULL */
	char *in_reply_to;	/* the message a link answers, or NULL */
};

/* Adds one argument: "addr", "Name <addr>" or "mailto:...". -1 with e
 * set on a malformed URL (a bad %-escape). */
int prefill_add(struct prefill *p, const char *arg, struct err *e);
void prefill_free(struct prefill *p);

#endif
