#!/bin/sh
# Credentials without a user to log in as are a usage or configuration
# error (exit 2) naming what is missing, never a send without AUTH:
# --password-cmd or --auth without --user, a profile with password_cmd,
# password or auth and no user (which `profiles --check` refuses too);
# nothing reaches the server. A user from the profile and a password
# command from the command line go together.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

pki_init
CA="--ca-file $PKI/ca.pem"
FROM=a@example.org
TO=b@example.org
CONF=$XDG_CONFIG_HOME/missive
mkdir -p "$CONF"

# usage NAME WORDS: exit 2, reason usage, WORDS said, no connection.
usage() {
	expect_exit "$1" 2
	check_json "$1"
	expect_reason "$1" usage
	_m=$(result "$1" 'r["message"]')
	case $_m in
	*"$2"*) ;;
	*) fail "$1: the message does not say '$2': $_m" ;;
	esac
	record_wait
	assert_eq "$(record_conns)" 0 "$1: connections to the server"
}

start_server --auth-user u --auth-pass p
run_missive cmd send --json --timeout 5 $CA --password-cmd "echo p" \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
usage cmd "--password-cmd is given but no user to log in as: add --user NAME"
run_missive auth send --json --timeout 5 $CA --auth PLAIN \
    "127.0.0.1:$SERVER_PORT" $FROM $TO
usage auth "--auth is given but no user to log in as: add --user NAME"
run_missive probe probe --json --timeout 5 $CA --password-cmd "echo p" \
    "127.0.0.1:$SERVER_PORT"
usage probe "--password-cmd is given but no user"
pass "--password-cmd or --auth without --user: exit 2, named, nothing sent"

for key in "password_cmd = echo p" "auth = PLAIN"; do
	printf '[nouser]\nserver = 127.0.0.1:%s\n%s\n' "$SERVER_PORT" "$key" >"$CONF/profiles.ini"
	k=${key%% *}
	run_missive check_$k profiles --check
	expect_exit check_$k 2
	grep -F -q "profiles.ini:3: $k is set but user is not: add \`user = NAME\` (the name to log in as), or remove $k" \
	    "$WORK/check_$k.out" "$WORK/check_$k.err" || { show_missive check_$k >&2; fail "check_$k: not named"; }
	run_missive prof_$k send --json --timeout 5 $CA -p nouser $FROM $TO
	usage prof_$k "$k is set but user is not"
done
printf '[nouser]\nserver = 127.0.0.1:%s\npassword = p\n' "$SERVER_PORT" >"$CONF/profiles.ini"
chmod 600 "$CONF/profiles.ini"
run_missive check_pw profiles --check
expect_exit check_pw 2
grep -F -q "profiles.ini:3: password is set but user is not" "$WORK/check_pw.out" "$WORK/check_pw.err" ||
    { show_missive check_pw >&2; fail "check_pw: not named"; }
pass "a profile with password_cmd, auth or password and no user: profiles --check and send refuse it (exit 2)"

# The user from the profile, the password command from the command line.
printf '[withuser]\nserver = 127.0.0.1:%s\nuser = u\n' "$SERVER_PORT" >"$CONF/profiles.ini"
run_missive ok send --json --timeout 5 $CA -p withuser --password-cmd "echo p" $FROM $TO
expect_exit ok 0
assert_eq "$(ev ok auth 'e["ok"]')" true "auth.ok"
assert_msgs 1
pass "user from the profile, --password-cmd on the command line: authenticated and sent"

# An msmtp account with auth off keeps no user, so its passwordeval is
# not imported either: the imported profiles load.
rm -f "$CONF/profiles.ini"
cat >"$HOME/.msmtprc" <<'EOF2'
account noauth
host mail.example.org
port 587
from me@example.org
auth off
user me
passwordeval pass show mail
EOF2
run_missive imp profiles --import-msmtp
expect_exit imp 0
grep -F -q "noauth: passwordeval is not imported: the profile has no user to log in as" \
    "$WORK/imp.out" "$WORK/imp.err" || { show_missive imp >&2; fail "imp: no word of passwordeval"; }
assert_file_not_contains "$CONF/profiles.ini" "password_cmd"
run_missive imp_check profiles --check
expect_exit imp_check 0
pass "msmtprc import: passwordeval without a user is left out, said so; the profile loads"
