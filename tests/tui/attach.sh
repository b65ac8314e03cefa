#!/bin/sh
# The Attach field: a path with a comma is written in quotes (so -a
# 'my report, final.txt' works as given), each attachment shows its size
# (or that it is missing) when the field is not being edited, and Tab
# completes paths, listing the choices.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
profile test "127.0.0.1:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"
mkdir -p "$WORK/files"
head -c 2048 /dev/urandom >"$WORK/files/my report, final.txt"
printf 'notes\n' >"$WORK/files/notes.txt"
printf 'one\n' >"$WORK/files/nomad.txt"
TUI_W=120
tui_start -p test -s "Files" -a "$WORK/files/my report, final.txt" \
    -a "$WORK/files/notes.txt" bob@example.org
tui_wait "Ready."
tui_has "my report, final.txt (2.0 KiB)" || { tui_dump; fail "no size beside the attachment"; }
tui_has "notes.txt (6 bytes)" || { tui_dump; fail "no size beside notes.txt"; }
pass "each attachment shows its size"
tui_type "Two files."
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
assert_msgs 1
"$PYTHON" - "$RECORD/msg-1.eml" <<'PY' || fail "the attachments are not what was given"
import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
names = [p.get_filename() for p in m.iter_attachments()]
if names != ["my report, final.txt", "notes.txt"]:
    sys.exit("attachments: %r" % names)
PY
pass "-a with a comma in the name is sent as given"

# Editing the field: quotes in place, Tab completes.
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -rf "$(drafts_dir)"
tui_start -p test -s "Typed" bob@example.org
tui_wait "Ready."
tui_keys BTab
tui_wait "▸Attach:"
tui_type "$WORK/files/no"
tui_keys Tab
tui_wait "notes.txt"
tui_wait "nomad.txt"
tui_type "t"
tui_keys Tab
tui_wait "$WORK/files/notes.txt"
tui_type ", \"$WORK/files/my re"
tui_keys Tab
tui_wait "$WORK/files/my report, final.txt\""
tui_type ", $WORK/files/gone.txt"
tui_keys BTab
tui_wait "gone.txt (not found)"
tui_keys Down C-x
tui_wait "gone.txt" 5
tui_wait "Nothing was sent."
assert_msgs 1
pass "Tab completes paths and lists the choices; a quoted path with a comma; a missing file is shown and refused"
