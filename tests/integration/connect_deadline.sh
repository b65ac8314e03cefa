#!/bin/sh
# One deadline for the whole connect phase, across every address of the
# name (Happy Eyeballs, RFC 8305: a new attempt every 250 ms while the
# earlier ones still wait): --timeout 2 with five addresses that never
# answer gives up after 2 seconds, not 5 x 2, and says so truthfully; a
# name whose first addresses never answer still reaches the one that
# does, at once. The name resolves through a private /etc/hosts
# (tests/lib/names.sh); the silent addresses are loopback listeners with a
# full backlog (tests/lib/blackhole.py), whose SYNs the kernel drops.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/lib/names.sh"

hosts_usable || skip "no private /etc/hosts here (needs root and unshare -m)"
FROM=a@example.org
TO=b@example.org

# blackhole ADDRESS... [--port N]: sets HOLE_PORT.
blackhole() {
	: >"$WORK/hole.out"
	"$PYTHON" "$TESTS_SRCDIR/lib/blackhole.py" --parent-pid $$ "$@" \
	    >"$WORK/hole.out" 2>"$WORK/hole.err" </dev/null &
	_pids="$_pids $!"
	_i=0
	HOLE_PORT=
	while [ $_i -lt 250 ] && [ -z "$HOLE_PORT" ]; do
		sleep 0.02
		HOLE_PORT=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$WORK/hole.out")
		_i=$((_i + 1))
	done
	[ -n "$HOLE_PORT" ] || { cat "$WORK/hole.err" >&2; fail "blackhole.py did not start"; }
}

blackhole 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6
printf '127.0.0.%s down.missive.test\n' 2 3 4 5 6 >"$WORK/hosts.down"
run_missive_hosts "$WORK/hosts.down" down send --json --timeout 2 \
    "down.missive.test:$HOLE_PORT" $FROM $TO
note "five silent addresses, --timeout 2: ${MMS} ms"
expect_exit down 1
check_json down
expect_reason down timeout
[ "$MMS" -lt 3500 ] || fail "down: the connect took ${MMS} ms with --timeout 2 (one deadline for all addresses)"
[ "$MMS" -ge 1900 ] || fail "down: gave up after ${MMS} ms, before the 2 seconds"
msg=$(result down 'r["message"]')
case $msg in
*"(127.0.0.2, 127.0.0.3, 127.0.0.4, 127.0.0.5, 127.0.0.6): no answer within 2 seconds"*) ;;
*) fail "down: the message does not say the deadline and the addresses tried: $msg" ;;
esac
pass "five silent addresses, --timeout 2: one 2-second deadline, all five tried, said so"

# The first addresses silent, the last one a server: reached at once.
start_server --listen 127.0.0.9 --caps pipelining,size
blackhole 127.0.0.2 127.0.0.3 127.0.0.4 --port "$SERVER_PORT"
printf '127.0.0.%s mixed.missive.test\n' 2 3 4 9 >"$WORK/hosts.mixed"
run_missive_hosts "$WORK/hosts.mixed" mixed send --json --timeout 10 --tls off \
    "mixed.missive.test:$SERVER_PORT" $FROM $TO
note "three silent addresses, then a server, --timeout 10: ${MMS} ms"
expect_exit mixed 0
assert_eq "$(ev mixed connect 'e["address"]')" 127.0.0.9 "connect.address"
[ "$MMS" -lt 4000 ] || fail "mixed: ${MMS} ms to reach the fourth address (each silent one waited for in turn)"
assert_msgs 1
pass "silent addresses first: the one that answers is reached within a second or so, not after 3 x 10 s"
