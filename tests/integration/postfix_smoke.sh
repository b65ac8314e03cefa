#!/bin/sh
# The test bed itself: a private Postfix instance starts, takes a message
# from Python's smtplib over STARTTLS (verified against the test CA),
# delivers it into its Maildir, and stops without leaving a process behind.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/lib/postfix.sh"

_t0=$(date +%s%N)
postfix_start
note "Postfix started on port $PF_PORT in $(( ($(date +%s%N) - _t0) / 1000000 )) ms"
[ -n "$(postfix_master_pid)" ] || fail "no master.pid"
pass "Postfix starts"

"$PYTHON" - "$PF_PORT" "$PKI/ca.pem" <<'EOF' || fail "smtplib could not send through Postfix"
import smtplib, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
s = smtplib.SMTP("localhost", port, timeout=10)
s.ehlo("client.test")
assert s.has_extn("starttls"), s.esmtp_features
s.starttls(context=ctx)
print("TLS:", s.sock.version(), s.sock.cipher()[0])
s.ehlo("client.test")
msg = (b"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
       b"Subject: postfix smoke\r\nMessage-ID: <smoke@client.test>\r\n\r\n"
       b"Hello through Postfix.\r\n.dot line\r\n")
refused = s.sendmail("alice@example.org", ["bob@example.org"], msg)
assert not refused, refused
# Outside example.org: relaying is refused, nothing leaves the machine.
try:
    s.sendmail("alice@example.org", ["someone@elsewhere.invalid"], msg)
except smtplib.SMTPRecipientsRefused as e:
    print("relay refused:", e.recipients)
else:
    raise AssertionError("relay to elsewhere.invalid accepted")
s.quit()
EOF
pass "smtplib sent through Postfix with STARTTLS verified"

postfix_wait_mail 1 20
f=$(find "$PF_MAILDIR/new" -type f | head -n 1)
assert_file_contains "$f" "Subject: postfix smoke"
assert_file_contains "$f" "Hello through Postfix."
assert_file_contains "$f" "Delivered-To: bob@example.org"
assert_file_matches "$f" '^\.dot line$'
# smtpd_tls_received_header: the Received line says the hop was encrypted.
assert_file_matches "$f" '\(using TLSv1\.[23]'
pass "delivered to the Maildir: $f"

postfix_stop || fail "postfix_stop reported leftovers"
[ -z "$(postfix_procs)" ] || fail "processes of the instance left: $(postfix_procs)"
pass "Postfix stopped, no process left"
