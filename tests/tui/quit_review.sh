#!/bin/sh
# Small promises of the composer: ^C quits at once when there is nothing
# to lose; Enter in Subject goes to the body; an empty body is asked
# about before sending, as an empty subject is; a terminal that cannot
# show the composer (TERM=dumb) is refused with words, not a blank screen.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"

tui_start -p test
tui_wait "Ready."
tui_keys C-c
[ "$(tui_exit_status)" = 0 ] || { tui_dump; fail "exit status after ^C on an empty message"; }
tui_has "Quit missive?" && { tui_dump; fail "asked before quitting with nothing to lose"; }
pass "^C quits at once when nothing was typed"

tui_start -p test -s "No body" bob@example.org
tui_wait "Ready."
tui_keys BTab BTab
tui_wait "▸Subject:"
tui_keys Enter
tui_wait_gone "▸Subject:"
tui_has "▸Attach:" && { tui_dump; fail "Enter in Subject went to Attach"; }
body_y=$(tui_screen | grep -n "── Message" | head -n 1 | cut -d: -f1)
[ "$(tmux_ display-message -t tui -p '#{cursor_y}')" = "$body_y" ] ||
    { tui_dump; fail "the cursor is not in the body after Enter in Subject"; }
pass "Enter in Subject goes to the body"

tui_keys C-x
tui_wait "Send without any text in the body?"
tui_keys n
tui_wait "Not sent; the message is still here."
assert_no_mail
tui_keys C-x
tui_wait "Send without any text in the body?"
tui_keys y
tui_wait "Sent to 1 recipient" 10
assert_msgs 1
pass "an empty body is asked about before sending"

TUI_TERM=dumb
tui_start -p test
[ "$(tui_exit_status)" = 2 ] || { tui_dump; fail "exit status on TERM=dumb"; }
grep -q "TERM=dumb" "$WORK/tui$TUI_RUN.err" || { cat "$WORK/tui$TUI_RUN.err"; fail "no words about TERM=dumb"; }
grep -q "missive send" "$WORK/tui$TUI_RUN.err" || fail "no way out named"
pass "TERM=dumb is refused in words"
