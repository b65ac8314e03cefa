#!/bin/sh
# The sendmail interface: what a mail reader, git send-email or cron
# hands over arrives as given (CRLF, dot-stuffing undone by the server,
# Bcc removed, Date and Message-ID added only when missing, BODY=8BITMIME
# and SMTPUTF8 when the bytes need them); recipients from the arguments
# and with -t the header; the envelope sender from -f, the profile, the
# From field; the options mail readers pass accepted, the others refused
# in words; every exit status of sysexits.h that missive promises, each
# with what is left in the outbox; a temporary failure queued and sent
# by `outbox flush`; "maybe sent" kept uncertain and never sent again
# unasked; the program invoked as `sendmail`.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_server
CONF=$XDG_CONFIG_HOME/missive
OUTBOX=$XDG_DATA_HOME/missive/outbox
mkdir -p "$CONF"
chmod 700 "$CONF"
profile() {	# PORT [extra lines]: the profiles "test" (default) and "other"
	{
		printf '[missive]\ndefault_profile = test\n\n'
		printf '[test]\nserver = 127.0.0.1:%s\ntls = starttls\n' "$1"
		printf 'ca_file = %s\nfrom = Ann Example <ann@example.org>\ntimeout = 5\n' "$PKI/ca.pem"
		[ -n "${2:-}" ] && printf '%s\n' "$2"
		printf '\n[noserver]\nfrom = x@example.org\n'
	} >"$CONF/profiles.ini"
	chmod 600 "$CONF/profiles.ini"
}
profile "$SERVER_PORT"
entries() { ls "$OUTBOX" 2>/dev/null | grep -c '\.env$'; }
files() { ls -A "$OUTBOX" 2>/dev/null | wc -l; }
last_msg() { ls -t "$RECORD"/msg-*.eml | head -1; }

# --- what arrives -----------------------------------------------------------

printf 'From: Ann Example <ann@example.org>\nTo: Bob <bob@example.net>\nCc: carl@example.net\nBcc: hidden@example.com,\n secret@example.com\nSubject: Minutes\n\nHello.\n.\n..two dots\n.single\ngrüße\n' >"$WORK/m1.txt"
run_missive_in m1 "$WORK/m1.txt" sendmail -oi -oem -t
expect_exit m1 0
[ -s "$WORK/m1.err" ] && { show_missive m1 >&2; fail "a good send printed on stderr"; }
assert_msgs 1
eml=$RECORD/msg-1.eml
json=$RECORD/msg-1.json
assert_eq "$(json_get "$json" 'd["mail_from"]')" ann@example.org "envelope sender (the profile's from)"
assert_eq "$(json_get "$json" '" ".join(d["rcpt_to"])')" \
    "bob@example.net carl@example.net hidden@example.com secret@example.com" "-t recipients, Bcc included"
assert_eq "$(json_get "$json" 'd["mail_params"].get("BODY")')" 8BITMIME "BODY=8BITMIME for an 8-bit body"
assert_eq "$(json_get "$json" 'd["tls"]')" true "sent over TLS"
assert_file_not_contains "$eml" "Bcc"
assert_file_not_contains "$eml" "secret@example.com"
assert_file_matches "$eml" '^Date: [A-Z][a-z][a-z], [0-9]+ [A-Z][a-z][a-z] 20[0-9][0-9] '
assert_file_matches "$eml" '^Message-ID: <[^>]+@example\.org>'
# The body as written, every line ended by CRLF.
tail -n 5 "$eml" | od -c | grep -q '\\r  \\n' || fail "no CRLF in what arrived"
"$PYTHON" - "$eml" <<'PY' || fail "the body did not arrive as written"
import sys
d = open(sys.argv[1], "rb").read()
body = d.split(b"\r\n\r\n", 1)[1]
want = "Hello.\r\n.\r\n..two dots\r\n.single\r\ngrüße\r\n".encode()
sys.exit(0 if body == want else "body %r" % body)
PY
assert_eq "$(entries)" 0 "outbox entries after a send"
assert_eq "$(files)" 0 "files left in the outbox"
pass "-t -oi -oem: CRLF, dots, UTF-8 body (BODY=8BITMIME), Bcc in the envelope only, Date and Message-ID added; silent; outbox empty"

# Given fields stay; CRLF input; an mbox From line dropped; -f; arguments.
printf 'From ann Mon Jan  1 00:00:00 2024\r\nFrom: ann@example.org\r\nTo: ignored@example.net\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <given-1@example.org>\r\nSubject: kept\r\n\r\nbody\r\n' >"$WORK/m2.txt"
run_missive_in m2 "$WORK/m2.txt" sendmail -f bounce@example.org -- dora@example.net 'Eve <eve@example.net>'
expect_exit m2 0
assert_msgs 2
json=$RECORD/msg-2.json
assert_eq "$(json_get "$json" 'd["mail_from"]')" bounce@example.org "-f"
assert_eq "$(json_get "$json" '" ".join(d["rcpt_to"])')" "dora@example.net eve@example.net" "recipients from the arguments only (no -t)"
assert_eq "$(json_get "$json" 'd["mail_params"].get("BODY")')" null "no BODY= for 7-bit"
"$PYTHON" - "$RECORD/msg-2.eml" <<'PY' || fail "a complete message was changed"
import sys
d = open(sys.argv[1], "rb").read()
want = (b"From: ann@example.org\r\nTo: ignored@example.net\r\nDate: Mon, 1 Jan 2024 "
        b"10:00:00 +0000\r\nMessage-ID: <given-1@example.org>\r\nSubject: kept\r\n\r\nbody\r\n")
sys.exit(0 if d == want else "got %r" % d)
PY
pass "-f and recipient arguments; a message with Date and Message-ID goes out byte for byte (mbox From line dropped)"

# No header at all (a script's `echo | sendmail addr`), and -F.
printf 'the disk is full\n' >"$WORK/m3.txt"
run_missive_in m3 "$WORK/m3.txt" sendmail -F 'Cron Daemon' root@example.org
expect_exit m3 0
assert_msgs 3
assert_file_contains "$RECORD/msg-3.eml" 'From: Cron Daemon <ann@example.org>'
assert_file_matches "$RECORD/msg-3.eml" '^Message-ID: <'
assert_file_contains "$RECORD/msg-3.eml" 'the disk is full'
pass "no header: From (with -F), Date and Message-ID are added"

# Raw UTF-8 in the header (RFC 6532): SMTPUTF8.
printf 'From: ann@example.org\nTo: bob@example.net\nSubject: grüße\n\nx\n' >"$WORK/m4.txt"
run_missive_in m4 "$WORK/m4.txt" sendmail -t
expect_exit m4 0
assert_eq "$(json_get "$RECORD/msg-4.json" 'd["mail_params"].get("SMTPUTF8")')" true "SMTPUTF8 for a UTF-8 header"
pass "a UTF-8 header field asks for SMTPUTF8"

# Invoked as sendmail (the /usr/sbin/sendmail link).
mkdir -p "$WORK/bin"
ln -sf "$MISSIVE" "$WORK/bin/sendmail"
printf 'To: bob@example.net\nSubject: via link\n\nx\n' >"$WORK/m5.txt"
"$WORK/bin/sendmail" -FCronDaemon -i -B8BITMIME -oem -t <"$WORK/m5.txt" >"$WORK/m5.out" 2>"$WORK/m5.err"
rc=$?
[ $rc = 0 ] || { cat "$WORK/m5.err"; fail "sendmail link: exit $rc"; }
assert_msgs 5
assert_file_contains "$RECORD/msg-5.eml" "Subject: via link"
pass "a link named sendmail is missive sendmail (cron's options -FCronDaemon -i -B8BITMIME -oem -t)"

# --- exit statuses ------------------------------------------------------------

usage_err() {	# NAME WORDS: exit 64 naming it, nothing sent, outbox empty
	expect_exit "$1" 64
	grep -F -q -e "$2" "$WORK/$1.err" || { show_missive "$1" >&2; fail "$1: does not say '$2'"; }
	assert_eq "$(files)" 0 "$1: files in the outbox"
}
run_missive_in u1 "$WORK/m1.txt" sendmail -N success,failure -t
usage_err u1 "delivery status notifications (DSN)"
run_missive_in u2 "$WORK/m1.txt" sendmail -bs
usage_err u2 "does not speak SMTP on standard input"
run_missive_in u3 "$WORK/m1.txt" sendmail -oQ/tmp -t
usage_err u3 "-oQ/tmp: missive knows no such sendmail option"
run_missive_in u4 "$WORK/m1.txt" sendmail --frobnicate
usage_err u4 "Try \`missive sendmail --help'"
printf 'From: a@example.org\nSubject: s\n\nx\n' >"$WORK/nrcpt.txt"
run_missive_in u5 "$WORK/nrcpt.txt" sendmail
usage_err u5 "no recipient: give the ADDRESSes, or -t"
run_missive_in u6 "$WORK/m1.txt" sendmail 'bob@'
usage_err u6 "recipient: \`bob@\` has no domain"
run_missive_in u7 "$WORK/m1.txt" sendmail -f 'not an address' bob@example.net
usage_err u7 "-f:"
run_missive_in u8 "$WORK/m1.txt" sendmail -q
usage_err u8 "missive outbox flush"
assert_msgs 5
pass "exit 64: DSN options, -bs, unknown -o and long options, no recipient, a bad address, a bad -f, -q; each said, nothing sent or kept"

data_err() {	# NAME WORDS
	expect_exit "$1" 65
	grep -F -q -e "$2" "$WORK/$1.err" || { show_missive "$1" >&2; fail "$1: does not say '$2'"; }
	assert_eq "$(files)" 0 "$1: files in the outbox"
}
{ printf 'To: bob@example.net\n\n'; head -c 1200 /dev/zero | tr '\0' x; printf '\n'; } >"$WORK/long.txt"
run_missive_in d1 "$WORK/long.txt" sendmail -t
data_err d1 "line 3 of the message is longer than 998 bytes"
printf 'To: bob@example.net\n\nnul \000 here\n' >"$WORK/nul.txt"
run_missive_in d2 "$WORK/nul.txt" sendmail -t
data_err d2 "NUL byte"
printf 'To: bob@example.net\nnot a field\n\nx\n' >"$WORK/bad.txt"
run_missive_in d3 "$WORK/bad.txt" sendmail -t
data_err d3 "line 2 is neither a header field"
printf 'To: bob@\n\nx\n' >"$WORK/badto.txt"
run_missive_in d4 "$WORK/badto.txt" sendmail -t
data_err d4 "To: \`bob@\` has no domain"
assert_msgs 5
pass "exit 65: a line over 998 bytes, a NUL, a broken header, a bad To with -t; each names its line or field; nothing kept"

run_missive_in c1 "$WORK/m1.txt" sendmail -p nosuch -t
expect_exit c1 78
grep -q "no profile named \`nosuch'" "$WORK/c1.err" || fail "c1: $(cat "$WORK/c1.err")"
run_missive_in c2 "$WORK/m1.txt" sendmail -p noserver -t
expect_exit c2 78
grep -q "names no server" "$WORK/c2.err" || fail "c2: $(cat "$WORK/c2.err")"
mv "$CONF/profiles.ini" "$CONF/saved.ini"
printf '[a]\nserver = 127.0.0.1:1\n[b]\nserver = 127.0.0.1:2\n' >"$CONF/profiles.ini"
run_missive_in c3 "$WORK/m1.txt" sendmail -t
expect_exit c3 78
grep -q "no profile to send with: give -p PROFILE, or set default_profile" "$WORK/c3.err" || fail "c3: $(cat "$WORK/c3.err")"
mv "$CONF/saved.ini" "$CONF/profiles.ini"
assert_eq "$(files)" 0 "files in the outbox after exit 78"
pass "exit 78: an unknown profile, a profile without server, no default profile"

printf 'To: refuse@example.net\nSubject: s\n\nx\n' >"$WORK/refuse.txt"
run_missive_in p1 "$WORK/refuse.txt" sendmail -t
expect_exit p1 69
grep -q "Not put in the outbox: waiting does not mend this" "$WORK/p1.err" || { show_missive p1 >&2; fail "p1 words"; }
grep -q "550" "$WORK/p1.err" || { show_missive p1 >&2; fail "p1: the server's words"; }
assert_eq "$(files)" 0 "files in the outbox after a 550"
pass "exit 69: a recipient refused for good (550), said with the server's words, not queued"

# A certificate failure: never queued.
start_server --cert "$PKI/expired.pem" --key "$PKI/expired.key"
profile "$SERVER_PORT"
run_missive_in p2 "$WORK/m1.txt" sendmail -t
expect_exit p2 69
grep -qi "certificate" "$WORK/p2.err" || { show_missive p2 >&2; fail "p2 words"; }
assert_eq "$(files)" 0 "files in the outbox after a certificate failure"
assert_no_mail
pass "exit 69: an expired certificate, not queued"

# AUTH refused: 77.
start_server --auth-user ann --auth-pass right
profile "$SERVER_PORT" "user = ann
password_cmd = echo wrong"
run_missive_in a1 "$WORK/m1.txt" sendmail -t
expect_exit a1 77
grep -q "535" "$WORK/a1.err" || { show_missive a1 >&2; fail "a1 words"; }
assert_eq "$(files)" 0 "files in the outbox after AUTH refused"
profile "$SERVER_PORT" "user = ann
password_cmd = echo right"
run_missive_in a2 "$WORK/m1.txt" sendmail -t
expect_exit a2 0
assert_msgs 1
pass "exit 77: AUTH refused (535), not queued; the right password sends"

# --- queued, sent later ------------------------------------------------------

# The server down: queued (exit 0, said), or exit 75 with --no-queue.
start_server
port=$SERVER_PORT
stop_server
profile "$port"
run_missive_in t1 "$WORK/m1.txt" sendmail --no-queue -t
expect_exit t1 75
grep -q "Not put in the outbox (--no-queue)" "$WORK/t1.err" || { show_missive t1 >&2; fail "t1 words"; }
assert_eq "$(files)" 0 "files in the outbox with --no-queue"
run_missive_in t2 "$WORK/m1.txt" sendmail -t
expect_exit t2 0
grep -q "cannot connect" "$WORK/t2.err" || { show_missive t2 >&2; fail "t2: why"; }
grep -q "Queued in the outbox as [a-z0-9]\{8\}" "$WORK/t2.err" || { show_missive t2 >&2; fail "t2: queued"; }
id=$(sed -n 's/.*Queued in the outbox as \([a-z0-9]\{8\}\).*/\1/p' "$WORK/t2.err")
assert_eq "$(entries)" 1 "entries after a queued send"
run_missive list outbox --json
expect_exit list 0
assert_eq "$(json_get "$WORK/list.out" 'd["id"]')" "$id" "the entry's id"
assert_eq "$(json_get "$WORK/list.out" 'd["state"]+" "+d["last_reason"]+" "+str(d["attempts"])')" \
    "queued network 1" "state, reason, attempts"
msgid=$(json_get "$WORK/list.out" 'd["message_id"]')
pass "server down: exit 75 with --no-queue (nothing kept), else exit 0, queued with its reason"

start_server --port "$port"
run_missive f1 outbox flush
expect_exit f1 0
assert_msgs 1
assert_file_contains "$RECORD/msg-1.eml" "Message-ID: $msgid"
assert_file_not_contains "$RECORD/msg-1.eml" "Bcc"
assert_eq "$(json_get "$RECORD/msg-1.json" '" ".join(d["rcpt_to"])')" \
    "bob@example.net carl@example.net hidden@example.com secret@example.com" "queued envelope"
assert_eq "$(files)" 0 "files in the outbox after the flush"
run_missive f2 outbox flush
expect_exit f2 0
assert_msgs 1
pass "outbox flush sends it when the server is back: the same message (Message-ID), envelope kept; not again"

# A 4xx: queued too.
start_server --scenario mail-451
profile "$SERVER_PORT"
run_missive_in t3 "$WORK/m1.txt" sendmail -t
expect_exit t3 0
grep -q "451" "$WORK/t3.err" || { show_missive t3 >&2; fail "t3: the 451"; }
assert_eq "$(entries)" 1 "entries after a 451"
run_missive_in t4 "$WORK/m1.txt" sendmail -odq -t
expect_exit t4 0
assert_eq "$(entries)" 2 "entries after -odq"
assert_eq "$(record_conns)" 1 "-odq connects nowhere"
rm -rf "$OUTBOX"
pass "a 451 is queued; -odq queues without connecting"

# Maybe sent: kept uncertain, never sent again unasked.
start_server --scenario final-lost
profile "$SERVER_PORT"
run_missive_in t5 "$WORK/m1.txt" sendmail -t
expect_exit t5 0
grep -q "marked uncertain" "$WORK/t5.err" || { show_missive t5 >&2; fail "t5 words"; }
id=$(sed -n 's/.*Kept in the outbox as \([a-z0-9]\{8\}\).*/\1/p' "$WORK/t5.err")
assert_msgs 1
start_server
profile "$SERVER_PORT"
run_missive f3 outbox flush
expect_exit f3 0
run_missive f4 outbox flush "$id"
expect_exit f4 75
grep -q "give --uncertain to send it again anyway" "$WORK/f4.err" || { show_missive f4 >&2; fail "f4 words"; }
assert_no_mail
run_missive f5 outbox flush --uncertain "$id"
expect_exit f5 0
assert_msgs 1
assert_eq "$(files)" 0 "files after sending the uncertain one"
pass "maybe sent (stored, then the connection lost): exit 0, kept uncertain; flush leaves it, flush ID refuses, --uncertain ID sends"

# --json: valid, result last, its exit_status the process's.
start_server
port=$SERVER_PORT
stop_server
profile "$port"
run_missive_in j1 "$WORK/m1.txt" sendmail --json -t
expect_exit j1 0
check_json j1
assert_eq "$(result j1 'r["exit_status"]')" 0 "result.exit_status (queued)"
grep -q '"event": *"warning".*Queued in the outbox' "$WORK/j1.out" || { show_missive j1 >&2; fail "j1: the queue warning"; }
run_missive_in j2 "$WORK/m1.txt" sendmail --json --no-queue -t
expect_exit j2 75
check_json j2
assert_eq "$(result j2 'r["exit_status"]')" 75 "result.exit_status (--no-queue)"
run_missive_in j3 "$WORK/long.txt" sendmail --json -t
expect_exit j3 65
check_json j3
assert_eq "$(result j3 'r["reason"]')" message "result.reason of a malformed message"
pass "--json: valid lines, the outbox's decision as a warning, result last with the sendmail exit status"

# --- the server memory and the receipts (app/record.c) -----------------------

# receipts_of FIELD VALUE: how many receipts have FIELD == VALUE.
receipts_of() {
	"$PYTHON" - "$RECEIPTS_FILE" "$1" "$2" <<'PY'
import json, sys
n = 0
try:
    for l in open(sys.argv[1]):
        if json.loads(l).get(sys.argv[2]) == sys.argv[3]:
            n += 1
except FileNotFoundError:
    pass
print(n)
PY
}
# receipt_field KEY VALUE FIELD: FIELD of the one receipt with KEY == VALUE.
receipt_field() {
	"$PYTHON" - "$RECEIPTS_FILE" "$1" "$2" "$3" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
r = [d for d in r if d.get(sys.argv[2]) == sys.argv[3]]
print(r[0].get(sys.argv[4]) if len(r) == 1 else "%d receipts" % len(r))
PY
}

# Sent at once: one receipt, via sendmail, with the ID of the entry the
# message went through.
rm -rf "$OUTBOX"
start_server
port=$SERVER_PORT
profile "$port"
sed -i 's/^tls = starttls$/tls = opportunistic/' "$CONF/profiles.ini"
printf 'From: ann@example.org\nTo: bob@example.net\nMessage-ID: <rc-1@example.org>\nSubject: receipt\n\nbody\n' >"$WORK/r1.txt"
run_missive_in r1 "$WORK/r1.txt" sendmail -t
expect_exit r1 0
assert_msgs 1
assert_eq "$(receipts_of message_id '<rc-1@example.org>')" 1 "receipts of a sendmail message"
assert_eq "$(receipt_field message_id '<rc-1@example.org>' via)" sendmail "the receipt's via"
receipt_field message_id '<rc-1@example.org>' outbox_id | grep -q '^[a-z0-9]\{8\}$' ||
    fail "the receipt names no outbox ID: $(receipt_field message_id '<rc-1@example.org>' outbox_id)"
assert_eq "$(receipt_field message_id '<rc-1@example.org>' encrypted)" True "the receipt: encrypted"
grep -q "^127\.0\.0\.1:$port starttls verified" "$SERVERS_FILE" ||
    fail "the server is not remembered after a verified sendmail session: $(cat "$SERVERS_FILE" 2>&1)"
pass "sendmail: one receipt (via sendmail, the entry's ID), the server remembered"

# The same server without STARTTLS: the downgrade memory refuses (69, no
# MAIL), said with the way on; not queued (issue 13: the downgrade memory
# is the user's to look at); no receipt.
restart_server "$port" --scenario no-starttls
printf 'From: ann@example.org\nTo: bob@example.net\nMessage-ID: <rc-2@example.org>\nSubject: downgrade\n\nbody\n' >"$WORK/r2.txt"
run_missive_in r2 "$WORK/r2.txt" sendmail -t
expect_exit r2 69
assert_no_mail
grep -q "missive servers forget 127.0.0.1:$port" "$WORK/r2.err" || { show_missive r2 >&2; fail "r2: the way on"; }
grep -q "Not put in the outbox: waiting does not mend this." "$WORK/r2.err" || { show_missive r2 >&2; fail "r2: not queued"; }
assert_eq "$(files)" 0 "files in the outbox after a downgrade"
assert_eq "$(receipts_of message_id '<rc-2@example.org>')" 0 "receipts of a refused message"
run_missive_in r3 "$WORK/r2.txt" sendmail --json -t
expect_exit r3 69
expect_reason r3 tls_downgrade
# Forgotten, it goes in plain text, as the profile's opportunistic says.
"$MISSIVE" servers forget "127.0.0.1:$port" >/dev/null 2>&1 || fail "servers forget"
run_missive_in r4 "$WORK/r2.txt" sendmail -t
expect_exit r4 0
assert_msgs 1
assert_eq "$(receipt_field message_id '<rc-2@example.org>' encrypted)" False "the receipt: not encrypted"
pass "sendmail to a remembered server without STARTTLS: exit 69 (tls_downgrade), nothing sent or queued; once forgotten, sent"
