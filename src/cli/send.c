/* `missive send` and `missive probe`: options (command line over profile
 * over defaults), the message, one engine run, events printed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/record.h"
#include "base/i18n.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/print.h"
#include "mail/msg.h"
#include "net/sasl.h"
#include "net/server.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "store/profile.h"

enum {
	O_TLS = 256, O_FALLBACK, O_CAFILE, O_FINGERPRINT, O_PINPUBKEY, O_INSECURE,
	O_TLSMIN,
	O_USER, O_PASSCMD, O_AUTH, O_PLAINAUTH, O_SUBJECT, O_CC, O_BCC, O_ATTACH,
	O_BODY, O_HELO, O_TIMEOUT, O_PARTIAL, O_JSON, O_TRANSCRIPT, O_DRYRUN,
	O_FROM,
};

static const struct option options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "tls", required_argument, NULL, O_TLS },
	{ "fallback-plaintext", no_argument, NULL, O_FALLBACK },
	{ "ca-file", required_argument, NULL, O_CAFILE },
	{ "fingerprint", required_argument, NULL, O_FINGERPRINT },
	{ "pin-pubkey", required_argument, NULL, O_PINPUBKEY },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "tls-min", required_argument, NULL, O_TLSMIN },
	{ "user", required_argument, NULL, O_USER },
	{ "password-cmd", required_argument, NULL, O_PASSCMD },
	{ "auth", required_argument, NULL, O_AUTH },
	{ "allow-plaintext-auth", no_argument, NULL, O_PLAINAUTH },
	{ "from", required_argument, NULL, O_FROM },
	{ "subject", required_argument, NULL, O_SUBJECT },
	{ "cc", required_argument, NULL, O_CC },
	{ "bcc", required_argument, NULL, O_BCC },
	{ "attach", required_argument, NULL, O_ATTACH },
	{ "body", required_argument, NULL, O_BODY },
	{ "helo", required_argument, NULL, O_HELO },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "json", no_argument, NULL, O_JSON },
	{ "transcript", required_argument, NULL, O_TRANSCRIPT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dry-run", no_argument, NULL, O_DRYRUN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* What the command line said; NULL / -1 / 0 when it said nothing. */
struct opts {
	bool probe;
	const char *profile, *tls, *ca_file, *fingerprint, *pin_pubkey, *tls_min;
	const char *user;
	const char *password_cmd, *auth, *from, *subject, *body, *helo;
	const char *timeout, *transcript;
	int fallback, insecure, plainauth, partial;
	bool json, verbose, dry_run;
	struct buf cc, bcc;
	const char **attach;
	size_t nattach;
	char **args;
	int nargs;
};

static const char default_body[] = N_(
    "Hello,\n"
    "\n"
    "This is a test message sent by missive to check that mail sent from\n"
    "this setup arrives.\n");

/* --help starts with "Usage:" (GNU); a usage error says "Syntax:". */
static void
usage_send(FILE *f, bool probe, bool for_help)
{
	if (probe)
		fputs(for_help ? _("Usage: missive probe [OPTIONS] SERVER\n") :
		    _("Syntax: missive probe [OPTIONS] SERVER\n"), f);
	else
		fputs(for_help ?
		    _("Usage: missive send [OPTIONS] SERVER FROM TO...\n") :
		    _("Syntax: missive send [OPTIONS] SERVER FROM TO...\n"), f);
}

static void
help(bool probe)
{
	usage_send(stdout, probe, true);
	if (probe)
		fputs(_("Connects to SERVER, reports its capabilities, TLS and certificate, "
		    "and sends no mail.\n"), stdout);
	else
		fputs(_("Sends one message without the composer. With -p PROFILE, SERVER "
		    "and FROM\nmay be left out when the profile names them "
		    "(SERVER is told apart by having no @).\n"), stdout);
	fputs(_("\nSERVER is host, host:port or [v6addr]:port. Port 465 means implicit "
	    "TLS,\n25 opportunistic STARTTLS, any other port required STARTTLS.\n\n"),
	    stdout);
	fputs(_(
"  -p, --profile NAME       take defaults from a saved profile\n"
"      --tls MODE           off, opportunistic, starttls or implicit\n"
"      --fallback-plaintext opportunistic only: after a failed TLS handshake,\n"
"                           send without TLS on a new connection\n"
"      --ca-file FILE       trust these PEM anchors instead of the system store\n"
"      --fingerprint HEX    accept exactly the leaf certificate with this SHA-256\n"
"                           (a renewed certificate has another)\n"
"      --pin-pubkey HASH    accept the server's public key with this SHA-256\n"
"                           (kept across renewals that keep the key)\n"
"      --insecure           do not verify the certificate (loudly warned)\n"
"      --tls-min 1.2|1.3    lowest TLS version (default 1.2)\n"
"      --user NAME          authenticate as NAME\n"
"      --password-cmd CMD   the password is CMD's output\n"
"      --auth MECH          PLAIN, LOGIN, SCRAM-SHA-256, XOAUTH2 or OAUTHBEARER\n"
"      --allow-plaintext-auth  permit AUTH without encryption\n"
"      --helo NAME          name for EHLO/HELO\n"
"      --timeout SECONDS    every network wait (default 30)\n"
"      --json               progress as JSON lines on stdout\n"
"      --transcript FILE    write the dialogue, credentials redacted\n"
"  -v, --verbose            the dialogue on stderr\n"), stdout);
	if (!probe)
		fputs(_(
"      --from ADDR          sender (instead of the FROM argument)\n"
"      --subject TEXT       subject\n"
"      --cc ADDR, --bcc ADDR, --attach FILE   (repeatable)\n"
"      --body FILE          body from FILE, - for stdin\n"
"      --partial            deliver to accepted recipients when some are refused\n"
"      --dry-run            print the message that would be sent; connect nowhere\n"),
		    stdout);
	fputs(_("\nExit status: 0 sent, 1 not sent, 2 usage or configuration error, "
	    "3 sent to some recipients only.\n"), stdout);
}

static int
parse(int argc, char **argv, struct opts *o)
{
	int c;

	optind = 1;
	/* getopt names argv[0] in its messages: the command, not "send". */
	argv[0] = (char *)(o->probe ? "missive probe" : "missive send");
	while ((c = getopt_long(argc, argv, "p:vh", options, NULL)) != -1) {
		switch (c) {
		case 'p': o->profile = optarg; break;
		case O_TLS: o->tls = optarg; break;
		case O_FALLBACK: o->fallback = 1; break;
		case O_CAFILE: o->ca_file = optarg; break;
		case O_FINGERPRINT: o->fingerprint = optarg; break;
		case O_PINPUBKEY: o->pin_pubkey = optarg; break;
		case O_INSECURE: o->insecure = 1; break;
		case O_TLSMIN: o->tls_min = optarg; break;
		case O_USER: o->user = optarg; break;
		case O_PASSCMD: o->password_cmd = optarg; break;
		case O_AUTH: o->auth = optarg; break;
		case O_PLAINAUTH: o->plainauth = 1; break;
		case O_FROM: o->from = optarg; break;
		case O_SUBJECT: o->subject = optarg; break;
		case O_CC:
		case O_BCC: {
			struct buf *b = c == O_CC ? &o->cc : &o->bcc;

			if (b->len > 0)
				buf_adds(b, ", ");
			buf_adds(b, optarg);
			break;
		}
		case O_ATTACH:
			o->attach = xrealloc(o->attach, (o->nattach + 2) * sizeof *o->attach);
			o->attach[o->nattach++] = optarg;
			o->attach[o->nattach] = NULL;
			break;
		case O_BODY: o->body = optarg; break;
		case O_HELO: o->helo = optarg; break;
		case O_TIMEOUT: o->timeout = optarg; break;
		case O_PARTIAL: o->partial = 1; break;
		case O_JSON: o->json = true; break;
		case O_TRANSCRIPT: o->transcript = optarg; break;
		case 'v': o->verbose = true; break;
		case O_DRYRUN: o->dry_run = true; break;
		case 'h':
			help(o->probe);
			exit(0);
		default:
			return -1;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* Fills job from profile and options. Returns 0 or -1 with e. */
static int
build_job(struct opts *o, const struct profile *pr, struct smtp_job *job,
    const char **server, const char **from, struct buf *to, bool *syntax,
    struct err *e)
{
	int i = 0, mode = -1;

	/* Positional arguments: [SERVER] [FROM] TO... */
	*server = NULL;
	if (o->nargs > 0 && strchr(o->args[0], '@') == NULL)
		*server = o->args[i++];
	else if (pr != NULL && pr->server != NULL)
		*server = pr->server;
	*syntax = true;	/* until the arguments are all there */
	if (*server == NULL)
		return err_setr(e, "usage", _("no SERVER given"));
	if (!o->probe) {
		/* A profile's From makes every address argument a recipient. */
		*from = o->from;
		if (*from == NULL && pr != NULL && pr->from != NULL)
			*from = pr->from;
		else if (*from == NULL && i < o->nargs)
			*from = o->args[i++];
		if (*from == NULL)
			return err_setr(e, "usage", _("no FROM address given"));
		for (; i < o->nargs; i++) {
			if (to->len > 0)
				buf_adds(to, ", ");
			buf_adds(to, o->args[i]);
		}
		if (to->len == 0)
			return err_setr(e, "usage", _("no TO address given"));
	} else if (i < o->nargs)
		return err_setr(e, "usage", _("probe takes only SERVER, not `%s'"), o->args[i]);
	*syntax = false;

	if (o->tls != NULL && (mode = tls_mode_parse(o->tls)) == -1)
		return err_setr(e, "usage", _("--tls: `%s' is not one of %s"),
		    o->tls, TLS_MODE_NAMES);
	if (profile_job(pr, *server, mode, job, e) == -1) {
		char *m = xasprintf(_("SERVER `%s': %s"), *server, e->msg);

		err_setr(e, "usage", "%s", m);
		free(m);
		return -1;
	}
	/* Options over the profile. */
	if (o->fallback)
		job->fallback_plaintext = true;
	if (job->fallback_plaintext && job->tls != TLS_OPPORTUNISTIC)
		return err_setr(e, "usage", _("--fallback-plaintext works only with "
		    "--tls opportunistic (the policy here is %s)"), tls_mode_name(job->tls));
	if (o->ca_file != NULL) {
		free(job->ca_file);
		job->ca_file = xstrdup(o->ca_file);
	}
	if (job->ca_file != NULL && access(job->ca_file, R_OK) == -1)
		return err_setr(e, "usage", _("--ca-file: cannot read `%s': %s"),
		    job->ca_file, strerror(errno));
	if (o->fingerprint != NULL) {
		char *norm = tls_fingerprint_norm(o->fingerprint);

		if (norm == NULL)
			return err_setr(e, "usage", _("--fingerprint: `%s' is not a "
			    "SHA-256 fingerprint (%s)"), o->fingerprint,
			    tls_fingerprint_words());
		free(job->fingerprint);
		job->fingerprint = norm;
	}
	if (o->pin_pubkey != NULL) {
		char *norm = tls_pubkey_pins_norm(o->pin_pubkey);

		if (norm == NULL)
			return err_setr(e, "usage", _("--pin-pubkey: `%s' is not a "
			    "public-key pin (%s)"), o->pin_pubkey,
			    tls_pubkey_pin_words());
		free(job->pin_pubkey);
		job->pin_pubkey = norm;
	}
	job->insecure = o->insecure != 0;
	if (o->tls_min != NULL && (job->tls_min = tls_version_parse(o->tls_min)) == -1)
		return err_setr(e, "usage", _("--tls-min: `%s' is not one of %s"),
		    o->tls_min, TLS_VERSION_NAMES);
	if (o->user != NULL) {
		free(job->user);
		job->user = xstrdup(o->user);
	}
	if (o->password_cmd != NULL) {
		/* A command given here wins over a profile's stored password. */
		secret_free(job->password);
		job->password = NULL;
		free(job->password_cmd);
		job->password_cmd = xstrdup(o->password_cmd);
	}
	if (o->auth != NULL) {
		const char *mech = sasl_canonical(o->auth);

		if (mech == NULL)
			return err_setr(e, "usage", _("--auth: missive does not know `%s' (it "
			    "knows %s)"), o->auth, SASL_NAMES);
		free(job->auth_mech);
		job->auth_mech = xstrdup(mech);
	}
	if (o->plainauth)
		job->allow_plaintext_auth = true;
	/* Credentials with nobody to log in as would send without AUTH. */
	if (job->user == NULL && o->password_cmd != NULL)
		return err_setr(e, "usage", "%s", _("--password-cmd is given but no "
		    "user to log in as: add --user NAME"));
	if (job->user == NULL && o->auth != NULL)
		return err_setr(e, "usage", "%s", _("--auth is given but no user to "
		    "log in as: add --user NAME"));
	if (o->helo != NULL) {
		if (server_helo_check(o->helo, e) == -1) {
			char *m = xasprintf("--helo: `%s': %s", o->helo, e->msg);

			err_setr(e, "usage", "%s", m);
			free(m);
			return -1;
		}
		free(job->helo);
		job->helo = xstrdup(o->helo);
	}
	if (o->timeout != NULL && smtp_timeout_parse(o->timeout, &job->timeout) == -1)
		return err_setr(e, "usage", _("--timeout: `%s' is not a whole number "
		    "of seconds from 1 to %d"), o->timeout, SMTP_TIMEOUT_MAX);
	job->partial = o->partial != 0;
	job->probe = o->probe;
	return 0;
}

/* The message of the options and the profile; NULL with e. */
static struct msg *
build_msg(struct opts *o, const struct profile *pr, const char *from,
    const char *to, const char *helo, struct err *e)
{
	struct msg_spec spec;
	struct buf cc, bcc;
	struct msg *m;

	memset(&spec, 0, sizeof spec);
	buf_init(&cc);
	buf_init(&bcc);
	if (o->cc.len > 0)
		buf_add(&cc, o->cc.data, o->cc.len);
	else if (pr != NULL && pr->cc != NULL)
		buf_adds(&cc, pr->cc);
	if (o->bcc.len > 0)
		buf_add(&bcc, o->bcc.data, o->bcc.len);
	else if (pr != NULL && pr->bcc != NULL)
		buf_adds(&bcc, pr->bcc);
	spec.from = from;
	spec.to = to;
	spec.cc = cc.len ? cc.data : NULL;
	spec.bcc = bcc.len ? bcc.data : NULL;
	spec.subject = o->subject != NULL ? o->subject :
	    o->body == NULL ? _("Test message from missive") : NULL;
	if (o->body != NULL)
		spec.body_file = o->body;
	else
		spec.body = _(default_body);
	spec.signature_file = pr != NULL ? pr->signature : NULL;
	spec.attach = o->attach;
	spec.helo = helo;
	m = msg_new(&spec, e);
	if (m == NULL)
		e->reason = "usage";
	buf_free(&cc);
	buf_free(&bcc);
	return m;
}

static int
dry_run(struct msg *m, struct err *e)
{
	char buf[65536];
	ssize_t n;

	if (msg_start(m, MSG_8BIT | (msg_needs_smtputf8(m) ? MSG_UTF8 : 0), e) == -1)
		return -1;
	while ((n = msg_read(m, buf, sizeof buf, e)) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return err_set(e, _("cannot write to stdout: %s"), strerror(errno));
	if (n < 0 || fflush(stdout) == EOF)
		return -1;
	return 0;
}

/* The session's events on their way to the printer: the result is
 * preceded by the server memory's update and the receipt (app/record.c),
 * so that what they warn about comes before it. */
struct session_out {
	struct printer *p;
	struct record *rec;
};

static void
session_event(const struct event *ev, void *arg)
{
	struct session_out *so = arg;
	struct err w;

	if (ev->type == EV_RESULT && ev->result != NULL) {
		if (record_after(so->rec, ev->result, NULL, &w) == -1)
			print_warning(so->p, w.msg, ev->t);
		free(so->p->memory);
		so->p->memory = so->p->probe ? record_memory_words(so->rec) : NULL;
	}
	print_event(ev, so->p);
}

static int
run(int argc, char **argv, bool probe)
{
	struct opts o;
	struct printer p;
	struct smtp_job job;
	struct profiles *ps = NULL;
	const struct profile *pr = NULL;
	const char *server = NULL, *from = NULL;
	struct buf to;
	struct err e = { 0 };
	struct result *r;
	struct record_opts ro;
	struct session_out so;
	bool syntax = false;
	int status = 2, fd;

	/* A reader that goes away (`| head -1`) must not kill a send half
	 * way: writes fail with EPIPE instead, and print.c says so. */
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	memset(&p, 0, sizeof p);
	buf_init(&o.cc);
	buf_init(&o.bcc);
	buf_init(&to);
	smtp_job_init(&job);
	o.probe = probe;
	if (parse(argc, argv, &o) == -1) {
		usage_send(stderr, probe, false);
		fprintf(stderr, _("Try `missive %s --help' for more information.\n"),
		    probe ? "probe" : "send");
		/* getopt stopped at the bad option: --json may come after it. */
		for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
			if (strcmp(argv[i], "--json") == 0)
				o.json = true;
		if (o.json) {	/* getopt said what was wrong on stderr */
			p.json = true;
			print_usage_failure(&p, _("invalid option"));
		}
		goto out;
	}
	p.json = o.json;
	if (o.json && o.dry_run) {
		print_usage_failure(&p, _("--dry-run prints the message itself; "
		    "it does not go with --json"));
		goto out;
	}
	p.verbose = o.verbose;
	p.probe = probe;
	p.progress_tty = isatty(STDERR_FILENO) && !o.json;
	if (o.profile != NULL) {
		if ((ps = profiles_load(NULL, &e)) == NULL) {
			print_usage_failure(&p, e.msg);
			goto out;
		}
		if ((pr = profiles_find(ps, o.profile)) == NULL) {
			err_set(&e, _("no profile named `%s' (missive profiles lists them)"),
			    o.profile);
			print_usage_failure(&p, e.msg);
			goto out;
		}
	}
	if (build_job(&o, pr, &job, &server, &from, &to, &syntax, &e) == -1) {
		if (syntax)
			usage_send(stderr, probe, false);
		print_usage_failure(&p, e.msg);
		goto out;
	}
	if (!probe) {
		job.msg = build_msg(&o, pr, from, to.data, job.helo, &e);
		if (job.msg == NULL) {
			print_usage_failure(&p, e.msg);
			goto out;
		}
		if (o.dry_run) {
			status = dry_run(job.msg, &e) == 0 ? 0 : 1;
			if (status != 0)
				fprintf(stderr, "missive: %s\n", e.msg);
			goto out;
		}
	}
	if (o.transcript != NULL) {
		fd = open(o.transcript, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd == -1 || (p.transcript = fdopen(fd, "w")) == NULL) {
			err_set(&e, _("--transcript: cannot write `%s': %s"), o.transcript,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			print_usage_failure(&p, e.msg);
			goto out;
		}
	}
	memset(&ro, 0, sizeof ro);
	ro.via = VIA_SEND;
	ro.profile = pr != NULL ? pr->name : NULL;
	so.p = &p;
	so.rec = record_before(&job, &ro, &e);
	if (e.msg[0] != '\0')
		print_warning(&p, e.msg, 0);
	r = smtp_run(&job, session_event, &so, NULL, NULL);
	status = r->exit_status;
	result_free(r);
	record_free(so.rec);
out:
	free(p.memory);
	if (p.transcript != NULL)
		fclose(p.transcript);
	smtp_job_free(&job);
	profiles_free(ps);
	buf_free(&o.cc);
	buf_free(&o.bcc);
	buf_free(&to);
	free(o.attach);
	return status;
}

int
cli_send(int argc, char **argv)
{
	return run(argc, argv, false);
}

int
cli_probe(int argc, char **argv)
{
	return run(argc, argv, true);
}
