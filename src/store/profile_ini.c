/* The line reader under libinih: profiles are parsed by libinih through
 * ini_parse_stream, fed one line at a time by a reader of our own that
 * tracks line numbers and catches what Debian's libinih would do silently
 * (cut a value at ` ;`, split a line over 200 bytes, read an indented line
 * as a continuation); each key's value goes to pkey_set. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/smtp.h"
#include "store/profile_int.h"

#define REPORT_MAX		50	/* problems shown before "more not shown" */

/* The keys of [missive]: default_profile, and the profile keys that may
 * be given there for every profile (a profile's own value wins). */
static const char *const missive_keys[] = { "default_profile", "theme",
	"query_cmd", "alternates", "edit_headers" };
#define NMISSIVE (sizeof missive_keys / sizeof missive_keys[0])

/* isspace() of the C locale, as libinih sees bytes in the usual locales. */
bool
ini_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}


int
ini_name_check(const char *s, size_t n, struct err *e)
{
	size_t i;

	if (n == 0)
		return err_setr(e, "usage", "%s", _("the profile name is empty"));
	if (n > PROFILE_NAME_MAX)
		return err_setr(e, "usage",
		    _("the profile name is %zu bytes long; at most %d fit"),
		    n, PROFILE_NAME_MAX);
	if (ini_space((unsigned char)s[0]) || ini_space((unsigned char)s[n - 1]))
		return err_setr(e, "usage", "%s",
		    _("the profile name starts or ends with a space"));
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f || c == '[' || c == ']')
			return err_setr(e, "usage", "%s",
			    _("the profile name holds a control character or a bracket"));
	}
	return 0;
}

/* Records one problem in the current file, prefixed with "FILE:LINE: ". */
void
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
const char *
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

/* Checks between keys once a section is complete, then keeps it. */
static void
section_end(struct loader *ld)
{
	struct profile *p = &ld->cur;
	int lp = ld->keyline[pkey_index("password")];
	int lc = ld->keyline[pkey_index("password_cmd")];
	int lf = ld->keyline[pkey_index("fallback_plaintext")];
	int lt = ld->keyline[pkey_index("tls")];
	const char *file;
	int i, line;

	if (ld->sec != SEC_PROFILE) {
		ld->sec = SEC_NONE;
		return;
	}
	if (lp > 0 && lc > 0)
		problem(ld, lp > lc ? lp : lc, "%s",
		    _("set either password or password_cmd, not both"));
	/* Credentials with nobody to log in as would send without AUTH. */
	if (p->user == NULL) {
		static const char *const creds[] = { "password", "password_cmd", "auth" };
		const char *set[] = { p->password, p->password_cmd, p->auth };

		/* Only values that were taken: a refused one is reported
		 * already. */
		for (i = 0; i < 3; i++) {
			line = ld->keyline[pkey_index(creds[i])];
			if (line > 0 && set[i] != NULL)
				problem(ld, line, _("%s is set but user is not: add "
				    "`user = NAME` (the name to log in as), or remove %s"),
				    creds[i], creds[i]);
		}
	}
	if (lf > 0 && lt > 0 && p->fallback_plaintext == 1 &&
	    p->tls != TLS_OPPORTUNISTIC)
		problem(ld, lf > lt ? lf : lt,
		    _("fallback_plaintext: applies only to tls = opportunistic, not %s"),
		    tls_mode_name((enum tls_mode)p->tls));
	for (i = 0; ld->check_files && i < 2; i++) {
		file = i == 0 ? p->ca_file : p->signature;
		line = ld->keyline[pkey_index(i == 0 ? "ca_file" : "signature")];
		if (file != NULL && access(file, R_OK) == -1) {
			char *esc = str_escape(file, strlen(file));

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
	struct err e;
	char *esc, *nm;
	size_t i;
	bool ok = header_ok;

	section_end(ld);
	ld->cur_ok = true;
	memset(ld->keyline, 0, sizeof ld->keyline);
	ld->missive_keyline = 0;
	esc = str_escape(name, n);
	nm = xstrndup(name, n);
	err_clear(&e);
	if (ok && ini_name_check(name, n, &e) == -1) {
		problem(ld, ld->lineno, "[%s]: %s", esc, e.msg);
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

void
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

size_t
ini_scan(const char *s, size_t n, const char *chars, bool *comment)
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
		was_space = ini_space((unsigned char)s[i]);
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
	bool comment, quoted, indented;
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
	indented = n > 0 && ini_space((unsigned char)*p);
	while (n > 0 && ini_space((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && ini_space((unsigned char)p[n - 1]))
		n--;
	if (n == 0 || *p == ';' || *p == '#')
		return;
	/* Whatever it holds may be part of a password: nothing of it is
	 * shown, whatever else is wrong with it. */
	if (indented && ld->after_secret) {
		problem(ld, ld->lineno, "%s", _("an indented line after `password` "
		    "would be read as the rest of the password; a password cannot "
		    "span lines: write it on one line, or use password_cmd"));
		return;
	}
	ld->after_secret = false;

	if (*p == '[') {
		/* The previous section's own checks come first. */
		section_end(ld);
		close = 1 + ini_scan(p + 1, n - 1, "]", &comment);
		if (close >= n || p[close] != ']') {
			problem(ld, ld->lineno, "%s",
			    _("`[` without a closing `]`"));
			section_begin(ld, "", 0, false);
			return;
		}
		i = close + 1;
		while (i < n && ini_space((unsigned char)p[i]))
			i++;
		if (i < n && p[i] != ';' && p[i] != '#') {
			esc = str_escape(p + i, n - i);
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

	sep = ini_scan(p, n, "=:", &comment);
	if (sep == n || comment) {
		/* The line is shown, unless it may hold a password. */
		if (n >= 8 && strncasecmp(p, "password", 8) == 0 &&
		    (n < 12 || strncasecmp(p, "password_cmd", 12) != 0)) {
			problem(ld, ld->lineno, "%s",
			    _("expected `password = value`"));
			ld->after_secret = true;
			return;
		}
		esc = str_escape(p, n);
		problem(ld, ld->lineno,
		    _("expected `key = value`, `[profile]` or a comment, not `%s`"),
		    esc);
		free(esc);
		return;
	}
	kl = sep;
	while (kl > 0 && ini_space((unsigned char)p[kl - 1]))
		kl--;
	if (kl == 0) {
		problem(ld, ld->lineno, _("missing key name before `%c`"), p[sep]);
		return;
	}
	v = p + sep + 1;
	vl = n - sep - 1;
	while (vl > 0 && ini_space((unsigned char)*v)) {
		v++;
		vl--;
	}
	esc = str_escape(p, kl);
	if (kl >= sizeof ld->key) {
		problem(ld, ld->lineno, _("unknown key `%s`"), esc);
		free(esc);
		return;
	}
	memcpy(ld->key, p, kl);
	ld->key[kl] = '\0';
	ld->after_secret = strcmp(ld->key, "password") == 0;
	/* libinih cuts a value at ` ;`; and ` #` (not a comment to it) would
	 * stay in the value, which is rarely what was meant, outside quotes.
	 * A shell command may hold a shell comment. */
	for (i = 1, quoted = v[0] == '"'; i < vl; i++) {
		if (v[i] == '"')
			quoted = !quoted;
		if (!ini_space((unsigned char)v[i - 1]) ||
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
	struct err e;
	char *esc;
	const char *s;

	size_t i;

	for (i = 0; i < NMISSIVE && strcmp(name, missive_keys[i]) != 0; i++)
		;
	if (i == NMISSIVE) {
		esc = str_escape(name, strlen(name));
		if (pkey_find(name) != NULL)
			problem(ld, ld->lineno,
			    _("unknown key `%s` in [missive] (profile keys go in a [NAME] section)"),
			    esc);
		else if ((s = pkey_suggest(name, missive_keys, NMISSIVE)) != NULL)
			problem(ld, ld->lineno,
			    _("unknown key `%s` (did you mean `%s`?)"), esc, s);
		else
			problem(ld, ld->lineno, _("unknown key `%s`"), esc);
		free(esc);
		return;
	}
	if (strcmp(name, "default_profile") != 0) {
		/* A default for every profile: checked as the profile key. */
		const struct pkey *k = pkey_find(name);
		int idx = pkey_index(name);

		if (ld->keyline[idx] > 0) {
			problem(ld, ld->lineno,
			    _("duplicate key `%s` (first set on line %d)"), name,
			    ld->keyline[idx]);
			return;
		}
		ld->keyline[idx] = ld->lineno;
		err_clear(&e);
		if (pkey_set(ld, &ld->ps->defaults, k, v, &e) == -1)
			problem(ld, ld->lineno, "%s: %s", name, e.msg);
		return;
	}
	if (ld->missive_keyline > 0) {
		problem(ld, ld->lineno,
		    _("duplicate key `%s` (first set on line %d)"), name,
		    ld->missive_keyline);
		return;
	}
	ld->missive_keyline = ld->lineno;
	err_clear(&e);
	if (ini_name_check(v, strlen(v), &e) == -1) {
		problem(ld, ld->lineno, "default_profile: %s", e.msg);
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
	const struct pkey *k;
	const char *s, *names[PROFILE_KEYS_MAX];
	struct err e;
	char *v, *esc;
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
		esc = str_escape(ld->key, strlen(ld->key));
		problem(ld, ld->lineno,
		    _("%s: the INI library read this line differently from what is written"),
		    esc);
		free(esc);
		goto done;
	}
	if (ld->sec == SEC_NONE) {
		esc = str_escape(name, strlen(name));
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
	if ((k = pkey_find(name)) == NULL) {
		esc = str_escape(name, strlen(name));
		for (i = 0; i < profile_nkeys; i++)
			names[i] = profile_keys[i].name;
		if ((s = pkey_suggest(name, names, profile_nkeys)) != NULL)
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
	idx = (int)(k - profile_keys);
	if (ld->keyline[idx] > 0 && k->kind != K_HEADER) {
		problem(ld, ld->lineno,
		    _("duplicate key `%s` (first set on line %d)"), k->name,
		    ld->keyline[idx]);
		goto done;
	}
	if (ld->keyline[idx] == 0)
		ld->keyline[idx] = ld->lineno;
	err_clear(&e);
	if (pkey_set(ld, &ld->cur, k, v, &e) == -1)
		problem(ld, ld->lineno, "%s: %s", k->name, e.msg);
done:
	if (strcmp(name, "password") == 0)
		secret_free(v);
	else
		free(v);
	return 1;
}

void
ini_load_buffer(struct loader *ld, const char *rel, const char *path, mode_t mode,
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
	ld->after_secret = false;
	rc = ini_parse_stream(reader, ld, handler, ld);
	section_end(ld);
	/* Every line libinih could refuse was checked above; this is only a
	 * guard so that nothing it refused goes unreported. */
	if (rc != 0 && ld->nerr == 0)
		problem(ld, rc > 0 ? rc : 0, "%s",
		    _("the INI library could not read this line"));
}

