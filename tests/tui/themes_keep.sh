#!/bin/sh
# The theme picker shows its own keys, and keeps a choice: for every
# profile ([missive] theme), or in the current profile, which wins.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"
f=$XDG_CONFIG_HOME/missive/profiles.ini
selected() { tui_screen | sed -n 's/.*▸ \([a-z-]*\).*/\1/p' | tail -n 1; }

tui_start -p work
tui_wait "Ready."
tui_keys F7
tui_wait "Theme:"
for k in "Enter This session" "p Keep in profile" "a Keep for all" "Esc Undo"; do
	tui_bottom 2 | grep -F -q "$k" || { tui_dump; fail "the picker's footer lacks '$k'"; }
done
tui_bottom 2 | grep -F -q "^X Send" && { tui_dump; fail "the composer's keys under the picker"; }
pass "the theme picker's footer shows its own keys"

tui_keys Down
sleep 0.2
first=$(selected)
[ -n "$first" ] && [ "$first" != default ] || { tui_dump; fail "no other theme selected"; }
tui_keys a
tui_wait "kept for every profile"
sed -n '/^\[missive\]/,/^\[/p' "$f" | grep -q "^theme = $first$" ||
    { cat "$f"; fail "[missive] has no theme = $first"; }
"$MISSIVE" profiles --check >/dev/null || fail "profiles.ini no longer checks"
tui_start -p work
tui_wait "Ready."
tui_keys F7
tui_wait "Theme:"
[ "$(selected)" = "$first" ] || { tui_dump; fail "the next start does not use $first"; }
pass "a keeps the theme for every profile ([missive] theme = $first)"

tui_keys Down
sleep 0.2
second=$(selected)
tui_keys p
tui_wait "kept in profile work"
sed -n '/^\[work\]/,/^\[/p' "$f" | grep -q "^theme = $second$" ||
    { cat "$f"; fail "[work] has no theme = $second"; }
tui_start -p work
tui_wait "Ready."
tui_keys F7
tui_wait "Theme:"
[ "$(selected)" = "$second" ] || { tui_dump; fail "the profile's theme does not win"; }
pass "p keeps it in the profile, which wins over [missive]"
