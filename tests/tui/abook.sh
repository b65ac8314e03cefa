#!/bin/sh
# The address book in the composer: Tab in To asks query_cmd (mutt's
# query format) with what was typed and lists its answers with the
# history's in a popup, the real cursor on the chosen one; typing narrows
# the list, Enter takes one, Esc closes it. A failing query command and
# one that hangs are said in the status pane, and the composer goes on
# with what it knows. With abook installed, a real `abook --mutt-query`
# completes, and the message sent carries the address.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
# A stub address book that says what it was asked.
cat >"$WORK/query.sh" <<'EOF'
#!/bin/sh
printf '%s\n' "$1" >>"${0%/*}/asked"
echo "Searching for $1 ..."
printf 'ann@example.org\tAnn Example\thome\nann.work@example.com\tExample, Ann\twork\nannika@example.net\tAnnika\t\n' |
    grep -i -F -e "$1"
EOF
printf '#!/bin/sh\necho "ldap: cannot connect to ldap.example.org" >&2\nexit 2\n' >"$WORK/broken.sh"
printf '#!/bin/sh\nsleep 30\n' >"$WORK/hang.sh"
chmod +x "$WORK/query.sh" "$WORK/broken.sh" "$WORK/hang.sh"
mkdir -p "$XDG_STATE_HOME/missive"
printf 'Anne History <anne@old.example>\n' >"$XDG_STATE_HOME/missive/history"
profile book "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Me <me@example.org>" "query_cmd=$WORK/query.sh %s"
profile broken "127.0.0.1:$SERVER_PORT" "from=Me <me@example.org>" \
    "query_cmd=$WORK/broken.sh"
profile hang "127.0.0.1:$SERVER_PORT" "from=Me <me@example.org>" \
    "query_cmd=$WORK/hang.sh" timeout=1

cursor_row() {	# the screen row (1-based) of the real cursor
	echo $(( $(tmux_ display-message -t tui -p '#{cursor_y}') + 1 ))
}

tui_start -p book
tui_wait "▸To:"
tui_type "ann"
tui_keys Tab
tui_wait "4 addresses: Enter takes one"
for a in "Anne History <anne@old.example>" "Ann Example <ann@example.org>" \
    '"Example, Ann" <ann.work@example.com>' "Annika <annika@example.net>"; do
	tui_has "$a" || { tui_dump; fail "the list lacks $a"; }
done
assert_eq "$(cat "$WORK/asked")" ann "what query_cmd was asked"
tui_screen | sed -n "$(cursor_row)p" | grep -q "▸ Anne History" ||
    { tui_dump; fail "the real cursor is not on the chosen address"; }
tui_has "Enter Take address" || { tui_dump; fail "the help line does not say the list's keys"; }
pass "Tab lists the history's and query_cmd's addresses together, the cursor on the chosen one"

# Down twice, then Enter: that one, in place of what was typed.
tui_keys Down Down
tui_wait "▸ \"Example, Ann\" <ann.work@example.com>"
tui_screen | sed -n "$(cursor_row)p" | grep -q '▸ "Example, Ann"' ||
    { tui_dump; fail "the cursor did not follow the choice"; }
tui_keys Enter
tui_wait 'To:      "Example, Ann" <ann.work@example.com>'
tui_wait_gone "addresses: Enter takes one"
row=$(cursor_row)
tui_screen | sed -n "${row}p" | grep -q "▸To:" || { tui_dump; fail "the cursor did not come back to To"; }
pass "Enter puts the chosen address in the field, the cursor back in it"

# Typing narrows the list; the book is asked once for the same text.
tui_type ", ann"
tui_keys Tab
tui_wait "4 addresses: Enter takes one"
tui_type "ik"
tui_wait "1 address: Enter takes it"
tui_has "Anne History" && { tui_dump; fail "typing did not narrow the list"; }
tui_keys Escape
tui_wait_gone "address: Enter takes it"
tui_wait 'To:      "Example, Ann" <ann.work@example.com>, annik'
assert_eq "$(wc -l <"$WORK/asked" | tr -d ' ')" 1 "query_cmd runs (the same text again: its answer is kept)"
tui_keys Tab	# one fits: completed at once
tui_wait 'To:      "Example, Ann" <ann.work@example.com>, Annika <annika@example.net>'
assert_eq "$(tail -n 1 "$WORK/asked")" annik "what query_cmd was asked next"
pass "typing narrows the list, Esc keeps what was typed, a single match completes at once"

# It goes out as chosen.
tui_keys C-x
tui_wait "Send without a subject?"
tui_keys y
tui_wait "Send without any text in the body?"
tui_keys y
tui_wait "Sent to 2 recipients" 10
assert_msgs 1
"$PYTHON" - "$RECORD/msg-1.eml" <<'EOF' || fail "the To the server received"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
got = [(a.display_name, a.addr_spec) for a in m["To"].addresses]
want = [("Example, Ann", "ann.work@example.com"), ("Annika", "annika@example.net")]
if got != want:
    sys.exit("To: %r, want %r" % (got, want))
EOF
pass "the addresses from the book are the ones the server received"

# A failing query command: said, and the history still completes.
tui_start -p broken
tui_wait "▸To:"
tui_type "ann"
tui_keys Tab
tui_wait "Address book: query_cmd \`$WORK/broken.sh\` failed with exit status 2: ldap: cannot connect to ldap.example.org"
# The history (now with the two sent to above) still offers its own.
tui_wait "3 addresses: Enter takes one"
tui_has "Anne History <anne@old.example>" || { tui_dump; fail "the history's address is not offered"; }
tui_keys Escape
pass "a failing query_cmd is shown with what it said; the history still completes"

# A hanging one is stopped at its deadline (the profile's timeout, 1 s).
tui_start -p hang
tui_wait "Kept from earlier"	# the last run's "ann", kept as a draft
tui_keys n
tui_wait "▸To:"
tui_type "zed"
t0=$(date +%s)
tui_keys Tab
tui_wait "did not finish within 1 seconds" 10
t1=$(date +%s)
[ $((t1 - t0)) -le 6 ] || fail "the hanging query took $((t1 - t0)) s"
# Nothing to complete: Tab went on, and typing works.
tui_type "x"
tui_wait "▸Cc:      x"
pass "a hanging query_cmd is stopped after its timeout and said; the composer goes on"

# The real abook, as a new user would set it up.
if command -v abook >/dev/null 2>&1; then
	cat >"$WORK/addressbook" <<'EOF'
# abook addressbook file

[format]
program=abook
version=0.6.1

[0]
name=Bob "Bobby" Builder
email=bob@build.example
EOF
	profile abook "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
	    "from=Me <me@example.org>" \
	    "query_cmd=abook --datafile $WORK/addressbook --mutt-query '%s'"
	tui_start -p abook
	tui_wait "Kept from earlier"
	tui_keys n
	tui_wait "▸To:"
	tui_type "bob"
	tui_keys Tab
	tui_wait 'To:      "Bob \"Bobby\" Builder" <bob@build.example>'
	tui_keys Tab Tab Tab	# Cc, Bcc, then past the hidden Reply-To
	tui_wait "▸Subject:"
	tui_type "From abook"
	tui_keys Enter
	tui_type "Hi Bob"
	tui_keys C-x
	tui_wait "Sent to 1 recipient" 10
	assert_msgs 2
	"$PYTHON" - "$RECORD/msg-2.eml" <<'EOF' || fail "the To from abook"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
a = m["To"].addresses[0]
if (a.display_name, a.addr_spec) != ('Bob "Bobby" Builder', "bob@build.example"):
    sys.exit("To: %r" % str(m["To"]))
EOF
	pass "abook --mutt-query completes an address, and it is sent as abook has it"
else
	note "abook is not installed: the real address book is not tried (tools/deps installs it)"
fi
