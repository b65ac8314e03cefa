#!/bin/sh
# No data loss: the draft is autosaved a moment after typing stops, saved
# again when missive is killed with SIGTERM or SIGHUP, offered back at the
# next start and restored; ^S says where it is.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>" \
    user=ann password_cmd=echo-never-in-a-draft
tui_start -p work -s "Draft test" bob@example.org
tui_wait "Ready."
tui_type "First line of a précieux draft 草稿"
tui_wait "précieux"
# Written a second or two after the typing stops.
tui_wait "draft saved" 5
draft=$(the_draft)
assert_file_contains "$draft" "First line of a précieux draft 草稿"
assert_file_contains "$draft" "To: bob@example.org"
assert_file_contains "$draft" "Subject: Draft test"
assert_file_contains "$draft" "Profile: work"
assert_file_not_contains "$draft" "echo-never-in-a-draft"
[ "$(stat -c %a "$(drafts_dir)")" = 700 ] || fail "drafts folder not 0700"
[ "$(stat -c %a "$draft")" = 600 ] || fail "draft file not 0600"
pass "autosaved about a second after typing, readable, private"

# Typed, then killed at once: the signal handler path saves it.
tui_keys Enter
tui_type "Second line typed just before SIGTERM"
tui_wait "just before SIGTERM"
kill -TERM "$(tui_pid)"
[ "$(tui_exit_status)" = 143 ] || { tui_dump; fail "exit status after SIGTERM"; }
assert_file_contains "$draft" "Second line typed just before SIGTERM"
grep -q "your draft is kept in" "$WORK/tui1.err" || fail "no note about the kept draft"
pass "SIGTERM saves the latest text"

tui_start -p work
tui_wait "Kept from earlier: Enter opens one"
tui_has "Draft test" || { tui_dump; fail "the list does not show the subject"; }
tui_keys Enter
tui_wait "Second line typed just before SIGTERM"
tui_has "Subject: Draft test" || { tui_dump; fail "subject not restored"; }
tui_has "To:      bob@example.org" || { tui_dump; fail "To not restored"; }
tui_has "First line of a précieux draft 草稿" || { tui_dump; fail "body not restored"; }
pass "the next start offers the draft back and restores it"

# SIGHUP (the terminal went away) also keeps the text, in the same file.
tui_type " + after restore"
tui_wait "+ after restore"
kill -HUP "$(tui_pid)"
[ "$(tui_exit_status)" = 129 ] || fail "exit status after SIGHUP"
[ "$(the_draft)" = "$draft" ] || fail "a restored draft must be saved in place"
assert_file_contains "$draft" "+ after restore"
pass "SIGHUP saves into the restored draft"

# ^S saves on request and says where; declining the offer keeps the file.
tui_start -p work
tui_wait "Kept from earlier: Enter opens one"
tui_keys n
tui_wait "1 draft is kept and not offered at the next start; ^R lists it."
tui_keys Tab Tab Tab
tui_type "Another message"
tui_keys C-s
tui_wait "Draft saved to"
[ "$(ls "$(drafts_dir)" | wc -l)" = 2 ] || fail "expected two drafts now"
assert_file_contains "$draft" "+ after restore"
pass "^S saves and says where; a declined draft stays on disk"

# ^C asks, mentions the draft; d discards it.
tui_keys C-c
tui_wait "Quit? [y] quit, [n] stay, [d] discard the draft"
tui_keys d
[ "$(tui_exit_status)" = 0 ] || fail "exit status after quitting"
[ "$(ls "$(drafts_dir)" | wc -l)" = 1 ] || fail "d did not discard the draft"
pass "^C asks before quitting; d discards the draft"

# kill -9 mid-typing: no handler runs, so what survives is the autosave;
# it holds every character typed before it.
tui_start -p work -s "Kill nine" carol@example.org
tui_wait "1 draft is kept from earlier; ^R lists it."
tui_type "Every character: àéîõü ß 東京 — survives kill -9"
tui_wait "survives kill -9"
tui_wait "draft saved" 5
pid=$(tui_pid)
kill -KILL "$pid"
# No handler runs and the terminal is left as it was, so the exit line
# may land anywhere on the screen: wait for the process instead.
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "missive survived SIGKILL"
	sleep 0.05
done
tui_start -p work
tui_wait "Kept from earlier: Enter opens one"
tui_keys Enter
tui_wait "Every character: àéîõü ß 東京 — survives kill -9"
tui_has "Subject: Kill nine" || { tui_dump; fail "subject lost after kill -9"; }
tui_has "carol@example.org" || { tui_dump; fail "To lost after kill -9"; }
pass "kill -9 mid-typing: the draft is offered back with every character"
