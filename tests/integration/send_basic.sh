#!/bin/sh
# missive send, the good path: STARTTLS verified against the test CA, the
# bytes received are the bytes --dry-run prints (BDAT and DATA with
# dot-stuffing), valid --json, Bcc only in the envelope, a CR/LF in a field
# refused before any connection, IPv6 literals.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
printf 'Hello,\n.a line with a leading dot\n..and two\n.\nend\n' >"$WORK/body.txt"

# 1. STARTTLS (port not 25: required by default), verified, BDAT.
start_server
run_missive send1 send --json --timeout 5 $CA --subject "Test one" \
    --bcc hidden@example.net --body "$WORK/body.txt" \
    "127.0.0.1:$SERVER_PORT" a@example.org b@example.org
expect_exit send1 0
check_json send1
assert_eq "$(result send1 'r["sent"]')" true "result.sent"
assert_eq "$(result send1 'r["encrypted"]')" true "result.encrypted"
assert_eq "$(result send1 'r["reason"]')" null "result.reason"
assert_eq "$(result send1 'sorted(r["accepted"])')" '["b@example.org", "hidden@example.net"]' "result.accepted"
assert_eq "$(ev send1 tls 'e["verified"]')" true "tls.verified"
has_event send1 sent || fail "no sent event"
pass "sent over verified STARTTLS, --json valid, result says so"

assert_msgs 1
record_cmds >"$WORK/cmds1"
head -n 2 "$WORK/cmds1" | grep -q '^plain STARTTLS$' || fail "STARTTLS not the second command: $(head -n 2 "$WORK/cmds1")"
if sed -n '3,$p' "$WORK/cmds1" | grep -q '^plain '; then
	fail "commands after STARTTLS in plain: $(cat "$WORK/cmds1")"
fi
record_events starttls >"$WORK/st1"
assert_file_contains "$WORK/st1" '"pre_tls_bytes": ""'
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["tls"]')" true "message over TLS"
assert_eq "$(json_get "$RECORD/msg-1.json" 'sorted(d["rcpt_to"])')" '["b@example.org", "hidden@example.net"]' "envelope recipients"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["mail_from"]')" a@example.org "envelope sender"
pass "record: every command after STARTTLS over TLS, envelope holds the Bcc"

# Bcc never in the received headers (nor anywhere in the message).
assert_file_not_contains "$RECORD/msg-1.eml" hidden@example.net
assert_file_not_contains "$RECORD/msg-1.eml" "Bcc:"
pass "Bcc not in the message"

# The same bytes as --dry-run prints. Date and Message-ID are made per run:
# compare their presence, and every other byte exactly.
run_missive dry1 send --dry-run $CA --subject "Test one" \
    --bcc hidden@example.net --body "$WORK/body.txt" \
    "127.0.0.1:$SERVER_PORT" a@example.org b@example.org
expect_exit dry1 0
"$PYTHON" - "$WORK/dry1.out" "$RECORD/msg-1.eml" <<'EOF' || fail "received bytes differ from --dry-run"
import re, sys
a, b = (open(p, "rb").read() for p in sys.argv[1:])
def mask(m):
    for h in (b"Date", b"Message-ID"):
        m, n = re.subn(rb"(?im)^(" + h + rb":)[^\r\n]*(\r\n[ \t][^\r\n]*)*", rb"\1 X", m, count=1)
        assert n == 1, "no %s header" % h.decode()
    return m
if mask(a) != mask(b):
    sys.stderr.write("dry-run:  %r\nreceived: %r\n" % (a[:600], b[:600]))
    sys.exit(1)
assert b"\r\n.a line with a leading dot\r\n..and two\r\n.\r\nend\r\n" in b, b
EOF
[ "$(json_get "$RECORD/msg-1.json" 'd["size"]')" = "$(wc -c <"$WORK/dry1.out" | tr -d ' ')" ] ||
    fail "received size differs from the --dry-run size"
# --dry-run connected nowhere.
record_wait
assert_eq "$(record_conns)" 1 "connections after --dry-run"
pass "received bytes = --dry-run bytes (Date, Message-ID aside), no connection for --dry-run"

# 2. DATA with dot-stuffing (no CHUNKING offered).
start_server --caps pipelining,size,8bitmime,enhancedstatuscodes,starttls
run_missive send2 send --json --timeout 5 $CA --subject "Test two" \
    --body "$WORK/body.txt" "127.0.0.1:$SERVER_PORT" a@example.org b@example.org
expect_exit send2 0
check_json send2
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["method"]')" DATA "transfer method"
run_missive dry2 send --dry-run --subject "Test two" --body "$WORK/body.txt" \
    "127.0.0.1:$SERVER_PORT" a@example.org b@example.org
"$PYTHON" - "$WORK/dry2.out" "$RECORD/msg-1.eml" <<'EOF' || fail "DATA: received bytes differ from --dry-run"
import re, sys
a, b = (open(p, "rb").read() for p in sys.argv[1:])
mask = lambda m: re.sub(rb"(?im)^(Date|Message-ID):[^\r\n]*", rb"\1: X", m)
assert mask(a) == mask(b), (a[:400], b[:400])
EOF
pass "DATA path: dot-stuffing undone by the server gives the --dry-run bytes"

# 3. A CR or LF in a typed field: exit 2, the field named, no connection.
start_server
for field in subject cc helo; do
	case $field in
	subject) set -- --subject "$(printf 'Hi\r\nBcc: evil@example.com')" ;;
	cc) set -- --cc "$(printf 'x@example.org\nBcc: evil@example.com')" ;;
	helo) set -- --helo "$(printf 'me\r\nMAIL FROM:<x@y>')" ;;
	esac
	run_missive crlf_$field send --json --timeout 5 $CA "$@" \
	    "127.0.0.1:$SERVER_PORT" a@example.org b@example.org
	expect_exit crlf_$field 2
	check_json crlf_$field
	expect_reason crlf_$field usage
	cat "$WORK/crlf_$field.err" "$WORK/crlf_$field.out" >"$WORK/crlf_$field.all"
	grep -qi "$field" "$WORK/crlf_$field.all" ||
	    fail "--$field with CR/LF: the message does not name the field: $(cat "$WORK/crlf_$field.all")"
done
sleep 0.1
assert_eq "$(record_conns)" 0 "connections after CR/LF refusals"
pass "CR/LF in subject, cc, helo: exit 2 naming the field, no connection"

# 4. 8-bit body with 8BITMIME: BODY=8BITMIME; a UTF-8 address: SMTPUTF8.
printf 'Gr\303\274\303\237e aus K\303\266ln\n' >"$WORK/utf8.txt"
start_server
run_missive eight send --json --timeout 5 $CA --subject "$(printf 'K\303\266ln')" \
    --body "$WORK/utf8.txt" "127.0.0.1:$SERVER_PORT" a@example.org \
    "$(printf 'j\303\266rg@example.org')"
expect_exit eight 0
check_json eight
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["mail_params"].get("BODY")')" 8BITMIME "BODY parameter"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["mail_params"].get("SMTPUTF8")')" true "SMTPUTF8 parameter"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["rcpt_to"]')" '["jörg@example.org"]' "UTF-8 recipient"
grep -q "$(printf 'K\303\266ln')" "$RECORD/msg-1.eml" || fail "8-bit body not sent as 8-bit"
pass "8BITMIME and SMTPUTF8 used when needed and offered"

# 5. IPv6 literal, when the host has ::1.
if "$PYTHON" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	start_server --listen ::1
	run_missive v6 send --json --timeout 5 $CA --subject v6 \
	    "[::1]:$SERVER_PORT" a@example.org b@example.org
	expect_exit v6 0
	check_json v6
	assert_eq "$(ev v6 connect 'e["address"]')" "::1" "connect.address"
	assert_msgs 1
	pass "IPv6 [::1]:port, certificate IP SAN ::1 verified"
else
	note "no ::1 here: IPv6 case not run"
fi
