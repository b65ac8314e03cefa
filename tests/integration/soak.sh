#!/bin/sh
# Soak with faults: SOAK_SENDS sends (default 200; the full soak is
# SOAK_SENDS=1000) in sequence from one process (tests/integration/
# soak_sends.c: the worker thread over real TCP, as the composer sends),
# about one in ten to a test server with a fault scenario picked at
# random (seed SOAK_SEED, printed; default fixed so a failure replays),
# the others to a well-behaved server over STARTTLS with AUTH. Then, from
# the servers' records (by Message-ID): every message reported sent was
# delivered exactly once, every one reported not sent was not delivered,
# one whose fate is unknown (the final answer never came) at most once;
# every send to the good server was sent. The sender's descriptors and
# heap do not grow after the warm-up (it prints both, and RSS).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

sends=${SOAK_SENDS:-200}
seed=${SOAK_SEED:-20260101}
[ "$seed" = random ] && seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
SOAK=$TESTS_BUILDDIR/integration/soak_sends
[ -x "$SOAK" ] || fail "$SOAK is not built"
note "seed $seed, $sends sends (replay: SOAK_SEED=$seed SOAK_SENDS=$sends sh $0)"

auth="--auth-user ann --auth-pass soak-secret"
start_server $auth
clean_port=$SERVER_PORT
records=$RECORD
faults=
for s in no-starttls starttls-454 starttls-inject starttls-no-tls \
    starttls-hang tls-old auth-no-tls auth-fail refuse-rcpt dribble \
    multiline-mismatch long-line endless garbage greeting-421 \
    close-mid-data no-final-reply no-greeting helo-only; do
	start_server $auth --scenario "$s"
	faults="$faults --fault $s=$SERVER_PORT"
	records="$records $RECORD"
done
start_server $auth --size-limit 300
faults="$faults --fault size-limit=$SERVER_PORT"
records="$records $RECORD"

t0=$(date +%s)
"$SOAK" --count "$sends" --seed "$seed" --ca "$PKI/ca.pem" --out "$WORK/sends.tsv" \
	--clean "$clean_port" $faults >"$WORK/soak.out" 2>"$WORK/soak.err"
rc=$?
t1=$(date +%s)
cat "$WORK/soak.out"
[ -s "$WORK/soak.err" ] && { echo "--- stderr"; tail -n 20 "$WORK/soak.err"; }
[ $rc = 0 ] || fail "soak_sends exited $rc (descriptors or heap grew, or it crashed)"
pass "$sends sends in $((t1 - t0)) s, no descriptor or heap growth after the warm-up"

for r in $records; do
	"$PYTHON" "$QUERY" record "$r" wait 10 || fail "connections of $r still open"
done
"$PYTHON" - "$WORK/sends.tsv" "$sends" $records <<'PY' || fail "delivery check failed"
import collections, glob, os, re, sys
tsv, n, recs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
copies = collections.Counter()
for r in recs:
    for f in glob.glob(os.path.join(r, "msg-*.eml")):
        m = re.search(rb"^Message-ID: (<[^>\r\n]*>)", open(f, "rb").read(), re.M | re.I)
        if m:
            copies[m.group(1).decode()] += 1
rows = [l.rstrip("\n").split("\t") for l in open(tsv)]
bad = []
if len(rows) != n:
    bad.append("%d result lines for %d sends" % (len(rows), n))
per = collections.defaultdict(collections.Counter)
for i, scen, mid, out, reason, status in rows:
    c = copies.pop(mid, 0)
    per[scen][out] += 1
    if out == "sent" and c != 1:
        bad.append("send %s (%s): reported sent, delivered %d times" % (i, scen, c))
    if out == "not_sent" and c != 0:
        bad.append("send %s (%s): reported not sent (%s), delivered %d times" % (i, scen, reason, c))
    if out == "unknown" and c > 1:
        bad.append("send %s (%s): fate unknown, delivered %d times" % (i, scen, c))
    if scen == "clean" and out != "sent":
        bad.append("send %s to the good server: %s (%s)" % (i, out, reason))
    if (out == "sent") != (status in ("0", "3")):
        bad.append("send %s (%s): %s with exit status %s" % (i, scen, out, status))
for mid, c in copies.items():
    bad.append("delivered but never sent by the soak: %s (%d)" % (mid, c))
for scen in sorted(per):
    print("# %-20s %s" % (scen, ", ".join("%s %d" % kv for kv in sorted(per[scen].items()))))
for b in bad[:20]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
pass "every message delivered exactly once or reported not sent (none lost, none twice)"
