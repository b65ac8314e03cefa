#!/bin/sh
# The pagers (help, TLS diagnostics, dialogue) reach their last line
# however their lines wrap: they scroll by screen rows, End shows the
# last page, and paging down stops there.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"
last="accepted the message."	# the help's last line, at 40 columns

TUI_W=40 TUI_H=15
tui_start -p work -s "Pagers" bob@example.org
tui_wait "Ready."
tui_keys C-g
tui_wait "— Help"
tui_keys End
tui_wait "$last"
pass "End shows the help's last line at 40 columns"

tui_keys Home
tui_wait_gone "$last"
i=0
while ! tui_has "$last" && [ $i -lt 60 ]; do
	tui_keys PgDn
	sleep 0.1
	i=$((i + 1))
done
tui_has "$last" || { tui_dump; fail "PgDn never reached the last line"; }
before=$(tui_screen)
tui_keys PgDn Down Down
sleep 0.3
[ "$(tui_screen)" = "$before" ] || { echo "$before" >&2; tui_dump; fail "the pager scrolled past its last page"; }
pass "PgDn reaches the last line and stops there"

# Down by one row at a time also gets there.
tui_keys Home
tui_wait_gone "$last"
i=0
while ! tui_has "$last" && [ $i -lt 400 ]; do
	tui_keys Down
	i=$((i + 1))
done
tui_wait "$last"
pass "Down one row at a time gets to the last line"
