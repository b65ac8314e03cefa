#!/bin/sh
# missive setup ADDRESS without a terminal, against a DNS stub and test
# servers in a network namespace of the test's own: SRV records found ->
# their hosts and ports are probed (and nothing else); no SRV ->
# smtp.DOMAIN and mail.DOMAIN; 465 recommended over 587; the profile
# written is what was chosen (0600, no password) and `missive send -p`
# sends through it to a server that requires AUTH, with the password from
# password_cmd; an existing profile is replaced only with --yes; what is
# missing without a terminal is named before anything is looked up; and
# every failure says what was tried and what to do.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/netns.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
WILD="--cert $PKI/wildcard.pem --key $PKI/wildcard.key"
INI=$XDG_CONFIG_HOME/missive/profiles.ini
AUTH="--auth-user ann@example.test --auth-pass s3cret-pw --require-auth"
printf 's3cret-pw\n' >"$WORK/pw"
dns_start

# --- No terminal, no answers: named, before any lookup.
run_missive missing setup ann@example.test
expect_exit missing 2
for w in "--server HOST:PORT (or --yes" "--user (or --yes" \
    "--password-cmd CMD or --ask-password" "--name (or --yes" \
    "--default or --no-default"; do
	assert_file_contains "$WORK/missing.err" "$w"
done
assert_file_contains "$WORK/missing.err" "no terminal to ask on"
[ -s "$DNS_LOG" ] && fail "DNS asked before the answers were complete"
[ -e "$INI" ] && fail "a profile was written"
run_missive noaddr setup --yes
expect_exit noaddr 2
assert_file_contains "$WORK/noaddr.err" "ADDRESS"
pass "without a terminal: the missing answers named, exit 2, no lookup, nothing written"

# --- SRV records: their targets and ports, implicit TLS preferred.
dns_zone <<EOF
_submissions._tcp.example.test SRV 0 1 1465 submit.example.test
_submission._tcp.example.test  SRV 0 1 1587 submit.example.test
_submission._tcp.example.test  SRV 10 1 2587 backup.example.test
submit.example.test A 127.0.0.10
backup.example.test A 127.0.0.11
smtp.example.test A 127.0.0.20
EOF
start_server --listen 127.0.0.10 --port 1465 --implicit-tls $WILD $AUTH
RSRV=$RECORD
start_server --listen 127.0.0.10 --port 1587 $WILD $AUTH
start_server --listen 127.0.0.20 --port 465 --implicit-tls $WILD $AUTH
RSMTP=$RECORD
run_missive srv setup --yes --timeout 5 $CA --full-name 'Ann Example' \
    --password-cmd "cat $WORK/pw" ann@example.test
expect_exit srv 0
grep -q '^_submissions._tcp.example.test SRV$' "$DNS_LOG" || fail "no SRV query for _submissions"
grep -q '^_submission._tcp.example.test SRV$' "$DNS_LOG" || fail "no SRV query for _submission"
assert_file_contains "$WORK/srv.out" "_submissions._tcp.example.test: submit.example.test port 1465 (priority 0, weight 1)"
assert_file_contains "$WORK/srv.out" "_submission._tcp.example.test: backup.example.test port 2587 (priority 10, weight 1)"
grep -E '^1 +submit\.example\.test +1465 +implicit +TLS 1\.3 +verified +PLAIN LOGIN' "$WORK/srv.out" >/dev/null ||
    { show_missive srv; fail "SRV implicit row"; }
grep -E '^2 +submit\.example\.test +1587 +starttls +TLS 1\.3 +verified' "$WORK/srv.out" >/dev/null ||
    { show_missive srv; fail "SRV starttls row"; }
grep -E '^ +backup\.example\.test +2587 +starttls .*(refused|connect)' "$WORK/srv.out" >/dev/null ||
    { show_missive srv; fail "SRV backup row"; }
assert_file_contains "$WORK/srv.out" "Recommended: [1] submit.example.test port 1465: implicit TLS"
record_wait "$RSMTP"
[ "$(RECORD=$RSMTP record_conns)" = 0 ] || fail "smtp.example.test probed although SRV records exist"
grep -q '^smtp.example.test' "$DNS_LOG" && fail "smtp.example.test looked up although SRV records exist"
cat >"$WORK/expect.ini" <<EOF
[missive]
default_profile = example.test

[example.test]
server = submit.example.test:1465
tls = implicit
ca_file = $PKI/ca.pem
from = Ann Example <ann@example.test>
user = ann@example.test
password_cmd = cat $WORK/pw
EOF
cmp "$INI" "$WORK/expect.ini" || { diff "$WORK/expect.ini" "$INI"; fail "profiles.ini is not what was chosen"; }
assert_eq "$(stat -c %a "$INI")" 600 "profiles.ini mode"
assert_file_not_contains "$INI" "s3cret-pw"
assert_file_not_contains "$INI" "password ="
pass "SRV: the records' hosts and ports probed (not the usual names), 1465 implicit chosen, profile as chosen, 0600, no password"

# --- The profile sends, logging in with the password from password_cmd:
# the command setup printed is the one run.
hint=$(sed -n 's/^Send a test message to yourself: missive //p' "$WORK/srv.out")
assert_eq "$hint" "send -p example.test ann@example.test" "setup's test command"
# shellcheck disable=SC2086 # the words setup printed
run_missive send $hint
expect_exit send 0
RECORD=$RSMTP
assert_msgs 0
RECORD=$RSRV
assert_msgs 1
record_events auth | grep -q '"ok": true' || fail "no successful AUTH at the SRV target"
record_events auth | grep -q '"user": "ann@example.test"' || fail "AUTH not as the address"
assert_file_not_contains "$WORK/send.err" "s3cret-pw"
pass "missive send -p example.test: delivered over implicit TLS after AUTH with password_cmd's password"

# --- An existing profile is not replaced without --yes.
cp "$INI" "$WORK/before.ini"
run_missive again setup --server smtp.example.test:465 --user ann --ask-password \
    --name example.test --no-default $CA --timeout 5 ann@example.test
expect_exit again 1
assert_file_contains "$WORK/again.err" "profile example.test exists"
assert_file_contains "$WORK/again.err" "--yes to replace it"
cmp "$INI" "$WORK/before.ini" || fail "the profile changed without --yes"
run_missive replace setup --server smtp.example.test:465 --user ann --ask-password \
    --name example.test --no-default $CA --timeout 5 --yes ann@example.test
expect_exit replace 0
assert_file_contains "$WORK/replace.out" "replacing it (--yes)"
assert_file_contains "$INI" "server = smtp.example.test:465"
assert_file_contains "$INI" "user = ann"
assert_file_not_contains "$INI" "password_cmd"
assert_file_not_contains "$INI" "submit.example.test"
assert_eq "$(grep -c '^\[example.test\]' "$INI")" 1 "sections named example.test"
pass "existing profile: left alone without --yes (exit 1), replaced with it"

# --- No SRV record: smtp.DOMAIN and mail.DOMAIN on 465, 587 and 25; 465 wins.
dns_zone <<EOF
smtp.example.test A 127.0.0.20
EOF
start_server --listen 127.0.0.20 --port 587 $WILD $AUTH
: >"$DNS_LOG"
run_missive names setup --yes --timeout 5 $CA --user ann --ask-password --name names \
    --no-default ann@example.test
expect_exit names 0
assert_file_contains "$WORK/names.out" "_submissions._tcp.example.test: no SRV record"
assert_file_contains "$WORK/names.out" "No SRV record (RFC 6186) for example.test: trying the usual names smtp.example.test and mail.example.test"
for p in 465 587 25; do
	grep -E "^ *[0-9]* +smtp\.example\.test +$p " "$WORK/names.out" >/dev/null || fail "smtp.example.test:$p not probed"
	grep -E "^ +mail\.example\.test +$p " "$WORK/names.out" >/dev/null || fail "mail.example.test:$p not probed"
done
grep -q '^mail.example.test A$' "$DNS_LOG" || fail "mail.example.test not looked up"
assert_file_contains "$WORK/names.out" "Recommended: [1] smtp.example.test port 465: implicit TLS"
sed -n '/^\[names\]/,$p' "$INI" >"$WORK/names.ini"
assert_file_contains "$WORK/names.ini" "server = smtp.example.test:465"
assert_file_contains "$WORK/names.ini" "tls = implicit"
pass "no SRV: smtp. and mail.DOMAIN on 465/587/25, 465 recommended over 587 and written"

# --- Port 25 with verified STARTTLS: the profile requires STARTTLS there
# (never opportunistic, which would send in plain text without it).
start_server --listen 127.0.0.20 --port 25 $WILD $AUTH
run_missive p25 setup --server smtp.example.test:25 --user ann --ask-password \
    --name port25 --no-default $CA --timeout 5 ann@example.test
expect_exit p25 0
grep -E '^1 +smtp\.example\.test +25 +opportunistic +TLS 1\.3 +verified' "$WORK/p25.out" >/dev/null ||
    { show_missive p25; fail "port 25 row"; }
section() { awk -v s="[$2]" '$0 == s { on = 1; print; next } /^\[/ { on = 0 } on && NF' "$1"; }
section "$INI" port25 >"$WORK/p25.ini"
assert_file_contains "$WORK/p25.ini" "server = smtp.example.test:25"
assert_file_contains "$WORK/p25.ini" "tls = starttls"
# The password asked for: missive send cannot ask, so the test command
# setup prints is the composer's.
assert_file_contains "$WORK/p25.out" "The composer asks for the password when a send needs it."
assert_file_contains "$WORK/p25.out" "Write a test message to yourself (the composer asks for the password): missive -p port25 ann@example.test"
assert_file_not_contains "$WORK/p25.out" "missive send -p"
pass "port 25 with verified STARTTLS: written as tls = starttls, not opportunistic; the composer named for a test with the password asked for"

# --- --server HOST:PORT skips the DNS; the SRV "." target; nothing answers.
: >"$DNS_LOG"
run_missive given setup --server smtp.example.test:587 --user ann --ask-password \
    --name given --no-default $CA --timeout 5 ann@example.test
expect_exit given 0
grep -q SRV "$DNS_LOG" && fail "--server looked up SRV records"
assert_file_contains "$INI" "server = smtp.example.test:587"
dns_zone <<EOF
_submissions._tcp.none.test SRV 0 0 0 .
smtp.example.test A 127.0.0.20
EOF
run_missive nothing setup --yes --timeout 2 $CA bob@none.test
expect_exit nothing 1
assert_file_contains "$WORK/nothing.out" "_submissions._tcp.none.test: the domain says it offers no such service"
assert_file_contains "$WORK/nothing.out" "trying the usual names smtp.none.test and mail.none.test"
assert_file_contains "$WORK/nothing.err" "No server offers TLS with a verified certificate, so missive writes no profile."
assert_file_contains "$WORK/nothing.err" "None of them answered. Check the address's domain (none.test)"
assert_file_contains "$WORK/nothing.err" "missive setup --server HOST[:PORT] bob@none.test"
assert_file_not_contains "$INI" "none.test"
# Certificates of an unknown CA: --ca-file suggested.
run_missive noca setup --yes --timeout 5 --server smtp.example.test ann@example.test
expect_exit noca 1
assert_file_contains "$WORK/noca.err" "give it with --ca-file FILE"
pass "--server skips DNS; SRV \".\" said; nothing answering or no trusted certificate: exit 1 with what to do"

# --- Bad input.
run_missive bad1 setup --yes 'not an address'
expect_exit bad1 2
assert_file_contains "$WORK/bad1.err" "ADDRESS \`not an address'"
run_missive bad2 setup --yes --password-cmd x --ask-password ann@example.test
expect_exit bad2 2
run_missive bad3 setup --yes --name missive --server smtp.example.test:587 $CA ann@example.test
expect_exit bad3 2
assert_file_contains "$WORK/bad3.err" "names the settings section"
pass "bad address, contradicting password options, an unusable name: exit 2"
