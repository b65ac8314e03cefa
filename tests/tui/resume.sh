#!/bin/sh
# A second send from the composer to the same server resumes the first
# one's TLS session (the server records a resumed handshake), and the
# TLS screen says so with the rule for "verified": the server sent no
# certificate, the chain shown is the one checked when the session was
# made, with the same settings. A probe always does a full handshake (it
# is there to see the certificate), and a send with other settings (a
# pinned fingerprint) is not resumed either.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

# resumed N: whether the server's connection N resumed a session.
resumed() {
	"$PYTHON" - "$RECORD/conn-$1.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if e["ev"] == "tls":
        print("yes" if e["resumed"] else "no")
EOF
}

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
fp=$(fingerprint "$PKI/localhost.pem")
profile pinned "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" "fingerprint=$fp"
tui_start -p test -s "twice" bob@example.org
tui_wait "Ready."
tui_type "The first message."
tui_keys C-x
tui_wait "queued as 1" 10
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
tui_type " And the second."
tui_keys C-x
tui_wait "queued as 2" 10
record_wait
assert_msgs 2
assert_eq "$(resumed 1)" no "the first send's handshake resumed"
assert_eq "$(resumed 2)" yes "the second send's handshake resumed"
pass "the second send to the server resumed the first one's TLS session"

tui_keys C-t
tui_wait "TLS diagnostics"
tui_wait "the server sent no certificate" 5
s=$(tui_text)
for want in "Resumed        yes" "session made at" "was checked then, with the same settings" \
    "Verification   the chain and the host name check passed" "CN=localhost"; do
	echo "$s" | grep -F -q -e "$want" || { tui_dump; fail "TLS screen lacks '$want'"; }
done
pass "the TLS screen says the session was resumed, and whose certificate check it carries"

# p probes: a full handshake, shown as not resumed.
tui_keys p
tui_wait "Resumed        no" 10
assert_eq "$(resumed 3)" no "the probe's handshake resumed"
pass "a probe is never resumed"
tui_keys Escape

# Other settings (a pinned fingerprint): not the session made without it.
tui_keys C-p
tui_wait "pinned"
tui_type "pinned"
tui_keys Enter
tui_wait "Server:  127.0.0.1:$SERVER_PORT"
tui_keys C-x
tui_wait "already sent. Send it again?"
tui_keys y
tui_wait "queued as 3" 10
record_wait
assert_eq "$(resumed 4)" no "the send with a pin resumed a session made without"
pass "a send under other settings (a pin) makes a full handshake"
tui_keys C-c
