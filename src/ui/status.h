/* Words for the status pane: one line per engine event, the final
 * verdict with what to do next, and the DATA progress bar. Pure functions
 * (no curses); every piece of server text is escaped here. */
#ifndef MISSIVE_STATUS_H
#define MISSIVE_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "net/event.h"

enum sev { SEV_INFO, SEV_OK, SEV_WARN, SEV_ERROR, SEV_CLIENT };

/* The symbol shown before a line, so meaning never rests on colour
 * alone: ✓ ✗ ! · → (ASCII + x ! . > without UTF-8). */
const char *status_symbol(enum sev s, bool utf8);
/* One line for ev (caller frees), or NULL for events shown elsewhere
 * (dialogue lines, DATA progress, the result). */
char *status_event_text(const struct event *ev, enum sev *sev);
/* The verdict for a finished send (or probe): "Sent to 2 recipients over
 * TLS 1.3 (verified)" or "Not sent: <why>. <what to do next>". */
char *status_verdict(const struct result *r, bool probe, enum sev *sev);
/* What to do next after a failure with this JSON reason word. */
const char *status_hint(const char *reason);
/* "TLSv1.3" -> "TLS 1.3" (caller frees). */
char *status_tls_version(const char *v);
/* "1.5 MiB" (caller frees). */
char *status_size(uint64_t bytes);
/* A bar with percent, bytes and rate that fits width columns. */
char *status_progress(uint64_t sent, uint64_t total, double secs, int width,
    bool utf8);

#endif
