#!/bin/sh
# GNU conventions of the command line, and the lists scripts and shell
# completion read: every --help starts with "Usage:", a usage error says
# "Syntax:" and points at its own command's --help, no placeholder bug
# address anywhere; `missive profiles --names` and `missive --list-themes`
# print one name a line and nothing else.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

# expect_out NAME FILE(out|err): the output equals stdin, byte for byte.
expect_out() {
	cat >"$WORK/$1.$2.want"
	if ! cmp -s "$WORK/$1.$2.want" "$WORK/$1.$2"; then
		show_missive "$1" >&2
		diff -u "$WORK/$1.$2.want" "$WORK/$1.$2" >&2
		fail "$1: unexpected $2"
	fi
}

# --- --help ------------------------------------------------------------------

for cmd in "" send probe profiles setup servers receipts; do
	name=help_${cmd:-composer}
	run_missive "$name" $cmd --help
	expect_exit "$name" 0
	first=$(head -n 1 "$WORK/$name.out")
	case $first in
	"Usage: missive ${cmd:+$cmd }"*) ;;
	*) fail "missive $cmd --help starts with '$first', not 'Usage: missive ${cmd:+$cmd }'" ;;
	esac
	[ -s "$WORK/$name.err" ] && fail "missive $cmd --help wrote on stderr: $(cat "$WORK/$name.err")"
	grep -q -i -e "report bugs" -e "@example.org>" "$WORK/$name.out" &&
	    fail "missive $cmd --help names a bug address: $(grep -i -e 'report bugs' -e '@example.org>' "$WORK/$name.out")"
done
pass "every --help starts with Usage: and names no placeholder bug address"

# The placeholder address is gone from the program and the build system.
grep -q -F "missive@example.org" "$MISSIVE" && fail "the binary still holds missive@example.org"
TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
for f in configure.ac po/Makevars; do
	grep -q -F "missive@example.org" "$TOP/$f" && fail "$f still names missive@example.org"
done
if [ -x "$TOP/configure" ]; then
	"$TOP/configure" --help >"$WORK/configure-help.out" || fail "configure --help"
	# (autoconf's own words without an address: "to the package provider")
	grep -q -F "missive@example.org" "$WORK/configure-help.out" &&
	    fail "configure --help: $(grep -i 'report bugs' "$WORK/configure-help.out")"
fi
pass "no placeholder bug address in the binary, configure or the catalogues' template"

# --- usage errors ------------------------------------------------------------

run_missive bad_composer --frobnicate
expect_exit bad_composer 2
expect_out bad_composer err <<EOF
$MISSIVE: unrecognized option '--frobnicate'
Syntax: missive [-p PROFILE] [-s SUBJECT] [-a FILE]... [ADDRESS | mailto:URL]...
Try \`missive --help' for more information.
EOF
run_missive bad_send send --frobnicate
expect_exit bad_send 2
expect_out bad_send err <<EOF
missive send: unrecognized option '--frobnicate'
Syntax: missive send [OPTIONS] SERVER FROM TO...
Try \`missive send --help' for more information.
EOF
run_missive bad_probe probe -Z
expect_exit bad_probe 2
expect_out bad_probe err <<EOF
missive probe: invalid option -- 'Z'
Syntax: missive probe [OPTIONS] SERVER
Try \`missive probe --help' for more information.
EOF
run_missive bad_setup setup --frobnicate
expect_exit bad_setup 2
expect_out bad_setup err <<EOF
missive setup: unrecognized option '--frobnicate'
Syntax: missive setup [OPTIONS] [ADDRESS]
Try \`missive setup --help' for more information.
EOF
run_missive bad_profiles profiles --frobnicate
expect_exit bad_profiles 2
expect_out bad_profiles err <<EOF
missive profiles: unknown argument \`--frobnicate\`
Syntax: missive profiles [--check | --names]
       missive profiles --import-msmtp [FILE] [--force]
Try \`missive profiles --help' for more information.
EOF
run_missive bad_servers servers --frobnicate
expect_exit bad_servers 2
expect_out bad_servers err <<EOF
missive servers: unrecognized option '--frobnicate'
Syntax: missive servers [--json | --names]
       missive servers forget HOST[:PORT]
Try \`missive servers --help' for more information.
EOF
run_missive bad_receipts receipts --frobnicate
expect_exit bad_receipts 2
expect_out bad_receipts err <<EOF
missive receipts: unrecognized option '--frobnicate'
Syntax: missive receipts [--json] [--to ADDR] [--since YYYY-MM-DD]
                         [--unencrypted]
Try \`missive receipts --help' for more information.
EOF
run_missive forget_none servers forget
expect_exit forget_none 2
assert_file_contains "$WORK/forget_none.err" "Try \`missive servers --help' for more information."
run_missive two_modes profiles --names --check
expect_exit two_modes 2
assert_file_contains "$WORK/two_modes.err" "Try \`missive profiles --help' for more information."
[ -s "$WORK/two_modes.out" ] && fail "profiles --names --check printed on stdout"
pass "an unknown option says Syntax: and points at its own command's --help"

# --json still ends in a result object after a bad option.
run_missive bad_json send --json --frobnicate
expect_exit bad_json 2
check_json bad_json
expect_reason bad_json usage
pass "send --json with a bad option: the result line, reason usage"

# --- profiles --names ----------------------------------------------------------

run_missive names_none profiles --names
expect_exit names_none 0
expect_out names_none out </dev/null
expect_out names_none err </dev/null
pass "profiles --names without profiles prints nothing"

CONF=$XDG_CONFIG_HOME/missive
mkdir -p "$CONF"
cat >"$CONF/profiles.ini" <<'EOF'
[missive]
default_profile = work

[work]
server = mail.example.org:587

[home]
server = mx.example.net

[my box]
server = box.example.com:465
EOF
run_missive names profiles --names
expect_exit names 0
expect_out names out <<'EOF'
work
home
my box
EOF
expect_out names err </dev/null
pass "profiles --names: one name a line (a name with a space too), nothing else"

printf '[broken]\nserver = x:587\ntls = maybe\n' >>"$CONF/profiles.ini"
run_missive names_bad profiles --names
expect_exit names_bad 2
expect_out names_bad out </dev/null
assert_file_contains "$WORK/names_bad.err" "profiles.ini:14:"
pass "profiles --names with a broken file: exit 2, the error on stderr, nothing on stdout"

# --- servers --names -------------------------------------------------------------

run_missive servers_none servers --names
expect_exit servers_none 0
expect_out servers_none out </dev/null
expect_out servers_none err </dev/null
mkdir -p "$XDG_STATE_HOME/missive"
printf '%s\n' "# a note" \
    "mail.example.org:587 starttls verified 2025-01-01T00:00:00Z 2025-02-01T00:00:00Z -" \
    "[2001:db8::1]:465 implicit pinned 2025-01-01T00:00:00Z 2025-02-01T00:00:00Z -" \
    >"$XDG_STATE_HOME/missive/servers"
run_missive servers_names servers --names
expect_exit servers_names 0
expect_out servers_names out <<'EOF'
mail.example.org:587
[2001:db8::1]:465
EOF
expect_out servers_names err </dev/null
pass "servers --names: one HOST:PORT a line, nothing else"

# --- --list-themes -------------------------------------------------------------

run_missive themes --list-themes
expect_exit themes 0
expect_out themes out <<'EOF'
dark
default
high-contrast
light
mono
solarized-dark
EOF
mkdir -p "$CONF/themes"
printf 'title = red,default\n' >"$CONF/themes/mine.theme"
run_missive themes_mine --list-themes
expect_exit themes_mine 0
assert_eq "$(tr '\n' ' ' <"$WORK/themes_mine.out")" \
    "dark default high-contrast light mine mono solarized-dark " "--list-themes with a theme of the user's"
pass "--list-themes: the shipped and the user's themes, sorted, one a line"
