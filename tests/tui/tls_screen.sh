#!/bin/sh
# The TLS diagnostics screen: before anything is known it offers a probe;
# p probes the server of the Server field without sending mail; the screen
# then shows the policy, version, cipher, the certificate's names, days
# left and SHA-256 fingerprint, and the capabilities before and after TLS.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
fp=$(fingerprint "$PKI/localhost.pem")
first=$(echo "$fp" | cut -c1-47)
last=$(echo "$fp" | cut -c49-)

tui_start -p test
tui_wait "Ready."
tui_keys F3
tui_wait "TLS diagnostics"
tui_wait "press p to probe"
tui_keys p
tui_wait "Version        TLS 1.3" 10
s=$(tui_screen)
for want in "Policy         starttls" "encrypted, certificate verified" \
    "Cipher" "the chain and the host name check passed" \
    "CN=localhost" "days left)" "SHA-256        $first" "$last"; do
	echo "$s" | grep -F -q -e "$want" || { tui_dump; fail "TLS screen lacks '$want'"; }
done
pass "p probes; version, verification and the SHA-256 fingerprint are shown"
tui_keys End
tui_wait "Capabilities over TLS"
tui_has "Capabilities before STARTTLS" || { tui_dump; fail "no plain caps"; }
tui_has "STARTTLS" || fail "caps"
pass "capabilities before and after STARTTLS"
tui_keys Escape
tui_wait "Probe done: the server can be reached over TLS 1.3 (verified)"
assert_no_mail
pass "the probe sent no mail"
