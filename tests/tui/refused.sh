#!/bin/sh
# Refused recipients in the composer: the verdict names them and says
# what to do (fix them, or for a 4xx try again later) without pointing at
# a command-line option; when some were accepted it offers to send to
# those only, and doing so delivers to them alone.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
TUI_H=30
tui_start -p test -s "Refusals" good@example.org refuse-me@example.org
tui_wait "Ready."
tui_type "To two, one of them refused."
tui_keys C-x
tui_wait "Not sent:" 10
tui_wait "Fix or remove the refused addresses"
tui_has "partial" && { tui_dump; fail "the composer points at --partial"; }
tui_wait "Send to the 1 accepted recipient only?"
assert_msgs 0
tui_keys y
tui_wait "Sent to 1 of 2 recipients" 10
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["rcpt_to"]')" '["good@example.org"]' "envelope"
pass "a partial refusal: words without --partial, then a choice that sends to the accepted one only"

tui_start -p test -s "Later" tempfail@example.org
tui_wait "Ready."
tui_type "The server says not now."
tui_keys C-x
tui_wait "Not sent:" 10
tui_wait "try again later"
tui_has "Fix or remove" && { tui_dump; fail "a 4xx refusal is told to fix the address"; }
pass "a 4xx refusal says try again later"
