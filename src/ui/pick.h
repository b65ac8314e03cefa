/* The profile and theme pickers. UI thread. */
#ifndef MISSIVE_PICK_H
#define MISSIVE_PICK_H

#include "ui/state.h"

extern const struct mode profiles_mode, themes_mode;

#endif
