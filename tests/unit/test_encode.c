/* Encodings: base64 and quoted-printable against known vectors, RFC 2047
 * encoded-words (length, character boundaries, decoding), header
 * folding, RFC 2231 parameters, punycode/IDNA (RFC 3492 samples) and the
 * content-type table. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/text.h"
#include "base/util.h"
#include "mail/encode.h"

static char *
b64(const char *s)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "");
	enc_b64_encode(&b, s, strlen(s));
	return b.data;
}

static void
test_base64_vectors(void **state)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *e = b64(v[i][0]);
		struct buf d;

		assert_string_equal(e, v[i][1]);
		assert_int_equal(enc_b64_len(strlen(v[i][0])), strlen(v[i][1]));
		buf_init(&d);
		buf_adds(&d, "");
		assert_int_equal(enc_b64_decode(&d, e, strlen(e)), 0);
		assert_int_equal(d.len, strlen(v[i][0]));
		assert_memory_equal(d.data, v[i][0], d.len);
		buf_free(&d);
		free(e);
	}
}

static void
test_base64_decode_rejects(void **state)
{
	static const char *const bad[] = { "Zm9v!", "Z", "Zm9=v", "=Zm9", "Zm9vY" };
	struct buf d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_init(&d);
		assert_int_equal(enc_b64_decode(&d, bad[i], strlen(bad[i])), -1);
		buf_free(&d);
	}
	buf_init(&d);
	assert_int_equal(enc_b64_decode(&d, "Zm9v\r\nYmFy\r\n", 12), 0);
	assert_int_equal(d.len, 6);
	assert_memory_equal(d.data, "foobar", 6);
	buf_free(&d);
}

/* The MIME size formula must match what the encoder writes, with every
 * line 76 characters but the last. */
static void
test_base64_mime_size(void **state)
{
	unsigned char in[400];
	char out[600];
	size_t n, o, i, line;

	(void)state;
	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (n = 0; n <= sizeof in; n++) {
		o = enc_b64_mime(out, in, n);
		assert_int_equal(o, enc_b64_mime_size(n));
		for (i = 0, line = 0; i < o; i++) {
			if (out[i] == '\r') {
				assert_true(out[i + 1] == '\n');
				assert_true(line <= 76);
				if (i + 2 < o)
					assert_int_equal(line, 76);
				line = 0;
				i++;
			} else
				line++;
		}
		assert_int_equal(line, 0);
	}
	assert_int_equal(enc_b64_mime_size(0), 0);
	assert_int_equal(enc_b64_mime_size(57), 78);
	assert_int_equal(enc_b64_mime_size(58), 78 + 6);
	/* 200 MiB: 3679855 full lines and 1 byte left. */
	assert_int_equal(enc_b64_mime_size(209715200ull),
	    209715200ull / 57 * 78 + 4 + 2);
}

static char *
qp(const char *s)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "");
	enc_qp_encode(&b, s, strlen(s));
	return b.data;
}

static void
test_qp_vectors(void **state)
{
	static const char *const v[][2] = {
		{ "", "" },
		{ "hello\n", "hello\r\n" },
		{ "no newline", "no newline\r\n" },
		{ "a=b\n", "a=3Db\r\n" },
		{ "trailing \n", "trailing=20\r\n" },
		{ "tab\t\n", "tab=09\r\n" },
		{ "in the middle ok\n", "in the middle ok\r\n" },
		{ "caf\xc3\xa9\n", "caf=C3=A9\r\n" },
		{ "a\n\nb\n", "a\r\n\r\nb\r\n" },
		{ "nul\x00?", "nul\r\n" },	/* strlen stops at the NUL */
		{ ".dot\n", ".dot\r\n" },
		{ "\x7f\x1b\n", "=7F=1B\r\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *e = qp(v[i][0]);

		assert_string_equal(e, v[i][1]);
		free(e);
	}
}

static void
test_qp_soft_breaks(void **state)
{
	char in[300], want[400];
	char *e;

	(void)state;
	/* 76 characters fit on one line exactly. */
	memset(in, 'a', 76);
	in[76] = '\0';
	e = qp(in);
	memset(want, 'a', 76);
	strcpy(want + 76, "\r\n");
	assert_string_equal(e, want);
	free(e);
	/* 77: 75 + "=" soft break, then 2. */
	memset(in, 'a', 77);
	in[77] = '\0';
	e = qp(in);
	memset(want, 'a', 75);
	strcpy(want + 75, "=\r\naa\r\n");
	assert_string_equal(e, want);
	free(e);
	/* Escapes are never split: 30 '=' are 25 per line at most. */
	memset(in, '=', 30);
	in[30] = '\0';
	e = qp(in);
	want[0] = '\0';
	for (int k = 0; k < 25; k++)
		strcat(want, "=3D");
	strcat(want, "=\r\n=3D=3D=3D=3D=3D\r\n");
	assert_string_equal(e, want);
	free(e);
	/* A space before a soft break stays literal; a final one does not. */
	memset(in, 'a', 74);
	strcpy(in + 74, " b ");
	e = qp(in);
	memset(want, 'a', 74);
	strcpy(want + 74, " =\r\nb=20\r\n");
	assert_string_equal(e, want);
	free(e);
}

static void
test_qp_round_trip(void **state)
{
	unsigned char in[5000];
	struct buf enc, dec;
	size_t i, line;
	unsigned seed = 12345;

	(void)state;
	for (i = 0; i < sizeof in; i++) {
		seed = seed * 1103515245 + 12345;
		in[i] = (unsigned char)(seed >> 16);
		if (in[i] == '\r')
			in[i] = ' ';	/* the input has LF line ends only */
		if (i % 997 == 5)
			in[i] = ' ';
	}
	in[sizeof in - 1] = '\n';
	buf_init(&enc);
	buf_adds(&enc, "");
	enc_qp_encode(&enc, (char *)in, sizeof in);
	for (i = 0, line = 0; i < enc.len; i++) {
		unsigned char c = (unsigned char)enc.data[i];

		assert_true(c < 0x80 && c != 0);
		if (c == '\r') {
			assert_int_equal(enc.data[i + 1], '\n');
			assert_true(line <= 76);
			/* No whitespace right before a line end. */
			if (line > 0)
				assert_true(enc.data[i - 1] != ' ' && enc.data[i - 1] != '\t');
			line = 0;
			i++;
		} else
			line++;
	}
	buf_init(&dec);
	buf_adds(&dec, "");
	assert_int_equal(enc_qp_decode(&dec, enc.data, enc.len), 0);
	assert_int_equal(dec.len, sizeof in);
	assert_memory_equal(dec.data, in, sizeof in);
	buf_free(&enc);
	buf_free(&dec);
	buf_init(&dec);
	assert_int_equal(enc_qp_decode(&dec, "a=ZZ", 4), -1);
	buf_free(&dec);
}

/* Renders a Subject through the builder. */
static char *
subject(const char *s, bool utf8)
{
	struct buf b;
	struct enc_hdr h;

	buf_init(&b);
	enc_hdr_begin(&h, &b, "Subject");
	enc_hdr_text(&h, s, utf8);
	enc_hdr_end(&h);
	return buf_cstr(&b);
}

/* The value of a rendered header, unfolded and decoded. */
static char *
unfold_decode(const char *hdr)
{
	struct buf b;
	const char *p = strchr(hdr, ':') + 1;
	char *d;

	buf_init(&b);
	buf_adds(&b, "");
	for (; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			p++;
			continue;
		}
		buf_addc(&b, *p);
	}
	d = enc_ew_decode(b.data[0] == ' ' ? b.data + 1 : b.data);
	buf_free(&b);
	return d;
}

/* Checks every line of a header: CRLF ends, at most max octets, each
 * encoded-word at most 75 characters and decodable on its own to valid
 * UTF-8 (so words were split between characters). */
static void
check_lines(const char *h, size_t max)
{
	const char *p = h, *e, *w, *we;

	while (*p != '\0') {
		e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true((size_t)(e - p) <= max);
		for (w = p; (w = strstr(w, "=?")) != NULL && w < e; w = we) {
			char *one, *dec;

			/* "=?UTF-8?Q?" then the text up to "?=". */
			assert_int_equal(strncmp(w, "=?UTF-8?", 8), 0);
			we = strstr(w + 10, "?=");
			assert_non_null(we);
			we += 2;
			assert_true(we - w <= 75);
			one = xstrndup(w, (size_t)(we - w));
			dec = enc_ew_decode(one);
			assert_true(strstr(dec, "=?") == NULL);
			assert_true(enc_utf8_valid(dec, strlen(dec), NULL));
			free(one);
			free(dec);
		}
		p = e + 2;
	}
}

static void
test_subject_plain_and_folded(void **state)
{
	char *h, *d;
	char text[1200];
	size_t i;

	(void)state;
	h = subject("Hello world", false);
	assert_string_equal(h, "Subject: Hello world\r\n");
	free(h);
	/* Inner runs of blanks are kept; the ends are not the builder's job. */
	h = subject("a  b\tc", false);
	assert_string_equal(h, "Subject: a  b\tc\r\n");
	free(h);
	/* Fifty words fold at 78 and unfold to the same text. */
	text[0] = '\0';
	for (i = 0; i < 50; i++)
		strcat(text, i ? " word" : "word");
	h = subject(text, false);
	check_lines(h, 78);
	assert_non_null(strstr(h, "\r\n word"));
	d = unfold_decode(h);
	assert_string_equal(d, text);
	free(h);
	free(d);
	/* A 100-character word cannot fold: it stays whole (< 998). */
	memset(text, 'x', 100);
	strcpy(text + 100, " end");
	h = subject(text, false);
	assert_null(strstr(h, "=?"));
	check_lines(h, 998);
	free(h);
	/* A 200-blank run cannot be a fold point: it travels encoded. */
	strcpy(text, "start a");
	memset(text + 7, ' ', 200);
	strcpy(text + 207, "b end");
	h = subject(text, false);
	check_lines(h, 78);
	assert_non_null(strstr(h, "Subject: start =?UTF-8?"));
	d = unfold_decode(h);
	assert_string_equal(d, text);
	free(h);
	free(d);
	/* A 1000-character word must be encoded to keep lines short. */
	memset(text, 'y', 1000);
	text[1000] = '\0';
	h = subject(text, false);
	check_lines(h, 78);
	d = unfold_decode(h);
	assert_string_equal(d, text);
	free(h);
	free(d);
}

static void
test_subject_encoded_words(void **state)
{
	char *h, *d;

	(void)state;
	h = subject("Caf\xc3\xa9", false);
	assert_string_equal(h, "Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n");
	free(h);
	/* Mostly ASCII: Q is shorter. */
	h = subject("na\xc3\xafvement", false);
	assert_string_equal(h, "Subject: =?UTF-8?Q?na=C3=AFvement?=\r\n");
	free(h);
	/* Plain words around an encoded word stay plain, spaces kept. */
	h = subject("Re: tr\xc3\xa8s bien ok", false);
	assert_string_equal(h, "Subject: Re: =?UTF-8?B?dHLDqHM=?= bien ok\r\n");
	d = unfold_decode(h);
	assert_string_equal(d, "Re: tr\xc3\xa8s bien ok");
	free(h);
	free(d);
	/* Adjacent words to encode form one run, the space inside it. */
	h = subject("a na\xc3\xafve fa\xc3\xa7" "ade b", false);
	assert_string_equal(h, "Subject: a =?UTF-8?B?bmHDr3ZlIGZhw6dhZGU=?= b\r\n");
	d = unfold_decode(h);
	assert_string_equal(d, "a na\xc3\xafve fa\xc3\xa7" "ade b");
	free(h);
	free(d);
	/* Raw with MSG_UTF8. */
	h = subject("Re: tr\xc3\xa8s bien", true);
	assert_string_equal(h, "Subject: Re: tr\xc3\xa8s bien\r\n");
	free(h);
	/* Something that looks like an encoded-word is encoded itself. */
	h = subject("=?UTF-8?Q?x?= literal", false);
	d = unfold_decode(h);
	assert_string_equal(d, "=?UTF-8?Q?x?= literal");
	assert_null(strstr(h, "Subject: =?UTF-8?Q?x?="));
	free(h);
	free(d);
}

static void
test_encoded_words_split_on_characters(void **state)
{
	/* CJK (3 bytes), emoji (4 bytes), mixed with ASCII. */
	static const char *const texts[] = {
		"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",	/* 日本語 */
		"\xf0\x9f\x98\x80",			/* 😀 */
		"\xc3\xa9t\xc3\xa9 ",
	};
	char text[4000], *h, *d;
	size_t t, i;

	(void)state;
	for (t = 0; t < 3; t++) {
		text[0] = '\0';
		for (i = 0; i < 60; i++)
			strcat(text, texts[t]);
		/* Trailing blanks would be trimmed by callers: end cleanly. */
		strcat(text, "x");
		h = subject(text, false);
		check_lines(h, 78);
		d = unfold_decode(h);
		assert_string_equal(d, text);
		free(h);
		free(d);
	}
}

static void
test_ew_decode(void **state)
{
	static const char *const v[][2] = {
		{ "=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab" },
		{ "=?utf-8?b?Q2Fmw6k=?= x", "Caf\xc3\xa9 x" },
		{ "a =?UTF-8?Q?b?= c", "a b c" },
		{ "=?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9" },
		{ "=?us-ascii?Q?plain_text?=", "plain text" },
		/* Any charset iconv knows; an unknown one is kept. */
		{ "=?koi8-r?B?8MTF?=", "\xd0\x9f\xd0\xb4\xd0\xb5" },
		{ "=?ISO-8859-15?Q?=A4uro?=", "\xe2\x82\xacuro" },
		{ "=?x-no-such-charset?Q?a?=", "=?x-no-such-charset?Q?a?=" },
		{ "=?ISO-8859-1//TRANSLIT?Q?a?=", "=?ISO-8859-1//TRANSLIT?Q?a?=" },
		{ "=?UTF-8?Q?broken", "=?UTF-8?Q?broken" },
		{ "x=?UTF-8?Q?a?=", "x=?UTF-8?Q?a?=" },		/* not a whole word */
		{ "=?UTF-8?B?/w==?=", "=?UTF-8?B?/w==?=" },	/* invalid UTF-8 */
		{ "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *d = enc_ew_decode(v[i][0]);

		assert_string_equal(d, v[i][1]);
		free(d);
	}
}

static char *
param(const char *name, const char *value)
{
	struct buf b;
	struct enc_hdr h;

	buf_init(&b);
	enc_hdr_begin(&h, &b, "Content-Disposition");
	enc_hdr_token(&h, " ", "attachment", 10);
	enc_hdr_param(&h, name, value);
	enc_hdr_end(&h);
	return buf_cstr(&b);
}

static void
test_rfc2231(void **state)
{
	char *h, name[300];
	size_t i;

	(void)state;
	h = param("filename", "report.pdf");
	assert_string_equal(h, "Content-Disposition: attachment; filename=\"report.pdf\"\r\n");
	free(h);
	h = param("filename", "say \"hi\".txt");
	assert_string_equal(h, "Content-Disposition: attachment; "
	    "filename=\"say \\\"hi\\\".txt\"\r\n");
	free(h);
	h = param("filename", "\xc3\xa9t\xc3\xa9 1.pdf");
	assert_string_equal(h, "Content-Disposition: attachment; "
	    "filename*=UTF-8''%C3%A9t%C3%A9%201.pdf\r\n");
	free(h);
	/* A long ASCII name is not quoted past the line: extended form. */
	memset(name, 'n', 80);
	strcpy(name + 80, ".txt");
	h = param("filename", name);
	assert_non_null(strstr(h, "filename*0*=UTF-8''nnn"));
	check_lines(h, 78);
	free(h);
	/* Long: continuations, never splitting an escape. */
	name[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(name, "\xc3\xa9");
	strcat(name, ".txt");
	h = param("filename", name);
	assert_non_null(strstr(h, " filename*0*=UTF-8''%C3%A9"));
	assert_non_null(strstr(h, " filename*1*="));
	check_lines(h, 78);
	{
		/* Reassemble and check every chunk starts on an escape. */
		const char *p = h;
		int parts = 0;

		while ((p = strstr(p, "filename*")) != NULL) {
			const char *v = strchr(p, '=') + 1;

			if (parts == 0)
				v += 7;
			assert_true(*v == '%' || *v == '.');
			parts++;
			p = v;
		}
		assert_true(parts >= 3);
	}
	free(h);
}

static void
test_idn(void **state)
{
	static const char *const v[][2] = {
		{ "example.org", "example.org" },
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "M\xc3\x9c" "NCHEN.de", "xn--mnchen-3ya.de" },
		{ "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88",
		    "xn--r8jz45g.xn--zckzah" },
		/* Ideographic full stop separates labels. */
		{ "\xe4\xbe\x8b\xe3\x81\x88\xe3\x80\x82jp", "xn--r8jz45g.jp" },
	};
	struct err e = { 0 };
	size_t i;
	char *a, *u, *back;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		a = enc_idn_to_ascii(v[i][0], &e);
		assert_non_null(a);
		assert_string_equal(a, v[i][1]);
		u = enc_idn_to_unicode(a);
		back = enc_idn_to_ascii(u, &e);
		assert_string_equal(back, a);
		free(a);
		free(u);
		free(back);
	}
	{
		char lab[300];

		memset(lab, 'a', 63);
		strcpy(lab + 63, "\xc3\xa9.example");
		a = enc_idn_to_ascii(lab, &e);
		assert_null(a);
		assert_string_equal(e.msg, "a domain label is longer than 63 "
		    "characters in its ASCII form");
	}
	/* IDNA2008 (libidn2) refuses what a hand-written punycode took:
	 * a symbol, and a label that begins with a combining mark. */
	assert_null(enc_idn_to_ascii("\xe2\x98\x83.example", &e));
	assert_non_null(strstr(e.msg, "cannot be an internationalised name"));
	assert_null(enc_idn_to_ascii("\xcc\x81" "a.example", &e));
	/* UTS 46 maps fullwidth letters and the Kelvin sign. */
	a = enc_idn_to_ascii("\xef\xbd\x85xample.\xe2\x84\xaa\xc3\xb6ln", &e);
	assert_non_null(a);
	assert_string_equal(a, "example.xn--kln-sna");
	free(a);
	/* A bad A-label is shown as it is. */
	u = enc_idn_to_unicode("xn--zz.example");
	assert_string_equal(u, "xn--zz.example");
	free(u);
}

static void
test_utf8(void **state)
{
	static const char *const bad[] = {
		"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
		"\x80", "\xff", "ok\xc3",
	};
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(enc_utf8_valid(bad[i], strlen(bad[i]), &off));
	assert_false(enc_utf8_valid("ok\xc3", 3, &off));
	assert_int_equal(off, 2);
	assert_true(enc_utf8_valid("\xf0\x9f\x98\x80 \xc3\xa9", 7, NULL));
	assert_true(enc_has_8bit("a\xc3\xa9", 3));
	assert_false(enc_has_8bit("abc", 3));
}

static void
test_mime_table(void **state)
{
	const char *ext, *type, *prev = "";
	size_t i;
	char name[64];

	(void)state;
	assert_string_equal(enc_mime_type("report.pdf"), "application/pdf");
	assert_string_equal(enc_mime_type("/x/y/PHOTO.JPG"), "image/jpeg");
	assert_string_equal(enc_mime_type("a.tar.gz"), "application/gzip");
	assert_string_equal(enc_mime_type("notes.txt"), "text/plain");
	assert_string_equal(enc_mime_type("data.xlsx"),
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_string_equal(enc_mime_type("noext"), "application/octet-stream");
	assert_string_equal(enc_mime_type(".bashrc"), "application/octet-stream");
	assert_string_equal(enc_mime_type("x."), "application/octet-stream");
	assert_string_equal(enc_mime_type("x.unknownext"), "application/octet-stream");
	/* Sorted (binary search) and each entry found through the lookup. */
	for (i = 0; enc_mime_entry(i, &ext, &type); i++) {
		assert_true(strcmp(prev, ext) < 0);
		snprintf(name, sizeof name, "file.%s", ext);
		assert_string_equal(enc_mime_type(name), type);
		prev = ext;
	}
	assert_true(i >= 40);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_base64_decode_rejects),
		cmocka_unit_test(test_base64_mime_size),
		cmocka_unit_test(test_qp_vectors),
		cmocka_unit_test(test_qp_soft_breaks),
		cmocka_unit_test(test_qp_round_trip),
		cmocka_unit_test(test_subject_plain_and_folded),
		cmocka_unit_test(test_subject_encoded_words),
		cmocka_unit_test(test_encoded_words_split_on_characters),
		cmocka_unit_test(test_ew_decode),
		cmocka_unit_test(test_rfc2231),
		cmocka_unit_test(test_idn),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_mime_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
