/* gettext wrappers: every user-visible string goes through _() or N_(). */
#ifndef MISSIVE_I18N_H
#define MISSIVE_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
