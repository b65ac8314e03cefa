/* `missive profiles`: lists the saved profiles as a table, checks every
 * profile file (--check), and imports msmtp accounts (--import-msmtp). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "net/smtp.h"
#include "store/profile.h"

#define EXIT_CONFIG 2

/* --help starts with "Usage:" (GNU); a usage error says "Syntax:" and
 * points at --help. */
static void
usage(FILE *f, bool for_help)
{
	fputs(for_help ?
	    _("Usage: missive profiles [--check | --names]\n"
	    "       missive profiles --import-msmtp [FILE] [--force]\n") :
	    _("Syntax: missive profiles [--check | --names]\n"
	    "       missive profiles --import-msmtp [FILE] [--force]\n"), f);
	if (!for_help)
		fprintf(f, _("Try `missive %s --help' for more information.\n"),
		    "profiles");
}

static void
help(void)
{
	char *dir = profiles_dir();

	usage(stdout, true);
	printf(_("\n"
"Lists the saved profiles: name (the default one marked with *), server,\n"
"TLS policy, user and sender.\n"
"\n"
"  --check               check every profile file; print each problem with\n"
"                        its file and line; exit 2 when there is one\n"
"  --names               only the profile names, one a line (for scripts and\n"
"                        shell completion)\n"
"  --import-msmtp [FILE] turn the accounts of an msmtp configuration\n"
"                        (default ~/.msmtprc) into profiles; passwords are\n"
"                        not imported (use password_cmd)\n"
"  --force               with --import-msmtp: replace profiles of the same name\n"
"  -h, --help            this help\n"
"\n"
"Profiles are read from %s/profiles.ini\n"
"and %s/profiles.d/*.ini.\n"), dir, dir);
	free(dir);
}

/* The TLS policy a profile leads to: its own, or the one its port gives
 * (shown in parentheses). */
static char *
tls_shown(const struct profile *p)
{
	enum tls_mode mode = TLS_OPPORTUNISTIC;
	struct err e;
	char *host = NULL;
	int port;

	if (p->tls >= 0)
		return xstrdup(tls_mode_name((enum tls_mode)p->tls));
	if (p->server == NULL)
		return xstrdup("-");
	if (smtp_server_parse(p->server, false, &host, &port, &mode, &e) == -1)
		return xstrdup("-");
	free(host);
	return xasprintf("(%s)", tls_mode_name(mode));
}

static void
no_profiles(void)
{
	char *dir = profiles_dir();

	printf(_("No profiles yet. Create %s/profiles.ini, for example:\n"
"\n"
"    [work]\n"
"    server = smtp.example.org:587\n"
"    tls = starttls\n"
"    user = me@example.org\n"
"    password_cmd = pass show mail/work\n"
"    from = My Name <me@example.org>\n"
"\n"
"or import msmtp's accounts with `missive profiles --import-msmtp`.\n"),
	    dir);
	free(dir);
}

static int
list(void)
{
	enum { C_NAME, C_SERVER, C_TLS, C_USER, C_FROM, NCOL };
	const char *head[NCOL];
	const struct profile *p, *def;
	struct profiles *ps;
	struct err e;
	char ***cells;
	size_t width[NCOL], i, n, c;

	err_clear(&e);
	if ((ps = profiles_load(NULL, &e)) == NULL) {
		fprintf(stderr, "missive: %s\n", e.msg);
		return EXIT_CONFIG;
	}
	if ((n = profiles_count(ps)) == 0) {
		no_profiles();
		profiles_free(ps);
		return 0;
	}
	head[C_NAME] = _("PROFILE");
	head[C_SERVER] = _("SERVER");
	head[C_TLS] = _("TLS");
	head[C_USER] = _("USER");
	head[C_FROM] = _("FROM");
	def = profiles_default(ps);
	cells = xcalloc(n, sizeof *cells);
	for (c = 0; c < NCOL; c++)
		width[c] = text_width(head[c]);
	for (i = 0; i < n; i++) {
		p = profiles_get(ps, i);
		cells[i] = xcalloc(NCOL, sizeof **cells);
		cells[i][C_NAME] = xstrdup(p->name);
		cells[i][C_SERVER] = xstrdup(p->server != NULL ? p->server : "-");
		cells[i][C_TLS] = tls_shown(p);
		cells[i][C_USER] = xstrdup(p->user != NULL ? p->user : "-");
		cells[i][C_FROM] = xstrdup(p->from != NULL ? p->from : "-");
		for (c = 0; c < NCOL; c++) {
			/* Profile files are the user's own, but a terminal
			 * gets no control bytes from them. */
			char *esc = str_escape(cells[i][c], strlen(cells[i][c]));

			free(cells[i][c]);
			cells[i][c] = esc;
			if (text_width(esc) > width[c])
				width[c] = text_width(esc);
		}
	}
	fputs("  ", stdout);
	for (c = 0; c < NCOL; c++)
		print_cell(head[c], width[c], c == NCOL - 1);
	putchar('\n');
	for (i = 0; i < n; i++) {
		fputs(profiles_get(ps, i) == def ? "* " : "  ", stdout);
		for (c = 0; c < NCOL; c++) {
			print_cell(cells[i][c], width[c], c == NCOL - 1);
			free(cells[i][c]);
		}
		putchar('\n');
		free(cells[i]);
	}
	free(cells);
	profiles_free(ps);
	return 0;
}

/* One name a line and nothing else: for scripts and shell completion. */
static int
names(void)
{
	struct profiles *ps;
	struct err e;
	size_t i, n;

	err_clear(&e);
	if ((ps = profiles_load(NULL, &e)) == NULL) {
		fprintf(stderr, "missive: %s\n", e.msg);
		return EXIT_CONFIG;
	}
	n = profiles_count(ps);
	for (i = 0; i < n; i++)
		puts(profiles_get(ps, i)->name);
	profiles_free(ps);
	if (fflush(stdout) == EOF) {
		perror("missive: profiles --names");
		return 1;
	}
	return 0;
}

static void
report_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static int
check(void)
{
	struct profiles *ps;
	struct err e;
	size_t n;

	err_clear(&e);
	if ((ps = profiles_load_all(NULL, true, report_stderr, NULL, &e)) == NULL)
		return EXIT_CONFIG;
	n = profiles_count(ps);
	printf(ngettext("%zu profile OK\n", "%zu profiles OK\n", n), n);
	profiles_free(ps);
	return 0;
}

static void
report_warning(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, _("warning: %s\n"), msg);
}

static int
import_msmtp(const char *file, bool force)
{
	struct msmtp_import im;
	struct profiles *ps;
	const struct profile *p;
	struct err e;
	char *path, *dir;
	size_t i, made = 0;
	int status = 0;
	bool have_default = false;

	err_clear(&e);
	if ((ps = profiles_load(NULL, &e)) == NULL) {
		fprintf(stderr, "missive: %s\n", e.msg);
		fputs(_("missive: fix the profiles first; nothing imported\n"),
		    stderr);
		return EXIT_CONFIG;
	}
	if (file != NULL)
		path = xstrdup(file);
	else
		path = xasprintf("%s/.msmtprc",
		    getenv("HOME") != NULL ? getenv("HOME") : "");
	if (profiles_import_msmtp(path, &im, report_warning, NULL, &e) == -1) {
		fprintf(stderr, "missive: %s\n", e.msg);
		free(path);
		profiles_free(ps);
		return EXIT_CONFIG;
	}
	dir = profiles_dir();
	for (i = 0; i < im.n; i++) {
		p = &im.v[i];
		if (profiles_find(ps, p->name) != NULL && !force) {
			printf(_("skipped %s: a profile of that name exists (--force replaces it)\n"),
			    p->name);
			continue;
		}
		if (profiles_save(dir, p, &e) == -1) {
			fprintf(stderr, _("missive: %s: not imported: %s\n"),
			    p->name, e.msg);
			status = EXIT_CONFIG;
			continue;
		}
		printf(profiles_find(ps, p->name) != NULL ?
		    _("replaced profile %s: %s, tls %s\n") :
		    _("created profile %s: %s, tls %s\n"),
		    p->name, p->server, tls_mode_name((enum tls_mode)p->tls));
		made++;
		if (im.default_name != NULL &&
		    strcmp(im.default_name, p->name) == 0)
			have_default = true;
	}
	/* msmtp's default account becomes the default profile, unless one
	 * is set already. */
	if (have_default && (profiles_default_name(ps) == NULL || force)) {
		if (profiles_set_default(dir, im.default_name, &e) == -1) {
			fprintf(stderr, "missive: %s\n", e.msg);
			status = EXIT_CONFIG;
		} else
			printf(_("default profile: %s\n"), im.default_name);
	}
	if (made == 0 && status == 0)
		printf(_("No profiles imported from %s.\n"), path);
	else if (made > 0)
		printf(ngettext("Imported %zu profile into %s/profiles.ini.\n",
		    "Imported %zu profiles into %s/profiles.ini.\n", made), made,
		    dir);
	msmtp_import_free(&im);
	profiles_free(ps);
	free(path);
	free(dir);
	return status;
}

int
cli_profiles(int argc, char **argv)
{
	const char *file = NULL;
	bool do_check = false, do_import = false, do_names = false, force = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check") == 0)
			do_check = true;
		else if (strcmp(argv[i], "--names") == 0)
			do_names = true;
		else if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (strcmp(argv[i], "--import-msmtp") == 0) {
			do_import = true;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				file = argv[++i];
		} else if (strncmp(argv[i], "--import-msmtp=", 15) == 0) {
			do_import = true;
			file = argv[i] + 15;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			help();
			return 0;
		} else {
			fprintf(stderr, _("missive profiles: unknown argument `%s`\n"),
			    argv[i]);
			usage(stderr, false);
			return EXIT_CONFIG;
		}
	}
	if (do_check + do_import + do_names > 1 || (force && !do_import)) {
		usage(stderr, false);
		return EXIT_CONFIG;
	}
	if (do_names)
		return names();
	if (do_check)
		return check();
	if (do_import)
		return import_msmtp(file, force);
	return list();
}
