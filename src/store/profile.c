/* Saved profiles: reads profiles.ini and profiles.d/NAME.ini with libinih
 * through a line reader of our own, which tracks line numbers and catches
 * what Debian's libinih would do silently (cut a value at ` ;`, split a
 * line over 200 bytes, read an indented line as a continuation), validates
 * every key, and edits one section of profiles.ini atomically. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "net/sasl.h"
#include "net/smtp.h"
#include "store/profile.h"

#define PROFILE_FILE_MAX	(1024 * 1024)
#define NAME_MAX_LEN		49	/* libinih keeps 50 bytes of a section name */
#define REPORT_MAX		50	/* problems shown before "more not shown" */
#define TIMEOUT_MAX		3600

enum kind {
	K_SERVER, K_TLS, K_BOOL, K_PATH, K_FINGERPRINT, K_TLS_MIN, K_ADDRESS,
	K_TEXT, K_PASSWORD, K_COMMAND, K_AUTH, K_HELO, K_TIMEOUT, K_THEME
};

/* The profile keys of DESIGN.md, in the order profiles_save writes them. */
static const struct key {
	const char *name;
	enum kind kind;
	size_t off;
} keys[] = {
	{ "server", K_SERVER, offsetof(struct profile, server) },
	{ "tls", K_TLS, offsetof(struct profile, tls) },
	{ "fallback_plaintext", K_BOOL, offsetof(struct profile, fallback_plaintext) },
	{ "ca_file", K_PATH, offsetof(struct profile, ca_file) },
	{ "fingerprint", K_FINGERPRINT, offsetof(struct profile, fingerprint) },
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
};
#define NKEYS (sizeof keys / sizeof keys[0])



static const char *const missive_keys[] = { "default_profile" };

struct profiles {
	struct profile *v;
	size_t n, cap;
	char *default_name;
};

/* A section seen while loading, for duplicates and default_profile. */
struct seen {
	char *name;
	char *where;		/* "profiles.ini:5" */
};

enum section { SEC_NONE, SEC_MISSIVE, SEC_PROFILE };

/* A problem waiting to be reported in file and line order. */
struct problem {
	int file, line;
	size_t seq;
	char *msg;
};

struct loader {
	struct profiles *ps;
	struct problem *problems;
	int nerr;
	int file;		/* index of the file being read */
	bool check_files;
	const char *dir;

	struct seen *seen;
	size_t nseen;
	char *default_where;	/* where default_profile was set */
	int default_file, default_line;

	/* The file being read. */
	const char *rel;	/* as shown: "profiles.ini", "profiles.d/a.ini" */
	const char *path;
	mode_t mode;
	const char *data;
	size_t len, pos;
	int lineno;

	/* The line last handed to libinih, when it is a key line. */
	bool line_key;
	char key[64];
	const char *value;	/* as written, trimmed; points into data */
	size_t value_len;

	enum section sec;
	struct profile cur;
	bool cur_ok;
	int keyline[NKEYS];
	int missive_keyline;
};

/* The file as messages name it ("" while checking a profile to save). */
#define REL(ld) ((ld)->rel != NULL ? (ld)->rel : "")

/* -- small helpers -------------------------------------------------- */

/* isspace() of the C locale, as libinih sees bytes in the usual locales. */
static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static void
problem(struct loader *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records one problem in the current file, prefixed with "FILE:LINE: ". */
static void
problem(struct loader *ld, int line, const char *fmt, ...)
{
	char msg[sizeof ((struct err *)0)->msg - 64];
	char full[sizeof ((struct err *)0)->msg];
	struct problem *pr;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (ld->rel == NULL)
		snprintf(full, sizeof full, "%s", msg);
	else if (line > 0)
		snprintf(full, sizeof full, "%s:%d: %s", ld->rel, line, msg);
	else
		snprintf(full, sizeof full, "%s: %s", ld->rel, msg);
	ld->cur_ok = false;
	/* Past the reporting limit only the count matters. */
	if (ld->nerr <= REPORT_MAX) {
		ld->problems = xrealloc(ld->problems,
		    (size_t)(ld->nerr + 1) * sizeof *ld->problems);
		pr = &ld->problems[ld->nerr];
		pr->file = ld->file;
		pr->line = line;
		pr->seq = (size_t)ld->nerr;
		pr->msg = xstrdup(full);
	}
	ld->nerr++;
}

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts the problems by file and line, hands them to report, and returns
 * the first one (owned by ld). */
static const char *
problems_flush(struct loader *ld, profiles_report_fn report, void *arg)
{
	size_t i, n;

	if (ld->nerr == 0)
		return NULL;
	n = ld->nerr <= REPORT_MAX ? (size_t)ld->nerr : REPORT_MAX + 1;
	qsort(ld->problems, n, sizeof *ld->problems, problem_cmp);
	for (i = 0; report != NULL && i < n; i++)
		report(arg, ld->problems[i].msg);
	if (report != NULL && ld->nerr > REPORT_MAX + 1)
		report(arg, _("(more problems not shown)"));
	return ld->problems[0].msg;
}

/* Text from a file shown in a message: control bytes escaped. */
static char *
shown(const char *s, size_t n)
{
	return str_escape(s, n);
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

/* The closest of names to word when it is close enough to be a typo. */
static const char *
suggest(const char *word, const char *const *names, size_t n)
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

static const struct key *
key_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
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

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return true;
		else if (*s == 0x7f)
			return true;
	return false;
}

/* Profile (section) names: what fits libinih's buffer and a command line. */
static int
name_check(const char *s, size_t n, char *why, size_t whylen)
{
	size_t i;

	if (n == 0)
		return snprintf(why, whylen, "%s", _("the profile name is empty")), -1;
	if (n > NAME_MAX_LEN)
		return snprintf(why, whylen,
		    _("the profile name is %zu bytes long; at most %d fit"),
		    n, NAME_MAX_LEN), -1;
	if (is_space((unsigned char)s[0]) || is_space((unsigned char)s[n - 1]))
		return snprintf(why, whylen, "%s",
		    _("the profile name starts or ends with a space")), -1;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f || c == '[' || c == ']')
			return snprintf(why, whylen, "%s",
			    _("the profile name holds a control character or a bracket")), -1;
	}
	return 0;
}

static bool
port_parse(const char *s, int *port)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = (int)v;
	return true;
}

/* A DNS name (letters, digits, '-', '_', dots) or a dotted IPv4 address. */
static bool
hostname_ok(const char *s)
{
	size_t n = strlen(s), label = 0, i, labels = 0;
	bool numeric = true;
	struct in_addr a4;

	if (n == 0 || n > 254 || (n == 254 && s[n - 1] != '.') || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			labels++;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (c > 0x7f)
			return false;
		if (label == 0 && c == '-')
			return false;
		if (!isdigit(c))
			numeric = false;
		if (++label > 63)
			return false;
	}
	if (label > 0) {
		labels++;
		if (s[n - 1] == '-')
			return false;
	}
	/* All digits and dots: it has to be a real IPv4 address. */
	if (numeric)
		return labels == 4 && inet_pton(AF_INET, s, &a4) == 1;
	return true;
}

static bool
ipv6_ok(const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN + 32];
	const char *pct;
	struct in6_addr a6;

	if (n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/* A zone (fe80::1%eth0) is kept for the resolver. */
	if ((pct = strchr(tmp, '%')) != NULL) {
		if (pct[1] == '\0')
			return false;
		tmp[pct - tmp] = '\0';
	}
	return inet_pton(AF_INET6, tmp, &a6) == 1;
}

/* SERVER as DESIGN.md has it: host, host:port or [v6addr]:port. */
static int
server_check(const char *s, char *why, size_t whylen)
{
	const char *close, *colon;
	char *host;
	int port;
	bool ok;

	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL)
			return snprintf(why, whylen, "%s",
			    _("`[` without a closing `]`")), -1;
		if (!ipv6_ok(s + 1, (size_t)(close - s - 1)))
			return snprintf(why, whylen, "%s",
			    _("the part in brackets is not an IPv6 address")), -1;
		if (close[1] == '\0')
			return 0;
		if (close[1] != ':')
			return snprintf(why, whylen, "%s",
			    _("expected `:PORT` after `]`")), -1;
		if (!port_parse(close + 2, &port))
			return snprintf(why, whylen, "%s",
			    _("the port must be a number from 1 to 65535")), -1;
		return 0;
	}
	colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') != NULL)
		return snprintf(why, whylen, "%s",
		    _("write an IPv6 address in brackets, e.g. `[2001:db8::1]:587`")), -1;
	host = colon != NULL ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	ok = hostname_ok(host);
	free(host);
	if (!ok)
		return snprintf(why, whylen, "%s",
		    _("not a host name, `host:port` or `[IPv6]:port`")), -1;
	if (colon != NULL && !port_parse(colon + 1, &port))
		return snprintf(why, whylen, "%s",
		    _("the port must be a number from 1 to 65535")), -1;
	return 0;
}

/* "~" and "~user" at the start of a path. */
static char *
path_expand(const char *s, char *why, size_t whylen)
{
	const char *slash, *home = NULL;
	char pwbuf[4096], *user, *h;
	struct passwd pw, *res = NULL;
	size_t hl;

	if (s[0] != '~') {
		if (s[0] != '/') {
			snprintf(why, whylen, "%s",
			    _("write the path from / or ~/ (a relative path would depend on the current folder)"));
			return NULL;
		}
		return xstrdup(s);
	}
	slash = strchr(s, '/');
	user = xstrndup(s + 1, slash != NULL ? (size_t)(slash - s - 1) : strlen(s + 1));
	if (*user == '\0') {
		home = getenv("HOME");
		if ((home == NULL || *home != '/') &&
		    getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 &&
		    res != NULL)
			home = pw.pw_dir;
	} else if (getpwnam_r(user, &pw, pwbuf, sizeof pwbuf, &res) == 0 &&
	    res != NULL)
		home = pw.pw_dir;
	if (home == NULL || *home != '/') {
		snprintf(why, whylen, _("cannot tell which folder `~%s` is"), user);
		free(user);
		return NULL;
	}
	free(user);
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (slash == NULL)
		return xstrndup(home, hl);
	if (hl == 1)
		return xstrdup(slash);
	h = xasprintf("%.*s%s", (int)hl, home, slash);
	return h;
}

/* The reverse for saving: $HOME/x is written ~/x. */
static char *
path_unexpand(const char *s)
{
	const char *home = getenv("HOME");
	size_t hl;

	if (home == NULL || *home != '/')
		return xstrdup(s);
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(s, home, hl) == 0 && s[hl] == '/')
		return xasprintf("~%s", s + hl);
	return xstrdup(s);
}

/* path from /, for a hint to copy and paste. */
static char *
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
static char *
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

/* -- one value ------------------------------------------------------ */

/* Validates value for k and stores it in p; on error returns -1 with the
 * reason in why (without the "FILE:LINE: key:" prefix). */
static int
key_set(struct loader *ld, struct profile *p, const struct key *k,
    const char *v, char *why, size_t whylen)
{
	char **sp = (char **)((char *)p + k->off);
	int *ip = (int *)((char *)p + k->off);
	char *s, *esc, hex[65];
	size_t i, n;
	int x;

	if (*v == '\0')
		return snprintf(why, whylen, "%s", _("no value given")), -1;
	if (k->kind == K_ADDRESS && str_has_crlf(v))
		return snprintf(why, whylen, "%s", _("must not contain CR or LF")), -1;
	if (has_control(v))
		return snprintf(why, whylen, "%s",
		    _("contains a control character")), -1;

	esc = shown(v, strlen(v));
	switch (k->kind) {
	case K_SERVER: {
		char r[256];

		if (server_check(v, r, sizeof r) == -1) {
			snprintf(why, whylen, "`%s`: %s", esc, r);
			goto fail;
		}
		break;
	}
	case K_TLS:
		if ((*ip = tls_mode_parse(v)) == -1) {
			snprintf(why, whylen, _("`%s` is not one of %s"), esc,
			    TLS_MODE_NAMES);
			goto fail;
		}
		free(esc);
		return 0;
	case K_BOOL:
		if (!bool_parse(v, &x)) {
			snprintf(why, whylen,
			    _("`%s` is not one of yes, no, true, false, on, off, 1, 0"),
			    esc);
			goto fail;
		}
		*ip = x;
		free(esc);
		return 0;
	case K_TLS_MIN:
		if (strcmp(v, "1.2") == 0)
			*ip = 12;
		else if (strcmp(v, "1.3") == 0)
			*ip = 13;
		else {
			snprintf(why, whylen, _("`%s` is not one of 1.2, 1.3"), esc);
			goto fail;
		}
		free(esc);
		return 0;
	case K_TIMEOUT:
		n = strlen(v);
		x = 0;
		for (i = 0; i < n && x <= TIMEOUT_MAX; i++) {
			if (v[i] < '0' || v[i] > '9')
				break;
			x = x * 10 + (v[i] - '0');
		}
		if (i < n || x < 1 || x > TIMEOUT_MAX) {
			snprintf(why, whylen,
			    _("`%s` is not a whole number of seconds from 1 to %d"),
			    esc, TIMEOUT_MAX);
			goto fail;
		}
		*ip = x;
		free(esc);
		return 0;
	case K_FINGERPRINT:
		for (i = n = 0; v[i] != '\0'; i++) {
			if (v[i] == ':')
				continue;
			if (!isxdigit((unsigned char)v[i]) || n == 64) {
				n = 65;
				break;
			}
			hex[n++] = (char)tolower((unsigned char)v[i]);
		}
		if (n != 64) {
			snprintf(why, whylen,
			    _("`%s` is not a SHA-256 fingerprint (64 hex digits, colons optional)"),
			    esc);
			goto fail;
		}
		hex[64] = '\0';
		free(*sp);
		*sp = xstrdup(hex);
		free(esc);
		return 0;
	case K_PATH:
		if ((s = path_expand(v, why, whylen)) == NULL)
			goto fail;
		free(*sp);
		*sp = s;
		free(esc);
		return 0;
	case K_AUTH: {
		const char *mech = sasl_canonical(v);

		if (mech == NULL) {
			snprintf(why, whylen,
			    _("`%s` is not one of %s (leave auth out to use the best one the server offers)"),
			    esc, SASL_NAMES);
			goto fail;
		}
		free(*sp);
		*sp = xstrdup(mech);
		free(esc);
		return 0;
	}
	case K_HELO:
		n = strlen(v);
		if (v[0] == '[' && v[n - 1] == ']') {
			struct in_addr a4;

			s = xstrndup(v + 1, n - 2);
			x = inet_pton(AF_INET, s, &a4) == 1 ||
			    (strncasecmp(s, "IPv6:", 5) == 0 &&
			    ipv6_ok(s + 5, strlen(s + 5)));
			free(s);
		} else
			x = hostname_ok(v);
		if (!x) {
			snprintf(why, whylen,
			    _("`%s` is not a host name or an address literal like [192.0.2.1]"),
			    esc);
			goto fail;
		}
		break;
	case K_THEME:
		if (v[0] == '.' || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(v)) {
			snprintf(why, whylen,
			    _("`%s` is not a theme name (letters, digits, `.`, `-`, `_`)"),
			    esc);
			goto fail;
		}
		break;
	case K_PASSWORD:
		if ((ld->mode & 077) != 0) {
			char *abs = path_absolute(ld->path);
			char *q = shell_quote(abs);

			free(abs);
			snprintf(why, whylen,
			    _("%s can be read by other users (mode %04o); run `chmod 600 %s` or use password_cmd"),
			    REL(ld), (unsigned)(ld->mode & 07777), q);
			free(q);
			goto fail;
		}
		secret_free(*sp);
		*sp = xstrdup(v);
		free(esc);
		return 0;
	case K_ADDRESS: {
		struct addr_list l;
		struct err ae;

		/* The message layer's own parser: what loads here sends. */
		err_clear(&ae);
		x = addr_parse(k->name, v, strlen(v), &l, &ae);
		n = addr_count(&l);
		addr_list_free(&l);
		if (x == -1) {
			/* ae.msg begins with the field name: ours says it. */
			const char *m = ae.msg;
			size_t fl = strlen(k->name);

			if (strncasecmp(m, k->name, fl) == 0 && m[fl] == ':')
				for (m += fl + 1; *m == ' '; m++)
					;
			snprintf(why, whylen, "%.*s", (int)whylen - 1, m);
			goto fail;
		}
		if (n == 0 || (k->off == offsetof(struct profile, from) && n != 1)) {
			snprintf(why, whylen, _("`%s`: give one address"), esc);
			goto fail;
		}
		break;
	}
	case K_TEXT:
	case K_COMMAND:
		break;
	}
	free(*sp);
	*sp = xstrdup(v);
	free(esc);
	return 0;
fail:
	free(esc);
	return -1;
}

/* -- jobs ----------------------------------------------------------- */

static void
replace(char **member, const char *value)
{
	if (value == NULL)
		return;
	free(*member);
	*member = xstrdup(value);
}

void
profile_apply_job(const struct profile *p, struct smtp_job *job)
{
	if (p == NULL)
		return;
	if (p->fallback_plaintext != -1)
		job->fallback_plaintext = p->fallback_plaintext == 1;
	replace(&job->ca_file, p->ca_file);
	replace(&job->fingerprint, p->fingerprint);
	if (p->tls_min != 0)
		job->tls_min = p->tls_min;
	replace(&job->user, p->user);
	if (p->password != NULL) {
		secret_free(job->password);
		job->password = xstrdup(p->password);
	}
	replace(&job->password_cmd, p->password_cmd);
	replace(&job->auth_mech, p->auth);
	if (p->allow_plaintext_auth != -1)
		job->allow_plaintext_auth = p->allow_plaintext_auth == 1;
	replace(&job->helo, p->helo);
	replace(&job->sent_maildir, p->sent_maildir);
	if (p->timeout > 0)
		job->timeout = p->timeout;
}

/* -- sections ------------------------------------------------------- */

void
profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
	p->tls = -1;
	p->fallback_plaintext = -1;
	p->allow_plaintext_auth = -1;
}

void
profile_clear(struct profile *p)
{
	free(p->name);
	free(p->file);
	free(p->server);
	free(p->ca_file);
	free(p->fingerprint);
	free(p->from);
	free(p->user);
	secret_free(p->password);
	free(p->password_cmd);
	free(p->auth);
	free(p->helo);
	free(p->cc);
	free(p->bcc);
	free(p->signature);
	free(p->theme);
	free(p->sent_maildir);
	profile_init(p);
}

static int
key_index(const char *name)
{
	const struct key *k = key_find(name);

	return k != NULL ? (int)(k - keys) : -1;
}

/* Checks between keys once a section is complete, then keeps it. */
static void
section_end(struct loader *ld)
{
	struct profile *p = &ld->cur;
	int lp = ld->keyline[key_index("password")];
	int lc = ld->keyline[key_index("password_cmd")];
	int lf = ld->keyline[key_index("fallback_plaintext")];
	int lt = ld->keyline[key_index("tls")];
	const char *file;
	int i, line;

	if (ld->sec != SEC_PROFILE) {
		ld->sec = SEC_NONE;
		return;
	}
	if (lp > 0 && lc > 0)
		problem(ld, lp > lc ? lp : lc, "%s",
		    _("set either password or password_cmd, not both"));
	if (lf > 0 && lt > 0 && p->fallback_plaintext == 1 &&
	    p->tls != TLS_OPPORTUNISTIC)
		problem(ld, lf > lt ? lf : lt,
		    _("fallback_plaintext: applies only to tls = opportunistic, not %s"),
		    tls_mode_name((enum tls_mode)p->tls));
	for (i = 0; ld->check_files && i < 2; i++) {
		file = i == 0 ? p->ca_file : p->signature;
		line = ld->keyline[key_index(i == 0 ? "ca_file" : "signature")];
		if (file != NULL && access(file, R_OK) == -1) {
			char *esc = shown(file, strlen(file));

			problem(ld, line, "%s: %s: %s",
			    i == 0 ? "ca_file" : "signature", esc,
			    strerror(errno));
			free(esc);
		}
	}
	if (ld->cur_ok) {
		if (ld->ps->n == ld->ps->cap) {
			ld->ps->cap = ld->ps->cap ? ld->ps->cap * 2 : 8;
			ld->ps->v = xrealloc(ld->ps->v,
			    ld->ps->cap * sizeof *ld->ps->v);
		}
		ld->ps->v[ld->ps->n++] = *p;
		profile_init(p);
	} else
		profile_clear(p);
	ld->sec = SEC_NONE;
}

static void
section_begin(struct loader *ld, const char *name, size_t n, bool header_ok)
{
	char why[256], *esc, *nm;
	size_t i;
	bool ok = header_ok;

	section_end(ld);
	ld->cur_ok = true;
	memset(ld->keyline, 0, sizeof ld->keyline);
	ld->missive_keyline = 0;
	esc = shown(name, n);
	nm = xstrndup(name, n);
	if (ok && name_check(name, n, why, sizeof why) == -1) {
		problem(ld, ld->lineno, "[%s]: %s", esc, why);
		ok = false;
	}
	if (ok) {
		for (i = 0; i < ld->nseen; i++) {
			if (strcmp(ld->seen[i].name, nm) != 0)
				continue;
			problem(ld, ld->lineno,
			    strcmp(nm, "missive") == 0 ?
			    _("section [%s] is already defined at %s") :
			    _("profile `%s` is already defined at %s"),
			    esc, ld->seen[i].where);
			ok = false;
			break;
		}
	}
	if (ok) {
		ld->seen = xrealloc(ld->seen, (ld->nseen + 1) * sizeof *ld->seen);
		ld->seen[ld->nseen].name = xstrdup(nm);
		ld->seen[ld->nseen].where = xasprintf("%s:%d", REL(ld),
		    ld->lineno);
		ld->nseen++;
	}
	free(esc);
	if (strcmp(nm, "missive") == 0) {
		free(nm);
		ld->sec = SEC_MISSIVE;
		return;
	}
	/* A bad header still opens a section, so its keys are checked and
	 * not taken for the previous profile's; it is dropped at the end. */
	ld->sec = SEC_PROFILE;
	profile_init(&ld->cur);
	ld->cur.name = nm;
	ld->cur.file = xstrdup(ld->rel);
	ld->cur.line = ld->lineno;
	ld->cur_ok = ok;
}

/* -- libinih's side ------------------------------------------------- */

/* Where libinih would stop scanning s for one of chars: at the first of
 * them or at an inline comment (';' after a space). Returns the offset
 * and tells through *comment which one stopped it. */
static size_t
inih_scan(const char *s, size_t n, const char *chars, bool *comment)
{
	size_t i;
	bool was_space = false;

	*comment = false;
	for (i = 0; i < n; i++) {
		if (chars != NULL && strchr(chars, s[i]) != NULL)
			return i;
		if (was_space && s[i] == ';') {
			*comment = true;
			return i;
		}
		was_space = is_space((unsigned char)s[i]);
	}
	return n;
}

/* Classifies the raw line [p, p+n) (without its line end), reports what
 * libinih would misread, and fills str with the line libinih gets: an
 * empty line in place of anything it should not see. */
static void
feed_line(struct loader *ld, const char *p, size_t n, char *str, int num)
{
	size_t i, sep, close, kl, vl;
	const char *v;
	bool comment, quoted;
	char *esc;

	strcpy(str, "\n");
	if (memchr(p, '\0', n) != NULL) {
		problem(ld, ld->lineno, "%s", _("the line holds a NUL byte"));
		return;
	}
	/* libinih reads num - 1 bytes at a time: longer lines are split. */
	if (n + 3 > (size_t)num) {
		problem(ld, ld->lineno,
		    _("the line is %zu bytes long; at most %d fit (a limit of the INI library)"),
		    n, num - 3);
		return;
	}
	/* An indented line would be a continuation of the previous value to
	 * libinih; people mean a plain line by it. */
	while (n > 0 && is_space((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)p[n - 1]))
		n--;
	if (n == 0 || *p == ';' || *p == '#')
		return;

	if (*p == '[') {
		/* The previous section's own checks come first. */
		section_end(ld);
		close = 1 + inih_scan(p + 1, n - 1, "]", &comment);
		if (close >= n || p[close] != ']') {
			problem(ld, ld->lineno, "%s",
			    _("`[` without a closing `]`"));
			section_begin(ld, "", 0, false);
			return;
		}
		i = close + 1;
		while (i < n && is_space((unsigned char)p[i]))
			i++;
		if (i < n && p[i] != ';' && p[i] != '#') {
			esc = shown(p + i, n - i);
			problem(ld, ld->lineno, _("unexpected text `%s` after `]`"),
			    esc);
			free(esc);
			section_begin(ld, p + 1, close - 1, false);
			return;
		}
		section_begin(ld, p + 1, close - 1, true);
		memcpy(str, p, close + 1);
		strcpy(str + close + 1, "\n");
		return;
	}

	sep = inih_scan(p, n, "=:", &comment);
	if (sep == n || comment) {
		/* The line is shown, unless it may hold a password. */
		if (n >= 8 && strncasecmp(p, "password", 8) == 0 &&
		    (n < 12 || strncasecmp(p, "password_cmd", 12) != 0)) {
			problem(ld, ld->lineno, "%s",
			    _("expected `password = value`"));
			return;
		}
		esc = shown(p, n);
		problem(ld, ld->lineno,
		    _("expected `key = value`, `[profile]` or a comment, not `%s`"),
		    esc);
		free(esc);
		return;
	}
	kl = sep;
	while (kl > 0 && is_space((unsigned char)p[kl - 1]))
		kl--;
	if (kl == 0) {
		problem(ld, ld->lineno, _("missing key name before `%c`"), p[sep]);
		return;
	}
	v = p + sep + 1;
	vl = n - sep - 1;
	while (vl > 0 && is_space((unsigned char)*v)) {
		v++;
		vl--;
	}
	esc = shown(p, kl);
	if (kl >= sizeof ld->key) {
		problem(ld, ld->lineno, _("unknown key `%s`"), esc);
		free(esc);
		return;
	}
	memcpy(ld->key, p, kl);
	ld->key[kl] = '\0';
	/* libinih cuts a value at ` ;`; and ` #` (not a comment to it) would
	 * stay in the value, which is rarely what was meant, outside quotes.
	 * A shell command may hold a shell comment. */
	for (i = 1, quoted = v[0] == '"'; i < vl; i++) {
		if (v[i] == '"')
			quoted = !quoted;
		if (!is_space((unsigned char)v[i - 1]) ||
		    (v[i] != ';' && v[i] != '#'))
			continue;
		/* "Team #3" <team@example.org> is a name, not a comment. */
		if (v[i] == '#' && (quoted ||
		    strcmp(ld->key, "password_cmd") == 0))
			continue;
		if (v[i] == ';' && strcmp(ld->key, "password") == 0)
			problem(ld, ld->lineno, "%s",
			    _("password: ` ;` starts a comment in this file format, so the password would be cut; use password_cmd"));
		else if (v[i] == ';')
			problem(ld, ld->lineno,
			    _("%s: ` ;` starts a comment in this file format, so the value would be cut to `%.*s`; remove the space before `;` or put the comment on a line of its own"),
			    esc, (int)(i - 1), v);
		else
			problem(ld, ld->lineno,
			    _("%s: ` #` does not start a comment after a value, it would be part of it; put the comment on a line of its own"),
			    esc);
		free(esc);
		return;
	}
	free(esc);
	ld->line_key = true;
	ld->value = v;
	ld->value_len = vl;
	/* The password itself does not go through libinih's buffers. */
	if (strcmp(ld->key, "password") == 0) {
		memcpy(str, p, kl);
		strcpy(str + kl, "=*\n");
	} else {
		memcpy(str, p, n);
		strcpy(str + n, "\n");
	}
}

static char *
reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *p, *nl, *end;
	size_t n;

	ld->line_key = false;
	if (num < 8 || ld->pos >= ld->len) {
		section_end(ld);
		return NULL;
	}
	p = ld->data + ld->pos;
	nl = memchr(p, '\n', ld->len - ld->pos);
	end = nl != NULL ? nl : ld->data + ld->len;
	ld->pos = (size_t)((nl != NULL ? nl + 1 : end) - ld->data);
	ld->lineno++;
	n = (size_t)(end - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (ld->lineno == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	feed_line(ld, p, n, str, num);
	return str;
}

static void
missive_key(struct loader *ld, const char *name, const char *v)
{
	char why[256], *esc;
	const char *s;

	if (strcmp(name, "default_profile") != 0) {
		esc = shown(name, strlen(name));
		if (key_find(name) != NULL)
			problem(ld, ld->lineno,
			    _("unknown key `%s` in [missive] (profile keys go in a [NAME] section)"),
			    esc);
		else if ((s = suggest(name, missive_keys, 1)) != NULL)
			problem(ld, ld->lineno,
			    _("unknown key `%s` (did you mean `%s`?)"), esc, s);
		else
			problem(ld, ld->lineno, _("unknown key `%s`"), esc);
		free(esc);
		return;
	}
	if (ld->missive_keyline > 0) {
		problem(ld, ld->lineno,
		    _("duplicate key `%s` (first set on line %d)"), name,
		    ld->missive_keyline);
		return;
	}
	ld->missive_keyline = ld->lineno;
	if (name_check(v, strlen(v), why, sizeof why) == -1) {
		problem(ld, ld->lineno, "default_profile: %s", why);
		return;
	}
	free(ld->ps->default_name);
	ld->ps->default_name = xstrdup(v);
	free(ld->default_where);
	ld->default_where = xstrdup(REL(ld));
	ld->default_file = ld->file;
	ld->default_line = ld->lineno;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	const struct key *k;
	const char *s, *names[NKEYS];
	char why[512], *v, *esc;
	size_t i;
	int idx;

	(void)section;
	if (!ld->line_key)
		return 1;
	ld->line_key = false;
	v = xstrndup(ld->value, ld->value_len);
	/* Never use a value libinih read differently from what is written. */
	if (strcmp(name, ld->key) != 0 ||
	    (strcmp(name, "password") != 0 && strcmp(value, v) != 0)) {
		esc = shown(ld->key, strlen(ld->key));
		problem(ld, ld->lineno,
		    _("%s: the INI library read this line differently from what is written"),
		    esc);
		free(esc);
		goto done;
	}
	if (ld->sec == SEC_NONE) {
		esc = shown(name, strlen(name));
		problem(ld, ld->lineno,
		    _("key `%s` is outside any section; put it under a [NAME] line"),
		    esc);
		free(esc);
		goto done;
	}
	if (ld->sec == SEC_MISSIVE) {
		missive_key(ld, name, v);
		goto done;
	}
	if ((k = key_find(name)) == NULL) {
		esc = shown(name, strlen(name));
		for (i = 0; i < NKEYS; i++)
			names[i] = keys[i].name;
		if ((s = suggest(name, names, NKEYS)) != NULL)
			problem(ld, ld->lineno,
			    _("unknown key `%s` (did you mean `%s`?)"), esc, s);
		else if (strcmp(name, "default_profile") == 0)
			problem(ld, ld->lineno, "%s",
			    _("unknown key `default_profile` (it goes in the [missive] section)"));
		else
			problem(ld, ld->lineno, _("unknown key `%s`"), esc);
		free(esc);
		goto done;
	}
	idx = (int)(k - keys);
	if (ld->keyline[idx] > 0) {
		problem(ld, ld->lineno,
		    _("duplicate key `%s` (first set on line %d)"), k->name,
		    ld->keyline[idx]);
		goto done;
	}
	ld->keyline[idx] = ld->lineno;
	if (key_set(ld, &ld->cur, k, v, why, sizeof why) == -1)
		problem(ld, ld->lineno, "%s: %s", k->name, why);
done:
	if (strcmp(name, "password") == 0)
		secret_free(v);
	else
		free(v);
	return 1;
}

/* Parses data (the contents of rel) into ld->ps. */
static void
load_buffer(struct loader *ld, const char *rel, const char *path, mode_t mode,
    const char *data, size_t len)
{
	int rc;

	ld->rel = rel;
	ld->path = path;
	ld->mode = mode;
	ld->data = data;
	ld->len = len;
	ld->pos = 0;
	ld->lineno = 0;
	ld->sec = SEC_NONE;
	ld->line_key = false;
	rc = ini_parse_stream(reader, ld, handler, ld);
	section_end(ld);
	/* Every line libinih could refuse was checked above; this is only a
	 * guard so that nothing it refused goes unreported. */
	if (rc != 0 && ld->nerr == 0)
		problem(ld, rc > 0 ? rc : 0, "%s",
		    _("the INI library could not read this line"));
}

/* Reads a whole file; 1 when it does not exist, -1 on error. */
static int
file_read(const char *path, char **data, size_t *len, mode_t *mode,
    char *why, size_t whylen)
{
	struct stat st;
	ssize_t r;
	size_t n = 0;
	char *d;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s", _("not a regular file"));
		close(fd);
		return -1;
	}
	if (st.st_size > PROFILE_FILE_MAX) {
		snprintf(why, whylen, _("larger than %d bytes"), PROFILE_FILE_MAX);
		close(fd);
		return -1;
	}
	d = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		r = read(fd, d + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, whylen, "%s", strerror(errno));
			mem_wipe(d, n);
			free(d);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	d[n] = '\0';
	*data = d;
	*len = n;
	*mode = st.st_mode;
	return 0;
}

static void
load_file(struct loader *ld, const char *rel)
{
	char *path, *data, why[256];
	size_t len;
	mode_t mode;
	int rc;

	path = xasprintf("%s/%s", ld->dir, rel);
	rc = file_read(path, &data, &len, &mode, why, sizeof why);
	if (rc == -1) {
		ld->rel = rel;
		problem(ld, 0, "%s", why);
	} else if (rc == 0) {
		load_buffer(ld, rel, path, mode, data, len);
		/* The file may hold a password. */
		mem_wipe(data, len);
		free(data);
	}
	free(path);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* profiles.d/NAME.ini, sorted byte-wise so the order does not depend on the
 * locale. */
static char **
dropins(const char *dir, size_t *n, char *why, size_t whylen)
{
	char *path, **v = NULL;
	struct dirent *de;
	struct stat st;
	size_t len;
	DIR *d;

	*n = 0;
	path = xasprintf("%s/profiles.d", dir);
	if ((d = opendir(path)) == NULL) {
		free(path);
		if (errno == ENOENT)
			return NULL;
		snprintf(why, whylen, "%s", strerror(errno));
		*n = SIZE_MAX;
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		free(path);
		path = xasprintf("%s/profiles.d/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = xasprintf("profiles.d/%s", de->d_name);
	}
	closedir(d);
	free(path);
	if (*n > 0)
		qsort(v, *n, sizeof *v, name_cmp);
	return v;
}

static void
loader_free(struct loader *ld)
{
	size_t i;

	for (i = 0; i < ld->nseen; i++) {
		free(ld->seen[i].name);
		free(ld->seen[i].where);
	}
	free(ld->seen);
	free(ld->default_where);
	for (i = 0; (int)i < ld->nerr && i <= REPORT_MAX; i++)
		free(ld->problems[i].msg);
	free(ld->problems);
	profile_clear(&ld->cur);
}

struct profiles *
profiles_load_all(const char *dir, bool check_files, profiles_report_fn report,
    void *arg, struct err *e)
{
	struct loader ld;
	struct profiles *ps;
	const char *first;
	char *owned = NULL, **files, why[256];
	size_t i, n;

	if (dir == NULL)
		dir = owned = profiles_dir();
	memset(&ld, 0, sizeof ld);
	profile_init(&ld.cur);
	ld.ps = ps = xcalloc(1, sizeof *ps);
	ld.check_files = check_files;
	ld.dir = dir;

	load_file(&ld, "profiles.ini");
	files = dropins(dir, &n, why, sizeof why);
	if (n == SIZE_MAX) {
		ld.rel = "profiles.d";
		problem(&ld, 0, "%s", why);
		n = 0;
	}
	for (i = 0; i < n; i++) {
		ld.file = (int)i + 1;
		load_file(&ld, files[i]);
		free(files[i]);
	}
	free(files);

	if (ps->default_name != NULL) {
		for (i = 0; i < ld.nseen; i++)
			if (strcmp(ld.seen[i].name, ps->default_name) == 0 &&
			    strcmp(ps->default_name, "missive") != 0)
				break;
		if (i == ld.nseen) {
			const char *names[64], *s;
			char *esc;
			size_t m = 0;

			for (i = 0; i < ld.nseen && m < 64; i++)
				if (strcmp(ld.seen[i].name, "missive") != 0)
					names[m++] = ld.seen[i].name;
			esc = shown(ps->default_name, strlen(ps->default_name));
			ld.rel = ld.default_where;
			ld.file = ld.default_file;
			if ((s = suggest(ps->default_name, names, m)) != NULL)
				problem(&ld, ld.default_line,
				    _("default_profile: there is no profile named `%s` (did you mean `%s`?)"),
				    esc, s);
			else
				problem(&ld, ld.default_line,
				    _("default_profile: there is no profile named `%s`"),
				    esc);
			free(esc);
		}
	}

	if (ld.nerr > 0) {
		first = problems_flush(&ld, report, arg);
		if (ld.nerr == 1)
			err_setr(e, "usage", "%s", first);
		else
			err_setr(e, "usage",
			    ngettext("%s (and %d more problem: see `missive profiles --check`)",
			    "%s (and %d more problems: see `missive profiles --check`)",
			    (unsigned long)(ld.nerr - 1)), first, ld.nerr - 1);
		profiles_free(ps);
		ps = NULL;
	}
	loader_free(&ld);
	free(owned);
	return ps;
}

struct profiles *
profiles_load(const char *dir, struct err *e)
{
	return profiles_load_all(dir, false, NULL, NULL, e);
}

void
profiles_free(struct profiles *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++)
		profile_clear(&ps->v[i]);
	free(ps->v);
	free(ps->default_name);
	free(ps);
}

size_t
profiles_count(const struct profiles *ps)
{
	return ps != NULL ? ps->n : 0;
}

const struct profile *
profiles_get(const struct profiles *ps, size_t i)
{
	return ps != NULL && i < ps->n ? &ps->v[i] : NULL;
}

const struct profile *
profiles_find(const struct profiles *ps, const char *name)
{
	size_t i;

	if (ps == NULL || name == NULL)
		return NULL;
	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}

const struct profile *
profiles_default(const struct profiles *ps)
{
	if (ps == NULL)
		return NULL;
	if (ps->default_name != NULL)
		return profiles_find(ps, ps->default_name);
	return ps->n == 1 ? &ps->v[0] : NULL;
}

const char *
profiles_default_name(const struct profiles *ps)
{
	return ps != NULL ? ps->default_name : NULL;
}

char *
profiles_dir(void)
{
	return xdg_dir("config");
}

/* -- saving --------------------------------------------------------- */

/* One key = value line for saving; value NULL removes the key. */
struct kv {
	const char *key;
	char *value;
};

/* The value of k in p as it is written in the file, or NULL when unset. */
static char *
key_render(const struct key *k, const struct profile *p)
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
	case K_PATH:
		return *sp != NULL ? path_unexpand(*sp) : NULL;
	case K_PASSWORD:
		return NULL;
	default:
		return xstrdup(*sp);
	}
}

/* One line of a file being edited. */
struct line {
	const char *p;
	size_t n;		/* with its line end */
	int type;		/* LINE_* */
	const char *name;	/* section name or key */
	size_t name_len;
};
enum { LINE_OTHER, LINE_SECTION, LINE_KEY };

static void
line_classify(struct line *l)
{
	const char *p = l->p;
	size_t n = l->n, close, sep;
	bool comment;

	l->type = LINE_OTHER;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	while (n > 0 && is_space((unsigned char)*p)) {
		p++;
		n--;
	}
	if (n == 0 || *p == ';' || *p == '#')
		return;
	if (*p == '[') {
		close = 1 + inih_scan(p + 1, n - 1, "]", &comment);
		if (close < n && p[close] == ']') {
			l->type = LINE_SECTION;
			l->name = p + 1;
			l->name_len = close - 1;
		}
		return;
	}
	sep = inih_scan(p, n, "=:", &comment);
	if (sep == n || comment)
		return;
	while (sep > 0 && is_space((unsigned char)p[sep - 1]))
		sep--;
	l->type = LINE_KEY;
	l->name = p;
	l->name_len = sep;
}

static bool
line_is(const struct line *l, int type, const char *name)
{
	return l->type == type && l->name_len == strlen(name) &&
	    memcmp(l->name, name, l->name_len) == 0;
}

static bool
line_blank(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!is_space((unsigned char)l->p[i]))
			return false;
	return true;
}

static void
out_line(struct buf *b, const char *eol, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds one line of ours, after ending the user's last line if it had no
 * line end. */
static void
out_line(struct buf *b, const char *eol, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (b->len > 0 && b->data[b->len - 1] != '\n')
		buf_adds(b, eol);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	buf_adds(b, line);
	buf_adds(b, eol);
}

static struct line *
lines_split(const char *data, size_t len, size_t *n)
{
	struct line *v = NULL;
	const char *p = data, *nl;
	size_t cap = 0;

	*n = 0;
	while (p < data + len) {
		nl = memchr(p, '\n', (size_t)(data + len - p));
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[*n].p = p;
		v[*n].n = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(data + len - p);
		line_classify(&v[*n]);
		p += v[*n].n;
		(*n)++;
	}
	return v;
}

/* profiles.ini replaced atomically; errors are configuration errors. */
static int
file_replace(const char *path, const char *data, size_t len, mode_t mode,
    struct err *e)
{
	if (file_write_atomic(path, data, len, (int)(mode & 07777), e) == -1) {
		e->reason = "usage";
		return -1;
	}
	return 0;
}

/* Sets the keys of set (and removes the keys of drop that set does not
 * hold) in [section] of dir/profiles.ini, keeping every other line as it
 * is; a missing section is added at the end, or at the top with top. */
static int
ini_edit(const char *dir, const char *section, const struct kv *set,
    size_t nset, const char *const *drop, size_t ndrop, bool top,
    struct err *e)
{
	char *path, *real = NULL, *data = NULL, why[256];
	const char *eol = "\n";
	struct line *lines = NULL;
	size_t len = 0, n = 0, i, j, start = SIZE_MAX, end = 0, last;
	bool *done = NULL, keep;
	struct buf out;
	mode_t mode = S_IFREG | 0600;
	struct stat st;
	int rc = -1, r, lock;

	if (mkdir_p(dir) == -1)
		return err_setr(e, "usage", _("cannot create %s: %s"), dir,
		    strerror(errno));
	/* Two missives saving at once (the composer, an import) must not
	 * lose one's change: read, edit and replace under a lock. */
	path = xasprintf("%s/.profiles.lock", dir);
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (lock == -1)
		return err_setr(e, "usage", _("cannot create a file in %s: %s"),
		    dir, strerror(errno));
	while (flock(lock, LOCK_EX) == -1 && errno == EINTR)
		;
	path = xasprintf("%s/profiles.ini", dir);
	/* A symlinked profiles.ini (a dotfile manager's) stays a link: the
	 * file it points to is the one replaced. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if ((real = realpath(path, NULL)) == NULL) {
			err_setr(e, "usage", _("cannot follow the link %s: %s"),
			    path, strerror(errno));
			goto out;
		}
		free(path);
		path = real;
	}
	r = file_read(path, &data, &len, &mode, why, sizeof why);
	if (r == -1) {
		err_setr(e, "usage", "%s: %s", path, why);
		goto out;
	}
	if (r == 1) {
		data = xstrdup("");
		len = 0;
		mode = S_IFREG | 0600;
	}
	lines = lines_split(data, len, &n);
	if (n > 0 && lines[0].n >= 2 &&
	    memcmp(lines[0].p + lines[0].n - 2, "\r\n", 2) == 0)
		eol = "\r\n";
	for (i = 0; i < n; i++) {
		if (!line_is(&lines[i], LINE_SECTION, section))
			continue;
		if (start != SIZE_MAX) {
			err_setr(e, "usage",
			    _("%s defines [%s] twice (lines %zu and %zu); fix that first"),
			    path, section, start + 1, i + 1);
			goto out;
		}
		start = i;
	}

	buf_init(&out);
	done = xcalloc(nset + 1, sizeof *done);
	if (start == SIZE_MAX) {
		if (!top) {
			buf_add(&out, data, len);
			if (n > 0 && !line_blank(&lines[n - 1]))
				out_line(&out, eol, "%s", "");
		}
		out_line(&out, eol, "[%s]", section);
		for (j = 0; j < nset; j++)
			if (set[j].value != NULL)
				out_line(&out, eol, "%s = %s", set[j].key,
				    set[j].value);
		if (top) {
			if (n > 0)
				out_line(&out, eol, "%s", "");
			buf_add(&out, data, len);
		}
	} else {
		for (end = start + 1; end < n && lines[end].type != LINE_SECTION;
		    end++)
			;
		last = start;
		for (i = start + 1; i < end; i++)
			if (lines[i].type == LINE_KEY)
				last = i;
		for (i = 0; i < n; i++) {
			keep = true;
			if (i > start && i < end && lines[i].type == LINE_KEY) {
				for (j = 0; j < nset; j++)
					if (line_is(&lines[i], LINE_KEY, set[j].key))
						break;
				if (j < nset) {
					keep = false;
					if (!done[j] && set[j].value != NULL)
						out_line(&out, eol, "%s = %s",
						    set[j].key, set[j].value);
					done[j] = true;
				}
				for (j = 0; keep && j < ndrop; j++)
					if (line_is(&lines[i], LINE_KEY, drop[j]))
						keep = false;
			}
			if (keep)
				buf_add(&out, lines[i].p, lines[i].n);
			if (i != last)
				continue;
			for (j = 0; j < nset; j++)
				if (!done[j] && set[j].value != NULL) {
					out_line(&out, eol, "%s = %s",
					    set[j].key, set[j].value);
					done[j] = true;
				}
		}
	}
	rc = file_replace(path, out.data != NULL ? out.data : "", out.len,
	    mode, e);
	buf_wipe(&out);
out:
	if (data != NULL) {
		mem_wipe(data, len);
		free(data);
	}
	free(lines);
	free(done);
	free(path);
	close(lock);
	return rc;
}

/* Whether a profiles.d file has [name]: profiles_save would then make a
 * duplicate. */
static char *
dropin_defining(const char *dir, const char *name)
{
	char **files, *path, *data, why[256], *found = NULL;
	struct line *lines;
	size_t n, i, j, nl, len;
	mode_t mode;

	files = dropins(dir, &n, why, sizeof why);
	if (n == SIZE_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		if (found == NULL &&
		    file_read(path, &data, &len, &mode, why, sizeof why) == 0) {
			lines = lines_split(data, len, &nl);
			for (j = 0; j < nl; j++)
				if (line_is(&lines[j], LINE_SECTION, name))
					found = xstrdup(files[i]);
			free(lines);
			mem_wipe(data, len);
			free(data);
		}
		free(path);
		free(files[i]);
	}
	free(files);
	return found;
}

int
profiles_save(const char *dir, const struct profile *p, struct err *e)
{
	struct kv set[NKEYS];
	const char *drop[NKEYS + 1];
	char *owned = NULL, *where, why[256], *v;
	const char *bad = NULL;
	struct loader ld;
	struct buf text;
	size_t i, nset = 0, ndrop = 0;
	int rc = -1;

	if (p == NULL || p->name == NULL)
		return err_setr(e, "usage", "%s", _("the profile has no name"));
	if (name_check(p->name, strlen(p->name), why, sizeof why) == -1)
		return err_setr(e, "usage", "%s", why);
	if (strcmp(p->name, "missive") == 0)
		return err_setr(e, "usage", "%s",
		    _("`missive` names the settings section, not a profile"));
	if (dir == NULL)
		dir = owned = profiles_dir();
	if ((where = dropin_defining(dir, p->name)) != NULL) {
		err_setr(e, "usage",
		    _("profile `%s` is defined in %s; change it there"),
		    p->name, where);
		free(where);
		free(owned);
		return -1;
	}

	buf_init(&text);
	buf_addf(&text, "[%s]\n", p->name);
	for (i = 0; i < NKEYS; i++) {
		/* The password is never written; a literal one already in
		 * the file stays, unless password_cmd takes its place. */
		if (keys[i].kind == K_PASSWORD) {
			if (p->password_cmd != NULL)
				drop[ndrop++] = keys[i].name;
			continue;
		}
		drop[ndrop++] = keys[i].name;
		set[nset].key = keys[i].name;
		set[nset].value = key_render(&keys[i], p);
		v = set[nset++].value;
		if (v == NULL)
			continue;
		/* Such values would not read back as they are. */
		if (has_control(v) || str_has_crlf(v) || *v == '\0' ||
		    is_space((unsigned char)v[0]) ||
		    is_space((unsigned char)v[strlen(v) - 1])) {
			if (bad == NULL)
				bad = keys[i].name;
			continue;
		}
		buf_addf(&text, "%s = %s\n", keys[i].name, v);
	}

	/* What is written must load back as it is: check the new section
	 * with the loader itself. */
	memset(&ld, 0, sizeof ld);
	profile_init(&ld.cur);
	ld.ps = xcalloc(1, sizeof *ld.ps);
	ld.dir = dir;
	load_buffer(&ld, NULL, "profiles.ini", 0600, text.data, text.len);
	if (bad != NULL)
		err_setr(e, "usage",
		    _("cannot save profile `%s`: %s: a value with a control character or spaces at its ends cannot be written"),
		    p->name, bad);
	else if (ld.nerr > 0)
		err_setr(e, "usage", _("cannot save profile `%s`: %s"), p->name,
		    problems_flush(&ld, NULL, NULL));
	else
		rc = ini_edit(dir, p->name, set, nset, drop, ndrop, false, e);
	profiles_free(ld.ps);
	loader_free(&ld);
	buf_free(&text);
	for (i = 0; i < nset; i++)
		free(set[i].value);
	free(owned);
	return rc;
}

int
profiles_set_default(const char *dir, const char *name, struct err *e)
{
	struct kv set[1];
	const char *drop[1] = { "default_profile" };
	char *owned = NULL, why[256];
	int rc;

	if (name_check(name, strlen(name), why, sizeof why) == -1)
		return err_setr(e, "usage", "%s", why);
	if (dir == NULL)
		dir = owned = profiles_dir();
	set[0].key = "default_profile";
	set[0].value = xstrdup(name);
	rc = ini_edit(dir, "missive", set, 1, drop, 1, true, e);
	free(set[0].value);
	free(owned);
	return rc;
}
