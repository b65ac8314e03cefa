#!/bin/sh
# missive send, AUTH: PLAIN, LOGIN (and SCRAM-SHA-256) over TLS with the
# password from --password-cmd; the secret and its base64 forms never reach
# the transcript, stderr (-v) or the JSON events; no AUTH on a plain
# connection unless allowed; a refused AUTH or a missing AUTH stops the send.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org
U=missive-user
P='Tr0ub4dor&3-zebra'
PCMD="printf %s '$P'"

# The forms a secret could leak in: itself, and the base64 of what PLAIN
# and LOGIN send.
b64() { printf '%s' "$1" | base64 -w0; }
SECRETS="$P
$(printf '\0%s\0%s' "$U" "$P" | base64 -w0)
$(printf '%s\0%s\0%s' "$U" "$U" "$P" | base64 -w0)
$(b64 "$P")"

no_secret() {	# FILE...: none of the secret forms in any of them
	for _f in "$@"; do
		printf '%s\n' "$SECRETS" | while IFS= read -r _s; do
			[ -n "$_s" ] || continue
			if grep -F -q -e "$_s" "$_f"; then
				echo "secret form '$_s' found in $_f" >&2
				exit 1
			fi
		done || fail "a secret leaked into $_f"
	done
}

for mech in PLAIN LOGIN SCRAM-SHA-256; do
	start_server --auth-user "$U" --auth-pass "$P" --auth-mechs "$mech"
	run_missive auth_$mech send --json --timeout 5 $CA --user "$U" \
	    --password-cmd "$PCMD" --transcript "$WORK/transcript_$mech" \
	    "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit auth_$mech 0
	check_json auth_$mech
	assert_eq "$(ev auth_$mech auth 'e["mechanism"]')" "$mech" "auth.mechanism"
	assert_eq "$(ev auth_$mech auth 'e["ok"]')" true "auth.ok"
	record_wait
	assert_eq "$(json_get "$RECORD/msg-1.json" 'd["auth_user"]')" "$U" "message auth_user"
	record_events auth >"$WORK/auth_$mech.rec"
	assert_file_contains "$WORK/auth_$mech.rec" '"ok": true, "tls": true'
	if [ "$mech" != SCRAM-SHA-256 ]; then
		# The server saw the real password: the test really checks for it.
		assert_file_contains "$WORK/auth_$mech.rec" "\"password\": \"$P\""
	fi
	[ -s "$WORK/transcript_$mech" ] || fail "$mech: no transcript written"
	assert_file_contains "$WORK/transcript_$mech" "AUTH"
	# The same in text mode with -v: the dialogue on stderr.
	run_missive authv_$mech send -v --timeout 5 $CA --user "$U" \
	    --password-cmd "$PCMD" "127.0.0.1:$SERVER_PORT" $FROM $TO
	expect_exit authv_$mech 0
	assert_file_contains "$WORK/authv_$mech.err" "AUTH"
	assert_file_contains "$WORK/authv_$mech.err" "MAIL FROM"
	no_secret "$WORK/transcript_$mech" "$WORK/auth_$mech.err" "$WORK/auth_$mech.out" \
	    "$WORK/authv_$mech.err" "$WORK/authv_$mech.out"
	pass "AUTH $mech over TLS; the secret is in no transcript, -v output or event"
done

# The best mechanism offered is chosen, and --auth forces one.
start_server --auth-user "$U" --auth-pass "$P" --auth-mechs LOGIN,PLAIN
run_missive force send --json --timeout 5 $CA --user "$U" --password-cmd "$PCMD" \
    --auth LOGIN "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit force 0
assert_eq "$(ev force auth 'e["mechanism"]')" LOGIN "forced mechanism"
pass "--auth LOGIN"

# AUTH offered only on a plain connection: refused by default.
start_server --scenario auth-no-tls --auth-user "$U" --auth-pass "$P"
run_missive plain send --json --timeout 5 --tls opportunistic --user "$U" \
    --password-cmd "$PCMD" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit plain 1
check_json plain
expect_reason plain auth_plaintext_refused
record_wait
if record_has_cmd '^AUTH'; then fail "AUTH sent on a plain connection"; fi
assert_no_mail
no_secret "$WORK/plain.out" "$WORK/plain.err"
pass "AUTH without TLS refused (auth_plaintext_refused), no AUTH sent"

run_missive plainok send --json --timeout 5 --tls opportunistic --user "$U" \
    --password-cmd "$PCMD" --allow-plaintext-auth "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit plainok 0
check_json plainok
assert_msgs 1
record_events auth >"$WORK/plainok.rec"
assert_file_contains "$WORK/plainok.rec" '"ok": true, "tls": false'
pass "--allow-plaintext-auth: AUTH on the plain connection, sent"

# The server refuses the credentials.
start_server --scenario auth-fail --auth-user "$U" --auth-pass "$P"
run_missive fail send --json --timeout 5 $CA --user "$U" --password-cmd "$PCMD" \
    --transcript "$WORK/transcript_fail" "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit fail 1
check_json fail
expect_reason fail auth
assert_no_mail
no_secret "$WORK/fail.out" "$WORK/fail.err" "$WORK/transcript_fail"
pass "AUTH refused (535): reason auth, nothing sent"

# Credentials configured, AUTH not offered after TLS: stop, never send
# unauthenticated.
start_server --caps pipelining,size,8bitmime,enhancedstatuscodes,starttls
run_missive noauth send --json --timeout 5 $CA --user "$U" --password-cmd "$PCMD" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit noauth 1
check_json noauth
expect_reason noauth auth
# Said as what it is (not as a failed choice of mechanism), and no AUTH.
assert_file_contains "$WORK/noauth.out" "offers no AUTH"
record_has_cmd AUTH && fail "noauth: an AUTH command was sent"
assert_no_mail
pass "credentials given, AUTH not offered: reason auth, said so, no AUTH, nothing sent"

# A failing password command: not sent, nothing of it leaks.
start_server --auth-user "$U" --auth-pass "$P"
run_missive badcmd send --json --timeout 5 $CA --user "$U" --password-cmd "exit 3" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
[ "$MRC" = 1 ] || [ "$MRC" = 2 ] || { show_missive badcmd >&2; fail "badcmd: exit $MRC"; }
check_json badcmd
assert_no_mail
pass "failing --password-cmd: not sent (exit $MRC)"
