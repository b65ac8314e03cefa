#!/bin/sh
# neomutt in batch mode with `set sendmail="missive sendmail -p test"`
# and use_envelope_from: a message with an attachment arrives as neomutt
# produced it (byte for byte, CRLF; the arguments neomutt passed, -f
# among them, make the envelope), and the attachment decodes to the file
# sent. With the server down the message is queued (neomutt sees
# success) and `outbox flush` sends it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

command -v neomutt >/dev/null 2>&1 || skip "neomutt is not installed"

start_server
CONF=$XDG_CONFIG_HOME/missive
OUTBOX=$XDG_DATA_HOME/missive/outbox
mkdir -p "$CONF"
chmod 700 "$CONF"
profile() {
	printf '[test]\nserver = 127.0.0.1:%s\ntls = starttls\nca_file = %s\nfrom = ignored@example.org\ntimeout = 5\n' \
	    "$1" "$PKI/ca.pem" >"$CONF/profiles.ini"
	chmod 600 "$CONF/profiles.ini"
}
profile "$SERVER_PORT"

# What neomutt hands over, kept by a wrapper on its way to missive.
mkdir -p "$WORK/piped"
cat >"$WORK/tee-sendmail" <<EOF
#!/bin/sh
cat >"$WORK/piped/msg.eml"
printf '%s\n' "\$*" >"$WORK/piped/args"
exec "$MISSIVE" sendmail -p test "\$@" <"$WORK/piped/msg.eml"
EOF
chmod +x "$WORK/tee-sendmail"
muttrc() {	# SENDMAIL: a muttrc as the man page's recipe has it
	cat >"$WORK/muttrc" <<EOF
set sendmail="$1"
set use_envelope_from = yes
set from = "Ann Example <ann@example.org>"
set hostname = example.org
set record = ""
set copy = no
set charset = utf-8
set send_charset = "us-ascii:utf-8"
set folder = "$WORK/mail"
set spoolfile = "$WORK/mail"
set header_cache = ""
EOF
}
head -c 30000 /dev/urandom >"$WORK/data.bin"
printf 'Hello Bob,\n\nthe figures are attached; grüße.\n.\n-- \nAnn\n' >"$WORK/body.txt"
mutt_send() {	# NAME: neomutt -n -F muttrc -s ... -a data.bin -- bob
	TERM=dumb neomutt -n -F "$WORK/muttrc" -s "Figures for May" -a "$WORK/data.bin" \
	    -- bob@example.net <"$WORK/body.txt" >"$WORK/$1.out" 2>&1
}

muttrc "$WORK/tee-sendmail -oem -oi"
mutt_send mutt1
rc=$?
[ $rc = 0 ] || { cat "$WORK/mutt1.out"; fail "neomutt exited $rc"; }
assert_msgs 1
sed 's/^/# neomutt passed: /' "$WORK/piped/args"
"$PYTHON" - "$WORK/piped" "$RECORD" "$WORK/data.bin" <<'PY' || fail "what arrived is not what neomutt produced"
import email, email.policy, json, os, sys
piped, rec, data = sys.argv[1:]
produced = open(os.path.join(piped, "msg.eml"), "rb").read()
arrived = open(os.path.join(rec, "msg-1.eml"), "rb").read()
env = json.load(open(os.path.join(rec, "msg-1.json")))
want = produced.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
# neomutt writes Date and Message-ID itself: nothing is added.
if arrived != want:
    sys.exit("differs:\n%r\n%r" % (arrived[:600], want[:600]))
args = open(os.path.join(piped, "args")).read().split()
if "-f" not in args or args[args.index("-f") + 1] != "ann@example.org":
    sys.exit("neomutt did not pass -f: %r" % args)
if env["mail_from"] != "ann@example.org" or env["rcpt_to"] != ["bob@example.net"]:
    sys.exit("envelope %r %r" % (env["mail_from"], env["rcpt_to"]))
m = email.message_from_bytes(arrived, policy=email.policy.default)
parts = list(m.iter_attachments())
if len(parts) != 1 or parts[0].get_content() != open(data, "rb").read():
    sys.exit("the attachment did not survive")
body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
if "grüße" not in body or "\n.\n" not in body:
    sys.exit("body %r" % body)
PY
pass "neomutt -s -a -- addr: arrives byte for byte as neomutt produced it; -f from use_envelope_from; the attachment decodes to the file"

# The recipe itself, with the server down: queued, neomutt content.
port=$SERVER_PORT
stop_server
muttrc "$MISSIVE sendmail -p test"
mutt_send mutt2
rc=$?
[ $rc = 0 ] || { cat "$WORK/mutt2.out"; fail "neomutt with the server down exited $rc"; }
[ "$(ls "$OUTBOX" | grep -c '\.env$')" = 1 ] || fail "not in the outbox"
start_server --port "$port"
run_missive flush outbox flush
expect_exit flush 0
assert_msgs 1
grep -q "^Subject: Figures for May" "$RECORD/msg-1.eml" || fail "the queued message did not arrive"
mid=$(sed -n 's/^Message-ID: //p' "$RECORD/msg-1.eml" | tr -d '\r')
run_missive rcpt receipts --json
expect_exit rcpt 0
"$PYTHON" - "$WORK/rcpt.out" "$mid" <<'PY' || fail "the receipts of the neomutt messages"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
vias = [d["via"] for d in r]
mine = [d for d in r if d["message_id"] == sys.argv[2]]
if vias != ["sendmail", "outbox"] or len(mine) != 1 or not mine[0]["outbox_id"]:
    sys.exit("receipts: %r" % [(d["via"], d["message_id"], d["outbox_id"]) for d in r])
PY
pass "set sendmail=\"missive sendmail -p test\" with the server down: neomutt succeeds, the message waits, flush sends it, its receipt (via outbox) is there"
