#!/bin/sh
# The Debian package: `dpkg-buildpackage -us -uc -b` in a copy of the
# source tree builds missive_*.deb (without the package's own test suite:
# this suite is it), lintian finds no error and no warning that
# debian/missive.lintian-overrides does not justify, the package holds
# everything an installed missive needs, and installed with dpkg -i on this
# machine the program runs on its own: --version, its man page, its
# translations, --demo in tmux (sink, server, PKI script and themes from
# /usr/share/missive), `missive send` to the test server, the completions
# bash and zsh load, the desktop entry. The package is purged at the end.
#
# Needs root (or sudo without a password) for dpkg -i; installs the tools it
# lacks through tools/deps. Takes about a minute and a half.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
[ -f "$TOP/debian/control" ] || fail "no debian/control in $TOP"
SUDO=
if [ "$(id -u)" != 0 ]; then
	sudo -n true 2>/dev/null || skip "dpkg -i needs root, or sudo without a password"
	SUDO="sudo -n"
fi

# --- the tools ---------------------------------------------------------------

missing_tools() {
	for _t in dpkg-buildpackage dh lintian desktop-file-validate man zsh; do
		command -v "$_t" >/dev/null 2>&1 || printf '%s ' "$_t"
	done
	[ -f /usr/share/bash-completion/bash_completion ] || printf 'bash-completion '
}
if [ -n "$(missing_tools)" ]; then
	note "installing the package tools through tools/deps (missing: $(missing_tools))"
	$SUDO "$TOP/tools/deps" >"$WORK/deps.log" 2>&1 || { tail -20 "$WORK/deps.log"; fail "tools/deps"; }
	[ -z "$(missing_tools)" ] || fail "still missing after tools/deps: $(missing_tools)"
fi

# --- build -----------------------------------------------------------------

# A copy of the tree as a user has it: no build folders, no objects, no
# leftovers of an earlier package build.
SRC=$WORK/missive
mkdir -p "$SRC"
(cd "$TOP" && tar cf - --exclude=./build --exclude='./build-*' --exclude=./.git \
    --exclude='*.o' --exclude='*.a' --exclude=./tests/run --exclude=./autom4te.cache \
    --exclude=./debian/missive --exclude=./debian/.debhelper --exclude=./debian/tmp \
    --exclude=./debian/files --exclude='./debian/*.substvars' \
    --exclude='./debian/*debhelper*' .) | (cd "$SRC" && tar xf -) ||
    fail "cannot copy the source tree"
t0=$(date +%s)
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc -b >"$WORK/build.log" 2>&1) ||
    { tail -40 "$WORK/build.log"; fail "dpkg-buildpackage -us -uc -b"; }
note "dpkg-buildpackage took $(( $(date +%s) - t0 )) s"
VERSION=$(cd "$SRC" && dpkg-parsechangelog -S Version)
UPSTREAM=${VERSION%-*}
ARCH=$(dpkg --print-architecture)
DEB=$WORK/missive_${VERSION}_$ARCH.deb
CHANGES=$WORK/missive_${VERSION}_$ARCH.changes
[ -f "$DEB" ] || fail "no $DEB after the build: $(ls "$WORK")"
grep -q -e '^# TOTAL:' -e 'Testsuite summary' "$WORK/build.log" &&
    fail "the package build ran the test suite"
pass "dpkg-buildpackage -us -uc -b built $(basename "$DEB")"

# Errors and warnings fail (justified ones are overridden, each with its
# reason, in debian/missive.lintian-overrides); infos are shown.
lintian --fail-on error,warning -I "$CHANGES" >"$WORK/lintian.out" 2>&1
lrc=$?
grep -v '^running with root privileges' "$WORK/lintian.out" | sed 's/^/# lintian: /'
[ "$lrc" = 0 ] || fail "lintian: exit $lrc"
pass "lintian: no error, no unjustified warning"

# --- what the package holds ---------------------------------------------------

dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$WORK/contents"
for f in /usr/bin/missive /usr/libexec/missive/missive-compose \
    /usr/share/man/man1/missive.1.gz \
    /usr/share/man/man5/missive.5.gz \
    /usr/share/doc/missive/design.md.gz /usr/share/doc/missive/SECURITY.md.gz \
    /usr/share/doc/missive/copyright \
    /usr/share/missive/demo-sink /usr/share/missive/smtpd.py /usr/share/missive/pki.sh \
    /usr/share/missive/themes/default.theme /usr/share/missive/themes/solarized-dark.theme \
    /usr/share/locale/de/LC_MESSAGES/missive.mo /usr/share/locale/fr/LC_MESSAGES/missive.mo \
    /usr/share/bash-completion/completions/missive /usr/share/zsh/vendor-completions/_missive \
    /usr/share/applications/missive.desktop \
    /usr/lib/systemd/user/missive-outbox.service /usr/lib/systemd/user/missive-outbox.timer; do
	grep -q -x -F "$f" "$WORK/contents" || fail "the package lacks $f"
done
dpkg-deb -f "$DEB" Depends >"$WORK/depends"
for lib in libwolfssl libncursesw libinih libidn2; do
	grep -q "$lib" "$WORK/depends" || fail "Depends lacks $lib: $(cat "$WORK/depends")"
done
assert_eq "$(dpkg-deb -f "$DEB" Recommends)" "openssl, python3" "Recommends (the demo sink)"
pass "the package holds program, man page, docs, data folder, translations, completions, desktop entry, the outbox's systemd units; Depends from shlibs"

# --- install -----------------------------------------------------------------

# One package test at a time on a machine: they install the same package.
LOCK=/tmp/missive-deb-test.lock
_i=0
until mkdir "$LOCK" 2>/dev/null; do
	_holder=$(cat "$LOCK/pid" 2>/dev/null)
	if [ -n "$_holder" ] && ! kill -0 "$_holder" 2>/dev/null; then
		rm -rf "$LOCK"	# left by a test that was killed
		continue
	fi
	[ $_i -lt 600 ] || fail "$LOCK is held by process ${_holder:-?} for 10 minutes"
	sleep 1
	_i=$((_i + 1))
done
echo $$ >"$LOCK/pid"
at_exit "rm -rf '$LOCK'"

if dpkg-query -W -f '${Status}' missive 2>/dev/null | grep -q ' installed$'; then
	fail "a missive package is installed on this machine already ($(dpkg-query -W -f '${Version}' missive)); this test installs its own and purges it: remove it first (dpkg --purge missive)"
fi
at_exit "$SUDO dpkg --purge missive >/dev/null 2>&1"
# dpkg waits for no one: retry while apt or dpkg elsewhere holds its lock.
_i=0
until $SUDO dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1; do
	grep -q -i 'lock' "$WORK/dpkg.log" && [ $_i -lt 120 ] ||
	    { cat "$WORK/dpkg.log"; fail "dpkg -i $(basename "$DEB")"; }
	sleep 1
	_i=$((_i + 1))
done
grep -q -x -F "ExecStart=/usr/bin/missive outbox flush --due" /usr/lib/systemd/user/missive-outbox.service ||
    fail "the installed missive-outbox.service does not run /usr/bin/missive outbox flush --due: $(cat /usr/lib/systemd/user/missive-outbox.service 2>&1)"
pass "dpkg -i installed the package"

# From here on the installed program, as a user has it: no MISSIVE_*.
unset MISSIVE_DATADIR MISSIVE_LOCALEDIR MISSIVE_DEMO_SINK
MISSIVE=/usr/bin/missive
export MISSIVE
[ -x "$MISSIVE" ] || fail "$MISSIVE is not installed"

run_missive version --version
expect_exit version 0
assert_eq "$(head -n 1 "$WORK/version.out")" "missive $UPSTREAM" "missive --version"
pass "the installed missive --version says missive $UPSTREAM"

# The man page, as man shows it. (A system that excludes /usr/share/man
# from packages, as some container images do, gets it from the .deb.)
if [ -f /usr/share/man/man1/missive.1.gz ]; then
	# Where man finds it, shown from the file itself: a formatted copy
	# man-db cached from an earlier build has the same time stamp (the
	# changelog's), so it would hide a changed page.
	page=$(man -w missive 2>"$WORK/man.err") || { cat "$WORK/man.err"; fail "man -w missive"; }
	assert_eq "$page" /usr/share/man/man1/missive.1.gz "the page man finds for missive"
	MANPAGER=cat MANWIDTH=80 man -l "$page" >"$WORK/man.out" 2>"$WORK/man.err" ||
	    { cat "$WORK/man.err"; fail "man missive"; }
else
	grep -h '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/* >/dev/null 2>&1 ||
	    fail "the man page was not installed"
	note "dpkg excludes /usr/share/man here: the man page is read from the package"
	dpkg-deb -x "$DEB" "$WORK/unpacked" || fail "dpkg-deb -x"
	MANPAGER=cat MANWIDTH=80 man -l "$WORK/unpacked/usr/share/man/man1/missive.1.gz" \
	    >"$WORK/man.out" 2>"$WORK/man.err" || { cat "$WORK/man.err"; fail "man -l"; }
fi
# (man justifies lines: one blank between words for the comparison)
tr -s ' ' <"$WORK/man.out" >"$WORK/man.txt"
assert_file_contains "$WORK/man.txt" "missive - compose and send mail from the terminal"
assert_file_contains "$WORK/man.txt" "xdg-mime default missive.desktop x-scheme-handler/mailto"
pass "man missive shows the installed man page"

# Translations from /usr/share/locale (no MISSIVE_LOCALEDIR).
if locale -a 2>/dev/null | grep -i -q '^de_DE\.utf-\{0,1\}8$'; then
	LC_ALL=de_DE.UTF-8 "$MISSIVE" --help >"$WORK/help-de.out" 2>&1 || fail "missive --help in German"
	head -n 1 "$WORK/help-de.out" | grep -q '^Aufruf: missive' ||
	    fail "the installed German catalogue is not used: $(head -n 1 "$WORK/help-de.out")"
	pass "the installed missive speaks German from /usr/share/locale"
else
	note "no de_DE.UTF-8 locale (tools/locales makes it): the catalogue's use is not checked"
fi

# The completions, where bash-completion and zsh look for them.
bash -c '. /usr/share/bash-completion/bash_completion
    _completion_loader missive
    COMP_WORDS=(missive pro); COMP_CWORD=1; COMP_LINE="missive pro"; COMP_POINT=11
    _missive missive pro missive; printf "%s\n" "${COMPREPLY[@]}" | sort' >"$WORK/bash-comp.out" 2>&1
assert_eq "$(cat "$WORK/bash-comp.out" | tr '\n' ' ')" "probe profiles " "bash-completion's loader and missive pro<TAB>"
zsh -fc 'autoload -Uz compinit && compinit -u -d "$1/compdump" && print -r -- $_comps[missive]' \
    zsh "$WORK" >"$WORK/zsh-comp.out" 2>&1
assert_eq "$(cat "$WORK/zsh-comp.out")" _missive "zsh's completion for missive"
desktop-file-validate /usr/share/applications/missive.desktop >"$WORK/desktop.out" 2>&1 ||
    { cat "$WORK/desktop.out"; fail "desktop-file-validate"; }
pass "bash-completion loads missive's completion, zsh finds _missive, the desktop entry validates"

# --demo: the sink, the server it runs and the PKI script from /usr/share.
tui_start --demo --theme dark
tui_wait "Demo: mail goes to a local sink" 20
tui_has "Theme:" && { tui_dump; fail "the installed themes were not found"; }
tui_type "Sent by the Debian package."
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 15
sleep 0.2
grep -r -l "Sent by the Debian package." "$WORK/missive-demo-$(id -u)/Maildir" >/dev/null ||
    fail "the message is not in the demo sink's Maildir"
tmux_ kill-server 2>/dev/null
pass "the installed missive --demo sends to its sink over verified TLS"

# missive send to the test server.
start_server
printf 'Hello from the package.\n' >"$WORK/body.txt"
run_missive send send --timeout 10 --ca-file "$PKI/ca.pem" --subject "Packaged" \
    --body "$WORK/body.txt" "127.0.0.1:$SERVER_PORT" ann@example.org bob@example.net
expect_exit send 0
assert_msgs 1
assert_eq "$(json_get "$RECORD/msg-1.json" 'd["rcpt_to"]')" '["bob@example.net"]' "envelope recipients"
grep -l -r -F "Hello from the package." "$RECORD" >/dev/null || fail "the test server did not receive the body"
pass "the installed missive send delivers to the test server"

$SUDO dpkg --purge missive >"$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "dpkg --purge missive"; }
[ ! -e /usr/bin/missive ] && [ ! -e /usr/share/missive ] || fail "files left after dpkg --purge"
pass "dpkg --purge removes it"
