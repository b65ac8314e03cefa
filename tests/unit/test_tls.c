/* The pure rules of net/tls.c: RFC 9525 matching of a host name against
 * a certificate's dNSName (wildcards included), and the one parser of
 * certificate fingerprints and public-key pins. The certificate-level
 * rules (which kind of name a reference is matched against, no CN) are
 * held by tests/integration/send_ident.sh with real certificates. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "net/tls.h"

static bool
match(const char *ref, const char *presented)
{
	return tls_dns_id_match(ref, presented, strlen(presented));
}

static void
test_exact_names(void **state)
{
	(void)state;
	assert_true(match("mail.example.org", "mail.example.org"));
	/* DNS names compare without regard to ASCII case. */
	assert_true(match("Mail.Example.ORG", "mail.example.org"));
	assert_true(match("localhost", "LOCALHOST"));
	/* One trailing dot on either side is the same name. */
	assert_true(match("mail.example.org.", "mail.example.org"));
	assert_true(match("mail.example.org", "mail.example.org."));
	assert_false(match("mail.example.org", "example.org"));
	assert_false(match("example.org", "mail.example.org"));
	assert_false(match("mail.example.org", "mail.example.org.evil"));
	assert_false(match("mail.example.org", ""));
	assert_false(match("", "mail.example.org"));
	/* An address is never a DNS name: that is the iPAddress entry's. */
	assert_false(match("127.0.0.1", "127.0.0.1"));
	assert_false(match("::1", "::1"));
	/* A dNSName is ASCII; a NUL inside one is an attack, not a name. */
	assert_false(tls_dns_id_match("mail.example.org",
	    "mail.example.org\0.evil.test", 27));
	assert_false(match("xn--mnchen-3ya.example", "m\xc3\xbcnchen.example"));
	assert_true(match("xn--mnchen-3ya.example", "XN--MNCHEN-3YA.example"));
}

static void
test_wildcards(void **state)
{
	(void)state;
	/* The whole left-most label, standing for exactly one label. */
	assert_true(match("mx.example.test", "*.example.test"));
	assert_true(match("MX.Example.Test", "*.EXAMPLE.test"));
	assert_true(match("mx.example.test.", "*.example.test"));
	assert_false(match("example.test", "*.example.test"));
	assert_false(match("a.mx.example.test", "*.example.test"));
	assert_false(match(".example.test", "*.example.test"));
	/* Never over a single label or a public-suffix-like name. */
	assert_false(match("localhost", "*"));
	assert_false(match("example.test", "*.test"));
	assert_false(match("com", "*.com"));
	assert_false(match("example.com", "*.com"));
	assert_false(match("example.com", "*."));
	/* Only as the complete left-most label, and only one of them. */
	assert_false(match("mx.example.test", "m*.example.test"));
	assert_false(match("mx.example.test", "*x.example.test"));
	assert_false(match("mx.example.test", "mx.*.test"));
	assert_false(match("mx.example.test", "*.*.test"));
	assert_false(match("a.mx.example.test", "*.*.example.test"));
	assert_false(match("mx.example.test", "**.example.test"));
	assert_false(match("mx.example.test", "*..example.test"));
	/* Not for an address. */
	assert_false(match("192.0.2.1", "*.0.2.1"));
}

static void
test_fingerprints(void **state)
{
	char *s;

	(void)state;
	s = tls_fingerprint_norm("ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
	    "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89");
	assert_string_equal(s, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
	free(s);
	assert_null(tls_fingerprint_norm("abcd"));
	assert_null(tls_fingerprint_norm(""));
}

static void
test_pubkey_pins(void **state)
{
	static const char hex[] = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
	    "89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
	char *s;

	(void)state;
	s = tls_pubkey_pins_norm("abcdef0123456789abcdef0123456789"
	    "abcdef0123456789abcdef0123456789");
	assert_string_equal(s, hex);
	free(s);
	/* curl's form: sha256// and the base64 of the 32 bytes. */
	s = tls_pubkey_pins_norm("sha256//q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=");
	assert_string_equal(s, hex);
	free(s);
	/* Several, for a backup key: any one of them matches. */
	s = tls_pubkey_pins_norm("sha256//q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=, "
	    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_non_null(s);
	assert_int_equal(strncmp(s, hex, strlen(hex)), 0);
	assert_string_equal(s + strlen(hex), ",00:00:00:00:00:00:00:00:00:00:00:"
	    "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00");
	free(s);
	assert_null(tls_pubkey_pins_norm(""));
	assert_null(tls_pubkey_pins_norm(","));
	assert_null(tls_pubkey_pins_norm("abcd"));
	assert_null(tls_pubkey_pins_norm("sha256//AAAA"));	/* 3 bytes */
	assert_null(tls_pubkey_pins_norm("sha256//not base64!"));
	assert_null(tls_pubkey_pins_norm("sha1//q83vASNFZ4mrze8BI0VniavN7wE="));
	assert_null(tls_pubkey_pins_norm("abcdef0123456789abcdef0123456789"
	    "abcdef0123456789abcdef0123456789,"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_names),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_pubkey_pins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
