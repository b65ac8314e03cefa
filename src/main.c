/* missive: compose and send mail from the terminal. The commands without
 * a screen (send, probe, sendmail, outbox, ...) run here; every other
 * command line is the composer's, a program of its own (src/composer.c,
 * the only one linked to ncurses), which this one becomes. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "cli/cli.h"
#include "net/tls.h"

#define COMPOSER	"missive-compose"

/* Becomes the composer with these arguments: the one beside this program
 * when there is one (a build tree, or an installed copy kept together),
 * else the installed one. Returns only when neither can be run. */
static int
compose_exec(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + sizeof COMPOSER];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/" COMPOSER, self);
			if (access(path, X_OK) == 0) {
				execv(path, argv);
				fprintf(stderr, _("missive: cannot start the composer %s: %s\n"),
				    path, strerror(errno));
				return 1;
			}
		}
	}
	execv(PKGLIBEXECDIR "/" COMPOSER, argv);
	fprintf(stderr, _("missive: cannot start the composer %s: %s\n"),
	    PKGLIBEXECDIR "/" COMPOSER, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	int skip, status;
	cli_main_fn run = cli_command(argc, argv, &skip);

	i18n_init();
	if (run == NULL)
		return compose_exec(argv);
	if (tls_init() == -1) {
		fputs(_("missive: cannot initialise wolfSSL\n"), stderr);
		return 1;
	}
	status = run(argc - skip, argv + skip);
	tls_cleanup();
	return status;
}
