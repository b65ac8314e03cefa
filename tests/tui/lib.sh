# Shared by the screen tests (sourced after tests/lib/common.sh): runs
# missive inside a private tmux server of its own, types into it, waits
# for text to appear on the screen, and always kills that tmux server.
#
# tui_start [ARGS...]    start missive (size TUI_W x TUI_H, TERM=TUI_TERM,
#                        extra environment in TUI_ENV; stderr to a file, or
#                        to the pane with TUI_STDERR=tty) in a fresh session
# tui_start_also [ARGS...]  the same, leaving the previous one running
#                        (two composers at once); TUI_RUN is its number
# tui_use N              direct the commands below at run N
# tui_keys KEY...        tmux send-keys (key names: C-x, Enter, F1, M-Up ...)
# tui_type TEXT          send TEXT literally
# tui_screen             the screen as text
# tui_wait TEXT [SECS]   wait until TEXT is on the screen (fails otherwise)
# tui_wait_gone TEXT     wait until TEXT is no longer on the screen
# tui_pid                the pid of missive in the pane
# tui_exit_status        wait for missive to end; prints its exit status

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"

TUI_W=${TUI_W:-80}
TUI_H=${TUI_H:-24}
TUI_TERM=${TUI_TERM:-xterm-256color}
TUI_ENV=${TUI_ENV:-}
TUI_RUNS=0
TUI_SOCK="missive-$TEST_NAME-$$-0"

tmux_() {
	tmux -L "$TUI_SOCK" -f /dev/null "$@"
}

# Each start gets a tmux server of its own: reusing one races with its
# exit when its last session ends.
_tui_cleanup() {
	_i=0
	while [ $_i -le $TUI_RUNS ]; do
		tmux -L "missive-$TEST_NAME-$$-$_i" kill-server 2>/dev/null
		# tmux leaves the socket file behind
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/missive-$TEST_NAME-$$-$_i"
		_i=$((_i + 1))
	done
	return 0
}
at_exit _tui_cleanup

tui_start() {
	# The previous missive (if any) saves its draft on SIGHUP: let it
	# finish before the next one looks for drafts.
	_old=
	[ $TUI_RUNS -gt 0 ] && _old=$(tui_pid 2>/dev/null)
	tmux_ kill-server 2>/dev/null
	if [ -n "$_old" ]; then
		_i=0
		while kill -0 "$_old" 2>/dev/null && [ $_i -lt 200 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
	fi
	tui_start_also "$@"
}

tui_use() {
	TUI_SOCK="missive-$TEST_NAME-$$-$1"
	TUI_RUN=$1
}

tui_start_also() {
	_args=
	for _a in "$@"; do
		_args="$_args '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
	TUI_RUNS=$((TUI_RUNS + 1))
	TUI_RUN=$TUI_RUNS
	# stderr goes to a file (tui_dump shows it), or with TUI_STDERR=tty
	# to the pane itself (a CLI command's own terminal output).
	_err="2>'$WORK/tui$TUI_RUNS.err'"
	[ "${TUI_STDERR:-file}" = tty ] && _err=
	# A finished pane keeps showing its last screen and the exit status.
	_cmd="env HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
XDG_DATA_HOME='$XDG_DATA_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
XDG_RUNTIME_DIR='$WORK' LC_ALL=C.UTF-8 TERM='$TUI_TERM' $TUI_ENV \
'$MISSIVE' $_args $_err; echo MISSIVE-EXIT=\$?; sleep 600"
	TUI_SOCK="missive-$TEST_NAME-$$-$TUI_RUNS"
	tmux_ new-session -d -s tui -x "$TUI_W" -y "$TUI_H" "$_cmd" ||
	    fail "cannot start tmux"
	tmux_ set-option -t tui status off >/dev/null 2>&1
}

tui_keys() {
	tmux_ send-keys -t tui "$@" || fail "send-keys $*"
}

tui_type() {
	tmux_ send-keys -t tui -l "$1" || fail "send-keys -l $1"
}

tui_screen() {
	tmux_ capture-pane -t tui -p
}

# The screen with the status pane's wrapped lines (indented continuation
# rows) joined back, so a message can be found wherever the width or a
# path's length made it wrap.
tui_text() {
	tui_screen | awk 'NR > 1 && /^           [^ ]/ { sub(/^ +/, ""); printf " %s", $0; next }
	    { if (NR > 1) printf "\n"; printf "%s", $0 } END { printf "\n" }'
}

# The bottom rows (where a question wraps) joined into one line.
tui_bottom() {
	tui_screen | tail -n "${1:-3}" | tr '\n' ' ' | sed 's/  */ /g'
}

tui_dump() {
	echo "--- screen:" >&2
	tui_screen >&2
	for _f in "$WORK"/tui*.err; do
		[ -s "$_f" ] && { echo "--- $_f:" >&2; cat "$_f" >&2; }
	done
	return 0
}

tui_wait() {	# TEXT [SECONDS]
	_limit=$(( ${2:-5} * 20 ))
	_i=0
	while [ $_i -lt $_limit ]; do
		if tui_text | grep -F -q -e "$1"; then
			return 0
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
	tui_dump
	fail "'$1' did not appear on the screen"
}

tui_wait_gone() {	# TEXT [SECONDS]
	_limit=$(( ${2:-5} * 20 ))
	_i=0
	while [ $_i -lt $_limit ]; do
		if ! tui_text | grep -F -q -e "$1"; then
			return 0
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
	tui_dump
	fail "'$1' stayed on the screen"
}

tui_has() {	# TEXT: the screen shows TEXT now
	tui_text | grep -F -q -e "$1"
}

tui_pid() {
	_sh=$(tmux_ display-message -t tui -p '#{pane_pid}')
	pgrep -P "$_sh" -x missive | head -n 1
}

tui_exit_status() {
	tui_wait "MISSIVE-EXIT=" 10 >/dev/null
	tui_screen | sed -n 's/.*MISSIVE-EXIT=\([0-9]*\).*/\1/p' | tail -n 1
}

# profile NAME SERVER [KEY=VALUE...]: appends a profile to profiles.ini.
profile() {
	_f=$XDG_CONFIG_HOME/missive/profiles.ini
	mkdir -p "$XDG_CONFIG_HOME/missive"
	{
		echo "[$1]"
		echo "server = $2"
		shift 2
		for _kv in "$@"; do
			echo "${_kv%%=*} = ${_kv#*=}"
		done
		echo
	} >>"$_f"
}

drafts_dir() {
	echo "$XDG_DATA_HOME/missive/drafts"
}

# The only draft file (fails when there is none or several).
the_draft() {
	_n=$(ls "$(drafts_dir)" 2>/dev/null | grep -c '\.txt$')
	[ "$_n" = 1 ] || fail "expected one draft, found $_n"
	echo "$(drafts_dir)/$(ls "$(drafts_dir)" | grep '\.txt$')"
}

# wait_file_contains FILE TEXT [SECONDS]
wait_file_contains() {
	_limit=$(( ${3:-5} * 20 ))
	_i=0
	while [ $_i -lt $_limit ]; do
		if [ -f "$1" ] && grep -F -q -e "$2" "$1"; then
			return 0
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
	tui_dump
	fail "$1 does not contain '$2'"
}
