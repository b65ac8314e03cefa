#!/bin/sh
# One write() per frame: a keystroke's redraw reaches the terminal in one
# write (over ssh, one packet), not one per cursor move as ncurses does
# until its first endwin()/refresh() cycle. The composer runs under
# strace in tmux: a key typed in a field costs one write (ncurses made
# four of the first), the help
# screen and the way back a few (ncurses' buffer holds about a
# screenful), not one per row.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

command -v strace >/dev/null 2>&1 || skip "strace is not installed (tools/deps)"
# LeakSanitizer cannot run under ptrace (an ASan build would fail at exit).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

REAL=$MISSIVE
MISSIVE=$WORK/missive-strace
cat >"$MISSIVE" <<EOF
#!/bin/sh
exec strace -f -qq -e trace=write -s 65536 -o '$WORK/writes.st' '$REAL' "\$@"
EOF
chmod +x "$MISSIVE"

# writes: the terminal's writes so far.
writes() {
	grep -c '^[0-9]* *write(1, ' "$WORK/writes.st"
}

# settled: until the count stays the same for a few polls (strace logs a
# write once it returned, a moment after tmux may show it).
settled() {
	_last=-1 _same=0 _i=0
	while [ $_same -lt 4 ] && [ $_i -lt 200 ]; do
		_now=$(writes)
		if [ "$_now" = "$_last" ]; then _same=$((_same + 1)); else _same=0; fi
		_last=$_now
		sleep 0.05
		_i=$((_i + 1))
	done
	echo "$_last"
}

# frame WHAT MAX KEYS... -- TEXT: KEYS, then TEXT on the screen, in at
# most MAX writes to the terminal.
frame() {
	_what=$1 _max=$2
	shift 2
	_before=$(settled)
	while [ "$1" != -- ]; do
		tui_keys "$1"
		shift
	done
	tui_wait "$2"
	_n=$(( $(settled) - _before ))
	note "$_what: $_n writes to the terminal"
	[ "$_n" -le "$_max" ] || { grep '^[0-9]* *write(1' "$WORK/writes.st" | tail -n "$_n" |
	    cut -c1-100 >&2; fail "$_what: $_n writes to the terminal, at most $_max expected"; }
}

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"
tui_start -p work
tui_wait "Ready."
tui_keys Tab Tab Tab
tui_wait "▸Subject:"
# One write each; two allowed, should the draft be saved (and the title
# say so) inside the window on a slow machine.
frame "the first key (the title says modified)" 2 '{' -- "Subject: {"
for k in '}' '|' '~'; do
	frame "a key" 2 "$k" -- "Subject: {}"
done
pass "a keystroke's redraw: one write to the terminal"
# A whole screen is one write, or one per ncurses' buffer (about a
# screenful of plain text): never one per row.
frame "the help screen" 3 C-g -- "Commands (everywhere"
frame "back to the composer" 3 Escape -- "▸Subject: {}|~"
pass "a full redraw: at most 3 writes to the terminal"
tui_keys C-c
