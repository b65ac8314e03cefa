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

#endif
