#!/bin/sh
# Internationalised domains go out as A-labels to a server without
# SMTPUTF8, through libidn2, which missive loads only when a domain needs
# it (a run without one maps neither it nor libunistring). Where it cannot
# be loaded, such a send stops before connecting, naming the package,
# while ASCII mail still goes.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"

if command -v ldd >/dev/null 2>&1; then
	ldd "$MISSIVE" >"$WORK/ldd" 2>&1
	assert_file_not_contains "$WORK/ldd" libidn2
	assert_file_not_contains "$WORK/ldd" libunistring
	pass "missive is not linked to libidn2 or libunistring"
fi

start_server --caps pipelining,8bitmime,starttls,enhancedstatuscodes
run_missive idn send --tls starttls $CA --json --subject "Grüße" \
    "127.0.0.1:$SERVER_PORT" ann@münchen.example user@bücher.example bob@example.org
expect_exit idn 0
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["mail_from"]')" ann@xn--mnchen-3ya.example "envelope sender"
assert_eq "$(json_get "$RECORD/msg-1.json" 'sorted(d["rcpt_to"])')" \
    '["bob@example.org", "user@xn--bcher-kva.example"]' "envelope recipients"
pass "IDN sender and recipient sent as A-labels to a server without SMTPUTF8"

# libidn2 unreadable, in a mount namespace of this run only.
lib=$(ldconfig -p 2>/dev/null | sed -n 's/.*libidn2\.so\.0 .*=> //p' | head -n 1)
if [ -n "$lib" ] && command -v unshare >/dev/null 2>&1 &&
    unshare -m sh -c 'mount --bind /dev/null "$1"' sh "$lib" 2>/dev/null; then
	# nolib NAME ARGS...: missive ARGS with libidn2 hidden.
	nolib() {
		_n=$1
		shift
		timeout -k 5 60 unshare -m sh -c 'l=$1; shift; mount --bind /dev/null "$l" &&
		    exec "$@"' sh "$lib" "$MISSIVE" "$@" </dev/null \
		    >"$WORK/$_n.out" 2>"$WORK/$_n.err"
		echo $? >"$WORK/$_n.rc"
	}
	nolib nolib send --tls starttls $CA --timeout 5 "127.0.0.1:$SERVER_PORT" \
	    ann@example.org user@bücher.example
	[ "$(cat "$WORK/nolib.rc")" != 0 ] || fail "sent without libidn2"
	assert_file_contains "$WORK/nolib.err" "user@bücher.example"
	assert_file_contains "$WORK/nolib.err" "libidn2"
	assert_file_contains "$WORK/nolib.err" "install the package libidn2-0"
	assert_msgs 1
	pass "without libidn2: refused before sending, naming the package ($(head -c 300 "$WORK/nolib.err"))"
	nolib ascii send --tls starttls $CA --timeout 5 "127.0.0.1:$SERVER_PORT" \
	    ann@example.org bob@example.org
	assert_eq "$(cat "$WORK/ascii.rc")" 0 "without libidn2, ASCII addresses: exit status"
	assert_msgs 2
	pass "without libidn2, ASCII mail still goes"
else
	note "no private mount namespace here (needs root and unshare -m): libidn2 not hidden"
fi
