#!/bin/sh
# missive send, certificates: expired, self-signed, untrusted issuer and
# wrong name each stop the send (cert_verify) in every TLS mode; --insecure
# sends anyway and says so; --fingerprint accepts exactly the pinned leaf.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

for cert in expired selfsigned untrusted otherhost; do
	for mode in starttls opportunistic; do
		start_server --cert "$PKI/$cert.pem" --key "$PKI/$cert.key"
		run_missive ${cert}_$mode send --json --timeout 5 $CA --tls $mode \
		    "127.0.0.1:$SERVER_PORT" $FROM $TO
		expect_exit ${cert}_$mode 1
		check_json ${cert}_$mode
		expect_reason ${cert}_$mode cert_verify
		assert_eq "$(ev ${cert}_$mode tls 'e["verified"]')" false "$cert: tls.verified"
		[ "$(ev ${cert}_$mode tls 'e["verify_error"] is not None')" = true ] ||
		    fail "$cert: no verify_error"
		assert_no_mail
	done
	start_server --cert "$PKI/$cert.pem" --key "$PKI/$cert.key"
	run_missive ${cert}_insecure send --json --timeout 5 $CA --insecure \
	    "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit ${cert}_insecure 0
	check_json ${cert}_insecure
	assert_eq "$(result ${cert}_insecure 'r["encrypted"]')" true "$cert --insecure: encrypted"
	assert_msgs 1
	pass "$cert certificate: cert_verify in starttls and opportunistic mode, nothing sent; --insecure sends"
done

# Implicit TLS checks the certificate too.
start_server --implicit-tls --cert "$PKI/expired.pem" --key "$PKI/expired.key"
run_missive expired_implicit send --json --timeout 5 $CA --tls implicit \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit expired_implicit 1
expect_reason expired_implicit cert_verify
assert_no_mail
pass "implicit TLS with an expired certificate: cert_verify"

# Without --ca-file the system store does not know the test CA.
start_server
run_missive nostore send --json --timeout 5 "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit nostore 1
expect_reason nostore cert_verify
assert_no_mail
pass "test CA unknown to the system store: cert_verify"

# --insecure: sent, warned, recorded in the result.
start_server --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
run_missive insecure send --json --timeout 5 --insecure "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit insecure 0
check_json insecure
assert_eq "$(result insecure 'r["encrypted"]')" true "insecure: encrypted"
assert_eq "$(ev insecure tls 'e["verified"]')" false "insecure: tls.verified"
assert_msgs 1
run_missive insecure_text send --timeout 5 --insecure "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit insecure_text 0
grep -qi 'insecure\|not verified\|NOT VERIFIED' "$WORK/insecure_text.err" ||
    fail "--insecure not warned on stderr: $(cat "$WORK/insecure_text.err")"
pass "--insecure: sent over TLS, warned, verified=false"

# --fingerprint of the self-signed leaf: sent; with colons or without.
fp=$(fingerprint "$PKI/selfsigned.pem")
fp_plain=$(echo "$fp" | tr -d : | tr 'A-F' 'a-f')
for pin in "$fp" "$fp_plain"; do
	start_server --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
	run_missive pin send --json --timeout 5 --fingerprint "$pin" "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit pin 0
	check_json pin
	assert_eq "$(ev pin tls 'e["fingerprint_sha256"]')" "$fp" "tls.fingerprint_sha256"
	assert_msgs 1
done
pass "--fingerprint of the self-signed leaf (with and without colons): sent"

# Refused without a pin, the message tells how to pin exactly this leaf.
start_server --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
run_missive hint send --timeout 5 "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit hint 1
grep -F -q -- "--fingerprint $fp" "$WORK/hint.err" ||
    { cat "$WORK/hint.err" >&2; fail "no --fingerprint hint naming the leaf"; }
assert_no_mail
pass "a refused certificate: the hint names --ca-file and the leaf's --fingerprint"

# A fingerprint of another certificate: refused even though the CA would
# have verified the chain.
start_server
run_missive wrongpin send --json --timeout 5 $CA --fingerprint "$fp" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit wrongpin 1
expect_reason wrongpin cert_verify
assert_no_mail
pass "--fingerprint mismatch: cert_verify, nothing sent"
