#!/bin/sh
# Server text never reaches a terminal or a JSON consumer with C1 controls
# or bidirectional overrides raw, even as valid UTF-8: from a greeting
# with U+009B (CSI), U+202E and the isolates U+2066..U+2069, --json
# writes \u escapes (and decodes back to the same text), stderr, -v and
# the transcript show them escaped.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

# no_raw FILE...: none of the code points as UTF-8 bytes.
no_raw() {
	for _f in "$@"; do
		"$PYTHON" - "$_f" <<'PY' || fail "raw C1 or bidi character in $_f"
import sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
bad = [c for c in data if 0x80 <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e
       or 0x2066 <= ord(c) <= 0x2069]
if bad:
    print("%s: %s" % (sys.argv[1], ", ".join("U+%04X" % ord(c) for c in bad)), file=sys.stderr)
    sys.exit(1)
PY
	done
}

start_server --scenario bidi
run_missive json send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit json 0
check_json json
no_raw "$WORK/json.out"
for u in 009b 202e 202c 2066 2067 2068 2069; do
	grep -F -q "\\u$u" "$WORK/json.out" || fail "json: no \\u$u escape"
done
assert_eq "$(ev json greeting 'e["text"].split(" ", 1)[1].rsplit(" ", 1)[0] == "\u009b2J \u202eevil\u202c \u2066a\u2069 \u2067b\u2069 \u2068c\u2069"')" \
    true "json: the greeting decodes back to what the server sent"
pass "--json: C1 and bidi characters as \\u escapes, the text intact"

run_missive text send -v --timeout 5 $CA --transcript "$WORK/transcript" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit text 0
no_raw "$WORK/text.err" "$WORK/text.out" "$WORK/transcript"
grep -F -q '\u202eevil\u202c' "$WORK/text.err" || fail "stderr: the override is not shown escaped"
grep -F -q '\u202eevil\u202c' "$WORK/transcript" || fail "transcript: the override is not shown escaped"
pass "stderr, -v and the transcript: escaped"

run_missive probe probe --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
expect_exit probe 0
no_raw "$WORK/probe.out" "$WORK/probe.err"
pass "probe's report: escaped"
