#!/bin/sh
# missive probe for scripts and monitoring (issue 12, section 4): exit 0
# only when the server answered, every TLS step the policy calls for
# succeeded with a verified or pinned certificate, and, with credentials,
# the login did (no mail sent); 1 otherwise; 2 for usage; --help says so.
# The session timeline: probe draws each stage as a bar scaled to the
# longest (a slow EHLO is the longest bar), JSON result.stages carries
# the same, and send --transcript writes it as T: lines (a slow final
# reply).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"

# --- exit statuses
start_server --auth-user u --auth-pass p
A=127.0.0.1:$SERVER_PORT
run_missive ok probe --timeout 5 $CA "$A"
expect_exit ok 0
run_missive login probe --json --timeout 5 $CA --user u --password-cmd 'echo p' "$A"
expect_exit login 0
check_json login
assert_eq "$(ev login auth 'e["ok"]')" true "auth.ok"
run_missive badpw probe --json --timeout 5 $CA --user u --password-cmd 'echo wrong' "$A"
expect_exit badpw 1
expect_reason badpw auth
run_missive badpwt probe --timeout 5 $CA --user u --password-cmd 'echo wrong' "$A"
expect_exit badpwt 1
assert_file_contains "$WORK/badpwt.err" "Probe failed:"
record_wait
if record_has_cmd '^(MAIL|RCPT|DATA|BDAT)'; then fail "probe sent a mail command"; fi
run_missive untrusted probe --json --timeout 5 "$A"
expect_exit untrusted 1
expect_reason untrusted cert_verify
run_missive untrustedt probe --timeout 5 "$A"
expect_exit untrustedt 1
assert_file_contains "$WORK/untrustedt.err" "Probe failed:"
assert_file_contains "$WORK/untrustedt.err" "name it with --ca-file FILE"
# The report still shows the certificate, for pinning it.
assert_file_contains "$WORK/untrustedt.out" "$(fingerprint "$PKI/localhost.pem")"
run_missive pinned probe --timeout 5 --fingerprint "$(fingerprint "$PKI/localhost.pem")" "$A"
expect_exit pinned 0
assert_file_contains "$WORK/pinned.err" "(pinned certificate)"
run_missive usage probe --json --no-such-option "$A"
expect_exit usage 2
stop_server
start_server --scenario no-starttls
run_missive nostls probe --json --timeout 5 $CA --tls starttls "127.0.0.1:$SERVER_PORT"
expect_exit nostls 1
expect_reason nostls tls_required
stop_server
run_missive closed probe --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
expect_exit closed 1
expect_reason closed network
run_missive help probe --help
expect_exit help 0
assert_file_contains "$WORK/help.out" "Exit status: 0 the server answered and every TLS step"
# send's status 3 (some recipients refused) is not probe's.
sed -n '/^Exit status/,$p' "$WORK/help.out" | grep -q 3 &&
    fail "probe --help gives an exit status 3: $(sed -n '/^Exit status/,$p' "$WORK/help.out")"
pass "probe exits 0 only for a verified or pinned session (and a login, with credentials), 1 otherwise, 2 for usage; --help says so"

# --- the session timeline
# bar NAME STAGE: the cells of the first bar of STAGE in the timeline
# run NAME printed (lines "  STAGE  0.123s ####").
bar() {
	"$PYTHON" -c '
import sys, re
for l in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^(?:T: |  )(\S+(?: \S+)?)\s+([0-9.]+)s ?([#\u2588]*)$", l.rstrip("\n"))
    if m and m.group(1) == sys.argv[2]:
        print(len(m.group(3))); break
' "$WORK/$1.out" "$2"
}
start_server --scenario slow-ehlo
run_missive slow probe --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
expect_exit slow 0
assert_file_contains "$WORK/slow.out" "Timeline (each stage, scaled to the longest):"
for st in DNS connect greeting EHLO STARTTLS handshake; do
	[ -n "$(bar slow "$st")" ] || fail "no $st line in the timeline: $(cat "$WORK/slow.out")"
done
assert_eq "$(bar slow EHLO)" 40 "cells of the slow EHLO's bar (the longest)"
[ "$(bar slow handshake)" -lt 40 ] || fail "the handshake's bar is as long as the 0.6 s EHLO's"
run_missive slowj probe --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
expect_exit slowj 0
check_json slowj
result slowj '" ".join(s["stage"] for s in r["stages"])' >"$WORK/slowj.stages"
assert_eq "$(cat "$WORK/slowj.stages")" "dns connect greeting ehlo starttls handshake ehlo" "result.stages"
result slowj 'next(s["secs"] for s in r["stages"] if s["stage"] == "ehlo") >= 0.5' >"$WORK/slowj.ehlo"
assert_eq "$(cat "$WORK/slowj.ehlo")" true "the first ehlo stage took the server's 0.6 s"
stop_server
start_server --scenario slow-final
run_missive final send --timeout 5 $CA --transcript "$WORK/final.out" "127.0.0.1:$SERVER_PORT" \
    a@example.org b@example.org
expect_exit final 0
assert_msgs 1
assert_eq "$(bar final "final reply")" 40 "cells of the slow final reply's bar in the transcript"
for st in DNS connect greeting EHLO STARTTLS handshake envelope data; do
	[ -n "$(bar final "$st")" ] || fail "no T: $st line in the transcript: $(cat "$WORK/final.out")"
done
grep -q '^C: MAIL FROM:' "$WORK/final.out" || fail "the transcript lost its dialogue"
stop_server
pass "timeline: a slow EHLO is probe's longest bar, result.stages names each stage; a slow final reply is the longest T: line of --transcript"
