#!/bin/sh
# One home per rule: the command line, a profile and an msmtprc import
# judge the same value the same way, with the same words. Each case here
# once diverged (the command line took what a profile refused, or the
# other way round).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

CONF=$XDG_CONFIG_HOME/missive
mkdir -p "$CONF"
FP=ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789
FP_SPACED=$(echo "$FP" | sed 's/\(..\)/\1 /g; s/ $//')

# cli NAME ARGS...: missive send --dry-run with ARGS (nothing connects)
cli() {
	_n=$1
	shift
	run_missive "$_n" send --dry-run "$@"
}
# prof NAME KEY VALUE: a profile with KEY = VALUE, checked
prof() {
	printf '[p]\nserver = mail.example.org:587\n%s = %s\n' "$2" "$3" >"$CONF/profiles.ini"
	run_missive "$1" profiles --check
}
# same_words NAME1 NAME2 TEXT: both runs said TEXT
same_words() {
	grep -F -q -e "$3" "$WORK/$1.err" "$WORK/$1.out" 2>/dev/null || { show_missive "$1" >&2; fail "$1 does not say '$3'"; }
	grep -F -q -e "$3" "$WORK/$2.err" "$WORK/$2.out" 2>/dev/null || { show_missive "$2" >&2; fail "$2 does not say '$3'"; }
}

# SERVER: the profile's grammar (host names, ports) on the command line too.
cli srv_cli 'bad!host:587' a@example.org b@example.org
expect_exit srv_cli 2
printf '[p]\nserver = bad!host:587\n' >"$CONF/profiles.ini"
run_missive srv_prof profiles --check
expect_exit srv_prof 2
same_words srv_cli srv_prof "not a host name, \`host:port\` or \`[IPv6]:port\`"
cli port_cli 'mail.example.org:+587' a@example.org b@example.org
expect_exit port_cli 2
printf '[p]\nserver = mail.example.org:+587\n' >"$CONF/profiles.ini"
run_missive port_prof profiles --check
expect_exit port_prof 2
same_words port_cli port_prof "the port must be a number from 1 to 65535"
pass "SERVER: one grammar for the command line and profiles"

# A fingerprint pasted with spaces: the command line took it, a profile
# refused it.
cli fp_cli --fingerprint "$FP_SPACED" mail.example.org:587 a@example.org b@example.org
expect_exit fp_cli 0
prof fp_prof fingerprint "$FP_SPACED"
expect_exit fp_prof 0
cli fp_bad_cli --fingerprint "AB CD" mail.example.org:587 a@example.org b@example.org
expect_exit fp_bad_cli 2
prof fp_bad_prof fingerprint "AB CD"
expect_exit fp_bad_prof 2
same_words fp_bad_cli fp_bad_prof "64 hex digits, colons optional"
pass "fingerprints: the same forms accepted everywhere"

# The HELO name: the command line checked only for spaces.
cli helo_cli --helo 'bad!name' mail.example.org:587 a@example.org b@example.org
expect_exit helo_cli 2
prof helo_prof helo 'bad!name'
expect_exit helo_prof 2
same_words helo_cli helo_prof "not a host name or an address literal like [192.0.2.1]"
pass "HELO names: one check"

# Timeouts: the command line took "+30" (strtol), a profile did not.
cli to_cli --timeout +30 mail.example.org:587 a@example.org b@example.org
expect_exit to_cli 2
prof to_prof timeout +30
expect_exit to_prof 2
same_words to_cli to_prof "whole number of seconds from 1 to 3600"
pass "timeouts: one range, one syntax"

# The lowest TLS version, and SASL names in any case.
cli min_cli --tls-min 1.1 mail.example.org:587 a@example.org b@example.org
expect_exit min_cli 2
prof min_prof tls_min 1.1
expect_exit min_prof 2
same_words min_cli min_prof "is not one of 1.2, 1.3"
cli auth_cli --user u --auth scram-sha-256 mail.example.org:587 a@example.org b@example.org
expect_exit auth_cli 0
printf '[p]\nserver = mail.example.org:587\nuser = u\nauth = scram-sha-256\n' >"$CONF/profiles.ini"
run_missive auth_prof profiles --check
expect_exit auth_prof 0
pass "TLS versions and SASL mechanisms: one list each"

# msmtprc: the same fingerprint rule (spaces), the same mechanism names.
cat >"$HOME/.msmtprc" <<EOF2
account one
host mail.example.org
port 587
tls on
tls_starttls on
from one@example.org
user one
tls_fingerprint $(echo "$FP" | sed 's/\(..\)/\1:/g; s/:$//')
auth scram-sha-256
EOF2
rm -f "$CONF/profiles.ini"
run_missive imp profiles --import-msmtp
expect_exit imp 0
assert_file_contains "$CONF/profiles.ini" "fingerprint = AB:CD:EF:01"
assert_file_contains "$CONF/profiles.ini" "auth = SCRAM-SHA-256"
run_missive imp_check profiles --check
expect_exit imp_check 0
pass "msmtprc import: the same fingerprint and mechanism rules"
