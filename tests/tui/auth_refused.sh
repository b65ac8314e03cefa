#!/bin/sh
# A refused login in the composer is said once, with a hint that fits
# where the password came from: typed at the prompt (no password_cmd in
# the profile), from the profile's password_cmd, or the profile's
# password. Not "Login refused", "auth:" and "Not sent:" for one fact.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

TUI_W=120
TUI_H=40
start_server --auth-user ann --auth-pass right --require-auth
profile typed "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" user=ann
profile cmd "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" user=ann "password_cmd=echo wrong"

# refused_once NAME: the screen says the refusal once: the server's 535
# in one verdict, no "Login refused" line, no raw "auth:" line.
refused_once() {
	tui_screen >"$WORK/screen.$1"
	for t in 535 "Not sent:"; do
		n=$(grep -c -F -e "$t" "$WORK/screen.$1")
		[ "$n" -eq 1 ] || { cat "$WORK/screen.$1"; fail "$1: '$t' is on $n lines"; }
	done
	grep -q -e "Login refused" -e "auth:" "$WORK/screen.$1" &&
	    { cat "$WORK/screen.$1"; fail "$1: the refusal said again"; }
	return 0
}

tui_start -p typed -s "Typed" bob@example.org
tui_wait "Ready."
tui_type "body"
tui_keys C-x
tui_wait "Password for ann"
tui_type "wrong-guess"
tui_keys Enter
tui_wait "The server refused the password for ann" 10
tui_keys Escape
tui_wait "Not sent:" 5
assert_msgs 0
tui_has "password typed was refused" || { tui_dump; fail "no hint for a typed password"; }
tui_has "password command" && { tui_dump; fail "a typed password blamed on a password command"; }
refused_once typed
pass "a typed password refused: said once, the hint is about what was typed"

tui_start -p cmd -s "Command" bob@example.org
tui_wait "Ready."
tui_type "body"
tui_keys C-x
tui_wait "Not sent:" 10
assert_msgs 0
tui_has "password_cmd" || { tui_dump; fail "no hint naming the profile's password_cmd"; }
tui_has "the password typed" && { tui_dump; fail "a password command's password called typed"; }
refused_once cmd
pass "a password command's password refused: said once, the hint names password_cmd"
