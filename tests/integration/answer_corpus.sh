#!/bin/sh
# Replies and forwards of real-world messages (tests/mail: Thunderbird,
# Outlook, Apple Mail, Gmail, Claws, a mailing list with a long References
# chain, format=flowed): `missive reply`, `reply --all`, `forward` and
# `forward --inline` with --dry-run print the message the composer starts
# with, byte for byte what it would send; tests/lib/answer_judge.py reads
# each with Python's email package and checks it against the original
# (recipients without the user's own addresses, Re:/Fwd: once, In-Reply-To
# and References, the quote of the decoded text, the attached original).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

MAIL=$TESTS_SRCDIR/mail
JUDGE=$TESTS_SRCDIR/lib/answer_judge.py
mkdir -p "$XDG_CONFIG_HOME/missive"
printf -- 'Ann Example\nexample.org\n' >"$WORK/sig"
cat >"$XDG_CONFIG_HOME/missive/profiles.ini" <<EOT
[missive]
default_profile = home
alternates = ann.old@example.org

[home]
server = 127.0.0.1:2525
from = Ann Example <ann@example.org>
signature = $WORK/sig

[work]
server = 127.0.0.1:2526
from = Ann at work <ann.work@example.com>
EOT
chmod 600 "$XDG_CONFIG_HOME/missive/profiles.ini"
OWN=ann@example.org,ann.work@example.com,ann.old@example.org

n=0
for f in "$MAIL"/*.eml; do
	b=$(basename "$f" .eml)
	for mode in reply all forward inline; do
		case $mode in
		reply) set -- reply ;;
		all) set -- reply --all ;;
		forward) set -- forward ;;
		inline) set -- forward --inline ;;
		esac
		[ "$1" = forward ] && to=friend@example.net || to=
		run_missive "$b-$mode" "$@" --dry-run "$f" $to
		expect_exit "$b-$mode" 0
		"$PYTHON" "$JUDGE" "$mode" "$f" "$WORK/$b-$mode.out" "$OWN" ||
		    { show_missive "$b-$mode" >&2; fail "$b: $mode is not right"; }
		n=$((n + 1))
	done
done
pass "$n answers to $(ls "$MAIL"/*.eml | wc -l) real-world messages judged by Python's email package"

# The profile is the one of the address the message was sent to.
run_missive prof reply --dry-run "$MAIL/latin1-qp.eml"
assert_file_contains "$WORK/prof.out" "From: Ann at work <ann.work@example.com>"
assert_file_not_contains "$WORK/prof.out" "Ann Example"	# nor home's signature
run_missive prof2 reply --dry-run "$MAIL/base64-utf8.eml"
assert_file_contains "$WORK/prof2.out" "From: Ann Example <ann@example.org>"
run_missive prof3 reply --dry-run -p work "$MAIL/base64-utf8.eml"
assert_file_contains "$WORK/prof3.out" "From: Ann at work <ann.work@example.com>"
pass "the reply goes from the profile of the address it was sent to (Delivered-To), -p overrides"

# The signature once, below the quote; the original's own is not quoted.
out=$WORK/thunderbird-alternative-reply.out
[ "$(grep -c '^-- ' "$out")" = 1 ] || fail "the reply has $(grep -c '^-- ' "$out") signature lines"
assert_file_not_contains "$out" "Bernd Beispiel"$(printf '\r')
assert_file_not_contains "$out" "Tel. 0221"
pass "the reply has the profile's signature once and not the quoted message's"

# Standard input: the message piped in as mutt's pipe-message does.
set +e
timeout 20 "$MISSIVE" reply --dry-run - <"$MAIL/flowed-delsp.eml" >"$WORK/stdin.out" 2>"$WORK/stdin.err"
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$WORK/stdin.err" >&2; fail "reply - exited $rc"; }
"$PYTHON" "$JUDGE" reply "$MAIL/flowed-delsp.eml" "$WORK/stdin.out" "$OWN" ||
    fail "reply from standard input is not right"
pass "reply - reads the message from standard input"

# What is not a message is refused, saying so.
printf 'just some text\n' >"$WORK/notes.txt"
run_missive notmail reply --dry-run "$WORK/notes.txt"
expect_exit notmail 2
assert_file_contains "$WORK/notmail.err" "notes.txt: this is not a mail message: it has no header fields"
run_missive nofile reply "$WORK/missing.eml"
expect_exit nofile 2
assert_file_contains "$WORK/nofile.err" "cannot read \`$WORK/missing.eml\`: No such file or directory"
run_missive twofiles reply a.eml b.eml
expect_exit twofiles 2
assert_file_contains "$WORK/twofiles.err" "one message file at a time"
run_missive nofile2 forward
expect_exit nofile2 2
assert_file_contains "$WORK/nofile2.err" "give the message file, or - to read it from standard input"
pass "not a message, no file, two files: exit 2 with the reason"

# A forward's copy of the original is not left behind by a dry run.
[ -z "$(ls "$XDG_DATA_HOME/missive/forward" 2>/dev/null)" ] ||
    fail "a dry run left $(ls "$XDG_DATA_HOME/missive/forward")"
pass "forward --dry-run leaves no copy of the message"
