#!/bin/sh
# The desktop entry (data/missive.desktop) is valid for desktop-file-validate,
# registers missive for mailto: links, and its Exec line, run the way a
# desktop runs it for a clicked link (%u replaced by the URL; tmux stands in
# for x-terminal-emulator), opens the composer with the link's recipient
# and subject filled in.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

DESKTOP=$TESTS_SRCDIR/../data/missive.desktop
[ -f "$DESKTOP" ] || fail "no $DESKTOP"
command -v desktop-file-validate >/dev/null 2>&1 ||
    skip "desktop-file-validate is not installed (apt-get install desktop-file-utils; tools/deps does)"
desktop-file-validate "$DESKTOP" >"$WORK/validate.out" 2>&1 ||
    { cat "$WORK/validate.out" >&2; fail "desktop-file-validate refuses $DESKTOP"; }
[ -s "$WORK/validate.out" ] && { cat "$WORK/validate.out" >&2; fail "desktop-file-validate has remarks"; }
pass "desktop-file-validate accepts the desktop entry, without a remark"

key() {	# KEY: the value of KEY in the [Desktop Entry] group
	sed -n "/^\[Desktop Entry\]/,/^\[/s/^$1=//p" "$DESKTOP"
}
assert_eq "$(key Type)" Application "Type"
assert_eq "$(key Terminal)" false "Terminal (the Exec line opens the terminal)"
case ";$(key MimeType)" in
*";x-scheme-handler/mailto;"*) ;;
*) fail "MimeType '$(key MimeType)' lacks x-scheme-handler/mailto" ;;
esac
exec_line=$(key Exec)
assert_eq "$exec_line" "x-terminal-emulator -e missive %u" "Exec"
pass "a mailto: handler: Type, Terminal=false, MimeType, Exec"

# What the terminal runs: the words after -e, %u replaced by the link.
URL='mailto:carol@example.org?subject=Minutes%20of%20Monday'
set -- ${exec_line#x-terminal-emulator -e }
[ "$1" = missive ] || fail "the Exec line runs '$1', not missive"
shift
args=
for a in "$@"; do
	[ "$a" = %u ] && a=$URL
	args="$args $a"
done
# shellcheck disable=SC2086 # one word each, no blanks in them
tui_start $args
tui_wait "carol@example.org"
tui_wait "Minutes of Monday"
tui_text | grep -E -q '^ *To: +carol@example\.org' || { tui_dump; fail "the link's recipient is not in To:"; }
tui_text | grep -E -q '^ *Subject: +Minutes of Monday' || { tui_dump; fail "the link's subject is not in Subject:"; }
pass "the Exec line with a clicked mailto: link opens the composer with To and Subject filled in"
