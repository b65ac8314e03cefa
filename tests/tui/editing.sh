#!/bin/sh
# Typing UTF-8 and wide characters into the fields and the body, soft wrap
# by columns, readline keys, undo, and resizing to tiny sizes and back
# without losing a character.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"
tui_start -p work
tui_wait "Ready."
# The cursor starts in To (Server and From come from the profile).
tui_type "Zoë Ünïcode <zoe@example.org>"
tui_keys Tab Tab Tab
tui_type "Grüße aus 東京 ☃"
tui_keys Tab Tab
tui_type "日本語のテキストは二桁の幅を持つので、この行は八十桁の画面で折り返されるはずです。そして次の行へ続きます。"
tui_keys Enter
tui_type "Ünïcödé line two"
tui_wait "Ünïcödé line two"
s=$(tui_screen)
echo "$s" | grep -F -q "To:      Zoë Ünïcode <zoe@example.org>" || { tui_dump; fail "To field"; }
echo "$s" | grep -F -q "Subject: Grüße aus 東京 ☃" || { tui_dump; fail "Subject field"; }
# 40 wide characters fill one 80-column row; the rest wraps.
row1=$(echo "$s" | grep -F "日本語のテキスト")
[ "$(printf '%s' "$row1" | wc -L)" -le 80 ] || fail "a body row is wider than 80 columns"
echo "$s" | grep -F -q "そして次の行へ続きます。" || { tui_dump; fail "wrapped body row"; }
pass "UTF-8 and wide text in fields and body, wrapped by columns"

# Readline keys in a field: ^W cuts a word, ^Y puts it back, ^U clears
# to the line start, ^Z undoes.
tui_keys BTab BTab
tui_wait "▸Subject:"
tui_keys End C-w
tui_wait_gone "東京 ☃"
tui_has "Subject: Grüße aus 東京" || { tui_dump; fail "^W cut more than a word"; }
tui_keys C-y
tui_wait "Subject: Grüße aus 東京 ☃"
tui_keys C-u
tui_wait_gone "Grüße"
tui_keys C-z
tui_wait "Subject: Grüße aus 東京 ☃"
pass "^W ^Y ^U ^Z in a field"

for size in "20 6" "5 2" "1 1" "12 4" "45 12"; do
	set -- $size
	tmux_ resize-window -t tui -x "$1" -y "$2" || fail "resize $size"
	sleep 0.15
	kill -0 "$(tui_pid)" 2>/dev/null || fail "missive died at size $size"
done
tmux_ resize-window -t tui -x 80 -y 24
tui_wait "TLS starttls"		# redrawn at full width
tui_wait "Subject: Grüße aus 東京 ☃"
tui_wait "Ünïcödé line two"
tui_has "To:      Zoë Ünïcode <zoe@example.org>" || { tui_dump; fail "To lost"; }
tui_has "そして次の行へ続きます。" || { tui_dump; fail "body lost"; }
pass "resizing to 1x1 and back keeps every character"

# A large paste arrives in one piece and is drawn once (bracketed paste).
tui_keys Tab Tab C-End
i=0
: >"$WORK/paste.txt"
while [ $i -lt 400 ]; do
	echo "pasted line $i with	a tab and some words to make it longer" >>"$WORK/paste.txt"
	i=$((i + 1))
done
tmux_ load-buffer -b big "$WORK/paste.txt"
t0=$(date +%s%N)
tmux_ paste-buffer -p -b big -t tui
tui_wait "pasted line 399 with" 10
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 3000 ] || fail "the paste took $(( (t1 - t0) / 1000000 )) ms"
tui_has "pasted line 399 with    a tab" || { tui_dump; fail "tab in the pasted text"; }
tui_keys PPage PPage
tui_wait "pasted line 3"
pass "a 400-line paste lands in the body quickly, tabs kept"

# ^K at the start of a line cuts the whole line (no empty line is left),
# ^K ^K cuts two, and ^Y puts both back (nano and emacs).
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -rf "$(drafts_dir)"
tui_start -p work -s "Cut lines" bob@example.org
tui_wait "Ready."
tui_type "first line"
tui_keys Enter
tui_type "second line"
tui_keys Enter
tui_type "third line"
tui_keys Enter
tui_type "fourth line"
tui_wait "fourth line"
tui_keys C-Home Down
tui_keys C-k C-k
tui_wait_gone "second line"
tui_has "third line" && { tui_dump; fail "^K ^K did not cut two lines"; }
s=$(tui_screen | sed -n '/── Message/,/── Status/p')
echo "$s" | grep -A1 "first line" | tail -n 1 | grep -q "fourth line" ||
    { tui_dump; fail "an empty line was left where the lines were cut"; }
tui_keys C-End Enter C-y
tui_wait "third line"
s=$(tui_screen | sed -n '/── Message/,/── Status/p')
echo "$s" | grep -A2 "fourth line" | tr '\n' '|' | grep -q "second line *|third line" ||
    { tui_dump; fail "^Y did not put both lines back in order"; }
pass "^K at column 0 cuts whole lines, consecutive ^K add up, ^Y pastes them all"

# Growing the window (wider: fewer wrapped rows) keeps the text above the
# cursor in view; it used to leave the cursor's row at the top with all
# the text above it hidden.
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -rf "$(drafts_dir)"
TUI_W=30 TUI_H=24
tui_start -p work -s "Wider" bob@example.org
tui_wait "Ready."
i=1
while [ $i -le 40 ]; do
	tui_type "para $i with words to wrap at thirty"
	tui_keys Enter
	i=$((i + 1))
done
tui_wait "para 40 with"
# The cursor down to the middle of the text: the body scrolls with it,
# so the cursor is on its bottom row, the rest of the text below.
tui_keys C-Home
i=0
while [ $i -lt 40 ]; do tui_keys Down; i=$((i + 1)); done
sleep 0.3
tmux_ resize-window -t tui -x 120 -y 24
sleep 0.5
tui_wait "para"
s=$(tui_screen | sed -n '/── Message/,/── Status/p')
cy=$(tmux_ display-message -t tui -p '#{cursor_y}')
body_y=$(tui_screen | grep -n "── Message" | head -n 1 | cut -d: -f1)
# (body_y, the rule's 1-based line, is the body's first row counted from 0)
[ "$cy" -gt "$body_y" ] || { tui_dump; fail "after widening, the cursor's row is the body's first: the text above it is hidden"; }
n=$(echo "$s" | grep -c "^para ")
[ "$n" -ge 5 ] || { tui_dump; fail "after widening only $n paragraphs show"; }
pass "widening the window keeps the text above the cursor in view"
