#!/bin/sh
# `missive send` draws a progress bar on stderr while a long message goes
# out, when stderr is a terminal (as curl does), and clears it before the
# verdict; with stderr in a file there is no bar and no carriage return.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

# A slow link: about 8 MB on the wire at 3 MB/s (more than the socket
# buffers of a loopback connection hold), so the bar is on the screen
# for a couple of seconds.
start_server --read-rate 3000000
head -c 6000000 /dev/urandom >"$WORK/big.bin"
set -- send --tls starttls --ca-file "$PKI/ca.pem" --subject "Big" \
    --attach "$WORK/big.bin" "127.0.0.1:$SERVER_PORT" ann@example.org \
    bob@example.org

TUI_W=100
TUI_STDERR=tty
tui_start "$@"
tui_wait "% [" 15
bar=$(tui_screen | grep -F "% [")
echo "$bar" | grep -Eq '^ +[0-9]+% \[#*-*\] [0-9.]+ MiB / [0-9.]+ MiB +[0-9.]+ MiB/s' ||
    { tui_dump; fail "the bar does not show percent, bytes and rate: '$bar'"; }
pct1=$(echo "$bar" | sed 's/^ *\([0-9]*\)%.*/\1/')
# It moves.
i=0
while :; do
	pct2=$(tui_screen | grep -F "% [" | sed 's/^ *\([0-9]*\)%.*/\1/')
	[ -n "$pct2" ] && [ "$pct2" -gt "$pct1" ] && break
	i=$((i + 1))
	[ $i -lt 100 ] || { tui_dump; fail "the bar stayed at $pct1%"; }
	sleep 0.05
done
[ "$(tui_exit_status)" = 0 ] || { tui_dump; fail "send failed"; }
s=$(tui_screen)
echo "$s" | grep -q "Sent to 1 recipient" || { tui_dump; fail "no verdict"; }
echo "$s" | grep -F -q "% [" && { tui_dump; fail "the bar was left on the screen"; }
assert_msgs 1
pass "a progress bar on a terminal moves, then gives way to the verdict"

# Not a terminal: nothing but the verdict (to a server at full speed).
start_server
set -- send --tls starttls --ca-file "$PKI/ca.pem" --subject "Big" \
    --attach "$WORK/big.bin" "127.0.0.1:$SERVER_PORT" ann@example.org \
    bob@example.org
"$MISSIVE" "$@" 2>"$WORK/err.txt" </dev/null || fail "send to a file failed"
grep -q "Sent to 1 recipient" "$WORK/err.txt" || fail "no verdict in the file"
grep -F -q "% [" "$WORK/err.txt" && fail "a bar was written to a file"
assert_no_byte "$WORK/err.txt" 015
pass "stderr in a file: no bar, no carriage return"
