#!/bin/sh
# missive send against misbehaving servers: HELO-only and byte-by-byte
# servers still work; malformed, over-long, endless and garbage replies end
# the session quickly with a protocol error (valid JSON, no raw escape
# bytes on stderr); 421 greeting, a connection lost during the data, a
# missing final reply and a silent server end with the right reasons.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

# HELO only: EHLO refused, HELO used, sent (no STARTTLS possible: opportunistic).
start_server --scenario helo-only
run_missive helo send --json --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit helo 0
check_json helo
has_event helo helo || fail "no helo event"
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["esmtp"]')" false "message over HELO"
pass "EHLO refused: helo event, sent"

# Replies one byte at a time, through STARTTLS.
start_server --scenario dribble
run_missive dribble send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit dribble 0
check_json dribble
assert_msgs 1
pass "dribbled replies: sent"

# Broken replies: protocol error within a few seconds.
for s in multiline-mismatch long-line endless garbage; do
	start_server --scenario "$s"
	run_missive "$s" send --json --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit "$s" 1
	check_json "$s"
	expect_reason "$s" protocol
	[ "$MMS" -lt 6000 ] || fail "$s: took $MMS ms"
	assert_no_mail
	pass "$s: protocol error in $MMS ms, nothing sent"
done

# Garbage again, in text mode and with -v: no raw ESC, NUL or BEL reaches stderr.
start_server --scenario garbage
run_missive garbage_text send -v --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit garbage_text 1
assert_no_byte "$WORK/garbage_text.err" 033
assert_no_byte "$WORK/garbage_text.err" 007
LC_ALL=C tr -d '\n' <"$WORK/garbage_text.err" | od -An -c | grep -q '\\0' &&
    fail "NUL byte on stderr"
assert_no_byte "$WORK/garbage.out" 033
assert_no_byte "$WORK/garbage.err" 033
"$PYTHON" -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$WORK/garbage_text.err" ||
    fail "stderr is not valid UTF-8 after a garbage greeting"
# The greeting was shown, escaped.
grep -q 'RED' "$WORK/garbage_text.err" || fail "greeting text not shown at all: $(cat "$WORK/garbage_text.err")"
pass "garbage: no raw control bytes on stderr, valid UTF-8, greeting shown escaped"

# Greeting 421.
start_server --scenario greeting-421
run_missive g421 send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit g421 1
check_json g421
expect_reason g421 server_error
assert_eq "$(ev g421 greeting 'e["code"]')" 421 "greeting code"
assert_no_mail
pass "greeting 421: server_error"

# Connection closed during the message data (BDAT and DATA).
for caps in "" "--caps pipelining,size,8bitmime,enhancedstatuscodes,starttls"; do
	start_server --scenario close-mid-data $caps
	run_missive middata send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit middata 1
	check_json middata
	assert_eq "$(result middata 'r["sent"]')" false "sent"
	assert_msgs 0
done
pass "connection lost during BDAT and DATA: exit 1 (reason $(result middata 'r["reason"]'))"

# No reply to the final dot: timeout after --timeout.
start_server --scenario no-final-reply
run_missive nofinal send --json --timeout 2 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit nofinal 1
check_json nofinal
expect_reason nofinal timeout
[ "$MMS" -ge 1800 ] && [ "$MMS" -lt 3000 ] || fail "no-final-reply: $MMS ms for --timeout 2 (must end within a second of it)"
pass "no final reply: timeout after ${MMS} ms"

# No greeting at all.
start_server --scenario no-greeting
run_missive nogreet send --json --timeout 2 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit nogreet 1
check_json nogreet
expect_reason nogreet timeout
[ "$MMS" -lt 3000 ] || fail "no-greeting: $MMS ms for --timeout 2 (must end within a second of it)"
assert_no_mail
pass "no greeting: timeout after ${MMS} ms"

# Nothing listening: network error, quickly.
port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_missive refused send --json --timeout 5 $CA "127.0.0.1:$port" $FROM $TO
expect_exit refused 1
check_json refused
expect_reason refused network
pass "connection refused: network"

# STARTTLS answered and then silence during the handshake: timeout, no hang.
start_server --scenario starttls-hang
run_missive hang send --json --timeout 2 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit hang 1
check_json hang
[ "$MMS" -lt 5000 ] || fail "handshake hang: $MMS ms for --timeout 2"
assert_no_mail
pass "silent TLS handshake: exit 1 in ${MMS} ms (reason $(result hang 'r["reason"]'))"
