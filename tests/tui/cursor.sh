#!/bin/sh
# The terminal's cursor is where the next character goes, in every header
# field and the body, at every width: sighted users keep their place, and
# screen readers and braille displays follow the real cursor.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"

cursor() { tmux_ display-message -t tui -p '#{cursor_x} #{cursor_y}'; }
# row_of LABEL: the screen row (0-based) of the field with this label
row_of() { tui_screen | grep -n "^.$1:" | head -n 1 | cut -d: -f1 | awk '{print $1 - 1}'; }
# col_of TEXT: the terminal column (0-based) where TEXT starts on the
# screen, counting wide characters as two
col_of() {
	tui_screen | "$PYTHON" -c '
import sys, unicodedata
t = sys.argv[1]
for line in sys.stdin:
    i = line.find(t)
    if i >= 0:
        print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i]))
        break' "$1"
}
# expect_cursor X Y WHAT
expect_cursor() {
	_i=0
	while [ "$(cursor)" != "$1 $2" ] && [ $_i -lt 40 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ "$(cursor)" = "$1 $2" ] || { tui_dump; fail "$3: cursor at $(cursor), expected $1 $2"; }
}

tui_start -p work
tui_wait "Ready."
# The cursor starts in To (Server and From come from the profile).
tui_type "bob@example.org"
tui_wait "bob@example.org"
y=$(row_of To)
x0=$(col_of "bob@example.org")
expect_cursor $((x0 + 15)) "$y" "after typing in To"
tui_keys Left Left Left
expect_cursor $((x0 + 12)) "$y" "three to the left in To"
tui_keys Home
expect_cursor "$x0" "$y" "Home in To"
pass "To: the cursor follows typing and motion"

tui_keys Tab
expect_cursor "$x0" "$(row_of Cc)" "empty Cc"
tui_keys Tab Tab
tui_type "Grüße 東京"
tui_wait "Grüße 東京"
# Eight characters, ten columns: the wide ones take two each.
expect_cursor $((x0 + 10)) "$(row_of Subject)" "after wide characters in Subject"
tui_keys BTab BTab BTab BTab BTab
tui_wait "▸Server:"
tui_keys End
expect_cursor $((x0 + 14)) "$(row_of Server)" "end of Server"
pass "every field: Cc, Subject with wide characters, Server"

# A field longer than the screen scrolls, and the cursor stays on it.
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -rf "$(drafts_dir)"
TUI_W=40
tui_start -p work
tui_wait "Ready."
long="averyveryverylongaddress@averyveryverylongdomain.example.org"
tui_type "$long"
tui_wait "example.org"
set -- $(cursor)
[ "$1" -lt 40 ] || { tui_dump; fail "cursor past the right edge: $1"; }
[ "$2" = "$(row_of To)" ] || { tui_dump; fail "cursor not on To's row"; }
# The character left of the cursor is the last one typed.
left=$(tui_screen | sed -n "$(($2 + 1))p" | "$PYTHON" -c 'import sys; print(sys.stdin.read()[int(sys.argv[1]) - 1])' "$1")
[ "$left" = g ] || { tui_dump; fail "the cursor is not after the last character (found '$left')"; }
pass "at 40 columns a long field scrolls and the cursor stays after the last character"

# The body, after a wrapped row.
tui_keys Tab Tab Tab Tab Tab
tui_type "one two three four five six seven eight nine ten"
tui_wait "nine"
set -- $(cursor)
body_y=$(tui_screen | grep -n "Message" | head -n 1 | cut -d: -f1)
[ "$2" -ge "$body_y" ] || { tui_dump; fail "cursor above the body"; }
row=$(tui_screen | sed -n "$(($2 + 1))p" | sed 's/ *$//')
[ "$(printf '%s' "$row" | wc -m)" = "$1" ] ||
    { tui_dump; fail "cursor not at the end of the body's last row ($1, row '$row')"; }
pass "in the body the cursor is after the last character of a wrapped row"
