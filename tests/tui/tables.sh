#!/bin/sh
# The tables of missive receipts and missive servers on an 80-column
# terminal: no row wraps (the widest columns are narrowed, their longer
# cells cut with "…"); piped, every cell is whole.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

STATE=$XDG_STATE_HOME/missive
mkdir -p "$STATE" && chmod 700 "$STATE"
LONG_TO=someone.with.a.rather.long.name@department.example-university.example
LONG_HOST=submission.mail.department.example-university.example
for i in 1 2; do
	printf '{"time":"2026-12-0%sT10:00:00Z","via":"send","profile":null,"server":"%s","port":587,"address":"192.0.2.7","policy":"starttls","encrypted":true,"tls_version":"TLSv1.3","cipher":"TLS13-AES128-GCM-SHA256","verified":true,"pinned":false,"fingerprint_sha256":null,"pubkey_sha256":null,"fallback":false,"downgrade_memory":false,"auth":"PLAIN","from":"ann@example.org","message_id":"<m%s@example.org>","size":100,"recipients":[{"address":"%s","code":250,"text":"2.1.5 Ok"}],"reply":{"code":250,"text":"2.0.0 Ok: queued as 4XyZ%s0123456789abcdef"},"queue_id":"4XyZ%s0123456789abcdef","outbox_id":null}\n' \
	    "$i" "$LONG_HOST" "$i" "$LONG_TO" "$i" "$i" >>"$STATE/receipts.jsonl"
done
printf '%s:587 starttls verified 2026-12-01T10:00:00Z 2026-12-02T10:00:00Z %s\n' \
    "$LONG_HOST" "12:26:56:6F:84:9D:38:65:2C:1F:18:AF:4E:99:42:A8:CA:5D:8C:1E:7C:D3:29:C3:5E:DC:30:48:38:91:9B:5B" \
    >"$STATE/servers"
chmod 600 "$STATE/receipts.jsonl" "$STATE/servers"

# Piped: whole.
"$MISSIVE" receipts >"$WORK/piped.out" 2>&1 || fail "missive receipts (piped) failed"
grep -q -F "$LONG_TO" "$WORK/piped.out" || { cat "$WORK/piped.out"; fail "piped: the address is not whole"; }
"$MISSIVE" servers >"$WORK/servers.out" 2>&1 || fail "missive servers (piped) failed"
grep -q -F "$LONG_HOST:587" "$WORK/servers.out" || { cat "$WORK/servers.out"; fail "piped: the server is not whole"; }
pass "piped, the tables keep every cell whole"

TUI_W=80 TUI_H=24
for cmd in receipts servers; do
	tui_start $cmd
	tui_wait "MISSIVE-EXIT=0" 10 || { tui_dump; fail "missive $cmd in tmux"; }
	s=$(tui_screen | grep -v 'MISSIVE-EXIT')
	rows=$(echo "$s" | grep -c -E '^(TIME|SERVER|2026|submission)')
	[ "$rows" -ge 2 ] || { tui_dump; fail "$cmd: the table's rows are not on screen"; }
	echo "$s" | grep -q '…' || { tui_dump; fail "$cmd: no cell was cut with …"; }
	# A wrapped row would leave a line that starts with a cell's tail.
	bad=$(echo "$s" | grep -v -E '^(TIME|SERVER|2026|submission|$)' | head -n 1)
	[ -z "$bad" ] || { tui_dump; fail "$cmd: a row wrapped ($bad)"; }
	echo "$s" | grep -E '^2026|^submission' | grep -q '2026-12-0[12]T10:00:00Z' ||
	    { tui_dump; fail "$cmd: the times were cut"; }
done
pass "80 columns: missive receipts and missive servers rows do not wrap; long cells end in …"
