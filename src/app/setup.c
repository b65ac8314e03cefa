/* Finding a domain's submission servers and writing the profile; see
 * setup.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/setup.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "net/dns.h"
#include "net/server.h"
#include "store/profile.h"

static void
note(struct setup_found *f, char *line)
{
	f->notes = xrealloc(f->notes, (f->nnotes + 1) * sizeof *f->notes);
	f->notes[f->nnotes++] = line;
}

static void
target_add(struct setup_found *f, const char *host, int port,
    enum tls_mode mode, const char *source)
{
	size_t i;

	/* The same server named by both services: once, first seen. */
	for (i = 0; i < f->n; i++)
		if (f->t[i].port == port && strcasecmp(f->t[i].host, host) == 0)
			return;
	f->t = xrealloc(f->t, (f->n + 1) * sizeof *f->t);
	f->t[f->n].host = xstrdup(host);
	f->t[f->n].port = port;
	f->t[f->n].mode = mode;
	f->t[f->n].source = xstrdup(source);
	f->n++;
}

/* One service's records as targets; the number taken. */
static size_t
srv_service(struct setup_found *f, const char *service, const char *domain,
    enum tls_mode mode)
{
	struct dns_srv *v;
	struct err e;
	char *name = xasprintf("%s.%s", service, domain);
	int n, i;

	err_clear(&e);
	n = dns_srv_lookup(name, &v, &e);
	if (n <= 0)
		note(f, xstrdup(e.msg));
	for (i = 0; i < n && i < SETUP_SRV_MAX; i++) {
		char *src = xasprintf("SRV %s", name);

		note(f, xasprintf(_("%s: %s port %d (priority %d, weight %d)"),
		    name, v[i].target, v[i].port, v[i].priority, v[i].weight));
		target_add(f, v[i].target, v[i].port, mode, src);
		free(src);
	}
	if (n > SETUP_SRV_MAX)
		note(f, xasprintf(_("%s: %d more records not tried"), name,
		    n - SETUP_SRV_MAX));
	dns_srv_free(v, n > 0 ? (size_t)n : 0);
	free(name);
	return n > 0 ? (size_t)n : 0;
}

static void
standard_ports(struct setup_found *f, const char *host, const char *source)
{
	struct port_target std[PORTS_STANDARD];
	size_t i;

	ports_standard(host, std);
	for (i = 0; i < PORTS_STANDARD; i++) {
		target_add(f, std[i].host, std[i].port, std[i].mode, source);
		port_target_clear(&std[i]);
	}
}

void
setup_discover(const char *domain, struct setup_found *f)
{
	static const char *const usual[] = { "smtp", "mail" };
	size_t found, i;

	memset(f, 0, sizeof *f);
	/* RFC 8314 §5.1: the implicit-TLS service first. */
	found = srv_service(f, "_submissions._tcp", domain, TLS_IMPLICIT);
	found += srv_service(f, "_submission._tcp", domain, TLS_STARTTLS);
	if (found > 0) {
		f->srv = true;
		return;
	}
	note(f, xasprintf(_("No SRV record (RFC 6186) for %s: trying the "
	    "usual names smtp.%s and mail.%s"), domain, domain, domain));
	for (i = 0; i < sizeof usual / sizeof usual[0]; i++) {
		char *host = xasprintf("%s.%s", usual[i], domain);

		standard_ports(f, host, _("usual name"));
		free(host);
	}
}

int
setup_server(const char *server, struct setup_found *f, struct err *e)
{
	enum tls_mode mode = TLS_OPPORTUNISTIC;
	char *host = NULL;
	int port = 0;

	memset(f, 0, sizeof *f);
	if (server_split(server, &host, &port, e) == -1)
		return -1;
	if (port == 0)
		standard_ports(f, host, "--server");
	else {
		free(host);
		host = NULL;
		if (smtp_server_parse(server, false, &host, &port, &mode, e) == -1)
			return -1;
		/* Port 25's opportunistic policy would take plain text:
		 * setup wants TLS, seen to work, like on any other port. */
		target_add(f, host, port, mode, "--server");
	}
	free(host);
	return 0;
}

void
setup_found_free(struct setup_found *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		port_target_clear(&f->t[i]);
	free(f->t);
	strv_free(f->notes, f->nnotes);
	memset(f, 0, sizeof *f);
}

int
setup_address(const char *s, char **addr, char **domain, char **ascii,
    struct err *e)
{
	struct addr_list l;
	const struct addr *a;

	*addr = *domain = *ascii = NULL;
	if (addr_parse(_("address"), s, strlen(s), &l, e) == -1) {
		addr_list_free(&l);
		e->reason = "usage";
		return -1;
	}
	if (addr_count(&l) != 1 || l.n != 1 || l.v[0].kind != ADDR_MAILBOX) {
		addr_list_free(&l);
		return err_setr(e, "usage", _("`%s' is not one address (such as "
		    "you@example.org)"), s);
	}
	a = &l.v[0];
	if (a->domain == NULL || a->domain[0] == '[') {
		addr_list_free(&l);
		return err_setr(e, "usage", _("`%s' has no domain name to look "
		    "the server up by; give the server with --server"), s);
	}
	*addr = addr_spec(a, false);
	*domain = xstrdup(a->domain);
	*ascii = xstrdup(a->domain_ascii != NULL ? a->domain_ascii : a->domain);
	addr_list_free(&l);
	return 0;
}

char *
setup_from(const struct setup_answers *a)
{
	struct buf b;
	const char *p;
	bool plain = true;

	if (a->full_name == NULL || a->full_name[0] == '\0')
		return xstrdup(a->address);
	/* RFC 5322 atext and spaces go as they are; else a quoted string. */
	for (p = a->full_name; *p != '\0'; p++)
		if (strchr("()<>[]:;@\\,.\"", *p) != NULL)
			plain = false;
	buf_init(&b);
	if (plain)
		buf_adds(&b, a->full_name);
	else {
		buf_addc(&b, '"');
		for (p = a->full_name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *p);
		}
		buf_addc(&b, '"');
	}
	buf_addf(&b, " <%s>", a->address);
	{
		char *s = xstrdup(buf_cstr(&b));

		buf_free(&b);
		return s;
	}
}

int
setup_write(const char *dir, const struct setup_answers *a,
    const struct port_report *chosen, struct err *e)
{
	struct profile p;
	int rc;

	profile_init(&p);
	p.name = (char *)a->name;
	if (strchr(chosen->t.host, ':') != NULL)
		p.server = xasprintf("[%s]:%d", chosen->t.host, chosen->t.port);
	else
		p.server = xasprintf("%s:%d", chosen->t.host, chosen->t.port);
	/* Written out, so that the profile says what was seen to work
	 * whatever the port would imply; never plain text. */
	p.tls = chosen->t.mode == TLS_IMPLICIT ? TLS_IMPLICIT : TLS_STARTTLS;
	p.from = setup_from(a);
	p.user = (char *)a->user;
	p.password_cmd = (char *)a->password_cmd;
	p.ca_file = (char *)a->ca_file;
	rc = profiles_save(dir, &p, e);
	if (rc == 0 && a->make_default)
		rc = profiles_set_default(dir, a->name, e);
	free(p.server);
	free(p.from);
	return rc;
}
