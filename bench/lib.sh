# Shared by bench/run and bench/diagnose; sourced, not run. The caller sets
# HERE, SRC and PROG first. Gives: the peers (installed when missing), the
# C sink and the minimal wolfSSL client (built into the work folder,
# build_c), the sink, the Python test server and the delaying proxy, all
# always stopped (trap), the test PKI and messages (bench_setup), and
# tool_cmd, the one place that says how each tool sends a message.

PY=/usr/bin/python3
MISSIVE=${MISSIVE:-/tmp/b-bench/src/missive}
MIB=${BENCH_MIB:-100}
TEXT_MIB=${BENCH_TEXT_MIB:-20}
DELAY=0.02
TOOLS="missive minclient msmtp swaks curl smtplib"

say() { printf '== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }

# --- the peers ---------------------------------------------------------------

ensure_tools() {
	local missing=
	command -v hyperfine >/dev/null || missing="$missing hyperfine"
	command -v msmtp >/dev/null || missing="$missing msmtp"
	command -v swaks >/dev/null || missing="$missing swaks"
	command -v curl >/dev/null || missing="$missing curl"
	command -v valgrind >/dev/null || missing="$missing valgrind"
	command -v strace >/dev/null || missing="$missing strace"
	command -v cc >/dev/null || missing="$missing build-essential"
	command -v pkg-config >/dev/null || missing="$missing pkg-config"
	[ -f /usr/include/openssl/ssl.h ] || missing="$missing libssl-dev"
	[ -f /usr/include/wolfssl/ssl.h ] || missing="$missing libwolfssl-dev"
	[ -x /usr/bin/time ] || missing="$missing time"
	perl -MNet::SSLeay -MIO::Socket::SSL -e 1 2>/dev/null ||
	    missing="$missing libnet-ssleay-perl libio-socket-ssl-perl"
	[ -n "$missing" ] || return 0
	[ "$(id -u)" = 0 ] || die "missing:$missing (install them, or run as root)"
	say "installing:$missing"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null ||
	    die "apt-get install$missing failed"
}

# --- servers, always stopped -------------------------------------------------

WORK=$(mktemp -d /tmp/missive-bench.XXXXXX) || exit 1
PIDS=
cleanup() {
	local p
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_port FILE PID: the "PORT n" line a server prints.
wait_port() {
	local i=0 port
	while [ $i -lt 500 ]; do
		port=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$1" 2>/dev/null)
		[ -n "$port" ] && { echo "$port"; return 0; }
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.02
		i=$((i + 1))
	done
	return 1
}

# start_server NAME [smtpd.py options]: the Python test server (through
# benchsrv.py); sets PORT_NAME, REC_NAME.
start_server() {
	local name=$1 pid port
	shift
	mkdir -p "$WORK/rec-$name"
	"$PY" "$HERE/benchsrv.py" --smtpd "$SRC/tests/server/smtpd.py" \
	    --listen 127.0.0.1 --port 0 --cert "$PKI/localhost.pem" \
	    --key "$PKI/localhost.key" --idle-timeout 60 \
	    --record "$WORK/rec-$name" "$@" \
	    >"$WORK/srv-$name.out" 2>"$WORK/srv-$name.err" </dev/null &
	pid=$!
	PIDS="$PIDS $pid"
	port=$(wait_port "$WORK/srv-$name.out" $pid) ||
	    { cat "$WORK/srv-$name.err" >&2; die "server $name did not start"; }
	eval "PORT_$name=$port REC_$name=\$WORK/rec-\$name"
}

# build_c: the sink (OpenSSL) and the minimal client (Debian's wolfSSL;
# with WOLFSSL_ACCEL=PREFIX also against that one) into $WORK.
SINK= MINCLIENT= MINCLIENT_ACCEL=
build_c() {
	local w="-O2 -Wall -Wextra"
	# shellcheck disable=SC2086
	cc $w -o "$WORK/sink" "$HERE/sink.c" -lssl -lcrypto 2>"$WORK/cc-sink.err" ||
	    { cat "$WORK/cc-sink.err" >&2; die "cannot build bench/sink.c"; }
	# shellcheck disable=SC2046,SC2086
	cc $w -o "$WORK/minclient" "$HERE/minclient.c" $(pkg-config --cflags --libs wolfssl) \
	    2>"$WORK/cc-min.err" || { cat "$WORK/cc-min.err" >&2; die "cannot build bench/minclient.c"; }
	SINK=$WORK/sink MINCLIENT=$WORK/minclient
	if [ -n "${WOLFSSL_ACCEL:-}" ]; then
		# shellcheck disable=SC2046,SC2086
		cc $w -o "$WORK/minclient-accel" "$HERE/minclient.c" \
		    $(PKG_CONFIG_LIBDIR="$WOLFSSL_ACCEL/lib/pkgconfig" pkg-config --cflags --libs wolfssl) \
		    -Wl,-rpath,"$WOLFSSL_ACCEL/lib" 2>"$WORK/cc-mina.err" ||
		    { cat "$WORK/cc-mina.err" >&2; die "cannot build minclient against $WOLFSSL_ACCEL"; }
		MINCLIENT_ACCEL=$WORK/minclient-accel
	fi
}

# start_sink NAME [sink options]: the C sink; sets PORT_NAME and STATS_NAME
# (its JSON lines, one per connection, written when the connection closes).
start_sink() {
	local name=$1 pid port
	shift
	: >"$WORK/sink-$name.jsonl"
	"$SINK" --cert "$PKI/localhost.pem" --key "$PKI/localhost.key" \
	    --stats "$WORK/sink-$name.jsonl" "$@" \
	    >"$WORK/sink-$name.out" 2>"$WORK/sink-$name.err" </dev/null &
	pid=$!
	PIDS="$PIDS $pid"
	port=$(wait_port "$WORK/sink-$name.out" $pid) ||
	    { cat "$WORK/sink-$name.err" >&2; die "sink $name did not start"; }
	eval "PORT_$name=$port STATS_$name=\$WORK/sink-\$name.jsonl"
}

# wait_lines FILE N: until FILE has N lines, at most 10 s.
wait_lines() {
	local i=0
	while [ "$(wc -l <"$1")" -lt "$2" ] && [ $i -lt 500 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# start_proxy TARGET-PORT [DELAY [NAME]]: the delaying proxy in front of a
# server; sets PORT_NAME (default name: proxy); its log is $WORK/NAME.log.
start_proxy() {
	local delay=${2:-$DELAY} name=${3:-proxy} pid port
	: >"$WORK/$name.log"
	"$PY" "$HERE/rttproxy.py" --target "$1" --delay "$delay" \
	    --log "$WORK/$name.log" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
	pid=$!
	PIDS="$PIDS $pid"
	port=$(wait_port "$WORK/$name.out" $pid) || die "proxy $name did not start"
	eval "PORT_$name=$port"
}

# --- the commands ------------------------------------------------------------

# tool_cmd TOOL MODE PORT: one shell command line that sends one message.
# MODE: tls (STARTTLS, verified against the test CA, the 1 KiB text),
# implicit (the same over implicit TLS, as on port 465; not minclient),
# plain (no TLS), big (STARTTLS and the attachment), text (STARTTLS, the
# TEXT_MIB MiB text as the body), textatt (missive only: that text as an
# attachment). TOOL: missive, missive-accel (the binary MISSIVE_ACCEL),
# missive-base (the binary MISSIVE_BASE),
# minclient, minclient-accel, msmtp, swaks, curl, smtplib.
tool_cmd() {
	local tool=$1 mode=$2 port=$3 bin
	local rcpts="a@example.org b@example.org"
	# store: the 1 KiB send trusting STORE, a bundle of the system's
	# anchors and the test CA, as a real account's send does.
	if [ "$mode" = store ]; then
		[ -n "${STORE:-}" ] || return 0
		local CA=$STORE
		mode=tls
	fi
	case $tool in
	missive|missive-accel|missive-base)
		bin=$MISSIVE
		[ $tool = missive-accel ] && bin=$MISSIVE_ACCEL
		[ $tool = missive-base ] && bin=$MISSIVE_BASE
		# Options first: send takes every word after FROM as a recipient.
		local m="$bin send --ca-file $CA --subject s"
		local a="127.0.0.1:$port from@example.org $rcpts"
		case $mode in
		tls) echo "$m --tls starttls --body $BODY $a" ;;
		implicit) echo "$m --tls implicit --body $BODY $a" ;;
		plain) echo "$m --tls off --body $BODY $a" ;;
		big) echo "$m --tls starttls --body $SHORT --attach $BIG $a" ;;
		text) echo "$m --tls starttls --body $TEXT $a" ;;
		textatt) echo "$m --tls starttls --body $SHORT --attach $TEXT $a" ;;
		# The finished text message on stdin, as a mail reader hands it
		# over: through the outbox (the default), and straight.
		sendmail) echo "$bin sendmail -p bench -t <$TEXTMSG" ;;
		sendmail-nq) echo "$bin sendmail -p bench --no-queue -t <$TEXTMSG" ;;
		esac ;;
	minclient|minclient-accel)
		bin=$MINCLIENT
		[ $tool = minclient-accel ] && bin=$MINCLIENT_ACCEL
		local a="127.0.0.1 $port $CA from@example.org $rcpts"
		case $mode in
		tls) echo "$bin -f $SMALLMSG $a" ;;
		big) echo "$bin -f $BIGMSG $a" ;;
		text) echo "$bin -f $TEXTMSG $a" ;;
		esac ;;
	msmtp)
		local m="msmtp --host=127.0.0.1 --port=$port --auth=off --from=from@example.org"
		local t="--tls=on --tls-starttls=on --tls-trust-file=$CA"
		case $mode in
		tls) echo "$m $t $rcpts <$SMALLMSG" ;;
		implicit) echo "$m --tls=on --tls-starttls=off --tls-trust-file=$CA $rcpts <$SMALLMSG" ;;
		plain) echo "$m --tls=off $rcpts <$SMALLMSG" ;;
		big) echo "$m $t $rcpts <$BIGMSG" ;;
		text) echo "$m $t $rcpts <$TEXTMSG" ;;
		esac ;;
	swaks)
		local m="swaks --silent 2 --server 127.0.0.1 --port $port --pipeline --from from@example.org --to a@example.org,b@example.org --header Subject:s"
		local t="--tls --tls-verify --tls-ca-path $CA"
		case $mode in
		tls) echo "$m $t --body @$BODY" ;;
		implicit) echo "$m --tlsc --tls-verify --tls-ca-path $CA --body @$BODY" ;;
		plain) echo "$m --body @$BODY" ;;
		big) echo "$m $t --body @$SHORT --attach @$BIG" ;;
		text) echo "$m $t --body @$TEXT" ;;
		esac ;;
	curl)
		local m="curl -sS --mail-from from@example.org --mail-rcpt a@example.org --mail-rcpt b@example.org"
		local t="--ssl-reqd --cacert $CA"
		case $mode in
		tls) echo "$m $t -T $SMALLMSG smtp://127.0.0.1:$port" ;;
		implicit) echo "$m --cacert $CA -T $SMALLMSG smtps://127.0.0.1:$port" ;;
		plain) echo "$m -T $SMALLMSG smtp://127.0.0.1:$port" ;;
		big) echo "$m $t -T $BIGMSG smtp://127.0.0.1:$port" ;;
		text) echo "$m $t -T $TEXTMSG smtp://127.0.0.1:$port" ;;
		esac ;;
	smtplib)
		local m="$PY $HERE/smtplib_send.py --port $port --ca $CA"
		case $mode in
		tls) echo "$m --body $BODY from@example.org $rcpts" ;;
		implicit) echo "$m --implicit --body $BODY from@example.org $rcpts" ;;
		plain) echo "$m --plain --body $BODY from@example.org $rcpts" ;;
		big) echo "$m --attach $BIG from@example.org $rcpts" ;;
		text) echo "$m --body $TEXT from@example.org $rcpts" ;;
		esac ;;
	esac
}

# bench_setup: the test PKI, a private HOME, the C programs (build_c), and
# the messages: a 1 KiB text body (BODY), a one-line body (SHORT), the
# attachment (BIG, MIB MiB of random bytes; BIG_SHA its SHA-256), a
# TEXT_MIB MiB plain text (TEXT: short lines, some starting with a dot),
# and finished messages of them for the tools that send one (SMALLMSG,
# BIGMSG, TEXTMSG: minclient, msmtp, curl).
bench_setup() {
	ensure_tools
	PKI=$WORK/pki
	sh "$SRC/tests/lib/pki.sh" "$PKI" || die "cannot create the test PKI"
	CA=$PKI/ca.pem
	# The system's anchors and the test CA: what a tool parses when it
	# trusts the system store (none of them can be pointed at it and
	# still verify the sink's test certificate).
	STORE=
	if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
		STORE=$WORK/store.pem
		cat /etc/ssl/certs/ca-certificates.crt "$CA" >"$STORE" || die "cannot write $STORE"
	fi
	HOME=$WORK/home
	XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
	XDG_STATE_HOME=$HOME/.local/state XDG_CACHE_HOME=$HOME/.cache
	export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
	export LC_ALL=C.UTF-8
	mkdir -p "$HOME"
	build_c

	BODY=$WORK/body.txt SHORT=$WORK/short.txt BIG=$WORK/attachment.bin
	TEXT=$WORK/text.txt
	SMALLMSG=$WORK/small.eml BIGMSG=$WORK/big.eml TEXTMSG=$WORK/text.eml
	for i in $(seq 1 16); do
		echo "Line $i of a short benchmark message, sixty-odd characters long."
	done >"$BODY"
	echo "The file is attached." >"$SHORT"
	head -c $((MIB * 1048576)) /dev/urandom >"$BIG"
	BIG_SHA=$(sha256sum "$BIG" | cut -d' ' -f1)
	"$PY" "$HERE/mkmsg.py" text $((TEXT_MIB * 1048576)) "$TEXT" || die "mkmsg text"
	"$PY" "$HERE/mkmsg.py" small "$BODY" "$SMALLMSG" || die "mkmsg small"
	"$PY" "$HERE/mkmsg.py" attach "$BIG" "$BIGMSG" || die "mkmsg attach"
	"$PY" "$HERE/mkmsg.py" small "$TEXT" "$TEXTMSG" || die "mkmsg small (text)"
}

nmsgs() { ls "$1"/msg-*.json 2>/dev/null | wc -l; }

# last_conn RECDIR: the newest connection record, once the server closed it.
last_conn() {
	local f i=0
	f=$(ls "$1"/conn-*.jsonl 2>/dev/null | sed 's/.*conn-\([0-9]*\)\.jsonl/\1 &/' |
	    sort -n | tail -n 1 | cut -d' ' -f2)
	[ -n "$f" ] || return 1
	while [ $i -lt 100 ] && ! grep -q '"ev": "close"' "$f"; do
		sleep 0.02
		i=$((i + 1))
	done
	echo "$f"
}
