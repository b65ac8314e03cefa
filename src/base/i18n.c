/* The locale and the message catalogues (see i18n.h). */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "base/i18n.h"

void
i18n_init(void)
{
	const char *dir = getenv("MISSIVE_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* Without a catalogue the messages are in English: nothing to do
	 * when these fail. */
	(void)bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
	(void)textdomain(PACKAGE);
}
