#!/bin/sh
# Replying and forwarding in the composer: a message piped into
# `missive reply -` (the terminal then comes from /dev/tty) opens with To,
# Re: subject, the quote under its attribution, the signature below, the
# cursor between them; a draft of it keeps In-Reply-To and References, so
# the reply sent after a restart still threads; a forward attaches the
# original, with its own attachment inside, as the server receives it; a
# mailto: link with in-reply-to (a list archive's reply link) threads too.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

MAIL=$TESTS_SRCDIR/mail
TUI_H=40	# room for the whole quote
start_server
printf 'Ann Example\nhttps://ann.example.org\n' >"$WORK/sig"
profile home "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann Example <ann@example.org>" "signature=$WORK/sig"

# The message comes down a pipe, as mutt's pipe-message sends it.
REAL=$MISSIVE
MISSIVE=/bin/sh
tui_start -c "cat '$MAIL/thunderbird-alternative.eml' | '$REAL' reply -"
MISSIVE=$REAL
tui_wait "Replying to Bernd Beispiel <bernd.privat@beispiel.de> from profile home."
tui_has "Subject: Re: Zahlen für März" || { tui_dump; fail "no Re: subject"; }
tui_has "To:      Bernd Beispiel <bernd.privat@beispiel.de>" || { tui_dump; fail "To is not the Reply-To"; }
tui_has "On Tue, 4 Jun 2024 10:15:42 +0200, Bernd Beispiel (Büro) wrote:" ||
    { tui_dump; fail "no attribution line"; }
tui_has "> Hallo Ann," || { tui_dump; fail "no quote"; }
tui_has ">> Ann schrieb:" || { tui_dump; fail "the quoted quote is not one level deeper"; }
tui_has "Tel. 0221" && { tui_dump; fail "the quoted message's signature is quoted"; }
tui_has "Ann Example" || { tui_dump; fail "the signature is not in the body"; }
# The cursor: on the empty line between the quote and the signature.
row=$(( $(tmux_ display-message -t tui -p '#{cursor_y}') + 1 ))
tui_screen | sed -n "$((row - 1))p" | grep -q '^$' || { tui_dump; fail "no blank line above the cursor (row $row)"; }
tui_screen | sed -n "$((row + 2))p" | grep -q '^-- *$' || { tui_dump; fail "the signature is not below the cursor (row $row)"; }
pass "reply - from a pipe: To, Re:, attribution and quote, the signature to see, the cursor between"

tui_type "Danke, Bernd!"
tui_wait "draft saved" 5
draft=$(the_draft)
assert_file_contains "$draft" "In-Reply-To: <6f1c2d3e-aaaa-bbbb-cccc-1234567890ab@beispiel.de>"
assert_file_contains "$draft" "References: <first-1@example.org> <6f1c2d3e-aaaa-bbbb-cccc-1234567890ab@beispiel.de>"
# The composer goes (its terminal closes); the draft stays.
tmux_ kill-server 2>/dev/null
_i=0
while [ $_i -lt 100 ] && ! grep -q "Danke, Bernd!" "$draft" 2>/dev/null; do
	sleep 0.05
	_i=$((_i + 1))
done
tui_start -p home
tui_wait "Kept from earlier"
tui_keys Enter
tui_wait "Danke, Bernd!"
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
assert_msgs 1
"$PYTHON" - "$RECORD/msg-1.eml" <<'EOF' || fail "the reply the server received"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
def want(h, v):
    if str(m[h]) != v:
        sys.exit("%s: %r, want %r" % (h, str(m[h]), v))
want("In-Reply-To", "<6f1c2d3e-aaaa-bbbb-cccc-1234567890ab@beispiel.de>")
want("References", "<first-1@example.org> <6f1c2d3e-aaaa-bbbb-cccc-1234567890ab@beispiel.de>")
want("Subject", "Re: Zahlen für März")
want("To", "Bernd Beispiel <bernd.privat@beispiel.de>")
body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
if body.count("\n-- \n") != 1 or not body.rstrip().endswith("https://ann.example.org"):
    sys.exit("the signature is not there once at the end: %r" % body)
if "> Hallo Ann," not in body or "Danke, Bernd!" not in body:
    sys.exit("quote or answer missing: %r" % body)
EOF
pass "the reply restored from its draft still threads (In-Reply-To, References) and has the signature once"

# Forward a message with an attachment: the original goes as it is.
tui_start forward "$MAIL/apple-mixed-attachment.eml" friend@example.net
tui_wait "Subject: Fwd: Contract draft"
tui_has "Contract-draft.eml" || { tui_dump; fail "the original is not in Attach"; }
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
assert_msgs 2
"$PYTHON" - "$RECORD/msg-2.eml" "$MAIL/apple-mixed-attachment.eml" <<'EOF' || fail "the forward the server received"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
orig = open(sys.argv[2], "rb").read()
parts = [p for p in m.walk() if p.get_content_type() == "message/rfc822"]
if len(parts) != 1:
    sys.exit("%d attached messages" % len(parts))
inner = parts[0].get_payload()[0]
pdf = [p for p in inner.iter_attachments()]
if len(pdf) != 1 or pdf[0].get_filename() != "Vertrag Entwurf ü.pdf":
    sys.exit("the attached message's own attachment: %r" % [p.get_filename() for p in pdf])
want = email.message_from_bytes(orig, policy=email.policy.default)
if pdf[0].get_payload(decode=True) != list(want.iter_attachments())[0].get_payload(decode=True):
    sys.exit("the PDF inside differs")
if str(m["Subject"]) != "Fwd: Contract draft":
    sys.exit("Subject %r" % str(m["Subject"]))
EOF
[ -z "$(ls "$XDG_DATA_HOME/missive/forward" 2>/dev/null)" ] ||
    fail "the forwarded copy stays after the send: $(ls "$XDG_DATA_HOME/missive/forward")"
pass "forward: the original attached as message/rfc822 with its PDF inside; its copy goes once sent"

# A list archive's reply link: mailto: with in-reply-to keeps the thread.
tui_start -p home 'mailto:list@example.org?subject=Re%3A%20Minutes&in-reply-to=%3Carchive-7%40lists.example.org%3E'
tui_wait "To:      list@example.org"
tui_keys C-x
tui_wait "Send without any text in the body?"
tui_keys y
tui_wait "Sent to 1 recipient" 10
assert_msgs 3
"$PYTHON" - "$RECORD/msg-3.eml" <<'PY' || fail "the mailto: reply the server received"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
if str(m["In-Reply-To"]) != "<archive-7@lists.example.org>" or str(m["Subject"]) != "Re: Minutes":
    sys.exit("In-Reply-To %r, Subject %r" % (str(m["In-Reply-To"]), str(m["Subject"])))
PY
pass "a mailto: URL's in-reply-to goes out as In-Reply-To"
