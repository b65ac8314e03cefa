#!/bin/sh
# `missive profiles`: the hint when there are none, the aligned table with
# the default marked, --check printing every problem with file and line
# (exit 2) and the chmod hint for a readable password, and --import-msmtp
# writing profiles while keeping the rest of profiles.ini byte for byte.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

CONF=$XDG_CONFIG_HOME/missive

# expect_out NAME FILE(out|err): the output equals stdin, byte for byte.
expect_out() {
	cat >"$WORK/$1.$2.want"
	if ! cmp -s "$WORK/$1.$2.want" "$WORK/$1.$2"; then
		show_missive "$1" >&2
		diff -u "$WORK/$1.$2.want" "$WORK/$1.$2" >&2
		fail "$1: unexpected $2"
	fi
}

# --- no profiles ---------------------------------------------------------

run_missive none profiles
expect_exit none 0
assert_file_contains "$WORK/none.out" "No profiles yet. Create $CONF/profiles.ini, for example:"
assert_file_contains "$WORK/none.out" "    server = smtp.example.org:587"
pass "no profiles: a hint with the path and an example"

run_missive none_check profiles --check
expect_exit none_check 0
expect_out none_check out <<EOF
0 profiles OK
EOF
pass "--check with no profiles"

# --- the table -------------------------------------------------------------

mkdir -p "$CONF/profiles.d"
cat >"$CONF/profiles.ini" <<'EOF'
# My profiles.
[missive]
default_profile = work

[home]
server = mx.example.net

[work]
server = smtp.example.org:587
tls = starttls
user = jörg
from = Jörg <j@example.org>
EOF
cat >"$CONF/profiles.d/v6.ini" <<'EOF'
[v6]
server = [2001:db8::25]:465
EOF
run_missive list profiles
expect_exit list 0
# Columns line up in terminal cells (ö is one), unset values are "-", a
# TLS policy that comes from the port is in parentheses.
expect_out list out <<'EOF'
  PROFILE  SERVER                TLS              USER  FROM
  home     mx.example.net        (opportunistic)  -     -
* work     smtp.example.org:587  starttls         jörg  Jörg <j@example.org>
  v6       [2001:db8::25]:465    (implicit)       -     -
EOF
pass "the table, aligned, default marked"

run_missive check_ok profiles --check
expect_exit check_ok 0
expect_out check_ok out <<'EOF'
3 profiles OK
EOF
pass "--check: 3 profiles OK"

# --- problems --------------------------------------------------------------

cat >"$CONF/profiles.d/typo.ini" <<'EOF'
[typo]
sever = smtp.example.org
tls = startls
from = Me <me@example.org> ; the usual one
timeout = 0
EOF
run_missive check_bad profiles --check
expect_exit check_bad 2
expect_out check_bad err <<'EOF'
profiles.d/typo.ini:2: unknown key `sever` (did you mean `server`?)
profiles.d/typo.ini:3: tls: `startls` is not one of off, opportunistic, starttls, implicit
profiles.d/typo.ini:4: from: ` ;` starts a comment in this file format, so the value would be cut to `Me <me@example.org>`; remove the space before `;` or put the comment on a line of its own
profiles.d/typo.ini:5: timeout: `0` is not a whole number of seconds from 1 to 3600
EOF
[ -s "$WORK/check_bad.out" ] && fail "check_bad: printed on stdout"
pass "--check: every problem with file and line, exit 2"

run_missive list_bad profiles
expect_exit list_bad 2
expect_out list_bad err <<'EOF'
missive: profiles.d/typo.ini:2: unknown key `sever` (did you mean `server`?) (and 3 more problems: see `missive profiles --check`)
EOF
pass "listing a broken configuration: exit 2, the first problem"
rm "$CONF/profiles.d/typo.ini"

# A literal password in a file others can read: refused, with the fix.
printf '[secret]\nserver = s.example.org\npassword = hunter2\nuser = me\n' >"$CONF/profiles.d/secret.ini"
chmod 644 "$CONF/profiles.d/secret.ini"
run_missive perm profiles --check
expect_exit perm 2
expect_out perm err <<EOF
profiles.d/secret.ini:3: password: profiles.d/secret.ini can be read by other users (mode 0644); run \`chmod 600 $CONF/profiles.d/secret.ini\` or use password_cmd
EOF
assert_file_not_contains "$WORK/perm.err" hunter2
chmod 600 "$CONF/profiles.d/secret.ini"
run_missive perm_ok profiles --check
expect_exit perm_ok 0
assert_file_contains "$WORK/perm_ok.out" "4 profiles OK"
pass "password: refused at 0644 with the chmod line, accepted at 0600"
rm "$CONF/profiles.d/secret.ini"

# --- msmtp import -------------------------------------------------------------

cp "$CONF/profiles.ini" "$WORK/profiles.before"
cat >"$WORK/msmtprc" <<'EOF'
# msmtp
defaults
auth on
tls on
tls_trust_file /etc/ssl/certs/ca-certificates.crt

account mail
host smtp.mail.example
port 587
from me@mail.example
user me
passwordeval "pass show mail"

account smtps : mail
tls_starttls off
port 465
password hunter2

account home
host mx.example.net

account default : mail
EOF
run_missive import profiles --import-msmtp "$WORK/msmtprc"
expect_exit import 0
expect_out import out <<EOF
created profile mail: smtp.mail.example:587, tls starttls
created profile smtps: smtp.mail.example:465, tls implicit
skipped home: a profile of that name exists (--force replaces it)
Imported 2 profiles into $CONF/profiles.ini.
EOF
assert_file_contains "$WORK/import.err" "warning: $WORK/msmtprc:17: the password of smtps is not imported"
assert_file_not_contains "$CONF/profiles.ini" hunter2
# Everything that was there is still there, byte for byte, in front.
head -c "$(wc -c <"$WORK/profiles.before")" "$CONF/profiles.ini" >"$WORK/profiles.head"
cmp -s "$WORK/profiles.before" "$WORK/profiles.head" || fail "import changed the existing lines of profiles.ini"
assert_file_contains "$CONF/profiles.ini" "password_cmd = pass show mail"
pass "--import-msmtp: profiles created, existing ones kept, no password"

# A default_profile was set already: it stays.
assert_eq "$(grep -c '^default_profile' "$CONF/profiles.ini")" 1 "default_profile lines"
assert_file_contains "$CONF/profiles.ini" "default_profile = work"

run_missive imported profiles --check
expect_exit imported 0
assert_file_contains "$WORK/imported.out" "5 profiles OK"

run_missive again profiles --import-msmtp "$WORK/msmtprc"
expect_exit again 0
assert_file_contains "$WORK/again.out" "skipped mail: a profile of that name exists"
assert_file_contains "$WORK/again.out" "No profiles imported from $WORK/msmtprc."
pass "import again: nothing overwritten"

# --force replaces, and msmtp's default account becomes the default.
run_missive force profiles --import-msmtp "$WORK/msmtprc" --force
expect_exit force 0
assert_file_contains "$WORK/force.out" "replaced profile mail: smtp.mail.example:587, tls starttls"
assert_file_contains "$WORK/force.out" "replaced profile home: mx.example.net:25, tls starttls"
assert_file_contains "$WORK/force.out" "default profile: mail"
assert_file_contains "$CONF/profiles.ini" "default_profile = mail"
run_missive forced profiles
expect_exit forced 0
assert_file_matches "$WORK/forced.out" '^\* mail '
pass "--force replaces and sets msmtp's default"

# Without FILE: ~/.msmtprc, into a fresh configuration.
rm -rf "$CONF"
cp "$WORK/msmtprc" "$HOME/.msmtprc"
run_missive home_rc profiles --import-msmtp
expect_exit home_rc 0
assert_file_contains "$WORK/home_rc.out" "created profile home: mx.example.net:25, tls starttls"
assert_file_contains "$WORK/home_rc.out" "default profile: mail"
[ "$(stat -c %a "$CONF")" = 700 ] || fail "config folder mode $(stat -c %a "$CONF")"
[ "$(stat -c %a "$CONF/profiles.ini")" = 600 ] || fail "profiles.ini mode $(stat -c %a "$CONF/profiles.ini")"
pass "--import-msmtp reads ~/.msmtprc; new folder 0700, file 0600"

# A broken msmtprc names its line; nothing is written.
printf 'account a\nhost x\ntls maybe\n' >"$WORK/bad.msmtprc"
cp "$CONF/profiles.ini" "$WORK/profiles.before"
run_missive bad_rc profiles --import-msmtp "$WORK/bad.msmtprc"
expect_exit bad_rc 2
expect_out bad_rc err <<EOF
missive: $WORK/bad.msmtprc:3: invalid argument \`maybe\` for tls
EOF
cmp -s "$WORK/profiles.before" "$CONF/profiles.ini" || fail "a failed import changed profiles.ini"
pass "a bad msmtprc: exit 2 with its line, nothing written"

# --- usage -------------------------------------------------------------------

run_missive help profiles --help
expect_exit help 0
assert_file_contains "$WORK/help.out" "--import-msmtp [FILE]"
run_missive usage profiles --frobnicate
expect_exit usage 2
assert_file_contains "$WORK/usage.err" "unknown argument \`--frobnicate\`"
pass "--help, and exit 2 on an unknown option"
