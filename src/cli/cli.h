/* The commands that run without the UI. Each returns the process exit
 * status of doc/design.md (0, 1, 2 or 3). */
#ifndef MISSIVE_CLI_H
#define MISSIVE_CLI_H

int cli_send(int argc, char **argv);	/* argv[0] = "send" */
int cli_probe(int argc, char **argv);	/* argv[0] = "probe" */
int cli_profiles(int argc, char **argv);	/* argv[0] = "profiles" */
/* These two exit with sysexits.h statuses (doc/design.md). */
int cli_sendmail(int argc, char **argv);	/* argv[0] = "sendmail" */
int cli_outbox(int argc, char **argv);		/* argv[0] = "outbox" */
int cli_setup(int argc, char **argv);	/* argv[0] = "setup" */
int cli_servers(int argc, char **argv);		/* argv[0] = "servers" */
int cli_receipts(int argc, char **argv);	/* argv[0] = "receipts" */

typedef int (*cli_main_fn)(int argc, char **argv);
/* The command a command line names: argv[1] (send, probe, ...), or
 * sendmail when the program was called by that name (a link). *skip is
 * how many words of argv precede the command's own argv[0]. NULL: no
 * command, the composer's command line. The one list of the commands. */
cli_main_fn cli_command(int argc, char **argv, int *skip);

#endif
