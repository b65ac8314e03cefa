/* `missive outbox`: the messages waiting to be sent, listed, shown,
 * dropped, and sent now (`flush`, also what the systemd timer, cron and
 * the composer run). Exit statuses are sysexits.h's, as sendmail's. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/deliver.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/print.h"
#include "mail/encode.h"
#include "store/outbox.h"

#define EX_USAGE_	64
#define EX_NOINPUT_	66
#define EX_TEMPFAIL_	75

enum { O_JSON = 256, O_DUE, O_UNCERTAIN, O_HELP };

static void
usage(FILE *f, bool for_help)
{
	fputs(for_help ? _("Usage: missive outbox [--json]\n") :
	    _("Syntax: missive outbox [--json]\n"), f);
	fputs(_("       missive outbox flush [--due] [--uncertain] [-v] [--json] "
	    "[ID...]\n"
	    "       missive outbox show ID\n"
	    "       missive outbox drop ID...\n"), f);
}

static void
help(void)
{
	usage(stdout, true);
	fputs(_(
"\n"
"The outbox holds the messages that could not be sent yet: those that\n"
"`missive sendmail' could not send at once, `missive send --queue' and the\n"
"composer's \"put in the outbox\". Without a command it lists them: ID,\n"
"age, tries, next try, last error, From, To and Subject.\n"
"\n"
"  flush          send the queued messages now (every one, or the IDs)\n"
"    --due        only those whose next try has come (for timers and cron)\n"
"    --uncertain  also the IDs marked uncertain (\"maybe sent\": the\n"
"                 connection was lost after the message, before the\n"
"                 server's answer; sending again may deliver it twice)\n"
"    -v           the dialogue on stderr\n"
"    --json       progress as JSON lines on stdout\n"
"  show ID        one message's envelope, state and header\n"
"  drop ID...     remove messages from the outbox unsent\n"
"\n"
"A held message (refused for a reason that waiting does not mend) and an\n"
"uncertain one are tried again only when named.\n"
"\n"
"Exit status (sysexits.h): 0 done (every message tried was sent), 64 usage,\n"
"66 no such message, 69 a message was refused for good (held), 75 a\n"
"message is still queued or uncertain, or another missive holds it,\n"
"77 AUTH refused, 78 a profile is wrong.\n"), stdout);
}

static int
syntax(const char *what)
{
	if (what != NULL)
		fprintf(stderr, "missive outbox: %s\n", what);
	usage(stderr, false);
	fputs(_("Try `missive outbox --help' for more information.\n"), stderr);
	return EX_USAGE_;
}

/* A header value for the terminal: encoded-words decoded, escaped. */
static char *
shown(const char *v)
{
	char *d, *s;
	size_t n;

	if (v == NULL)
		return xstrdup("");
	d = enc_ew_decode_n(v, &n);
	s = str_escape(d, n);
	free(d);
	return s;
}

static char *
age_words(time_t then, time_t now)
{
	long d = (long)(now - then);

	if (d < 0)
		d = 0;
	if (d < 60)
		return xasprintf(ngettext("%ld second", "%ld seconds", d), d);
	if (d < 3600)
		return xasprintf(ngettext("%ld minute", "%ld minutes", d / 60), d / 60);
	if (d < 86400)
		return xasprintf(ngettext("%ld hour", "%ld hours", d / 3600), d / 3600);
	return xasprintf(ngettext("%ld day", "%ld days", d / 86400), d / 86400);
}

static void
print_entry(const struct outbox_meta *m, time_t now)
{
	char *age = age_words(m->created, now), *f = shown(m->from),
	    *t = shown(m->to), *s = shown(m->subject),
	    *le = m->last_error != NULL ?
	    str_escape(m->last_error, strlen(m->last_error)) : NULL;
	char *next = NULL;

	if (m->state == OB_QUEUED && m->next_try <= now)
		next = xstrdup(_("due now"));
	else if (m->state == OB_QUEUED) {
		char *in = age_words(now, m->next_try);

		next = xasprintf(_("next try in %s"), in);
		free(in);
	}
	printf("%s  %-9s  ", m->id, outbox_state_name(m->state));
	printf(ngettext("%s old, %u try", "%s old, %u tries", m->attempts), age,
	    m->attempts);
	if (next != NULL)
		printf(", %s", next);
	if (m->busy)
		fputs(_(", being sent now"), stdout);
	putchar('\n');
	printf(_("  From:    %s\n"), f);
	printf(_("  To:      %s\n"), t);
	printf(_("  Subject: %s\n"), s);
	if (le != NULL)
		printf(_("  Last:    %s\n"), le);
	free(age);
	free(f);
	free(t);
	free(s);
	free(le);
	free(next);
}

/* A string, or null for a field the entry does not have (a message
 * queued with -odq has no last error, one from outside no subject). */
static void
json_str(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_adds(b, "null");
	else
		json_add_str(b, s);
}

static void
json_entry(struct buf *b, const struct outbox_meta *m)
{
	size_t i;

	buf_adds(b, "{\"id\":");
	json_str(b, m->id);
	buf_adds(b, ",\"state\":");
	json_add_str(b, outbox_state_name(m->state));
	buf_adds(b, ",\"profile\":");
	json_str(b, m->profile);
	buf_adds(b, ",\"via\":");
	json_str(b, m->via);
	buf_adds(b, ",\"env_from\":");
	json_str(b, m->env_from);
	buf_adds(b, ",\"rcpt\":[");
	for (i = 0; i < m->nrcpt; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_str(b, m->rcpt[i]);
	}
	buf_adds(b, "],\"message_id\":");
	json_str(b, m->message_id);
	buf_adds(b, ",\"from\":");
	json_str(b, m->from);
	buf_adds(b, ",\"to\":");
	json_str(b, m->to);
	buf_adds(b, ",\"subject\":");
	json_str(b, m->subject);
	buf_addf(b, ",\"size\":%llu,\"created\":%lld,\"attempts\":%u,"
	    "\"next_try\":%lld,\"last_try\":%lld,\"last_reason\":",
	    (unsigned long long)m->size, (long long)m->created, m->attempts,
	    (long long)m->next_try, (long long)m->last_try);
	json_str(b, m->last_reason);
	buf_adds(b, ",\"last_error\":");
	json_str(b, m->last_error);
	buf_addf(b, ",\"busy\":%s}", m->busy ? "true" : "false");
}

static int
list(bool json)
{
	char *dir = outbox_dir();
	struct outbox_meta *v;
	struct err e;
	ssize_t n;
	size_t i;
	time_t now = time(NULL);

	err_clear(&e);
	n = outbox_list(dir, &v, &e);
	free(dir);
	if (n < 0) {
		fprintf(stderr, "missive outbox: %s\n", e.msg);
		return EX_TEMPFAIL_;
	}
	if (n == 0 && !json)
		puts(_("The outbox is empty."));
	for (i = 0; i < (size_t)n; i++) {
		if (json) {
			struct buf b;

			buf_init(&b);
			json_entry(&b, &v[i]);
			puts(buf_cstr(&b));
			buf_free(&b);
		} else
			print_entry(&v[i], now);
	}
	outbox_list_free(v, (size_t)n);
	if (fflush(stdout) == EOF) {
		perror("missive outbox");
		return EX_TEMPFAIL_;
	}
	return 0;
}

/* Opens ID for a command that names it, saying why not. 0, or a status. */
static int
open_named(const char *dir, const char *id, struct outbox_entry **en)
{
	struct err e;
	int rc;

	err_clear(&e);
	if (!outbox_id_ok(id)) {
		char *sh = str_escape(id, strlen(id));

		fprintf(stderr, _("missive outbox: `%s' is not an outbox ID (eight "
		    "letters and digits, as `missive outbox' lists them)\n"), sh);
		free(sh);
		return EX_USAGE_;
	}
	rc = outbox_open(dir, id, en, &e);
	if (rc == 1) {
		fprintf(stderr, _("missive outbox: %s is being sent by another "
		    "missive right now\n"), id);
		return EX_TEMPFAIL_;
	}
	if (rc == 2) {
		fprintf(stderr, _("missive outbox: there is no message %s in the "
		    "outbox (it may have been sent meanwhile)\n"), id);
		return EX_NOINPUT_;
	}
	if (rc == -1) {
		fprintf(stderr, "missive outbox: %s\n", e.msg);
		return EX_TEMPFAIL_;
	}
	return 0;
}

static int
drop(int argc, char **argv)
{
	char *dir = outbox_dir();
	struct outbox_entry *en;
	struct err e;
	int i, rc, status = 0;

	if (argc < 2) {
		free(dir);
		return syntax(_("drop: which message? Give its ID"));
	}
	for (i = 1; i < argc; i++) {
		if ((rc = open_named(dir, argv[i], &en)) != 0) {
			status = status ? status : rc;
			continue;
		}
		err_clear(&e);
		if (outbox_remove(en, &e) == -1) {
			fprintf(stderr, "missive outbox: %s\n", e.msg);
			status = EX_TEMPFAIL_;
		} else
			fprintf(stderr, _("missive outbox: dropped %s\n"), argv[i]);
		outbox_close(en);
	}
	free(dir);
	return status;
}

static int
show(int argc, char **argv)
{
	char *dir = outbox_dir(), line[4096];
	struct outbox_entry *en;
	struct outbox_meta *m;
	FILE *f;
	size_t i;
	int rc;

	if (argc != 2) {
		free(dir);
		return syntax(_("show: give one ID"));
	}
	if ((rc = open_named(dir, argv[1], &en)) != 0) {
		free(dir);
		return rc;
	}
	m = outbox_meta(en);
	print_entry(m, time(NULL));
	printf(_("  Profile: %s\n"), m->profile);
	printf(_("  Envelope from: <%s>\n"), m->env_from);
	for (i = 0; i < m->nrcpt; i++)
		printf(_("  Envelope to:   <%s>\n"), m->rcpt[i]);
	printf(_("  Message-ID: %s\n"), m->message_id ? m->message_id : "");
	printf(_("  Size: %llu bytes, in %s\n"), (unsigned long long)m->size,
	    outbox_msg_path(en));
	putchar('\n');
	/* The header as it goes out, escaped: it came from elsewhere. */
	if ((f = fopen(outbox_msg_path(en), "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			size_t n = strcspn(line, "\r\n");
			char *esc;

			if (n == 0)
				break;
			esc = str_escape(line, n);
			printf("  %s\n", esc);
			free(esc);
		}
		fclose(f);
	}
	outbox_close(en);
	free(dir);
	return fflush(stdout) == EOF ? EX_TEMPFAIL_ : 0;
}

/* --- flush */

struct flush {
	struct printer p;
	bool json;
	size_t sent, queued, uncertain, held, busy, config;
	int worst;	/* the exit status so far */
};

static void
json_note(struct flush *fl, const char *event, const struct outbox_meta *m,
    const struct deliver_report *rep)
{
	struct buf b;

	if (!fl->json)
		return;
	buf_init(&b);
	buf_adds(&b, "{\"event\":");
	json_add_str(&b, event);
	buf_adds(&b, ",\"id\":");
	json_add_str(&b, m->id);
	if (rep != NULL) {
		buf_adds(&b, ",\"outcome\":");
		json_add_str(&b, deliver_class_name(rep->cls));
		buf_adds(&b, ",\"kept\":");
		buf_adds(&b, rep->kept ? "true" : "false");
		if (rep->kept) {
			buf_adds(&b, ",\"state\":");
			json_add_str(&b, outbox_state_name((enum outbox_state)rep->state));
		}
	} else {
		buf_adds(&b, ",\"message_id\":");
		json_str(&b, m->message_id);
	}
	buf_addc(&b, '}');
	puts(buf_cstr(&b));
	fflush(stdout);
	buf_free(&b);
}

/* A status by how bad it is: a refusal over "later" over done. */
static void
worse(struct flush *fl, int status)
{
	if (status == 0)
		return;
	if (fl->worst == 0 || fl->worst == EX_TEMPFAIL_)
		fl->worst = status;
}

static void
flush_one(struct flush *fl, struct outbox_entry *en)
{
	struct outbox_meta *m = outbox_meta(en);
	struct deliver_opts o;
	struct deliver_report rep;
	struct result *r = NULL;
	struct err e;
	char *words, *to = shown(m->to), *subj = shown(m->subject);
	enum deliver_class c;

	memset(&o, 0, sizeof o);
	memset(&rep, 0, sizeof rep);
	o.via = DV_OUTBOX;
	o.keep = KEEP_ALL;
	o.report = &rep;
	if (!fl->json)
		fprintf(stderr, _("→ %s: to %s, \"%s\"\n"), m->id, to, subj);
	free(to);
	free(subj);
	json_note(fl, "outbox_entry", m, NULL);
	err_clear(&e);
	c = deliver_entry(en, &o, print_event, &fl->p, &r, &e);
	if (c == DC_CONFIG && r == NULL) {
		fprintf(stderr, _("missive outbox: %s not tried: %s\n"), m->id, e.msg);
		fl->config++;
		worse(fl, 78);
	} else if (c == DC_SENT)
		fl->sent++;
	else {
		if (rep.state == OB_QUEUED)
			fl->queued++;
		else if (rep.state == OB_UNCERTAIN)
			fl->uncertain++;
		else
			fl->held++;
		worse(fl, deliver_sysexit(r));
		if (!fl->json && (words = deliver_report_words(&rep)) != NULL) {
			fprintf(stderr, "  %s\n", words);
			free(words);
		}
	}
	json_note(fl, "outbox_done", m, &rep);
	result_free(r);
}

/* An uncertain entry whose receipt exists was accepted: a missive
 * stopped between writing the receipt and removing the entry. It leaves
 * the outbox now, unsent again. Returns whether it did. */
static bool
settle(struct flush *fl, struct outbox_entry *en)
{
	struct outbox_meta *m = outbox_meta(en);
	char when[32];
	struct err e;

	if (m->state != OB_UNCERTAIN ||
	    !deliver_receipt_of(m->id, when, sizeof when))
		return false;
	err_clear(&e);
	if (outbox_remove(en, &e) == -1) {
		fprintf(stderr, "missive outbox: %s\n", e.msg);
		worse(fl, EX_TEMPFAIL_);
		return true;
	}
	fl->sent++;
	if (!fl->json)
		fprintf(stderr, _("missive outbox: %s was accepted at %s (its receipt "
		    "says so); removed from the outbox, not sent again\n"), m->id,
		    when);
	json_note(fl, "outbox_settled", m, NULL);
	return true;
}

static int
flush(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "due", no_argument, NULL, O_DUE },
		{ "uncertain", no_argument, NULL, O_UNCERTAIN },
		{ "json", no_argument, NULL, O_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct flush fl;
	struct outbox_entry *en;
	struct outbox_meta *v;
	struct err e;
	char *dir;
	bool due = false, uncertain = false;
	time_t now = time(NULL);
	ssize_t n;
	int c, i, rc;

	memset(&fl, 0, sizeof fl);
	fl.p.queue = true;
	optind = 1;
	argv[0] = (char *)"missive outbox flush";
	while ((c = getopt_long(argc, argv, "v", longs, NULL)) != -1) {
		switch (c) {
		case O_DUE: due = true; break;
		case O_UNCERTAIN: uncertain = true; break;
		case O_JSON: fl.json = fl.p.json = true; break;
		case 'v': fl.p.verbose = true; break;
		case O_HELP: help(); return 0;
		default: return syntax(NULL);
		}
	}
	if (uncertain && optind == argc)
		return syntax(_("--uncertain needs the IDs: sending a message that "
		    "may have arrived is a decision for each one"));
	dir = outbox_dir();
	if (optind < argc) {
		for (i = optind; i < argc; i++) {
			if ((rc = open_named(dir, argv[i], &en)) != 0) {
				worse(&fl, rc);
				continue;
			}
			if (settle(&fl, en))
				;
			else if (outbox_meta(en)->state == OB_UNCERTAIN && !uncertain) {
				fprintf(stderr, _("missive outbox: %s is marked uncertain: "
				    "the server may have it already; give --uncertain to "
				    "send it again anyway\n"), argv[i]);
				worse(&fl, EX_TEMPFAIL_);
			} else
				flush_one(&fl, en);
			outbox_close(en);
		}
	} else {
		err_clear(&e);
		if ((n = outbox_list(dir, &v, &e)) < 0) {
			fprintf(stderr, "missive outbox: %s\n", e.msg);
			free(dir);
			return EX_TEMPFAIL_;
		}
		for (i = 0; i < (int)n; i++) {
			if (v[i].state == OB_UNCERTAIN && !v[i].busy &&
			    deliver_receipt_of(v[i].id, NULL, 0) &&
			    outbox_open(dir, v[i].id, &en, &e) == 0) {
				bool gone = settle(&fl, en);

				outbox_close(en);
				if (gone)
					continue;
			}
			if (v[i].state == OB_UNCERTAIN)
				fl.uncertain++;
			if (v[i].state == OB_HELD)
				fl.held++;
			if (v[i].state != OB_QUEUED || (due && v[i].next_try > now))
				continue;
			err_clear(&e);
			rc = outbox_open(dir, v[i].id, &en, &e);
			if (rc == 1) {
				fl.busy++;	/* another flush has it */
				continue;
			}
			if (rc == 2)
				continue;	/* sent or dropped meanwhile */
			if (rc == -1) {
				fprintf(stderr, "missive outbox: %s\n", e.msg);
				worse(&fl, EX_TEMPFAIL_);
				continue;
			}
			/* Read again under the lock: its state is the truth. */
			if (outbox_meta(en)->state == OB_QUEUED)
				flush_one(&fl, en);
			outbox_close(en);
		}
		outbox_list_free(v, (size_t)n);
		if (fl.busy > 0)
			worse(&fl, EX_TEMPFAIL_);
		if (fl.queued > 0)
			worse(&fl, EX_TEMPFAIL_);
	}
	free(dir);
	if (!fl.json && fl.sent + fl.queued + fl.uncertain + fl.held + fl.busy +
	    fl.config > 0)
		fprintf(stderr, _("missive outbox: %zu sent, %zu queued, %zu "
		    "uncertain, %zu held, %zu being sent by another missive\n"),
		    fl.sent, fl.queued, fl.uncertain, fl.held, fl.busy);
	return fl.worst;
}

int
cli_outbox(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "flush") == 0)
		return flush(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return show(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "drop") == 0)
		return drop(argc - 1, argv + 1);
	if (argc == 1)
		return list(false);
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		return list(true);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		help();
		return 0;
	}
	{
		char *sh = str_escape(argv[1], strlen(argv[1]));
		char *m = xasprintf(_("`%s' is not an outbox command (flush, show, "
		    "drop)"), sh);
		int rc = syntax(m);

		free(sh);
		free(m);
		return rc;
	}
}
