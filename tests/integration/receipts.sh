#!/bin/sh
# Receipts: every message a server accepted gets one JSON line in
# $XDG_STATE_HOME/missive/receipts.jsonl (0600) whose fields are what the
# server saw (its record: address, TLS version and cipher, certificate,
# AUTH, Message-ID, size, each RCPT's answer, the queue id); no receipt for
# a message not accepted; no password anywhere in the state folder; appends
# from several missives at once all land; a line cut short is skipped and
# said; `missive receipts` filters by --to, --since and --unencrypted.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
PW='S3cret-pw!x'
start_server --auth-user ann --auth-pass "$PW"
P=$SERVER_PORT
mkdir -p "$XDG_CONFIG_HOME/missive"
cat >"$XDG_CONFIG_HOME/missive/profiles.ini" <<EOF
[work]
server = 127.0.0.1:$P
tls = starttls
ca_file = $PKI/ca.pem
user = ann
password_cmd = printf %s '$PW'
from = Ann <ann@example.org>
EOF
chmod 600 "$XDG_CONFIG_HOME/missive/profiles.ini"

# count: the receipts missive lists (JSON lines).
count() {
	"$MISSIVE" receipts --json 2>/dev/null | grep -c '^{'
}
# last_receipt: the newest receipt, as a file for json_get.
last_receipt() {
	"$MISSIVE" receipts --json 2>/dev/null | tail -n 1 >"$WORK/last.json"
}

run_missive one send --json -p work --timeout 5 --partial b@example.org refuse-x@example.org
expect_exit one 3
assert_msgs 1
[ -f "$RECEIPTS_FILE" ] || fail "no receipts file after an accepted message"
assert_eq "$(file_mode "$RECEIPTS_FILE")" 600 "mode of receipts.jsonl"
assert_eq "$(wc -l <"$RECEIPTS_FILE" | tr -d ' ')" 1 "receipt lines"
last_receipt
R=$WORK/last.json
g() { json_get "$R" "$1"; }
assert_eq "$(g 'd["via"]') $(g 'd["profile"]') $(g 'd["policy"]')" "send work starttls" "via, profile, policy"
assert_eq "$(g 'd["server"]'):$(g 'd["port"]')" "127.0.0.1:$P" "server and port"
peer=$(record_events connect | head -n 1 | "$PYTHON" -c 'import json,sys; print(json.loads(sys.stdin.readline())["peer"].rsplit(":", 1)[0])')
assert_eq "$(g 'd["address"]')" "$peer" "address (the server's peer)"
case $(g 'd["time"]') in
"$(date -u +%Y-%m-%d)"T??:??:??Z) ;;
*) fail "time is not today in RFC 3339 UTC: $(g 'd["time"]')" ;;
esac
tls=$(record_events tls | head -n 1)
echo "$tls" >"$WORK/tls.json"
assert_eq "$(g 'd["encrypted"]') $(g 'd["tls_version"]')" "true $(json_get "$WORK/tls.json" 'd["version"]')" "encrypted, tls_version"
# wolfSSL and OpenSSL spell the suite differently: TLS13-AES128-GCM-SHA256
# is TLS_AES_128_GCM_SHA256.
norm() { echo "$1" | sed 's/^TLS13-/TLS_/; s/-/_/g; s/AES\([0-9]\)/AES_\1/;'; }
assert_eq "$(norm "$(g 'd["cipher"]')")" "$(norm "$(json_get "$WORK/tls.json" 'd["cipher"]')")" "cipher"
assert_eq "$(g 'd["verified"]') $(g 'd["pinned"]') $(g 'd["fallback"]') $(g 'd["downgrade_memory"]')" \
    "true false false false" "verified, pinned, fallback, downgrade_memory"
assert_eq "$(g 'd["fingerprint_sha256"]')" "$(fingerprint "$PKI/localhost.pem")" "fingerprint_sha256"
assert_eq "$(g 'd["pubkey_sha256"]')" "$(pubkey_sha256 "$PKI/localhost.pem")" "pubkey_sha256"
record_events auth | head -n 1 >"$WORK/auth.json"
assert_eq "$(g 'd["auth"]')" "$(json_get "$WORK/auth.json" 'd["mech"]')" "auth"
assert_eq "$(g 'd["from"]')" ann@example.org "from"
mid=$(sed -n 's/^Message-ID: *//p' "$RECORD/msg-1.eml" | tr -d '\r')
assert_eq "$(g 'd["message_id"]')" "$mid" "message_id"
assert_eq "$(g 'd["size"]')" "$(wc -c <"$RECORD/msg-1.eml" | tr -d ' ')" "size"
assert_eq "$(g 'd["queue_id"]')" "$(json_get "$RECORD/msg-1.json" 'str(d["n"])')" "queue_id"
assert_eq "$(g 'd["reply"]["code"]') $(g 'd["reply"]["text"]')" "250 2.0.0 Ok: queued as 1" "reply"
# Each recipient's code and text are the server's answer to its RCPT.
"$PYTHON" - "$RECORD" "$R" <<'EOF' || fail "recipients differ from the server's answers"
import glob, json, sys
rec, receipt = sys.argv[1], json.load(open(sys.argv[2]))
lines = []
for f in glob.glob(rec + "/conn-*.jsonl"):
    for l in open(f):
        e = json.loads(l)
        if e["ev"] == "reply":
            lines += e["data"].split("\r\n")
want = []
for r in receipt["recipients"]:
    said = [l for l in lines if "<%s>" % r["address"] in l]
    if len(said) != 1:
        sys.exit("%s: server lines %r" % (r["address"], said))
    want.append({"address": r["address"], "code": int(said[0][:3]), "text": said[0][4:]})
if [r["address"] for r in want] != ["b@example.org", "refuse-x@example.org"] or want != receipt["recipients"]:
    sys.exit("receipt %r, server %r" % (receipt["recipients"], want))
EOF
pass "a receipt for an accepted message: every field equals what the server saw (record), 0600"

# No password anywhere: not in the clear, not as PLAIN's base64.
b64=$(printf '\000ann\000%s' "$PW" | base64)
if grep -r -F -e "$PW" -e "$b64" "$XDG_STATE_HOME" >/dev/null; then
	fail "the password is in the state folder: $(grep -r -l -F -e "$PW" -e "$b64" "$XDG_STATE_HOME")"
fi
"$MISSIVE" receipts --json | grep -F -q -e "$PW" && fail "the password is in missive receipts --json"
pass "the password is nowhere in the state folder"

# No receipt for a message not accepted.
n=$(count)
run_missive refused send --json -p work --timeout 5 refuse-a@example.org refuse-b@example.org
expect_exit refused 1
assert_eq "$(count)" "$n" "receipts after a refused message"
pass "a message the server did not accept has no receipt"

# The server is remembered now: the next receipt says so.
run_missive two send --json -p work --timeout 5 c@example.org
expect_exit two 0
last_receipt
assert_eq "$(g 'd["downgrade_memory"]') $(g 'd["queue_id"]')" "true 2" "second send: downgrade_memory, queue_id"
pass "downgrade_memory: true once the server is remembered"

# A fallback to plain text is in the receipt.
start_server --scenario starttls-no-tls
run_missive fb send --json --tls opportunistic --fallback-plaintext --timeout 5 \
    "127.0.0.1:$SERVER_PORT" a@example.org d@example.org
expect_exit fb 0
last_receipt
assert_eq "$(g 'd["encrypted"]') $(g 'd["fallback"]') $(g 'd["tls_version"]') $(g 'd["auth"]') $(g 'd["profile"]')" \
    "false true null null null" "fallback receipt"
pass "a fallback send: encrypted false, fallback true, no TLS version, no profile"

# --- several missives at once, a line cut short ----------------------------------

n=$(count)
for i in 1 2 3 4 5; do
	"$MISSIVE" send --tls off --timeout 10 "127.0.0.1:$SERVER_PORT" a@example.org \
	    "p$i@example.org" </dev/null >/dev/null 2>&1 &
	eval "pid$i=\$!"
done
for i in 1 2 3 4 5; do
	eval "wait \$pid$i" || fail "parallel send $i failed"
done
assert_eq "$(count)" $((n + 5)) "receipts after five sends at once"
"$PYTHON" -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$RECEIPTS_FILE" || fail "a line of receipts.jsonl is not JSON"
pass "five missives at once: five whole receipt lines"

printf '{"time":"2031-01-01T00:00:00Z","via":"send","recip' >>"$RECEIPTS_FILE"
n=$(count)
run_missive torn receipts
expect_exit torn 0
assert_file_contains "$WORK/torn.err" "the last line of $RECEIPTS_FILE is incomplete"
run_missive after send --tls off --timeout 5 "127.0.0.1:$SERVER_PORT" a@example.org z@example.org
expect_exit after 0
assert_eq "$(count)" $((n + 1)) "receipts after the torn line"
last_receipt
assert_eq "$(g 'd["recipients"][0]["address"]')" z@example.org "the receipt after the torn line"
run_missive torn2 receipts --json
assert_file_contains "$WORK/torn2.err" "1 line is not a receipt"
pass "a torn last line is skipped and said; the next receipt starts a line of its own"

# --- filters ------------------------------------------------------------------

cat >>"$RECEIPTS_FILE" <<'EOF'
{"time":"2020-01-02T03:04:05Z","via":"outbox","profile":null,"server":"old.example","port":25,"address":"192.0.2.1","policy":"opportunistic","encrypted":false,"tls_version":null,"cipher":null,"verified":false,"fingerprint_sha256":null,"fallback":false,"downgrade_memory":false,"auth":null,"message_id":"<old@example>","size":10,"recipients":[{"address":"Old@Example.org","code":250,"text":"ok"}],"queue_id":null}
EOF
run_missive since receipts --json --since "$(date -u +%Y-%m-%d)"
expect_exit since 0
grep -q old.example "$WORK/since.out" && fail "--since kept an older receipt"
assert_eq "$(grep -c '^{' "$WORK/since.out")" "$(($(count) - 1))" "--since today"
run_missive to receipts --json --to old@example.org
assert_eq "$(grep -c '^{' "$WORK/to.out")" 1 "--to (case ignored)"
run_missive toname receipts --json --to 'Bee <b@example.org>'
assert_eq "$(grep -c '^{' "$WORK/toname.out")" 1 "--to with a name"
run_missive plain receipts --json --unencrypted
grep -q '"encrypted":true' "$WORK/plain.out" && fail "--unencrypted listed an encrypted message"
assert_eq "$(grep -c "^{" "$WORK/plain.out")" 8 "--unencrypted: the fallback, five parallel, one after the torn line, the old one"
run_missive both receipts --unencrypted --since 2021-01-01 --to d@example.org
expect_exit both 0
assert_file_contains "$WORK/both.out" "TIME"
assert_file_contains "$WORK/both.out" "none (fell back)"
assert_eq "$(grep -c 'd@example.org' "$WORK/both.out")" 1 "table rows"
run_missive none receipts --to nobody@example.org
expect_exit none 0
assert_file_contains "$WORK/none.out" "No receipt matches."
run_missive baddate receipts --since yesterday
expect_exit baddate 2
assert_file_contains "$WORK/baddate.err" "--since: \`yesterday' is not a date as YYYY-MM-DD"
pass "receipts --since, --to (address or Name <address>), --unencrypted, together; a table; a bad date: exit 2"
