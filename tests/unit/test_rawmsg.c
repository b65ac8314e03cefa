/* A finished message read as sendmail reads it (mail/rawmsg.c): what
 * comes out is the input with CRLF line ends, Bcc removed, Date,
 * Message-ID and From added only when missing; the header's fields are
 * found unfolded; every malformed input is refused naming its line; the
 * body goes through in pieces of any size. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "mail/rawmsg.h"

/* The input as a file descriptor (a temporary file, read from 0). */
static int
input(const char *s, size_t n)
{
	char path[] = "/tmp/missive-rawmsg-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, s, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Runs read_head + write; returns the output (caller frees) or NULL with
 * e when either refuses. */
static char *
convert(const char *s, size_t n, const struct rawmsg_add *add,
    struct rawmsg_out *info, struct err *e, char **from, char **to)
{
	int in = input(s, n), out = input("", 0);
	struct rawmsg *r;
	struct rawmsg_add none = { 0 };
	char *data = NULL;
	off_t len;

	err_clear(e);
	if (from != NULL)
		*from = NULL;
	if (to != NULL)
		*to = NULL;
	r = rawmsg_read_head(in, e);
	if (r == NULL)
		goto out;
	if (from != NULL)
		*from = rawmsg_field(r, "From");
	if (to != NULL)
		*to = rawmsg_field(r, "to");
	if (rawmsg_write(r, out, add != NULL ? add : &none, info, e) == 0) {
		len = lseek(out, 0, SEEK_END);
		assert_int_equal((uint64_t)len, info->size);
		data = xmalloc((size_t)len + 1);
		assert_int_equal(pread(out, data, (size_t)len, 0), len);
		data[len] = '\0';
	}
	rawmsg_free(r);
out:
	close(in);
	close(out);
	return data;
}

static void
test_plain(void **state)
{
	static const char in[] =
	    "From: Ann <ann@example.org>\n"
	    "To: Bob <bob@example.net>,\n"
	    "\tCarl <carl@example.net>\n"
	    "Bcc: hidden@example.com,\n"
	    " other@example.com\n"
	    "Subject: Hello\n"
	    "To: dora@example.net\n"
	    "\n"
	    "Hi.\n"
	    ".\n"
	    "..dots\n"
	    "last line without end";
	struct rawmsg_add add = { .date = "Mon, 1 Jan 2024 00:00:00 +0000",
		.message_id = "<x@example.org>", .from = "Never <n@x.y>" };
	struct rawmsg_out info;
	struct err e;
	char *from, *to, *out;

	(void)state;
	out = convert(in, sizeof in - 1, &add, &info, &e, &from, &to);
	assert_non_null(out);
	assert_string_equal(from, "Ann <ann@example.org>");
	/* Unfolded, and both To fields, in order. */
	assert_string_equal(to, "Bob <bob@example.net>,\tCarl <carl@example.net>, "
	    "dora@example.net");
	assert_string_equal(out,
	    "From: Ann <ann@example.org>\r\n"
	    "To: Bob <bob@example.net>,\r\n"
	    "\tCarl <carl@example.net>\r\n"
	    "Subject: Hello\r\n"
	    "To: dora@example.net\r\n"
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	    "Message-ID: <x@example.org>\r\n"
	    "\r\n"
	    "Hi.\r\n"
	    ".\r\n"
	    "..dots\r\n"
	    "last line without end\r\n");
	assert_true(info.removed_bcc);
	assert_false(info.added_from);
	assert_true(info.added_date);
	assert_true(info.added_message_id);
	assert_false(info.eight_bit);
	free(out);
	free(from);
	free(to);
}

static void
test_keeps_given(void **state)
{
	static const char in[] =
	    "From ann@example.org Mon Jan  1 00:00:00 2024\r\n"
	    "Date: Tue, 2 Jan 2024 10:00:00 +0100\r\n"
	    "Message-Id: <given@example.org>\r\n"
	    "From: ann@example.org\r\n"
	    "Subject: gr\xc3\xbc\xc3\x9f" "e\r\n"
	    "\r\n"
	    "CRLF\r\nlone CR\rLF\n\xe2\x82\xac\r\n";
	struct rawmsg_add add = { .date = "X", .message_id = "<y@z>", .from = "F <f@g.h>" };
	struct rawmsg_out info;
	struct err e;
	char *out;

	(void)state;
	out = convert(in, sizeof in - 1, &add, &info, &e, NULL, NULL);
	assert_non_null(out);
	/* The mbox separator is dropped; what is there stays as it is. */
	assert_string_equal(out,
	    "Date: Tue, 2 Jan 2024 10:00:00 +0100\r\n"
	    "Message-Id: <given@example.org>\r\n"
	    "From: ann@example.org\r\n"
	    "Subject: gr\xc3\xbc\xc3\x9f" "e\r\n"
	    "\r\n"
	    "CRLF\r\nlone CR\r\nLF\r\n\xe2\x82\xac\r\n");
	assert_false(info.added_date || info.added_message_id || info.added_from);
	assert_true(info.head_8bit);
	assert_true(info.eight_bit);
	free(out);
}

static void
test_no_header(void **state)
{
	static const char in[] = "just a line\nand another\n";
	struct rawmsg_add add = { .date = "D", .message_id = "<m@i>",
		.from = "Cron <c@example.org>" };
	struct rawmsg_out info;
	struct err e;
	char *out, *from;

	(void)state;
	out = convert(in, sizeof in - 1, &add, &info, &e, &from, NULL);
	assert_non_null(out);
	assert_null(from);
	assert_string_equal(out, "From: Cron <c@example.org>\r\nDate: D\r\n"
	    "Message-ID: <m@i>\r\n\r\njust a line\r\nand another\r\n");
	assert_true(info.added_from);
	free(out);
	/* An empty input: a message with the added fields only. */
	out = convert("", 0, &add, &info, &e, NULL, NULL);
	assert_non_null(out);
	assert_string_equal(out, "From: Cron <c@example.org>\r\nDate: D\r\n"
	    "Message-ID: <m@i>\r\n\r\n");
	free(out);
	/* Header only, no empty line, no last line end. */
	out = convert("Subject: s\nTo: a@b", 18, &add, &info, &e, NULL, NULL);
	assert_non_null(out);
	assert_string_equal(out, "Subject: s\r\nTo: a@b\r\nFrom: Cron "
	    "<c@example.org>\r\nDate: D\r\nMessage-ID: <m@i>\r\n\r\n");
	free(out);
}

static void
refused(const char *in, size_t n, const char *words)
{
	struct rawmsg_out info;
	struct err e;
	char *out = convert(in, n, NULL, &info, &e, NULL, NULL);

	if (out != NULL)
		fail_msg("accepted: %s", in);
	assert_string_equal(e.reason, RAWMSG_BAD);
	if (strstr(e.msg, words) == NULL)
		fail_msg("`%s' does not say `%s'", e.msg, words);
}

static void
test_refused(void **state)
{
	char *s;
	size_t i;

	(void)state;
	refused("To: a@b\nthis is no field\n\nbody\n", 31, "line 2 is neither");
	refused("To: a@b\nX: a\0b\n\nbody\n", 20, "line 2 of the header holds a NUL");
	refused("To: a@b\nX: a\rb\n\nbody\n", 20, "carriage return");
	refused("To: a@b\n\nfine\nbad \0 here\n", 25, "line 4 of the message holds a NUL");
	/* 998 octets is the longest line allowed, in header and body. */
	s = xmalloc(4000);
	strcpy(s, "To: a@b\nX: ");
	for (i = 0; i < 998 - 3; i++)
		strcat(s, "x");
	strcat(s, "\n\n");
	{
		struct rawmsg_out info;
		struct err e;
		char *out = convert(s, strlen(s), NULL, &info, &e, NULL, NULL);

		assert_non_null(out);
		free(out);
	}
	strcpy(s + strlen(s) - 2, "y\n\n");
	refused(s, strlen(s), "line 2 of the header is 999 bytes");
	strcpy(s, "To: a@b\n\n");
	for (i = 0; i < 998; i++)
		strcat(s, "x");
	strcat(s, "\r\n");
	{
		struct rawmsg_out info;
		struct err e;
		char *out = convert(s, strlen(s), NULL, &info, &e, NULL, NULL);

		assert_non_null(out);
		free(out);
	}
	strcpy(s + strlen(s) - 2, "y\r\n");
	refused(s, strlen(s), "line 3 of the message is longer than 998");
	/* A NUL and an overlong line: the one a byte-by-byte reading meets
	 * first is named (the NUL as the 999th byte, the length when the
	 * NUL comes after it), also past text that needs no CRLF. */
	strcpy(s, "To: a@b\n\nok\r\n\xc3\xa9\n");
	i = strlen(s);
	memset(s + i, 'x', 998);
	s[i + 998] = '\0';
	memcpy(s + i + 999, "z\n", 3);
	refused(s, i + 1002, "line 5 of the message holds a NUL");
	s[i + 998] = 'x';
	s[i + 999] = '\0';
	refused(s, i + 1002, "line 5 of the message is longer than 998");
	free(s);
}

static void
test_header_limit(void **state)
{
	size_t n = RAWMSG_HEAD_MAX + 4096, i = 0;
	char *s = xmalloc(n + 1);

	(void)state;
	/* Short fields that never end: refused, memory bounded. */
	while (i + 12 < n) {
		memcpy(s + i, "X-Pad: 1234\n", 12);
		i += 12;
	}
	s[i] = '\0';
	refused(s, i, "header section is larger than");
	free(s);
}

static void
test_large_body_in_pieces(void **state)
{
	/* A body of many blocks with CRLF split across block edges. */
	size_t lines = 30000, i, n = 0;
	char *s = xmalloc(lines * 80 + 64), *out;
	struct rawmsg_out info;
	struct err e;

	(void)state;
	n += (size_t)sprintf(s, "To: a@b\n\n");
	for (i = 0; i < lines; i++)
		n += (size_t)sprintf(s + n, "%075zu%s", i, i % 3 ? "\r\n" : "\n");
	out = convert(s, n, NULL, &info, &e, NULL, NULL);
	assert_non_null(out);
	assert_int_equal(info.size, 9 + 2 + lines * 77);
	for (i = 0; i < lines; i += 997) {
		char want[80];

		snprintf(want, sizeof want, "\r\n%075zu\r\n", i);
		assert_non_null(strstr(out, want));
	}
	free(out);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_keeps_given),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_header_limit),
		cmocka_unit_test(test_large_body_in_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
