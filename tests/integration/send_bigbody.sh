#!/bin/sh
# A text body is streamed from its file, never held whole: an 80 MiB
# --body (over the old 64 MiB limit) is sent and the server receives
# exactly its bytes (CRLF line ends on the wire, the same SHA-256 once
# they are LF again), with a peak RSS that stays near a 1 KiB send's;
# the same for a body read from a pipe (--body -, spooled to a temporary
# file). Memory is asserted, time is not.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

[ -x /usr/bin/time ] || skip "GNU time (/usr/bin/time) is not installed (tools/deps)"

# text FILE MIB: lines of words, UTF-8, some starting with a dot (the
# engine stuffs them for DATA), some with "From " and "="; one MiB of
# them, again and again, shifted by a line each time so that block ends
# fall everywhere. No line is over 78 characters: a longer one makes the
# text format=flowed (wrap = auto), which reworks it in memory.
text() {
	"$PYTHON" - "$1" "$2" <<'EOF' || fail "cannot write $1"
import random, sys
random.seed(16)
words = ["alpha", "beta", "über", "Grüße", "東京", "x" * 30, ".dot", "=eq", "From"]
lines, n = [], 0
while n < 1048576:
    line = " ".join(random.choice(words) for _ in range(random.randint(0, 14)))[:76]
    if random.random() < 0.02:
        line = "." + line
    lines.append((line + "\n").encode())
    n += len(lines[-1])
with open(sys.argv[1], "wb") as f:
    for i in range(int(sys.argv[2])):
        f.write(b"".join(lines[i:] + lines[:i]))
EOF
}

# body_sha N: SHA-256 of message N's body as LF text.
body_sha() {
	"$PYTHON" -c '
import hashlib, sys
d = open(sys.argv[1], "rb").read()
head, body = d.split(b"\r\n\r\n", 1)
print(hashlib.sha256(body.replace(b"\r\n", b"\n")).hexdigest())' "$RECORD/msg-$1.eml"
}

# peak_kib NAME: the peak RSS of run NAME (/usr/bin/time -f %M).
peak_kib() {
	tail -n 1 "$WORK/$1.rss"
}

send_timed() {	# NAME ARGS...: missive send through /usr/bin/time
	_n=$1
	shift
	timeout -k 5 120 /usr/bin/time -f %M -o "$WORK/$_n.rss" "$MISSIVE" send \
	    --tls off --timeout 30 --subject big "$@" "127.0.0.1:$SERVER_PORT" \
	    a@example.org b@example.org >"$WORK/$_n.out" 2>"$WORK/$_n.err"
}

start_server
echo "a short body" >"$WORK/small.txt"
send_timed small --body "$WORK/small.txt" </dev/null || { cat "$WORK/small.err" >&2; fail "small send failed"; }
base=$(peak_kib small)
note "a 1 KiB send: peak RSS $base KiB"

text "$WORK/big.txt" 80
want=$(sha256sum "$WORK/big.txt" | cut -d' ' -f1)
send_timed big --body "$WORK/big.txt" </dev/null || { cat "$WORK/big.err" >&2; fail "80 MiB --body: not sent"; }
assert_msgs 2
[ "$(body_sha 2)" = "$want" ] || fail "80 MiB --body: the server received other bytes"
grep -q '^Content-Transfer-Encoding: 8bit' "$RECORD/msg-2.eml" ||
    fail "80 MiB --body: not sent as 8bit"
big=$(peak_kib big)
note "80 MiB --body: peak RSS $big KiB"
[ "$big" -le $((base + 8192)) ] ||
    fail "80 MiB --body: peak RSS $big KiB, more than 8 MiB over a 1 KiB send's $base KiB"
pass "80 MiB --body: the server got exactly its bytes; peak RSS $big KiB (a 1 KiB send: $base KiB)"

text "$WORK/pipe.txt" 24
want=$(sha256sum "$WORK/pipe.txt" | cut -d' ' -f1)
cat "$WORK/pipe.txt" | send_timed pipe --body - || { cat "$WORK/pipe.err" >&2; fail "--body - from a pipe: not sent"; }
assert_msgs 3
[ "$(body_sha 3)" = "$want" ] || fail "--body - from a pipe: the server received other bytes"
pipe=$(peak_kib pipe)
[ "$pipe" -le $((base + 8192)) ] ||
    fail "24 MiB --body - from a pipe: peak RSS $pipe KiB, more than 8 MiB over $base KiB"
pass "24 MiB --body - from a pipe: exactly its bytes; peak RSS $pipe KiB"
