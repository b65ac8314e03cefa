/* `missive setup [OPTIONS] [ADDRESS]`: finds the address's submission
 * servers (app/setup.c), probes them (app/ports.c), shows what each
 * offers, asks on the terminal what the options did not say, and writes
 * the profile. Plain stdio questions, so that it works anywhere and the
 * composer can run it as it runs the editor. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/ports.h"
#include "app/setup.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/ports.h"
#include "net/secret.h"
#include "net/server.h"
#include "net/smtp.h"
#include "store/profile.h"

enum {
	S_SERVER = 256, S_USER, S_PASSCMD, S_ASKPASS, S_NAME, S_FULLNAME,
	S_DEFAULT, S_NODEFAULT, S_CAFILE, S_TIMEOUT, S_YES, S_NAMEFD,
};

static const struct option options[] = {
	{ "server", required_argument, NULL, S_SERVER },
	{ "user", required_argument, NULL, S_USER },
	{ "password-cmd", required_argument, NULL, S_PASSCMD },
	{ "ask-password", no_argument, NULL, S_ASKPASS },
	{ "name", required_argument, NULL, S_NAME },
	{ "full-name", required_argument, NULL, S_FULLNAME },
	{ "default", no_argument, NULL, S_DEFAULT },
	{ "no-default", no_argument, NULL, S_NODEFAULT },
	{ "ca-file", required_argument, NULL, S_CAFILE },
	{ "timeout", required_argument, NULL, S_TIMEOUT },
	{ "yes", no_argument, NULL, S_YES },
	{ "name-fd", required_argument, NULL, S_NAMEFD },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct sopts {
	const char *address, *server, *user, *password_cmd, *name;
	const char *full_name, *ca_file, *timeout, *name_fd;
	bool ask_password, yes;
	int make_default;	/* -1 not said, 0, 1 */
};

/* What the dialogue settled, owned. */
struct answers {
	char *address, *domain, *ascii;
	char *user, *password_cmd, *name, *full_name, *ca_file;
	bool make_default;
};

static void
usage(FILE *f, bool for_help)
{
	fputs(for_help ? _("Usage: missive setup [OPTIONS] [ADDRESS]\n") :
	    _("Syntax: missive setup [OPTIONS] [ADDRESS]\n"), f);
}

static void
help(void)
{
	usage(stdout, true);
	fputs(_(
"Finds the submission server of ADDRESS (you@example.org): the SRV records\n"
"of RFC 6186 (_submissions._tcp and _submission._tcp of its domain), else\n"
"smtp.DOMAIN and mail.DOMAIN on ports 465, 587 and 25. Probes each (all at\n"
"once; no mail is sent), shows what each offers, recommends implicit TLS\n"
"(port 465) where it works, as RFC 8314 asks, then asks for what the\n"
"options below do not say and writes the profile (no password is ever\n"
"written). Questions are asked on the terminal; without one, give the\n"
"answers as options or take the defaults with --yes.\n"
"\n"
"      --server SERVER      probe SERVER (host or host:port), no DNS lookup\n"
"      --user NAME          log in as NAME (default: the address)\n"
"      --password-cmd CMD   the password is CMD's output (pass show ...,\n"
"                           secret-tool lookup ...)\n"
"      --ask-password       no command: the password is asked for when a\n"
"                           send needs it (the default)\n"
"      --full-name TEXT     your name in From (default: none)\n"
"      --name NAME          the profile's name (default: the domain)\n"
"      --default, --no-default  make it the default profile, or not\n"
"                           (default: when it is the first profile)\n"
"      --ca-file FILE       trust these PEM anchors (a private CA); kept in\n"
"                           the profile\n"
"      --timeout SECONDS    each port's deadline (default 10)\n"
"      --yes                take the default answers; replace a profile of\n"
"                           the same name\n"
"      --name-fd FD         write the saved profile's name to descriptor FD\n"
"                           (for programs that run setup)\n"
"\n"
"Exit status: 0 the profile was written, 1 nothing was written (no usable\n"
"server, the profile exists, the questions were left), 2 usage error.\n"),
	    stdout);
}

static int
syntax_error(void)
{
	usage(stderr, false);
	fputs(_("Try `missive setup --help' for more information.\n"), stderr);
	return 2;
}

static int
parse(int argc, char **argv, struct sopts *o)
{
	int c;

	optind = 1;
	argv[0] = (char *)"missive setup";
	o->make_default = -1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case S_SERVER: o->server = optarg; break;
		case S_USER: o->user = optarg; break;
		case S_PASSCMD: o->password_cmd = optarg; break;
		case S_ASKPASS: o->ask_password = true; break;
		case S_NAME: o->name = optarg; break;
		case S_FULLNAME: o->full_name = optarg; break;
		case S_DEFAULT: o->make_default = 1; break;
		case S_NODEFAULT: o->make_default = 0; break;
		case S_CAFILE: o->ca_file = optarg; break;
		case S_TIMEOUT: o->timeout = optarg; break;
		case S_YES: o->yes = true; break;
		case S_NAMEFD: o->name_fd = optarg; break;
		case 'h':
			help();
			exit(0);
		default:
			return -1;
		}
	}
	if (optind < argc)
		o->address = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, _("missive setup: one ADDRESS only (`%s' is one "
		    "too many)\n"), argv[optind]);
		return -1;
	}
	return 0;
}

static void
answers_free(struct answers *a)
{
	free(a->address);
	free(a->domain);
	free(a->ascii);
	free(a->user);
	free(a->password_cmd);
	free(a->name);
	free(a->full_name);
	free(a->ca_file);
}

/* --- the questions */

/* One line from the terminal, trimmed (caller frees); NULL at the end of
 * input. */
static char *
ask(const char *question)
{
	char *line = NULL, *s, *end;
	size_t cap = 0;
	ssize_t n;

	fputs(question, stdout);
	fflush(stdout);
	if ((n = getline(&line, &cap, stdin)) == -1) {
		free(line);
		putchar('\n');
		return NULL;
	}
	for (s = line; *s == ' ' || *s == '\t'; s++)
		;
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	s = xstrdup(s);
	free(line);
	return s;
}

/* A yes/no question; def is the answer to an empty line. -1 at the end
 * of input. */
static int
ask_yn(const char *question, bool def)
{
	const char *y = C_("answer key", "y"), *n = C_("answer key", "n");

	for (;;) {
		char *q = xasprintf("%s [%s/%s] ", question, def ? "Y" : y,
		    def ? n : "N");
		char *a = ask(q);
		int r = -2;

		free(q);
		if (a == NULL)
			return -1;
		if (*a == '\0')
			r = def;
		else if (strcasecmp(a, y) == 0 || strcasecmp(a, "y") == 0 ||
		    strcasecmp(a, "yes") == 0)
			r = 1;
		else if (strcasecmp(a, n) == 0 || strcasecmp(a, "n") == 0 ||
		    strcasecmp(a, "no") == 0)
			r = 0;
		free(a);
		if (r != -2)
			return r;
		printf(_("Please answer %s or %s.\n"), y, n);
	}
}

/* A question with a default shown in brackets; the answer or a copy of
 * def for an empty line; NULL at the end of input. */
static char *
ask_default(const char *question, const char *def)
{
	char *q = def != NULL && *def != '\0' ?
	    xasprintf("%s [%s]: ", question, def) : xasprintf("%s: ", question);
	char *a = ask(q);

	free(q);
	if (a != NULL && *a == '\0' && def != NULL) {
		free(a);
		a = xstrdup(def);
	}
	return a;
}

/* --- the steps */

/* Without a terminal every answer must come from an option (or --yes):
 * the list of what is missing, empty when nothing is. */
static void
missing_answers(const struct sopts *o, struct buf *b)
{
	const char *m[6];
	size_t n = 0, i;
	int port = 0;
	char *host = NULL;
	struct err e;

	if (o->address == NULL)
		m[n++] = _("ADDRESS");
	if (!o->yes) {
		if (o->server == NULL ||
		    server_split(o->server, &host, &port, &e) == -1 ||
		    port == 0)
			m[n++] = _("--server HOST:PORT (or --yes for the "
			    "recommended one)");
		if (o->user == NULL)
			m[n++] = _("--user (or --yes for the address)");
		if (o->password_cmd == NULL && !o->ask_password)
			m[n++] = _("--password-cmd CMD or --ask-password");
		if (o->name == NULL)
			m[n++] = _("--name (or --yes for the domain)");
		if (o->make_default < 0)
			m[n++] = _("--default or --no-default");
	}
	free(host);
	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i > 0 ? ", " : "", m[i]);
}

/* The servers to probe, and what was looked up to find them. */
static int
find(const struct sopts *o, const struct answers *a, struct setup_found *f)
{
	struct err e;
	size_t i;

	err_clear(&e);
	if (o->server != NULL) {
		if (setup_server(o->server, f, &e) == -1) {
			char *esc = str_escape(o->server, strlen(o->server));

			fprintf(stderr, _("missive setup: --server `%s': %s\n"), esc,
			    e.msg);
			free(esc);
			return 2;
		}
		return 0;
	}
	printf(_("Looking up the submission servers of %s (RFC 6186 SRV "
	    "records)...\n"), a->domain);
	fflush(stdout);
	setup_discover(a->ascii, f);
	for (i = 0; i < f->nnotes; i++) {
		char *esc = str_escape(f->notes[i], strlen(f->notes[i]));

		printf("  %s\n", esc);
		free(esc);
	}
	return 0;
}

/* Nothing usable: what was tried, and what to do. */
static void
nothing_usable(const struct sopts *o, const struct answers *a,
    const struct port_report *r, size_t n)
{
	bool answered = false, unverified = false, plain = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!port_answered(&r[i]))
			continue;
		answered = true;
		if (r[i].r != NULL && r[i].r->tls != NULL)
			unverified = true;
		else
			plain = true;
	}
	fputs(_("No server offers TLS with a verified certificate, so missive "
	    "writes no profile.\n"), stderr);
	if (unverified)
		fprintf(stderr, _("  A certificate was not accepted (its NOTE "
		    "says why). If the server uses a private CA, give it "
		    "with --ca-file FILE%s; `missive probe HOST:PORT` shows the "
		    "certificate in full.\n"), o->ca_file != NULL ?
		    _(" (the one given did not sign it)") : "");
	if (plain && !unverified)
		fputs(_("  The servers that answered offer no TLS: a password "
		    "and your mail would cross the network readable.\n"), stderr);
	if (!answered)
		fprintf(stderr, _("  None of them answered. Check the address's "
		    "domain (%s) and the network; if your provider names its "
		    "server, give it: missive setup --server HOST[:PORT] %s\n"),
		    a->domain != NULL ? a->domain : "?", a->address);
	else
		fprintf(stderr, _("  To use a server your provider names: "
		    "missive setup --server HOST[:PORT] %s\n"), a->address);
}

/* The row the user takes: the recommended one unless asked otherwise.
 * -1 at the end of input. */
static long
choose(const struct sopts *o, bool tty, size_t n, long rec,
    const long *num)
{
	long k, i;
	char *def, *ans, *end;

	if (!tty || o->yes)
		return rec;
	for (k = 0, i = 0; i < (long)n; i++)
		if (num[i] > 0)
			k++;
	if (k == 1)
		return rec;
	def = xasprintf("%ld", num[rec]);
	for (;;) {
		ans = ask_default(_("Use which server (its number)"), def);
		if (ans == NULL) {
			free(def);
			return -1;
		}
		k = strtol(ans, &end, 10);
		if (*ans == '\0' || *end != '\0')
			k = 0;
		free(ans);
		for (i = 0; k > 0 && i < (long)n; i++)
			if (num[i] == k) {
				free(def);
				return i;
			}
		printf(_("Please give one of the numbers in the first column.\n"));
	}
}

/* The password question; false at the end of input. */
static bool
ask_password_way(struct answers *a)
{
	char *c;
	int r;

	fputs(_("How should missive get the password?\n"
	    "  1  ask for it when a send needs it; nothing is stored\n"
	    "  2  run a command that prints it (pass show ..., "
	    "secret-tool lookup ...)\n"), stdout);
	for (;;) {
		c = ask_default(_("Choice"), "1");
		if (c == NULL)
			return false;
		r = strcmp(c, "1") == 0 ? 1 : strcmp(c, "2") == 0 ? 2 : 0;
		free(c);
		if (r == 1)
			return true;
		if (r == 2)
			break;
		printf(_("Please answer 1 or 2.\n"));
	}
	for (;;) {
		char *pw = NULL;
		struct err e;

		c = ask(_("Command that prints the password: "));
		if (c == NULL)
			return false;
		if (*c == '\0') {
			free(c);
			continue;
		}
		/* A typo in a pass path is found now, not at the first send.
		 * Its output is not shown. */
		err_clear(&e);
		if (secret_from_cmd(c, 60, &pw, &e) == 0 && pw != NULL &&
		    *pw != '\0') {
			secret_free(pw);
			printf(_("The command printed a password.\n"));
			a->password_cmd = c;
			return true;
		}
		secret_free(pw);
		printf(_("The command did not give a password: %s\n"),
		    e.msg[0] != '\0' ? e.msg : _("its output was empty"));
		r = ask_yn(_("Keep it anyway?"), false);
		if (r == 1) {
			a->password_cmd = c;
			return true;
		}
		free(c);
		if (r == -1)
			return false;
	}
}

/* The profile's name, asking again while it is not usable or the user
 * does not want to replace the one of that name. 0, 1 (nothing to
 * write) or 2 (usage). */
static int
settle_name(const struct sopts *o, bool tty, const struct profiles *ps,
    struct answers *a)
{
	const struct profile *old;
	struct err e;
	int r;

	for (;;) {
		if (a->name == NULL) {
			if (o->name != NULL)
				a->name = xstrdup(o->name);
			else if (!tty || o->yes)
				a->name = xstrdup(a->domain);
			else if ((a->name = ask_default(_("Profile name"),
			    a->domain)) == NULL)
				return 1;
		}
		err_clear(&e);
		if (profile_name_check(a->name, &e) == -1) {
			fprintf(stderr, _("missive setup: profile name `%s': %s\n"),
			    a->name, e.msg);
			if (!tty || o->name != NULL)
				return 2;
			free(a->name);
			a->name = NULL;
			continue;
		}
		if ((old = profiles_find(ps, a->name)) == NULL)
			return 0;
		if (o->yes) {
			printf(_("Profile %s exists (%s:%d); replacing it "
			    "(--yes).\n"), a->name, old->file, old->line);
			return 0;
		}
		if (!tty) {
			fprintf(stderr, _("missive setup: profile %s exists (%s:%d, "
			    "server %s); nothing was written. Give another --name, "
			    "or --yes to replace it.\n"), a->name, old->file,
			    old->line, old->server != NULL ? old->server : "-");
			return 1;
		}
		{
			char *q = xasprintf(_("Profile %s exists (%s:%d, server %s). "
			    "Replace it?"), a->name, old->file, old->line,
			    old->server != NULL ? old->server : "-");

			r = ask_yn(q, false);
			free(q);
		}
		if (r == 1)
			return 0;
		if (r == -1 || o->name != NULL) {
			printf(_("Profile %s left as it was; nothing was "
			    "written.\n"), a->name);
			return 1;
		}
		free(a->name);
		a->name = NULL;
	}
}

/* The answers after the server: user, password, name, default. 0, 1 or
 * 2 as settle_name. */
static int
questions(const struct sopts *o, bool tty, const struct profiles *ps,
    const struct port_report *chosen, struct answers *a)
{
	size_t na;
	char **auth = port_auth(chosen, &na);
	bool ask_more = tty && !o->yes;
	int r;

	strv_free(auth, na);
	if (na == 0)
		printf(_("Note: %s port %d offers no AUTH after TLS: it may take "
		    "mail only from its own network, and log-ins will fail.\n"),
		    chosen->t.host, chosen->t.port);
	if (o->user != NULL)
		a->user = xstrdup(o->user);
	else if (!ask_more)
		a->user = xstrdup(a->address);
	else if ((a->user = ask_default(_("User name to log in with"),
	    a->address)) == NULL)
		return 1;
	if (o->password_cmd != NULL)
		a->password_cmd = xstrdup(o->password_cmd);
	else if (ask_more && !o->ask_password && !ask_password_way(a))
		return 1;
	if (o->full_name != NULL)
		a->full_name = xstrdup(o->full_name);
	else if (ask_more) {
		a->full_name = ask(_("Your name as recipients see it (Enter for "
		    "none): "));
		if (a->full_name == NULL)
			return 1;
	}
	if ((r = settle_name(o, tty, ps, a)) != 0)
		return r;
	{
		/* The first profile is the default unless told otherwise. */
		size_t n = profiles_count(ps);
		bool def = n == 0 || (n == 1 &&
		    profiles_find(ps, a->name) != NULL);

		if (o->make_default >= 0)
			a->make_default = o->make_default == 1;
		else if (!ask_more)
			a->make_default = def;
		else {
			char *q = xasprintf(_("Make %s the default profile (used "
			    "when -p is not given)?"), a->name);

			r = ask_yn(q, def);
			free(q);
			if (r == -1)
				return 1;
			a->make_default = r == 1;
		}
	}
	return 0;
}

/* What was written, as the file now says it. */
static void
report_saved(const struct answers *a, const struct port_report *chosen)
{
	char *dir = profiles_dir();
	struct err e;
	struct profiles *ps;
	const struct profile *p;
	bool asked = false;

	printf(_("Profile %s saved in %s/profiles.ini (no password is "
	    "written):\n"), a->name, dir);
	err_clear(&e);
	if ((ps = profiles_load(NULL, &e)) != NULL &&
	    (p = profiles_find(ps, a->name)) != NULL) {
		printf("    server = %s\n", p->server);
		printf("    tls = %s\n", tls_mode_name((enum tls_mode)p->tls));
		printf("    from = %s\n", p->from);
		if (p->user != NULL)
			printf("    user = %s\n", p->user);
		if (p->password_cmd != NULL)
			printf("    password_cmd = %s\n", p->password_cmd);
		if (p->ca_file != NULL)
			printf("    ca_file = %s\n", p->ca_file);
		if (p->password == NULL && p->password_cmd == NULL) {
			printf(_("The composer asks for the password when a "
			    "send needs it.\n"));
			asked = p->user != NULL;
		}
		else if (p->password != NULL)
			printf(_("Note: the file still holds a password line for "
			    "this profile, from before; remove it to be asked "
			    "instead.\n"));
	}
	if (a->make_default)
		printf(_("It is the default profile.\n"));
	/* missive send never asks (it runs without a terminal too): with
	 * the password asked for, the test goes through the composer. */
	if (asked)
		printf(_("Write a test message to yourself (the composer asks "
		    "for the password): missive -p %s %s\n"), a->name,
		    a->address);
	else
		printf(_("Send a test message to yourself: missive send -p %s "
		    "%s\n"), a->name, a->address);
	(void)chosen;
	profiles_free(ps);
	free(dir);
	fflush(stdout);
}

static int
setup_run(const struct sopts *o)
{
	bool tty = isatty(STDIN_FILENO);
	struct answers a;
	struct setup_found f;
	struct profiles *ps = NULL;
	struct port_report *r = NULL;
	struct smtp_job tmpl;
	struct err e;
	struct buf miss;
	long rec, pick, *num = NULL;
	const char **mark = NULL;
	char **marks = NULL;
	int status = 2, deadline = PORTS_DEADLINE, name_fd = -1;
	size_t i;

	memset(&a, 0, sizeof a);
	memset(&f, 0, sizeof f);
	smtp_job_init(&tmpl);
	err_clear(&e);
	if (o->password_cmd != NULL && o->ask_password) {
		fputs(_("missive setup: --password-cmd and --ask-password say "
		    "opposite things; give one\n"), stderr);
		return syntax_error();
	}
	if (o->timeout != NULL && smtp_timeout_parse(o->timeout, &deadline) == -1) {
		fprintf(stderr, _("missive setup: --timeout: `%s' is not a whole "
		    "number of seconds from 1 to %d\n"), o->timeout,
		    SMTP_TIMEOUT_MAX);
		return 2;
	}
	if (o->name_fd != NULL) {
		char *end;
		long v = strtol(o->name_fd, &end, 10);

		if (*o->name_fd == '\0' || *end != '\0' || v < 0 || v > INT_MAX) {
			fprintf(stderr, _("missive setup: --name-fd: `%s' is not a "
			    "file descriptor number\n"), o->name_fd);
			return 2;
		}
		name_fd = (int)v;
	}
	if (o->ca_file != NULL) {
		if (access(o->ca_file, R_OK) == -1 ||
		    (a.ca_file = realpath(o->ca_file, NULL)) == NULL) {
			fprintf(stderr, _("missive setup: --ca-file: cannot read "
			    "`%s': %s\n"), o->ca_file, strerror(errno));
			return 2;
		}
		tmpl.ca_file = xstrdup(a.ca_file);
	}
	buf_init(&miss);
	if (!tty) {
		missing_answers(o, &miss);
		if (miss.len > 0) {
			fprintf(stderr, _("missive setup: no terminal to ask on, and "
			    "no answer for: %s. Give them as options, or --yes to "
			    "take the defaults (missive setup --help).\n"),
			    buf_cstr(&miss));
			buf_free(&miss);
			goto out;
		}
	}
	buf_free(&miss);

	/* The address. */
	{
		char *typed = o->address != NULL ? xstrdup(o->address) : NULL;

		while (typed == NULL || setup_address(typed, &a.address,
		    &a.domain, &a.ascii, &e) == -1) {
			if (typed != NULL) {
				char *esc = str_escape(typed, strlen(typed));

				fprintf(stderr, _("missive setup: ADDRESS `%s': %s\n"),
				    esc, e.msg);
				free(esc);
				if (!tty) {
					free(typed);
					goto out;
				}
				free(typed);
			}
			if ((typed = ask(_("Your e-mail address: "))) == NULL) {
				status = 1;
				goto out;
			}
		}
		free(typed);
	}
	if ((ps = profiles_load(NULL, &e)) == NULL) {
		fprintf(stderr, _("missive setup: the profiles cannot be read: %s "
		    "(missive profiles --check lists every problem); fix that "
		    "first\n"), e.msg);
		goto out;
	}

	/* The servers, probed all at once. */
	if ((status = find(o, &a, &f)) != 0)
		goto out;
	status = 1;
	printf(ngettext("Probing %zu server port at once (at most %d s)...\n",
	    "Probing %zu server ports at once (at most %d s)...\n", f.n),
	    f.n, deadline);
	fflush(stdout);
	r = xcalloc(f.n + 1, sizeof *r);
	if (ports_probe(f.t, f.n, &tmpl, deadline, r, &e) == -1)
		fprintf(stderr, "missive setup: %s\n", e.msg);
	rec = ports_recommend(r, f.n);
	num = xcalloc(f.n + 1, sizeof *num);
	marks = xcalloc(f.n + 1, sizeof *marks);
	mark = xcalloc(f.n + 1, sizeof *mark);
	{
		long k = 1;

		/* The recommended one is 1, the other usable ones follow. */
		if (rec >= 0)
			num[rec] = k++;
		for (i = 0; i < f.n; i++)
			if ((long)i != rec && port_usable(&r[i]))
				num[i] = k++;
		for (i = 0; i < f.n; i++) {
			marks[i] = num[i] > 0 ? xasprintf("%ld", num[i]) :
			    xstrdup("");
			mark[i] = marks[i];
		}
	}
	ports_print_table(r, f.n, mark, true);
	if (rec < 0) {
		nothing_usable(o, &a, r, f.n);
		goto out;
	}
	printf(_("Recommended: [1] %s port %d: %s.\n"), r[rec].t.host,
	    r[rec].t.port, ports_why(&r[rec]));
	if ((pick = choose(o, tty, f.n, rec, num)) < 0) {
		printf(_("Nothing was written.\n"));
		goto out;
	}
	if ((status = questions(o, tty, ps, &r[pick], &a)) != 0) {
		if (status == 1 && tty)
			printf(_("Nothing was written.\n"));
		goto out;
	}
	{
		struct setup_answers sa = {
			.name = a.name, .address = a.address,
			.full_name = a.full_name, .user = a.user,
			.password_cmd = a.password_cmd, .ca_file = a.ca_file,
			.make_default = a.make_default,
		};

		err_clear(&e);
		if (setup_write(NULL, &sa, &r[pick], &e) == -1) {
			fprintf(stderr, _("missive setup: the profile was not "
			    "written: %s\n"), e.msg);
			status = 1;
			goto out;
		}
	}
	report_saved(&a, &r[pick]);
	if (name_fd >= 0) {
		char *line = xasprintf("%s\n", a.name);
		size_t len = strlen(line);

		if (write(name_fd, line, len) != (ssize_t)len)
			fprintf(stderr, _("missive setup: --name-fd %d: %s\n"),
			    name_fd, strerror(errno));
		free(line);
	}
	status = 0;
out:
	if (marks != NULL)
		strv_free(marks, f.n);
	free(mark);
	free(num);
	port_reports_free(r, f.n);
	setup_found_free(&f);
	profiles_free(ps);
	smtp_job_free(&tmpl);
	answers_free(&a);
	return status;
}

int
cli_setup(int argc, char **argv)
{
	struct sopts o;

	memset(&o, 0, sizeof o);
	if (parse(argc, argv, &o) == -1)
		return syntax_error();
	return setup_run(&o);
}
