# Host names for tests that connect by name, beyond `localhost`: a private
# /etc/hosts seen only by one missive run, in a mount namespace of its own
# (unshare -m, as root), so that the real resolver (getaddrinfo, nss
# files) answers with the test's addresses and nothing else on the machine
# changes. Sourced after common.sh.

# hosts_usable: the namespace can be made here (root, unshare, mount).
hosts_usable() {
	command -v unshare >/dev/null 2>&1 || return 1
	printf '127.0.0.1 probe.missive.test\n' >"$WORK/hosts.probe"
	unshare -m sh -c 'mount --bind "$1" /etc/hosts &&
	    getent hosts probe.missive.test' sh "$WORK/hosts.probe" >/dev/null 2>&1
}

# run_missive_hosts HOSTS NAME ARGS...: as run_missive, with HOSTS (a
# file in /etc/hosts format) as /etc/hosts.
run_missive_hosts() {
	_hosts=$1
	_name=$2
	shift 2
	[ -x "$MISSIVE" ] || fail "missive binary not found at $MISSIVE"
	_t0=$(date +%s%N)
	set +e
	timeout -k 5 60 unshare -m sh -c 'h=$1; shift; mount --bind "$h" /etc/hosts &&
	    exec "$@"' sh "$_hosts" "$MISSIVE" "$@" \
	    </dev/null >"$WORK/$_name.out" 2>"$WORK/$_name.err"
	MRC=$?
	_t1=$(date +%s%N)
	MMS=$(( (_t1 - _t0) / 1000000 ))
	echo "$ [hosts $_hosts] missive $* -> exit $MRC (${MMS} ms)" >>"$WORK/commands.log"
}
