#!/bin/sh
# Without --ca-file the trust anchors are the system's bundle file, read
# once: a send opens /etc/ssl/certs/ca-certificates.crt and no other file
# of the certificate folder (wolfSSL's own search reads all 300 of them,
# each anchor twice, at twice the cost). In a mount namespace of its own
# the bundle is the system's plus the test CA, so the send verifies the
# test server through it; and a bundle without the test CA refuses it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

BUNDLE=/etc/ssl/certs/ca-certificates.crt
[ -r "$BUNDLE" ] || skip "no $BUNDLE here (the ca-certificates package)"
command -v strace >/dev/null 2>&1 || skip "strace is not installed (tools/deps)"
command -v unshare >/dev/null 2>&1 || skip "no unshare here (util-linux)"
unshare -m sh -c 'mount --bind /dev/null "$1"' sh "$BUNDLE" 2>/dev/null ||
    skip "no private mount namespace here (needs root and unshare -m)"
# LeakSanitizer cannot run under ptrace (an ASan build would fail at exit).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

pki_init
cat "$BUNDLE" "$PKI/ca.pem" >"$WORK/bundle.pem"
anchors=$(grep -c 'BEGIN CERTIFICATE' "$WORK/bundle.pem")

# with_bundle NAME FILE ARGS...: missive ARGS under strace, with FILE as
# the system bundle; exit status in NAME.rc, file opens in NAME.st.
with_bundle() {
	_n=$1 _b=$2
	shift 2
	timeout -k 5 60 unshare -m sh -c 'b=$1; shift; mount --bind "$b" "$0" &&
	    exec "$@"' "$BUNDLE" "$_b" strace -f -qq -e trace=openat,open \
	    -o "$WORK/$_n.st" "$MISSIVE" "$@" </dev/null >"$WORK/$_n.out" 2>"$WORK/$_n.err"
	echo $? >"$WORK/$_n.rc"
}

start_server
with_bundle trusted "$WORK/bundle.pem" send --tls starttls --json --timeout 5 \
    "127.0.0.1:$SERVER_PORT" me@example.org a@example.org
[ "$(cat "$WORK/trusted.rc")" = 0 ] ||
    { cat "$WORK/trusted.err" >&2; fail "not sent with the test CA in the system bundle"; }
assert_eq "$(ev trusted tls 'e["verified"]')" true "the certificate verified through the bundle"
assert_msgs 1
pass "the system bundle ($anchors anchors, the test CA among them) verifies the server"

opened=$(grep -v ENOENT "$WORK/trusted.st" | grep -o '"/etc/ssl/certs/[^"]*"' | sort -u)
assert_eq "$opened" "\"$BUNDLE\"" "files of /etc/ssl/certs opened"
pass "one file read for the system store: the bundle"

# The same bundle without the test CA: refused, as the system's own.
with_bundle untrusted "$BUNDLE" send --tls starttls --json --timeout 5 \
    "127.0.0.1:$SERVER_PORT" me@example.org a@example.org
assert_eq "$(cat "$WORK/untrusted.rc")" 1 "the system's bundle alone: exit status"
expect_reason untrusted cert_verify
assert_msgs 1
pass "without the test CA in the bundle: cert_verify"
