#!/bin/sh
# The server memory in the composer: after a verified session, the server
# restarted without STARTTLS, answering 454 to it, or breaking the
# handshake (with fallback_plaintext in the profile too): nothing is sent,
# the status pane says why (when TLS was last seen, `missive servers
# forget`), and a question whose default is no offers to send this one
# message without TLS; yes sends it in plain text, the server stays
# remembered; the composer's probe (^T p) is refused as well.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
P=$SERVER_PORT
profile test "127.0.0.1:$P" tls=opportunistic "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
profile fb "127.0.0.1:$P" tls=opportunistic fallback_plaintext=yes \
    "ca_file=$PKI/ca.pem" "from=Ann <ann@example.org>"

tui_start -p test -s "memo" bob@example.org
tui_wait "Ready."
tui_type "first, over TLS"
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
assert_msgs 1
line=$(grep "^127\.0\.0\.1:$P starttls verified " "$SERVERS_FILE") ||
    fail "the composer's verified session was not remembered"
SEEN=$(echo "$line" | cut -d' ' -f5)
pass "a verified send from the composer remembers the server"

# again: the message was sent; say yes, then wait for the downgrade question.
again() {
	tui_keys C-x
	tui_wait "This message was already sent. Send it again?"
	tui_keys y
	tui_wait "stays remembered. [y/N]" 10
}

restart_server "$P" --scenario no-starttls
again
tui_has "127.0.0.1:$P does not offer STARTTLS now" || { tui_dump; fail "no explanation in the status pane"; }
tui_has "last saw it ($SEEN)" || { tui_dump; fail "the status pane does not say when TLS was last seen"; }
tui_has "\`missive servers forget 127.0.0.1:$P\`" || { tui_dump; fail "no missive servers forget"; }
tui_has "Send this one message WITHOUT encryption" || { tui_dump; fail "no question"; }
tui_keys Enter
tui_wait "Not sent; the message is still here."
assert_no_mail
pass "STARTTLS stripped: explained in the status pane; Enter (the default, no) sends nothing"

restart_server "$P" --scenario starttls-454
again
tui_has "127.0.0.1:$P refused STARTTLS (454" || { tui_dump; fail "454 not explained"; }
tui_keys n
tui_wait "Not sent; the message is still here."
restart_server "$P" --scenario starttls-no-tls
again
tui_has "the TLS handshake with 127.0.0.1:$P failed" || { tui_dump; fail "the broken handshake not explained"; }
tui_keys Escape
tui_wait "Not sent; the message is still here."
assert_no_mail
tui_keys C-t
tui_wait "TLS diagnostics"
tui_keys p
tui_wait "Probe failed" 10
tui_has "(tls_downgrade)" || { tui_dump; fail "the probe's failure is not tls_downgrade"; }
tui_keys Escape
pass "STARTTLS refused (454), a broken handshake: refused and explained; n and Esc send nothing; the probe is refused too"

# With fallback_plaintext, a broken handshake is refused all the same; yes
# sends this one message without TLS.
c0=$(record_conns)
tui_start -p fb -s "memo two" carol@example.org
tui_wait "Ready."
tui_type "second"
tui_keys C-x
tui_wait "stays remembered. [y/N]" 10
tui_has "there is no fallback to plain text" || { tui_dump; fail "fell back?"; }
assert_no_mail
tui_keys y
tui_wait "Sent to 1 recipient WITHOUT encryption" 10
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["tls"]')" false "sent without TLS"
assert_eq "$(record_conns)" $((c0 + 2)) "connections: the refused one, the one without TLS"
grep -q "^127\.0\.0\.1:$P starttls verified $(echo "$line" | cut -d' ' -f4) " "$SERVERS_FILE" ||
    fail "sending without TLS once changed the memory: $(cat "$SERVERS_FILE")"
pass "fallback_plaintext does not override the memory; yes sends this one message without TLS, the server stays remembered"

# The next ^X asks again: the choice was for one message.
tui_keys C-x
tui_wait "This message was already sent. Send it again?"
tui_keys y
tui_wait "stays remembered. [y/N]" 10
tui_keys n
tui_wait "Not sent; the message is still here."
assert_msgs 1
pass "the choice is for one message: the next send asks again"
