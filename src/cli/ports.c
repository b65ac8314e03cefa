/* The ports table and `missive probe --ports`; see ports.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app/explain.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "cli/ports.h"
#include "cli/print.h"
#include "cli/table.h"

enum { C_MARK, C_HOST, C_PORT, C_TLS, C_VERSION, C_CERT, C_AUTH, C_SIZE,
	C_TIME, C_NOTE, NCOL };

/* The cells of one row (caller frees each). */
static void
row_cells(const struct port_report *p, const char *mark, char *cell[NCOL])
{
	const struct tls_info *ti = p->r != NULL ? p->r->tls : NULL;
	char **auth;
	size_t na, i;
	uint64_t max;
	struct buf b;

	cell[C_MARK] = xstrdup(mark != NULL ? mark : "");
	cell[C_HOST] = str_escape(p->t.host, strlen(p->t.host));
	cell[C_PORT] = xasprintf("%d", p->t.port);
	cell[C_TLS] = xstrdup(tls_mode_name(p->t.mode));
	cell[C_VERSION] = ti != NULL ? explain_tls_version(ti->version) :
	    xstrdup("-");
	cell[C_CERT] = xstrdup(port_verdict_words(p));
	auth = port_auth(p, &na);
	buf_init(&b);
	for (i = 0; i < na; i++) {
		char *esc = str_escape(auth[i], strlen(auth[i]));

		buf_addf(&b, "%s%s", i > 0 ? " " : "", esc);
		free(esc);
	}
	cell[C_AUTH] = xstrdup(na > 0 ? buf_cstr(&b) : "-");
	buf_free(&b);
	strv_free(auth, na);
	if (!port_size(p, &max))
		cell[C_SIZE] = xstrdup("-");
	else if (max == 0)
		/* TRANSLATORS: SIZE offered without a limit. */
		cell[C_SIZE] = xstrdup(_("no limit"));
	else
		cell[C_SIZE] = explain_size(max);
	cell[C_TIME] = xasprintf("%.2f s", p->secs);
	cell[C_NOTE] = port_problem(p);
	if (cell[C_NOTE] == NULL) {
		size_t n;
		char **a = port_auth(p, &n);

		cell[C_NOTE] = xstrdup(n == 0 ? _("no AUTH offered (after TLS)") :
		    "");
		strv_free(a, n);
	}
}

/* One line of the table, without spaces at its end. */
static void
print_row(const char *const *cell, const size_t *width, const bool *show)
{
	struct buf b;
	size_t c, w, end = 0;

	buf_init(&b);
	for (c = 0; c < NCOL; c++) {
		if (!show[c])
			continue;
		buf_adds(&b, cell[c]);
		if (*cell[c] != '\0')
			end = b.len;
		for (w = text_width(cell[c]); w < width[c] + 2; w++)
			buf_addc(&b, ' ');
	}
	fwrite(b.data, 1, end, stdout);
	putchar('\n');
	buf_free(&b);
}

/* The terminal's width when stdout is one, else 0: a pipe or a file
 * gets every column, a terminal no row it would wrap. */
static size_t
out_cols(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0)
		return 0;
	return ws.ws_col;
}

static size_t
row_width(const size_t *width, const bool *show)
{
	size_t c, w = 0;

	for (c = 0; c < NCOL; c++)
		if (show[c])
			w += width[c] + 2;
	return w;
}

void
ports_print_table(const struct port_report *p, size_t n,
    const char *const *mark, bool hosts)
{
	const char *head[NCOL] = {
		"", N_("HOST"), N_("PORT"), N_("TLS"), N_("VERSION"),
		N_("CERTIFICATE"), N_("AUTH"), N_("SIZE"), N_("TIME"), N_("NOTE"),
	};
	/* What a narrow terminal loses first: the note goes under its row,
	 * then the time, the size and the version go. */
	static const int drop[] = { C_NOTE, C_TIME, C_SIZE, C_VERSION };
	char *(*cells)[NCOL] = xcalloc(n + 1, sizeof *cells);
	size_t width[NCOL], i, c, cols = out_cols();
	bool show[NCOL], below = false;

	for (c = 0; c < NCOL; c++) {
		head[c] = c == C_MARK ? "" : _(head[c]);
		width[c] = text_width(head[c]);
		show[c] = true;
	}
	show[C_MARK] = mark != NULL;
	show[C_HOST] = hosts;
	for (i = 0; i < n; i++) {
		row_cells(&p[i], mark != NULL ? mark[i] : NULL, cells[i]);
		for (c = 0; c < NCOL; c++)
			if (text_width(cells[i][c]) > width[c])
				width[c] = text_width(cells[i][c]);
	}
	for (i = 0; cols > 0 && i < sizeof drop / sizeof drop[0] &&
	    row_width(width, show) > cols + 2; i++) {
		show[drop[i]] = false;
		below = below || drop[i] == C_NOTE;
	}
	print_row(head, width, show);
	for (i = 0; i < n; i++) {
		print_row((const char *const *)cells[i], width, show);
		if (below && *cells[i][C_NOTE] != '\0')
			printf("%*s%s: %s\n", show[C_MARK] ? (int)width[C_MARK] + 4 :
			    4, "", head[C_NOTE], cells[i][C_NOTE]);
		for (c = 0; c < NCOL; c++)
			free(cells[i][c]);
	}
	free(cells);
	fflush(stdout);
}

void
ports_print_memory(const struct port_report *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].memory != NULL && p[i].r != NULL &&
		    (p[i].r->tls_seen != NULL || port_usable(&p[i])))
			printf(_("Server memory, port %d: %s\n"), p[i].t.port,
			    p[i].memory);
}

int
cli_probe_ports(const char *host, const struct smtp_job *tmpl, int deadline,
    bool json)
{
	struct port_target t[PORTS_STANDARD];
	struct port_report *r = xcalloc(PORTS_STANDARD, sizeof *r);
	const char *mark[PORTS_STANDARD];
	struct err e;
	long rec;
	size_t i;
	int status;
	char *esc = str_escape(host, strlen(host));

	ports_standard(host, t);
	if (!json)
		fprintf(stderr, _("Probing %s on ports 465 (implicit TLS), 587 "
		    "(STARTTLS) and 25 at once, at most %d s each...\n"), esc,
		    deadline);
	err_clear(&e);
	if (ports_probe(t, PORTS_STANDARD, tmpl, deadline, r, &e) == -1)
		fprintf(stderr, "missive: %s\n", e.msg);
	rec = ports_recommend(r, PORTS_STANDARD);
	/* A remembered server without its TLS fails, as probe does. */
	status = rec >= 0 ? 0 : 1;
	for (i = 0; i < PORTS_STANDARD; i++) {
		if (port_downgraded(&r[i]))
			status = 1;
		if (r[i].warning != NULL && (i == 0 ||
		    r[0].warning == NULL || strcmp(r[i].warning, r[0].warning) != 0))
			fprintf(stderr, _("missive: warning: %s\n"), r[i].warning);
	}
	if (json) {
		for (i = 0; i < PORTS_STANDARD; i++) {
			struct buf b;

			buf_init(&b);
			port_report_json(&r[i], (long)i == rec, &b);
			buf_addc(&b, '\n');
			errno = 0;
			if (fwrite(b.data, 1, b.len, stdout) != b.len)
				fprintf(stderr, _("missive: cannot write to standard "
				    "output: %s\n"), strerror(errno));
			buf_free(&b);
		}
		fflush(stdout);
	} else {
		for (i = 0; i < PORTS_STANDARD; i++)
			mark[i] = (long)i == rec ? "*" : "";
		ports_print_table(r, PORTS_STANDARD, mark, false);
		ports_print_memory(r, PORTS_STANDARD);
		if (rec >= 0)
			printf(_("* Recommended: %s port %d: %s.\n"), esc,
			    r[rec].t.port, ports_why(&r[rec]));
		else
			printf(_("None of the ports offers TLS with a verified or "
			    "pinned certificate: no profile should use this host "
			    "as it is.\n"));
		fflush(stdout);
	}
	for (i = 0; i < PORTS_STANDARD; i++)
		port_target_clear(&t[i]);
	port_reports_free(r, PORTS_STANDARD);
	free(esc);
	return status;
}
