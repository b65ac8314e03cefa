#!/bin/sh
# The part of a STARTTLS handshake that needs nothing from the server (the
# trust anchors parsed, the session object and its key pairs) is done
# while the server prepares its greeting, not after its "220 Ready to
# start TLS": the CA file is read before the greeting is. A plaintext
# session (--tls off) never reads it, and a CA file that cannot be loaded
# is still reported where the handshake stands. Seen with strace.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

command -v strace >/dev/null 2>&1 || skip "strace is not installed (tools/deps)"
# LeakSanitizer cannot run under ptrace (an ASan build would fail at exit).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

pki_init
cp "$PKI/ca.pem" "$WORK/anchors.pem"

# traced NAME POLICY: one send under strace; its file opens and socket
# reads in $WORK/NAME.st.
traced() {
	timeout -k 5 60 strace -f -qq -e trace=openat,open,read,recvfrom,recvmsg \
	    -s 64 -o "$WORK/$1.st" "$MISSIVE" send --tls "$2" --ca-file "$WORK/anchors.pem" \
	    --timeout 5 "127.0.0.1:$SERVER_PORT" a@example.org b@example.org \
	    </dev/null >"$WORK/$1.out" 2>"$WORK/$1.err"
	echo $? >"$WORK/$1.rc"
}

# line NAME PATTERN: the number of the first line of NAME.st matching.
line() { grep -n -E "$2" "$WORK/$1.st" | head -n 1 | cut -d: -f1; }

start_server --delay 0.2
for policy in starttls opportunistic; do
	traced $policy $policy
	assert_eq "$(cat "$WORK/$policy.rc")" 0 "$policy: exit status"
	ca=$(line $policy 'anchors\.pem')
	greet=$(line $policy '"220 [^"]*ESMTP')
	ready=$(line $policy '"220 [^"]*TLS')
	[ -n "$ca" ] && [ -n "$greet" ] && [ -n "$ready" ] ||
	    { cat "$WORK/$policy.err" >&2; fail "$policy: the CA file ($ca), greeting ($greet) or STARTTLS answer ($ready) not seen"; }
	[ "$ca" -lt "$greet" ] ||
	    { grep -n -E 'anchors|"220 ' "$WORK/$policy.st" >&2; fail "$policy: the CA file was read after the greeting"; }
	pass "$policy: the trust anchors are loaded before the greeting arrives"
done
assert_msgs 2

traced off off
assert_eq "$(cat "$WORK/off.rc")" 0 "--tls off: exit status"
[ -z "$(line off 'anchors\.pem')" ] || fail "--tls off read the CA file"
pass "--tls off: no TLS work at all"
assert_msgs 3

# A CA file that is no certificate: the send fails at the handshake, with
# the words of the handshake, after the server offered STARTTLS.
echo "not a certificate" >"$WORK/anchors.pem"
traced bad starttls
assert_eq "$(cat "$WORK/bad.rc")" 2 "an unusable CA file: exit status"
assert_file_contains "$WORK/bad.err" "--ca-file: cannot load certificates from"
assert_file_contains "$WORK/bad.err" "STARTTLS"
assert_msgs 3
