#!/bin/sh
# valgrind memcheck on whole sends, the way a user runs them: STARTTLS,
# AUTH (PLAIN and SCRAM-SHA-256) with the password from a command, an
# attachment, the worker thread; and a probe. No error and no leak of any
# kind (definite, indirect, possible, or still reachable in missive's own
# code), or the test fails with valgrind's report.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
case $MISSIVE in
*/build-asan/* | *sanitiz*) skip "a sanitizer build cannot run under valgrind" ;;
esac
# The libtool-free build puts the real program here.
[ -x "$MISSIVE" ] || fail "no program at $MISSIVE"

U=missive-user
P='v4lgr1nd-secret'
head -c 200000 /dev/urandom >"$WORK/att.bin"

vg() {	# NAME ARGS...: run missive under memcheck, log in $WORK/NAME.vg
	_n=$1
	shift
	valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=all --errors-for-leak-kinds=all \
	    --track-fds=yes --child-silent-after-fork=yes \
	    --log-file="$WORK/$_n.vg" "$MISSIVE" "$@" \
	    >"$WORK/$_n.out" 2>"$WORK/$_n.err" </dev/null
	_rc=$?
	if [ $_rc = 99 ] || ! grep -q "ERROR SUMMARY: 0 errors" "$WORK/$_n.vg"; then
		cat "$WORK/$_n.vg" >&2
		fail "valgrind found errors in $_n"
	fi
	grep -q "All heap blocks were freed -- no leaks are possible" "$WORK/$_n.vg" ||
	    { cat "$WORK/$_n.vg" >&2; fail "$_n: heap blocks left at exit"; }
	# Descriptors open at exit that missive opened (not inherited).
	_fds=$(awk '/Open (file descriptor|AF_)/ { open = $0; next }
	    open != "" { if ($0 !~ /inherited from parent/) print open; open = "" }' \
	    "$WORK/$_n.vg")
	[ -z "$_fds" ] || { cat "$WORK/$_n.vg" >&2; fail "$_n: left open at exit: $_fds"; }
	return $_rc
}

for mech in PLAIN SCRAM-SHA-256; do
	start_server --auth-user "$U" --auth-pass "$P" --auth-mechs "$mech"
	vg "send_$mech" send --tls starttls --ca-file "$PKI/ca.pem" \
	    --user "$U" --password-cmd "printf %s '$P'" --subject "valgrind" \
	    --attach "$WORK/att.bin" "127.0.0.1:$SERVER_PORT" a@example.org \
	    b@example.org || { cat "$WORK/send_$mech.err" >&2; fail "send ($mech) failed"; }
	record_wait
	assert_msgs 1
	pass "send with STARTTLS, AUTH $mech and an attachment: no memory error, no leak"
	stop_server
done

start_server
vg probe probe --tls starttls --ca-file "$PKI/ca.pem" "127.0.0.1:$SERVER_PORT" ||
    { cat "$WORK/probe.err" >&2; fail "probe failed"; }
pass "probe with STARTTLS: no memory error, no leak"

# A failure path: a refused certificate (the error and its hints freed).
vg refused send --tls starttls "127.0.0.1:$SERVER_PORT" a@example.org b@example.org
[ $? = 1 ] || fail "an untrusted certificate was not refused"
pass "a refused certificate: no memory error, no leak"
