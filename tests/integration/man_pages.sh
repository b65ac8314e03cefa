#!/bin/sh
# The man pages: groff and man find nothing to warn about, and missive(1)
# documents every option that a --help prints, in the section of its own
# command (a command's --help and its section of the page are kept
# together, so a new option without documentation fails here).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

MAN1="$TESTS_SRCDIR/../doc/missive.1"
MAN5="$TESTS_SRCDIR/../doc/missive.5"

for page in "$MAN1" "$MAN5"; do
	out=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$out" ] || { printf '%s\n' "$out"; fail "groff -ww warns about $page"; }
	if command -v man >/dev/null 2>&1; then
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || { printf '%s\n' "$out"; fail "man --warnings warns about $page"; }
	fi
done
pass "groff -ww and man --warnings are silent on missive.1 and missive.5"

# The page's source with roff escapes for '-' and fonts taken out.
plain() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\%//g' \
	    -e 's/\\&//g' "$1"
}
plain "$MAN1" >"$WORK/man1"

# Lines of the section `.SS "missive CMD..."` up to the next .SS or .SH,
# or of `.SH NAME` up to the next .SH.
section() {
	awk -v want="$1" '
	/^\.S[SH] / {
		sh = /^\.SH/
		if (inside && lvl_sh && !sh) { print; next }
		t = $0; sub(/^\.S[SH] +/, "", t); gsub(/"/, "", t)
		inside = (t == want || index(t, want " ") == 1)
		lvl_sh = sh
		next
	}
	inside' "$WORK/man1"
}

# The options a --help text lists: on a line that starts with spaces and
# a dash, the -x and --word tokens before the gap that starts the words
# ("      --cc ADDR, --bcc ADDR, --attach FILE   (repeatable)").
options() {
	awk '/^ +-/ { s = $0; sub(/^ +/, "", s); i = index(s, "  ");
	    if (i > 0) s = substr(s, 1, i - 1); print s }' |
	    grep -oE -e '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' |
	    sed 's/^[ ,]//' | sort -u
}

cmds=$("$MISSIVE" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$cmds" ] || fail "missive --help lists no commands"
checked=0
for cmd in "" $cmds; do
	if [ -z "$cmd" ]; then
		help=$("$MISSIVE" --help) || fail "missive --help failed"
		title="missive [OPTIONS]"
	else
		help=$("$MISSIVE" "$cmd" --help) || fail "missive $cmd --help failed"
		title="missive $cmd"
	fi
	section "$title" >"$WORK/sec"
	[ -s "$WORK/sec" ] || fail "missive.1 has no section .SS \"$title\" (the command is in missive --help)"
	for opt in $(printf '%s\n' "$help" | options); do
		grep -q -e "$opt\\([^a-z0-9-]\\|\$\\)" "$WORK/sec" ||
		    fail "missive.1, section \"$title\", does not document $opt (in: $title --help)"
		checked=$((checked + 1))
	done
done
[ "$checked" -gt 40 ] || fail "only $checked options found in the --help texts: the option pattern is broken"
pass "missive.1 documents each of the $checked options of the --help of missive and of: $(echo $cmds)"

# Sections a reader looks for.
for s in SYNOPSIS DESCRIPTION "COMPOSER KEYS" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH \"\{0,1\}$s" "$MAN1" || fail "missive.1 has no $s section"
done
for v in NO_COLOR VISUAL EDITOR XDG_CONFIG_HOME XDG_STATE_HOME XDG_DATA_HOME MISSIVE_DATADIR; do
	section ENVIRONMENT | grep -q "$v" || fail "missive.1 ENVIRONMENT does not name $v"
done
pass "missive.1 has its sections, and ENVIRONMENT names every variable missive reads"

# Every key of the composer's help screen (the table in src/ui/views.c
# that ^G shows) is in COMPOSER KEYS.
keys=$(sed -n '/^} help_keys\[\] = {/,/^};/p; /help_keys\[\] = {/,/^};/p' \
    "$TESTS_SRCDIR/../src/ui/views.c" | sed -n 's/^	{ "\([^"]*\)",.*/\1/p' | tr ' ' '\n' | grep -v '^$' | sort -u)
[ "$(printf '%s\n' "$keys" | wc -l)" -gt 30 ] || fail "the key table of src/ui/views.c was not found"
section "COMPOSER KEYS" >"$WORK/keys"
for k in $keys; do
	grep -qF -e "$k" "$WORK/keys" || fail "missive.1 COMPOSER KEYS lacks $k (in the composer's help screen)"
done
pass "missive.1 COMPOSER KEYS has every key of the composer's help screen"
