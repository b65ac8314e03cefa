#!/bin/sh
# The ClientHello offers X25519, P-256 and P-384, in that order (then
# P-521 and P-224, for TLS 1.2 certificates on those curves), with key
# shares for X25519 and P-256: a server that accepts only P-256 completes
# the handshake without a HelloRetryRequest (one ClientHello, not two),
# and one that prefers X25519 (OpenSSL's default) gets it. The server
# memory keeps the group each server chose, and the next send there
# shares that one alone (the other key pair is CPU for nothing); a
# server that changed its mind since costs a HelloRetryRequest, and the
# memory follows it. A probe always sends the usual two. The TLS 1.3
# cipher suites start with ChaCha20-Poly1305, or with AES-128-GCM when
# missive's wolfSSL has AES-NI (missive --version says so). The test
# server records what each ClientHello offered.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"

# hello KEY: that field of the last connection's tls record event.
hello() {
	"$PYTHON" - "$RECORD" "$1" <<'EOF'
import glob, json, sys
f = sorted(glob.glob(sys.argv[1] + "/conn-*.jsonl"), key=lambda p: int(p.split("-")[-1].split(".")[0]))[-1]
for line in open(f, encoding="utf-8"):
    e = json.loads(line)
    if e["ev"] == "tls":
        v = e[sys.argv[2]]
        print(",".join(v) if isinstance(v, list) else v)
EOF
}

# The test server as OpenSSL sets it up (X25519 first), then P-256 only.
for curve in default prime256v1; do
	if [ $curve = default ]; then start_server; else start_server --ecdh-curve $curve; fi
	run_missive "send-$curve" send --tls starttls $CA --json "127.0.0.1:$SERVER_PORT" \
	    a@example.org b@example.org
	expect_exit "send-$curve" 0
	record_wait
	assert_eq "$(hello groups)" "x25519,secp256r1,secp384r1,secp521r1,secp224r1" "$curve server: groups offered"
	assert_eq "$(hello key_shares)" "x25519,secp256r1" "$curve server: key shares"
	assert_eq "$(hello client_hellos)" 1 "$curve server: ClientHellos (2 = HelloRetryRequest)"
	chosen=$(ev "send-$curve" tls 'e.get("group")' | tr A-Z a-z)
	assert_eq "$(ev "send-$curve" tls 'e.get("key_shares")')" '["x25519", "secp256r1"]' \
	    "$curve server: the key shares, as the tls event reports them"
	assert_eq "$(awk -v s="127.0.0.1:$SERVER_PORT" '$1 == s { print $7 }' "$SERVERS_FILE")" \
	    "$chosen" "$curve server: the group remembered"

	# The next send shares the remembered group alone, in one ClientHello.
	run_missive "again-$curve" send --tls starttls $CA --json "127.0.0.1:$SERVER_PORT" \
	    a@example.org b@example.org
	expect_exit "again-$curve" 0
	record_wait
	assert_eq "$(hello key_shares)" "$chosen" "$curve server, second send: key shares"
	assert_eq "$(hello groups)" "x25519,secp256r1,secp384r1,secp521r1,secp224r1" \
	    "$curve server, second send: groups offered"
	assert_eq "$(hello client_hellos)" 1 "$curve server, second send: ClientHellos"
	assert_eq "$(ev "again-$curve" tls 'e.get("key_shares")')" "[\"$chosen\"]" \
	    "$curve server, second send: the tls event's key shares"

	# A probe shows what a first handshake gets: both shares.
	run_missive "probe-$curve" probe --tls starttls $CA --json "127.0.0.1:$SERVER_PORT"
	expect_exit "probe-$curve" 0
	record_wait
	assert_eq "$(hello key_shares)" "x25519,secp256r1" "$curve server, probe: key shares"
done
assert_eq "$(ev send-default tls 'e.get("group")')" "X25519" "the default server: the group negotiated"
assert_eq "$(ev send-prime256v1 tls 'e.get("group")')" "SECP256R1" "the P-256 server: the group negotiated"
pass "a server that accepts only P-256: one ClientHello, no HelloRetryRequest; X25519 where the server prefers it"
pass "the next send shares the remembered group alone, in one ClientHello; a probe sends both"

# The P-256 server remembered as choosing X25519 (it changed its mind, or
# the memory is another version's): one HelloRetryRequest, the message
# goes, and the memory now says P-256.
line="127.0.0.1:$SERVER_PORT "
sed -i "/^$line/s/ secp256r1\$/ x25519/" "$SERVERS_FILE"
grep -q "^$line.* x25519\$" "$SERVERS_FILE" || fail "could not make the memory say x25519: $(cat "$SERVERS_FILE")"
run_missive changed send --tls starttls $CA --json "127.0.0.1:$SERVER_PORT" \
    a@example.org b@example.org
expect_exit changed 0
record_wait
assert_eq "$(hello key_shares)" "x25519" "a server that changed its mind: the key share sent"
assert_eq "$(hello client_hellos)" 2 "a server that changed its mind: ClientHellos (a HelloRetryRequest)"
assert_eq "$(ev changed tls 'e.get("group")')" "SECP256R1" "a server that changed its mind: the group negotiated"
assert_eq "$(awk -v s="127.0.0.1:$SERVER_PORT" '$1 == s { print $7 }' "$SERVERS_FILE")" \
    secp256r1 "a server that changed its mind: the group remembered now"
[ "$(record_msgs | wc -l)" -ge 1 ] || fail "a server that changed its mind: no message arrived"
pass "a server that changed its mind: one HelloRetryRequest, the message sent, the memory follows"

# Without AES-NI, ChaCha20 first and no AES-256-GCM (a server with its own
# order, OpenSSL's, would pick that slow one); with it, AES-128-GCM, then
# AES-256-GCM before ChaCha20.
ciphers=$(hello ciphers)
if "$MISSIVE" --version | grep -q '^TLS: .*(AES-NI)'; then
	first=TLS_AES_128_GCM_SHA256
	case $ciphers in
	TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256*) ;;
	*) fail "AES-NI: TLS 1.3 cipher suites offered: $ciphers" ;;
	esac
else
	first=TLS_CHACHA20_POLY1305_SHA256
	case $ciphers in
	"$first",*) ;;
	*) fail "TLS 1.3 cipher suites offered: $ciphers; expected $first first ($("$MISSIVE" --version | sed -n 's/^TLS: //p'))" ;;
	esac
	case $ciphers in
	*TLS_AES_256_GCM_SHA384*) fail "AES-256-GCM offered ($ciphers): servers with their own order would pick it" ;;
	esac
fi
pass "cipher suites start with $first"
