/* Words for what the engine reports, in one place for the composer's
 * status pane and the command line's stderr: one line per event, the
 * verdict of a finished send or probe with what to do next, TLS policies
 * and certificate problems in plain words, sizes and the progress bar.
 * Pure functions; every piece of server text is escaped here. */
#ifndef MISSIVE_EXPLAIN_H
#define MISSIVE_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "net/event.h"

enum sev { SEV_INFO, SEV_OK, SEV_WARN, SEV_ERROR, SEV_CLIENT };

/* Who reads the advice: the composer's user fixes fields and profile
 * keys; a command line's user fixes options. */
/* FOR_QUEUE: the sendmail interface and the outbox, on the command line
 * but with no session options to suggest (a profile's settings only). */
enum explain_for { FOR_COMPOSER, FOR_CLI, FOR_QUEUE };

/* The symbol shown before a line, so meaning never rests on colour
 * alone: ✓ ✗ ! · → (ASCII + x ! . > without UTF-8). */
const char *explain_symbol(enum sev s, bool utf8);
/* One line for ev (caller frees), or NULL for events shown elsewhere
 * (dialogue lines, DATA progress, the result). */
char *explain_event(const struct event *ev, enum sev *sev);
/* The verdict for a finished send (or probe): "Sent to 2 recipients over
 * TLS 1.3 (verified)" or "Not sent: <why>. <what to do next>". */
char *explain_verdict(const struct result *r, bool probe,
    enum explain_for who, enum sev *sev);
/* Why a send or probe failed and what to do next ("<why>. <next>"): the
 * words of the verdict, and of JSON error.message and result.message.
 * From the result's reason and detail, its TLS record's verification
 * code, the server's enhanced status code, the port and policy. json:
 * untrusted text is left raw for the JSON encoder; else escaped. */
char *explain_failure(const struct result *r, bool probe,
    enum explain_for who, bool json);
/* What to do next after a failure with this JSON reason word ("" when
 * there is nothing to add). */
const char *explain_hint(const char *reason, enum explain_for who);
/* A TLS policy ("starttls: STARTTLS required; never plain text"). */
const char *explain_policy(int policy);
/* Why a certificate was not verified, in words: the missing
 * intermediate and its issuer, the names a certificate for another name
 * has, since when one expired, a pin that does not match. */
char *explain_cert(const struct tls_info *ti, bool json);
/* Whether pinning is advice for this refused certificate: never for an
 * expired, not yet valid, badly signed or weak one. */
bool explain_cert_pinnable(const struct tls_info *ti);
/* The words of an RFC 3463 enhanced status code ("5.1.1": "the mailbox
 * does not exist"; a subject's words for a code the table lacks), or
 * NULL. */
const char *explain_enhanced(const char *enh);
/* One line of a session's timeline: the stage, its seconds and a bar of
 * up to barw cells scaled to longest. */
char *explain_stage(const struct tl_span *sp, double longest, int barw,
    bool utf8);
/* The longest span of a timeline (for the scale). */
double explain_stages_longest(const struct result *r);
/* "TLSv1.3" -> "TLS 1.3" (caller frees). */
char *explain_tls_version(const char *v);
/* "1.5 MiB" (caller frees). */
char *explain_size(uint64_t bytes);
/* A bar with percent, bytes and rate that fits width columns. */
char *explain_progress(uint64_t sent, uint64_t total, double secs, int width,
    bool utf8);

#endif
