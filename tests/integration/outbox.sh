#!/bin/sh
# `missive outbox`: the list (ID, age, tries, next try, last error, From,
# To, Subject), show, drop; flush --due keeps each entry's backoff,
# flush tries every queued one, a held one (refused for good) only when
# named; IDs that are not IDs or not there, and an entry another process
# holds, get their exit status; two flushes at once deliver every entry
# once; `send --queue` puts a message the server cannot take now there.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_server
port=$SERVER_PORT
stop_server
CONF=$XDG_CONFIG_HOME/missive
OUTBOX=$XDG_DATA_HOME/missive/outbox
mkdir -p "$CONF"
chmod 700 "$CONF"
printf '[missive]\ndefault_profile = test\n\n[test]\nserver = 127.0.0.1:%s\ntls = starttls\nca_file = %s\nfrom = ann@example.org\ntimeout = 5\n' \
    "$port" "$PKI/ca.pem" >"$CONF/profiles.ini"
chmod 600 "$CONF/profiles.ini"
ids() { ls "$OUTBOX" 2>/dev/null | sed -n 's/\.env$//p'; }

run_missive empty outbox
expect_exit empty 0
assert_file_contains "$WORK/empty.out" "The outbox is empty."

# Three messages queued while the server is down.
for i in 1 2 3; do
	printf 'From: Ann <ann@example.org>\nTo: Bob <bob-%s@example.net>\nSubject: =?utf-8?q?gr=C3=BC=C3=9Fe_%s?=\nMessage-ID: <q%s@example.org>\n\nmessage %s\n' \
	    "$i" "$i" "$i" "$i" >"$WORK/q$i.txt"
	run_missive_in q$i "$WORK/q$i.txt" sendmail -t
	expect_exit q$i 0
done
assert_eq "$(ids | wc -l)" 3 "entries"
run_missive list outbox
expect_exit list 0
# The next try is a minute after the failed one (seconds less on a
# loaded machine).
assert_file_matches "$WORK/list.out" '1 try, next try in (1 minute|[1-5][0-9] seconds)$'
for f in "queued" "From:    Ann <ann@example.org>" \
    "To:      Bob <bob-2@example.net>" "Subject: grüße 3" "Last:    cannot connect to 127.0.0.1 port $port"; do
	assert_file_contains "$WORK/list.out" "$f"
done
id1=$(head -1 "$WORK/list.out" | cut -d' ' -f1)
run_missive show outbox show "$id1"
expect_exit show 0
for f in "Profile: test" "Envelope from: <ann@example.org>" "Envelope to:   <bob-1@example.net>" \
    "Message-ID: <q1@example.org>" "Subject: =?utf-8?q?gr=C3=BC=C3=9Fe_1?="; do
	assert_file_contains "$WORK/show.out" "$f"
done
pass "the list: ID, state, age, tries, next try, From, To, Subject (decoded), last error; show: envelope and header"

# Bad IDs, a missing one, one held by another process.
run_missive bad outbox show ../x
expect_exit bad 64
assert_file_contains "$WORK/bad.err" "is not an outbox ID"
run_missive gone outbox drop zzzzzzzz
expect_exit gone 66
assert_file_contains "$WORK/gone.err" "there is no message zzzzzzzz"
# -o: the lock stays with flock itself, not with the sleep it runs.
flock -o "$OUTBOX/$id1.msg" sleep 5 &
holder=$!
_pids="$_pids $holder"
_i=0
while flock -n "$OUTBOX/$id1.msg" true && [ $_i -lt 250 ]; do
	sleep 0.02
	_i=$((_i + 1))
done
run_missive busy outbox flush "$id1"
expect_exit busy 75
assert_file_contains "$WORK/busy.err" "is being sent by another missive right now"
run_missive busyl outbox
assert_file_contains "$WORK/busyl.out" "being sent now"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
pass "exit 64 for what is not an ID, 66 for one not there, 75 for one another process holds (listed as being sent)"

# --due keeps the backoff; the server is still down: tries counted.
run_missive due outbox flush --due
expect_exit due 0
assert_eq "$(cat "$WORK/due.err")" "" "flush --due before any next try"
run_missive all outbox flush
expect_exit all 75
assert_file_contains "$WORK/all.err" "0 sent, 3 queued"
run_missive list2 outbox --json
assert_eq "$(grep -c '"attempts":2' "$WORK/list2.out")" 3 "attempts after the second try"
pass "flush --due waits for each next try; flush tries every queued one now (exit 75: still queued)"

# Drop one; the server back; one held by a 554.
id3=$(tail -1 "$WORK/list2.out" | sed 's/.*"id":"\([a-z0-9]*\)".*/\1/')
run_missive drop outbox drop "$id3"
expect_exit drop 0
assert_eq "$(ids | wc -l)" 2 "entries after drop"
start_server --port "$port" --scenario final-554
run_missive held outbox flush
expect_exit held 69
assert_file_contains "$WORK/held.err" "held: this needs you"
run_missive list3 outbox --json
assert_eq "$(grep -c '"state":"held"' "$WORK/list3.out")" 2 "held entries"
assert_msgs 0
stop_server
start_server --port "$port"
run_missive skip outbox flush
expect_exit skip 0
assert_no_mail
id2=$(ids | head -1)
run_missive named outbox flush "$id2"
expect_exit named 0
assert_msgs 1
assert_eq "$(ids | wc -l)" 1 "entries after sending a held one by name"
pass "drop; a 554 holds the entries (exit 69, not tried again by flush); named, a held one is sent"

# Two flushes at once: every entry delivered once.
rm -rf "$OUTBOX"
stop_server
for i in $(seq 1 12); do
	printf 'From: ann@example.org\nTo: bob@example.net\nSubject: c%s\nMessage-ID: <c%s@example.org>\n\nx\n' "$i" "$i" >"$WORK/c.txt"
	run_missive_in c "$WORK/c.txt" sendmail -odq -t
	expect_exit c 0
done
start_server --port "$port" --delay 0.02
"$MISSIVE" outbox flush >"$WORK/p1.out" 2>"$WORK/p1.err" &
a=$!
"$MISSIVE" outbox flush >"$WORK/p2.out" 2>"$WORK/p2.err" &
b=$!
wait $a
ra=$?
wait $b
rb=$?
record_wait
"$PYTHON" - "$RECORD" <<'PY' || fail "two flushes: not once each"
import collections, glob, re, sys
c = collections.Counter()
for f in glob.glob(sys.argv[1] + "/msg-*.eml"):
    m = re.search(rb"^Message-ID: (<[^>]*>)", open(f, "rb").read(), re.M)
    c[m.group(1)] += 1
bad = [k for k, v in c.items() if v != 1]
if len(c) != 12 or bad:
    sys.exit("%d messages, not once: %s" % (len(c), bad))
PY
assert_eq "$(ids | wc -l)" 0 "entries after two flushes"
grep -h "sent," "$WORK/p1.err" "$WORK/p2.err" | sed 's/^/# /'
for r in $ra $rb; do
	[ "$r" = 0 ] || [ "$r" = 75 ] || fail "two flushes: exit statuses $ra $rb"
done
pass "two flushes at once: each of 12 entries delivered exactly once (the lock per entry)"

# send --queue: with a profile only, no session options; queued on a
# temporary failure, exit 0.
stop_server
run_missive sq1 send --queue --subject s ann@example.org bob@example.net 127.0.0.1:$port
expect_exit sq1 2
assert_file_contains "$WORK/sq1.err" "--queue needs a profile (-p NAME)"
run_missive sq2 send -p test --queue --tls off --subject s bob@example.net
expect_exit sq2 2
assert_file_contains "$WORK/sq2.err" "--queue: --tls cannot go with it"
run_missive sq3 send -p test --queue --subject 'queued by send' bob@example.net
expect_exit sq3 0
assert_file_contains "$WORK/sq3.err" "Queued in the outbox as"
run_missive sq4 outbox --json
assert_eq "$(json_get "$WORK/sq4.out" 'd["subject"]')" "queued by send" "the queued subject"
run_missive sq5 send -p test --subject 'not queued' bob@example.net
expect_exit sq5 1
assert_eq "$(ids | wc -l)" 1 "entries: send without --queue keeps nothing"
start_server --port "$port"
run_missive sq6 outbox flush
expect_exit sq6 0
assert_msgs 1
assert_file_contains "$RECORD/msg-1.eml" "Subject: queued by send"
pass "send --queue: needs a profile and no session option; queued on a temporary failure (exit 0), sent by flush"

# --- the server memory and the receipts (app/record.c) -----------------------

# receipts_of FIELD VALUE: how many receipts have FIELD == VALUE.
receipts_of() {
	"$PYTHON" - "$RECEIPTS_FILE" "$1" "$2" <<'PY'
import json, sys
n = 0
try:
    for l in open(sys.argv[1]):
        if json.loads(l).get(sys.argv[2]) == sys.argv[3]:
            n += 1
except FileNotFoundError:
    pass
print(n)
PY
}
# receipt_field KEY VALUE FIELD: FIELD of the one receipt with KEY == VALUE.
receipt_field() {
	"$PYTHON" - "$RECEIPTS_FILE" "$1" "$2" "$3" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
r = [d for d in r if d.get(sys.argv[2]) == sys.argv[3]]
print(r[0].get(sys.argv[4]) if len(r) == 1 else "%d receipts" % len(r))
PY
}
queued_id() { sed -n 's/.*Queued in the outbox as \([a-z0-9]\{8\}\).*/\1/p' "$WORK/$1.err"; }

# An entry never tried (-odq) has no last error: null in the JSON list.
printf 'From: ann@example.org\nTo: bob@example.net\n\nno subject\n' >"$WORK/odq.txt"
run_missive_in odq "$WORK/odq.txt" sendmail -odq -t
expect_exit odq 0
run_missive odql outbox --json
expect_exit odql 0
assert_eq "$(json_get "$WORK/odql.out" 'str(d["last_reason"])+" "+str(d["last_error"])+" "+str(d["subject"])+" "+d["via"]')" \
    "None None None sendmail" "an untried entry's fields"
run_missive odqd outbox drop "$(json_get "$WORK/odql.out" 'd["id"]')"
expect_exit odqd 0
pass "outbox --json lists an entry never tried (no last error, no subject) with nulls"

# The entry send --queue made, flushed: one receipt, via outbox, its ID.
sqid=$(queued_id sq3)
[ -n "$sqid" ] || fail "sq3 said no ID"
assert_eq "$(receipts_of outbox_id "$sqid")" 1 "receipts of the flushed entry $sqid"
assert_eq "$(receipt_field outbox_id "$sqid" via)" outbox "its via"
assert_eq "$(receipt_field outbox_id "$sqid" profile)" test "its profile"
pass "a flushed entry gets one receipt, via outbox, with its outbox ID"

# Retried: down, then 451, then sent. One receipt, one message.
stop_server
printf 'From: ann@example.org\nTo: bob@example.net\nMessage-ID: <retried@example.org>\nSubject: retried\n\nbody\n' >"$WORK/rt.txt"
run_missive_in rt1 "$WORK/rt.txt" sendmail -t
expect_exit rt1 0
rtid=$(queued_id rt1)
start_server --port "$port" --scenario mail-451
run_missive rt2 outbox flush
expect_exit rt2 75
assert_msgs 0
restart_server "$port"
run_missive rt3 outbox flush
expect_exit rt3 0
assert_msgs 1
run_missive rt4 outbox flush
expect_exit rt4 0
assert_msgs 1
assert_eq "$(receipts_of outbox_id "$rtid")" 1 "receipts of the entry tried three times"
assert_eq "$(receipts_of message_id '<retried@example.org>')" 1 "receipts of its Message-ID"
assert_eq "$(ids | wc -l)" 0 "entries after it was sent"
pass "an entry that failed twice (server down, 451) and was then sent: one message, one receipt"

# The downgrade memory: the profile is opportunistic and the server,
# remembered for STARTTLS, comes back without it. The entry is held (not
# a temporary failure: retrying would only meet it again, or send in
# plain text what was meant to go encrypted), never tried by itself, and
# `outbox show` says why and the way on.
sed -i 's/^tls = starttls$/tls = opportunistic/' "$CONF/profiles.ini"
grep -q "^127\.0\.0\.1:$port starttls verified" "$SERVERS_FILE" ||
    fail "127.0.0.1:$port is not remembered: $(cat "$SERVERS_FILE" 2>&1)"
stop_server
printf 'From: ann@example.org\nTo: bob@example.net\nMessage-ID: <dg@example.org>\nSubject: downgrade\n\nbody\n' >"$WORK/dg.txt"
run_missive_in dg1 "$WORK/dg.txt" sendmail -t
expect_exit dg1 0
dgid=$(queued_id dg1)
start_server --port "$port" --scenario no-starttls
run_missive dg2 outbox flush
expect_exit dg2 69
assert_no_mail
assert_file_contains "$WORK/dg2.err" "does not offer STARTTLS now"
run_missive dg3 outbox --json
assert_eq "$(json_get "$WORK/dg3.out" 'd["state"]+" "+d["last_reason"]')" "held tls_downgrade" "state and reason"
run_missive dg4 outbox show "$dgid"
expect_exit dg4 0
for f in "$dgid  held" "does not offer STARTTLS now" "it is held, not tried again by itself" \
    "missive servers forget 127.0.0.1:$port" "missive outbox flush $dgid"; do
	assert_file_contains "$WORK/dg4.out" "$f"
done
c0=$(record_conns)
run_missive dg5 outbox flush
run_missive dg6 outbox flush --due
assert_eq "$(record_conns)" "$c0" "connections of flushes that name no held entry"
run_missive dg7 outbox flush "$dgid"
expect_exit dg7 69
assert_no_mail
"$MISSIVE" servers forget "127.0.0.1:$port" >/dev/null 2>&1 || fail "servers forget"
run_missive dg8 outbox flush "$dgid"
expect_exit dg8 0
assert_msgs 1
assert_eq "$(receipts_of outbox_id "$dgid")" 1 "receipts of the held entry once sent"
assert_eq "$(receipt_field outbox_id "$dgid" encrypted)" False "sent in plain text, as asked"
pass "a downgrade in a flush: held (69, no MAIL), show says why and how on, not tried unnamed; forgotten and named, sent with one receipt"

# Maybe sent, and the receipt says it was accepted: a missive stopped
# after writing the receipt, before removing the entry (the state a
# SIGKILL there leaves: made here from a real receipt). flush removes it,
# says so, and sends nothing.
restart_server "$port" --scenario final-lost
printf 'From: ann@example.org\nTo: bob@example.net\nMessage-ID: <settled@example.org>\nSubject: settled\n\nbody\n' >"$WORK/st.txt"
run_missive_in st1 "$WORK/st.txt" sendmail -t
expect_exit st1 0
stid=$(sed -n 's/.*Kept in the outbox as \([a-z0-9]\{8\}\).*/\1/p' "$WORK/st1.err")
[ -n "$stid" ] || { show_missive st1 >&2; fail "st1: not kept uncertain"; }
assert_msgs 1
restart_server "$port"
run_missive st2 outbox flush
expect_exit st2 0
assert_eq "$(ids | grep -c "$stid")" 1 "the uncertain entry without a receipt stays"
"$PYTHON" - "$RECEIPTS_FILE" "$stid" <<'PY' || fail "cannot make the receipt"
import json, sys
path, oid = sys.argv[1], sys.argv[2]
last = json.loads(open(path).read().splitlines()[-1])
last["outbox_id"] = oid
last["message_id"] = "<settled@example.org>"
open(path, "a").write(json.dumps(last) + "\n")
PY
run_missive st3 outbox flush
expect_exit st3 0
assert_file_contains "$WORK/st3.err" "$stid was accepted at"
assert_file_contains "$WORK/st3.err" "not sent again"
assert_eq "$(ids | grep -c "$stid")" 0 "the settled entry"
assert_no_mail
pass "an uncertain entry whose receipt exists (stopped between receipt and removal) is removed by flush, not sent again"
