#!/bin/sh
# The end of the message and QUIT go out in one write (one TLS record,
# one packet), so a server cannot answer the end before QUIT arrives and
# cost a turn: BDAT's command, its chunk and QUIT (CHUNKING, two
# recipients, so the chunk waits for the RCPT answers); the last data,
# the final dot and QUIT (DATA). Seen with strace on a plaintext session.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

command -v strace >/dev/null 2>&1 || skip "strace is not installed (tools/deps)"
# LeakSanitizer cannot run under ptrace (an ASan build would fail at exit).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

# writes NAME CAPS: one send, every write to the socket in $WORK/NAME.st.
writes() {
	start_server --caps "$2"
	timeout -k 5 60 strace -f -qq -e trace=write,sendto,sendmsg -s 100000 \
	    -o "$WORK/$1.st" "$MISSIVE" send --tls off --timeout 5 \
	    "127.0.0.1:$SERVER_PORT" a@example.org b@example.org c@example.org \
	    </dev/null >"$WORK/$1.out" 2>"$WORK/$1.err" ||
	    { cat "$WORK/$1.err" >&2; fail "$1: not sent"; }
	assert_msgs 1
}

writes bdat pipelining,chunking,8bitmime
grep -q 'BDAT [0-9]* LAST\\r\\n' "$WORK/bdat.st" || fail "bdat: no BDAT LAST written"
grep 'BDAT [0-9]* LAST\\r\\n' "$WORK/bdat.st" | grep -q 'QUIT\\r\\n", [0-9]*' ||
    { grep -E 'BDAT|QUIT' "$WORK/bdat.st" | cut -c1-160 >&2; fail "bdat: BDAT, its chunk and QUIT in more than one write"; }
pass "BDAT LAST, the message and QUIT: one write"

writes data pipelining,8bitmime
grep -q '\\r\\n\.\\r\\nQUIT\\r\\n", [0-9]*' "$WORK/data.st" ||
    { grep -E 'QUIT|\\.\\r' "$WORK/data.st" | cut -c1-160 >&2; fail "data: the final dot and QUIT in more than one write"; }
pass "DATA: the end of the message, the final dot and QUIT: one write"
