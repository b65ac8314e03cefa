#!/bin/sh
# The outbox soak (issue 13): messages queued while the server is down,
# then flushed while the server injects faults on a share of the sessions
# (451 at MAIL or after the data, 554, the connection lost after the
# message was stored or in the middle of it, a 421 greeting) and while
# flush processes are killed with SIGKILL at random moments, two at once
# now and then. At the end, counted by Message-ID on the server side:
# no message arrived twice; every message left the outbox only if it
# arrived, with exactly one receipt naming its outbox ID; a queued or held
# entry never arrived; only an uncertain ("maybe sent") one may have.
# SOAK_OUTBOX=N messages (default 30; 300 for a long run), seed
# SOAK_SEED (default 1).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

N=${SOAK_OUTBOX:-30}
SEED=${SOAK_SEED:-1}
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

# Queued while the server is down: the first few tried and refused a
# connection, the rest only queued (-odq), to keep the test quick.
i=1
while [ $i -le "$N" ]; do
	printf 'From: ann@example.org\nTo: bob@example.net\nSubject: soak %s\nMessage-ID: <soak-%s@example.org>\n\nmessage %s\n' \
	    "$i" "$i" "$i" >"$WORK/s.txt"
	if [ $i -le 3 ]; then
		run_missive_in s "$WORK/s.txt" sendmail -t
	else
		run_missive_in s "$WORK/s.txt" sendmail -odq -t
	fi
	expect_exit s 0
	i=$((i + 1))
done
assert_eq "$(ls "$OUTBOX" | grep -c '\.env$')" "$N" "entries queued"
pass "$N messages queued while the server is down"

start_server --port "$port" --fault-rate 0.3 --fault-seed "$SEED" \
    --fault-pool mail-451,final-451,final-554,final-lost,close-mid-data,greeting-421

# Flushes killed at random moments (the delays from the seed), two at
# once every third round; then flushes left to finish.
"$PYTHON" -c "
import random
r = random.Random($SEED)
print(' '.join('%.3f' % r.uniform(0.02, 0.6) for _ in range(12)))" >"$WORK/delays"
round=0
for d in $(cat "$WORK/delays"); do
	round=$((round + 1))
	"$MISSIVE" outbox flush >>"$WORK/k.out" 2>>"$WORK/k.err" &
	a=$!
	b=
	if [ $((round % 3)) -eq 0 ]; then
		"$MISSIVE" outbox flush >>"$WORK/k.out" 2>>"$WORK/k.err" &
		b=$!
	fi
	sleep "$d"
	kill -9 $a $b 2>/dev/null
	wait $a $b 2>/dev/null
done
for r in 1 2 3 4; do
	run_missive fin$r outbox flush
	case $MRC in 0|69|75) ;; *) show_missive fin$r >&2; fail "flush exit $MRC" ;; esac
done
record_wait
run_missive end outbox --json
expect_exit end 0

"$PYTHON" - "$RECORD" "$WORK/end.out" "$RECEIPTS_FILE" "$N" <<'PY' >"$WORK/verdict" || { cat "$WORK/verdict" >&2; fail "the soak's accounting"; }
import collections, glob, json, re, sys
rec, listing, receipts, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
arrived = collections.Counter()
for f in glob.glob(rec + "/msg-*.eml"):
    m = re.search(rb"^Message-ID: (<[^>]*>)", open(f, "rb").read(), re.M)
    arrived[m.group(1).decode()] += 1
left = {}
for line in open(listing):
    if line.strip():
        d = json.loads(line)
        left[d["message_id"]] = d
rc = collections.Counter()
rc_id = {}
try:
    for line in open(receipts):
        d = json.loads(line)
        rc[d["message_id"]] += 1
        rc_id[d["message_id"]] = d.get("outbox_id")
except FileNotFoundError:
    pass
bad = []
states = collections.Counter()
for i in range(1, n + 1):
    mid = "<soak-%d@example.org>" % i
    a = arrived[mid]
    if a > 1:
        bad.append("%s arrived %d times" % (mid, a))
    if mid in left:
        st = left[mid]["state"]
        states[st] += 1
        if st in ("queued", "held") and a != 0:
            bad.append("%s is %s in the outbox but arrived" % (mid, st))
    else:
        states["sent"] += 1
        if a != 1:
            bad.append("%s left the outbox but arrived %d times" % (mid, a))
        if rc[mid] != 1:
            bad.append("%s left the outbox with %d receipts" % (mid, rc[mid]))
        elif not rc_id.get(mid):
            bad.append("%s: its receipt names no outbox ID" % mid)
    if rc[mid] > 1:
        bad.append("%s has %d receipts" % (mid, rc[mid]))
extra = [k for k in arrived if not k.startswith("<soak-")]
if extra:
    bad.append("unknown messages arrived: %s" % extra)
print("sent %d, queued %d, held %d, uncertain %d" % (states["sent"], states["queued"],
      states["held"], states["uncertain"]))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
note "$(cat "$WORK/verdict") (of $N; seed $SEED)"
sent=$(sed -n 's/^sent \([0-9]*\),.*/\1/p' "$WORK/verdict")
[ "$sent" -gt 0 ] || fail "nothing was sent: the soak proved nothing"
pass "flushes killed at random, faults on 30% of sessions: none arrived twice; each gone from the outbox arrived once with one receipt; queued and held ones never arrived"
