#!/bin/sh
# The Reply-To field: hidden until used, like Bcc; M-r (or F11) shows it
# and puts the cursor in it; an address typed there is what the server
# receives as Reply-To, and an invalid one is refused before sending. A
# profile's reply_to fills the field, which is then shown at once.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile plain "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
profile lists "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>" "reply_to=Ann's list <list@example.org>"

tui_start -p plain -s "Where to answer" bob@example.org
tui_wait "Ready."
tui_has "Reply-To:" && { tui_dump; fail "Reply-To is shown before it is used"; }
tui_keys M-r
tui_wait "▸Reply-To:"
tui_type "not an address"
tui_keys C-x
tui_wait "Reply-To: \`not an address\` has a space in the address" 5
tui_wait "Nothing was sent." 5
assert_msgs 0
pass "M-r shows Reply-To with the cursor in it; a bad address there is refused, nothing sent"

# Clear the field (^U) and type a good one.
tui_keys C-u
tui_type "Team <team@example.org>"
tui_keys Tab Enter	# Subject, then the body
tui_type "Answers go to the team."
tui_wait "Answers go to the team."
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
assert_msgs 1
"$PYTHON" - "$RECORD/msg-1.eml" <<'PY' || fail "the Reply-To the server received"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
got = [(a.display_name, a.addr_spec) for a in m["Reply-To"].addresses]
if got != [("Team", "team@example.org")]:
    sys.exit("Reply-To: %r" % got)
PY
pass "the typed Reply-To is the one the server received"

# A profile's reply_to: the field is shown and filled; F11 goes to it.
tui_start -p lists bob@example.org
tui_wait "Reply-To: Ann's list <list@example.org>"
tui_keys F11
tui_wait "▸Reply-To:"
pass "a profile's reply_to fills a visible Reply-To field; F11 goes to it"
