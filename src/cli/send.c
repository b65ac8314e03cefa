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
#include <time.h>
#include <unistd.h>

#include "app/deliver.h"
#include "app/preview.h"
#include "app/record.h"
#include "base/i18n.h"
#include "base/util.h"
#include "app/ports.h"
#include "cli/cli.h"
#include "cli/ports.h"
#include "cli/print.h"
#include "mail/msg.h"
#include "net/sasl.h"
#include "net/server.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "store/outbox.h"
#include "store/profile.h"

enum {
	O_TLS = 256, O_FALLBACK, O_CAFILE, O_FINGERPRINT, O_PINPUBKEY, O_INSECURE,
	O_TLSMIN,
	O_USER, O_PASSCMD, O_AUTH, O_PLAINAUTH, O_SUBJECT, O_CC, O_BCC, O_ATTACH,
	O_BODY, O_HELO, O_TIMEOUT, O_PARTIAL, O_JSON, O_TRANSCRIPT, O_DRYRUN,
	O_FROM, O_QUEUE, O_PORTS, O_REPLYTO, O_HEADER,
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
	{ "reply-to", required_argument, NULL, O_REPLYTO },
	{ "header", required_argument, NULL, O_HEADER },
	{ "attach", required_argument, NULL, O_ATTACH },
	{ "body", required_argument, NULL, O_BODY },
	{ "helo", required_argument, NULL, O_HELO },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "json", no_argument, NULL, O_JSON },
	{ "transcript", required_argument, NULL, O_TRANSCRIPT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dry-run", no_argument, NULL, O_DRYRUN },
	{ "queue", no_argument, NULL, O_QUEUE },
	{ "ports", no_argument, NULL, O_PORTS },
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
	bool json, verbose, dry_run, queue, ports;
	struct buf cc, bcc, reply_to;
	const char **attach;
	size_t nattach;
	const char **headers;
	size_t nheaders;
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
		fputs(_("Connects to SERVER, reports its capabilities, TLS and certificate,\n"
		    "and sends no mail.\n"), stdout);
	else
		fputs(_("Sends one message without the composer. With -p PROFILE, SERVER "
		    "and FROM\nmay be left out when the profile names them "
		    "(SERVER is told apart by\nhaving no @).\n"), stdout);
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
"      --transcript FILE    write the dialogue (credentials redacted) and the\n"
"                           time each stage took\n"
"  -v, --verbose            the dialogue on stderr\n"), stdout);
	if (probe)
		fputs(_(
"      --ports              SERVER is a host: try 465 (implicit TLS), 587\n"
"                           (STARTTLS) and 25 at once and print a table of\n"
"                           what each offers (--json: an object per port);\n"
"                           --timeout is each port's deadline (default 10);\n"
"                           exit 0 when a port has TLS with a verified or\n"
"                           pinned certificate, else 1\n"), stdout);
	if (!probe)
		fputs(_(
"      --from ADDR          sender (instead of the FROM argument)\n"
"      --subject TEXT       subject\n"
"      --cc ADDR, --bcc ADDR, --attach FILE   (repeatable)\n"
"      --reply-to ADDR      where replies should go (repeatable)\n"
"      --header 'NAME: VALUE'  an extra header line (repeatable)\n"
"      --body FILE          body from FILE, - for stdin\n"
"      --partial            deliver to accepted recipients when some are refused\n"
"      --dry-run            print the message that would be sent, and its\n"
"                           envelope on stderr; connect nowhere\n"
"      --queue              with -p: when the server cannot take it now (cannot\n"
"                           connect, timeout, 4xx), put it in the outbox\n"
"                           (`missive outbox flush' sends it) and exit 0\n"),
		    stdout);
	if (probe)
		fputs(_("\nWith --user, probe logs in (AUTH) and sends no mail.\n"
		    "\nExit status: 0 the server answered and every TLS step the "
		    "policy calls for\nsucceeded with a verified or pinned "
		    "certificate (and AUTH, with --user);\n1 otherwise; 2 usage or "
		    "configuration error.\n"), stdout);
	else
		fputs(_("\nExit status: 0 sent, 1 not sent, 2 usage or configuration "
		    "error,\n3 sent to some recipients only.\n"), stdout);
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
		case O_HEADER:
			o->headers = xrealloc(o->headers, (o->nheaders + 2) *
			    sizeof *o->headers);
			o->headers[o->nheaders++] = optarg;
			o->headers[o->nheaders] = NULL;
			break;
		case O_CC:
		case O_BCC:
		case O_REPLYTO: {
			struct buf *b = c == O_CC ? &o->cc : c == O_BCC ? &o->bcc :
			    &o->reply_to;

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
		case O_QUEUE: o->queue = true; break;
		case O_PORTS: o->ports = true; break;
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
	if (job->fallback_plaintext && job->tls != TLS_OPPORTUNISTIC) {
		/* Not blamed on a --tls never typed. */
		if (job->tls_implied)
			return err_setr(e, "usage", _("--fallback-plaintext works only "
			    "with --tls opportunistic, and port %d implies %s; choose "
			    "another with --tls or the profile's tls ="), job->port,
			    tls_mode_name(job->tls));
		return err_setr(e, "usage", _("--fallback-plaintext works only with "
		    "--tls opportunistic (the policy here is %s)"), tls_mode_name(job->tls));
	}
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
	const char **hdrs;
	size_t nh = 0, i;
	char *plines = pr != NULL ? xstrdup(pr->headers) : NULL, *line, *save;

	memset(&spec, 0, sizeof spec);
	/* The profile's header lines, then the command line's. */
	hdrs = xcalloc(o->nheaders + 65, sizeof *hdrs);
	for (line = plines != NULL ? strtok_r(plines, "\n", &save) : NULL;
	    line != NULL && nh < 64; line = strtok_r(NULL, "\n", &save))
		hdrs[nh++] = line;
	for (i = 0; i < o->nheaders; i++)
		hdrs[nh++] = o->headers[i];
	spec.headers = hdrs;
	spec.reply_to = o->reply_to.len > 0 ? o->reply_to.data :
	    pr != NULL ? pr->reply_to : NULL;
	spec.wrap = pr != NULL ? pr->wrap : MSG_WRAP_AUTO;
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
	free(hdrs);
	free(plines);
	return m;
}

/* probe --ports HOST: the checks of its own, then app/ports.c with the
 * session settings build_job makes of the other options. */
static int
probe_ports(struct opts *o, const struct profile *pr, struct printer *p)
{
	const char *bad = NULL, *server = NULL, *from = NULL;
	struct smtp_job job;
	struct buf to;
	struct err e = { 0 };
	bool syntax = false;
	char *host = NULL, *m = NULL;
	int port = 0, status = 2, deadline = PORTS_DEADLINE;

	smtp_job_init(&job);
	buf_init(&to);
	if (!o->probe) {
		print_usage_failure(p, _("--ports is an option of missive probe"));
		goto out;
	}
	if (o->tls != NULL)
		bad = "--tls";
	else if (o->fallback)
		bad = "--fallback-plaintext";
	else if (o->user != NULL)
		bad = "--user";
	else if (o->password_cmd != NULL)
		bad = "--password-cmd";
	else if (o->auth != NULL)
		bad = "--auth";
	else if (o->plainauth)
		bad = "--allow-plaintext-auth";
	else if (o->transcript != NULL)
		bad = "--transcript";
	else if (o->verbose)
		bad = "--verbose";
	if (bad != NULL) {
		m = xasprintf(_("%s does not go with --ports: each port is probed "
		    "with the policy it implies, without logging in"), bad);
		print_usage_failure(p, m);
		goto out;
	}
	if (o->nargs != 1) {
		usage_send(stderr, true, false);
		print_usage_failure(p, o->nargs == 0 ? _("--ports needs a HOST") :
		    _("--ports takes one HOST"));
		goto out;
	}
	if (server_split(o->args[0], &host, &port, &e) == -1) {
		m = xasprintf(_("HOST `%s': %s"), o->args[0], e.msg);
		print_usage_failure(p, m);
		goto out;
	}
	if (port != 0) {
		m = xasprintf(_("--ports takes a HOST without a port (`%s'): it "
		    "tries 465, 587 and 25 itself"), o->args[0]);
		print_usage_failure(p, m);
		goto out;
	}
	if (build_job(o, pr, &job, &server, &from, &to, &syntax, &e) == -1) {
		print_usage_failure(p, e.msg);
		goto out;
	}
	if (o->timeout != NULL)
		deadline = job.timeout;
	status = cli_probe_ports(host, &job, deadline, o->json);
out:
	free(m);
	free(host);
	buf_free(&to);
	smtp_job_free(&job);
	return status;
}

/* The session's events on their way to the printer: the result is
 * preceded by the server memory's update and the receipt (app/record.c),
 * so that what they warn about comes before it. */
struct session_out {
	struct printer *p;
	struct record *rec;
};

/* The memory's update and the receipt, before the result is shown. */
static void
session_record(struct session_out *so, const struct event *ev)
{
	struct err w;

	if (record_after(so->rec, ev->result, NULL, &w) == -1)
		print_warning(so->p, w.msg, ev->t);
	free(so->p->memory);
	so->p->memory = so->p->probe ? record_memory_words(so->rec) : NULL;
}

static void
session_event(const struct event *ev, void *arg)
{
	struct session_out *so = arg;

	if (ev->type == EV_RESULT && ev->result != NULL)
		session_record(so, ev);
	print_event(ev, so->p);
}

/* --queue: what is needed to put a message the server could not take
 * now into the outbox, before its result is shown. */
struct queue_out {
	struct session_out so;	/* .p, the printer; .rec */
	struct printer *p;
	const struct opts *o;
	const struct profile *pr;
	struct smtp_job *job;
	const char *to;
	bool queued;
};

/* --queue keeps the profile's settings for the later tries: options that
 * would change the session cannot come along. NULL when none is given. */
static const char *
queue_conflict(const struct opts *o)
{
	if (o->tls != NULL) return "--tls";
	if (o->fallback) return "--fallback-plaintext";
	if (o->ca_file != NULL) return "--ca-file";
	if (o->fingerprint != NULL) return "--fingerprint";
	if (o->pin_pubkey != NULL) return "--pin-pubkey";
	if (o->insecure) return "--insecure";
	if (o->tls_min != NULL) return "--tls-min";
	if (o->user != NULL) return "--user";
	if (o->password_cmd != NULL) return "--password-cmd";
	if (o->auth != NULL) return "--auth";
	if (o->plainauth) return "--allow-plaintext-auth";
	if (o->helo != NULL) return "--helo";
	if (o->timeout != NULL) return "--timeout";
	if (o->partial) return "--partial";
	if (o->dry_run) return "--dry-run";
	return NULL;
}

static void
queue_event(const struct event *ev, void *arg)
{
	struct queue_out *q = arg;
	struct deliver_queue dq;
	struct deliver_report rep;
	struct err e;
	char *words;

	if (ev->type == EV_RESULT && ev->result != NULL)
		session_record(&q->so, ev);
	if (ev->type != EV_RESULT || ev->result == NULL ||
	    deliver_class(ev->result) != DC_TEMP) {
		print_event(ev, q->p);
		return;
	}
	memset(&dq, 0, sizeof dq);
	memset(&rep, 0, sizeof rep);
	dq.profile = q->pr->name;
	dq.via = "send";
	dq.from = q->o->from != NULL ? q->o->from : q->pr->from;
	dq.to = q->to;
	dq.subject = q->o->subject;
	dq.failed = ev->result;
	err_clear(&e);
	if (deliver_queue_msg(q->job->msg, &dq, rep.id, &e) == -1) {
		char *w = xasprintf(_("--queue: the message could not be put in the "
		    "outbox: %s"), e.msg);
		struct event wv = { .type = EV_WARNING, .t = ev->t, .text = w };

		print_event(&wv, q->p);
		free(w);
		print_event(ev, q->p);
		return;
	}
	q->queued = true;
	rep.cls = DC_TEMP;
	rep.kept = true;
	rep.state = OB_QUEUED;
	rep.next_try = (long long)time(NULL) + outbox_backoff(1);
	words = deliver_report_words(&rep);
	if (q->p->json) {
		/* The decision before the result, which stays last. */
		struct event wv = { .type = EV_WARNING, .t = ev->t, .text = words };
		struct event rv = *ev;
		struct result *r = result_dup(ev->result);

		print_event(&wv, q->p);
		r->exit_status = 0;
		rv.result = r;
		print_event(&rv, q->p);
		result_free(r);
	} else {
		print_event(ev, q->p);
		fprintf(stderr, "missive: %s\n", words);
	}
	free(words);
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
	buf_init(&o.reply_to);
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
	if (o.ports) {
		status = probe_ports(&o, pr, &p);
		goto out;
	}
	if (o.queue && !probe) {
		const char *c = queue_conflict(&o);

		if (pr == NULL) {
			print_usage_failure(&p, _("--queue needs a profile (-p NAME): "
			    "the outbox sends the message later with the profile's "
			    "server and settings"));
			goto out;
		}
		if (c != NULL) {
			err_set(&e, _("--queue: %s cannot go with it; the outbox sends "
			    "with the profile's settings alone (put it in the profile)"),
			    c);
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
	if (o.queue && !probe && strcmp(server, pr->server != NULL ?
	    pr->server : "") != 0) {
		err_set(&e, _("--queue: the outbox sends with the profile's server "
		    "(%s), not %s; leave SERVER out"), pr->server != NULL ?
		    pr->server : "-", server);
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
			status = preview_print(job.msg, &e) == 0 ? 0 : 1;
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
	if (o.queue) {
		struct queue_out q = { .so = so, .p = &p, .o = &o, .pr = pr,
		    .job = &job, .to = to.data };

		r = smtp_run(&job, queue_event, &q, NULL, NULL);
		status = q.queued ? 0 : r->exit_status;
	} else {
		r = smtp_run(&job, session_event, &so, NULL, NULL);
		status = r->exit_status;
	}
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
	buf_free(&o.reply_to);
	buf_free(&to);
	free(o.attach);
	free(o.headers);
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
