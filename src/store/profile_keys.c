/* The profile keys: the table (name, kind, place in struct profile) and
 * the check of each value, which calls the one home of each rule (the
 * SERVER grammar, TLS policy and version names, fingerprints, SASL
 * mechanisms, timeouts, addresses) so that what loads here is what the
 * command line accepts and what is sent. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/address.h"
#include "mail/msg.h"
#include "net/sasl.h"
#include "net/server.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "store/profile_int.h"

const struct pkey profile_keys[] = {
	{ "server", K_SERVER, offsetof(struct profile, server) },
	{ "tls", K_TLS, offsetof(struct profile, tls) },
	{ "fallback_plaintext", K_BOOL, offsetof(struct profile, fallback_plaintext) },
	{ "ca_file", K_PATH, offsetof(struct profile, ca_file) },
	{ "fingerprint", K_FINGERPRINT, offsetof(struct profile, fingerprint) },
	{ "pin_pubkey", K_PUBKEY_PIN, offsetof(struct profile, pin_pubkey) },
	{ "tls_min", K_TLS_MIN, offsetof(struct profile, tls_min) },
	{ "from", K_ADDRESS, offsetof(struct profile, from) },
	{ "user", K_TEXT, offsetof(struct profile, user) },
	{ "password", K_PASSWORD, offsetof(struct profile, password) },
	{ "password_cmd", K_COMMAND, offsetof(struct profile, password_cmd) },
	{ "auth", K_AUTH, offsetof(struct profile, auth) },
	{ "allow_plaintext_auth", K_BOOL, offsetof(struct profile, allow_plaintext_auth) },
	{ "helo", K_HELO, offsetof(struct profile, helo) },
	{ "cc", K_ADDRESS, offsetof(struct profile, cc) },
	{ "bcc", K_ADDRESS, offsetof(struct profile, bcc) },
	{ "signature", K_PATH, offsetof(struct profile, signature) },
	{ "timeout", K_TIMEOUT, offsetof(struct profile, timeout) },
	{ "theme", K_THEME, offsetof(struct profile, theme) },
	{ "sent_maildir", K_PATH, offsetof(struct profile, sent_maildir) },
	{ "reply_to", K_ADDRESS, offsetof(struct profile, reply_to) },
	/* May be given more than once: one header line each. */
	{ "headers", K_HEADER, offsetof(struct profile, headers) },
	{ "query_cmd", K_COMMAND, offsetof(struct profile, query_cmd) },
	{ "alternates", K_ADDRESS, offsetof(struct profile, alternates) },
	{ "wrap", K_WRAP, offsetof(struct profile, wrap) },
	{ "edit_headers", K_BOOL, offsetof(struct profile, edit_headers) },
};
const size_t profile_nkeys = sizeof profile_keys / sizeof profile_keys[0];

_Static_assert(sizeof profile_keys / sizeof profile_keys[0] <= PROFILE_KEYS_MAX,
    "struct loader has no room for every key");

const struct pkey *
pkey_find(const char *name)
{
	size_t i;

	for (i = 0; i < profile_nkeys; i++)
		if (strcmp(profile_keys[i].name, name) == 0)
			return &profile_keys[i];
	return NULL;
}

int
pkey_index(const char *name)
{
	const struct pkey *k = pkey_find(name);

	return k != NULL ? (int)(k - profile_keys) : -1;
}

/* Edits between a and b (ignoring case), a swap of neighbours counting
 * as one: the usual typos. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[64][64], c;

	if (la >= 63 || lb >= 63)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			d[i][j] = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < d[i][j])
				d[i][j] = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < d[i][j])
				d[i][j] = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

const char *
pkey_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t i, d, bestd = SIZE_MAX, limit;

	limit = strlen(word) <= 4 ? 1 : 2;
	for (i = 0; i < n; i++) {
		d = edit_distance(word, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

static bool
bool_parse(const char *s, int *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return true;
		}
	}
	return false;
}

/* path from /, for a hint to copy and paste. */
char *
path_absolute(const char *path)
{
	char *cwd;
	char *abs;

	if (path[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return xstrdup(path);
	abs = xasprintf("%s/%s", cwd, path[0] == '.' && path[1] == '/' ?
	    path + 2 : path);
	free(cwd);
	return abs;
}

/* A shell word for the chmod hint. */
char *
shell_quote(const char *s)
{
	struct buf b;
	const char *p;

	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/._-+,@%:=") == strlen(s))
		return xstrdup(s);
	buf_init(&b);
	buf_addc(&b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *p);
	}
	buf_addc(&b, '\'');
	return xstrdup(buf_cstr(&b));
}

/* A value checked by a rule that lives elsewhere: "`VALUE`: why". */
static int
refuse(struct err *e, const char *esc, const struct err *why)
{
	return err_setr(e, "usage", "`%s`: %s", esc, why->msg);
}

int
pkey_set(struct loader *ld, struct profile *p, const struct pkey *k,
    const char *v, struct err *e)
{
	char **sp = (char **)((char *)p + k->off);
	int *ip = (int *)((char *)p + k->off);
	char *s = NULL, *esc;
	struct err why;
	int x, rc = -1;

	if (*v == '\0')
		return err_setr(e, "usage", "%s", _("no value given"));
	if (k->kind == K_ADDRESS && str_has_crlf(v))
		return err_setr(e, "usage", "%s", _("must not contain CR or LF"));
	if (str_has_control(v))
		return err_setr(e, "usage", "%s",
		    _("contains a control character"));

	err_clear(&why);
	esc = str_escape(v, strlen(v));
	switch (k->kind) {
	case K_SERVER: {
		char *host;
		int port;

		if (server_split(v, &host, &port, &why) == -1) {
			refuse(e, esc, &why);
			goto out;
		}
		free(host);
		s = xstrdup(v);
		break;
	}
	case K_TLS:
		if ((x = tls_mode_parse(v)) == -1) {
			err_setr(e, "usage", _("`%s` is not one of %s"), esc,
			    TLS_MODE_NAMES);
			goto out;
		}
		*ip = x;
		rc = 0;
		goto out;
	case K_BOOL:
		if (!bool_parse(v, &x)) {
			err_setr(e, "usage",
			    _("`%s` is not one of yes, no, true, false, on, off, 1, 0"),
			    esc);
			goto out;
		}
		*ip = x;
		rc = 0;
		goto out;
	case K_TLS_MIN:
		if ((x = tls_version_parse(v)) == -1) {
			err_setr(e, "usage", _("`%s` is not one of %s"), esc,
			    TLS_VERSION_NAMES);
			goto out;
		}
		*ip = x;
		rc = 0;
		goto out;
	case K_TIMEOUT:
		if (smtp_timeout_parse(v, &x) == -1) {
			err_setr(e, "usage",
			    _("`%s` is not a whole number of seconds from 1 to %d"),
			    esc, SMTP_TIMEOUT_MAX);
			goto out;
		}
		*ip = x;
		rc = 0;
		goto out;
	case K_FINGERPRINT:
		if ((s = tls_fingerprint_norm(v)) == NULL) {
			err_setr(e, "usage", _("`%s` is not a SHA-256 fingerprint "
			    "(%s)"), esc, tls_fingerprint_words());
			goto out;
		}
		break;
	case K_PUBKEY_PIN:
		if ((s = tls_pubkey_pins_norm(v)) == NULL) {
			err_setr(e, "usage", _("`%s` is not a public-key pin (%s)"),
			    esc, tls_pubkey_pin_words());
			goto out;
		}
		break;
	case K_PATH:
		if ((s = path_expand(v, &why)) == NULL) {
			err_setr(e, "usage", "%s", why.msg);
			goto out;
		}
		break;
	case K_AUTH: {
		const char *mech = sasl_canonical(v);

		if (mech == NULL) {
			err_setr(e, "usage", _("`%s` is not one of %s (leave auth "
			    "out to use the best one the server offers)"), esc,
			    SASL_NAMES);
			goto out;
		}
		s = xstrdup(mech);
		break;
	}
	case K_HELO:
		if (server_helo_check(v, &why) == -1) {
			refuse(e, esc, &why);
			goto out;
		}
		s = xstrdup(v);
		break;
	case K_THEME:
		if (v[0] == '.' || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(v)) {
			err_setr(e, "usage", _("`%s` is not a theme name (letters, "
			    "digits, `.`, `-`, `_`)"), esc);
			goto out;
		}
		s = xstrdup(v);
		break;
	case K_PASSWORD:
		if ((ld->mode & 077) != 0) {
			char *abs = path_absolute(ld->path);
			char *q = shell_quote(abs);

			free(abs);
			err_setr(e, "usage", _("%s can be read by other users (mode "
			    "%04o); run `chmod 600 %s` or use password_cmd"),
			    REL(ld), (unsigned)(ld->mode & 07777), q);
			free(q);
			goto out;
		}
		secret_free(*sp);
		*sp = xstrdup(v);
		rc = 0;
		goto out;
	case K_ADDRESS: {
		struct addr_list l;
		size_t n;

		/* The message layer's own parser: what loads here sends. */
		x = addr_parse(k->name, v, strlen(v), &l, &why);
		n = addr_count(&l);
		addr_list_free(&l);
		if (x == -1) {
			/* why.msg begins with the field name: ours says it. */
			const char *m = why.msg;
			size_t fl = strlen(k->name);

			if (strncasecmp(m, k->name, fl) == 0 && m[fl] == ':')
				for (m += fl + 1; *m == ' '; m++)
					;
			err_setr(e, "usage", "%s", m);
			goto out;
		}
		if (n == 0 || (k->off == offsetof(struct profile, from) && n != 1)) {
			err_setr(e, "usage", _("`%s`: give one address"), esc);
			goto out;
		}
		s = xstrdup(v);
		break;
	}
	case K_HEADER:
		/* The message layer's own check: what loads here is sent. */
		if (msg_header_check(v, &why) == -1) {
			err_setr(e, "usage", "%s", why.msg);
			goto out;
		}
		s = *sp != NULL ? xasprintf("%s\n%s", *sp, v) : xstrdup(v);
		break;
	case K_WRAP: {
		char *end;
		long w;

		if (strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0)
			*ip = MSG_WRAP_OFF;
		else if (strcasecmp(v, "flowed") == 0)
			*ip = MSG_WRAP_AUTO;
		else if ((w = strtol(v, &end, 10)) >= MSG_WRAP_MIN &&
		    w <= MSG_WRAP_MAX && *end == '\0' && isdigit((unsigned char)*v))
			*ip = (int)w;
		else {
			err_setr(e, "usage", _("`%s` is not off, flowed or a width "
			    "from %d to %d"), esc, MSG_WRAP_MIN, MSG_WRAP_MAX);
			goto out;
		}
		rc = 0;
		goto out;
	}
	case K_TEXT:
	case K_COMMAND:
		s = xstrdup(v);
		break;
	}
	free(*sp);
	*sp = s;
	rc = 0;
out:
	free(esc);
	return rc;
}

char *
pkey_render(const struct pkey *k, const struct profile *p)
{
	char *const *sp = (char *const *)((const char *)p + k->off);
	const int *ip = (const int *)((const char *)p + k->off);

	switch (k->kind) {
	case K_TLS:
		return *ip >= 0 && *ip <= TLS_IMPLICIT ?
		    xstrdup(tls_mode_name((enum tls_mode)*ip)) : NULL;
	case K_BOOL:
		return *ip == -1 ? NULL : xstrdup(*ip ? "yes" : "no");
	case K_TLS_MIN:
		return *ip == 12 ? xstrdup("1.2") : *ip == 13 ? xstrdup("1.3") :
		    NULL;
	case K_TIMEOUT:
		return *ip > 0 ? xasprintf("%d", *ip) : NULL;
	case K_WRAP:
		return *ip == MSG_WRAP_OFF ? xstrdup("off") : *ip > 0 ?
		    xasprintf("%d", *ip) : NULL;
	case K_PATH:
		return *sp != NULL ? path_unexpand(*sp) : NULL;
	case K_PASSWORD:
		return NULL;
	default:
		return xstrdup(*sp);
	}
}

void
profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
	p->tls = -1;
	p->fallback_plaintext = -1;
	p->allow_plaintext_auth = -1;
	p->edit_headers = -1;
}

void
profile_clear(struct profile *p)
{
	size_t i;

	free(p->name);
	free(p->file);
	for (i = 0; i < profile_nkeys; i++) {
		const struct pkey *k = &profile_keys[i];
		char **sp = (char **)((char *)p + k->off);

		switch (k->kind) {
		case K_TLS: case K_BOOL: case K_TLS_MIN: case K_TIMEOUT:
		case K_WRAP:
			break;
		case K_PASSWORD:
			secret_free(*sp);
			break;
		default:
			free(*sp);
			break;
		}
	}
	profile_init(p);
}
