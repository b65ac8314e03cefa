/* The pagers over the composer: help (every key), TLS diagnostics (the
 * policy, what was negotiated, the chain; p probes), and the SMTP
 * dialogue of the last send or probe. Scrolled by screen rows, so the
 * last line is always reachable however lines wrap. UI thread. */
#ifndef MISSIVE_PAGER_H
#define MISSIVE_PAGER_H

#include "ui/state.h"

extern const struct mode help_mode, tls_mode, dialogue_mode, receipt_mode;

#endif
