#!/bin/sh
# missive --demo: starts the demo sink (`SCRIPT run --dir DIR`, which
# prints `PORT n`), fills in the demo profile, sends to it over verified
# STARTTLS, and stops the sink on exit. Runs against a stand-in sink built
# from the test server, and against tests/server/demo-sink (found without
# MISSIVE_DEMO_SINK, as a user would run it) when present.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

pki_init
cat >"$WORK/fake-sink" <<EOS
#!/bin/sh
# stand-in demo sink: the interface of tests/server/demo-sink
[ "\$1" = run ] && [ "\$2" = --dir ] || exit 2
dir=\$3
sh "$TESTS_SRCDIR/lib/pki.sh" "\$dir/pki" || exit 1
echo \$\$ >"\$dir/sink.pid"
exec "$PYTHON" "$TESTS_SRCDIR/server/smtpd.py" --listen 127.0.0.1 --port 0 \
    --cert "\$dir/pki/localhost.pem" --key "\$dir/pki/localhost.key" \
    --maildir "\$dir/Maildir" --record "\$dir/record"
EOS
chmod +x "$WORK/fake-sink"

demo_run() {	# SINK LABEL
	dir=$WORK/missive-demo-$(id -u)
	rm -rf "$dir"
	if [ -n "$1" ]; then
		TUI_ENV="MISSIVE_DEMO_SINK='$1'"
	else
		TUI_ENV=	# found by itself (installed or in the source tree)
	fi
	tui_start --demo
	tui_wait "Demo: mail goes to a local sink" 15
	tui_has "To:      friend@demo.missive.test" || { tui_dump; fail "$2: To"; }
	tui_has "Subject: Hello from missive" || { tui_dump; fail "$2: Subject"; }
	tui_has "From:    You <you@demo.missive.test>" || fail "$2: From"
	tui_has "TLS starttls" || fail "$2: policy"
	tui_type "Hello from the demo test."
	tui_keys C-x
	tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
	sleep 0.2
	grep -r -l "Hello from the demo test." "$dir/Maildir" >/dev/null 2>&1 ||
	    fail "$2: the message is not in $dir/Maildir"
	pass "$2: --demo sends to the sink over verified TLS into its Maildir"
	sinkpid=$(cat "$dir/sink.pid" 2>/dev/null || cat "$dir/pid" 2>/dev/null)
	[ -n "$sinkpid" ] || fail "$2: no pid file of the sink"
	# Sent as it is: nothing to lose, ^C quits at once.
	tui_keys C-c
	[ "$(tui_exit_status)" = 0 ] || fail "$2: exit status"
	_i=0
	while kill -0 "$sinkpid" 2>/dev/null && [ $_i -lt 40 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	! kill -0 "$sinkpid" 2>/dev/null || fail "$2: the sink still runs"
	pass "$2: the sink is stopped on exit"
}

demo_run "$WORK/fake-sink" "stand-in sink"
if [ -f "$TESTS_SRCDIR/server/demo-sink" ]; then
	demo_run "" "demo-sink"
else
	note "tests/server/demo-sink not there yet: only the stand-in was used"
fi

# A sink that cannot start: a clear error, not a broken terminal.
TUI_ENV="MISSIVE_DEMO_SINK='$WORK/no-such-sink'"
tui_start --demo
[ "$(tui_exit_status)" = 1 ] || fail "exit status without a sink"
grep -q "cannot start the demo" "$WORK/tui$TUI_RUNS.err" || fail "no error message"
pass "a missing sink is reported"

# A sink whose interpreter is missing (Python not installed): named, with
# what to install, before anything starts.
printf '#!/usr/bin/no-such-python3\nprint("never")\n' >"$WORK/py-sink"
TUI_ENV="MISSIVE_DEMO_SINK='$WORK/py-sink'"
tui_start --demo
[ "$(tui_exit_status)" = 1 ] || fail "exit status without the sink's interpreter"
grep -q "/usr/bin/no-such-python3 is not installed: install it" "$WORK/tui$TUI_RUNS.err" ||
    { cat "$WORK/tui$TUI_RUNS.err" >&2; fail "the missing interpreter is not named"; }
printf '#!/usr/bin/env no-such-python3\nprint("never")\n' >"$WORK/py-sink"
tui_start --demo
[ "$(tui_exit_status)" = 1 ] || fail "exit status without the sink's interpreter (env)"
grep -q "no-such-python3 is not installed: install it" "$WORK/tui$TUI_RUNS.err" ||
    { cat "$WORK/tui$TUI_RUNS.err" >&2; fail "the missing interpreter (via env) is not named"; }
pass "a sink whose interpreter is missing says what to install"
