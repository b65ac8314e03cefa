/* msmtp's configuration read as missive profiles: the `defaults` and
 * `account NAME : BASE` inheritance of msmtp's conf.c, each account mapped
 * to profile keys, and what missive cannot take reported, never guessed. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/sasl.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "store/profile.h"

#define LINE_MAX_MSMTP	4096

/* Settings an account has itself, so that inheritance copies only them. */
enum {
	M_HOST = 1 << 0, M_PORT = 1 << 1, M_FROM = 1 << 2, M_USER = 1 << 3,
	M_AUTH = 1 << 4, M_PASSWORDEVAL = 1 << 5, M_TLS = 1 << 6,
	M_STARTTLS = 1 << 7, M_TRUST = 1 << 8, M_FINGERPRINT = 1 << 9,
	M_CERTCHECK = 1 << 10, M_DOMAIN = 1 << 11, M_TIMEOUT = 1 << 12,
	M_FULLNAME = 1 << 13,
};

struct acct {
	char *name;
	int line;
	unsigned mask;
	int own;		/* commands after its `account` line */
	int nbases;
	char *base0;
	char *host, *from, *fullname, *user, *passwordeval, *trust;
	char *fingerprint, *domain;
	char *auth;		/* NULL off, "" on, else a mechanism */
	int port, tls, starttls, certcheck, timeout;
};

struct mparse {
	const char *path;
	int line;
	profiles_report_fn warn;
	void *arg;
	struct acct defaults;
	struct acct *v;
	size_t n;
};

static void
warn(struct mparse *mp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn(struct mparse *mp, const char *fmt, ...)
{
	char msg[768], full[1024];
	va_list ap;

	if (mp->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(full, sizeof full, "%s:%d: %s", mp->path, mp->line, msg);
	mp->warn(mp->arg, full);
}

static void
acct_init(struct acct *a)
{
	memset(a, 0, sizeof *a);
	a->starttls = 1;
	a->certcheck = 1;
}

static void
acct_clear(struct acct *a)
{
	free(a->name);
	free(a->base0);
	free(a->host);
	free(a->from);
	free(a->fullname);
	free(a->user);
	free(a->passwordeval);
	free(a->trust);
	free(a->fingerprint);
	free(a->domain);
	free(a->auth);
	acct_init(a);
}

/* Copies into dst what src sets (all of it with all). */
static void
acct_override(struct acct *dst, const struct acct *src, bool all)
{
	unsigned m = all ? ~0u : src->mask;

#define STR(bit, f) do {						\
	if (m & (bit)) {						\
		free(dst->f);						\
		dst->f = xstrdup(src->f);				\
	}								\
} while (0)
	STR(M_HOST, host);
	STR(M_FROM, from);
	STR(M_FULLNAME, fullname);
	STR(M_USER, user);
	STR(M_PASSWORDEVAL, passwordeval);
	STR(M_TRUST, trust);
	STR(M_FINGERPRINT, fingerprint);
	STR(M_DOMAIN, domain);
	STR(M_AUTH, auth);
#undef STR
	if (m & M_PORT)
		dst->port = src->port;
	if (m & M_TLS)
		dst->tls = src->tls;
	if (m & M_STARTTLS)
		dst->starttls = src->starttls;
	if (m & M_CERTCHECK)
		dst->certcheck = src->certcheck;
	if (m & M_TIMEOUT)
		dst->timeout = src->timeout;
	if (!all)
		dst->mask |= src->mask;
}

static struct acct *
acct_find(struct mparse *mp, const char *name)
{
	size_t i;

	for (i = 0; i < mp->n; i++)
		if (strcmp(mp->v[i].name, name) == 0)
			return &mp->v[i];
	return NULL;
}

static char *
trim(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	/* msmtp drops one pair of double quotes around an argument. */
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	return xstrndup(s, n);
}

/* on/off as msmtp takes them: an empty argument is on. */
static int
onoff(const char *arg)
{
	if (*arg == '\0' || strcmp(arg, "on") == 0)
		return 1;
	if (strcmp(arg, "off") == 0)
		return 0;
	return -1;
}

static struct acct *
acct_new(struct mparse *mp, const char *name)
{
	struct acct *a;

	mp->v = xrealloc(mp->v, (mp->n + 1) * sizeof *mp->v);
	a = &mp->v[mp->n++];
	acct_init(a);
	acct_override(a, &mp->defaults, true);
	a->mask = 0;
	a->name = xstrdup(name);
	a->line = mp->line;
	return a;
}

/* `account NAME [: BASE[, BASE]...]` */
static struct acct *
account_line(struct mparse *mp, char *arg, struct err *e)
{
	char *colon = strchr(arg, ':'), *name, *list, *tok, *save = NULL, *b;
	struct acct *a, *base;
	size_t idx;

	name = colon != NULL ? trim(arg, (size_t)(colon - arg)) : trim(arg, strlen(arg));
	if (*name == '\0' || strchr(name, ',') != NULL) {
		err_setr(e, "usage", _("%s:%d: missing or bad account name"),
		    mp->path, mp->line);
		free(name);
		return NULL;
	}
	if (acct_find(mp, name) != NULL) {
		err_setr(e, "usage", _("%s:%d: account %s is defined twice"),
		    mp->path, mp->line, name);
		free(name);
		return NULL;
	}
	a = acct_new(mp, name);
	idx = mp->n - 1;
	free(name);
	if (colon == NULL)
		return a;
	list = xstrdup(colon + 1);
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		b = trim(tok, strlen(tok));
		/* acct_new may have moved the array: look up by index. */
		base = acct_find(mp, b);
		if (base == NULL || base == &mp->v[idx]) {
			err_setr(e, "usage", _("%s:%d: account %s is not defined (yet)"),
			    mp->path, mp->line, b);
			free(b);
			free(list);
			return NULL;
		}
		acct_override(&mp->v[idx], base, false);
		mp->v[idx].nbases++;
		if (mp->v[idx].base0 == NULL)
			mp->v[idx].base0 = xstrdup(b);
		free(b);
	}
	free(list);
	return &mp->v[idx];
}

static const char *const ignored[] = {
	"logfile", "logfile_time_format", "syslog", "aliases", "auto_from",
	"maildomain", "dsn_notify", "dsn_return", "keepbcc", "protocol",
	"tls_key_file", "tls_cert_file", "tls_crl_file", "tls_priorities",
	"tls_min_dh_prime_bits", "tls_host_override", "ntlmdomain",
	"add_missing_from_header", "add_missing_date_header",
	"remove_bcc_headers", "undisclosed_recipients", "set_from_header",
	"set_date_header", "source_ip", "proxy_host", "proxy_port", "socket",
	"eval", "allow_from_override", "tls_force_sslv3",
};

static int
command(struct mparse *mp, struct acct *a, const char *cmd, const char *arg,
    struct err *e)
{
	const char *who = a == &mp->defaults ? "defaults" : a->name;
	size_t i;
	int v;

#define SETSTR(bit, f) do {						\
	a->mask |= (bit);						\
	free(a->f);							\
	a->f = *arg != '\0' ? xstrdup(arg) : NULL;			\
} while (0)
#define ONOFF(bit, f) do {						\
	if ((v = onoff(arg)) == -1)					\
		goto bad;						\
	a->mask |= (bit);						\
	a->f = v;							\
} while (0)
	if (strcmp(cmd, "host") == 0)
		SETSTR(M_HOST, host);
	else if (strcmp(cmd, "port") == 0) {
		v = atoi(arg);
		if (v < 1 || v > 65535 || strspn(arg, "0123456789") != strlen(arg))
			goto bad;
		a->mask |= M_PORT;
		a->port = v;
	} else if (strcmp(cmd, "from") == 0)
		SETSTR(M_FROM, from);
	else if (strcmp(cmd, "from_full_name") == 0)
		SETSTR(M_FULLNAME, fullname);
	else if (strcmp(cmd, "user") == 0)
		SETSTR(M_USER, user);
	else if (strcmp(cmd, "passwordeval") == 0)
		SETSTR(M_PASSWORDEVAL, passwordeval);
	else if (strcmp(cmd, "password") == 0)
		warn(mp, _("the password of %s is not imported (a password kept in a file leaks too easily); give the profile a password_cmd, e.g. `pass show mail`"),
		    who);
	else if (strcmp(cmd, "tls") == 0)
		ONOFF(M_TLS, tls);
	else if (strcmp(cmd, "tls_starttls") == 0)
		ONOFF(M_STARTTLS, starttls);
	else if (strcmp(cmd, "tls_nostarttls") == 0) {
		a->mask |= M_STARTTLS;
		a->starttls = 0;
	} else if (strcmp(cmd, "tls_certcheck") == 0)
		ONOFF(M_CERTCHECK, certcheck);
	else if (strcmp(cmd, "tls_nocertcheck") == 0) {
		a->mask |= M_CERTCHECK;
		a->certcheck = 0;
	} else if (strcmp(cmd, "tls_trust_file") == 0)
		SETSTR(M_TRUST, trust);
	else if (strcmp(cmd, "tls_fingerprint") == 0)
		SETSTR(M_FINGERPRINT, fingerprint);
	else if (strcmp(cmd, "domain") == 0)
		SETSTR(M_DOMAIN, domain);
	else if (strcmp(cmd, "auth") == 0) {
		a->mask |= M_AUTH;
		free(a->auth);
		a->auth = NULL;
		if ((v = onoff(arg)) == 1)
			a->auth = xstrdup("");
		else if (v == -1)
			a->auth = xstrdup(arg);
	} else if (strcmp(cmd, "timeout") == 0) {
		a->mask |= M_TIMEOUT;
		if (strcmp(arg, "off") == 0)
			a->timeout = 0;
		else if ((v = atoi(arg)) >= 1 &&
		    strspn(arg, "0123456789") == strlen(arg))
			a->timeout = v;
		else
			goto bad;
	} else {
		for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
			if (strcmp(cmd, ignored[i]) == 0)
				break;
		if (i < sizeof ignored / sizeof ignored[0])
			warn(mp, _("`%s` has no missive equivalent; ignored"), cmd);
		else
			warn(mp, _("unknown msmtp command `%s`; ignored"), cmd);
	}
	return 0;
bad:
	return err_setr(e, "usage", _("%s:%d: invalid argument `%s` for %s"),
	    mp->path, mp->line, arg, cmd);
#undef SETSTR
#undef ONOFF
}

/* One msmtp account as a profile. */
static void
to_profile(struct mparse *mp, const struct acct *a, struct profile *p)
{
	int port;
	const char *mech;

	mp->line = a->line;
	profile_init(p);
	p->name = xstrdup(a->name);
	p->file = xstrdup(mp->path);
	p->line = a->line;
	/* msmtp's default port: 465 for TLS without STARTTLS, else 25. */
	port = a->port != 0 ? a->port : a->tls && !a->starttls ? 465 : 25;
	if (strchr(a->host, ':') != NULL)
		p->server = xasprintf("[%s]:%d", a->host, port);
	else
		p->server = xasprintf("%s:%d", a->host, port);
	p->tls = !a->tls ? TLS_OFF : a->starttls ? TLS_STARTTLS : TLS_IMPLICIT;
	if (!a->tls)
		warn(mp, _("%s: msmtp's tls is off, so the profile says tls = off (no encryption); change it to opportunistic or starttls if the server offers TLS"),
		    a->name);
	if (!a->certcheck)
		warn(mp, _("%s: tls_certcheck off is not imported: missive always verifies certificates (pin one with fingerprint, or use --insecure for a single run)"),
		    a->name);
	if (a->trust != NULL && strcmp(a->trust, "system") != 0) {
		if (a->trust[0] == '/' || a->trust[0] == '~')
			p->ca_file = xstrdup(a->trust);
		else
			warn(mp, _("%s: tls_trust_file `%s` is a relative path; not imported"),
			    a->name, a->trust);
	}
	if (a->fingerprint != NULL) {
		if ((p->fingerprint = tls_fingerprint_norm(a->fingerprint)) == NULL)
			warn(mp, _("%s: tls_fingerprint is not a SHA-256 fingerprint; not imported"),
			    a->name);
	}
	if (a->from != NULL) {
		if (a->fullname != NULL)
			p->from = xasprintf("%s <%s>", a->fullname, a->from);
		else
			p->from = xstrdup(a->from);
	}
	if (a->user != NULL && a->auth == NULL)
		warn(mp, _("%s: user `%s` is not imported: msmtp's auth is off for this account"),
		    a->name, a->user);
	else if (a->user != NULL)
		p->user = xstrdup(a->user);
	if (a->auth != NULL && *a->auth != '\0') {
		if ((mech = sasl_canonical(a->auth)) != NULL && p->user == NULL)
			warn(mp, _("%s: auth %s is not imported: the profile has no "
			    "user to log in as"), a->name, mech);
		else if (mech != NULL)
			p->auth = xstrdup(mech);
		else
			warn(mp, _("%s: missive cannot do auth %s; the profile uses the best mechanism the server offers"),
			    a->name, a->auth);
	}
	/* Without a user the command would have nobody to log in as. */
	if (a->passwordeval != NULL && p->user == NULL)
		warn(mp, _("%s: passwordeval is not imported: the profile has no user "
		    "to log in as"), a->name);
	else if (a->passwordeval != NULL)
		p->password_cmd = xstrdup(a->passwordeval);
	if (a->domain != NULL)
		p->helo = xstrdup(a->domain);
	if (a->timeout > 0 && a->timeout <= SMTP_TIMEOUT_MAX)
		p->timeout = a->timeout;
}

int
profiles_import_msmtp(const char *path, struct msmtp_import *im,
    profiles_report_fn warnfn, void *arg, struct err *e)
{
	struct mparse mp;
	struct acct *a = NULL;
	char line[LINE_MAX_MSMTP], *cmd = NULL, *argv = NULL;
	size_t n, i, c;
	FILE *f;
	int rc = -1;

	memset(im, 0, sizeof *im);
	memset(&mp, 0, sizeof mp);
	mp.path = path;
	mp.warn = warnfn;
	mp.arg = arg;
	acct_init(&mp.defaults);
	if ((f = fopen(path, "re")) == NULL)
		return err_setr(e, "usage", "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		mp.line++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (n == sizeof line - 1) {
			err_setr(e, "usage", _("%s:%d: line longer than %d bytes"),
			    path, mp.line, LINE_MAX_MSMTP - 2);
			goto out;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		i = strspn(line, " \t");
		if (line[i] == '#' || line[i] == '\0')
			continue;
		c = strcspn(line + i, " \t");
		free(cmd);
		secret_free(argv);	/* it may have been a password */
		cmd = xstrndup(line + i, c);
		argv = trim(line + i + c, strlen(line + i + c));
		/* msmtp 1.2 compatibility: settings before any account
		 * belong to an account named "default". */
		if (a == NULL && strcmp(cmd, "account") != 0 &&
		    strcmp(cmd, "defaults") != 0)
			a = acct_new(&mp, "default");
		if (strcmp(cmd, "defaults") == 0) {
			a = &mp.defaults;
			continue;
		}
		if (strcmp(cmd, "account") == 0) {
			if ((a = account_line(&mp, argv, e)) == NULL)
				goto out;
			continue;
		}
		if (a != &mp.defaults)
			a->own++;
		if (command(&mp, a, cmd, argv, e) == -1)
			goto out;
	}
	if (ferror(f)) {
		err_setr(e, "usage", "%s: %s", path, strerror(errno));
		goto out;
	}

	im->v = xcalloc(mp.n + 1, sizeof *im->v);
	for (i = 0; i < mp.n; i++) {
		a = &mp.v[i];
		/* `account default : NAME` only says which one is used. */
		if (strcmp(a->name, "default") == 0 && a->own == 0 &&
		    a->nbases == 1) {
			free(im->default_name);
			im->default_name = xstrdup(a->base0);
			continue;
		}
		if (strcmp(a->name, "default") == 0) {
			free(im->default_name);
			im->default_name = xstrdup("default");
		}
		if (a->host == NULL) {
			mp.line = a->line;
			warn(&mp, _("account %s has no host; not imported"),
			    a->name);
			continue;
		}
		to_profile(&mp, a, &im->v[im->n++]);
	}
	rc = 0;
out:
	fclose(f);
	mem_wipe(line, sizeof line);
	free(cmd);
	secret_free(argv);
	for (i = 0; i < mp.n; i++)
		acct_clear(&mp.v[i]);
	free(mp.v);
	acct_clear(&mp.defaults);
	if (rc == -1)
		msmtp_import_free(im);
	return rc;
}

void
msmtp_import_free(struct msmtp_import *im)
{
	size_t i;

	for (i = 0; i < im->n; i++)
		profile_clear(&im->v[i]);
	free(im->v);
	free(im->default_name);
	memset(im, 0, sizeof *im);
}
