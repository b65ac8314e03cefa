/* Secrets from a command (password_cmd): run by base/run.c (a process
 * group of its own, a deadline), its stdout taken as the secret, every
 * buffer that held it wiped. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/run.h"
#include "base/text.h"
#include "base/util.h"
#include "net/secret.h"

#define SECRET_MAX	16384	/* a password or an OAuth token fits */

int
secret_from_cmd(const char *cmd, int timeout, char **out, struct err *e)
{
	char *sec, *line, *shown;
	size_t slen;
	int rc = -1;

	*out = NULL;
	if (cmd == NULL || *cmd == '\0')
		return err_setr(e, "auth", "%s", _("password_cmd is empty"));
	/* The one runner of commands (base/run.c), wiping what it read. */
	if (run_cmd("password_cmd", "auth", cmd, NULL, NULL, timeout, SECRET_MAX,
	    true, &sec, &slen, &line, NULL, e) == -1)
		return -1;
	shown = str_escape(cmd, strlen(cmd));
	if (slen > 0 && sec[slen - 1] == '\n')
		sec[--slen] = '\0';
	if (slen == 0)
		err_setr(e, "auth", _("password_cmd `%s` printed nothing%s%s"),
		    shown, *line ? ": " : "", line);
	else if (strlen(sec) != slen)
		err_setr(e, "auth", _("password_cmd `%s` printed a NUL byte"),
		    shown);
	else {
		*out = xstrndup(sec, slen);
		rc = 0;
	}
	mem_wipe(sec, slen);
	free(sec);
	free(line);
	free(shown);
	return rc;
}
