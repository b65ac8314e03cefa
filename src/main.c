/* missive: compose and send mail from the terminal. The commands without
 * a screen (send, probe, sendmail, outbox, ...) run here; every other
 * command line is the composer's, a program of its own (src/composer.c,
 * the only one linked to ncurses), which this one becomes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "cli/cli.h"
#include "net/tls.h"

#define COMPOSER	"missive-compose"

/* Becomes the composer with these arguments: the one beside this program
 * when there is one (a build tree, or an installed copy kept together),
 * else the installed one. Returns only when it cannot be run. */
static int
compose_exec(char **argv)
{
	char *self = self_path(), *slash, *path = NULL;
	int saved;

	if (self != NULL && (slash = strrchr(self, '/')) != NULL) {
		*slash = '\0';
		path = xasprintf("%s/" COMPOSER, self);
		if (access(path, X_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	free(self);
	if (path == NULL)
		path = xstrdup(PKGLIBEXECDIR "/" COMPOSER);
	execv(path, argv);
	saved = errno;
	/* The composer sets up the locale itself: only this message needs it. */
	i18n_init();
	fprintf(stderr, _("missive: cannot start the composer %s: %s\n"), path,
	    strerror(saved));
	free(path);
	return 1;
}

int
main(int argc, char **argv)
{
	int skip, status;
	cli_main_fn run = cli_command(argc, argv, &skip);

	if (run == NULL)
		return compose_exec(argv);
	i18n_init();
	if (tls_init() == -1) {
		fputs(_("missive: cannot initialise wolfSSL\n"), stderr);
		return 1;
	}
	status = run(argc - skip, argv + skip);
	tls_cleanup();
	return status;
}
