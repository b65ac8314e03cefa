#!/bin/sh
# The setup wizard on a terminal, and "new profile" (^N) in the composer's
# profile picker running it, against a DNS stub with RFC 6186 SRV records
# and test servers on 465 and 587 that require AUTH (a network namespace
# of the test's own): the table and the recommendation of 465 on screen,
# each question answered as a new user would, the password command
# checked, the profile written as answered; from the composer, the From
# address is used, an existing profile is not replaced without a yes, and
# the composer comes back with the new profile in use.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/netns.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

pki_init
WILD="--cert $PKI/wildcard.pem --key $PKI/wildcard.key"
AUTH="--auth-user ann@example.test --auth-pass s3cret-pw --require-auth"
INI=$XDG_CONFIG_HOME/missive/profiles.ini
printf 's3cret-pw\n' >"$WORK/pw"
dns_zone <<EOF
_submissions._tcp.example.test SRV 0 1 465 submit.example.test
_submission._tcp.example.test  SRV 0 1 587 submit.example.test
submit.example.test A 127.0.0.10
EOF
dns_start
start_server --listen 127.0.0.10 --port 465 --implicit-tls $WILD $AUTH
start_server --listen 127.0.0.10 --port 587 $WILD $AUTH
TUI_H=40
TUI_W=120

section() {	# FILE NAME: the lines of [NAME], blank ones left out
	awk -v s="[$2]" '$0 == s { on = 1; print; next } /^\[/ { on = 0 } on && NF' "$1"
}

# --- missive setup on a terminal.
tui_start setup --ca-file "$PKI/ca.pem" --timeout 5 ann@example.test
tui_wait "Use which server (its number) [1]:" 10
s=$(tui_screen)
echo "$s" | grep -E '^1 +submit\.example\.test +465 +implicit +TLS 1\.3 +verified +PLAIN LOGIN' >/dev/null ||
    { tui_dump; fail "465 is not choice 1"; }
echo "$s" | grep -E '^2 +submit\.example\.test +587 +starttls +TLS 1\.3 +verified' >/dev/null ||
    { tui_dump; fail "587 is not choice 2"; }
tui_has "Recommended: [1] submit.example.test port 465: implicit TLS, as RFC 8314 recommends" ||
    { tui_dump; fail "no recommendation of 465"; }
tui_has "_submissions._tcp.example.test: submit.example.test port 465" || fail "SRV record not shown"
pass "setup: SRV records, the table, 465 recommended as choice 1"
tui_keys Enter
tui_wait "User name to log in with [ann@example.test]:"
tui_keys Enter
tui_wait "Choice [1]:"
tui_type "2"
tui_keys Enter
tui_wait "Command that prints the password:"
tui_type "cat $WORK/nowhere"
tui_keys Enter
tui_wait "The command did not give a password"
tui_wait "Keep it anyway? [y/N]"
tui_keys Enter
tui_wait "Command that prints the password:"
tui_type "cat $WORK/pw"
tui_keys Enter
tui_wait "The command printed a password."
tui_has "s3cret-pw" && { tui_dump; fail "the password was shown"; }
tui_wait "Your name as recipients see it (Enter for none):"
tui_type "Ann Example"
tui_keys Enter
tui_wait "Profile name [example.test]:"
tui_keys Enter
tui_wait "Make example.test the default profile (used when -p is not given)? [Y/n]"
tui_keys Enter
tui_wait "Profile example.test saved in"
assert_eq "$(tui_exit_status)" 0 "setup's exit status"
cat >"$WORK/expect.ini" <<EOF
[missive]
default_profile = example.test

[example.test]
server = submit.example.test:465
tls = implicit
ca_file = $PKI/ca.pem
from = Ann Example <ann@example.test>
user = ann@example.test
password_cmd = cat $WORK/pw
EOF
cmp "$INI" "$WORK/expect.ini" || { diff "$WORK/expect.ini" "$INI"; fail "profile not as answered"; }
pass "setup: each question answered, a failing password command caught, the profile as answered"

# --- ^P, ^N in the composer: the same setup, with the From address.
cp "$INI" "$WORK/before.ini"
tui_start
tui_wait "Ready."
tui_has "From:    Ann Example <ann@example.test>" || { tui_dump; fail "default profile not used"; }
tui_keys C-p
tui_wait "^N New profile"
tui_keys C-n
tui_wait "Use which server (its number) [1]:" 10
tui_has "Looking up the submission servers of example.test" || { tui_dump; fail "From's domain not used"; }
tui_type "2"
tui_keys Enter
tui_wait "User name to log in with [ann@example.test]:"
tui_type "ann"
tui_keys Enter
tui_wait "Choice [1]:"
tui_keys Enter
tui_wait "Your name as recipients see it"
tui_type "Ann"
tui_keys Enter
tui_wait "Profile name [example.test]:"
tui_keys Enter
tui_wait "Profile example.test exists"
tui_wait "Replace it? [y/N]"
tui_keys Enter
tui_wait "Profile name [example.test]:"
tui_type "work"
tui_keys Enter
tui_wait "Make work the default profile (used when -p is not given)? [y/N]"
tui_keys Enter
tui_wait "Profile work made by missive setup and in use: server submit.example.test:587" 10
tui_has "Server:  submit.example.test:587" || { tui_dump; fail "Server field not filled"; }
tui_has "From:    Ann <ann@example.test>" || { tui_dump; fail "From not filled"; }
tui_has "TLS starttls" || { tui_dump; fail "title policy"; }
section "$INI" example.test >"$WORK/kept"
section "$WORK/before.ini" example.test >"$WORK/kept.before"
cmp "$WORK/kept" "$WORK/kept.before" || fail "example.test changed although not replaced"
section "$INI" work >"$WORK/work.ini"
for l in "server = submit.example.test:587" "tls = starttls" "from = Ann <ann@example.test>" "user = ann"; do
	assert_file_contains "$WORK/work.ini" "$l"
done
assert_file_not_contains "$WORK/work.ini" "password"
assert_file_contains "$INI" "default_profile = example.test"
pass "composer ^P ^N: setup with From's address, no replacing without yes, back with profile work in use"

# Leaving the questions (Ctrl-D) writes nothing and says so.
tui_keys C-p
tui_wait "^N New profile"
tui_keys C-n
tui_wait "Use which server (its number) [1]:" 10
tui_keys C-d
tui_wait "Press Enter to go back to the composer."
tui_keys Enter
tui_wait "missive setup wrote no profile."
tui_has "Server:  submit.example.test:587" || { tui_dump; fail "fields changed"; }
cp "$INI" "$WORK/after.ini"
pass "setup left half way: nothing written, the composer as it was"

# On an 80-column terminal the table wraps no row: the notes go under
# their rows (then TIME, SIZE and VERSION would go; a pipe gets every
# column).
TUI_W=80 TUI_H=24
tui_start probe --ports --timeout 5 submit.example.test
tui_wait "None of the ports offers TLS" 10
s=$(tui_screen)
echo "$s" | grep -E '^ +465 +implicit +TLS 1\.3 +NOT verified +PLAIN LOGIN +no limit +[0-9.]+ s$' >/dev/null ||
    { tui_dump; fail "80 columns: row of 465"; }
echo "$s" | grep -F -q "    NOTE: the server did not send the certificate of its issuer" ||
    { tui_dump; fail "80 columns: the note under its row"; }
echo "$s" | grep -F "PORT" | grep -q "NOTE" && { tui_dump; fail "80 columns: a NOTE column"; }
[ "$(echo "$s" | grep -E '^ +(PORT|[0-9]+) ' | wc -L)" -le 80 ] || { tui_dump; fail "80 columns: a row wider than 80"; }
pass "80-column terminal: table rows within 80 columns, notes under their rows"
