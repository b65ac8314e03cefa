#!/bin/sh
# As a neomutt user does it: a macro pipes the message on screen into
# `missive reply -` (README: "Reply from mutt, aerc, notmuch"). neomutt
# gives up the terminal, missive reads the message from the pipe and the
# keys from /dev/tty, picks the profile of the address the message was
# delivered to, sends; neomutt comes back. The server has a reply that
# threads, quoting the decoded ISO-8859-1 text.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

NEOMUTT=$(command -v neomutt) ||
    skip "neomutt is not installed (apt-get install neomutt; tools/deps does)"
start_server
BIN=$WORK/bin
mkdir -p "$BIN" "$WORK/Mail/inbox/cur" "$WORK/Mail/inbox/new" "$WORK/Mail/inbox/tmp"
ln -s "$MISSIVE" "$BIN/missive"
cp "$TESTS_SRCDIR/mail/latin1-qp.eml" "$WORK/Mail/inbox/cur/1717570800.1.test:2,S"
cat >"$WORK/neomuttrc" <<EOF
set folder = $WORK/Mail
set spoolfile = $WORK/Mail/inbox
set mbox_type = Maildir
set header_cache = ""
set message_cachedir = ""
set wait_key = no
set pipe_decode = no
set help = no
set quit = yes
macro index,pager R "<pipe-message>missive reply -<enter>" "reply with missive"
EOF
profile home "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann Example <ann@example.org>"
profile work "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann at work <ann.work@example.com>"

REAL=$MISSIVE
MISSIVE=$NEOMUTT
TUI_ENV="PATH=$BIN:/usr/bin:/bin"
tui_start -n -F "$WORK/neomuttrc"
MISSIVE=$REAL
tui_wait "Compte rendu de la réunion"
tui_keys R
tui_wait "Replying to Élodie Martin <elodie@exemple.fr> from profile work." 10
tui_has "Subject: Re: Compte rendu de la réunion" || { tui_dump; fail "no Re: subject"; }
tui_has "> Voici le compte rendu de la réunion de jeudi." || { tui_dump; fail "the decoded text is not quoted"; }
pass "R in neomutt opens missive with the reply, from the profile the message was delivered to"

tui_type "Merci, Élodie !"
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
tui_keys C-c
tui_wait "NeoMutt: =inbox" 10
pass "sent from the composer; quitting it gives the terminal back to neomutt"
tui_keys q

assert_msgs 1
"$PYTHON" - "$RECORD/msg-1.eml" <<'EOF' || fail "the reply the server received"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
checks = {
    "From": "Ann at work <ann.work@example.com>",
    "To": "Élodie Martin <elodie@exemple.fr>",
    "Subject": "Re: Compte rendu de la réunion",
    "In-Reply-To": "<20240605070000.GA1234@exemple.fr>",
    "References": "<20240605070000.GA1234@exemple.fr>",
}
for h, v in checks.items():
    if str(m[h]) != v:
        sys.exit("%s: %r, want %r" % (h, str(m[h]), v))
body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
want = ("On Wed, 05 Jun 2024 09:00:00 +0200, Élodie Martin wrote:\n"
        "> Bonjour,\n>\n> Voici le compte rendu de la réunion de jeudi.\n"
        "> À bientôt !\n\nMerci, Élodie !")
if not body.startswith(want) or "-- \n" in body:
    sys.exit("body %r" % body)
EOF
pass "the server has the reply: threaded, the Latin-1 text quoted as UTF-8, her signature left out"
