#!/bin/sh
# missive send, recipients and size: a refused recipient stops the whole
# send unless --partial, which delivers to the accepted ones (exit 3); a
# message over the server's SIZE is not sent.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org

# One refused recipient among good ones: nothing delivered, exit 1.
start_server
run_missive refused send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM \
    good@example.org refuse-me@example.org
expect_exit refused 1
check_json refused
expect_reason refused rcpt_refused
ev refused rcpt 'e["address"] + " " + str(e["code"]) + " " + str(e["accepted"]).lower()' >"$WORK/rcpts"
assert_file_contains "$WORK/rcpts" "good@example.org 250 true"
assert_file_contains "$WORK/rcpts" "refuse-me@example.org 550 false"
assert_eq "$(result refused 'r["refused"]')" '["refuse-me@example.org"]' "result.refused"
assert_eq "$(result refused 'r["sent"]')" false "result.sent"
assert_msgs 0
pass "a refused recipient: exit 1, rcpt events, nothing delivered"

# Every recipient refused by the server.
start_server --scenario refuse-rcpt
run_missive allrefused send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM \
    x@example.org y@example.org
expect_exit allrefused 1
check_json allrefused
expect_reason allrefused rcpt_refused
assert_msgs 0
pass "all recipients refused: exit 1, nothing delivered"

# The words on stderr: --partial only where it would help, and a 4xx is
# "try again later", not "fix the address".
start_server
run_missive some_text send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM \
    good@example.org refuse-me@example.org
assert_file_contains "$WORK/some_text.err" "--partial"
run_missive all_text send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM \
    refuse-one@example.org refuse-two@example.org
assert_file_contains "$WORK/all_text.err" "Fix or remove the refused addresses"
assert_file_not_contains "$WORK/all_text.err" "--partial"
run_missive later_text send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM \
    tempfail@example.org
expect_exit later_text 1
assert_file_contains "$WORK/later_text.err" "try again later"
assert_file_not_contains "$WORK/later_text.err" "Fix or remove"
pass "advice: --partial when it helps, try again later after a 4xx"

# --partial: delivered to the accepted one only, exit 3.
start_server
run_missive partial send --json --timeout 5 $CA --partial "127.0.0.1:$SERVER_PORT" $FROM \
    good@example.org refuse-me@example.org
expect_exit partial 3
check_json partial
assert_eq "$(result partial 'r["sent"]')" true "partial: sent"
assert_eq "$(result partial 'r["accepted"]')" '["good@example.org"]' "partial: accepted"
assert_eq "$(result partial 'r["refused"]')" '["refuse-me@example.org"]' "partial: refused"
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["rcpt_to"]')" '["good@example.org"]' "partial: envelope"
pass "--partial: exit 3, delivered to the accepted recipient only"

# --partial with every recipient refused: nothing to send, exit 1.
start_server --scenario refuse-rcpt
run_missive partialnone send --json --timeout 5 $CA --partial "127.0.0.1:$SERVER_PORT" $FROM \
    x@example.org
expect_exit partialnone 1
check_json partialnone
assert_msgs 0
pass "--partial, all refused: exit 1"

# A temporary refusal (451) counts as refused too.
start_server
run_missive temp send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM \
    good@example.org tempfail@example.org
expect_exit temp 1
check_json temp
assert_msgs 0
pass "451 for a recipient: not sent"

# SIZE: the message is larger than the server takes.
head -c 30000 /dev/zero | tr '\0' 'x' | fold -w 70 >"$WORK/big.txt"
start_server --size-limit 10000
run_missive size send --json --timeout 5 $CA --body "$WORK/big.txt" \
    "127.0.0.1:$SERVER_PORT" $FROM b@example.org
expect_exit size 1
check_json size
expect_reason size size
assert_msgs 0
record_events too_big >"$WORK/toobig"
[ -s "$WORK/toobig" ] && fail "the message data was sent although SIZE forbade it"
pass "message over SIZE: reason size, no message data sent"

# Without SIZE in EHLO the server refuses after the data: still reason size.
start_server --size-limit 10000 --caps pipelining,8bitmime,enhancedstatuscodes,starttls
run_missive size2 send --json --timeout 5 $CA --body "$WORK/big.txt" \
    "127.0.0.1:$SERVER_PORT" $FROM b@example.org
expect_exit size2 1
check_json size2
assert_msgs 0
pass "552 after the data: exit 1, nothing delivered (reason $(result size2 'r["reason"]'))"
