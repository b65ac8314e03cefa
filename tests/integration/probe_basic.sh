#!/bin/sh
# missive probe: capabilities before and after STARTTLS, TLS version,
# certificate subject and SHA-256 fingerprint (as openssl computes it),
# exit 0, and never a MAIL command.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FP=$(fingerprint "$PKI/localhost.pem")

start_server --auth-user u --auth-pass p
run_missive probe probe --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
expect_exit probe 0
cat "$WORK/probe.out" "$WORK/probe.err" >"$WORK/probe.all"
assert_file_contains "$WORK/probe.all" STARTTLS
assert_file_contains "$WORK/probe.all" "AUTH PLAIN LOGIN"
assert_file_contains "$WORK/probe.all" CHUNKING
assert_file_contains "$WORK/probe.all" TLSv1.3
assert_file_contains "$WORK/probe.all" "CN=localhost"
assert_file_contains "$WORK/probe.all" "$FP"
# Before TLS: STARTTLS listed, AUTH not; after: AUTH listed. The STARTTLS
# line comes before the AUTH line.
st=$(grep -n 'STARTTLS' "$WORK/probe.all" | head -n 1 | cut -d: -f1)
au=$(grep -n 'AUTH PLAIN' "$WORK/probe.all" | head -n 1 | cut -d: -f1)
[ "$st" -lt "$au" ] || fail "capabilities before TLS not shown before those after TLS"
record_wait
if record_has_cmd '^(MAIL|RCPT|DATA|BDAT)'; then fail "probe sent a mail command"; fi
record_cmds >"$WORK/probe.cmds"
assert_file_contains "$WORK/probe.cmds" "plain STARTTLS"
grep -q '^tls EHLO ' "$WORK/probe.cmds" || fail "no EHLO over TLS"
pass "probe (text): capabilities before/after TLS, TLSv1.3, subject, SHA-256 = openssl's; no MAIL"

run_missive probej probe --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
expect_exit probej 0
check_json probej
ev probej ehlo 'str(e["tls"]).lower() + " " + " ".join(e["capabilities"])' >"$WORK/probej.ehlo"
grep -q '^false .*STARTTLS' "$WORK/probej.ehlo" || fail "no plain EHLO with STARTTLS: $(cat "$WORK/probej.ehlo")"
grep -q '^true .*AUTH PLAIN LOGIN' "$WORK/probej.ehlo" || fail "no TLS EHLO with AUTH"
grep -q '^true .*STARTTLS' "$WORK/probej.ehlo" && fail "STARTTLS offered over TLS?"
assert_eq "$(ev probej tls 'e["fingerprint_sha256"]')" "$FP" "tls.fingerprint_sha256"
assert_eq "$(ev probej tls 'e["version"]')" TLSv1.3 "tls.version"
assert_eq "$(ev probej tls 'e["verified"]')" true "tls.verified"
ev probej tls 'e["subject"]' | grep -q 'CN=localhost' || fail "tls.subject"
ev probej tls 'e["not_after"]' | grep -Eq '^20[0-9]{2}-' || fail "tls.not_after"
assert_eq "$(result probej 'r["sent"]')" false "probe result.sent"
has_event probej rcpt && fail "probe sent RCPT"
record_wait
if record_has_cmd '^(MAIL|RCPT|DATA|BDAT)'; then fail "probe --json sent a mail command"; fi
pass "probe --json: ehlo before/after TLS, tls event with the fingerprint, sent=false"

# Without STARTTLS, opportunistic: the plain capabilities, exit 0.
start_server --scenario no-starttls
run_missive probeplain probe --json --timeout 5 --tls opportunistic "127.0.0.1:$SERVER_PORT"
expect_exit probeplain 0
check_json probeplain
assert_eq "$(ev probeplain ehlo 'e["tls"]')" false "ehlo over plain"
has_event probeplain tls && fail "tls event without TLS"
pass "probe of a server without STARTTLS (opportunistic): exit 0"

# A self-signed certificate: the probe still reports its fingerprint.
start_server --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
run_missive probess probe --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT"
check_json probess
assert_eq "$(ev probess tls 'e["fingerprint_sha256"]')" "$(fingerprint "$PKI/selfsigned.pem")" "self-signed fingerprint"
assert_eq "$(ev probess tls 'e["verified"]')" false "self-signed verified"
[ "$MRC" = 0 ] || expect_reason probess cert_verify
record_wait
if record_has_cmd '^(MAIL|RCPT)'; then fail "probe sent MAIL"; fi
pass "probe of a self-signed server reports the fingerprint (exit $MRC)"

# Implicit TLS.
start_server --implicit-tls
run_missive probeimp probe --json --timeout 5 $CA --tls implicit "127.0.0.1:$SERVER_PORT"
expect_exit probeimp 0
assert_eq "$(ev probeimp tls 'e["fingerprint_sha256"]')" "$FP" "implicit fingerprint"
pass "probe with implicit TLS"
