/* What the composer is given and offers: mailto: URLs and addresses on
 * the command line, address completion, and the TLS screen's text. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "net/event.h"
#include "net/smtp.h"
#include "ui/args.h"
#include "ui/complete.h"
#include "ui/views.h"

static void
test_mailto(void **state)
{
	struct prefill p;
	struct err e;

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(prefill_add(&p, "mailto:bob@example.org,"
	    "%22Doe%2C%20J%22%20%3Cj@example.org%3E?subject=Hello%20there"
	    "&cc=carol@example.org&body=line%201%0D%0Aline%202"
	    "&X-Evil=1&bcc=dave@example.org", &e), 0);
	assert_string_equal(p.to, "bob@example.org,\"Doe, J\" <j@example.org>");
	assert_string_equal(p.cc, "carol@example.org");
	assert_string_equal(p.bcc, "dave@example.org");
	assert_string_equal(p.subject, "Hello there");
	assert_string_equal(p.body, "line 1\nline 2");
	/* a second argument adds to the list; plus signs stay */
	assert_int_equal(prefill_add(&p, "eve+tag@example.org", &e), 0);
	assert_string_equal(p.to, "bob@example.org,\"Doe, J\" <j@example.org>, "
	    "eve+tag@example.org");
	assert_int_equal(prefill_add(&p, "MAILTO:?to=x@example.org", &e), 0);
	assert_non_null(strstr(p.to, ", x@example.org"));
	assert_int_equal(prefill_add(&p, "mailto:a@b?subject=%zz", &e), -1);
	assert_non_null(strstr(e.msg, "%-escape"));
	prefill_free(&p);
}

static void
test_token_at(void **state)
{
	const wchar_t *s = L"\"Doe, J\" <j@x.org>, bo";
	size_t st, en;

	(void)state;
	addr_token_at(s, wcslen(s), wcslen(s), &st, &en);
	assert_int_equal(st, 20);
	assert_int_equal(en, wcslen(s));
	addr_token_at(s, wcslen(s), 3, &st, &en);	/* inside the quotes */
	assert_int_equal(st, 0);
	assert_int_equal(en, 18);
	/* A comma in a comment does not cut an entry, as for the history's
	 * splitter (completion once cut "Jo (work," off here). */
	s = L"Jo (work, home) <jo@x.org>, bo";
	addr_token_at(s, wcslen(s), 11, &st, &en);
	assert_int_equal(st, 0);
	assert_int_equal(en, 26);
}

static void
test_complete(void **state)
{
	struct completer *c = completer_new();
	size_t *m, n;

	(void)state;
	completer_add_list(c, "Alice Smith <alice@example.org>, bob@example.org");
	completer_add(c, "ALICE@example.org");	/* same address: ignored */
	completer_add(c, "Bobby Tables <bt@example.net>");
	assert_int_equal(completer_count(c), 3);
	n = completer_match(c, "ali", &m);
	assert_int_equal(n, 1);
	assert_string_equal(completer_get(c, m[0]), "Alice Smith <alice@example.org>");
	free(m);
	n = completer_match(c, "smi", &m);	/* a word of the name */
	assert_int_equal(n, 1);
	free(m);
	n = completer_match(c, "bo", &m);
	assert_int_equal(n, 2);
	free(m);
	n = completer_match(c, "bt@", &m);	/* the bare address */
	assert_int_equal(n, 1);
	free(m);
	n = completer_match(c, "zed", &m);
	assert_int_equal(n, 0);
	free(m);
	assert_false(completer_matches("bob@example.org", ""));
	completer_free(c);
}

static void
test_tls_view(void **state)
{
	struct cert_info leaf = {
		.subject = "CN=mx.example.org\x1b[31m", .issuer = "CN=Test CA",
		.not_before = "2024-01-01T00:00:00Z",
		.not_after = "2025-01-01T00:00:00Z", .days_left = -3,
		.sans = "mx.example.org",
		.fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
		    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
	};
	struct tls_info ti = { .version = "TLSv1.3", .cipher = "TLS_AES_128",
	    .group = "X25519", .verified = false,
	    .verify_error = "certificate has expired",
	    .verify_code = TV_EXPIRED, .chain = &leaf,
	    .nchain = 1 };
	char *plain[] = { "PIPELINING", "STARTTLS" }, *tls[] = { "AUTH PLAIN" };
	struct result r = { .sent = false, .encrypted = true, .reason =
	    "cert_verify", .message = "certificate expired", .tls = &ti,
	    .caps_plain = plain, .ncaps_plain = 2, .caps_tls = tls,
	    .ncaps_tls = 1 };
	struct tls_view_in in = { .server = "mx.example.org:587",
	    .policy = TLS_STARTTLS, .result = &r };
	struct lines l;
	size_t i;

	(void)state;
	lines_init(&l);
	view_tls(&l, &in);
	assert_true(lines_find(&l, "TLS 1.3") >= 0);
	assert_true(lines_find(&l, "X25519") >= 0);
	assert_true(lines_find(&l, "STARTTLS required") >= 0);
	assert_true(lines_find(&l, "NOT verified") >= 0);
	assert_true(lines_find(&l, "expired on 2025-01-01 (3 days ago)") >= 0);
	assert_true(lines_find(&l, "EXPIRED 3 days ago") >= 0);
	assert_true(lines_find(&l, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:") >= 0);
	assert_true(lines_find(&l, "Capabilities before STARTTLS") >= 0);
	assert_true(lines_find(&l, "AUTH PLAIN") >= 0);
	assert_true(lines_find(&l, "\\x1b[31m") >= 0);
	for (i = 0; i < l.n; i++)
		assert_null(strchr(l.v[i].text, 0x1b));
	lines_clear(&l);
	lines_init(&l);
	view_help(&l);
	assert_true(lines_find(&l, "^X  F10") >= 0);
	assert_true(lines_find(&l, "^_  F4") >= 0);
	assert_true(lines_find(&l, "M-Up") >= 0);
	lines_clear(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mailto),
		cmocka_unit_test(test_token_at),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_tls_view),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
