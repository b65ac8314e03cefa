#!/bin/sh
# A closed output does not kill missive mid-send: with `missive send
# --json | head -1` the reader goes away after the first event; missive
# ignores SIGPIPE, finishes the session (the message is sent, the exit
# status says so), and reports the closed output on stderr. The same for
# probe's report.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"

# Every reply a little late, so the reader is gone before most events.
start_server --delay 0.2
{ timeout -k 5 60 "$MISSIVE" send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" \
    a@example.org b@example.org </dev/null 2>"$WORK/json.err"; echo $? >"$WORK/json.rc"; } |
    head -1 >"$WORK/json.out"
rc=$(cat "$WORK/json.rc")
[ "$rc" != 141 ] || fail "--json | head -1: killed by SIGPIPE"
[ "$rc" = 0 ] || { cat "$WORK/json.err" >&2; fail "--json | head -1: exit $rc, expected 0 (sent)"; }
grep -q '"event":"connect"' "$WORK/json.out" || fail "--json | head -1: no first event"
grep -F -q "cannot write the events to standard output" "$WORK/json.err" ||
    { cat "$WORK/json.err" >&2; fail "--json | head -1: the closed output is not reported"; }
assert_msgs 1
pass "send --json | head -1: not killed, sent, exit 0, the closed output said on stderr"

start_server
{ timeout -k 5 60 "$MISSIVE" probe --timeout 5 $CA "127.0.0.1:$SERVER_PORT" \
    </dev/null 2>"$WORK/probe.err"; echo $? >"$WORK/probe.rc"; } | head -1 >/dev/null
rc=$(cat "$WORK/probe.rc")
[ "$rc" != 141 ] || fail "probe | head -1: killed by SIGPIPE"
pass "probe | head -1: not killed (exit $rc)"
