#!/bin/sh
# A certificate missive refuses ends the handshake with the TLS alert that
# names the failure, not with a bare TCP close after a completed handshake
# (which servers log as "non-properly terminated"): the test server's
# record shows the handshake failing on the client's alert, and no
# completed handshake. TLS 1.2 and 1.3, STARTTLS and implicit TLS.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

# alert NAME ALERT: the server saw no completed handshake and a handshake
# error caused by the client's ALERT (OpenSSL's name for it).
alert() {
	record_wait
	[ -z "$(record_events tls)" ] ||
	    fail "$1: the handshake completed before the refusal: $(record_events tls)"
	_e=$(record_events tls_error)
	case $_e in
	*"ALERT_$2"*) ;;
	*) fail "$1: expected the alert $2, the server saw: ${_e:-nothing}" ;;
	esac
}

for v in 1.2 1.3; do
	for pair in expired:CERTIFICATE_EXPIRED untrusted:UNKNOWN_CA \
	    otherhost:BAD_CERTIFICATE selfsigned:BAD_CERTIFICATE; do
		cert=${pair%%:*}
		start_server --cert "$PKI/$cert.pem" --key "$PKI/$cert.key" --tls-max $v
		run_missive ${cert}_$v send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
		expect_exit ${cert}_$v 1
		alert ${cert}_$v "${pair#*:}"
		assert_no_mail
	done
	pass "TLS $v: expired, untrusted, wrong name, self-signed: the handshake ends with the alert that names it"
done

start_server --implicit-tls --cert "$PKI/otherhost.pem" --key "$PKI/otherhost.key"
run_missive implicit send --timeout 5 $CA --tls implicit "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit implicit 1
alert implicit BAD_CERTIFICATE
pass "implicit TLS: the same"

# A pin that does not match, and a weak key, are refusals too.
start_server
run_missive wrongpin send --timeout 5 $CA --fingerprint "$(fingerprint "$PKI/otherhost.pem")" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit wrongpin 1
alert wrongpin BAD_CERTIFICATE
start_server --cert "$PKI/rsa1024.pem" --key "$PKI/rsa1024.key" --ciphers DEFAULT:@SECLEVEL=0
run_missive weak send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit weak 1
alert weak BAD_CERTIFICATE
pass "a pin mismatch and a weak key: bad_certificate"

# An accepted certificate completes the handshake, and the session ends
# with QUIT as before.
start_server
run_missive good send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit good 0
record_wait
[ -n "$(record_events tls)" ] || fail "good: no completed handshake"
[ -z "$(record_events tls_error)" ] || fail "good: $(record_events tls_error)"
assert_msgs 1
pass "a good certificate: handshake completed, sent"
