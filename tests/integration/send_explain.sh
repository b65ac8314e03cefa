#!/bin/sh
# Failures explained in words a person can act on (issue 12, section 3),
# on stderr and in JSON error.message alike, each on the test bed: a
# server that leaves out its intermediate certificate (the issuer named;
# --ca-file suggested only when none was given), implicit TLS against a
# plain port and STARTTLS against an implicit-TLS port (said after a
# short wait, not the whole timeout), a policy the port implied said as
# such, each fact once, a pinned certificate said pinned, the queue id of
# a multi-line final reply, --auth MECH the server does not offer,
# enhanced status codes in words, an expired certificate dated and not
# offered for pinning, a refused login said once with a hint for where
# the password came from, a downgrade said once with the ways on.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org

# count FILE TEXT: how many times TEXT (fixed) occurs in FILE.
count() {
	"$PYTHON" -c 'import sys; print(open(sys.argv[1], encoding="utf-8").read().count(sys.argv[2]))' "$1" "$2"
}

# both NAME: the message of the error event and the result's, one a line.
messages() {
	ev "$1" error 'e["message"]'
	result "$1" 'r["message"]'
}

# --- a missing intermediate certificate
start_server --cert "$PKI/viaint.pem" --key "$PKI/viaint.key"
run_missive int_ca send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit int_ca 1
assert_file_contains "$WORK/int_ca.err" "did not send its intermediate certificate"
assert_file_contains "$WORK/int_ca.err" "CN=missive test intermediate"
assert_file_not_contains "$WORK/int_ca.err" "not signed by a trusted authority"
# --ca-file was given: not suggested again.
grep -v '^  --' "$WORK/int_ca.err" | grep -F -q -e "--ca-file" &&
    { cat "$WORK/int_ca.err" >&2; fail "--ca-file suggested although it was given"; }
run_missive int_caj send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
check_json int_caj
expect_reason int_caj cert_verify
messages int_caj >"$WORK/int_caj.msgs"
assert_eq "$(grep -c 'CN=missive test intermediate' "$WORK/int_caj.msgs")" 2 \
    "error.message and result.message name the missing issuer"
assert_eq "$(ev int_caj tls 'e["verify_code"]')" missing_issuer "tls.verify_code"
assert_eq "$(ev int_caj tls 'e["missing_issuer"]')" "/O=missive test bed/CN=missive test intermediate" \
    "tls.missing_issuer"
run_missive int_noca send --timeout 5 "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit int_noca 1
assert_file_contains "$WORK/int_noca.err" "CN=missive test intermediate"
assert_file_contains "$WORK/int_noca.err" "name it with --ca-file FILE"
assert_no_mail
stop_server
start_server --cert "$PKI/viaint-chain.pem" --key "$PKI/viaint.key"
run_missive int_full send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit int_full 0
assert_msgs 1
pass "a missing intermediate: the issuer named, --ca-file suggested only without one; the full chain is sent"

# --- implicit TLS against a plain port, and the other way round
start_server
run_missive impl_plain send --timeout 5 $CA --tls implicit "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit impl_plain 1
assert_file_contains "$WORK/impl_plain.err" "answered in plain text (an SMTP greeting)"
assert_file_contains "$WORK/impl_plain.err" "Use --tls starttls"
assert_file_not_contains "$WORK/impl_plain.err" "record hdr"
assert_file_not_contains "$WORK/impl_plain.err" "(-3"
run_missive impl_plainj send --json --timeout 5 $CA --tls implicit "127.0.0.1:$SERVER_PORT" $FROM $TO
check_json impl_plainj
expect_reason impl_plainj tls_handshake
assert_eq "$(result impl_plainj 'r["detail"]')" plaintext_port "result.detail"
messages impl_plainj | grep -c -F -e "--tls starttls" >"$WORK/n"
assert_eq "$(cat "$WORK/n")" 2 "error and result messages suggest --tls starttls"
assert_no_mail
stop_server

start_server --implicit-tls
# A long --timeout: the answer comes after a short wait, not after it.
for mode in starttls off; do
	run_missive plain_impl_$mode send --timeout 30 $CA --tls $mode \
	    "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit plain_impl_$mode 1
	[ "$MMS" -lt 10000 ] || fail "--tls $mode against implicit TLS: $MMS ms (--timeout 30)"
	assert_file_contains "$WORK/plain_impl_$mode.err" "speaks TLS from the first byte"
	assert_file_contains "$WORK/plain_impl_$mode.err" "Use --tls implicit"
done
run_missive plain_implj send --json --timeout 30 $CA --tls starttls "127.0.0.1:$SERVER_PORT" $FROM $TO
check_json plain_implj
assert_eq "$(result plain_implj 'r["detail"]')" implicit_tls_port "result.detail"
assert_eq "$(result plain_implj 'r["stage"]')" greeting "result.stage"
assert_no_mail
stop_server
pass "--tls implicit on a plain port: plain text recognised, --tls starttls suggested; STARTTLS or plain on an implicit-TLS port: said in ${MMS} ms, --tls implicit suggested"

# --- a policy the port implied is not blamed on a flag
start_server --scenario no-starttls
run_missive implied send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit implied 1
assert_file_contains "$WORK/implied.err" "port $SERVER_PORT implies STARTTLS; choose another with --tls or the profile's tls ="
assert_file_not_contains "$WORK/implied.err" "--tls starttls requires"
run_missive typed send --timeout 5 $CA --tls starttls "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit typed 1
assert_file_not_contains "$WORK/typed.err" "implies"
assert_file_contains "$WORK/typed.err" "which the TLS policy starttls requires"
run_missive implied_fb send --timeout 5 $CA --fallback-plaintext "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit implied_fb 2
assert_file_contains "$WORK/implied_fb.err" "port $SERVER_PORT implies starttls"
assert_no_mail
stop_server
pass "a policy the port implied: said so, with how to choose another; a typed one is named as the policy"

# --- each fact once
start_server --scenario starttls-no-tls
run_missive once_tls send --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit once_tls 1
assert_eq "$(count "$WORK/once_tls.err" "the server closed the connection")" 1 \
    "the TLS failure on stderr (times)"
run_missive once_fb send --json --timeout 5 $CA --tls opportunistic --fallback-plaintext \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit once_fb 0
check_json once_fb
has_event once_fb error && fail "a successful fallback run has an error event"
has_event once_fb fallback || fail "no fallback event"
run_missive once_fbt send --timeout 5 $CA --tls opportunistic --fallback-plaintext \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit once_fbt 0
assert_eq "$(count "$WORK/once_fbt.err" "the server closed the connection")" 1 \
    "the TLS failure before a fallback on stderr (times)"
stop_server
start_server
run_missive once_rcpt send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM refuse-me@example.org
expect_exit once_rcpt 1
assert_eq "$(count "$WORK/once_rcpt.err" "refused every recipient")" 1 "the summary's reason (times)"
stop_server
# Server text with escape sequences: escaped once on stderr and in JSON.
start_server --scenario garbage
run_missive once_esc send --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit once_esc 1
assert_file_contains "$WORK/once_esc.err" '\x1b[31mRED'
assert_file_not_contains "$WORK/once_esc.err" '\\x1b'
assert_no_byte "$WORK/once_esc.err" 033
run_missive once_escj send --json --timeout 5 $CA --tls opportunistic "127.0.0.1:$SERVER_PORT" $FROM $TO
check_json once_escj
result once_escj 'r["message"]' >"$WORK/once_escj.msg"
assert_file_contains "$WORK/once_escj.msg" '\x1b[31mRED'
assert_file_not_contains "$WORK/once_escj.msg" '\\x1b'
stop_server
pass "each fact once: a TLS failure, a fallback (no error event), a refusal; escapes escaped once"

# --- a pinned certificate is said pinned
fp=$(fingerprint "$PKI/selfsigned.pem")
start_server --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
run_missive pinned send --timeout 5 --fingerprint "$fp" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit pinned 0
assert_file_contains "$WORK/pinned.err" "(pinned certificate)"
assert_file_contains "$WORK/pinned.err" "certificate accepted by its pin"
assert_file_not_contains "$WORK/pinned.err" "NOT verified"
stop_server
pass "a pinned certificate: summarised as pinned, not NOT verified"

# --- the queue id of a multi-line final reply
start_server --scenario multiline-final
run_missive queue send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit queue 0
assert_file_contains "$WORK/queue.err" "Server accepted the message: 250 Ok: queued as Q0001X"
run_missive queuej send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
check_json queuej
assert_eq "$(ev queuej sent 'e["text"]')" "Ok: queued as Q0002X" "sent.text"
assert_eq "$(ev queuej sent 'e["queue_id"]')" Q0002X "sent.queue_id"
assert_eq "$(result queuej 'r["queue_id"]')" Q0002X "result.queue_id"
"$MISSIVE" receipts --json | tail -n 1 >"$WORK/queue.receipt"
assert_eq "$(json_get "$WORK/queue.receipt" 'd["queue_id"]')" Q0002X "the receipt's queue_id"
stop_server
pass "a multi-line final reply: the line with the queue id shown, queue_id in sent, result and the receipt"

# --- --auth MECH the server does not offer
start_server --auth-user u --auth-pass p
run_missive mech send --timeout 5 $CA --user u --password-cmd 'echo p' --auth SCRAM-SHA-256 \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit mech 1
assert_file_contains "$WORK/mech.err" "does not offer AUTH SCRAM-SHA-256; it offers PLAIN LOGIN"
assert_file_contains "$WORK/mech.err" "Choose one of those with --auth"
run_missive mechj send --json --timeout 5 $CA --user u --password-cmd 'echo p' --auth SCRAM-SHA-256 \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit mechj 1
expect_reason mechj auth
assert_eq "$(result mechj 'r["detail"]')" auth_mech "result.detail"
record_wait
if record_has_cmd '^AUTH'; then fail "AUTH sent for a mechanism not offered"; fi
assert_no_mail
pass "--auth for a mechanism not offered: refused before sending, naming what is offered"

# --- a refused login: once, with a hint for where the password came from
run_missive login send --timeout 5 $CA --user u --password-cmd 'echo wrong' \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit login 1
assert_eq "$(count "$WORK/login.err" "535")" 1 "the server's 535 on stderr (times)"
assert_file_not_contains "$WORK/login.err" "Login refused"
assert_file_contains "$WORK/login.err" "Check --user and what --password-cmd prints"
run_missive loginj send --json --timeout 5 $CA --user u --password-cmd 'echo wrong' \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit loginj 1
expect_reason loginj auth
result loginj 'r["message"]' | grep -F -q "what --password-cmd prints" ||
    fail "result.message has no hint: $(result loginj 'r["message"]')"
assert_no_mail
stop_server
pass "a refused login: the 535 said once, the hint names --password-cmd; reason auth"

# --- enhanced status codes, a certificate for another name, an expired one
start_server
run_missive relay send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM relay-me@example.org
expect_exit relay 1
assert_file_contains "$WORK/relay.err" "5.7.1: relay access denied"
assert_file_contains "$WORK/relay.err" "Log in first: set --user and --password-cmd"
run_missive relayj send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM relay-me@example.org
expect_reason relayj rcpt_refused
result relayj 'r["message"]' | grep -F -q "5.7.1: relay access denied" ||
    fail "result.message: $(result relayj 'r["message"]')"
run_missive unknown send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM refuse-me@example.org
expect_exit unknown 1
assert_file_contains "$WORK/unknown.err" "5.1.1: the mailbox does not exist"
stop_server
start_server --cert "$PKI/otherhost.pem" --key "$PKI/otherhost.key"
run_missive other send --timeout 5 $CA "localhost:$SERVER_PORT" $FROM $TO
expect_exit other 1
assert_file_contains "$WORK/other.err" "not valid for \`localhost' (it names: DNS:other.example)"
run_missive otherj send --json --timeout 5 $CA "localhost:$SERVER_PORT" $FROM $TO
expect_reason otherj cert_verify
assert_eq "$(ev otherj tls 'e["verify_code"]')" name_mismatch "tls.verify_code"
stop_server
start_server --cert "$PKI/expired.pem" --key "$PKI/expired.key"
run_missive expired send --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit expired 1
assert_file_contains "$WORK/expired.err" "expired on 2020-01-02"
assert_file_not_contains "$WORK/expired.err" "--pin-pubkey"
assert_file_not_contains "$WORK/expired.err" "--fingerprint"
assert_file_not_contains "$WORK/expired.err" "pin it"
run_missive expiredj send --json --timeout 5 $CA "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_reason expiredj cert_verify
assert_eq "$(ev expiredj tls 'e["verify_code"]')" expired "tls.verify_code"
assert_no_mail
stop_server
pass "5.7.1 and 5.1.1 in words with a next step; another name's certificate lists its names; an expired one says since when, no pin offered"

# --- a downgrade: said once, with the ways on for send and for probe
start_server
P=$SERVER_PORT
run_missive dg_good send --timeout 5 $CA --tls opportunistic "127.0.0.1:$P" $FROM $TO
expect_exit dg_good 0
restart_server "$P" --scenario no-starttls
run_missive dg send --timeout 5 $CA --tls opportunistic "127.0.0.1:$P" $FROM $TO
expect_exit dg 1
assert_file_contains "$WORK/dg.err" "Not sent: 127.0.0.1:$P does not offer STARTTLS now"
assert_file_not_contains "$WORK/dg.err" "Nothing was sent"
assert_eq "$(count "$WORK/dg.err" "missive servers forget 127.0.0.1:$P")" 1 "the way on (times)"
assert_file_contains "$WORK/dg.err" "or send this one message without TLS with --tls off."
run_missive dgj send --json --timeout 5 $CA --tls opportunistic "127.0.0.1:$P" $FROM $TO
expect_exit dgj 1
expect_reason dgj tls_downgrade
assert_eq "$(result dgj 'r["detail"]')" starttls_stripped "result.detail"
result dgj 'r["message"]' | grep -F -q "missive servers forget 127.0.0.1:$P" ||
    fail "result.message has no way on: $(result dgj 'r["message"]')"
run_missive dgp probe --timeout 5 $CA --tls opportunistic "127.0.0.1:$P"
expect_exit dgp 1
assert_file_contains "$WORK/dgp.err" "Probe failed: 127.0.0.1:$P does not offer STARTTLS now"
assert_file_contains "$WORK/dgp.err" "forget it with \`missive servers forget 127.0.0.1:$P\`."
assert_file_not_contains "$WORK/dgp.err" "--tls off"
assert_no_mail
pass "a downgrade: said once (no 'Nothing was sent' after 'Not sent'), detail starttls_stripped; send offers --tls off, probe only forgetting"
