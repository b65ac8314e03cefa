#!/bin/sh
# missive send, TLS policy: opportunistic without STARTTLS sends in plain
# and says so; required STARTTLS never falls back; response injection after
# STARTTLS aborts; --fallback-plaintext only after a failed handshake, on a
# new connection; TLS 1.2 is the floor; implicit TLS.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

# Capabilities are read again after STARTTLS: CHUNKING and 8BITMIME offered
# in plain only, not over TLS, so the message goes by DATA, 7-bit, without
# BODY=.
start_server --caps pipelining,size,8bitmime,chunking,enhancedstatuscodes,starttls \
    --caps-tls pipelining,size,enhancedstatuscodes
printf 'Gr\303\274\303\237e aus K\303\266ln\n' >"$WORK/utf8.txt"
run_missive recaps send --json --timeout 5 $CA --body "$WORK/utf8.txt" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit recaps 0
check_json recaps
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["method"]')" DATA "method after TLS without CHUNKING"
assert_eq "$(json_get "$RECORD/msg-1.json" '"BODY" in d["mail_params"]')" false "BODY= without 8BITMIME after TLS"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["eight_bit"]')" false "8-bit data without 8BITMIME after TLS"
ev recaps ehlo 'str(e["tls"]) + " " + " ".join(e["capabilities"])' >"$WORK/recaps.ehlo"
grep -q '^True .*CHUNKING' "$WORK/recaps.ehlo" && fail "CHUNKING reported over TLS"
pass "capabilities from the EHLO after STARTTLS are the ones used"

# Opportunistic, no STARTTLS offered: sent in plain, encrypted=false.
start_server --scenario no-starttls
run_missive opp send --json --timeout 5 $CA --tls opportunistic \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit opp 0
check_json opp
assert_eq "$(result opp 'r["sent"]')" true "sent"
assert_eq "$(result opp 'r["encrypted"]')" false "encrypted"
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["tls"]')" false "message tls flag"
pass "opportunistic without STARTTLS: sent in plain, encrypted=false"

# Required STARTTLS (the default for a port other than 25/465), not offered.
for mode in "--tls starttls" ""; do
	start_server --scenario no-starttls
	run_missive req send --json --timeout 5 $CA $mode "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit req 1
	check_json req
	expect_reason req tls_required
	assert_no_mail
done
pass "--tls starttls (given or by port) without STARTTLS: tls_required, nothing sent"

# STARTTLS refused with 454 under a required policy.
start_server --scenario starttls-454
run_missive r454 send --json --timeout 5 $CA --tls starttls "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit r454 1
check_json r454
expect_reason r454 tls_required
assert_no_mail
pass "STARTTLS answered 454: tls_required, nothing sent"

# Response injection: plaintext after the 220 to STARTTLS.
for mode in starttls opportunistic; do
	start_server --scenario starttls-inject
	fb=
	[ $mode = opportunistic ] && fb=--fallback-plaintext
	run_missive inject_$mode send --json --timeout 5 $CA --tls $mode $fb \
	    "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit inject_$mode 1
	check_json inject_$mode
	expect_reason inject_$mode protocol
	assert_no_mail
	if has_event inject_$mode fallback; then
		fail "inject_$mode: fell back to plaintext after an injection"
	fi
	assert_eq "$(record_conns)" 1 "inject_$mode: connections"
done
pass "STARTTLS response injection: protocol error, no MAIL, no fallback"

# The handshake fails (server closes instead of TLS).
start_server --scenario starttls-no-tls
run_missive notls send --json --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit notls 1
check_json notls
expect_reason notls tls_handshake
assert_no_mail
pass "failed handshake, no --fallback-plaintext: tls_handshake, nothing sent"

start_server --scenario starttls-no-tls
run_missive fb send --json --timeout 5 $CA --tls opportunistic --fallback-plaintext \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit fb 0
check_json fb
has_event fb fallback || fail "no fallback event"
has_event fb tls_failed || fail "no tls_failed event before the fallback"
assert_eq "$(result fb 'r["sent"]')" true "fallback: sent"
assert_eq "$(result fb 'r["encrypted"]')" false "fallback: encrypted"
assert_msgs 1
assert_eq "$(record_conns)" 2 "fallback: connections (a new one for plaintext)"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["conn"]')" 2 "fallback: message on the second connection"
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["tls"]')" false "fallback: message tls flag"
if "$PYTHON" "$QUERY" record "$RECORD" cmds 2 | grep -q STARTTLS; then
	fail "fallback connection tried STARTTLS again"
fi
pass "--fallback-plaintext after a failed handshake: fallback event, new connection, sent in plain"

# --fallback-plaintext is for opportunistic only: required STARTTLS never falls back.
start_server --scenario starttls-no-tls
run_missive fbreq send --json --timeout 5 $CA --tls starttls --fallback-plaintext \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
[ "$MRC" = 1 ] || [ "$MRC" = 2 ] || { show_missive fbreq >&2; fail "fbreq: exit $MRC"; }
assert_no_mail
if [ "$MRC" = 1 ]; then
	check_json fbreq
	has_event fbreq fallback && fail "required STARTTLS fell back"
fi
pass "--tls starttls --fallback-plaintext: never sent in plain (exit $MRC)"

# Never a fallback after a certificate failure.
start_server --cert "$PKI/untrusted.pem" --key "$PKI/untrusted.key"
run_missive fbcert send --json --timeout 5 $CA --tls opportunistic --fallback-plaintext \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit fbcert 1
check_json fbcert
expect_reason fbcert cert_verify
has_event fbcert fallback && fail "fell back after a certificate failure"
assert_no_mail
assert_eq "$(record_conns)" 1 "connections after a certificate failure"
pass "no fallback after a certificate failure"

# A server that speaks only TLS 1.0/1.1: the 1.2 floor fails the handshake.
start_server --scenario tls-old
run_missive old send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit old 1
check_json old
expect_reason old tls_handshake
assert_no_mail
pass "TLS 1.1 server: tls_handshake"

# --tls-min 1.3 against a TLS 1.2 server.
start_server --tls-max 1.2
run_missive min13 send --json --timeout 5 $CA --tls-min 1.3 "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit min13 1
check_json min13
expect_reason min13 tls_handshake
assert_no_mail
run_missive tls12 send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit tls12 0
assert_eq "$(ev tls12 tls 'e["version"]')" TLSv1.2 "negotiated version"
pass "--tls-min 1.3 refuses a TLS 1.2 server; the default accepts it"

# Implicit TLS.
start_server --implicit-tls
run_missive implicit send --json --timeout 5 $CA --tls implicit "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit implicit 0
check_json implicit
assert_eq "$(result implicit 'r["encrypted"]')" true "implicit: encrypted"
has_event implicit starttls && fail "implicit TLS sent STARTTLS"
assert_msgs 1
record_events tls >"$WORK/implicit.tls"
assert_file_contains "$WORK/implicit.tls" '"how": "implicit"'
pass "--tls implicit"

# --tls off against a STARTTLS server: plain, on purpose.
start_server
run_missive off send --json --timeout 5 --tls off "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit off 0
assert_eq "$(result off 'r["encrypted"]')" false "off: encrypted"
if record_has_cmd '^STARTTLS'; then fail "--tls off sent STARTTLS"; fi
assert_msgs 1
pass "--tls off: no STARTTLS"
