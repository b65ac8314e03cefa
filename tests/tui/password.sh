#!/bin/sh
# A real account: the profile has a user and no password or command, so
# the composer asks for the password when the send needs it, shows dots,
# keeps it for the session only (a second send does not ask), asks again
# after a 535, and writes it nowhere: not the draft, the history, the
# status pane, the screen, a saved profile.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

PASS_WORD='Tr0ub4dor&3 xyzzy'
start_server --auth-user ann --auth-pass "$PASS_WORD" --require-auth
profile acct "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" user=ann
tui_start -p acct -s "Logged in" bob@example.org
tui_wait "Ready."
tui_type "Sent with a typed password."
tui_wait "draft saved" 5
draft=$(the_draft)
tui_keys C-x
tui_wait "Password for ann"
tui_type "wrong-guess"
tui_has "wrong-guess" && { tui_dump; fail "the password shows on the screen"; }
tui_bottom 3 | grep -q "•••••" || { tui_dump; fail "no dots for the typed password"; }
tui_keys Enter
tui_wait "The server refused the password for ann" 10
assert_msgs 0
tui_type "$PASS_WORD"
tui_keys Enter
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
assert_msgs 1
pass "asked when the send needs it, dots on the screen, asked again after a 535"

# The same session: no question.
tui_keys BTab BTab
tui_wait "▸Subject:"
tui_keys C-u
tui_type "Second"
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
tui_has "Password for ann" && { tui_dump; fail "asked again in the same session"; }
assert_msgs 2
pass "kept for the session: the second send does not ask"

# Saving the profile keeps the user, never the password.
tui_keys F5
tui_wait "Filter:"
tui_keys C-s
tui_wait "as profile:"
tui_type "saved"
tui_keys Enter
tui_wait "Profile saved saved"
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
f=$XDG_CONFIG_HOME/missive/profiles.ini
sed -n '/^\[saved\]/,/^\[/p' "$f" | grep -q "^user = ann$" || { cat "$f"; fail "the saved profile lost the user"; }
grep -r -l -F -e "$PASS_WORD" "$HOME" "$WORK"/tui*.err 2>/dev/null | grep -v '/record' &&
    fail "the password was written to a file"
grep -F -q -e "$PASS_WORD" "$draft" 2>/dev/null && fail "the password is in the draft"
pass "the password is in no file: draft, history, profiles, stderr"
