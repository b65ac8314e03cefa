#!/bin/sh
# The translations are complete and current: every catalogue in po/LINGUAS
# compiles with msgfmt -c and has no fuzzy or untranslated message, also
# after merging it with a template freshly extracted from today's sources
# (so a string added or changed without a translation fails here), and
# every source file that marks strings is listed in po/POTFILES.in.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

for t in msgfmt xgettext msgmerge; do
	command -v "$t" >/dev/null 2>&1 || skip "$t (gettext) is not installed"
done

TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
PO=$TOP/po
[ -f "$PO/LINGUAS" ] || fail "no po/LINGUAS"
[ -f "$PO/POTFILES.in" ] || fail "no po/POTFILES.in"
langs=$(sed 's/#.*//' "$PO/LINGUAS" | tr -s ' \t' '\n' | grep -v '^$')
[ -n "$langs" ] || fail "po/LINGUAS names no language"

# stats FILE: msgfmt -c --statistics; prints its statistics line, fails
# when msgfmt does.
stats() {
	LC_ALL=C msgfmt -c --statistics -o /dev/null "$1" 2>"$WORK/msgfmt.err" ||
	    { cat "$WORK/msgfmt.err" >&2; fail "msgfmt -c rejects $1"; }
	cat "$WORK/msgfmt.err"
}

# all_translated FILE WHAT: only translated messages, none fuzzy or untranslated.
all_translated() {
	s=$(stats "$1") || exit 1
	case $s in
	*fuzzy* | *untranslated*)
		LC_ALL=C msgattrib --only-fuzzy --no-obsolete "$1" 2>/dev/null | head -n 40 >&2
		LC_ALL=C msgattrib --untranslated --no-obsolete "$1" 2>/dev/null | head -n 40 >&2
		fail "$2: $s";;
	*" translated message"*) ;;
	*) fail "$2: unexpected statistics: $s";;
	esac
	echo "$s"
}

plural_forms() {
	case $1 in
	de) echo 'nplurals=2; plural=(n != 1);';;
	fr) echo 'nplurals=2; plural=(n > 1);';;
	*) echo;;
	esac
}

for l in $langs; do
	f=$PO/$l.po
	[ -f "$f" ] || fail "po/LINGUAS names $l but po/$l.po does not exist"
	s=$(all_translated "$f" "po/$l.po") || exit 1
	pass "po/$l.po compiles (msgfmt -c): $s"
	want=$(plural_forms "$l")
	if [ -n "$want" ]; then
		grep -F -q "\"Plural-Forms: $want\\n\"" "$f" ||
		    fail "po/$l.po: Plural-Forms is not '$want'"
		pass "po/$l.po: Plural-Forms $want"
	fi
done

# Every C file under src/ that marks a string for translation is listed.
missing=
for c in $(cd "$TOP" && find src -name '*.c' | sort); do
	if grep -E -q '(^|[^A-Za-z0-9_])(N?_|ngettext)[ ]*\(' "$TOP/$c"; then
		grep -q -x -F "$c" "$PO/POTFILES.in" || missing="$missing $c"
	fi
done
[ -z "$missing" ] || fail "po/POTFILES.in does not list:$missing"
pass "po/POTFILES.in lists every source file with translatable strings"

# A fresh template from the sources, with the options of po/Makevars.
opts=$(sed -n 's/^XGETTEXT_OPTIONS[ ]*=[ ]*//p' "$PO/Makevars")
[ -n "$opts" ] || opts="--keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8"
sed -e 's/#.*//' -e 's/[ 	]*$//' -e '/^$/d' "$PO/POTFILES.in" >"$WORK/files"
while read -r c; do
	[ -f "$TOP/$c" ] || fail "po/POTFILES.in lists $c, which does not exist"
done <"$WORK/files"
# shellcheck disable=SC2086
(cd "$TOP" && LC_ALL=C xgettext $opts --default-domain=missive \
    --package-name=missive --files-from="$WORK/files" \
    -o "$WORK/missive.pot") 2>"$WORK/xgettext.err" ||
    { cat "$WORK/xgettext.err" >&2; fail "xgettext failed"; }
n=$(grep -c '^msgid "' "$WORK/missive.pot")
[ "$n" -gt 100 ] || fail "the fresh template has only $n messages"
pass "xgettext extracted $((n - 1)) messages from the sources"

for l in $langs; do
	LC_ALL=C msgmerge --quiet -o "$WORK/$l.po" "$PO/$l.po" "$WORK/missive.pot" \
	    2>"$WORK/msgmerge.err" ||
	    { cat "$WORK/msgmerge.err" >&2; fail "msgmerge po/$l.po failed"; }
	s=$(all_translated "$WORK/$l.po" "po/$l.po is not up to date with the sources (make -C po update-po, then translate)") || exit 1
	pass "po/$l.po is current with the sources: $s"
done
