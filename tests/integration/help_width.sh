#!/bin/sh
# Every --help, of missive and of each of its commands, fits an 80-column
# terminal in English, German and French: no line wider than 80 columns
# (counted in characters, as these scripts take one column each).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

command -v msgfmt >/dev/null 2>&1 || skip "msgfmt (gettext) is not installed"
LOCALES=$WORK/locale
for l in de fr; do
	mkdir -p "$LOCALES/$l/LC_MESSAGES"
	msgfmt -o "$LOCALES/$l/LC_MESSAGES/missive.mo" "$TESTS_SRCDIR/../po/$l.po" ||
	    fail "msgfmt po/$l.po"
done

cmds=$("$MISSIVE" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$cmds" ] || fail "missive --help lists no commands"
langs=C.UTF-8
for l in de_DE fr_FR; do
	if locale -a 2>/dev/null | grep -i -q "^$l\.utf-\{0,1\}8$"; then
		langs="$langs $l.UTF-8"
	else
		note "locale $l.UTF-8 is not generated (tools/locales): not checked"
	fi
done
n=0
for lang in $langs; do
	for cmd in "" $cmds; do
		# Short folders: a path the user has is not the text's width.
		LC_ALL= LANG=$lang MISSIVE_LOCALEDIR=$LOCALES XDG_CONFIG_HOME=/c \
		    XDG_STATE_HOME=/s XDG_DATA_HOME=/d "$MISSIVE" $cmd --help \
		    >"$WORK/help.out" 2>&1 || fail "missive $cmd --help ($lang) failed"
		"$PYTHON" - "$WORK/help.out" "$lang" "missive $cmd" <<'PY' || fail "a --help line is wider than 80 columns"
import sys
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if len(l) > 80]
for l in bad:
    print("%s, %s --help: %d columns: %s" % (sys.argv[2], sys.argv[3], len(l), l))
sys.exit(1 if bad else 0)
PY
		n=$((n + 1))
	done
done
pass "$n --help texts ($(echo $langs)) fit 80 columns"
