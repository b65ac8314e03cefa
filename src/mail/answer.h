/* Answering a received message (mail/parse.h): the subject of a reply or
 * a forward, the References chain (RFC 5322 3.6.4), whom a reply goes to,
 * the body quoted under an attribution line, and a message forwarded in
 * the body. Pure; any thread. */
#ifndef MISSIVE_ANSWER_H
#define MISSIVE_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

struct mparse;

#define ANSWER_MAX_REFS	30	/* message IDs kept in References */

/* The subject with one "Re: " (forward: "Fwd: ") in front: the reply
 * prefixes already there (Re:, RE:, Aw:, Sv:, Antw:, Vs:, Ref:, Re[2]:,
 * Fwd:, Fw:, Wg: ... in any case, repeated) are taken off first. subject
 * may be NULL. Caller frees. */
char *answer_subject(const char *subject, bool forward);

/* The References of a reply to a message with these fields (each may be
 * NULL): its References (or, without them, its In-Reply-To when that
 * holds one ID) and then its Message-ID, as "<a@b> <c@d>"; when that
 * makes more than ANSWER_MAX_REFS IDs, the first and the newest are kept.
 * NULL when there is no ID at all. Caller frees. */
char *answer_references(const char *references, const char *in_reply_to,
    const char *msgid);
/* The Message-ID field's ID ("<a@b>"), or NULL when it holds none.
 * Caller frees. */
char *answer_msgid(const char *field);

/* Whom a reply goes to, as comma-separated lists to put in To and Cc
 * (display names decoded; *cc is NULL when empty). To is the message's
 * Reply-To, else its From; with all, also its other recipients (To
 * into To, Cc into Cc). The user's own addresses (own[0..nown), bare,
 * ASCII case ignored) never appear; a reply to the user's own message
 * goes to that message's To. Every address once. Caller frees. */
void answer_recipients(const struct mparse *p, bool all,
    const char *const *own, size_t nown, char **to, char **cc);
/* Which of own[0..nown) the message was sent to (To, Cc, Delivered-To,
 * X-Original-To): its index, or -1. */
int answer_addressed_to(const struct mparse *p, const char *const *own,
    size_t nown);

/* The text quoted for a reply: its own signature (from a "-- " line on)
 * dropped, blank lines at the end dropped, every line given "> " (">"
 * before a line already quoted, so that levels stay ">>"). Caller frees. */
char *answer_quote(const char *text);
/* The line above the quote: "On DATE, NAME wrote:" with the message's
 * Date as it is and the sender's name (or address), in the user's
 * language. Caller frees. */
char *answer_attribution(const struct mparse *p);

/* A forward's body: a "Forwarded message" line, the original's From,
 * Date, Subject, To and Cc, a blank line and its text. Caller frees. */
char *answer_forward_text(const struct mparse *p);

/* "Name <addr>" as a person types it: the name quoted when it holds a
 * special character. name may be NULL. Caller frees. */
char *answer_typed_addr(const char *name, const char *spec);

#endif
