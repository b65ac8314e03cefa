/* gettext wrappers: every user-visible string goes through _() or N_(). */
#ifndef MISSIVE_I18N_H
#define MISSIVE_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* A msgid with a context, for words that mean two things ("Subject" of a
 * mail, "Subject" of a certificate). */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)

/* The user's locale, and missive's catalogues: in LOCALEDIR, or in
 * $MISSIVE_LOCALEDIR (tests use catalogues built but not installed).
 * First thing in main(). */
void i18n_init(void);

static inline const char *
i18n_pgettext(const char *key, const char *s)
{
	const char *t = gettext(key);

	return t == key ? s : t;
}

#endif
