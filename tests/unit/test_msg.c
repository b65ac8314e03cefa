/* The message layer end to end: exact bytes for a few specs, the size
 * promised by msg_start against the bytes msg_read gives, the encoding
 * chosen for each kind of body, every error a user can hit, attachments
 * changing under our feet, and round trips through an independent
 * decoder (Python's email package, tests/unit/msg_judge.py).
 *
 * Also a small driver for bench/attach-rss.sh:
 *   test_msg --render [--8bit] [--utf8] [--attach FILE]...
 * writes a message with those attachments to standard output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/text.h"
#include "base/util.h"
#include "mail/msg.h"

#define JUDGE TESTSRCDIR "/unit/msg_judge.py"
#define PYTHON "/usr/bin/python3"

static char tmpdir[64];

static char *
tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/missive-test-msg-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc;

	(void)state;
	/* MISSIVE_KEEP_TMP=1 keeps the rendered messages for a look. */
	rc = getenv("MISSIVE_KEEP_TMP") != NULL ? 0 : system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Renders m completely, reading chunk bytes at a time; checks the total
 * against msg_size and that no line exceeds 998 octets. */
static char *
render(struct msg *m, unsigned flags, size_t chunk, size_t *len)
{
	struct err e = { 0 };
	struct buf b;
	char *tmp = xmalloc(chunk);
	ssize_t n;
	size_t i, line = 0;

	if (msg_start(m, flags, &e) != 0)
		fail_msg("msg_start: %s", e.msg);
	buf_init(&b);
	buf_adds(&b, "");
	while ((n = msg_read(m, tmp, chunk, &e)) > 0) {
		assert_true((size_t)n <= chunk);
		buf_add(&b, tmp, (size_t)n);
	}
	if (n < 0)
		fail_msg("msg_read: %s", e.msg);
	free(tmp);
	assert_int_equal(b.len, msg_size(m));
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '\n') {
			assert_true(i > 0 && b.data[i - 1] == '\r');
			line = 0;
		} else if (b.data[i] != '\r' && ++line > 998)
			fail_msg("line over 998 octets at byte %zu", i);
	}
	*len = b.len;
	return b.data;
}

static struct msg *
new_ok(const struct msg_spec *s)
{
	struct err e = { 0 };
	struct msg *m = msg_new(s, &e);

	if (m == NULL)
		fail_msg("msg_new: %s", e.msg);
	return m;
}

static void
new_fails(const struct msg_spec *s, const char *want)
{
	struct err e = { 0 };
	struct msg *m = msg_new(s, &e);

	if (m != NULL)
		fail_msg("msg_new accepted, want \"%s\"", want);
	if (strcmp(e.msg, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", e.msg, want);
}

/* --- exact bytes */

#define FIXED_DATE "Mon, 01 Jan 2024 10:00:00 +0000"
#define FIXED_ID "<fixed.1@example.org>"
#define HEAD_TAIL "Message-ID: " FIXED_ID "\r\nMIME-Version: 1.0\r\n" \
	"User-Agent: missive/" PACKAGE_VERSION "\r\n"

static void
test_exact_simple(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out;
	size_t n;
	const char *want =
	    "Date: " FIXED_DATE "\r\n"
	    "From: Alice Example <alice@example.org>\r\n"
	    "To: bob@example.net, \"Doe, Jane\" <jane@example.net>\r\n"
	    "Cc: carol@example.com\r\n"
	    "Subject: Hello there\r\n"
	    HEAD_TAIL
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n"
	    "\r\n"
	    "Hi Bob,\r\n"
	    ".\r\n"
	    "see you.\r\n";

	(void)state;
	s.from = "Alice Example <alice@example.org>";
	s.to = "bob@example.net, \"Doe, Jane\" <jane@example.net>";
	s.cc = "carol@example.com";
	s.bcc = "hidden@example.com";
	s.subject = "  Hello there ";
	s.body = "Hi Bob,\r\n.\nsee you.";
	m = new_ok(&s);
	msg_set_fixed(m, FIXED_DATE, FIXED_ID, NULL);
	out = render(m, 0, 4096, &n);
	assert_string_equal(out, want);
	assert_false(msg_is_8bit(m));
	assert_false(msg_needs_smtputf8(m));
	free(out);
	/* A retry renders the same bytes. */
	out = render(m, 0, 1, &n);
	assert_string_equal(out, want);
	free(out);
	msg_free(m);
}

static void
test_exact_multipart(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out, *att = tpath("notes.txt"), *empty = tpath("empty.bin");
	const char *list[] = { att, empty, NULL };
	size_t n;
	const char *want =
	    "Date: " FIXED_DATE "\r\n"
	    "From: alice@example.org\r\n"
	    "To: bob@example.net\r\n"
	    "Subject: Files\r\n"
	    HEAD_TAIL
	    "Content-Type: multipart/mixed; boundary=\"=_missive_TEST\"\r\n"
	    "\r\n"
	    "--=_missive_TEST\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n"
	    "\r\n"
	    "Body\r\n"
	    "\r\n"
	    "--=_missive_TEST\r\n"
	    "Content-Type: text/plain; charset=\"us-ascii\"; name=\"notes.txt\"\r\n"
	    "Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "YWJj\r\n"
	    "\r\n"
	    "--=_missive_TEST\r\n"
	    "Content-Type: application/octet-stream; name=\"empty.bin\"\r\n"
	    "Content-Disposition: attachment; filename=\"empty.bin\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "\r\n"
	    "--=_missive_TEST--\r\n";

	(void)state;
	write_file(att, "abc", 3);
	write_file(empty, "", 0);
	s.from = "alice@example.org";
	s.to = "bob@example.net";
	s.subject = "Files";
	s.body = "Body\n";
	s.attach = list;
	m = new_ok(&s);
	msg_set_fixed(m, FIXED_DATE, FIXED_ID, "=_missive_TEST");
	out = render(m, MSG_8BIT, 7, &n);
	assert_string_equal(out, want);
	free(out);
	msg_free(m);
	free(att);
	free(empty);
}

static void
test_exact_encoded_headers(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out;
	size_t n;
	const char *want =
	    "Date: " FIXED_DATE "\r\n"
	    "From: =?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@xn--bcher-kva.example>\r\n"
	    "To: undisclosed-recipients:;\r\n"
	    "Reply-To: team: a@example.org, b@example.org;\r\n"
	    "Subject: Re: =?UTF-8?B?Q2Fmw6k=?= au lait\r\n"
	    "Message-ID: " FIXED_ID "\r\n"
	    "In-Reply-To: <orig@example.org>\r\n"
	    "References: <a@example.org> <orig@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "User-Agent: missive/" PACKAGE_VERSION "\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "Voil=C3=A0\r\n";

	(void)state;
	s.from = "Jos\xc3\xa9 M\xc3\xbcller <jose@b\xc3\xbc" "cher.example>";
	s.bcc = "secret@example.com";
	s.reply_to = "team: a@example.org, b@example.org;";
	s.subject = "Re: Caf\xc3\xa9 au lait";
	s.in_reply_to = "orig@example.org";
	s.references = "<a@example.org>, <orig@example.org>";
	s.body = "Voil\xc3\xa0";
	m = new_ok(&s);
	msg_set_fixed(m, FIXED_DATE, FIXED_ID, NULL);
	out = render(m, 0, 4096, &n);
	assert_string_equal(out, want);
	assert_null(strstr(out, "secret"));
	free(out);
	/* With 8BITMIME the body goes as it is. */
	out = render(m, MSG_8BIT, 4096, &n);
	assert_non_null(strstr(out, "Content-Transfer-Encoding: 8bit\r\n\r\nVoil\xc3\xa0\r\n"));
	assert_true(msg_is_8bit(m));
	free(out);
	/* With SMTPUTF8 the headers carry UTF-8 too. */
	out = render(m, MSG_8BIT | MSG_UTF8, 4096, &n);
	assert_non_null(strstr(out, "From: Jos\xc3\xa9 M\xc3\xbcller <jose@b\xc3\xbc"
	    "cher.example>\r\n"));
	assert_non_null(strstr(out, "Subject: Re: Caf\xc3\xa9 au lait\r\n"));
	assert_true(msg_needs_smtputf8(m));
	free(out);
	msg_free(m);
}

/* --- size, chunking, encodings */

static void
test_chunks_and_size(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *a, *b, *path = tpath("data.bin");
	const char *list[] = { path, NULL };
	unsigned char data[100000];
	size_t i, na, nb, sizes[] = { 1, 2, 3, 57, 76, 78, 1000, 65536 };

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 31 + (i >> 8));
	write_file(path, data, sizeof data);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.body = "x\n";
	s.attach = list;
	m = new_ok(&s);
	a = render(m, 0, 1 << 20, &na);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		b = render(m, 0, sizes[i], &nb);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na);
		free(b);
	}
	free(a);
	msg_free(m);
	free(path);
}

/* The text part's transfer encoding for each kind of body. */
static void
test_body_encodings(void **state)
{
	static const struct {
		const char *body;
		unsigned flags;
		const char *cte;
	} v[] = {
		{ "plain ascii\n", 0, "7bit" },
		{ "plain ascii\n", MSG_8BIT, "7bit" },
		{ "\xc3\xa9t\xc3\xa9\n", 0, "quoted-printable" },
		{ "\xc3\xa9t\xc3\xa9\n", MSG_8BIT, "8bit" },
		{ NULL, 0, "7bit" },
		{ "", 0, "7bit" },
	};
	struct msg_spec s = { 0 };
	char longline[2100], longutf8[1300], *out, *want;
	size_t i, n;

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct msg *m;

		s.body = v[i].body;
		m = new_ok(&s);
		out = render(m, v[i].flags, 4096, &n);
		want = xasprintf("Content-Transfer-Encoding: %s\r\n\r\n", v[i].cte);
		assert_non_null(strstr(out, want));
		if (v[i].body == NULL || *v[i].body == '\0')
			/* An empty body: the headers and the blank line. */
			assert_string_equal(strstr(out, want) + strlen(want), "");
		free(want);
		free(out);
		msg_free(m);
	}
	/* A 2000-character line with no space: quoted-printable even with
	 * 8BITMIME, soft breaks keep lines at 76. */
	memset(longline, 'x', 2000);
	strcpy(longline + 2000, "\n");
	s.body = longline;
	{
		struct msg *m = new_ok(&s);

		out = render(m, MSG_8BIT, 4096, &n);
		assert_non_null(strstr(out, "Content-Transfer-Encoding: quoted-printable"));
		assert_non_null(strstr(out, "xxx=\r\nxxx"));
		free(out);
		msg_free(m);
	}
	/* 1200 bytes of UTF-8 on one line: also quoted-printable. */
	for (i = 0; i < 400; i++)
		memcpy(longutf8 + i * 3, "\xe6\x97\xa5", 3);
	longutf8[1200] = '\0';
	s.body = longutf8;
	{
		struct msg *m = new_ok(&s);

		out = render(m, MSG_8BIT, 4096, &n);
		assert_non_null(strstr(out, "Content-Transfer-Encoding: quoted-printable"));
		assert_false(msg_is_8bit(m));
		free(out);
		msg_free(m);
	}
}

static void
test_newlines_and_nul(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out, *path = tpath("nul.txt");
	size_t n;

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.body = "one\r\ntwo\rthree\nfour";
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n"));
	free(out);
	msg_free(m);
	/* A NUL cannot travel as 7bit/8bit: quoted-printable. */
	write_file(path, "a\0b\n", 4);
	s.body = NULL;
	s.body_file = path;
	m = new_ok(&s);
	out = render(m, MSG_8BIT, 4096, &n);
	assert_non_null(strstr(out, "quoted-printable\r\n\r\na=00b\r\n"));
	free(out);
	msg_free(m);
	free(path);
}

static void
test_signature_and_stdin(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out, *sig = tpath("sig"), *in = tpath("stdin.txt");
	size_t n;
	int fd, saved;

	(void)state;
	write_file(sig, "Alice\nexample.org", 17);
	write_file(in, "from stdin\n", 11);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.body_file = "-";
	s.signature_file = sig;
	saved = dup(0);
	fd = open(in, O_RDONLY);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 0);
	close(fd);
	m = new_ok(&s);
	dup2(saved, 0);
	close(saved);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "\r\n\r\nfrom stdin\r\n-- \r\nAlice\r\nexample.org\r\n"));
	free(out);
	msg_free(m);
	/* A signature file that has its own separator keeps just one. */
	write_file(sig, "-- \nBob\n", 8);
	s.body_file = NULL;
	s.body = "text";
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "\r\n\r\ntext\r\n-- \r\nBob\r\n"));
	free(out);
	msg_free(m);
	free(sig);
	free(in);
}

static void
test_flowed(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out, *p, *body, *eol;
	size_t n, lines = 0;

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.flowed = true;
	s.body = "This paragraph is long enough that it has to be wrapped at "
	    "seventy-two characters by the flowed encoder, and then it ends.\n"
	    "From here on, a line that mbox would mangle.\n"
	    " indented line\n"
	    "> > quoted line that is long, so it is broken with its quote marks "
	    "at the same level, never joined to another level\n"
	    ">\n"
	    "trailing spaces   \n";
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"));
	body = strstr(out, "\r\n\r\n") + 4;
	for (p = body; *p != '\0'; p = eol + 2) {
		eol = strstr(p, "\r\n");
		assert_true(eol - p <= 73);	/* 72 + the stuffing space */
		lines++;
	}
	assert_int_equal(lines, 8);
	/* The paragraph: two lines joined by a soft break. */
	assert_non_null(strstr(out, "\r\n\r\nThis paragraph is long enough that "
	    "it has to be wrapped at seventy-two \r\ncharacters by"));
	assert_non_null(strstr(body, "\r\n From here on"));	/* stuffed */
	assert_non_null(strstr(body, "\r\n  indented line\r\n"));
	/* Quoted: ">>" and a blank, a soft break, the same level again; an
	 * empty quoted line has no blank (it would be a soft break). */
	assert_non_null(strstr(body, "\r\n>> quoted line that is long, so it is "
	    "broken with its quote marks at \r\n>> the same level, never joined "
	    "to another level\r\n>\r\n"));
	assert_non_null(strstr(body, "\r\ntrailing spaces\r\n"));
	free(out);
	msg_free(m);
}

/* --- envelope */

static void
test_envelope(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	char *out;
	size_t n;

	(void)state;
	s.from = "Alice <Alice@Example.ORG>";
	s.to = "a@EXAMPLE.com, Bee <b@x.example>";
	s.cc = "a@example.COM";
	s.bcc = "A@example.com, b@X.EXAMPLE, hidden@b\xc3\xbc" "cher.example";
	m = new_ok(&s);
	assert_string_equal(msg_env_from(m), "Alice@Example.ORG");
	assert_int_equal(msg_env_count(m), 4);
	assert_string_equal(msg_env_rcpt(m, 0), "a@EXAMPLE.com");
	assert_string_equal(msg_env_rcpt(m, 1), "b@x.example");
	assert_string_equal(msg_env_rcpt(m, 2), "A@example.com");
	assert_string_equal(msg_env_rcpt(m, 3), "hidden@xn--bcher-kva.example");
	assert_null(msg_env_rcpt(m, 4));
	assert_false(msg_needs_smtputf8(m));
	out = render(m, 0, 4096, &n);
	assert_null(strstr(out, "hidden"));
	assert_null(strstr(out, "Bcc"));
	assert_null(strstr(out, "A@example.com"));
	free(out);
	msg_free(m);
}

static void
test_smtputf8(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	struct err e = { 0 };
	char *out;
	size_t n;

	(void)state;
	s.from = "a@example.org";
	s.to = "J\xc3\xb6rg <j\xc3\xb6rg@example.de>";
	m = new_ok(&s);
	assert_true(msg_needs_smtputf8(m));
	assert_string_equal(msg_env_rcpt(m, 0), "j\xc3\xb6rg@example.de");
	assert_int_equal(msg_start(m, MSG_8BIT, &e), -1);
	assert_string_equal(e.msg, "`j\xc3\xb6rg@example.de` has a non-ASCII local "
	    "part: it can only be sent through a server that offers SMTPUTF8");
	out = render(m, MSG_8BIT | MSG_UTF8, 4096, &n);
	assert_non_null(strstr(out, "To: J\xc3\xb6rg <j\xc3\xb6rg@example.de>\r\n"));
	free(out);
	msg_free(m);
}

static void
test_message_id_and_date(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m1, *m2;
	const char *id;
	char *out, *d, wd[4], mon[4], sign;
	int day, year, hh, mm, ss, zone;
	size_t n;

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	m1 = new_ok(&s);
	m2 = new_ok(&s);
	id = msg_message_id(m1);
	assert_true(id[0] == '<');
	assert_non_null(strstr(id, "@example.org>"));
	assert_string_not_equal(id, msg_message_id(m2));
	/* Without a usable domain, the HELO name. */
	s.from = "a@[192.0.2.1]";
	s.helo = "host.example.net";
	msg_free(m2);
	m2 = new_ok(&s);
	assert_non_null(strstr(msg_message_id(m2), "@host.example.net>"));
	out = render(m1, 0, 4096, &n);
	d = strstr(out, "Date: ");
	assert_non_null(d);
	assert_int_equal(sscanf(d, "Date: %3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %c%4d",
	    wd, &day, mon, &year, &hh, &mm, &ss, &sign, &zone), 9);
	assert_non_null(strstr("MonTueWedThuFriSatSun", wd));
	assert_non_null(strstr("JanFebMarAprMayJunJulAugSepOctNovDec", mon));
	assert_true(sign == '+' || sign == '-');
	assert_true(year >= 2024);
	free(out);
	msg_free(m1);
	msg_free(m2);
	/* The local zone, with its sign and minutes. */
	{
		static const char *const zones[][2] = {
			{ "EST5", " -0500\r\n" }, { "IST-5:30", " +0530\r\n" },
			{ "UTC0", " +0000\r\n" }, { "NPT-5:45", " +0545\r\n" },
		};
		char *old = getenv("TZ") != NULL ? xstrdup(getenv("TZ")) : NULL;
		size_t z;

		s.from = "a@example.org";
		for (z = 0; z < 4; z++) {
			setenv("TZ", zones[z][0], 1);
			tzset();
			m1 = new_ok(&s);
			out = render(m1, 0, 4096, &n);
			d = strstr(out, "Date: ");
			if (strncmp(strstr(d, "\r\n") - 6, zones[z][1], 8) != 0)
				fail_msg("TZ=%s: %.40s", zones[z][0], d);
			free(out);
			msg_free(m1);
		}
		if (old != NULL)
			setenv("TZ", old, 1);
		else
			unsetenv("TZ");
		tzset();
		free(old);
	}
}

/* --- errors */

static void
test_errors(void **state)
{
	struct msg_spec s = { 0 };
	char *bad = tpath("latin1.txt"), *dir = tpath("adir");
	const char *list[] = { NULL, NULL };

	(void)state;
	write_file(bad, "caf\xe9\n", 5);
	assert_int_equal(mkdir(dir, 0700), 0);
	s.to = "b@example.org";
	new_fails(&s, "From: there must be exactly one address");
	s.from = "a@example.org, c@example.org";
	new_fails(&s, "From: there must be exactly one address");
	s.from = "team: a@example.org;";
	new_fails(&s, "From: there must be exactly one address");
	s.from = "a@";
	new_fails(&s, "From: `a@` has no domain");
	s.from = "a@example.org";
	s.to = "";
	new_fails(&s, "To: there must be at least one recipient (in To, Cc or Bcc)");
	s.to = "undisclosed-recipients:;";
	new_fails(&s, "To: there must be at least one recipient (in To, Cc or Bcc)");
	s.to = "b@example.org";
	s.cc = "x@y, bob@";
	new_fails(&s, "Cc: the second address `bob@` has no domain");
	s.cc = NULL;
	s.subject = "Hi\r\nBcc: evil@example.com";
	new_fails(&s, "Subject: contains a line break (CR or LF) or a NUL byte, "
	    "which a header cannot hold");
	s.subject = "bell\a";
	new_fails(&s, "Subject: contains a control character (\\x07)");
	s.subject = NULL;
	s.reply_to = "r@example.org\n";
	new_fails(&s, "Reply-To: contains a line break (CR or LF) or a NUL byte, "
	    "which a header cannot hold");
	s.reply_to = NULL;
	s.in_reply_to = "<x@example.org>\r\nX-Evil: 1";
	new_fails(&s, "In-Reply-To: contains a line break (CR or LF) or a NUL byte, "
	    "which a header cannot hold");
	s.in_reply_to = NULL;
	s.references = "<ok@example.org> notanid";
	new_fails(&s, "References: `notanid` is not a message ID like <id@example.com>");
	s.references = NULL;
	s.helo = "host\nname";
	new_fails(&s, "HELO name: contains a line break (CR or LF) or a NUL byte, "
	    "which a header cannot hold");
	s.helo = NULL;
	s.body = "ok \xff";
	new_fails(&s, "Body: is not valid UTF-8 (byte 4)");
	s.body = NULL;
	s.body_file = "/nonexistent/body.txt";
	new_fails(&s, "Body: cannot read `/nonexistent/body.txt`: No such file or directory");
	s.body_file = bad;
	{
		char *want = xasprintf("Body: `%s` is not valid UTF-8 (byte 4); convert "
		    "it (iconv -t UTF-8) or attach it", bad);

		new_fails(&s, want);
		free(want);
	}
	s.body_file = NULL;
	s.signature_file = "/nonexistent/sig";
	new_fails(&s, "Signature: cannot read `/nonexistent/sig`: No such file or directory");
	s.signature_file = NULL;
	s.attach = list;
	list[0] = "/nonexistent/x.pdf";
	new_fails(&s, "Attach: cannot read `/nonexistent/x.pdf`: No such file or directory");
	list[0] = dir;
	{
		char *want = xasprintf("Attach: cannot read `%s`: Is a directory", dir);

		new_fails(&s, want);
		free(want);
	}
	list[0] = "/dev/null";
	new_fails(&s, "Attach: `/dev/null` is not a regular file");
	free(bad);
	free(dir);
}

/* An attachment that changes after msg_start fails the read with a
 * clear message instead of producing a corrupt message. */
static void
test_attachment_changes(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	struct err e = { 0 };
	char *path = tpath("changing.bin"), buf[10000], *want;
	const char *list[] = { path, NULL };
	static unsigned char data[100000];
	ssize_t r;
	int i;

	(void)state;
	write_file(path, data, sizeof data);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.attach = list;
	m = new_ok(&s);

	/* Changed before its part starts: caught when it is opened. */
	assert_int_equal(msg_start(m, 0, &e), 0);
	write_file(path, data, 5000);
	while ((r = msg_read(m, buf, sizeof buf, &e)) > 0)
		;
	assert_int_equal(r, -1);
	want = xasprintf("Attach: `%s` changed while the message was being sent "
	    "(100000 bytes expected); the message was not completed", path);
	assert_string_equal(e.msg, want);
	free(want);
	/* Reading on after a failure keeps failing. */
	assert_int_equal(msg_read(m, buf, sizeof buf, &e), -1);

	/* Shrinks while being read. */
	write_file(path, data, sizeof data);
	assert_int_equal(msg_start(m, 0, &e), 0);
	assert_true(msg_read(m, buf, sizeof buf, &e) > 0);
	assert_int_equal(truncate(path, 20000), 0);
	while ((r = msg_read(m, buf, sizeof buf, &e)) > 0)
		;
	assert_int_equal(r, -1);
	want = xasprintf("Attach: `%s` changed while the message was being sent "
	    "(it got shorter than 100000 bytes); the message was not completed", path);
	assert_string_equal(e.msg, want);
	free(want);

	/* Grows while being read. */
	write_file(path, data, sizeof data);
	assert_int_equal(msg_start(m, 0, &e), 0);
	assert_true(msg_read(m, buf, sizeof buf, &e) > 0);
	{
		FILE *f = fopen(path, "ab");

		assert_non_null(f);
		fputs("more", f);
		fclose(f);
	}
	while ((r = msg_read(m, buf, sizeof buf, &e)) > 0)
		;
	assert_int_equal(r, -1);
	want = xasprintf("Attach: `%s` changed while the message was being sent "
	    "(it grew past 100000 bytes); the message was not completed", path);
	assert_string_equal(e.msg, want);
	free(want);

	/* Vanished before msg_start: msg_start says so. */
	unlink(path);
	assert_int_equal(msg_start(m, 0, &e), -1);
	want = xasprintf("Attach: cannot read `%s`: No such file or directory", path);
	assert_string_equal(e.msg, want);
	free(want);
	for (i = 0; i < 1; i++)
		msg_free(m);
	free(path);
}

/* A file name can hold anything but '/' and NUL: control characters
 * never reach the header raw. */
static void
test_attachment_name_sanitized(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	struct err e = { 0 };
	char *path = tpath("evil\r\nBcc: x@example.com.txt"), *out, buf[8];
	const char *list[] = { path, NULL };
	size_t n;

	(void)state;
	write_file(path, "x", 1);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.attach = list;
	m = new_ok(&s);
	assert_int_equal(msg_read(m, buf, sizeof buf, &e), -1);	/* no msg_start yet */
	out = render(m, 0, 4096, &n);
	assert_null(strstr(out, "\nBcc"));
	assert_non_null(strstr(out, "filename=\"evil__Bcc: x@example.com.txt\""));
	free(out);
	msg_free(m);
	free(path);
}

/* --- round trips through Python's email package */

struct expect {
	const char *from[2];
	const char *to[8][2], *cc[4][2], *reply_to[4][2];
	const char *subject;
	const char *body;
	const char *cte;
	bool flowed, eightbit, utf8;
	const char *att[4][3];	/* filename, path, content type */
	const char *absent[4];
	const char *groups;	/* raw JSON for "groups", or NULL */
};

static void
json_pairs(struct buf *b, const char *key, const char *const (*v)[2], size_t max)
{
	size_t i;

	buf_addf(b, ", \"%s\": [", key);
	for (i = 0; i < max && v[i][1] != NULL; i++) {
		buf_adds(b, i ? ", [" : "[");
		json_add_str(b, v[i][0] != NULL ? v[i][0] : "");
		buf_adds(b, ", ");
		json_add_str(b, v[i][1]);
		buf_adds(b, "]");
	}
	buf_adds(b, "]");
}

static bool
have_python(void)
{
	return access(PYTHON, X_OK) == 0;
}

/* Writes the message and the expectations, runs the judge; returns its
 * exit status. */
static int
judge(const char *name, const char *wire, size_t n, const struct expect *x)
{
	struct buf j;
	char *eml = xasprintf("%s/%s.eml", tmpdir, name);
	char *js = xasprintf("%s/%s.json", tmpdir, name), *cmd;
	size_t i;
	int rc;

	write_file(eml, wire, n);
	buf_init(&j);
	buf_adds(&j, "{\"from\": [");
	json_add_str(&j, x->from[0] != NULL ? x->from[0] : "");
	buf_adds(&j, ", ");
	json_add_str(&j, x->from[1]);
	buf_adds(&j, "]");
	if (x->to[0][1] != NULL)
		json_pairs(&j, "to", x->to, 8);
	json_pairs(&j, "cc", x->cc, 4);
	if (x->reply_to[0][1] != NULL)
		json_pairs(&j, "reply_to", x->reply_to, 4);
	buf_adds(&j, ", \"subject\": ");
	if (x->subject != NULL)
		json_add_str(&j, x->subject);
	else
		buf_adds(&j, "null");
	buf_adds(&j, ", \"body\": ");
	json_add_str(&j, x->body);
	if (x->cte != NULL) {
		buf_adds(&j, ", \"cte\": ");
		json_add_str(&j, x->cte);
	}
	buf_addf(&j, ", \"flowed\": %s, \"eightbit\": %s, \"utf8\": %s",
	    x->flowed ? "true" : "false", x->eightbit ? "true" : "false",
	    x->utf8 ? "true" : "false");
	buf_adds(&j, ", \"attachments\": [");
	for (i = 0; i < 4 && x->att[i][0] != NULL; i++) {
		buf_adds(&j, i ? ", {\"filename\": " : "{\"filename\": ");
		json_add_str(&j, x->att[i][0]);
		buf_adds(&j, ", \"path\": ");
		json_add_str(&j, x->att[i][1]);
		if (x->att[i][2] != NULL) {
			buf_adds(&j, ", \"content_type\": ");
			json_add_str(&j, x->att[i][2]);
		}
		buf_adds(&j, "}");
	}
	buf_adds(&j, "], \"absent\": [");
	for (i = 0; i < 4 && x->absent[i] != NULL; i++) {
		if (i)
			buf_adds(&j, ", ");
		json_add_str(&j, x->absent[i]);
	}
	buf_adds(&j, "]");
	if (x->groups != NULL)
		buf_addf(&j, ", \"groups\": %s", x->groups);
	buf_addf(&j, ", \"size\": %zu}", n);
	write_file(js, j.data, j.len);
	buf_free(&j);
	cmd = xasprintf(PYTHON " '%s' '%s' '%s'", JUDGE, eml, js);
	rc = system(cmd);
	free(cmd);
	free(eml);
	free(js);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Renders s with each set of flags and has the judge read it back. */
static void
round_trip(const char *name, const struct msg_spec *s, struct expect *x)
{
	static const unsigned flagsets[] = { 0, MSG_8BIT, MSG_8BIT | MSG_UTF8 };
	struct msg *m = new_ok(s);
	size_t i, n;
	char *wire, *nm;

	for (i = 0; i < 3; i++) {
		struct err e = { 0 };

		if (msg_needs_smtputf8(m) && !(flagsets[i] & MSG_UTF8)) {
			assert_int_equal(msg_start(m, flagsets[i], &e), -1);
			continue;
		}
		wire = render(m, flagsets[i], 8192, &n);
		x->eightbit = (flagsets[i] & MSG_8BIT) != 0;
		x->utf8 = (flagsets[i] & MSG_UTF8) != 0;
		nm = xasprintf("%s-%zu", name, i);
		if (judge(nm, wire, n, x) != 0)
			fail_msg("judge rejected %s (flags %u): see %s/%s.eml", name,
			    flagsets[i], tmpdir, nm);
		free(nm);
		free(wire);
	}
	msg_free(m);
}

static void
test_judge_ascii_and_structure(void **state)
{
	struct msg_spec s = { 0 };
	struct expect x = { 0 };

	(void)state;
	if (!have_python())
		skip();
	s.from = "Alice Example <alice@example.org>";
	s.to = "bob@example.net, \"Doe, Jane\" <jane@example.net>, team: t1@example.net, "
	    "t2@example.net;";
	s.cc = "carol@example.com (Carol C.)";
	s.bcc = "hidden@example.com";
	s.reply_to = "replies@example.org";
	s.subject = "Meeting at 10: agenda =?attached?= and notes";
	s.body = "Hello,\n.\n..\n.hidden dot line\nFrom the start\n\nBye\n";
	s.in_reply_to = "<x1@example.org>";
	x.from[0] = "Alice Example";
	x.from[1] = "alice@example.org";
	x.to[0][0] = "";
	x.to[0][1] = "bob@example.net";
	x.to[1][0] = "Doe, Jane";
	x.to[1][1] = "jane@example.net";
	x.to[2][0] = "";
	x.to[2][1] = "t1@example.net";
	x.to[3][0] = "";
	x.to[3][1] = "t2@example.net";
	x.cc[0][0] = "Carol C.";
	x.cc[0][1] = "carol@example.com";
	x.reply_to[0][0] = "";
	x.reply_to[0][1] = "replies@example.org";
	x.subject = s.subject;
	x.body = s.body;
	x.cte = "7bit";
	x.absent[0] = "hidden@example.com";
	x.groups = "{\"To\": [[\"team\", 2]]}";
	round_trip("ascii", &s, &x);
}

static void
test_judge_accented(void **state)
{
	struct msg_spec s = { 0 };
	struct expect x = { 0 };

	(void)state;
	if (!have_python())
		skip();
	s.from = "Jos\xc3\xa9 M\xc3\xbcller <jose@example.org>";
	s.to = "\"\xc3\x9cnal, Zo\xc3\xab\" <zoe@example.net>, Fran\xc3\xa7ois <f@b\xc3\xbc"
	    "cher.example>";
	s.subject = "Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e \xe2\x80\x94 "
	    "tr\xc3\xa8s tr\xc3\xa8s bien, na\xc3\xafvement";
	s.body = "Voil\xc3\xa0, \xc3\xa7" "a marche.\n=== d\xc3\xa9j\xc3\xa0 vu ===  \n";
	x.from[0] = "Jos\xc3\xa9 M\xc3\xbcller";
	x.from[1] = "jose@example.org";
	x.to[0][0] = "\xc3\x9cnal, Zo\xc3\xab";
	x.to[0][1] = "zoe@example.net";
	x.to[1][0] = "Fran\xc3\xa7ois";
	x.to[1][1] = "f@b\xc3\xbc" "cher.example";
	x.subject = s.subject;
	x.body = s.body;
	round_trip("accented", &s, &x);
}

static void
test_judge_cjk_emoji_long(void **state)
{
	struct msg_spec s = { 0 };
	struct expect x = { 0 };
	struct buf subj, body;
	size_t i;

	(void)state;
	if (!have_python())
		skip();
	buf_init(&subj);
	buf_init(&body);
	for (i = 0; i < 40; i++)
		buf_adds(&subj, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");	/* 日本語 */
	buf_adds(&subj, " \xf0\x9f\x8e\x89 party \xf0\x9f\xa5\xb3\xf0\x9f\xa5\xb3 ok");
	for (i = 0; i < 500; i++)
		buf_adds(&body, "\xe6\x97\xa5");				/* 1500 bytes */
	buf_adds(&body, "\n");
	for (i = 0; i < 1200; i++)
		buf_addc(&body, 'x');				/* > 998, no space */
	buf_adds(&body, "\n\xf0\x9f\x98\x80 emoji line\n");
	s.from = "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e <taro@example.jp>";
	s.to = "\xf0\x9f\x98\x80 Smiley <smile@example.org>";
	s.subject = subj.data;
	s.body = body.data;
	x.from[0] = "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e";
	x.from[1] = "taro@example.jp";
	x.to[0][0] = "\xf0\x9f\x98\x80 Smiley";
	x.to[0][1] = "smile@example.org";
	x.subject = subj.data;
	x.body = body.data;
	x.cte = "quoted-printable";
	round_trip("cjk", &s, &x);
	buf_free(&subj);
	buf_free(&body);
}

static void
test_judge_empty_and_utf8_local(void **state)
{
	struct msg_spec s = { 0 };
	struct expect x = { 0 };

	(void)state;
	if (!have_python())
		skip();
	s.from = "a@example.org";
	s.bcc = "only-bcc@example.org";
	x.from[0] = "";
	x.from[1] = "a@example.org";
	x.body = "";
	x.absent[0] = "only-bcc";
	round_trip("empty", &s, &x);

	memset(&x, 0, sizeof x);
	s.bcc = NULL;
	s.to = "J\xc3\xb6rg <j\xc3\xb6rg@m\xc3\xbcnchen.example>";
	s.body = "Gr\xc3\xbc\xc3\x9f" "e\n";
	x.from[0] = "";
	x.from[1] = "a@example.org";
	x.to[0][0] = "J\xc3\xb6rg";
	x.to[0][1] = "j\xc3\xb6rg@m\xc3\xbcnchen.example";
	x.body = s.body;
	round_trip("utf8local", &s, &x);
}

static void
test_judge_flowed_signature(void **state)
{
	struct msg_spec s = { 0 };
	struct expect x = { 0 };
	char *sig = tpath("flowsig");

	(void)state;
	if (!have_python())
		skip();
	write_file(sig, "Alice  \n", 8);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.flowed = true;
	s.signature_file = sig;
	s.body = "A long paragraph with \xc3\xa9l\xc3\xa9gant words that goes on and on, "
	    "well past the seventy-two character limit of format=flowed, so it is "
	    "folded with soft breaks.\n"
	    "From the beginning.\n"
	    " leading space\n"
	    ">quoted\n"
	    "x  y  z  " "spaces inside stay\n";
	x.from[0] = "";
	x.from[1] = "a@example.org";
	x.to[0][0] = "";
	x.to[0][1] = "b@example.org";
	x.flowed = true;
	/* Flowed drops trailing blanks (they would mean a soft break). */
	x.body = "A long paragraph with \xc3\xa9l\xc3\xa9gant words that goes on and on, "
	    "well past the seventy-two character limit of format=flowed, so it is "
	    "folded with soft breaks.\n"
	    "From the beginning.\n"
	    " leading space\n"
	    "> quoted\n"
	    "x  y  z  spaces inside stay\n"
	    "-- \nAlice\n";
	round_trip("flowed", &s, &x);
	free(sig);
}

static void
test_judge_attachments(void **state)
{
	struct msg_spec s = { 0 };
	struct expect x = { 0 };
	char *a1 = tpath("r\xc3\xa9sum\xc3\xa9 2024.pdf");
	char *a2 = tpath("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe8\xb3\x87"
	    "\xe6\x96\x99\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82\xe3\x81\xa8\xe3\x81\xa6"
	    "\xe3\x82\x82\xe9\x95\xb7\xe3\x81\x84\xe5\x90\x8d\xe5\x89\x8d.txt");
	char *a3 = tpath("big.bin");
	char *a4 = tpath("plain \"quoted\" name.png");
	const char *list[] = { a1, a2, a3, a4, NULL };
	size_t i, big = 3u << 20;
	unsigned char *data = xmalloc(big);
	unsigned v = 1;

	(void)state;
	if (!have_python())
		skip();
	for (i = 0; i < big; i++) {
		v = v * 1664525u + 1013904223u;
		data[i] = (unsigned char)(v >> 24);
	}
	write_file(a1, "%PDF-1.4 fake", 13);
	write_file(a2, "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\n", 10);
	write_file(a3, data, big);
	write_file(a4, data, 1000);
	free(data);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.subject = "Files";
	s.body = "See attached.\n";
	s.attach = list;
	x.from[0] = "";
	x.from[1] = "a@example.org";
	x.to[0][0] = "";
	x.to[0][1] = "b@example.org";
	x.subject = "Files";
	x.body = s.body;
	x.att[0][0] = strrchr(a1, '/') + 1;
	x.att[0][1] = a1;
	x.att[0][2] = "application/pdf";
	x.att[1][0] = strrchr(a2, '/') + 1;
	x.att[1][1] = a2;
	x.att[1][2] = "text/plain";
	x.att[2][0] = "big.bin";
	x.att[2][1] = a3;
	x.att[2][2] = "application/octet-stream";
	x.att[3][0] = strrchr(a4, '/') + 1;
	x.att[3][1] = a4;
	x.att[3][2] = "image/png";
	round_trip("attach", &s, &x);
	free(a1);
	free(a2);
	free(a3);
	free(a4);
}


/* --- how lines are sent: flowed when one is long, hard-wrapped, as typed */

static char *
body_of(const struct msg_spec *s, unsigned flags)
{
	struct msg *m = new_ok(s);
	size_t n;
	char *out = render(m, flags, 4096, &n), *b = xstrdup(strstr(out, "\r\n\r\n") + 4);

	free(out);
	msg_free(m);
	return b;
}

static void
test_wrap_modes(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;
	struct err e;
	char *out, *b;
	size_t n;
	const char *longline = "A line of more than seventy-eight characters "
	    "that a reader's client should reflow for its window.\n";

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	/* Short lines: sent as typed, no format=flowed. */
	s.body = "short\nlines\n";
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "Content-Type: text/plain; charset=utf-8\r\n"));
	free(out);
	msg_free(m);
	/* A long one: format=flowed, soft break after a space. */
	s.body = longline;
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "charset=utf-8; format=flowed\r\n"));
	assert_non_null(strstr(out, "\r\n\r\nA line of more than seventy-eight "
	    "characters that a reader's client \r\nshould reflow"));
	free(out);
	msg_free(m);
	/* wrap = 40: hard breaks, no blank at their ends, quote marks kept. */
	s.wrap = 40;
	s.body = "A line of more than forty characters, wrapped.\n"
	    "> > a quoted line that is longer than forty characters\n"
	    "-- \n";
	b = body_of(&s, 0);
	assert_string_equal(b, "A line of more than forty characters,\r\n"
	    "wrapped.\r\n"
	    "> > a quoted line that is longer than\r\n"
	    "> > forty characters\r\n"
	    "-- \r\n");
	free(b);
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_null(strstr(out, "format=flowed"));
	free(out);
	msg_free(m);
	/* wrap = off: as typed, however long. */
	s.wrap = MSG_WRAP_OFF;
	s.body = longline;
	b = body_of(&s, 0);
	assert_string_equal(b, "A line of more than seventy-eight characters that "
	    "a reader's client should reflow for its window.\r\n");
	free(b);
	s.wrap = 5;
	assert_null(msg_new(&s, &e));
	assert_string_equal(e.msg, "wrap: 5 is not off or a width from 20 to 998");
}

/* --- extra header lines */

static void
test_headers(void **state)
{
	static const char *const bad[][2] = {
		{ "X-Evil: a\r\nBcc: x@example.org", "Header: a header line must "
		    "not contain CR or LF" },
		{ "no colon here", "Header: `no colon here` is not a header line "
		    "like `X-Name: value`" },
		{ "X Space: v", "Header: `X Space` is not a field name (letters, "
		    "digits and `-`, no blank)" },
		{ "Subject: mine", "Header: missive writes `Subject` itself; it "
		    "cannot be given as an extra header" },
		{ "content-type: text/html", "Header: missive writes `content-type` "
		    "itself; it cannot be given as an extra header" },
		{ "Message-ID: <a@b>", "Header: missive writes `Message-ID` itself; "
		    "it cannot be given as an extra header" },
		{ "X-Empty:  ", "Header: `X-Empty` has no value" },
		{ "X-Esc: a\x1b[31m", "X-Esc: contains a control character (\\x1b)" },
	};
	struct msg_spec s = { 0 };
	const char *hdrs[] = { "X-Clacks-Overhead:   GNU Terry Pratchett",
		"Organization: Gr\xc3\xbc\xc3\x9f" "e GmbH", "User-Agent: mine/1.0",
		NULL };
	const char *one[2] = { NULL, NULL };
	struct msg *m;
	struct err e;
	char *out;
	size_t n, i;

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.body = "text\n";
	s.headers = hdrs;
	m = new_ok(&s);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "\r\nX-Clacks-Overhead: GNU Terry Pratchett\r\n"
	    "Organization: =?UTF-8?B?R3LDvMOfZQ==?= GmbH\r\n"));
	/* The user's User-Agent takes the place of missive's. */
	assert_non_null(strstr(out, "\r\nUser-Agent: mine/1.0\r\n"));
	assert_null(strstr(out, "missive/"));
	free(out);
	msg_free(m);
	s.headers = one;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		one[0] = bad[i][0];
		err_clear(&e);
		assert_null(msg_new(&s, &e));
		assert_string_equal(e.msg, bad[i][1]);
		assert_int_equal(msg_header_check(bad[i][0], &e), -1);
	}
}

/* --- a forwarded message, and text attachments' charsets */

static void
test_rfc822_and_charset(void **state)
{
	struct msg_spec s = { 0 };
	char *fwd = tpath("fwd.eml"), *lat = tpath("latin.txt"), *u8 = tpath("u8.txt");
	const char *list[] = { fwd, lat, u8, NULL };
	struct msg *m;
	char *out;
	size_t n;

	(void)state;
	/* LF lines, one without its LF at the end. */
	write_file(fwd, "From: x@example.org\nSubject: old\n\n.dot line\nend", 47);
	write_file(lat, "caf\xe9\n", 5);
	write_file(u8, "caf\xc3\xa9\n", 6);
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.body = "see attached\n";
	s.attach = list;
	m = new_ok(&s);
	msg_set_fixed(m, FIXED_DATE, FIXED_ID, "=_missive_TEST");
	out = render(m, 0, 7, &n);
	/* message/rfc822 goes as it is (RFC 2046 5.2.1), CRLF lines. */
	assert_non_null(strstr(out, "Content-Type: message/rfc822; name=\"fwd.eml\"\r\n"
	    "Content-Disposition: attachment; filename=\"fwd.eml\"\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n"
	    "From: x@example.org\r\nSubject: old\r\n\r\n.dot line\r\nend\r\n"
	    "\r\n--=_missive_TEST\r\n"));
	/* Valid UTF-8 says so; other 8-bit text the locale's (C: none). */
	assert_non_null(strstr(out, "Content-Type: text/plain; charset=\"utf-8\"; "
	    "name=\"u8.txt\""));
	assert_non_null(strstr(out, "Content-Type: text/plain; name=\"latin.txt\""));
	assert_int_equal(n, msg_size(m));
	free(out);
	msg_free(m);
	/* 8-bit in a forwarded message needs 8BITMIME; else base64. */
	write_file(fwd, "Subject: caf\xc3\xa9\n\nbody\n", 21);
	m = new_ok(&s);
	out = render(m, MSG_8BIT, 4096, &n);
	assert_non_null(strstr(out, "fwd.eml\"\r\nContent-Transfer-Encoding: 8bit\r\n"));
	assert_true(msg_is_8bit(m));
	free(out);
	out = render(m, 0, 4096, &n);
	assert_non_null(strstr(out, "fwd.eml\"\r\nContent-Transfer-Encoding: base64\r\n"));
	free(out);
	msg_free(m);
	free(fwd);
	free(lat);
	free(u8);
}

static void
test_env_field(void **state)
{
	struct msg_spec s = { 0 };
	struct msg *m;

	(void)state;
	s.from = "a@example.org";
	s.to = "b@example.org";
	s.cc = "c@example.org, b@EXAMPLE.org";
	s.bcc = "d@example.org";
	m = new_ok(&s);
	assert_int_equal(msg_env_count(m), 3);
	assert_string_equal(msg_env_field(m, 0), "To");
	assert_string_equal(msg_env_field(m, 1), "Cc");
	assert_string_equal(msg_env_field(m, 2), "Bcc");
	assert_null(msg_env_field(m, 3));
	msg_free(m);
}

/* --- driver for the memory bench */

static int
render_main(int argc, char **argv)
{
	struct msg_spec s = { 0 };
	const char **att = xcalloc((size_t)argc + 1, sizeof *att);
	unsigned flags = 0;
	struct err e = { 0 };
	struct msg *m;
	static char buf[65536];
	ssize_t n;
	size_t na = 0;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--8bit") == 0)
			flags |= MSG_8BIT;
		else if (strcmp(argv[i], "--utf8") == 0)
			flags |= MSG_UTF8;
		else if (strcmp(argv[i], "--attach") == 0 && i + 1 < argc)
			att[na++] = argv[++i];
		else {
			fprintf(stderr, "usage: test_msg --render [--8bit] [--utf8] "
			    "[--attach FILE]...\n");
			return 2;
		}
	}
	s.from = "Bench <bench@example.org>";
	s.to = "sink@example.org";
	s.subject = "attach-rss bench";
	s.body = "The attachment follows.\n";
	s.attach = att;
	if ((m = msg_new(&s, &e)) == NULL || msg_start(m, flags, &e) != 0) {
		fprintf(stderr, "test_msg: %s\n", e.msg);
		return 1;
	}
	fprintf(stderr, "test_msg: size %llu\n", (unsigned long long)msg_size(m));
	while ((n = msg_read(m, buf, sizeof buf, &e)) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	if (n < 0) {
		fprintf(stderr, "test_msg: %s\n", e.msg);
		return 1;
	}
	msg_free(m);
	free(att);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_simple),
		cmocka_unit_test(test_exact_multipart),
		cmocka_unit_test(test_exact_encoded_headers),
		cmocka_unit_test(test_chunks_and_size),
		cmocka_unit_test(test_body_encodings),
		cmocka_unit_test(test_newlines_and_nul),
		cmocka_unit_test(test_signature_and_stdin),
		cmocka_unit_test(test_flowed),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_smtputf8),
		cmocka_unit_test(test_message_id_and_date),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_attachment_changes),
		cmocka_unit_test(test_attachment_name_sanitized),
		cmocka_unit_test(test_judge_ascii_and_structure),
		cmocka_unit_test(test_judge_accented),
		cmocka_unit_test(test_judge_cjk_emoji_long),
		cmocka_unit_test(test_judge_empty_and_utf8_local),
		cmocka_unit_test(test_judge_flowed_signature),
		cmocka_unit_test(test_judge_attachments),
		cmocka_unit_test(test_wrap_modes),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_rfc822_and_charset),
		cmocka_unit_test(test_env_field),
	};

	if (argc > 1 && strcmp(argv[1], "--render") == 0)
		return render_main(argc, argv);
	return cmocka_run_group_tests(tests, setup, teardown);
}
