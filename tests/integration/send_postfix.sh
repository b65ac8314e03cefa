#!/bin/sh
# missive send through a real MTA: the private Postfix instance, STARTTLS
# verified against the test CA; the delivered Maildir file is read back
# with Python's email package (From, To, Cc, Subject with non-ASCII, body,
# no Bcc header) and the Received header says the hop was encrypted.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/lib/postfix.sh"

postfix_start

printf 'Hello Bob,\n\nThis went through Postfix. Grüße, naïve café.\n.a dot line\n' >"$WORK/body.txt"
run_missive pf send --json --timeout 10 --ca-file "$PKI/ca.pem" \
    --subject "Postfix test: héllo wörld" --cc carol@example.org \
    --bcc dave@example.net --body "$WORK/body.txt" \
    "localhost:$PF_PORT" "Alice Example <alice@example.org>" bob@example.org
expect_exit pf 0
check_json pf
assert_eq "$(result pf 'r["encrypted"]')" true "encrypted"
assert_eq "$(ev pf tls 'e["verified"]')" true "certificate verified"
assert_eq "$(result pf 'sorted(r["accepted"])')" '["bob@example.org", "carol@example.org", "dave@example.net"]' "accepted"
pass "sent through Postfix over verified STARTTLS"

postfix_wait_mail 3 20
for rcpt in bob@example.org carol@example.org dave@example.net; do
	f=$(grep -l "^Delivered-To: $rcpt" "$PF_MAILDIR"/new/* | head -n 1)
	[ -n "$f" ] || fail "no delivery for $rcpt"
	"$PYTHON" - "$f" <<'EOF' || fail "delivered message for $rcpt is wrong"
import sys
from email import policy
from email.parser import BytesParser
with open(sys.argv[1], "rb") as fh:
    m = BytesParser(policy=policy.default).parse(fh)
def check(what, got, want):
    if got != want:
        sys.exit("%s: got %r, want %r" % (what, got, want))
check("From", m["From"].addresses[0].addr_spec, "alice@example.org")
check("From name", m["From"].addresses[0].display_name, "Alice Example")
check("To", [a.addr_spec for a in m["To"].addresses], ["bob@example.org"])
check("Cc", [a.addr_spec for a in m["Cc"].addresses], ["carol@example.org"])
check("Subject", str(m["Subject"]), "Postfix test: héllo wörld")
check("Bcc", m["Bcc"], None)
body = m.get_body(("plain",)).get_content()
check("body", body.replace("\r\n", "\n").rstrip("\n"),
      "Hello Bob,\n\nThis went through Postfix. Grüße, naïve café.\n.a dot line")
# Postfix adds Return-Path, X-Original-To and Delivered-To; no other
# header may hold the Bcc address.
head = open(sys.argv[1], "rb").read().split(b"\n\n", 1)[0]
for line in head.split(b"\n"):
    if line.split(b":", 1)[0].lower() in (b"x-original-to", b"delivered-to", b"return-path"):
        continue
    if b"dave@example.net" in line:
        sys.exit("the Bcc address appears in the headers: %r" % line)
received = " ".join(m.get_all("Received"))
if "using TLSv1." not in received:
    sys.exit("Received header does not show TLS: " + received)
if m["Message-ID"] is None or m["Date"] is None:
    sys.exit("no Message-ID or Date")
EOF
done
pass "delivered to To, Cc and Bcc: headers, UTF-8 subject and body intact, no Bcc header, TLS hop"

# A 10 MiB body to two recipients: the body Postfix delivers is byte for
# byte the body missive rendered (--dry-run renders the same bytes; only
# Date and Message-ID differ between two renderings).
"$PYTHON" - "$WORK/big.txt" <<'EOF'
import random, sys
random.seed(7)
words = "alpha beta gamma delta Grüße naïve café 東京 .dot -- From >quoted".split()
out, size = [], 0
while size < 10 * 1024 * 1024:
    n = random.randint(0, 14)
    line = " ".join(random.choice(words) for _ in range(n))
    if random.random() < 0.02:
        line = "." + line
    out.append(line)
    size += len(line.encode()) + 1
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")
EOF
run_missive big send --json --timeout 30 --ca-file "$PKI/ca.pem" \
    --subject "10 MiB" --body "$WORK/big.txt" \
    "localhost:$PF_PORT" alice@example.org bob@example.org carol@example.org
expect_exit big 0
"$MISSIVE" send --dry-run --subject "10 MiB" --body "$WORK/big.txt" \
    "localhost:$PF_PORT" alice@example.org bob@example.org carol@example.org \
    >"$WORK/big.eml" || fail "dry run"
postfix_wait_mail 5 30
for rcpt in bob@example.org carol@example.org; do
	f=$(grep -l -e "^Subject: 10 MiB" $(grep -l "^Delivered-To: $rcpt" "$PF_MAILDIR"/new/*) | head -n 1)
	[ -n "$f" ] || fail "no 10 MiB delivery for $rcpt"
	"$PYTHON" - "$f" "$WORK/big.eml" <<'EOF' || fail "10 MiB body for $rcpt differs"
import sys
got = open(sys.argv[1], "rb").read().split(b"\n\n", 1)[1]
want = open(sys.argv[2], "rb").read().replace(b"\r\n", b"\n").split(b"\n\n", 1)[1]
if len(want) < 10 * 1024 * 1024:
    sys.exit("the rendered body is only %d bytes" % len(want))
if got != want:
    n = min(len(got), len(want))
    i = next((i for i in range(n) if got[i] != want[i]), n)
    sys.exit("bodies differ at byte %d (%d vs %d bytes)" % (i, len(got), len(want)))
EOF
done
pass "10 MiB body delivered byte for byte to two recipients"

postfix_stop || fail "Postfix left processes behind"
[ -z "$(postfix_procs)" ] || fail "Postfix processes left"
pass "Postfix stopped cleanly"
