/* Status pane words: server text is escaped before it can reach the
 * terminal, each event gets its symbol and severity, verdicts say what
 * happened and what to do next, the progress bar fits its width. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/explain.h"
#include "net/event.h"
#include "ui/textbuf.h"
#include "ui/wide.h"

static void
assert_no_controls(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fail_msg("control byte 0x%02x in status text",
			    (unsigned char)*s);
}

static void
test_greeting_escaped(void **state)
{
	struct event ev = { .type = EV_GREETING, .code = 220 };
	enum sev sev;
	char *s;

	(void)state;
	ev.text = "evil\x1b]0;pwned\x07 \r\n\x9b" "2J host";
	s = explain_event(&ev, &sev);
	assert_non_null(s);
	assert_no_controls(s);
	assert_non_null(strstr(s, "\\x1b]0;pwned\\x07"));
	assert_non_null(strstr(s, "220"));
	assert_int_equal(sev, SEV_INFO);
	free(s);
}

/* What the composer shows comes through here: C1 and bidi characters
 * escaped, other text kept. */
static void
test_bidi_escaped(void **state)
{
	struct event ev = { .type = EV_GREETING, .code = 220 };
	enum sev sev;
	char *s;

	(void)state;
	ev.text = "mx \xc2\x9b" "2J \xe2\x80\xae" "evil\xe2\x80\xac \xe2\x81\xa6" "a\xe2\x81\xa9 gr\xc3\xbc\xc3\x9f";
	s = explain_event(&ev, &sev);
	assert_non_null(s);
	assert_null(strstr(s, "\xc2\x9b"));
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_null(strstr(s, "\xe2\x81\xa6"));
	assert_non_null(strstr(s, "\\u202eevil\\u202c \\u2066a\\u2069"));
	assert_non_null(strstr(s, "gr\xc3\xbc\xc3\x9f"));
	free(s);
}

static void
test_rcpt_and_symbols(void **state)
{
	struct event ok = { .type = EV_RCPT, .accepted = true,
	    .address = "bob@example.org", .code = 250 };
	struct event no = { .type = EV_RCPT, .accepted = false,
	    .address = "eve@example.org", .code = 550,
	    .text = "5.1.1 no such user\x1b[2J" };
	enum sev sev;
	char *s;

	(void)state;
	s = explain_event(&ok, &sev);
	assert_int_equal(sev, SEV_OK);
	assert_non_null(strstr(s, "bob@example.org accepted"));
	free(s);
	s = explain_event(&no, &sev);
	assert_int_equal(sev, SEV_ERROR);
	assert_non_null(strstr(s, "eve@example.org refused: 550"));
	assert_no_controls(s);
	free(s);
	/* meaning never rests on colour alone */
	assert_string_equal(explain_symbol(SEV_OK, true), "✓");
	assert_string_equal(explain_symbol(SEV_ERROR, true), "✗");
	assert_string_equal(explain_symbol(SEV_WARN, true), "!");
	assert_string_equal(explain_symbol(SEV_INFO, true), "·");
	assert_string_equal(explain_symbol(SEV_CLIENT, true), "→");
	assert_string_equal(explain_symbol(SEV_ERROR, false), "x");
	/* dialogue, data and result lines are drawn elsewhere */
	ok.type = EV_DIALOGUE;
	assert_null(explain_event(&ok, &sev));
}

static void
test_verdict_sent(void **state)
{
	char *acc[] = { "a@example.org", "b@example.org" };
	struct tls_info ti = { .version = "TLSv1.3", .verified = true };
	struct result r = { .sent = true, .encrypted = true, .accepted = acc,
	    .naccepted = 2, .tls = &ti };
	enum sev sev;
	char *s;

	(void)state;
	s = explain_verdict(&r, false, FOR_COMPOSER, &sev);
	assert_string_equal(s, "Sent to 2 recipients over TLS 1.3 (verified)");
	assert_int_equal(sev, SEV_OK);
	free(s);
	r.naccepted = 1;
	r.encrypted = false;
	r.tls = NULL;
	s = explain_verdict(&r, false, FOR_COMPOSER, &sev);
	assert_string_equal(s, "Sent to 1 recipient WITHOUT encryption");
	free(s);
}

static void
test_verdict_failures(void **state)
{
	struct result r = { .sent = false, .reason = "cert_verify",
	    .message = "certificate for other.example does not match localhost" };
	char *ref[] = { "eve@example.org" };
	enum sev sev;
	char *s;

	(void)state;
	s = explain_verdict(&r, false, FOR_COMPOSER, &sev);
	assert_int_equal(sev, SEV_ERROR);
	assert_non_null(strstr(s, "Not sent: certificate for other.example"));
	assert_non_null(strstr(s, "CA file"));
	assert_non_null(strstr(s, "fingerprint"));
	assert_non_null(strstr(s, "Your text is kept"));
	free(s);
	r.reason = "tls_required";
	r.message = "the server does not offer STARTTLS\x1b[0m";
	s = explain_verdict(&r, false, FOR_COMPOSER, &sev);
	assert_non_null(strstr(s, "does not offer STARTTLS"));
	assert_no_controls(s);
	free(s);
	r.reason = "rcpt_refused";
	r.message = "every recipient was refused";
	r.refused = ref;
	r.nrefused = 1;
	s = explain_verdict(&r, false, FOR_COMPOSER, &sev);
	assert_non_null(strstr(s, "eve@example.org"));
	assert_non_null(strstr(s, "Fix or remove"));
	free(s);
	/* every reason of the JSON contract has advice */
	assert_true(strlen(explain_hint("network", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("timeout", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("tls_handshake", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("auth", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("auth_plaintext_refused", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("size", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("protocol", FOR_COMPOSER)) > 10);
	assert_true(strlen(explain_hint("server_error", FOR_COMPOSER)) > 10);
	/* "cancelled" needs no advice: the fact is said once */
	assert_string_equal(explain_hint("cancelled", FOR_COMPOSER), "");
	/* The command line's advice names options, and keeps no text. */
	r.reason = "cert_verify";
	r.nrefused = 0;
	r.message = "certificate for other.example does not match localhost";
	s = explain_verdict(&r, false, FOR_CLI, &sev);
	assert_non_null(strstr(s, "--ca-file"));
	assert_non_null(strstr(s, "--fingerprint"));
	assert_null(strstr(s, "Your text is kept"));
	free(s);
	assert_non_null(strstr(explain_hint("timeout", FOR_CLI), "--timeout"));
	assert_non_null(strstr(explain_hint("timeout", FOR_COMPOSER),
	    "`timeout` in the profile"));
}

static void
test_progress(void **state)
{
	char *s;
	int w;

	(void)state;
	s = explain_progress(512 * 1024, 1024 * 1024, 0.5, 70, true);
	assert_non_null(strstr(s, " 50%"));
	assert_non_null(strstr(s, "512.0 KiB of 1.0 MiB"));
	assert_non_null(strstr(s, "1.0 MiB/s"));
	w = wide_width(s);
	assert_true(w <= 70);
	free(s);
	s = explain_progress(10, 0, 0, 20, false);	/* no total, narrow */
	assert_true(wide_width(s) <= 40);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_greeting_escaped),
		cmocka_unit_test(test_bidi_escaped),
		cmocka_unit_test(test_rcpt_and_symbols),
		cmocka_unit_test(test_verdict_sent),
		cmocka_unit_test(test_verdict_failures),
		cmocka_unit_test(test_progress),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
