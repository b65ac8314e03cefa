/* Received mail read back (mail/parse.c) and answered (mail/answer.c),
 * and the address book query (store/abook.c): the corpus in tests/mail
 * (Thunderbird, Outlook, Apple Mail, Gmail, a mailing list, Claws) gives
 * the text a person reads, the fields decode from any charset, a reply's
 * subject, References, recipients and quote are what mutt's would be, and
 * the query command's output becomes addresses whatever it prints. */
#include "config.h"

#include <setjmp.h>
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
#include "mail/answer.h"
#include "mail/parse.h"
#include "store/abook.h"

static struct mparse *
corpus(const char *name)
{
	char *path = xasprintf("%s/mail/%s", TESTSRCDIR, name), *data;
	size_t len;
	struct mparse *p;

	assert_int_equal(file_read(path, MPARSE_MAX, &data, &len, NULL, NULL), 0);
	p = mparse_new(data, len);
	free(data);
	free(path);
	return p;
}

static struct mparse *
str(const char *s)
{
	return mparse_new(s, strlen(s));
}

static void
field_is(const struct mparse *p, const char *name, const char *want)
{
	char *v = mparse_field_text(p, name);

	if (want == NULL)
		assert_null(v);
	else
		assert_string_equal(v, want);
	free(v);
}

/* --- fields */

static void
test_fields(void **state)
{
	struct mparse *p;
	const char *n, *v;

	(void)state;
	p = str("From mbox@example.org Sat Jun  8 12:00:00 2024\n"
	    "Subject: a folded\n\tsubject line\n"
	    "X-Empty:\n"
	    "To: one@example.org\n"
	    "to: two@example.org\n"
	    "Subject : second\n"
	    "\n"
	    "Body: not a field\n");
	assert_string_equal(mparse_field(p, "subject"), "a folded\tsubject line");
	field_is(p, "Subject", "a folded subject line");
	/* The first of two wins; a value may be empty. */
	assert_string_equal(mparse_field(p, "To"), "one@example.org");
	assert_string_equal(mparse_field(p, "X-Empty"), "");
	assert_null(mparse_field(p, "Body"));
	assert_true(mparse_field_at(p, 0, &n, &v));
	assert_string_equal(n, "Subject");
	assert_string_equal(mparse_text(p), "Body: not a field\n");
	mparse_free(p);

	/* No blank line: the first line that is not a field starts the body. */
	p = str("From: a@example.org\r\nnot a header line\r\nmore\r\n");
	assert_string_equal(mparse_field(p, "From"), "a@example.org");
	assert_string_equal(mparse_text(p), "not a header line\nmore\n");
	mparse_free(p);

	/* Encoded-words in any charset iconv knows; controls never reach
	 * the text. */
	p = str("Subject: =?koi8-r?B?8NLJ18XU?= =?ISO-8859-15?Q?=A4?=\n"
	    "From: =?UTF-8?B?G1szMW1ldmlsG1swbQ==?= <e@example.org>\n\n");
	field_is(p, "Subject", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"
	    "\xe2\x82\xac");
	{
		char *f = mparse_field_text(p, "From");

		assert_null(strchr(f, '\x1b'));
		free(f);
	}
	mparse_free(p);

	p = str("");
	assert_false(mparse_field_at(p, 0, &n, &v));
	assert_string_equal(mparse_text(p), "");
	mparse_free(p);
}

/* --- the corpus: the text each reader would see */

static void
test_corpus_text(void **state)
{
	struct mparse *p;
	const char *t;

	(void)state;
	/* Thunderbird: the plain alternative, quoted-printable UTF-8. */
	p = corpus("thunderbird-alternative.eml");
	assert_string_equal(mparse_text(p), "Hallo Ann,\n\nanbei die Zahlen f\xc3\xbcr "
	    "M\xc3\xa4rz \xe2\x80\x93 gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln.\n"
	    "Die Tabelle ist lang genug, dass diese Zeile \xc3\xbc" "ber achtzig "
	    "Zeichen hinausgeht und umbrochen werden m\xc3\xbcsste.\n\n"
	    "> Ann schrieb:\n> Wie stehen die Zahlen?\n\n-- \nBernd Beispiel\n"
	    "Tel. 0221 123456\n");
	assert_false(mparse_text_from_html(p));
	assert_int_equal(mparse_nattach(p), 0);
	field_is(p, "From", "Bernd Beispiel (B\xc3\xbcro) <bernd@beispiel.de>");
	mparse_free(p);

	/* Claws: ISO-8859-1, quoted-printable. */
	p = corpus("latin1-qp.eml");
	assert_string_equal(mparse_text(p), "Bonjour,\n\nVoici le compte rendu de "
	    "la r\xc3\xa9union de jeudi.\n\xc3\x80 bient\xc3\xb4t !\n\n-- \n"
	    "\xc3\x89lodie Martin\n");
	mparse_free(p);

	/* Gmail: base64 UTF-8, an ISO-2022-JP subject (a stateful charset). */
	p = corpus("base64-utf8.eml");
	assert_string_equal(mparse_text(p), "\xe3\x82\xa2\xe3\x83\xb3\xe3\x81\x95"
	    "\xe3\x82\x93\xe3\x80\x81\n\n\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe8"
	    "\xb3\x87\xe6\x96\x99\xe3\x82\x92\xe9\x80\x81\xe3\x82\x8a\xe3\x81\xbe"
	    "\xe3\x81\x99\xe3\x80\x82\n\xe3\x82\x88\xe3\x82\x8d\xe3\x81\x97\xe3"
	    "\x81\x8f\xe3\x81\x8a\xe9\xa1\x98\xe3\x81\x84\xe3\x81\x97\xe3\x81\xbe"
	    "\xe3\x81\x99\xe3\x80\x82\n");
	field_is(p, "Subject", "\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe8\xb3\x87"
	    "\xe6\x96\x99");
	mparse_free(p);

	/* Outlook, HTML only, windows-1252: plain text, no markup. */
	p = corpus("outlook-html-only.eml");
	t = mparse_text(p);
	assert_true(mparse_text_from_html(p));
	assert_non_null(strstr(t, "Hi Ann,\n"));
	assert_non_null(strstr(t, "Please find the \xe2\x80\x9cQ2 report\xe2\x80\x9d "
	    "at the intranet <https://intranet.example.com/q2> \xe2\x80\x93 "
	    "it\xe2\x80\x99s final.\n"));
	assert_non_null(strstr(t, "* Revenue & costs\n* Outlook > plan\n"));
	assert_non_null(strstr(t, "> Earlier: is it ready?\n"));
	assert_non_null(strstr(t, "Regards,\nDave\n"));
	assert_null(strstr(t, "<p"));
	assert_null(strstr(t, "MsoNormal"));
	mparse_free(p);

	/* Apple Mail: the text part, and the PDF as an attachment named by
	 * RFC 2231 (and an encoded-word in name=, which 2231 wins over). */
	p = corpus("apple-mixed-attachment.eml");
	assert_string_equal(mparse_text(p), "Here is the draft contract, see the "
	    "attachment.\n\nHanna\n");
	assert_int_equal(mparse_nattach(p), 1);
	assert_string_equal(mparse_attach_name(p, 0), "Vertrag Entwurf \xc3\xbc.pdf");
	mparse_free(p);

	/* format=flowed, delsp=yes: paragraphs joined, levels kept apart. */
	p = corpus("flowed-delsp.eml");
	assert_string_equal(mparse_text(p), "This is a long paragraph that was "
	    "written as one line and sent as format=flowed with delsp=yes, so the "
	    "space before each soft break goes.\n>> Two levels of quote that "
	    "were also flowed, and are joined back into one line.\nFrom a "
	    "space-stuffed line.\n\nBye\n");
	mparse_free(p);

	/* The mailing list: "--" without a blank is no signature line. */
	p = corpus("list-long-references.eml");
	assert_non_null(strstr(mparse_text(p), "please try again.\n\n--\nFrank\n"));
	field_is(p, "Subject", "Re: AW: Sv: RE: [dev] Re: build fails on arm64");
	mparse_free(p);
}

/* --- MIME that is not quite right */

static void
test_broken_mime(void **state)
{
	struct mparse *p;
	struct buf b;
	int i;

	(void)state;
	/* No closing delimiter; a bad base64 tail; an unknown charset. */
	p = str("Content-Type: multipart/mixed; boundary=XX\n\n"
	    "preamble\n--XX\nContent-Type: text/plain; charset=x-unknown\n"
	    "Content-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ=!!*\n");
	assert_string_equal(mparse_text(p), "hello world");
	mparse_free(p);

	/* A multipart without a boundary has no text; an unknown type is an
	 * attachment; a type that does not parse is text/plain. */
	p = str("Content-Type: multipart/mixed\n\nnothing\n");
	assert_string_equal(mparse_text(p), "");
	mparse_free(p);
	p = str("Content-Type: garbage\n\nplain after all\n");
	assert_string_equal(mparse_text(p), "plain after all\n");
	mparse_free(p);

	/* A message that nests itself 100 deep stops at the limit. */
	buf_init(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=b0\n\n");
	for (i = 0; i < 100; i++)
		buf_addf(&b, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n",
		    i, i + 1);
	buf_adds(&b, "--b100\n\ndeep text\n");
	p = mparse_new(b.data, b.len);
	assert_string_equal(mparse_text(p), "");
	mparse_free(p);
	buf_free(&b);

	/* A quoted-printable escape that is not one stays as it is; NUL and
	 * ESC do not reach the text. */
	p = str("Content-Transfer-Encoding: quoted-printable\n\n"
	    "50=% off =1B[31m red =00 nul\n");
	assert_string_equal(mparse_text(p), "50=% off \xef\xbf\xbd[31m red "
	    "\xef\xbf\xbd nul\n");
	mparse_free(p);

	/* multipart/signed: the text, and no signature as an attachment. */
	p = str("Content-Type: multipart/signed; boundary=\"s\"; "
	    "protocol=\"application/pgp-signature\"\n\n--s\n"
	    "Content-Type: text/plain\n\nsigned text\n--s\n"
	    "Content-Type: application/pgp-signature; name=signature.asc\n\n"
	    "-----BEGIN PGP SIGNATURE-----\n--s--\n");
	assert_string_equal(mparse_text(p), "signed text");
	assert_int_equal(mparse_nattach(p), 0);
	mparse_free(p);

	/* An attached message is an attachment, not the text. */
	p = str("Content-Type: multipart/mixed; boundary=m\n\n--m\n"
	    "Content-Type: message/rfc822\n\nSubject: inner\n\ninner text\n"
	    "--m--\n");
	assert_string_equal(mparse_text(p), "");
	assert_int_equal(mparse_nattach(p), 1);
	assert_null(mparse_attach_name(p, 0));
	mparse_free(p);
}

static void
test_html(void **state)
{
	static const char in[] = "<html><head><title>T</title><script>x<y"
	    "</script></head><body><!-- a comment --><h1>Title</h1><p>One&nbsp;"
	    "&amp; two &#x263A; &#65; &bogus; &#0;</p><pre>  kept\n  as is</pre>"
	    "<a href=\"mailto:a@example.org\">a@example.org</a> <img alt=\"logo\">"
	    "</body></html>";
	char *t;

	(void)state;
	t = mparse_html_text(in, sizeof in - 1);
	assert_string_equal(t, "Title\n\nOne & two \xe2\x98\xba A &bogus; "
	    "\xef\xbf\xbd\n\n  kept\n  as is\n\na@example.org [logo]\n");
	free(t);
}

static void
test_unflow(void **state)
{
	char *t;
	static const char flowed[] =
	    "soft \nbreak\n> quoted \n> soft\n>> deeper\n-- \nsig\n";

	(void)state;
	t = mparse_unflow(flowed, sizeof flowed - 1, false);
	assert_string_equal(t, "soft break\n> quoted soft\n>> deeper\n-- \nsig\n");
	free(t);
	/* A soft line before a new level ends its paragraph. */
	t = mparse_unflow("a \n> b\n", 7, true);
	assert_string_equal(t, "a\n> b\n");
	free(t);
}

/* --- answering */

static void
test_subject(void **state)
{
	static const char *const v[][3] = {
		{ "Hello", "Re: Hello", "Fwd: Hello" },
		{ "Re: Hello", "Re: Hello", "Fwd: Re: Hello" },
		{ "RE: re: Re[2]: Hello", "Re: Hello", NULL },
		{ "AW: Sv: Antw: Vs: Hello", "Re: Hello", NULL },
		{ "Fwd: FW: WG: Hello", "Re: Fwd: FW: WG: Hello", "Fwd: Hello" },
		{ "  Re:Hello", "Re: Hello", NULL },
		{ "Reply to this", "Re: Reply to this", NULL },
		{ "Re: [list] Re: topic", "Re: [list] Re: topic", NULL },
		{ "\xe5\x9b\x9e\xe5\xa4\x8d\xef\xbc\x9a\xe4\xbd\xa0\xe5\xa5\xbd",
		  "Re: \xe4\xbd\xa0\xe5\xa5\xbd", NULL },
		{ "", "Re: ", "Fwd: " },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		s = answer_subject(v[i][0], false);
		assert_string_equal(s, v[i][1]);
		free(s);
		if (v[i][2] != NULL) {
			s = answer_subject(v[i][0], true);
			assert_string_equal(s, v[i][2]);
			free(s);
		}
	}
	s = answer_subject(NULL, false);
	assert_string_equal(s, "Re: ");
	free(s);
}

static void
test_references(void **state)
{
	struct mparse *p;
	struct buf want;
	char *r;
	int i;

	(void)state;
	r = answer_references("<a@x> <b@x>", "<b@x>", "<c@x>");
	assert_string_equal(r, "<a@x> <b@x> <c@x>");
	free(r);
	/* RFC 5322 3.6.4: In-Reply-To counts only with a single ID. */
	r = answer_references(NULL, "<p@x>", " <c@x> ");
	assert_string_equal(r, "<p@x> <c@x>");
	free(r);
	r = answer_references(NULL, "<p@x> <q@x>", "<c@x>");
	assert_string_equal(r, "<c@x>");
	free(r);
	r = answer_references("garbage <no-at> <ok@x>", NULL, "not an id");
	assert_string_equal(r, "<ok@x>");
	free(r);
	assert_null(answer_references(NULL, NULL, NULL));
	r = answer_msgid("  <id@example.org> (comment)");
	assert_string_equal(r, "<id@example.org>");
	free(r);
	assert_null(answer_msgid("no id here"));

	/* A long thread: its root and the newest, ANSWER_MAX_REFS in all. */
	p = corpus("list-long-references.eml");
	r = answer_references(mparse_field(p, "References"),
	    mparse_field(p, "In-Reply-To"), mparse_field(p, "Message-ID"));
	buf_init(&want);
	buf_adds(&want, "<thread-01@lists.example.org>");
	for (i = 41 - (ANSWER_MAX_REFS - 2); i <= 41; i++)
		buf_addf(&want, " <thread-%02d@lists.example.org>", i);
	assert_string_equal(r, buf_cstr(&want));
	buf_free(&want);
	free(r);
	mparse_free(p);
}

static void
test_recipients(void **state)
{
	const char *own[] = { "ann@example.org", "ann.work@example.com" };
	struct mparse *p;
	char *to, *cc;

	(void)state;
	/* Reply-To wins over From; --all adds the rest, never the user. */
	p = corpus("thunderbird-alternative.eml");
	answer_recipients(p, false, own, 2, &to, &cc);
	assert_string_equal(to, "Bernd Beispiel <bernd.privat@beispiel.de>");
	assert_null(cc);
	free(to);
	answer_recipients(p, true, own, 2, &to, &cc);
	assert_string_equal(to, "Bernd Beispiel <bernd.privat@beispiel.de>, "
	    "Carl <carl@example.com>");
	assert_string_equal(cc, "\"Doe, Jane\" <jane@example.com>, team@example.org");
	free(to);
	free(cc);
	assert_int_equal(answer_addressed_to(p, own, 2), 0);
	mparse_free(p);

	/* Delivered-To says which of the user's addresses got it. */
	p = corpus("latin1-qp.eml");
	assert_int_equal(answer_addressed_to(p, own, 2), 1);
	answer_recipients(p, true, own, 2, &to, &cc);
	assert_string_equal(to, "\xc3\x89lodie Martin <elodie@exemple.fr>");
	assert_null(cc);
	free(to);
	mparse_free(p);

	/* A list: Reply-To is the list; the user in Cc is left out. */
	p = corpus("list-long-references.eml");
	answer_recipients(p, true, own, 2, &to, &cc);
	assert_string_equal(to, "dev-list@lists.example.org");
	assert_null(cc);
	free(to);
	mparse_free(p);

	/* The user's own message: the reply goes on to its recipients. */
	p = str("From: Ann <ANN@example.org>\nTo: bob@example.net\n"
	    "Cc: ann@example.org, carol@example.net\n\n");
	answer_recipients(p, true, own, 2, &to, &cc);
	assert_string_equal(to, "bob@example.net");
	assert_string_equal(cc, "carol@example.net");
	free(to);
	free(cc);
	mparse_free(p);

	/* A note to self: nobody else is left, so the reply goes to the
	 * sender after all (the user) rather than to nobody. */
	p = str("From: Ann <ann@example.org>\nTo: ann@example.org\n\n");
	answer_recipients(p, true, own, 2, &to, &cc);
	assert_string_equal(to, "Ann <ann@example.org>");
	assert_null(cc);
	free(to);
	mparse_free(p);

	/* A list that does not parse is read entry by entry. */
	p = str("From: broken <@>, \"Good\" <good@example.net>\n\n");
	answer_recipients(p, false, own, 2, &to, &cc);
	assert_string_equal(to, "Good <good@example.net>");
	free(to);
	mparse_free(p);
}

static void
test_quote(void **state)
{
	struct mparse *p;
	char *q, *a;

	(void)state;
	q = answer_quote("\n\nfirst\n> already\n\n  indented  \n\n-- \nsig\n");
	assert_string_equal(q, "> first\n>> already\n>\n>   indented\n");
	free(q);
	/* Only the last "-- " line starts the signature. */
	q = answer_quote("a\n-- \nnot yet\n-- \nsig\n");
	assert_string_equal(q, "> a\n> --\n> not yet\n");
	free(q);
	q = answer_quote("");
	assert_string_equal(q, "");
	free(q);

	p = corpus("latin1-qp.eml");
	a = answer_attribution(p);
	assert_string_equal(a, "On Wed, 05 Jun 2024 09:00:00 +0200, "
	    "\xc3\x89lodie Martin wrote:");
	free(a);
	mparse_free(p);
	p = str("From: plain@example.org\n\n");
	a = answer_attribution(p);
	assert_string_equal(a, "plain@example.org wrote:");
	free(a);
	mparse_free(p);
}

static void
test_forward_text(void **state)
{
	struct mparse *p = corpus("latin1-qp.eml");
	char *t = answer_forward_text(p);

	(void)state;
	assert_string_equal(t, "---------- Forwarded message ----------\n"
	    "From: \xc3\x89lodie Martin <elodie@exemple.fr>\n"
	    "Date: Wed, 05 Jun 2024 09:00:00 +0200\n"
	    "Subject: Compte rendu de la r\xc3\xa9union\n"
	    "To: ann.work@example.com\n\n"
	    "Bonjour,\n\nVoici le compte rendu de la r\xc3\xa9union de jeudi.\n"
	    "\xc3\x80 bient\xc3\xb4t !\n\n-- \n\xc3\x89lodie Martin\n");
	free(t);
	mparse_free(p);
	t = answer_typed_addr("Doe, J. \"JD\"", "jd@example.org");
	assert_string_equal(t, "\"Doe, J. \\\"JD\\\"\" <jd@example.org>");
	free(t);
}

/* --- the address book */

static void
test_abook_parse(void **state)
{
	static const char out[] =
	    "Searching database ... 3 entries ... 3 matching:\n"
	    "ann@example.org\tAnn Example\thome\n"
	    "ann.work@example.com\tExample, Ann\n"
	    "ANN@example.org\tAnn again\n"
	    "not an address\tNobody\n"
	    "no tab here\n"
	    "bob@example.net\t\t\n";
	size_t n;
	char *msg, **v = abook_parse(out, sizeof out - 1, &n, &msg);

	(void)state;
	assert_string_equal(msg, "Searching database ... 3 entries ... 3 matching:");
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "Ann Example <ann@example.org>");
	assert_string_equal(v[1], "\"Example, Ann\" <ann.work@example.com>");
	assert_string_equal(v[2], "bob@example.net");
	strv_free(v, n);
	free(msg);
	/* A script that prints no message line: its first line counts. */
	v = abook_parse("x@example.org\tX\n", 16, &n, &msg);
	assert_int_equal(n, 1);
	assert_null(msg);
	strv_free(v, n);
}

static void
test_abook_query(void **state)
{
	char **v, *msg, *mark = xasprintf("/tmp/missive-abook-%ld", (long)getpid());
	char *cmd, *script = xasprintf("%s.sh", mark);
	struct err e;
	size_t n;
	FILE *f;

	(void)state;
	/* A query script as abook's: a message line, then the matches. */
	assert_non_null(f = fopen(script, "w"));
	fputs("echo \"searching for $1\"\nprintf '%s@example.org\\tQ\\n' \"$1\"\n",
	    f);
	fclose(f);
	/* The text typed is $1, never shell text, quoted or not. */
	cmd = xasprintf("sh %s %%s", script);
	assert_int_equal(abook_query(cmd, "ann", 5, &v, &n, &msg, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "Q <ann@example.org>");
	assert_string_equal(msg, "searching for ann");
	strv_free(v, n);
	free(msg);
	free(cmd);
	cmd = xasprintf("sh %s '%%s'", script);
	assert_int_equal(abook_query(cmd, "o'hara", 5, &v, &n, NULL, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "Q <o'hara@example.org>");
	strv_free(v, n);
	free(cmd);
	cmd = xasprintf("'%s'", mark);
	assert_int_equal(abook_query("echo; printf '%s\\tN\\n' '%s'", cmd, 5, &v,
	    &n, NULL, &e), 0);
	assert_int_equal(n, 0);	/* "'/tmp/...'" is no address */
	assert_int_equal(access(mark, F_OK), -1);
	free(cmd);
	cmd = xasprintf("x; touch %s", mark);
	assert_int_equal(abook_query("echo; echo", cmd, 5, &v, &n, NULL, &e), 0);
	assert_int_equal(access(mark, F_OK), -1);
	free(cmd);
	/* Without %s the text goes at the end. */
	cmd = xasprintf("sh %s", script);
	assert_int_equal(abook_query(cmd, "end", 5, &v, &n, NULL, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "Q <end@example.org>");
	strv_free(v, n);
	free(cmd);

	/* abook's "Not found" (status 1, nothing on stderr) is no failure. */
	assert_int_equal(abook_query("echo 'Not found'; exit 1", "zz", 5, &v, &n,
	    &msg, &e), 0);
	assert_int_equal(n, 0);
	assert_string_equal(msg, "Not found");
	free(msg);
	assert_int_equal(abook_query("echo 'ldap: cannot connect' >&2; exit 1",
	    "zz", 5, &v, &n, NULL, &e), -1);
	assert_string_equal(e.msg, "query_cmd `echo 'ldap: cannot connect' >&2; "
	    "exit 1` failed with exit status 1: ldap: cannot connect");
	assert_int_equal(abook_query("exit 3", "zz", 5, &v, &n, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "failed with exit status 3"));
	/* A hanging command is stopped at its deadline. */
	assert_int_equal(abook_query("sleep 30; : %s", "zz", 1, &v, &n, NULL, &e), -1);
	assert_string_equal(e.msg, "query_cmd `sleep 30; : %s` did not finish within 1 "
	    "seconds");
	assert_string_equal(e.reason, "timeout");
	unlink(script);
	free(script);
	free(mark);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_corpus_text),
		cmocka_unit_test(test_broken_mime),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_unflow),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_forward_text),
		cmocka_unit_test(test_abook_parse),
		cmocka_unit_test(test_abook_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
