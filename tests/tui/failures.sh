#!/bin/sh
# Sends that must not happen or that fail: the review before sending
# (bad address, empty subject, a mentioned attachment, a bad Server), a
# recipient refused by the server, a certificate that does not verify.
# The text is always kept and the reason is shown with what to do next.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"

tui_start -p test "bob@"
tui_wait "Ready."
tui_wait "▸Subject:"	# To is given: the cursor starts in Subject
tui_type "the report"
tui_keys Tab Tab
tui_type "Please find the report attached."
tui_keys C-x
tui_wait "Nothing was sent."
tui_has "bob@" || fail "address gone"
tui_wait "▸To:"
pass "a bad address is reported and the cursor goes to its field"

tui_keys C-u
tui_type "refuse-me@example.org"
tui_keys C-x
tui_wait "The text mentions an attachment, but nothing is attached."
tui_keys n
tui_wait "Not sent; the message is still here."
assert_no_mail
pass "a mentioned attachment asks first; n sends nothing"

# The server refuses the recipient (local part refuse*).
tui_keys C-x
tui_wait "Send anyway?"
tui_keys y
tui_wait "Not sent:" 10
s=$(tui_screen)
echo "$s" | grep -F -q "✗" || fail "no ✗ symbol"
echo "$s" | grep -F -q "refuse-me@example.org" || { tui_dump; fail "refused address not named"; }
echo "$s" | grep -F -q "Your text is kept" || { tui_dump; fail "no reassurance"; }
tui_has "Please find the report attached." || fail "body lost"
assert_msgs 0
draft=$(the_draft)
assert_file_contains "$draft" "Please find the report attached."
pass "a refused recipient: reason shown, text and draft kept"

# An empty subject asks.
tui_start -p test carol@example.org
# The command line began a message: the draft of the refused send is
# not put in front of it, only mentioned.
tui_wait "1 draft is kept from earlier; ^R lists it."
tui_keys Tab Tab
tui_type "no subject here"
tui_keys C-x
tui_wait "Send without a subject? [y/n]"
tui_keys Escape
tui_wait "Not sent; the message is still here."
pass "an empty subject asks first"

# A Server field that does not parse.
tui_keys Up Up Up Up Up Up Up
tui_wait "▸Server:"
tui_keys C-u
tui_type "[::1"
tui_keys C-x
tui_wait "without a closing"
tui_has "Nothing was sent." || { tui_dump; fail "bad server accepted"; }
pass "a bad Server field is refused"
stop_server

# A certificate for another name: not sent, the names it does have are
# listed, the advice is about the name (a CA file would not help), and
# the TLS screen says why.
start_server --cert "$PKI/otherhost.pem" --key "$PKI/otherhost.key"
profile other "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
tui_start -p other -s "cert" dave@example.org
tui_wait "kept from earlier; ^R lists"
tui_type "secret plans"
tui_keys C-x
tui_wait "Not sent:" 10
s=$(tui_screen)
tui_has "(it names: DNS:other.example)" || { tui_dump; fail "the names it has are not listed"; }
tui_has "Use a server name the certificate names (Server field)" ||
    { tui_dump; fail "no advice about the name"; }
tui_has "ca_file" && { tui_dump; fail "a CA file offered for a wrong name"; }
tui_has "secret plans" || fail "body lost"
assert_no_mail
tui_keys C-t
tui_wait "TLS diagnostics"
tui_wait "Verification   FAILED"
tui_has "nothing was sent" || { tui_dump; fail "no outcome"; }
tui_has "not valid for the address 127.0.0.1" || { tui_dump; fail "no plain-words reason"; }
tui_has "other.example" || { tui_dump; fail "SANs not shown"; }
pass "a wrong-name certificate: not sent, advice, reason on the TLS screen"
stop_server

# A server that answers STARTTLS with 454: under the starttls policy
# nothing goes out in plain text, and the screen says why.
start_server --scenario starttls-454
profile strict "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
tui_start -p strict -s "tls please" erin@example.org
tui_wait "kept from earlier; ^R lists"
tui_type "only over TLS"
tui_keys C-x
tui_wait "Not sent:" 10
tui_has "STARTTLS" || { tui_dump; fail "the STARTTLS step is not shown"; }
tui_has "454" || { tui_dump; fail "the server's 454 is not shown"; }
tui_has "only over TLS" || fail "body lost"
assert_no_mail
grep -q '"MAIL' "$RECORD"/conn-*.jsonl && fail "MAIL was sent after STARTTLS failed"
pass "STARTTLS refused: not sent, the reason and the server's words shown"
