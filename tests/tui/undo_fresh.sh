#!/bin/sh
# Text that arrives from outside (a restored draft, the command line, a
# mailto: URL, the external editor) starts a fresh undo history: ^Z can
# never take the message below what arrived, and the autosave that
# follows still holds every word of it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"

# A draft to restore: typed, then the composer is killed.
tui_start -p work -s "Restored subject" bob@example.org
tui_wait "Ready."
tui_type "A body that must survive any number of undos."
tui_wait "draft saved" 5
kill -TERM "$(tui_pid)"
[ "$(tui_exit_status)" = 143 ] || fail "exit status after SIGTERM"
draft=$(the_draft)

tui_start -p work
tui_wait "Kept from earlier: Enter opens one"
tui_keys Enter
tui_wait "A body that must survive any number of undos."
tui_keys C-z C-z C-z
tui_wait "Nothing to undo in Body. (×3)"
# Said once, counted: not three lines of the same words.
[ "$(tui_screen | grep -c "Nothing to undo in Body")" = 1 ] ||
    { tui_dump; fail "the same message took more than one line"; }
tui_has "A body that must survive any number of undos." ||
    { tui_dump; fail "^Z erased the restored body"; }
# Undo in a restored header field stops at what was restored, too.
tui_keys BTab
tui_wait "▸Attach:"
tui_keys BTab
tui_wait "▸Subject:"
tui_keys C-z C-z
tui_wait "Nothing to undo in Subject."
tui_has "Subject: Restored subject" || { tui_dump; fail "^Z erased the restored subject"; }
# What the next save writes is still the whole message.
tui_keys C-s
tui_wait "Draft saved to"
assert_file_contains "$draft" "A body that must survive any number of undos."
assert_file_contains "$draft" "Subject: Restored subject"
pass "^Z after restoring a draft keeps the restored text, on screen and on disk"

# Typing after a restore is undone back to the restored text, no further.
tui_keys Tab Tab
tui_keys C-End
tui_type " More."
tui_wait "undos. More."
tui_keys C-z
tui_wait_gone "undos. More."
tui_keys C-z
tui_wait "Nothing to undo in Body."
tui_has "A body that must survive any number of undos." || { tui_dump; fail "undo went below the restored text"; }
pass "undo stops at the restored text"
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -f "$(drafts_dir)"/*

# A mailto: URL and -s on the command line.
tui_start -p work -s "From the command line" \
    'mailto:carol@example.org?body=Hello%20from%20a%20mailto%20link'
tui_wait "Hello from a mailto link"
tui_keys C-z C-z
tui_wait "Nothing to undo in Body."
tui_has "Hello from a mailto link" || { tui_dump; fail "^Z erased the mailto: body"; }
tui_keys BTab BTab
tui_wait "▸Subject:"
tui_keys C-z
tui_wait "Nothing to undo in Subject."
tui_has "Subject: From the command line" || { tui_dump; fail "^Z erased the -s subject"; }
tui_keys BTab BTab BTab
tui_wait "▸To:"
tui_keys C-z
tui_wait "Nothing to undo in To."
tui_has "carol@example.org" || { tui_dump; fail "^Z erased the mailto: recipient"; }
pass "^Z keeps what the command line and a mailto: URL filled in"
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -f "$(drafts_dir)"/*

# The external editor's text is where the history starts again.
cat >"$WORK/ed.sh" <<'ED'
#!/bin/sh
printf 'Written in the editor.\n' >"$1"
ED
chmod +x "$WORK/ed.sh"
TUI_ENV="VISUAL='$WORK/ed.sh' TMPDIR='$WORK'"
tui_start -p work -s "Editor" dave@example.org
tui_wait "Ready."
tui_type "typed first"
tui_keys C-_
tui_wait "Written in the editor."
tui_keys C-z C-z
tui_wait "Nothing to undo in Body."
tui_has "Written in the editor." || { tui_dump; fail "^Z undid the editor's text"; }
pass "^Z does not take the body back past the editor's text"
