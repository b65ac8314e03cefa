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
enum explain_for { FOR_COMPOSER, FOR_CLI };

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
/* What to do next after a failure with this JSON reason word ("" when
 * there is nothing to add). */
const char *explain_hint(const char *reason, enum explain_for who);
/* A TLS policy ("starttls: STARTTLS required; never plain text"). */
const char *explain_policy(int policy);
/* A certificate verification failure in plain words. */
const char *explain_verify(const char *verify_error);
/* "TLSv1.3" -> "TLS 1.3" (caller frees). */
char *explain_tls_version(const char *v);
/* "1.5 MiB" (caller frees). */
char *explain_size(uint64_t bytes);
/* A bar with percent, bytes and rate that fits width columns. */
char *explain_progress(uint64_t sent, uint64_t total, double secs, int width,
    bool utf8);

#endif
