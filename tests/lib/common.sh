# Shared shell library of the integration tests; sourced, not run.
# Gives each test a fresh work folder, the test PKI, a private HOME, helpers
# to start the test SMTP server and run missive, and assertions. Everything
# a test starts is stopped on exit, whatever the exit path (trap).
#
# Environment (set by `make check`, derived from the script's place when a
# test is run by hand): MISSIVE, TESTS_SRCDIR, TESTS_BUILDDIR, PYTHON.

set -u

TEST_NAME=$(basename "$0" .sh)
: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TESTS_BUILDDIR:=$(pwd)/tests}"
: "${MISSIVE:=$(cd "$TESTS_BUILDDIR/.." && pwd)/src/missive}"
: "${PYTHON:=/usr/bin/python3}"
export TESTS_SRCDIR TESTS_BUILDDIR MISSIVE PYTHON

WORK=$TESTS_BUILDDIR/run/$TEST_NAME
PKI=$TESTS_BUILDDIR/run/pki
SMTPD=$TESTS_SRCDIR/server/smtpd.py
QUERY=$TESTS_SRCDIR/lib/query.py

# A private Postfix left by a killed earlier run of this test: stop it
# before its folders go (tests/lib/postfix.sh).
if [ -f "$WORK/postfix/queue/pid/master.pid" ] && [ "$(id -u)" = 0 ]; then
	postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1
	sleep 0.2
fi
rm -rf "$WORK"
mkdir -p "$WORK/home" || exit 99

# The package data folder as it is installed (themes, the demo sink and
# the server it runs), made of links into the source tree: missive finds
# them through MISSIVE_DATADIR, never through a path built into it.
MISSIVE_DATADIR=$TESTS_BUILDDIR/run/data
if [ ! -e "$MISSIVE_DATADIR/demo-sink" ]; then
	mkdir -p "$MISSIVE_DATADIR" || exit 99
	ln -sfn "$TESTS_SRCDIR/../themes" "$MISSIVE_DATADIR/themes"
	ln -sfn "$TESTS_SRCDIR/server/smtpd.py" "$MISSIVE_DATADIR/smtpd.py"
	ln -sfn "$TESTS_SRCDIR/lib/pki.sh" "$MISSIVE_DATADIR/pki.sh"
	ln -sfn "$TESTS_SRCDIR/server/demo-sink" "$MISSIVE_DATADIR/demo-sink"
fi
export MISSIVE_DATADIR

# No user configuration, English messages, UTF-8.
HOME=$WORK/home
XDG_CONFIG_HOME=$HOME/.config
XDG_DATA_HOME=$HOME/.local/share
XDG_STATE_HOME=$HOME/.local/state
XDG_CACHE_HOME=$HOME/.cache
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
unset MISSIVE_PROFILE NO_COLOR LANGUAGE 2>/dev/null || true
LC_ALL=C.UTF-8
export LC_ALL

_pids=
_atexit=
_nserver=0
_checks=0

# --- cleanup -------------------------------------------------------------

# at_exit CMD: run CMD (a shell string) when the test exits, last first.
at_exit() {
	_atexit="$1
$_atexit"
}

# _alive PID: the process runs (a zombie not yet reaped does not count).
_alive() {
	_st=$(sed 's/^.*) \([A-Za-z]\).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$_st" ] && [ "$_st" != Z ] && [ "$_st" != X ]
}

_cleanup() {
	_rc=$?
	trap - EXIT
	set +e
	# Registered hooks first (e.g. postfix_stop), newest first.
	printf '%s\n' "$_atexit" | while IFS= read -r _cmd; do
		[ -n "$_cmd" ] && eval "$_cmd"
	done
	for _p in $_pids; do
		kill -TERM "$_p" 2>/dev/null
	done
	for _p in $_pids; do
		_i=0
		while _alive "$_p" && [ $_i -lt 100 ]; do
			sleep 0.02
			_i=$((_i + 1))
		done
		kill -KILL "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	if [ "$_rc" != 0 ] && [ "$_rc" != 77 ]; then
		for _f in "$WORK"/server*.err; do
			[ -s "$_f" ] && { echo "--- $_f"; tail -n 20 "$_f"; }
		done
		echo "--- work folder: $WORK"
	fi
	exit "$_rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- messages and assertions -------------------------------------------------

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	exit 77
}

note() {
	echo "# $*"
}

pass() {	# one check passed (counted, printed)
	_checks=$((_checks + 1))
	echo "ok $_checks - $*"
}

assert_eq() {	# ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

assert_file_contains() {	# FILE STRING (fixed string)
	[ -f "$1" ] || fail "$1 does not exist"
	grep -F -q -e "$2" "$1" || fail "$1 does not contain '$2'"
}

assert_file_not_contains() {	# FILE STRING
	[ -f "$1" ] || return 0
	if grep -F -q -e "$2" "$1"; then
		fail "$1 contains '$2'"
	fi
}

assert_file_matches() {	# FILE EXTENDED-REGEX
	[ -f "$1" ] || fail "$1 does not exist"
	grep -E -q -e "$2" "$1" || fail "$1 does not match /$2/"
}

assert_no_byte() {	# FILE OCTAL (e.g. 033): the file holds no such byte
	[ -f "$1" ] || return 0
	if LC_ALL=C grep -q "$(printf "\\$2")" "$1"; then
		fail "$1 contains byte \\$2"
	fi
}

# json_get FILE EXPR: EXPR evaluated with d = the parsed JSON file.
json_get() {
	"$PYTHON" "$QUERY" get "$1" "$2"
}

# --- the test PKI ------------------------------------------------------------

# Generated once per build tree; pki.sh is safe against parallel runs.
pki_init() {
	sh "$TESTS_SRCDIR/lib/pki.sh" "$PKI" || fail "cannot create the test PKI"
}

# fingerprint PEM: SHA-256 of the certificate, "AB:CD:..." upper hex.
fingerprint() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^[^=]*=//'
}

# --- the test server ---------------------------------------------------------

# start_server [smtpd.py args]: starts the test server on 127.0.0.1 with
# the localhost certificate and a fresh record folder; later args override
# (e.g. --cert "$PKI/expired.pem" --key "$PKI/expired.key"). Sets
# SERVER_PORT, SERVER_PID and RECORD (also SERVER_PORT_n, RECORD_n for the
# n-th server of the test). A port that missive's server memory holds
# from an earlier server of the test is not taken (that would be the same
# server to missive), unless the test asks for the port (--port).
start_server() {
	_stry=0
	while :; do
		_start_server_once "$@"
		case " $* " in *" --port "*) return 0 ;; esac
		grep -q ":$SERVER_PORT " "$XDG_STATE_HOME/missive/servers" 2>/dev/null ||
		    return 0
		_stry=$((_stry + 1))
		[ $_stry -lt 20 ] || fail "every new test server got a port missive remembers"
		stop_server
	done
}

_start_server_once() {
	pki_init
	_nserver=$((_nserver + 1))
	RECORD=$WORK/record$_nserver
	mkdir -p "$RECORD"
	# Created here: the background shell may open it after our first look.
	: >"$WORK/server$_nserver.out"
	"$PYTHON" "$SMTPD" --listen 127.0.0.1 --port 0 \
	    --cert "$PKI/localhost.pem" --key "$PKI/localhost.key" \
	    --idle-timeout 30 --parent-pid $$ --record "$RECORD" "$@" \
	    >>"$WORK/server$_nserver.out" 2>"$WORK/server$_nserver.err" </dev/null &
	SERVER_PID=$!
	_pids="$_pids $SERVER_PID"
	_i=0
	SERVER_PORT=
	while [ $_i -lt 500 ]; do
		SERVER_PORT=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$WORK/server$_nserver.out")
		[ -n "$SERVER_PORT" ] && break
		_alive "$SERVER_PID" || {
			cat "$WORK/server$_nserver.err" >&2
			fail "test server exited at start ($*)"
		}
		sleep 0.02
		_i=$((_i + 1))
	done
	[ -n "$SERVER_PORT" ] || fail "test server did not print its port in 10 s"
	eval "SERVER_PORT_$_nserver=$SERVER_PORT RECORD_$_nserver=\$RECORD"
	export SERVER_PORT SERVER_PID RECORD
}

# stop_server [PID]: stops one server now (default: the last started).
stop_server() {
	_p=${1:-$SERVER_PID}
	kill -TERM "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	return 0
}

# restart_server PORT [smtpd.py args]: stops the last server and starts
# another on the same PORT (as a server restarted with other settings:
# missive's server memory is per HOST:PORT).
restart_server() {
	_rport=$1
	shift
	stop_server
	start_server --port "$_rport" "$@"
}

# pubkey_sha256 PEM: SHA-256 of the certificate's public key, as missive
# writes it (upper-case hex, colons).
pubkey_sha256() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
	    openssl dgst -sha256 -r | cut -d' ' -f1 | tr a-f A-F |
	    sed 's/../&:/g; s/:$//'
}

# missive's state files (doc/design.md, Files).
SERVERS_FILE=$XDG_STATE_HOME/missive/servers
RECEIPTS_FILE=$XDG_STATE_HOME/missive/receipts.jsonl

# file_mode FILE: its permission bits in octal (600).
file_mode() { stat -c %a "$1"; }

# Record queries (see tests/server/README for the format).
record_wait() { "$PYTHON" "$QUERY" record "${1:-$RECORD}" wait 5 || fail "server connections still open"; }
record_conns() { "$PYTHON" "$QUERY" record "${1:-$RECORD}" conns; }
record_msgs() { "$PYTHON" "$QUERY" record "${1:-$RECORD}" msgs; }
record_cmds() { "$PYTHON" "$QUERY" record "${1:-$RECORD}" cmds; }
record_events() { "$PYTHON" "$QUERY" record "$RECORD" events "$@"; }
record_has_cmd() { "$PYTHON" "$QUERY" record "$RECORD" has-cmd "$1"; }

assert_no_mail() {	# nothing delivered and no MAIL command seen
	record_wait
	[ "$(record_msgs)" = 0 ] || fail "a message was delivered"
	if record_has_cmd '^MAIL '; then
		fail "the client sent MAIL"
	fi
}

assert_msgs() {	# N: number of delivered messages
	record_wait
	assert_eq "$(record_msgs)" "$1" "delivered messages"
}

# --- running missive ---------------------------------------------------------

# run_missive NAME ARGS...: runs $MISSIVE ARGS with stdin from /dev/null,
# stdout in $WORK/NAME.out, stderr in $WORK/NAME.err; sets MRC (exit
# status) and MMS (wall time in ms). A hang is cut after 60 s (MRC 124).
run_missive() {
	_name=$1
	shift
	[ -x "$MISSIVE" ] || fail "missive binary not found at $MISSIVE"
	_t0=$(date +%s%N)
	set +e
	timeout -k 5 60 "$MISSIVE" "$@" </dev/null >"$WORK/$_name.out" 2>"$WORK/$_name.err"
	MRC=$?
	_t1=$(date +%s%N)
	MMS=$(( (_t1 - _t0) / 1000000 ))
	echo "$ missive $* -> exit $MRC (${MMS} ms)" >>"$WORK/commands.log"
}

# run_missive_in NAME FILE ARGS...: as run_missive, with stdin from FILE
# (the sendmail interface reads its message there).
run_missive_in() {
	_name=$1
	_in=$2
	shift 2
	[ -x "$MISSIVE" ] || fail "missive binary not found at $MISSIVE"
	_t0=$(date +%s%N)
	set +e
	timeout -k 5 60 "$MISSIVE" "$@" <"$_in" >"$WORK/$_name.out" 2>"$WORK/$_name.err"
	MRC=$?
	_t1=$(date +%s%N)
	MMS=$(( (_t1 - _t0) / 1000000 ))
	echo "$ missive $* <$_in -> exit $MRC (${MMS} ms)" >>"$WORK/commands.log"
}

# Shows what missive printed, for failure messages.
show_missive() {
	echo "--- $1.out:"; head -c 4000 "$WORK/$1.out"
	echo "--- $1.err:"; head -c 4000 "$WORK/$1.err"
}

# expect_exit NAME CODE: the run NAME exited with CODE (shows its output if not).
expect_exit() {
	if [ "$MRC" != "$2" ]; then
		show_missive "$1" >&2
		fail "$1: exit status $MRC, expected $2"
	fi
}

# check_json NAME: every stdout line of run NAME is JSON, last is result.
check_json() {
	"$PYTHON" "$QUERY" json "$WORK/$1.out" check || {
		show_missive "$1" >&2
		fail "$1: --json output is not valid"
	}
}

# result NAME EXPR: EXPR on the result object r of run NAME.
result() {
	"$PYTHON" "$QUERY" json "$WORK/$1.out" result "$2"
}

# expect_reason NAME REASON: result.reason of run NAME.
expect_reason() {
	_r=$(result "$1" 'r.get("reason")')
	if [ "$_r" != "$2" ]; then
		show_missive "$1" >&2
		fail "$1: reason '$_r', expected '$2'"
	fi
}

# has_event NAME EVENT: run NAME printed an event of that type.
has_event() {
	"$PYTHON" "$QUERY" json "$WORK/$1.out" has "$2"
}

events() {	# NAME EVENT: the JSON objects of that type, one a line
	"$PYTHON" "$QUERY" json "$WORK/$1.out" events "$2"
}

# ev NAME EVENT EXPR: EXPR on each event e of that type, one a line
# (e.g. ev send1 tls 'e["verified"]').
ev() {
	"$PYTHON" "$QUERY" json "$WORK/$1.out" ev "$2" "$3"
}

# The usual client options against the test server: STARTTLS required,
# verified against the test CA, short timeout.
server_addr() { echo "127.0.0.1:$SERVER_PORT"; }
