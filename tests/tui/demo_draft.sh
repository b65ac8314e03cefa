#!/bin/sh
# A draft written in the demo does not keep the demo sink's port (each
# run has a new one): restored in the next demo, it goes to that run's
# sink and is delivered.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

tui_start --demo
tui_wait "Demo: mail goes to a local sink" 15
port1=$(tui_screen | sed -n 's/^ Server: *127\.0\.0\.1:\([0-9]*\).*/\1/p')
[ -n "$port1" ] || { tui_dump; fail "no demo server in the Server field"; }
tui_type "Written in the first demo."
tui_wait "draft saved" 5
draft=$(the_draft)
assert_file_not_contains "$draft" "Server:"
assert_file_not_contains "$draft" ":$port1"
assert_file_contains "$draft" "Written in the first demo."
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
pass "the demo's draft has no Server line"

tui_start --demo
tui_wait "Kept from earlier: Enter opens one" 15
tui_keys Enter
tui_wait "Written in the first demo."
port2=$(tui_screen | sed -n 's/^ Server: *127\.0\.0\.1:\([0-9]*\).*/\1/p')
[ -n "$port2" ] && [ "$port2" != "$port1" ] ||
    { tui_dump; fail "restored Server is :$port2, the first run's was :$port1"; }
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
grep -r -l "Written in the first demo." "$WORK/missive-demo-$(id -u)/Maildir" >/dev/null ||
    fail "the restored draft did not reach the sink"
pass "restored in the next demo, it goes to this run's sink"
