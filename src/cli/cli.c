/* Which command a command line names (see cli.h). */
#include "config.h"

#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	cli_main_fn run;
} commands[] = {
	{ "send", cli_send },
	{ "probe", cli_probe },
	{ "profiles", cli_profiles },
	{ "sendmail", cli_sendmail },
	{ "outbox", cli_outbox },
	{ "setup", cli_setup },
	{ "servers", cli_servers },
	{ "receipts", cli_receipts },
};

cli_main_fn
cli_command(int argc, char **argv, int *skip)
{
	const char *base = strrchr(argv[0], '/');

	base = base != NULL ? base + 1 : argv[0];
	/* Installed as /usr/sbin/sendmail (a link), missive is sendmail. */
	if (strcmp(base, "sendmail") == 0) {
		*skip = 0;
		return cli_sendmail;
	}
	if (argc > 1)
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(argv[1], commands[i].name) == 0) {
				*skip = 1;
				return commands[i].run;
			}
	return NULL;
}
