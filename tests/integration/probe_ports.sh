#!/bin/sh
# missive probe --ports HOST: 465 (implicit), 587 (STARTTLS) and 25
# (opportunistic) tried at once against test servers on those very ports
# (a network namespace of the test's own; the host name from a DNS stub):
# the table and the JSON objects say what each offers, 465 is recommended
# when it works, a silent port costs one deadline and not three, the exit
# status is 0 only with a verified certificate, and no mail is sent.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/netns.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
WILD="--cert $PKI/wildcard.pem --key $PKI/wildcard.key"
dns_zone <<EOF
smtp.example.test A 127.0.0.20
slow.example.test A 127.0.0.30
only587.example.test A 127.0.0.40
mem.example.test A 127.0.0.50
EOF
dns_start

start_server --listen 127.0.0.20 --port 465 --implicit-tls $WILD \
    --auth-user u --auth-pass p --size-limit 10485760
R465=$RECORD
start_server --listen 127.0.0.20 --port 587 $WILD --auth-user u --auth-pass p \
    --auth-mechs PLAIN,LOGIN,SCRAM-SHA-256
R587=$RECORD
start_server --listen 127.0.0.20 --port 25 --scenario no-starttls
R25=$RECORD

run_missive ports probe --ports --timeout 5 $CA smtp.example.test
expect_exit ports 0
grep -E '^\* +465 +implicit +TLS 1\.3 +verified +PLAIN LOGIN +10\.0 MiB ' \
    "$WORK/ports.out" >/dev/null || { show_missive ports; fail "row of 465"; }
grep -E '^ +587 +starttls +TLS 1\.3 +verified +PLAIN LOGIN SCRAM-SHA-256 +no limit ' \
    "$WORK/ports.out" >/dev/null || { show_missive ports; fail "row of 587"; }
grep -E '^ +25 +opportunistic +- +- +- +no limit .*no TLS' "$WORK/ports.out" \
    >/dev/null || { show_missive ports; fail "row of 25"; }
assert_file_contains "$WORK/ports.out" "Recommended: smtp.example.test port 465: implicit TLS, as RFC 8314 recommends"
assert_file_contains "$WORK/ports.err" "ports 465 (implicit TLS), 587 (STARTTLS) and 25 at once"
for r in "$R465" "$R587" "$R25"; do
	record_wait "$r"
	[ "$(RECORD=$r record_conns)" = 1 ] || fail "$r: not one connection"
	if RECORD=$r record_has_cmd '^(MAIL|RCPT|DATA|BDAT|AUTH)'; then
		fail "probe --ports sent a mail command or logged in ($r)"
	fi
done
RECORD=$R587 record_cmds | grep -q '^plain STARTTLS' || fail "587 without STARTTLS"
pass "table: 465 implicit/587 starttls verified with AUTH and SIZE, 25 without TLS, 465 recommended, no mail"

run_missive portsj probe --ports --json --timeout 5 $CA smtp.example.test
expect_exit portsj 0
assert_eq "$(wc -l <"$WORK/portsj.out")" 3 "JSON lines"
"$PYTHON" - "$WORK/portsj.out" <<'EOF' || fail "probe --ports --json objects"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["port"] for r in rows] == [465, 587, 25], rows
assert [r["tls_mode"] for r in rows] == ["implicit", "starttls", "opportunistic"]
assert [r["recommended"] for r in rows] == [True, False, False]
assert [r["usable"] for r in rows] == [True, True, False]
a, b, c = rows
assert a["certificate"] == b["certificate"] == "verified" and c["certificate"] is None
assert a["tls_version"] == "TLSv1.3" and a["encrypted"] and not c["encrypted"]
assert a["auth"] == ["PLAIN", "LOGIN"] and b["auth"] == ["PLAIN", "LOGIN", "SCRAM-SHA-256"]
assert a["size"] == 10485760 and b["size"] == 0
assert c["answered"] and c["auth"] == [] and c["reason"] is None
assert all(r["address"] == "127.0.0.20" and r["host"] == "smtp.example.test" for r in rows)
assert all(isinstance(r["time"], float) for r in rows)
EOF
pass "--json: one object per port with mode, verdict, AUTH, SIZE, usable, recommended"

# JSON numbers whatever the locale: French writes 0,012 for %f.
LC_ALL=fr_FR.UTF-8
run_missive portsfr probe --ports --json --timeout 5 $CA smtp.example.test
LC_ALL=C.UTF-8
expect_exit portsfr 0
"$PYTHON" - "$WORK/portsfr.out" <<'EOF' || { show_missive portsfr; fail "--json under LC_ALL=fr_FR.UTF-8"; }
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3 and all(isinstance(r["time"], float) for r in rows), rows
EOF
pass "--json under a French locale: valid JSON (a decimal point in time)"

# Silent ports: each waits its own deadline, all at once.
start_server --listen 127.0.0.30 --port 465 --scenario no-greeting
start_server --listen 127.0.0.30 --port 587 --scenario no-greeting
start_server --listen 127.0.0.30 --port 25 --scenario no-greeting
run_missive slow probe --ports --json --timeout 2 $CA slow.example.test
expect_exit slow 1
[ "$MMS" -lt 5000 ] || fail "three silent ports took $MMS ms with a 2 s deadline (one after the other?)"
[ "$MMS" -ge 1900 ] || fail "the deadline was not waited for ($MMS ms)"
"$PYTHON" - "$WORK/slow.out" <<'EOF' || fail "silent ports in JSON"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3 and all(r["reason"] == "timeout" and not r["answered"] and not r["usable"] for r in rows), rows
EOF
pass "three silent ports: one 2 s deadline in all ($MMS ms), reason timeout, exit 1"

# A certificate the probe cannot verify: shown, and exit 1.
run_missive untrusted probe --ports --timeout 5 smtp.example.test
expect_exit untrusted 1
grep -E '^ +465 +implicit +TLS 1\.3 +NOT verified ' "$WORK/untrusted.out" >/dev/null ||
    { show_missive untrusted; fail "unverified row"; }
assert_file_contains "$WORK/untrusted.out" "None of the ports offers TLS with a verified or pinned certificate"
# ... unless pinned.
run_missive pinned probe --ports --timeout 5 --fingerprint "$(fingerprint "$PKI/wildcard.pem")" smtp.example.test
expect_exit pinned 0
grep -E '^\* +465 +implicit +TLS 1\.3 +pinned ' "$WORK/pinned.out" >/dev/null ||
    { show_missive pinned; fail "pinned row"; }
pass "an unverified certificate: NOT verified, exit 1; pinned: usable, exit 0"

# Only 587 works: it is the one recommended.
start_server --listen 127.0.0.40 --port 587 $WILD --auth-user u --auth-pass p
run_missive only587 probe --ports --timeout 5 $CA only587.example.test
expect_exit only587 0
grep -E '^ +465 +implicit .*(refused|connect)' "$WORK/only587.out" >/dev/null ||
    { show_missive only587; fail "465 refused"; }
assert_file_contains "$WORK/only587.out" "Recommended: only587.example.test port 587: STARTTLS"
pass "465 refused, 587 verified: 587 recommended"

# The server memory (app/record.c), as probe has it: ports with a
# verified certificate are remembered; later, port 25 without its
# STARTTLS is a downgrade: nothing sent, said, exit 1 although 465 works.
start_server --listen 127.0.0.50 --port 465 --implicit-tls $WILD --auth-user u --auth-pass p
start_server --listen 127.0.0.50 --port 25 $WILD
M25=$SERVER_PID
run_missive mem1 probe --ports --timeout 5 $CA mem.example.test
expect_exit mem1 0
grep -q "^mem\.example\.test:465 implicit " "$SERVERS_FILE" &&
    grep -q "^mem\.example\.test:25 starttls " "$SERVERS_FILE" ||
    { cat "$SERVERS_FILE"; fail "465 and 25 not remembered"; }
grep -q "^mem\.example\.test:587 " "$SERVERS_FILE" && fail "587 (refused) remembered"
assert_file_contains "$WORK/mem1.out" "Server memory, port 25: remembered from now on"
stop_server "$M25"
start_server --listen 127.0.0.50 --port 25 --scenario no-starttls
R25=$RECORD
run_missive mem2 probe --ports --json --timeout 5 $CA mem.example.test
expect_exit mem2 1
"$PYTHON" - "$WORK/mem2.out" <<'EOF' || { show_missive mem2; fail "downgrade in JSON"; }
import json, sys
a, b, c = [json.loads(l) for l in open(sys.argv[1])]
assert a["usable"] and a["recommended"] and a["tls_remembered"], a
assert c["reason"] == "tls_downgrade" and not c["usable"] and c["tls_remembered"], c
assert "nothing was sent" in c["memory"], c
assert b["tls_remembered"] is None
EOF
run_missive mem3 probe --ports --timeout 5 $CA mem.example.test
expect_exit mem3 1
assert_file_contains "$WORK/mem3.out" "Server memory, port 25: TLS (starttls, "
assert_file_contains "$WORK/mem3.out" "Recommended: mem.example.test port 465"
RECORD=$R25 record_has_cmd '^(MAIL|RCPT|DATA|AUTH)' && fail "mail commands to the downgraded port"
pass "server memory: verified ports remembered; 25 without STARTTLS later: tls_downgrade, said, exit 1"

# Usage.
run_missive u1 probe --ports smtp.example.test:587
expect_exit u1 2
assert_file_contains "$WORK/u1.err" "--ports takes a HOST without a port"
run_missive u2 probe --ports --tls implicit smtp.example.test
expect_exit u2 2
assert_file_contains "$WORK/u2.err" "--tls does not go with --ports"
run_missive u3 send --ports smtp.example.test a@example.test b@example.test
expect_exit u3 2
assert_file_contains "$WORK/u3.err" "--ports is an option of missive probe"
run_missive u4 probe --ports --json
expect_exit u4 2
check_json u4
expect_reason u4 usage
pass "usage: HOST:PORT, --tls, send --ports, no HOST (JSON result usage): exit 2"
