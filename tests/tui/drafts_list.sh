#!/bin/sh
# All drafts, not only the newest: at start (and on ^R or F8) a list of
# the kept drafts with their age, To and Subject; Enter opens one, d
# deletes one (after asking), n starts a new message. Drafts declined at
# a start are not offered at the next one, but stay in the list; opening
# a draft mid-message keeps the message on screen as a draft of its own.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"
cursor() { tmux_ display-message -t tui -p '#{cursor_x} #{cursor_y}'; }
# selected TEXT: wait until the selected row (▸) shows TEXT
selected() {
	_i=0
	until tui_screen | grep "▸" | grep -q -F -e "$1"; do
		_i=$((_i + 1))
		[ $_i -lt 60 ] || { tui_dump; fail "the selected row does not show '$1'"; }
		sleep 0.05
	done
}
d=$(drafts_dir)
mkdir -p "$d"
chmod 700 "$d"
# Drafts as the composer writes them (header lines, a blank line, the
# body), of three ages.
printf 'Profile: work\nTo: bob@example.org\nSubject: Plans for Friday\n\nHi Bob,\nare we still on for Friday?\n' >"$d/draft-1.txt"
printf 'Profile: work\nTo: carol@example.org\nSubject: Invoice 42\n\nPlease find the invoice attached.\n' >"$d/draft-2.txt"
printf 'Profile: work\nTo: dave@example.org\nSubject: Old idea\n\nSomething from last month.\n' >"$d/draft-3.txt"
touch -d '3 hours ago' "$d/draft-1.txt"
touch -d '2 days ago' "$d/draft-2.txt"
touch -d '40 days ago' "$d/draft-3.txt"
chmod 600 "$d"/*.txt
old=$(date -d '40 days ago' +%Y-%m-%d)

TUI_W=100
tui_start -p work
tui_wait "Kept from earlier: Enter opens one, n starts a new message"
s=$(tui_screen)
for want in "3 hours ago" "bob@example.org" "Plans for Friday" \
    "Hi Bob, are we still on for Friday?" "2 days ago" "carol@example.org" \
    "Invoice 42" "$old" "dave@example.org" "Old idea"; do
	echo "$s" | grep -F -q "$want" || { tui_dump; fail "the list does not show '$want'"; }
done
# Newest first, and the cursor is on the selected row.
echo "$s" | grep -n -e "Plans for Friday" -e "Invoice 42" -e "Old idea" |
    cut -d: -f1 | tr '\n' ' ' | awk '{ exit !($1 < $2 && $2 < $3) }' ||
    { tui_dump; fail "not newest first"; }
row=$(echo "$s" | grep -n "▸" | cut -d: -f1)
echo "$s" | sed -n "${row}p" | grep -q "Plans for Friday" || { tui_dump; fail "the newest is not selected"; }
[ "$(cursor)" = "0 $((row - 1))" ] || { tui_dump; fail "cursor at $(cursor), not on the selected row $((row - 1))"; }
pass "at start: every draft, newest first, with age, To, Subject and first words"

# d asks, and only y deletes.
tui_keys Down Down d
tui_wait "Delete the draft to dave@example.org (Old idea)? It cannot be undone."
tui_keys n
tui_wait_gone "It cannot be undone"
[ -f "$d/draft-3.txt" ] || fail "n deleted the draft"
tui_keys d
tui_wait "It cannot be undone"
tui_keys y
tui_wait "draft-3.txt deleted."
tui_wait_gone "Old idea"
[ ! -e "$d/draft-3.txt" ] || fail "y did not delete the draft"
[ ! -e "$d/.draft-3.lock" ] || fail "its lock file was left"
pass "d deletes a draft after asking"

# n: a new message; the drafts are declined, not deleted.
tui_keys n
tui_wait "2 drafts are kept and not offered at the next start; ^R lists them."
tui_has "▸To:" || { tui_dump; fail "n did not start a new message"; }
tui_keys C-c
tui_exit_status >/dev/null
[ -f "$d/draft-1.txt" ] && [ -f "$d/draft-2.txt" ] || fail "declined drafts were removed"
tui_start -p work
tui_wait "2 drafts are kept from earlier; ^R lists them."
tui_has "Kept from earlier" && { tui_dump; fail "declined drafts were offered again"; }
pass "declined drafts are not offered at the next start, only mentioned"

# Mid-message, ^R lists them (still there); opening one keeps the
# message on screen as a draft of its own.
tui_type "erin@example.org"
tui_keys Tab Tab Tab
tui_type "Half-written"
tui_keys Enter
tui_type "A message I was writing."
tui_keys C-r
tui_wait "Enter opens a draft in place of the message on screen"
tui_has "(on screen)" || { tui_dump; fail "the message on screen is not marked"; }
tui_has "Plans for Friday" || { tui_dump; fail "a declined draft is not listed"; }
selected "Plans for Friday"	# the first that is not on screen
tui_keys Down
selected "Invoice 42"
tui_keys Up
selected "Plans for Friday"
tui_keys Enter
tui_wait "are we still on for Friday?"
tui_has "To:      bob@example.org" || { tui_dump; fail "To not opened"; }
tui_has "Subject: Plans for Friday" || { tui_dump; fail "Subject not opened"; }
tui_wait "the message you were writing is kept as a draft"
kept=$(grep -l -F "A message I was writing." "$d"/*.txt)
[ -n "$kept" ] || fail "the message on screen was not kept"
assert_file_contains "$kept" "To: erin@example.org"
assert_file_contains "$kept" "Subject: Half-written"
pass "^R mid-message opens a draft and keeps the one on screen"

# ^R, n: a new message again; the draft that was open stays kept.
tui_type " Bob, yes."
tui_keys F8
tui_wait "Enter opens a draft in place of the message on screen"
tui_has "Half-written" || { tui_dump; fail "the kept message is not listed"; }
tui_keys n
tui_wait "A new message; the one you were writing is kept as a draft"
tui_has "are we still on" && { tui_dump; fail "the body was not cleared"; }
tui_has "From:    Ann <ann@example.org>" || { tui_dump; fail "the profile's sender is gone"; }
wait_file_contains "$d/draft-1.txt" "Bob, yes."
pass "F8 and n: a new message, the one before kept with its last words"

# A second composer sees the first one's draft as busy and cannot open it.
tui_type "frank@example.org"
# Its file, not a "draft saved" line: an older one may still be on screen.
_i=0
while [ $_i -lt 100 ] && ! grep -q -F "frank@example.org" "$d"/*.txt 2>/dev/null; do
	sleep 0.05
	_i=$((_i + 1))
done
grep -q -F "frank@example.org" "$d"/*.txt || { tui_dump; fail "the new message was not saved as a draft"; }
tui_start_also -p work
tui_wait "Kept from earlier"
tui_screen | grep "▸" | grep -q "(open in another missive)" &&
    { tui_dump; fail "the selection starts on a draft it cannot open"; }
tui_has "(open in another missive)" || { tui_dump; fail "a draft held by the first composer is not marked"; }
row=$(tui_screen | grep -n "(open in another missive)" | head -1 | cut -d: -f1)
cur=$(tui_screen | grep -n "▸" | cut -d: -f1)
while [ "$cur" -ne "$row" ]; do
	if [ "$cur" -lt "$row" ]; then tui_keys Down; else tui_keys Up; fi
	sleep 0.1
	cur=$(tui_screen | grep -n "▸" | cut -d: -f1)
done
tui_keys Enter
tui_wait "Not opened: that draft is open in another missive"
tui_keys d
tui_wait "It cannot be undone"
tui_keys y
tui_wait "Not deleted: that draft is open in another missive."
tui_has "frank@example.org" || { tui_dump; fail "the busy draft left the list"; }
pass "a draft another composer holds is marked and not opened"
