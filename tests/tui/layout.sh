#!/bin/sh
# The compose screen at 80x24 and 200x60: title with the TLS policy, every
# header field, the body, the status pane and the key help line; the help
# screen lists the keys.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"
tui_start -p work -s "Layout check" bob@example.org
tui_wait "Ready."
s=$(tui_screen)
echo "$s" >"$WORK/screen-80x24.txt"
for want in "missive" "work" "127.0.0.1:2525" "TLS" "starttls" \
    "Server:" "From:" "To:" "Cc:" "Bcc:" "Subject:" "Attach:" \
    "Ann <ann@example.org>" "bob@example.org" "Layout check" \
    "Message" "Status" "^X Send" "^C Quit" "^G Help" "^T TLS" "^P Profiles"; do
	echo "$s" | grep -F -q -e "$want" || { tui_dump; fail "80x24: no '$want'"; }
done
pass "80x24 shows title, fields, body, status and help line"
# Every line fits: 24 lines of at most 80 columns.
[ "$(echo "$s" | wc -l)" -eq 24 ] || fail "80x24: not 24 lines"
[ "$(echo "$s" | wc -L)" -le 80 ] ||
    fail "80x24: a line is wider than 80 columns"
# The title is the first line, the key help the last two.
echo "$s" | sed -n 1p | grep -q "missive" || fail "title is not on line 1"
echo "$s" | sed -n 24p | grep -F -q "^" || fail "help line is not at the bottom"
# With To and Subject given, the cursor starts in the body.
cy=$(tmux_ display-message -t tui -p '#{cursor_y}')
body_y=$(echo "$s" | grep -n "Message" | head -n 1 | cut -d: -f1)
[ "$cy" -eq "$body_y" ] || fail "cursor on row $cy, expected the body's first row $body_y"
pass "cursor starts in the body when To and Subject are given"

tui_keys C-g
tui_wait "missive — keys"
help=$(tui_screen)
tui_keys PgDn
tui_wait_gone "missive — keys"
help="$help
$(tui_screen)"
# Pages are screen rows: wrapped lines take more than one.
tui_keys PgDn
sleep 0.3
help="$help
$(tui_screen)"
for want in "^X  F10" "^C  F12" "^S  F2" "^T  F3" "^_  F4" "^P  F5" "^O  F6" \
    "F7" "^Z  M-u" "S-Tab" "^K" "^W" "^Y" "M-b M-f"; do
	echo "$help" | grep -F -q -e "$want" || { echo "$help"; fail "help lacks '$want'"; }
done
tui_keys Escape
tui_wait "^X Send"
pass "help screen lists the keys"

TUI_W=200 TUI_H=60
tui_start -p work
tui_wait "Ready."
s=$(tui_screen)
[ "$(echo "$s" | wc -l)" -eq 60 ] || fail "200x60: not 60 lines"
echo "$s" | sed -n 1p | grep -q "TLS starttls" || fail "200x60: title"
# A roomy status pane: more than 8 rows between its rule and the help.
st=$(echo "$s" | grep -n "── Status" | cut -d: -f1)
[ $((60 - 2 - st)) -ge 8 ] || fail "200x60: status pane only $((60 - 2 - st)) rows"
echo "$s" | grep -F -q "Ready. ^X sends, ^G lists every key, ^C quits; your text is saved as a draft as you type." ||
    fail "200x60: the status line should fit on one row"
pass "200x60 layout"

# The profile picker's key help (six keys, ^N among them): whole at 80x24
# on two rows; narrower, a short cell lends its room to a long one and a
# label cut short ends in "…", never runs into the next key.
TUI_W=80 TUI_H=24
tui_start -p work
tui_wait "Ready."
tui_keys C-p
tui_wait "^N New profile"
s=$(tui_screen)
echo "$s" | sed -n 23p | grep -E -q '^Enter Use profile +Esc Back +\^S Save as profile$' ||
    { tui_dump; fail "80x24: picker help row 1"; }
echo "$s" | sed -n 24p | grep -E -q '^\^N New profile +Up/Dn Move +type Filter$' ||
    { tui_dump; fail "80x24: picker help row 2"; }
footer() {	# ROWS COLS: the last ROWS rows once redrawn COLS wide
	tmux_ resize-window -t tui -x "$2" -y "$TUI_H"
	_i=0	# the old rows, clipped by tmux, do not end in the last label
	until tui_screen | tail -n 1 | grep -q 'Filter$' || [ $_i -ge 100 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	tui_screen | tail -n "$1"
}
# 60 columns: every label still whole (an even split cut "Use profile").
f=$(footer 2 60)
echo "$f" | grep -F -q "Enter Use profile" && echo "$f" | grep -F -q "^S Save as profile" &&
    echo "$f" | grep -F -q "^N New profile" || { echo "$f"; fail "60x24: a label cut"; }
# 40 columns: cut labels end in an ellipsis; each key follows a blank.
f=$(footer 2 40)
echo "$f" | grep -E -q '^Enter Use pr[a-z]*… Esc Back +\^S Save as pr[a-z]*…$' ||
    { echo "$f"; fail "40x24: picker help row 1"; }
echo "$f" | grep -E -q '^\^N New profi?l?e?…? Up/Dn Move +type Filter$' ||
    { echo "$f"; fail "40x24: picker help row 2"; }
[ "$(echo "$f" | wc -L)" -le 40 ] || fail "40x24: help wider than 40 columns"
pass "profile picker help: whole at 80x24 and 60 wide, cut with … at 40"
