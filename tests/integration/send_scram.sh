#!/bin/sh
# SCRAM-SHA-256 is strict: a server-first-message carrying a mandatory
# extension (m=) aborts the exchange (RFC 5802 5.1), and an iteration
# count below 4096 is refused (RFC 7677 4); in both cases the client
# cancels with "*" before sending any proof derived from the password, and
# says why. A correct server (i=4096) still works.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org
U=missive-user
P='Tr0ub4dor&3-zebra'

# scram NAME SCENARIO WORDS: AUTH refused by the client, explained.
scram() {
	start_server --auth-user "$U" --auth-pass "$P" --auth-mechs SCRAM-SHA-256 --scenario "$2"
	run_missive "$1" send --json --timeout 5 $CA --user "$U" \
	    --password-cmd "printf %s '$P'" "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit "$1" 1
	check_json "$1"
	expect_reason "$1" auth
	_m=$(result "$1" 'r["message"]')
	case $_m in
	*"$3"*) ;;
	*) fail "$1: the message does not say '$3': $_m" ;;
	esac
	record_wait
	# The answers to 334: only the cancel, no client-final-message (c=, p=).
	_answers=$("$PYTHON" "$QUERY" record "$RECORD" events cmd |
	    "$PYTHON" -c 'import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e.get("auth_continuation"):
        print(e["line"])')
	assert_eq "$_answers" "*" "$1: the client's answers to the server's challenge"
	assert_no_mail
}

scram mext scram-mext "SCRAM: the server requires a mandatory extension (m=)"
pass "server-first with m=: the exchange is cancelled with *, nothing derived from the password sent"
scram lowiter scram-low-iter "only 1 iteration of the password hash; RFC 7677 requires at least 4096"
pass "server-first with i=1: refused with *, in words"

start_server --auth-user "$U" --auth-pass "$P" --auth-mechs SCRAM-SHA-256
run_missive good send --json --timeout 5 $CA --user "$U" \
    --password-cmd "printf %s '$P'" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit good 0
assert_eq "$(ev good auth 'e["ok"]')" true "auth.ok"
assert_msgs 1
pass "SCRAM-SHA-256 with i=4096: authenticated, sent"
