#!/bin/sh
# The receipt of the last send on F9: before any send it says there is
# none; after one it shows what the server saw (address, TLS, certificate,
# Message-ID, each recipient's answer, the queue id) and that it is kept
# in receipts.jsonl; the footer offers it when there is room, the help
# lists it; after a send that was not accepted it says it is the one
# before.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
P=$SERVER_PORT
profile test "127.0.0.1:$P" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"

TUI_W=100 TUI_H=40
tui_start -p test -s "receipt" bob@example.org carol@example.org
tui_wait "Ready."
tui_has "F9 Receipt" && { tui_dump; fail "the footer offers a receipt before any send"; }
tui_keys F9
tui_wait "No message was sent from this composer yet"
tui_keys F9
tui_wait "Ready."
pass "F9 before a send: no receipt yet; F9 again goes back"

tui_type "the body"
tui_keys C-x
tui_wait "Sent to 2 recipients over TLS 1.3 (verified)" 10
tui_wait "F9 Receipt"
pass "after a send the footer offers F9 Receipt"

tui_keys F9
tui_wait "Receipt of the last message sent"
mid=$(sed -n 's/^Message-ID: *//p' "$RECORD/msg-1.eml" | tr -d '\r')
for want in "127.0.0.1:$P (127.0.0.1)" "TLS 1.3" "certificate verified" \
    "Message-ID     $mid" "Queue id       1" "Reply          250 2.0.0 Ok: queued as 1" \
    "bob@example.org 250 2.1.5 Recipient <bob@example.org> ok" \
    "carol@example.org 250 2.1.5 Recipient <carol@example.org> ok" \
    "Profile        test" "receipts.jsonl"; do
	tui_has "$want" || { tui_dump; fail "the receipt lacks '$want'"; }
done
assert_eq "$(json_get "$RECEIPTS_FILE" 'd["via"] + " " + d["message_id"]')" "composer $mid" "receipts.jsonl"
tui_keys Escape
tui_wait "F9 Receipt"
pass "F9: the receipt shows what the server saw, as receipts.jsonl keeps it (via composer)"

tui_keys C-g
tui_wait "missive — keys"
tui_has "The receipt of the last message sent" || { tui_dump; fail "the help does not list F9"; }
tui_keys Escape
pass "the help lists F9"

restart_server "$P" --scenario refuse-rcpt
tui_keys C-x
tui_wait "This message was already sent. Send it again?"
tui_keys y
tui_wait "Not sent:" 10
tui_keys F9
tui_wait "The last send was not accepted, so it has no receipt"
tui_has "Queue id       1" || { tui_dump; fail "the receipt before it is not shown"; }
assert_eq "$(wc -l <"$RECEIPTS_FILE" | tr -d ' ')" 1 "receipts after a refused send"
pass "after a send that was not accepted: no new receipt, F9 says it shows the one before"
