/* Address parsing: what people type, accepted and rendered back the way
 * a header carries it; what is wrong, rejected with the exact message a
 * user reads (field, ordinal, the bad address, the reason). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "mail/address.h"

/* Renders a parsed list as a "To:" header, CRLF included. */
static char *
render(const struct addr_list *l, bool utf8)
{
	struct buf b;
	struct enc_hdr h;

	buf_init(&b);
	enc_hdr_begin(&h, &b, "To");
	addr_render(&h, l, utf8);
	enc_hdr_end(&h);
	return buf_cstr(&b);
}

/* The envelope specs of the mailboxes, space-separated. */
static char *
specs(const struct addr_list *l)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < l->n; i++) {
		char *s;

		if (l->v[i].kind != ADDR_MAILBOX)
			continue;
		s = addr_spec(&l->v[i], true);
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, s);
		free(s);
	}
	return b.data;
}

static void
test_accept(void **state)
{
	static const struct {
		const char *in, *header, *env;
	} v[] = {
		{ "a@b", "To: a@b\r\n", "a@b" },
		{ "  a@b  ", "To: a@b\r\n", "a@b" },
		{ "Name <a@b>", "To: Name <a@b>\r\n", "a@b" },
		{ "<a@b>", "To: a@b\r\n", "a@b" },
		{ "\"Last, First\" <a@b>", "To: \"Last, First\" <a@b>\r\n", "a@b" },
		{ "a@b, c@d", "To: a@b, c@d\r\n", "a@b c@d" },
		{ "\"x, y\" <a@b>,c@d", "To: \"x, y\" <a@b>, c@d\r\n", "a@b c@d" },
		{ "a@b; c@d", "To: a@b, c@d\r\n", "a@b c@d" },
		{ "a@b,, c@d,", "To: a@b, c@d\r\n", "a@b c@d" },
		{ "a@b\t,\tc@d", "To: a@b, c@d\r\n", "a@b c@d" },
		{ "undisclosed-recipients:;", "To: undisclosed-recipients:;\r\n", "" },
		{ "team: a@b, c@d;", "To: team: a@b, c@d;\r\n", "a@b c@d" },
		{ "x@y, team: a@b; z@w", "To: x@y, team: a@b;, z@w\r\n", "x@y a@b z@w" },
		{ "team: a@b", "To: team: a@b;\r\n", "a@b" },	/* closed for you */
		{ "a@b (Bob)", "To: Bob <a@b>\r\n", "a@b" },
		{ "Bob (the boss) <a@b>", "To: Bob <a@b>\r\n", "a@b" },
		{ "a@b (comment, with comma)",
		    "To: \"comment, with comma\" <a@b>\r\n", "a@b" },
		{ "Bob  Smith <a@b>", "To: Bob Smith <a@b>\r\n", "a@b" },
		{ "Bob.Smith <a@b>", "To: \"Bob.Smith\" <a@b>\r\n", "a@b" },
		{ "\"Bob \\\"B\\\" Smith\" <a@b>",
		    "To: \"Bob \\\"B\\\" Smith\" <a@b>\r\n", "a@b" },
		{ "\"john doe\"@example.com", "To: \"john doe\"@example.com\r\n",
		    "\"john doe\"@example.com" },
		{ "\"john\"@example.com", "To: john@example.com\r\n", "john@example.com" },
		{ "a+tag@sub.example.co.uk", "To: a+tag@sub.example.co.uk\r\n",
		    "a+tag@sub.example.co.uk" },
		{ "a@[192.0.2.1]", "To: a@[192.0.2.1]\r\n", "a@[192.0.2.1]" },
		{ "a@[IPv6:2001:db8::1]", "To: a@[IPv6:2001:db8::1]\r\n",
		    "a@[IPv6:2001:db8::1]" },
		{ "Jos\xc3\xa9 <j@b>", "To: =?UTF-8?B?Sm9zw6k=?= <j@b>\r\n", "j@b" },
		{ "=?UTF-8?Q?Caf=C3=A9?= <a@b>", "To: =?UTF-8?B?Q2Fmw6k=?= <a@b>\r\n",
		    "a@b" },
		{ "user@b\xc3\xbc" "cher.example", "To: user@xn--bcher-kva.example\r\n",
		    "user@xn--bcher-kva.example" },
		{ "User@Example.COM", "To: User@Example.COM\r\n", "User@Example.COM" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct addr_list l;
		struct err e = { 0 };
		char *h, *s;

		if (addr_parse("To", v[i].in, strlen(v[i].in), &l, &e) != 0)
			fail_msg("`%s` rejected: %s", v[i].in, e.msg);
		h = render(&l, false);
		if (strcmp(h, v[i].header) != 0)
			fail_msg("`%s` rendered as `%s`, want `%s`", v[i].in, h,
			    v[i].header);
		s = specs(&l);
		assert_string_equal(s, v[i].env);
		free(h);
		free(s);
		addr_list_free(&l);
	}
}

static void
test_reject(void **state)
{
	char loc65[100], longaddr[400], longlab[100];
	size_t i;
	const struct {
		const char *field, *in, *msg;
	} v[] = {
		{ "To", "a@b, c@d, bob@", "To: the third address `bob@` has no domain" },
		{ "Cc", "a@b@c", "Cc: `a@b@c` has two @" },
		{ "To", "a@b@c, d@e", "To: the first address `a@b@c` has two @" },
		{ "To", "bob", "To: `bob` has no @ (an address looks like name@example.com)" },
		{ "To", "a@b, Bob", "To: the second address `Bob` has no @ (an address "
		    "looks like name@example.com)" },
		{ "To", "@b", "To: `@b` has an empty local part (before the @)" },
		{ "To", "<@b>", "To: `<@b>` has an empty local part (before the @)" },
		{ "To", "\"Bob <a@b>", "To: `\"Bob <a@b>` has a quote (\") that is never closed" },
		{ "To", "Bob <a@b", "To: `Bob <a@b` has a < without a matching >" },
		{ "To", "a@b>", "To: `a@b>` has a > without a matching <" },
		{ "To", "<a<b@c>>", "To: `<a<b@c>>` has a second < before the >" },
		{ "To", "a@b (x", "To: `a@b (x` has a ( that is never closed" },
		{ "To", "a@b)", "To: `a@b)` has a ) without a matching (" },
		{ "To", "a@[1.2.3.4", "To: `a@[1.2.3.4` has a [ without a matching ]" },
		{ "To", "a b@c", "To: `a b@c` has a space in the address; write a name "
		    "as Name <address>" },
		{ "To", "Bob bob@example.com", "To: `Bob bob@example.com` has a space in "
		    "the address; write a name as Name <address>" },
		{ "To", "a\\b@c", "To: `a\\\\b@c` has a character not allowed before "
		    "the @: `\\\\`" },
		/* A quoted local part may hold a blank, not a tab: SMTP's
		 * quoted string (RFC 5321 4.1.2) carries none. */
		{ "To", "\"Ann,\t E.\"@example.org", "To: `\"Ann,\\t E.\"@example.org` "
		    "has a character not allowed before the @: `\\t`" },
		{ "To", "a@b_c.example", "To: `a@b_c.example` has a character not "
		    "allowed in a domain: `_`" },
		{ "To", "a..b@c", "To: `a..b@c` has two dots in a row" },
		{ "To", "a.@c", "To: `a.@c` has a dot at the start or end of the local part" },
		{ "To", "a@b..c", "To: `a@b..c` has two dots in a row" },
		{ "To", "a@.b", "To: `a@.b` has a domain that starts or ends with a dot" },
		{ "To", "a@b.", "To: `a@b.` has a domain that starts or ends with a dot" },
		{ "To", "a@-b.c", "To: `a@-b.c` has a domain label that starts or ends "
		    "with a hyphen" },
		{ "To", "a@[1.2.3.x]", "To: `a@[1.2.3.x]` has a bad address literal (use "
		    "[192.0.2.1] or [IPv6:2001:db8::1])" },
		{ "To", "Bob <a@b> x", "To: `Bob <a@b> x` has text after the >" },
		{ "To", "Bob <a@b> <c@d>", "To: `Bob <a@b> <c@d>` has text after the >" },
		{ "To", "Bob <>", "To: `Bob <>` has nothing between < and >" },
		{ "To", ": a@b;", "To: `:` has a group without a name before the :" },
		{ "To", "g1: a@b, g2: c@d;", "To: `g2: c@d;` has a group inside a group" },
		{ "To", "a@b\r\nBcc: x@y", "To: contains a line break (CR or LF) or a "
		    "NUL byte, which a header cannot hold" },
		{ "Reply-To", "a@b\n", "Reply-To: contains a line break (CR or LF) or "
		    "a NUL byte, which a header cannot hold" },
		{ "To", "a@b\x1b[31m", "To: contains a control character (\\x1b)" },
		{ "To", "a@b\xff", "To: is not valid UTF-8 (byte 4)" },
		{ "To", loc65, "To: `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaa@b` has a local part longer than 64 characters" },
		{ "To", longaddr, NULL },
		{ "To", longlab, NULL },
		{ "To", "1@x, 2@x, 3@x, 4@x, 5@x, 6@x, 7@x, 8@x, 9@x, 10@x, 11@",
		    "To: address 11 `11@` has no domain" },
	};

	(void)state;
	memset(loc65, 'a', 65);
	strcpy(loc65 + 65, "@b");
	memset(longaddr, 'l', 60);
	longaddr[60] = '@';
	longaddr[61] = '\0';
	for (i = 0; i < 4; i++)
		strcat(longaddr, "dddddddddddddddddddddddddddddddddddddddddddddddddd.");
	strcat(longaddr, "example");
	memset(longlab, 'x', 64);
	strcpy(longlab, "a@");
	memset(longlab + 2, 'x', 64);
	strcpy(longlab + 66, ".com");
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct addr_list l;
		struct err e = { 0 };

		if (v[i].in == NULL)
			continue;
		if (addr_parse(v[i].field, v[i].in, strlen(v[i].in), &l, &e) != -1)
			fail_msg("`%s` accepted", v[i].in);
		assert_int_equal(l.n, 0);
		assert_string_equal(e.reason, "usage");
		if (v[i].msg != NULL && strcmp(e.msg, v[i].msg) != 0)
			fail_msg("`%s`: got \"%s\", want \"%s\"", v[i].in, e.msg, v[i].msg);
		if (v[i].in == longaddr) {
			assert_non_null(strstr(e.msg, "is longer than 254 characters"));
			/* The shown part is cut short. */
			assert_non_null(strstr(e.msg, "…` is longer"));
		}
		if (v[i].in == longlab)
			assert_non_null(strstr(e.msg, "has a domain label longer than 63 "
			    "characters"));
	}
}

/* A display or group name decoded from an encoded-word is checked again
 * after decoding: CR, LF, a NUL (which would hide what follows it) or a
 * C1 control smuggled in as =0D=0A, =00 or =C2=9B never reach the
 * composer, the address history or the receiving client. */
static void
test_encoded_word_controls(void **state)
{
	static const char *const bad[] = {
		"=?utf-8?q?Eve=0D=0AX-Injected=3A_yes?= <eve@example.org>",
		"=?utf-8?b?RXZlDQpYLUluamVjdGVkOiB5ZXM=?= <eve@example.org>",
		"=?utf-8?q?Eve=00=0D=0AX-Injected=3A_yes?= <eve@example.org>",
		"=?utf-8?q?Eve=00?= <eve@example.org>",
		"=?utf-8?b?RXZlAA==?= <eve@example.org>",
		"=?utf-8?q?Eve=0A?= <eve@example.org>",
		"=?utf-8?q?Eve_=C2=9B2J?= <eve@example.org>",
		"=?iso-8859-1?q?Eve_=9B2J?= <eve@example.org>",
		"Eve =?utf-8?q?=0D=0A?= <eve@example.org>",
		"=?utf-8?q?Team=00=0D=0ABcc=3A_x=40y?=: eve@example.org;",
		"=?utf-8?q?Team=0D=0A?=: eve@example.org;",
	};
	struct addr_list l;
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		if (addr_parse("To", bad[i], strlen(bad[i]), &l, &e) != -1)
			fail_msg("`%s` accepted, name `%s`", bad[i],
			    l.n > 0 && l.v[0].name ? l.v[0].name : "");
		assert_int_equal(l.n, 0);
		if (strstr(e.msg, "To:") != e.msg || (strstr(e.msg, "control character") == NULL &&
		    strstr(e.msg, "line break (CR or LF) or a NUL byte") == NULL))
			fail_msg("`%s`: unclear: %s", bad[i], e.msg);
		/* What the user typed is shown escaped, never decoded raw. */
		assert_null(strchr(e.msg, '\r'));
		assert_null(strchr(e.msg, '\n'));
	}
	/* A tab is a blank; decoded text otherwise stays. */
	assert_int_equal(addr_parse("To", "=?utf-8?q?Caf=C3=A9=09Bar?= <a@b>",
	    strlen("=?utf-8?q?Caf=C3=A9=09Bar?= <a@b>"), &l, &e), 0);
	assert_string_equal(l.v[0].name, "Caf\xc3\xa9\tBar");
	addr_list_free(&l);
}

static void
test_nul_inside(void **state)
{
	struct addr_list l;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(addr_parse("Bcc", "a@b\0c@d", 7, &l, &e), -1);
	assert_string_equal(e.msg, "Bcc: contains a line break (CR or LF) or a NUL "
	    "byte, which a header cannot hold");
}

/* A domain with characters that IDNA would map to a space or another
 * character outside letters, digits, '-' and '.' (U+3000 IDEOGRAPHIC SPACE
 * becomes ' ') is refused or mapped away, never kept: "RCPT TO:<a@x NOTIFY.example>"
 * would carry a second word on the command line (fuzz_address). */
static void
test_idn_maps_to_space(void **state)
{
	static const char *const in[] = {
		"a@x\xe3\x80\x80" "NOTIFY.example", "B@\xe3\x80\x80",
	};
	struct addr_list l;
	struct err e = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		if (addr_parse("To", in[i], strlen(in[i]), &l, &e) == -1)
			assert_non_null(strstr(e.msg, "To: "));
		else
			assert_int_equal(strspn(l.v[0].domain_ascii, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-."),
			    strlen(l.v[0].domain_ascii));
		addr_list_free(&l);
	}
}

static void
test_leading_dot(void **state)
{
	struct addr_list l;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(addr_parse("From", ".a@c", 4, &l, &e), -1);
	assert_string_equal(e.msg, "From: `.a@c` has a dot at the start or end of "
	    "the local part");
}

static void
test_structure(void **state)
{
	const char *in = "Alice <a@x.example>, team: b@x.example, \"C, D\" "
	    "<c@x.example>;, undisclosed-recipients:;, e@x.example";
	struct addr_list l;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(addr_parse("To", in, strlen(in), &l, &e), 0);
	assert_int_equal(l.n, 6);
	assert_int_equal(addr_count(&l), 4);
	assert_int_equal(l.v[0].kind, ADDR_MAILBOX);
	assert_string_equal(l.v[0].name, "Alice");
	assert_int_equal(l.v[1].kind, ADDR_GROUP);
	assert_string_equal(l.v[1].name, "team");
	assert_int_equal(l.v[1].members, 2);
	assert_null(l.v[2].name);
	assert_string_equal(l.v[3].name, "C, D");
	assert_int_equal(l.v[4].kind, ADDR_GROUP);
	assert_int_equal(l.v[4].members, 0);
	assert_string_equal(l.v[5].local, "e");
	addr_list_free(&l);
}

static void
test_utf8_local_and_idn(void **state)
{
	const char *in = "J\xc3\xb6rg <j\xc3\xb6rg@m\xc3\xbcnchen.example>";
	struct addr_list l;
	struct err e = { 0 };
	char *h, *s;

	(void)state;
	assert_int_equal(addr_parse("To", in, strlen(in), &l, &e), 0);
	assert_true(l.v[0].utf8);
	assert_string_equal(l.v[0].domain_ascii, "xn--mnchen-3ya.example");
	s = addr_spec(&l.v[0], true);
	assert_string_equal(s, "j\xc3\xb6rg@xn--mnchen-3ya.example");
	free(s);
	/* With SMTPUTF8: all raw, the domain as typed. */
	h = render(&l, true);
	assert_string_equal(h, "To: J\xc3\xb6rg <j\xc3\xb6rg@m\xc3\xbcnchen.example>\r\n");
	free(h);
	addr_list_free(&l);
	in = "a@m\xc3\xbcnchen.example";
	assert_int_equal(addr_parse("To", in, strlen(in), &l, &e), 0);
	assert_false(l.v[0].utf8);
	addr_list_free(&l);
}

/* Many recipients fold between addresses, never inside one. */
static void
test_render_folds(void **state)
{
	struct buf in;
	struct addr_list l;
	struct err e = { 0 };
	char *h, *p, *eol;
	size_t i, lines = 0;

	(void)state;
	buf_init(&in);
	for (i = 0; i < 30; i++)
		buf_addf(&in, "%sPerson Number%zu <person%zu@example.org>", i ? ", " : "", i, i);
	assert_int_equal(addr_parse("To", in.data, in.len, &l, &e), 0);
	h = render(&l, false);
	for (p = h; *p != '\0'; p = eol + 2) {
		eol = strstr(p, "\r\n");
		assert_true(eol - p <= 78);
		/* A continuation starts with a blank, never mid-address. */
		if (p != h)
			assert_true(*p == ' ');
		lines++;
	}
	assert_true(lines > 10);
	assert_null(strstr(h, "<person1@\r\n"));
	free(h);
	addr_list_free(&l);
	buf_free(&in);
}

/* A long quoted name and a long non-ASCII name become encoded-words that
 * fold; each word <= 75 characters. */
static void
test_render_long_names(void **state)
{
	struct buf in;
	struct addr_list l;
	struct err e = { 0 };
	char *h, *p, *eol;
	size_t i;

	(void)state;
	buf_init(&in);
	buf_adds(&in, "\"");
	for (i = 0; i < 12; i++)
		buf_adds(&in, "Surname, ");
	buf_adds(&in, "\" <a@b>, ");
	for (i = 0; i < 30; i++)
		buf_adds(&in, "\xe5\xb1\xb1\xe7\x94\xb0");	/* 山田 */
	buf_adds(&in, " <c@d>");
	assert_int_equal(addr_parse("To", in.data, in.len, &l, &e), 0);
	h = render(&l, false);
	for (p = h; *p != '\0'; p = eol + 2) {
		eol = strstr(p, "\r\n");
		assert_true(eol - p <= 78);
	}
	assert_non_null(strstr(h, "=?UTF-8?"));
	for (p = h; (p = strstr(p, "=?UTF-8?")) != NULL; p++)
		assert_true(strstr(p + 10, "?=") - p + 2 <= 75);
	free(h);
	addr_list_free(&l);
	buf_free(&in);
}

/* The one rule of the splitters: a comma in quotes, <> or a comment does
 * not end an entry. */
static void
test_split(void **state)
{
	size_t n;
	char **v = addr_split(" a@x.org ,\"Doe, J\" <j@x.org>,, "
	    "Jo (work, home) <jo@x.org>,", &n);
	char *b;

	(void)state;
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "a@x.org");
	assert_string_equal(v[1], "\"Doe, J\" <j@x.org>");
	assert_string_equal(v[2], "Jo (work, home) <jo@x.org>");
	strv_free(v, n);
	b = addr_bare("\"Doe, J\" <j@x.org>");
	assert_string_equal(b, "j@x.org");
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_nul_inside),
		cmocka_unit_test(test_encoded_word_controls),
		cmocka_unit_test(test_leading_dot),
		cmocka_unit_test(test_idn_maps_to_space),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_utf8_local_and_idn),
		cmocka_unit_test(test_render_folds),
		cmocka_unit_test(test_render_long_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
