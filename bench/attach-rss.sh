#!/bin/sh
# Memory bench for the message layer: renders a message carrying a large
# random attachment (200 MiB by default) through msg_start/msg_read, into a
# pipe that decodes the attachment on the fly; reports the renderer's peak
# RSS (/usr/bin/time -v) and checks the decoded SHA-256 and the promised
# size. The renderer is the driver mode of tests/unit/test_msg.
#
#   bench/attach-rss.sh [BUILD_DIR] [MiB]     (BUILD_DIR default: $BUILD or ./build)
#
# Exit 0 when the bytes check out, 1 otherwise, 77 when it cannot run.
set -eu

build=${1:-${BUILD:-./build}}
mib=${2:-200}
drv=$build/tests/unit/test_msg
if [ ! -x "$drv" ]; then
	echo "attach-rss: build the driver first: make -C $build tests/unit/test_msg" >&2
	exit 77
fi
if [ ! -x /usr/bin/time ] || [ ! -x /usr/bin/python3 ]; then
	echo "attach-rss: needs /usr/bin/time (package time) and /usr/bin/python3" >&2
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
blob=$tmp/blob.bin
head -c $((mib * 1024 * 1024)) /dev/urandom > "$blob"
want=$(sha256sum "$blob" | cut -d' ' -f1)

# The decoder: finds the base64 part and hashes what it decodes, line by
# line, so its own memory does not depend on the attachment either.
cat > "$tmp/decode.py" <<'EOF'
import base64, hashlib, sys
h = hashlib.sha256()
total = maxline = decoded = 0
state = "head"          # head -> part headers -> base64 body -> rest
for line in sys.stdin.buffer:
    total += len(line)
    if not line.endswith(b"\r\n"):
        sys.exit("line without CRLF at byte %d" % total)
    maxline = max(maxline, len(line) - 2)
    s = line[:-2]
    if state == "head" and s.lower() == b"content-transfer-encoding: base64":
        state = "blank"
    elif state == "blank" and s == b"":
        state = "b64"
    elif state == "b64":
        if s == b"":
            state = "rest"
        else:
            d = base64.b64decode(s, validate=True)
            decoded += len(d)
            h.update(d)
print(h.hexdigest(), total, maxline, decoded)
EOF

start=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/time" "$drv" --render --attach "$blob" 2>"$tmp/err" |
	/usr/bin/python3 "$tmp/decode.py" > "$tmp/got"
end=$(date +%s.%N)

read -r got total maxline decoded < "$tmp/got"
promised=$(sed -n 's/^test_msg: size //p' "$tmp/err")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
secs=$(echo "$end - $start" | bc 2>/dev/null || echo "?")

echo "attachment:     $mib MiB ($decoded bytes decoded)"
echo "message:        $total bytes on the wire, $promised promised by msg_start"
echo "longest line:   $maxline octets"
echo "peak RSS:       $rss KiB (renderer)"
echo "elapsed:        $secs s (render + decode + hash)"
fail=0
if [ "$got" != "$want" ]; then
	echo "FAIL: SHA-256 of the decoded attachment differs" >&2
	fail=1
fi
if [ "$total" != "$promised" ]; then
	echo "FAIL: msg_size promised $promised bytes, got $total" >&2
	fail=1
fi
if [ "$maxline" -gt 998 ]; then
	echo "FAIL: a line is over 998 octets" >&2
	fail=1
fi
[ $fail = 0 ] && echo "OK: sha256 $got"
exit $fail
