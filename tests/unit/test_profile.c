/* Profiles: parsing, every validation message with its line, libinih's
 * quirks caught, profiles.d order, the password permission rule,
 * password_cmd, atomic saving that keeps the rest of the file, and the
 * msmtprc import. Each test works in a temporary folder of its own. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/fs.h"
#include "base/util.h"
#include "net/secret.h"
#include "net/smtp.h"
#include "mail/msg.h"
#include "store/profile.h"

static char tmpdir[4096];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	if (base == NULL || *base != '/')
		base = "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/test_profile.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	/* ~ in paths expands against this HOME. */
	setenv("HOME", tmpdir, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* printf into a buffer that lives until the next call but three. */
static const char *
fmt(const char *f, ...)
{
	static char bufs[4][2048];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof bufs[0], f, ap);
	va_end(ap);
	return b;
}

static char *
path_in(const char *rel)
{
	return xasprintf("%s/%s", tmpdir, rel);
}

static void
write_file(const char *rel, const char *data, size_t len, mode_t mode)
{
	char *path = path_in(rel), *slash;
	int fd;

	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(mkdir_p(path), 0);
	*slash = '/';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(path);
}

static void
write_str(const char *rel, const char *data)
{
	write_file(rel, data, strlen(data), 0600);
}

static char *
read_all(const char *rel, size_t *len)
{
	char *path = path_in(rel), *data;
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = xmalloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	free(path);
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

/* Loads tmpdir expecting failure; returns the message. */
static const char *
load_error(struct err *e)
{
	struct profiles *ps;

	err_clear(e);
	ps = profiles_load(tmpdir, e);
	assert_null(ps);
	return e->msg;
}

/* -- parsing -------------------------------------------------------- */

static void
test_parse_all_keys(void **state)
{
	struct profiles *ps;
	const struct profile *p;
	struct err e;
	char *ca;

	(void)state;
	write_str("profiles.ini",
	    "; my mail\n"
	    "[work]\n"
	    "server = smtp.example.org:587\n"
	    "tls = starttls\n"
	    "fallback_plaintext = no\n"
	    "ca_file = ~/certs/ca.pem\n"
	    "fingerprint = AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
	    "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89\n"
	    "tls_min = 1.3\n"
	    "from = Me Myself <me@example.org>\n"
	    "user = me@example.org\n"
	    "password_cmd = pass show mail/work;true\n"
	    "auth = scram-sha-256\n"
	    "allow_plaintext_auth = On\n"
	    "helo = laptop.example.org\n"
	    "cc = a@example.org, \"Team #3\" <team@example.org>\n"
	    "bcc = archive@example.org\n"
	    "signature = ~/.signature\n"
	    "timeout = 3600\n"
	    "theme = solarized-dark\n"
	    "\n"
	    "[v6]\n"
	    "server: [2001:db8::1]:2525\n"
	    "\t  tls = implicit\n");
	err_clear(&e);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_int_equal(profiles_count(ps), 2);

	p = profiles_get(ps, 0);
	assert_string_equal(p->name, "work");
	assert_string_equal(p->file, "profiles.ini");
	assert_int_equal(p->line, 2);
	assert_string_equal(p->server, "smtp.example.org:587");
	assert_int_equal(p->tls, TLS_STARTTLS);
	assert_int_equal(p->fallback_plaintext, 0);
	ca = path_in("certs/ca.pem");
	assert_string_equal(p->ca_file, ca);
	free(ca);
	/* kept as tls_fingerprint_norm writes it, as --fingerprint is */
	assert_string_equal(p->fingerprint, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
	    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
	assert_int_equal(p->tls_min, 13);
	assert_string_equal(p->from, "Me Myself <me@example.org>");
	assert_string_equal(p->user, "me@example.org");
	assert_null(p->password);
	assert_string_equal(p->password_cmd, "pass show mail/work;true");
	assert_string_equal(p->auth, "SCRAM-SHA-256");
	assert_int_equal(p->allow_plaintext_auth, 1);
	assert_string_equal(p->helo, "laptop.example.org");
	assert_string_equal(p->cc, "a@example.org, \"Team #3\" <team@example.org>");
	assert_string_equal(p->bcc, "archive@example.org");
	assert_non_null(strstr(p->signature, "/.signature"));
	assert_int_equal(p->signature[0], '/');
	assert_int_equal(p->timeout, 3600);
	assert_string_equal(p->theme, "solarized-dark");

	p = profiles_find(ps, "v6");
	assert_non_null(p);
	assert_string_equal(p->server, "[2001:db8::1]:2525");
	/* An indented key is a key, not a continuation of the previous one. */
	assert_int_equal(p->tls, TLS_IMPLICIT);
	assert_int_equal(p->fallback_plaintext, -1);
	assert_int_equal(p->tls_min, 0);
	assert_int_equal(p->timeout, 0);
	assert_null(p->from);
	assert_null(profiles_find(ps, "nope"));
	/* Two profiles and no default_profile: no default. */
	assert_null(profiles_default(ps));
	profiles_free(ps);
}


/* The keys of issue 14: reply_to, headers (one line each, checked as the
 * message layer checks them), query_cmd, alternates, wrap, edit_headers;
 * the last three and query_cmd also in [missive]. What loads saves and
 * loads back the same. */
static void
test_answer_keys(void **state)
{
	struct profiles *ps;
	const struct profile *p, *d;
	struct profile q;
	struct err e;
	char *got;

	(void)state;
	write_str("profiles.ini",
	    "[missive]\n"
	    "query_cmd = abook --mutt-query %s\n"
	    "alternates = me@old.example, me@home.example\n"
	    "edit_headers = yes\n"
	    "[work]\n"
	    "from = Me <me@example.org>\n"
	    "reply_to = Team <team@example.org>\n"
	    "headers = X-Clacks-Overhead: GNU Terry Pratchett\n"
	    "headers = Organization: Example\n"
	    "wrap = 72\n"
	    "[plain]\n"
	    "wrap = off\n"
	    "edit_headers = no\n");
	err_clear(&e);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	d = profiles_defaults(ps);
	assert_string_equal(d->query_cmd, "abook --mutt-query %s");
	assert_string_equal(d->alternates, "me@old.example, me@home.example");
	assert_int_equal(d->edit_headers, 1);
	p = profiles_find(ps, "work");
	assert_string_equal(p->reply_to, "Team <team@example.org>");
	assert_string_equal(p->headers, "X-Clacks-Overhead: GNU Terry Pratchett\n"
	    "Organization: Example");
	assert_int_equal(p->wrap, 72);
	assert_int_equal(p->edit_headers, -1);
	p = profiles_find(ps, "plain");
	assert_int_equal(p->wrap, MSG_WRAP_OFF);
	assert_int_equal(p->edit_headers, 0);
	assert_null(p->headers);

	/* Saved: a headers line each, loading back the same. */
	profile_init(&q);
	q.name = xstrdup("saved");
	q.headers = xstrdup(profiles_find(ps, "work")->headers);
	q.wrap = MSG_WRAP_OFF;
	q.reply_to = xstrdup("r@example.org");
	profiles_free(ps);
	assert_int_equal(profiles_save(tmpdir, &q, &e), 0);
	got = read_all("profiles.ini", NULL);
	assert_non_null(strstr(got, "[saved]\nreply_to = r@example.org\n"
	    "headers = X-Clacks-Overhead: GNU Terry Pratchett\n"
	    "headers = Organization: Example\nwrap = off\n"));
	free(got);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_find(ps, "saved")->headers, q.headers);
	assert_int_equal(profiles_find(ps, "saved")->wrap, MSG_WRAP_OFF);
	profiles_free(ps);
	profile_clear(&q);

	/* Refused, each saying why. */
	write_str("profiles.ini", "[a]\nheaders = Subject: mine\n");
	assert_string_equal(load_error(&e), "profiles.ini:2: headers: Header: "
	    "missive writes `Subject` itself; it cannot be given as an extra header");
	write_str("profiles.ini", "[a]\nheaders = no colon\n");
	assert_string_equal(load_error(&e), "profiles.ini:2: headers: Header: "
	    "`no colon` is not a header line like `X-Name: value`");
	write_str("profiles.ini", "[a]\nwrap = 10\n");
	assert_string_equal(load_error(&e), "profiles.ini:2: wrap: `10` is not "
	    "off, flowed or a width from 20 to 998");
	write_str("profiles.ini", "[a]\nreply_to = not an address\n");
	assert_non_null(strstr(load_error(&e), "profiles.ini:2: reply_to: "));
	write_str("profiles.ini", "[missive]\nreply_to = a@example.org\n");
	assert_string_equal(load_error(&e), "profiles.ini:2: unknown key "
	    "`reply_to` in [missive] (profile keys go in a [NAME] section)");
}

static void
test_missing_is_empty(void **state)
{
	struct profiles *ps;
	struct err e;
	char *dir = path_in("does/not/exist");

	(void)state;
	ps = profiles_load(dir, &e);
	assert_non_null(ps);
	assert_int_equal(profiles_count(ps), 0);
	assert_null(profiles_default(ps));
	profiles_free(ps);
	free(dir);
}

static void
test_xdg_dir(void **state)
{
	char *dir, *want;

	(void)state;
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	dir = profiles_dir();
	want = path_in("missive");
	assert_string_equal(dir, want);
	free(dir);
	free(want);
	/* A relative XDG_CONFIG_HOME is ignored, as the spec says. */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	dir = profiles_dir();
	want = path_in(".config/missive");
	assert_string_equal(dir, want);
	free(dir);
	unsetenv("XDG_CONFIG_HOME");
	dir = profiles_dir();
	assert_string_equal(dir, want);
	free(dir);
	free(want);

	/* profiles_load(NULL) reads that folder. */
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	write_str("missive/profiles.ini", "[only]\nserver = mx.example.org\n");
	{
		struct err e;
		struct profiles *ps = profiles_load(NULL, &e);

		assert_non_null(ps);
		assert_string_equal(profiles_get(ps, 0)->name, "only");
		profiles_free(ps);
	}
	unsetenv("XDG_CONFIG_HOME");
}

/* -- every validation message --------------------------------------- */

static const struct {
	const char *ini;
	const char *msg;
} bad[] = {
	{ "[a]\n\n\n\n\n\n\n\n\n\n\n\n\ntls = startls\n",
	  "profiles.ini:14: tls: `startls` is not one of off, opportunistic, starttls, implicit" },
	{ "[a]\nserver = x\nsever = y\n",
	  "profiles.ini:3: unknown key `sever` (did you mean `server`?)" },
	{ "[a]\nfrobnicate = 1\n", "profiles.ini:2: unknown key `frobnicate`" },
	{ "[a]\npasword_cmd = x\n",
	  "profiles.ini:2: unknown key `pasword_cmd` (did you mean `password_cmd`?)" },
	{ "[a]\nfallback_plaintext = maybe\n",
	  "profiles.ini:2: fallback_plaintext: `maybe` is not one of yes, no, true, false, on, off, 1, 0" },
	{ "[a]\nallow_plaintext_auth = 2\n",
	  "profiles.ini:2: allow_plaintext_auth: `2` is not one of yes, no, true, false, on, off, 1, 0" },
	{ "[a]\ntls_min = 1.1\n", "profiles.ini:2: tls_min: `1.1` is not one of 1.2, 1.3" },
	{ "[a]\ntimeout = 0\n",
	  "profiles.ini:2: timeout: `0` is not a whole number of seconds from 1 to 3600" },
	{ "[a]\ntimeout = 3601\n",
	  "profiles.ini:2: timeout: `3601` is not a whole number of seconds from 1 to 3600" },
	{ "[a]\ntimeout = 10s\n",
	  "profiles.ini:2: timeout: `10s` is not a whole number of seconds from 1 to 3600" },
	{ "[a]\ntimeout = -5\n",
	  "profiles.ini:2: timeout: `-5` is not a whole number of seconds from 1 to 3600" },
	{ "[a]\nserver = mail.example.org:0\n",
	  "profiles.ini:2: server: `mail.example.org:0`: the port must be a number from 1 to 65535" },
	{ "[a]\nserver = mail.example.org:65536\n",
	  "profiles.ini:2: server: `mail.example.org:65536`: the port must be a number from 1 to 65535" },
	{ "[a]\nserver = mail.example.org:\n",
	  "profiles.ini:2: server: `mail.example.org:`: the port must be a number from 1 to 65535" },
	{ "[a]\nserver = ::1\n",
	  "profiles.ini:2: server: `::1`: write an IPv6 address in brackets, e.g. `[2001:db8::1]:587`" },
	{ "[a]\nserver = [::zz]:25\n",
	  "profiles.ini:2: server: `[::zz]:25`: the part in brackets is not an IPv6 address" },
	{ "[a]\nserver = [::1]25\n",
	  "profiles.ini:2: server: `[::1]25`: expected `:PORT` after `]`" },
	{ "[a]\nserver = bad host\n",
	  "profiles.ini:2: server: `bad host`: spaces and control characters are not allowed" },
	{ "[a]\nserver = bad!host\n",
	  "profiles.ini:2: server: `bad!host`: not a host name, `host:port` or `[IPv6]:port`" },
	{ "[a]\nserver = 999.1.1.1\n",
	  "profiles.ini:2: server: `999.1.1.1`: not a host name, `host:port` or `[IPv6]:port`" },
	{ "[a]\nserver = -x.example.org\n",
	  "profiles.ini:2: server: `-x.example.org`: not a host name, `host:port` or `[IPv6]:port`" },
	{ "[a]\nfingerprint = abcd\n",
	  "profiles.ini:2: fingerprint: `abcd` is not a SHA-256 fingerprint (64 hex digits, colons optional)" },
	{ "[a]\nfingerprint = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n",
	  "profiles.ini:2: fingerprint: `0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg` is not a SHA-256 fingerprint (64 hex digits, colons optional)" },
	{ "[a]\nfrom = me\rx@example.org\n",
	  "profiles.ini:2: from: must not contain CR or LF" },
	{ "[a]\ncc = a@example.org,\rb@example.org\n",
	  "profiles.ini:2: cc: must not contain CR or LF" },
	{ "[a]\nbcc = x@example.org\r\x01\n",
	  "profiles.ini:2: bcc: must not contain CR or LF" },
	{ "[a]\nuser = me\x01\n", "profiles.ini:2: user: contains a control character" },
	{ "[a]\nfrom = a@example.org, b@example.org\n",
	  "profiles.ini:2: from: `a@example.org, b@example.org`: give one address" },
	{ "[a]\nauth = CRAM-MD5\n",
	  "profiles.ini:2: auth: `CRAM-MD5` is not one of PLAIN, LOGIN, SCRAM-SHA-256, XOAUTH2, OAUTHBEARER (leave auth out to use the best one the server offers)" },
	{ "[a]\nhelo = not a name\n",
	  "profiles.ini:2: helo: `not a name`: not a host name or an address literal like [192.0.2.1]" },
	{ "[a]\ntheme = ../../etc/passwd\n",
	  "profiles.ini:2: theme: `../../etc/passwd` is not a theme name (letters, digits, `.`, `-`, `_`)" },
	{ "[a]\nca_file = certs/ca.pem\n",
	  "profiles.ini:2: ca_file: write the path from / or ~/ (a relative path would depend on the current folder)" },
	{ "[a]\nserver =\n", "profiles.ini:2: server: no value given" },
	{ "[a]\nserver = a.example.org\nserver = b.example.org\n",
	  "profiles.ini:3: duplicate key `server` (first set on line 2)" },
	{ "server = a.example.org\n",
	  "profiles.ini:1: key `server` is outside any section; put it under a [NAME] line" },
	{ "[a]\nthis line has no equals sign\n",
	  "profiles.ini:2: expected `key = value`, `[profile]` or a comment, not `this line has no equals sign`" },
	{ "[a]\n= value\n", "profiles.ini:2: missing key name before `=`" },
	{ "[a\nserver = x.example.org\n", "profiles.ini:1: `[` without a closing `]`" },
	{ "[a] server = x\n", "profiles.ini:1: unexpected text `server = x` after `]`" },
	{ "[]\n", "profiles.ini:1: []: the profile name is empty" },
	{ "[0123456789012345678901234567890123456789012345678901]\n",
	  "profiles.ini:1: [0123456789012345678901234567890123456789012345678901]: the profile name is 52 bytes long; at most 49 fit" },
	{ "[ a ]\n", "profiles.ini:1: [ a ]: the profile name starts or ends with a space" },
	{ "[a]\nserver = x.example.org\n[b]\n[a]\n",
	  "profiles.ini:4: profile `a` is already defined at profiles.ini:1" },
	{ "[missive]\ndefault_profile = nope\n[a]\n",
	  "profiles.ini:2: default_profile: there is no profile named `nope`" },
	{ "[missive]\ndefault_profile = wrok\n[work]\n",
	  "profiles.ini:2: default_profile: there is no profile named `wrok` (did you mean `work`?)" },
	{ "[missive]\ndefualt_profile = a\n[a]\n",
	  "profiles.ini:2: unknown key `defualt_profile` (did you mean `default_profile`?)" },
	{ "[missive]\nserver = x\n",
	  "profiles.ini:2: unknown key `server` in [missive] (profile keys go in a [NAME] section)" },
	{ "[missive]\ntheme = ../etc\n",
	  "profiles.ini:2: theme: `../etc` is not a theme name (letters, digits, `.`, `-`, `_`)" },
	{ "[missive]\ntheme = dark\ntheme = light\n",
	  "profiles.ini:3: duplicate key `theme` (first set on line 2)" },
	{ "[missive]\n[a]\n[missive]\n",
	  "profiles.ini:3: section [missive] is already defined at profiles.ini:1" },
	{ "[a]\ndefault_profile = a\n",
	  "profiles.ini:2: unknown key `default_profile` (it goes in the [missive] section)" },
	{ "[a]\nuser = u\npassword = x\npassword_cmd = y\n",
	  "profiles.ini:4: set either password or password_cmd, not both" },
	{ "[a]\nfallback_plaintext = yes\ntls = starttls\n",
	  "profiles.ini:3: fallback_plaintext: applies only to tls = opportunistic, not starttls" },
};

static void
test_messages(void **state)
{
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_str("profiles.ini", bad[i].ini);
		load_error(&e);
		if (strcmp(e.msg, bad[i].msg) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, e.msg,
			    bad[i].msg);
	}
}

/* An indented line after `password =` would be the rest of the password
 * to libinih (a continuation): every problem about it, with everything
 * profiles --check reports, says so without quoting a byte of it. After
 * another key an indented line is quoted as usual. */
static void
collect_problems(void *arg, const char *msg)
{
	struct buf *b = arg;

	buf_adds(b, msg);
	buf_addc(b, '\n');
}

static void
test_secret_continuation(void **state)
{
	static const char *const inis[] = {
		"[a]\nuser = u\npassword = first-half\n  Second-Half-Of-It\n",
		"[a]\nuser = u\npassword = first-half\n\tSecond-Half = Of-It\n",
		"[a]\npassword = first-half\n\n; a comment\n   Second-Half-Of-It\nuser = u\n",
		"[a]\nuser = u\npassword = first-half\n  Second-Half ; Of-It\n",
	};
	struct profiles *ps;
	struct err e;
	struct buf all;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof inis / sizeof inis[0]; i++) {
		write_str("profiles.ini", inis[i]);
		buf_init(&all);
		buf_adds(&all, "");
		err_clear(&e);
		ps = profiles_load_all(tmpdir, true, collect_problems, &all, &e);
		assert_null(ps);
		if (strstr(all.data, "Second") != NULL || strstr(all.data, "Of-It") != NULL ||
		    strstr(e.msg, "Second") != NULL || strstr(e.msg, "first-half") != NULL)
			fail_msg("case %zu quotes the password:\n%s", i, all.data);
		if (strstr(all.data, "indented line after `password`") == NULL)
			fail_msg("case %zu does not say what is wrong:\n%s", i, all.data);
		buf_free(&all);
	}
	/* After another key, the line is shown. */
	write_str("profiles.ini", "[a]\nuser = u\n  stray words\n");
	assert_non_null(strstr(load_error(&e), "`stray words`"));
}

static void
report_count(void *arg, const char *msg)
{
	struct buf *b = arg;

	buf_adds(b, msg);
	buf_addc(b, '\n');
}

static void
test_all_problems_reported(void **state)
{
	struct buf b;
	struct err e;

	(void)state;
	write_str("profiles.ini",
	    "[a]\n"
	    "tls = startls\n"
	    "timeout = 0\n"
	    "[b]\n"
	    "sever = x\n");
	write_str("profiles.d/x.ini", "[b]\nserver = [::1\n");
	buf_init(&b);
	err_clear(&e);
	assert_null(profiles_load_all(tmpdir, false, report_count, &b, &e));
	assert_string_equal(buf_cstr(&b),
	    "profiles.ini:2: tls: `startls` is not one of off, opportunistic, starttls, implicit\n"
	    "profiles.ini:3: timeout: `0` is not a whole number of seconds from 1 to 3600\n"
	    "profiles.ini:5: unknown key `sever` (did you mean `server`?)\n"
	    "profiles.d/x.ini:1: profile `b` is already defined at profiles.ini:4\n"
	    "profiles.d/x.ini:2: server: `[::1`: `[` without a closing `]`\n");
	assert_string_equal(e.msg,
	    "profiles.ini:2: tls: `startls` is not one of off, opportunistic, starttls, implicit"
	    " (and 4 more problems: see `missive profiles --check`)");
	buf_free(&b);

	/* check_files: a missing ca_file is a problem for --check. */
	write_str("profiles.ini", "[a]\nca_file = ~/missing.pem\n");
	unlink(fmt("%s/%s", tmpdir, "profiles.d/x.ini"));
	buf_init(&b);
	assert_null(profiles_load_all(tmpdir, true, report_count, &b, &e));
	assert_non_null(strstr(buf_cstr(&b), "profiles.ini:2: ca_file: "));
	assert_non_null(strstr(buf_cstr(&b), "missing.pem: No such file or directory"));
	buf_free(&b);
	{
		struct profiles *ps = profiles_load_all(tmpdir, false, NULL,
		    NULL, &e);

		assert_non_null(ps);
		profiles_free(ps);
	}
}

/* -- libinih's quirks ----------------------------------------------- */

static void
test_inline_comment(void **state)
{
	struct profiles *ps;
	struct err e;

	(void)state;
	write_str("profiles.ini",
	    "[a]\nserver = x.example.org\nfrom = Me <me@example.org> ; work\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:3: from: ` ;` starts a comment in this file format, so the value would be cut to `Me <me@example.org>`; remove the space before `;` or put the comment on a line of its own");
	write_str("profiles.ini", "[a]\npassword_cmd = pass show x\t; echo\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: password_cmd: ` ;` starts a comment in this file format, so the value would be cut to `pass show x`; remove the space before `;` or put the comment on a line of its own");
	write_str("profiles.ini", "[a]\nuser = me # work\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: user: ` #` does not start a comment after a value, it would be part of it; put the comment on a line of its own");

	/* Messages never show a password. */
	write_str("profiles.ini", "[a]\npassword = hunter2 ; x\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: password: ` ;` starts a comment in this file format, so the password would be cut; use password_cmd");
	write_str("profiles.ini", "[a]\npassword hunter2\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: expected `password = value`");
	write_str("profiles.ini", "[a]\npassword = hunter2 # x\n");
	assert_null(strstr(load_error(&e), "hunter2"));
	write_str("profiles.ini", "[a]\npassword = hunter2\x01\n");
	assert_null(strstr(load_error(&e), "hunter2"));

	/* A ';' or '#' not after a space is kept; a shell comment in
	 * password_cmd too; comment lines are comments. */
	write_str("profiles.ini",
	    "# comment\n; comment\n  ; indented comment\n"
	    "[a] ; section comment\n"
	    "user = me;you#them\n"
	    "password_cmd = pass show x # the work one\n");
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_get(ps, 0)->user, "me;you#them");
	assert_string_equal(profiles_get(ps, 0)->password_cmd,
	    "pass show x # the work one");
	profiles_free(ps);
}

static void
test_long_line(void **state)
{
	struct profiles *ps;
	struct buf b;
	struct err e;
	char user[200];

	(void)state;
	/* 197 bytes fit in libinih's 200-byte buffer with CR, LF, NUL. */
	memset(user, 'u', sizeof user);
	buf_init(&b);
	buf_adds(&b, "[a]\n");
	buf_addf(&b, "user = %.*s\r\n", 197 - 7, user);
	buf_adds(&b, "server = x.example.org\n");
	write_file("profiles.ini", b.data, b.len, 0600);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_int_equal(strlen(profiles_get(ps, 0)->user), 190);
	assert_string_equal(profiles_get(ps, 0)->server, "x.example.org");
	profiles_free(ps);
	buf_free(&b);

	/* One more byte, and the line would be split: refused, and the line
	 * numbers after it stay right. */
	buf_init(&b);
	buf_adds(&b, "[a]\n");
	buf_addf(&b, "user = %.*s\n", 198 - 7, user);
	buf_adds(&b, "tls = nope\n");
	write_file("profiles.ini", b.data, b.len, 0600);
	buf_free(&b);
	buf_init(&b);
	err_clear(&e);
	assert_null(profiles_load_all(tmpdir, false, report_count, &b, &e));
	assert_string_equal(buf_cstr(&b),
	    "profiles.ini:2: the line is 198 bytes long; at most 197 fit (a limit of the INI library)\n"
	    "profiles.ini:3: tls: `nope` is not one of off, opportunistic, starttls, implicit\n");
	buf_free(&b);

	/* A very long line (several libinih buffers) is one problem. */
	buf_init(&b);
	buf_adds(&b, "[a]\nuser = ");
	for (int i = 0; i < 5000; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, " = [zz\nserver = x.example.org\n");
	write_file("profiles.ini", b.data, b.len, 0600);
	buf_free(&b);
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: the line is 5013 bytes long; at most 197 fit (a limit of the INI library)");
}

static void
test_odd_bytes(void **state)
{
	static const char nul[] = "[a]\nuser = a\0b\nserver = x.example.org\n";
	static const char bom_crlf[] = "\xef\xbb\xbf[a]\r\nserver = x.example.org\r\n"
	    "from = \"J\xc3\xb6rg\" <j@example.org>\r\n";
	struct profiles *ps;
	struct err e;

	(void)state;
	write_file("profiles.ini", nul, sizeof nul - 1, 0600);
	assert_string_equal(load_error(&e), "profiles.ini:2: the line holds a NUL byte");

	write_file("profiles.ini", bom_crlf, sizeof bom_crlf - 1, 0600);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_get(ps, 0)->name, "a");
	assert_string_equal(profiles_get(ps, 0)->server, "x.example.org");
	assert_string_equal(profiles_get(ps, 0)->from,
	    "\"J\xc3\xb6rg\" <j@example.org>");
	profiles_free(ps);

	/* No line end at the end of the file. */
	write_str("profiles.ini", "[a]\nserver = y.example.org");
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_get(ps, 0)->server, "y.example.org");
	profiles_free(ps);

	/* Escape sequences in a bad value are shown escaped. */
	write_str("profiles.ini", "[a]\ntls = \x1b[31mred\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: tls: contains a control character");
	write_str("profiles.ini", "[a]\ntls = caf\xc3\xa9\xff\n");
	assert_string_equal(load_error(&e),
	    "profiles.ini:2: tls: `caf\xc3\xa9\\xff` is not one of off, opportunistic, starttls, implicit");
}

/* -- defaults and profiles.d ------------------------------------------ */

static void
test_default_profile(void **state)
{
	struct profiles *ps;
	struct err e;

	(void)state;
	write_str("profiles.ini",
	    "[missive]\ndefault_profile = home\n\n[work]\nserver = w.example.org\n"
	    "[home]\nserver = h.example.org\n");
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_default(ps)->name, "home");
	assert_string_equal(profiles_default_name(ps), "home");
	profiles_free(ps);

	/* The only profile is the default without being named. */
	write_str("profiles.ini", "[solo]\nserver = s.example.org\n");
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_default(ps)->name, "solo");
	assert_null(profiles_default_name(ps));
	profiles_free(ps);

	/* default_profile may name a profile of profiles.d, and [missive]
	 * may live there. */
	write_str("profiles.ini", "[a]\nserver = a.example.org\n[b]\n");
	write_str("profiles.d/zz.ini", "[missive]\ndefault_profile = c\n");
	write_str("profiles.d/c.ini", "[c]\nserver = c.example.org\n");
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_default(ps)->name, "c");
	profiles_free(ps);
	unlink(fmt("%s/%s", tmpdir, "profiles.d/zz.ini"));
	unlink(fmt("%s/%s", tmpdir, "profiles.d/c.ini"));
}

static void
test_dropin_order(void **state)
{
	struct profiles *ps;
	struct err e;

	(void)state;
	write_str("profiles.ini", "[main]\nserver = m.example.org\n");
	write_str("profiles.d/b.ini", "[b1]\n[b2]\n");
	write_str("profiles.d/a.ini", "[a1]\n");
	write_str("profiles.d/10-first.ini", "[ten]\n");
	write_str("profiles.d/B.ini", "[upper]\n");
	/* Not profile files: other suffixes, hidden files, folders. */
	write_str("profiles.d/notes.txt", "garbage\n");
	write_str("profiles.d/.hidden.ini", "garbage\n");
	write_str("profiles.d/a.ini~", "garbage\n");
	write_str("profiles.d/dir.ini/x", "garbage\n");
	ps = profiles_load(tmpdir, &e);
	if (ps == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(profiles_count(ps), 6);
	assert_string_equal(profiles_get(ps, 0)->name, "main");
	assert_string_equal(profiles_get(ps, 1)->name, "ten");
	assert_string_equal(profiles_get(ps, 1)->file, "profiles.d/10-first.ini");
	assert_string_equal(profiles_get(ps, 2)->name, "upper");
	assert_string_equal(profiles_get(ps, 3)->name, "a1");
	assert_string_equal(profiles_get(ps, 4)->name, "b1");
	assert_string_equal(profiles_get(ps, 5)->name, "b2");
	assert_int_equal(profiles_get(ps, 5)->line, 2);
	profiles_free(ps);

	/* The same profile in two files: both places named. */
	write_str("profiles.d/c.ini", "\n\n[a1]\n");
	assert_string_equal(load_error(&e),
	    "profiles.d/c.ini:3: profile `a1` is already defined at profiles.d/a.ini:1");
}

/* -- the password rule ---------------------------------------------- */

static void
test_password_mode(void **state)
{
	struct profiles *ps;
	struct err e;
	char *want, *path;
	const char *ini = "[a]\nserver = x.example.org\npassword = hunter2\nuser = me\n";

	(void)state;
	write_file("profiles.ini", ini, strlen(ini), 0644);
	path = path_in("profiles.ini");
	want = xasprintf("profiles.ini:3: password: profiles.ini can be read by other users (mode 0644); run `chmod 600 %s` or use password_cmd",
	    path);
	assert_string_equal(load_error(&e), want);
	free(want);
	/* Group-readable is refused too. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_non_null(strstr(load_error(&e), "(mode 0640)"));

	assert_int_equal(chmod(path, 0600), 0);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_string_equal(profiles_get(ps, 0)->password, "hunter2");
	profiles_free(ps);

	/* The rule is per file: a drop-in file is judged by its own mode. */
	write_file("profiles.d/x.ini", "[b]\npassword = p\n", 17, 0604);
	want = xasprintf("profiles.d/x.ini:2: password: profiles.d/x.ini can be read by other users (mode 0604); run `chmod 600 %s/profiles.d/x.ini` or use password_cmd",
	    tmpdir);
	assert_string_equal(load_error(&e), want);
	free(want);
	unlink(fmt("%s/%s", tmpdir, "profiles.d/x.ini"));
	free(path);

	/* No password: any mode will do. */
	write_file("profiles.ini", "[a]\nuser = u\n", 13, 0644);
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	profiles_free(ps);
}

/* -- password_cmd ----------------------------------------------------- */

static void
test_secret_cmd(void **state)
{
	struct err e;
	char *out = (char *)1;

	(void)state;
	assert_int_equal(secret_from_cmd("printf 's3cret\\n'", 5, &out, &e), 0);
	assert_string_equal(out, "s3cret");
	secret_free(out);
	/* Only the final newline goes. */
	assert_int_equal(secret_from_cmd("printf 'a b\\n\\n'", 5, &out, &e), 0);
	assert_string_equal(out, "a b\n");
	secret_free(out);
	assert_int_equal(secret_from_cmd("printf nonl", 5, &out, &e), 0);
	assert_string_equal(out, "nonl");
	secret_free(out);
	/* stdin is not the caller's terminal. */
	assert_int_equal(secret_from_cmd("cat; echo x", 5, &out, &e), 0);
	assert_string_equal(out, "x");
	secret_free(out);

	err_clear(&e);
	assert_int_equal(secret_from_cmd("echo 'gpg: decryption failed' >&2; echo more >&2; exit 3",
	    5, &out, &e), -1);
	assert_null(out);
	assert_string_equal(e.msg,
	    "password_cmd `echo 'gpg: decryption failed' >&2; echo more >&2; exit 3` failed with exit status 3: gpg: decryption failed");

	assert_int_equal(secret_from_cmd("true", 5, &out, &e), -1);
	assert_string_equal(e.msg, "password_cmd `true` printed nothing");
	assert_int_equal(secret_from_cmd("echo", 5, &out, &e), -1);
	assert_string_equal(e.msg, "password_cmd `echo` printed nothing");

	assert_int_equal(secret_from_cmd("no-such-command-here", 5, &out, &e), -1);
	assert_non_null(strstr(e.msg, "failed with exit status 127: "));
	assert_non_null(strstr(e.msg, "not found"));

	assert_int_equal(secret_from_cmd("kill -TERM $$", 5, &out, &e), -1);
	assert_non_null(strstr(e.msg, "was killed by signal 15"));

	assert_int_equal(secret_from_cmd("printf 'a\\0b'", 5, &out, &e), -1);
	assert_string_equal(e.msg, "password_cmd `printf 'a\\\\0b'` printed a NUL byte");
}

static void
test_secret_timeout(void **state)
{
	struct err e;
	char *out = NULL, *pidfile, *cmd, buf[32];
	double t0, took;
	FILE *f;
	pid_t bg;

	(void)state;
	/* The command and what it started in the background both go. */
	pidfile = path_in("bg.pid");
	cmd = xasprintf("sleep 30 & echo $! > '%s'; printf partial; sleep 30",
	    pidfile);
	t0 = time_now();
	assert_int_equal(secret_from_cmd(cmd, 1, &out, &e), -1);
	took = time_now() - t0;
	assert_null(out);
	assert_true(took >= 0.9 && took < 2.0);
	assert_non_null(strstr(e.msg, "did not finish within 1 seconds"));
	assert_string_equal(e.reason, "timeout");
	f = fopen(pidfile, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	bg = (pid_t)atoi(buf);
	assert_true(bg > 0);
	/* Killed (it may linger a moment as a zombie of init). */
	for (int i = 0; i < 100 && kill(bg, 0) == 0; i++)
		usleep(10000);
	{
		char stat_path[64], st[256];
		FILE *sf;

		snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)bg);
		if ((sf = fopen(stat_path, "r")) != NULL) {
			/* Still listed: it must be a zombie, not running. */
			assert_non_null(fgets(st, sizeof st, sf));
			fclose(sf);
			assert_non_null(strstr(st, ") Z"));
		}
	}
	free(cmd);
	free(pidfile);

	/* A command that closes its output but goes on running. */
	t0 = time_now();
	assert_int_equal(secret_from_cmd("echo x; exec >&- 2>&-; sleep 30", 1,
	    &out, &e), -1);
	assert_true(time_now() - t0 < 2.0);
	assert_string_equal(e.reason, "timeout");
}

/* -- saving ------------------------------------------------------------- */

static const char original[] =
    "# My profiles; keep this comment.\n"
    "[missive]\n"
    "default_profile = home\n"
    "\n"
    "[home]   ; the one at home\n"
    "server = h.example.org\n"
    "  # a comment inside home\n"
    "from = Me <me@home.example.org>\n"
    "password = hunter2\n"
    "unknown_key_kept = 1\n"
    "\n"
    "; about work\n"
    "[work]\n"
    "server = w.example.org:587\n"
    "\n";

static void
test_save_replace(void **state)
{
	struct profile p;
	struct err e;
	char *got;
	size_t len;
	struct stat st;

	(void)state;
	write_file("profiles.ini", original, sizeof original - 1, 0600);
	profile_init(&p);
	p.name = xstrdup("home");
	p.server = xstrdup("smtp.home.example.org:465");
	p.tls = TLS_IMPLICIT;
	p.user = xstrdup("me");
	p.timeout = 20;
	p.ca_file = path_in("ca.pem");
	assert_int_equal(profiles_save(tmpdir, &p, &e), 0);
	got = read_all("profiles.ini", &len);
	/* Existing keys changed in place, comments and the literal password
	 * kept, from dropped (unset now), new keys after the last key. */
	assert_string_equal(got,
	    "# My profiles; keep this comment.\n"
	    "[missive]\n"
	    "default_profile = home\n"
	    "\n"
	    "[home]   ; the one at home\n"
	    "server = smtp.home.example.org:465\n"
	    "  # a comment inside home\n"
	    "password = hunter2\n"
	    "unknown_key_kept = 1\n"
	    "tls = implicit\n"
	    "ca_file = ~/ca.pem\n"
	    "user = me\n"
	    "timeout = 20\n"
	    "\n"
	    "; about work\n"
	    "[work]\n"
	    "server = w.example.org:587\n"
	    "\n");
	free(got);
	assert_int_equal(stat(fmt("%s/%s", tmpdir, "profiles.ini"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	profile_clear(&p);

	/* Saving password_cmd replaces the literal password. */
	profile_init(&p);
	p.name = xstrdup("home");
	p.server = xstrdup("smtp.home.example.org:465");
	p.password = xstrdup("never-written");
	p.password_cmd = xstrdup("pass show home");
	p.user = xstrdup("me");
	assert_int_equal(profiles_save(tmpdir, &p, &e), 0);
	profile_clear(&p);
	got = read_all("profiles.ini", NULL);
	assert_null(strstr(got, "hunter2"));
	assert_null(strstr(got, "never-written"));
	assert_non_null(strstr(got, "[home]   ; the one at home\n"
	    "server = smtp.home.example.org:465\n"
	    "  # a comment inside home\n"
	    "unknown_key_kept = 1\n"
	    "user = me\n"
	    "password_cmd = pass show home\n"
	    "\n; about work\n"));
	free(got);
}

static void
test_save_append_roundtrip(void **state)
{
	struct profile p;
	const struct profile *q;
	struct profiles *ps;
	struct err e;
	char *got, *want;
	size_t len;

	(void)state;
	/* A file without a final line end and CRLF line ends. */
	write_str("profiles.ini", "[a]\r\nserver = a.example.org\r\n; last");
	profile_init(&p);
	p.name = xstrdup("new one");
	p.server = xstrdup("[2001:db8::25]:587");
	p.tls = TLS_STARTTLS;
	p.fallback_plaintext = 0;
	p.allow_plaintext_auth = 1;
	p.tls_min = 13;
	p.fingerprint = xstrdup("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	p.from = xstrdup("\"Team #3\" <team@example.org>");
	p.cc = xstrdup("a@example.org");
	p.bcc = xstrdup("b@example.org");
	p.user = xstrdup("me");
	p.password_cmd = xstrdup("pass show x # work");
	p.password = xstrdup("not-saved");
	p.auth = xstrdup("PLAIN");
	p.helo = xstrdup("[192.0.2.1]");
	p.signature = xstrdup("/etc/signature");
	p.timeout = 45;
	p.theme = xstrdup("dark");
	assert_int_equal(profiles_save(tmpdir, &p, &e), 0);
	got = read_all("profiles.ini", &len);
	want = "[a]\r\nserver = a.example.org\r\n; last\r\n\r\n[new one]\r\n"
	    "server = [2001:db8::25]:587\r\n"
	    "tls = starttls\r\n"
	    "fallback_plaintext = no\r\n"
	    "fingerprint = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\r\n"
	    "tls_min = 1.3\r\n"
	    "from = \"Team #3\" <team@example.org>\r\n"
	    "user = me\r\n"
	    "password_cmd = pass show x # work\r\n"
	    "auth = PLAIN\r\n"
	    "allow_plaintext_auth = yes\r\n"
	    "helo = [192.0.2.1]\r\n"
	    "cc = a@example.org\r\n"
	    "bcc = b@example.org\r\n"
	    "signature = /etc/signature\r\n"
	    "timeout = 45\r\n"
	    "theme = dark\r\n";
	assert_string_equal(got, want);
	free(got);

	/* Loads back to the same values. */
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	q = profiles_find(ps, "new one");
	assert_non_null(q);
	assert_string_equal(q->server, p.server);
	assert_int_equal(q->tls, p.tls);
	assert_int_equal(q->fallback_plaintext, 0);
	assert_int_equal(q->allow_plaintext_auth, 1);
	assert_int_equal(q->tls_min, 13);
	assert_string_equal(q->fingerprint, "00:11:22:33:44:55:66:77:88:99:AA:BB:"
	    "CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
	assert_string_equal(q->from, p.from);
	assert_string_equal(q->password_cmd, p.password_cmd);
	assert_null(q->password);
	assert_string_equal(q->helo, p.helo);
	assert_int_equal(q->timeout, 45);
	profiles_free(ps);

	/* Saving again with the same values changes nothing. */
	assert_int_equal(profiles_save(tmpdir, &p, &e), 0);
	got = read_all("profiles.ini", NULL);
	assert_string_equal(got, want);
	free(got);
	profile_clear(&p);
}

static void
test_save_new_file(void **state)
{
	struct profile p;
	struct stat st;
	struct err e;
	char *dir, *got, *path;

	(void)state;
	dir = path_in("fresh/missive");
	profile_init(&p);
	p.name = xstrdup("x");
	p.server = xstrdup("x.example.org");
	assert_int_equal(profiles_save(dir, &p, &e), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	path = xasprintf("%s/profiles.ini", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	got = read_all("fresh/missive/profiles.ini", NULL);
	assert_string_equal(got, "[x]\nserver = x.example.org\n");
	free(got);

	/* The default goes at the top, in a [missive] section. */
	assert_int_equal(profiles_set_default(dir, "x", &e), 0);
	got = read_all("fresh/missive/profiles.ini", NULL);
	assert_string_equal(got,
	    "[missive]\ndefault_profile = x\n\n[x]\nserver = x.example.org\n");
	free(got);
	assert_int_equal(profiles_set_default(dir, "y", &e), 0);
	got = read_all("fresh/missive/profiles.ini", NULL);
	assert_string_equal(got,
	    "[missive]\ndefault_profile = y\n\n[x]\nserver = x.example.org\n");
	free(got);

	/* No temporary file is left behind: profiles.ini and the lock. */
	{
		DIR *d = opendir(dir);
		struct dirent *de;
		int n = 0;

		assert_non_null(d);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (strcmp(de->d_name, "profiles.ini") != 0 &&
			    strcmp(de->d_name, ".profiles.lock") != 0)
				fail_msg("left behind: %s", de->d_name);
			n++;
		}
		closedir(d);
		assert_int_equal(n, 2);
	}
	free(path);
	free(dir);
	profile_clear(&p);
}

static void
test_save_refusals(void **state)
{
	struct profile p;
	struct err e;
	char *before, *after;

	(void)state;
	write_str("profiles.ini", "[a]\nserver = a.example.org\n");
	before = read_all("profiles.ini", NULL);
	profile_init(&p);

	p.name = xstrdup("missive");
	assert_int_equal(profiles_save(tmpdir, &p, &e), -1);
	assert_string_equal(e.msg, "`missive` names the settings section, not a profile");
	free(p.name);

	p.name = xstrdup("bad]name");
	assert_int_equal(profiles_save(tmpdir, &p, &e), -1);
	assert_string_equal(e.msg, "the profile name holds a control character or a bracket");
	free(p.name);

	p.name = xstrdup("a");
	p.from = xstrdup("me\n[evil]\nserver = x");
	assert_int_equal(profiles_save(tmpdir, &p, &e), -1);
	assert_string_equal(e.msg, "cannot save profile `a`: from: a value with a control character or spaces at its ends cannot be written");
	free(p.from);
	p.from = xstrdup("Me <me@example.org> ; comment");
	assert_int_equal(profiles_save(tmpdir, &p, &e), -1);
	assert_non_null(strstr(e.msg, "cannot save profile `a`: from: ` ;` starts a comment"));
	free(p.from);
	p.from = NULL;
	p.tls = 7;
	p.server = xstrdup("nope nope");
	assert_int_equal(profiles_save(tmpdir, &p, &e), -1);
	assert_string_equal(e.msg, "cannot save profile `a`: server: `nope nope`: spaces and control characters are not allowed");

	/* A profile of profiles.d is not duplicated into profiles.ini. */
	free(p.name);
	free(p.server);
	p.server = NULL;
	p.tls = -1;
	p.name = xstrdup("d");
	write_str("profiles.d/d.ini", "[d]\n");
	assert_int_equal(profiles_save(tmpdir, &p, &e), -1);
	assert_string_equal(e.msg, "profile `d` is defined in profiles.d/d.ini; change it there");
	unlink(fmt("%s/%s", tmpdir, "profiles.d/d.ini"));

	after = read_all("profiles.ini", NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	profile_clear(&p);
}

/* Savers in parallel: the lock keeps every one's change. */
static void
test_save_concurrent(void **state)
{
	enum { KIDS = 6, EACH = 8 };
	struct profiles *ps;
	struct err e;
	pid_t pids[KIDS];
	int i, j, status;

	(void)state;
	for (i = 0; i < KIDS; i++) {
		pids[i] = fork();
		assert_true(pids[i] != -1);
		if (pids[i] != 0)
			continue;
		for (j = 0; j < EACH; j++) {
			struct profile p;

			profile_init(&p);
			p.name = xasprintf("p%d-%d", i, j);
			p.server = xasprintf("h%d.example.org:%d", i, 1000 + j);
			if (profiles_save(tmpdir, &p, &e) == -1)
				_exit(1);
			profile_clear(&p);
		}
		_exit(0);
	}
	for (i = 0; i < KIDS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ps = profiles_load(tmpdir, &e);
	assert_non_null(ps);
	assert_int_equal(profiles_count(ps), KIDS * EACH);
	assert_string_equal(profiles_find(ps, "p3-5")->server,
	    "h3.example.org:1005");
	profiles_free(ps);
}

static void
test_save_symlink(void **state)
{
	struct profile p;
	struct stat st;
	struct err e;
	char *link, *target, *got;

	(void)state;
	write_str("dotfiles/profiles.ini", "[a]\nserver = a.example.org\n");
	assert_int_equal(mkdir_p(fmt("%s/%s", tmpdir, "cfg")), 0);
	link = path_in("cfg/profiles.ini");
	target = path_in("dotfiles/profiles.ini");
	assert_int_equal(symlink(target, link), 0);
	profile_init(&p);
	p.name = xstrdup("b");
	p.user = xstrdup("u");
	free(target);
	target = path_in("cfg");
	assert_int_equal(profiles_save(target, &p, &e), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	got = read_all("dotfiles/profiles.ini", NULL);
	assert_string_equal(got, "[a]\nserver = a.example.org\n\n[b]\nuser = u\n");
	free(got);
	profile_clear(&p);
	free(link);
	free(target);
}

/* -- msmtprc import ------------------------------------------------------ */

static void
collect(void *arg, const char *msg)
{
	struct buf *b = arg;

	buf_adds(b, msg);
	buf_addc(b, '\n');
}

static void
test_import_msmtp(void **state)
{
	struct msmtp_import im;
	struct buf w;
	struct err e;
	const struct profile *p;
	char *rc = path_in("msmtprc");

	(void)state;
	write_str("msmtprc",
	    "# msmtp configuration\n"
	    "defaults\n"
	    "auth on\n"
	    "tls on\n"
	    "tls_trust_file /etc/ssl/certs/ca-certificates.crt\n"
	    "logfile ~/.msmtp.log\n"
	    "\n"
	    "account gmail\n"
	    "host smtp.gmail.com\n"
	    "port 587\n"
	    "from \"me@gmail.com\"\n"
	    "user me@gmail.com\n"
	    "passwordeval \"gpg -q -d ~/.pw.gpg\"\n"
	    "\n"
	    "account work : gmail\n"
	    "host mail.example.org\n"
	    "tls_starttls off\n"
	    "from_full_name Me Myself\n"
	    "from me@example.org\n"
	    "password hunter2\n"
	    "domain laptop.example.org\n"
	    "timeout 40\n"
	    "auth cram-md5\n"
	    "\n"
	    "account plain\n"
	    "host 2001:db8::25\n"
	    "tls off\n"
	    "auth off\n"
	    "user nobody\n"
	    "tls_certcheck off\n"
	    "tls_fingerprint 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\n"
	    "\n"
	    "account nohost\n"
	    "\n"
	    "account default : work\n");
	buf_init(&w);
	assert_int_equal(profiles_import_msmtp(rc, &im, collect, &w, &e), 0);
	assert_int_equal(im.n, 3);
	assert_string_equal(im.default_name, "work");

	p = &im.v[0];
	assert_string_equal(p->name, "gmail");
	assert_string_equal(p->server, "smtp.gmail.com:587");
	assert_int_equal(p->tls, TLS_STARTTLS);
	assert_string_equal(p->ca_file, "/etc/ssl/certs/ca-certificates.crt");
	assert_string_equal(p->from, "me@gmail.com");
	assert_string_equal(p->user, "me@gmail.com");
	assert_string_equal(p->password_cmd, "gpg -q -d ~/.pw.gpg");
	assert_null(p->auth);
	assert_null(p->password);

	/* Inherits port, user, passwordeval from gmail and tls from the
	 * defaults; tls_starttls off makes it implicit TLS. */
	p = &im.v[1];
	assert_string_equal(p->name, "work");
	assert_string_equal(p->server, "mail.example.org:587");
	assert_int_equal(p->tls, TLS_IMPLICIT);
	assert_string_equal(p->from, "Me Myself <me@example.org>");
	assert_string_equal(p->user, "me@gmail.com");
	assert_string_equal(p->password_cmd, "gpg -q -d ~/.pw.gpg");
	assert_null(p->password);
	assert_string_equal(p->helo, "laptop.example.org");
	assert_int_equal(p->timeout, 40);
	assert_null(p->auth);

	p = &im.v[2];
	assert_string_equal(p->name, "plain");
	assert_string_equal(p->server, "[2001:db8::25]:25");
	assert_int_equal(p->tls, TLS_OFF);
	assert_null(p->user);
	assert_null(p->fingerprint);

	assert_string_equal(buf_cstr(&w), fmt(
	    "%1$s:6: `logfile` has no missive equivalent; ignored\n"
	    "%1$s:20: the password of work is not imported (a password kept in a file leaks too easily); give the profile a password_cmd, e.g. `pass show mail`\n"
	    "%1$s:15: work: missive cannot do auth cram-md5; the profile uses the best mechanism the server offers\n"
	    "%1$s:25: plain: msmtp's tls is off, so the profile says tls = off (no encryption); change it to opportunistic or starttls if the server offers TLS\n"
	    "%1$s:25: plain: tls_certcheck off is not imported: missive always verifies certificates (pin one with fingerprint, or use --insecure for a single run)\n"
	    "%1$s:25: plain: tls_fingerprint is not a SHA-256 fingerprint; not imported\n"
	    "%1$s:25: plain: user `nobody` is not imported: msmtp's auth is off for this account\n"
	    "%1$s:33: account nohost has no host; not imported\n", rc));
	buf_free(&w);

	/* Saved, the imported profiles load back. */
	{
		struct profiles *ps;
		size_t i;

		for (i = 0; i < im.n; i++)
			assert_int_equal(profiles_save(tmpdir, &im.v[i], &e), 0);
		assert_int_equal(profiles_set_default(tmpdir, im.default_name, &e), 0);
		ps = profiles_load(tmpdir, &e);
		if (ps == NULL)
			fail_msg("%s", e.msg);
		assert_int_equal(profiles_count(ps), 3);
		assert_string_equal(profiles_default(ps)->name, "work");
		assert_string_equal(profiles_find(ps, "work")->from,
		    "Me Myself <me@example.org>");
		profiles_free(ps);
	}
	msmtp_import_free(&im);

	/* An account named default with settings of its own is a profile;
	 * settings before any account belong to it (msmtp 1.2). */
	write_str("msmtprc", "host mx.example.org\nport 2525\n");
	assert_int_equal(profiles_import_msmtp(rc, &im, NULL, NULL, &e), 0);
	assert_int_equal(im.n, 1);
	assert_string_equal(im.v[0].name, "default");
	assert_string_equal(im.v[0].server, "mx.example.org:2525");
	assert_int_equal(im.v[0].tls, TLS_OFF);
	assert_string_equal(im.default_name, "default");
	msmtp_import_free(&im);

	/* Syntax errors name file and line. */
	write_str("msmtprc", "account a\nhost x\nport many\n");
	assert_int_equal(profiles_import_msmtp(rc, &im, NULL, NULL, &e), -1);
	assert_string_equal(e.msg, fmt("%s:3: invalid argument `many` for port", rc));
	write_str("msmtprc", "account a : b\n");
	assert_int_equal(profiles_import_msmtp(rc, &im, NULL, NULL, &e), -1);
	assert_string_equal(e.msg, fmt("%s:1: account b is not defined (yet)", rc));
	free(rc);
	rc = path_in("no-such-msmtprc");
	assert_int_equal(profiles_import_msmtp(rc, &im, NULL, NULL, &e), -1);
	assert_string_equal(e.msg, fmt("%s: No such file or directory", rc));
	free(rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answer_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_all_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdg_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_continuation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_problems_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_comment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropin_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_cmd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_append_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_msmtp, setup, teardown),
	};

	/* Messages are compared in English. */
	setenv("LC_ALL", "C", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
