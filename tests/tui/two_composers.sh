#!/bin/sh
# Two composers at once never share a draft: a draft that belongs to a
# running composer is not offered to another, each autosaves into a file
# of its own, and a composer that died (kill -9, its pid free for reuse)
# gives its draft back to the next start.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"

ndrafts() { ls "$(drafts_dir)" 2>/dev/null | grep -c '\.txt$'; }
# draft_with TEXT: the one draft file that holds TEXT
draft_with() {
	_m=$(grep -l -F -e "$1" "$(drafts_dir)"/*.txt 2>/dev/null)
	[ "$(printf '%s\n' "$_m" | grep -c .)" = 1 ] || fail "expected one draft with '$1', found: $_m"
	echo "$_m"
}

tui_start -p work -s "First" bob@example.org
first=$TUI_RUN
tui_wait "Ready."
tui_type "Text of the first composer."
tui_wait "draft saved" 5
a=$(draft_with "Text of the first composer.")

# A second composer while the first one runs: nothing is offered.
tui_start_also -p work -s "Second" carol@example.org
second=$TUI_RUN
tui_wait "Ready."
sleep 0.5
if tui_has "kept from earlier" || tui_has "Kept from earlier"; then
	tui_dump
	fail "the second composer offered the first one's live draft"
fi
tui_type "Text of the second composer."
tui_wait "draft saved" 5
b=$(draft_with "Text of the second composer.")
[ "$a" != "$b" ] || fail "both composers save into $a"
assert_file_not_contains "$a" "second composer"
assert_file_not_contains "$b" "first composer"
pass "a running composer's draft is not offered; each saves its own file"

# Both keep typing: neither writes over the other.
tui_use "$first"
tui_type " More from the first."
tui_wait "draft saved" 5
tui_use "$second"
tui_type " More from the second."
tui_wait "draft saved" 5
wait_file_contains "$a" "More from the first."
wait_file_contains "$b" "More from the second."
assert_file_not_contains "$a" "second"
assert_file_not_contains "$b" "first"
[ "$(ndrafts)" = 2 ] || fail "expected two drafts, found $(ndrafts)"
pass "two composers typing at once write two files"

# The first dies without a chance to clean up; its lock goes with it.
tui_use "$first"
pid=$(tui_pid)
kill -KILL "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "missive survived SIGKILL"
	sleep 0.05
done
tui_start_also -p work
tui_wait "Kept from earlier: Enter opens one"
# The live one is listed, marked, and not the one Enter opens.
tui_wait "(open in another missive)"
tui_keys Enter
tui_wait "More from the first."
tui_has "second composer" && { tui_dump; fail "restored the live draft of the second composer"; }
tui_type " Third."
tui_keys C-s
tui_wait "Draft saved to"
wait_file_contains "$a" "Third."
assert_file_not_contains "$b" "Third."
pass "the draft of a killed composer is offered again; the live one never"
