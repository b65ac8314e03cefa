#!/bin/sh
# Two programs: missive runs the commands without a screen and is linked
# to no terminal library; every other command line is the composer's,
# missive-compose, which missive becomes in the same process (named
# missive, as ps and pgrep show it). A missive without its composer still
# runs the commands, and the composer's command lines name what is
# missing.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

COMPOSER=$(cd "$(dirname "$MISSIVE")" && pwd)/missive-compose
[ -x "$COMPOSER" ] || fail "no composer beside $MISSIVE"
if command -v ldd >/dev/null 2>&1; then
	ldd "$MISSIVE" >"$WORK/ldd-missive" 2>&1
	ldd "$COMPOSER" >"$WORK/ldd-compose" 2>&1
	assert_file_not_contains "$WORK/ldd-missive" libncurses
	assert_file_not_contains "$WORK/ldd-missive" libtinfo
	assert_file_contains "$WORK/ldd-compose" libncursesw
	pass "missive is not linked to ncurses; missive-compose is"
fi

# The composer's command lines reach it through missive.
run_missive help --help
expect_exit help 0
assert_file_contains "$WORK/help.out" "Usage: missive [-p PROFILE]"
run_missive themes --list-themes
expect_exit themes 0
assert_file_contains "$WORK/themes.out" "high-contrast"
run_missive bad --no-such-option
expect_exit bad 2
assert_file_contains "$WORK/bad.err" "Try \`missive --help'"
pass "--help, --list-themes and a bad option: the composer answers, through missive"

# On a screen: the process is the composer's, and named missive.
profile work 127.0.0.1:2525 from="Ann <ann@example.org>"
tui_start -p work
tui_wait "Ready."
pid=$(tui_pid)
[ -n "$pid" ] || fail "pgrep -x missive finds no missive in the pane"
assert_eq "$(readlink "/proc/$pid/exe")" "$COMPOSER" "the program of the process"
assert_eq "$(cat "/proc/$pid/comm")" missive "the process name"
pass "missive on a screen is missive-compose, in a process named missive"

# A missive without its composer.
mkdir -p "$WORK/solo"
cp "$MISSIVE" "$WORK/solo/missive"
ALL_MISSIVE=$MISSIVE
MISSIVE=$WORK/solo/missive
run_missive solo-servers servers --json
expect_exit solo-servers 0
run_missive solo --help
MISSIVE=$ALL_MISSIVE
missing=$(sed -n 's/^missive: cannot start the composer \(.*\): .*/\1/p' "$WORK/solo.err")
if [ -z "$missing" ] && [ "$MRC" = 0 ]; then
	note "an installed composer answered the lone missive: not checked"
else
	expect_exit solo 1
	case $missing in
	*/libexec/missive/missive-compose) ;;
	*) fail "the missing composer named as '$missing': $(cat "$WORK/solo.err")" ;;
	esac
	assert_file_contains "$WORK/solo.err" "No such file or directory"
	pass "without its composer: the commands work; the composer's lines name $missing"
fi
