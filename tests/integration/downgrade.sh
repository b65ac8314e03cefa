#!/bin/sh
# The server memory (downgrade protection, RFC 8314 5): a session with a
# verified certificate is remembered per HOST:PORT (0600, its key, how and
# when); later an opportunistic send or probe that finds STARTTLS missing,
# refused (454) or a broken handshake sends nothing (tls_downgrade, exit 1),
# --fallback-plaintext or not, and says when TLS was last seen there and the
# two ways on; --tls off sends one message and keeps the memory; `missive
# servers forget` lets plain text go again; --insecure is never remembered;
# a changed key that verifies is warned about and remembered anew.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
OPP="--tls opportunistic --timeout 5 $CA"
FROM=a@example.org
TO=b@example.org

# entry PORT: the memory's line for 127.0.0.1:PORT (empty when none).
entry() { grep "^127\.0\.0\.1:$1 " "$SERVERS_FILE" 2>/dev/null; }
field() { echo "$1" | cut -d' ' -f"$2"; }

# --- a verified session is remembered -----------------------------------------

start_server
P=$SERVER_PORT
run_missive good send --json $OPP "127.0.0.1:$P" $FROM $TO
expect_exit good 0
assert_msgs 1
assert_eq "$(result good 'r["tls_remembered"]')" null "first session: tls_remembered"
line=$(entry "$P") || fail "127.0.0.1:$P not remembered after a verified session: $(cat "$SERVERS_FILE" 2>&1)"
assert_eq "$(field "$line" 2) $(field "$line" 3)" "starttls verified" "how and trust"
assert_eq "$(field "$line" 6)" "$(pubkey_sha256 "$PKI/localhost.pem")" "remembered key"
SEEN=$(field "$line" 5)
echo "$SEEN" | grep -E -q '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
    fail "last seen is not RFC 3339 UTC: $SEEN"
assert_eq "$(file_mode "$SERVERS_FILE")" 600 "mode of the memory"
assert_eq "$(file_mode "$(dirname "$SERVERS_FILE")")" 700 "mode of the state folder"
run_missive list servers --json
expect_exit list 0
assert_eq "$(json_get "$WORK/list.out" 'd["server"] + " " + d["tls"] + " " + d["certificate"] + " " + d["last_seen"]')" \
    "127.0.0.1:$P starttls verified $SEEN" "servers --json"
run_missive table servers
expect_exit table 0
assert_file_contains "$WORK/table.out" "127.0.0.1:$P  starttls  verified"
pass "a verified STARTTLS session is remembered: how, trust, dates, key; 0600; listed"

# --- refused in every variant, with and without --fallback-plaintext ----------

for scen in no-starttls starttls-454 starttls-no-tls; do
	restart_server "$P" --scenario "$scen"
	for fb in "" --fallback-plaintext; do
		name=$scen${fb:+-fb}
		c0=$(record_conns)
		run_missive "$name" send --json $OPP $fb "127.0.0.1:$P" $FROM $TO
		expect_exit "$name" 1
		check_json "$name"
		expect_reason "$name" tls_downgrade
		has_event "$name" fallback && fail "$name: fell back to plain text"
		assert_no_mail
		assert_eq "$(record_conns)" $((c0 + 1)) "$name: connections"
		msg=$(result "$name" 'r["message"]')
		case $msg in
		*"$SEEN"*"missive servers forget 127.0.0.1:$P"*"--tls off"*) ;;
		*) fail "$name: the message does not say when TLS was last seen and how to go on: $msg" ;;
		esac
		assert_eq "$(result "$name" 'r["tls_remembered"]')" "$SEEN" "$name: tls_remembered"
	done
	run_missive "probe-$scen" probe --json $OPP "127.0.0.1:$P"
	expect_exit "probe-$scen" 1
	expect_reason "probe-$scen" tls_downgrade
	pass "$scen: send (with and without --fallback-plaintext) and probe refused: tls_downgrade, exit 1, no MAIL, one connection"
done

# In words, on stderr, and in probe's report.
run_missive words send $OPP --fallback-plaintext "127.0.0.1:$P" $FROM $TO
expect_exit words 1
assert_file_contains "$WORK/words.err" "the TLS handshake with 127.0.0.1:$P failed"
assert_file_contains "$WORK/words.err" "when missive last saw it ($SEEN)"
assert_file_contains "$WORK/words.err" "\`missive servers forget 127.0.0.1:$P\`"
run_missive pwords probe $OPP "127.0.0.1:$P"
expect_exit pwords 1
assert_file_contains "$WORK/pwords.out" "Server memory: TLS (starttls, certificate verified) was negotiated here"
pass "stderr names the failure, when TLS was last seen, and missive servers forget; probe reports the memory"

# --tls off: this one message in plain text; the memory stays.
run_missive off send --json --tls off --timeout 5 "127.0.0.1:$P" $FROM $TO
expect_exit off 0
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["tls"]')" false "--tls off: sent in plain"
[ -n "$(entry "$P")" ] || fail "--tls off forgot the server"
ev off warning 'e["message"]' | grep -F -q "127.0.0.1:$P negotiated TLS with a trusted certificate when missive last saw it ($SEEN); this session goes without TLS" ||
    fail "--tls off to a remembered server: no warning"
pass "--tls off sends one message in plain text, says the server did TLS before, and keeps the memory"

# --- forget ------------------------------------------------------------------

run_missive forget servers forget "127.0.0.1:$P"
expect_exit forget 0
assert_file_contains "$WORK/forget.out" "Forgot 127.0.0.1:$P"
[ -z "$(entry "$P")" ] || fail "servers forget left the entry"
restart_server "$P" --scenario no-starttls
run_missive plain send --json $OPP "127.0.0.1:$P" $FROM $TO
expect_exit plain 0
assert_eq "$(result plain 'r["encrypted"]')" false "after forget: encrypted"
assert_msgs 1
[ -z "$(entry "$P")" ] || fail "a plain session was remembered"
run_missive again servers forget "127.0.0.1:$P"
expect_exit again 1
assert_file_contains "$WORK/again.err" "nothing is remembered for 127.0.0.1:$P"
run_missive badhost servers forget "[::1"
expect_exit badhost 2
assert_file_contains "$WORK/badhost.err" "Try \`missive servers --help'"
pass "servers forget: the next opportunistic send goes in plain text as the policy allows; forgetting twice: exit 1; a bad HOST: exit 2"

# --- --insecure is never remembered ----------------------------------------------

restart_server "$P"
run_missive insecure send --json --insecure $OPP "127.0.0.1:$P" $FROM $TO
expect_exit insecure 0
[ -z "$(entry "$P")" ] || fail "an --insecure session was remembered"
run_missive pinsecure probe --insecure $OPP "127.0.0.1:$P"
expect_exit pinsecure 0
assert_file_contains "$WORK/pinsecure.out" "Server memory: not remembered: a session with --insecure never is"
[ -z "$(entry "$P")" ] || fail "an --insecure probe was remembered"
stop_server
start_server --cert "$PKI/selfsigned.pem" --key "$PKI/selfsigned.key"
run_missive selfsigned send --json --insecure --tls opportunistic --timeout 5 "127.0.0.1:$SERVER_PORT" $FROM $TO
expect_exit selfsigned 0
[ -z "$(entry "$SERVER_PORT")" ] || fail "a self-signed --insecure session was remembered"
pass "--insecure sessions (verified or not, send or probe) are never remembered"

# A probe with a verified certificate remembers.
restart_server "$P"
run_missive probe probe $OPP "127.0.0.1:$P"
expect_exit probe 0
assert_file_contains "$WORK/probe.out" "Server memory: remembered from now on"
[ -n "$(entry "$P")" ] || fail "a verified probe was not remembered"
pass "a probe with a verified certificate remembers the server and says so"

# --- a changed key ---------------------------------------------------------------

restart_server "$P" --cert "$PKI/p384.pem" --key "$PKI/p384.key"
run_missive newkey send --json $OPP "127.0.0.1:$P" $FROM $TO
expect_exit newkey 0
old=$(pubkey_sha256 "$PKI/localhost.pem")
new=$(pubkey_sha256 "$PKI/p384.pem")
ev newkey warning 'e["message"]' >"$WORK/newkey.warnings"
grep -F "public key changed" "$WORK/newkey.warnings" | grep -F "$old" | grep -F -q "$new" ||
    { cat "$WORK/newkey.warnings" >&2; fail "no warning naming the old and the new key"; }
line=$(entry "$P")
assert_eq "$(field "$line" 6)" "$new" "the new key remembered"
assert_eq "$(field "$line" 4)" "$(field "$line" 5)" "first seen starts again with the new key"
# A key that does not verify is refused as before; the memory keeps the good one.
restart_server "$P" --cert "$PKI/untrusted.pem" --key "$PKI/untrusted.key"
run_missive badkey send --json $OPP "127.0.0.1:$P" $FROM $TO
expect_exit badkey 1
expect_reason badkey cert_verify
assert_no_mail
assert_eq "$(field "$(entry "$P")" 6)" "$new" "key after an untrusted certificate"
pass "a changed key that verifies: a warning with both keys, remembered anew; one that does not: refused, not remembered"

# --- implicit TLS, forgetting every port, lines kept ------------------------------

start_server --implicit-tls
I=$SERVER_PORT
run_missive implicit send --json --tls implicit --timeout 5 $CA "127.0.0.1:$I" $FROM $TO
expect_exit implicit 0
assert_eq "$(field "$(entry "$I")" 2)" implicit "how, for implicit TLS"
printf '# a note of mine\nnot a server line\n' >>"$SERVERS_FILE"
run_missive listbad servers
expect_exit listbad 0
assert_file_contains "$WORK/listbad.err" "1 line is not a server"
run_missive forgetall servers forget 127.0.0.1
expect_exit forgetall 0
assert_eq "$(grep -c '^Forgot' "$WORK/forgetall.out")" 2 "servers forget HOST: every port"
[ -z "$(entry "$P")$(entry "$I")" ] || fail "servers forget HOST left a port"
assert_file_contains "$SERVERS_FILE" "# a note of mine"
assert_file_contains "$SERVERS_FILE" "not a server line"
pass "implicit TLS is remembered as implicit; forget HOST forgets every port; other lines are kept"
