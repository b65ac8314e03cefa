#!/bin/sh
# The server's identity is checked as RFC 9525 says, and only so, with
# certificates from the trusted test CA that carry the wrong kind of name:
# an address only against iPAddress entries, as a binary address; a name
# only against dNSName entries; wildcards only as the whole left-most label
# over at least two more labels, never over `*` or `*.test`; the subject's
# CN never (every leaf here has CN=localhost). By address (127.0.0.1,
# [::1]) and by name: `localhost`, and names of a private /etc/hosts
# (tests/lib/names.sh) for the wildcards. A refusal sends nothing.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/lib/names.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

# check CERT HOST accepted|refused [WORDS] [LISTEN]: one send to HOST with
# the server showing CERT; a refusal is cert_verify, says WORDS, and
# nothing reaches the server. Sets N to the run's name.
check() {
	_cert=$1 _host=$2 _want=$3 _words=${4:-} _listen=${5:-127.0.0.1}
	start_server --listen "$_listen" --cert "$PKI/$_cert.pem" --key "$PKI/$_cert.key"
	N=${_cert}_$(printf '%s' "$_host" | tr -c 'a-z0-9' _)
	_server=$_host
	case $_host in *:*) _server="[$_host]" ;; esac
	if [ -n "${HOSTS:-}" ]; then
		run_missive_hosts "$HOSTS" "$N" send --json --timeout 5 $CA \
		    "$_server:$SERVER_PORT" $FROM $TO
	else
		run_missive "$N" send --json --timeout 5 $CA "$_server:$SERVER_PORT" $FROM $TO
	fi
	check_json "$N"
	if [ "$_want" = accepted ]; then
		expect_exit "$N" 0
		assert_eq "$(ev "$N" tls 'e["verified"]')" true "$_cert for $_host: tls.verified"
		assert_msgs 1
		return
	fi
	expect_exit "$N" 1
	expect_reason "$N" cert_verify
	assert_eq "$(ev "$N" tls 'e["verified"]')" false "$_cert for $_host: tls.verified"
	if [ -n "$_words" ] && ! grep -F -q -- "$_words" "$WORK/$N.out"; then
		show_missive "$N" >&2
		fail "$_cert for $_host: the refusal does not say '$_words'"
	fi
	assert_no_mail
}

# By address: only iPAddress entries count, compared as addresses.
check localhost 127.0.0.1 accepted
check iponly 127.0.0.1 accepted
check dnsip 127.0.0.1 refused "it lists no such IP address (it names: DNS:127.0.0.1, DNS:::1)"
check cnonly 127.0.0.1 refused "it has no subjectAltName"
check othertypes 127.0.0.1 refused "it lists no such IP address"
pass "by address 127.0.0.1: an iPAddress entry is needed; the address written as a DNS name, the CN and other kinds are refused"
check localhost ::1 accepted "" ::1
check iponly ::1 accepted "" ::1
check dnsip ::1 refused "it lists no such IP address" ::1
pass "by address ::1: the same, for IPv6 (compared as 16 bytes, not as spelled)"

# By name: only dNSName entries count; SNI carries the name.
check localhost localhost accepted
record_wait
assert_eq "$(record_events tls | "$PYTHON" -c 'import json,sys; print(json.loads(sys.stdin.readline())["sni"])')" \
    localhost "SNI of a connection by name"
check otherhost localhost refused "not valid for \`localhost' (it names: DNS:other.example)"
check iponly localhost refused "not valid for \`localhost' (it names: IP:127.0.0.1, IP:::1)"
check dnsip localhost refused "not valid for \`localhost'"
check cnonly localhost refused "it has no subjectAltName, and its subject (/O=missive test bed/CN=localhost) is not used"
check othertypes localhost refused "(it names: "
check wildstar localhost refused "a wildcard counts only as the whole left-most label"
pass "by name localhost: a dNSName entry is needed; another name, IP entries, the CN, URI and email entries, and DNS:* are refused"

# Wildcards by name, through a private /etc/hosts.
if hosts_usable; then
	HOSTS=$WORK/hosts
	printf '127.0.0.1 mx.example.test example.test a.mx.example.test\n' >"$HOSTS"
	check wildcard mx.example.test accepted
	check wildcard MX.Example.Test accepted
	check wildcard example.test refused "not valid for \`example.test' (it names: DNS:*.example.test)"
	check wildcard a.mx.example.test refused "not valid for \`a.mx.example.test'"
	check wildtld example.test refused "a wildcard counts only as the whole left-most label"
	check wildpart mx.example.test refused "a wildcard counts only as the whole left-most label"
	check localhost mx.example.test refused "(it names: DNS:localhost, IP:127.0.0.1, IP:::1)"
	HOSTS=
	pass "wildcards: *.example.test stands for one label only; *.test and m*.example.test are refused"
else
	note "no private /etc/hosts here (needs root and unshare -m): wildcard names not tried by name (test_tls covers the rule)"
fi
