/* Reply parser: split at every byte, multi-line, enhanced codes, and
 * every kind of garbage a hostile server can send. */
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
#include "net/reply.h"

/* Feeds data in pieces of `step` bytes; returns the final state. */
static enum reply_state
feed_all(const char *data, size_t n, size_t step, struct reply *r, struct err *e,
    size_t *consumed)
{
	struct reply_parser *p = reply_parser_new();
	enum reply_state st = REPLY_MORE;
	size_t off = 0, used;

	while (off < n && st == REPLY_MORE) {
		size_t len = n - off < step ? n - off : step;

		st = reply_feed(p, data + off, len, &used, r, e);
		off += used;
	}
	*consumed = off;
	reply_parser_free(p);
	return st;
}

static void
test_split_anywhere(void **state)
{
	const char *in = "250-mail.example.org hello\r\n250-PIPELINING\r\n"
	    "250-SIZE 1000\r\n250 STARTTLS\r\nEXTRA";
	size_t step, used;

	(void)state;
	for (step = 1; step <= strlen(in); step++) {
		struct reply r = { 0 };
		struct err e = { 0 };

		assert_int_equal(feed_all(in, strlen(in), step, &r, &e, &used), REPLY_DONE);
		assert_int_equal(r.code, 250);
		assert_int_equal(r.nlines, 4);
		assert_string_equal(r.lines[0], "mail.example.org hello");
		assert_string_equal(r.lines[3], "STARTTLS");
		/* The bytes of the next reply are left alone. */
		assert_int_equal(used, strlen(in) - 5);
		reply_free(&r);
	}
}

static void
test_enhanced_and_bare_lf(void **state)
{
	struct reply r = { 0 };
	struct err e = { 0 };
	size_t used;
	const char *in = "550 5.1.1 <nobody@example.org>: user unknown\n";
	char *t;

	(void)state;
	assert_int_equal(feed_all(in, strlen(in), 100, &r, &e, &used), REPLY_DONE);
	assert_int_equal(r.code, 550);
	assert_string_equal(r.enh, "5.1.1");
	assert_string_equal(reply_first(&r), "<nobody@example.org>: user unknown");
	t = reply_text(&r);
	assert_string_equal(t, "5.1.1 <nobody@example.org>: user unknown");
	free(t);
	reply_free(&r);

	/* Code alone, no text. */
	assert_int_equal(feed_all("354\r\n", 5, 1, &r, &e, &used), REPLY_DONE);
	assert_int_equal(r.code, 354);
	assert_string_equal(r.lines[0], "");
	reply_free(&r);
}

static void
expect_error(const char *in, size_t n, const char *words)
{
	struct reply r = { 0 };
	struct err e = { 0 };
	size_t used;

	assert_int_equal(feed_all(in, n, 7, &r, &e, &used), REPLY_ERROR);
	assert_string_equal(e.reason, "protocol");
	if (strstr(e.msg, words) == NULL)
		fail_msg("error `%s' does not mention `%s'", e.msg, words);
	/* No control byte of the server's survives into the message. */
	for (const char *p = e.msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
}

static void
test_garbage(void **state)
{
	char longline[5000];
	struct buf many;
	int i;

	(void)state;
	expect_error("250-a\r\n251 b\r\n", 14, "mixes codes");
	expect_error("hello\r\n", 7, "not an SMTP reply");
	expect_error("2500 x\r\n", 8, "not an SMTP reply");
	expect_error("650 x\r\n", 7, "not an SMTP reply");
	expect_error("220 hi\x1b[31mred\r\n", 17, "control characters");
	expect_error("220 a\0b\r\n", 9, "control characters");
	memset(longline, 'x', sizeof longline);
	memcpy(longline, "250 ", 4);
	expect_error(longline, sizeof longline, "longer than");
	buf_init(&many);
	for (i = 0; i < REPLY_MAX_LINES + 5; i++)
		buf_adds(&many, "250-more\r\n");
	expect_error(many.data, many.len, "more than");
	buf_free(&many);
}

/* A reply line of n bytes (code and text, without the line end). */
static void
line_of(struct buf *b, size_t n, const char *sep, const char *end)
{
	size_t i;

	buf_adds(b, "250");
	buf_adds(b, sep);
	for (i = 4; i < n; i++)
		buf_addc(b, 'x');
	buf_adds(b, end);
}

/* Exactly at each limit and one past it, with both line ends: a line of
 * REPLY_MAX_LINE bytes and a reply of REPLY_MAX_LINES lines are taken,
 * one byte or one line more is refused. */
static void
test_limits_exactly(void **state)
{
	static const char *const ends[] = { "\r\n", "\n" };
	struct buf b;
	struct reply r = { 0 };
	struct err e = { 0 };
	size_t used, k, i, step;

	(void)state;
	for (k = 0; k < 2; k++) {
		for (step = 1; step <= 4096; step *= 4) {
			buf_init(&b);
			line_of(&b, REPLY_MAX_LINE, " ", ends[k]);
			assert_int_equal(feed_all(b.data, b.len, step, &r, &e, &used), REPLY_DONE);
			assert_int_equal(strlen(r.lines[0]), REPLY_MAX_LINE - 4);
			reply_free(&r);
			buf_free(&b);

			buf_init(&b);
			line_of(&b, REPLY_MAX_LINE + 1, " ", ends[k]);
			assert_int_equal(feed_all(b.data, b.len, step, &r, &e, &used), REPLY_ERROR);
			assert_non_null(strstr(e.msg, "longer than"));
			buf_free(&b);
		}

		buf_init(&b);
		for (i = 0; i + 1 < REPLY_MAX_LINES; i++)
			line_of(&b, 10, "-", ends[k]);
		line_of(&b, 10, " ", ends[k]);
		assert_int_equal(feed_all(b.data, b.len, 7, &r, &e, &used), REPLY_DONE);
		assert_int_equal(r.nlines, REPLY_MAX_LINES);
		reply_free(&r);
		buf_free(&b);

		buf_init(&b);
		for (i = 0; i < REPLY_MAX_LINES; i++)
			line_of(&b, 10, "-", ends[k]);
		line_of(&b, 10, " ", ends[k]);
		assert_int_equal(feed_all(b.data, b.len, 7, &r, &e, &used), REPLY_ERROR);
		assert_non_null(strstr(e.msg, "more than"));
		buf_free(&b);
	}
}

static void
test_utf8_text_kept(void **state)
{
	struct reply r = { 0 };
	struct err e = { 0 };
	size_t used;
	const char *in = "250 Grüße \xff ok\r\n";

	(void)state;
	/* 8-bit text is not garbage (SMTPUTF8 servers); it is escaped when
	 * shown, not refused. */
	assert_int_equal(feed_all(in, strlen(in), 3, &r, &e, &used), REPLY_DONE);
	assert_string_equal(r.lines[0], "Grüße \xff ok");
	reply_free(&r);
}

/* A reply to the message built from its lines, with its enhanced code. */
static char *
queue_id_of(int code, const char *enh, const char *const *lines, size_t n)
{
	struct reply r;
	char *id;

	memset(&r, 0, sizeof r);
	r.code = code;
	snprintf(r.enh, sizeof r.enh, "%s", enh);
	r.lines = (char **)lines;
	r.nlines = n;
	id = reply_queue_id(&r);
	return id;
}

static void
test_queue_id(void **state)
{
	static const struct {
		const char *line, *enh, *want;
	} cases[] = {
		{ "2.0.0 Ok: queued as 4VxYz1234AbC", "2.0.0", "4VxYz1234AbC" },	/* Postfix */
		{ "Ok: queued as 1", "", "1" },					/* the test server */
		{ "OK id=1tAbcD-000123-Xy", "", "1tAbcD-000123-Xy" },		/* Exim */
		{ "2.0.0 x9ABCD12345 Message accepted for delivery", "2.0.0",
		    "x9ABCD12345" },						/* Sendmail */
		{ "2.0.0 1a2b3c4d Message accepted for delivery", "2.0.0", "1a2b3c4d" },
		{ "2.0.0 OK  1700000000 a1b2c3-1234abcd.56 - gsmtp", "2.0.0",
		    "a1b2c3-1234abcd.56" },					/* Gmail */
		{ "2.0.0 Message accepted for delivery", "2.0.0", NULL },	/* no id */
		{ "OK", "", NULL },						/* aiosmtpd */
		{ "Ok: queued as ", "", NULL },
		{ "queued as abc.", "", "abc" },
	};
	const char *multi[] = { "2.0.0 Ok", "thank you", "queued as Q42" };
	size_t i;
	char *id;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		id = queue_id_of(250, cases[i].enh, &cases[i].line, 1);
		if (cases[i].want == NULL)
			assert_null(id);
		else {
			assert_non_null(id);
			assert_string_equal(id, cases[i].want);
		}
		free(id);
	}
	/* The line that names it, usually the last of several. */
	id = queue_id_of(250, "2.0.0", multi, 3);
	assert_string_equal(id, "Q42");
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_anywhere),
		cmocka_unit_test(test_enhanced_and_bare_lf),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_limits_exactly),
		cmocka_unit_test(test_utf8_text_kept),
		cmocka_unit_test(test_queue_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
