#!/bin/sh
# The profile picker: lists profiles with their details, filters as you
# type, fills Server/From/Cc/Bcc without touching the body, and saves the
# current settings as a new profile.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work smtp.work.example:587 tls=starttls "from=Ann Work <ann@work.example>" \
    "cc=boss@work.example"
profile home mail.home.example:465 "from=Ann <ann@home.example>" user=ann
profile club smtp.club.example "from=Ann (club) <ann@club.example>"

tui_start -p home
tui_wait "Ready."
tui_keys Tab Tab Tab Tab Tab
tui_type "Body that must survive."
tui_keys C-p
tui_wait "Filter:"
s=$(tui_screen)
for want in "work" "smtp.work.example:587" "starttls" "home" "club" \
    "Ann (club) <ann@club.example>"; do
	echo "$s" | grep -F -q -e "$want" || { tui_dump; fail "picker lacks '$want'"; }
done
tui_type "wor"
tui_wait_gone "Ann <ann@home.example>"
tui_has "club.example" && { tui_dump; fail "filter kept club"; }
tui_has "smtp.work.example:587" || { tui_dump; fail "filter lost work"; }
pass "the picker lists profiles and filters as you type"
tui_keys Enter
tui_wait "Profile work:"
tui_has "Server:  smtp.work.example:587" || { tui_dump; fail "server not filled"; }
tui_has "From:    Ann Work <ann@work.example>" || fail "from not filled"
tui_has "Cc:      boss@work.example" || fail "cc not filled"
tui_has "Body that must survive." || fail "the body changed"
tui_has "TLS starttls" || fail "title policy"
pass "choosing fills server, sender and Cc; the body stays"

tui_keys Up Up Up Up Up Up Up
tui_wait "▸Server:"
tui_keys C-u
tui_type "smtp.new.example:2525"
tui_keys F5
tui_wait "Filter:"
tui_keys C-s
tui_wait "as profile:"
tui_keys C-u
tui_type "newone"
tui_keys Enter
tui_wait "Profile newone saved"
f=$XDG_CONFIG_HOME/missive/profiles.ini
assert_file_contains "$f" "[newone]"
assert_file_contains "$f" "smtp.new.example:2525"
assert_file_contains "$f" "[club]"
pass "the current settings are saved as a new profile"
"$MISSIVE" profiles >"$WORK/profiles.out" 2>&1 || { cat "$WORK/profiles.out"; fail "profiles no longer load"; }
grep -q newone "$WORK/profiles.out" || fail "missive profiles does not list it"
pass "missive profiles reads the saved file"

# Saving under a name in use asks first; the suggested name is replaced
# by typing, not appended to.
cp "$f" "$WORK/before.ini"
tui_keys F5
tui_wait "Filter:"
tui_keys C-s
tui_wait "as profile:"
tui_bottom | grep -q "as profile: newone" || { tui_dump; fail "the current profile's name is not suggested"; }
tui_type "club"
tui_keys Enter
tui_wait "Profile club exists"
tui_bottom | grep -F -q "Replace it? [y/n]" || { tui_dump; fail "no question before replacing"; }
tui_keys n
tui_wait "Profile club left as it was."
cmp -s "$f" "$WORK/before.ini" || { diff "$WORK/before.ini" "$f"; fail "n changed the file"; }
assert_file_not_contains "$f" "[workclub]"
pass "typing replaces the suggested name; an existing profile is not replaced without asking"
tui_keys F5
tui_wait "Filter:"
tui_keys C-s
tui_wait "as profile:"
tui_type "club"
tui_keys Enter
tui_wait "Replace it?"
tui_keys y
tui_wait "Profile club saved"
assert_file_contains "$f" "smtp.new.example:2525"
[ "$(grep -c '^\[club\]' "$f")" = 1 ] || fail "club defined twice"
pass "y replaces it, in place"

# In the demo, the sink's throw-away port and CA are not saved.
kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -rf "$(drafts_dir)"
tui_start --demo
tui_wait "Demo: mail goes to a local sink" 15
tui_keys F5
tui_wait "Filter:"
tui_keys C-s
tui_wait "as profile:"
tui_type "fromdemo"
tui_keys Enter
tui_wait "The demo's local sink is not saved"
sed -n '/^\[fromdemo\]/,/^\[/p' "$f" >"$WORK/fromdemo.ini"
assert_file_not_contains "$WORK/fromdemo.ini" "127.0.0.1"
assert_file_not_contains "$WORK/fromdemo.ini" "missive-demo"
assert_file_contains "$WORK/fromdemo.ini" "from = You <you@demo.missive.test>"
pass "a profile saved in the demo keeps neither the sink's port nor its CA"
