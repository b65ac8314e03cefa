#!/bin/sh
# README's first command ends in `make -C build demo` (tools/bootstrap
# demo): the composer opens on the demo sink straight from the build, with
# no MISSIVE_DATADIR and nothing installed, and a message typed there is
# sent over verified TLS.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

top=$(cd "$TESTS_BUILDDIR/.." && pwd)
[ -f "$top/Makefile" ] || skip "no Makefile in $top (not an automake build)"
MISSIVE=$WORK/make-demo
cat >"$MISSIVE" <<EOS
#!/bin/sh
# What the user's shell has: no test data folder, no make of ours around.
unset MISSIVE_DATADIR MAKEFLAGS MFLAGS MAKELEVEL
exec make -s -C '$top' demo
EOS
chmod +x "$MISSIVE"

tui_start
tui_wait "Demo: mail goes to a local sink" 30 || { tui_dump; fail "make demo: no demo"; }
tui_keys Down Down Down Down Down Down Down
tui_type "Hello from the README's demo command."
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 20 || { tui_dump; fail "make demo: not sent"; }
tui_keys C-c
tui_wait "MISSIVE-EXIT=0" 10 || { tui_keys y; tui_wait "MISSIVE-EXIT=0" 10 || { tui_dump; fail "make demo: did not end"; }; }
pass "make demo (tools/bootstrap demo) opens the composer on the demo sink from the build and sends"
