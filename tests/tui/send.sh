#!/bin/sh
# Sending from the composer to the test server: the status pane shows the
# steps and the verdict, the server has the exact message, the draft is
# removed only after the server accepted it, the recipients go into the
# address history, and the UI stays usable during a slow send.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
tui_start -p test -s "Grüße from the composer" "Bob <bob@example.org>" \
    carol@example.org
tui_wait "Ready."
tui_type "Hello Bob, ünïcode body 日本."
tui_wait "draft saved" 5
draft=$(the_draft)
tui_keys C-x
tui_wait "Sent to 2 recipients over TLS 1.3 (verified)" 10
s=$(tui_screen)
echo "$s" | grep -F -q "✓" || fail "no ✓ symbol"
echo "$s" | grep -F -q "100%" || fail "no progress bar at 100%"
echo "$s" | grep -F -q "sent ✓" || fail "title does not say sent"
pass "verdict line after ^X"

# Every step of the send is in the status pane: page back through it.
: >"$WORK/status.txt"
i=0
while [ $i -lt 25 ]; do
	tui_text >>"$WORK/status.txt"
	tui_keys M-Up
	sleep 0.05
	i=$((i + 1))
done
for step in "Connected to 127.0.0.1 port $SERVER_PORT" "Server greets: 220" \
    "EHLO; server offers:" "STARTTLS" "TLS 1.3 established" "EHLO over TLS; server offers:" \
    "Recipient bob@example.org accepted" "Recipient carol@example.org accepted" \
    "Server accepted the message: 250"; do
	grep -F -q -e "$step" "$WORK/status.txt" ||
	    { cat "$WORK/status.txt" >&2; fail "status pane lacks the step '$step'"; }
done
tui_keys M-End
pass "the status pane shows every step: connect, greeting, EHLO, STARTTLS, TLS, EHLO, each RCPT, the reply"
assert_msgs 1
eml=$RECORD/msg-1.eml
assert_file_contains "$eml" "Hello Bob, "
assert_file_contains "$eml" "Subject: =?UTF-8?"
assert_file_contains "$eml" "To: Bob <bob@example.org>, carol@example.org"
assert_file_contains "$eml" "From: Ann <ann@example.org>"
"$PYTHON" - "$eml" <<'EOF' || fail "the received message is not what was typed"
import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
want = {"Subject": "Grüße from the composer", "From": "Ann <ann@example.org>",
        "To": "Bob <bob@example.org>, carol@example.org"}
for k, v in want.items():
    if str(m[k]) != v:
        sys.exit("%s: %r, typed %r" % (k, str(m[k]), v))
body = m.get_body(("plain",)).get_content()
if body.rstrip("\n") != "Hello Bob, ünïcode body 日本.":
    sys.exit("body: %r" % body)
EOF
pass "the server has the message exactly as typed"
[ -f "$draft" ] && fail "the draft survived a successful send"
assert_file_contains "$XDG_STATE_HOME/missive/history" "Bob <bob@example.org>"
assert_file_contains "$XDG_STATE_HOME/missive/history" "carol@example.org"
pass "draft removed after the send; recipients in the history"

# ^X again asks before sending the same message twice.
tui_keys C-x
tui_wait "already sent. Send it again?"
tui_keys n
tui_wait "Not sent; the message is still here."
assert_msgs 1

# The dialogue view shows the SMTP lines.
tui_keys F6
tui_wait "C: MAIL FROM:<ann@example.org>"
tui_has "S: 250" || { tui_dump; fail "no server lines in the dialogue"; }
tui_keys Escape
tui_wait "^X Send"
pass "no resend without asking; the dialogue view"

# A slow server: the message being sent is read-only (typing does not
# change it, and says why), the TLS screen and ^C work during the send.
stop_server
start_server --delay 1.5
profile slow "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
tui_start -p slow -s "slow" bob@example.org
tui_wait "Ready."
tui_type "kept"
tui_keys C-x
tui_wait "Sending to 1 recipient"
tui_type " while sending"
tui_wait "read-only while it is being sent"
tui_has "kept while sending" && { tui_dump; fail "typing changed the message being sent"; }
tui_keys BTab BTab BTab BTab BTab BTab BTab
tui_wait "▸Server:"
tui_type "x"
tui_keys C-u
sleep 0.3
tui_has "Server:  127.0.0.1:$SERVER_PORT" || { tui_dump; fail "the Server field changed during the send"; }
tui_wait "^C Cancel"
tui_keys C-t
tui_wait "TLS diagnostics"
tui_keys Escape
tui_wait "^C Cancel"
tui_keys C-c
tui_wait "Not sent:" 10
tui_has "Not sent: cancelled. Your text is kept." || { tui_dump; fail "no cancel verdict"; }
tui_wait "^C Quit"
tui_keys Down Down Down Down Down Down Down C-End
tui_type " after"
tui_wait "kept after"
pass "during a send the message is read-only (and says so); the TLS screen and ^C work; editing returns after"
