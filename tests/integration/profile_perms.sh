#!/bin/sh
# Profile files and folders others can write are refused, the way OpenSSH
# refuses a writable ~/.ssh/config: a profile can run commands as you
# (password_cmd, through /bin/sh) and choose your server. A file or folder
# writable by the group or others, or owned by another user (not root),
# is refused with the exact command that fixes it, before anything of the
# file is used: its password_cmd never runs.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

CONF=$XDG_CONFIG_HOME/missive
mkdir -p "$CONF"
chmod 755 "$CONF"
MARK=$WORK/password_cmd_ran

start_server --auth-user u --auth-pass p --plaintext-auth
printf '[w]\nserver = 127.0.0.1:%s\ntls = off\nfrom = a@example.org\nuser = u\nallow_plaintext_auth = yes\npassword_cmd = touch %s; echo p\n' \
    "$SERVER_PORT" "$MARK" >"$CONF/profiles.ini"

# refused NAME WORDS: profiles --check and a send both say WORDS, exit 2,
# the password command never ran, nothing reached the server.
refused() {
	run_missive "$1_check" profiles --check
	expect_exit "$1_check" 2
	grep -F -q -- "$2" "$WORK/$1_check.out" "$WORK/$1_check.err" ||
	    { show_missive "$1_check" >&2; fail "$1: profiles --check does not say '$2'"; }
	run_missive "$1_send" send --json --timeout 5 -p w b@example.org
	expect_exit "$1_send" 2
	grep -F -q -- "$2" "$WORK/$1_send.out" || { show_missive "$1_send" >&2; fail "$1: send does not say '$2'"; }
	[ ! -e "$MARK" ] || fail "$1: password_cmd ran from a profile others can write"
	record_wait
	assert_eq "$(record_conns)" 0 "$1: connections"
}

chmod 666 "$CONF/profiles.ini"
refused world "profiles.ini: the file is writable by other users (mode 0666), and a profile can run commands as you (password_cmd); run \`chmod 644 $CONF/profiles.ini\`"
chmod 620 "$CONF/profiles.ini"
refused group "(mode 0620), and a profile can run commands as you (password_cmd); run \`chmod 600 $CONF/profiles.ini\`"
chmod 644 "$CONF/profiles.ini"
pass "profiles.ini writable by others or the group: refused with the chmod, password_cmd not run"

mkdir -p "$CONF/profiles.d"
chmod 755 "$CONF/profiles.d"
printf '[d]\nserver = x.example.org\n' >"$CONF/profiles.d/d.ini"
chmod 602 "$CONF/profiles.d/d.ini"
refused dropin "profiles.d/d.ini: the file is writable by other users (mode 0602)"
chmod 600 "$CONF/profiles.d/d.ini"
pass "a drop-in file: the same"

chmod 777 "$CONF"
refused dir "the folder $CONF is writable by other users (mode 0777): anyone could replace your profiles, which can run commands as you; run \`chmod 755 $CONF\`"
chmod 755 "$CONF"
chmod 775 "$CONF/profiles.d"
refused dropdir "the folder $CONF/profiles.d is writable by other users (mode 0775)"
chmod 755 "$CONF/profiles.d"
pass "the missive folder and profiles.d writable by others: refused with the chmod"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$CONF/profiles.ini"
	refused owner "profiles.ini: the file belongs to another user (nobody), and a profile can run commands as you (password_cmd); run \`chown root $CONF/profiles.ini\`"
	chown root "$CONF/profiles.ini"
	pass "a profile file of another user: refused with the chown"
else
	note "not root: the owner check is not tried"
fi

run_missive ok send --json --timeout 5 -p w b@example.org
expect_exit ok 0
[ -e "$MARK" ] || fail "ok: password_cmd did not run"
assert_msgs 1
pass "0644 file in 0755 folders, ours: used (password_cmd ran, sent)"
