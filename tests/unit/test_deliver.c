/* The one rule of what is queued (app/deliver.c's deliver_class) for
 * every reason word of the JSON contract, and the sendmail exit status
 * each gives when it is not queued. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/deliver.h"

static struct result
res(const char *reason, const char *stage, int code)
{
	struct result r;

	memset(&r, 0, sizeof r);
	r.reason = reason;
	r.stage = stage;
	r.code = code;
	return r;
}

static void
expect(const char *reason, const char *stage, int code, enum deliver_class c,
    int status)
{
	struct result r = res(reason, stage, code);

	if (deliver_class(&r) != c)
		fail_msg("%s at %s (%d): %s, expected %s", reason, stage, code,
		    deliver_class_name(deliver_class(&r)), deliver_class_name(c));
	if (deliver_sysexit(&r) != status)
		fail_msg("%s at %s (%d): exit %d, expected %d", reason, stage, code,
		    deliver_sysexit(&r), status);
}

static void
test_every_reason(void **state)
{
	(void)state;
	/* Temporary: cannot connect, no answer in time, a TLS handshake
	 * that timed out (reason timeout, stage tls), 4xx. */
	expect("network", "connect", 0, DC_TEMP, 75);
	expect("network", "greeting", 0, DC_TEMP, 75);
	expect("timeout", "connect", 0, DC_TEMP, 75);
	expect("timeout", "tls", 0, DC_TEMP, 75);
	expect("timeout", "data", 0, DC_TEMP, 75);
	expect("server_error", "greeting", 421, DC_TEMP, 75);
	expect("server_error", "mail", 451, DC_TEMP, 75);
	expect("server_error", "data_end", 451, DC_TEMP, 75);
	expect("size", "mail", 452, DC_TEMP, 75);
	expect("auth", "auth", 454, DC_TEMP, 75);
	expect("cancelled", "data", 0, DC_TEMP, 75);
	expect("local", "data", 0, DC_TEMP, 75);
	/* Never queued: the user's to fix. */
	expect("server_error", "mail", 550, DC_PERM, 69);
	expect("server_error", "data_end", 554, DC_PERM, 69);
	expect("size", "mail", 552, DC_PERM, 69);
	expect("size", "mail", 0, DC_PERM, 69);	/* our own SIZE check */
	expect("cert_verify", "tls", 0, DC_PERM, 69);
	expect("tls_required", "ehlo", 0, DC_PERM, 69);
	expect("tls_handshake", "tls", 0, DC_PERM, 69);
	expect("tls_downgrade", "ehlo", 0, DC_PERM, 69);
	expect("protocol", "ehlo", 0, DC_PERM, 69);
	expect("auth", "auth", 535, DC_PERM, 77);
	expect("auth", "auth", 0, DC_PERM, 77);	/* password_cmd failed */
	expect("auth_plaintext_refused", "auth", 0, DC_PERM, 78);
	expect("usage", "usage", 0, DC_CONFIG, 78);
	expect("something_new", "mail", 0, DC_PERM, 69);
	/* Complete on the wire, then no answer that says no: maybe sent. */
	expect("timeout", "data_end", 0, DC_UNCERTAIN, 75);
	expect("network", "data_end", 0, DC_UNCERTAIN, 75);
	expect("cancelled", "data_end", 0, DC_UNCERTAIN, 75);
	expect("protocol", "data_end", 0, DC_UNCERTAIN, 75);
	expect("rcpt_refused", "data_end", 550, DC_PERM, 69);
}

static void
test_recipients(void **state)
{
	struct result r = res("rcpt_refused", "rcpt", 451);
	char *refused[] = { "a@b", "c@d" };

	(void)state;
	r.refused = refused;
	r.nrefused = 2;
	r.nrefused_temp = 2;
	assert_int_equal(deliver_class(&r), DC_TEMP);
	/* One refused for good: waiting does not mend it. */
	r.nrefused_temp = 1;
	assert_int_equal(deliver_class(&r), DC_PERM);
	assert_int_equal(deliver_sysexit(&r), 69);
	r.nrefused = 0;
	r.nrefused_temp = 0;
	assert_int_equal(deliver_class(&r), DC_PERM);
}

static void
test_sent(void **state)
{
	struct result r = res(NULL, NULL, 0);

	(void)state;
	r.sent = true;
	assert_int_equal(deliver_class(&r), DC_SENT);
	assert_int_equal(deliver_sysexit(&r), 0);
	assert_string_equal(deliver_class_name(DC_UNCERTAIN), "uncertain");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_reason),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_sent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
