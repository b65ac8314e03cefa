#!/bin/sh
# The composer and the outbox: a send that fails for a temporary reason
# (the server is down) offers "put in the outbox"; y puts it there, removes
# the draft and shows the count in the title bar; n keeps the message in
# the composer. The composer sends what is due in the background (missive
# outbox flush --due) and says so; the message arrives once, with one
# receipt via outbox naming its outbox ID.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
port=$SERVER_PORT
stop_server
profile test "127.0.0.1:$port" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" timeout=5
OUTBOX=$XDG_DATA_HOME/missive/outbox
TUI_ENV="MISSIVE_OUTBOX_CHECK=1"

tui_start -p test -s "offline" bob@example.net
tui_wait "Ready."
tui_type "written on the train"
tui_keys C-x
tui_wait "Put it in the outbox, to be sent when it can?" 15
tui_has "cannot connect" || { tui_dump; fail "the reason is not shown"; }
tui_keys n
tui_wait "Not sent; the message is still here."
tui_has "written on the train" || { tui_dump; fail "n lost the text"; }
[ -z "$(ls "$OUTBOX" 2>/dev/null)" ] || fail "n put something in the outbox"
pass "a temporary failure offers the outbox; n keeps the message in the composer"

tui_keys C-x
tui_wait "Put it in the outbox, to be sent when it can?" 15
tui_keys y
tui_wait "Put in the outbox as" 5
id=$(tui_screen | sed -n 's/.*Put in the outbox as \([a-z0-9]\{8\}\).*/\1/p' | head -n 1)
[ -n "$id" ] || { tui_dump; fail "no outbox ID on the screen"; }
tui_wait "outbox 1" 5
[ -f "$OUTBOX/$id.env" ] || fail "no entry $id in the outbox"
n=$(ls "$(drafts_dir)" 2>/dev/null | grep -c '\.txt$')
assert_eq "$n" 0 "drafts once the message is in the outbox"
"$MISSIVE" outbox --json >"$WORK/list.json" || fail "outbox --json"
assert_eq "$(json_get "$WORK/list.json" 'd["state"]+" "+d["via"]+" "+d["subject"]')" \
    "queued composer offline" "the entry"
pass "y: in the outbox ($id), the draft removed, 'outbox 1' in the title"

# A due entry (-odq: due at once) is sent by the composer's background
# flush, and with it the other one once it is due: here, flushed by hand.
start_server --port "$port"
printf 'From: ann@example.org\nTo: carl@example.net\nSubject: due\nMessage-ID: <due@example.org>\n\nx\n' >"$WORK/due.txt"
run_missive_in due "$WORK/due.txt" sendmail -odq -t
expect_exit due 0
tui_wait "outbox 2" 5
tui_wait "The outbox sent 1 waiting message." 15
tui_wait "outbox 1" 5
assert_msgs 1
assert_file_contains "$RECORD/msg-1.eml" "Message-ID: <due@example.org>"
run_missive flush outbox flush
expect_exit flush 0
assert_msgs 2
assert_file_contains "$RECORD/msg-2.eml" "written on the train"
_i=0
while tui_screen | grep -q "outbox 1" && [ $_i -lt 100 ]; do
	sleep 0.05
	_i=$((_i + 1))
done
tui_screen | grep -q "outbox 1" && { tui_dump; fail "the title still counts a sent message"; }
n=$(grep -c "\"outbox_id\": *\"$id\"" "$RECEIPTS_FILE")
assert_eq "$n" 1 "receipts naming $id"
pass "the composer's background flush sends a due entry and says so; the count follows the outbox; one receipt with the ID"

# A send the user cancels (^C) is not offered to the outbox.
stop_server
start_server --delay 1.5
profile slow "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" timeout=5
tui_start -p slow -s "cancelled" bob@example.net
tui_wait "Ready."
tui_type "stopped by hand"
tui_keys C-x
tui_wait "Sending to 1 recipient" 10
tui_keys C-c
tui_wait "Not sent: cancelled." 10
tui_wait "^C Quit" 5
tui_screen | grep -q "Put it in the outbox" && { tui_dump; fail "a cancelled send was offered to the outbox"; }
pass "a send cancelled with ^C keeps the message in the composer, no outbox question"
