#!/bin/sh
# An installed missive stands on its own: built from a copy of the source
# tree into a prefix, installed, and with the copy and its build tree
# deleted, the installed binary still runs --demo (the sink, the server
# it runs and its certificates come from the package data folder), finds
# its themes, and names no path of the source or build tree.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
[ -x "$TOP/configure" ] || skip "no configure in the source tree (run ./autogen.sh)"
SRC=$WORK/src
PREFIX=$WORK/prefix
mkdir -p "$SRC" "$WORK/build"
# The source tree as a user has it: no build folders, no objects.
(cd "$TOP" && tar cf - --exclude=./build --exclude=./build-asan \
    --exclude=./build-tsan --exclude='./.git' --exclude='*.o' \
    --exclude='*.a' --exclude='./tests/run' .) | (cd "$SRC" && tar xf -) ||
    fail "cannot copy the source tree"
(cd "$WORK/build" && "$SRC/configure" --prefix="$PREFIX" --disable-slow-tests \
    >"$WORK/configure.log" 2>&1) || { tail -20 "$WORK/configure.log"; fail "configure"; }
(cd "$WORK/build" && make -j2 >"$WORK/make.log" 2>&1 && make install \
    >"$WORK/install.log" 2>&1) || { tail -30 "$WORK/make.log" "$WORK/install.log"; fail "make install"; }
rm -rf "$SRC" "$WORK/build"
[ ! -e "$SRC" ] || fail "the copy of the source tree is still there"
pass "built and installed into a prefix; source and build trees deleted"

BIN=$PREFIX/bin/missive
for f in libexec/missive/missive-compose share/missive/demo-sink share/missive/smtpd.py share/missive/pki.sh \
    share/missive/themes/default.theme share/man/man1/missive.1; do
	[ -f "$PREFIX/$f" ] || fail "not installed: $f"
done
# Debug information names source files; the program itself must not
# name a tree (it once had the test folder built in).
objcopy --strip-debug "$BIN" "$WORK/missive.stripped" || fail "objcopy"
objcopy --strip-debug "$PREFIX/libexec/missive/missive-compose" "$WORK/compose.stripped" ||
    fail "objcopy (the composer)"
# (The prefix may itself lie inside the source tree, as here.)
strings "$WORK/missive.stripped" "$WORK/compose.stripped" | grep -v -F "$PREFIX" |
    grep -F -e "$WORK/src" -e "$WORK/build" -e "$TOP" >"$WORK/paths.txt"
[ -s "$WORK/paths.txt" ] && { cat "$WORK/paths.txt" >&2; fail "the binary names the source or build tree"; }
"$BIN" --version >"$WORK/version.out" || fail "--version"
grep -q '^missive ' "$WORK/version.out" || fail "--version says: $(cat "$WORK/version.out")"
pass "composer, demo sink, server, PKI script, themes and man page installed; no tree path in either program"

# The installed program, as a user starts it: no MISSIVE_* variable.
unset MISSIVE_DATADIR
MISSIVE=$BIN
tui_start --demo --theme dark
tui_wait "Demo: mail goes to a local sink" 20
tui_has "Theme:" && { tui_dump; fail "the installed themes were not found"; }
tui_type "Sent by an installed missive."
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 15
sleep 0.2
grep -r -l "Sent by an installed missive." "$WORK/missive-demo-$(id -u)/Maildir" >/dev/null ||
    fail "the message is not in the sink's Maildir"
pass "the installed missive --demo sends to its own sink over verified TLS"
