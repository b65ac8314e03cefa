# A network and a DNS of the test's own: sourced first (before
# common.sh), it runs the test again in new network and mount namespaces
# (unshare -mn, as root), where only loopback exists, any port is free
# (the test servers can listen on 465, 587 and 25, and a DNS stub on 53)
# and a test resolv.conf can be bind-mounted over /etc/resolv.conf, so
# that missive's real resolver (res_nquery, getaddrinfo) asks the stub
# and nothing else on the machine sees any of it. tests/lib/names.sh does
# the same for /etc/hosts alone.
#
# dns_zone         the DNS table (tests/lib/dns_stub.py's format) from
#                  stdin, replaced whole (the stub reads it for each query)
# dns_start        starts dns_stub.py on 127.0.0.153:53 with that table and
#                  points /etc/resolv.conf at it; the queries it answered
#                  are in $DNS_LOG

if [ -z "${MISSIVE_NETNS:-}" ]; then
	if ! command -v unshare >/dev/null 2>&1 ||
	    ! unshare -mn sh -c 'mount --bind /dev/null /dev/null' 2>/dev/null; then
		echo "SKIP: $(basename "$0" .sh): needs unshare -mn (root): a network and /etc/resolv.conf of its own"
		exit 77
	fi
	MISSIVE_NETNS=1
	export MISSIVE_NETNS
	exec unshare -mn sh "$0" "$@"
fi
PATH=$PATH:/usr/sbin:/sbin
ip link set lo up || { echo "FAIL: cannot bring up loopback (ip link)" >&2; exit 99; }

DNS_ADDR=127.0.0.153

dns_zone() {
	cat >"$WORK/zone.new" && mv "$WORK/zone.new" "$WORK/zone"
}

dns_start() {
	[ -f "$WORK/zone" ] || : >"$WORK/zone"
	DNS_LOG=$WORK/dns.log
	: >"$DNS_LOG"
	printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$DNS_ADDR" >"$WORK/resolv.conf"
	mount --bind "$WORK/resolv.conf" /etc/resolv.conf ||
	    fail "cannot bind-mount a test resolv.conf"
	: >"$WORK/dns.out"
	"$PYTHON" "$TESTS_SRCDIR/lib/dns_stub.py" --listen "$DNS_ADDR" \
	    --zone "$WORK/zone" --log "$DNS_LOG" --parent-pid $$ \
	    >"$WORK/dns.out" 2>"$WORK/dns.err" </dev/null &
	_pids="$_pids $!"
	_i=0
	until grep -q READY "$WORK/dns.out"; do
		_i=$((_i + 1))
		[ $_i -lt 250 ] || { cat "$WORK/dns.err" >&2; fail "the DNS stub did not start"; }
		sleep 0.02
	done
	export DNS_LOG
}
