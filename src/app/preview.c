/* --dry-run's output; see preview.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/preview.h"
#include "base/i18n.h"
#include "mail/msg.h"

int
preview_print(struct msg *m, struct err *e)
{
	char buf[65536];
	ssize_t n;
	size_t i;

	if (msg_start(m, MSG_8BIT | (msg_needs_smtputf8(m) ? MSG_UTF8 : 0), e) == -1)
		return -1;
	while ((n = msg_read(m, buf, sizeof buf, e)) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return err_set(e, _("cannot write to stdout: %s"), strerror(errno));
	if (n < 0 || fflush(stdout) == EOF)
		return -1;
	/* What the server would be told, Bcc included: on stderr, so that
	 * stdout stays the message. */
	fprintf(stderr, "%s\n", _("missive: dry run, nothing was sent; the "
	    "envelope would be:"));
	fprintf(stderr, "  MAIL FROM:<%s>\n", msg_env_from(m));
	for (i = 0; i < msg_env_count(m); i++) {
		const char *f = msg_env_field(m, i);

		if (strcmp(f, "Bcc") == 0)
			fprintf(stderr, "  RCPT TO:<%s>  (%s)\n", msg_env_rcpt(m, i),
			    _("Bcc: not in the message's header"));
		else
			fprintf(stderr, "  RCPT TO:<%s>  (%s)\n", msg_env_rcpt(m, i), f);
	}
	return 0;
}
