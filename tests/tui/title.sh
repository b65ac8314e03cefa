#!/bin/sh
# The title bar says the policy in words and shows a lock only for what
# was negotiated with this server: none before a send, 🔒 after verified
# TLS, none (and words) after a refused certificate or a plain session;
# on the Linux console, which cannot draw the glyphs, words say it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

start_server
good=$SERVER_PORT
start_server --cert "$PKI/otherhost.pem" --key "$PKI/otherhost.key"
other=$SERVER_PORT
profile good "127.0.0.1:$good" tls=starttls "ca_file=$PKI/ca.pem" "from=Ann <ann@example.org>"
profile other "127.0.0.1:$other" tls=starttls "ca_file=$PKI/ca.pem" "from=Ann <ann@example.org>"
title() { tui_screen | head -n 1; }

tui_start -p good -s "Title" bob@example.org
tui_wait "Ready."
title | grep -q "TLS starttls" || { tui_dump; fail "no policy in the title"; }
title | grep -q "🔒\|🔓" && { tui_dump; fail "a lock before anything was negotiated"; }
pass "before a send: the policy in words, no lock"
tui_type "Hello."
tui_keys C-x
tui_wait "Sent to 1 recipient over TLS 1.3 (verified)" 10
title | grep -q "🔒 TLS 1.3" || { tui_dump; fail "no lock after verified TLS"; }
pass "after a verified send: 🔒 TLS 1.3"

tui_start -p other -s "Title" bob@example.org
tui_wait "Ready."
tui_type "Hello."
tui_keys C-x
tui_wait "Not sent:" 10
title | grep -q "🔒" && { tui_dump; fail "a lock after a refused certificate"; }
title | grep -q "certificate refused" || { tui_dump; fail "the title does not say the certificate was refused"; }
pass "after a refused certificate: no lock, the title says so"

kill -TERM "$(tui_pid)"
tui_exit_status >/dev/null
rm -rf "$(drafts_dir)"
TUI_TERM=linux
tui_start -p good -s "Console" bob@example.org
tui_wait "Ready."
tui_type "Hello."
tui_keys C-x
tui_wait "Sent to 1 recipient" 10
title | grep -q "🔒\|🔓" && { tui_dump; fail "glyphs on the Linux console"; }
title | grep -q "\[TLS 1.3, verified\]" || { tui_dump; fail "no words for the lock on the Linux console"; }
pass "on the Linux console the lock is said in words"
