/* missive-compose: the composer, its own program so that only it is
 * linked to ncurses; missive (src/main.c) becomes it, with its own
 * arguments, for every command line that is not one of the commands
 * without a screen (send, probe, sendmail, ...). It runs those too, as
 * missive does: it starts itself for setup and for outbox flushes. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

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
"       missive reply [--all] [-p PROFILE] FILE\n"
"       missive forward [--inline] [-p PROFILE] [-a FILE]... FILE [ADDRESS]...\n"
"       missive send [OPTIONS] SERVER FROM TO...\n"
"       missive probe [OPTIONS] SERVER\n"
"       missive profiles [--check | --names | --import-msmtp [FILE]]\n"
"       missive setup [OPTIONS] [ADDRESS]\n"
"       missive sendmail [-p PROFILE] [-t] [-i] [-f ADDR] [--] [ADDRESS...]\n"
"       missive outbox [--json] | flush [--due] [--uncertain] [ID...]\n"
"       missive outbox show ID | drop ID...\n"
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
"  reply     answer a message file (- reads it from standard input)\n"
"  forward   forward a message file, attached or --inline\n"
"  send      send one message without the composer (missive send --help)\n"
"  probe     report a server's capabilities, TLS and certificate; sends no mail\n"
"  profiles  list and check saved profiles\n"
"  setup     find your server (DNS SRV, usual names), probe it, write a profile\n"
"  sendmail  send a finished message from standard input, as sendmail does\n"
"            (for mail readers, git send-email, cron); queued when the server\n"
"            cannot take it now\n"
"  outbox    the messages waiting to be sent: list, flush, show, drop\n"
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

enum { O_DEMO = 256, O_THEME, O_LIST_THEMES, O_ALL, O_INLINE, O_DRYRUN };

static void
answer_usage(FILE *f, bool forward, bool for_help)
{
	if (forward)
		fputs(for_help ? _("Usage: missive forward [--inline] [-p PROFILE] "
		    "[-a FILE]... [--dry-run]\n                       FILE [ADDRESS]...\n") :
		    _("Syntax: missive forward [--inline] [-p PROFILE] [-a FILE]... "
		    "[--dry-run]\n                        FILE [ADDRESS]...\n"), f);
	else
		fputs(for_help ? _("Usage: missive reply [--all] [-p PROFILE] "
		    "[--dry-run] FILE\n") : _("Syntax: missive reply [--all] "
		    "[-p PROFILE] [--dry-run] FILE\n"), f);
}

static void
answer_help(bool forward)
{
	answer_usage(stdout, forward, true);
	if (forward)
		fputs(_(
"Opens the composer with the message in FILE forwarded to the ADDRESSes (if\n"
"given): attached as it is (message/rfc822), or with --inline its text in the\n"
"body. FILE - reads the message from standard input, and the terminal from\n"
"/dev/tty.\n"
"\n"
"      --inline         the text in the body instead of the message attached\n"
"  -p, --profile NAME   send from this profile (default: the profile of the\n"
"                       address the message was sent to)\n"
"  -a, --attach FILE    attach FILE too (repeatable)\n"
"      --theme NAME     colour theme\n"
"      --dry-run        print the message as the composer would start with it,\n"
"                       and its envelope on stderr; no composer, nothing sent\n"
"  -h, --help           this help\n"), stdout);
	else
		fputs(_(
"Opens the composer with a reply to the message in FILE: To its Reply-To or\n"
"From, Subject \"Re: ...\", In-Reply-To and References for threading, and its\n"
"text quoted. FILE - reads the message from standard input (mutt's\n"
"pipe-message, aerc, notmuch), and the terminal from /dev/tty.\n"
"\n"
"      --all            to all its recipients too, but not to you (every\n"
"                       profile's from and alternates)\n"
"  -p, --profile NAME   send from this profile (default: the profile of the\n"
"                       address the message was sent to)\n"
"      --theme NAME     colour theme\n"
"      --dry-run        print the message as the composer would start with it,\n"
"                       and its envelope on stderr; no composer, nothing sent\n"
"  -h, --help           this help\n"), stdout);
}

/* -a FILE, again and again: a NULL-terminated list. */
static void
attach_add(const char ***v, size_t *n, const char *path)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = path;
	(*v)[*n] = NULL;
}

/* missive reply | forward: the composer with an answer to FILE. */
static int
answer_main(int argc, char **argv, bool forward)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "attach", required_argument, NULL, 'a' },
		{ "all", no_argument, NULL, O_ALL },
		{ "inline", no_argument, NULL, O_INLINE },
		{ "theme", required_argument, NULL, O_THEME },
		{ "dry-run", no_argument, NULL, O_DRYRUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ui_opts uo;
	const char **attach = NULL, *none[] = { NULL };
	size_t nattach = 0;
	int c, status;

	memset(&uo, 0, sizeof uo);
	uo.forward = forward;
	optind = 1;
	argv[0] = (char *)(forward ? "missive forward" : "missive reply");
	while ((c = getopt_long(argc, argv, forward ? "p:a:h" : "p:h", options,
	    NULL)) != -1) {
		switch (c) {
		case 'p': uo.profile = optarg; break;
		case 'a': attach_add(&attach, &nattach, optarg); break;
		case O_ALL:
			if (forward)
				goto bad;
			uo.all = true;
			break;
		case O_INLINE:
			if (!forward)
				goto bad;
			uo.inline_text = true;
			break;
		case O_THEME: uo.theme = optarg; break;
		case O_DRYRUN: uo.dry_run = true; break;
		case 'h':
			answer_help(forward);
			free(attach);
			return 0;
		default:
			goto bad;
		}
	}
	/* forward FILE [ADDRESS | mailto:URL]...: whom to forward it to. */
	if (argc - optind < 1 || (!forward && argc - optind > 1)) {
		fprintf(stderr, argc - optind == 0 ? _("missive: give the message "
		    "file, or - to read it from standard input\n") :
		    _("missive: one message file at a time\n"));
		goto bad;
	}
	uo.answer = argv[optind];
	uo.attach = attach;
	uo.args = forward ? (const char *const *)(argv + optind + 1) : none;
	status = ui_run(&uo);
	free(attach);
	return status;
bad:
	answer_usage(stderr, forward, false);
	fprintf(stderr, _("Try `missive %s --help' for more information.\n"),
	    forward ? "forward" : "reply");
	free(attach);
	return 2;
}

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
	int c, status, skip;
	cli_main_fn run;
#ifdef PR_SET_NAME
	/* ps, top and pgrep -x show missive, the program the user started
	 * (this one is exec'd by it); failing, they show missive-compose. */
	(void)prctl(PR_SET_NAME, "missive", 0, 0, 0);
#endif
	i18n_init();
	if (tls_init() == -1) {
		fputs(_("missive: cannot initialise wolfSSL\n"), stderr);
		return 1;
	}
	/* The commands too: the composer runs itself for the setup of a new
	 * profile and for outbox flushes in the background. */
	if ((run = cli_command(argc, argv, &skip)) != NULL)
		status = run(argc - skip, argv + skip);
	else if (argc > 1 && strcmp(argv[1], "reply") == 0)
		status = answer_main(argc - 1, argv + 1, false);
	else if (argc > 1 && strcmp(argv[1], "forward") == 0)
		status = answer_main(argc - 1, argv + 1, true);
	else {
		memset(&uo, 0, sizeof uo);
		while ((c = getopt_long(argc, argv, "p:s:a:hV", options, NULL)) != -1) {
			switch (c) {
			case 'p': uo.profile = optarg; break;
			case 's': uo.subject = optarg; break;
			case 'a': attach_add(&attach, &nattach, optarg); break;
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
