#!/bin/sh
# Weak keys and groups are refused, in words: an RSA key under 2048 bits
# or an EC key under 256 bits in the server's chain (even when pinned;
# --insecure alone takes it, loudly), a finite-field Diffie-Hellman group
# under 2048 bits in TLS 1.2. RSA 2048, EC P-384 and ffdhe2048 are fine.
# The test server runs at OpenSSL's security level 0 where a weak key
# needs it, so that only the client can refuse.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org
LOW="--ciphers DEFAULT:@SECLEVEL=0"

# refused NAME WORDS: the run was refused with cert_verify, said WORDS on
# stderr, and the server got nothing.
refused() {
	expect_exit "$1" 1
	grep -F -q -- "$2" "$WORK/$1.err" || {
		show_missive "$1" >&2
		fail "$1: the refusal does not say '$2'"
	}
	if grep -F -q -- "--pin-pubkey" "$WORK/$1.err"; then
		fail "$1: a pin is offered for a key that is too weak"
	fi
	assert_no_mail
}

for v in 1.2 1.3; do
	start_server --cert "$PKI/rsa1024.pem" --key "$PKI/rsa1024.key" --tls-max $v $LOW
	run_missive rsa1024_$v send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
	refused rsa1024_$v "the server's certificate has a 1024-bit RSA key; missive requires at least 2048 bits"
done
start_server --cert "$PKI/rsa1024.pem" --key "$PKI/rsa1024.key" $LOW
run_missive rsa1024_json send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
check_json rsa1024_json
expect_reason rsa1024_json cert_verify
assert_eq "$(ev rsa1024_json tls 'e["chain"][0]["key"]')" RSA-1024 "tls.chain[0].key"
assert_eq "$(ev rsa1024_json tls 'e["verified"]')" false "tls.verified"
assert_no_mail
pass "an RSA-1024 leaf from the trusted CA: refused in TLS 1.2 and 1.3, in words"

# A pin does not make a weak key safe.
start_server --cert "$PKI/rsa1024.pem" --key "$PKI/rsa1024.key" $LOW
run_missive rsa1024_pin send --timeout 5 --fingerprint "$(fingerprint "$PKI/rsa1024.pem")" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
refused rsa1024_pin "1024-bit RSA key"
# --insecure takes it, and says so.
start_server --cert "$PKI/rsa1024.pem" --key "$PKI/rsa1024.key" $LOW
run_missive rsa1024_insecure send --timeout 5 --insecure "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit rsa1024_insecure 0
grep -q 'NOT verified' "$WORK/rsa1024_insecure.err" || fail "--insecure with a weak key: not warned"
assert_msgs 1
pass "RSA-1024: refused even when pinned; --insecure sends, warned"

start_server --cert "$PKI/p224.pem" --key "$PKI/p224.key" --tls-max 1.2 $LOW
run_missive p224 send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
refused p224 "the server's certificate has a 224-bit EC key; missive requires at least 256 bits"
pass "an EC P-224 leaf: refused"

for c in rsa2048:RSA-2048 p384:EC-384 p521:EC-521; do
	key=${c#*:} c=${c%%:*}
	start_server --cert "$PKI/$c.pem" --key "$PKI/$c.key"
	run_missive $c send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit $c 0
	assert_eq "$(ev $c tls 'e["verified"]')" true "$c: tls.verified"
	# P-521's field is 521 bits, not the 528 of its 66 bytes.
	assert_eq "$(ev $c tls 'e["chain"][0]["key"]')" "$key" "$c: tls.chain[0].key"
	assert_msgs 1
done
pass "RSA-2048, EC P-384 and P-521 leaves: verified, sent, their keys named"

# Finite-field DH in TLS 1.2 (TLS 1.3 has only named groups of 2048 bits
# and more): the server offers only DHE-RSA suites.
DHE="--cert $PKI/rsa2048.pem --key $PKI/rsa2048.key --tls-max 1.2"
start_server $DHE --ciphers 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' --dh-params "$PKI/dh1024.pem"
run_missive dh1024 send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit dh1024 1
check_json dh1024
expect_reason dh1024 tls_handshake
grep -F -q "Diffie-Hellman group smaller than 2048 bits" "$WORK/dh1024.out" ||
    { show_missive dh1024 >&2; fail "dh1024: the refusal does not name the group"; }
assert_no_mail
start_server $DHE --ciphers 'DHE-RSA-AES128-GCM-SHA256' --dh-params "$PKI/dh2048.pem"
run_missive dh2048 send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit dh2048 0
assert_eq "$(ev dh2048 tls 'e["cipher"]')" DHE-RSA-AES128-GCM-SHA256 "dh2048: cipher"
assert_eq "$(ev dh2048 tls 'e["version"]')" TLSv1.2 "dh2048: version"
assert_msgs 1
pass "TLS 1.2 DHE: a 1024-bit group is refused (tls_handshake, in words), ffdhe2048 is used"
