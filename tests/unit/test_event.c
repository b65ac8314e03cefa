/* Events: JSON lines are valid JSON whatever bytes a server sent, deep
 * copies are complete, escaping for terminals leaves no control bytes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/text.h"
#include "base/util.h"
#include "net/event.h"

/* Checks with Python's json module, an independent judge. */
static void
assert_valid_json(const char *line)
{
	char path[] = "/tmp/missive-json-XXXXXX", cmd[256];
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd != -1);
	f = fdopen(fd, "w");
	fputs(line, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import json,sys; "
	    "json.load(open(sys.argv[1], encoding=\"utf-8\"))' %s", path);
	if (system(cmd) != 0)
		fail_msg("not valid JSON: %s", line);
	unlink(path);
}

static void
test_json_hostile_text(void **state)
{
	struct event ev = { .type = EV_GREETING, .code = 220, .t = 0.5 };
	struct buf b;

	(void)state;
	ev.text = "hi \x1b[31m\"red\"\\ \x01\x7f \xff\xfe caf\xc3\xa9 \xe2\x82";
	buf_init(&b);
	event_to_json(&ev, &b);
	assert_non_null(strstr(b.data, "\"event\":\"greeting\""));
	assert_non_null(strstr(b.data, "\\u001b[31m"));
	assert_non_null(strstr(b.data, "caf\xc3\xa9"));
	assert_null(memchr(b.data, 0x1b, b.len));
	assert_valid_json(b.data);
	buf_free(&b);
}

/* Numbers in JSON do not follow the locale's decimal comma. */
static void
test_json_time_any_locale(void **state)
{
	struct event ev = { .type = EV_STARTTLS, .t = 1.2345 };
	struct buf b;

	(void)state;
	if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
		skip();
	buf_init(&b);
	event_to_json(&ev, &b);
	setlocale(LC_ALL, "C");
	assert_non_null(strstr(b.data, "\"t\":1.235"));
	assert_valid_json(b.data);
	buf_free(&b);
}

static void
test_json_result(void **state)
{
	char *acc[] = { "a@example.org" }, *ref[] = { "b@example.org" };
	struct result r = { .sent = true, .encrypted = true, .reason = NULL,
	    .accepted = acc, .naccepted = 1, .refused = ref, .nrefused = 1,
	    .exit_status = 3 };
	struct event ev = { .type = EV_RESULT, .result = &r };
	struct buf b;

	(void)state;
	buf_init(&b);
	event_to_json(&ev, &b);
	assert_non_null(strstr(b.data, "\"sent\":true"));
	assert_non_null(strstr(b.data, "\"accepted\":[\"a@example.org\"]"));
	assert_non_null(strstr(b.data, "\"refused\":[\"b@example.org\"]"));
	assert_non_null(strstr(b.data, "\"reason\":null"));
	assert_valid_json(b.data);
	buf_free(&b);
}

static void
test_dup(void **state)
{
	struct cert_info ci = { "CN=a", "CN=ca", "2026-01-01T00:00:00Z",
	    "2027-01-01T00:00:00Z", 30, "DNS:a.example", "AA:BB", "CC:DD", "EC-256" };
	struct tls_info ti = { .version = "TLSv1.3", .cipher = "X", .verified = true,
	    .chain = &ci, .nchain = 1 };
	char *caps[] = { "PIPELINING", "SIZE 10" };
	struct event ev = { .type = EV_TLS, .tls_info = &ti, .caps = caps, .ncaps = 2 };
	struct event *d;

	(void)state;
	d = event_dup(&ev);
	assert_ptr_not_equal(d->tls_info, &ti);
	assert_string_equal(d->tls_info->chain[0].fingerprint, "AA:BB");
	assert_string_equal(d->tls_info->chain[0].pubkey, "CC:DD");
	assert_string_equal(d->tls_info->chain[0].key, "EC-256");
	assert_string_equal(d->caps[1], "SIZE 10");
	assert_true(d->tls_info->verified);
	event_free(d);
}

static void
test_escape(void **state)
{
	char *s;

	(void)state;
	{ const char *in = "a\x1b[2Jb\r\n\x9b\xc2\x9b ok é"; s = str_escape(in, strlen(in)); }
	assert_string_equal(s, "a\\x1b[2Jb\\r\\n\\x9b\\xc2\\x9b ok é");
	free(s);
}

/* C1 controls (U+0080..U+009F; U+009B is a CSI on some terminals) and
 * the bidirectional overrides and isolates (Trojan Source: U+202A..U+202E,
 * U+2066..U+2069, and the marks U+200E, U+200F, U+061C), with the line
 * and paragraph separators U+2028/U+2029: valid UTF-8 that must never
 * reach a terminal or a JSON consumer raw. */
static const char *const unsafe[] = {
	"\xc2\x80", "\xc2\x9b", "\xc2\x9f", "\xd8\x9c", "\xe2\x80\x8e",
	"\xe2\x80\x8f", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaa",
	"\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",
	"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",
};
static const char *const escaped[] = {
	"\\u0080", "\\u009b", "\\u009f", "\\u061c", "\\u200e", "\\u200f",
	"\\u2028", "\\u2029", "\\u202a", "\\u202b", "\\u202c", "\\u202d",
	"\\u202e", "\\u2066", "\\u2067", "\\u2068", "\\u2069",
};

static void
test_unsafe_code_points(void **state)
{
	size_t i;
	char in[64], *s;
	struct buf b;

	(void)state;
	for (i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
		snprintf(in, sizeof in, "a%sb", unsafe[i]);
		buf_init(&b);
		json_add_str(&b, in);
		buf_cstr(&b);
		if (strstr(b.data, unsafe[i]) != NULL || strstr(b.data, escaped[i]) == NULL)
			fail_msg("json_add_str of case %zu: %s", i, b.data);
		assert_valid_json(b.data);
		buf_free(&b);
		s = str_escape(in, strlen(in));
		if (strstr(s, unsafe[i]) != NULL)
			fail_msg("str_escape of case %zu left it raw: %s", i, s);
		free(s);
	}
	s = str_escape("x\xe2\x80\xaey", 5);
	assert_string_equal(s, "x\\u202ey");
	free(s);
	/* Right-to-left text itself stays. */
	s = str_escape("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", 8);
	assert_string_equal(s, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
	free(s);
	buf_init(&b);
	json_add_str(&b, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
	assert_string_equal(buf_cstr(&b), "\"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\"");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_hostile_text),
		cmocka_unit_test(test_json_result),
		cmocka_unit_test(test_json_time_any_locale),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_unsafe_code_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
