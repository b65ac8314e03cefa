#!/bin/sh
# The demo folder (${XDG_RUNTIME_DIR:-/tmp}/missive-demo-$UID) is private:
# made 0700 when missing; one that is a symbolic link, not ours, or open
# to others is refused with words, before the sink starts or anything is
# written there; nothing in it is followed through a symbolic link. The
# demo sink itself (tests/server/demo-sink) refuses the same folders.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

pki_init
# tui_start runs missive with XDG_RUNTIME_DIR=$WORK.
DIR=$WORK/missive-demo-$(id -u)
RAN=$WORK/sink-ran
cat >"$WORK/fake-sink" <<EOS
#!/bin/sh
# stand-in demo sink: records that it ran, then serves
: >"$RAN"
[ "\$1" = run ] && [ "\$2" = --dir ] || exit 2
dir=\$3
sh "$TESTS_SRCDIR/lib/pki.sh" "\$dir/pki" || exit 1
exec "$PYTHON" "$TESTS_SRCDIR/server/smtpd.py" --listen 127.0.0.1 --port 0 \
    --cert "\$dir/pki/localhost.pem" --key "\$dir/pki/localhost.key" \
    --maildir "\$dir/Maildir"
EOS
chmod +x "$WORK/fake-sink"
TUI_ENV="MISSIVE_DEMO_SINK='$WORK/fake-sink'"

# refused WHAT WORDS: --demo exits 1 saying WORDS; the sink never ran.
refused() {
	rm -f "$RAN"
	tui_start --demo
	_st=$(tui_exit_status)
	[ "$_st" = 1 ] || { tui_dump; fail "$1: exit status '$_st'"; }
	grep -F -q -- "$2" "$WORK/tui$TUI_RUNS.err" ||
	    { tui_dump; fail "$1: the refusal does not say '$2'"; }
	[ ! -e "$RAN" ] || fail "$1: the sink was started"
}

mkdir -p "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$DIR"
refused symlink "$DIR is a symbolic link; the demo folder must be a private folder of yours"
[ -z "$(ls -A "$WORK/elsewhere")" ] || fail "symlink: something was written through it: $(ls -A "$WORK/elsewhere")"
rm "$DIR"
pass "a symbolic link in place of the demo folder: refused, nothing written through it"

mkdir -m 755 "$DIR"
refused open "$DIR is open to other users (mode 0755); the demo folder must be a private folder of yours"
pass "a demo folder of mode 0755: refused"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 700 "$DIR"
	chown nobody "$DIR"
	refused owner "$DIR belongs to another user (nobody); the demo folder must be a private folder of yours"
	pass "a demo folder of another user: refused"
fi
rm -rf "$DIR"

# Missing: made 0700, the sink runs in it.
tui_start --demo
tui_wait "Demo: mail goes to a local sink" 15
assert_eq "$(stat -c %a "$DIR")" 700 "mode of the demo folder made"
tui_keys C-c	# nothing typed: quits at once
[ "$(tui_exit_status)" = 0 ] || fail "demo: exit status"
pass "a missing demo folder is made 0700 and used"

# Inside a private folder, the log is not followed through a link.
: >"$WORK/victim"
rm -f "$DIR/sink.log"
ln -s "$WORK/victim" "$DIR/sink.log"
tui_start --demo
tui_wait "Demo: mail goes to a local sink" 15
tui_keys C-c	# nothing typed: quits at once
tui_exit_status >/dev/null
[ ! -s "$WORK/victim" ] || fail "the sink's log was written through a symbolic link"
pass "sink.log as a symbolic link: not followed"
rm -rf "$DIR"

# The demo sink refuses the same folders by itself.
SINK=$TESTS_SRCDIR/server/demo-sink
ln -s "$WORK/elsewhere" "$WORK/linkdir"
"$PYTHON" "$SINK" status --dir "$WORK/linkdir" >"$WORK/sink1.out" 2>&1
[ $? = 2 ] || { cat "$WORK/sink1.out" >&2; fail "demo-sink: a symbolic link was not refused"; }
grep -F -q "is a symbolic link" "$WORK/sink1.out" || fail "demo-sink: no words: $(cat "$WORK/sink1.out")"
mkdir -m 777 "$WORK/opendir"
chmod 777 "$WORK/opendir"
"$PYTHON" "$SINK" run --dir "$WORK/opendir" </dev/null >"$WORK/sink2.out" 2>&1
[ $? = 2 ] || { cat "$WORK/sink2.out" >&2; fail "demo-sink: a folder of mode 0777 was not refused"; }
grep -F -q "is open to other users (mode 0777)" "$WORK/sink2.out" || fail "demo-sink: no words: $(cat "$WORK/sink2.out")"
[ -z "$(ls -A "$WORK/elsewhere")$(ls -A "$WORK/opendir")" ] || fail "demo-sink wrote into a refused folder"
pass "demo-sink: a symbolic link or an open folder is refused, nothing written"
