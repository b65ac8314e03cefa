/* `missive sendmail`: the sendmail interface for mail readers, git
 * send-email and cron. One finished message on stdin goes into a new
 * outbox entry first (streamed, fsynced), then out from there with the
 * profile's server and every rule of `send`; a temporary failure leaves
 * it queued. Exit statuses are sendmail's (sysexits.h). */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "app/deliver.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/print.h"
#include "mail/address.h"
#include "mail/encode.h"
#include "mail/msg.h"
#include "mail/rawmsg.h"
#include "store/outbox.h"
#include "store/profile.h"

/* sysexits.h, by name. */
#define EX_OK_		0
#define EX_USAGE_	64
#define EX_DATAERR_	65
#define EX_UNAVAILABLE_	69
#define EX_TEMPFAIL_	75
#define EX_NOPERM_	77
#define EX_CONFIG_	78

enum { O_JSON = 256, O_NOQUEUE, O_HELP, O_PROFILE };

struct sm_opts {
	const char *profile, *from, *name;
	bool t, verbose, json, no_queue, queue_only;
	char **args;
	int nargs;
};

static void
usage(FILE *f, bool for_help)
{
	fputs(for_help ?
	    _("Usage: missive sendmail [-p PROFILE] [-t] [-i] [-f ADDR] [-F NAME]\n"
	    "                        [--no-queue] [-v] [--json] [--] [ADDRESS...]\n") :
	    _("Syntax: missive sendmail [-p PROFILE] [-t] [-i] [-f ADDR] [-F NAME]\n"
	    "                         [--no-queue] [-v] [--json] [--] [ADDRESS...]\n"), f);
}

static void
help(void)
{
	usage(stdout, true);
	fputs(_(
"Reads one complete message (RFC 5322, LF or CRLF line ends) on standard\n"
"input and sends it to the ADDRESSes with a profile's server, as sendmail\n"
"does for mail readers, git send-email and cron. The message goes into the\n"
"outbox first; when the server cannot be reached or says \"not now\" (4xx)\n"
"it stays there, and `missive outbox flush' sends it later.\n"
"\n"
"  -p, --profile NAME   the profile (default: default_profile)\n"
"  -t                   also send to the message's To, Cc and Bcc\n"
"  -f ADDR, -r ADDR     envelope sender (default: the profile's from, then\n"
"                       the message's From)\n"
"  -F NAME              the name of a From field added to a message that\n"
"                       has none\n"
"  -i, -oi              accepted: a lone dot never ends the message\n"
"  -odq                 only put it in the outbox; send nothing now\n"
"      --no-queue       on a temporary failure, exit 75 instead of queueing\n"
"  -v                   the dialogue on stderr\n"
"      --json           progress as JSON lines on stdout\n"
"\n"
"Accepted and ignored: -oem -oee -oep -oeq -oew -odi -odb -om -B 8BITMIME\n"
"-B 7BIT -bm -h N -n -U -G -L TAG. Refused with a reason: -N, -R, -V (delivery\n"
"status notifications), -bs, -bp, -q, -C, -O, -X and any other.\n"
"\n"
"The Bcc field is removed; Date and Message-ID are added when missing.\n"
"\n"
"Exit status (sysexits.h): 0 sent or queued, 64 usage, 65 malformed\n"
"message, 69 refused for good (not queued), 75 temporary failure not\n"
"queued, 77 AUTH refused, 78 bad profile or configuration.\n"), stdout);
}

/* Refused sendmail options, with what to do instead. */
static int
refuse(const char *what, const char *why)
{
	fprintf(stderr, _("missive sendmail: %s: %s\n"), what, why);
	return -1;
}

static int
opt_o(struct sm_opts *o, const char *a)
{
	static const char *const ignored[] = { "i", "em", "ee", "ep", "eq", "ew",
		"di", "db", "m" };
	size_t i;

	for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		if (strcmp(a, ignored[i]) == 0)
			return 0;
	if (strcmp(a, "dq") == 0) {
		o->queue_only = true;
		return 0;
	}
	{
		char *w = xasprintf("-o%s", a);
		int rc = refuse(w, _("missive knows no such sendmail option (it "
		    "accepts -oi, -oem and the other -oe modes, -odi, -odb and "
		    "-odq)"));

		free(w);
		return rc;
	}
}

static int
parse(int argc, char **argv, struct sm_opts *o)
{
	static const struct option longs[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, O_JSON },
		{ "no-queue", no_argument, NULL, O_NOQUEUE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 1;
	argv[0] = (char *)"missive sendmail";
	/* "+": options first, as every caller passes them; an address
	 * after them is never taken for one. */
	while ((c = getopt_long(argc, argv, "+B:b:C:F:f:Gh:iL:N:nO:o:p:q::R:r:tUV:vX:",
	    longs, NULL)) != -1) {
		switch (c) {
		case 'p': o->profile = optarg; break;
		case 'f':
		case 'r': o->from = optarg; break;
		case 'F': o->name = optarg; break;
		case 't': o->t = true; break;
		case 'i': break;
		case 'v': o->verbose = true; break;
		case O_JSON: o->json = true; break;
		case O_NOQUEUE: o->no_queue = true; break;
		case O_HELP:
			help();
			exit(0);
		case 'o':
			if (opt_o(o, optarg) == -1)
				return -1;
			break;
		case 'B':
			if (strcasecmp(optarg, "8BITMIME") != 0 &&
			    strcasecmp(optarg, "7BIT") != 0)
				return refuse("-B", _("only 8BITMIME and 7BIT are known "
				    "(the message's own bytes decide which it is)"));
			break;
		case 'b':
			if (strcmp(optarg, "m") == 0)
				break;
			if (strcmp(optarg, "p") == 0)
				return refuse("-bp", _("the outbox is listed by `missive "
				    "outbox'"));
			if (strcmp(optarg, "s") == 0)
				return refuse("-bs", _("missive does not speak SMTP on "
				    "standard input; it reads one message"));
			return refuse("-b", _("only -bm (deliver a message) is "
			    "offered"));
		case 'q':
			return refuse("-q", _("the outbox is sent by `missive outbox "
			    "flush'"));
		case 'N':
		case 'R':
		case 'V':
			return refuse(c == 'N' ? "-N" : c == 'R' ? "-R" : "-V",
			    _("missive does not ask servers for delivery status "
			    "notifications (DSN); leave it out (neomutt and mutt: "
			    "unset dsn_notify and dsn_return)"));
		case 'C':
			return refuse("-C", _("missive takes its settings from a "
			    "profile: give -p PROFILE"));
		case 'O':
		case 'X':
			return refuse(c == 'O' ? "-O" : "-X", _("missive knows no such "
			    "sendmail option"));
		case 'h':	/* hop count: the server counts Received fields */
		case 'n':	/* no aliases: missive has none */
		case 'U':	/* initial submission: always */
		case 'G':
		case 'L':
			break;
		default:
			return -1;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* One bare address from what the user typed; NULL with e. */
static char *
one_addr(const char *field, const char *s, struct err *e)
{
	struct addr_list l;
	char *spec = NULL;

	if (addr_parse(field, s, strlen(s), &l, e) == -1)
		return NULL;
	if (addr_count(&l) != 1 || l.v[l.n - 1].kind != ADDR_MAILBOX) {
		char *sh = str_escape(s, strlen(s));

		err_setr(e, "usage", _("%s: `%s' is not one address"), field, sh);
		free(sh);
	} else
		spec = addr_spec(&l.v[l.n - 1], true);
	addr_list_free(&l);
	return spec;
}

/* The first mailbox of a header value ("Name <a@b>"), bare; NULL when
 * it holds none that parses. */
static char *
first_mailbox(const char *value)
{
	struct addr_list l;
	struct err e;
	char *spec = NULL;
	size_t i;

	if (value == NULL || addr_parse("From", value, strlen(value), &l, &e) == -1)
		return NULL;
	for (i = 0; i < l.n && spec == NULL; i++)
		if (l.v[i].kind == ADDR_MAILBOX)
			spec = addr_spec(&l.v[i], true);
	addr_list_free(&l);
	return spec;
}

/* A From value for a message without one: "-F NAME <sender>". */
static char *
from_value(const char *name, const char *sender)
{
	struct buf b;
	struct enc_hdr h;
	struct addr_list l;
	struct err e;
	char *typed, *v;

	typed = name != NULL && *name != '\0' ?
	    xasprintf("\"%s\" <%s>", name, sender) : xstrdup(sender);
	if (addr_parse("From", typed, strlen(typed), &l, &e) == -1) {
		free(typed);
		return xstrdup(sender);
	}
	free(typed);
	buf_init(&b);
	enc_hdr_begin(&h, &b, "From");
	addr_render(&h, &l, false);
	enc_hdr_end(&h);
	addr_list_free(&l);
	/* The value alone: without "From:", its blank and the last CRLF. */
	{
		size_t a = 5;

		while (a < b.len && b.data[a] == ' ')
			a++;
		v = xstrndup(b.data + a, b.len - 2 - a);
	}
	buf_free(&b);
	return v;
}

/* What went out into the outbox: the message read, the envelope
 * decided. Returns an exit status (0: the entry is committed). */
static int
make_entry(struct sm_opts *o, const struct profile *pr,
    struct outbox_entry *en, int fd, struct printer *p)
{
	struct outbox_meta *m = outbox_meta(en);
	struct rawmsg *r;
	struct rawmsg_add add;
	struct rawmsg_out info;
	struct err e;
	char *sender = NULL, *hfrom = NULL, *added_from = NULL, *date = NULL,
	    *msgid = NULL, *v;
	const char *dom;
	int i, status = EX_USAGE_;

	err_clear(&e);
	if ((r = rawmsg_read_head(STDIN_FILENO, &e)) == NULL) {
		status = strcmp(e.reason, RAWMSG_BAD) == 0 ? EX_DATAERR_ :
		    EX_TEMPFAIL_;
		print_failure(p, e.reason, e.msg, status);
		return status;
	}
	/* Recipients: the arguments, then with -t the header's. */
	for (i = 0; i < o->nargs; i++) {
		struct addr_list l;

		if (addr_parse(_("recipient"), o->args[i], strlen(o->args[i]), &l,
		    &e) == -1) {
			print_failure(p, "usage", e.msg, EX_USAGE_);
			goto out;
		}
		addr_specs_add(&m->rcpt, &m->nrcpt, &l);
		addr_list_free(&l);
	}
	if (o->t) {
		static const char *const fields[] = { "To", "Cc", "Bcc" };

		for (i = 0; i < 3; i++) {
			struct addr_list l;

			if ((v = rawmsg_field(r, fields[i])) == NULL)
				continue;
			if (addr_parse(fields[i], v, strlen(v), &l, &e) == -1) {
				free(v);
				status = EX_DATAERR_;
				print_failure(p, RAWMSG_BAD, e.msg, status);
				goto out;
			}
			free(v);
			addr_specs_add(&m->rcpt, &m->nrcpt, &l);
			addr_list_free(&l);
		}
	}
	if (m->nrcpt == 0) {
		print_failure(p, "usage", o->t ? _("no recipient: the message has "
		    "no To, Cc or Bcc and no ADDRESS was given") : _("no recipient: "
		    "give the ADDRESSes, or -t to send to the message's To, Cc "
		    "and Bcc"), EX_USAGE_);
		goto out;
	}
	/* The sender: -f, the profile's from, the message's From. */
	hfrom = rawmsg_field(r, "From");
	if (o->from != NULL && (strcmp(o->from, "<>") == 0 || *o->from == '\0'))
		sender = xstrdup("");
	else if (o->from != NULL) {
		if ((sender = one_addr("-f", o->from, &e)) == NULL) {
			print_failure(p, "usage", e.msg, EX_USAGE_);
			goto out;
		}
	} else if (pr->from != NULL && (sender = first_mailbox(pr->from)) == NULL) {
		v = xasprintf(_("the profile `%s' has a from that is no address: %s"),
		    pr->name, pr->from);
		print_failure(p, "usage", v, EX_CONFIG_);
		free(v);
		status = EX_CONFIG_;
		goto out;
	} else if (sender == NULL && (sender = first_mailbox(hfrom)) == NULL) {
		print_failure(p, "usage", _("no sender: give -f ADDR, from in the "
		    "profile, or a From field in the message"), EX_USAGE_);
		goto out;
	}
	/* What the message lacks. The Message-ID's domain is the sender's. */
	if (hfrom == NULL && *sender != '\0')
		added_from = from_value(o->name, sender);
	v = first_mailbox(hfrom);
	dom = v != NULL ? strrchr(v, '@') : strrchr(sender, '@');
	msgid = msg_make_id(dom != NULL ? dom + 1 : "missive.invalid");
	free(v);
	date = msg_make_date();
	memset(&add, 0, sizeof add);
	add.from = added_from;
	add.date = date;
	add.message_id = msgid;
	if (rawmsg_write(r, fd, &add, &info, &e) == -1) {
		status = strcmp(e.reason, RAWMSG_BAD) == 0 ? EX_DATAERR_ :
		    EX_TEMPFAIL_;
		print_failure(p, e.reason, e.msg, status);
		goto out;
	}
	m->state = OB_QUEUED;
	m->profile = xstrdup(pr->name);
	m->via = xstrdup("sendmail");
	m->env_from = sender;
	sender = NULL;
	m->message_id = info.added_message_id ? xstrdup(msgid) :
	    rawmsg_field(r, "Message-ID");
	m->from = info.added_from ? xstrdup(added_from) : xstrdup(hfrom);
	m->to = rawmsg_field(r, "To");
	m->subject = rawmsg_field(r, "Subject");
	m->eight_bit = info.eight_bit;
	m->head_8bit = info.head_8bit;
	m->next_try = time(NULL);
	if (outbox_commit(en, &e) == -1) {
		status = EX_TEMPFAIL_;
		print_failure(p, "local", e.msg, status);
		goto out;
	}
	status = EX_OK_;
out:
	free(sender);
	free(hfrom);
	free(added_from);
	free(date);
	free(msgid);
	rawmsg_free(r);
	return status;
}

/* The events on their way to the printer: in JSON the outbox's decision
 * comes just before the result, whose exit_status is the sendmail one. */
struct sm_out {
	struct printer *p;
	struct deliver_report rep;
};

static void
sm_event(const struct event *ev, void *arg)
{
	struct sm_out *so = arg;

	if (ev->type == EV_RESULT && ev->result != NULL && so->p->json) {
		struct event w = { .type = EV_WARNING, .t = ev->t };
		struct event rv = *ev;
		struct result *r = result_dup(ev->result);
		char *words = deliver_report_words(&so->rep);

		if (words != NULL) {
			w.text = words;
			print_event(&w, so->p);
			free(words);
		}
		r->exit_status = so->rep.kept ? 0 : deliver_sysexit(r);
		rv.result = r;
		print_event(&rv, so->p);
		result_free(r);
		return;
	}
	print_event(ev, so->p);
}

int
cli_sendmail(int argc, char **argv)
{
	struct sm_opts o;
	struct printer p;
	struct profiles *ps = NULL;
	const struct profile *pr = NULL;
	struct outbox_entry *en = NULL;
	struct deliver_opts dopts;
	struct sm_out so;
	struct result *r = NULL;
	struct err e;
	char *dir = NULL, *words;
	enum deliver_class cls;
	int status = EX_USAGE_, fd;

	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	memset(&p, 0, sizeof p);
	err_clear(&e);
	if (parse(argc, argv, &o) == -1) {
		usage(stderr, false);
		fputs(_("Try `missive sendmail --help' for more information.\n"),
		    stderr);
		return EX_USAGE_;
	}
	p.json = o.json;
	p.verbose = o.verbose;
	/* Silent when all is well, as sendmail is: mail readers show what
	 * it says as an error. -v tells everything. */
	p.quiet = !o.verbose;
	p.queue = true;
	if ((ps = profiles_load(NULL, &e)) == NULL) {
		print_failure(&p, "usage", e.msg, EX_CONFIG_);
		return EX_CONFIG_;
	}
	status = EX_CONFIG_;
	if (o.profile != NULL && (pr = profiles_find(ps, o.profile)) == NULL) {
		err_set(&e, _("no profile named `%s' (missive profiles lists them)"),
		    o.profile);
		print_failure(&p, "usage", e.msg, status);
		goto out;
	}
	if (pr == NULL && (pr = profiles_default(ps)) == NULL) {
		print_failure(&p, "usage", _("no profile to send with: give -p "
		    "PROFILE, or set default_profile in [missive] of "
		    "profiles.ini"), status);
		goto out;
	}
	if (pr->server == NULL) {
		err_set(&e, _("the profile `%s' names no server"), pr->name);
		print_failure(&p, "usage", e.msg, status);
		goto out;
	}
	dir = outbox_dir();
	if ((en = outbox_new(dir, &fd, &e)) == NULL) {
		status = EX_TEMPFAIL_;
		print_failure(&p, "local", e.msg, status);
		goto out;
	}
	if ((status = make_entry(&o, pr, en, fd, &p)) != EX_OK_)
		goto out;
	if (o.queue_only) {
		fprintf(stderr, _("missive: queued in the outbox as %s (-odq); "
		    "`missive outbox flush' sends it\n"), outbox_meta(en)->id);
		goto out;
	}
	memset(&dopts, 0, sizeof dopts);
	memset(&so, 0, sizeof so);
	dopts.via = DV_SENDMAIL;
	dopts.keep = o.no_queue ? KEEP_NONE : KEEP_QUEUEABLE;
	dopts.report = &so.rep;
	so.p = &p;
	cls = deliver_entry(en, &dopts, sm_event, &so, &r, &e);
	if (cls == DC_CONFIG && r == NULL) {
		print_failure(&p, "usage", e.msg, EX_CONFIG_);
		status = EX_CONFIG_;
		goto out;
	}
	status = so.rep.kept ? EX_OK_ : deliver_sysexit(r);
	if (!p.json && (words = deliver_report_words(&so.rep)) != NULL) {
		fprintf(stderr, "missive: %s\n", words);
		free(words);
	}
out:
	result_free(r);
	outbox_close(en);
	free(dir);
	profiles_free(ps);
	return status;
}
