/* `missive servers` (the server memory: list, forget) and `missive
 * receipts` (the receipts of accepted messages, filtered). The files are
 * store/servers.c's and store/receipts.c's; this is how people and
 * scripts see them. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "net/server.h"
#include "store/receipts.h"
#include "store/servers.h"

#define EXIT_USAGE 2

static int
out_flush(const char *what)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, _("missive %s: cannot write to standard output: "
		    "%s\n"), what, strerror(errno));
		return 1;
	}
	return 0;
}

static void
j_str(struct buf *b, const char *k, const char *v, bool first)
{
	if (!first)
		buf_addc(b, ',');
	json_add_str(b, k);
	buf_addc(b, ':');
	if (v == NULL)
		buf_adds(b, "null");
	else
		json_add_str(b, v);
}

/* --- servers */

static void
servers_usage(FILE *f, bool for_help)
{
	fputs(for_help ?
	    _("Usage: missive servers [--json | --names]\n"
	    "       missive servers forget HOST[:PORT]\n") :
	    _("Syntax: missive servers [--json | --names]\n"
	    "       missive servers forget HOST[:PORT]\n"), f);
	if (!for_help)
		fprintf(f, _("Try `missive %s --help' for more information.\n"),
		    "servers");
}

static void
servers_help(void)
{
	char *path = servers_path();

	servers_usage(stdout, true);
	printf(_("\n"
"Lists the servers missive remembers: each HOST:PORT that negotiated TLS\n"
"with a verified or pinned certificate, how (starttls or implicit), when it\n"
"was first and last seen with its key, and that key's SHA-256. A later\n"
"opportunistic session that finds no TLS at one of them (STARTTLS missing or\n"
"refused, a failed handshake) sends nothing, --fallback-plaintext or not:\n"
"reason tls_downgrade, exit status 1. Sessions with --insecure are never\n"
"remembered.\n"
"\n"
"  forget HOST[:PORT]  forget the server (without :PORT, every port of\n"
"                      HOST): its next session may go without TLS again\n"
"      --json          one JSON object a line\n"
"      --names         only HOST:PORT, one a line (for scripts and completion)\n"
"  -h, --help          this help\n"
"\n"
"The memory is %s.\n"
"\n"
"Exit status: 0 done, 1 nothing is remembered for HOST[:PORT] (forget) or\n"
"the memory cannot be read or written, 2 usage error.\n"), path);
	free(path);
}

static void
bad_lines_warning(const struct servers *s)
{
	const char *why;
	size_t line, n = servers_bad(s, &line, &why);
	char *path;

	if (n == 0)
		return;
	path = servers_path();
	fprintf(stderr, ngettext("missive servers: %s: %zu line is not a server "
	    "(line %zu: %s); it is ignored, and kept\n", "missive servers: %s: %zu "
	    "lines are not servers (the first, line %zu: %s); they are ignored, "
	    "and kept\n", n), path, n, line, why);
	free(path);
}

static int
servers_list(bool json, bool names)
{
	static const char *head[6];
	struct servers *s;
	struct table *t;
	struct err e;
	size_t i, n;

	err_clear(&e);
	if ((s = servers_load(NULL, &e)) == NULL) {
		fprintf(stderr, "missive servers: %s\n", e.msg);
		return 1;
	}
	bad_lines_warning(s);
	n = servers_count(s);
	head[0] = _("SERVER");
	head[1] = _("TLS");
	head[2] = _("CERTIFICATE");
	head[3] = _("FIRST SEEN");
	head[4] = _("LAST SEEN");
	head[5] = _("PUBLIC KEY (SHA-256)");
	t = table_new(6, head);
	/* On a narrow terminal the server and the key give way, and the
	 * key goes (--json and a pipe have it). */
	for (i = 1; i <= 4; i++)
		table_keep_whole(t, i);
	table_optional(t, 5);
	for (i = 0; i < n; i++) {
		const struct server_mem *m = servers_get(s, i);
		char *name = servers_name(m->host, m->port);

		if (json) {
			struct buf b;

			buf_init(&b);
			buf_addc(&b, '{');
			j_str(&b, "server", name, true);
			j_str(&b, "host", m->host, false);
			buf_addf(&b, ",\"port\":%d", m->port);
			j_str(&b, "tls", m->how, false);
			j_str(&b, "certificate", m->trust, false);
			j_str(&b, "first_seen", m->first_seen, false);
			j_str(&b, "last_seen", m->last_seen, false);
			j_str(&b, "pubkey_sha256", m->pubkey, false);
			j_str(&b, "group", m->group[0] != '\0' ? m->group : NULL,
			    false);
			buf_adds(&b, "}\n");
			fwrite(b.data, 1, b.len, stdout);
			buf_free(&b);
		} else if (names) {
			char *esc = str_escape(name, strlen(name));

			puts(esc);
			free(esc);
		} else {
			const char *row[6] = { name, m->how, m->trust,
			    m->first_seen, m->last_seen, m->pubkey };

			table_add(t, row);
		}
		free(name);
	}
	if (!json && !names) {
		if (n == 0)
			fputs(_("No server is remembered yet: missive remembers each "
			    "server that negotiates TLS with a verified or pinned "
			    "certificate.\n"), stdout);
		else
			table_print(t, "");
	}
	table_free(t);
	servers_free(s);
	return out_flush("servers");
}

static int
servers_forget_cmd(const char *arg)
{
	struct server_mem *gone;
	struct err e;
	size_t n, i;
	char *host;
	int port;

	err_clear(&e);
	if (server_split(arg, &host, &port, &e) == -1) {
		char *esc = str_escape(arg, strlen(arg));

		fprintf(stderr, _("missive servers: forget `%s': %s\n"), esc, e.msg);
		free(esc);
		servers_usage(stderr, false);
		return EXIT_USAGE;
	}
	if (servers_forget(NULL, host, port, &gone, &n, &e) == -1) {
		fprintf(stderr, "missive servers: %s\n", e.msg);
		free(host);
		return 1;
	}
	if (n == 0) {
		char *esc = str_escape(arg, strlen(arg));

		fprintf(stderr, _("missive servers: nothing is remembered for %s "
		    "(`missive servers' lists what is)\n"), esc);
		free(esc);
		free(host);
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *name = servers_name(gone[i].host, gone[i].port);

		printf(_("Forgot %s (TLS %s, certificate %s, seen from %s to %s); "
		    "its next session may go without TLS.\n"), name, gone[i].how,
		    gone[i].trust, gone[i].first_seen, gone[i].last_seen);
		free(name);
		servers_mem_free(&gone[i]);
	}
	free(gone);
	free(host);
	return out_flush("servers");
}

int
cli_servers(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "names", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool json = false, names = false;
	int c;

	optind = 1;
	argv[0] = (char *)"missive servers";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'n': names = true; break;
		case 'h': servers_help(); return 0;
		default:
			servers_usage(stderr, false);
			return EXIT_USAGE;
		}
	}
	if (optind < argc && strcmp(argv[optind], "forget") == 0) {
		if (json || names || argc - optind != 2) {
			fputs(argc - optind < 2 ? _("missive servers: forget: which "
			    "server? Give HOST or HOST:PORT\n") : _("missive servers: "
			    "forget takes one HOST[:PORT] and no option\n"), stderr);
			servers_usage(stderr, false);
			return EXIT_USAGE;
		}
		return servers_forget_cmd(argv[optind + 1]);
	}
	if (optind < argc) {
		char *esc = str_escape(argv[optind], strlen(argv[optind]));

		fprintf(stderr, _("missive servers: unknown argument `%s'\n"), esc);
		free(esc);
		servers_usage(stderr, false);
		return EXIT_USAGE;
	}
	if (json && names) {
		servers_usage(stderr, false);
		return EXIT_USAGE;
	}
	return servers_list(json, names);
}

/* --- receipts */

static void
receipts_usage(FILE *f, bool for_help)
{
	fputs(for_help ?
	    _("Usage: missive receipts [--json] [--to ADDR] [--since YYYY-MM-DD]\n"
	    "                        [--unencrypted]\n") :
	    _("Syntax: missive receipts [--json] [--to ADDR] [--since YYYY-MM-DD]\n"
	    "                         [--unencrypted]\n"), f);
	if (!for_help)
		fprintf(f, _("Try `missive %s --help' for more information.\n"),
		    "receipts");
}

static void
receipts_help(void)
{
	char *path = receipts_path();

	receipts_usage(stdout, true);
	printf(_("\n"
"Lists the receipts of the messages servers accepted, oldest first: when,\n"
"through which server, with which TLS and certificate, to whom, and the\n"
"queue id the server gave (what its log knows the message by). A message\n"
"the server did not accept has no receipt.\n"
"\n"
"      --json              the receipts, one JSON object a line\n"
"      --to ADDR           only messages to ADDR (To, Cc or Bcc)\n"
"      --since YYYY-MM-DD  only messages sent that day (UTC) or later\n"
"      --unencrypted       only messages sent without TLS\n"
"  -h, --help              this help\n"
"\n"
"Receipts are kept in %s.\n"
"\n"
"Exit status: 0 listed (also when none matched), 1 the receipts cannot be\n"
"read, 2 usage error.\n"), path);
	free(path);
}

struct rfilter {
	const char *to, *since;
	bool unencrypted, json;
	struct table *t;
	size_t shown;
	bool out_failed;
};

static bool
date_ok(const char *s)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static bool
matches(const struct rfilter *f, const struct receipt *r)
{
	size_t i;

	if (f->unencrypted && r->encrypted)
		return false;
	if (f->since != NULL && strncmp(r->time, f->since, 10) < 0)
		return false;
	if (f->to != NULL) {
		for (i = 0; i < r->nrcpts; i++)
			if (strcasecmp(r->rcpts[i].address, f->to) == 0)
				return true;
		return false;
	}
	return true;
}

/* "TLS 1.3, verified", "none (fell back)" ... */
static char *
tls_cell(const struct receipt *r)
{
	char *v, *s;

	if (!r->encrypted)
		return xstrdup(r->fallback ? _("none (fell back)") : _("none"));
	v = explain_tls_version(r->tls_version);
	s = xasprintf("%s, %s", v, r->pinned ? _("pinned") : r->verified ?
	    _("verified") : _("NOT verified"));
	free(v);
	return s;
}

static int
one_receipt(void *arg, const struct receipt *r, const struct json *line)
{
	struct rfilter *f = arg;
	struct buf b;
	size_t i;

	if (!matches(f, r))
		return 0;
	f->shown++;
	if (f->json) {
		buf_init(&b);
		json_write(line, &b);
		buf_addc(&b, '\n');
		if (fwrite(b.data, 1, b.len, stdout) != b.len)
			f->out_failed = true;
		buf_free(&b);
		return f->out_failed ? 1 : 0;
	}
	{
		char *server = servers_name(r->server ? r->server : "?", r->port);
		char *tls = tls_cell(r);
		const char *row[5];

		buf_init(&b);
		for (i = 0; i < r->nrcpts; i++) {
			if (b.len > 0)
				buf_adds(&b, ", ");
			buf_adds(&b, r->rcpts[i].address);
			if (r->rcpts[i].code / 100 != 2)
				buf_addf(&b, _(" (refused %d)"), r->rcpts[i].code);
		}
		row[0] = r->time;
		row[1] = buf_cstr(&b);
		row[2] = server;
		row[3] = tls;
		row[4] = r->queue_id;
		table_add(f->t, row);
		buf_free(&b);
		free(server);
		free(tls);
	}
	return 0;
}

int
cli_receipts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "to", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "unencrypted", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *head[5];
	struct rfilter f;
	struct receipts_skipped sk;
	struct err e;
	char *path, *to_own = NULL;
	int c, rc;

	memset(&f, 0, sizeof f);
	optind = 1;
	argv[0] = (char *)"missive receipts";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': f.json = true; break;
		case 't': f.to = optarg; break;
		case 's': f.since = optarg; break;
		case 'u': f.unencrypted = true; break;
		case 'h': receipts_help(); return 0;
		default:
			receipts_usage(stderr, false);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		char *esc = str_escape(argv[optind], strlen(argv[optind]));

		fprintf(stderr, _("missive receipts: unknown argument `%s'\n"), esc);
		free(esc);
		receipts_usage(stderr, false);
		return EXIT_USAGE;
	}
	if (f.since != NULL && !date_ok(f.since)) {
		char *esc = str_escape(f.since, strlen(f.since));

		fprintf(stderr, _("missive receipts: --since: `%s' is not a date "
		    "as YYYY-MM-DD\n"), esc);
		free(esc);
		receipts_usage(stderr, false);
		return EXIT_USAGE;
	}
	/* "Name <a@b>" finds a@b. */
	if (f.to != NULL && strchr(f.to, '<') != NULL) {
		const char *lt = strrchr(f.to, '<'), *gt = strchr(lt, '>');

		if (gt != NULL)
			f.to = to_own = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	}
	head[0] = _("TIME");
	head[1] = _("TO");
	head[2] = _("SERVER");
	head[3] = _("TLS");
	head[4] = _("QUEUE ID");
	f.t = table_new(5, head);
	table_keep_whole(f.t, 0);
	table_keep_whole(f.t, 3);
	path = receipts_path();
	err_clear(&e);
	rc = receipts_read(path, one_receipt, &f, &sk, &e);
	if (rc == -1) {
		fprintf(stderr, "missive receipts: %s\n", e.msg);
		rc = 1;
	} else {
		if (sk.torn)
			fprintf(stderr, _("missive receipts: the last line of %s is "
			    "incomplete (a missive stopped while writing it); it is "
			    "skipped\n"), path);
		if (sk.bad > 0)
			fprintf(stderr, ngettext("missive receipts: %s: %zu line is "
			    "not a receipt (line %zu); it is skipped\n", "missive "
			    "receipts: %s: %zu lines are not receipts (the first: line "
			    "%zu); they are skipped\n", sk.bad), path, sk.bad,
			    sk.first_bad);
		if (!f.json) {
			if (rc == 1)
				fputs(_("No receipts yet: each message a server accepts "
				    "gets one.\n"), stdout);
			else if (f.shown == 0)
				fputs(_("No receipt matches.\n"), stdout);
			else
				table_print(f.t, "");
		}
		rc = out_flush("receipts");
	}
	table_free(f.t);
	free(path);
	free(to_own);
	return rc;
}
