#!/bin/sh
# Public-key pinning: --pin-pubkey (profile key pin_pubkey) accepts the
# server whose public key (SubjectPublicKeyInfo) has this SHA-256, so it
# survives a renewed certificate with the same key, where --fingerprint
# (this very certificate) does not. Hex or curl's sha256//BASE64, several
# separated by commas; one parser for the command line and profiles; a
# refusal prints both pins to copy.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
FROM=a@example.org
TO=b@example.org

# pubkey PEM [base64]: SHA-256 of the certificate's SubjectPublicKeyInfo.
pubkey() {
	if [ "${2:-}" = base64 ]; then
		openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
		    openssl dgst -sha256 -binary | base64
	else
		openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
		    openssl dgst -sha256 -r | cut -d' ' -f1
	fi
}
upper_colons() { echo "$1" | tr a-f A-F | sed 's/../&:/g; s/:$//'; }

# The localhost certificate renewed: same key, new serial and dates.
openssl req -new -key "$PKI/localhost.key" -subj "/O=missive test bed/CN=localhost" \
    -out "$WORK/renewed.csr" 2>/dev/null
printf 'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n' >"$WORK/renewed.ext"
openssl x509 -req -in "$WORK/renewed.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
    -set_serial 4242 -days 30 -sha256 -extfile "$WORK/renewed.ext" \
    -out "$WORK/renewed.pem" 2>/dev/null || fail "cannot make the renewed certificate"
[ "$(pubkey "$WORK/renewed.pem")" = "$(pubkey "$PKI/localhost.pem")" ] ||
    fail "the renewed certificate has another key"
[ "$(fingerprint "$WORK/renewed.pem")" != "$(fingerprint "$PKI/localhost.pem")" ] ||
    fail "the renewed certificate has the same fingerprint"

PK=$(pubkey "$PKI/localhost.pem")
PK64=$(pubkey "$PKI/localhost.pem" base64)
FP=$(fingerprint "$PKI/localhost.pem")

# Without --ca-file the test CA is unknown: only the pin can accept it.
start_server
run_missive hex send --json --timeout 5 --pin-pubkey "$PK" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit hex 0
check_json hex
assert_eq "$(ev hex tls 'e["pinned"]')" true "tls.pinned"
assert_eq "$(ev hex tls 'e["pubkey_sha256"]')" "$(upper_colons "$PK")" "tls.pubkey_sha256"
assert_msgs 1
for pin in "sha256//$PK64" "$(upper_colons "$PK")" \
    "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, $PK"; do
	start_server
	run_missive forms send --timeout 5 --pin-pubkey "$pin" "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit forms 0
	assert_msgs 1
done
pass "--pin-pubkey accepts the server's key: hex, colons, sha256//BASE64, one of a list"

# Renewed: the key pin holds, the certificate pin does not.
start_server --cert "$WORK/renewed.pem" --key "$PKI/localhost.key"
run_missive renewed_pk send --timeout 5 --pin-pubkey "sha256//$PK64" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit renewed_pk 0
assert_msgs 1
start_server --cert "$WORK/renewed.pem" --key "$PKI/localhost.key"
run_missive renewed_fp send --json --timeout 5 --fingerprint "$FP" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit renewed_fp 1
expect_reason renewed_fp cert_verify
grep -F -q "does not match --fingerprint" "$WORK/renewed_fp.out" || fail "renewed_fp: no word of --fingerprint"
assert_no_mail
pass "a renewed certificate with the same key: --pin-pubkey still accepts it, --fingerprint refuses it"

# Both pins given: both must match.
start_server
run_missive both send --timeout 5 --pin-pubkey "$PK" --fingerprint "$(fingerprint "$WORK/renewed.pem")" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit both 1
assert_no_mail
pass "--pin-pubkey and --fingerprint together: both must match"

# Another key: refused, and the message shows what to pin.
start_server --cert "$PKI/otherhost.pem" --key "$PKI/otherhost.key"
run_missive wrong send --timeout 5 --pin-pubkey "$PK" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit wrong 1
OPK=$(upper_colons "$(pubkey "$PKI/otherhost.pem")")
grep -F -q "the server's public key (SHA-256 $OPK) does not match --pin-pubkey" "$WORK/wrong.err" ||
    { show_missive wrong >&2; fail "wrong: the mismatch is not said"; }
grep -F -q -- "--pin-pubkey $OPK" "$WORK/wrong.err" || fail "wrong: no --pin-pubkey to copy"
grep -F -q -- "--fingerprint $(fingerprint "$PKI/otherhost.pem")" "$WORK/wrong.err" ||
    fail "wrong: no --fingerprint to copy"
assert_no_mail
pass "another key: refused; both pins of the server are printed to copy"

# Not a pin: a usage error naming the option and the forms.
run_missive bad send --timeout 5 --pin-pubkey abcd "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit bad 2
grep -F -q "pin-pubkey: \`abcd' is not a public-key pin (the SHA-256 of the server's public key: 64 hex digits" \
    "$WORK/bad.err" || { show_missive bad >&2; fail "bad: unclear usage error"; }
pass "--pin-pubkey abcd: exit 2, the forms are named"

# The profile's pin_pubkey: the same parser.
start_server
mkdir -p "$XDG_CONFIG_HOME/missive"
cat >"$XDG_CONFIG_HOME/missive/profiles.ini" <<EOF
[pinned]
server = 127.0.0.1:$SERVER_PORT
from = $FROM
pin_pubkey = sha256//$PK64
EOF
run_missive profile send --json --timeout 5 -p pinned $TO
expect_exit profile 0
assert_eq "$(ev profile tls 'e["pinned"]')" true "profile: tls.pinned"
assert_msgs 1
printf '[bad]\nserver = x.example\npin_pubkey = abcd\n' >"$XDG_CONFIG_HOME/missive/profiles.ini"
run_missive badprofile profiles --check
expect_exit badprofile 2
grep -F -q "profiles.ini:3: pin_pubkey: \`abcd\` is not a public-key pin" "$WORK/badprofile.out" "$WORK/badprofile.err" ||
    { show_missive badprofile >&2; fail "badprofile: unclear"; }
pass "pin_pubkey in a profile: accepted the same way; a bad one is named by profiles --check"

# probe shows each certificate's key and its pin.
start_server
run_missive probe probe --timeout 5 --ca-file "$PKI/ca.pem" "127.0.0.1:$SERVER_PORT"
expect_exit probe 0
grep -F -q "key:      EC-256, SHA-256 $(upper_colons "$PK")" "$WORK/probe.out" ||
    { show_missive probe >&2; fail "probe: no key line"; }
pass "probe shows the key and its SHA-256"
