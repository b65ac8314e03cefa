#!/bin/sh
# ^_ and F4 hand the body to $VISUAL (or $EDITOR) and read it back; an
# editor that fails leaves the body alone; address completion with Tab
# from the history and the profiles.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>" \
    "cc=Bob Builder <bob@build.example>"
cat >"$WORK/ed.sh" <<'ED'
#!/bin/sh
# a fake editor: records its argument, appends a line
echo "$1" >"${1%/*}/../editor-arg" 2>/dev/null
printf 'Added by the editor: ünïcode ✓\n' >>"$1"
ED
cat >"$WORK/bad-ed.sh" <<'ED'
#!/bin/sh
printf 'garbage\n' >>"$1"
exit 3
ED
chmod +x "$WORK/ed.sh" "$WORK/bad-ed.sh"

TUI_ENV="VISUAL='$WORK/ed.sh' TMPDIR='$WORK'"
tui_start -p work -s "Editor" carol@example.org
tui_wait "Ready."
tui_type "Typed in missive."
tui_keys C-_
tui_wait "Added by the editor: ünïcode ✓"
tui_has "Typed in missive." || { tui_dump; fail "the original text is gone"; }
tui_wait "Body read back"
[ -z "$(ls "$WORK" | grep missive-body)" ] || fail "the temp file was left behind"
pass "^_ runs \$VISUAL and reads the body back"
tui_keys C-z
tui_wait "Nothing to undo in Body."
tui_has "Added by the editor: ünïcode ✓" || { tui_dump; fail "^Z took back the editor's text"; }
pass "the editor's text starts a fresh undo history"

TUI_ENV="VISUAL= EDITOR='$WORK/bad-ed.sh' TMPDIR='$WORK'"
tui_start -p work -s "Editor" carol@example.org
tui_wait "kept from earlier; ^R lists"
tui_keys C-r
tui_wait "Enter opens a draft in place of the message on screen"
tui_keys Enter
tui_wait "Typed in missive."
tui_keys F4
tui_wait "(status 3)"
tui_has "garbage" && { tui_dump; fail "a failed editor changed the body"; }
pass "F4 uses \$EDITOR; a failing editor changes nothing"

# Completion: from the history and from the profiles.
mkdir -p "$XDG_STATE_HOME/missive"
printf 'Alice Example <alice@example.org>\nbob@old.example\n' \
    >"$XDG_STATE_HOME/missive/history"
TUI_ENV=
tui_start -p work
tui_wait "Kept from earlier: Enter opens one, n starts a new message"
tui_keys n
tui_wait "▸To:"
tui_type "ali"
tui_wait "Tab Complete"
tui_keys Tab
tui_wait "To:      Alice Example <alice@example.org>"
tui_wait "▸To:"	# completing does not leave the field
tui_type ", bo"
tui_keys Tab
# Several fit: a list to pick from, the real cursor on the chosen one.
tui_wait "2 addresses: Enter takes one"
tui_has "▸ bob@old.example" || { tui_dump; fail "history match missing from the list"; }
tui_has "  Bob Builder <bob@build.example>" || { tui_dump; fail "profile match missing from the list"; }
row=$(tmux_ display-message -t tui -p '#{cursor_y}')
tui_screen | sed -n "$((row + 1))p" | grep -q "▸ bob@old.example" ||
    { tui_dump; fail "the cursor is not on the chosen address (row $row)"; }
tui_keys Down
tui_wait "▸ Bob Builder <bob@build.example>"
row=$(tmux_ display-message -t tui -p '#{cursor_y}')
tui_screen | sed -n "$((row + 1))p" | grep -q "▸ Bob Builder" ||
    { tui_dump; fail "the cursor did not follow the choice (row $row)"; }
tui_keys Enter
tui_wait "To:      Alice Example <alice@example.org>, Bob Builder <bob@build.example>"
tui_wait_gone "2 addresses: Enter takes one"
tui_keys Tab		# a whole address: Tab moves on
tui_wait "▸Cc:"
pass "Tab completes from history and profiles: one at once, several as a list with the cursor on the choice; then it moves on"
