#!/bin/sh
# The test bed itself: drives the test server with Python's smtplib
# (STARTTLS verified against the test CA, AUTH PLAIN and LOGIN, a pipelined
# transaction, BDAT, dot-stuffing, refused recipients, SIZE) and checks that
# its record says exactly what happened.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_server --auth-user alice --auth-pass 's3cret!' --size-limit 100000

"$PYTHON" - "$SERVER_PORT" "$PKI/ca.pem" <<'EOF' || fail "smtplib client failed"
import smtplib, socket, ssl, sys, base64
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)

# 1: STARTTLS verified, AUTH PLAIN, DATA with dot-stuffing.
s = smtplib.SMTP("localhost", port, timeout=10)
code, _ = s.ehlo("client.test")
assert code == 250
assert s.has_extn("starttls"), s.esmtp_features
assert not s.has_extn("auth"), "AUTH must not be offered before TLS"
s.starttls(context=ctx)
s.ehlo("client.test")
assert s.has_extn("auth") and not s.has_extn("starttls")
s.login("alice", "s3cret!")	# smtplib picks CRAM-MD5, PLAIN, LOGIN in turn
body = b"Subject: one\r\n\r\n.leading dot\r\n..two dots\r\nend\r\n"
s.sendmail("alice@example.org", ["bob@example.org", "carol@example.org"], body)
s.quit()

# 2: a pipelined transaction written in one packet, then BDAT.
raw = socket.create_connection(("127.0.0.1", port), timeout=10)
raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = raw.makefile("rb")
def reply():
    lines = []
    while True:
        l = f.readline()
        assert l, "EOF"
        lines.append(l)
        if l[3:4] == b" ":
            return lines
assert reply()[0].startswith(b"220")
raw.sendall(b"EHLO pipe.test\r\n")
caps = b"".join(reply())
assert b"PIPELINING" in caps and b"CHUNKING" in caps, caps
raw.sendall(b"MAIL FROM:<p@example.org> BODY=8BITMIME SIZE=40\r\n"
            b"RCPT TO:<q@example.org>\r\nRCPT TO:<refuse-me@example.org>\r\n"
            b"DATA\r\n")
codes = [reply()[-1][:3] for _ in range(4)]
assert codes == [b"250", b"250", b"550", b"354"], codes
raw.sendall(b"Subject: piped\r\n\r\n\xc3\xa9t\xc3\xa9\r\n.\r\nMAIL FROM:<b@example.org>\r\n"
            b"RCPT TO:<r@example.org>\r\nBDAT 10\r\n0123456789BDAT 5 LAST\r\nabcde")
codes = [reply()[-1][:3] for _ in range(5)]
assert codes == [b"250"] * 5, codes
# Too big for --size-limit.
raw.sendall(b"MAIL FROM:<b@example.org> SIZE=200000\r\n")
assert reply()[-1][:3] == b"552"
raw.sendall(b"QUIT\r\n")
assert reply()[-1][:3] == b"221"
raw.close()

# 3: AUTH LOGIN, and a wrong password.
s = smtplib.SMTP("localhost", port, timeout=10)
s.starttls(context=ctx)
s.ehlo()
code, _ = s.docmd("AUTH", "LOGIN " + base64.b64encode(b"alice").decode())
assert code == 334, code
code, _ = s.docmd(base64.b64encode(b"s3cret!").decode())
assert code == 235, code
s.quit()
s = smtplib.SMTP("localhost", port, timeout=10)
s.starttls(context=ctx)
s.ehlo()
code, _ = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0alice\0wrong").decode())
assert code == 535, code
s.quit()
EOF
pass "smtplib dialogue with the server"

record_wait
assert_eq "$(record_conns)" 4 "connections"
assert_eq "$(record_msgs)" 3 "messages"

# Message 1: exact bytes after dot-unstuffing, envelope, TLS and AUTH.
# (smtplib dot-stuffed it; the record holds it unstuffed again)
printf 'Subject: one\r\n\r\n.leading dot\r\n..two dots\r\nend\r\n' >"$WORK/expect1"
cmp "$WORK/expect1" "$RECORD/msg-1.eml" || fail "msg-1.eml differs from what was sent"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["rcpt_to"]')" '["bob@example.org", "carol@example.org"]' "msg-1 rcpt_to"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["tls"]')" true "msg-1 tls"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["auth_user"]')" alice "msg-1 auth_user"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["method"]')" DATA "msg-1 method"
pass "message 1 recorded exactly"

# The TLS record of connection 1, and every command after STARTTLS over TLS.
"$PYTHON" "$QUERY" record "$RECORD" events tls 1 >"$WORK/tls1"
assert_file_matches "$WORK/tls1" '"version": "TLSv1\.[23]"'
assert_file_contains "$WORK/tls1" '"sni": "localhost"'
"$PYTHON" "$QUERY" record "$RECORD" cmds 1 >"$WORK/cmds1"
assert_eq "$(sed -n 1p "$WORK/cmds1")" "plain ehlo client.test" "first command"
assert_eq "$(sed -n 2p "$WORK/cmds1")" "plain STARTTLS" "second command"
if sed -n '3,$p' "$WORK/cmds1" | grep -q '^plain'; then
	fail "commands after STARTTLS recorded as plain"
fi
"$PYTHON" "$QUERY" record "$RECORD" events starttls 1 >"$WORK/st1"
assert_file_contains "$WORK/st1" '"pre_tls_bytes": ""'
pass "TLS recorded, commands flagged"

# AUTH attempts, secrets included.
record_events auth >"$WORK/auth"
assert_file_contains "$WORK/auth" '"password": "s3cret!"'
assert_file_contains "$WORK/auth" '"ok": true'
assert_file_contains "$WORK/auth" '"mech": "LOGIN"'
assert_file_contains "$WORK/auth" '"password": "wrong", "authzid": "", "ok": false'
record_cmds >"$WORK/allcmds"
assert_file_contains "$WORK/allcmds" "tls AUTH LOGIN $(printf alice | base64)"
pass "AUTH recorded"

# Message 2 (pipelined DATA) and BDAT message 2.
printf 'Subject: piped\r\n\r\n\303\251t\303\251\r\n' >"$WORK/expect2"
cmp "$WORK/expect2" "$RECORD/msg-2.eml" || fail "msg-2.eml differs"
assert_eq "$(json_get "$RECORD/msg-2.json" 'd["mail_params"]')" '{"BODY": "8BITMIME", "SIZE": "40"}' "msg-2 params"
assert_eq "$(json_get "$RECORD/msg-2.json" 'd["rcpt_to"]')" '["q@example.org"]' "msg-2 rcpt_to"
assert_eq "$(json_get "$RECORD/msg-2.json" 'd["eight_bit"]')" true "msg-2 eight_bit"
assert_eq "$(json_get "$RECORD/msg-2.json" 'd["tls"]')" false "msg-2 tls"
pass "pipelined DATA recorded"

printf '0123456789abcde' >"$WORK/expect3"
cmp "$WORK/expect3" "$RECORD/msg-3.eml" || fail "msg-3.eml differs"
assert_eq "$(json_get "$RECORD/msg-3.json" 'd["method"]')" BDAT "msg-3 method"
assert_eq "$(json_get "$RECORD/msg-3.json" 'd["rcpt_to"]')" '["r@example.org"]' "msg-3 rcpt_to"
[ -f "$RECORD/msg-4.json" ] && fail "unexpected msg-4 (the SIZE refusal)"
pass "BDAT message recorded, SIZE limit enforced"
