/* The drafts list. UI thread. */
#ifndef MISSIVE_DRAFTS_H
#define MISSIVE_DRAFTS_H

#include "ui/state.h"

extern const struct mode drafts_mode;

#endif
