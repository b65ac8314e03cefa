#!/bin/sh
# Each send's progress line keeps its own numbers: an old bar in the
# status history never redraws with the current send's bytes.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
head -c 30000 /dev/urandom >"$WORK/thirty.bin"
TUI_H=40
tui_start -p test -s "first" bob@example.org
tui_wait "Ready."
tui_type "A small first message."
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
first=$(tui_screen | grep -o '[0-9.]* bytes of [0-9.]* bytes' | tail -n 1)
[ -n "$first" ] || { tui_dump; fail "no progress line for the first send"; }

# A second, larger message in the same session.
tui_keys BTab BTab
tui_wait "▸Subject:"
tui_keys C-u
tui_type "second"
tui_keys Tab
tui_type "$WORK/thirty.bin"
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
i=0
while [ "$(tui_text | grep -c 'Sent to 1 recipient')" -lt 2 ] && [ $i -lt 40 ]; do
	sleep 0.1
	i=$((i + 1))
done
# Page back through the status history.
: >"$WORK/status.txt"
i=0
while [ $i -lt 30 ]; do
	tui_text >>"$WORK/status.txt"
	tui_keys M-Up
	sleep 0.05
	i=$((i + 1))
done
s=$(cat "$WORK/status.txt")
echo "$s" | grep -F -q "$first" || { tui_dump; fail "the first send's bar changed (was '$first')"; }
echo "$s" | grep -q 'KiB of [0-9.]* KiB' || { tui_dump; fail "no bar for the second send"; }
assert_msgs 2
pass "the first bar keeps '$first' after a larger second send"
