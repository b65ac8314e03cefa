/* missive: compose and send mail from the terminal. Dispatches to the
 * composer or to the send/probe/profiles commands. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "cli/cli.h"
#include "net/tls.h"
#include "ui/theme.h"
#include "ui/ui.h"

/* --help starts with "Usage:" (GNU); a usage error says "Syntax:". */
static void
usage(FILE *f, bool for_help)
{
	fputs(for_help ?
	    _("Usage: missive [-p PROFILE] [-s SUBJECT] [-a FILE]... "
	    "[ADDRESS | mailto:URL]...\n") :
	    _("Syntax: missive [-p PROFILE] [-s SUBJECT] [-a FILE]... "
	    "[ADDRESS | mailto:URL]...\n"), f);
}

static void
help(void)
{
	usage(stdout, true);
	fputs(_(
"       missive --demo\n"
"       missive send [OPTIONS] SERVER FROM TO...\n"
"       missive probe [OPTIONS] SERVER\n"
"       missive profiles [--check | --names | --import-msmtp [FILE]]\n"
"       missive servers [--json | --names]\n"
"       missive servers forget HOST[:PORT]\n"
"       missive receipts [--json] [--to ADDR] [--since DATE] [--unencrypted]\n"
"       missive --list-themes\n"
"       missive --help | --version\n"
"\n"
"Compose mail in the terminal and send it through your own SMTP server,\n"
"seeing every step: EHLO, STARTTLS, the TLS version and certificate, any\n"
"fallback, each recipient's answer.\n"
"\n"
"Composer:\n"
"  -p, --profile NAME   fill server and sender from a saved profile\n"
"  -s, --subject TEXT   subject\n"
"  -a, --attach FILE    attach FILE (repeatable)\n"
"      --theme NAME     colour theme\n"
"      --demo           compose against a local demo server (nothing leaves\n"
"                       this machine)\n"
"      --list-themes    the names --theme takes, one a line\n"
"  -h, --help           this help\n"
"  -V, --version        version and licence\n"
"\n"
"Commands:\n"
"  send      send one message without the composer (missive send --help)\n"
"  probe     report a server's capabilities, TLS and certificate; sends no mail\n"
"  profiles  list and check saved profiles\n"
"  servers   the servers remembered for doing TLS (downgrade protection)\n"
"  receipts  the receipts of the messages servers accepted\n"
"\n"
"Exit status: 0 sent, 1 not sent, 2 usage or configuration error,\n"
"3 sent to some recipients only.\n"), stdout);
}

static void
version(void)
{
	printf("missive %s\n", PACKAGE_VERSION);
	printf("TLS: %s\n", tls_library());
	fputs(_("License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
	    "This is free software: you are free to change and redistribute it.\n"
	    "There is NO WARRANTY, to the extent permitted by law.\n"), stdout);
}

/* One theme name a line and nothing else, for scripts and completion. */
static int
list_themes(void)
{
	char **v;
	size_t n, i;

	v = theme_list(&n);
	for (i = 0; i < n; i++)
		puts(v[i]);
	strv_free(v, n);
	if (fflush(stdout) == EOF) {
		perror("missive: --list-themes");
		return 1;
	}
	return 0;
}

enum { O_DEMO = 256, O_THEME, O_LIST_THEMES };

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "subject", required_argument, NULL, 's' },
		{ "attach", required_argument, NULL, 'a' },
		{ "theme", required_argument, NULL, O_THEME },
		{ "demo", no_argument, NULL, O_DEMO },
		{ "list-themes", no_argument, NULL, O_LIST_THEMES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ui_opts uo;
	const char **attach = NULL;
	size_t nattach = 0;
	int c, status;

	const char *localedir = getenv("MISSIVE_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* The override lets tests use catalogues built but not installed. */
	bindtextdomain(PACKAGE, localedir != NULL && *localedir != '\0' ?
	    localedir : LOCALEDIR);
	textdomain(PACKAGE);
	if (tls_init() == -1) {
		fputs(_("missive: cannot initialise wolfSSL\n"), stderr);
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "send") == 0)
		status = cli_send(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "probe") == 0)
		status = cli_probe(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "profiles") == 0)
		status = cli_profiles(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "servers") == 0)
		status = cli_servers(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "receipts") == 0)
		status = cli_receipts(argc - 1, argv + 1);
	else {
		memset(&uo, 0, sizeof uo);
		while ((c = getopt_long(argc, argv, "p:s:a:hV", options, NULL)) != -1) {
			switch (c) {
			case 'p': uo.profile = optarg; break;
			case 's': uo.subject = optarg; break;
			case 'a':
				attach = xrealloc(attach, (nattach + 2) * sizeof *attach);
				attach[nattach++] = optarg;
				attach[nattach] = NULL;
				break;
			case O_THEME: uo.theme = optarg; break;
			case O_DEMO: uo.demo = true; break;
			case 'h': help(); tls_cleanup(); return 0;
			case 'V': version(); tls_cleanup(); return 0;
			case O_LIST_THEMES:
				status = list_themes();
				tls_cleanup();
				free(attach);
				return status;
			default:
				usage(stderr, false);
				fputs(_("Try `missive --help' for more information.\n"), stderr);
				tls_cleanup();
				return 2;
			}
		}
		uo.attach = attach;
		uo.args = (const char *const *)(argv + optind);
		status = ui_run(&uo);
		free(attach);
	}
	tls_cleanup();
	return status;
}
